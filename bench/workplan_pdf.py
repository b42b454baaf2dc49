"""A realistic Workplan response's PDF: how long it takes, and the image in the docs.

A fresh store gets one submitted Workplan written as a team would (three priorities, a
few actions each with every column filled, one with no cost, one funded by a named
"other" source); its PDF is rendered in each language (no cache) and timed. With
``--png``, one page of the French PDF (the first landscape page: the action table) is
written as a PNG with pypdfium2 (``pip install 'formkit[docs]'``); WeasyPrint no longer
writes PNGs, and poppler is not a dependency of the project.

Usage: python bench/workplan_pdf.py [--repeat 3] [--png docs/workplan-pdf.png] [--pdf out.pdf]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader  # the test extra

from formkit import create_app, pdf
from formkit.state import current_registry, current_store
from formkit.storage import SUBMITTED, Response

ROOT = Path(__file__).resolve().parent.parent


def _row(action, lead, partners, start, due, status, progress, challenges, cost, funding,
         other=None) -> dict:
    row = {"action": action, "lead": lead, "partners": partners, "start": start, "due": due,
           "status": status, "progress": progress, "challenges": challenges, "cost": cost,
           "funding": funding}
    if other:
        row["funding_other"] = other
    return {k: v for k, v in row.items() if v is not None}


ANSWERS = {
    "team_name": "Quartiers bienveillants de Sudbury",
    "community": "Grand Sudbury (Ontario)",
    "period_start": "2026-04-01", "period_end": "2027-03-31",
    "priority_1": "Isolement social des personnes aînées",
    "priority_2": "Soutien aux proches aidants",
    "priority_3": "Littératie en matière de soins de fin de vie",
    "outcome_1": "Moins de personnes aînées isolées dans les quartiers ciblés.",
    "actions_1": [
        _row("Visites d’amitié hebdomadaires", "Marie-Ève Tremblay",
             "Centre de santé communautaire, bénévoles", "2026-04-01", "2026-09-30",
             "in_progress", 40, "Recrutement de bénévoles francophones", 12000, "provincial"),
        _row("Cafés-rencontres intergénérationnels", "Jean Lavoie", "Écoles secondaires",
             "2026-05-15", "2026-12-15", "not_started", 0, None, 3500.5, "other",
             "Fondation Trillium de l’Ontario"),
        _row("Répertoire des services de proximité", "Amira Haddad", None, "2026-04-01",
             "2026-06-30", "done", 100, None, None, None),
    ],
    "outcome_2": "Les proches aidants savent où trouver du répit.",
    "actions_2": [
        _row("Séances d’information sur le répit", "Louise Gagnon",
             "Société Alzheimer, CLSC", "2026-06-01", "2027-01-31", "in_progress", 25,
             "Salles accessibles rares en hiver", 4800, "municipal"),
    ],
    "outcome_3": "Les familles parlent plus tôt de leurs volontés de fin de vie.",
    "actions_3": [
        _row("Ateliers « Parlons-en » en bibliothèque", "Pierre Nadeau",
             "Bibliothèque publique du Grand Sudbury", "2026-09-01", "2027-03-15",
             "not_started", 0, None, 2200, "foundation"),
    ],
    "audiences": "Personnes aînées, proches aidants, partenaires municipaux.",
    "channels": ["meetings", "newsletter", "local_media"],
    "frequency": "quarterly",
    "spokesperson": "Marie-Ève Tremblay",
    "next_review": "2026-10-01",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--png", type=Path, help="write a page of the French PDF here")
    parser.add_argument("--pdf", type=Path, help="write the French PDF here")
    args = parser.parse_args()
    from formkit.views.admin.exports import response_pdf_html

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "FORMS_DIR": str(ROOT / "forms"),
                          "PLUGINS_DIR": str(ROOT / "plugins"), "SECRET_KEY": "bench"})
        with app.test_request_context("/"):
            form = current_registry().forms["workplan"]
            score = current_registry().hook.formkit_score(form=form, answers=ANSWERS, locale="fr")
            current_store().import_records([Response(
                id="", form_id=form.id, form_version=form.version, locale="fr",
                status=SUBMITTED, answers=ANSWERS, score=score, key="bench-workplan",
                created="2026-11-27T14:02:00+00:00",
                submitted="2026-11-27T15:41:00+00:00")])
            response = next(current_store().iter_responses(form.id))
            print("| language | pages | seconds (median) |\n|---|---|---|")
            bodies = {}
            for locale in ("en", "fr"):
                times = []
                for _ in range(args.repeat):
                    started = time.perf_counter()
                    bodies[locale] = pdf.render_uncached(
                        response_pdf_html(form, response, locale))
                    times.append(time.perf_counter() - started)
                pages = len(PdfReader(io.BytesIO(bodies[locale])).pages)
                print(f"| {locale} | {pages} | {statistics.median(times):.2f} |")
    if args.pdf:
        args.pdf.write_bytes(bodies["fr"])
    if args.png:
        write_png(bodies["fr"], args.png)


def write_png(body: bytes, path: Path) -> None:
    """The first landscape page of ``body`` (else the first page) as a PNG."""
    import pypdfium2

    document = pypdfium2.PdfDocument(io.BytesIO(body))
    sizes = [document[i].get_size() for i in range(len(document))]
    index = next((i for i, (w, h) in enumerate(sizes) if w > h), 0)
    image = document[index].render(scale=110 / 72).to_pil()
    image.save(path, optimize=True)
    print(f"page {index + 1} of {len(document)} written to {path}", file=sys.stderr)


if __name__ == "__main__":
    main()

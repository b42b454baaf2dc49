"""How the cost of showing and submitting a form grows with the responses stored.

For each size, a fresh store is filled with that many submitted responses of the
largest form (the one with the most questions), then the server handles real requests
through the WSGI test client:

- render: GET of the form's largest page;
- first save: POST of page 1 with "Next" (creates the draft);
- submit: POST of the last page with "Submit" (validates, scores, stores once);

beside a plain TinyDB ``insert`` into one file holding the same number of documents.
Medians (and p95 for submit) over ``--repeat`` requests, all sizes in one run.

Usage: python bench/submit.py [--sizes 100,1000,10000,20000] [--repeat 30]
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tinydb import TinyDB
from werkzeug.datastructures import MultiDict

from formkit import create_app
from formkit.flow import read_page, visible_pages
from formkit.state import current_registry, current_store
from formkit.storage.base import SUBMITTED, Response
from formkit.testing import page_input

ROOT = Path(__file__).resolve().parent.parent


def question_count(form) -> int:
    total = 0
    for spec in form.fields:
        parts = [v for v in (spec.options.get("rows"), spec.options.get("columns"))
                 if isinstance(v, list)]
        total += len(parts[0]) if parts else 1
    return total


def sample_answers(form) -> dict:
    """Answers as the flow stores them, from every page's sample input."""
    answers: dict = {}
    for section in form.sections:
        outcome = read_page(form, section, "en", MultiDict(page_input(section)), answers,
                            validate=True)
        if not outcome.ok:
            raise SystemExit(f"sample input for {form.id}/{section.id} is refused: "
                             f"{outcome.errors}")
        answers.update(outcome.values)
    return answers


def seed(form, size: int, locale: str = "en", prefix: str = "seed") -> dict:
    """Store ``size`` submitted responses of ``form`` with the same sample answers (in an
    application context); returns those answers."""
    answers = sample_answers(form)
    score = current_registry().hook.formkit_score(form=form, answers=answers, locale=locale)
    current_store().import_records(
        Response(id="", form_id=form.id, form_version=form.version, locale=locale,
                 status=SUBMITTED, answers=answers, score=score, key=f"{prefix}-{i}")
        for i in range(size))
    return answers


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def run_size(size: int, repeat: int, forms_dir: str, plugins_dir: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "FORMS_DIR": forms_dir,
                          "PLUGINS_DIR": plugins_dir, "WTF_CSRF_ENABLED": False,
                          "SECRET_KEY": "bench",
                          # every request comes from one address
                          "DRAFTS_PER_ADDRESS": (10**6, 3600),
                          "FORM_POSTS_PER_ADDRESS": (10**6, 60)})
        with app.test_request_context("/"):
            form = max(current_registry().forms.values(), key=question_count)
            answers = seed(form, size, prefix="bench")
            pages = visible_pages(form, answers)
            largest = max(pages, key=lambda p: len(form.sections[p].fields))
        gc.collect()
        url = f"/f/{form.id}/page/{{}}"
        render, first_save, submit = [], [], []
        warmup = 3  # first requests compile templates and build form classes
        for _ in range(repeat + warmup):
            client = app.test_client()
            start = client.get(f"/f/{form.id}/").get_data(as_text=True)
            # the page's own key: a post without it is not added to any response
            key = {"_key": re.search(r'name="_key" value="([^"]+)"', start).group(1)}
            started = time.perf_counter()
            response = client.post(url.format(pages[0]),
                                   data={**page_input(form.sections[pages[0]]), **key,
                                         "_action": "next"})
            first_save.append(time.perf_counter() - started)
            assert response.status_code == 302, response.status_code
            for page in pages[1:-1]:
                client.post(url.format(page), data={**page_input(form.sections[page]),
                                                    **key, "_action": "next"})
            started = time.perf_counter()
            assert client.get(url.format(largest)).status_code == 200
            render.append(time.perf_counter() - started)
            started = time.perf_counter()
            response = client.post(url.format(pages[-1]),
                                   data={**page_input(form.sections[pages[-1]]), **key,
                                         "_action": "submit"})
            submit.append(time.perf_counter() - started)
            assert "/done/" in response.headers["Location"]
        del render[:warmup], first_save[:warmup], submit[:warmup]
        with app.app_context():
            assert current_store().count(form.id, SUBMITTED) == size + repeat + warmup

        db = TinyDB(Path(tmp) / "plain.json")
        db.insert_multiple({"answers": answers} for _ in range(size))
        inserts = []
        for _ in range(5):
            started = time.perf_counter()
            db.insert({"answers": answers})
            inserts.append(time.perf_counter() - started)
        db.close()
    return {
        "form": form.id,
        "render": statistics.median(render),
        "first_save": statistics.median(first_save),
        "submit": statistics.median(submit),
        "submit_p95": percentile(submit, 0.95),
        "tinydb": statistics.median(inserts),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000,20000")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--forms-dir", default=str(ROOT / "forms"))
    parser.add_argument("--plugins-dir", default=str(ROOT / "plugins"))
    parser.add_argument("--one", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        # One size in this fresh process; the parent collects the figures.
        print(json.dumps(run_size(args.one, args.repeat, args.forms_dir, args.plugins_dir)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    ms = 1000
    rows = []
    for size in sizes:
        # A fresh process per size, so no size inherits another's memory or caches.
        output = subprocess.run(
            [sys.executable, __file__, "--one", str(size), "--repeat", str(args.repeat),
             "--forms-dir", args.forms_dir, "--plugins-dir", args.plugins_dir],
            check=True, capture_output=True, text=True,
        ).stdout
        result = json.loads(output.strip().splitlines()[-1])
        rows.append((size, result))
        print(f"measured {size} ({result['form']})", file=sys.stderr)
    print(f"\nform: {rows[0][1]['form']}, {args.repeat} requests per size, times in ms\n")
    print("| stored | render largest page | first save (Next) | submit p50 | submit p95 "
          "| plain TinyDB insert |")
    print("|---:|---:|---:|---:|---:|---:|")
    for size, r in rows:
        print(f"| {size:,} | {r['render'] * ms:.1f} | {r['first_save'] * ms:.1f} "
              f"| {r['submit'] * ms:.1f} | {r['submit_p95'] * ms:.1f} | {r['tinydb'] * ms:.1f} |")
    first, last = rows[0], rows[-1]
    print(f"\nsubmit at {last[0]:,} / at {first[0]:,}: "
          f"{last[1]['submit'] / first[1]['submit']:.2f}x; plain TinyDB insert: "
          f"{last[1]['tinydb'] / first[1]['tinydb']:.1f}x")


if __name__ == "__main__":
    main()

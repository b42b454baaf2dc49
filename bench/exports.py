"""Coordinator exports at 1,000 and 10,000 responses, and our overhead over WeasyPrint.

For each size, a fresh store gets that many submitted Workplan responses (the largest
seed form), a coordinator signs in, and the test client downloads (PDF cache emptied
before each PDF, so every PDF is rendered):

- the PDF of one response, and the summary PDF of the form;
- the CSV and XLSX exports of every response.

Beside each PDF: WeasyPrint alone on the same HTML; the ratio is our overhead (building
the HTML: reading responses, the summary, the plugins' charts). Medians of ``--repeat``.

Usage: python bench/exports.py [--sizes 1000,10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from formkit import create_app, pdf
from formkit.review import Filters
from formkit.state import current_registry, current_store

sys.path.insert(0, str(Path(__file__).parent))
from submit import ROOT, seed  # noqa: E402

PASSWORD = "a long enough secret"


def timed(action, repeat: int, before=None) -> float:
    times = []
    for _ in range(repeat):
        if before:
            before()
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run_size(size: int, repeat: int) -> dict:
    from formkit.views.admin.exports import response_pdf_html, summary_pdf_html

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "FORMS_DIR": str(ROOT / "forms"),
                          "PLUGINS_DIR": str(ROOT / "plugins"), "SECRET_KEY": "bench",
                          "WTF_CSRF_ENABLED": False, "ARGON2_PROFILE": "CHEAPEST"})
        with app.test_request_context("/"):
            from formkit.auth import new_user, set_password

            form = current_registry().forms["workplan"]
            seed(form, size, locale="fr")
            set_password(current_store().add_user(new_user("b@example.ca", "admin")), PASSWORD)
            one = next(current_store().iter_responses(form.id))
        client = app.test_client()
        client.post("/admin/login", data={"email": "b@example.ca", "password": PASSWORD})
        cache = Path(tmp) / "cache"

        def empty_cache():
            shutil.rmtree(cache, ignore_errors=True)

        def get(url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response.get_data()

        result = {
            "response_pdf": timed(lambda: get(f"/admin/responses/{one.id}/pdf?doc_lang=fr"),
                                  repeat, empty_cache),
            "summary_pdf": timed(lambda: get("/admin/forms/workplan/summary.pdf?doc_lang=fr"),
                                 repeat, empty_cache),
            "csv": timed(lambda: get("/admin/forms/workplan/export.csv"), repeat),
            "xlsx": timed(lambda: get("/admin/forms/workplan/export.xlsx"), repeat),
        }
        with app.test_request_context("/"):
            one_html = response_pdf_html(form, current_store().get(one.id), "fr")
            summary_html = summary_pdf_html(form, Filters(), "fr")
        result["response_weasy"] = timed(lambda: pdf.render_uncached(one_html), repeat)
        result["summary_weasy"] = timed(lambda: pdf.render_uncached(summary_html), repeat)
        result["cached_pdf"] = timed(
            lambda: get("/admin/forms/workplan/summary.pdf?doc_lang=fr"), repeat)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        rows.append((size, run_size(size, args.repeat)))
        print(f"measured {size}", file=sys.stderr)
    print(f"\nWorkplan responses, median of {args.repeat}, seconds\n")
    print("| responses | one-response PDF (WeasyPrint alone, ratio) | summary PDF (WeasyPrint "
          "alone, ratio) | summary PDF again (cached) | CSV | XLSX |")
    print("|---:|---:|---:|---:|---:|---:|")
    for size, r in rows:
        print(f"| {size:,} | {r['response_pdf']:.2f} ({r['response_weasy']:.2f}, "
              f"{r['response_pdf'] / r['response_weasy']:.2f}×) | {r['summary_pdf']:.2f} "
              f"({r['summary_weasy']:.2f}, {r['summary_pdf'] / r['summary_weasy']:.2f}×) "
              f"| {r['cached_pdf']:.2f} | {r['csv']:.2f} | {r['xlsx']:.2f} |")


if __name__ == "__main__":
    main()

"""Coordinator exports at 1,000 and 10,000 responses, and our overhead over WeasyPrint.

For each size, a fresh store gets that many submitted Workplan responses (the largest
seed form), a coordinator signs in, and the test client downloads (PDF cache emptied
before each PDF, so every PDF is rendered):

- the PDF of one response, and the summary PDF of the form;
- the CSV and XLSX exports of every response;
- ``summary``: building the summary alone (``build_summary``, no HTML, no PDF);
- ``read``: reading the responses alone, as every export and summary does.

Beside each PDF: WeasyPrint alone on the same HTML; the ratio is our overhead (building
the HTML: reading responses, the summary, the plugins' charts). Medians of ``--repeat``.

Usage: python bench/exports.py [--sizes 1000,10000] [--repeat 3] [--only summary,csv]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from formkit import create_app, pdf
from formkit.review import Filters, matching
from formkit.state import current_registry, current_store
from formkit.summary import Rereadable, build_summary

sys.path.insert(0, str(Path(__file__).parent))
from submit import ROOT, seed  # noqa: E402

PASSWORD = "a long enough secret"


#: CPU seconds of this process per measure: on a shared, loaded machine wall-clock
#: times swing, and an export uses one core, so its CPU time is its time on a quiet one.
CPU: dict[str, float] = {}
#: how much each measure raised the process's peak memory (MB): flat when streamed.
PEAK: dict[str, float] = {}


def timed(action, repeat: int, before=None, name: str = "") -> float:
    times, cpu = [], []
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(repeat):
        if before:
            before()
        started, started_cpu = time.perf_counter(), time.process_time()
        action()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    if name:
        CPU[name] = statistics.median(cpu)
        PEAK[name] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak) / 1024
    return statistics.median(times)


def run_size(size: int, repeat: int, only: set[str]) -> dict:
    from formkit.exporters.pdf_export import summary_pdf_html
    from formkit.views.admin.exports import response_pdf_html

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
            # Read as a browser would, a chunk at a time, keeping none: the peak memory
            # is the server's, not a copy of the whole file here.
            response = client.get(url, buffered=False)
            assert response.status_code == 200, (url, response.status_code)
            size = sum(len(chunk) for chunk in response.iter_encoded())
            response.close()
            return size

        get("/admin/forms/workplan/export.json")  # the store's files read once, untimed

        def summarise():
            with app.test_request_context("/"):
                build_summary(form, Rereadable(lambda: matching(form, Filters(), "fr")), "fr")

        def read():
            with app.test_request_context("/"):
                for _response in matching(form, Filters(), "fr"):
                    pass

        measures = {
            "response_pdf": (lambda: get(f"/admin/responses/{one.id}/pdf?doc_lang=fr"),
                             empty_cache),
            "summary_pdf": (lambda: get("/admin/forms/workplan/summary.pdf?doc_lang=fr"),
                            empty_cache),
            "summary": (summarise, None),
            "read": (read, None),
            "csv": (lambda: get("/admin/forms/workplan/export.csv?doc_lang=fr"), None),
            "xlsx": (lambda: get("/admin/forms/workplan/export.xlsx?doc_lang=fr"), None),
        }
        result = {name: timed(action, repeat, before, name) if name in only else float("nan")
                  for name, (action, before) in measures.items()}
        if not only & {"response_pdf", "summary_pdf"}:
            result.update(response_weasy=float("nan"), summary_weasy=float("nan"),
                          cached_pdf=float("nan"))
            return result
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
    parser.add_argument("--only", default="response_pdf,summary_pdf,summary,read,csv,xlsx",
                        help="what to measure (comma-separated; others show nan)")
    args = parser.parse_args()
    only = set(args.only.split(","))
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        rows.append((size, run_size(size, args.repeat, only)))
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
    print("\nCPU seconds of the last size (the time on a quiet machine): "
          + ", ".join(f"{name} {seconds:.2f}" for name, seconds in CPU.items()))
    print("Peak memory added by each (MB, last size): "
          + ", ".join(f"{name} {mb:.0f}" for name, mb in PEAK.items()))


if __name__ == "__main__":
    main()

"""TinyDB against PostgreSQL, in one run: submit latency, throughput, server memory.

For each store and size (responses of the Workplan already stored), gunicorn serves on
loopback with 1, 4 and 8 workers while 16 client threads fill and submit the Workplan
(six requests each). Reported: the final "Submit" request's latency (p50/p95), whole
submissions per second, and the resident memory of the server (master and workers).

Usage: python bench/stores.py [--sizes 1000,100000] [--workers 1,4,8] [--submissions 200]
PostgreSQL: FORMKIT_BENCH_DATABASE_URL (default postgresql://127.0.0.1:5432/test); the
benchmark works in a schema of its own and drops it.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from submit import ROOT, seed  # noqa: E402

from formkit import create_app  # noqa: E402
from formkit.state import current_registry  # noqa: E402
from formkit.testing import page_input  # noqa: E402

DATABASE_URL = os.environ.get("FORMKIT_BENCH_DATABASE_URL", "postgresql://127.0.0.1:5432/test")
FORM = "workplan"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def post(opener, url: str, data: dict) -> int:
    try:
        with opener.open(url, urllib.parse.urlencode(data, doseq=True).encode(),
                         timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code


def submission(base: str, pages: list[dict]) -> float | None:
    """One whole submission; the final POST's latency, or None if not acknowledged."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect)
    with opener.open(f"{base}/f/{FORM}/", timeout=60) as response:
        page = response.read().decode()
    hidden = {name: re.search(rf'name="{name}" value="([^"]+)"', page).group(1)
              for name in ("csrf_token", "_key")}
    for index, data in enumerate(pages[:-1]):
        if post(opener, f"{base}/f/{FORM}/page/{index}", {**data, **hidden,
                                                          "_action": "next"}) != 302:
            return None
    started = time.perf_counter()
    status = post(opener, f"{base}/f/{FORM}/page/{len(pages) - 1}",
                  {**pages[-1], **hidden, "_action": "submit"})
    return time.perf_counter() - started if status == 302 else None


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children."""
    pids = [pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(pid)],
                                                     capture_output=True, text=True).stdout.split()]
    total = 0
    for each in pids:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


def prepare(store_url: str, instance: str, size: int) -> list[dict]:
    app = create_app({"INSTANCE_PATH": instance, "FORMS_DIR": str(ROOT / "forms"),
                      "PLUGINS_DIR": str(ROOT / "plugins"), "SECRET_KEY": "bench",
                      "STORE": store_url})
    with app.test_request_context("/"):
        form = current_registry().forms[FORM]
        seed(form, size)
        pages = [page_input(s) for s in form.sections]
    current_store_close = app.extensions["formkit"].store.close
    current_store_close()
    return pages


def serve(store_url: str | None, instance: str, workers: int, *flags: str,
          wait: float = 30.0) -> tuple[subprocess.Popen, str]:
    """``formkit serve`` on a free port (``store_url``: ``None`` for TinyDB) with the
    seed forms and rate limits no bench client hits; the process and its base URL once
    ``/healthz`` answers (within ``wait`` seconds)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "FORMKIT_INSTANCE_PATH": instance,
           "FORMKIT_FORMS_DIR": str(ROOT / "forms"), "FORMKIT_PLUGINS_DIR": str(ROOT / "plugins"),
           "FORMKIT_SECRET_KEY": "bench",
           "FORMKIT_FORM_POSTS_PER_ADDRESS": "[1000000, 60]",  # every client is 127.0.0.1
           "FORMKIT_DRAFTS_PER_ADDRESS": "[1000000, 3600]"}
    if store_url:
        env["FORMKIT_STORE"] = store_url
    process = subprocess.Popen([sys.executable, "-m", "formkit.cli", "serve", "--port",
                                str(port), "--workers", str(workers), *flags], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(int(wait * 10)):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).read()
            return process, base
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start")


def measure(store_url, instance, pages, workers, submissions) -> dict:
    process, base = serve(store_url, instance, workers)
    try:
        for _ in range(workers * 2):  # warm every worker
            submission(base, pages)
        started = time.perf_counter()
        with ThreadPoolExecutor(16) as pool:
            latencies = list(pool.map(lambda _n: submission(base, pages), range(submissions)))
        elapsed = time.perf_counter() - started
        done = sorted(x for x in latencies if x is not None)
        return {"p50": statistics.median(done) * 1000,
                "p95": done[int(0.95 * (len(done) - 1))] * 1000,
                "throughput": len(done) / elapsed, "rss": rss_mib(process.pid),
                "failed": len(latencies) - len(done)}
    finally:
        process.terminate()
        process.wait(30)


def pg_schema() -> tuple[str, str]:
    import psycopg

    name = f"fk_bench_{secrets.token_hex(4)}"
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    url = f"{DATABASE_URL}?options=-csearch_path%3D{name}"
    from formkit.storage.postgres_store import PostgresStore

    store = PostgresStore(url)
    store.upgrade()
    store.close()
    return name, url


def drop_schema(name: str) -> None:
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {name} CASCADE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--workers", default="1,4,8")
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--stores", default="tinydb,postgresql")
    args = parser.parse_args()
    rows = []
    for kind in args.stores.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            with tempfile.TemporaryDirectory() as instance:
                schema = None
                if kind == "postgresql":
                    schema, url = pg_schema()
                else:
                    url = str(Path(instance) / "data")
                try:
                    started = time.perf_counter()
                    pages = prepare(url, instance, size)
                    print(f"{kind} {size:,}: stored in {time.perf_counter() - started:.0f} s",
                          file=sys.stderr)
                    for workers in (int(w) for w in args.workers.split(",")):
                        result = measure(url, instance, pages, workers, args.submissions)
                        rows.append((kind, size, workers, result))
                        print(f"  {workers} workers: {result}", file=sys.stderr)
                finally:
                    if schema:
                        drop_schema(schema)
    print(f"\n{args.submissions} Workplan submissions (6 requests each) from 16 threads per "
          "row; latency of the final Submit in ms; memory of master + workers\n")
    print("| store | stored | workers | submit p50 | submit p95 | submissions/s | RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for kind, size, workers, r in rows:
        print(f"| {kind} | {size:,} | {workers} | {r['p50']:.1f} | {r['p95']:.1f} "
              f"| {r['throughput']:.1f} | {r['rss']:.0f} |")
    for kind in args.stores.split(","):
        sizes = sorted({s for k, s, _w, _r in rows if k == kind})
        for workers in sorted({w for k, _s, w, _r in rows if k == kind}):
            pick = {s: r for k, s, w, r in rows if k == kind and w == workers}
            if len(sizes) > 1:
                print(f"{kind}, {workers} workers: submit p50 at {sizes[-1]:,} / at "
                      f"{sizes[0]:,} = {pick[sizes[-1]]['p50'] / pick[sizes[0]]['p50']:.2f}x")


if __name__ == "__main__":
    main()

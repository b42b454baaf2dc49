"""The server as deployed: page and post throughput, and memory, with gunicorn.

`formkit serve --workers 2` runs on loopback over a TinyDB store holding 10,000
submitted responses of the Competency self-assessment (the peer comparison in issue 14:
django-survey-and-report serves 20–25 page requests/s with 2 workers). Client threads,
each with its own session:

- pages/s: GET of the Competency's largest page (a draft exists, so it shows answers);
- responses/s: whole responses, from the start page through every page's POST to the
  final Submit (posts/s counts those POSTs);
- CPU: the workers' own CPU seconds per request (from /proc), so a figure survives a
  busy machine: requests/s the workers' CPU allows = cores / CPU seconds per request
  (for POSTs, per page step: a POST and the next page's GET, compared with the peer's
  16–20 full-response posts/s);
- memory: resident size of the master and of each worker after every seed form has been
  filled and submitted once and a coordinator has opened the Competency summary.

Usage: python bench/server.py [--stored 10000] [--seconds 10] [--threads 8] [--workers 2]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import stores  # noqa: E402
from submit import ROOT, seed  # noqa: E402

from formkit import create_app  # noqa: E402
from formkit.state import current_registry  # noqa: E402
from formkit.testing import page_input  # noqa: E402

FORMS = ("membership", "wellbeing", "workplan", "evaluation", "competency")
FORM = "competency"
ADMIN, PASSWORD = "bench@example.ca", "a long bench password"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """One browser: its own cookies, no automatic redirects."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect)

    def request(self, url: str, data: dict | None = None) -> tuple[int, str, str]:
        body = None if data is None else urllib.parse.urlencode(data, doseq=True).encode()
        try:
            with self.opener.open(self.base + url, body, timeout=60) as response:
                return response.status, response.headers.get("Location", ""), \
                    response.read().decode()
        except urllib.error.HTTPError as exc:
            location = exc.headers.get("Location", "")
            exc.close()
            return exc.code, location, ""

    def get(self, url: str) -> str:
        """The page at ``url``, following redirects."""
        for _ in range(5):
            status, location, text = self.request(url)
            if status not in (301, 302, 303):
                return text
            url = urllib.parse.urlsplit(location)._replace(scheme="", netloc="").geturl()
        raise RuntimeError(f"too many redirects from {url}")


def hidden(text: str) -> dict:
    return {name: value for name, value in
            re.findall(r'name="(csrf_token|_key)" value="([^"]+)"', text)}


def respond(visitor: Visitor, form_id: str, inputs: list[dict]) -> int:
    """Fill and submit one whole response; returns the number of POSTs it took."""
    text = visitor.get(f"/f/{form_id}/")
    posts = 0
    while True:
        index = int(re.search(r'action="/f/\w+/page/(\d+)"', text).group(1))
        action = next((a for a in ("submit", "confirm") if f'value="{a}"' in text), "next")
        status, location, _ = visitor.request(
            f"/f/{form_id}/page/{index}", {**inputs[index], **hidden(text), "_action": action})
        posts += 1
        if status != 302:
            raise RuntimeError(f"{form_id} page {index}: {status}")
        if "/done/" in location:
            return posts
        text = visitor.get(urllib.parse.urlsplit(location).path)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def children(pid: int) -> list[int]:
    return [int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                                           text=True).stdout.split()]


def prepare(instance: str, stored: int) -> dict[str, list[dict]]:
    """The store with ``stored`` Competency responses and a coordinator; sample input
    for every page of every seed form."""
    app = create_app({"INSTANCE_PATH": instance, "FORMS_DIR": str(ROOT / "forms"),
                      "PLUGINS_DIR": str(ROOT / "plugins"), "SECRET_KEY": "bench"})
    with app.test_request_context("/"):
        from formkit.auth import new_user, set_password
        from formkit.state import current_store

        registry = current_registry()
        seed(registry.forms[FORM], stored)
        set_password(current_store().add_user(new_user(ADMIN, "admin", [], True)), PASSWORD)
        inputs = {form_id: [page_input(s) for s in registry.forms[form_id].sections]
                  for form_id in FORMS}
    app.extensions["formkit"].store.close()
    return inputs


def serve(instance: str, workers: int) -> tuple[subprocess.Popen, str]:
    """The TinyDB server, without the outbox worker (its CPU is not the pages')."""
    return stores.serve(None, instance, workers, "--no-worker", wait=60.0)


def run_for(seconds: float, threads: int, job) -> tuple[int, float]:
    """Run ``job()`` in ``threads`` threads for ``seconds``; the sum of what the calls
    returned and the time taken."""
    total = [0] * threads
    deadline = time.perf_counter() + seconds

    def loop(slot: int) -> None:
        while time.perf_counter() < deadline:
            total[slot] += job(slot)

    started = time.perf_counter()
    workers = [threading.Thread(target=loop, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(total), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as instance:
        inputs = prepare(instance, args.stored)
        process, base = serve(instance, args.workers)
        try:
            master_start = rss_mib(process.pid)
            # memory: every seed form once per worker (requests alternate between them),
            # then a summary
            for _ in range(args.workers):
                for form_id in FORMS:
                    respond(Visitor(base), form_id, inputs[form_id])
            after_forms = [rss_mib(pid) for pid in children(process.pid)]
            coordinator = Visitor(base)
            login = coordinator.get("/admin/login")
            coordinator.request("/admin/login", {**hidden(login), "email": ADMIN,
                                                 "password": PASSWORD})
            for _ in range(args.workers):
                assert "<svg" in coordinator.get(f"/admin/forms/{FORM}/summary")
            workers = children(process.pid)
            worker_rss = [rss_mib(pid) for pid in workers]
            master_rss = rss_mib(process.pid)

            # pages/s: each thread's own draft, its largest page read again and again
            form_inputs = inputs[FORM]
            largest = max(range(len(form_inputs)), key=lambda i: len(form_inputs[i]))
            visitors = [Visitor(base) for _ in range(args.threads)]
            for visitor in visitors:
                text = visitor.get(f"/f/{FORM}/")
                visitor.request(f"/f/{FORM}/page/0",
                                {**form_inputs[0], **hidden(text), "_action": "next"})
            assert 'name="_key"' in visitors[0].get(f"/f/{FORM}/page/{largest}")
            cpu_before = cpu_seconds(workers)
            pages, page_time = run_for(
                args.seconds, args.threads,
                lambda n: len(visitors[n].get(f"/f/{FORM}/page/{largest}")) > 0)

            page_cpu = cpu_seconds(workers) - cpu_before
            # whole responses/s (and the POSTs they take)
            counts: list[int] = []

            def one_response(_slot: int) -> int:
                counts.append(respond(Visitor(base), FORM, form_inputs))
                return 1

            cpu_before = cpu_seconds(workers)
            responses, response_time = run_for(args.seconds, args.threads, one_response)
            response_cpu = cpu_seconds(workers) - cpu_before
        finally:
            process.terminate()
            process.wait(30)
    posts = sum(counts)
    print(f"\ngunicorn, {args.workers} workers, {args.threads} client threads, "
          f"{args.stored:,} {FORM} responses stored (TinyDB)\n")
    print("| measure | value |")
    print("|---|---:|")
    cores = min(args.workers, os.cpu_count() or 1)
    print(f"| page requests/s ({FORM} page {largest + 1}) | {pages / page_time:.0f} |")
    print(f"| worker CPU ms per page request | {page_cpu / pages * 1000:.1f} |")
    print(f"| page requests/s the workers' CPU allows on {cores} cores "
          f"| {pages / page_cpu * cores:.0f} |")
    print(f"| whole responses/s ({posts / max(responses, 1):.0f} POSTs each) "
          f"| {responses / response_time:.1f} |")
    print(f"| POSTs/s | {posts / response_time:.0f} |")
    print(f"| worker CPU ms per whole response | {response_cpu / responses * 1000:.1f} |")
    print(f"| whole responses/s the workers' CPU allows on {cores} cores "
          f"| {responses / response_cpu * cores:.1f} |")
    post_step_ms = response_cpu / max(posts, 1) * 1000
    print(f"| worker CPU ms per page step (a POST and the next page's GET) "
          f"| {post_step_ms:.1f} |")
    print(f"| POSTs/s the workers' CPU allows on {cores} cores "
          f"| {posts / response_cpu * cores:.0f} |")
    print(f"| master RSS at start / after, MiB | {master_start:.0f} / {master_rss:.0f} |")
    print(f"| worker RSS after every seed form, MiB | "
          f"{' / '.join(f'{r:.0f}' for r in after_forms)} |")
    print(f"| worker RSS after every seed form and a summary, MiB | "
          f"{' / '.join(f'{r:.0f}' for r in worker_rss)} |")
    # the peer stores a whole response in one POST of 98–122 ms: 2 workers make 16–20/s
    posts_allowed = posts / response_cpu * cores
    print(f"\nPOSTs/s vs the peer's 16–20 full-response posts/s (CPU-bound figure): "
          f"{posts_allowed / 20:.1f}–{posts_allowed / 16:.1f}x")
    print(f"pages/s vs the peer's 20–25: {pages / page_time / 25:.1f}–"
          f"{pages / page_time / 20:.1f}x (CPU-bound figure: {pages / page_cpu * cores / 25:.1f}–"
          f"{pages / page_cpu * cores / 20:.1f}x)")


if __name__ == "__main__":
    main()

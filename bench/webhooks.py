"""How fast the outbox worker delivers webhooks: a real HTTP receiver on loopback
(http.server in a thread, answering 204), a real store of each kind.

For each store, ``--events`` events are queued to one subscription, then one worker
(``run_once`` passes, as ``formkit worker`` runs them) and then ``--workers`` concurrent
workers deliver them; the table gives deliveries per second and checks each event
arrived exactly once with a valid signature.

Usage: python bench/webhooks.py [--events 300] [--workers 4] [--postgres URL]
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from formkit.outbox import run_once
from formkit.storage import Webhook
from formkit.testing import make_app
from formkit.webhooks.events import send_test_event
from formkit.webhooks.signing import verify

SECRET = "whsec_bench"


class Receiver:
    def __init__(self):
        self.ids: list[str] = []
        self.bad_signatures = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                good = verify(SECRET, self.headers["X-Formkit-Timestamp"], raw,
                              self.headers["X-Formkit-Signature"], time.time())
                with receiver.lock:
                    receiver.ids.append(self.headers["X-Formkit-Event-Id"])
                    receiver.bad_signatures += not good
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def drain(app, workers: int) -> float:
    started = time.perf_counter()
    while True:
        with ThreadPoolExecutor(workers) as pool:
            runs = list(pool.map(lambda _n: run_once(app, limit=25), range(workers)))
        if not any(r.handled for r in runs):
            return time.perf_counter() - started


def measure(kind: str, url: str, args, receiver: Receiver) -> list[str]:
    rows = []
    for workers in (1, args.workers):
        folder = Path(tempfile.mkdtemp(prefix="fk-webhooks-"))
        if url:
            from formkit.storage.postgres_store import PostgresStore

            fresh = PostgresStore(url)
            fresh.upgrade()
            fresh._run("TRUNCATE outbox, webhooks CASCADE")  # a clean queue for each run
            fresh.close()
        app = make_app(folder, STORE=url or str(folder / "data"),
                       WEBHOOK_ALLOWED_HOSTS=["127.0.0.1"])
        with app.app_context():
            hook = app.extensions["formkit"].store.add_webhook(Webhook(
                id=f"wh_bench{workers}", form_id="bench", url=receiver.url,
                events=["submitted"], secret=SECRET))
            sent = {send_test_event(hook) for _ in range(args.events)}
        receiver.ids.clear()
        receiver.bad_signatures = 0
        seconds = drain(app, workers)
        exact = sorted(receiver.ids) == sorted(sent) and not receiver.bad_signatures
        rows.append(f"| {kind} | {workers} | {args.events} | {seconds:.2f} | "
                    f"{args.events / seconds:.0f} | {'yes' if exact else 'NO'} |")
        app.extensions["formkit"].store.close()
    return rows


def bench_schema(url: str) -> str:
    """A schema of the benchmark's own in that database (nothing else is touched)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA IF NOT EXISTS fk_bench_webhooks")
    return f"{url}?options=-csearch_path%3Dfk_bench_webhooks"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--postgres", default="postgresql://127.0.0.1:5432/test")
    args = parser.parse_args()
    receiver = Receiver()
    try:
        rows = ["| store | workers | events | seconds | deliveries/s | each once, signed |",
                "|---|---|---|---|---|---|"]
        rows += measure("tinydb", "", args, receiver)
        if args.postgres:
            rows += measure("postgresql", bench_schema(args.postgres), args, receiver)
    finally:
        receiver.server.shutdown()
    print("\n".join(rows))


if __name__ == "__main__":
    main()

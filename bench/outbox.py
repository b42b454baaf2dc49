"""How fast the outbox worker delivers email, and how it behaves when the SMTP server
refuses: a real SMTP server on loopback (aiosmtpd), a real store of each kind.

For each store, ``--messages`` emails are queued, then one worker (``run_once`` passes,
as ``formkit worker`` runs them) and then ``--workers`` concurrent workers deliver
them; the table gives messages per second and checks each was received exactly once.
A last run has the server refuse every message twice (451) and reports the attempts.

Usage: python bench/outbox.py [--messages 300] [--workers 4] [--postgres URL]
"""

from __future__ import annotations

import argparse
import email
import email.policy
import socket
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from aiosmtpd.controller import Controller

from formkit.clock import ManualClock
from formkit.outbox import run_once
from formkit.outbox.queue import enqueue
from formkit.testing import make_app


class Inbox:
    def __init__(self):
        self.ids: list[str] = []
        self.refusals: dict[str, int] = {}
        self.refuse_each = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message_id = str(parsed["X-Formkit-Message-Id"]).strip()
        with self.lock:
            if self.refusals.get(message_id, 0) < self.refuse_each:
                self.refusals[message_id] = self.refusals.get(message_id, 0) + 1
                return "451 4.3.0 try again later"
            self.ids.append(message_id)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fill(app, count: int, prefix: str) -> None:
    with app.app_context():
        for number in range(count):
            enqueue(f"email:{prefix}:{number}", "email", {
                "to": f"person{number}@example.ca", "subject": f"Receipt {number}",
                "text": "Thank you.\n" * 20, "html": "<p>Thank you.</p>" * 20,
                "locale": "en"})


def drain(app, workers: int, clock: ManualClock | None = None) -> tuple[float, int]:
    """Seconds until nothing is due, and passes made (advancing ``clock`` past backoffs)."""
    started, passes = time.perf_counter(), 0
    while True:
        with ThreadPoolExecutor(workers) as pool:
            runs = list(pool.map(lambda _n: run_once(app, limit=25), range(workers)))
        passes += workers
        if not any(r.handled for r in runs):
            if clock is None:
                break
            clock.advance(hours=1)  # past any retry delay
            if not any(r.handled for r in [run_once(app)]):
                break
    return time.perf_counter() - started, passes


def measure(kind: str, url: str, args, inbox: Inbox, port: int) -> list[str]:
    rows = []
    for workers in (1, args.workers):
        folder = Path(tempfile.mkdtemp(prefix="fk-outbox-"))
        store = url if url else str(folder / "data")
        if url:
            from formkit.storage.postgres_store import PostgresStore

            fresh = PostgresStore(url)
            fresh.upgrade()
            fresh._run("TRUNCATE outbox")  # a clean queue for each run
            fresh.close()
        app = make_app(folder, STORE=store, MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        fill(app, args.messages, f"{kind}-{workers}")
        inbox.ids.clear()
        seconds, _passes = drain(app, workers)
        received = len(inbox.ids)
        exact = received == len(set(inbox.ids)) == args.messages
        rows.append(f"| {kind} | {workers} | {args.messages} | {seconds:.2f} | "
                    f"{args.messages / seconds:.0f} | {'yes' if exact else 'NO'} |")
        app.extensions["formkit"].store.close()
    # refusals: every message refused twice, then accepted (time moved past the backoff)
    folder = Path(tempfile.mkdtemp(prefix="fk-outbox-"))
    clock = ManualClock()
    app = make_app(folder, STORE=url or str(folder / "data"), MAIL_SERVER="127.0.0.1",
                   MAIL_PORT=port, CLOCK=clock)
    if url:
        app.extensions["formkit"].store._run("TRUNCATE outbox")
    fill(app, 50, f"{kind}-refused")
    inbox.ids.clear()
    inbox.refuse_each = 2
    drain(app, 1, clock)
    inbox.refuse_each = 0
    with app.app_context():
        sent = [m for m in app.extensions["formkit"].store.list_messages("sent", 1000)
                if m.kind == "email"]
    attempts = sorted({m.attempts for m in sent})
    rows.append(f"| {kind}, each refused twice | 1 | 50 | – | – | "
                f"{'yes' if len(set(inbox.ids)) == len(inbox.ids) == 50 else 'NO'}, "
                f"attempts {attempts} |")
    app.extensions["formkit"].store.close()
    return rows


def bench_schema(url: str) -> str:
    """A schema of the benchmark's own in that database (nothing else is touched)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA IF NOT EXISTS fk_bench_outbox")
    return f"{url}?options=-csearch_path%3Dfk_bench_outbox"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--postgres", default="postgresql://127.0.0.1:5432/test")
    args = parser.parse_args()
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        rows = ["| store | workers | messages | seconds | messages/s | each once |",
                "|---|---|---|---|---|---|"]
        rows += measure("tinydb", "", args, inbox, port)
        if args.postgres:
            rows += measure("postgresql", bench_schema(args.postgres), args, inbox, port)
    finally:
        controller.stop()
    print("\n".join(rows))


if __name__ == "__main__":
    main()

"""The worker: claims due messages, delivers them, retries failures with exponential
backoff, and moves a message that keeps failing to the dead-letter list.

At least once: a message is marked sent only after its deliverer returned, so a worker
that dies mid-delivery leaves it claimed until its lease runs out, and another worker
(or the same, restarted) delivers it again under the same idempotency id. Any number of
workers may run: the store hands each message to one of them at a time.
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask

from formkit import clock
from formkit.outbox import email
from formkit.outbox.queue import MAX_ATTEMPTS, Obsolete, retry_delay
from formkit.storage import CANCELLED, DEAD, QUEUED, SENT, Message, StoreUnavailable
from formkit.storage.base import utcnow

log = logging.getLogger(__name__)

#: seconds a claimed message stays with its worker before another may take it (the
#: ``OUTBOX_LEASE_SECONDS`` setting): longer than any one delivery takes.
LEASE = 300.0
#: a message waiting for its response to be submitted is dropped after this long (s).
SUBMIT_WAIT = 24 * 3600.0


@dataclass
class WorkerRun:
    """What one pass of the worker did."""

    sent: int = 0
    #: daily jobs run (digests, retention, vacuum), besides the messages sent.
    jobs: int = 0
    retried: int = 0
    dead: int = 0
    cancelled: int = 0
    waiting: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return (self.sent + self.jobs + self.retried + self.dead + self.cancelled
                + self.waiting)


def deliverers(app: Flask) -> dict[str, Callable[[dict[str, Any], str], None]]:
    """The kinds of message this worker can deliver now: jobs (daily ones, long exports)
    and webhooks always,
    emails once a server is set (until then they wait in the outbox)."""
    from formkit.exporters import background
    from formkit.outbox import daily
    from formkit.webhooks import delivery, events

    found: dict[str, Callable[[dict[str, Any], str], None]] = daily.runners()
    found[background.KIND] = background.run
    found[events.KIND] = delivery.deliver
    if email.mail_configured(app):
        found[email.KIND] = email.deliver
    return found


def _submitted(store, message: Message) -> bool | None:
    """Whether the response a message waits for is submitted (``None``: it is gone)."""
    response = store.get(message.after_submit)
    return None if response is None else response.is_submitted


def run_once(app: Flask, limit: int = 50) -> WorkerRun:
    """Deliver the messages due now (at most ``limit``)."""
    run = WorkerRun()
    with app.app_context():
        from formkit.outbox import daily

        store = app.extensions["formkit"].store
        daily.schedule(app)
        kinds = deliverers(app)
        now = clock.now()
        lease = float(app.config.get("OUTBOX_LEASE_SECONDS") or LEASE)
        for message in store.claim_messages(now, limit, lease, kinds):
            _deliver(store, message, kinds[message.kind], run, now)
    return run


#: payload keys dropped once a message is sent or cancelled: a webhook event's body holds
#: the answers, which must not outlive the response (retention, a person's data) in the
#: outbox's archive.
FORGOTTEN_WHEN_DONE = {"webhook": ("body",)}


def _done(message: Message) -> dict[str, Any]:
    """What a finished message keeps of its payload."""
    dropped = FORGOTTEN_WHEN_DONE.get(message.kind, ())
    if not dropped:
        return {}
    return {"payload": {k: v for k, v in message.payload.items() if k not in dropped}}


def _deliver(store, message: Message, deliver, run: WorkerRun, now: float) -> None:
    if message.after_submit:
        submitted = _submitted(store, message)
        waited = now - datetime.datetime.fromisoformat(message.created).timestamp()
        if submitted is None or (not submitted and waited > SUBMIT_WAIT):
            # The response was deleted, or never submitted: the event did not happen.
            store.finish_message(message.id, status=CANCELLED, **_done(message))
            run.cancelled += 1
            return
        if not submitted:
            store.finish_message(message.id, next_at=now + 60)
            run.waiting += 1
            return
    try:
        deliver(message.payload, message.id)
    except Obsolete:
        store.finish_message(message.id, status=CANCELLED, **_done(message))
        run.cancelled += 1
        return
    except Exception as error:  # noqa: BLE001 - any failure is retried, then dead-lettered
        attempts = message.attempts + 1
        text = f"{type(error).__name__}: {error}"[:500]
        run.errors.append(text)
        if attempts >= MAX_ATTEMPTS:
            store.finish_message(message.id, status=DEAD, attempts=attempts, last_error=text)
            log.warning("message %s is dead after %d attempts: %s", message.id, attempts, text)
            run.dead += 1
        else:
            store.finish_message(message.id, status=QUEUED, attempts=attempts,
                                 next_at=now + retry_delay(attempts), last_error=text)
            run.retried += 1
        return
    store.finish_message(message.id, status=SENT, attempts=message.attempts + 1,
                         sent=utcnow(), last_error=None, **_done(message))
    if message.kind in (email.KIND, "webhook"):
        run.sent += 1
    else:
        run.jobs += 1


def retry(store, message_id: str) -> Message | None:
    """Put a dead message back in the queue, due now, with a fresh count of attempts."""
    message = store.get_message(message_id)
    if message is None or message.status != DEAD:
        return None
    return store.finish_message(message_id, status=QUEUED, attempts=0, next_at=clock.now())


def run_forever(app: Flask, interval: float = 5.0,
                stop: threading.Event | None = None) -> None:
    """Deliver until ``stop`` is set; a pass that found work is followed at once."""
    stop = stop or threading.Event()
    while not stop.is_set():
        try:
            run = run_once(app)
        except StoreUnavailable as error:
            log.warning("the store is unavailable, trying again: %s", error)
            run = WorkerRun()
        except Exception:  # noqa: BLE001 - the worker outlives any one bad pass
            log.exception("worker pass failed")
            run = WorkerRun()
        if not run.handled:
            stop.wait(interval)


__all__ = ["SENT", "WorkerRun", "retry", "run_forever", "run_once"]

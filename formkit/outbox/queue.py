"""Putting messages in the outbox, and when a failed delivery is tried again."""

from __future__ import annotations

from typing import Any

from formkit import clock
from formkit.state import current_store
from formkit.storage import Message

#: deliveries tried before a message goes to the dead-letter list.
MAX_ATTEMPTS = 8
#: the first retry waits this long (seconds); each next one twice as long, at most a day.
FIRST_RETRY, LONGEST_WAIT = 30.0, 24 * 3600.0


class Obsolete(Exception):  # noqa: N818 - a state, not a failure
    """Raised by a deliverer when there is nothing to deliver any more (a webhook
    removed since): the message is cancelled, not retried."""


def retry_delay(attempts: int) -> float:
    """Seconds to wait after the ``attempts``-th failed delivery (30 s, 1 min, 2 min…)."""
    return min(LONGEST_WAIT, FIRST_RETRY * 2 ** max(0, attempts - 1))


def enqueue(message_id: str, kind: str, payload: dict[str, Any], **fields: Any) -> bool:
    """Keep a message for the worker; ``False`` when that idempotency id is already
    there (the same event enqueued twice stays one message)."""
    message = Message(id=message_id, kind=kind, payload=payload, next_at=clock.now(),
                      **fields)
    return current_store().enqueue(message)


def enqueue_many(messages: list[Message]) -> int:
    """:func:`enqueue` for many messages in one store write; how many were new."""
    return current_store().enqueue_many(messages)

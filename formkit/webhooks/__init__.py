"""Webhooks: a form's events POSTed as signed JSON to the URLs its subscriptions name.

Owns: subscriptions (:func:`subscribe`), the check that keeps targets off loopback and
private networks (:mod:`formkit.webhooks.targets`), the signature
(:mod:`formkit.webhooks.signing`), and the events queued in the outbox and delivered by
its worker (:mod:`formkit.webhooks.events`, :mod:`formkit.webhooks.delivery`).

May import: ``formkit.storage``, ``formkit.outbox.queue``, ``formkit.state``,
``formkit.clock`` and Flask; nothing here imports a view.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from formkit.state import current_store
from formkit.storage import Webhook
from formkit.storage.base import new_token
from formkit.webhooks.targets import TargetRefused, check_target

#: what a subscription may ask for. (An "updated" event would need submitted responses
#: to be edited; formkit has no such change today.)
SUBMITTED, REVIEWED = "submitted", "reviewed"
EVENTS = (SUBMITTED, REVIEWED)


class BadSubscription(ValueError):
    """A subscription that cannot be kept; ``reason``: ``events`` or the
    :class:`TargetRefused` reason."""

    def __init__(self, message: str, reason: str = "events"):
        super().__init__(message)
        self.reason = reason


def parse_events(events: Iterable[str] | str) -> list[str]:
    """The events named (comma-separated or a list), checked, in canonical order."""
    names = [e.strip() for e in (events.split(",") if isinstance(events, str) else events)]
    names = [e for e in names if e]
    unknown = [e for e in names if e not in EVENTS]
    if unknown:
        raise BadSubscription(f"unknown event(s): {', '.join(unknown)}")
    if not names:
        raise BadSubscription("choose at least one event")
    return [e for e in EVENTS if e in names]


def subscribe(form_id: str, url: str, events: Iterable[str] | str,
              allowed_hosts: Iterable[str]) -> Webhook:
    """Keep a new subscription (with a new signing secret) once its URL is checked."""
    chosen = parse_events(events)
    try:
        check_target(url, allowed_hosts)
    except TargetRefused as error:
        raise BadSubscription(str(error), error.reason) from error
    webhook = Webhook(id=f"wh_{new_token(8)}", form_id=form_id, url=url.strip(),
                      events=chosen, secret=f"whsec_{secrets.token_urlsafe(32)}")
    return current_store().add_webhook(webhook)


__all__ = ["EVENTS", "REVIEWED", "SUBMITTED", "BadSubscription", "TargetRefused",
           "parse_events", "subscribe"]

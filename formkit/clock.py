"""The time every part of formkit reads, injectable so tests can move it.

Code never calls ``time.time()`` or ``datetime.now()`` for anything it stores or
compares: it asks :func:`now`. An application takes its clock from the ``CLOCK``
setting (a callable returning epoch seconds; tests pass a :class:`ManualClock`), so
"a month later" is a parameter, not a sleep. Outside an application (a store used on
its own) the system clock is used.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable

from flask import current_app, has_app_context


def now() -> float:
    """Epoch seconds from the application's clock."""
    if has_app_context():
        clock: Callable[[], float] | None = current_app.config.get("CLOCK")
        if clock is not None:
            return clock()
    return time.time()


def utcnow() -> datetime.datetime:
    """Now, an aware UTC datetime."""
    return datetime.datetime.fromtimestamp(now(), datetime.UTC)


def utcnow_iso() -> str:
    """Now as an ISO 8601 UTC timestamp (what records store)."""
    return utcnow().isoformat(timespec="microseconds")


def today() -> datetime.date:
    """Today's date in UTC."""
    return utcnow().date()


class ManualClock:
    """A clock that stands still until moved: ``clock.advance(minutes=31)``."""

    def __init__(self, start: float | None = None):
        self.time = time.time() if start is None else start

    def __call__(self) -> float:
        return self.time

    def advance(self, seconds: float = 0, *, minutes: float = 0, hours: float = 0,
                days: float = 0) -> None:
        self.time += seconds + 60 * minutes + 3600 * hours + 86400 * days

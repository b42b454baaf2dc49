"""When a form takes responses: opening and closing times and a quota (``schedule:`` in
the form's YAML), with a grace period for drafts begun before it closed or filled.

::

    schedule:
      opens: 2026-12-01 09:00      # the site's time zone (FORMKIT_TIMEZONE)
      closes: 2027-01-31 17:00
      quota: 200                   # submitted responses
      grace_hours: 24              # drafts begun before it closed may be finished (default)
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from formkit.schema import SchemaContext

DEFAULT_GRACE_HOURS = 24
KEYS = ("opens", "closes", "quota", "grace_hours")
#: why a form takes no new response.
NOT_YET, CLOSED, FULL = "not_yet", "closed", "full"


@dataclass(frozen=True)
class Schedule:
    """A form's times as naive local wall-clock times, and its quota."""

    opens: datetime.datetime | None = None
    closes: datetime.datetime | None = None
    quota: int | None = None
    grace_hours: float = DEFAULT_GRACE_HOURS

    def _at(self, moment: datetime.datetime | None, zone: str) -> float | None:
        return None if moment is None else moment.replace(tzinfo=ZoneInfo(zone)).timestamp()

    def refusal(self, now: float, zone: str, submitted: int) -> str | None:
        """Why a new response cannot start now (``None``: it can)."""
        opens, closes = self._at(self.opens, zone), self._at(self.closes, zone)
        if opens is not None and now < opens:
            return NOT_YET
        if closes is not None and now >= closes:
            return CLOSED
        if self.quota is not None and submitted >= self.quota:
            return FULL
        return None

    def past_grace(self, now: float, zone: str) -> bool:
        """Whether the grace period after closing is over (never, without a closing)."""
        closes = self._at(self.closes, zone)
        return closes is not None and now >= closes + self.grace_hours * 3600

    def draft_may_finish(self, now: float, zone: str, draft_created: float) -> bool:
        """Whether a draft begun at ``draft_created`` may still be saved and submitted:
        until the closing time plus the grace period, if it was begun before closing.
        (A full form lets drafts already begun finish: they were begun before it filled.)"""
        closes = self._at(self.closes, zone)
        if closes is None:
            return True
        return draft_created < closes and not self.past_grace(now, zone)


def _moment(value: Any) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time())
    if isinstance(value, str):
        try:
            return datetime.datetime.fromisoformat(value.strip()).replace(tzinfo=None)
        except ValueError:
            return None
    return None


def parse_schedule(data: Mapping, ctx: SchemaContext) -> Schedule | None:
    """Check and build ``schedule:``; mistakes go to ``ctx`` with suggestions."""
    from formkit.suggest import closest

    raw = data.get("schedule")
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        ctx.error(data, "'schedule' must be a mapping of opens, closes, quota, grace_hours",
                  key="schedule")
        return None
    for key in set(raw) - set(KEYS):
        ctx.error(raw, f"schedule: unknown key '{key}'", key=key,
                  suggestion=closest(str(key), KEYS) or f"known: {', '.join(KEYS)}")
    times = {}
    for key in ("opens", "closes"):
        if key in raw:
            times[key] = _moment(raw[key])
            if times[key] is None:
                ctx.error(raw, f"schedule: {key} must be a date and time", key=key,
                          suggestion="e.g. 2026-12-01 09:00 (the site's time zone)")
    if times.get("opens") and times.get("closes") and times["opens"] >= times["closes"]:
        ctx.error(raw, "schedule: closes must come after opens", key="closes",
                  suggestion="swap them")
    quota = raw.get("quota")
    if quota is not None and (isinstance(quota, bool) or not isinstance(quota, int)
                              or quota < 1):
        ctx.error(raw, "schedule: quota must be a whole number of responses, 1 or more",
                  key="quota")
    grace = raw.get("grace_hours", DEFAULT_GRACE_HOURS)
    if isinstance(grace, bool) or not isinstance(grace, int | float) or grace < 0:
        ctx.error(raw, "schedule: grace_hours must be a number of hours, 0 or more",
                  key="grace_hours")
        grace = DEFAULT_GRACE_HOURS
    return Schedule(opens=times.get("opens"), closes=times.get("closes"),
                    quota=quota if isinstance(quota, int) else None, grace_hours=grace)

"""Work done once a day by whichever worker gets there first: each kind of job is queued
as an outbox message with an id made of its kind and the day, after its hour (in the
site's time zone), so any number of workers queue it once, and a worker dying half-way
leaves it to be retried like any message."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask

from formkit import clock, invitations
from formkit.outbox import notifications, retention_job
from formkit.outbox.queue import enqueue


@dataclass(frozen=True)
class DailyJob:
    kind: str
    #: the setting naming the hour after which it runs.
    hour_setting: str
    #: whether there is anything for it to do at all (cheap; asked on every pass).
    needed: Callable[[Flask], bool]
    #: runs it: ``run(payload, message_id)`` with ``payload`` {day, since, until}.
    run: Callable[[dict[str, Any], str], None]


def _vacuum(payload: dict[str, Any], message_id: str) -> None:
    from flask import current_app

    from formkit.auth import audit
    from formkit.vacuum import vacuum

    report = vacuum(current_app._get_current_object())
    if report.drafts or report.temp_files:
        audit("vacuum", drafts=report.drafts, temp_files=report.temp_files)


JOBS = (
    DailyJob(notifications.DIGEST_RUN, "DIGEST_HOUR", notifications.digests_wanted,
             notifications.run_digests),
    DailyJob(retention_job.KIND, "RETENTION_HOUR", retention_job.wanted, retention_job.run),
    # reminders to people invited to a form who have not answered yet
    DailyJob(invitations.KIND, "DIGEST_HOUR", invitations.reminders_wanted,
             invitations.run_reminders),
    # `formkit store vacuum`, on a schedule: abandoned empty drafts, stale temporary files
    DailyJob("vacuum", "RETENTION_HOUR", lambda app: True, _vacuum),
)


def schedule(app: Flask) -> int:
    """Queue the day's jobs whose hour has passed; how many were new."""
    now = datetime.datetime.fromtimestamp(clock.now(),
                                          ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"]))
    queued = 0
    for job in JOBS:
        hour = int(app.config[job.hour_setting])
        if now.hour < hour or not job.needed(app):
            continue
        until = now.replace(hour=hour, minute=0, second=0, microsecond=0)
        since = until - datetime.timedelta(days=1)
        queued += enqueue(f"{job.kind}:{until.date().isoformat()}", job.kind, {
            "day": until.date().isoformat(),
            "since": since.astimezone(datetime.UTC).isoformat(),
            "until": until.astimezone(datetime.UTC).isoformat()})
    return queued


def runners() -> dict[str, Callable[[dict[str, Any], str], None]]:
    return {job.kind: job.run for job in JOBS}

"""The kind page people see when a form is not taking responses (not open yet, closed,
or full), and the checks the response views make before starting or saving a draft."""

from __future__ import annotations

import datetime

from flask import current_app, render_template, request
from flask_babel import gettext as _

from formkit import clock
from formkit.availability import CLOSED, FULL, NOT_YET
from formkit.formatting import format_timestamp, instance_zone
from formkit.i18n import current_locale
from formkit.schema import Form
from formkit.state import current_store
from formkit.storage import SUBMITTED, Response

#: a draft begun before closing whose grace period is over.
ENDED = "ended"


def _zone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def _local(moment: datetime.datetime) -> str:
    """A schedule's moment (a wall-clock time of the instance's zone) as people read it."""
    return format_timestamp(moment.replace(tzinfo=instance_zone()), current_locale())


def refusal(form: Form) -> str | None:
    """Why ``form`` takes no new response now, or ``None``."""
    schedule = form.schedule
    if schedule is None:
        return None
    submitted = current_store().count(form.id, SUBMITTED) if schedule.quota else 0
    return schedule.refusal(clock.now(), _zone(), submitted)


def draft_may_finish(form: Form, draft: Response) -> bool:
    """Whether a draft begun earlier may still be saved and submitted."""
    if form.schedule is None:
        return True
    created = datetime.datetime.fromisoformat(draft.created).timestamp()
    return form.schedule.draft_may_finish(clock.now(), _zone(), created)


def form_state(form: Form) -> str | None:
    """A short note on whether ``form`` takes responses, for coordinators."""
    reason = refusal(form)
    if reason == NOT_YET:
        return _("Opens on %(when)s", when=_local(form.schedule.opens))
    if reason == CLOSED:
        return _("Closed since %(when)s", when=_local(form.schedule.closes))
    if reason == FULL:
        return _("Full (%(num)d responses)", num=form.schedule.quota)
    if form.schedule is not None and form.schedule.closes is not None:
        return _("Open until %(when)s", when=_local(form.schedule.closes))
    return None


def refuse_new_response(form: Form):
    """The closed page when ``form`` takes no new response now, else ``None``. A page
    that was open when the form closed may still start its response within the grace
    period (nobody can open a new one after closing)."""
    reason = refusal(form)
    if reason is None:
        return None
    if request.method == "POST":
        if reason == CLOSED and not form.schedule.past_grace(clock.now(), _zone()):
            return None
        return closed_page(form, reason, 403)
    return closed_page(form, reason)


def refuse_draft(form: Form, draft: Response):
    """The closed page when ``draft`` may not be continued any more, else ``None``."""
    if draft_may_finish(form, draft):
        return None
    return closed_page(form, ENDED, 403 if request.method == "POST" else 200)


def closed_page(form: Form, reason: str, status: int = 200):
    """The page that says so, in the reader's language."""
    schedule = form.schedule
    if reason == NOT_YET:
        message = _("This form opens on %(when)s. Please come back then.",
                    when=_local(schedule.opens))
    elif reason == CLOSED:
        message = _("This form closed on %(when)s and no longer takes responses. Thank "
                    "you for your interest.", when=_local(schedule.closes))
    elif reason == FULL:
        message = _("This form has received all the responses it needs and no longer "
                    "takes new ones. Thank you for your interest.")
    else:  # a draft past its grace period
        message = _("This form closed on %(when)s. The time to finish responses begun "
                    "before then has passed: your answers were kept but cannot be "
                    "submitted any more.", when=_local(schedule.closes))
    return render_template("closed.html", form=form, message=message), status

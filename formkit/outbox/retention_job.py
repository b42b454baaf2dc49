"""The daily retention run: each form's ``retention:`` rule (formkit.retention) applied
by the worker, each change written to the audit log, a running total per form for the
dashboard."""

from __future__ import annotations

import datetime
from typing import Any

from flask import Flask

from formkit import clock, pdf
from formkit.retention import ANONYMISE
from formkit.state import current_registry, current_store
from formkit.storage import DRAFT, SUBMITTED

KIND = "retention"
#: a counter that never runs out (ten years), holding each form's total.
_TOTAL_WINDOW = 10 * 365 * 86400.0


def wanted(app: Flask) -> bool:
    return any(form.retention for form in app.extensions["formkit"].registry.forms.values())


def _before(days: int) -> str:
    moment = datetime.datetime.fromtimestamp(clock.now() - days * 86400, datetime.UTC)
    return moment.isoformat(timespec="microseconds")


def total_key(form_id: str) -> str:
    return f"retention-total:{form_id}"


def applied_total(form_id: str) -> int:
    """How many responses of the form retention has deleted or anonymised so far."""
    return current_store().peek(total_key(form_id))


def run(payload: dict[str, Any], message_id: str) -> None:
    from formkit.auth import audit

    store = current_store()
    for form in current_registry().forms.values():
        rule = form.retention
        if rule is None:
            continue
        done: dict[str, int] = {}
        if rule.submitted_days:
            fields = rule.personal if rule.action == ANONYMISE else None
            ids = store.expire_responses(form.id, SUBMITTED, _before(rule.submitted_days),
                                         fields)
            done["anonymised" if fields else "deleted"] = len(ids)
            for response_id in ids:  # their cached PDFs showed what is now gone
                pdf.forget_response(form.id, response_id)
        if rule.drafts_days:
            ids = store.expire_responses(form.id, DRAFT, _before(rule.drafts_days))
            done["drafts_deleted"] = len(ids)
            for response_id in ids:
                pdf.forget_response(form.id, response_id)
        changed = sum(done.values())
        if changed:
            store.hit(total_key(form.id), _TOTAL_WINDOW, amount=changed)
            audit("retention", target=form.id, **done)


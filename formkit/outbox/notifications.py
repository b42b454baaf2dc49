"""What formkit emails on its own: a respondent's receipt, coordinators' alerts on a
new response (each one, or only when a condition on the answers holds) and their daily
digest, and the emails plugins ask for (``formkit_emails``).

Receipts and alerts are queued just *before* the submit is written, held until the
response is submitted (``after_submit``), under ids made from the response id: a retry
of the submit queues nothing twice, and a submit that never happened sends nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

from flask import Flask, current_app

from formkit.conditions import Condition
from formkit.outbox.email import send_email
from formkit.schema import Form
from formkit.state import current_registry, current_store
from formkit.storage import Response, User

EACH, WHEN, DIGEST = "each", "when", "digest"
ALERT_MODES = (EACH, WHEN, DIGEST)


def public_url(path: str) -> str:
    """A path of this site at the public address people use (``BASE_URL``): emails are
    composed by requests and by the worker alike, behind any proxy."""
    return current_app.config["BASE_URL"].rstrip("/") + path


def site_path(endpoint: str, **values: Any) -> str:
    """The path of ``endpoint`` from the site's root, in or outside a request: built
    from the URL map itself (a request context made for it cost each submit two
    fake requests and loaded Flask's and Click's test modules into every worker)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def absolute_url(endpoint: str, **values: Any) -> str:
    """A link for an email to ``endpoint``, in or outside a request."""
    return public_url(site_path(endpoint, **values))


def alert_condition(alert: dict[str, Any]) -> Condition | None:
    """The condition of a "when" alert (``{"field": id, "equals": key}``)."""
    when = alert.get("when") or {}
    if not when.get("field") or "equals" not in when:
        return None
    return Condition(op="equals", field=when["field"], value=when["equals"])


def wants_alert(user: User, form: Form, answers: dict[str, Any]) -> bool:
    """Whether ``user`` asked to hear about this response right away."""
    alert = user.alerts.get(form.id) or {}
    if not user.active or not user.may_see(form.id):
        return False
    if alert.get("mode") == EACH:
        return True
    condition = alert_condition(alert) if alert.get("mode") == WHEN else None
    return condition is not None and condition.evaluate(answers)


def before_submit(form: Form, response: Response, result_link: str) -> None:
    """Queue the emails and webhook events a submission causes; call it just before
    the submit write."""
    from formkit.webhooks import events

    events.before_submit(form, response)
    common = {"form": form, "response": response}
    field_id = form.confirmation_email
    address = response.answers.get(field_id) if field_id else None
    if isinstance(address, str) and "@" in address:
        send_email(address, "receipt", {**common, "result_link": result_link},
                   locale=response.locale, key=f"receipt:{response.id}", form_id=form.id,
                   response_id=response.id, after_submit=response.id, link=result_link)
    link = absolute_url("admin.response_view", response_id=response.id)
    account = absolute_url("admin.account")
    for user in current_store().list_users():
        if wants_alert(user, form, response.answers):
            send_email(user.email, "alert",
                       {**common, "link": link, "user": user, "account_link": account},
                       locale=user.locale, key=f"alert:{response.id}:{user.id}",
                       form_id=form.id, response_id=response.id, after_submit=response.id,
                       link=link)
    for emails in current_registry().hook.formkit_emails(form=form, response=response):
        for spec in emails or []:
            context = {**common, "result_link": result_link, **spec.get("context", {})}
            send_email(spec["to"], spec["template"], context,
                       locale=spec.get("locale", response.locale),
                       key=f"{form.id}:{spec['key']}:{response.id}", form_id=form.id,
                       response_id=response.id, after_submit=response.id, link=result_link)


# -- the daily digest ----------------------------------------------------------------
DIGEST_RUN = "digest-run"


def digests_wanted(app: Flask) -> bool:
    """Whether any active account asked for a daily digest."""
    return any(user.active and any(a.get("mode") == DIGEST for a in user.alerts.values())
               for user in current_store().list_users())


def run_digests(payload: dict[str, Any], message_id: str) -> None:
    """Queue each coordinator's digest of the day in ``payload`` (the digest run job):
    for every form they chose, how many responses came in, with a link."""
    store, registry = current_store(), current_registry()
    day = datetime.date.fromisoformat(payload["day"])
    counts: dict[str, int] = {}
    for user in store.list_users():
        rows = []
        for form_id, alert in sorted(user.alerts.items()):
            form = registry.get_form(form_id)
            if (alert.get("mode") != DIGEST or form is None or not user.active
                    or not user.may_see(form_id)):
                continue
            if form_id not in counts:
                counts[form_id] = store.count_submitted(form_id, payload["since"],
                                                        payload["until"])
            if counts[form_id]:
                rows.append({"form": form, "count": counts[form_id],
                             "link": absolute_url("admin.responses", form_id=form_id)})
        if rows:
            account = absolute_url("admin.account")
            send_email(user.email, "digest",
                       {"rows": rows, "user": user, "day": day, "account_link": account},
                       locale=user.locale, key=f"digest:{user.id}:{day.isoformat()}",
                       link=account)

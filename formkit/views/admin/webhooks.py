"""Webhooks for administrators (in the admin-only blueprint): the subscriptions of
every form, adding one (its secret shown once), removing one, each one's delivery log
and a button that sends it a test event."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from formkit.auth import audit
from formkit.state import current_registry, current_store
from formkit.views.admin import accounts_bp
from formkit.views.errors import render_error
from formkit.webhooks import EVENTS, BadSubscription, subscribe
from formkit.webhooks.events import send_test_event

#: delivery attempts shown on a subscription's log.
SHOWN = 50


def _refusal(reason: str) -> str:
    """Why a subscription was refused, in the reader's language."""
    messages = {
        "events": _("Choose at least one event."),
        "scheme": _("Enter an address starting with http:// or https://, without spaces."),
        "credentials": _("The address must not hold a user name or password."),
        "port": _("The address has an invalid port number."),
        "unknown_host": _("The host of this address cannot be found."),
        "private": _("This address is on a loopback, private or reserved network: "
                     "webhooks are not sent there unless its host is listed in "
                     "FORMKIT_WEBHOOK_ALLOWED_HOSTS."),
    }
    return messages.get(reason, messages["scheme"])


def _page(status: int = 200, **context):
    forms = sorted(current_registry().forms.values(), key=lambda f: f.title.en.lower())
    hooks = current_store().list_webhooks()
    context.setdefault("chosen", {"form": "", "url": "", "events": list(EVENTS)})
    return render_template("admin/webhooks.html", forms=forms, events=EVENTS,
                           hooks=hooks, **context), status


@accounts_bp.get("/webhooks")
def webhooks():
    return _page()


@accounts_bp.post("/webhooks")
def add_webhook():
    form_id = request.form.get("form", "")
    url = (request.form.get("url") or "").strip()[:2100]
    chosen_events = [e for e in request.form.getlist("events") if e in EVENTS]
    chosen = {"form": form_id, "url": url, "events": chosen_events}
    if current_registry().get_form(form_id) is None:
        return _page(422, error=_("Choose a form."), chosen=chosen)
    try:
        hook = subscribe(form_id, url, chosen_events,
                         current_app.config.get("WEBHOOK_ALLOWED_HOSTS") or ())
    except BadSubscription as error:
        return _page(422, error=_refusal(error.reason), chosen=chosen)
    audit("webhook_add", target=hook.id, form=form_id, url=hook.url)
    # Shown on this page only: never put in the session (a flash would keep it there).
    return _page(201, added=hook)


def _hook_or_404(webhook_id: str):
    hook = current_store().get_webhook(webhook_id)
    if hook is None:
        return None, render_error(404, _("This webhook does not exist: it may have been "
                                         "removed already. Nothing was changed."))
    return hook, None


@accounts_bp.get("/webhooks/<webhook_id>")
def webhook_log(webhook_id: str):
    hook, missing = _hook_or_404(webhook_id)
    if missing:
        return missing
    return render_template("admin/webhook_log.html", hook=hook,
                           form=current_registry().get_form(hook.form_id),
                           attempts=current_store().list_webhook_attempts(hook.id, SHOWN))


@accounts_bp.post("/webhooks/<webhook_id>/test")
def test_webhook(webhook_id: str):
    hook, missing = _hook_or_404(webhook_id)
    if missing:
        return missing
    event_id = send_test_event(hook)
    audit("webhook_test", target=hook.id, event=event_id)
    flash(_("A test event is queued; the worker sends it shortly. Reload this page to "
            "see the attempt."), "success")
    return redirect(url_for("admin.accounts.webhook_log", webhook_id=hook.id))


@accounts_bp.post("/webhooks/<webhook_id>/remove")
def remove_webhook(webhook_id: str):
    if not current_store().remove_webhook(webhook_id):
        return _hook_or_404(webhook_id)[1]
    audit("webhook_remove", target=webhook_id)
    flash(_("The webhook is removed: nothing more is sent to it."), "success")
    return redirect(url_for("admin.accounts.webhooks"))

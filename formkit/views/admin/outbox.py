"""The outbox for administrators (in the admin-only blueprint): whether email is set
up, how many messages are queued, sent or dead, and the dead-letter list with a button
to try again."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from formkit.auth import audit
from formkit.outbox import mail_configured, worker
from formkit.state import current_store
from formkit.storage.base import DEAD, MESSAGE_STATES
from formkit.views.admin import accounts_bp
from formkit.views.errors import render_error

SHOWN = 50


@accounts_bp.get("/outbox")
def outbox():
    store = current_store()
    counts = store.count_messages()
    return render_template("admin/outbox.html", mail_ready=mail_configured(),
                           counts=[(state, counts.get(state, 0)) for state in MESSAGE_STATES],
                           dead=store.list_messages(DEAD, SHOWN),
                           recent=store.list_messages(None, SHOWN))


@accounts_bp.post("/outbox/<message_id>/retry")
def retry_message(message_id: str):
    message = worker.retry(current_store(), message_id)
    if message is None:
        return render_error(404, _("This message is not in the dead-letter list any more: "
                                   "it may have been retried already."))
    audit("outbox_retry", target=message_id)
    flash(_("The message is queued again; the worker sends it shortly."), "success")
    return redirect(url_for("admin.accounts.outbox"))

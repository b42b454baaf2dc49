"""Each coordinator's own account page: the language of their emails, and which email
alerts they get per form (each new response, only when an answer is given, a daily
digest, or none)."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from formkit.auth import audit
from formkit.i18n import current_locale
from formkit.outbox import mail_configured
from formkit.outbox.notifications import ALERT_MODES, WHEN
from formkit.schema import Form
from formkit.state import current_store
from formkit.views.admin import bp, visible_forms


def alert_options(form: Form, locale: str) -> list[tuple[str, Any, str]]:
    """What "only when…" can test on ``form``: ``(field id, answer, label)``."""
    options = []
    for spec in form.fields:
        if spec.kind is None or not spec.stores_value:
            continue
        question = spec.label.get(locale) if spec.label else spec.id
        for value, label in spec.kind.condition_values(spec, locale):
            options.append((spec.id, value, f"{question} → {label}"))
    return options


@bp.route("/account", methods=["GET", "POST"])
def account():
    locale = current_locale()
    forms = visible_forms()
    options = {form.id: alert_options(form, locale) for form in forms}
    if request.method == "POST":
        alerts: dict[str, dict[str, Any]] = {}
        for form in forms:
            mode = request.form.get(f"mode-{form.id}", "off")
            if mode not in ALERT_MODES:
                continue
            alert: dict[str, Any] = {"mode": mode}
            if mode == WHEN:
                choice = request.form.get(f"when-{form.id}", "")
                picked = options[form.id][int(choice)] \
                    if choice.isascii() and choice.isdigit() \
                    and int(choice) < len(options[form.id]) else None
                if picked is None:
                    flash(_("Choose the answer that should send you an alert for "
                            "“%(form)s”.", form=form.title.get(locale)), "error")
                    return redirect(url_for("admin.account"))
                alert["when"] = {"field": picked[0], "equals": picked[1]}
            alerts[form.id] = alert
        language = request.form.get("language")
        if language not in current_app.config["LANGUAGES"]:
            language = g.user.locale
        current_store().update_user(g.user.id, alerts=alerts, locale=language)
        audit("account_alerts", target=g.user.email,
              alerts={k: v["mode"] for k, v in alerts.items()}, language=language)
        flash(_("Your email settings are saved."), "success")
        return redirect(url_for("admin.account"))
    chosen = {}
    for form in forms:
        alert = g.user.alerts.get(form.id) or {}
        when = alert.get("when") or {}
        index = next((n for n, (field_id, value, _label) in enumerate(options[form.id])
                      if field_id == when.get("field") and value == when.get("equals")), None)
        chosen[form.id] = {"mode": alert.get("mode", "off"), "when": index}
    return render_template("admin/account.html", forms=forms, options=options,
                           chosen=chosen, mail_ready=mail_configured(),
                           languages=current_app.config["LANGUAGES"])

"""Accounts and the audit log: administrators only (the ``accounts`` blueprint's own
checkpoint, ``access.require_admin``, refuses everyone else)."""

from __future__ import annotations

import math

from email_validator import EmailNotValidError, validate_email
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from formkit import clock
from formkit.audit_actions import action_label
from formkit.auth import (
    audit,
    disable_account,
    enable_account,
    issue_password_token,
    new_user,
    sign_out_everywhere,
)
from formkit.paging import page_number
from formkit.state import current_registry, current_store
from formkit.storage import ROLES, StoreError
from formkit.views.admin import accounts_bp as bp
from formkit.views.errors import render_error

AUDIT_PER_PAGE = 50


def _link(user) -> str:
    token = issue_password_token(user)
    return url_for("admin.set_password", token=token, _external=True)


def _ticked_forms() -> list[str]:
    return [f for f in request.form.getlist("forms") if current_registry().get_form(f)]


@bp.route("/users", methods=["GET", "POST"])
def users():
    link = None
    if request.method == "POST":
        email = (request.form.get("email") or "").strip()[:254]
        role = request.form.get("role")
        forms = _ticked_forms()
        all_forms = request.form.get("all_forms") == "yes"
        try:
            email = validate_email(email, check_deliverability=False).normalized
            if role not in ROLES:
                raise ValueError
            user = current_store().add_user(new_user(email, role, forms, all_forms))
        except EmailNotValidError:
            flash(_("Enter a valid email address."), "error")
        except ValueError:
            flash(_("Choose a role."), "error")
        except StoreError:
            flash(_("An account with this email already exists."), "error")
        else:
            audit("user_create", target=user.email, role=role, forms=forms,
                  all_forms=all_forms)
            link = _link(user)
            flash(_("Account created. Send this one-time link to %(email)s so they can set "
                    "their password (valid 48 hours).", email=user.email), "success")
    return render_template("admin/users.html", users=current_store().list_users(), link=link,
                           sessions=current_store().count_user_sessions(clock.now()),
                           forms=sorted(current_registry().forms.values(), key=lambda f: f.id),
                           roles=ROLES)


@bp.post("/users/<user_id>")
def user_action(user_id: str):
    store = current_store()
    user = store.get_user(user_id)
    if user is None:
        return render_error(404, _("This account does not exist."))
    action = request.form.get("action")
    link = None
    if action == "disable":
        if user.id == g.user.id:
            flash(_("You cannot disable your own account."), "error")
            return redirect(url_for("admin.accounts.users"))
        disable_account(user)
        flash(_("%(email)s is disabled and signed out.", email=user.email), "success")
    elif action == "enable":
        enable_account(user)
        flash(_("%(email)s is enabled.", email=user.email), "success")
    elif action == "reset":
        sign_out_everywhere(user)
        link = _link(user)
        flash(_("Send this one-time link to %(email)s to set a new password (valid 48 hours).",
                email=user.email), "success")
    elif action == "signout":
        ended = sign_out_everywhere(user)
        flash(ngettext("%(email)s is signed out everywhere (%(num)d session ended).",
                       "%(email)s is signed out everywhere (%(num)d sessions ended).",
                       ended, email=user.email), "success")
    elif action == "forms":
        forms = _ticked_forms()
        all_forms = request.form.get("all_forms") == "yes"
        store.update_user(user.id, forms=forms, all_forms=all_forms)
        flash(_("Forms saved for %(email)s.", email=user.email), "success")
        audit("user_forms", target=user.email, forms=forms, all_forms=all_forms)
        return redirect(url_for("admin.accounts.users"))
    else:
        flash(_("Unknown action ignored."), "warning")
        return redirect(url_for("admin.accounts.users"))
    audit(f"user_{action}", target=user.email)
    if link:
        return render_template("admin/users.html", users=store.list_users(), link=link,
                               sessions=store.count_user_sessions(clock.now()),
                               forms=sorted(current_registry().forms.values(),
                                            key=lambda f: f.id), roles=ROLES)
    return redirect(url_for("admin.accounts.users"))


@bp.get("/audit")
def audit_log():
    store = current_store()
    total = store.count_audit()
    pages = max(1, math.ceil(total / AUDIT_PER_PAGE))
    page = page_number(request.args, last=pages)
    start = (page - 1) * AUDIT_PER_PAGE
    entries = []
    for index, entry in enumerate(store.iter_audit()):
        if index >= start + AUDIT_PER_PAGE:
            break
        if index >= start:
            entries.append(entry)
    return render_template("admin/audit.html", entries=entries, page=page, pages=pages,
                           total=total, action_label=action_label)

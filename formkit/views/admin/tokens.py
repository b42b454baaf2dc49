"""API tokens (administrators only, on the ``accounts`` blueprint): make one (shown
once), list them, revoke one."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from formkit.auth import audit
from formkit.paging import ascii_int
from formkit.rest.tokens import create_token, revoke_token
from formkit.state import current_registry, current_store
from formkit.views.admin import accounts_bp as bp
from formkit.views.errors import render_error

#: the longest expiry offered, in days (ten years).
MAX_DAYS = 3650


def _page(secret: str | None = None, status: int = 200):
    return render_template(
        "admin/tokens.html", tokens=current_store().list_tokens(), secret=secret,
        forms=sorted(current_registry().forms.values(), key=lambda f: f.id)), status


@bp.route("/api-tokens", methods=["GET", "POST"])
def api_tokens():
    if request.method == "GET":
        return _page()
    name = (request.form.get("name") or "").strip()[:100]
    forms = [f for f in request.form.getlist("forms") if current_registry().get_form(f)]
    all_forms = request.form.get("all_forms") == "yes"
    days_text = (request.form.get("expires") or "").strip()
    days = ascii_int(days_text, maximum=MAX_DAYS) if days_text else None
    if not name:
        flash(_("Give the token a name, such as the system that will use it."), "error")
        return _page(status=422)
    if days_text and not days:
        flash(_("The expiry is a number of days from 1 to %(num)d.", num=MAX_DAYS), "error")
        return _page(status=422)
    if not forms and not all_forms:
        flash(_("Tick the forms the token may use, or all forms."), "error")
        return _page(status=422)
    write = request.form.get("write") == "yes"
    record, secret = create_token(current_store(), name, forms=[] if all_forms else forms,
                                  write=write, expires_days=days, created_by=g.user.email)
    audit("token_create", target=record.id, name=record.name, forms=record.forms,
          all_forms=record.all_forms, write=write, expires=record.expires)
    flash(_("Token created. Copy it now: it is not shown again."), "success")
    return _page(secret)


@bp.post("/api-tokens/<token_id>/revoke")
def revoke_api_token(token_id: str):
    token = revoke_token(current_store(), token_id)
    if token is None:
        return render_error(404, _("This token does not exist."))
    audit("token_revoke", target=token.id, name=token.name)
    flash(_("The token “%(name)s” is revoked.", name=token.name), "success")
    return redirect(url_for("admin.accounts.api_tokens"))

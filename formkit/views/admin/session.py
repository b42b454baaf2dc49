"""Signing in and out, and setting a password from a one-time link; after a session
ended, signing in again leads back to the page the person was on, with what they had
typed in its form."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from formkit.auth import (
    SignInRefused,
    audit,
    authenticate,
    current_user,
    end_session,
    password_problem,
    set_password,
    sign_out_everywhere,
    start_session,
    user_for_token,
)
from formkit.redirects import same_site_path
from formkit.views.admin import bp


def _safe_next(target: str | None) -> str:
    # Only our own workspace: another site would be an open redirect, CR/LF a split header.
    return same_site_path(target, "/admin") or url_for("admin.dashboard")


#: fields never kept across a sign-in (secrets, and the old session's token).
_NOT_KEPT = {"csrf_token", "password", "confirm"}
#: bounds on what is kept in the cookie for after the sign-in.
_KEPT_FIELDS, _KEPT_CHARS = 20, 2000


def _page_of(url: str | None) -> str | None:
    """The path (and query) of a coordinator page of this site, from a full URL."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != request.host:
        return None
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    return target if _safe_next(target) == target else None


def ask_to_sign_in():
    """The way to the sign-in page for a request without a valid session.

    A page asked for by GET is where the person goes back after signing in. A form sent
    by POST (say a review comment, typed while the session timed out) cannot be replayed
    safely: its page is the way back, and what was typed is kept and shown there again."""
    if g.get("expired"):
        flash(_("Your session ended. Please sign in again: you will come back to the "
                "page you were on."), "warning")
    if request.method == "GET":
        return redirect(url_for("admin.login", next=_page_of(request.full_path)))
    back = _page_of(request.referrer)
    if back:
        kept: dict[str, Any] = {}
        for name, value in request.form.items():
            if name not in _NOT_KEPT and len(kept) < _KEPT_FIELDS:
                kept[name] = value[:_KEPT_CHARS]
        session["kept"] = {"path": back, "fields": kept}
    return redirect(url_for("admin.login", next=back))


def restore_kept_input() -> None:
    """On the page a sign-in led back to, give its form what was typed before (as
    ``g.kept``, read by templates through ``kept(name)``)."""
    kept = session.get("kept")
    if kept and kept.get("path") == _page_of(request.full_path):
        session.pop("kept")
        g.kept = kept.get("fields") or {}
        flash(_("What you typed before signing in is back in the form below: check it "
                "and send it again."), "warning")


def kept(name: str, default: Any = "") -> Any:
    """What was typed into field ``name`` before a sign-in, else ``default``."""
    return (g.get("kept") or {}).get(name, default)


@bp.record_once
def _template_helpers(state) -> None:
    state.app.jinja_env.globals["kept"] = kept


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        if current_user() is not None:
            return redirect(_safe_next(request.args.get("next")))
        return render_template("admin/login.html", email="", error=None,
                               next=request.args.get("next", ""))
    email = (request.form.get("email") or "").strip()[:254]
    password = request.form.get("password") or ""
    try:
        user = authenticate(email, password)
    except SignInRefused as refused:
        return render_template("admin/login.html", email=email, error=str(refused),
                               next=request.form.get("next", "")), refused.status
    start_session(user)
    audit("signin")
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/session/keep-alive")
def keep_alive():
    """The idle warning's "Stay signed in" (a script's POST, CSRF-checked like any): the
    checkpoint that let it through has restarted the session's idle timer."""
    return "", 204


@bp.post("/logout")
def logout():
    everywhere = request.form.get("everywhere") == "yes"
    audit("signout", everywhere=everywhere)
    if everywhere:
        sign_out_everywhere(g.user)
    end_session()
    session.pop("kept", None)
    flash(_("You are signed out."), "success")
    return redirect(url_for("admin.login"))


@bp.route("/set-password/<token>", methods=["GET", "POST"], endpoint="set_password")
def set_password_page(token: str):
    user = user_for_token(token)
    if user is None:
        return render_template("admin/set_password.html", error=_(
            "This link is not valid any more: it was used, it expired after 48 hours, or the "
            "account is disabled. Ask an administrator for a new one."), expired=True), 404
    if request.method == "GET":
        return render_template("admin/set_password.html", error=None, email=user.email)
    password = request.form.get("password") or ""
    problem = password_problem(password)
    if problem is None and password != request.form.get("confirm"):
        problem = _("The two passwords are not the same.")
    if problem:
        return render_template("admin/set_password.html", error=problem, email=user.email), 422
    set_password(user, password)
    g.user = user
    audit("password_set")
    g.user = None
    flash(_("Your password is set. You can sign in now."), "success")
    return redirect(url_for("admin.login"))


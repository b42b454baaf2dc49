"""Signing in and out, and setting a password from a one-time link."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from formkit.auth import (
    SignInRefused,
    audit,
    authenticate,
    end_session,
    password_problem,
    set_password,
    start_session,
    user_for_token,
)
from formkit.redirects import same_site_path
from formkit.views.admin import bp


def _safe_next(target: str | None) -> str:
    # Only our own workspace: another site would be an open redirect, CR/LF a split header.
    return same_site_path(target, "/admin") or url_for("admin.dashboard")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        if g.get("user"):
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


@bp.post("/logout")
def logout():
    audit("signout")
    end_session()
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


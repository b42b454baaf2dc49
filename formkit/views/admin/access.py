"""The one authorization checkpoint of the coordinator workspace.

It runs before every view of the ``admin`` blueprint (and of the blueprints nested in
it) and before any other route under ``/admin``, so a view added later is covered
without doing anything:

- every endpoint but :data:`PUBLIC_ENDPOINTS` needs a signed-in, active account;
- a ``response_id`` in the URL is resolved to ``g.response`` (and its form to
  ``g.form``); a reference in its place redirects to the id's address; one that does
  not exist, or belongs to a form the account may not see,
  gets the same 404 page, so a response's existence is never revealed;
- a ``form_id`` is resolved to ``g.form``: an unknown form is a 404, a form the account
  may not see a 403 (form ids are public: respondents open ``/f/<form_id>/``);
- the nested ``accounts`` blueprint (accounts, audit log) adds :func:`require_admin`.

A URL naming neither a form nor a response gets "signed in" only; such a view must
show only what every coordinator may see (the dashboard lists the visible forms).
"""

from __future__ import annotations

from flask import g, redirect, request, url_for
from flask_babel import gettext as _

from formkit.auth import current_user
from formkit.scope import HIDDEN_FORM, MISSING_FORM, MISSING_RESPONSE, resolve
from formkit.views.errors import render_error

#: endpoints of the workspace reachable without a session.
PUBLIC_ENDPOINTS = frozenset({"admin.login", "admin.set_password"})


def missing_response():
    """The page for a response that does not exist *or* that the account may not see:
    identical in both cases."""
    return render_error(404, _("This response does not exist: it may have been deleted "
                               "already. Nothing was changed."))


def checkpoint():
    """Sign-in, then access to the form or response the URL names; ``None`` lets the
    view run, anything else is the refusal."""
    g.form = g.response = None
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    user = current_user()
    if user is None:
        from formkit.views.admin.session import ask_to_sign_in

        return ask_to_sign_in()
    if request.method == "GET":
        from formkit.views.admin.session import restore_kept_input

        restore_kept_input()
    scope = resolve(request.view_args or {}, user.may_see)
    if scope.refusal == MISSING_RESPONSE:
        return missing_response()
    if scope.refusal == MISSING_FORM:
        return render_error(404)
    if scope.refusal == HIDDEN_FORM:
        return render_error(403, _("You do not have access to this form. An "
                                   "administrator can give it to you."))
    g.form, g.response = scope.form, scope.response
    if (scope.response is not None and request.method == "GET"
            and request.view_args["response_id"] != scope.response.id):
        # A typed reference (/admin/responses/mbr-7k3q-2h): the page's one address.
        return redirect(url_for(request.endpoint, **{
            **request.args.to_dict(flat=False), **request.view_args,
            "response_id": scope.response.id}))
    return None


def guard_other_admin_routes():
    """The checkpoint for a route under ``/admin`` that another blueprint (a plugin's)
    adds: fail closed rather than trust it to check."""
    if "admin" in request.blueprints:
        return None  # the blueprint's own checkpoint runs
    if request.path == "/admin" or request.path.startswith("/admin/"):
        return checkpoint()
    return None


def require_admin():
    """Accounts and the audit log: administrators only (after :func:`checkpoint`)."""
    if not g.user.is_admin:
        return render_error(403, _("Only administrators can manage accounts and read the "
                                   "audit log."))
    return None

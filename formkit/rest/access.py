"""The one checkpoint of the API: it runs before every view of the ``api`` blueprint.

- every endpoint but :data:`PUBLIC_ENDPOINTS` needs ``Authorization: Bearer <token>``
  naming a usable token (no token, an unknown, revoked or expired one: 401);
- requests are counted per token in the store (``API_REQUESTS_PER_TOKEN``: 429);
- a write (POST, PATCH) needs a token with ``write`` (403);
- a ``response_id`` is resolved to ``g.response`` and ``g.form``: one that does not
  exist or belongs to a form the token may not see is the same 404;
- a ``form_id`` is resolved to ``g.form``: unknown 404, outside the token's forms 403;
- each use is audit-logged and stamps the token's ``last_used`` (throttled).
"""

from __future__ import annotations

from flask import current_app, g, request
from flask_babel import gettext as _

from formkit.rest import tokens
from formkit.rest.problems import problem
from formkit.scope import HIDDEN_FORM, MISSING_FORM, MISSING_RESPONSE, resolve
from formkit.state import current_store

PUBLIC_ENDPOINTS = frozenset({"api.openapi"})
WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})


def unauthorized():
    return problem(401, _("Not signed in"), _(
        "Send a valid API token in the Authorization header: Bearer <token>."))


def missing_response():
    return problem(404, _("Not found"), _("This response does not exist."))


def checkpoint():
    """``None`` lets the view run; anything else is the refusal."""
    g.token = g.form = g.response = None
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    scheme, _sep, presented = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return unauthorized()
    store = current_store()
    token = tokens.authenticate(store, presented.strip())
    if token is None:
        return unauthorized()
    g.token = token
    limit, window = current_app.config["API_REQUESTS_PER_TOKEN"]
    if store.hit(f"api:{token.id}", window) > limit:
        return problem(429, _("Too many requests"), _(
            "This token made too many requests; please wait a minute and try again."))
    tokens.touch(store, token)
    store.append_audit({"user": f"token:{token.name}", "action": "api",
                        "target": request.path[:200],
                        "detail": {"method": request.method, "token": token.id},
                        "address": request.remote_addr})
    if request.method in WRITE_METHODS and not token.write:
        return problem(403, _("Read-only token"), _(
            "This token may only read. An administrator can make a token that may write."))
    if request.endpoint is None:
        return None  # an unknown path: the 404 follows
    scope = resolve(request.view_args or {}, token.may_see)
    if scope.refusal == MISSING_RESPONSE:
        return missing_response()
    if scope.refusal == MISSING_FORM:
        return problem(404, _("Not found"), _("There is no form with this id."))
    if scope.refusal == HIDDEN_FORM:
        return problem(403, _("Not allowed"), _("This token may not use this form."))
    g.form, g.response = scope.form, scope.response
    return None

"""The coordinators' workspace, under /admin: every route needs a signed-in coordinator
except signing in and setting a password."""

from __future__ import annotations

from flask import Blueprint, abort, g, request

from formkit.auth import current_user
from formkit.schema import Form
from formkit.state import current_registry

bp = Blueprint("admin", __name__, url_prefix="/admin")

#: endpoints reachable without a session.
PUBLIC_ENDPOINTS = {"admin.login", "admin.set_password"}


@bp.before_request
def require_coordinator():
    user = current_user()
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if user is None:
        return signin.ask_to_sign_in()
    if request.method == "GET":
        signin.restore_kept_input()
    return None


@bp.after_request
def no_store(response):
    # Coordinator pages hold personal answers: never keep them in a shared cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def require_admin() -> None:
    if not g.user.is_admin:
        abort(403)


def visible_forms() -> list[Form]:
    forms = sorted(current_registry().forms.values(), key=lambda f: f.title.en.lower())
    return [f for f in forms if g.user.may_see(f.id)]


def form_or_404(form_id: str) -> Form:
    form = current_registry().get_form(form_id)
    if form is None:
        abort(404)
    if not g.user.may_see(form.id):
        abort(403)
    return form


from formkit.views.admin import account, accounts, exports, outbox, review  # noqa: E402,F401
from formkit.views.admin import session as signin  # noqa: E402

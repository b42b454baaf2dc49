"""The coordinators' workspace, under /admin. One checkpoint (``access.checkpoint``)
runs before every view: a signed-in account, and access to the form or response the
URL names. Accounts and the audit log are in the nested admin-only ``accounts``
blueprint."""

from __future__ import annotations

from flask import Blueprint, g

from formkit.schema import Form
from formkit.state import current_registry
from formkit.views.admin import access

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(access.checkpoint)
bp.before_app_request(access.guard_other_admin_routes)

#: administrators only: /admin/users…, /admin/audit (endpoints ``admin.accounts.*``).
accounts_bp = Blueprint("accounts", __name__)
accounts_bp.before_request(access.require_admin)

#: endpoints reachable without a session.
PUBLIC_ENDPOINTS = access.PUBLIC_ENDPOINTS


@bp.after_request
def no_store(response):
    # Coordinator pages hold personal answers: never keep them in a shared cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def download_formats():
    """The registered export formats, for the pages that offer downloads."""
    return {"exporters": list(current_registry().exporters.values())}


def visible_forms() -> list[Form]:
    """The forms the signed-in account may see, by title."""
    forms = sorted(current_registry().forms.values(), key=lambda f: f.title.en.lower())
    return [f for f in forms if g.user.may_see(f.id)]


from formkit.views.admin import (  # noqa: E402,F401
    account,
    accounts,
    exports,
    invitations,
    outbox,
    people,
    provincial,
    review,
    session,
    teams,
    tokens,
    webhooks,
)

bp.register_blueprint(accounts_bp)

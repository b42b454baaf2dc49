"""Public pages that are not a form: the list of forms."""

from __future__ import annotations

from flask import Blueprint, render_template, session

from formkit.state import current_registry
from formkit.teams.site import is_public
from formkit.views.availability import form_state

bp = Blueprint("public", __name__)


@bp.get("/")
def index():
    forms = sorted((f for f in current_registry().forms.values() if is_public(f)),
                   key=lambda f: f.title.en.lower())
    drafts = session.get("drafts", {})
    return render_template("index.html", forms=forms, drafts=drafts,
                           states={form.id: form_state(form) for form in forms})


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}

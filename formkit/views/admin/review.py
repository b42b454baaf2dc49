"""Dashboard, response lists, one response, its status and its deletion."""

from __future__ import annotations

import math

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import escape

from formkit import pdf
from formkit.auth import audit
from formkit.conditions import is_answered
from formkit.flow import prune
from formkit.i18n import N_, current_locale, translate
from formkit.outbox.retention_job import applied_total
from formkit.review import (
    Filters,
    change_status,
    find_page,
    history_rows,
    list_columns,
    plugin_columns,
    review_refusal,
    review_status,
    review_statuses,
    status_keys,
)
from formkit.state import current_registry, current_store
from formkit.storage import Response
from formkit.teams import living
from formkit.versions import retired_answers, shown_html
from formkit.views.admin import bp, visible_forms
from formkit.views.availability import form_state
from formkit.views.errors import render_error


@bp.get("/")
def dashboard():
    locale = current_locale()
    rows = []
    for form in visible_forms():
        stats = current_store().form_stats(form.id)
        statuses = review_statuses(form, locale)
        first = statuses[0][0]
        by_review = [(label, stats["review"].get(key, 0) + (stats["review"].get(None, 0)
                                                            if key == first else 0))
                     for key, label in statuses]
        rows.append({"form": form, "stats": stats, "by_review": by_review,
                     "state": form_state(form),
                     "retained": applied_total(form.id) if form.retention else None,
                     "invited": _invited(form.id)})
    return render_template("admin/dashboard.html", rows=rows)


def _invited(form_id: str) -> dict[str, int] | None:
    """A form's invitations by state, if it has any."""
    counts = current_store().count_invitations(form_id)
    return counts if any(counts.values()) else None


def response_filters(form):
    """The list's filters, and its columns: the questions the form lists
    (``list_columns:``), then the plugins' columns."""
    known = {c.key for c in plugin_columns(form)}
    columns = [c for c in list_columns(form, current_locale()) if c.key not in known]
    columns += plugin_columns(form)
    filters = Filters.from_args(request.args, form, columns,
                                current_app.config["LANGUAGES"])
    for problem in filters.problems:
        flash(problem, "warning")
    return filters, columns


@bp.get("/forms/<form_id>/")
def responses(form_id: str):
    form = g.form
    locale = current_locale()
    filters, columns = response_filters(form)
    per_page = current_app.config["RESPONSES_PER_PAGE"]
    shown, total = find_page(form, filters, columns, filters.page, per_page)
    pages = max(1, math.ceil(total / per_page))
    page = min(filters.page, pages)
    if page != filters.page:  # past the end: the last page
        shown, total = find_page(form, filters, columns, page, per_page)
    statuses = dict(review_statuses(form, locale))
    return render_template(
        "admin/responses.html", form=form, filters=filters, columns=columns,
        responses=shown, total=total, page=page, pages=pages,
        statuses=review_statuses(form, locale),
        review_label=lambda r: statuses[review_status(form, r)],
        languages=current_app.config["LANGUAGES"],
    )


def answer_sections(form, response: Response, locale: str) -> list[dict]:
    """Every visible question with its answer as HTML, page by page, in ``locale``; each
    page with its position in the form (``page``: pages without an answer are left out,
    so a link to edit one cannot count the pages listed)."""
    visible = prune(form, response.answers)
    sections = []
    for page, section in enumerate(form.sections):
        items = []
        for spec in section.fields:
            if not spec.stores_value:
                continue
            value = response.answers.get(spec.id)
            if spec.id not in visible and not is_answered(value):
                continue
            items.append({"spec": spec, "label": spec.label.get(locale) if spec.label else spec.id,
                          "html": shown_html(spec, value, locale)
                          if is_answered(value) else None})
        if items:
            sections.append({"title": section.title.get(locale), "page": page,
                             "items": items})
    retired = retired_answers(form, response.answers)
    if retired:
        title = translate(N_("Questions no longer in this form (answered with version "
                             "%(version)s)"), locale) % {"version": response.form_version}
        sections.append({"title": title, "retired": True, "items": [
            {"label": field_id, "html": escape(text)} for field_id, text in retired]})
    return sections


@bp.get("/responses/<response_id>")
def response_view(response_id: str):
    form, response = g.form, g.response
    locale = current_locale()
    audit("view", target=response.id, form=form.id)
    result = current_registry().hook.formkit_result_html(form=form, response=response) \
        if response.is_submitted else None
    statuses = review_statuses(form, locale)
    return render_template(
        "admin/response.html", form=form, response=response,
        sections=answer_sections(form, response, locale), result=result, statuses=statuses,
        status=review_status(form, response), history=history_rows(form, response, locale),
        status_labels=dict(statuses),
        # a team's living response: its revisions, told like the team sees them
        revisions=living.history(form, response.id, locale)
        if current_store().get_team_response(response.id) else None,
    )


@bp.post("/responses/<response_id>/status")
def set_status(response_id: str):
    form, response = g.form, g.response
    keys = status_keys(form)
    new = request.form.get("status")
    comment = (request.form.get("comment") or "").strip()[:1000]
    if new not in keys:
        flash(_("Choose one of the listed statuses."), "error")
        return redirect(url_for("admin.response_view", response_id=response.id))
    refusal = review_refusal(form, response, new)
    if refusal is not None:
        flash(refusal, "error")
        return redirect(url_for("admin.response_view", response_id=response.id))
    # One atomic store step: concurrent changes by several coordinators all stay in the
    # history, each with the status it really changed from.
    changed = change_status(form, response.id, new, comment, by=g.user.email)
    if changed is None:
        return render_error(404, _("This response does not exist: it may have been deleted "
                                   "already. Nothing was changed."))
    audit("status", target=response.id, form=form.id, to=new,
          **{"from": changed.history[-1]["from"]})
    flash(_("Status saved."), "success")
    return redirect(url_for("admin.response_view", response_id=response.id))


@bp.route("/responses/<response_id>/delete", methods=["GET", "POST"])
def delete_response(response_id: str):
    form, response = g.form, g.response
    if request.method == "GET":
        return render_template("admin/delete.html", form=form, response=response)
    if request.form.get("confirm") != "yes":
        flash(_("Tick the box to confirm the deletion."), "error")
        return render_template("admin/delete.html", form=form, response=response), 422
    if not current_store().delete(response.id):
        return render_error(404, _("This response was already deleted. Nothing was changed."))
    pdf.forget_response(form.id, response.id)  # cached PDFs hold its personal data
    audit("delete", target=response.id, form=form.id)
    flash(_("The response is deleted."), "success")
    return redirect(url_for("admin.responses", form_id=form.id))

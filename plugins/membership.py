"""Compassionate Communities CoP membership: eligibility, result page, member directory.

Membership is open to anyone who meets at least one of the five criteria of the seed
document; an applicant meeting none is recorded as an expression of interest.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup

from formkit.api import (
    SUBMITTED,
    current_locale,
    current_store,
    display_answer,
    for_form,
    get_form,
    hookimpl,
)

FORM_ID = "membership"
CRITERIA = ("c_learning", "c_disseminating", "c_considering", "c_structured", "c_engaged")
APPROVED = "approved"

bp = Blueprint("membership", __name__)


def eligibility(answers: dict) -> dict:
    """Which criteria an applicant meets; eligible with at least one."""
    met = [key for key in CRITERIA if answers.get(key) is True]
    return {
        "eligible": bool(met),
        "criteria_met": met,
        "criteria_count": len(met),
        "total_criteria": len(CRITERIA),
        "kind": "member" if met else "expression_of_interest",
    }


@hookimpl
@for_form(FORM_ID)
def formkit_score(form, answers):
    return eligibility(answers)


@hookimpl
@for_form(FORM_ID)
def formkit_result_html(form, response):
    if not response.score:
        return None
    locale = current_locale()
    score = response.score
    met = [form.field(key).label.get(locale) for key in score["criteria_met"]]
    all_criteria = [form.field(key).label.get(locale) for key in CRITERIA]
    return Markup(render_template(
        "membership/result.html", score=score, met=met, all_criteria=all_criteria,
        answers=response.answers,
    ))


def directory_entries(form, region: str | None, kind: str | None) -> list[dict]:
    """Approved members who agreed to be listed, as display-ready rows."""
    locale = current_locale()
    rows = []
    for response in current_store().iter_responses(FORM_ID, SUBMITTED):
        answers = response.answers
        if response.review_status != APPROVED or answers.get("consent_directory") is not True:
            continue
        if region and answers.get("region") != region:
            continue
        if kind and answers.get("kind") != kind:
            continue
        rows.append({
            "name": answers.get("name", ""),
            "organization": answers.get("organization", ""),
            "community": answers.get("community", ""),
            "region": display_answer(form, "region", answers.get("region"), locale),
            "kind": display_answer(form, "kind", answers.get("kind"), locale),
            "description": answers.get("directory_description", ""),
            "website": answers.get("website", ""),
        })
    return sorted(rows, key=lambda r: (r["community"].lower(), r["name"].lower()))


@bp.get("/membership/directory")
def directory():
    form = get_form(FORM_ID)
    if form is None:
        abort(404)
    locale = current_locale()
    regions = form.field("region").kind.choices(form.field("region"), locale)
    kinds = form.field("kind").kind.choices(form.field("kind"), locale)
    region = request.args.get("region") or None
    kind = request.args.get("kind") or None
    notices = []
    if region and region not in dict(regions):
        notices.append(_("That region is not in the list; showing every region."))
        region = None
    if kind and kind not in dict(kinds):
        notices.append(_("That type is not in the list; showing every type."))
        kind = None
    entries = directory_entries(form, region, kind)
    return render_template("membership/directory.html", form=form, entries=entries,
                           regions=regions, kinds=kinds, region=region, kind=kind,
                           notices=notices)


@hookimpl
def formkit_blueprints():
    return [bp]

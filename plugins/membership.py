"""Compassionate Communities CoP membership: eligibility, result page, member directory.

Membership is open to anyone who meets at least one of the five criteria of the seed
document; an applicant meeting none is recorded as an expression of interest.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, request
from markupsafe import Markup

from formkit.api import (
    SUBMITTED,
    Catalog,
    Column,
    bar_chart,
    current_locale,
    current_store,
    display_answer,
    for_form,
    get_form,
    hookimpl,
)

HERE = Path(__file__).parent
#: this plugin's own translations: locales/fr/LC_MESSAGES/membership.po
t = Catalog(HERE / "locales", "membership")

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
    return Markup(t.render_template(
        "membership/result.html", score=score, met=met, all_criteria=all_criteria,
        answers=response.answers,
    ))


@hookimpl
@for_form(FORM_ID)
def formkit_response_columns(form):
    yes_no = {True: t.gettext("Yes"), False: t.gettext("No")}
    return [
        Column("eligible", t.gettext("Eligible"), lambda r: (r.score or {}).get("eligible"),
               shown=yes_no.get),
        Column("criteria", t.gettext("Criteria met"),
               lambda r: (r.score or {}).get("criteria_count")),
        Column("region", t.gettext("Region"), lambda r: r.answers.get("region"),
               shown=lambda v: display_answer(form, "region", v)),
        Column("kind", t.gettext("Type"), lambda r: r.answers.get("kind"),
               shown=lambda v: display_answer(form, "kind", v)),
    ]


@hookimpl
@for_form(FORM_ID)
def formkit_summarize(form, responses):
    """Applicants: eligible or not, how often each criterion is met, by region and kind."""
    summary = {"applicants": 0, "eligible": 0, "criteria": dict.fromkeys(CRITERIA, 0),
               "regions": {}, "kinds": {}}
    for response in responses:
        summary["applicants"] += 1
        score = response.score or eligibility(response.answers)
        summary["eligible"] += bool(score["eligible"])
        for key in score["criteria_met"]:
            summary["criteria"][key] += 1
        for name, field_id in (("regions", "region"), ("kinds", "kind")):
            value = response.answers.get(field_id)
            if value:
                summary[name][value] = summary[name].get(value, 0) + 1
    return summary


@hookimpl
@for_form(FORM_ID)
def formkit_summary_html(form, summary):
    locale = current_locale()
    criteria = [(form.field(key).label.get(locale), summary["criteria"][key])
                for key in CRITERIA]
    chart = bar_chart(criteria, maximum=max(summary["applicants"], 1),
                      title=t.gettext("How many applicants meet each criterion"))
    return Markup(t.render_template("membership/summary.html", summary=summary, chart=chart,
                                    criteria=criteria))


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
        notices.append(t.gettext("That region is not in the list; showing every region."))
        region = None
    if kind and kind not in dict(kinds):
        notices.append(t.gettext("That type is not in the list; showing every type."))
        kind = None
    entries = directory_entries(form, region, kind)
    return t.render_template("membership/directory.html", form=form, entries=entries,
                             regions=regions, kinds=kinds, region=region, kind=kind,
                             notices=notices)


@hookimpl
@for_form(FORM_ID)
def formkit_emails(form, response):
    """The welcome message the result page promises, to eligible applicants who agreed
    to be contacted by email (in the language they applied in)."""
    answers = response.answers
    if not (response.score or {}).get("eligible") or answers.get("consent_contact") is not True:
        return None
    return [{"to": answers["email"], "template": "welcome", "key": "welcome",
             "locale": response.locale}]


@hookimpl
def formkit_blueprints():
    return [bp]

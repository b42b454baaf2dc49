"""Workplan: a team's living tracker of the actions for its priorities.

This plugin owns the Workplan's own logic: date checks, cost totals (estimated and
actual, by funding source), status counts, overdue actions; prefill from a Wellbeing
Guide's top priorities.

:func:`workplan_score` is the one computation of those figures, *as of a day*. The score
stored with a response (and each revision) is as of the day it was saved; every page that
shows a team or a coordinator what is overdue recomputes it as of today
(:func:`current_score`, the application's clock through ``local_today()``), so an action
that fell due since the last save shows as overdue. It holds:

- ``total_cost`` and ``by_priority`` (estimated cost and number of actions per priority),
- ``by_funding`` (estimated cost per funding source key; ``unspecified`` when none is
  chosen; ``other:<name>`` for an "other" source the team named, so a chart names it),
- ``total_actual`` and ``actual_by_funding`` (the actual cost recorded so far, same keys),
- ``status_counts`` (actions per status; ``unspecified`` when none is chosen),
- ``overdue``: actions whose due date is before that day and that are not done.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from flask import Blueprint, abort, redirect, request, url_for
from markupsafe import Markup

from formkit.api import (
    SUBMITTED,
    Catalog,
    CellError,
    Column,
    Prefill,
    bar_chart,
    current_locale,
    find_typed_reference,
    fitting_answers,
    for_form,
    format_cad,
    format_iso_date,
    get_form,
    hookimpl,
    local_today,
    xlsx_currency_format,
)

HERE = Path(__file__).parent
#: this plugin's own translations: locales/fr/LC_MESSAGES/workplan.po
t = Catalog(HERE / "locales", "workplan")

FORM_ID = "workplan"
WELLBEING = "wellbeing"
PRIORITIES = ((1, "priority_1", "outcome_1", "actions_1"),
              (2, "priority_2", "outcome_2", "actions_2"),
              (3, "priority_3", "outcome_3", "actions_3"))
STATUSES = ("not_started", "in_progress", "done", "blocked")
#: the key prefix of a funding source the team named under "Other".
OTHER = "other:"

bp = Blueprint("workplan", __name__)


def _date(value) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def row_errors(rows: list[dict]) -> list[str]:
    """Problems of one action table, each on the cell to change (the page names the
    row and the column)."""
    errors = []
    for index, row in enumerate(rows or []):
        start, due = _date(row.get("start")), _date(row.get("due"))
        if start and due and due < start:
            errors.append(CellError(t.gettext("Enter a due date on or after the start date."),
                                    row=index, column="due"))
        if row.get("funding") == "other" and not row.get("funding_other"):
            errors.append(CellError(t.gettext("Name the other funding source."),
                                    row=index, column="funding_other"))
        if row.get("status") == "done" and row.get("progress") not in (None, 100):
            errors.append(CellError(t.gettext("Enter 100 for an action that is done."),
                                    row=index, column="progress"))
    return errors


@hookimpl
@for_form(FORM_ID)
def formkit_validate(form, section, answers):
    errors: dict[str, list[str]] = {}
    ids = {spec.id for spec in section.fields}
    for _index, _name, _outcome, table in PRIORITIES:
        if table in ids and row_errors(answers.get(table)):
            errors[table] = row_errors(answers.get(table))
    start, end = _date(answers.get("period_start")), _date(answers.get("period_end"))
    if "period_end" in ids and start and end and end < start:
        errors["period_end"] = [t.gettext("The plan cannot end before it starts.")]
    return errors


def funding_key(row: dict) -> str:
    """The funding source of an action as the figures group it."""
    source = row.get("funding") or "unspecified"
    named = " ".join(str(row.get("funding_other") or "").split())
    return f"{OTHER}{named}" if source == "other" and named else source


def _amount(value) -> Decimal:
    return Decimal(str(value or 0))


def workplan_score(answers: dict, today: datetime.date) -> dict:
    """The workplan's figures as of ``today`` (see the module's docstring)."""
    total = actual = Decimal(0)
    by_funding: dict[str, Decimal] = {}
    actual_by_funding: dict[str, Decimal] = {}
    status_counts = dict.fromkeys((*STATUSES, "unspecified"), 0)
    by_priority, overdue = [], []
    for index, name_field, _outcome, table in PRIORITIES:
        if not answers.get(name_field):
            continue
        cost = Decimal(0)
        rows = answers.get(table) or []
        for row in rows:
            amount = _amount(row.get("cost"))
            cost += amount
            source = funding_key(row)
            by_funding[source] = by_funding.get(source, Decimal(0)) + amount
            if row.get("actual_cost") is not None:
                spent = _amount(row.get("actual_cost"))
                actual += spent
                actual_by_funding[source] = actual_by_funding.get(source, Decimal(0)) + spent
            status = row.get("status") or "unspecified"
            status_counts[status] = status_counts.get(status, 0) + 1
            due = _date(row.get("due"))
            if due and due < today and status != "done":
                overdue.append({"priority": index, "action": row.get("action"),
                                "due": due.isoformat(), "status": status})
        total += cost
        by_priority.append({"priority": index, "name": answers[name_field],
                            "cost": float(cost), "actions": len(rows)})
    return {
        "as_of": today.isoformat(),
        "total_cost": float(total),
        "total_actual": float(actual),
        "actions": sum(p["actions"] for p in by_priority),
        "by_priority": by_priority,
        "by_funding": {k: float(v) for k, v in sorted(by_funding.items(), key=lambda i: -i[1])},
        "actual_by_funding": {k: float(v) for k, v in
                              sorted(actual_by_funding.items(), key=lambda i: -i[1])},
        "status_counts": status_counts,
        "overdue": sorted(overdue, key=lambda o: o["due"]),
    }


def current_score(form, response) -> dict:
    """A response's figures as of today (what a team or a coordinator is shown): the
    stored score says what was overdue on the day it was saved, not now."""
    return workplan_score(fitting_answers(form, response.answers), local_today())


@hookimpl
@for_form(FORM_ID)
def formkit_score(form, answers):
    return workplan_score(answers, local_today())


def funding_label(form, key: str, locale: str) -> str:
    if key == "unspecified":
        return t.gettext("Not specified")
    if key.startswith(OTHER):
        return key[len(OTHER):]
    column = next(c for c in form.field("actions_1").options["columns"] if c.id == "funding")
    return column.kind.display(column, key, locale)


def status_label(form, key: str, locale: str) -> str:
    if key == "unspecified":
        return t.gettext("Not specified")
    column = next(c for c in form.field("actions_1").options["columns"] if c.id == "status")
    return column.kind.display(column, key, locale)


def spending_rows(form, score: dict, locale: str) -> list[tuple[str, float, float | None]]:
    """(funding source, estimated, actual) per source, largest estimate first; the actual
    is ``None`` for a source with no actual cost recorded yet."""
    planned, actual = score["by_funding"], score.get("actual_by_funding", {})
    keys = list(dict.fromkeys([*planned, *actual]))
    return [(funding_label(form, key, locale), planned.get(key, 0.0), actual.get(key))
            for key in keys if planned.get(key) or key in actual]


@hookimpl
@for_form(FORM_ID)
def formkit_result_html(form, response):
    if not response.score:
        return None
    locale = current_locale()
    score = current_score(form, response)
    funding = [(funding_label(form, k, locale), v) for k, v in score["by_funding"].items()]
    chart = bar_chart(funding, maximum=max([v for _k, v in funding] or [0]),
                      title=t.gettext("Estimated cost by funding source"),
                      value_label=lambda v: format_cad(v, locale)) if funding else None
    return Markup(t.render_template(
        "workplan/result.html", score=score, funding=funding, chart=chart,
        spending=spending_rows(form, score, locale),
        statuses=[(status_label(form, k, locale), n) for k, n in score["status_counts"].items()
                    if n],
        cad=lambda v: format_cad(v, locale),
        due=lambda v: format_iso_date(v, locale),
        status_label=lambda k: status_label(form, k, locale),
        evaluation=(url_for("respond.start", form_id="evaluation",
                            **{"from": response.shown_reference})
                      if response.id and response.status == SUBMITTED
                      and get_form("evaluation") else None),
        reference=response.shown_reference,
    ))


@hookimpl
@for_form(FORM_ID)
def formkit_summarize(form, responses):
    """Across workplans: cost by funding source, actions by status, overdue actions."""
    plans, total, actual = 0, 0.0, 0.0
    by_funding: dict[str, float] = {}
    status_counts: dict[str, int] = {}
    overdue = 0
    for response in responses:
        score = current_score(form, response)  # overdue as of today, not as of saving
        plans += 1
        total += score["total_cost"]
        actual += score["total_actual"]
        for key, amount in score["by_funding"].items():
            by_funding[key] = round(by_funding.get(key, 0.0) + amount, 2)
        for key, count in score["status_counts"].items():
            status_counts[key] = status_counts.get(key, 0) + count
        overdue += len(score["overdue"])
    return {"plans": plans, "total_cost": round(total, 2), "total_actual": round(actual, 2),
            "by_funding": by_funding,
            "status_counts": status_counts, "overdue": overdue}


@hookimpl
@for_form(FORM_ID)
def formkit_response_columns(form):
    locale = current_locale()
    scores: dict[str, dict] = {}

    def score(response) -> dict:
        # overdue as of today; computed once per response for the row's columns
        key = response.id or str(id(response))
        if key not in scores:
            scores[key] = current_score(form, response)
        return scores[key]

    return [
        Column("total_cost", t.gettext("Estimated cost"),
               lambda r: score(r).get("total_cost"),
               shown=lambda v: format_cad(v, locale),
               number_format=xlsx_currency_format(locale)),
        Column("actual_cost", t.gettext("Actual cost"), lambda r: score(r).get("total_actual"),
               shown=lambda v: format_cad(v, locale),
               number_format=xlsx_currency_format(locale)),
        Column("actions", t.gettext("Actions"), lambda r: score(r).get("actions")),
        Column("overdue", t.gettext("Overdue"), lambda r: len(score(r).get("overdue", []))),
    ]


@hookimpl
@for_form(FORM_ID)
def formkit_summary_html(form, summary):
    locale = current_locale()
    funding = [(funding_label(form, k, locale), v) for k, v in
               sorted(summary["by_funding"].items(), key=lambda i: -i[1])]
    chart = bar_chart(funding, maximum=max([v for _k, v in funding] or [1]),
                      title=t.gettext("Estimated cost by funding source"),
                      value_label=lambda v: format_cad(v, locale)) if funding else None
    statuses = [(status_label(form, k, locale), n) for k, n in summary["status_counts"].items()
                if n]
    return Markup(t.render_template("workplan/summary.html", summary=summary, chart=chart,
                                    funding=funding, statuses=statuses,
                                    cad=lambda v: format_cad(v, locale)))


def submitted_wellbeing(reference: str):
    response = find_typed_reference(reference)  # a reference or an old id, misses counted
    if response is None or response.form_id != WELLBEING or not response.is_submitted:
        return None
    return response


@hookimpl
@for_form(FORM_ID)
def formkit_prefill(form, args):
    """``?from=<Wellbeing Guide reference>``: its top priorities become ours."""
    if not args.get("from"):
        return None
    guide = submitted_wellbeing(args["from"])
    wellbeing = get_form(WELLBEING)
    if guide is None or wellbeing is None or not guide.score:
        return None
    locale = current_locale()
    labels = {key: text.get(locale) for key, text in wellbeing.field("strength").options["rows"]}
    answers = {"wellbeing_reference": guide.shown_reference,
               "team_name": guide.answers.get("team_name"),
               "community": guide.answers.get("community")}
    for (_index, name_field, _o, _t), key in zip(PRIORITIES, guide.score["top_priorities"],
                                                  strict=False):
        answers[name_field] = labels.get(key, key)
    source = t.gettext("your Wellbeing Guide (%(team)s, reference %(reference)s)",
               team=guide.answers.get("team_name") or "", reference=guide.shown_reference)
    return Prefill({k: v for k, v in answers.items() if v}, source=source)


#: the page of each priority, and the answer that names the priority.
PRIORITY_PAGES = {"priority_one": "priority_1", "priority_two": "priority_2",
                  "priority_three": "priority_3"}


@hookimpl
@for_form(FORM_ID)
def formkit_page_heading(form, section, answers):
    """A priority's page is headed by the priority it plans ("… — Transportation")."""
    priority = answers.get(PRIORITY_PAGES.get(section.id, ""))
    if not priority:
        return None
    return t.gettext("Outcome and actions — %(priority)s", priority=priority)


@bp.get("/workplan/from-wellbeing")
def from_wellbeing():
    """Start a workplan by typing a Wellbeing Guide's reference."""
    if get_form(FORM_ID) is None:
        abort(404)
    reference = (request.args.get("reference") or "").strip()[:80]
    error = None
    if reference:
        if submitted_wellbeing(reference) is not None:
            return redirect(url_for("respond.start", form_id=FORM_ID, **{"from": reference}))
        error = t.gettext("No submitted Wellbeing Guide has that reference. Copy it from the "
                          "Guide's result page, for example WLB-7K3Q-2H.")
    return t.render_template("workplan/from_wellbeing.html", reference=reference,
                             error=error), (404 if error else 200)


@hookimpl
def formkit_blueprints():
    return [bp]

"""Workplan: date checks, cost totals, status counts, overdue actions; prefill from a
Wellbeing Guide's top priorities.

The score stored at submit holds, as of the submission date:
- ``total_cost`` and ``by_priority`` (cost and number of actions per priority),
- ``by_funding`` (cost per funding source key; ``unspecified`` when none is chosen;
  ``other:<name>`` for an "other" source the team named, so a chart names it),
- ``status_counts`` (actions per status; ``unspecified`` when none is chosen),
- ``overdue``: actions whose due date is before that date and that are not done.
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


def workplan_score(answers: dict, today: datetime.date) -> dict:
    total = Decimal(0)
    by_funding: dict[str, Decimal] = {}
    status_counts = dict.fromkeys((*STATUSES, "unspecified"), 0)
    by_priority, overdue = [], []
    for index, name_field, _outcome, table in PRIORITIES:
        if not answers.get(name_field):
            continue
        cost = Decimal(0)
        rows = answers.get(table) or []
        for row in rows:
            amount = Decimal(str(row.get("cost") or 0))
            cost += amount
            source = row.get("funding") or "unspecified"
            named = " ".join(str(row.get("funding_other") or "").split())
            if source == "other" and named:
                source = f"{OTHER}{named}"
            by_funding[source] = by_funding.get(source, Decimal(0)) + amount
            status = row.get("status") or "unspecified"
            status_counts[status] += 1
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
        "actions": sum(p["actions"] for p in by_priority),
        "by_priority": by_priority,
        "by_funding": {k: float(v) for k, v in sorted(by_funding.items(), key=lambda i: -i[1])},
        "status_counts": status_counts,
        "overdue": sorted(overdue, key=lambda o: o["due"]),
    }


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


@hookimpl
@for_form(FORM_ID)
def formkit_result_html(form, response):
    if not response.score:
        return None
    locale = current_locale()
    score = response.score
    funding = [(funding_label(form, k, locale), v) for k, v in score["by_funding"].items()]
    chart = bar_chart(funding, maximum=max([v for _k, v in funding] or [0]),
                      title=t.gettext("Estimated cost by funding source"),
                      value_label=lambda v: format_cad(v, locale)) if funding else None
    return Markup(t.render_template(
        "workplan/result.html", score=score, funding=funding, chart=chart,
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
    plans, total = 0, 0.0
    by_funding: dict[str, float] = {}
    status_counts: dict[str, int] = {}
    overdue = 0
    for response in responses:
        score = response.score or workplan_score(fitting_answers(form, response.answers),
                                                 local_today())
        plans += 1
        total += score["total_cost"]
        for key, amount in score["by_funding"].items():
            by_funding[key] = round(by_funding.get(key, 0.0) + amount, 2)
        for key, count in score["status_counts"].items():
            status_counts[key] = status_counts.get(key, 0) + count
        overdue += len(score["overdue"])
    return {"plans": plans, "total_cost": round(total, 2), "by_funding": by_funding,
            "status_counts": status_counts, "overdue": overdue}


@hookimpl
@for_form(FORM_ID)
def formkit_response_columns(form):
    locale = current_locale()
    return [
        Column("total_cost", t.gettext("Estimated cost"),
               lambda r: (r.score or {}).get("total_cost"),
               shown=lambda v: format_cad(v, locale),
               number_format=xlsx_currency_format(locale)),
        Column("actions", t.gettext("Actions"), lambda r: (r.score or {}).get("actions")),
        Column("overdue", t.gettext("Overdue"), lambda r: len((r.score or {}).get("overdue", []))),
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


# -- the provincial team: /admin/teams's overdue column, figures across teams ------------
# (formkit_team_columns, formkit_provincial_sections: docs/plugins.md, docs/cycle.md)
from formkit.api import (  # noqa: E402 - this part's own names, kept with it
    EMPTY,
    ProvincialSection,
    TeamColumn,
    cycle_team_responses,
    fitted_table,
    format_day,
    format_money,
    format_number,
)


def _with_actual_costs(answers: dict) -> dict:
    """The answers with each action's actual cost in place of its estimate, so spending
    by funding source adds up exactly as the estimate does (:func:`workplan_score`)."""
    changed = dict(answers)
    for _index, _name, _outcome, table in PRIORITIES:
        rows = answers.get(table)
        if isinstance(rows, list):
            changed[table] = [{**row, "cost": row.get("actual_cost")} if isinstance(row, dict)
                              else row for row in rows]
    return changed


def plan_figures(form, response, today: datetime.date) -> dict:
    """One team's Workplan as of ``today``: planned and actual cost (total and by funding
    source), actions by status, overdue actions."""
    answers = fitting_answers(form, response.answers)
    planned = workplan_score(answers, today)
    actual = workplan_score(_with_actual_costs(answers), today)
    return {"planned": planned["by_funding"], "actual": actual["by_funding"],
            "planned_total": planned["total_cost"], "actual_total": actual["total_cost"],
            "statuses": planned["status_counts"], "actions": planned["actions"],
            "overdue": len(planned["overdue"])}


def overdue_counts(rows) -> dict[str, int]:
    """Overdue actions as of today of each row's team (its current cycle's Workplan),
    read in one store call."""
    form = get_form(FORM_ID)
    if form is None:
        return {}
    plans = cycle_team_responses([row.cycle for row in rows], FORM_ID)
    today = local_today()
    return {row.team.id: len(workplan_score(fitting_answers(form, plans[row.cycle.id].answers),
                                            today)["overdue"])
            for row in rows if row.cycle is not None and row.cycle.id in plans}


@hookimpl
def formkit_team_columns():
    if get_form(FORM_ID) is None:
        return None
    locale = current_locale()
    return [TeamColumn("overdue", t.gettext("Overdue actions"), overdue_counts,
                       shown=lambda n: format_number(n, locale), form_id=FORM_ID)]


def add_up(plans: list[dict]) -> dict:
    """Workplans' figures added up (amounts kept to the cent)."""
    total = {"planned": {}, "actual": {}, "statuses": {}, "planned_total": 0.0,
             "actual_total": 0.0, "actions": 0, "overdue": 0, "plans": len(plans)}
    for plan in plans:
        for kind in ("planned", "actual"):
            for key, amount in plan[kind].items():
                total[kind][key] = round(total[kind].get(key, 0.0) + amount, 2)
            total[f"{kind}_total"] = round(total[f"{kind}_total"] + plan[f"{kind}_total"], 2)
        for key, count in plan["statuses"].items():
            total["statuses"][key] = total["statuses"].get(key, 0) + count
        total["actions"] += plan["actions"]
        total["overdue"] += plan["overdue"]
    return total


def _money_chart(form, amounts: dict, title: str, locale: str):
    bars = [(funding_label(form, key, locale), value) for key, value in
            sorted(amounts.items(), key=lambda item: -item[1]) if value]
    if not bars:
        return None
    return bar_chart(bars, maximum=max(v for _k, v in bars), title=title,
                     value_label=lambda v: format_money(v, locale))


def _cost_section(form, scope: dict, locale: str) -> Markup:
    money = lambda v: format_money(v, locale)  # noqa: E731
    sources = sorted(set(scope["planned"]) | set(scope["actual"]),
                     key=lambda k: (-scope["planned"].get(k, 0), -scope["actual"].get(k, 0)))
    rows = [[funding_label(form, key, locale), money(scope["planned"].get(key, 0)),
             money(scope["actual"].get(key, 0))] for key in sources]
    rows.append([t.gettext("Total"), money(scope["planned_total"]),
                 money(scope["actual_total"])])
    table = fitted_table(t.gettext("Planned and actual cost by funding source"),
                         [t.gettext("Funding source"), t.gettext("Planned"),
                          t.gettext("Actual")], rows)
    return Markup(t.render_template(
        "workplan/provincial_costs.html", scope=scope, table=table,
        planned=_money_chart(form, scope["planned"],
                             t.gettext("Planned cost by funding source"), locale),
        actual=_money_chart(form, scope["actual"],
                            t.gettext("Actual cost by funding source"), locale)))


def _status_section(form, scope: dict, locale: str, today: datetime.date) -> Markup:
    number = lambda v: format_number(v, locale)  # noqa: E731
    statuses = [(status_label(form, key, locale), count)
                for key, count in scope["statuses"].items() if count]
    chart = bar_chart(statuses, maximum=max(n for _k, n in statuses),
                      title=t.gettext("Actions by status")) if statuses else None
    rows = [[label, number(count)] for label, count in statuses]
    rows.append([t.gettext("Overdue as of %(day)s", day=format_day(today, locale)),
                 number(scope["overdue"])])
    table = fitted_table(t.gettext("Actions by status"),
                         [t.gettext("Status"), t.gettext("Actions")], rows)
    return Markup(t.render_template("workplan/provincial_statuses.html", chart=chart,
                                    table=table, scope=scope))


def _comparison_section(team, mine: dict | None, province: dict, locale: str) -> Markup:
    """A team's Workplan beside the average of the province's Workplans."""
    count = max(province["plans"], 1)
    number = lambda v: format_number(v, locale, decimals=1)  # noqa: E731
    money = lambda v: format_money(v, locale)  # noqa: E731
    measures = [
        (t.gettext("Actions"), lambda p: p["actions"], number),
        (t.gettext("Actions done"), lambda p: p["statuses"].get("done", 0), number),
        (t.gettext("Overdue actions"), lambda p: p["overdue"], number),
        (t.gettext("Planned cost"), lambda p: p["planned_total"], money),
        (t.gettext("Actual cost"), lambda p: p["actual_total"], money),
    ]
    rows = [[label, shown(value(mine)) if mine is not None else EMPTY,
             shown(round(value(province) / count, 2))] for label, value, shown in measures]
    table = fitted_table(t.gettext("%(team)s compared with the provincial average",
                                   team=team.name),
                         [t.gettext("Measure"), team.name,
                          t.gettext("Provincial average per Workplan")], rows)
    return Markup(t.render_template("workplan/provincial_team.html", table=table,
                                    has_plan=mine is not None, team=team,
                                    plans=province["plans"]))


@hookimpl
def formkit_provincial_sections(figures):
    """Planned and actual cost by funding source, actions by status (overdue as of
    today), and the chosen team beside the provincial average."""
    form = get_form(FORM_ID)
    if form is None:
        return None
    locale = figures.locale
    plans = {team_id: plan_figures(form, response, figures.today)
             for team_id, response in figures.team_responses(FORM_ID).items()}
    in_scope = add_up([plans[t.id] for t in figures.region_teams if t.id in plans])
    sections = [
        ProvincialSection(30, t.gettext("Planned and actual cost by funding source"),
                          _cost_section(form, in_scope, locale), FORM_ID),
        ProvincialSection(40, t.gettext("Workplan actions by status"),
                          _status_section(form, in_scope, locale, figures.today), FORM_ID),
    ]
    if figures.team is not None:
        province = add_up(list(plans.values()))
        sections.append(ProvincialSection(
            45, t.gettext("Workplan: %(team)s compared with the province",
                          team=figures.team.name),
            _comparison_section(figures.team, plans.get(figures.team.id), province, locale),
            FORM_ID))
    return sections

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
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from flask import Blueprint, abort, current_app, g, redirect, request, url_for
from markupsafe import Markup

from formkit.api import (
    EMPTY,
    SUBMITTED,
    Catalog,
    CellError,
    Column,
    Panel,
    Prefill,
    ProvincialSection,
    TeamColumn,
    bar_chart,
    current_locale,
    cycle_team_responses,
    find_cycle,
    find_typed_reference,
    fitted_table,
    fitting_answers,
    for_form,
    force_locale,
    format_cad,
    format_day,
    format_iso_date,
    format_money,
    format_number,
    format_timestamp,
    get_form,
    hookimpl,
    local_day,
    local_today,
    may_read_form,
    pdf_page_counter,
    response_pdf,
    revisions,
    team_checkpoint,
    team_response,
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
#: a team's workplan pages (an action's timeline, the progress report) in its space, behind
#: the team space's one checkpoint (members of the team, its coordinators): g.team, g.member.
team_bp = Blueprint("workplan_team", __name__, url_prefix="/t/<slug>/workplan")
team_bp.before_request(team_checkpoint)


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
        spending=spending_rows(form, score, locale), tracker=_tracker_html(form, response),
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
    last: list = [None, None]  # (response, its score): a row's columns share one

    def score(response) -> dict:
        # as of today, not as of the last save; computed once per row (rows stream past:
        # only the current one is kept, however many an export holds)
        if last[0] is not response:
            last[:] = [response, current_score(form, response)]
        return last[1]

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


# -- the tracker: each action's timeline from the revisions --------------------------------
#
# Rows of a table have no stable id: an action is followed from one revision to the next
# by matching the rows a save changed, first by the action's text (the same words, case
# and spacing aside, in order), then, for the rows left, by position (a row whose text
# was edited in place stays the same action). A row left unmatched was added (or, on the
# old side, removed). The choice keeps stored answers as plain rows (exports, the REST
# API and the other plugins read them unchanged); its limit: removing one action and
# rewording another in the same save can pair the wrong two, which the timeline then
# shows as a rewording.

#: the columns whose changes an action's timeline tells.
TRACKED = ("action", "status", "progress", "due", "challenges", "actual_cost")
START, ADDED, CHANGED, REMOVED = "start", "added", "changed", "removed"
#: the next days the team space lists as due soon.
SOON_DAYS = 30
#: after the cycle panel (10), before the stories (15) and the members (20).
PANEL_ORDER = 12


@dataclass
class Step:
    """One moment of an action's life: it was in the plan from the start, was added,
    changed (``changes``: ``{column: (before, after)}``) or removed."""

    at: str
    who: str
    kind: str
    changes: dict[str, tuple] = field(default_factory=dict)
    #: the row after this step (before it, for a removal).
    row: dict = field(default_factory=dict)

    @property
    def day(self) -> datetime.date:
        return local_day(self.at)


@dataclass
class Action:
    """An action of the plan as it is now, with its timeline (oldest step first)."""

    priority: int
    row: int
    values: dict
    steps: list[Step]

    @property
    def key(self) -> str:
        """How a URL names it: ``<priority>-<row number>``, e.g. ``1-3``."""
        return f"{self.priority}-{self.row + 1}"


def _text_key(row: dict) -> str:
    return " ".join(str(row.get("action") or "").split()).casefold()


def match_rows(old: list[dict], new: list[dict]) -> list[int | None]:
    """For each row of ``new``, the index of the row of ``old`` it continues, or ``None``
    (added): same action text first, then same position (see above)."""
    matched: list[int | None] = [None] * len(new)
    used: set[int] = set()
    for j, row in enumerate(new):
        key = _text_key(row)
        for i, before in enumerate(old):
            if key and i not in used and _text_key(before) == key:
                matched[j] = i
                used.add(i)
                break
    for j in range(len(new)):
        if matched[j] is None and j < len(old) and j not in used:
            matched[j] = j
            used.add(j)
    return matched


def _rows(value) -> list[dict]:
    return [row for row in value if isinstance(row, dict)] if isinstance(value, list) else []


def follow_actions(answers: dict, revisions: list, opened: str) -> tuple[list[Action],
                                                                          list[Action]]:
    """The plan's actions now, each with its timeline, and the actions removed along the
    way (their timeline ends with the removal; ``row`` is -1); ``revisions`` oldest
    first, ``opened`` when the response was made (rows already there then were carried
    over or prefilled)."""
    actions: list[Action] = []
    removed: list[Action] = []
    for index, name_field, _outcome, table in PRIORITIES:
        if not answers.get(name_field):
            continue
        tracks: list[list[Step]] | None = None
        for revision in revisions:
            if table not in (revision.changes or {}):
                continue
            old, new = (_rows(value) for value in revision.changes[table])
            if tracks is None or len(tracks) != len(old):  # the first save of the table
                tracks = [[Step(opened, "", START, row=dict(row))] for row in old]
            following = []
            matched = match_rows(old, new)
            for j, i in enumerate(matched):
                if i is None:
                    following.append([Step(revision.at, revision.author_name, ADDED,
                                            row=dict(new[j]))])
                    continue
                changes = {c: (old[i].get(c), new[j].get(c)) for c in TRACKED
                           if old[i].get(c) != new[j].get(c)}
                steps = tracks[i]
                if changes:
                    steps = [*steps, Step(revision.at, revision.author_name, CHANGED, changes,
                                          row=dict(new[j]))]
                following.append(steps)
            kept = set(matched)
            removed += [Action(index, -1, dict(row), [*tracks[i], Step(
                revision.at, revision.author_name, REMOVED, row=dict(row))])
                for i, row in enumerate(old) if i not in kept]
            tracks = following
        rows = _rows(answers.get(table))
        if tracks is None or len(tracks) != len(rows):  # no revision tells (an import)
            tracks = [[Step(opened, "", START, row=dict(row))] for row in rows]
        actions += [Action(index, number, row, steps)
                    for number, (row, steps) in enumerate(zip(rows, tracks, strict=True))]
    return actions, removed


def answers_on(answers: dict, revisions: list, day: datetime.date) -> dict:
    """The answers as they stood at the end of ``day`` (the instance's time zone): the
    saves made after it undone, newest first."""
    earlier = dict(answers)
    for revision in reversed(revisions):
        if local_day(revision.at) <= day:
            break
        for field_id, (before, _after) in (revision.changes or {}).items():
            earlier[field_id] = before
    return earlier


def column_of(form, column_id: str):
    return next(c for c in form.field("actions_1").options["columns"] if c.id == column_id)


def cell_text(form, column_id: str, value, locale: str) -> str:
    """A cell as people read it ("Done", "12 000,00 $", "1er avril 2026"); "—" if empty."""
    if value is None or value == "":
        return "—"
    column = column_of(form, column_id)
    return column.kind.display(column, value, locale) or "—"


def step_lines(form, step: Step, locale: str) -> list[str]:
    """What a step changed, a line per column ("Status: In progress → Done")."""
    if step.kind == START:
        return [t.gettext("In the plan when the cycle’s workplan was opened.")]
    if step.kind == ADDED:
        return [t.gettext("Added (status: %(status)s, due %(due)s).",
                          status=cell_text(form, "status", step.row.get("status"), locale),
                          due=cell_text(form, "due", step.row.get("due"), locale))]
    if step.kind == REMOVED:
        return [t.gettext("Removed from the plan.")]
    lines = []
    for column_id, (before, after) in step.changes.items():
        label = column_of(form, column_id).label.get(locale)
        lines.append(t.gettext("%(column)s: %(before)s → %(after)s", column=label,
                               before=cell_text(form, column_id, before, locale),
                               after=cell_text(form, column_id, after, locale)))
    return lines


def tracked_actions(form, response) -> tuple[list[Action], list[Action]]:
    """:func:`follow_actions` of a stored response, from its revisions."""
    return follow_actions(fitting_answers(form, response.answers),
                          revisions(response.id) if response.id else [], response.created)


def due_lists(actions: list[Action], today: datetime.date, days: int = SOON_DAYS
              ) -> tuple[list[Action], list[Action]]:
    """(overdue, due in the next ``days`` days counting today), each by due date; actions
    done are neither."""
    overdue, soon = [], []
    for action in actions:
        due = _date(action.values.get("due"))
        if due is None or action.values.get("status") == "done":
            continue
        if due < today:
            overdue.append(action)
        elif due <= today + datetime.timedelta(days=days):
            soon.append(action)
    return (sorted(overdue, key=lambda a: a.values["due"]),
            sorted(soon, key=lambda a: a.values["due"]))


def _team_workplan(team, number: int):
    """(form, cycle, response) of a team's workplan in its cycle ``number``; 404 when
    any is missing (another team's cycle is never found)."""
    form = get_form(FORM_ID) if may_read_form(FORM_ID) else None
    cycle = find_cycle(team, number) if form is not None else None
    response = team_response(cycle, FORM_ID) if cycle is not None else None
    if response is None:
        abort(404)
    return form, cycle, response


def action_url(team, cycle, action: Action) -> str:
    return url_for("workplan_team.action", slug=team.slug, number=cycle.number,
                   key=action.key)


def _priority_page(form, priority: int) -> int:
    """The index of the page where a priority's actions are edited."""
    section_id = next(s for s, name in PRIORITY_PAGES.items() if name == f"priority_{priority}")
    return next(i for i, section in enumerate(form.sections) if section.id == section_id)


@hookimpl
def formkit_team_panels(team, cycle, viewer):
    """What the team's workplan has due in the next 30 days, and what is overdue."""
    form = get_form(FORM_ID)
    response = team_response(cycle, FORM_ID) if cycle is not None and form else None
    if response is None:
        return []
    locale = current_locale()
    today = local_today()
    actions, _removed = follow_actions(fitting_answers(form, response.answers), [], "")
    overdue, soon = due_lists(actions, today)
    names = {index: response.answers.get(name) for index, name, _o, _t in PRIORITIES}

    def item(action: Action) -> dict:
        return {"action": action.values.get("action") or "—",
                "priority": names.get(action.priority) or "",
                "due": format_day(action.values["due"], locale),
                "status": cell_text(form, "status", action.values.get("status"), locale),
                "url": action_url(team, cycle, action)}

    return [Panel(PANEL_ORDER, Markup(t.render_template(
        "workplan/_panel.html", team=team, cycle=cycle, days=SOON_DAYS,
        overdue=[item(a) for a in overdue], soon=[item(a) for a in soon],
        today=format_day(today, locale),
        workplan=url_for("teams.cycles.response", slug=team.slug, number=cycle.number,
                         form_id=FORM_ID),
        report=url_for("workplan_team.report", slug=team.slug, number=cycle.number))),
        form_id=FORM_ID)]


def _tracker_html(form, response) -> Markup | None:
    """On the team's page of its workplan: every action with its state and a link to
    its timeline (``g.team`` and ``g.cycle`` are the team space's)."""
    team, cycle = g.get("team"), g.get("cycle")
    if team is None or cycle is None or not response.id:
        return None
    mine = team_response(cycle, FORM_ID)
    if mine is None or mine.id != response.id:
        return None
    locale = current_locale()
    # the actions as they are now (their timelines, read from every revision, are on
    # each action's page: the core's history on this page reads the revisions already)
    actions, _removed = follow_actions(fitting_answers(form, response.answers), [], "")
    names = {index: response.answers.get(name) for index, name, _o, _t in PRIORITIES}
    rows = [{"action": a.values.get("action") or "—", "priority": names.get(a.priority),
             "status": cell_text(form, "status", a.values.get("status"), locale),
             "due": cell_text(form, "due", a.values.get("due"), locale),
             "progress": cell_text(form, "progress", a.values.get("progress"), locale),
             "url": action_url(team, cycle, a)} for a in actions]
    return Markup(t.render_template(
        "workplan/_tracker.html", rows=rows,
        report=url_for("workplan_team.report", slug=team.slug, number=cycle.number)))


@team_bp.get("/<int:number>/actions/<key>")
def action(slug: str, number: int, key: str):
    """One action: its cells now and its timeline, who changed what and when."""
    form, cycle, response = _team_workplan(g.team, number)
    locale = current_locale()
    actions, _removed = tracked_actions(form, response)
    found = next((a for a in actions if a.key == key), None)
    if found is None:
        abort(404)
    columns = form.field("actions_1").options["columns"]
    cells = [(c.label.get(locale), cell_text(form, c.id, found.values.get(c.id), locale))
             for c in columns]
    timeline = [{"when": format_timestamp(step.at, locale), "at": step.at,
                 "who": step.who, "lines": step_lines(form, step, locale)}
                for step in reversed(found.steps)]
    edit = (url_for("teams.cycles.edit", slug=g.team.slug, number=number, form_id=FORM_ID,
                    page=_priority_page(form, found.priority))
            if g.member is not None else None)
    return t.render_template(
        "workplan/action.html", team=g.team, cycle=cycle, action=found, cells=cells,
        priority=response.answers.get(f"priority_{found.priority}") or "",
        timeline=timeline, edit=edit,
        workplan=url_for("teams.cycles.response", slug=g.team.slug, number=number,
                         form_id=FORM_ID))


# -- the progress report ------------------------------------------------------------------

@dataclass
class Report:
    """What a progress report for ``start``..``end`` (days, both included) says."""

    start: datetime.date
    end: datetime.date
    #: (action, step): actions marked done in the period (or added as done).
    done: list[tuple[Action, Step]]
    #: (action, its steps in the period), for every action that changed.
    changed: list[tuple[Action, list[Step]]]
    #: (action, step, text): challenges written down in the period.
    challenges: list[tuple[Action, Step, str]]
    #: the figures at the end of the period, and at its start.
    at_end: dict
    at_start: dict
    #: the actions as they stood at the end of the period.
    actions: list[dict]


def net_changes(action: Action, steps: list[Step]) -> list[Step]:
    """What ``steps`` (consecutive steps of ``action``) changed, as a funder reads a
    period: an addition or a removal as it is, and the other changes summed up as one
    step from the action's state before the first to its state after the last (three
    progress updates, 20 % → 40 % → 70 %, read "Progress: 20 % → 70 %")."""
    kept = [step for step in steps if step.kind in (ADDED, REMOVED)]
    first = action.steps.index(steps[0])
    before = action.steps[first - 1].row if first > 0 and steps[0].kind != ADDED \
        else steps[0].row
    after = steps[-1].row
    changes = {c: (before.get(c), after.get(c)) for c in TRACKED
               if before.get(c) != after.get(c)}
    if changes and steps[-1].kind != REMOVED:
        last = steps[-1]
        kept.insert(1 if steps[0].kind == ADDED else 0,
                    Step(last.at, last.who, CHANGED, changes, row=dict(after)))
    return kept


def _status_to(step: Step) -> str | None:
    if step.kind == ADDED:
        return step.row.get("status")
    return step.changes.get("status", (None, None))[1] if step.kind == CHANGED else None


def _challenge(step: Step) -> str | None:
    if step.kind == ADDED:
        return step.row.get("challenges")
    return step.changes.get("challenges", (None, None))[1] if step.kind == CHANGED else None


def progress_report(form, answers: dict, revisions: list, opened: str,
                    start: datetime.date, end: datetime.date) -> Report:
    """The progress report of a workplan for the days ``start``..``end``, from its
    revisions (each saved day read in the instance's time zone)."""
    actions, removed = follow_actions(answers, revisions, opened)
    done, changed, challenges = [], [], []
    for action in [*actions, *removed]:
        steps = [s for s in action.steps if s.kind != START and start <= s.day <= end]
        if steps:
            changed.append((action, steps))
        for step in steps:
            if _status_to(step) == "done":
                done.append((action, step))
            text = _challenge(step)
            if text:
                challenges.append((action, step, text))
    # earlier answers may hold a value of an older shape of a question: left out
    then = fitting_answers(form, answers_on(answers, revisions, end))
    before = fitting_answers(form, answers_on(answers, revisions,
                                              start - datetime.timedelta(days=1)))
    rows = [dict(row, priority=index, priority_name=then.get(name))
            for index, name, _o, table in PRIORITIES if then.get(name)
            for row in _rows(then.get(table))]
    return Report(start, end, sorted(done, key=lambda d: d[1].at),
                  sorted(changed, key=lambda c: c[1][0].at),
                  sorted(challenges, key=lambda c: c[1].at),
                  workplan_score(then, end), workplan_score(before, start), rows)


def report_spending(form, report: Report, locale: str) -> list[tuple[str, float, float,
                                                                     float]]:
    """(funding source, estimated, actual to the end of the period, spent in the period)
    per source at the end of the period, largest estimate first."""
    end, start = report.at_end, report.at_start
    keys = list(dict.fromkeys([*end["by_funding"], *end["actual_by_funding"]]))
    rows = []
    for key in keys:
        actual = end["actual_by_funding"].get(key, 0.0)
        spent = round(actual - start["actual_by_funding"].get(key, 0.0), 2)
        if end["by_funding"].get(key) or actual or spent:
            rows.append((funding_label(form, key, locale), end["by_funding"].get(key, 0.0),
                         actual, spent))
    return rows


def report_html(form, team, cycle, report: Report, locale: str) -> str:
    """The progress report's HTML for the PDF, in ``locale``."""
    def name(action: Action) -> str:
        return action.values.get("action") or "—"

    def when(step: Step) -> str:
        return format_day(step.day, locale)

    def cad(value) -> str:
        return format_cad(value, locale)

    with force_locale(locale):
        spending = report_spending(form, report, locale)
        spending_rows = [[label, cad(planned), cad(actual), cad(spent)]
                         for label, planned, actual, spent in spending]
        spending_rows.append([t.gettext("Total"), cad(report.at_end["total_cost"]),
                              cad(report.at_end["total_actual"]),
                              cad(round(report.at_end["total_actual"]
                                        - report.at_start["total_actual"], 2))])
        tables = {
            "spending": fitted_table(
                None, [t.gettext("Funding source"), t.gettext("Estimated cost"),
                 t.gettext("Actual cost to date"), t.gettext("Spent in the period")],
                spending_rows, row_headers=False),
            "actions": fitted_table(
                None, [t.gettext("Priority"), t.gettext("Action"), t.gettext("Lead"),
                 t.gettext("Due date"), t.gettext("Status"), t.gettext("Progress")],
                [[str(row["priority_name"]), row.get("action") or "—",
                  row.get("lead") or "—", cell_text(form, "due", row.get("due"), locale),
                  cell_text(form, "status", row.get("status"), locale),
                  cell_text(form, "progress", row.get("progress"), locale)]
                 for row in report.actions], row_headers=False) if report.actions else None,
        }
        return t.render_template(
            "workplan/report_pdf.html", form=form, locale=locale, team=team, cycle=cycle,
            report=report, tables=tables, page_counter=pdf_page_counter(),
            period=t.gettext("%(start)s to %(end)s", start=format_day(report.start, locale),
                             end=format_day(report.end, locale)),
            done=[(name(a), when(s), s.who) for a, s in report.done],
            changed=[(name(a), len(steps), when(steps[-1]), steps[-1].who,
                      [line for step in net_changes(a, steps)
                       for line in step_lines(form, step, locale)])
                     for a, steps in report.changed],
            challenges=[(name(a), when(s), s.who, text) for a, s, text in report.challenges],
            overdue=report.at_end["overdue"], cad=cad,
            due=lambda v: format_day(v, locale))


#: the years a report's period may name (the day before 1 Jan 0001 does not exist).
REPORT_YEARS = (1900, 2999)


def _period(cycle) -> tuple[datetime.date | None, datetime.date | None, str, dict]:
    """The period and language a report form asks for (defaults: the cycle's start to
    today, the page's language) and the errors of what it says, translated."""
    errors: dict[str, str] = {}
    days = {}
    defaults = {"from": local_day(cycle.started), "to": local_today()}
    for name in ("from", "to"):
        typed = (request.args.get(name) or "").strip()[:20]
        if not typed:
            days[name] = defaults[name]
            continue
        try:
            days[name] = datetime.date.fromisoformat(typed)
            if not REPORT_YEARS[0] <= days[name].year <= REPORT_YEARS[1]:
                raise ValueError("a year no report covers")  # nor can a day before it be
        except ValueError:
            days[name] = None
            errors[name] = t.gettext("Enter a date as year-month-day, for example "
                                     "2026-04-01.")
    if days["from"] and days["to"] and days["to"] < days["from"]:
        errors["to"] = t.gettext("The end of the period cannot be before its start.")
    language = request.args.get("doc_lang") or current_locale()
    if language not in current_app.config["LANGUAGES"]:
        errors["doc_lang"] = t.gettext("Choose English or French.")
        language = current_locale()
    return days["from"], days["to"], language, errors


@team_bp.get("/<int:number>/report")
def report(slug: str, number: int):
    """The progress report: a small form (GET, works without JavaScript) for the period
    and the language; once it is sent, the PDF (or the form again, with the errors)."""
    form, cycle, response = _team_workplan(g.team, number)
    start, end, language, errors = _period(cycle)
    asked = any(name in request.args for name in ("from", "to", "doc_lang"))
    if asked and not errors:
        made = progress_report(form, fitting_answers(form, response.answers),
                               revisions(response.id), response.created, start, end)
        key = ("workplan-report", response.id, response.updated, g.team.name, cycle.label,
               start, end, language)
        body = response_pdf(FORM_ID, response.id, key, lambda: report_html(
            form, g.team, cycle, made, language))
        name = f"progress-report-{g.team.slug}-{start}-{end}-{language}.pdf"
        return current_app.response_class(body, mimetype="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="{name}"'})
    typed = {name: (request.args.get(name) or "")[:20] for name in ("from", "to")}
    return t.render_template(
        "workplan/report.html", team=g.team, cycle=cycle, errors=errors,
        start=typed["from"] if "from" in errors else (start.isoformat() if start else ""),
        end=typed["to"] if "to" in errors else (end.isoformat() if end else ""),
        language=language, languages=current_app.config["LANGUAGES"],
        workplan=url_for("teams.cycles.response", slug=g.team.slug, number=number,
                         form_id=FORM_ID)), (400 if errors else 200)


# -- a second cycle: what carried over ------------------------------------------------------

def _priority_names(answers: dict) -> list[str]:
    return [answers[name] for _i, name, _o, _t in PRIORITIES if answers.get(name)]


def _same(text) -> str:
    return " ".join(str(text or "").split()).casefold()


def carried_over(answers: dict, previous: dict) -> dict:
    """What this cycle's plan took over from the previous one: its priorities named the
    same (case and spacing aside) and those new or dropped; the previous plan's actions
    that were not done, each with whether this plan still has it (same action text)."""
    now, before = _priority_names(answers), _priority_names(previous)
    now_keys, before_keys = {_same(n) for n in now}, {_same(n) for n in before}
    here = {_same(row.get("action")) for _i, name, _o, table in PRIORITIES
            if answers.get(name) for row in _rows(answers.get(table))}
    unfinished = []
    for _index, name, _o, table in PRIORITIES:
        if not previous.get(name):
            continue
        for row in _rows(previous.get(table)):
            if row.get("status") != "done" and row.get("action"):
                unfinished.append({"priority": previous[name], "action": row["action"],
                                   "status": row.get("status"),
                                   "kept": _same(row["action"]) in here})
    return {"carried": [n for n in now if _same(n) in before_keys],
            "new": [n for n in now if _same(n) not in before_keys],
            "dropped": [n for n in before if _same(n) not in now_keys],
            "unfinished": unfinished}


def unfinished_actions(answers: dict) -> dict:
    """What a new cycle's plan takes from the previous one besides its other answers
    (the core carries those over): each action table with only the actions not done,
    without their actual cost — what was done, and what was spent, belongs to the
    previous cycle's figures, so no spending is counted twice across cycles."""
    return {table: [{k: v for k, v in row.items() if k != "actual_cost"}
                    for row in _rows(answers.get(table)) if row.get("status") != "done"]
            or None
            for _index, _name, _outcome, table in PRIORITIES if table in answers}


@hookimpl
@for_form(FORM_ID)
def formkit_compare(form, response, previous):
    """In a second cycle: which priorities carried over, and the previous plan's
    unfinished actions, carried over or not."""
    found = carried_over(fitting_answers(form, response.answers),
                         fitting_answers(form, previous.answers))
    if not any(found.values()):
        return None
    locale = current_locale()
    return Markup(t.render_template(
        "workplan/compare.html", found=found,
        status=lambda key: cell_text(form, "status", key, locale) if key
        else t.gettext("Not specified")))


def submitted_wellbeing(reference: str):
    response = find_typed_reference(reference)  # a reference or an old id, misses counted
    if response is None or response.form_id != WELLBEING or not response.is_submitted:
        return None
    return response


@hookimpl
@for_form(FORM_ID)
def formkit_prefill(form, args, previous=None):
    """``?from=<Wellbeing Guide reference>``: its top priorities become ours. A team's
    new cycle: the previous plan's unfinished actions only (:func:`unfinished_actions`)."""
    if (previous or {}).get(FORM_ID) is not None:
        return unfinished_actions(fitting_answers(form, previous[FORM_ID].answers))
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
    return [bp, team_bp]


# -- a team's Workplan starts from the priorities its lead confirmed (issue 19) ----------
#: the team-scope form in which a team's lead confirms its priorities (plugins/wellbeing.py).
CONFIRMED = "priorities"


# (a plugin's answers win over the built-in carry-over: the confirmed priorities, not
# last cycle's plan; an unconfirmed second or third priority is left empty)
@hookimpl(specname="formkit_prefill")
@for_form(FORM_ID)
def prefill_confirmed_priorities(form, cycle):
    """In a team's cycle, the priorities are the areas its lead confirmed in that cycle
    (``team_response(cycle, "priorities")``), named in the language of that response;
    nothing when none are confirmed yet (the plan then carries last cycle's over)."""
    confirmed = team_response(cycle, CONFIRMED) if cycle is not None else None
    wellbeing = get_form(WELLBEING)
    if confirmed is None or wellbeing is None:
        return None
    labels = {key: text.get(confirmed.locale)
              for key, text in wellbeing.field("strength").options["rows"]}
    keys = dict.fromkeys(confirmed.answers.get(f"priority_{i}") for i in (1, 2, 3)
                         if confirmed.answers.get(f"priority_{i}"))  # each area once
    names = [labels.get(key) for key in keys] + [None, None, None]
    if not keys:
        return None
    return {name_field: name for (_i, name_field, _o, _t), name in zip(PRIORITIES, names,
                                                                        strict=False)}


# -- the provincial team: /admin/teams's overdue column, figures across teams ------------
# (formkit_team_columns, formkit_provincial_sections: docs/plugins.md, docs/cycle.md)


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

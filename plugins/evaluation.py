"""Evaluation Worksheet: completeness per outcome; prefill from a Workplan's outcomes;
findings per indicator; "What we learned" offered to the next cycle's Wellbeing Guide.

An outcome is complete when it has at least one evaluation question, one indicator
and one method. Who collects, when, data sources and use of results are listed as
"still to plan" when empty, but do not make an outcome incomplete.

In a team's cycle the worksheet starts from the outcomes of the same cycle's Workplan,
with the plan of each outcome the team kept from the previous cycle's worksheet. The
team records findings as they come in (one table per outcome, a row per finding, named
by the indicator it speaks to); the result shows them under their indicator, next to
the Workplan outcome they evaluate.
"""

from __future__ import annotations

from pathlib import Path

from babel.lists import format_list
from markupsafe import Markup

from formkit.api import (
    Catalog,
    CellError,
    Column,
    Prefill,
    babel_locale,
    bar_chart,
    current_locale,
    current_store,
    display_answer,
    earlier_cycle,
    find_typed_reference,
    fitting_answers,
    for_form,
    format_day,
    get_form,
    hookimpl,
    is_answered,
    team_response,
)

HERE = Path(__file__).parent
#: this plugin's own translations: locales/fr/LC_MESSAGES/evaluation.po
t = Catalog(HERE / "locales", "evaluation")

FORM_ID = "evaluation"
WORKPLAN = "workplan"
OUTCOMES = (1, 2, 3)
#: what an outcome needs to be complete, by field prefix.
REQUIRED = ("questions", "indicators", "methods")
TO_PLAN = ("data_sources", "collector", "timing", "use")
#: the questions of one outcome's plan (carried to the next cycle with the outcome).
PLAN = (*REQUIRED, *TO_PLAN)
WELLBEING = "wellbeing"
LEARNED = "learned"


def _rows(value) -> list[dict]:
    """A table's rows; anything else (unanswered, an older shape) is no row."""
    return [row for row in value if isinstance(row, dict)] if isinstance(value, list) else []


def same_text(text) -> str:
    """Text as compared for "the same": case and spacing do not count."""
    return " ".join(str(text or "").split()).casefold()


def completeness(answers: dict) -> dict:
    outcomes = []
    for n in OUTCOMES:
        outcome = answers.get(f"outcome_{n}")
        if not outcome:
            continue
        # a list of rows; anything else (unanswered, an older shape) counts no row
        counts = {part: len(rows) if isinstance(rows := answers.get(f"{part}_{n}"), list)
                  else 0 for part in REQUIRED}
        missing = [part for part in REQUIRED if counts[part] == 0]
        outcomes.append({
            "number": n,
            "outcome": outcome,
            "complete": not missing,
            "missing": missing,
            "to_plan": [part for part in TO_PLAN if not is_answered(answers.get(f"{part}_{n}"))],
            "findings": len(_rows(answers.get(f"findings_{n}"))),
            **counts,
        })
    return {
        "outcomes": outcomes,
        "complete": sum(1 for o in outcomes if o["complete"]),
        "total": len(outcomes),
    }


@hookimpl
@for_form(FORM_ID)
def formkit_score(form, answers):
    return completeness(answers)


@hookimpl
@for_form(FORM_ID)
def formkit_result_html(form, response):
    if not response.score:
        return None
    locale = current_locale()
    # Names of the parts are the form's own labels, in the reader's language.
    names = {part: form.field(f"{part}_1").label.get(locale) for part in (*REQUIRED, *TO_PLAN)}
    answers = fitting_answers(form, response.answers)
    planned = _cycle_workplan(response)
    outcomes = [{**item, "indicators_found": evidence(answers, item["number"], locale),
                 "workplan": planned and workplan_outcome(planned, item["outcome"])}
                for item in response.score.get("outcomes", [])]
    return Markup(t.render_template("evaluation/result.html", score=response.score,
                                    outcomes=outcomes, names=names,
                                    in_cycle=planned is not None))


def evidence(answers: dict, n: int, locale: str) -> dict:
    """One outcome's indicators, each with its findings (oldest first, their ``day`` in
    words), and the findings whose indicator is none of them (renamed or removed since)."""
    indicators = [dict(row, findings=[]) for row in _rows(answers.get(f"indicators_{n}"))
                  if row.get("indicator")]
    by_text = {same_text(row["indicator"]): row for row in reversed(indicators)}
    others = []
    for row in sorted(_rows(answers.get(f"findings_{n}")), key=lambda r: str(r.get("date"))):
        row = dict(row, day=_day(row.get("date"), locale))
        place = by_text.get(same_text(row.get("indicator")))
        (place["findings"] if place is not None else others).append(row)
    return {"indicators": indicators, "others": others}


def _day(value, locale: str) -> str:
    """A finding's date in words; text that is no ISO date (an import's) as it is."""
    try:
        return format_day(value, locale) if value else ""
    except (TypeError, ValueError):
        return str(value)


def _cycle_workplan(response):
    """The Workplan of the cycle ``response`` belongs to (``None``: not a team's
    response, or the cycle has no Workplan yet)."""
    store = current_store()
    slot = store.get_team_response(response.id)
    cycle = store.get_cycle(slot.cycle_id) if slot is not None else None
    if cycle is None or get_form(WORKPLAN) is None:
        return None
    return team_response(cycle, WORKPLAN)


def workplan_outcome(plan, outcome) -> dict:
    """Where ``outcome`` is in the cycle's Workplan: its priority and outcome as the
    Workplan has them now, or ``found: False`` when the Workplan no longer has it."""
    answers = fitting_answers(get_form(WORKPLAN), plan.answers)
    for n in OUTCOMES:
        if answers.get(f"outcome_{n}") and same_text(answers[f"outcome_{n}"]) == \
                same_text(outcome):
            priority = answers.get(f"priority_{n}")
            shown = display_answer(get_form(WORKPLAN), f"priority_{n}", priority) \
                if priority and get_form(WORKPLAN).has_field(f"priority_{n}") else ""
            return {"found": True, "number": n, "priority": shown,
                    "outcome": answers[f"outcome_{n}"]}
    return {"found": False}


@hookimpl
@for_form(FORM_ID)
def formkit_validate(form, section, answers):
    """A finding names one of its outcome's indicators, so that it is shown next to it."""
    number = next((n for page, n in zip(FINDINGS_PAGES, OUTCOMES, strict=True)
                   if page == section.id), None)
    if number is None:
        return None
    known = [row["indicator"] for row in _rows(answers.get(f"indicators_{number}"))
             if row.get("indicator")]
    texts = {same_text(k) for k in known}
    errors = []
    for index, row in enumerate(_rows(answers.get(f"findings_{number}"))):
        if same_text(row.get("indicator")) in texts:
            continue
        if known:
            message = t.gettext("Name one of this outcome’s indicators: %(indicators)s.",
                                indicators=format_list([f"“{k}”" if not _french() else
                                                        f"«\u00a0{k}\u00a0»" for k in known],
                                                       locale=babel_locale(current_locale())))
        else:
            message = t.gettext("Add this outcome’s indicators to its evaluation plan "
                                "first.")
        errors.append(CellError(message, row=index, column="indicator"))
    return {f"findings_{number}": errors} if errors else None


def _french() -> bool:
    return current_locale().startswith("fr")


@hookimpl
@for_form(FORM_ID)
def formkit_summarize(form, responses):
    """Across worksheets: outcomes planned and complete, and how often each method is used."""
    worksheets = outcomes = complete = 0
    methods: dict[str, int] = {}
    for response in responses:
        answers = fitting_answers(form, response.answers)  # not those of an older shape
        score = response.score or completeness(answers)
        worksheets += 1
        outcomes += score["total"]
        complete += score["complete"]
        for n in OUTCOMES:
            for method in answers.get(f"methods_{n}") or []:
                methods[method] = methods.get(method, 0) + 1
    return {"worksheets": worksheets, "outcomes": outcomes, "complete": complete,
            "methods": dict(sorted(methods.items(), key=lambda i: -i[1]))}


@hookimpl
@for_form(FORM_ID)
def formkit_response_columns(form):
    return [
        Column("complete", t.gettext("Outcomes complete"),
               lambda r: (r.score or {}).get("complete"), shown=str),
        Column("outcomes", t.gettext("Outcomes"), lambda r: (r.score or {}).get("total")),
    ]


@hookimpl
@for_form(FORM_ID)
def formkit_summary_html(form, summary):
    locale = current_locale()
    methods_field = form.field("methods_1")
    methods = [(methods_field.kind.display(methods_field, [key], locale), count)
               for key, count in summary["methods"].items()]
    chart = bar_chart(methods, maximum=max([c for _k, c in methods] or [1]),
                      title=t.gettext("Methods planned, across outcomes")) if methods else None
    return Markup(t.render_template("evaluation/summary.html", summary=summary, chart=chart))


@hookimpl
@for_form(FORM_ID)
def formkit_prefill(form, args, team, cycle, previous):
    """In a team's cycle: the cycle's Workplan outcomes (and the plans kept from the
    previous cycle's worksheet). Elsewhere, ``?from=<Workplan reference>``: the
    workplan's outcomes become ours."""
    if team is not None and cycle is not None:
        return from_cycle(team, cycle, (previous or {}).get(FORM_ID))
    if not args.get("from") or get_form(WORKPLAN) is None:
        return None
    plan = find_typed_reference(str(args["from"]))  # a reference or an old id, misses counted
    if plan is None or plan.form_id != WORKPLAN or not plan.is_submitted:
        return None
    answers = {"workplan_reference": plan.shown_reference,
               "team_name": plan.answers.get("team_name")}
    for n in OUTCOMES:
        answers[f"outcome_{n}"] = plan.answers.get(f"outcome_{n}")
    source = t.gettext("your Workplan (%(team)s, reference %(reference)s)",
               team=plan.answers.get("team_name") or "", reference=plan.shown_reference)
    return Prefill({k: v for k, v in answers.items() if v}, source=source)


def from_cycle(team, cycle, earlier) -> Prefill | None:
    """The cycle's Workplan outcomes and team name; for each outcome the previous
    cycle's worksheet also evaluated (the same words), its plan. Findings and what was
    learned stay with their cycle."""
    plan = team_response(cycle, WORKPLAN) if get_form(WORKPLAN) is not None else None
    # only answers that fit the forms as they are now (not an older shape's)
    planned = fitting_answers(get_form(WORKPLAN), plan.answers) if plan is not None else {}
    outcomes = [planned.get(f"outcome_{n}") for n in OUTCOMES]
    before = fitting_answers(get_form(FORM_ID), earlier.answers) if earlier is not None \
        else {}
    if not any(outcomes):  # no Workplan outcome yet: last cycle's outcomes, if any
        outcomes = [before.get(f"outcome_{n}") for n in OUTCOMES]
        plan = None
    answers = {"team_name": planned.get("team_name") or before.get("team_name") or team.name}
    kept = {same_text(before.get(f"outcome_{n}")): n for n in OUTCOMES
            if before.get(f"outcome_{n}")}
    carried = False
    for n, outcome in zip(OUTCOMES, outcomes, strict=True):
        answers[f"outcome_{n}"] = outcome
        m = kept.get(same_text(outcome)) if outcome else None
        if m is not None:
            for part in PLAN:
                answers[f"{part}_{n}"] = before.get(f"{part}_{m}")
                carried = carried or is_answered(before.get(f"{part}_{m}"))
    answers = {k: v for k, v in answers.items() if is_answered(v)}
    if not answers:
        return None
    sources = []
    if plan is not None:
        sources.append(t.gettext("your Workplan of this cycle (%(label)s)", label=cycle.label))
    if carried or (plan is None and earlier is not None):
        previous_cycle = earlier_cycle(team, cycle)
        sources.append(t.gettext("your Evaluation Worksheet of the cycle %(label)s",
                                 label=previous_cycle.label if previous_cycle else ""))
    if not sources:
        sources.append(t.gettext("your team’s record"))
    return Prefill(answers, source=format_list(sources, locale=babel_locale(current_locale())))


#: the page of each outcome, and the answer that states the outcome.
OUTCOME_PAGES = {f"outcome_{word}": f"outcome_{n}"
                 for n, word in zip(OUTCOMES, ("one", "two", "three"), strict=True)}
#: the findings page of each outcome, and the answer that states the outcome.
FINDINGS_PAGES = {f"findings_{word}": f"outcome_{n}"
                  for n, word in zip(OUTCOMES, ("one", "two", "three"), strict=True)}
HEADING_LENGTH = 80


@hookimpl
@for_form(FORM_ID)
def formkit_page_heading(form, section, answers):
    """An outcome's pages are headed by the outcome they evaluate (shortened when long)."""
    source = OUTCOME_PAGES.get(section.id) or FINDINGS_PAGES.get(section.id, "")
    outcome = " ".join(str(answers.get(source) or "").split())
    if not outcome:
        return None
    if len(outcome) > HEADING_LENGTH:
        outcome = outcome[:HEADING_LENGTH].rsplit(" ", 1)[0] + "…"
    if section.id in FINDINGS_PAGES:
        return t.gettext("Findings — %(outcome)s", outcome=outcome)
    return t.gettext("Evaluation plan — %(outcome)s", outcome=outcome)


# -- "What we learned", offered to the next cycle's Wellbeing Guide -------------------
@hookimpl
@for_form(WELLBEING)
def formkit_cycle_notes(form, team, cycle, viewer):
    """Above the Wellbeing Guide of a cycle: what the team learned in the cycle before
    (its Evaluation Worksheet's "What we learned"), as a starting point. Shown to the
    team's members and to coordinators who may read Evaluation Worksheets."""
    may_read = viewer.member is not None or (
        viewer.user is not None and viewer.user.may_see(FORM_ID))
    before = earlier_cycle(team, cycle) if may_read else None
    evaluation = team_response(before, FORM_ID) if before is not None else None
    learned = str((evaluation.answers if evaluation else {}).get(LEARNED) or "").strip()
    if not learned:
        return None
    paragraphs = [p.strip() for p in learned.replace("\r\n", "\n").split("\n\n")
                  if p.strip()]
    return Markup(t.render_template("evaluation/learned_note.html", cycle=before,
                                    paragraphs=paragraphs))

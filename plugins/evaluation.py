"""Evaluation Worksheet: completeness per outcome; prefill from a Workplan's outcomes.

An outcome is complete when it has at least one evaluation question, one indicator
and one method. Who collects, when, data sources and use of results are listed as
"still to plan" when empty, but do not make an outcome incomplete.
"""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from formkit.api import (
    Catalog,
    Column,
    Prefill,
    bar_chart,
    current_locale,
    find_typed_reference,
    fitting_answers,
    for_form,
    get_form,
    hookimpl,
    is_answered,
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
    return Markup(t.render_template("evaluation/result.html", score=response.score, names=names))


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
def formkit_prefill(form, args):
    """``?from=<Workplan reference>``: the workplan's outcomes become ours."""
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


#: the page of each outcome, and the answer that states the outcome.
OUTCOME_PAGES = {f"outcome_{word}": f"outcome_{n}"
                 for n, word in zip(OUTCOMES, ("one", "two", "three"), strict=True)}
HEADING_LENGTH = 80


@hookimpl
@for_form(FORM_ID)
def formkit_page_heading(form, section, answers):
    """An outcome's page is headed by the outcome it evaluates (shortened when long)."""
    outcome = " ".join(str(answers.get(OUTCOME_PAGES.get(section.id, "")) or "").split())
    if not outcome:
        return None
    if len(outcome) > HEADING_LENGTH:
        outcome = outcome[:HEADING_LENGTH].rsplit(" ", 1)[0] + "…"
    return t.gettext("Evaluation plan — %(outcome)s", outcome=outcome)

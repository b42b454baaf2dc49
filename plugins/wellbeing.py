"""Wellbeing Guide: a priority score per wellbeing area, ranked, with a chart.

For each area, from the team's three ratings on a scale of 1 to P (P = 5):

    priority = 100 × (P − strength) × importance × readiness / ((P − 1) × P × P)

which for P = 5 is simply (5 − strength) × importance × readiness, from 0 to 100. An
area is a priority when it is weak, matters, and the team can act on it. Areas rated
"not applicable" on any of the three are left out of the ranking. Ties are broken by
importance, then by the size of the gap, then by the order of the form. The top three
(with a score above 0) are the priorities; areas rated 4 or more for strength are the
strengths to build on.
"""

from __future__ import annotations

from pathlib import Path

from babel.numbers import format_decimal
from flask import url_for
from markupsafe import Markup

from formkit.api import (
    SUBMITTED,
    Catalog,
    Column,
    babel_locale,
    bar_chart,
    current_locale,
    for_form,
    get_form,
    hookimpl,
)

HERE = Path(__file__).parent
#: this plugin's own translations: locales/fr/LC_MESSAGES/wellbeing.po
t = Catalog(HERE / "locales", "wellbeing")

FORM_ID = "wellbeing"
RATINGS = ("strength", "importance", "readiness")
TOP = 3
STRONG = 4


def area_scores(form, answers: dict) -> dict:
    """The score stored with a response: every area, ranked."""
    spec = form.field("strength")
    points = spec.options["points"]
    full = (points - 1) * points * points
    rated, unrated = [], []
    for index, (key, _text) in enumerate(spec.options["rows"]):
        values = [ratings.get(key) if isinstance(ratings := answers.get(rating), dict)
                  else None for rating in RATINGS]  # not a matrix: an older shape
        if not all(isinstance(v, int) for v in values):
            unrated.append({"key": key, "strength": values[0], "importance": values[1],
                            "readiness": values[2], "priority": None})
            continue
        strength, importance, readiness = values
        priority = round(100 * (points - strength) * importance * readiness / full, 1)
        rated.append({"key": key, "strength": strength, "importance": importance,
                      "readiness": readiness, "priority": priority, "_order": index})
    rated.sort(key=lambda a: (-a["priority"], -a["importance"], a["strength"], a["_order"]))
    for rank, area in enumerate(rated, start=1):
        area["rank"] = rank
        del area["_order"]
    strengths = sorted((a for a in rated if a["strength"] >= STRONG),
                       key=lambda a: (-a["strength"], -a["importance"], a["rank"]))
    strengths += [a for a in unrated if isinstance(a["strength"], int)
                  and a["strength"] >= STRONG]
    return {
        "formula": "100 * (P - strength) * importance * readiness / ((P - 1) * P * P)",
        "points": points,
        "areas": rated + unrated,
        "top_priorities": [a["key"] for a in rated if a["priority"] > 0][:TOP],
        "strengths": [a["key"] for a in strengths],
        "not_rated": [a["key"] for a in unrated],
    }


def area_labels(form, locale: str) -> dict[str, str]:
    return {key: text.get(locale) for key, text in form.field("strength").options["rows"]}


@hookimpl
@for_form(FORM_ID)
def formkit_score(form, answers):
    return area_scores(form, answers)


@hookimpl
@for_form(FORM_ID)
def formkit_result_html(form, response):
    if not response.score:
        return None
    locale = current_locale()
    labels = area_labels(form, locale)
    score = response.score
    ranked = [a for a in score["areas"] if a["priority"] is not None]
    chart = bar_chart(
        [(labels[a["key"]], a["priority"]) for a in ranked],
        maximum=100, highlight=len(score["top_priorities"]),
        title=t.gettext("Priority score of each area, from 0 to 100"),
        value_label=lambda v: format_decimal(v, locale=babel_locale(locale)),
    )
    workplan = None
    if response.id and response.status == SUBMITTED and get_form("workplan") is not None:
        workplan = url_for("respond.start", form_id="workplan",
                           **{"from": response.shown_reference})
    return Markup(t.render_template("wellbeing/result.html", score=score, labels=labels,
                                    ranked=ranked, chart=chart, workplan=workplan,
                                    by_key={a["key"]: a for a in score["areas"]},
                                    reference=response.shown_reference))


@hookimpl
@for_form(FORM_ID)
def formkit_response_columns(form):
    labels = lambda: area_labels(form, current_locale())  # noqa: E731 - per request

    def top(response, index=0):
        keys = (response.score or {}).get("top_priorities") or []
        return keys[index] if len(keys) > index else None

    return [
        Column("top_priority", t.gettext("Top priority"), top, shown=lambda k: labels().get(k, k)),
        Column("top_score", t.gettext("Its score"), lambda r: next(
            (a["priority"] for a in (r.score or {}).get("areas", []) if a["key"] == top(r)),
            None), shown=lambda v: format_decimal(v, locale=babel_locale(current_locale()))),
    ]


@hookimpl
@for_form(FORM_ID)
def formkit_summary_html(form, summary):
    locale = current_locale()
    labels = area_labels(form, locale)
    areas = summary["areas"]
    chart = bar_chart([(labels[a["key"]], a["top_priority_count"]) for a in areas],
                      maximum=max(summary["teams"], 1), highlight=3,
                      title=t.gettext("How many teams name each area a top priority"))
    return Markup(t.render_template("wellbeing/summary.html", summary=summary, labels=labels,
                                    chart=chart))


@hookimpl
@for_form(FORM_ID)
def formkit_pdf_sections(form, response):
    """A short narrative the team can paste into a report."""
    if not response.score:
        return None
    labels = area_labels(form, current_locale())
    joined = lambda keys: ", ".join(labels[k] for k in keys)  # noqa: E731
    return [Markup(t.render_template(
        "wellbeing/pdf_next_steps.html", answers=response.answers,
        priorities=joined(response.score["top_priorities"]),
        strengths=joined(response.score["strengths"]),
    ))]


@hookimpl
@for_form(FORM_ID)
def formkit_summarize(form, responses):
    """Across teams: how often each area is a top priority, and its mean score."""
    totals: dict[str, list[float]] = {}
    top_counts: dict[str, int] = {}
    teams = 0
    for response in responses:
        score = response.score or area_scores(form, response.answers)
        teams += 1
        for area in score["areas"]:
            if area["priority"] is not None:
                totals.setdefault(area["key"], []).append(area["priority"])
        for key in score["top_priorities"]:
            top_counts[key] = top_counts.get(key, 0) + 1
    areas = [
        {"key": key, "teams_rating": len(values),
         "mean_priority": round(sum(values) / len(values), 1),
         "top_priority_count": top_counts.get(key, 0)}
        for key, values in totals.items()
    ]
    areas.sort(key=lambda a: (-a["top_priority_count"], -a["mean_priority"]))
    return {"teams": teams, "areas": areas}


# -- finding peers: what a team works on (formkit_team_tags) -----------------------------

#: the team form where the lead confirms the cycle's priorities (forms/priorities.yaml).
PRIORITIES_FORM = "priorities"


@hookimpl
def formkit_team_tags(team, cycle):
    """The priority areas the team's lead confirmed (``priority_1..3`` of the
    ``priorities`` form), labelled as the Wellbeing Guide's rows in the current language:
    those of ``cycle``, or, while a new cycle has none confirmed yet, of the latest
    earlier cycle that has (a team keeps working on them); ``None`` when none has."""
    # Imported here so that this addition stands apart from the rest of the plugin.
    from formkit.api import earlier_cycle, team_response

    form = get_form(FORM_ID)
    if form is None:
        return None
    labels = area_labels(form, current_locale())
    while cycle is not None:
        response = team_response(cycle, PRIORITIES_FORM)
        answers = response.answers if response is not None else {}
        keys = [answers.get(f"priority_{n}") for n in range(1, TOP + 1)]
        tags = [(key, labels[key]) for key in dict.fromkeys(keys) if key in labels]
        if tags:
            return tags
        cycle = earlier_cycle(team, cycle)
    return None

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


# -- the provincial team: figures across teams (formkit_provincial_sections) -------------
# The most common priority areas come from the teams' confirmed priorities (the
# ``priorities`` team form: priority_1..3, each an area key); the wellbeing profile from
# the members' ratings (member scope) or, for a team that rated together, the team's
# one response. Each team counts once: a region's or the province's mean of an area is
# the mean of its teams' means (members' ratings of "not applicable" left out), so a
# large team does not outweigh a small one.
from formkit.api import (  # noqa: E402 - this part's own names, kept with it
    EMPTY,
    ProvincialSection,
    fitted_table,
    format_mean,
    format_number,
)

PRIORITIES_FORM = "priorities"
PRIORITY_FIELDS = ("priority_1", "priority_2", "priority_3")


def chosen_areas(answers: dict, areas: list[str]) -> list[str]:
    """The distinct wellbeing areas a team confirmed as its priorities, in its order."""
    found: list[str] = []
    for name in PRIORITY_FIELDS:
        key = answers.get(name)
        if isinstance(key, str) and key in areas and key not in found:
            found.append(key)
    return found


def priority_counts(answers_of_teams: list[dict], areas: list[str]) -> dict[str, int]:
    """How many teams chose each area as a priority (areas no team chose are left out)."""
    counts: dict[str, int] = {}
    for answers in answers_of_teams:
        for key in chosen_areas(answers, areas):
            counts[key] = counts.get(key, 0) + 1
    return counts


def team_profile(voices: list[dict], areas: list[str]) -> dict[str, dict[str, float]]:
    """A team's mean of each rating per area over its voices' answers (``{area:
    {rating: mean}}``; a rating nobody gave is absent)."""
    sums: dict[tuple[str, str], list[int]] = {}
    for answers in voices:  # one pass over each voice's three matrices
        for rating in RATINGS:
            matrix = answers.get(rating)
            if not isinstance(matrix, dict):  # not a matrix: an older shape
                continue
            for key, value in matrix.items():
                if type(value) is int:  # not "not applicable" (nor a bool)
                    total = sums.setdefault((key, rating), [0, 0])
                    total[0] += value
                    total[1] += 1
    profile: dict[str, dict[str, float]] = {}
    for key in areas:
        for rating in RATINGS:
            if (key, rating) in sums:
                total, count = sums[key, rating]
                profile.setdefault(key, {})[rating] = total / count
    return profile


def group_profile(profiles: list[dict], areas: list[str]) -> dict[str, dict[str, float]]:
    """The mean of the teams' means, per area and rating (over the teams that gave it)."""
    found: dict[str, dict[str, float]] = {}
    for key in areas:
        for rating in RATINGS:
            given = [p[key][rating] for p in profiles if rating in p.get(key, {})]
            if given:
                found.setdefault(key, {})[rating] = sum(given) / len(given)
    return found


def team_voices(figures) -> dict[str, list[dict]]:
    """Each team's wellbeing answers: its members' submitted responses, or else the
    team's own response (the Guide rated together)."""
    members = figures.member_responses(FORM_ID)
    shared = figures.team_responses(FORM_ID)
    voices = {team_id: [r.answers for r in found] for team_id, found in members.items()}
    for team_id, response in shared.items():
        voices.setdefault(team_id, [response.answers])
    return voices


def _priority_section(figures, labels: dict, areas: list[str]) -> Markup:
    confirmed = figures.team_responses(PRIORITIES_FORM)
    number = lambda v: format_number(v, figures.locale)  # noqa: E731
    scope = [confirmed[t.id].answers for t in figures.region_teams if t.id in confirmed]
    counts = priority_counts(scope, areas)
    province = priority_counts([r.answers for r in confirmed.values()], areas)
    order = sorted(counts, key=lambda k: (-counts[k], areas.index(k)))
    chart = bar_chart([(labels[k], counts[k]) for k in order], maximum=max(len(scope), 1),
                      title=t.gettext("How many teams chose each area as a priority")
                      ) if order else None
    headers = [t.gettext("Area"), t.gettext("Teams")]
    if figures.region:
        headers = [t.gettext("Area"), figures.region, t.gettext("Province")]
    rows = [[labels[k], number(counts[k]), *([number(province.get(k, 0))]
                                             if figures.region else [])] for k in order]
    table = fitted_table(t.gettext("Teams that chose each area as a priority"), headers,
                         rows) if rows else None
    team = figures.team
    mine = chosen_areas(confirmed[team.id].answers, areas) \
        if team is not None and team.id in confirmed else None
    return Markup(t.render_template(
        "wellbeing/provincial_priorities.html", chart=chart, table=table,
        confirmed=len(scope), teams=len(figures.region_teams), team=team,
        mine=[labels[k] for k in mine] if mine is not None else None))


def _profile_table(caption: str, first: tuple[str, dict], second: tuple[str, dict] | None,
                   labels: dict, areas: list[str], locale: str) -> Markup:
    mean = lambda v: EMPTY if v is None else format_mean(round(v, 2), locale)  # noqa: E731
    names = {"strength": t.gettext("Strength"), "importance": t.gettext("Importance"),
             "readiness": t.gettext("Readiness")}
    groups = [first, *([second] if second else [])]
    headers = [t.gettext("Area")] + [
        f"{names[rating]} — {name}" if second else names[rating]
        for rating in RATINGS for name, _profile in groups]
    rows = [[labels[key]] + [mean(profile.get(key, {}).get(rating))
                             for rating in RATINGS for _name, profile in groups]
            for key in areas if any(key in profile for _name, profile in groups)]
    return fitted_table(caption, headers, rows)


def _profile_section(figures, labels: dict, areas: list[str]) -> Markup:
    voices = team_voices(figures)
    profiles = {team_id: team_profile(answers, areas) for team_id, answers in voices.items()}
    province = group_profile(list(profiles.values()), areas)
    in_region = [profiles[t.id] for t in figures.region_teams if t.id in profiles]
    region = group_profile(in_region, areas) if figures.region else None
    scope = region if region is not None else province
    mean = lambda v: format_mean(round(v, 2), figures.locale)  # noqa: E731
    ordered = [k for k in areas if "strength" in scope.get(k, {})]
    chart = bar_chart([(labels[k], scope[k]["strength"]) for k in ordered], maximum=5,
                      title=t.gettext("Mean current strength of each area, from 1 to 5"),
                      value_label=mean) if ordered else None
    if figures.region:
        table = _profile_table(
            t.gettext("Mean ratings of each area, %(region)s and the province",
                      region=figures.region),
            (figures.region, region), (t.gettext("Province"), province), labels, areas,
            figures.locale)
    else:
        table = _profile_table(t.gettext("Mean ratings of each area in the province"),
                               (t.gettext("Province"), province), None, labels, areas,
                               figures.locale)
    team = figures.team
    compared = None
    if team is not None:
        compared = _profile_table(
            t.gettext("%(team)s compared with the provincial average", team=team.name),
            (team.name, profiles.get(team.id, {})), (t.gettext("Province"), province),
            labels, areas, figures.locale)
    return Markup(t.render_template(
        "wellbeing/provincial_profile.html", chart=chart, compared=compared,
        table=table if province else None,
        team=team, has_ratings=team is not None and bool(profiles.get(team.id)),
        rated=len(in_region), teams=len(figures.region_teams),
        voices=sum(len(voices[t.id]) for t in figures.region_teams if t.id in voices)))


@hookimpl
def formkit_provincial_sections(figures):
    """The most common priority areas, and the wellbeing profile of the region against
    the province (and of the chosen team against the province)."""
    form = get_form(FORM_ID)
    if form is None:
        return None
    labels = area_labels(form, figures.locale)
    areas = [key for key, _text in form.field("strength").options["rows"]]
    sections = []
    if get_form(PRIORITIES_FORM) is not None:  # contract 2; without it, no such section
        sections.append(ProvincialSection(
            10, t.gettext("Most common priority areas"),
            _priority_section(figures, labels, areas), PRIORITIES_FORM))
    sections.append(ProvincialSection(
        20, t.gettext("Wellbeing profile"), _profile_section(figures, labels, areas),
        FORM_ID))
    return sections

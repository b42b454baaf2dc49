"""Wellbeing Guide: a priority score per wellbeing area, ranked, with a chart; the team's
view of its members' ratings; the priorities the team's lead confirms (form
``priorities``).

For each area, from the team's three ratings on a scale of 1 to P (P = 5):

    priority = 100 × (P − strength) × importance × readiness / ((P − 1) × P × P)

which for P = 5 is simply (5 − strength) × importance × readiness, from 0 to 100. An
area is a priority when it is weak, matters, and the team can act on it. Areas rated
"not applicable" on any of the three are left out of the ranking. Ties are broken by
importance, then by the size of the gap, then by the order of the form. The top three
(with a score above 0) are the priorities; areas rated 4 or more for strength are the
strengths to build on.

**Several voices** (docs/forms/wellbeing.md): each member of a team rates the areas (the
form has ``scope: member``). The team's view (:func:`team_aggregate`), from 2 submitted
members (``team_minimum: 2``), gives per area and rating the members' mean, lowest,
highest and standard deviation (population), and the same priority formula applied to
the three means gives the team's ranking. An area is flagged "we see this differently"
when, on any of its three ratings, the highest and the lowest rating of the members
differ by :data:`DIFFER` (2) points or more. In a later cycle the view shows, per area,
how the mean strength changed since the previous cycle.

**Confirmed priorities**: the team-scope form ``priorities`` (``editors: leads``) opens
with the top three of the team's ranking; the lead may choose other areas, and must then
give a reason. The Workplan of the cycle starts from them (plugins/workplan.py).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

from babel.numbers import format_decimal
from flask import url_for
from markupsafe import Markup

from formkit.api import (
    EMPTY,
    SUBMITTED,
    Catalog,
    Column,
    ProvincialSection,
    aggregate_minimum,
    babel_locale,
    bar_chart,
    change_chart,
    current_locale,
    current_store,
    current_team_cycle,
    earlier_cycle,
    fitted_table,
    for_form,
    format_mean,
    format_number,
    get_form,
    hookimpl,
    member_responses,
    team_response,
)

HERE = Path(__file__).parent
#: this plugin's own translations: locales/fr/LC_MESSAGES/wellbeing.po
t = Catalog(HERE / "locales", "wellbeing")

FORM_ID = "wellbeing"
#: the team-scope form in which the team's lead confirms its priorities.
PRIORITIES_ID = "priorities"
PRIORITY_FIELDS = ("priority_1", "priority_2", "priority_3")
RATINGS = ("strength", "importance", "readiness")
TOP = 3
STRONG = 4
#: members "see an area differently" when their ratings of it (on any of the three
#: ratings) are this many points apart or more, e.g. one rates it 2 and another 4.
DIFFER = 2


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
    in_team = current_team_cycle()[0] is not None  # a team's Workplan starts from its
    # confirmed priorities, not from one member's ratings
    if (response.id and response.status == SUBMITTED and get_form("workplan") is not None
            and not in_team):
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
    """The coordinators' summary: one chart (how many ratings name each area a top
    priority) and one table (the mean ratings and the priority score from them)."""
    locale = current_locale()
    labels = area_labels(form, locale)
    by_key = {a["key"]: a for a in summary["areas"]}
    areas = [by_key[key] for key in summary["by_count"]]
    chart = bar_chart([(labels[a["key"]], a["top_priority_count"]) for a in areas],
                      maximum=max(summary["responses"], 1), highlight=3,
                      title=t.gettext("How many ratings name each area a top priority"))
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
    """Over the given responses (a team's members', or every response for the
    coordinators), in one pass: :func:`team_aggregate`, and per area how many responses
    name it among their own top priorities."""
    top_counts: dict[str, int] = {}

    def answers():
        for response in responses:
            score = response.score or area_scores(form, response.answers)
            for key in score["top_priorities"]:
                top_counts[key] = top_counts.get(key, 0) + 1
            yield response.answers

    summary = team_aggregate(form, answers())
    for area in summary["areas"]:
        area["top_priority_count"] = top_counts.get(area["key"], 0)
    summary["by_count"] = [a["key"] for a in sorted(
        summary["areas"], key=lambda a: (-a["top_priority_count"], -(
            a["priority"] if a["priority"] is not None else -1)))]
    return summary


class _Tally:
    """One area's numbers on one rating, added one at a time ("not applicable" left
    out): how many, their sum and sum of squares, the lowest and the highest."""

    def __init__(self) -> None:
        self.n, self.total, self.squares = 0, 0, 0
        self.low: int | None = None
        self.high: int | None = None

    def add(self, value) -> None:
        if not isinstance(value, int) or isinstance(value, bool):
            return
        self.n += 1
        self.total += value
        self.squares += value * value
        self.low = value if self.low is None else min(self.low, value)
        self.high = value if self.high is None else max(self.high, value)

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    def spread(self) -> dict:
        """Mean, lowest, highest, standard deviation (of these people: divided by their
        number), and whether the lowest and highest are :data:`DIFFER` points apart."""
        if not self.n:
            return {"n": 0, "mean": None, "min": None, "max": None, "sd": None,
                    "differ": False}
        mean = self.total / self.n
        sd = math.sqrt(max(self.squares / self.n - mean * mean, 0.0))
        return {"n": self.n, "mean": round(mean, 2), "min": self.low, "max": self.high,
                "sd": round(sd, 2), "differ": self.high - self.low >= DIFFER}


def team_aggregate(form, answer_sets: Iterable[dict]) -> dict:
    """Several people's ratings together, in one pass: per area the spread of each
    rating (:meth:`_Tally.spread`), the priority score from the three exact means (the
    formula of :func:`area_scores`, to one decimal), the ratings members see
    differently, and the ranking (ties as in :func:`area_scores`, on the means). An area
    without a number on one of its ratings (all said "not applicable") is not ranked."""
    spec = form.field("strength")
    points = spec.options["points"]
    full = (points - 1) * points * points
    keys = [key for key, _text in spec.options["rows"]]
    tallies = {(key, rating): _Tally() for key in keys for rating in RATINGS}
    count = 0
    for answers in answer_sets:
        count += 1
        for rating in RATINGS:
            given = answers.get(rating)
            if isinstance(given, dict):  # not a matrix: an older shape
                for key in keys:
                    tallies[key, rating].add(given.get(key))
    rated, unrated = [], []
    for index, key in enumerate(keys):
        area: dict = {"key": key, **{r: tallies[key, r].spread() for r in RATINGS}}
        area["differ"] = [r for r in RATINGS if area[r]["differ"]]
        means = [tallies[key, r].mean for r in RATINGS]
        if None in means:
            area["priority"] = None
            unrated.append(area)
            continue
        strength, importance, readiness = means
        area["priority"] = round(100 * (points - strength) * importance * readiness / full, 1)
        area["_order"] = index
        rated.append(area)
    rated.sort(key=lambda a: (-a["priority"], -a["importance"]["mean"],
                              a["strength"]["mean"], a["_order"]))
    for rank, area in enumerate(rated, start=1):
        area["rank"] = rank
        del area["_order"]
    return {
        "responses": count,
        "points": points,
        "areas": rated + unrated,
        "top_priorities": [a["key"] for a in rated if a["priority"] > 0][:TOP],
        "differ": [a["key"] for a in rated + unrated if a["differ"]],
    }


def strength_changes(summary: dict, previous: dict) -> list[dict]:
    """Per area (in the form's order), the team's mean strength in the previous cycle
    and now, and the change (now − then, to two decimals; ``None`` when either cycle
    has no rating of it)."""
    before = {a["key"]: a["strength"]["mean"] for a in previous["areas"]}
    now = {a["key"]: a["strength"]["mean"] for a in summary["areas"]}
    rows = []
    for key, _text in get_form(FORM_ID).field("strength").options["rows"]:
        then, current = before.get(key), now.get(key)
        change = round(current - then, 2) if then is not None and current is not None \
            else None
        rows.append({"key": key, "previous": then, "current": current, "change": change})
    return rows


def signed(value: float, locale: str) -> str:
    """A change with its sign: ``+1.5``, ``−0.5`` (minus sign), ``0.0``."""
    sign = "+" if value > 0 else ("\u2212" if value < 0 else "")
    return sign + format_mean(abs(value), locale)


def change_words(value: float) -> str:
    if value > 0:
        return t.gettext("stronger")
    if value < 0:
        return t.gettext("weaker")
    return t.gettext("no change")


@hookimpl
@for_form(FORM_ID)
def formkit_team_summary_html(form, summary, previous, team, cycle):
    """The team's view: its ranking from the members' means, the spread and the areas
    the members see differently; in a later cycle the change since the previous one."""
    locale = current_locale()
    labels = area_labels(form, locale)
    ranked = [a for a in summary["areas"] if a["priority"] is not None]
    chart = bar_chart(
        [(labels[a["key"]], a["priority"]) for a in ranked], maximum=100,
        highlight=len(summary["top_priorities"]),
        title=t.gettext("Priority score of each area, from the team’s mean ratings"),
        value_label=lambda v: format_decimal(v, locale=babel_locale(locale)))
    changes = change = before = None
    if previous is not None:
        before = earlier_cycle(team, cycle)
        changes = strength_changes(summary, previous)
        drawn = [r for r in changes if r["change"] is not None]
        change = change_chart(
            [(labels[r["key"]], r["change"]) for r in drawn], maximum=4,
            title=t.gettext("Change in the team’s mean strength of each area since the "
                            "previous cycle"),
            value_label=lambda v: signed(v, locale)) if drawn else None
    priorities = None
    if get_form(PRIORITIES_ID) is not None:
        priorities = url_for("teams.cycles.response", slug=team.slug, number=cycle.number,
                             form_id=PRIORITIES_ID)
    return Markup(t.render_template(
        "wellbeing/team.html", summary=summary, labels=labels, ranked=ranked, chart=chart,
        unrated=[a for a in summary["areas"] if a["priority"] is None],
        changes=changes, change=change, before=before, priorities=priorities,
        mean=lambda v: "—" if v is None else format_mean(v, locale),
        signed=lambda v: signed(v, locale), words=change_words,
        rating_names={"strength": t.gettext("strength"),
                      "importance": t.gettext("importance"),
                      "readiness": t.gettext("readiness")}))


def team_ranking(cycle) -> dict | None:
    """The team's aggregate of the Wellbeing Guide in ``cycle``, or ``None`` while fewer
    members than the form's minimum have submitted theirs."""
    form = get_form(FORM_ID)
    if form is None or cycle is None:
        return None
    responses = member_responses(cycle, FORM_ID)
    if len(responses) < aggregate_minimum(form):
        return None
    return team_aggregate(form, [r.answers for r in responses])


def confirmed_areas(cycle) -> list[str]:
    """The area keys the team's lead confirmed in ``cycle`` (form ``priorities``), in
    order; ``[]`` when none are."""
    response = team_response(cycle, PRIORITIES_ID) if cycle is not None else None
    return chosen_areas(response.answers) if response is not None else []


def chosen_areas(answers: dict) -> list[str]:
    """The areas of ``priority_1`` to ``priority_3`` in order, each once: an area chosen
    again lower down is the same priority, not a second one."""
    return list(dict.fromkeys(answers[f] for f in PRIORITY_FIELDS if answers.get(f)))


# (a plugin's answers win over the built-in carry-over of the previous cycle's: the
# Team record, not last year's answer, names the team)
@hookimpl(specname="formkit_prefill")
@for_form(FORM_ID)
def prefill_team(form, team):
    """A member's Guide names their team as its record says (the region when it is one
    of the form's), with the team's lead as the contact person."""
    if team is None:
        return None
    answers = {"team_name": team.name, "community": team.community or None}
    wanted = (team.region or "").strip().casefold()
    for key, text in form.field("region").options.get("choices", []):
        if wanted and wanted in (key, text.en.casefold(), text.fr.casefold()):
            answers["region"] = key
    lead = next((m for m in current_store().list_members(team.id) if m.is_lead), None)
    if lead is not None:
        answers.update(contact_name=lead.name, contact_email=lead.email)
    return {k: v for k, v in answers.items() if v}


@hookimpl(specname="formkit_prefill")
@for_form(PRIORITIES_ID)
def prefill_priorities(form, cycle):
    """The confirmed priorities open with the top three of the team's ranking."""
    ranking = team_ranking(cycle)
    if ranking is None:
        return None
    return dict(zip(PRIORITY_FIELDS, ranking["top_priorities"], strict=False))


@hookimpl(specname="formkit_validate")
@for_form(PRIORITIES_ID)
def validate_priorities(form, section, answers):
    """Other areas than the team's top three need a reason (an area chosen twice
    counts once: see :func:`chosen_areas`)."""
    if PRIORITY_FIELDS[0] not in {spec.id for spec in section.fields}:
        return None
    errors: dict[str, list[str]] = {}
    ranking = team_ranking(current_team_cycle()[1])
    top = set(ranking["top_priorities"]) if ranking is not None else set()
    if top and set(chosen_areas(answers)) != top and not (answers.get("reason") or "").strip():
        labels = area_labels(get_form(FORM_ID), current_locale())
        errors["reason"] = [t.gettext(
            "These are not the top three areas of the team’s ranking (%(areas)s): say why "
            "the team chose them, or choose those areas.",
            areas=", ".join(labels[k] for k in ranking["top_priorities"]))]
    return errors


@hookimpl(specname="formkit_score")
@for_form(PRIORITIES_ID)
def score_priorities(form, answers):
    """The confirmed areas, in order (so the page shows them beside the ranking)."""
    return {"priorities": chosen_areas(answers)}


@hookimpl(specname="formkit_result_html")
@for_form(PRIORITIES_ID)
def priorities_html(form, response):
    """The team's ranking for reference, the confirmed areas marked in words."""
    if get_form(FORM_ID) is None:  # the areas are the Guide's
        return None
    team, cycle = current_team_cycle()
    labels = area_labels(get_form(FORM_ID), current_locale())
    confirmed = (response.score or {}).get("priorities") or []
    ranking = team_ranking(cycle)
    minimum = aggregate_minimum(get_form(FORM_ID)) if cycle is not None else None
    return Markup(t.render_template(
        "wellbeing/priorities.html", labels=labels, confirmed=confirmed, ranking=ranking,
        in_team=team is not None, minimum=minimum,
        ranked=[a for a in (ranking or {}).get("areas", []) if a["priority"] is not None]))


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


# -- the provincial team: figures across teams (formkit_provincial_sections) -------------
# The most common priority areas come from the teams' confirmed priorities (the
# ``priorities`` team form: priority_1..3, each an area key); the wellbeing profile from
# the members' ratings (member scope) or, for a team that rated together, the team's
# one response. Each team counts once: a region's or the province's mean of an area is
# the mean of its teams' means (members' ratings of "not applicable" left out), so a
# large team does not outweigh a small one.

PRIORITIES_FORM = "priorities"
PRIORITY_FIELDS = ("priority_1", "priority_2", "priority_3")


def known_chosen_areas(answers: dict, areas: list[str]) -> list[str]:
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
        for key in known_chosen_areas(answers, areas):
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
    mine = known_chosen_areas(confirmed[team.id].answers, areas) \
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

"""Competency self-assessment: scores per domain and per kind, strongest and weakest.

Each matrix of the form is a domain; each of its rows a competency rated 1 (beginning)
to 4 (advanced). The form's ``kinds:`` tags every competency as a skill, knowledge or
behaviour. A domain's (or kind's) score is the mean of its rated competencies, to one
decimal. The three strongest are the highest ratings and the three weakest the lowest,
ties going to the order of the form.
"""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from formkit.api import (
    Catalog,
    Column,
    bar_chart,
    current_locale,
    fitting_answers,
    for_form,
    format_mean,
    hookimpl,
)

HERE = Path(__file__).parent
#: this plugin's own translations: locales/fr/LC_MESSAGES/competency.po
t = Catalog(HERE / "locales", "competency")

FORM_ID = "competency"
KINDS = ("skill", "knowledge", "behaviour")
PICK = 3


def domains(form):
    return [spec for spec in form.fields if spec.type == "matrix"]


def kind_of(form) -> dict[str, str]:
    return {key: kind for kind, keys in (form.extra.get("kinds") or {}).items() for key in keys}


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def competency_score(form, answers: dict) -> dict:
    kinds = kind_of(form)
    items = []  # (order, domain, key, rating)
    by_domain = []
    for domain in domains(form):
        ratings = answers.get(domain.id)
        if not isinstance(ratings, dict):  # unanswered, or kept from an older shape
            ratings = {}
        values = []
        for key, _text in domain.options["rows"]:
            value = ratings.get(key)
            if isinstance(value, int):
                values.append(value)
                items.append((len(items), domain.id, key, value))
        by_domain.append({"key": domain.id, "mean": _mean(values), "rated": len(values)})
    by_kind = {kind: _mean([r for _o, _d, key, r in items if kinds.get(key) == kind])
               for kind in KINDS}

    def pick(ordered):
        return [{"domain": d, "key": k, "rating": r} for _o, d, k, r in ordered[:PICK]]

    return {
        "domains": by_domain,
        "kinds": by_kind,
        "overall": _mean([r for *_rest, r in items]),
        "strongest": pick(sorted(items, key=lambda i: (-i[3], i[0]))),
        "weakest": pick(sorted(items, key=lambda i: (i[3], i[0]))),
        "scale_max": max((d.options["points"] for d in domains(form)), default=4),
    }


@hookimpl
@for_form(FORM_ID)
def formkit_score(form, answers):
    return competency_score(form, answers)


def labels(form, locale: str) -> tuple[dict, dict]:
    domain_names = {d.id: (d.label.get(locale).split(" — ")[0]) for d in domains(form)}
    item_names = {key: text.get(locale) for d in domains(form) for key, text in d.options["rows"]}
    return domain_names, item_names


def kind_names() -> dict[str, str]:
    return {"skill": t.gettext("Skills"), "knowledge": t.gettext("Knowledge"),
            "behaviour": t.gettext("Behaviours")}


@hookimpl
@for_form(FORM_ID)
def formkit_result_html(form, response):
    if not response.score:
        return None
    locale = current_locale()
    score = response.score
    domain_names, item_names = labels(form, locale)
    rated = [d for d in score["domains"] if d["mean"] is not None]
    chart = bar_chart([(domain_names[d["key"]], d["mean"]) for d in rated],
                      maximum=score["scale_max"], title=t.gettext("Mean rating per domain, 1 to 4"),
                      value_label=lambda v: format_mean(v, locale))
    return Markup(t.render_template(
        "competency/result.html", score=score, chart=chart if rated else None, rated=rated,
        domain_names=domain_names, item_names=item_names, kind_names=kind_names(),
    ))


@hookimpl
@for_form(FORM_ID)
def formkit_response_columns(form):
    locale = current_locale()
    names = labels(form, locale)[0]

    def strongest(response):
        rated = [d for d in (response.score or {}).get("domains", []) if d["mean"] is not None]
        return max(rated, key=lambda d: d["mean"])["key"] if rated else None

    return [
        Column("overall", t.gettext("Mean rating"), lambda r: (r.score or {}).get("overall"),
               shown=lambda v: format_mean(v, locale)),
        Column("strongest", t.gettext("Strongest domain"), strongest, shown=names.get),
    ]


@hookimpl
@for_form(FORM_ID)
def formkit_summary_html(form, summary):
    """The group's profile: domain means (chart and table), the strongest competencies
    and those to develop, means by kind. Never one person's answers: the team sees it
    only from ``TEAM_AGGREGATE_MINIMUM`` members (formkit/teams/cycle_views.py)."""
    locale = current_locale()
    names, item_names = labels(form, locale)
    rated = [(key, mean) for key, mean in summary["domains"].items() if mean is not None]
    chart = bar_chart([(names[key], mean) for key, mean in rated], maximum=summary.get(
        "scale_max", 4), title=t.gettext("Mean rating per domain, 1 to 4"),
        value_label=lambda v: format_mean(v, locale)) if rated else None
    return Markup(t.render_template(
        "competency/summary.html", summary=summary, chart=chart, rated=rated,
        domain_names=names, item_names=item_names, kind_names=kind_names()))


@hookimpl
@for_form(FORM_ID)
def formkit_summarize(form, responses):
    """Across respondents (a team's members, or everyone for coordinators): the mean of
    all ratings of each domain, kind and competency (to one decimal), the three
    strongest competencies and the three to develop (the lowest of the others; ranked
    on the exact means, ties in the form's order)."""
    kinds = kind_of(form)
    order = [(d.id, key) for d in domains(form) for key, _text in d.options["rows"]]
    ratings: dict[tuple[str, str], list[int]] = {item: [] for item in order}
    count = 0
    for response in responses:
        answers = fitting_answers(form, response.answers)  # not those of an older shape
        count += 1
        for domain, key in order:
            value = (answers.get(domain) or {}).get(key)
            if isinstance(value, int) and not isinstance(value, bool):
                ratings[(domain, key)].append(value)

    def pooled(items) -> float | None:
        values = [v for item in items for v in ratings[item]]
        return sum(values) / len(values) if values else None

    def shown(mean: float | None) -> float | None:
        # to one decimal, as each person's own result: finer figures would only make a
        # difference between two views tell more about the one person who changed it
        return round(mean, 1) if mean is not None else None

    item_means = [(i, domain, key, pooled([(domain, key)]))
                  for i, (domain, key) in enumerate(order)]
    rated = [entry for entry in item_means if entry[3] is not None]
    strongest = sorted(rated, key=lambda e: (-e[3], e[0]))[:PICK]
    others = [e for e in rated if e not in strongest]
    weakest = sorted(others, key=lambda e: (e[3], e[0]))[:PICK]

    def listed(entries):
        return [{"domain": d, "key": k, "mean": shown(m)} for _i, d, k, m in entries]

    return {
        "respondents": count,
        "domains": {d.id: shown(pooled([i for i in order if i[0] == d.id]))
                    for d in domains(form)},
        "kinds": {kind: shown(pooled([i for i in order if kinds.get(i[1]) == kind]))
                  for kind in KINDS},
        "strongest": listed(strongest),
        "weakest": listed(weakest),
        "scale_max": max((d.options["points"] for d in domains(form)), default=4),
    }

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

from formkit.api import Catalog, Column, bar_chart, current_locale, for_form, format_mean, hookimpl

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
    locale = current_locale()
    names = labels(form, locale)[0]
    domains = [(names[key], mean) for key, mean in summary["domains"].items()]
    chart = bar_chart(domains, maximum=4, title=t.gettext("Mean rating per domain, 1 to 4"),
                      value_label=lambda v: format_mean(v, locale)
                      ) if domains else None
    return Markup(t.render_template("competency/summary.html", summary=summary, chart=chart,
                                    kind_names=kind_names()))


@hookimpl
@for_form(FORM_ID)
def formkit_summarize(form, responses):
    """Across respondents: the mean of each domain and kind."""
    count = 0
    sums: dict[str, list[float]] = {}
    kinds: dict[str, list[float]] = {}
    for response in responses:
        score = response.score or competency_score(form, response.answers)
        count += 1
        for domain in score["domains"]:
            if domain["mean"] is not None:
                sums.setdefault(domain["key"], []).append(domain["mean"])
        for kind, mean in score["kinds"].items():
            if mean is not None:
                kinds.setdefault(kind, []).append(mean)
    return {
        "respondents": count,
        "domains": {key: round(sum(v) / len(v), 2) for key, v in sums.items()},
        "kinds": {key: round(sum(v) / len(v), 2) for key, v in kinds.items()},
    }

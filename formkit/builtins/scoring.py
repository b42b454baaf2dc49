"""Declared scores (``scoring:`` in a form's YAML) on the result page, in the response
list and exports, and in summaries. Registered before every other plugin, so a form's own
plugin, whose hooks run first, replaces any of these by returning something."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from babel.numbers import format_decimal
from flask import render_template
from flask_babel import gettext
from markupsafe import Markup

from formkit import hookimpl
from formkit.charts import bar_chart
from formkit.fields.number import babel_locale
from formkit.i18n import current_locale
from formkit.review import Column
from formkit.schema import Form
from formkit.scoring import ScoreRule, compute_scores
from formkit.storage import Response


def _scores(response: Response) -> dict[str, Any]:
    return (response.score or {}).get("scores") or {}


@hookimpl
def formkit_score(form: Form, answers):
    return compute_scores(form, answers)


@hookimpl
def formkit_result_html(form: Form, response: Response):
    scores = _scores(response)
    rows = [(rule, scores[rule.id]) for rule in form.scoring if rule.id in scores]
    if not rows:
        return None
    return Markup(render_template("scoring/result.html", rows=rows, locale=current_locale()))


@hookimpl
def formkit_response_columns(form: Form):
    locale = current_locale()
    columns = []
    for rule in form.scoring:
        def value(response, rule_id=rule.id):
            return _scores(response).get(rule_id, {}).get("value")

        def band(response, rule_id=rule.id):
            label = _scores(response).get(rule_id, {}).get("band")
            return label.get(locale[:2], label.get("en")) if label else None

        columns.append(Column(f"score_{rule.id}", rule.label.get(locale), value,
                              shown=lambda v: format_decimal(v, locale=babel_locale(locale))))
        if rule.bands:
            name = gettext("%(score)s (band)", score=rule.label.get(locale))
            columns.append(Column(f"band_{rule.id}", name, band))
    return columns


@hookimpl
def formkit_summarize(form: Form, responses: Iterable[Response]):
    if not form.scoring:
        return None
    blocks: dict[str, dict[str, Any]] = {
        rule.id: {"values": [], "bands": {band.label.en: 0 for band in rule.bands}}
        for rule in form.scoring}
    count = 0
    for response in responses:
        count += 1
        scores = _scores(response) or (compute_scores(form, response.answers) or {})["scores"]
        for rule in form.scoring:
            score = scores.get(rule.id) or {}
            if score.get("value") is not None:
                blocks[rule.id]["values"].append(score["value"])
            band = (score.get("band") or {}).get("en")
            if band in blocks[rule.id]["bands"]:
                blocks[rule.id]["bands"][band] += 1
    return {"respondents": count, "scores": {
        rule_id: _statistics(block) for rule_id, block in blocks.items()}}


def _statistics(block: dict[str, Any]) -> dict[str, Any]:
    values = block["values"]
    return {"answered": len(values), "bands": block["bands"],
            "mean": round(sum(values) / len(values), 2) if values else None,
            "min": min(values) if values else None, "max": max(values) if values else None}


@hookimpl
def formkit_summary_html(form: Form, summary):
    if not form.scoring or "scores" not in summary:
        return None
    locale = current_locale()
    blocks = []
    for rule in form.scoring:
        stats = summary["scores"].get(rule.id)
        if stats is None:
            continue
        chart = _band_chart(rule, stats, locale) if rule.bands and stats["answered"] else None
        blocks.append((rule, stats, chart))
    return Markup(render_template("scoring/summary.html", blocks=blocks, summary=summary))


def _band_chart(rule: ScoreRule, stats: dict[str, Any], locale: str) -> Markup:
    bars = [(band.label.get(locale), stats["bands"].get(band.label.en, 0)) for band in rule.bands]
    return bar_chart(bars, maximum=max(1, *(count for _label, count in bars)),
                     title=rule.label.get(locale))

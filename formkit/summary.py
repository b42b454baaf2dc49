"""A form's summary over many responses: counts, each question's distribution or
statistics (its field type decides which), and the form plugin's own aggregate."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from formkit.charts import bar_chart
from formkit.conditions import is_answered
from formkit.formatting import format_mean
from formkit.review import review_status, review_statuses
from formkit.schema import Form
from formkit.state import current_registry
from formkit.storage import Response
from formkit.versions import fits

STAT_LABELS = {
    "count": _l("Answers"), "mean": _l("Mean"), "median": _l("Median"),
    "min": _l("Lowest"), "max": _l("Highest"), "total": _l("Total"),
    "earliest": _l("Earliest"), "latest": _l("Latest"),
    "responses": _l("Responses with rows"), "rows": _l("Rows in all"),
    "rows_per_response": _l("Rows per response"),
}
#: free-text answers listed per question; the exports hold them all.
TEXTS_SHOWN = 50


def _chart(block: dict[str, Any], title: str, locale: str) -> Markup | None:
    if block["kind"] == "counts" and block["answered"]:
        # Only what was chosen gets a bar; the rest is named in one line below the chart,
        # so a summary of a handful of responses stays short.
        chosen = [(label, count) for label, count in block["items"] if count]
        block["unchosen"] = [label for label, count in block["items"] if not count]
        return bar_chart(chosen, maximum=max(c for _l, c in chosen),
                         title=title) if chosen else None
    if block["kind"] == "means" and block["answered"]:
        rated = [(label, mean) for label, mean, _n in block["items"] if mean is not None]
        return bar_chart(rated, maximum=block["maximum"], title=title,
                         value_label=lambda v: format_mean(v, locale))
    return None


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while thousands of responses are read and kept:
    they hold no cycles, yet each batch of new objects makes it rescan every one kept so
    far (measured: half of the summary's time at 10,000 responses)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Rereadable:
    """Responses read afresh each time they are iterated (``read()`` streams them from
    the store): the summary and the form's plugin each make one pass, and a worker holds
    one segment of responses at a time, not all of them (10,000 responses held at once
    left a worker at 223 MiB, bench/server.py)."""

    def __init__(self, read: Callable[[], Iterable[Response]]):
        self._read = read

    def __iter__(self) -> Iterator[Response]:
        return iter(self._read())


@collector_paused()
def build_summary(form: Form, responses: Iterable[Response], locale: str) -> dict[str, Any]:
    """Everything the summary page and PDF show, in ``locale``. ``responses`` is read
    twice (here and by the plugin's ``formkit_summarize``): a list, or a
    :class:`Rereadable` to stream them."""
    count = 0
    values: dict[str, list[Any]] = {}
    by_locale: dict[str, int] = {}
    by_review: dict[str, int] = {}
    for response in responses:
        count += 1
        by_locale[response.locale] = by_locale.get(response.locale, 0) + 1
        status = review_status(form, response)
        by_review[status] = by_review.get(status, 0) + 1
        for field_id, value in response.answers.items():
            if is_answered(value):
                values.setdefault(field_id, []).append(value)
    sections = []
    for section in form.sections:
        blocks = []
        answered: list[tuple[str, int]] = []  # questions summarised by a count only
        for spec in section.fields:
            if not spec.stores_value:
                continue
            label = spec.label.get(locale) if spec.label else spec.id
            # Answers kept from an earlier version of the question are left out.
            fitting = [v for v in values.get(spec.id, []) if fits(spec, v)]
            block = spec.kind.summary(spec, fitting, locale)
            if block["kind"] == "texts":
                block["hidden"] = max(0, len(block["items"]) - TEXTS_SHOWN)
                block["items"] = block["items"][:TEXTS_SHOWN]
            if block["kind"] == "numbers":
                block["stats"] = [(str(STAT_LABELS.get(k, k)), v) for k, v in block["stats"]]
            if block["kind"] == "answered":
                answered.append((label, block["answered"]))
            else:
                blocks.append({"label": label, "block": block,
                               "chart": _chart(block, label, locale)})
        sections.append({"title": section.title.get(locale), "blocks": blocks,
                         "answered": answered})
    registry = current_registry()
    aggregate = registry.hook.formkit_summarize(form=form, responses=responses)
    aggregate_html = (registry.hook.formkit_summary_html(form=form, summary=aggregate)
                      if aggregate is not None else None)
    statuses = review_statuses(form, locale)
    return {
        "count": count,
        "by_locale": sorted(by_locale.items()),
        "by_review": [(label, by_review.get(key, 0)) for key, label in statuses],
        "sections": sections,
        "aggregate_html": aggregate_html,
    }

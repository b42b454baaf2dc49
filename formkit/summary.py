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
from formkit.fields.base import TEXTS_SHOWN
from formkit.formatting import format_mean
from formkit.review import review_status, review_statuses
from formkit.schema import FieldSpec, Form
from formkit.state import current_registry
from formkit.storage import Response

STAT_LABELS = {
    "count": _l("Answers"), "mean": _l("Mean"), "median": _l("Median"),
    "min": _l("Lowest"), "max": _l("Highest"), "total": _l("Total"),
    "earliest": _l("Earliest"), "latest": _l("Latest"),
    "responses": _l("Responses with rows"), "rows": _l("Rows in all"),
    "rows_per_response": _l("Rows per response"),
}


def _chart(block: dict[str, Any], title: str, locale: str, printed: bool = False
           ) -> Markup | None:
    """A block's chart; ``printed``: its labels beside the bars (a page is wide)."""
    if block["kind"] == "counts" and block["answered"]:
        # Only what was chosen gets a bar; the rest is named in one line below the chart,
        # so a summary of a handful of responses stays short.
        chosen = [(label, count) for label, count in block["items"] if count]
        block["unchosen"] = [label for label, count in block["items"] if not count]
        return bar_chart(chosen, maximum=max(c for _l, c in chosen), title=title,
                         side_labels=printed) if chosen else None
    if block["kind"] == "means" and block["answered"]:
        rated = [(label, mean) for label, mean, _n in block["items"] if mean is not None]
        return bar_chart(rated, maximum=block["maximum"], title=title,
                         value_label=lambda v: format_mean(v, locale), side_labels=printed)
    return None


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while thousands of responses are read: they hold
    no cycles, yet each batch of new objects makes it rescan every object still alive
    (measured: half of the summary's time at 10,000 responses when they were kept)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Rereadable:
    """Responses read afresh each time they are iterated (``read()`` streams them from
    the store): the summary and the form's plugin share one pass, and a worker holds
    one segment of responses at a time, not all of them (10,000 responses held at once
    left a worker at 223 MiB, bench/server.py)."""

    def __init__(self, read: Callable[[], Iterable[Response]]):
        self._read = read

    def __iter__(self) -> Iterator[Response]:
        return iter(self._read())


def finished_block(block: dict[str, Any]) -> dict[str, Any]:
    """A field type's summary block as the summary shows it: texts cut to
    ``TEXTS_SHOWN`` (``hidden`` counts the rest), statistics' names in words."""
    if block["kind"] == "texts":
        block["hidden"] = block.get("hidden", 0) + max(0, len(block["items"]) - TEXTS_SHOWN)
        block["items"] = block["items"][:TEXTS_SHOWN]
    if block["kind"] == "numbers":
        block["stats"] = [(str(STAT_LABELS.get(k, k)), v) for k, v in block["stats"]]
    return block


class _Totals:
    """What the summary adds up while responses stream: counts per language and review
    status, and each question's field-type summary state (``summary_start/add``), so
    only those are kept, never the answers themselves."""

    def __init__(self, form: Form):
        self.form = form
        self.count = 0
        self.by_locale: dict[str, int] = {}
        self.by_review: dict[str, int] = {}
        # field id: its spec, its summary state, and its type's summary_add and accepts
        # (looked up once, not per answer: 10,000 responses make ~200,000 answers)
        self.states: dict[str, tuple[Any, Any, Any, Any]] = {
            spec.id: (spec, spec.kind.summary_start(spec), spec.kind.summary_add,
                      spec.kind.accepts)
            for section in form.sections for spec in section.fields if spec.stores_value}

    def add(self, response: Response) -> None:
        self.count += 1
        self.by_locale[response.locale] = self.by_locale.get(response.locale, 0) + 1
        status = review_status(self.form, response)
        self.by_review[status] = self.by_review.get(status, 0) + 1
        states = self.states
        for field_id, value in response.answers.items():
            kept = states.get(field_id)
            # Answers kept from an earlier version of the question (which the type no
            # longer accepts, as versions.fits says) are left out.
            if kept is not None and is_answered(value) and kept[3](kept[0], value):
                kept[2](kept[1], value)


class _SharedPass:
    """The responses as the form's plugin receives them (``formkit_summarize``): its
    first pass through them also feeds the summary's totals, so the store is read once,
    not twice (reading is most of a summary's time). Any later pass reads afresh."""

    def __init__(self, responses: Iterable[Response], feed: Callable[[Response], None]):
        self._responses = responses
        self._feed: Callable[[Response], None] | None = feed
        self.complete = False

    def __iter__(self) -> Iterator[Response]:
        feed, self._feed = self._feed, None
        return iter(self._responses) if feed is None else self._feeding(feed)

    def _feeding(self, feed: Callable[[Response], None]) -> Iterator[Response]:
        for response in self._responses:
            feed(response)
            yield response
        self.complete = True


def summary_sections(form: Form, locale: str,
                     block_of: Callable[[FieldSpec], dict[str, Any]],
                     printed: bool = False) -> list[dict[str, Any]]:
    """The summary's sections: each question's block (``block_of(spec)``, what its type
    summarised), labelled and charted (``printed``: for the PDF); questions summarised
    by a count only are listed apart."""
    sections = []
    for section in form.sections:
        blocks = []
        answered: list[tuple[str, int]] = []  # questions summarised by a count only
        for spec in section.fields:
            if not spec.stores_value:
                continue
            label = spec.label.get(locale) if spec.label else spec.id
            block = finished_block(block_of(spec))
            if block["kind"] == "answered":
                answered.append((label, block["answered"]))
            else:
                blocks.append({"label": label, "block": block,
                               "chart": _chart(block, label, locale, printed)})
        sections.append({"title": section.title.get(locale), "blocks": blocks,
                         "answered": answered})
    return sections


@collector_paused()
def build_summary(form: Form, responses: Iterable[Response], locale: str,
                  printed: bool = False) -> dict[str, Any]:
    """Everything the summary page and PDF (``printed``) show, in ``locale``.
    ``responses`` is a list, or a :class:`Rereadable` to stream them: the form's plugin
    (``formkit_summarize``) and the summary share one pass; the summary reads them itself
    only when no plugin read them all (none summarises this form, or it stopped early)."""
    totals = _Totals(form)
    shared = _SharedPass(responses, totals.add)
    registry = current_registry()
    aggregate = registry.hook.formkit_summarize(form=form, responses=shared)
    if not shared.complete:
        totals = _Totals(form)  # a partial pass is started over
        for response in responses:
            totals.add(response)
    aggregate_html = (registry.hook.formkit_summary_html(form=form, summary=aggregate)
                      if aggregate is not None else None)
    sections = summary_sections(
        form, locale, lambda spec: spec.kind.summary_finish(spec, totals.states[spec.id][1],
                                                            locale), printed)
    statuses = review_statuses(form, locale)
    return {
        "count": totals.count,
        "by_locale": sorted(totals.by_locale.items()),
        "by_review": [(label, totals.by_review.get(key, 0)) for key, label in statuses],
        "sections": sections,
        "aggregate_html": aggregate_html,
    }

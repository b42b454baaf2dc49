"""Summaries made as the answers stream (each field type's summary_start/add/finish)
equal the summaries of every answer held in a list (each type's ``summary``)."""

from __future__ import annotations

import datetime
import sys
from typing import Any

import pytest
from markupsafe import Markup

from conftest import ROOT, add_user, make_app, sign_in
from formkit import hookimpl
from formkit.conditions import is_answered
from formkit.fields.base import TEXTS_SHOWN, FieldType
from formkit.review import Filters, matching
from formkit.state import current_store
from formkit.storage import SUBMITTED, Response
from formkit.summary import Rereadable, build_summary, summary_sections
from formkit.versions import fits

#: more than TEXTS_SHOWN, so long texts are cut and the hidden ones counted.
RESPONSES = 80


def varied(value: Any, i: int) -> Any:
    """The ``i``-th response's variant of a sample answer (``None``: left unanswered)."""
    if i % 7 == 3:
        return None
    if i == 5 and not isinstance(value, dict | list):
        return 2.5  # an earlier version's answer: left out where it no longer fits
    if isinstance(value, bool):
        return i % 3 == 0
    if isinstance(value, int):
        return value + i % 13
    if isinstance(value, float):
        return round(value * (1 + i % 9 / 8) + i / 100, 2)
    if isinstance(value, str):
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            return value if i % 2 else f"{value} {i}"
        return (day + datetime.timedelta(days=i * 3 - 200)).isoformat()
    if isinstance(value, list):
        return value[:1 + i % len(value)] if value else value
    if isinstance(value, dict):
        return {key: ("na" if (i + j) % 5 == 0 else point)
                for j, (key, point) in enumerate(value.items()) if (i + j) % 4}
    return value


def listed_sections(form, responses: list[Response], locale: str) -> list[dict]:
    """The sections as every type's list-based ``summary`` makes them."""
    def listed(spec):
        values = [r.answers[spec.id] for r in responses
                  if is_answered(r.answers.get(spec.id)) and fits(spec, r.answers[spec.id])]
        return spec.kind.summary(spec, values, locale)

    return summary_sections(form, locale, listed)


def assert_streamed_equal_listed(app) -> set[str]:
    """Every form of ``app``: its summary in both languages over varied sample answers
    stored in the app's store, streamed and listed; returns the block kinds seen."""
    sys.path.insert(0, str(ROOT / "bench"))
    from submit import sample_answers

    kinds: set[str] = set()
    with app.test_request_context("/"):
        for form in app.extensions["formkit"].registry.forms.values():
            sample = sample_answers(form)
            responses = [Response(
                id="", form_id=form.id, form_version=form.version, locale="fr" if i % 3 else "en",
                status=SUBMITTED, key=f"{form.id}-{i}",
                answers={k: v for k, v in ((k, varied(v, i)) for k, v in sample.items())
                         if v is not None}) for i in range(RESPONSES)]
            current_store().import_records(responses)
            for locale in ("en", "fr"):
                read = lambda form=form, locale=locale: matching(form, Filters(), locale)  # noqa: E731
                streamed = build_summary(form, Rereadable(read), locale)
                assert streamed["count"] == RESPONSES
                assert streamed["sections"] == listed_sections(form, responses, locale), \
                    (form.id, locale)
                blocks = [b["block"] for s in streamed["sections"] for b in s["blocks"]]
                kinds |= {block["kind"] for block in blocks}
                for texts in (block for block in blocks if block["kind"] == "texts"):
                    assert len(texts["items"]) == TEXTS_SHOWN and texts["hidden"] > 0
    return kinds


def test_streamed_summaries_equal_listed_ones_on_every_seed_form(seed_store_app):
    assert assert_streamed_equal_listed(seed_store_app) >= {"counts", "numbers", "texts",
                                                            "means"}


def test_streamed_summaries_equal_listed_ones_on_every_test_form(tmp_path, store_url):
    # the test forms have the types the seed forms lack (a single scale, a decimal)
    app = make_app(tmp_path, STORE=store_url)
    try:
        assert "counts" in assert_streamed_equal_listed(app)
    finally:
        app.extensions["formkit"].store.close()


class _FirstOnly:
    """A plugin that summarises a form from its first response only (it stops early)."""

    @hookimpl
    def formkit_summarize(self, form, responses):
        return {"first": next(iter(responses)).key} if form.id == "workplan" else None

    @hookimpl
    def formkit_summary_html(self, form, summary):
        return Markup("<p>{}</p>").format(summary["first"]) if "first" in summary else None


@pytest.mark.parametrize("stops_early", [False, True])
def test_the_plugin_and_the_summary_share_one_pass(seed_store_app, stops_early):
    sys.path.insert(0, str(ROOT / "bench"))
    from submit import seed

    app = seed_store_app
    if stops_early:
        app.extensions["formkit"].registry.pm.register(_FirstOnly(), "first-only")
    reads = []

    def read():
        reads.append(1)
        return matching(form, Filters(), "fr")

    with app.test_request_context("/"):
        form = app.extensions["formkit"].registry.forms["workplan"]
        seed(form, 7, locale="fr")
        summary = build_summary(form, Rereadable(read), "fr")
    # the store is read again only when the plugin did not read every response
    assert len(reads) == (2 if stops_early else 1)
    assert summary["count"] == 7 and summary["by_locale"] == [("fr", 7)]
    answered = [b["block"]["answered"] for s in summary["sections"] for b in s["blocks"]]
    assert answered and set(answered) == {7}
    assert ("seed-0" in summary["aggregate_html"]) == stops_early


class _Listed(FieldType):
    """A plugin's type that only knows the list-based summary."""

    name = "listed"

    def summary(self, spec, values, locale):
        return {"kind": "texts", "answered": len(values), "items": sorted(values)}


@pytest.mark.parametrize("values", [[], ["b", "a", "c"]])
def test_a_type_with_only_a_list_summary_keeps_working(values):
    kind = _Listed()
    state = kind.summary_start(None)
    for value in values:
        kind.summary_add(state, value)
    assert kind.summary_finish(None, state, "en") == kind.summary(None, values, "en")
    # a type keeping the default summary only counts: no answer is kept
    plain = FieldType()
    counted = plain.summary_start(None)
    for value in values:
        plain.summary_add(counted, value)
    assert plain.summary_finish(None, counted, "en") == {"kind": "answered",
                                                         "answered": len(values)}
    assert not hasattr(counted, "__dict__") and not isinstance(counted, list)


def test_a_date_question_holding_other_text_is_summarised_and_shown(seed_store_app):
    # a date question that was text in an earlier version (or filled by an import)
    app = seed_store_app
    add_user(app)
    client = app.test_client()
    assert sign_in(client).status_code == 302
    with app.test_request_context("/"):
        form = app.extensions["formkit"].registry.forms["workplan"]
        [date_id] = [s.id for s in form.fields if s.type == "date"][:1]
        current_store().import_records(
            Response(id="", form_id="workplan", form_version=form.version, locale="fr",
                     status=SUBMITTED, key=f"old-{i}", answers={date_id: text})
            for i, text in enumerate(["31/12/2025", "2025-03-01"]))
        summary = build_summary(form, list(current_store().iter_responses("workplan")), "en")
        [old] = [r for r in current_store().iter_responses("workplan") if r.key == "old-0"]
    [stats] = [b["block"]["stats"] for s in summary["sections"] for b in s["blocks"]
               if b["label"] == "Plan starts"]
    assert stats == [("Answers", "1"), ("Earliest", "1 Mar 2025"), ("Latest", "1 Mar 2025")]
    page = client.get("/admin/forms/workplan/summary")
    assert page.status_code == 200
    shown = client.get(f"/admin/responses/{old.id}")
    assert shown.status_code == 200 and "31/12/2025" in shown.text


def test_a_summary_or_export_gives_its_memory_back_once_sent(seed_store_app, monkeypatch):
    """Views that read a whole form ask the allocator to return its free pages once
    their response is sent (formkit.memory); a form page does not (the trim costs a few
    milliseconds)."""
    from formkit import memory

    assert isinstance(memory.release_memory(), bool)  # glibc's malloc_trim, or nothing
    released: list[str] = []
    monkeypatch.setattr(memory, "release_memory", lambda: released.append("done") or True)
    app = seed_store_app
    add_user(app)
    client = app.test_client()
    assert sign_in(client).status_code == 302
    for url in ("/admin/forms/workplan/summary", "/admin/forms/workplan/export.csv"):
        response = client.get(url)
        assert response.status_code == 200
        assert released == []  # not before the response is sent
        response.close()
        assert released == ["done"]
        released.clear()
    page = client.get("/f/workplan/?lang=fr")
    page.close()
    assert released == []

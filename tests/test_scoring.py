"""Declarative scoring (``scoring:`` in YAML): computed at submission, shown on the result
page in both languages, in the coordinator's list, exports, summary and PDF."""

from __future__ import annotations

import csv
import io
import textwrap

import pytest

from conftest import HERE, Browser, add_user, fill, make_app, sign_in, store_of, submit, text_of
from formkit.builtins.field_types import formkit_field_types
from formkit.schema import FormLoadError, load_form
from test_pdf import pdf_text

TYPES = {cls.name: cls() for cls in formkit_field_types()}
SCORED = HERE / "data" / "scored"
ANSWERS = {"q_mood": "4", "q_sleep": "2", "q_days-r_mon": "5", "q_days-r_tue": "3",
           "q_walked": "yes", "q_meals": "3", "q_helpers": ["family", "nurse"],
           "q_note": "fine"}


@pytest.fixture
def scored_app(tmp_path):
    return make_app(tmp_path, FORMS_DIR=str(SCORED), ARGON2_PROFILE="CHEAPEST")


def test_sum_mean_and_band_by_hand(scored_app):
    response = submit(scored_app, "checkin", overrides={0: ANSWERS})
    # sum: 4 + 2 + (5 + 3) + 1 + 3 + 2 ticked = 20 → Moderate (11–20)
    # mean of ratings: (4 + 2 + 5 + 3) / 4 = 3.5
    assert response.score == {"scores": {
        "total": {"value": 20, "answered": 7, "band": {"en": "Moderate", "fr": "Modéré"}},
        "rested": {"value": 3.5, "answered": 4, "band": None},
    }}


def test_not_applicable_and_unanswered_are_left_out(scored_app):
    answers = {"q_mood": "na", "q_sleep": "5", "q_days-r_mon": "5", "q_days-r_tue": "",
               "q_walked": "no", "q_meals": "1", "q_helpers": []}
    response = submit(scored_app, "checkin", overrides={0: answers})
    # sum: 5 + 5 + 0 + 1 = 11 (no helpers ticked, Tuesday and mood unanswered) → Moderate
    assert response.score["scores"]["total"]["value"] == 11
    assert response.score["scores"]["total"]["band"]["en"] == "Moderate"
    assert response.score["scores"]["rested"] == {"value": 5.0, "answered": 2, "band": None}


def test_nothing_to_score_says_so(scored_app):
    blank = {name: "" for name in ANSWERS} | {"q_helpers": [], "q_note": "rien"}
    page = fill(Browser(scored_app.test_client()), scored_app, "checkin", "fr",
                overrides={0: blank})
    assert "Note moyenne Pas assez de réponses pour calculer un score" in text_of(page)
    [response] = store_of(scored_app).iter_responses("checkin")
    assert response.score["scores"]["rested"] == {"value": None, "answered": 0, "band": None}


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "Wellbeing points 20 — Moderate Mean rating 3.5"),
    ("fr", "Points de bien-être 20 — Modéré Note moyenne 3,5"),
])
def test_result_page_in_each_language(scored_app, lang, expected):
    page = fill(Browser(scored_app.test_client()), scored_app, "checkin", lang,
                overrides={0: ANSWERS})
    assert expected in text_of(page)


def test_coordinators_see_scores_in_list_csv_summary_and_pdf(scored_app):
    for sleep in ("1", "2", "5"):
        submit(scored_app, "checkin", overrides={0: {**ANSWERS, "q_sleep": sleep}})
    add_user(scored_app)
    client = scored_app.test_client()
    sign_in(client)
    listing = text_of(client.get("/admin/forms/checkin/?lang=fr"))
    assert "Points de bien-être" in listing and "Points de bien-être (niveau)" in listing
    export = client.get("/admin/forms/checkin/export.csv?doc_lang=en").get_data()
    rows = list(csv.DictReader(io.StringIO(export.decode("utf-8-sig"))))
    assert sorted(int(r["Wellbeing points"]) for r in rows) == [19, 20, 23]
    assert sorted(r["Wellbeing points (band)"] for r in rows) == ["High", "Moderate", "Moderate"]
    summary = text_of(client.get("/admin/forms/checkin/summary?lang=en"))
    # values 19, 20, 23: mean 20.67
    assert "Mean 20.67, lowest 19, highest 23, over 3 responses." in summary
    response = submit(scored_app, "checkin", "fr", overrides={0: ANSWERS})
    pdf = client.get(f"/admin/responses/{response.id}/pdf?doc_lang=fr")
    assert "Points de bien-être 20 — Modéré" in pdf_text(pdf.data)[1]


def scoring_errors(tmp_path, scoring: str) -> list[str]:
    body = (SCORED / "checkin.yaml").read_text(encoding="utf-8")
    body = body[:body.index("\nscoring:") + 1] + textwrap.dedent(scoring)
    path = tmp_path / "checkin.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(FormLoadError) as info:
        load_form(path, TYPES)
    return [str(e) for e in info.value.errors]


def test_scoring_mistakes_have_lines_and_suggestions(tmp_path):
    errors = scoring_errors(tmp_path, """\
        scoring:
          - id: total
            label: {en: Total, fr: Total}
            method: summ
            fields: [mood, slep, note]
            bands:
              - {from: 10, to: 0, label: {en: Low}}
              - {from: 0, label: {en: High, fr: Élevé}}
        """)
    text = "\n".join(errors)
    assert "checkin.yaml:48: score 'total': method must be sum or mean" in text
    assert "suggestion: did you mean 'sum'?" in text
    assert "no field 'slep' in this form\n    suggestion: did you mean 'sleep'?" in text
    assert "field 'note' (text) has no numbers to add up" in text
    assert "band from 10 is above to 0\n    suggestion: swap them:  from: 0, to: 10" in text
    assert "'label' has no 'fr' text" in text
    assert "bands overlap or are out of order" in text

"""Language in every output: the coordinator's pages and PDFs show dates, numbers,
timestamps and codes as each language writes them, on both stores."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from conftest import add_user, make_app, sign_in, text_of
from formkit.storage import SUBMITTED, Response

ANSWERS = {"name": "Ada", "budget": 12000, "hours": 2.5, "start": "2026-04-01",
           "topics": [], "grid": {"x": 3}}
#: 2026-11-30 17:00 UTC: noon in Toronto.
SUBMITTED_AT = "2026-11-30T17:00:00+00:00"
EXPECTED = {
    "en": ["30 Nov 2026, 12:00 p.m. EST", "$12,000.00", "1 Apr 2026", "2.5"],
    "fr": ["30 novembre 2026, 12 h 00 HNE", "12 000,00 $", "1er avril 2026", "2,5"],
}


@pytest.fixture
def coordinator(tmp_path, store_url):
    app = make_app(tmp_path, STORE=store_url, ARGON2_PROFILE="CHEAPEST")
    add_user(app)
    with app.test_request_context("/"):
        store = app.extensions["formkit"].store
        store.import_records([Response(
            id="", form_id="all_types", form_version=1, locale="fr", status=SUBMITTED,
            answers=ANSWERS, submitted=SUBMITTED_AT, key="one")])
        response = next(store.iter_responses("all_types"))
    client = app.test_client()
    assert sign_in(client).status_code == 302
    yield client, response
    app.extensions["formkit"].store.close()


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_the_response_page_writes_values_as_the_reader_does(coordinator, locale):
    client, response = coordinator
    page = text_of(client.get(f"/admin/responses/{response.id}?lang={locale}"))
    for text in EXPECTED[locale]:
        assert text.replace("\u00a0", " ").replace("\u202f", " ") in page, text
    # the empty multiple choice and the unrated matrix row print "—"
    answers = page.split("Answers" if locale == "en" else "Réponses", 1)[1]
    assert answers.count("—") >= 2
    for leaked in ("None", "null", "[]", "{}"):
        assert leaked not in answers
    listing = text_of(client.get(f"/admin/forms/all_types/?lang={locale}"))
    assert EXPECTED[locale][0].split(",")[0] in listing


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_the_response_pdf_writes_values_as_the_reader_does(coordinator, locale):
    client, response = coordinator
    body = client.get(f"/admin/responses/{response.id}/pdf?doc_lang={locale}").data
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    text = re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))
    for expected in EXPECTED[locale]:
        assert expected.replace("\u00a0", " ").replace("\u202f", " ") in text, expected
    assert "—" in text
    for leaked in ("None", "null", "[]"):
        assert leaked not in text


@pytest.mark.parametrize(("locale", "expected"), [
    ("en", ["State: All", "From: 1 Apr 2026", "Respondent’s language: Français",
            "Search the answers: “Ada”"]),
    ("fr", ["État : Toutes", "Du : 1er avril 2026", "Langue du répondant : Français",
            "Rechercher dans les réponses : « Ada »"]),
])
def test_the_summary_pdf_names_its_filters_in_words(coordinator, locale, expected):
    client, _response = coordinator
    body = client.get(f"/admin/forms/all_types/summary.pdf?doc_lang={locale}&status=all"
                      "&since=2026-04-01&lang_filter=fr&q=Ada").data
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    text = re.sub(r"\s+", " ", text.replace("\u00a0", " "))
    for words in expected:
        assert words in text, words
    assert "status=" not in text and "lang_filter" not in text


def test_machine_exports_keep_iso_utc_timestamps(coordinator):
    client, response = coordinator
    records = client.get("/admin/forms/all_types/export.json?lang=fr").get_json()
    assert records[0]["submitted"] == SUBMITTED_AT
    codes = client.get("/admin/forms/all_types/export.csv?values=codes&lang=fr")
    assert SUBMITTED_AT in codes.get_data(as_text=True)
    assert "HNE" not in codes.get_data(as_text=True)

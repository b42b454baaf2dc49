"""Opening and closing times and quotas (``schedule:``), on both stores: a kind page in
the reader's language when a form is not open, full or closed, and drafts begun before
closing finished within the grace period."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import yaml

from conftest import add_user, csrf, make_app, sign_in, store_of, text_of
from formkit.builtins.field_types import formkit_field_types
from formkit.clock import ManualClock
from formkit.schema import FormLoadError, parse_form
from formkit.testing import Browser, fill

FORM = {
    "id": "census", "version": 1, "title": {"en": "Census", "fr": "Recensement"},
    "schedule": {"opens": "2027-03-01 09:00", "closes": "2027-03-31 17:00", "quota": 3,
                 "grace_hours": 24},
    "sections": [
        {"id": "one", "title": {"en": "One", "fr": "Un"}, "fields": [
            {"id": "name", "type": "text", "label": {"en": "Name", "fr": "Nom"},
             "required": True}]},
        {"id": "two", "title": {"en": "Two", "fr": "Deux"}, "fields": [
            {"id": "size", "type": "integer", "label": {"en": "Size", "fr": "Taille"},
             "required": True}]},
    ],
}
TORONTO = ZoneInfo("America/Toronto")


def at(text: str) -> float:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=TORONTO).timestamp()


@pytest.fixture
def moment():
    return ManualClock(at("2027-02-20 12:00"))


@pytest.fixture
def app(tmp_path, store_url, moment):
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "census.yaml").write_text(yaml.safe_dump(FORM, allow_unicode=True))
    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(forms), CLOCK=moment)
    yield app
    store_of(app).close()


def drafts(app):
    with app.app_context():
        return list(store_of(app).iter_responses("census"))


def test_before_opening_a_kind_page_and_nothing_stored(app, moment):
    browser = Browser(app.test_client())
    page = browser.get("/f/census/?lang=fr")
    assert page.status_code == 200
    assert "Ce formulaire ouvre le 1er mars 2027, 9 h 00 HNE" in text_of(page)
    assert 'name="_key"' not in page.text
    assert "Opens on" in text_of(app.test_client().get("/"))
    client = app.test_client()
    posted = client.post("/f/census/page/0", data={"q_name": "Ada", "_key": "k" * 40,
                                                    "csrf_token": csrf(client, "/resume")})
    assert posted.status_code == 403 and drafts(app) == []
    moment.time = at("2027-03-01 09:00")
    assert 'name="_key"' in browser.get("/f/census/").text


def test_closing_lets_begun_drafts_finish_within_the_grace_period(app, moment):
    moment.time = at("2027-03-31 16:00")
    early, late = Browser(app.test_client()), Browser(app.test_client())
    early.get("/f/census/")
    assert early.post("/f/census/page/0", {"q_name": "Ada"}).status_code == 302
    moment.time = at("2027-03-31 18:00")  # closed an hour ago
    closed = late.get("/f/census/")
    assert "This form closed on 31 Mar 2027, 5:00 p.m. EDT" in text_of(closed)
    assert 'name="_key"' not in closed.text
    early.get("/f/census/page/1")
    done = early.post("/f/census/page/1", {"q_size": "4"}, action="submit")
    assert done.status_code == 302 and "/done/" in done.headers["Location"]
    # a second draft, begun before closing, left too long
    moment.time = at("2027-03-31 16:30")
    slow = Browser(app.test_client())
    slow.get("/f/census/")
    slow.post("/f/census/page/0", {"q_name": "Bo"})
    key = slow.hidden("_key") if slow.get("/f/census/page/1") else None
    moment.time = at("2027-04-01 17:01")  # past closing + 24 h
    page = slow.get("/f/census/page/1")
    assert "cannot be submitted any more" in text_of(page)
    refused = slow.client.post("/f/census/page/1", data={
        "csrf_token": csrf(slow.client, "/resume"), "q_size": "2", "_key": key,
        "_action": "submit"})
    assert refused.status_code == 403 and "cannot be submitted" in text_of(refused)
    assert [r.is_submitted for r in drafts(app)].count(True) == 1


def test_a_full_form_says_so_and_finishes_drafts_begun_before(app, moment):
    moment.time = at("2027-03-10 10:00")
    begun = Browser(app.test_client())
    begun.get("/f/census/")
    begun.post("/f/census/page/0", {"q_name": "Early"})
    for _ in range(3):
        fill(Browser(app.test_client()), app, "census")
    full = app.test_client().get("/f/census/?lang=fr")
    assert "a reçu toutes les réponses dont il a besoin" in text_of(full)
    begun.get("/f/census/page/1")
    assert begun.post("/f/census/page/1", {"q_size": "1"}, action="submit").status_code == 302
    add_user(app)
    admin = app.test_client()
    sign_in(admin)
    assert "Full (3 responses)" in text_of(admin.get("/admin/"))


@pytest.mark.parametrize("schedule, problem", [
    ({"opens": "2027-03-31 17:00", "closes": "2027-03-01 09:00"}, "closes must come after"),
    ({"closes": "next week"}, "must be a date and time"),
    ({"quota": 0}, "quota must be a whole number"),
    ({"quotta": 5}, "did you mean 'quota'"),
])
def test_schedule_mistakes_are_explained(schedule, problem):
    data = {**FORM, "schedule": schedule}
    with pytest.raises(FormLoadError) as error:
        parse_form(data, "census.yaml", {c.name: c() for c in formkit_field_types()})
    assert problem in str(error.value.errors)

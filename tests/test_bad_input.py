"""Bad input gets a clear message in the visitor's language: never a 500, nothing lost."""

from __future__ import annotations

import re

import pytest

from conftest import make_app, text_of
from test_flow import PAGE, PAGE0


def test_unknown_form_is_a_404_in_french(client):
    response = client.get("/f/nope/?lang=fr")
    assert response.status_code == 404
    assert "Page introuvable" in text_of(response) and '<html lang="fr">' in response.text


def test_unknown_page_urls(client):
    assert client.get("/f/all_types/page/99").status_code == 302
    assert client.get("/nothing-here").status_code == 404


def test_unknown_locale_falls_back_with_a_notice(client):
    response = client.get("/?lang=de", headers={"Accept-Language": "fr"})
    assert response.status_code == 200
    assert '<html lang="fr">' in response.text
    assert "Cette langue n’est pas offerte" in response.text
    assert "lang=de" not in response.headers.get("Set-Cookie", "")


def test_missing_csrf_token_reshows_the_page_with_the_answers(tmp_path, store):
    app = make_app(tmp_path)
    client = app.test_client()
    client.get("/f/all_types/")
    response = client.post(PAGE.format(0), data={"q_name": "Zoë", "_action": "next"})
    assert response.status_code == 400
    assert 'value="Zoë"' in response.text
    assert "press the button again" in text_of(response)
    assert app.extensions["formkit"].store.count("all_types") == 0  # nothing written


def test_stale_csrf_token_in_french(tmp_path):
    app = make_app(tmp_path)
    client = app.test_client()
    client.get("/f/all_types/?lang=fr")
    response = client.post(PAGE.format(0), data={"q_name": "Zoë", "csrf_token": "forged",
                                                 "_action": "next"})
    assert response.status_code == 400
    assert "appuyer de nouveau sur le bouton" in text_of(response)
    response = client.post("/resume", data={"code": "x", "csrf_token": "forged"})
    assert response.status_code == 400 and "Votre session a expiré" in text_of(response)


def test_csrf_token_does_not_expire_within_a_session(app):
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None


def test_lost_session_cannot_take_up_a_draft_by_its_key_but_loses_no_input(app, browser,
                                                                          store):
    browser.get("/f/all_types/")
    browser.follow(browser.post(PAGE.format(0), PAGE0))
    key = browser.hidden("_key")
    # The session cookie is lost (browser closed): to the server this is another browser,
    # and the key the page carries is not its own (a draft belongs to one browser).
    browser.client.delete_cookie("session")
    browser.get("/f/all_types/")
    response = browser.client.post(PAGE.format(1), data={
        "csrf_token": browser.hidden("csrf_token"), "_key": key, "q_age": "47",
        "_action": "save"})
    assert response.status_code == 422 and 'value="47"' in response.text
    assert store.count("all_types") == 1
    # Pressing the button again starts a new response that keeps what was typed.
    browser.page = response
    browser.follow(browser.post(PAGE.format(1), {"q_age": "47"}, action="save"))
    assert store.count("all_types") == 2
    [new] = [r for r in store.iter_responses("all_types") if r.key != key]
    assert new.pending["details"]["q_age"] == ["47"]


def test_oversized_body_is_413_translated(tmp_path):
    app = make_app(tmp_path, MAX_CONTENT_LENGTH=2000, WTF_CSRF_ENABLED=False)
    response = app.test_client().post(PAGE.format(0) + "?lang=fr",
                                      data={"q_name": "x" * 5000})
    assert response.status_code == 413 and "Trop de données" in text_of(response)


def test_over_long_text_is_refused_with_the_configured_limit(tmp_path):
    app = make_app(tmp_path, MAX_TEXT_LENGTH=100)
    from conftest import Browser

    browser = Browser(app.test_client())
    browser.get("/f/all_types/")
    response = browser.post(PAGE.format(0), {**PAGE0, "q_postal": "", "q_phone": "",
                                             "q_email": "a@b.ca", "q_website": "x" * 200})
    assert response.status_code == 422
    assert "Field cannot be longer than 100 characters." in text_of(response)
    assert app.extensions["formkit"].store.count("all_types", "submitted") == 0


@pytest.mark.parametrize("payload", [
    {"q_role": "admin"},
    {"q_role": ["staff", "volunteer"]},
    {"q_name": ["a", "b"]},
    {"q_email": "\x00\x00@\x00"},
    {"q_phone": "+" + "9" * 60},
    {"q_name": "👩🏽‍⚕️" * 10, "q_postal": "ÉÉÉ ÉÉÉ"},
    {"_key": "../../etc/passwd"},
])
def test_tampered_and_odd_values_never_500(browser, payload):
    browser.get("/f/all_types/")
    response = browser.post(PAGE.format(0), {**PAGE0, **payload})
    assert response.status_code in (302, 422)


def test_unknown_action_is_harmless(browser):
    browser.get("/f/all_types/")
    response = browser.post(PAGE.format(0), PAGE0, action="explode:now")
    assert response.status_code == 302


def test_posting_a_page_not_reached_yet_goes_back(browser):
    browser.get("/f/all_types/")
    response = browser.post(PAGE.format(2), {"q_overall": "3"}, action="submit")
    assert response.status_code == 302 and response.headers["Location"].endswith("/page/0")


@pytest.mark.parametrize("code", ["short", "ABCD-EFGH-JKLM-NPQ!", "x" * 500, "../../"])
def test_malformed_resume_code(client, code):
    page = client.get("/resume?lang=fr")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post("/resume", data={"code": code, "csrf_token": token})
    assert response.status_code == 422
    assert "Un code de reprise compte 16 lettres" in text_of(response)


def test_unknown_resume_code(client):
    response = client.get("/resume/ABCDEFGHJKLMNPQR?lang=en")
    assert response.status_code == 404
    assert "could not find a saved response" in text_of(response)

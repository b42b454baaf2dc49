"""Bad input gets a clear message in the visitor's language: never a 500, nothing lost."""

from __future__ import annotations

import re

import pytest

from conftest import Browser, make_app, store_of, text_of
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


# -- hostile input that gave a 500 (issue 12) ------------------------------------------
HUGE_NUMBERS = ["1E+999999999999999999", "-1e999999", "1e-999999999999999999", "NaN",
                "Infinity", "-Infinity", "sNaN", "9" * 400, "0E+999999999999999999"]
NUMBER_FIELDS = {1: ["q_age", "q_hours", "q_budget"], 2: ["q_actions-0-q_cost"]}


def _reach(browser, page: int) -> None:
    from test_flow import PAGE1

    browser.get("/f/all_types/")
    browser.follow(browser.post(PAGE.format(0), PAGE0))
    if page == 2:
        browser.follow(browser.post(PAGE.format(1), PAGE1))


@pytest.mark.parametrize("action", ["next", "save", "back", "lang:fr"])
def test_huge_and_odd_numbers_get_a_message_and_are_kept(tmp_path, store_url, action):
    from test_flow import PAGE1, PAGE2

    app = make_app(tmp_path, STORE=store_url, FORM_POSTS_PER_ADDRESS=(10**6, 60))
    pages = {1: PAGE1, 2: PAGE2}
    for page, names in NUMBER_FIELDS.items():
        for name in names:
            for value in HUGE_NUMBERS:
                browser = Browser(app.test_client())
                _reach(browser, page)
                response = browser.post(PAGE.format(page), {**pages[page], name: value},
                                        action=action)
                assert response.status_code in (302, 422), (name, value, response.status_code)
                if action == "next":
                    if value.startswith("0E"):
                        continue  # it is zero: accepted, or outside the field's range
                    assert response.status_code == 422, (name, value)
                    assert "Enter a number." in text_of(response), (name, value)
                    assert f'value="{value}"' in response.text
                    continue
                # Back, Save and the language switch keep the raw input: the page is
                # drawn again from it, and Next then explains what is wrong.
                lang = "fr" if action == "lang:fr" else "en"
                shown = browser.get(PAGE.format(page) + f"?lang={lang}")
                assert shown.status_code == 200 and f'value="{value}"' in shown.text, value
                if value.startswith("0E"):
                    continue
                again = browser.post(PAGE.format(page) + f"?lang={lang}",
                                     {**pages[page], name: value}, action="next")
                assert again.status_code == 422, (name, value)
                assert ("Entrez un nombre." if lang == "fr" else "Enter a number.") \
                    in text_of(again)


def test_numbers_are_bounded_without_arithmetic():
    import decimal

    from formkit.fields.number import within_limits

    assert within_limits(decimal.Decimal("999999999999.99"))
    assert within_limits(decimal.Decimal("0E+999999999999999999"))
    assert within_limits(decimal.Decimal("-1e-12")) and within_limits(decimal.Decimal("0"))
    for text in ["1E+999999999999999999", "-1e12", "1e12", "1e-13", "-1e-999999999999999999",
                 "NaN", "sNaN", "Infinity"]:
        assert not within_limits(decimal.Decimal(text)), text


def _multipart(*parts: bytes, boundary: bytes = b"b") -> bytes:
    body = b"".join(b"--" + boundary + b"\r\n" + part + b"\r\n" for part in parts)
    return body + b"--" + boundary + b"--\r\n"


def _token_part(token: str) -> bytes:
    return b'Content-Disposition: form-data; name="csrf_token"\r\n\r\n' + token.encode()


MALFORMED = {
    "part name without value": lambda t: (
        _multipart(_token_part(t), b"Content-Disposition: form-data; name\r\n\r\nx"),
        "multipart/form-data; boundary=b"),
    "garbled content-disposition": lambda t: (
        _multipart(_token_part(t), b"Content-Disposition: ;;;==;\r\n\r\nx"),
        "multipart/form-data; boundary=b"),
    "missing boundary": lambda t: (_multipart(_token_part(t)), "multipart/form-data"),
    "truncated": lambda t: (_multipart(_token_part(t))[:-8], "multipart/form-data; boundary=b"),
    "invalid UTF-8": lambda t: (f"csrf_token={t}&email=\xff".encode("latin-1"),
                                "application/x-www-form-urlencoded"),
}


@pytest.mark.parametrize("kind", sorted(MALFORMED))
def test_malformed_bodies_are_a_translated_400_on_every_post(seed_app, kind):
    from conftest import add_user, csrf, sign_in
    from formkit.rest.tokens import create_token

    add_user(seed_app)
    client = seed_app.test_client()
    sign_in(client)
    with seed_app.app_context():  # the API's own credentials: a bearer token
        _record, token = create_token(store_of(seed_app), "fuzz", write=True)
    response_id = "membership-000001-aaaaaaaa"
    urls = [rule.rule for rule in seed_app.url_map.iter_rules() if "POST" in rule.methods]
    assert len(urls) >= 6
    for rule in urls:
        url = (rule.replace("<form_id>", "membership").replace("<int:page>", "0")
               .replace("<response_id>", response_id).replace("<user_id>", "x")
               .replace("<token>", "x").replace("<token_id>", "x")
               .replace("<int:number>", "1").replace("<story_id>", "x"))
        body, content_type = MALFORMED[kind](csrf(client, "/admin/"))
        api = url.startswith("/api/")
        response = client.post(url + "?lang=fr", data=body, content_type=content_type,
                               headers={"Authorization": f"Bearer {token}"} if api else {})
        assert response.status_code == 400, (url, response.status_code)
        # Refused as malformed, not mistaken for an expired page (an empty form); the API
        # says so as problem details.
        if api:
            assert response.content_type == "application/problem+json", url
            assert response.json["title"] == "Requête incorrecte", url
        else:
            assert "Requête incorrecte" in text_of(response), url
    assert client.get("/admin/").status_code == 200  # still signed in


@pytest.mark.parametrize("page", ["²", "₁", "٣", "-1", "0", "1e3", " 2", "9" * 40, "x"])
def test_page_arguments_take_ascii_digits_only(admin, page):
    from formkit.testing import submit

    submit(admin.application, "membership")
    for url in ["/admin/forms/membership/", "/admin/forms/membership/summary",
                "/admin/forms/membership/export.csv", "/admin/forms/membership/export.json",
                "/admin/forms/membership/export.xlsx", "/admin/audit"]:
        response = admin.get(url, query_string={"page": page})
        response.get_data()  # exports stream: read them to the end
        assert response.status_code == 200, (url, page, response.status_code)


def test_page_number_reads_ascii_digits_only():
    from formkit.paging import ascii_int, page_number

    assert page_number({"page": "3"}) == 3
    assert page_number({"page": "30"}, last=4) == 4
    for text in ["²", "₁", "٣", "-1", "0", "", "+2", " 2", "9" * 10]:
        assert page_number({"page": text}) == 1, text
    assert page_number({}) == 1
    assert ascii_int("٣") is None and ascii_int("12") == 12 and ascii_int("7", maximum=5) is None


def test_table_row_removal_takes_ascii_digits_only(browser):
    from test_flow import PAGE2

    _reach(browser, 2)
    rows = {**PAGE2, "q_actions-1-q_what": "Second", "q_actions-٣-q_what": "Arabic three"}
    for index in ["²", "٣", "1"]:
        response = browser.post(PAGE.format(2), rows, action=f"remove:actions:{index}")
        assert response.status_code == 302
    page = browser.get(PAGE.format(2)).text
    assert "Plan the launch" in page and "Second" not in page  # only "1" removed a row
    assert "Arabic three" not in page  # rows are numbered in ASCII digits


HOSTILE_NEXT = ["/admin/\r\nSet-Cookie: x=y", "/admin/%0d%0aSet-Cookie:%20x=y",
                "/admin/%250d%250a", "//evil.example", "/\\evil.example", "/admin\\..\\x",
                "https://evil.example/admin", "/admin//evil.example", "/admin/\u2028x",
                "/administrator", "javascript:alert(1)", "/admin/x\\evil", "/admin/\t",
                "/admin/" + "x" * 3000, " /admin/", "/f/membership/"]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_sign_in_follows_only_a_same_site_admin_path(seed_app, target):
    from conftest import add_user, sign_in

    add_user(seed_app)
    client = seed_app.test_client()
    response = sign_in(client, next=target)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    response = client.get("/admin/login", query_string={"next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"


def test_sign_in_follows_the_page_it_came_from(seed_app):
    from conftest import add_user, sign_in

    add_user(seed_app)
    client = seed_app.test_client()
    target = "/admin/forms/membership/?q=a%20b&page=2"
    assert sign_in(client, next=target).headers["Location"] == target
    assert client.get("/admin/login", query_string={"next": "/admin"}).headers[
        "Location"] == "/admin"


def test_table_buttons_name_only_fields_of_the_page(browser):
    browser.get("/f/all_types/")
    for action in ["add:x\r\nSet-Cookie: a=b", "remove:x\r\n:0", "add:<b>"]:
        response = browser.post(PAGE.format(0), PAGE0, action=action)
        assert response.status_code == 302
        assert response.headers["Location"] == PAGE.format(0)


CONTROL_TEXT = "a\x00b\x01c\x1fd\x7fe\tf\r\ng"


@pytest.mark.parametrize("action", ["save", "back", "lang:fr", "next"])
def test_control_characters_never_reach_the_store(tmp_path, store_url, action):
    app = make_app(tmp_path, STORE=store_url)
    browser = Browser(app.test_client())
    browser.get("/f/all_types/")
    response = browser.post(PAGE.format(0), {**PAGE0, "q_name": CONTROL_TEXT,
                                             "q_x\x00": "\x00"}, action=action)
    assert response.status_code == 302
    draft = next(iter(app.extensions["formkit"].store.iter_responses("all_types")))
    stored = str(draft.answers) + str(draft.pending)
    assert "abcde\\tf\\" in stored  # tab and line breaks are kept
    assert not re.search(r"\\x(0[0-8b-cef]|1.|7f)", stored), stored


@pytest.mark.parametrize("body, content_type", [
    (b"--b\r\nContent-Disposition: form-data; name\r\n\r\nx\r\n--b--\r\n",
     "multipart/form-data; boundary=b"),
    (b"a=\xff", "application/x-www-form-urlencoded"),
])
def test_a_malformed_body_reads_as_an_empty_form_after_the_400(app, body, content_type):
    from flask import request
    from werkzeug.exceptions import BadRequest

    with app.test_request_context("/resume", method="POST", data=body,
                                  content_type=content_type):
        with pytest.raises(BadRequest):
            request.form  # noqa: B018
        assert not request.form and not request.files  # error pages may read it again


def test_control_characters_are_stripped_from_query_arguments(app):
    with app.test_request_context("/?q=a%00b%01c%09d&x%00=1"):
        from flask import request

        assert request.args["q"] == "ab" "c\td" and request.args["x"] == "1"


def test_nul_in_sign_in_review_and_filters(tmp_path, store_url):
    from conftest import ROOT, add_user, csrf, sign_in
    from formkit.testing import submit

    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(ROOT / "forms"),
                   PLUGINS_DIR=str(ROOT / "plugins"), ARGON2_PROFILE="CHEAPEST")
    add_user(app)
    client = app.test_client()
    assert sign_in(client, email="admin@example.ca\x00").status_code == 302
    response = submit(app, "membership")
    token = csrf(client, f"/admin/responses/{response.id}")
    with app.test_request_context("/"):
        from formkit.review import status_keys

        status = status_keys(app.extensions["formkit"].registry.get_form("membership"))[-1]
    assert client.post(f"/admin/responses/{response.id}/status", data={
        "csrf_token": token, "status": status, "comment": "ok\x00ok"}).status_code == 302
    history = app.extensions["formkit"].store.get(response.id).history
    assert history[-1]["comment"] == "okok"
    assert client.get("/admin/forms/membership/?q=%00x").status_code == 200
    assert client.get("/admin/responses/%00").status_code == 404
    assert client.get("/f/membership/done/%00").status_code == 404
    assert client.get("/resume/%00").status_code == 404


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def test_store_removes_nul_from_what_it_writes_and_queries(store_url):
    """PostgreSQL cannot hold NUL: the store removes it from every text it writes or
    queries with (TinyDB keeps text verbatim); neither fails."""
    from formkit.storage import Response, open_store
    from formkit.storage.base import User

    postgres = store_url.startswith("postgresql")
    store = open_store(store_url, ".")
    try:
        draft = store.create_draft("f", 1, "en", "k" * 16, answers={"a\x00": "x\x00y"})
        draft.pending = {"s": {"q\x00": ["\x00"]}}
        draft = store.save_draft(draft)
        again = store.get(draft.id)
        assert again.answers == ({"a": "xy"} if postgres else {"a\x00": "x\x00y"})
        assert again.pending == ({"s": {"q": [""]}} if postgres else draft.pending)
        assert store.get("\x00") is None and store.find_user("a\x00@b.ca") is None
        store.update(draft.id, history=[{"comment": "n\x00"}])
        assert store.get(draft.id).history[0]["comment"] == ("n" if postgres else "n\x00")
        store.add_user(User(id="u\x00", email="a\x00@b.ca", role="admin"))
        assert store.find_user("a\x00@b.ca") is not None  # found by what was asked
        store.append_audit({"action": "x\x00"})
        assert list(store.iter_audit())[0]["action"] == ("x" if postgres else "x\x00")
        assert store.peek("k\x00") == 0 and store.hit("k\x00", 60) == 1
        assert len(list(store.iter_responses("f", "draft\x00"))) == (1 if postgres else 0)
        copied = Response(id="f-copy\x00", form_id="f", form_version=1, locale="en",
                          answers={"n\x00": "\x00"}, pending={"s": {"a": ["\x00"]}})
        assert store.import_records([copied]) == 1
        records = [r.to_dict() for r in store.iter_responses("f")]
        assert len(records) == 2 and _has_nul(records) is not postgres
    finally:
        store.close()


def test_postal_codes_take_ascii_digits_only(browser):
    browser.get("/f/all_types/")
    response = browser.post(PAGE.format(0), {**PAGE0, "q_postal": "K١A ٠B٦"})
    assert response.status_code == 422 and "Enter a Canadian postal code" in text_of(response)


def test_unknown_form_without_a_csrf_token_is_a_404(client):
    for url in ["/f/nope/page/0?lang=fr", "/f/%22%3E%3Cimg/page/3?lang=fr"]:
        response = client.post(url, data={"q_name": "x"})
        assert response.status_code == 404 and "Page introuvable" in text_of(response)


@pytest.mark.parametrize("query", ["endpoint=x", "_external=1", "_anchor=x", "form_id=x",
                                   "values=a&values=b", "lang=xx&lang=de"])
def test_query_arguments_named_like_url_for_keywords(client, query):
    response = client.get(f"/resume?{query}")
    assert response.status_code == 200
    link = re.search(r'href="([^"]*)" lang="fr"', response.text).group(1)
    assert link.startswith("/resume?") and link.endswith("lang=fr") and "lang=xx" not in link


@pytest.mark.parametrize("name", ["é" * 300, "x" * 5000, "a%00b", "..%2F..%2Fetc%2Fpasswd"])
def test_odd_asset_names_are_a_404(client, name):
    assert client.get(f"/assets/{name}.0123456789.css").status_code == 404
    assert client.get(f"/assets/formkit.0123456789.{name}").status_code == 404
    assert client.get(f"/static/{name}").status_code == 404

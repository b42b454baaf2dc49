"""Security by default: headers, cookies, rate limits."""

from __future__ import annotations

import re

from conftest import Browser, make_app, text_of
from test_flow import PAGE, PAGE0


def test_every_response_has_security_headers(client):
    for url in ("/", "/f/all_types/", "/resume", "/nothing-here", "/admin/login"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, url
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script_or_style(client):
    """No inline script; no style attribute; the only inline style is the first visit's
    stylesheet, allowed by its hash alone (tests/test_page_weight.py)."""
    first = client.get("/f/all_types/")
    assert "<style>" in first.text
    for page in (first.text, client.get("/f/all_types/").text):
        assert "<script>" not in page and not re.search(r"<script(?![^>]*\bsrc=)", page)
        assert "style=" not in page
    assert "<style" not in client.get("/f/all_types/").text
    assert "unsafe-inline" not in first.headers["Content-Security-Policy"]


def session_cookie(response) -> str:
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))


def test_session_cookie_flags(app):
    browser = Browser(app.test_client())
    browser.get("/f/all_types/")
    cookie = session_cookie(browser.post(PAGE.format(0), PAGE0))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = Browser(app.test_client())
    secure.get("/f/all_types/", base_url="https://localhost")
    response = secure.client.post(PAGE.format(0), base_url="https://localhost", data={
        **PAGE0, "_action": "next", "csrf_token": secure.hidden("csrf_token"),
        "_key": secure.hidden("_key")})
    assert "Secure" in session_cookie(response)


def test_resume_codes_cannot_be_guessed(client):
    page = client.get("/resume?lang=fr")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    for number in range(10):
        guess = client.post("/resume", data={"code": f"AAAA-BBBB-CCCC-DD{number:02d}"[:19],
                                             "csrf_token": token})
        assert guess.status_code == 422
    blocked = client.post("/resume", data={"code": "AAAA-BBBB-CCCC-DDDD", "csrf_token": token})
    assert blocked.status_code == 429 and "Trop de codes" in text_of(blocked)
    assert client.get("/resume/ABCDEFGHJKLMNPQR").status_code == 429


def test_a_flood_of_form_posts_is_cut_off(tmp_path):
    app = make_app(tmp_path, FORM_POSTS_PER_ADDRESS=(5, 60))
    browser = Browser(app.test_client())
    browser.get("/f/all_types/?lang=fr")
    data = {"q_name": "", "_action": "next", "csrf_token": browser.hidden("csrf_token"),
            "_key": browser.hidden("_key")}
    codes = [browser.client.post(PAGE.format(0), data=data).status_code for _ in range(7)]
    assert codes[:5] == [422] * 5 and codes[5:] == [429, 429]
    assert "Trop de tentatives" in text_of(browser.client.post(PAGE.format(0), data=data))

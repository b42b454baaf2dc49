"""Pages for slow connections: small, no third-party requests, static files cached."""

from __future__ import annotations

import base64
import gzip
import hashlib
import re

import brotli
import pytest

from conftest import ROOT, Browser, fill, form_of, make_app, page_input

LIMIT = 50 * 1024
#: issue 14: the largest seed-form page, first visit, HTML + CSS as sent
FIRST_VISIT_SENT = 10 * 1024


@pytest.fixture(scope="module")
def weight_app(tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("weight"), FORMS_DIR=str(ROOT / "forms"),
                    PLUGINS_DIR=str(ROOT / "plugins"))


def page_weight(client, html: str) -> tuple[int, int]:
    """Bytes of the page and what it loads (stylesheet, script), and how many requests."""
    assets = re.findall(r'(?:href|src)="(/assets/[^"]+)"', html)
    total = len(html.encode())
    for url in assets:
        total += len(client.get(url).data)
    return total, 1 + len(assets)


def every_form_page(app):
    """(form id, page index, HTML, the client that filled the earlier pages) for every
    page of every seed form."""
    for form_id in ("membership", "wellbeing", "workplan", "evaluation", "competency"):
        form = form_of(app, form_id)
        browser = Browser(app.test_client())
        page = browser.follow(browser.get(f"/f/{form_id}/?lang=fr"))
        for index in range(len(form.sections)):
            yield form_id, index, page.get_data(as_text=True), browser.client
            if index < len(form.sections) - 1:
                page = browser.follow(browser.post(f"/f/{form_id}/page/{index}",
                                                   page_input(form.sections[index])))


def test_every_form_page_is_light_and_self_contained(weight_app):
    client = weight_app.test_client()
    pages = list(every_form_page(weight_app))
    assert len(pages) >= 20
    for form_id, index, html, _client in pages:
        size, requests = page_weight(client, html)
        assert size < LIMIT, (form_id, index, size)
        assert requests == 3
        hosts = set(re.findall(r'(?:href|src|action)="https?://([^/"]+)', html))
        assert not hosts, (form_id, index, hosts)


def test_static_files_have_hashed_names_and_long_caching(weight_app):
    client = weight_app.test_client()
    html = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/assets/formkit\.[0-9a-f]{10}\.css)"', html).group(1)
    response = client.get(css)
    assert response.status_code == 200 and "immutable" in response.headers["Cache-Control"]
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert client.get("/assets/formkit.0000000000.css").status_code == 404
    assert client.get("/assets/..%2Fapp.0000000000.py").status_code == 404
    # a name longer than the file system takes (found by the fuzz): not found, not a 500
    assert client.get(f"/assets/{'é' * 300}.0000000000.css").status_code == 404


def test_result_pages_stay_light(weight_app):
    client = weight_app.test_client()
    for form_id in ("wellbeing", "competency"):
        done = fill(Browser(weight_app.test_client()), weight_app, form_id, "fr")
        size, _requests = page_weight(client, done.get_data(as_text=True))
        assert size < LIMIT, (form_id, size)


def sent(client, url: str, encoding: str = "br") -> tuple[bytes, str | None]:
    response = client.get(url, headers={"Accept-Encoding": encoding})
    assert response.status_code == 200, url
    assert "Accept-Encoding" in response.headers["Vary"], url
    return response.data, response.headers.get("Content-Encoding")


DECODE = {"br": brotli.decompress, "gzip": gzip.decompress, None: lambda data: data}


def test_pages_and_static_files_go_out_compressed(weight_app):
    """Brotli or gzip, as the browser accepts; the content is the same once decoded; the
    largest page of every seed form, first visit, is at most 10 KB of HTML + CSS."""
    largest = {}
    for form_id, index, html, client in every_form_page(weight_app):
        if len(html) > len(largest.get(form_id, ("", 0, ""))[2]):
            largest[form_id] = (form_id, index, html, client)
    for form_id, index, html, client in largest.values():
        url = f"/f/{form_id}/page/{index}"
        stylesheets = re.findall(r'href="(/assets/[^"]+\.css)"', html)
        assert stylesheets, form_id
        total = 0
        for address in [url, *stylesheets]:
            plain, identity = sent(client, address, "")
            assert identity is None
            for encoding in ("br", "gzip"):
                data, used = sent(client, address, encoding)
                assert used == encoding, (address, encoding)
                if address != url:  # a page has a new CSRF token each time
                    assert DECODE[used](data) == plain
                else:
                    assert DECODE[used](data).decode().startswith("<!doctype html>")
            total += len(sent(client, address, "br, gzip")[0])
        assert total <= FIRST_VISIT_SENT, (form_id, index, total)


def test_favicon_is_served_and_cached(weight_app):
    client = weight_app.test_client()
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an icon file
    assert "max-age=604800" in response.headers["Cache-Control"]
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert client.get("/favicon.ico", headers={"If-None-Match": response.headers["ETag"]}
                      ).status_code == 304


def inline_style(html: str) -> str | None:
    match = re.search(r"<style>(.*?)</style>", html, re.S)
    return match.group(1) if match else None


def test_first_visit_paints_without_waiting_for_the_stylesheet(weight_app):
    """A first visit gets the stylesheet inline (allowed by its hash in the CSP) and the
    file linked at the end of the page, after everything painted; once the browser has
    it, pages link the cached file in their head."""
    client = weight_app.test_client()
    first = client.get("/f/wellbeing/")
    html = first.get_data(as_text=True)
    css = inline_style(html)
    head, body = html.split("</head>")
    assert 'rel="stylesheet"' not in head  # nothing holds the first paint back
    stylesheet = re.search(r'<link rel="stylesheet" href="(/assets/formkit\.\w+\.css)">\n'
                           r'<script [^>]+></script>\n</body>', body).group(1)
    assert css == client.get(stylesheet).get_data(as_text=True).strip()
    source = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    policy = first.headers["Content-Security-Policy"]
    assert f"style-src 'self' 'sha256-{source}';" in policy
    version = stylesheet.split(".")[1]
    assert client.get_cookie("formkit_css").value == version

    later = client.get("/f/wellbeing/").get_data(as_text=True)
    assert inline_style(later) is None
    assert f'<link rel="stylesheet" href="{stylesheet}">' in later.split("</head>")[0]
    assert later.count('rel="stylesheet"') == 1
    # a browser that was sent an older stylesheet gets the new one inline again
    client.set_cookie("formkit_css", "0123456789")
    assert inline_style(client.get("/f/wellbeing/").get_data(as_text=True)) == css
    assert client.get_cookie("formkit_css").value == version


def _comparable(html: str) -> str:
    """A page without what changes on every request (CSRF token, page key)."""
    return re.sub(r'(name="(?:csrf_token|_key)" value=")[^"]*"', r'\1"', html)


def test_reused_choice_markup_is_exactly_wtforms_own(weight_app, monkeypatch):
    """Radios and checkboxes come from a memo (formkit/fields/widgets.py): every page of
    every seed form, in both languages, answered and with errors, is the same markup
    with the memo as without it."""
    from formkit.fields import widgets

    pages = [(form_id, index, client)
             for form_id, index, _html, client in every_form_page(weight_app)]
    compared, markup = 0, ""
    for form_id, index, client in pages:
        url = f"/f/{form_id}/page/{index}"
        for lang in ("en", "fr"):
            shown, refused = [], []
            for limit in (widgets.LIMIT, 0):
                monkeypatch.setattr(widgets, "LIMIT", limit)
                page = client.get(f"{url}?lang={lang}", follow_redirects=True).text
                shown.append(_comparable(page))
            hidden = dict(re.findall(r'name="(csrf_token|_key)" value="([^"]+)"', page))
            for limit in (widgets.LIMIT, 0):  # nothing answered: every error shown
                monkeypatch.setattr(widgets, "LIMIT", limit)
                refused.append(_comparable(client.post(
                    url, data={**hidden, "_action": "next"}).text))
            assert shown[0] == shown[1], (form_id, index, lang)
            assert refused[0] == refused[1], (form_id, index, lang)
            compared += 1
            markup += shown[0] + refused[0]
    assert compared >= 40
    assert 'type="radio"' in markup and 'type="checkbox"' in markup and " checked " in markup
    assert 'aria-invalid="true"' in markup

"""Pages for slow connections: small, no third-party requests, static files cached."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT, Browser, fill, form_of, make_app, page_input

LIMIT = 50 * 1024


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
    """(form id, page index, HTML) for every page of every seed form."""
    for form_id in ("membership", "wellbeing", "workplan", "evaluation", "competency"):
        form = form_of(app, form_id)
        browser = Browser(app.test_client())
        page = browser.follow(browser.get(f"/f/{form_id}/?lang=fr"))
        for index in range(len(form.sections)):
            yield form_id, index, page.get_data(as_text=True)
            if index < len(form.sections) - 1:
                page = browser.follow(browser.post(f"/f/{form_id}/page/{index}",
                                                   page_input(form.sections[index])))


def test_every_form_page_is_light_and_self_contained(weight_app):
    client = weight_app.test_client()
    pages = list(every_form_page(weight_app))
    assert len(pages) >= 20
    for form_id, index, html in pages:
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

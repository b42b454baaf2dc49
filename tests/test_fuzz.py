"""Hostile input, generated: random and malicious payloads to every public form
endpoint never give a 500, and whatever is stored comes back escaped."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from conftest import ROOT, make_app

NASTY = [
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "' OR 1=1 --",
    "=HYPERLINK(\"http://x\")", "+1", "@SUM(A1)", "\x00", "\u202e", "\ud7ff", "𝕏" * 50,
    "é" * 3000, "${{7*7}}", "{{ config }}", "%(label)s", "../../etc/passwd", "",
    "1e308", "-0", "NaN", "Infinity", "9" * 400, "2025-02-30", "yes", "na", "\r\n" * 100,
]
values = st.one_of(st.sampled_from(NASTY), st.text(max_size=300),
                   st.integers(-10**20, 10**20).map(str))


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    return make_app(tmp_path_factory.mktemp("fuzz"), FORMS_DIR=str(ROOT / "forms"),
                    PLUGINS_DIR=str(ROOT / "plugins"), WTF_CSRF_ENABLED=False,
                    FORM_POSTS_PER_ADDRESS=(10**9, 60))


def field_names(app, form_id: str, page: int) -> list[str]:
    form = app.extensions["formkit"].registry.get_form(form_id)
    names = []
    for spec in form.sections[page].fields:
        if spec.stores_value:
            names.extend(spec.kind.sample_formdata(spec))
    return names


def page_key(page) -> str:
    return re.search(r'name="_key" value="([^"]+)"', page.get_data(as_text=True)).group(1)


FORMS = ["membership", "wellbeing", "workplan", "evaluation", "competency"]


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(form_id=st.sampled_from(FORMS), page=st.integers(0, 3), data=st.data(),
       action=st.sampled_from(["next", "back", "save", "submit", "lang:fr", "lang:xx",
                               "add:actions_1", "remove:actions_1:0", "remove:x:-1", ""]))
def test_random_posts_never_fail(fuzz_app, form_id, page, data, action):
    client = fuzz_app.test_client()
    start = client.get(f"/f/{form_id}/")
    names = field_names(fuzz_app, form_id, 0)
    chosen = data.draw(st.lists(st.sampled_from(names + ["junk", "q_x-0-q_y", "_key"]),
                                max_size=12))
    payload = [(name, data.draw(values)) for name in chosen]
    if "_key" not in chosen:  # the page's own key, so the fields are read, not refused
        payload.append(("_key", page_key(start)))
    payload.append(("_action", action))
    response = client.post(f"/f/{form_id}/page/{page}", data=MultiDict(payload))
    assert response.status_code < 500, response.status_code
    body = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "<img src=x onerror" not in body


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.text(max_size=60), query=st.text(max_size=60))
def test_random_addresses_never_fail(fuzz_app, path, query):
    client = fuzz_app.test_client()
    safe = quote(re.sub(r"[\x00-\x20#?]", "", path), safe="/")
    value = quote(query, safe="")
    for url in (f"/f/{safe}/", f"/resume/{safe}", f"/membership/directory?region={value}",
                f"/workplan/from-wellbeing?reference={value}", f"/?lang={value}",
                f"/f/membership/?from={value}", f"/f/workplan/?from={value}"):
        assert client.get(url).status_code < 500, url


def test_stored_hostile_text_comes_back_escaped_everywhere(fuzz_app):
    client = fuzz_app.test_client()
    start = client.get("/f/membership/")
    hostile = '<script>alert("x")</script>'
    response = client.post("/f/membership/page/0", data={
        "q_name": hostile, "q_email": "a@b.ca", "q_community": hostile,
        "q_region": "east", "q_kind": "project", "_action": "next",
        "_key": page_key(start)})
    assert response.status_code == 302
    page = client.get("/f/membership/page/0").get_data(as_text=True)
    assert hostile not in page and "&lt;script&gt;" in page

"""The application on PostgreSQL: whole journeys, several app servers, dropped links."""

from __future__ import annotations

import re

import psycopg
import pytest

from conftest import (
    DATABASE_URL,
    ROOT,
    Browser,
    add_user,
    fill,
    form_of,
    make_app,
    page_input,
    sign_in,
    text_of,
)


@pytest.fixture
def pg_app(tmp_path, pg_url):
    app = make_app(tmp_path, STORE=pg_url, FORMS_DIR=str(ROOT / "forms"),
                   PLUGINS_DIR=str(ROOT / "plugins"), ARGON2_PROFILE="CHEAPEST")
    yield app
    app.extensions["formkit"].store.close()


def test_journeys_and_coordinator_views_on_postgresql(pg_app):
    done = fill(Browser(pg_app.test_client()), pg_app, "wellbeing", "fr")
    assert "Vos principales priorités" in text_of(done)
    add_user(pg_app)
    client = pg_app.test_client()
    sign_in(client)
    listing = client.get("/admin/forms/wellbeing/?q=sample")
    assert "1 response" in text_of(listing)
    response_id = re.search(r'/admin/responses/([\w-]+)"', listing.text).group(1)
    assert client.get(f"/admin/responses/{response_id}/pdf").data[:5] == b"%PDF-"
    assert "Sample answer" in client.get("/admin/forms/wellbeing/export.csv").get_data(
        as_text=True)


def test_idempotent_submit_across_app_servers(tmp_path, pg_url):
    servers = [make_app(tmp_path / name, STORE=pg_url, FORMS_DIR=str(ROOT / "forms"),
                        PLUGINS_DIR=str(ROOT / "plugins")) for name in ("a", "b")]
    try:
        first = Browser(servers[0].test_client())
        form = form_of(servers[0], "membership")
        first.follow(first.get("/f/membership/"))
        for index in range(len(form.sections) - 1):
            first.follow(first.post(f"/f/membership/page/{index}",
                                    page_input(form.sections[index])))
        last = len(form.sections) - 1
        data = page_input(form.sections[last])
        key = first.hidden("_key")
        done = first.post(f"/f/membership/page/{last}", data, action="submit")
        # The same submission reaches another server (a retry through the load balancer,
        # from the same browser: its session cookie goes along).
        other = servers[1].test_client()
        other.set_cookie("session", first.client.get_cookie("session").value)
        token = re.search(r'name="csrf_token" value="([^"]+)"',
                          other.get("/f/membership/").text).group(1)
        retry = other.post(f"/f/membership/page/{last}", data={
            **data, "_key": key, "csrf_token": token, "_action": "submit"})
        assert retry.status_code == 302 and "/done/" in retry.headers["Location"]
        assert done.headers["Location"].split("/done/")[0] == \
            retry.headers["Location"].split("/done/")[0]
        store = servers[1].extensions["formkit"].store
        assert store.count("membership") == 1 and store.count("membership", "submitted") == 1
    finally:
        for app in servers:
            app.extensions["formkit"].store.close()


def drop_connections(app_name: str) -> int:
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        rows = conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                            "application_name = %s AND pid <> pg_backend_pid()",
                            (app_name,)).fetchall()
    return len(rows)


def test_a_dropped_connection_keeps_the_answers_and_the_next_try_works(pg_app, pg_url):
    app_name = re.search(r"application_name=(\w+)", pg_url).group(1)
    browser = Browser(pg_app.test_client())
    form = form_of(pg_app, "membership")
    browser.follow(browser.get("/f/membership/?lang=fr"))
    data = {**page_input(form.sections[0]), "q_name": "Zoë Tremblay"}
    assert drop_connections(app_name) >= 1  # the database goes away between requests
    refused = browser.post("/f/membership/page/0", data)
    assert refused.status_code == 503
    assert "Nous n’avons pas pu enregistrer vos réponses" in text_of(refused)
    assert 'value="Zoë Tremblay"' in refused.text  # nothing typed is lost
    again = browser.post("/f/membership/page/0", data)  # the respondent presses again
    assert again.status_code == 302 and again.headers["Location"].endswith("/page/1")
    store = pg_app.extensions["formkit"].store
    [draft] = list(store.iter_responses("membership"))
    assert draft.answers["name"] == "Zoë Tremblay"
    assert pg_app.test_client().get("/").status_code == 200

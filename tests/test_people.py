"""A person's data on both stores: an administrator finds every response and email
linked to an address, downloads it as one file, and deletes it in one audited action;
coordinators cannot."""

from __future__ import annotations

import json

import pytest

from conftest import add_user, csrf, sign_in, store_of, submit, text_of
from formkit.outbox.queue import enqueue


@pytest.fixture
def app(seed_store_app):
    return seed_store_app


@pytest.fixture
def admin(app):
    add_user(app)
    client = app.test_client()
    sign_in(client)
    return client


def test_find_export_and_delete_a_person(app, admin):
    mine = submit(app, "membership", "fr", {0: {"q_email": "Pat@Example.ca"}})
    other = submit(app, "membership", "en", {0: {"q_email": "someone@example.ca"}})
    with app.app_context():
        enqueue("email:welcome:x", "email", {"to": "pat@example.ca", "subject": "Bienvenue",
                                             "text": "t"}, recipient="pat@example.ca")
        enqueue("email:welcome:y", "email", {"to": "someone@example.ca", "subject": "Hi",
                                             "text": "t"}, recipient="someone@example.ca")
    page = admin.get("/admin/people?email=PAT@example.ca")
    assert mine.id in page.text and other.id not in page.text and "Bienvenue" in page.text
    exported = admin.get("/admin/people/export.json?email=pat@example.ca")
    assert exported.headers["Content-Disposition"].startswith("attachment")
    document = json.loads(exported.data)
    assert [r["record"]["id"] for r in document["responses"]] == [mine.id]
    assert document["responses"][0]["answers_shown"]["Email address"] == "pat@example.ca"
    theirs = {m.id for m in store_of(app).list_messages(recipient="pat@example.ca")}
    assert {m["id"] for m in document["messages"]} == theirs and "email:welcome:x" in theirs
    assert len(theirs) == 2  # with the membership welcome the plugin queued
    wrong = admin.post("/admin/people/delete", data={
        "csrf_token": csrf(admin, "/admin/people"), "email": "pat@example.ca",
        "confirm": "pat@example.com"})
    assert wrong.status_code == 302 and store_of(app).get(mine.id) is not None
    done = admin.post("/admin/people/delete", follow_redirects=True, data={
        "csrf_token": csrf(admin, "/admin/people"), "email": "pat@example.ca",
        "confirm": " Pat@example.ca "})
    assert "1 responses, 0 invitations and 2 messages" in text_of(done)
    store = store_of(app)
    assert store.get(mine.id) is None and store.get(other.id) is not None
    assert {m.recipient for m in store.list_messages()} == {"someone@example.ca"}
    assert "Nothing is linked" in text_of(admin.get("/admin/people?email=pat@example.ca"))
    actions = [(e["action"], e["target"]) for e in store.iter_audit()
               if e["action"].startswith("person_")]
    assert {a for a, _t in actions} == {"person_search", "person_export", "person_delete"}
    assert all("pat@" not in (t or "") for _a, t in actions)  # no address left in the log


def test_a_coordinator_cannot_look_up_a_person(app):
    add_user(app, "coord@example.ca", role="coordinator", all_forms=True)
    client = app.test_client()
    sign_in(client, "coord@example.ca")
    assert client.get("/admin/people?email=a@example.ca").status_code == 403
    assert client.post("/admin/people/delete", data={
        "csrf_token": csrf(client, "/admin/"), "email": "a@b.ca",
        "confirm": "a@b.ca"}).status_code == 403

"""The coordinator workspace: accounts, sign-in, access control, review, audit."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from conftest import PASSWORD, add_user, csrf, make_app, sign_in, store_of, submit, text_of
from formkit.cli import main
from formkit.clock import ManualClock


@pytest.fixture
def app(seed_app):
    return seed_app


# -- accounts ---------------------------------------------------------------------------
def test_no_default_account(app):
    assert store_of(app).list_users() == []
    client = app.test_client()
    response = sign_in(client, "admin@example.ca", "admin")
    assert response.status_code == 200 and "not right" in text_of(response)


def cli(app, *args, **kwargs):
    from flask.cli import ScriptInfo

    return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app),
                              **kwargs)


def test_cli_creates_lists_disables_accounts(app):
    result = cli(app, "user", "create", "Chloe@Example.ca", "--role", "coordinator",
                 "--forms", "membership", input="short\nshort\n" + f"{PASSWORD}\n" * 2)
    assert result.exit_code == 0, result.output
    assert "Use at least 12 characters." in result.output
    user = store_of(app).find_user("chloe@example.ca")
    assert user.password_hash.startswith("$argon2id$") and user.forms == ["membership"]
    assert PASSWORD not in str(user.to_dict())
    listing = cli(app, "user", "list").output
    assert "chloe@example.ca" in listing and "coordinator" in listing and "membership" in listing
    assert cli(app, "user", "create", "chloe@example.ca", input=f"{PASSWORD}\n" * 2
               ).exit_code == 1  # taken
    assert cli(app, "user", "create", "x@example.ca", "--forms", "nope").exit_code == 1
    assert cli(app, "user", "disable", "chloe@example.ca").exit_code == 0
    assert store_of(app).find_user("chloe@example.ca").active is False
    client = app.test_client()
    assert "not right" in text_of(sign_in(client, "chloe@example.ca"))


def test_user_create_is_atomic_on_both_stores(tmp_path, store_url):
    app = make_app(tmp_path, STORE=store_url)
    try:
        # Two entries that differ, then the prompt ends: nothing is stored, and it says
        # what to do.
        mismatched = cli(app, "user", "create", "pat@example.ca", "--role", "admin",
                         input=f"{PASSWORD}\nsomething else entirely\n")
        assert mismatched.exit_code == 1
        assert "no account was created" in mismatched.output
        assert "--link" in mismatched.output
        interrupted = cli(app, "user", "create", "pat@example.ca", input="")
        assert interrupted.exit_code == 1 and "no account was created" in interrupted.output
        assert store_of(app).find_user("pat@example.ca") is None
        created = cli(app, "user", "create", "pat@example.ca", input=f"{PASSWORD}\n" * 2)
        assert created.exit_code == 0, created.output
        assert store_of(app).find_user("pat@example.ca").password_hash.startswith("$argon2")
        taken = cli(app, "user", "create", "pat@example.ca")  # refused before any prompt
        assert taken.exit_code == 1 and "already exists" in taken.output
        assert "Password" not in taken.output
    finally:
        store_of(app).close()


def test_set_password_link_is_one_time(app):
    result = cli(app, "user", "create", "new@example.ca", "--role", "admin", "--link")
    link = result.output.strip().splitlines()[-1]
    path = link.split("127.0.0.1:5000", 1)[1]
    client = app.test_client()
    token = csrf(client, path)
    short = client.post(path, data={"csrf_token": token, "password": "x", "confirm": "x"})
    assert short.status_code == 422 and "at least 12" in text_of(short)
    other = client.post(path, data={"csrf_token": token, "password": PASSWORD,
                                     "confirm": PASSWORD + "!"})
    assert "not the same" in text_of(other)
    done = client.post(path, data={"csrf_token": token, "password": PASSWORD,
                                   "confirm": PASSWORD})
    assert done.status_code == 302
    assert sign_in(client, "new@example.ca").status_code == 302
    again = app.test_client().get(path + "?lang=fr")
    assert again.status_code == 404 and "Ce lien n’est plus valide" in text_of(again)


def test_reset_password_ends_sessions(app, admin):
    assert admin.get("/admin/").status_code == 200
    cli(app, "user", "reset-password", "admin@example.ca", input="another long secret\n" * 2)
    assert admin.get("/admin/").status_code == 302
    assert sign_in(app.test_client(), password="another long secret").status_code == 302


# -- signing in -------------------------------------------------------------------------
def test_sign_in_renews_the_session(app):
    add_user(app)
    client = app.test_client()
    before = csrf(client)
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in(client)
    with client.session_transaction() as session:
        assert "planted" not in session and session["sid"]
    assert csrf(client, "/admin/") != before


def test_account_locks_after_repeated_failures(tmp_path):
    moment = ManualClock()
    app = make_app(tmp_path, CLOCK=moment)
    add_user(app)
    client = app.test_client()
    assert "not right" in text_of(sign_in(client, password="wrong password!"))
    moment.advance(minutes=10)
    for _ in range(4):
        assert "not right" in text_of(sign_in(client, password="wrong password!"))
    locked = sign_in(client)  # even the right password now
    assert locked.status_code == 423 and "locked" in text_of(locked)
    assert "15 minutes" in text_of(locked) or "16 minutes" in text_of(locked)
    moment.advance(minutes=14)  # 24 minutes after the first failure, 14 after the fifth
    assert sign_in(client).status_code == 423
    moment.advance(minutes=2)
    assert sign_in(client).status_code == 302


def test_address_is_limited_across_accounts(app):
    client = app.test_client()
    for number in range(20):
        sign_in(client, f"guess{number}@example.ca", "whatever guess")
    limited = sign_in(client, "another@example.ca", "whatever guess", )
    assert limited.status_code == 429 and "Too many failed sign-ins" in text_of(limited)


def test_idle_session_expires(tmp_path):
    moment = ManualClock()
    app = make_app(tmp_path, CLOCK=moment)
    add_user(app)
    admin = app.test_client()
    sign_in(admin)
    moment.advance(minutes=29)
    assert admin.get("/admin/").status_code == 200  # use renews the idle timer
    moment.advance(minutes=29)
    assert admin.get("/admin/").status_code == 200
    moment.advance(minutes=31)
    response = admin.get("/admin/")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
    page = admin.get(response.headers["Location"])
    assert "Your session ended" in text_of(page)


def test_sign_out(admin):
    token = csrf(admin, "/admin/")
    assert admin.post("/admin/logout", data={"csrf_token": token}).status_code == 302
    assert admin.get("/admin/").status_code == 302


def test_next_cannot_leave_the_site(app):
    add_user(app)
    client = app.test_client()
    response = sign_in(client, next="https://evil.example/")
    assert response.headers["Location"] == "/admin/"


def test_admin_post_without_csrf_is_refused_in_french(admin):
    response = admin.post("/admin/logout?lang=fr")
    assert response.status_code == 400 and "Votre session a expiré" in text_of(response)


# -- access control (the sweep of every route is in test_access.py) -------------------
def test_coordinator_limited_to_some_forms(app):
    add_user(app)
    add_user(app, "coord@example.ca", "coordinator", forms=["membership"])
    wellbeing = submit(app, "wellbeing")
    client = app.test_client()
    sign_in(client, "coord@example.ca")
    dashboard = text_of(client.get("/admin/"))
    assert "Compassionate Communities" in dashboard and "Wellbeing Guide" not in dashboard
    assert client.get("/admin/forms/wellbeing/").status_code == 403
    # a response of a form one may not see is "not found", exactly like a missing one
    assert client.get(f"/admin/responses/{wellbeing.id}").status_code == 404
    assert client.get(f"/admin/responses/{wellbeing.id}/pdf").status_code == 404
    assert client.get("/admin/forms/wellbeing/export.csv").status_code == 403
    assert client.get("/admin/users").status_code == 403
    assert client.get("/admin/audit").status_code == 403


# -- review -----------------------------------------------------------------------------
def test_dashboard_counts(app, admin):
    submit(app, "membership")
    submit(app, "membership")
    store_of(app).create_draft("membership", "1", "en", "draft-key")
    text = text_of(admin.get("/admin/"))
    row = re.search(r"Compassionate Communities[^|]*?membership application (\d+) (\d+) "
                    r"Pending: (\d+) · Approved: (\d+)", text)
    assert row and row.groups() == ("2", "1", "2", "0")


def test_list_filters_sorts_and_pages(app, admin):
    first = submit(app, "workplan", "fr", overrides={1: {"q_actions_1-0-q_cost": "900"}})
    second = submit(app, "workplan", "en", overrides={1: {"q_actions_1-0-q_cost": "100"}})
    page = admin.get("/admin/forms/workplan/?sort=total_cost&order=asc")
    ids = re.findall(r'/admin/responses/([\w-]+)"', page.text)
    assert ids == [second.id, first.id]
    assert "$100.00" in text_of(page) and "2 responses" in text_of(page)
    assert re.findall(r'/admin/responses/([\w-]+)"',
                      admin.get("/admin/forms/workplan/?lang_filter=fr").text) == [first.id]
    assert "1 response" in text_of(admin.get("/admin/forms/workplan/?q=SAMPLE%20answer"
                                             "&lang_filter=en"))
    assert "No response matches" in text_of(admin.get("/admin/forms/workplan/?since=2999-01-01"))
    odd = admin.get("/admin/forms/workplan/?status=zzz&review=nope&since=yesterday&sort=evil"
                    "&page=-3&lang_filter=de")
    text = text_of(odd)
    assert odd.status_code == 200 and "Unknown response state ignored." in text
    assert "is not a date like 2025-01-31" in text and "Unknown sort order ignored." in text
    app.config["RESPONSES_PER_PAGE"] = 1
    paged = admin.get("/admin/forms/workplan/?page=2")
    assert "Page 2 of 2" in text_of(paged) and 'rel="prev"' in paged.text


def test_response_view_in_the_coordinators_language(app, admin):
    response = submit(app, "membership", "fr")
    page = admin.get(f"/admin/responses/{response.id}?lang=en")
    text = text_of(page)
    assert "Full name" in text and "Nom complet" not in text  # labels in English
    assert "You are eligible for membership" in text


def test_status_change_feeds_the_directory_and_history(app, admin):
    response = submit(app, "membership", "fr")
    directory = app.test_client().get("/membership/directory?lang=en")
    assert "1 member listed" not in text_of(directory)
    token = csrf(admin, f"/admin/responses/{response.id}")
    admin.post(f"/admin/responses/{response.id}/status",
               data={"csrf_token": token, "status": "approved", "comment": "Welcome!"})
    stored = store_of(app).get(response.id)
    assert stored.review_status == "approved"
    assert stored.history[-1]["from"] == "pending" and stored.history[-1]["comment"] == "Welcome!"
    page = text_of(admin.get(f"/admin/responses/{response.id}"))
    assert "Pending → Approved" in page and "Welcome!" in page
    assert "1 member listed" in text_of(app.test_client().get("/membership/directory?lang=en"))
    bad = admin.post(f"/admin/responses/{response.id}/status",
                     data={"csrf_token": token, "status": "hacked"})
    assert bad.status_code == 302 and store_of(app).get(response.id).review_status == "approved"


def test_delete_needs_confirmation_and_twice_is_harmless(app, admin):
    response = submit(app, "wellbeing")
    url = f"/admin/responses/{response.id}/delete"
    token = csrf(admin, url)
    refused = admin.post(url, data={"csrf_token": token})
    assert refused.status_code == 422 and store_of(app).get(response.id) is not None
    assert admin.post(url, data={"csrf_token": token, "confirm": "yes"}).status_code == 302
    assert store_of(app).get(response.id) is None
    again = admin.post(url + "?lang=fr", data={"csrf_token": token, "confirm": "yes"})
    assert again.status_code == 404 and "déjà été supprimée" in text_of(again)


def test_audit_log_records_who_did_what(app, admin):
    response = submit(app, "wellbeing")
    admin.get(f"/admin/responses/{response.id}")
    admin.get("/admin/forms/wellbeing/export.csv").get_data()
    token = csrf(admin, f"/admin/responses/{response.id}/delete")
    admin.post(f"/admin/responses/{response.id}/delete", data={"csrf_token": token,
                                                             "confirm": "yes"})
    entries = list(store_of(app).iter_audit())
    actions = [e["action"] for e in entries]
    assert actions[:4] == ["delete", "export", "view", "signin"]
    assert all(e["user"] == "admin@example.ca" for e in entries[:4])
    assert entries[0]["target"] == response.id
    page = text_of(admin.get("/admin/audit"))
    assert "Response deleted" in page and response.id in page and "Signed in" in page
    french = text_of(admin.get("/admin/audit?lang=fr"))
    assert "Réponse supprimée" in french and "Exportation" in french
    assert "Connexion" in french and "Response deleted" not in french


def test_admin_manages_accounts_on_the_web(app, admin):
    token = csrf(admin, "/admin/users")
    created = admin.post("/admin/users", data={"csrf_token": token, "email": "Pat@Example.ca",
                                               "role": "coordinator", "forms": ["wellbeing"]})
    assert "/admin/set-password/" in created.text
    pat = store_of(app).find_user("pat@example.ca")
    assert pat.forms == ["wellbeing"] and pat.password_hash is None
    duplicate = admin.post("/admin/users", data={"csrf_token": token, "email": "pat@example.ca",
                                                 "role": "coordinator"})
    assert "already exists" in text_of(duplicate)
    admin.post(f"/admin/users/{pat.id}", data={"csrf_token": token, "action": "disable"})
    assert store_of(app).find_user("pat@example.ca").active is False
    me = store_of(app).find_user("admin@example.ca")
    admin.post(f"/admin/users/{me.id}", data={"csrf_token": token, "action": "disable"})
    assert store_of(app).find_user("admin@example.ca").active is True


def test_behind_a_proxy_the_client_address_is_the_forwarded_one(tmp_path):
    from conftest import make_app

    app = make_app(tmp_path, TRUSTED_PROXIES=1, ARGON2_PROFILE="CHEAPEST")
    client = app.test_client()
    for number in range(20):
        sign_in(client, f"g{number}@example.ca", "wrong guess", )
    blocked = client.post("/admin/login", data={"csrf_token": csrf(client), "email": "x@y.ca",
                                                "password": "p"},
                          headers={"X-Forwarded-For": "203.0.113.9"})
    assert blocked.status_code == 200  # another person behind the same proxy is not locked out

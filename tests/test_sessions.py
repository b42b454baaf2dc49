"""Coordinator sessions live on the server: signing out ends them wherever the cookie was
copied; they end after an idle time and an absolute lifetime, on a password change, a
disabled account, "sign out everywhere"; signing in again leads back to the page, with
what was typed kept. Sign-in limits and review histories hold under concurrency.
Every test runs on TinyDB and PostgreSQL."""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from click.testing import CliRunner

from conftest import PASSWORD, ROOT, add_user, csrf, make_app, sign_in, store_of, submit, text_of
from formkit.storage import open_store


@pytest.fixture
def app(tmp_path, store_url, moment):
    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(ROOT / "forms"),
                   PLUGINS_DIR=str(ROOT / "plugins"), ARGON2_PROFILE="CHEAPEST", CLOCK=moment)
    yield app
    store_of(app).close()


def signed_in(app, email="admin@example.ca"):
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client


def cookie_of(client) -> str:
    return client.get_cookie("session").value


def replay(app, cookie: str):
    """A fresh browser that presents a copied session cookie."""
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client


COORDINATOR_PAGES = ["/admin/", "/admin/users", "/admin/forms/membership/export.json"]


def test_a_cookie_copied_before_sign_out_opens_nothing_after(app):
    add_user(app)
    admin = signed_in(app)
    copied = cookie_of(admin)
    for path in COORDINATOR_PAGES:
        assert replay(app, copied).get(path).status_code == 200, path
    assert admin.post("/admin/logout", data={"csrf_token": csrf(admin, "/admin/")}
                      ).status_code == 302
    for path in COORDINATOR_PAGES:
        response = replay(app, copied).get(path)
        assert response.status_code == 302, path
        assert "/admin/login" in response.headers["Location"]
    assert store_of(app).count_user_sessions(0) == {}


def test_idle_timeout_is_kept_on_the_server(app, moment):
    add_user(app)
    admin = signed_in(app)
    copied = cookie_of(admin)
    moment.advance(minutes=20)
    assert admin.get("/admin/").status_code == 200
    moment.advance(minutes=25)  # 45 minutes since sign-in, 25 since last use
    assert replay(app, copied).get("/admin/").status_code == 200
    moment.advance(minutes=31)
    assert replay(app, copied).get("/admin/").status_code == 302
    assert admin.get("/admin/").status_code == 302


def test_absolute_lifetime_ends_even_a_busy_session(app, moment):
    add_user(app)
    admin = signed_in(app)
    for _ in range(12 * 3 - 1):  # in use every 20 minutes for 11 h 40 min
        moment.advance(minutes=20)
        assert admin.get("/admin/").status_code == 200
    moment.advance(minutes=20)  # 12 hours after sign-in, 20 minutes after the last use
    assert admin.get("/admin/").status_code == 302


@pytest.mark.parametrize("how", ["password", "disable", "admin-button", "cli", "self"])
def test_every_session_of_an_account_ends(app, how):
    add_user(app)
    add_user(app, "coord@example.ca", role="coordinator", forms=["membership"])
    first, second = signed_in(app, "coord@example.ca"), signed_in(app, "coord@example.ca")
    admin = signed_in(app)
    user = store_of(app).find_user("coord@example.ca")
    assert store_of(app).count_user_sessions(0)[user.id] == 2
    if how == "password":
        with app.test_request_context("/"):
            from formkit.auth import set_password

            set_password(user, "a brand new long secret")
    elif how == "disable":
        admin.post(f"/admin/users/{user.id}", data={"csrf_token": csrf(admin, "/admin/users"),
                                                   "action": "disable"})
    elif how == "admin-button":
        page = admin.post(f"/admin/users/{user.id}", follow_redirects=True, data={
            "csrf_token": csrf(admin, "/admin/users"), "action": "signout"})
        assert "signed out everywhere (2 sessions ended)" in text_of(page)
    elif how == "cli":
        from formkit.cli import main

        result = CliRunner().invoke(main, ["user", "signout", "coord@example.ca"],
                                    obj=_script_info(app))
        assert result.exit_code == 0 and "2 session(s) ended" in result.output
    else:
        first.post("/admin/logout", data={"csrf_token": csrf(first, "/admin/"),
                                          "everywhere": "yes"})
    assert user.id not in store_of(app).count_user_sessions(0)  # the records are gone
    for client in (first, second):
        assert client.get("/admin/forms/membership/").status_code == 302
    assert admin.get("/admin/").status_code == 200  # other accounts keep theirs


def test_an_account_disabled_by_any_path_opens_nothing(app):
    add_user(app, "coord@example.ca", role="coordinator", forms=["membership"])
    coordinator = signed_in(app, "coord@example.ca")
    user = store_of(app).find_user("coord@example.ca")
    store_of(app).update_user(user.id, active=False)  # e.g. a restored backup
    assert coordinator.get("/admin/forms/membership/").status_code == 302


def _script_info(app):
    from flask.cli import ScriptInfo

    return ScriptInfo(create_app=lambda: app)


def test_users_page_shows_open_sessions(app):
    add_user(app)
    add_user(app, "coord@example.ca", role="coordinator", forms=["membership"])
    signed_in(app, "coord@example.ca"), signed_in(app, "coord@example.ca")
    admin = signed_in(app)
    page = text_of(admin.get("/admin/users"))
    assert "signed in on 2 browsers" in page and "signed in on 1 browser" in page


def test_sign_in_after_timeout_leads_back_with_the_comment_kept(app, moment):
    add_user(app)
    response_id = submit(app, "membership").id
    admin = signed_in(app)
    page_path = f"/admin/responses/{response_id}"
    token = csrf(admin, page_path + "?lang=fr")  # a French-speaking coordinator
    moment.advance(minutes=45)  # the coordinator typed a long comment
    comment = "Called back on Tuesday; <b>approved</b> by the board"
    posted = admin.post(f"{page_path}/status", data={
        "csrf_token": token, "status": "approved", "comment": comment},
        headers={"Referer": f"http://localhost{page_path}"})
    assert posted.status_code == 302
    login = admin.get(posted.headers["Location"])
    assert "Votre session a pris fin" in text_of(login)
    signed = sign_in(admin, next=re.search(r'name="next" value="([^"]*)"', login.text)[1])
    assert signed.status_code == 302 and signed.headers["Location"] == page_path
    back = admin.get(page_path)
    assert back.status_code == 200
    assert "Called back on Tuesday; &lt;b&gt;approved&lt;/b&gt; by the board" in back.text
    assert re.search(r'<option value="approved" selected>', back.text)
    assert "vérifiez-le et envoyez-le de nouveau" in text_of(back)
    # Nothing was changed behind the person's back; the kept text is shown once.
    assert store_of(app).get(response_id).history == []
    assert comment not in text_of(admin.get(page_path))


def test_expired_get_leads_back_to_the_same_page(app, moment):
    add_user(app)
    admin = signed_in(app)
    moment.advance(hours=1)
    asked = admin.get("/admin/forms/membership/?status=approved")
    assert asked.status_code == 302
    login = admin.get(asked.headers["Location"])
    target = re.search(r'name="next" value="([^"]*)"', login.text)[1]
    assert target.replace("&amp;", "&") == "/admin/forms/membership/?status=approved"


# -- under concurrency, on real gunicorn workers ------------------------------------------
def _opener():
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    jar = http.cookiejar.CookieJar()
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)


def _status(opener, url, data=None) -> int:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with opener.open(url, body, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def _token(opener, url) -> str:
    with opener.open(url, timeout=60) as response:
        return re.search(r'name="csrf_token" value="([^"]+)"', response.read().decode())[1]


def all_at_once(url: str, count: int, form) -> list[int]:
    """``count`` browsers, each with its own session and CSRF token, post ``form(n)`` to
    ``url`` at the same moment; their statuses."""
    openers = [_opener() for _ in range(count)]
    tokens = [_token(o, url) for o in openers]
    start = threading.Barrier(count)

    def attempt(number):
        start.wait()
        return _status(openers[number], url, {"csrf_token": tokens[number], **form(number)})

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(attempt, range(count)))


@pytest.fixture
def live(tmp_path, store_url, live_server):
    """A 4-worker server on the store, with an administrator in it."""
    app = make_app(tmp_path / "setup", STORE=store_url, FORMS_DIR=str(ROOT / "forms"),
                   PLUGINS_DIR=str(ROOT / "plugins"))
    add_user(app)
    store_of(app).close()
    return live_server(workers=4, FORMKIT_STORE=store_url), store_url


def test_simultaneous_wrong_passwords_check_at_most_five(live):
    server, url = live
    attempts = 24
    statuses = all_at_once(server.url + "/admin/login", attempts, lambda number: {
        "email": "admin@example.ca", "password": f"wrong password {number}"})
    store = open_store(url)
    try:
        checked = [e for e in store.iter_audit() if e["action"] == "signin_failed"]
    finally:
        store.close()
    print(f"\n{attempts} simultaneous wrong passwords: {len(checked)} checked, "
          f"statuses {sorted(statuses)}")
    assert len(checked) <= 5
    assert statuses.count(200) == len(checked)  # "not right" page for each one checked
    assert set(statuses) <= {200, 423, 429}
    # the right password is refused too while the account is locked
    opener = _opener()
    assert _status(opener, server.url + "/admin/login", {
        "csrf_token": _token(opener, server.url + "/admin/login"),
        "email": "admin@example.ca", "password": PASSWORD}) in (423, 429)


def test_concurrent_status_changes_all_stay_in_the_history(live, tmp_path):
    server, url = live
    app = make_app(tmp_path / "filler", STORE=url, FORMS_DIR=str(ROOT / "forms"),
                   PLUGINS_DIR=str(ROOT / "plugins"))
    response_id = submit(app, "membership").id
    store_of(app).close()
    opener = _opener()
    assert _status(opener, server.url + "/admin/login", {
        "csrf_token": _token(opener, server.url + "/admin/login"),
        "email": "admin@example.ca", "password": PASSWORD}) == 302
    token = _token(opener, f"{server.url}/admin/responses/{response_id}")
    changes = 40
    statuses = ["approved", "declined", "pending"]

    def change(number):
        return _status(opener, f"{server.url}/admin/responses/{response_id}/status", {
            "csrf_token": token, "status": statuses[number % 3],
            "comment": f"change {number}"})

    with ThreadPoolExecutor(16) as pool:
        assert set(pool.map(change, range(changes))) == {302}
    store = open_store(url)
    try:
        history = store.get(response_id).history
    finally:
        store.close()
    print(f"\n{changes} concurrent status changes: {len(history)} history entries kept")
    assert sorted(e["comment"] for e in history) == sorted(f"change {n}"
                                                           for n in range(changes))
    # each entry changed from the status the one before it set
    for before, after in zip(history, history[1:], strict=False):
        assert after["from"] == before["to"]


def test_simultaneous_wrong_resume_codes_check_at_most_the_limit(live):
    """Resume codes are passwords to drafts: 24 wrong codes at once from one address,
    on 4 workers, check at most the limit (10 per 15 minutes), never all 24."""
    server, _url = live
    attempts = 24
    statuses = all_at_once(server.url + "/resume", attempts, lambda number: {
        "code": f"ABCD-EFGH-JKLM-{number + 1000:04d}"[:19]})
    print(f"\n{attempts} simultaneous wrong resume codes: {statuses.count(422)} checked, "
          f"{statuses.count(429)} refused")
    assert statuses.count(422) <= 10 and statuses.count(422) + statuses.count(429) == attempts


def test_stay_signed_in_restarts_the_idle_timer(app, moment):
    """The idle warning's button: a CSRF-checked POST that keeps the session going; it
    cannot bring back a session that has ended."""
    add_user(app)
    admin = signed_in(app)
    page = admin.get("/admin/?lang=fr")
    assert 'data-idle-seconds="1800"' in page.text and 'data-warn-seconds="120"' in page.text
    assert "Rester connecté" in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    moment.advance(minutes=28)  # the warning shows now, two minutes ahead
    assert admin.post("/admin/session/keep-alive").status_code == 400  # no CSRF token
    assert admin.post("/admin/session/keep-alive",
                      data={"csrf_token": token}).status_code == 204
    moment.advance(minutes=28)  # 56 minutes after the page was opened
    assert admin.get("/admin/").status_code == 200
    moment.advance(minutes=31)
    late = admin.post("/admin/session/keep-alive", data={"csrf_token": token})
    assert late.status_code == 302 and "/admin/login" in late.headers["Location"]

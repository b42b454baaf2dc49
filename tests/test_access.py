"""Access control: every route × method of the URL map, as each kind of outsider, on
both stores; then what a coordinator may see (so an over-eager checkpoint fails too),
and the all-forms flag (fail closed, web, command line, upgrade of older accounts)."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from conftest import (
    ROOT,
    add_user,
    csrf,
    form_of,
    make_app,
    member_client,
    sign_in,
    store_of,
    submit,
    text_of,
)
from formkit.cli import main
from formkit.outbox.queue import enqueue
from formkit.rest.tokens import create_token
from formkit.storage import DEAD, Webhook, transfer

#: THE list of endpoints anyone may use without an account (respondents, the member
#: directory, sign-in). Every other endpoint, plugin routes included, is swept below;
#: test_public_endpoints_are_exactly_these checks this list is exactly what is public.
PUBLIC_ENDPOINTS = frozenset({
    "static", "assets.asset", "assets.favicon", "public.index", "public.healthz",
    "respond.start", "respond.page", "respond.check", "respond.saved", "respond.done",
    "respond.resume", "respond.resume_link", "membership.directory", "workplan.from_wellbeing",
    "admin.login", "admin.set_password",
    "invite.open", "invite.begin", "invite.stop", "invite.stop_confirmed",
    "api.openapi", "signin.request_link", "signin.confirm", "signin.signout",
    "stories.stories",
    "membership.request_entry_link", "membership.confirm_entry_link",
})
#: endpoints any signed-in account may use: they name no form nor response and show only
#: what the account may see (checked in test_dashboard_lists_only_visible_forms and, for
#: one's own email alerts, test_outbox.py::test_alerts_each_when_and_digest; the idle
#: warning's keep-alive shows nothing, test_sessions.py::test_stay_signed_in_…).
SIGNED_IN_ENDPOINTS = frozenset({"admin.dashboard", "admin.logout", "admin.account",
                                 "teams.my_teams", "admin.teams",
                                 "admin.keep_alive",
                                 # the figures across teams and their report show only
                                 # the teams and forms the account may see (checked in
                                 # test_cycle_province.py::test_a_coordinator_sees_only_…)
                                 "admin.provincial_figures", "admin.provincial_report"})

#: the form the outsiders aim at, and another one.
TARGET, OTHER = "wellbeing", "membership"
#: the team-scope form of the cycle routes (one shared response per team and cycle).
CYCLE_FORM = "workplan"
#: a message in the dead-letter list (administrators may retry it).
DEAD_MESSAGE = "email:dead-letter"
#: a webhook subscription of the target form (administrators may test or remove it).
WEBHOOK = "wh_sweep"
#: the team the outsiders aim at (its lead: LEAD), and another team.
TEAM, LEAD, OTHER_TEAM = "river-team", "lead@example.ca", "lake-team"


@pytest.fixture
def app(tmp_path, store_url):
    """The seed forms and plugins on each store, with an administrator and a response
    of each form."""
    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(ROOT / "forms"),
                   PLUGINS_DIR=str(ROOT / "plugins"), ARGON2_PROFILE="CHEAPEST")
    add_user(app)
    submit(app, TARGET)
    submit(app, OTHER)
    with app.app_context():  # a message in the dead-letter list, for the outbox routes
        enqueue(DEAD_MESSAGE, "email", {"to": "a@example.ca", "subject": "s", "text": "t"})
        store_of(app).finish_message(DEAD_MESSAGE, status=DEAD, attempts=8)
        store_of(app).add_webhook(Webhook(id=WEBHOOK, form_id=TARGET, events=["submitted"],
                                          url="https://93.184.215.14/hook", secret="s"))
        create_token(store_of(app), "sheet")  # for the token page's routes
    with app.test_request_context("/"):
        from formkit.teams import cycles, roster

        river, _lead = roster.create_team("River Team", LEAD, "Lee")
        lake, _lead = roster.create_team("Lake Team", "lake@example.ca", "Lia")
        store_of(app).update_team(lake.id, listed=True)  # found by peers, for /peers/
        # a cycle whose target form has a response, for the cycle routes (number 1)
        cycle = cycles.start(river, "2026–2027", LEAD)
        cycles.open_response(river, cycle, form_of(app, CYCLE_FORM), None)
        # a story of the team, for the story routes (plugins/story.py)
        story = store_of(app).create_draft("story", "1", "en", f"story:{river.id}:sweep",
                                           answers={"title": "Ours", "consent_publish": True})
        store_of(app).submit(story)
    return app


def team_story(app):
    return next(store_of(app).iter_responses("story"))


def is_team_url(url: str) -> bool:
    """A route of the team space (its checkpoint, its sign-in page)."""
    return url.startswith("/t/")


def target_response(app):
    return next(r for r in store_of(app).iter_responses(TARGET) if r.is_submitted)


def fingerprint(app) -> str:
    """Every response, account, audit entry, outbox message and webhook of the store, as
    one checksum."""
    messages = [(m.id, m.status, m.attempts) for m in store_of(app).list_messages(None, 10_000)]
    hooks = [h.to_dict() for h in store_of(app).list_webhooks()]
    tokens = [(t.id, t.revoked) for t in store_of(app).list_tokens()]
    teams = [(t.to_dict(), [m.to_dict() for m in store_of(app).list_members(
        t.id, include_removed=True)]) for t in store_of(app).list_teams()]
    return (f"{transfer.inventory(store_of(app)).checksum}:{sorted(messages)}:{hooks}:"
            f"{tokens}:{teams}")


def requests_to_sweep(app, user_id: str, skip=frozenset()):
    """(endpoint, method, url, data) for every route × method but the public ones: URLs
    name the target form and its response; each POST carries what would change the most
    if it went through."""
    response = target_response(app)
    admin = store_of(app).find_user("admin@example.ca")
    with app.test_request_context("/"):  # the administrator's background export
        from formkit.exporters import background

        job_id = background.start(form_id=TARGET, fmt="csv", args={}, labels=True,
                                  locale="en", user_id=admin.id, total=1, name="x.csv")
    values = {"form_id": TARGET, "response_id": response.id, "user_id": user_id,
              "message_id": DEAD_MESSAGE, "webhook_id": WEBHOOK,
              "token_id": store_of(app).list_tokens()[0].id, "slug": TEAM, "number": 1, "page": 0,
              "story_id": team_story(app).id, "job_id": job_id, "other": OTHER_TEAM,
              "key": "1-1"}  # a workplan action (plugins/workplan.py)
    adapter = app.url_map.bind("localhost")
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS | skip:
            continue
        unknown = set(rule.arguments) - set(values) - {"fmt"}
        assert not unknown, f"{rule}: give the sweep a real value for {unknown}"
        formats = list(app.extensions["formkit"].registry.exporters)  # every registered one
        for fmt in (formats if "fmt" in rule.arguments else [None]):
            args = {k: v for k, v in values.items() if k in rule.arguments}
            if rule.endpoint.startswith("teams.cycles."):
                args["form_id"] = CYCLE_FORM
            if fmt:
                args["fmt"] = fmt
            url = adapter.build(rule.endpoint, args)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                bodies = [{}]
                if method == "POST":
                    bodies = [{"status": "reviewed", "comment": "outsider", "confirm": "yes",
                               "email": "mole@example.ca", "role": "admin",
                               "forms": [TARGET, OTHER], "all_forms": "yes",
                               "action": "forms", "people": "Mole, mole@example.ca",
                               "reminders": "7", "language": "en", "form": TARGET,
                               "url": "https://93.184.215.14/mole",
                               "events": ["submitted", "reviewed"],
                               # a new cycle; a save of the cycle's response (revision 0)
                               "label": "Mole cycle", "_action": "save", "_revision": "0",
                               "q_team_name": "Mole team",
                               # listing the team; a message to a listed team
                               "listed": "yes", "message": "Mole message"}]
                    if rule.endpoint == "admin.accounts.user_action":
                        bodies += [{"action": action} for action in ("disable", "reset")]
                        bodies += [{"action": "forms", "all_forms": "yes", "forms": [TARGET]}]
                for body in bodies:
                    found.append((rule.endpoint, method, url, body))
                if rule.endpoint == "admin.accounts.user_action":
                    # also aimed at the administrator's account
                    for body in ({"action": "disable"}, {"action": "reset"}):
                        found.append((rule.endpoint, method,
                                      adapter.build(rule.endpoint, {"user_id": admin.id}),
                                      body))
    return found


def sweep(app, client, token: str, expect, user_id: str, skip=frozenset(),
          cookie: str | None = None, minimum: int = 13) -> int:
    """Send every request; each must get what ``expect(endpoint, url)`` says and leave
    the store unchanged. With ``cookie``, every request replays that session cookie (a
    refusal clears the session, but whoever copied the cookie still has it). The number
    of requests sent."""
    sent, visited = 0, set()
    for endpoint, method, url, body in requests_to_sweep(app, user_id, skip):
        visited.add((endpoint, method))
        before = fingerprint(app)
        data = {"csrf_token": token, **body} if method == "POST" else None
        if cookie is not None:
            client.set_cookie("session", cookie)
        answer = client.open(url, method=method, data=data)
        # The API takes tokens, never a session: without one every route is a 401.
        wanted = 401 if endpoint.startswith("api.") else expect(endpoint, url)
        where = f"{method} {url} {body}: {answer.status_code}"
        if wanted == "sign-in":
            # team pages send to the members' sign-in, the workspace to coordinators'
            # (a member's directory entry, to asking for a link)
            page = ("/signin" if is_team_url(url) else
                    "/membership/directory/update"
                    if endpoint.startswith("membership_entry.") else "/admin/login")
            assert answer.status_code == 302, where
            assert answer.headers["Location"].startswith(page), where
        else:
            assert answer.status_code == wanted, where
        assert fingerprint(app) == before, f"{where} changed the store"
        sent += 1
    everything = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
                  for method in rule.methods - {"HEAD", "OPTIONS"}
                  if rule.endpoint not in PUBLIC_ENDPOINTS | skip}
    assert visited == everything and len(everything) >= minimum
    return sent


def must_sign_in(endpoint, url):
    return "sign-in"


def test_anonymous_is_sent_to_sign_in_everywhere(app):
    client = app.test_client()
    token = csrf(client)  # a valid token: a 400 cannot stand in for the check
    coordinator = add_user(app, "coord@example.ca", "coordinator", forms=[TARGET])
    sweep(app, client, token, must_sign_in, coordinator.id)


@pytest.mark.parametrize("forms", [[OTHER], []], ids=["other-form", "no-form"])
def test_coordinator_of_another_form_is_refused(app, forms):
    """Signed in with a valid CSRF token, limited to another form (or given none: no
    form ticked is no form): a form is 403, a response 404 as if it did not exist, the
    accounts and the audit log 403."""
    coordinator = add_user(app, "coord@example.ca", "coordinator", forms=forms)
    client = app.test_client()
    assert sign_in(client, "coord@example.ca").status_code == 302
    token = csrf(client, "/admin/")

    def expect(endpoint, url):
        # a team whose forms one may not see: as if it did not exist
        if endpoint.startswith("membership_entry."):
            return "sign-in"  # a coordinator's session is no member's link
        return 404 if "/responses/" in url or is_team_url(url) else 403

    sweep(app, client, token, expect, coordinator.id, skip=SIGNED_IN_ENDPOINTS)


@pytest.mark.parametrize("how", ["disabled-by-an-administrator", "disabled-flag-only",
                                 "password-reset-by-an-administrator"])
def test_disabled_account_session_is_refused(app, how):
    """A session opened before the account was disabled (by an administrator on the
    accounts page, or by the stored flag alone), or before an administrator issued a
    new password link, opens nothing any more, though the account may see the target
    form."""
    coordinator = add_user(app, "coord@example.ca", "coordinator", forms=[TARGET])
    client = app.test_client()
    assert sign_in(client, "coord@example.ca").status_code == 302
    token = csrf(client, f"/admin/forms/{TARGET}/")
    cookie = client.get_cookie("session").value
    if how == "disabled-flag-only":
        store_of(app).update_user(coordinator.id, active=False)
    else:
        admin = app.test_client()
        sign_in(admin)
        action = "reset" if how.startswith("password") else "disable"
        done = admin.post(f"/admin/users/{coordinator.id}",
                          data={"csrf_token": csrf(admin, "/admin/users"), "action": action})
        assert done.status_code == 200 if action == "reset" else 302
    assert store_of(app).get_user(coordinator.id).active is how.startswith("password")
    sweep(app, client, token, must_sign_in, coordinator.id, cookie=cookie)


def test_signed_out_cookie_is_refused(app):
    """The session cookie of an administrator, copied before sign-out and replayed
    after, opens nothing."""
    client = app.test_client()
    assert sign_in(client).status_code == 302
    token = csrf(client, "/admin/")
    copied = client.get_cookie("session").value
    assert client.post("/admin/logout", data={"csrf_token": token}).status_code == 302
    admin = store_of(app).find_user("admin@example.ca")
    sweep(app, client, token, must_sign_in, admin.id, cookie=copied)


def _not_team_routes(app) -> frozenset[str]:
    return frozenset(rule.endpoint for rule in app.url_map.iter_rules()
                     if not is_team_url(rule.rule))


def test_a_member_of_another_team_is_refused(app):
    """Signed in by link as a member (and lead) of another team, with a valid CSRF token:
    every team route of the target team is a 404, as if it did not exist."""
    client = member_client(app, "lake@example.ca")
    token = csrf(client, f"/t/{OTHER_TEAM}/")
    lake = store_of(app).find_team(OTHER_TEAM)
    lead = store_of(app).list_members(lake.id)[0]
    sweep(app, client, token, lambda endpoint, url: 404, lead.id,
          skip=_not_team_routes(app) | SIGNED_IN_ENDPOINTS, minimum=1)


@pytest.mark.parametrize("how", ["removed", "signed-out"])
def test_a_removed_or_signed_out_member_is_refused(app, how):
    """The session cookie of the team's lead, copied before the lead was removed from
    the team (or signed out), opens no team route any more."""
    from formkit.teams import roster

    client = member_client(app, LEAD)
    token = csrf(client, f"/t/{TEAM}/")
    cookie = client.get_cookie("session").value
    team = store_of(app).find_team(TEAM)
    lead = store_of(app).list_members(team.id)[0]
    if how == "removed":
        with app.test_request_context("/"):
            roster.remove_member(team, lead)
    else:
        assert client.post("/signout", data={"csrf_token": token}).status_code == 302
    sweep(app, client, token, must_sign_in, lead.id, skip=_not_team_routes(app),
          cookie=cookie, minimum=2)


def test_a_member_with_a_link_to_their_own_directory_entry_is_refused_elsewhere(app):
    """A browser that used an approved member's directory link (their own entry): every
    entry route aimed at another response is a 404, as if it did not exist."""
    import re

    mine = next(r for r in store_of(app).iter_responses(OTHER) if r.is_submitted)
    store_of(app).update(mine.id, review_status="approved")
    client = app.test_client()
    token = csrf(client, "/membership/directory/update")
    client.post("/membership/directory/update",
                data={"csrf_token": token, "email": mine.answers["email"]})
    [path] = [found for m in store_of(app).list_messages(recipient=mine.answers["email"].lower())
              if (found := re.search(r"(/membership/directory/update/[\w-]+)",
                                     m.payload["text"]))]
    assert client.post(path.group(1), data={"csrf_token": token}).status_code == 302
    assert client.get(f"/membership/entry/{mine.id}").status_code == 200
    entry_routes = frozenset(rule.endpoint for rule in app.url_map.iter_rules()
                             if not rule.endpoint.startswith("membership_entry."))
    sweep(app, client, token, lambda endpoint, url: 404, "nobody",
          skip=entry_routes | {"membership_entry.mine"}, minimum=2)


def test_public_endpoints_are_exactly_these(app):
    """Each endpoint of the list exists and opens without an account; the sweeps above
    refuse every other one, so the list is exactly what is public."""
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert PUBLIC_ENDPOINTS <= endpoints
    assert SIGNED_IN_ENDPOINTS <= endpoints
    from formkit.views.admin import access

    assert access.PUBLIC_ENDPOINTS <= PUBLIC_ENDPOINTS
    client = app.test_client()
    with app.test_request_context("/"):
        from flask import url_for

        from formkit.assets import asset_url

        urls = {
            "static": url_for("static", filename="formkit.css"),
            "assets.asset": asset_url("formkit.css"), "assets.favicon": "/favicon.ico",
            "public.index": "/", "public.healthz": "/healthz",
            "respond.start": f"/f/{TARGET}/", "respond.page": f"/f/{TARGET}/page/1",
            "respond.check": f"/f/{TARGET}/check", "respond.saved": f"/f/{TARGET}/saved",
            "respond.done": f"/f/{TARGET}/done/x",
            "respond.resume": "/resume", "respond.resume_link": "/resume/x",
            "membership.directory": "/membership/directory",
            "workplan.from_wellbeing": "/workplan/from-wellbeing",
            "admin.login": "/admin/login", "admin.set_password": "/admin/set-password/x",
            "invite.open": "/i/x", "invite.begin": "/i/x", "invite.stop": "/i/x/stop",
            "invite.stop_confirmed": "/i/x/stop", "api.openapi": "/api/v1/openapi.json",
            "signin.request_link": "/signin", "signin.confirm": "/signin/x",
            "signin.signout": "/signout", "stories.stories": "/stories",
            "membership.request_entry_link": "/membership/directory/update",
            "membership.confirm_entry_link": "/membership/directory/update/x",
        }
    assert set(urls) == PUBLIC_ENDPOINTS
    for endpoint, url in urls.items():
        answer = client.get(url)
        assert answer.status_code not in (401, 403), endpoint
        assert "/admin/login" not in answer.headers.get("Location", ""), endpoint


def test_a_plugin_route_under_admin_gets_the_checkpoint(tmp_path):
    """A route under /admin from another blueprint (a plugin's) is not trusted to check:
    the checkpoint runs for it too, form and response included."""
    from flask import Blueprint, g

    app = make_app(tmp_path, FORMS_DIR=str(ROOT / "forms"), ARGON2_PROFILE="CHEAPEST")
    extra = Blueprint("extra", __name__, url_prefix="/admin/extra")

    @extra.get("/<form_id>/count")
    def count(form_id):
        return str(store_of(app).count(g.form.id))

    @extra.get("/<form_id>/<response_id>")
    def pair(form_id, response_id):
        return g.response.id

    app.register_blueprint(extra)
    add_user(app, "coord@example.ca", "coordinator", forms=[OTHER])
    client = app.test_client()
    refused = client.get(f"/admin/extra/{TARGET}/count")
    assert refused.status_code == 302 and "/admin/login" in refused.headers["Location"]
    sign_in(client, "coord@example.ca")
    assert client.get(f"/admin/extra/{TARGET}/count").status_code == 403
    assert client.get(f"/admin/extra/{OTHER}/count").text == "0"
    assert client.get("/admin/extra/nope/count").status_code == 404
    # a form and a response of another form in one URL: not found
    theirs = submit(app, TARGET)
    mine = submit(app, OTHER)
    assert client.get(f"/admin/extra/{OTHER}/{mine.id}").text == mine.id
    assert client.get(f"/admin/extra/{OTHER}/{theirs.id}").status_code == 404
    add_user(app, "every@example.ca", "coordinator", all_forms=True)
    every = app.test_client()
    sign_in(every, "every@example.ca")
    assert every.get(f"/admin/extra/{OTHER}/{theirs.id}").status_code == 404


# -- what a coordinator may see ------------------------------------------------------------
def test_coordinator_of_a_form_sees_all_of_it(app):
    """Lists, one response, its PDF, status and deletion, summaries, every export: an
    over-eager checkpoint fails here."""
    add_user(app, "coord@example.ca", "coordinator", forms=[TARGET])
    response = target_response(app)
    client = app.test_client()
    sign_in(client, "coord@example.ca")
    listing = client.get(f"/admin/forms/{TARGET}/")
    assert listing.status_code == 200 and response.id in listing.text
    shown = client.get(f"/admin/responses/{response.id}")
    assert shown.status_code == 200 and "Wellbeing Guide" in text_of(shown)
    assert client.get(f"/admin/forms/{TARGET}/summary").status_code == 200
    for url in (f"/admin/forms/{TARGET}/summary.pdf", f"/admin/responses/{response.id}/pdf"):
        pdf = client.get(url)
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF"), url
    csv = client.get(f"/admin/forms/{TARGET}/export.csv")
    assert csv.status_code == 200 and response.reference in csv.get_data(as_text=True)
    json = client.get(f"/admin/forms/{TARGET}/export.json")
    assert json.status_code == 200 and response.id in json.get_data(as_text=True)
    xlsx = client.get(f"/admin/forms/{TARGET}/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")
    token = csrf(client, f"/admin/responses/{response.id}")
    assert client.post(f"/admin/responses/{response.id}/status",
                       data={"csrf_token": token, "status": "reviewed"}).status_code == 302
    assert store_of(app).get(response.id).review_status == "reviewed"
    assert client.get(f"/admin/responses/{response.id}/delete").status_code == 200
    assert client.post(f"/admin/responses/{response.id}/delete",
                       data={"csrf_token": token, "confirm": "yes"}).status_code == 302
    assert store_of(app).get(response.id) is None
    # deleted: now "not found", like a response of a form one may not see
    assert client.get(f"/admin/responses/{response.id}").status_code == 404


def test_dashboard_lists_only_visible_forms(app):
    add_user(app, "coord@example.ca", "coordinator", forms=[TARGET])
    add_user(app, "none@example.ca", "coordinator")
    add_user(app, "every@example.ca", "coordinator", all_forms=True)
    seen = {}
    for email in ("coord@example.ca", "none@example.ca", "every@example.ca"):
        client = app.test_client()
        sign_in(client, email)
        page = client.get("/admin/")
        assert page.status_code == 200
        seen[email] = set(re.findall(r'href="/admin/forms/([\w-]+)/"', page.text))
    assert seen["coord@example.ca"] == {TARGET}
    assert seen["none@example.ca"] == set()
    assert seen["every@example.ca"] >= {TARGET, OTHER, "workplan"}


def test_all_forms_coordinator_sees_every_form(app):
    add_user(app, "every@example.ca", "coordinator", all_forms=True)
    client = app.test_client()
    sign_in(client, "every@example.ca")
    for form_id in (TARGET, OTHER):
        assert client.get(f"/admin/forms/{form_id}/").status_code == 200
    assert client.get(f"/admin/responses/{target_response(app).id}").status_code == 200
    assert client.get("/admin/users").status_code == 403  # still not an administrator


def test_unknown_form_is_not_found(app):
    client = app.test_client()
    sign_in(client)
    for url in ("/admin/forms/nope/", "/admin/forms/nope/summary",
                "/admin/forms/nope/export.csv"):
        assert client.get(url).status_code == 404, url


def test_a_response_of_a_hidden_form_looks_missing(app):
    """Same status and same page for a response one may not see and a missing one."""
    add_user(app, "coord@example.ca", "coordinator", forms=[OTHER])
    client = app.test_client()
    sign_in(client, "coord@example.ca")
    hidden = client.get(f"/admin/responses/{target_response(app).id}")
    missing = client.get(f"/admin/responses/{TARGET}-000999-nothere")
    assert hidden.status_code == missing.status_code == 404
    assert text_of(hidden) == text_of(missing)


# -- the all-forms flag --------------------------------------------------------------------
def cli(app, *args, **kwargs):
    from flask.cli import ScriptInfo

    return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app),
                              **kwargs)


def test_new_coordinator_sees_no_form_until_given_some(app):
    with app.test_request_context("/"):
        from formkit.auth import new_user

        user = new_user("x@example.ca", "coordinator")
    assert user.all_forms is False and not user.may_see(TARGET)
    assert new_user("y@example.ca", "admin").may_see(TARGET)


def test_cli_sets_all_forms_and_changes_forms(app):
    created = cli(app, "user", "create", "pat@example.ca", "--link")
    assert created.exit_code == 0 and "sees no form" in created.output
    store = store_of(app)
    assert store.find_user("pat@example.ca").all_forms is False
    assert "no form" in cli(app, "user", "list").output
    assert cli(app, "user", "create", "all@example.ca", "--all-forms", "--link").exit_code == 0
    assert store.find_user("all@example.ca").all_forms is True
    changed = cli(app, "user", "forms", "pat@example.ca", f"{TARGET},{OTHER}")
    assert changed.exit_code == 0, changed.output
    assert store.find_user("pat@example.ca").forms == [TARGET, OTHER]
    assert cli(app, "user", "forms", "pat@example.ca", "--all-forms").exit_code == 0
    pat = store.find_user("pat@example.ca")
    assert pat.all_forms is True and pat.forms == [TARGET, OTHER]
    assert cli(app, "user", "forms", "pat@example.ca", TARGET, "--no-all-forms").exit_code == 0
    pat = store.find_user("pat@example.ca")
    assert pat.all_forms is False and pat.forms == [TARGET]
    assert cli(app, "user", "forms", "pat@example.ca", "").exit_code == 0
    assert store.find_user("pat@example.ca").forms == []
    assert cli(app, "user", "forms", "pat@example.ca", "nope").exit_code == 1
    assert cli(app, "user", "forms", "pat@example.ca").exit_code == 2
    assert cli(app, "user", "forms", "ghost@example.ca", "--all-forms").exit_code == 1


def test_users_page_sets_all_forms(app):
    admin = app.test_client()
    sign_in(admin)
    page = admin.get("/admin/users?lang=fr")
    assert "Tous les formulaires, y compris ceux ajoutés plus tard" in text_of(page)
    token = csrf(admin, "/admin/users")
    admin.post("/admin/users", data={"csrf_token": token, "email": "every@example.ca",
                                     "role": "coordinator", "all_forms": "yes"})
    admin.post("/admin/users", data={"csrf_token": token, "email": "none@example.ca",
                                     "role": "coordinator"})
    store = store_of(app)
    assert store.find_user("every@example.ca").all_forms is True
    none = store.find_user("none@example.ca")
    assert none.all_forms is False and none.forms == []
    admin.post(f"/admin/users/{none.id}", data={"csrf_token": token, "action": "forms",
                                                "all_forms": "yes"})
    assert store.find_user("none@example.ca").all_forms is True
    admin.post(f"/admin/users/{none.id}", data={"csrf_token": token, "action": "forms",
                                                "forms": [OTHER]})
    none = store.find_user("none@example.ca")
    assert none.all_forms is False and none.forms == [OTHER]


def legacy_accounts(store):
    """Accounts as formkit wrote them before the flag: no ``all_forms`` key."""
    from formkit.storage import User

    records = []
    for email, forms in (("old-all@example.ca", []), ("old-some@example.ca", [OTHER])):
        data = User(id=email.split("@")[0], email=email, role="coordinator",
                    forms=forms).to_dict()
        del data["all_forms"]
        records.append(User.from_dict(data))
    assert all(user.all_forms is None for user in records)
    assert not any(user.may_see(TARGET) for user in records)  # fail closed meanwhile
    store.import_users(records)


def test_older_accounts_are_converted_once_on_both_stores(app, store_url, tmp_path):
    """An account with no form ticked saw every form: the upgrade keeps that, writes the
    flag, and the copy, backup and restore carry it."""
    from formkit.storage import open_store
    from formkit.storage.accounts import upgrade_accounts

    store = store_of(app)
    legacy_accounts(store)
    assert store.find_user("old-all@example.ca").all_forms is None
    assert upgrade_accounts(store) == ["old-all@example.ca"]
    assert store.find_user("old-all@example.ca").all_forms is True
    some = store.find_user("old-some@example.ca")
    assert some.all_forms is False and some.may_see(OTHER) and not some.may_see(TARGET)
    assert upgrade_accounts(store) == []  # once
    logged = [e for e in store.iter_audit() if e["detail"].get("reason") == "upgrade"]
    assert sorted((e["target"], e["detail"]["all_forms"]) for e in logged) == [
        ("old-all@example.ca", True), ("old-some@example.ca", False)]
    path = tmp_path / "backup.jsonl.gz"
    transfer.backup(store, path)
    copy = open_store(str(tmp_path / "restored"))
    transfer.restore(copy, path)
    assert copy.find_user("old-all@example.ca").all_forms is True
    assert copy.find_user("old-some@example.ca").all_forms is False
    assert copy.find_user("admin@example.ca").all_forms is False


def test_app_start_and_db_upgrade_convert_older_accounts(tmp_path, store_url):
    from formkit.storage import open_store

    store = open_store(store_url, tmp_path)
    legacy_accounts(store)
    # an older backup restored as it is keeps the missing flag until the upgrade step
    path = tmp_path / "old.jsonl.gz"
    transfer.backup(store, path)
    copy = open_store(str(tmp_path / "copy"))
    transfer.restore(copy, path)
    assert copy.find_user("old-all@example.ca").all_forms is None
    result = CliRunner().invoke(main, ["db", "upgrade", "--store", str(tmp_path / "copy")])
    assert result.exit_code == 0 and "old-all@example.ca" in result.output
    assert open_store(str(tmp_path / "copy")).find_user("old-all@example.ca").all_forms
    app = make_app(tmp_path / "app", STORE=store_url, FORMS_DIR=str(ROOT / "forms"))
    assert store_of(app).find_user("old-all@example.ca").all_forms is True
    assert store_of(app).find_user("old-some@example.ca").all_forms is False
    store.close()
    copy.close()

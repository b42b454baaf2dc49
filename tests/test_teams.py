"""Teams (issue 18, part A): the store's teams, members and sign-in links, members'
sessions, the team space and its one checkpoint. Every test runs on both stores."""

from __future__ import annotations

import re
import threading

import pytest

from conftest import add_user, member_client, sign_in
from formkit.storage import Member, SignInLink, StoreError, Team, open_store


@pytest.fixture
def db(store_url):
    store = open_store(store_url)
    yield store
    store.close()


# -- the store -------------------------------------------------------------------------
def test_teams_are_kept_found_listed_and_changed(db):
    db.add_team(Team(id="team_b", slug="bay", name="Bay team", community="Bay",
                     region="North", created="2026-01-01T00:00:00Z"))
    db.add_team(Team(id="team_a", slug="arc", name="Arc team", created="2026-01-02T00:00:00Z"))
    with pytest.raises(StoreError):
        db.add_team(Team(id="team_c", slug="bay", name="Other", created="x"))
    assert db.get_team("team_b").community == "Bay"
    assert db.find_team("arc").id == "team_a" and db.find_team("nope") is None
    assert db.get_team("missing") is None
    assert [t.slug for t in db.list_teams()] == ["arc", "bay"]
    changed = db.update_team("team_a", current_cycle="c1", listed=True)
    assert changed.current_cycle == "c1" and db.get_team("team_a").listed is True
    assert db.update_team("missing", name="x") is None
    with pytest.raises(StoreError):
        db.update_team("team_a", slug="bay")


def test_members_of_a_team_and_teams_of_a_person(db):
    for slug in ("one", "two"):
        db.add_team(Team(id=f"team_{slug}", slug=slug, name=slug))
    db.add_member(Member(id="m1", team_id="team_one", email="Zoe@Example.ca", name="Zoë",
                         role="member"))
    db.add_member(Member(id="m2", team_id="team_one", email="ana@example.ca", name="Ana",
                         role="lead"))
    db.add_member(Member(id="m3", team_id="team_two", email="zoe@example.ca", name="Zoë",
                         role="lead"))
    with pytest.raises(StoreError):  # one active membership per person and team
        db.add_member(Member(id="m4", team_id="team_one", email="ZOE@example.ca", name="Z"))
    assert [m.name for m in db.list_members("team_one")] == ["Ana", "Zoë"]  # leads first
    assert sorted(m.team_id for m in db.memberships(" ZOE@example.ca")) == ["team_one",
                                                                           "team_two"]
    db.update_member("m1", removed="2026-03-01T00:00:00Z")
    assert [m.id for m in db.list_members("team_one")] == ["m2"]
    assert [m.id for m in db.list_members("team_one", include_removed=True)] == ["m2", "m1"]
    assert [m.id for m in db.memberships("zoe@example.ca")] == ["m3"]
    assert db.get_member("m1").name == "Zoë"  # kept: past actions stay attributed
    # removed, the person may join again
    db.add_member(Member(id="m5", team_id="team_one", email="zoe@example.ca", name="Zoë"))
    with pytest.raises(StoreError):
        db.update_member("m1", removed=None)
    assert db.update_member("m2", role="member").role == "member"
    assert db.update_member("missing", role="lead") is None


def test_a_sign_in_link_works_once_and_not_after_it_expires(db):
    db.add_signin_link(SignInLink(id="h1", email="a@example.ca", expires=1000.0))
    db.add_signin_link(SignInLink(id="h2", email="b@example.ca", expires=1000.0))
    assert db.claim_signin_link("h1", 999.0).email == "a@example.ca"
    assert db.claim_signin_link("h1", 999.0) is None
    assert db.claim_signin_link("h2", 1000.0) is None  # expired
    assert db.claim_signin_link("unknown", 1.0) is None


def test_two_claims_of_one_link_at_once_sign_in_once(db, store_url):
    db.add_signin_link(SignInLink(id="race", email="a@example.ca", expires=10.0**12))
    stores = [open_store(store_url) for _ in range(6)]
    results: list = []
    barrier = threading.Barrier(len(stores))

    def claim(store):
        barrier.wait()
        results.append(store.claim_signin_link("race", 1.0))

    threads = [threading.Thread(target=claim, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for store in stores:
        store.close()
    assert sum(1 for r in results if r is not None) == 1


def test_a_teams_audit_entries_are_listed_newest_first(db):
    db.add_team(Team(id="team_x", slug="x", name="X"))
    db.add_team(Team(id="team_y", slug="y", name="Y"))
    for number in range(5):
        db.append_team_audit({"action": "a", "team_id": "team_x", "detail": {"n": number}})
    db.append_team_audit({"action": "a", "team_id": "team_y", "detail": {"n": 9}})
    db.append_audit({"action": "other"})
    assert [e["detail"]["n"] for e in db.list_team_audit("team_x", 3)] == [4, 3, 2]
    assert [e["detail"]["n"] for e in db.list_team_audit("team_y")] == [9]
    assert db.list_team_audit("team_none") == []
    assert db.count_audit() == 7  # in the one audit log too


# -- the application ---------------------------------------------------------------------
@pytest.fixture
def app(team_app):
    return team_app


def make_team(app, name="River Team", lead="lead@example.ca", lead_name="Lee"):
    from formkit.teams import roster

    with app.test_request_context("/"):
        team, _lead = roster.create_team(name, lead, lead_name, community="Riverside",
                                         region="North")
    return team


def add_person(app, team, email, name, role="member"):
    from formkit.teams import roster

    with app.test_request_context("/"):
        return roster.add_member(team, email, name, role)


def link_for(app, email, team=None) -> str:
    from formkit.teams import links

    with app.test_request_context("/"):
        return links.issue(email, team)


def test_a_lead_signs_in_by_link_and_sees_the_team_space(app):
    team = make_team(app)
    add_person(app, team, "ana@example.ca", "Ana")
    client = app.test_client()
    token = link_for(app, "lead@example.ca", team)
    page = client.get(f"/signin/{token}")  # a scanner opening the link uses nothing
    assert page.status_code == 200 and "Sign in" in page.text
    client.get(f"/signin/{token}")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    answer = client.post(f"/signin/{token}", data={"csrf_token": csrf})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/t/river-team/")
    space = client.get("/t/river-team/")
    assert space.status_code == 200
    assert "River Team" in space.text and "Ana" in space.text and "Lee" in space.text
    assert "Lee signed in." in space.text and "created the team" in space.text
    assert space.headers["Cache-Control"] == "no-store"
    french = client.get("/t/river-team/?lang=fr").text
    assert "Activité récente" in french and "Lee s’est connecté·e." in french
    # the link works once
    other = app.test_client()
    again = other.post(f"/signin/{token}", data={
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"',
                                other.get(f"/signin/{token}").text).group(1)})
    assert again.status_code == 410 and other.get("/t/river-team/").status_code == 302


def test_the_checkpoint_lets_in_members_admins_and_coordinators_of_its_forms(app):
    river = make_team(app)
    make_team(app, "Lake Team", "lake@example.ca", "Lia")
    lead = member_client(app, "lead@example.ca", river)
    lake = member_client(app, "lake@example.ca")
    assert lead.get("/t/river-team/").status_code == 200
    assert lake.get("/t/river-team/").status_code == 404  # another team's: as if absent
    assert lake.get("/t/no-such-team/").status_code == 404
    signed_out = app.test_client().get("/t/river-team/")
    assert signed_out.status_code == 302 and "/signin" in signed_out.headers["Location"]
    add_user(app, "admin@example.ca", "admin")
    add_user(app, "all@example.ca", "coordinator", all_forms=True)
    # the site's cycle configuration says which forms a team uses (site.yaml)
    add_user(app, "some@example.ca", "coordinator", forms=["wellbeing"])
    add_user(app, "other@example.ca", "coordinator", forms=["membership"])
    for email, status in (("admin@example.ca", 200), ("all@example.ca", 200),
                          ("some@example.ca", 200), ("other@example.ca", 404)):
        client = app.test_client()
        assert sign_in(client, email).status_code == 302
        assert client.get("/t/river-team/").status_code == status, email


def test_a_person_in_two_teams_gets_the_list(app):
    river = make_team(app)
    lake = make_team(app, "Lake Team", "lake@example.ca", "Lia")
    add_person(app, lake, "lead@example.ca", "Lee")
    client = member_client(app, "lead@example.ca")
    listing = client.get("/t/")
    assert listing.status_code == 200
    assert "/t/river-team/" in listing.text and "/t/lake-team/" in listing.text
    assert client.get(f"/t/{river.slug}/").status_code == 200
    assert client.get(f"/t/{lake.slug}/").status_code == 200
    alone = member_client(app, "lake@example.ca")
    assert alone.get("/t/").headers["Location"].endswith("/t/lake-team/")


def test_a_member_session_ends_idle_at_its_lifetime_and_at_sign_out(app, moment):
    make_team(app)
    client = member_client(app, "lead@example.ca")
    assert client.get("/t/river-team/").status_code == 200
    moment.advance(app.config["MEMBER_IDLE_MINUTES"] * 60 + 1)
    assert client.get("/t/river-team/").status_code == 302
    app.config["MEMBER_SESSION_HOURS"] = 1  # shorter than the idle limit: it ends first
    client = member_client(app, "lead@example.ca")
    moment.advance(3600 - 1)
    assert client.get("/t/river-team/").status_code == 200
    moment.advance(1)
    assert client.get("/t/river-team/").status_code == 302
    client = member_client(app, "lead@example.ca")
    page = client.get("/t/river-team/")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    assert client.post("/signout", data={"csrf_token": csrf}).status_code == 302
    assert client.get("/t/river-team/").status_code == 302


def test_removing_a_member_ends_their_sessions_and_keeps_their_name(app):
    from formkit.teams import roster

    team = make_team(app)
    ana = add_person(app, team, "ana@example.ca", "Ana")
    client = member_client(app, "ana@example.ca")
    assert client.get("/t/river-team/").status_code == 200
    with app.test_request_context("/"):
        roster.remove_member(team, ana)
    assert client.get("/t/river-team/").status_code == 302
    lead = member_client(app, "lead@example.ca")
    page = lead.get("/t/river-team/").text
    assert "removed Ana from the team" in page and "Ana signed in." in page
    # in two teams, removed from one: every session of the person ends
    lake = make_team(app, "Lake Team", "lake@example.ca", "Lia")
    lee = add_person(app, lake, "lead@example.ca", "Lee")
    assert lead.get("/t/lake-team/").status_code == 200
    with app.test_request_context("/"):
        roster.remove_member(lake, lee)
    assert lead.get("/t/river-team/").status_code == 302
    # a membership ended behind the application's back: the session opens nothing
    lia = member_client(app, "lake@example.ca")
    app.extensions["formkit"].store.update_member(
        app.extensions["formkit"].store.list_members(lake.id)[0].id, removed="2026-01-01")
    assert lia.get("/t/lake-team/").status_code == 302


def test_a_coordinator_and_a_member_in_one_browser_keep_both_sessions(app):
    make_team(app)
    add_user(app, "lead@example.ca", "coordinator", forms=["wellbeing"])
    client = member_client(app, "lead@example.ca")
    assert sign_in(client, "lead@example.ca").status_code == 302
    assert client.get("/admin/").status_code == 200
    assert client.get("/t/river-team/").status_code == 200
    # the other way round: signed in as a coordinator, then by link
    from formkit.teams import links

    other = app.test_client()
    assert sign_in(other, "lead@example.ca").status_code == 302
    with app.test_request_context("/"):
        token = links.issue("lead@example.ca")
    page = other.get(f"/signin/{token}")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    assert other.post(f"/signin/{token}", data={"csrf_token": csrf}).status_code == 302
    assert other.get("/admin/").status_code == 200
    assert other.get("/t/river-team/").status_code == 200


# -- invitations, the members page, "send me a new link" --------------------------------
def _link_in(app, email: str) -> str:
    """The token of the newest sign-in link emailed (queued in the outbox) to ``email``."""
    message = app.extensions["formkit"].store.list_messages(recipient=email)[0]
    return re.search(r"/signin/([\w-]+)", message.payload["text"]).group(1)


def _post(client, url, **data):
    page = client.get(url)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post(url, data={"csrf_token": token, **data})


def _use_link(app, token):
    client = app.test_client()
    assert _post(client, f"/signin/{token}").status_code == 302
    return client


def test_a_lead_invites_a_member_who_signs_in_by_the_emailed_link(app):
    make_team(app)
    lead = member_client(app, "lead@example.ca")
    page = lead.get("/t/river-team/members")
    assert "Invite someone" in page.text
    done = _post(lead, "/t/river-team/members", action="invite", email="Ana@Example.ca",
                 name="Ana <b>", role="member")
    assert done.status_code == 302
    message = app.extensions["formkit"].store.list_messages(recipient="ana@example.ca")[0]
    assert "River Team" in message.payload["subject"] and "Ana <b>" in message.payload["text"]
    assert "Ana &lt;b&gt;" in message.payload["html"]
    assert message.payload["text"].count("http://127.0.0.1:5000/signin/") == 2  # en + fr
    ana = _use_link(app, _link_in(app, "ana@example.ca"))
    space = ana.get("/t/river-team/")
    assert space.status_code == 200 and "Ana &lt;b&gt;" in space.text
    assert "Lee invited Ana &lt;b&gt;." in space.text
    # a member sees the list but may not change it
    listing = ana.get("/t/river-team/members")
    assert listing.status_code == 200 and "Invite someone" not in listing.text
    refused = _post(ana, "/t/river-team/members", action="invite", email="x@example.ca",
                    name="X")
    assert refused.status_code == 403
    assert len(app.extensions["formkit"].store.list_members(
        app.extensions["formkit"].store.find_team("river-team").id)) == 2


def test_a_lead_changes_roles_and_removes_but_a_team_keeps_a_lead(app):
    store = app.extensions["formkit"].store
    team = make_team(app)
    ana = add_person(app, team, "ana@example.ca", "Ana")
    lee = store.list_members(team.id)[0]
    lead = member_client(app, "lead@example.ca")
    alone = _post(lead, "/t/river-team/members", action="remove", member_id=lee.id)
    assert alone.status_code == 409 and store.get_member(lee.id).active
    assert _post(lead, "/t/river-team/members", action="role", member_id=ana.id,
                 role="lead").status_code == 302
    assert store.get_member(ana.id).is_lead
    other = make_team(app, "Lake Team", "lake@example.ca", "Lia")
    lia = store.list_members(other.id)[0]
    foreign = _post(lead, "/t/river-team/members", action="remove", member_id=lia.id)
    assert foreign.status_code == 404 and store.get_member(lia.id).active
    assert _post(lead, "/t/river-team/members", action="remove",
                 member_id=ana.id).status_code == 302
    assert not store.get_member(ana.id).active
    bad = _post(lead, "/t/river-team/members", action="invite", email="nope", name="N")
    assert bad.status_code == 422 and "valid email" in bad.text and 'value="nope"' in bad.text
    twice = _post(lead, "/t/river-team/members", action="invite", email="lead@example.ca",
                  name="Lee")
    assert twice.status_code == 422 and "already a member" in twice.text
    page = lead.get("/t/river-team/").text
    assert "Lee made Ana a lead." in page and "Lee removed Ana from the team." in page


def test_send_me_a_new_link_says_the_same_to_everyone_and_is_limited(app):
    store = app.extensions["formkit"].store
    make_team(app)
    client = app.test_client()
    member = _post(client, "/signin", email="lead@example.ca")
    stranger = _post(client, "/signin", email="stranger@example.ca")
    assert member.status_code == stranger.status_code == 200
    assert member.text.replace("lead@", "X@") == stranger.text.replace("stranger@", "X@")
    assert len(store.list_messages(recipient="lead@example.ca")) == 1
    assert store.list_messages(recipient="stranger@example.ca") == []
    assert _use_link(app, _link_in(app, "lead@example.ca")).get(
        "/t/river-team/").status_code == 200
    # per email: no more links after the limit, and the answer does not change
    per_email = app.config["SIGNIN_LINKS_PER_EMAIL"][0]
    for _attempt in range(per_email + 2):
        again = _post(client, "/signin", email="lead@example.ca")
        assert again.status_code == 200
    assert len(store.list_messages(recipient="lead@example.ca")) == per_email
    # per address: then a clear refusal
    app.config["SIGNIN_LINKS_PER_ADDRESS"] = (per_email + 4, 3600)
    assert _post(client, "/signin", email="other@example.ca").status_code == 429
    assert _post(client, "/signin", email="nope").status_code in (422, 429)


def test_a_bad_address_is_a_clear_error(app):
    client = app.test_client()
    answer = _post(client, "/signin", email="not an address")
    assert answer.status_code == 422 and "Enter a valid email address." in answer.text


# -- the command line and the coordinators' pages ---------------------------------------
def cli(app, *args):
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from formkit.cli import main

    return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))


def test_the_command_line_creates_lists_and_changes_teams(app):
    store = app.extensions["formkit"].store
    app.config["BASE_URL"] = "https://forms.example.ca/"
    made = cli(app, "team", "create", "Baie-Comeau Équipe", "--lead", "Lea@Example.ca",
               "--community", "Baie", "--region", "Côte-Nord", "--link")
    assert made.exit_code == 0, made.output
    last = made.output.strip().splitlines()[-1]
    assert last.startswith("https://forms.example.ca/signin/")
    team = store.find_team("baie-comeau-equipe")
    assert team.community == "Baie" and store.list_members(team.id)[0].email == "lea@example.ca"
    lea = _use_link(app, last.rsplit("/", 1)[1])
    assert lea.get("/t/baie-comeau-equipe/").status_code == 200
    added = cli(app, "team", "add-member", team.slug, "ana@example.ca", "--name", "Ana",
                "--language", "fr")
    assert added.exit_code == 0, added.output
    message = store.list_messages(recipient="ana@example.ca")[0]
    assert "Vous êtes invité" in message.payload["subject"]
    assert cli(app, "team", "add-member", team.slug, "ana@example.ca").exit_code == 1
    assert cli(app, "team", "add-member", "nope", "x@example.ca").exit_code == 1
    listing = cli(app, "team", "list")
    assert "baie-comeau-equipe\tBaie-Comeau Équipe\tBaie\tCôte-Nord\t2 member(s)" in \
        listing.output
    again = cli(app, "team", "create", "Baie-Comeau Équipe", "--lead", "b@example.ca")
    assert again.exit_code == 0 and store.find_team("baie-comeau-equipe-2") is not None
    assert cli(app, "team", "create", "X", "--lead", "not-an-email").exit_code == 1
    removed = cli(app, "team", "remove-member", team.slug, "LEA@example.ca")
    assert removed.exit_code == 0, removed.output
    assert lea.get("/t/baie-comeau-equipe/").status_code == 302  # sessions ended
    assert cli(app, "team", "remove-member", team.slug, "lea@example.ca").exit_code == 1


def test_coordinators_create_teams_and_see_the_ones_they_may(app):
    store = app.extensions["formkit"].store
    add_user(app, "admin@example.ca", "admin")
    # membership is in no cycle of site.yaml: its coordinator does not see the teams
    add_user(app, "some@example.ca", "coordinator", forms=["membership"])
    admin = app.test_client()
    sign_in(admin, "admin@example.ca")
    bad = _post(admin, "/admin/teams/new", name="", lead_email="x")
    assert bad.status_code == 422 and "Give the team a name." in bad.text
    done = _post(admin, "/admin/teams/new", name="River Team", community="Riverside",
                 region="North", lead_name="Lee", lead_email="lead@example.ca",
                 language="fr")
    assert done.status_code == 302
    team = store.find_team("river-team")
    assert [m.name for m in store.list_members(team.id)] == ["Lee"]
    assert "Vous êtes invité" in store.list_messages(
        recipient="lead@example.ca")[0].payload["subject"]
    listing = admin.get("/admin/teams")
    assert "River Team" in listing.text and "lead@example.ca" in listing.text
    some = app.test_client()
    sign_in(some, "some@example.ca")
    assert "River Team" not in some.get("/admin/teams").text
    assert _post(admin, "/admin/teams/new", name="x").status_code == 422
    refused = some.post("/admin/teams/new", data={
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"',
                                some.get("/admin/teams").text).group(1),
        "name": "Mole", "lead_email": "mole@example.ca"})
    assert refused.status_code == 403 and store.find_team("mole") is None
    entries = [e["action"] for e in store.iter_audit()]
    assert "team_create" in entries and "member_invite" in entries


def test_copies_and_backups_carry_teams_members_and_their_activity(app, tmp_path):
    from conftest import PostgresSchema
    from formkit.storage import transfer

    store = app.extensions["formkit"].store
    team = make_team(app)
    ana = add_person(app, team, "ana@example.ca", "Ana")
    from formkit.teams import roster

    with app.test_request_context("/"):
        roster.remove_member(team, ana)
    copied = open_store(str(tmp_path / "copy"))
    transfer.copy(store, copied)
    assert [m.name for m in copied.list_members(team.id, include_removed=True)] == [
        "Lee", "Ana"]
    assert [e["action"] for e in copied.list_team_audit(team.id)] == [
        e["action"] for e in store.list_team_audit(team.id)] == [
        "member_remove", "member_invite", "member_invite", "team_create"]
    copied.close()
    transfer.backup(store, tmp_path / "backup.gz")
    schema = PostgresSchema()
    try:
        restored = open_store(schema.url)
        found = transfer.restore(restored, tmp_path / "backup.gz")
        assert (found.teams, found.members) == (1, 2)
        assert restored.find_team("river-team").community == "Riverside"
        assert len(restored.list_team_audit(team.id)) == 4
        restored.close()
    finally:
        schema.drop()


def test_hostile_names_come_back_escaped_everywhere(app):
    hostile = '<script>alert("x")</script>'
    team = make_team(app, name=f"Team {hostile}", lead_name=hostile)
    add_user(app, "admin@example.ca", "admin")
    admin = app.test_client()
    sign_in(admin, "admin@example.ca")
    lead = member_client(app, "lead@example.ca")
    pages = [lead.get(f"/t/{team.slug}/"), lead.get(f"/t/{team.slug}/members"),
             lead.get("/t/?all=1"), admin.get("/admin/teams")]
    for page in pages:
        assert page.status_code == 200
        assert hostile not in page.text and "&lt;script&gt;" in page.text

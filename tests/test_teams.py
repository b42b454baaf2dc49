"""Teams (issue 18, part A): the store's teams, members and sign-in links, members'
sessions, the team space and its one checkpoint. Every test runs on both stores."""

from __future__ import annotations

import re
import threading

import pytest

from conftest import ROOT, add_user, make_app, member_client, sign_in
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
def app(tmp_path, store_url, moment):
    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(ROOT / "forms"),
                   PLUGINS_DIR=str(ROOT / "plugins"), ARGON2_PROFILE="CHEAPEST",
                   CLOCK=moment)
    yield app
    app.extensions["formkit"].store.close()


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
    add_user(app, "some@example.ca", "coordinator", forms=["wellbeing"])
    for email, status in (("admin@example.ca", 200), ("all@example.ca", 200),
                          ("some@example.ca", 404)):
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


def test_a_coordinator_and_a_member_in_one_browser_keep_both_sessions(app):
    make_team(app)
    add_user(app, "lead@example.ca", "coordinator", forms=["wellbeing"])
    client = member_client(app, "lead@example.ca")
    assert sign_in(client, "lead@example.ca").status_code == 302
    assert client.get("/admin/").status_code == 200
    assert client.get("/t/river-team/").status_code == 200

"""Finding peers (formkit/teams/peers.py, issue 19), on both stores: only a team's lead
lists or unlists it; other teams (members of any team, coordinators) find listed teams
by what they work on (the wellbeing plugin's ``formkit_team_tags``: the confirmed
priorities) and region, paged; unlisted teams are never shown; a message reaches the
listed team's leads through the outbox without showing their addresses; both
languages."""

from __future__ import annotations

import re

import pytest

from conftest import add_user, member_client, sign_in
from formkit.testing import text_of


@pytest.fixture
def app(team_app):
    return team_app


def store_of(app):
    return app.extensions["formkit"].store


def make_team(app, name, lead, region, *areas, community="Maple Grove", listed=True,
              member=None):
    """A team with a cycle whose confirmed priorities are ``areas`` (the ``priorities``
    team form's answers, as the lead's confirmation stores them)."""
    from formkit.storage import TeamResponse
    from formkit.teams import cycles, roster

    with app.test_request_context("/"):
        team, _lead = roster.create_team(name, lead, f"Lead of {name}", community=community,
                                         region=region)
        if member:
            roster.add_member(team, member, f"Member of {name}", "member")
        cycle = cycles.start(team, "2026–2027", None)
        if areas:
            answers = {f"priority_{n}": key for n, key in enumerate(areas, start=1)}
            store_of(app).open_team_response(TeamResponse(
                response_id="", team_id=team.id, cycle_id=cycle.id, form_id="priorities"),
                "1", "en", {**answers, "reason": ""})
        if listed:
            team = store_of(app).update_team(team.id, listed=True)
    return team


def token(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]*)"', page.text).group(1)


def names_on(page) -> list[str]:
    return re.findall(r"<h2>([^<]*)</h2>", page.text)


def toggle(client, slug, listed: bool):
    page = client.get(f"/t/{slug}/")
    data = {"csrf_token": token(page)}
    if listed:
        data["listed"] = "yes"
    return client.post(f"/t/{slug}/peers/listing", data=data)


@pytest.fixture
def world(app):
    """Our team (transportation, food security) and four others: two listed sharing
    transportation, one listed sharing nothing, one NOT listed sharing transportation."""
    ours = make_team(app, "Oak Team", "olga@example.ca", "East", "transportation",
                     "food_security", listed=False, member="omar@example.ca")
    make_team(app, "River Team", "rita@example.ca", "East", "transportation", "housing")
    make_team(app, "Lake Team", "lars@example.ca", "North West", "food_security",
              "transportation", community="Kenora")
    make_team(app, "Birch Team", "bea@example.ca", "North West", "housing")
    make_team(app, "Hidden Team", "hugo@example.ca", "East", "transportation",
              listed=False)
    return {"ours": ours, "lead": member_client(app, "olga@example.ca"),
            "member": member_client(app, "omar@example.ca")}


def test_only_the_lead_lists_and_unlists_the_team(app, world):
    slug = world["ours"].slug
    # A member sees the state but has no box; the lead has it.
    assert 'name="listed"' not in world["member"].get(f"/t/{slug}/").text
    assert "List our team so other teams can find us" in world["lead"].get(f"/t/{slug}/").text

    refused = toggle(world["member"], slug, True)
    assert refused.status_code == 403
    assert store_of(app).find_team(slug).listed is False

    add_user(app, "admin@example.ca", "admin")
    admin = app.test_client()
    assert sign_in(admin, "admin@example.ca").status_code == 302
    assert toggle(admin, slug, True).status_code == 403  # a coordinator is not the lead
    assert store_of(app).find_team(slug).listed is False

    assert toggle(world["lead"], slug, True).status_code == 302
    assert store_of(app).find_team(slug).listed is True
    river = member_client(app, "rita@example.ca")
    assert "Oak Team" in names_on(river.get("/t/river-team/peers/"))

    # Unlisting takes it off every listing at once.
    assert toggle(world["lead"], slug, False).status_code == 302
    assert store_of(app).find_team(slug).listed is False
    assert "Oak Team" not in names_on(river.get("/t/river-team/peers/"))
    space = text_of(world["member"].get(f"/t/{slug}/"))
    assert "Lead of Oak Team took the team off the list other teams see." in space
    assert "Lead of Oak Team listed the team so other teams can find it." in space


def test_listed_teams_sharing_our_areas_come_first_and_filter_by_area(world):
    page = world["member"].get("/t/oak-team/peers/")
    assert page.status_code == 200
    # Lake shares 2 areas (food security, transportation), River 1, Birch 0; Hidden is
    # not listed; our own team is not among its peers.
    assert names_on(page) == ["Lake Team", "River Team", "Birch Team"]
    assert "2 areas in common with us" in text_of(page)
    assert "1 area in common with us" in text_of(page)

    shared = world["member"].get("/t/oak-team/peers/?area=transportation")
    assert names_on(shared) == ["Lake Team", "River Team"]
    assert "2 teams" in text_of(shared)
    housing = world["member"].get("/t/oak-team/peers/?area=housing&region=North+West")
    assert names_on(housing) == ["Birch Team"]
    # The area filter offers what listed teams work on, never a hidden team's only area.
    options = re.findall(r'<option value="([a-z_]+)"', page.text)
    assert sorted(options) == ["food_security", "housing", "transportation"]


def test_unlisted_teams_are_never_shown_nor_reachable(app, world):
    for query in ("", "?area=transportation", "?region=East", "?page=2"):
        assert "Hidden Team" not in world["member"].get(f"/t/oak-team/peers/{query}").text
    assert world["member"].get("/t/oak-team/peers/hidden-team/contact").status_code == 404
    # Nor is a team that stopped being listed, even from an old link.
    river = store_of(app).find_team("river-team")
    store_of(app).update_team(river.id, listed=False)
    assert world["member"].get("/t/oak-team/peers/river-team/contact").status_code == 404
    assert "River Team" not in world["member"].get("/t/oak-team/peers/").text


def test_access_from_another_team_and_for_coordinators(app, world):
    lake = member_client(app, "lars@example.ca")
    # Lake's member finds Oak's peers only through Lake's own space.
    assert lake.get("/t/oak-team/peers/").status_code == 404
    assert lake.post("/t/oak-team/peers/listing", data={"listed": "yes"}).status_code in (
        400, 404)
    assert store_of(app).find_team("oak-team").listed is False
    assert names_on(lake.get("/t/lake-team/peers/")) == ["River Team", "Birch Team"]
    signed_out = app.test_client().get("/t/oak-team/peers/")
    assert signed_out.status_code == 302 and "/signin" in signed_out.headers["Location"]

    add_user(app, "coord@example.ca", "coordinator", forms=["workplan"])
    coordinator = app.test_client()
    assert sign_in(coordinator, "coord@example.ca").status_code == 302
    page = coordinator.get("/t/oak-team/peers/")
    assert names_on(page) == ["Lake Team", "River Team", "Birch Team"]
    assert "Write to this team" not in page.text  # coordinators read; members write
    assert coordinator.get("/t/oak-team/peers/river-team/contact").status_code == 403


def test_a_message_reaches_the_leads_through_the_outbox_and_shows_no_address(app, world):
    page = world["member"].get("/t/oak-team/peers/")
    assert "rita@example.ca" not in page.text and "lars@example.ca" not in page.text
    form = world["member"].get("/t/oak-team/peers/river-team/contact")
    assert form.status_code == 200 and "rita@example.ca" not in form.text

    empty = world["member"].post("/t/oak-team/peers/river-team/contact",
                                 data={"csrf_token": token(form), "message": "  "})
    assert empty.status_code == 422 and "Write your message." in empty.text
    long = "x" * 2001
    too_long = world["member"].post("/t/oak-team/peers/river-team/contact",
                                    data={"csrf_token": token(form), "message": long})
    assert too_long.status_code == 422 and long in too_long.text  # nothing lost
    assert not store_of(app).list_messages(limit=1000) or all(
        m.recipient != "rita@example.ca" or "peer:" not in m.id
        for m in store_of(app).list_messages(limit=1000))

    sent = world["member"].post("/t/oak-team/peers/river-team/contact", data={
        "csrf_token": token(form), "message": "We drive seniors <b>too</b>: shall we talk?"})
    assert sent.status_code == 302
    peer_messages = [m for m in store_of(app).list_messages(limit=1000)
                     if m.id.startswith("email:peer:")]
    assert [m.recipient for m in peer_messages] == ["rita@example.ca"]
    payload = peer_messages[0].payload
    assert payload["reply_to"] == "omar@example.ca"
    assert "Member of Oak Team, of the team Oak Team (Maple Grove · East)" in payload["text"]
    assert "We drive seniors <b>too</b>: shall we talk?" in payload["text"]
    assert "&lt;b&gt;too&lt;/b&gt;" in payload["html"] and "<b>too" not in payload["html"]


def test_messages_per_day_are_limited(app, world):
    app.config["PEER_MESSAGES_PER_DAY"] = (2, 86400)
    form = world["member"].get("/t/oak-team/peers/lake-team/contact")
    codes = [world["member"].post("/t/oak-team/peers/lake-team/contact", data={
        "csrf_token": token(form), "message": f"Hello {n}"}).status_code for n in range(3)]
    assert codes == [302, 302, 429]
    assert len([m for m in store_of(app).list_messages(limit=1000)
                if m.id.startswith("email:peer:")]) == 2


def test_pages_of_teams_and_odd_input(app, world):
    for n in range(20):
        make_team(app, f"Zed Team {n:02d}", f"z{n}@example.ca", "South West", "housing")
    client = world["member"]
    first = client.get("/t/oak-team/peers/")
    # 23 listed teams: 20 on the first page, by shared areas then name; 3 on the second.
    assert len(names_on(first)) == 20 and "page 1 of 2" in text_of(first)
    second = client.get("/t/oak-team/peers/?page=2")
    assert names_on(second) == ["Zed Team 17", "Zed Team 18", "Zed Team 19"]
    for query in ("?page=%C2%B2", "?page=-1", "?area=%3Cscript%3E", "?region=Atlantis",
                  "?page=999999999999", "?area=housing&page=9"):
        answer = client.get(f"/t/oak-team/peers/{query}")
        assert answer.status_code == 200, query
        assert "<script>" not in answer.text
    notice = text_of(client.get("/t/oak-team/peers/?region=Atlantis"))
    assert "No listed team is in that region; showing every region." in notice


def test_french(app, world):
    page = world["member"].get("/t/oak-team/peers/?lang=fr")
    text = text_of(page)
    assert "Des équipes comme la nôtre" in text
    assert "Transport et déplacements" in text and "Sécurité alimentaire" in text
    assert "2 domaines en commun avec nous" in text
    assert "Écrire à cette équipe" in text
    space = text_of(world["lead"].get("/t/oak-team/?lang=fr"))
    assert "Inscrire notre équipe pour que d’autres équipes nous trouvent" in space
    assert "Trouver des pairs" in space
    form = world["member"].get("/t/oak-team/peers/river-team/contact?lang=fr")
    world["member"].post("/t/oak-team/peers/river-team/contact?lang=fr", data={
        "csrf_token": token(form), "message": "Bonjour"})
    message = next(m for m in store_of(app).list_messages(limit=1000)
                   if m.id.startswith("email:peer:"))
    assert message.payload["subject"].startswith("Un message de l’équipe Oak Team")
    assert "Pour répondre, répondez à ce courriel ou écrivez à omar@example.ca." in \
        message.payload["text"]


def test_a_new_cycle_keeps_the_last_confirmed_priorities_until_new_ones(app, world):
    from formkit.storage import TeamResponse
    from formkit.teams import cycles

    river = store_of(app).find_team("river-team")
    with app.test_request_context("/"):
        second = cycles.start(river, "2027–2028", None)
    shown = world["member"].get("/t/oak-team/peers/?area=housing")
    assert "River Team" in names_on(shown)  # cycle 1's priorities, none confirmed in 2
    store_of(app).open_team_response(TeamResponse(
        response_id="", team_id=river.id, cycle_id=second.id, form_id="priorities"),
        "1", "en", {"priority_1": "inclusion", "priority_2": "", "reason": "Newcomers"})
    assert names_on(world["member"].get("/t/oak-team/peers/?area=housing")) == ["Birch Team"]
    assert names_on(world["member"].get("/t/oak-team/peers/?area=inclusion")) == [
        "River Team"]
    # The lead changes them: the listing follows at once (no stale tags kept).
    slot = next(s for s in store_of(app).list_team_responses(second.id)
                if s.form_id == "priorities")
    store_of(app).update(slot.response_id, answers={"priority_1": "housing"})
    # (neither shares an area with Oak now: by name)
    assert names_on(world["member"].get("/t/oak-team/peers/?area=housing")) == [
        "Birch Team", "River Team"]

"""Teams' success stories (plugins/story.py, issue 19), on both stores: a team writes
several stories, coordinators publish only consented ones, the public page shows and
filters published stories (escaped, both languages, nothing personal), a withdrawal of
consent or a change takes a story off the page at once, and who may do what."""

from __future__ import annotations

import re

import pytest
import yaml

from conftest import ROOT, add_user, member_client, sign_in
from formkit.testing import text_of


@pytest.fixture
def app(team_app):
    return team_app


def make_team(app, name, lead, region, community="Maple Grove"):
    from formkit.teams import roster

    with app.test_request_context("/"):
        team, _lead = roster.create_team(name, lead, "Lee Secret-Lead", community=community,
                                         region=region)
    return team


def token(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]*)"', page.text).group(1)


def story_input(**changes) -> dict:
    data = {"title": "Rides to the clinic", "what_happened": "Volunteers drove neighbours.",
            "who_involved": "The library and the seniors' club.",
            "what_changed": "Nobody missed an appointment.", "areas": ["transportation"],
            "photo_credit": "Photo: Maple Grove Library", "consent_publish": "yes"}
    data.update(changes)
    return {f"q_{k}": v for k, v in data.items() if v is not None}


def write(client, slug, **changes):
    page = client.get(f"/t/{slug}/stories/new")
    return client.post(f"/t/{slug}/stories/new",
                       data={"csrf_token": token(page), **story_input(**changes)})


def change(client, slug, story_id, **changes):
    url = f"/t/{slug}/stories/{story_id}"
    return client.post(url, data={"csrf_token": token(client.get(url)),
                                  **story_input(**changes)})


def set_status(client, story_id, status):
    url = f"/admin/responses/{story_id}"
    return client.post(f"{url}/status", data={"csrf_token": token(client.get(url)),
                                               "status": status, "comment": ""})


def stories_of(app):
    return list(app.extensions["formkit"].store.iter_responses("story"))


@pytest.fixture
def world(app):
    """Two teams in two regions, their leads signed in, and a coordinator of stories."""
    make_team(app, "River Team", "lee@example.ca", "East")
    make_team(app, "Lake Team", "kim@example.ca", "North West", community="Kenora")
    add_user(app, "coord@example.ca", "coordinator", forms=["story"])
    coordinator = app.test_client()
    assert sign_in(coordinator, "coord@example.ca").status_code == 302
    return {"river": member_client(app, "lee@example.ca"),
            "lake": member_client(app, "kim@example.ca"), "coordinator": coordinator}


def story_id(reply) -> str:
    assert reply.status_code == 302, text_of(reply)[:800]
    return reply.headers["Location"].rstrip("/").rsplit("/", 1)[-1]


def test_a_team_writes_several_stories_and_its_panel_lists_them(app, world):
    river = world["river"]
    assert "No story yet." in text_of(river.get("/t/river-team/"))
    first = story_id(write(river, "river-team"))
    second = story_id(write(river, "river-team", title="A grief café", areas=["end_of_life"]))
    assert first != second and len(stories_of(app)) == 2
    space = text_of(river.get("/t/river-team/"))
    assert "Rides to the clinic" in space and "A grief café" in space and "To review" in space
    assert "Lee Secret-Lead wrote the story “A grief café”." in space  # the team's activity
    # nothing published yet
    assert "0 stories" in text_of(app.test_client().get("/stories"))


def test_bad_input_is_refused_in_both_languages_and_keeps_what_was_typed(app, world):
    reply = write(world["river"], "river-team", what_changed="", areas=None)
    assert reply.status_code == 422 and not stories_of(app)
    assert "Volunteers drove neighbours." in reply.text  # kept
    page = world["river"].get("/t/river-team/stories/new?lang=fr")
    french = world["river"].post("/t/river-team/stories/new?lang=fr", data={
        "csrf_token": token(page), **story_input(what_changed="")})
    assert french.status_code == 422 and "Veuillez corriger ce qui suit" in french.text


def test_only_consented_stories_are_published_and_the_page_shows_them(app, world):
    river, lake, coordinator = world["river"], world["lake"], world["coordinator"]
    unconsented = story_id(write(river, "river-team", title="Not yet", consent_publish="no"))
    refused = set_status(coordinator, unconsented, "published")
    assert refused.status_code == 302
    assert "Only a story whose team agreed to publish it can be published." in text_of(
        coordinator.get(refused.headers["Location"]))
    store = app.extensions["formkit"].store
    assert store.get(unconsented).review_status is None  # unchanged
    assert "Not yet" not in text_of(app.test_client().get("/stories"))

    listed = text_of(coordinator.get("/admin/forms/story/"))  # which team, which consent
    assert "River Team" in listed and "Agreed to publish" in listed and "No" in listed
    rides = story_id(write(river, "river-team", title="<script>alert(1)</script> Rides"))
    soup = story_id(write(lake, "lake-team", title="Soup nights", areas=["food_security"],
                          photo_credit=None))
    for found in (rides, soup):
        assert set_status(coordinator, found, "published").status_code == 302
        assert store.get(found).review_status == "published"
    public = app.test_client()
    page = public.get("/stories")
    assert page.status_code == 200 and "<script>alert(1)" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Rides" in page.text
    text = text_of(page)
    assert "2 stories" in text and "Soup nights" in text and "Photo: Maple Grove Library" in text
    assert "Maple Grove · East · Transportation and getting around" in text
    for personal in ("Lee Secret-Lead", "lee@example.ca", "kim@example.ca"):
        assert personal not in page.text
    # filters, server-side
    east = text_of(public.get("/stories?region=East"))
    assert "1 story" in east and "Rides" in east and "Soup nights" not in east
    food = text_of(public.get("/stories?area=food_security"))
    assert "1 story" in food and "Soup nights" in food and "Rides" not in food
    assert "0 stories" in text_of(public.get("/stories?region=East&area=food_security"))
    odd = text_of(public.get("/stories?region=Mars&area=%3Cb%3E"))
    assert "That region is not in the list" in odd and "2 stories" in odd
    french = text_of(public.get("/stories?lang=fr&region=North+West"))
    assert "Réussites de nos collectivités" in french and "1 réussite" in french
    assert "Kenora · North West · Sécurité alimentaire" in french


def test_withdrawn_consent_or_a_change_takes_a_story_off_the_page_at_once(app, world):
    river, coordinator = world["river"], world["coordinator"]
    store = app.extensions["formkit"].store
    rides = story_id(write(river, "river-team"))
    set_status(coordinator, rides, "published")
    assert "Rides to the clinic" in text_of(app.test_client().get("/stories"))

    assert change(river, "river-team", rides, consent_publish="no").status_code == 302
    assert store.get(rides).review_status == "not_published"
    assert "Rides to the clinic" not in text_of(app.test_client().get("/stories"))
    assert set_status(coordinator, rides, "published").status_code == 302
    assert store.get(rides).review_status == "not_published"  # the guard holds

    change(river, "river-team", rides, consent_publish="yes")
    set_status(coordinator, rides, "published")
    assert change(river, "river-team", rides, what_changed="More rides.").status_code == 302
    assert store.get(rides).review_status == "pending"  # read again before it is shown
    assert "Rides to the clinic" not in text_of(app.test_client().get("/stories"))
    history = store.get(rides).history
    assert [h["to"] for h in history][-2:] == ["published", "pending"]


def test_who_may_read_and_write_a_teams_stories(app, world):
    river, lake, coordinator = world["river"], world["lake"], world["coordinator"]
    rides = story_id(write(river, "river-team"))
    # another team's member: not found, whether through their team or the story's
    assert lake.get(f"/t/river-team/stories/{rides}").status_code == 404
    assert lake.get(f"/t/lake-team/stories/{rides}").status_code == 404
    assert lake.get("/t/river-team/stories/new").status_code == 404
    # signed out: to the sign-in page, nothing stored
    stranger = app.test_client()
    assert stranger.get("/t/river-team/stories/new").status_code == 302
    # a coordinator reads, does not write
    assert coordinator.get(f"/t/river-team/stories/{rides}").status_code == 200
    assert coordinator.get("/t/river-team/stories/new").status_code == 403
    page = coordinator.get(f"/t/river-team/stories/{rides}")
    assert coordinator.post(f"/t/river-team/stories/{rides}", data={
        "csrf_token": token(page), **story_input(title="Coordinator's")}).status_code == 403
    # no CSRF token, no story
    assert river.post("/t/river-team/stories/new", data=story_input()).status_code == 400
    assert [s.answers["title"] for s in stories_of(app)] == ["Rides to the clinic"]


def test_the_story_areas_are_the_wellbeing_guides_areas():
    def keys(path, field):
        form = yaml.safe_load((ROOT / "forms" / path).read_text(encoding="utf-8"))
        for section in form["sections"]:
            for spec in section["fields"]:
                if spec["id"] == field:
                    return [(c["key"], c["label"]) for c in spec.get("rows") or spec["choices"]]
        raise AssertionError(field)

    assert keys("story.yaml", "areas") == keys("wellbeing.yaml", "strength")


def test_the_api_refuses_to_publish_an_unconsented_story(app, world):
    from formkit.rest.tokens import create_token

    store = app.extensions["formkit"].store
    quiet = story_id(write(world["river"], "river-team", consent_publish="no"))
    agreed = story_id(write(world["river"], "river-team", title="Agreed"))
    with app.app_context():
        _record, secret = create_token(store, "desk", write=True)
    headers = {"Authorization": f"Bearer {secret}"}
    api = app.test_client()
    refused = api.patch(f"/api/v1/responses/{quiet}", json={"review_status": "published"},
                        headers=headers)
    assert refused.status_code == 409
    assert "agreed to publish" in refused.json["detail"]
    assert store.get(quiet).review_status is None
    done = api.patch(f"/api/v1/responses/{agreed}", json={"review_status": "published"},
                     headers=headers)
    assert done.status_code == 200 and store.get(agreed).review_status == "published"


def test_select_responses_matches_every_criterion_given(app):
    """The store's selection the story pages use: status, review status and a key prefix
    (taken literally: % and _ are not wildcards), the same on both stores."""
    store = app.extensions["formkit"].store
    made = {}
    for key in ("story:t_1:a", "story:t_1:b", "story:tx1:c", "story:t%1:d", "other"):
        draft = store.create_draft("story", "1", "en", key, answers={"title": key})
        made[key] = store.submit(draft)[0] if key != "story:t_1:b" else draft
    store.update(made["story:t_1:a"].id, review_status="published")

    def keys(**criteria):
        return [r.key for r in store.select_responses("story", **criteria)]

    assert keys(key_prefix="story:t_1:") == ["story:t_1:a", "story:t_1:b"]
    assert keys(status="submitted", key_prefix="story:t_1:") == ["story:t_1:a"]
    assert keys(key_prefix="story:t%1:") == ["story:t%1:d"]
    assert keys(status="submitted", review_status="published") == ["story:t_1:a"]
    assert keys(review_status="published", key_prefix="story:tx") == []
    assert len(keys()) == 5 and keys(key_prefix="nope") == []


def test_the_public_page_shows_twenty_stories_a_page_and_keeps_its_filters(app):
    store = app.extensions["formkit"].store
    team = make_team(app, "River Team", "lee@example.ca", "East")
    for n in range(45):
        draft = store.create_draft("story", "1", "en", f"story:{team.id}:{n}", answers={
            "title": f"Story number {n:02d}", "areas": ["housing"], "consent_publish": True})
        store.update(store.submit(draft)[0].id, review_status="published")
    public = app.test_client()
    first = public.get("/stories?area=housing")
    assert "45 stories · page 1 of 3" in text_of(first)
    assert text_of(first).count("Story number") == 20
    assert 'href="/stories?area=housing&amp;page=2" rel="next"' in first.text
    last = text_of(public.get("/stories?area=housing&page=3"))
    assert last.count("Story number") == 5 and "page 3 of 3" in last
    assert "page 3 of 3" in text_of(public.get("/stories?page=99"))  # the last page
    assert "page 1 of 3" in text_of(public.get("/stories?page=%C2%B2"))  # not a number
    french = text_of(public.get("/stories?lang=fr&page=2"))
    assert "45 réussites · page 2 sur 3" in french and "Réussites plus anciennes" in french

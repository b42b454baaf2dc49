"""Cycles and living responses through the application (issue 18, part B), on both
stores: starting cycles, editing a team's response page by page, stale saves, history,
submission, the members' aggregate, carrying answers over, comparing with the previous
cycle, who may do what, and the coordinators' view."""

from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from conftest import ROOT, add_user, make_app, member_client, sign_in
from formkit import hookimpl
from formkit.testing import page_input, text_of


@pytest.fixture
def app(tmp_path, store_url, moment):
    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(ROOT / "forms"),
                   PLUGINS_DIR=str(ROOT / "plugins"), ARGON2_PROFILE="CHEAPEST",
                   CLOCK=moment, TEAM_AGGREGATE_MINIMUM=2)
    yield app
    app.extensions["formkit"].store.close()


def make_team(app, name="River Team", lead="lead@example.ca", lead_name="Lee"):
    from formkit.teams import roster

    with app.test_request_context("/"):
        team, _lead = roster.create_team(name, lead, lead_name)
    return team


def add_person(app, team, email, name, role="member"):
    from formkit.teams import roster

    with app.test_request_context("/"):
        return roster.add_member(team, email, name, role)


def hidden(page, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page.text).group(1)


def start_cycle(client, slug="river-team", label="2026–2027"):
    space = client.get(f"/t/{slug}/")
    return client.post(f"/t/{slug}/cycles/new",
                       data={"csrf_token": hidden(space, "csrf_token"), "label": label})


def edit(client, url, data, action="save", page=None):
    """Open an edit page, then post ``data`` from it (or from ``page``, opened earlier)."""
    page = page if page is not None else client.get(url)
    return client.post(url, data={"csrf_token": hidden(page, "csrf_token"),
                                  "_revision": hidden(page, "_revision"), "_action": action,
                                  **data})


def fill_all(app, client, base, form_id):
    """Every page with sample input, then Submit."""
    form = app.extensions["formkit"].registry.get_form(form_id)
    for index, section in enumerate(form.sections):
        reply = edit(client, f"{base}/edit/{index}", page_input(section))
        assert reply.status_code == 302, text_of(reply)[:1500]
    page = client.get(f"{base}/")
    return client.post(f"{base}/submit", data={"csrf_token": hidden(page, "csrf_token")})


def test_a_lead_starts_a_cycle_and_the_space_lists_its_forms(app):
    make_team(app)
    add_person(app, app.extensions["formkit"].store.find_team("river-team"), "ana@example.ca",
               "Ana")
    lead = member_client(app, "lead@example.ca")
    ana = member_client(app, "ana@example.ca")
    assert "No cycle has started yet." in text_of(lead.get("/t/river-team/"))
    assert start_cycle(ana).status_code == 403  # a member, not a lead
    empty = lead.post("/t/river-team/cycles/new", data={
        "csrf_token": hidden(lead.get("/t/river-team/"), "csrf_token"), "label": "  "})
    assert empty.status_code == 302 and not app.extensions["formkit"].store.list_cycles(
        app.extensions["formkit"].store.find_team("river-team").id)
    assert start_cycle(lead).status_code == 302
    # no CSRF token: refused
    assert lead.post("/t/river-team/cycles/new", data={"label": "x"}).status_code == 400
    space = text_of(lead.get("/t/river-team/"))
    assert "Cycle 2026–2027" in space
    titles = [f.title.en for f in (app.extensions["formkit"].registry.get_form(i)
                                   for i in ("wellbeing", "priorities", "workplan",
                                             "evaluation", "competency"))]
    positions = [space.index(t) for t in titles]
    assert positions == sorted(positions) and space.count("Not started") == 5
    assert "Lee started the cycle 2026–2027." in space


def test_two_members_edit_one_response_and_a_stale_save_keeps_what_it_typed(app):
    team = make_team(app)
    add_person(app, team, "ana@example.ca", "Ana")
    lead, ana = member_client(app, "lead@example.ca"), member_client(app, "ana@example.ca")
    start_cycle(lead)
    base = "/t/river-team/c/1/workplan"
    url = f"{base}/edit/0"
    ana_page = ana.get(url)  # Ana opens the page at revision 0 …
    lead_save = edit(lead, url, {"q_team_name": "River", "q_priority_1": "Loneliness"})
    assert lead_save.status_code == 302  # … Lee saves first
    stale = edit(ana, url, {"q_team_name": "River team of Ana", "q_priority_1": "Isolation"},
                 page=ana_page)
    assert stale.status_code == 409
    text = text_of(stale)
    assert "Someone saved this response while you were editing it" in text
    assert "Lee: Team name: — → River" in text
    assert 'value="River team of Ana"' in stale.text  # what Ana typed is still there
    store = app.extensions["formkit"].store
    [slot] = store.list_team_responses(store.list_cycles(team.id)[0].id)
    assert store.get(slot.response_id).answers["team_name"] == "River"  # not overwritten
    # saving again (from the page that showed the conflict) applies Ana's page
    again = ana.post(url, data={"csrf_token": hidden(stale, "csrf_token"),
                                "_revision": hidden(stale, "_revision"), "_action": "save",
                                "q_team_name": "River team of Ana",
                                "q_priority_1": "Isolation"})
    assert again.status_code == 302
    assert store.get(slot.response_id).answers["team_name"] == "River team of Ana"
    for client in (lead, ana):
        history = text_of(client.get(f"{base}/"))
        assert "Ana" in history and "Lee" in history
        assert "Team name: River → River team of Ana" in history
        assert "Team name: — → River" in history
    space = text_of(ana.get("/t/river-team/"))
    assert "In progress" in space and "updated today" in space
    assert "Lee saved Workplan" in space and "Ana saved Workplan" in space
    french = text_of(ana.get(f"{base}/?lang=fr"))
    assert "Nom de l’équipe : River → River team of Ana" in french  # text_of folds spaces


def test_every_save_is_a_revision_with_its_result_and_submitting_checks_required(app):
    team = make_team(app)
    lead = member_client(app, "lead@example.ca")
    start_cycle(lead)
    base = "/t/river-team/c/1/workplan"
    page = lead.get(f"{base}/")
    early = lead.post(f"{base}/submit", data={"csrf_token": hidden(page, "csrf_token")})
    assert early.status_code == 302 and "/edit/0" in early.headers["Location"]
    assert fill_all(app, lead, base, "workplan").status_code == 302
    store = app.extensions["formkit"].store
    [slot] = store.list_team_responses(store.list_cycles(team.id)[0].id)
    response = store.get(slot.response_id)
    assert response.is_submitted and slot.status == "submitted"
    revisions = store.list_revisions(response.id)
    assert revisions[-1].submitted and revisions[-1].score == response.score is not None
    assert all(r.author_name == "Lee" for r in revisions)
    # still living after submission
    assert edit(lead, f"{base}/edit/0", {**page_input(
        app.extensions["formkit"].registry.get_form("workplan").sections[0]),
        "q_team_name": "Renamed"}).status_code == 302
    assert store.get(response.id).answers["team_name"] == "Renamed"
    assert store.get(response.id).is_submitted
    # bad input: a clear error, nothing saved
    bad = edit(lead, f"{base}/edit/0", {"q_team_name": "", "q_priority_1": "x"})
    assert bad.status_code == 422 and "Please correct the following" in text_of(bad)
    assert store.get(response.id).answers["team_name"] == "Renamed"
    assert len(store.list_revisions(response.id)) == len(revisions) + 1
    entries = app.extensions["formkit"].store.list_team_audit(team.id, 50)
    assert {"revision", "cycle_start"} <= {e["action"] for e in entries}


def test_a_team_submission_alerts_coordinators_and_sends_webhook_events(app):
    """A team's submission causes what a public one does: the coordinators' alerts, the
    form's webhook events and the plugins' saved hook (issue 16's outbox)."""
    from formkit.webhooks import subscribe

    team = make_team(app)
    add_user(app, "coord@example.ca", role="coordinator", forms=["workplan"])
    store = app.extensions["formkit"].store
    coordinator = store.find_user("coord@example.ca")
    store.update_user(coordinator.id, alerts={"workplan": {"mode": "each"}})
    with app.test_request_context("/"):
        subscribe("workplan", "http://127.0.0.1:9/hook", "submitted", ["127.0.0.1"])
    lead = member_client(app, "lead@example.ca")
    start_cycle(lead)
    assert fill_all(app, lead, "/t/river-team/c/1/workplan", "workplan").status_code == 302
    queued = store.list_messages(limit=50)
    [alert] = [m for m in queued if m.kind == "email" and m.recipient == "coord@example.ca"]
    [slot] = store.list_team_responses(store.list_cycles(team.id)[0].id)
    assert alert.response_id == slot.response_id and alert.after_submit == slot.response_id
    assert f"/admin/responses/{slot.response_id}" in alert.payload["text"]
    assert [m for m in queued if m.kind == "webhook"]
    # a second submit (already submitted) queues nothing more
    page = lead.get("/t/river-team/c/1/workplan/")
    lead.post("/t/river-team/c/1/workplan/submit",
              data={"csrf_token": hidden(page, "csrf_token")})
    assert len(store.list_messages(limit=50)) == len(queued)


def test_a_new_cycle_starts_from_the_previous_answers_and_plugins_compare(app):
    class Compare:
        @hookimpl
        def formkit_compare(self, form, response, previous):
            return Markup("<p>Before: {} now: {}</p>").format(
                previous.answers.get("team_name"), response.answers.get("team_name"))

    app.extensions["formkit"].registry.pm.register(Compare(), "compare-test")
    make_team(app)
    lead = member_client(app, "lead@example.ca")
    start_cycle(lead, label="2025–2026")
    base = "/t/river-team/c/1/workplan"
    edit(lead, f"{base}/edit/0", {"q_team_name": "First year", "q_priority_1": "Food"})
    start_cycle(lead, label="2026–2027")
    second = lead.get("/t/river-team/c/2/workplan/edit/0")
    assert 'value="First year"' in second.text  # carried over
    edit(lead, "/t/river-team/c/2/workplan/edit/0",
         {"q_team_name": "Second year", "q_priority_1": "Food"})
    page = text_of(lead.get("/t/river-team/c/2/workplan/"))
    assert "Before: First year now: Second year" in page
    space = text_of(lead.get("/t/river-team/"))
    assert "Cycle 2026–2027" in space and "Earlier cycles" in space and "2025–2026" in space
    # the first cycle's response is unchanged
    assert "First year" in text_of(lead.get(f"{base}/"))


def test_member_scope_is_private_and_the_team_sees_an_aggregate_from_the_minimum(app):
    team = make_team(app)
    add_person(app, team, "ana@example.ca", "Ana")
    lead, ana = member_client(app, "lead@example.ca"), member_client(app, "ana@example.ca")
    start_cycle(lead)
    base = "/t/river-team/c/1/competency"
    assert fill_all(app, lead, base, "competency").status_code == 302
    page = text_of(ana.get(f"{base}/"))
    assert "appears once 2 members have submitted" in page and "(1 so far)" in page
    assert "No answers yet." in page  # Ana's own, empty: not Lee's
    assert fill_all(app, ana, base, "competency").status_code == 302
    page = text_of(ana.get(f"{base}/"))
    assert "2 members answered." in page
    assert "Mean rating per domain" in page  # the plugin's own summary, as coordinators'
    store = app.extensions["formkit"].store
    slots = [s for s in store.list_team_responses(store.list_cycles(team.id)[0].id)
             if s.form_id == "competency"]
    assert len({s.response_id for s in slots}) == 2 and all(s.member_id for s in slots)
    # who answered stays out of the team's activity (the coordinators' log has it)
    assert not [e for e in store.list_team_audit(team.id, 100)
                if (e.get("detail") or {}).get("form") == "competency"]
    assert [e for e in store.iter_audit() if e["action"] == "member_revision"]


def test_who_may_see_and_edit(app):
    team = make_team(app)
    make_team(app, "Lake Team", "lake@example.ca", "Lia")
    lead = member_client(app, "lead@example.ca")
    lake = member_client(app, "lake@example.ca")
    start_cycle(lead)
    base = "/t/river-team/c/1/workplan"
    assert lead.get(f"{base}/").status_code == 200
    assert lake.get(f"{base}/").status_code == 404  # another team's member
    assert app.test_client().get(f"{base}/").status_code == 302  # signed out: sign in
    assert lead.get("/t/river-team/c/9/workplan/").status_code == 404  # no such cycle
    assert lead.get("/t/river-team/c/1/membership/").status_code == 404  # not in a cycle
    assert lead.get(f"{base}/edit/99").status_code == 404
    add_user(app, "coord@example.ca", "coordinator", forms=["workplan"])
    coordinator = app.test_client()
    sign_in(coordinator, "coord@example.ca")
    assert "No answers yet." in text_of(coordinator.get(f"{base}/"))  # reads, opens nothing
    assert coordinator.get(f"{base}/edit/0").status_code == 403  # read, not edit
    assert start_cycle(coordinator, label="2027").status_code == 302  # may start one
    store = app.extensions["formkit"].store
    assert [c.label for c in store.list_cycles(team.id)] == ["2026–2027", "2027"]


def test_coordinators_see_the_team_response_with_its_history(app):
    team = make_team(app)
    lead = member_client(app, "lead@example.ca")
    start_cycle(lead)
    edit(lead, "/t/river-team/c/1/workplan/edit/0",
         {"q_team_name": "River", "q_priority_1": "Food"})
    store = app.extensions["formkit"].store
    [slot] = store.list_team_responses(store.list_cycles(team.id)[0].id)
    add_user(app, "admin@example.ca")
    admin = app.test_client()
    sign_in(admin)
    listing = admin.get("/admin/forms/workplan/?status=draft")
    assert slot.response_id in listing.text  # in the workspace like any response
    page = text_of(admin.get(f"/admin/responses/{slot.response_id}"))
    assert "History" in page and "Lee" in page and "Team name: — → River" in page


def test_the_command_line_starts_a_cycle(app):
    from formkit.cli import main

    team = make_team(app)
    runner = app.test_cli_runner()
    result = runner.invoke(main, ["team", "new-cycle", "river-team", " 2026–2027 "])
    assert result.exit_code == 0, result.output
    assert "started cycle 1 (2026–2027) of team river-team" in result.output
    store = app.extensions["formkit"].store
    assert [c.label for c in store.list_cycles(team.id)] == ["2026–2027"]
    assert store.find_team("river-team").current_cycle == store.list_cycles(team.id)[0].id
    assert runner.invoke(main, ["team", "new-cycle", "nowhere", "x"]).exit_code == 1
    assert runner.invoke(main, ["team", "new-cycle", "river-team", "  "]).exit_code == 1
    assert len(store.list_cycles(team.id)) == 1
    assert any(e["action"] == "cycle_start" for e in store.list_team_audit(team.id, 10))


def test_hostile_input_to_the_cycle_routes_is_refused_clearly(app):
    make_team(app)
    lead = member_client(app, "lead@example.ca")
    start_cycle(lead)
    base = "/t/river-team/c/1/workplan"
    page = lead.get(f"{base}/edit/0")
    token = hidden(page, "csrf_token")
    hostile = ["\x00", "x" * 20_000, "<script>alert(1)</script>", "1E+999999", "-1",
               "99999999999999999999999", "", "lang:xx", "add:actions_1", "remove:zz"]
    for value in hostile:
        for url, data in ((f"{base}/edit/0", {"_revision": value, "_action": "save",
                                              "q_team_name": value, "q_priority_1": value}),
                          (f"{base}/edit/1", {"_revision": "0", "_action": value,
                                              "q_actions_1-0-q_progress": value}),
                          (f"{base}/submit", {"_revision": value}),
                          ("/t/river-team/cycles/new", {"label": value})):
            answer = lead.post(url, data={"csrf_token": token, **data})
            assert answer.status_code < 500, (url, data)
            assert "<script>alert(1)</script>" not in answer.text
    space = lead.get("/t/river-team/")
    assert space.status_code == 200 and "<script>alert(1)</script>" not in space.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in space.text  # a cycle's label, escaped


def test_the_provincial_overview_lists_each_teams_cycle_and_form_states(app, moment,
                                                                       monkeypatch):
    """/admin/teams: every team with its current cycle and where each form stands,
    filtered by region and sorted by name, region or latest activity, in both
    languages."""
    from formkit.teams import roster

    with app.test_request_context("/"):
        roster.create_team("Bay Team", "bay@example.ca", "Bo", region="North")
        roster.create_team("Alder Team", "alder@example.ca", "Al", region="East")
        roster.create_team("Cedar Team", "cedar@example.ca", "Cy", region="East")
    bay = member_client(app, "bay@example.ca")
    start_cycle(bay, "bay-team")
    workplan = app.extensions["formkit"].registry.get_form("workplan")
    assert edit(bay, "/t/bay-team/c/1/workplan/edit/0",
                page_input(workplan.sections[0])).status_code == 302
    moment.advance(3 * 86400)
    add_user(app)
    admin = app.test_client()
    sign_in(admin)

    def rows(page):
        return re.findall(r'<th scope="row"><a href="/t/([a-z-]+)/"', page.text)

    listing = admin.get("/admin/teams")
    assert rows(listing) == ["alder-team", "bay-team", "cedar-team"]
    bay_row = text_of(listing).split("Bay Team")[1].split("Cedar Team")[0]
    assert "2026–2027" in bay_row and "In progress" in bay_row
    assert "updated 3 days ago" in bay_row and "Not started" in bay_row
    assert "not started" in text_of(listing).split("Cedar Team")[1]  # no cycle yet
    assert rows(admin.get("/admin/teams?region=East")) == ["alder-team", "cedar-team"]
    assert rows(admin.get("/admin/teams?sort=updated")) == ["bay-team", "alder-team",
                                                             "cedar-team"]
    assert rows(admin.get("/admin/teams?sort=region")) == ["alder-team", "cedar-team",
                                                            "bay-team"]
    # an unknown region or order is ignored, not an error
    assert rows(admin.get("/admin/teams?region=Mars&sort=%00")) == rows(listing)
    french = text_of(admin.get("/admin/teams?lang=fr"))
    assert "En cours" in french and "mis à jour il y a 3 jours" in french
    # paged: only the page's teams are read, in the chosen order and region
    monkeypatch.setattr("formkit.views.admin.teams.TEAMS_PER_PAGE", 2)
    second = admin.get("/admin/teams?sort=region&page=2&lang=en")
    assert rows(second) == ["bay-team"] and "Page 2 of 2" in text_of(second)
    assert "3 teams" in text_of(second)
    assert rows(admin.get("/admin/teams?sort=updated&page=1")) == ["bay-team", "alder-team"]
    assert rows(admin.get("/admin/teams?page=99")) == ["cedar-team"]  # the last page

"""The Workplan as a tracker (issue 19), on both stores: actual cost beside the estimate,
overdue as of today (the clock set in the test), each action's timeline from the
revisions, what is due in the next 30 days on the team space, the progress report PDF in
English and French, the priorities carried over into a second cycle, and who may see it.

The story every test starts from, worked by hand (noon in Toronto each day):

- 16 Mar 2026, Lee (lead) plans: priority 1 "Transportation" with "Volunteer driver
  program" (due 30 Apr, 9 000 $ municipal) and "Ride map" (due 15 Jun, in progress 20 %,
  500 $ foundation); priority 2 "Social isolation" with "Friendly visits" (due 10 May,
  3 000 $ municipal) and "Café" (due 15 Jul, 1 000 $ donations).
- 20 Apr 2026, Ana: the drivers are in progress, 40 %, "Too few drivers", 4 000 $ spent.
- 20 May 2026, Ana: the drivers are done, 100 %, 8 500 $ spent; she adds "Driver
  training" (due 1 Jun, 800 $ provincial).
- Today is 10 Jun 2026.
"""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest

from conftest import ROOT, add_user, make_app, member_client
from formkit.clock import ManualClock
from formkit.testing import pdf_text, text_of

TORONTO = ZoneInfo("America/Toronto")
BASE = "/t/river-team/c/1/workplan"


def noon(day: str) -> float:
    return datetime.datetime.fromisoformat(f"{day}T12:00").replace(tzinfo=TORONTO).timestamp()


@pytest.fixture
def clock():
    return ManualClock(noon("2026-03-16"))


@pytest.fixture
def app(tmp_path, store_url, clock):
    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(ROOT / "forms"),
                   PLUGINS_DIR=str(ROOT / "plugins"), ARGON2_PROFILE="CHEAPEST", CLOCK=clock)
    yield app
    app.extensions["formkit"].store.close()


def workplan_module(app):
    return app.extensions["formkit"].registry.pm.get_plugin("workplan")


def hidden(page, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page.text).group(1)


def save(client, page_number: int, data: dict):
    url = f"{BASE}/edit/{page_number}"
    page = client.get(url)
    reply = client.post(url, data={"csrf_token": hidden(page, "csrf_token"),
                                   "_revision": hidden(page, "_revision"), "_action": "save",
                                   **data})
    assert reply.status_code == 302, text_of(reply)[:1500]
    return reply


def rows(table: str, items: list[dict]) -> dict:
    """Form fields of an action table's rows."""
    return {f"q_{table}-{i}-q_{key}": str(value) for i, item in enumerate(items)
            for key, value in item.items()}


DRIVERS = {"action": "Volunteer driver program", "lead": "Ana", "due": "2026-04-30",
           "status": "not_started", "progress": 0, "cost": 9000, "funding": "municipal"}
MAP = {"action": "Ride map", "due": "2026-06-15", "status": "in_progress", "progress": 20,
       "cost": 500, "funding": "foundation"}
VISITS = {"action": "Friendly visits", "due": "2026-05-10", "status": "not_started",
          "cost": 3000, "funding": "municipal"}
CAFE = {"action": "Café", "due": "2026-07-15", "status": "not_started", "cost": 1000,
        "funding": "donations"}
TRAINING = {"action": "Driver training", "due": "2026-06-01", "status": "not_started",
            "cost": 800, "funding": "provincial"}


def the_story(app, clock):
    """The workplan of the module's docstring; returns the clients of Lee and Ana."""
    from formkit.teams import roster

    with app.test_request_context("/"):
        team, _lead = roster.create_team("River Team", "lead@example.ca", "Lee",
                                         community="Riverton")
        roster.add_member(team, "ana@example.ca", "Ana", "member")
    lead = member_client(app, "lead@example.ca")
    space = lead.get("/t/river-team/")
    assert lead.post("/t/river-team/cycles/new", data={
        "csrf_token": hidden(space, "csrf_token"), "label": "2026–2027"}).status_code == 302
    save(lead, 0, {"q_team_name": "River Team", "q_priority_1": "Transportation",
                   "q_priority_2": "Social isolation"})
    save(lead, 1, {"q_outcome_1": "People get to appointments.",
                   **rows("actions_1", [DRIVERS, MAP])})
    save(lead, 2, {"q_outcome_2": "Fewer people alone.", **rows("actions_2", [VISITS, CAFE])})
    clock.time = noon("2026-04-20")
    ana = member_client(app, "ana@example.ca")
    save(ana, 1, {"q_outcome_1": "People get to appointments.", **rows("actions_1", [
        {**DRIVERS, "status": "in_progress", "progress": 40,
         "challenges": "Too few drivers", "actual_cost": 4000}, MAP])})
    clock.time = noon("2026-05-20")
    ana = member_client(app, "ana@example.ca")
    save(ana, 1, {"q_outcome_1": "People get to appointments.", **rows("actions_1", [
        {**DRIVERS, "status": "done", "progress": 100, "challenges": "Too few drivers",
         "actual_cost": 8500}, MAP, TRAINING])})
    clock.time = noon("2026-06-10")
    return member_client(app, "lead@example.ca"), member_client(app, "ana@example.ca")


def stored(app):
    store = app.extensions["formkit"].store
    team = store.find_team("river-team")
    [slot] = [s for s in store.list_team_responses(store.list_cycles(team.id)[0].id)
              if s.form_id == "workplan"]
    return store.get(slot.response_id)


# -- hand-worked figures -------------------------------------------------------------------

def test_overdue_as_of_a_date_and_spending_by_source_by_hand(app):
    module = workplan_module(app)
    answers = {"priority_1": "Transportation", "priority_2": "Social isolation",
               "actions_1": [{**DRIVERS, "status": "done", "actual_cost": 8500.0},
                             MAP, TRAINING],
               "actions_2": [VISITS, {**CAFE, "actual_cost": 0}]}
    on_june_10 = module.workplan_score(answers, datetime.date(2026, 6, 10))
    # due before 10 Jun and not done: visits (10 May), training (1 Jun); the drivers are
    # done; the map (15 Jun) and the café (15 Jul) are not due yet
    assert [o["action"] for o in on_june_10["overdue"]] == ["Friendly visits",
                                                              "Driver training"]
    assert [o["action"] for o in module.workplan_score(
        answers, datetime.date(2026, 5, 10))["overdue"]] == []  # due that day: not overdue
    assert [o["action"] for o in module.workplan_score(
        answers, datetime.date(2026, 7, 16))["overdue"]] == [
            "Friendly visits", "Driver training", "Ride map", "Café"]
    # planned: municipal 9 000 + 3 000, foundation 500, provincial 800, donations 1 000
    assert on_june_10["by_funding"] == {"municipal": 12000.0, "donations": 1000.0,
                                        "provincial": 800.0, "foundation": 500.0}
    assert on_june_10["total_cost"] == 14300.0
    # actual: the drivers' 8 500 (municipal) and the café's 0 (donations, recorded)
    assert on_june_10["actual_by_funding"] == {"municipal": 8500.0, "donations": 0.0}
    assert on_june_10["total_actual"] == 8500.0


def test_rows_are_followed_by_their_text_then_by_their_position(app):
    match = workplan_module(app).match_rows
    old = [{"action": "A"}, {"action": "B"}, {"action": "C"}]
    # reordered, one reworded in place (position 1 keeps "B"'s place), one added
    assert match(old, [{"action": "C"}, {"action": "b  "}, {"action": "A"}]) == [2, 1, 0]
    assert match(old, [{"action": "A"}, {"action": "Bee"}, {"action": "C"},
                       {"action": "D"}]) == [0, 1, 2, None]
    assert match(old, [{"action": "C"}]) == [2]  # A and B removed


def test_timelines_and_a_period_s_net_changes_from_hand_made_revisions(app):
    from types import SimpleNamespace

    module = workplan_module(app)
    a, b = {"action": "Drivers", "status": "not_started"}, {"action": "Map"}

    def revision(at, who, before, after):
        return SimpleNamespace(at=f"{at}T16:00:00+00:00", author_name=who,
                               changes={"actions_1": [before, after]})

    revisions = [
        revision("2026-03-16", "Lee", None, [a, b]),
        revision("2026-04-20", "Ana", [a, b], [{**a, "status": "in_progress"},
                                               {"action": "Map of rides"}]),
        revision("2026-05-20", "Ana", [{**a, "status": "in_progress"},
                                       {"action": "Map of rides"}], [{**a, "status": "done"}]),
    ]
    answers = {"priority_1": "Transportation", "actions_1": [{**a, "status": "done"}]}
    actions, removed = module.follow_actions(answers, revisions, "2026-03-16T15:00:00+00:00")
    [drivers] = actions
    assert [(s.kind, s.who) for s in drivers.steps] == [
        ("added", "Lee"), ("changed", "Ana"), ("changed", "Ana")]
    assert drivers.steps[2].changes == {"status": ("in_progress", "done")}
    [gone] = removed  # reworded in place, then removed
    assert [s.kind for s in gone.steps] == ["added", "changed", "removed"]
    assert gone.steps[1].changes == {"action": ("Map", "Map of rides")}
    with app.test_request_context("/"):
        form = app.extensions["formkit"].registry.get_form("workplan")
        made = module.progress_report(form, answers, revisions, "", datetime.date(2026, 4, 1),
                                      datetime.date(2026, 5, 31))
        assert [(module.cell_text(form, "action", x.values["action"], "en"), len(steps))
                for x, steps in made.changed] == [("Drivers", 2), ("Map of rides", 2)]
        net = module.net_changes(*made.changed[0])
        assert [(s.kind, s.changes) for s in net] == [
            ("changed", {"status": ("not_started", "done")})]
        assert [s.kind for s in module.net_changes(*made.changed[1])] == ["removed"]
        assert [(x.values["action"], s.who) for x, s in made.done] == [("Drivers", "Ana")]
        # the answers at the end of April: the May save undone
        assert module.answers_on(answers, revisions, datetime.date(2026, 4, 30))[
            "actions_1"][1] == {"action": "Map of rides"}


def test_carried_over_priorities_and_unfinished_actions_by_hand(app):
    carried_over = workplan_module(app).carried_over
    before = {"priority_1": "Transportation", "priority_2": "Social isolation",
              "actions_1": [{**DRIVERS, "status": "done"}, MAP],
              "actions_2": [VISITS, {**CAFE, "status": None}]}
    now = {"priority_1": "transportation ", "priority_2": "Housing",
           "actions_1": [MAP], "actions_2": [{"action": "Housing fair"}]}
    found = carried_over(now, before)
    assert found["carried"] == ["transportation "] and found["new"] == ["Housing"]
    assert found["dropped"] == ["Social isolation"]
    assert [(u["action"], u["kept"]) for u in found["unfinished"]] == [
        ("Ride map", True), ("Friendly visits", False), ("Café", False)]
    # what a new cycle's plan starts from: the unfinished actions, without their spending
    kept = workplan_module(app).unfinished_actions({
        "actions_1": [{**DRIVERS, "status": "done", "actual_cost": 8500.0},
                      {**MAP, "actual_cost": 120.0}],
        "actions_2": [{**VISITS, "status": "done"}]})
    assert kept == {"actions_1": [MAP], "actions_2": None}


# -- through the application ---------------------------------------------------------------

def test_overdue_is_counted_as_of_today_wherever_it_is_shown(app, clock):
    lead, _ana = the_story(app, clock)
    response = stored(app)
    # the score stored at the last save (20 May) knew of one overdue action
    assert [o["action"] for o in response.score["overdue"]] == ["Friendly visits"]
    page = text_of(lead.get(f"{BASE}/"))
    assert "Due before 10 Jun 2026 and not done:" in page
    assert "Friendly visits — priority 2, due 10 May 2026" in page
    assert "Driver training — priority 1, due 1 Jun 2026" in page
    assert "Actual cost so far: $8,500.00." in page
    # coordinators: the list's column and the summary, as of today too
    add_user(app, "coord@example.ca", "coordinator", forms=["workplan"])
    from conftest import sign_in

    coordinator = app.test_client()
    sign_in(coordinator, "coord@example.ca")
    listing = coordinator.get("/admin/forms/workplan/?status=draft")
    assert listing.status_code == 200
    cells = re.findall(r"<td[^>]*>(.*?)</td>", listing.text, re.S)
    assert "$14,300.00" in cells and "$8,500.00" in cells
    summary = text_of(coordinator.get("/admin/forms/workplan/summary?status=draft"))
    assert re.search(r"Overdue actions\s*2", summary), summary[-800:]
    clock.time = noon("2026-07-16")  # a month on, nobody saved: two more are overdue
    coordinator = app.test_client()
    sign_in(coordinator, "coord@example.ca")
    assert re.search(r"Overdue actions\s*4", text_of(
        coordinator.get("/admin/forms/workplan/summary?status=draft")))


def test_each_action_shows_its_timeline_from_the_revisions(app, clock):
    lead, ana = the_story(app, clock)
    workplan = lead.get(f"{BASE}/")
    links = re.findall(r'href="(/t/river-team/workplan/1/actions/[^"]+)">([^<]+)</a>',
                       workplan.text)
    assert links[:3] == [("/t/river-team/workplan/1/actions/1-1", "Volunteer driver program"),
                         ("/t/river-team/workplan/1/actions/1-2", "Ride map"),
                         ("/t/river-team/workplan/1/actions/1-3", "Driver training")]
    drivers = text_of(ana.get("/t/river-team/workplan/1/actions/1-1"))
    # newest first, each step with who and when (the instance's time zone)
    steps = [drivers.index(s) for s in (
        "20 May 2026, 12:00 p.m. EDT — Ana", "20 Apr 2026, 12:00 p.m. EDT — Ana",
        "16 Mar 2026, 12:00 p.m. EDT — Lee")]
    assert steps == sorted(steps)
    assert "Status: In progress → Done" in drivers
    assert "Progress: 40 % → 100 %" in drivers
    assert "Status: Not started → In progress" in drivers
    assert "Challenges: — → Too few drivers" in drivers
    assert "Actual cost: — → $4,000.00" in drivers
    assert "Added (status: Not started, due 30 Apr 2026)." in drivers
    assert "Update this action" in drivers  # a member may edit
    training = text_of(ana.get("/t/river-team/workplan/1/actions/1-3?lang=fr"))
    assert "20 mai 2026, 12 h 00 HAE — Ana" in training
    assert "Ajoutée (état : Pas commencée, échéance 1er juin 2026)." in training
    assert "16 mars 2026" not in training  # the map's and the drivers' steps are theirs
    assert ana.get("/t/river-team/workplan/1/actions/1-9").status_code == 404
    assert ana.get("/t/river-team/workplan/1/actions/x").status_code == 404
    assert ana.get("/t/river-team/workplan/7/actions/1-1").status_code == 404


def test_the_team_space_shows_what_is_due_in_the_next_30_days(app, clock):
    lead, _ana = the_story(app, clock)
    html, text = panel(lead.get("/t/river-team/"))
    overdue, soon = html.split("Due in the next 30 days")
    # overdue on 10 Jun: visits (10 May), training (1 Jun); due by 10 Jul: the map
    assert named(overdue) == ["Friendly visits", "Driver training"]
    assert named(soon) == ["Ride map"]
    soon = text.split("Due in the next 30 days")[1]
    assert "due 15 Jun 2026, In progress (Transportation)" in soon
    assert "Café" not in text  # due 15 Jul: 35 days away
    assert 'href="/t/river-team/workplan/1/actions/1-2"' in html
    assert 'href="/t/river-team/workplan/1/report"' in html
    clock.time = noon("2026-06-16")  # the map is overdue now, the café due within 30 days
    html, _text = panel(member_client(app, "lead@example.ca").get("/t/river-team/"))
    overdue, soon = html.split("Due in the next 30 days")
    assert named(overdue) == ["Friendly visits", "Driver training", "Ride map"]
    assert named(soon) == ["Café"]


def panel(page) -> tuple[str, str]:
    """The workplan panel of a team space: its markup and its text."""
    html = re.search(r'<section class="panel team-workplan".*?</section>', page.text,
                     re.S).group(0)
    return html, re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def named(html: str) -> list[str]:
    """The actions a part of the panel links to, in order."""
    return re.findall(r'<a href="/t/river-team/workplan/1/actions/[^"]+">([^<]+)</a> — due',
                      html)


def _report(client, **args):
    reply = client.get("/t/river-team/workplan/1/report", query_string=args)
    assert reply.status_code == 200, text_of(reply)[:1500]
    assert reply.mimetype == "application/pdf"
    return pdf_text(reply.data)


def test_the_progress_report_pdf_in_english(app, clock):
    lead, _ana = the_story(app, clock)
    form = text_of(lead.get("/t/river-team/workplan/1/report"))
    assert "Progress report" in form and "Make the PDF" in form
    page = lead.get("/t/river-team/workplan/1/report")
    assert 'value="2026-03-16"' in page.text and 'value="2026-06-10"' in page.text  # defaults
    text = _report(lead, **{"from": "2026-04-01", "to": "2026-04-30", "doc_lang": "en"})
    assert "Progress report – River Team" in text and "Riverton" in text
    assert "1 Apr 2026 to 30 Apr 2026" in text
    assert "No action was completed in this period." in text
    assert "Volunteer driver program" in text
    assert ("1 update, the last on 20 Apr 2026 (Ana). Status: Not started → In progress "
            "Progress: 0 % → 40 % Challenges: — → Too few drivers "
            "Actual cost: — → $4,000.00") in text
    assert "Too few drivers" in text
    # at 30 Apr: planned 12 000 municipal, 4 000 spent in April; the training came later
    assert "Municipal funding $12,000.00 $4,000.00 $4,000.00" in text
    assert "Total $13,500.00 $4,000.00 $4,000.00" in text
    assert "Driver training" not in text
    assert "Ride map" in text  # the actions at the end of the period


def test_the_progress_report_pdf_in_french_with_canadian_formats(app, clock):
    lead, _ana = the_story(app, clock)
    text = _report(lead, **{"from": "2026-05-01", "to": "2026-05-31", "doc_lang": "fr"})
    assert "Rapport d’étape – River Team" in text
    assert "1er mai 2026 au 31 mai 2026" in text
    assert "Volunteer driver program — terminée le 20 mai 2026 (Ana)" in text
    assert "Ajoutée (état : Pas commencée, échéance 1er juin 2026)." in text
    # municipal: 12 000 planned, 8 500 spent to 31 May, of which 4 500 in May
    assert "Financement municipal 12 000,00 $ 8 500,00 $ 4 500,00 $" in text
    assert "Total 14 300,00 $ 8 500,00 $ 4 500,00 $" in text
    april = _report(lead, **{"from": "2026-04-01", "to": "2026-04-30", "doc_lang": "fr"})
    assert "du 1er avril 2026 au 30 avril 2026" in april
    assert "Financement municipal 12 000,00 $ 4 000,00 $ 4 000,00 $" in april
    assert "1 mise à jour, la dernière le 20 avril 2026 (Ana). État : Pas commencée → En " \
        "cours" in april
    # the whole cycle so far (the defaults), in French
    whole = _report(lead, doc_lang="fr")
    assert "16 mars 2026 au 10 juin 2026" in whole
    # three saves of the drivers summed up: added, then where they stand at the end
    assert ("Volunteer driver program 3 mises à jour, la dernière le 20 mai 2026 (Ana). "
            "Ajoutée (état : Pas commencée, échéance 30 avril 2026). "
            "État : Pas commencée → Terminée Avancement : 0 % → 100 % "
            "Difficultés : — → Too few drivers Coût réel : — → 8 500,00 $") in whole
    assert "Too few drivers" in whole
    assert "Financement municipal 12 000,00 $ 8 500,00 $ 8 500,00 $" in whole


def test_bad_report_dates_get_a_translated_error_not_a_500(app, clock):
    lead, _ana = the_story(app, clock)
    url = "/t/river-team/workplan/1/report"
    bad = lead.get(url, query_string={"from": "2026-13-01", "to": "2026-04-30"})
    assert bad.status_code == 400
    assert "Enter a date as year-month-day, for example 2026-04-01." in text_of(bad)
    assert 'value="2026-13-01"' in bad.text  # what was typed is kept
    backwards = lead.get(url, query_string={"from": "2026-05-01", "to": "2026-04-01",
                                            "lang": "fr"})
    assert backwards.status_code == 400
    assert "La fin de la période ne peut pas précéder son début." in text_of(backwards)
    assert lead.get(url, query_string={"doc_lang": "de"}).status_code == 400
    assert lead.get(url, query_string={"from": "x" * 500, "to": "\x00"}).status_code == 400
    assert lead.get(url, query_string={"from": "0001-01-01"}).status_code == 400


def test_only_the_team_and_its_coordinators_get_the_report_and_the_timelines(app, clock):
    lead, _ana = the_story(app, clock)
    from formkit.teams import roster

    with app.test_request_context("/"):
        roster.create_team("Bay Team", "bay@example.ca", "Bea")
    bay = member_client(app, "bay@example.ca")
    for url in ("/t/river-team/workplan/1/report",
                "/t/river-team/workplan/1/report?from=2026-04-01&to=2026-04-30",
                "/t/river-team/workplan/1/actions/1-1"):
        assert bay.get(url).status_code == 404
        assert app.test_client().get(url).status_code == 302  # signed out: sign in first
    # Bay's own space links to nothing of River's
    assert "/t/river-team/" not in bay.get("/t/bay-team/").text
    add_user(app, "coord@example.ca", "coordinator", forms=["workplan"])
    from conftest import sign_in

    coordinator = app.test_client()
    sign_in(coordinator, "coord@example.ca")
    assert coordinator.get("/t/river-team/workplan/1/report?doc_lang=en").mimetype == \
        "application/pdf"
    page = text_of(coordinator.get("/t/river-team/workplan/1/actions/1-1"))
    assert "Status: In progress → Done" in page
    assert "Update this action" not in page  # coordinators read


def test_a_second_cycle_shows_the_priorities_carried_over(app, clock):
    lead, _ana = the_story(app, clock)
    clock.time = noon("2027-04-01")
    lead = member_client(app, "lead@example.ca")
    space = lead.get("/t/river-team/")
    lead.post("/t/river-team/cycles/new", data={"csrf_token": hidden(space, "csrf_token"),
                                                "label": "2027–2028"})
    second = "/t/river-team/c/2/workplan"
    url = f"{second}/edit/0"
    page = lead.get(url)
    assert 'value="Transportation"' in page.text  # the plan carried over
    actions = lead.get(f"{second}/edit/1").text
    # … with its unfinished actions only, their spending left to the first cycle
    assert 'value="Ride map"' in actions and 'value="Driver training"' in actions
    assert "Volunteer driver program" not in actions
    reply = lead.post(url, data={"csrf_token": hidden(page, "csrf_token"),
                                 "_revision": hidden(page, "_revision"), "_action": "save",
                                 "q_team_name": "River Team", "q_priority_1": "Transportation",
                                 "q_priority_2": "Housing"})
    assert reply.status_code == 302
    url = f"{second}/edit/2"
    page = lead.get(url)
    assert lead.post(url, data={"csrf_token": hidden(page, "csrf_token"),
                                "_revision": hidden(page, "_revision"), "_action": "save",
                                "q_outcome_2": "Homes people can afford.",
                                **rows("actions_2", [{"action": "Housing fair"}])}
                     ).status_code == 302
    text = text_of(lead.get(f"{second}/"))
    assert "Carried over from the previous cycle" in text
    assert "Priorities the team keeps working on: Transportation" in text
    assert "New priorities this cycle: Housing" in text
    assert "Priorities of the previous cycle not in this plan: Social isolation" in text
    assert "Ride map Transportation In progress Carried over" in text
    assert "Friendly visits Social isolation Not started Not carried over" in text
    assert "Volunteer driver program Transportation" not in text.split(
        "Actions of the previous cycle that were not done")[1].split("Answers")[0]
    french = text_of(lead.get(f"{second}/?lang=fr"))
    assert "Reportées du cycle précédent" in french


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_no_table_of_the_report_is_cut_however_long_its_text(app, locale):
    """Fifteen actions with long words and long named funding sources: every text box of
    the laid-out report lies inside its page."""
    from types import SimpleNamespace

    from weasyprint.layout import boxes

    from formkit import pdf

    module = workplan_module(app)
    long = "Intergouvernementalisation" if locale == "fr" else "Internationalisation"
    answers = {"priority_1": f"{long} of rides " * 3, "actions_1": [
        {"action": f"{long} {i} " * 6, "lead": f"{long}-{i}", "due": "2026-05-01",
         "status": "in_progress", "progress": 50, "cost": 123456.78, "actual_cost": 1000,
         "funding": "other", "funding_other": f"{long} Foundation {i} " * 2}
        for i in range(15)]}
    with app.test_request_context("/"):
        form = app.extensions["formkit"].registry.get_form("workplan")
        made = module.progress_report(form, answers, [], "2026-03-16T16:00:00+00:00",
                                      datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
        html = module.report_html(form, SimpleNamespace(name="River Team", community=""),
                                  SimpleNamespace(label="2026–2027"), made, locale)
        document = pdf.layout(html)
    outside = []
    for page in document.pages:
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            if isinstance(box, boxes.TextBox) and box.text.strip() and (
                    box.position_x < -0.5
                    or box.position_x + box.width > page.width + 0.5):
                outside.append(box.text)
            stack.extend(getattr(box, "children", []))
    assert outside == []
    assert html.count("<tr>") >= 15 + 15  # every source and every action has its row
    # amounts are never broken inside a cell: each source's row and the totals, whole
    text = pdf_text(document.write_pdf())
    amount = "123 456,78 $" if locale == "fr" else "$123,456.78"
    total = "1 851 851,70 $" if locale == "fr" else "$1,851,851.70"
    assert text.count(amount) == 15 and total in text

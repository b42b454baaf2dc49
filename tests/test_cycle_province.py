"""The provincial team's view (issue 19): the Workplan's "Overdue actions" column of
/admin/teams, the figures across teams (/admin/teams/figures) and the provincial report
PDF, on both stores, with figures worked out by hand below.

Data (cycle 1, "2026–2027", of three teams; today is 2026-11-30):

- Alder (East) confirmed transportation, housing, social connection; Birch (East)
  transportation, food security; Cedar (North) housing, transportation (housing twice).
- Workplans (estimate / actual, funding, status, due):
  Alder: 1,000 / 1,200 municipal done 2026-06-01; 500 / 100 provincial in progress
  2026-10-01 (overdue); 2,000 / — municipal not started 2027-03-01.
  Birch: 300 / 250 "Rotary Club" blocked 2026-11-01 (overdue); 700.50 / 700.50
  provincial done 2026-12-15.
  Cedar: 4,000 / 3,500 federal in progress 2026-11-29 (overdue); 100 / — no source, no
  status, no due date.
- Wellbeing (strength, importance, readiness): Alder's two members: transportation
  2/5/4 and 3/4/3, housing 4/3/n.a. and 5/4/2 (and a draft 5/5/5, not counted);
  Birch's one member: transportation 1/5/5; Cedar rated together (team response):
  transportation 4/2/2, housing 2/5/4.
"""

from __future__ import annotations

import re
import shutil

import pytest
from lxml import html as lxml_html

from conftest import ROOT, add_user, make_app, sign_in
from formkit.testing import pdf_text, text_of

HERE = __import__("pathlib").Path(__file__).parent
CYCLE_FORMS = ["wellbeing", "priorities", "workplan", "evaluation", "competency"]


@pytest.fixture
def app(tmp_path, store_url, moment):
    forms = tmp_path / "forms"
    forms.mkdir()
    for path in (ROOT / "forms").glob("*.yaml"):
        shutil.copy(path, forms / path.name)
    if not (forms / "priorities.yaml").exists():  # the seed form, once it is there
        shutil.copy(HERE / "data" / "cycle_province" / "priorities.yaml", forms)
    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(forms),
                   PLUGINS_DIR=str(ROOT / "plugins"), ARGON2_PROFILE="CHEAPEST",
                   CLOCK=moment, CYCLE_FORMS=CYCLE_FORMS)
    yield app
    app.extensions["formkit"].store.close()


def _save(app, team, cycle, form_id, answers, member=None, submit=True):
    from formkit.state import current_store
    from formkit.storage import Revision
    from formkit.teams import cycles

    form = app.extensions["formkit"].registry.get_form(form_id)
    slot, _response = cycles.open_response(team, cycle, form,
                                                 member.id if member else None)
    saved = current_store().save_revision(
        Revision(response_id=slot.response_id, number=0, at="2026-11-01T12:00:00+00:00",
                 author="test", author_name="Test"), slot.revision, answers, submit=submit)
    assert saved is not None


def _action(action, cost, actual, funding, status, due, other=None):
    row = {"action": action, "cost": cost, "actual_cost": actual, "funding": funding,
           "status": status, "due": due}
    if other:
        row["funding_other"] = other
    return row


def _ratings(**areas):
    """``transportation=(2, 5, 4)`` → the three matrices."""
    return {rating: {key: values[index] for key, values in areas.items()}
            for index, rating in enumerate(("strength", "importance", "readiness"))}


@pytest.fixture
def teams(app):
    """The three teams of the module's docstring, and a fourth without a cycle."""
    from formkit.teams import cycles, roster

    made = {}
    with app.test_request_context("/"):
        for name, region in (("Alder", "East"), ("Birch", "East"), ("Cedar", "North"),
                             ("Dogwood", "North")):
            made[name], _lead = roster.create_team(f"{name} Team", f"lead@{name}.ca",
                                                   f"{name} Lead", community=name,
                                                   region=region)
        alder, birch, cedar = made["Alder"], made["Birch"], made["Cedar"]
        one = {name: cycles.start(made[name], "2026–2027", None)
               for name in ("Alder", "Birch", "Cedar")}
        _save(app, alder, one["Alder"], "priorities", {
            "priority_1": "transportation", "priority_2": "housing",
            "priority_3": "social_connection"})
        _save(app, birch, one["Birch"], "priorities", {
            "priority_1": "transportation", "priority_2": "food_security",
            "priority_3": None})
        _save(app, cedar, one["Cedar"], "priorities", {
            "priority_1": "housing", "priority_2": "transportation", "priority_3": "housing"})
        _save(app, alder, one["Alder"], "workplan", {
            "priority_1": "Transportation", "priority_2": "Housing", "actions_1": [
                _action("Ride share", 1000, 1200, "municipal", "done", "2026-06-01"),
                _action("Bus pass", 500, 100, "provincial", "in_progress", "2026-10-01")],
            "actions_2": [_action("Survey", 2000, None, "municipal", "not_started",
                                  "2027-03-01")]})
        _save(app, birch, one["Birch"], "workplan", {
            "priority_1": "Transportation", "actions_1": [
                _action("Vans", 300, 250, "other", "blocked", "2026-11-01", "Rotary Club"),
                _action("Maps", 700.5, 700.5, "provincial", "done", "2026-12-15")]})
        _save(app, cedar, one["Cedar"], "workplan", {
            "priority_1": "Housing", "actions_1": [
                _action("Repairs", 4000, 3500, "federal", "in_progress", "2026-11-29"),
                {"action": "Flyers", "cost": 100}]})
        alder_members = [roster.add_member(alder, f"m{n}@alder.ca", f"Member {n}")
                         for n in (1, 2, 3)]
        birch_member = roster.add_member(birch, "m1@birch.ca", "Member B")
        answers = [_ratings(transportation=(2, 5, 4), housing=(4, 3, "not applicable")),
                   _ratings(transportation=(3, 4, 3), housing=(5, 4, 2))]
        for member, given in zip(alder_members, answers, strict=False):
            _save(app, alder, one["Alder"], "wellbeing", given, member=member)
        _save(app, alder, one["Alder"], "wellbeing", _ratings(transportation=(5, 5, 5)),
              member=alder_members[2], submit=False)  # a draft: not counted
        _save(app, birch, one["Birch"], "wellbeing", _ratings(transportation=(1, 5, 5)),
              member=birch_member)
        _save(app, cedar, one["Cedar"], "wellbeing",
              _ratings(transportation=(4, 2, 2), housing=(2, 5, 4)))
        # Alder's second cycle (its current one): two actions due in December
        two = cycles.start(alder, "2027–2028", None)
        _save(app, alder, two, "workplan", {"priority_1": "Transportation", "actions_1": [
            _action("Soon", 10, 0, "municipal", "in_progress", "2026-12-10"),
            _action("Later", 10, 0, "municipal", "blocked", "2026-12-20")]})
    return made


@pytest.fixture
def admin(app):
    add_user(app)
    client = app.test_client()
    assert sign_in(client).status_code == 302
    return client


def table(page, caption: str) -> list[list[str]]:
    """The rows (header row first) of the table whose caption is ``caption``."""
    tree = lxml_html.fromstring(page.get_data(as_text=True))
    for found in tree.iter("table"):
        title = found.find("caption")
        if title is not None and " ".join(title.text_content().split()) == caption:
            return [[" ".join(cell.text_content().split()) for cell in row
                     if cell.tag in ("th", "td")] for row in found.iter("tr")]
    raise AssertionError(f"no table {caption!r} in {text_of(page)[:3000]}")


def overview_rows(page) -> list[tuple[str, str]]:
    """(team slug, overdue cell) of /admin/teams, in order."""
    tree = lxml_html.fromstring(page.get_data(as_text=True))
    head = [" ".join(th.text_content().split()) for th in tree.xpath("//thead//th")]
    column = head.index("Overdue actions")
    found = []
    for row in tree.xpath("//tbody/tr"):
        cells = row.xpath("./th|./td")
        slug = re.search(r"/t/([a-z-]+)/", cells[0].xpath(".//a/@href")[0]).group(1)
        found.append((slug, " ".join(cells[column].text_content().split())))
    return found


# -- /admin/teams: the Workplan's column ---------------------------------------------------
def test_the_overview_shows_overdue_actions_of_the_current_cycle_as_of_today(
        app, teams, admin, moment, monkeypatch):
    listing = admin.get("/admin/teams")
    # Alder's current cycle is its second (nothing due yet); Cedar's 2026-11-29 is overdue
    assert overview_rows(listing) == [("alder-team", "0"), ("birch-team", "1"),
                                      ("cedar-team", "1"), ("dogwood-team", "—")]
    assert overview_rows(admin.get("/admin/teams?sort=overdue")) == [
        ("birch-team", "1"), ("cedar-team", "1"), ("alder-team", "0"), ("dogwood-team", "—")]
    moment.advance(21 * 86400)  # 2026-12-21: both of Alder's; Birch's "Maps" is done
    assert sign_in(admin).status_code == 302  # the session ended meanwhile
    assert overview_rows(admin.get("/admin/teams?sort=overdue")) == [
        ("alder-team", "2"), ("birch-team", "1"), ("cedar-team", "1"), ("dogwood-team", "—")]
    assert overview_rows(admin.get("/admin/teams?sort=overdue&region=North")) == [
        ("cedar-team", "1"), ("dogwood-team", "—")]
    # sorted by the column, every team is read; paged, the page's teams only
    monkeypatch.setattr("formkit.views.admin.teams.TEAMS_PER_PAGE", 2)
    assert overview_rows(admin.get("/admin/teams?sort=overdue&page=2")) == [
        ("cedar-team", "1"), ("dogwood-team", "—")]
    read = []
    store = app.extensions["formkit"].store
    original = store.cycle_responses
    monkeypatch.setattr(store, "cycle_responses",
                        lambda ids, forms: read.append(len(list(ids))) or original(ids, forms))
    admin.get("/admin/teams?page=1")
    assert read == [2]  # one store call, for the page's two teams
    assert "Actions en retard" in text_of(admin.get("/admin/teams?lang=fr"))


# -- figures across teams ------------------------------------------------------------------
def test_figures_of_the_province_worked_by_hand(teams, admin):
    page = admin.get("/admin/teams/figures?cycle=1")
    assert page.status_code == 200, text_of(page)[:2000]
    text = text_of(page)
    assert "cycle 1: 3 teams in the province." in text  # Dogwood has no cycle
    assert table(page, "Teams that chose each area as a priority") == [
        ["Area", "Teams"],
        ["Transportation and getting around", "3"],
        ["Safe, affordable and accessible housing", "2"],  # Cedar's twice counts once
        ["Social connection (less isolation and loneliness)", "1"],
        ["Food security", "1"]]
    assert "3 teams of 3 confirmed their priorities." in text
    assert table(page, "Planned and actual cost by funding source") == [
        ["Funding source", "Planned", "Actual"],
        ["Federal funding", "$4,000.00", "$3,500.00"],
        ["Municipal funding", "$3,000.00", "$1,200.00"],
        ["Provincial funding", "$1,200.50", "$800.50"],
        ["Rotary Club", "$300.00", "$250.00"],
        ["Not specified", "$100.00", "$0.00"],
        ["Total", "$8,600.50", "$5,750.50"]]
    assert table(page, "Actions by status") == [
        ["Status", "Actions"], ["Not started", "1"], ["In progress", "2"], ["Done", "2"],
        ["Blocked", "1"], ["Not specified", "1"], ["Overdue as of 30 Nov 2026", "3"]]
    # each team counts once: the mean of the teams' means (Alder 2.5, Birch 1, Cedar 4)
    assert table(page, "Mean ratings of each area in the province") == [
        ["Area", "Strength", "Importance", "Readiness"],
        ["Safe, affordable and accessible housing", "3.25", "4.25", "3.0"],
        ["Transportation and getting around", "2.5", "3.83", "3.5"]]
    assert "Ratings of 3 teams of 3 (4 responses); each team counts once." in text
    assert '<svg' in page.text and "Planned cost by funding source" in text


def test_a_region_against_the_province_and_a_team_against_the_average(teams, admin):
    page = admin.get("/admin/teams/figures?cycle=2026–2027&region=East&team=alder-team")
    assert page.status_code == 200, text_of(page)[:2000]
    assert "2026–2027: 2 teams in East, of 3 in the province." in text_of(page)
    assert table(page, "Teams that chose each area as a priority") == [
        ["Area", "East", "Province"],
        ["Transportation and getting around", "2", "3"],
        # ties in the form's order of areas
        ["Social connection (less isolation and loneliness)", "1", "1"],
        ["Safe, affordable and accessible housing", "1", "2"],
        ["Food security", "1", "1"]]
    assert table(page, "Planned and actual cost by funding source") == [
        ["Funding source", "Planned", "Actual"],
        ["Municipal funding", "$3,000.00", "$1,200.00"],
        ["Provincial funding", "$1,200.50", "$800.50"],
        ["Rotary Club", "$300.00", "$250.00"],
        ["Total", "$4,500.50", "$2,250.50"]]
    assert table(page, "Actions by status")[1:] == [
        ["Not started", "1"], ["In progress", "1"], ["Done", "2"], ["Blocked", "1"],
        ["Overdue as of 30 Nov 2026", "2"]]
    assert table(page, "Mean ratings of each area, East and the province") == [
        ["Area", "Strength — East", "Strength — Province", "Importance — East",
         "Importance — Province", "Readiness — East", "Readiness — Province"],
        ["Safe, affordable and accessible housing", "4.5", "3.25", "3.5", "4.25", "2.0",
         "3.0"],
        ["Transportation and getting around", "1.75", "2.5", "4.75", "3.83", "4.25", "3.5"]]
    # Alder beside the province: its means, and its Workplan beside the mean Workplan
    assert table(page, "Alder Team compared with the provincial average")[1:] in (
        [["Safe, affordable and accessible housing", "4.5", "3.25", "3.5", "4.25", "2.0",
          "3.0"],
         ["Transportation and getting around", "2.5", "2.5", "4.5", "3.83", "3.5", "3.5"]],
        [["Actions", "3.0", "2.3"], ["Actions done", "1.0", "0.7"],
         ["Overdue actions", "1.0", "1.0"], ["Planned cost", "$3,500.00", "$2,866.83"],
         ["Actual cost", "$1,300.00", "$1,916.83"]])
    compared = [t for t in lxml_html.fromstring(page.text).iter("table")
                if "compared" in t.find("caption").text_content()]
    assert len(compared) == 2
    chooser = lxml_html.fromstring(page.text).xpath("//select[@name='team']/option/@value")
    assert chooser == ["", "alder-team", "birch-team", "cedar-team"]  # Dogwood: no cycle
    assert "Alder Team chose: Transportation and getting around, Safe, affordable and " \
           "accessible housing, Social connection (less isolation and loneliness)." \
           in text_of(page)


def test_the_workplan_comparison_worked_by_hand(teams, admin):
    page = admin.get("/admin/teams/figures?cycle=1&team=alder-team")
    tree = lxml_html.fromstring(page.text)
    workplan = [t for t in tree.iter("table") if t.xpath(".//th[text()='Actual cost']")][0]
    assert [[" ".join(c.text_content().split()) for c in row.xpath("./th|./td")]
            for row in workplan.iter("tr")] == [
        ["Measure", "Alder Team", "Provincial average per Workplan"],
        ["Actions", "3.0", "2.3"], ["Actions done", "1.0", "0.7"],
        ["Overdue actions", "1.0", "1.0"], ["Planned cost", "$3,500.00", "$2,866.83"],
        ["Actual cost", "$1,300.00", "$1,916.83"]]


def test_the_current_cycle_of_each_team_is_the_default(teams, admin):
    page = admin.get("/admin/teams/figures")
    assert "each team’s current cycle: 3 teams in the province." in text_of(page)
    # Alder's current cycle is its second: its two December actions, no confirmed areas
    assert table(page, "Planned and actual cost by funding source")[-1] == [
        "Total", "$5,120.50", "$4,450.50"]
    assert table(page, "Teams that chose each area as a priority")[1] == [
        "Transportation and getting around", "2"]
    second = admin.get("/admin/teams/figures?cycle=2027–2028")
    assert "2027–2028: 1 team in the province." in text_of(second)
    assert table(second, "Planned and actual cost by funding source")[-1] == [
        "Total", "$20.00", "$0.00"]


def test_figures_in_french(teams, admin):
    page = admin.get("/admin/teams/figures?cycle=1&region=East&lang=fr")
    assert table(page, "Coût prévu et coût réel par source de financement")[-1] == [
        "Total", "4 500,50 $", "2 250,50 $"]
    text = text_of(page)
    assert "Chiffres de toutes les équipes" in text
    assert "cycle 1 : 2 équipes dans East, sur 3 dans la province." in text


# -- who may see what ----------------------------------------------------------------------
def coordinator(app, email, forms):
    add_user(app, email, role="coordinator", forms=forms)
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client


def test_signed_out_people_are_sent_to_sign_in(app, teams):
    for url in ("/admin/teams/figures?cycle=1", "/admin/teams/report.pdf?cycle=1"):
        answer = app.test_client().get(url)
        assert answer.status_code == 302 and "/admin/login" in answer.headers["Location"]


def test_a_coordinator_sees_only_the_teams_and_forms_they_may(app, teams):
    # no form a team uses: no team, no figure, and naming a team reveals nothing
    outsider = coordinator(app, "member-forms@example.ca", ["membership"])
    assert outsider.get("/admin/teams/figures?cycle=1").status_code == 400  # none has it
    page = outsider.get("/admin/teams/figures")
    assert "Alder Team" not in page.text and "Planned and actual cost" not in page.text
    assert "No team you may see has this cycle yet." in text_of(page)
    assert outsider.get("/admin/teams/figures?team=alder-team").status_code == 400
    assert "alder-team" not in text_of(outsider.get("/admin/teams"))
    # the Workplan only: its figures, not the wellbeing profile nor the priorities
    planner = coordinator(app, "plans@example.ca", ["workplan"])
    page = planner.get("/admin/teams/figures?cycle=1")
    assert table(page, "Planned and actual cost by funding source")[-1] == [
        "Total", "$8,600.50", "$5,750.50"]
    assert "Wellbeing profile" not in page.text and "Most common priority" not in page.text
    assert overview_rows(planner.get("/admin/teams"))[0] == ("alder-team", "0")
    report = pdf_text(planner.get("/admin/teams/report.pdf?cycle=1").data)
    assert "8,600.50" in report and "Wellbeing profile" not in report
    # the Evaluation only: the teams, without the Workplan's column or figures
    evaluator = coordinator(app, "evaluation@example.ca", ["evaluation"])
    assert "Overdue actions" not in evaluator.get("/admin/teams").text
    page = evaluator.get("/admin/teams/figures?cycle=1")
    assert "cycle 1: 3 teams in the province." in text_of(page)
    assert "Planned and actual cost" not in page.text


def test_figures_read_nothing_of_a_form_the_coordinator_may_not_see(app, teams):
    from formkit.province import scope
    from formkit.storage import User

    with app.test_request_context("/"):
        user = User(id="u", email="p@example.ca", forms=["workplan"])
        figures, _choices, error = scope.choose(user, {"cycle": "1"}, "en")
        assert error is None and len(figures.teams) == 3
        assert len(figures.team_responses("workplan")) == 3
        assert figures.team_responses("wellbeing") == {}
        assert figures.member_responses("wellbeing") == {}
        assert figures.team_responses("priorities") == {}


# -- bad input -----------------------------------------------------------------------------
@pytest.mark.parametrize("query, message", [
    ("cycle=7", "No team has the cycle “7”"),
    ("cycle=Spring%202031", "No team has the cycle “Spring 2031”"),
    ("region=Mars", "No team is in the region “Mars”"),
    ("team=nobody", "No team “nobody” has the chosen cycle"),
    ("cycle=2027–2028&team=birch-team", "No team “birch-team” has the chosen cycle"),
    ("region=" + "x" * 500, "That choice is not valid"),
    ("cycle=<script>alert(1)</script>", "No team has the cycle “<script>alert(1)</script>”"),
])
def test_bad_choices_get_a_clear_page(teams, admin, query, message):
    for url in (f"/admin/teams/figures?{query}", f"/admin/teams/report.pdf?{query}"):
        page = admin.get(url)
        assert page.status_code == 400, url
        assert message in text_of(page).replace("&lt;", "<").replace("&gt;", ">")
        assert "<script>alert(1)" not in page.text
        assert "Figures across teams" in text_of(page)  # the page to choose again


def test_no_team_yet_gives_empty_figures_and_report(admin):
    page = admin.get("/admin/teams/figures")
    assert page.status_code == 200
    assert "No team you may see has this cycle yet." in text_of(page)
    assert "Total $0.00 $0.00" in text_of(page)
    report = admin.get("/admin/teams/report.pdf?doc_lang=fr")
    assert "Aucune des équipes que vous pouvez voir" in pdf_text(report.data)


def test_garbage_arguments_never_fail(teams, admin):
    for query in ("cycle=1&doc_lang=xx", "cycle=%E2%80%94&region=&team=", "page=-1",
                  "cycle=1&cycle=2", "cycle=0", "cycle=-1", "cycle=99999999999999999999"):
        assert admin.get(f"/admin/teams/figures?{query}").status_code in (200, 400), query
    assert admin.get("/admin/teams/report.pdf?cycle=1&doc_lang=xx").status_code == 200


# -- the provincial report -----------------------------------------------------------------
def test_the_provincial_report_in_english_and_french(teams, admin, app):
    from formkit.storage import SUBMITTED

    story_form = app.extensions["formkit"].registry.get_form("story")
    store = app.extensions["formkit"].store
    with app.test_request_context("/"):
        for title, team, publish in (("Rides for all", teams["Alder"], True),
                                     ("Kept private", teams["Birch"], False),
                                     ("Warm homes", teams["Cedar"], True)):
            draft = store.create_draft("story", story_form.version, "en",
                                       f"story:{team.id}:{title[:4].lower()}", answers={
                                           "title": title, "what_happened": "We met.",
                                           "who_involved": "Neighbours",
                                           "what_changed": "More rides.",
                                           "consent_publish": True})
            story, _created = store.submit(draft)
            assert story.status == SUBMITTED
            if publish:
                store.update(story.id, review_status="published")
    english = admin.get("/admin/teams/report.pdf?cycle=1&region=East&doc_lang=en")
    assert english.status_code == 200 and english.mimetype == "application/pdf"
    assert "provincial-report-1-East-en.pdf" in english.headers["Content-Disposition"]
    text = pdf_text(english.data)
    for expected in ("Provincial report", "2 teams in East, of 3 in the province",
                     "Most common priority areas", "Transportation and getting around 2 3",
                     "Municipal funding $3,000.00 $1,200.00", "Total $4,500.50 $2,250.50",
                     "Overdue as of 30 Nov 2026 2", "Wellbeing profile",
                     "Published stories", "Rides for all", "More rides."):
        assert expected in text, (expected, text[:3000])
    assert "Warm homes" not in text and "Kept private" not in text  # North; not published
    french = pdf_text(admin.get(
        "/admin/teams/report.pdf?cycle=1&region=East&team=alder-team&doc_lang=fr").data)
    for expected in ("Rapport provincial", "Domaines prioritaires les plus fréquents",
                     "Financement municipal 3 000,00 $ 1 200,00 $", "Total 4 500,50 $ 2 250,50 $",
                     "En retard au 30 novembre 2026 2", "Profil du bien-être",
                     "Alder Team comparée à la moyenne provinciale", "Réussites publiées"):
        assert expected in french, (expected, french[:3000])
    assert "Planned" not in french


# -- the store reads many teams at once --------------------------------------------------
def test_the_store_reads_many_cycles_and_responses_at_once(store_url):
    from formkit.storage import Cycle, Member, Response, Team, TeamResponse, open_store

    db = open_store(store_url)
    try:
        cycles = [Cycle(id=f"c{n}", team_id=team, number=number, label=f"L{number}")
                  for n, (team, number) in enumerate((("t1", 1), ("t1", 2), ("t2", 1)))]
        responses, slots = [], []
        for cycle in cycles:
            for form_id, member in (("workplan", None), ("wellbeing", "m1")):
                draft = db.create_draft(form_id, "1", "en", f"team:{cycle.id}:{member}",
                                        answers={"cycle": cycle.id})
                responses.append(draft)
                slots.append(TeamResponse(response_id=draft.id, team_id=cycle.team_id,
                                          cycle_id=cycle.id, form_id=form_id,
                                          member_id=member, revision=1))
        # one made by another store (its id not of this store's layout)
        foreign = Response(id="imported-1", form_id="workplan", form_version="1",
                           locale="fr", answers={"cycle": "c2"}, key="x")
        db.import_records([foreign])
        slots.append(TeamResponse(response_id="imported-1", team_id="t2", cycle_id="c2",
                                  form_id="workplan", member_id="m9"))
        db.import_cycles(cycles, slots, [])
        found = db.cycles_of_teams(["t1", "t2", "t3"])
        assert {k: [c.number for c in v] for k, v in found.items()} == {"t1": [1, 2],
                                                                       "t2": [1]}
        assert sorted((s.cycle_id, s.form_id) for s in db.cycle_slots(["c0", "c2"])) == [
            ("c0", "wellbeing"), ("c0", "workplan"), ("c2", "wellbeing"), ("c2", "workplan"),
            ("c2", "workplan")]
        wanted = [responses[0].id, "imported-1", "missing-000001-aaaaaaaa", responses[5].id]
        assert {k: v.answers["cycle"] for k, v in db.get_many(wanted).items()} == {
            responses[0].id: "c0", "imported-1": "c2", responses[5].id: "c2"}
        pairs = db.cycle_responses(["c1", "c2"], ["workplan"])
        assert sorted((s.cycle_id, s.member_id or "-", r.answers["cycle"]) for s, r in pairs) \
            == [("c1", "-", "c1"), ("c2", "-", "c2"), ("c2", "m9", "c2")]
        assert db.cycle_responses([], ["workplan"]) == []
        db.add_team(Team(id="t1", slug="t1", name="One"))
        db.add_team(Team(id="t2", slug="t2", name="Two"))
        db.add_member(Member(id="m1", team_id="t1", email="zed@example.ca", name="Zed"))
        db.add_member(Member(id="m2", team_id="t1", email="al@example.ca", name="Al"))
        db.add_member(Member(id="m3", team_id="t1", email="lea@example.ca", name="Zoe",
                             role="lead"))
        db.add_member(Member(id="m4", team_id="t2", email="bo@example.ca", name="Bo",
                             removed="2026-01-01T00:00:00Z"))
        assert {k: [m.id for m in v] for k, v in db.members_of_teams(["t1", "t2"]).items()
                } == {"t1": ["m3", "m2", "m1"], "t2": []}  # leads first, then by name
    finally:
        db.close()


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_no_table_of_the_report_is_cut(teams, app, locale):
    """The widest tables (a region and a team beside the province: seven columns) print
    whole: every text box lies inside its page."""
    from weasyprint.formatting_structure import boxes

    from formkit import pdf
    from formkit.province import scope
    from formkit.storage import User
    from formkit.views.admin.provincial import report_html

    with app.test_request_context("/"):
        user = User(id="u", email="a@example.ca", role="admin")
        figures, _choices, _error = scope.choose(
            user, {"cycle": "1", "region": "East", "team": "alder-team"}, locale, pdf=True)
        html = report_html(figures)
    assert "class='answer-card'" not in html  # no table had to become cards
    document = pdf.layout(html)
    outside = []
    for page in document.pages:
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            if isinstance(box, boxes.TextBox) and box.text.strip() and (
                    box.position_x < -0.5 or box.position_x + box.width > page.width + 0.5):
                outside.append(box.text)
            stack.extend(getattr(box, "children", []))
    assert outside == []
    assert re.findall(r"fits-(\w+)", html).count("landscape") >= 1  # the profile tables
    assert any(page.width > page.height for page in document.pages)


def test_the_report_is_cached_until_something_changes_and_forgotten_with_a_response(
        teams, admin, app):
    from formkit import pdf

    url = "/admin/teams/report.pdf?cycle=1&doc_lang=en"
    first = pdf_text(admin.get(url).data)
    assert "Total $8,600.50 $5,750.50" in first
    with app.test_request_context("/"):
        folder = pdf.provincial_folder()
    assert len(list(folder.glob("*.pdf"))) == 1
    assert pdf_text(admin.get(url).data) == first  # from the cache
    store = app.extensions["formkit"].store
    birch_plan = next(r for r in store.iter_responses("workplan")
                      if any(a.get("action") == "Maps" for a in r.answers.get("actions_1", [])))
    answers = dict(birch_plan.answers, actions_1=birch_plan.answers["actions_1"][:1])
    store.update(birch_plan.id, answers=answers)  # Birch's "Maps" (700.50) removed
    assert "Total $7,900.00 $5,050.00" in pdf_text(admin.get(url).data)
    with app.test_request_context("/"):
        pdf.forget_response("workplan", birch_plan.id)
    assert not folder.exists()

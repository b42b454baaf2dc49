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

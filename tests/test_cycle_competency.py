"""The competency self-assessment in a team's cycle (issue 19), on both stores: each
member's results and learning plan stay theirs (and the coordinators'); the team sees an
anonymous profile — domain means, strongest competencies and those to develop — only from
three members' submitted answers, worked out here by hand, in English and French."""

from __future__ import annotations

import re

import pytest

from conftest import add_user, member_client, sign_in
from formkit.testing import text_of

BASE = "/t/river-team/c/1/competency"
#: everyone rates every competency ``base``, except the ones named.
LEE = (2, {"collab_build": 4})
ANA = (3, {"equity_indigenous": 1})
BOB = (1, {"collab_build": 4, "comm_plain": 4})


@pytest.fixture
def app(team_app):
    # TEAM_AGGREGATE_MINIMUM is left at its default, 3
    return team_app


def hidden(page, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page.text).group(1)


def team_of_four(app):
    from formkit.teams import roster

    with app.test_request_context("/"):
        team, _lead = roster.create_team("River Team", "lee@example.ca", "Lee")
        for email, name in (("ana@example.ca", "Ana"), ("bob@example.ca", "Bob"),
                            ("cy@example.ca", "Cy")):
            roster.add_member(team, email, name)
    clients = {name: member_client(app, f"{name.lower()}@example.ca")
               for name in ("Lee", "Ana", "Bob", "Cy")}
    space = clients["Lee"].get("/t/river-team/")
    assert clients["Lee"].post("/t/river-team/cycles/new", data={
        "csrf_token": hidden(space, "csrf_token"), "label": "2026–2027"}).status_code == 302
    return team, clients


def rate(app, client, pattern, about=None, plan=None):
    """Every page of the member's own assessment, then Submit."""
    base_rating, exceptions = pattern
    form = app.extensions["formkit"].registry.get_form("competency")
    for index, section in enumerate(form.sections):
        data = {}
        for spec in section.fields:
            if spec.type == "matrix":
                for key, _text in spec.options["rows"]:
                    data[f"{spec.name}-r_{key}"] = str(exceptions.get(key, base_rating))
        if section.id == "about":
            data.update(about or {"q_role": "Volunteer"})
        if section.id == "learning_plan":
            data.update(plan or {})
        page = client.get(f"{BASE}/edit/{index}")
        answer = client.post(f"{BASE}/edit/{index}", data={
            "csrf_token": hidden(page, "csrf_token"), "_revision": hidden(page, "_revision"),
            "_action": "save", **data})
        assert answer.status_code == 302, text_of(answer)[:1500]
    page = client.get(f"{BASE}/")
    answer = client.post(f"{BASE}/submit", data={"csrf_token": hidden(page, "csrf_token")})
    assert answer.status_code == 302


def aggregate(html: str) -> str:
    """The team's part of a member's page (their own answers and result aside)."""
    found = re.search(r'<section class="panel" aria-labelledby="aggregate-heading">(.*?)'
                      r'</section>', html, re.S)
    return found.group(1) if found else ""


def profile_rows(html: str) -> list[tuple[str, str]]:
    """The "By domain" table of the team's profile."""
    html = aggregate(html)
    table = re.search(r"<caption>(?:By domain|Par domaine)</caption>(.*?)</table>", html,
                      re.S)
    return re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td>', table.group(1)) \
        if table else []


def listed(html: str, heading: str) -> list[str]:
    html = aggregate(html)
    block = re.search(rf"<h3>{heading}</h3>\s*<ol[^>]*>(.*?)</ol>", html, re.S)
    return [re.sub(r"\s+", " ", item).strip()
            for item in re.findall(r"<li>(.*?)</li>", block.group(1))] if block else []


def test_the_team_profile_appears_from_three_members_and_is_worked_by_hand(app):
    _team, who = team_of_four(app)
    rate(app, who["Lee"], LEE)
    rate(app, who["Ana"], ANA)
    # two answered: nothing of their answers shows, to any member
    for name in ("Cy", "Lee"):
        page = who[name].get(f"{BASE}/").text
        assert "appears once 3 members have submitted" in text_of(who[name].get(f"{BASE}/"))
        assert "The team’s answers together" in page and not profile_rows(page)
        assert "Strongest competencies" not in page
        assert "Mean rating per domain" not in aggregate(page)
        assert "2.0" not in aggregate(page) and "2.5" not in aggregate(page)
    rate(app, who["Bob"], BOB)
    page = who["Cy"].get(f"{BASE}/").text
    assert "3 members answered." in text_of(who["Cy"].get(f"{BASE}/"))
    # pooled ratings: collaboration (4+2+2+2+2 + 3×5 + 4+1+1+1+1) / 15 = 35/15 = 2.33;
    # communication (10 + 15 + 4+1+1+1+1) / 15 = 2.2; equity (10 + 3+3+3+1+3 + 5) / 15
    # = 28/15 = 1.87; each other domain (10 + 15 + 5) / 15 = 2.0
    assert profile_rows(page) == [
        ("Collaboration and partnership", "2.3"), ("Community engagement", "2.0"),
        ("Communication", "2.2"), ("Shared leadership", "2.0"),
        ("Equity and inclusion", "1.9"), ("Planning and evaluation", "2.0"),
        ("Knowledge exchange", "2.0")]
    # collab_build (4+3+4)/3 = 3.67, comm_plain (2+3+4)/3 = 3.0, then the first 2.0 in
    # the form's order; to develop: equity_indigenous (2+1+1)/3 = 1.33, then the first
    # 2.0s not already listed
    assert listed(page, "Strongest competencies") == [
        "Build and maintain partnerships across sectors (Collaboration and partnership) — 3.7",
        "Explain ideas in plain language to different audiences (Communication) — 3.0",
        "Know the roles, mandates and resources of local partners (Collaboration and "
        "partnership) — 2.0"]
    assert listed(page, "Competencies to develop together") == [
        "Know the history and rights of Indigenous peoples where I work (Equity and "
        "inclusion) — 1.3",
        "Help partners agree on shared goals and ways of working (Collaboration and "
        "partnership) — 2.0",
        "Work through disagreement constructively (Collaboration and partnership) — 2.0"]
    # by kind: skills (34 + 48 + 22) / 48 = 2.17; knowledge (18 + 25 + 9) / 27 = 1.93;
    # behaviours (20 + 30 + 10) / 30 = 2.0
    kinds = re.search(r"<caption>By kind of competency</caption>(.*?)</table>", aggregate(page),
                      re.S).group(1)
    assert re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td>', kinds) == [
        ("Skills", "2.2"), ("Knowledge", "1.9"), ("Behaviours", "2.0")]
    french = who["Cy"].get(f"{BASE}/?lang=fr").text
    assert profile_rows(french)[0] == ("Collaboration et partenariat", "2,3")
    assert listed(french, "Compétences les plus solides")[0] == (
        "Établir et entretenir des partenariats entre secteurs (Collaboration et "
        "partenariat) — 3,7")
    assert listed(french, "Compétences à développer ensemble")[0].endswith("— 1,3")


def test_the_summary_by_hand(app):
    """The plugin's aggregate itself, to one decimal (ranked on the exact means)."""
    from formkit.storage import Response

    form = app.extensions["formkit"].registry.get_form("competency")
    plugin = app.extensions["formkit"].registry.pm.get_plugin("competency")

    def answers(pattern):
        base, exceptions = pattern
        return {d.id: {key: exceptions.get(key, base) for key, _t in d.options["rows"]}
                for d in plugin.domains(form)}

    responses = [Response(id=str(i), form_id="competency", form_version="1", locale="en",
                          answers=answers(p)) for i, p in enumerate((LEE, ANA, BOB))]
    with app.test_request_context("/"):
        summary = plugin.formkit_summarize(form=form, responses=responses)
    assert summary["respondents"] == 3
    assert summary["domains"] == {"collaboration": 2.3, "engagement": 2.0,
                                  "communication": 2.2, "leadership": 2.0, "equity": 1.9,
                                  "planning": 2.0, "exchange": 2.0}
    assert summary["kinds"] == {"skill": 2.2, "knowledge": 1.9, "behaviour": 2.0}
    assert [(i["key"], i["mean"]) for i in summary["strongest"]] == [
        ("collab_build", 3.7), ("comm_plain", 3.0), ("collab_roles", 2.0)]
    assert [(i["key"], i["mean"]) for i in summary["weakest"]] == [
        ("equity_indigenous", 1.3), ("collab_goals", 2.0), ("collab_conflict", 2.0)]


def test_a_members_results_and_learning_plan_stay_theirs(app):
    team, who = team_of_four(app)
    rate(app, who["Lee"], LEE, about={"q_name": "Lee Private", "q_role": "Chair"},
         plan={"q_focus": "Facilitation, secretly"})
    rate(app, who["Ana"], ANA)
    rate(app, who["Bob"], BOB)
    own = text_of(who["Lee"].get(f"{BASE}/"))
    assert "Lee Private" in own and "Facilitation, secretly" in own
    assert "Your three strongest competencies" in own  # his own result
    for name in ("Ana", "Cy"):
        page = text_of(who[name].get(f"{BASE}/"))
        assert "Lee Private" not in page and "Facilitation, secretly" not in page
        assert "Your three strongest competencies" not in page or name == "Ana"
        assert "Strongest competencies" in page  # the team's profile, anonymous
        assert "Lee Private" not in text_of(who[name].get("/t/river-team/"))
    store = app.extensions["formkit"].store
    cycle = store.list_cycles(team.id)[0]
    lee_member = next(m for m in store.list_members(team.id) if m.name == "Lee")
    [lees] = [s for s in store.list_team_responses(cycle.id)
              if s.form_id == "competency" and s.member_id == lee_member.id]
    # no way around: the workspace and the API are the coordinators'
    for path in (f"/admin/responses/{lees.response_id}", "/admin/forms/competency/",
                 f"/api/v1/forms/competency/responses/{lees.response_id}"):
        answer = who["Ana"].get(path)
        assert answer.status_code in (302, 401, 403, 404), path
        assert "Lee Private" not in answer.text
    # the coordinators of the form read it
    add_user(app, "coord@example.ca", "coordinator", forms=["competency"])
    coordinator = app.test_client()
    sign_in(coordinator, "coord@example.ca")
    assert "Lee Private" in text_of(coordinator.get(f"/admin/responses/{lees.response_id}"))
    # and in the team's page, a coordinator sees the profile, not anyone's answers
    page = text_of(coordinator.get(f"{BASE}/"))
    assert "Strongest competencies" in page and "Lee Private" not in page


def test_a_member_leaving_changes_nothing_the_team_sees(app):
    """The answers given stay in the profile when their author leaves the team: a profile
    or a count that changed then would tell the team what that one person had answered
    (the difference between before and after)."""
    from formkit.teams import roster

    team, who = team_of_four(app)
    rate(app, who["Lee"], LEE)
    rate(app, who["Ana"], ANA)
    before = text_of(who["Cy"].get(f"{BASE}/"))
    assert "(2 so far)" in before
    with app.test_request_context("/"):
        roster.remove_member(team, roster.find_member(team, "ana@example.ca"))
    assert "(2 so far)" in text_of(who["Cy"].get(f"{BASE}/"))
    rate(app, who["Bob"], BOB)
    shown = who["Cy"].get(f"{BASE}/").text
    assert profile_rows(shown)[0] == ("Collaboration and partnership", "2.3")  # Ana's too
    with app.test_request_context("/"):
        roster.remove_member(team, roster.find_member(team, "bob@example.ca"))
    assert profile_rows(who["Cy"].get(f"{BASE}/").text) == profile_rows(shown)


def test_a_coordinator_let_in_by_another_form_does_not_read_the_profile(app):
    """Being let into a team by one of its forms (the Workplan) opens no other form's
    pages of the team: not the competency profile, nor a plugin's Workplan pages for a
    coordinator of another form."""
    _team, who = team_of_four(app)
    for name, pattern in (("Lee", LEE), ("Ana", ANA), ("Bob", BOB)):
        rate(app, who[name], pattern)
    assert who["Lee"].get("/t/river-team/c/1/workplan/edit/0").status_code == 200  # opened
    add_user(app, "plans@example.ca", "coordinator", forms=["workplan"])
    plans = app.test_client()
    sign_in(plans, "plans@example.ca")
    space = plans.get("/t/river-team/")
    assert space.status_code == 200  # let in by the Workplan
    assert "what is due" in space.text
    refused = plans.get(f"{BASE}/")
    assert refused.status_code == 404
    assert "Strongest competencies" not in refused.text
    assert plans.get("/t/river-team/c/1/workplan/").status_code == 200
    assert plans.get("/t/river-team/workplan/1/report").status_code == 200
    add_user(app, "skills@example.ca", "coordinator", forms=["competency"])
    skills = app.test_client()
    sign_in(skills, "skills@example.ca")
    assert "Strongest competencies" in text_of(skills.get(f"{BASE}/"))
    assert skills.get("/t/river-team/c/1/workplan/").status_code == 404
    assert "what is due" not in skills.get("/t/river-team/").text  # nor its panel
    assert skills.get("/t/river-team/workplan/1/report").status_code == 404

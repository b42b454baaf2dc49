"""The Evaluation Worksheet in a team's cycle (issue 19), on both stores: it starts from
the same cycle's Workplan outcomes and says so, findings are recorded per indicator over
several revisions and shown next to the Workplan outcome they evaluate, and "What we
learned" is offered to the next cycle's Wellbeing Guide, in English and French."""

from __future__ import annotations

import re

import pytest

from conftest import add_user, member_client, sign_in
from formkit.testing import text_of

EVALUATION = "/t/river-team/c/{n}/evaluation"
WORKPLAN = "/t/river-team/c/{n}/workplan"
#: the worksheet's pages (forms/evaluation.yaml), by position.
OUTCOMES, PLAN_ONE, FINDINGS_ONE, LEARNING = 0, 1, 4, 7


@pytest.fixture
def app(team_app):
    return team_app


def words(html: str) -> str:
    """The text of a piece of HTML, tags removed, spaces folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def hidden(page, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page.text).group(1)


def make_team(app):
    from formkit.teams import roster

    with app.test_request_context("/"):
        team, _lead = roster.create_team("River Team", "lead@example.ca", "Lee")
    return team


def start_cycle(client, label):
    space = client.get("/t/river-team/")
    answer = client.post("/t/river-team/cycles/new",
                         data={"csrf_token": hidden(space, "csrf_token"), "label": label})
    assert answer.status_code == 302


def edit(client, url, data):
    page = client.get(url)
    assert page.status_code == 200, text_of(page)[:800]
    return client.post(url, data={"csrf_token": hidden(page, "csrf_token"),
                                  "_revision": hidden(page, "_revision"), "_action": "save",
                                  **data})


def saved(answer):
    assert answer.status_code == 302, text_of(answer)[:1500]
    return answer


def write_workplan(client, n=1, outcome="Older people get to their appointments."):
    base = WORKPLAN.format(n=n)
    saved(edit(client, f"{base}/edit/0", {"q_team_name": "River", "q_priority_1": "Transport"}))
    saved(edit(client, f"{base}/edit/1", {"q_outcome_1": outcome,
                                          "q_actions_1-0-q_action": "Volunteer drivers"}))


def plan_outcome_one(client, n=1):
    saved(edit(client, f"{EVALUATION.format(n=n)}/edit/{PLAN_ONE}", {
        "q_questions_1-0-q_question": "Do people get there?",
        "q_indicators_1-0-q_indicator": "Rides given",
        "q_indicators_1-0-q_baseline": "0", "q_indicators_1-0-q_target": "120",
        "q_indicators_1-1-q_indicator": "Missed appointments",
        "q_methods_1": "records"}))


def evaluation_answers(app, n=1):
    store = app.extensions["formkit"].store
    team = store.find_team("river-team")
    cycle = [c for c in store.list_cycles(team.id) if c.number == n][0]
    [slot] = [s for s in store.list_team_responses(cycle.id) if s.form_id == "evaluation"]
    return store.get(slot.response_id).answers, slot


def test_the_worksheet_starts_from_the_cycles_workplan_and_says_so(app):
    make_team(app)
    lead = member_client(app, "lead@example.ca")
    start_cycle(lead, "2026–2027")
    write_workplan(lead)
    page = text_of(lead.get(f"{EVALUATION.format(n=1)}/"))
    assert ("Brought over from your Workplan of this cycle (2026–2027): “Team name” and "
            "“First outcome”.") in page
    answers, _slot = evaluation_answers(app)
    assert answers["outcome_1"] == "Older people get to their appointments."
    assert answers["team_name"] == "River" and "outcome_2" not in answers
    # said once, when the response is made: not on every visit
    assert "Brought over" not in text_of(lead.get(f"{EVALUATION.format(n=1)}/"))
    # the outcome's pages are headed by it
    assert "Findings — Older people get to their appointments." in text_of(
        lead.get(f"{EVALUATION.format(n=1)}/edit/{FINDINGS_ONE}"))


def test_a_worksheet_opened_before_the_workplan_starts_from_the_team_name(app):
    make_team(app)
    lead = member_client(app, "lead@example.ca")
    start_cycle(lead, "2026–2027")
    page = lead.get(f"{EVALUATION.format(n=1)}/?lang=fr").text
    assert "Repris de votre fiche d’équipe\u00a0: «\u00a0Nom de l’équipe\u00a0»." in page
    assert evaluation_answers(app)[0] == {"team_name": "River Team"}


def test_findings_are_recorded_over_revisions_and_shown_next_to_the_workplan_outcome(app):
    make_team(app)
    lead = member_client(app, "lead@example.ca")
    start_cycle(lead, "2026–2027")
    write_workplan(lead)
    base = EVALUATION.format(n=1)
    lead.get(f"{base}/")
    plan_outcome_one(lead)
    findings = f"{base}/edit/{FINDINGS_ONE}"
    # a finding must name one of the outcome's indicators (case and spaces aside)
    refused = edit(lead, findings, {"q_findings_1-0-q_indicator": "Rides",
                                    "q_findings_1-0-q_date": "2026-12-15",
                                    "q_findings_1-0-q_finding": "14 rides"})
    assert refused.status_code == 422
    assert "Name one of this outcome’s indicators: “Rides given” and “Missed appointments”." \
        in text_of(refused)
    assert "findings_1" not in evaluation_answers(app)[0]  # nothing saved
    saved(edit(lead, findings, {"q_findings_1-0-q_indicator": "  rides GIVEN ",
                                "q_findings_1-0-q_date": "2027-01-20",
                                "q_findings_1-0-q_finding": "40 rides in December",
                                "q_findings_1-0-q_source": "drivers' log"}))
    # a month later, two more findings come in (an earlier one recorded late)
    saved(edit(lead, findings, {
        "q_findings_1-0-q_indicator": "  rides GIVEN ",
        "q_findings_1-0-q_date": "2027-01-20",
        "q_findings_1-0-q_finding": "40 rides in December",
        "q_findings_1-0-q_source": "drivers' log",
        "q_findings_1-1-q_indicator": "Rides given",
        "q_findings_1-1-q_date": "2026-12-15",
        "q_findings_1-1-q_finding": "14 rides in November",
        "q_findings_1-2-q_indicator": "Missed appointments",
        "q_findings_1-2-q_date": "2027-02-10",
        "q_findings_1-2-q_finding": "Clinic says fewer missed"}))
    answers, slot = evaluation_answers(app)
    assert [r["date"] for r in answers["findings_1"]] == ["2027-01-20", "2026-12-15",
                                                          "2027-02-10"]
    store = app.extensions["formkit"].store
    revisions = store.list_revisions(slot.response_id)
    assert [sorted(r.changes) for r in revisions[-2:]] == [["findings_1"], ["findings_1"]]
    assert revisions[-1].score["outcomes"][0]["findings"] == 3
    page = text_of(lead.get(f"{base}/"))
    # each page's Edit link opens that page, whatever pages without answers are between
    edit_links = {title.strip(): int(page) for title, page in re.findall(
        r'<h3>([^<]*)<a class="edit-link" href="/t/river-team/c/1/evaluation/edit/(\d+)"',
        lead.get(f"{base}/").text)}
    assert edit_links["First outcome — findings"] == FINDINGS_ONE
    assert edit_links["First outcome — evaluation plan"] == PLAN_ONE
    # the history tells each revision's findings
    assert "Findings, row 2: Indicator — → Rides given" in page
    assert "Findings, row 1: Indicator — → rides GIVEN" in page
    # submitted or not, the result shows the findings under their indicator, oldest first,
    # next to the Workplan outcome they evaluate
    saved(lead.post(f"{base}/submit", data={"csrf_token": hidden(lead.get(f"{base}/"),
                                                                   "csrf_token")}))
    result = lead.get(f"{base}/").text
    block = words(result)
    assert "In this cycle’s Workplan: outcome of the priority “Transport”." in block
    rides = words(re.search(r'<th scope="row">Rides given</th>(.*?)</tr>', result,
                            re.S).group(1))
    assert rides == ("0 120 15 Dec 2026 — 14 rides in November "
                     "20 Jan 2027 — 40 rides in December (drivers&#39; log)")
    missed = words(re.search(r'<th scope="row">Missed appointments</th>(.*?)</tr>', result,
                             re.S).group(1))
    assert missed == "— — 10 Feb 2027 — Clinic says fewer missed"
    # the Workplan's outcome changes: the worksheet says it no longer matches
    saved(edit(lead, f"{WORKPLAN.format(n=1)}/edit/1", {
        "q_outcome_1": "Older people reach care.", "q_actions_1-0-q_action": "Drivers"}))
    assert "This cycle’s Workplan does not have this outcome in these words" in text_of(
        lead.get(f"{base}/"))
    french = text_of(lead.get(f"{base}/?lang=fr"))
    assert "Indicateurs et constats" in french and "15 décembre 2026" in french
    assert "Le plan de travail de ce cycle n’a pas ce résultat dans ces mots" in french


def test_a_finding_about_a_renamed_indicator_stays_visible(app):
    make_team(app)
    lead = member_client(app, "lead@example.ca")
    start_cycle(lead, "2026–2027")
    write_workplan(lead)
    base = EVALUATION.format(n=1)
    lead.get(f"{base}/")
    plan_outcome_one(lead)
    saved(edit(lead, f"{base}/edit/{FINDINGS_ONE}", {
        "q_findings_1-0-q_indicator": "Rides given", "q_findings_1-0-q_date": "2027-01-20",
        "q_findings_1-0-q_finding": "40 rides"}))
    saved(edit(lead, f"{base}/edit/{PLAN_ONE}", {
        "q_questions_1-0-q_question": "Do people get there?",
        "q_indicators_1-0-q_indicator": "Rides per month", "q_methods_1": "records"}))
    page = text_of(lead.get(f"{base}/"))
    assert "Findings about an indicator no longer in the plan" in page
    assert "Rides given: 20 Jan 2027 — 40 rides" in page


def test_what_we_learned_is_offered_to_the_next_cycles_wellbeing_guide(app):
    make_team(app)
    lead = member_client(app, "lead@example.ca")
    start_cycle(lead, "2026–2027")
    write_workplan(lead)
    base = EVALUATION.format(n=1)
    lead.get(f"{base}/")
    plan_outcome_one(lead)
    saved(edit(lead, f"{base}/edit/{FINDINGS_ONE}", {
        "q_findings_1-0-q_indicator": "Rides given", "q_findings_1-0-q_date": "2027-01-20",
        "q_findings_1-0-q_finding": "40 rides"}))
    saved(edit(lead, f"{base}/edit/{LEARNING}", {
        "q_learned": "Drivers matter more than buses.\r\n\r\n<b>Rural</b> areas need more."}))
    # not offered in the same cycle
    assert "What your team learned" not in text_of(lead.get("/t/river-team/c/1/wellbeing/"))
    start_cycle(lead, "2027–2028")
    wellbeing = lead.get("/t/river-team/c/2/wellbeing/")
    page = text_of(wellbeing)
    assert "What your team learned in the cycle 2026–2027" in page
    assert ("From your team’s Evaluation Worksheet of the cycle 2026–2027: a starting point "
            "for this Wellbeing Guide.") in page
    assert "Drivers matter more than buses." in page
    assert "&lt;b&gt;Rural&lt;/b&gt;" in wellbeing.text and "<b>Rural" not in wellbeing.text
    # on the first page of its editing too, and in French
    assert "Drivers matter more" in text_of(lead.get("/t/river-team/c/2/wellbeing/edit/0"))
    # a coordinator reads it only when they may read Evaluation Worksheets
    add_user(app, "well@example.ca", "coordinator", forms=["wellbeing"])
    add_user(app, "eval@example.ca", "coordinator", forms=["wellbeing", "evaluation"])
    only_wellbeing, both = app.test_client(), app.test_client()
    sign_in(only_wellbeing, "well@example.ca")
    sign_in(both, "eval@example.ca")
    assert "Drivers matter more" not in text_of(
        only_wellbeing.get("/t/river-team/c/2/wellbeing/"))
    assert "Drivers matter more" in text_of(both.get("/t/river-team/c/2/wellbeing/"))
    # the new worksheet keeps the plan of the outcome the Workplan kept, not the findings
    # nor what was learned (they belong to their cycle)
    write_workplan(lead, n=2)
    page = text_of(lead.get(f"{EVALUATION.format(n=2)}/"))
    assert ("Brought over from your Workplan of this cycle (2027–2028) and your Evaluation "
            "Worksheet of the cycle 2026–2027:") in page
    answers, _slot = evaluation_answers(app, n=2)
    assert [r["indicator"] for r in answers["indicators_1"]] == ["Rides given",
                                                                 "Missed appointments"]
    assert answers["methods_1"] == ["records"]
    assert "findings_1" not in answers and "learned" not in answers
    french = lead.get("/t/river-team/c/2/wellbeing/?lang=fr").text
    assert "Ce que votre équipe a appris au cycle 2026–2027" in french
    assert ("Tiré de la fiche d’évaluation de votre équipe du cycle 2026–2027\u00a0: un point "
            "de départ pour ce Guide du bien-être.") in french


def test_an_outcome_the_workplan_changed_starts_a_fresh_plan(app):
    make_team(app)
    lead = member_client(app, "lead@example.ca")
    start_cycle(lead, "2026–2027")
    write_workplan(lead)
    lead.get(f"{EVALUATION.format(n=1)}/")
    plan_outcome_one(lead)
    start_cycle(lead, "2027–2028")
    write_workplan(lead, n=2, outcome="Caregivers get a break.")
    page = text_of(lead.get(f"{EVALUATION.format(n=2)}/"))
    assert "Brought over from your Workplan of this cycle (2027–2028): “Team name” and " \
        "“First outcome”." in page
    answers, _slot = evaluation_answers(app, n=2)
    assert answers["outcome_1"] == "Caregivers get a break." and "indicators_1" not in answers


def test_hostile_findings_are_refused_clearly_and_lose_nothing(app):
    make_team(app)
    lead = member_client(app, "lead@example.ca")
    start_cycle(lead, "2026–2027")
    write_workplan(lead)
    base = EVALUATION.format(n=1)
    lead.get(f"{base}/")
    plan_outcome_one(lead)
    for value in ("\x00", "x" * 20_000, "<script>alert(1)</script>", "2027-02-30", "-1"):
        answer = edit(lead, f"{base}/edit/{FINDINGS_ONE}", {
            "q_findings_1-0-q_indicator": value, "q_findings_1-0-q_date": value,
            "q_findings_1-0-q_finding": value})
        assert answer.status_code == 422, value
        assert "<script>alert(1)</script>" not in answer.text
    assert "findings_1" not in evaluation_answers(app)[0]
    assert lead.get(f"{base}/").status_code == 200

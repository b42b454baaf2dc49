"""The five seed forms: hand-worked scoring, end-to-end submission in both languages,
and the Wellbeing Guide → Workplan → Evaluation Worksheet flow."""

from __future__ import annotations

import datetime
import re

import pytest

from conftest import Browser, fill, form_of, page_input, text_of

SEEDS = ("membership", "wellbeing", "workplan", "evaluation", "competency")


@pytest.fixture
def seed_browser(seed_app):
    return Browser(seed_app.test_client())


def plugin(app, name):
    return app.extensions["formkit"].registry.pm.get_plugin(name)


def test_every_seed_form_loads_with_its_plugin(seed_app):
    registry = seed_app.extensions["formkit"].registry
    assert set(SEEDS) <= set(registry.forms)
    for name in SEEDS:
        assert registry.pm.get_plugin(name) is not None
    competency = registry.forms["competency"]
    items = [key for spec in competency.fields if spec.type == "matrix"
             for key, _text in spec.options["rows"]]
    assert 30 <= len(items) <= 40
    kinds = competency.extra["kinds"]
    assert sorted(k for keys in kinds.values() for k in keys) == sorted(items)


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("form_id", SEEDS)
def test_each_seed_form_submits_end_to_end(seed_app, seed_browser, form_id, lang):
    done = fill(seed_browser, seed_app, form_id, lang)
    assert f'<html lang="{lang}">' in done.text
    store = seed_app.extensions["formkit"].store
    [record] = [r for r in store.iter_responses(form_id) if r.is_submitted]
    assert record.locale == lang and record.score, "every seed form computes a result"
    # the result shown is the stored score: recomputing from the answers gives the same
    with seed_app.test_request_context(f"/?lang={lang}"):
        again = plugin(seed_app, form_id).formkit_score(form=form_of(seed_app, form_id),
                                                        answers=record.answers)
    if form_id != "workplan":  # the workplan's score is "as of" its submission date
        assert again == record.score
    assert ("Votre résultat" if lang == "fr" else "Your result") in text_of(done)


def test_french_texts_follow_french_typography(seed_app):
    for form_id in SEEDS:
        form = form_of(seed_app, form_id)
        texts = [form.title.fr] + [s.title.fr for s in form.sections]
        for spec in form.fields:
            texts += [t.fr for t in (spec.label, spec.help) if t]
        for text in texts:
            assert not re.search(r" [?!;]", text), text
            assert " :" not in text, f"no-break space before ':' in {text!r}"
            assert "'" not in text, f"typographic apostrophe in {text!r}"
            assert "« " not in text and " »" not in text, text


# -- membership -------------------------------------------------------------------------
def test_membership_eligibility(seed_app):
    eligibility = plugin(seed_app, "membership").eligibility
    assert eligibility({"c_learning": False, "c_structured": True, "c_engaged": False}) == {
        "eligible": True, "criteria_met": ["c_structured"], "criteria_count": 1,
        "total_criteria": 5, "kind": "member"}
    none = eligibility({key: False for key in plugin(seed_app, "membership").CRITERIA})
    assert none["eligible"] is False and none["kind"] == "expression_of_interest"


def test_membership_result_pages_in_both_languages(seed_app, seed_browser):
    page = fill(seed_browser, seed_app, "membership", "fr")
    text = text_of(page)
    assert "Vous êtes admissible à l’adhésion" in text
    assert "Vous répondez à 5 des 5 critères d’adhésion" in text
    no = {key: "no" for key in ("q_c_learning", "q_c_disseminating", "q_c_considering",
                                "q_c_structured", "q_c_engaged")}
    browser = Browser(seed_app.test_client())
    text = text_of(fill(browser, seed_app, "membership", "en", overrides={1: no}))
    assert "Thank you for your interest" in text and "How to become eligible" in text
    assert "nothing you wrote is lost" in text
    store = seed_app.extensions["formkit"].store
    assert store.count("membership", "submitted") == 2  # the expression of interest is kept


def test_member_directory_lists_approved_consenting_members(seed_app):
    store = seed_app.extensions["formkit"].store

    def member(name, region, kind, consent, status):
        draft = store.create_draft("membership", "1", "en", f"k-{name}", {
            "name": name, "organization": f"{name} Org", "community": "Kingston",
            "region": region, "kind": kind, "consent_directory": consent,
            "directory_description": "<b>We visit</b>"})
        submitted, _ = store.submit(draft)
        store.update(submitted.id, review_status=status)

    member("Alpha", "east", "visiting_hospice", True, "approved")
    member("Beta", "east", "project", True, "pending")
    member("Gamma", "west", "project", False, "approved")
    member("Delta", "west", "project", True, "approved")
    client = seed_app.test_client()
    page = client.get("/membership/directory?lang=en")
    text = text_of(page)
    assert "Alpha Org" in text and "Delta Org" in text
    assert "Beta" not in text and "Gamma" not in text
    assert "&lt;b&gt;We visit&lt;/b&gt;" in page.text  # respondent text is escaped
    east = text_of(client.get("/membership/directory?region=east"))
    assert "Alpha Org" in east and "Delta Org" not in east
    projects = text_of(client.get("/membership/directory?kind=project&lang=fr"))
    assert "Delta Org" in projects and "Alpha Org" not in projects
    assert "1 membre inscrit" in projects
    odd = client.get("/membership/directory?region=atlantis&kind=%3Cscript%3E&lang=en")
    assert odd.status_code == 200 and "not in the list" in text_of(odd)


# -- wellbeing --------------------------------------------------------------------------
HAND_RATINGS = {
    # area: (strength, importance, readiness) → priority (5 − s) × i × r
    "social_connection": (2, 5, 4),   # 60
    "caregiver_support": (1, 4, 3),   # 48, wins the tie: same importance, weaker
    "end_of_life": (4, 5, 5),         # 25
    "access_to_services": (3, 5, 2),  # 20
    "mental_wellbeing": (2, 4, 4),    # 48
    "housing": ("na", 5, 5),          # not rated
    "transportation": (5, 3, 1),      # 0
    "food_security": (3, 2, 2),       # 8
    "inclusion": (4, 4, 3),           # 12
    "health_literacy": (2, 3, 3),     # 27
}


def wellbeing_answers():
    return {rating: {area: values[i] for area, values in HAND_RATINGS.items()}
            for i, rating in enumerate(("strength", "importance", "readiness"))}


def wellbeing_overrides():
    """The hand ratings as the three rating pages post them."""
    ratings = wellbeing_answers()
    return {
        index: {f"q_{rating}-r_{area}": str(value) for area, value in ratings[rating].items()}
        for index, rating in ((1, "strength"), (2, "importance"), (3, "readiness"))
    }


def test_wellbeing_priority_scores_by_hand(seed_app):
    score = plugin(seed_app, "wellbeing").area_scores(form_of(seed_app, "wellbeing"),
                                                      wellbeing_answers())
    ranked = [(a["key"], a["priority"]) for a in score["areas"] if a["priority"] is not None]
    assert ranked == [
        ("social_connection", 60.0), ("caregiver_support", 48.0), ("mental_wellbeing", 48.0),
        ("health_literacy", 27.0), ("end_of_life", 25.0), ("access_to_services", 20.0),
        ("inclusion", 12.0), ("food_security", 8.0), ("transportation", 0.0)]
    assert score["top_priorities"] == ["social_connection", "caregiver_support",
                                       "mental_wellbeing"]
    assert score["strengths"] == ["transportation", "end_of_life", "inclusion"]
    assert score["not_rated"] == ["housing"]


def test_wellbeing_result_page_ranks_and_charts(seed_app, seed_browser):
    overrides = wellbeing_overrides()
    page = fill(seed_browser, seed_app, "wellbeing", "fr", overrides=overrides)
    text = text_of(page)
    assert "Vos principales priorités" in text
    top = re.search(r'<ol class="priorities">(.*?)</ol>', page.text, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", top)
    assert [re.sub(r"<.*?>", "", li).split(" — ")[0] for li in items] == [
        "Liens sociaux (moins d’isolement et de solitude)", "Soutien aux proches aidants",
        "Santé mentale et bien-être"]
    assert "score de priorité de 60 sur 100" in text
    svg = re.search(r"<svg.*?</svg>", page.text, re.S).group(0)
    assert "<title>Score de priorité de chaque domaine, de 0 à 100</title>" in svg
    assert svg.count("<rect") == 2 * 9  # a track and a bar per rated area
    assert "Forces sur lesquelles bâtir" in text and "Non évalués (sans objet)" in text


# -- workplan ---------------------------------------------------------------------------
def test_workplan_totals_and_overdue_by_hand(seed_app):
    answers = {
        "priority_1": "Caregivers", "priority_2": "Transport",
        "actions_1": [
            {"action": "Survey", "cost": 1200.5, "funding": "municipal", "status": "done",
             "due": "2025-01-10"},
            {"action": "Café", "cost": 300.0, "funding": "donations", "status": "in_progress",
             "due": "2025-02-01"},
        ],
        "actions_2": [
            {"action": "Rides", "cost": 2500.0, "funding": "municipal", "status": "blocked",
             "due": "2025-03-01"},
            {"action": "Map", "status": None},
        ],
    }
    score = plugin(seed_app, "workplan").workplan_score(answers, datetime.date(2025, 2, 15))
    assert score["total_cost"] == 4000.5 and score["actions"] == 4
    assert score["by_priority"] == [
        {"priority": 1, "name": "Caregivers", "cost": 1500.5, "actions": 2},
        {"priority": 2, "name": "Transport", "cost": 2500.0, "actions": 2}]
    assert score["by_funding"] == {"municipal": 3700.5, "donations": 300.0,
                                   "unspecified": 0.0}
    assert score["status_counts"] == {"not_started": 0, "in_progress": 1, "done": 1,
                                      "blocked": 1, "unspecified": 1}
    assert score["overdue"] == [{"priority": 1, "action": "Café", "due": "2025-02-01",
                                 "status": "in_progress"}]


def test_workplan_rejects_due_before_start(seed_app, seed_browser):
    form = form_of(seed_app, "workplan")
    seed_browser.follow(seed_browser.get("/f/workplan/?lang=fr"))
    seed_browser.follow(seed_browser.post("/f/workplan/page/0", page_input(form.sections[0])))
    rows = {"q_actions_1-0-q_action": "Plan", "q_actions_1-0-q_start": "2025-05-01",
            "q_actions_1-0-q_due": "2025-04-01", "q_actions_1-0-q_funding": "other"}
    response = seed_browser.post("/f/workplan/page/1", {"q_outcome_1": "Less isolation", **rows})
    assert response.status_code == 422
    text = text_of(response)
    # Each on its cell: the summary names table, row and column and leads to the input.
    assert ("Actions, ligne 1, Échéance : Entrez une échéance égale ou postérieure à la "
            "date de début.") in text
    assert ("Actions, ligne 1, Si autre, quelle source? : Précisez l’autre source de "
            "financement.") in text
    assert 'href="#q_actions_1-0-q_due"' in response.text
    assert re.search(r'<input[^>]*aria-describedby="q_actions_1-0-q_due-error"[^>]*'
                     r'aria-invalid="true"|<input[^>]*aria-invalid="true"[^>]*'
                     r'aria-describedby="q_actions_1-0-q_due-error"', response.text)


def test_workplan_result_shows_costs_in_the_locale(seed_app, seed_browser):
    rows = {"q_actions_1-0-q_cost": "1234.5", "q_actions_1-1-q_cost": "1000"}
    page = fill(seed_browser, seed_app, "workplan", "fr", overrides={1: rows})
    assert "coût total estimé de 2\u00a0234,50\u00a0$" in page.text
    text = text_of(page)
    assert "Aucune action n’est en retard" in text or "Actions en retard" in text


# -- evaluation -------------------------------------------------------------------------
def test_evaluation_completeness_by_hand(seed_app):
    score = plugin(seed_app, "evaluation").completeness({
        "outcome_1": "Fewer isolated seniors",
        "questions_1": [{"question": "Who feels less alone?"}],
        "indicators_1": [{"indicator": "UCLA loneliness score"}],
        "methods_1": ["survey"], "collector_1": "Volunteers", "timing_1": ["baseline"],
        "data_sources_1": "Participants", "use_1": "Report to partners",
        "outcome_2": "Caregivers supported",
        "questions_2": [{"question": "Do caregivers get respite?"}],
    })
    first, second = score["outcomes"]
    assert first["complete"] and first["missing"] == [] and first["to_plan"] == []
    assert second == {"number": 2, "outcome": "Caregivers supported", "complete": False,
                      "missing": ["indicators", "methods"],
                      "to_plan": ["data_sources", "collector", "timing", "use"],
                      "questions": 1, "indicators": 0, "methods": 0, "findings": 0}
    assert (score["complete"], score["total"]) == (1, 2)


# -- competency -------------------------------------------------------------------------
def test_competency_scores_by_hand(seed_app):
    form = form_of(seed_app, "competency")
    answers = {spec.id: {key: 2 for key, _t in spec.options["rows"]}
               for spec in form.fields if spec.type == "matrix"}
    answers["collaboration"] = {"collab_build": 4, "collab_roles": 1, "collab_goals": 3,
                                "collab_conflict": 4, "collab_trust": 3}
    answers["equity"]["equity_indigenous"] = 1
    score = plugin(seed_app, "competency").competency_score(form, answers)
    domains = {d["key"]: d["mean"] for d in score["domains"]}
    assert domains["collaboration"] == 3.0  # (4 + 1 + 3 + 4 + 3) / 5
    assert domains["equity"] == 1.8          # (2 + 2 + 2 + 1 + 2) / 5
    assert domains["planning"] == 2.0
    # knowledge items: collab_roles 1, equity_indigenous 1, seven others at 2 → 16 / 9
    assert score["kinds"]["knowledge"] == 1.8
    assert [i["key"] for i in score["strongest"]] == ["collab_build", "collab_conflict",
                                                       "collab_goals"]
    assert [i["key"] for i in score["weakest"]] == ["collab_roles", "equity_indigenous",
                                                     "engage_assets"]


def test_competency_learning_plan_page_shows_results_first(seed_app, seed_browser):
    form = form_of(seed_app, "competency")
    seed_browser.follow(seed_browser.get("/f/competency/?lang=en"))
    last = len(form.sections) - 1
    for index in range(last):
        seed_browser.follow(seed_browser.post(f"/f/competency/page/{index}",
                                              page_input(form.sections[index])))
    page = seed_browser.get(f"/f/competency/page/{last}")
    text = text_of(page)
    assert "Your learning plan" in text and "Your three strongest competencies" in text
    assert "<svg" in page.text


# -- the chain --------------------------------------------------------------------------
def test_wellbeing_to_workplan_to_evaluation(seed_app, seed_browser):
    overrides = wellbeing_overrides()
    result = fill(seed_browser, seed_app, "wellbeing", "en", overrides=overrides)
    link = re.search(r'href="(/f/workplan/\?from=[^"]+)"', result.text).group(1)
    reference = link.split("from=")[1]

    # The link on the result page starts a workplan with the top three priorities, in
    # the language of the person starting it.
    browser = Browser(seed_app.test_client())
    page = browser.follow(browser.get(link.replace("&amp;", "&") + "&lang=fr"))
    assert 'value="Liens sociaux (moins d’isolement et de solitude)"' in page.text
    assert 'value="Soutien aux proches aidants"' in page.text
    assert 'value="Santé mentale et bien-être"' in page.text
    # The page says, in words, what was brought over and from where.
    said = text_of(page)
    assert re.search(r"Repris de votre Guide du bien-être \(.+, référence " + re.escape(reference)
                     + r"\) : « .+ », « Nom de l’équipe », .*« Première priorité »", said)
    assert "/workplan/from-wellbeing" not in said

    # Or by typing the reference.
    typed = seed_app.test_client().get(f"/workplan/from-wellbeing?reference={reference}")
    assert typed.status_code == 302 and "from=" in typed.headers["Location"]
    wrong = seed_app.test_client().get("/workplan/from-wellbeing?reference=nope&lang=fr")
    assert wrong.status_code == 404 and "Aucun Guide du bien-être" in text_of(wrong)

    form = form_of(seed_app, "workplan")
    keep = {0: {k: v for k, v in page_input(form.sections[0]).items()
                if not k.startswith("q_priority_")} | {
        "q_priority_1": "Social connection", "q_priority_2": "", "q_priority_3": ""},
        1: {"q_outcome_1": "Fewer isolated seniors"}}
    plan = fill(Browser(seed_app.test_client()), seed_app, "workplan", "en", overrides=keep)
    evaluation_link = re.search(r'href="(/f/evaluation/\?from=[^"]+)"', plan.text).group(1)
    evaluation = Browser(seed_app.test_client())
    page = evaluation.follow(evaluation.get(evaluation_link))
    assert "Fewer isolated seniors" in page.text
    assert "Brought over from your Workplan (" in text_of(page)

    # A priority's page, and an outcome's, is headed by what it is about.
    workplan = Browser(seed_app.test_client())
    workplan.get("/f/workplan/")
    second = workplan.follow(workplan.post("/f/workplan/page/0", keep[0]))
    assert "<h1>Outcome and actions — Social connection</h1>" in second.text
    assert "<title>Outcome and actions — Social connection –" in second.text
    evaluation_form = form_of(seed_app, "evaluation")
    second = evaluation.follow(evaluation.post("/f/evaluation/page/0", {
        **page_input(evaluation_form.sections[0]), "q_outcome_1": "Fewer isolated seniors",
        "q_outcome_2": "", "q_outcome_3": ""}))
    assert "<h1>Evaluation plan — Fewer isolated seniors</h1>" in second.text


def test_check_passes_on_the_seed_forms(seed_app):
    assert seed_app.extensions["formkit"].registry.problems == []


@pytest.mark.parametrize("odd", [7, "text", [1, "x"], {"row": "x"}, None])
def test_seed_plugins_survive_answers_kept_from_older_shapes(seed_app, odd):
    """An answer stored by an earlier version of a question (a number where a matrix or a
    table is now, text where a list is) is shown as stored and left out of results: no
    seed plugin's score or summary may fail on it (it once made the summary a 500)."""
    from formkit.storage import Response
    from formkit.versions import fits, fitting_answers

    registry = seed_app.extensions["formkit"].registry
    for form_id in SEEDS:
        form = form_of(seed_app, form_id)
        answers = {spec.id: odd for spec in form.fields if spec.stores_value}
        response = Response(id=f"{form_id}-odd", form_id=form_id, form_version="0",
                            locale="en", status="submitted", answers=answers)
        with seed_app.test_request_context("/?lang=fr"):
            # plugins compute results from the answers that fit (what the core hands them)
            registry.hook.formkit_score(form=form, answers=fitting_answers(form, answers),
                                        locale="fr")
            assert fitting_answers(form, answers) == {
                k: v for k, v in answers.items() if fits(form.field(k), v)}
            summary = registry.hook.formkit_summarize(form=form, responses=[response])
            if summary is not None:
                registry.hook.formkit_summary_html(form=form, summary=summary)

"""The community cycle end to end in a real browser (issue 19, "Done when"), in French, on
a phone (390 × 844, touch), on both stores:

1. two members of a team rate the Wellbeing Guide, each for themself, and the team view
   shows where they see things differently;
2. the lead confirms the priorities;
3. the team builds its Workplan, which starts from them;
4. a month later (the server's clock moved by the test) a member updates an action, and
   the team space shows it overdue as of that day;
5. the team prints a progress report (PDF, checked with pypdf);
6. the lead starts the next cycle, the members rate again, and the Wellbeing shows the
   change since the first cycle;
7. a coordinator sees the team in /admin/teams and downloads the provincial report;
8. the lead lists the team, and a second team finds it by a shared priority.

The server is the real application over HTTP on loopback, served in this process (by
werkzeug's threaded server) so that the test can move its clock: a "month later" is a
change of the application's ``CLOCK``, not a wait. Chromium is Debian's."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from browsing import ARGS, CHROMIUM, answer, serious
from conftest import NOON, PASSWORD, ROOT, add_user, form_of, make_app, page_input
from formkit.clock import ManualClock
from formkit.testing import pdf_text

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2, "locale": "fr-CA"}

TEAM, LEAD, MEMBER = "equipe-riviere", "lea@example.ca", "ana@example.ca"
OTHER, OTHER_LEAD = "equipe-du-lac", "kim@example.ca"

#: each member's ratings of transportation (strength, importance, readiness) by cycle;
#: every other area keeps the sample ratings. Cycle 1: strength 1 and 3, two points
#: apart ("we see this differently"), mean 2 → priority (5 − 2) × 5 × 5 = 75, the top
#: one. Cycle 2: strength 3 and 4, mean 3.5: +1.5 since cycle 1.
TRANSPORT = {1: {"ana": (1, 5, 5), "lea": (3, 5, 5)}, 2: {"ana": (3, 5, 5), "lea": (4, 5, 5)}}


class Site:
    """The application, its clock, and a threaded HTTP server on a loopback port."""

    def __init__(self, tmp_path: Path, store_url: str):
        self.clock = ManualClock(NOON)  # Monday 30 November 2026, noon in Toronto
        self.app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(ROOT / "forms"),
                            PLUGINS_DIR=str(ROOT / "plugins"), ARGON2_PROFILE="CHEAPEST",
                            CLOCK=self.clock)
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(10)
        self.app.extensions["formkit"].store.close()

    def link(self, email: str, slug: str) -> str:
        """A one-time sign-in link's path, as the invitation email would carry it."""
        from formkit.teams import links

        with self.app.test_request_context("/"):
            team = self.app.extensions["formkit"].store.find_team(slug)
            return f"/signin/{links.issue(email, team)}?lang=fr"


@pytest.fixture
def site(tmp_path, store_url):
    """Two teams (the first with its lead and a member, the second with its lead and its
    confirmed priorities) and a coordinator of every form."""
    site = Site(tmp_path, store_url)
    app = site.app
    with app.test_request_context("/"):
        from formkit.storage import TeamResponse
        from formkit.teams import cycles, roster

        team, _lead = roster.create_team("Équipe Rivière", LEAD, "Léa", community="Cornwall",
                                         region="Est")
        roster.add_member(team, MEMBER, "Ana", "member")
        cycles.start(team, "2026–2027", LEAD)
        lake, _lead = roster.create_team("Équipe du Lac", OTHER_LEAD, "Kim",
                                         community="Kenora", region="Nord-Ouest")
        cycle = cycles.start(lake, "2026–2027", OTHER_LEAD)
        # The Lake team's lead confirmed transportation and housing (its own journey).
        app.extensions["formkit"].store.open_team_response(TeamResponse(
            response_id="", team_id=lake.id, cycle_id=cycle.id, form_id="priorities"),
            "1", "fr", {"priority_1": "transportation", "priority_2": "housing",
                        "reason": ""})
    add_user(app, "coord@example.ca", "coordinator", all_forms=True)
    yield site
    site.stop()


@pytest.fixture
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=ARGS)
        yield browser
        browser.close()


# -- what a person does on a page -----------------------------------------------------------

def page_index(page) -> int:
    """The index of the edit page shown (from the form's action: after a save the URL
    may be the one it was posted to)."""
    form = page.locator("#response-form")
    assert form.count() == 1, page.url + "\n" + page.locator("main").inner_text()[:1500]
    action = form.get_attribute("action")
    return int(re.search(r"/edit/(\d+)", action).group(1))


def edit_all_pages(page, base: str, path: str, pages: dict[int, dict]) -> None:
    """From the team space, open the form (its link in the cycle panel) and press Edit;
    answer each page from ``pages`` (by index) and go on page after page; save the last
    one."""
    page.goto(f"{base}/t/{TEAM}/")
    page.locator(f'.team-cycle a[href="{path}"]').click()
    page.wait_for_url(f"**{path}")
    page.locator(f'main a.button[href="{path}edit/0"]').click()
    page.wait_for_url(f"**{path}edit/0")
    while True:
        answer(page, pages.get(page_index(page), {}))
        following = page.locator('#response-form button[value="next"]')
        if following.count() == 0:
            page.locator('#response-form button[value="save"]').click()
            page.wait_for_url(f"**{path}")
            return
        before = page_index(page)
        following.click()
        page.wait_for_load_state()
        assert page_index(page) > before, page.url + page.locator("main").inner_text()[:1500]


def submit(page) -> None:
    """Press Submit on a response's page (it stays living afterwards)."""
    page.locator('form[action$="/submit"] button').click()
    page.wait_for_load_state()
    assert "/edit/" not in page.url, page.locator("main").inner_text()[:1500]


def phone(chromium, base: str, path: str):
    """A new phone, in French, opened at ``path`` (a sign-in link: press its button)."""
    context = chromium.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{base}{path}")
    if "/signin/" in path:
        page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/t/**")
    return page


def fits_the_phone(page) -> None:
    """Nothing makes the page scroll sideways on the phone."""
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 392 && !e.closest('.table-scroll'))
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' +
                         Math.round(e.getBoundingClientRect().right))""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, (page.url, wide)


def download(page, click) -> bytes:
    with page.expect_download() as info:
        click()
    return Path(info.value.path()).read_bytes()


# -- the steps --------------------------------------------------------------------------------

def rate_wellbeing(site, page, number: int, who: str) -> None:
    """A member rates the Wellbeing Guide of cycle ``number`` for themself and submits."""
    form = form_of(site.app, "wellbeing")
    strength, importance, readiness = TRANSPORT[number][who]
    pages = {index: page_input(section) for index, section in enumerate(form.sections)}
    pages[0].update({"q_team_name": "Équipe Rivière", "q_community": "Cornwall",
                     "q_contact_email": f"{who}@example.ca"})
    for index, section in enumerate(form.sections):
        for spec in section.fields:
            value = {"strength": strength, "importance": importance,
                     "readiness": readiness}.get(spec.id)
            if value is not None:
                pages[index][f"q_{spec.id}-r_transportation"] = str(value)
    path = f"/t/{TEAM}/c/{number}/wellbeing/"
    edit_all_pages(page, site.url, path, pages)
    fits_the_phone(page)
    submit(page)


def confirm_priorities(site, lea) -> None:
    """The lead keeps the team's top three, transportation first."""
    path = f"/t/{TEAM}/c/1/priorities/"
    lea.goto(f"{site.url}{path}")
    assert "Transport et déplacements" in lea.locator("main").inner_text()
    lea.goto(f"{site.url}{path}edit/0")
    assert lea.input_value('[name="q_priority_1"]') == "transportation"
    answer(lea, {"q_reason": "Les personnes âgées ne peuvent pas se rendre à la clinique."})
    lea.locator('#response-form button[value="save"]').click()
    lea.wait_for_url(f"**{path}")
    submit(lea)
    # the team's ranking beside the lead's choice: transportation first, mean strength
    # (1 + 3) / 2 = 2, importance 5, readiness 5: (5 − 2) × 5 × 5 = 75
    first = lea.locator("tr", has_text="Transport et déplacements").first.inner_text()
    assert first.split("\t") == ["1", "Transport et déplacements", "75", "Choisie"]


def row(table: int, action: str, start: str, due: str, cost: str) -> dict:
    """The first row of the actions of priority ``table``, not started yet."""
    cells = {"action": action, "lead": "Léa", "start": start, "due": due,
             "status": "not_started", "progress": "0", "cost": cost,
             "funding": "municipal"}
    return {f"q_actions_{table}-0-q_{name}": value for name, value in cells.items()}


def build_workplan(site, lea) -> None:
    """The lead writes the plan: it starts from the confirmed priorities; one action of
    the first priority, due on 20 December 2026."""
    path = f"/t/{TEAM}/c/1/workplan/"
    lea.goto(f"{site.url}{path}edit/0")
    assert lea.input_value('[name="q_priority_1"]') == "Transport et déplacements"
    action = row(1, "Navette vers la clinique", "2026-12-01", "2026-12-20", "1200")
    edit_all_pages(lea, site.url, path, {
        0: {"q_team_name": "Équipe Rivière", "q_community": "Cornwall"},
        1: {"q_outcome_1": "Plus personne ne manque un rendez-vous.", **action},
        2: {"q_outcome_2": "Des proches mieux entourés.",
            **row(2, "Cercle de deuil mensuel", "2027-03-01", "2027-06-30", "300")},
        3: {"q_outcome_3": "Une table pour chaque famille.",
            **row(3, "Jardin communautaire", "2027-04-01", "2027-09-30", "800")},
    })
    fits_the_phone(lea)
    submit(lea)


def update_an_action_a_month_later(site, chromium):
    """31 days later (the sessions have ended): Ana signs in again and updates the
    action; the team space shows it overdue as of 31 December."""
    site.clock.advance(days=31)
    ana = phone(chromium, site.url, site.link(MEMBER, TEAM))
    path = f"/t/{TEAM}/c/1/workplan/"
    ana.goto(f"{site.url}{path}edit/1")
    answer(ana, {"q_actions_1-0-q_status": "in_progress", "q_actions_1-0-q_progress": "50",
                 "q_actions_1-0-q_actual_cost": "400",
                 "q_actions_1-0-q_challenges": "Il manque de chauffeurs bénévoles."})
    ana.locator('#response-form button[value="save"]').click()
    ana.wait_for_url(f"**{path}")
    history = ana.locator("main").inner_text()
    assert "Ana" in history and "En cours" in history
    ana.goto(f"{site.url}/t/{TEAM}/")
    due = ana.locator("#workplan-due").inner_text()
    assert "En retard" in due and "Navette vers la clinique" in due
    fits_the_phone(ana)
    return ana


def print_progress_report(site, ana) -> None:
    ana.locator("#workplan-due a", has_text="Rapport d’étape").click()
    ana.wait_for_url("**/report*")
    ana.locator('input[name="doc_lang"][value="fr"]').check()
    body = download(ana, lambda: ana.get_by_role("button", name="Produire le PDF").click())
    text = pdf_text(body)
    assert "Navette vers la clinique" in text
    assert "Il manque de chauffeurs bénévoles." in text
    # spending by source: 1,200 + 300 + 800 estimated, all municipal; 400 spent
    assert "Financement municipal 2 300,00 $ 400,00 $" in text
    assert "1 action en retard le 31 décembre 2026." in text


def next_cycle_shows_change(site, lea, chromium) -> None:
    lea.goto(f"{site.url}/t/{TEAM}/")
    lea.fill("#cycle-label", "2027–2028")
    lea.locator("form.start-cycle button").click()
    lea.wait_for_load_state()
    assert "2027–2028" in lea.locator("main").inner_text()
    rate_wellbeing(site, lea, 2, "lea")
    ana = phone(chromium, site.url, site.link(MEMBER, TEAM))
    rate_wellbeing(site, ana, 2, "ana")
    ana.goto(f"{site.url}/t/{TEAM}/c/2/wellbeing/")
    shown = ana.locator("main").inner_text()
    assert "Changement depuis le cycle 2026–2027" in shown
    change = ana.locator("table", has_text="Force moyenne de chaque domaine, avant et "
                                          "maintenant")
    row = change.locator("tr", has_text="Transport et déplacements").inner_text()
    assert "+1,5" in row.replace("\u00a0", " ").replace("\u202f", " ")  # 2 → 3,5
    fits_the_phone(ana)


def coordinator_sees_the_team_and_the_province(site, chromium) -> None:
    coordinator = phone(chromium, site.url, "/admin/login?lang=fr")
    coordinator.fill("#email", "coord@example.ca")
    coordinator.fill("#password", PASSWORD)
    coordinator.locator("main form button[type=submit]").click()
    coordinator.wait_for_url("**/admin/**")
    coordinator.goto(f"{site.url}/admin/teams")
    row = coordinator.locator("tr", has_text="Équipe Rivière").inner_text()
    assert "2027–2028" in row
    fits_the_phone(coordinator)
    coordinator.get_by_role("link", name="Chiffres de toutes les équipes").click()
    coordinator.wait_for_url("**/admin/teams/figures*")
    # the first cycle of every team (both have one), the team beside the province
    options = coordinator.locator("#figures-cycle option").all_inner_texts()
    coordinator.select_option("#figures-cycle",
                              label=next(o for o in options if "2026–2027" in o))
    coordinator.select_option("#figures-team", value=TEAM)
    coordinator.get_by_role("button", name="Afficher").click()
    coordinator.wait_for_url("**team=equipe-riviere**")
    fits_the_phone(coordinator)
    body = download(coordinator, lambda: coordinator.get_by_role(
        "button", name="Télécharger le rapport provincial (PDF)").click())
    text = pdf_text(body)
    assert "Transport et déplacements" in text, text
    assert "Financement municipal 2 300,00 $ 400,00 $" in text, text


def a_second_team_finds_the_first(site, lea, chromium) -> None:
    lea.goto(f"{site.url}/t/{TEAM}/")
    lea.get_by_label("Inscrire notre équipe pour que d’autres équipes nous trouvent").check()
    lea.locator("form.peers-listing button").click()
    lea.wait_for_url(f"**/t/{TEAM}/")
    assert "Les autres équipes peuvent maintenant trouver votre équipe." in \
        lea.locator("main").inner_text()
    assert not serious(lea)  # the team space with its Finding peers panel
    kim = phone(chromium, site.url, site.link(OTHER_LEAD, OTHER))
    kim.get_by_role("link", name="Trouver des équipes comme la nôtre").click()
    kim.select_option("#area", label="Transport et déplacements")
    kim.get_by_role("button", name="Filtrer").click()
    kim.wait_for_url("**area=transportation**")
    found = kim.locator("ul.peers > li")
    assert found.count() == 1
    entry = found.first.inner_text()
    assert "Équipe Rivière" in entry and "Cornwall · Est" in entry
    assert "1 domaine en commun avec nous" in entry
    assert "lea@example.ca" not in kim.content()
    fits_the_phone(kim)
    assert not serious(kim)


def test_a_team_s_year_in_french_on_a_phone(site, chromium):
    ana = phone(chromium, site.url, site.link(MEMBER, TEAM))
    lea = phone(chromium, site.url, site.link(LEAD, TEAM))
    # 1. two members rate the Wellbeing Guide; the team view shows their disagreement
    rate_wellbeing(site, ana, 1, "ana")
    rate_wellbeing(site, lea, 1, "lea")
    lea.goto(f"{site.url}/t/{TEAM}/c/1/wellbeing/")
    team_view = lea.locator("main").inner_text()
    assert "Nous ne voyons pas les choses de la même façon" in team_view
    # 2. the lead confirms the priorities; 3. the team builds its Workplan
    confirm_priorities(site, lea)
    build_workplan(site, lea)
    # 4. a month later, a member updates an action; 5. the progress report
    ana = update_an_action_a_month_later(site, chromium)
    print_progress_report(site, ana)
    # 6. the next cycle shows change (the lead signs in again: a month has passed)
    lea = phone(chromium, site.url, site.link(LEAD, TEAM))
    next_cycle_shows_change(site, lea, chromium)
    # 7. the provincial team; 8. finding peers
    coordinator_sees_the_team_and_the_province(site, chromium)
    a_second_team_finds_the_first(site, lea, chromium)

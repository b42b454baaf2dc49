"""The Wellbeing Guide's team view and the confirmed priorities in a real browser
(headless Chromium, the real server) on a 320 px phone, in both languages: they pass
axe, never scroll sideways, and the lead confirms other priorities with a reason."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright
from test_cycle_wellbeing import ANA, BEN, rate

from browsing import ARGS, CHROMIUM, serious, sideways
from conftest import ROOT, LiveServer, make_app, member_client


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = LiveServer(tmp_path_factory.mktemp("voices") / "live-instance", workers=2)
    yield live
    live.stop()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_team_view_and_the_priorities_on_a_phone(server, tmp_path, lang):
    from formkit.teams import cycles, links, roster

    app = make_app(tmp_path, INSTANCE_PATH=str(server.instance), FORMS_DIR=str(ROOT / "forms"),
                   PLUGINS_DIR=str(ROOT / "plugins"), ARGON2_PROFILE="CHEAPEST")
    slug = f"phone-team-{lang}"
    with app.test_request_context("/"):
        team, _lead = roster.create_team(f"Phone Team {lang}", f"lead-{lang}@example.ca",
                                         "Pat", community="Timmins", region="North East")
        for name in ("ana", "ben"):
            roster.add_member(team, f"{name}-{lang}@example.ca", name.title())
        cycles.start(team, "2026–2027", f"lead-{lang}@example.ca")
        token = links.issue(f"lead-{lang}@example.ca", team)
    for name, values in (("ana", ANA), ("ben", BEN)):
        rate(member_client(app, f"{name}-{lang}@example.ca"), values, slug=slug)
    app.extensions["formkit"].store.close()
    base = f"{server.url}/t/{slug}/c/1"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=ARGS)
        try:
            page = browser.new_context(viewport={"width": 320, "height": 640}).new_page()
            page.goto(f"{server.url}/signin/{token}?lang={lang}")
            page.locator("main form button[type=submit]").click()
            page.wait_for_load_state()
            problems = []
            for url in (f"{base}/wellbeing/?lang={lang}", f"{base}/priorities/edit/0"):
                page.goto(url)
                assert page.locator("html").get_attribute("lang") == lang, url
                problems += [f"{url}: {p}" for p in serious(page)]
                overflow = sideways(page)
                if overflow > 0:
                    problems.append(f"{url} scrolls sideways by {overflow}px at 320px")
            assert not problems, "\n".join(problems)
            # the lead keeps transportation and housing, puts inclusion third: a reason
            page.select_option('[name="q_priority_3"]', "inclusion")
            page.locator('button[value="save"]').click()
            page.wait_for_load_state()
            summary = page.locator("#error-summary").inner_text()
            assert ("say why the team chose them" if lang == "en"
                    else "dites pourquoi l’équipe les a choisis") in summary
            assert page.locator('[name="q_priority_3"]').input_value() == "inclusion"
            page.fill('[name="q_reason"]', "La banque alimentaire suffit." if lang == "fr"
                      else "The food bank covers it.")
            page.locator('button[value="save"]').click()
            page.wait_for_url(f"{base}/priorities/")
            shown = page.locator("main").inner_text()
            assert ("Inclusion and belonging for everyone" if lang == "en"
                    else "Inclusion et appartenance pour toutes et tous") in shown
        finally:
            browser.close()

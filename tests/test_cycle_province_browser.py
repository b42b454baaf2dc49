"""The provincial team's pages in a real browser (headless Chromium, the real server):
/admin/teams with the Workplan's column and the figures across teams, on a phone, in
both languages, free of serious accessibility violations and of sideways scrolling."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import sync_playwright

from browsing import ARGS, CHROMIUM, serious, sideways
from conftest import ROOT, add_user, make_app


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_provincial_pages_pass_axe_and_fit_a_phone(live_server, tmp_path, lang):
    from formkit.state import current_store
    from formkit.storage import Revision
    from formkit.teams import cycles, roster

    server = live_server()
    app = make_app(tmp_path, INSTANCE_PATH=str(server.instance), FORMS_DIR=str(ROOT / "forms"),
                   PLUGINS_DIR=str(ROOT / "plugins"), ARGON2_PROFILE="CHEAPEST")
    workplan = app.extensions["formkit"].registry.get_form("workplan")
    with app.test_request_context("/"):
        for name, region in (("Lakeshore Community Wellbeing Team", "North West"),
                             ("Bay", "East")):
            team, _lead = roster.create_team(name, f"lead@{name[:4].lower()}.ca", "Lee",
                                             community=name, region=region)
            cycle = cycles.start(team, "2026–2027", None)
            slot, _response = cycles.open_response(team, cycle, workplan, None)
            current_store().save_revision(
                Revision(response_id=slot.response_id, number=0, at="2026-11-01T00:00:00Z",
                         author="t", author_name="T"), 0,
                {"priority_1": "Transportation", "actions_1": [
                    {"action": "Rides", "cost": 12000, "actual_cost": 9000.5,
                     "funding": "foundation", "status": "in_progress", "due": "2026-01-01"}]})
    add_user(app, f"admin-{lang}@example.ca", password="a long enough secret")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=ARGS)
        page = browser.new_context(viewport={"width": 375, "height": 812}).new_page()
        page.goto(f"{server.url}/admin/login?lang={lang}")
        page.fill("#email", f"admin-{lang}@example.ca")
        page.fill("#password", "a long enough secret")
        page.locator("form button[type=submit]").last.click()
        page.wait_for_url(re.compile(r"/admin/$"))
        problems = []
        for url in ("/admin/teams", "/admin/teams?sort=overdue",
                    "/admin/teams/figures",
                    "/admin/teams/figures?cycle=1&region=North+West&team=bay",
                    "/admin/teams/figures?cycle=9"):
            page.goto(f"{server.url}{url}")
            assert page.locator("html").get_attribute("lang") == lang, url
            problems += [f"{url}: {p}" for p in serious(page)]
            overflow = sideways(page)
            if overflow > 0:
                problems.append(f"{url} scrolls sideways by {overflow}px at 375px")
        # the report downloads from the page's own button
        page.goto(f"{server.url}/admin/teams/figures?cycle=1")
        assert page.locator("svg.chart").count() >= 3  # the Workplan's charts were scanned
        assert page.locator("table.figures-table").count() >= 2
        with page.expect_download() as download:
            page.locator("form[action$='report.pdf'] button").click()
        assert download.value.suggested_filename == f"provincial-report-1-{lang}.pdf"
        browser.close()
    assert not problems, "\n".join(problems)

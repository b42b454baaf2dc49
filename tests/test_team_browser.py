"""Two members editing the same team response at once, in two real browsers (headless
Chromium) against the real server, on both stores: the second save is shown the first
one's changes and keeps its typed text, and both then see each other's changes in the
history."""

from __future__ import annotations

from playwright.sync_api import sync_playwright

from browsing import ARGS, CHROMIUM
from conftest import ROOT
from formkit.app import create_app


def prepare(instance, store_url: str) -> tuple[str, str]:
    """The team, its two people and a cycle, written through the same store the server
    uses; the two one-time sign-in tokens."""
    app = create_app({"INSTANCE_PATH": str(instance), "STORE": store_url,
                      "FORMS_DIR": str(ROOT / "forms"), "PLUGINS_DIR": str(ROOT / "plugins"),
                      "SECRET_KEY": "live-test"}, environment=False)
    try:
        with app.test_request_context("/"):
            from formkit.teams import cycles, links, roster

            team, _lead = roster.create_team("River Team", "lee@example.ca", "Lee")
            roster.add_member(team, "ana@example.ca", "Ana", "member")
            cycles.start(team, "2026–2027", "lee@example.ca")
            return links.issue("lee@example.ca", team), links.issue("ana@example.ca", team)
    finally:
        app.extensions["formkit"].store.close()


def test_two_members_edit_one_response_at_once(live_server, tmp_path, store_url):
    instance = tmp_path / "live-instance"
    lee_token, ana_token = prepare(instance, store_url)
    server = live_server(FORMKIT_STORE=store_url)
    edit = f"{server.url}/t/river-team/c/1/workplan/edit/0"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=ARGS)
        try:
            lee, ana = browser.new_page(), browser.new_page()
            for page, token in ((lee, lee_token), (ana, ana_token)):
                page.goto(f"{server.url}/signin/{token}")
                page.locator("main form button[type=submit]").click()
                page.wait_for_url("**/t/river-team/")
            # both open the first page of the Workplan
            lee.goto(edit)
            ana.goto(edit)
            lee.fill('[name="q_team_name"]', "River")
            lee.fill('[name="q_priority_1"]', "Loneliness")
            ana.fill('[name="q_team_name"]', "Ana's river team")
            ana.fill('[name="q_priority_1"]', "Isolation")
            lee.locator('button[value="save"]').click()
            lee.wait_for_url("**/c/1/workplan/")
            ana.locator('button[value="save"]').click()  # stale: Lee saved first
            conflict = ana.locator("#error-summary").inner_text()
            assert "Someone saved this response while you were editing it" in conflict
            assert "Lee: Team name: — → River" in conflict
            assert ana.input_value('[name="q_team_name"]') == "Ana's river team"
            assert ana.input_value('[name="q_priority_1"]') == "Isolation"
            ana.locator('button[value="save"]').click()  # now from Lee's revision
            ana.wait_for_url("**/c/1/workplan/")
            for page in (lee, ana):
                page.goto(f"{server.url}/t/river-team/c/1/workplan/")
                history = page.locator("section.history").inner_text()
                assert "Team name: River → Ana's river team" in history
                assert "Team name: — → River" in history
                assert "Ana" in history and "Lee" in history
        finally:
            browser.close()


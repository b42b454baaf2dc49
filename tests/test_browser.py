"""Real browsers: headless Chromium (Debian's) driven by Playwright, against the real
server on loopback. Accessibility is scanned with axe-core (shipped by
axe-playwright-python); screenshots land in ``test-artifacts/``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from browsing import ARGS, CHROMIUM, answer, serious, sideways
from conftest import ROOT, form_of, make_app, page_input

ARTIFACTS = ROOT / "test-artifacts"
SEEDS = ("membership", "wellbeing", "workplan", "evaluation", "competency")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from conftest import LiveServer

    instance = tmp_path_factory.mktemp("browser") / "live-instance"
    live = LiveServer(instance, workers=2)
    yield live
    live.stop()


@pytest.fixture(scope="module")
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def forms(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("schemas"), FORMS_DIR=str(ROOT / "forms"),
                   PLUGINS_DIR=str(ROOT / "plugins"))
    return {form_id: form_of(app, form_id) for form_id in SEEDS}


def fill_page(page, section) -> None:
    """Answer a page in the browser the way a person would, from the sample input."""
    answer(page, page_input(section))


def walk(page, base: str, form_id: str, form, lang: str, visit) -> None:
    """Fill every page of a form, calling ``visit(page, index)`` on each, then submit."""
    page.goto(f"{base}/f/{form_id}/?lang={lang}")
    while "/done/" not in page.url:
        index = int(re.search(r"/page/(\d+)", page.locator("form#response-form")
                              .get_attribute("action")).group(1))
        visit(page, None if page.url.endswith("/check") else index)  # None: check page
        fill_page(page, form.sections[index])
        page.locator("form#response-form .actions button.button").first.click()
        page.wait_for_load_state()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_page_passes_axe_and_fits_a_phone(chromium, server, forms, lang):
    context = chromium.new_context(viewport={"width": 375, "height": 812})
    page = context.new_page()
    problems = []
    ARTIFACTS.mkdir(exist_ok=True)
    for url in ("/", "/resume", "/membership/directory", "/membership/directory/update",
                "/membership/directory/update/x", "/workplan/from-wellbeing",
                "/admin/login"):
        page.goto(f"{server.url}{url}?lang={lang}")
        problems += [f"{url}: {p}" for p in serious(page)]
    # the directory's map on a 320 px phone: no sideways scrolling; a tap on a region
    # filters the list by that region (no JavaScript involved: the region is a link)
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(f"{server.url}/membership/directory?lang={lang}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    east = page.locator('.region-map__links a[data-region="east"] path')
    east.scroll_into_view_if_needed()
    box = east.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url("**region=east**")
    page.set_viewport_size({"width": 375, "height": 812})

    def check(page, index):
        step = "check" if index is None else index + 1
        name = f"{page.url.split('/f/')[1].split('/')[0]}-{step}-{lang}"
        assert page.locator("html").get_attribute("lang") == lang
        problems.extend(f"{name}: {p}" for p in serious(page))
        ungrouped = page.evaluate("""() => [...document.querySelectorAll(
            'input[type=radio], input[type=checkbox]')].filter(i => !i.closest('table')
            && !(i.closest('fieldset') && i.closest('fieldset').querySelector('legend')
                 .textContent.trim())).map(i => i.name)""")
        assert not ungrouped, f"{name}: choices outside a fieldset with a legend: {ungrouped}"
        overflow = sideways(page)
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 375px"
        page.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"), full_page=True)

    for form_id in SEEDS:
        walk(page, server.url, form_id, forms[form_id], lang, check)
        problems += [f"{form_id} result: {p}" for p in serious(page)]
    context.close()
    assert not problems, "\n".join(problems)


def test_language_switch_keeps_typed_answers_and_show_if_is_live(chromium, server):
    page = chromium.new_page()
    page.goto(f"{server.url}/f/membership/?lang=en")
    page.fill("#q_name", "Zoë Tremblay")
    page.fill("#q_community", "Kingston")
    page.get_by_role("button", name="Français").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.input_value("#q_name") == "Zoë Tremblay"
    assert page.input_value("#q_community") == "Kingston"
    page.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_conditional_question_with_and_without_javascript(chromium, server, forms, javascript):
    context = chromium.new_context(java_script_enabled=javascript)
    page = context.new_page()
    seen = {}

    def visit(page, index):
        if index == 3:  # consent page: the directory text depends on an answer here
            description = page.locator("#field-directory_description")
            if javascript:
                page.check('[name="q_consent_directory"][value="no"]')
                seen["hidden_on_no"] = description.is_hidden()
                page.check('[name="q_consent_directory"][value="yes"]')
                seen["shown_on_yes"] = description.is_visible()
            else:
                seen["shown_without_script"] = description.is_visible()

    walk(page, context_base(server), "membership", forms["membership"], "en", visit)
    assert "submitted" in page.content()
    if javascript:
        assert seen == {"hidden_on_no": True, "shown_on_yes": True}
    else:
        assert seen == {"shown_without_script": True}
    context.close()


def context_base(server) -> str:
    return server.url


def test_table_rows_added_and_removed_without_javascript(chromium, server, forms):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{server.url}/f/workplan/")
    fill_page(page, forms["workplan"].sections[0])
    page.locator("form#response-form .actions button.button").first.click()
    page.fill('[name="q_actions_1-0-q_action"]', "First action")
    page.get_by_role("button", name="Add a row").click()
    page.fill('[name="q_actions_1-1-q_action"]', "Second action")
    page.get_by_role("button", name="Remove row 1").click()
    assert page.input_value('[name="q_actions_1-0-q_action"]') == "Second action"
    assert page.locator('[name="q_actions_1-1-q_action"]').count() == 0
    context.close()


def test_keyboard_enter_goes_forward_and_errors_take_focus(chromium, server):
    page = chromium.new_page()
    page.goto(f"{server.url}/f/membership/?lang=fr")
    page.focus("#q_name")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator("#error-summary")
    assert summary.is_visible() and "Veuillez corriger" in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    page.close()


FOCUSED = """() => {
  const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
  return {name: e.name || "", type: (e.type || e.tagName).toLowerCase(), value: e.value,
          checked: !!e.checked, action: e.value && e.tagName === "BUTTON" ? e.value : "",
          label: (e.id || e.name || e.className || e.tagName) + "",
          outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2,
          onScreen: r.width > 0 && r.height > 0 && r.right > 0 && r.left < innerWidth};
}"""


def answer_by_keyboard(page, answers: dict) -> list[str]:
    """Tab through a page answering ``answers`` with keys only, then press Enter on the
    forward button. Returns every focus stop that had no visible focus indicator."""
    pending = {name: v if isinstance(v, list) else [v] for name, v in answers.items()}
    unseen = []
    for _ in range(400):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUSED)
        if not (focus["outline"] and focus["onScreen"]):
            unseen.append(focus["label"])
        name, kind = focus["name"], focus["type"]
        if focus["action"] in ("next", "submit", "confirm"):
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return unseen
        if name not in pending:
            continue
        wanted = pending[name]
        if kind == "checkbox":
            if (focus["value"] in wanted) != focus["checked"]:
                page.keyboard.press("Space")
            continue
        if kind == "radio":
            page.keyboard.press("Space")
            for _ in range(20):  # arrows move and check within the group
                if page.evaluate("document.activeElement.value") == wanted[0]:
                    break
                page.keyboard.press("ArrowDown")
        elif kind.startswith("select"):
            for _ in range(60):
                if page.evaluate("document.activeElement.value") == wanted[0]:
                    break
                page.keyboard.press("ArrowDown")
        else:
            page.keyboard.type(wanted[0])
        assert page.evaluate("document.activeElement.value") == wanted[0], name
        del pending[name]
    raise AssertionError("the forward button was never reached by Tab")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_whole_form_by_keyboard_alone_with_visible_focus(chromium, server, forms, lang):
    page = chromium.new_page()
    page.goto(f"{server.url}/f/membership/?lang={lang}")
    form, unseen = forms["membership"], []
    while "/done/" not in page.url:
        assert page.locator("#error-summary").count() == 0, page.locator(
            "#error-summary").inner_text()
        index = int(re.search(r"/page/(\d+)", page.locator("form#response-form")
                              .get_attribute("action")).group(1))
        unseen += answer_by_keyboard(page, page_input(form.sections[index]))
    assert not unseen, f"focus not visible on: {unseen}"
    expected = "Thank you" if lang == "en" else "Merci"
    assert expected in page.locator("main").inner_text()
    page.close()


def test_errors_are_announced_and_lead_to_their_field(chromium, server):
    page = chromium.new_page()
    page.goto(f"{server.url}/f/membership/?lang=fr")
    page.fill("#q_email", "pas une adresse")
    with page.expect_navigation():
        page.locator("form#response-form .actions button.button").first.click()
    assert page.title().startswith("Erreur")
    summary = page.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    links = summary.locator("a")
    assert links.count() >= 2  # the missing name and the wrong email at least
    for i in range(links.count()):
        target = links.nth(i).get_attribute("href")  # the input itself (a group's first)
        control = page.locator(target)
        if control.get_attribute("type") in ("radio", "checkbox"):
            control = control.locator("xpath=ancestor::fieldset[1]")
        assert control.get_attribute("aria-invalid") in ("true", None)
        message_id = control.get_attribute("aria-describedby").split()[-1]
        message = page.locator(f"#{message_id}").inner_text()
        said, text = message.split(":", 1)  # "Erreur : …" read out before the message
        assert said.strip() == "Erreur"
        assert text.strip() in links.nth(i).inner_text()
    # Following a link by keyboard puts the focus in that field.
    email_link = summary.locator('a[href="#q_email"]')
    email_link.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "q_email"
    assert page.input_value("#q_email") == "pas une adresse"
    page.close()


def test_coordinator_finds_a_response_and_downloads_pdf_and_csv(chromium, server, forms,
                                                                tmp_path):
    from conftest import add_user

    app = make_app(tmp_path, INSTANCE_PATH=str(server.instance), FORMS_DIR=str(ROOT / "forms"),
                   PLUGINS_DIR=str(ROOT / "plugins"), ARGON2_PROFILE="CHEAPEST")
    add_user(app, "coord@example.ca", password="a long enough secret")
    context = chromium.new_context(accept_downloads=True)
    page = context.new_page()
    walk(page, server.url, "wellbeing", forms["wellbeing"], "fr", lambda p, i: None)
    page.goto(f"{server.url}/admin/login?lang=en")
    page.fill("#email", "coord@example.ca")
    page.fill("#password", "a long enough secret")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    page.get_by_role("link", name=re.compile("Wellbeing Guide")).first.click()
    page.locator("table.responses tbody a").first.click()
    with page.expect_download() as pdf:
        page.locator('a[href*="/pdf?doc_lang=fr"]').click()
    assert Path(pdf.value.path()).read_bytes()[:5] == b"%PDF-"
    page.goto(f"{server.url}/admin/forms/wellbeing/")
    with page.expect_download() as csv:
        page.locator('a[href*="export.csv"]').first.click()
    assert Path(csv.value.path()).read_text(encoding="utf-8-sig").startswith("Reference,")
    # A laptop's width: the workspace uses it, and the response list needs no sideways
    # scrolling.
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{server.url}/admin/forms/workplan/")
    assert page.evaluate("document.querySelector('main').clientWidth") > 1200
    walk(page, server.url, "workplan", forms["workplan"], "fr", lambda p, i: None)
    page.goto(f"{server.url}/admin/forms/workplan/")
    scroll = page.evaluate("""() => { const box = document.querySelector('.table-scroll');
        return [box.scrollWidth, box.clientWidth]; }""")
    assert scroll[0] <= scroll[1], scroll
    context.close()


def test_save_close_and_resume_by_code_in_the_other_language(chromium, server, forms):
    first = chromium.new_context()
    page = first.new_page()
    page.goto(f"{server.url}/f/membership/?lang=en")
    fill_page(page, forms["membership"].sections[0])
    page.fill("#q_name", "Zoë Tremblay")
    page.get_by_role("button", name="Save and continue later").click()
    code = page.locator(".resume-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){3}", code)
    first.close()  # the browser is closed: the session is gone
    second = chromium.new_context()
    page = second.new_page()
    page.goto(f"{server.url}/resume?lang=fr")
    page.fill("#code", code.lower().replace("-", " "))
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_url(re.compile(r"/f/membership/page/0"))
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.input_value("#q_name") == "Zoë Tremblay"
    second.close()


def test_desktop_screenshots_of_every_form(chromium, server, forms):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)

    def shot(page, index):
        name = page.url.split("/f/")[1].split("/")[0]
        step = "check" if index is None else index + 1
        page.screenshot(path=str(ARTIFACTS / f"{name}-{step}-desktop.png"), full_page=True)

    for form_id in SEEDS:
        walk(page, server.url, form_id, forms[form_id], "en", shot)
    context.close()
    assert len(list(ARTIFACTS.glob("*-desktop.png"))) >= 20


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_coordinator_page_passes_axe_and_fits_a_phone(chromium, server, forms, tmp_path,
                                                             lang):
    """The workspace too: every page an administrator opens, in both languages, on a
    phone, free of serious accessibility violations and of sideways scrolling."""
    from conftest import add_user

    app = make_app(tmp_path, INSTANCE_PATH=str(server.instance), FORMS_DIR=str(ROOT / "forms"),
                   PLUGINS_DIR=str(ROOT / "plugins"), ARGON2_PROFILE="CHEAPEST")
    email = f"admin-{lang}@example.ca"
    add_user(app, email, password="a long enough secret")
    context = chromium.new_context(viewport={"width": 375, "height": 812})
    page = context.new_page()
    walk(page, server.url, "membership", forms["membership"], lang, lambda p, i: None)
    page.goto(f"{server.url}/admin/login?lang={lang}")
    page.fill("#email", email)
    page.fill("#password", "a long enough secret")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/admin/$"))
    page.goto(f"{server.url}/admin/forms/membership/")
    response_url = page.locator("table.responses tbody a").first.get_attribute("href")
    problems = []
    for url in ("/admin/", "/admin/forms/membership/", response_url,
                "/admin/forms/membership/summary", "/admin/forms/membership/invitations",
                "/admin/account", "/admin/users", "/admin/audit", "/admin/outbox",
                "/admin/people?email=person@example.ca"):
        page.goto(f"{server.url}{url}")
        assert page.locator("html").get_attribute("lang") == lang, url
        problems += [f"{url}: {p}" for p in serious(page)]
        overflow = sideways(page)
        if overflow > 0:
            problems.append(f"{url} scrolls sideways by {overflow}px at 375px")
    context.close()
    assert not problems, "\n".join(problems)


def test_a_lead_signs_in_by_link_and_invites_a_member_without_javascript(chromium, server,
                                                                         tmp_path):
    """The team walk-through of the README, in a browser with JavaScript off: the link's
    page asks for one button, the lead lands in the team space and invites a member."""
    from formkit.teams import links, roster

    app = make_app(tmp_path, INSTANCE_PATH=str(server.instance), FORMS_DIR=str(ROOT / "forms"),
                   PLUGINS_DIR=str(ROOT / "plugins"), BASE_URL=server.url)
    with app.test_request_context("/"):
        team, _lead = roster.create_team("Browser Team", "lee@example.ca", "Lee")
        link = links.url(links.issue("lee@example.ca", team))
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(link)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/t/browser-team/$"))
    assert "Lee signed in." in page.locator("main").inner_text()
    page.get_by_role("link", name="Invite or remove members").click()
    page.fill("#name", "Ana")
    page.fill("#email", "ana@example.ca")
    page.get_by_role("button", name="Invite", exact=True).click()
    page.wait_for_url(re.compile(r"/t/browser-team/members$"))
    assert "Ana is invited" in page.locator("main").inner_text()
    context.close()
    # the same pages pass axe (which needs JavaScript)
    with app.test_request_context("/"):
        link = links.url(links.issue("lee@example.ca", team), "fr")
    context = chromium.new_context()
    page = context.new_page()
    page.goto(link)
    assert serious(page) == []
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/t/browser-team/$"))
    assert serious(page) == []
    page.goto(f"{server.url}/t/browser-team/members")
    assert serious(page) == []
    context.close()
    app.extensions["formkit"].store.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_stories_pages_pass_axe_and_fit_320px(chromium, server, tmp_path, lang):
    """The public stories page (with a published story whose text is long and unbroken)
    and a team's story pages, on a 320 px phone, without sideways scrolling."""
    from formkit.teams import links, roster

    app = make_app(tmp_path, INSTANCE_PATH=str(server.instance), FORMS_DIR=str(ROOT / "forms"),
                   PLUGINS_DIR=str(ROOT / "plugins"), ARGON2_PROFILE="CHEAPEST")
    store = app.extensions["formkit"].store
    with app.test_request_context("/"):
        team, _lead = roster.create_team(f"Phone Team {lang}", f"phone-{lang}@example.ca",
                                         "Pat", community="Thunder Bay", region="North West")
        token = links.issue(f"phone-{lang}@example.ca", team)
    story = store.create_draft("story", "1", lang, f"story:{team.id}:phone", answers={
        "title": "A" * 90, "what_happened": "x" * 400, "who_involved": "Library",
        "what_changed": "More rides", "areas": ["transportation", "housing"],
        "photo_credit": "Photo: " + "y" * 150, "consent_publish": True})
    story, _new = store.submit(story)
    store.update(story.id, review_status="published")
    context = chromium.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(f"{server.url}/signin/{token}?lang={lang}")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    problems = []
    for url in (f"/stories?lang={lang}", f"/stories?region=North+West&area=housing&lang={lang}",
                f"/t/{team.slug}/?lang={lang}", f"/t/{team.slug}/stories/new?lang={lang}",
                f"/t/{team.slug}/stories/{story.id}?lang={lang}"):
        page.goto(f"{server.url}{url}")
        assert page.locator("html").get_attribute("lang") == lang, url
        problems += [f"{url}: {p}" for p in serious(page)]
        overflow = sideways(page)
        if overflow > 0:
            problems.append(f"{url} scrolls sideways by {overflow}px at 320px")
    assert "A" * 90 in page.content()  # the team's own story page was reached
    context.close()
    assert not problems, "\n".join(problems)


# -- the accessibility tree: what a screen reader is told ---------------------------------
def forward(page) -> None:
    with page.expect_navigation():
        page.locator("form#response-form .actions button.button").first.click()


MATRIX_WORDS = {
    "en": ("Transportation and getting around", "1 – Very weak",
           ": choose a rating for “Current strength of each area”."),
    "fr": ("Transport et déplacements", "1 – Très faible",
           "\u00a0: choisissez une note pour «\u00a0Force actuelle de chaque domaine\u00a0»."),
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_matrix_names_each_empty_row_and_leads_to_it(chromium, server, forms, lang):
    row, point, what = MATRIX_WORDS[lang]
    page = chromium.new_page()
    page.goto(f"{server.url}/f/wellbeing/?lang={lang}")
    # Nothing is exposed as invalid before the person has done anything.
    assert page.evaluate("document.querySelectorAll(':invalid, [aria-invalid=true]').length") == 0
    assert page.locator("[required]").count() == 0
    fill_page(page, forms["wellbeing"].sections[0])
    forward(page)
    assert page.evaluate("document.querySelectorAll(':invalid, [aria-invalid=true]').length") == 0
    answers = page_input(forms["wellbeing"].sections[1])
    answers.pop("q_strength-r_transportation")
    for name, value in answers.items():
        page.locator(f'[name="{name}"][value="{value}"]').check()
    forward(page)
    links = page.locator("#error-summary a")
    assert links.count() == 1  # one row missing: that row, named once
    assert links.first.inner_text() == f"{row}{what}"
    links.first.click()
    radio = page.locator(":focus")
    assert radio.get_attribute("id") == "q_strength-r_transportation-0"
    expect(radio).to_have_accessible_name(f"{row} {point}")  # no error text in the name
    expect(radio).to_have_accessible_description(re.compile(re.escape(what)))
    assert radio.get_attribute("aria-invalid") == "true"
    answered = page.locator("#q_strength-r_housing-0")
    assert answered.get_attribute("aria-invalid") is None
    expect(answered).to_have_accessible_description("")
    # The fieldset's description is not every row's error again.
    expect(page.get_by_role("group", name=re.compile("^" + ("Current" if lang == "en"
                                                              else "Force"))).first
           ).to_have_accessible_description("")
    assert page.get_by_role("table", name=re.compile("Current|Force")).count() == 1
    page.close()


TABLE_WORDS = {
    "en": ("Actions, row 2, Progress", "Progress – row 2", "Row 2 added to “Actions”."),
    "fr": ("Actions, ligne 2, Avancement", "Avancement – ligne 2",
           "Ligne 2 ajoutée à «\u00a0Actions\u00a0»."),
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_table_cell_error_named_by_row_and_column_and_add_row_focus(chromium, server, forms,
                                                                    lang):
    where, cell_name, added = TABLE_WORDS[lang]
    page = chromium.new_page(viewport={"width": 375, "height": 800})
    page.goto(f"{server.url}/f/workplan/?lang={lang}")
    fill_page(page, forms["workplan"].sections[0])
    forward(page)
    page.fill("#q_outcome_1", "Fewer people alone")
    page.fill("#q_actions_1-0-q_action", "Visit neighbours")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Add a row|Ajouter une ligne")).click()
    # Focus is in the new row's first input, and the change is announced.
    assert page.evaluate("document.activeElement.id") == "q_actions_1-1-q_action"
    expect(page.locator('[role="status"]').last).to_have_text(added)
    page.fill("#q_actions_1-1-q_action", "Call the town")
    page.fill("#q_actions_1-1-q_progress", "150")
    # On a phone, the cell still shows its unit.
    assert page.locator("#q_actions_1-1-q_progress + .unit").is_visible()
    forward(page)
    links = page.locator("#error-summary a")
    assert links.count() == 1
    assert links.first.inner_text().startswith(where)
    links.first.click()
    cell = page.locator(":focus")
    assert cell.get_attribute("id") == "q_actions_1-1-q_progress"
    expect(cell).to_have_accessible_name(cell_name)
    expect(cell).to_have_accessible_description(re.compile("100"))
    assert cell.get_attribute("aria-invalid") == "true"
    assert page.locator("#q_actions_1-0-q_progress").get_attribute("aria-invalid") is None
    expect(page.get_by_role("region", name="Actions")).to_be_visible()
    page.close()


def test_workplan_table_page_never_scrolls_sideways(chromium, server, forms):
    page = chromium.new_page(viewport={"width": 320, "height": 800})
    page.goto(f"{server.url}/f/workplan/")
    fill_page(page, forms["workplan"].sections[0])
    forward(page)
    for width in (320, 375, 768, 1024, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        overflow = sideways(page)
        assert overflow <= 0, f"scrolls sideways by {overflow}px at {width}px"
    page.close()


def test_add_row_without_javascript_returns_to_the_new_row(chromium, server, forms):
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{server.url}/f/workplan/")
    fill_page(page, forms["workplan"].sections[0])
    forward(page)
    page.fill("#q_actions_1-0-q_action", "First action")
    page.get_by_role("button", name="Add a row").click()
    assert page.url.endswith("#q_actions_1-1-q_action")
    assert page.evaluate("document.activeElement.id") == "q_actions_1-1-q_action"
    page.get_by_role("button", name="Remove row 2").click()
    assert page.url.endswith("#q_actions_1-0-q_action")


def test_first_visit_is_styled_inline_under_the_csp_and_compressed(chromium, server):
    """Chromium applies the inline first-visit stylesheet under our CSP (no violation),
    receives pages and static files compressed, and caches the stylesheet linked at the
    end of the first page, so the next page takes it from the cache."""
    context = chromium.new_context()
    page = context.new_page()
    problems = []
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" else None)
    encodings = {}
    page.on("response", lambda response: encodings.__setitem__(
        response.url.split("/")[-1].split(".")[-1],
        response.headers.get("content-encoding")))
    page.goto(f"{server.url}/f/wellbeing/?lang=en")
    assert page.locator("style").count() == 1
    header = page.eval_on_selector(".site-header", "e => getComputedStyle(e).backgroundColor")
    assert header == "rgb(11, 58, 111)"  # the stylesheet applies
    page.wait_for_load_state("networkidle")
    assert not [p for p in problems if "Content Security Policy" in p], problems
    assert encodings.get("css") == "br" and encodings.get("js") == "br"
    page.goto(f"{server.url}/resume")
    assert page.locator("style").count() == 0
    assert page.eval_on_selector(".site-header",
                                 "e => getComputedStyle(e).backgroundColor") == header
    css = page.evaluate("performance.getEntriesByType('resource')"
                        ".filter(e => e.name.endsWith('.css')).map(e => e.transferSize)")
    assert css == [0], css  # from the browser's cache
    context.close()


CHECK_WORDS = {"en": ("Check your answers", "Change answers on the page “{}”", "Send my answers"),
               "fr": ("Vérifiez vos réponses", "Modifier les réponses de la page «\u00a0{}\u00a0»",
                      "Envoyer mes réponses")}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_check_your_answers_page_by_its_accessibility_tree(chromium, server, forms, lang):
    heading, change, send = CHECK_WORDS[lang]
    form = forms["membership"]
    page = chromium.new_page()
    page.goto(f"{server.url}/f/membership/?lang={lang}")
    titles = []
    while not page.url.endswith("/check"):
        index = int(re.search(r"/page/(\d+)", page.locator("form#response-form")
                              .get_attribute("action")).group(1))
        titles.append(form.sections[index].title.get(lang))
        fill_page(page, form.sections[index])
        forward(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert page.title().startswith(heading)
    for title in titles:  # one change link per page, named by its page
        expect(page.get_by_role("link", name=change.format(title), exact=True)).to_have_count(1)
        expect(page.get_by_role("region", name=title, exact=True)).to_have_count(1)
    assert not serious(page)
    # Change the first page: its Next comes back here.
    page.get_by_role("link", name=change.format(titles[0]), exact=True).click()
    page.wait_for_load_state()
    page.fill("#q_community", "Perth")
    forward(page)
    assert page.url.endswith("/check") and "Perth" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name=send).click()
    assert "/done/" in page.url
    page.close()


def test_saved_code_directory_and_check_pages_fit_320_px(chromium, server, forms):
    page = chromium.new_page(viewport={"width": 320, "height": 640})

    def fits(where):
        overflow = sideways(page)
        assert overflow <= 0, f"{where} scrolls sideways by {overflow}px at 320px"

    for url in ("/membership/directory?lang=fr", "/resume?lang=fr"):
        page.goto(f"{server.url}{url}")
        fits(url)
    page.goto(f"{server.url}/f/membership/?lang=fr")
    fill_page(page, forms["membership"].sections[0])
    with page.expect_navigation():
        page.locator('button[value="save"]').click()
    assert page.locator(".resume-code").is_visible()
    fits("saved page")
    page.close()


def test_idle_warning_lets_a_coordinator_stay_signed_in(chromium, server, tmp_path):
    from conftest import add_user

    app = make_app(tmp_path, INSTANCE_PATH=str(server.instance), FORMS_DIR=str(ROOT / "forms"),
                   PLUGINS_DIR=str(ROOT / "plugins"), ARGON2_PROFILE="CHEAPEST")
    add_user(app, "idle@example.ca", password="a long enough secret")
    page = chromium.new_page()
    page.clock.install()
    page.goto(f"{server.url}/admin/login?lang=fr")
    page.fill("#email", "idle@example.ca")
    page.fill("#password", "a long enough secret")
    with page.expect_navigation():
        page.locator("form button[type=submit]").last.click()
    warning = page.get_by_role("alert").filter(has_text="2 minutes")
    expect(warning).to_be_hidden()
    page.clock.run_for("27:59")
    expect(warning).to_be_hidden()
    page.clock.run_for("00:02")  # two minutes before the 30-minute timeout
    stay = page.get_by_role("button", name="Rester connecté")
    expect(stay).to_be_focused()
    with page.expect_response(lambda r: r.url.endswith("/admin/session/keep-alive")) as kept:
        stay.click()
    assert kept.value.status == 204
    expect(warning).to_be_hidden()
    page.close()

"""A respondent's journey: pages, Back, language switch, save/resume, idempotent submit."""

from __future__ import annotations

import html
import re

from conftest import Browser, text_of

PAGE = "/f/all_types/page/{}"

PAGE0 = {
    "q_name": "Zoë Tremblay",
    "q_email": "zoe@example.ca",
    "q_phone": "613 555 0123",
    "q_postal": "k1a0b6",
    "q_role": "staff",
}
PAGE1 = {
    "q_region": "east",
    "q_age": "40",
    "q_hours": "12.5",
    "q_budget": "1234.56",
    "q_start": "2025-03-01",
    "q_consent": "yes",
    "q_topics": ["a", "c"],
    "q_notes": "Line one\r\nLine two",
}
PAGE2 = {
    "q_overall": "4",
    "q_grid-r_x": "3",
    "q_grid-r_y": "1",
    "q_actions-0-q_what": "Plan the launch",
    "q_actions-0-q_due": "2025-06-30",
    "q_actions-0-q_cost": "250",
    "q_actions-0-q_status": "todo",
}


def fill_all(browser, lang: str = "en"):
    browser.follow(browser.get(f"/f/all_types/?lang={lang}"))
    assert browser.follow(browser.post(PAGE.format(0), PAGE0)).status_code == 200
    assert browser.follow(browser.post(PAGE.format(1), PAGE1)).status_code == 200
    return browser.post(PAGE.format(2), PAGE2, action="submit")


def test_landing_lists_forms_in_each_language(client):
    assert "Every field type" in text_of(client.get("/?lang=en"))
    page = text_of(client.get("/?lang=fr"))
    assert "Tous les types de champ" in page and "Formulaires" in page


def test_language_from_cookie_then_accept_language(client):
    assert '<html lang="fr">' in client.get("/", headers={"Accept-Language": "fr-CA,fr"}).text
    client.get("/?lang=en")  # sets the cookie, which wins over the header
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "fr"}).text


def test_full_submission_stores_values_not_labels(browser, store):
    response = fill_all(browser)
    assert response.status_code == 302 and "/done/" in response.headers["Location"]
    done = browser.follow(response)
    assert "your response is submitted" in text_of(done)
    [record] = list(store.iter_responses("all_types"))
    assert record.status == "submitted" and record.submitted
    assert record.answers == {
        "name": "Zoë Tremblay",
        "email": "zoe@example.ca",
        "phone": "+16135550123",
        "postal": "K1A 0B6",
        "role": "staff",
        "region": "east",
        "age": 40,
        "hours": 12.5,
        "budget": 1234.56,
        "start": "2025-03-01",
        "consent": True,
        "topics": ["a", "c"],
        "notes": "Line one\nLine two",
        "overall": 4,
        "grid": {"x": 3, "y": 1},
        "actions": [{"what": "Plan the launch", "due": "2025-06-30", "cost": 250.0,
                     "status": "todo"}],
    }
    assert record.locale == "en" and record.form_version == "1"


def test_pages_show_progress_and_validate_on_next(browser):
    page = browser.get("/f/all_types/")
    assert "Page 1 of 3" in text_of(page)
    response = browser.post(PAGE.format(0), {"q_name": "", "q_email": "nope"})
    assert response.status_code == 422
    text = text_of(response)
    assert "Please correct the following" in text
    assert "Enter an answer for “Name”." in text and "Invalid email address." in text
    assert 'href="#q_name"' in response.text  # the summary links to the input


def test_errors_are_in_the_page_language(browser):
    browser.get("/f/all_types/?lang=fr")
    response = browser.post(PAGE.format(0), {"q_name": "", "q_email": "nope",
                                             "q_postal": "12345"})
    text = text_of(response)
    assert "Veuillez corriger ce qui suit" in text
    assert "Entrez une réponse à « Nom »." in text  # named, in French
    assert "Entrez un code postal canadien" in text


def test_back_keeps_answers_even_unchecked(browser):
    browser.get("/f/all_types/")
    browser.follow(browser.post(PAGE.format(0), PAGE0))
    # Type something invalid on page 2, then go Back: nothing is lost.
    response = browser.post(PAGE.format(1), {"q_age": "abc", "q_notes": "draft note"},
                            action="back")
    page0 = browser.follow(response)
    assert 'value="Zoë Tremblay"' in page0.text
    page1 = browser.get(PAGE.format(1))
    assert 'value="abc"' in page1.text and "draft note" in page1.text


def test_language_switch_keeps_typed_answers_and_page(browser):
    browser.get("/f/all_types/?lang=en")
    response = browser.post(PAGE.format(0), {"q_name": "Zoë", "q_role": "volunteer"},
                            action="lang:fr")
    assert response.headers["Location"].endswith("/page/0?lang=fr")
    page = browser.follow(response)
    assert '<html lang="fr">' in page.text
    assert 'value="Zoë"' in page.text
    assert re.search(r'checked[^>]*value="volunteer"|value="volunteer"[^>]*checked', page.text)
    assert "Bénévole" in page.text


def test_show_if_hides_and_skips(browser, store):
    browser.get("/f/all_types/")
    # "Other role" is required only when role == other.
    response = browser.post(PAGE.format(0), {**PAGE0, "q_role": "other"})
    assert response.status_code == 422 and "Other role" in text_of(response)
    response = browser.post(PAGE.format(0), {**PAGE0, "q_role": "staff",
                                             "q_role_other": "ignored"})
    assert response.status_code == 302
    # consent = no hides the whole ratings section: page 2 is the last.
    response = browser.post(PAGE.format(1), {**PAGE1, "q_consent": "no"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/check")
    checked = browser.follow(response)
    assert "Ratings" not in text_of(checked)  # the hidden page is not listed
    response = browser.post(PAGE.format(1), {}, action="confirm")
    assert response.status_code == 302 and "/done/" in response.headers["Location"]
    [record] = list(store.iter_responses("all_types"))
    assert "role_other" not in record.answers  # hidden: not stored
    assert "overall" not in record.answers and record.answers["consent"] is False


def test_conditional_field_carries_its_condition_for_the_script(browser):
    page = browser.get("/f/all_types/")
    match = re.search(r'id="field-role_other"[^>]*data-show-if="([^"]+)"', page.text)
    assert match
    assert html.unescape(match.group(1)) == '{"field": "role", "equals": "other"}'


def test_cannot_jump_ahead(browser):
    browser.get("/f/all_types/")
    browser.follow(browser.post(PAGE.format(0), PAGE0))
    response = browser.get(PAGE.format(2))
    assert response.status_code == 302 and response.headers["Location"].endswith("/page/1")


def test_repeating_table_add_and_remove_rows_without_script(browser, store):
    browser.get("/f/all_types/")
    browser.follow(browser.post(PAGE.format(0), PAGE0))
    browser.follow(browser.post(PAGE.format(1), PAGE1))
    rows = {"q_actions-0-q_what": "First", "q_actions-1-q_what": "Second"}
    page = browser.follow(browser.post(PAGE.format(2), {**PAGE2, **rows}, action="add:actions"))
    assert page.text.count('name="q_actions-2-q_what"') == 1
    assert 'value="Second"' in page.text
    page = browser.follow(browser.post(PAGE.format(2), {**PAGE2, **rows,
                                                       "q_actions-2-q_what": ""},
                                       action="remove:actions:0"))
    assert 'value="First"' not in page.text and 'value="Second"' in page.text
    # at the maximum (3) the add button is gone
    three = {f"q_actions-{i}-q_what": f"Row {i}" for i in range(3)}
    page = browser.follow(browser.post(PAGE.format(2), {**PAGE2, **three}, action="save"))
    page = browser.get(PAGE.format(2))
    assert 'value="add:actions"' not in page.text


def test_too_many_table_rows_is_an_error(browser, store):
    browser.get("/f/all_types/")
    browser.follow(browser.post(PAGE.format(0), PAGE0))
    browser.follow(browser.post(PAGE.format(1), PAGE1))
    rows = {f"q_actions-{i}-q_what": f"Row {i}" for i in range(10)}
    response = browser.post(PAGE.format(2), {**PAGE2, **rows}, action="submit")
    assert response.status_code == 422
    assert "Enter at most 3 rows." in text_of(response)
    assert store.count("all_types", "submitted") == 0


def test_submit_is_idempotent(browser, client, store):
    response = fill_all(browser)
    done_url = response.headers["Location"]
    # a double click / refreshed POST / retry: same data again
    again = browser.client.post(PAGE.format(2), data={
        **PAGE2, "_action": "submit", "_key": browser.hidden("_key"),
        "csrf_token": browser.hidden("csrf_token")})
    assert again.status_code == 302 and again.headers["Location"] == done_url
    assert store.count("all_types") == 1


def test_same_key_from_another_browser_does_not_join_the_response(app, browser, store):
    # Keys are bound to the browser they were minted for (see test_drafts.py): another
    # session replaying one gets the page back with its input, and nothing is stored.
    fill_all(browser)
    key = browser.hidden("_key")
    other = app.test_client()
    page = other.get("/f/all_types/")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    retry = other.post(PAGE.format(2), data={**PAGE2, "_action": "submit", "_key": key,
                                             "csrf_token": token})
    assert retry.status_code == 422 and "not opened in this browser" in text_of(retry)
    assert store.count("all_types") == 1


def test_save_and_resume_in_the_other_language(app, browser, store):
    browser.get("/f/all_types/?lang=en")
    browser.follow(browser.post(PAGE.format(0), PAGE0))
    saved = browser.follow(browser.post(PAGE.format(1), {"q_age": "33"}, action="save"))
    code = re.search(r'class="resume-code"[^>]*>([A-Z2-7-]+)<', saved.text).group(1)
    assert len(code.replace("-", "")) == 16
    [draft] = list(store.iter_responses("all_types"))
    assert draft.resume_hash and code.replace("-", "") not in str(draft.to_dict())

    # A new device, in French, types the code in lower case with spaces.
    other = app.test_client()
    page = other.get("/resume?lang=fr")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = other.post("/resume", data={"code": code.lower().replace("-", " "),
                                           "csrf_token": token})
    assert response.headers["Location"].endswith("/page/1")
    page1 = other.get(response.headers["Location"])
    assert '<html lang="fr">' in page1.text and 'value="33"' in page1.text
    page0 = other.get(PAGE.format(0))
    assert 'value="Zoë Tremblay"' in page0.text


def test_resume_link_works_and_submitted_drafts_cannot_be_resumed(app, browser):
    browser.get("/f/all_types/")
    browser.follow(browser.post(PAGE.format(0), PAGE0))
    saved = browser.follow(browser.post(PAGE.format(1), PAGE1, action="save"))
    link = re.search(r'href="(http://localhost/resume/[A-Z2-7]+)"', saved.text).group(1)
    # The saving browser goes on and submits: the code no longer opens anything.
    browser.get(PAGE.format(1))
    browser.follow(browser.post(PAGE.format(1), PAGE1))
    assert "/done/" in browser.post(PAGE.format(2), PAGE2, action="submit").headers["Location"]
    assert app.test_client().get(link).status_code == 404
    # A link not used yet shows its code, filled in; the button opens the draft (once:
    # see test_drafts.py). Opening the link alone (a mail scanner) does not use it up.
    browser.get("/f/all_types/")
    browser.follow(browser.post(PAGE.format(0), PAGE0))
    saved = browser.follow(browser.post(PAGE.format(1), PAGE1, action="save"))
    link = re.search(r'href="(http://localhost/resume/[A-Z2-7]+)"', saved.text).group(1)
    code = link.rsplit("/", 1)[1]
    other = Browser(app.test_client())
    for _ in range(2):
        page = other.get(link)
        assert page.status_code == 200 and f'value="{code[:4]}-{code[4:8]}-' in page.text
    continued = other.client.post("/resume", data={"code": other.hidden("code"),
                                                   "csrf_token": other.hidden("csrf_token")})
    assert continued.status_code == 302 and continued.headers["Location"].endswith("/page/1")


def test_result_page_needs_its_signed_link(browser, client):
    done_url = fill_all(browser).headers["Location"]
    assert client.get(done_url).status_code == 200
    forged = done_url.rsplit("/", 1)[0] + "/not-a-valid-token"
    assert client.get(forged).status_code == 404


def test_dependent_question_says_when_it_applies_in_both_languages(browser):
    """Without script every question of the page is shown: it says when it applies."""
    for lang, words in (("en", "If you answered “Other” to “Role”:"),
                        ("fr", "Si vous avez répondu « Autre » à « Rôle » :")):
        page = browser.get(f"/f/all_types/?lang={lang}")
        assert words in text_of(page)
        match = re.search(r'<input[^>]*id="q_role_other"[^>]*>', page.text)
        assert 'aria-describedby="q_role_other-applies"' in match.group(0)


def test_check_your_answers_before_sending(browser, store):
    """The last page leads to "Check your answers": each page listed with a change link;
    a change returns to the check page; only its button sends, once."""
    browser.get("/f/all_types/?lang=fr")
    browser.follow(browser.post(PAGE.format(0), PAGE0))
    browser.follow(browser.post(PAGE.format(1), PAGE1))
    response = browser.post(PAGE.format(2), PAGE2)
    assert response.headers["Location"].endswith("/f/all_types/check")
    assert store.count("all_types", "submitted") == 0  # nothing sent yet
    check = browser.follow(response)
    said = text_of(check)
    assert "Vérifiez vos réponses" in said and "Zoë" in said
    changes = re.findall(r'<a href="(/f/all_types/page/\d\?then=check)">', check.text)
    assert changes == [f"/f/all_types/page/{n}?then=check" for n in range(3)]
    assert "Modifier les réponses de la page « Détails »" in said

    # Change a page: its Next goes back to the check page, showing the new answer.
    page = browser.get(changes[1])
    assert 'action="/f/all_types/page/1?then=check"' in page.text
    back = browser.post("/f/all_types/page/1?then=check", {**PAGE1, "q_age": "71"})
    assert back.headers["Location"].endswith("/f/all_types/check")
    assert "71" in text_of(browser.follow(back))

    sent = browser.post(PAGE.format(2), {}, action="confirm")
    assert "/done/" in sent.headers["Location"]
    again = browser.post(PAGE.format(2), {}, action="confirm")  # a double click
    assert again.headers["Location"] == sent.headers["Location"]
    assert store.count("all_types", "submitted") == 1
    # Afterwards the check page is not a way back in.
    assert browser.client.get("/f/all_types/check").status_code == 302


def test_check_page_sends_back_to_an_unanswered_page(browser):
    browser.get("/f/all_types/")
    browser.follow(browser.post(PAGE.format(0), PAGE0))
    # Leaving page 1 with Back keeps its input unchecked: the check page sends there.
    browser.post(PAGE.format(1), {"q_age": "33"}, action="back")
    response = browser.client.get("/f/all_types/check")
    assert response.status_code == 302 and response.headers["Location"].endswith("/page/1")

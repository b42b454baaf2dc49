"""Drafts belong to one browser: prefilled links store nothing, page keys are minted per
browser, a resume code works once and moves its draft, new drafts are rate-limited,
and `formkit store vacuum` removes what nobody will come back for. Every test runs on
both stores."""

from __future__ import annotations

import os
import re
import tempfile
import threading
from types import SimpleNamespace

import pytest

from conftest import Browser, make_app, store_of, submit, text_of
from formkit import hookimpl
from formkit.clock import ManualClock
from formkit.storage import open_store, transfer
from test_flow import PAGE, PAGE0, PAGE1, PAGE2


@pytest.fixture
def clock():
    return ManualClock(1_800_000_000)


@pytest.fixture
def app(tmp_path, store_url, clock):
    app = make_app(tmp_path, STORE=store_url, CLOCK=clock)
    yield app
    store_of(app).close()


@pytest.fixture
def store(app):
    return store_of(app)


def drafts(app, form_id="all_types"):
    with app.app_context():
        return [r for r in store_of(app).iter_responses(form_id) if not r.is_submitted]


def key_of(page) -> str:
    return re.search(r'name="_key" value="([^"]*)"', page.get_data(as_text=True)).group(1)


def code_of(saved) -> str:
    return re.search(r'href="http://localhost/resume/([A-Z2-7]+)"', saved.text).group(1)


def resume(app, code: str, client=None):
    """Open a resume link and press Continue, as a person does."""
    browser = Browser(client or app.test_client())
    page = browser.get(f"/resume/{code}")
    if page.status_code != 200:
        return browser, page
    return browser, browser.client.post("/resume", data={
        "code": browser.hidden("code"), "csrf_token": browser.hidden("csrf_token")})


class LaterPagePrefill:
    """Prefills a first-page answer and one of a later page (``?name=``)."""

    @hookimpl
    def formkit_prefill(self, form, args):
        if form.id == "all_types" and args.get("name"):
            return {"name": args["name"], "notes": "carried over"}
        return None


# -- 1. a prefilled link stores nothing until the first POST ----------------------------
@pytest.fixture
def seed(seed_store_app):
    return seed_store_app


def test_200_gets_of_a_prefilled_link_create_no_draft(seed):
    guide = submit(seed, "wellbeing")
    link = f"/f/workplan/?from={guide.id}"
    client = seed.test_client()
    pages = [client.get(link) for _ in range(200)]
    assert {p.status_code for p in pages} == {200}
    assert f'value="{guide.reference}"' in pages[-1].text  # shown prefilled...
    assert store_of(seed).count("workplan") == 0    # ...not stored
    # The first POST creates the draft, with the (signed) prefill.
    browser = Browser(client)
    browser.get(link)
    assert browser.post("/f/workplan/page/0", {}, action="save").status_code == 302
    [draft] = drafts(seed, "workplan")
    assert draft.answers["wellbeing_reference"] == guide.reference
    assert draft.answers["team_name"] == guide.answers["team_name"]


def test_prefill_of_a_later_page_reaches_the_draft_and_cannot_be_forged(app, store):
    app.extensions["formkit"].registry.pm.register(LaterPagePrefill(), name="later")
    browser = Browser(app.test_client())
    page = browser.get("/f/all_types/?name=Ada")
    assert 'value="Ada"' in page.text and store.count("all_types") == 0
    signed = browser.hidden("_prefill")

    # Altered, or signed for another form: ignored (the draft starts without it).
    forged = signed[:-2] + ("AA" if signed[-2:] != "AA" else "BB")
    with app.test_request_context("/"):
        from formkit.views.binding import sign_prefill

        other_form = sign_prefill(SimpleNamespace(id="membership"), {"notes": "injected"})
    for bad in (forged, other_form):
        other = Browser(app.test_client())
        other.get("/f/all_types/?name=Ada")
        assert other.post(PAGE.format(0), {**PAGE0, "_prefill": bad}).status_code == 302
    assert [d.answers.get("notes") for d in drafts(app)] == [None, None]

    browser.follow(browser.post(PAGE.format(0), PAGE0))
    mine = [d for d in drafts(app) if d.answers.get("notes")]
    assert [d.answers["notes"] for d in mine] == ["carried over"]


# -- 2. keys are minted for one browser ---------------------------------------------------
def test_a_key_from_another_browser_does_not_join_or_show_its_draft(app, store):
    owner = Browser(app.test_client())
    owner.get("/f/all_types/")
    owner.follow(owner.post(PAGE.format(0), PAGE0))
    [draft] = drafts(app)
    stolen = owner.hidden("_key")
    assert stolen == draft.key

    intruder = Browser(app.test_client())
    intruder.get("/f/all_types/")
    for page, data in ((0, {"q_name": "Mallory"}), (1, {"q_age": "50"})):
        refused = intruder.client.post(PAGE.format(page), data={
            **data, "_key": stolen, "_action": "next",
            "csrf_token": intruder.hidden("csrf_token")})
        assert refused.status_code == 422, page
        assert "not opened in this browser" in text_of(refused)
        assert "Zoë" not in refused.text  # nothing of the owner's answers
        assert key_of(refused) != stolen
    assert [d.answers for d in drafts(app)] == [draft.answers]
    assert store.count("all_types") == 1


def test_an_invented_key_is_refused_and_nothing_typed_is_lost(app, store, clock):
    browser = Browser(app.test_client())
    browser.get("/f/all_types/?lang=fr")
    for invented in ("a" * 32, "abcdefghijklmnop", "../../etc/passwd", ""):
        refused = browser.client.post(PAGE.format(0), data={
            **PAGE0, "_key": invented, "_action": "next",
            "csrf_token": browser.hidden("csrf_token")})
        assert refused.status_code == 422, invented
        assert "pas été ouverte dans ce navigateur" in text_of(refused)
        assert 'value="Zoë Tremblay"' in refused.text
        assert key_of(refused) != invented
    assert store.count("all_types") == 0
    # The page shown again carries a fresh key of this browser: pressing again works.
    browser.page = refused
    assert browser.post(PAGE.format(0), PAGE0).status_code == 302
    assert [d.answers["name"] for d in drafts(app)] == ["Zoë Tremblay"]


def test_same_browser_double_post_is_idempotent_and_tabs_keep_their_drafts(app, store):
    browser = Browser(app.test_client())
    tab1 = browser.get("/f/all_types/")
    tab2 = browser.client.get("/f/all_types/")  # a second tab on the same form
    assert key_of(tab1) != key_of(tab2)
    csrf = browser.hidden("csrf_token")

    def post(tab, page, data, action="next"):
        return browser.client.post(PAGE.format(page), data={
            **data, "_key": key_of(tab), "_action": action, "csrf_token": csrf})

    first = post(tab1, 0, PAGE0)
    again = post(tab1, 0, PAGE0)  # double click
    assert first.status_code == again.status_code == 302
    assert store.count("all_types") == 1
    assert post(tab2, 0, {**PAGE0, "q_name": "Tab Two"}).status_code == 302
    assert post(tab1, 1, PAGE1).status_code == 302  # back to the first tab's draft
    done = post(tab1, 2, PAGE2, action="submit")
    assert "/done/" in done.headers["Location"]
    by_name = {r.answers["name"]: r for r in store.iter_responses("all_types")}
    assert by_name["Zoë Tremblay"].is_submitted and not by_name["Tab Two"].is_submitted
    assert store.count("all_types") == 2


# -- 3. a resume code works once, and moves the draft -----------------------------------
def save_with_code(app):
    owner = Browser(app.test_client())
    owner.get("/f/all_types/")
    owner.follow(owner.post(PAGE.format(0), PAGE0))
    owner.get(PAGE.format(1))
    typed_page = owner.page
    saved = owner.follow(owner.post(PAGE.format(1), {"q_age": "33"}, action="save"))
    owner.page = typed_page
    return owner, code_of(saved)


def test_a_resume_code_works_once(app, store):
    owner, code = save_with_code(app)
    helper, first = resume(app, code)
    assert first.status_code == 302 and first.headers["Location"].endswith("/page/1")
    [draft] = drafts(app)
    assert draft.resume_hash is None  # the code is retired
    for client in (app.test_client(), helper.client, owner.client):
        again = client.get(f"/resume/{code}?lang=fr")
        assert again.status_code == 404
        assert resume(app, code, client)[1].status_code == 404
        assert "Nous n’avons trouvé aucune réponse enregistrée" in text_of(again)
    # Saving again gives a fresh code, which works once too.
    helper.get(PAGE.format(1))
    fresh = code_of(helper.follow(helper.post(PAGE.format(1), {"q_age": "34"},
                                              action="save")))
    assert fresh != code
    assert resume(app, fresh)[1].status_code == 302
    assert resume(app, fresh)[1].status_code == 404


def test_opening_a_resume_link_does_not_use_the_code(app, store):
    # Link previews and mail scanners fetch links: only the button (a POST) claims.
    owner, code = save_with_code(app)
    for _ in range(3):
        assert app.test_client().get(f"/resume/{code}").status_code == 200
    [draft] = drafts(app)
    assert draft.resume_hash and draft.browser
    browser, response = resume(app, code)
    assert response.status_code == 302
    assert drafts(app)[0].resume_hash is None


def test_after_a_resume_the_saving_browser_no_longer_continues(app, store):
    owner, code = save_with_code(app)
    helper, _response = resume(app, code)
    helper.get(PAGE.format(1))
    assert 'value="33"' in helper.page.text
    helper.follow(helper.post(PAGE.format(1), {**PAGE1, "q_age": "61"}))
    [draft] = drafts(app)
    assert draft.answers["age"] == 61

    # The saving browser sees nothing of it any more...
    back = owner.client.get(PAGE.format(1))
    assert back.status_code == 302 and back.headers["Location"].endswith("/f/all_types/")
    start = owner.client.get("/f/all_types/")
    assert start.status_code == 200 and "Zoë" not in start.text and "61" not in start.text
    # ...and its old page, posted again, cannot write into it.
    refused = owner.client.post(PAGE.format(1), data={
        "q_age": "99", "_key": draft.key, "_action": "next",
        "csrf_token": owner.hidden("csrf_token")})
    assert refused.status_code == 409 and "another browser" in text_of(refused)
    assert 'value="99"' in refused.text  # what it typed is still there
    [after] = drafts(app)
    assert after.answers == draft.answers and after.pending == draft.pending
    # Pressing the button again starts a response of its own, keeping what it typed.
    owner.page = refused
    assert owner.post(PAGE.format(1), {"q_age": "99"}).status_code == 302
    [own] = [d for d in drafts(app) if d.id != draft.id]
    assert own.pending["details"]["q_age"] == ["99"] and own.browser != draft.browser

    # The helper goes on and submits.
    helper.get(PAGE.format(2))
    assert "/done/" in helper.post(PAGE.format(2), PAGE2,
                                   action="submit").headers["Location"]


def test_two_browsers_using_one_code_at_once_one_gets_it(app, store_url):
    owner, code = save_with_code(app)
    from formkit.views.respond import hash_resume_code

    stores = [open_store(store_url) for _ in range(8)]  # as if from eight workers
    won = []

    def claim(index):
        found = stores[index].claim_resume_hash(hash_resume_code(code), f"browser-{index}")
        if found is not None:
            won.append(found.browser)

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(len(stores))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for one in stores:
        one.close()
    assert len(won) == 1
    [draft] = drafts(app)
    assert draft.browser == won[0] and draft.resume_hash is None


def test_the_code_of_a_submitted_response_cannot_be_claimed(store_url):
    store = open_store(store_url)
    try:
        draft = store.create_draft("all_types", "1", "en", "k1", browser="saver")
        store.set_resume_hash(draft.id, "c" * 64)
        store.submit(draft)
        assert store.claim_resume_hash("c" * 64, "thief") is None
        assert store.get(draft.id).browser == "saver"
    finally:
        store.close()


# -- new drafts are rate-limited per address, across servers ----------------------------
def test_new_drafts_are_limited_per_address_across_servers(tmp_path, store_url, clock):
    servers = [make_app(tmp_path / name, STORE=store_url, CLOCK=clock,
                        DRAFTS_PER_ADDRESS=(3, 3600)) for name in ("a", "b")]

    def start(app, lang="en"):
        browser = Browser(app.test_client())
        browser.get(f"/f/all_types/?lang={lang}")
        return browser, browser.post(PAGE.format(0), {**PAGE0, "q_name": "Léa Roy"})

    try:
        codes = [start(servers[i % 2])[1].status_code for i in range(3)]
        assert codes == [302] * 3
        browser, refused = start(servers[1], "fr")
        assert refused.status_code == 429
        assert "Trop de réponses ont été commencées" in text_of(refused)
        assert 'value="Léa Roy"' in refused.text
        assert store_of(servers[0]).count("all_types") == 3
        # An hour later, the page shown again goes through.
        clock.advance(hours=1, seconds=1)
        browser.page = refused
        assert browser.post(PAGE.format(0), PAGE0).status_code == 302
        assert store_of(servers[0]).count("all_types") == 4
    finally:
        for server in servers:
            store_of(server).close()


# -- 4. formkit store vacuum ------------------------------------------------------------
def test_vacuum_removes_old_empty_drafts_and_orphaned_temp_files(app, store, clock, tmp_path,
                                                                 monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "system-tmp"))
    os.makedirs(tempfile.tempdir)
    with app.app_context():
        empty = store.create_draft("all_types", "1", "en", "k-empty")
        answered = store.create_draft("all_types", "1", "en", "k-answered",
                                      answers={"name": "Ada"})
        pending = store.create_draft("all_types", "1", "en", "k-pending")
        pending.pending = {"about": {"q_name": [""]}}
        store.save_draft(pending)
        coded = store.create_draft("all_types", "1", "en", "k-coded")
        store.set_resume_hash(coded.id, "f" * 64)
        done = store.create_draft("all_types", "1", "en", "k-done")
        store.submit(done)
        clock.advance(days=20)
        recent = store.create_draft("all_types", "1", "en", "k-recent")
    clock.advance(days=11)  # the first ones are 31 days old, the last one 11

    # Temporary files: orphaned ones (two hours old) go, fresh ones and others stay.
    root = tmp_path / "instance"
    places = [tmp_path / "system-tmp" / "formkit-export-abc.xlsx",
              root / "cache" / "pdf" / "0123.4567.tmp"]
    if not store_url_is_postgres(store):
        places.append(store.root / "responses" / "all_types" / "seg-000001.json.x1.tmp")
    keep = [root / "cache" / "pdf" / "fresh.1.tmp", root / "cache" / "pdf" / "old.pdf",
            tmp_path / "system-tmp" / "someone-else.xlsx"]
    for path in places + keep:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
        age = 60 if path.name.startswith("fresh") else 7200
        os.utime(path, (clock() - age, clock() - age))

    result = vacuum_command(app)
    assert result.exit_code == 0, result.output
    assert f"removed 1 empty drafts untouched for 30 days and {len(places)} orphaned" \
        in result.output
    with app.app_context():
        assert {r.id for r in store.iter_responses("all_types")} == {
            answered.id, pending.id, coded.id, done.id, recent.id}
        assert store.get(empty.id) is None
        # Its key is free again: the same key makes a new draft.
        assert store.create_draft("all_types", "1", "en", "k-empty").id != empty.id
    assert not any(p.exists() for p in places) and all(p.exists() for p in keep)

    # --older-than DAYS: the 11-day-old empty draft goes with 10.
    result = vacuum_command(app, "--older-than", "10")
    assert "removed 1 empty drafts untouched for 10 days and 0 orphaned" in result.output
    with app.app_context():
        assert store.get(recent.id) is None
    bad = vacuum_command(app, "--older-than", "0")
    assert bad.exit_code == 2


def vacuum_command(app, *args: str):
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from formkit.cli import main

    return CliRunner().invoke(main, ["store", "vacuum", *args],
                              obj=ScriptInfo(create_app=lambda: app))


def store_url_is_postgres(store) -> bool:
    return not hasattr(store, "root")


# -- 5. the binding travels with copies and backups, not with exports ------------------
def test_copy_keeps_the_browser_binding_and_exports_leave_it_out(app, store, tmp_path):
    owner, code = save_with_code(app)
    resume(app, code)
    [draft] = drafts(app)
    assert draft.browser
    target = open_store(str(tmp_path / "copy"))
    transfer.copy(store, target)
    assert target.get(draft.id).browser == draft.browser
    target.close()
    from formkit.exporters.json_export import json_lines

    assert '"browser"' not in "".join(json_lines([draft]))


def test_a_draft_sent_from_another_device_says_so_here(app, store):
    """The saving browser, back after the other device sent the response: not an empty
    first page, but when it was sent and a link to start again (both languages)."""
    owner, code = save_with_code(app)
    helper, _response = resume(app, code)
    helper.get(PAGE.format(1))
    helper.follow(helper.post(PAGE.format(1), PAGE1))
    assert "/done/" in helper.post(PAGE.format(2), PAGE2, action="submit").headers["Location"]

    sent = owner.client.get(PAGE.format(1) + "?lang=fr")
    said = text_of(sent)
    assert sent.status_code == 200 and "Cette réponse a déjà été envoyée" in said
    assert "2027" in said  # the day it was sent, in words
    assert 'href="/f/all_types/"' in sent.text
    assert 'name="_key"' not in sent.text  # not a form page
    # Told once: the link starts a new, empty response.
    again = owner.client.get("/f/all_types/")
    assert again.status_code == 200 and 'name="_key"' in again.text
    assert "already sent" not in text_of(again) and "Zoë" not in again.text

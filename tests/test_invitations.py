"""Invitations and reminders on both stores, with a real SMTP server on loopback: a
coordinator invites people (pasted lines or a CSV file, bad lines reported), each gets
an email with a personal link in their language that opens their one response,
prefilled; reminders go after 7 and 14 days only to those who have not answered nor
opted out; the unsubscribe page; coordinators of other forms are refused."""

from __future__ import annotations

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
from test_outbox import RECEIPT_FORM, body, subject
from test_sessions import all_at_once

from conftest import ROOT, add_user, csrf, make_app, sign_in, store_of, text_of
from formkit.clock import ManualClock
from formkit.invitation_list import read_people, read_reminders
from formkit.outbox import run_once
from formkit.storage import open_store, transfer
from formkit.storage.tinydb_store import TinyDBStore
from formkit.testing import Browser

SIGNUP = RECEIPT_FORM.replace("confirmation_email: email\n", "")
#: a form that closes three days after the invitations go out.
LATE = SIGNUP.replace("id: signup", "id: late") + "schedule:\n  closes: 2026-03-05 17:00\n"


@pytest.fixture
def moment():
    """10:00 on a Monday in the site's time zone (after the reminders' hour)."""
    zone = ZoneInfo("America/Toronto")
    return ManualClock(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=zone).timestamp())


@pytest.fixture
def app(tmp_path, store_url, smtp, moment):
    folder = tmp_path / "forms"
    folder.mkdir()
    (folder / "signup.yaml").write_text(SIGNUP)
    (folder / "late.yaml").write_text(LATE)
    (folder / "membership.yaml").write_text((ROOT / "forms" / "membership.yaml").read_text())
    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(folder),
                   PLUGINS_DIR=str(ROOT / "plugins"), MAIL_SERVER="127.0.0.1",
                   MAIL_PORT=smtp.port, MAIL_DEFAULT_SENDER="forms@example.ca",
                   BASE_URL="https://forms.example.ca", CLOCK=moment,
                   BABEL_DEFAULT_TIMEZONE="America/Toronto", ARGON2_PROFILE="CHEAPEST",
                   ORGANIZATION_NAME="Réseau santé")
    yield app
    store_of(app).close()


@pytest.fixture
def coordinator(app):
    add_user(app, "coord@example.ca", "coordinator", forms=["signup"])
    client = app.test_client()
    assert sign_in(client, "coord@example.ca").status_code == 302
    return client


def invite(client, people="", reminders="7, 14", language="en", file=None):
    data = {"csrf_token": csrf(client, "/admin/forms/signup/invitations"),
            "people": people, "reminders": reminders, "language": language}
    if file is not None:
        data["file"] = (io.BytesIO(file), "people.csv")
    return client.post("/admin/forms/signup/invitations", data=data,
                       content_type="multipart/form-data")


def link_of(message) -> str:
    return re.search(r"https://forms\.example\.ca(/i/[a-z2-7]{26})\?lang=(en|fr)",
                     body(message)).group(0)


def path_of(link: str) -> str:
    return link.removeprefix("https://forms.example.ca")


def to(smtp, address):
    return [m for m in smtp.messages if m["To"] == address]


def deliver(app):
    run_once(app)
    run_once(app)  # the daily job queues, the next pass sends


def shown_values(page) -> dict[str, str]:
    """What the page's text inputs hold (a browser posts them back)."""
    inputs = re.findall(r"<input[^>]*>", page.text)
    return dict(re.search(r'name="(q_\w+)"[^>]*value="([^"]*)"', tag).groups()
                for tag in inputs if 'name="q_' in tag and 'value="' in tag
                and 'type="radio"' not in tag)


def answer(browser: Browser, link: str):
    """Open a personal link, press Start (or Continue) and submit what is prefilled."""
    page = browser.get(path_of(link))
    assert page.status_code == 200, text_of(page)
    started = browser.follow(browser.post(path_of(link).split("?")[0]))
    assert "/f/signup/page/0" in started.request.path
    done = browser.follow(browser.post("/f/signup/page/0", {
        "q_region": "east", **shown_values(started)}, action="submit"))
    assert "/done/" in done.request.path, text_of(done)
    return done


def test_invite_remind_answer_and_opt_out(app, coordinator, smtp, moment):
    store = store_of(app)
    page = invite(coordinator, "Ana Silva, ana@example.ca\n"
                               "Ben Roy, BEN@example.ca, fr\n"
                               "Chloé Martin chloe-at-example.ca\n"
                               "Chloé Martin, chloe@example.ca\n")
    shown = text_of(page)
    assert page.status_code == 200
    assert "3 people invited" in shown
    assert ("Line 3: There is no email address on this line. (Chloé Martin "
            "chloe-at-example.ca)") in shown
    # the bad line stays in the box, to correct and send again
    assert re.search(r'<textarea[^>]*>Chloé Martin chloe-at-example.ca</textarea>', page.text)
    invited = {i.email: i for i in store.list_invitations("signup")}
    assert set(invited) == {"ana@example.ca", "ben@example.ca", "chloe@example.ca"}
    assert invited["ben@example.ca"].locale == "fr" and invited["ana@example.ca"].locale == "en"

    deliver(app)
    assert len(smtp.messages) == 3
    [ana], [ben], [chloe] = (to(smtp, f"{n}@example.ca") for n in ("ana", "ben", "chloe"))
    assert subject(ana) == "You are invited to answer Workshop sign-up – Réseau santé"
    assert subject(ben) == "Vous êtes invité·e à répondre à Inscription à l’atelier – Réseau santé"
    assert "Hello Ana Silva," in body(ana) and "Bonjour Ben Roy," in body(ben)
    links = {name: link_of(m) for name, m in (("ana", ana), ("ben", ben), ("chloe", chloe))}
    assert links["ben"].endswith("?lang=fr") and links["ana"].endswith("?lang=en")
    assert len(set(links.values())) == 3
    assert "/stop" in body(ana) and "/stop" in body(ana, "html")
    # only the token's hash is stored
    for link in links.values():
        token = path_of(link).split("/")[2].split("?")[0]
        assert token not in repr([i.to_dict() for i in store.list_invitations("signup")])

    # Ana: opening the link stores nothing; the button starts her response, prefilled
    browser = Browser(app.test_client())
    landing = browser.get(path_of(links["ana"]))
    assert "Hello Ana Silva," in text_of(landing) and store.count("signup") == 0
    first = browser.follow(browser.post(path_of(links["ana"]).split("?")[0]))
    assert shown_values(first) == {"q_name": "Ana Silva", "q_email": "ana@example.ca"}
    browser.follow(browser.post("/f/signup/page/0", {"q_region": "east",
                                                     **shown_values(first)}, action="submit"))
    [response] = store.iter_responses("signup")
    assert response.is_submitted and response.answers["email"] == "ana@example.ca"
    assert response.answers["name"] == "Ana Silva"
    assert store.find_invitations("ana@example.ca")[0].answered == response.submitted
    again = browser.get(path_of(links["ana"]))
    assert "You have answered: thank you." in text_of(again)
    # another browser with her link: answered too, and no second response
    other = Browser(app.test_client())
    assert "You have answered" in text_of(other.get(path_of(links["ana"])))
    other.get("/resume")  # (a page with a CSRF token for the POST)
    pressed = other.post(path_of(links["ana"]).split("?")[0])
    assert "You have answered" in text_of(other.follow(pressed))
    assert store.count("signup") == 1

    # Ben starts, then comes back: the same draft, in this browser and in another one
    ben_browser = Browser(app.test_client())
    ben_browser.get(path_of(links["ben"]))
    ben_browser.follow(ben_browser.post(path_of(links["ben"]).split("?")[0]))
    back = ben_browser.get(path_of(links["ben"]))
    assert back.status_code == 302 and back.headers["Location"].endswith("/f/signup/page/0")
    elsewhere = Browser(app.test_client())
    assert "Continuer ma réponse" in text_of(elsewhere.get(path_of(links["ben"])))
    taken = elsewhere.follow(elsewhere.post(path_of(links["ben"]).split("?")[0]))
    assert shown_values(taken) == {"q_name": "Ben Roy", "q_email": "ben@example.ca"}
    assert store.count("signup") == 2  # Ana's and Ben's one draft

    # Chloé: the link opens a page with a button (scanners open links); the button stops
    stop_path = path_of(links["chloe"]).split("?")[0] + "/stop"
    confirm = app.test_client().get(stop_path + "?lang=en")
    assert confirm.status_code == 200 and "Stop the reminders" in text_of(confirm)
    assert store.find_invitations("chloe@example.ca")[0].opted_out is None
    stopper = Browser(app.test_client())
    stopper.get(stop_path)
    stopped = stopper.post(stop_path)
    assert "you will receive no more reminders" in text_of(stopped)
    first_stop = store.find_invitations("chloe@example.ca")[0].opted_out
    assert first_stop is not None
    moment.advance(minutes=5)
    stopper.get("/resume")  # (a page with a CSRF token for the POST)
    stopper.post(stop_path)  # pressed again: when she asked stays what it was
    assert store.find_invitations("chloe@example.ca")[0].opted_out == first_stop
    moment.advance(minutes=-5)
    invite(coordinator, "Chloé Martin, chloe@example.ca")  # invited again: no new email
    deliver(app)
    assert len(smtp.messages) == 3

    listing = coordinator.get("/admin/forms/signup/invitations")
    assert re.search(r"Not answered yet</dt><dd>1</dd>\s*<dt>Answered</dt><dd>1</dd>\s*"
                     r"<dt>Asked for no more emails</dt><dd>1</dd>", listing.text)
    assert "1 answered, 1 not yet, 1 opted out" in text_of(coordinator.get("/admin/"))

    # reminders: day 6 nothing; day 7 and 14 only Ben (in French), who has not answered
    moment.advance(days=6)
    deliver(app)
    assert len(smtp.messages) == 3
    moment.advance(days=1)
    deliver(app)
    deliver(app)
    reminders = smtp.messages[3:]
    assert [m["To"] for m in reminders] == ["ben@example.ca"]
    assert subject(reminders[0]) == "Rappel\u00a0: Inscription à l’atelier – Réseau santé"
    assert link_of(reminders[0]) == links["ben"]
    moment.advance(days=7)
    deliver(app)
    assert [m["To"] for m in smtp.messages[3:]] == ["ben@example.ca", "ben@example.ca"]
    ids = {m["X-Formkit-Message-Id"] for m in smtp.messages[3:]}
    assert len(ids) == 2
    moment.advance(days=30)
    deliver(app)
    assert len(smtp.messages) == 5  # two reminders at most


def test_an_answer_stops_the_reminders_even_when_its_mark_was_lost(app, coordinator, smtp,
                                                                   moment):
    invite(coordinator, "Dana, dana@example.ca\nEli, eli@example.ca", reminders="7")
    deliver(app)
    answer(Browser(app.test_client()), link_of(to(smtp, "dana@example.ca")[0]))
    store = store_of(app)
    dana = store.find_invitations("dana@example.ca")[0]
    assert dana.answered is not None
    store.update_invitation(dana.id, answered=None)  # as if the process died there
    moment.advance(days=7)
    deliver(app)
    assert [m["To"] for m in smtp.messages[2:]] == ["eli@example.ca"]
    assert store.find_invitations("dana@example.ca")[0].answered is not None


def test_no_reminders_when_none_are_chosen(app, coordinator, smtp, moment):
    invite(coordinator, "Fay, fay@example.ca", reminders="")
    assert store_of(app).list_invitations("signup")[0].reminders == []
    deliver(app)
    moment.advance(days=15)
    deliver(app)
    assert len(smtp.messages) == 1


def test_a_csv_file_with_header_bom_and_semicolons(app, coordinator, smtp):
    csv = "\ufeffNom;Courriel;Langue\nGaby Côté;gaby@example.ca;fr\nHugo;hugo@;en\n" \
          "Iris;iris@example.ca;\n"
    page = invite(coordinator, file=csv.encode("utf-8"), language="en")
    assert "2 people invited" in text_of(page)
    assert "Line 3: “hugo@” is not an email address." in text_of(page)
    assert "Line 1" not in text_of(page)  # the header (after its BOM) is not a person
    languages = {i.email: i.locale for i in store_of(app).list_invitations("signup")}
    assert languages == {"gaby@example.ca": "fr", "iris@example.ca": "en"}
    # Excel's Windows-1252, commas; the same people again: nobody is emailed twice
    again = invite(coordinator, file="Gaby Côté,gaby@example.ca\nJo,jo@example.ca\n"
                   .encode("cp1252"))
    assert "1 person invited" in text_of(again) and "1 person was invited before" in \
        text_of(again)
    deliver(app)
    assert sorted(m["To"] for m in smtp.messages) == ["gaby@example.ca", "iris@example.ca",
                                                     "jo@example.ca"]


def test_bad_input_is_explained_and_nothing_is_lost(app, coordinator):
    store = store_of(app)
    page = invite(coordinator, "Kim, kim@example.ca", reminders="7, soon")
    assert page.status_code == 422
    assert "Write the reminders as days" in text_of(page)
    assert 'value="7, soon"' in page.text and ">Kim, kim@example.ca</textarea>" in page.text
    assert store.list_invitations("signup") == []
    nothing = invite(coordinator, "")
    assert nothing.status_code == 422 and "Paste or upload" in text_of(nothing)
    wrong = invite(coordinator, "Kim, kim@example.ca", language="de")
    assert wrong.status_code == 422 and "Choose the language" in text_of(wrong)
    only_bad = invite(coordinator, "nobody")
    assert only_bad.status_code == 422 and "Line 1:" in text_of(only_bad)
    assert store.list_invitations("signup") == []
    coordinator.get("/admin/forms/signup/invitations?lang=fr")
    french = invite(coordinator, "Lee, lee@\nMay, may@example.ca")
    # (text_of folds the non-breaking spaces)
    assert "Ligne 1 : « lee@ » n’est pas une adresse courriel." in text_of(french)
    assert "1 personne invitée" in text_of(french)


def test_a_file_too_large_is_refused(app, coordinator):
    page = invite(coordinator, file=b"Ana, ana@example.ca\n" * 30_000)
    assert page.status_code == 422 and "The file is larger than 512 KB" in text_of(page)
    assert store_of(app).list_invitations("signup") == []


def test_a_closed_form_takes_no_new_response_and_sends_no_reminder(app, smtp, moment):
    add_user(app, "late@example.ca", "coordinator", forms=["late"])
    client = app.test_client()
    sign_in(client, "late@example.ca")
    client.post("/admin/forms/late/invitations", data={
        "csrf_token": csrf(client, "/admin/forms/late/invitations"),
        "people": "Ola, ola@example.ca", "reminders": "7", "language": "en"})
    deliver(app)
    link = link_of(smtp.messages[0])
    moment.advance(days=7)
    browser = Browser(app.test_client())
    browser.get(path_of(link))
    closed = browser.post(path_of(link).split("?")[0])
    assert "closed" in text_of(closed).lower() and store_of(app).count("late") == 0
    deliver(app)
    assert len(smtp.messages) == 1  # no reminder for a closed form


def test_reminders_that_fell_due_while_no_worker_ran_come_as_one(app, coordinator, smtp,
                                                                 moment):
    invite(coordinator, "Pia, pia@example.ca", reminders="7, 14")
    deliver(app)
    moment.advance(days=20)
    deliver(app)
    deliver(app)
    reminders = smtp.messages[1:]
    assert len(reminders) == 1
    assert reminders[0]["X-Formkit-Message-Id"].endswith(":2")
    assert store_of(app).find_invitations("pia@example.ca")[0].reminders_sent == 2


def test_first_visits_at_the_same_moment_make_one_response(tmp_path, store_url, live_server):
    """Eight browsers press Start on one link at once, on a 4-worker server."""
    from formkit.invitation_list import Person
    from formkit.invitations import new_invitation, token_for

    setup = make_app(tmp_path / "setup", STORE=store_url, FORMS_DIR=str(ROOT / "forms"),
                     PLUGINS_DIR=str(ROOT / "plugins"), SECRET_KEY="live-test")
    with setup.test_request_context("/"):
        form = setup.extensions["formkit"].registry.get_form("membership")
        invitation = new_invitation(form, Person("Quinn", "quinn@example.ca"), [], "en", None)
        store_of(setup).add_invitations([invitation])
        token = token_for(invitation.id)
    store_of(setup).close()
    server = live_server(workers=4, FORMKIT_STORE=store_url)
    statuses = all_at_once(f"{server.url}/i/{token}", 8, lambda number: {})
    assert statuses == [302] * 8  # each sent on to the first page of the one draft
    store = open_store(store_url)
    try:
        [draft] = store.iter_responses("membership")
        assert store.find_invitations("quinn@example.ca")[0].response_id == draft.id
    finally:
        store.close()


def test_unknown_links_are_not_found(app):
    client = app.test_client()
    for path in ("/i/" + "a" * 26, "/i/short", "/i/" + "a" * 26 + "/stop"):
        answer_page = client.get(path)
        assert answer_page.status_code == 404
        assert "This invitation link is not valid" in text_of(answer_page)


def test_a_coordinator_of_another_form_is_refused(app, smtp):
    add_user(app, "other@example.ca", "coordinator", forms=["membership"])
    client = app.test_client()
    sign_in(client, "other@example.ca")
    assert client.get("/admin/forms/signup/invitations").status_code == 403
    token = csrf(client, "/admin/")
    refused = client.post("/admin/forms/signup/invitations", data={
        "csrf_token": token, "people": "Mole, mole@example.ca", "reminders": "7",
        "language": "en"})
    assert refused.status_code == 403
    assert store_of(app).list_invitations("signup") == []
    assert client.get("/admin/forms/membership/invitations").status_code == 200


def test_a_persons_invitations_are_found_exported_and_deleted(app, coordinator):
    invite(coordinator, "Lou, lou@example.ca\nMax, max@example.ca")
    add_user(app)
    admin = app.test_client()
    sign_in(admin)
    assert "Lou" in text_of(admin.get("/admin/people?email=lou@example.ca"))
    document = admin.get("/admin/people/export.json?email=lou@example.ca").get_json()
    assert [i["email"] for i in document["invitations"]] == ["lou@example.ca"]
    assert "token_hash" not in document["invitations"][0]
    done = admin.post("/admin/people/delete", follow_redirects=True, data={
        "csrf_token": csrf(admin, "/admin/people"), "email": "lou@example.ca",
        "confirm": "lou@example.ca"})
    assert "1 invitations" in text_of(done)
    assert [i.email for i in store_of(app).list_invitations("signup")] == ["max@example.ca"]


def test_copies_carry_the_invitations(app, coordinator, smtp, tmp_path):
    invite(coordinator, "Noa, noa@example.ca")
    deliver(app)
    link = link_of(smtp.messages[0])
    target = TinyDBStore(tmp_path / "copy")
    copied = transfer.copy(store_of(app), target)
    assert copied.invitations == 1
    backup = tmp_path / "backup.jsonl.gz"
    transfer.backup(store_of(app), backup)
    restored = TinyDBStore(tmp_path / "restored")
    assert transfer.restore(restored, backup).invitations == 1
    with app.app_context():
        from formkit.invitations import hash_token

        token = path_of(link).split("/")[2].split("?")[0]
        assert restored.find_invitation(hash_token(token)).email == "noa@example.ca"


# -- reading lists, on their own ----------------------------------------------------------
def test_reading_lists(app):
    with app.test_request_context("/"):
        people, problems = read_people("Ana, ana@example.ca\n\n"
                                       "ana@example.ca, Ana again\n\"Roy, Ben\",ben@example.ca\n"
                                       "a, b@example.ca, fr, extra\nZed, zed@example.ca, de\n"
                                       ", \n", ["en", "fr"])
        assert [(p.name, p.email) for p in people] == [("Ana", "ana@example.ca"),
                                                       ("Roy, Ben", "ben@example.ca")]
        assert [(p.line, p.message.split(" ")[0]) for p in problems] == [
            (3, "ana@example.ca"), (5, "Write"), (6, "Unknown")]
        headed, problems = read_people("\ufeffemail,name\nana@example.ca,Ana", ["en"])
        assert [(p.name, p.email) for p in headed] == [("Ana", "ana@example.ca")]
        assert problems == []  # the header, after a pasted byte-order mark
        tabbed, _ = read_people("Ana\tana@example.ca\nBo\tbo@example.ca", ["en"])
        assert [p.email for p in tabbed] == ["ana@example.ca", "bo@example.ca"]
        named, problems = read_people("A\x07na, ana@example.ca\n" + "x" * 201
                                      + ", long@example.ca", ["en"])
        assert [p.name for p in named] == ["Ana"]  # control characters dropped
        assert [p.line for p in problems] == [2]
        many, problems = read_people("".join(f"p{n}@example.ca\n" for n in range(2001)),
                                     ["en"])
        assert len(many) == 2000 and [p.line for p in problems] == [2001]
        huge, problems = read_people("Ana, ana@example.ca\n\"" + "x" * 200_000, ["en"])
        assert [p.email for p in huge] == ["ana@example.ca"]
        assert problems[0].line == 2 and len(problems[0].text) > 200_000  # kept whole
    assert read_reminders("7 and 14") == [7, 14] == read_reminders("14;7")
    assert read_reminders("") == [] == read_reminders("none")
    assert read_reminders("0, 7") is None and read_reminders("400") is None
    assert read_reminders("٧") is None


def test_only_text_questions_get_the_name():
    import yaml

    from formkit.builtins.field_types import formkit_field_types
    from formkit.invitation_list import Person
    from formkit.invitations import prefill
    from formkit.schema import parse_form
    from formkit.storage import Invitation

    types = {c.name: c() for c in formkit_field_types()}
    text = parse_form(yaml.safe_load(SIGNUP), "signup.yaml", types)
    counted = parse_form(yaml.safe_load(SIGNUP.replace(
        "{id: name, type: text,", "{id: name, type: integer,")), "signup.yaml", types)
    person = Person("Rae", "rae@example.ca")
    invitation = Invitation(id="x", form_id="signup", email=person.email, name=person.name,
                            locale="en", token_hash="h")
    assert prefill(text, invitation) == {"email": "rae@example.ca", "name": "Rae"}
    assert prefill(counted, invitation) == {"email": "rae@example.ca"}


def test_a_list_of_2000_is_invited_and_reminded_in_bounded_time(app, coordinator, moment):
    """One store write for all the emails, and one for the reminder counts: queuing them
    one by one rewrote TinyDB's queue per message (2,000 people took 100 s)."""
    import time

    people = "\n".join(f"Person {n}, p{n}@example.ca" for n in range(2000))
    started = time.perf_counter()
    page = invite(coordinator, people, reminders="7")
    took = time.perf_counter() - started
    assert "2000 people invited" in text_of(page) and took < 30, took
    store = store_of(app)
    queued = [m for m in store.list_messages("queued", 10_000) if m.kind == "email"]
    assert len(queued) == 2000
    moment.advance(days=7)
    started = time.perf_counter()
    with app.app_context():
        from formkit.invitations import run_reminders

        run_reminders({"day": "2026-03-09"}, "the day's job")
    took = time.perf_counter() - started
    reminders = [m for m in store.list_messages("queued", 10_000) if ":reminder:" in m.id]
    assert len(reminders) == 2000 and took < 30, took
    assert {i.reminders_sent for i in store.list_invitations("signup")} == {1}

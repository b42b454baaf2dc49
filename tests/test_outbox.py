"""Email through the durable outbox, on both stores, with a real SMTP server on loopback
(aiosmtpd): receipts, the membership welcome, coordinators' alerts and digests, retries
with backoff, the dead-letter list, concurrent workers, and the worker `formkit serve`
starts."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from aiosmtpd.controller import Controller

from conftest import (
    ROOT,
    Inbox,
    add_user,
    csrf,
    free_port,
    make_app,
    sign_in,
    store_of,
    submit,
    text_of,
)
from formkit.outbox import run_once
from formkit.outbox.queue import MAX_ATTEMPTS, enqueue, retry_delay
from formkit.outbox.worker import LEASE
from formkit.storage import CANCELLED, DEAD, QUEUED, SENT

RECEIPT_FORM = """
id: signup
version: 1
title: {en: Workshop sign-up, fr: Inscription à l’atelier}
confirmation_email: email
sections:
  - id: you
    title: {en: You, fr: Vous}
    fields:
      - {id: name, type: text, label: {en: Name, fr: Nom}, required: true}
      - {id: email, type: text, format: email, label: {en: Email, fr: Courriel}, required: true}
      - id: region
        type: choice
        label: {en: Region, fr: Région}
        choices:
          - {key: east, label: {en: East, fr: Est}}
          - {key: west, label: {en: West, fr: Ouest}}
"""


@pytest.fixture
def forms_dir(tmp_path):
    folder = tmp_path / "forms"
    folder.mkdir()
    (folder / "signup.yaml").write_text(RECEIPT_FORM)
    for name in ("membership.yaml",):
        (folder / name).write_text((ROOT / "forms" / name).read_text())
    return folder


@pytest.fixture
def mail_app(tmp_path, store_url, smtp, moment, forms_dir):
    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(forms_dir),
                   PLUGINS_DIR=str(ROOT / "plugins"), MAIL_SERVER="127.0.0.1",
                   MAIL_PORT=smtp.port, MAIL_DEFAULT_SENDER="forms@example.ca",
                   BASE_URL="https://forms.example.ca", CLOCK=moment,
                   ORGANIZATION_NAME="Réseau santé")
    yield app
    store_of(app).close()


def subject(message) -> str:
    return str(message["Subject"]).strip()


def body(message, subtype="plain") -> str:
    return message.get_body((subtype,)).get_content()


def deliveries(run) -> int:
    """What a worker pass did with emails (not the daily jobs)."""
    return run.sent + run.retried + run.dead + run.cancelled + run.waiting


def messages(app, status=None):
    """The emails in the outbox (the daily jobs are messages too)."""
    with app.app_context():
        return [m for m in store_of(app).list_messages(status, 1000) if m.kind == "email"]


# -- receipts ----------------------------------------------------------------------------
def test_a_receipt_in_the_respondents_language(mail_app, smtp):
    response = submit(mail_app, "signup", "fr", {0: {"q_email": "Alex@Example.ca"}})
    queued = messages(mail_app)
    assert [m.status for m in queued] == [QUEUED] and smtp.messages == []
    run = run_once(mail_app)
    assert run.sent == 1
    [sent] = smtp.messages
    assert sent["To"] == "alex@example.ca" and sent["From"] == "forms@example.ca"
    assert subject(sent) == "Votre réponse à Inscription à l’atelier est reçue – Réseau santé"
    assert sent["Content-Language"] == "fr"
    assert sent["X-Formkit-Message-Id"] == f"email:receipt:{response.id}"
    text, html = body(sent), body(sent, "html")
    assert response.reference in text and response.reference in html
    assert "https://forms.example.ca/f/signup/done/" in text
    assert "English version: https://forms.example.ca/f/signup/done/" in text
    assert "lang=en" in text and 'lang="fr"' in html
    assert [m.status for m in messages(mail_app)] == [SENT]
    assert deliveries(run_once(mail_app)) == 0  # sent once


def test_a_receipt_waits_when_mail_is_not_set_up(tmp_path, store_url, smtp, forms_dir, moment):
    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(forms_dir),
                   PLUGINS_DIR=str(ROOT / "plugins"), CLOCK=moment)
    submit(app, "signup")
    assert deliveries(run_once(app)) == 0
    assert [m.status for m in messages(app)] == [QUEUED]
    add_user(app)
    admin = app.test_client()
    sign_in(admin)
    assert "Email is not set up" in text_of(admin.get("/admin/outbox"))
    assert "Le courriel n’est pas encore configuré" in text_of(admin.get("/admin/account?lang=fr"))
    store_of(app).close()
    # the administrator sets a server: what waited is sent
    configured = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(forms_dir),
                          PLUGINS_DIR=str(ROOT / "plugins"), MAIL_SERVER="127.0.0.1",
                          MAIL_PORT=smtp.port, CLOCK=moment)
    assert run_once(configured).sent == 1 and len(smtp.messages) == 1
    store_of(configured).close()


def test_a_draft_never_submitted_sends_nothing(mail_app, smtp, moment):
    with mail_app.app_context():
        store = store_of(mail_app)
        draft = store.create_draft("signup", "1", "en", "k" * 16)
        deleted = store.create_draft("signup", "1", "en", "j" * 16)
        for response in (draft, deleted):
            enqueue(f"email:receipt:{response.id}", "email",
                    {"to": "a@example.ca", "subject": "s", "text": "t", "html": ""},
                    after_submit=response.id)
        store.delete(deleted.id)
    first = run_once(mail_app)
    assert (first.waiting, first.cancelled, first.sent) == (1, 1, 0)
    moment.advance(hours=25)
    assert run_once(mail_app).cancelled == 1
    assert {m.status for m in messages(mail_app)} == {CANCELLED} and smtp.messages == []


def test_an_idempotency_id_is_queued_once(mail_app):
    with mail_app.app_context():
        payload = {"to": "a@example.ca", "subject": "s", "text": "t"}
        assert enqueue("email:same", "email", payload) is True
        assert enqueue("email:same", "email", {**payload, "subject": "other"}) is False
    [message] = messages(mail_app)
    assert message.payload["subject"] == "s"


def test_submitting_twice_queues_one_receipt(mail_app, smtp):
    from formkit.testing import Browser, fill

    browser = Browser(mail_app.test_client())
    fill(browser, mail_app, "signup")
    assert len(messages(mail_app)) == 1


# -- retries, dead letters ---------------------------------------------------------------
def test_failures_back_off_then_go_to_the_dead_letters(mail_app, smtp, moment):
    submit(mail_app, "signup")
    smtp.refuse = MAX_ATTEMPTS
    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        run = run_once(mail_app)
        [message] = messages(mail_app)
        if attempt < MAX_ATTEMPTS:
            assert run.retried == 1 and message.status == QUEUED
            assert "451" in message.last_error and message.attempts == attempt
            assert deliveries(run_once(mail_app)) == 0  # not before its time
            waits.append(message.next_at - moment())
            moment.advance(message.next_at - moment() + 1)
        else:
            assert run.dead == 1 and message.status == DEAD
    assert waits == [retry_delay(n) for n in range(1, MAX_ATTEMPTS)]
    assert waits[:3] == [30, 60, 120] and smtp.messages == []
    add_user(mail_app)
    admin = mail_app.test_client()
    sign_in(admin)
    page = admin.get("/admin/outbox?lang=fr")
    assert "Échec : non envoyé" in text_of(page) and "451" in text_of(page)
    [dead] = messages(mail_app, DEAD)
    retried = admin.post(f"/admin/outbox/{dead.id}/retry",
                         data={"csrf_token": csrf(admin, "/admin/outbox")})
    assert retried.status_code == 302
    assert run_once(mail_app).sent == 1 and len(smtp.messages) == 1
    again = admin.post(f"/admin/outbox/{dead.id}/retry",
                       data={"csrf_token": csrf(admin, "/admin/outbox")})
    assert again.status_code == 404


def test_a_coordinator_cannot_see_or_retry_the_outbox(mail_app):
    add_user(mail_app, "coord@example.ca", role="coordinator", forms=["signup"])
    client = mail_app.test_client()
    sign_in(client, "coord@example.ca")
    assert client.get("/admin/outbox").status_code == 403
    assert client.post("/admin/outbox/email:x/retry",
                       data={"csrf_token": csrf(client, "/admin/")}).status_code == 403


def test_a_worker_that_dies_mid_delivery_is_replaced_after_its_lease(mail_app, smtp, moment):
    submit(mail_app, "signup")
    with mail_app.app_context():
        claimed = store_of(mail_app).claim_messages(moment(), 10, LEASE, ["email"])
    assert len(claimed) == 1  # ...and that worker is killed before it sends
    assert deliveries(run_once(mail_app)) == 0
    moment.advance(LEASE + 1)
    assert run_once(mail_app).sent == 1 and len(smtp.messages) == 1


def test_concurrent_workers_deliver_each_message_once(mail_app, smtp):
    with mail_app.app_context():
        for number in range(40):
            enqueue(f"email:bulk:{number}", "email", {
                "to": f"p{number}@example.ca", "subject": f"n{number}", "text": "t",
                "html": ""})
    with ThreadPoolExecutor(4) as pool:
        runs = list(pool.map(lambda _n: run_once(mail_app, limit=5), range(16)))
    assert sum(r.sent for r in runs) == 40
    assert sorted(subject(m) for m in smtp.messages) == sorted(
        f"n{n}" for n in range(40))


# -- the membership welcome ----------------------------------------------------------------
def test_membership_sends_its_promised_welcome_only_with_consent(mail_app, smtp):
    page = text_of(submit_page(mail_app, "membership", "en"))
    assert "A welcome message is on its way" in page
    submit(mail_app, "membership", "fr", {3: {"q_consent_contact": "no"}})
    run_once(mail_app)
    [welcome] = smtp.messages
    assert subject(welcome).startswith("Welcome to the Community of Practice")
    assert "dates of upcoming meetings" in body(welcome)


def submit_page(app, form_id, lang):
    from formkit.testing import fill_form

    return fill_form(app, form_id, lang)


# -- coordinators' alerts and digests ------------------------------------------------------
def choose_alerts(client, **fields):
    return client.post("/admin/account", data={"csrf_token": csrf(client, "/admin/account"),
                                               **fields})


def test_alerts_each_when_and_digest(mail_app, smtp, moment):
    add_user(mail_app, "each@example.ca", role="coordinator", forms=["signup"])
    add_user(mail_app, "east@example.ca", role="coordinator", forms=["signup"])
    add_user(mail_app, "daily@example.ca", role="coordinator", forms=["signup"])
    add_user(mail_app, "other@example.ca", role="coordinator", forms=["membership"])
    add_user(mail_app, "moved@example.ca", role="coordinator", forms=["signup"])
    each, east, daily, other, moved = (mail_app.test_client() for _ in range(5))
    for client, address in ((each, "each"), (east, "east"), (daily, "daily"),
                            (other, "other"), (moved, "moved")):
        sign_in(client, f"{address}@example.ca")
    # alerts chosen while the form was theirs stop when it is taken away
    choose_alerts(moved, **{"mode-signup": "each", "language": "en"})
    with mail_app.app_context():
        store = store_of(mail_app)
        store.update_user(store.find_user("moved@example.ca").id, forms=["membership"])
    assert choose_alerts(each, **{"mode-signup": "each", "language": "fr"}).status_code == 302
    page = each.get("/admin/account")
    assert 'value="each" checked' in page.text
    east_page = east.get("/admin/account").text
    assert "Region → East" in east_page
    index = east_page.split("Region → East")[0].rsplit('value="', 1)[1].split('"')[0]
    choose_alerts(east, **{"mode-signup": "when", "when-signup": index, "language": "en"})
    choose_alerts(daily, **{"mode-signup": "digest", "language": "en"})
    # a coordinator cannot ask for alerts on a form they do not see
    choose_alerts(other, **{"mode-signup": "each", "language": "en"})
    refused = choose_alerts(east, **{"mode-signup": "when", "when-signup": "99"})
    assert "Choose the answer" in text_of(east.get(refused.headers["Location"]))

    submit(mail_app, "signup", overrides={0: {"q_region": "west"}})
    submit(mail_app, "signup", overrides={0: {"q_region": "east"}})
    run_once(mail_app)
    alerts = [m for m in smtp.messages
              if subject(m).startswith(("New response", "Nouvelle réponse"))]
    assert sorted(m["To"] for m in alerts) == ["each@example.ca", "each@example.ca",
                                               "east@example.ca"]
    french = next(m for m in alerts if m["To"] == "each@example.ca")
    assert subject(french).startswith("Nouvelle réponse à Inscription à l’atelier")
    assert "https://forms.example.ca/admin/responses/" in body(french)
    # the digest comes once, after the digest hour, counting the day's responses
    moment.time = _next_local(mail_app, moment, hour=mail_app.config["DIGEST_HOUR"] + 1)
    run_once(mail_app)
    run_once(mail_app)
    digests = [m for m in smtp.messages if m["To"] == "daily@example.ca"]
    assert len(digests) == 1
    with mail_app.app_context():  # one digest run a day, however many passes
        day = digests[0]["X-Formkit-Message-Id"].rsplit(":", 1)[1]
        runs = [m.id for m in store_of(mail_app).list_messages()
                if m.kind == "digest-run" and m.payload["day"] == day]
    assert runs == [f"digest-run:{day}"]
    assert "Workshop sign-up: 2 new responses" in body(digests[0])
    assert not [m for m in smtp.messages
                if m["To"] in ("other@example.ca", "moved@example.ca")]


def _next_local(app, moment, hour):
    """The next day's ``hour`` in the site's time zone, from the test's clock."""
    import datetime
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
    now = datetime.datetime.fromtimestamp(moment(), zone) + datetime.timedelta(days=1)
    return now.replace(hour=hour, minute=5).timestamp()


# -- the worker `formkit serve` starts ------------------------------------------------------
def test_serve_runs_the_worker(tmp_path, store_url, live_server, smtp, forms_dir):
    server = live_server(workers=2, FORMKIT_STORE=store_url, FORMKIT_FORMS_DIR=str(forms_dir),
                         FORMKIT_MAIL_SERVER="127.0.0.1", FORMKIT_MAIL_PORT=str(smtp.port))
    import urllib.parse
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    page = opener.open(server.url + "/f/signup/").read().decode()
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    key = page.split('name="_key" value="')[1].split('"')[0]
    data = urllib.parse.urlencode({"csrf_token": token, "_key": key, "_action": "submit",
                                   "q_name": "Sam", "q_email": "sam@example.ca",
                                   "q_region": "east"}).encode()
    assert "/done/" in opener.open(server.url + "/f/signup/page/0", data).url
    [receipt] = smtp.wait_for(1)
    assert receipt["To"] == "sam@example.ca"


# -- a server that is down, a worker that is killed --------------------------------------
def test_an_smtp_server_down_then_up_gets_the_email(tmp_path, store_url, forms_dir, moment):
    port = free_port()  # nothing listens there yet
    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(forms_dir),
                   MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=5, CLOCK=moment)
    submit(app, "signup")
    run = run_once(app)
    [message] = messages(app)
    assert run.retried == 1 and "Connection refused" in message.last_error
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        moment.advance(retry_delay(1) + 1)
        assert run_once(app).sent == 1 and len(inbox.messages) == 1
    finally:
        controller.stop()
        store_of(app).close()


class SlowInbox(Inbox):
    """Takes a while to accept each message, so a worker can be killed meanwhile."""

    def __init__(self, delay: float):
        super().__init__()
        self.delay = delay
        self.started = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        self.started.set()
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


def test_a_worker_killed_mid_delivery_delivers_after_restart(tmp_path, store_url, forms_dir):
    """A real `formkit worker` process is killed (SIGKILL) while the SMTP server holds its
    message; the next worker delivers it once its lease runs out. The only copy that can
    arrive twice is the one the server never acknowledged, under the same id."""
    import os
    import signal
    import subprocess
    import sys

    inbox = SlowInbox(delay=4)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(forms_dir))
    response = submit(app, "signup")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORMKIT_")}
    env.update(FORMKIT_STORE=store_url, FORMKIT_INSTANCE_PATH=str(tmp_path / "instance"),
               FORMKIT_FORMS_DIR=str(forms_dir), FORMKIT_PLUGINS_DIR=str(tmp_path / "none"),
               FORMKIT_SECRET_KEY="test-secret", FORMKIT_MAIL_SERVER="127.0.0.1",
               FORMKIT_MAIL_PORT=str(controller.port), FORMKIT_OUTBOX_LEASE_SECONDS="2")
    command = [sys.executable, "-m", "formkit.cli", "worker", "--interval", "0.2"]
    try:
        first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        assert inbox.started.wait(30), "the first worker never reached the SMTP server"
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
        assert [m.status for m in messages(app)] == [QUEUED]  # not marked sent: not lost
        inbox.delay = 0
        second = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and messages(app)[0].status != SENT:
                time.sleep(0.2)
        finally:
            second.terminate()
            second.wait(10)
        [message] = messages(app)
        assert message.status == SENT
        ids = {m["X-Formkit-Message-Id"] for m in inbox.messages}
        assert ids == {f"email:receipt:{response.id}"}
        assert 1 <= len(inbox.messages) <= 2  # the unacknowledged copy, at most
    finally:
        controller.stop()
        store_of(app).close()

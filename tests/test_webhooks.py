"""Signed webhooks through the outbox, on both stores, with real HTTP receivers on
loopback (http.server in a thread): delivery and signature checked the way
docs/webhooks.md tells a receiver to, retries after the receiver was down, a worker
process killed mid-burst, refusals of loopback and private targets, no redirect
followed, the review-status event, and the CLI."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import add_user, csrf, free_port, make_app, sign_in, store_of, submit
from formkit.cli import main
from formkit.outbox import run_once
from formkit.outbox.queue import retry_delay
from formkit.storage import QUEUED, SENT
from formkit.webhooks import BadSubscription, subscribe
from formkit.webhooks.events import send_test_event
from formkit.webhooks.targets import TargetRefused, check_target

FORM = """
id: signup
version: 1
title: {en: Workshop sign-up, fr: Inscription à l’atelier}
sections:
  - id: you
    title: {en: You, fr: Vous}
    fields:
      - {id: name, type: text, label: {en: Name, fr: Nom}, required: true}
      - id: region
        type: choice
        label: {en: Region, fr: Région}
        choices:
          - {key: east, label: {en: East, fr: Est}}
          - {key: west, label: {en: West, fr: Ouest}}
"""
LOOPBACK = ["127.0.0.1"]


class Receiver:
    """A real HTTP server on loopback that records what it is sent and answers
    ``status`` (``delay`` seconds late)."""

    def __init__(self, port: int = 0, status: int = 204, delay: float = 0.0,
                 headers: dict[str, str] | None = None):
        self.requests: list[dict] = []
        self.status, self.delay, self.headers = status, delay, headers or {}
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    receiver.requests.append({"path": self.path, "body": raw,
                                              "headers": dict(self.headers)})
                if receiver.delay:
                    time.sleep(receiver.delay)  # a slow receiver, not waiting for time
                self.send_response(receiver.status)
                for name, value in receiver.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def event_ids(self) -> list[str]:
        with self.lock:
            return [r["headers"]["X-Formkit-Event-Id"] for r in self.requests]


def verified(secret: str, request: dict, now: float, tolerance: float = 300) -> bool:
    """The receiver's check exactly as docs/webhooks.md writes it."""
    timestamp = request["headers"]["X-Formkit-Timestamp"]
    signed = timestamp.encode() + b"." + request["body"]
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return (hmac.compare_digest(expected, request["headers"]["X-Formkit-Signature"])
            and abs(now - int(timestamp)) <= tolerance)


@pytest.fixture
def forms_dir(tmp_path):
    folder = tmp_path / "forms"
    folder.mkdir()
    (folder / "signup.yaml").write_text(FORM)
    return folder


@pytest.fixture
def hook_app(tmp_path, store_url, forms_dir, moment):
    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(forms_dir), CLOCK=moment,
                   WEBHOOK_ALLOWED_HOSTS=LOOPBACK)
    yield app
    store_of(app).close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.stop()


def add_hook(app, url: str, events: str = "submitted,reviewed") -> tuple[str, str]:
    """``formkit webhook add``; (webhook id, secret from the last line)."""
    result = app.test_cli_runner().invoke(main, ["webhook", "add", "signup", url,
                                                "--events", events])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    [hook] = [h for h in store_of(app).list_webhooks("signup") if h.secret == secret]
    return hook.id, secret


def hook_messages(app, status=None):
    with app.app_context():
        return [m for m in store_of(app).list_messages(status, 1000) if m.kind == "webhook"]


# -- delivery and signature -----------------------------------------------------------
def test_a_submitted_response_is_posted_signed(hook_app, receiver, moment):
    hook_id, secret = add_hook(hook_app, receiver.url)
    assert secret.startswith("whsec_") and len(secret) > 40
    response = submit(hook_app, "signup", "fr", {0: {"q_region": "west"}})
    [message] = hook_messages(hook_app)
    assert message.status == QUEUED and message.id == f"webhook:{hook_id}:submitted:{response.id}"
    run = run_once(hook_app)
    assert run.sent == 1 and run.errors == []
    [request] = receiver.requests
    assert request["path"] == "/hook"
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["headers"]["X-Formkit-Event-Id"] == f"submitted:{response.id}"
    assert verified(secret, request, moment())
    assert not verified("whsec_other", request, moment())
    assert not verified(secret, request, moment() + 3600)  # a replay an hour later
    event = json.loads(request["body"])
    assert event["event"] == "submitted" and event["id"] == f"submitted:{response.id}"
    assert event["data"]["id"] == response.id and event["data"]["locale"] == "fr"
    assert event["data"]["reference"] == response.reference
    assert event["data"]["answers"]["region"] == "west"  # the stored code, not a label
    [sent] = hook_messages(hook_app)
    assert sent.status == SENT
    assert "body" not in sent.payload  # the answers do not outlive the delivery
    with hook_app.app_context():
        [attempt] = store_of(hook_app).list_webhook_attempts(hook_id)
    assert attempt["ok"] and attempt["code"] == 204 and attempt["error"] is None
    assert run_once(hook_app).sent == 0 and len(receiver.requests) == 1  # once


def test_a_tampered_body_fails_the_documented_check(hook_app, receiver, moment):
    _hook_id, secret = add_hook(hook_app, receiver.url)
    submit(hook_app, "signup")
    run_once(hook_app)
    [request] = receiver.requests
    tampered = {**request, "body": request["body"].replace(b"east", b"west")}
    assert verified(secret, request, moment())
    assert not verified(secret, tampered, moment())


def test_only_the_events_chosen_and_only_that_forms(hook_app, receiver):
    add_hook(hook_app, receiver.url, events="reviewed")
    submit(hook_app, "signup")
    assert hook_messages(hook_app) == []


def test_a_submit_that_never_happened_sends_nothing(hook_app, receiver):
    """The "submitted" event is queued before the submit write and held until it: a
    process dying between the two sends nothing false."""
    from formkit.webhooks import events

    add_hook(hook_app, receiver.url)
    with hook_app.app_context():
        store = store_of(hook_app)
        draft = store.create_draft("signup", "1", "en", "never-submitted",
                                   answers={"name": "Alex"})
        form = hook_app.extensions["formkit"].registry.get_form("signup")
        assert events.before_submit(form, draft) == 1
    run = run_once(hook_app)
    assert run.waiting == 1 and run.sent == 0 and receiver.requests == []
    with hook_app.app_context():
        store.submit(draft)  # the retry that does submit it
    moment = hook_app.config["CLOCK"]
    moment.advance(61)
    assert run_once(hook_app).sent == 1 and len(receiver.requests) == 1


def test_receiver_down_then_up_is_delivered_after_a_retry(hook_app, moment):
    port = free_port()
    _hook_id, secret = add_hook(hook_app, f"http://127.0.0.1:{port}/hook")
    response = submit(hook_app, "signup")
    first = run_once(hook_app)
    assert first.retried == 1 and "ConnectionRefusedError" in first.errors[0]
    [message] = hook_messages(hook_app)
    assert message.status == QUEUED and message.attempts == 1
    assert run_once(hook_app).handled == 0  # backing off
    up = Receiver(port=port)
    try:
        moment.advance(retry_delay(1))
        assert run_once(hook_app).sent == 1
        [request] = up.requests
        assert request["headers"]["X-Formkit-Event-Id"] == f"submitted:{response.id}"
        assert verified(secret, request, moment())
    finally:
        up.stop()
    assert [m.status for m in hook_messages(hook_app)] == [SENT]


def test_an_error_status_is_retried_then_dead_with_the_same_event_id(hook_app, moment):
    failing = Receiver(status=500)
    try:
        hook_id, _secret = add_hook(hook_app, failing.url)
        submit(hook_app, "signup")
        for attempt in range(1, 9):
            run_once(hook_app)
            moment.advance(retry_delay(attempt))
        assert len(failing.requests) == 8 and len(set(failing.event_ids())) == 1
        assert [m.status for m in hook_messages(hook_app)] == ["dead"]
        with hook_app.app_context():
            log = store_of(hook_app).list_webhook_attempts(hook_id)
        assert len(log) == 8 and {a["code"] for a in log} == {500}
        assert "HTTP 500" in log[0]["error"]
    finally:
        failing.stop()


def test_a_redirect_is_not_followed(hook_app, receiver):
    redirecting = Receiver(status=307, headers={"Location": receiver.url})
    try:
        hook_id, _secret = add_hook(hook_app, redirecting.url)
        submit(hook_app, "signup")
        run = run_once(hook_app)
        assert run.retried == 1 and "HTTP 307" in run.errors[0]
        assert len(redirecting.requests) == 1 and receiver.requests == []
        with hook_app.app_context():
            [attempt] = store_of(hook_app).list_webhook_attempts(hook_id)
        assert attempt["code"] == 307 and not attempt["ok"]
    finally:
        redirecting.stop()


def test_a_review_status_change_is_an_event(hook_app, receiver):
    hook_id, secret = add_hook(hook_app, receiver.url, events="reviewed")
    response = submit(hook_app, "signup")
    add_user(hook_app)
    client = hook_app.test_client()
    sign_in(client)
    token = csrf(client, f"/admin/responses/{response.id}")
    for status in ("reviewed", "followed_up"):
        client.post(f"/admin/responses/{response.id}/status",
                    data={"csrf_token": token, "status": status, "comment": "ok"})
    assert run_once(hook_app).sent == 2
    events = [json.loads(r["body"]) for r in receiver.requests]
    assert [e["id"] for e in events] == [f"reviewed:{response.id}:1", f"reviewed:{response.id}:2"]
    assert [e["data"]["change"]["to"] for e in events] == ["reviewed", "followed_up"]
    assert events[1]["data"]["change"]["from"] == "reviewed"


def test_removed_webhook_sends_nothing_more(hook_app, receiver):
    hook_id, _secret = add_hook(hook_app, receiver.url)
    submit(hook_app, "signup")
    result = hook_app.test_cli_runner().invoke(main, ["webhook", "remove", hook_id])
    assert result.exit_code == 0
    assert run_once(hook_app).cancelled == 1
    assert receiver.requests == []
    [cancelled] = hook_messages(hook_app)
    assert cancelled.status == "cancelled" and "body" not in cancelled.payload
    listed = hook_app.test_cli_runner().invoke(main, ["webhook", "list"])
    assert hook_id not in listed.output and "no webhooks" in listed.output


def test_the_cli_lists_without_secrets_and_refuses_unknown_events(hook_app, receiver):
    hook_id, secret = add_hook(hook_app, receiver.url)
    listed = hook_app.test_cli_runner().invoke(main, ["webhook", "list"])
    assert hook_id in listed.output and secret not in listed.output
    bad = hook_app.test_cli_runner().invoke(
        main, ["webhook", "add", "signup", receiver.url, "--events", "submitted,deleted"])
    assert bad.exit_code != 0 and "unknown event(s): deleted" in bad.output
    unknown_form = hook_app.test_cli_runner().invoke(
        main, ["webhook", "add", "nope", receiver.url])
    assert unknown_form.exit_code != 0
    assert len(store_of(hook_app).list_webhooks()) == 1


# -- server-side request forgery ------------------------------------------------------
@pytest.mark.parametrize("url", [
    "http://127.0.0.1/hook", "http://127.1.2.3:8080/", "http://10.0.0.5/hook",
    "http://192.168.1.1/", "http://172.16.0.1/", "http://169.254.169.254/latest/meta-data",
    "http://[::1]/hook", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/",
    "http://224.0.0.1/", "http://100.64.0.1/", "http://localhost:9000/hook",
])
def test_loopback_and_private_targets_are_refused(url):
    with pytest.raises(TargetRefused, match="loopback, private or reserved"):
        check_target(url, [])


@pytest.mark.parametrize("url", ["ftp://example.ca/", "file:///etc/passwd", "http:///x",
                                 "http://user:pw@93.184.215.14/", "javascript:alert(1)",
                                 "http://93.184.215.14:99999/"])
def test_other_addresses_are_refused(url):
    with pytest.raises(TargetRefused):
        check_target(url, [])


def test_a_public_address_is_accepted_and_the_allow_list_opens_a_host():
    assert check_target("https://93.184.215.14/x?a=1", []).path == "/x?a=1"
    assert check_target("https://93.184.215.14/réponse?q=é&b=1", []).path == \
        "/r%C3%A9ponse?q=%C3%A9&b=1"
    assert check_target("http://127.0.0.1:9/", ["127.0.0.1"]).addresses == ("127.0.0.1",)
    assert check_target("http://[::1]:9/", ["[::1]"]).addresses == ("::1",)


def test_the_cli_refuses_a_private_target_without_the_allow_list(tmp_path, store_url,
                                                                  forms_dir):
    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(forms_dir))
    try:
        result = app.test_cli_runner().invoke(
            main, ["webhook", "add", "signup", "http://127.0.0.1:9/hook"])
        assert result.exit_code != 0 and "FORMKIT_WEBHOOK_ALLOWED_HOSTS" in result.output
        assert store_of(app).list_webhooks() == []
        with app.app_context(), pytest.raises(BadSubscription):
            subscribe("signup", "http://localhost/", "submitted", [])
    finally:
        store_of(app).close()


def test_the_target_is_checked_again_at_delivery(hook_app, receiver):
    hook_id, _secret = add_hook(hook_app, receiver.url)
    submit(hook_app, "signup")
    hook_app.config["WEBHOOK_ALLOWED_HOSTS"] = []  # as if the name now led to loopback
    run = run_once(hook_app)
    assert run.retried == 1 and "TargetRefused" in run.errors[0]
    assert receiver.requests == []
    with hook_app.app_context():
        [attempt] = store_of(hook_app).list_webhook_attempts(hook_id)
    assert attempt["code"] is None and "loopback" in attempt["error"]


# -- a worker killed mid-burst ----------------------------------------------------------
def test_a_worker_killed_mid_burst_loses_no_event(tmp_path, store_url, forms_dir):
    """A real `formkit worker` process is SIGKILLed while a slow receiver takes a burst
    of events; the next worker delivers every one once the lease runs out. The only
    events that can arrive twice are those in flight when it died, with the same id."""
    receiver = Receiver(delay=0.2)
    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(forms_dir),
                   WEBHOOK_ALLOWED_HOSTS=LOOPBACK)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FORMKIT_")}
    env.update(FORMKIT_STORE=store_url, FORMKIT_INSTANCE_PATH=str(tmp_path / "instance"),
               FORMKIT_FORMS_DIR=str(forms_dir), FORMKIT_PLUGINS_DIR=str(tmp_path / "none"),
               FORMKIT_SECRET_KEY="test-secret", FORMKIT_OUTBOX_LEASE_SECONDS="2",
               FORMKIT_WEBHOOK_ALLOWED_HOSTS=json.dumps(LOOPBACK))
    command = [sys.executable, "-m", "formkit.cli", "worker", "--interval", "0.2"]
    try:
        hook_id, _secret = add_hook(app, receiver.url)
        with app.app_context():
            hook = store_of(app).get_webhook(hook_id)
            sent = {send_test_event(hook) for _ in range(15)}
        sent |= {f"submitted:{submit(app, 'signup').id}" for _ in range(5)}
        first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while len(receiver.requests) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
        delivered_before = len(set(receiver.event_ids()))
        assert 3 <= delivered_before < len(sent)  # killed mid-burst
        receiver.delay = 0
        second = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and (
                    {m.status for m in hook_messages(app)} != {SENT}):
                time.sleep(0.2)
        finally:
            second.terminate()
            second.wait(10)
        assert [m.status for m in hook_messages(app)] == [SENT] * len(sent)
        ids = receiver.event_ids()
        assert set(ids) == sent  # every event, none lost
        assert len(ids) - len(sent) <= 1  # only the one in flight came twice
    finally:
        receiver.stop()
        store_of(app).close()


# -- the admin page ------------------------------------------------------------------------
def admin_client(app):
    add_user(app)
    client = app.test_client()
    sign_in(client)
    return client


def test_the_admin_page_adds_shows_the_secret_once_logs_and_tests(hook_app, receiver):
    client = admin_client(hook_app)
    token = csrf(client, "/admin/webhooks")
    added = client.post("/admin/webhooks", data={"csrf_token": token, "form": "signup",
                                                 "url": receiver.url,
                                                 "events": ["submitted"]})
    assert added.status_code == 201
    [hook] = store_of(hook_app).list_webhooks("signup")
    assert hook.secret in added.text and hook.events == ["submitted"]
    listing = client.get("/admin/webhooks")
    assert receiver.url in listing.text and hook.secret not in listing.text
    sent = client.post(f"/admin/webhooks/{hook.id}/test", data={"csrf_token": token})
    assert sent.status_code == 302 and sent.headers["Location"].endswith(hook.id)
    assert run_once(hook_app).sent == 1
    [request] = receiver.requests
    assert json.loads(request["body"])["event"] == "test"
    assert verified(hook.secret, request, hook_app.config["CLOCK"]())
    log = client.get(f"/admin/webhooks/{hook.id}")
    assert log.status_code == 200 and "Delivered" in log.text
    assert request["headers"]["X-Formkit-Event-Id"] in log.text and "204" in log.text
    gone = client.post(f"/admin/webhooks/{hook.id}/remove", data={"csrf_token": token})
    assert gone.status_code == 302 and store_of(hook_app).list_webhooks() == []
    again = client.post(f"/admin/webhooks/{hook.id}/remove", data={"csrf_token": token})
    assert again.status_code == 404
    assert client.get(f"/admin/webhooks/{hook.id}").status_code == 404


@pytest.mark.parametrize(("body", "message"), [
    ({"form": "signup", "url": "http://10.0.0.5/hook", "events": ["submitted"]},
     "réseau de bouclage, privé ou réservé"),
    ({"form": "signup", "url": "ftp://example.ca/", "events": ["submitted"]},
     "commençant par http:// ou https://"),
    ({"form": "signup", "url": "http://a b/", "events": ["submitted"]},
     "commençant par http:// ou https://"),
    ({"form": "signup", "url": "https://93.184.215.14/", "events": []},
     "au moins un événement"),
    ({"form": "nope", "url": "https://93.184.215.14/", "events": ["submitted"]},
     "Choisissez un formulaire"),
    ({"form": "signup", "url": "x" * 5000, "events": ["submitted"]},
     "commençant par http:// ou https://"),
])
def test_bad_input_on_the_admin_page_is_refused_in_french_and_kept(tmp_path, store_url,
                                                                  forms_dir, body, message):
    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(forms_dir))
    try:
        client = admin_client(app)
        token = csrf(client, "/admin/webhooks")
        answer = client.post("/admin/webhooks?lang=fr", data={"csrf_token": token, **body})
        assert answer.status_code == 422 and message in answer.text
        assert body["url"][:100] in answer.text  # what was typed is kept
        assert store_of(app).list_webhooks() == []
    finally:
        store_of(app).close()


def test_the_delivery_log_keeps_the_latest_attempts(hook_app, receiver):
    from formkit.storage.base import WEBHOOK_LOG_KEPT

    hook_id, _secret = add_hook(hook_app, receiver.url)
    other_id, _other = add_hook(hook_app, receiver.url)
    with hook_app.app_context():
        store = store_of(hook_app)
        for number in range(WEBHOOK_LOG_KEPT + 5):
            store.log_webhook_attempt({"webhook_id": hook_id, "event_id": f"e{number}",
                                       "ok": True})
        store.log_webhook_attempt({"webhook_id": other_id, "event_id": "x", "ok": True})
        log = store.list_webhook_attempts(hook_id, 1000)
        assert len(log) == WEBHOOK_LOG_KEPT
        assert log[0]["event_id"] == f"e{WEBHOOK_LOG_KEPT + 4}" and log[-1]["event_id"] == "e5"
        assert store.remove_webhook(hook_id) and store.list_webhook_attempts(hook_id) == []
        assert len(store.list_webhook_attempts(other_id)) == 1


def test_copies_backups_and_restores_carry_webhooks(hook_app, receiver, tmp_path, pg_url):
    from formkit.storage import open_store, transfer

    hook_id, secret = add_hook(hook_app, receiver.url)
    source = store_of(hook_app)
    for target_url in (str(tmp_path / "copy"), pg_url):
        target = open_store(target_url)
        try:
            copied = transfer.copy(source, target)
            assert copied.webhooks == 1
            assert target.get_webhook(hook_id).secret == secret
        finally:
            target.close()
    transfer.backup(source, tmp_path / "backup.gz")
    restored = open_store(str(tmp_path / "restored"))
    try:
        assert transfer.restore(restored, tmp_path / "backup.gz").webhooks == 1
        assert restored.get_webhook(hook_id).to_dict() == source.get_webhook(hook_id).to_dict()
    finally:
        restored.close()

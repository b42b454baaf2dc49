"""Fixtures: an application on a temporary instance folder, its client and CLI runner."""

from __future__ import annotations

import email
import email.policy
import os
import threading
import time
from pathlib import Path

import pytest

from formkit import testing
from formkit.config import DEFAULTS
from formkit.testing import (  # noqa: F401 - shared with the test modules
    PASSWORD,
    Browser,
    add_user,
    csrf,
    fill,
    form_of,
    page_input,
    sign_in,
    store_of,
    submit,
    text_of,
)

HERE = Path(__file__).parent
ROOT = HERE.parent
TEST_FORMS = HERE / "data" / "forms"


def make_app(tmp_path: Path, **config):
    """An application on ``tmp_path`` with the test forms (unless ``config`` says
    otherwise) and the real password hashing profile."""
    settings = {"FORMS_DIR": str(TEST_FORMS), "ARGON2_PROFILE": DEFAULTS["ARGON2_PROFILE"]}
    settings.update(config)
    return testing.make_app(tmp_path, **settings)


@pytest.fixture(autouse=True)
def hermetic(monkeypatch):
    """No test sees the machine's FORMKIT_* variables (a developer's FORMKIT_STORE must
    never receive test data); tests that need one set it themselves."""
    for name in [n for n in os.environ if n.startswith("FORMKIT_")]:
        monkeypatch.delenv(name)


#: 2026-11-30 12:00 America/Toronto.
NOON = 1_796_058_000.0


@pytest.fixture
def moment():
    """The application's clock for a test (``CLOCK=moment``): it starts at a fixed moment
    (noon in Toronto, a Monday) whatever the machine's clock says, and moves only when
    told, so the hour of day a test runs at never changes what it sees."""
    from formkit.clock import ManualClock

    return ManualClock(NOON)


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def store(app):
    return app.extensions["formkit"].store


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def seed_app(tmp_path):
    """The application with the seed forms and their plugins (cheap password hashing)."""
    return make_app(tmp_path, FORMS_DIR=str(ROOT / "forms"), PLUGINS_DIR=str(ROOT / "plugins"),
                    ARGON2_PROFILE="CHEAPEST")


@pytest.fixture
def admin(seed_app):
    """A client signed in as an administrator of ``seed_app``."""
    app = seed_app
    add_user(app)
    client = app.test_client()
    assert sign_in(client).status_code == 302
    return client


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """``formkit serve`` (gunicorn) in a subprocess on a loopback port."""

    def __init__(self, instance: Path, workers: int = 2, **env: str):
        import os
        import subprocess
        import sys
        import time
        import urllib.request

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.instance = instance
        environment = {**os.environ, "FORMKIT_INSTANCE_PATH": str(instance),
                       "FORMKIT_FORMS_DIR": str(ROOT / "forms"),
                       "FORMKIT_PLUGINS_DIR": str(ROOT / "plugins"),
                       "FORMKIT_SECRET_KEY": "live-test", "FORMKIT_ARGON2_PROFILE": "CHEAPEST",
                       # load tests send thousands of posts from one address on purpose
                       "FORMKIT_FORM_POSTS_PER_ADDRESS": "[1000000, 60]",
                       "FORMKIT_DRAFTS_PER_ADDRESS": "[1000000, 3600]",
                       **env}
        # The server's log goes to a file: a pipe nobody reads would fill and stall it.
        self.log = instance.parent / f"server-{self.port}.log"
        instance.mkdir(parents=True, exist_ok=True)
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "formkit.cli", "serve", "--port", str(self.port),
                 "--workers", str(workers)],
                env=environment, stdout=subprocess.DEVNULL, stderr=log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1).read()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the server did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except Exception:
            self.process.kill()


@pytest.fixture
def live_server(tmp_path):
    servers = []

    def start(**kwargs):
        server = LiveServer(tmp_path / "live-instance", **kwargs)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


#: the test database (.ci/run starts PostgreSQL; trust authentication on loopback).
DATABASE_URL = "postgresql://127.0.0.1:5432/test"


class PostgresSchema:
    """A schema of its own in the test database, migrated, dropped afterwards."""

    def __init__(self):
        import secrets

        import psycopg

        self.name = f"fk_test_{secrets.token_hex(6)}"
        with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {self.name}")
        self.url = f"{DATABASE_URL}?options=-csearch_path%3D{self.name}" \
                   f"&application_name={self.name}"
        from formkit.storage.postgres_store import PostgresStore

        store = PostgresStore(self.url)
        store.upgrade()
        store.close()

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                         "WHERE application_name = %s AND pid <> pg_backend_pid()",
                         (self.name,))
            conn.execute(f"DROP SCHEMA {self.name} CASCADE")


@pytest.fixture(params=["tinydb", "postgresql"])
def store_url(request, tmp_path):
    """The URL of an empty store of each kind: every store-level test runs on both."""
    if request.param == "tinydb":
        yield str(tmp_path / "data")
        return
    schema = PostgresSchema()
    yield schema.url
    schema.drop()


@pytest.fixture
def pg_url():
    """An empty, migrated PostgreSQL schema."""
    schema = PostgresSchema()
    yield schema.url
    schema.drop()


@pytest.fixture
def seed_store_app(tmp_path, store_url):
    """The seed forms and plugins on each store."""
    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(ROOT / "forms"),
                   PLUGINS_DIR=str(ROOT / "plugins"))
    yield app
    app.extensions["formkit"].store.close()


@pytest.fixture
def team_app(tmp_path, store_url, moment):
    """The seed forms and plugins on each store, on the test's clock (``moment``), with
    cheap password hashing: what the tests of teams and their cycles run on."""
    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(ROOT / "forms"),
                   PLUGINS_DIR=str(ROOT / "plugins"), ARGON2_PROFILE="CHEAPEST",
                   CLOCK=moment)
    yield app
    app.extensions["formkit"].store.close()


class Inbox:
    """What the SMTP server received; it can refuse the next ``refuse`` messages."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refuse = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refuse:
                self.refuse -= 1
                return "451 4.3.0 Mailbox busy, try again later"
            self.messages.append(email.message_from_bytes(envelope.content,
                                                          policy=email.policy.default))
        return "250 Message accepted"

    def wait_for(self, count: int, seconds: float = 30) -> list:
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


@pytest.fixture
def smtp():
    """A real SMTP server on loopback (aiosmtpd); ``smtp.port``, ``smtp.messages``."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


def member_client(app, email: str, team=None):
    """A client signed in as the community member ``email`` through a one-time link
    (issued directly, as the email would carry it), pressing the link's one button."""
    from formkit.teams import links

    with app.test_request_context("/"):
        token = links.issue(email, team)
    client = app.test_client()
    answer = client.post(f"/signin/{token}",
                         data={"csrf_token": csrf(client, f"/signin/{token}")})
    assert answer.status_code == 302, answer.text
    return client

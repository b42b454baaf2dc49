"""Fixtures: an application on a temporary instance folder, its client and CLI runner."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from formkit import create_app
from formkit.flow import visible_pages

HERE = Path(__file__).parent
ROOT = HERE.parent
TEST_FORMS = HERE / "data" / "forms"


def make_app(tmp_path: Path, **config):
    settings = {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "FORMS_DIR": str(TEST_FORMS),
        "PLUGINS_DIR": str(tmp_path / "no-plugins"),
        "SECRET_KEY": "test-secret",
    }
    settings.update(config)
    return create_app(settings)


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


class Browser:
    """Drives the test client like a person: each POST carries the CSRF token and the
    response key of the last page shown, as the browser would send them."""

    def __init__(self, client):
        self.client = client
        self.page = None

    def get(self, url: str, **kwargs):
        self.page = self.client.get(url, **kwargs)
        return self.page

    def follow(self, response):
        while response.status_code in (301, 302, 303):
            response = self.get(response.headers["Location"])
        return response

    def hidden(self, name: str) -> str:
        match = re.search(rf'name="{name}" value="([^"]*)"', self.page.get_data(as_text=True))
        assert match, f"no hidden {name} on the page"
        return match.group(1)

    def post(self, url: str, data: dict | None = None, action: str = "next", **kwargs):
        payload = {"csrf_token": self.hidden("csrf_token"), "_action": action}
        if "_key" in self.page.get_data(as_text=True):
            payload["_key"] = self.hidden("_key")
        payload.update(data or {})
        response = self.client.post(url, data=payload, **kwargs)
        if response.status_code not in (301, 302, 303):
            self.page = response
        return response


@pytest.fixture
def browser(client):
    return Browser(client)


def form_of(app, form_id):
    return app.extensions["formkit"].registry.get_form(form_id)


def page_input(section, overrides=None):
    data = {}
    for spec in section.fields:
        if spec.stores_value:
            data.update(spec.kind.sample_formdata(spec))
    data.update(overrides or {})
    return data


def fill(browser, app, form_id, lang="en", overrides=None, start_args=""):
    """Fill every visible page with valid sample input, then submit; returns the result
    page. ``overrides`` maps page index to field input replacing the samples."""
    form = form_of(app, form_id)
    page = browser.follow(browser.get(f"/f/{form_id}/?lang={lang}{start_args}"))
    while True:
        match = re.search(r'action="/f/\w+/page/(\d+)"', page.text)
        index = int(match.group(1))
        data = page_input(form.sections[index], (overrides or {}).get(index))
        with app.test_request_context("/"):
            store = app.extensions["formkit"].store
            drafts = [r for r in store.iter_responses(form_id) if not r.is_submitted]
        answers = drafts[-1].answers if drafts else {}
        last = index == visible_pages(form, answers)[-1] and 'value="submit"' in page.text
        response = browser.post(f"/f/{form_id}/page/{index}", data,
                                action="submit" if last else "next")
        assert response.status_code == 302, text_of(response)[:2000]
        page = browser.follow(response)
        if "/done/" in page.request.path:
            return page


PASSWORD = "a long enough secret"


@pytest.fixture
def seed_app(tmp_path):
    """The application with the seed forms and their plugins (cheap password hashing)."""
    return make_app(tmp_path, FORMS_DIR=str(ROOT / "forms"), PLUGINS_DIR=str(ROOT / "plugins"),
                    ARGON2_PROFILE="CHEAPEST")


def add_user(app, email="admin@example.ca", role="admin", forms=(), password=PASSWORD):
    with app.test_request_context("/"):
        from formkit.auth import new_user, set_password
        from formkit.state import current_store

        user = current_store().add_user(new_user(email, role, list(forms)))
        if password:
            user = set_password(user, password)
    return user


def csrf(client, url="/admin/login"):
    page = client.get(url)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def sign_in(client, email="admin@example.ca", password=PASSWORD, **extra):
    return client.post("/admin/login", data={"csrf_token": csrf(client), "email": email,
                                             "password": password, **extra})


@pytest.fixture
def admin(seed_app):
    """A client signed in as an administrator of ``seed_app``."""
    app = seed_app
    add_user(app)
    client = app.test_client()
    assert sign_in(client).status_code == 302
    return client


def store_of(app):
    return app.extensions["formkit"].store


def submit(app, form_id, lang="en", overrides=None):
    fill(Browser(app.test_client()), app, form_id, lang, overrides=overrides)
    return [r for r in store_of(app).iter_responses(form_id) if r.is_submitted][-1]


def text_of(response) -> str:
    """The visible text of a page, roughly (tags removed, spaces folded)."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


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


DATABASE_URL = __import__("os").environ.get("FORMKIT_TEST_DATABASE_URL",
                                             "postgresql://127.0.0.1:5432/test")


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

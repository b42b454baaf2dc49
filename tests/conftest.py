"""Fixtures: an application on a temporary instance folder, its client and CLI runner."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from formkit import create_app

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


def text_of(response) -> str:
    """The visible text of a page, roughly (tags removed, spaces folded)."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()

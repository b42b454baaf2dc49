"""Test helpers and pytest fixtures for formkit and its plugins.

Installed with formkit as a pytest plugin (the ``pytest11`` entry point), so a plugin
package's tests use them with no conftest::

    def test_my_form(formkit_app):
        page = fill_form(formkit_app, "my_form", "fr")
        assert "Merci" in text_of(page)

Fixtures: ``formkit_app`` (an application on a temporary instance folder, with every
installed plugin and no other forms), ``formkit_client``, ``formkit_browser``,
``formkit_coordinator`` and ``formkit_admin`` (test clients signed in to
``formkit_app``); ``formkit_app_factory(**config)`` builds more. Helpers: :class:`Browser`,
:func:`fill`, :func:`fill_form`, :func:`submit`, :func:`page_input`, :func:`text_of`,
:func:`pdf_text`, :func:`add_user`, :func:`sign_in`.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest

from formkit.app import create_app


def make_app(tmp_path: Path, **config):
    """An application whose instance folder (store, secret key) is under ``tmp_path``;
    no forms directory and no plugins directory unless ``config`` names them."""
    settings = {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "FORMS_DIR": str(tmp_path / "no-forms"),
        "PLUGINS_DIR": str(tmp_path / "no-plugins"),
        "SECRET_KEY": "test-secret",
        "ARGON2_PROFILE": "CHEAPEST",
    }
    settings.update(config)
    # Hermetic: no FORMKIT_* variable of the machine, no instance config file.
    return create_app(settings, environment=False)


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
        for name in ("_key", "_prefill"):  # the page's hidden fields
            if f'name="{name}"' in self.page.get_data(as_text=True):
                payload[name] = self.hidden(name)
        payload.update(data or {})
        response = self.client.post(url, data=payload, **kwargs)
        if response.status_code not in (301, 302, 303):
            self.page = response
        return response


#: the password of the accounts the fixtures make
PASSWORD = "a long enough secret"


def add_user(app, email: str = "admin@example.ca", role: str = "admin", forms=(),
             password: str | None = PASSWORD, all_forms: bool = False):
    """An account in ``app``'s store (``role`` "admin" or "coordinator"; a coordinator
    sees ``forms``, or every form with ``all_forms``), with ``password`` set."""
    from formkit.auth import new_user, set_password
    from formkit.state import current_store

    with app.test_request_context("/"):
        user = current_store().add_user(new_user(email, role, list(forms), all_forms))
        if password:
            user = set_password(user, password)
    return user


def csrf(client, url: str = "/admin/login") -> str:
    """The CSRF token of the page at ``url``, for a hand-made POST."""
    page = client.get(url)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def sign_in(client, email: str = "admin@example.ca", password: str = PASSWORD, **extra):
    """Sign ``client`` in through the sign-in page; returns the response (302 when done)."""
    return client.post("/admin/login", data={"csrf_token": csrf(client), "email": email,
                                             "password": password, **extra})


def signed_in_client(app, email: str, role: str, **account):
    """A new test client of ``app`` signed in to a new account."""
    add_user(app, email, role, **account)
    client = app.test_client()
    response = sign_in(client, email)
    assert response.status_code == 302, text_of(response)[:2000]
    return client


def pdf_text(data: bytes) -> str:
    """The text of a PDF (e.g. ``client.get("/admin/responses/<id>/pdf").data``), spaces
    folded, to check a plugin's PDF section or summary."""
    from pypdf import PdfReader  # in formkit's and the scaffold's test extras

    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages))


def form_of(app, form_id: str):
    return app.extensions["formkit"].registry.get_form(form_id)


def store_of(app):
    return app.extensions["formkit"].store


def page_input(section, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Valid input for every field of a page, as a browser would post it."""
    data: dict[str, Any] = {}
    for spec in section.fields:
        if spec.stores_value:
            data.update(spec.kind.sample_formdata(spec))
    data.update(overrides or {})
    return data


def fill(browser: Browser, app, form_id: str, lang: str = "en",
         overrides: dict[int, dict[str, Any]] | None = None, start_args: str = ""):
    """Fill every visible page with valid sample input, then send them from "Check your
    answers"; returns the result page. ``overrides`` maps page index to field input
    replacing the samples."""
    form = form_of(app, form_id)
    page = browser.follow(browser.get(f"/f/{form_id}/?lang={lang}{start_args}"))
    while True:
        match = re.search(r'action="/f/\w+/page/(\d+)"', page.text)
        assert match, f"not a form page: {text_of(page)[:2000]}"
        index = int(match.group(1))
        if 'value="confirm"' in page.text:  # "Check your answers": send them
            response = browser.post(f"/f/{form_id}/page/{index}", {}, action="confirm")
        else:
            data = page_input(form.sections[index], (overrides or {}).get(index))
            response = browser.post(f"/f/{form_id}/page/{index}", data)
        assert response.status_code == 302, text_of(response)[:2000]
        page = browser.follow(response)
        if "/done/" in page.request.path:
            return page


def fill_form(app, form_id: str, lang: str = "en", overrides=None):
    """:func:`fill` with a fresh browser; returns the result page."""
    return fill(Browser(app.test_client()), app, form_id, lang, overrides=overrides)


def submit(app, form_id: str, lang: str = "en", overrides=None):
    """Fill and submit ``form_id``; returns the stored response."""
    fill_form(app, form_id, lang, overrides)
    return [r for r in store_of(app).iter_responses(form_id) if r.is_submitted][-1]


def text_of(response) -> str:
    """The visible text of a page, roughly (tags removed, spaces folded)."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def formkit_app_factory(tmp_path):
    """``formkit_app_factory(**config)``: a new application under ``tmp_path``."""
    count = 0

    def build(**config):
        nonlocal count
        count += 1
        return make_app(tmp_path / f"app{count}", **config)

    return build


@pytest.fixture
def formkit_app(formkit_app_factory):
    """An application with every installed plugin (entry points) and no other forms."""
    return formkit_app_factory()


@pytest.fixture
def formkit_admin(formkit_app):
    """A test client of ``formkit_app`` signed in as an administrator."""
    return signed_in_client(formkit_app, "admin@example.ca", "admin")


@pytest.fixture
def formkit_coordinator(formkit_app):
    """A test client of ``formkit_app`` signed in as a coordinator who sees every form."""
    return signed_in_client(formkit_app, "coordinator@example.ca", "coordinator",
                            all_forms=True)


@pytest.fixture
def formkit_client(formkit_app):
    return formkit_app.test_client()


@pytest.fixture
def formkit_browser(formkit_client):
    return Browser(formkit_client)

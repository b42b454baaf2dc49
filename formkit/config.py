"""Configuration: defaults, then ``<instance>/config.py``, then ``FORMKIT_*`` environment
variables, then the mapping given to ``create_app`` (tests)."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask

#: the interface catalog: compiled inside the package when installed from a wheel
#: (setup.py), else the repository's top-level ``locales/`` (``make translations``).
PACKAGED_LOCALES = Path(__file__).resolve().parent / "locales"
LOCALES_DIR = (PACKAGED_LOCALES if PACKAGED_LOCALES.is_dir()
               else Path(__file__).resolve().parent.parent / "locales")

#: the site's settings file in the forms folder; the form loader skips it (not a form).
SITE_FILE_NAME = "site.yaml"

DEFAULTS: dict[str, Any] = {
    # where things are (relative paths: the store from the instance folder,
    # forms and plugins from the current directory)
    "STORE": "data",
    # refuse to start on a PostgreSQL schema older than this version's (`formkit db upgrade`)
    "CHECK_STORE_SCHEMA": True,
    "FORMS_DIR": "forms",
    # teams (docs/teams.md): the site file with  cycles:  and  public_forms:  (optional;
    # default: site.yaml in the forms folder); CYCLE_FORMS / PUBLIC_FORMS win over it
    "SITE_FILE": None,
    "CYCLE_FORMS": None,
    "PUBLIC_FORMS": None,
    # a team sees its members' aggregate of a member-scoped form from this many answers
    "TEAM_AGGREGATE_MINIMUM": 3,
    "PLUGINS_DIR": "plugins",
    "BLOCKED_PLUGINS": [],
    # refuse to start when a form has an error (``formkit check`` lists them all)
    "STRICT_LOADING": True,
    "ORGANIZATION_NAME": "formkit",
    # limits on what respondents send
    "MAX_TEXT_LENGTH": 5000,
    "MAX_TABLE_ROWS": 50,
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    # languages
    "LANGUAGES": ["en", "fr"],
    "BABEL_DEFAULT_LOCALE": "en",
    # the instance's time zone (FORMKIT_TIMEZONE): every timestamp people read is shown
    # in it; Flask-Babel's BABEL_DEFAULT_TIMEZONE follows it
    "TIMEZONE": None,
    "BABEL_DEFAULT_TIMEZONE": "America/Toronto",
    "BABEL_TRANSLATION_DIRECTORIES": str(LOCALES_DIR),
    # The CSRF token lives as long as the session, so a long survey never fails on submit.
    "WTF_CSRF_TIME_LIMIT": None,
    "WTF_CSRF_SSL_STRICT": False,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": 60 * 60 * 24 * 30,
    # coordinators
    "COORDINATOR_IDLE_MINUTES": 30,
    # a coordinator's session ends this long after sign-in, however active
    "COORDINATOR_SESSION_HOURS": 12,
    # community members (teams): signed in by a one-time link (docs/teams.md)
    "MEMBER_IDLE_MINUTES": 8 * 60,
    # a member's session ends this long after sign-in, however active
    "MEMBER_SESSION_HOURS": 7 * 24,
    # "send me a new link": per client address and per email address, (count, seconds)
    "SIGNIN_LINKS_PER_ADDRESS": (20, 60 * 60),
    "SIGNIN_LINKS_PER_EMAIL": (3, 60 * 60),
    # messages one member may send to other teams (finding peers), (count, seconds)
    "PEER_MESSAGES_PER_DAY": (5, 24 * 60 * 60),
    "ARGON2_PROFILE": "RFC_9106_LOW_MEMORY",
    # epoch seconds for everything stored or compared (tests pass a ManualClock)
    "CLOCK": None,
    # the address people use, for links printed by the command line
    "BASE_URL": "http://127.0.0.1:5000",
    "RESPONSES_PER_PAGE": 25,
    # an export estimated to take longer (seconds) is written by the outbox worker
    "EXPORT_BACKGROUND_SECONDS": 10,
    # rate limits per client address: (count, seconds)
    "FORM_POSTS_PER_ADDRESS": (120, 60),        # per worker process
    "RESUME_FAILURES_PER_ADDRESS": (10, 15 * 60),  # across workers and servers
    # new drafts (responses started): generous for a community centre behind one address
    "DRAFTS_PER_ADDRESS": (300, 60 * 60),       # across workers and servers
    # REST API requests per token, counted in the store (all workers and servers)
    "API_REQUESTS_PER_TOKEN": (600, 60),
    # `formkit store vacuum` removes empty drafts untouched for this many days
    "DRAFT_RETENTION_DAYS": 30,
    # email (Flask-Mailman; FORMKIT_MAIL_SERVER etc.): with no server, emails wait
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_DEFAULT_SENDER": None,
    "MAIL_TIMEOUT": 30,
    # always real SMTP (Flask-Mailman would keep test emails in memory)
    "MAIL_BACKEND": "smtp",
    # a message claimed by a worker that died goes to another after this long
    "OUTBOX_LEASE_SECONDS": 300,
    # the hour (site time zone) after which the day's digests are sent
    "DIGEST_HOUR": 7,
    # the hour (site time zone) after which retention rules are applied each day
    "RETENTION_HOUR": 3,
    # how many reverse proxies stand in front (their X-Forwarded-* headers are trusted)
    "TRUSTED_PROXIES": 0,
    # hosts webhooks may reach though they resolve to loopback or private addresses
    "WEBHOOK_ALLOWED_HOSTS": [],
    "WEBHOOK_TIMEOUT": 10,
}


def load_config(app: Flask, overrides: dict[str, Any] | None, *,
                environment: bool = True) -> None:
    """Fill ``app.config`` in order: defaults, instance file, environment, overrides.

    ``environment=False`` skips the instance file and the environment (hermetic tests:
    a developer's ``FORMKIT_STORE`` must never receive test data)."""
    app.config.update(DEFAULTS)
    if environment:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("FORMKIT")
    if overrides:
        app.config.update(overrides)
    if app.config.get("TIMEZONE"):
        app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    app.config["TIMEZONE"] = app.config["BABEL_DEFAULT_TIMEZONE"]
    _check_zone(app.config["TIMEZONE"])
    for key in ("FORMS_DIR", "PLUGINS_DIR", "SITE_FILE"):
        if app.config.get(key):
            app.config[key] = str(Path(app.config[key]).resolve())
    if not app.config.get("SITE_FILE") and app.config.get("FORMS_DIR"):
        app.config["SITE_FILE"] = str(Path(app.config["FORMS_DIR"]) / SITE_FILE_NAME)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))


def _check_zone(name: Any) -> None:
    """Refuse to start with a time zone that does not exist (every page would fail)."""
    try:
        ZoneInfo(str(name))
    except (ValueError, ZoneInfoNotFoundError):
        raise ValueError(f"TIMEZONE {name!r} is not a time zone: use a name such as "
                         "America/Toronto or America/Vancouver") from None


def _instance_secret(instance: Path) -> str:
    """A secret key kept in the instance folder, made on first start (zero setup).

    Written to a temporary file, then linked into place: workers starting together
    all read the one key that won, and a full or read-only disk leaves no empty key
    behind but stops the start with a message saying what to do."""
    path = instance / "secret_key"
    if not path.exists():
        tmp = None
        try:
            instance.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix="secret_key.", suffix=".tmp", dir=instance)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
                fh.flush()
                os.fsync(fh.fileno())
            with contextlib.suppress(FileExistsError):  # another worker's key won
                os.link(tmp, path)
        except OSError as error:
            raise SecretKeyError(
                f"cannot create the secret key {path}: {error.strerror}. Make the instance "
                "folder writable (and free some space), or set FORMKIT_SECRET_KEY.") from error
        finally:
            if tmp:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
    key = path.read_text().strip()
    if not key:
        raise SecretKeyError(f"the secret key {path} is empty: delete it to make a new one "
                             "(signed-in sessions end), or set FORMKIT_SECRET_KEY.")
    return key


class SecretKeyError(RuntimeError):
    """The instance has no usable secret key and cannot make one."""

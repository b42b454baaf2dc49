"""One-time sign-in links of community members: valid ``LINK_HOURS``, used once (the
store claims them atomically: of two clicks at once, one signs in), only the token's
sha256 kept. The link opens a page with one "Sign in" button, so a mail scanner that
opens links does not use them up."""

from __future__ import annotations

import hashlib
import secrets

from flask import url_for

from formkit import clock
from formkit.outbox.email import send_email, with_language
from formkit.outbox.notifications import absolute_url
from formkit.state import current_store
from formkit.storage import SignInLink, Team

LINK_HOURS = 24


def link_hash(token: str) -> str:
    return hashlib.sha256(f"formkit-signin:{token}".encode()).hexdigest()


def issue(email: str, team: Team | None = None) -> str:
    """A new link's token for the person ``email`` (leading to ``team``)."""
    token = secrets.token_urlsafe(24)
    current_store().add_signin_link(SignInLink(
        id=link_hash(token), email=email.strip().lower(),
        expires=clock.now() + LINK_HOURS * 3600, team_id=team.id if team else None))
    return token


def url(token: str, locale: str | None = None) -> str:
    """The link at the site's public address (``BASE_URL``)."""
    link = absolute_url("signin.confirm", token=token)
    return with_language(link, locale) if locale else link


def claim(token: str) -> SignInLink | None:
    """Use a link (once); ``None`` if unknown, used or expired."""
    if not token or len(token) > 100:
        return None
    return current_store().claim_signin_link(link_hash(token), clock.now())


def send(email: str, name: str, team: Team | None, locale: str, template: str) -> None:
    """Queue an email (``team_invitation`` or ``signin_link``) carrying a new link."""
    token = issue(email, team)
    link = url(token, locale)
    send_email(email, template, {"name": name, "team": team, "link": link,
                                 "hours": LINK_HOURS},
               locale=locale, key=f"signin:{link_hash(token)[:32]}", link=link)


def team_url(team: Team) -> str:
    return url_for("teams.space", slug=team.slug)

"""One-time sign-in links of community members (:mod:`formkit.onetime` links of purpose
``signin``). The link opens a page with one "Sign in" button, so a mail scanner that
opens links does not use them up."""

from __future__ import annotations

from formkit import onetime
from formkit.outbox.email import send_email, with_language
from formkit.outbox.notifications import absolute_url
from formkit.storage import SignInLink, Team

LINK_HOURS = onetime.LINK_HOURS
PURPOSE = "signin"


def link_hash(token: str) -> str:
    return onetime.token_hash(PURPOSE, token)


def issue(email: str, team: Team | None = None) -> str:
    """A new link's token for the person ``email`` (leading to ``team``)."""
    return onetime.issue(PURPOSE, email, team.id if team else None)


def url(token: str, locale: str | None = None) -> str:
    """The link at the site's public address (``BASE_URL``)."""
    link = absolute_url("signin.confirm", token=token)
    return with_language(link, locale) if locale else link


def claim(token: str) -> SignInLink | None:
    """Use a link (once); ``None`` if unknown, used or expired."""
    return onetime.claim(PURPOSE, token)


def send(email: str, name: str, team: Team | None, locale: str, template: str) -> None:
    """Queue an email (``team_invitation`` or ``signin_link``) carrying a new link."""
    token = issue(email, team)
    link = url(token, locale)
    send_email(email, template, {"name": name, "team": team, "link": link,
                                 "hours": LINK_HOURS},
               locale=locale, key=f"signin:{link_hash(token)[:32]}", link=link)

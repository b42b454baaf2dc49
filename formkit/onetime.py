"""One-time links sent by email, for any purpose (a member's team sign-in, a member's
directory entry, …): the token is never stored, only its sha256 salted with the purpose
(so a token made for one purpose is unknown to every other); a link is valid
``LINK_HOURS`` and used once, claimed atomically by the store (of two clicks at once,
one wins). Pages opened by a link show one button that claims it, so a mail scanner
that opens links does not use them up.

The links live in the store's ``signin_links`` table (migration 009); asking for links is
limited per network address and per email with the store's atomic ``hit`` counter."""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app

from formkit import clock
from formkit.auth import client_address
from formkit.state import current_store
from formkit.storage import SignInLink

LINK_HOURS = 24


def token_hash(purpose: str, token: str) -> str:
    return hashlib.sha256(f"formkit-{purpose}:{token}".encode()).hexdigest()


def issue(purpose: str, email: str, team_id: str | None = None) -> str:
    """A new link's token for ``purpose`` and the person ``email``."""
    token = secrets.token_urlsafe(24)
    current_store().add_signin_link(SignInLink(
        id=token_hash(purpose, token), email=email.strip().lower(),
        expires=clock.now() + LINK_HOURS * 3600, team_id=team_id))
    return token


def claim(purpose: str, token: str) -> SignInLink | None:
    """Use a link (once); ``None`` if unknown (or made for another purpose), used or
    expired."""
    if not token or len(token) > 100:
        return None
    return current_store().claim_signin_link(token_hash(purpose, token), clock.now())


def _limited(key: str, setting: str) -> bool:
    count, seconds = current_app.config[setting]
    return current_store().hit(key, seconds) > count


def address_over_limit() -> bool:
    """Count one request for a link from this network address; whether it asked for
    more than ``SIGNIN_LINKS_PER_ADDRESS`` allows (then say so: it is not about anyone)."""
    return _limited(f"signin-link-address:{client_address()}", "SIGNIN_LINKS_PER_ADDRESS")


def email_over_limit(email: str) -> bool:
    """Count one link for ``email`` (any purpose); whether it is over
    ``SIGNIN_LINKS_PER_EMAIL`` (then send nothing and say nothing: the answer must not
    tell whether the address is known)."""
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return _limited(f"signin-link-email:{digest}", "SIGNIN_LINKS_PER_EMAIL")

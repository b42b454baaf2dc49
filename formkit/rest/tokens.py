"""API tokens: made with 256 random bits, shown once, kept as their sha256 only."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from formkit import clock
from formkit.storage import ApiToken, Store
from formkit.storage.base import new_token

#: what every token starts with, so a leaked one is recognisable (secret scanners).
PREFIX = "fkt_"
#: ``last_used`` is written at most this often per token (seconds): a busy client does
#: not turn every read into a write.
LAST_USED_EVERY = 60


def hash_token(token: str) -> str:
    # 256 random bits: a fast hash suffices (nothing to guess from a dictionary).
    return hashlib.sha256(f"formkit-api:{token}".encode()).hexdigest()


def create_token(store: Store, name: str, *, forms: list[str] | None = None,
                 write: bool = False, expires_days: int | None = None,
                 created_by: str | None = None) -> tuple[ApiToken, str]:
    """A new token: the stored record and the token itself (shown once). Without
    ``forms`` it may see every form."""
    secret = PREFIX + secrets.token_urlsafe(32)
    expires = None
    if expires_days is not None:
        expires = _iso(clock.now() + expires_days * 86400)
    record = ApiToken(id=f"tok-{new_token(8)}", name=name.strip()[:100],
                      token_hash=hash_token(secret), forms=list(forms or []),
                      all_forms=not forms, write=write, expires=expires,
                      created_by=created_by)
    store.add_token(record)
    return record, secret


def revoke_token(store: Store, token_id: str) -> ApiToken | None:
    """Refuse a token from now on (it stays listed, revoked)."""
    token = store.get_token(token_id)
    if token is None or token.revoked:
        return token
    return store.update_token(token_id, revoked=clock.utcnow_iso())


def authenticate(store: Store, presented: str) -> ApiToken | None:
    """The usable token ``presented`` is, or ``None`` (unknown, revoked, expired)."""
    if not presented.startswith(PREFIX) or len(presented) > 200:
        return None
    token = store.find_token(hash_token(presented))
    if token is None or not token.usable(clock.utcnow_iso()):
        return None
    return token


def touch(store: Store, token: ApiToken) -> None:
    """Record the use, at most once per :data:`LAST_USED_EVERY` seconds."""
    now = clock.now()
    if token.last_used and _epoch(token.last_used) > now - LAST_USED_EVERY:
        return
    store.update_token(token.id, last_used=_iso(now))


def _iso(epoch: float) -> str:
    return datetime.datetime.fromtimestamp(epoch, datetime.UTC).isoformat(
        timespec="seconds").replace("+00:00", "Z")


def _epoch(iso: str) -> float:
    return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()

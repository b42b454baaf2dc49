"""Response storage: one interface, TinyDB by default (see ``docs/deploy.md``)."""

from __future__ import annotations

from pathlib import Path

from formkit.storage.base import (
    ADMIN,
    CANCELLED,
    COORDINATOR,
    DEAD,
    DRAFT,
    LEAD,
    MEMBER,
    MEMBER_ROLES,
    QUEUED,
    ROLES,
    SENT,
    SUBMITTED,
    ApiToken,
    Invitation,
    Member,
    Message,
    Response,
    Session,
    SignInLink,
    Store,
    StoreError,
    StoreUnavailable,
    Team,
    User,
    Webhook,
)

__all__ = ["ADMIN", "ApiToken", "CANCELLED", "COORDINATOR", "DEAD", "DRAFT", "QUEUED", "ROLES",
           "SENT", "LEAD", "MEMBER", "MEMBER_ROLES", "Member", "SignInLink", "Team",
           "SUBMITTED", "Invitation", "Message", "Response",
           "Session", "Store", "StoreError", "StoreUnavailable", "User", "Webhook",
           "open_store"]


def open_store(url: str, base: str | Path = ".") -> Store:
    """The store a setting names: ``postgresql://…`` (PostgreSQL), or a TinyDB folder:
    ``tinydb:///abs/path``, ``tinydb:relative`` or a plain path, relative paths being
    taken from ``base`` (the instance folder)."""
    if url.startswith(("postgresql://", "postgres://")):
        try:
            from formkit.storage.postgres_store import PostgresStore
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise StoreError("PostgreSQL needs the postgres extra: pip install "
                             "'formkit[postgres]'") from exc
        return PostgresStore(url)
    path = url.removeprefix("tinydb://").removeprefix("tinydb:")
    from formkit.storage.tinydb_store import TinyDBStore

    return TinyDBStore(Path(base) / path)

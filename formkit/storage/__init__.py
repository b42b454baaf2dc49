"""Response storage: one interface, TinyDB by default (see ``docs/deploy.md``)."""

from __future__ import annotations

from pathlib import Path

from formkit.storage.base import (
    ADMIN,
    COORDINATOR,
    DRAFT,
    ROLES,
    SUBMITTED,
    Response,
    Store,
    StoreError,
    User,
)

__all__ = ["ADMIN", "COORDINATOR", "DRAFT", "ROLES", "SUBMITTED", "Response", "Store",
           "StoreError", "User", "open_store"]


def open_store(url: str, base: str | Path = ".") -> Store:
    """The store a setting names: ``tinydb:///abs/path``, ``tinydb:relative`` or a path.

    Relative paths are taken from ``base`` (the instance folder).
    """
    if url.startswith(("postgresql://", "postgres://")):
        raise StoreError("the PostgreSQL store is not available in this version")
    path = url.removeprefix("tinydb://").removeprefix("tinydb:")
    from formkit.storage.tinydb_store import TinyDBStore

    return TinyDBStore(Path(base) / path)

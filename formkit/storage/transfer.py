"""Moving everything a store holds: copies between stores, backups and restores.

A backup is gzip-compressed JSON lines: a header line, then one line per item
(``{"kind": "response" | "user" | "audit" | "invitation" | "webhook" | "token" | "team" |
"member", "data": {...}}``; backups made before invitations, webhooks, API tokens or
teams existed simply have none; one-time sign-in links and webhook delivery logs are
not carried). Any store restores any backup. Copies and restores end by comparing
counts and a checksum of both sides.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from formkit.storage.base import (
    ApiToken,
    Invitation,
    Member,
    Response,
    Store,
    StoreError,
    Team,
    User,
    Webhook,
)

FORMAT = "formkit-backup"
VERSION = 1


@dataclass
class Inventory:
    """Counts and a checksum of everything in a store (order-independent)."""

    responses: int = 0
    users: int = 0
    audit: int = 0
    checksum: str = ""
    #: a digest per item, to check that every item of one store is in another.
    digests: frozenset[str] = frozenset()
    invitations: int = 0
    webhooks: int = 0
    tokens: int = 0
    teams: int = 0
    members: int = 0

    @property
    def empty(self) -> bool:
        return not (self.responses or self.users or self.audit or self.invitations
                    or self.webhooks or self.tokens or self.teams or self.members)


def _canonical(kind: str, data: dict[str, Any]) -> bytes:
    return json.dumps([kind, data], sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode()


def items(store: Store) -> Iterator[tuple[str, dict[str, Any]]]:
    """Everything in a store, as (kind, plain data); audit entries oldest first."""
    for response in store.iter_all_responses():
        yield "response", response.to_dict()
    for user in store.list_users():
        yield "user", user.to_dict()
    for entry in store.iter_audit(oldest_first=True):
        yield "audit", dict(entry)
    for invitation in store.iter_all_invitations():
        yield "invitation", invitation.to_dict()
    for webhook in store.list_webhooks():
        yield "webhook", webhook.to_dict()
    for token in store.list_tokens():
        yield "token", token.to_dict()
    for team in store.list_teams():
        yield "team", team.to_dict()
        for member in store.list_members(team.id, include_removed=True):
            yield "member", member.to_dict()


def inventory(store: Store) -> Inventory:
    counts = {"response": 0, "user": 0, "audit": 0, "invitation": 0, "webhook": 0,
              "token": 0, "team": 0, "member": 0}
    digests = []
    for kind, data in items(store):
        counts[kind] += 1
        digests.append(hashlib.sha256(_canonical(kind, data)).hexdigest())
    # Sorted, so the order a store lists things in does not matter.
    checksum = hashlib.sha256("".join(sorted(digests)).encode()).hexdigest()
    return Inventory(counts["response"], counts["user"], counts["audit"], checksum,
                     frozenset(digests), counts["invitation"], counts["webhook"],
                     counts["token"], counts["team"], counts["member"])


def load(store: Store, source: Iterable[tuple[str, dict[str, Any]]],
         progress: Callable[[int], None] = lambda n: None) -> None:
    """Write items into ``store`` in batches (responses by the thousand)."""
    batch: list[Response] = []

    def flush() -> None:
        if batch:
            store.import_records(batch)
            progress(len(batch))
            batch.clear()

    users: list[User] = []
    audit: list[dict[str, Any]] = []
    invitations: list[Invitation] = []
    webhooks: list[Webhook] = []
    tokens: list[ApiToken] = []
    teams: list[Team] = []
    members: list[Member] = []
    for kind, data in source:
        if kind == "response":
            batch.append(Response.from_dict(data))
            if len(batch) >= 1000:
                flush()
        elif kind == "user":
            users.append(User.from_dict(data))
        elif kind == "audit":
            audit.append(data)
        elif kind == "invitation":
            invitations.append(Invitation.from_dict(data))
        elif kind == "webhook":
            webhooks.append(Webhook.from_dict(data))
        elif kind == "token":
            tokens.append(ApiToken.from_dict(data))
        elif kind == "team":
            teams.append(Team.from_dict(data))
        elif kind == "member":
            members.append(Member.from_dict(data))
        else:
            raise StoreError(f"unknown item kind {kind!r} in the backup")
    flush()
    store.import_users(users)
    store.import_audit(audit)
    store.import_invitations(invitations)
    for webhook in webhooks:
        if store.get_webhook(webhook.id) is None:
            store.add_webhook(webhook)
    for token in tokens:  # a token already there (added with --force) is kept as it is
        if store.get_token(token.id) is None:
            store.add_token(token)
    for team in teams:  # a team already there (added with --force) is kept as it is
        if store.get_team(team.id) is None:
            store.add_team(team)
    for member in members:
        if store.get_member(member.id) is None:
            store.add_member(member)
    progress(len(users) + len(audit) + len(invitations) + len(webhooks) + len(tokens)
             + len(teams) + len(members))


def verify(source: Inventory, target: Store, *, added: bool = False) -> Inventory:
    """The target's inventory, or :class:`StoreError` when it is not what ``source``
    holds (``added``: the target may hold more, as after ``--force``)."""
    copied = inventory(target)
    if not added:
        if (copied.responses, copied.users, copied.audit, copied.invitations,
                copied.webhooks, copied.tokens, copied.teams, copied.members) != (
                    source.responses, source.users, source.audit, source.invitations,
                    source.webhooks, source.tokens, source.teams, source.members):
            raise StoreError(f"counts differ after the copy: {source.responses}/"
                             f"{source.users}/{source.audit}/{source.invitations} vs "
                             f"{copied.responses}/{copied.users}/{copied.audit}/"
                             f"{copied.invitations}")
        if copied.checksum != source.checksum:
            raise StoreError("the checksum differs after the copy: some record changed")
    elif source.digests and not source.digests <= copied.digests:
        raise StoreError("some records did not arrive unchanged")
    return copied


def copy(source: Store, target: Store, *, force: bool = False,
         progress: Callable[[int], None] = lambda n: None) -> Inventory:
    """Copy everything from ``source`` to ``target`` and verify it arrived unchanged."""
    if not force and not inventory(target).empty:
        raise StoreError("the target store is not empty (use --force to add to it)")
    with source.consistent():
        before = inventory(source)
        load(target, items(source), progress)
    return verify(before, target, added=force)


def backup(store: Store, path: str | Path) -> Inventory:
    """Write a compressed JSON-lines snapshot of ``store`` to ``path``."""
    tmp = Path(f"{path}.partial")
    with store.consistent(), gzip.open(tmp, "wt", encoding="utf-8") as out:
        found = inventory(store)
        out.write(json.dumps({"format": FORMAT, "version": VERSION, "responses":
                              found.responses, "users": found.users, "audit": found.audit,
                              "invitations": found.invitations,
                              "webhooks": found.webhooks, "tokens": found.tokens,
                              "teams": found.teams, "members": found.members,
                              "checksum": found.checksum}) + "\n")
        for kind, data in items(store):
            out.write(json.dumps({"kind": kind, "data": data}, ensure_ascii=False) + "\n")
    tmp.replace(path)
    return found


def read_backup(path: str | Path) -> tuple[dict[str, Any], Iterator[tuple[str, dict]]]:
    """The header of a backup file and an iterator over its items."""
    handle = gzip.open(path, "rt", encoding="utf-8")
    try:
        header = json.loads(handle.readline())
    except (OSError, json.JSONDecodeError) as exc:
        handle.close()
        raise StoreError(f"{path} is not a formkit backup") from exc
    if header.get("format") != FORMAT or header.get("version") != VERSION:
        handle.close()
        raise StoreError(f"{path} is not a formkit backup of version {VERSION}")

    def lines() -> Iterator[tuple[str, dict]]:
        with handle:
            for line in handle:
                item = json.loads(line)
                yield item["kind"], item["data"]

    return header, lines()


def restore(store: Store, path: str | Path, *, force: bool = False,
            progress: Callable[[int], None] = lambda n: None) -> Inventory:
    header, source = read_backup(path)
    if not force and not inventory(store).empty:
        raise StoreError("the store is not empty (use --force to add the backup to it)")
    load(store, source, progress)
    expected = Inventory(header["responses"], header["users"], header["audit"],
                         header["checksum"], invitations=header.get("invitations", 0),
                         webhooks=header.get("webhooks", 0),
                         tokens=header.get("tokens", 0), teams=header.get("teams", 0),
                         members=header.get("members", 0))
    return verify(expected, store, added=force)

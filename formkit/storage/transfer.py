"""Moving everything a store holds: copies between stores, backups and restores.

A backup is gzip-compressed JSON lines: a header line, then one line per item
(``{"kind": "response" | "user" | "audit" | "invitation" | "webhook" | "token" | "team" |
"member" | "cycle" | "team_response" | "revision", "data": {...}}``; backups made before
invitations, webhooks, API tokens, teams or cycles existed simply have none; one-time
sign-in links and webhook delivery logs are not carried). Any store restores any
backup. Copies and restores end by comparing counts and a checksum of both sides.
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
    Cycle,
    Invitation,
    Member,
    Response,
    Revision,
    Store,
    StoreError,
    Team,
    TeamResponse,
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
    # Teams with their members (removed ones too: their revisions keep a name), their
    # cycles, where their living responses belong, and the revisions: read by
    # team and cycle (the store's indexes), never by scanning every response.
    for team in store.list_teams():
        yield "team", team.to_dict()
        for member in store.list_members(team.id, include_removed=True):
            yield "member", member.to_dict()
        for cycle in store.list_cycles(team.id):
            yield "cycle", cycle.to_dict()
            for slot in store.list_team_responses(cycle.id):
                yield "team_response", slot.to_dict()
                for revision in store.list_revisions(slot.response_id):
                    yield "revision", revision.to_dict()


def inventory(store: Store) -> Inventory:
    counts = {"response": 0, "user": 0, "audit": 0, "invitation": 0, "webhook": 0,
              "token": 0, "team": 0, "member": 0, "cycle": 0, "team_response": 0,
              "revision": 0}
    digests = []
    for kind, data in items(store):
        counts[kind] += 1
        digests.append(hashlib.sha256(_canonical(kind, data)).hexdigest())
    # Sorted, so the order a store lists things in does not matter.
    checksum = hashlib.sha256("".join(sorted(digests)).encode()).hexdigest()
    return Inventory(counts["response"], counts["user"], counts["audit"], checksum,
                     frozenset(digests), counts["invitation"], counts["webhook"],
                     counts["token"], counts["team"], counts["member"])


#: how each kind of item but responses (read in batches) comes back from a backup.
READERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "user": User.from_dict, "audit": dict, "invitation": Invitation.from_dict,
    "webhook": Webhook.from_dict, "token": ApiToken.from_dict, "team": Team.from_dict,
    "member": Member.from_dict, "cycle": Cycle.from_dict,
    "team_response": TeamResponse.from_dict, "revision": Revision.from_dict,
}


def load(store: Store, source: Iterable[tuple[str, dict[str, Any]]],
         progress: Callable[[int], None] = lambda n: None) -> None:
    """Write items into ``store`` in batches (responses by the thousand)."""
    batch: list[Response] = []

    def flush() -> None:
        if batch:
            store.import_records(batch)
            progress(len(batch))
            batch.clear()

    read: dict[str, list[Any]] = {kind: [] for kind in READERS}
    for kind, data in source:
        if kind == "response":
            batch.append(Response.from_dict(data))
            if len(batch) >= 1000:
                flush()
        elif kind in READERS:
            read[kind].append(READERS[kind](data))
        else:
            raise StoreError(f"unknown item kind {kind!r} in the backup")
    flush()
    store.import_users(read["user"])
    store.import_audit(read["audit"])
    store.import_invitations(read["invitation"])
    # a record already there (added with --force) is kept as it is
    for kind, get, add in (("webhook", store.get_webhook, store.add_webhook),
                           ("token", store.get_token, store.add_token),
                           ("team", store.get_team, store.add_team),
                           ("member", store.get_member, store.add_member)):
        for record in read[kind]:
            if get(record.id) is None:
                add(record)
    # after the responses: PostgreSQL's team_responses and revisions refer to them
    store.import_cycles(read["cycle"], read["team_response"], read["revision"])
    progress(sum(len(records) for records in read.values()))


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

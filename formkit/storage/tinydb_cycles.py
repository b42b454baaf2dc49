"""Cycles and living responses in the TinyDB store (mixed into :class:`TinyDBStore`).

Small files, so that no write or team-space read grows with the number of responses:
a team's cycles in ``cycles/<team>.json``; the living responses of one cycle in
``team_responses/<cycle>.json``; each response's revisions in ``revisions/<id>.json``;
sharded indexes from a cycle id to its team and from a response id to its cycle. Every
change happens under the store's one write lock, so a compare-and-swap is a read and a
write with no other writer in between.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from formkit.storage.base import (
    SUBMITTED,
    Cycle,
    Response,
    Revision,
    StoreError,
    TeamResponse,
    new_token,
    utcnow,
)

_FILE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,120}$")


def _file(folder: Path, record_id: str) -> Path:
    if not _FILE_ID.match(record_id or ""):
        raise StoreError(f"invalid id {record_id!r}")
    return folder / f"{record_id}.json"


class TinyDBCycles:
    """The :class:`formkit.storage.cycles_contract.CycleStore` methods for TinyDB."""

    def _cycles_index(self):
        from formkit.storage.tinydb_store import _ShardedIndex

        return _ShardedIndex(self._files, self.root / "index" / "cycles")

    def _cycles_slot_index(self):
        from formkit.storage.tinydb_store import _ShardedIndex

        return _ShardedIndex(self._files, self.root / "index" / "team_responses")

    def _cycles_table(self, folder: str, record_id: str) -> tuple[Path, dict]:
        path = _file(self.root / folder, record_id)
        return path, self._files.table(path)

    def _cycles_write(self, path: Path, table: dict) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._rewrite(path, lambda _old: table)

    # -- cycles --------------------------------------------------------------------------
    def start_cycle(self, team_id: str, label: str, started_by: str | None) -> Cycle:
        with self._lock:
            path, table = self._cycles_table("cycles", team_id)
            number = 1 + max((r["number"] for r in table.values()), default=0)
            cycle = Cycle(id=new_token(), team_id=team_id, number=number, label=label,
                          started_by=started_by)
            self._cycles_write(path, {**table, cycle.id: cycle.to_dict()})
            self._cycles_index().set(cycle.id, team_id)
        return cycle

    def get_cycle(self, cycle_id: str) -> Cycle | None:
        team_id = self._cycles_index().get(cycle_id) if _FILE_ID.match(cycle_id or "") else None
        if not team_id:
            return None
        record = self._cycles_table("cycles", team_id)[1].get(cycle_id)
        return Cycle.from_dict(record) if record else None

    def list_cycles(self, team_id: str) -> list[Cycle]:
        table = self._cycles_table("cycles", team_id)[1]
        return sorted((Cycle.from_dict(r) for r in table.values()), key=lambda c: c.number)

    # -- living responses ----------------------------------------------------------------
    def open_team_response(self, slot: TeamResponse, form_version: str, locale: str,
                           answers: dict[str, Any] | None = None
                           ) -> tuple[TeamResponse, Response]:
        key = f"team:{slot.cycle_id}:{slot.member_id or '-'}"
        with self._lock:
            response = self.create_draft(slot.form_id, form_version, locale, key,
                                         answers=answers)
            path, table = self._cycles_table("team_responses", slot.cycle_id)
            stored = table.get(response.id)
            if stored is None:
                # A response removed meanwhile (its slot with it) leaves no stale slot.
                table = {k: v for k, v in table.items()
                         if (v["form_id"], v["member_id"]) != (slot.form_id, slot.member_id)}
                stored = TeamResponse.from_dict(
                    {**slot.to_dict(), "response_id": response.id}).to_dict()
                self._cycles_write(path, {**table, response.id: stored})
                self._cycles_slot_index().set(response.id, slot.cycle_id)
        return TeamResponse.from_dict(stored), response

    def get_team_response(self, response_id: str) -> TeamResponse | None:
        if not _FILE_ID.match(response_id or ""):
            return None
        cycle_id = self._cycles_slot_index().get(response_id)
        if not cycle_id:
            return None
        record = self._cycles_table("team_responses", cycle_id)[1].get(response_id)
        return TeamResponse.from_dict(record) if record else None

    def list_team_responses(self, cycle_id: str) -> list[TeamResponse]:
        table = self._cycles_table("team_responses", cycle_id)[1]
        return [TeamResponse.from_dict(r) for r in table.values()]

    def save_revision(self, revision: Revision, expected: int, answers: dict[str, Any],
                      submit: bool = False) -> TeamResponse | None:
        response_id = revision.response_id
        with self._lock:
            slot = self.get_team_response(response_id)
            if slot is None or slot.revision != expected:
                return None
            now = revision.at or utcnow()
            newly_submitted = submit and slot.status != SUBMITTED

            def change(record: dict) -> dict:
                record.update(answers=answers, score=revision.score, updated=now,
                              pending={})
                if newly_submitted:
                    record.update(status=SUBMITTED, submitted=now)
                return record

            if self._modify(response_id, change) is None:
                return None
            revision.number = expected + 1
            slot.revision = revision.number
            slot.updated, slot.updated_by = now, revision.author_name
            if newly_submitted:
                slot.status, slot.submitted = SUBMITTED, now
            revision.submitted = newly_submitted
            path, table = self._cycles_table("team_responses", slot.cycle_id)
            self._cycles_write(path, {**table, response_id: slot.to_dict()})
            log_path, log = self._cycles_table("revisions", response_id)
            self._cycles_write(log_path, {**log, f"{revision.number:09d}": revision.to_dict()})
        return slot

    def list_revisions(self, response_id: str) -> list[Revision]:
        if not _FILE_ID.match(response_id or ""):
            return []
        log = self._cycles_table("revisions", response_id)[1]
        return [Revision.from_dict(log[k]) for k in sorted(log)]

    def import_cycles(self, cycles: Iterable[Cycle], slots: Iterable[TeamResponse],
                      revisions: Iterable[Revision]) -> int:
        # Grouped by file, so each file is written once whatever the number of records.
        files: dict[Path, dict] = {}

        def add(folder: str, owner: str, key: str, record: dict) -> None:
            path = _file(self.root / folder, owner)
            if path not in files:
                files[path] = dict(self._files.table(path))
            files[path][key] = record

        cycle_index, slot_index = {}, {}
        count = 0
        for cycle in cycles:
            add("cycles", cycle.team_id, cycle.id, cycle.to_dict())
            cycle_index[cycle.id] = cycle.team_id
            count += 1
        for slot in slots:
            add("team_responses", slot.cycle_id, slot.response_id, slot.to_dict())
            slot_index[slot.response_id] = slot.cycle_id
            count += 1
        for revision in revisions:
            add("revisions", revision.response_id, f"{revision.number:09d}",
                revision.to_dict())
            count += 1
        with self._lock:
            for path, table in files.items():
                self._cycles_write(path, table)
            self._cycles_index().set_many(cycle_index)
            self._cycles_slot_index().set_many(slot_index)
        return count

"""Cycles and living responses in the PostgreSQL store (mixed into
:class:`PostgresStore`); tables of migration ``010_cycles.sql``.

A save is one transaction that locks the response's ``team_responses`` row
(``SELECT … FOR UPDATE``), compares its revision, and writes the answers, the slot and
the revision together: two app servers saving at once are serialized by the row lock.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from formkit.storage.base import (
    SUBMITTED,
    Cycle,
    Response,
    Revision,
    TeamResponse,
    new_token,
    utcnow,
)

_SLOT = ("response_id, team_id, cycle_id, form_id, member_id, revision, status, updated, "
         "updated_by, submitted")


def _slot(row: dict | None) -> TeamResponse | None:
    return TeamResponse.from_dict(row) if row else None


def _fresh(row: dict) -> Response:
    """A response of a row just read: nothing else holds the row, so unlike
    ``Response.from_dict`` it needs no copy (many responses read at once feel it)."""
    return Response(**{k: v for k, v in row.items() if k in _RESPONSE_FIELDS})


_RESPONSE_FIELDS = frozenset(f.name for f in dataclasses.fields(Response))


class PostgresCycles:
    """The :class:`formkit.storage.cycles_contract.CycleStore` methods for PostgreSQL."""

    @contextlib.contextmanager
    def _cycles_transaction(self) -> Iterator[Callable[..., Any]]:
        """``run(sql, params)`` for statements that commit together, or not at all."""
        from formkit.storage.postgres_store import without_nul  # it imports this module

        try:
            with self._pool.connection() as conn, conn.transaction():
                yield lambda sql, params=(): conn.execute(
                    sql, tuple(without_nul(p) for p in params))
        except psycopg.OperationalError as exc:
            raise self._unavailable(exc) from exc

    # -- cycles --------------------------------------------------------------------------
    def start_cycle(self, team_id: str, label: str, started_by: str | None) -> Cycle:
        with self._cycles_transaction() as run:
            # One start at a time per team: the number is the next one for sure.
            run("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"cycle:{team_id}",))
            number = run("SELECT coalesce(max(number), 0) + 1 AS n FROM cycles "
                         "WHERE team_id = %s", (team_id,)).fetchone()["n"]
            cycle = Cycle(id=new_token(), team_id=team_id, number=number, label=label,
                          started_by=started_by)
            run("INSERT INTO cycles (id, team_id, number, label, started, started_by) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                (cycle.id, team_id, number, label, cycle.started, started_by))
        return cycle

    def get_cycle(self, cycle_id: str) -> Cycle | None:
        row = self._one("SELECT * FROM cycles WHERE id = %s", (cycle_id or "",))
        return Cycle.from_dict(row) if row else None

    def list_cycles(self, team_id: str) -> list[Cycle]:
        return [Cycle.from_dict(r) for r in self._all(
            "SELECT * FROM cycles WHERE team_id = %s ORDER BY number", (team_id,))]

    # -- living responses ----------------------------------------------------------------
    def open_team_response(self, slot: TeamResponse, form_version: str, locale: str,
                           answers: dict[str, Any] | None = None
                           ) -> tuple[TeamResponse, Response]:
        key = f"team:{slot.cycle_id}:{slot.member_id or '-'}"
        response = self.create_draft(slot.form_id, form_version, locale, key, answers=answers)
        record = {**slot.to_dict(), "response_id": response.id}
        columns = [c.strip() for c in _SLOT.split(",")]
        row = self._one(
            f"INSERT INTO team_responses ({_SLOT}) VALUES ({', '.join(['%s'] * len(columns))}) "
            f"ON CONFLICT DO NOTHING RETURNING {_SLOT}", [record[c] for c in columns])
        if row is None:  # opened before (or at the same moment): that one
            row = self._one(f"SELECT {_SLOT} FROM team_responses WHERE response_id = %s",
                            (response.id,))
        return _slot(row), response

    def get_team_response(self, response_id: str) -> TeamResponse | None:
        return _slot(self._one(f"SELECT {_SLOT} FROM team_responses WHERE response_id = %s",
                               (response_id or "",)))

    def list_team_responses(self, cycle_id: str) -> list[TeamResponse]:
        return [_slot(r) for r in self._all(
            f"SELECT {_SLOT} FROM team_responses WHERE cycle_id = %s ORDER BY seq",
            (cycle_id,))]

    def cycles_of_teams(self, team_ids: Iterable[str]) -> dict[str, list[Cycle]]:
        found: dict[str, list[Cycle]] = {}
        for row in self._all("SELECT * FROM cycles WHERE team_id = ANY(%s) "
                             "ORDER BY team_id, number", (list(team_ids),)):
            found.setdefault(row["team_id"], []).append(Cycle.from_dict(row))
        return found

    def cycle_slots(self, cycle_ids: Iterable[str]) -> list[TeamResponse]:
        return [_slot(r) for r in self._all(
            f"SELECT {_SLOT} FROM team_responses WHERE cycle_id = ANY(%s) ORDER BY seq",
            (list(cycle_ids),))]

    def get_many(self, response_ids: Iterable[str]) -> dict[str, Response]:
        from formkit.storage.postgres_store import _SELECT  # it imports this module

        return {row["id"]: _fresh(row) for row in self._all(
            f"{_SELECT} WHERE id = ANY(%s)", (list(response_ids),))}

    def cycle_responses(self, cycle_ids: Iterable[str], form_ids: Iterable[str]
                        ) -> list[tuple[TeamResponse, Response]]:
        from formkit.storage.postgres_store import COLUMNS  # it imports this module

        slot_columns = [c.strip() for c in _SLOT.split(",")]
        rows = self._all(
            f"SELECT {', '.join(f's.{c} AS s_{c}' for c in slot_columns)}, "
            f"{', '.join(f'r.{c}' for c in COLUMNS)} FROM team_responses s "
            f"JOIN responses r ON r.id = s.response_id "
            f"WHERE s.cycle_id = ANY(%s) AND s.form_id = ANY(%s) ORDER BY s.seq",
            (list(cycle_ids), list(form_ids)))
        return [(TeamResponse.from_dict({c: row[f"s_{c}"] for c in slot_columns}),
                 _fresh({c: row[c] for c in COLUMNS})) for row in rows]

    def save_revision(self, revision: Revision, expected: int, answers: dict[str, Any],
                      submit: bool = False) -> TeamResponse | None:
        now = revision.at or utcnow()
        with self._cycles_transaction() as run:
            current = run("SELECT revision, status FROM team_responses WHERE response_id = %s "
                          "FOR UPDATE", (revision.response_id,)).fetchone()
            if current is None or current["revision"] != expected:
                return None
            fresh = submit and current["status"] != SUBMITTED
            revision.number, revision.submitted = expected + 1, fresh
            status = SUBMITTED if fresh else current["status"]
            stamp = now if fresh else None
            row = run(f"UPDATE team_responses SET revision = %s, updated = %s, updated_by = %s, "
                      f"status = %s, submitted = coalesce(submitted, %s) "
                      f"WHERE response_id = %s RETURNING {_SLOT}",
                      (revision.number, now, revision.author_name, status, stamp,
                       revision.response_id)).fetchone()
            run("UPDATE responses SET answers = %s, score = %s, updated = %s, pending = '{}', "
                "status = CASE WHEN %s THEN %s ELSE status END, "
                "submitted = coalesce(submitted, %s) WHERE id = %s",
                (Jsonb(answers), Jsonb(revision.score) if revision.score is not None else None,
                 now, fresh, SUBMITTED, stamp, revision.response_id))
            run("INSERT INTO revisions (response_id, number, data) VALUES (%s, %s, %s)",
                (revision.response_id, revision.number, Jsonb(revision.to_dict())))
        return _slot(row)

    def list_revisions(self, response_id: str) -> list[Revision]:
        return [Revision.from_dict(r["data"]) for r in self._all(
            "SELECT data FROM revisions WHERE response_id = %s ORDER BY number",
            (response_id or "",))]

    def import_cycles(self, cycles: Iterable[Cycle], slots: Iterable[TeamResponse],
                      revisions: Iterable[Revision]) -> int:
        from formkit.storage.postgres_store import without_nul

        columns = [c.strip() for c in _SLOT.split(",")]
        count = 0
        try:
            with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cursor:
                with cursor.copy("COPY cycles (id, team_id, number, label, started, "
                                 "started_by) FROM STDIN") as copy:
                    for c in cycles:
                        copy.write_row([c.id, c.team_id, c.number, without_nul(c.label),
                                        c.started, c.started_by])
                        count += 1
                with cursor.copy(f"COPY team_responses ({_SLOT}) FROM STDIN") as copy:
                    for slot in slots:
                        record = slot.to_dict()
                        copy.write_row([record[c] for c in columns])
                        count += 1
                with cursor.copy("COPY revisions (response_id, number, data) FROM STDIN") \
                        as copy:
                    for r in revisions:
                        copy.write_row([r.response_id, r.number, json.dumps(
                            without_nul(r.to_dict()), ensure_ascii=False)])
                        count += 1
        except psycopg.OperationalError as exc:
            raise self._unavailable(exc) from exc
        return count

"""The store for deployments that outgrow one machine: PostgreSQL through psycopg 3.

Several app servers share one database. What must hold across them is left to the
database: a unique (form, key) index makes draft creation idempotent, a conditional
``UPDATE ... WHERE status = 'draft'`` makes submitting idempotent, and rows are
locked by the statements that change them. Answers are JSONB.

Connections come from a small pool per process. A connection that breaks (the server
restarted, the network dropped) fails the request that holds it with
:class:`StoreUnavailable` — the respondent gets a "try again" page with their answers —
and the pool discards it, so the next request gets a fresh one.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb, set_json_loads
from psycopg_pool import ConnectionPool

from formkit import clock, references
from formkit.storage.base import (
    DRAFT,
    QUEUED,
    SUBMITTED,
    WEBHOOK_LOG_KEPT,
    ApiToken,
    Invitation,
    Message,
    Response,
    Session,
    Store,
    StoreError,
    StoreUnavailable,
    User,
    Webhook,
    new_token,
    parse_json,
    utcnow,
)
from formkit.storage.postgres_cycles import PostgresCycles
from formkit.storage.postgres_listing import PostgresListing
from formkit.storage.postgres_teams import PostgresTeams

JSON_COLUMNS = {"answers", "score", "pending", "history"}
COLUMNS = ("id", "form_id", "form_version", "locale", "status", "answers", "score", "created",
           "updated", "submitted", "page", "pending", "key", "resume_hash", "review_status",
           "history", "browser", "reference")
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM responses"


def migrations() -> list[tuple[int, str]]:
    """(version, SQL) of every migration, in order."""
    folder = resources.files("formkit.storage") / "migrations"
    found = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:3].isdigit():
            found.append((int(name[:3]), entry.read_text(encoding="utf-8")))
    return sorted(found)


def without_nul(value: Any) -> Any:
    """``value`` with NUL removed from every text in it (dict keys, lists, JSON).

    PostgreSQL text and JSONB cannot hold NUL (psycopg raises on it, in a write or in a
    query's parameters), while TinyDB, a backup or a plugin may hand one over. Every
    parameter and copied row goes through this, so the same text is stored and found.
    """
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, Jsonb):
        return Jsonb(without_nul(value.obj), value.dumps)
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(without_nul(v) for v in value)
    return value


def _value(column: str, value: Any) -> Any:
    return Jsonb(value) if column in JSON_COLUMNS and value is not None else value


def _configure(conn: psycopg.Connection) -> None:
    # JSON columns parsed as TinyDB's files are: faster, into the same values (reading
    # 10,000 Workplans: 0.67 -> 0.47 CPU s).
    set_json_loads(parse_json, conn)


def _response(row: dict | None) -> Response | None:
    return Response.from_dict(row) if row else None


class PostgresStore(PostgresListing, PostgresTeams, PostgresCycles, Store):
    """Responses, accounts and the audit log in PostgreSQL."""

    _response_columns = COLUMNS

    def __init__(self, url: str, *, max_size: int = 4):
        self.url = url
        self._pool = ConnectionPool(url, min_size=1, max_size=max_size, open=True,
                                    kwargs={"row_factory": dict_row, "autocommit": True},
                                    configure=_configure, name="formkit")
        self._snapshot: psycopg.Connection | None = None

    def close(self) -> None:
        self._pool.close()

    @contextlib.contextmanager
    def consistent(self) -> Iterator[None]:
        """Reads in this block share one REPEATABLE READ transaction: one snapshot."""
        with self._pool.connection() as conn:
            with conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                self._snapshot = conn
                try:
                    yield
                finally:
                    self._snapshot = None

    @contextlib.contextmanager
    def _connection(self):
        if self._snapshot is not None:
            yield self._snapshot
        else:
            with self._pool.connection() as conn:
                yield conn

    # -- plumbing ----------------------------------------------------------------------
    def _unavailable(self, error: Exception) -> StoreUnavailable:
        """A failed connection often means the others failed too (the server restarted):
        test the idle ones now, so the respondent's next try gets a working one."""
        try:
            self._pool.check()
        except Exception:  # noqa: BLE001 - the server may still be down; the error stands
            pass
        return StoreUnavailable(str(error))

    def _run(self, sql: str, params: Iterable[Any] = (), *, fetch: str = "none"):
        try:
            with self._connection() as conn:
                cursor = conn.execute(sql, tuple(without_nul(p) for p in params))
                if fetch == "one":
                    return cursor.fetchone()
                if fetch == "all":
                    return cursor.fetchall()
                return cursor.rowcount
        except psycopg.OperationalError as exc:
            raise self._unavailable(exc) from exc

    def _one(self, sql: str, params: Iterable[Any] = ()) -> dict | None:
        return self._run(sql, params, fetch="one")

    def _all(self, sql: str, params: Iterable[Any] = ()) -> list[dict]:
        return self._run(sql, params, fetch="all")

    def _update_row(self, table: str, columns: tuple[str, ...], json_columns: set[str],
                    row_id: str, changes: dict[str, Any]) -> dict | None:
        """``UPDATE table SET …`` of some ``columns`` of one row by id; the row as it is
        now, or ``None``. Unknown columns (and the id) are refused."""
        unknown = set(changes) - set(columns)
        if unknown or "id" in changes:
            raise StoreError(f"cannot change {', '.join(sorted(unknown or {'id'}))}")
        assignments = ", ".join(f"{column} = %s" for column in changes)
        values = [Jsonb(v) if c in json_columns else v for c, v in changes.items()]
        return self._one(f"UPDATE {table} SET {assignments} WHERE id = %s "
                         f"RETURNING {', '.join(columns)}", [*values, row_id])

    def schema_version(self) -> int:
        row = self._one("SELECT to_regclass('formkit_schema') IS NOT NULL AS present")
        if not row["present"]:
            return 0
        return self._one("SELECT coalesce(max(version), 0) AS v FROM formkit_schema")["v"]

    def upgrade(self) -> list[int]:
        """Apply the migrations not applied yet, each in a transaction, under an advisory
        lock (two servers upgrading at once wait for each other). Safe to run twice."""
        applied = []
        try:
            with self._pool.connection() as conn:
                conn.execute("SELECT pg_advisory_lock(7261549)")
                try:
                    conn.execute("CREATE TABLE IF NOT EXISTS formkit_schema ("
                                 "version integer PRIMARY KEY, applied text NOT NULL)")
                    done = {r["version"] for r in
                            conn.execute("SELECT version FROM formkit_schema").fetchall()}
                    for version, sql in migrations():
                        if version in done:
                            continue
                        with conn.transaction():
                            conn.execute(sql)
                            conn.execute("INSERT INTO formkit_schema VALUES (%s, %s)",
                                         (version, utcnow()))
                        applied.append(version)
                finally:
                    conn.execute("SELECT pg_advisory_unlock(7261549)")
        except psycopg.OperationalError as exc:
            raise self._unavailable(exc) from exc
        self.fill_references()  # rows made before references existed (migration 11)
        return applied

    def check_schema(self) -> None:
        """Fail clearly when ``formkit db upgrade`` has not been run."""
        latest = migrations()[-1][0]
        if self.schema_version() < latest:
            raise StoreError("the PostgreSQL schema is not up to date: run `formkit db upgrade`")

    # -- responses ---------------------------------------------------------------------
    def _insert(self, record: dict[str, Any], conflict: str = "") -> dict | None:
        columns = [c for c in COLUMNS if c in record]
        placeholders = ", ".join(["%s"] * len(columns))
        sql = (f"INSERT INTO responses ({', '.join(columns)}) VALUES ({placeholders}) "
               f"{conflict} RETURNING {', '.join(COLUMNS)}")
        return self._one(sql, [_value(c, record[c]) for c in columns])

    def create_draft(self, form_id, form_version, locale, key, answers=None,
                     browser=None) -> Response:
        record = Response(id=f"{form_id}-{new_token(12)}", form_id=form_id,
                          form_version=form_version, locale=locale,
                          answers=dict(answers or {}), key=key, browser=browser).to_dict()
        row = self._with_new_reference(
            form_id, lambda ref: self._insert({**record, "reference": ref},
                                              "ON CONFLICT (form_id, key) DO NOTHING"))
        if row is None:  # the same key was used before: that record is this draft
            row = self._one(f"{_SELECT} WHERE form_id = %s AND key = %s", (form_id, key))
        return _response(row)

    def save_draft(self, response: Response) -> Response:
        row = self._one(
            "UPDATE responses SET answers = %s, page = %s, pending = %s, locale = %s, "
            f"updated = %s WHERE id = %s AND status = %s RETURNING {', '.join(COLUMNS)}",
            (Jsonb(response.answers), response.page, Jsonb(response.pending), response.locale,
             utcnow(), response.id, DRAFT))
        if row is None:
            row = self._one(f"{_SELECT} WHERE id = %s", (response.id,))
            if row is None:
                raise StoreError(f"no draft {response.id}")
        return _response(row)

    def submit(self, response: Response) -> tuple[Response, bool]:
        now = utcnow()
        row = self._one(
            "UPDATE responses SET answers = %s, score = %s, locale = %s, status = %s, "
            "submitted = %s, updated = %s, pending = '{}', page = 0 "
            f"WHERE id = %s AND status = %s RETURNING {', '.join(COLUMNS)}",
            (Jsonb(response.answers), _value("score", response.score), response.locale,
             SUBMITTED, now, now, response.id, DRAFT))
        if row is not None:
            return _response(row), True
        row = self._one(f"{_SELECT} WHERE id = %s", (response.id,))
        if row is None:
            raise StoreError(f"no draft {response.id}")
        return _response(row), False

    def get(self, response_id: str) -> Response | None:
        return _response(self._one(f"{_SELECT} WHERE id = %s", (response_id or "",)))

    def _with_new_reference(self, form_id: str, write: Callable[[str], Any]) -> Any:
        """``write(reference)`` with a fresh reference, again with another while the
        unique index refuses it (one in hundreds of millions per prefix)."""
        prefix = self.reference_prefix(form_id)
        for _attempt in range(20):
            try:
                return write(references.new_reference(prefix))
            except psycopg.errors.UniqueViolation as exc:
                if "responses_reference" not in str(exc.diag.constraint_name or ""):
                    raise
        raise StoreError(f"no free reference left for prefix {prefix}")

    def get_by_reference(self, reference: str) -> Response | None:
        return _response(self._one(f"{_SELECT} WHERE reference = %s", (reference or "",)))

    def fill_references(self) -> int:
        rows = self._all("SELECT id, form_id FROM responses WHERE reference IS NULL "
                         "ORDER BY seq")
        for row in rows:
            self._with_new_reference(row["form_id"], lambda ref, row_id=row["id"]: self._run(
                "UPDATE responses SET reference = %s WHERE id = %s AND reference IS NULL",
                (ref, row_id)))
        return len(rows)

    def iter_responses(self, form_id: str, status: str | None = None,
                       after: str | None = None) -> Iterator[Response]:
        # A server-side cursor streams rows: 100,000 responses never sit in memory.
        where, params = "form_id = %s", [form_id]
        if status is not None:
            where += " AND status = %s"
            params.append(status)
        if after is not None:
            where += " AND seq > (SELECT seq FROM responses WHERE id = %s)"
            params.append(after)
        try:
            with self._connection() as conn, conn.transaction():
                with conn.cursor(name=f"responses_{new_token(6)}") as cursor:
                    cursor.itersize = 500
                    cursor.execute(f"{_SELECT} WHERE {where} ORDER BY seq",
                                   without_nul(params))
                    for row in cursor:  # each row a new dict, ours to hand over
                        yield Response.from_dict(row, owned=True)
        except psycopg.OperationalError as exc:
            raise self._unavailable(exc) from exc

    def iter_all_responses(self) -> Iterator[Response]:
        forms = [r["form_id"] for r in self._all(
            "SELECT DISTINCT form_id FROM responses ORDER BY form_id")]
        for form_id in forms:
            yield from self.iter_responses(form_id)

    def count(self, form_id: str, status: str | None = None) -> int:
        if status is None:
            return self._one("SELECT count(*) AS n FROM responses WHERE form_id = %s",
                             (form_id,))["n"]
        return self._one("SELECT count(*) AS n FROM responses WHERE form_id = %s AND "
                         "status = %s", (form_id, status))["n"]

    def select_responses(self, form_id: str, status: str | None = None, *,
                         review_status: str | None = None,
                         key_prefix: str | None = None) -> list[Response]:
        where, params = ["form_id = %s"], [form_id]
        for column, value in (("status", status), ("review_status", review_status)):
            if value is not None:
                where.append(f"{column} = %s")
                params.append(value)
        if key_prefix is not None:  # not LIKE: a prefix may hold % or _
            where.append("left(key, length(%s)) = %s")
            params += [key_prefix, key_prefix]
        return [Response.from_dict(r) for r in self._all(
            f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY seq", without_nul(params))]

    def find_by_answer(self, form_id: str, field_ids: Iterable[str],
                       value: str) -> list[Response]:
        keys = list(field_ids)
        if not keys:
            return []
        tests = " OR ".join(["lower(trim(answers->>%s)) = %s"] * len(keys))
        wanted = value.strip().lower()
        params = [form_id, *[x for key in keys for x in (key, wanted)]]
        return [Response.from_dict(r) for r in self._all(
            f"{_SELECT} WHERE form_id = %s AND ({tests}) ORDER BY seq", params)]

    def matching(self, form_id: str, *, review_status: str, answers: dict[str, Any],
                 order_by: tuple[str, ...] = (), limit: int | None = None,
                 offset: int = 0) -> list[Response]:
        # lower() then COLLATE "C": code point order, as Python sorts the TinyDB list.
        order = "".join("lower(coalesce(answers->>%s, '')) COLLATE \"C\", "
                        for _key in order_by)
        return [Response.from_dict(r) for r in self._all(
            f"{_SELECT} WHERE form_id = %s AND status = %s AND review_status = %s "
            f"AND answers @> %s ORDER BY {order}seq LIMIT %s OFFSET %s",
            (form_id, SUBMITTED, review_status, Jsonb(without_nul(answers)), *order_by,
             limit, max(offset, 0)))]

    def count_matching(self, form_id: str, group_by: tuple[str, ...], *, review_status: str,
                       answers: dict[str, Any]) -> dict[tuple[Any, ...], int]:
        groups = "".join(f"answers->%s AS g{i}, " for i in range(len(group_by)))
        names = ", ".join(f"g{i}" for i in range(len(group_by)))
        rows = self._all(
            f"SELECT {groups}count(*) AS n FROM responses WHERE form_id = %s "
            f"AND status = %s AND review_status = %s AND answers @> %s"
            f"{f' GROUP BY {names}' if group_by else ''}",
            (*group_by, form_id, SUBMITTED, review_status, Jsonb(without_nul(answers))))
        return {tuple(row[f"g{i}"] for i in range(len(group_by))): row["n"] for row in rows
                if row["n"]}

    def count_submitted(self, form_id: str, since: str, until: str) -> int:
        return self._one("SELECT count(*) AS n FROM responses WHERE form_id = %s AND "
                         "status = %s AND submitted >= %s AND submitted < %s",
                         (form_id, SUBMITTED, since, until))["n"]

    def form_stats(self, form_id: str) -> dict[str, Any]:
        stats: dict[str, Any] = {"draft": 0, "submitted": 0, "review": {}, "latest": None}
        for row in self._all(
            "SELECT status, review_status, count(*) AS n, max(submitted) AS latest "
            "FROM responses WHERE form_id = %s GROUP BY status, review_status", (form_id,)
        ):
            stats[row["status"]] = stats.get(row["status"], 0) + row["n"]
            if row["status"] == SUBMITTED:
                stats["review"][row["review_status"]] = row["n"]
                if row["latest"] and (stats["latest"] is None or row["latest"] > stats["latest"]):
                    stats["latest"] = row["latest"]
        return stats

    def form_stamp(self, form_id: str) -> str:
        row = self._one("SELECT count(*) AS n, max(updated) AS u, max(seq) AS s "
                        "FROM responses WHERE form_id = %s", (form_id,))
        return f"{row['n']}:{row['u']}:{row['s']}"

    def update(self, response_id: str, **changes: Any) -> Response | None:
        unknown = set(changes) - set(COLUMNS) - {"updated"}
        if unknown or "id" in changes:
            raise StoreError(f"cannot update {', '.join(sorted(unknown or {'id'}))}")
        changes = {**changes, "updated": utcnow()}
        assignments = ", ".join(f"{column} = %s" for column in changes)
        row = self._one(
            f"UPDATE responses SET {assignments} WHERE id = %s RETURNING {', '.join(COLUMNS)}",
            [*(_value(c, v) for c, v in changes.items()), response_id])
        return _response(row)

    def change_review_status(self, response_id: str, status: str, entry: dict[str, Any],
                             default: str | None = None) -> Response | None:
        # One UPDATE: the history grows from the row as it is when the lock is taken
        # (READ COMMITTED re-reads a row changed meanwhile), so no entry is lost.
        row = self._one(
            "UPDATE responses SET history = history || jsonb_build_array(%s::jsonb || "
            "jsonb_build_object('from', coalesce(review_status, %s), 'to', %s::text)), "
            "review_status = %s, updated = %s "
            f"WHERE id = %s RETURNING {', '.join(COLUMNS)}",
            (Jsonb(entry), default, status, status, utcnow(), response_id or ""))
        return _response(row)

    def change_answers(self, response_id: str, changes: dict[str, Any], entry: dict[str, Any],
                       default: str | None = None) -> Response | None:
        # One UPDATE: ``||`` merges the named keys into the row as it is when the lock
        # is taken, and the history grows from it, so a concurrent change is kept.
        row = self._one(
            "UPDATE responses SET answers = coalesce(answers, '{}'::jsonb) || %s::jsonb, "
            "history = history || jsonb_build_array(%s::jsonb || jsonb_build_object("
            "'from', coalesce(review_status, %s), 'to', coalesce(review_status, %s))), "
            f"updated = %s WHERE id = %s RETURNING {', '.join(COLUMNS)}",
            (Jsonb(changes), Jsonb(entry), default, default, utcnow(), response_id or ""))
        return _response(row)

    def expire_responses(self, form_id: str, status: str, before: str,
                         remove_fields: Iterable[str] | None = None) -> list[str]:
        stamp = "submitted" if status == SUBMITTED else "updated"
        if remove_fields is None:
            rows = self._all(f"DELETE FROM responses WHERE form_id = %s AND status = %s "
                             f"AND {stamp} < %s RETURNING id", (form_id, status, before))
        else:
            keys = list(remove_fields)
            rows = self._all(
                "UPDATE responses SET answers = answers - %s::text[], pending = '{}', "
                f"updated = %s WHERE form_id = %s AND status = %s AND {stamp} < %s "
                "AND answers ?| %s::text[] RETURNING id",
                (keys, utcnow(), form_id, status, before, keys))
        return [r["id"] for r in rows]

    def delete(self, response_id: str) -> bool:
        return self._run("DELETE FROM responses WHERE id = %s", (response_id or "",)) > 0

    def set_resume_hash(self, response_id: str, code_hash: str) -> Response | None:
        row = self._one(
            "UPDATE responses SET resume_hash = %s, updated = %s WHERE id = %s AND "
            f"status = %s RETURNING {', '.join(COLUMNS)}",
            (code_hash, utcnow(), response_id, DRAFT))
        return _response(row) if row else self.get(response_id)

    def find_by_resume_hash(self, code_hash: str) -> Response | None:
        return _response(self._one(f"{_SELECT} WHERE resume_hash = %s AND status = %s",
                                   (code_hash, DRAFT)))

    def claim_resume_hash(self, code_hash: str, browser: str) -> Response | None:
        # One statement: of two browsers using the same code at once, one gets the row.
        return _response(self._one(
            "UPDATE responses SET resume_hash = NULL, browser = %s, updated = %s "
            f"WHERE resume_hash = %s AND status = %s RETURNING {', '.join(COLUMNS)}",
            (browser, utcnow(), code_hash, DRAFT)))

    def delete_empty_drafts(self, before: str) -> int:
        return self._run(
            "DELETE FROM responses WHERE status = %s AND updated < %s AND "
            "answers = '{}'::jsonb AND pending = '{}'::jsonb AND resume_hash IS NULL",
            (DRAFT, before))

    def import_records(self, records: Iterable[Response]) -> int:
        """Add many records with COPY (ids kept; records without one get one)."""
        columns = [c for c in COLUMNS]
        count = 0
        try:
            with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cursor:
                with cursor.copy(f"COPY responses ({', '.join(columns)}) FROM STDIN") as copy:
                    for record in records:
                        data = without_nul(record.to_dict())
                        if not data["id"]:
                            data["id"] = f"{record.form_id}-{new_token(12)}"
                        copy.write_row([json.dumps(data[c], ensure_ascii=False)
                                        if c in JSON_COLUMNS and data[c] is not None
                                        else data[c] for c in columns])
                        count += 1
        except psycopg.OperationalError as exc:
            raise self._unavailable(exc) from exc
        return count

    # -- accounts ----------------------------------------------------------------------
    def add_user(self, user: User) -> User:
        try:
            self._run("INSERT INTO users (id, email, data) VALUES (%s, %s, %s)",
                      (user.id, user.email.lower(), Jsonb(user.to_dict())))
        except psycopg.errors.UniqueViolation as exc:
            raise StoreError(f"an account for {user.email} already exists") from exc
        return user

    def get_user(self, user_id: str) -> User | None:
        row = self._one("SELECT data FROM users WHERE id = %s", (user_id or "",))
        return User.from_dict(row["data"]) if row else None

    def find_user(self, email: str) -> User | None:
        row = self._one("SELECT data FROM users WHERE email = %s",
                        ((email or "").strip().lower(),))
        return User.from_dict(row["data"]) if row else None

    def list_users(self) -> list[User]:
        return [User.from_dict(r["data"]) for r in self._all(
            "SELECT data FROM users ORDER BY email")]

    def update_user(self, user_id: str, **changes: Any) -> User | None:
        row = self._one("UPDATE users SET data = data || %s WHERE id = %s RETURNING data",
                        (Jsonb(changes), user_id))
        return User.from_dict(row["data"]) if row else None

    def import_users(self, users: Iterable[User]) -> int:
        return sum(1 for user in users if self.add_user(user))

    # -- coordinator sessions ----------------------------------------------------------
    def add_session(self, session: Session) -> None:
        self._run("DELETE FROM sessions WHERE expires <= %s", (clock.now(),))
        self._run("INSERT INTO sessions (id, user_id, created, seen, expires) "
                  "VALUES (%s, %s, %s, %s, %s)",
                  (session.id, session.user_id, session.created, session.seen,
                   session.expires))

    def get_session(self, session_id: str) -> Session | None:
        row = self._one("SELECT id, user_id, created, seen, expires FROM sessions "
                        "WHERE id = %s", (session_id or "",))
        return Session.from_dict(row) if row else None

    def touch_session(self, session_id: str, seen: float) -> None:
        self._run("UPDATE sessions SET seen = greatest(seen, %s) WHERE id = %s",
                  (seen, session_id))

    def delete_session(self, session_id: str) -> None:
        self._run("DELETE FROM sessions WHERE id = %s", (session_id or "",))

    def delete_user_sessions(self, user_id: str) -> int:
        return self._run("DELETE FROM sessions WHERE user_id = %s", (user_id,))

    def count_user_sessions(self, now: float) -> dict[str, int]:
        return {r["user_id"]: r["n"] for r in self._all(
            "SELECT user_id, count(*) AS n FROM sessions WHERE expires > %s "
            "GROUP BY user_id", (now,))}

    # -- outbox ------------------------------------------------------------------------
    _MESSAGE = ("id", "kind", "payload", "status", "attempts", "next_at", "lease_until",
                "after_submit", "recipient", "form_id", "response_id", "created", "sent",
                "last_error")

    def _message(self, row: dict | None) -> Message | None:
        return Message.from_dict(row) if row else None

    def enqueue(self, message: Message) -> bool:
        data = message.to_dict()
        data["payload"] = Jsonb(data["payload"])
        columns = ", ".join(self._MESSAGE)
        placeholders = ", ".join(["%s"] * len(self._MESSAGE))
        return self._run(f"INSERT INTO outbox ({columns}) VALUES ({placeholders}) "
                         "ON CONFLICT (id) DO NOTHING",
                         [data[c] for c in self._MESSAGE]) > 0

    def enqueue_many(self, messages: Iterable[Message]) -> int:
        # Multi-row inserts (of 500): one round trip per batch, not per message.
        columns = ", ".join(self._MESSAGE)
        row = "(" + ", ".join(["%s"] * len(self._MESSAGE)) + ")"
        rows = []
        for message in messages:
            data = message.to_dict()
            data["payload"] = Jsonb(data["payload"])
            rows.append([data[c] for c in self._MESSAGE])
        added = 0
        for start in range(0, len(rows), 500):
            batch = rows[start:start + 500]
            added += self._run(f"INSERT INTO outbox ({columns}) VALUES "
                               f"{', '.join([row] * len(batch))} ON CONFLICT (id) DO NOTHING",
                               [value for values in batch for value in values])
        return added

    def claim_messages(self, now: float, limit: int, lease: float,
                       kinds: Iterable[str]) -> list[Message]:
        # SKIP LOCKED: concurrent workers each take different messages, without waiting.
        rows = self._all(
            f"UPDATE outbox SET lease_until = %s WHERE id IN ("
            "SELECT id FROM outbox WHERE status = %s AND next_at <= %s AND lease_until <= %s "
            "AND kind = ANY(%s) ORDER BY seq LIMIT %s FOR UPDATE SKIP LOCKED) "
            f"RETURNING {', '.join(self._MESSAGE)}, seq",
            (now + lease, QUEUED, now, now, list(kinds), limit))
        return [Message.from_dict(r) for r in sorted(rows, key=lambda r: r["seq"])]

    def finish_message(self, message_id: str, **changes: Any) -> Message | None:
        return self._message(self._update_row("outbox", self._MESSAGE, {"payload"}, message_id,
                                              {**changes, "lease_until": 0.0}))

    def get_message(self, message_id: str) -> Message | None:
        return self._message(self._one(
            f"SELECT {', '.join(self._MESSAGE)} FROM outbox WHERE id = %s", (message_id,)))

    def list_messages(self, status: str | None = None, limit: int = 100,
                      recipient: str | None = None) -> list[Message]:
        where, params = [], []
        if status is not None:
            where.append("status = %s")
            params.append(status)
        if recipient is not None:
            where.append("recipient = %s")
            params.append(recipient)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        return [Message.from_dict(r) for r in self._all(
            f"SELECT {', '.join(self._MESSAGE)} FROM outbox {clause} "
            "ORDER BY seq DESC LIMIT %s", [*params, limit])]

    def delete_messages(self, recipient: str) -> int:
        return self._run("DELETE FROM outbox WHERE recipient = %s", (recipient,))

    def count_messages(self) -> dict[str, int]:
        return {r["status"]: r["n"] for r in self._all(
            "SELECT status, count(*) AS n FROM outbox GROUP BY status")}

    # -- webhooks ----------------------------------------------------------------------
    _WEBHOOK = ("id", "form_id", "url", "events", "secret", "active", "created")
    _SELECT_WEBHOOK = f"SELECT {', '.join(_WEBHOOK)} FROM webhooks"

    def add_webhook(self, webhook: Webhook) -> Webhook:
        data = {**webhook.to_dict(), "events": Jsonb(webhook.events)}
        self._run(f"INSERT INTO webhooks ({', '.join(self._WEBHOOK)}) VALUES "
                  f"({', '.join(['%s'] * len(self._WEBHOOK))})",
                  [data[c] for c in self._WEBHOOK])
        return webhook

    def get_webhook(self, webhook_id: str) -> Webhook | None:
        row = self._one(f"{self._SELECT_WEBHOOK} WHERE id = %s", (webhook_id or "",))
        return Webhook.from_dict(row) if row else None

    def list_webhooks(self, form_id: str | None = None) -> list[Webhook]:
        if form_id is None:
            rows = self._all(f"{self._SELECT_WEBHOOK} ORDER BY seq")
        else:
            rows = self._all(f"{self._SELECT_WEBHOOK} WHERE form_id = %s ORDER BY seq",
                             (form_id,))
        return [Webhook.from_dict(r) for r in rows]

    def remove_webhook(self, webhook_id: str) -> bool:
        return self._run("DELETE FROM webhooks WHERE id = %s", (webhook_id or "",)) > 0

    def log_webhook_attempt(self, entry: dict[str, Any]) -> None:
        # The insert and the trim in one statement: no log grows past what is kept.
        self._run(
            "WITH added AS (INSERT INTO webhook_attempts (webhook_id, entry) "
            "SELECT %s, %s WHERE EXISTS (SELECT 1 FROM webhooks WHERE id = %s)) "
            "DELETE FROM webhook_attempts WHERE webhook_id = %s AND seq <= ("
            "SELECT seq FROM webhook_attempts WHERE webhook_id = %s "
            "ORDER BY seq DESC OFFSET %s LIMIT 1)",
            (entry["webhook_id"], Jsonb(entry), entry["webhook_id"], entry["webhook_id"],
             entry["webhook_id"], WEBHOOK_LOG_KEPT - 1))

    def list_webhook_attempts(self, webhook_id: str, limit: int = 50) -> list[dict[str, Any]]:
        return [r["entry"] for r in self._all(
            "SELECT entry FROM webhook_attempts WHERE webhook_id = %s "
            "ORDER BY seq DESC LIMIT %s", (webhook_id, limit))]

    # -- invitations -------------------------------------------------------------------
    _INVITATION = ("id", "form_id", "email", "name", "locale", "token_hash", "reminders",
                   "reminders_sent", "response_id", "answered", "opted_out", "created",
                   "invited_by")
    _SELECT_INVITATION = f"SELECT {', '.join(_INVITATION)} FROM invitations"

    def _invitation(self, row: dict | None) -> Invitation | None:
        return Invitation.from_dict(row) if row else None

    def add_invitations(self, invitations: Iterable[Invitation]) -> list[Invitation]:
        columns = ", ".join(self._INVITATION)
        placeholders = ", ".join(["%s"] * len(self._INVITATION))
        added = []
        for invitation in invitations:
            data = invitation.to_dict()
            data["reminders"] = Jsonb(data["reminders"])
            row = self._one(f"INSERT INTO invitations ({columns}) VALUES ({placeholders}) "
                            "ON CONFLICT DO NOTHING RETURNING id",
                            [data[c] for c in self._INVITATION])
            if row is not None:
                added.append(invitation)
        return added

    def get_invitation(self, invitation_id: str) -> Invitation | None:
        return self._invitation(self._one(f"{self._SELECT_INVITATION} WHERE id = %s",
                                          (invitation_id,)))

    def find_invitation(self, token_hash: str) -> Invitation | None:
        return self._invitation(self._one(f"{self._SELECT_INVITATION} WHERE token_hash = %s",
                                          (token_hash,)))

    def update_invitation(self, invitation_id: str, **changes: Any) -> Invitation | None:
        if not changes:
            return self.get_invitation(invitation_id)
        return self._invitation(self._update_row("invitations", self._INVITATION,
                                                 {"reminders"}, invitation_id, changes))

    def link_invitation(self, invitation_id: str, response_id: str) -> Invitation | None:
        # Only the first link sticks; whoever came second reads the one that did.
        self._run("UPDATE invitations SET response_id = %s "
                  "WHERE id = %s AND response_id IS NULL", (response_id, invitation_id))
        return self.get_invitation(invitation_id)

    def answer_invitation(self, response_id: str, when: str) -> Invitation | None:
        return self._invitation(self._one(
            "UPDATE invitations SET answered = coalesce(answered, %s) WHERE response_id = %s "
            f"RETURNING {', '.join(self._INVITATION)}", (when, response_id)))

    def list_invitations(self, form_id: str) -> list[Invitation]:
        return [Invitation.from_dict(r) for r in self._all(
            f"{self._SELECT_INVITATION} WHERE form_id = %s ORDER BY created, email",
            (form_id,))]

    def count_invitations(self, form_id: str) -> dict[str, int]:
        row = self._one(
            "SELECT count(*) FILTER (WHERE answered IS NULL AND opted_out IS NULL) AS waiting, "
            "count(*) FILTER (WHERE answered IS NOT NULL) AS answered, "
            "count(*) FILTER (WHERE answered IS NULL AND opted_out IS NOT NULL) AS opted_out "
            "FROM invitations WHERE form_id = %s", (form_id,))
        return {"waiting": row["waiting"], "answered": row["answered"],
                "opted_out": row["opted_out"]}

    def awaiting_reminders(self, limit: int | None = None) -> list[Invitation]:
        return [Invitation.from_dict(r) for r in self._all(
            f"{self._SELECT_INVITATION} WHERE answered IS NULL AND opted_out IS NULL "
            "AND reminders_sent < jsonb_array_length(reminders) ORDER BY seq LIMIT %s",
            (limit,))]

    def find_invitations(self, email: str) -> list[Invitation]:
        return [Invitation.from_dict(r) for r in self._all(
            f"{self._SELECT_INVITATION} WHERE email = %s ORDER BY seq", (email,))]

    def delete_invitations(self, email: str) -> int:
        return self._run("DELETE FROM invitations WHERE email = %s", (email,))

    def iter_all_invitations(self) -> Iterator[Invitation]:
        return iter([Invitation.from_dict(r) for r in self._all(
            f"{self._SELECT_INVITATION} ORDER BY seq")])

    def import_invitations(self, invitations: Iterable[Invitation]) -> int:
        return len(self.add_invitations(invitations))

    # -- API tokens --------------------------------------------------------------------
    _TOKEN = ("id", "name", "token_hash", "forms", "all_forms", "write", "expires", "created",
              "last_used", "revoked", "created_by")
    _SELECT_TOKEN = f"SELECT {', '.join(_TOKEN)} FROM api_tokens"

    def add_token(self, token: ApiToken) -> ApiToken:
        data = token.to_dict()
        data["forms"] = Jsonb(data["forms"])
        self._run(f"INSERT INTO api_tokens ({', '.join(self._TOKEN)}) "
                  f"VALUES ({', '.join(['%s'] * len(self._TOKEN))})",
                  [data[c] for c in self._TOKEN])
        return token

    def get_token(self, token_id: str) -> ApiToken | None:
        row = self._one(f"{self._SELECT_TOKEN} WHERE id = %s", (token_id,))
        return ApiToken.from_dict(row) if row else None

    def find_token(self, token_hash: str) -> ApiToken | None:
        row = self._one(f"{self._SELECT_TOKEN} WHERE token_hash = %s", (token_hash,))
        return ApiToken.from_dict(row) if row else None

    def list_tokens(self) -> list[ApiToken]:
        return [ApiToken.from_dict(r) for r in self._all(f"{self._SELECT_TOKEN} ORDER BY seq")]

    def update_token(self, token_id: str, **changes: Any) -> ApiToken | None:
        if not changes:
            return self.get_token(token_id)
        row = self._update_row("api_tokens", self._TOKEN, {"forms"}, token_id, changes)
        return ApiToken.from_dict(row) if row else None

    # -- audit log ---------------------------------------------------------------------
    def append_audit(self, entry: dict[str, Any]) -> None:
        self._run("INSERT INTO audit (entry) VALUES (%s)", (Jsonb({
            **entry, "id": entry.get("id") or f"audit-{new_token(12)}",
            "at": entry.get("at") or utcnow()}),))

    def iter_audit(self, oldest_first: bool = False) -> Iterator[dict[str, Any]]:
        order = "ASC" if oldest_first else "DESC"
        last = None
        while True:  # pages of 500, newest first, without holding a cursor open
            if last is None:
                rows = self._all(f"SELECT seq, entry FROM audit ORDER BY seq {order} LIMIT 500")
            else:
                compare = ">" if oldest_first else "<"
                rows = self._all(f"SELECT seq, entry FROM audit WHERE seq {compare} %s "
                                 f"ORDER BY seq {order} LIMIT 500", (last,))
            if not rows:
                return
            for row in rows:
                yield row["entry"]
            last = rows[-1]["seq"]

    def count_audit(self) -> int:
        return self._one("SELECT count(*) AS n FROM audit")["n"]

    def import_audit(self, entries: Iterable[dict[str, Any]]) -> int:
        count = 0
        for entry in entries:
            self.append_audit(entry)
            count += 1
        return count

    # -- counters (rate limits) --------------------------------------------------------
    def hit(self, key: str, window: float, amount: int = 1) -> int:
        now = clock.now()
        # One statement: the row lock makes concurrent hits count one after another.
        row = self._one(
            "INSERT INTO counters (key, count, until) VALUES (%s, greatest(%s, 0), %s) "
            "ON CONFLICT (key) DO UPDATE SET "
            "count = greatest(0, CASE WHEN counters.until > %s THEN counters.count ELSE 0 END "
            "+ %s), "
            "until = CASE WHEN counters.until > %s THEN counters.until ELSE EXCLUDED.until END "
            "RETURNING count", (key, amount, now + window, now, amount, now))
        if row["count"] == 1:  # now and then, forget expired counters
            self._run("DELETE FROM counters WHERE until < %s", (now,))
        return row["count"]

    def peek(self, key: str) -> int:
        row = self._one("SELECT count FROM counters WHERE key = %s AND until > %s",
                        (key, clock.now()))
        return row["count"] if row else 0

    def reset(self, key: str) -> None:
        self._run("DELETE FROM counters WHERE key = %s", (key,))

"""The embedded default store: TinyDB files, safe for several processes on one machine.

TinyDB rewrites a whole file on every write, so one big file makes each submission
slower as responses accumulate. Collections that grow (each form's responses, the audit
log) are therefore kept in *segments*: numbered TinyDB files of at most
:data:`SEGMENT_SIZE` records, filled in order, and a record's id names its segment
(``<form>-<segment>-<token>``). A write touches one bounded segment, whatever the total.
Lookups by idempotency key and by resume code use small hash-sharded index files.

Every write happens under one inter-process file lock and replaces its file atomically
(temp file, fsync, ``os.replace``, directory fsync): readers never lock and always see a
complete file; a crash mid-write leaves the previous version. Each process caches parsed
files and re-reads one when its inode, size or mtime changed, so it sees other
processes' writes.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import itertools
import json
import os
import re
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from formkit import clock, references
from formkit.storage.base import (
    DEAD,
    DRAFT,
    QUEUED,
    SUBMITTED,
    WAITING,
    WEBHOOK_LOG_KEPT,
    ApiToken,
    Invitation,
    Message,
    Response,
    Session,
    Store,
    StoreError,
    User,
    Webhook,
    answer_text,
    new_token,
    parse_json,
    utcnow,
)
from formkit.storage.faults import DiskUnavailable, disk_writes, is_disk_fault
from formkit.storage.tinydb_cycles import TinyDBCycles
from formkit.storage.tinydb_teams import TinyDBTeams

SEGMENT_SIZE = 50
#: JSON kept parsed per process (most recently used files): the indexes and segments a
#: respondent's requests touch fit many times over; a summary does not stay behind
CACHE_BYTES = 256 * 1024
INDEX_SHARDS = 256
TABLE = "records"
_SEGMENT_FILE = re.compile(r"^seg-(\d{6})\.json$")
_RECORD_ID = re.compile(r"^([a-z][a-z0-9_]{0,62})-(\d{6})-([a-z2-7]{8,32})$")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


class _StrIdTable(Table):
    """Documents keyed by our string ids rather than TinyDB's integers."""

    document_id_class = str  # type: ignore[assignment]


class _StrIdDB(TinyDB):
    table_class = _StrIdTable
    default_table_name = TABLE


#: decimal numbers read by passes over a whole form, one object per spelling (bounded:
#: past it the table starts again)
_FLOATS: dict[str, float] = {}
FLOATS_SHARED = 4096


def _shared_float(text: str) -> float:
    """The number ``text`` spells, the same object each time a pass meets it. Scores and
    means repeat (a mean of four 1-to-4 ratings has 13 values): a plugin summarising
    10,000 Competency responses kept 70,000 separate floats while the pass ran, and
    the pages they took among the pass's short-lived objects stayed with the worker
    after it (+3 MiB, bench/server.py); shared, it keeps a few hundred."""
    number = _FLOATS.get(text)
    if number is None:
        if len(_FLOATS) >= FLOATS_SHARED:
            _FLOATS.clear()
        number = _FLOATS[text] = float(text)
    return number


class _FileCache:
    """Parsed JSON files, valid while the file's (inode, size, mtime) is unchanged.

    Bounded: the most recently used files up to ``limit`` bytes of JSON stay parsed
    (indexes, the latest segments, drafts being filled). A summary or export reads every
    segment once; without a bound each worker kept the whole store in memory after it
    (223 MiB after a summary of 10,000 responses, bench/server.py)."""

    def __init__(self, limit: int = CACHE_BYTES) -> None:
        self._entries: OrderedDict[str, tuple[tuple[int, int, int], dict]] = OrderedDict()
        self._bytes = 0
        self._limit = limit
        self._lock = threading.Lock()

    @staticmethod
    def _stamp(path: str) -> tuple[int, int, int] | None:
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def read(self, path: str) -> dict | None:
        """The file's parsed JSON (``None`` if there is no file), kept for later reads."""
        return self.read_for(path, keep=True)[0]

    def read_for(self, path: str, keep: bool) -> tuple[dict | None, bool]:
        """The file's parsed JSON, and whether it is the caller's own: with
        ``keep=False`` a file not already kept is parsed for this read only, and the
        caller may hand it out without a copy (see ``_SegmentedTable.scan``)."""
        stamp = self._stamp(path)
        if stamp is None:
            return None, False
        with self._lock:
            entry = self._entries.get(path)
            if entry and entry[0] == stamp:
                self._entries.move_to_end(path)
                return entry[1], False
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
        except FileNotFoundError:  # gone since it was looked at (a restore)
            return None, False
        if not raw.strip():
            data = {}
        elif keep:
            data = parse_json(raw)
        else:  # a pass over a form: its numbers repeat from response to response
            data = parse_json(raw, float_hook=_shared_float)
        if keep:
            self._keep(path, stamp, data)
        elif entry is not None:  # an older version of the file: let it go
            self.forget(path)
        return data, not keep

    def _keep(self, path: str, stamp: tuple[int, int, int], data: dict) -> None:
        with self._lock:
            old = self._entries.pop(path, None)
            if old is not None:
                self._bytes -= old[0][1]
            self._entries[path] = (stamp, data)
            self._bytes += stamp[1]
            while self._bytes > self._limit and len(self._entries) > 1:
                _path, (dropped, _data) = self._entries.popitem(last=False)
                self._bytes -= dropped[1]

    def remember(self, path: str, data: dict) -> None:
        stamp = self._stamp(path)
        if stamp is not None:
            self._keep(path, stamp, data)

    def forget(self, path: str) -> None:
        with self._lock:
            old = self._entries.pop(path, None)
            if old is not None:
                self._bytes -= old[0][1]


def atomic_write_json(path: str, data: Any) -> None:
    """Write JSON so that readers see the old file or the new one, never a part."""
    # json.dumps, not json.dump: only the one-shot encoder is the C one; json.dump's
    # pure-Python encoder made a third of a page POST's CPU time (a draft's save
    # rewrites its segment of up to 50 responses; profile in docs/benchmarks.md)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    folder = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(path) + ".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class _CachedAtomicStorage(Storage):
    """TinyDB storage reading through the cache and writing atomically."""

    def __init__(self, path: str, cache: _FileCache):
        self.path = path
        self.cache = cache

    def read(self) -> dict | None:
        return self.cache.read(self.path)

    def write(self, data: dict) -> None:
        try:
            atomic_write_json(self.path, data)
        except BaseException:
            # TinyDB mutated the cached object before writing it: drop it.
            self.cache.forget(self.path)
            raise
        self.cache.remember(self.path, data)


class _WriteLock:
    """The inter-process lock every write of the store happens under — so the one place
    where a disk that refuses writes (full, read-only, failing: taking the lock, writing,
    renaming, making a folder) becomes :class:`DiskUnavailable`. Re-entrant within a
    thread; other threads wait, other processes too.

    An exclusive ``flock`` of the ``store.lock`` file, held while the outermost block
    runs: the system drops it when its process dies, so a worker killed mid-write never
    blocks the others. (The filelock package did the same with 21 modules loaded in
    every worker.)"""

    def __init__(self, path: str):
        self._path = path
        self._thread = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    def __enter__(self) -> _WriteLock:
        self._thread.acquire()
        try:
            if self._depth == 0:
                with disk_writes("the store's lock"):
                    fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o644)
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX)
                    except BaseException:
                        os.close(fd)
                        raise
                self._fd = fd
            self._depth += 1
        except BaseException:
            self._thread.release()
            raise
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            self._depth -= 1
            if self._depth == 0:
                fd, self._fd = self._fd, None
                with disk_writes("the store's lock"):
                    os.close(fd)  # closing the only descriptor releases the flock
        finally:
            self._thread.release()
        if is_disk_fault(exc):
            raise DiskUnavailable(f"cannot write the store: {exc}") from exc


class _Files:
    """The lock and cached TinyDB files under one root; shared by every table."""

    def __init__(self, root: Path):
        self.root = root
        self.cache = _FileCache()
        self.lock = _WriteLock(str(root / "store.lock"))

    def db(self, path: Path) -> _StrIdDB:
        path.parent.mkdir(parents=True, exist_ok=True)
        return _StrIdDB(storage=_CachedAtomicStorage, path=str(path), cache=self.cache)

    def table(self, path: Path) -> dict:
        data = self.cache.read(str(path)) or {}
        return data.get(TABLE, {})

    def table_for(self, path: Path, keep: bool) -> tuple[dict, bool]:
        """A file's table, and whether it is the caller's own (``_FileCache.read_for``)."""
        data, own = self.cache.read_for(str(path), keep)
        return (data or {}).get(TABLE, {}), own


class _SegmentedTable:
    """Records in numbered files of at most :data:`SEGMENT_SIZE`; ids name the segment."""

    def __init__(self, files: _Files, folder: Path, prefix: str,
                 foreign: Callable[[str], int | None] | None = None):
        self.files = files
        self.folder = folder
        self.prefix = prefix
        #: where an id this table did not make (imported from another store) lives.
        self.foreign = foreign
        #: the last segment number seen, so a write need not list the folder.
        self._last: int | None = None

    def path(self, number: int) -> Path:
        return self.folder / f"seg-{number:06d}.json"

    def paths(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return [self.folder / n for n in sorted(os.listdir(self.folder))
                if _SEGMENT_FILE.match(n)]

    def last_number(self) -> int:
        """The highest segment number (0 if none); call under the lock."""
        number = self._last
        if number is None:
            paths = self.paths()
            number = int(_SEGMENT_FILE.match(paths[-1].name).group(1)) if paths else 0
        while self.path(number + 1).exists():  # another process may have added some
            number += 1
        self._last = number
        return number

    def locate(self, record_id: str) -> Path | None:
        """The segment holding ``record_id``: the one its id names, else (for ids made
        by another store, or moved by a restore) the one the alias index gives."""
        match = _RECORD_ID.match(record_id or "")
        if match and match.group(1) == self.prefix:
            path = self.path(int(match.group(2)))
            if record_id in self.files.table(path):
                return path
        number = self.foreign(record_id) if self.foreign and record_id else None
        return self.path(number) if number else None

    def insert(self, make: Callable[[str], dict]) -> dict:
        """Append ``make(new_id)`` to the last segment (or a new one); under the lock."""
        number = max(self.last_number(), 1)
        if len(self.files.table(self.path(number))) >= SEGMENT_SIZE:
            number += 1
        record = make(f"{self.prefix}-{number:06d}-{new_token()}")
        self.files.db(self.path(number)).table(TABLE).insert(
            Document(record, doc_id=record["id"]))
        self._last = max(self._last or 0, number)
        return record

    def get(self, record_id: str) -> dict | None:
        path = self.locate(record_id)
        return self.files.table(path).get(record_id) if path else None

    def modify(self, record_id: str, change: Callable[[dict], dict | None]) -> dict | None:
        """Apply ``change`` to a record under the lock; ``None`` if it is absent."""
        path = self.locate(record_id)
        if path is None or not path.exists():
            return None
        with self.files.lock:
            current = self.files.table(path).get(record_id)
            if current is None:
                return None
            updated = change(dict(current))
            if updated is None or updated == current:
                return current
            self.files.db(path).table(TABLE).update(updated, doc_ids=[record_id])
            return updated

    def remove(self, record_id: str) -> dict | None:
        """Delete a record under the lock; the removed record, or ``None``."""
        path = self.locate(record_id)
        if path is None or not path.exists():
            return None
        with self.files.lock:
            record = self.files.table(path).get(record_id)
            if record is not None:
                self.files.db(path).table(TABLE).remove(doc_ids=[record_id])
            return record

    def remove_where(self, doomed: Callable[[dict], bool]) -> list[dict]:
        """Delete the records ``doomed`` picks, one write per segment touched, each under
        the lock (writers wait for one segment, not for the whole table). Returns the
        removed records."""
        removed: list[dict] = []
        for path, table, _own in self.scan(self.paths()):
            if not any(doomed(r) for r in table.values()):
                continue
            with self.files.lock:  # look again: the segment may have changed meanwhile
                found = [r for r in self.files.table(path).values() if doomed(r)]
                if found:
                    self.files.db(path).table(TABLE).remove(doc_ids=[r["id"] for r in found])
                    removed += found
        return removed

    def scan(self, paths: list[Path]) -> Iterator[tuple[Path, dict, bool]]:
        """Each of ``paths`` with its records and whether they are the caller's own, for
        a pass over the table (a summary, an export, a list): segments are parsed for
        the pass and not kept in the cache, except the last (where drafts and new
        responses are written). Kept, a pass over 10,000 responses filled the cache
        with segments no request reads again and pushed out the indexes and the live
        segment the next requests need; and records parsed for the pass alone need no
        copy to be handed out."""
        last = paths[-1] if paths else None
        for path in paths:
            table, own = self.files.table_for(path, keep=path == last)
            yield path, table, own

    def records(self, after: str | None = None) -> Iterator[tuple[dict, bool]]:
        """Every record in order (or those stored after the record ``after``: none if it
        is not here; from its segment on, not from the first), each with whether it
        is the caller's own (``scan``): to keep or change without a copy."""
        paths = self.paths()
        if after is not None:
            start = self.locate(after)
            if start is None or start not in paths:
                return
            paths = paths[paths.index(start):]
        for _path, table, own in self.scan(paths):
            records = iter(list(table.values()))
            if after is not None:  # the start segment: from the record after ``after``
                for record in records:
                    if record["id"] == after:
                        break
                after = None
            for record in records:
                yield record, own

    def __iter__(self) -> Iterator[dict]:
        for record, _own in self.records():
            yield record

    def reversed(self) -> Iterator[dict]:
        paths = self.paths()
        for path in reversed(paths):
            yield from reversed(list(self.files.table_for(path, path == paths[-1])[0].values()))

    def count(self, keep: Callable[[dict], bool] | None = None) -> int:
        total = 0
        for _path, table, _own in self.scan(self.paths()):
            records = table.values()
            total += len(records) if keep is None else sum(1 for r in records if keep(r))
        return total

    def bulk(self, records: Iterable[dict]) -> list[tuple[int, dict]]:
        """Write many records in whole new segments (one file write per segment); under
        the lock. Records without an id get one of this table; returns each record with
        its segment number."""
        written: list[tuple[int, dict]] = []
        batch: list[dict] = []

        def flush() -> None:
            number = self.last_number() + 1
            table = {}
            for record in batch:
                if not record.get("id"):
                    record["id"] = f"{self.prefix}-{number:06d}-{new_token()}"
                table[record["id"]] = record
                written.append((number, record))
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write_json(str(self.path(number)), {TABLE: table})
            self._last = number
            batch.clear()

        for record in records:
            batch.append(record)
            if len(batch) == SEGMENT_SIZE:
                flush()
        if batch:
            flush()
        return written


class _ShardedIndex:
    """A key → value map in hash-sharded files, for exact look-ups."""

    def __init__(self, files: _Files, folder: Path):
        self.files = files
        self.folder = folder

    def path(self, key: str) -> Path:
        digest = hashlib.sha256(key.encode()).hexdigest()
        return self.folder / f"{int(digest[:4], 16) % INDEX_SHARDS:03d}.json"

    def get(self, key: str) -> Any:
        entry = self.files.table(self.path(key)).get(key)
        return entry["v"] if entry else None

    def set(self, key: str, value: Any) -> None:
        """Set (or with ``None`` remove) a key; under the lock."""
        table = self.files.db(self.path(key)).table(TABLE)
        if value is None:
            with contextlib.suppress(KeyError):
                table.remove(doc_ids=[key])
        else:
            table.upsert(Document({"v": value}, doc_id=key))

    def set_many(self, entries: dict[str, Any]) -> None:
        """Add many keys, one write per shard; under the lock."""
        shards: dict[Path, dict[str, dict]] = {}
        for key, value in entries.items():
            shards.setdefault(self.path(key), {})[key] = {"v": value}
        for path, new in shards.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_json(str(path), {TABLE: {**self.files.table(path), **new}})

    def remove_many(self, keys: Iterable[str]) -> None:
        """Remove many keys, one write per shard, each under the lock."""
        shards: dict[Path, set[str]] = {}
        for key in keys:
            shards.setdefault(self.path(key), set()).add(key)
        for path, gone in shards.items():
            with self.files.lock:
                table = self.files.table(path)
                if gone & table.keys():
                    atomic_write_json(str(path), {TABLE: {k: v for k, v in table.items()
                                                          if k not in gone}})


class TinyDBStore(TinyDBTeams, TinyDBCycles, Store):
    """Responses, accounts and the audit log in TinyDB files under ``root``."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._files = _Files(self.root)
        self._forms: dict[str, _SegmentedTable] = {}
        self._keys = _ShardedIndex(self._files, self.root / "index" / "keys")
        self._resume = _ShardedIndex(self._files, self.root / "index" / "resume")
        #: ids made by another store (copied or restored here): id -> [form, segment].
        self._aliases = _ShardedIndex(self._files, self.root / "index" / "ids")
        #: references people type (``MBR-7K3Q-2H``) -> id.
        self._references = _ShardedIndex(self._files, self.root / "index" / "references")
        self._audit = _SegmentedTable(self._files, self.root / "audit", "audit")
        self._accounts = self.root / "accounts.json"
        self._counters = self.root / "counters.json"
        self._sessions = self.root / "sessions.json"
        self._tokens = self.root / "api_tokens.json"
        #: the outbox: messages to deliver (queued, or dead and waiting for a person) in
        #: one small file; delivered or cancelled ones move to segments; an index of ids.
        self._queue = self.root / "outbox" / "queue.json"
        self._delivered = _SegmentedTable(self._files, self.root / "outbox" / "done", "msg")
        self._message_ids = _ShardedIndex(self._files, self.root / "index" / "outbox")
        #: invitations: one small file per form; an index from token hash to [form, id].
        self._invitations = self.root / "invitations"
        self._invitation_tokens = _ShardedIndex(self._files,
                                                self.root / "index" / "invitations")
        #: webhook subscriptions in one small file; each one's delivery log in its own.
        self._webhooks = self.root / "webhooks" / "webhooks.json"
        self._webhook_logs = self.root / "webhooks" / "log"

    @property
    def _lock(self) -> _WriteLock:
        return self._files.lock

    def _responses(self, form_id: str) -> _SegmentedTable:
        if not _NAME.match(form_id or ""):
            raise StoreError(f"invalid form id {form_id!r}")
        table = self._forms.get(form_id)
        if table is None:
            table = _SegmentedTable(self._files, self.root / "responses" / form_id, form_id,
                                    foreign=self._alias_segment)
            self._forms[form_id] = table
        return table

    def _alias_segment(self, record_id: str) -> int | None:
        alias = self._aliases.get(record_id)
        return alias[1] if alias else None

    def _table_of(self, response_id: str) -> _SegmentedTable | None:
        match = _RECORD_ID.match(response_id or "")
        if match:
            return self._responses(match.group(1))
        alias = self._aliases.get(response_id) if response_id else None
        return self._responses(alias[0]) if alias else None

    def _rewrite(self, path: Path, change: Callable[[dict], dict]) -> None:
        """Replace a small whole-file table with ``change(table)``; under the lock."""
        with self._lock:
            atomic_write_json(str(path), {TABLE: change(dict(self._files.table(path)))})

    @contextlib.contextmanager
    def consistent(self) -> Iterator[None]:
        # Writers wait while a snapshot is read (the lock is re-entrant in this thread).
        with self._lock:
            yield

    # -- responses ---------------------------------------------------------------------
    def create_draft(self, form_id, form_version, locale, key, answers=None,
                     browser=None) -> Response:
        index_key = f"{form_id}:{key}"
        table = self._responses(form_id)
        with self._lock:
            existing = self._keys.get(index_key)
            if existing:
                found = self.get(existing)
                if found is not None:
                    return found
            reference = self._new_reference(form_id)
            record = table.insert(lambda new_id: Response(
                id=new_id, form_id=form_id, form_version=form_version, locale=locale,
                answers=dict(answers or {}), key=key, browser=browser, reference=reference,
            ).to_dict())
            self._keys.set(index_key, record["id"])
            self._references.set(reference, record["id"])
        return Response.from_dict(record)

    def _new_reference(self, form_id: str) -> str:
        """A reference no record has; under the lock (no other writer takes it)."""
        prefix = self.reference_prefix(form_id)
        for _attempt in range(20):
            reference = references.new_reference(prefix)
            if self._references.get(reference) is None:
                return reference
        raise StoreError(f"no free reference left for prefix {prefix}")

    def get_by_reference(self, reference: str) -> Response | None:
        response_id = self._references.get(reference or "")
        found = self.get(response_id) if response_id else None
        # An index entry outlives a deleted record: the record itself must still say so.
        return found if found is not None and found.reference == reference else None

    def fill_references(self) -> int:
        filled = 0
        folder = self.root / "responses"
        for form_id in sorted(os.listdir(folder)) if folder.is_dir() else []:
            if not _NAME.match(form_id):
                continue
            missing = [r["id"] for r in self._responses(form_id) if not r.get("reference")]
            for response_id in missing:
                with self._lock:
                    reference = self._new_reference(form_id)
                    stored = self._modify(response_id, lambda r, ref=reference: r if r.get(
                        "reference") else {**r, "reference": ref})
                    if stored is not None and stored.get("reference") == reference:
                        self._references.set(reference, response_id)
                        filled += 1
        return filled

    def _modify(self, response_id: str, change: Callable[[dict], dict | None]) -> dict | None:
        table = self._table_of(response_id)
        return table.modify(response_id, change) if table else None

    def save_draft(self, response: Response) -> Response:
        def change(record: dict) -> dict:
            if record["status"] != DRAFT:
                return record
            record.update(answers=response.answers, page=response.page,
                          pending=response.pending, locale=response.locale, updated=utcnow())
            return record

        stored = self._modify(response.id, change)
        if stored is None:
            raise StoreError(f"no draft {response.id}")
        return Response.from_dict(stored)

    def submit(self, response: Response) -> tuple[Response, bool]:
        created = False

        def change(record: dict) -> dict:
            nonlocal created
            if record["status"] != DRAFT:
                return record
            created = True
            now = utcnow()
            record.update(answers=response.answers, score=response.score, locale=response.locale,
                          status=SUBMITTED, submitted=now, updated=now, pending={}, page=0)
            return record

        stored = self._modify(response.id, change)
        if stored is None:
            raise StoreError(f"no draft {response.id}")
        if created and stored.get("resume_hash"):
            with self._lock:
                self._resume.set(stored["resume_hash"], None)
        return Response.from_dict(stored), created

    def get(self, response_id: str) -> Response | None:
        table = self._table_of(response_id)
        record = table.get(response_id) if table else None
        return Response.from_dict(record) if record else None

    def get_many(self, response_ids: Iterable[str]) -> dict[str, Response]:
        # Grouped by the segment file each id names, so each file is checked and read
        # once; an id made elsewhere (or moved by a restore) is looked up on its own.
        by_path: dict[Path, list[str]] = {}
        elsewhere = []
        for response_id in response_ids:
            match = _RECORD_ID.match(response_id or "")
            if match:
                path = self._responses(match.group(1)).path(int(match.group(2)))
                by_path.setdefault(path, []).append(response_id)
            else:
                elsewhere.append(response_id)
        found = {}
        for path, ids in by_path.items():
            records = self._files.table(path)
            for response_id in ids:
                if response_id in records:
                    found[response_id] = Response.from_dict(records[response_id])
                else:
                    elsewhere.append(response_id)
        for response_id in elsewhere:
            response = self.get(response_id)
            if response is not None:
                found[response_id] = response
        return found

    def iter_responses(self, form_id: str, status: str | None = None,
                       after: str | None = None) -> Iterator[Response]:
        for record, own in self._responses(form_id).records(after):
            if status is None or record["status"] == status:
                # a record parsed for this pass alone is no one else's: no copy needed
                yield Response.from_dict(record, owned=own)

    def count(self, form_id: str, status: str | None = None) -> int:
        keep = None if status is None else (lambda r: r["status"] == status)
        return self._responses(form_id).count(keep)

    def _matching_records(self, form_id: str, review_status: str,
                          answers: dict[str, Any]) -> list[dict]:
        # Filtered as stored records: a Response is made only for what is returned.
        items = answers.items()
        return [r for r in self._responses(form_id)
                if r["status"] == SUBMITTED and r.get("review_status") == review_status
                and all((r.get("answers") or {}).get(k) == v for k, v in items)]

    def matching(self, form_id: str, *, review_status: str, answers: dict[str, Any],
                 order_by: tuple[str, ...] = (), limit: int | None = None,
                 offset: int = 0) -> list[Response]:
        found = self._matching_records(form_id, review_status, answers)
        if order_by:  # stable: ties stay oldest first
            found.sort(key=lambda r: tuple(answer_text(r["answers"].get(key)).lower()
                                           for key in order_by))
        return [Response.from_dict(r)
                for r in found[offset:None if limit is None else offset + limit]]

    def count_matching(self, form_id: str, group_by: tuple[str, ...], *, review_status: str,
                       answers: dict[str, Any]) -> dict[tuple[Any, ...], int]:
        counts: dict[tuple[Any, ...], int] = {}
        for record in self._matching_records(form_id, review_status, answers):
            key = tuple(record["answers"].get(field_id) for field_id in group_by)
            counts[key] = counts.get(key, 0) + 1
        return counts

    def find_by_answer(self, form_id: str, field_ids: Iterable[str],
                       value: str) -> list[Response]:
        wanted, keys = value.strip().lower(), list(field_ids)
        return [Response.from_dict(r) for r in self._responses(form_id)
                if any(str(r.get("answers", {}).get(k, "")).strip().lower() == wanted
                       for k in keys)]

    def count_submitted(self, form_id: str, since: str, until: str) -> int:
        return self._responses(form_id).count(
            lambda r: r["status"] == SUBMITTED and since <= (r.get("submitted") or "") < until)

    def form_stats(self, form_id: str) -> dict[str, Any]:
        stats: dict[str, Any] = {"draft": 0, "submitted": 0, "review": {}, "latest": None}
        for record in self._responses(form_id):
            stats[record["status"]] = stats.get(record["status"], 0) + 1
            if record["status"] == SUBMITTED:
                review = record.get("review_status")
                stats["review"][review] = stats["review"].get(review, 0) + 1
                if stats["latest"] is None or record["submitted"] > stats["latest"]:
                    stats["latest"] = record["submitted"]
        return stats

    def form_stamp(self, form_id: str) -> str:
        # Every write replaces a segment file: its inode, size and mtime change.
        parts = []
        for path in self._responses(form_id).paths():
            st = os.stat(path)
            parts.append(f"{path.name}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}")
        return hashlib.sha256("|".join(parts).encode()).hexdigest()

    def update(self, response_id: str, **changes: Any) -> Response | None:
        def change(record: dict) -> dict:
            record.update(changes, updated=utcnow())
            return record

        stored = self._modify(response_id, change)
        return Response.from_dict(stored) if stored else None

    def change_review_status(self, response_id: str, status: str, entry: dict[str, Any],
                             default: str | None = None) -> Response | None:
        def change(record: dict) -> dict:
            # Read and appended under the store lock: no concurrent change is lost.
            previous = record.get("review_status") or default
            record.update(review_status=status, updated=utcnow(),
                          history=[*record.get("history", []),
                                   {**entry, "from": previous, "to": status}])
            return record

        stored = self._modify(response_id, change)
        return Response.from_dict(stored) if stored else None

    def change_answers(self, response_id: str, changes: dict[str, Any], entry: dict[str, Any],
                       default: str | None = None) -> Response | None:
        def change(record: dict) -> dict:
            # Merged into the answers as they are under the store lock: nothing lost.
            status = record.get("review_status") or default
            record.update(answers={**record.get("answers", {}), **changes}, updated=utcnow(),
                          history=[*record.get("history", []),
                                   {**entry, "from": status, "to": status}])
            return record

        stored = self._modify(response_id, change)
        return Response.from_dict(stored) if stored else None

    def expire_responses(self, form_id: str, status: str, before: str,
                         remove_fields: Iterable[str] | None = None) -> list[str]:
        stamp = "submitted" if status == SUBMITTED else "updated"
        removed = None if remove_fields is None else set(remove_fields)
        matched = [r["id"] for r in self._responses(form_id)
                   if r["status"] == status and (r.get(stamp) or "") < before
                   and (removed is None or removed & set(r.get("answers") or {}))]
        for response_id in matched:
            if removed is None:
                self.delete(response_id)
            else:
                self._modify(response_id, lambda r: {
                    **r, "updated": utcnow(), "pending": {},
                    "answers": {k: v for k, v in r["answers"].items() if k not in removed}})
        return matched

    def delete(self, response_id: str) -> bool:
        table = self._table_of(response_id)
        if table is None:
            return False
        with self._lock:
            record = table.remove(response_id)
            if record is None:
                return False
            if record.get("key"):
                self._keys.set(f"{record['form_id']}:{record['key']}", None)
            if record.get("resume_hash"):
                self._resume.set(record["resume_hash"], None)
            if record.get("reference"):
                self._references.set(record["reference"], None)
        return True

    def set_resume_hash(self, response_id: str, code_hash: str) -> Response | None:
        with self._lock:
            previous = self.get(response_id)
            if previous is None or previous.is_submitted:
                return previous
            if previous.resume_hash:
                self._resume.set(previous.resume_hash, None)
            stored = self._modify(response_id, lambda r: {**r, "resume_hash": code_hash,
                                                          "updated": utcnow()})
            self._resume.set(code_hash, response_id)
        return Response.from_dict(stored) if stored else None

    def find_by_resume_hash(self, code_hash: str) -> Response | None:
        response_id = self._resume.get(code_hash)
        response = self.get(response_id) if response_id else None
        if response is None or response.resume_hash != code_hash:
            return None
        return response

    def claim_resume_hash(self, code_hash: str, browser: str) -> Response | None:
        response_id = self._resume.get(code_hash)
        if not response_id:
            return None
        claimed = False

        def change(record: dict) -> dict:
            # Checked under the lock: of two browsers using one code at once, one wins.
            nonlocal claimed
            if record.get("resume_hash") != code_hash or record["status"] != DRAFT:
                return record
            claimed = True
            return {**record, "resume_hash": None, "browser": browser, "updated": utcnow()}

        stored = self._modify(response_id, change)
        if not claimed:
            return None
        with self._lock:
            self._resume.set(code_hash, None)
        return Response.from_dict(stored)

    def delete_empty_drafts(self, before: str) -> int:
        def abandoned(record: dict) -> bool:
            return (record["status"] == DRAFT and record["updated"] < before
                    and not record.get("answers") and not record.get("pending")
                    and not record.get("resume_hash"))

        removed = 0
        folder = self.root / "responses"
        for form_id in sorted(os.listdir(folder)) if folder.is_dir() else []:
            if not _NAME.match(form_id):
                continue
            records = self._responses(form_id).remove_where(abandoned)
            self._keys.remove_many(f"{form_id}:{r['key']}" for r in records if r.get("key"))
            removed += len(records)
        return removed

    def import_records(self, records: Iterable[Response]) -> int:
        """Append records in whole segments: one file write per segment, not per record.

        Records keep their ids (an id of another store's making is found through the
        alias index); records without one get an id of this store's layout."""
        by_form: dict[str, list[dict]] = {}
        for record in records:
            by_form.setdefault(record.form_id, []).append(record.to_dict())
        written = 0
        with self._lock:
            for form_id, items in by_form.items():
                table = self._responses(form_id)
                stored = table.bulk(items)
                self._keys.set_many({f"{form_id}:{r['key']}": r["id"]
                                     for _n, r in stored if r.get("key")})
                self._resume.set_many({r["resume_hash"]: r["id"] for _n, r in stored
                                       if r.get("resume_hash") and r["status"] == DRAFT})
                self._references.set_many({r["reference"]: r["id"] for _n, r in stored
                                           if r.get("reference")})
                native = f"{form_id}-{{:06d}}-"
                self._aliases.set_many({r["id"]: [form_id, number] for number, r in stored
                                        if not r["id"].startswith(native.format(number))})
                written += len(stored)
        return written

    def iter_all_responses(self) -> Iterator[Response]:
        folder = self.root / "responses"
        for form_id in sorted(os.listdir(folder)) if folder.is_dir() else []:
            if _NAME.match(form_id):
                yield from self.iter_responses(form_id)

    def import_users(self, users: Iterable[User]) -> int:
        count = 0
        with self._lock:
            for user in users:
                self.add_user(user)
                count += 1
        return count

    def import_audit(self, entries: Iterable[dict[str, Any]]) -> int:
        with self._lock:
            written = self._audit.bulk(dict(e) for e in entries)
            self._copy_team_audit(record for _number, record in written)
            return len(written)

    # -- accounts ----------------------------------------------------------------------
    def _users(self) -> dict:
        return self._files.table(self._accounts)

    # -- API tokens --------------------------------------------------------------------
    def add_token(self, token: ApiToken) -> ApiToken:
        with self._lock:
            self._files.db(self._tokens).table(TABLE).insert(
                Document(token.to_dict(), doc_id=token.id))
        return token

    def get_token(self, token_id: str) -> ApiToken | None:
        record = self._files.table(self._tokens).get(token_id or "")
        return ApiToken.from_dict(record) if record else None

    def find_token(self, token_hash: str) -> ApiToken | None:
        for record in self._files.table(self._tokens).values():
            if record["token_hash"] == token_hash:
                return ApiToken.from_dict(record)
        return None

    def list_tokens(self) -> list[ApiToken]:
        return sorted((ApiToken.from_dict(r) for r in self._files.table(self._tokens).values()),
                      key=lambda t: t.created)

    def update_token(self, token_id: str, **changes: Any) -> ApiToken | None:
        with self._lock:
            record = self._files.table(self._tokens).get(token_id)
            if record is None:
                return None
            self._files.db(self._tokens).table(TABLE).update(changes, doc_ids=[token_id])
            return ApiToken.from_dict({**record, **changes})

    def add_user(self, user: User) -> User:
        with self._lock:
            if self.find_user(user.email) is not None:
                raise StoreError(f"an account for {user.email} already exists")
            self._files.db(self._accounts).table(TABLE).insert(
                Document(user.to_dict(), doc_id=user.id))
        return user

    def get_user(self, user_id: str) -> User | None:
        record = self._users().get(user_id or "")
        return User.from_dict(record) if record else None

    def find_user(self, email: str) -> User | None:
        email = (email or "").strip().lower()
        for record in self._users().values():
            if record["email"] == email:
                return User.from_dict(record)
        return None

    def list_users(self) -> list[User]:
        return sorted((User.from_dict(r) for r in self._users().values()),
                      key=lambda u: u.email)

    def update_user(self, user_id: str, **changes: Any) -> User | None:
        with self._lock:
            record = self._users().get(user_id)
            if record is None:
                return None
            self._files.db(self._accounts).table(TABLE).update(changes, doc_ids=[user_id])
            return User.from_dict({**record, **changes})

    # -- coordinator sessions ----------------------------------------------------------
    def add_session(self, session: Session) -> None:
        now = clock.now()
        self._rewrite(self._sessions, lambda table: {
            **{k: v for k, v in table.items() if v["expires"] > now},
            session.id: session.to_dict()})

    def get_session(self, session_id: str) -> Session | None:
        record = self._files.table(self._sessions).get(session_id or "")
        return Session.from_dict(record) if record else None

    def touch_session(self, session_id: str, seen: float) -> None:
        def change(table: dict) -> dict:
            if session_id in table:  # a session ended meanwhile stays ended
                table[session_id] = {**table[session_id], "seen": seen}
            return table

        self._rewrite(self._sessions, change)

    def delete_session(self, session_id: str) -> None:
        self._rewrite(self._sessions, lambda table: {
            k: v for k, v in table.items() if k != session_id})

    def delete_user_sessions(self, user_id: str) -> int:
        ended = 0

        def change(table: dict) -> dict:
            nonlocal ended
            kept = {k: v for k, v in table.items() if v["user_id"] != user_id}
            ended = len(table) - len(kept)
            return kept

        self._rewrite(self._sessions, change)
        return ended

    def count_user_sessions(self, now: float) -> dict[str, int]:
        counts: dict[str, int] = {}
        for record in self._files.table(self._sessions).values():
            if record["expires"] > now:
                counts[record["user_id"]] = counts.get(record["user_id"], 0) + 1
        return counts

    # -- outbox ------------------------------------------------------------------------
    def _queued(self) -> dict:
        return self._files.table(self._queue)

    def enqueue(self, message: Message) -> bool:
        with self._lock:
            if self._message_ids.get(message.id):
                return False
            self._queue.parent.mkdir(parents=True, exist_ok=True)
            self._rewrite(self._queue, lambda table: {**table, message.id: message.to_dict()})
            self._message_ids.set(message.id, "1")
        return True

    def enqueue_many(self, messages: Iterable[Message]) -> int:
        # One write of the queue for all of them (one per message grows as n²).
        with self._lock:
            new: dict[str, Message] = {}
            for message in messages:
                if message.id not in new and not self._message_ids.get(message.id):
                    new[message.id] = message
            if new:
                self._queue.parent.mkdir(parents=True, exist_ok=True)
                self._rewrite(self._queue, lambda table: {
                    **table, **{k: m.to_dict() for k, m in new.items()}})
                self._message_ids.set_many(dict.fromkeys(new, "1"))
        return len(new)

    def claim_messages(self, now: float, limit: int, lease: float,
                       kinds: Iterable[str]) -> list[Message]:
        kinds = set(kinds)
        claimed: list[dict] = []

        def change(table: dict) -> dict:
            due = sorted((r for r in table.values()
                          if r["status"] == QUEUED and r["kind"] in kinds
                          and r["next_at"] <= now and r["lease_until"] <= now),
                         key=lambda r: r["created"])[:limit]
            for record in due:
                table[record["id"]] = {**record, "lease_until": now + lease}
                claimed.append(table[record["id"]])
            return table

        if self._queue.exists():
            self._rewrite(self._queue, change)
        return [Message.from_dict(r) for r in claimed]

    def finish_message(self, message_id: str, **changes: Any) -> Message | None:
        with self._lock:
            record = self._queued().get(message_id)
            if record is None:
                return None
            record = {**record, **changes, "lease_until": 0.0}
            done = record["status"] not in (QUEUED, DEAD)

            def change(table: dict) -> dict:
                if done:
                    table.pop(message_id, None)
                else:
                    table[message_id] = record
                return table

            if done:  # archived first: a crash between the two leaves a copy, not a loss
                self._delivered.insert(lambda _new_id: record)
            self._rewrite(self._queue, change)
        return Message.from_dict(record)

    def get_message(self, message_id: str) -> Message | None:
        record = self._queued().get(message_id)
        if record is None and self._message_ids.get(message_id):
            record = next((r for r in self._delivered.reversed() if r["id"] == message_id),
                          None)
        return Message.from_dict(record) if record else None

    def list_messages(self, status: str | None = None, limit: int = 100,
                      recipient: str | None = None) -> list[Message]:
        def wanted(record: dict) -> bool:
            return ((status is None or record["status"] == status)
                    and (recipient is None or record.get("recipient") == recipient))

        found = sorted((r for r in self._queued().values() if wanted(r)),
                       key=lambda r: r["created"], reverse=True)
        if status in (None, "sent", "cancelled"):
            for record in self._delivered.reversed():
                if len(found) >= limit:
                    break
                if wanted(record):
                    found.append(record)
        return [Message.from_dict(r) for r in found[:limit]]

    def delete_messages(self, recipient: str) -> int:
        removed = 0

        def keep(record: dict) -> bool:
            return record.get("recipient") != recipient

        with self._lock:
            queued = self._queued()
            kept = {k: v for k, v in queued.items() if keep(v)}
            removed += len(queued) - len(kept)
            if removed:
                self._rewrite(self._queue, lambda _table: kept)
            for path in self._delivered.paths():
                records = self._files.table(path)
                gone = [k for k, v in records.items() if not keep(v)]
                if gone:
                    self._files.db(path).table(TABLE).remove(doc_ids=gone)
                    removed += len(gone)
        return removed

    def count_messages(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for record in [*self._queued().values(), *self._delivered]:
            counts[record["status"]] = counts.get(record["status"], 0) + 1
        return counts

    # -- webhooks ----------------------------------------------------------------------
    def add_webhook(self, webhook: Webhook) -> Webhook:
        self._webhooks.parent.mkdir(parents=True, exist_ok=True)
        self._rewrite(self._webhooks, lambda table: {**table, webhook.id: webhook.to_dict()})
        return webhook

    def get_webhook(self, webhook_id: str) -> Webhook | None:
        record = self._files.table(self._webhooks).get(webhook_id or "")
        return Webhook.from_dict(record) if record else None

    def list_webhooks(self, form_id: str | None = None) -> list[Webhook]:
        records = self._files.table(self._webhooks).values()
        return [Webhook.from_dict(r) for r in sorted(records, key=lambda r: r["created"])
                if form_id is None or r["form_id"] == form_id]

    def _webhook_log(self, webhook_id: str) -> Path:
        if not _NAME.match(webhook_id or ""):
            raise StoreError(f"invalid webhook id {webhook_id!r}")
        return self._webhook_logs / f"{webhook_id}.json"

    def remove_webhook(self, webhook_id: str) -> bool:
        found = False

        def change(table: dict) -> dict:
            nonlocal found
            found = table.pop(webhook_id, None) is not None
            return table

        with self._lock:
            if not self._webhooks.exists():
                return False
            self._rewrite(self._webhooks, change)
            if found:
                self._webhook_log(webhook_id).unlink(missing_ok=True)
        return found

    def log_webhook_attempt(self, entry: dict[str, Any]) -> None:
        path = self._webhook_log(entry["webhook_id"])
        path.parent.mkdir(parents=True, exist_ok=True)
        def change(table: dict) -> dict:
            # Numbered in order of writing (under the lock), zero-padded to sort.
            table[f"{1 + max(map(int, table), default=0):012d}"] = dict(entry)
            return dict(sorted(table.items())[-WEBHOOK_LOG_KEPT:])

        self._rewrite(path, change)

    def list_webhook_attempts(self, webhook_id: str, limit: int = 50) -> list[dict[str, Any]]:
        table = self._files.table(self._webhook_log(webhook_id))
        return [dict(table[k]) for k in sorted(table, reverse=True)[:limit]]

    # -- invitations -------------------------------------------------------------------
    def _invitation_file(self, form_id: str) -> Path:
        if not _NAME.match(form_id or ""):
            raise StoreError(f"invalid form id {form_id!r}")
        return self._invitations / f"{form_id}.json"

    def _form_invitations(self, form_id: str) -> dict:
        return self._files.table(self._invitation_file(form_id))

    def _all_invitation_records(self) -> Iterator[dict]:
        if self._invitations.is_dir():
            for path in sorted(self._invitations.glob("*.json")):
                yield from list(self._files.table(path).values())

    def _change_invitations(self, form_id: str, change: Callable[[dict], dict]) -> None:
        path = self._invitation_file(form_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._rewrite(path, change)

    def add_invitations(self, invitations: Iterable[Invitation]) -> list[Invitation]:
        added: list[Invitation] = []
        by_form: dict[str, list[Invitation]] = {}
        for invitation in invitations:
            by_form.setdefault(invitation.form_id, []).append(invitation)
        with self._lock:
            for form_id, batch in by_form.items():
                taken = {r["email"] for r in self._form_invitations(form_id).values()}
                new = []
                for invitation in batch:
                    if invitation.email not in taken:
                        taken.add(invitation.email)
                        new.append(invitation)
                if not new:
                    continue
                # index first: a crash between the two leaves an entry that finds nothing
                self._invitation_tokens.set_many({i.token_hash: [form_id, i.id] for i in new})
                self._change_invitations(form_id, lambda table, new=new: {
                    **table, **{i.id: i.to_dict() for i in new}})
                added += new
        return added

    def get_invitation(self, invitation_id: str) -> Invitation | None:
        for record in self._all_invitation_records():
            if record["id"] == invitation_id:
                return Invitation.from_dict(record)
        return None

    def find_invitation(self, token_hash: str) -> Invitation | None:
        where = self._invitation_tokens.get(token_hash) if token_hash else None
        if not where:
            return None
        record = self._form_invitations(where[0]).get(where[1])
        if record is None or record["token_hash"] != token_hash:
            return None
        return Invitation.from_dict(record)

    def _modify_invitation(self, form_id: str, invitation_id: str,
                           change: Callable[[dict], dict | None]) -> Invitation | None:
        result: dict | None = None

        def rewrite(table: dict) -> dict:
            nonlocal result
            record = table.get(invitation_id)
            if record is not None:
                changed = change(dict(record))
                if changed is not None:
                    table[invitation_id] = changed
                result = table[invitation_id]
            return table

        with self._lock:
            if invitation_id in self._form_invitations(form_id):
                self._change_invitations(form_id, rewrite)
        return Invitation.from_dict(result) if result else None

    def update_invitation(self, invitation_id: str, **changes: Any) -> Invitation | None:
        current = self.get_invitation(invitation_id)
        if current is None:
            return None
        changes.pop("id", None)
        return self._modify_invitation(current.form_id, invitation_id,
                                       lambda record: {**record, **changes})

    def set_reminders_sent(self, sent: dict[str, int]) -> None:
        with self._lock:
            forms = {r["form_id"] for r in self._all_invitation_records() if r["id"] in sent}
            for form_id in forms:
                self._change_invitations(form_id, lambda table: {
                    k: {**v, "reminders_sent": sent[k]} if k in sent else v
                    for k, v in table.items()})

    def link_invitation(self, invitation_id: str, response_id: str) -> Invitation | None:
        current = self.get_invitation(invitation_id)
        if current is None:
            return None

        def change(record: dict) -> dict | None:
            return None if record.get("response_id") else {**record,
                                                            "response_id": response_id}

        return self._modify_invitation(current.form_id, invitation_id, change)

    def answer_invitation(self, response_id: str, when: str) -> Invitation | None:
        response = self.get(response_id)
        if response is None:
            return None
        found = next((r for r in self._form_invitations(response.form_id).values()
                      if r.get("response_id") == response_id), None)
        if found is None:
            return None

        def change(record: dict) -> dict | None:
            return None if record.get("answered") else {**record, "answered": when}

        return self._modify_invitation(response.form_id, found["id"], change)

    def list_invitations(self, form_id: str) -> list[Invitation]:
        return sorted((Invitation.from_dict(r)
                       for r in self._form_invitations(form_id).values()),
                      key=lambda i: (i.created, i.email))

    def count_invitations(self, form_id: str) -> dict[str, int]:
        counts = dict.fromkeys(("waiting", "answered", "opted_out"), 0)
        for record in self._form_invitations(form_id).values():
            counts[Invitation.from_dict(record).state] += 1
        return counts

    def awaiting_reminders(self, limit: int | None = None) -> list[Invitation]:
        found = (invitation for invitation in map(Invitation.from_dict,
                                                  self._all_invitation_records())
                 if invitation.state == WAITING
                 and invitation.reminders_sent < len(invitation.reminders))
        return list(itertools.islice(found, limit))

    def find_invitations(self, email: str) -> list[Invitation]:
        return [Invitation.from_dict(r) for r in self._all_invitation_records()
                if r["email"] == email]

    def delete_invitations(self, email: str) -> int:
        removed = 0
        with self._lock:
            for record in [r for r in self._all_invitation_records() if r["email"] == email]:
                self._change_invitations(record["form_id"], lambda table, gone=record["id"]: {
                    k: v for k, v in table.items() if k != gone})
                self._invitation_tokens.set(record["token_hash"], None)
                removed += 1
        return removed

    def iter_all_invitations(self) -> Iterator[Invitation]:
        return map(Invitation.from_dict, self._all_invitation_records())

    def import_invitations(self, invitations: Iterable[Invitation]) -> int:
        return len(self.add_invitations(invitations))

    # -- audit log ---------------------------------------------------------------------
    def append_audit(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._audit.insert(lambda new_id: {**entry, "id": new_id,
                                               "at": entry.get("at") or utcnow()})

    def iter_audit(self, oldest_first: bool = False) -> Iterator[dict[str, Any]]:
        return iter(self._audit) if oldest_first else self._audit.reversed()

    def count_audit(self) -> int:
        return self._audit.count()

    # -- counters (rate limits) --------------------------------------------------------
    def hit(self, key: str, window: float, amount: int = 1) -> int:
        now = clock.now()
        count = 0

        def change(table: dict) -> dict:
            nonlocal count
            # Keep the file small: drop every expired counter on each write.
            fresh = {k: v for k, v in table.items() if v["until"] > now}
            entry = fresh.get(key) or {"count": 0, "until": now + window}
            count = max(0, entry["count"] + amount)
            fresh[key] = {**entry, "count": count}
            return fresh

        self._rewrite(self._counters, change)
        return count

    def peek(self, key: str) -> int:
        entry = self._files.table(self._counters).get(key)
        return entry["count"] if entry and entry["until"] > clock.now() else 0

    def reset(self, key: str) -> None:
        if key in self._files.table(self._counters):
            self._rewrite(self._counters, lambda table: {
                k: v for k, v in table.items() if k != key})

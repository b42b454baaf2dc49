"""The embedded default store: TinyDB files, safe for several processes on one machine.

TinyDB rewrites a whole file on every write, so one big file makes each submission
slower as responses accumulate. Records are therefore kept in *segments*: each form has
numbered TinyDB files of at most :data:`SEGMENT_SIZE` records, filled in order, and a
record's id names its form and segment (``<form>-<segment>-<token>``). A write touches
one bounded segment, whatever the total. Lookups by idempotency key and by resume code
use small hash-sharded index files.

Every write happens under one inter-process file lock and replaces its file atomically
(temp file, fsync, ``os.replace``, directory fsync): readers never lock and always see a
complete file; a crash mid-write leaves the previous version. Each process caches parsed
files and re-reads one when its inode, size or mtime changed, so it sees other
processes' writes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from filelock import FileLock
from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from formkit.storage.base import DRAFT, SUBMITTED, Response, Store, StoreError, new_token, utcnow

SEGMENT_SIZE = 50
INDEX_SHARDS = 256
TABLE = "records"
_SEGMENT_FILE = re.compile(r"^seg-(\d{6})\.json$")
_RESPONSE_ID = re.compile(r"^([a-z][a-z0-9_]{0,62})-(\d{6})-([a-z2-7]{8,32})$")
_FORM_ID = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


class _StrIdTable(Table):
    """Documents keyed by our string ids rather than TinyDB's integers."""

    document_id_class = str  # type: ignore[assignment]


class _StrIdDB(TinyDB):
    table_class = _StrIdTable
    default_table_name = TABLE


class _FileCache:
    """Parsed JSON files, valid while the file's (inode, size, mtime) is unchanged."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[tuple[int, int, int], dict]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _stamp(path: str) -> tuple[int, int, int] | None:
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def read(self, path: str) -> dict | None:
        stamp = self._stamp(path)
        if stamp is None:
            return None
        with self._lock:
            entry = self._entries.get(path)
            if entry and entry[0] == stamp:
                return entry[1]
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        data = json.loads(text) if text.strip() else {}
        with self._lock:
            self._entries[path] = (stamp, data)
        return data

    def remember(self, path: str, data: dict) -> None:
        stamp = self._stamp(path)
        with self._lock:
            if stamp is not None:
                self._entries[path] = (stamp, data)

    def forget(self, path: str) -> None:
        with self._lock:
            self._entries.pop(path, None)


def atomic_write_json(path: str, data: Any) -> None:
    """Write JSON so that readers see the old file or the new one, never a part."""
    folder = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(path) + ".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))
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


class TinyDBStore(Store):
    """Responses in segmented TinyDB files under ``root``."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        (self.root / "responses").mkdir(parents=True, exist_ok=True)
        (self.root / "index").mkdir(parents=True, exist_ok=True)
        self._cache = _FileCache()
        self._lock = FileLock(str(self.root / "store.lock"))
        #: the last segment number seen per form, so a write need not list the folder.
        self._last_segment: dict[str, int] = {}

    # -- files -------------------------------------------------------------------------
    def _db(self, path: Path) -> _StrIdDB:
        path.parent.mkdir(parents=True, exist_ok=True)
        return _StrIdDB(storage=_CachedAtomicStorage, path=str(path), cache=self._cache)

    def _table(self, path: Path) -> dict:
        data = self._cache.read(str(path)) or {}
        return data.get(TABLE, {})

    def _form_dir(self, form_id: str) -> Path:
        if not _FORM_ID.match(form_id):
            raise StoreError(f"invalid form id {form_id!r}")
        return self.root / "responses" / form_id

    def _segments(self, form_id: str) -> list[Path]:
        folder = self._form_dir(form_id)
        if not folder.is_dir():
            return []
        names = sorted(n for n in os.listdir(folder) if _SEGMENT_FILE.match(n))
        return [folder / n for n in names]

    def _last_segment_number(self, form_id: str) -> int:
        """The highest segment number of a form (0 if none); call under the lock."""
        number = self._last_segment.get(form_id)
        if number is None:
            segments = self._segments(form_id)
            number = int(_SEGMENT_FILE.match(segments[-1].name).group(1)) if segments else 0
        # Another process may have started newer segments since.
        while self._segment_path(form_id, number + 1).exists():
            number += 1
        self._last_segment[form_id] = number
        return number

    def _segment_path(self, form_id: str, number: int) -> Path:
        return self._form_dir(form_id) / f"seg-{number:06d}.json"

    def _locate(self, response_id: str) -> Path | None:
        match = _RESPONSE_ID.match(response_id or "")
        if not match:
            return None
        return self._segment_path(match.group(1), int(match.group(2)))

    def _index_path(self, index: str, key: str) -> Path:
        digest = hashlib.sha256(key.encode()).hexdigest()
        shard = int(digest[:4], 16) % INDEX_SHARDS
        return self.root / "index" / index / f"{shard:03d}.json"

    def _index_get(self, index: str, key: str) -> str | None:
        entry = self._table(self._index_path(index, key)).get(key)
        return entry["id"] if entry else None

    def _index_set(self, index: str, key: str, response_id: str | None) -> None:
        table = self._db(self._index_path(index, key)).table(TABLE)
        if response_id is None:
            with contextlib.suppress(KeyError):
                table.remove(doc_ids=[key])
        else:
            table.upsert(Document({"id": response_id}, doc_id=key))

    # -- records -----------------------------------------------------------------------
    def _modify(self, response_id: str, change: Callable[[dict], dict | None]) -> dict | None:
        """Apply ``change`` to a stored record under the lock; ``None`` if absent."""
        path = self._locate(response_id)
        if path is None or not path.exists():
            return None
        with self._lock:
            current = self._table(path).get(response_id)
            if current is None:
                return None
            updated = change(dict(current))
            if updated is None or updated == current:
                return current
            self._db(path).table(TABLE).update(updated, doc_ids=[response_id])
            return updated

    def create_draft(self, form_id, form_version, locale, key, answers=None) -> Response:
        index_key = f"{form_id}:{key}"
        with self._lock:
            existing = self._index_get("keys", index_key)
            if existing:
                found = self.get(existing)
                if found is not None:
                    return found
            number = max(self._last_segment_number(form_id), 1)
            if len(self._table(self._segment_path(form_id, number))) >= SEGMENT_SIZE:
                number += 1
            response = Response(
                id=f"{form_id}-{number:06d}-{new_token()}",
                form_id=form_id,
                form_version=form_version,
                locale=locale,
                answers=dict(answers or {}),
                key=key,
            )
            self._db(self._segment_path(form_id, number)).table(TABLE).insert(
                Document(response.to_dict(), doc_id=response.id)
            )
            self._index_set("keys", index_key, response.id)
            return response

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
                self._index_set("resume", stored["resume_hash"], None)
        return Response.from_dict(stored), created

    def get(self, response_id: str) -> Response | None:
        path = self._locate(response_id)
        if path is None:
            return None
        record = self._table(path).get(response_id)
        return Response.from_dict(record) if record else None

    def iter_responses(self, form_id: str, status: str | None = None) -> Iterator[Response]:
        for path in self._segments(form_id):
            for record in list(self._table(path).values()):
                if status is None or record["status"] == status:
                    yield Response.from_dict(record)

    def count(self, form_id: str, status: str | None = None) -> int:
        total = 0
        for path in self._segments(form_id):
            records = self._table(path).values()
            total += len(records) if status is None else sum(
                1 for r in records if r["status"] == status)
        return total

    def update(self, response_id: str, **changes: Any) -> Response | None:
        def change(record: dict) -> dict:
            record.update(changes, updated=utcnow())
            return record

        stored = self._modify(response_id, change)
        return Response.from_dict(stored) if stored else None

    def delete(self, response_id: str) -> bool:
        path = self._locate(response_id)
        if path is None or not path.exists():
            return False
        with self._lock:
            record = self._table(path).get(response_id)
            if record is None:
                return False
            self._db(path).table(TABLE).remove(doc_ids=[response_id])
            if record.get("key"):
                self._index_set("keys", f"{record['form_id']}:{record['key']}", None)
            if record.get("resume_hash"):
                self._index_set("resume", record["resume_hash"], None)
            return True

    def set_resume_hash(self, response_id: str, code_hash: str) -> Response | None:
        with self._lock:
            previous = self.get(response_id)
            if previous is None or previous.is_submitted:
                return previous
            if previous.resume_hash:
                self._index_set("resume", previous.resume_hash, None)
            stored = self._modify(response_id, lambda r: {**r, "resume_hash": code_hash,
                                                          "updated": utcnow()})
            self._index_set("resume", code_hash, response_id)
            return Response.from_dict(stored) if stored else None

    def import_records(self, records: Iterable[Response]) -> int:
        """Append records in whole segments: one file write per segment, not per record.

        Records get ids of this store's layout (``<form>-<segment>-<token>``)."""
        written = 0
        with self._lock:
            by_form: dict[str, list[Response]] = {}
            for record in records:
                by_form.setdefault(record.form_id, []).append(record)
            for form_id, items in by_form.items():
                number = self._last_segment_number(form_id)
                keys: dict[Path, dict[str, dict]] = {}
                for start in range(0, len(items), SEGMENT_SIZE):
                    number += 1
                    path = self._segment_path(form_id, number)
                    path.parent.mkdir(parents=True, exist_ok=True)
                    table = {}
                    for record in items[start:start + SEGMENT_SIZE]:
                        record.id = f"{form_id}-{number:06d}-{new_token()}"
                        table[record.id] = record.to_dict()
                        if record.key:
                            index_key = f"{form_id}:{record.key}"
                            shard = self._index_path("keys", index_key)
                            keys.setdefault(shard, {})[index_key] = {"id": record.id}
                    atomic_write_json(str(path), {TABLE: table})
                    self._last_segment[form_id] = number
                    written += len(table)
                for shard, entries in keys.items():
                    shard.parent.mkdir(parents=True, exist_ok=True)
                    data = self._cache.read(str(shard)) or {}
                    merged = {TABLE: {**data.get(TABLE, {}), **entries}}
                    atomic_write_json(str(shard), merged)
        return written

    def find_by_resume_hash(self, code_hash: str) -> Response | None:
        response_id = self._index_get("resume", code_hash)
        if not response_id:
            return None
        response = self.get(response_id)
        if response is None or response.resume_hash != code_hash:
            return None
        return response

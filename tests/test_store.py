"""The stores: their interface, several processes at once, crashes mid-write. Tests
taking ``db`` or ``store_url`` run on TinyDB and on PostgreSQL."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest

from formkit.storage import SUBMITTED, open_store
from formkit.storage.tinydb_store import SEGMENT_SIZE, TinyDBStore


@pytest.fixture
def db(store_url):
    store = open_store(store_url)
    yield store
    store.close()


def test_create_draft_is_idempotent_per_key(db):
    first = db.create_draft("survey", "1", "fr", "key-one", {"a": 1})
    again = db.create_draft("survey", "1", "en", "key-one")
    other = db.create_draft("survey", "1", "en", "key-two")
    assert again.id == first.id and again.answers == {"a": 1} and again.locale == "fr"
    assert other.id != first.id
    assert db.count("survey") == 2


def test_draft_save_submit_and_read_back(db):
    draft = db.create_draft("survey", "3", "en", "k")
    draft.answers = {"name": "Zoë", "n": 2}
    draft.page = 1
    draft.pending = {"s2": {"q_x": ["typed"]}}
    db.save_draft(draft)
    stored = db.get(draft.id)
    assert stored.answers == {"name": "Zoë", "n": 2} and stored.pending == draft.pending
    stored.score = {"total": 2}
    submitted, created = db.submit(stored)
    assert created and submitted.status == SUBMITTED and submitted.pending == {}
    assert submitted.submitted and submitted.score == {"total": 2}
    again, created = db.submit(stored)
    assert not created and again.submitted == submitted.submitted
    # a submitted record is not changed by a late draft save
    stored.answers = {"name": "changed"}
    assert db.save_draft(stored).answers["name"] == "Zoë"


def test_records_are_copies_not_shared_state(db):
    draft = db.create_draft("survey", "1", "en", "k", {"items": [1]})
    fetched = db.get(draft.id)
    fetched.answers["items"].append(2)
    assert db.get(draft.id).answers == {"items": [1]}
    # A streamed pass hands out records it does not copy: they must be its own too,
    # whether or not their file is in the store's cache (the get above put it there).
    for _pass in range(2):
        streamed = next(db.iter_responses("survey"))
        streamed.answers["items"].append(3)
        streamed.history.append({"to": "changed"})
    assert db.get(draft.id).answers == {"items": [1]} and db.get(draft.id).history == []
    assert next(db.iter_responses("survey")).answers == {"items": [1]}


def test_stored_json_reads_back_whatever_the_parser(tmp_path):
    """Records are parsed by msgspec, and what only the standard library's json reads
    (which writes it: NaN, infinities) by json: every value comes back as stored."""
    store = TinyDBStore(tmp_path)
    answers = {"big": 10**30, "nan": float("nan"), "inf": float("-inf"), "zero": -0.0,
               "text": "é\u0000\ud7ff", "nested": [{"a": [1.5, None, True]}]}
    made = store.create_draft("survey", "1", "fr", "k", answers)
    store.create_draft("survey", "1", "fr", "k2", {"n": 1})
    for read in (store.get(made.id), next(store.iter_responses("survey")),
                 TinyDBStore(tmp_path).get(made.id)):
        got = read.answers
        assert got["nan"] != got["nan"] and got["inf"] == float("-inf")
        assert {k: v for k, v in got.items() if k not in ("nan", "inf")} == {
            k: v for k, v in answers.items() if k not in ("nan", "inf")}
        assert type(got["big"]) is int and str(got["zero"]) == "-0.0"
    assert [r.answers for r in store.iter_responses("survey")][1] == {"n": 1}


def test_numbers_and_text_read_back_exactly(db):
    """Both stores parse JSON with msgspec: integers beyond 64 bits stay integers (a
    parser that made them floats would lose digits), floats and text are as stored."""
    answers = {"big": 10**30, "negative": -(2**70), "small": 5e-324, "tenth": 0.1,
               "amount": 12000.5, "text": "«\u00a0é\u00a0» \U0001f600",
               "nested": {"rows": [{"a": [1.5, None, True, "x"]}]}}
    made = db.create_draft("survey", "1", "fr", "k", answers)
    for read in (db.get(made.id), next(db.iter_responses("survey"))):
        assert read.answers == answers
        assert type(read.answers["big"]) is int and type(read.answers["negative"]) is int


def test_records_after_one_cross_segments(db):
    ids = [db.create_draft("survey", "1", "en", f"k{i}", {"n": i}).id
           for i in range(SEGMENT_SIZE + 3)]
    db.submit(db.get(ids[SEGMENT_SIZE + 1]))
    after = [r.answers["n"] for r in db.iter_responses("survey", after=ids[SEGMENT_SIZE - 2])]
    assert after == [SEGMENT_SIZE - 1, SEGMENT_SIZE, SEGMENT_SIZE + 1, SEGMENT_SIZE + 2]
    assert [r.answers["n"] for r in db.iter_responses(
        "survey", SUBMITTED, after=ids[3])] == [SEGMENT_SIZE + 1]
    assert list(db.iter_responses("survey", after=ids[-1])) == []
    assert list(db.iter_responses("survey", after="survey-000001-nosuchrecord")) == []


def test_malformed_or_unknown_ids(db):
    for bad in ("", "x", "../../etc", "survey-000001-", "survey-999999-abcdefghijklmnop",
                "'; DROP TABLE responses; --"):
        assert db.get(bad) is None
        assert db.update(bad, status="x") is None
        assert db.delete(bad) is False


def test_update_delete_and_counts(db):
    ids = [db.create_draft("survey", "1", "en", f"k{i}").id for i in range(5)]
    for response_id in ids[:3]:
        db.submit(db.get(response_id))
    assert db.count("survey") == 5 and db.count("survey", SUBMITTED) == 3
    assert [r.id for r in db.iter_responses("survey", SUBMITTED)] == ids[:3]
    assert db.update(ids[0], score={"x": 1}).score == {"x": 1}
    assert db.delete(ids[1]) and not db.delete(ids[1])
    assert db.count("survey") == 4 and db.get(ids[1]) is None
    # its key is free again
    assert db.create_draft("survey", "1", "en", "k1").id != ids[1]


def test_resume_codes(db):
    draft = db.create_draft("survey", "1", "en", "k")
    db.set_resume_hash(draft.id, "hash-1")
    assert db.find_by_resume_hash("hash-1").id == draft.id
    db.set_resume_hash(draft.id, "hash-2")  # a new code replaces the old one
    assert db.find_by_resume_hash("hash-1") is None
    assert db.find_by_resume_hash("hash-2").id == draft.id
    db.submit(db.get(draft.id))
    assert db.find_by_resume_hash("hash-2") is None


def test_segments_keep_each_file_bounded(tmp_path):
    db = TinyDBStore(tmp_path / "data")
    ids = [db.create_draft("survey", "1", "en", f"k{i}").id for i in range(SEGMENT_SIZE + 5)]
    folder = tmp_path / "data" / "responses" / "survey"
    segments = sorted(p.name for p in folder.glob("seg-*.json"))
    assert segments == ["seg-000001.json", "seg-000002.json"]
    first = json.loads((folder / segments[0]).read_text())["records"]
    assert len(first) == SEGMENT_SIZE
    assert all(db.get(i) is not None for i in ids)
    assert db.count("survey") == SEGMENT_SIZE + 5


def _submit_many(url: str, worker: int, count: int, acknowledged: str | None = None) -> None:
    db = open_store(url)
    for i in range(count):
        draft = db.create_draft("survey", "1", "en", f"w{worker}-{i}", {"worker": worker, "i": i})
        stored, _ = db.submit(draft)
        if acknowledged:
            with open(acknowledged, "a") as fh:
                fh.write(stored.id + "\n")


def test_concurrent_processes_lose_nothing(store_url):
    root = store_url
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_submit_many, args=(root, w, 40)) for w in range(4)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(120)
        assert process.exitcode == 0
    db = open_store(root)
    records = list(db.iter_responses("survey"))
    assert len(records) == 160 and db.count("survey", SUBMITTED) == 160
    assert len({r.id for r in records}) == 160
    assert {(r.answers["worker"], r.answers["i"]) for r in records} == {
        (w, i) for w in range(4) for i in range(40)}


def test_each_process_sees_the_others_writes(store_url):
    root = store_url
    reader = open_store(root)
    assert reader.count("survey") == 0
    context = multiprocessing.get_context("spawn")
    process = context.Process(target=_submit_many, args=(root, 0, 3))
    process.start()
    process.join(60)
    assert reader.count("survey") == 3


def test_killed_writer_loses_no_acknowledged_response(tmp_path, store_url):
    root = store_url
    acknowledged = tmp_path / "acknowledged.txt"
    acknowledged.touch()
    context = multiprocessing.get_context("spawn")
    for round_number in range(5):
        process = context.Process(target=_submit_many,
                                  args=(root, round_number, 10_000, str(acknowledged)))
        process.start()
        deadline = time.monotonic() + 10
        while not acknowledged.read_text().count("\n") > round_number * 5 + 3:
            assert time.monotonic() < deadline, "writer made no progress"
            time.sleep(0.01)
        time.sleep(0.05 * (round_number + 1))
        os.kill(process.pid, signal.SIGKILL)
        process.join()
    # Every file still parses, and every acknowledged submission is there, once.
    if not root.startswith("postgresql"):
        for path in Path(root).rglob("*.json"):
            json.loads(path.read_text())
    db = open_store(root)
    stored = {r.id: r for r in db.iter_responses("survey")}
    acked = acknowledged.read_text().split()
    assert acked and all(stored[i].status == SUBMITTED for i in acked)
    assert len(stored) == len({r.key for r in stored.values()})
    # and the store still takes writes (the lock died with its holder)
    _submit_many(root, 99, 1)
    assert db.count("survey") == len(stored) + 1


def test_accounts_audit_and_counters(db):
    from formkit.storage import StoreError, User

    user = db.add_user(User(id="u1", email="zoe@example.ca", role="admin"))
    with pytest.raises(StoreError):
        db.add_user(User(id="u2", email="zoe@example.ca"))
    assert db.find_user("ZOE@example.ca").id == "u1"
    assert db.update_user("u1", locked_until=3.0).locked_until == 3.0
    assert db.get_user("u1").locked_until == 3.0 and db.get_user("nope") is None
    assert [u.email for u in db.list_users()] == [user.email]
    for number in range(3):
        db.append_audit({"action": "view", "target": str(number)})
    assert [e["target"] for e in db.iter_audit()] == ["2", "1", "0"]
    assert [e["target"] for e in db.iter_audit(oldest_first=True)] == ["0", "1", "2"]
    assert db.count_audit() == 3
    assert [db.hit("k", 60) for _ in range(3)] == [1, 2, 3] and db.peek("k") == 3
    db.reset("k")
    assert db.peek("k") == 0 and db.hit("gone", -1) == 1 and db.peek("gone") == 0
    assert [db.hit("r", 60), db.hit("r", 60, amount=-1), db.hit("r", 60, amount=-1)] == [1, 0, 0]


def test_stats_stamp_and_ids_kept_on_import(db):
    from formkit.storage import Response

    first = db.create_draft("survey", "1", "en", "a")
    db.submit(first)
    stamp = db.form_stamp("survey")
    assert db.form_stats("survey")["submitted"] == 1
    db.update(first.id, review_status="approved")
    assert db.form_stamp("survey") != stamp
    assert db.form_stats("survey")["review"] == {"approved": 1}
    imported = Response(id="other-store-id-1", form_id="survey", form_version="1",
                        locale="fr", status="submitted", answers={"x": "é"}, key="z")
    assert db.import_records([imported]) == 1
    assert db.get("other-store-id-1").answers == {"x": "é"}
    assert db.update("other-store-id-1", review_status="declined").review_status == "declined"
    assert {r.id for r in db.iter_all_responses()} == {first.id, "other-store-id-1"}
    assert db.delete("other-store-id-1") and db.get("other-store-id-1") is None


def test_a_pass_over_a_form_keeps_only_its_live_segment_parsed(tmp_path):
    """A summary or export reads every segment of a form once: the segments it parsed
    are not kept (they filled the cache and pushed out the files the next requests
    need), except the last one, where drafts and new responses are written."""
    from formkit.storage import Response

    db = TinyDBStore(tmp_path / "data")
    db.import_records([Response(id=f"r{n:04d}", form_id="survey", form_version="1",
                                locale="en", status=SUBMITTED, answers={"n": n}, key=f"k{n}",
                                score={"mean": 2.75})
                       for n in range(3 * SEGMENT_SIZE + 7)])
    cache = db._files.cache
    folder = tmp_path / "data" / "responses" / "survey"
    segments = sorted(str(p) for p in folder.glob("seg-*.json"))
    assert len(segments) == 4
    sealed = segments[1]
    cache.read(sealed)  # a segment read for one response stays kept

    def kept() -> set[str]:
        return {p for p in cache._entries if p.startswith(str(folder))}

    for _ in range(2):
        cache._entries.clear()
        cache._bytes = 0
        cache.read(sealed)
        assert sorted(r.answers["n"] for r in db.iter_responses("survey")) \
            == list(range(3 * SEGMENT_SIZE + 7))
        assert db.count("survey") == 3 * SEGMENT_SIZE + 7
        assert [r.answers["n"] for r in db.iter_responses("survey", after="r0150")] \
            == list(range(151, 3 * SEGMENT_SIZE + 7))
        assert kept() == {sealed, segments[-1]}
    # a pass shares the numbers it reads: one object per value, not one per response
    # (the first and third segments: parsed for the pass, not kept)
    means = [r.score["mean"] for r in db.iter_responses("survey")]
    assert means[0] == means[2 * SEGMENT_SIZE] == 2.75
    assert means[0] is means[2 * SEGMENT_SIZE]


def test_parsed_files_kept_in_memory_are_bounded(tmp_path):
    """A summary reads every segment once; a worker keeps only the most recently used
    files parsed (CACHE_BYTES), not the whole store."""
    from formkit.storage.tinydb_store import _FileCache

    files = []
    for n in range(6):
        path = tmp_path / f"f{n}.json"
        path.write_text(json.dumps({"n": n, "pad": "x" * 1000}))
        files.append(str(path))
    cache = _FileCache(limit=3500)  # three files fit
    first = [cache.read(p) for p in files]
    assert [d["n"] for d in first] == list(range(6))
    assert cache.read(files[5]) is first[5]  # recent: still parsed
    assert cache.read(files[0]) is not first[0]  # the oldest were let go
    assert cache.read(files[0]) == first[0]
    assert len(cache._entries) == 3 and cache._bytes <= 3500

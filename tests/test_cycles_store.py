"""Cycles, living responses and their revisions in both stores (compare-and-swap saves,
one response per cycle/form/member, revisions kept in order)."""

from __future__ import annotations

import threading

import pytest

from formkit.storage import SUBMITTED, Revision, TeamResponse, open_store


@pytest.fixture
def db(store_url):
    store = open_store(store_url)
    yield store
    store.close()


def _revision(response_id, author="m1", name="Marie", score=None):
    return Revision(response_id=response_id, number=0, at="2026-11-30T17:00:00+00:00",
                    author=author, author_name=name, score=score)


def test_cycles_are_numbered_per_team(db):
    first = db.start_cycle("team_a", "2025–2026", "lead@example.ca")
    second = db.start_cycle("team_a", "2026–2027", None)
    other = db.start_cycle("team_b", "2026", None)
    assert (first.number, second.number, other.number) == (1, 2, 1)
    assert [c.label for c in db.list_cycles("team_a")] == ["2025–2026", "2026–2027"]
    assert db.get_cycle(second.id).label == "2026–2027"
    assert db.get_cycle("nope") is None and db.get_cycle("../x") is None
    assert db.list_cycles("team_c") == []


def test_concurrent_cycle_starts_get_distinct_numbers(db):
    numbers = []

    def start():
        numbers.append(db.start_cycle("team_a", "x", None).number)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(numbers) == [1, 2, 3, 4]


def test_one_response_per_cycle_form_and_member(db):
    cycle = db.start_cycle("team_a", "2026", None)
    slot = TeamResponse(response_id="", team_id="team_a", cycle_id=cycle.id, form_id="plan")
    team, response = db.open_team_response(slot, "1", "fr", {"a": 1})
    again, same = db.open_team_response(slot, "1", "en")
    assert same.id == response.id == team.response_id == again.response_id
    assert same.answers == {"a": 1} and team.revision == 0 and team.member_id is None
    mine = TeamResponse(response_id="", team_id="team_a", cycle_id=cycle.id, form_id="plan",
                        member_id="m1")
    own, own_response = db.open_team_response(mine, "1", "en")
    assert own_response.id != response.id and own.member_id == "m1"
    later = db.start_cycle("team_a", "2027", None)
    next_year, next_response = db.open_team_response(
        TeamResponse(response_id="", team_id="team_a", cycle_id=later.id, form_id="plan"),
        "1", "en")
    assert next_response.id != response.id
    assert {s.response_id for s in db.list_team_responses(cycle.id)} == {
        response.id, own_response.id}
    assert db.get_team_response(response.id).cycle_id == cycle.id
    assert db.get_team_response("not-a-team-response") is None
    assert db.get(response.id).form_id == "plan"  # an ordinary response of its form


def test_stale_save_is_refused_and_changes_nothing(db):
    cycle = db.start_cycle("team_a", "2026", None)
    slot, response = db.open_team_response(
        TeamResponse(response_id="", team_id="team_a", cycle_id=cycle.id, form_id="plan"),
        "1", "en")
    first = _revision(response.id, score={"total": 1})
    first.changes = {"a": [None, "one"]}
    saved = db.save_revision(first, 0, {"a": "one"})
    assert saved.revision == 1 and saved.updated_by == "Marie" and saved.status != SUBMITTED
    stale = _revision(response.id, "m2", "Paul")
    assert db.save_revision(stale, 0, {"a": "two"}) is None
    assert db.get(response.id).answers == {"a": "one"}
    assert db.get(response.id).score == {"total": 1}
    submitted = db.save_revision(_revision(response.id, "m2", "Paul"), 1, {"a": "two"},
                                 submit=True)
    assert submitted.revision == 2 and submitted.status == SUBMITTED and submitted.submitted
    stored = db.get(response.id)
    assert stored.status == SUBMITTED and stored.answers == {"a": "two"}
    assert db.save_revision(_revision(response.id), 2, {"a": "three"}).revision == 3
    revisions = db.list_revisions(response.id)
    assert [(r.number, r.author_name, r.submitted) for r in revisions] == [
        (1, "Marie", False), (2, "Paul", True), (3, "Marie", False)]
    assert revisions[0].changes == {"a": [None, "one"]}
    assert db.list_revisions("other") == []
    assert db.list_team_responses(cycle.id)[0].status == SUBMITTED


def test_concurrent_saves_from_one_revision_keep_exactly_one(db):
    cycle = db.start_cycle("team_a", "2026", None)
    _slot, response = db.open_team_response(
        TeamResponse(response_id="", team_id="team_a", cycle_id=cycle.id, form_id="plan"),
        "1", "en")
    results = []

    def save(name):
        results.append(db.save_revision(_revision(response.id, name, name), 0, {"by": name}))

    threads = [threading.Thread(target=save, args=(f"p{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    won = [r for r in results if r is not None]
    assert len(won) == 1
    assert db.get(response.id).answers == {"by": won[0].updated_by}
    assert len(db.list_revisions(response.id)) == 1


def test_import_cycles_keeps_everything_as_it_was(db, tmp_path):
    source = open_store(str(tmp_path / "source"))
    try:
        cycle = source.start_cycle("team_a", "2026", None)
        _slot, response = source.open_team_response(
            TeamResponse(response_id="", team_id="team_a", cycle_id=cycle.id,
                         form_id="plan"), "1", "en")
        source.save_revision(_revision(response.id), 0, {"a": 1})
        source.save_revision(_revision(response.id, "m2", "Paul"), 1, {"a": 2}, submit=True)
        db.import_records([source.get(response.id)])
        slots = source.list_team_responses(cycle.id)
        written = db.import_cycles(source.list_cycles("team_a"), slots,
                                   source.list_revisions(response.id))
        assert written == 4
        assert db.list_cycles("team_a") == source.list_cycles("team_a")
        assert db.get_cycle(cycle.id) == cycle
        assert db.get_team_response(response.id) == slots[0]
        assert db.list_revisions(response.id) == source.list_revisions(response.id)
        # and the copy goes on from there
        assert db.save_revision(_revision(response.id), 2, {"a": 3}).revision == 3
        assert db.start_cycle("team_a", "2027", None).number == 2
    finally:
        source.close()


def test_copies_and_backups_carry_cycles_and_revisions(db, tmp_path):
    from formkit.storage import Team, transfer

    source = open_store(str(tmp_path / "source"))
    try:
        source.add_team(Team(id="team_a", slug="river", name="River"))
        cycle = source.start_cycle("team_a", "2026", None)
        _slot, response = source.open_team_response(
            TeamResponse(response_id="", team_id="team_a", cycle_id=cycle.id,
                         form_id="plan"), "1", "en")
        source.save_revision(_revision(response.id), 0, {"a": 1})
        transfer.copy(source, db)
        assert db.list_cycles("team_a") == [cycle]
        assert db.get_team_response(response.id).revision == 1
        assert [r.author_name for r in db.list_revisions(response.id)] == ["Marie"]
        transfer.backup(db, tmp_path / "backup.jsonl.gz")
        restored = open_store(str(tmp_path / "restored"))
        try:
            transfer.restore(restored, tmp_path / "backup.jsonl.gz")
            assert restored.list_revisions(response.id) == db.list_revisions(response.id)
        finally:
            restored.close()
    finally:
        source.close()

"""Moving data between stores: copy, backup, restore, and the schema command."""

from __future__ import annotations

import gzip

import pytest
from click.testing import CliRunner

from conftest import ROOT, add_user, make_app, store_of, submit
from formkit.cli import main
from formkit.rest.tokens import create_token
from formkit.storage import StoreError, open_store, transfer
from formkit.storage.postgres_store import migrations


@pytest.fixture
def filled(tmp_path):
    """A TinyDB store with responses of three forms, a draft with a resume code, review
    history, accounts and audit entries."""
    app = make_app(tmp_path, FORMS_DIR=str(ROOT / "forms"), PLUGINS_DIR=str(ROOT / "plugins"),
                   ARGON2_PROFILE="CHEAPEST")
    add_user(app)
    add_user(app, "coord@example.ca", "coordinator", forms=["wellbeing"])
    for form_id, lang in (("membership", "fr"), ("wellbeing", "en"), ("workplan", "fr")):
        submit(app, form_id, lang)
    store = store_of(app)
    response = next(store.iter_responses("membership"))
    store.update(response.id, review_status="approved",
                 history=[{"at": "2026-01-01T00:00:00+00:00", "by": "admin@example.ca",
                           "from": "pending", "to": "approved", "comment": "Bienvenue « ici »"}])
    draft = store.create_draft("competency", "1", "fr", "draft-key", {"name": "Zoë"})
    store.set_resume_hash(draft.id, "resume-hash-1")
    store.append_audit({"user": "admin@example.ca", "action": "view", "target": response.id})
    with app.app_context():  # an API token goes along (its hash; it keeps working)
        create_token(store, "dashboard", forms=["wellbeing"], expires_days=30)
    return store


def contents(store):
    return sorted(transfer._canonical(kind, data) for kind, data in transfer.items(store))


def test_round_trip_tinydb_postgresql_tinydb(filled, pg_url, tmp_path):
    original = contents(filled)
    first = tmp_path / "one.jsonl.gz"
    transfer.backup(filled, first)
    pg = open_store(pg_url)
    restored = transfer.restore(pg, first)
    assert restored.responses == 4 and restored.users == 2 and restored.audit == 1
    assert contents(pg) == original
    second = tmp_path / "two.jsonl.gz"
    transfer.backup(pg, second)
    back = open_store(str(tmp_path / "back"))
    transfer.restore(back, second)
    assert contents(back) == original
    # the restored stores work: look-ups by id, by resume code, by key, and new writes
    for store in (pg, back):
        draft = store.find_by_resume_hash("resume-hash-1")
        assert draft is not None and draft.answers == {"name": "Zoë"}
        assert store.create_draft("competency", "1", "fr", "draft-key").id == draft.id
        submitted, created = store.submit(draft)
        assert created and store.get(draft.id).is_submitted
        assert store.find_user("coord@example.ca").forms == ["wellbeing"]
        assert [t.name for t in store.list_tokens()] == ["dashboard"]
    pg.close()


def test_copy_verifies_and_refuses_a_non_empty_target(filled, pg_url):
    pg = open_store(pg_url)
    copied = transfer.copy(filled, pg)
    assert copied.checksum == transfer.inventory(filled).checksum
    with pytest.raises(StoreError, match="not empty"):
        transfer.copy(filled, pg)
    pg.close()


def test_cli_copy_backup_restore_and_upgrade(filled, pg_url, tmp_path, monkeypatch):
    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    source = str(filled.root)
    result = runner.invoke(main, ["store", "copy", "--from", source, "--to", pg_url])
    assert result.exit_code == 0, result.output
    assert "copied 4 responses, 2 accounts, 1 audit entries" in result.output
    again = runner.invoke(main, ["store", "copy", "--from", source, "--to", pg_url])
    assert again.exit_code == 1 and "not empty" in again.output
    forced = runner.invoke(main, ["store", "copy", "--from", source, "--to", "copy2",
                                  "--force"])
    assert forced.exit_code == 0, forced.output
    backup = runner.invoke(main, ["store", "backup", "snap.jsonl.gz", "--store", pg_url])
    assert backup.exit_code == 0 and "backed up 4 responses" in backup.output
    restore = runner.invoke(main, ["store", "restore", "snap.jsonl.gz", "--store", "fresh"])
    assert restore.exit_code == 0, restore.output
    assert contents(open_store(str(tmp_path / "fresh"))) == contents(filled)
    upgrade = runner.invoke(main, ["db", "upgrade", "--store", pg_url])
    latest = migrations()[-1][0]
    assert upgrade.exit_code == 0 and f"already at version {latest}" in upgrade.output
    assert "needs no schema" in runner.invoke(main, ["db", "upgrade", "--store", "x"]).output


def test_a_damaged_backup_is_refused(tmp_path):
    bad = tmp_path / "bad.jsonl.gz"
    with gzip.open(bad, "wt") as out:
        out.write('{"format": "something else"}\n')
    with pytest.raises(StoreError, match="not a formkit backup"):
        transfer.restore(open_store(str(tmp_path / "s")), bad)
    result = CliRunner().invoke(main, ["store", "restore", str(bad), "--store",
                                       str(tmp_path / "s")])
    assert result.exit_code == 1 and "not a formkit backup" in result.output


def test_the_app_refuses_an_unmigrated_database(tmp_path):
    import psycopg

    from conftest import DATABASE_URL

    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS fk_test_empty CASCADE")
        conn.execute("CREATE SCHEMA fk_test_empty")
    try:
        url = f"{DATABASE_URL}?options=-csearch_path%3Dfk_test_empty"
        with pytest.raises(StoreError, match="formkit db upgrade"):
            make_app(tmp_path, STORE=url)
    finally:
        with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
            conn.execute("DROP SCHEMA fk_test_empty CASCADE")

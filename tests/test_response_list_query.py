"""The coordinators' list as one store question (``Store.find_responses``): the same
filters, search, sort and pages give the same rows on TinyDB (Python) and PostgreSQL
(SQL, migration 012)."""

from __future__ import annotations

import datetime
import re
import unicodedata

import pytest

from formkit.storage import DRAFT, SUBMITTED, Response, Store, open_store
from formkit.storage.listing import FOLD_FROM, FOLD_TO, ResponseQuery, fold, search_text
from formkit.storage.postgres_store import migrations

KEYS = ("pending", "reviewed", "followed_up")

# id: (locale, status, review, submitted day, answers)
RECORDS = {
    "r01": ("fr", SUBMITTED, None, "2026-04-01", {"name": "École Saint-Jean", "n": 3}),
    "r02": ("en", SUBMITTED, "reviewed", "2026-04-02", {"name": "ecole du nord", "n": 12}),
    "r03": ("fr", SUBMITTED, "bogus", "2026-04-03", {"name": "Zèbre", "n": 0}),
    "r04": ("en", SUBMITTED, "followed_up", "2026-04-04", {"name": 42}),
    "r05": ("fr", SUBMITTED, "pending", "2026-04-05", {"name": "", "rows": [
        {"what": "Atelier à l’école", "cost": 12}]}),
    "r06": ("en", SUBMITTED, "reviewed", "2026-04-06", {"name": "Alpha", "other": "Beta"}),
    "r07": ("en", SUBMITTED, None, "2026-04-07", {"name": 7.5, "note": "100% _sure_"}),
    "r08": ("fr", DRAFT, None, None, {"name": "Brouillon école"}),
    "r09": ("en", SUBMITTED, None, "2026-04-07", {"name": "alpha", "choice": ["a", "b"]}),
    "r10": ("fr", SUBMITTED, "reviewed", "2026-04-10", {"name": "ÉCOLE"}),
}


@pytest.fixture
def db(store_url):
    store = open_store(store_url)
    records = []
    for rid, (locale, status, review, day, answers) in RECORDS.items():
        created = f"2026-03-{int(rid[1:]):02d}T12:00:00Z"
        records.append(Response(
            id=rid, form_id="f", form_version="1", locale=locale, status=status,
            answers=answers, review_status=review, created=created, updated=created,
            submitted=f"{day}T15:00:00Z" if day else None, key=rid))
    store.import_records(records)
    yield store
    store.close()


def ids(db, **criteria) -> list[str]:
    page, _total = db.find_responses("f", ResponseQuery(KEYS, **criteria))
    return [r.id for r in page]


QUERIES = [
    {}, {"status": SUBMITTED}, {"status": DRAFT}, {"search": "ECOLE"}, {"search": "ecole",
    "status": SUBMITTED, "sort": "answer:name", "descending": False},
    {"review": "pending"}, {"review": "reviewed", "sort": "review"}, {"locale": "fr"},
    {"since": datetime.date(2026, 4, 3), "until": datetime.date(2026, 4, 7)},
    {"sort": "answer:name"}, {"sort": "answer:name", "descending": False},
    {"sort": "answer:n", "descending": False}, {"sort": "created", "descending": False},
    {"sort": "locale"}, {"sort": "review", "descending": False},
    {"sort": "answer:name", "offset": 3, "limit": 4}, {"offset": 8, "limit": 5},
    {"search": "%"}, {"search": "_sure_"}, {"search": "alpha beta"}, {"search": "x\x00"},
    {"search": "ontario", "labelled": (("choice", "b"), ("n", 3), ("name", True))},
]


def test_the_store_answers_as_the_python_rules_do(db):
    """PostgreSQL's SQL gives the rows and count the shared Python rules give (on
    TinyDB, the rules are the store's answer)."""
    for criteria in QUERIES:
        query = ResponseQuery(KEYS, **criteria)
        assert db.find_responses("f", query) == Store.find_responses(db, "f", query), criteria


def test_filters_search_sort_and_pages(db):
    submitted = {"status": SUBMITTED}
    # Search: case and accents folded, nested answers read, keys and drafts not.
    assert sorted(ids(db, search="ÉCOLE", **submitted)) == ["r01", "r02", "r05", "r10"]
    assert ids(db, search="brouillon", **submitted) == []
    assert ids(db, search="name") == []
    assert ids(db, search="alpha beta") == []  # never across two answers
    assert ids(db, search="100%") == ["r07"] and ids(db, search="_s") == ["r07"]
    # A choice found by its label: its stored key, alone or in a list; 3 is not "3".
    assert ids(db, search="Nord-Est", labelled=(("choice", "b"), ("n", "3"))) == ["r09"]
    assert ids(db, search="x", labelled=(("n", 3),)) == ["r01"]
    # A status outside the form's counts as its first one.
    assert ids(db, review="pending", sort="created", descending=False, **submitted) == [
        "r01", "r03", "r05", "r07", "r09"]
    assert ids(db, locale="fr", **submitted) == ["r10", "r05", "r03", "r01"]
    assert ids(db, since=datetime.date(2026, 4, 6), until=datetime.date(2026, 4, 7),
               sort="created", descending=False) == ["r06", "r07", "r09"]
    # By an answer: numbers first, text folded, unanswered ("", 0, none) last either way.
    assert ids(db, sort="answer:name", descending=False, **submitted) == [
        "r07", "r04", "r06", "r09", "r10", "r02", "r01", "r03", "r05"]
    assert ids(db, sort="answer:name", **submitted) == [
        "r03", "r01", "r02", "r10", "r06", "r09", "r04", "r07", "r05"]
    assert ids(db, sort="answer:n", descending=False, **submitted)[:2] == ["r01", "r02"]
    # Pages, and the count of every match.
    page, total = db.find_responses("f", ResponseQuery(
        KEYS, status=SUBMITTED, sort="answer:name", descending=False, offset=2, limit=3))
    assert [r.id for r in page] == ["r06", "r09", "r10"] and total == 9
    assert db.find_responses("f", ResponseQuery(KEYS, offset=50, limit=5)) == ([], 10)
    assert db.find_responses("f", ResponseQuery(KEYS, search="nothing like it")) == ([], 0)


def test_postgresql_keeps_the_folded_answers_as_python_folds_them(pg_url):
    store = open_store(pg_url)
    try:
        answers = {"a": "ÀÉÎÕÜ Ÿ œ ß", "t": [{"x": "Ĳssel", "y": 3}], "b": True}
        store.import_records([Response(id="p1", form_id="f", form_version="1",
                                       locale="fr", answers=answers)])
        row = store._one("SELECT search_text FROM responses WHERE id = 'p1'")
        assert row["search_text"] == search_text(answers)
        assert "aeiou" in row["search_text"] and "3" not in row["search_text"]
    finally:
        store.close()


def test_one_fold_table_for_both_stores():
    """Migration 012 holds listing's table; each letter folds as Unicode says."""
    sql = dict(migrations())[12]
    assert f"'{FOLD_FROM}'" in sql and f"'{FOLD_TO}'" in sql
    for letter, folded in zip(FOLD_FROM, FOLD_TO, strict=True):
        plain = "".join(c for c in unicodedata.normalize("NFKD", letter.casefold())
                        if not unicodedata.combining(c))
        assert plain == folded
    assert fold("Équipe des AÎNÉS") == "equipe des aines"


def test_the_list_finds_a_choice_by_its_label_in_either_language(tmp_path, store_url):
    """The list page asks the store: a region is stored as its key and found by its
    English or French label; pages past the end show the last one."""
    from conftest import ROOT, add_user, make_app, sign_in

    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(ROOT / "forms"),
                   PLUGINS_DIR=str(ROOT / "plugins"), ARGON2_PROFILE="CHEAPEST")
    store = app.extensions["formkit"].store
    try:
        store.import_records([Response(
            id=f"membership-{n}", form_id="membership", form_version="1", locale="fr",
            status=SUBMITTED, submitted=f"2026-11-0{n}T12:00:00Z", answers={
                "name": f"Personne {n}", "region": ("north_east", "west")[n % 2]})
            for n in range(1, 4)])
        add_user(app)
        admin = app.test_client()
        sign_in(admin)

        def names(**args) -> list[str]:
            page = admin.get("/admin/forms/membership/", query_string=args)
            assert page.status_code == 200
            return re.findall(r"Personne \d", "".join(page.text.split("<tbody>")[1:]))

        assert names(q="nord-est") == names(q="NORTH EAST") == ["Personne 2"]
        assert names(q="ouest", sort="name", order="asc") == ["Personne 1", "Personne 3"]
        assert names(q="Personne 3") == ["Personne 3"] and names(q="sud") == []
        assert names(page="9", sort="name", order="desc") == [
            "Personne 3", "Personne 2", "Personne 1"]
    finally:
        store.close()

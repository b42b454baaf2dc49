"""References people read aloud and type (``SGN-7K3Q-2H``): made at creation, unique per
store, shown wherever people see a reference, accepted wherever they type one (any case,
with or without dashes), old ids still working; on both stores and in both languages."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

from conftest import ROOT, add_user, make_app, sign_in, store_of, submit, text_of
from formkit import references
from formkit.builtins.field_types import formkit_field_types
from formkit.outbox import run_once
from formkit.schema import FormLoadError, parse_form
from formkit.storage import Response, open_store
from formkit.testing import pdf_text

SIGNUP = """
id: signup
version: 1
title: {en: Workshop sign-up, fr: Inscription à l’atelier}
reference_prefix: SGN
confirmation_email: email
list_columns: [name]
sections:
  - id: you
    title: {en: You, fr: Vous}
    fields:
      - {id: name, type: text, label: {en: Name, fr: Nom}, required: true}
      - {id: email, type: text, format: email, label: {en: Email, fr: Courriel}, required: true}
"""
SHAPE = re.compile(r"^[A-Z]{3}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2}$")


# -- the codes -------------------------------------------------------------------------
def test_codes_have_no_look_alikes_and_typed_input_is_forgiven():
    assert not set("01OIL") & set(references.ALPHABET)
    assert all(SHAPE.match(references.new_reference("MBR")) for _ in range(200))
    assert references.derive_prefix("membership") == "MBR"
    assert references.derive_prefix("workplan") == "WRK"
    assert references.derive_prefix("q") == "QXX"
    assert references.normalise(" mbr7k3q 2h ") == "MBR-7K3Q-2H"
    assert references.normalise("MBR-7K3Q-2H") == "MBR-7K3Q-2H"
    assert references.normalise("MBR-7K3O-2H") is None  # no O in a code: an old id, maybe
    assert references.normalise("membership-000001-ab") is None
    assert references.normalise("") is None


def test_a_form_declares_its_prefix_or_gets_one_from_its_id():
    def parsed(**extra):
        data = {"id": "signup", "version": 1, "title": {"en": "S", "fr": "S"}, **extra,
                "sections": [{"id": "p", "title": {"en": "P", "fr": "P"}, "fields": [
                    {"id": "name", "type": "text", "label": {"en": "N", "fr": "N"}}]}]}
        return parse_form(data, "<test>", {c.name: c() for c in formkit_field_types()})

    assert parsed(reference_prefix="ABC").reference_prefix == "ABC"
    assert parsed().reference_prefix == "SGN"
    with pytest.raises(FormLoadError, match="reference_prefix"):
        parsed(reference_prefix="a1")


# -- the stores ------------------------------------------------------------------------
def test_the_store_makes_finds_and_fills_references(tmp_path, store_url, monkeypatch):
    store = open_store(store_url, tmp_path)
    try:
        if hasattr(store, "upgrade"):
            store.upgrade()
        store.reference_prefixes = {"signup": "SGN"}
        first = store.create_draft("signup", "1", "fr", "key-1")
        assert SHAPE.match(first.reference) and first.reference.startswith("SGN-")
        assert store.create_draft("signup", "1", "fr", "key-1").reference == first.reference
        other = store.create_draft("membership", "1", "en", "key-2")
        assert other.reference.startswith("MBR-")
        typed = first.reference.lower().replace("-", "")
        assert store.find(typed).id == first.id
        assert store.find(f"  {first.reference} ").id == first.id
        assert store.find(first.id).id == first.id  # old ids keep working
        assert store.find("SGN-2222-22") is None and store.find("") is None
        assert store.get_by_reference(first.reference).id == first.id

        # A taken code is never given twice: the store draws again.
        codes = iter([first.reference, "SGN-2345-67"])
        monkeypatch.setattr(references, "new_reference", lambda prefix: next(codes))
        third = store.create_draft("signup", "1", "fr", "key-3")
        assert third.reference == "SGN-2345-67"
        monkeypatch.undo()

        assert store.delete(third.id)
        assert store.find("sgn-2345-67") is None

        # Records made before references existed get one; running it again does nothing.
        store.import_records([Response(id="", form_id="signup", form_version="1",
                                       locale="en", key="old")])
        [old] = [r for r in store.iter_responses("signup") if r.key == "old"]
        assert old.reference is None and old.shown_reference == old.id
        assert store.fill_references() == 1 and store.fill_references() == 0
        filled = store.find(old.id)
        assert SHAPE.match(filled.reference) and store.find(filled.reference).id == old.id
        # Copies keep references, and find them.
        copy = open_store(str(tmp_path / "copy"), tmp_path)
        copy.import_records(store.iter_responses("signup"))
        assert copy.find(typed).id == first.id
    finally:
        store.close()


def test_postgresql_upgrade_fills_references_of_older_rows(pg_url, tmp_path):
    store = open_store(pg_url, tmp_path)
    try:
        store.import_records([Response(id="signup-old", form_id="signup", form_version="1",
                                       locale="en")])
        assert store.get("signup-old").reference is None
        store.upgrade()  # already at the latest version: it still fills what is missing
        assert store.get("signup-old").reference.startswith("SGN-")
        assert 11 in [version for version, _sql in __import__(
            "formkit.storage.postgres_store", fromlist=["migrations"]).migrations()]
    finally:
        store.close()


# -- what people see and type ----------------------------------------------------------
@pytest.fixture
def ref_app(tmp_path, store_url, smtp, moment):
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "signup.yaml").write_text(SIGNUP)
    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(forms), MAIL_SERVER="127.0.0.1",
                   MAIL_PORT=smtp.port, MAIL_DEFAULT_SENDER="forms@example.ca",
                   BASE_URL="https://forms.example.ca", CLOCK=moment,
                   ARGON2_PROFILE="CHEAPEST")
    add_user(app)
    yield app
    store_of(app).close()


def test_references_are_shown_and_accepted_everywhere(ref_app, smtp):
    app = ref_app
    response = submit(app, "signup", "fr", {0: {"q_name": "Ada", "q_email": "ada@example.ca"}})
    other = submit(app, "signup", "en", {0: {"q_name": "Bob", "q_email": "bob@example.ca"}})
    ref = response.reference
    assert SHAPE.match(ref) and ref.startswith("SGN-") and ref != other.reference
    assert response.id not in ref

    # The receipt names the reference.
    run_once(app)
    [receipt] = [m for m in smtp.messages if m["To"] == "ada@example.ca"]
    assert ref in receipt.get_body(("plain",)).get_content()
    assert ref in receipt.get_body(("html",)).get_content()

    admin = app.test_client()
    sign_in(admin)
    listing = text_of(admin.get("/admin/forms/signup/?lang=fr"))
    assert ref in listing and other.reference in listing and "Référence" in listing

    # The search box: the reference in any case, without dashes; an old id; a part.
    def found(query: str) -> list[str]:
        page = admin.get("/admin/forms/signup/", query_string={"q": query}).text
        return sorted(n for n in ("Ada", "Bob") if n in page.split("<tbody>")[-1])

    assert found(ref.lower().replace("-", "")) == ["Ada"]
    assert found(ref) == ["Ada"]
    assert found(response.id) == ["Ada"]
    assert found(other.reference.lower()[:8]) == ["Bob"]
    assert found("SGN-2222-22") == []

    # A typed reference opens the response's page (its one address: the id's).
    typed = admin.get(f"/admin/responses/{ref.lower()}")
    assert typed.status_code == 302
    assert typed.headers["Location"].endswith(f"/admin/responses/{response.id}")
    page = text_of(admin.get(f"/admin/responses/{response.id}?lang=fr"))
    assert ref in page and response.id not in page
    assert admin.get("/admin/responses/SGN-2222-22").status_code == 404
    # A coordinator who may not see the form gets the same 404 for its reference.
    add_user(app, "other@example.ca", role="coordinator", forms=("nothing",))
    outsider = app.test_client()
    sign_in(outsider, "other@example.ca")
    assert outsider.get(f"/admin/responses/{ref}").status_code == 404
    # Other pages under a response accept it too (the PDF, here), and name it.
    typed_pdf = admin.get(f"/admin/responses/{ref.replace('-', '')}/pdf?doc_lang=fr")
    assert typed_pdf.headers["Location"].endswith(
        f"/admin/responses/{response.id}/pdf?doc_lang=fr")
    pdf = admin.get(f"/admin/responses/{response.id}/pdf?doc_lang=fr")
    assert pdf.status_code == 200 and ref in pdf_text(pdf.data)

    # Labelled exports show the reference; machine ones keep the id and add it.
    labelled = admin.get("/admin/forms/signup/export.csv?doc_lang=fr").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(labelled.lstrip("\ufeff"))))
    assert {r["Référence"] for r in rows} == {ref, other.reference}
    codes = admin.get("/admin/forms/signup/export.csv?values=codes").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(codes.lstrip("\ufeff"))))
    assert {(r["id"], r["reference"]) for r in rows} == {
        (response.id, ref), (other.id, other.reference)}
    book = load_workbook(io.BytesIO(admin.get("/admin/forms/signup/export.xlsx?doc_lang=en")
                                    .data), read_only=True)
    sheet = book.worksheets[0]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    column = header.index("Reference")
    assert {row[column] for row in sheet.iter_rows(min_row=2, values_only=True)} == {
        ref, other.reference}
    records = json.loads(admin.get("/admin/forms/signup/export.json").data)
    assert {(r["id"], r["reference"]) for r in records} == {
        (response.id, ref), (other.id, other.reference)}


def test_a_workplan_starts_from_a_typed_wellbeing_reference(tmp_path, store_url):
    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(ROOT / "forms"),
                   PLUGINS_DIR=str(ROOT / "plugins"), ARGON2_PROFILE="CHEAPEST",
                   RESUME_FAILURES_PER_ADDRESS=(3, 900))
    try:
        guide = submit(app, "wellbeing", "fr")
        assert guide.reference.startswith("WLB-")
        client = app.test_client()
        typed = guide.reference.lower().replace("-", " ")
        start = client.get("/workplan/from-wellbeing", query_string={"reference": typed})
        assert start.status_code == 302
        assert client.get("/workplan/from-wellbeing",
                          query_string={"reference": guide.id}).status_code == 302
        missing = client.get("/workplan/from-wellbeing",
                             query_string={"reference": "WLB-2222-22", "lang": "fr"})
        assert missing.status_code == 404 and "WLB-7K3Q-2H" in missing.text
        # A reference is short enough to guess: misses count like wrong resume codes,
        # and past the limit even the right one finds nothing from this address.
        for guess in ("WLB-2222-23", "WLB-2222-24"):
            client.get("/workplan/from-wellbeing", query_string={"reference": guess})
        refused = client.get("/workplan/from-wellbeing", query_string={"reference": typed})
        assert refused.status_code == 404
    finally:
        store_of(app).close()

"""What formkit.testing gives a plugin's own tests: signed-in coordinator and admin
clients, the text of a PDF, and sample input that respects every field's limits, so a
plugin tests its summary, PDF section and list columns through pages only.

The module overrides ``formkit_app`` as a plugin package may, to add a plugin file and a
form with tight limits, on each store."""

from __future__ import annotations

import textwrap

import pytest

from formkit.testing import fill_form, pdf_text, submit, text_of

FORM = """\
id: tight
version: 1
title: {en: Tight limits, fr: Limites serrées}
sections:
  - id: one
    title: {en: One, fr: Un}
    fields:
      - {id: code, type: text, max_length: 4, required: true, label: {en: Code, fr: Code}}
      - {id: mail, type: text, format: email, max_length: 12, required: true,
         label: {en: Email, fr: Courriel}}
      - {id: site, type: text, format: url, max_length: 11, label: {en: Site, fr: Site}}
      - {id: note, type: textarea, max_length: 6, required: true, label: {en: Note, fr: Note}}
      - {id: born, type: date, max: 2020-01-01, required: true, label: {en: Born, fr: Né}}
      - {id: few, type: integer, max: 2, required: true, label: {en: Few, fr: Peu}}
      - {id: cost, type: currency, min: 1500.5, required: true, label: {en: Cost, fr: Coût}}
      - id: rows
        type: table
        required: true
        max_rows: 1
        label: {en: Rows, fr: Lignes}
        columns:
          - {id: what, type: text, max_length: 3, required: true, label: {en: What, fr: Quoi}}
"""

PLUGIN = '''\
from markupsafe import Markup

from formkit.api import Column, for_form, hookimpl


@hookimpl
@for_form("tight")
def formkit_score(form, answers):
    return {"few": answers["few"]}


@hookimpl
@for_form("tight")
def formkit_response_columns(form):
    return [Column("few_col", "Tally column", lambda r: (r.score or {}).get("few"))]


@hookimpl
@for_form("tight")
def formkit_summarize(form, responses):
    return {"count": sum(1 for _ in responses)}


@hookimpl
@for_form("tight")
def formkit_summary_html(form, summary):
    return Markup("<p>Tally of {} responses</p>").format(summary["count"])


@hookimpl
@for_form("tight")
def formkit_pdf_sections(form, response):
    return [Markup("<h2>Tally section</h2><p>Code {}</p>").format(response.answers["code"])]
'''


@pytest.fixture
def formkit_app(formkit_app_factory, tmp_path, store_url):
    (tmp_path / "forms").mkdir()
    (tmp_path / "forms" / "tight.yaml").write_text(FORM, encoding="utf-8")
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "tally.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    app = formkit_app_factory(FORMS_DIR=str(tmp_path / "forms"),
                              PLUGINS_DIR=str(tmp_path / "plugins"), STORE=store_url)
    yield app
    app.extensions["formkit"].store.close()


def test_sample_input_respects_lengths_formats_and_bounds(formkit_app):
    page = fill_form(formkit_app, "tight", "fr")  # every page accepted, then submitted
    assert "/done/" in page.request.path
    response = submit(formkit_app, "tight")
    answers = response.answers
    assert len(answers["code"]) <= 4 and len(answers["mail"]) <= 12 and "@" in answers["mail"]
    assert len(answers["note"]) <= 6 and answers["born"] <= "2020-01-01"
    assert answers["few"] <= 2 and answers["cost"] >= 1500.5 and len(answers["rows"]) == 1


def test_a_coordinator_sees_the_plugins_column_summary_and_pdf_section(
        formkit_app, formkit_coordinator, formkit_client):
    response = submit(formkit_app, "tight")
    listing = formkit_coordinator.get("/admin/forms/tight/")
    assert listing.status_code == 200 and "Tally column" in text_of(listing)
    summary = formkit_coordinator.get("/admin/forms/tight/summary")
    assert "Tally of 1 responses" in text_of(summary)
    pdf = formkit_coordinator.get(f"/admin/responses/{response.id}/pdf?lang=fr")
    assert pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    assert "Tally section" in text and f"Code {response.answers['code']}" in text
    assert "Tally of 1 responses" in pdf_text(
        formkit_coordinator.get("/admin/forms/tight/summary.pdf").data)
    # the fixtures are signed in; a plain client is not
    assert formkit_client.get("/admin/forms/tight/").status_code == 302


def test_the_admin_fixture_is_an_administrator(formkit_admin, formkit_coordinator):
    assert formkit_admin.get("/admin/users").status_code == 200
    assert formkit_coordinator.get("/admin/users").status_code == 403

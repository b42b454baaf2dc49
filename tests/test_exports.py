"""Exports: the registry of formats, CSV, XLSX (typed cells, sheets) and JSON, on both
stores and in both languages."""

from __future__ import annotations

import csv
import datetime
import io
import json
import shutil

import openpyxl
import pytest

from conftest import ROOT, add_user, make_app, sign_in, submit
from formkit.exporters.cells import neutralize
from formkit.exporters.columns import unique_sheet_name

HOSTILE = '=HYPERLINK("http://evil.example","click")'


def test_neutralize():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralize(text) == "'" + text
    assert neutralize("Zoë") == "Zoë" and neutralize(-5) == -5 and neutralize(None) is None


def test_sheet_names_are_cut_to_31_characters_and_unique():
    taken = {"réponses"}
    assert unique_sheet_name("Réponses", taken) == "Réponses (2)"
    long = "Actions — Première priorité — résultat"
    first = unique_sheet_name(long, taken)
    taken.add(first.casefold())
    second = unique_sheet_name(long, taken)
    assert len(first) == len(second) == 31 and first != second
    assert unique_sheet_name("a/b:c?", set()) == "a-b-c-"


@pytest.fixture
def exports(tmp_path, store_url):
    """The seed forms on each store, and a signed-in administrator."""
    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(ROOT / "forms"),
                   PLUGINS_DIR=str(ROOT / "plugins"), ARGON2_PROFILE="CHEAPEST")
    add_user(app)
    client = app.test_client()
    assert sign_in(client).status_code == 302
    yield app, client
    app.extensions["formkit"].store.close()


def workplan(app, lang="fr"):
    return submit(app, "workplan", lang, overrides={
        0: {"q_team_name": HOSTILE, "q_community": ""},
        1: {"q_actions_1-0-q_action": "Café-rencontre", "q_actions_1-0-q_cost": "1234.5",
            "q_actions_1-0-q_progress": "40",
            "q_actions_1-1-q_action": "-Affiches", "q_actions_1-1-q_cost": "10"},
    })


def test_csv_has_one_charset_bom_labels_translated_codes_and_dashes(exports):
    app, admin = exports
    response = workplan(app)
    export = admin.get("/admin/forms/workplan/export.csv?doc_lang=fr")
    assert export.status_code == 200 and export.is_streamed
    assert export.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert export.headers["Content-Disposition"].endswith('workplan-fr.csv"')
    body = export.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    assert len(rows) == 2 and header[:3] == ["Référence", "État", "Statut d’examen"]
    record = dict(zip(header, row, strict=True))
    assert record["Référence"] == response.reference
    assert record["État"] == "soumise" and record["Langue"] == "Français"
    assert record["Nom de l’équipe"] == "'" + HOSTILE
    assert record["Collectivité"] == "—"  # unanswered
    submitted = record["Envoyée (America/Toronto)"]
    assert "2026" in submitted and "HNE" in submitted and "T" not in submitted
    actions = record["Première priorité — résultat et actions – Actions"]
    assert "Café-rencontre" in actions and "1\u00a0234,50\u00a0$" in actions
    assert "Action\u00a0: -Affiches" in actions
    assert record["Coût estimé"] == "1\u00a0244,50\u00a0$"  # the plugin's column


def test_csv_with_codes_keeps_codes_and_utc(exports):
    app, admin = exports
    workplan(app, "en")
    body = admin.get("/admin/forms/workplan/export.csv?values=codes").get_data()
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0]["team_name"] == "'" + HOSTILE
    assert rows[0]["status"] == "submitted" and rows[0]["community"] == ""
    assert rows[0]["locale"] == "en" and rows[0]["review"] == "pending"
    assert rows[0]["submitted"].endswith("+00:00") and "T" in rows[0]["submitted"]
    assert float(rows[0]["total_cost"]) == 1244.5
    assert json.loads(rows[0]["actions_1"])[0]["cost"] == 1234.5
    assert "channels" in rows[0]


def test_xlsx_cells_are_typed_and_sheets_named_frozen_and_filtered(exports):
    app, admin = exports
    response = workplan(app)
    export = admin.get("/admin/forms/workplan/export.xlsx?doc_lang=fr")
    assert export.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(export.data))
    assert book.sheetnames == ["Réponses", "Actions — Première priorité",
                               "Actions — Deuxième priorité", "Actions — Troisième priorité"]
    main = book["Réponses"]
    header = [c.value for c in main[1]]
    row = {h: c for h, c in zip(header, main[2], strict=True)}
    assert row["Référence"].value == response.reference and row["État"].value == "soumise"
    assert row["Nom de l’équipe"].value == "'" + HOSTILE  # text, not a formula
    assert row["Collectivité"].value == "—"
    submitted = row["Envoyée (America/Toronto)"]
    assert isinstance(submitted.value, datetime.datetime) and "yy" in submitted.number_format
    assert row["Début du plan"].value == datetime.datetime(2025, 1, 15)
    assert row["Début du plan"].number_format == "yyyy-mm-dd"
    cost = row["Coût estimé"]
    assert cost.value == 1244.5 and "$" in cost.number_format
    assert "Première priorité — résultat et actions – Actions" not in header  # own sheet
    assert main.freeze_panes == "A2" and main.auto_filter.ref == f"A1:{_last(main)}2"
    assert main.column_dimensions["A"].width > len(response.reference)
    actions = book["Actions — Première priorité"]
    lines = list(actions.iter_rows(values_only=True))
    assert lines[0][:3] == ("Référence", "Ligne", "Action")
    assert lines[1][:3] == (response.reference, 1, "Café-rencontre")
    assert lines[2][2] == "'-Affiches"
    columns = lines[0]
    first = actions[2]
    assert first[columns.index("Coût estimé")].value == 1234.5
    assert "$" in first[columns.index("Coût estimé")].number_format
    assert first[columns.index("Avancement")].value == pytest.approx(0.4)
    assert first[columns.index("Avancement")].number_format == "0%"
    assert actions.freeze_panes == "A2" and actions.auto_filter.ref


def _last(sheet) -> str:
    return openpyxl.utils.get_column_letter(sheet.max_column)


def test_xlsx_in_english_and_with_codes(exports):
    app, admin = exports
    response = workplan(app, "en")
    book = openpyxl.load_workbook(io.BytesIO(
        admin.get("/admin/forms/workplan/export.xlsx?doc_lang=en").data))
    assert book.sheetnames[:2] == ["Responses", "Actions — First priority"]
    header = [c.value for c in book["Responses"][1]]
    assert "Submitted (America/Toronto)" in header and "State" in header
    row = [c.value for c in book["Responses"][2]]
    assert row[header.index("State")] == "submitted"
    codes = openpyxl.load_workbook(io.BytesIO(
        admin.get("/admin/forms/workplan/export.xlsx?values=codes").data))
    assert codes.sheetnames[0] == "workplan"
    main = list(codes["workplan"].values)
    assert main[1][main[0].index("submitted")].endswith("+00:00")
    assert main[1][main[0].index("community")] is None
    rows = list(codes[codes.sheetnames[1]].values)
    assert rows[0][:3] == ("response", "row", "action")
    assert rows[1][0] == response.id and rows[1][rows[0].index("cost")] == 1234.5


def test_json_export_holds_codes_not_secrets(exports):
    app, admin = exports
    response = workplan(app)
    export = admin.get("/admin/forms/workplan/export.json")
    assert export.is_streamed and export.headers["Content-Type"] == "application/json"
    [record] = json.loads(export.get_data())
    assert record["id"] == response.id and record["answers"]["actions_1"][0]["cost"] == 1234.5
    assert "key" not in record and "resume_hash" not in record


def test_filters_apply_to_exports(exports):
    app, admin = exports
    workplan(app, "fr")
    workplan(app, "en")
    body = admin.get("/admin/forms/workplan/export.csv?lang_filter=en&values=codes").get_data()
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [r["locale"] for r in rows] == ["en"]


def test_the_summary_pdf_is_a_registered_format(seed_app, admin):
    submit(seed_app, "membership", "fr")
    export = admin.get("/admin/forms/membership/export.pdf?doc_lang=fr")
    assert export.status_code == 200 and export.data.startswith(b"%PDF")
    assert export.headers["Content-Disposition"].endswith('membership-summary-fr.pdf"')


def test_unknown_export_format_and_form(admin):
    response = admin.get("/admin/forms/workplan/export.docx?lang=fr")
    assert response.status_code == 404 and "CSV, XLSX, JSON, PDF" in response.text
    assert "Les exportations" in response.text
    assert admin.get("/admin/forms/nope/export.csv").status_code == 404


FUNDER_PLUGIN = '''
from markupsafe import Markup, escape
from formkit.api import Exporter, hookimpl


class FunderPage(Exporter):
    """One page for the funder: each team and its estimated cost."""

    key = "funder"
    label = "Funder page"
    mimetype = "text/html; charset=utf-8"

    def write(self, job):
        yield "<!doctype html><title>Funder</title><table>"
        for response in job.responses:
            yield Markup("<tr><td>{}</td><td>{}</td></tr>").format(
                response.answers.get("team_name"), (response.score or {}).get("total_cost"))
        yield "</table>"

    def filename(self, job):
        return f"{job.form.id}-funder.html"


@hookimpl
def formkit_register_exporters():
    return [FunderPage]
'''


def test_a_plugin_adds_a_format_listed_on_the_coordinator_pages(tmp_path):
    plugins = tmp_path / "plugins"
    shutil.copytree(ROOT / "plugins", plugins)
    (plugins / "funder.py").write_text(FUNDER_PLUGIN, encoding="utf-8")
    app = make_app(tmp_path, FORMS_DIR=str(ROOT / "forms"), PLUGINS_DIR=str(plugins),
                   ARGON2_PROFILE="CHEAPEST")
    add_user(app)
    admin = app.test_client()
    sign_in(admin)
    workplan(app, "en")
    page = admin.get("/admin/forms/workplan/?lang=fr").text
    for label in ("CSV", "XLSX", "JSON", "PDF", "Funder page"):
        assert f">{label}" in page
    assert "/admin/forms/workplan/export.funder" in page
    export = admin.get("/admin/forms/workplan/export.funder")
    assert export.status_code == 200 and "text/html" in export.headers["Content-Type"]
    assert "=HYPERLINK(&#34;http://evil.example&#34;,&#34;click&#34;)" in export.text
    assert "1244.5" in export.text


def test_two_plugins_with_one_format_key_stop_the_start(tmp_path):
    from formkit.plugins import PluginError

    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "one.py").write_text(FUNDER_PLUGIN, encoding="utf-8")
    (plugins / "two.py").write_text(FUNDER_PLUGIN, encoding="utf-8")
    with pytest.raises(PluginError, match="export format 'funder' is contributed by both "
                                          "plugin '(one|two)' and plugin '(one|two)'"):
        make_app(tmp_path, PLUGINS_DIR=str(plugins))


def test_a_malformed_stored_timestamp_is_exported_as_stored(exports):
    from formkit.state import current_store
    from formkit.storage import SUBMITTED, Response

    app, admin = exports
    with app.test_request_context("/"):
        current_store().import_records([Response(
            id="", form_id="membership", form_version="1", locale="fr", status=SUBMITTED,
            answers={}, key="restored", created="hier", submitted="2026-13-45T99:00")])
    for url in ("export.csv?doc_lang=fr", "export.csv?values=codes"):
        body = admin.get(f"/admin/forms/membership/{url}").get_data().decode("utf-8-sig")
        assert "hier" in body and "2026-13-45T99:00" in body
    book = openpyxl.load_workbook(io.BytesIO(
        admin.get("/admin/forms/membership/export.xlsx?doc_lang=fr").data))
    assert "hier" in [c.value for c in book["Réponses"][2]]
    for url in ("", "?since=2026-01-01", "summary"):  # the list, its date filter, summary
        assert admin.get(f"/admin/forms/membership/{url}").status_code == 200

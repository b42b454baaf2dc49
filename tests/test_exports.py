"""CSV, XLSX and JSON exports: accents, formulas neutralised, tables, streaming."""

from __future__ import annotations

import csv
import io
import json

import openpyxl

from conftest import submit
from formkit.exports import neutralize

HOSTILE = '=HYPERLINK("http://evil.example","click")'


def test_neutralize():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralize(text) == "'" + text
    assert neutralize("Zoë") == "Zoë" and neutralize(-5) == -5 and neutralize(None) is None


def workplan(seed_app, lang="fr"):
    return submit(seed_app, "workplan", lang, overrides={
        0: {"q_team_name": HOSTILE},
        1: {"q_actions_1-0-q_action": "Café-rencontre", "q_actions_1-0-q_cost": "1234.5",
            "q_actions_1-1-q_action": "-Affiches", "q_actions_1-1-q_cost": "10"},
    })


def test_csv_has_bom_labels_accents_and_no_formulas(seed_app, admin):
    response = workplan(seed_app)
    export = admin.get("/admin/forms/workplan/export.csv?doc_lang=fr")
    assert export.status_code == 200 and export.is_streamed
    assert export.headers["Content-Disposition"].endswith('workplan-fr.csv"')
    body = export.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    assert len(rows) == 2 and header[:3] == ["Référence", "État", "Statut d’examen"]
    record = dict(zip(header, row, strict=True))
    assert record["Référence"] == response.id
    assert record["Nom de l’équipe"] == "'" + HOSTILE
    actions = record["Première priorité — résultat et actions – Actions"]
    assert "Café-rencontre" in actions and "1\u00a0234,50\u00a0$" in actions
    assert record["Coût estimé"] == "1\u00a0244,50\u00a0$"  # the plugin's column


def test_csv_with_codes(seed_app, admin):
    workplan(seed_app, "en")
    body = admin.get("/admin/forms/workplan/export.csv?values=codes").get_data()
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0]["team_name"] == "'" + HOSTILE
    assert rows[0]["locale"] == "en" and rows[0]["review"] == "pending"
    assert float(rows[0]["total_cost"]) == 1244.5
    assert "channels" in rows[0]


def test_xlsx_has_a_sheet_per_table(seed_app, admin):
    response = workplan(seed_app)
    export = admin.get("/admin/forms/workplan/export.xlsx?doc_lang=fr")
    assert export.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(export.data))
    assert book.sheetnames[0] == "workplan" and len(book.sheetnames) == 4
    main = list(book["workplan"].values)
    assert main[1][0] == response.id
    team = main[0].index("Nom de l’équipe")
    assert main[1][team] == "'" + HOSTILE  # text, not a formula
    actions = list(book[book.sheetnames[1]].values)
    assert actions[0][:3] == ("response", "row", "Action")
    assert actions[1][:3] == (response.id, 1, "Café-rencontre")
    assert actions[2][2] == "'-Affiches"
    codes = openpyxl.load_workbook(io.BytesIO(
        admin.get("/admin/forms/workplan/export.xlsx?values=codes").data))
    rows = list(codes[codes.sheetnames[1]].values)
    assert rows[0][2] == "action" and rows[1][rows[0].index("cost")] == 1234.5


def test_json_export_holds_codes_not_secrets(seed_app, admin):
    response = workplan(seed_app)
    export = admin.get("/admin/forms/workplan/export.json")
    assert export.is_streamed
    [record] = json.loads(export.get_data())
    assert record["id"] == response.id and record["answers"]["actions_1"][0]["cost"] == 1234.5
    assert "key" not in record and "resume_hash" not in record


def test_filters_apply_to_exports(seed_app, admin):
    workplan(seed_app, "fr")
    workplan(seed_app, "en")
    body = admin.get("/admin/forms/workplan/export.csv?lang_filter=en&values=codes").get_data()
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [r["locale"] for r in rows] == ["en"]


def test_unknown_export_format_and_form(admin):
    response = admin.get("/admin/forms/workplan/export.pdf?lang=fr")
    assert response.status_code == 404 and "CSV, XLSX ou JSON" in response.text
    assert admin.get("/admin/forms/nope/export.csv").status_code == 404

"""XLSForm import and export. The XLSForm files are made here with openpyxl, checked
with pyxform (the converter ODK and KoboToolbox use), then imported."""

from __future__ import annotations

import openpyxl
import pytest
from click.testing import CliRunner
from pyxform.xls2xform import convert

from conftest import ROOT, Browser, fill, form_of, make_app
from formkit.builtins.field_types import formkit_field_types
from formkit.cli import main
from formkit.scaffold import new_form
from formkit.schema import load_form, parse_form
from formkit.xlsform import XLSFormError, export_xlsform, import_xlsform

TYPES = {cls.name: cls() for cls in formkit_field_types()}
EN, FR = "label::English (en)", "label::French (fr)"
HEADER = ["type", "name", EN, FR, "hint::English (en)", "hint::French (fr)", "required",
          "relevant", "constraint", "appearance", "calculation", "label::Spanish (es)"]
SURVEY = [  # spreadsheet rows 2, 3, ...
    ["text", "full_name", "Full name", "Nom complet", "As on your card", "Comme sur votre carte",
     "yes", None, None, None, None, "Nombre completo"],
    ["integer", "Age", "Age", "Âge", None, None, None, None, ". >= 0 and . <= 120"],
    ["select_one yn", "has_car", "Do you drive?", "Conduisez-vous?"],
    ["begin group", "travel", "Travel", "Déplacements", None, None, None, "${has_car} = 'yes'"],
    ["decimal", "km", "Kilometres a week", "Kilomètres par semaine"],
    ["date", "since", "Driving since", "Conduit depuis"],
    ["end group", "travel"],
    ["begin_group", "help", "Help", "Aide"],
    ["select_multiple needs", "needs", "What do you need?", "De quoi avez-vous besoin?",
     None, None, None, None, "count-selected(.) <= 2"],
    ["text", "other_need", "Which other need?", "Quel autre besoin?", None, None, None,
     "selected(${needs}, 'other')"],
    ["select_one region", "region", "Region", "Région", None, None, None, None, None,
     "minimal"],
    ["note", "thanks", "Thank you.", "Merci."],
    ["text", "remarks", "Remarks", None, None, None, None, None, None, "multiline"],
    ["geopoint", "where", "Where are you?", "Où êtes-vous?"],
    ["calculate", "double_age", None, None, None, None, None, None, None, None, "${Age} * 2"],
    ["text", "tricky", "Tricky", "Difficile", None, None, None,
     "${Age} > 18 and ${has_car} = 'yes'"],
    ["text", "later", "Later", "Plus tard", None, None, None, "${overall} != ''"],
    ["begin repeat", "children", "Children", "Enfants"],
    ["text", "child_name", "Name", "Nom", None, None, "yes"],
    ["integer", "child_age", "Age", "Âge"],
    ["image", "photo", "Photo", "Photo"],
    ["end repeat", "children"],
    ["end group", "help"],
    ["select_one rating", "overall", "Overall", "Globalement", None, None, None, None, None,
     "likert"],
]
CHOICES = [
    ["yn", "yes", "Yes", "Oui"], ["yn", "no", "No", "Non"],
    ["needs", "food", "Food", "Nourriture"], ["needs", "rides", "Rides", "Transport"],
    ["needs", "other", "Other", "Autre"],
    ["region", "north", "North", "Nord"], ["region", "south", "South", "Sud"],
    *([["rating", str(i), f"{i} – Poor" if i == 1 else str(i),
        f"{i} – Faible" if i == 1 else str(i)] for i in range(1, 6)]),
]


def xlsform(path, survey=SURVEY, choices=CHOICES, settings=True):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "survey"
    sheet.append(HEADER)
    for row in survey:
        sheet.append(row)
    sheet = book.create_sheet("choices")
    sheet.append(["list_name", "name", EN, FR])
    for row in choices:
        sheet.append(row)
    if settings:
        sheet = book.create_sheet("settings")
        sheet.append(["form_id", "version", "form_title", "default_language"])
        sheet.append(["Household-Survey", "2025.1", "Household survey", "English (en)"])
    book.save(path)
    return path


@pytest.fixture
def imported(tmp_path):
    path = xlsform(tmp_path / "household.xlsx")
    form, report = import_xlsform(path)
    return form, report


def test_our_test_file_is_a_real_xlsform(tmp_path):
    result = convert(xlsform=str(xlsform(tmp_path / "household.xlsx")))
    assert "<h:title>Household survey</h:title>" in result.xform


def test_import_maps_types_labels_hints_required_and_pages(imported):
    form, _report = imported
    parsed = parse_form(form, "household.yaml", TYPES)
    assert parsed.id == "household_survey" and parsed.version == "2025.1"
    assert [s.id for s in parsed.sections] == ["page_1", "travel", "help", "page_4"]
    types = {spec.id: spec.type for spec in parsed.fields}
    assert types == {"full_name": "text", "age": "integer", "has_car": "yesno",
                     "km": "decimal", "since": "date", "needs": "multichoice",
                     "other_need": "text", "region": "choice", "thanks": "info",
                     "remarks": "textarea", "tricky": "text", "later": "text",
                     "children": "table", "overall": "scale"}
    name = parsed.field("full_name")
    assert name.required and name.label.fr == "Nom complet"
    assert name.help.fr == "Comme sur votre carte"
    assert parsed.field("age").options["min"] == 0 and parsed.field("age").options["max"] == 120
    assert parsed.field("needs").options["max"] == 2
    assert parsed.field("region").options["widget"] == "select"
    assert [c.id for c in parsed.field("children").options["columns"]] == [
        "child_name", "child_age"]
    overall = parsed.field("overall")
    assert overall.options["points"] == 5 and overall.options["anchors"][1].fr == "Faible"


def test_simple_relevant_becomes_show_if(imported):
    parsed = parse_form(imported[0], "household.yaml", TYPES)
    travel = parsed.sections[1]
    assert travel.show_if.evaluate({"has_car": True})
    assert not travel.show_if.evaluate({"has_car": False})
    other = parsed.field("other_need").show_if
    assert other.evaluate({"needs": ["food", "other"]}) and not other.evaluate({"needs": ["food"]})
    assert parsed.field("tricky").show_if is None


def test_what_cannot_be_mapped_is_reported_row_by_row(imported):
    report = "\n".join(imported[1])
    expected = [
        "household.xlsx:settings:2: no French form_title; the English text was copied",
        "household.xlsx:survey: column 'label::spanish (es)' is not read",
        "household.xlsx:survey:3: name 'Age' became id 'age'",
        "household.xlsx:survey:14: no French label; the English text was copied",
        "household.xlsx:survey:15: 'where' (geopoint) is a location",
        "household.xlsx:survey:16: 'double_age' (calculate) is a calculation",
        "household.xlsx:survey:17: relevant '${Age} > 18 and ${has_car} = 'yes'' cannot be "
        "carried over ('${Age} > 18' is not a simple comparison)",
        "household.xlsx:survey:18: relevant '${overall} != ''' cannot be carried over "
        "('overall' is not an earlier question)",
        "household.xlsx:survey:22: 'photo' (image) is a file upload",
    ]
    for line in expected:
        assert line in report
    assert "(calculation" not in report.split("survey:16")[0]  # said once, on its own row
    assert len(imported[1]) == len(expected)


def test_imported_form_is_served_in_both_languages(tmp_path, imported):
    import yaml

    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "household.yaml").write_text(yaml.safe_dump(imported[0], allow_unicode=True))
    app = make_app(tmp_path, FORMS_DIR=str(forms))
    for lang in ("en", "fr"):
        done = fill(Browser(app.test_client()), app, "household_survey", lang)
        assert "/done/" in done.request.path


def test_import_command_writes_yaml_with_the_report_on_top(tmp_path):
    path = xlsform(tmp_path / "household.xlsx")
    out = tmp_path / "forms" / "household.yaml"
    result = CliRunner().invoke(main, ["import-xlsform", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "14 question(s) on 4 page(s); 9 item(s) to review" in result.output
    text = out.read_text(encoding="utf-8")
    assert "#   household.xlsx:survey:15: 'where' (geopoint)" in text
    assert load_form(out, TYPES).id == "household_survey"
    again = CliRunner().invoke(main, ["import-xlsform", str(path), "--out", str(out)])
    assert again.exit_code == 1 and "already exists" in again.output


def test_files_that_are_not_xlsforms_get_a_clear_error(tmp_path):
    text = tmp_path / "survey.xlsx"
    text.write_text("type,name\ntext,a\n")
    with pytest.raises(XLSFormError, match="not an .xlsx workbook"):
        import_xlsform(text)
    book = openpyxl.Workbook()
    book.active.title = "questions"
    book.save(tmp_path / "other.xlsx")
    result = CliRunner().invoke(main, ["import-xlsform", str(tmp_path / "other.xlsx")])
    assert result.exit_code == 1 and "no 'survey' sheet" in result.output


@pytest.mark.parametrize("form_id", ["membership", "wellbeing", "workplan", "evaluation",
                                     "competency"])
def test_seed_forms_export_as_xlsforms_pyxform_converts(tmp_path, form_id):
    app = make_app(tmp_path, FORMS_DIR=str(ROOT / "forms"), PLUGINS_DIR=str(ROOT / "plugins"))
    form = form_of(app, form_id)
    path = tmp_path / f"{form_id}.xlsx"
    export_xlsform(form, path)
    result = convert(xlsform=str(path))
    assert f"<h:title>{form.title.en}</h:title>" in result.xform
    book = openpyxl.load_workbook(path)
    header = [c.value for c in book["survey"][1]]
    assert EN in header and FR in header
    # Back again: every question keeps its id (matrices come back one question per row).
    back, _report = import_xlsform(path)
    parsed = parse_form(back, "back.yaml", TYPES)
    for spec in form.fields:
        if spec.type == "matrix":
            assert all(parsed.has_field(f"{spec.id}_{key}") for key, _t in spec.options["rows"])
        else:
            assert parsed.has_field(spec.id), spec.id


def test_round_trip_keeps_types_conditions_and_both_languages(tmp_path):
    source = load_form(new_form("visits", tmp_path / "forms", "Visits", "Visites"), TYPES)
    path = tmp_path / "visits.xlsx"
    report = export_xlsform(source, path)
    assert any("'travel_cost': a currency is exported as a decimal number" in r for r in report)
    back = parse_form(import_xlsform(path)[0], "back.yaml", TYPES)
    same = {"currency": "decimal"}
    for spec in source.fields:
        if spec.type == "matrix":
            continue
        again = back.field(spec.id)
        assert again.type == same.get(spec.type, spec.type), spec.id
        if spec.label:
            assert again.label == spec.label
        if spec.show_if:
            assert again.show_if.to_json() == spec.show_if.to_json()
    assert back.field("welcome").options["anchors"] == source.field("welcome").options["anchors"]
    assert back.field("services").options["max"] == 3


def test_export_command_takes_a_form_id_or_a_file(monkeypatch, tmp_path):
    monkeypatch.setenv("FORMKIT_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("FORMKIT_FORMS_DIR", str(ROOT / "forms"))
    monkeypatch.setenv("FORMKIT_PLUGINS_DIR", str(ROOT / "plugins"))
    out = tmp_path / "membership.xlsx"
    result = CliRunner().invoke(main, ["export-xlsform", "membership", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "XLSForm has one form title; the English one was written" in result.output
    assert convert(xlsform=str(out)).xform
    by_file = CliRunner().invoke(main, ["export-xlsform", str(ROOT / "forms" / "workplan.yaml"),
                                       "--out", str(tmp_path / "w.xlsx")])
    assert by_file.exit_code == 0 and (tmp_path / "w.xlsx").exists()
    missing = CliRunner().invoke(main, ["export-xlsform", "nope"])
    assert missing.exit_code == 1 and "no form 'nope'" in missing.output

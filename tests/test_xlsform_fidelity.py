"""XLSForm import fidelity: the traps real XLSForms set (issue 15). Each file of the
corpus below is made with openpyxl, first checked with pyxform (the converter ODK and
KoboToolbox use: every file must convert), then imported."""

from __future__ import annotations

import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.styles import PatternFill
from pyxform import aliases
from pyxform.xls2xform import convert

from formkit.builtins.field_types import formkit_field_types
from formkit.cli import main
from formkit.schema import load_form, parse_form
from formkit.xlsform import import_xlsform
from formkit.xlsform.expressions import Unsupported, parse_relevant
from formkit.xlsform.sheets import (
    CHOICES_ALIASES,
    SELECT_COMMANDS,
    SETTINGS_ALIASES,
    SURVEY_ALIASES,
    TYPE_ALIASES,
    canonical_header,
    parse_type,
)

TYPES = {cls.name: cls() for cls in formkit_field_types()}
EN, FR = "label::English (en)", "label::French (fr)"
YES_NO = [["yn", "yes", "Yes", "Oui"], ["yn", "no", "No", "Non"]]


def workbook(path, survey, choices=(), settings=None, *, survey_header=None,
             choices_header=None):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "survey"
    sheet.append(survey_header or ["type", "name", EN, FR, "relevant"])
    for row in survey:
        sheet.append(row)
    if choices:
        sheet = book.create_sheet("choices")
        sheet.append(choices_header or ["list_name", "name", EN, FR])
        for row in choices:
            sheet.append(row)
    if settings:
        sheet = book.create_sheet("settings")
        sheet.append(list(settings))
        sheet.append(list(settings.values()))
    book.save(path)
    return path


def household(path):
    """Yes/no lists tested with selected(), not(selected()), = and != (36 conditions of
    one real form were lost this way, a whole household table among them)."""
    return workbook(path, [
        ["select_one yn", "has_members", "Anyone else living here?", "Quelqu’un d’autre ?"],
        ["begin repeat", "members", "Members", "Membres", "selected(${has_members}, 'yes')"],
        ["text", "member_name", "Name", "Nom"],
        ["integer", "member_age", "Age", "Âge"],
        ["end repeat", "members"],
        ["text", "why_alone", "Why alone?", "Pourquoi seul ?",
         "not(selected(${has_members}, 'yes'))"],
        ["text", "alone_since", "Since when?", "Depuis quand ?", "${has_members} = 'no'"],
        ["acknowledge", "consent", "I agree", "J’accepte"],
        ["begin group", "health", "Health", "Santé", "${consent} = 'OK'"],
        ["select_one yn", "sick", "Sick?", "Malade\u00a0?"],
        ["begin group", "details", "Details", "Détails", "selected(${sick}, 'yes')"],
        ["select_multiple sym", "symptoms", "Symptoms", "Symptômes"],
        ["text", "fever_days", "Days of fever", "Jours de fièvre",
         "selected(${symptoms}, 'fever')"],
        ["end group", "details"],
        ["text", "typo", "Typo", "Coquille", "selected(${sick}, 'Yes')"],
        ["text", "only_fever", "Only fever", "Seulement la fièvre", "${symptoms} = 'fever'"],
        ["text", "first_member", "First member", "Premier membre", "${member_name} != ''"],
        ["calculate", "score", None, None, None, "1"],
        ["text", "scored", "Scored", "Noté", "${score} = 1"],
        ["end group", "health"],
    ], [*YES_NO, ["sym", "fever", "Fever", "Fièvre"], ["sym", "cough", "Cough", "Toux"]],
        survey_header=["type", "name", EN, FR, "relevant", "calculation"])


def classic_headers(path):
    """The classic spellings pyxform still reads: ``list name``, ``Relevance``,
    ``select one``, ``select all that apply``, ``int``."""
    return workbook(path, [
        ["select one yn", "smokes", "Do you smoke?", "Fumez-vous ?"],
        ["int", "per_day", "How many a day?", "Combien par jour ?", "${smokes} = 'yes'"],
        ["select all that apply fruit", "fruit", "Fruit eaten", "Fruits mangés"],
        ["select one fruit", "favourite", "Favourite", "Préféré", "selected(${fruit}, 'apple')"],
    ], [*YES_NO, ["fruit", "apple", "Apple", "Pomme"], ["fruit", "pear", "Pear", "Poire"]],
        survey_header=["Type", "Name", EN, FR, "Relevance"],
        choices_header=["list name", "name", EN, FR])


def old_aliases(path):
    """Single-colon languages and the ``caption``/``value`` aliases of old forms."""
    return workbook(path, [
        ["select_one colour", "colour", "Colour", "Couleur"],
    ], [["colour", "red", "Red", "Rouge"], ["colour", "blue", "Blue", "Bleu"]],
        survey_header=["type", "name", "caption:English", "caption:French"],
        choices_header=["List_Name", "value", "caption:English", "caption:French"])


def containers(path):
    """Conditions inside a repeat (a table's columns cannot be conditional) and a loop."""
    return workbook(path, [
        ["select_one yn", "has_kids", "Children?", "Enfants ?"],
        ["begin repeat", "kids", "Children", "Enfants"],
        ["text", "kid_name", "Name", "Nom"],
        ["integer", "kid_age", "Age", "Âge", "${kid_name} != ''"],
        ["begin group", "school", "School", "École", "${kid_age} > 5"],
        ["text", "kid_school", "School", "École"],
        ["end group", "school"],
        ["end repeat", "kids"],
        ["begin loop over yn", "per_answer", "Each answer", "Chaque réponse"],
        ["text", "why", "Why?", "Pourquoi ?"],
        ["end loop", "per_answer"],
    ], YES_NO)


SETTINGS = {"form_id": "clinic", "form_title": "Clinic", "version": "3",
            "public_key": "MIIBIjANBgkq", "submission_url": "https://example.org/submit",
            "instance_name": "concat(${visit}, '-', today())", "style": "pages"}


def silent_drops(path):
    """Settings, constraint messages and images that were once dropped without a line,
    and eight questions without French (reported as one grouped line)."""
    return workbook(path, [
        ["integer", "visit", "Visit number", "Numéro de visite", ". >= 1 and . <= 9",
         "Between 1 and 9", None],
        ["note", "map", "The clinic", "La clinique", None, None, "clinic.png"],
        *[["text", f"plain_{i}", f"Question {i}"] for i in range(1, 9)],
    ], settings=SETTINGS,
        survey_header=["type", "name", EN, FR, "constraint", "constraint_message",
                       "media::image"])


def impossible_bounds(path):
    """pyxform accepts a constraint no answer meets; formkit refuses the bounds."""
    return workbook(path, [["integer", "age", "Age", "Âge", ". >= 10 and . <= 5"]],
                    survey_header=["type", "name", EN, FR, "constraint"])


def formatted_to_the_end(path):
    """Formatting down to the sheet's last row (its size says 1,048,576 rows), a
    question after a gap of empty rows, and one after the end pyxform sees (60 empty
    rows in a row end a sheet)."""
    workbook(path, [["text", "first", "First", "Premier"], *[[None]] * 10,
                    ["text", "after_gap", "After the gap", "Après l’espace"], *[[None]] * 61,
                    ["text", "beyond", "Beyond the end", "Après la fin"]])
    book = openpyxl.load_workbook(path)
    book["survey"].cell(row=1_048_576, column=12).fill = PatternFill("solid", "FFFF00")
    book.save(path)
    return path


CORPUS = {f.__name__: f for f in (household, classic_headers, old_aliases, containers,
                                  silent_drops, impossible_bounds, formatted_to_the_end)}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    return {name: make(folder / f"{name}.xlsx") for name, make in CORPUS.items()}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_corpus_file_is_a_valid_xlsform(corpus, name):
    assert "<h:html" in convert(xlsform=str(corpus[name])).xform


def _atoms(condition):
    for joiner in ("all", "any"):
        if joiner in condition:
            for part in condition[joiner]:
                yield from _atoms(part)
            return
    yield condition


def test_yes_no_conditions_compare_stored_values_exactly(corpus):
    form, report = import_xlsform(corpus["household"])
    parsed = parse_form(form, "household.yaml", TYPES)
    members = parsed.field("members").show_if
    assert members.evaluate({"has_members": True})
    assert not members.evaluate({"has_members": False}) and not members.evaluate({})
    alone = parsed.field("why_alone").show_if  # not(selected()) holds when unanswered too
    assert alone.evaluate({"has_members": False}) and alone.evaluate({})
    assert not alone.evaluate({"has_members": True})
    assert parsed.field("alone_since").show_if.evaluate({"has_members": False})
    assert not parsed.field("alone_since").show_if.evaluate({"has_members": True})
    health = parsed.sections[-1]
    assert health.show_if.evaluate({"consent": True}) and not health.show_if.evaluate({})
    # the nested group's condition joins each of its questions' own
    fever = parsed.field("fever_days").show_if
    assert fever.evaluate({"sick": True, "symptoms": ["fever"]})
    assert not fever.evaluate({"sick": False, "symptoms": ["fever"]})
    assert not fever.evaluate({"sick": True, "symptoms": ["cough"]})
    assert parsed.field("symptoms").show_if.evaluate({"sick": True})
    assert not parsed.field("symptoms").show_if.evaluate({"sick": False})
    assert parsed.field("sick").label.fr == "Malade\u00a0?"  # French spacing kept
    assert "&id" not in yaml.safe_dump(form)  # each question has its own copy, no anchors
    for spec in parsed.fields:  # no yes/no question is ever compared with a text
        for atom in _atoms(spec.show_if.to_json()) if spec.show_if else ():
            if parsed.field(atom["field"]).type == "yesno":
                assert isinstance(atom.get("equals", atom.get("not_equals")), bool), spec.id


def test_conditions_formkit_cannot_test_exactly_are_reported_not_approximated(corpus):
    form, report = import_xlsform(corpus["household"])
    parsed = parse_form(form, "household.yaml", TYPES)
    text = "\n".join(report)
    expected = {
        "typo": "'Yes' is not a value of 'sick' (yes, no)",
        "only_fever": "'symptoms' takes several answers",
        "first_member": "'member_name' is a column of the table 'members'",
        "scored": "'score' (survey:19) is a calculation and was left out",
    }
    for field_id, reason in expected.items():
        assert parsed.field(field_id).show_if is None, field_id
        assert reason in text, reason
    assert text.count("the question is always shown") == len(expected)
    assert "group 'details' inside another group or repeat: its questions join the outer " \
           "one, each shown under the group's condition" in text


@pytest.mark.parametrize("relevant, expected", [
    ("${a} = 'x' or ${b} = 'y' and ${c} != ''",  # and binds tighter, as in XPath
     {"any": [{"field": "a", "equals": "x"},
              {"all": [{"field": "b", "equals": "y"}, {"field": "c", "answered": True}]}]}),
    ("(${a} = 'x' or ${b} = 'y') and not(${c} = 'z')",
     {"all": [{"any": [{"field": "a", "equals": "x"}, {"field": "b", "equals": "y"}]},
              {"field": "c", "not_equals": "z"}]}),
    ("${a} = 'rock and roll (live)'", {"field": "a", "equals": "rock and roll (live)"}),
    ("not(${a} != '')", {"field": "a", "answered": False}),
])
def test_and_or_not_and_parentheses_read_as_xpath_reads_them(relevant, expected):
    assert parse_relevant(relevant, str, lambda field, value, test: value) == expected


@pytest.mark.parametrize("relevant", ["not(${a} = 'x' and ${b} = 'y')", "${a} > 2",
                                      "count-selected(${a}) = 2", "(${a} = 'x'"])
def test_what_is_beyond_the_simple_forms_is_refused(relevant):
    with pytest.raises(Unsupported):
        parse_relevant(relevant, str, lambda field, value, test: value)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["${a}", "${b}", " = ", " != ", "'x'", '"y"', "3", "(", ")",
                                 " and ", " or ", "not(", "selected(", ", ", "''", "'",
                                 "string-length(", " > 0", "}", "$"]), max_size=12))
def test_any_relevant_is_read_or_refused_never_crashes(parts):
    try:
        parse_relevant("".join(parts), str, lambda field, value, test: value)
    except Unsupported:
        pass


def test_conditions_inside_a_repeat_and_loops_are_reported(corpus):
    form, report = import_xlsform(corpus["containers"])
    parsed = parse_form(form, "containers.yaml", TYPES)
    assert [c.id for c in parsed.field("kids").options["columns"]] == [
        "kid_name", "kid_age", "kid_school"]
    text = "\n".join(report)
    assert "containers.xlsx:survey:5: table columns cannot be conditional; the relevant " \
           "of 'kid_age' is left out" in text
    assert "containers.xlsx:survey:6: table columns cannot be conditional; the relevant " \
           "of group 'school' is left out" in text
    assert "containers.xlsx:survey:10: 'begin loop' over a list cannot be carried over; " \
           "its questions are asked once" in text
    assert parsed.field("why").show_if is None
    assert "survey:12" not in text and "'kid_name' is a column" not in text  # said once


def test_classic_header_spellings_are_read_as_pyxform_reads_them(corpus):
    form, report = import_xlsform(corpus["classic_headers"])
    parsed = parse_form(form, "classic.yaml", TYPES)
    assert {s.id: s.type for s in parsed.fields} == {
        "smokes": "yesno", "per_day": "integer", "fruit": "multichoice", "favourite": "choice"}
    assert parsed.field("per_day").show_if.evaluate({"smokes": True})
    assert [key for key, _label in parsed.field("favourite").options["choices"]] == [
        "apple", "pear"]
    assert parsed.field("favourite").show_if.evaluate({"fruit": ["apple"]})
    assert report == ["classic_headers.xlsx:settings: no form_title; the file name was used "
                      "— write the English and French titles"]
    old, report = import_xlsform(corpus["old_aliases"])
    colour = parse_form(old, "old.yaml", TYPES).field("colour")
    assert colour.label.fr == "Couleur" and [k for k, _t in colour.options["choices"]] == [
        "red", "blue"]
    assert len(report) == 1 and "no form_title" in report[0]


def _pyxform_column(value) -> str:
    """pyxform's name for a column, in the importer's spelling."""
    if isinstance(value, tuple):
        kind, name = value
        renamed = {"jr:constraintMsg": "constraint_message", "jr:requiredMsg":
                   "required_message", "jr:count": "repeat_count", "calculate": "calculation",
                   "jr:noAppErrorString": "no_app_error_string"}
        return f"media::{name}" if kind == "media" else renamed.get(name, name)
    return {"list name": "list_name", "title": "form_title", "id_string": "form_id"}.get(
        value, value)


@pytest.mark.parametrize("theirs, ours", [(aliases.list_header, CHOICES_ALIASES),
                                          (aliases.settings_header, SETTINGS_ALIASES),
                                          (aliases.survey_header, SURVEY_ALIASES)])
def test_header_aliases_agree_with_pyxform(theirs, ours):
    for header, value in theirs.items():
        if "entities" in str(value) or header.startswith(("sms_", "compact_", "body")):
            continue  # SMS and entity columns: reported as columns formkit does not read
        assert canonical_header(header, ours, False) == _pyxform_column(value), header


def test_type_spellings_agree_with_pyxform():
    from pyxform.question_type_dictionary import QUESTION_TYPE_DICT

    assert set(aliases.select) <= set(SELECT_COMMANDS)
    assert set(TYPE_ALIASES) <= {*QUESTION_TYPE_DICT, *aliases._type_alias_map}
    assert parse_type("select all that apply  fruit") == ("select_multiple", "fruit")
    assert parse_type("select one from file villages.csv") == ("select_one_from_file",
                                                               "villages.csv")
    assert parse_type("begin looped group") == ("begin repeat", "")
    assert parse_type("Begin_Group") == ("begin group", "")
    assert parse_type("int") == ("integer", "")


def test_settings_messages_and_media_are_reported_and_repeats_grouped(corpus):
    form, report = import_xlsform(corpus["silent_drops"])
    text = "\n".join(report)
    for setting in ("public_key", "submission_url", "instance_name", "style"):
        assert f"silent_drops.xlsx:settings:2: setting '{setting}' ('{SETTINGS[setting]}') " \
               "is not carried over" in text
    assert "silent_drops.xlsx:survey:2: constraint message 'Between 1 and 9' is not " \
           "carried over" in text
    assert "silent_drops.xlsx:survey:3: 'media::image' ('clinic.png') is not carried over" \
           in text
    missing = [line for line in report if "no French" in line]
    assert missing == ["silent_drops.xlsx: no French text; the English was copied — "
                       "translate it: 9 texts; first 5: settings:2 form_title, survey:4 "
                       "plain_1 label, survey:5 plain_2 label, survey:6 plain_3 label, "
                       "survey:7 plain_4 label"]
    assert form["id"] == "clinic" and form["version"] == "3"


def test_a_thousand_repeated_warnings_stay_one_line(tmp_path):
    path = workbook(tmp_path / "big.xlsx",
                    [["text", f"Q{i}", f"Question {i}"] for i in range(1074)])
    _form, report = import_xlsform(path)
    assert len(report) == 3  # no French, renamed ids, no form title
    assert any("no French text; the English was copied — translate it: 1,074 texts; "
               "first 5: survey:2 Q0 label," in line for line in report)
    assert any("names changed into formkit ids (lower case letters, digits and _): 1,074 "
               "names; first 5: survey:2 Q0 → q0," in line for line in report)


def test_a_failed_import_leaves_nothing_in_forms(corpus, tmp_path):
    forms = tmp_path / "forms"
    result = CliRunner().invoke(main, ["import-xlsform", str(corpus["impossible_bounds"]),
                                       "--out", str(forms / "age.yaml")])
    assert result.exit_code == 1
    assert f"{forms / 'age.yaml'}:" in result.output and "'min' (10) is above 'max' (5)" \
        in result.output
    assert "nothing was written" in result.output
    assert not forms.exists()
    forms.mkdir()
    kept = forms / "age.yaml"
    kept.write_text("# the form that works\n", encoding="utf-8")
    again = CliRunner().invoke(main, ["import-xlsform", str(corpus["impossible_bounds"]),
                                      "--out", str(kept), "--force"])
    assert again.exit_code == 1
    assert kept.read_text(encoding="utf-8") == "# the form that works\n"
    assert sorted(p.name for p in forms.iterdir()) == ["age.yaml"]  # no temporary file
    good = CliRunner().invoke(main, ["import-xlsform", str(corpus["classic_headers"]),
                                     "--out", str(kept), "--force"])
    assert good.exit_code == 0, good.output
    assert load_form(kept, TYPES).has_field("smokes")
    assert sorted(p.name for p in forms.iterdir()) == ["age.yaml"]


def test_reading_stops_at_the_used_range_like_pyxform(corpus):
    xform = convert(xlsform=str(corpus["formatted_to_the_end"])).xform
    form, report = import_xlsform(corpus["formatted_to_the_end"])
    ids = [f["id"] for s in form["sections"] for f in s["fields"]]
    assert ids == ["first", "after_gap"]
    assert all(f"<{name}/>" in xform for name in ids) and "beyond" not in xform
    assert report == ["formatted_to_the_end.xlsx:settings: no form_title; the file name was "
                      "used — write the English and French titles"]

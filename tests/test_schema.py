"""Form schemas: every mistake is reported with its file and line."""

from __future__ import annotations

import textwrap

import pytest

from formkit.builtins.field_types import formkit_field_types
from formkit.schema import FormLoadError, Text, load_form

TYPES = {cls.name: cls() for cls in formkit_field_types()}


def write(tmp_path, body: str):
    path = tmp_path / "form.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def errors_of(tmp_path, body: str) -> list[str]:
    with pytest.raises(FormLoadError) as info:
        load_form(write(tmp_path, body), TYPES)
    return [str(e) for e in info.value.errors]


GOOD = """\
id: sample
version: 2
title: {en: Sample, fr: Exemple}
sections:
  - id: one
    title: {en: One, fr: Un}
    fields:
      - id: name
        type: text
        label: {en: Name, fr: Nom}
"""


def test_a_good_form_loads(tmp_path):
    form = load_form(write(tmp_path, GOOD), TYPES)
    assert form.id == "sample" and form.version == "2"
    assert form.title == Text(en="Sample", fr="Exemple")
    assert form.field("name").label.get("fr") == "Nom"
    assert form.field("name").name == "q_name"


def test_missing_french_is_an_error_with_its_line(tmp_path):
    body = GOOD.replace("label: {en: Name, fr: Nom}", "label: {en: Name}")
    [error] = errors_of(tmp_path, body)
    assert "form.yaml:10: 'label' has no 'fr' text\n" in error
    assert error.endswith("suggestion: add the French of 'Name' as  fr: ...")


def test_plain_string_text_is_an_error(tmp_path):
    body = GOOD.replace("title: {en: One, fr: Un}", "title: One")
    assert any(":6: 'title' must give both languages" in e for e in errors_of(tmp_path, body))


def test_unknown_field_type_names_the_known_ones(tmp_path):
    body = GOOD.replace("type: text", "type: textt")
    [error] = errors_of(tmp_path, body)
    assert ":9: field 'name': unknown type 'textt'" in error and "textarea" in error
    assert error.endswith("suggestion: did you mean 'text'?")


def test_every_problem_is_reported_at_once(tmp_path):
    body = GOOD + textwrap.indent(textwrap.dedent("""\
        - id: name
          type: text
          label: {en: Again, fr: Encore}
        - id: rating
          type: scale
          points: 40
          label: {en: Rate, fr: Notez}
        - id: later
          type: text
          label: {en: L, fr: L}
          show_if: {field: nowhere, equals: 1}
    """), "      ")
    errors = errors_of(tmp_path, body)
    assert any(":11: duplicate field id 'name'" in e for e in errors)
    assert any("'points' must be a whole number from 2 to 11" in e for e in errors)
    assert any("show_if refers to 'nowhere', which is not an earlier field" in e
               for e in errors)


def test_show_if_on_a_later_field_is_rejected(tmp_path):
    body = GOOD.replace(
        "        label: {en: Name, fr: Nom}\n",
        "        label: {en: Name, fr: Nom}\n"
        "        show_if: {field: after, answered: true}\n"
        "      - id: after\n"
        "        type: text\n"
        "        label: {en: After, fr: Après}\n",
    )
    [error] = errors_of(tmp_path, body)
    assert "show_if refers to 'after'" in error
    assert "suggestion: 'after' is asked later (line 12)" in error


def test_suggestions_name_the_fix(tmp_path):
    def only(body):
        [error] = errors_of(tmp_path, body)
        return error.split("suggestion: ", 1)[1]

    assert only(GOOD.replace("type: text", "type: choise")) == "did you mean 'choice'?"
    assert only(GOOD.replace("type: text", "type: text\n        requird: true")) == (
        "did you mean 'required'?")
    assert only(GOOD.replace("label: {en: Name, fr: Nom}", "label: Name")) == (
        "write  label: {en: Name, fr: <the French text>}")
    assert only(GOOD.replace("label: {en: Name, fr: Nom}", "label: {en: Name, fr: Nom}\n"
                             "        show_if: {field: nmae, answered: true}")).startswith(
        "earlier fields are: ")
    twice = GOOD + "      - id: name\n        type: text\n        label: {en: N, fr: N}\n"
    assert only(twice).startswith("the first 'name' is at line 8;")
    assert only(GOOD.replace("type: text", "type: scale\n        points: 1")).startswith(
        "most scales use  points: 5")
    assert only(GOOD.replace("type: text", "type: integer\n        min: 9\n        max: 2")) == (
        "swap them:  min: 2, max: 9")
    assert only(GOOD.replace("- id: name", "- id: Full-Name")) == "id: full_name"
    assert only(GOOD.replace("version: 2\n", "")).startswith("add  version: 1")
    assert only(GOOD.replace("label: {en: Name, fr: Nom}", "label: {en: Why?, fr: Pourquoi ?}"
                             )).startswith("put the text in quotes")


def test_yaml_syntax_error_has_a_line(tmp_path):
    [error] = errors_of(tmp_path, GOOD + "  - id: [unclosed\n")
    assert "form.yaml:" in error and "YAML syntax" in error


def test_bad_options_are_named(tmp_path):
    body = GOOD.replace("type: text", "type: integer\n        min: 10\n        max: 1\n"
                        "        colour: red")
    errors = errors_of(tmp_path, body)
    assert any("unknown option(s) colour" in e for e in errors)
    assert any("'min' (10) is above 'max' (1)" in e for e in errors)


def test_table_columns_must_be_simple_types(tmp_path):
    body = GOOD.replace("type: text\n        label: {en: Name, fr: Nom}", textwrap.dedent("""\
        type: table
                label: {en: T, fr: T}
                columns:
                  - {id: m, type: multichoice, label: {en: M, fr: M},
                     choices: [{key: a, label: {en: A, fr: A}}]}
        """).rstrip())
    [error] = errors_of(tmp_path, body)
    assert "column 'm' cannot be of type 'multichoice'" in error


def test_choices_need_unique_keys_and_both_languages(tmp_path):
    body = GOOD.replace("type: text", textwrap.dedent("""\
        type: choice
                choices:
                  - {key: a, label: {en: A, fr: A}}
                  - {key: a, label: {en: B}}""").rstrip())
    errors = errors_of(tmp_path, body)
    assert any("duplicate choices key 'a'" in e for e in errors)
    assert any("'label' has no 'fr' text" in e for e in errors)


def test_autocomplete_is_checked_against_the_html_token_list(tmp_path):
    def body(token):
        return GOOD.replace("type: text", f"type: text\n        autocomplete: {token}")

    def errors_for(token):
        return errors_of(tmp_path, body(token))

    for good in ("name", "email", "work email", "section-a shipping postal-code", '"off"'):
        load_form(write(tmp_path, body(good)), TYPES)
    [typo] = errors_for("emial")
    assert "unknown autocomplete token 'emial'" in typo and "did you mean 'email'?" in typo
    [misplaced] = errors_for("work name")
    assert "'work' cannot come before 'name'" in misplaced


def test_seed_forms_name_the_purpose_of_personal_data(tmp_path):
    from conftest import ROOT, form_of, make_app

    app = make_app(tmp_path, FORMS_DIR=str(ROOT / "forms"), PLUGINS_DIR=str(ROOT / "plugins"))
    purposes = {(form_id, field_id): form_of(app, form_id).field(field_id).options.get(
        "autocomplete") for form_id, field_id in [
            ("membership", "name"), ("membership", "email"), ("membership", "phone"),
            ("membership", "organization"), ("membership", "website"),
            ("wellbeing", "contact_name"), ("wellbeing", "contact_email"),
            ("competency", "name")]}
    assert all(purposes.values()), purposes

"""The traps a plugin author fell into, each reported where it is, with a way out:
show_if values checked against the field they name, YAML indentation and unquoted
commas explained, misspelt hooks and hook arguments, routes colliding with the core's,
and the order hooks are called in."""

from __future__ import annotations

import textwrap

import pytest

from formkit.builtins.field_types import formkit_field_types
from formkit.schema import FormLoadError, load_form

TYPES = {cls.name: cls() for cls in formkit_field_types()}

HEAD = """\
id: traps
version: 1
title: {en: Traps, fr: Pièges}
sections:
  - id: s
    title: {en: S, fr: S}
    fields:
      - id: volunteers
        type: yesno
        label: {en: "Volunteer?", fr: "Bénévole?"}
      - id: kind
        type: choice
        label: {en: Kind, fr: Genre}
        choices:
          - {key: visit, label: {en: Visit, fr: Visite}}
          - {key: 2, label: {en: Two, fr: Deux}}
      - id: note
        type: text
        label: {en: Note, fr: Note}
      - id: when
        type: date
        label: {en: When, fr: Quand}
      - id: count
        type: integer
        label: {en: Count, fr: Nombre}
"""


def problems(tmp_path, text: str) -> list[str]:
    path = tmp_path / "traps.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_form(path, TYPES)
    except FormLoadError as exc:
        return [str(error) for error in exc.errors]
    return []


def dependent(show_if: str, field_id: str = "later") -> str:
    return HEAD + textwrap.indent(textwrap.dedent(f"""\
        - id: {field_id}
          type: text
          label: {{en: Later, fr: Plus tard}}
          show_if: {show_if}
        """), "      ")


SHOW_IF_LINE = HEAD.count("\n") + 4  # the show_if line of the dependent question


@pytest.mark.parametrize(("show_if", "expected"), [
    ('{field: volunteers, equals: "yes"}',
     ["'volunteers' is never 'yes'", "true, false"]),
    ("{field: volunteers, equals: maybe}", ["never 'maybe'", "true, false"]),
    ("{field: kind, one_of: [visit, visiting]}", ["never 'visiting'", "'visit', '2'"]),
    ("{field: kind, not_equals: 3}", ["never 3", "'visit', '2'"]),
    ("{field: note, equals: 5}", ["'note' (text) is compared with a number", "quote it"]),
    ("{field: count, equals: lots}", ["'count' (integer) is compared with str"]),
    ("{all: [{field: count, equals: 1}, {field: volunteers, equals: yes please}]}",
     ["never 'yes please'"]),
])
def test_show_if_values_are_checked_against_the_field_they_name(tmp_path, show_if, expected):
    [problem] = problems(tmp_path, dependent(show_if))
    assert problem.startswith(f"{tmp_path / 'traps.yaml'}:{SHOW_IF_LINE}: show_if")
    for words in expected:
        assert words in problem


@pytest.mark.parametrize("show_if", [
    "{field: volunteers, equals: true}", "{field: volunteers, not_equals: no}",
    "{field: kind, equals: 2}", '{field: kind, one_of: [visit, "2"]}',
    "{field: note, equals: hello}", '{field: count, equals: "3"}',
    "{field: count, equals: 3}", "{field: when, equals: 2025-01-15}",
    "{field: note, answered: true}",
])
def test_show_if_values_a_field_can_hold_pass(tmp_path, show_if):
    assert problems(tmp_path, dependent(show_if)) == []


def test_a_self_referencing_show_if_says_so(tmp_path):
    [problem] = problems(tmp_path, dependent("{field: later, answered: true}"))
    assert "refers to 'later' itself" in problem


def test_an_unknown_operator_lists_the_valid_ones(tmp_path):
    [problem] = problems(tmp_path, dependent("{field: count, greater_than: 2}"))
    assert "unknown key(s) greater_than" in problem
    assert "equals, not_equals, one_of, answered" in problem


def test_a_comma_in_unquoted_text_gets_a_quote_hint(tmp_path):
    text = HEAD.replace("label: {en: Note, fr: Note}",
                        "label: {en: Yes, often, fr: Oui, souvent}")
    [problem] = problems(tmp_path, text)
    assert "a comma inside unquoted text" in problem
    assert 'quote this text: label: {en: "Yes, often", fr: "Oui, souvent"}' in problem


@pytest.mark.parametrize(("bad", "line", "words"), [
    ("      - id: extra\n\ttype: text\n", HEAD.count("\n") + 2, "a tab character"),
    ("      - id: extra\n         type: text\n", HEAD.count("\n") + 2, "not lined up"),
    ("     - id: extra\n       type: text\n", HEAD.count("\n") + 1, "not lined up"),
])
def test_yaml_indentation_errors_are_explained_as_indentation(tmp_path, bad, line, words):
    [problem] = problems(tmp_path, HEAD + bad)
    assert problem.startswith(f"{tmp_path / 'traps.yaml'}:{line}: indentation")
    assert words in problem

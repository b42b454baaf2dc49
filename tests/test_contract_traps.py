"""The traps a plugin author fell into, each reported where it is, with a way out:
show_if values checked against the field they name, YAML indentation and unquoted
commas explained, misspelt hooks and hook arguments, routes colliding with the core's,
and the order hooks are called in."""

from __future__ import annotations

import textwrap

import pytest

from conftest import make_app
from formkit.builtins.field_types import formkit_field_types
from formkit.plugins import PluginError
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


# -- hooks and routes -------------------------------------------------------------------

def plugins_dir(tmp_path, **files: str):
    folder = tmp_path / "plugins"
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in files.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(body), encoding="utf-8")
    return folder


def test_a_misspelt_hook_argument_is_reported_at_its_line_with_a_suggestion(tmp_path):
    folder = plugins_dir(tmp_path, scorer="""\
        from formkit.api import for_form, hookimpl


        @hookimpl
        @for_form("x")
        def formkit_score(form, answer):
            return None
        """)
    with pytest.raises(PluginError) as caught:
        make_app(tmp_path, PLUGINS_DIR=str(folder))
    message = str(caught.value)
    assert message.startswith(f"{folder / 'scorer.py'}:4: formkit_score() of plugin 'scorer' "
                              "takes an argument 'answer' that formkit does not pass")
    assert "did you mean 'answers'?" in message and "form, answers, locale" in message
    assert "pluggy" not in message and "Traceback" not in message


def test_a_plugin_route_colliding_with_a_core_url_stops_start_up(tmp_path):
    folder = plugins_dir(tmp_path, resumer="""\
        from flask import Blueprint

        from formkit.api import hookimpl

        bp = Blueprint("resumer", __name__)


        @bp.get("/resume")
        def mine():
            return "never shown"


        @hookimpl
        def formkit_blueprints(app):
            return [bp]
        """)
    with pytest.raises(PluginError) as caught:
        make_app(tmp_path, PLUGINS_DIR=str(folder))
    message = str(caught.value)
    assert "plugin 'resumer' adds the route GET /resume (resumer.mine)" in message
    assert "formkit already answers with /resume (respond.resume)" in message


def test_a_plugin_route_of_its_own_is_served(tmp_path):
    folder = plugins_dir(tmp_path, own="""\
        from flask import Blueprint

        from formkit.api import hookimpl

        bp = Blueprint("own", __name__, url_prefix="/own")


        @bp.get("/resume")
        def mine():
            return "the plugin's page"


        @hookimpl
        def formkit_blueprints(app):
            return [bp]
        """)
    app = make_app(tmp_path, PLUGINS_DIR=str(folder))
    assert app.test_client().get("/own/resume").text == "the plugin's page"


ORDERED = """\
    from formkit.api import hookimpl


    @hookimpl{options}
    def formkit_forms(app):
        return [{{"id": "{name}", "version": 1, "title": {{"en": "{name}", "fr": "{name}"}},
                 "sections": [{{"id": "s", "title": {{"en": "S", "fr": "S"}}, "fields": [
                     {{"id": "q", "type": "text", "label": {{"en": "Q", "fr": "Q"}}}}]}}]}}]


    @hookimpl{options}
    def formkit_prefill(form, args):
        return {{"q": "{name}"}} if "go" in args else None
    """

WRAPPER = """\
    from formkit.api import hookimpl


    @hookimpl(wrapper=True)
    def formkit_forms(app):
        results = yield  # one list of forms per plugin
        for forms in results:
            for form in forms:
                form["title"] = {"en": "wrapped " + form["title"]["en"], "fr": "x"}
        return results
    """


def test_call_each_follows_pluggys_order_and_honours_wrappers(tmp_path):
    from formkit.plugins import call_each

    folder = plugins_dir(tmp_path, a_first=ORDERED.format(name="a_first", options=""),
                         b_second=ORDERED.format(name="b_second", options=""),
                         c_early=ORDERED.format(name="c_early", options="(tryfirst=True)"),
                         z_wrapper=WRAPPER)
    app = make_app(tmp_path, PLUGINS_DIR=str(folder), FORMS_DIR=str(tmp_path / "none"))
    pm = app.extensions["formkit"].registry.pm
    called = [name for name, _forms in call_each(pm, "formkit_forms", app=app)]
    # the plugin registered last first, tryfirst ahead of all, as pm.hook would call them
    assert called[:3] == ["c_early", "b_second", "a_first"]
    assert [r[0]["id"] for r in pm.hook.formkit_forms(app=app) if r][:3] == called[:3]
    forms = app.extensions["formkit"].registry.forms
    assert forms["a_first"].title.en == "wrapped a_first"  # through the wrapper


def test_prefill_precedence_is_pluggys_call_order(tmp_path):
    folder = plugins_dir(tmp_path, a_first=ORDERED.format(name="a_first", options=""),
                         b_second=ORDERED.format(name="b_second", options=""))
    app = make_app(tmp_path, PLUGINS_DIR=str(folder), FORMS_DIR=str(tmp_path / "none"))
    page = app.test_client().get("/f/a_first/?go=1")
    assert 'value="b_second"' in page.text  # registered last, called first: it wins
    folder = plugins_dir(tmp_path / "2", a_first=ORDERED.format(name="a_first",
                                                                options="(tryfirst=True)"),
                         b_second=ORDERED.format(name="b_second", options=""))
    app = make_app(tmp_path / "2", PLUGINS_DIR=str(folder), FORMS_DIR=str(tmp_path / "none"))
    assert 'value="a_first"' in app.test_client().get("/f/a_first/?go=1").text

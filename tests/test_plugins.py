"""Plugin discovery, order, blocking, clashes, and every hook doing its job."""

from __future__ import annotations

import re
import sys
import textwrap

import pytest
from flask import Blueprint
from markupsafe import Markup

from conftest import ROOT, make_app, text_of
from formkit import hookimpl, hookspecs
from formkit.plugins import PluginError, plugin_hooks

FORM_YAML = """\
id: {form_id}
version: 1
title: {{en: {title}, fr: {title} FR}}
sections:
  - id: only
    title: {{en: Only, fr: Seule}}
    fields:
      - id: a
        type: integer
        label: {{en: A, fr: A}}
      - id: b
        type: integer
        label: {{en: B, fr: B}}
"""


def plugin_file(folder, name: str, body: str):
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.py").write_text(textwrap.dedent(body), encoding="utf-8")


@pytest.fixture
def entry_point_package(tmp_path, monkeypatch):
    """A real installed distribution (a .dist-info on sys.path) with a formkit entry point."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "fk_sample_plugin.py").write_text(textwrap.dedent("""\
        from formkit import hookimpl

        @hookimpl
        def formkit_forms(app):
            return [{"id": "from_entry_point", "version": 1,
                     "title": {"en": "EP", "fr": "PE"},
                     "sections": [{"id": "s", "title": {"en": "S", "fr": "S"},
                                   "fields": [{"id": "x", "type": "text",
                                               "label": {"en": "X", "fr": "X"}}]}]}]
    """))
    info = site / "fk_sample_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fk-sample-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[formkit]\nsample = fk_sample_plugin\n")
    monkeypatch.syspath_prepend(str(site))
    yield "sample"
    sys.modules.pop("fk_sample_plugin", None)


def test_discovery_order_builtins_entry_points_then_directory(tmp_path, entry_point_package):
    plugins = tmp_path / "plugins"
    plugin_file(plugins, "local", """\
        from formkit import hookimpl

        @hookimpl
        def formkit_score(form, answers):
            return None
    """)
    app = make_app(tmp_path, PLUGINS_DIR=str(plugins))
    names = [name for name, _hooks in plugin_hooks(app.extensions["formkit"].registry.pm)]
    assert names == ["formkit.builtins.field_types", "formkit.builtins.yaml_forms",
                     "formkit.builtins.scoring", "formkit.builtins.exporters",
                     "formkit.teams.panels", "formkit.teams.cycle_space",
                     "formkit.teams.carry_over", "formkit.teams.peers", "sample",
                     "local"]
    forms = app.extensions["formkit"].registry.forms
    assert forms["from_entry_point"].plugin == "sample"
    assert forms["all_types"].plugin == "formkit.builtins.yaml_forms"


def test_blocked_plugins_are_not_loaded(tmp_path, entry_point_package):
    plugins = tmp_path / "plugins"
    plugin_file(plugins, "local", "raise RuntimeError('never imported')\n")
    app = make_app(tmp_path, PLUGINS_DIR=str(plugins), BLOCKED_PLUGINS=["sample", "local"])
    assert "from_entry_point" not in app.extensions["formkit"].registry.forms


def test_duplicate_form_id_names_both_plugins(tmp_path):
    plugins = tmp_path / "plugins"
    (tmp_path / "dup.yaml").write_text(FORM_YAML.format(form_id="all_types", title="Dup"))
    plugin_file(plugins, "copycat", f"""\
        from formkit import hookimpl

        @hookimpl
        def formkit_forms():
            return [{str(tmp_path / "dup.yaml")!r}]
    """)
    with pytest.raises(PluginError) as info:
        make_app(tmp_path, PLUGINS_DIR=str(plugins))
    message = str(info.value)
    assert "form id 'all_types'" in message
    assert "'formkit.builtins.yaml_forms'" in message and "'copycat'" in message


def test_duplicate_field_type_names_both_plugins(tmp_path):
    plugins = tmp_path / "plugins"
    plugin_file(plugins, "mytypes", """\
        from formkit import hookimpl
        from formkit.fields.text import ShortText

        class Another(ShortText):
            name = "text"

        @hookimpl
        def formkit_field_types():
            return [Another]
    """)
    # pluggy's order: the plugin registered last is called first
    with pytest.raises(PluginError, match=r"field type 'text' is contributed by both plugin "
                       r"'mytypes' and plugin 'formkit.builtins.field_types'"):
        make_app(tmp_path, PLUGINS_DIR=str(plugins))


def test_a_plugin_field_type_works_like_a_builtin(tmp_path):
    plugins = tmp_path / "plugins"
    plugin_file(plugins, "stars", """\
        from formkit import hookimpl
        from formkit.fields.scale import Scale

        class Stars(Scale):
            name = "stars"

            def display(self, spec, value, locale):
                return "★" * value

        @hookimpl
        def formkit_field_types():
            return [Stars]
    """)
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "f.yaml").write_text(FORM_YAML.format(form_id="starry", title="S").replace(
        "type: integer\n        label: {en: A, fr: A}", "type: stars\n        points: 3\n"
        "        label: {en: A, fr: A}"))
    app = make_app(tmp_path, PLUGINS_DIR=str(plugins), FORMS_DIR=str(forms))
    form = app.extensions["formkit"].registry.forms["starry"]
    assert form.field("a").kind.display(form.field("a"), 3, "en") == "★★★"


def test_unknown_hook_name_fails_loudly(tmp_path):
    plugins = tmp_path / "plugins"
    plugin_file(plugins, "typo", """\
        from formkit import hookimpl

        @hookimpl
        def formkit_scroe(form):
            return 1
    """)
    with pytest.raises(PluginError) as caught:
        make_app(tmp_path, PLUGINS_DIR=str(plugins))
    assert str(caught.value).startswith(f"{plugins / 'typo.py'}:3: plugin 'typo' implements "
                                        "formkit_scroe, which is not a formkit hook")
    assert "did you mean 'formkit_score'?" in str(caught.value)


def test_broken_plugin_file_names_the_file(tmp_path):
    plugins = tmp_path / "plugins"
    plugin_file(plugins, "broken", "import nothing_here_at_all\n")
    with pytest.raises(PluginError, match=r"broken\.py: failed to import"):
        make_app(tmp_path, PLUGINS_DIR=str(plugins))


class SumPlugin:
    """An inline plugin exercising the runtime hooks on form ``all_types``."""

    def __init__(self):
        self.saved = []

    @hookimpl
    def formkit_prefill(self, form, args):
        if form.id == "all_types" and args.get("name"):
            return {"name": args["name"], "notes": "carried over"}
        return None

    @hookimpl
    def formkit_validate(self, form, section, answers):
        if form.id == "all_types" and section.id == "details" and answers.get("age") == 99:
            return {"age": ["Ninety-nine is reserved."]}
        return None

    @hookimpl
    def formkit_score(self, form, answers, locale):
        if form.id != "all_types":
            return None
        return {"total": answers.get("age", 0) + len(answers.get("topics", [])),
                "locale": locale}

    @hookimpl
    def formkit_result_html(self, form, response):
        return Markup("<p class='total'>Total: {}</p>").format(response.score["total"])

    @hookimpl
    def formkit_response_saved(self, form, response, event):
        self.saved.append((event, response.id))


def test_runtime_hooks(app, browser, store):
    plugin = SumPlugin()
    app.extensions["formkit"].registry.pm.register(plugin, name="sum")
    page = browser.follow(browser.get("/f/all_types/?name=Prefilled"))
    assert 'value="Prefilled"' in page.text
    assert list(store.iter_responses("all_types")) == []  # opening a link stores nothing

    from test_flow import PAGE, PAGE0, PAGE1, PAGE2

    browser.follow(browser.post(PAGE.format(0), PAGE0))
    [draft] = list(store.iter_responses("all_types"))
    assert draft.answers["notes"] == "carried over"  # a later page's prefill is kept
    refused = browser.post(PAGE.format(1), {**PAGE1, "q_age": "99"})
    assert refused.status_code == 422 and "Ninety-nine is reserved." in text_of(refused)
    browser.follow(browser.post(PAGE.format(1), PAGE1))
    done = browser.follow(browser.post(PAGE.format(2), PAGE2, action="submit"))
    assert "Total: 42" in text_of(done)
    [record] = list(store.iter_responses("all_types"))
    assert record.score == {"total": 42, "locale": "en"}
    assert plugin.saved == [("submitted", record.id)]


def test_blueprint_hook_adds_routes(tmp_path):
    plugins = tmp_path / "plugins"
    plugin_file(plugins, "routes", """\
        from flask import Blueprint
        from formkit import hookimpl

        bp = Blueprint("extra", __name__)

        @bp.get("/extra/hello")
        def hello():
            return "hello from a plugin"

        @hookimpl
        def formkit_blueprints(app):
            return [bp]
    """)
    app = make_app(tmp_path, PLUGINS_DIR=str(plugins))
    assert app.test_client().get("/extra/hello").text == "hello from a plugin"
    assert isinstance(app.blueprints["extra"], Blueprint)


def test_every_hook_is_documented():
    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    hooks = [name for name in dir(hookspecs) if name.startswith("formkit_")]
    assert len(hooks) >= 8
    for name in hooks:
        assert re.search(rf"^#+ `?{name}", docs, re.M), f"{name} is missing from docs/plugins.md"

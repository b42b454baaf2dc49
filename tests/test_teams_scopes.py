"""Form scopes (public, team, member), the site's cycle configuration and which forms
stay open to the public, anonymous flow."""

from __future__ import annotations

import pytest

from conftest import ROOT, make_app
from formkit.plugins import PluginError
from formkit.schema import FormLoadError, parse_form

SEED = {"FORMS_DIR": str(ROOT / "forms"), "PLUGINS_DIR": str(ROOT / "plugins")}
MINIMAL = {"id": "f", "version": 1, "title": {"en": "F", "fr": "F"},
           "sections": [{"id": "s", "title": {"en": "S", "fr": "S"},
                         "fields": [{"id": "a", "type": "text",
                                     "label": {"en": "A", "fr": "A"}}]}]}


def test_scope_defaults_to_public_and_is_checked(seed_app):
    types = seed_app.extensions["formkit"].registry.field_types
    assert parse_form(MINIMAL, "x.yaml", types).scope == "public"
    assert parse_form({**MINIMAL, "scope": "team"}, "x.yaml", types).scope == "team"
    with pytest.raises(FormLoadError) as error:
        parse_form({**MINIMAL, "scope": "teams"}, "x.yaml", types)
    assert "'scope' must be one of public, team, member" in str(error.value)
    assert "did you mean 'team'?" in str(error.value)


def test_seed_forms_follow_the_seeds_model(seed_app):
    forms = seed_app.extensions["formkit"].registry.forms
    assert {f.id: f.scope for f in forms.values()} == {
        "wellbeing": "member", "priorities": "team", "workplan": "team",
        "evaluation": "team", "competency": "member", "membership": "public",
        # a team's stories: several per team, outside the cycles (docs/forms/story.md)
        "story": "team"}
    assert seed_app.test_client().get("/f/story/").status_code == 404  # never anonymous
    # The shipped site file: the cycle's forms in order, the seeds still open publicly.
    assert seed_app.config["CYCLE_FORMS"] == ["wellbeing", "priorities", "workplan",
                                              "evaluation", "competency"]
    assert seed_app.config["PUBLIC_FORMS"] == ["wellbeing", "workplan", "evaluation",
                                               "competency"]


def test_team_forms_are_closed_to_the_public_unless_the_site_opens_them(tmp_path, store_url):
    app = make_app(tmp_path, STORE=store_url, CYCLE_FORMS=["workplan", "competency"],
                   PUBLIC_FORMS=["competency"], **SEED)
    client = app.test_client()
    try:
        assert client.get("/f/workplan/").status_code == 404
        assert client.post("/f/workplan/page/0", data={}).status_code in (400, 404)
        assert client.get("/f/competency/").status_code == 200
        assert client.get("/f/membership/").status_code == 200  # scope public: always
        index = client.get("/").text
        assert "/f/competency/" in index and "/f/workplan/" not in index
    finally:
        app.extensions["formkit"].store.close()


def test_a_site_without_teams_keeps_every_form_public(tmp_path):
    client = make_app(tmp_path, SITE_FILE=str(tmp_path / "none.yaml"), **SEED).test_client()
    assert client.get("/f/workplan/").status_code == 200


@pytest.mark.parametrize("site, message", [
    ("cycles:\n  forms: [workplan, nowhere]\n", "cycles: no form 'nowhere'"),
    ("cycles:\n  forms: [membership]\n", "form 'membership' has scope public"),
    ("cycles: [workplan]\n", "'cycles' needs a list of form ids under 'forms'"),
    ("public_forms: yes\n", "public_forms must be a list of form ids, or: all"),
    ("cycles: {forms: [workplan\n", "not valid YAML"),
])
def test_site_file_mistakes_stop_the_start_with_what_to_fix(tmp_path, site, message):
    path = tmp_path / "site.yaml"
    path.write_text(site)
    with pytest.raises(PluginError) as error:
        make_app(tmp_path, SITE_FILE=str(path), **SEED)
    assert message in str(error.value) and str(path) in str(error.value)


def test_the_site_file_in_the_forms_folder_is_read_as_settings_not_as_a_form(tmp_path):
    forms = tmp_path / "forms"
    forms.mkdir()
    for name in ("workplan.yaml", "membership.yaml"):
        (forms / name).write_text((ROOT / "forms" / name).read_text(encoding="utf-8"),
                                  encoding="utf-8")
    (forms / "site.yaml").write_text("cycles:\n  forms: [workplan]\n")
    app = make_app(tmp_path, FORMS_DIR=str(forms), PLUGINS_DIR=str(ROOT / "plugins"))
    assert sorted(app.extensions["formkit"].registry.forms) == ["membership", "workplan"]
    assert app.config["CYCLE_FORMS"] == ["workplan"]



@pytest.mark.parametrize("settings, message", [
    ({"scope": "team", "editors": "lead"}, "'editors' must be one of members, leads"),
    ({"scope": "member", "editors": "leads"}, "'editors' applies to forms of scope team"),
    ({"scope": "member", "team_minimum": 0}, "'team_minimum' must be a whole number from 1"),
    ({"scope": "member", "team_minimum": "two"}, "'team_minimum' must be a whole number"),
    ({"scope": "member", "team_minimum": True}, "'team_minimum' must be a whole number"),
    ({"scope": "team", "team_minimum": 2}, "'team_minimum' applies to forms of scope member"),
])
def test_the_team_settings_of_a_form_are_checked(seed_app, settings, message):
    types = seed_app.extensions["formkit"].registry.field_types
    with pytest.raises(FormLoadError) as error:
        parse_form({**MINIMAL, **settings}, "x.yaml", types)
    assert message in str(error.value)


def test_the_team_settings_are_read_with_their_defaults(seed_app):
    types = seed_app.extensions["formkit"].registry.field_types
    plain = parse_form({**MINIMAL, "scope": "team"}, "x.yaml", types)
    assert (plain.editors, plain.team_minimum) == ("members", None)
    leads = parse_form({**MINIMAL, "scope": "team", "editors": "leads"}, "x.yaml", types)
    member = parse_form({**MINIMAL, "scope": "member", "team_minimum": 2}, "x.yaml", types)
    assert (leads.editors, member.team_minimum) == ("leads", 2)
    forms = seed_app.extensions["formkit"].registry.forms
    assert (forms["priorities"].editors, forms["wellbeing"].team_minimum,
            forms["competency"].team_minimum) == ("leads", 2, None)

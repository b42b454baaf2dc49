"""The documentation stays true: every field example in docs/forms.md loads."""

from __future__ import annotations

import re

import pytest
import yaml

from conftest import ROOT
from formkit.builtins.field_types import formkit_field_types
from formkit.schema import parse_form

TYPES = {cls.name: cls() for cls in formkit_field_types()}
DOC = (ROOT / "docs" / "forms.md").read_text(encoding="utf-8")
FIELD_EXAMPLES = [block for block in re.findall(r"```yaml\n(.*?)```", DOC, re.S)
                  if block.startswith("- id:")]


def test_every_builtin_type_has_an_example():
    documented = {kind for block in FIELD_EXAMPLES
                  for kind in re.findall(r"^- id: \w+\n  type: (\w+)", block, re.M)}
    assert documented == set(TYPES)


@pytest.mark.parametrize("block", FIELD_EXAMPLES, ids=lambda b: b.split("\n")[0])
def test_field_example_loads(block):
    fields = yaml.safe_load(block)
    form = {"id": "doc", "version": 1, "title": {"en": "D", "fr": "D"},
            "sections": [{"id": "s", "title": {"en": "S", "fr": "S"}, "fields": fields}]}
    parsed = parse_form(form, "docs/forms.md", TYPES)
    assert [f.id for f in parsed.fields] == [f["id"] for f in fields]


def test_scoring_example_loads_on_the_test_form():
    [block] = [b for b in re.findall(r"```yaml\n(.*?)```", DOC, re.S) if b.startswith("scoring:")]
    form = yaml.safe_load((ROOT / "tests" / "data" / "scored" / "checkin.yaml").read_text())
    form["scoring"] = yaml.safe_load(block)["scoring"]
    parsed = parse_form(form, "docs/forms.md", TYPES)
    assert [rule.id for rule in parsed.scoring] == ["total", "rested"]


def test_readme_names_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make serve" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()

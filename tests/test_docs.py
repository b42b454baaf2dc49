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


def hook_reference() -> dict[str, str]:
    """Each hook of docs/plugins.md's reference with its signature line."""
    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    reference = docs.split("## Hook reference", 1)[1]
    return dict(re.findall(r"^### (formkit_\w+)\n\n(`formkit_\w+\(.*?\)`.*?)\n\n", reference,
                           re.M | re.S))


def test_the_hook_reference_matches_the_hookspecs_signatures():
    """Every hook of formkit/hookspecs.py, with its arguments and firstresult, and no
    other, is in docs/plugins.md; the message says what to write."""
    import inspect

    from formkit import hookspecs
    from formkit.hookcheck import hook_specs

    documented = hook_reference()
    problems = []
    for name, arguments in hook_specs().items():
        signature = f"`{name}({', '.join(arguments)})`"
        firstresult = getattr(hookspecs, name).formkit_spec.get("firstresult")
        summary = inspect.getdoc(getattr(hookspecs, name)).split("\n\n")[0]
        expected = f"{signature} → …{' **firstresult**.' if firstresult else ''}"
        if name not in documented:
            problems.append(f"add to the hook reference of docs/plugins.md:\n\n### {name}\n\n"
                            f"{expected}\n\n{summary}\n")
            continue
        line = documented[name]
        if not line.startswith(signature):
            problems.append(f"docs/plugins.md, ### {name}: the signature line must start with "
                            f"{signature} (hookspecs.py), not {re.match(r'`[^`]*`', line).group()}")
        if bool(firstresult) != ("**firstresult**" in line):
            problems.append(f"docs/plugins.md, ### {name}: "
                            + ("add **firstresult** after its signature" if firstresult
                               else "it is not firstresult: remove **firstresult**"))
    for name in sorted(set(documented) - set(hook_specs())):
        problems.append(f"docs/plugins.md documents {name}, which hookspecs.py does not declare")
    assert not problems, "\n".join(problems)


def test_one_answer_on_how_a_plugin_translates():
    """The hook reference, its docstring and the tutorial all say: the plugin's catalog."""
    from formkit import hookspecs

    docs = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    validate = docs.split("### formkit_validate", 1)[1].split("###", 1)[0]
    assert "t.gettext" in validate and "flask_babel" not in validate
    assert "t.gettext" in hookspecs.formkit_validate.__doc__
    for source in (ROOT / "formkit" / "hookspecs.py", ROOT / "formkit" / "scaffold"):
        texts = [source.read_text()] if source.is_file() else [
            p.read_text() for p in source.rglob("*.tmpl")]
        assert not any("flask_babel.gettext" in text or "pybabel" in text for text in texts)

"""A plugin author's translations with one command, from the scaffold: `formkit i18n
extract|update|check` sees the Python code and the templates (``t.gettext`` included),
update keeps template strings, and ``Catalog.missing`` lists what a page shows in English."""

from __future__ import annotations

import importlib.util
import sys

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

from formkit.catalog import Catalog
from formkit.cli import main


@pytest.fixture
def plugin(tmp_path):
    result = CliRunner().invoke(main, ["new-plugin", "visits", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    root = tmp_path / "formkit-visits"
    package = root / "src" / "formkit_visits"
    return {"root": root, "package": package,
            "po": package / "locales" / "fr" / "LC_MESSAGES" / "formkit_visits.po"}


def i18n(*args):
    return CliRunner().invoke(main, ["i18n", *map(str, args)])


def entries(po):
    with po.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    return {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}, catalog


def load_catalog(package) -> Catalog:
    spec = importlib.util.spec_from_file_location("formkit_visits_copy",
                                                  package / "__init__.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules.pop("formkit_visits_copy", None)
    return module.t


def test_the_scaffold_is_complete_and_extract_sees_code_and_templates(plugin):
    result = i18n("check", plugin["root"])
    assert result.exit_code == 0 and "ok" in result.output
    result = i18n("extract", plugin["root"])
    assert result.exit_code == 0, result.output
    [pot] = plugin["package"].glob("locales/*.pot")
    found, _ = entries(pot)
    assert "Tell us how many hours you give each week." in found        # Python
    assert "About this form" in found                                   # t.gettext in a template
    assert "You give %(num)d hour a week." in found                     # t.ngettext in a template


def test_update_adds_new_strings_keeps_template_ones_and_check_lists_them(plugin):
    template = plugin["package"] / "templates" / "formkit_visits" / "about.html"
    template.write_text(template.read_text() + '{{ t.gettext("New line of a template") }}\n')
    code = plugin["package"] / "__init__.py"
    code.write_text(code.read_text() + '\n\nHELLO = t.lazy_gettext("New word of the code")\n')
    t = load_catalog(plugin["package"])
    # before update: what a page would show in English is already reported
    assert t.missing("fr") == ["New line of a template", "New word of the code"]
    result = i18n("check", plugin["root"])
    assert result.exit_code == 1 and "New line of a template" in result.output

    result = i18n("update", plugin["root"])
    assert result.exit_code == 0 and "2 message(s) to translate" in result.output
    found, catalog = entries(plugin["po"])
    assert found["New line of a template"].string == ""
    assert found["About this form"].string == "À propos de ce formulaire"  # kept, not obsolete
    assert not catalog.obsolete
    assert i18n("check", plugin["root"]).exit_code == 1

    text = plugin["po"].read_text(encoding="utf-8")
    for english, french in (("New line of a template", "Nouvelle ligne d’un gabarit"),
                            ("New word of the code", "Nouveau mot du code")):
        text = text.replace(f'msgid "{english}"\nmsgstr ""',
                            f'msgid "{english}"\nmsgstr "{french}"')
    plugin["po"].write_text(text, encoding="utf-8")
    assert i18n("check", plugin["root"]).exit_code == 0
    assert load_catalog(plugin["package"]).missing("fr") == []


def test_a_folder_without_a_catalog_says_what_to_create(tmp_path):
    result = i18n("check", tmp_path)
    assert result.exit_code != 0 and "locales/fr/LC_MESSAGES/<domain>.po" in result.output


def test_only_the_first_argument_of_gettext_is_a_message(tmp_path):
    """A string among a placeholder's values (``x=", ".join(names)``) is no message: it
    once turned the call into a plural with ", " as its plural form."""
    from formkit.translating.extract import extract_file

    source = tmp_path / "plugin.py"
    source.write_text('t.gettext("Changed: %(fields)s", fields=", ".join(names))\n'
                      't.ngettext("%(num)d row", "%(num)d rows", n, num=n)\n')
    template = tmp_path / "page.html"
    template.write_text('{{ t.gettext("Areas: %(list)s", list=", ".join(areas)) }}\n')
    found = [message for path in (source, template) for _line, message in extract_file(path)]
    assert found == ["Changed: %(fields)s", ("%(num)d row", "%(num)d rows"),
                     "Areas: %(list)s"]

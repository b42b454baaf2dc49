"""Both languages, always: every interface string has a French translation."""

from __future__ import annotations

import re

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from conftest import ROOT
from formkit.translating import find_catalogs, missing
from formkit.translating import source_messages as plugin_messages

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "N_": None}
#: the core's sources; the seed plugins have their own domains (plugins/locales/)
METHODS = [("formkit/**.py", "python"),
           ("formkit/templates/**.html", "jinja2"), ("formkit/templates/**.css", "jinja2"),
           ("formkit/templates/**.txt", "jinja2")]


def source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=METHODS, keywords={**KEYWORDS},
        options_map={"**.html": {"extensions": "jinja2.ext.i18n"},
                     "**.css": {"extensions": "jinja2.ext.i18n"},
                     "**.txt": {"extensions": "jinja2.ext.i18n"}},
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalog():
    with open(ROOT / "locales" / "fr" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale="fr")


def test_every_interface_string_is_translated_to_french():
    translations = {}
    for message in catalog():
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        translations[key] = (all(strings), message.fuzzy)
    messages = source_messages()
    assert len(messages) > 50
    missing = sorted(m for m in messages if m not in translations)
    untranslated = sorted(m for m in messages if m in translations and not translations[m][0])
    fuzzy = sorted(m for m in messages if m in translations and translations[m][1])
    assert not missing, f"not in the French catalog (run `make extract`): {missing}"
    assert not untranslated, f"no French translation: {untranslated}"
    assert not fuzzy, f"fuzzy French translations: {fuzzy}"


def plugin_catalogs():
    return find_catalogs(ROOT / "plugins")


def test_each_seed_plugin_has_its_own_domain_fully_translated():
    assert [c.domain for c in plugin_catalogs()] == [
        "competency", "evaluation", "membership", "wellbeing", "workplan"]
    for plugin in plugin_catalogs():
        assert plugin_messages(plugin), plugin.domain
        assert missing(plugin, "fr") == [], f"{plugin.po('fr')}: run `formkit i18n update " \
            "plugins` and translate"


def test_no_plugin_uses_the_core_catalog():
    """Seed plugins translate with their own catalog (``t``), as plugins are told to."""
    for path in (ROOT / "plugins").rglob("*"):
        if path.suffix in (".py", ".html", ".txt"):
            text = path.read_text(encoding="utf-8")
            assert "flask_babel" not in text, path
            assert not re.search(r"(?<![\w.])(_|ngettext|gettext)\(", text), path


def test_french_typography_in_the_catalog():
    entries = list(catalog())
    for plugin in plugin_catalogs():
        with plugin.po("fr").open("rb") as fh:
            entries += list(read_po(fh, locale="fr"))
    for message in entries:
        for text in (message.string if isinstance(message.string, tuple) else (message.string,)):
            assert " :" not in text, f"use a non-breaking space before ':' in {text!r}"
            assert "'" not in text, f"use the typographic apostrophe in {text!r}"


def test_translated_page(client):
    page = client.get("/resume?lang=fr").text
    assert "Reprendre une réponse enregistrée" in page and "Code de reprise" in page

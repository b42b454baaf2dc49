"""A plugin's own translation domain (formkit.api.Catalog), read from its .po files."""

from __future__ import annotations

import textwrap

from conftest import make_app
from formkit.api import Catalog

PO = textwrap.dedent('''\
    msgid ""
    msgstr ""
    "Language: fr\\n"
    "Content-Type: text/plain; charset=utf-8\\n"
    "Plural-Forms: nplurals=2; plural=(n > 1);\\n"

    msgid "Hours"
    msgstr "Heures"

    msgid "%(num)d visit"
    msgid_plural "%(num)d visits"
    msgstr[0] "%(num)d visite"
    msgstr[1] "%(num)d visites"

    msgid "Hello %(name)s"
    msgstr "Bonjour %(name)s"

    #, fuzzy
    msgid "Goodbye"
    msgstr "Au revoir peut-être"

    msgid "Not yet"
    msgstr ""
''')


def catalog(tmp_path) -> Catalog:
    folder = tmp_path / "locales" / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "formkit_example.po").write_text(PO, encoding="utf-8")
    return Catalog(tmp_path / "locales", "formkit_example")


def test_messages_follow_the_request_language(tmp_path):
    t = catalog(tmp_path)
    label = t.lazy_gettext("Hours")
    app = make_app(tmp_path)
    with app.test_request_context("/?lang=fr"):
        assert t.gettext("Hours") == "Heures" and str(label) == "Heures"
        assert t.gettext("Hello %(name)s", name="Zoë") == "Bonjour Zoë"
        assert [t.ngettext("%(num)d visit", "%(num)d visits", n) for n in (1, 2)] == [
            "1 visite", "2 visites"]
        assert t.gettext("Goodbye") == "Goodbye"  # fuzzy: not trusted, as msgfmt does
    with app.test_request_context("/?lang=en"):
        assert t.gettext("Hours") == "Hours" and str(label) == "Hours"
        assert t.ngettext("%(num)d visit", "%(num)d visits", 2) == "2 visits"


def test_missing_lists_untranslated_and_fuzzy_messages(tmp_path):
    assert catalog(tmp_path).missing("fr") == ["Goodbye", "Not yet"]
    assert Catalog(tmp_path / "nowhere", "x").missing("fr")[0].startswith("no catalog")

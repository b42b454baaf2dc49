"""A plugin's own translations (its own gettext domain), so a plugin package ships its
interface strings without touching formkit's catalog.

::

    from formkit.api import Catalog

    t = Catalog(Path(__file__).parent / "locales", "formkit_visits")

    t.gettext("%(num)d visits", num=3)          # in the current request's language
    t.lazy_gettext("Hours")                     # for module-level constants

The catalog is the plugin's ``locales/<lang>/LC_MESSAGES/<domain>.po`` files, read with
Babel and compiled in memory on first use: nothing to compile when building the
package. ``formkit i18n update PATH`` adds new strings of the plugin's code and templates
to its ``.po`` files, ``formkit i18n check PATH`` lists what is untranslated.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import render_template
from flask_babel import LazyString

from formkit.i18n import current_locale
from formkit.translating import PluginCatalog, missing


class Catalog:
    """The translations of one plugin domain, per language, in the current locale."""

    #: every catalog made, by domain: templates the core renders for a plugin (its
    #: emails) reach theirs with ``catalog("<domain>")``
    _by_domain: dict[str, Catalog] = {}

    def __init__(self, directory: str | Path, domain: str):
        self.directory = Path(directory)
        self.domain = domain
        self._loaded: dict[str, NullTranslations] = {}
        Catalog._by_domain[domain] = self

    @classmethod
    def named(cls, domain: str) -> Catalog:
        """The catalog of ``domain`` (the Jinja global ``catalog``)."""
        try:
            return cls._by_domain[domain]
        except KeyError:
            raise LookupError(f"no plugin catalog named {domain!r} (known: "
                              f"{', '.join(sorted(cls._by_domain)) or 'none'})") from None

    def render_template(self, name: str, **context) -> str:
        """Flask's ``render_template`` with this catalog as ``t`` in the template."""
        return render_template(name, t=self, **context)

    def path(self, language: str) -> Path:
        return self.directory / language / "LC_MESSAGES" / f"{self.domain}.po"

    def translations(self, language: str) -> NullTranslations:
        """The compiled catalog of ``language`` (English, or a missing file: the
        messages as written)."""
        language = language.split("_")[0]
        if language not in self._loaded:
            po = self.path(language)
            if po.is_file():
                with po.open("rb") as handle:
                    catalog = read_po(handle, locale=language, domain=self.domain)
                buffer = io.BytesIO()
                write_mo(buffer, catalog)  # fuzzy entries are left out, as msgfmt does
                buffer.seek(0)
                self._loaded[language] = Translations(buffer, domain=self.domain)
            else:
                self._loaded[language] = NullTranslations()
        return self._loaded[language]

    def gettext(self, message: str, **variables) -> str:
        text = self.translations(current_locale()).gettext(message)
        return text % variables if variables else text

    def ngettext(self, singular: str, plural: str, num: int, **variables) -> str:
        text = self.translations(current_locale()).ngettext(singular, plural, num)
        return text % {"num": num, **variables}

    def lazy_gettext(self, message: str, **variables) -> LazyString:
        """Translated when used, in the language of the request using it."""
        return LazyString(self.gettext, message, **variables)

    def missing(self, language: str = "fr") -> list[str]:
        """What a page would show untranslated in ``language``: messages the plugin's
        code and templates use (``t.gettext`` and friends, found as ``formkit i18n
        check`` finds them) that the ``.po`` lacks, leaves empty or marks fuzzy."""
        if not self.path(language).is_file():
            return [f"no catalog {self.path(language)}"]
        return missing(PluginCatalog(self.directory, self.domain), language)

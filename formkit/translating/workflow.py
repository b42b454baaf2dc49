"""Extract a plugin's messages into a template, update its ``.po`` files, and list what
is untranslated."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog as BabelCatalog
from babel.messages.pofile import read_po, write_po

from formkit.translating.extract import PluginCatalog, source_messages


def template_catalog(catalog: PluginCatalog) -> BabelCatalog:
    """The domain's messages as a ``.pot`` template, each with where it is used."""
    template = BabelCatalog(domain=catalog.domain, project=catalog.domain)
    home = catalog.locales.parent
    for message, places in source_messages(catalog).items():
        locations = [(_relative(path, home), line) for path, line in places]
        template.add(message, None, locations=locations)
    return template


def _relative(path: Path, home: Path) -> str:
    try:
        return str(path.relative_to(home))
    except ValueError:
        return str(path)


def _read(po: Path, language: str, domain: str) -> BabelCatalog:
    with po.open("rb") as handle:
        return read_po(handle, locale=language, domain=domain)


def update(catalog: PluginCatalog, languages: list[str] | None = None) -> dict[str, int]:
    """Bring each ``.po`` of the domain up to date with its sources (new messages added
    untranslated, messages no longer used kept as obsolete); returns how many messages
    of each language are still untranslated."""
    template = template_catalog(catalog)
    result = {}
    for language in languages or catalog.languages() or ["fr"]:
        po = catalog.po(language)
        if po.is_file():
            current = _read(po, language, catalog.domain)
        else:
            po.parent.mkdir(parents=True, exist_ok=True)
            current = BabelCatalog(locale=language, domain=catalog.domain,
                                   project=catalog.domain)
        current.update(template, no_fuzzy_matching=True, update_header_comment=False)
        with po.open("wb") as handle:
            write_po(handle, current, width=100, sort_output=False)
        result[language] = len(missing(catalog, language))
    return result


def missing(catalog: PluginCatalog, language: str = "fr") -> list[str]:
    """What a page would show untranslated in ``language``: messages the sources use
    that the ``.po`` lacks, leaves empty or marks fuzzy (fuzzy ones are not used)."""
    po = catalog.po(language)
    translated, untranslated = set(), set()
    if po.is_file():
        for message in _read(po, language, catalog.domain):
            if not message.id:
                continue
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            (translated if not message.fuzzy and all(strings) else untranslated).add(key)
    used = {m[0] if isinstance(m, tuple) else m for m in source_messages(catalog)}
    # an empty entry counts too: a message built at run time is in the .po only
    return sorted((used - translated) | untranslated)

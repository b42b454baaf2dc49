"""``formkit i18n extract|update|check [PATH]``: a plugin's translations in one command."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from babel.messages.pofile import write_po

from formkit.translating.extract import PluginCatalog, find_catalogs
from formkit.translating.workflow import missing, template_catalog, update

PATH = click.argument("path", default=".", type=click.Path(exists=True, file_okay=False,
                                                          path_type=Path))


def _catalogs(path: Path) -> list[PluginCatalog]:
    found = find_catalogs(path)
    if not found:
        raise click.ClickException(
            f"no plugin catalog under {path}: a plugin keeps its French in "
            "locales/fr/LC_MESSAGES/<domain>.po beside its code (`formkit new-plugin` makes "
            "one); create that file (it may hold only the header), then run "
            "`formkit i18n update`")
    return found


@click.group("i18n")
def i18n() -> None:
    """A plugin's own translations: its Python code and templates, its .po files."""


@i18n.command("extract")
@PATH
def extract_command(path: Path) -> None:
    """Write each domain's messages to <locales>/<domain>.pot (a template for tools)."""
    for catalog in _catalogs(path):
        target = catalog.locales / f"{catalog.domain}.pot"
        template = template_catalog(catalog)
        with target.open("wb") as handle:
            write_po(handle, template, width=100)
        click.echo(f"{target}: {len(template)} message(s)")


@i18n.command("update")
@PATH
@click.option("--language", "languages", multiple=True,
              help="Add this language's catalog too (default: the existing ones, or fr).")
def update_command(path: Path, languages: tuple[str, ...]) -> None:
    """Add new messages of the code and templates to each .po (untranslated), keep the
    translations, and mark messages no longer used as obsolete."""
    for catalog in _catalogs(path):
        wanted = sorted({*catalog.languages(), *languages}) or None
        for language, count in update(catalog, wanted).items():
            click.echo(f"{catalog.po(language)}: {count} message(s) to translate")


@i18n.command("check")
@PATH
def check_command(path: Path) -> None:
    """List what a page would show untranslated; exit 1 if anything is."""
    problems = 0
    for catalog in _catalogs(path):
        for language in catalog.languages():
            for message in missing(catalog, language):
                problems += 1
                click.echo(f"{catalog.po(language)}: untranslated: {message!r}", err=True)
    if problems:
        click.echo(f"{problems} message(s) to translate (`formkit i18n update`, then fill "
                   "the empty msgstr)", err=True)
        sys.exit(1)
    click.echo("ok: every message is translated")

"""``formkit`` commands for form and plugin authors: new-form, new-plugin, preview,
import-xlsform, export-xlsform."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import click
from flask.cli import with_appcontext

from formkit.scaffold import ScaffoldError, new_form, new_plugin


def _forms_dir() -> Path:
    return Path(os.environ.get("FORMKIT_FORMS_DIR", "forms"))


@click.command("new-form")
@click.argument("name")
@click.option("--title", "title_en", default="", help="The English title.")
@click.option("--titre", "title_fr", default="", help="The French title.")
@click.option("--dir", "forms_dir", type=click.Path(file_okay=False, path_type=Path),
              default=_forms_dir, show_default="forms (FORMKIT_FORMS_DIR)")
def new_form_command(name: str, title_en: str, title_fr: str, forms_dir: Path) -> None:
    """Write forms/NAME.yaml: a bilingual form with every question type, explained."""
    try:
        path = new_form(name, forms_dir, title_en, title_fr)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"wrote {path}\n"
               f"next: edit it, see it with `formkit preview {path}`, "
               "check it with `formkit check`")


@click.command("new-plugin")
@click.argument("name")
@click.option("--title", "title_en", default="", help="The English title of its form.")
@click.option("--titre", "title_fr", default="", help="The French title of its form.")
@click.option("--dir", "destination", type=click.Path(file_okay=False, path_type=Path),
              default=Path("."), show_default="the current folder")
def new_plugin_command(name: str, title_en: str, title_fr: str, destination: Path) -> None:
    """Write formkit-NAME/: an installable plugin package with a form, hooks, a French
    catalog and its own tests."""
    try:
        root = new_plugin(name, destination, title_en, title_fr)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"wrote {root}\nnext: cd {root} && pip install -e '.[test]' && pytest")


@click.command("preview")
@click.argument("form_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5001, type=int, show_default=True)
def preview_command(form_file: Path, host: str, port: int) -> None:
    """Serve one form file as respondents will see it, reloading when the file changes.
    Answers go to a temporary store, deleted when the preview stops."""
    from formkit.preview import preview_app

    # The reloader runs this command again in a child process: both use one folder.
    folder = os.environ.get("FORMKIT_PREVIEW_INSTANCE")
    if not folder:
        folder = tempfile.mkdtemp(prefix="formkit-preview-")
        os.environ["FORMKIT_PREVIEW_INSTANCE"] = folder
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    app = preview_app(form_file, Path(folder))
    if not os.environ.get("WERKZEUG_RUN_MAIN"):
        click.echo(f"previewing {form_file} at http://{host}:{port}/ (Ctrl+C stops)")
    from werkzeug.serving import run_simple

    run_simple(host, port, app, use_reloader=True, extra_files=[str(form_file.resolve())])


@click.command("import-xlsform")
@click.argument("xlsx", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--id", "form_id", default=None, help="The form id (default: settings form_id).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the YAML (default: forms/<id>.yaml).")
@click.option("--force", is_flag=True, help="Replace an existing file.")
def import_xlsform_command(xlsx: Path, form_id: str | None, out: Path | None,
                           force: bool) -> None:
    """Convert an XLSForm (ODK, KoboToolbox) into a formkit YAML form. What cannot be
    carried over is listed, row by row, here and at the top of the file. The file is
    written only once it loads as a valid form: a failed import leaves nothing behind."""
    import yaml

    from formkit.xlsform import XLSFormError, import_xlsform

    try:
        form, report = import_xlsform(xlsx, form_id)
    except XLSFormError as exc:
        raise click.ClickException(str(exc)) from exc
    out = out or _forms_dir() / f"{form['id']}.yaml"
    if out.exists() and not force:
        raise click.ClickException(f"{out} already exists; use --force to replace it")
    header = [f"# Imported from {xlsx.name} by `formkit import-xlsform`."]
    if report:
        header.append("# Not carried over (fix by hand, then delete these lines):")
        header += [f"#   {line}" for line in report]
    body = yaml.safe_dump(form, allow_unicode=True, sort_keys=False, width=100)
    for line in report:
        click.echo(line)
    _write_checked_form(out, "\n".join(header) + "\n" + body)
    click.echo(f"wrote {out}: {sum(len(s['fields']) for s in form['sections'])} question(s) "
               f"on {len(form['sections'])} page(s); {len(report)} item(s) to review")


def _write_checked_form(out: Path, text: str) -> None:
    """Write ``text`` to ``out`` only if it loads as a valid form: it is written to a
    hidden temporary file beside ``out`` (which no forms folder scan reads), loaded
    from there exactly as the server will, then renamed over ``out`` in one step."""
    from formkit.builtins.field_types import formkit_field_types
    from formkit.schema import FormLoadError, load_form

    created = not out.parent.exists()
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    draft = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as fh:
            fh.write(text)
        load_form(draft, {cls.name: cls() for cls in formkit_field_types()})
        os.replace(draft, out)
    except FormLoadError as exc:
        for error in exc.errors:
            click.echo(str(error).replace(str(draft), str(out)), err=True)
        raise click.ClickException(f"the imported form needs the fixes above; nothing was "
                                   f"written to {out}") from exc
    finally:
        draft.unlink(missing_ok=True)
        if created and not any(out.parent.iterdir()):
            out.parent.rmdir()


@click.command("export-xlsform")
@click.argument("form")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the .xlsx (default: <form id>.xlsx).")
@with_appcontext
def export_xlsform_command(form: str, out: Path | None) -> None:
    """Write a form (an id, or a YAML file) as an XLSForm for KoboToolbox or ODK."""
    from formkit.schema import FormLoadError, load_form
    from formkit.state import current_registry
    from formkit.xlsform import export_xlsform

    registry = current_registry()
    if Path(form).is_file():
        try:
            loaded = load_form(form, registry.field_types)
        except FormLoadError as exc:
            raise click.ClickException(str(exc)) from exc
    else:
        loaded = registry.get_form(form)
        if loaded is None:
            raise click.ClickException(f"no form '{form}' (formkit forms lists them)")
    out = out or Path(f"{loaded.id}.xlsx")
    for line in export_xlsform(loaded, out):
        click.echo(line)
    click.echo(f"wrote {out}")


COMMANDS = (new_form_command, new_plugin_command, preview_command, import_xlsform_command,
            export_xlsform_command)

"""``formkit`` commands for form and plugin authors: new-form, new-plugin, preview,
import-xlsform, export-xlsform."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import click

from formkit.scaffold import ScaffoldError, new_form


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


COMMANDS = (new_form_command, preview_command)

"""Forms declared as YAML files in the forms directory (``FORMKIT_FORMS_DIR``), or only
the files listed in ``FORM_FILES`` (``formkit preview`` shows one file this way)."""

from pathlib import Path

from formkit import hookimpl


@hookimpl
def formkit_forms(app):
    if app.config.get("FORM_FILES"):
        return [Path(path) for path in app.config["FORM_FILES"]]
    folder = Path(app.config["FORMS_DIR"])
    return sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")) if folder.is_dir() else []

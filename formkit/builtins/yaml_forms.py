"""Forms declared as YAML files in the forms directory (``FORMKIT_FORMS_DIR``)."""

from pathlib import Path

from formkit import hookimpl


@hookimpl
def formkit_forms(app):
    folder = Path(app.config["FORMS_DIR"])
    return sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")) if folder.is_dir() else []

"""Forms declared as YAML files in the forms directory (``FORMKIT_FORMS_DIR``), or only
the files listed in ``FORM_FILES`` (``formkit preview`` shows one file this way)."""

from pathlib import Path

from formkit import hookimpl
from formkit.config import SITE_FILE_NAME


@hookimpl
def formkit_forms(app):
    if app.config.get("FORM_FILES"):
        return [Path(path) for path in app.config["FORM_FILES"]]
    folder = Path(app.config["FORMS_DIR"])
    if not folder.is_dir():
        return []
    # the site's settings file sits beside the forms; it is not a form
    return [path for path in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
            if path.name != SITE_FILE_NAME]

"""``formkit preview FILE``: one form file served as respondents will see it, with a
throw-away store, before it is deployed. Mistakes in the file are shown in the browser
(with their line and a suggestion) instead of stopping the server."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, render_template

from formkit.app import create_app
from formkit.state import current_registry


def preview_app(form_file: Path, instance: Path, **config) -> Flask:
    """An application serving only ``form_file`` (with the site's plugins), storing its
    answers under ``instance``."""
    settings = {
        "INSTANCE_PATH": str(instance),
        "FORM_FILES": [str(Path(form_file).resolve())],
        "STRICT_LOADING": False,
        "PREVIEW_OF": str(form_file),
        # the one form, answered publicly whatever its scope; no site's team settings
        "CYCLE_FORMS": [],
        "PUBLIC_FORMS": "all",
        **config,
    }
    app = create_app(settings)

    @app.before_request
    def _show_problems():
        problems = current_registry().problems
        if problems:
            return render_template("preview_problems.html", problems=problems)
        return None

    return app

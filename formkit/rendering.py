"""Rendering one field with its type's template (the page template calls this)."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template
from markupsafe import Markup

from formkit.schema import FieldSpec
from formkit.state import state


def render_field(spec: FieldSpec, wtform: Any, errors: dict[str, list[str]],
                 states: dict[str, str], conditions: dict[str, str]) -> Markup:
    field = wtform[spec.name] if spec.stores_value and spec.name in wtform else None
    if field is not None:
        spec.kind.prepare_display(spec, field)
    return Markup(render_template(
        spec.kind.template,
        spec=spec,
        field=field,
        errors=errors.get(spec.id, []),
        live=states.get(spec.id) == "live",
        condition=conditions.get(spec.id),
        settings=state().settings,
    ))


def init_app(app: Flask) -> None:
    # Compact HTML for slow connections: block tags leave no blank lines behind.
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals["render_field"] = render_field

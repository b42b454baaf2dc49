"""Rendering one field with its type's template (the page template calls this)."""

from __future__ import annotations

import datetime
from typing import Any

from flask import Flask, render_template
from flask_babel import format_date, format_datetime, format_number
from markupsafe import Markup

from formkit.catalog import Catalog
from formkit.i18n import current_locale
from formkit.schema import FieldSpec
from formkit.state import state


def render_field(spec: FieldSpec, wtform: Any, errors: dict[str, list[str]],
                 states: dict[str, str], conditions: dict[str, str],
                 applies: dict[str, str] | None = None) -> Markup:
    """One field with its type's template; ``applies``: for a question shown or hidden by
    an answer on the same page, when it applies in words (read without script too)."""
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
        applies=(applies or {}).get(spec.id),
        settings=state().settings,
    ))


def error_links(spec: FieldSpec, wtform: Any, messages: list[str]) -> list[tuple[str, str]]:
    """The error summary's entries for one field: (id to link to, text), from its type."""
    field = wtform[spec.name] if spec.stores_value and spec.name in wtform else None
    return spec.kind.error_links(spec, field, messages, current_locale())


def when(timestamp: str | None, style: str = "medium") -> str:
    """A stored ISO timestamp in the reader's language and the site's time zone."""
    if not timestamp:
        return ""
    return format_datetime(datetime.datetime.fromisoformat(timestamp), style)


def now_local(style: str = "long") -> str:
    """Now, in the reader's language and the site's time zone (e.g. "Generated on …")."""
    return format_datetime(datetime.datetime.now(datetime.UTC), style)


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string; anything but plain characters is hex-escaped, so
    no text can end the string or the stylesheet."""
    escaped = "".join(c if c.isalnum() or c in " .,:;!?'()-–—«»’/%" else f"\\{ord(c):x} "
                      for c in str(text))
    return Markup(f'"{escaped}"')


def init_app(app: Flask) -> None:
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["css_string"] = css_string
    app.jinja_env.filters["long_date"] = lambda day: format_date(day, "long")
    app.jinja_env.globals["now_local"] = now_local
    # Compact HTML for slow connections: block tags leave no blank lines behind.
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals["render_field"] = render_field
    app.jinja_env.globals["error_links"] = error_links
    # a plugin's own catalog in templates the core renders for it (its emails)
    app.jinja_env.globals["catalog"] = Catalog.named

"""Rendering one field with its type's template (the page template calls this)."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template
from markupsafe import Markup

from formkit.catalog import Catalog
from formkit.clock import utcnow
from formkit.formatting import (
    format_day,
    format_mean,
    format_number,
    format_timestamp,
    or_empty,
)
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


def when(timestamp: str | None, style: str = "") -> str:
    """A stored ISO timestamp in the reader's language and the instance's time zone, to
    the minute with the zone named (``style`` is accepted for older templates; every
    timestamp looks the same)."""
    if not timestamp:
        return ""
    try:
        return format_timestamp(timestamp, current_locale())
    except (TypeError, ValueError):  # a record restored by hand: shown as stored
        return str(timestamp)


def now_local(style: str = "") -> str:
    """Now, in the reader's language and the instance's time zone (e.g. "Generated on …")."""
    return format_timestamp(utcnow(), current_locale())


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string; anything but plain characters is hex-escaped, so
    no text can end the string or the stylesheet."""
    escaped = "".join(c if c.isalnum() or c in " .,:;!?'()-–—«»’/%" else f"\\{ord(c):x} "
                      for c in str(text))
    return Markup(f'"{escaped}"')


def init_app(app: Flask) -> None:
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["number"] = lambda value: format_number(value, current_locale())
    app.jinja_env.filters["css_string"] = css_string
    app.jinja_env.filters["long_date"] = lambda day: format_day(day, current_locale())
    app.jinja_env.filters["or_empty"] = or_empty
    # Numbers as Canadians write them (Flask-Babel's filter would use plain "fr"/"en"),
    # and means always to one decimal ("2,0").
    app.jinja_env.filters["decimalformat"] = lambda value: format_number(value, current_locale())
    app.jinja_env.filters["mean"] = lambda value: format_mean(value, current_locale())
    app.jinja_env.globals["now_local"] = now_local
    # Compact HTML for slow connections: block tags leave no blank lines behind.
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals["render_field"] = render_field
    app.jinja_env.globals["error_links"] = error_links
    # a plugin's own catalog in templates the core renders for it (its emails)
    app.jinja_env.globals["catalog"] = Catalog.named

"""Calendar dates, stored as ISO ``YYYY-MM-DD`` and shown in the locale's long format."""

from __future__ import annotations

import datetime
from typing import Any

from babel import dates
from flask_babel import lazy_gettext as _l
from wtforms import DateField, validators

from formkit.conditions import is_answered
from formkit.fields.base import FieldType, label_text
from formkit.fields.number import babel_locale
from formkit.i18n import N_


class _DateRange:
    def __init__(self, low: datetime.date | None, high: datetime.date | None):
        self.low, self.high = low, high

    def __call__(self, form, field) -> None:
        if field.data is None:
            return
        if self.low and field.data < self.low:
            raise validators.ValidationError(_l("Enter a date on or after %(date)s.",
                                                date=self.low.isoformat()))
        if self.high and field.data > self.high:
            raise validators.ValidationError(_l("Enter a date on or before %(date)s.",
                                                date=self.high.isoformat()))


class Date(FieldType):
    """``type: date`` with optional ``min``/``max`` (ISO dates)."""

    name = "date"
    cell = True
    options = frozenset({"min", "max"})
    required_message = N_("Enter a date for “%(label)s”.")

    def configure(self, spec, options, ctx) -> None:
        super().configure(spec, options, ctx)
        for key in ("min", "max"):
            value = options.get(key)
            if value is None:
                continue
            if isinstance(value, str):
                try:
                    value = datetime.date.fromisoformat(value)
                except ValueError:
                    value = None
            if not isinstance(value, datetime.date):
                ctx.error(options, f"field '{spec.id}': '{key}' must be a date like 2025-01-31",
                          spec.line)
                continue
            spec.options[key] = value

    def wtforms_field(self, spec, locale, settings):
        return DateField(
            label_text(spec.label, locale, spec.id),
            validators=[*self.required_validators(spec),
                        _DateRange(spec.options.get("min"), spec.options.get("max"))],
            render_kw={"type": "date", "placeholder": "AAAA-MM-JJ" if locale == "fr"
                       else "YYYY-MM-DD"},
            format=["%Y-%m-%d"],
        )

    def condition_problem(self, spec, value):
        """An unquoted date (``equals: 2025-01-15``) compares as its ISO text."""
        if isinstance(value, datetime.date):
            return None
        return super().condition_problem(spec, value)

    def sample_formdata(self, spec):
        low, high = spec.options.get("min"), spec.options.get("max")
        sample = low or datetime.date(2025, 1, 15)
        return {spec.name: (min(sample, high) if high else sample).isoformat()}

    def summary(self, spec, values, locale):
        if not values:
            return {"kind": "answered", "answered": 0}
        return {"kind": "numbers", "answered": len(values),
                "stats": [("count", str(len(values))),
                          ("earliest", format_iso_date(min(values), locale)),
                          ("latest", format_iso_date(max(values), locale))]}

    def value_from(self, spec, field) -> Any:
        return field.data.isoformat() if field.data else None

    def form_data(self, spec, value) -> Any:
        return datetime.date.fromisoformat(value) if value else None

    def display(self, spec, value, locale) -> str:
        return format_iso_date(value, locale) if is_answered(value) else ""


def format_iso_date(value: str, locale: str) -> str:
    """``2025-03-01`` as ``March 1, 2025`` or ``1 mars 2025``."""
    return dates.format_date(datetime.date.fromisoformat(value), "long",
                             locale=babel_locale(locale))

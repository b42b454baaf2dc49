"""Calendar dates, stored as ISO ``YYYY-MM-DD`` and shown in the locale's long format."""

from __future__ import annotations

import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, validators

from formkit.conditions import is_answered
from formkit.fields.base import CellColumn, FieldType, label_text, typed
from formkit.formatting import format_day
from formkit.i18n import N_

XLSX_DATE = "yyyy-mm-dd"


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

    def accepts(self, spec, value) -> bool:
        """An ISO date; other text (an earlier version's answer, an import's) is shown as
        it is and left out of summaries, never read as a date."""
        try:
            datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            return False
        return True

    def summary(self, spec, values, locale):
        return _dates_block(len(values), min(values, default=None), max(values, default=None),
                            locale)

    def summary_start(self, spec):
        return [0, None, None]  # how many, earliest, latest (ISO dates sort as text)

    def summary_add(self, state, value):
        state[0] += 1
        if state[1] is None or value < state[1]:
            state[1] = value
        if state[2] is None or value > state[2]:
            state[2] = value

    def summary_finish(self, spec, state, locale):
        return _dates_block(*state, locale)

    def value_from(self, spec, field) -> Any:
        return field.data.isoformat() if field.data else None

    def export_columns(self, spec, locale, labels) -> list[CellColumn]:
        """Dates are dates in an XLSX, shown as ISO 8601 (unambiguous in both languages)."""
        [column] = super().export_columns(spec, locale, labels)
        if not labels:
            return [column]
        return [CellColumn(column.header, column.text,
                           typed(spec, _as_date), XLSX_DATE)]

    def form_data(self, spec, value) -> Any:
        return datetime.date.fromisoformat(value) if value else None

    def display(self, spec, value, locale) -> str:
        return format_iso_date(value, locale) if is_answered(value) else ""


def _dates_block(count: int, earliest: str | None, latest: str | None,
                 locale: str) -> dict[str, Any]:
    if not count:
        return {"kind": "answered", "answered": 0}
    return {"kind": "numbers", "answered": count,
            "stats": [("count", str(count)), ("earliest", format_iso_date(earliest, locale)),
                      ("latest", format_iso_date(latest, locale))]}


def _as_date(value: str) -> datetime.date | str:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:  # text stored by an import: shown as it is
        return value


def format_iso_date(value: str, locale: str) -> str:
    """``2025-03-01`` as ``1 Mar 2025`` or ``1er mars 2025``."""
    return format_day(value, locale)

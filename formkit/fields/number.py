"""Integer, decimal and currency (CAD) fields, read and shown in the respondent's locale."""

from __future__ import annotations

import decimal
import re
from typing import Any

from babel import numbers
from flask_babel import lazy_gettext as _l
from wtforms import Field, validators
from wtforms.widgets import TextInput

from formkit.conditions import is_answered
from formkit.fields.base import (
    CellColumn,
    FieldType,
    check_bounds,
    label_text,
    number_option,
    typed,
)
from formkit.formatting import babel_locale, format_money, format_number
from formkit.i18n import N_

#: XLSX number formats (the spreadsheet shows its reader's separators).
XLSX_FORMATS = {"integer": "#,##0", "decimal": "#,##0.##", "percent": "0%",
                "currency": {"en": '"$"#,##0.00', "fr": '#,##0.00 "$"'}}
#: beyond this a number is a typing accident (and floats lose cents).
LARGEST_DIGITS = 12
LARGEST = decimal.Decimal(10) ** LARGEST_DIGITS
_SYMBOLS = re.compile(r"[\s$\u00a0\u202f]|CAD|CA", re.IGNORECASE)


def parse_number(text: str, locale: str) -> decimal.Decimal:
    """Read ``1 234,56`` (French) or ``1,234.56`` (English); ``$`` and spaces ignored.

    :raises ValueError: when the text is not a number.
    """
    cleaned = _SYMBOLS.sub("", text)
    if not cleaned:
        raise ValueError(text)
    try:
        return numbers.parse_decimal(cleaned, locale=babel_locale(locale), strict=False)
    except numbers.NumberFormatError:
        pass
    # A French respondent typing "12.5" (or an English one typing "12,5") means a decimal.
    try:
        return decimal.Decimal(cleaned.replace(",", "."))
    except decimal.InvalidOperation as exc:
        raise ValueError(text) from exc


def within_limits(value: decimal.Decimal) -> bool:
    """Whether a parsed number is finite, smaller than :data:`LARGEST` and not smaller
    than its inverse unless zero, decided from its exponent without arithmetic:
    ``abs()``, rounding or comparing ``1E+999999999999999999`` overflows the context."""
    return value.is_finite() and (
        value.is_zero() or -LARGEST_DIGITS <= value.adjusted() < LARGEST_DIGITS)


class LocaleNumberField(Field):
    """A text input that reads numbers the way the respondent writes them."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, *, integer=False, locale="en", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.integer = integer
        self.locale = locale

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format_plain(self.data, self.locale, self.integer)

    def pre_validate(self, form) -> None:
        # Text that is not a number gets one message, not a range error as well.
        if self.process_errors:
            raise validators.StopValidation()

    def process_formdata(self, valuelist) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            value = parse_number(str(valuelist[0]), self.locale)
        except ValueError:
            self.data = None
            raise ValueError(
                _l("Enter a whole number.") if self.integer else _l("Enter a number.")
            ) from None
        if not within_limits(value):
            self.data = None
            raise ValueError(_l("Enter a number."))
        if self.integer:
            if value != value.to_integral_value():
                self.data = None
                raise ValueError(_l("Enter a whole number."))
            self.data = int(value)
        else:
            self.data = value


def format_plain(value: Any, locale: str, integer: bool = False) -> str:
    """A number as the respondent would type it back (no grouping)."""
    if integer:
        return str(int(value))
    text = format(decimal.Decimal(str(value)).normalize(), "f")
    return text.replace(".", ",") if str(locale).startswith("fr") else text


class Integer(FieldType):
    """``type: integer`` with optional ``min``/``max``."""

    name = "integer"
    stored_as = (int, float)
    cell = True
    integer = True
    options = frozenset({"min", "max", "unit"})
    template = "fields/input.html"
    required_message = N_("Enter a number for “%(label)s”.")

    def unit(self, spec, locale) -> str:
        unit = spec.options.get("unit")
        return unit.get(locale) if unit else ""

    def configure(self, spec, options, ctx) -> None:
        super().configure(spec, options, ctx)
        for key in ("min", "max"):
            number_option(spec, options, key, ctx, integer=self.integer)
        check_bounds(spec, ctx, "min", "max")
        if "unit" in options:
            spec.options["unit"] = ctx.text(options, "unit")

    def scorable(self, spec) -> bool:
        return True

    def numbers(self, spec, value) -> list[float]:
        return [float(value)] if isinstance(value, int | float) else []

    def wtforms_field(self, spec, locale, settings):
        low, high = spec.options.get("min"), spec.options.get("max")
        checks = [validators.NumberRange(min=low, max=high)] if (low, high) != (None, None) else []
        render_kw = {"inputmode": "numeric" if self.integer else "decimal"}
        if spec.placeholder:
            render_kw["placeholder"] = spec.placeholder.get(locale)
        return LocaleNumberField(
            label_text(spec.label, locale, spec.id),
            validators=[*self.required_validators(spec), *checks],
            integer=self.integer,
            locale=locale,
            render_kw=render_kw,
        )

    def condition_problem(self, spec, value):
        """A number written as text (``equals: "3"``) compares as the number."""
        if isinstance(value, str):
            try:
                float(value)
                return None
            except ValueError:
                pass
        return super().condition_problem(spec, value)

    def sample_formdata(self, spec):
        low, high = spec.options.get("min"), spec.options.get("max")
        value = low if low is not None else (min(high, 3) if high is not None else 3)
        return {spec.name: str(value)}

    def value_from(self, spec, field) -> Any:
        data = field.data
        if data is None:
            return None
        return int(data) if self.integer else float(round(decimal.Decimal(data), 6))

    def summary(self, spec, values, locale):
        numbers_ = sorted(float(v) for v in values if isinstance(v, int | float))
        if not numbers_:
            return {"kind": "answered", "answered": 0}
        show = lambda v: self.display(spec, v, locale)  # noqa: E731
        middle = len(numbers_) // 2
        median = numbers_[middle] if len(numbers_) % 2 else (
            numbers_[middle - 1] + numbers_[middle]) / 2
        stats = [("count", str(len(numbers_))),
                 ("mean", show(round(sum(numbers_) / len(numbers_), 2))),
                 ("median", show(round(median, 2))), ("min", show(numbers_[0])),
                 ("max", show(numbers_[-1]))]
        if self.name == "currency":
            stats.append(("total", show(round(sum(numbers_), 2))))
        return {"kind": "numbers", "answered": len(numbers_), "stats": stats}

    def summary_start(self, spec):
        """How often each number was given: an exact median in the memory of the
        distinct numbers, not of every answer."""
        return {}

    def summary_add(self, state, value):
        if isinstance(value, int | float):
            value = float(value)
            state[value] = state.get(value, 0) + 1

    def summary_finish(self, spec, state, locale):
        # The same sorted numbers summary() adds up, so the sums round alike.
        return self.summary(spec, [number for number, times in sorted(state.items())
                                   for _ in range(times)], locale)

    def xlsx_format(self, spec, locale: str) -> str:
        unit = spec.options.get("unit")
        if unit is not None and unit.get(locale).strip() == "%":
            return XLSX_FORMATS["percent"]
        return XLSX_FORMATS["integer" if self.integer else "decimal"]

    def export_columns(self, spec, locale, labels) -> list[CellColumn]:
        """Numbers stay numbers in an XLSX: a percentage (``unit: "%"``) as a fraction
        with a percent format, so a spreadsheet can add up and average them."""
        [column] = super().export_columns(spec, locale, labels)
        number_format = self.xlsx_format(spec, locale)
        scale = 100 if labels and number_format == XLSX_FORMATS["percent"] else 1
        return [CellColumn(column.header, column.text,
                           typed(spec, lambda value: value / scale if scale != 1 else value),
                           number_format if labels else "")]

    def display(self, spec, value, locale) -> str:
        if not is_answered(value):
            return ""
        text = format_number(value, locale)
        unit = spec.options.get("unit")
        return f"{text}\u00a0{unit.get(locale)}" if unit else text


class Decimal(Integer):
    """``type: decimal`` — a number with a fractional part; ``1,5`` is read in French."""

    name = "decimal"
    integer = False


class Currency(Decimal):
    """``type: currency`` — Canadian dollars: ``$1,234.56`` / ``1 234,56 $``."""

    name = "currency"
    options = frozenset({"min", "max"})
    required_message = N_("Enter an amount for “%(label)s”.")

    def unit(self, spec, locale) -> str:
        return "$"

    def value_from(self, spec, field) -> Any:
        data = field.data
        if data is None:
            return None
        return float(decimal.Decimal(data).quantize(decimal.Decimal("0.01")))

    def xlsx_format(self, spec, locale: str) -> str:
        return xlsx_currency_format(locale)

    def display(self, spec, value, locale) -> str:
        return format_cad(value, locale) if is_answered(value) else ""


def xlsx_currency_format(locale: str) -> str:
    """The XLSX number format of dollar amounts, the sign where ``locale`` puts it."""
    return XLSX_FORMATS["currency"]["fr" if str(locale).startswith("fr") else "en"]


def format_cad(value: Any, locale: str) -> str:
    """An amount in Canadian dollars as the locale writes it (plugins' name for
    :func:`formkit.formatting.format_money`)."""
    return format_money(value, locale)

"""Yes/no, single choice (radio or select) and multiple choice (checkboxes)."""

from __future__ import annotations

import math
from typing import Any

from flask_babel import ngettext
from wtforms import RadioField, SelectField, SelectMultipleField, validators
from wtforms.widgets import ListWidget

from formkit.conditions import is_answered
from formkit.fields.base import (
    FieldType,
    RequiredChoice,
    Tally,
    count_summary,
    label_text,
    named_message,
    number_option,
    parse_keyed_texts,
    select_choices,
)
from formkit.fields.widgets import MemoCheckboxInput, MemoRadioInput
from formkit.i18n import N_, translate


def yes_no_label(value: bool, locale: str) -> str:
    return translate(N_("Yes"), locale) if value else translate(N_("No"), locale)


def first_option_id(field) -> str:
    """The first radio or checkbox of a group (the group itself has no element)."""
    return next((option.id for option in field), field.id)


class YesNo(FieldType):
    """``type: yesno`` — stored as ``true``/``false``."""

    name = "yesno"
    stored_as = (bool,)
    cell = True
    template = "fields/choices.html"
    required_message = N_("Choose yes or no for “%(label)s”.")

    def first_input_id(self, spec, field) -> str:
        return first_option_id(field)

    def wtforms_field(self, spec, locale, settings):
        return RadioField(
            label_text(spec.label, locale, spec.id),
            choices=select_choices([("yes", yes_no_label(True, locale)),
                                    ("no", yes_no_label(False, locale))]),
            validators=self.required_validators(spec),
            validate_choice=True,
            option_widget=MemoRadioInput(),
        )

    def condition_values(self, spec, locale) -> list[tuple[Any, str]]:
        return [(True, yes_no_label(True, locale)), (False, yes_no_label(False, locale))]

    def condition_keys(self, spec) -> list[Any]:
        return [True, False]

    def sample_formdata(self, spec):
        return {spec.name: "yes"}

    def summary(self, spec, values, locale):
        return count_summary(self._labels(locale), values)

    def summary_start(self, spec):
        return Tally()

    def summary_finish(self, spec, state, locale):
        return state.block(self._labels(locale))

    def _labels(self, locale: str) -> list[tuple[str, str]]:
        return [("True", yes_no_label(True, locale)), ("False", yes_no_label(False, locale))]

    def scorable(self, spec) -> bool:
        return True

    def numbers(self, spec, value) -> list[float]:
        """Yes counts 1, no counts 0."""
        return [] if value is None else [1.0 if value else 0.0]

    def value_from(self, spec, field) -> Any:
        return {"yes": True, "no": False}.get(field.data)

    def form_data(self, spec, value) -> Any:
        return None if value is None else ("yes" if value else "no")

    def display(self, spec, value, locale) -> str:
        return "" if value is None else yes_no_label(bool(value), locale)


class Choice(FieldType):
    """``type: choice`` — one of ``choices``; ``widget: radio`` (default) or ``select``."""

    name = "choice"
    cell = True
    options = frozenset({"choices", "widget"})
    template = "fields/choices.html"
    required_message = N_("Choose an answer for “%(label)s”.")

    def first_input_id(self, spec, field) -> str:
        return field.id if spec.options["widget"] == "select" else first_option_id(field)

    def configure(self, spec, options, ctx) -> None:
        super().configure(spec, options, ctx)
        spec.options["choices"] = parse_keyed_texts(spec, options, "choices", ctx)
        widget = options.get("widget", "radio")
        if widget not in ("radio", "select"):
            ctx.error(options, f"field '{spec.id}': widget must be radio or select", spec.line)
        spec.options["widget"] = widget

    def choices(self, spec, locale) -> list[tuple[str, str]]:
        return [(key, text.get(locale)) for key, text in spec.options["choices"]]

    def condition_values(self, spec, locale) -> list[tuple[Any, str]]:
        return list(self.choices(spec, locale))

    def condition_keys(self, spec) -> list[Any]:
        return [key for key, _text in spec.options["choices"]]

    def wtforms_field(self, spec, locale, settings):
        if spec.options["widget"] == "select":
            blank = ("", translate(N_("Choose…"), locale))
            return SelectField(
                label_text(spec.label, locale, spec.id),
                choices=select_choices([blank, *self.choices(spec, locale)]),
                validators=[*self.required_validators(spec), _KnownChoice()],
                validate_choice=False,
            )
        return RadioField(
            label_text(spec.label, locale, spec.id),
            choices=select_choices(self.choices(spec, locale)),
            validators=self.required_validators(spec),
            option_widget=MemoRadioInput(),
        )

    def sample_formdata(self, spec):
        return {spec.name: spec.options["choices"][0][0]}

    def scorable(self, spec) -> bool:
        """A choice scores when every key is a number (``key: 3``): the chosen key."""
        return all(_number(key) is not None for key, _text in spec.options["choices"])

    def numbers(self, spec, value) -> list[float]:
        number = _number(value) if is_answered(value) else None
        return [] if number is None else [number]

    def summary(self, spec, values, locale):
        return count_summary(self.choices(spec, locale), values)

    def summary_start(self, spec):
        return Tally()

    def summary_finish(self, spec, state, locale):
        return state.block(self.choices(spec, locale))

    def display(self, spec, value, locale) -> str:
        if not is_answered(value):
            return ""
        return dict(self.choices(spec, locale)).get(str(value), str(value))


class _KnownChoice:
    """A select's value must be one of its choices (the blank counts as no answer)."""

    def __call__(self, form, field) -> None:
        if field.data and field.data not in {c.value for c in field.choices if c.value}:
            raise validators.ValidationError(field.gettext("Not a valid choice."))


class _SelectionCount:
    def __init__(self, low: int | None, high: int | None):
        self.low, self.high = low, high

    def __call__(self, form, field) -> None:
        count = len(field.data or [])
        if count == 0:
            return  # "required" is the required validator's job
        if self.low and count < self.low:
            raise validators.ValidationError(
                ngettext("Choose at least %(num)d option.", "Choose at least %(num)d options.",
                         self.low)
            )
        if self.high and count > self.high:
            raise validators.ValidationError(
                ngettext("Choose at most %(num)d option.", "Choose at most %(num)d options.",
                         self.high)
            )


class MultiChoice(Choice):
    """``type: multichoice`` — checkboxes with optional ``min``/``max`` selections."""

    name = "multichoice"
    stored_as = (list,)
    cell = False
    options = frozenset({"choices", "min", "max"})

    def configure(self, spec, options, ctx) -> None:
        FieldType.configure(self, spec, options, ctx)
        spec.options["choices"] = parse_keyed_texts(spec, options, "choices", ctx)
        spec.options["widget"] = "checkbox"
        for key in ("min", "max"):
            number_option(spec, options, key, ctx, integer=True)

    required_message = N_("Choose at least one option for “%(label)s”.")

    def required_validators(self, spec) -> list:
        # A checkbox group sends nothing when none is ticked: DataRequired, not InputRequired.
        if spec.required:
            return [RequiredChoice(
                message=named_message(self.required_message, spec.label, spec.id))]
        return [validators.Optional()]

    def wtforms_field(self, spec, locale, settings):
        return SelectMultipleField(
            label_text(spec.label, locale, spec.id),
            choices=select_choices(self.choices(spec, locale)),
            validators=[*self.required_validators(spec),
                        _SelectionCount(spec.options.get("min"), spec.options.get("max"))],
            widget=ListWidget(prefix_label=False),
            option_widget=MemoCheckboxInput(),
        )

    def scorable(self, spec) -> bool:
        return True

    def numbers(self, spec, value) -> list[float]:
        """A checklist scores the number of options ticked."""
        return [float(len(value))] if isinstance(value, list) else []

    def sample_formdata(self, spec):
        count = max(spec.options.get("min") or 1, 1)
        return {spec.name: [key for key, _text in spec.options["choices"][:count]]}

    def value_from(self, spec, field) -> Any:
        chosen = set(field.data or [])
        # Keep the schema's order, whatever order the browser sent.
        return [key for key, _text in spec.options["choices"] if key in chosen] or None

    def display(self, spec, value, locale) -> str:
        if not is_answered(value):
            return ""
        labels = dict(self.choices(spec, locale))
        return "; ".join(labels.get(str(v), str(v)) for v in value)


def _number(key: object) -> float | None:
    try:
        number = float(str(key))
    except ValueError:
        return None
    return number if math.isfinite(number) else None

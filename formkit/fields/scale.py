"""Rating scales (1..N with labelled anchors, optional "not applicable") and matrices
(several rows rated on one shared scale)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup
from wtforms import FormField, RadioField, validators

from formkit.conditions import is_answered
from formkit.fields.base import (
    CellColumn,
    FieldType,
    Required,
    SubForm,
    Tally,
    change_text,
    count_summary,
    label_text,
    named_message,
    parse_keyed_texts,
    select_choices,
    typed,
)
from formkit.fields.choice import first_option_id
from formkit.fields.widgets import MemoRadioInput
from formkit.formatting import or_empty
from formkit.i18n import N_, pair, translate

NOT_APPLICABLE = "na"


class _ScaleTally(Tally):
    """A scale's counts per point, and the sum and count of the points chosen (for the
    mean; "not applicable" is no point)."""

    __slots__ = ("total", "rated")

    def __init__(self) -> None:
        super().__init__()
        self.total = self.rated = 0

    def append(self, value: Any) -> None:
        super().append(value)
        if isinstance(value, int):
            self.total += value
            self.rated += 1


def not_applicable_label(locale: str) -> str:
    return translate(N_("Not applicable"), locale)


class Scale(FieldType):
    """``type: scale`` — ``points: 5``, ``anchors: {1: {en, fr}, 5: {en, fr}}``,
    ``not_applicable: true``. Stored as the chosen number, or ``"na"``."""

    name = "scale"
    options = frozenset({"points", "anchors", "not_applicable"})
    template = "fields/scale.html"
    required_message = N_("Choose a rating for “%(label)s”.")

    def first_input_id(self, spec, field) -> str:
        return first_option_id(field)

    def configure(self, spec, options, ctx) -> None:
        super().configure(spec, options, ctx)
        points = options.get("points", 5)
        if isinstance(points, bool) or not isinstance(points, int) or not 2 <= points <= 11:
            ctx.error(options, f"field '{spec.id}': 'points' must be a whole number from 2 to 11",
                      spec.line, suggestion="most scales use  points: 5  (1 to 5); for "
                      "more choices than 11, use a choice field")
            points = 5
        spec.options["points"] = points
        anchors: dict[int, Any] = {}
        raw_anchors = options.get("anchors") or {}
        if not isinstance(raw_anchors, Mapping):
            ctx.error(options, f"field '{spec.id}': 'anchors' maps scale points to texts",
                      spec.line)
            raw_anchors = {}
        for point in raw_anchors:
            if not isinstance(point, int) or not 1 <= point <= points:
                ctx.error(raw_anchors,
                          f"field '{spec.id}': anchor {point!r} is outside 1..{points}",
                          spec.line, suggestion=f"anchors label points 1 to {points}; "
                          f"raise 'points' or anchor a point inside the scale")
                continue
            text = ctx.text(raw_anchors, point)
            if text is not None:
                anchors[point] = text
        spec.options["anchors"] = anchors
        spec.options["not_applicable"] = bool(options.get("not_applicable", False))

    def choices(self, spec, locale) -> list[tuple[str, str]]:
        anchors = spec.options["anchors"]
        result = []
        for point in range(1, spec.options["points"] + 1):
            anchor = anchors.get(point)
            result.append((str(point), f"{point} – {anchor.get(locale)}" if anchor else str(point)))
        if spec.options["not_applicable"]:
            result.append((NOT_APPLICABLE, not_applicable_label(locale)))
        return result

    def radio(self, spec, locale, label: str, validators: list) -> RadioField:
        return RadioField(label, choices=select_choices(self.choices(spec, locale)),
                          validators=validators, option_widget=MemoRadioInput())

    def wtforms_field(self, spec, locale, settings):
        return self.radio(spec, locale, label_text(spec.label, locale, spec.id),
                          self.required_validators(spec))

    def sample_formdata(self, spec):
        return {spec.name: str(spec.options["points"])}

    def summary(self, spec, values, locale):
        block = count_summary(self.choices(spec, locale), values)
        rated = [v for v in values if isinstance(v, int)]
        block["mean"] = round(sum(rated) / len(rated), 2) if rated else None
        return block

    def summary_start(self, spec):
        return _ScaleTally()

    def summary_finish(self, spec, state, locale):
        block = state.block(self.choices(spec, locale))
        block["mean"] = round(state.total / state.rated, 2) if state.rated else None
        return block

    def value_from(self, spec, field) -> Any:
        return to_scale_value(field.data)

    def accepts(self, spec, value) -> bool:
        return value == NOT_APPLICABLE or (isinstance(value, int) and not isinstance(value, bool))

    def scorable(self, spec) -> bool:
        return True

    def numbers(self, spec, value) -> list[float]:
        """The point chosen; "not applicable" counts as unanswered."""
        return [float(value)] if isinstance(value, int) else []

    def form_data(self, spec, value) -> Any:
        return None if value is None else str(value)

    def export_columns(self, spec, locale, labels) -> list[CellColumn]:
        """The point chosen is a number in an XLSX (a spreadsheet can average it);
        "not applicable" is text."""
        [column] = super().export_columns(spec, locale, labels)
        if not labels:
            return [column]
        return [CellColumn(column.header, column.text,
                           typed(spec, lambda value: _point(value, locale)), "0")]

    def display(self, spec, value, locale) -> str:
        if not is_answered(value):
            return ""
        if value == NOT_APPLICABLE:
            return not_applicable_label(locale)
        anchor = spec.options["anchors"].get(value)
        text = f"{value} / {spec.options['points']}"
        return f"{text} ({anchor.get(locale)})" if anchor else text


def _point(value: Any, locale: str) -> int | str | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return not_applicable_label(locale) if value == NOT_APPLICABLE else str(value)


def to_scale_value(data: Any) -> int | str | None:
    if data in (None, ""):
        return None
    return NOT_APPLICABLE if data == NOT_APPLICABLE else int(data)


class Matrix(Scale):
    """``type: matrix`` — ``rows: [{key, label}]`` each rated on one shared scale.
    Stored as ``{row_key: number or "na"}``."""

    name = "matrix"
    options = Scale.options | {"rows"}
    template = "fields/matrix.html"
    wide_display = True
    #: a row left empty: names the row and the question (``%(row)s``, ``%(label)s``).
    row_message = N_("%(row)s: choose a rating for “%(label)s”.")

    def configure(self, spec, options, ctx) -> None:
        super().configure(spec, options, ctx)
        spec.options["rows"] = parse_keyed_texts(spec, options, "rows", ctx)

    def wtforms_field(self, spec, locale, settings):
        attrs = {
            f"r_{key}": self.radio(spec, locale, text.get(locale), self.row_validators(
                spec, text.get(locale)))
            for key, text in spec.options["rows"]
        }
        rows_form = type(f"Matrix_{spec.id}", (SubForm,), attrs)
        return FormField(rows_form, label_text(spec.label, locale, spec.id))

    def row_validators(self, spec, row: str) -> list:
        """A required matrix needs every row; its message names the row."""
        if not spec.required:
            return [validators.Optional()]
        return [Required(message=named_message(self.row_message, spec.label, spec.id, row=row))]

    def first_input_id(self, spec, field) -> str:
        return first_option_id(field[f"r_{spec.options['rows'][0][0]}"])

    def error_links(self, spec, field, messages, locale) -> list[tuple[str, str]]:
        """One entry per row at fault, leading to its first radio; the row messages
        name the row and the question already."""
        links = [(first_option_id(field[f"r_{key}"]), str(message))
                 for key, _text in spec.options["rows"]
                 for message in field[f"r_{key}"].errors]
        own = [m for m in messages if m not in {text for _id, text in links}]
        return links + super().error_links(spec, field, own, locale)

    def sample_formdata(self, spec):
        points = spec.options["points"]
        return {f"{spec.name}-r_{key}": str(1 + i % points)
                for i, (key, _text) in enumerate(spec.options["rows"])}

    def summary(self, spec, values, locale):
        items = []
        for key, text in spec.options["rows"]:
            rated = [v[key] for v in values if isinstance(v.get(key), int)]
            mean = round(sum(rated) / len(rated), 2) if rated else None
            items.append((text.get(locale), mean, len(rated)))
        return {"kind": "means", "answered": len(values), "items": items,
                "maximum": spec.options["points"]}

    def summary_start(self, spec):
        """Per row: the sum and the count of the points chosen ("not applicable" left out)."""
        return {"answered": 0, "rows": {key: [0, 0] for key, _t in spec.options["rows"]}}

    def summary_add(self, state, value):
        state["answered"] += 1
        rows = state["rows"]
        for key, point in value.items():
            if isinstance(point, int) and key in rows:
                row = rows[key]
                row[0] += point
                row[1] += 1

    def summary_finish(self, spec, state, locale):
        items = []
        for key, text in spec.options["rows"]:
            total, rated = state["rows"][key]
            mean = round(total / rated, 2) if rated else None
            items.append((text.get(locale), mean, rated))
        return {"kind": "means", "answered": state["answered"], "items": items,
                "maximum": spec.options["points"]}

    def accepts(self, spec, value) -> bool:
        return isinstance(value, dict)

    def numbers(self, spec, value) -> list[float]:
        """Every rated row (in schema order); "not applicable" rows are left out."""
        value = value if isinstance(value, dict) else {}
        return [float(value[key]) for key, _t in spec.options["rows"]
                if isinstance(value.get(key), int)]

    def value_from(self, spec, field) -> Any:
        values = {key: to_scale_value(field[f"r_{key}"].data) for key, _t in spec.options["rows"]}
        answered = {k: v for k, v in values.items() if v is not None}
        return answered or None

    def form_data(self, spec, value) -> Any:
        value = value or {}
        return {f"r_{key}": (None if value.get(key) is None else str(value[key]))
                for key, _t in spec.options["rows"]}

    def export_columns(self, spec, locale, labels) -> list[CellColumn]:
        """One column per row: the point chosen (a number), or the code."""
        title = label_text(spec.label, locale, spec.id)
        columns = []
        for key, text in spec.options["rows"]:
            def rated(value, key=key):
                return value.get(key) if isinstance(value, dict) else None

            if labels:
                columns.append(CellColumn(
                    f"{title} – {text.get(locale)}",
                    lambda value, rated=rated: Scale.display(self, spec, rated(value), locale),
                    lambda value, rated=rated: _point(rated(value), locale), "0"))
            else:
                columns.append(CellColumn(
                    f"{spec.id}.{key}",
                    lambda value, rated=rated: "" if rated(value) is None else str(rated(value)),
                    lambda value, rated=rated: rated(value)))
        return columns

    def row_display(self, spec, value, locale) -> list[tuple[str, str]]:
        value = value or {}
        return [(text.get(locale), or_empty(Scale.display(self, spec, value.get(key), locale)))
                for key, text in spec.options["rows"]]

    def describe_change(self, spec, old, new, locale) -> list[str]:
        """One line per changed row: "Ratings — Safety: 2 → 4"."""
        if not (self.accepts(spec, old or {}) and self.accepts(spec, new or {})):
            return super().describe_change(spec, old, new, locale)
        old, new = old or {}, new or {}
        label = label_text(spec.label, locale, spec.id)
        return [pair(f"{label} — {text.get(locale)}", change_text(
                    Scale.display(self, spec, old.get(key), locale),
                    Scale.display(self, spec, new.get(key), locale)), locale)
                for key, text in spec.options["rows"] if old.get(key) != new.get(key)]

    def display(self, spec, value, locale) -> str:
        if not is_answered(value):
            return ""
        return "; ".join(pair(row, shown, locale)
                         for row, shown in self.row_display(spec, value, locale))

    def display_html(self, spec, value, locale) -> Markup:
        if not is_answered(value):
            return Markup("")
        rows = "".join(
            Markup("<tr><th scope='row'>{}</th><td>{}</td></tr>").format(row, shown)
            for row, shown in self.row_display(spec, value, locale)
        )
        return Markup("<table class='answer-table'>") + Markup(rows) + Markup("</table>")


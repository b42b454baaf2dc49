"""Repeating tables: rows of typed columns, added and removed without JavaScript.

Rows travel as ``q_<table>-<index>-q_<column>`` form fields. Adding or removing a row
is an ordinary form submission (a button named ``_action``), so it works in any browser;
the page script only saves the round trip.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import FieldList, FormField, validators

from formkit.conditions import is_answered
from formkit.fields.base import (
    CellColumn,
    ExportSheet,
    FieldType,
    SubForm,
    change_text,
    label_text,
    number_option,
)
from formkit.formatting import EMPTY, or_empty
from formkit.i18n import N_, current_locale, pair, translate
from formkit.paging import ascii_int
from formkit.table_fit import fitted_table
from formkit.versions import shown_html, shown_text

#: actions that check a page (the empty action is the re-check at submit).
VALIDATING_ACTIONS = ("next", "submit", "")


class _RowCount:
    def __init__(self, low: int, high: int):
        self.low, self.high = low, high

    def __call__(self, form, field) -> None:
        count = len(field.entries)
        if count < self.low:
            raise validators.ValidationError(
                ngettext("Add at least %(num)d row.", "Add at least %(num)d rows.", self.low))
        if count > self.high:
            raise validators.ValidationError(
                ngettext("Enter at most %(num)d row.", "Enter at most %(num)d rows.", self.high))


class Table(FieldType):
    """``type: table`` — ``columns:`` (fields of simple types), ``min_rows``, ``max_rows``.
    Stored as a list of ``{column_id: value}``; rows left entirely empty are dropped."""

    name = "table"
    options = frozenset({"columns", "min_rows", "max_rows"})
    template = "fields/table.html"
    wide_display = True

    def accepts(self, spec, value) -> bool:
        return isinstance(value, list) and all(isinstance(row, dict) for row in value)

    def configure(self, spec, options, ctx) -> None:
        from formkit.schema import parse_field  # the schema module parses columns as fields

        super().configure(spec, options, ctx)
        columns = []
        raw_columns = options.get("columns")
        if not isinstance(raw_columns, list) or not raw_columns:
            ctx.error(options, f"table '{spec.id}' needs a non-empty 'columns' list", spec.line)
            raw_columns = []
        seen: list[str] = []
        for raw in raw_columns:
            column = parse_field(raw, ctx, ctx.types, seen)
            if column is None:
                continue
            if column.id in seen:
                ctx.error(raw, f"table '{spec.id}': duplicate column id '{column.id}'", column.line)
            elif not column.kind.cell:
                cell_types = ", ".join(sorted(n for n, t in ctx.types.items() if t.cell))
                ctx.error(raw, f"table '{spec.id}': column '{column.id}' cannot be of type "
                          f"'{column.type}' (allowed: {cell_types})", column.line)
            elif column.show_if is not None:
                ctx.error(raw, f"table '{spec.id}': columns cannot have show_if", column.line)
            seen.append(column.id)
            columns.append(column)
        spec.options["columns"] = columns
        for key in ("min_rows", "max_rows"):
            number_option(spec, options, key, ctx, integer=True)
        low = spec.options.get("min_rows") or (1 if spec.required else 0)
        high = spec.options.get("max_rows")
        if high is not None and high < max(low, 1):
            ctx.error(options, f"table '{spec.id}': max_rows is below min_rows", spec.line)
        spec.options["min_rows"] = low

    def max_rows(self, spec, settings) -> int:
        return min(spec.options.get("max_rows") or settings.max_table_rows,
                   settings.max_table_rows)

    def wtforms_field(self, spec, locale, settings):
        row_form = type(
            f"Row_{spec.id}",
            (SubForm,),
            {c.name: c.kind.wtforms_field(c, locale, settings) for c in spec.options["columns"]},
        )
        return FieldList(
            FormField(row_form),
            label_text(spec.label, locale, spec.id),
            validators=[_RowCount(spec.options["min_rows"], self.max_rows(spec, settings))],
            min_entries=spec.options["min_rows"],
        )

    def first_input_id(self, spec, field) -> str:
        if not field.entries:
            return f"field-{spec.id}"
        column = spec.options["columns"][0]
        return column.kind.first_input_id(column, field.entries[0].form[column.name])

    def error_links(self, spec, field, messages, locale) -> list[tuple[str, str]]:
        """One entry per cell at fault, naming table, row and column, leading to the cell's
        input; the table's own messages (too few rows, a plugin's check) follow."""
        table = label_text(spec.label, locale, spec.id)
        where = translate(N_("%(table)s, row %(num)d, %(column)s"), locale)
        links, seen = [], set()
        for number, entry in enumerate(field.entries, 1):
            for column in spec.options["columns"]:
                cell = entry.form[column.name]
                place = where % {"table": table, "num": number,
                                 "column": label_text(column.label, locale, column.id)}
                for message in cell.errors:
                    seen.add(str(message))
                    links.append((column.kind.first_input_id(column, cell),
                                  pair(place, message, locale)))
        own = [m for m in messages if str(m) not in seen]
        return links + super().error_links(spec, field, own, locale)

    def prepare_display(self, spec, field) -> None:
        if not field.entries:
            field.append_entry()

    # -- rows in the submitted data ------------------------------------------------------
    def _row_pattern(self, spec) -> re.Pattern:
        return re.compile(rf"^{re.escape(spec.name)}-([0-9]{{1,6}})-(.+)$")

    def _rows(self, spec, formdata: MultiDict) -> dict[int, list[tuple[str, str]]]:
        pattern = self._row_pattern(spec)
        rows: dict[int, list[tuple[str, str]]] = {}
        for key, value in formdata.items(multi=True):
            match = pattern.match(key)
            if match:
                rows.setdefault(int(match.group(1)), []).append((match.group(2), value))
        return rows

    def normalize_formdata(self, spec, formdata: MultiDict, settings, action: str = "") -> None:
        """Drop empty rows, apply an add/remove ``action``, number rows 0..n-1 (in place).

        Rows left empty are dropped when the page is checked (Next/Submit), not when
        merely kept (Back, Save), so a row just added stays on screen. At most one row
        beyond the limit is kept, so the limit's error is shown.
        """
        rows = self._rows(spec, formdata)
        ordered = [rows[i] for i in sorted(rows)]
        if action.startswith(f"remove:{spec.id}:"):
            # Positions are those shown, which are the submitted rows in order.
            index = ascii_int(action.rsplit(":", 1)[1])
            if index is not None and index < len(ordered):
                ordered.pop(index)
        if action in VALIDATING_ACTIONS:
            ordered = [row for row in ordered if any(str(v).strip() for _n, v in row)]
        ordered = ordered[: self.max_rows(spec, settings) + 1]
        if action == f"add:{spec.id}" and len(ordered) < self.max_rows(spec, settings):
            ordered.append([(spec.options["columns"][0].name, "")])
        pattern = self._row_pattern(spec)
        for key in [k for k in formdata if pattern.match(k)]:
            formdata.poplist(key)
        for index, cells in enumerate(ordered):
            for name, value in cells:
                formdata.add(f"{spec.name}-{index}-{name}", value)

    def attach_error(self, spec, field, message) -> bool:
        row, column = getattr(message, "row", None), getattr(message, "column", None)
        names = {c.id: c.name for c in spec.options["columns"]}
        if not isinstance(row, int) or not 0 <= row < len(field.entries) or column not in names:
            return False
        cell = field.entries[row].form[names[column]]
        cell.errors = [*cell.errors, str(message)]
        return True

    def after_action(self, spec, action, formdata) -> tuple[str, str] | None:
        """After "Add a row": the new row's first input; after "Remove row": the row that
        took its place (or the one above), so focus stays in the table."""
        rows = len(self._rows(spec, formdata)) or 1
        first = spec.options["columns"][0]
        table = label_text(spec.label, current_locale(), spec.id)
        if action == f"add:{spec.id}":
            return (f"{spec.name}-{rows - 1}-{first.name}",
                    _("Row %(num)d added to “%(table)s”.", num=rows, table=table))
        if action.startswith(f"remove:{spec.id}:"):
            index = ascii_int(action.rsplit(":", 1)[1]) or 0
            return (f"{spec.name}-{min(index, rows - 1)}-{first.name}",
                    _("Row %(num)d removed from “%(table)s”.", num=index + 1, table=table))
        return None

    def sample_formdata(self, spec):
        rows = max(spec.options["min_rows"], 2)
        if spec.options.get("max_rows"):
            rows = min(rows, spec.options["max_rows"])
        data: dict[str, Any] = {}
        for index in range(rows):
            for column in spec.options["columns"]:
                for name, value in column.kind.sample_formdata(column).items():
                    data[f"{spec.name}-{index}-{name}"] = value
        return data

    # -- values -------------------------------------------------------------------------
    def value_from(self, spec, field) -> Any:
        rows = []
        for entry in field.entries:
            row = {c.id: c.kind.value_from(c, entry.form[c.name]) for c in spec.options["columns"]}
            if any(is_answered(v) for v in row.values()):
                rows.append(row)
        return rows or None

    def summary(self, spec, values, locale):
        return _rows_block(len(values), sum(len(v) for v in values))

    def summary_start(self, spec):
        return [0, 0]  # responses with rows, rows in all

    def summary_add(self, state, value):
        state[0] += 1
        state[1] += len(value)

    def summary_finish(self, spec, state, locale):
        return _rows_block(*state)

    def export_columns(self, spec, locale, labels) -> list[CellColumn]:
        """One readable text column (the XLSX also has the rows in a sheet of their own):
        each row's answered cells as "Column: value", rows separated by " | "."""
        if not labels:
            return super().export_columns(spec, locale, labels)
        # "Label: value" as the language writes it, split once around the value.
        marker = "\x00"
        cells = [(c.id, *pair(label_text(c.label, locale, c.id), marker, locale)
                  .split(marker, 1), made.text)
                 for c in spec.options["columns"]
                 for made in c.kind.export_columns(c, locale, labels)]
        fallback = super().export_columns(spec, locale, labels)[0].text

        def text(value: Any) -> str:
            if not self.accepts(spec, value):
                return fallback(value)
            return " | ".join(
                "; ".join(before + shown + after
                          for key, before, after, shown_of in cells
                          if (shown := shown_of(row.get(key))))
                for row in value)

        header = label_text(spec.label, locale, spec.id)
        return [CellColumn(header, text, lambda value: text(value) or None)]

    def export_sheets(self, spec, locale, labels) -> list[ExportSheet]:
        """A sheet of its own in an XLSX: one row per table row, each column's cells
        typed by the column's own type, so the rows can be filtered and added up."""
        columns = []
        for column in spec.options["columns"]:
            for cells in column.kind.export_columns(column, locale, labels):
                columns.append(CellColumn(
                    cells.header,
                    lambda row, c=column, cells=cells: cells.text(row.get(c.id)),
                    lambda row, c=column, cells=cells: cells.cell(row.get(c.id)),
                    cells.number_format))
        title = label_text(spec.label, locale, spec.id) if labels else spec.id
        return [ExportSheet(title, "", columns,
                            lambda value: value if self.accepts(spec, value) else [])]

    def form_data(self, spec, value) -> Any:
        return [
            {c.name: c.kind.form_data(c, row.get(c.id)) for c in spec.options["columns"]}
            for row in (value or [])
        ]

    def display(self, spec, value, locale) -> str:
        if not is_answered(value):
            return ""
        columns = spec.options["columns"]
        return " | ".join(
            "; ".join(
                pair(label_text(c.label, locale, c.id), shown_text(c, row.get(c.id), locale),
                     locale)
                for c in columns if is_answered(row.get(c.id))
            )
            for row in value
        )

    def describe_change(self, spec, old, new, locale) -> list[str]:
        """One line per changed row: "Actions, row 3: Status In progress → Done, ..."."""
        if not (self.accepts(spec, old or []) and self.accepts(spec, new or [])):
            return super().describe_change(spec, old, new, locale)
        old, new = old or [], new or []
        label = label_text(spec.label, locale, spec.id)
        lines = []
        for index in range(max(len(old), len(new))):
            before = old[index] if index < len(old) else {}
            after = new[index] if index < len(new) else {}
            cells = [
                f"{label_text(c.label, locale, c.id)} " + change_text(
                    shown_text(c, before.get(c.id), locale),
                    shown_text(c, after.get(c.id), locale))
                for c in spec.options["columns"] if before.get(c.id) != after.get(c.id)
            ]
            if cells:
                row = translate(N_("%(table)s, row %(number)d"), locale) % {
                    "table": label, "number": index + 1}
                lines.append(pair(row, ", ".join(cells), locale))
        return lines

    def display_html(self, spec, value, locale) -> Markup:
        """The rows as a table whose columns all fit the printed page (landscape when
        needed), or one card per row when even landscape cannot hold them
        (:mod:`formkit.table_fit`); an empty cell shows "—"."""
        if not is_answered(value):
            return Markup("")
        columns = spec.options["columns"]
        headers = [label_text(c.label, locale, c.id) for c in columns]
        texts = [[or_empty(shown_text(c, row.get(c.id), locale)) for c in columns]
                 for row in value]
        cells = [[shown_html(c, row.get(c.id), locale) if is_answered(row.get(c.id))
                  else Markup(EMPTY) for c in columns] for row in value]
        return fitted_table(None, headers, texts, row_headers=False, shown=cells, kind="")


def _rows_block(responses: int, rows: int) -> dict[str, Any]:
    return {"kind": "numbers", "answered": responses,
            "stats": [("responses", str(responses)), ("rows", str(rows)),
                      ("rows_per_response", f"{rows / responses:.1f}" if responses else "0")]}

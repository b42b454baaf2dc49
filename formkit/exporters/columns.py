"""The columns and sheets of a form's export, resolved once per export.

One row per response: the response's own columns (reference, state, review status,
language, timestamps), then each question's columns (its field type says which and how
a value becomes cells), then the plugins' columns. Fields that fill sheets of their own
(repeating tables) give an XLSX one sheet each, named after the table's label.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from formkit.fields.base import CellColumn, ExportSheet
from formkit.formatting import format_timestamp, instance_zone, state_label, to_datetime
from formkit.i18n import language_name
from formkit.review import Column, review_status, review_statuses
from formkit.schema import Form
from formkit.storage import Response

#: the response's own columns: code header, people's header.
META = (("id", _l("Reference")), ("status", _l("State")), ("review", _l("Review status")),
        ("locale", _l("Language")), ("created", _l("Started")),
        ("submitted", _l("Submitted")))
XLSX_TIMESTAMP = "yyyy-mm-dd hh:mm"
#: Excel's limit on a sheet's name, and the characters it refuses in one.
SHEET_NAME_LENGTH = 31
_SHEET_REFUSES = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class ExportColumn:
    """One column of the responses' rows: cells made from a whole response."""

    header: str
    text: Callable[[Response], str]
    cell: Callable[[Response], Any]
    number_format: str = ""
    #: the page the question is on, to tell apart questions with the same label.
    section: str = ""


def _answer_column(spec_id: str, cells: CellColumn, section: str) -> ExportColumn:
    return ExportColumn(cells.header,
                        lambda r: cells.text(r.answers.get(spec_id)),
                        lambda r: cells.cell(r.answers.get(spec_id)),
                        cells.number_format, section)


def _plugin_column(column: Column, labels: bool) -> ExportColumn:
    def cell(response: Response) -> Any:
        value = column.value(response)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value  # a number a spreadsheet can add up
        if labels:
            return column.display(response) or None
        return None if value is None else str(value)

    if labels:
        return ExportColumn(column.label, column.display, cell, column.number_format)
    return ExportColumn(column.key, lambda r: "" if (v := column.value(r)) is None else str(v),
                        cell)


def _meta_columns(form: Form, labels: bool, locale: str) -> list[ExportColumn]:
    if not labels:  # machine exports: codes, and timestamps as stored (ISO 8601 UTC, as JSON)
        def stamp(name: str) -> Callable[[Response], str]:
            return lambda r: getattr(r, name) or ""

        getters = {"id": lambda r: r.id, "reference": lambda r: r.reference,
                   "status": lambda r: r.status,
                   "review": lambda r: review_status(form, r), "locale": lambda r: r.locale,
                   "created": stamp("created"), "submitted": stamp("submitted")}
        return [ExportColumn(key, get, lambda r, get=get: get(r) or None)
                for key, get in getters.items()]
    with force_locale(locale):
        titles = {key: str(title) for key, title in META}
    statuses = dict(review_statuses(form, locale))
    states: dict[str, str] = {}
    zone = instance_zone()

    def state(response: Response) -> str:
        if response.status not in states:
            states[response.status] = state_label(response.status, locale)
        return states[response.status]

    def moment(name: str) -> tuple[Callable[[Response], str], Callable[[Response], Any]]:
        def text(response: Response) -> str:
            return _or_as_stored(lambda v: format_timestamp(v, locale, zone),
                                 getattr(response, name)) or ""

        def cell(response: Response) -> Any:
            # A spreadsheet has no time zones: the instance's wall clock (named in the header).
            return _or_as_stored(lambda v: to_datetime(v).astimezone(zone).replace(
                tzinfo=None, microsecond=0), getattr(response, name))

        return text, cell

    columns = [
        ExportColumn(titles["id"], lambda r: r.shown_reference, lambda r: r.shown_reference),
        ExportColumn(titles["status"], state, state),
        ExportColumn(titles["review"], lambda r: statuses[review_status(form, r)],
                     lambda r: statuses[review_status(form, r)]),
        ExportColumn(titles["locale"], lambda r: language_name(r.locale),
                     lambda r: language_name(r.locale)),
    ]
    for key in ("created", "submitted"):
        text, cell = moment(key)
        columns.append(ExportColumn(f"{titles[key]} ({zone.key})", text, cell, XLSX_TIMESTAMP))
    return columns


def _or_as_stored(convert: Callable[[Any], Any], value: Any) -> Any:
    """``convert(value)``; a timestamp that is not one (a record restored by hand) is
    exported as stored rather than failing the export. ``None`` when there is none."""
    if not value:
        return None
    try:
        return convert(value)
    except (TypeError, ValueError, OverflowError):
        return str(value)


def export_columns(form: Form, columns: list[Column], labels: bool, locale: str,
                   *, sheets: bool = False) -> list[ExportColumn]:
    """Every column of the responses' rows, headers unique; with ``sheets`` (an XLSX),
    without the fields that fill sheets of their own."""
    result = _meta_columns(form, labels, locale)
    for section in form.sections:
        title = section.title.get(locale) if labels else ""
        for spec in section.fields:
            if spec.stores_value and not (sheets and spec.kind.export_sheets(
                    spec, locale, labels)):
                result.extend(_answer_column(spec.id, cells, title)
                              for cells in spec.kind.export_columns(spec, locale, labels))
    result.extend(_plugin_column(c, labels) for c in columns)
    return _distinct(result)


def _distinct(columns: list[ExportColumn]) -> list[ExportColumn]:
    """Headers must be unique: a repeated label gets its page's title, then a number."""
    counts: dict[str, int] = {}
    for column in columns:
        counts[column.header] = counts.get(column.header, 0) + 1
    seen: dict[str, int] = {}
    result = []
    for column in columns:
        header = column.header
        if counts[header] > 1 and column.section:
            header = f"{column.section} – {header}"
        seen[header] = seen.get(header, 0) + 1
        if seen[header] > 1:
            header = f"{header} ({seen[header]})"
        result.append(ExportColumn(header, column.text, column.cell, column.number_format,
                                   column.section))
    return result


@dataclass(frozen=True)
class SheetPlan:
    """A sheet of an XLSX filled by one field: its unique name, header and rows."""

    name: str
    field_id: str
    sheet: ExportSheet


def export_sheets(form: Form, labels: bool, locale: str, main: str) -> list[SheetPlan]:
    """The fields' own sheets, named from their label: a label several tables share
    gets the start of its page's title ("Actions — Première priorité"), then a number;
    names are cut to Excel's 31 characters and unique whatever the case (``main``, the
    responses' sheet, is taken)."""
    found = []
    for section in form.sections:
        for spec in section.fields:
            if spec.stores_value:
                for sheet in spec.kind.export_sheets(spec, locale, labels):
                    found.append((spec.id, section.title.get(locale) if labels else "", sheet))
    counts: dict[str, int] = {}
    for _id, _section, sheet in found:
        counts[sheet.title] = counts.get(sheet.title, 0) + 1
    taken = {main.casefold()}
    plans = []
    for field_id, section, sheet in found:
        wanted = sheet.title
        if counts[wanted] > 1 and section:
            wanted = f"{wanted} — {section.split(' — ')[0]}"
        name = unique_sheet_name(wanted, taken)
        taken.add(name.casefold())
        plans.append(SheetPlan(name, field_id, sheet))
    return plans


def sheet_name(text: str) -> str:
    """``text`` as Excel accepts a sheet's name: no ``[]:*?/\\``, at most 31 characters."""
    return _SHEET_REFUSES.sub("-", text).strip("'")[:SHEET_NAME_LENGTH].strip()


def unique_sheet_name(text: str, taken: set[str]) -> str:
    """A sheet name not in ``taken`` (case-folded names): a number is added, inside the
    31 characters, to a name already used."""
    name = sheet_name(text) or "sheet"
    number = 1
    candidate = name
    while candidate.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        candidate = name[:SHEET_NAME_LENGTH - len(suffix)].rstrip() + suffix
    return candidate


"""CSV, XLSX and JSON exports of a form's responses, streamed row by row.

One row per response; one column per question (a matrix gives one column per row; a
multiple choice one column listing the choices). A repeating table is one readable
text column in the CSV, and a sheet of its own in the XLSX (one row per table row,
with the response id), where it can be analysed. Values are labels in the chosen
language, or the stored codes. Text that a spreadsheet would run as a formula (starting
with = + - @, a tab or a carriage return) is prefixed with an apostrophe.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from formkit.conditions import is_answered
from formkit.review import Column, review_status, review_statuses
from formkit.schema import FieldSpec, Form
from formkit.storage import Response
from formkit.versions import shown_text

if TYPE_CHECKING:
    from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
META = (("id", _l("Reference")), ("status", _l("State")), ("review", _l("Review status")),
        ("locale", _l("Language")), ("created", _l("Started")),
        ("submitted", _l("Submitted")))


def neutralize(value: Any) -> Any:
    """Text a spreadsheet would evaluate as a formula becomes plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass
class ExportColumn:
    header: str
    value: Callable[[Response], Any]
    #: the page the question is on, to tell apart questions with the same label.
    section: str = ""


def _distinct(columns: list[ExportColumn]) -> list[ExportColumn]:
    """Headers must be unique: a repeated label gets its page's title, then a number."""
    counts: dict[str, int] = {}
    for column in columns:
        counts[column.header] = counts.get(column.header, 0) + 1
    seen: dict[str, int] = {}
    for column in columns:
        if counts[column.header] > 1 and column.section:
            column.header = f"{column.section} – {column.header}"
        seen[column.header] = seen.get(column.header, 0) + 1
        if seen[column.header] > 1:
            column.header = f"{column.header} ({seen[column.header]})"
    return columns


def _field_columns(spec: FieldSpec, labels: bool, locale: str) -> list[ExportColumn]:
    title = spec.label.get(locale) if spec.label else spec.id

    def shown(field: FieldSpec, value: Any) -> Any:
        if not is_answered(value):
            return None
        if labels:
            return shown_text(field, value, locale)
        return "; ".join(map(str, value)) if isinstance(value, list) else value

    if spec.type == "matrix":
        return [
            ExportColumn(f"{title} – {text.get(locale)}" if labels else f"{spec.id}.{key}",
                         lambda r, k=key: shown_scale(spec, (r.answers.get(spec.id) or {})
                                                      .get(k), labels, locale))
            for key, text in spec.options["rows"]
        ]
    if spec.type == "table":
        # Readable text here; the XLSX has the rows in a sheet of their own.
        return [ExportColumn(title if labels else spec.id,
                             lambda r: shown_text(spec, r.answers.get(spec.id), locale)
                             or None)]
    return [ExportColumn(title if labels else spec.id,
                         lambda r: shown(spec, r.answers.get(spec.id)))]


def shown_scale(spec: FieldSpec, value: Any, labels: bool, locale: str) -> Any:
    from formkit.fields.scale import Scale

    if value is None:
        return None
    return Scale.display(spec.kind, spec, value, locale) if labels else value


def export_columns(form: Form, columns: list[Column], labels: bool,
                   locale: str) -> list[ExportColumn]:
    statuses = dict(review_statuses(form, locale))
    with force_locale(locale):
        meta_titles = {key: str(title) for key, title in META}
    meta = {
        "id": lambda r: r.id,
        "status": lambda r: r.status,
        "review": lambda r: (statuses[review_status(form, r)] if labels
                             else review_status(form, r)),
        "locale": lambda r: r.locale,
        "created": lambda r: r.created,
        "submitted": lambda r: r.submitted,
    }
    result = [ExportColumn(meta_titles[key] if labels else key, getter)
              for key, getter in meta.items()]
    for section in form.sections:
        for spec in section.fields:
            if spec.stores_value:
                for column in _field_columns(spec, labels, locale):
                    column.section = section.title.get(locale) if labels else ""
                    result.append(column)
    result.extend(ExportColumn(c.label, lambda r, c=c: c.display(r) or None) if labels
                  else ExportColumn(c.key, c.value) for c in columns)
    return _distinct(result)


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    return neutralize(value)


def csv_rows(form: Form, responses: Iterable[Response], columns: list[Column],
             labels: bool, locale: str) -> Iterator[str]:
    """The CSV text, a row at a time: UTF-8 with a byte-order mark so Excel shows
    accents, a header, then one row per response."""
    cols = export_columns(form, columns, labels, locale)
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([neutralize(c.header) for c in cols])
    yield "\ufeff" + flush()
    for response in responses:
        writer.writerow(["" if (v := c.value(response)) is None else _cell(v) for c in cols])
        yield flush()


def table_sheets(form: Form, labels: bool, locale: str):
    """For each repeating table: its sheet title, header and a row maker."""
    for spec in form.fields:
        if spec.type != "table":
            continue
        columns = spec.options["columns"]
        title = (spec.label.get(locale) if labels and spec.label else spec.id)[:31]
        header = ["response", "row"] + [
            (c.label.get(locale) if labels and c.label else c.id) for c in columns]

        def rows(response: Response, spec=spec, columns=columns):
            for number, row in enumerate(response.answers.get(spec.id) or [], start=1):
                yield [response.id, number] + [
                    (shown_text(c, row.get(c.id), locale) if labels else row.get(c.id))
                    if is_answered(row.get(c.id)) else None
                    for c in columns]

        yield title, header, rows


def xlsx_file(form: Form, responses: Iterable[Response], columns: list[Column],
              labels: bool, locale: str) -> BinaryIO:
    """The XLSX, written to a temporary file (write-only mode keeps memory flat) that is
    returned open and already unlinked: its space is freed when the caller closes it,
    even if the process dies first. On an error (a full temporary folder) no temporary
    file is left behind."""
    from openpyxl import Workbook  # on the first XLSX, not when a worker starts

    cols = export_columns(form, columns, labels, locale)
    book = Workbook(write_only=True)
    path = None
    try:
        main = book.create_sheet(form.id[:31])
        main.append([neutralize(c.header) for c in cols])
        tables = [(book.create_sheet(title), header, rows)
                  for title, header, rows in table_sheets(form, labels, locale)]
        for sheet, header, _rows in tables:
            sheet.append([neutralize(h) for h in header])
        for response in responses:
            main.append([_cell(c.value(response)) for c in cols])
            for sheet, _header, rows in tables:
                for row in rows(response):
                    sheet.append([_cell(v) for v in row])
        fd, path = tempfile.mkstemp(prefix="formkit-export-", suffix=".xlsx")
        os.close(fd)
        book.save(path)
        handle = open(path, "rb")  # the caller closes it
        os.unlink(path)
    except BaseException as error:
        _discard(book, path)
        with contextlib.suppress(Exception):  # a database cursor left open mid-way
            getattr(responses, "close", lambda: None)()
        code = _libxml_errno(error)
        if code is not None:  # openpyxl writes sheets through lxml: a full disk shows so
            raise OSError(code, os.strerror(code)) from error
        raise
    return handle


def _libxml_errno(error: BaseException) -> int | None:
    """The errno of lxml's ``SerialisationError("IO_ENOSPC")`` (a failed write)."""
    if type(error).__name__ != "SerialisationError":
        return None
    match = re.fullmatch(r"IO_(E[A-Z]+)", str(error))
    return getattr(errno, match.group(1), None) if match else None


def _discard(book: Workbook, path: str | None) -> None:
    """Remove a failed export's files: ours, and the one openpyxl keeps per write-only
    sheet (it would otherwise delete them only when the process exits, and a full disk
    would stay full)."""
    for sheet in book.worksheets:
        writer = getattr(sheet, "_writer", None)
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.xf.close()
            with contextlib.suppress(Exception):
                writer.cleanup()
    if path:
        with contextlib.suppress(OSError):
            os.unlink(path)


def json_lines(responses: Iterable[Response]) -> Iterator[str]:
    """A JSON array of the stored records (codes, not labels), streamed."""
    yield "[\n"
    first = True
    for response in responses:
        record = response.to_dict()
        for private in ("key", "resume_hash", "browser", "pending", "page"):
            record.pop(private, None)
        yield ("" if first else ",\n") + json.dumps(record, ensure_ascii=False)
        first = False
    yield "\n]\n"

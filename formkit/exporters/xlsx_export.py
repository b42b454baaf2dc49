"""XLSX: typed cells a coordinator can add up, one sheet for the responses and one per
repeating table (one row per table row, with the response's reference; the table is
not repeated as text in the responses' sheet, as it is in a CSV).

Numbers and amounts are numbers with a number, currency or percent format, dates are
dates, timestamps datetimes in the instance's time zone, text is text (neutralized when
it starts like a formula). Each sheet's header row is frozen, filtered, and its columns
sized to their content (measured on the first rows). XlsxWriter writes in its
constant-memory mode (each row goes to a temporary file as it is written), so memory
holds only the compressed workbook however many responses there are; each column's
format is made once.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import io
import shutil
import tempfile
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, BinaryIO

from flask_babel import force_locale
from flask_babel import gettext as _

from formkit.exporters import Exporter, ExportJob
from formkit.exporters.cells import neutralize
from formkit.exporters.columns import export_columns, export_sheets, unique_sheet_name
from formkit.formatting import or_empty

if TYPE_CHECKING:
    import xlsxwriter

#: rows measured to size the columns.
MEASURED_ROWS = 100
WIDEST = 60
#: characters a formatted value takes beyond its digits (separators, "$", "%").
_FORMAT_EXTRA = 4
#: XlsxWriter must not turn text into formulas, links or numbers: answers are text.
BOOK_OPTIONS = {"constant_memory": True, "strings_to_formulas": False,
                "strings_to_urls": False, "strings_to_numbers": False}


class XlsxExporter(Exporter):
    key = "xlsx"
    label = "XLSX"
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    codes = True
    cost_per_response = 0.0008

    def write(self, job: ExportJob) -> BinaryIO:
        return xlsx_file(job)


class _Sheet:
    """One sheet being written: its columns' cell makers and formats, resolved once."""

    def __init__(self, book: xlsxwriter.Workbook, name: str, headers: list[str],
                 cells: list[Callable[[Any], Any]], formats: list[str], labels: bool):
        self.sheet = book.add_worksheet(name)
        self.headers = headers
        self.cells = cells
        #: what an unanswered cell holds: "—" for people, nothing in a machine export.
        self.empty = or_empty(None) if labels else None
        self.formats = [book.add_format({"num_format": f}) if f else None for f in formats]
        self.widths = [len(h) + 4 for h in headers]  # room for the filter button
        self.rows = 0
        bold = book.add_format({"bold": True})
        for index, header in enumerate(headers):
            self.sheet.write_string(0, index, neutralize(header), bold)
        self.sheet.freeze_panes(1, 0)

    def append(self, source: Any, prefix: tuple = ()) -> None:
        """Write the row ``source`` makes (a response, or a table row after ``prefix``)."""
        self.rows += 1
        row, sheet, formats, empty = self.rows, self.sheet, self.formats, self.empty
        values = [*prefix, *[cell(source) for cell in self.cells]]
        # The innermost loop of an export (a million cells for 10,000 Workplans): the
        # exact types of nearly every cell are tried first.
        write_string = sheet.write_string
        for index, value in enumerate(values):
            kind = type(value)
            if kind is str:
                write_string(row, index, neutralize(value))
            elif value is None:
                if empty is not None:
                    write_string(row, index, empty)
            elif kind is int or kind is float:
                sheet.write_number(row, index, value, formats[index])
            elif isinstance(value, datetime.date):  # datetimes too
                sheet.write_datetime(row, index, value, formats[index])
            elif kind is bool:
                sheet.write_boolean(row, index, value)
            elif isinstance(value, str):
                write_string(row, index, neutralize(value))
            else:
                sheet.write_number(row, index, value, formats[index])
        if row <= MEASURED_ROWS:
            widths = self.widths
            for index, value in enumerate(values):
                value = empty if value is None else value
                if value is not None:
                    widths[index] = max(widths[index], _width(value, formats[index]))

    def close(self) -> None:
        # A full temporary folder must fail here, not inside XlsxWriter's close, which
        # would then leave its zip open for the garbage collector to fail on.
        rows_file = getattr(self.sheet, "row_data_fh", None)
        if rows_file is not None:
            rows_file.flush()
        for index, width in enumerate(self.widths):
            self.sheet.set_column(index, index, min(WIDEST, width + 1))
        self.sheet.autofilter(0, 0, self.rows, max(0, len(self.headers) - 1))


def _width(value: Any, number_format: Any) -> int:
    text = str(value)
    longest = max((len(line) for line in text.splitlines()), default=0)
    return longest + (_FORMAT_EXTRA if number_format is not None else 0)


def xlsx_file(job: ExportJob) -> BinaryIO:
    """The XLSX of ``job``, in memory, ready to read. The rows go to XlsxWriter's
    temporary files as they are written, in a folder removed afterwards whatever
    happens; only the compressed workbook is held (about 0.4 kB a Workplan).
    The zip is built in memory on purpose: a zip file on a full disk fails again when
    it is garbage-collected, far from here. A full or read-only temporary folder raises
    :class:`OSError`."""
    form, labels, locale = job.form, job.labels, job.locale
    columns = export_columns(form, job.columns, labels, locale, sheets=True)
    import xlsxwriter  # on the first XLSX, not when a worker starts (2 MiB)
    from xlsxwriter.exceptions import FileCreateError

    target = io.BytesIO()
    folder = None
    try:
        # XlsxWriter's own temporary files go in a folder of ours, removed whatever happens.
        folder = tempfile.mkdtemp(prefix="formkit-export-")
        book = xlsxwriter.Workbook(target, {**BOOK_OPTIONS, "tmpdir": folder})
        with force_locale(locale):
            main_name = unique_sheet_name(_("Responses") if labels else form.id, set())
            reference = _("Reference") if labels else "response"
            row_title = _("Row") if labels else "row"
        main = _Sheet(book, main_name, [c.header for c in columns],
                      [c.cell for c in columns], [c.number_format for c in columns], labels)
        tables = []
        for plan in export_sheets(form, labels, locale, main_name):
            sheet = plan.sheet
            tables.append((plan.field_id, sheet.rows, _Sheet(
                book, plan.name, [reference, row_title, *(c.header for c in sheet.columns)],
                [c.cell for c in sheet.columns],
                ["", "", *(c.number_format for c in sheet.columns)], labels)))
        for response in job.responses:
            main.append(response)
            for field_id, rows, table in tables:
                for number, row in enumerate(rows(response.answers.get(field_id)), start=1):
                    table.append(row, (response.shown_reference if labels else response.id,
                                       number))
        main.close()
        for _field_id, _rows, table in tables:
            table.close()
        book.close()
    except BaseException as error:
        with contextlib.suppress(Exception):  # a database cursor left open mid-way
            getattr(job.responses, "close", lambda: None)()
        book = None
        gc.collect()  # XlsxWriter's open files are closed now, not at a random moment
        cause = error.args[0] if isinstance(error, FileCreateError) and error.args else None
        if isinstance(cause, OSError):  # XlsxWriter wraps a full or read-only disk
            raise cause from error
        raise
    finally:
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
    target.seek(0)
    return target

"""Reading an XLSForm workbook the way pyxform (the converter ODK and KoboToolbox use)
reads it: sheet names in any case, only the used range of each sheet, and every column
header and question type spelling pyxform accepts, turned into one canonical name.

The aliases are copied from ``pyxform/aliases.py`` and its question type dictionary
(pyxform is a test dependency, not a runtime one); ``tests/test_xlsform_fidelity.py``
checks they still agree with it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

#: pyxform ends a sheet after this many empty rows in a row, and the header after this
#: many empty cells: a sheet formatted to a million rows is read to its last answer.
EMPTY_ROWS_END = 60
EMPTY_COLUMNS_END = 20

SURVEY_ALIASES = {
    "relevance": "relevant", "caption": "label", "tag": "name", "value": "name",
    "command": "type", "calculate": "calculation", "count": "repeat_count",
    "jr:count": "repeat_count", "constraining_message": "constraint_message",
    "requiredmsg": "required_message", "noapperrorstring": "no_app_error_string",
    "read_only": "readonly", "image": "media::image", "big-image": "media::big-image",
    "audio": "media::audio", "video": "media::video",
}
#: (``list name`` needs no alias: in snake case it is ``list_name``)
CHOICES_ALIASES = {
    "caption": "label", "value": "name",
    "image": "media::image", "big-image": "media::big-image", "audio": "media::audio",
    "video": "media::video",
}
SETTINGS_ALIASES = {"set_form_title": "form_title", "title": "form_title",
                    "set_form_id": "form_id", "id_string": "form_id"}
ALIASES = {"survey": SURVEY_ALIASES, "choices": CHOICES_ALIASES,
           "settings": SETTINGS_ALIASES}


#: pyxform's spellings of the select commands (``aliases.select``), longest first
SELECT_COMMANDS = {
    "add select one prompt using": "select_one", "add select multiple prompt using":
    "select_multiple", "select all that apply from": "select_multiple",
    "select one from file": "select_one_from_file",
    "select multiple from file": "select_multiple_from_file",
    "select_one_from_file": "select_one_from_file",
    "select_multiple_from_file": "select_multiple_from_file",
    "select_one_external": "select_one_external", "select all that apply":
    "select_multiple", "select one from": "select_one", "select_multiple": "select_multiple",
    "select_one": "select_one", "select one": "select_one", "select1": "select_one",
    "rank": "rank",
}
#: other question type spellings pyxform accepts (``question_type_dictionary``)
TYPE_ALIASES = {"int": "integer", "string": "text", "q int": "integer", "q string": "text",
                "add text prompt": "text", "add integer prompt": "integer",
                "add decimal prompt": "decimal", "add date prompt": "date",
                "add note prompt": "note", "q note": "note", "q date": "date",
                "q decimal": "decimal", "add acknowledge prompt": "acknowledge",
                "q acknowledge": "acknowledge", "imei": "deviceid",
                "add image prompt": "image", "add photo prompt": "image",
                "date time": "datetime", "datetime": "datetime", "location": "geopoint",
                "gps": "geopoint", "add calculate prompt": "calculate"}
CONTROL = re.compile(r"^(?P<edge>begin|end)[ _](?P<what>looped group|lgroup|repeat|group|loop)"
                     r"\b", re.IGNORECASE)

def parse_type(text: str) -> tuple[str, str]:
    """``select one yn`` → ``("select_one", "yn")``; ``begin_group`` →
    ``("begin group", "")``; ``int`` → ``("integer", "")``."""
    text = " ".join(text.split())
    if match := CONTROL.match(text):
        what = match["what"].lower()
        what = "repeat" if what in ("looped group", "lgroup") else what
        return f"{match['edge'].lower()} {what}", ""
    lowered = text.lower()
    for command, kind in SELECT_COMMANDS.items():
        if lowered.startswith(command + " "):
            return kind, text[len(command):].strip()
    if lowered in TYPE_ALIASES:
        return TYPE_ALIASES[lowered], ""
    kind, _sep, argument = text.partition(" ")
    return kind.lower(), argument.strip()


@dataclass
class Row:
    """One spreadsheet row: ``{canonical header: value}`` and its row number."""

    sheet: str
    number: int
    cells: dict[str, Any]

    def get(self, column: str) -> str:
        value = self.cells.get(column)
        return "" if value is None else str(value).strip()


@dataclass
class Sheet:
    """The rows of one sheet, and header cells read as the same column as another."""

    rows: list[Row]
    repeated_headers: list[str]


def canonical_header(header: str, aliases: dict[str, str], double_colon: bool) -> str:
    """``List Name`` → ``list_name``, ``label:English`` → ``label::english``,
    ``image::French (fr)`` → ``media::image::french (fr)``: pyxform's ``process_header``
    (first part in snake case, then its alias), lower case throughout."""
    if double_colon or "::" in header:
        tokens = [t.strip() for t in header.split("::")]
    else:
        tokens = [t.strip() for t in header.split(":")]
        if "jr" in tokens:  # jr:count written with single colons
            at = tokens.index("jr")
            tokens[at:at + 2] = [":".join(tokens[at:at + 2])]
    first = "_".join(tokens[0].split()).lower()
    first = aliases.get(first, first)
    return "::".join([first, *(t.lower() for t in tokens[1:])])


def cell_text(value: Any) -> Any:
    """A cell as pyxform reads it: whole floats as integers, dates as ISO text. (pyxform
    also turns non-breaking spaces into spaces; they are kept here, as French
    typography needs them before ``?`` ``!`` ``:``.)"""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip()
    return value


def find_sheet(workbook, name: str):
    """The sheet called ``name`` in any case; a workbook of one sheet is its survey."""
    for title in workbook.sheetnames:
        if title.lower() == name:
            return workbook[title]
    if name == "survey" and len(workbook.sheetnames) == 1:
        return workbook[workbook.sheetnames[0]]
    return None


def read_sheet(workbook, name: str) -> Sheet:
    """The rows of sheet ``name`` that hold a value, up to the end of the used range.

    Read-only worksheets trust the size the file declares (a formatted sheet says
    1,048,576 rows) and pad to it, so reading stops, as pyxform does, after
    :data:`EMPTY_ROWS_END` empty rows in a row, and only the header's columns are read.
    """
    sheet = find_sheet(workbook, name)
    if sheet is None:
        return Sheet([], [])
    first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    header = _header_cells(first)
    if not any(header):
        return Sheet([], [])
    double_colon = any("::" in h for h in header if h)
    aliases = ALIASES.get(name, {})
    columns: list[str | None] = []
    repeated = []
    for cell in header:
        column = canonical_header(cell, aliases, double_colon) if cell else None
        if column in columns:
            repeated.append(cell)
            column = None
        columns.append(column)
    rows, empty_run = [], 0
    for number, cells in enumerate(sheet.iter_rows(min_row=2, max_col=len(columns),
                                                   values_only=True), start=2):
        mapped = {}
        for column, value in zip(columns, cells, strict=False):
            value = cell_text(value)
            if column and value not in (None, ""):
                mapped[column] = value
        if mapped:
            rows.append(Row(name, number, mapped))
            empty_run = 0
        else:
            empty_run += 1
            if empty_run > EMPTY_ROWS_END:
                break
    return Sheet(rows, repeated)


def _header_cells(first_row: tuple) -> list[str | None]:
    """Header texts up to the last one before a run of empty cells (pyxform's rule)."""
    cells: list[str | None] = []
    empty_run = 0
    for value in first_row:
        text = re.sub(r"\s+", " ", str(value)).strip() if value is not None else ""
        if not text:
            empty_run += 1
            if empty_run > EMPTY_COLUMNS_END:
                break
            cells.append(None)
        else:
            empty_run = 0
            cells.append(text)
    while cells and cells[-1] is None:
        cells.pop()
    return cells

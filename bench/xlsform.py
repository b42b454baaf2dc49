"""XLSForm import time against pyxform's on the same files, before and after reading only
the used range.

Two XLSForms of 300 questions (groups, yes/no and choice lists, conditions, English and
French): one as written, one whose survey sheet is formatted down to row 1,000,000, as a
sheet becomes when someone formats whole columns or copies a style to the bottom (each of
those rows is in the file, with styled empty cells). For each: pyxform's conversion to an
XForm (``convert``), formkit's import (``import_xlsform``), and "before": the importer's
former reading of the sheets (every row the file holds, then the empty ones dropped).
Medians of ``--repeat``; the formatted file is built once into ``--cache``.

Usage: python bench/xlsform.py [--repeat 3] [--cache /tmp/formkit-bench-xlsform]
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.styles import PatternFill
from pyxform.xls2xform import convert

from formkit.xlsform import import_xlsform

EN, FR = "label::English (en)", "label::French (fr)"
FORMATTED_TO = 1_000_000
STYLED_COLUMNS = 8


def build(path: Path) -> Path:
    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", EN, FR, "hint::English (en)", "hint::French (fr)",
                   "required", "relevant", "constraint", "appearance"])
    for group in range(30):
        survey.append(["begin group", f"part_{group}", f"Part {group}", f"Partie {group}"])
        survey.append(["select_one yn", f"asked_{group}", "Any?", "Y en a-t-il ?"])
        for i in range(8):
            name = f"q_{group}_{i}"
            kind = ("text", "integer", "select_one region", "date")[i % 4]
            survey.append([kind, name, f"Question {name}", f"Question {name}",
                           "A hint", "Une aide", "yes" if i % 3 == 0 else None,
                           f"selected(${{asked_{group}}}, 'yes')" if i % 2 else None,
                           ". >= 0 and . <= 120" if kind == "integer" else None])
        survey.append(["note", f"end_{group}", "Thanks", "Merci"])
        survey.append(["end group", f"part_{group}"])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", EN, FR])
    choices.append(["yn", "yes", "Yes", "Oui"])
    choices.append(["yn", "no", "No", "Non"])
    for key in ("north", "south", "east", "west"):
        choices.append(["region", key, key.title(), key.title()])
    settings = book.create_sheet("settings")
    settings.append(["form_id", "form_title", "version"])
    settings.append(["bench", "Bench", "1"])
    survey["A1"].fill = PatternFill("solid", "FFFF00")  # a style the formatted rows use
    book.save(path)
    return path


def format_to_the_bottom(source: Path, path: Path) -> Path:
    """A copy of ``source`` whose survey sheet holds formatted empty rows down to row
    :data:`FORMATTED_TO`, written straight into the sheet's XML (openpyxl would take
    minutes to write a million styled rows)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED
                                                         ) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                style = re.search(r'<c r="A1" s="(\d+)"', text)[1]
                last = max(int(n) for n in re.findall(r'<row r="(\d+)"', text))
                letters = "ABCDEFGH"[:STYLED_COLUMNS]
                rows = "".join(
                    f'<row r="{n}" s="{style}" customFormat="1">'
                    + "".join(f'<c r="{c}{n}" s="{style}"/>' for c in letters) + "</row>"
                    for n in range(last + 1, FORMATTED_TO + 1))
                text = text.replace("</sheetData>", rows + "</sheetData>")
                text = re.sub(r'<dimension ref="[^"]*"/>',
                              f'<dimension ref="A1:J{FORMATTED_TO}"/>', text)
                data = text.encode()
            zout.writestr(item, data)
    return path


def read_before(path: Path) -> int:
    """The importer's former reading: every row the file declares, kept in memory."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    count = 0
    for name in ("survey", "choices", "settings"):
        values = list(book[name].iter_rows(values_only=True))
        count += sum(1 for row in values[1:] if any(v not in (None, "") for v in row))
    book.close()
    return count


def timed(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/formkit-bench-xlsform"))
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    plain = build(args.cache / "plain.xlsx")
    formatted = args.cache / "formatted.xlsx"
    if not formatted.exists():  # delete the cache folder to build it again
        format_to_the_bottom(plain, formatted)
    print(f"{'file':<28} {'pyxform s':>10} {'formkit s':>10} {'ratio':>7} {'before s':>10}")
    for label, path in (("300 questions", plain),
                        (f"same, formatted to {FORMATTED_TO:,}", formatted)):
        form, _report = import_xlsform(path)
        assert sum(len(s["fields"]) for s in form["sections"]) == 300
        theirs = timed(lambda p=path: convert(xlsform=str(p)), args.repeat)
        ours = timed(lambda p=path: import_xlsform(p), args.repeat)
        before = timed(lambda p=path: read_before(p), 1)
        print(f"{label:<28} {theirs:>10.2f} {ours:>10.2f} {ours / theirs:>6.2f}× "
              f"{before:>10.2f}")


if __name__ == "__main__":
    main()

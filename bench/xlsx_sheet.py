"""The image of an XLSX sheet in the docs, drawn from the sheet's own cells.

The realistic French Workplan of ``bench/workplan_pdf.py`` is exported as XLSX by the
registered exporter (French labels); the sheet is read back with openpyxl and drawn
with Pillow in the shipped DejaVu font, as a spreadsheet shows it: column widths and
number formats from the file (amounts and percents as Canadian French writes them,
dates as stored: ISO), the frozen, filtered header in bold. No spreadsheet program is
needed, so the image is rebuilt anywhere.

Usage: python bench/xlsx_sheet.py [--sheet "Actions — Première priorité"]
                                  [--png docs/xlsx-actions.png]
"""

from __future__ import annotations

import argparse
import datetime
import io
import sys
import tempfile
from pathlib import Path

import openpyxl
from PIL import Image, ImageDraw, ImageFont

from formkit import create_app
from formkit.exporters import ExportJob
from formkit.formatting import format_money, format_number, format_percent
from formkit.review import plugin_columns
from formkit.state import current_registry, current_store
from formkit.storage import SUBMITTED, Response

sys.path.insert(0, str(Path(__file__).parent))
from workplan_pdf import ANSWERS, ROOT  # noqa: E402

FONTS = ROOT / "formkit" / "static" / "fonts"
PIXELS_PER_WIDTH = 7  # a spreadsheet column width unit, in pixels at 11 pt
ROW_HEIGHT = 22


def workbook() -> openpyxl.Workbook:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "FORMS_DIR": str(ROOT / "forms"),
                          "PLUGINS_DIR": str(ROOT / "plugins"), "SECRET_KEY": "bench"})
        with app.test_request_context("/?lang=fr"):
            registry = current_registry()
            form = registry.forms["workplan"]
            score = registry.hook.formkit_score(form=form, answers=ANSWERS, locale="fr")
            current_store().import_records([Response(
                id="", form_id=form.id, form_version=form.version, locale="fr",
                status=SUBMITTED, answers=ANSWERS, score=score, key="bench-xlsx",
                created="2026-11-27T14:02:00+00:00", submitted="2026-11-27T15:41:00+00:00")])
            job = ExportJob(form, current_store().iter_responses(form.id),
                            plugin_columns(form), True, "fr")
            body = registry.exporters["xlsx"].write(job).read()
    return openpyxl.load_workbook(io.BytesIO(body))


def shown(cell) -> str:
    """A cell's value as a French spreadsheet shows it, from its number format."""
    value, number_format = cell.value, cell.number_format or ""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M" if "h" in number_format else "%Y-%m-%d")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "$" in number_format:
            return format_money(value, "fr")
        if "%" in number_format:
            return format_percent(value, "fr")
        return format_number(value, "fr")
    return str(value)


def draw(sheet, path: Path) -> None:
    regular = ImageFont.truetype(str(FONTS / "DejaVuSans.ttf"), 13)
    bold = ImageFont.truetype(str(FONTS / "DejaVuSans-Bold.ttf"), 13)
    letters = [openpyxl.utils.get_column_letter(i + 1) for i in range(sheet.max_column)]
    widths = [int((sheet.column_dimensions[c].width or 10) * PIXELS_PER_WIDTH)
              for c in letters]
    rows = list(sheet.iter_rows())
    image = Image.new("RGB", (sum(widths) + 1, ROW_HEIGHT * len(rows) + 2), "white")
    pen = ImageDraw.Draw(image)
    y = 0
    for number, row in enumerate(rows):
        x = 0
        if number == 0:
            pen.rectangle([0, 0, image.width, ROW_HEIGHT], fill="#e8eef5")
        for cell, width in zip(row, widths, strict=False):
            text = shown(cell)
            font = bold if number == 0 else regular
            while text and pen.textlength(text, font=font) > width - (22 if number == 0
                                                                      else 8):
                text = text[:-1]
            right = isinstance(cell.value, int | float) and not isinstance(cell.value, bool)
            left = x + width - 6 - pen.textlength(text, font=font) if right else x + 4
            pen.text((left, y + 4), text, fill="black", font=font)
            if number == 0:  # the filter's button
                pen.text((x + width - 16, y + 4), "▾", fill="#555555", font=regular)
            pen.rectangle([x, y, x + width, y + ROW_HEIGHT], outline="#c8c8c8")
            x += width
        y += ROW_HEIGHT
    pen.line([0, ROW_HEIGHT, image.width, ROW_HEIGHT], fill="#666666", width=2)  # frozen
    image.save(path, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheet", default="Actions — Première priorité")
    parser.add_argument("--png", type=Path, default=ROOT / "docs" / "xlsx-actions.png")
    args = parser.parse_args()
    book = workbook()
    print("sheets:", ", ".join(book.sheetnames), file=sys.stderr)
    draw(book[args.sheet], args.png)
    print(f"{args.sheet} written to {args.png}", file=sys.stderr)


if __name__ == "__main__":
    main()

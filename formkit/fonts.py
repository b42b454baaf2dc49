"""The sans-serif family every PDF uses (DejaVu Sans), shipped in ``static/fonts`` with
its licence, so a PDF looks the same on any machine and every French character (and
Canadian syllabics) renders; and the width of text set in it, for laying out tables.

DejaVu Sans is the family most Linux servers already have, so PDFs made before it was
shipped look the same; it is a Debian package (``fonts-dejavu-core``), its licence
allows shipping it unchanged.
"""

from __future__ import annotations

import bisect
import functools
import struct
from array import array
from pathlib import Path

FONTS_DIR = Path(__file__).resolve().parent / "static" / "fonts"
REGULAR, BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"
FILES = frozenset({REGULAR, BOLD})
#: a character missing from the font (the renderer falls back): a wide guess, in em.
UNKNOWN_EM = 0.7


@functools.lru_cache(maxsize=len(FILES))
def font_bytes(name: str) -> bytes:
    """A shipped font file's bytes (``name`` one of :data:`FILES`)."""
    return (FONTS_DIR / name).read_bytes()


class Advances:
    """Each character's advance width in one font, read from its ``cmap`` and ``hmtx``
    tables: code points and widths in two sorted arrays (about 35 KiB a font).

    Read with :mod:`struct` rather than fontTools, which a chart on a form page would
    otherwise load into every worker (its modules and parsed tables: about 5 MiB) for
    two dozen numbers; ``tests/test_pdf_layout.py`` compares every character's width with
    fontTools' reading."""

    def __init__(self, data: bytes):
        tables = {data[at:at + 4]: struct.unpack_from(">II", data, at + 8)
                  for at in range(12, 12 + 16 * struct.unpack_from(">H", data, 4)[0], 16)}
        per_em = struct.unpack_from(">H", data, tables[b"head"][0] + 18)[0]
        metrics = struct.unpack_from(">H", data, tables[b"hhea"][0] + 34)[0]
        hmtx = tables[b"hmtx"][0]
        # glyphs past the last full metric share its advance (the TrueType rule)
        widths = struct.unpack_from(f">{2 * metrics}H", data, hmtx)[::2]
        codes, glyphs = _best_cmap(data, tables[b"cmap"][0])
        self.per_em = per_em
        self.codes = codes
        self.widths = array("H", (widths[min(g, metrics - 1)] for g in glyphs))

    def em(self, char: str) -> float:
        """The advance of ``char`` in em (:data:`UNKNOWN_EM` when the font lacks it)."""
        code = ord(char)
        at = bisect.bisect_left(self.codes, code)
        if at < len(self.codes) and self.codes[at] == code:
            return self.widths[at] / self.per_em
        return UNKNOWN_EM


def _best_cmap(data: bytes, cmap: int) -> tuple[array, array]:
    """Code points (sorted) and their glyph ids from the font's full-repertoire Unicode
    ``cmap`` subtable (format 12: what fontTools' ``getBestCmap`` picks in a font that
    has one, as both shipped faces do)."""
    count = struct.unpack_from(">H", data, cmap + 2)[0]
    subtables = {struct.unpack_from(">HH", data, cmap + 4 + 8 * n):
                 cmap + struct.unpack_from(">I", data, cmap + 8 + 8 * n)[0] for n in range(count)}
    at = subtables.get((3, 10), subtables.get((0, 4)))
    if at is None or struct.unpack_from(">H", data, at)[0] != 12:
        raise ValueError("the font has no format 12 Unicode cmap")
    codes, glyphs = array("I"), array("I")
    groups = struct.unpack_from(">I", data, at + 12)[0]
    for start, end, glyph in struct.iter_unpack(">III", data[at + 16:at + 16 + 12 * groups]):
        codes.extend(range(start, end + 1))
        glyphs.extend(range(glyph, glyph + end - start + 1))
    return codes, glyphs


@functools.lru_cache(maxsize=2)
def _advances(bold: bool) -> Advances:
    """The advances of the regular or bold face, read once per process."""
    return Advances((FONTS_DIR / (BOLD if bold else REGULAR)).read_bytes())


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """How wide ``text`` is on one line, in the unit of ``size`` (kerning ignored: a few
    percent)."""
    em = _advances(bold).em
    return size * sum(em(char) for char in text)


def text_width_mm(text: str, size_pt: float, *, bold: bool = False) -> float:
    """How wide ``text`` set at ``size_pt`` points is, in millimetres."""
    return text_width(text, size_pt, bold=bold) * 25.4 / 72

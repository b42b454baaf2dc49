"""The sans-serif family every PDF uses (DejaVu Sans), shipped in ``static/fonts`` with
its licence, so a PDF looks the same on any machine and every French character (and
Canadian syllabics) renders; and the width of text set in it, for laying out tables.

DejaVu Sans is the family most Linux servers already have, so PDFs made before it was
shipped look the same; it is a Debian package (``fonts-dejavu-core``), its licence
allows shipping it unchanged.
"""

from __future__ import annotations

import functools
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


@functools.lru_cache(maxsize=2)
def _advances(bold: bool) -> dict[int, float]:
    """Each character's advance width in em, read once from the font."""
    from fontTools.ttLib import TTFont  # on the first PDF table, not when a worker starts

    font = TTFont(FONTS_DIR / (BOLD if bold else REGULAR), lazy=True)
    metrics, per_em = font["hmtx"], font["head"].unitsPerEm
    return {code: metrics[glyph][0] / per_em for code, glyph in font.getBestCmap().items()}


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """How wide ``text`` is on one line, in the unit of ``size`` (kerning ignored: a few
    percent)."""
    advances = _advances(bold)
    return size * sum(advances.get(ord(char), UNKNOWN_EM) for char in text)


def text_width_mm(text: str, size_pt: float, *, bold: bool = False) -> float:
    """How wide ``text`` set at ``size_pt`` points is, in millimetres."""
    return text_width(text, size_pt, bold=bold) * 25.4 / 72

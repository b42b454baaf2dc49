"""How a table of answers fits a printed page, so no column is ever cut.

A table is printed on the portrait page when it is narrow enough, on a landscape page
(the PDF stylesheet's ``@page wide``) when only that holds it, and as one card per row
(each cell beside its header) when even landscape cannot hold it. The decision is made
from the text, measured in the PDF font (:func:`formkit.fonts.text_width_mm`): each
column needs room for its longest piece that cannot be broken (a word of letters is
hyphenated in the document's language, so it needs a syllable group; a number, an
amount, a date or a code needs all of it: ``12 000,00 $``), and wants its longest cell.
Columns then get fixed widths in proportion, so the printed table never grows past the
page (the stylesheet wraps and, in the last resort, breaks a word). No renderer is
asked: deciding costs a few dictionary look-ups per character.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from formkit.fonts import text_width_mm

PORTRAIT, LANDSCAPE, CARDS = "portrait", "landscape", "cards"
#: usable widths of a US Letter page with the stylesheet's 18 mm side margins.
PORTRAIT_MM = 215.9 - 2 * 18
LANDSCAPE_MM = 279.4 - 2 * 18
#: the size of table text in the PDF stylesheet (``.answer-table``).
SIZE_PT = 9
#: a cell's left and right padding and its rule, with a little room for kerning.
PADDING_MM = 3.6
#: more columns than this read badly on a portrait page, however short.
PORTRAIT_COLUMNS = 6
#: a long cell wants up to this many characters on a line, no more.
WANTED_CHARS = 28
#: the longest run of a hyphenated word kept on one line (pyphen breaks at syllables).
SYLLABLES = 8
_SPACES = re.compile(r"[ \t\n\r\f\v]+")  # not the no-break spaces: they join words
_LETTERS = re.compile(r"[^\W\d_]+[.,;:!?»)’]*")  # what hyphenation can break


@dataclass(frozen=True)
class Fit:
    """Where a table goes and, unless printed as cards, each column's share (percent)."""

    layout: str
    widths: tuple[float, ...] = ()


def _pieces(text: str) -> list[str]:
    """The parts of ``text`` that must each stay on one line."""
    pieces = []
    for word in _SPACES.split(text):
        for part in word.split("-"):  # a hyphen is a break opportunity
            if len(part) > SYLLABLES and _LETTERS.fullmatch(part):
                part = part[:SYLLABLES] + "-"
            pieces.append(part)
    return pieces


def _needed(text: str, bold: bool) -> float:
    return max((text_width_mm(p, SIZE_PT, bold=bold) for p in _pieces(text)), default=0.0)


def fit(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> Fit:
    """The layout of a table with these header texts and cell texts (row by row)."""
    needed, wanted = [], []
    for index, header in enumerate(headers):
        cells = [str(row[index]) for row in rows if index < len(row)]
        least = max([_needed(header, True), *(_needed(c, False) for c in cells)])
        longest = max([text_width_mm(c[:WANTED_CHARS], SIZE_PT) for c in cells], default=0.0)
        needed.append(least + PADDING_MM)
        wanted.append(max(least, longest) + PADDING_MM)
    total = sum(needed)
    if total <= PORTRAIT_MM and len(headers) <= PORTRAIT_COLUMNS:
        room = PORTRAIT_MM
        layout = PORTRAIT
    elif total <= LANDSCAPE_MM:
        room = LANDSCAPE_MM
        layout = LANDSCAPE
    else:
        return Fit(CARDS)
    # Each column gets what it needs, and the room left in proportion to what it wants
    # beyond that (the table spans the page: percentages of its width).
    extra = [w - n for n, w in zip(needed, wanted, strict=True)]
    share = min(1.0, (room - total) / sum(extra)) if sum(extra) else 0.0
    widths = [n + e * share for n, e in zip(needed, extra, strict=True)]
    scale = 100.0 / sum(widths)
    return Fit(layout, tuple(round(w * scale, 2) for w in widths))

"""How a table of answers fits a printed page, so no column is ever cut.

A table is printed on the portrait page when it is narrow enough, on a landscape page
(the PDF stylesheet's ``@page wide``) when only that holds it, and as one card per row
(each cell beside its header) when even landscape cannot hold it. The decision is made
from the text, measured in the PDF font (:func:`formkit.fonts.text_width_mm`): each
column needs room for its longest piece that cannot be broken (a word of letters is
hyphenated in the document's language, so it needs a syllable group; a number, an
amount, a date or a code needs all of it: ``12 000,00 $``; header words are kept whole
when the page allows), and wants its longest cell.
Columns then get fixed widths in proportion, so the printed table never grows past the
page (the stylesheet wraps and, in the last resort, breaks a word). No renderer is
asked: deciding costs a few dictionary look-ups per character.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

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


def _pieces(text: str, hyphenate: bool = True) -> list[str]:
    """The parts of ``text`` that must each stay on one line."""
    pieces = []
    for word in _SPACES.split(text):
        for part in word.split("-"):  # a hyphen is a break opportunity
            if hyphenate and len(part) > SYLLABLES and _LETTERS.fullmatch(part):
                part = part[:SYLLABLES] + "-"
            pieces.append(part)
    return pieces


def _needed(text: str, bold: bool, hyphenate: bool = True) -> float:
    return max((text_width_mm(p, SIZE_PT, bold=bold) for p in _pieces(text, hyphenate)),
               default=0.0)


def fit(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> Fit:
    """The layout of a table with these header texts and cell texts (row by row)."""
    if not headers:
        return Fit(PORTRAIT)
    whole, least, wanted = [], [], []  # per column: headers unbroken, or hyphenated too
    for index, header in enumerate(headers):
        cells = [str(row[index]) for row in rows if index < len(row)]
        content = max([0.0, *(_needed(c, False) for c in cells)])
        longest = max([text_width_mm(c[:WANTED_CHARS], SIZE_PT) for c in cells], default=0.0)
        whole.append(max(content, _needed(header, True, hyphenate=False)) + PADDING_MM)
        least.append(max(content, _needed(header, True)) + PADDING_MM)
        wanted.append(max(whole[-1], longest + PADDING_MM))
    # The first page shape that holds the table (headers may be hyphenated to fit).
    shapes = ([(PORTRAIT, PORTRAIT_MM)] if len(headers) <= PORTRAIT_COLUMNS else []) + [
        (LANDSCAPE, LANDSCAPE_MM)]
    for layout, room in shapes:
        if sum(least) <= room:
            return Fit(layout, _widths(least, [whole, wanted], room))
    return Fit(CARDS)


def _widths(least: list[float], tiers: list[list[float]], room: float) -> tuple[float, ...]:
    """Each column gets what it needs, then the room left goes to each tier of wishes in
    turn (headers whole, then the longest cells), in proportion to what each column
    lacks; as percentages of the table's width (it spans the page)."""
    widths = list(least)
    for tier in tiers:
        lacking = [max(0.0, want - have) for have, want in zip(widths, tier, strict=True)]
        spare = room - sum(widths)
        if spare <= 0 or not sum(lacking):
            continue
        share = min(1.0, spare / sum(lacking))
        widths = [have + lack * share for have, lack in zip(widths, lacking, strict=True)]
    scale = 100.0 / sum(widths)
    return tuple(round(w * scale, 2) for w in widths)


def fitted_table(caption: str | None, headers: Sequence[str],
                 rows: Sequence[Sequence[str]], row_headers: bool = True,
                 shown: Sequence[Sequence[Markup]] | None = None,
                 kind: str = "figures-table") -> Markup:
    """A table of texts (already formatted: numbers with :mod:`formkit.formatting`) laid
    out by :func:`fit`: the same markup on a page and in a PDF, never cut. Its first cell
    is a row header unless ``row_headers`` is false; with a ``caption`` it is a labelled
    region that scrolls on its own on a phone; ``shown``: the cells as printed (markup),
    when they are more than the texts measured; ``kind``: the table's own class, if any.
    Everything is escaped."""
    placed = fit(headers, rows)
    rows = rows if shown is None else shown
    if placed.layout == CARDS:
        meta = Markup("<p class='meta'>{}</p>").format(caption) if caption else Markup("")
        return Markup("<div class='answer-cards'>{}{}</div>").format(meta, Markup("").join(
            Markup("<dl class='answer-card'>{}</dl>").format(Markup("").join(
                Markup("<dt>{}</dt><dd>{}</dd>").format(header, cell)
                for header, cell in zip(headers, row, strict=True)))
            for row in rows))
    widths = Markup("").join(Markup("<col width='{}%'>").format(w) for w in placed.widths)
    head = Markup("").join(Markup("<th scope='col'>{}</th>").format(h) for h in headers)

    def cells(row: Sequence[str]) -> Markup:
        return Markup("").join(
            Markup("<th scope='row'>{}</th>" if index == 0 and row_headers
                   else "<td>{}</td>").format(cell)
            for index, cell in enumerate(row))

    body = Markup("").join(Markup("<tr>{}</tr>").format(cells(row)) for row in rows)
    classes = " ".join(c for c in ("answer-table", kind, f"fits-{placed.layout}") if c)
    table = Markup("<table class='{}'>{}<colgroup>{}"
                   "</colgroup><thead><tr>{}</tr></thead><tbody>{}</tbody></table>").format(
        classes, Markup("<caption>{}</caption>").format(caption) if caption
        else Markup(""), widths, head, body)
    if not caption:
        return table
    # scrolls sideways on a phone rather than squeezing seven columns (keyboard too)
    return Markup("<div class='table-scroll' tabindex='0' role='region' aria-label='{}'>{}"
                  "</div>").format(caption, table)

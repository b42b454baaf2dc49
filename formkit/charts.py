"""Charts as inline SVG, made on the server: no JavaScript, printable, usable in PDFs.

Every text is escaped (respondent text can label a bar). Each chart carries a title for
assistive technology. Text is 13 px (PDFs print charts at their own size, never scaled
down); the column of values is as wide as the widest value measured in the font, so a
label such as "12 000,00 $" is never clipped.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence

from markupsafe import Markup

from formkit.fonts import text_width

BAR = "#0b4f9c"
HIGHLIGHT = "#00703c"
TRACK = "#e8e8e8"
TEXT = "#1b1b1b"
#: the size of every chart text, in px: at least 12 px wherever the chart is printed.
FONT_PX = 13


def _lines(text: str, width: int, count: int = 2) -> list[str]:
    """A label over at most ``count`` lines, the last clipped with an ellipsis."""
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > count:
        last = " ".join(lines[count - 1:])
        lines = [*lines[: count - 1], last[: width - 1].rstrip() + "…"]
    return lines


PAD, LINE, BAR_HEIGHT = 6, 16, 13


#: a printed chart with its labels beside the bars: as wide as the PDF's text column.
SIDE_WIDTH = 640
#: the share of a side-labelled chart its labels take.
SIDE_LABELS = 0.45


def _rows_chart(rows: Sequence[tuple[str, float]], shown: list[str], title: str,
                width: int, least_value_width: float,
                bar: Callable[[int, float, float, int], Markup],
                side_labels: bool = False) -> Markup:
    """The frame both charts share: per row, its label over at most two lines above a
    track of the plot's width (or, ``side_labels``, beside it: a printed page is wide
    enough, and a chart of ten rows then takes half the height), what
    ``bar(index, plot, x, top)`` draws on it, and the row's ``shown`` value (bold)
    beside it; the value column as wide as its widest."""
    value_width = max([least_value_width,
                       *(text_width(t, FONT_PX, bold=True) + 12 for t in shown)])
    label_width = round(width * SIDE_LABELS) if side_labels else 0
    left = PAD + label_width
    plot = max(120, round(width - value_width - left))
    width = round(left + plot + value_width)
    # characters per label line: 58 over the whole width; beside the bar, its column's
    chars = max(12, int(label_width / (FONT_PX * 0.58))) if side_labels else 58
    drawn = []
    y = PAD
    for index, (label, _value) in enumerate(rows):
        lines = _lines(str(label), width=chars)
        label_text = Markup("").join(
            Markup('<tspan x="{x}" y="{y}">{t}</tspan>').format(x=PAD, y=y + 12 + LINE * i,
                                                                 t=text)
            for i, text in enumerate(lines)
        )
        top = y + 2 if side_labels else y + LINE * len(lines) + 2
        drawn.append(Markup(
            '<g><title>{full} – {shown}</title>'
            '<text fill="{text}">{label}</text>'
            '<rect x="{x}" y="{top}" width="{plot}" height="{bar}" fill="{track}"/>{drawn}'
            '<text x="{vx}" y="{vy}" fill="{text}" font-weight="bold">{shown}</text></g>'
        ).format(
            full=label, shown=shown[index], label=label_text, x=left, top=top, plot=plot,
            bar=BAR_HEIGHT, track=TRACK, drawn=bar(index, plot, left, top), text=TEXT,
            vx=left + plot + 6, vy=top + 11,
        ))
        y = (max(y + LINE * len(lines), top + BAR_HEIGHT) + 8 if side_labels
             else top + BAR_HEIGHT + 7)
    head = Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'font-family="formkit Sans, DejaVu Sans, Arial, sans-serif" font-size="{size}">'
        "<title>{t}</title>"
    ).format(w=width, h=y + PAD, t=title, size=FONT_PX)
    return head + Markup("").join(drawn) + Markup("</svg>")


def bar_chart(
    bars: Sequence[tuple[str, float]],
    *,
    maximum: float,
    title: str,
    value_label: Callable[[float], str] = lambda v: f"{v:g}",
    highlight: int = 0,
    width: int = 440,
    side_labels: bool = False,
) -> Markup:
    """A horizontal bar chart, each label above its bar so the chart stays narrow and
    readable when a phone scales it down (``side_labels``: beside it, :data:`SIDE_WIDTH`
    wide, for print); the first ``highlight`` bars are drawn in a second colour.

    :param bars: ``(label, value)`` in the order to draw, top to bottom.
    :param maximum: the value of a full-width bar (values above are drawn full).
    """
    def draw(index: int, plot: float, x: float, top: float) -> Markup:
        value = bars[index][1]
        share = 0.0 if maximum <= 0 else max(0.0, min(float(value) / maximum, 1.0))
        return Markup('<rect x="{x}" y="{top}" width="{bw:.1f}" height="{bar}" '
                      'fill="{colour}"/>').format(
            x=x, top=top, bw=plot * share, bar=BAR_HEIGHT,
            colour=HIGHLIGHT if index < highlight else BAR)

    return _rows_chart(bars, [value_label(value) for _label, value in bars], title,
                       SIDE_WIDTH if side_labels else width, 40.0, draw, side_labels)


FALL = "#a8200d"


def change_chart(
    rows: Sequence[tuple[str, float]],
    *,
    maximum: float,
    title: str,
    value_label: Callable[[float], str] = lambda v: f"{v:+g}",
    width: int = 440,
) -> Markup:
    """A chart of changes, each row's bar drawn from a middle line to the right (a rise)
    or to the left (a fall), its label above it and its value, with its sign, beside
    it: the sign says the direction, never the colour alone.

    :param rows: ``(label, change)`` in the order to draw, top to bottom.
    :param maximum: the size of change that fills half the width (larger ones are drawn
        to the edge).
    """
    def draw(index: int, plot: float, x: float, top: float) -> Markup:
        value = rows[index][1]
        share = 0.0 if maximum <= 0 else max(-1.0, min(float(value) / maximum, 1.0))
        middle = x + plot / 2
        length = plot / 2 * abs(share)
        return Markup(
            '<rect x="{bx:.1f}" y="{top}" width="{bw:.1f}" height="{bar}" fill="{colour}"/>'
            '<line x1="{mx:.1f}" x2="{mx:.1f}" y1="{top}" y2="{bottom}" stroke="{text}"/>'
        ).format(bx=middle if share >= 0 else middle - length, top=top, bw=length,
                 bar=BAR_HEIGHT, colour=BAR if share >= 0 else FALL, mx=middle,
                 bottom=top + BAR_HEIGHT, text=TEXT)

    return _rows_chart(rows, [value_label(value) for _label, value in rows], title, width,
                       48.0, draw)

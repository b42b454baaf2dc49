"""Charts as inline SVG, made on the server: no JavaScript, printable, usable in PDFs.

Every text is escaped (respondent text can label a bar). Each chart carries a title for
assistive technology; pages show the same figures in a table beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup

BAR = "#0b4f9c"
HIGHLIGHT = "#00703c"
TRACK = "#e8e8e8"
TEXT = "#1b1b1b"


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def bar_chart(
    bars: Sequence[tuple[str, float]],
    *,
    maximum: float,
    title: str,
    value_label: Callable[[float], str] = lambda v: f"{v:g}",
    highlight: int = 0,
    width: int = 640,
) -> Markup:
    """A horizontal bar chart; the first ``highlight`` bars are drawn in a second colour.

    :param bars: ``(label, value)`` in the order to draw, top to bottom.
    :param maximum: the value of a full-width bar (values above are drawn full).
    """
    label_width, value_width, row, pad = 230, 70, 30, 8
    plot = width - label_width - value_width - pad
    height = row * len(bars) + 2 * pad
    parts = [
        Markup('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
               'viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
               'font-family="DejaVu Sans, Arial, sans-serif" font-size="13">'
               "<title>{t}</title>").format(w=width, h=height, t=title)
    ]
    for index, (label, value) in enumerate(bars):
        y = pad + index * row
        share = 0.0 if maximum <= 0 else max(0.0, min(float(value) / maximum, 1.0))
        colour = HIGHLIGHT if index < highlight else BAR
        parts.append(Markup(
            '<g><title>{full} – {shown}</title>'
            '<text x="{lx}" y="{ty}" text-anchor="end" fill="{text}">{label}</text>'
            '<rect x="{bx}" y="{by}" width="{plot}" height="18" fill="{track}"/>'
            '<rect x="{bx}" y="{by}" width="{bw:.1f}" height="18" fill="{colour}"/>'
            '<text x="{vx}" y="{ty}" fill="{text}">{shown}</text></g>'
        ).format(
            full=label, shown=value_label(value), label=_clip(label, 32),
            lx=label_width - 6, ty=y + 14, bx=label_width, by=y + 1, plot=plot,
            bw=plot * share, colour=colour, track=TRACK, text=TEXT,
            vx=label_width + plot + 6,
        ))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)

"""Schematic region maps as inline SVG, made on the server (no tiles, scripts or network).

A plugin gives the shapes (SVG path data it drew, in the map's own coordinates), the
kinds of things it counts and the counts; this module draws each region with its name
and, per kind, a symbol and the count, and makes each region a link. Kinds differ by
symbol shape as well as colour (never colour alone); the plugin picks colours that keep
3:1 contrast against ``FILL``, ``SELECTED_FILL`` and the page. The drawing is
``role="img"`` with a title and description; pages show the same counts in a table
beside it, which is the accessible equivalent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup

TEXT = "#1b1b1b"
BORDER = "#505a5f"
FILL = "#f3f2f1"
SELECTED_FILL = "#dbe7f4"
#: the shapes symbols take, in the order kinds get them.
SYMBOLS = ("circle", "square", "triangle", "diamond")


@dataclass(frozen=True)
class MapKind:
    """One kind of thing counted, drawn as ``symbol`` in ``colour``."""

    key: str
    label: str
    colour: str
    symbol: str


@dataclass(frozen=True)
class MapRegion:
    """A region: ``shape`` is SVG path data; the name and counts are drawn from
    ``anchor`` (top left) down; ``href`` is where the region leads."""

    key: str
    label: str
    shape: str
    anchor: tuple[int, int]
    href: str


def symbol(kind: MapKind, x: float, y: float, size: float = 12) -> Markup:
    """The kind's symbol in a ``size`` box whose top left is ``(x, y)``."""
    half = size / 2
    cx, cy = x + half, y + half
    shapes = {
        "circle": '<circle cx="{cx}" cy="{cy}" r="{r}" fill="{c}"/>',
        "square": '<rect x="{x}" y="{y}" width="{s}" height="{s}" fill="{c}"/>',
        "triangle": '<polygon points="{cx},{y} {x2},{y2} {x},{y2}" fill="{c}"/>',
        "diamond": '<polygon points="{cx},{y} {x2},{cy} {cx},{y2} {x},{cy}" fill="{c}"/>',
    }
    return Markup(shapes[kind.symbol]).format(
        cx=cx, cy=cy, r=half, x=x, y=y, s=size, x2=x + size, y2=y + size, c=kind.colour)


def region_map(
    regions: Sequence[MapRegion],
    kinds: Sequence[MapKind],
    counts: Mapping[str, Mapping[str, int]],
    *,
    title: str,
    description: str,
    size: tuple[int, int],
    selected: str | None = None,
) -> Markup:
    """The map: every region with its name and a 2-column grid of ``symbol count`` per
    kind (``counts[region][kind]``, missing = 0), and a link per region.

    The drawing is one ``role="img"`` SVG; the region links lie over it in a second,
    transparent SVG hidden from assistive technology and out of the Tab order (links
    inside an image would be nested controls): keyboard and screen reader users have the
    same links in the table the page shows beside the map."""
    width, height = size
    drawing, links = [], []
    for region in regions:
        x, y = region.anchor
        fill = SELECTED_FILL if region.key == selected else FILL
        stroke = 3 if region.key == selected else 1.5
        cells = []
        for index, kind in enumerate(kinds):
            cx, cy = x + (index % 2) * 52, y + 22 + (index // 2) * 20
            count = counts.get(region.key, {}).get(kind.key, 0)
            cells.append(Markup('{sym}<text x="{tx}" y="{ty}" fill="{t}">{n}</text>').format(
                sym=symbol(kind, cx, cy), tx=cx + 16, ty=cy + 11, t=TEXT, n=count))
        drawing.append(Markup(
            '<g class="region-map__region" data-region="{key}">'
            '<path d="{shape}" fill="{fill}" stroke="{border}" stroke-width="{sw}"/>'
            '<text x="{x}" y="{ly}" fill="{t}" font-weight="bold">{label}</text>'
            "{cells}</g>"
        ).format(key=region.key, label=region.label, shape=region.shape, fill=fill,
                 border=BORDER, sw=stroke, x=x, ly=y + 13, t=TEXT,
                 cells=Markup("").join(cells)))
        links.append(Markup(
            '<a href="{href}" tabindex="-1" data-region="{key}"><title>{label}</title>'
            '<path d="{shape}"/></a>'
        ).format(href=region.href, key=region.key, label=region.label, shape=region.shape))
    return Markup(
        '<div class="region-map">'
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart region-map__drawing" '
        'role="img" aria-labelledby="region-map-title region-map-desc" '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'font-family="DejaVu Sans, Arial, sans-serif" font-size="13">'
        '<title id="region-map-title">{t}</title><desc id="region-map-desc">{d}</desc>'
        "{drawing}</svg>"
        '<svg xmlns="http://www.w3.org/2000/svg" class="region-map__links" '
        'aria-hidden="true" focusable="false" viewBox="0 0 {w} {h}">{links}</svg></div>'
    ).format(w=width, h=height, t=title, d=description,
             drawing=Markup("").join(drawing), links=Markup("").join(links))


def legend(kinds: Sequence[MapKind]) -> Markup:
    """Each kind's symbol beside its name (a small SVG per kind, hidden from assistive
    technology: the name is the text)."""
    return Markup("").join(Markup(
        '<li><svg aria-hidden="true" focusable="false" width="14" height="14" '
        'viewBox="0 0 14 14">{sym}</svg> {label}</li>'
    ).format(sym=symbol(kind, 1, 1), label=kind.label) for kind in kinds)

"""Colour contrast computed from the stylesheet itself (WCAG 2.1 1.4.3, 1.4.11, 2.4.7):
every text colour against every background it can sit on, and the focus ring against
every background in the sheet. axe checks only the pages it is shown; this checks every
rule, hover states included."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT

CSS = ROOT / "formkit" / "static" / "formkit.css"
PAGE = "#ffffff"


def luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    hexa = colour.lstrip("#")
    channels = [int(hexa[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def rules() -> dict[str, dict[str, str]]:
    """Selector → declarations (colours resolved), the :hover/:focus rules merged over
    their base rule; ``@media`` bodies included."""
    text = re.sub(r"/\*.*?\*/", "", CSS.read_text(), flags=re.S)
    found: dict[str, dict[str, str]] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
        declarations = dict(
            (name.strip(), value.strip())
            for name, value in re.findall(r"([\w-]+)\s*:\s*([^;]+)", body))
        for selector in selectors.split(","):
            found.setdefault(" ".join(selector.split()), {}).update(declarations)
    variables = {k: v for k, v in found.get(":root", {}).items() if k.startswith("--")}

    def resolve(value: str) -> str:
        return re.sub(r"var\((--[\w-]+)\)", lambda m: variables[m.group(1)], value)

    merged = {}
    for selector, declarations in found.items():
        base = re.sub(r":(hover|focus|focus-visible|active)\b", "", selector)
        merged[selector] = {k: resolve(v) for k, v in
                            {**found.get(base, {}), **declarations}.items()}
    return merged


def colour_of(value: str | None) -> str | None:
    match = re.search(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b", value or "")
    if not match:
        return None
    hexa = match.group(1).lower()
    return "#" + (hexa if len(hexa) == 6 else "".join(c * 2 for c in hexa))


def background(declarations: dict[str, str]) -> str | None:
    return colour_of(declarations.get("background-color") or declarations.get("background"))


def text_pairs() -> list[tuple[str, str, str]]:
    """(selector, text colour, background) for every rule that sets a text colour: its own
    background, an ancestor rule's (``.site-header a`` on ``.site-header``), or else every
    surface of the sheet (a background set without a text colour) and the page."""
    sheet = rules()
    surfaces = {PAGE} | {background(d) for d in sheet.values()
                         if background(d) and not colour_of(d.get("color"))}
    pairs = []
    for selector, declarations in sheet.items():
        text = colour_of(declarations.get("color"))
        if text is None:
            continue
        own = background(declarations)
        words = selector.split()
        ancestors = [background(sheet.get(" ".join(words[:n]), {}))
                     for n in range(len(words) - 1, 0, -1)]
        behind = own or next((a for a in ancestors if a), None)
        for back in [behind] if behind else sorted(surfaces):
            pairs.append((selector, text, back))
    return pairs


def test_the_parser_sees_the_sheet():
    pairs = text_pairs()
    assert ("body", "#1b1b1b", "#ffffff") in pairs
    assert (".site-header a", "#ffffff", "#0b3a6f") in pairs  # from the ancestor rule
    assert (".button:hover", "#ffffff", "#005a30") in pairs  # hover merged over base
    assert contrast("#ffbf47", "#ffffff") == pytest.approx(1.64, abs=0.01)
    assert len(pairs) > 40


def test_every_text_colour_reaches_4_5_to_1_on_its_backgrounds():
    weak = [f"{sel}: {text} on {back} = {contrast(text, back):.2f}"
            for sel, text, back in text_pairs() if contrast(text, back) < 4.5]
    assert not weak, "\n".join(weak)


def test_focus_ring_reaches_3_to_1_on_every_background():
    sheet = rules()
    focus = sheet[":focus-visible"]
    ring = [colour_of(focus.get("outline")), colour_of(focus.get("box-shadow"))]
    assert all(ring), f"focus ring colours not found: {focus}"
    for selector in (".input:focus", "select:focus", "textarea:focus"):
        assert sheet[selector].get("outline") == focus["outline"], selector
    backgrounds = {PAGE} | {background(d) for d in sheet.values() if background(d)}
    weak = [f"{back}: best {max(contrast(c, back) for c in ring):.2f}"
            for back in sorted(backgrounds) if max(contrast(c, back) for c in ring) < 3]
    assert not weak, "\n".join(weak)

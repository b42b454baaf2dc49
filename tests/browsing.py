"""What the browser tests share: Debian's Chromium and its flags, answering a page as a
person would, and the checks every page gets (axe-core, nothing scrolling sideways)."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def serious(page) -> list[str]:
    """Serious or critical accessibility problems axe-core finds on the page."""
    result = Axe().run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} node(s)"
            for v in result.response["violations"] if v["impact"] in ("serious", "critical")]


def sideways(page) -> int:
    """How many pixels the page scrolls sideways (0: it fits the window)."""
    return page.evaluate("document.documentElement.scrollWidth - "
                         "document.documentElement.clientWidth")


def answer(page, data: dict) -> None:
    """Type, tick or choose each answer of ``data`` present on the page."""
    for name, value in data.items():
        values = value if isinstance(value, list) else [value]
        field = page.locator(f'[name="{name}"]')
        if field.count() == 0:
            continue
        kind = field.first.get_attribute("type") or field.first.evaluate(
            "e => e.tagName.toLowerCase()")
        if kind in ("radio", "checkbox"):
            for one in values:
                page.locator(f'[name="{name}"][value="{one}"]').check()
        elif kind == "select":
            field.first.select_option(str(values[0]))
        else:
            field.first.fill(str(values[0]))

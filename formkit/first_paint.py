"""A first visit paints after one round trip: the stylesheet inline, then from the cache.

On a slow rural connection (2 s round trip) a ``<link rel="stylesheet">`` holds the first
paint back for a second round trip. A browser that has not received the current
stylesheet yet (no ``formkit_css`` cookie naming its version) gets it inline in a
``<style>`` element, which the Content-Security-Policy allows by its SHA-256 hash
(computed once per version of the file), and the file linked again at the very end of
the page: everything above it is painted without waiting for it, and it lands in the
browser's cache. (A ``<link rel="prefetch">`` was measured too: Chromium keeps it in a
prefetch cache that its network emulation still delays by a round trip on the next
page.) Later pages link the cached file, as before, and stay small.

Why a cookie and not the server's guess: the browser's cache is the browser's; the
cookie says "this browser was sent this version", and a new stylesheet (new version)
is inlined once more.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from pathlib import Path

from flask import Flask, current_app, g, request
from markupsafe import Markup

from formkit.assets import YEAR, digest

COOKIE = "formkit_css"
STYLESHEET = "formkit.css"


@functools.lru_cache(maxsize=8)
def _inline(path: str, mtime_ns: int) -> tuple[Markup, str]:
    text = Path(path).read_text(encoding="utf-8").strip()
    if "</" in text:  # nothing in our stylesheet may close the <style> element
        raise ValueError(f"{path} cannot be inlined: it contains '</'")
    source = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return Markup(text), f"'sha256-{source}'"


def _current() -> tuple[Markup, str]:
    path = Path(current_app.static_folder) / STYLESHEET
    return _inline(str(path), path.stat().st_mtime_ns)


def style_hash() -> str:
    """The CSP source that allows the inline stylesheet, e.g. ``'sha256-…'``."""
    return _current()[1]


def first_visit_stylesheet() -> Markup | None:
    """The stylesheet to inline if this browser has not been sent its version yet."""
    version = digest(STYLESHEET)
    if request.cookies.get(COOKIE) == version:
        return None
    g.formkit_inlined_css = version
    return _current()[0]


def init_app(app: Flask) -> None:
    app.jinja_env.globals["first_visit_stylesheet"] = first_visit_stylesheet

    @app.after_request
    def _remember_stylesheet(response):
        version = g.pop("formkit_inlined_css", None)
        if version and response.status_code < 400:
            response.set_cookie(COOKIE, version, max_age=YEAR, httponly=True,
                                samesite="Lax", secure=request.is_secure)
        return response

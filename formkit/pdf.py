"""PDFs with WeasyPrint: tagged (PDF/UA), self-contained, cached.

The HTML carries its own stylesheet and inline SVG charts, so the fetcher refuses every
URL — ``file:`` and remote alike: respondent text can never make the renderer read a
file or call out. A rendered PDF is kept under the instance folder, keyed by what it depends on (the
response and its last change, or the form's responses' stamp and the filters; the
language; the day, which the PDF prints), so exporting an unchanged response or summary
again costs neither the HTML nor the rendering.
"""

from __future__ import annotations

import datetime
import hashlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import weasyprint
from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup
from weasyprint.urls import URLFetcher

from formkit import __version__
from formkit.rendering import css_string

CACHE_LIMIT = 500


class RefusingFetcher(URLFetcher):
    """Loads nothing: our PDFs are self-contained."""

    def fetch(self, url, headers=None):
        raise ValueError(f"PDFs load no external resource ({url[:80]})")


def page_counter_css() -> Markup:
    """CSS ``content`` for the translated "Page 1 of 3" footer, with CSS counters."""
    template = _("Page %(num)s of %(total)s", num="\x00", total="\x01")
    before, _sep, rest = template.partition("\x00")
    middle, _sep, after = rest.partition("\x01")
    return Markup(f"{css_string(before)} counter(page) {css_string(middle)} counter(pages) "
                  f"{css_string(after)}")


def _cache_dir() -> Path:
    path = Path(current_app.instance_path) / "cache" / "pdf"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("*.pdf"), key=lambda p: p.stat().st_mtime)
    for old in files[: max(0, len(files) - CACHE_LIMIT)]:
        old.unlink(missing_ok=True)


def render(key_parts: Iterable[object], build_html: Callable[[], str]) -> bytes:
    """PDF bytes for what ``key_parts`` identify: from the cache, or ``build_html()``
    rendered and remembered."""
    parts = [__version__, weasyprint.__version__, datetime.date.today().isoformat(),
             *map(str, key_parts)]
    key = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    folder = _cache_dir()
    cached = folder / f"{key}.pdf"
    if cached.exists():
        os.utime(cached)  # recently used: kept longest
        return cached.read_bytes()
    pdf = render_uncached(build_html())
    tmp = folder / f"{key}.{os.getpid()}.tmp"
    tmp.write_bytes(pdf)
    os.replace(tmp, cached)
    _prune(folder)
    return pdf


def render_uncached(html: str) -> bytes:
    """WeasyPrint alone: what the cache saves, and what benchmarks compare against."""
    document = weasyprint.HTML(string=html, url_fetcher=RefusingFetcher(), base_url=None)
    return document.write_pdf(pdf_variant="pdf/ua-1")

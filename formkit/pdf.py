"""PDFs with WeasyPrint: tagged (PDF/UA), self-contained, cached.

The HTML carries its own stylesheet and inline SVG charts, so the fetcher refuses every
URL — ``file:`` and remote alike: respondent text can never make the renderer read a
file or call out. A rendered PDF is kept under the instance folder, keyed by what it
depends on (the response and its last change, or the form's responses' stamp and the
filters; the language; the day, which the PDF prints; and :func:`renderer_fingerprint`,
what renders it), so exporting an unchanged response or summary again costs neither the
HTML nor the rendering, and a deploy that changes a template or a plugin never serves a
stale PDF.

The cache is laid out by what a PDF holds, so forgetting personal data is a directory
removal, not a scan (:func:`forget_response`)::

    cache/pdf/<form>/responses/<response>/<key>.pdf   one response's PDFs
    cache/pdf/<form>/summaries/<key>.pdf              the form's summary PDFs
    cache/pdf/_provincial/<key>.pdf                   the provincial reports

The cache is optional: a disk that refuses to keep a PDF (full, read-only) never stops
one being served. Files being written are named ``*.tmp``; ``formkit store vacuum``
removes those a crash left.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import inspect
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup

from formkit import __version__, fonts
from formkit.formatting import local_today
from formkit.rendering import css_string
from formkit.state import current_registry

if TYPE_CHECKING:
    import weasyprint

CACHE_LIMIT = 500
log = logging.getLogger(__name__)


#: how the stylesheet's ``@font-face`` rules name the shipped fonts (formkit.fonts).
FONT_SCHEME = "formkit-font:"


def refusing_fetcher():
    """A WeasyPrint URL fetcher that loads nothing but the shipped fonts
    (``formkit-font:<file>``): our PDFs are self-contained, and respondent text can name
    no file or address.

    WeasyPrint (with Pillow, fontTools, lxml: about 25 MiB) is imported on the first
    PDF, not when a worker starts: most workers only serve form pages."""
    return _refusing_fetcher_class()()


@functools.cache
def _refusing_fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class _RefusingFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            name = url[len(FONT_SCHEME):] if url.startswith(FONT_SCHEME) else None
            if name in fonts.FILES:
                return URLFetcherResponse(url, fonts.font_bytes(name),
                                          {"Content-Type": "font/ttf"})
            raise ValueError(f"PDFs load no external resource ({url[:80]})")

    return _RefusingFetcher


def page_counter_css() -> Markup:
    """CSS ``content`` for the translated "Page 1 of 3" footer, with CSS counters."""
    template = _("Page %(num)s of %(total)s", num="\x00", total="\x01")
    before, _sep, rest = template.partition("\x00")
    middle, _sep, after = rest.partition("\x01")
    return Markup(f"{css_string(before)} counter(page) {css_string(middle)} counter(pages) "
                  f"{css_string(after)}")


def cache_root() -> Path:
    """Where this server keeps its PDFs."""
    return Path(current_app.instance_path) / "cache" / "pdf"


_PLAIN_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$")


def _folder_name(name: str) -> str:
    # Ids are plain in both stores; anything else (a restored id) gets a hashed name.
    if _PLAIN_NAME.match(name) and ".." not in name:
        return name
    return "h-" + hashlib.sha256(name.encode()).hexdigest()[:40]


def response_folder(form_id: str, response_id: str) -> Path:
    """The folder of one response's cached PDFs."""
    return cache_root() / _folder_name(form_id) / "responses" / _folder_name(response_id)


def summary_folder(form_id: str) -> Path:
    """The folder of a form's cached summary PDFs."""
    return cache_root() / _folder_name(form_id) / "summaries"


def provincial_folder() -> Path:
    """The folder of the provincial reports (figures across teams, published stories)."""
    return cache_root() / "_provincial"  # never a form id: no form shares it


def forget_response(form_id: str, response_id: str) -> None:
    """Remove a deleted response's cached PDFs, its form's summary PDFs and the
    provincial reports (they were made with it): all hold data from it."""
    for folder in (response_folder(form_id, response_id), summary_folder(form_id),
                   provincial_folder()):
        try:
            shutil.rmtree(folder)
        except FileNotFoundError:
            pass
        except OSError as error:
            # The record is gone; say loudly which personal data is left to remove.
            log.error("could not remove the cached PDFs in %s: %s", folder, error)


def _plugin_version(plugin: object, distributions: dict[str, list[str]]) -> str:
    """A plugin's version: its ``__version__``, its distribution's version, and a hash of
    its module's source (a file in ``plugins/`` often has no version)."""
    module = inspect.getmodule(plugin) or plugin
    name = getattr(module, "__name__", "") or ""
    parts = [str(getattr(module, "__version__", ""))]
    for dist in distributions.get(name.split(".")[0], []):
        with suppress(importlib.metadata.PackageNotFoundError):
            parts.append(f"{dist}=={importlib.metadata.version(dist)}")
    source = getattr(module, "__file__", None)
    if source:
        with suppress(OSError):
            parts.append(hashlib.sha256(Path(source).read_bytes()).hexdigest())
    return " ".join(parts)


def renderer_fingerprint() -> str:
    """A hash of what renders PDFs besides the data: formkit's and WeasyPrint's versions,
    the source of every template the application can load (formkit's, plugins', the PDF
    stylesheet ``pdf/_style.css``) and each plugin's name and version. Computed once per
    application: templates and plugins change with a deploy, which starts new ones."""
    extensions = current_app.extensions
    if "formkit_pdf_fingerprint" not in extensions:
        import weasyprint

        digest = hashlib.sha256(f"{__version__}\n{weasyprint.__version__}\n".encode())
        env = current_app.jinja_env
        for name in sorted(env.list_templates()):
            source = env.loader.get_source(env, name)[0]
            digest.update(f"{name}\n{len(source)}\n{source}".encode())
        distributions = importlib.metadata.packages_distributions()  # slow: once
        for name, plugin in current_registry().pm.list_name_plugin():
            version = _plugin_version(plugin, distributions)
            digest.update(f"plugin {name} {version}\n".encode())
        extensions["formkit_pdf_fingerprint"] = digest.hexdigest()
    return extensions["formkit_pdf_fingerprint"]


def _read_cached(path: Path) -> bytes | None:
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:  # a failing disk: render afresh
        log.warning("cannot read the cached PDF %s: %s", path, error)
        return None
    with suppress(OSError):  # a read-only disk still serves what it has
        os.utime(path)  # recently used: kept longest
    return body


def _keep(folder: Path, name: str, body: bytes) -> None:
    """Store a rendered PDF atomically; a disk that refuses is logged, not raised."""
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=name + ".", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
        os.replace(tmp, folder / name)
    except OSError as error:
        log.warning("PDF served without caching it in %s: %s", folder, error)
        if tmp:
            with suppress(OSError):
                os.unlink(tmp)
        return
    _prune(cache_root())


def _prune(root: Path) -> None:
    """Keep the :data:`CACHE_LIMIT` most recently used PDFs."""
    dated = []
    for path in root.rglob("*.pdf"):
        with suppress(OSError):
            if path.parent == root:  # the flat layout of earlier versions: never served
                path.unlink()
            else:
                dated.append((path.stat().st_mtime, path))
    dated.sort()
    for _mtime, old in dated[: max(0, len(dated) - CACHE_LIMIT)]:
        with suppress(OSError):
            old.unlink()


def render(key_parts: Iterable[object], build_html: Callable[[], str], folder: Path) -> bytes:
    """PDF bytes for what ``key_parts`` identify: from the cache in ``folder``
    (:func:`response_folder` or :func:`summary_folder`), or ``build_html()`` rendered
    and remembered there."""
    # the day is part of the key: results count from today (overdue actions, ages)
    parts = [renderer_fingerprint(), local_today().isoformat(), *map(str, key_parts)]
    name = hashlib.sha256("\n".join(parts).encode()).hexdigest() + ".pdf"
    cached = _read_cached(folder / name)
    if cached is not None:
        return cached
    body = render_uncached(build_html())
    _keep(folder, name, body)
    return body


def layout(html: str) -> weasyprint.Document:
    """The laid-out pages of ``html`` (tests check where each box lies)."""
    import weasyprint

    # Presentational hints: the column widths of tables (formkit.table_fit) are HTML
    # attributes, which a Content-Security-Policy without inline styles lets pages keep.
    document = weasyprint.HTML(string=html, url_fetcher=refusing_fetcher(), base_url=None)
    return document.render(pdf_variant="pdf/ua-1", presentational_hints=True)


def render_uncached(html: str) -> bytes:
    """WeasyPrint alone: what the cache saves, and what benchmarks compare against."""
    return layout(html).write_pdf(pdf_variant="pdf/ua-1")

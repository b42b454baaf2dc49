"""Static files under content-hashed names, cached by browsers for a year.

``asset_url("formkit.css")`` gives ``/assets/formkit.3f2a9c1d.css``; a changed file gets a
new name, so a slow rural connection downloads the stylesheet and script once, not on
every page, and never keeps a stale copy. Each version is compressed once (brotli at its
best level, or gzip), not on every request. ``/favicon.ico`` answers too: browsers ask
for it on a first visit, and a 404 would cost a round trip on every one.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import mimetypes
import os
from pathlib import Path

import brotli
from flask import Blueprint, Flask, Response, abort, current_app, request, url_for

bp = Blueprint("assets", __name__)
YEAR = 365 * 24 * 3600
WEEK = 7 * 24 * 3600
#: what a browser may receive instead of the file itself, best first
ENCODINGS = ("br", "gzip")


@functools.lru_cache(maxsize=64)
def _digest(path: str, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def digest(filename: str) -> str:
    path = Path(current_app.static_folder) / filename
    return _digest(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _encoded(path: str, mtime_ns: int, encoding: str | None) -> bytes:
    data = Path(path).read_bytes()
    if encoding == "br":
        return brotli.compress(data, quality=11)
    if encoding == "gzip":
        return gzip.compress(data, 9, mtime=0)
    return data


def _send(path: Path, max_age: int) -> Response:
    """The file, compressed as the browser accepts (once per version of the file)."""
    encoding = request.accept_encodings.best_match(ENCODINGS)
    mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if not mimetype.startswith(("text/", "application/javascript")):
        encoding = None  # images are compressed already
    response = Response(_encoded(str(path), path.stat().st_mtime_ns, encoding),
                        mimetype=mimetype)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    response.add_etag()
    return response.make_conditional(request)


def asset_url(filename: str) -> str:
    stem, _dot, ext = filename.rpartition(".")
    return url_for("assets.asset", stem=stem, version=digest(filename), ext=ext)


@bp.get("/assets/<stem>.<version>.<ext>")
def asset(stem: str, version: str, ext: str):
    filename = f"{stem}.{ext}"
    folder = Path(current_app.static_folder)
    # os.path.isfile, not Path.is_file: a name too long for the file system (or holding
    # NUL) is False there, where Path.is_file raises.
    if "/" in filename or not os.path.isfile(folder / filename) or digest(filename) != version:
        abort(404)
    response = _send(folder / filename, YEAR)
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response


@bp.get("/favicon.ico")
def favicon():
    # a fixed address, so cached for a week rather than a year
    return _send(Path(current_app.static_folder) / "favicon.ico", WEEK)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["asset_url"] = asset_url

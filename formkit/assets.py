"""Static files under content-hashed names, cached by browsers for a year.

``asset_url("formkit.css")`` gives ``/assets/formkit.3f2a9c1d.css``; a changed file gets a
new name, so a slow rural connection downloads the stylesheet and script once, not on
every page, and never keeps a stale copy.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, send_from_directory, url_for

bp = Blueprint("assets", __name__)
YEAR = 365 * 24 * 3600


@functools.lru_cache(maxsize=64)
def _digest(path: str, mtime_ns: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def digest(filename: str) -> str:
    path = Path(current_app.static_folder) / filename
    return _digest(str(path), path.stat().st_mtime_ns)


def asset_url(filename: str) -> str:
    stem, _dot, ext = filename.rpartition(".")
    return url_for("assets.asset", stem=stem, version=digest(filename), ext=ext)


@bp.get("/assets/<stem>.<version>.<ext>")
def asset(stem: str, version: str, ext: str):
    filename = f"{stem}.{ext}"
    folder = Path(current_app.static_folder)
    try:
        found = (folder / filename).is_file()
    except OSError:  # a name the file system refuses (too long): no such asset
        found = False
    if not found or "/" in filename or digest(filename) != version:
        abort(404)
    response = send_from_directory(folder, filename, max_age=YEAR)
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["asset_url"] = asset_url

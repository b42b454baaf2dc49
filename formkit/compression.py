"""Compressed responses for slow connections (Flask-Compress).

Pages, JSON and SVG go out as brotli or gzip, whichever the browser accepts (brotli
first: about 15 % smaller on our pages). Stylesheets and scripts are compressed once per
file version by :mod:`formkit.assets`, which sets ``Content-Encoding`` itself, so they
pass through here untouched. Streamed responses (CSV, XLSX and PDF downloads, large
files) are left as they are: they are not what a respondent waits for.
"""

from __future__ import annotations

from flask import Flask
from flask_compress import Compress

MIMETYPES = ["text/html", "text/css", "text/javascript", "application/javascript",
             "application/json", "image/svg+xml", "text/plain"]


def init_app(app: Flask) -> None:
    """Register before every other ``after_request`` handler: Flask runs them in reverse
    order, so compression sees the finished body."""
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_MIMETYPES", MIMETYPES)
    app.config.setdefault("COMPRESS_STREAMS", False)
    Compress(app)

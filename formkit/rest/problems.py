"""Errors of the API as RFC 9457 problem details, in the request's language."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, request

MEDIA_TYPE = "application/problem+json"
PREFIX = "/api/"


def is_api_request() -> bool:
    """Whether the current request is for the API (errors are JSON there)."""
    return request.path == PREFIX.rstrip("/") or request.path.startswith(PREFIX)


def problem(status: int, title: str, detail: str, **extra: Any) -> Response:
    """A problem-details response: ``title`` says what kind of problem, ``detail`` what
    happened this time; ``extra`` adds members (``errors`` of a validation)."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail,
            **extra}
    # UTF-8 as is: French messages stay readable in a terminal.
    response = Response(json.dumps(body, ensure_ascii=False), status=status,
                        mimetype=MEDIA_TYPE)
    response.headers["Cache-Control"] = "no-store"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="formkit"'
    return response

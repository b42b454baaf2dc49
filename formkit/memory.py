"""Giving back to the system the memory a request that read a whole form used.

A summary or an export streams every response of a form: its own memory is freed
when it ends, but the C allocator keeps the freed heap pages for later, so a worker
that served one summary stayed about 1.5 MiB larger for the rest of its life
(bench/server.py). Views that read a whole form are decorated with
:func:`releases_memory`: once their response is sent, the allocator is asked to give
its free pages back (glibc's ``malloc_trim``; nothing elsewhere). Form pages are not:
they free little, and the trim costs a few milliseconds.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import current_app

_trim: Callable[[int], int] | None = None


def release_memory() -> bool:
    """Return the allocator's free pages to the system; whether it could (glibc)."""
    global _trim
    if _trim is None:
        import ctypes  # only once a worker served a whole-form read

        try:
            _trim = ctypes.CDLL(None).malloc_trim
        except (AttributeError, OSError):  # not glibc: the allocator has no such call
            _trim = lambda _pad: 0  # noqa: E731
    return bool(_trim(0))


def releases_memory(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a view that reads a whole form: :func:`release_memory` once its
    response has been sent (streamed responses included)."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        response = current_app.make_response(view(*args, **kwargs))
        response.call_on_close(lambda: release_memory())  # looked up at call time
        return response

    return wrapper

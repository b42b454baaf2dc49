"""Security by default: response headers, session cookies, and rate limits.

- Every response carries a Content-Security-Policy with no inline script, and no inline
  style but the stylesheet a first visit receives inline (allowed by its hash, see
  :mod:`formkit.first_paint`), ``X-Content-Type-Options``, a ``Referrer-Policy`` that keeps resume
  links out of other sites' logs, and a refusal to be framed.
- The session cookie is HttpOnly, SameSite=Lax, and Secure whenever the request came
  over HTTPS (directly or through a trusted proxy).
- Form posts are limited per address in each worker (a flood is cut off early, without
  a write per request); failed resume codes are counted per address in the store, across
  workers and servers, so codes cannot be guessed; so are new drafts, so a script cannot
  fill the store with them.
"""

from __future__ import annotations

import threading
import time
from collections import deque

from flask import Flask, current_app, request
from flask.sessions import SecureCookieSessionInterface

from formkit.first_paint import style_hash
from formkit.state import current_store
from formkit.storage import Response

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' {style}; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'; object-src 'none'")


class _SessionInterface(SecureCookieSessionInterface):
    def get_cookie_secure(self, app: Flask) -> bool:
        # Secure over HTTPS without a setting to forget; plain HTTP stays usable locally.
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)


class SlidingWindow:
    """At most ``limit`` events per ``window`` seconds per key, in this process."""

    def __init__(self, limit: int, window: float):
        self.limit, self.window = limit, window
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            if len(self._events) > 10_000:  # forget idle addresses
                for idle in [k for k, v in self._events.items() if not v]:
                    del self._events[idle]
            return True


def take_resume_attempt() -> bool:
    """Count one resume attempt from this address in the store (all workers and
    servers) *before* the code is checked; ``False`` when that goes over
    ``RESUME_FAILURES_PER_ADDRESS`` and the attempt must be refused. However many
    attempts arrive at once, at most the limit are checked. A code that matches gives
    its attempt back (:func:`give_back_resume_attempt`): only failures count."""
    limit, window = current_app.config["RESUME_FAILURES_PER_ADDRESS"]
    return current_store().hit(f"resume:{request.remote_addr}", window) <= limit


def give_back_resume_attempt() -> None:
    _limit, window = current_app.config["RESUME_FAILURES_PER_ADDRESS"]
    current_store().hit(f"resume:{request.remote_addr}", window, amount=-1)


def find_typed_reference(typed: str | None) -> Response | None:
    """The record a visitor (not signed in) names by its reference or id, e.g. to start
    a Workplan from a Wellbeing Guide. A reference is short enough to guess, so misses
    count against the address like wrong resume codes; over the limit nothing is found."""
    if not take_resume_attempt():
        return None
    found = current_store().find(typed)
    if found is not None:
        give_back_resume_attempt()
    return found


def over_draft_limit() -> bool:
    """Count one new draft from this address, in the store (all workers and servers);
    ``True`` when that goes over ``DRAFTS_PER_ADDRESS``. Counting before comparing keeps
    the limit exact under concurrency."""
    limit, window = current_app.config["DRAFTS_PER_ADDRESS"]
    return current_store().hit(f"drafts:{request.remote_addr}", window) > limit


def init_app(app: Flask) -> None:
    app.session_interface = _SessionInterface()
    limit, window = app.config["FORM_POSTS_PER_ADDRESS"]
    posts = SlidingWindow(limit, window)

    @app.before_request
    def _limit_form_posts():
        if request.method == "POST" and request.endpoint == "respond.page":
            if not posts.allow(request.remote_addr or "unknown"):
                from formkit.views.errors import render_error

                return render_error(429)
        return None

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP.format(style=style_hash()))
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

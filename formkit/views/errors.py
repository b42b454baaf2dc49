"""Error pages in the visitor's language; a CSRF failure on a form page keeps the input."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from formkit.storage import StoreUnavailable
from formkit.storage.faults import DiskUnavailable, is_disk_fault

log = logging.getLogger(__name__)


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood. Please go back and "
                                  "try again.")),
        403: (_("Not allowed"), _("You do not have access to this page.")),
        404: (_("Page not found"), _("We could not find that page or form. Check the address, "
                                     "or start from the list of forms.")),
        405: (_("Not allowed"), _("This page cannot be used that way.")),
        413: (_("Too much data"), _("What you sent is larger than this site accepts. Shorten "
                                    "long answers and try again.")),
        422: (_("Please check your answers"), _("Some answers could not be accepted.")),
        429: (_("Too many attempts"), _("Please wait a moment before trying again.")),
        503: (_("Please try again"), _("We could not reach our database just now. Nothing "
                                       "you saved is lost: please try again in a moment.")),
        500: (_("Something went wrong"), _("An unexpected error happened on our side. Your "
                                           "saved answers are safe; please try again.")),
    }


def render_error(code: int, detail: str | None = None):
    title, message = _messages().get(code, _messages()[400 if code < 500 else 500])
    from formkit.rest.problems import is_api_request, problem

    if is_api_request():  # API clients read problem details, not pages
        return problem(code, title, detail or message)
    return render_template("error.html", code=code, title=title, message=detail or message), code


def render_disk_full():
    """The 503 page for a disk that refuses writes (full, read-only, failing)."""
    return render_error(503, _(
        "We could not save just now: the server cannot write to its disk (it may be "
        "full). Nothing saved before is lost: please try again in a moment, and tell "
        "the site's administrator if this lasts."))


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        # Re-show a form page with what was typed and a fresh token: nothing is lost.
        if request.endpoint == "respond.page":
            from formkit.views.respond import rerender_with_input

            return rerender_with_input(_(
                "For your security, please press the button again: your session had "
                "expired. The answers on this page are still here."), 400)
        return render_error(400, _("Your session expired or the page was open too long. "
                                   "Please go back, reload the page and try again."))

    @app.errorhandler(StoreUnavailable)
    def _store_down(error: StoreUnavailable):
        log.warning("store unavailable on %s %s: %s", request.method, request.path, error)
        if request.endpoint == "respond.page" and request.method == "POST":
            from formkit.views.respond import rerender_with_input

            return rerender_with_input(_(
                "We could not save your answers just now. They are still on this page: "
                "please press the button again in a moment."), 503, read_store=False)
        if request.endpoint == "admin.login" and request.method == "POST":
            # Signing in writes (counters, last sign-in, audit): say so on the sign-in page.
            return render_template("admin/login.html", error=_(
                "We could not sign you in just now: the server cannot save its data (its "
                "disk may be full, or the database unreachable). Please try again in a "
                "moment; if this lasts, tell the site's administrator."),
                email=(request.form.get("email") or "").strip()[:254],
                next=request.form.get("next", "")), 503
        if isinstance(error, DiskUnavailable):
            return render_disk_full()
        return render_error(503)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code is None or error.code < 400:
            return error  # redirects raised by routing
        return render_error(error.code)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if is_disk_fault(error):
            # A write outside the store (a plugin's file, a library's temporary file) on a
            # full or read-only disk: the operator's problem, and it passes — not a 500.
            log.error("disk refused a write on %s %s: %s", request.method, request.path,
                      error)
            return render_disk_full()
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(500)

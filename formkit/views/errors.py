"""Error pages in the visitor's language; a CSRF failure on a form page keeps the input."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from formkit.storage import StoreUnavailable

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
    return render_template("error.html", code=code, title=title, message=detail or message), code


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
        return render_error(503)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code is None or error.code < 400:
            return error  # redirects raised by routing
        return render_error(error.code)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(500)

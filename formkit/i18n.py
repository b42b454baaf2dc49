"""Interface languages: ``?lang=``, then a cookie, then Accept-Language, then English."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from flask import Flask, current_app, flash, has_request_context, request, url_for
from flask_babel import Babel, force_locale, get_locale
from flask_babel import gettext as _

from formkit.babel_data import keep_what_formatting_reads

COOKIE = "lang"


def supported() -> list[str]:
    return list(current_app.config["LANGUAGES"])


def select_locale() -> str:
    languages = supported()
    if not has_request_context():  # the command line speaks the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    asked = request.args.get("lang")
    if asked in languages:
        return asked
    cookie = request.cookies.get(COOKIE)
    if cookie in languages:
        return cookie
    return request.accept_languages.best_match(languages) or languages[0]


def current_locale() -> str:
    return str(get_locale() or "en")


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale)
    keep_what_formatting_reads()  # before any locale loads: 2.3 MiB less in each worker

    @app.before_request
    def _unknown_language() -> None:
        asked = request.args.get("lang")
        if asked is not None and asked not in supported():
            flash(_("That language is not available; the page is shown in English or French."),
                  "warning")

    @app.after_request
    def _remember_language(response):
        asked = request.args.get("lang")
        if asked in supported() and request.cookies.get(COOKIE) != asked:
            response.set_cookie(COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax",
                                httponly=True, secure=request.is_secure)
        return response

    @app.context_processor
    def _language_context():
        locale = current_locale()
        return {
            "locale": locale,
            "other_locales": [lang for lang in supported() if lang != locale],
            "language_name": language_name,
            "lang_url": lang_url,
            "pair": pair,
        }


def translate(message: str, locale: str | None = None) -> str:
    """``message`` translated into ``locale`` (default: the current one), remembered per
    application: displays call this for every cell of an export, and switching the
    locale for each call would cost more than the rest of the export."""
    locale = str(locale or current_locale())
    cache = current_app.extensions.setdefault("formkit_phrases", {})
    key = (message, locale)
    if key not in cache:
        with force_locale(locale):
            cache[key] = _(message)
    return cache[key]


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "no-op"
    """Mark ``message`` for the catalog; :func:`translate` translates it later."""
    return message


def pair(label: str, value: object, locale: str | None = None) -> str:
    """"Label: value" as each language writes it (French puts a space before the colon)."""
    return translate(N_("%(label)s: %(value)s"), locale) % {"label": label, "value": value}


#: each language named in itself, as language switchers do.
_NAMES = {"en": "English", "fr": "Français"}


def language_name(code: str) -> str:
    return _NAMES.get(code, code)


def lang_url(code: str) -> str:
    """This page in another language (a GET link; form pages post instead).

    The query is carried over as data: passed to ``url_for`` as keywords, a query
    argument named ``endpoint``, ``_external`` or like a path parameter would clash."""
    if request.url_rule is None:
        return url_for("public.index", lang=code)
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return (quote(request.script_root + request.path)
            + "?" + urlencode([*args, ("lang", code)]))

"""How values look to people in every output: pages, PDFs, and exports with labels.

One place decides the empty value, dates, numbers, money, percents and timestamps, so a
PDF, the coordinator's response page, a CSV and an XLSX agree. Everything is formatted
by Babel with the Canadian variant of the reader's language (``en_CA``, ``fr_CA``):

- empty: ``—`` (:data:`EMPTY`), never "None", "null" or "[]";
- a day: ``1 Apr 2026`` / ``1er avril 2026`` (never ``11/22/26``: the day comes first
  and the month is a word in both languages);
- a number: ``1,234.5`` / ``1 234,5``; with fixed decimals ``2.0`` / ``2,0``;
- money: ``$12,000.00`` / ``12 000,00 $``; a percent: ``12%`` / ``12 %``;
- a timestamp: in the instance's time zone (``FORMKIT_TIMEZONE``, default
  America/Toronto), to the minute, zone named: ``22 Nov 2026, 12:05 p.m. EST`` /
  ``22 novembre 2026, 12 h 05 HNE``.

Machine outputs (exports with codes, JSON, the REST API) keep ISO 8601 UTC
(:func:`iso_utc`). This module imports only Babel, Flask and :mod:`formkit.i18n`, so any
layer may use it.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale, dates, numbers
from flask import current_app, has_app_context

from formkit.babel_data import load_alone
from formkit.i18n import N_, translate

#: what an unanswered question or an unknown value shows.
EMPTY = "\u2014"
#: the Canadian variant of each interface language.
CANADIAN = {"en": "en_CA", "fr": "fr_CA"}
DEFAULT_ZONE = "America/Toronto"


@functools.lru_cache(maxsize=8)
def babel_locale(locale: str) -> Locale:
    """The Canadian variant of a language, parsed once (parsing is most of a format call),
    its data loaded without keeping its parents' (``formkit.babel_data``)."""
    identifier = CANADIAN.get(str(locale)[:2], "en_CA")
    load_alone(identifier)
    return Locale.parse(identifier)


def _french(locale: str) -> bool:
    return str(locale).startswith("fr")


# -- empty ---------------------------------------------------------------------------
def is_empty(value: Any) -> bool:
    """Whether ``value`` shows nothing: ``None``, blank text, an empty list or mapping."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | set | Mapping):
        return not value
    return False


def or_empty(text: Any) -> Any:
    """``text`` unchanged, or :data:`EMPTY` when it shows nothing (the one rendering of an
    empty answer in PDFs, pages, CSV and XLSX). Numbers and dates pass through untouched,
    so a spreadsheet keeps their type."""
    return EMPTY if is_empty(text) else text


# -- days, times -------------------------------------------------------------------------
def local_today() -> datetime.date:
    """Today where the instance is (its time zone), from the application's clock: what
    "overdue" and "due in 30 days" are counted from."""
    from formkit import clock

    return datetime.datetime.fromtimestamp(clock.now(), instance_zone()).date()


def instance_zone() -> ZoneInfo:
    """The instance's time zone (``TIMEZONE`` setting), America/Toronto by default."""
    name = DEFAULT_ZONE
    if has_app_context():
        name = (current_app.config.get("TIMEZONE")
                or current_app.config.get("BABEL_DEFAULT_TIMEZONE") or DEFAULT_ZONE)
    return _zone(name)


@functools.lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _as_date(value: datetime.date | str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def format_day(value: datetime.date | str, locale: str) -> str:
    """A calendar day: ``1 Apr 2026`` / ``1er avril 2026`` (``value`` a date or ISO text).

    Babel's French has no ordinal first day; Canadian French writes "1er"."""
    day = _as_date(value)
    where = babel_locale(locale)
    if _french(locale):
        if day.day == 1:
            return "1er " + dates.format_date(day, "MMMM y", locale=where)
        return dates.format_date(day, "d MMMM y", locale=where)
    return dates.format_date(day, "d MMM y", locale=where)


def to_datetime(value: datetime.datetime | str | float | int) -> datetime.datetime:
    """An aware datetime from a stored ISO timestamp, epoch seconds or a datetime (naive
    ones are UTC, as the store writes them)."""
    if isinstance(value, int | float):
        return datetime.datetime.fromtimestamp(value, datetime.UTC)
    moment = value if isinstance(value, datetime.datetime) else (
        datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00")))
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def format_timestamp(value: datetime.datetime | str | float | int, locale: str,
                     zone: ZoneInfo | str | None = None) -> str:
    """A moment in the instance's time zone, to the minute, zone named:
    ``22 Nov 2026, 12:05 p.m. EST`` / ``22 novembre 2026, 12 h 05 HNE``."""
    tz = _zone(zone) if isinstance(zone, str) else (zone or instance_zone())
    local = to_datetime(value).astimezone(tz)
    where = babel_locale(locale)
    # Canadian French writes "9 h 05" (the CLDR pattern pads the hour: "09 h 05").
    clock = dates.format_time(local, "H 'h' mm" if _french(locale) else "short",
                              tzinfo=tz, locale=where)
    named = dates.format_time(local, "z", tzinfo=tz, locale=where)
    return f"{format_day(local.date(), locale)}, {clock} {named}"


def iso_utc(value: datetime.datetime | str | float | int) -> str:
    """A moment as ISO 8601 UTC to the second, ``2026-11-22T17:05:00Z`` (machine exports)."""
    moment = to_datetime(value).astimezone(datetime.UTC)
    return moment.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


# -- numbers -----------------------------------------------------------------------------
def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def format_number(value: float | int | Any, locale: str, decimals: int | None = None) -> str:
    """A number with the locale's grouping and decimal sign: ``1 234,5``; with
    ``decimals`` always that many digits (a mean of 2 shows ``2,0``)."""
    where = babel_locale(locale)
    if decimals is None:
        return numbers.format_decimal(value, locale=where)
    return numbers.format_decimal(value, format=_pattern(decimals), locale=where,
                                  decimal_quantization=True)


def format_mean(value: float | int | Any, locale: str) -> str:
    """A mean: at least one decimal, at most two (``2,0``, ``20,67``), so a mean reads
    as one even when it is whole."""
    return numbers.format_decimal(value, format="#,##0.0#", locale=babel_locale(locale))


def format_money(value: float | int | Any, locale: str, currency: str = "CAD") -> str:
    """An amount with its currency sign where the locale puts it: ``$12,000.00`` /
    ``12 000,00 $`` (Canadian dollars show as ``$`` in Canada)."""
    return numbers.format_currency(value, currency, locale=babel_locale(locale))


def format_percent(share: float | int | Any, locale: str, decimals: int = 0) -> str:
    """A share (0.125) as a percent: ``13%`` / ``13 %``; ``decimals=1``: ``12.5%``."""
    where = babel_locale(locale)
    pattern = where.percent_formats[None].pattern  # the locale's spacing and sign
    if decimals > 0:
        pattern = pattern.replace("0", "0." + "0" * decimals, 1)
    return numbers.format_percent(share, format=pattern, locale=where,
                                  decimal_quantization=True)


# -- codes -------------------------------------------------------------------------------
#: a response's stored state, as people read it ("soumise", not "submitted").
RESPONSE_STATES = {"draft": N_("draft"), "submitted": N_("submitted")}


def state_label(code: str, locale: str) -> str:
    """A response's state in ``locale``; an unknown code is shown as stored."""
    message = RESPONSE_STATES.get(code)
    return translate(message, locale) if message else str(code)

"""Short text (with formats: email, phone, Canadian postal code, URL) and long text."""

from __future__ import annotations

import re
from collections import deque
from typing import Any

from flask_babel import format_number, gettext
from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField, validators

from formkit.conditions import is_answered
from formkit.fields.autofill import CONTACT_NAMES, FIELD_NAMES, autofill_problem
from formkit.fields.base import (
    TEXTS_SHOWN,
    FieldSettings,
    FieldType,
    clean_text,
    label_text,
    number_option,
)
from formkit.i18n import current_locale
from formkit.suggest import closest

POSTAL_CODE = re.compile(  # ASCII digits: \d would take "٣" as well
    r"^([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z])\s*(\d[ABCEGHJ-NPRSTV-Z]\d)$", re.ASCII)


class _PhoneCheck:
    """A North American (or +country) phone number, via the phonenumbers library."""

    def __call__(self, form, field) -> None:
        text = (field.data or "").strip()
        if not text:
            return
        # imported on the first phone answer, not in every worker that starts (58
        # modules; the start-up test in tests/test_cli.py keeps it so)
        import phonenumbers

        try:
            number = phonenumbers.parse(text, "CA")
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_possible_number(number):
            raise validators.ValidationError(
                _l("Enter a phone number, for example 613-555-0123.")
            )


class _PostalCodeCheck:
    def __call__(self, form, field) -> None:
        text = (field.data or "").strip().upper()
        if text and not POSTAL_CODE.match(text):
            raise validators.ValidationError(
                _l("Enter a Canadian postal code, for example K1A 0B6.")
            )


class _WebAddressCheck:
    """Only http(s) addresses: a ``javascript:`` link shown to coordinators would be a trap."""

    def __call__(self, form, field) -> None:
        text = (field.data or "").strip().lower()
        if text and not text.startswith(("http://", "https://")):
            raise validators.StopValidation(
                _l("Enter a web address starting with https:// or http://."))


_FORMATS: dict[str, tuple[list, str, str]] = {
    # format: (validators, HTML input type, autocomplete)
    "email": ([validators.Email()], "email", "email"),
    "phone": ([_PhoneCheck()], "tel", "tel"),
    "postal_code": ([_PostalCodeCheck()], "text", "postal-code"),
    "url": ([_WebAddressCheck(), validators.URL(require_tld=True)], "url", "url"),
}


def _normalize(fmt: str | None, text: str) -> str:
    """Store formats in one canonical spelling."""
    if fmt == "postal_code":
        match = POSTAL_CODE.match(text.upper())
        return f"{match.group(1)} {match.group(2)}" if match else text
    if fmt == "phone":
        import phonenumbers  # on the first phone answer (see _PhoneCheck)

        try:
            number = phonenumbers.parse(text, "CA")
        except phonenumbers.NumberParseException:
            return text
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if fmt == "email":
        return text.lower() if text.isascii() else text
    return text


#: valid input per format (tests, benchmarks), and the shortest valid one for tight limits
_SAMPLES = {"email": "person@example.ca", "phone": "613-555-0123",
            "postal_code": "K1A 0B6", "url": "https://example.ca/"}
_SHORT_SAMPLES = {"email": "a@example.ca", "phone": "6135550123", "postal_code": "K1A0B6",
                  "url": "http://a.ca"}


class ShortText(FieldType):
    """``type: text`` — one line; ``format:`` email, phone, postal_code or url."""

    name = "text"
    cell = True
    options = frozenset({"format", "max_length", "autocomplete"})

    def configure(self, spec, options, ctx) -> None:
        super().configure(spec, options, ctx)
        fmt = options.get("format")
        if fmt is not None and fmt not in _FORMATS:
            ctx.error(options, f"field '{spec.id}': unknown format {fmt!r} "
                      f"(known: {', '.join(_FORMATS)})", spec.line)
        number_option(spec, options, "max_length", ctx, integer=True)
        if "autocomplete" in options:
            problem = autofill_problem(options["autocomplete"])
            if problem:
                ctx.error(options, f"field '{spec.id}': {problem}", spec.line,
                          suggestion=closest((str(options["autocomplete"]).split() or [""])[-1],
                                             FIELD_NAMES | CONTACT_NAMES))

    def holds_email(self, spec) -> bool:
        return spec.options.get("format") == "email"

    def _max_length(self, spec, settings: FieldSettings) -> int:
        return min(spec.options.get("max_length") or settings.max_text_length,
                   settings.max_text_length)

    def wtforms_field(self, spec, locale, settings):
        fmt = spec.options.get("format")
        checks, input_type, autocomplete = _FORMATS.get(fmt, ([], "text", None))
        render_kw = {"type": input_type}
        autocomplete = spec.options.get("autocomplete", autocomplete)
        if autocomplete:
            render_kw["autocomplete"] = autocomplete
        if spec.placeholder:
            render_kw["placeholder"] = spec.placeholder.get(locale)
        return StringField(
            label_text(spec.label, locale, spec.id),
            validators=[*self.required_validators(spec),
                        validators.Length(max=self._max_length(spec, settings)), *checks],
            render_kw=render_kw,
        )

    def sample_formdata(self, spec):
        fmt = spec.options.get("format")
        sample = _SAMPLES.get(fmt, "Sample answer")
        limit = spec.options.get("max_length")
        if limit and len(sample) > limit:  # the shortest valid spelling, else a prefix
            sample = _SHORT_SAMPLES.get(fmt, sample[:limit])
        return {spec.name: sample}

    def value_from(self, spec, field) -> Any:
        text = clean_text(field.data or "")
        return _normalize(spec.options.get("format"), text) if text else None

    def display(self, spec, value, locale) -> str:
        if not is_answered(value):
            return ""
        if spec.options.get("format") == "phone":
            import phonenumbers  # on the first phone answer (see _PhoneCheck)

            try:
                number = phonenumbers.parse(str(value), "CA")
                return phonenumbers.format_number(
                    number, phonenumbers.PhoneNumberFormat.NATIONAL
                    if number.country_code == 1 else phonenumbers.PhoneNumberFormat.INTERNATIONAL
                )
            except phonenumbers.NumberParseException:
                return str(value)
        return str(value)


class _TextLimit:
    """At most ``limit`` characters, saying by how much the text is over. Not
    ``Length``: its ``maxlength`` attribute makes browsers cut pasted text silently."""

    def __init__(self, spec, limit: int):
        self.spec, self.limit = spec, limit

    def __call__(self, form, field) -> None:
        count = len((field.data or "").replace("\r\n", "\n"))
        if count > self.limit:
            raise validators.ValidationError(gettext(
                "“%(label)s” can have up to %(max)s characters; you have entered %(count)s.",
                label=label_text(self.spec.label, current_locale(), self.spec.id),
                max=format_number(self.limit), count=format_number(count)))


class LongText(ShortText):
    """``type: textarea`` — several lines of free text, with a character count."""

    name = "textarea"
    options = frozenset({"max_length", "rows", "autocomplete"})
    template = "fields/input.html"

    def count_limit(self, spec, settings) -> int | None:
        return self._max_length(spec, settings)

    def wtforms_field(self, spec, locale, settings):
        render_kw: dict[str, Any] = {"rows": spec.options.get("rows", 5)}
        if spec.options.get("autocomplete"):
            render_kw["autocomplete"] = spec.options["autocomplete"]
        if spec.placeholder:
            render_kw["placeholder"] = spec.placeholder.get(locale)
        return TextAreaField(
            label_text(spec.label, locale, spec.id),
            validators=[*self.required_validators(spec),
                        _TextLimit(spec, self._max_length(spec, settings))],
            render_kw=render_kw,
        )

    def sample_formdata(self, spec):
        sample = "A longer answer,\nwritten over two lines."
        return {spec.name: sample[:spec.options.get("max_length") or len(sample)]}

    def summary(self, spec, values, locale):
        # Free text is listed, newest first (short text is not: it holds names, emails).
        return {"kind": "texts", "answered": len(values), "items": list(reversed(values))}

    def summary_start(self, spec):
        """How many answers, and the latest ``TEXTS_SHOWN`` (the ones a summary lists)."""
        return [0, deque(maxlen=TEXTS_SHOWN)]

    def summary_add(self, state, value):
        state[0] += 1
        state[1].append(value)

    def summary_finish(self, spec, state, locale):
        count, latest = state
        return {"kind": "texts", "answered": count, "items": list(reversed(latest)),
                "hidden": count - len(latest)}

    def value_from(self, spec, field) -> Any:
        return clean_text(field.data or "") or None

"""Answers carried over from an earlier response, and the sentence that tells the
respondent what was brought over and from where (never a raw address)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from babel.lists import format_list
from flask_babel import gettext as _

from formkit.schema import Form


class Prefill(dict):
    """What a ``formkit_prefill`` hook may return instead of a plain mapping: the answers,
    and ``source``, where they come from in words ("the Wellbeing Guide of Team North")."""

    def __init__(self, answers: Mapping[str, Any], source: str = ""):
        super().__init__(answers)
        self.source = source


def prefill_note(form: Form, answers: Mapping[str, Any], sources: Iterable[str],
                 locale: str) -> str:
    """"Brought over from <source>: “Team name”, “Community” and “First priority”."."""
    labels = [form.field(k).label.get(locale) for k in answers
              if form.has_field(k) and form.field(k).label is not None]
    if not labels:
        return ""
    quoted = [f"«\u00a0{label}\u00a0»" if locale.startswith("fr") else f"“{label}”"
              for label in labels]
    fields = format_list(quoted, locale=locale)
    where = format_list([s for s in sources if s], locale=locale)
    if where:
        return _("Brought over from %(source)s: %(fields)s.", source=where, fields=fields)
    return _("Brought over from an earlier response: %(fields)s.", fields=fields)

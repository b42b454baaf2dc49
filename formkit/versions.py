"""Answers across versions of a form.

A form's questions change over time; stored answers never do. A response keeps the
``form_version`` it was answered with, and is always shown with the form as it is now:
an answer whose question was removed is listed under "questions no longer in this form"
by its id, and an answer whose stored shape no longer fits its question's type (a text
answer to a question that is now a number, say) is shown as plain text and left out of
that question's summary.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from formkit.conditions import is_answered

if TYPE_CHECKING:
    from formkit.schema import FieldSpec, Form


def plain(value: Any) -> str:
    """Any stored value as readable text, without knowing its question."""
    if isinstance(value, dict):
        return "; ".join(f"{key}: {plain(item)}" for key, item in value.items()
                         if is_answered(item))
    if isinstance(value, list):
        return " | ".join(plain(item) for item in value if is_answered(item))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def fits(spec: FieldSpec, value: Any) -> bool:
    return spec.kind is not None and spec.kind.accepts(spec, value)


def fitting_answers(form, answers: dict[str, Any]) -> dict[str, Any]:
    """``answers`` without the values that no longer fit their question (kept from an
    older version of it: a number where a table is now): what plugins compute results
    from, so that no result fails on, or counts, an answer of another shape. Values of
    questions the form no longer has are passed on as stored."""
    return {key: value for key, value in answers.items()
            if not form.has_field(key) or fits(form.field(key), value)}


def shown_text(spec: FieldSpec, value: Any, locale: str) -> str:
    """``value`` as its question's type shows it, or as plain text if it no longer fits."""
    if not is_answered(value):
        return ""
    return spec.kind.display(spec, value, locale) if fits(spec, value) else plain(value)


def shown_html(spec: FieldSpec, value: Any, locale: str) -> Markup:
    if fits(spec, value):
        return spec.kind.display_html(spec, value, locale)
    return escape(plain(value))


def retired_answers(form: Form, answers: dict[str, Any]) -> list[tuple[str, str]]:
    """``(field id, text)`` of the answers to questions the form no longer has."""
    return [(field_id, plain(value)) for field_id, value in answers.items()
            if not form.has_field(field_id) and is_answered(value)]

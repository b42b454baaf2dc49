"""When a dependent question applies, in words ("If you answered “Yes” to “…”"), from its
``show_if``: without JavaScript every such question stays on the page, so it must say
when it is meant to be answered."""

from __future__ import annotations

from typing import Any

from babel.lists import format_list
from flask_babel import gettext as _

from formkit.conditions import Condition, same_answer
from formkit.schema import Form


def _value_label(form: Form, field_id: str, value: Any, locale: str) -> str:
    spec = form.field(field_id)
    for known, label in spec.kind.condition_values(spec, locale):
        if same_answer(known, value):
            return label
    return str(value)


def _clause(form: Form, condition: Condition, locale: str) -> str:
    if condition.parts:
        style = "standard" if condition.op == "all" else "or"
        return format_list([_clause(form, p, locale) for p in condition.parts], style=style,
                           locale=locale)
    spec = form.field(condition.field)  # type: ignore[arg-type]
    question = spec.label.get(locale) if spec.label else spec.id
    if condition.op == "answered":
        if condition.value:
            return _("you answered “%(question)s”", question=question)
        return _("you left “%(question)s” blank", question=question)
    values = condition.value if condition.op == "one_of" else (condition.value,)
    answer = format_list([f"“{_value_label(form, spec.id, v, locale)}”" for v in values],
                         style="or", locale=locale)
    if locale.startswith("fr"):
        answer = answer.replace("“", "«\u00a0").replace("”", "\u00a0»")
    if condition.op == "not_equals":
        return _("you did not answer %(answer)s to “%(question)s”", answer=answer,
                 question=question)
    return _("you answered %(answer)s to “%(question)s”", answer=answer, question=question)


def applies_when(form: Form, condition: Condition, locale: str) -> str:
    """``"If you answered “Yes” to “Share in the directory?”:"`` for ``condition``."""
    return _("If %(conditions)s:", conditions=_clause(form, condition, locale))

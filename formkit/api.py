"""What plugins may use: a stable surface over the core's internals.

Plugins import from here (``from formkit.api import current_store``) rather than from
the modules behind it, so the core can reorganise without breaking them.
"""

import functools
import inspect

from formkit import hookimpl
from formkit.catalog import Catalog
from formkit.charts import bar_chart
from formkit.conditions import is_answered
from formkit.fields.base import CellError, FieldSettings, FieldType
from formkit.fields.date import format_iso_date
from formkit.fields.number import babel_locale, format_cad
from formkit.i18n import current_locale
from formkit.outbox import send_email
from formkit.prefill import Prefill
from formkit.review import Column
from formkit.schema import FieldSpec, Form, Section, Text
from formkit.scoring import compute_scores
from formkit.state import current_registry, current_store
from formkit.storage import DRAFT, SUBMITTED, Response, Store
from formkit.versions import shown_text


def for_form(*form_ids: str):
    """Run a hook implementation only for these forms; for any other it returns ``None``.

    ::

        @hookimpl
        @for_form("wellbeing")
        def formkit_score(form, answers): ...
    """

    def decorate(func):
        position = list(inspect.signature(func).parameters).index("form")

        @functools.wraps(func)  # pluggy reads the argument names through __wrapped__
        def wrapper(*args, **kwargs):
            form = args[position] if len(args) > position else kwargs["form"]
            return func(*args, **kwargs) if form.id in form_ids else None

        return wrapper

    return decorate


def get_form(form_id: str) -> Form | None:
    """A loaded form of the current application, or ``None``."""
    return current_registry().get_form(form_id)


def display_answer(form: Form, field_id: str, value, locale: str | None = None) -> str:
    """A stored value of ``form``'s field as people read it, in ``locale`` (default: current)."""
    return shown_text(form.field(field_id), value, locale or current_locale())


__all__ = [
    "CellError",
    "Catalog",
    "Column",
    "DRAFT",
    "SUBMITTED",
    "FieldSettings",
    "FieldSpec",
    "FieldType",
    "Form",
    "Prefill",
    "Response",
    "Section",
    "Store",
    "Text",
    "babel_locale",
    "bar_chart",
    "compute_scores",
    "send_email",
    "current_locale",
    "current_registry",
    "current_store",
    "display_answer",
    "format_cad",
    "for_form",
    "format_iso_date",
    "get_form",
    "hookimpl",
    "is_answered",
]

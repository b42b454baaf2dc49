"""Radios and checkboxes rendered once, then reused (render speed, issue 14).

A page of rating grids has hundreds of choice inputs, and WTForms builds each one's
attributes with ``html_params`` (sorting, escaping, formatting) on every request,
though an input's markup depends only on its name, value, checked state, validation
flags and the attributes the template passes. These widgets keep the markup under
exactly that key, per process, so a page's inputs are looked up; on a miss the markup is
WTForms' own. ``tests/test_page_weight.py`` renders every seed form page with and
without the memo and compares the markup.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from wtforms.widgets import CheckboxInput, RadioInput

#: inputs kept, about 2 MiB (a Wellbeing grid is 60 inputs; every input of the seed
#: forms, checked or not, fits); past it the memo starts again, so it stays bounded
LIMIT = 5_000
_memo: dict[tuple, Markup] = {}


def _key(widget: Any, field: Any, kwargs: dict) -> tuple | None:
    """Everything the widget's markup depends on, typed (``"a"`` and ``Markup("a")``
    escape differently), or ``None`` when an attribute cannot be a key."""
    flags = getattr(field, "flags", None)
    value = field._value()
    key = (type(widget), field.name, field.id, type(value), value,
           bool(getattr(field, "checked", field.data)),
           tuple(getattr(flags, name, None) for name in widget.validation_attrs),
           tuple(sorted((name, type(v), v) for name, v in kwargs.items())))
    try:
        hash(key)
    except TypeError:
        return None
    return key


class _Memoized:
    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        key = _key(self, field, kwargs)
        if key is None or LIMIT <= 0:
            return super().__call__(field, **kwargs)
        markup = _memo.get(key)
        if markup is None:
            if len(_memo) >= LIMIT:
                _memo.clear()
            markup = _memo[key] = super().__call__(field, **kwargs)
        return markup


class MemoRadioInput(_Memoized, RadioInput):
    """WTForms' radio, its markup reused."""


class MemoCheckboxInput(_Memoized, CheckboxInput):
    """WTForms' checkbox, its markup reused."""

"""What every exporter does to a cell's text before writing it."""

from __future__ import annotations

from typing import Any

#: what a spreadsheet would run as a formula when a cell starts with it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: Any) -> Any:
    """Text a spreadsheet would evaluate as a formula becomes plain text (an apostrophe
    first); numbers, dates and other text are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value

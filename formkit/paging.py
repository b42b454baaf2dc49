"""Whole numbers read from URLs and buttons: ASCII digits only, bounded.

``str.isdigit()`` accepts ``²``, ``₁`` and ``٣``, which ``int()`` then refuses (or reads
as 3): a check and a conversion that disagree gave 500s. Read such numbers here only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_DIGITS = re.compile(r"[0-9]{1,9}")
#: no list has this many pages; larger numbers are typing accidents.
LAST_PAGE = 10**6


def ascii_int(text: object, maximum: int = LAST_PAGE) -> int | None:
    """``text`` as a whole number from 0 to ``maximum``, or ``None`` when it is anything
    else (signs, spaces, non-ASCII digits, too many digits)."""
    if not isinstance(text, str) or not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if number <= maximum else None


def page_number(args: Mapping[str, str], name: str = "page", last: int = LAST_PAGE) -> int:
    """The page asked for in query argument ``name``: 1 unless it is a whole number from
    1 up; pages beyond ``last`` show the last one."""
    number = ascii_int(args.get(name))
    if number is None or number < 1:
        return 1
    return min(number, last)

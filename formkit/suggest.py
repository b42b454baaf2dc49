"""Suggestions printed beside schema mistakes ("did you mean 'choice'?")."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

#: the keys every field takes, whatever its type.
FIELD_KEYS = frozenset({"id", "type", "label", "help", "placeholder", "required", "default",
                        "show_if", "personal"})


def closest(word: Any, choices: Iterable[str]) -> str:
    """``"did you mean 'x'?"`` for the nearest of ``choices``, or ``""``."""
    matches = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else ""

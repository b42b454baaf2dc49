"""How long a form's responses are kept (``retention:`` in its YAML); the worker applies
it once a day.

::

    retention:
      submitted_days: 730    # submitted responses older than this (since submission)...
      action: anonymise      # ...are deleted (delete, the default) or anonymised: the
                             # answers to questions marked `personal: true` are removed
      drafts_days: 30        # drafts untouched for this long are deleted
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from formkit.schema import FieldSpec, SchemaContext

DELETE, ANONYMISE = "delete", "anonymise"
KEYS = ("submitted_days", "action", "drafts_days")


@dataclass(frozen=True)
class Retention:
    submitted_days: int | None = None
    action: str = DELETE
    drafts_days: int | None = None
    #: the questions whose answers anonymising removes.
    personal: tuple[str, ...] = ()


def _days(raw: Mapping, key: str, ctx: SchemaContext) -> int | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        ctx.error(raw, f"retention: {key} must be a whole number of days, 1 or more", key=key)
        return None
    return value


def parse_retention(data: Mapping, ctx: SchemaContext,
                    fields: list[FieldSpec]) -> Retention | None:
    """Check and build ``retention:``; mistakes go to ``ctx`` with suggestions."""
    from formkit.suggest import closest

    raw = data.get("retention")
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        ctx.error(data, "'retention' must be a mapping of submitted_days, action, "
                  "drafts_days", key="retention")
        return None
    for key in set(raw) - set(KEYS):
        ctx.error(raw, f"retention: unknown key '{key}'", key=key,
                  suggestion=closest(str(key), KEYS) or f"known: {', '.join(KEYS)}")
    action = raw.get("action", DELETE)
    personal = tuple(f.id for f in fields if f.personal and f.stores_value)
    if action not in (DELETE, ANONYMISE):
        ctx.error(raw, f"retention: action must be {DELETE} or {ANONYMISE}", key="action",
                  suggestion=closest(str(action), (DELETE, ANONYMISE), ))
    elif action == ANONYMISE and not personal:
        ctx.error(raw, "retention: anonymise removes the answers to questions marked "
                  "'personal: true', and none is", key="action",
                  suggestion="add personal: true to the questions that identify a person "
                  "(name, email, phone…)")
    return Retention(submitted_days=_days(raw, "submitted_days", ctx), action=action,
                     drafts_days=_days(raw, "drafts_days", ctx), personal=personal)

"""Living responses: every save of a team's response is a revision (who, when, which
answers changed, the form's result then), stored by compare-and-swap so that two people
saving at once never overwrite each other silently; and the history told in words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from formkit.conditions import is_answered
from formkit.formatting import format_timestamp
from formkit.schema import Form
from formkit.state import current_registry, current_store
from formkit.storage import Revision, TeamResponse
from formkit.storage.base import utcnow
from formkit.versions import fitting_answers, plain


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field_id: [before, after]}`` of the answers that differ (an answer emptied
    counts; two empty values do not)."""
    changes = {}
    for field_id in dict.fromkeys([*before, *after]):
        old, new = before.get(field_id), after.get(field_id)
        if old != new and (is_answered(old) or is_answered(new)):
            changes[field_id] = [old, new]
    return changes


def save(form: Form, slot: TeamResponse, expected: int, before: dict[str, Any],
         answers: dict[str, Any], author: str, author_name: str, locale: str,
         submit: bool = False) -> tuple[TeamResponse | None, Revision]:
    """Store ``answers`` as the next revision of ``slot``'s response if it is still at
    revision ``expected``; the result is recomputed and kept with the revision. Returns
    the slot after (``None``: someone saved first; nothing was written) and the revision.
    ``before`` is what the author started from (the revision ``expected``)."""
    score = current_registry().hook.formkit_score(form=form, answers=fitting_answers(form, answers),
                                                  locale=locale)
    revision = Revision(response_id=slot.response_id, number=expected + 1, at=utcnow(),
                        author=author, author_name=author_name,
                        changes=changed_fields(before, answers), score=score)
    return current_store().save_revision(revision, expected, answers, submit=submit), revision


@dataclass
class HistoryEntry:
    """One revision as people read it."""

    revision: Revision
    #: "Marie", "12 Mar 2026, 2:05 p.m. EDT" (the instance's time zone)
    who: str
    when: str
    #: one line per changed answer (a table or matrix: per row).
    lines: list[str]


def describe(form: Form, changes: dict[str, list[Any]], locale: str) -> list[str]:
    """The changes of a revision in words, in the form's order; each field type says
    how its own answers changed."""
    lines: list[str] = []
    order = {spec.id: i for i, spec in enumerate(form.fields)}
    for field_id in sorted(changes, key=lambda f: order.get(f, len(order))):
        old, new = changes[field_id]
        if form.has_field(field_id):
            spec = form.field(field_id)
            lines.extend(spec.kind.describe_change(spec, old, new, locale))
        else:  # a question the form no longer has
            lines.append(f"{field_id}: {plain(old) if is_answered(old) else '—'} → "
                         f"{plain(new) if is_answered(new) else '—'}")
    return lines


def history(form: Form, response_id: str, locale: str) -> list[HistoryEntry]:
    """A response's revisions, newest first, in words."""
    entries = []
    for revision in reversed(current_store().list_revisions(response_id)):
        entries.append(HistoryEntry(
            revision=revision, who=revision.author_name,
            when=format_timestamp(revision.at, locale),
            lines=describe(form, revision.changes, locale)))
    return entries

"""Built-in plugin: a team's new cycle starts from the answers of its previous one.

A living document (a workplan, a rating guide) continues from year to year, so by
default each form of a new cycle opens with the same form's answers of the previous
cycle (answers to questions the form no longer has are left behind). A form opts out
with ``carry_over: false`` in its YAML; plugins add to or override these answers through
the same ``formkit_prefill`` hook (later plugins win on the same field)."""

from __future__ import annotations

from typing import Any

from formkit import hookimpl


@hookimpl
def formkit_prefill(form, previous) -> dict[str, Any] | None:
    earlier = (previous or {}).get(form.id)
    if earlier is None or form.extra.get("carry_over", True) is False:
        return None
    return {k: v for k, v in earlier.answers.items() if form.has_field(k)}

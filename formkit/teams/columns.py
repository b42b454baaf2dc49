"""Columns plugins add to the provincial overview ``/admin/teams`` (``formkit_team_columns``):
a figure per team of its current cycle, e.g. the Workplan's overdue actions as of today.

A column computes its values for many teams at once (``values(rows)``), so a plugin can
read the teams' responses in one store call (:func:`cycle_team_responses`); the
overview asks only for the teams of the page it shows, or for every team when it is
sorted by that column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from formkit.formatting import EMPTY
from formkit.state import current_registry, current_store
from formkit.storage import Cycle, Response, Team, User


@dataclass(frozen=True)
class TeamRowKey:
    """A team and its current cycle (``None`` before the first), as a column receives it."""

    team: Team
    cycle: Cycle | None


def _shown(value: Any) -> str:
    return EMPTY if value is None else str(value)


@dataclass(frozen=True)
class TeamColumn:
    """A column of ``/admin/teams``.

    :param key: its name in the URL (``?sort=<key>``); unique among columns.
    :param label: its header, translated.
    :param values: ``values(rows)`` → ``{team_id: value}`` for a sequence of
        :class:`TeamRowKey` (a team without a value is left out: it shows "—").
    :param shown: the value as people read it (format numbers with
        :mod:`formkit.formatting`).
    :param form_id: the form the figure comes from: a coordinator who may not see it
        does not get the column.
    :param descending: sorted by this column, the largest value first.
    """

    key: str
    label: str
    values: Callable[[Sequence[TeamRowKey]], Mapping[str, Any]]
    shown: Callable[[Any], str] = _shown
    form_id: str | None = None
    descending: bool = True

    def show(self, value: Any) -> str:
        return EMPTY if value is None else self.shown(value)


def team_columns(user: User, reserved: Iterable[str] = ()) -> list[TeamColumn]:
    """Every plugin's columns that ``user`` may see; a key already taken (by the
    overview's own orders or another column) is left out."""
    taken = set(reserved)
    found = []
    for result in current_registry().hook.formkit_team_columns():
        for column in result or ():
            if column.key in taken or (column.form_id and not user.may_see(column.form_id)):
                continue
            taken.add(column.key)
            found.append(column)
    return found


def cycle_team_responses(cycles: Iterable[Cycle | None], form_id: str) -> dict[str, Response]:
    """The teams' own responses of ``form_id`` in these cycles, saved at least once,
    by cycle id: one store call (one SQL query on PostgreSQL)."""
    ids = [cycle.id for cycle in cycles if cycle is not None]
    if not ids:
        return {}
    return {slot.cycle_id: response
            for slot, response in current_store().cycle_responses(ids, [form_id])
            if slot.member_id is None and slot.revision > 0}


def current_cycles(teams: Sequence[Team]) -> dict[str, Cycle | None]:
    """Each team's current cycle (the one it names, else its latest; ``None`` before the
    first), read in one store call (:meth:`cycles_of_teams`)."""
    found = current_store().cycles_of_teams([team.id for team in teams])
    current: dict[str, Cycle | None] = {}
    for team in teams:
        cycles = found.get(team.id, [])
        named = next((c for c in cycles if c.id == team.current_cycle), None)
        current[team.id] = named or (cycles[-1] if cycles else None)
    return current

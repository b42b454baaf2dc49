"""The part of the store contract for teams' cycles and living responses (the records
are in :mod:`formkit.storage.base`; TinyDB and PostgreSQL implement it in
``tinydb_cycles.py`` and ``postgres_cycles.py``)."""

from __future__ import annotations

import abc
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from formkit.storage.base import Cycle, Response, Revision, TeamResponse


class CycleStore(abc.ABC):
    """Cycles, where each living response belongs, and its revisions."""

    @abc.abstractmethod
    def start_cycle(self, team_id: str, label: str, started_by: str | None) -> Cycle:
        """A new cycle of a team, numbered after its latest one, atomically (two starts
        at once get two numbers)."""

    @abc.abstractmethod
    def get_cycle(self, cycle_id: str) -> Cycle | None:
        """One cycle, or ``None``."""

    @abc.abstractmethod
    def list_cycles(self, team_id: str) -> list[Cycle]:
        """A team's cycles, oldest (number 1) first."""

    @abc.abstractmethod
    def open_team_response(self, slot: TeamResponse, form_version: str, locale: str,
                           answers: dict[str, Any] | None = None
                           ) -> tuple[TeamResponse, Response]:
        """The response of ``slot``'s (cycle, form, member), made as a draft with
        ``answers`` if there is none yet (idempotent: two first visits at once share one).
        ``slot.response_id`` is ignored; the stored slot is returned."""

    @abc.abstractmethod
    def get_team_response(self, response_id: str) -> TeamResponse | None:
        """Where a response belongs, or ``None`` for a response that is no team's."""

    @abc.abstractmethod
    def list_team_responses(self, cycle_id: str) -> list[TeamResponse]:
        """Every living response of one cycle (read from an index: no scan of all
        responses), in the order they were opened."""

    @abc.abstractmethod
    def save_revision(self, revision: Revision, expected: int, answers: dict[str, Any],
                      submit: bool = False) -> TeamResponse | None:
        """Compare-and-swap: if the response is still at revision ``expected``, store
        ``answers`` and ``revision.score`` in it (``submit``: submitted now, if not yet),
        append ``revision`` numbered ``expected + 1`` and return the slot after; else
        change nothing and return ``None`` (someone saved meanwhile)."""

    @abc.abstractmethod
    def list_revisions(self, response_id: str) -> list[Revision]:
        """A response's revisions, oldest first."""

    @abc.abstractmethod
    def import_cycles(self, cycles: Iterable[Cycle], slots: Iterable[TeamResponse],
                      revisions: Iterable[Revision]) -> int:
        """Add cycles, living responses' places and revisions as they are, in bulk
        (copies, restores, benchmarks; the responses themselves go through
        ``import_records`` first). Returns how many records were written."""

    # -- reading many teams at once (the provincial pages) --------------------------------
    def cycles_of_teams(self, team_ids: Iterable[str]) -> dict[str, list[Cycle]]:
        """Each of these teams' cycles, oldest first (``{team_id: [Cycle, ...]}``; a team
        without cycles is absent). PostgreSQL answers in one query; TinyDB reads each
        team's small cycles file."""
        found = {}
        for team_id in team_ids:
            cycles = self.list_cycles(team_id)
            if cycles:
                found[team_id] = cycles
        return found

    def cycle_slots(self, cycle_ids: Iterable[str]) -> list[TeamResponse]:
        """Where every living response of these cycles belongs (the teams' own and the
        members'). PostgreSQL answers in one query; TinyDB reads each cycle's small
        index."""
        return [slot for cycle_id in cycle_ids for slot in self.list_team_responses(cycle_id)]

    def get_many(self, response_ids: Iterable[str]) -> dict[str, Response]:
        """These responses by id (those that exist). PostgreSQL answers in one query."""
        found = {}
        for response_id in response_ids:
            response = self.get(response_id)
            if response is not None:
                found[response_id] = response
        return found

    def cycle_responses(self, cycle_ids: Iterable[str], form_ids: Iterable[str]
                        ) -> list[tuple[TeamResponse, Response]]:
        """The living responses of ``form_ids`` in ``cycle_ids`` (the teams' own and the
        members'), each with where it belongs. PostgreSQL answers in one query."""
        wanted = set(form_ids)
        slots = [slot for slot in self.cycle_slots(cycle_ids) if slot.form_id in wanted]
        responses = self.get_many(slot.response_id for slot in slots)
        return [(slot, responses[slot.response_id]) for slot in slots
                if slot.response_id in responses]

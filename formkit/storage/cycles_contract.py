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

"""What the provincial figures are of: one cycle of the teams a coordinator may see, in
the province or a region, and optionally one team to compare with the province.

:class:`Figures` is what ``formkit_provincial_sections`` receives. It reads the chosen
cycles' responses of a form in one store call (one SQL query on PostgreSQL) the first
time a plugin asks, and answers nothing for a form the coordinator may not see.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from markupsafe import Markup

from formkit.formatting import local_today
from formkit.state import current_registry, current_store
from formkit.storage import SUBMITTED, Cycle, Response, Team, User
from formkit.teams.access import coordinator_may_see

#: the ``cycle`` argument that means each team's current cycle.
CURRENT = ""
#: the longest query argument read (longer is an error, never a 500).
ARG_LENGTH = 120


@dataclass(frozen=True)
class ProvincialSection:
    """A part of the provincial figures page and report, contributed by a plugin.

    :param order: where it goes (wellbeing 10–20, workplan 30–40, stories 90).
    :param title: its heading, translated (the core writes the ``<h2>``).
    :param html: its content (escape everything; charts from ``bar_chart``, tables from
        :func:`formkit.province.tables.fitted_table` so none is cut in the PDF).
    :param form_id: the form its figures come from: a coordinator who may not see that
        form does not get the section.
    """

    order: int
    title: str
    html: Markup
    form_id: str | None = None


@dataclass(frozen=True)
class CycleChoice:
    """Which cycle of each team: its current one, the one numbered ``number``, or the
    one labelled ``label``."""

    number: int | None = None
    label: str | None = None

    @property
    def arg(self) -> str:
        """The query argument that chooses it again."""
        return str(self.number) if self.number is not None else (self.label or CURRENT)

    def describe(self) -> str:
        if self.number is not None:
            return _("cycle %(number)d", number=self.number)
        if self.label is not None:
            return self.label
        return _("each team’s current cycle")

    def pick(self, team: Team, cycles: list[Cycle]) -> Cycle | None:
        """This choice among a team's cycles (oldest first), or ``None``."""
        if self.number is not None:
            return next((c for c in cycles if c.number == self.number), None)
        if self.label is not None:
            return next((c for c in reversed(cycles) if c.label == self.label), None)
        current = next((c for c in cycles if c.id == team.current_cycle), None)
        return current or (cycles[-1] if cycles else None)


class ChoiceError(ValueError):
    """A query argument that names nothing: the page says which, in words."""


@dataclass
class Figures:
    """The teams and cycles the figures are of; handed to ``formkit_provincial_sections``.

    ``teams`` is the province: every team the coordinator may see that has the chosen
    cycle (sorted by name); ``region_teams`` those of the chosen region (all when none
    is chosen); ``team`` the team chosen to compare with the province, or ``None``.
    """

    teams: list[Team]
    cycles: dict[str, Cycle]
    choice: CycleChoice
    region: str | None
    team: Team | None
    locale: str
    may_see: Callable[[str], bool]
    #: the figures go into the report PDF (not the page).
    pdf: bool = False
    today: datetime.date = field(default_factory=local_today)
    _loaded: dict[str, list[tuple]] = field(default_factory=dict, repr=False)
    _index: list[tuple] | None = field(default=None, repr=False)

    @property
    def region_teams(self) -> list[Team]:
        return [t for t in self.teams if not self.region or t.region == self.region]

    def in_region(self, team: Team) -> bool:
        return not self.region or team.region == self.region

    def _slots(self, form_id: str) -> list[tuple]:
        """``(team_id, slot, response)`` of ``form_id`` in the chosen cycles: the cycles'
        indexes are read once for every form, then each form's responses in one store
        call."""
        if not self.may_see(form_id):
            return []
        if self._index is None:
            team_of = {cycle.id: team_id for team_id, cycle in self.cycles.items()}
            self._index = [(team_of[slot.cycle_id], slot) for slot in
                           current_store().cycle_slots(list(team_of))]
        if form_id not in self._loaded:
            mine = [(team_id, slot) for team_id, slot in self._index
                    if slot.form_id == form_id]
            found = current_store().get_many(slot.response_id for _team, slot in mine)
            self._loaded[form_id] = [(team_id, slot, found[slot.response_id])
                                     for team_id, slot in mine if slot.response_id in found]
        return self._loaded[form_id]

    def team_responses(self, form_id: str) -> dict[str, Response]:
        """Each team's own response of ``form_id`` in its chosen cycle, saved at least
        once (``{team_id: Response}``); ``{}`` for a form the coordinator may not see."""
        return {team_id: response for team_id, slot, response in self._slots(form_id)
                if slot.member_id is None and slot.revision > 0}

    def member_responses(self, form_id: str) -> dict[str, list[Response]]:
        """The members' submitted responses of ``form_id`` in each team's chosen cycle
        (``{team_id: [Response, ...]}``); ``{}`` for a form the coordinator may not see."""
        found: dict[str, list[Response]] = {}
        for team_id, slot, response in self._slots(form_id):
            if slot.member_id is not None and slot.status == SUBMITTED:
                found.setdefault(team_id, []).append(response)
        return found


@dataclass
class Choices:
    """What the page offers to choose from (the coordinator's teams only)."""

    cycles: list[CycleChoice]
    regions: list[str]
    teams: list[Team]


def visible_teams(user: User) -> list[Team]:
    return [team for team in current_store().list_teams() if coordinator_may_see(user, team)]


def _clean(args, name: str) -> str:
    value = args.get(name) or ""
    if len(value) > ARG_LENGTH or any(ord(c) < 32 for c in value):
        raise ChoiceError(_("That choice is not valid; choose from the lists."))
    return value.strip()


def choose(user: User, args, locale: str, pdf: bool = False) -> tuple[Figures | None,
                                                                        Choices, str | None]:
    """The figures the query ``args`` (``cycle``, ``region``, ``team``) ask for, what may
    be chosen, and the error in words when an argument names nothing (then no figures)."""
    teams = visible_teams(user)
    by_team = current_store().cycles_of_teams([t.id for t in teams])
    numbers = sorted({c.number for cycles in by_team.values() for c in cycles})
    labels = sorted({c.label for cycles in by_team.values() for c in cycles}, key=str.casefold)
    choices = Choices(cycles=[CycleChoice(), *(CycleChoice(number=n) for n in numbers),
                              *(CycleChoice(label=label) for label in labels
                                if label not in {str(n) for n in numbers})],
                      regions=sorted({t.region for t in teams if t.region}, key=str.casefold),
                      teams=[t for t in teams if t.id in by_team])  # with a cycle to compare
    try:
        wanted = _clean(args, "cycle")
        if not wanted:
            choice = CycleChoice()
        elif wanted.isdigit() and int(wanted) in numbers:
            choice = CycleChoice(number=int(wanted))
        elif wanted in labels:
            choice = CycleChoice(label=wanted)
        else:
            raise ChoiceError(_("No team has the cycle “%(cycle)s”; choose one from the "
                                "list.", cycle=wanted))
        region = _clean(args, "region") or None
        if region and region not in choices.regions:
            raise ChoiceError(_("No team is in the region “%(region)s”; choose one from "
                                "the list.", region=region))
        cycles = {}
        for team in teams:
            picked = choice.pick(team, by_team.get(team.id, []))
            if picked is not None:
                cycles[team.id] = picked
        chosen = [team for team in teams if team.id in cycles]
        slug = _clean(args, "team")
        team = next((t for t in chosen if t.slug == slug), None) if slug else None
        if slug and team is None:
            raise ChoiceError(_("No team “%(team)s” has the chosen cycle; choose one from "
                                "the list.", team=slug))
    except ChoiceError as error:
        return None, choices, str(error)
    figures = Figures(teams=chosen, cycles=cycles, choice=choice, region=region, team=team,
                      locale=locale, may_see=user.may_see, pdf=pdf)
    return figures, choices, None


def sections(figures: Figures) -> list[ProvincialSection]:
    """Every plugin's sections the coordinator may see, in order."""
    found = []
    for result in current_registry().hook.formkit_provincial_sections(figures=figures):
        for section in result or ():
            if section.form_id is None or figures.may_see(section.form_id):
                found.append(section)
    return sorted(found, key=lambda s: s.order)

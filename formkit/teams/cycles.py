"""A team's cycles: starting one, the forms of the current one and their state, and
opening a form's response in a cycle (prefilled from the previous cycle through
``formkit_prefill``)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, flash, g, has_request_context
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from formkit.i18n import current_locale
from formkit.prefill import prefill_note
from formkit.schema import MEMBER, Form
from formkit.state import current_registry, current_store
from formkit.storage import Cycle, Response, Team, TeamResponse
from formkit.teams import activity
from formkit.teams.site import cycle_forms

#: the longest cycle label kept (e.g. "2026–2027", "Spring 2027").
LABEL_LENGTH = 60


def start(team, label: str, by: str | None) -> Cycle:
    """A new current cycle for ``team``, recorded in its activity."""
    cycle = current_store().start_cycle(team.id, label, by)
    current_store().update_team(team.id, current_cycle=cycle.id)
    activity.record(team, "cycle_start", target=cycle.id, label=label, number=cycle.number)
    return cycle


@activity.describes("cycle_start")
def _cycle_start(entry) -> str:
    return _("%(who)s started the cycle %(label)s.", who=activity.who(entry),
             label=(entry.get("detail") or {}).get("label", ""))


@activity.describes("revision")
def _revision(entry) -> str:
    detail = entry.get("detail") or {}
    form = current_registry().get_form(str(detail.get("form")))
    title = form.title.get(current_locale()) if form else str(detail.get("form"))
    if detail.get("submitted"):
        return _("%(who)s submitted %(form)s.", who=activity.who(entry), form=title)
    return _("%(who)s saved %(form)s.", who=activity.who(entry), form=title)


def current(team) -> Cycle | None:
    """The team's current cycle (the latest started), or ``None`` before the first."""
    if team.current_cycle:
        cycle = current_store().get_cycle(team.current_cycle)
        if cycle is not None and cycle.team_id == team.id:
            return cycle
    cycles = current_store().list_cycles(team.id)
    return cycles[-1] if cycles else None


def find(team, number: int) -> Cycle | None:
    return next((c for c in current_store().list_cycles(team.id) if c.number == number), None)


def earlier(team, cycle: Cycle) -> Cycle | None:
    """The cycle before ``cycle``, or ``None``."""
    return find(team, cycle.number - 1) if cycle.number > 1 else None


def owner(form: Form, member) -> str | None:
    """Whose response of ``form`` a member works on: the team's (``None``) or their own."""
    return member.id if form.scope == MEMBER and member is not None else None


def responses_of(cycle: Cycle, member_id: str | None) -> dict[str, Response]:
    """The responses of a cycle by form id: the team's, and ``member_id``'s own."""
    store = current_store()
    found = {}
    for slot in store.list_team_responses(cycle.id):
        if slot.member_id in (None, member_id):
            response = store.get(slot.response_id)
            if response is not None:
                found[slot.form_id] = response
    return found


def team_response(cycle: Cycle, form_id: str) -> Response | None:
    """The team's own (shared) response of ``form_id`` in ``cycle``, or ``None``."""
    store = current_store()
    for slot in store.list_team_responses(cycle.id):
        if slot.form_id == form_id and slot.member_id is None:
            return store.get(slot.response_id)
    return None


def member_responses(cycle: Cycle, form_id: str, submitted_only: bool = True
                     ) -> list[Response]:
    """The members' own responses of ``form_id`` in ``cycle`` (member scope), only the
    submitted ones unless ``submitted_only`` is false."""
    store = current_store()
    slots = [s for s in store.list_team_responses(cycle.id)
             if s.form_id == form_id and s.member_id is not None
             and (not submitted_only or s.status == "submitted")]
    return [r for r in (store.get(s.response_id) for s in slots) if r is not None]


def aggregate_minimum(form: Form) -> int:
    """How many members must have submitted ``form`` (member scope) before their team
    sees the aggregate: the form's ``team_minimum:``, else TEAM_AGGREGATE_MINIMUM."""
    if form.team_minimum is not None:
        return form.team_minimum
    return int(current_app.config["TEAM_AGGREGATE_MINIMUM"])


def current_team_cycle() -> tuple[Team | None, Cycle | None]:
    """``(team, cycle)`` of the team page being served (``/t/<team>/c/<number>/…``), else
    ``(None, None)``: what a plugin's validation or result reads when it depends on the
    team (hooks called outside a team page get ``(None, None)``)."""
    if not has_request_context():
        return None, None
    return g.get("team"), g.get("cycle")


def open_response(team, cycle: Cycle, form: Form, member_id: str | None
                  ) -> tuple[TeamResponse, Response]:
    """The cycle's response of ``form`` (the team's, or ``member_id``'s own), made on
    first use with the answers ``formkit_prefill`` gives from the previous cycle."""
    store = current_store()
    for slot in store.list_team_responses(cycle.id):
        if slot.form_id == form.id and slot.member_id == member_id:
            response = store.get(slot.response_id)
            if response is not None:
                return slot, response
    before = earlier(team, cycle)
    previous = responses_of(before, member_id) if before else {}
    prefill: dict = {}
    # pluggy's call order, as on the public start page: the implementation called first
    # (a plugin registered last, or tryfirst) wins on a field, so any plugin's answers
    # win over the built-in carry-over of the previous cycle's
    told: dict = {}  # answers a plugin named the source of (a Prefill), and the sources
    sources: list[str] = []
    for result in current_registry().hook.formkit_prefill(
            form=form, args=MultiDict(), store=store, team=team, cycle=cycle,
            previous=previous):
        fresh = {k: v for k, v in (result or {}).items() if k not in prefill}
        prefill.update(fresh)
        if getattr(result, "source", "") and fresh:
            told.update(fresh)
            sources.append(result.source)
    prefill = {k: v for k, v in prefill.items() if form.has_field(k)}
    slot = TeamResponse(response_id="", team_id=team.id, cycle_id=cycle.id, form_id=form.id,
                        member_id=member_id)
    opened = store.open_team_response(slot, form.version, current_locale(), prefill)
    _tell_prefill(form, {k: v for k, v in told.items() if k in prefill}, sources)
    return opened


def _tell_prefill(form: Form, answers: dict, sources: list[str]) -> None:
    """Say once, on the page that opened the response, what was brought over and from
    where (a plugin's :class:`formkit.prefill.Prefill` with a ``source``)."""
    note = prefill_note(form, answers, sources, current_locale()) if answers else ""
    if note and has_request_context():
        flash(note, "success")


@dataclass
class FormState:
    """A form of a cycle as the team space lists it."""

    form: Form
    #: "not_started", "in_progress" or "submitted".
    state: str
    slot: TeamResponse | None
    #: member scope: how many members submitted theirs.
    answered: int = 0


NOT_STARTED, IN_PROGRESS, SUBMITTED = "not_started", "in_progress", "submitted"


def states(cycle: Cycle, member_id: str | None,
           slots: list[TeamResponse] | None = None) -> list[FormState]:
    """Each form of the cycle with its state for the team (team scope) or for
    ``member_id`` (member scope), from the cycle's index alone (``slots``, when read
    already with other cycles')."""
    if slots is None:
        slots = current_store().list_team_responses(cycle.id)
    result = []
    for form in cycle_forms():
        mine = [s for s in slots if s.form_id == form.id and s.member_id == (
            member_id if form.scope == MEMBER else None)]
        slot = mine[0] if mine else None
        state = NOT_STARTED if slot is None or slot.revision == 0 else (
            SUBMITTED if slot.status == "submitted" else IN_PROGRESS)
        answered = sum(1 for s in slots if s.form_id == form.id and s.member_id is not None
                       and s.status == "submitted") if form.scope == MEMBER else 0
        result.append(FormState(form=form, state=state, slot=slot, answered=answered))
    return result


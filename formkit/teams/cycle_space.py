"""Built-in plugin: what cycles add to the team space (the current cycle's forms with
their state, earlier cycles, starting a new cycle) and which forms a team uses (the
site's cycle configuration, for the team checkpoint's coordinators)."""

from __future__ import annotations

import datetime

from flask import current_app, render_template
from markupsafe import Markup

from formkit import clock, hookimpl
from formkit.state import current_store
from formkit.teams import cycles
from formkit.teams.panels import Panel
from formkit.teams.site import cycle_forms

#: after the team's own introduction, before the members (teams-a's panels: 20, 80).
CYCLE_ORDER = 10


@hookimpl
def formkit_team_forms(team):
    return list(current_app.config.get("CYCLE_FORMS") or []) or None


def days_since(stamp: str) -> int:
    """Whole days from an ISO time to now (the app's clock)."""
    then = datetime.datetime.fromisoformat(stamp).timestamp()
    return max(0, int((clock.now() - then) // 86400))


@hookimpl
def formkit_team_panels(team, cycle, viewer):
    member = viewer.member
    own = member.id if member is not None else None
    everyone = current_store().list_cycles(team.id)
    return [Panel(CYCLE_ORDER, Markup(render_template(
        "teams/_cycle_panel.html", team=team, cycle=cycle,
        forms=cycles.states(cycle, own) if cycle is not None else [],
        earlier=[c for c in reversed(everyone) if cycle is None or c.number < cycle.number],
        may_start=(member is not None and member.role == "lead") or viewer.user is not None,
        cycle_forms=cycle_forms(), days_since=days_since)))]

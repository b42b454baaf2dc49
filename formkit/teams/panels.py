"""The panels of a team space: what ``formkit_team_panels`` implementations return,
the core's own panels (members, recent activity) as built-in implementations, and
the collection of every plugin's panels in order."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from markupsafe import Markup

from formkit import hookimpl
from formkit.plugins import call_each
from formkit.state import current_registry, current_store
from formkit.storage import Team
from formkit.teams import activity
from formkit.teams.access import may_read_form
from formkit.teams.identity import Viewer

MEMBERS_ORDER, ACTIVITY_ORDER = 20, 80


@dataclass
class Panel:
    """A block of the team space, shown by ``order`` (smaller first)."""

    order: int
    html: Markup
    #: the form whose answers the panel shows: left out for whoever may not read it
    #: (a coordinator let into the team by another form).
    form_id: str | None = None


def collect(team: Team, cycle, viewer: Viewer) -> list[Panel]:
    """Every plugin's panels for ``team``, in order."""
    panels: list[Panel] = []
    for _plugin, items in call_each(current_registry().pm, "formkit_team_panels",
                                    team=team, cycle=cycle, viewer=viewer):
        for item in items:
            panels.append(item if isinstance(item, Panel) else Panel(*item))
    return sorted((p for p in panels if p.form_id is None or may_read_form(p.form_id)),
                  key=lambda p: p.order)


@hookimpl
def formkit_team_panels(team: Team, viewer: Viewer):
    members = current_store().list_members(team.id)
    entries = [(entry, activity.describe(entry)) for entry in activity.recent(team)]
    return [
        Panel(MEMBERS_ORDER, Markup(render_template(
            "teams/_members_panel.html", team=team, members=members, viewer=viewer))),
        Panel(ACTIVITY_ORDER, Markup(render_template(
            "teams/_activity_panel.html", team=team, entries=entries))),
    ]

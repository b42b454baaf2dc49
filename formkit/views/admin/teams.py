"""Teams in the coordinators' workspace: the provincial overview of the teams one may
see (each team's current cycle, the state of its forms and the plugins' columns,
``formkit_team_columns``), and
creating a team with its lead (administrators and all-forms coordinators), who gets
an invitation with a one-time sign-in link."""

from __future__ import annotations

from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from formkit.i18n import current_locale
from formkit.paging import page_number
from formkit.state import current_store
from formkit.storage import Cycle, Member, Team
from formkit.teams import cycles, roster
from formkit.teams.access import coordinator_may_see
from formkit.teams.columns import TeamRowKey, current_cycles, team_columns
from formkit.teams.cycle_space import days_since
from formkit.teams.site import cycle_forms
from formkit.views.admin import bp
from formkit.views.errors import render_error

_FIELDS = ("name", "community", "region", "lead_name", "lead_email")


def may_create_teams(user) -> bool:
    """Administrators and all-forms coordinators (who will see the team)."""
    return user.is_admin or user.all_forms is True


@dataclass
class TeamRow:
    """A team as the provincial overview lists it: its current cycle and the state of
    each of the cycle's forms there."""

    team: Team
    members: list[Member]
    cycle: Cycle | None
    forms: list[cycles.FormState]
    #: the latest save of any of the cycle's forms ("" before any).
    updated: str
    #: the plugins' columns, as people read them (``formkit_team_columns``).
    cells: list[str] = field(default_factory=list)


#: teams on a page of the overview.
TEAMS_PER_PAGE = 50
#: the orders the overview offers (the ``sort`` argument) besides the plugins' columns.
SORTS = ("name", "region", "updated")


def team_rows(teams: list[Team], current: dict[str, Cycle | None] | None = None
              ) -> list[TeamRow]:
    """The rows of ``teams``: their current cycles, those cycles' indexes and their
    members, each read in one store call."""
    store = current_store()
    if current is None:
        current = current_cycles(teams)
    ids = [cycle.id for cycle in current.values() if cycle is not None]
    slots: dict[str, list] = {cycle_id: [] for cycle_id in ids}
    for slot in store.cycle_slots(ids) if ids else []:
        slots[slot.cycle_id].append(slot)
    members = store.members_of_teams([team.id for team in teams])
    rows = []
    for team in teams:
        cycle = current.get(team.id)
        forms = cycles.states(cycle, None, slots[cycle.id]) if cycle is not None else []
        updated = max((f.slot.updated for f in forms if f.slot and f.slot.revision),
                      default="")
        rows.append(TeamRow(team, members.get(team.id, []), cycle, forms, updated))
    return rows


def _by_value(teams: list[Team], values: dict, descending: bool) -> list[Team]:
    """Teams by a column's value (teams without one last), then by name."""
    teams = sorted(teams, key=lambda team: team.name.casefold())
    valued = [t for t in teams if values.get(t.id) is not None]
    valued.sort(key=lambda team: values[team.id], reverse=descending)
    return valued + [t for t in teams if values.get(t.id) is None]


@bp.get("/teams")
def teams():
    """Every team the coordinator may see, with its current cycle and where each form of
    it stands, and the plugins' columns; filtered by region, sorted by name, region,
    latest activity or a column."""
    visible = [team for team in current_store().list_teams()
               if coordinator_may_see(g.user, team)]
    regions = sorted({team.region for team in visible if team.region}, key=str.casefold)
    region = request.args.get("region", "")
    if region not in regions:
        region = ""
    columns = team_columns(g.user, reserved=SORTS)
    by_key = {column.key: column for column in columns}
    sort = request.args.get("sort", "name")
    if sort not in SORTS and sort not in by_key:
        sort = "name"
    chosen = [team for team in visible if not region or team.region == region]
    values: dict[str, dict] = {}
    current = None
    if sort == "updated":
        # the most recently active first, never active last: needs every team's states
        rows = sorted(team_rows(chosen), key=lambda row: row.team.name.casefold())
        rows.sort(key=lambda row: row.updated, reverse=True)
    elif sort in by_key:
        # a plugin's column: its values for every team (one read), then only the page's
        # teams are read further
        current = current_cycles(chosen)
        column = by_key[sort]
        values[sort] = dict(column.values([TeamRowKey(t, current.get(t.id)) for t in chosen]))
        chosen = _by_value(chosen, values[sort], column.descending)
    else:
        # only the page's teams are read further (each: its cycle, forms, members)
        chosen.sort(key=lambda team: ((team.region or "\uffff").casefold()
                                      if sort == "region" else "", team.name.casefold()))
    pages = max(1, -(-len(chosen) // TEAMS_PER_PAGE))
    page = page_number(request.args, last=pages)
    shown = slice((page - 1) * TEAMS_PER_PAGE, page * TEAMS_PER_PAGE)
    rows = rows[shown] if sort == "updated" else team_rows(chosen[shown], current)
    keys = [TeamRowKey(row.team, row.cycle) for row in rows]
    for column in columns:
        found = values.get(column.key)
        if found is None:
            found = dict(column.values(keys)) if keys else {}
        for row in rows:
            row.cells.append(column.show(found.get(row.team.id)))
    return render_template("admin/teams.html", rows=rows, total=len(chosen), page=page,
                           pages=pages, args={"region": region, "sort": sort},
                           regions=regions, region=region, sort=sort, columns=columns,
                           cycle_forms=cycle_forms(), days_since=days_since,
                           may_create=may_create_teams(g.user))


@bp.route("/teams/new", methods=["GET", "POST"])
def new_team():
    if not may_create_teams(g.user):
        return render_error(403, _("Only administrators and coordinators of every form "
                                   "can create teams."))
    form = {name: (request.form.get(name) or "").strip()[:roster.MAX_NAME]
            for name in _FIELDS}
    language = request.form.get("language") if request.form.get("language") in (
        "en", "fr") else current_locale()
    if request.method == "GET":
        return render_template("admin/team_new.html", form=form, language=language,
                               error=None)
    error = None
    try:
        email = validate_email(form["lead_email"], check_deliverability=False
                               ).normalized.lower()
    except EmailNotValidError:
        error = _("Enter the lead’s email address.")
    if not form["name"]:
        error = _("Give the team a name.")
    if error:
        return render_template("admin/team_new.html", form=form, language=language,
                               error=error), 422
    team, lead = roster.create_team(form["name"], email, form["lead_name"],
                                    form["community"], form["region"])
    roster.invite(team, lead, language)
    flash(_("The team %(team)s is created: its lead %(email)s gets an email with a "
            "sign-in link.", team=team.name, email=lead.email), "success")
    return redirect(url_for("admin.teams"))

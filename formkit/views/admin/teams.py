"""Teams in the coordinators' workspace: the provincial overview of the teams one may
see (each team's current cycle and the state of its forms), and
creating a team with its lead (administrators and all-forms coordinators), who gets
an invitation with a one-time sign-in link."""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from formkit.i18n import current_locale
from formkit.paging import page_number
from formkit.state import current_store
from formkit.storage import Cycle, Member, Team
from formkit.teams import cycles, roster
from formkit.teams.access import coordinator_may_see
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


#: teams on a page of the overview.
TEAMS_PER_PAGE = 50
#: the orders the overview offers (the ``sort`` argument).
SORTS = ("name", "region", "updated")


def team_rows(teams: list[Team]) -> list[TeamRow]:
    store = current_store()
    rows = []
    for team in teams:
        cycle = cycles.current(team)
        forms = cycles.states(cycle, None) if cycle is not None else []
        updated = max((f.slot.updated for f in forms if f.slot and f.slot.revision),
                      default="")
        rows.append(TeamRow(team, store.list_members(team.id), cycle, forms, updated))
    return rows


@bp.get("/teams")
def teams():
    """Every team the coordinator may see, with its current cycle and where each form of
    it stands; filtered by region, sorted by name, region or latest activity."""
    visible = [team for team in current_store().list_teams()
               if coordinator_may_see(g.user, team)]
    regions = sorted({team.region for team in visible if team.region}, key=str.casefold)
    region = request.args.get("region", "")
    if region not in regions:
        region = ""
    sort = request.args.get("sort", "name")
    if sort not in SORTS:
        sort = "name"
    chosen = [team for team in visible if not region or team.region == region]
    if sort == "updated":
        # the most recently active first, never active last: needs every team's states
        rows = sorted(team_rows(chosen), key=lambda row: row.team.name.casefold())
        rows.sort(key=lambda row: row.updated, reverse=True)
    else:
        # only the page's teams are read further (each: its cycle, forms, members)
        chosen.sort(key=lambda team: ((team.region or "\uffff").casefold()
                                      if sort == "region" else "", team.name.casefold()))
    pages = max(1, -(-len(chosen) // TEAMS_PER_PAGE))
    page = page_number(request.args, last=pages)
    shown = slice((page - 1) * TEAMS_PER_PAGE, page * TEAMS_PER_PAGE)
    rows = rows[shown] if sort == "updated" else team_rows(chosen[shown])
    return render_template("admin/teams.html", rows=rows, total=len(chosen), page=page,
                           pages=pages, args={"region": region, "sort": sort},
                           regions=regions, region=region, sort=sort,
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

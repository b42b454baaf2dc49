"""Teams in the coordinators' workspace: the list of the teams one may see, and
creating a team with its lead (administrators and all-forms coordinators), who gets
an invitation with a one-time sign-in link."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from formkit.i18n import current_locale
from formkit.state import current_store
from formkit.teams import roster
from formkit.teams.access import coordinator_may_see
from formkit.views.admin import bp
from formkit.views.errors import render_error

_FIELDS = ("name", "community", "region", "lead_name", "lead_email")


def may_create_teams(user) -> bool:
    """Administrators and all-forms coordinators (who will see the team)."""
    return user.is_admin or user.all_forms is True


@bp.get("/teams")
def teams():
    store = current_store()
    shown = [(team, store.list_members(team.id)) for team in store.list_teams()
             if coordinator_may_see(g.user, team)]
    return render_template("admin/teams.html", teams=shown,
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

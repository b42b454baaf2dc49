"""The one access checkpoint of the team space (every route under ``/t/``).

It runs before every view of the ``teams`` blueprint and of blueprints nested in it:

- ``/t/<slug>/…`` resolves the team into ``g.team`` and lets in an active member of
  that team (``g.member``), a coordinator who may see at least one of the forms the
  team uses (:func:`team_form_ids`), and an administrator;
- ``/t/`` (a person's list of teams) needs a signed-in member or coordinator;
- anyone else: signed out → the member sign-in page; signed in but not allowed → the
  same 404 as for a team that does not exist (a team's existence is never revealed).
"""

from __future__ import annotations

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext as _

from formkit.auth import current_user
from formkit.state import current_store
from formkit.storage import Team, User
from formkit.teams.identity import current_person
from formkit.views.errors import render_error


def team_form_ids(team: Team) -> list[str] | None:
    """The forms ``team`` uses (the cycle configuration decides); ``None`` while no
    configuration says (then only all-forms coordinators and administrators see it)."""
    from formkit.plugins import call_each
    from formkit.state import current_registry

    found: list[str] | None = None
    for _plugin, form_ids in call_each(current_registry().pm, "formkit_team_forms",
                                       team=team):
        found = [*(found or []), *form_ids]
    return found


def coordinator_may_see(user: User, team: Team) -> bool:
    """An administrator, an all-forms coordinator, or one who may see a form the team
    uses."""
    if user.is_admin or user.all_forms is True:
        return True
    return any(user.may_see(form_id) for form_id in team_form_ids(team) or ())


def may_read_form(form_id: str) -> bool:
    """Whether whoever the checkpoint let in may read ``form_id``'s pages of the team:
    any member of the team; a coordinator only for a form they may see (being let into
    the team by one of its forms opens no other)."""
    if g.get("member") is not None:
        return True
    user = current_user()
    return user is not None and user.may_see(form_id)


def _signed_out():
    if g.get("member_expired"):
        flash(_("Your session ended. Ask for a new link to sign in again."), "warning")
    return redirect(url_for("signin.request_link"))


def checkpoint():
    """``None`` lets the view run; anything else is the refusal."""
    g.team = g.member = None
    person = current_person()
    user = current_user()
    if person is None and user is None:
        return _signed_out()
    slug = (request.view_args or {}).get("slug")
    if slug is None:
        return None  # /t/: the views show only the person's own teams
    team = current_store().find_team(slug)
    if team is None:
        return render_error(404)
    member = person.member_of(team) if person else None
    if member is None and not (user is not None and coordinator_may_see(user, team)):
        return render_error(404)
    g.team, g.member = team, member
    return None

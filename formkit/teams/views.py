"""The team space under ``/t/`` (blueprint ``teams``, guarded by
:func:`formkit.teams.access.checkpoint`) and community members' sign-in without a
password (blueprint ``signin``: ``/signin``, ``/signin/<token>``, ``/signout``)."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from formkit import onetime
from formkit.i18n import current_locale
from formkit.state import current_store
from formkit.storage import LEAD, MEMBER, MEMBER_ROLES, StoreError
from formkit.teams import access, activity, links, panels, roster
from formkit.teams.identity import (
    current_person,
    end_member_session,
    start_member_session,
    viewer,
)
from formkit.views.errors import render_error

bp = Blueprint("teams", __name__, url_prefix="/t")
bp.before_request(access.checkpoint)

signin_bp = Blueprint("signin", __name__)


@bp.after_request
@signin_bp.after_request
def no_store(response):
    # Team pages show people and their work: never keep them in a shared cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def current_cycle(team):
    """The team's current cycle (``None`` before its first)."""
    from formkit.teams import cycles

    return cycles.current(team)


# Cycles and living responses (/t/<slug>/c/…, /t/<slug>/cycles/new): nested, so this
# blueprint's checkpoint runs first for them too.
from formkit.teams.cycle_views import bp as _cycles_bp  # noqa: E402

bp.register_blueprint(_cycles_bp)

# Finding peers (/t/<slug>/peers/…), behind the same checkpoint.
from formkit.teams.peers import bp as _peers_bp  # noqa: E402

bp.register_blueprint(_peers_bp)


@bp.get("/")
def my_teams():
    """The teams of the signed-in person (straight to the one when there is one)."""
    person = current_person()
    store = current_store()
    teams = [t for t in (store.get_team(m.team_id) for m in (person.memberships
                                                               if person else []))
             if t is not None]
    if len(teams) == 1 and request.args.get("all") is None:
        return redirect(url_for("teams.space", slug=teams[0].slug))
    return render_template("teams/my_teams.html", teams=sorted(teams, key=lambda t: t.name))


@bp.get("/<slug>/")
def space(slug: str):
    team = g.team
    shown = panels.collect(team, current_cycle(team), viewer(team))
    return render_template("teams/space.html", team=team, panels=shown)


# -- signing in without a password -----------------------------------------------------
@signin_bp.route("/signin", methods=["GET", "POST"])
def request_link():
    """Ask for a new sign-in link. The answer is the same whether or not the address
    belongs to a member (no one learns who is in a team)."""
    if request.method == "GET":
        return render_template("teams/signin.html", email="", error=None)
    email = (request.form.get("email") or "").strip()[:254]
    try:
        email = validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return render_template("teams/signin.html", email=email,
                               error=_("Enter a valid email address.")), 422
    if onetime.address_over_limit():
        return render_error(429, _("Too many links were asked for from this network. "
                                   "Please wait an hour and try again."))
    # Over the per-address limit of one email: nothing more is sent, and nothing says so.
    if not onetime.email_over_limit(email):
        memberships = current_store().memberships(email)
        if memberships:
            links.send(email, memberships[0].name, None, current_locale(), "signin_link")
    return render_template("teams/signin_sent.html", email=email)


@signin_bp.route("/signin/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """GET shows one button (mail scanners open links without pressing it); POST uses
    the link."""
    if request.method == "GET":
        return render_template("teams/confirm.html", token=token)
    link = links.claim(token)
    memberships = current_store().memberships(link.email) if link else []
    if not memberships:
        return render_template("teams/signin.html", email="", error=_(
            "This sign-in link does not work any more: it was used already, or it is "
            "more than 24 hours old. Ask for a new one below.")), 410
    start_member_session(link.email)
    store = current_store()
    for membership in memberships:
        team = store.get_team(membership.team_id)
        if team is not None:
            activity.record(team, "member_signin", target=membership.email,
                            by=(membership.email, membership.name))
    target = next((m for m in memberships if m.team_id == link.team_id), None)
    if target is not None:
        team = store.get_team(target.team_id)
        if team is not None:
            return redirect(url_for("teams.space", slug=team.slug))
    return redirect(url_for("teams.my_teams"))


@signin_bp.post("/signout")
def signout():
    end_member_session()
    flash(_("You are signed out."), "success")
    return redirect(url_for("signin.request_link"))


# -- the members page ------------------------------------------------------------------
def _members_page(status: int = 200, **context):
    team = g.team
    return render_template("teams/members.html", team=team, viewer=viewer(team),
                           members=current_store().list_members(team.id),
                           form=context.pop("form", {}), error=context.pop("error", None),
                           **context), status


@bp.route("/<slug>/members", methods=["GET", "POST"])
def members(slug: str):
    """Everyone who may open the team sees its members; its leads (and administrators)
    invite, remove and change them."""
    if request.method == "GET":
        return _members_page()
    if not viewer(g.team).may_manage:
        return render_error(403, _("Only the team’s leads can invite or remove members."))
    action = request.form.get("action")
    if action == "invite":
        return _invite()
    member = current_store().get_member(request.form.get("member_id") or "")
    if member is None or member.team_id != g.team.id or not member.active:
        return _members_page(404, error=_("This person is not a member of the team any "
                                          "more. Nothing was changed."))
    if action == "remove":
        return _change(member, None)
    if action == "role" and request.form.get("role") in MEMBER_ROLES:
        return _change(member, request.form["role"])
    return render_error(400)


def _invite():
    team = g.team
    form = {"email": (request.form.get("email") or "").strip()[:254],
            "name": (request.form.get("name") or "").strip()[:roster.MAX_NAME],
            "role": request.form.get("role") if request.form.get("role") in MEMBER_ROLES
            else MEMBER}
    try:
        email = validate_email(form["email"], check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return _members_page(422, form=form, error=_("Enter a valid email address."))
    if not form["name"]:
        return _members_page(422, form=form, error=_("Enter the person’s name."))
    try:
        member = roster.add_member(team, email, form["name"], form["role"])
    except StoreError:
        return _members_page(422, form=form, error=_("%(email)s is already a member of the "
                                                     "team.", email=email))
    roster.invite(team, member, current_locale())
    flash(_("%(name)s is invited: a sign-in link is on its way to %(email)s.",
            name=member.name, email=member.email), "success")
    return redirect(url_for("teams.members", slug=team.slug))


def _change(member, role: str | None):
    """Remove ``member`` (``role`` None) or give them ``role``; a team keeps a lead."""
    team = g.team
    leads = [m for m in current_store().list_members(team.id) if m.is_lead]
    if member.is_lead and role != LEAD and len(leads) == 1:
        return _members_page(409, error=_("A team needs a lead: make someone else a lead "
                                          "first. Nothing was changed."))
    if role is None:
        roster.remove_member(team, member)
        flash(_("%(name)s was removed from the team.", name=member.name), "success")
    elif role != member.role:
        roster.change_role(team, member, role)
        flash(_("%(name)s’s role was changed.", name=member.name), "success")
    return redirect(url_for("teams.members", slug=team.slug))

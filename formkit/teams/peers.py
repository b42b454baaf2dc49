"""Finding peers: teams that chose to be listed, found by other teams by what they work
on and their region, and a message to a listed team through the outbox.

This module owns the listing toggle (only a team's lead turns it on or off; off
removes the team from every listing at once), the page ``/t/<slug>/peers/`` (behind
the team space's one checkpoint: members of any team and coordinators who may open a
team see it), the "Finding peers" panel of the team space, and the contact page.

What a team works on comes from the hook ``formkit_team_tags(team, cycle)`` (the core
never names a form). Getting in touch never shows anyone's email address: a member
writes a message that the outbox sends to the listed team's leads, with the sender's
name and address (the sender agrees to share it by sending) as the reply address.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from markupsafe import Markup

from formkit import hookimpl
from formkit.i18n import current_locale
from formkit.outbox import send_email
from formkit.paging import page_number
from formkit.plugins import call_each
from formkit.state import current_registry, current_store
from formkit.storage import Team
from formkit.storage.base import new_token
from formkit.teams import activity, cycles
from formkit.teams.identity import viewer
from formkit.teams.panels import Panel
from formkit.views.errors import render_error

#: after the members (20), before the recent activity (80).
PEERS_ORDER = 30
#: teams on one page of the listing.
PER_PAGE = 20
#: the longest message a team may send another.
MESSAGE_LENGTH = 2000

# Nested in the ``teams`` blueprint (formkit.teams.views): its checkpoint runs first.
bp = Blueprint("peers", __name__, url_prefix="/<slug>/peers")


@dataclass
class Peer:
    """A listed team as others see it: its name, community, region and tags."""

    team: Team
    tags: list[tuple[str, str]]
    #: the keys of its tags the viewing team shares.
    shared: set[str]


def team_tags(team: Team) -> list[tuple[str, str]]:
    """What ``team`` works on in its current cycle (every plugin's
    ``formkit_team_tags``), each key once; kept until a response changes (below)."""
    known = _known_tags()
    place = (team.id, team.current_cycle)
    if place not in known:
        cycle = cycles.current(team)
        tags: dict[str, str] = {}
        for _plugin, items in call_each(current_registry().pm, "formkit_team_tags",
                                        team=team, cycle=cycle):
            for key, label in items:
                tags.setdefault(str(key), str(label))
        known[place] = list(tags.items())
    return known[place]


def _known_tags() -> dict[tuple[str, str | None], list[tuple[str, str]]]:
    """The tags already worked out in this process, by (team, current cycle), for the
    current language, while no response of any form changed (each form's
    ``form_stamp``: one cheap read per form).

    Why: the listing needs every listed team's tags at each request, and plugins read
    them from the teams' responses — several reads a team, hundreds of teams. Tags
    depend only on a team's cycles and responses (the hook's contract), so a stamp of
    the responses says when they may have changed; listing and unlisting are read from
    the team records at every request, so they still take effect at once."""
    if "peer_tags" in g:  # the stamps are read once a request
        return g.peer_tags
    store, registry = current_store(), current_registry()
    stamp = tuple(store.form_stamp(form_id) for form_id in sorted(registry.forms))
    by_locale = current_app.extensions.setdefault("formkit.peer_tags", {})
    kept = by_locale.get(current_locale())
    if kept is None or kept[0] != stamp:
        # Replaced whole, never emptied in place: another thread may be reading it.
        kept = by_locale[current_locale()] = (stamp, {})
    g.peer_tags = kept[1]
    return kept[1]


def listed_peers(team: Team) -> list[Peer]:
    """Every listed team but ``team``, those sharing more of its tags first, then by
    name. Teams are few (hundreds): ``list_teams`` is one read of the store, and what
    they work on comes from plugins, so the filter runs here, not in the store."""
    own = {key for key, _label in team_tags(team)}
    peers = []
    for other in current_store().list_teams():
        if not other.listed or other.id == team.id:
            continue
        tags = team_tags(other)
        peers.append(Peer(other, tags, own & {key for key, _label in tags}))
    return sorted(peers, key=lambda p: (-len(p.shared), p.team.name.lower(), p.team.slug))


@bp.get("/")
def listing(slug: str):
    """The listed teams, filtered by what they work on (``area``) and ``region``."""
    team = g.team
    peers = listed_peers(team)
    areas = sorted({tag for peer in peers for tag in peer.tags}, key=lambda t: t[1].lower())
    regions = sorted({peer.team.region for peer in peers if peer.team.region})
    area = request.args.get("area") or None
    region = (request.args.get("region") or "").strip() or None
    notices = []
    if area and area not in dict(areas):
        notices.append(_("No listed team works on that area now; showing every area."))
        area = None
    if region and region not in regions:
        notices.append(_("No listed team is in that region; showing every region."))
        region = None
    found = [p for p in peers if (area is None or area in dict(p.tags))
             and (region is None or p.team.region == region)]
    pages = max(1, -(-len(found) // PER_PAGE))
    page = min(page_number(request.args), pages)
    here = {"slug": team.slug, "area": area, "region": region}
    return render_page(
        "teams/peers.html", team=team, viewer=viewer(team), own_tags=team_tags(team),
        peers=found[(page - 1) * PER_PAGE:page * PER_PAGE], total=len(found), page=page,
        pages=pages, areas=areas, regions=regions, area=area, region=region,
        notices=notices,
        previous=url_for("teams.peers.listing", **here, page=page - 1) if page > 1 else None,
        following=url_for("teams.peers.listing", **here, page=page + 1)
        if page < pages else None)


def render_page(template: str, status: int = 200, **context):
    return render_template(template, **context), status


@bp.post("/listing")
def toggle(slug: str):
    """Turn the team's listing on or off: its lead only (a coordinator or another
    member gets a 403 and nothing changes)."""
    team = g.team
    if not viewer(team).is_lead:
        return render_error(403, _("Only the team’s leads can list the team or take it "
                                   "off the list."))
    listed = request.form.get("listed") == "yes"
    if listed != team.listed:
        current_store().update_team(team.id, listed=listed)
        activity.record(team, "peers_listed" if listed else "peers_unlisted")
    flash(_("Other teams can now find your team.") if listed else
          _("Your team is no longer listed: other teams cannot find it."), "success")
    return redirect(url_for("teams.space", slug=team.slug))


@activity.describes("peers_listed")
def _listed(entry) -> str:
    return _("%(who)s listed the team so other teams can find it.", who=activity.who(entry))


@activity.describes("peers_unlisted")
def _unlisted(entry) -> str:
    return _("%(who)s took the team off the list other teams see.", who=activity.who(entry))


@activity.describes("peer_message")
def _message(entry) -> str:
    return _("%(who)s wrote to the team %(team)s.", who=activity.who(entry),
             team=(entry.get("detail") or {}).get("to", ""))


def _listed_team(other_slug: str, team: Team) -> Team | None:
    """The listed team ``other_slug``, never the viewer's own; ``None`` otherwise (an
    unlisted team is "not found", as if it did not exist)."""
    other = current_store().find_team(other_slug)
    return other if other is not None and other.listed and other.id != team.id else None


@bp.route("/<other>/contact", methods=["GET", "POST"])
def contact(slug: str, other: str):
    """A member writes to a listed team's leads (through the outbox)."""
    team = g.team
    peer = _listed_team(other, team)
    if peer is None:
        return render_error(404)
    if g.member is None:
        return render_error(403, _("Only members of a team can write to another team."))
    text = (request.form.get("message") or "").strip()
    if request.method == "GET":
        return render_page("teams/peer_contact.html", team=team, peer=peer, message="",
                           error=None)
    if not text:
        return render_page("teams/peer_contact.html", 422, team=team, peer=peer,
                           message=text, error=_("Write your message."))
    if len(text) > MESSAGE_LENGTH:
        return render_page("teams/peer_contact.html", 422, team=team, peer=peer,
                           message=text, error=_("Your message is too long: at most "
                                                 "%(num)d characters.", num=MESSAGE_LENGTH))
    count, seconds = current_app.config["PEER_MESSAGES_PER_DAY"]
    if current_store().hit(f"peer-message:{g.member.email}", seconds) > count:
        return render_page("teams/peer_contact.html", 429, team=team, peer=peer,
                           message=text, error=_("You have sent as many messages to other "
                                                 "teams as one day allows. Nothing was "
                                                 "sent; try again tomorrow."))
    key = new_token()
    for lead in (m for m in current_store().list_members(peer.id) if m.is_lead):
        send_email(lead.email, "peer_message", {
            "name": lead.name, "sender": g.member.name, "sender_email": g.member.email,
            "team": team, "peer": peer, "message": text,
        }, locale=current_locale(), key=f"peer:{key}:{lead.id}", reply_to=g.member.email)
    activity.record(team, "peer_message", target=peer.id, to=peer.name)
    flash(_("Your message is on its way to the leads of %(team)s.", team=peer.name),
          "success")
    return redirect(url_for("teams.peers.listing", slug=team.slug))


@hookimpl
def formkit_team_panels(team, cycle, viewer):
    return [Panel(PEERS_ORDER, Markup(render_template(
        "teams/_peers_panel.html", team=team, viewer=viewer, tags=team_tags(team))))]

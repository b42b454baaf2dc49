"""Teams and the people in them: creating a team with its lead, inviting, removing
and changing members. Every change is in the team's activity (audit log)."""

from __future__ import annotations

import re
import secrets
import unicodedata

from formkit.state import current_store
from formkit.storage import LEAD, MEMBER_ROLES, Member, StoreError, Team
from formkit.teams import activity, links
from formkit.teams.identity import end_person_sessions

MAX_NAME = 200


def slugify(name: str) -> str:
    """A URL name from a team's name: ASCII letters, digits and dashes."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")
    return slug or "team"


def _free_slug(name: str) -> str:
    base = slugify(name)
    taken = {t.slug for t in current_store().list_teams()}
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def create_team(name: str, lead_email: str, lead_name: str = "", community: str = "",
                region: str = "") -> tuple[Team, Member]:
    """A new team (its slug made from its name) with its first lead."""
    name = name.strip()[:MAX_NAME]
    if not name:
        raise ValueError("a team needs a name")
    store = current_store()
    for _attempt in range(3):  # two teams of one name created at once: the next slug
        team = Team(id=f"team_{secrets.token_hex(8)}", slug=_free_slug(name), name=name,
                    community=community.strip()[:MAX_NAME], region=region.strip()[:MAX_NAME])
        try:
            store.add_team(team)
            break
        except StoreError:
            continue
    else:
        raise StoreError(f"could not name the team {name!r}")
    activity.record(team, "team_create", target=team.slug)
    lead = add_member(team, lead_email, lead_name, LEAD)
    return team, lead


def add_member(team: Team, email: str, name: str = "", role: str = "member") -> Member:
    """Add a person to ``team`` (:class:`StoreError` if already an active member)."""
    if role not in MEMBER_ROLES:
        raise ValueError(f"role must be one of {', '.join(MEMBER_ROLES)}")
    email = email.strip().lower()
    member = current_store().add_member(Member(
        id=f"member_{secrets.token_hex(8)}", team_id=team.id, email=email,
        name=(name.strip() or email.split("@")[0])[:MAX_NAME], role=role))
    activity.record(team, "member_invite", target=email, name=member.name, role=role)
    return member


def invite(team: Team, member: Member, locale: str) -> None:
    """Email ``member`` a one-time link into the team."""
    links.send(member.email, member.name, team, locale, "team_invitation")


def find_member(team: Team, email: str) -> Member | None:
    email = email.strip().lower()
    return next((m for m in current_store().list_members(team.id) if m.email == email), None)


def remove_member(team: Team, member: Member) -> Member:
    """Remove ``member`` from ``team``: their sessions end at once (they sign in again
    for their other teams); the record stays, so their past actions keep a name."""
    from formkit.clock import utcnow_iso

    removed = current_store().update_member(member.id, removed=utcnow_iso())
    end_person_sessions(member.email)
    activity.record(team, "member_remove", target=member.email, name=member.name)
    return removed


def change_role(team: Team, member: Member, role: str) -> Member:
    if role not in MEMBER_ROLES:
        raise ValueError(f"role must be one of {', '.join(MEMBER_ROLES)}")
    changed = current_store().update_member(member.id, role=role)
    activity.record(team, "member_role", target=member.email, name=member.name, role=role)
    return changed

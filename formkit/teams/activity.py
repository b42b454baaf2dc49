"""A team's activity: audit entries that carry the team's id (see
:func:`formkit.auth.audit`), listed newest first without reading the whole log, and
told as translated sentences in the team space.

Each entry keeps the actor's *name* as it was (``by``), so a removed member's past
actions stay attributed. A module that records a new action registers how to tell it
with :func:`describes`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import g, request
from flask_babel import gettext as _

from formkit.auth import client_address
from formkit.state import current_store
from formkit.storage import Team

#: how each action reads in the team space: action -> function(entry) -> text.
_DESCRIPTIONS: dict[str, Callable[[dict[str, Any]], str]] = {}


def describes(action: str):
    """Register how entries of ``action`` read (decorator of ``entry -> str``)."""
    def register(function: Callable[[dict[str, Any]], str]):
        _DESCRIPTIONS[action] = function
        return function
    return register


def actor() -> tuple[str | None, str | None]:
    """(email, name) of whoever acts in this request: the signed-in member of the
    team (``g.member``), else the coordinator, else nobody (the command line)."""
    member = g.get("member")
    if member is not None:
        return member.email, member.name
    user = g.get("user")
    if user is not None:
        return user.email, user.email
    return None, None


def record(team: Team, action: str, target: str | None = None, *,
           by: tuple[str | None, str | None] | None = None, **detail: Any) -> None:
    """Append an audit entry about ``team`` (never a secret or an answer)."""
    email, name = by if by is not None else actor()
    current_store().append_team_audit({
        "user": email, "by": name, "action": action, "target": target,
        "team_id": team.id, "team": team.slug, "detail": detail,
        "address": client_address() if request else None,
    })


def recent(team: Team, limit: int = 20) -> list[dict[str, Any]]:
    """``team``'s latest entries, newest first."""
    return current_store().list_team_audit(team.id, limit)


def describe(entry: dict[str, Any]) -> str:
    """One entry as a sentence in the current language."""
    tell = _DESCRIPTIONS.get(entry.get("action") or "")
    if tell is not None:
        return tell(entry)
    return _("%(who)s: %(action)s", who=_who(entry), action=entry.get("action") or "?")


def _who(entry: dict[str, Any]) -> str:
    return entry.get("by") or entry.get("user") or _("The system")


def _detail(entry: dict[str, Any], key: str) -> str:
    return str((entry.get("detail") or {}).get(key) or "")


@describes("team_create")
def _team_create(entry):
    return _("%(who)s created the team.", who=_who(entry))


@describes("member_invite")
def _member_invite(entry):
    return _("%(who)s invited %(name)s.", who=_who(entry), name=_detail(entry, "name"))


@describes("member_signin")
def _member_signin(entry):
    return _("%(who)s signed in.", who=_who(entry))


@describes("member_remove")
def _member_remove(entry):
    return _("%(who)s removed %(name)s from the team.", who=_who(entry),
             name=_detail(entry, "name"))


@describes("member_role")
def _member_role(entry):
    if _detail(entry, "role") == "lead":
        return _("%(who)s made %(name)s a lead.", who=_who(entry), name=_detail(entry, "name"))
    return _("%(who)s made %(name)s a member.", who=_who(entry), name=_detail(entry, "name"))

"""Who a request comes from, as a community member: the signed-in person (from a
server-side session like coordinators', see :mod:`formkit.auth`) and their memberships.

A member's session is a :class:`formkit.storage.Session` whose ``user_id`` is
``person:<email>`` (no coordinator account has such an id), kept under its own cookie
key, so one browser may hold a coordinator's session and a member's at once. It ends
after ``MEMBER_IDLE_MINUTES`` without use, ``MEMBER_SESSION_HOURS`` after sign-in, at
sign-out, and when the person is removed from a team."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from flask import current_app, g, session

from formkit import clock
from formkit.auth import (
    MEMBER_SID,
    RESPONDENT_KEYS,
    clear_cookie,
    current_user,
    live_session,
    session_id_hash,
)
from formkit.state import current_store
from formkit.storage import Member, Session, Team, User

PERSON_PREFIX = "person:"


@dataclass
class Person:
    """A signed-in community member: their email, the name their teams know them by,
    and their active memberships."""

    email: str
    name: str
    memberships: list[Member] = field(default_factory=list)

    def member_of(self, team: Team) -> Member | None:
        return next((m for m in self.memberships if m.team_id == team.id), None)


@dataclass
class Viewer:
    """Who looks at a team space: its member, a coordinator, or both."""

    person: Person | None
    member: Member | None
    user: User | None

    @property
    def is_lead(self) -> bool:
        return self.member is not None and self.member.is_lead

    @property
    def may_manage(self) -> bool:
        """Invite, remove and change members: the team's leads and administrators."""
        return self.is_lead or (self.user is not None and self.user.is_admin)


def subject(email: str) -> str:
    """The ``Session.user_id`` of a person's sessions."""
    return PERSON_PREFIX + email.strip().lower()


def start_member_session(email: str) -> None:
    """A new server-side session for the person ``email``; the cookie gets a fresh
    random id and CSRF token (a coordinator's session in this browser stays)."""
    end_member_session()
    clear_cookie(keep=(*RESPONDENT_KEYS, "sid"))
    sid = secrets.token_urlsafe(32)
    now = clock.now()
    hours = current_app.config["MEMBER_SESSION_HOURS"]
    current_store().add_session(Session(id=session_id_hash(sid), user_id=subject(email),
                                        created=now, seen=now, expires=now + hours * 3600))
    session[MEMBER_SID] = sid
    session.permanent = True
    g.pop("person", None)


def end_member_session() -> None:
    """Sign this browser's member out (its session record is deleted)."""
    sid = session.pop(MEMBER_SID, None)
    if sid:
        current_store().delete_session(session_id_hash(sid))
    g.person = None


def end_person_sessions(email: str) -> int:
    """End every session of a person, in every browser; how many there were."""
    return current_store().delete_user_sessions(subject(email))


def current_person() -> Person | None:
    """The signed-in community member, or ``None``: also after the idle limit or the
    absolute lifetime, once the session was ended anywhere, and for a person in no team
    any more."""
    if "person" in g:
        return g.person
    g.person = None
    record, had_cookie = live_session(MEMBER_SID,
                                      current_app.config["MEMBER_IDLE_MINUTES"] * 60)
    if record is None or not record.user_id.startswith(PERSON_PREFIX):
        if had_cookie:
            g.member_expired = True
            end_member_session()
        return None
    email = record.user_id.removeprefix(PERSON_PREFIX)
    memberships = current_store().memberships(email)
    if not memberships:
        end_member_session()
        return None
    g.person = Person(email=email, name=memberships[0].name, memberships=memberships)
    return g.person


def member_of(team: Team) -> Member | None:
    """The current person's active membership of ``team``, or ``None``."""
    person = current_person()
    return person.member_of(team) if person else None


def viewer(team: Team) -> Viewer:
    """Who is looking at ``team``'s space in this request."""
    return Viewer(person=current_person(), member=member_of(team), user=current_user())

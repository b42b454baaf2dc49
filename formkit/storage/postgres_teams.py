"""PostgreSQL storage of teams, members, sign-in links and team audit entries (mixed
into :class:`formkit.storage.postgres_store.PostgresStore`; tables of migration 009)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import psycopg

from formkit.storage.base import Member, SignInLink, StoreError, Team, utcnow

_TEAM = ("id", "slug", "name", "community", "region", "created", "current_cycle", "listed")
_MEMBER = ("id", "team_id", "email", "name", "role", "added", "removed")
_LINK = ("id", "email", "team_id", "expires", "created", "used")
_SELECT_TEAM = f"SELECT {', '.join(_TEAM)} FROM teams"
_SELECT_MEMBER = f"SELECT {', '.join(_MEMBER)} FROM members"
#: leads first, then by name (what every list of people shows).
_MEMBER_ORDER = "ORDER BY role <> 'lead', lower(name), email"


def _team(row: dict | None) -> Team | None:
    return Team.from_dict(row) if row else None


def _member(row: dict | None) -> Member | None:
    return Member.from_dict(row) if row else None


class PostgresTeams:
    """The team methods of :class:`formkit.storage.base.Store` for PostgreSQL."""

    def _insert_row(self, table: str, columns: tuple[str, ...], data: dict[str, Any],
                    taken: str) -> None:
        try:
            self._run(f"INSERT INTO {table} ({', '.join(columns)}) "
                      f"VALUES ({', '.join(['%s'] * len(columns))})",
                      [data[c] for c in columns])
        except psycopg.errors.UniqueViolation as exc:
            raise StoreError(taken) from exc

    # -- teams -------------------------------------------------------------------------
    def add_team(self, team: Team) -> Team:
        self._insert_row("teams", _TEAM, team.to_dict(),
                         f"a team named {team.slug!r} already exists")
        return team

    def get_team(self, team_id: str) -> Team | None:
        return _team(self._one(f"{_SELECT_TEAM} WHERE id = %s", (team_id or "",)))

    def find_team(self, slug: str) -> Team | None:
        return _team(self._one(f"{_SELECT_TEAM} WHERE slug = %s", (slug or "",)))

    def list_teams(self) -> list[Team]:
        return [Team.from_dict(r) for r in self._all(
            f"{_SELECT_TEAM} ORDER BY lower(name), slug")]

    def update_team(self, team_id: str, **changes: Any) -> Team | None:
        if not changes:
            return self.get_team(team_id)
        try:
            return _team(self._update_row("teams", _TEAM, set(), team_id, changes))
        except psycopg.errors.UniqueViolation as exc:
            raise StoreError(f"a team named {changes.get('slug')!r} already exists") from exc

    # -- members -----------------------------------------------------------------------
    def add_member(self, member: Member) -> Member:
        member.email = member.email.strip().lower()
        self._insert_row("members", _MEMBER, member.to_dict(),
                         f"{member.email} is already a member of this team")
        return member

    def get_member(self, member_id: str) -> Member | None:
        return _member(self._one(f"{_SELECT_MEMBER} WHERE id = %s", (member_id or "",)))

    def list_members(self, team_id: str, include_removed: bool = False) -> list[Member]:
        active = "" if include_removed else " AND removed IS NULL"
        return [Member.from_dict(r) for r in self._all(
            f"{_SELECT_MEMBER} WHERE team_id = %s{active} {_MEMBER_ORDER}", (team_id,))]

    def members_of_teams(self, team_ids: Iterable[str]) -> dict[str, list[Member]]:
        wanted = list(team_ids)
        found: dict[str, list[Member]] = {team_id: [] for team_id in wanted}
        for row in self._all(f"{_SELECT_MEMBER} WHERE team_id = ANY(%s) AND removed IS NULL "
                             f"{_MEMBER_ORDER}", (wanted,)):
            found[row["team_id"]].append(Member.from_dict(row))
        return found

    def memberships(self, email: str) -> list[Member]:
        return [Member.from_dict(r) for r in self._all(
            f"{_SELECT_MEMBER} WHERE email = %s AND removed IS NULL ORDER BY seq",
            ((email or "").strip().lower(),))]

    def update_member(self, member_id: str, **changes: Any) -> Member | None:
        if not changes:
            return self.get_member(member_id)
        try:
            return _member(self._update_row("members", _MEMBER, set(), member_id, changes))
        except psycopg.errors.UniqueViolation as exc:
            raise StoreError("that person is already an active member of this team") from exc

    # -- one-time sign-in links --------------------------------------------------------
    def add_signin_link(self, link: SignInLink) -> SignInLink:
        # Old links go as new ones come: those expired a week before this one.
        self._run("DELETE FROM signin_links WHERE expires < %s", (link.expires - 8 * 86400,))
        self._insert_row("signin_links", _LINK, link.to_dict(), "this link exists already")
        return link

    def claim_signin_link(self, link_id: str, now: float) -> SignInLink | None:
        # One guarded UPDATE: of two clicks at once, one gets the row.
        row = self._one(f"UPDATE signin_links SET used = %s WHERE id = %s AND used IS NULL "
                        f"AND expires > %s RETURNING {', '.join(_LINK)}",
                        (utcnow(), link_id or "", now))
        return SignInLink.from_dict(row) if row else None

    # -- team audit --------------------------------------------------------------------
    def append_team_audit(self, entry: dict[str, Any]) -> None:
        # The partial index audit_team (migration 009) finds it again by its team id.
        self.append_audit(entry)

    def list_team_audit(self, team_id: str, limit: int = 20) -> list[dict[str, Any]]:
        return [r["entry"] for r in self._all(
            "SELECT entry FROM audit WHERE entry ? 'team_id' AND entry->>'team_id' = %s "
            "ORDER BY seq DESC LIMIT %s", (team_id, limit))]

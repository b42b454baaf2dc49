"""TinyDB storage of teams, members, sign-in links and team audit entries (mixed into
:class:`formkit.storage.tinydb_store.TinyDBStore`).

Teams, members and live sign-in links are small whole-file tables under ``teams/``.
Each team also keeps a copy of its latest audit entries in ``teams/activity/<id>.json``
(at most :data:`TEAM_AUDIT_KEPT`), so its space never reads the whole audit log."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from formkit.storage.base import Member, SignInLink, StoreError, Team, utcnow

#: audit entries kept per team for its recent activity (the full log keeps them all).
TEAM_AUDIT_KEPT = 200


def _member_order(record: dict) -> tuple:
    return (record["role"] != "lead", record["name"].lower(), record["email"])


class TinyDBTeams:
    """The team methods of :class:`formkit.storage.base.Store` for TinyDB."""

    @property
    def _teams_folder(self) -> Path:
        return self.root / "teams"

    def _team_file(self, name: str) -> Path:
        folder = self._teams_folder
        folder.mkdir(parents=True, exist_ok=True)
        return folder / name

    def _table(self, name: str) -> dict:
        return self._files.table(self._teams_folder / name)

    def _change(self, name: str, change) -> Any:
        """Rewrite one of the small tables with ``change(table) -> (table, result)``
        under the store lock; returns the result."""
        result = None

        def rewrite(table: dict) -> dict:
            nonlocal result
            table, result = change(table)
            return table

        self._rewrite(self._team_file(name), rewrite)
        return result

    # -- teams -------------------------------------------------------------------------
    def add_team(self, team: Team) -> Team:
        def change(table: dict):
            if any(r["slug"] == team.slug for r in table.values()):
                raise StoreError(f"a team named {team.slug!r} already exists")
            return {**table, team.id: team.to_dict()}, team

        return self._change("teams.json", change)

    def get_team(self, team_id: str) -> Team | None:
        record = self._table("teams.json").get(team_id or "")
        return Team.from_dict(record) if record else None

    def find_team(self, slug: str) -> Team | None:
        for record in self._table("teams.json").values():
            if record["slug"] == slug:
                return Team.from_dict(record)
        return None

    def list_teams(self) -> list[Team]:
        return sorted((Team.from_dict(r) for r in self._table("teams.json").values()),
                      key=lambda t: (t.name.lower(), t.slug))

    def update_team(self, team_id: str, **changes: Any) -> Team | None:
        changes.pop("id", None)

        def change(table: dict):
            record = table.get(team_id)
            if record is None:
                return table, None
            slug = changes.get("slug")
            if slug and any(r["slug"] == slug and k != team_id for k, r in table.items()):
                raise StoreError(f"a team named {slug!r} already exists")
            table[team_id] = {**record, **changes}
            return table, Team.from_dict(table[team_id])

        return self._change("teams.json", change)

    # -- members -----------------------------------------------------------------------
    def add_member(self, member: Member) -> Member:
        member.email = member.email.strip().lower()

        def change(table: dict):
            if any(r["team_id"] == member.team_id and r["email"] == member.email
                   and r.get("removed") is None for r in table.values()):
                raise StoreError(f"{member.email} is already a member of this team")
            return {**table, member.id: member.to_dict()}, member

        return self._change("members.json", change)

    def get_member(self, member_id: str) -> Member | None:
        record = self._table("members.json").get(member_id or "")
        return Member.from_dict(record) if record else None

    def list_members(self, team_id: str, include_removed: bool = False) -> list[Member]:
        found = [r for r in self._table("members.json").values()
                 if r["team_id"] == team_id and (include_removed or r.get("removed") is None)]
        return [Member.from_dict(r) for r in sorted(found, key=_member_order)]

    def members_of_teams(self, team_ids: Iterable[str]) -> dict[str, list[Member]]:
        found: dict[str, list[dict]] = {team_id: [] for team_id in team_ids}
        for record in self._table("members.json").values():
            if record["team_id"] in found and record.get("removed") is None:
                found[record["team_id"]].append(record)
        return {team_id: [Member.from_dict(r) for r in sorted(records, key=_member_order)]
                for team_id, records in found.items()}

    def memberships(self, email: str) -> list[Member]:
        email = (email or "").strip().lower()
        return [Member.from_dict(r) for r in self._table("members.json").values()
                if r["email"] == email and r.get("removed") is None]

    def update_member(self, member_id: str, **changes: Any) -> Member | None:
        changes.pop("id", None)

        def change(table: dict):
            record = table.get(member_id)
            if record is None:
                return table, None
            updated = {**record, **changes}
            if updated.get("removed") is None and any(
                    k != member_id and r["team_id"] == updated["team_id"]
                    and r["email"] == updated["email"] and r.get("removed") is None
                    for k, r in table.items()):
                raise StoreError("that person is already an active member of this team")
            table[member_id] = updated
            return table, Member.from_dict(updated)

        return self._change("members.json", change)

    # -- one-time sign-in links --------------------------------------------------------
    def add_signin_link(self, link: SignInLink) -> SignInLink:
        horizon = link.expires - 8 * 86400  # links expired a week before this one

        def change(table: dict):
            # Old links go as new ones come: the file holds the live ones and a week's.
            kept = {k: v for k, v in table.items() if v["expires"] >= horizon}
            return {**kept, link.id: link.to_dict()}, link

        return self._change("links.json", change)

    def claim_signin_link(self, link_id: str, now: float) -> SignInLink | None:
        if link_id not in self._table("links.json"):
            return None

        def change(table: dict):
            # Read and marked under the store lock: of two clicks at once, one wins.
            record = table.get(link_id)
            if record is None or record.get("used") or record["expires"] <= now:
                return table, None
            table[link_id] = {**record, "used": utcnow()}
            return table, SignInLink.from_dict(table[link_id])

        return self._change("links.json", change)

    # -- team audit --------------------------------------------------------------------
    def _team_audit_file(self, team_id: str) -> Path | None:
        from formkit.storage.tinydb_store import _NAME

        return (self._teams_folder / "activity" / f"{team_id}.json"
                if _NAME.match(team_id or "") else None)

    def append_team_audit(self, entry: dict[str, Any]) -> None:
        path = self._team_audit_file(entry.get("team_id") or "")
        if path is None:
            raise StoreError(f"invalid team id {entry.get('team_id')!r}")
        entry = {**entry, "at": entry.get("at") or utcnow()}
        with self._lock:
            self.append_audit(entry)
            path.parent.mkdir(parents=True, exist_ok=True)

            def change(table: dict) -> dict:
                # Numbered in order of writing (under the lock), zero-padded to sort.
                table[f"{1 + max(map(int, table), default=0):012d}"] = entry
                return dict(sorted(table.items())[-TEAM_AUDIT_KEPT:])

            self._rewrite(path, change)

    def _copy_team_audit(self, entries) -> None:
        """Keep the teams' copies of imported entries (oldest first); under the lock."""
        by_team: dict[str, list[dict]] = {}
        for entry in entries:
            if entry.get("team_id") and self._team_audit_file(entry["team_id"]):
                by_team.setdefault(entry["team_id"], []).append(entry)
        for team_id, found in by_team.items():
            path = self._team_audit_file(team_id)
            path.parent.mkdir(parents=True, exist_ok=True)

            def change(table: dict, found=found) -> dict:
                last = max(map(int, table), default=0)
                for number, entry in enumerate(found, start=last + 1):
                    table[f"{number:012d}"] = entry
                return dict(sorted(table.items())[-TEAM_AUDIT_KEPT:])

            self._rewrite(path, change)

    def list_team_audit(self, team_id: str, limit: int = 20) -> list[dict[str, Any]]:
        path = self._team_audit_file(team_id)
        if path is None:
            return []
        table = self._files.table(path)
        return [dict(table[k]) for k in sorted(table, reverse=True)[:limit]]

"""Team space render time at many teams, on both stores.

For each store, the data is built by the functions of :data:`POPULATE`, in order (add
one to measure with more data: it takes the app, the teams made so far and the
arguments): by default ``--teams`` teams of ``--members`` people each, and
``--activity`` audit entries per team (sign-ins, invitations) mixed with as many
unrelated entries in the one audit log. Then ``/t/<team>/`` is rendered ``--renders``
times for teams picked across the range, as one of the team's members (through a real
sign-in link) and as an administrator; the table gives the median and 95th percentile.

Usage: python bench/teams.py [--teams 100] [--members 8] [--activity 30] [--renders 200]
       [--stores tinydb,postgresql] [--postgres postgresql://127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import re
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from formkit.testing import make_app


def add_teams_and_members(app, teams: list, args) -> None:
    from formkit.teams import roster

    with app.test_request_context("/"):
        for number in range(args.teams):
            team, _lead = roster.create_team(f"Team {number:03d}", f"lead{number}@example.ca",
                                             f"Lead {number}", community=f"C{number}",
                                             region="North")
            for person in range(args.members - 1):
                roster.add_member(team, f"p{person}.t{number}@example.ca",
                                  f"Person {person}")
            teams.append(team)


def add_activity(app, teams: list, args) -> None:
    from formkit.teams import activity

    store = app.extensions["formkit"].store
    with app.test_request_context("/"):
        for round_number in range(args.activity):
            for team in teams:
                activity.record(team, "member_signin", target=f"lead@{team.slug}",
                                by=("lead@example.ca", f"Lead of {team.name}"))
                store.append_audit({"action": "signin", "user": "x@example.ca",
                                    "detail": {"round": round_number}})


#: what builds the data, in order: add a function to measure with more.
POPULATE: list[Callable] = [add_teams_and_members, add_activity]


def _signed_in_member(app, email: str):
    from formkit.teams import links

    with app.test_request_context("/"):
        token = links.issue(email)
    client = app.test_client()
    page = client.get(f"/signin/{token}")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    assert client.post(f"/signin/{token}", data={"csrf_token": csrf}).status_code == 302
    return client


def _signed_in_admin(app):
    from formkit.auth import new_user, set_password
    from formkit.state import current_store

    with app.test_request_context("/"):
        user = current_store().add_user(new_user("admin@example.ca", "admin"))
        set_password(user, "a long enough secret")
    client = app.test_client()
    page = client.get("/admin/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    client.post("/admin/login", data={"csrf_token": csrf, "email": "admin@example.ca",
                                      "password": "a long enough secret"})
    return client


def _times(client, urls: list[str]) -> tuple[float, float]:
    spent = []
    for url in urls:
        started = time.perf_counter()
        answer = client.get(url)
        spent.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, (url, answer.status_code)
    spent.sort()
    return statistics.median(spent), spent[int(len(spent) * 0.95) - 1]


def measure(kind: str, store_url: str, args) -> list[str]:
    folder = Path(tempfile.mkdtemp(prefix="fk-teams-"))
    app = make_app(folder, STORE=store_url or str(folder / "data"), ARGON2_PROFILE="CHEAPEST")
    teams: list = []
    started = time.perf_counter()
    for populate in POPULATE:
        populate(app, teams, args)
    built = time.perf_counter() - started
    picked = [teams[(n * 37) % len(teams)] for n in range(args.renders)]
    rows = []
    member = _signed_in_member(app, f"p0.t{teams.index(picked[0])}@example.ca")
    median, p95 = _times(member, [f"/t/{picked[0].slug}/"] * args.renders)
    rows.append(f"| {kind} | member, own team | {len(teams)} | {median:.1f} | {p95:.1f} |")
    admin = _signed_in_admin(app)
    median, p95 = _times(admin, [f"/t/{team.slug}/" for team in picked])
    rows.append(f"| {kind} | administrator, any team | {len(teams)} | {median:.1f} | "
                f"{p95:.1f} |")
    app.extensions["formkit"].store.close()
    print(f"{kind}: data built in {built:.1f} s", flush=True)
    return rows


def bench_schema(url: str) -> tuple[str, Callable[[], None]]:
    """A fresh, migrated schema of the benchmark's own, and how to drop it."""
    import psycopg

    from formkit.storage.postgres_store import PostgresStore

    name = f"fk_bench_teams_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    schema_url = f"{url}?options=-csearch_path%3D{name}"
    store = PostgresStore(schema_url)
    store.upgrade()
    store.close()

    def drop() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {name} CASCADE")

    return schema_url, drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--members", type=int, default=8)
    parser.add_argument("--activity", type=int, default=30)
    parser.add_argument("--renders", type=int, default=200)
    parser.add_argument("--stores", default="tinydb,postgresql")
    parser.add_argument("--postgres", default="postgresql://127.0.0.1:5432/test")
    args = parser.parse_args()
    rows = ["| store | viewer | teams | median ms | p95 ms |", "|---|---|---|---|---|"]
    for kind in args.stores.split(","):
        if kind == "postgresql":
            url, drop = bench_schema(args.postgres)
            try:
                rows += measure(kind, url, args)
            finally:
                drop()
        else:
            rows += measure(kind, "", args)
    print("\n".join(rows))


if __name__ == "__main__":
    main()

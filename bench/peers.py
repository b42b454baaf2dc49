"""The peers listing (``/t/<team>/peers/``) at many listed teams, on both stores.

``--teams`` teams (default 200), every one listed, each with ``--cycles`` cycles (default
2) whose latest has the lead's confirmed priorities (three of the Wellbeing Guide's
areas, varied across teams) — what ``formkit_team_tags`` reads for every listed team at
each request. The page is rendered ``--renders`` times as a member of one team (through
a real sign-in link): unfiltered, filtered by an area, and page 5; the table gives the
median and the 95th percentile. "After a change" renders it as the first request after a
response changed (the kept tags forgotten): every listed team's tags are read again.

Usage: python bench/peers.py [--teams 200] [--cycles 2] [--renders 40]
       [--stores tinydb,postgresql] [--postgres postgresql://127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import re
import secrets
import statistics
import tempfile
import time
from pathlib import Path

from formkit.testing import make_app

ROOT = Path(__file__).resolve().parent.parent
AREAS = ("social_connection", "caregiver_support", "end_of_life", "access_to_services",
         "mental_wellbeing", "housing", "transportation", "food_security", "inclusion",
         "health_literacy")


def populate(app, args) -> str:
    """The listed teams, their cycles and confirmed priorities; the slug of the first."""
    from formkit.storage import TeamResponse
    from formkit.teams import cycles, roster

    store = app.extensions["formkit"].store
    with app.test_request_context("/"):
        for number in range(args.teams):
            team, _lead = roster.create_team(f"Team {number:03d}", f"lead{number}@example.ca",
                                             f"Lead {number}", community=f"C{number}",
                                             region=("North", "East", "West")[number % 3])
            cycle = None
            for label in range(args.cycles):
                cycle = cycles.start(team, str(2025 + label), None)
            picked = [AREAS[(number + step) % len(AREAS)] for step in (0, 3, 7)]
            store.open_team_response(TeamResponse(
                response_id="", team_id=team.id, cycle_id=cycle.id, form_id="priorities"),
                "1", "en", {"priority_1": picked[0], "priority_2": picked[1],
                            "priority_3": picked[2], "reason": ""})
            store.update_team(team.id, listed=True)
    return "team-000"


def member(app, slug: str):
    from formkit.teams import links

    with app.test_request_context("/"):
        team = app.extensions["formkit"].store.find_team(slug)
        token = links.issue("lead0@example.ca", team)
    client = app.test_client()
    page = client.get(f"/signin/{token}")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    assert client.post(f"/signin/{token}", data={"csrf_token": csrf}).status_code == 302
    return client


def timed(client, url: str, renders: int, forget=None) -> tuple[float, float]:
    seconds = []
    for _ in range(renders):
        if forget:
            forget()
        start = time.perf_counter()
        answer = client.get(url)
        seconds.append(time.perf_counter() - start)
        assert answer.status_code == 200, answer.status_code
    seconds.sort()
    return statistics.median(seconds) * 1000, seconds[int(0.95 * (len(seconds) - 1))] * 1000


def run(store_name: str, args) -> None:
    with tempfile.TemporaryDirectory() as folder:
        schema = None
        if store_name == "postgresql":
            import psycopg

            schema = f"fk_bench_{secrets.token_hex(4)}"
            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f"CREATE SCHEMA {schema}")
            url = f"{args.postgres}?options=-csearch_path%3D{schema}"
            from formkit.storage.postgres_store import PostgresStore

            migrated = PostgresStore(url)
            migrated.upgrade()
            migrated.close()
        else:
            url = str(Path(folder) / "data")
        try:
            app = make_app(Path(folder), STORE=url, FORMS_DIR=str(ROOT / "forms"),
                           PLUGINS_DIR=str(ROOT / "plugins"))
            slug = populate(app, args)
            client = member(app, slug)
            def forget():  # as after any response's change: every team's tags read again
                app.extensions.pop("formkit.peer_tags", None)

            for name, query, cold in (("all", "", None), ("area", "?area=transportation", None),
                                      ("page 5", "?page=5", None),
                                      ("all, after a change", "", forget)):
                median, p95 = timed(client, f"/t/{slug}/peers/{query}", args.renders, cold)
                print(f"| {store_name} | {args.teams} | {name} | {median:.0f} | {p95:.0f} |")
            app.extensions["formkit"].store.close()
        finally:
            if schema:
                import psycopg

                with psycopg.connect(args.postgres, autocommit=True) as conn:
                    conn.execute(f"DROP SCHEMA {schema} CASCADE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=200)
    parser.add_argument("--cycles", type=int, default=2)
    parser.add_argument("--renders", type=int, default=40)
    parser.add_argument("--stores", default="tinydb,postgresql")
    parser.add_argument("--postgres", default="postgresql://127.0.0.1:5432/test")
    args = parser.parse_args()
    print("| store | listed teams | page | median ms | p95 ms |")
    print("| --- | --- | --- | --- | --- |")
    for store_name in args.stores.split(","):
        run(store_name, args)


if __name__ == "__main__":
    main()

"""Team spaces and living responses at size: the team space's render time and the time
of one revision save, with 100 teams × 3 cycles × 5 forms of 20 revisions each (1,500
living responses, 30,000 revisions), on TinyDB and on PostgreSQL.

The data is written in bulk (``import_records`` and ``import_cycles``); then, through
the application as a signed-in member of one team: the team space (``/t/<slug>/``,
p50/p95 of repeated renders) and saving one page of the team's Workplan (the POST that
makes a revision: score, compare-and-swap, history entry; p50/p95).

Usage: python bench/team_cycles.py [--teams 100] [--cycles 3] [--revisions 20]
       [--repeat 30]
PostgreSQL: FORMKIT_BENCH_DATABASE_URL (default postgresql://127.0.0.1:5432/test); the
benchmark works in a schema of its own and drops it.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from formkit import create_app  # noqa: E402
from formkit.storage import Cycle, Member, Response, Revision, Team, TeamResponse  # noqa: E402
from formkit.storage.base import SUBMITTED, new_token  # noqa: E402

DATABASE_URL = os.environ.get("FORMKIT_BENCH_DATABASE_URL", "postgresql://127.0.0.1:5432/test")
#: the seeds' cycle; with two members each, a cycle holds five living responses (three
#: team forms, a competency self-assessment per member).
FORMS = ("wellbeing", "workplan", "evaluation", "competency")


def build(store, teams: int, cycles: int, revisions: int, forms) -> tuple[Team, Member]:
    """The data set, written in bulk; returns the team and member the timing uses."""
    responses, all_cycles, slots, log = [], [], [], []
    first = None
    for t in range(teams):
        team = store.add_team(Team(id=new_token(), slug=f"team-{t:03d}", name=f"Team {t}"))
        member = store.add_member(Member(id=new_token(), team_id=team.id,
                                         email=f"m{t}@example.ca", name=f"Member {t}",
                                         role="lead"))
        other = store.add_member(Member(id=new_token(), team_id=team.id,
                                        email=f"o{t}@example.ca", name=f"Other {t}"))
        first = first or (team, member)
        for number in range(1, cycles + 1):
            cycle = Cycle(id=new_token(), team_id=team.id, number=number, label=f"{2024 + number}")
            all_cycles.append(cycle)
            # five living responses per cycle: the three team forms, and the member form
            # for two members
            places = [(f, None) for f in forms if f != "competency"]
            places += [("competency", member.id), ("competency", other.id)]
            for form, owner in places:
                response_id = f"{form}-{new_token(12)}"
                responses.append(Response(id=response_id, form_id=form.id, form_version="1",
                                          locale="en", status=SUBMITTED,
                                          answers={}, submitted="2026-01-01T00:00:00+00:00",
                                          key=f"team:{cycle.id}:{owner or '-'}"))
                slots.append(TeamResponse(response_id=response_id, team_id=team.id,
                                          cycle_id=cycle.id, form_id=form.id,
                                          member_id=owner, revision=revisions,
                                          status=SUBMITTED, updated_by=member.name))
                for n in range(1, revisions + 1):
                    log.append(Revision(response_id=response_id, number=n,
                                        at="2026-01-01T00:00:00+00:00", author=member.id,
                                        author_name=member.name,
                                        changes={"team_name": [f"v{n - 1}", f"v{n}"]}))
            if number == cycles:
                store.update_team(team.id, current_cycle=cycle.id)
    store.import_records(responses)
    store.import_cycles(all_cycles, slots, log)
    return first


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def measure(store_url: str, args) -> dict[str, tuple[float, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "STORE": store_url, "TESTING": True,
                          "FORMS_DIR": str(ROOT / "forms"),
                          "PLUGINS_DIR": str(ROOT / "plugins"),
                          "SECRET_KEY": "bench"}, environment=False)
        state = app.extensions["formkit"]
        forms = [state.registry.get_form(f) for f in FORMS]
        started = time.perf_counter()
        team, member = build(state.store, args.teams, args.cycles, args.revisions, forms)
        setup = time.perf_counter() - started
        client = app.test_client()
        sign_in_member(app, client, member.email)
        space = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            reply = client.get(f"/t/{team.slug}/")
            space.append(time.perf_counter() - t0)
            assert reply.status_code == 200, reply.status_code
        cycle = state.store.list_cycles(team.id)[-1]
        url = f"/t/{team.slug}/c/{cycle.number}/workplan/edit/0"
        saves = []
        for n in range(args.repeat):
            page = client.get(url).get_data(as_text=True)
            data = {name: re.search(rf'name="{name}" value="([^"]*)"', page).group(1)
                    for name in ("csrf_token", "_revision")}
            data.update({"q_team_name": f"Team {n}", "q_priority_1": "Loneliness",
                         "_action": "save"})
            t0 = time.perf_counter()
            reply = client.post(url, data=data)
            saves.append(time.perf_counter() - t0)
            assert reply.status_code == 302, (reply.status_code, reply.get_data(as_text=True))
        state.store.close()
        return {"setup": (setup, setup), "space": percentiles(space),
                "save": percentiles(saves)}


def sign_in_member(app, client, email: str) -> None:
    """A member's session, made as the sign-in link would make it."""
    from formkit.teams import identity

    with app.test_request_context("/"):
        from flask import session

        identity.start_member_session(email)
        cookie = dict(session)
    with client.session_transaction() as browser:
        browser.update(cookie)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--revisions", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    import psycopg

    schema = f"fk_bench_{secrets.token_hex(4)}"
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    pg = f"{DATABASE_URL}?options=-csearch_path%3D{schema}"
    try:
        from formkit.storage.postgres_store import PostgresStore

        migrate = PostgresStore(pg)
        migrate.upgrade()
        migrate.close()
        with tempfile.TemporaryDirectory() as tmp:
            results = {"tinydb": measure(str(Path(tmp) / "data"), args),
                       "postgresql": measure(pg, args)}
    finally:
        with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
    print(f"{args.teams} teams × {args.cycles} cycles × 5 forms × {args.revisions} revisions")
    print(f"{'store':<12}{'setup s':>10}{'space p50 ms':>15}{'p95':>8}"
          f"{'save p50 ms':>14}{'p95':>8}")
    for name, r in results.items():
        print(f"{name:<12}{r['setup'][0]:>10.1f}{r['space'][0] * 1000:>15.1f}"
              f"{r['space'][1] * 1000:>8.1f}{r['save'][0] * 1000:>14.1f}"
              f"{r['save'][1] * 1000:>8.1f}")


if __name__ == "__main__":
    main()

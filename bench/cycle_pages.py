"""Render time of two pages of a team's cycle at their largest, on both stores.

- The Evaluation Worksheet's page (``/t/<team>/c/1/evaluation/``): three outcomes of
  eight indicators each, 40 findings per outcome (the form's most) saved over
  ``--revisions`` revisions, next to the cycle's Workplan; the result matches every
  finding to its indicator and the history tells every revision.
- The competency page of a member (``/t/<team>/c/1/competency/``): their own result and
  the team's profile over ``--members`` members' submitted self-assessments.

Each page is rendered ``--renders`` times as a member (signed in through a real link);
the table gives the median and 95th percentile in milliseconds.

Usage: python bench/cycle_pages.py [--members 30] [--revisions 40] [--renders 30]
       [--stores tinydb,postgresql] [--postgres postgresql://127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import tempfile
import time
from pathlib import Path

from formkit.testing import csrf, make_app

ROOT = Path(__file__).resolve().parent.parent


def sign_in(app, email: str, team):
    from formkit.teams import links

    with app.test_request_context("/"):
        token = links.issue(email, team)
    client = app.test_client()
    client.post(f"/signin/{token}", data={"csrf_token": csrf(client, f"/signin/{token}")})
    return client


def populate(app, members: int, revisions: int):
    """One team, one cycle: its Workplan, a worksheet saved ``revisions`` times with
    findings, and ``members`` submitted competency self-assessments."""
    from formkit.state import current_registry
    from formkit.teams import cycles, living, roster

    with app.test_request_context("/"):
        team, lead = roster.create_team("River Team", "lead@example.ca", "Lee")
        people = [lead] + [roster.add_member(team, f"m{i}@example.ca", f"M{i}")
                           for i in range(1, members)]
        cycle = cycles.start(team, "2026–2027", lead.email)
        registry = current_registry()
        workplan = registry.get_form("workplan")
        plan = {"team_name": "River"}
        for n in (1, 2, 3):
            plan[f"outcome_{n}"] = f"Outcome {n} for the people of the river"
            plan[f"priority_{n}"] = f"Priority {n}"
            plan[f"actions_{n}"] = [{"action": "Drivers"}]
        slot, response = cycles.open_response(team, cycle, workplan, None)
        living.save(workplan, slot, slot.revision, response.answers, plan, lead.id, "Lee", "en")
        evaluation = registry.get_form("evaluation")
        slot, response = cycles.open_response(team, cycle, evaluation, None)
        answers = dict(response.answers)
        for n in (1, 2, 3):
            answers[f"questions_{n}"] = [{"question": "Does it work?"}]
            answers[f"indicators_{n}"] = [{"indicator": f"Indicator {i}", "baseline": "0",
                                           "target": "10"} for i in range(8)]
            answers[f"methods_{n}"] = ["survey"]
        for number in range(revisions):
            before = answers
            answers = dict(answers)
            for n in (1, 2, 3):
                rows = min(40, 1 + number * 40 // max(revisions, 1))
                answers[f"findings_{n}"] = [
                    {"indicator": f"Indicator {i % 8}", "date": f"2027-{1 + i % 12:02d}-15",
                     "finding": f"Finding {i} of outcome {n}", "source": "log"}
                    for i in range(rows)]
            slot = current_store_slot(slot)
            living.save(evaluation, slot, slot.revision, before, answers, lead.id, "Lee", "en")
        competency = registry.get_form("competency")
        for index, person in enumerate(people):
            slot, response = cycles.open_response(team, cycle, competency, person.id)
            ratings = {d.id: {key: 1 + (index + k) % 4 for k, (key, _t) in
                              enumerate(d.options["rows"])}
                       for d in competency.fields if d.type == "matrix"}
            living.save(competency, slot, slot.revision, response.answers, ratings,
                        person.id, person.name, "en", submit=True)
    return team


def current_store_slot(slot):
    from formkit.state import current_store

    return current_store().get_team_response(slot.response_id)


def timed(client, url: str, renders: int, expect: str) -> tuple[float, float]:
    times = []
    for _ in range(renders):
        start = time.perf_counter()
        page = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert page.status_code == 200 and expect in page.get_data(as_text=True), url
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=30)
    parser.add_argument("--revisions", type=int, default=40)
    parser.add_argument("--renders", type=int, default=30)
    parser.add_argument("--stores", default="tinydb,postgresql")
    parser.add_argument("--postgres", default="postgresql://127.0.0.1:5432/test")
    args = parser.parse_args()
    print(f"{args.members} members, {args.revisions} worksheet revisions, 3 × 40 findings")
    print(f"{'store':<11} {'page':<34} {'median ms':>10} {'p95 ms':>8}")
    for store in args.stores.split(","):
        with tempfile.TemporaryDirectory() as folder:
            schema = None
            url = str(Path(folder) / "data")
            if store == "postgresql":
                url, schema = _schema(args.postgres)
            app = make_app(Path(folder), STORE=url, FORMS_DIR=str(ROOT / "forms"),
                           PLUGINS_DIR=str(ROOT / "plugins"), ARGON2_PROFILE="CHEAPEST")
            team = populate(app, args.members, args.revisions)
            client = sign_in(app, "lead@example.ca", team)
            for label, path, expect in (
                    ("evaluation (findings, history)", "evaluation", "Indicators and findings"),
                    (f"competency ({args.members} members)", "competency",
                     "Strongest competencies")):
                median, p95 = timed(client, f"/t/river-team/c/1/{path}/", args.renders, expect)
                print(f"{store:<11} {label:<34} {median:>10.1f} {p95:>8.1f}")
            app.extensions["formkit"].store.close()
            if schema:
                _drop(args.postgres, schema)


def _schema(base: str) -> tuple[str, str]:
    """A fresh, migrated schema of the database: its URL and name."""
    import psycopg

    from formkit.storage.postgres_store import PostgresStore

    name = f"fk_bench_{secrets.token_hex(4)}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    url = f"{base}?options=-csearch_path%3D{name}"
    store = PostgresStore(url)
    store.upgrade()
    store.close()
    return url, name


def _drop(base: str, name: str) -> None:
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {name} CASCADE")


if __name__ == "__main__":
    main()

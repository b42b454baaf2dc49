"""The Workplan as a tracker at a busy team's size, on both stores: a workplan of three
priorities × ``--actions`` actions updated ``--revisions`` times over a year (a status,
a progress and an actual cost each time, a new challenge every fifth), then timed:

- the team space ``/t/<team>/`` (with the "what is due" panel) and the workplan's page
  (every action and its last change, from all the revisions);
- one action's page (its timeline);
- the progress report for the whole year: the HTML from the revisions and its PDF
  rendered by WeasyPrint without the cache, in French.

Usage: python bench/workplan_tracker.py [--actions 15] [--revisions 300] [--repeat 5]
       [--stores tinydb,postgresql] [--postgres postgresql://127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import datetime
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

from teams import bench_schema  # bench/teams.py: a private PostgreSQL schema

from formkit.clock import ManualClock
from formkit.testing import csrf, make_app

ROOT = Path(__file__).resolve().parent.parent
START = datetime.datetime(2026, 4, 1, 16, tzinfo=datetime.UTC).timestamp()


def build(store_url: str, folder: Path, args):
    clock = ManualClock(START)
    app = make_app(folder, STORE=store_url, FORMS_DIR=str(ROOT / "forms"),
                   PLUGINS_DIR=str(ROOT / "plugins"), ARGON2_PROFILE="CHEAPEST", CLOCK=clock)
    from formkit.teams import cycles, living, roster

    form = app.extensions["formkit"].registry.get_form("workplan")
    funding = ["municipal", "provincial", "foundation", "donations"]
    answers = {"team_name": "River Team", "priority_1": "Transportation",
               "priority_2": "Social isolation", "priority_3": "Housing"}
    for index in (1, 2, 3):
        answers[f"outcome_{index}"] = "Better."
        answers[f"actions_{index}"] = [
            {"action": f"Action {index}.{row}", "due": f"2026-{(row % 12) + 1:02d}-15",
             "status": "not_started", "progress": 0, "cost": 1000.0 + row,
             "funding": funding[row % 4]} for row in range(args.actions)]
    pick = random.Random(19)
    with app.test_request_context("/"):
        team, lead = roster.create_team("River Team", "lead@example.ca", "Lee")
        cycle = cycles.start(team, "2026–2027", lead.email)
        slot, stored = cycles.open_response(team, cycle, form, None)
        before = stored.answers
        for number in range(args.revisions):
            clock.advance(hours=24 * 365 / args.revisions)
            now = {k: [dict(r) for r in v] if isinstance(v, list) else v
                   for k, v in (before if number else answers).items()}
            row = pick.choice(now[f"actions_{pick.randint(1, 3)}"])
            row["progress"] = min(100, (row.get("progress") or 0) + 10)
            row["status"] = "done" if row["progress"] == 100 else "in_progress"
            row["actual_cost"] = round((row.get("actual_cost") or 0) + 50.0, 2)
            if number % 5 == 0:  # a new difficulty now and then
                row["challenges"] = f"Challenge {number}"
            saved, _revision = living.save(form, slot, slot.revision, before, now,
                                           lead.id, "Lee", "en")
            slot, before = saved, now
    return app, clock


def timed(call, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actions", type=int, default=15)
    parser.add_argument("--revisions", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--stores", default="tinydb,postgresql")
    parser.add_argument("--postgres", default="postgresql://127.0.0.1:5432/test")
    args = parser.parse_args()
    print(f"{3 * args.actions} actions, {args.revisions} revisions; median / max in ms")
    for name in args.stores.split(","):
        with tempfile.TemporaryDirectory() as folder:
            url, drop = (bench_schema(args.postgres) if name == "postgresql"
                         else (str(Path(folder) / "data"), lambda: None))
            try:
                began = time.perf_counter()
                app, _clock = build(url, Path(folder), args)
                print(f"{name}: built in {time.perf_counter() - began:.1f} s")
                measure(app, name, args)
                app.extensions["formkit"].store.close()
            finally:
                drop()


def measure(app, name: str, args) -> None:
    from formkit import pdf
    from formkit.teams import links

    with app.test_request_context("/"):
        token = links.issue("lead@example.ca", None)
    client = app.test_client()
    client.post(f"/signin/{token}", data={"csrf_token": csrf(client, f"/signin/{token}")})
    page = client.get("/t/river-team/c/1/workplan/")
    assert page.status_code == 200 and "Action 1.0" in page.text
    assert re.search(r"/t/river-team/workplan/1/actions/1-1", page.text)
    module = app.extensions["formkit"].registry.pm.get_plugin("workplan")
    rows = [
        ("team space", lambda: client.get("/t/river-team/")),
        ("workplan page", lambda: client.get("/t/river-team/c/1/workplan/")),
        ("action page", lambda: client.get("/t/river-team/workplan/1/actions/1-1")),
    ]

    def report() -> None:
        with app.test_request_context("/?lang=fr"):
            form = app.extensions["formkit"].registry.get_form("workplan")
            store = app.extensions["formkit"].store
            team = store.find_team("river-team")
            cycle = store.list_cycles(team.id)[0]
            [slot] = store.list_team_responses(cycle.id)
            response = store.get(slot.response_id)
            made = module.progress_report(form, response.answers,
                                          store.list_revisions(response.id),
                                          response.created, datetime.date(2026, 4, 1),
                                          datetime.date(2027, 3, 31))
            pdf.render_uncached(module.report_html(form, team, cycle, made, "fr"))

    rows.append(("progress report PDF (fr, uncached)", report))
    for label, call in rows:
        median, worst = timed(call, args.repeat)
        print(f"{name:10} {label:38} {median:8.1f} {worst:8.1f}")


if __name__ == "__main__":
    main()

"""Team space render time and revision save time at many teams, on both stores.

For each store, the data is built by the functions of :data:`POPULATE`, in order (add
one to measure with more data: it takes the app, the teams made so far and the
arguments): by default ``--teams`` teams of ``--members`` people each, and
``--activity`` audit entries per team (sign-ins, invitations) mixed with as many
unrelated entries in the one audit log. Then ``/t/<team>/`` is rendered ``--renders``
times for teams picked across the range, as one of the team's members (through a real
sign-in link) and as an administrator; the table gives the median and 95th percentile.

With ``--cycles`` (default 3), each team also has that many cycles of five living
responses (the three team forms of ``site.yaml``, a competency self-assessment for two
members) of ``--revisions`` revisions each (default 20), written in bulk; the team space
then shows the current cycle's panel, the provincial overview ``/admin/teams`` lists
every team's current cycle with its forms' states, and a member's save of a page of the team's
Workplan (a revision: score, compare-and-swap, history entry) is timed ``--saves`` times.

Usage: python bench/teams.py [--teams 100] [--members 8] [--activity 30] [--renders 200]
       [--cycles 3] [--revisions 20] [--saves 50]
       [--stores tinydb,postgresql] [--postgres postgresql://127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import io
import re
import secrets
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from formkit.testing import make_app

#: the teams' regions, in turn.
REGIONS = ("Toronto", "Central", "East", "West", "North East", "North West")
AREAS = ("social_connection", "caregiver_support", "end_of_life", "access_to_services",
         "mental_wellbeing", "housing", "transportation", "food_security", "inclusion",
         "health_literacy")
FUNDING = ("own_budget", "municipal", "provincial", "federal", "foundation", "donations",
           "in_kind")
STATUSES = ("not_started", "in_progress", "done", "blocked")


def filled_answers(form_id: str, number: int, rng) -> dict:
    """Answers a team would write: a Workplan of three priorities with four actions
    each (every column), the three ratings of every wellbeing area, three confirmed
    priorities."""
    if form_id == "workplan":
        answers = {"team_name": f"Team {number:03d}"}
        for index in (1, 2, 3):
            answers[f"priority_{index}"] = rng.choice(AREAS)
            answers[f"outcome_{index}"] = "Fewer people feel alone"
            answers[f"actions_{index}"] = [{
                "action": f"Action {n}", "lead": "Ana", "partners": "Library",
                "start": "2026-01-15", "due": f"2026-{rng.randint(1, 12):02d}-15",
                "status": rng.choice(STATUSES), "progress": rng.choice((0, 50, 100)),
                "challenges": "Volunteers", "cost": rng.randint(1, 40) * 125,
                "actual_cost": rng.randint(0, 40) * 100, "funding": rng.choice(FUNDING),
                "funding_other": None} for n in range(4)]
        return answers
    if form_id == "wellbeing":
        return {rating: {area: rng.randint(1, 5) for area in AREAS}
                for rating in ("strength", "importance", "readiness")}
    if form_id == "priorities":
        picked = rng.sample(AREAS, 3)
        return {"priority_1": picked[0], "priority_2": picked[1], "priority_3": picked[2],
                "reason": "What we heard"}
    return {}


def add_teams_and_members(app, teams: list, args) -> None:
    from formkit.teams import roster

    with app.test_request_context("/"):
        for number in range(args.teams):
            team, _lead = roster.create_team(f"Team {number:03d}", f"lead{number}@example.ca",
                                             f"Lead {number}", community=f"C{number}",
                                             region=REGIONS[number % len(REGIONS)])
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


def add_cycles(app, teams: list, args) -> None:
    """``--cycles`` cycles per team, each with nine living responses of ``--revisions``
    revisions (the team's Wellbeing Guide, confirmed priorities, Workplan and Evaluation
    Worksheet, three members' Wellbeing Guides, two members' competency
    self-assessments; filled as by :func:`filled_answers`), written in bulk
    (``import_records``, ``import_cycles``)."""
    import random

    from formkit.storage import SUBMITTED, Cycle, Response, Revision, TeamResponse
    from formkit.storage.base import new_token

    rng = random.Random(19)
    store = app.extensions["formkit"].store
    stamp = "2026-01-01T00:00:00+00:00"
    responses, cycles, slots, log = [], [], [], []
    made: dict[str, int] = {}
    for team in teams:
        members = store.list_members(team.id)
        places = [("wellbeing", None), ("workplan", None), ("evaluation", None),
                  ("competency", members[0].id), ("competency", members[-1].id),
                  ("priorities", None), *(("wellbeing", m.id) for m in members[:3])]
        for number in range(1, args.cycles + 1):
            cycle = Cycle(id=new_token(), team_id=team.id, number=number,
                          label=str(2024 + number), started=stamp)
            cycles.append(cycle)
            for form_id, owner in places:
                # an id of the TinyDB store's own layout (the segment of 50 it lands in),
                # as responses made through the application have
                made[form_id] = made.get(form_id, 0) + 1
                response_id = f"{form_id}-{(made[form_id] - 1) // 50 + 1:06d}-{new_token()}"
                answers = filled_answers(form_id, len(cycles), rng)
                responses.append(Response(id=response_id, form_id=form_id, form_version="1",
                                          locale="en", status=SUBMITTED, answers=answers,
                                          created=stamp, updated=stamp, submitted=stamp,
                                          key=f"team:{cycle.id}:{owner or '-'}"))
                slots.append(TeamResponse(response_id=response_id, team_id=team.id,
                                          cycle_id=cycle.id, form_id=form_id, member_id=owner,
                                          revision=args.revisions, status=SUBMITTED,
                                          updated=stamp, updated_by=members[0].name,
                                          submitted=stamp))
                log.extend(Revision(response_id=response_id, number=n, at=stamp,
                                    author=members[0].id, author_name=members[0].name,
                                    changes={"team_name": [f"v{n - 1}", f"v{n}"]})
                           for n in range(1, args.revisions + 1))
        store.update_team(team.id, current_cycle=cycles[-1].id)
    store.import_records(responses)
    store.import_cycles(cycles, slots, log)


#: what builds the data, in order: add a function to measure with more.
POPULATE: list[Callable] = [add_teams_and_members, add_activity, add_cycles]


def _save_times(client, team, args) -> tuple[float, float]:
    """A member saving the first page of the team's Workplan, ``--saves`` times (each
    from the page it just opened: every save is a new revision)."""
    url = f"/t/{team.slug}/c/{args.cycles}/workplan/edit/0"
    spent = []
    for n in range(args.saves):
        page = client.get(url).text
        data = {name: re.search(rf'name="{name}" value="([^"]*)"', page).group(1)
                for name in ("csrf_token", "_revision")}
        data.update({"q_team_name": f"{team.name} {n}", "q_priority_1": "Loneliness",
                     "_action": "save"})
        started = time.perf_counter()
        answer = client.post(url, data=data)
        spent.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 302, (url, answer.status_code)
    spent.sort()
    return statistics.median(spent), spent[int(len(spent) * 0.95) - 1]


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
    """Median and 95th percentile of wall-clock milliseconds; the median CPU
    milliseconds of this process (the application's own work, whatever else loads the
    machine) are kept in :data:`CPU` for the row."""
    spent, cpu = [], []
    for url in urls:
        started, used = time.perf_counter(), time.process_time()
        answer = client.get(url)
        spent.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
        assert answer.status_code == 200, (url, answer.status_code)
    spent.sort()
    CPU.append(statistics.median(cpu))
    return statistics.median(spent), spent[int(len(spent) * 0.95) - 1]


#: the median CPU milliseconds of each measure, in the order of the rows.
CPU: list[float] = []


#: the cycle's forms, with the team's confirmed priorities (issue 19).
CYCLE_FORMS = ["wellbeing", "priorities", "workplan", "evaluation", "competency"]


def forms_folder(folder: Path) -> Path:
    """The seed forms, with the stand-in of the confirmed priorities' form of the tests
    while the seed has none."""
    root = Path(__file__).resolve().parent.parent
    forms = folder / "forms"
    forms.mkdir()
    for path in (root / "forms").glob("*.yaml"):
        shutil.copy(path, forms / path.name)
    if not (forms / "priorities.yaml").exists():
        shutil.copy(root / "tests" / "data" / "cycle_province" / "priorities.yaml", forms)
    return forms


def _report_times(kind: str, app, admin, teams, args) -> list[str]:
    """The provincial report PDF in French, rendered each time (the cache emptied), then
    again from the cache."""
    from pypdf import PdfReader

    cache = Path(app.instance_path) / "cache" / "pdf"
    url = "/admin/teams/report.pdf?doc_lang=fr"
    spent, cpu, pages = [], [], 0
    for _n in range(args.reports):
        shutil.rmtree(cache, ignore_errors=True)
        started, used = time.perf_counter(), time.process_time()
        answer = admin.get(url)
        spent.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
        assert answer.status_code == 200, answer.status_code
        pages = len(PdfReader(io.BytesIO(answer.data)).pages)
    spent.sort()
    rows = [f"| {kind} | administrator, provincial report PDF (fr, {pages} pages, rendered) "
            f"| {len(teams)} | {statistics.median(spent):.1f} | {spent[-1]:.1f} | "
            f"{statistics.median(cpu):.1f} |"]
    median, p95 = _times(admin, [url] * args.reports)
    rows.append(f"| {kind} | administrator, provincial report PDF again (cached) | "
                f"{len(teams)} | {median:.1f} | {p95:.1f} | {CPU[-1]:.1f} |")
    return rows


def measure(kind: str, store_url: str, args) -> list[str]:
    folder = Path(tempfile.mkdtemp(prefix="fk-teams-"))
    root = Path(__file__).resolve().parent.parent
    app = make_app(folder, STORE=store_url or str(folder / "data"), ARGON2_PROFILE="CHEAPEST",
                   FORMS_DIR=str(forms_folder(folder)), PLUGINS_DIR=str(root / "plugins"),
                   CYCLE_FORMS=CYCLE_FORMS)
    teams: list = []
    started = time.perf_counter()
    for populate in POPULATE:
        populate(app, teams, args)
    built = time.perf_counter() - started
    picked = [teams[(n * 37) % len(teams)] for n in range(args.renders)]
    rows = []
    member = _signed_in_member(app, f"p0.t{teams.index(picked[0])}@example.ca")
    median, p95 = _times(member, [f"/t/{picked[0].slug}/"] * args.renders)
    rows.append(f"| {kind} | member, own team | {len(teams)} | {median:.1f} | {p95:.1f} | "
                f"{CPU[-1]:.1f} |")
    if args.cycles:
        median, p95 = _save_times(member, picked[0], args)
        rows.append(f"| {kind} | member, revision save (Workplan page) | {len(teams)} | "
                    f"{median:.1f} | {p95:.1f} | – |")
    admin = _signed_in_admin(app)
    median, p95 = _times(admin, [f"/t/{team.slug}/" for team in picked])
    rows.append(f"| {kind} | administrator, any team | {len(teams)} | {median:.1f} | "
                f"{p95:.1f} | {CPU[-1]:.1f} |")
    # the provincial overview: every team's current cycle and its forms' states
    repeat = max(5, args.renders // 20)
    for label, url in (("/admin/teams, first page", "/admin/teams"),
                       ("/admin/teams, sorted by overdue actions (all teams read)",
                        "/admin/teams?sort=overdue"),
                       ("figures across teams, province, current cycles",
                        "/admin/teams/figures"),
                       ("figures across teams, cycle 1, a region, a team compared",
                        f"/admin/teams/figures?cycle=1&region=East&team={teams[2].slug}")):
        median, p95 = _times(admin, [url] * repeat)
        rows.append(f"| {kind} | administrator, {label} | {len(teams)} | {median:.1f} | "
                    f"{p95:.1f} | {CPU[-1]:.1f} |")
    rows += _report_times(kind, app, admin, teams, args)
    app.extensions["formkit"].store.close()
    shutil.rmtree(folder, ignore_errors=True)  # the instance (and a TinyDB store) it made
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


def on_each_store(args, measure: Callable[[str, str], list[str]]) -> list[str]:
    """``measure(kind, store_url)`` for each store of ``--stores`` (PostgreSQL in a
    private schema, dropped afterwards; TinyDB: ``""``, a temporary folder)."""
    rows: list[str] = []
    for kind in args.stores.split(","):
        if kind == "postgresql":
            url, drop = bench_schema(args.postgres)
            try:
                rows += measure(kind, url)
            finally:
                drop()
        else:
            rows += measure(kind, "")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--members", type=int, default=8)
    parser.add_argument("--activity", type=int, default=30)
    parser.add_argument("--renders", type=int, default=200)
    parser.add_argument("--cycles", type=int, default=3)
    parser.add_argument("--revisions", type=int, default=20)
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument("--reports", type=int, default=3)
    parser.add_argument("--stores", default="tinydb,postgresql")
    parser.add_argument("--postgres", default="postgresql://127.0.0.1:5432/test")
    args = parser.parse_args()
    rows = ["| store | viewer | teams | median ms | p95 ms | median CPU ms |",
            "|---|---|---|---|---|---|"]
    rows += on_each_store(args, lambda kind, url: measure(kind, url, args))
    print("\n".join(rows))


if __name__ == "__main__":
    main()

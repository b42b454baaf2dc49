"""The coordinators' response list at 100,000 responses on PostgreSQL: render time of
one list page (median and 95th percentile of ``--renders``), as it is filtered,
searched, sorted and paged.

The store gets ``--size`` submitted membership applications (spread over 60 days,
both languages, three review statuses); then ``/admin/forms/membership/`` is rendered
with each query of ``PAGES``. Run it on a branch's code to compare (before/after):

Usage: PYTHONPATH=$PWD python bench/list.py [--size 100000] [--renders 20]
       [--postgres postgresql://127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from teams import _times, bench_schema  # bench/teams.py: timing and a private schema

from formkit.storage import SUBMITTED, Response
from formkit.testing import add_user, make_app, sign_in

ROOT = Path(__file__).resolve().parent.parent
PAGES = (
    ("first page", ""),
    ("page 40", "?page=40"),
    ("sorted by name", "?sort=name&order=asc"),
    ("search", "?q=ORG%2012345"),
    ("review + language + dates", "?review=approved&lang_filter=fr&since=2026-10-01"
                                  "&until=2026-10-15"),
)


def applications(count: int):
    for number in range(count):
        day = f"2026-{10 + number % 60 // 30:02d}-{1 + number % 30:02d}"
        yield Response(
            id=f"membership-{number:07d}-bench", form_id="membership", form_version="1",
            locale=("en", "fr")[number % 2], status=SUBMITTED,
            created=f"{day}T11:00:00Z", updated=f"{day}T12:00:00Z",
            submitted=f"{day}T12:00:00Z",
            review_status=("pending", "approved", "declined")[number % 3], answers={
                "name": f"Membre Élise {number}", "email": f"m{number}@example.ca",
                "organization": f"Org {number}", "community": f"Town {number % 97}",
                "region": "east", "kind": "project", "consent_directory": True,
                "directory_description": "Volunteer-led project supporting caregivers."})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--renders", type=int, default=20)
    parser.add_argument("--postgres", default="postgresql://127.0.0.1:5432/test")
    args = parser.parse_args()
    url, drop = bench_schema(args.postgres)
    folder = Path(tempfile.mkdtemp(prefix="fk-list-"))
    try:
        app = make_app(folder, STORE=url, ARGON2_PROFILE="CHEAPEST",
                       FORMS_DIR=str(ROOT / "forms"), PLUGINS_DIR=str(ROOT / "plugins"))
        store = app.extensions["formkit"].store
        started = time.perf_counter()
        store.import_records(applications(args.size))
        store._run("ANALYZE responses")
        print(f"{args.size} responses stored in {time.perf_counter() - started:.1f} s")
        add_user(app)
        client = app.test_client()
        sign_in(client)
        rows = ["| list page | median ms | p95 ms |", "|---|---|---|"]
        for label, query in PAGES:
            median, p95 = _times(client, [f"/admin/forms/membership/{query}"] * args.renders)
            rows.append(f"| {label} | {median:.0f} | {p95:.0f} |")
        store.close()
    finally:
        drop()
    print("\n".join(rows))


if __name__ == "__main__":
    main()

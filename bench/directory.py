"""Member directory render time (the map of Ontario's regions, its table and the list's
first page) at many membership applications, on both stores.

Each store gets ``--sizes`` submitted applications (a third approved and listed, spread
over the six regions and four kinds, the rest pending, declined or unlisted); then
``/membership/directory`` (every region) and ``?region=east`` are rendered ``--renders``
times each; the table gives the median and 95th percentile.

Usage: python bench/directory.py [--sizes 1000,10000] [--renders 50]
       [--stores tinydb,postgresql] [--postgres postgresql://127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from teams import _times, on_each_store  # bench/teams.py: timing and the stores

from formkit.storage import SUBMITTED, Response
from formkit.testing import make_app

ROOT = Path(__file__).resolve().parent.parent
REGIONS = ("toronto", "central", "east", "west", "north_east", "north_west")
KINDS = ("project", "visiting_hospice", "hospice_residence", "individual")


def applications(count: int):
    for number in range(count):
        status = ("approved", "pending", "declined")[number % 3]
        yield Response(
            id=f"membership-{number:07d}-bench", form_id="membership", form_version="1",
            locale="en", status=SUBMITTED, submitted="2026-11-01T12:00:00Z",
            review_status=status, answers={
                "name": f"Member {number}", "email": f"m{number}@example.ca",
                "organization": f"Org {number}", "community": f"Town {number % 97}",
                "region": REGIONS[number % 6], "kind": KINDS[number % 4],
                "consent_directory": number % 5 != 0,
                "directory_description": "Volunteer-led project supporting caregivers."})


def measure(kind: str, store_url: str, size: int, renders: int) -> list[str]:
    folder = Path(tempfile.mkdtemp(prefix="fk-directory-"))
    app = make_app(folder, STORE=store_url or str(folder / "data"), ARGON2_PROFILE="CHEAPEST",
                   FORMS_DIR=str(ROOT / "forms"), PLUGINS_DIR=str(ROOT / "plugins"))
    store = app.extensions["formkit"].store
    store.import_records(applications(size))
    client = app.test_client()
    rows = []
    for label, url in (("all regions", "/membership/directory"),
                       ("one region", "/membership/directory?region=east")):
        median, p95 = _times(client, [url] * renders)
        rows.append(f"| {kind} | {size} | {label} | {median:.1f} | {p95:.1f} |")
    store.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--renders", type=int, default=50)
    parser.add_argument("--stores", default="tinydb,postgresql")
    parser.add_argument("--postgres", default="postgresql://127.0.0.1:5432/test")
    args = parser.parse_args()
    rows = ["| store | applications | page | median ms | p95 ms |", "|---|---|---|---|---|"]
    for size in (int(s) for s in args.sizes.split(",")):
        started = time.perf_counter()
        rows += on_each_store(args, lambda kind, url, size=size: measure(kind, url, size,
                                                                          args.renders))
        print(f"{size}: {time.perf_counter() - started:.1f} s", flush=True)
    print("\n".join(rows))


if __name__ == "__main__":
    main()

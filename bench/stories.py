"""The public stories page and a team space's Stories panel with many stories, on both
stores.

``--teams`` teams in six regions, each with ``--stories`` stories (written in bulk,
``import_records``), of which ``--published`` per team are published with the team's
consent. ``/stories`` is rendered ``--renders`` times unfiltered, by region and by area;
a member's team space (with its Stories panel) as many times. Median and 95th percentile.

Usage: python bench/stories.py [--teams 200] [--stories 5] [--published 2] [--renders 50]
       [--stores tinydb,postgresql] [--postgres postgresql://127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from teams import _signed_in_member, _times, on_each_store  # noqa: E402

from formkit.testing import make_app  # noqa: E402

REGIONS = ("Toronto", "Central", "East", "West", "North East", "North West")
AREAS = ("social_connection", "caregiver_support", "transportation", "food_security")


def populate(app, args) -> list:
    from formkit.storage import SUBMITTED, Response
    from formkit.storage.base import new_token
    from formkit.teams import roster

    stamp = "2026-06-01T00:00:00+00:00"
    teams, stories = [], []
    with app.test_request_context("/"):
        for number in range(args.teams):
            team, _lead = roster.create_team(
                f"Team {number:03d}", f"lead{number}@example.ca", f"Lead {number}",
                community=f"Community {number}", region=REGIONS[number % len(REGIONS)])
            teams.append(team)
            for n in range(args.stories):
                published = n < args.published
                stories.append(Response(
                    id=f"story-{new_token(12)}", form_id="story", form_version="1",
                    locale="en", status=SUBMITTED, created=stamp, updated=stamp,
                    submitted=stamp, key=f"story:{team.id}:{new_token(8)}",
                    review_status="published" if published else "pending",
                    answers={"title": f"Story {n} of {team.name}",
                             "what_happened": "Volunteers drove neighbours. " * 10,
                             "who_involved": "The library", "what_changed": "More rides",
                             "areas": [AREAS[(number + n) % len(AREAS)]],
                             "consent_publish": True}))
    app.extensions["formkit"].store.import_records(stories)
    return teams


def measure(kind: str, store_url: str, args) -> list[str]:
    folder = Path(tempfile.mkdtemp(prefix="fk-stories-"))
    root = Path(__file__).resolve().parent.parent
    app = make_app(folder, STORE=store_url or str(folder / "data"), ARGON2_PROFILE="CHEAPEST",
                   FORMS_DIR=str(root / "forms"), PLUGINS_DIR=str(root / "plugins"))
    teams = populate(app, args)
    public = app.test_client()
    count = len(teams) * args.stories
    rows = []
    for what, url in (("/stories", "/stories"), ("/stories, one region", "/stories?region=East"),
                      ("/stories, one area", "/stories?area=transportation")):
        median, p95 = _times(public, [url] * args.renders)
        rows.append(f"| {kind} | {what} | {count} | {median:.1f} | {p95:.1f} |")
    member = _signed_in_member(app, "lead7@example.ca")
    median, p95 = _times(member, [f"/t/{teams[7].slug}/"] * args.renders)
    rows.append(f"| {kind} | team space with its Stories panel | {count} | {median:.1f} | "
                f"{p95:.1f} |")
    app.extensions["formkit"].store.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--teams", type=int, default=200)
    parser.add_argument("--stories", type=int, default=5)
    parser.add_argument("--published", type=int, default=2)
    parser.add_argument("--renders", type=int, default=50)
    parser.add_argument("--stores", default="tinydb,postgresql")
    parser.add_argument("--postgres", default="postgresql://127.0.0.1:5432/test")
    args = parser.parse_args()
    rows = ["| store | page | stories | median ms | p95 ms |", "|---|---|---|---|---|"]
    rows += on_each_store(args, lambda kind, url: measure(kind, url, args))
    print("\n".join(rows))


if __name__ == "__main__":
    main()

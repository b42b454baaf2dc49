"""REST API read throughput: responses per second, paged, at 10,000 stored responses.

For each store (TinyDB in a temporary folder; PostgreSQL in a schema of its own,
``fk_bench_api``, dropped afterwards), the largest seed form gets ``--size`` submitted
responses (bench/submit.py's ``seed``), then a token walks every page of
``GET /api/v1/forms/<id>/responses`` through the WSGI test client (``--limit`` per page),
plain and with ``labels=1``; and fetches single responses by id.

Usage: python bench/api.py [--size 10000] [--limit 100] [--postgres URL | --postgres ""]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from submit import ROOT, question_count, seed  # noqa: E402

from formkit.app import create_app  # noqa: E402
from formkit.rest.tokens import create_token  # noqa: E402
from formkit.state import current_registry, current_store  # noqa: E402

SCHEMA = "fk_bench_api"


def walk(client, url: str, headers: dict, limit: int, labels: bool) -> tuple[int, float]:
    """Every page of ``url``: (responses read, seconds)."""
    seen, cursor = 0, None
    started = time.perf_counter()
    while True:
        query = {"limit": limit, **({"cursor": cursor} if cursor else {}),
                 **({"labels": 1} if labels else {})}
        page = client.get(url, query_string=query, headers=headers)
        assert page.status_code == 200, page.data[:300]
        seen += len(page.json["responses"])
        cursor = page.json["next_cursor"]
        if cursor is None:
            return seen, time.perf_counter() - started


def measure(name: str, store_url: str, size: int, limit: int) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "FORMS_DIR": str(ROOT / "forms"),
                          "PLUGINS_DIR": str(ROOT / "plugins"), "SECRET_KEY": "bench",
                          "STORE": store_url or "data",
                          "API_REQUESTS_PER_TOKEN": (10**9, 60)}, environment=False)
        with app.test_request_context("/"):
            form = max(current_registry().forms.values(), key=question_count)
            started = time.perf_counter()
            seed(form, size, prefix="api")
            seeded = time.perf_counter() - started
            _record, secret = create_token(current_store(), "bench")
        headers = {"Authorization": f"Bearer {secret}"}
        client = app.test_client()
        url = f"/api/v1/forms/{form.id}/responses"
        rows = []
        for labels in (False, True):
            count, seconds = walk(client, url, headers, limit, labels)
            assert count == size, count
            rows.append(f"| {name} | {size:,} | {limit} | {'yes' if labels else 'no'} | "
                        f"{seconds:.1f} | {count / seconds:,.0f} |")
        first = client.get(url, query_string={"limit": 20}, headers=headers).json
        ids = [r["id"] for r in first["responses"]]
        started = time.perf_counter()
        for response_id in ids * 5:
            assert client.get(f"/api/v1/responses/{response_id}",
                              headers=headers).status_code == 200
        each = (time.perf_counter() - started) / (len(ids) * 5)
        rows.append(f"| {name} | {size:,} | one by id | no | {each * 1000:.1f} ms each | "
                    f"{1 / each:,.0f} |")
        print(f"[{name}] seeded {size:,} in {seeded:.1f} s", file=sys.stderr)
        app.extensions["formkit"].store.close()
    return rows


def bench_schema(url: str) -> str:
    """A fresh schema of the benchmark's own in that database, migrated."""
    import psycopg

    from formkit.storage.postgres_store import PostgresStore

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        conn.execute(f"CREATE SCHEMA {SCHEMA}")
    schema_url = f"{url}?options=-csearch_path%3D{SCHEMA}"
    store = PostgresStore(schema_url)
    store.upgrade()
    store.close()
    return schema_url


def drop_schema(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--postgres", default="postgresql://127.0.0.1:5432/test")
    args = parser.parse_args()
    rows = ["| store | responses | per page | labels | seconds | responses/s |",
            "|---|---|---|---|---|---|"]
    rows += measure("tinydb", "", args.size, args.limit)
    if args.postgres:
        try:
            rows += measure("postgresql", bench_schema(args.postgres), args.size, args.limit)
        finally:
            drop_schema(args.postgres)
    print("\n".join(rows))


if __name__ == "__main__":
    main()

"""The OpenAPI document against the live API (gunicorn, real HTTP), on both stores:
schemathesis draws requests from the document for every operation (the real form ids and
a real response id given as examples, so requests reach the views, not only 404s); no
answer is a 500, and every answer matches the document (status, media type, body)."""

from __future__ import annotations

import collections
import json
import urllib.request

import pytest

from conftest import ROOT, LiveServer, make_app, store_of
from formkit.rest.tokens import create_token
from formkit.testing import submit

schemathesis = pytest.importorskip("schemathesis")


@pytest.fixture
def server(tmp_path, store_url):
    app = make_app(tmp_path / "seed", STORE=store_url, FORMS_DIR=str(ROOT / "forms"),
                   PLUGINS_DIR=str(ROOT / "plugins"), ARGON2_PROFILE="CHEAPEST")
    response = submit(app, "membership")
    with app.app_context():
        _record, secret = create_token(store_of(app), "schemathesis", write=True)
    store_of(app).close()
    live = LiveServer(tmp_path / "instance", workers=2, FORMKIT_STORE=store_url,
                      FORMKIT_API_REQUESTS_PER_TOKEN="[1000000, 60]")
    yield live, {"Authorization": f"Bearer {secret}"}, response.id
    live.stop()


def with_examples(document: dict, response_id: str) -> dict:
    for path in document["paths"].values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "form_id":
                    parameter["schema"]["examples"] = ["membership", "wellbeing"]
                if parameter["name"] == "response_id":
                    parameter["schema"]["examples"] = [response_id]
    return document


def test_the_live_api_matches_its_openapi_document(server):
    from hypothesis import HealthCheck, Phase, given, settings

    live, headers, response_id = server
    with urllib.request.urlopen(f"{live.url}/api/v1/openapi.json") as reply:
        document = json.load(reply)
    schema = schemathesis.openapi.from_dict(with_examples(document, response_id))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 6
    seen: collections.Counter = collections.Counter()
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=40, deadline=None, derandomize=True,
                  suppress_health_check=list(HealthCheck),
                  phases=[Phase.explicit, Phase.generate])
        def check(case):
            # Whether answers are acceptable depends on the form, which the generic
            # document cannot express: a 422 for a schema-valid body is right there.
            answer = case.call_and_validate(
                base_url=f"{live.url}/api/v1", headers=headers,
                excluded_checks=[schemathesis.checks.positive_data_acceptance])
            seen[case.method, case.operation.path, answer.status_code] += 1

        check()
    # the draws reached the views, not only the checkpoint's refusals
    assert seen["GET", "/forms/{form_id}", 200] and seen["GET", "/responses/{response_id}", 200]
    assert any(status in (200, 422) and method == "PATCH" for method, _p, status in seen)
    assert any(status == 422 and method == "POST" for method, _p, status in seen)

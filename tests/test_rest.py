"""The REST API (/api/v1) on both stores: tokens, scope, reading, submitting exactly like
the web form, idempotent retries, review changes, problem details, rate limits."""

from __future__ import annotations

import re

import pytest

from conftest import make_app, store_of
from formkit.clock import ManualClock
from formkit.rest.tokens import create_token, revoke_token

SIGNUP = """
id: signup
version: 1
title: {en: Sign-up, fr: Inscription}
confirmation_email: email
sections:
  - id: about
    title: {en: About, fr: À propos}
    fields:
      - id: name
        type: text
        required: true
        max_length: 40
        label: {en: Name, fr: Nom}
      - id: email
        type: text
        format: email
        label: {en: Email, fr: Courriel}
      - id: role
        type: choice
        required: true
        label: {en: Role, fr: Rôle}
        choices:
          - {key: staff, label: {en: Staff, fr: Personnel}}
          - {key: other, label: {en: Other, fr: Autre}}
      - id: role_other
        type: text
        required: true
        label: {en: Which role, fr: Quel rôle}
        show_if: {field: role, equals: other}
  - id: more
    title: {en: More, fr: Plus}
    fields:
      - id: age
        type: integer
        min: 0
        max: 120
        label: {en: Age, fr: Âge}
"""
HIDDEN = SIGNUP.replace("id: signup", "id: hidden").replace("confirmation_email: email\n", "")
CLOSED = HIDDEN.replace("id: hidden", "id: closed") + "schedule:\n  closes: 2026-01-05 17:00\n"


@pytest.fixture
def clock():
    return ManualClock(1_780_000_000)


@pytest.fixture
def app(tmp_path, store_url, clock):
    folder = tmp_path / "forms"
    folder.mkdir()
    (folder / "signup.yaml").write_text(SIGNUP)
    (folder / "hidden.yaml").write_text(HIDDEN)
    (folder / "closed.yaml").write_text(CLOSED)
    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(folder), CLOCK=clock,
                   ARGON2_PROFILE="CHEAPEST", API_REQUESTS_PER_TOKEN=(50, 60))
    yield app
    store_of(app).close()


def token(app, *, forms=("signup",), write=True, expires_days=None, name="sheet"):
    with app.app_context():
        record, secret = create_token(store_of(app), name, forms=list(forms), write=write,
                                      expires_days=expires_days)
    return record, {"Authorization": f"Bearer {secret}"}


GOOD = {"name": "Ana", "email": "ana@example.ca", "role": "staff", "age": 40}


def post(client, headers, answers=GOOD, key="k1", form="signup", **extra):
    headers = {**headers, "Idempotency-Key": key} if key else headers
    return client.post(f"/api/v1/forms/{form}/responses", json={"answers": answers, **extra},
                       headers=headers)


def test_no_or_bad_token_is_401_problem_json(app):
    client = app.test_client()
    _record, good = token(app)
    secret = good["Authorization"].split()[1]
    for headers in ({}, {"Authorization": "Bearer fkt_nope"}, {"Authorization": "Basic x"},
                    {"Authorization": f"Basic {secret}"}, {"Authorization": secret}):
        reply = client.get("/api/v1/forms", headers=headers)
        assert reply.status_code == 401
        assert reply.mimetype == "application/problem+json"
        assert reply.json["status"] == 401 and reply.json["title"]
    # in French when asked
    reply = client.get("/api/v1/forms", headers={"Accept-Language": "fr"})
    assert reply.json["title"] == "Non connecté"


def test_expired_and_revoked_tokens_are_refused(app, clock):
    client = app.test_client()
    record, headers = token(app, expires_days=1)
    assert client.get("/api/v1/forms", headers=headers).status_code == 200
    clock.advance(days=1, seconds=1)
    assert client.get("/api/v1/forms", headers=headers).status_code == 401
    record, headers = token(app)
    with app.app_context():
        revoke_token(store_of(app), record.id)
    assert client.get("/api/v1/forms", headers=headers).status_code == 401


def test_forms_lists_only_the_tokens_forms_with_their_schema(app):
    client = app.test_client()
    _record, headers = token(app)
    forms = client.get("/api/v1/forms", headers=headers).json["forms"]
    assert [f["id"] for f in forms] == ["signup"]
    fields = {f["id"]: f for s in forms[0]["sections"] for f in s["fields"]}
    assert fields["role"]["choices"][1] == {"key": "other",
                                            "label": {"en": "Other", "fr": "Autre"}}
    assert fields["name"]["type"] == "text" and fields["name"]["required"] is True
    assert forms[0]["review_statuses"][0] == {"key": "pending",
                                              "label": {"en": "Pending", "fr": "En attente"}}
    assert client.get("/api/v1/forms/hidden", headers=headers).status_code == 403
    assert client.get("/api/v1/forms/hidden/responses", headers=headers).status_code == 403
    assert client.get("/api/v1/forms/nope/responses", headers=headers).status_code == 404


def test_a_submission_is_stored_once_and_queues_the_same_emails(app):
    client = app.test_client()
    _record, headers = token(app)
    first = post(client, headers)
    assert first.status_code == 201, first.json
    again = post(client, headers)
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    store = store_of(app)
    assert store.count("signup", "submitted") == 1
    stored = store.get(first.json["id"])
    assert stored.answers == GOOD and stored.locale == "en"
    receipts = [m for m in store.list_messages() if m.response_id == stored.id]
    assert [m.recipient for m in receipts] == ["ana@example.ca"]
    # another key is another response; without a key, each post is new
    assert post(client, headers, key="k2").status_code == 201
    assert post(client, headers, key=None).status_code == 201
    assert store.count("signup", "submitted") == 3


def test_the_same_key_from_another_token_is_another_response(app):
    client = app.test_client()
    _a, one = token(app)
    _b, two = token(app, name="other")
    assert post(client, one).json["id"] != post(client, two).json["id"]


def test_submissions_are_validated_like_the_web_form(app):
    client = app.test_client()
    _record, headers = token(app)
    bad = post(client, headers, {"name": "x" * 41, "role": "boss", "age": 500,
                                 "nope": 1}, key="bad")
    assert bad.status_code == 422
    assert bad.mimetype == "application/problem+json"
    assert set(bad.json["errors"]) == {"name", "role", "age", "nope"}
    # a field shown by an answer becomes required, as on the page
    shown = post(client, headers, {**GOOD, "role": "other"}, key="c")
    assert set(shown.json["errors"]) == {"role_other"}
    # a hidden field's answer is not stored
    hidden = post(client, headers, {**GOOD, "role_other": "x"}, key="d")
    assert hidden.status_code == 201 and "role_other" not in hidden.json["answers"]
    # French messages when asked
    french = post(client, {**headers, "Accept-Language": "fr"}, {"role": "staff"}, key="e")
    assert french.json["title"] == "Veuillez vérifier vos réponses"
    assert store_of(app).count("signup", "submitted") == 1  # only the valid one


@pytest.mark.parametrize("body", [b"{", b"[]", b'"x"', b"null", b'{"answers": []}',
                                  b'{"answers": {"name": {"a": [1]}}}',
                                  b'{"answers": {"age": 1e999}}',
                                  b'{"answers": {"age": 123456789012345678901234567890}}',
                                  b'{"answers": {"name": "\\u0000"}}',
                                  b'{"answers": {}, "locale": 5}',
                                  b'{"answers": {"name": "A", "role": "staff"}, "locale": 5}',
                                  b'{"answers": {"name": "A", "role": "staff"}, "locale": "xx"}',
                                  b'{"answers": {"name": [{"a": 1}, 2], "role": "staff"}}',
                                  b"\xff\xfe"])
def test_no_body_makes_a_500(app, body):
    client = app.test_client()
    _record, headers = token(app)
    reply = client.post("/api/v1/forms/signup/responses", data=body,
                        headers={**headers, "Content-Type": "application/json"})
    assert reply.status_code in (400, 422), reply.data
    assert reply.mimetype == "application/problem+json"
    reply = client.patch("/api/v1/responses/signup-x", data=body,
                         headers={**headers, "Content-Type": "application/json"})
    assert reply.status_code in (400, 404, 422)


def test_a_read_only_token_cannot_write(app):
    client = app.test_client()
    _record, headers = token(app, write=False)
    assert post(client, headers).status_code == 403
    assert store_of(app).count("signup") == 0


def test_reading_with_filters_cursor_and_labels(app, clock):
    client = app.test_client()
    _record, headers = token(app)
    ids = []
    for n in range(7):
        locale = "fr" if n % 2 else "en"
        ids.append(post(client, headers, {**GOOD, "name": f"P{n}"}, key=f"p{n}",
                        locale=locale).json["id"])
        clock.advance(days=1)
    seen, cursor = [], None
    while True:
        query = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/forms/signup/responses", query_string=query,
                          headers=headers).json
        seen.extend(r["id"] for r in page["responses"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ids
    french = client.get("/api/v1/forms/signup/responses?language=fr", headers=headers).json
    assert [r["id"] for r in french["responses"]] == ids[1::2]
    labelled = client.get(f"/api/v1/responses/{ids[0]}?labels=1&lang=fr", headers=headers)
    assert labelled.json["answers"]["role"] == "staff"
    assert labelled.json["labels"]["role"] == "Personnel"
    # The id stays the key; the reference people read aloud comes with it, and works too.
    reference = labelled.json["reference"]
    assert reference.startswith("SGN-") and reference != ids[0]
    by_reference = client.get(f"/api/v1/responses/{reference.lower()}", headers=headers)
    assert by_reference.json["id"] == ids[0]
    bad = client.get("/api/v1/forms/signup/responses?status=odd&limit=0&cursor=%%",
                     headers=headers)
    assert bad.status_code == 400 and len(bad.json["errors"]) == 3
    # a deleted cursor response: the next page still comes, by position
    page = client.get("/api/v1/forms/signup/responses?limit=2", headers=headers).json
    store_of(app).delete(ids[1])
    rest = client.get("/api/v1/forms/signup/responses",
                      query_string={"cursor": page["next_cursor"]}, headers=headers).json
    assert [r["id"] for r in rest["responses"]] == ids[2:]


def test_responses_of_hidden_forms_are_404(app):
    client = app.test_client()
    _all, everything = token(app, forms=())
    hidden_record = post(client, everything, form="hidden").json
    hidden = hidden_record["id"]
    _record, headers = token(app)
    assert client.get(f"/api/v1/responses/{hidden}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/responses/{hidden_record['reference']}",
                      headers=headers).status_code == 404
    assert client.get("/api/v1/responses/signup-nope", headers=headers).status_code == 404
    reply = client.patch(f"/api/v1/responses/{hidden}", json={"review_status": "reviewed"},
                         headers=headers)
    assert reply.status_code == 404


def test_review_status_is_changed_with_a_comment(app):
    client = app.test_client()
    _record, headers = token(app)
    rid = post(client, headers).json["id"]
    reply = client.patch(f"/api/v1/responses/{rid}",
                         json={"review_status": "reviewed", "comment": "called back"},
                         headers=headers)
    assert reply.status_code == 200
    assert reply.json["review_status"] == "reviewed"
    assert reply.json["history"][-1]["comment"] == "called back"
    assert store_of(app).get(rid).history[-1]["from"] == "pending"
    with app.app_context():  # the same decision as in the workspace: a webhook event too
        from formkit.storage import Webhook

        store_of(app).add_webhook(Webhook(id="hook", form_id="signup", events=["reviewed"],
                                          url="https://93.184.215.14/hook", secret="s"))
    client.patch(f"/api/v1/responses/{rid}", json={"review_status": "pending"},
                 headers=headers)
    events = [m for m in store_of(app).list_messages() if m.kind == "webhook"]
    assert [m.payload["event"] for m in events] == ["reviewed"]
    bad = client.patch(f"/api/v1/responses/{rid}", json={"review_status": "lost"},
                       headers=headers)
    assert bad.status_code == 422 and "review_status" in bad.json["errors"]
    _read, read_only = token(app, write=False)
    assert client.patch(f"/api/v1/responses/{rid}", json={"review_status": "pending"},
                        headers=read_only).status_code == 403


def test_each_use_is_audited_and_last_used_is_throttled(app, clock):
    client = app.test_client()
    record, headers = token(app)
    store = store_of(app)
    client.get("/api/v1/forms", headers=headers)
    first = store.get_token(record.id).last_used
    assert first is not None
    clock.advance(seconds=10)
    client.get("/api/v1/forms", headers=headers)
    assert store.get_token(record.id).last_used == first
    clock.advance(seconds=60)
    client.get("/api/v1/forms", headers=headers)
    assert store.get_token(record.id).last_used > first
    uses = [e for e in store.iter_audit() if e["action"] == "api"]
    assert len(uses) == 3 and uses[0]["user"] == "token:sheet"


def test_requests_are_limited_per_token(app, clock):
    client = app.test_client()
    _record, headers = token(app)
    codes = [client.get("/api/v1/forms", headers=headers).status_code for _ in range(51)]
    assert codes[:50] == [200] * 50 and codes[50] == 429
    _other, other = token(app, name="other")
    assert client.get("/api/v1/forms", headers=other).status_code == 200
    clock.advance(seconds=61)
    assert client.get("/api/v1/forms", headers=headers).status_code == 200


def test_unknown_api_paths_are_problem_json(app):
    reply = app.test_client().get("/api/v1/nothing")
    assert reply.status_code == 404 and reply.mimetype == "application/problem+json"


def api_requests(app, response_id: str):
    """(endpoint, method, url) for every route of the API but the public document."""
    adapter = app.url_map.bind("localhost")
    values = {"form_id": "signup", "response_id": response_id}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or rule.endpoint == "api.openapi":
            continue
        url = adapter.build(rule.endpoint, {k: v for k, v in values.items()
                                            if k in rule.arguments})
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def test_every_api_route_refuses_outsiders(app):
    """Swept over the URL map: no token 401; a token of another form 403 for the form,
    404 for its response; a read-only token 403 on every write. Nothing changes."""
    client = app.test_client()
    _writer, writer = token(app)
    rid = post(client, writer).json["id"]
    _other, other = token(app, forms=("hidden",), name="other")
    _reader, reader = token(app, write=False, name="reader")
    store = store_of(app)
    before = store.get(rid).to_dict()
    count = 0
    for endpoint, method, url in api_requests(app, rid):
        body = {"json": {"answers": GOOD, "review_status": "reviewed"}}
        assert client.open(url, method=method, **body).status_code == 401, url
        wanted = 404 if "response_id" in url or "/responses/" in url else 403
        if endpoint == "api.forms":
            wanted = 200
        got = client.open(url, method=method, headers=other, **body).status_code
        assert got == wanted, (method, url, got)
        if method != "GET":
            got = client.open(url, method=method, headers=reader, **body).status_code
            assert got == 403, (method, url, got)
        count += 1
    assert count >= 6
    assert store.get(rid).to_dict() == before
    assert store.count("signup") == 1


def test_the_admin_token_page_makes_lists_and_revokes(app):
    from conftest import add_user, csrf, sign_in

    add_user(app)
    client = app.test_client()
    sign_in(client)
    page = client.get("/admin/api-tokens?lang=fr")
    assert page.status_code == 200 and "Jetons d’API" in page.text
    form_token = csrf(client, "/admin/api-tokens")
    refused = client.post("/admin/api-tokens", data={"csrf_token": form_token, "name": "",
                                                     "forms": ["signup"]})
    assert refused.status_code == 422 and store_of(app).list_tokens() == []
    made = client.post("/admin/api-tokens", data={
        "csrf_token": form_token, "name": "dashboard", "forms": ["signup"], "expires": "30"})
    secret = re.search(r"fkt_[\w-]+", made.text).group(0)
    record = store_of(app).list_tokens()[0]
    assert record.forms == ["signup"] and not record.write and record.expires
    assert secret not in client.get("/admin/api-tokens").text  # shown once
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/forms", headers=headers).status_code == 200
    client.post(f"/admin/api-tokens/{record.id}/revoke", data={"csrf_token": form_token})
    assert client.get("/api/v1/forms", headers=headers).status_code == 401
    actions = [e["action"] for e in store_of(app).iter_audit()]
    assert "token_create" in actions and "token_revoke" in actions
    # coordinators may not
    add_user(app, "coord@example.ca", role="coordinator", forms=["signup"])
    other = app.test_client()
    sign_in(other, "coord@example.ca")
    assert other.get("/admin/api-tokens").status_code == 403


def test_the_command_line_makes_lists_and_revokes(app):
    from formkit.cli import main

    runner = app.test_cli_runner()
    made = runner.invoke(main, ["token", "create", "--name", "sheet", "--forms", "signup",
                                "--write", "--expires", "7"])
    assert made.exit_code == 0, made.output
    secret = made.output.strip().splitlines()[-1]
    assert secret.startswith("fkt_")
    client = app.test_client()
    assert post(client, {"Authorization": f"Bearer {secret}"}).status_code == 201
    listed = runner.invoke(main, ["token", "list"])
    assert "sheet" in listed.output and secret not in listed.output
    record = store_of(app).list_tokens()[0]
    assert runner.invoke(main, ["token", "revoke", record.id]).exit_code == 0
    assert client.get("/api/v1/forms",
                      headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert runner.invoke(main, ["token", "create", "--name", "x",
                                "--forms", "nope"]).exit_code != 0
    assert runner.invoke(main, ["token", "revoke", "tok-none"]).exit_code != 0


def test_the_openapi_document_is_public_and_3_1(app):
    reply = app.test_client().get("/api/v1/openapi.json")
    assert reply.status_code == 200 and reply.json["openapi"] == "3.1.0"
    assert set(reply.json["paths"]) == {"/forms", "/forms/{form_id}",
                                        "/forms/{form_id}/responses",
                                        "/responses/{response_id}"}


@pytest.fixture
def every_type(tmp_path, store_url):
    from conftest import TEST_FORMS

    app = make_app(tmp_path, STORE=store_url, FORMS_DIR=str(TEST_FORMS),
                   ARGON2_PROFILE="CHEAPEST")
    yield app
    store_of(app).close()


def test_answers_of_every_type_sent_as_stored_are_stored_the_same(every_type):
    """What the web form stores for every field type (matrix and table included), sent
    back through the API, is accepted and stored identically."""
    from formkit.testing import submit

    web = submit(every_type, "all_types")
    _record, headers = token(every_type, forms=("all_types",))
    client = every_type.test_client()
    reply = client.post("/api/v1/forms/all_types/responses",
                        json={"answers": web.answers}, headers=headers)
    assert reply.status_code == 201, reply.json
    assert store_of(every_type).get(reply.json["id"]).answers == web.answers
    # a page hidden by an answer is skipped, as on the web: its required matrix too
    declined = {k: v for k, v in web.answers.items() if k not in ("grid", "overall")}
    reply = client.post("/api/v1/forms/all_types/responses",
                        json={"answers": {**declined, "consent": False}}, headers=headers)
    assert reply.status_code == 201, reply.json
    broken = {**web.answers, "grid": {"x": "9"}, "actions": [{"what": "", "due": "2026-01-01"}]}
    reply = client.post("/api/v1/forms/all_types/responses", json={"answers": broken},
                        headers=headers)
    assert reply.status_code == 422 and {"grid", "actions"} <= set(reply.json["errors"])


def test_a_closed_form_takes_no_response(app):
    client = app.test_client()
    _record, headers = token(app, forms=("closed",))
    reply = post(client, headers, form="closed")
    assert reply.status_code == 403 and reply.json["title"] == "Closed"
    assert store_of(app).count("closed") == 0


def test_a_bad_idempotency_key_is_refused(app):
    client = app.test_client()
    _record, headers = token(app)
    for key in ("x" * 201, "with space", "é"):
        reply = client.post("/api/v1/forms/signup/responses", json={"answers": GOOD},
                            headers={**headers, "Idempotency-Key": key.encode().decode(
                                "latin-1")})
        assert reply.status_code == 400, key
    assert store_of(app).count("signup") == 0


def test_review_of_a_draft_or_with_a_bad_comment_is_refused(app):
    client = app.test_client()
    _record, headers = token(app)
    draft = store_of(app).create_draft("signup", "1", "en", "web-key")
    reply = client.patch(f"/api/v1/responses/{draft.id}",
                         json={"review_status": "reviewed"}, headers=headers)
    assert reply.status_code == 409
    rid = post(client, headers).json["id"]
    reply = client.patch(f"/api/v1/responses/{rid}",
                         json={"review_status": "reviewed", "comment": ["x"]}, headers=headers)
    assert reply.status_code == 422 and "comment" in reply.json["errors"]
    assert store_of(app).get(rid).history == [] and store_of(app).get(draft.id).history == []


def test_the_token_page_refuses_what_it_cannot_make(app):
    from conftest import add_user, csrf, sign_in

    add_user(app)
    client = app.test_client()
    sign_in(client)
    form_token = csrf(client, "/admin/api-tokens")
    for data in ({"name": "x"}, {"name": "x", "forms": ["signup"], "expires": "0"},
                 {"name": "x", "forms": ["signup"], "expires": "soon"},
                 {"name": "x", "forms": ["nope"]}):
        reply = client.post("/admin/api-tokens", data={"csrf_token": form_token, **data})
        assert reply.status_code == 422, data
    assert store_of(app).list_tokens() == []
    reply = client.post("/admin/api-tokens/tok-none/revoke", data={"csrf_token": form_token})
    assert reply.status_code == 404

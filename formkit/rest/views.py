"""The endpoints of ``/api/v1``. :mod:`formkit.rest.access` has already resolved the
token, the form (``g.form``) and the response (``g.response``) a URL names."""

from __future__ import annotations

import base64
import binascii
import datetime
import re
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from formkit import submission
from formkit.flow import apply_values, final_answers, prune, read_page
from formkit.i18n import current_locale
from formkit.outbox import notifications
from formkit.paging import ascii_int
from formkit.request import without_controls
from formkit.rest import access
from formkit.rest.problems import problem
from formkit.rest.serialize import form_schema, response_data
from formkit.review import Filters, change_status, matching, review_refusal, status_keys
from formkit.schema import Form, Section
from formkit.state import current_registry, current_store
from formkit.storage import Response
from formkit.views.availability import refusal

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.before_request(access.checkpoint)

#: responses per page: default and most.
PAGE_SIZE, MAX_PAGE_SIZE = 25, 100
_IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,200}")


@bp.after_request
def _no_store(response):
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.get("/openapi.json")
def openapi():
    from formkit.rest.openapi import document

    return jsonify(document())


@bp.get("/forms")
def forms():
    registry = current_registry()
    visible = sorted((f for f in registry.forms.values() if g.token.may_see(f.id)),
                     key=lambda f: f.id)
    return jsonify({"forms": [form_schema(f) for f in visible]})


@bp.get("/forms/<form_id>")
def form(form_id: str):
    return jsonify(form_schema(g.form))


def _bad_query(errors: list[str]):
    return problem(400, _("Bad request"), _("Some query parameters could not be used."),
                   errors=errors)


def _encode_cursor(position: int, response_id: str) -> str:
    return base64.urlsafe_b64encode(f"{position}:{response_id}".encode()).decode()


def _decode_cursor(cursor: str) -> tuple[int, str] | None:
    try:
        position, _sep, response_id = base64.urlsafe_b64decode(
            cursor.encode("ascii")).decode().partition(":")
    except (binascii.Error, UnicodeError, ValueError):
        return None
    number = ascii_int(position, maximum=10**9)
    return (number, response_id) if number is not None and response_id else None


def _page(form: Form, filters: Filters, locale: str, cursor: tuple[int, str] | None,
          limit: int) -> tuple[list[Response], int]:
    """Up to ``limit + 1`` matching responses after the cursor's, and the position of the
    first. The store starts after the cursor's response; if that one was deleted
    meanwhile, the page starts where it stood (its successor moved up one place)."""
    if cursor is None:
        return _take(matching(form, filters, locale), limit), 0
    start, after = cursor
    found = current_store().get(after)
    if found is not None and found.form_id == form.id:
        return _take(matching(form, filters, locale, after=after), limit), start
    return _take(_skip(matching(form, filters, locale), start - 1), limit), start - 1


def _skip(found: Iterator[Response], count: int) -> Iterator[Response]:
    for index, response in enumerate(found):
        if index >= count:
            yield response


def _take(found: Iterator[Response], limit: int) -> list[Response]:
    taken = []
    for response in found:
        taken.append(response)
        if len(taken) > limit:
            break
    return taken


@bp.get("/forms/<form_id>/responses")
def responses(form_id: str):
    form = g.form
    args = request.args
    errors = []
    limit = PAGE_SIZE
    if "limit" in args:
        limit = ascii_int(args["limit"], maximum=MAX_PAGE_SIZE) or 0
        if limit < 1:
            errors.append(_("limit must be a whole number from 1 to %(num)d.",
                            num=MAX_PAGE_SIZE))
    cursor = None
    if args.get("cursor"):
        cursor = _decode_cursor(args["cursor"])
        if cursor is None:
            errors.append(_("The cursor is not one this API gave."))
    filters = Filters.from_args(
        {"status": args.get("status", ""), "review": args.get("review", ""),
         "since": args.get("since", ""), "until": args.get("until", ""),
         "lang_filter": args.get("language", "")},
        form, [], current_app.config["LANGUAGES"])
    errors.extend(filters.problems)
    if errors:
        return _bad_query(errors)
    locale = current_locale()
    page, position = _page(form, filters, locale, cursor, limit)
    more = len(page) > limit
    page = page[:limit]
    labels = args.get("labels") in ("1", "true")
    body: dict[str, Any] = {
        "responses": [response_data(form, r, labels=labels, locale=locale) for r in page],
        "next_cursor": (_encode_cursor(position + len(page), page[-1].id)
                        if more and page else None),
    }
    return jsonify(body)


@bp.get("/responses/<response_id>")
def response(response_id: str):
    labels = request.args.get("labels") in ("1", "true")
    return jsonify(response_data(g.form, g.response, labels=labels, locale=current_locale()))


def _json_object():
    """The request's JSON object, or ``None``."""
    data = request.get_json(silent=True, force=True)
    return data if isinstance(data, dict) else None


def _not_json():
    return problem(400, _("Bad request"), _("The body must be a JSON object."))


def _strings(value: Any) -> list[str] | None:
    """A JSON value (or a field type's form data) as posted form values, or ``None``
    when it cannot be one."""
    if value is None or value is False:
        return []
    if value is True:
        return ["y"]
    if isinstance(value, str):
        return [without_controls(value)]
    if isinstance(value, int | float):
        return [repr(value) if isinstance(value, float) else str(value)]
    if isinstance(value, datetime.date):
        return [value.isoformat()]
    if isinstance(value, list) and all(
            isinstance(v, str | int | float | datetime.date) and not isinstance(v, bool)
            for v in value):
        return [s for v in value for s in (_strings(v) or [])]
    return None


def _form_data(spec, value: Any) -> Any:
    """What the field type would show for a stored ``value`` (its WTForms names: a
    matrix's rows, a table's columns); the value itself when the type cannot read it,
    so the field's own check explains what is wrong."""
    try:
        return spec.kind.form_data(spec, value)
    except (TypeError, ValueError, AttributeError, KeyError):
        return value


def formdata_for(section: Section, answers: dict[str, Any],
                 errors: dict[str, list[str]]) -> MultiDict:
    """The posted form a browser would send for ``answers`` (stored codes, as the API
    gives them) on this page."""
    data: MultiDict = MultiDict()
    for spec in section.fields:
        if not spec.stores_value or spec.id not in answers:
            continue
        value = _form_data(spec, answers[spec.id])
        items: list[tuple[str, Any]] = [(spec.name, value)]
        if isinstance(value, dict):
            items = [(f"{spec.name}-{k}", v) for k, v in value.items()]
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            items = [(f"{spec.name}-{i}-{k}", v) for i, row in enumerate(value)
                     for k, v in row.items()]
        for name, item in items:
            strings = _strings(item)
            if strings is None:
                errors.setdefault(spec.id, []).append(_("This answer has the wrong type."))
                break
            for text in strings:
                data.add(name, text)
    return data


def validate_answers(form: Form, posted: dict[str, Any],
                     locale: str) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Answers checked page by page exactly as the web form checks them (fields, then
    plugins), skipping pages hidden by earlier answers; the final answers or errors."""
    errors: dict[str, list[str]] = {}
    for field_id in posted:
        if not (form.has_field(field_id) and form.field(field_id).stores_value):
            errors.setdefault(str(field_id)[:100], []).append(
                _("This form has no such question."))
    answers: dict[str, Any] = {}
    for section in form.sections:
        if section.show_if and not section.show_if.evaluate(prune(form, answers)):
            continue
        data = formdata_for(section, posted, errors)
        outcome = read_page(form, section, locale, data, answers, action="submit",
                            validate=True)
        if not outcome.ok:
            for field_id, messages in outcome.errors.items():
                errors.setdefault(field_id, []).extend(messages)
            continue
        apply_values(section, answers, outcome)
    return final_answers(form, answers), errors


@bp.post("/forms/<form_id>/responses")
def submit(form_id: str):
    from formkit.views.respond import result_url

    form = g.form
    body = _json_object()
    if body is None:
        return _not_json()
    posted = body.get("answers", {})
    locale = body.get("locale") or current_locale()
    if not isinstance(posted, dict) or locale not in current_app.config["LANGUAGES"]:
        return problem(400, _("Bad request"), _(
            "Send answers as an object by question id, and a locale this site speaks."))
    key = request.headers.get("Idempotency-Key", "")
    if key and not _IDEMPOTENCY_KEY.fullmatch(key):
        return problem(400, _("Bad request"), _(
            "An Idempotency-Key is 1 to 200 visible ASCII characters."))
    if refusal(form) is not None:
        return problem(403, _("Closed"), _("This form does not take responses now."))
    answers, errors = validate_answers(form, posted, locale)
    if errors:
        return problem(422, _("Please check your answers"),
                       _("Some answers could not be accepted."), errors=errors)
    store = current_store()
    from formkit.storage.base import new_token

    # The key names the draft in the store, per token: a retry finds the same record,
    # whose submit then changes nothing (the store's submit is idempotent, and so is
    # queuing its emails).
    draft = store.create_draft(form.id, form.version, locale,
                               f"api:{g.token.id}:{key or new_token()}", answers=answers)
    draft.answers = answers
    # As a web submission: the same scoring, emails, webhook events and hooks.
    stored, created = submission.submit(form, draft, locale,
                                        notifications.public_url(result_url(draft)))
    return _created(form, stored, replayed=not created)


def _created(form: Form, stored: Response, *, replayed: bool):
    reply = jsonify(response_data(form, stored))
    reply.status_code = 200 if replayed else 201
    reply.headers["Location"] = url_for("api.response", response_id=stored.id)
    return reply


@bp.patch("/responses/<response_id>")
def review(response_id: str):
    form, found = g.form, g.response
    body = _json_object()
    if body is None:
        return _not_json()
    keys = status_keys(form)
    status = body.get("review_status")
    comment = body.get("comment", "")
    errors = {}
    if status not in keys:
        errors["review_status"] = [_("Choose one of: %(keys)s.", keys=", ".join(keys))]
    if not isinstance(comment, str):
        errors["comment"] = [_("This answer has the wrong type.")]
    if errors:
        return problem(422, _("Please check your answers"),
                       _("Some answers could not be accepted."), errors=errors)
    if not found.is_submitted:
        return problem(409, _("Not submitted"), _(
            "Only a submitted response has a review status."))
    refusal = review_refusal(form, found, status)
    if refusal is not None:
        return problem(409, _("Refused"), refusal)
    changed = change_status(form, found.id, status,
                            without_controls(comment).strip()[:1000],
                            by=f"token:{g.token.name}")
    if changed is None:
        return access.missing_response()
    current_store().append_audit({
        "user": f"token:{g.token.name}", "action": "status", "target": found.id,
        "detail": {"form": form.id, "to": status, "from": changed.history[-1]["from"]},
        "address": request.remote_addr})
    return jsonify(response_data(form, changed))

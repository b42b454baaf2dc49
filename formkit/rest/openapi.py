"""The OpenAPI 3.1 description of ``/api/v1``: one dict, served at
``/api/v1/openapi.json``; tests check the live API against it (schemathesis)."""

from __future__ import annotations

from typing import Any

from formkit import __version__

_TEXT = {"type": ["object", "null"], "properties": {"en": {"type": "string"},
                                                    "fr": {"type": "string"}}}
_PROBLEM = {
    "type": "object", "required": ["title", "status", "detail"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"},
        "status": {"type": "integer"}, "detail": {"type": "string"},
        "errors": {"description": "Messages by question id (validation), or a list.",
                   "type": ["object", "array"]},
    },
}
_FIELD = {
    "type": "object", "required": ["id", "type", "required"],
    "properties": {
        "id": {"type": "string"}, "type": {"type": "string"}, "label": _TEXT, "help": _TEXT,
        "required": {"type": "boolean"}, "conditional": {"type": "boolean"},
        "choices": {"type": "array", "items": {
            "type": "object", "properties": {"key": {"type": "string"}, "label": _TEXT}}},
    },
}
_FORM = {
    "type": "object", "required": ["id", "version", "title", "sections"],
    "properties": {
        "id": {"type": "string"}, "version": {"type": "string"}, "title": _TEXT,
        "description": _TEXT,
        "review_statuses": {"type": "array", "items": {
            "type": "object", "properties": {"key": {"type": "string"}, "label": _TEXT}}},
        "sections": {"type": "array", "items": {
            "type": "object", "properties": {
                "id": {"type": "string"}, "title": _TEXT,
                "fields": {"type": "array", "items": {"$ref": "#/components/schemas/Field"}},
            }}},
    },
}
_NULLABLE_TEXT = {"type": ["string", "null"]}
_RESPONSE = {
    "type": "object",
    "required": ["id", "form_id", "status", "locale", "answers", "created"],
    "properties": {
        "id": {"type": "string"},
        "reference": {"type": ["string", "null"],
                      "description": "The short code people read aloud (MBR-7K3Q-2H)."},
        "form_id": {"type": "string"}, "form_version": {"type": "string"},
        "status": {"type": "string", "enum": ["draft", "submitted"]},
        "locale": {"type": "string"}, "created": {"type": "string"},
        "updated": {"type": "string"}, "submitted": _NULLABLE_TEXT,
        "review_status": _NULLABLE_TEXT,
        "answers": {"type": "object", "description": "Stored codes by question id."},
        "score": {"type": ["object", "null"]},
        "labels": {"type": "object", "additionalProperties": {"type": "string"},
                   "description": "Answers as shown to people (with ?labels=1)."},
        "history": {"type": "array", "items": {"type": "object", "properties": {
            "at": _NULLABLE_TEXT, "from": _NULLABLE_TEXT, "to": _NULLABLE_TEXT,
            "comment": {"type": "string"},
            "event": {**_NULLABLE_TEXT, "description": "A code for a change made outside "
                      "the review (e.g. a member editing their entry); null for a decision."},
            "fields": {"type": "array", "items": {"type": "string"},
                       "description": "The ids of the answers that change changed."}}}},
    },
}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"}}}}


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_COMMON = {"401": _problem("No token, or an unknown, revoked or expired one."),
           "429": _problem("Too many requests for this token.")}
_LANG = {"name": "lang", "in": "query", "required": False,
         "description": "Language of messages and labels (else Accept-Language).",
         "schema": {"type": "string", "enum": ["en", "fr"]}}
_FORM_ID = {"name": "form_id", "in": "path", "required": True, "schema": {"type": "string"}}
_RESPONSE_ID = {"name": "response_id", "in": "path", "required": True,
                "schema": {"type": "string"}}
_LABELS = {"name": "labels", "in": "query", "required": False,
           "schema": {"type": "string", "enum": ["0", "1"]}}


def _query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema}


def document() -> dict[str, Any]:
    """The OpenAPI document."""
    ref = "#/components/schemas/"
    return {
        "openapi": "3.1.0",
        "info": {"title": "formkit API", "version": __version__,
                 "description": "Read forms and responses, submit responses, change "
                                "review statuses. See docs/api.md."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Problem": _PROBLEM, "Field": _FIELD, "Form": _FORM,
                        "Response": _RESPONSE},
        },
        "paths": {
            "/forms": {"get": {
                "operationId": "listForms", "summary": "The forms this token may use.",
                "parameters": [_LANG],
                "responses": {"200": _json("Forms with their schema.", {
                    "type": "object", "required": ["forms"],
                    "properties": {"forms": {"type": "array",
                                             "items": {"$ref": ref + "Form"}}}}),
                    **_COMMON}}},
            "/forms/{form_id}": {"get": {
                "operationId": "getForm", "summary": "One form with its schema.",
                "parameters": [_FORM_ID, _LANG],
                "responses": {"200": _json("The form.", {"$ref": ref + "Form"}),
                              "403": _problem("Not one of this token's forms."),
                              "404": _problem("No such form."), **_COMMON}}},
            "/forms/{form_id}/responses": {
                "get": {
                    "operationId": "listResponses",
                    "summary": "A form's responses, oldest first, a page at a time.",
                    "parameters": [
                        _FORM_ID, _LANG, _LABELS,
                        _query("status", "submitted (default), draft or all.",
                               {"type": "string"}),
                        _query("review", "A review status key.", {"type": "string"}),
                        _query("since", "Submitted on or after (YYYY-MM-DD).",
                               {"type": "string"}),
                        _query("until", "Submitted on or before (YYYY-MM-DD).",
                               {"type": "string"}),
                        _query("language", "Responses given in this language.",
                               {"type": "string"}),
                        _query("limit", "Responses per page (1-100, default 25).",
                               {"type": "integer"}),
                        _query("cursor", "next_cursor of the previous page.",
                               {"type": "string"}),
                    ],
                    "responses": {
                        "200": _json("A page of responses.", {
                            "type": "object", "required": ["responses", "next_cursor"],
                            "properties": {
                                "responses": {"type": "array",
                                              "items": {"$ref": ref + "Response"}},
                                "next_cursor": _NULLABLE_TEXT}}),
                        "400": _problem("A query parameter could not be used."),
                        "403": _problem("Not one of this token's forms."),
                        "404": _problem("No such form."), **_COMMON}},
                "post": {
                    "operationId": "submitResponse",
                    "summary": "Submit a response, checked exactly like the web form.",
                    "parameters": [
                        _FORM_ID, _LANG,
                        {"name": "Idempotency-Key", "in": "header", "required": False,
                         "description": "The same key again returns the response it "
                                        "stored (200) instead of storing another.",
                         "schema": {"type": "string", "maxLength": 200}}],
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": {"type": "object", "properties": {
                            "answers": {"type": "object"},
                            "locale": {"type": "string", "enum": ["en", "fr"]}}}}}},
                    "responses": {
                        "201": _json("Stored.", {"$ref": ref + "Response"}),
                        "200": _json("Stored before with this Idempotency-Key.",
                                     {"$ref": ref + "Response"}),
                        "400": _problem("Not a JSON object, or a bad locale or key."),
                        "403": _problem("Read-only token, another form, or a closed form."),
                        "404": _problem("No such form."),
                        "422": _problem("Some answers were refused (errors by question)."),
                        **_COMMON}}},
            "/responses/{response_id}": {
                "get": {
                    "operationId": "getResponse", "summary": "One response.",
                    "parameters": [_RESPONSE_ID, _LANG, _LABELS],
                    "responses": {
                        "200": _json("The response.", {"$ref": ref + "Response"}),
                        "404": _problem("No such response, or of another form."),
                        **_COMMON}},
                "patch": {
                    "operationId": "reviewResponse",
                    "summary": "Change the review status, with a comment.",
                    "parameters": [_RESPONSE_ID, _LANG],
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": {"type": "object", "required": ["review_status"],
                                   "properties": {"review_status": {"type": "string"},
                                                  "comment": {"type": "string"}}}}}},
                    "responses": {
                        "200": _json("Changed.", {"$ref": ref + "Response"}),
                        "400": _problem("Not a JSON object."),
                        "403": _problem("Read-only token."),
                        "404": _problem("No such response, or of another form."),
                        "409": _problem("The response is not submitted."),
                        "422": _problem("Not one of the form's review statuses."),
                        **_COMMON}},
            },
        },
    }

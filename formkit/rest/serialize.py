"""What the API sends: forms with their schema, responses with stored codes."""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale

from formkit.review import DEFAULT_STATUSES, review_status, status_keys
from formkit.schema import FieldSpec, Form, Text
from formkit.storage import Response


def _text(text: Text | None) -> dict[str, str] | None:
    return text.as_dict() if text is not None else None


def field_schema(spec: FieldSpec) -> dict[str, Any]:
    data: dict[str, Any] = {"id": spec.id, "type": spec.type, "label": _text(spec.label),
                            "help": _text(spec.help), "required": spec.required,
                            "conditional": spec.show_if is not None}
    choices = spec.options.get("choices")
    if choices:
        data["choices"] = [{"key": key, "label": _text(text)} for key, text in choices]
    return data


def _status_labels(form: Form) -> dict[str, dict[str, str]]:
    """The form's review statuses in both languages (the core's default ones too)."""
    if form.review_statuses:
        return {key: text.as_dict() for key, text in form.review_statuses}
    labels: dict[str, dict[str, str]] = {}
    for key, label in DEFAULT_STATUSES:
        labels[key] = {}
        for locale in ("en", "fr"):
            with force_locale(locale):
                labels[key][locale] = str(label)
    return labels


def form_schema(form: Form) -> dict[str, Any]:
    labels = _status_labels(form)
    return {
        "id": form.id, "version": form.version, "title": _text(form.title),
        "description": _text(form.description),
        "review_statuses": [{"key": key, "label": labels.get(key)}
                            for key in status_keys(form)],
        "sections": [{"id": s.id, "title": _text(s.title),
                      "fields": [field_schema(f) for f in s.fields if f.stores_value]}
                     for s in form.sections],
    }


def response_data(form: Form, response: Response, *, labels: bool = False,
                  locale: str = "en") -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": response.id, "reference": response.reference, "form_id": response.form_id,
        "form_version": response.form_version, "status": response.status,
        "locale": response.locale, "created": response.created,
        "updated": response.updated, "submitted": response.submitted,
        "review_status": review_status(form, response) if response.is_submitted else None,
        "answers": response.answers, "score": response.score,
        "history": [{"at": h.get("at"), "from": h.get("from"), "to": h.get("to"),
                     "comment": h.get("comment") or "", "event": h.get("event"),
                     "fields": h.get("fields") or []} for h in response.history],
    }
    if labels:
        shown = {}
        for field_id, value in response.answers.items():
            if form.has_field(field_id):
                spec = form.field(field_id)
                shown[field_id] = spec.kind.display(spec, value, locale)
        data["labels"] = shown
    return data

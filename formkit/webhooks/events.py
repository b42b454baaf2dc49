"""The events webhooks carry, queued in the outbox like emails: one message per
subscription and event, under the id ``webhook:<subscription>:<event id>``, so the same
event queued twice is one delivery and every redelivery carries the same event id.

A submitted response is queued just *before* the submit is written and held until it is
(``after_submit``), as receipts are; a review-status change just after the store's
atomic change, under an id made of the response and the length of its history."""

from __future__ import annotations

import json
from typing import Any

from formkit import clock
from formkit.outbox.queue import enqueue
from formkit.schema import Form
from formkit.state import current_store
from formkit.storage import Response, Webhook
from formkit.storage.base import new_token
from formkit.webhooks import REVIEWED, SUBMITTED

KIND = "webhook"
TEST = "test"


def response_data(response: Response) -> dict[str, Any]:
    """What an event says about a response: answers as stored codes, never labels."""
    return {"id": response.id, "reference": response.reference, "form_id": response.form_id,
            "form_version": response.form_version, "locale": response.locale,
            "status": response.status, "submitted": response.submitted,
            "review_status": response.review_status, "answers": response.answers,
            "score": response.score}


def body(event_id: str, event: str, form_id: str, data: dict[str, Any]) -> str:
    """The JSON body, written once: every delivery of the event sends the same bytes."""
    return json.dumps({"id": event_id, "event": event, "form_id": form_id,
                       "created": clock.utcnow_iso(), "data": data},
                      ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def queue_for(webhook: Webhook, event: str, event_id: str, raw: str,
              **fields: Any) -> bool:
    """Queue one delivery of an event to one subscription; whether it was new."""
    return enqueue(f"{KIND}:{webhook.id}:{event_id}", KIND,
                   {"webhook_id": webhook.id, "event": event, "event_id": event_id,
                    "body": raw}, form_id=webhook.form_id, **fields)


def _queue(form_id: str, event: str, event_id: str, data: dict[str, Any],
           **fields: Any) -> int:
    hooks = [w for w in current_store().list_webhooks(form_id)
             if w.active and event in w.events]
    if not hooks:
        return 0
    raw = body(event_id, event, form_id, data)
    return sum(queue_for(w, event, event_id, raw, **fields) for w in hooks)


def before_submit(form: Form, response: Response) -> int:
    """Queue the "submitted" event; call it just before the submit write."""
    data = response_data(response)
    data.update(status="submitted", submitted=data["submitted"] or clock.utcnow_iso())
    return _queue(form.id, SUBMITTED, f"{SUBMITTED}:{response.id}", data,
                  response_id=response.id, after_submit=response.id)


def reviewed(form: Form, response: Response) -> int:
    """Queue the "reviewed" event of a review-status change, after it is stored."""
    change = response.history[-1] if response.history else {}
    data = {**response_data(response),
            "change": {k: change.get(k) for k in ("from", "to", "at", "by", "comment")}}
    return _queue(form.id, REVIEWED, f"{REVIEWED}:{response.id}:{len(response.history)}",
                  data, response_id=response.id)


def send_test_event(webhook: Webhook) -> str:
    """Queue a "test" event to one subscription (the admin page's button); its id."""
    event_id = f"{TEST}:{new_token(8)}"
    queue_for(webhook, TEST, event_id,
              body(event_id, TEST, webhook.form_id, {"message": "formkit test event"}))
    return event_id

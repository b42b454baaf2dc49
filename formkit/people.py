"""A person's data (PIPEDA access and withdrawal): everything formkit holds that is
linked to an email address — responses where it was given as an answer to an email
question, invitations to a form sent to it, and the messages of the outbox addressed
to it — found, exported as one file,
and deleted in one audited action."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from formkit import clock, pdf
from formkit.schema import Form
from formkit.state import current_registry, current_store
from formkit.storage import Invitation, Message, Response
from formkit.versions import shown_text


def normalized(email: str) -> str:
    return (email or "").strip().lower()


def audit_name(email: str) -> str:
    """How the audit log names a person: a hash, so a withdrawal leaves no address."""
    return "person:" + hashlib.sha256(normalized(email).encode()).hexdigest()[:16]


@dataclass
class PersonData:
    email: str
    responses: list[tuple[Form, Response]] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    invitations: list[Invitation] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.responses and not self.messages and not self.invitations


def email_questions(form: Form) -> list[str]:
    return [f.id for f in form.fields if f.kind is not None and f.kind.holds_email(f)]


def find_person(email: str) -> PersonData:
    """Every response and message linked to ``email``."""
    email = normalized(email)
    store = current_store()
    found = PersonData(email)
    if not email:
        return found
    for form in sorted(current_registry().forms.values(), key=lambda f: f.id):
        questions = email_questions(form)
        if questions:
            found.responses += [(form, r) for r in store.find_by_answer(form.id, questions,
                                                                       email)]
    found.messages = store.list_messages(recipient=email, limit=100_000)
    found.invitations = store.find_invitations(email)
    return found


def export_person(data: PersonData, locale: str) -> dict[str, Any]:
    """One document with all of it: each response as stored and as people read it."""
    responses = []
    for form, response in data.responses:
        shown = {}
        for spec in form.fields:
            if spec.stores_value and spec.id in response.answers:
                label = spec.label.get(locale) if spec.label else spec.id
                shown[label] = shown_text(spec, response.answers[spec.id], locale)
        responses.append({"form": form.id, "form_title": form.title.get(locale),
                          "record": response.to_dict(), "answers_shown": shown})
    return {"email": data.email,
            "exported": clock.utcnow_iso(),
            "responses": responses,
            "messages": [m.to_dict() for m in data.messages],
            # the hash of the link's token is no information about the person
            "invitations": [{k: v for k, v in i.to_dict().items() if k != "token_hash"}
                            for i in data.invitations]}


def forget_person(data: PersonData) -> dict[str, int]:
    """Delete every response, invitation and message found for the person, and their
    cached PDFs; how many of each."""
    store = current_store()
    deleted = 0
    for form, response in data.responses:
        if store.delete(response.id):
            deleted += 1
        pdf.forget_response(form.id, response.id)
    messages = store.delete_messages(data.email)
    invitations = store.delete_invitations(data.email)
    return {"responses": deleted, "messages": messages, "invitations": invitations}

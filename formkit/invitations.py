"""Invitations: coordinators invite people to a form; each gets an email with a personal
link that opens their one response, prefilled with who they are, and reminders until
they answer or ask for no more.

The link's token is an HMAC, under the site's secret key, of the invitation's id (128
random bits): only its hash is stored (it finds the invitation), yet a reminder can
carry the same link again without the token being kept anywhere. Changing the secret
key therefore ends every link sent before.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app

from formkit import clock
from formkit.availability import CLOSED, FULL
from formkit.invitation_list import Person
from formkit.outbox.email import email_message, with_language
from formkit.outbox.notifications import public_url, site_path
from formkit.outbox.queue import enqueue_many
from formkit.schema import Form
from formkit.state import current_registry, current_store
from formkit.storage import SUBMITTED, Invitation, Message, Response
from formkit.storage.base import new_token

#: the reminder schedule offered first (days after the invitation).
DEFAULT_REMINDERS = (7, 14)
#: the question prefilled with the person's name, when the form has one.
NAME_FIELD = "name"
_TEXT_TYPES = ("text", "textarea")


def token_for(invitation_id: str) -> str:
    """The token of an invitation's link: 130 bits, unguessable without the secret."""
    secret = f"formkit-invitation:{current_app.secret_key}".encode()
    digest = hmac.new(secret, invitation_id.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().rstrip("=").lower()[:26]


def hash_token(token: str) -> str:
    return hashlib.sha256(f"formkit-invitation:{token}".encode()).hexdigest()


def find(token: str) -> Invitation | None:
    """The invitation a link's token opens (``None`` for any other text)."""
    return current_store().find_invitation(hash_token(token))


def links(invitation: Invitation) -> tuple[str, str]:
    """The personal link and its unsubscribe page, opening in the person's language."""
    token = token_for(invitation.id)
    paths = site_path("invite.open", token=token), site_path("invite.stop", token=token)
    personal, stop = (with_language(public_url(path), invitation.locale) for path in paths)
    return personal, stop


def prefill(form: Form, invitation: Invitation) -> dict[str, Any]:
    """Who the person is, for the form's identity questions: every email question, and
    a text question with the id ``name``."""
    answers: dict[str, Any] = {spec.id: invitation.email for spec in form.fields
                               if spec.kind is not None and spec.kind.holds_email(spec)}
    if invitation.name and form.has_field(NAME_FIELD) \
            and form.field(NAME_FIELD).type in _TEXT_TYPES:
        answers[NAME_FIELD] = invitation.name
    return answers


def new_invitation(form: Form, person: Person, reminders: list[int], locale: str,
                   by: str | None) -> Invitation:
    invitation_id = new_token(16)
    return Invitation(id=invitation_id, form_id=form.id, email=person.email,
                      name=person.name, locale=person.locale or locale,
                      token_hash=hash_token(token_for(invitation_id)),
                      reminders=list(reminders), invited_by=by)


def invite(form: Form, people: Iterable[Person], reminders: list[int], locale: str,
           by: str | None) -> tuple[list[Invitation], list[Invitation]]:
    """Invite ``people`` to ``form`` and queue their emails: (new invitations, those of
    people invited before, left as they were). Emails are queued under ids made of the
    invitation, so sending the same list again (after a failure half-way) sends what is
    missing, once."""
    store = current_store()
    people = list(people)
    new = store.add_invitations(new_invitation(form, p, reminders, locale, by)
                                for p in people)
    added = {i.email for i in new}
    before = [i for i in store.list_invitations(form.id)
              if i.email in {p.email for p in people} - added]
    # once per invitation, whatever happened since; in one store write
    enqueue_many([invitation_email(form, i) for i in [*new, *before]])
    return new, before


def _email(form: Form, invitation: Invitation, template: str, key: str,
           number: int = 0) -> Message:
    personal, stop = links(invitation)
    return email_message(invitation.email, template, {
        "form": form, "invitation": invitation, "link": personal, "number": number,
        "stop_link": stop}, locale=invitation.locale, key=key, form_id=form.id,
        link=personal)


def invitation_email(form: Form, invitation: Invitation) -> Message:
    return _email(form, invitation, "invitation", f"invitation:{invitation.id}")


def reminder_email(form: Form, invitation: Invitation, number: int) -> Message:
    return _email(form, invitation, "reminder", f"reminder:{invitation.id}:{number}", number)


def answered(response: Response) -> None:
    """A submitted response ends its invitation's reminders (if it came from one)."""
    if response.is_submitted:
        current_store().answer_invitation(response.id, response.submitted or clock.utcnow_iso())


def counts(form_id: str) -> dict[str, int]:
    return current_store().count_invitations(form_id)


# -- the daily reminder job -------------------------------------------------------------
KIND = "invitation-reminders"


def reminders_wanted(app) -> bool:
    """Whether anyone is still to be reminded (asked on every worker pass: one row)."""
    return bool(current_store().awaiting_reminders(limit=1))


def due_reminders(invitation: Invitation, day: datetime.date, zone: str) -> int:
    """How many of the invitation's reminders are due on ``day`` (site time zone)."""
    created = datetime.datetime.fromisoformat(invitation.created).astimezone(ZoneInfo(zone))
    return sum(1 for days in sorted(invitation.reminders)
               if created.date() + datetime.timedelta(days=days) <= day)


def taking_responses(form: Form, zone: str) -> bool:
    """Whether a reminder makes sense: the form is not closed nor full."""
    if form.schedule is None:
        return True
    submitted = current_store().count(form.id, SUBMITTED) if form.schedule.quota else 0
    return form.schedule.refusal(clock.now(), zone, submitted) not in (CLOSED, FULL)


def run_reminders(payload: dict[str, Any], message_id: str) -> None:
    """Queue the reminders due on ``payload["day"]``: to those who have not answered
    nor opted out. One whose reminders fell due while no worker ran gets the latest
    only. Ids per invitation and reminder number: a job run twice sends each once."""
    store, registry = current_store(), current_registry()
    day = datetime.date.fromisoformat(payload["day"])
    zone = current_app.config["BABEL_DEFAULT_TIMEZONE"]
    emails: list[Message] = []
    sent: dict[str, int] = {}
    for invitation in store.awaiting_reminders():
        form = registry.get_form(invitation.form_id)
        if form is None:
            continue
        if invitation.response_id:
            response = store.get(invitation.response_id)
            if response is not None and response.is_submitted:
                answered(response)  # the submit's own mark was lost: no reminder
                continue
        due = due_reminders(invitation, day, zone)
        if due <= invitation.reminders_sent or not taking_responses(form, zone):
            continue
        emails.append(reminder_email(form, invitation, due))
        sent[invitation.id] = due
    # queued first: if the count is not recorded, the next run queues the same ids again
    enqueue_many(emails)
    store.set_reminders_sent(sent)

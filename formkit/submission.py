"""Submitting a complete response: the one sequence the web form and the API share, so
a submission is scored, announced and stored the same way whichever door it came in."""

from __future__ import annotations

from formkit import invitations
from formkit.outbox import notifications
from formkit.schema import Form
from formkit.state import current_registry, current_store
from formkit.storage import Response
from formkit.versions import fitting_answers


def submit(form: Form, draft: Response, locale: str, result_link: str) -> tuple[Response, bool]:
    """Score ``draft`` (its answers final), queue what the submission causes, and store
    it exactly once; ``(stored, created)`` as :meth:`Store.submit` gives them."""
    registry = current_registry()
    draft.locale = locale
    draft.score = registry.hook.formkit_score(
        form=form, answers=fitting_answers(form, draft.answers), locale=locale)
    # Queued first and held until the submit below is written: nothing is lost if the
    # process dies between the two, and nothing is sent for a submit that never happened.
    notifications.before_submit(form, draft, result_link)
    stored, created = current_store().submit(draft)
    # After the submit: if this write is lost, the reminder job sees the submitted
    # response and marks the invitation then, before any reminder.
    invitations.answered(stored)
    if created:
        registry.hook.formkit_response_saved(form=form, response=stored, event="submitted")
    return stored, created

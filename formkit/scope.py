"""What a URL names — a form, a response of a form — resolved once for the checkpoints
that guard it (the coordinator workspace and the REST API), each giving its own refusal."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from formkit.schema import Form
from formkit.state import current_registry, current_store
from formkit.storage import Response

#: why a URL's object may not be used: a missing (or hidden) response, a missing form
#: (or one that does not hold the response), a form the caller may not see.
MISSING_RESPONSE, MISSING_FORM, HIDDEN_FORM = "missing_response", "missing_form", "hidden"


@dataclass
class Scope:
    form: Form | None = None
    response: Response | None = None
    refusal: str | None = None


def resolve(args: Mapping[str, Any], may_see: Callable[[str], bool]) -> Scope:
    """The form and response ``args`` (a route's view args) name, if ``may_see`` allows;
    a response is named by its id or its reference.
    A response of a hidden form is refused exactly like a missing one, so its existence
    is never revealed; form ids are public, so a hidden form is told apart."""
    scope = Scope()
    registry = current_registry()
    if "response_id" in args:
        # An id, or a reference as a person types it (formkit.references).
        response = current_store().find(args["response_id"])
        form = registry.get_form(response.form_id) if response is not None else None
        if form is None or not may_see(form.id):
            return Scope(refusal=MISSING_RESPONSE)
        scope.response, scope.form = response, form
    if "form_id" in args:
        form = registry.get_form(args["form_id"])
        if form is None or (scope.response is not None and scope.response.form_id != form.id):
            return Scope(refusal=MISSING_FORM)
        if not may_see(form.id):
            return Scope(refusal=HIDDEN_FORM)
        scope.form = form
    return scope

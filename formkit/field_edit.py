"""Editing chosen fields of a stored response outside the respondent's path (e.g. a
member keeping their directory entry current): a page of just those fields, read and
validated by their own field types (and the plugins' ``formkit_validate``), and the
change kept in the response's history and the audit log (field ids only, never
answers)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from formkit.auth import client_address
from formkit.flow import PageOutcome, page_form, read_page
from formkit.review import status_keys
from formkit.schema import Form, Section, Text
from formkit.state import current_store
from formkit.storage import Response
from formkit.storage.base import utcnow


def fields_section(form: Form, field_ids: Iterable[str], section_id: str) -> Section:
    """A page of ``form``'s fields ``field_ids`` (in that order)."""
    return Section(id=section_id, title=Text(en="", fr=""), description=None,
                   fields=[form.field(field_id) for field_id in field_ids])


def edit_form(form: Form, section: Section, locale: str,
              answers: Mapping[str, Any]) -> FlaskForm:
    """The page's WTForms form showing the stored answers."""
    return page_form(form, section, locale, answers)


def read_fields(form: Form, section: Section, locale: str, formdata: MultiDict,
                answers: Mapping[str, Any]) -> PageOutcome:
    """Read and validate the posted page (``outcome.values`` once ``outcome.ok``)."""
    return read_page(form, section, locale, formdata, answers, validate=True)


def record_change(form: Form, response_id: str, changes: Mapping[str, Any], *, by: str,
                  event: str, action: str) -> Response | None:
    """Store ``changes`` (only those answers) with a history entry saying ``event`` (a
    code, translated when shown: see :func:`formkit.review.history_rows`) and the field
    ids, in one atomic store step, then an audit entry ``action``. The review status is
    unchanged. ``None`` if the response is gone."""
    store = current_store()
    changed = store.change_answers(
        response_id, dict(changes),
        {"at": utcnow(), "by": by, "event": event, "fields": sorted(changes)},
        default=status_keys(form)[0])
    if changed is not None:
        store.append_audit({"user": by, "action": action, "target": response_id,
                            "detail": {"form": form.id, "fields": sorted(changes)},
                            "address": client_address()})
    return changed

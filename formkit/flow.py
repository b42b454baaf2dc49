"""The respondent's path through a form: pages, visibility, validation, answers.

One data path: posted page -> WTForms class built from the schema -> stored values ->
plugin validation. Nothing here knows a particular form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from formkit.conditions import is_answered
from formkit.schema import FieldSpec, Form, Section
from formkit.state import state

#: form fields that carry navigation, not answers.
CONTROL_FIELDS = ("csrf_token", "_action", "_key")


def form_class(form: Form, section: Section, locale: str) -> type[FlaskForm]:
    """The WTForms class of one page, built once per (form, version, section, locale)."""
    app_state = state()
    cache_key = (form.id, form.version, section.id, locale)
    cls = app_state.form_classes.get(cache_key)
    if cls is None:
        attrs: dict[str, Any] = {}
        for spec in section.fields:
            if spec.stores_value:
                attrs[spec.name] = spec.kind.wtforms_field(spec, locale, app_state.settings)

        class Meta:
            csrf = False  # CSRFProtect checks every POST before any view runs

        attrs["Meta"] = Meta
        cls = type(f"Page_{form.id}_{section.id}_{locale}", (FlaskForm,), attrs)
        app_state.form_classes[cache_key] = cls
    return cls


def prune(form: Form, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers a respondent can see: hidden sections and fields dropped, in order,
    so a field that depends on a hidden one is hidden too."""
    visible: dict[str, Any] = {}
    for section in form.sections:
        if section.show_if and not section.show_if.evaluate(visible):
            continue
        for spec in section.fields:
            if not spec.stores_value or spec.id not in answers:
                continue
            if spec.show_if and not spec.show_if.evaluate(visible):
                continue
            visible[spec.id] = answers[spec.id]
    return visible


def visible_pages(form: Form, answers: Mapping[str, Any]) -> list[int]:
    """Indexes of the sections shown to a respondent with these answers."""
    visible = prune(form, answers)
    return [i for i, s in enumerate(form.sections)
            if s.show_if is None or s.show_if.evaluate(visible)]


def expected_pages(form: Form, answers: Mapping[str, Any]) -> list[int]:
    """Pages to count in the progress indicator: visible ones, plus those whose
    condition reads a question not answered yet (they may still appear)."""
    visible = prune(form, answers)
    return [
        i for i, s in enumerate(form.sections)
        if s.show_if is None or s.show_if.evaluate(visible)
        or any(not is_answered(visible.get(f)) for f in s.show_if.fields())
    ]


def initial_data(section: Section, answers: Mapping[str, Any]) -> dict[str, Any]:
    """WTForms ``data`` showing stored answers (or schema defaults never answered)."""
    data = {}
    for spec in section.fields:
        if not spec.stores_value:
            continue
        value = answers[spec.id] if spec.id in answers else spec.default
        data[spec.name] = spec.kind.form_data(spec, value)
    return data


def page_form(form: Form, section: Section, locale: str, answers: Mapping[str, Any],
              pending: Mapping[str, list[str]] | None = None) -> FlaskForm:
    """A page's WTForms form showing typed input (``pending``) or stored answers."""
    cls = form_class(form, section, locale)
    if pending:
        return cls(formdata=MultiDict(pending))
    return cls(formdata=None, data=initial_data(section, answers))


def flatten_errors(errors: Any, prefix: str = "") -> list[str]:
    """WTForms errors of a field (nested for matrix and table) as a list of messages."""
    if isinstance(errors, dict):
        return [m for key, sub in errors.items() for m in flatten_errors(sub, prefix)]
    result = []
    for item in errors or []:
        if isinstance(item, dict | list):
            result.extend(flatten_errors(item, prefix))
        else:
            result.append(f"{prefix}{item}")
    return result


@dataclass
class PageOutcome:
    """What reading one posted page gave."""

    wtform: FlaskForm
    #: stored values of the page's visible fields.
    values: dict[str, Any]
    #: ids of the page's fields hidden by show_if.
    hidden: set[str]
    errors: dict[str, list[str]] = field(default_factory=dict)
    #: the typed input, kept verbatim for pages left without validation.
    raw: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_page(form: Form, section: Section, locale: str, formdata: MultiDict,
              answers: Mapping[str, Any], *, action: str = "", validate: bool) -> PageOutcome:
    """Read a posted page; with ``validate``, check it (fields, then plugins)."""
    app_state = state()
    data = MultiDict(formdata)
    for name in CONTROL_FIELDS:
        data.poplist(name)
    for spec in section.fields:
        if spec.stores_value:
            spec.kind.normalize_formdata(spec, data, app_state.settings, action)
    wtform = form_class(form, section, locale)(formdata=data)

    # Visibility on this page depends on what was just typed: read values best-effort.
    merged = dict(answers)
    for spec in section.fields:
        if spec.stores_value:
            merged[spec.id] = _safe_value(spec, wtform)
    visible_answers = prune(form, merged)
    hidden = {s.id for s in section.fields
              if s.stores_value and s.id not in visible_answers and s.show_if is not None}
    outcome = PageOutcome(wtform=wtform, values={}, hidden=hidden, raw=data.to_dict(flat=False))
    if not validate:
        return outcome

    # Hidden fields are neither required nor stored: their errors do not count.
    wtform.validate()
    for spec in section.fields:
        if spec.stores_value and spec.id not in hidden and wtform[spec.name].errors:
            outcome.errors[spec.id] = flatten_errors(wtform[spec.name].errors)
    if outcome.errors:
        return outcome
    outcome.values = {s.id: s.kind.value_from(s, wtform[s.name])
                      for s in section.fields if s.stores_value and s.id not in hidden}
    final = prune(form, {**answers, **outcome.values})
    for results in app_state.registry.hook.formkit_validate(form=form, section=section,
                                                           answers=final):
        for field_id, messages in (results or {}).items():
            spec = form.field(field_id) if form.has_field(field_id) else None
            for message in messages:
                if spec is not None and spec.name in wtform:  # a cell's: shown in it too
                    spec.kind.attach_error(spec, wtform[spec.name], message)
                outcome.errors.setdefault(field_id, []).append(str(message))
    return outcome


def _safe_value(spec: FieldSpec, wtform: FlaskForm) -> Any:
    """A field's value from input not validated yet, or ``None``."""
    try:
        return spec.kind.value_from(spec, wtform[spec.name])
    except Exception:  # unvalidated input may break any type's conversion
        return None


def apply_values(section: Section, answers: dict[str, Any], outcome: PageOutcome) -> None:
    """Store a validated page's values; forget answers of fields now hidden."""
    for spec in section.fields:
        if not spec.stores_value:
            continue
        if spec.id in outcome.hidden:
            answers.pop(spec.id, None)
        else:
            answers[spec.id] = outcome.values.get(spec.id)


def missing_required(form: Form, answers: Mapping[str, Any]) -> int | None:
    """The first visible page with a required visible field left unanswered, if any."""
    visible = prune(form, answers)
    for index in visible_pages(form, answers):
        section = form.sections[index]
        for spec in section.fields:
            if not (spec.required and spec.stores_value):
                continue
            shown = spec.show_if is None or spec.show_if.evaluate(visible)
            if shown and not is_answered(visible.get(spec.id)):
                return index
    return None


def final_answers(form: Form, answers: Mapping[str, Any]) -> dict[str, Any]:
    """What is stored at submit: visible, answered fields only."""
    return {k: v for k, v in prune(form, answers).items() if is_answered(v)}

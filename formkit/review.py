"""What coordinators review: filters, text search, sorting, plugin columns, statuses.

Views and exports share these, so a filtered list, its CSV and its summary PDF always
hold the same responses.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from formkit import references
from formkit.formatting import format_day
from formkit.i18n import language_name, pair
from formkit.paging import page_number
from formkit.schema import LANGUAGES, Form
from formkit.state import current_registry, current_store
from formkit.storage import DRAFT, SUBMITTED, Response
from formkit.storage.base import utcnow
from formkit.storage.listing import RECORD_SORTS, ResponseQuery, fold, sorted_by
from formkit.versions import shown_text

#: review statuses of forms that do not declare their own (the first is the default).
DEFAULT_STATUSES = (("pending", _l("Pending")), ("reviewed", _l("Reviewed")),
                    ("followed_up", _l("Followed up")))
SORTS = RECORD_SORTS


@dataclass(frozen=True)
class Column:
    """A column a plugin adds to the response list and the exports: ``value`` gives what
    sorts and what code exports hold; ``shown`` (optional) formats it for people."""

    key: str
    label: str
    value: Callable[[Response], Any]
    shown: Callable[[Any], str] | None = None
    #: the XLSX number format of its numbers (e.g. ``exporters.CURRENCY_FORMAT``).
    number_format: str = ""
    #: the question whose stored answer it shows: the store can sort by it (in SQL).
    field_id: str | None = None

    def display(self, response: Response) -> str:
        value = self.value(response)
        if value is None:
            return ""
        return self.shown(value) if self.shown else str(value)


def review_statuses(form: Form, locale: str) -> list[tuple[str, str]]:
    if form.review_statuses:
        return [(key, text.get(locale)) for key, text in form.review_statuses]
    return [(key, str(label)) for key, label in DEFAULT_STATUSES]


def status_keys(form: Form) -> list[str]:
    """The form's review status keys, the default first (no labels: nothing translated)."""
    return [key for key, _text in (form.review_statuses or DEFAULT_STATUSES)]


def change_status(form: Form, response_id: str, status: str, comment: str,
                  by: str) -> Response | None:
    """One review decision, from the workspace or the API: the store's atomic change
    (the history entry with the status it really changed from), then the form's
    "reviewed" webhook event. ``None`` when the response is gone."""
    from formkit.webhooks import events  # the outbox's events sit above the review model

    changed = current_store().change_review_status(
        response_id, status, {"at": utcnow(), "by": by, "comment": comment},
        default=status_keys(form)[0])
    if changed is not None:
        events.reviewed(form, changed)
    return changed


def review_refusal(form: Form, response: Response, status: str) -> str | None:
    """Why a plugin refuses to give ``response`` the review ``status`` (translated), or
    ``None`` when nothing stands in the way (``formkit_review_refusal``)."""
    return current_registry().hook.formkit_review_refusal(
        form=form, response=response, status=status)


def field_label(form: Form, field_id: str, locale: str) -> str:
    """A field's label in ``locale`` (its id when it has none or left the form)."""
    spec = form.field(field_id) if form.has_field(field_id) else None
    return spec.label.get(locale) if spec is not None and spec.label else field_id


def history_rows(form: Form, response: Response, locale: str) -> list[dict[str, Any]]:
    """The response's history, newest first, for the coordinator's page: a status change
    shows ``from → to``; an entry with an ``event`` code (answers changed outside the
    review, see :func:`formkit.field_edit.record_change`) shows the plugins' translation
    of it (``formkit_history_note``), or which answers changed."""
    labels = dict(review_statuses(form, locale))
    rows = []
    for entry in reversed(response.history):
        event = entry.get("event")
        if event:
            change = current_registry().hook.formkit_history_note(form=form, entry=entry)
            if change is None:
                labels = [field_label(form, f, locale) for f in entry.get("fields") or []]
                fields = ", ".join(labels)
                change = _("Answers changed: %(fields)s", fields=fields)
        else:
            change = (f"{labels.get(entry.get('from'), entry.get('from'))} → "
                      f"{labels.get(entry.get('to'), entry.get('to'))}")
        rows.append({"at": entry.get("at"), "by": entry.get("by"), "change": change,
                     "comment": entry.get("comment") or ""})
    return rows


def review_status(form: Form, response: Response) -> str:
    """A response's review status; new responses have the form's first status."""
    keys = status_keys(form)
    return response.review_status if response.review_status in keys else keys[0]


def list_columns(form: Form, locale: str) -> list[Column]:
    """The questions that identify a response in the list (``list_columns:``), as
    columns: shown in ``locale``, sorted by the stored answer."""
    columns = []
    for field_id in form.list_columns:
        spec = form.field(field_id)
        columns.append(Column(
            field_id, spec.label.get(locale) if spec.label else field_id,
            lambda r, field_id=field_id: r.answers.get(field_id) or None,
            shown=lambda value, spec=spec: shown_text(spec, value, locale),
            field_id=field_id))
    return columns


def plugin_columns(form: Form) -> list[Column]:
    columns: list[Column] = []
    for result in current_registry().hook.formkit_response_columns(form=form):
        columns.extend(result or [])
    return columns


def labelled_answers(form: Form, query: str) -> tuple[tuple[str, Any], ...]:
    """The (field id, stored answer) pairs whose label, in either language, holds the
    search: choices are stored as keys, and found by what people read."""
    wanted = fold(query)
    if not wanted:
        return ()
    found = []
    for spec in form.fields:
        for answer, label in {(answer, label) for language in LANGUAGES
                              for answer, label in spec.kind.condition_values(spec, language)}:
            if wanted in fold(label):
                found.append((spec.id, answer))
    return tuple(sorted(found, key=repr))


@dataclass
class Filters:
    """The list's filters, read from query arguments; nonsense is dropped with a note."""

    status: str = SUBMITTED
    review: str | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None
    locale: str | None = None
    query: str = ""
    sort: str = "submitted"
    descending: bool = True
    page: int = 1
    #: translated notes about values that were ignored.
    problems: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args: Mapping[str, str], form: Form, columns: list[Column],
                  languages: Iterable[str]) -> Filters:
        filters = cls()
        status = args.get("status") or SUBMITTED
        if status in (SUBMITTED, DRAFT, "all"):
            filters.status = status
        else:
            filters.problems.append(_("Unknown response state ignored."))
        review = args.get("review") or None
        if review is not None:
            if review in status_keys(form):
                filters.review = review
            else:
                filters.problems.append(_("Unknown review status ignored."))
        for name in ("since", "until"):
            text = args.get(name) or ""
            if text:
                try:
                    setattr(filters, name, datetime.date.fromisoformat(text))
                except ValueError:
                    filters.problems.append(
                        _("“%(value)s” is not a date like 2025-01-31; ignored.", value=text[:40]))
        locale = args.get("lang_filter") or None
        if locale is not None:
            if locale in languages:
                filters.locale = locale
            else:
                filters.problems.append(_("Unknown language ignored."))
        filters.query = (args.get("q") or "").strip()[:200]
        sort = args.get("sort") or "submitted"
        if sort in SORTS or sort in {c.key for c in columns}:
            filters.sort = sort
        else:
            filters.problems.append(_("Unknown sort order ignored."))
        filters.descending = args.get("order", "desc") != "asc"
        filters.page = page_number(args)
        return filters

    def described(self, form: Form, locale: str) -> list[str]:
        """The filters that narrow the list, as "Label: value" in ``locale`` (a summary
        PDF says what it covers in words, not query codes)."""
        states = {DRAFT: _("Drafts"), "all": _("All")}
        parts = []
        if self.status != SUBMITTED:
            parts.append(pair(_("State"), states.get(self.status, self.status), locale))
        if self.review:
            labels = dict(review_statuses(form, locale))
            parts.append(pair(_("Review status"), labels.get(self.review, self.review),
                              locale))
        if self.since:
            parts.append(pair(_("From"), format_day(self.since, locale), locale))
        if self.until:
            parts.append(pair(_("To"), format_day(self.until, locale), locale))
        if self.locale:
            parts.append(pair(_("Respondent’s language"), language_name(self.locale), locale))
        if self.query:
            quoted = (f"«\u00a0{self.query}\u00a0»" if str(locale).startswith("fr")
                      else f"“{self.query}”")
            parts.append(pair(_("Search the answers"), quoted, locale))
        return parts

    def store_query(self, form: Form, columns: list[Column], offset: int = 0,
                    limit: int | None = None) -> ResponseQuery:
        """These filters as the store's question (a plugin's column sort aside)."""
        column = {c.key: c for c in columns}.get(self.sort)
        sort = self.sort if self.sort in SORTS else "submitted"
        if column is not None and column.field_id is not None:
            sort = f"answer:{column.field_id}"
        return ResponseQuery(
            review_keys=tuple(status_keys(form)),
            status=None if self.status == "all" else self.status, review=self.review,
            since=self.since, until=self.until, locale=self.locale, search=self.query,
            labelled=labelled_answers(form, self.query),
            # a reference typed in any case, with or without dashes, or an old id
            reference=references.normalise(self.query),
            sort=sort, descending=self.descending, offset=offset, limit=limit)

    def as_args(self, **changes: Any) -> dict[str, Any]:
        """Query arguments reproducing these filters (for links and exports)."""
        args = {
            "status": self.status, "review": self.review,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "lang_filter": self.locale, "q": self.query or None, "sort": self.sort,
            "order": "desc" if self.descending else "asc", "page": self.page,
        }
        args.update(changes)
        return {k: v for k, v in args.items() if v not in (None, "")}


def matching(form: Form, filters: Filters, locale: str,
             after: str | None = None) -> Iterator[Response]:
    """The responses of ``form`` that pass ``filters``, in stored order (streams); with
    ``after`` (an existing response's id), only those stored after it. ``locale`` is
    the caller's language (search reads the stored answers, whatever the language)."""
    query = filters.store_query(form, [])
    for response in current_store().iter_responses(form.id, query.status, after=after):
        if query.accepts(response):
            yield response


def sorted_responses(form: Form, responses: Iterable[Response], filters: Filters,
                     columns: list[Column]) -> list[Response]:
    """``responses`` in the list's order; a plugin's column sorts by its value here."""
    query = filters.store_query(form, columns)
    column = {c.key: c for c in columns}.get(filters.sort)
    if column is not None and column.field_id is None:
        return sorted_by(responses, column.value, filters.descending)
    return query.sorted(responses)


def find_page(form: Form, filters: Filters, columns: list[Column], page: int,
              per_page: int) -> tuple[list[Response], int]:
    """One page of the list and how many responses pass the filters: the store's
    question (in SQL with PostgreSQL), unless a plugin's column sorts the list."""
    column = {c.key: c for c in columns}.get(filters.sort)
    if column is not None and column.field_id is None:
        found = sorted_responses(form, matching(form, filters, ""), filters, columns)
        return found[(page - 1) * per_page: page * per_page], len(found)
    query = filters.store_query(form, columns, offset=(page - 1) * per_page, limit=per_page)
    return current_store().find_responses(form.id, query)

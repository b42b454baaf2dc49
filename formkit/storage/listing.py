"""The coordinators' response list as one store question: :class:`ResponseQuery`.

It owns what a list filter, search and sort *mean*, so both stores give the same rows:
TinyDB applies :meth:`ResponseQuery.accepts` and :meth:`ResponseQuery.sort_key` to the
stored records (the default :meth:`Store.find_responses`), PostgreSQL writes the same
rules as SQL (``postgres_listing``). Search folds case and accents with one fixed table
(:data:`FOLD_FROM` → :data:`FOLD_TO`): PostgreSQL's ``translate()`` applies the very same
table (migration 012), which ``unaccent`` (an extension, with its own rules) would not.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from formkit.storage.base import Response

#: Latin letters (ASCII, Latin-1, Latin Extended-A) whose case- and accent-free form is
#: one letter, and that letter: "École" folds to "ecole". Letters outside the table are
#: compared as they are, alike on both stores. Migration 012 holds the same two strings.
FOLD_FROM = ("ABCDEFGHIJKLMNOPQRSTUVWXYZÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞàáâãäåçèéêëìíîïñòóôõö"
             "ùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĐĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŁŃńŅņŇňŊŌōŎŏŐőŒŔŕ"
             "ŖŗŘřŚśŜŝŞşŠšŢţŤťŦŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſ")
FOLD_TO = ("abcdefghijklmnopqrstuvwxyzaaaaaaæceeeeiiiiðnoooooøuuuuyþaaaaaaceeeeiiiinooooo"
           "uuuuyyaaaaaaccccccccddđeeeeeeeeeegggggggghhħiiiiiiiiijjkkllllllłnnnnnnŋooooooœrr"
           "rrrrssssssssttttŧuuuuuuuuuuuuwwyyyzzzzzzs")
_TABLE = str.maketrans(FOLD_FROM, FOLD_TO)
#: what separates answers in the searched text: a query never holds it (see ``search``),
#: so a search never matches across two answers.
SEPARATOR = "\x01"
#: sort orders other than by an answer.
RECORD_SORTS = ("submitted", "created", "review", "locale")


def fold(text: str) -> str:
    """``text`` without case or accents ("ÉCOLE" → "ecole"), as both stores fold it."""
    return text.translate(_TABLE)


def answer_strings(value: Any) -> Iterator[str]:
    """Every text inside an answer (lists and tables included): what search reads."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from answer_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from answer_strings(item)


def holds(value: Any, answer: Any) -> bool:
    """Whether a stored answer is ``answer`` or a list holding it (as JSONB ``@>``: a
    number is not ``true``)."""
    if isinstance(value, list):
        return any(holds(item, answer) for item in value)
    return type(value) is type(answer) and value == answer


def search_text(answers: dict[str, Any]) -> str:
    """The folded text a search looks in (PostgreSQL stores it as ``search_text``)."""
    return fold(SEPARATOR.join(answer_strings(answers)))


@dataclass(frozen=True)
class ResponseQuery:
    """One page of a form's responses: which, in what order, which slice.

    ``review_keys`` are the form's review statuses, its default first: a response whose
    status is none of them counts as the default (for ``review`` and the review sort).
    ``sort`` is one of :data:`RECORD_SORTS` or ``"answer:<field id>"``. ``labelled``:
    the (field id, stored answer) pairs whose label holds the search (a choice found by
    its label, stored as its key); a response with one of them is found too.
    """

    review_keys: tuple[str, ...]
    status: str | None = None
    review: str | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None
    locale: str | None = None
    search: str = ""
    labelled: tuple[tuple[str, Any], ...] = ()
    #: the search read as a whole reference (``MBR-7K3Q-2H``), if it can be one.
    reference: str | None = None
    sort: str = "submitted"
    descending: bool = True
    offset: int = 0
    limit: int | None = None

    @property
    def wanted(self) -> str:
        """The search, folded (without the answer separator)."""
        return fold(self.search.replace(SEPARATOR, ""))

    @property
    def sort_field(self) -> str | None:
        """The answer the list sorts by, if it sorts by one."""
        return self.sort.removeprefix("answer:") if self.sort.startswith("answer:") else None

    def review_of(self, status: str | None) -> str:
        return status if status in self.review_keys else self.review_keys[0]

    def accepts(self, response: Response) -> bool:
        """Whether ``response`` passes the filters (``status`` is the caller's)."""
        if self.since or self.until:
            day = _day(response.submitted or response.created)
            if day is None or (self.since and day < self.since) or (
                    self.until and day > self.until):
                return False
        if self.locale and response.locale != self.locale:
            return False
        if self.review and self.review_of(response.review_status) != self.review:
            return False
        wanted = self.wanted
        return not wanted or wanted in search_text(response.answers) or any(
            holds(response.answers.get(field_id), answer)
            for field_id, answer in self.labelled) or self.finds(response)

    def finds(self, response: Response) -> bool:
        """Whether the search names ``response``: its whole reference, part of it, or
        its id."""
        return ((self.reference is not None and response.reference == self.reference)
                or response.id == self.search.strip()
                or (bool(response.reference) and self.wanted in response.reference.casefold()))

    def sorted(self, responses: Iterable[Response]) -> list[Response]:
        """``responses`` (in stored order) in the list's order: ties keep stored order;
        by an answer, numbers before text, text folded, unanswered ones last."""
        field_id = self.sort_field
        if field_id is None:
            def key(r: Response) -> Any:
                if self.sort == "review":
                    return self.review_of(r.review_status)
                if self.sort == "locale":
                    return r.locale
                if self.sort == "created":
                    return r.created
                return r.submitted or r.updated
            return sorted(responses, key=key, reverse=self.descending)
        return sorted_by(responses, lambda r: r.answers.get(field_id) or None,
                         self.descending)


def sorted_by(responses: Iterable[Response], value: Callable[[Response], Any],
              descending: bool) -> list[Response]:
    """``responses`` sorted by ``value`` (``None``: none, those come last whatever the
    direction): numbers before text, text folded; ties keep their order."""
    keyed = [(value(r), r) for r in responses]
    present = [(_sort_key(v), r) for v, r in keyed if v is not None]
    present.sort(key=lambda item: item[0], reverse=descending)
    return [r for _k, r in present] + [r for v, r in keyed if v is None]


def _sort_key(value: Any) -> tuple[bool, Any]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (False, value)
    return (True, fold(value if isinstance(value, str) else _json_text(value)))


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _day(timestamp: str | None) -> datetime.date | None:
    """The day of a stored timestamp; ``None`` for none, or one that is not a timestamp
    (a record restored by hand), which then passes no date filter."""
    try:
        return datetime.date.fromisoformat(timestamp[:10]) if timestamp else None
    except (TypeError, ValueError):
        return None

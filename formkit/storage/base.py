"""The response record and the store interface every backend implements."""

from __future__ import annotations

import abc
import contextlib
import copy
import json
import marshal
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, fields
from types import MappingProxyType
from typing import Any

from formkit import clock, references
from formkit.storage.cycles_contract import CycleStore
from formkit.storage.listing import ResponseQuery

DRAFT = "draft"
SUBMITTED = "submitted"


def answer_text(value: Any) -> str:
    """An answer as the text a list sorts by (as PostgreSQL's ``answers->>key``)."""
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def utcnow() -> str:
    """Now, as an ISO 8601 UTC timestamp (what records store), from the app's clock."""
    return clock.utcnow_iso()


def new_token(nbytes: int = 10) -> str:
    """A random lower-case base32 token (no padding), unguessable for ``nbytes`` >= 10."""
    import base64

    return base64.b32encode(secrets.token_bytes(nbytes)).decode().rstrip("=").lower()


class _Record:
    """Plain-data conversion shared by the stored dataclasses."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, owned: bool = False):
        """The record ``data`` holds, sharing nothing with it (a deep copy: callers may
        change what they get without touching a cache). ``owned``: ``data`` is the
        caller's to give away (parsed for this call alone, nobody else holds it), so it
        is not copied: a pass over thousands of records spends more on copies than on
        parsing them."""
        names = _FIELD_NAMES.get(cls)
        if names is None:
            names = _FIELD_NAMES[cls] = frozenset(f.name for f in fields(cls))
        kept = {k: v for k, v in data.items() if k in names}
        return cls(**(kept if owned else plain_copy(kept)))


#: each stored dataclass's field names (``fields()`` costs more than the copy of a record).
_FIELD_NAMES: dict[type, frozenset[str]] = {}


#: msgspec's decoders: the plain one, then those with a ``float_hook`` (e.g. one sharing
#: repeated numbers), made once each, on the first read (gunicorn's master, which reads
#: nothing, never loads msgspec: 1 MiB).
_DECODERS: dict[Callable[[str], Any] | None, Callable[[bytes | str], Any]] = {}
_DecodeError: type[Exception] = Exception


def _decoder(float_hook: Callable[[str], Any] | None) -> Callable[[bytes | str], Any]:
    global _DecodeError
    import msgspec

    _DecodeError = msgspec.DecodeError
    decode = _DECODERS[float_hook] = msgspec.json.Decoder(float_hook=float_hook).decode
    return decode


def parse_json(raw: bytes | str, float_hook: Callable[[str], Any] | None = None) -> Any:
    """Stored JSON (TinyDB's files, PostgreSQL's JSON columns) parsed by msgspec, about a
    third faster than the standard library's (parsing is most of what reading thousands
    of records costs), into the same values; what only the standard library reads
    (``NaN``, ``Infinity`` and numbers beyond a double, which ``json.dump`` writes) is
    parsed by it. ``float_hook`` makes each float from its text (``json``'s
    ``parse_float``)."""
    decode = _DECODERS.get(float_hook) or _decoder(float_hook)
    try:
        return decode(raw)
    except _DecodeError:
        return json.loads(raw, parse_float=float_hook)


def plain_copy(value: Any) -> Any:
    """A deep copy of stored (JSON-shaped) data: dicts, lists and scalars, through
    :mod:`marshal`, several times faster than ``copy.deepcopy`` (exports of thousands of
    responses feel it); anything marshal cannot copy is deep-copied."""
    try:
        return marshal.loads(marshal.dumps(value))
    except ValueError:
        return copy.deepcopy(value)


@dataclass
class Response(_Record):
    """One respondent's answers to one form: a draft until submitted."""

    id: str
    form_id: str
    form_version: str
    locale: str
    status: str = DRAFT
    #: stored values by field id (choice keys, numbers, ISO dates — never labels).
    answers: dict[str, Any] = field(default_factory=dict)
    #: what the form's plugin computed at submit (``formkit_score``).
    score: dict[str, Any] | None = None
    created: str = field(default_factory=utcnow)
    updated: str = field(default_factory=utcnow)
    submitted: str | None = None
    #: while a draft: the page the respondent is on, and input typed on pages they left
    #: without validating (Back, Save, language switch), by section id.
    page: int = 0
    pending: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    #: idempotency key of the browser form that created the record.
    key: str | None = None
    #: sha256 of the resume code, when the respondent saved the draft (cleared when the
    #: code is used: a code works once).
    resume_hash: str | None = None
    #: sha256 of the id of the browser that continues the draft (the one that made it,
    #: or the last to resume it); no other browser can take it up.
    browser: str | None = None
    #: the coordinators' decision on a submitted response (e.g. pending/approved/declined).
    review_status: str | None = None
    #: changes of ``review_status``: ``{"at", "by", "from", "to", "comment"}``, oldest first.
    history: list[dict[str, Any]] = field(default_factory=list)
    #: the short code people read aloud and type (``MBR-7K3Q-2H``, :mod:`formkit.references`),
    #: made at creation; ``None`` on a record made before references existed until
    #: :meth:`Store.fill_references` gives it one.
    reference: str | None = None

    @property
    def is_submitted(self) -> bool:
        return self.status == SUBMITTED

    @property
    def shown_reference(self) -> str:
        """What people see as its reference: the code, or the id of a record made before
        references existed (until it gets one)."""
        return self.reference or self.id


@dataclass
class Cycle(_Record):
    """A period a team works in ("2026–2027"): numbered from 1 per team, in order."""

    id: str
    team_id: str
    number: int
    label: str
    started: str = field(default_factory=utcnow)
    #: email of whoever started it (a lead, a coordinator, the command line).
    started_by: str | None = None


@dataclass
class TeamResponse(_Record):
    """Where a living response belongs: a team's cycle and one form of it, and for
    member-scoped forms one member. ``revision`` counts its saves: a save names the
    revision it started from, and the store refuses it if another came first."""

    response_id: str
    team_id: str
    cycle_id: str
    form_id: str
    #: the member whose own response it is (member scope); ``None``: the team's.
    member_id: str | None = None
    revision: int = 0
    status: str = DRAFT
    updated: str = field(default_factory=utcnow)
    #: the name of who saved last.
    updated_by: str | None = None
    submitted: str | None = None


@dataclass
class Revision(_Record):
    """One save of a living response: who, when, what changed, the result then."""

    response_id: str
    number: int
    at: str
    #: the member id (or coordinator email) of the author, and their name then.
    author: str
    author_name: str
    #: ``{field_id: [before, after]}`` of the answers this save changed.
    changes: dict[str, list[Any]] = field(default_factory=dict)
    #: the form's result (``formkit_score``) after this save.
    score: dict[str, Any] | None = None
    #: this save submitted the response.
    submitted: bool = False


ADMIN = "admin"
COORDINATOR = "coordinator"
ROLES = (ADMIN, COORDINATOR)


@dataclass
class User(_Record):
    """A coordinator account. Respondents have none."""

    id: str
    email: str
    role: str = COORDINATOR
    #: argon2id hash; ``None`` until the person sets a password.
    password_hash: str | None = None
    active: bool = True
    #: form ids this coordinator may see (besides ``all_forms``).
    forms: list[str] = field(default_factory=list)
    #: sees every form, including forms added later. ``None`` only in a record written
    #: before the flag existed, until :func:`formkit.storage.accounts.settle_all_forms`
    #: converts it; ``may_see`` treats it as ``False`` (fail closed).
    all_forms: bool | None = False
    #: until when (epoch seconds) sign-ins are refused after repeated failures.
    locked_until: float = 0.0
    #: sha256 of a one-time set-password token, and when it expires (epoch seconds).
    token_hash: str | None = None
    token_expires: float = 0.0
    created: str = field(default_factory=utcnow)
    last_login: str | None = None
    #: email alerts per form id: ``{"mode": "each" | "when" | "digest", "when": {field,
    #: equals}}`` (no entry: no alerts).
    alerts: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: the language emails are written in.
    locale: str = "en"

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    def may_see(self, form_id: str) -> bool:
        """Whether this account may see ``form_id``'s responses: an administrator, an
        all-forms coordinator, or one given that form. No form given means none."""
        return self.is_admin or self.all_forms is True or form_id in self.forms

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> User:
        user = super().from_dict(data)
        if "all_forms" not in data:
            user.all_forms = None  # written before the flag: see settle_all_forms
        return user


@dataclass
class Session(_Record):
    """A coordinator's signed-in session, kept on the server: the browser's cookie holds
    only the random session id, whose sha256 is ``id``. Deleting the record signs the
    browser out wherever its cookie was copied."""

    id: str
    user_id: str
    #: epoch seconds: when it began, when it was last used, when it ends regardless.
    created: float
    seen: float
    expires: float


QUEUED, SENT, DEAD, CANCELLED = "queued", "sent", "dead", "cancelled"
MESSAGE_STATES = (QUEUED, SENT, DEAD, CANCELLED)


@dataclass
class Message(_Record):
    """Something to deliver later, durably: an email, a webhook event, a daily job.

    ``id`` is the idempotency id: the same event always makes the same id (``receipt:
    <response id>``), so enqueuing twice stores one message and a receiver can tell a
    repeated delivery from a new one."""

    id: str
    #: what delivers it: ``"email"``, ``"webhook"``, a daily job's kind.
    kind: str
    #: what the deliverer needs (for an email: to, subject, text, html, locale…).
    payload: dict[str, Any]
    status: str = QUEUED
    attempts: int = 0
    #: epoch seconds: not delivered before then (retries back off exponentially).
    next_at: float = 0.0
    #: epoch seconds: a worker holds it until then (a dead worker's claim runs out).
    lease_until: float = 0.0
    #: sent only once this response is submitted (enqueued just before the submit
    #: write, so a process dying between the two loses nothing and sends nothing false).
    after_submit: str | None = None
    #: who it is for, and about which form/response (a person's data, the admin list).
    recipient: str | None = None
    form_id: str | None = None
    response_id: str | None = None
    created: str = field(default_factory=utcnow)
    sent: str | None = None
    last_error: str | None = None


@dataclass
class Webhook(_Record):
    """A subscription: events of one form POSTed, signed, to a URL (see
    :mod:`formkit.webhooks`). The secret is kept as given: the worker needs it to sign
    (a hash could only check signatures, not make them)."""

    id: str
    form_id: str
    url: str
    #: which events: ``submitted``, ``reviewed``.
    events: list[str]
    secret: str
    active: bool = True
    created: str = field(default_factory=utcnow)


@dataclass
class Invitation(_Record):
    """A person invited to answer a form, with a personal link (see
    :mod:`formkit.invitations`). The link's token is never stored, only its hash."""

    id: str
    form_id: str
    #: lower case; one invitation per form and address.
    email: str
    name: str
    #: the language of the emails and of the pages the link opens.
    locale: str
    #: sha256 of the link's token (what finds the invitation when the link is opened).
    token_hash: str
    #: days after the invitation when a reminder goes to one who has not answered.
    reminders: list[int] = field(default_factory=list)
    #: how many reminders were sent (or skipped as overdue) so far.
    reminders_sent: int = 0
    #: the response the link started (the one response of this person).
    response_id: str | None = None
    #: when that response was submitted, and when the person asked for no more emails.
    answered: str | None = None
    opted_out: str | None = None
    created: str = field(default_factory=utcnow)
    #: the account that invited them.
    invited_by: str | None = None

    @property
    def state(self) -> str:
        """``answered``, ``opted_out`` (and not answered) or ``waiting``."""
        if self.answered:
            return ANSWERED
        return OPTED_OUT if self.opted_out else WAITING


#: delivery attempts kept per webhook subscription (the admin page's log).
WEBHOOK_LOG_KEPT = 100


@dataclass
class ApiToken(_Record):
    """A token for the REST API (see :mod:`formkit.rest`). The token itself is shown
    once; only its sha256 is kept."""

    id: str
    name: str
    #: sha256 of the token (what finds it when a request presents it).
    token_hash: str
    #: form ids it may read (and write, with ``write``), unless ``all_forms``.
    forms: list[str] = field(default_factory=list)
    all_forms: bool = False
    #: may submit responses and change review statuses.
    write: bool = False
    #: ISO 8601 UTC; not accepted from then on (``None``: no expiry).
    expires: str | None = None
    created: str = field(default_factory=utcnow)
    #: when it was last used (written at most once a minute).
    last_used: str | None = None
    #: when it was revoked; a revoked token is refused.
    revoked: str | None = None
    created_by: str | None = None

    def may_see(self, form_id: str) -> bool:
        return self.all_forms or form_id in self.forms

    def usable(self, now: str) -> bool:
        """Not revoked and not expired at ``now`` (ISO 8601 UTC)."""
        return self.revoked is None and (self.expires is None or now < self.expires)


LEAD, MEMBER = "lead", "member"
MEMBER_ROLES = (LEAD, MEMBER)


@dataclass
class Team(_Record):
    """A community team (see :mod:`formkit.teams`): ``slug`` is its name in URLs
    (``/t/<slug>/``), unique."""

    id: str
    slug: str
    name: str
    community: str = ""
    region: str = ""
    created: str = field(default_factory=utcnow)
    #: the id of the cycle the team works in now (``None`` before its first).
    current_cycle: str | None = None
    #: shown in lists other teams see (issue 19); private by default.
    listed: bool = False


@dataclass
class Member(_Record):
    """A person in a team. A person is their lower-case email: one person may be in
    several teams, and may also have a coordinator :class:`User` account. A removed
    member's record stays (with ``removed`` set), so their past actions keep a name."""

    id: str
    team_id: str
    email: str
    name: str
    role: str = MEMBER
    added: str = field(default_factory=utcnow)
    removed: str | None = None

    @property
    def is_lead(self) -> bool:
        return self.role == LEAD

    @property
    def active(self) -> bool:
        return self.removed is None


@dataclass
class SignInLink(_Record):
    """A one-time sign-in link of a community member; the token itself is never
    stored, ``id`` is its sha256. Used once (``used`` set atomically) before
    ``expires`` (epoch seconds)."""

    id: str
    email: str
    expires: float
    #: the team the link leads to (``None``: the person's list of teams).
    team_id: str | None = None
    created: str = field(default_factory=utcnow)
    used: str | None = None


ANSWERED, OPTED_OUT, WAITING = "answered", "opted_out", "waiting"
INVITATION_STATES = (WAITING, ANSWERED, OPTED_OUT)


class StoreError(Exception):
    """The store could not complete an operation (nothing was half-written)."""


class StoreUnavailable(StoreError):
    """The store cannot be reached just now (a dropped database connection, a full
    disk): trying again later may work."""


class Store(CycleStore, abc.ABC):
    """Where responses live. Every method is safe across processes."""

    @abc.abstractmethod
    def create_draft(self, form_id: str, form_version: str, locale: str, key: str,
                     answers: dict[str, Any] | None = None,
                     browser: str | None = None) -> Response:
        """A new draft for ``form_id`` bound to ``browser``; with a ``key`` already used,
        the existing record (whichever browser it is bound to: the caller checks)."""

    @abc.abstractmethod
    def save_draft(self, response: Response) -> Response:
        """Write a draft's answers, page, pending input and locale.

        A record submitted meanwhile is left as it is and returned.
        """

    @abc.abstractmethod
    def submit(self, response: Response) -> tuple[Response, bool]:
        """Mark a draft submitted with its final answers and score.

        Idempotent: returns ``(stored, True)`` the first time and ``(stored, False)`` when
        the record was already submitted (a double click, a refreshed POST, a retry).
        """

    @abc.abstractmethod
    def get(self, response_id: str) -> Response | None:
        """One record, or ``None`` (also for malformed ids)."""

    #: declared ``reference_prefix`` by form id (the app sets it from its forms); a form
    #: not in it gets :func:`formkit.references.derive_prefix` of its id.
    reference_prefixes: Mapping[str, str] = MappingProxyType({})

    def reference_prefix(self, form_id: str) -> str:
        return self.reference_prefixes.get(form_id) or references.derive_prefix(form_id)

    @abc.abstractmethod
    def get_by_reference(self, reference: str) -> Response | None:
        """The record whose reference is ``reference`` (as stored: ``MBR-7K3Q-2H``)."""

    def find(self, typed: str | None) -> Response | None:
        """The record a person means by ``typed``: a reference in any case, with or
        without dashes, or an id (old links, emails and exports keep working)."""
        typed = (typed or "").strip()
        if not typed or len(typed) > 200:
            return None
        reference = references.normalise(typed)
        found = self.get_by_reference(reference) if reference else None
        return found or self.get(typed)

    @abc.abstractmethod
    def fill_references(self) -> int:
        """Give a reference to every record made before references existed; how many.
        Safe to run again (``formkit db upgrade`` runs it)."""

    @abc.abstractmethod
    def iter_responses(self, form_id: str, status: str | None = None,
                       after: str | None = None) -> Iterator[Response]:
        """Records of a form, oldest first, optionally of one status; with ``after`` (the
        id of an existing record of the form), only those stored after it (API pages)."""

    def select_responses(self, form_id: str, status: str | None = None, *,
                         review_status: str | None = None,
                         key_prefix: str | None = None) -> list[Response]:
        """Records of a form matching every criterion given, oldest first: a status, a
        review status, a creation key starting with ``key_prefix`` (a plugin that makes
        its records' keys groups them this way). PostgreSQL selects them in SQL."""
        return [r for r in self.iter_responses(form_id, status)
                if (review_status is None or r.review_status == review_status)
                and (key_prefix is None or (r.key or "").startswith(key_prefix))]

    def find_responses(self, form_id: str,
                       query: ResponseQuery) -> tuple[list[Response], int]:
        """One page of a form's response list and how many responses pass the filters
        (:class:`~formkit.storage.listing.ResponseQuery` says what they mean).
        PostgreSQL filters, searches, sorts, pages and counts in SQL."""
        found = query.sorted(r for r in self.iter_responses(form_id, query.status)
                             if query.accepts(r))
        end = None if query.limit is None else query.offset + query.limit
        return found[query.offset:end], len(found)

    @abc.abstractmethod
    def iter_all_responses(self) -> Iterator[Response]:
        """Every record of every form (copies and backups)."""

    @abc.abstractmethod
    def count(self, form_id: str, status: str | None = None) -> int:
        """How many records a form has (of one status)."""

    @abc.abstractmethod
    def find_by_answer(self, form_id: str, field_ids: Iterable[str],
                       value: str) -> list[Response]:
        """Responses of a form where any of ``field_ids`` was answered ``value`` (case
        insensitive): a person's responses, by their email address."""

    @abc.abstractmethod
    def matching(self, form_id: str, *, review_status: str, answers: dict[str, Any],
                 order_by: tuple[str, ...] = (), limit: int | None = None,
                 offset: int = 0) -> list[Response]:
        """Submitted responses of a form with ``review_status`` whose answers hold every
        item of ``answers`` (equal values) (a public list such as a directory), sorted by
        the text of the answers ``order_by`` (:func:`answer_text`) ignoring case
        (missing ones first), then oldest first; ``limit`` of them from ``offset`` (one
        page). PostgreSQL filters, sorts and pages in SQL."""

    @abc.abstractmethod
    def count_matching(self, form_id: str, group_by: tuple[str, ...], *, review_status: str,
                       answers: dict[str, Any]) -> dict[tuple[Any, ...], int]:
        """How many :meth:`matching` responses have each combination of answers to the
        fields ``group_by`` (an unanswered field counts under ``None``; no match, no
        key)."""

    @abc.abstractmethod
    def count_submitted(self, form_id: str, since: str, until: str) -> int:
        """How many responses of a form were submitted at or after ``since`` and before
        ``until`` (ISO 8601 UTC)."""

    @abc.abstractmethod
    def form_stats(self, form_id: str) -> dict[str, Any]:
        """Counts for a dashboard: ``{"draft": n, "submitted": n, "review": {status: n},
        "latest": ISO time of the newest submission or None}`` (``review`` counts
        submitted responses; those without a status count under ``None``)."""

    @abc.abstractmethod
    def form_stamp(self, form_id: str) -> str:
        """A short text that changes whenever any response of the form changes (cheap:
        caches use it to know a summary is still current)."""

    @abc.abstractmethod
    def update(self, response_id: str, **changes: Any) -> Response | None:
        """Change some attributes of a record; ``None`` if it does not exist."""

    @abc.abstractmethod
    def change_review_status(self, response_id: str, status: str, entry: dict[str, Any],
                             default: str | None = None) -> Response | None:
        """Set ``review_status`` and append ``entry`` to the history, in one atomic step:
        the store fills the entry's ``from`` (the status before, or ``default``) and
        ``to``, so concurrent changes each keep their entry. ``None`` if no record."""

    @abc.abstractmethod
    def change_answers(self, response_id: str, changes: dict[str, Any], entry: dict[str, Any],
                       default: str | None = None) -> Response | None:
        """Set only the answers named in ``changes`` (the others stay as they are now)
        and append ``entry`` to the history, in one atomic step: the store fills the
        entry's ``from`` and ``to`` with the review status (unchanged; ``default`` when
        none), so a concurrent change of other answers or of the status is kept.
        ``None`` if no record."""

    @abc.abstractmethod
    def expire_responses(self, form_id: str, status: str, before: str,
                         remove_fields: Iterable[str] | None = None) -> list[str]:
        """Apply a retention rule to a form's responses of ``status`` last stamped
        before ``before`` (ISO 8601 UTC; submitted ones by their submission, drafts by
        their last change): delete them, or with ``remove_fields`` remove those answers
        (anonymise; responses without any of them are left alone). Returns their ids."""

    @abc.abstractmethod
    def delete(self, response_id: str) -> bool:
        """Remove a record; ``False`` if it did not exist."""

    @abc.abstractmethod
    def set_resume_hash(self, response_id: str, code_hash: str) -> Response | None:
        """Attach a (hashed) resume code to a draft, replacing an earlier one."""

    @abc.abstractmethod
    def find_by_resume_hash(self, code_hash: str) -> Response | None:
        """The draft a resume code belongs to."""

    @abc.abstractmethod
    def claim_resume_hash(self, code_hash: str, browser: str) -> Response | None:
        """Use a resume code, once: atomically retire it and bind its draft to
        ``browser``. ``None`` if no draft has that code (any more)."""

    @abc.abstractmethod
    def delete_empty_drafts(self, before: str) -> int:
        """Remove abandoned empty drafts: no answers, no pending input, no resume code,
        last changed before ``before`` (ISO time). Returns how many were removed."""

    @abc.abstractmethod
    def import_records(self, records: Iterable[Response]) -> int:
        """Add many records at once, keeping their ids when the backend can (copies,
        restores, benchmarks). Returns how many were written."""

    # -- accounts ----------------------------------------------------------------------
    @abc.abstractmethod
    def add_user(self, user: User) -> User:
        """Add an account; :class:`StoreError` if the email is taken."""

    @abc.abstractmethod
    def get_user(self, user_id: str) -> User | None:
        """An account by id."""

    @abc.abstractmethod
    def find_user(self, email: str) -> User | None:
        """An account by email (case-insensitive)."""

    @abc.abstractmethod
    def list_users(self) -> list[User]:
        """Every account, by email."""

    @abc.abstractmethod
    def update_user(self, user_id: str, **changes: Any) -> User | None:
        """Change some attributes of an account."""

    @abc.abstractmethod
    def import_users(self, users: Iterable[User]) -> int:
        """Add accounts as they are (copies and restores)."""

    # -- coordinator sessions ----------------------------------------------------------
    @abc.abstractmethod
    def add_session(self, session: Session) -> None:
        """Keep a new session; expired sessions of every account may be dropped now."""

    @abc.abstractmethod
    def get_session(self, session_id: str) -> Session | None:
        """A session by its id (the hash), or ``None``."""

    @abc.abstractmethod
    def touch_session(self, session_id: str, seen: float) -> None:
        """Record that a session was used at ``seen``."""

    @abc.abstractmethod
    def delete_session(self, session_id: str) -> None:
        """End one session (sign-out)."""

    @abc.abstractmethod
    def delete_user_sessions(self, user_id: str) -> int:
        """End every session of an account; how many there were."""

    @abc.abstractmethod
    def count_user_sessions(self, now: float) -> dict[str, int]:
        """Sessions not yet ended at ``now``, by account id."""

    # -- audit log ---------------------------------------------------------------------
    @abc.abstractmethod
    def append_audit(self, entry: dict[str, Any]) -> None:
        """Append an entry (who, action, target, detail); entries are never changed."""

    @abc.abstractmethod
    def iter_audit(self, oldest_first: bool = False) -> Iterator[dict[str, Any]]:
        """Audit entries, newest first (or oldest first)."""

    @abc.abstractmethod
    def import_audit(self, entries: Iterable[dict[str, Any]]) -> int:
        """Append entries as they are, oldest first (copies and restores)."""

    @abc.abstractmethod
    def count_audit(self) -> int:
        """How many audit entries there are."""

    # -- counters (rate limits) --------------------------------------------------------
    @abc.abstractmethod
    def hit(self, key: str, window: float, amount: int = 1) -> int:
        """Add ``amount`` (1, or -1 to give back a reserved attempt) to ``key``'s count,
        atomically across processes; the count since the key's window (seconds) began.

        Limits reserve before they check (``hit`` first, then compare), so concurrent
        attempts can never all pass a check made before any of them counted."""

    @abc.abstractmethod
    def peek(self, key: str) -> int:
        """The current count of ``key`` (0 once its window has passed)."""

    @abc.abstractmethod
    def reset(self, key: str) -> None:
        """Forget the count of ``key``."""

    # -- outbox (durable messages) -----------------------------------------------------
    @abc.abstractmethod
    def enqueue(self, message: Message) -> bool:
        """Keep a message to deliver; ``False`` (nothing changed) if its id exists."""

    def enqueue_many(self, messages: Iterable[Message]) -> int:
        """:meth:`enqueue` for many messages at once (a backend may write them in one
        step); how many were new."""
        return sum(1 for message in messages if self.enqueue(message))

    @abc.abstractmethod
    def claim_messages(self, now: float, limit: int, lease: float,
                       kinds: Iterable[str]) -> list[Message]:
        """Up to ``limit`` queued messages of ``kinds`` due at ``now``, oldest first,
        each held for ``lease`` seconds: concurrent workers never claim the same one."""

    @abc.abstractmethod
    def finish_message(self, message_id: str, **changes: Any) -> Message | None:
        """Record a delivery's outcome (status, attempts, next_at, sent, last_error);
        the lease is released."""

    @abc.abstractmethod
    def get_message(self, message_id: str) -> Message | None:
        """One message, or ``None``."""

    @abc.abstractmethod
    def list_messages(self, status: str | None = None, limit: int = 100,
                      recipient: str | None = None) -> list[Message]:
        """Messages, newest first, of one status and/or recipient."""

    @abc.abstractmethod
    def count_messages(self) -> dict[str, int]:
        """How many messages there are of each status."""

    @abc.abstractmethod
    def delete_messages(self, recipient: str) -> int:
        """Remove every message to ``recipient`` (a person's data withdrawn)."""

    # -- webhooks ----------------------------------------------------------------------
    @abc.abstractmethod
    def add_webhook(self, webhook: Webhook) -> Webhook:
        """Keep a new webhook subscription."""

    @abc.abstractmethod
    def get_webhook(self, webhook_id: str) -> Webhook | None:
        """One subscription, or ``None``."""

    @abc.abstractmethod
    def list_webhooks(self, form_id: str | None = None) -> list[Webhook]:
        """The subscriptions of one form (or of all), oldest first."""

    @abc.abstractmethod
    def remove_webhook(self, webhook_id: str) -> bool:
        """Remove a subscription and its delivery log; whether it existed."""

    @abc.abstractmethod
    def log_webhook_attempt(self, entry: dict[str, Any]) -> None:
        """Record one delivery attempt (``webhook_id``, ``event_id``, ``event``, ``at``,
        ``ok``, ``code``, ``error``); only the latest :data:`WEBHOOK_LOG_KEPT` per
        subscription are kept."""

    @abc.abstractmethod
    def list_webhook_attempts(self, webhook_id: str, limit: int = 50) -> list[dict[str, Any]]:
        """A subscription's latest delivery attempts, newest first."""

    # -- invitations -------------------------------------------------------------------
    @abc.abstractmethod
    def add_invitations(self, invitations: Iterable[Invitation]) -> list[Invitation]:
        """Keep new invitations; one whose form and email are already invited is left
        out. Returns those added."""

    @abc.abstractmethod
    def get_invitation(self, invitation_id: str) -> Invitation | None:
        """One invitation, or ``None``."""

    @abc.abstractmethod
    def find_invitation(self, token_hash: str) -> Invitation | None:
        """The invitation a link's token (its hash) belongs to."""

    @abc.abstractmethod
    def update_invitation(self, invitation_id: str, **changes: Any) -> Invitation | None:
        """Change some attributes of an invitation; ``None`` if it does not exist."""

    def set_reminders_sent(self, sent: dict[str, int]) -> None:
        """Record how many reminders went to each invitation (id → count), at once."""
        for invitation_id, count in sent.items():
            self.update_invitation(invitation_id, reminders_sent=count)

    @abc.abstractmethod
    def link_invitation(self, invitation_id: str, response_id: str) -> Invitation | None:
        """Set the invitation's response if it has none yet, atomically (two first
        visits at once keep one response); the invitation as stored after."""

    @abc.abstractmethod
    def answer_invitation(self, response_id: str, when: str) -> Invitation | None:
        """Mark the invitation whose response is ``response_id`` answered (once)."""

    @abc.abstractmethod
    def list_invitations(self, form_id: str) -> list[Invitation]:
        """A form's invitations, oldest first."""

    @abc.abstractmethod
    def count_invitations(self, form_id: str) -> dict[str, int]:
        """How many of a form's invitations are waiting, answered and opted out."""

    @abc.abstractmethod
    def awaiting_reminders(self, limit: int | None = None) -> list[Invitation]:
        """Invitations of every form not answered, not opted out, with reminders left
        (at most ``limit``)."""

    @abc.abstractmethod
    def find_invitations(self, email: str) -> list[Invitation]:
        """Every invitation to ``email`` (a person's data)."""

    @abc.abstractmethod
    def delete_invitations(self, email: str) -> int:
        """Remove every invitation to ``email``; how many there were."""

    @abc.abstractmethod
    def iter_all_invitations(self) -> Iterator[Invitation]:
        """Every invitation of every form (copies and backups)."""

    @abc.abstractmethod
    def import_invitations(self, invitations: Iterable[Invitation]) -> int:
        """Add invitations as they are (copies and restores)."""

    # -- API tokens --------------------------------------------------------------------
    @abc.abstractmethod
    def add_token(self, token: ApiToken) -> ApiToken:
        """Keep a new API token."""

    @abc.abstractmethod
    def get_token(self, token_id: str) -> ApiToken | None:
        """An API token by id, or ``None``."""

    @abc.abstractmethod
    def find_token(self, token_hash: str) -> ApiToken | None:
        """The API token whose hash is ``token_hash``, or ``None``."""

    @abc.abstractmethod
    def list_tokens(self) -> list[ApiToken]:
        """Every API token, oldest first."""

    @abc.abstractmethod
    def update_token(self, token_id: str, **changes: Any) -> ApiToken | None:
        """Change some attributes of a token (``last_used``, ``revoked``)."""

    # -- teams and people (formkit.teams) ----------------------------------------------
    @abc.abstractmethod
    def add_team(self, team: Team) -> Team:
        """Keep a new team; :class:`StoreError` if its slug is taken."""

    @abc.abstractmethod
    def get_team(self, team_id: str) -> Team | None:
        """A team by id, or ``None``."""

    @abc.abstractmethod
    def find_team(self, slug: str) -> Team | None:
        """A team by its slug, or ``None``."""

    @abc.abstractmethod
    def list_teams(self) -> list[Team]:
        """Every team, by name."""

    @abc.abstractmethod
    def update_team(self, team_id: str, **changes: Any) -> Team | None:
        """Change some attributes of a team; ``None`` if it does not exist."""

    @abc.abstractmethod
    def add_member(self, member: Member) -> Member:
        """Keep a new member; :class:`StoreError` if that email is already an active
        member of the team."""

    @abc.abstractmethod
    def get_member(self, member_id: str) -> Member | None:
        """A membership by id (removed ones too), or ``None``."""

    @abc.abstractmethod
    def list_members(self, team_id: str, include_removed: bool = False) -> list[Member]:
        """A team's members, leads first, then by name."""

    def members_of_teams(self, team_ids: Iterable[str]) -> dict[str, list[Member]]:
        """The active members of each of these teams, leads first, then by name (one
        query on PostgreSQL, one read on TinyDB: the provincial overview)."""
        return {team_id: self.list_members(team_id) for team_id in team_ids}

    @abc.abstractmethod
    def memberships(self, email: str) -> list[Member]:
        """The active memberships of a person (by email, any case), in every team."""

    @abc.abstractmethod
    def update_member(self, member_id: str, **changes: Any) -> Member | None:
        """Change some attributes of a membership (role, name, removed)."""

    @abc.abstractmethod
    def add_signin_link(self, link: SignInLink) -> SignInLink:
        """Keep a new one-time sign-in link."""

    @abc.abstractmethod
    def claim_signin_link(self, link_id: str, now: float) -> SignInLink | None:
        """Use a link once: atomically mark it used if it is unused and not expired at
        ``now``; the link, or ``None`` (unknown, used, expired). Of two concurrent
        claims, one gets it."""

    @abc.abstractmethod
    def append_team_audit(self, entry: dict[str, Any]) -> None:
        """:meth:`append_audit` for an entry about a team (``entry["team_id"]``), kept so
        that :meth:`list_team_audit` finds it without reading the whole log."""

    @abc.abstractmethod
    def list_team_audit(self, team_id: str, limit: int = 20) -> list[dict[str, Any]]:
        """A team's latest audit entries, newest first."""

    @contextlib.contextmanager
    def consistent(self) -> Iterator[None]:
        """Reads within this block see one moment of the store (backups, copies)."""
        yield

    def close(self) -> None:  # noqa: B027 - optional for backends without resources
        """Release resources."""

"""The field-type contract: one class per ``type:`` of the form schema.

A field type turns its schema options into a WTForms field, turns validated input into
the stored value (choice keys, numbers, ISO dates — never labels), gives back the data
WTForms needs to show a stored value again, and formats a stored value for people.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from flask_babel import LazyString, gettext
from flask_wtf.i18n import translations
from markupsafe import Markup, escape
from wtforms import Form, validators
from wtforms.fields.choices import SelectChoice

from formkit.conditions import is_answered, same_answer, yaml_literal
from formkit.i18n import N_, pair
from formkit.suggest import FIELD_KEYS, closest
from formkit.versions import fits, plain, shown_text

if TYPE_CHECKING:
    from formkit.schema import FieldSpec, SchemaContext, Text


@dataclass(frozen=True)
class FieldSettings:
    """Application limits every field type honours."""

    max_text_length: int = 5000
    max_table_rows: int = 50


@dataclass(frozen=True)
class CellColumn:
    """One column a field makes in exports, resolved once per export (labels, formats):
    its header, and how the field's stored value becomes CSV text and an XLSX cell."""

    header: str
    #: the field's stored value -> text for a CSV ("" when there is nothing to show).
    text: Callable[[Any], str]
    #: the field's stored value -> a typed XLSX cell (number, date, text; ``None`` if empty).
    cell: Callable[[Any], Any]
    #: the XLSX number format of its cells ("" for text and general numbers).
    number_format: str = ""


@dataclass(frozen=True)
class ExportSheet:
    """Rows of their own that a field's answers make in an XLSX (a repeating table's rows):
    ``rows(value)`` lists them, each shown by ``columns`` (applied to one row)."""

    title: str
    #: the page the field is on, to tell apart sheets with the same title.
    section: str
    columns: list[CellColumn]
    rows: Callable[[Any], list[Any]]


def code_text(value: Any) -> str:
    """A stored value as machine export text: codes, lists joined with "; ", JSON."""
    if not is_answered(value):
        return ""
    if isinstance(value, list) and not any(isinstance(v, dict | list) for v in value):
        return "; ".join(map(str, value))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def code_cell(value: Any) -> Any:
    """A stored value as a machine export cell: numbers stay numbers, the rest text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return code_text(value) or None


#: distinct values a column remembers the text of during one export.
MEMO_SIZE = 20_000


def memoized(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``convert`` remembering its results for scalar values (answers repeat: dates,
    choices, amounts), for the life of one export's columns."""
    memo: dict[Any, Any] = {}

    def remembered(value: Any) -> Any:
        if type(value) is str:
            key: Any = value
        elif isinstance(value, int | float):
            key = (type(value), value)  # True, 1 and 1.0 are equal keys otherwise
        else:
            return convert(value)
        try:
            return memo[key]
        except KeyError:
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            result = memo[key] = convert(value)
            return result

    return remembered


def typed(spec: FieldSpec, convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A cell maker: ``convert`` for answers of the question's shape, plain text for
    answers kept from an earlier version of it, ``None`` when unanswered; made once per
    export, it remembers the cells of answers that repeat (dates, amounts, points)."""

    def cell(value: Any) -> Any:
        if not is_answered(value):
            return None
        return convert(value) if fits(spec, value) else plain(value)

    return memoized(cell)


class SubForm(Form):
    """Base of nested forms (matrix rows, table rows): no CSRF of their own, and
    WTForms' messages translated like the page's."""

    class Meta:
        def get_translations(self, form):
            return translations


class Required(validators.InputRequired):
    """``InputRequired`` without the native ``required`` attribute: inside our
    ``novalidate`` form it only made browsers expose every untouched field as invalid.
    Templates say ``aria-required`` where the role allows it."""

    def __init__(self, message=None):
        super().__init__(message)
        self.field_flags = {}


class RequiredChoice(validators.DataRequired):
    """``DataRequired`` (a checkbox group sends nothing) without the native attribute."""

    def __init__(self, message=None):
        super().__init__(message)
        self.field_flags = {}


def named_message(message: str, text: Text | None, fallback: str, **more: Any) -> LazyString:
    """``message`` translated when shown, with ``%(label)s`` the field's label in the
    language of the request (the WTForms class is shared, the message is not)."""
    from formkit.i18n import current_locale

    def build() -> str:
        return gettext(message, label=label_text(text, current_locale(), fallback), **more)

    return LazyString(build)


class CellError(str):
    """A plugin's message about one cell of a repeating table (``formkit_validate``):
    ``CellError(_("Enter a due date on or after the start date."), row=1, column="due")``
    (``row`` counts from 0 among the rows kept). It is shown in that cell, tied to its
    input, and the error summary names table, row and column."""

    row: int
    column: str

    def __new__(cls, message: str, row: int, column: str) -> CellError:
        error = super().__new__(cls, message)
        error.row, error.column = row, column
        return error


class FieldType:
    """Base class of every field type; subclass and register through ``formkit_field_types``."""

    #: the ``type:`` name used in schemas.
    name: ClassVar[str] = ""
    #: False for display-only types (information text): nothing is stored.
    stores_value: ClassVar[bool] = True
    #: whether schemas must give a ``label``.
    label_required: ClassVar[bool] = True
    #: whether the type may be a column of a repeating table.
    cell: ClassVar[bool] = False
    #: the Jinja template that renders the field (receives ``spec``, ``field``, ``locale``).
    template: ClassVar[str] = "fields/input.html"
    #: type-specific schema keys this type accepts.
    options: ClassVar[frozenset[str]] = frozenset()
    #: whether ``display_html`` is a grid that may be wider than a phone (pages that
    #: list answers put it in a scroll box of its own).
    wide_display: ClassVar[bool] = False

    # -- schema ------------------------------------------------------------------------
    def configure(self, spec: FieldSpec, options: Mapping[str, Any], ctx: SchemaContext) -> None:
        """Check the type-specific options and keep them in ``spec.options``."""
        unknown = sorted(set(options) - set(self.options))
        if unknown:
            allowed = ", ".join(sorted(self.options)) or "none"
            ctx.error(
                options,
                f"field '{spec.id}' ({self.name}): unknown option(s) {', '.join(unknown)}"
                f" (allowed: {allowed})",
                spec.line,
                suggestion=closest(unknown[0], [*self.options, *FIELD_KEYS])
                or f"a {self.name} field takes: {allowed}",
            )
        spec.options.update({k: v for k, v in options.items() if k in self.options})

    # -- input -------------------------------------------------------------------------
    def wtforms_field(self, spec: FieldSpec, locale: str, settings: FieldSettings):
        """An unbound WTForms field for ``spec`` with labels in ``locale``."""
        raise NotImplementedError

    #: the message when a required field is left empty (``%(label)s``: its label);
    #: GOV.UK style: says what to do, names the question.
    required_message: ClassVar[str] = N_("Enter an answer for “%(label)s”.")

    def required_validators(self, spec: FieldSpec) -> list:
        """``Required`` with this type's message when required, else ``Optional``."""
        if not spec.required:
            return [validators.Optional()]
        return [Required(message=named_message(self.required_message, spec.label, spec.id))]

    def count_limit(self, spec: FieldSpec, settings: FieldSettings) -> int | None:
        """The most characters an answer may have, shown as a character count under the
        field (long text), or ``None`` for no count."""
        return None

    def unit(self, spec: FieldSpec, locale: str) -> str:
        """The unit shown after the input (``%``, ``$``), or ``""``."""
        return ""

    def first_input_id(self, spec: FieldSpec, field) -> str:
        """The id of the input an error link leads to (a group's first radio)."""
        return field.id

    def error_links(self, spec: FieldSpec, field, messages: list[str],
                    locale: str) -> list[tuple[str, str]]:
        """The error summary's entries for this field: (id of the input the link leads
        to, text naming the question). Types made of several inputs (matrix, table)
        name the row or cell at fault."""
        target = self.first_input_id(spec, field) if field is not None else f"field-{spec.id}"
        label = label_text(spec.label, locale, spec.id)
        return [(target, pair(label, message, locale)) for message in messages]

    def normalize_formdata(self, spec: FieldSpec, formdata, settings: FieldSettings,
                           action: str = "") -> None:
        """Adjust the submitted ``formdata`` (a MultiDict) in place before it is read.

        ``action`` is the button pressed (e.g. ``add:<field id>``); types with
        actions of their own (repeating tables) apply them here.
        """

    def attach_error(self, spec: FieldSpec, field, message: str) -> bool:
        """Show a plugin's ``message`` on the part of ``field`` it names (a
        :class:`CellError`'s cell); ``False`` when it belongs to the whole field."""
        return False

    def after_action(self, spec: FieldSpec, action: str,
                     formdata) -> tuple[str, str] | None:
        """Where the page returns after this type's own ``action`` (the id of the input to
        focus) and what to announce, from the kept ``formdata``; ``None``: no action."""
        return None

    def prepare_display(self, spec: FieldSpec, field) -> None:
        """Adjust a bound field just before it is shown (e.g. an empty table gets a row)."""

    def value_from(self, spec: FieldSpec, field) -> Any:
        """The value to store from a validated WTForms field (``None`` when empty)."""
        data = field.data
        if isinstance(data, str):
            data = clean_text(data)
        return data if is_answered(data) else None

    def form_data(self, spec: FieldSpec, value: Any) -> Any:
        """The WTForms ``data`` that shows a stored ``value`` again."""
        return value

    def sample_formdata(self, spec: FieldSpec) -> dict[str, Any]:
        """Valid input for this field as a browser would post it (benchmarks, tests)."""
        return {spec.name: "sample"}

    # -- stored answers ----------------------------------------------------------------
    #: the Python types of a stored answer (answers saved under an earlier version of the
    #: form may differ; they are then shown as plain text and left out of summaries).
    stored_as: ClassVar[tuple[type, ...]] = (str,)

    def accepts(self, spec: FieldSpec, value: Any) -> bool:
        """Whether ``value`` has the shape this type stores."""
        if isinstance(value, bool) and bool not in self.stored_as:
            return False
        return isinstance(value, self.stored_as)

    def condition_values(self, spec: FieldSpec, locale: str) -> list[tuple[Any, str]]:
        """The answers a condition (``equals``) can pick from, with their labels: a
        coordinator's "alert me only when…" offers these."""
        return []

    def condition_keys(self, spec: FieldSpec) -> list[Any]:
        """Every answer a condition can compare with, when they are few (choice keys,
        yes/no); ``[]`` when any value of the stored type can be."""
        return []

    def condition_problem(self, spec: FieldSpec, value: Any) -> tuple[str, str] | None:
        """Why ``show_if`` comparing ``spec``'s answer with ``value`` could never hold as
        written (the dependent question would never show, its answers lost), naming the
        values that could: ``(message, suggestion)``, or ``None`` when it can."""
        keys = self.condition_keys(spec)
        if keys:
            if any(same_answer(value, key) for key in keys):
                return None
            valid = ", ".join(yaml_literal(key) for key in keys)
            return (f"'{spec.id}' is never {yaml_literal(value)}: its answers are {valid}",
                    f"compare with one of: {valid}")
        if self.accepts(spec, value):
            return None
        kind = "a number" if isinstance(value, int | float) else f"{type(value).__name__}"
        return (f"'{spec.id}' ({spec.type}) is compared with {kind}, {yaml_literal(value)}, "
                "which it never holds",
                f"quote it as text: '{value}'" if isinstance(value, int | float | bool)
                else "compare with a value this question can hold")

    def holds_email(self, spec: FieldSpec) -> bool:
        """Whether answers are email addresses (a form may send a receipt there)."""
        return False

    # -- declarative scoring (``scoring:`` in YAML) --------------------------------------
    def scorable(self, spec: FieldSpec) -> bool:
        """Whether answers to ``spec`` are numbers a ``scoring:`` rule can add up."""
        return False

    def numbers(self, spec: FieldSpec, value: Any) -> list[float]:
        """The numbers a stored answer contributes to a score (none when unanswered)."""
        return []

    # -- output ------------------------------------------------------------------------
    def display(self, spec: FieldSpec, value: Any, locale: str) -> str:
        """A stored value as text for people (HTML, PDF, exports with labels)."""
        if not is_answered(value):
            return ""
        return str(value)

    def display_html(self, spec: FieldSpec, value: Any, locale: str) -> Markup:
        """A stored value as HTML; escaped text unless a type needs structure."""
        return escape(self.display(spec, value, locale))

    def describe_change(self, spec: FieldSpec, old: Any, new: Any, locale: str) -> list[str]:
        """How an answer changed between two revisions, as lines for people ("Status:
        In progress → Done"). Types with parts (tables, matrices) name the part."""
        return [pair(label_text(spec.label, locale, spec.id), change_text(
            self.display(spec, old, locale) if self.accepts(spec, old) else _plain(old),
            self.display(spec, new, locale) if self.accepts(spec, new) else _plain(new)),
            locale)]

    # -- exports -----------------------------------------------------------------------
    def export_columns(self, spec: FieldSpec, locale: str, labels: bool) -> list[CellColumn]:
        """The columns this field makes in CSV and XLSX exports, called once per export.

        :param labels: ``True`` for exports people read (labels in ``locale``, typed
            cells); ``False`` for machine exports (stored codes).
        :return: by default one column: the displayed text, or the code.
        """
        if not labels:
            return [CellColumn(spec.id, code_text, code_cell)]
        header = label_text(spec.label, locale, spec.id)
        text = memoized(lambda value: shown_text(spec, value, locale))
        return [CellColumn(header, text, memoized(lambda value: text(value) or None))]

    def export_sheets(self, spec: FieldSpec, locale: str, labels: bool) -> list[ExportSheet]:
        """Sheets of their own this field fills in an XLSX (none by default)."""
        return []

    # -- many responses ----------------------------------------------------------------
    def summary(self, spec: FieldSpec, values: list[Any], locale: str) -> dict[str, Any]:
        """What many answers to this field add up to, for summaries and their PDFs, from
        a list of them. Summaries stream (``summary_start/add/finish`` below); the built-in
        types keep this plain list form as the statement their streamed summary is
        tested against (tests/test_summary.py).

        :param values: the answers of every response that has one (never empty values).
        :return: a block: ``{"kind": "answered", "answered": n}`` (the default), or
            ``counts`` (``items``: label and count), ``numbers`` (``stats``: label and
            formatted value), ``texts`` (``items``), ``means`` (``items``: label, mean,
            count; ``maximum``).
        """
        return {"kind": "answered", "answered": len(values)}

    # Answers are summarised as they stream from the store (a worker never holds every
    # answer of 10,000 responses): start a state, add each answer, finish into a block.
    def summary_start(self, spec: FieldSpec) -> Any:
        """A fresh summary state for ``spec``. By default the answers' list, given to
        :meth:`summary` at the end (a type that only overrides ``summary`` keeps
        working); a type that keeps the default ``summary`` needs only a count."""
        return [] if type(self).summary is not FieldType.summary else Count()

    def summary_add(self, state: Any, value: Any) -> None:
        """Add one answer (answered, and of the shape this type stores) to ``state``."""
        state.append(value)

    def summary_finish(self, spec: FieldSpec, state: Any, locale: str) -> dict[str, Any]:
        """The block :meth:`summary` would make of every answer added to ``state``."""
        if isinstance(state, Count):
            return {"kind": "answered", "answered": state.answered}
        return self.summary(spec, state, locale)


class Count:
    """Answers counted as they stream, nothing else kept."""

    __slots__ = ("answered",)

    def __init__(self) -> None:
        self.answered = 0

    def append(self, value: Any) -> None:
        self.answered += 1


class Tally(Count):
    """Answers counted as they stream: how many, and how many chose each key (a list
    answer, such as a multiple choice, counts once per key chosen)."""

    __slots__ = ("counts",)

    def __init__(self) -> None:
        super().__init__()
        self.counts: dict[str, int] = {}

    def append(self, value: Any) -> None:
        self.answered += 1
        counts = self.counts
        for key in value if isinstance(value, list) else (value,):
            key = str(key)
            counts[key] = counts.get(key, 0) + 1

    def block(self, labels: list[tuple[str, str]]) -> dict[str, Any]:
        """A ``counts`` block: the count of each (key, label), in schema order."""
        return {"kind": "counts", "answered": self.answered,
                "items": [(label, self.counts.get(key, 0)) for key, label in labels]}


#: free-text answers a summary lists per question, newest first; the exports hold them all.
TEXTS_SHOWN = 50


#: shown for an answer that was (or became) empty in a change description.
EMPTY = "—"


def change_text(old: str, new: str) -> str:
    """``old → new``, an empty side shown as a dash."""
    return f"{old or EMPTY} → {new or EMPTY}"


def _plain(value: Any) -> str:
    """A value that no longer fits its type (an earlier version's answer), as text."""
    return "" if not is_answered(value) else str(value)


def count_summary(labels: list[tuple[str, str]], values: list[Any]) -> dict[str, Any]:
    """A ``counts`` block of ``values``: how many answers chose each (key, label), in
    schema order; list answers (multiple choice) count once per key chosen."""
    counts = dict.fromkeys((key for key, _label in labels), 0)
    for value in values:
        for key in value if isinstance(value, list) else [value]:
            if str(key) in counts:
                counts[str(key)] += 1
    return {"kind": "counts", "answered": len(values),
            "items": [(label, counts[key]) for key, label in labels]}


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Trimmed text without control characters (NUL and friends never reach the store)."""
    return _CONTROL.sub("", text.replace("\r\n", "\n")).strip()


def select_choices(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    """WTForms choices from (key, label) pairs."""
    return [SelectChoice(key, label) for key, label in pairs]


def label_text(text: Text | None, locale: str, fallback: str = "") -> str:
    return text.get(locale) if text is not None else fallback


def parse_keyed_texts(
    spec: FieldSpec, options: Mapping[str, Any], key: str, ctx: SchemaContext
) -> list[tuple[str, Text]]:
    """Read a list like ``choices: [{key: a, label: {en, fr}}, ...]`` with unique keys."""
    items = options.get(key)
    result: list[tuple[str, Text]] = []
    if not isinstance(items, list) or not items:
        ctx.error(options, f"field '{spec.id}' ({spec.type}) needs a non-empty '{key}' list",
                  spec.line)
        return result
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, Mapping) or "key" not in item:
            ctx.error(item, f"field '{spec.id}': each of '{key}' needs 'key' and 'label'",
                      spec.line)
            continue
        item_key = str(item["key"])
        if item_key in seen:
            ctx.error(item, f"field '{spec.id}': duplicate {key} key '{item_key}'", spec.line)
        seen.add(item_key)
        text = ctx.text(item, "label")
        if text is not None:
            result.append((item_key, text))
    return result


def number_option(
    spec: FieldSpec, options: Mapping[str, Any], key: str, ctx: SchemaContext,
    *, integer: bool = False,
) -> float | int | None:
    """An optional numeric option such as ``min`` or ``max``."""
    value = options.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or (
        integer and not isinstance(value, int)
    ):
        kind = "a whole number" if integer else "a number"
        ctx.error(options, f"field '{spec.id}': '{key}' must be {kind} (got {value!r})", spec.line)
        return None
    return value


def check_bounds(spec: FieldSpec, ctx: SchemaContext, low: str, high: str) -> None:
    lo, hi = spec.options.get(low), spec.options.get(high)
    if lo is not None and hi is not None and lo > hi:
        ctx.error(spec.options, f"field '{spec.id}': '{low}' ({lo}) is above '{high}' ({hi})",
                  spec.line, suggestion=f"swap them:  {low}: {hi}, {high}: {lo}")

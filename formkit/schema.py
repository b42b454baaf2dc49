"""The form schema model, built from YAML, validated with file:line errors.

A form is sections (shown as pages) of fields. Every user-visible text is a
:class:`Text` with English and French. Field-type specific options are checked by the
field type itself (:meth:`formkit.fields.FieldType.configure`), so adding a type never
touches this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from formkit import references
from formkit.availability import Schedule, parse_schedule
from formkit.conditions import Condition, parse_condition
from formkit.retention import Retention, parse_retention
from formkit.scoring import ScoreRule, parse_scoring
from formkit.suggest import FIELD_KEYS, closest
from formkit.yamlsource import line_of, load_yaml

if TYPE_CHECKING:
    from formkit.fields.base import FieldType

LANGUAGES = ("en", "fr")
#: who a form's responses belong to (``scope:``): anonymous respondents (the default),
#: a team (one shared, living response per cycle), or each member of a team.
PUBLIC, TEAM, MEMBER = "public", "team", "member"
SCOPES = (PUBLIC, TEAM, MEMBER)
#: who edits a team-scope form's shared response (``editors:``): every member of the
#: team (the default) or only its leads (the others read it).
MEMBERS, LEADS = "members", "leads"
EDITORS = (MEMBERS, LEADS)
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def as_identifier(text: object) -> str:
    """``text`` in the spelling of ids: ``Full-Name`` → ``full_name`` (may still start with
    a digit or be empty: check it with ``ID_PATTERN``)."""
    return re.sub(r"[^a-z0-9_]+", "_", str(text or "").strip().lower()).strip("_")


@dataclass(frozen=True)
class Text:
    """A bilingual text: ``Text(en=..., fr=...)``; ``text.get("fr")`` picks one."""

    en: str
    fr: str

    def get(self, locale: str | None) -> str:
        return self.fr if str(locale or "en").startswith("fr") else self.en

    def as_dict(self) -> dict[str, str]:
        return {"en": self.en, "fr": self.fr}


@dataclass(frozen=True)
class SchemaError:
    """One problem in a form file, with where it is."""

    source: str
    line: int
    message: str
    #: how to fix it, in a few words (printed on the next line by ``formkit check``).
    suggestion: str = ""

    def __str__(self) -> str:
        text = f"{self.source}:{self.line}: {self.message}"
        return f"{text}\n    suggestion: {self.suggestion}" if self.suggestion else text



class FormLoadError(Exception):
    """A form file has problems; ``errors`` lists every one of them."""

    def __init__(self, errors: list[SchemaError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class FieldSpec:
    """One field of a form as declared in its schema."""

    id: str
    type: str
    label: Text | None
    help: Text | None = None
    placeholder: Text | None = None
    required: bool = False
    default: Any = None
    show_if: Condition | None = None
    line: int = 0
    #: answers identify a person (``personal: true``): removed when responses are
    #: anonymised under the form's retention rule.
    personal: bool = False
    #: type-specific options, filled by the field type's ``configure``.
    options: dict[str, Any] = field(default_factory=dict)
    #: the field type instance (set at load time).
    kind: FieldType | None = None

    @property
    def name(self) -> str:
        """The HTML/WTForms name; prefixed so it never shadows WTForms attributes."""
        return f"q_{self.id}"

    @property
    def stores_value(self) -> bool:
        return bool(self.kind and self.kind.stores_value)


@dataclass
class Section:
    """A page of a form."""

    id: str
    title: Text
    description: Text | None
    fields: list[FieldSpec]
    show_if: Condition | None = None
    line: int = 0
    #: show the form's result for the answers so far at the top of this page.
    show_result: bool = False


@dataclass
class Form:
    """A loaded, validated form."""

    id: str
    version: str
    title: Text
    description: Text | None
    sections: list[Section]
    source: str = ""
    #: name of the plugin that contributed the form (set by the registry).
    plugin: str = ""
    #: top-level keys this module does not interpret, for plugins.
    extra: dict[str, Any] = field(default_factory=dict)
    #: the coordinators' review statuses ``(key, text)``; empty means the core's default.
    review_statuses: list[tuple[str, Text]] = field(default_factory=list)
    #: the scores declared with ``scoring:`` (:mod:`formkit.scoring`).
    scoring: tuple[ScoreRule, ...] = ()
    #: the id of the email question whose address gets a receipt on submit, if any.
    confirmation_email: str | None = None
    #: when the form takes responses (``schedule:``; :mod:`formkit.availability`).
    schedule: Schedule | None = None
    #: how long responses are kept (``retention:``; :mod:`formkit.retention`).
    retention: Retention | None = None
    #: who the responses belong to (:data:`SCOPES`; ``docs/teams.md``).
    scope: str = PUBLIC
    #: the questions that identify a response in the coordinators' list
    #: (``list_columns:``), shown, searched and sorted there.
    list_columns: tuple[str, ...] = ()
    #: the three letters its responses' references start with (``reference_prefix:``,
    #: else derived from the id: :mod:`formkit.references`).
    reference_prefix: str = ""
    #: who edits a team-scope form's shared response (:data:`EDITORS`, ``editors:``).
    editors: str = MEMBERS
    #: member scope: how many members must have submitted before the team sees the
    #: aggregate (``team_minimum:``); ``None`` means the site's TEAM_AGGREGATE_MINIMUM.
    team_minimum: int | None = None

    def __post_init__(self) -> None:
        self._fields = {f.id: f for s in self.sections for f in s.fields}

    @property
    def fields(self) -> Iterator[FieldSpec]:
        return iter(self._fields.values())

    def field(self, field_id: str) -> FieldSpec:
        return self._fields[field_id]

    def has_field(self, field_id: str) -> bool:
        return field_id in self._fields

    def section_index(self, section_id: str) -> int:
        return next(i for i, s in enumerate(self.sections) if s.id == section_id)


def _rejoined(value: Mapping) -> str:
    """``{en: Yes, often, fr: Oui}`` as written, with each text quoted whole."""
    texts: dict[str, list[str]] = {}
    current = None
    for k, v in value.items():
        if k in LANGUAGES:
            current = k
            # YAML reads an unquoted Yes/No as true/false
            texts[k] = [{True: "Yes", False: "No"}.get(v, str(v or "")) if isinstance(v, bool)
                        else str(v or "")]
        elif current:
            texts[current].append(str(k))
    inner = ", ".join(f'{lang}: "{", ".join(parts)}"' for lang, parts in texts.items())
    return "{" + inner + "}"


class SchemaContext:
    """Collects errors while one form file is read."""

    def __init__(self, source: str, types: Mapping[str, FieldType] | None = None):
        self.source = source
        self.types: Mapping[str, FieldType] = types or {}
        self.errors: list[SchemaError] = []
        #: every field id declared anywhere in the file, with its line (for suggestions
        #: about questions referred to before they are asked).
        self.declared: dict[str, int] = {}
        #: the fields read so far, by id (``show_if`` values are checked against them)
        self.fields: dict[str, FieldSpec] = {}

    def error(self, node: Any, message: str, line: int = 0, key: Any = None,
              suggestion: str = "") -> None:
        """Record a problem at ``line``, else at ``key`` of ``node``, else where ``node``
        starts; ``suggestion`` says how to fix it."""
        self.errors.append(
            SchemaError(self.source, line or line_of(node, 1, key), message, suggestion))

    def text(self, node: Mapping, key: str, *, required: bool = True) -> Text | None:
        """Read ``node[key]`` as a bilingual text; report a missing language."""
        value = node.get(key)
        if value is None:
            if required:
                self.error(node, f"'{key}' is required ({{en: ..., fr: ...}})",
                           suggestion=f"add  {key}: {{en: <English>, fr: <français>}}")
            return None
        if not isinstance(value, Mapping):
            self.error(node, f"'{key}' must give both languages as {{en: ..., fr: ...}}",
                       key=key, suggestion=f"write  {key}: {{en: {str(value)[:40]}, "
                       "fr: <the French text>}")
            return None
        missing = [lang for lang in LANGUAGES if not str(value.get(lang) or "").strip()]
        for lang in missing:
            other = next((str(value[o]) for o in LANGUAGES if o != lang and value.get(o)), "")
            name = "French" if lang == "fr" else "English"
            self.error(value, f"'{key}' has no '{lang}' text",
                       suggestion=f"add the {name} of {other[:40]!r} as  {lang}: ..."
                       if other else f"add  {lang}: <the {name} text>")
        unknown = sorted(set(value) - set(LANGUAGES), key=str)
        if unknown and all(value[k] is None for k in unknown):
            # {en: Yes, often, fr: Oui, souvent}: each comma ended a text, the rest became keys
            self.error(value, f"'{key}': a comma inside unquoted text cut it short "
                       f"(read as {', '.join(map(str, unknown))})",
                       suggestion=f"quote this text: {key}: {_rejoined(value)}")
            return None
        if unknown:
            self.error(value, f"'{key}' has unknown language(s): {', '.join(unknown)}",
                       suggestion="texts take exactly two keys, en and fr "
                       + closest(unknown[0], LANGUAGES))
        if missing:
            return None
        return Text(en=str(value["en"]).strip(), fr=str(value["fr"]).strip())

    def identifier(self, node: Mapping, key: str = "id") -> str:
        value = node.get(key)
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            fixed = as_identifier(value)
            self.error(
                node,
                f"'{key}' must be lower-case letters, digits and _ starting with a letter "
                f"(got {value!r})",
                key=key if key in node else None,
                suggestion=f"{key}: {fixed}" if ID_PATTERN.match(fixed) else
                f"e.g. {key}: first_question",
            )
            return str(value or "")
        return value


_SECTION_KEYS = {"id", "title", "description", "fields", "show_if", "show_result"}


def parse_field(
    raw: Any, ctx: SchemaContext, types: Mapping[str, FieldType], known: list[str]
) -> FieldSpec | None:
    """Build one :class:`FieldSpec`; ``known`` are the ids of earlier fields."""
    if not isinstance(raw, Mapping):
        ctx.error(raw, "a field must be a mapping with at least 'id' and 'type'",
                  suggestion="- {id: name, type: text, label: {en: Name, fr: Nom}}")
        return None
    field_id = ctx.identifier(raw)
    type_name = raw.get("type")
    kind = types.get(type_name) if isinstance(type_name, str) else None
    if kind is None:
        names = ", ".join(sorted(types))
        ctx.error(raw, f"field '{field_id}': unknown type {type_name!r} (known: {names})",
                  key="type" if "type" in raw else None,
                  suggestion=closest(type_name, types) or "use one of the known types; "
                  "`formkit new-form` writes an example of each")
        return None
    label = ctx.text(raw, "label", required=kind.label_required)
    spec = FieldSpec(
        id=field_id,
        type=type_name,
        label=label,
        help=ctx.text(raw, "help", required=False),
        placeholder=ctx.text(raw, "placeholder", required=False),
        required=bool(raw.get("required", False)),
        default=raw.get("default"),
        line=line_of(raw, 1),
        kind=kind,
        personal=bool(raw.get("personal", False)),
    )
    if "show_if" in raw:
        spec.show_if = parse_condition(raw["show_if"], ctx, known,
                                       line_of(raw, key="show_if"), field_id)
    options = {k: v for k, v in raw.items() if k not in FIELD_KEYS}
    kind.configure(spec, options, ctx)
    return spec


def parse_form(data: Any, source: str, types: Mapping[str, FieldType]) -> Form:
    """Validate a parsed YAML document and build a :class:`Form`.

    :raises FormLoadError: listing every problem found, with lines.
    """
    ctx = SchemaContext(source, types)
    if not isinstance(data, Mapping):
        raise FormLoadError([SchemaError(source, 1, "a form file must be a mapping")])
    form_id = ctx.identifier(data)
    version = data.get("version")
    if version is None or not re.match(r"^[0-9A-Za-z._-]+$", str(version)):
        ctx.error(data, "'version' is required (e.g. 1 or 2024-1)",
                  suggestion="add  version: 1  below the id; raise it when questions change")
    title = ctx.text(data, "title")
    description = ctx.text(data, "description", required=False)
    raw_sections = data.get("sections")
    sections: list[Section] = []
    known: list[str] = []
    if not isinstance(raw_sections, list) or not raw_sections:
        ctx.error(data, "'sections' must be a non-empty list",
                  suggestion="sections: [{id: page_1, title: {en: ..., fr: ...}, fields: [...]}]"
                  " — `formkit new-form` writes a complete example")
        raw_sections = []
    section_ids: set[str] = set()
    ctx.declared = _declared_fields(raw_sections)
    for raw_section in raw_sections:
        if not isinstance(raw_section, Mapping):
            ctx.error(data, "each section must be a mapping", line_of(raw_section))
            continue
        section_id = ctx.identifier(raw_section)
        if section_id in section_ids:
            ctx.error(raw_section, f"duplicate section id '{section_id}'",
                      suggestion="give each page its own id")
        section_ids.add(section_id)
        unknown = sorted(set(raw_section) - _SECTION_KEYS)
        if unknown:
            ctx.error(raw_section, f"section '{section_id}': unknown key(s) {', '.join(unknown)}"
                      f" (allowed: {', '.join(sorted(_SECTION_KEYS))})",
                      suggestion=closest(unknown[0], _SECTION_KEYS))
        show_if = None
        if "show_if" in raw_section:
            show_if = parse_condition(raw_section["show_if"], ctx, known,
                                      line_of(raw_section, key="show_if"))
        fields: list[FieldSpec] = []
        raw_fields = raw_section.get("fields")
        if not isinstance(raw_fields, list) or not raw_fields:
            ctx.error(raw_section, f"section '{section_id}' needs a non-empty 'fields' list",
                      suggestion="list its questions under  fields:  (indented below the "
                      "section), or remove the page")
            raw_fields = []
        for raw_field in raw_fields:
            spec = parse_field(raw_field, ctx, types, known)
            if spec is None:
                continue
            if spec.id in known:
                first = ctx.declared.get(spec.id, 0)
                ctx.error(raw_field, f"duplicate field id '{spec.id}'",
                          suggestion=f"the first '{spec.id}' is at line {first}; ids name "
                          "answers, so give this question its own id")
                continue
            known.append(spec.id)
            ctx.fields[spec.id] = spec
            fields.append(spec)
        sections.append(
            Section(
                id=section_id,
                title=ctx.text(raw_section, "title") or Text(section_id, section_id),
                description=ctx.text(raw_section, "description", required=False),
                fields=fields,
                show_if=show_if,
                line=line_of(raw_section),
                show_result=bool(raw_section.get("show_result", False)),
            )
        )
    scoring = parse_scoring(data, ctx, {f.id: f for s in sections for f in s.fields})
    if ctx.errors:
        raise FormLoadError(ctx.errors)
    review_statuses = _review_statuses(data, ctx)
    confirmation = _confirmation_email(data, ctx, [f for s in sections for f in s.fields])
    schedule = parse_schedule(data, ctx)
    retention = parse_retention(data, ctx, [f for s in sections for f in s.fields])
    scope = data.get("scope", PUBLIC)
    if scope not in SCOPES:
        ctx.error(data, f"'scope' must be one of {', '.join(SCOPES)} (got {scope!r})",
                  key="scope",
                  suggestion=closest(str(scope), SCOPES) or "scope: public  (anyone, "
                  "anonymously), team (one shared response per team) or member")
    list_columns = _list_columns(data, ctx, [f for s in sections for f in s.fields])
    editors, team_minimum = _team_settings(data, ctx, scope)
    reference_prefix = data.get("reference_prefix", references.derive_prefix(form_id or ""))
    if not references.valid_prefix(reference_prefix):
        ctx.error(data, "'reference_prefix' must be three capital letters (A to Z), e.g. "
                  f"{references.derive_prefix(form_id or '')}", key="reference_prefix")
    if ctx.errors:
        raise FormLoadError(ctx.errors)
    known_keys = {"id", "version", "title", "description", "sections", "review_statuses",
                  "scoring", "confirmation_email", "schedule", "retention", "scope",
                  "list_columns", "reference_prefix", "editors", "team_minimum"}
    extra = {k: v for k, v in data.items() if k not in known_keys}
    return Form(
        id=form_id,
        version=str(version),
        title=title,  # type: ignore[arg-type]
        description=description,
        sections=sections,
        source=source,
        extra=extra,
        review_statuses=review_statuses,
        scoring=scoring,
        confirmation_email=confirmation,
        schedule=schedule,
        retention=retention,
        scope=scope,
        list_columns=list_columns,
        reference_prefix=reference_prefix,
        editors=editors,
        team_minimum=team_minimum,
    )


def _team_settings(data: Mapping, ctx: SchemaContext, scope: str) -> tuple[str, int | None]:
    """``editors: leads`` (a team-scope form only its leads edit) and ``team_minimum: 2``
    (a member-scope form whose aggregate the team sees from 2 submitted members)."""
    editors = data.get("editors", MEMBERS)
    if editors not in EDITORS:
        ctx.error(data, f"'editors' must be one of {', '.join(EDITORS)} (got {editors!r})",
                  key="editors", suggestion=closest(str(editors), EDITORS)
                  or "editors: leads  (only the team's leads edit the shared response)")
        editors = MEMBERS
    elif "editors" in data and scope != TEAM:
        ctx.error(data, "'editors' applies to forms of scope team (one shared response per "
                  "team)", key="editors", suggestion="remove 'editors', or write  scope: team")
    minimum = data.get("team_minimum")
    if minimum is not None:
        if isinstance(minimum, bool) or not isinstance(minimum, int) or not 1 <= minimum <= 100:
            ctx.error(data, f"'team_minimum' must be a whole number from 1 to 100 (got "
                      f"{minimum!r})", key="team_minimum",
                      suggestion="e.g.  team_minimum: 2  (the team sees the aggregate from "
                      "2 submitted members)")
            minimum = None
        elif scope != MEMBER:
            ctx.error(data, "'team_minimum' applies to forms of scope member (each member "
                      "answers for themself)", key="team_minimum",
                      suggestion="remove 'team_minimum', or write  scope: member")
    return editors, minimum


#: columns a list can show beside its own (date, status, language) and still fit.
MOST_LIST_COLUMNS = 4


def _list_columns(data: Mapping, ctx: SchemaContext,
                  fields: list[FieldSpec]) -> tuple[str, ...]:
    """``list_columns: [full_name, organization]`` — questions of this form (answers kept
    as text, numbers, dates or choices: not tables or matrices), at most four."""
    raw = data.get("list_columns")
    if raw is None:
        return ()
    listable = [f.id for f in fields if f.stores_value and f.kind is not None
                and f.kind.cell]
    if not isinstance(raw, list) or not raw or len(raw) > MOST_LIST_COLUMNS or not all(
            isinstance(item, str) for item in raw):
        ctx.error(data, f"'list_columns' must be a list of 1 to {MOST_LIST_COLUMNS} question "
                  "ids", key="list_columns",
                  suggestion=f"e.g.  list_columns: [{', '.join(listable[:2])}]")
        return ()
    for item in raw:
        if item not in listable:
            ctx.error(data, f"list_columns: '{item}' is not a question of this form that a "
                      "list can show (text, number, date or choice)", key="list_columns",
                      suggestion=closest(item, listable) or
                      f"questions it can show: {', '.join(listable)}")
    if len(set(raw)) != len(raw):
        ctx.error(data, "list_columns: a question is listed twice", key="list_columns")
    return tuple(raw)


def _confirmation_email(data: Mapping, ctx: SchemaContext,
                        fields: list[FieldSpec]) -> str | None:
    """``confirmation_email: <id of an email question>`` — who gets a receipt."""
    field_id = data.get("confirmation_email")
    if field_id is None:
        return None
    emails = [f.id for f in fields if f.kind is not None and f.kind.holds_email(f)]
    if field_id not in emails:
        ctx.error(data, f"confirmation_email: '{field_id}' is not an email question of this "
                  "form", key="confirmation_email",
                  suggestion=closest(str(field_id), emails) or (
                      f"email questions: {', '.join(emails)}" if emails else
                      "add a question with type: text and format: email"))
        return None
    return field_id


def _declared_fields(raw_sections: list) -> dict[str, int]:
    """Every field id in the file with the line of its first declaration."""
    declared: dict[str, int] = {}
    for raw_section in raw_sections:
        raw_fields = raw_section.get("fields") if isinstance(raw_section, Mapping) else None
        for raw_field in raw_fields if isinstance(raw_fields, list) else []:
            if isinstance(raw_field, Mapping) and isinstance(raw_field.get("id"), str):
                declared.setdefault(raw_field["id"], line_of(raw_field, 1))
    return declared


def _review_statuses(data: Mapping, ctx: SchemaContext) -> list[tuple[str, Text]]:
    """``review_statuses: [{key, label}]`` — the first is the status of new responses."""
    raw = data.get("review_statuses")
    if raw is None:
        return []
    if not isinstance(raw, list) or not raw:
        ctx.error(data, "'review_statuses' must be a non-empty list of {key, label}",
                  key="review_statuses")
        return []
    statuses = []
    for item in raw:
        if not isinstance(item, Mapping) or not ID_PATTERN.match(str(item.get("key", ""))):
            ctx.error(item, "each review status needs a 'key' (lower case, digits, _) and "
                      "a 'label'", line_of(data, 1, "review_statuses"))
            continue
        text = ctx.text(item, "label")
        if text is not None:
            statuses.append((item["key"], text))
    return statuses


#: PyYAML's words for a line that is not lined up with its neighbours
_INDENTATION_PROBLEMS = ("mapping values are not allowed here", "did not find expected key",
                         "expected <block end>", "did not find expected '-' indicator",
                         "bad indentation")


def yaml_problem(source: str, exc: yaml.YAMLError) -> SchemaError:
    """A YAML syntax error said in the author's terms: tabs and misaligned lines are
    indentation; anything else is usually text that needs quotes."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark else 1
    problem = getattr(exc, "problem", None) or str(exc)
    if "'\\t'" in problem or "tab" in problem:
        return SchemaError(source, line, "indentation: a tab character; YAML indents with "
                           "spaces only", "replace the tab with spaces (two per level), lined "
                           "up with the lines around it")
    if any(words in problem for words in _INDENTATION_PROBLEMS):
        return SchemaError(source, line, f"indentation: this line is not lined up with the "
                           f"ones around it (YAML: {problem})",
                           "keys of one mapping start in the same column; a list item's keys "
                           "line up under the first one after '- '. If the line holds text "
                           "with ': ', put the text in quotes")
    return SchemaError(
        source, line, f"YAML syntax: {problem}",
        "put the text in quotes if it contains ': ', ' #', or a ? or ! after a space "
        '(e.g. fr: "Pourquoi ?"); keep the indentation of the lines around it')


def load_form(path: str | Path, types: Mapping[str, FieldType]) -> Form:
    """Read and validate one YAML form file.

    :raises FormLoadError: with every problem and its line.
    """
    source = str(path)
    try:
        data = load_yaml(path)
    except yaml.YAMLError as exc:
        raise FormLoadError([yaml_problem(source, exc)]) from exc
    except OSError as exc:
        raise FormLoadError([SchemaError(source, 0, f"cannot read: {exc.strerror}")]) from exc
    return parse_form(data, source, types)

"""Read an XLSForm (the spreadsheet form standard of ODK and KoboToolbox) into a formkit
form. Every row, column or setting that cannot be carried over is reported with its sheet
and row; nothing is dropped silently, and no condition is approximated: a ``relevant``
formkit cannot test exactly is reported, never turned into a different test.

Mapped: text (``multiline`` → textarea), integer, decimal, date, select_one (a yes/no
list → yesno; ``minimal`` → a drop-down), select_multiple, note, range (1..N → scale),
acknowledge, begin/end group (top level → a page; a nested group's ``relevant`` joins its
questions' conditions), begin/end repeat (→ a table), ``label``/``hint`` in English and
French (``label::English (en)``, ``label::fr`` …), ``required``, simple ``relevant`` (→
``show_if``), simple numeric ``constraint`` (→ ``min``/``max``), settings ``form_id``,
``form_title``, ``version``. Headers and types are read with pyxform's aliases
(:mod:`formkit.xlsform.sheets`).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import openpyxl

from formkit.schema import ID_PATTERN, as_identifier
from formkit.xlsform.expressions import Unsupported, parse_relevant
from formkit.xlsform.report import Report
from formkit.xlsform.sheets import Row, parse_type, read_sheet

LANGS = {"en": "en", "english": "en", "anglais": "en",
         "fr": "fr", "french": "fr", "français": "fr", "francais": "fr"}
TEXT_COLUMNS = ("label", "hint")
#: settings read into the form, or that only say how the sheet itself is read
SETTINGS_READ = {"form_id", "form_title", "version", "default_language",
                 "allow_choice_duplicates", "clean_text_values"}
#: why each other common setting has no formkit equivalent
SETTINGS_MEANING = {
    "public_key": "answers are not encrypted with this key; they are stored on the "
                  "formkit server",
    "submission_url": "answers are stored by this formkit server, not sent to that address",
    "instance_name": "responses are not named from their answers",
    "style": "each top-level group is a page; pages are formkit's only layout",
}
UNMAPPED_TYPES = {
    "calculate": "a calculation", "start": "metadata", "end": "metadata",
    "today": "metadata", "deviceid": "metadata", "subscriberid": "metadata",
    "simserial": "metadata", "phonenumber": "metadata", "username": "metadata",
    "email": "metadata", "audit": "metadata", "geopoint": "a location",
    "geotrace": "a location", "geoshape": "a location", "image": "a file upload",
    "photo": "a file upload",
    "audio": "a file upload", "video": "a file upload", "file": "a file upload",
    "background-audio": "a recording", "barcode": "a barcode scan", "hidden": "a hidden value",
    "time": "a time of day", "datetime": "a date and time", "rank": "a ranking",
    "xml-external": "an external file", "select_one_from_file": "a list from a file",
    "select_multiple_from_file": "a list from a file", "trigger": "a trigger",
    "select_one_external": "a list from a file",
}
COLUMN_TYPES = {"text", "integer", "decimal", "date", "choice", "yesno"}


class XLSFormError(Exception):
    """The file cannot be read as an XLSForm at all."""


def _language(suffix: str) -> str | None:
    """``English (en)`` → ``en``; ``fr`` → ``fr``; another language → ``None``."""
    code = re.search(r"\((\w+)\)\s*$", suffix)
    name = (code.group(1) if code else suffix).strip().lower()
    return LANGS.get(name) or LANGS.get(name.split("-")[0].split("_")[0])


class Importer:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.report = Report(self.path.name)
        try:
            workbook = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several kinds for a file it cannot read
            raise XLSFormError(f"{self.path}: not an .xlsx workbook ({exc}); "
                               "save an .xls file as .xlsx first") from exc
        try:
            sheets = {name: read_sheet(workbook, name)
                      for name in ("survey", "choices", "settings")}
            if not sheets["survey"].rows and "survey" not in (
                    s.lower() for s in workbook.sheetnames):
                raise XLSFormError(f"{self.path}: no 'survey' sheet")
        finally:
            workbook.close()
        for name, sheet in sheets.items():
            for header in sheet.repeated_headers:
                self.report.add(name, 1, f"column '{header}' repeats another column's "
                                "name (as pyxform reads it); only the first is read")
        self.survey = sheets["survey"].rows
        self.choices = sheets["choices"].rows
        self.choice_rows: dict[str, list[Row]] = {}  # list name → its rows, in order
        for row in self.choices:
            self.choice_rows.setdefault(row.get("list_name"), []).append(row)
        settings = sheets["settings"].rows
        self.settings = settings[0] if settings else Row("settings", 2, {})
        self.default_language = _language(self.settings.get("default_language")) or "en"
        self.ids: dict[str, str] = {}       # XLSForm name → formkit id
        self.kinds: dict[str, str] = {}     # formkit id → formkit type
        #: formkit id → {XLSForm value → stored value}, for the questions with a list
        self.values: dict[str, dict[str, Any]] = {}
        self.known: list[str] = []          # ids in order, for show_if
        self.absent: dict[str, str] = {}    # XLSForm name → why a condition cannot read it
        self.lists: dict[str, list[dict[str, Any]]] = {}  # list name → choices
        self._report_other_languages()
        self._report_settings()

    # -- texts -------------------------------------------------------------------------
    def _report_other_languages(self) -> None:
        headers = {h for row in [*self.survey, *self.choices] for h in row.cells}
        for header in sorted(headers):
            base, _sep, suffix = header.partition("::")
            if suffix and base in (*TEXT_COLUMNS, "form_title") and _language(suffix) is None:
                self.report.add("survey", None, f"column '{header}' is not read: formkit "
                                "forms are in English and French")

    def _report_settings(self) -> None:
        for header, value in self.settings.cells.items():
            if header.partition("::")[0] in SETTINGS_READ:
                continue
            why = SETTINGS_MEANING.get(header, "formkit has no such setting")
            self.report.add("settings", self.settings.number, f"setting '{header}' "
                            f"('{value}') is not carried over: {why}")

    def text(self, row: Row, base: str) -> dict[str, str] | None:
        """``{en, fr}`` from ``base`` and ``base::<language>`` columns."""
        found: dict[str, str] = {}
        for header in row.cells:
            name, _sep, suffix = header.partition("::")
            if name != base:
                continue
            lang = _language(suffix) if suffix else self.default_language
            if lang and row.get(header):
                found.setdefault(lang, row.get(header))
        if not found:
            return None
        for lang, other in (("fr", "en"), ("en", "fr")):
            if lang not in found:
                name = "French" if lang == "fr" else "English"
                self.report.add(row.sheet, row.number, f"no {name} {base}; the "
                                f"{'English' if other == 'en' else 'French'} text was copied "
                                "— translate it", kind=f"no-{lang}",
                                detail=f"{row.get('name')} {base}".strip())
            found.setdefault(lang, found.get(other, ""))
        return {"en": found["en"], "fr": found["fr"]}

    # -- names -------------------------------------------------------------------------
    def new_id(self, row: Row, name: str) -> str:
        ident = as_identifier(name) or "question"
        if not ident[0].isalpha():
            ident = f"q_{ident}"
        ident = ident[:60]
        base, n = ident, 2
        while ident in self.kinds or ident in self.ids.values():
            ident, n = f"{base}_{n}", n + 1
        if ident != name:
            self.report.add(row.sheet, row.number, f"name '{name}' became id '{ident}' "
                            "(lower case letters, digits and _)", kind="renamed",
                            detail=f"{name} → {ident}")
        self.ids[name] = ident
        return ident

    def field_id(self, name: str) -> str:
        return self.ids.get(name, name)

    # -- the whole form ------------------------------------------------------------------
    def run(self, form_id: str | None = None) -> dict[str, Any]:
        title = self.text(self.settings, "form_title")
        if title is None:
            stem = self.path.stem.replace("_", " ").replace("-", " ").strip().capitalize()
            title = {"en": stem, "fr": stem}
            self.report.add("settings", None, "no form_title; the file name was used — "
                            "write the English and French titles")
        raw_id = form_id or self.settings.get("form_id") or self.path.stem
        ident = as_identifier(raw_id)
        if not ID_PATTERN.match(ident):
            ident = f"form_{ident}"[:60]
        version = self.settings.get("version") or "1"
        if not re.match(r"^[0-9A-Za-z._-]+$", version):
            version = "1"
        sections = self._sections(title)
        return {"id": ident, "version": version, "title": title, "sections": sections}

    def _sections(self, title: dict[str, str]) -> list[dict[str, Any]]:
        sections: list[dict[str, Any]] = []
        current: dict[str, Any] | None = None
        #: one entry per open group: its condition (None when it has none) or False when
        #: its relevant could not be carried over
        groups: list[dict[str, Any] | None] = []
        repeat: dict[str, Any] | None = None
        for row in self.survey:
            kind, argument = parse_type(row.get("type"))
            if kind == "begin group":
                if not groups and repeat is None:
                    current = self._new_section(row, sections, title)
                    groups.append(None)  # the page carries the condition itself
                else:
                    groups.append(self._inner_group(row, in_table=repeat is not None))
                continue
            if kind == "end group":
                if groups:
                    groups.pop()
                if not groups and repeat is None:
                    current = None
                continue
            if kind == "end loop":
                continue
            if kind == "begin loop":
                self.report.add(row.sheet, row.number, f"'{kind}' over a list cannot be "
                                "carried over; its questions are asked once")
                continue
            if kind == "begin repeat":
                if repeat is not None:
                    self.report.add(row.sheet, row.number, "a repeat inside a repeat cannot "
                                    "be carried over; its questions become columns of the "
                                    "outer table")
                    continue
                if current is None:
                    current = self._new_section(None, sections, title)
                repeat = self._table(row, self._inherited(groups))
                continue
            if kind == "end repeat":
                if repeat is not None:
                    self._close_table(row, repeat, current)
                repeat = None
                continue
            spec = self._field(row, kind, argument, in_table=repeat is not None,
                               inherited=self._inherited(groups))
            if spec is None:
                continue
            if repeat is not None:
                repeat["columns"].append(spec)
                self.absent[row.get("name")] = (f"'{row.get('name')}' is a column of the "
                                                f"table '{repeat['id']}'; a condition "
                                                "cannot read a table's rows")
                continue
            if current is None:
                current = self._new_section(None, sections, title)
            current["fields"].append(spec)
            self.known.append(spec["id"])
        for section in [s for s in sections if not s["fields"]]:
            self.report.add("survey", section.pop("_row"), f"page '{section['id']}' has no "
                            "question formkit can show; left out")
        kept = [s for s in sections if s["fields"]]
        for section in kept:
            section.pop("_row", None)
        return kept

    def _inner_group(self, row: Row, *, in_table: bool) -> dict[str, Any] | None:
        """A group inside a page or table: its questions join the outer one, and its
        ``relevant`` joins each of their conditions (as in XLSForm, where a question of
        a hidden group is hidden)."""
        self.report.add(row.sheet, row.number, f"group '{row.get('name')}' inside another "
                        "group or repeat: its questions join the outer one"
                        + (", each shown under the group's condition"
                           if row.get("relevant") and not in_table else ""))
        self._report_unread(row, {"type", "name", "label", "relevant", "appearance"})
        if in_table and row.get("relevant"):
            self.report.add(row.sheet, row.number, "table columns cannot be conditional; "
                            f"the relevant of group '{row.get('name')}' is left out")
            return None
        return self._condition(row, "group")

    @staticmethod
    def _inherited(groups: list[dict[str, Any] | None]) -> list[dict[str, Any]]:
        return [g for g in groups if g]

    def _new_section(self, row: Row | None, sections: list, title: dict[str, str]
                     ) -> dict[str, Any]:
        number = len(sections) + 1
        section: dict[str, Any] = {"id": f"page_{number}", "_row": row.number if row else None}
        if row is not None:
            name = as_identifier(row.get("name"))
            if name and name[0].isalpha() and name not in {s["id"] for s in sections}:
                section["id"] = name
            section["title"] = self.text(row, "label") or dict(title)
            condition = self._condition(row, "page")
            if condition:
                section["show_if"] = condition
            self._report_unread(row, {"type", "name", "label", "relevant"})
        else:
            section["title"] = dict(title)
        section["fields"] = []
        sections.append(section)
        return section

    # -- one question ------------------------------------------------------------------
    def _field(self, row: Row, kind: str, argument: str, *, in_table: bool,
               inherited: list[dict[str, Any]]) -> dict[str, Any] | None:
        name = row.get("name")
        if kind in UNMAPPED_TYPES or kind.endswith("_from_file"):
            what = UNMAPPED_TYPES.get(kind, "a list from a file")
            self.report.add(row.sheet, row.number, f"'{name or kind}' ({kind}) is {what}, "
                            "which formkit forms do not ask; left out", kind="not-asked",
                            detail=f"{name or kind} ({kind})")
            self._absent(name, row, f"is {what} and was left out")
            return None
        if kind not in ("text", "integer", "decimal", "date", "select_one", "select_multiple",
                        "note", "range", "acknowledge"):
            self.report.add(row.sheet, row.number, f"type '{row.get('type')}' is not known; "
                            f"'{name}' left out")
            self._absent(name, row, "was left out")
            return None
        if not name:
            self.report.add(row.sheet, row.number, "a question without a name; left out")
            return None
        label = self.text(row, "label")
        spec: dict[str, Any] = {"id": self.new_id(row, name)}
        used = {"type", "name", "label", "hint", "required", "relevant"}
        if kind == "note":
            spec["type"] = "info"
            spec["text"] = label or {"en": name, "fr": name}
        else:
            spec["type"], extra_used = self._typed(row, kind, argument, spec)
            used |= extra_used
            if spec["type"] is None:
                self.ids.pop(name, None)
                self._absent(name, row, "was left out")
                return None
            if label is None:
                label = {"en": name, "fr": name}
                self.report.add(row.sheet, row.number, f"'{name}' has no label; its name "
                                "was used — write the question in both languages")
            spec["label"] = label
        hint = self.text(row, "hint")
        if hint:
            spec["help"] = hint
        required = row.get("required").lower()
        if required in ("yes", "true", "true()", "1"):
            spec["required"] = True
        elif required not in ("", "no", "false", "false()", "0"):
            self.report.add(row.sheet, row.number, f"required '{row.get('required')}' is an "
                            "expression; the question is optional — make it required by hand")
        if in_table and row.get("relevant"):
            self.report.add(row.sheet, row.number, "table columns cannot be conditional; "
                            f"the relevant of '{name}' is left out")
        elif not in_table:
            own = self._condition(row, "question")
            conditions = [*copy.deepcopy(inherited), *([own] if own else [])]
            if len(conditions) == 1:
                spec["show_if"] = conditions[0]
            elif conditions:
                spec["show_if"] = {"all": conditions}
        self._report_unread(row, used)
        order = ("id", "type", "label", "text", "help", "required", "show_if")
        spec = {**{k: spec[k] for k in order if k in spec},
                **{k: v for k, v in spec.items() if k not in order}}
        self.kinds[spec["id"]] = spec["type"]
        if in_table and spec["type"] not in COLUMN_TYPES:
            self.report.add(row.sheet, row.number, f"'{name}' ({spec['type']}) cannot be a "
                            "table column; left out")
            self._absent(name, row, "was left out")
            return None
        return spec

    def _absent(self, name: str, row: Row, why: str) -> None:
        if name:
            self.absent[name] = f"'{name}' ({row.sheet}:{row.number}) {why}"

    def _typed(self, row: Row, kind: str, argument: str, spec: dict[str, Any]
               ) -> tuple[str | None, set[str]]:
        """The formkit type, filling type options into ``spec``; the columns it read."""
        appearance = row.get("appearance").lower()
        if kind == "text":
            return ("textarea" if "multiline" in appearance else "text"), {"appearance"}
        if kind in ("integer", "decimal"):
            self._bounds(row, spec)
            return kind, {"constraint"}
        if kind == "date":
            return "date", set()
        if kind == "acknowledge":
            self.values[spec["id"]] = {"OK": True}
            return "yesno", set()
        if kind == "range":
            return self._range(row, spec), {"parameters"}
        list_name = argument.split(" ")[0]
        if argument.endswith(("or_other", "or other", "or specify other")):
            self.report.add(row.sheet, row.number, "'or_other' is not carried over: add an "
                            "'other' choice and a text question shown when it is chosen")
        choices = self._choices(list_name)
        if not choices:
            self.report.add(row.sheet, row.number, f"list '{list_name}' has no choices in the "
                            f"choices sheet; '{row.get('name')}' left out")
            return None, set()
        keys = [c["key"] for c in choices]
        if kind == "select_one" and sorted(keys) == ["no", "yes"]:
            self.values[spec["id"]] = {"yes": True, "no": False}
            return "yesno", set()
        self.values[spec["id"]] = {key: key for key in keys}
        if kind == "select_one" and "likert" in appearance and _as_scale(choices, spec):
            self.values[spec["id"]] = {key: (key if key == "na" else int(key))
                                       for key in keys}
            return "scale", {"appearance"}
        spec["choices"] = choices
        if kind == "select_multiple":
            self._bounds(row, spec, r"count-selected\(\s*\.\s*\)")
            return "multichoice", {"constraint"}
        if appearance and any(a in appearance for a in ("minimal", "autocomplete")):
            spec["widget"] = "select"
            return "choice", {"appearance"}
        return "choice", set()

    def _choices(self, list_name: str) -> list[dict[str, Any]]:
        """The choices of a list, read (and reported on) once however many questions
        use it."""
        if list_name not in self.lists:
            self.lists[list_name] = self._read_list(list_name)
        return copy.deepcopy(self.lists[list_name])  # no YAML anchors between questions

    def _read_list(self, list_name: str) -> list[dict[str, Any]]:
        result, seen = [], set()
        for row in self.choice_rows.get(list_name, []):
            key = row.get("name")
            if not key or key in seen:
                self.report.add("choices", row.number, f"choice '{key}' of list '{list_name}' "
                                "is empty or repeated; left out")
                continue
            seen.add(key)
            label = self.text(row, "label") or {"en": key, "fr": key}
            self._report_unread(row, {"list_name", "name", "label"})
            result.append({"key": key, "label": label})
        return result

    def _range(self, row: Row, spec: dict[str, Any]) -> str:
        params = dict(re.findall(r"(\w+)\s*=\s*(-?[\d.]+)", row.get("parameters")))
        start, end, step = (float(params.get(k, d)) for k, d in
                            (("start", 1), ("end", 10), ("step", 1)))
        if start == 1 and step == 1 and end == int(end) and 2 <= end <= 11:
            spec["points"] = int(end)
            return "scale"
        self.report.add(row.sheet, row.number, f"range {row.get('parameters') or '(default)'} "
                        "is not 1 to N in steps of 1; it became a number between its ends")
        spec["min"], spec["max"] = _whole(start), _whole(end)
        return "decimal" if step != int(step) else "integer"

    def _bounds(self, row: Row, spec: dict[str, Any], subject: str = r"\.") -> None:
        """``. >= 1 and . <= 9`` (or ``count-selected(.)`` …) as ``min``/``max``."""
        constraint = row.get("constraint")
        if not constraint:
            return
        parts = re.split(r"\s+and\s+", constraint.strip())
        found = {}
        for part in parts:
            match = re.fullmatch(subject + r"\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)", part.strip())
            if not match:
                found = None
                break
            op, number = match.groups()
            value = float(number) if "." in number else int(number)
            if op in (">", "<") and isinstance(value, int):
                value = value + 1 if op == ">" else value - 1
            elif op in (">", "<"):
                found = None
                break
            found["min" if op.startswith(">") else "max"] = value
        if found:
            spec.update(found)
        else:
            self.report.add(row.sheet, row.number, f"constraint '{constraint}' is not a "
                            "simple range; it is not checked — add min/max by hand")

    def _condition(self, row: Row, target: str) -> dict[str, Any] | None:
        """The ``show_if`` for a row's ``relevant``, or None (reported) when formkit
        cannot test exactly what it tests. ``target`` names what it would hide."""
        expression = row.get("relevant")
        if not expression:
            return None

        def field_id(name: str) -> str:
            ident = self.field_id(name)
            if ident not in self.known:
                raise Unsupported(self.absent.get(name, f"'{name}' is not an earlier "
                                                        "question"))
            return ident

        try:
            return parse_relevant(expression, field_id, self._stored_value)
        except Unsupported as exc:
            shown = {"question": "the question is always shown", "page": "the page is "
                     "always shown", "table": "the table is always shown",
                     "group": "its questions are shown without it"}[target]
            self.report.add(row.sheet, row.number, f"relevant '{expression}' cannot be "
                            f"carried over ({exc}); {shown}")
            return None

    def _stored_value(self, ident: str, value: Any, test: str) -> Any:
        """The value formkit stores for XLSForm's ``value`` of question ``ident``, when
        formkit's test gives the same answer as XLSForm's ``test`` on it."""
        values = self.values.get(ident)
        kind = self.kinds.get(ident)
        if values is None:
            if test == "selected":
                raise Unsupported(f"selected() reads a list question; '{ident}' is {kind}")
            return value
        if kind == "multichoice" and test != "selected":
            raise Unsupported(f"'{ident}' takes several answers: '{test}' compares all of "
                              "them at once; use selected(), which formkit can test")
        if str(value) not in values:
            raise Unsupported(f"'{value}' is not a value of '{ident}' "
                              f"({', '.join(map(str, values))})")
        return values[str(value)]

    def _report_unread(self, row: Row, used: set[str]) -> None:
        for header in row.cells:
            base = header.partition("::")[0]
            if base in used or base in TEXT_COLUMNS:
                continue
            value = row.get(header)
            if base == "appearance" and value.lower() in ("field-list", ""):
                continue
            if base == "media":
                self.report.add(row.sheet, row.number, f"'{header}' ('{value}') is not "
                                "carried over: formkit forms show no images, audio or video",
                                kind="media", detail=value)
            elif base in ("constraint_message", "required_message"):
                self.report.add(row.sheet, row.number, f"{base.replace('_', ' ')} "
                                f"'{value}' is not carried over: formkit shows its own, in "
                                "both languages", kind="message",
                                detail=f"{row.get('name')} {base}")
            else:
                self.report.add(row.sheet, row.number, f"column '{header}' "
                                f"('{value}') is not carried over", kind=f"column:{header}",
                                detail=f"'{value}'")

    def _table(self, row: Row, inherited: list[dict[str, Any]]) -> dict[str, Any]:
        name = row.get("name") or "rows"
        label = self.text(row, "label") or {"en": name, "fr": name}
        table = {"id": self.new_id(row, name), "type": "table", "label": label, "columns": [],
                 "_row": row}
        condition = self._condition(row, "table")
        conditions = [*copy.deepcopy(inherited), *([condition] if condition else [])]
        if conditions:
            table["show_if"] = conditions[0] if len(conditions) == 1 else {"all": conditions}
        if row.get("repeat_count"):
            self.report.add(row.sheet, row.number, f"repeat_count '{row.get('repeat_count')}' "
                            "is not carried over; respondents add the rows they need")
        self._report_unread(row, {"type", "name", "label", "relevant", "repeat_count"})
        return table

    def _close_table(self, row: Row, table: dict[str, Any], section: dict[str, Any]) -> None:
        start = table.pop("_row")
        if not table["columns"]:
            self.report.add(start.sheet, start.number, f"repeat '{start.get('name')}' has no "
                            "question a table can hold; left out")
            return
        for column in table["columns"]:
            self.kinds.pop(column["id"], None)
        self.kinds[table["id"]] = "table"
        section["fields"].append(table)
        self.known.append(table["id"])


def _as_scale(choices: list[dict[str, Any]], spec: dict[str, Any]) -> bool:
    """A likert list keyed 1..N (and perhaps "na") is a scale: fill ``spec`` and say so.
    Labels like "1 – Poor" become anchors; plain numbers need none."""
    keys = [c["key"] for c in choices]
    not_applicable = keys[-1:] == ["na"]
    points = len(keys) - not_applicable
    if not 2 <= points <= 11 or keys[:points] != [str(i) for i in range(1, points + 1)]:
        return False
    anchors = {}
    for choice in choices[:points]:
        texts = {lang: re.sub(rf"^{choice['key']}\s*[–-]\s*", "", text).strip()
                 for lang, text in choice["label"].items()}
        if texts["en"] != choice["key"]:
            anchors[int(choice["key"])] = texts
    spec["points"] = points
    if anchors:
        spec["anchors"] = anchors
    if not_applicable:
        spec["not_applicable"] = True
    return True


def _whole(value: float) -> int | float:
    return int(value) if value == int(value) else value


def import_xlsform(path: str | Path, form_id: str | None = None
                   ) -> tuple[dict[str, Any], list[str]]:
    """The formkit form (as YAML-ready data) and the report of what was not carried over.

    :raises XLSFormError: when the file is not an XLSForm workbook.
    """
    importer = Importer(Path(path))
    form = importer.run(form_id)
    return form, importer.report.lines()

"""Write a formkit form as an XLSForm, so it can move to KoboToolbox or ODK Collect for
offline field collection. Where XLSForm has no exact equivalent the nearest one is used
and the report says so (a currency is a decimal, a matrix a group of one question per
row, a table a repeat)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

from formkit.conditions import Condition
from formkit.schema import FieldSpec, Form, Text
from formkit.xlsform.expressions import to_relevant

LANG_HEADERS = {"en": "English (en)", "fr": "French (fr)"}
SURVEY = ["type", "name", *(f"label::{h}" for h in LANG_HEADERS.values()),
          *(f"hint::{h}" for h in LANG_HEADERS.values()),
          "required", "relevant", "constraint", "appearance", "parameters"]
CHOICES = ["list_name", "name", *(f"label::{h}" for h in LANG_HEADERS.values())]
SIMPLE = {"text": "text", "integer": "integer", "decimal": "decimal", "currency": "decimal",
          "date": "date"}


def _texts(prefix: str, text: Text | None) -> dict[str, str]:
    if text is None:
        return {}
    return {f"{prefix}::{header}": text.get(lang) for lang, header in LANG_HEADERS.items()}


class Exporter:
    def __init__(self, form: Form):
        self.form = form
        self.survey: list[dict[str, Any]] = []
        self.choices: list[dict[str, Any]] = []
        self.report: list[str] = []
        self.lists: set[str] = set()

    def note(self, spec: FieldSpec, message: str) -> None:
        self.report.append(f"{self.form.source or self.form.id}:{spec.line}: "
                           f"'{spec.id}': {message}")

    def relevant(self, condition: Condition | None) -> str:
        if condition is None:
            return ""
        return to_relevant(condition.to_json(), lambda f: self.form.field(f).type
                           if self.form.has_field(f) else "")

    def add_list(self, name: str, items: list[tuple[str, Text]]) -> str:
        if name not in self.lists:
            self.lists.add(name)
            for key, text in items:
                self.choices.append({"list_name": name, "name": key, **_texts("label", text)})
        return name

    def run(self) -> openpyxl.Workbook:
        for section in self.form.sections:
            self.survey.append({"type": "begin group", "name": section.id,
                                **_texts("label", section.title), "appearance": "field-list",
                                "relevant": self.relevant(section.show_if)})
            for spec in section.fields:
                self.field(spec)
            self.survey.append({"type": "end group", "name": section.id})
        self.report.append(f"{self.form.source or self.form.id}: XLSForm has one form "
                           f"title; the English one was written (French: "
                           f"{self.form.title.fr!r})")
        if self.form.scoring:
            self.report.append(f"{self.form.source or self.form.id}: the declared scores "
                               "are not exported (XLSForm calculations differ); the answers "
                               "they use are")
        return self.workbook()

    def field(self, spec: FieldSpec, *, column: bool = False) -> None:
        row: dict[str, Any] = {"name": spec.id, **_texts("label", spec.label),
                               **_texts("hint", spec.help),
                               "required": "yes" if spec.required else "",
                               "relevant": "" if column else self.relevant(spec.show_if)}
        kind, options = spec.type, spec.options
        if kind in SIMPLE:
            row["type"] = SIMPLE[kind]
            bounds = [f". >= {options['min']}" if options.get("min") is not None else "",
                      f". <= {options['max']}" if options.get("max") is not None else ""]
            row["constraint"] = " and ".join(b for b in bounds if b)
            if kind == "currency":
                self.note(spec, "a currency is exported as a decimal number")
            if kind == "text" and options.get("format"):
                self.note(spec, f"the {options['format']} format is not checked in XLSForm")
            if kind == "date" and row["constraint"]:
                row["constraint"] = ""
                self.note(spec, "date limits are not exported")
        elif kind == "textarea":
            row.update(type="text", appearance="multiline")
        elif kind == "yesno":
            row["type"] = "select_one " + self.add_list("yes_no", [
                ("yes", Text("Yes", "Oui")), ("no", Text("No", "Non"))])
        elif kind in ("choice", "multichoice"):
            word = "select_one" if kind == "choice" else "select_multiple"
            row["type"] = f"{word} {self.add_list(spec.id, options['choices'])}"
            if options.get("widget") == "select":
                row["appearance"] = "minimal"
            limits = [f"count-selected(.) >= {options['min']}" if options.get("min") else "",
                      f"count-selected(.) <= {options['max']}" if options.get("max") else ""]
            row["constraint"] = " and ".join(limit for limit in limits if limit)
        elif kind == "scale":
            row["type"] = "select_one " + self.add_list(spec.id, self.points(spec))
            row["appearance"] = "likert"
        elif kind == "matrix":
            self.matrix(spec, row)
            return
        elif kind == "table":
            self.table(spec, row)
            return
        elif kind == "info":
            text = options.get("text") or spec.label
            row = {"type": "note", "name": spec.id, **_texts("label", text),
                   "relevant": row["relevant"]}
        else:
            self.note(spec, f"type '{kind}' (from a plugin) has no XLSForm equivalent; "
                      "exported as text")
            row["type"] = "text"
        self.survey.append(row)

    def points(self, spec: FieldSpec) -> list[tuple[str, Text]]:
        anchors = spec.options.get("anchors") or {}
        items = []
        for point in range(1, spec.options["points"] + 1):
            anchor = anchors.get(point)
            items.append((str(point), Text(f"{point} – {anchor.en}", f"{point} – {anchor.fr}")
                          if anchor else Text(str(point), str(point))))
        if spec.options.get("not_applicable"):
            items.append(("na", Text("Not applicable", "Sans objet")))
        return items

    def matrix(self, spec: FieldSpec, row: dict[str, Any]) -> None:
        """A group of one likert question per row, named ``<id>_<row>``."""
        self.note(spec, "a matrix is exported as a group with one question per row "
                  f"(named {spec.id}_<row>)")
        list_name = self.add_list(spec.id, self.points(spec))
        self.survey.append({"type": "begin group", "name": spec.id, **_texts("label", spec.label),
                            "appearance": "field-list", "relevant": row["relevant"]})
        for key, text in spec.options["rows"]:
            self.survey.append({"type": f"select_one {list_name}", "name": f"{spec.id}_{key}",
                                **_texts("label", text), "required": row["required"],
                                "appearance": "likert"})
        self.survey.append({"type": "end group", "name": spec.id})

    def table(self, spec: FieldSpec, row: dict[str, Any]) -> None:
        if spec.options.get("min_rows") or spec.options.get("max_rows"):
            self.note(spec, "the table's row limits are not exported")
        self.survey.append({"type": "begin repeat", "name": spec.id, **_texts("label", spec.label),
                            "relevant": row["relevant"]})
        for column in spec.options["columns"]:
            self.field(column, column=True)
        self.survey.append({"type": "end repeat", "name": spec.id})

    def workbook(self) -> openpyxl.Workbook:
        book = openpyxl.Workbook()
        survey = book.active
        survey.title = "survey"
        survey.append(SURVEY)
        for row in self.survey:
            survey.append([row.get(column) or None for column in SURVEY])
        choices = book.create_sheet("choices")
        choices.append(CHOICES)
        for row in self.choices:
            choices.append([row.get(column) for column in CHOICES])
        settings = book.create_sheet("settings")
        # XLSForm has one untranslated title: the English one, the French one reported.
        settings.append(["form_id", "version", "default_language", "form_title"])
        settings.append([self.form.id, self.form.version, LANG_HEADERS["en"],
                         self.form.title.en])
        return book


def export_xlsform(form: Form, path: str | Path) -> list[str]:
    """Write ``form`` to ``path`` (.xlsx); returns what was approximated or left out."""
    exporter = Exporter(form)
    exporter.run().save(Path(path))
    return exporter.report

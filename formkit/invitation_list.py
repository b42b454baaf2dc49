"""Reading the list of people a coordinator invites: lines "Name, email" pasted in a box,
or a CSV file (``name,email`` columns, an optional ``language`` column), with or without
a header row, a byte-order mark, or ``;`` / tab separators (spreadsheets in French use
``;``). Each line that cannot be read is reported with its number; the others are kept.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

#: people one list may hold (a bigger mailing is several lists).
MAX_PEOPLE = 2000
MAX_NAME = 200
#: header cells, in either language, naming each column.
HEADERS = {
    "name": {"name", "nom", "full name", "nom complet", "prénom et nom"},
    "email": {"email", "e-mail", "courriel", "adresse courriel", "email address",
              "adresse électronique", "mail"},
    "language": {"language", "langue", "lang"},
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    #: ``None``: the language chosen for the whole list.
    locale: str | None = None


@dataclass(frozen=True)
class Problem:
    line: int
    message: str
    text: str


def decode(data: bytes) -> str:
    """An uploaded file's text: UTF-8 (with or without BOM), else Windows-1252 (what
    Excel writes in Canada)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _separator(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max((",", ";", "\t"), key=first.count)


def _header(cells: list[str]) -> dict[str, int] | None:
    """Which column holds what, when ``cells`` is a header row."""
    found = {}
    for index, cell in enumerate(cells):
        for column, names in HEADERS.items():
            if cell.strip().lower() in names:
                found.setdefault(column, index)
    return found if "email" in found else None


def read_people(text: str, languages: list[str]) -> tuple[list[Person], list[Problem]]:
    """The people listed in ``text`` and the lines that could not be read."""
    text = text.lstrip("\ufeff")
    people: list[Person] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    columns = None
    reader = csv.reader(io.StringIO(text), delimiter=_separator(text), skipinitialspace=True)
    first = True
    try:
        for cells in reader:
            line = reader.line_num
            cells = [cell.strip() for cell in cells]
            if not any(cells):
                continue
            raw = ", ".join(cells)
            if first:
                first = False
                columns = _header(cells)
                if columns is not None:
                    continue
            person, problem = _person(cells, columns, languages)
            if problem:
                problems.append(Problem(line, problem, raw))
            elif person.email in seen:
                problems.append(Problem(line, _("%(email)s is already on line %(line)d.",
                                                email=person.email, line=seen[person.email]),
                                        raw))
            elif len(people) >= MAX_PEOPLE:
                problems.append(Problem(line, _("A list holds at most %(num)d people: send "
                                                "the rest in another list.", num=MAX_PEOPLE),
                                        raw))
            else:
                seen[person.email] = line
                people.append(person)
    except csv.Error:
        # a cell over the csv module's limit: the rest goes back to the coordinator
        rest = "\n".join(text.splitlines()[max(0, reader.line_num - 1):])
        problems.append(Problem(reader.line_num, _("This line could not be read: a cell is "
                                                   "far too long."), rest))
    return people, problems


def _person(cells: list[str], columns: dict[str, int] | None,
            languages: list[str]) -> tuple[Person | None, str | None]:
    if columns is not None:
        def cell(column: str) -> str:
            index = columns.get(column)
            return cells[index] if index is not None and index < len(cells) else ""

        name, address, language = cell("name"), cell("email"), cell("language")
    else:
        if len(cells) > 3:
            return None, _("Write one person per line: a name, then an email address.")
        cells = cells + [""] * (3 - len(cells))
        name, address, language = cells
        if "@" in name and "@" not in address:  # "email, name" works too
            name, address = address, name
    if not address:
        return None, _("There is no email address on this line.")
    try:
        email = validate_email(address, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None, _("“%(text)s” is not an email address.", text=address[:100])
    name = _CONTROL.sub("", name)
    if len(name) > MAX_NAME:
        return None, _("The name is longer than %(num)d characters.", num=MAX_NAME)
    language = language.lower()
    if language and language not in languages:
        return None, _("Unknown language “%(text)s”: write %(languages)s.",
                       text=language[:20], languages=", ".join(languages))
    return Person(name, email, language or None), None


def read_reminders(text: str) -> list[int] | None:
    """Days after the invitation for reminders ("7, 14"; empty or "none": none);
    ``None`` when it cannot be read."""
    text = (text or "").strip().lower()
    if text in ("", "none", "aucun", "aucune", "0"):
        return []
    parts = [p for p in re.split(r"[\s,;]+|\band\b|\bet\b", text) if p]
    if not all(p.isascii() and p.isdigit() for p in parts):
        return None
    days = sorted({int(p) for p in parts})
    if len(days) > 5 or days[0] < 1 or days[-1] > 365:
        return None
    return days

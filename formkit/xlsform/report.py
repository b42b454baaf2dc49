"""The import report: what could not be carried over, each with its sheet and row.

Problems that need one decision each (a condition, a constraint) keep a line each;
problems of one kind repeated over many rows (a missing French text, a renamed id) are
grouped into one line with their count and the first places, so a report on a form of a
thousand rows stays readable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: a kind with more entries than this becomes one line
GROUP_AFTER = 5
SHOWN = 5

#: kind → (what the entries share, the noun they are counted in)
KINDS = {
    "no-fr": ("no French text; the English was copied — translate it", "texts"),
    "no-en": ("no English text; the French was copied — translate it", "texts"),
    "renamed": ("names changed into formkit ids (lower case letters, digits and _)",
                "names"),
    "media": ("images, audio and video are not carried over: formkit forms show none",
              "files"),
    "message": ("constraint and required messages are not carried over: formkit shows "
                "its own, in both languages", "messages"),
    "not-asked": ("metadata, calculations and questions formkit forms do not ask were "
                  "left out", "rows"),
}


def describe(kind: str) -> tuple[str, str]:
    """What the entries of ``kind`` share, and the noun they are counted in."""
    if kind.startswith("column:"):
        return f"column '{kind.partition(':')[2]}' is not carried over", "cells"
    return KINDS[kind]


@dataclass
class Entry:
    place: str      # "survey:14"
    message: str
    kind: str | None
    detail: str     # what a grouped line shows for this entry


@dataclass
class Report:
    source: str
    entries: list[Entry] = field(default_factory=list)

    def add(self, sheet: str, row: int | None, message: str, *, kind: str | None = None,
            detail: str = "") -> None:
        """One problem; ``kind`` (a key of :data:`KINDS`) lets it be grouped."""
        place = sheet + (f":{row}" if row else "")
        self.entries.append(Entry(place, message, kind, detail))

    def lines(self) -> list[str]:
        """One line per problem, or per kind for the kinds with many entries."""
        counts: dict[str, list[Entry]] = {}
        for entry in self.entries:
            if entry.kind:
                counts.setdefault(entry.kind, []).append(entry)
        lines, grouped = [], set()
        for entry in self.entries:
            same = counts.get(entry.kind or "", [])
            if len(same) <= GROUP_AFTER:
                lines.append(f"{self.source}:{entry.place}: {entry.message}")
            elif entry.kind not in grouped:
                grouped.add(entry.kind)
                what, noun = describe(entry.kind)
                first = ", ".join(f"{e.place} {e.detail}".strip() for e in same[:SHOWN])
                lines.append(f"{self.source}: {what}: {len(same):,} {noun}; "
                             f"first {SHOWN}: {first}")
        return lines

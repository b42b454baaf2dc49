"""XLSForm ``relevant`` expressions to formkit ``show_if`` conditions and back.

Only the simple forms people write by hand are read: comparisons of one question with a
value (``${q} = 'a'``, ``${q} != 2``), ``selected(${q}, 'a')`` and its ``not(...)``,
"answered" tests (``${q} != ''``, ``string-length(${q}) > 0``), joined by all ``and`` or
all ``or``. Anything else is reported, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_VALUE = r"""(?:'(?P<s1>[^']*)'|"(?P<s2>[^"]*)"|(?P<num>-?\d+(?:\.\d+)?))"""
_COMPARE = re.compile(r"^\$\{(?P<field>[^}]+)\}\s*(?P<op>!=|=)\s*" + _VALUE + "$")
_SELECTED = re.compile(r"^selected\(\s*\$\{(?P<field>[^}]+)\}\s*,\s*"
                       r"""['"](?P<value>[^'"]*)['"]\s*\)$""")
_NOT = re.compile(r"^not\s*\((?P<inner>.*)\)$")
_LENGTH = re.compile(r"^string-length\(\s*\$\{(?P<field>[^}]+)\}\s*\)\s*>\s*0$")


class Unsupported(ValueError):
    """The expression is not one of the simple forms formkit can represent."""


def _split(expression: str) -> tuple[str, list[str]]:
    """Top-level ``and``/``or`` parts (parentheses of function calls kept whole)."""
    parts, depth, start, joiners = [], 0, 0, set()
    tokens = re.finditer(r"\(|\)|\s+(and|or)\s+", expression)
    for match in tokens:
        if match.group(0) == "(":
            depth += 1
        elif match.group(0) == ")":
            depth -= 1
        elif depth == 0:
            joiners.add(match.group(1))
            parts.append(expression[start:match.start()])
            start = match.end()
    parts.append(expression[start:])
    if len(joiners) > 1:
        raise Unsupported("mixes 'and' with 'or'")
    return (joiners.pop() if joiners else ""), [p.strip() for p in parts]


def _strip_outer(expression: str) -> str:
    expression = expression.strip()
    while expression.startswith("(") and expression.endswith(")"):
        depth = 0
        for i, char in enumerate(expression):
            depth += (char == "(") - (char == ")")
            if depth == 0 and i < len(expression) - 1:
                return expression  # "(a) or (b)": the outer pair is not one group
        expression = expression[1:-1].strip()
    return expression


def parse_relevant(expression: str, field_id: Callable[[str], str],
                   convert: Callable[[str, Any, str], Any]) -> dict[str, Any]:
    """A ``show_if`` mapping for ``expression``.

    :param field_id: maps an XLSForm name to the formkit field id.
    :param convert: ``convert(field, value, test)`` turns a compared value into the
        stored form (e.g. ``'yes'`` → ``True`` for a yes/no question); ``test`` is ``=``,
        ``!=`` or ``selected``. It raises :class:`Unsupported` when formkit's test would
        not give the same answer as the XLSForm one.
    :raises Unsupported: with the reason, for anything beyond the simple forms.
    """
    joiner, parts = _split(_strip_outer(expression))
    conditions = [_atom(_strip_outer(part), field_id, convert) for part in parts]
    if not joiner:
        return conditions[0]
    return {"all" if joiner == "and" else "any": conditions}


def _atom(text: str, field_id, convert) -> dict[str, Any]:
    if match := _COMPARE.match(text):
        field = field_id(match["field"])
        raw = match["s1"] if match["s1"] is not None else match["s2"]
        value: Any = raw if raw is not None else _number(match["num"])
        if value == "":
            return {"field": field, "answered": match["op"] == "!="}
        op = "equals" if match["op"] == "=" else "not_equals"
        return {"field": field, op: convert(field, value, match["op"])}
    if match := _SELECTED.match(text):
        field = field_id(match["field"])
        return {"field": field, "equals": convert(field, match["value"], "selected")}
    if match := _LENGTH.match(text):
        return {"field": field_id(match["field"]), "answered": True}
    if (match := _NOT.match(text)) and (inner := _SELECTED.match(match["inner"].strip())):
        field = field_id(inner["field"])
        return {"field": field, "not_equals": convert(field, inner["value"], "selected")}
    raise Unsupported(f"'{text}' is not a simple comparison")


def _number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


def to_relevant(condition: dict[str, Any], kind_of: Callable[[str], str]) -> str:
    """An XLSForm ``relevant`` expression for a ``show_if`` mapping; ``kind_of`` gives a
    field's formkit type (a multichoice compares with ``selected``)."""
    for joiner in ("all", "any"):
        if joiner in condition:
            word = " and " if joiner == "all" else " or "
            return word.join(f"({to_relevant(part, kind_of)})" for part in condition[joiner])
    field = condition["field"]
    ref = "${" + field + "}"
    if "answered" in condition:
        return f"{ref} != ''" if condition["answered"] else f"{ref} = ''"
    if "one_of" in condition:
        return " or ".join(f"({to_relevant({'field': field, 'equals': v}, kind_of)})"
                           for v in condition["one_of"])
    op = "equals" if "equals" in condition else "not_equals"
    value = condition[op]
    if kind_of(field) == "multichoice":
        test = f"selected({ref}, {_quote(value)})"
        return test if op == "equals" else f"not({test})"
    if isinstance(value, bool):
        value = "yes" if value else "no"
    literal = str(value) if isinstance(value, int | float) else _quote(value)
    return f"{ref} {'=' if op == 'equals' else '!='} {literal}"


def _quote(value: Any) -> str:
    text = str(value)
    return f'"{text}"' if "'" in text else f"'{text}'"

"""XLSForm ``relevant`` expressions to formkit ``show_if`` conditions and back.

Only the simple forms people write by hand are read: comparisons of one question with a
value (``${q} = 'a'``, ``${q} != 2``), ``selected(${q}, 'a')``, "answered" tests
(``${q} != ''``, ``string-length(${q}) > 0``), ``not(...)`` of one of these, joined by
``and`` and ``or`` with parentheses. Anything else is reported, never guessed.
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


#: what the splitter steps over: a quoted text, a parenthesis, or a joining word
_TOKENS = re.compile(r"""'[^']*'|"[^"]*"|\(|\)|\s+(and|or)\s+""")


def _split(expression: str, word: str) -> list[str]:
    """The parts of ``expression`` joined by ``word`` (``and``/``or``) outside any
    parentheses or quoted text."""
    parts, depth, start = [], 0, 0
    for match in _TOKENS.finditer(expression):
        token = match.group(0)
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        elif match.group(1) == word and depth == 0:
            parts.append(expression[start:match.start()])
            start = match.end()
    parts.append(expression[start:])
    return [part.strip() for part in parts]


def _strip_outer(expression: str) -> str:
    expression = expression.strip()
    while expression.startswith("(") and expression.endswith(")"):
        depth = 0
        for match in _TOKENS.finditer(expression):
            depth += (match.group(0) == "(") - (match.group(0) == ")")
            if depth == 0 and match.end() < len(expression):
                return expression  # "(a) or (b)": the outer pair is not one group
        expression = expression[1:-1].strip()
    return expression


def parse_relevant(expression: str, field_id: Callable[[str], str],
                   convert: Callable[[str, Any, str], Any]) -> dict[str, Any]:
    """A ``show_if`` mapping for ``expression``.

    ``and`` binds tighter than ``or``, as in XPath; parentheses group.

    :param field_id: maps an XLSForm name to the formkit field id.
    :param convert: ``convert(field, value, test)`` turns a compared value into the
        stored form (e.g. ``'yes'`` → ``True`` for a yes/no question); ``test`` is ``=``,
        ``!=`` or ``selected``. It raises :class:`Unsupported` when formkit's test would
        not give the same answer as the XLSForm one.
    :raises Unsupported: with the reason, for anything beyond the simple forms.
    """
    expression = _strip_outer(expression)
    for word, joiner in (("or", "any"), ("and", "all")):
        parts = _split(expression, word)
        if len(parts) > 1:
            return {joiner: [parse_relevant(part, field_id, convert) for part in parts]}
    return _atom(expression, field_id, convert)


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
    if match := _NOT.match(text):
        inner = _strip_outer(match["inner"])
        if any(len(_split(inner, word)) > 1 for word in ("and", "or")):
            raise Unsupported(f"'{text}' negates several tests")
        return _negated(_atom(inner, field_id, convert))
    raise Unsupported(f"'{text}' is not a simple comparison")


def _negated(condition: dict[str, Any]) -> dict[str, Any]:
    """``not(...)`` of one test: XLSForm's ``not(${q} = 'a')`` holds when ``q`` is
    unanswered, and so does formkit's ``not_equals``."""
    field = condition["field"]
    if "answered" in condition:
        return {"field": field, "answered": not condition["answered"]}
    if "equals" in condition:
        return {"field": field, "not_equals": condition["equals"]}
    return {"field": field, "equals": condition["not_equals"]}


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

"""Conditional display (``show_if``): conditions are data, evaluated without ``eval``.

Forms::

    show_if: {field: role, equals: other}
    show_if: {field: role, not_equals: other}
    show_if: {field: region, one_of: [north, east]}
    show_if: {field: phone, answered: true}
    show_if: {all: [<condition>, ...]}      # or any: [...]

When the answer is a list (multiple choice), ``equals`` means "includes" and
``one_of`` means "includes any of".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from formkit.suggest import closest

if TYPE_CHECKING:
    from formkit.schema import SchemaContext

OPERATORS = ("equals", "not_equals", "one_of", "answered")


def is_answered(value: Any) -> bool:
    """Whether a stored value counts as an answer (``False`` and ``0`` do)."""
    if value is None:
        return False
    if isinstance(value, str | list | dict | tuple):
        return bool(value)
    return True


def same_answer(a: Any, b: Any) -> bool:
    """Whether a condition's value and an answer are the same: compared as text, so
    ``equals: 3`` matches a stored 3 and a choice key "3" alike."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or str(a).lower() == str(b).lower()
    return str(a) == str(b)


def yaml_literal(value: Any) -> str:
    """``value`` as a form file writes it: ``true``, ``3``, ``'yes'``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return repr(str(value))


@dataclass(frozen=True)
class Condition:
    """A test on one earlier answer, or ``all``/``any`` of sub-conditions."""

    op: str
    field: str | None = None
    value: Any = None
    parts: tuple[Condition, ...] = ()

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        if self.op == "all":
            return all(p.evaluate(answers) for p in self.parts)
        if self.op == "any":
            return any(p.evaluate(answers) for p in self.parts)
        answer = answers.get(self.field)  # type: ignore[arg-type]
        if self.op == "answered":
            return is_answered(answer) == bool(self.value)
        values = answer if isinstance(answer, list) else [answer]
        if self.op == "equals":
            return any(same_answer(v, self.value) for v in values)
        if self.op == "not_equals":
            return not any(same_answer(v, self.value) for v in values)
        if self.op == "one_of":
            return any(same_answer(v, w) for v in values for w in self.value)
        raise ValueError(f"unknown operator {self.op}")

    def fields(self) -> set[str]:
        """Ids of every field this condition reads."""
        if self.parts:
            return set().union(*(p.fields() for p in self.parts))
        return {self.field} if self.field else set()

    def to_json(self) -> dict[str, Any]:
        """The condition as plain data, for the page's progressive-enhancement script."""
        if self.parts:
            return {self.op: [p.to_json() for p in self.parts]}
        return {"field": self.field, self.op: self.value}


def parse_condition(
    raw: Any, ctx: SchemaContext, known: list[str], line: int, owner: str | None = None
) -> Condition | None:
    """Check and build a condition; ``known`` lists the ids of earlier fields, ``owner``
    is the id of the field it shows (a field cannot depend on itself)."""
    if not isinstance(raw, Mapping):
        ctx.error(raw, "show_if must be a mapping", line)
        return None
    for combinator in ("all", "any"):
        if combinator in raw:
            items = raw[combinator]
            if len(raw) != 1 or not isinstance(items, list) or not items:
                ctx.error(raw, f"show_if '{combinator}' takes a non-empty list and nothing else",
                          line)
                return None
            parts = [parse_condition(item, ctx, known, line, owner) for item in items]
            if any(p is None for p in parts):
                return None
            return Condition(op=combinator, parts=tuple(parts))  # type: ignore[arg-type]
    field_id = raw.get("field")
    ops = [op for op in OPERATORS if op in raw]
    extra = set(raw) - {"field", *OPERATORS}
    if extra:
        ctx.error(raw, f"show_if: unknown key(s) {', '.join(sorted(extra))}", line,
                  suggestion=" ".join(filter(None, [
                      closest(sorted(extra)[0], ["field", *OPERATORS, "all", "any"]),
                      f"the operators are {', '.join(OPERATORS)}, and all/any of a list"])))
        return None
    if len(ops) != 1:
        ctx.error(raw, f"show_if needs exactly one of {', '.join(OPERATORS)}", line,
                  suggestion="e.g. show_if: {field: other_question, equals: yes}")
        return None
    if owner is not None and field_id == owner:
        ctx.error(raw, f"show_if of '{owner}' refers to '{owner}' itself: a question "
                  "cannot depend on its own answer (it would never show)", line,
                  suggestion="name the earlier question whose answer decides it")
        return None
    if field_id not in known:
        later = ctx.declared.get(str(field_id))
        ctx.error(
            raw,
            f"show_if refers to '{field_id}', which is not an earlier field of this form",
            line,
            suggestion=f"'{field_id}' is asked later (line {later}); a question can only "
            "depend on answers given before it, so move it above this one" if later
            else closest(field_id, known) or f"earlier fields are: {', '.join(known) or 'none'}",
        )
        return None
    op = ops[0]
    value = raw[op]
    if op == "one_of" and (not isinstance(value, list) or not value):
        ctx.error(raw, "show_if one_of takes a non-empty list", line)
        return None
    spec = ctx.fields.get(field_id)
    if spec is not None and op != "answered":
        for item in value if op == "one_of" else [value]:
            problem = spec.kind.condition_problem(spec, item)
            if problem:
                message, suggestion = problem
                ctx.error(raw, f"show_if {op}: {message}", line, suggestion=suggestion)
                return None
    return Condition(op=op, field=field_id, value=tuple(value) if op == "one_of" else value)

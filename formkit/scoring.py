"""Declarative scoring: ``scoring:`` in a form's YAML, for the simple cases without Python.

.. code-block:: yaml

    scoring:
      - id: total
        label: {en: Total score, fr: Score total}
        method: sum            # or mean
        fields: [sleep, mood, energy]
        decimals: 0            # rounding, before bands are matched (default: 0 sum, 1 mean)
        bands:
          - {from: 0, to: 10, label: {en: Low, fr: Faible}}
          - {from: 11, label: {en: High, fr: Élevé}}

Each field's type says what it contributes (:meth:`formkit.fields.FieldType.numbers`):
numbers as typed, a scale's point, every rated row of a matrix, yes = 1 / no = 0, a
choice whose keys are numbers, the number of options ticked in a multichoice.
Unanswered and "not applicable" answers are left out: a mean is over what was answered,
and a score with no answer at all is ``None``. A plugin's own ``formkit_score`` replaces
this; it can call :func:`compute_scores` to keep the declared scores beside its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from formkit.suggest import closest
from formkit.yamlsource import line_of

if TYPE_CHECKING:
    from formkit.schema import FieldSpec, Form, SchemaContext, Text

METHODS = ("sum", "mean")
_RULE_KEYS = {"id", "label", "method", "fields", "bands", "decimals"}


@dataclass(frozen=True)
class Band:
    """A named range of a score, ``low`` and ``high`` inclusive (``None``: open)."""

    low: float | None
    high: float | None
    label: Text

    def holds(self, value: float) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


@dataclass(frozen=True)
class ScoreRule:
    """One declared score: the sum or mean of the numbers some fields contribute."""

    id: str
    label: Text
    method: str
    fields: tuple[str, ...]
    decimals: int
    bands: tuple[Band, ...] = ()

    def compute(self, form: Form, answers: Mapping[str, Any]) -> dict[str, Any]:
        """``{"value", "answered", "band"}``; the band keeps its text in both languages so
        an old response still shows the band it was given if the bands change later."""
        numbers = [n for field_id in self.fields if form.has_field(field_id)
                   for n in _numbers(form.field(field_id), answers.get(field_id))]
        result: dict[str, Any] = {"value": None, "answered": len(numbers), "band": None}
        if not numbers:
            return result
        total = sum(numbers)
        value = round(total / len(numbers) if self.method == "mean" else total, self.decimals)
        result["value"] = int(value) if self.decimals == 0 else value
        band = next((b for b in self.bands if b.holds(value)), None)
        result["band"] = band.label.as_dict() if band else None
        return result


def _numbers(spec: FieldSpec, value: Any) -> list[float]:
    return spec.kind.numbers(spec, value) if spec.kind and value is not None else []


def compute_scores(form: Form, answers: Mapping[str, Any]) -> dict[str, Any] | None:
    """The declared scores of ``answers`` as stored in a response's ``score``:
    ``{"scores": {rule_id: {...}}}``, or ``None`` when the form declares none."""
    if not form.scoring:
        return None
    return {"scores": {rule.id: rule.compute(form, answers) for rule in form.scoring}}


def parse_scoring(data: Mapping, ctx: SchemaContext, fields: Mapping[str, FieldSpec]
                  ) -> tuple[ScoreRule, ...]:
    """Check the ``scoring`` list of a form file, reporting each mistake with its line."""
    raw = data.get("scoring")
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        ctx.error(data, "'scoring' must be a list of scores", key="scoring",
                  suggestion="scoring: [{id: total, label: {en: ..., fr: ...}, method: sum, "
                  "fields: [...]}]")
        return ()
    rules, seen = [], set()
    for item in raw:
        rule = _parse_rule(item, ctx, fields)
        if rule is None:
            continue
        if rule.id in seen:
            ctx.error(item, f"duplicate score id '{rule.id}'",
                      suggestion="give each score its own id")
        seen.add(rule.id)
        rules.append(rule)
    return tuple(rules)


def _parse_rule(item: Any, ctx: SchemaContext, fields: Mapping[str, FieldSpec]
                ) -> ScoreRule | None:
    if not isinstance(item, Mapping):
        ctx.error(item, "each score must be a mapping with id, label, method and fields",
                  line_of(item, 1))
        return None
    errors_before = len(ctx.errors)
    rule_id = ctx.identifier(item)
    unknown = sorted(set(item) - _RULE_KEYS)
    if unknown:
        ctx.error(item, f"score '{rule_id}': unknown key(s) {', '.join(unknown)} "
                  f"(allowed: {', '.join(sorted(_RULE_KEYS))})",
                  suggestion=closest(unknown[0], _RULE_KEYS))
    label = ctx.text(item, "label")
    method = item.get("method", "sum")
    if method not in METHODS:
        ctx.error(item, f"score '{rule_id}': method must be sum or mean (got {method!r})",
                  key="method" if "method" in item else None,
                  suggestion=closest(method, METHODS))
    field_ids = item.get("fields")
    if not isinstance(field_ids, list) or not field_ids:
        ctx.error(item, f"score '{rule_id}' needs a non-empty 'fields' list",
                  suggestion="fields: [first_question, second_question]")
        field_ids = []
    for field_id in field_ids:
        spec = fields.get(str(field_id))
        if spec is None:
            ctx.error(item, f"score '{rule_id}': no field '{field_id}' in this form",
                      key="fields", suggestion=closest(field_id, fields)
                      or "list the ids of the questions to add up")
        elif not (spec.kind and spec.kind.scorable(spec)):
            ctx.error(item, f"score '{rule_id}': field '{field_id}' ({spec.type}) has no "
                      "numbers to add up", key="fields",
                      suggestion="score integer, decimal, currency, scale, matrix, yesno or "
                      "multichoice fields, or choice fields whose keys are numbers")
    default_decimals = 1 if method == "mean" else 0
    decimals = item.get("decimals", default_decimals)
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 4:
        ctx.error(item, f"score '{rule_id}': decimals must be a whole number from 0 to 4",
                  key="decimals" if "decimals" in item else None)
        decimals = default_decimals
    bands = _parse_bands(item, rule_id, ctx)
    if len(ctx.errors) > errors_before or label is None:
        return None
    return ScoreRule(id=rule_id, label=label, method=method,
                     fields=tuple(str(f) for f in field_ids), decimals=decimals, bands=bands)


def _parse_bands(item: Mapping, rule_id: str, ctx: SchemaContext) -> tuple[Band, ...]:
    raw = item.get("bands")
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        ctx.error(item, f"score '{rule_id}': 'bands' must be a list", key="bands",
                  suggestion="bands: [{from: 0, to: 10, label: {en: Low, fr: Faible}}]")
        return ()
    bands: list[Band] = []
    ends: list[float | None] = []  # where each band so far stops
    for raw_band in raw:
        if not isinstance(raw_band, Mapping):
            ctx.error(item, f"score '{rule_id}': each band needs from/to and a label",
                      key="bands")
            continue
        bounds = []
        for key in ("from", "to"):
            bound = raw_band.get(key)
            if bound is not None and (isinstance(bound, bool)
                                      or not isinstance(bound, int | float)):
                ctx.error(raw_band, f"score '{rule_id}': band '{key}' must be a number "
                          f"(got {bound!r})", key=key)
                bound = None
            bounds.append(bound)
        low, high = bounds
        if low is not None and high is not None and low > high:
            ctx.error(raw_band, f"score '{rule_id}': band from {low} is above to {high}",
                      suggestion=f"swap them:  from: {high}, to: {low}")
        for key in sorted(set(raw_band) - {"from", "to", "label"}):
            ctx.error(raw_band, f"score '{rule_id}': unknown band key '{key}'", key=key,
                      suggestion=closest(key, ("from", "to", "label")))
        if ends and (ends[-1] is None or low is None or low <= ends[-1]):
            ctx.error(raw_band, f"score '{rule_id}': bands overlap or are out of order",
                      suggestion="list bands from the lowest up, each starting above where "
                      "the one before ends")
        ends.append(high)
        label = ctx.text(raw_band, "label")
        if label is not None:
            bands.append(Band(low, high, label))
    return tuple(bands)

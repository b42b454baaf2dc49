"""Static information text: shown on the page, nothing stored."""

from __future__ import annotations

from formkit.fields.base import FieldType


class Info(FieldType):
    """``type: info`` — ``text: {en, fr}`` shown as paragraphs (blank lines separate them)."""

    name = "info"
    stores_value = False
    label_required = False
    options = frozenset({"text"})
    template = "fields/info.html"

    def configure(self, spec, options, ctx) -> None:
        super().configure(spec, options, ctx)
        spec.options["text"] = ctx.text(options, "text")

    def wtforms_field(self, spec, locale, settings):
        return None

    def sample_formdata(self, spec):
        return {}

    def paragraphs(self, spec, locale) -> list[str]:
        text = spec.options.get("text")
        return [p.strip() for p in text.get(locale).split("\n\n") if p.strip()] if text else []

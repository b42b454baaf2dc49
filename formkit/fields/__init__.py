"""Field types: the registry's building blocks. Built-ins register like any plugin's."""

from formkit.fields.base import FieldSettings, FieldType, clean_text, label_text

__all__ = ["FieldSettings", "FieldType", "clean_text", "label_text"]

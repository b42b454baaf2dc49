"""What one application holds: its plugin registry, its store, its limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from formkit.fields.base import FieldSettings
from formkit.plugins import Registry
from formkit.storage import Store


@dataclass
class Formkit:
    registry: Registry
    store: Store
    settings: FieldSettings
    #: WTForms classes built per (form id, version, section id, locale).
    form_classes: dict[tuple[str, str, str, str], Any] = field(default_factory=dict)


def state() -> Formkit:
    return current_app.extensions["formkit"]


def current_registry() -> Registry:
    return state().registry


def current_store() -> Store:
    return state().store

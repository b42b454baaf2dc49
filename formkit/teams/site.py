"""A site's team settings: which forms make up a cycle, which forms stay open to the
public, anonymous way of answering. Read at start from ``SITE_FILE`` (YAML) unless the
configuration sets ``CYCLE_FORMS`` / ``PUBLIC_FORMS`` itself (tests do)::

    cycles:
      forms: [wellbeing, workplan, evaluation, competency]   # in this order
    public_forms: [membership, wellbeing]                   # or: all

A site with neither keeps every form public (formkit before teams)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from flask import Flask, current_app

from formkit.plugins import PluginError, Registry
from formkit.schema import PUBLIC, Form
from formkit.yamlsource import load_yaml

ALL = "all"


def init_app(app: Flask, registry: Registry) -> None:
    """Read the site file into the configuration and check it against the forms;
    :class:`PluginError` (the start stops) with what to fix."""
    site: dict[str, Any] = {}
    path = app.config.get("SITE_FILE")
    if path and Path(path).is_file():
        try:
            site = load_yaml(path) or {}
        except yaml.YAMLError as exc:
            raise PluginError(f"{path}: not valid YAML: {exc}") from exc
        if not isinstance(site, dict):
            raise PluginError(f"{path}: the site file must be a mapping (cycles:, "
                              "public_forms:)")
    source = path or "the configuration"
    if app.config.get("CYCLE_FORMS") is None and "cycles" in site:
        cycles = site["cycles"]
        app.config["CYCLE_FORMS"] = cycles.get("forms") if isinstance(cycles, dict) else None
        if app.config["CYCLE_FORMS"] is None:
            raise PluginError(f"{source}: 'cycles' needs a list of form ids under 'forms'")
    if app.config.get("PUBLIC_FORMS") is None and "public_forms" in site:
        app.config["PUBLIC_FORMS"] = site["public_forms"]
    problems = check(registry, app.config.get("CYCLE_FORMS"), app.config.get("PUBLIC_FORMS"))
    if problems:
        raise PluginError(f"{source}: " + "; ".join(problems))


def check(registry: Registry, cycle_forms: Any, public_forms: Any) -> list[str]:
    """What is wrong with the two settings, in words."""
    problems = []
    if cycle_forms is not None:
        if not isinstance(cycle_forms, list) or not all(isinstance(f, str) for f in cycle_forms):
            return ["cycles: forms must be a list of form ids"]
        for form_id in cycle_forms:
            form = registry.get_form(form_id)
            if form is None:
                problems.append(f"cycles: no form '{form_id}' (known: "
                                f"{', '.join(sorted(registry.forms)) or 'none'})")
            elif form.scope == PUBLIC:
                problems.append(f"cycles: form '{form_id}' has scope public; a cycle holds "
                                "forms of scope team or member (set  scope: team  in it)")
    if public_forms is not None and public_forms != ALL:
        if not isinstance(public_forms, list):
            return [*problems, "public_forms must be a list of form ids, or: all"]
        problems.extend(f"public_forms: no form '{f}'" for f in public_forms
                        if registry.get_form(str(f)) is None)
    return problems


def cycle_forms() -> list[Form]:
    """The forms of a cycle, in their configured order."""
    registry = current_app.extensions["formkit"].registry
    return [registry.get_form(f) for f in current_app.config.get("CYCLE_FORMS") or []]


def is_public(form: Form) -> bool:
    """Whether anyone may answer ``form`` anonymously at ``/f/<id>/``: a public-scope
    form always; a team or member form where the site opens it (``public_forms``), or
    on a site that configures no teams at all."""
    if form.scope == PUBLIC:
        return True
    opened = current_app.config.get("PUBLIC_FORMS")
    if opened is None:
        return current_app.config.get("CYCLE_FORMS") is None
    return opened == ALL or form.id in opened

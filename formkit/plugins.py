"""Plugin discovery and the registry of what plugins contribute.

A fresh :class:`pluggy.PluginManager` is built for every application, in this order:
built-in plugins, packages in the ``formkit`` entry-point group, then ``*.py`` files of
the plugins directory. Names listed in ``BLOCKED_PLUGINS`` are never registered.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import logging
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy

from formkit import hookspecs
from formkit.builtins import BUILTIN_PLUGINS
from formkit.fields.base import FieldType
from formkit.hookcheck import contract_problems
from formkit.schema import Form, FormLoadError, SchemaError, load_form, parse_form

ENTRY_POINT_GROUP = "formkit"
log = logging.getLogger(__name__)


class PluginError(Exception):
    """Plugins or forms cannot be loaded; the message says which and why."""


def _load_file_plugin(path: Path) -> ModuleType:
    """Import ``plugins/<name>.py`` as module ``formkit_plugins.<name>``."""
    module_name = f"formkit_plugins.{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise PluginError(f"{path}: cannot be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(module_name, None)
        raise PluginError(f"{path}: failed to import: {exc!r}") from exc
    return module


def build_plugin_manager(plugins_dir: str | Path | None, blocked: Iterable[str] = ()):
    """A plugin manager with every discovered plugin registered, in discovery order."""
    pm = pluggy.PluginManager("formkit")
    pm.add_hookspecs(hookspecs)
    for name in blocked:
        pm.set_blocked(name)

    def register(plugin: Any, name: str, origin: str) -> None:
        if pm.is_blocked(name):
            log.info("plugin %s (%s) is blocked by configuration", name, origin)
            return
        if pm.has_plugin(name):
            raise PluginError(f"two plugins are named '{name}' (the second from {origin}); "
                              "rename one or block it with BLOCKED_PLUGINS")
        problems = contract_problems(pm, plugin, name)
        if problems:
            raise PluginError("\n".join(problems))
        pm.register(plugin, name=name)

    for module_name in BUILTIN_PLUGINS:
        if not pm.is_blocked(module_name):
            register(importlib.import_module(module_name), module_name, "formkit")
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if pm.is_blocked(entry_point.name):
            continue
        try:
            plugin = entry_point.load()
        except Exception as exc:
            raise PluginError(f"entry point '{entry_point.name}' ({entry_point.value}) "
                              f"failed to load: {exc!r}") from exc
        register(plugin, entry_point.name, f"entry point {entry_point.value}")
    if plugins_dir and Path(plugins_dir).is_dir():
        for path in sorted(Path(plugins_dir).glob("*.py")):
            if path.stem.startswith("_") or pm.is_blocked(path.stem):
                continue
            register(_load_file_plugin(path), path.stem, str(path))
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"plugin '{exc.plugin}' implements an unknown hook: {exc}") from exc
    return pm


def call_each(pm: pluggy.PluginManager, hook_name: str, **kwargs: Any):
    """Call each implementation of a hook in pluggy's own order (the plugin registered
    last first; ``tryfirst``/``trylast`` honoured), each through the hook's wrappers,
    yielding ``(plugin_name, result)`` so the caller can say which plugin gave what."""
    hook = getattr(pm.hook, hook_name)
    plain = [impl for impl in hook.get_hookimpls() if not (impl.wrapper or impl.hookwrapper)]
    firstresult = bool(hook.spec and hook.spec.opts.get("firstresult"))
    for impl in reversed(plain):  # pluggy calls the list from its end
        others = [other.plugin for other in plain if other is not impl]
        result = pm.subset_hook_caller(hook_name, remove_plugins=others)(**kwargs)
        for item in ([result] if firstresult else result):
            if item is not None:
                yield impl.plugin_name, item


def plugin_hooks(pm: pluggy.PluginManager) -> list[tuple[str, list[str]]]:
    """Every registered plugin with the hooks it implements, in discovery order."""
    result = []
    for name, plugin in pm.list_name_plugin():
        hooks = sorted(caller.name for caller in pm.get_hookcallers(plugin) or [])
        result.append((name, hooks))
    return result


class Registry:
    """What the plugins contribute to one application: field types and forms."""

    def __init__(self, pm: pluggy.PluginManager):
        self.pm = pm
        self.hook = pm.hook
        self.field_types: dict[str, FieldType] = {}
        self.forms: dict[str, Form] = {}
        #: problems found while loading forms (file:line messages).
        self.problems: list[SchemaError] = []

    def load(self, app, *, strict: bool = True) -> Registry:
        """Collect field types then forms; with ``strict``, raise on any problem."""
        self._load_field_types()
        self._load_forms(app)
        if strict and self.problems:
            raise PluginError("forms failed to load:\n" + "\n".join(map(str, self.problems)))
        return self

    def _load_field_types(self) -> None:
        owners: dict[str, str] = {}
        for plugin_name, classes in call_each(self.pm, "formkit_field_types"):
            for cls in classes:
                if not (isinstance(cls, type) and issubclass(cls, FieldType) and cls.name):
                    raise PluginError(f"plugin '{plugin_name}' returned {cls!r} from "
                                      "formkit_field_types; expected a named FieldType subclass")
                if cls.name in owners:
                    raise PluginError(
                        f"field type '{cls.name}' is contributed by both plugin "
                        f"'{owners[cls.name]}' and plugin '{plugin_name}'"
                    )
                owners[cls.name] = plugin_name
                self.field_types[cls.name] = cls()

    def _load_forms(self, app) -> None:
        for plugin_name, items in call_each(self.pm, "formkit_forms", app=app):
            for item in items:
                for form in self._read(plugin_name, item):
                    if form.id in self.forms:
                        other = self.forms[form.id]
                        raise PluginError(
                            f"form id '{form.id}' is contributed by both plugin "
                            f"'{other.plugin}' ({other.source}) and plugin "
                            f"'{plugin_name}' ({form.source})"
                        )
                    form.plugin = plugin_name
                    self.forms[form.id] = form

    def _read(self, plugin_name: str, item: Any) -> list[Form]:
        try:
            if isinstance(item, Mapping):
                return [parse_form(item, f"<{plugin_name}>", self.field_types)]
            path = Path(item)
            if path.is_dir():
                paths = sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml"))
                return [f for p in paths for f in self._read(plugin_name, p)]
            return [load_form(path, self.field_types)]
        except FormLoadError as exc:
            self.problems.extend(exc.errors)
            return []

    def get_form(self, form_id: str) -> Form | None:
        return self.forms.get(form_id)

"""A plugin's hook implementations checked against the contract (``hookspecs.py``)
before pluggy sees them: a misspelt hook or argument name is reported as
``file:line`` with a suggestion, instead of a pluggy traceback or a hook never called."""

from __future__ import annotations

import inspect
from typing import Any

import pluggy

from formkit import hookspecs
from formkit.suggest import closest


def hook_specs() -> dict[str, list[str]]:
    """Every hook of the contract with its argument names."""
    return {name: list(inspect.signature(function).parameters)
            for name, function in vars(hookspecs).items()
            if name.startswith("formkit_") and callable(function)}


def where(function: Any) -> str:
    """``file:line`` of a function (of the function a decorator wraps)."""
    code = getattr(inspect.unwrap(function), "__code__", None)
    return f"{code.co_filename}:{code.co_firstlineno}" if code else repr(function)


def contract_problems(pm: pluggy.PluginManager, plugin: Any, name: str) -> list[str]:
    """What in ``plugin``'s hook implementations does not fit the contract."""
    specs = hook_specs()
    problems = []
    for attribute in dir(plugin):
        function = getattr(plugin, attribute, None)
        options = pm.parse_hookimpl_opts(plugin, attribute) if callable(function) else None
        if options is None:
            continue
        # ``@hookimpl(specname="formkit_prefill")``: a second implementation of one hook
        # in one module, under its own name
        hook = options.get("specname") or attribute
        if hook not in specs:
            hint = closest(hook, specs) or f"the hooks are {', '.join(sorted(specs))}"
            problems.append(f"{where(function)}: plugin '{name}' implements {hook}, "
                            f"which is not a formkit hook; {hint}")
            continue
        allowed = specs[hook]
        for argument in inspect.signature(function).parameters:
            if argument not in allowed:
                hint = closest(argument, allowed)
                problems.append(
                    f"{where(function)}: {attribute}() of plugin '{name}' takes an argument "
                    f"'{argument}' that formkit does not pass; "
                    f"{hint + ' ' if hint else ''}its arguments are {', '.join(allowed)} "
                    "(any subset, by name)")
    return problems

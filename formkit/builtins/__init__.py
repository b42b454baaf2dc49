"""Plugins that ship with the core; registered first, blockable like any other."""

BUILTIN_PLUGINS = (
    "formkit.builtins.field_types",
    "formkit.builtins.yaml_forms",
    "formkit.builtins.scoring",
    "formkit.builtins.exporters",
    "formkit.teams.panels",
    "formkit.teams.cycle_space",
    "formkit.teams.carry_over",
    "formkit.teams.peers",
)

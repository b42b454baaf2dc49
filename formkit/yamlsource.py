"""YAML loading that remembers the line of every mapping, for error messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class LineDict(dict):
    """A mapping from YAML that knows the (1-based) line it started on."""

    line: int = 0
    #: the line of each key, so a message can point at the key itself.
    key_lines: dict

    def line_of_key(self, key) -> int:
        return self.key_lines.get(key, self.line)


class _LineLoader(yaml.SafeLoader):
    """Safe loader whose mappings are :class:`LineDict`."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: str | Path) -> Any:
    """Parse one YAML file; mappings come back as :class:`LineDict`.

    :raises yaml.YAMLError: with the position of a syntax error.
    """
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass


def line_of(value: Any, default: int = 0, key: Any = None) -> int:
    """The line of ``key`` in a YAML mapping (or where the mapping starts), or ``default``."""
    if key is not None and isinstance(value, LineDict):
        return value.line_of_key(key)
    return getattr(value, "line", default) or default

"""Every parameter of a scenario with its unit and its source, for the report's assumptions table.

A scenario's sources are its YAML comments (``usage: "2 GB/month"  # per user at the start
(illustrative)``). PyYAML drops comments, but the loader keeps where each key was written
(:func:`simulator.scenario.load.source_of`: file, line, column, through ``extends``), so the
comment of a key is read back from the text of that line: the comment on the key's own line,
else the comment lines just above it, else its parent key's (a year of a table takes the
comment of the table). A value given with ``--set`` has no comment.

The parameters are the leaves of the resolved scenario (after ``extends`` and ``--set``) except
the sections that describe or present it rather than assume anything (:data:`NOT_PARAMETERS`:
its name, title and description, the live page's sliders and lesson, display labels) and the
observations, which the report shows in its validation section.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..inputs import read_text
from ..scenario.load import resolved_data, source_of
from ..scenario.schema import Scenario
from ..scenario.types import UnitInfo, is_number, unit_info
from ..scenario.yamlio import MAX_FILE_BYTES, dotted

#: Top-level sections that are not assumptions of the model (texts, the live page, observations).
NOT_PARAMETERS = frozenset({"name", "title", "description", "explore", "lesson", "observations"})
#: Keys below the top level that name things for people (display names), not assumptions.
LABEL_KEYS = frozenset({"label"})
_QUANTITY = re.compile(r"^\s*([-+]?(?:\d[\d_]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s+(\S.*?)\s*$")


@dataclass(frozen=True)
class Assumption:
    """One parameter: its dotted path, the value as written (number part), its unit (as written with
    the value, else the field's canonical unit; empty for a pure number or a name), the source comment
    and where it was written (``file:line``; empty for a value set on the command line)."""

    path: tuple[Any, ...]
    value: str
    unit: str
    source: str
    where: str

    @property
    def dotted(self) -> str:
        """``generations.5G.launch``."""
        return dotted(self.path)


def leaf_paths(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """(key path, value) of every leaf of resolved scenario data, without :data:`NOT_PARAMETERS` and
    display labels; an empty mapping or list is no parameter."""
    if isinstance(data, dict):
        for key, value in data.items():
            if (not path and key in NOT_PARAMETERS) or (path and key in LABEL_KEYS):
                continue
            yield from leaf_paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from leaf_paths(value, (*path, index))
    else:
        yield path, data


def _as_written(part: Any) -> Any:
    """A key of resolved (JSON) data as the YAML wrote it: the years of tables are numbers there."""
    if isinstance(part, str) and is_number(part) and part.strip() == part:
        number = float(part)
        return int(number) if number.is_integer() else number
    return part


def _unit_of(info: UnitInfo | None) -> str | None:
    return None if info is None else info.unit


def _field_unit(field: Any) -> str | None:
    found = next((m for m in field.metadata if isinstance(m, UnitInfo)), None)
    return _unit_of(found or unit_info(field.annotation))


def _items_annotation(annotation: Any) -> Any:
    """The value type of a ``dict[K, V]`` or ``list[V]`` annotation (through Optional and Annotated)."""
    for part in (annotation, *typing.get_args(annotation)):
        origin = typing.get_origin(part)
        if origin is typing.Annotated:
            return _items_annotation(typing.get_args(part)[0])
        if origin in (dict, list):
            return typing.get_args(part)[-1]
    return None


def field_unit(scenario: Scenario, path: tuple[Any, ...]) -> str | None:
    """The canonical unit of the schema field that holds the leaf ``path`` of ``scenario`` (a year of
    a table: the table's field), or None where the field has no unit (a name, a count without one)."""
    node: Any = scenario
    annotation: Any = None
    for part in path:
        if isinstance(node, BaseModel):
            field = type(node).model_fields.get(str(part))
            if field is None:
                return None
            unit = _field_unit(field)
            if unit is not None:
                return unit
            annotation = field.annotation
            node = getattr(node, str(part))
        elif isinstance(node, dict | list):
            inner = _items_annotation(annotation)
            unit = _unit_of(unit_info(inner)) if inner is not None else None
            if unit is not None:
                return unit
            annotation = inner
            if isinstance(node, dict):
                key = next((k for k in node if str(k) == str(part) or k == _as_written(part)), None)
                if key is None:
                    return None
                node = node[key]
            else:
                node = node[int(part)]
        else:
            return None
    return None


@cache
def _lines(file: str) -> tuple[str, ...]:
    try:
        return tuple(read_text(Path(file), limit=MAX_FILE_BYTES, what="a scenario file").splitlines())
    except Exception:  # a file changed or removed since it was loaded: no comments, not an error
        return ()


def comment_of(line: str) -> str:
    """The comment of a YAML line: the text after a ``#`` that starts a comment (outside quotes, at the
    start or after a space), stripped; empty if none."""
    quote = ""
    skip = False
    for index, char in enumerate(line):
        if skip:  # the second character of an escape: \" in double quotes, '' in single quotes
            skip = False
        elif quote:
            if quote == '"' and char == "\\" or quote == "'" and line[index:index + 2] == "''":
                skip = True
            elif char == quote:
                quote = ""
        elif char in "\"'" and (index == 0 or line[index - 1] in " \t:{[,"):
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return line[index + 1:].strip()
    return ""


def _own_comment(lines: tuple[str, ...], number: int, column: int) -> str:
    """The comment on the line of a key (1-based ``number``), else the block of comment lines just
    above it indented at least as the key (``column``, 1-based)."""
    if not 1 <= number <= len(lines):
        return ""
    inline = comment_of(lines[number - 1][max(column - 1, 0):])
    if inline:
        return inline
    block: list[str] = []
    for above in reversed(lines[:number - 1]):
        stripped = above.lstrip()
        if not stripped.startswith("#") or len(above) - len(stripped) < column - 1:
            break
        block.append(stripped.lstrip("#").strip())
    return " ".join(reversed([b for b in block if b]))


def source_comment(scenario: Scenario, path: tuple[Any, ...], shortest: int = 1) -> tuple[str, str]:
    """(comment, ``file:line``) of the key ``path`` of a loaded scenario: its own comment, else its
    nearest parent's down to the parent of ``shortest`` keys (see the module); ("", "") where it was not
    written in a file."""
    written = tuple(_as_written(p) for p in path)
    where = ""
    for depth in range(len(written), max(shortest, 1) - 1, -1):
        located = source_of(scenario, written[:depth])
        if not located.file or located.line is None or located.file.startswith("<") or located.file == "--set":
            return "", where
        if located.path != dotted(written[:depth]):
            continue  # not written at this depth (a key the loader could not find): try its parent
        if not where:
            where = f"{located.file}:{located.line}"
        text = _own_comment(_lines(located.file), located.line, located.column or 1)
        if text:
            return text, where
    return "", where


def _value_and_unit(value: Any, unit: str | None) -> tuple[str, str]:
    if isinstance(value, str):
        found = _QUANTITY.match(value)
        if found:
            return found.group(1), found.group(2)
        return value, ""
    if isinstance(value, bool):
        return str(value).lower(), ""
    return (f"{value:g}" if isinstance(value, float) else str(value)), (unit or "")


def assumptions(scenario: Scenario) -> list[Assumption]:
    """Every parameter of ``scenario`` (see the module), in the order of the resolved scenario."""
    rows = []
    for path, value in leaf_paths(resolved_data(scenario)):
        shown, unit = _value_and_unit(value, field_unit(scenario, path))
        source, where = source_comment(scenario, path)
        rows.append(Assumption(path, shown, unit, source, where))
    return rows


__all__ = ["Assumption", "LABEL_KEYS", "NOT_PARAMETERS", "assumptions", "comment_of", "field_unit", "leaf_paths",
           "source_comment"]

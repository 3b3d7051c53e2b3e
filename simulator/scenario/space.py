"""Parameter spaces: the numeric values of a scenario a run may change, named by dotted paths.

A *path* names a numeric value of a scenario the way ``--set`` does
(``generations.5G.launch``, ``grid.climate_change.2050`` for one year of a
table); ``*`` stands for every key of a mapping or item of a list, so
``demand.services.*.elasticity`` moves the elasticity of every service together, and a key
pattern (:mod:`fnmatch`: ``fixed_*``) for the keys it matches: ``demand.services.fixed_*.growth``
moves the growth of the fixed services together.
Values are numbers in the canonical unit of the field (the scenario reference
gives it).

``uncertainty:`` gives a distribution per path (:mod:`.distributions`; Monte Carlo,
sensitivity); ``explore:`` gives the sliders a live page offers (:mod:`.sliders`). Both are
checked when the scenario loads: every path must name at least one numeric value that a run
may change (not ``time``, ``seed``, ``observations``: :func:`expand`), and both ends of every
range must be values the scenario accepts there (:func:`check_value`).

:func:`derive` builds the scenario of one sample without validating it again:
validation of the baseline takes ~50 ms, a derived copy a few µs, which is what
makes thousands of members per second possible. It is safe because every value
a sample can take was checked at its ends and the checks are monotone in a
single value (bounds); cross-field rules are checked again per member.
"""

from __future__ import annotations

import fnmatch
import typing
from functools import lru_cache
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from ..errors import SimulatorError
from .types import Table, UnitInfo

Path = tuple[str | int, ...]

#: Top-level sections a path may not enter: they are not model parameters.
NOT_PARAMETERS = ("name", "title", "description", "seed", "time", "observations", "uncertainty", "explore",
                  "lesson", "targets")


def split(path: str) -> Path:
    """``a.b.0.c`` → ("a", "b", 0, "c")."""
    return tuple(int(p) if p.isdigit() else p for p in path.split("."))


def dotted(path: Path) -> str:
    """("a", "b", 0, "c") → ``a.b.0.c``."""
    return ".".join(str(p) for p in path)


class PathError(SimulatorError, ValueError):
    """A path that names no numeric value of the scenario."""


def _field_annotation(model: BaseModel, name: str) -> Any:
    info = type(model).model_fields[name]
    return Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation


def _strip(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, __import__("types").UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            containers = [a for a in args if typing.get_origin(_strip(a)) in (dict, list)]
            if len(containers) == 1:
                annotation = containers[0]
            else:
                return annotation
        else:
            return annotation


def _children(node: Any, annotation: Any) -> list[tuple[str | int, Any, Any]]:
    """(key, child, annotation) of a node that can be walked into."""
    if isinstance(node, BaseModel):
        return [(k, getattr(node, k), _field_annotation(node, k)) for k in type(node).model_fields]
    if isinstance(node, dict):
        inner = typing.get_args(_strip(annotation))
        return [(k, v, inner[1] if len(inner) == 2 else Any) for k, v in node.items()]
    if isinstance(node, list | tuple) and not isinstance(node, Table):
        inner = typing.get_args(_strip(annotation))
        return [(i, v, inner[0] if inner else Any) for i, v in enumerate(node)]
    if isinstance(node, Table):
        return [(_year_key(y), v, annotation) for y, v in zip(node.years, node.values, strict=True)]
    return []


def _year_key(year: float) -> str | int:
    return int(year) if float(year).is_integer() else str(year)


def _match(key: str | int, part: str | int) -> bool:
    if part == "*":
        return True
    if isinstance(part, str) and any(c in part for c in "*?["):
        return fnmatch.fnmatchcase(str(key), part)
    if isinstance(key, str) and isinstance(part, int):
        try:
            return float(key) == part
        except ValueError:
            return key == str(part)
    if isinstance(key, int) and isinstance(part, str):
        return str(key) == part
    return key == part


def _is_number(value: Any) -> bool:
    return isinstance(value, float | int) and not isinstance(value, bool)


def expand(scenario: BaseModel, path: str | Path) -> list[tuple[Path, Any]]:
    """Every concrete path ``path`` names, with the annotation that validates its value.

    Raises :class:`PathError` with the reason when it names nothing numeric.
    """
    parts = split(path) if isinstance(path, str) else path
    if not parts or parts[0] in NOT_PARAMETERS:
        raise PathError(f"found {dotted(parts)!r}, expected the path of a model parameter "
                        f"(not {', '.join(NOT_PARAMETERS)})")
    found: list[tuple[Path, Any]] = []
    frontier: list[tuple[Path, Any, Any]] = [((), scenario, type(scenario))]
    for part in parts:
        nxt: list[tuple[Path, Any, Any]] = []
        for prefix, node, annotation in frontier:
            children = _children(node, annotation)
            matched = [(k, v, a) for k, v, a in children if _match(k, part)]
            if not matched:
                where = dotted(prefix) or "the scenario"
                keys = ", ".join(str(k) for k, _, _ in children) or "nothing"
                if _is_number(node) or node is None:
                    raise PathError(f"{where} holds {node!r}, not a mapping; it has no {part!r}")
                raise PathError(f"{where} has no {part!r} (it has: {keys})")
            nxt.extend(((*prefix, k), v, a) for k, v, a in matched)
        frontier = nxt
    for concrete, value, annotation in frontier:
        if not _is_number(value):
            kind = "a year table: name one year, e.g. " + dotted((*concrete, "2050")) if isinstance(
                value, Table) else f"{type(value).__name__}"
            if isinstance(value, str):
                raise PathError(f"{dotted(concrete)} is the text {value!r}, not a number: only numbers can be "
                                "drawn or moved, expected the path of a number")
            if value is None:
                kind = "nothing (an optional value not given): give it a value in the scenario first"
            raise PathError(f"{dotted(concrete)} is {kind}, not a number")
        found.append((concrete, annotation))
    return found


def value_at(scenario: BaseModel, path: Path) -> float:
    """The number at a concrete path."""
    node: Any = scenario
    for part in path:
        node = dict(_key_values(node))[_find_key(node, part)]
    return float(node)


def _key_values(node: Any) -> list[tuple[Any, Any]]:
    return [(k, v) for k, v, _ in _children(node, Any)]


def _find_key(node: Any, part: str | int) -> Any:
    if isinstance(node, BaseModel) and isinstance(part, str) and part in type(node).model_fields:
        return part  # the paths expand() gives hold exact keys: no search (derive runs per member)
    if isinstance(node, dict) and part in node:
        return part
    for k, _ in _key_values(node):
        if _match(k, part):
            return k
    raise PathError(f"no {part!r}")


@lru_cache(maxsize=256)
def _adapter(annotation: Any) -> TypeAdapter:
    return TypeAdapter(annotation)


def check_value(annotation: Any, value: float) -> str | None:
    """None if ``value`` is valid for a field of ``annotation``, else the reason."""
    try:
        _adapter(annotation).validate_python(value)
    except ValidationError as exc:
        return "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
    except TypeError:  # an annotation pydantic cannot adapt on its own: the run will tell
        return None
    return None


def unit_of(annotation: Any) -> str:
    """The canonical unit a field's annotation declares ('' if none)."""
    stack = [annotation]
    while stack:
        a = stack.pop()
        if isinstance(a, UnitInfo):
            return a.unit
        if typing.get_origin(a) is Annotated:
            stack.extend(typing.get_args(a)[1:])
            stack.append(typing.get_args(a)[0])
        elif typing.get_args(a):
            stack.extend(typing.get_args(a))
    return ""


def derive(scenario: BaseModel, values: dict[Path, float]) -> Any:
    """A copy of ``scenario`` with numbers replaced at concrete paths, not validated again."""
    tree: dict = {}
    for path, value in values.items():
        node = tree
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = float(value)
    return _rebuild(scenario, tree)


def _rebuild(node: Any, changes: dict) -> Any:
    if not changes:
        return node
    if isinstance(node, BaseModel):
        update = {}
        for part, sub in changes.items():
            key = _find_key(node, part)
            update[key] = _rebuild(getattr(node, key), sub) if isinstance(sub, dict) else sub
        return node.model_copy(update=update)
    if isinstance(node, dict):
        out = dict(node)
        for part, sub in changes.items():
            key = _find_key(node, part)
            out[key] = _rebuild(node[key], sub) if isinstance(sub, dict) else sub
        return out
    if isinstance(node, Table):
        values = list(node.values)
        for part, sub in changes.items():
            values[[_match(_year_key(y), part) for y in node.years].index(True)] = sub
        return Table(node.years, tuple(values))
    if isinstance(node, list):
        items = list(node)
        for part, sub in changes.items():
            items[part] = _rebuild(node[part], sub) if isinstance(sub, dict) else sub
        return items
    raise PathError(f"cannot change a value inside {type(node).__name__}")


__all__ = ["NOT_PARAMETERS", "Path", "PathError", "check_value", "derive", "dotted", "expand", "split", "unit_of",
           "value_at"]

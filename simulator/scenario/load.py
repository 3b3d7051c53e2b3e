"""Load a scenario: read YAML, follow ``extends``, apply ``--set``, validate, locate errors.

The result is a frozen :class:`Scenario` that also remembers the resolved data
(after merging, before unit conversion) for the manifest, so that a run can be
reproduced from its outputs alone.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import Problem, ScenarioError
from . import schema
from .checks import semantic_problems
from .yamlio import Document, Mark, parse_yaml, read_yaml

SET_FILE = "--set"


def _all_field_names() -> set[str]:
    names: set[str] = set()
    for obj in vars(schema).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel):
            names.update(obj.model_fields)
    return names


_FIELD_NAMES = _all_field_names()


def deep_merge(base: Any, override: Any) -> Any:
    """Merge ``override`` into ``base``: mappings key by key, anything else replaced."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = deep_merge(base[key], value) if key in base else copy.deepcopy(value)
        return merged
    return copy.deepcopy(override)


def _resolve_extends(path: Path, chain: tuple[Path, ...]) -> Document:
    document = read_yaml(path)
    parent_name = document.data.pop("extends", None)
    if parent_name is None:
        return document
    mark = document.marks.get(("extends",), Mark(document.file))
    if not isinstance(parent_name, str) or not parent_name.strip():
        raise ScenarioError(
            [Problem(f"found {parent_name!r}, expected the path of a parent scenario file",
                     "extends", mark.file, mark.line, mark.column)]
        )
    parent = (path.parent / parent_name).resolve()
    if parent in chain or parent == path.resolve():
        cycle = " -> ".join(p.name for p in (*chain, path.resolve(), parent))
        raise ScenarioError(
            [Problem(f"extends cycle: {cycle}", "extends", mark.file, mark.line, mark.column)]
        )
    if not parent.is_file():
        raise ScenarioError(
            [Problem(f"parent scenario {parent_name!r} not found (looked for {parent})",
                     "extends", mark.file, mark.line, mark.column)]
        )
    base = _resolve_extends(parent, (*chain, path.resolve()))
    marks = dict(base.marks)
    marks.update({k: v for k, v in document.marks.items() if k != ("extends",)})
    return Document(deep_merge(base.data, document.data), marks, document.file)


def parse_override(text: str) -> tuple[list[str | int], Any]:
    """Split ``a.b.c=value`` into a key path and a YAML-typed value."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key or any(not part for part in key.split(".")):
        raise ScenarioError(
            [Problem(f"found {text!r}, expected dotted.key.path=value", file=SET_FILE)]
        )
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError:
        value = raw
    path: list[str | int] = [int(p) if p.isdigit() else p for p in key.split(".")]
    return path, value


def apply_overrides(document: Document, overrides: list[str]) -> None:
    """Set each ``dotted.path=value`` in the document, in order."""
    problems = []
    for text in overrides:
        try:
            path, value = parse_override(text)
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        node = document.data
        dotted = ".".join(str(p) for p in path)
        for depth, part in enumerate(path[:-1]):
            if isinstance(node, dict):
                node = node.setdefault(part, {})
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
            else:
                where = ".".join(str(p) for p in path[: depth + 1])
                problems.append(Problem(f"cannot set {dotted}: {where} is not a mapping", dotted, SET_FILE))
                break
        else:
            last = path[-1]
            if isinstance(node, dict) or isinstance(node, list) and isinstance(last, int) and last < len(node):
                node[last] = value
            else:
                parent = ".".join(str(p) for p in path[:-1])
                reason = f"{parent} is not a mapping (it holds {node!r})" if not isinstance(
                    node, list) else f"{parent} has no item {last!r}"
                problems.append(Problem(f"cannot set {dotted}: {reason}", dotted, SET_FILE))
                continue
            document.marks[tuple(path)] = Mark(SET_FILE)
    if problems:
        raise ScenarioError(problems)


def locate(document: Document, loc: tuple[Any, ...]) -> tuple[str, Mark]:
    """Turn a validation location into a dotted path and the mark of its YAML key.

    Pydantic inserts union tags in locations (``policies.0.switch_off.at``); those
    are not keys of the data and are dropped by walking the data alongside.
    """
    node: Any = document.data
    path: list[str | int] = []
    for index, part in enumerate(loc):
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_dict or in_list:
            node = node[part]
            path.append(part)
        elif index == len(loc) - 1 and isinstance(part, str | int):
            path.append(part)
            node = None
    mark = None
    for depth in range(len(path), -1, -1):
        mark = document.marks.get(tuple(path[:depth]))
        if mark is not None:
            break
    return ".".join(str(p) for p in path), mark or Mark(document.file)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _message(error: dict[str, Any]) -> str:
    kind, msg = error["type"], error["msg"]
    if kind == "extra_forbidden":
        key = str(error["loc"][-1])
        hint = difflib.get_close_matches(key, _FIELD_NAMES, n=1)
        return f"unknown key {key!r}" + (f" (did you mean {hint[0]!r}?)" if hint else "")
    if kind == "missing":
        return f"missing required key {str(error['loc'][-1])!r}"
    msg = msg.removeprefix("Value error, ")
    if msg.startswith("found"):
        return msg
    return f"found {_short(error.get('input'))}, expected: {msg[0].lower()}{msg[1:]}"


def _problems_from(document: Document, errors: list[dict[str, Any]]) -> list[Problem]:
    problems = []
    for error in errors:
        loc = tuple(error["loc"])
        if error["type"] == "missing" and loc and loc[-1] in {"logistic", "table"}:
            loc = loc[:-1]
        dotted, mark = locate(document, loc)
        problems.append(Problem(_message(error), dotted, mark.file, mark.line, mark.column))
    return problems


def validate(document: Document, default_name: str) -> schema.Scenario:
    """Validate merged data against the schema and the semantic checks, all problems at once."""
    data = document.data
    data.setdefault("name", default_name)
    try:
        scenario = schema.Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_problems_from(document, exc.errors())) from None
    problems = []
    for loc, message in semantic_problems(scenario):
        dotted, mark = locate(document, loc)
        problems.append(Problem(message, dotted, mark.file, mark.line, mark.column))
    if problems:
        raise ScenarioError(problems)
    scenario._source = json.loads(json.dumps(data, default=str))
    return scenario


def load_scenario(
    path: str | Path, overrides: list[str] | tuple[str, ...] = (), *, name: str | None = None
) -> schema.Scenario:
    """Load, merge, override and validate a scenario file.

    ``overrides`` are ``dotted.path=value`` strings, applied after ``extends``.
    Raises :class:`ScenarioError` with every located problem.
    """
    path = Path(path)
    document = _resolve_extends(path, ())
    apply_overrides(document, list(overrides))
    return validate(document, name or path.stem)


def scenario_from_dict(data: dict[str, Any], overrides: list[str] | tuple[str, ...] = ()) -> schema.Scenario:
    """Validate a scenario given as Python data (no ``extends``); useful in notebooks and tests."""
    document = Document(copy.deepcopy(data), {}, "<dict>")
    document.data.pop("extends", None)
    apply_overrides(document, list(overrides))
    return validate(document, "scenario")


def scenario_from_text(text: str, file: str = "<text>") -> schema.Scenario:
    """Validate a scenario given as YAML text (no ``extends``)."""
    document = parse_yaml(text, file)
    return validate(document, Path(file).stem)


def scenario_from_manifest(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> schema.Scenario:
    """The resolved scenario recorded in a run's ``manifest.json``, checked against its sha256."""
    path = Path(path)
    file = str(path)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError([Problem("no such file", file=file)]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(f"cannot be read: {exc}", file=file)]) from None
    except json.JSONDecodeError as exc:
        raise ScenarioError([Problem(f"invalid JSON: {exc.msg}", file=file, line=exc.lineno,
                                     column=exc.colno)]) from None
    data = manifest.get("scenario") if isinstance(manifest, dict) else None
    if not isinstance(data, dict):
        raise ScenarioError([Problem("found no resolved scenario, expected the manifest.json of a run",
                                     "scenario", file)])
    document = Document(copy.deepcopy(data), {}, file)
    expected = manifest.get("scenario_sha256")
    apply_overrides(document, list(overrides))
    scenario = validate(document, str(data.get("name", path.parent.name)))
    if not overrides and expected is not None and scenario_hash(scenario) != expected:
        raise ScenarioError([Problem(f"the scenario does not match its sha256 ({expected[:12]}…): "
                                     "the manifest was edited", "scenario_sha256", file)])
    return scenario


def resolved_data(scenario: schema.Scenario) -> dict[str, Any]:
    """The scenario as resolved from its sources (after extends and --set), JSON-ready."""
    return copy.deepcopy(scenario._source) if scenario._source is not None else json.loads(
        scenario.model_dump_json()
    )


def scenario_hash(scenario: schema.Scenario) -> str:
    """sha256 of the resolved scenario, canonical JSON (sorted keys)."""
    text = json.dumps(resolved_data(scenario), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


__all__ = ["load_scenario", "scenario_from_dict", "scenario_from_text", "resolved_data", "scenario_hash"]

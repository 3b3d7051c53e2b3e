"""Load a scenario: read YAML, follow ``extends``, apply ``--set``, validate, report every problem at
its line (:mod:`.messages` words the errors of the schema's validation).

The result is a frozen :class:`Scenario` that also remembers the resolved data
(after merging, before unit conversion) for the manifest, so that a run can be
reproduced from its outputs alone.
"""

from __future__ import annotations

import copy
import difflib
import errno
import hashlib
import json
import os
import typing
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from ..errors import Problem, ScenarioError
from ..inputs import MAX_MANIFEST_BYTES, UnreadableFile, read_json
from ..units import bare_number_message, describe
from . import schema
from .checks import semantic_problems
from .messages import annotation_at, locate, problems_from
from .types import bare_numbers
from .yamlio import Document, Mark, dotted, parse_value, parse_yaml, read_yaml, value_problems

SET_FILE = "--set"


def deep_merge(base: Any, override: Any) -> Any:
    """Merge ``override`` into ``base``: mappings key by key, anything else replaced."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = deep_merge(base[key], value) if key in base else copy.deepcopy(value)
        return merged
    return copy.deepcopy(override)


#: Longest chain of ``extends`` followed (a scenario, its parent, its grandparent...).
MAX_EXTENDS = 20


def _resolve_extends(path: Path, chain: tuple[Path, ...], document: Document | None = None) -> Document:
    document = document if document is not None else read_yaml(path)
    parent_name = document.data.pop("extends", None)
    if parent_name is None:
        return document
    mark = document.marks.get(("extends",), Mark(document.file))

    def refuse(message: str) -> ScenarioError:
        return ScenarioError([Problem(message, "extends", mark.file, mark.line, mark.column)])

    if not isinstance(parent_name, str) or not parent_name.strip() or "\x00" in parent_name:
        raise refuse(f"found {describe(parent_name)}, expected the path of a parent scenario file")
    parent = Path(os.path.normpath(path.parent / parent_name))  # shown as the user would write it
    # os.path.realpath, unlike Path.resolve, returns (and never raises) on a loop of symbolic links
    here, there = Path(os.path.realpath(path)), Path(os.path.realpath(parent))
    if there in chain or there == here:
        cycle = " -> ".join(p.name for p in (*chain, here, there))
        raise refuse(f"extends cycle: {cycle}")
    if len(chain) >= MAX_EXTENDS:
        raise refuse(f"found a chain of more than {MAX_EXTENDS} scenarios extending each other, expected fewer")
    try:
        parent_document = read_yaml(parent)
    except UnreadableFile as exc:
        raise refuse(_unreadable_parent(parent_name, parent, exc)) from None
    base = _resolve_extends(parent, (*chain, here), parent_document)
    marks = dict(base.marks)
    marks.update({k: v for k, v in document.marks.items() if k != ("extends",)})
    return Document(deep_merge(base.data, document.data), marks, document.file, [*document.problems, *base.problems])


def _unreadable_parent(name: str, parent: Path, exc: UnreadableFile) -> str:
    """Why the parent scenario named by ``extends:`` cannot be read, said at that line."""
    if exc.code == errno.EISDIR:
        return f"found {name!r}, a folder, expected the path of a parent scenario file"
    if exc.code == errno.ENOENT:
        try:
            siblings = [p.name for p in parent.parent.glob("*.y*ml")] if parent.parent.is_dir() else []
        except OSError:
            siblings = []
        close = difflib.get_close_matches(parent.name, siblings, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"parent scenario {name!r} not found{hint} (looked for {parent})"
    return f"parent scenario {name!r} cannot be read (looked for {parent}): {exc.reason}"


def parse_override(text: str) -> tuple[list[str | int], Any]:
    """Split ``a.b.c=value`` into a key path and a YAML-typed value."""
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key or any(not part for part in key.split(".")):
        raise ScenarioError(
            [Problem(f"found {text!r}, expected dotted.key.path=value", file=SET_FILE)]
        )
    misread = value_problems(raw)
    if misread:
        raise ScenarioError([Problem(message, f"{key}.{inside}" if inside else key, SET_FILE)
                             for inside, message in misread])
    try:
        value = parse_value(raw) if raw.strip() else ""
    except yaml.YAMLError:
        value = raw
    path: list[str | int] = [int(p) if p.isdigit() else p for p in key.split(".")]
    return path, value


def apply_overrides(document: Document, overrides: list[str]) -> None:
    """Set each ``dotted.path=value`` in the document, in order.

    Missing mappings on the way are created (``--set layers.core.pue=1.2`` adds
    a layer); list items must exist. Every key set or created is located at ``--set``.
    """
    problems = _apply_overrides(document, overrides)
    if problems:
        raise ScenarioError(problems)


def _expand_stars(data: Any, path: list[Any]) -> list[list[Any]] | str:
    """The paths a ``*`` in ``path`` stands for: every key (or item) the scenario has at that level, as
    in ``uncertainty:`` paths (``demand.services.*.elasticity=0.5`` sets every service's); or why none."""
    if "*" not in path:
        return [path]
    star = path.index("*")
    node = data
    for part in path[:star]:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            node = None
    keys = list(node) if isinstance(node, dict) else list(range(len(node))) if isinstance(node, list) else []
    if not keys:
        return f"{dotted(path[:star]) or 'the scenario'} holds no keys or items for * to stand for"
    found: list[list[Any]] = []
    for key in keys:
        more = _expand_stars(data, [*path[:star], key, *path[star + 1:]])
        if isinstance(more, str):
            return more
        found.extend(more)
    return found


def _apply_overrides(document: Document, overrides: list[str]) -> list[Problem]:
    """Apply the overrides that can be applied; return the problems of the others."""
    problems = []
    for text in overrides:
        try:
            path, value = parse_override(text)
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        shown = dotted(path)
        if path[0] == "extends":
            problems.append(Problem("extends cannot be set with --set; write it in the scenario file",
                                    shown, SET_FILE))
            continue
        concrete = _expand_stars(document.data, list(path))
        if isinstance(concrete, str):
            problems.append(Problem(concrete, shown, SET_FILE))
            continue
        for path in concrete:
            value = copy.deepcopy(value)  # each key its own copy
            node = document.data
            for depth, part in enumerate(path):
                if isinstance(node, dict) and isinstance(part, int) and part not in node and str(part) in node:
                    part = path[depth] = str(part)  # a name made of digits, written as a string in the file
                last = depth == len(path) - 1
                where = dotted(path[:depth])
                if isinstance(node, dict):
                    if last:
                        node[part] = value
                    elif not isinstance(node.get(part), dict | list):
                        here = dotted(path[: depth + 1])
                        if node.get(part) is not None:
                            problems.append(Problem(f"{here} is not a mapping (it holds {describe(node[part])}); "
                                                    f"set it whole: --set {here}=...", shown, SET_FILE))
                            break
                        if typing.get_origin(annotation_at(tuple(path[: depth + 1]))) is list:
                            problems.append(Problem(f"{here} has no item {path[depth + 1]!r} (it has none); "
                                                    f"set the whole list: --set '{here}=[...]'", shown, SET_FILE))
                            break
                        node[part] = {}
                        document.marks[tuple(path[: depth + 1])] = Mark(SET_FILE)
                elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                    if last:
                        node[part] = value
                elif isinstance(node, list):
                    problems.append(Problem(f"{where} has no item {part!r} (it has {len(node)}, numbered from 0)",
                                            shown, SET_FILE))
                    break
                else:  # pragma: no cover - a scalar on the way is caught one level up
                    problems.append(Problem(f"{where} is not a mapping (it holds {describe(node)})", shown, SET_FILE))
                    break
                if not last:
                    node = node[part]
            else:
                document.marks[tuple(path)] = Mark(SET_FILE)
    return problems


def _printable(problem: Problem) -> Problem:
    """The problem with control characters escaped: every message stays on its one line."""
    if problem.message.isprintable():
        return problem
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in problem.message)
    return Problem(text, problem.path, problem.file, problem.line, problem.column)


def _beside(duplicates: list[Problem], problems: list[Problem]) -> list[Problem]:
    """Problems not inside a duplicated key: what its value should be is not known."""
    paths = [p.path for p in duplicates if p.message.startswith("duplicate key") and p.path]
    return [p for p in problems if not any(p.path == d or p.path.startswith(d + ".") for d in paths)]


def validate(document: Document, default_name: str, earlier: list[Problem] | None = None,
             units: Literal["everywhere", "set"] = "everywhere") -> schema.Scenario:
    """Validate merged data against the schema and the semantic checks, all problems at once.

    ``earlier`` problems (of ``--set`` options that could not be applied) are reported with them.
    ``units``: where a plain number on a field whose unit must be written is refused: everywhere
    (a file a person wrote), or only in ``--set`` values (Python data and manifests, whose plain
    numbers the program wrote in the field's unit).
    """
    data = document.data
    data.setdefault("name", default_name)
    earlier = [*document.problems, *(earlier or [])]
    unitless = _unitless(document, units)
    try:
        scenario = schema.Scenario.model_validate(data)
    except ValidationError as exc:
        found = problems_from(document, exc.errors())
        found = [*earlier, *_beside(earlier, [*found, *_unflagged(unitless, found)])]
        raise ScenarioError([_printable(p) for p in found]) from None
    problems = list(earlier) + unitless
    for loc, message in semantic_problems(scenario):
        where, mark = locate(document, loc)
        problems.append(Problem(message, where, mark.file, mark.line, mark.column))
    problems = [*earlier, *_beside(earlier, problems[len(earlier):])]
    if problems:
        raise ScenarioError([_printable(p) for p in problems])
    scenario._source = json.loads(json.dumps(data, default=str))
    scenario._origin = _Origin(document)
    return scenario


class _Origin:
    """The document a scenario was validated from. Equal to any other: where a scenario was read
    from is not part of what it is (a scenario reloaded from its manifest equals the original)."""

    def __init__(self, document: Document):
        self.document = document

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Origin)

    __hash__ = None  # type: ignore[assignment]


def _unitless(document: Document, units: Literal["everywhere", "set"]) -> list[Problem]:
    """A problem for each plain number written where the field's unit must be written (see ``validate``)."""
    problems = []
    for path, unit in bare_numbers(document.data, schema.Scenario):
        where, mark = locate(document, path)
        if units == "everywhere" or mark.file == SET_FILE:
            value = _value_at(document.data, path)
            problems.append(Problem(bare_number_message(value, unit), where, mark.file, mark.line, mark.column))
    return problems


def _value_at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def _unflagged(extra: list[Problem], found: list[Problem]) -> list[Problem]:
    """Problems of ``extra`` at keys of which ``found`` says nothing (one message per key)."""
    flagged = {p.path for p in found}
    return [p for p in extra if p.path not in flagged]


def source_of(scenario: schema.Scenario, path: tuple[Any, ...]) -> Problem:
    """An empty problem located at the key ``path`` of the document a scenario was validated from
    (dotted path, file, line, column), for messages about that key found after loading."""
    origin = getattr(scenario, "_origin", None)
    if not isinstance(origin, _Origin):
        return Problem("", dotted(path))
    where, mark = locate(origin.document, path)
    return Problem("", where, mark.file, mark.line, mark.column)


def load_scenario(
    path: str | Path, overrides: list[str] | tuple[str, ...] = (), *, name: str | None = None
) -> schema.Scenario:
    """Load, merge, override and validate a scenario file.

    ``overrides`` are ``dotted.path=value`` strings, applied after ``extends``.
    Raises :class:`ScenarioError` with every located problem.
    """
    path = Path(path)
    document = _resolve_extends(path, ())
    return validate(document, name or path.stem, _apply_overrides(document, list(overrides)))


def scenario_from_dict(data: dict[str, Any], overrides: list[str] | tuple[str, ...] = ()) -> schema.Scenario:
    """Validate a scenario given as Python data (no ``extends``); useful in notebooks and tests."""
    document = Document(copy.deepcopy(data), {}, "<dict>")
    document.data.pop("extends", None)
    apply_overrides(document, list(overrides))
    return validate(document, "scenario", units="set")


def scenario_from_text(text: str, file: str = "<text>") -> schema.Scenario:
    """Validate a scenario given as YAML text (no ``extends``)."""
    document = parse_yaml(text, file)
    return validate(document, Path(file).stem)


def scenario_from_manifest(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> schema.Scenario:
    """The resolved scenario recorded in a run's ``manifest.json``, checked against its sha256."""
    path = Path(path)
    file = str(path)
    manifest = read_json(path, limit=MAX_MANIFEST_BYTES, what="the manifest.json of a run")
    data = manifest.get("scenario") if isinstance(manifest, dict) else None
    if not isinstance(data, dict):
        raise ScenarioError([Problem("found no resolved scenario, expected the manifest.json of a run",
                                     "scenario", file)])
    document = Document(copy.deepcopy(data), {}, file)
    expected = manifest.get("scenario_sha256")
    apply_overrides(document, list(overrides))
    scenario = validate(document, str(data.get("name", path.parent.name)), units="set")
    if not overrides and expected is not None and scenario_hash(scenario) != expected:
        raise ScenarioError([Problem(f"the scenario does not match its sha256 ({str(expected)[:12]}…): "
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

"""Load a scenario: read YAML, follow ``extends``, apply ``--set``, validate, locate errors.

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
import re
import types
import typing
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import Problem, ScenarioError
from ..inputs import MAX_MANIFEST_BYTES, UnreadableFile, read_json
from ..units import QuantityError, bare_number_message, comma_message, describe, to_canonical
from . import schema, space
from .checks import semantic_problems
from .types import UnitInfo, bare_numbers
from .yamlio import Document, Mark, dotted, parse_value, parse_yaml, read_yaml

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
                    if typing.get_origin(_annotation_at(tuple(path[: depth + 1]))) is list:
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
            if in_dict and type(part) is float:  # pydantic gives a table's year as a float
                part = next((k for k in node if k == part), part)
            node = node[part]
            path.append(part)
        elif index == len(loc) - 1 and isinstance(node, dict) and part != "[key]":
            path.append(part)  # a missing key
            node = None
    mark = None
    for depth in range(len(path), -1, -1):
        mark = document.marks.get(tuple(path[:depth]))
        if mark is not None:
            break
    return dotted(path), mark or Mark(document.file)


def _annotation_at(loc: tuple[Any, ...]) -> Any:
    """The schema type found at a validation location (pydantic's union tags included)."""
    annotation: Any = schema.Scenario
    for part in loc:
        annotation, tagged = _unwrap(annotation, part)
        if tagged:
            continue
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(part) if isinstance(part, str) else None
            if field is None:
                return None
            annotation = field.annotation
        elif typing.get_origin(annotation) is dict:
            annotation = typing.get_args(annotation)[1]
        elif typing.get_origin(annotation) is list:
            annotation = typing.get_args(annotation)[0]
        else:
            return None
    return _unwrap(annotation, None)[0]


def _unwrap(annotation: Any, part: Any) -> tuple[Any, bool]:
    """Strip Annotated and Optional; in a union, pick the member a pydantic tag (``part``) names."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        if origin is typing.Union or origin is types.UnionType:
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            models = [m for m in (_unwrap(a, None)[0] for a in members)
                      if isinstance(m, type) and issubclass(m, BaseModel)]
            named = [m for m in models if part in _tags(m)]
            if named:
                return named[0], True
            if len(members) == 1:
                annotation = members[0]
                continue
            return (models[0] if len(models) == 1 else None), False
        return annotation, False


def _tags(model: type[BaseModel]) -> set[str]:
    field = model.model_fields.get("type")
    tags = set(typing.get_args(field.annotation)) if field is not None else set()
    return tags | {model.__name__.lower()}


def _policy_types() -> list[str]:
    names = []
    for member in typing.get_args(typing.get_args(schema.Policy)[0]):
        field = member.model_fields["type"]
        if typing.get_origin(field.annotation) is Literal:
            names.extend(typing.get_args(field.annotation))
    return names


def _tag_key(error: dict[str, Any]) -> str:
    """The key that tells union members apart (``type`` of a policy, ``dist`` of a distribution)."""
    return str(error.get("ctx", {}).get("discriminator", "'type'")).strip("'\"")


def _tag_values(error: dict[str, Any]) -> list[str]:
    if _tag_key(error) == "type":
        return _policy_types()
    from .space import DISTRIBUTIONS

    return list(DISTRIBUTIONS)


def _keys_at(loc: tuple[Any, ...]) -> list[str]:
    model = _annotation_at(loc)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _suggest(found: str, known: list[str]) -> str:
    by_case = [k for k in known if k.lower() == found.lower()]
    hint = by_case or difflib.get_close_matches(found, known, n=1)
    return f" (did you mean {hint[0]!r}?)" if hint else ""


def _fraction_hint(value: Any, limit: float) -> str:
    if limit == 1 and isinstance(value, int | float) and value == int(value) and 1 < value <= 100:
        return f"; hint: a fraction, so {value:g} % is {value / 100:g}"
    return ""


#: What a negative value most likely meant, by field name (checked for values refused below 0).
_NEGATIVE_HINTS = {
    "elasticity": "; hint: the elasticity is written as a magnitude (traffic ∝ cost^-elasticity): drop the minus sign",
    "factor": "; hint: a factor multiplies: 0.7 is 30 % less, 1.3 is 30 % more",
}


def _negative_hint(loc: tuple[Any, ...], value: Any, limit: float) -> str:
    negative = value < 0 if isinstance(value, int | float) else isinstance(value, str) and value.lstrip()[:1] == "-"
    return _NEGATIVE_HINTS.get(str(loc[-1]) if loc else "", "") if limit == 0 and negative else ""


_BOUNDS = {"greater_than": ("gt", ">"), "greater_than_equal": ("ge", ">="), "less_than": ("lt", "<"),
           "less_than_equal": ("le", "<=")}
_EXPECTED = {
    "dict_type": "a mapping of keys to values", "model_type": "a mapping of keys to values",
    "model_attributes_type": "a mapping of keys to values", "list_type": "a list",
    "string_type": "text", "int_type": "a whole number", "int_parsing": "a whole number",
    "int_from_float": "a whole number", "float_type": "a number", "float_parsing": "a number",
    "finite_number": "a finite number",
}


_QUANTITY_TEXT = re.compile(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([^\d\s.,].*)", re.S)


def _path_unit(path: str) -> str | None:
    """The canonical unit of the field a dotted parameter path names (``*`` for any key), or None."""
    parts = space.split(path)
    model = _annotation_at(parts[:-1]) if parts else None
    field = model.model_fields.get(parts[-1]) if isinstance(model, type) and issubclass(model, BaseModel) else None
    return next((m.unit for m in field.metadata if isinstance(m, UnitInfo)), None) if field is not None else None


def _plain_number_hint(loc: tuple[Any, ...], value: Any) -> str:
    """What to write for a number with its unit where a section takes plain numbers (a range, an observation)."""
    match = _QUANTITY_TEXT.fullmatch(value) if isinstance(value, str) else None
    if match is None or not loc or loc[0] not in ("observations", "uncertainty", "explore"):
        return ""
    number, unit = match.groups()
    if loc[0] == "observations":
        return f"; hint: values are plain numbers in the observation's unit: write {number}, with unit: {unit.strip()}"
    canonical = _path_unit(str(loc[1])) if loc[0] == "uncertainty" and len(loc) > 1 else None
    if canonical is None:
        return "; hint: ranges are plain numbers in the field's unit (`jevons reference` gives it)"
    try:
        fix = f": write {to_canonical(value, canonical):g}"
    except QuantityError:
        fix = ""
    return f"; hint: ranges are plain numbers in the field's unit, {canonical}{fix}"


def _message(error: dict[str, Any]) -> str:
    kind, msg, loc = error["type"], error["msg"], tuple(error["loc"])
    found = describe(error.get("input"))
    if kind == "extra_forbidden":
        key = str(loc[-1])
        known = _keys_at(loc[:-1])
        hint = _suggest(key, known) if known else _suggest(key, sorted(_FIELD_NAMES))
        if known and not hint:
            hint = f" (expected one of: {', '.join(known)})"
        return f"unknown key {key!r}{hint}"
    if kind == "missing":
        return f"missing required key {str(loc[-1])!r}"
    if loc and loc[-1] == "[key]" or kind == "invalid_key":
        if kind in {"string_type", "invalid_key"}:
            digits = str(error.get("input"))
            return f"found the key {found}, expected a name (text; quote a name made of digits: {digits!r})"
        return f"found the key {found}, expected a year (a number such as 2020)"
    if kind in _BOUNDS:
        name, sign = _BOUNDS[kind]
        limit = error.get("ctx", {}).get(name)
        hint = (_fraction_hint(error.get("input"), limit) if kind.startswith("less")
                else _negative_hint(loc, error.get("input"), limit))
        return f"found {found}, expected a value {sign} {limit:g}{hint}"
    if kind in _EXPECTED and isinstance(error.get("input"), str) and "," in error["input"]:
        return comma_message(error["input"])  # "0,7": a decimal comma
    if kind == "model_type" and (keys := _keys_at(loc)):
        shown = ", ".join(f"{k}:" for k in keys[:4]) + (" ..." if len(keys) > 4 else "")
        return f"found {found}, expected {_EXPECTED[kind]} ({shown})"
    if kind in _EXPECTED:
        return f"found {found}, expected {_EXPECTED[kind]}{_plain_number_hint(loc, error.get('input'))}"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        options = [o.strip("' ") for o in expected.replace(" or ", ", ").split(", ")]
        return f"found {found}, expected {expected}" + _suggest(str(error.get("input")), options)
    if kind == "union_tag_invalid":
        tag = error.get("ctx", {}).get("tag")
        types = _tag_values(error)
        return f"found {tag!r}, expected one of {', '.join(types)}" + _suggest(str(tag), types)
    if kind == "union_tag_not_found":
        return f"missing required key {_tag_key(error)!r} (one of {', '.join(_tag_values(error))})"
    msg = msg.removeprefix("Value error, ")
    if msg.startswith(("found", "at year")):
        return msg
    if isinstance(error.get("input"), dict | list):
        return msg
    return f"found {found}, expected: {msg[0].lower()}{msg[1:]}"


def _key_named_in(message: str, data: dict[Any, Any]) -> tuple[str, ...]:
    """The key of ``data`` a model-level message names first, to point at its line."""
    words = message.replace(",", " ").replace(":", " ").split()
    named = [w for w in words if w in data] or [k for k in data if f"table key {k!r}" in message]
    return (named[0],) if named else ()


def _year_named_in(message: str, table: dict[Any, Any]) -> tuple[Any, ...]:
    """The key of a year table an "at year Y:" message is about."""
    match = re.match(r"(?:Value error, )?at year ([^:]+):", message)
    if match is None:
        return ()
    year = float(match.group(1))
    for key in table:
        try:
            if not isinstance(key, bool) and float(key) == year:
                return (key,)
        except (TypeError, ValueError):
            continue
    return ()


def _printable(problem: Problem) -> Problem:
    """The problem with control characters escaped: every message stays on its one line."""
    if problem.message.isprintable():
        return problem
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in problem.message)
    return Problem(text, problem.path, problem.file, problem.line, problem.column)


def _problems_from(document: Document, errors: list[dict[str, Any]]) -> list[Problem]:
    problems = []
    for error in errors:
        loc = tuple(error["loc"])
        if error["type"] == "missing" and loc and loc[-1] in {"logistic", "table"}:
            loc = loc[:-1]
        if error["type"] in {"union_tag_invalid", "union_tag_not_found"} and isinstance(error.get("input"), dict):
            loc = (*loc, _tag_key(error))
        elif error["type"] == "value_error" and isinstance(error.get("input"), dict):
            loc = (*loc, *_key_named_in(error["msg"], error["input"]), *_year_named_in(error["msg"], error["input"]))
        message = _message(error)
        if loc != tuple(error["loc"]) and message.startswith("at year "):  # located at the year itself
            message = message.partition(": ")[2]
        where, mark = locate(document, _without_tags(loc))
        problems.append(Problem(message, where, mark.file, mark.line, mark.column))
    return problems


def _without_tags(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """A validation location without pydantic's union tags: ``policies.0.lifetime.at`` is the ``at`` of
    policy 0 (a ``lifetime`` policy), not a key inside its ``lifetime`` value."""
    annotation: Any = schema.Scenario
    kept = []
    for part in loc:
        if annotation is not None:
            annotation, tagged = _unwrap(annotation, part)
            if tagged:
                continue
        kept.append(part)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(part) if isinstance(part, str) else None
            annotation = field.annotation if field is not None else None
        elif typing.get_origin(annotation) in (dict, list):
            annotation = typing.get_args(annotation)[-1]
        else:
            annotation = None
    return tuple(kept)


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
        found = _problems_from(document, exc.errors())
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

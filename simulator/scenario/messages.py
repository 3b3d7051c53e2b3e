"""What a validation error of the schema says to a person, and where: pydantic's errors translated.

:func:`problems_from` turns each error pydantic reports into a :class:`~simulator.errors.Problem`
located at the user's key (file, line, column: :func:`locate`, with pydantic's union tags left out
of the path) whose message says what was found, what is expected and, where it can tell, the fix:
the key meant (``did you mean``), a percentage written where a fraction is expected, a minus sign
on an elasticity, a unit written where a section takes plain numbers, a decimal comma.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from ..errors import Problem
from ..units import QuantityError, comma_message, describe, to_canonical
from . import schema, space
from .distributions import DISTRIBUTIONS
from .types import UnitInfo
from .yamlio import Document, Mark, dotted


def _all_field_names() -> set[str]:
    names: set[str] = set()
    for obj in vars(schema).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel):
            names.update(obj.model_fields)
    return names


_FIELD_NAMES = _all_field_names()


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


def annotation_at(loc: tuple[Any, ...]) -> Any:
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
    names: list[str] = []
    for member in typing.get_args(typing.get_args(schema.Policy)[0]):
        field = member.model_fields["type"]
        if typing.get_origin(field.annotation) is Literal:
            names.extend(typing.get_args(field.annotation))
    return names


def _tag_key(error: ErrorDetails) -> str:
    """The key that tells union members apart (``type`` of a policy, ``dist`` of a distribution)."""
    return str(error.get("ctx", {}).get("discriminator", "'type'")).strip("'\"")


def _tag_values(error: ErrorDetails) -> list[str]:
    if _tag_key(error) == "type":
        return _policy_types()
    return list(DISTRIBUTIONS)


def _keys_at(loc: tuple[Any, ...]) -> list[str]:
    model = annotation_at(loc)
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
    model = annotation_at(parts[:-1]) if parts else None
    field = (model.model_fields.get(parts[-1]) if isinstance(model, type) and issubclass(model, BaseModel)
             and isinstance(parts[-1], str) else None)
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


#: Sections of earlier versions of the schema, by key path, and what replaced them.
_REPLACED: dict[tuple[str, ...], str] = {
    ("cost",): "; the shares of the cost of a GB (cost.energy_weight, cost.capital_weight) were replaced by costs "
               "in money: write a `price:` section (electricity, fixed, cost_of_capital) and each generation's "
               "site_cost, site_life and site_opex (`jevons reference`)"}


def _message(error: ErrorDetails) -> str:
    kind, msg, loc = error["type"], error["msg"], tuple(error["loc"])
    found = describe(error.get("input"))
    if kind == "extra_forbidden":
        key = str(loc[-1])
        known = _keys_at(loc[:-1])
        hint = _suggest(key, known) if known else _suggest(key, sorted(_FIELD_NAMES))
        if tuple(map(str, loc)) in _REPLACED:
            hint = _REPLACED[tuple(map(str, loc))]
        elif known and not hint:
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
        limit = error["ctx"][name]  # pydantic gives the bound of every bound error
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


def problems_from(document: Document, errors: Sequence[ErrorDetails]) -> list[Problem]:
    """A problem located in ``document`` for each error of pydantic's validation of its data (``errors``,
    as ``ValidationError.errors()`` gives them)."""
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


__all__ = ["annotation_at", "locate", "problems_from"]

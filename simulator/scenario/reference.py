"""Generate the scenario reference (Markdown) from the schema's fields and docstrings."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from .schema import CATEGORIES, Policy, Scenario
from .types import Table, UnitInfo

_HEADER = """# Scenario reference

Generated from the schema in `simulator/scenario/schema.py` by `jevons reference`;
do not edit by hand. A plain number is read in the unit shown; a string with a
unit (`"1.2 kW"`, `"3.2 EB/month"`, `"480 g CO2e/kWh"`) is converted. Fields
marked *table* also accept a year → value table (`{2000: 0.55, 2050: 0.1}`),
interpolated linearly and held flat outside its years. `<name>` stands for a
name you choose. Unknown keys are errors.

A scenario may start with `extends: parent.yaml` (a path relative to the file):
the parent is read first and this file's keys are merged into it, mappings key
by key, lists and values replaced. On the command line,
`--set dotted.path=value` overrides any key after merging (values are read as YAML).

Impact categories: {categories}.

| key | type | unit | default | meaning |
|---|---|---|---|---|
"""


def _unit(field: FieldInfo) -> tuple[str, bool]:
    for meta in field.metadata:
        if isinstance(meta, UnitInfo):
            return meta.unit, meta.varying
    annotation = field.annotation
    for arg in typing.get_args(annotation):
        for meta in getattr(arg, "__metadata__", ()):
            if isinstance(meta, UnitInfo):
                return meta.unit, meta.varying
    return "", False


def _models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found = []
    for arg in typing.get_args(annotation):
        found.extend(_models(arg))
    return found


def _type_name(annotation: Any, varying: bool) -> str:
    origin = typing.get_origin(annotation)
    if varying:
        return "number or table"
    if origin is dict:
        return "mapping"
    if origin is list:
        return "list"
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        names = [_type_name(a, False) for a in typing.get_args(annotation) if a is not type(None)]
        return " or ".join(dict.fromkeys(names)) + (" (optional)" if type(None) in typing.get_args(annotation) else "")
    if origin is typing.Annotated:
        return _type_name(typing.get_args(annotation)[0], varying)
    if annotation is float:
        return "number"
    if annotation is Table:
        return "table"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "mapping"
    return getattr(annotation, "__name__", str(annotation))


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "**required**"
    value = field.default
    if value is PydanticUndefined or value is None:
        return "none"
    if isinstance(value, BaseModel):
        return "see below"
    if value in ({}, []):
        return "empty"
    return f"`{value}`"


def _rows(model: type[BaseModel], prefix: str, seen: set[str]) -> list[str]:
    rows = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        unit, varying = _unit(field)
        annotation = field.annotation
        origin = typing.get_origin(annotation)
        kind = _type_name(annotation, varying)
        doc = " ".join((field.description or "").split())
        unit_text = unit.replace("**3", "³") if unit else ""
        rows.append(f"| `{path}` | {kind} | {unit_text} | {_default(field)} | {doc} |")
        if origin is dict:
            value_type = typing.get_args(annotation)[1]
            for sub in _models(value_type):
                rows.extend(_rows(sub, f"{path}.<name>.", seen))
        elif origin is list:
            continue
        else:
            for sub in _models(annotation):
                rows.extend(_rows(sub, f"{path}.", seen))
    return rows


def _policy_rows() -> list[str]:
    rows = ["", "## Policies", "", "Each item of `policies` has a `type` and the keys of that type.", "",
            "| type | key | type | unit | default | meaning |", "|---|---|---|---|---|---|"]
    for model in typing.get_args(typing.get_args(Policy)[0]):
        kind = typing.get_args(model.model_fields["type"].annotation)[0]
        doc = " ".join((model.__doc__ or "").split())
        rows.append(f"| `{kind}` | | | | | {doc} |")
        for name, field in model.model_fields.items():
            if name == "type":
                continue
            unit, varying = _unit(field)
            desc = " ".join((field.description or "").split())
            rows.append(f"| | `{name}` | {_type_name(field.annotation, varying)} | {unit} | "
                        f"{_default(field)} | {desc} |")
    return rows


def reference_markdown() -> str:
    """The whole scenario reference as Markdown."""
    cats = ", ".join(f"`{c}` ({u.replace('**3', '³')})" for c, (u, _) in CATEGORIES.items())
    rows = _rows(Scenario, "", set())
    return _HEADER.replace("{categories}", cats) + "\n".join(rows) + "\n" + "\n".join(_policy_rows()) + "\n"

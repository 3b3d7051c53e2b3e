"""Generate the scenario reference (Markdown) from the schema's fields and docstrings."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from ..units import takes_bare_number
from .schema import CATEGORIES, Policy, Scenario
from .types import Table, UnitInfo

#: Words of the generated file's header by which ``jevons reference -o FILE`` knows a file it may replace.
REFERENCE_MARKER = "by `jevons reference`"
_HEADER = """# Scenario reference

Generated from the schema in `simulator/scenario/schema.py` by `jevons reference`;
do not edit by hand. A quantity is written as a string with its unit
(`"1.2 kW"`, `"3.2 EB/month"`, `"480 g CO2e/kWh"`), converted to the unit shown.
Where the column *plain number* says yes (ratios and shares, years and numbers
of years, fractions per year, counts), a plain number is accepted and read in
the unit shown (`elasticity: 1.2`, `launch: 2019`, `efficiency_gain: 0.15`,
`users: 5e6`); where it says **no**, a plain number is refused with the unit to
write (`usage: 24` → write `"24 GB/yr"`), because people write these in several
units (GB or MB, per month or per year). Numbers in `uncertainty` and `explore`
are plain, in the unit of the field they move. Decimals take a point (`0.85`,
never `0,85`); thousands are written `30e3` or `30000`, not `30k`. Fields
marked *table* also accept a year → value table (`{2000: "550 g CO2e/kWh",
2050: "100 g CO2e/kWh"}`), interpolated linearly and held flat outside its
years. `<name>` stands for a name you choose. Unknown keys are errors.

A scenario may start with `extends: parent.yaml` (a path relative to the file):
the parent is read first and this file's keys are merged into it, mappings key
by key, lists and values replaced. On the command line,
`--set dotted.path=value` overrides any key after merging (values are read as YAML).

Impact categories: {categories}.

| key | type | unit | plain number | default | meaning |
|---|---|---|---|---|---|
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


def _plain(kind: str, unit: str) -> tuple[str, str]:
    """The type shown ("quantity" where the unit must be written) and whether a plain number is
    accepted (see :func:`~simulator.units.takes_bare_number`)."""
    if not unit and "number" not in kind and kind != "int":
        return kind, ""
    if takes_bare_number(unit):
        return kind, "yes"
    return kind.replace("number", "quantity"), "**no**"


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
        kind, plain = _plain(kind, unit)
        rows.append(f"| `{path}` | {kind} | {unit_text} | {plain} | {_default(field)} | {doc} |")
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
            "| type | key | type | unit | plain number | default | meaning |", "|---|---|---|---|---|---|---|"]
    for model in typing.get_args(typing.get_args(Policy)[0]):
        kind = typing.get_args(model.model_fields["type"].annotation)[0]
        doc = " ".join((model.__doc__ or "").split())
        rows.append(f"| `{kind}` | | | | | | {doc} |")
        for name, field in model.model_fields.items():
            if name == "type":
                continue
            unit, varying = _unit(field)
            desc = " ".join((field.description or "").split())
            kind_name, plain = _plain(_type_name(field.annotation, varying), unit)
            rows.append(f"| | `{name}` | {kind_name} | {unit} | {plain} | {_default(field)} | {desc} |")
    return rows


def reference_markdown() -> str:
    """The whole scenario reference as Markdown."""
    cats = ", ".join(f"`{c}` ({u.replace('**3', '³')})" for c, (u, _) in CATEGORIES.items())
    rows = _rows(Scenario, "", set())
    return _HEADER.replace("{categories}", cats) + "\n".join(rows) + "\n" + "\n".join(_policy_rows()) + "\n"

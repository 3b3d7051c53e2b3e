"""Field types of the scenario schema: quantities with units and year tables.

``Annotated[float, Quantity("kWh/GB")]`` is a float field that accepts ``"250 Wh/GB"``
(converted) or, from the program, ``0.25`` (read in kWh/GB).
``Annotated[float | Table, Varying("kg CO2e/kWh")]`` also accepts a table ``{2000: "550 g CO2e/kWh",
2050: "100 g CO2e/kWh"}``, interpolated linearly between years and held flat
outside them. Which fields a person may give as a plain number is
:func:`~simulator.units.takes_bare_number` of their unit; :func:`bare_numbers`
finds the plain numbers written where a unit is needed.
"""

from __future__ import annotations

import math
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

import annotated_types as at
import numpy as np
from pydantic import BaseModel, BeforeValidator, Field, Tag

from ..units import QuantityError, comma_message, describe, takes_bare_number, to_canonical


@dataclass(frozen=True)
class UnitInfo:
    """Schema metadata: the canonical unit of a field, and whether it may vary in time."""

    unit: str
    varying: bool = False


@dataclass(frozen=True)
class Table:
    """A year → value table (years ascending), in the field's canonical unit."""

    years: tuple[float, ...]
    values: tuple[float, ...]

    def at(self, times: np.ndarray) -> np.ndarray:
        """Values at ``times`` (years): linear between points, flat outside."""
        return np.interp(times, self.years, self.values)


def evaluate(value: float | Table, times: np.ndarray) -> np.ndarray:
    """A constant or a table, sampled at ``times`` (years)."""
    if isinstance(value, Table):
        return value.at(times)
    return np.full(np.shape(times), float(value))


def is_number(text: str) -> bool:
    """True if ``text`` reads as a finite number (table keys come back as strings from JSON)."""
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _convert(unit: str, value: Any) -> float:
    try:
        return to_canonical(value, unit)
    except QuantityError as exc:
        raise ValueError(str(exc)) from None


def _convert_varying(unit: str, value: Any) -> float | Table:
    if isinstance(value, Table):
        return value
    if not isinstance(value, dict):
        return _convert(unit, value)
    if not value:
        raise ValueError("found an empty table, expected {year: value, ...}")
    points = []
    for year, item in value.items():
        if isinstance(year, str) and is_number(year):
            year = float(year)
        if isinstance(year, str) and "," in year:
            raise ValueError(comma_message(year).replace("found ", "found the table key ", 1))
        if isinstance(year, bool) or not isinstance(year, int | float) or not math.isfinite(year):
            raise ValueError(f"found the table key {describe(year)}, expected a year (a number such as 2020)")
        try:
            points.append((float(year), to_canonical(item, unit)))
        except QuantityError as exc:
            raise ValueError(f"at year {float(year):g}: {exc}") from None
    points.sort()
    return Table(tuple(p[0] for p in points), tuple(p[1] for p in points))


@dataclass(frozen=True)
class Quantity(UnitInfo, at.GroupedMetadata):
    """Metadata of a float field in ``unit``: ``Annotated[float, Quantity("kWh/GB", ge=0.0)]``.

    Type checkers see a ``float``; pydantic reads the converter and the bounds
    (``ge``, ``gt``, ``le``, ``lt``, in ``unit``) this object yields.
    """

    ge: float | None = None
    gt: float | None = None
    le: float | None = None
    lt: float | None = None

    def __iter__(self) -> Iterator[Any]:
        unit = self.unit
        yield BeforeValidator(lambda v: _convert(unit, v))
        yield Field(allow_inf_nan=False, ge=self.ge, gt=self.gt, le=self.le, lt=self.lt)


@dataclass(frozen=True)
class Varying(UnitInfo, at.GroupedMetadata):
    """Metadata of a quantity in ``unit`` that may be a year → value table:
    ``Annotated[float | Table, Varying("kg CO2e/kWh", minimum=0.0)]``."""

    varying: bool = True
    minimum: float | None = None
    maximum: float | None = None

    def __iter__(self) -> Iterator[Any]:
        yield BeforeValidator(lambda v: self._check(_convert_varying(self.unit, v)))

    def _check(self, value: float | Table) -> float | Table:
        points = zip(value.years, value.values, strict=True) if isinstance(value, Table) else [(None, value)]
        suffix = f" {self.unit}" if self.unit else ""
        for year, v in points:
            at_year = f"at year {year:g}: " if year is not None else ""
            if self.minimum is not None and v < self.minimum:
                raise ValueError(f"{at_year}found {v:g}, expected a value >= {self.minimum:g}{suffix}")
            if self.maximum is not None and v > self.maximum:
                raise ValueError(f"{at_year}found {v:g}, expected a value <= {self.maximum:g}{suffix}")
        return value


Fraction = Annotated[float, Quantity("", ge=0.0, le=1.0)]
#: Largest year (in absolute value) a date may be: beyond any horizon, but small enough that
#: (year - time.start) / time.step stays a countable number of steps.
MAX_YEAR = 100_000.0
Years = Annotated[float, Quantity("yr", ge=-MAX_YEAR, le=MAX_YEAR)]
PositiveYears = Annotated[float, Quantity("yr", gt=0.0)]
Rate = Annotated[float, Quantity("1/yr", ge=-1.0, lt=10.0)]
#: Lowest yearly gain: -1, power doubling every year, far beyond any rise observed (a site gaining bands
#: and massive MIMO draws a few tens of % more a year); it keeps ln(1 - gain) at most ln 2, so a factor
#: compounded over the years of a run stays finite (checks.py refuses, located, one that would not).
MIN_GAIN = -1.0
#: A yearly fall of a power or an energy per unit (1/yr): 0.1 = 10 % less a year; negative: it rises
#: (-0.05 = 5 % more a year). Below 1: a fall of 100 % a year would reach 0.
Gain = Annotated[float, Quantity("1/yr", ge=MIN_GAIN, lt=1.0)]


def unit_info(annotation: Any) -> UnitInfo | None:
    """The UnitInfo of a field's annotation (through Optional), or None."""
    for part in (annotation, *typing.get_args(annotation)):
        if typing.get_origin(part) is Annotated:
            found = next((m for m in part.__metadata__ if isinstance(m, UnitInfo)), None)
            if found is not None:
                return found
    return None


def bare_numbers(data: Any, annotation: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(key path, unit) of every plain number in ``data`` (unvalidated, as read) at a field of ``annotation``
    whose unit needs to be written (see :func:`~simulator.units.takes_bare_number`).

    Walks the data alongside the schema; what does not fit the schema is left to validation.
    """
    info = unit_info(annotation)
    if info is not None:
        if takes_bare_number(info.unit):
            return
        if _plain(data):
            yield path, info.unit
        elif info.varying and isinstance(data, dict):
            yield from (((*path, year), info.unit) for year, value in data.items() if _plain(value))
        return
    annotation = _member(annotation, data)
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel) and isinstance(data, dict):
        for key, value in data.items():
            field = annotation.model_fields.get(key) if isinstance(key, str) else None
            if field is not None:
                yield from bare_numbers(value, _with_metadata(field), (*path, key))
    elif origin is dict and isinstance(data, dict):
        inner = typing.get_args(annotation)[1]
        for key, value in data.items():
            yield from bare_numbers(value, inner, (*path, key))
    elif origin is list and isinstance(data, list):
        inner = typing.get_args(annotation)[0]
        for index, value in enumerate(data):
            yield from bare_numbers(value, inner, (*path, index))


def _plain(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _with_metadata(field: Any) -> Any:
    return Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation


def _member(annotation: Any, data: Any) -> Any:
    """The member of a union (Annotated and Optional stripped) that ``data`` is meant for, or the annotation."""
    while typing.get_origin(annotation) is Annotated:
        metadata = annotation.__metadata__
        annotation = typing.get_args(annotation)[0]
        tag = next((m.discriminator for m in metadata if callable(getattr(m, "discriminator", None))), None)
        if tag is not None and typing.get_origin(annotation) in (typing.Union, types.UnionType):
            chosen = tag(data)
            for member in typing.get_args(annotation):
                if any(isinstance(m, Tag) and m.tag == chosen for m in getattr(member, "__metadata__", ())):
                    return member
    if typing.get_origin(annotation) not in (typing.Union, types.UnionType):
        return annotation
    members = [m for m in typing.get_args(annotation) if m is not type(None)]
    if len(members) == 1:
        return _member(members[0], data)
    models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
    if isinstance(data, dict) and models:
        typed = [m for m in models if "type" in m.model_fields
                 and data.get("type") in typing.get_args(m.model_fields["type"].annotation)]
        return typed[0] if len(typed) == 1 else models[0] if len(models) == 1 else annotation
    units = [m for m in members if unit_info(m) is not None]
    return units[0] if len(units) == 1 else annotation

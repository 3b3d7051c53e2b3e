"""Field types of the scenario schema: quantities with units and year tables.

``Quantity("kWh/GB")`` is a float field that accepts ``0.25`` (read in kWh/GB)
or ``"250 Wh/GB"`` (converted). ``Varying("kg CO2e/kWh")`` also accepts a
table ``{2000: 0.55, 2050: "100 g CO2e/kWh"}``, interpolated linearly between
years and held flat outside them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
from pydantic import BeforeValidator, Field

from ..units import QuantityError, describe, to_canonical


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
        if isinstance(year, bool) or not isinstance(year, int | float) or not math.isfinite(year):
            raise ValueError(f"found the table key {describe(year)}, expected a year (a number such as 2020)")
        try:
            points.append((float(year), to_canonical(item, unit)))
        except QuantityError as exc:
            raise ValueError(f"at year {float(year):g}: {exc}") from None
    points.sort()
    return Table(tuple(p[0] for p in points), tuple(p[1] for p in points))


def Quantity(unit: str, **constraints: Any) -> Any:  # noqa: N802 - reads as a type
    """A float field in ``unit``; ``constraints`` are pydantic's (ge, gt, le, lt)."""
    return Annotated[
        float,
        BeforeValidator(lambda v: _convert(unit, v)),
        Field(allow_inf_nan=False, **constraints),
        UnitInfo(unit),
    ]


def Varying(unit: str, *, minimum: float | None = None, maximum: float | None = None) -> Any:  # noqa: N802
    """A quantity in ``unit`` that may be given as a year → value table."""

    def check(value: float | Table) -> float | Table:
        points = zip(value.years, value.values, strict=True) if isinstance(value, Table) else [(None, value)]
        suffix = f" {unit}" if unit else ""
        for year, v in points:
            at = f"at year {year:g}: " if year is not None else ""
            if minimum is not None and v < minimum:
                raise ValueError(f"{at}found {v:g}, expected a value >= {minimum:g}{suffix}")
            if maximum is not None and v > maximum:
                raise ValueError(f"{at}found {v:g}, expected a value <= {maximum:g}{suffix}")
        return value

    return Annotated[
        float | Table,
        BeforeValidator(lambda v: check(_convert_varying(unit, v))),
        UnitInfo(unit, varying=True),
    ]


Fraction = Quantity("", ge=0.0, le=1.0)
#: Largest year (in absolute value) a date may be: beyond any horizon, but small enough that
#: (year - time.start) / time.step stays a countable number of steps.
MAX_YEAR = 100_000.0
Years = Quantity("yr", ge=-MAX_YEAR, le=MAX_YEAR)
PositiveYears = Quantity("yr", gt=0.0)
Rate = Quantity("1/yr", ge=-1.0, lt=10.0)
Gain = Quantity("1/yr", ge=0.0, lt=1.0)

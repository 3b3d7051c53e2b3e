"""Targets a scenario is checked against (``targets:``), e.g. −45 % CO2e by 2030 against 2020.

A target names a quantity (``energy`` or an impact category), a year and either a
``change`` against a ``base_year`` (a fraction: -0.45 = 45 % less) or a ``level``
(a quantity with its unit per year, e.g. ``"150 Mt CO2e/yr"``). Targets are ceilings:
one is met when the simulated value is at or below it.

The value of a year is the annual mean of the actual run over the year that *ends* at it,
``[year − 1 yr, year)``: the convention of summary.json's ``final_year`` (a target for
``time.end`` is read on the final-year figures), so a year must lie in
``[time.start + 1 yr, time.end]`` (:func:`target_problems`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict

from ..errors import UsageError
from ..units import QuantityError, describe, to_canonical
from .types import Quantity, Years

#: What a target may name: energy or an impact category (the categories of ``schema.CATEGORIES``).
TargetQuantity = Literal["energy", "climate_change", "mineral_resources", "primary_energy", "water", "e_waste"]
#: Canonical unit of each quantity a target names, per year (that of its series in the results).
RATE_UNITS = {"energy": "kWh/yr", "climate_change": "kg CO2e/yr", "mineral_resources": "kg Sb_eq/yr",
              "primary_energy": "MJ/yr", "water": "m**3/yr", "e_waste": "kg/yr"}
_NUMBER = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
#: Length of the year a target reads (years): the year that ends at its ``year``.
TARGET_YEAR = 1.0


def _level_text(value: object) -> object:
    """A level needs its unit: a plain number would leave kWh or TWh, kg or Mt to a guess."""
    if value is None or isinstance(value, str):
        return value
    raise QuantityError(f"found {describe(value)}, expected a quantity with its unit per year, "
                     "e.g. '150 Mt CO2e/yr' or '40 TWh/yr'")


class Target(BaseModel):
    """A target for one quantity at one year: a change against a base year, or a level (a ceiling)."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    quantity: TargetQuantity
    """What the target is for: energy or an impact category (climate_change, mineral_resources,
    primary_energy, water, e_waste)."""
    year: Years
    """The year the target is for; its value is the annual mean over the year that ends at it,
    [year − 1, year), as summary.json's final_year: within [time.start + 1, time.end]."""
    change: Annotated[float | None, Quantity("", ge=-1.0, le=100.0)] = None
    """Change against `base_year` (fraction: -0.45 or "-45 %" = 45 % less). Give `change` or `level`."""
    base_year: Years | None = None
    """The year `change` is measured against (same annual-mean convention as `year`)."""
    level: Annotated[str | None, BeforeValidator(_level_text)] = None
    """A level not to exceed, with its unit per year (e.g. "150 Mt CO2e/yr", "40 TWh/yr"); summary.json
    reports it in that unit. Give `change` or `level`."""
    label: str = ""
    """How figures and the console name it (the target's name when empty)."""
    source: str = ""
    """Where the target comes from (a law, a plan, a reference key)."""

    def unit(self) -> str:
        """Unit of the target's value and level: ``"1"`` for a change, the unit written for a level."""
        if self.level is None:
            return "1"
        return _NUMBER.sub("", self.level, count=1).strip()

    def level_canonical(self) -> float:
        """The level in the quantity's canonical unit per year (kWh/yr, kg CO2e/yr...)."""
        if self.level is None:
            raise UsageError("a change target has no level")
        return to_canonical(self.level, RATE_UNITS[self.quantity])


def target_problems(targets: dict[str, Target], start: float, end: float) -> Iterator[tuple[tuple[Any, ...], str]]:
    """``(location, message)`` for each target that cannot be read: not exactly one of change and level, a
    change without base year, a level in the wrong unit, a year outside [start + 1, end]."""
    first = start + TARGET_YEAR
    for name, t in targets.items():
        loc = ("targets", name)
        if (t.change is None) == (t.level is None):
            found = "both change and level" if t.change is not None else "neither change nor level"
            yield loc, (f"found {found}, expected one of them: a change against base_year (e.g. change: -0.45, "
                        "base_year: 2020) or a level (e.g. level: '150 Mt CO2e/yr')")
            continue
        if t.change is not None and t.base_year is None:
            yield (*loc, "change"), ("found a change without base_year, expected the year it is measured against: "
                                     "add base_year (e.g. base_year: 2020)")
        if t.level is not None:
            if t.base_year is not None:
                yield (*loc, "base_year"), "found base_year with a level, expected none: a level is absolute"
            try:
                t.level_canonical()
            except QuantityError as exc:
                yield (*loc, "level"), f"{exc} (for {t.quantity})"
        for key, year in (("year", t.year), ("base_year", t.base_year)):
            if year is not None and not first - 1e-9 <= year <= end + 1e-9:
                yield (*loc, key), (f"found {year:g}, expected a year within the horizon, from {first:g} to {end:g}: "
                                    f"its value is the mean over the year that ends at it, [{year - 1:g}, {year:g})")
        if t.base_year is not None and t.base_year >= t.year:
            yield (*loc, "base_year"), f"found {t.base_year:g}, expected a year before the target's year ({t.year:g})"

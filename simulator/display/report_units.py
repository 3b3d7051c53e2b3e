"""Tables in report units (``--units report``): TWh, EB, Mt CO2e, t Sb eq, PJ, hm³, kt.

The base-unit tables (kWh, GB, kg CO2e...) stay as they are; the report tables are
written beside them (``timeseries_report.csv``...), each value converted with the
one unit registry (:data:`simulator.units.ureg`) and the ``unit`` column saying the
new unit. Units with no report unit (kWh/GB, EUR/GB, users, sites, ratios) are
copied unchanged.

Report units, per canonical unit (rates per year keep their ``/yr``):

=============  ==========  ====================================
canonical      report      quantity
=============  ==========  ====================================
kWh            TWh         energy
GB             EB          traffic
kg CO2e        Mt CO2e     climate change
kg Sb_eq       t Sb_eq     mineral resource use
MJ             PJ          primary energy
m**3           hm**3       water (1 hm³ = 1 million m³)
kg             kt          e-waste (kilotonnes; pint reads "kt" as the knot, so it converts with "kilotonne")
=============  ==========  ====================================
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from ..units import ureg

#: Canonical unit → (report unit as written in the ``unit`` column, its pint spelling).
REPORT_UNITS: dict[str, tuple[str, str]] = {
    "kWh": ("TWh", "TWh"),
    "GB": ("EB", "EB"),
    "kg CO2e": ("Mt CO2e", "Mt CO2e"),
    "kg Sb_eq": ("t Sb_eq", "t Sb_eq"),
    "MJ": ("PJ", "PJ"),
    "m**3": ("hm**3", "hm**3"),
    "kg": ("kt", "kilotonne"),
}
#: Columns of each table that carry the row's ``unit`` (the others are ratios, shares or labels).
VALUE_COLUMNS = {"timeseries": ("value",), "contributions": ("value",),
                 "innovations": ("expected_savings", "actual_savings")}


@cache
def report_unit(unit: str) -> tuple[str, float]:
    """(report unit, factor) for a canonical unit: ``"kWh/yr"`` → ``("TWh/yr", 1e-9)``; a unit with no report
    unit is kept, factor 1."""
    base, slash, per = unit.partition("/")
    if base not in REPORT_UNITS or (slash and per != "yr"):
        return unit, 1.0
    written, spelled = REPORT_UNITS[base]
    tail = f"{slash}{per}"
    return written + tail, float(ureg.Quantity(1.0, unit).to(spelled + tail).magnitude)


def in_report_units(table: pd.DataFrame, columns: tuple[str, ...] = ("value",)) -> pd.DataFrame:
    """A copy of ``table`` (with a ``unit`` column) whose ``columns`` are converted row by row to report units
    (:func:`report_unit`) and whose ``unit`` column names them."""
    out = table.copy()
    converted = out["unit"].map(report_unit)
    factors = converted.map(lambda pair: pair[1]).astype(float)
    for column in columns:
        out[column] = out[column].astype(float) * factors
    out["unit"] = converted.map(lambda pair: pair[0])
    return out

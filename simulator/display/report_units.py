"""Tables in report units (``--units report``): TWh, EB, Mt CO2e, t Sb eq, PJ, hm³, kt.

The base-unit tables (kWh, GB, kg CO2e...) stay as they are; the report tables are
written beside them (``timeseries_report.csv``...), each value converted with the
one unit registry (:data:`simulator.units.ureg`) and the ``unit`` column saying the
new unit. Units with no report unit (kWh/GB, EUR/GB, users, sites, ratios) are
copied unchanged. Given the scenario, a ``label`` column follows the columns of internal names
(which stay, as ids): what figures call the row's entity (:func:`entity_labels`).

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
from typing import TYPE_CHECKING

import pandas as pd

from ..units import ureg
from .i18n import tr
from .names import display_name

if TYPE_CHECKING:
    from ..scenario.schema import Scenario

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


#: Columns of the tables that hold an entity's key, and its kind.
ENTITY_COLUMNS = {"generation": "generation", "layer": "layer", "device": "device", "service": "service",
                  "equipment": "equipment", "workload": "workload", "network": "network"}
#: What a contribution's ``owner:`` or an innovation's ``kind:`` prefix names.
_PREFIXES = {"generation": "generation", "layer": "layer", "device": "device", "launch": "generation",
             "gain": "generation", "idle_gain": "generation", "layer_gain": "layer", "device_gain": "device"}


def entity_labels(table: pd.DataFrame, scenario: Scenario, lang: str = "en") -> pd.Series:
    """What figures call the entity of each row (:func:`~.names.display_name`), '' for a total: the first
    filled entity column (timeseries), the ``name`` of a contribution by ``by`` or an innovation's
    ``kind:name``."""
    def one(row: pd.Series) -> str:
        for column, kind in ENTITY_COLUMNS.items():
            key = row.get(column)
            if isinstance(key, str) and key:
                return display_name(scenario, kind, key, lang)
        key = row.get("name", row.get("innovation"))
        if not isinstance(key, str) or not key:
            return ""
        prefix, _, rest = key.partition(":")
        if rest and prefix in _PREFIXES:
            return display_name(scenario, _PREFIXES[prefix], rest, lang)
        by = row.get("by")
        known = scenario.demand.services if by == "service" else scenario.equipment if by == "equipment" else {}
        return display_name(scenario, str(by), key, lang) if key in known else tr(key, lang)

    keys = [c for c in (*ENTITY_COLUMNS, "name", "innovation", "by") if c in table.columns]
    if not len(table) or not keys:
        return pd.Series([""] * len(table), index=table.index, dtype=str)
    distinct = table[keys].drop_duplicates()  # a few dozen entities over many rows: name each once
    named = distinct.assign(label=distinct.apply(one, axis=1).astype(str))
    return table[keys].merge(named, on=keys, how="left")["label"].fillna("").set_axis(table.index)


def in_report_units(table: pd.DataFrame, columns: tuple[str, ...] = ("value",),
                    scenario: Scenario | None = None) -> pd.DataFrame:
    """A copy of ``table`` (with a ``unit`` column) whose ``columns`` are converted row by row to report units
    (:func:`report_unit`) and whose ``unit`` column names them; with ``scenario``, a ``label`` column after
    the columns of internal names (:func:`entity_labels`)."""
    out = table.copy()
    if scenario is not None:
        names = [c for c in (*ENTITY_COLUMNS, "name", "innovation") if c in out.columns]
        if names:
            at = max(out.columns.get_loc(c) for c in names) + 1
            out.insert(int(at), "label", entity_labels(out, scenario).to_numpy())
    converted = out["unit"].map(report_unit)
    factors = converted.map(lambda pair: pair[1]).astype(float)
    for column in columns:
        out[column] = out[column].astype(float) * factors
    out["unit"] = converted.map(lambda pair: pair[0])
    return out

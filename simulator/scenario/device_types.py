"""Device types with sourced defaults (issue 13): an equipment may say ``type: smartphone`` and take, for every
field it leaves unset, the default of that type — embodied and end-of-life impacts, mass, lifetime — and the
devices made of it their electricity use.

The values are the rows marked ``default = yes`` of ``simulator/data/devices.csv`` (each with its source
key, flag and scope; docs/data/devices.md explains them). A quantity the table has no value for stays unset:
its category is then not assessed, never 0.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources
from typing import Any

#: Where each quantity of the table goes in an equipment (or, for use_energy, in its devices).
_FIELDS = {"lifetime": ("lifetime",), "mass": ("mass",), "use_energy": ("annual_energy",),
           **{f"embodied_{c}": ("embodied", c) for c in ("climate_change", "mineral_resources", "primary_energy",
                                                            "water", "e_waste")},
           **{f"end_of_life_{c}": ("end_of_life", c) for c in ("climate_change", "mineral_resources",
                                                               "primary_energy", "water", "e_waste")}}
#: The table's units as the scenario schema writes them.
_UNITS = {"m3": "m**3", "kg Sb eq": "kg Sb_eq"}


@cache
def device_types() -> dict[str, dict[str, str]]:
    """Type → quantity → its default as a quantity with its unit (``"85.1 kg CO2e"``), from the package's table."""
    text = resources.files("simulator").joinpath("data", "devices.csv").read_text(encoding="utf-8")
    out: dict[str, dict[str, str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        if row["default"] == "yes" and row["value"].strip() and row["quantity"] in _FIELDS:
            unit = _UNITS.get(row["unit"], row["unit"])
            out.setdefault(row["device"], {})[row["quantity"]] = f"{row['value']} {unit}"
    return out


def with_device_types(data: Any) -> Any:
    """A scenario's raw data with the defaults of its equipment's ``type`` in every field left unset (equipment
    fields; ``annual_energy`` of the devices made of it). Anything else (not a mapping, an unknown type) is
    left as it is, for validation to report."""
    if not isinstance(data, dict) or not isinstance(data.get("equipment"), dict):
        return data
    types, data = device_types(), dict(data)
    equipment = dict(data["equipment"])
    for name, item in equipment.items():
        kind = item.get("type") if isinstance(item, dict) else None
        if not isinstance(kind, str) or kind not in types:
            continue
        item = dict(item)
        for quantity, value in types[kind].items():
            path = _FIELDS[quantity]
            if path[0] == "annual_energy":
                continue
            if len(path) == 1:
                item.setdefault(path[0], value)
            elif isinstance(item.get(path[0], {}), dict):
                item[path[0]] = {**{path[1]: value}, **item.get(path[0], {})}
        equipment[name] = item
    data["equipment"] = equipment
    devices = data.get("devices")
    if isinstance(devices, dict):
        devices = dict(devices)
        for name, device in devices.items():
            if not isinstance(device, dict) or "annual_energy" in device:
                continue
            item = equipment.get(device.get("equipment"))
            kind = item.get("type") if isinstance(item, dict) else None
            energy = types.get(kind, {}).get("use_energy") if isinstance(kind, str) else None
            if energy is not None:
                devices[name] = {**device, "annual_energy": energy}
        data["devices"] = devices
    return data


__all__ = ["device_types", "with_device_types"]

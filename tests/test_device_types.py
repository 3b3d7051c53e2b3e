"""Device types with sourced defaults (issue 13, point 2): `equipment.<name>.type` fills what the equipment
leaves unset from simulator/data/devices.csv; explicit values win; a gap stays not assessed; an unknown
type is refused where it is written."""

from __future__ import annotations

import copy
import csv
from pathlib import Path

import pytest

import simulator
from simulator.cli import main
from simulator.scenario.device_types import device_types

TABLE = Path(simulator.__file__).parent / "data" / "devices.csv"
SMALL = {
    "name": "types", "time": {"start": 2020, "end": 2030, "step": 0.5},
    "demand": {"users": 1000, "services": {"web": {"usage": "10 GB/yr"}}},
    "generations": {"4G": {"launch": 2010, "energy_intensity": "0.1 kWh/GB"}},
    "devices": {"phone": {"equipment": "handset"}, "screen": {"equipment": "tv_set", "annual_energy": "80 kWh/yr"}},
    "equipment": {"handset": {"type": "smartphone", "lifetime": 3}, "tv_set": {"type": "tv"}},
    "grid": {"climate_change": "0.3 kg CO2e/kWh"},
}


def test_the_issues_device_types_are_all_there_with_a_source_for_each_default():
    types = device_types()
    assert {"feature_phone", "smartphone", "tablet", "laptop", "desktop", "monitor", "tv", "set_top_box",
            "internet_box", "iot_module"} <= set(types)
    with TABLE.open(encoding="utf-8") as table:
        rows = list(csv.DictReader(table))
    for row in rows:
        if row["default"] == "yes" and row["value"]:
            assert row["source"] or row["flag"] in ("M", "A"), row  # a key, or an assumption said so
    gaps = {(r["device"], r["quantity"]) for r in rows if not r["value"]}
    for name, quantities in types.items():
        for quantity in ("embodied_climate_change", "lifetime", "use_energy"):
            assert quantity in quantities or (name, quantity) in gaps, (name, quantity)  # a figure, or a gap said


def test_a_type_fills_what_is_unset_and_explicit_values_win():
    scenario = simulator.scenario_from_dict(copy.deepcopy(SMALL))
    handset, tv = scenario.equipment["handset"], scenario.equipment["tv_set"]
    defaults = device_types()
    assert handset.lifetime == 3  # written
    made = float(defaults["smartphone"]["embodied_climate_change"].split()[0])
    assert handset.embodied.climate_change == pytest.approx(made)
    assert handset.mass == pytest.approx(0.18) and handset.end_of_life.climate_change == pytest.approx(0.2)
    assert scenario.devices["phone"].annual_energy == pytest.approx(3.9)
    assert scenario.devices["screen"].annual_energy == pytest.approx(80)  # written
    assert tv.lifetime == pytest.approx(float(defaults["tv"]["lifetime"].split()[0]))
    assert "water" not in handset.embodied.model_fields_set  # a gap of the table: not assessed, never 0
    results = simulator.simulate(scenario)
    assert "manufacturing" in results.not_assessed.get("water", {})


def test_an_unknown_type_is_refused_where_it_is_written(tmp_path, capsys):
    import yaml

    data = copy.deepcopy(SMALL)
    data["equipment"]["handset"]["type"] = "smartfone"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert main(["run", str(path), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert f"{path}:" in err and "equipment.handset.type: found 'smartfone'" in err and "smartphone" in err
    assert not (tmp_path / "out").exists()

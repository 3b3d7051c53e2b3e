"""Outputs by part of the digital sector (issue 13, point 7): devices, networks, data centres.

The part totals add up to the totals, for energy and for every impact category and phase, in every
variant; a phase not assessed stays not assessed (NaN) in each part; the tidy table labels them with
``part`` alone, and summary.json gives each part's cumulative value.
"""

from __future__ import annotations

import copy
import json

import numpy as np
import pandas as pd
import pytest
from conftest import SCENARIOS, STACKED

import simulator
from simulator.cli import main
from simulator.results import PARTS, Results
from simulator.scenario.schema import CATEGORIES, PHASES


@pytest.fixture(scope="module")
def results() -> Results:
    """The stacked scenario with a data-centre layer beside its core layer."""
    data = copy.deepcopy(STACKED)
    data["layers"]["dc"] = {"part": "data_centres", "energy_intensity": "0.2 kWh/GB", "efficiency_gain": 0.1,
                            "pue": 1.6, "equipment": {"server": 1.0}}
    return simulator.simulate(simulator.scenario_from_dict(data))


def _sum_of_parts(results: Results, variable: str, **labels: str) -> np.ndarray:
    return sum(results.all_variants(variable, part=part, **labels) for part in PARTS)


def test_energy_of_the_parts_adds_up_to_the_total(results: Results) -> None:
    np.testing.assert_allclose(_sum_of_parts(results, "energy"), results.all_variants("energy"), rtol=1e-12)
    devices = results.all_variants("energy", device="phone")
    np.testing.assert_array_equal(results.all_variants("energy", part="devices"), devices)
    np.testing.assert_allclose(results.all_variants("energy", part="data_centres"),
                               results.all_variants("energy", layer="dc"), rtol=1e-15)
    networks = results.all_variants("energy", part="networks")
    core = results.all_variants("energy", layer="core")
    np.testing.assert_allclose(networks, results.all_variants("network_energy") - results.all_variants(
        "energy", layer="dc"), rtol=1e-12)
    actual = results.variants.index("actual")
    assert (networks[actual] > core[actual]).all() and (results.array("energy", part="data_centres") > 0).all()


def test_impacts_of_the_parts_add_up_and_not_assessed_stays_not_assessed(results: Results) -> None:
    assessed = not_assessed = 0
    for category in CATEGORIES:
        for labels in [{}, *({"phase": phase} for phase in PHASES)]:
            total = results.all_variants("impact", category=category, **labels)
            parts = _sum_of_parts(results, "impact", category=category, **labels)
            np.testing.assert_array_equal(np.isnan(parts), np.isnan(total), err_msg=f"{category} {labels}")
            np.testing.assert_allclose(parts, total, rtol=1e-12, atol=1e-9 * np.nanmax(np.abs(total), initial=0.0),
                                       err_msg=f"{category} {labels}")
            if np.isnan(total).all():
                not_assessed += 1
                for part in PARTS:
                    labelled = {"category": category, "part": part, **labels}
                    assert results.note("impact", **labelled) == "not assessed"
            else:
                assessed += 1
    assert assessed and not_assessed  # the scenario has both: e.g. water of making equipment is not assessed


def test_manufacturing_goes_to_the_part_of_the_owner(results: Results) -> None:
    made = {part: results.array("impact", category="climate_change", phase="manufacturing", part=part)
            for part in PARTS}
    np.testing.assert_allclose(made["data_centres"], results.array(
        "impact", category="climate_change", phase="manufacturing", layer="dc"), rtol=1e-15)
    np.testing.assert_allclose(made["devices"], results.array(
        "impact", category="climate_change", phase="manufacturing", device="phone"), rtol=1e-15)
    assert made["data_centres"].sum() > 0 and made["networks"].sum() > 0


def test_timeseries_and_summary_report_the_parts(results: Results, tmp_path) -> None:
    frame = results.to_frame()
    labelled = frame[frame["part"] != ""]
    others = [c for c in ("generation", "layer", "device", "service", "equipment") if c in frame]
    assert (labelled[others] == "").all().all()  # part totals: the part and nothing else but category/phase
    assert set(labelled["variable"]) == {"energy", "impact"}
    energy = labelled[(labelled["variable"] == "energy") & (labelled["variant"] == "actual")]
    assert set(energy["part"]) == set(PARTS) and set(energy["unit"]) == {"kWh/yr"}
    summary = results.summary()
    for quantity in ("energy", *CATEGORIES):
        entry = summary["by_part"][quantity]
        assert entry["unit"] == summary["totals"][quantity]["unit"]
        values = [entry[part] for part in PARTS]
        if summary["totals"][quantity]["actual"] is None:
            assert values == [None, None, None]
        else:
            assert sum(values) == pytest.approx(summary["totals"][quantity]["actual"], rel=1e-12)
            assert entry.get("partial") == summary["totals"][quantity].get("partial")
    assert summary["by_part"]["energy"]["data_centres"] == pytest.approx(results.total("energy", layer="dc"))


def test_the_run_writes_part_rows_and_the_parts_figure(tmp_path) -> None:
    out = tmp_path / "out"
    scenario = str(SCENARIOS / "classroom-jevons.yaml")
    assert main(["run", scenario, "-o", str(out), "--format", "png", "--dpi", "40"]) == 0
    table = pd.read_csv(out / "timeseries.csv", keep_default_na=False)
    parts = table[(table["variable"] == "energy") & (table["part"] != "") & (table["variant"] == "actual")]
    total = table[(table["variable"] == "energy") & (table[["part", "generation", "layer", "device"]] == "").all(
        axis=1) & (table["variant"] == "actual")]
    summed = pd.to_numeric(parts["value"]).groupby(parts["time"]).sum().to_numpy()
    np.testing.assert_allclose(summed, pd.to_numeric(total["value"]).to_numpy(), rtol=1e-12)
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary["by_part"]["energy"]) == {"unit", *PARTS}
    assert (out / "plots" / "parts.png").stat().st_size > 0

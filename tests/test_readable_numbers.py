"""Readable numbers (issue 14 point 5): report units, indicators per user and per GB, targets."""

from __future__ import annotations

import copy
import io
import json

import numpy as np
import pandas as pd
import pytest
from conftest import CLASSROOM

import simulator
from simulator.cli import main
from simulator.display.report_units import in_report_units, report_unit
from simulator.export import write_outputs
from simulator.scenario.load import scenario_from_dict

TARGETS = {
    # Elasticity 1.2 > 1: energy rises (backfire), so a cut is not met and a loose ceiling is.
    "cut": {"quantity": "energy", "year": 2030, "change": "-45 %", "base_year": 2020, "label": "Cut by 45 %"},
    "ceiling": {"quantity": "energy", "year": 2030, "level": "1 TWh/yr"},
}


@pytest.fixture(scope="module")
def run() -> simulator.Results:
    data = copy.deepcopy(CLASSROOM)
    data["targets"] = TARGETS
    data["grid"] = {"climate_change": "480 g CO2e/kWh"}
    return simulator.run(scenario_from_dict(data))


def test_report_units_convert_exactly() -> None:
    assert report_unit("kWh/yr") == ("TWh/yr", 1e-9)
    assert report_unit("kg CO2e") == ("Mt CO2e", 1e-9)
    assert report_unit("kg/yr") == ("kt/yr", 1e-6)  # kilotonnes, not knots
    assert report_unit("m**3/yr") == ("hm**3/yr", 1e-6)
    assert report_unit("kg Sb_eq") == ("t Sb_eq", 1e-3)
    assert report_unit("GB/yr") == ("EB/yr", 1e-9)
    assert report_unit("kWh/GB") == ("kWh/GB", 1.0)  # an intensity keeps its unit
    table = pd.DataFrame({"unit": ["kWh", "user"], "value": [8242876848094.676, 1000.0]})
    converted = in_report_units(table)
    assert converted["unit"].tolist() == ["TWh", "user"]
    assert converted.to_csv(index=False, float_format="%.10g").splitlines()[1:] == ["TWh,8242.876848", "user,1000"]


def test_report_tables_are_written_beside_unchanged_base_tables(run: simulator.Results, tmp_path) -> None:
    base = write_outputs(run, tmp_path / "base", plots=False)
    report = write_outputs(run, tmp_path / "report", plots=False, units="report")
    for name in ("timeseries.csv", "contributions.csv", "innovations.csv"):
        assert (base / name).read_bytes() == (report / name).read_bytes(), name
        assert not (base / name.replace(".csv", "_report.csv")).exists()
    kwh = pd.read_csv(report / "timeseries.csv", keep_default_na=False)
    twh = pd.read_csv(report / "timeseries_report.csv", keep_default_na=False)
    energy = (kwh["variable"] == "energy") & (kwh["variant"] == "actual") & (kwh["part"] == "")
    assert set(twh.loc[energy, "unit"]) == {"TWh/yr"}
    assert np.allclose(twh.loc[energy, "value"].astype(float), kwh.loc[energy, "value"].astype(float) * 1e-9,
                       rtol=1e-9)
    contributions = pd.read_csv(report / "contributions_report.csv")
    assert set(contributions["unit"]) >= {"Mt CO2e", "PJ"}
    assert "timeseries_report.csv" in json.loads((report / "manifest.json").read_text())["files"]


def test_indicators_match_a_hand_computation(run: simulator.Results) -> None:
    indicators = run.summary()["indicators"]
    energy = run.array("energy")
    users = run.array("users")
    traffic = run.array("traffic")
    # 1000 users; the last year of steps is 2029, 2029.25, 2029.5, 2029.75 (step 0.25).
    assert np.all(users == 1000)
    final = energy[-5:-1].mean() / 1000
    assert indicators["per_user"]["energy"]["final_year"] == pytest.approx(final, rel=1e-12)
    assert indicators["per_user"]["energy"]["unit"] == "kWh/user/yr"
    horizon = energy[:-1].sum() * 0.25 / (1000 * 20)  # kWh over 20 years per 1000 users
    assert indicators["per_user"]["energy"]["horizon"] == pytest.approx(horizon, rel=1e-12)
    # At the start: 24 GB/yr a user at 2 kWh/GB, 48 kWh/user/yr; the first year's mean is above (demand grows).
    assert energy[0] / 1000 == pytest.approx(48.0)
    assert indicators["per_user"]["energy"]["first_year"] == pytest.approx(energy[:4].mean() / 1000, rel=1e-12)
    per_gb = indicators["per_gb"]["energy"]
    assert per_gb["unit"] == "kWh/GB"
    assert per_gb["horizon"] == pytest.approx(energy[:-1].sum() / traffic[:-1].sum(), rel=1e-12)
    assert per_gb["first_year"] < 2.0  # 2 kWh/GB at the start, 15 % less a year
    climate = indicators["per_gb"]["climate_change"]
    assert climate["unit"] == "g CO2e/GB"
    # 0.48 kg CO2e/kWh, constant: g CO2e/GB = 1000 × 0.48 × kWh/GB
    assert climate["horizon"] == pytest.approx(480 * per_gb["horizon"], rel=1e-9)
    assert indicators["per_user"]["climate_change"]["horizon"] == pytest.approx(0.48 * horizon, rel=1e-9)


def test_a_target_met_and_one_not_met(run: simulator.Results) -> None:
    targets = run.summary()["targets"]
    energy = run.array("energy")
    change = energy[-5:-1].mean() / energy[36:40].mean() - 1  # [2029, 2030) against [2019, 2020)
    assert change > 0
    cut = targets["cut"]
    assert cut == {"quantity": "energy", "met": False, "value": pytest.approx(change, rel=1e-12), "target": -0.45,
                   "unit": "1", "year": 2030.0, "base_year": 2020.0, "label": "Cut by 45 %", "source": ""}
    ceiling = targets["ceiling"]
    final = run.summary()["final_year"]["energy"]["actual"]  # kWh/yr, the same window as the target's year
    assert ceiling["unit"] == "TWh/yr" and ceiling["target"] == pytest.approx(1.0)
    assert ceiling["value"] == pytest.approx(final * 1e-9, rel=1e-12)
    assert ceiling["met"] is True


def test_targets_are_printed_and_drawn(run: simulator.Results, tmp_path, capsys) -> None:
    from simulator.plots.parts import plot_parts

    path = tmp_path / "s.yaml"
    data = copy.deepcopy(CLASSROOM) | {"targets": TARGETS, "grid": {"climate_change": "480 g CO2e/kWh"}}
    path.write_text(json.dumps(data))  # JSON is YAML
    assert main(["run", str(path), "-o", str(tmp_path / "out"), "--no-plots", "--units", "report"]) == 0
    printed = capsys.readouterr().out
    assert "target cut (energy by 2030: -45 % vs 2020): NOT met" in printed
    assert "target ceiling (energy by 2030: at most 1 TWh/yr): met" in printed
    assert (tmp_path / "out" / "timeseries_report.csv").exists()
    ax = plot_parts(run)
    texts = [t.get_text() for t in ax.texts]
    assert "Cut by 45 %: target −45 % vs 2020: not met" in texts
    assert "target at most 1 TWh/yr: met" in texts
    ax.figure.savefig(io.BytesIO(), format="png", dpi=50)

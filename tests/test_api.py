"""The Python API for analysts: each public function in three lines, from a path or a Scenario.

``run``, ``compare``, ``monte_carlo``, ``monte_carlo_difference``, ``sweep``, ``sensitivity`` and
``calibrate`` take a scenario file (with ``overrides``) or a Scenario and keyword options;
``Results.frame()`` is the tidy table indexed by float years with missing labels as NaN;
``Results.series()`` one series with its year index and unit (``Results.array()`` its numpy values).
"""

from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import simulator
from simulator.errors import UsageError

CLASSROOM = str(Path(__file__).resolve().parents[1] / "scenarios" / "classroom-jevons.yaml")
QUICK = {"workers": 1, "progress": False}


@pytest.fixture(scope="module")
def results() -> simulator.Results:
    return simulator.run(CLASSROOM)


def test_run_from_a_path_or_a_scenario_gives_the_same_numbers(results) -> None:
    scenario = simulator.load_scenario(CLASSROOM, ["demand.services.data.elasticity=0.5"])
    again = simulator.run(scenario)
    assert np.array_equal(again.array("energy"), simulator.run(CLASSROOM, ["demand.services.data.elasticity=0.5"],
                                                               ).array("energy"))
    assert not np.array_equal(again.array("energy"), results.array("energy"))
    with pytest.raises(UsageError, match="overrides apply to a scenario file"):
        simulator.run(scenario, ["demand.services.data.elasticity=1"])


def test_frame_is_indexed_by_year_with_nan_for_missing_labels(results) -> None:
    frame = results.frame()
    assert frame.index.name == "year" and frame.index.dtype == np.float64
    assert frame.index.min() == 2010.0 and frame.index.max() == 2030.0
    total = frame[(frame["variable"] == "energy") & (frame["variant"] == "actual") & frame["generation"].isna()
                  & frame["part"].isna()]
    assert np.allclose(total["value"].to_numpy(), results.array("energy"))
    assert not (frame[["generation", "part", "note"]] == "").any().any()
    assert frame["generation"].notna().any()  # breakdowns keep their label
    assert (results.to_frame()["generation"] == "").any()  # the flat table the CSV files are written from


def test_series_is_a_pandas_series_with_its_year_index_and_unit(results) -> None:
    energy = results.series("energy")
    assert isinstance(energy, pd.Series) and energy.index.name == "year"
    assert energy.attrs["unit"] == "kWh/yr" and energy.attrs["variant"] == "actual"
    assert energy.loc[2020.0] == results.array("energy")[list(results.times).index(2020.0)]
    frozen = results.series("energy", "frozen", generation="network")
    assert frozen.attrs["labels"] == {"generation": "network"} and frozen.name == "energy"
    energy.iloc[0] = -1.0  # a copy: the results are not changed through it
    assert results.array("energy")[0] > 0


def test_compare_in_three_lines(tmp_path) -> None:
    comparison = simulator.compare(CLASSROOM, CLASSROOM, years=[2020], overrides=["seed=1"])
    table = comparison.to_frame()
    assert (table[table["statistic"] == "calendar_year_mean"]["difference"].dropna() == 0).all()
    with pytest.raises(simulator.ScenarioError, match="--years"):
        simulator.compare(CLASSROOM, CLASSROOM, years=[2040])


def test_monte_carlo_in_three_lines(tmp_path) -> None:
    mc = simulator.monte_carlo(CLASSROOM, 8, seed=3, **QUICK)
    simulator.write_montecarlo(mc, tmp_path / "mc", plots=False)
    assert mc.summary()["members"] == 8 and (tmp_path / "mc" / "summary.json").exists()


def test_monte_carlo_difference_in_three_lines(tmp_path) -> None:
    diff = simulator.monte_carlo_difference([CLASSROOM, CLASSROOM], 4, overrides=["seed=2"], **QUICK)
    simulator.write_difference(diff, tmp_path / "diff", plots=False)
    assert (diff.to_frame()["p50"].dropna() == 0).all() and (tmp_path / "diff" / "differences.csv").exists()


def test_sweep_in_three_lines() -> None:
    sw = simulator.sweep(CLASSROOM, ["demand.services.data.elasticity=0:2:3"], measure="induced", **QUICK)
    table = sw.table()
    assert len(table) == 3 and table["demand.services.data.elasticity"].tolist() == [0.0, 1.0, 2.0]


def test_sensitivity_in_three_lines() -> None:
    sens = simulator.sensitivity(simulator.load_scenario(CLASSROOM), "morris", 4, seed=1, **QUICK)
    ranked = sens.summary()["ranking"]
    assert sens.runs == 4 * (3 + 1) and ranked


def test_calibrate_in_three_lines(tmp_path) -> None:
    truth = simulator.run(CLASSROOM)
    years = [2012, 2016, 2020, 2024, 2028]
    observed = {"energy": {"variable": "energy", "unit": "kWh/yr", "source": "synthetic",
                           "values": {y: float(np.interp(y, truth.times, truth.array("energy"))) for y in years}}}
    path = tmp_path / "observed.yaml"
    path.write_text(yaml.safe_dump({"extends": CLASSROOM, "name": "observed", "observations": observed}),
                    encoding="utf-8")
    fit = simulator.calibrate(path, ["generations.network.efficiency_gain"], overrides=[
        "generations.network.efficiency_gain=0.1"], profiles=False)
    assert fit.values == pytest.approx([0.15], rel=1e-6)


def test_compare_and_calibrate_stay_functions_when_their_modules_are_imported() -> None:
    import simulator.calibrate.fit  # noqa: F401
    from simulator.compare import Comparison  # noqa: F401

    assert callable(simulator.compare) and callable(simulator.calibrate)
    assert inspect.isfunction(simulator.compare) and inspect.isfunction(simulator.calibrate)


@pytest.mark.parametrize("name", ["run", "compare", "monte_carlo", "monte_carlo_difference", "sweep", "sensitivity",
                                  "calibrate"])
def test_every_entry_point_is_typed_and_takes_a_path_or_a_scenario(name: str) -> None:
    function = getattr(simulator, name)
    hints = inspect.get_annotations(function)
    assert "return" in hints
    first = next(iter(inspect.signature(function).parameters.values()))
    assert "Scenario" in str(hints[first.name]) and "PathLike" in str(hints[first.name])
    keywords = [p for p in inspect.signature(function).parameters.values() if p.kind is p.KEYWORD_ONLY]
    assert keywords, f"{name} takes no keyword options"

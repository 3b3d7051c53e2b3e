"""Monte Carlo of differences between scenarios on common random numbers (``jevons montecarlo A B ...``).

What must hold: every scenario runs on the same drawn values, so a scenario that changes nothing
differs by exactly 0 in every member, and the spread of a policy's difference is much smaller than
the spread of either scenario; scenarios of different structure (a launch dropped) still run; a
different time axis, or a key of the reference's uncertainty that names nothing in another
scenario, is refused with its location before anything is written.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import SCENARIOS

import simulator
from simulator.cli import main
from simulator.ensemble.difference import QUANTITIES, STATISTICS, monte_carlo_difference
from simulator.ensemble.montecarlo import monte_carlo
from simulator.ensemble.runner import run_members
from simulator.ensemble.sampling import uncertain_parameters
from simulator.errors import ScenarioError
from simulator.scenario.load import load_scenario

BASELINE = SCENARIOS / "world-mobile.yaml"
SOBRIETY = SCENARIOS / "sobriety.yaml"
NO_5G = SCENARIOS / "no-5g.yaml"
CLASSROOM = SCENARIOS / "classroom-jevons.yaml"
MEMBERS = 8


def _child(tmp_path: Path, name: str, body: str, parent: Path = CLASSROOM) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(f"extends: {parent}\nname: {name}\n{body}", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def sobriety() -> object:
    return monte_carlo_difference([BASELINE, SOBRIETY], MEMBERS, workers=1)


def test_the_draws_are_those_of_the_reference_alone(sobriety) -> None:
    """Member i of the reference is member i of ``jevons montecarlo A`` (same seed, same values)."""
    alone = monte_carlo(load_scenario(BASELINE), MEMBERS, workers=1)
    assert np.array_equal(sobriety.values, alone.ensemble.values)
    assert np.array_equal(sobriety.series(0, "energy"), alone.ensemble.variant("energy", "actual"))


def test_nominal_is_the_difference_of_the_scenarios_as_written(sobriety) -> None:
    """``nominal`` is what ``jevons compare baseline sobriety`` reports: -380 TWh over 2000-2050."""
    runs = [simulator.run(path, variants=("actual",)) for path in (BASELINE, SOBRIETY)]
    expected = runs[1].total("energy") - runs[0].total("energy")
    assert sobriety.difference(1, "energy", "cumulative", nominal=True)[0] == pytest.approx(expected, rel=1e-12)
    assert -3.9e11 < expected < -3.7e11


def test_common_random_numbers_shrink_the_spread_of_the_difference(sobriety) -> None:
    """Sobriety against the baseline, on the baseline's uncertainty: the uncertain world moves both runs
    the same way, so the difference spreads far less than either scenario (cumulative energy: a tenth)."""
    table = sobriety.to_frame().set_index(["quantity", "statistic"])
    energy = table.loc[("energy", "cumulative")]
    spread = energy["p95"] - energy["p5"]
    assert spread < 0.2 * energy["reference_spread_p5_p95"]
    assert spread < 0.2 * energy["scenario_spread_p5_p95"]
    # independent draws would spread the difference at least as much as the wider scenario alone
    a = sobriety.statistic(0, "energy", "cumulative")
    b = sobriety.statistic(1, "energy", "cumulative")
    shuffled = b[np.roll(np.arange(MEMBERS), 1)] - a
    assert np.ptp(shuffled) > 3 * np.ptp(b - a)
    # before the policies start (2025), every member of both runs is the same world: the energy and traffic
    # differences are exactly 0 (not climate change: a single run of sobriety already makes a little less
    # before 2025, its equipment bought then living longer)
    before = sobriety.times < 2025
    for quantity in ("energy", "traffic"):
        d = sobriety.series(1, quantity) - sobriety.series(0, quantity)
        assert np.all(d[:, before] == 0.0), quantity
    assert energy["probability_lower"] == 1.0 and energy["p95"] < 0


def test_a_policy_that_changes_nothing_differs_by_exactly_zero(tmp_path: Path) -> None:
    """A video cap of factor 1 from 2025: its own event schedule, compiled apart, the same numbers."""
    same = _child(tmp_path, "no-op", "policies:\n  - {type: traffic_scale, at: 2025, factor: 1.0}\n", BASELINE)
    diff = monte_carlo_difference([BASELINE, same], 4, workers=1)
    for quantity in QUANTITIES:
        for statistic in STATISTICS:
            d = diff.difference(1, quantity, statistic)
            if diff.scope(0, quantity) == "not assessed":
                assert np.isnan(d).all()
            else:
                assert np.array_equal(d, np.zeros(4)), (quantity, statistic)
    assert diff.to_frame()["probability_lower"].fillna(0.0).eq(0.0).all()


def test_a_scenario_that_drops_a_launch_runs_on_the_same_draws() -> None:
    """no-5g never launches 5G: another event schedule; the drawn 5G values still go to it (unused)."""
    diff = monte_carlo_difference([BASELINE, NO_5G], 4, workers=1)
    energy = diff.difference(1, "energy", "cumulative")
    assert np.all(np.isfinite(energy)) and np.all(energy < 0)
    before = diff.times < 2019  # 5G launches in 2019 in the baseline
    assert np.all(diff.series(1, "energy")[:, before] == diff.series(0, "energy")[:, before])


def test_a_value_the_scenario_sets_itself_is_kept(tmp_path: Path) -> None:
    """B changes a parameter A draws: B keeps its value in every member, and says so."""
    fast = _child(tmp_path, "fast", "generations:\n  network: {efficiency_gain: 0.25}\n")
    diff = monte_carlo_difference([CLASSROOM, fast], 6, workers=1)
    assert diff.kept[1] == ["generations.network.efficiency_gain = 0.25 (reference: 0.15)"]
    assert "keeps them in every member" in diff.notes[0]
    # B's members are B as written with its other uncertain values set to each member's drawn values
    others = [k for k, p in enumerate(diff.parameters) if p.key != "generations.network.efficiency_gain"]
    b = load_scenario(fast)
    drawn = uncertain_parameters(b, [diff.parameters[k].key for k in others])
    alone = run_members(b, drawn, diff.values[:, others], variants=("actual",), workers=1)
    assert np.array_equal(diff.series(1, "energy"), alone.variant("energy", "actual"))
    same = monte_carlo_difference([fast, fast], 3, workers=1)
    assert same.kept[1] == []


def test_different_time_axes_are_refused_with_their_location(tmp_path: Path, capsys) -> None:
    later = _child(tmp_path, "later", "time: {start: 2012, end: 2030, step: 0.25}\n")
    out = tmp_path / "out"
    assert main(["montecarlo", str(CLASSROOM), str(later), "-n", "4", "-o", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert f"{later}:3:" in err and "expected the same time axis" in err
    assert not out.exists()


def test_a_key_that_names_nothing_in_a_scenario_is_refused_at_the_reference(tmp_path: Path, capsys) -> None:
    extra = _child(tmp_path, "extra", "demand:\n  services:\n"
                   "    video: {usage: 1 GB/month, growth: 0.0, elasticity: 1.0, delay: 0}\n"
                   "uncertainty:\n  demand.services.video.elasticity: {dist: uniform, low: 0.5, high: 1.5}\n")
    out = tmp_path / "out"
    assert main(["montecarlo", str(extra), str(CLASSROOM), "-n", "4", "-o", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert f"{extra}:7:3: uncertainty.demand.services.video.elasticity: " in err
    assert "names nothing in 'classroom-jevons'" in err and "--params" in err
    assert not out.exists()
    with pytest.raises(ScenarioError, match="names nothing"):
        monte_carlo_difference([extra, CLASSROOM], 2)


def test_the_command_writes_tables_figures_and_probabilities(tmp_path: Path, capsys) -> None:
    out = tmp_path / "mc"
    argv = ["montecarlo", str(BASELINE), str(SOBRIETY), str(NO_5G), "-n", "4", "-o", str(out), "--workers", "1",
            "--no-progress", "--dpi", "40"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "sobriety - world-mobile: cumulative energy median" in printed and "lower in 100 % of members" in printed
    table = pd.read_csv(out / "differences.csv")
    assert set(table["scenario"]) == {"sobriety", "no-5g"}
    assert set(table["quantity"]) == set(QUANTITIES) and set(table["statistic"]) == set(STATISTICS)
    assert {"mean", "p5", "p25", "p50", "p75", "p95", "probability_lower", "unit", "period"} <= set(table.columns)
    row = table[(table.scenario == "sobriety") & (table.quantity == "energy") & (table.statistic == "final_year")]
    assert row["unit"].item() == "kWh/yr" and row["period"].item() == "2049-2050"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["probability_lower"]["sobriety"]["climate_change"]["cumulative"] == 1.0
    assert summary["differences"]["no-5g"]["energy"]["cumulative"]["unit"] == "kWh"
    bands = pd.read_csv(out / "bands.csv")
    assert set(bands["scenario"]) == {"sobriety", "no-5g"} and (bands["p5"] <= bands["p95"]).all()
    assert len(pd.read_csv(out / "members.csv")) == 4
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["compared"]) == {"sobriety", "no-5g"} and manifest["scenario_name"] == "world-mobile"
    assert {p.name for p in (out / "plots").iterdir()} == {"difference_sobriety.png", "difference_no-5g.png"}


def test_measure_is_refused_with_several_scenarios(tmp_path: Path, capsys) -> None:
    assert main(["montecarlo", str(CLASSROOM), str(CLASSROOM), "-n", "2", "--measure", "frozen",
                 "-o", str(tmp_path / "x")]) == 2
    assert "--measure" in capsys.readouterr().err


def test_workers_and_chunks_do_not_change_the_differences(tmp_path: Path) -> None:
    """Impact categories travel back from worker processes like the headline series: bit for bit."""
    capped = _child(tmp_path, "capped", "policies:\n  - {type: traffic_scale, at: 2020, factor: 0.7}\n")
    one = monte_carlo_difference([CLASSROOM, capped], 6, workers=1)
    pool = monte_carlo_difference([CLASSROOM, capped], 6, workers=2, chunk=2)
    for j in (0, 1):
        assert np.array_equal(one.runs[j].impact, pool.runs[j].impact, equal_nan=True)
        assert np.array_equal(one.series(j, "energy"), pool.series(j, "energy"))
    pd.testing.assert_frame_equal(one.to_frame(), pool.to_frame())


def test_the_fan_chart_of_a_difference_has_units_a_title_and_a_source(sobriety) -> None:
    from simulator.plots.fan_difference import plot_difference_fan
    from simulator.plots.style import SOURCE_GID

    meta = {"scenario": "sobriety − baseline", "version": "test", "members": MEMBERS, "seed": 0}
    fig = plot_difference_fan(sobriety.bands(), "sobriety", "baseline", meta)
    energy, climate = fig.axes[:2]
    assert energy.get_ylabel() == "Difference (TWh/yr)" and "CO₂e/yr" in climate.get_ylabel()
    assert "runs on the same draws" in fig._suptitle.get_text()
    assert any(t.get_gid() == SOURCE_GID and "seed 0" in t.get_text() for t in fig.texts)
    low, high = energy.get_ylim()
    assert low < -30 and high >= 0  # sobriety saves 40-60 TWh/yr around 2030: drawn below the zero line
    with pytest.raises(ValueError, match="no bands of 'other'"):
        plot_difference_fan(sobriety.bands(), "other", "baseline", meta)

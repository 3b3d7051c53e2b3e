"""Ensembles report the measure chosen with --measure: the same numbers as a single run, named outputs.

* Each measure of a member equals the single run of that member's scenario (simulator.rebound on
  ``simulate``): window and marginal at time.end, frozen and per-innovation cumulative R, induced;
  and its series over time (the fan chart's) equals the single run's at every instant.
* The default is frozen where the nominal run would headline it (classroom), else induced (baseline).
* An unknown measure or innovation exits 2 naming the valid ones, and writes nothing.
* Outputs say which measure: summary.json, column names, bands; backfire only for a rebound.
"""

from __future__ import annotations

import copy
import json

import numpy as np
import pandas as pd
import pytest
from conftest import SCENARIOS, STACKED

import simulator
from simulator import rebound
from simulator.cli import main
from simulator.ensemble.measures import Measure, choose_measure, default_measure, measure_names
from simulator.ensemble.montecarlo import monte_carlo
from simulator.ensemble.runner import run_members
from simulator.ensemble.sampling import draw, member_scenario, uncertain_parameters
from simulator.ensemble.sensitivity import sensitivity
from simulator.ensemble.sweep import sweep
from simulator.errors import ScenarioError
from simulator.model.variants import VARIANTS

CLASSROOM = SCENARIOS / "classroom-jevons.yaml"
BASELINE = SCENARIOS / "world-mobile.yaml"
MEASURES = ("induced", "frozen", "window", "marginal", "innovation:gain:network")


@pytest.fixture(scope="module")
def classroom():
    return simulator.load_scenario(CLASSROOM)


@pytest.fixture(scope="module")
def classroom_runs(classroom):
    """Six members drawn from the classroom's uncertainty, and the single run of each."""
    parameters = uncertain_parameters(classroom)
    values = draw(parameters, 6, seed=3)
    singles = [simulator.simulate(member_scenario(classroom, parameters, row)) for row in values]
    return parameters, values, singles


def _single_value(measure: str, results) -> float:
    """What a single run says for one measure: the functions of simulator.rebound."""
    if measure == "induced":
        return results.induced("energy")
    if measure == "frozen":
        return results.cumulative_rebound("energy")
    if measure == "window":
        return float(rebound.window(results)[-1])
    if measure == "marginal":
        return float(rebound.marginal(results)[-1])
    return rebound.innovations(results, ("energy",))[measure.removeprefix("innovation:")]["energy"]["rebound"]


def _single_series(measure: str, results) -> np.ndarray:
    if measure == "induced":
        a, e = (results.array("energy", v) for v in ("actual", "engineering"))
        return (a - e) / e
    if measure.startswith("innovation:"):
        name = measure.removeprefix("innovation:")
        return rebound.rebound_ratio(*(results.array("energy", v) for v in
                                       (f"without:{name}", f"without:{name}/engineering", "actual")))
    return {"frozen": rebound.frozen, "window": rebound.window, "marginal": rebound.marginal}[measure](results)


@pytest.mark.parametrize("measure", MEASURES)
def test_each_measure_of_a_member_is_its_single_run(classroom, classroom_runs, measure):
    parameters, values, singles = classroom_runs
    chosen = choose_measure(classroom, measure)
    ensemble = run_members(classroom, parameters, values, workers=1, progress=False, variants=chosen.variants)
    assert ensemble.variants == chosen.variants
    got, series = chosen.values(ensemble), chosen.series(ensemble)
    for i, results in enumerate(singles):
        expected = _single_value(measure, results)
        assert expected is not None and np.isfinite(expected)
        if measure in ("window", "marginal"):  # the same arithmetic on the same numbers: bit for bit
            assert got[i] == expected, f"member {i}: {got[i]!r} != {expected!r}"
        np.testing.assert_allclose(got[i], expected, rtol=1e-12, atol=1e-15, err_msg=f"member {i}, {measure}")
        np.testing.assert_allclose(series[i], _single_series(measure, results), rtol=1e-12, atol=1e-15,
                                   equal_nan=True, err_msg=f"member {i}, {measure} over time")
    if measure in ("window", "marginal"):  # at time.end, not over the horizon
        assert np.array_equal(got, series[:, -1], equal_nan=True)


def test_marginal_rebound_of_the_classroom_is_its_elasticity(classroom, classroom_runs):
    """Saunders' marginal rebound of the closed form: 1 + ∂lnE/∂lnη = ε, up to the one-sided difference."""
    parameters, values, _ = classroom_runs
    chosen = choose_measure(classroom, "marginal")
    ensemble = run_members(classroom, parameters, values, workers=1, progress=False, variants=chosen.variants)
    eps = values[:, [p.key for p in parameters].index("demand.services.data.elasticity")]
    np.testing.assert_allclose(chosen.values(ensemble), eps, atol=2e-3)


UNCERTAIN_STACKED = {
    **copy.deepcopy(STACKED),
    "uncertainty": {
        "generations.new.launch": {"dist": "choice", "values": [2008, 2010, 2012]},
        "demand.services.*.elasticity": {"dist": "uniform", "low": 0.3, "high": 1.5},
    },
}


@pytest.mark.parametrize("measure", ["window", "innovation:gain:new", "innovation:launch:new"])
def test_members_grouped_by_event_schedule_measure_like_single_runs(measure):
    """Launch years move events: members are derived and grouped, and still equal their single runs."""
    scenario = simulator.scenario_from_dict(UNCERTAIN_STACKED)
    parameters = uncertain_parameters(scenario)
    values = draw(parameters, 5, seed=2)
    assert len(set(values[:, 0])) > 1
    chosen = choose_measure(scenario, measure)
    ensemble = run_members(scenario, parameters, values, workers=1, chunk=2, progress=False,
                           variants=chosen.variants)
    got = chosen.values(ensemble, "climate_change")
    for i, row in enumerate(values):
        results = simulator.simulate(member_scenario(scenario, parameters, row))
        if measure == "window":
            expected = float(rebound.window(results, "climate_change")[-1])
        else:
            expected = rebound.innovations(results, ("climate_change",))[measure.removeprefix("innovation:")][
                "climate_change"]["rebound"]
        expected = np.nan if expected is None else expected
        np.testing.assert_allclose(got[i], expected, rtol=1e-12, equal_nan=True, err_msg=f"member {i}")


def test_results_do_not_depend_on_workers_or_chunks_with_more_variants(classroom):
    parameters = uncertain_parameters(classroom)
    values = draw(parameters, 30, seed=5)
    chosen = choose_measure(classroom, "window")
    one = run_members(classroom, parameters, values, workers=1, chunk=30, progress=False, variants=chosen.variants)
    two = run_members(classroom, parameters, values, workers=2, chunk=7, progress=False, variants=chosen.variants)
    for name in ("energy", "climate_change", "traffic"):
        assert np.array_equal(getattr(one, name), getattr(two, name))
    assert np.array_equal(chosen.values(one), chosen.values(two), equal_nan=True)


def test_variants_are_read_by_name(classroom):
    parameters = uncertain_parameters(classroom)
    chosen = choose_measure(classroom, "window")
    assert chosen.variants == (*VARIANTS, "window", "window/engineering")
    e = run_members(classroom, parameters, draw(parameters, 3, seed=1), workers=1, progress=False,
                    variants=chosen.variants)
    assert e.energy.shape[1] == 5
    assert np.array_equal(e.variant("energy", "window"), e.energy[:, e.variants.index("window")])
    with pytest.raises(KeyError, match="no variant 'marginal'.*window/engineering"):
        e.variant("energy", "marginal")


def test_default_measure_is_frozen_only_where_a_run_headlines_it(classroom):
    assert default_measure(classroom) == "frozen"
    assert default_measure(simulator.load_scenario(BASELINE)) == "induced"  # 2000 technology: ×200 the energy
    assert choose_measure(classroom).name == "frozen"
    assert measure_names(classroom) == ["induced", "frozen", "window", "marginal", "innovation:gain:network"]


@pytest.mark.parametrize("text,message", [
    ("rolling", "found 'rolling', expected one of induced, frozen, window, marginal or innovation:NAME "
                "(innovation:gain:network)"),
    ("innovation:launch:7G", "found 'innovation:launch:7G', expected innovation:NAME with NAME an innovation of "
                             "this scenario: gain:network"),
])
def test_unknown_measure_is_refused_naming_the_valid_ones(classroom, text, message):
    with pytest.raises(ScenarioError) as info:
        choose_measure(classroom, text)
    assert str(info.value.problems[0]) == f"--measure: {message}"


@pytest.mark.parametrize("command", [
    ["montecarlo", str(CLASSROOM), "-n", "5"],
    ["sweep", str(CLASSROOM), "--grid", "demand.services.data.elasticity=0:2:3"],
    ["sensitivity", str(CLASSROOM), "-n", "2"],
])
def test_bad_measure_on_the_command_line_exits_2_and_writes_nothing(command, tmp_path, capsys):
    out = tmp_path / "out"
    assert main([*command, "--measure", "innovation:launch:5G", "-o", str(out), "--no-plots"]) == 2
    err = capsys.readouterr().err
    assert "--measure: found 'innovation:launch:5G'" in err and "gain:network" in err
    assert not out.exists()


def test_montecarlo_outputs_name_the_measure(tmp_path, capsys):
    out = tmp_path / "mc"
    assert main(["montecarlo", str(CLASSROOM), "-n", "20", "--measure", "window", "--workers", "1", "-o", str(out),
                 "--no-plots"]) == 0
    assert "energy rebound R (window)" in capsys.readouterr().out
    summary = json.loads((out / "summary.json").read_text())
    assert summary["measure"] == "window" and summary["measure_label"].startswith("rolling rebound R_5 at 2030")
    assert 0.0 <= summary["probability_of_backfire"]["energy"] <= 1.0
    members = pd.read_csv(out / "members.csv")
    assert {"rebound_window_energy [1]", "rebound_window_climate_change [1]", "induced_energy [1]",
            "energy_cumulative_window [kWh]", "backfire_energy"} <= set(members.columns)
    bands = pd.read_csv(out / "bands.csv")
    assert set(bands["quantity"]) == {"energy", "traffic", "climate_change", "rebound_window_energy"}
    series = pd.read_parquet(out / "members.parquet")
    assert set(series["variant"]) == {"actual", "engineering", "frozen", "window", "window/engineering"}
    assert json.loads((out / "manifest.json").read_text())["measure"] == "window"


def test_induced_is_not_a_rebound_no_backfire_anywhere(tmp_path, capsys):
    out = tmp_path / "mc"
    assert main(["montecarlo", str(CLASSROOM), "-n", "20", "--measure", "induced", "--workers", "1", "-o", str(out),
                 "--no-plots"]) == 0
    printed = [line for line in capsys.readouterr().out.splitlines()
               if not line.startswith("the scenario as written: ")]  # the one verdict of the nominal run
    assert not any("backfire" in line for line in printed)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["measure"] == "induced"
    assert "probability_of_backfire" not in summary and "rebound" not in summary
    assert summary["induced"]["energy"]["defined_members"] == 20
    members = pd.read_csv(out / "members.csv")
    assert "backfire_energy" not in members and not any(c.startswith("rebound_") for c in members)
    sw = sweep(simulator.load_scenario(CLASSROOM), ["demand.services.data.elasticity=0:2:5"], measure="induced",
               workers=1, progress=False)
    assert "backfire" not in sw.table() and "backfire_points" not in sw.summary()
    assert sw.units()["induced_energy_final"] == "1"


def test_baseline_default_measure_varies_across_members():
    """The point of the measure: the baseline's members no longer all read R ≈ 0.1 %."""
    scenario = simulator.load_scenario(BASELINE)
    mc = monte_carlo(scenario, 24, seed=1, workers=1, progress=False)
    assert mc.measure.name == "induced"
    induced = mc.measure.values(mc.ensemble)
    assert np.all(np.isfinite(induced)) and induced.max() - induced.min() > 0.1  # ten points of % at least
    frozen = Measure.of("frozen", scenario).values(mc.ensemble)
    assert frozen.max() < 0.01  # what the frozen measure said: nothing varies


def test_sensitivity_analyses_the_measure_named_by_it(classroom):
    sens = sensitivity(classroom, "morris", 4, measure="marginal", workers=1, progress=False)
    assert list(dict.fromkeys(sens.indices["output"])) == ["energy_cumulative", "climate_change_cumulative",
                                                           "rebound_marginal_energy"]
    assert sens.summary()["measure"] == "marginal" and sens.outputs["rebound_marginal_energy"] == "1"
    top = sens.summary()["ranking"]["rebound_marginal_energy"][0]["parameter"]
    assert top == "demand.services.data.elasticity"  # the marginal rebound of the closed form is ε


def test_sensitivity_refuses_a_measure_undefined_for_some_runs():
    """Forced into undefined: without efficiency gain, nothing was expected to be saved."""
    data = simulator.scenario_from_dict({
        **copy.deepcopy(STACKED),
        "uncertainty": {"generations.new.efficiency_gain": {"dist": "uniform", "low": 0.0, "high": 0.2}}})
    with pytest.raises(ScenarioError, match="--measure: found innovation:gain:new undefined for"):
        sensitivity(data, "morris", 4, measure="innovation:gain:new", workers=1, progress=False)

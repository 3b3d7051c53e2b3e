"""Rebound measures against closed forms and invariants (simulator/rebound.py, simulator/decomposition.py).

In the classroom scenario (one network, energy per GB falling at g per year, the cost of a GB is its
energy, no delay), with x = (1 − g)^Δ the efficiency gained over Δ years:
R_Δ(t) = (x^(1−ε) − x)/(1 − x) once t ≥ start + Δ, the marginal rebound is ε, and the run without
the only innovation (the efficiency gain) is the frozen run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator import rebound
from simulator.decomposition import TERMS, decompose
from simulator.engine import simulate
from simulator.scenario.innovations import innovations
from simulator.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parents[1]
CLASSROOM = ROOT / "scenarios" / "classroom-jevons.yaml"
BASELINE = ROOT / "scenarios" / "world-mobile.yaml"


def _classroom(elasticity: float = 1.2, gain: float = 0.15, growth: float | None = None, window: float = 5.0):
    overrides = [f"demand.services.data.elasticity={elasticity}", f"generations.network.efficiency_gain={gain}",
                 f"rebound.window={window}"]
    if growth is not None:
        overrides.append(f"demand.services.data.growth={growth}")
    return simulate(load_scenario(CLASSROOM, overrides))


@pytest.fixture(scope="module")
def baseline():
    return simulate(load_scenario(BASELINE))


@pytest.mark.parametrize("elasticity", [0.0, 0.4, 1.0, 1.2, 1.9])
@pytest.mark.parametrize("window", [2.0, 5.0])
def test_rolling_rebound_matches_the_closed_form(elasticity, window):
    results = _classroom(elasticity, window=window)
    g = results.scenario.generations["network"].efficiency_gain
    x = (1 - g) ** window
    expected = (x ** (1 - elasticity) - x) / (1 - x)
    after = results.times >= results.times[0] + window
    r = rebound.window(results, "energy")
    np.testing.assert_allclose(r[after], expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(rebound.window(results, "climate_change")[after], expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("elasticity", [0.0, 0.5, 1.0, 1.7])
def test_marginal_rebound_is_the_elasticity(elasticity):
    results = _classroom(elasticity)
    r = rebound.marginal(results, "energy")
    assert np.isnan(r[0])
    np.testing.assert_allclose(r[1:], elasticity, atol=1e-9)


def test_the_run_without_the_only_innovation_is_the_frozen_run():
    results = _classroom(1.2)
    assert rebound.innovation_names(results) == ["gain:network"]
    np.testing.assert_allclose(results.array("energy", "without:gain:network"), results.array("energy", "frozen"),
                               rtol=1e-12)
    table = rebound.innovations(results, ("energy",))["gain:network"]["energy"]
    frozen = results.integrate(results.array("energy", "frozen"))
    assert table["actual_savings"] == pytest.approx(frozen - results.integrate(results.array("energy")), rel=1e-12)
    assert table["rebound"] == pytest.approx(float(rebound.rebound_ratio(
        *(np.array(results.integrate(results.array("energy", v))) for v in ("frozen", "engineering", "actual")))),
        rel=1e-9)
    assert table["stacking"] is None


def test_no_elasticity_means_no_rebound_by_any_measure():
    results = _classroom(0.0)
    assert rebound.induced(results)["absolute"] == 0.0
    assert np.allclose(np.nan_to_num(rebound.window(results)), 0.0, atol=1e-12)
    assert np.allclose(rebound.marginal(results)[1:], 0.0, atol=1e-9)
    assert np.allclose(np.nan_to_num(rebound.frozen(results)), 0.0, atol=1e-12)
    for values in rebound.innovations(results).values():
        assert all(v["rebound"] is None or abs(v["rebound"]) < 1e-12 for v in values.values())


def test_a_scenario_with_no_innovation_in_its_horizon_reports_none():
    scenario = load_scenario(CLASSROOM, ["generations.network.efficiency_gain=0"])
    assert innovations(scenario) == ()
    results = simulate(scenario)
    assert rebound.innovation_names(results) == []
    assert results.summary()["innovations"] == {}


def test_the_baseline_measures_every_generation_launched_in_its_horizon(baseline):
    names = rebound.innovation_names(baseline)
    start, end = baseline.times[0], baseline.times[-1]
    launched = [g for g, gen in baseline.scenario.generations.items() if start < gen.launch < end]
    assert [n for n in names if n.startswith("launch:")] == [f"launch:{g}" for g in launched]
    table = rebound.innovations(baseline)
    for g in launched:
        assert table[f"launch:{g}"]["energy"]["stacking"] > 0, "older generations run beside every new one"


def test_lmdi_terms_add_up_to_the_change(baseline):
    for quantity in ("energy", "climate_change", "mineral_resources"):
        for start, end in ((2000.0, 2050.0), (2015.0, 2030.0)):
            d = decompose(baseline, quantity, start, end)
            assert set(d["terms"]) == set(TERMS)
            assert sum(d["terms"].values()) == pytest.approx(d["change"], rel=1e-9, abs=1e-6)


@pytest.mark.parametrize("elasticity", [0.0, 0.6, 1.0, 1.5])
def test_lmdi_in_the_classroom_gives_rebound_minus_epsilon_times_efficiency(elasticity):
    """Traffic per unit of demand is C^(−ε) and C is the energy per GB relative to the start, so over every
    step the rebound part is −ε times the efficiency part; at ε = 1 they cancel and use follows demand."""
    results = _classroom(elasticity, growth=0.05)
    d = decompose(results, "energy")
    terms = d["terms"]
    assert terms["efficiency"] < 0
    assert terms["rebound"] == pytest.approx(-elasticity * terms["efficiency"], rel=1e-9, abs=1e-9)
    demand = results.array("demand")
    growth = terms["users"] + terms["usage"]
    assert growth > 0
    if elasticity == 1.0:
        assert d["change"] == pytest.approx(growth, rel=1e-9)
        assert d["change"] == pytest.approx(demand[-1] / demand[0] * results.array("energy")[0]
                                            - results.array("energy")[0], rel=1e-9)


def test_frozen_is_not_headlined_where_it_is_extreme(baseline):
    assert rebound.frozen_ratio(baseline) > baseline.scenario.rebound.frozen_headline_limit
    assert rebound.headline_measure(baseline) == "window"
    assert rebound.headline_measure(_classroom(1.2)) == "frozen"
    summary = baseline.summary()
    assert summary["verdict"]["measure"] == "window"
    assert summary["frozen_ratio"]["energy"] > 10


@settings(max_examples=40, deadline=None)
@given(elasticity=st.floats(0.0, 2.0), gain=st.floats(0.02, 0.30), growth=st.floats(0.0, 0.20))
def test_the_verdict_never_says_savings_while_the_quantity_rose(elasticity, gain, growth):
    results = _classroom(elasticity, gain, growth)
    v = rebound.verdict(results)
    values = results.array("energy")
    change = results.final_year_mean(values) - results.first_year_mean(values)
    assert v["direction"] in ("up", "down", "flat")
    assert {"up": change > 0, "down": change < 0, "flat": True}[v["direction"]]
    if abs(change) > 0.01 * values.max():
        assert v["direction"] == ("up" if change > 0 else "down")
    if v["direction"] == "up":
        assert "saving" not in v["text"]["en"].lower() and "économ" not in v["text"]["fr"].lower()
        assert ", up." in v["text"]["en"] and "en hausse" in v["text"]["fr"]
    if v["direction"] == "down":
        assert ", down." in v["text"]["en"] and "en baisse" in v["text"]["fr"]
    assert v["kind"] == rebound.rebound_verdict(v["rebound"], rebound.induced(results)["relative"])


def test_a_rebound_of_zero_by_assumption_is_said_to_be_one():
    """Without any price response (every elasticity 0) the rebound is 0 by construction: the verdict says it is
    the scenario's assumption, not a finding; with a response it says what was found."""
    assumed = rebound.verdict(_classroom(0.0))
    assert assumed["kind"] == "none" and assumed["rebound"] == 0
    assert assumed["text"]["en"].endswith("no rebound, by assumption: the scenario gives demand no price response "
                                          "(every elasticity is 0).")
    assert "par hypothèse" in assumed["text"]["fr"]
    found = rebound.verdict(_classroom(0.5))
    assert found["kind"] == "partial" and "assumption" not in found["text"]["en"]


def test_the_marginal_rebound_of_an_impact_is_against_its_use_phase():
    """An impact category's marginal rebound is measured against the saving efficiency promises it, its use
    phase's share: with a manufacturing part, climate change reads near energy's (not near 1, as
    1 + ∂lnQ/∂lnη would for a quantity mostly made of manufacturing); e-waste has nothing to save (null)."""
    import simulator
    from simulator.rebound import marginal

    results = simulator.run(BASELINE)
    energy, climate = marginal(results, "energy")[-1], marginal(results, "climate_change")[-1]
    use = results.array("impact", category="climate_change", phase="use")[-1]
    assert use < 0.5 * results.array("impact", category="climate_change")[-1]
    assert abs(climate - energy) < 0.01 and climate < 0.05
    assert results.summary()["rebound_marginal"]["e_waste"] is None

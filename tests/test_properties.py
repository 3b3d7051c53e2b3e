"""Invariants that must hold for any scenario, checked with hypothesis on perturbed scenarios."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from conftest import STACKED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simulator
from simulator.scenario.schema import CATEGORIES, PHASES

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def stacked_scenarios(draw, elasticity=None, gains=True):
    data = copy.deepcopy(STACKED)
    data["time"]["end"] = draw(st.sampled_from([2020, 2030]))
    for service in data["demand"]["services"].values():
        service["elasticity"] = draw(st.floats(0.0, 2.0)) if elasticity is None else elasticity
        service["growth"] = draw(st.floats(0.0, 0.4))
        service["delay"] = draw(st.sampled_from([0.0, 0.5, 2.0]))
    for gen in data["generations"].values():
        gen["efficiency_gain"] = draw(st.floats(0.0, 0.3)) if gains else 0.0
        gen["idle_power_gain"] = draw(st.floats(0.0, 0.1)) if gains else 0.0
        gen["capacity_growth"] = draw(st.floats(0.0, 0.3)) if gains else 0.0
    old = data["generations"]["old"]
    old["switch_off"] = draw(st.sampled_from([None, 2012.0, 2019.5]))
    data["generations"]["new"]["launch"] = draw(st.sampled_from([2000.0, 2005.0, 2010.0]))
    if old["switch_off"] is not None and old["switch_off"] <= data["generations"]["new"]["launch"]:
        old["switch_off"] = data["generations"]["new"]["launch"] + 1.0
    layer = data["layers"]["core"]
    layer["efficiency_gain"] = draw(st.floats(0.0, 0.2)) if gains else 0.0
    layer["capacity_growth"] = draw(st.floats(0.0, 0.3)) if gains else 0.0
    if not gains:
        layer["pue"] = 1.5
        data["devices"]["phone"]["efficiency_gain"] = 0.0
    for item in data["equipment"].values():
        item["lifetime"] = draw(st.floats(1.0, 12.0))
    if draw(st.booleans()):
        data["policies"] = [{"type": "lifetime", "at": 2015, "equipment": "smartphone", "lifetime": 4}]
    return simulator.scenario_from_dict(data)


@SETTINGS
@given(stacked_scenarios())
def test_energies_stocks_and_impacts_never_negative(scenario):
    results = simulator.simulate(scenario)
    for key, values in results.data.items():
        if results.note(key.variable, **dict(key.labels)) == "not assessed":
            assert np.all(np.isnan(values)), key  # no factor in the scenario: NaN, never a number
            continue
        assert np.all(np.isfinite(values)), key
        assert np.all(values >= -1e-9 * max(1.0, np.abs(values).max())), key


@SETTINGS
@given(stacked_scenarios())
def test_stocks_conserve_units(scenario):
    """In service now = in service before + made − retired, for every equipment type."""
    results = simulator.simulate(scenario)
    dt = scenario.time.step
    for e in scenario.equipment:
        stock = results.all_variants("equipment_in_service", equipment=e)
        made = results.all_variants("equipment_manufactured", equipment=e) * dt
        gone = results.all_variants("equipment_retired", equipment=e) * dt
        np.testing.assert_allclose(stock[:, 1:], stock[:, :-1] + made[:, 1:] - gone[:, 1:],
                                   rtol=1e-9, atol=1e-6 * (1 + stock.max()))


@SETTINGS
@given(stacked_scenarios())
def test_sites_ratchet_until_switch_off_then_zero(scenario):
    results = simulator.simulate(scenario)
    for name, gen in scenario.generations.items():
        sites = results.array("sites", generation=name)
        times = results.times
        on = (times >= gen.launch) & (times < (gen.switch_off or np.inf))
        assert np.all(np.diff(sites[on]) >= -1e-9), name
        assert np.all(sites[~on] == 0.0), name
        assert np.all(results.array("equipment_in_service", equipment="radio")[~on] >= 0)


@SETTINGS
@given(stacked_scenarios(elasticity=0.0))
def test_zero_elasticity_means_zero_rebound_and_actual_equals_engineering(scenario):
    results = simulator.simulate(scenario)
    for key, values in results.data.items():
        np.testing.assert_allclose(values[0], values[1], rtol=1e-12, atol=1e-9, err_msg=str(key))
    for q in results.rebound_quantities:
        r = results.cumulative_rebound(q)
        assert r is None or r == pytest.approx(0.0, abs=1e-9), q


@SETTINGS
@given(stacked_scenarios(gains=False))
def test_without_technology_change_frozen_is_engineering_and_the_rebound_undefined(scenario):
    """No gain, no launch after the start, no switch-off, adoption settled: no technology change. The frozen
    run (start-year technology and price) is then the engineering estimate; the actual run still differs
    where the price of a GB moves without technology (fixed costs spread over more traffic, electricity
    prices), and coincides with both where the price is only a constant energy bill."""
    data = simulator.scenario.load.resolved_data(scenario)
    data["generations"]["old"]["launch"] = 1850
    data["generations"]["new"]["launch"] = 1900
    data["generations"]["old"].pop("switch_off", None)
    results = simulator.simulate(simulator.scenario_from_dict(data))
    for key, values in results.data.items():
        if key.variable not in ("cost_index", "price"):  # the price the engineering estimate ignores
            np.testing.assert_allclose(values[1], values[2], rtol=1e-12, atol=1e-9, err_msg=str(key))
    assert all(results.cumulative_rebound(q) is None for q in results.rebound_quantities)
    data["price"] = {"electricity": "0.1 EUR/kWh"}
    for gen in data["generations"].values():
        gen.update(idle_power=0.0, site_cost=0.0, site_opex=0.0)
    results = simulator.simulate(simulator.scenario_from_dict(data))
    for key, values in results.data.items():
        np.testing.assert_allclose(values[0], values[2], rtol=1e-12, atol=1e-9, err_msg=str(key))
        np.testing.assert_allclose(values[1], values[2], rtol=1e-12, atol=1e-9, err_msg=str(key))


def test_phases_add_up_to_totals(stacked):
    """A category total is the sum of its assessed phases (all of them when all are assessed)."""
    results = simulator.simulate(simulator.scenario_from_dict(stacked))
    assert results.not_assessed["climate_change"] == {"end_of_life": "no equipment sets end_of_life.climate_change"}
    for cat in CATEGORIES:
        total = results.all_variants("impact", category=cat)
        if results.note("impact", category=cat) == "not assessed":
            assert np.isnan(total).all(), cat
            continue
        assessed = [ph for ph in PHASES if ph not in results.not_assessed.get(cat, {})]
        parts = sum(results.all_variants("impact", category=cat, phase=ph) for ph in assessed)
        np.testing.assert_allclose(total, parts, rtol=1e-12)
        by_owner = sum(
            results.all_variants("impact", category=cat, phase=ph, **{kind: name})
            for ph in assessed
            for kind, names in (("generation", scenario_names(stacked, "generations")),
                                ("layer", scenario_names(stacked, "layers")),
                                ("device", scenario_names(stacked, "devices")))
            for name in names
        )
        np.testing.assert_allclose(total, by_owner, rtol=1e-9, atol=1e-9)


def scenario_names(data: dict, section: str) -> list[str]:
    return list(data[section])

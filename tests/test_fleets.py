"""Equipment fleets against hand-computed cases: steady replacement, switch-off, lifetime policies."""

from __future__ import annotations

import numpy as np
import pytest

import simulator
from simulator.engine import run_samples
from simulator.scenario.space import derive


def scenario(lifetime=10.0, survival="fixed", policies=(), switch_off=None, coverage=1000.0):
    return simulator.scenario_from_dict({
        "name": "fleet",
        "time": {"start": 2000, "end": 2040, "step": 0.25},
        "demand": {"users": 100, "services": {"data": {"usage": 1.0}}},
        "generations": {
            "old": {"launch": 1980, "switch_off": switch_off, "coverage_sites": coverage, "buildout": 1,
                    "equipment": {"radio": 2}},
            "new": {"launch": 1990},
        },
        "equipment": {"radio": {"lifetime": lifetime, "survival": survival, "mass": 10.0,
                                "embodied": {"climate_change": 100.0}}},
        "policies": list(policies),
    })


def test_constant_fleet_is_renewed_at_stock_over_lifetime():
    results = simulator.simulate(scenario(lifetime=10.0))
    made = results.array("equipment_manufactured", equipment="radio")  # units/yr
    stock = results.array("equipment_in_service", equipment="radio")
    np.testing.assert_allclose(stock, 2000.0, rtol=1e-9)
    np.testing.assert_allclose(made, 2000.0 / 10.0, rtol=1e-9)
    climate = results.array("impact", category="climate_change", phase="manufacturing")
    np.testing.assert_allclose(climate, 200.0 * 100.0, rtol=1e-9)  # kg CO2e/yr
    e_waste = results.array("impact", category="e_waste", phase="end_of_life")
    np.testing.assert_allclose(e_waste, 200.0 * 10.0, rtol=1e-9)  # kg/yr


def test_weibull_fleet_renews_at_about_stock_over_mean_lifetime():
    results = simulator.simulate(scenario(lifetime=8.0, survival="weibull"))
    made = results.array("equipment_manufactured", equipment="radio")
    assert made.mean() == pytest.approx(2000.0 / 8.0, rel=0.03)


def test_switch_off_retires_every_unit_at_once():
    results = simulator.simulate(scenario(switch_off=2020))
    t = results.times
    stock = results.array("equipment_in_service", equipment="radio")
    gone = results.array("equipment_retired", equipment="radio") * 0.25
    at = int(np.argmax(t >= 2020))
    assert stock[at - 1] == pytest.approx(2000.0)
    assert np.all(stock[at:] == 0.0)
    assert gone[at] == pytest.approx(2000.0)
    assert results.array("sites", generation="old")[at] == 0.0
    # the frozen counterfactual has no switch-off: technology of the start year
    assert results.array("sites", "frozen", generation="old")[-1] == pytest.approx(1000.0)


def test_lifetime_extension_pauses_then_slows_replacement():
    policy = {"type": "lifetime", "at": 2020, "equipment": "radio", "lifetime": 20}
    results = simulator.simulate(scenario(lifetime=10.0, policies=[policy]))
    t = results.times
    made = results.array("equipment_manufactured", equipment="radio")
    np.testing.assert_allclose(made[t < 2020], 200.0, rtol=1e-9)
    # units in service (aged 0-10) now last 20 years: nothing to replace for ten years, then the
    # cohorts of 2010-2020 reach 20 years at the rate they were installed (an echo, not a new rate)
    assert np.all(made[(t >= 2020) & (t < 2030)] == 0.0)
    np.testing.assert_allclose(made[(t >= 2030) & (t < 2040)], 200.0, rtol=1e-9)
    assert made[t >= 2020][:-1].sum() * 0.25 == pytest.approx(2000.0)  # half of the 4,000 without it


def test_lifetime_cut_retires_the_cohorts_it_makes_too_old_at_once():
    policy = {"type": "lifetime", "at": 2020, "equipment": "radio", "lifetime": 5}
    results = simulator.simulate(scenario(lifetime=10.0, policies=[policy]))
    t = results.times
    made = results.array("equipment_manufactured", equipment="radio") * 0.25  # units per step
    gone = results.array("equipment_retired", equipment="radio") * 0.25
    at = int(np.argmax(t >= 2020))
    # 40 cohorts of 50 units (ages 0-9.75 years): the 20 aged 5 years or more at 2020 retire, and the one
    # reaching 5 years; the 1,050 units installed to replace them retire together again every 5 years
    assert gone[at] == pytest.approx(1050.0) and made[at] == pytest.approx(1050.0)
    np.testing.assert_allclose(made[(t > 2020) & (t < 2025)], 50.0, rtol=1e-9)
    assert made[t == 2025][0] == pytest.approx(1050.0)
    np.testing.assert_allclose(results.array("equipment_in_service", equipment="radio"), 2000.0, rtol=1e-9)


def test_members_with_other_lifetimes_renew_at_their_own_rate():
    """Samples of one batch differ in lifetime: each renews its fleet at stock over its own lifetime."""
    base = scenario(lifetime=10.0)
    samples = [derive(base, {("equipment", "radio", "lifetime"): life}) for life in (4.0, 10.0, 25.0)]
    p, rec = run_samples(samples, ("actual",))
    assert list(p.age_steps[:, 0]) == [17, 41, 101]
    made = rec["installed"][:, :, 0] / 0.25  # units/yr
    np.testing.assert_allclose(made, np.array([[2000.0 / 4], [2000.0 / 10], [2000.0 / 25]]) * np.ones_like(made),
                               rtol=1e-9)


def _two_equipment(policies=()):
    return simulator.scenario_from_dict({
        "name": "streams",
        "time": {"start": 2000, "end": 2030, "step": 0.25},
        "demand": {"users": 100, "services": {"data": {"usage": 1.0, "growth": 0.1}}},
        "generations": {"old": {"launch": 1980, "switch_off": 2020, "coverage_sites": 1000, "buildout": 1,
                                "equipment": {"radio": 2, "baseband": 3}},
                        "new": {"launch": 2010, "coverage_sites": 500, "equipment": {"radio": 1}}},
        "equipment": {"radio": {"lifetime": 8, "survival": "weibull", "weibull_shape": 3},
                      "baseband": {"lifetime": 8, "survival": "weibull", "weibull_shape": 3}},
        "policies": list(policies),
    })


def test_fleets_of_one_owner_with_one_law_share_a_stream_in_proportion_to_their_counts():
    from simulator.model.fleets import Streams
    from simulator.model.params import compile_params

    p = compile_params([_two_equipment()])
    streams = Streams.of(p)
    old = [i for i, (_, owner, _) in enumerate(p.fleet_names) if owner == "old"]
    assert len(set(streams.of_fleet[old])) == 1 and len(set(streams.of_fleet)) == 2  # old's two, new's one
    _, rec = run_samples([_two_equipment()], ("actual",))
    radio, baseband = (old[[p.fleet_names[i][2] for i in old].index(e)] for e in ("radio", "baseband"))
    np.testing.assert_allclose(rec["installed"][..., radio] * 3, rec["installed"][..., baseband] * 2, rtol=1e-12)
    np.testing.assert_allclose(rec["in_service"][..., radio] * 3, rec["in_service"][..., baseband] * 2, rtol=1e-12)


def test_a_lifetime_policy_gives_its_equipment_a_stream_of_its_own():
    from simulator.model.fleets import Streams
    from simulator.model.params import compile_params

    policy = {"type": "lifetime", "at": 2012, "equipment": "baseband", "lifetime": 12}
    p = compile_params([_two_equipment([policy])])
    assert len(set(Streams.of(p).of_fleet)) == 3
    runs = {"with": simulator.simulate(_two_equipment([policy])), "without": simulator.simulate(_two_equipment())}
    made = {k: {e: run.array("equipment_manufactured", equipment=e) for e in ("radio", "baseband")}
            for k, run in runs.items()}
    np.testing.assert_array_equal(made["with"]["radio"], made["without"]["radio"])  # not dragged along
    span = (runs["with"].times >= 2012) & (runs["with"].times < 2020)
    assert made["with"]["baseband"][span].sum() < 0.8 * made["without"]["baseband"][span].sum()

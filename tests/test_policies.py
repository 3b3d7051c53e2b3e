"""Timed policies and forced traffic: each changes what it should, for the variants it should."""

from __future__ import annotations

import numpy as np
import pytest

import simulator


def run(data, policies=(), **demand):
    data = {**data, "policies": list(policies)}
    data["demand"] = {**data["demand"], **demand}
    return simulator.simulate(simulator.scenario_from_dict(data))


def test_surcharge_cuts_traffic_through_elasticity_only(classroom):
    base = run(classroom)
    taxed = run(classroom, [{"type": "surcharge", "at": 2020, "rate": 1.0}])
    t = base.times
    eps = classroom["demand"]["services"]["data"]["elasticity"]
    ratio = taxed.array("traffic") / base.array("traffic")
    np.testing.assert_allclose(ratio[t < 2020], 1.0)
    np.testing.assert_allclose(ratio[t >= 2020], 2.0 ** -eps, rtol=1e-12)  # cost doubled
    for variant in ("engineering", "frozen"):  # ε = 0, or cost held at 1
        np.testing.assert_allclose(taxed.array("traffic", variant), base.array("traffic", variant))


def test_traffic_scale_applies_to_every_variant(stacked):
    base = run(stacked)
    capped = run(stacked, [{"type": "traffic_scale", "at": 2025, "factor": 0.7, "services": ["video"]}])
    t = base.times
    for variant in base.variants:
        d0 = base.array("demand", variant)
        d1 = capped.array("demand", variant)
        assert np.allclose(d1[t < 2025], d0[t < 2025])
        assert np.all(d1[t >= 2025] < d0[t >= 2025])


def test_switch_off_policy_is_technology_so_not_in_frozen(stacked):
    result = run(stacked, [{"type": "switch_off", "at": 2015, "generation": "old"}])
    t = result.times
    assert np.all(result.array("sites", generation="old")[t >= 2015] == 0)
    assert np.all(result.array("sites", "engineering", generation="old")[t >= 2015] == 0)
    assert np.all(result.array("sites", "frozen", generation="old")[t >= 2015] > 0)


def test_grid_policy_scales_use_phase_of_its_category(stacked):
    base = run(stacked)
    clean = run(stacked, [{"type": "grid", "at": 2020, "category": "climate_change", "factor": 0.5}])
    t = base.times
    use0 = base.array("impact", category="climate_change", phase="use")
    use1 = clean.array("impact", category="climate_change", phase="use")
    np.testing.assert_allclose(use1[t >= 2020], 0.5 * use0[t >= 2020], rtol=1e-12)
    np.testing.assert_allclose(clean.array("impact", category="water", phase="use"),
                               base.array("impact", category="water", phase="use"))


def test_forced_traffic_replaces_demand_and_disables_rebound(classroom):
    result = run(classroom, traffic={2010: "1 PB/yr", 2030: "5 PB/yr"})
    t = result.times
    np.testing.assert_allclose(result.array("traffic"), 1e6 + (t - 2010) / 20 * 4e6, rtol=1e-12)
    np.testing.assert_allclose(result.array("energy"), result.array("energy", "engineering"))
    summary = result.summary()
    assert summary["rebound"] == {} and summary["backfire"] == {}
    assert any("forced" in note for note in summary["notes"])
    assert "rebound" not in set(result.to_frame()["variable"])
    assert result.cumulative("energy")[0] == pytest.approx(result.cumulative("energy")[1])


def test_contributions_add_up_to_each_total(stacked):
    """Each breakdown (service, generation/layer/device, equipment + electricity) sums to the category total."""
    results = simulator.simulate(simulator.scenario_from_dict(stacked))
    table = results.contributions()
    for cat in table.category.unique():
        total = results.total("impact", category=cat)
        for by in ("service", "owner", "equipment"):
            part = table[(table.category == cat) & (table.by == by)].value.sum()
            assert part == pytest.approx(total, rel=1e-9, abs=1e-12), (cat, by)

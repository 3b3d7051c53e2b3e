"""The classroom case against its closed form: actual/frozen = x^(1-ε), engineering/frozen = x."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SCENARIOS

import simulator


@pytest.mark.parametrize("elasticity", [0.0, 0.5, 1.0, 1.5, 2.0])
def test_shipped_classroom_matches_closed_form(elasticity):
    scenario = simulator.load_scenario(
        SCENARIOS / "classroom-jevons.yaml", [f"demand.services.data.elasticity={elasticity}"]
    )
    results = simulator.simulate(scenario)
    gain = scenario.generations["network"].efficiency_gain
    x = (1 - gain) ** (results.times - scenario.time.start)
    energy = {v: results.array("energy", v) for v in results.variants}
    np.testing.assert_allclose(energy["actual"] / energy["frozen"], x ** (1 - elasticity), rtol=1e-12)
    np.testing.assert_allclose(energy["engineering"] / energy["frozen"], x, rtol=1e-12)
    # per-step rebound: R = 1 - (1 - x^(1-ε)) / (1 - x), undefined at the start
    r = results.rebound("energy")
    assert np.isnan(r[0])
    expected = 1 - (1 - x[1:] ** (1 - elasticity)) / (1 - x[1:])
    np.testing.assert_allclose(r[1:], expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("elasticity,backfire", [(0.0, False), (0.5, False), (1.5, True), (2.0, True)])
def test_cumulative_rebound_and_backfire(elasticity, backfire):
    scenario = simulator.load_scenario(
        SCENARIOS / "classroom-jevons.yaml", [f"demand.services.data.elasticity={elasticity}"]
    )
    results = simulator.simulate(scenario)
    gain, dt = scenario.generations["network"].efficiency_gain, scenario.time.step
    x = (1 - gain) ** (results.times[:-1] - scenario.time.start)
    frozen, engineering, actual = (np.sum(v) * dt for v in (np.ones_like(x), x, x ** (1 - elasticity)))
    r = results.cumulative_rebound("energy")
    assert r == pytest.approx(1 - (frozen - actual) / (frozen - engineering), rel=1e-9)
    assert results.summary()["backfire"]["energy"] is backfire
    if elasticity == 0.0:
        assert r == pytest.approx(0.0, abs=1e-12)


def test_unit_elasticity_eats_all_savings(classroom):
    classroom["demand"]["services"]["data"]["elasticity"] = 1.0
    results = simulator.simulate(simulator.scenario_from_dict(classroom))
    np.testing.assert_allclose(results.array("energy"), results.array("energy", "frozen"), rtol=1e-12)
    assert results.cumulative_rebound("energy") == pytest.approx(1.0, rel=1e-12)


def test_delay_converges_to_immediate_response(classroom):
    """A first-order delay lags traffic behind its target but never overshoots it."""
    classroom["demand"]["services"]["data"]["delay"] = 2.0
    lagged = simulator.simulate(simulator.scenario_from_dict(classroom))
    classroom["demand"]["services"]["data"]["delay"] = 0.0
    immediate = simulator.simulate(simulator.scenario_from_dict(classroom))
    a, b = lagged.array("traffic"), immediate.array("traffic")
    assert a[0] == pytest.approx(b[0])
    assert np.all(a[1:] < b[1:])  # cost falls, so the target keeps rising ahead of traffic
    assert np.all(np.diff(a) > 0)

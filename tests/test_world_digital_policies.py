"""Policy scenarios of the world's digital sector: scenarios/world-digital-sobriety.yaml against world-digital.yaml.

The child adds eight measures, all from 2025 (device and internet-box lifetimes, a video cap, early 2G/3G
switch-offs) and a target; what it must show, whatever the sizes of its measures: it changes nothing before
2025 (a policy acts from its year; the history stays the calibrated one), it cuts the sector's cumulative
footprint from 2025, and the attribution splits exactly that difference among its eight policies (its target
changes no run, so it is no measure). The sizes measured are in scenarios/README.md ("World digital sector");
they are assumptions and are not pinned here.

Runs are the actual run only; the attribution samples two orders (one and its reverse, ~20 coalitions) instead
of the 256 of `jevons compare --attribute`: the shares still add up to the difference by construction of the
estimator, so what is tested is that the coalitions rebuilt from the measures reproduce the child.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SCENARIOS

import simulator
from simulator.attribution import ALL, attribute
from simulator.indicators import targets
from simulator.results import Results

PARENT = SCENARIOS / "world-digital.yaml"
CHILD = SCENARIOS / "world-digital-sobriety.yaml"
START = 2025.0
#: Series compared before the policies start: label sets of the quantities the README reports.
SERIES = [("energy", {}), ("traffic", {}), ("impact", {"category": "climate_change"}),
          ("impact", {"category": "e_waste"}), ("energy", {"part": "devices"}), ("energy", {"part": "networks"}),
          ("energy", {"part": "data_centres"})]


def _run(path) -> Results:
    return simulator.simulate(simulator.load_scenario(path), variants=("actual",))


@pytest.fixture(scope="module")
def runs() -> tuple[Results, Results]:
    return _run(PARENT), _run(CHILD)


def _since(results: Results, series: np.ndarray) -> float:
    """Total of a rate from START to the end (its unit × yr), as compare's cumulative_since: left sums."""
    inside = (results.times >= START) & (results.times < results.scenario.time.end)
    return float(series[inside].sum() * results.scenario.time.step)


def test_the_child_loads_and_adds_eight_policies_from_2025_and_a_target():
    parent, child = simulator.load_scenario(PARENT), simulator.load_scenario(CHILD)
    assert parent.policies == [] and len(child.policies) == 8
    assert all(q.at >= START for q in child.policies)
    assert child.observations == parent.observations and child.time == parent.time
    assert set(child.targets) == {"ict_1_5c_2030"} and child.targets["ict_1_5c_2030"].change == -0.45


def test_nothing_differs_before_2025(runs):
    """Every series of the README's figures is the parent's before the policies start (at most 1e-9 apart: a
    lifetime policy may not touch fleets before its year), and each differs after."""
    parent, child = runs
    np.testing.assert_array_equal(parent.times, child.times)
    before = parent.times < START
    for variable, labels in SERIES:
        a, b = parent.array(variable, **labels), child.array(variable, **labels)
        np.testing.assert_allclose(b[before], a[before], rtol=1e-9, atol=0, err_msg=f"{variable} {labels}")
    for variable, labels in SERIES[:4]:
        a, b = parent.array(variable, **labels), child.array(variable, **labels)
        assert not np.allclose(b[~before], a[~before], rtol=1e-6), f"{variable} {labels} does not change after 2025"


def test_sobriety_cuts_the_sector_footprint_traffic_and_energy_from_2025(runs):
    parent, child = runs
    for variable, labels in (("impact", {"category": "climate_change"}), ("impact", {"category": "e_waste"}),
                             ("traffic", {}), ("energy", {})):
        a, b = (_since(r, r.array(variable, **labels)) for r in runs)
        assert b < a, f"{variable} {labels}: {b:.4g} from 2025, not below the parent's {a:.4g}"
    climate = [_since(r, r.array("impact", category="climate_change")) for r in runs]
    assert climate[1] / climate[0] - 1 < -0.05, "the measures should cut more than 5 % of the footprint from 2025"


def test_the_target_is_checked_on_the_child(runs):
    """The 1.5 °C path's -45 % from 2020 to 2030 (ITU-T L.1470) is evaluated: value is the simulated change."""
    _, child = runs
    found = targets(child)["ict_1_5c_2030"]
    assert found["target"] == -0.45 and found["met"] is not None
    inside = {y: (child.times >= y - 1) & (child.times < y) for y in (2020, 2030)}
    co2 = child.array("impact", category="climate_change")
    assert found["value"] == pytest.approx(co2[inside[2030]].mean() / co2[inside[2020]].mean() - 1, rel=1e-9)


def test_the_measures_shares_add_up_to_the_difference(runs):
    parent, child = runs
    result = attribute(CHILD, years=[2050], since=START, exact_up_to=0, permutations=2)
    assert len(result.measures) == 8 and all(m.kind == "policy added" for m in result.measures)
    table = result.to_frame()
    for quantity, variable, labels in (("energy", "energy", {}),
                                       ("climate_change", "impact", {"category": "climate_change"})):
        direct = child.total(variable, **labels) - parent.total(variable, **labels)
        for statistic in ("cumulative", "cumulative_since"):  # 2000-2050 and 2025-2050: the same difference
            rows = table[(table.quantity == quantity) & (table.statistic == statistic)]
            total = rows[rows.measure == ALL].iloc[0]
            shares = rows[rows.measure != ALL]
            assert len(shares) == 8
            assert shares.shapley.sum() == pytest.approx(total.shapley, rel=1e-9)
            assert total.shapley == pytest.approx(direct, rel=1e-9), (quantity, statistic)

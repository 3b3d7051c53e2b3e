"""A lifetime policy changes nothing before its year: every series of a scenario with one equals its parent's.

A fleet tracks ages up to the longest lifetime it will ever have (policies included), but reads each law
with that law's own tail (:func:`~simulator.model.params.tracked_ages`): the fleet in place at the start,
its renewals and retirements until the policy are those of the run without it. Compared: every recorded
series, for the variants both runs have (actual, engineering, frozen and the counterfactuals of the rebound
measures), at every instant before the policies' year.
"""

from __future__ import annotations

import copy

import numpy as np
from conftest import SCENARIOS, STACKED

import simulator
from simulator.model.params import compile_params
from simulator.scenario.schema import PHASES

#: A longer life for a Weibull law of shape 2 (the default) and of shape 3, a longer fixed life, a shorter one.
POLICIES = [
    {"type": "lifetime", "at": 2020, "equipment": "radio", "lifetime": 15},
    {"type": "lifetime", "at": 2020, "equipment": "baseband", "lifetime": 14},
    {"type": "lifetime", "at": 2020, "equipment": "smartphone", "lifetime": 4},
    {"type": "lifetime", "at": 2020, "equipment": "server", "lifetime": 3},
]


def _differences(parent: simulator.Results, child: simulator.Results, before: float):
    """(variable, labels, variant, relative difference) of each series that differs before ``before``."""
    assert np.array_equal(parent.times, child.times)
    early = parent.times < before
    assert early.sum() > 4 and {"actual", "engineering", "frozen"} <= set(parent.variants) & set(child.variants)
    assert set(parent.data) == set(child.data)
    found = []
    for key in parent.data:
        labels = dict(key.labels)
        for variant in set(parent.variants) & set(child.variants):
            a = parent.array(key.variable, variant, **labels)[early]
            b = child.array(key.variable, variant, **labels)[early]
            if not np.array_equal(a, b, equal_nan=True):
                gap, scale = np.abs(a - b), np.maximum(np.abs(a), np.abs(b))
                with np.errstate(invalid="ignore", divide="ignore"):
                    found.append((key.variable, labels, variant, float(np.max(np.where(gap > 0, gap / scale, 0)))))
    return found


def test_lifetime_policies_change_no_series_before_their_year():
    """Bit for bit: the same laws, read over the same ages, in the same streams of cohorts."""
    data = copy.deepcopy(STACKED)
    data["equipment"]["smartphone"]["survival"] = "fixed"
    parent = simulator.simulate(simulator.scenario_from_dict(data))
    child = simulator.simulate(simulator.scenario_from_dict({**data, "policies": POLICIES}))
    assert _differences(parent, child, 2020) == []
    t = child.times
    for equipment in ("radio", "baseband", "smartphone", "server"):  # each policy does act, from its year
        made = child.array("equipment_manufactured", equipment=equipment)
        assert not np.allclose(made[t >= 2020], parent.array("equipment_manufactured", equipment=equipment)[t >= 2020],
                               rtol=1e-3)


def test_sobriety_equals_world_mobile_before_2025():
    """Sobriety's policies (lifetimes, a video cap, switch-offs) all start in 2025 or later.

    Every series by generation, equipment, device... is equal bit for bit. Totals over fleets may differ by
    rounding only: world-mobile's 2G transceivers, basebands and antennas share one stream of cohorts (one
    law), so their impacts are added as units × (Σ count × impact per unit); sobriety's policies give the
    targeted ones streams of their own, so the same non-negative terms are added in another grouping. Each
    result is within γ_n = n·u/(1 − n·u) of the exact sum (u = 2⁻⁵³; n the roundings a term goes through: a
    sum over the fleets of a stream, one over the streams, the phases, three products), hence the two within
    2γ_n of each other.
    """
    world, sobriety = (simulator.run(SCENARIOS / f"{name}.yaml") for name in ("world-mobile", "sobriety"))
    assert min(policy.at for policy in sobriety.scenario.policies) == 2025
    p = compile_params([sobriety.scenario])
    assert all(np.all(np.nan_to_num(x) >= 0) for x in (p.embodied, p.end_of_life, p.made_kwh, p.maker_grid,
                                                        p.grid, p.region_grid))  # non-negative terms
    n = 2 * len(p.fleet_kind) + len(PHASES) + 3
    bound = 2 * n * 2.0**-53 / (1 - n * 2.0**-53)
    found = _differences(world, sobriety, 2025)
    totals = [d for d in found if d[0] == "impact" and set(d[1]) <= {"category", "phase", "scope"}]
    assert [d for d in found if d not in totals] == []
    assert max((d[3] for d in totals), default=0.0) <= bound, (bound, sorted(totals, key=lambda d: -d[3])[:3])
    t = world.times
    made = sobriety.array("equipment_manufactured", equipment="smartphone")
    assert made[t == 2025][0] < 0.9 * world.array("equipment_manufactured", equipment="smartphone")[t == 2025][0]


def test_france_device_lifetime_equals_france_before_2025():
    """Eight device lifetimes 1.5 times longer from 2025: every series before is France's, bit for bit."""
    france, longer = (simulator.run(SCENARIOS / f"{name}.yaml") for name in ("france", "france-device-lifetime"))
    assert _differences(france, longer, 2025) == []
    t = france.times
    assert not np.allclose(longer.array("equipment_manufactured", equipment="smartphone")[t >= 2025],
                           france.array("equipment_manufactured", equipment="smartphone")[t >= 2025], rtol=1e-3)

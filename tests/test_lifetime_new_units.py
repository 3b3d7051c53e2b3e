"""A lifetime policy for new units only (``applies_to: new``): the units bought before it keep their law.

With a fixed life the fleet is a closed form: a constant need N renewed every L years installs N/L units a
year; a policy giving new units a life L' > L keeps installs at N/L for the L years the old units take to
retire (each is replaced as before), then none until the first new units reach L'. Applied to every unit
(the default, ``all``), installs stop at once: no unit in service retires until it reaches L'. With the
default Weibull law the change of ``new`` is gradual where ``all`` falls at once, and both end at the
renewal rate of the new law. Members of a batch keep their own numbers, bit for bit.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from conftest import STACKED

import simulator
from simulator.engine import run_samples
from simulator.scenario.space import derive

NEED = 1e6  # phones in service: one per user, users constant


def _phones(survival: str, applies_to: str | None, end: float = 2030, lifetime: float = 4) -> simulator.Results:
    data = copy.deepcopy(STACKED)
    data["time"]["end"] = end
    data["demand"]["users"] = NEED
    data["equipment"]["smartphone"].update(lifetime=2, survival=survival)
    if applies_to is not None:
        policy = {"type": "lifetime", "at": 2020, "equipment": "smartphone", "lifetime": lifetime}
        data["policies"] = [policy if applies_to == "all" else {**policy, "applies_to": applies_to}]
    return simulator.simulate(simulator.scenario_from_dict(data), ("actual",))


def _made(results: simulator.Results, low: float, high: float) -> np.ndarray:
    """Smartphones made (units/yr) at the instants in [low, high)."""
    t = results.times
    return results.array("equipment_manufactured", equipment="smartphone")[(t >= low - 1e-9) & (t < high - 1e-9)]


def test_new_units_only_in_closed_form_with_a_fixed_life():
    before = _phones("fixed", None)
    assert np.allclose(before.array("equipment_in_service", equipment="smartphone"), NEED, rtol=1e-12)
    assert np.allclose(_made(before, 2001, 2030), NEED / 2, rtol=1e-9)
    new = _phones("fixed", "new")
    np.testing.assert_allclose(_made(new, 2001, 2022), NEED / 2, rtol=1e-9)  # the old units retire on schedule
    np.testing.assert_allclose(_made(new, 2022, 2024), 0.0, atol=1e-6)  # none of the new ones is 4 years old
    np.testing.assert_allclose(_made(new, 2024, 2026), NEED / 2, rtol=1e-9)  # those of 2020-2022 are
    np.testing.assert_allclose(new.array("equipment_in_service", equipment="smartphone"), NEED, rtol=1e-12)
    every = _phones("fixed", "all")
    np.testing.assert_allclose(_made(every, 2020.25, 2022), 0.0, atol=1e-6)  # every unit in service lives on


def test_new_units_only_change_purchases_gradually_with_a_weibull_law():
    new, every = _phones("weibull", "new", end=2050), _phones("weibull", "all", end=2050)
    steady = _made(new, 2019, 2020)[-1]
    assert np.array_equal(_made(new, 2000, 2020), _made(every, 2000, 2020))  # nothing changes before 2020
    assert _made(new, 2020, 2020.5)[-1] > 0.97 * steady  # the units in service retire as they would have
    assert _made(every, 2020, 2020.5)[-1] < 0.6 * steady  # all at once: purchases fall
    assert np.all(np.diff(_made(new, 2020, 2023)) <= 1e-9 * steady)  # then fall smoothly, never jump
    renewal = NEED / (4 + 0.25 / 2)  # both end at the new law's rate (its mean life on steps of 0.25 yr: L + dt/2)
    np.testing.assert_allclose(_made(new, 2045, 2050), renewal, rtol=2e-3)
    np.testing.assert_allclose(_made(every, 2045, 2050), renewal, rtol=2e-3)


def test_a_shorter_life_for_new_units_only():
    shorter = _phones("fixed", "new", lifetime=1)
    np.testing.assert_allclose(_made(shorter, 2001, 2020), NEED / 2, rtol=1e-9)
    assert _made(shorter, 2021, 2022).mean() > 0.75 * NEED  # old ones retiring plus new ones already renewed
    np.testing.assert_allclose(_made(shorter, 2023, 2030), NEED, rtol=1e-9)


def test_members_of_a_batch_keep_their_numbers_with_new_units_only():
    data = copy.deepcopy(STACKED)
    data["policies"] = [
        {"type": "lifetime", "at": 2015, "equipment": "smartphone", "lifetime": 4, "applies_to": "new"},
        {"type": "lifetime", "at": 2018, "equipment": "radio", "lifetime": 14, "applies_to": "new"},
        {"type": "lifetime", "at": 2022, "equipment": "smartphone", "lifetime": 5},  # then every unit
    ]
    base = simulator.scenario_from_dict(data)
    samples = [base, derive(base, {("policies", 0, "lifetime"): 6.0}),
               derive(base, {("equipment", "smartphone", "lifetime"): 3.5, ("policies", 1, "lifetime"): 16.0})]
    batch = run_samples(samples)[1]
    for i, sample in enumerate(samples):
        alone = run_samples([sample])[1]
        assert alone.keys() == batch.keys()
        for key, values in alone.items():
            assert np.array_equal(batch[key][i * len(values):(i + 1) * len(values)], values), f"sample {i}: {key}"


@pytest.mark.parametrize("applies_to", ["new", "all"])
def test_the_default_is_every_unit(applies_to):
    written = {"type": "lifetime", "at": 2020, "equipment": "smartphone", "lifetime": 4}
    if applies_to == "new":
        written["applies_to"] = "new"
    data = {**copy.deepcopy(STACKED), "policies": [written]}
    assert simulator.scenario_from_dict(data).policies[0].applies_to == applies_to

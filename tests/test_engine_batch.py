"""Many samples of a scenario in one batch: each member's numbers are those of its own run, bit for bit."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from conftest import SCENARIOS, STACKED

import simulator
from simulator.engine import run_batch, run_samples, schedule_key
from simulator.graph import layout
from simulator.model.params import compile_params
from simulator.model.state import sum_in_order
from simulator.model.variants import VARIANTS
from simulator.scenario.space import derive

POLICIES = [
    {"type": "surcharge", "at": 2012, "rate": 0.2},
    {"type": "lifetime", "at": 2015, "equipment": "smartphone", "lifetime": 4},
    {"type": "traffic_scale", "at": 2018, "factor": 0.9, "services": ["video"]},
    {"type": "grid", "at": 2020, "category": "climate_change", "factor": 0.8},
    {"type": "switch_off", "at": 2024, "generation": "old"},
]


def base_data() -> dict:
    data = copy.deepcopy(STACKED)
    data["policies"] = copy.deepcopy(POLICIES)
    return data


BASE = simulator.scenario_from_dict(base_data())

#: Samples differing in one or several numbers each, as Monte Carlo builds them.
CHANGES = {
    "lifetimes": {("equipment", "smartphone", "lifetime"): 3.5, ("equipment", "baseband", "lifetime"): 14.0},
    "launch": {("generations", "new", "launch"): 2008.0},
    "switch_off": {("generations", "old", "switch_off"): 2021.0},
    "embodied": {("equipment", "radio", "embodied", "climate_change"): 800.0},
    "grid_table": {("grid", "climate_change", 2030): 0.2},
    "elasticity": {("demand", "services", "video", "elasticity"): 1.3},
    "users": {("demand", "users", 2030): 4e6},
    "policy_values": {("policies", 1, "lifetime"): 6.0, ("policies", 3, "factor"): 0.5,
                      ("policies", 0, "rate"): 0.4, ("policies", 2, "factor"): 0.7},
    "several": {("demand", "services", "web", "elasticity"): 0.1, ("equipment", "server", "lifetime"): 9.0,
                ("generations", "new", "efficiency_gain"): 0.3, ("layers", "core", "pue", 2000): 2.5},
}
SAMPLES = {name: derive(BASE, change) for name, change in CHANGES.items()}


def rows(rec: dict[str, np.ndarray], sample: int, variants: int = 3) -> dict[str, np.ndarray]:
    return {k: v[sample * variants:(sample + 1) * variants] for k, v in rec.items()}


def assert_identical(a: dict[str, np.ndarray], b: dict[str, np.ndarray], what: str) -> None:
    assert a.keys() == b.keys()
    for key in a:
        assert np.array_equal(a[key], b[key]), f"{what}: {key} differs (max {np.abs(a[key] - b[key]).max():g})"


@pytest.fixture(scope="module")
def alone() -> dict[str, dict[str, np.ndarray]]:
    return {name: run_samples([s])[1] for name, s in SAMPLES.items()}


def test_samples_differ(alone):
    """Each change moves its sample's numbers (else the tests below would prove nothing)."""
    base = run_batch(BASE)[1]
    for name, rec in alone.items():
        assert any(not np.array_equal(rec[k], base[k]) for k in rec), name


def test_members_do_not_depend_on_their_batch(alone):
    names = list(SAMPLES)
    batch = run_samples([SAMPLES[n] for n in names])[1]
    for i, name in enumerate(names):
        assert_identical(rows(batch, i), alone[name], f"{name} in a batch of {len(names)}")
    shuffled = names[::-1][:4]
    batch = run_samples([SAMPLES[n] for n in shuffled])[1]
    for i, name in enumerate(shuffled):
        assert_identical(rows(batch, i), alone[name], f"{name} in {shuffled}")


def test_a_longer_lived_member_changes_no_one_else(alone):
    """A member tracking many more ages (and a longer Weibull tail) does not move the others' tails."""
    long_lived = derive(BASE, {("equipment", "baseband", "lifetime"): 40.0, ("equipment", "radio", "lifetime"): 30.0})
    batch = run_samples([long_lived, SAMPLES["launch"], SAMPLES["policy_values"]])[1]
    assert_identical(rows(batch, 1), alone["launch"], "launch beside a long-lived member")
    assert_identical(rows(batch, 2), alone["policy_values"], "policy_values beside a long-lived member")


def test_single_variant_batches_of_one_fleet():
    """One fleet, one variant: the sum over ages must still add in the same order as in a batch."""
    data = {"name": "one-fleet", "time": {"start": 2000, "end": 2030, "step": 0.25},
            "demand": {"users": 100, "services": {"data": {"usage": 1.0}}},
            "generations": {"net": {"launch": 1980, "coverage_sites": 1000, "equipment": {"radio": 2}}},
            "equipment": {"radio": {"lifetime": 6.0, "survival": "weibull", "weibull_shape": 1.5,
                                    "embodied": {"climate_change": 100.0}}},
            "policies": [{"type": "lifetime", "at": 2012, "equipment": "radio", "lifetime": 9.0}]}
    one = simulator.scenario_from_dict(data)
    other = derive(one, {("equipment", "radio", "lifetime"): 11.0, ("policies", 0, "lifetime"): 3.0})
    alone = run_samples([one], ("actual",))[1]
    batch = run_samples([other, one, other], ("actual",))[1]
    assert_identical(rows(batch, 1, variants=1), alone, "one fleet, one variant")


def test_each_sample_matches_its_own_simulation(alone):
    batch = run_samples(list(SAMPLES.values()))[1]
    for i, (name, scenario) in enumerate(SAMPLES.items()):
        results = simulator.simulate(scenario, VARIANTS)
        mine = rows(batch, i)
        energy = sum(mine[k].sum(axis=-1) for k in ("gen_energy", "layer_energy", "device_energy"))
        np.testing.assert_allclose(energy, results.all_variants("energy"), rtol=1e-12, err_msg=name)
        climate = sum(mine[k][..., 0] for k in ("manufacturing", "use", "end_of_life"))
        np.testing.assert_allclose(climate, results.all_variants("impact", category="climate_change"),
                                   rtol=1e-12, err_msg=name)
        np.testing.assert_allclose(mine["traffic"].sum(axis=-1), results.all_variants("traffic"),
                                   rtol=1e-12, err_msg=name)


def test_run_batch_is_one_sample():
    p, rec = run_batch(BASE, ("actual", "frozen"))
    assert p.members == 2 and p.samples == 1
    assert_identical(rec, run_samples([BASE], ("actual", "frozen"))[1], "run_batch")


def test_shared_parameters_keep_a_member_axis_of_one():
    p = compile_params([BASE, SAMPLES["elasticity"]])
    assert p.members == 6
    for name in ("users", "layer_pue", "device_per_user", "grid", "embodied", "end_of_life", "weibull",
                 "fleet_coefficient", "electricity_price", "fixed_cost"):
        assert getattr(p, name).shape[0] == 1, name
    assert p.elasticity.shape[0] == 6
    assert all(q.value is None or q.value.shape == (1,) for q in p.policies)
    varied = compile_params([BASE, SAMPLES["grid_table"], SAMPLES["users"], SAMPLES["policy_values"]])
    assert varied.grid.shape[0] == varied.users.shape[0] == 12
    assert [q.value is None or q.value.shape[0] for q in varied.policies] == [12, 12, 12, 12, True]


def test_derived_samples_share_one_layout_of_their_graph():
    """The compile path's one cache holds structure, not numbers: every sample finds the same layout."""
    assert layout(SAMPLES["elasticity"]) is layout(BASE)
    assert layout(SAMPLES["embodied"]) is layout(BASE)
    other = simulator.scenario_from_dict({**base_data(), "devices": {}})
    assert layout(other) is not layout(BASE)


@pytest.mark.parametrize("change,differs", [
    ({"time": {"start": 2000, "end": 2031, "step": 0.25}}, "time axis"),
    ({"policies": [dict(POLICIES[0], at=2013), *POLICIES[1:]]}, "policy schedule"),
    ({"policies": POLICIES[:-1]}, "policy schedule"),
    ({"policies": [POLICIES[0], dict(POLICIES[1], equipment="radio"), *POLICIES[2:]]}, "policy schedule"),
    ({"demand": {"users": 1000, "services": {"video": {"usage": 1.0}}}}, "services"),
    ({"demand": dict(STACKED["demand"], traffic=1e9)}, "forced traffic"),
    ({"devices": {}}, "devices"),
])
def test_scenarios_of_another_structure_are_refused(change, differs):
    data = base_data()
    data.update(copy.deepcopy(change))
    other = simulator.scenario_from_dict(data)
    assert schedule_key(other) != schedule_key(BASE)
    with pytest.raises(ValueError, match=rf"scenarios\[1\] cannot share a batch with scenarios\[0\]: its {differs}"):
        run_samples([BASE, other])


def test_launch_order_is_structure():
    swapped = derive(BASE, {("generations", "new", "launch"): 1990.0})
    assert schedule_key(swapped) != schedule_key(BASE)
    with pytest.raises(ValueError, match="generations in order of launch"):
        run_samples([BASE, swapped])


def test_numbers_are_not_structure():
    assert len({schedule_key(s) for s in [BASE, *SAMPLES.values()]}) == 1


def test_no_scenario_is_refused():
    with pytest.raises(ValueError, match="found no scenario"):
        run_samples([])


def test_record_only_some_fields(alone):
    fields = ("traffic", "gen_energy", "use")
    p, rec = run_samples([SAMPLES["launch"], SAMPLES["users"]], record=fields)
    assert tuple(rec) == fields
    assert_identical(rows(rec, 1), {k: alone["users"][k] for k in fields}, "users, three fields recorded")
    with pytest.raises(ValueError, match=r"cannot record \['energy'\]"):
        run_samples([BASE], record=("traffic", "energy"))


def test_an_overflow_names_its_sample():
    classroom = simulator.load_scenario(SCENARIOS / "classroom-jevons.yaml", ["time.end=2400"])
    runaway = derive(classroom, {("demand", "services", "data", "growth"): 9.0})
    with pytest.raises(simulator.SimulatorError, match=r"growth: found 9.0, .*traffic is nan at t=2287.5 "
                       r"\(actual of sample 1\)"):
        run_samples([classroom, runaway])


@pytest.mark.parametrize("shape,weights", [((40, 1, 1), (40, 1, 1)), ((40, 3, 16), (40, 3, 1)),
                                           ((12, 16, 5), (12, 1, 5)), ((7, 2), (7, 1)), ((0, 3), (0, 1))])
def test_sums_over_the_first_axis_add_in_order(shape, weights):
    """Terms spread over twenty orders of magnitude: any other order of additions would round differently."""
    rng = np.random.default_rng(0)
    a = rng.random(shape) * 10.0 ** rng.integers(-10, 10, shape)
    b = rng.random(weights)
    expected = np.zeros(np.broadcast_shapes(shape[1:], weights[1:]))
    for k in range(shape[0]):
        expected = expected + a[k] * b[k]
    assert np.array_equal(sum_in_order(a, b), expected)

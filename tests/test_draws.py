"""Parameters written from a matrix of draws equal, bit for bit, those read from derived scenarios."""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pytest
from conftest import SCENARIOS, STACKED

import simulator
from simulator.ensemble.runner import run_chunk
from simulator.ensemble.sampling import uncertain_parameters
from simulator.errors import ScenarioError
from simulator.model.draws import broken_samples, compile_draws, target
from simulator.model.params import compile_params
from simulator.scenario import space
from simulator.scenario.checks import RULES, rule_problems, rules_reading, semantic_problems

#: Paths of STACKED (with ``*``) this module must write, each with the range its draws span.
STACKED_RANGES = {
    "demand.services.*.elasticity": (0.0, 2.0),
    "demand.services.video.growth": (0.0, 0.5),
    "demand.services.web.delay": (0.0, 3.0),
    "demand.users.2030": (2e6, 5e6),
    "price.cost_of_capital": (0.02, 0.1),
    "price.electricity.2030": (0.05, 0.2),
    "generations.new.site_opex": (5e3, 3e4),
    "generations.*.efficiency_gain": (0.0, 0.3),
    "generations.new.coverage_sites": (100.0, 400.0),
    "generations.old.idle_power": (500.0, 2000.0),
    "layers.core.pue.2000": (1.5, 2.5),
    "layers.core.traffic_share": (0.5, 1.0),
    "devices.phone.annual_energy": (2.0, 6.0),
    "devices.phone.per_user": (0.8, 1.5),
    "equipment.baseband.lifetime": (5.0, 12.0),
    "equipment.radio.weibull_shape": (1.0, 4.0),  # a fixed lifetime: the shape is ignored
    "equipment.smartphone.embodied.climate_change": (40.0, 120.0),
    "equipment.radio.embodied.mineral_resources": (0.0, 1e-3),
    "grid.climate_change.2030": (0.1, 0.5),
    "grid.water": (0.001, 0.004),
}


def _stacked_with_components() -> simulator.Scenario:
    data = copy.deepcopy(STACKED)
    data["equipment"]["radio"]["components"] = {"baseband": 2}  # totals propagate through components
    return simulator.scenario_from_dict(data)


def _parameters(scenario, ranges):
    return [[p for p, _ in space.expand(scenario, key)] for key in ranges]


def _draws(ranges, n, seed=0):
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.uniform(lo, hi, n) for lo, hi in ranges.values()])


def _derived(scenario, paths, values):
    return [space.derive(scenario, {p: float(v) for group, v in zip(paths, row, strict=True) for p in group})
            for row in values]


def _assert_same_params(fast, slow):
    for field in dataclasses.fields(slow):
        a, b = getattr(fast, field.name), getattr(slow, field.name)
        if isinstance(b, np.ndarray):
            shape = np.broadcast_shapes(a.shape, b.shape)
            assert np.array_equal(np.broadcast_to(a, shape), np.broadcast_to(b, shape)), field.name
        elif field.name == "policies":
            assert [(q.policy, None if q.value is None else q.value[0]) for q in a] == \
                   [(q.policy, None if q.value is None else q.value[0]) for q in b]
        else:
            assert a == b, field.name


@pytest.mark.parametrize("variants", [("actual", "engineering", "frozen"), ("actual",)])
def test_stacked_draws_equal_derived_scenarios(variants):
    scenario = _stacked_with_components()
    paths = _parameters(scenario, STACKED_RANGES)
    values = _draws(STACKED_RANGES, 7)
    fast = compile_draws(scenario, paths, values, variants)
    assert fast is not None
    _assert_same_params(fast, compile_params(_derived(scenario, paths, values), variants))
    # and the run: the engine reads the same arrays
    assert fast.members == 7 * len(variants)


@pytest.mark.parametrize("name", ["world-mobile", "classroom-jevons"])
def test_shipped_uncertainty_is_written_without_deriving(name):
    scenario = simulator.load_scenario(SCENARIOS / f"{name}.yaml")
    keys = list(scenario.uncertainty)
    paths = _parameters(scenario, keys)
    rng = np.random.default_rng(1)
    values = np.column_stack([scenario.uncertainty[k].ppf(rng.random(5)) for k in keys])
    fast = compile_draws(scenario, paths, values)
    assert fast is not None, [k for k, group in zip(keys, paths, strict=True) if target(scenario, group[0]) is None]
    _assert_same_params(fast, compile_params(_derived(scenario, paths, values)))


@pytest.mark.parametrize("path", ["generations.new.launch", "generations.old.switch_off",
                                  "equipment.radio.mass", "generations.new.equipment.radio"])
def test_paths_that_move_events_or_the_graph_are_left_to_the_slow_path(path):
    scenario = _stacked_with_components()
    group = [p for p, _ in space.expand(scenario, path)]
    assert target(scenario, group[0]) is None
    assert compile_draws(scenario, [group], np.array([[2012.0]])) is None


def test_broken_samples_are_those_whose_derived_scenario_breaks_a_rule():
    data = copy.deepcopy(STACKED)
    data["demand"]["services"]["video"]["saturation"] = "2 GB/month"
    scenario = simulator.scenario_from_dict(data)
    ranges = {"price.cost_of_capital": (0.0, 0.2), "generations.old.site_cost": (0.0, 4e5),
              "demand.services.video.saturation": (10.0, 30.0), "equipment.baseband.lifetime": (5.0, 12.0),
              "demand.services.*.elasticity": (0.0, 2.0)}
    paths = _parameters(scenario, ranges)
    values = _draws(ranges, 300, seed=2)
    values[7, 3] = 1e6  # a lifetime whose ages do not fit in memory
    broken = {i for i, member in enumerate(_derived(scenario, paths, values))
              if semantic_problems(member, spaces=False)}
    assert 7 in broken and 0 < len(broken) < len(values), "the draws should break rules in some samples only"
    assert broken_samples(scenario, paths, values).tolist() == sorted(broken)


def test_only_the_rules_reading_a_drawn_value_are_checked_again():
    scenario = _stacked_with_components()
    unread = _parameters(scenario, ["demand.services.*.elasticity", "grid.water", "generations.*.efficiency_gain"])
    assert rules_reading(scenario, [path for group in unread for path in group]) == ()
    new = scenario.generations["new"].model_copy(update={"technology_year": "calendar", "reference_year": 2020.0})
    calendar = scenario.model_copy(update={"generations": {**scenario.generations, "new": new}})  # gains from 2020
    gains = [p for g in _parameters(calendar, ["generations.*.efficiency_gain"]) for p in g]
    assert [rule.check.__name__ for rule in rules_reading(calendar, gains)] == ["_technology"]
    assert broken_samples(scenario, _parameters(scenario, ["demand.services.*.elasticity"]),
                          np.array([[0.5], [1e9]])).tolist() == []
    read = rules_reading(scenario, [("demand", "services", "video", "usage"), ("equipment", "radio", "lifetime")])
    assert [rule.check.__name__ for rule in read] == ["_demand", "_lifetimes"]


def test_a_member_breaking_a_rule_only_with_the_others_draws_is_refused_by_name():
    """Each end of each range meets the rules (checked on loading), two draws together do not."""
    data = copy.deepcopy(STACKED)
    data["demand"]["services"]["video"]["saturation"] = "20 GB/yr"
    data["uncertainty"] = {"demand.services.video.usage": {"dist": "uniform", "low": 6, "high": 18},
                           "demand.services.video.saturation": {"dist": "uniform", "low": 13, "high": 30}}
    scenario = simulator.scenario_from_dict(data)
    values = np.array([[10, 20], [17, 14], [12, 29], [6, 13]])
    with pytest.raises(ScenarioError) as info:
        run_chunk(scenario, uncertain_parameters(scenario), values, first=10)
    assert [str(p) for p in info.value.problems] == [
        "uncertainty: member 11 (demand.services.video.usage=17, demand.services.video.saturation=14): "
        "demand.services.video.saturation: found 14 GB/yr, expected at least the starting usage (17 GB/yr)"]
    assert run_chunk(scenario, uncertain_parameters(scenario), values[[0, 3]])["energy"].shape[0] == 2


def _every_numeric_path(scenario):
    """Every concrete numeric path of ``scenario`` a sample may change: each field of each item of every
    section, the points of its tables and the values of its mappings."""
    def items(prefix, found):
        for name, item in found.items():
            yield f"{prefix}.{name}", item

    sections = [("demand", scenario.demand), ("price", scenario.price), ("grid", scenario.grid),
                *items("demand.services", scenario.demand.services), *items("generations", scenario.generations),
                *items("layers", scenario.layers), *items("devices", scenario.devices),
                *items("equipment", scenario.equipment),
                *((f"policies.{i}", q) for i, q in enumerate(scenario.policies))]
    seen = set()
    for prefix, model in sections:
        for field in type(model).model_fields:
            for key in (f"{prefix}.{field}", f"{prefix}.{field}.*"):
                try:
                    found = space.expand(scenario, key)
                except space.PathError:  # not numeric, or nothing under it
                    continue
                for path, annotation in found:
                    if path not in seen:
                        seen.add(path)
                        yield path, annotation


def _with_policies():
    data = copy.deepcopy(STACKED)
    data["policies"] = [
        {"type": "surcharge", "at": 2012, "rate": 0.2},
        {"type": "lifetime", "at": 2015, "equipment": "smartphone", "lifetime": 4},
        {"type": "traffic_scale", "at": 2018, "factor": 0.9, "services": ["video"]},
        {"type": "grid", "at": 2020, "category": "climate_change", "factor": 0.8},
        {"type": "switch_off", "at": 2024, "generation": "old"},
    ]
    return data


def test_a_rule_never_changes_its_verdict_with_a_value_it_does_not_read():
    """What lets ensembles skip the rules that read no drawn value: every numeric value a rule does not
    read (:attr:`~simulator.scenario.checks.Rule.reads`), pushed to extremes, leaves its problems as they were."""
    data = _with_policies()
    data["rebound"] = {"innovations": ["gain:new", "layer_gain:core"]}  # the rule then reads the gains
    data["demand"]["services"]["video"]["saturation"] = "2 GB/month"
    scenario = simulator.scenario_from_dict(data)
    before = {rule: rule_problems(scenario, [rule]) for rule in RULES}
    tried = changed = 0
    for path, annotation in _every_numeric_path(scenario):
        for value in (0.0, 1e-6, 0.5, 1.0, 2000.0, 1e6):
            if space.check_value(annotation, value) is not None:
                continue
            derived = space.derive(scenario, {path: value})
            for rule in RULES:
                if rule.reads_any(scenario, [path]):
                    changed += rule_problems(derived, [rule]) != before[rule]
                else:
                    assert rule_problems(derived, [rule]) == before[rule], (rule.check.__name__, path, value)
                    tried += 1
    assert tried > 1000
    assert changed > 10, "some values read by a rule should break it, or the paths tried are not the rules'"

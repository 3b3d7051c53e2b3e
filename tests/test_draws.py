"""Parameters written from a matrix of draws equal, bit for bit, those read from derived scenarios."""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pytest
from conftest import SCENARIOS, STACKED

import simulator
from simulator.model.draws import compile_draws, draw_samples, suspects, target
from simulator.model.params import SECTION_FIELDS, compile_params
from simulator.scenario import space
from simulator.scenario.checks import semantic_problems

#: Paths of STACKED (with ``*``) this module must write, each with the range its draws span.
STACKED_RANGES = {
    "demand.services.*.elasticity": (0.0, 2.0),
    "demand.services.video.growth": (0.0, 0.5),
    "demand.services.web.delay": (0.0, 3.0),
    "demand.users.2030": (2e6, 5e6),
    "cost.energy_weight": (0.2, 0.6),
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


@pytest.mark.parametrize("name", ["baseline", "classroom-jevons"])
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


def test_suspects_flag_every_sample_that_breaks_a_rule_and_only_check_those():
    data = copy.deepcopy(STACKED)
    data["demand"]["services"]["video"]["saturation"] = "2 GB/month"
    scenario = simulator.scenario_from_dict(data)
    ranges = {"cost.energy_weight": (0.2, 0.9), "cost.capital_weight": (0.0, 0.4),
              "demand.services.video.saturation": (10.0, 30.0), "equipment.baseband.lifetime": (5.0, 12.0)}
    paths = _parameters(scenario, ranges)
    values = _draws(ranges, 300, seed=2)
    samples = draw_samples(scenario, paths, values)
    flagged = set(suspects(samples, scenario.time.step).tolist())
    broken = {i for i, member in enumerate(_derived(scenario, paths, values))
              if semantic_problems(member, spaces=False)}
    assert broken, "the draws should break a rule somewhere, or this test tests nothing"
    assert broken <= flagged
    assert len(flagged) < len(values)


def _every_written_number(scenario):
    """Every concrete path of ``scenario`` the fast path writes (numbers of every section, table points)."""
    sections = {("demand", "services"): "services", ("generations",): "generations", ("layers",): "layers",
                ("devices",): "devices", ("equipment",): "equipment"}
    keys = ["cost.*", "equipment.*.embodied.*", "layers.*.pue.*", "demand.users.*", "grid.climate_change.*",
            "grid.water"]
    for prefix, section in sections.items():
        for field in SECTION_FIELDS[section].values():
            keys.append(".".join((*prefix, "*", field)))
    for key in keys:
        try:
            found = space.expand(scenario, key)
        except space.PathError:  # an optional value not given in this scenario
            continue
        yield from ((path, annotation) for path, annotation in found if target(scenario, path) is not None)


def test_numbers_outside_the_rules_never_break_one():
    """Every number the fast path writes but does not screen: pushed to extremes, no rule notices."""
    scenario = _stacked_with_components()
    before = semantic_problems(scenario, spaces=False)
    screened = {"usage", "saturation", "energy_weight", "capital_weight", "lifetime", "weibull_shape"}
    tried = 0
    for path, annotation in _every_written_number(scenario):
        if path[-1] in screened:
            continue
        for value in (0.0, 1e-6, 0.5, 1.0, 1e6):
            if space.check_value(annotation, value) is None:
                derived = space.derive(scenario, {path: value})
                assert semantic_problems(derived, spaces=False) == before, (path, value)
                tried += 1
    assert tried > 100

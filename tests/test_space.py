"""Paths of a scenario: wildcards, year tables, list items; derive leaves the original alone."""

from __future__ import annotations

import copy

import pytest
from conftest import STACKED

import simulator
from simulator.scenario import space


@pytest.fixture(scope="module")
def stacked():
    data = copy.deepcopy(STACKED)
    data["policies"] = [{"type": "surcharge", "rate": 0.2, "at": 2024}]
    return simulator.scenario_from_dict(data)


def test_wildcard_expands_to_every_key(stacked):
    paths = [p for p, _ in space.expand(stacked, "demand.services.*.elasticity")]
    assert paths == [("demand", "services", "video", "elasticity"), ("demand", "services", "web", "elasticity")]


def test_year_table_entry_list_item_and_units(stacked):
    [(path, annotation)] = space.expand(stacked, "grid.climate_change.2030")
    assert space.value_at(stacked, path) == pytest.approx(0.3)
    assert space.unit_of(annotation) == "kg CO2e/kWh"
    [(path, annotation)] = space.expand(stacked, "policies.0.rate")
    assert space.value_at(stacked, path) == 0.2


def test_derive_changes_only_the_copy(stacked):
    derived = space.derive(stacked, {("demand", "services", "video", "elasticity"): 1.7,
                                     ("grid", "climate_change", 2030): 0.1, ("policies", 0, "rate"): 0.4})
    assert derived.demand.services["video"].elasticity == 1.7
    assert stacked.demand.services["video"].elasticity == 0.8
    assert derived.grid.climate_change.values[-1] == 0.1 and stacked.grid.climate_change.values[-1] == 0.3
    assert derived.policies[0].rate == 0.4 and stacked.policies[0].rate == 0.2
    assert derived.demand.services["web"] is stacked.demand.services["web"]  # unchanged parts are shared


@pytest.mark.parametrize("path,message", [
    ("demand.services.audio.elasticity", "has no 'audio' (it has: video, web)"),
    ("grid.climate_change", "a year table: name one year"),
    ("grid.climate_change.2021", "has no 2021 (it has: 2000, 2030)"),
    ("generations.old.switch_off.x", "not a mapping"),
    ("seed", "expected the path of a model parameter"),
    ("demand.services.video", "is Service, not a number"),
])
def test_paths_that_name_no_number_say_why(stacked, path, message):
    with pytest.raises(space.PathError) as info:
        space.expand(stacked, path)
    assert message in str(info.value)

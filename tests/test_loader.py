"""Loading scenarios: extends, --set, units, tables, locations, the generated reference."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import simulator
from simulator.errors import ScenarioError
from simulator.scenario.load import load_scenario, resolved_data, scenario_from_dict, scenario_hash
from simulator.scenario.reference import reference_markdown
from simulator.scenario.types import Table

ROOT = Path(__file__).resolve().parents[1]

PARENT = """\
name: parent
time: {start: 2010, end: 2030}
demand:
  users: {2010: 1000, 2030: "3000 users"}
  services:
    data: {usage: "2 GB/month", elasticity: 0.5}
    web: {usage: "1.0 GB/yr"}
generations:
  network: {launch: 2010, energy_intensity: "250 Wh/GB", idle_power: "1.2 kW"}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_units_are_converted_once_at_load(tmp_path):
    s = load_scenario(write(tmp_path, "p.yaml", PARENT))
    assert s.demand.services["data"].usage == pytest.approx(24.0)  # GB/yr per user
    assert s.generations["network"].energy_intensity == pytest.approx(0.25)  # kWh/GB
    assert s.generations["network"].idle_power == pytest.approx(1200.0)  # W
    assert s.demand.users == Table((2010.0, 2030.0), (1000.0, 3000.0))


def test_extends_merges_deeply_and_child_wins(tmp_path):
    write(tmp_path, "parent.yaml", PARENT)
    child = write(tmp_path, "child.yaml", "extends: parent.yaml\nname: child\n"
                  "demand:\n  services:\n    data: {elasticity: 1.4}\n")
    s = load_scenario(child)
    assert s.name == "child"
    assert s.demand.services["data"].elasticity == 1.4
    assert s.demand.services["data"].usage == pytest.approx(24.0)  # inherited
    assert set(s.demand.services) == {"data", "web"}
    assert "extends" not in resolved_data(s)


def test_error_in_inherited_key_points_at_the_parent_file(tmp_path):
    write(tmp_path, "parent.yaml", PARENT.replace("elasticity: 0.5", "elasticity: -3"))
    child = write(tmp_path, "child.yaml", "extends: parent.yaml\nname: child\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(child)
    assert str(err.value).startswith(f"{tmp_path / 'parent.yaml'}:6:")


def test_extends_cycle_and_missing_parent(tmp_path):
    write(tmp_path, "a.yaml", "extends: b.yaml\nname: a\n")
    write(tmp_path, "b.yaml", "extends: a.yaml\nname: b\n")
    with pytest.raises(ScenarioError, match="extends cycle: a.yaml -> b.yaml -> a.yaml"):
        load_scenario(tmp_path / "a.yaml")
    write(tmp_path, "c.yaml", "name: c\nextends: nowhere.yaml\n")
    with pytest.raises(ScenarioError, match=r"c.yaml:2:1: extends: parent scenario 'nowhere.yaml' not found"):
        load_scenario(tmp_path / "c.yaml")


def test_set_overrides_after_extends_with_yaml_typed_values(tmp_path):
    path = write(tmp_path, "p.yaml", PARENT)
    s = load_scenario(path, ["demand.services.data.elasticity=1.4",
                             "generations.network.switch_off=2040",
                             "generations.network.idle_power=2 kW"])
    assert s.demand.services["data"].elasticity == 1.4
    assert s.generations["network"].switch_off == 2040
    assert s.generations["network"].idle_power == 2000.0
    assert resolved_data(s)["generations"]["network"]["idle_power"] == "2 kW"


def test_resolved_data_round_trips_through_json(tmp_path):
    """The manifest's scenario (JSON: table years become strings) reloads to the same scenario."""
    s = load_scenario(write(tmp_path, "p.yaml", PARENT))
    again = scenario_from_dict(json.loads(json.dumps(resolved_data(s))))
    assert again == s
    assert scenario_hash(again) == scenario_hash(s)


def test_logistic_users(tmp_path):
    text = PARENT.replace('users: {2010: 1000, 2030: "3000 users"}',
                          "users: {ceiling: 5000, midpoint: 2020, width: 3}")
    results = simulator.simulate(load_scenario(write(tmp_path, "p.yaml", text)))
    users = results.array("users")
    assert users[results.times.tolist().index(2020.0)] == pytest.approx(2500.0)


def test_default_name_is_the_file_stem(tmp_path):
    s = load_scenario(write(tmp_path, "my-town.yaml", PARENT.replace("name: parent\n", "")))
    assert s.name == "my-town"


def test_generated_reference_is_committed_and_current():
    committed = (ROOT / "docs" / "scenario-reference.md").read_text(encoding="utf-8")
    assert committed == reference_markdown(), "run: jevons reference -o docs/scenario-reference.md"


def test_reference_documents_every_analyst_path():
    text = reference_markdown()
    for path in ["time.start", "time.end", "time.step", "seed", "demand.services.<name>.elasticity",
                 "demand.services.<name>.growth", "demand.services.<name>.delay",
                 "generations.<name>.launch", "generations.<name>.switch_off",
                 "generations.<name>.efficiency_gain", "generations.<name>.idle_power",
                 "equipment.<name>.lifetime", "equipment.<name>.embodied.climate_change", "policies"]:
        assert f"`{path}`" in text, path


def test_a_star_in_set_stands_for_every_key_there():
    """As in uncertainty: paths, ``*`` sets every service's value (each its own copy); a ``*`` where the
    scenario holds nothing is refused with the path."""
    root = Path(__file__).resolve().parents[1] / "scenarios"
    scenario = load_scenario(root / "gb-tax.yaml", ["demand.services.*.elasticity=0.2", "layers.*.pue=1.3"])
    assert {s.elasticity for s in scenario.demand.services.values()} == {0.2}
    assert {layer.pue for layer in scenario.layers.values()} == {1.3}
    with pytest.raises(ScenarioError) as info:
        load_scenario(root / "gb-tax.yaml", ["devices.smartphone.components.*.x=1"])
    assert "devices.smartphone.components holds no keys or items for * to stand for" in str(info.value)

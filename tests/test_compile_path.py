"""The compile path's one cache: the layout of a graph's structure, agreeing with the full graph, bounded."""

from __future__ import annotations

import networkx as nx
import pytest
from conftest import SCENARIOS, STACKED

import simulator
from simulator.graph import LAYOUTS_KEPT, build_graph, layout, node


@pytest.mark.parametrize("name", sorted(p.stem for p in SCENARIOS.glob("*.yaml")))
def test_the_layout_is_that_of_the_dependency_graph(name):
    """Fleets are the graph's owner → equipment edges, in its order; impacts propagate bottom-up."""
    scenario = simulator.load_scenario(SCENARIOS / f"{name}.yaml")
    g = build_graph(scenario)
    found = layout(scenario)
    kinds = ("generation", "layer", "device")
    assert found.fleets == tuple((kind, g.nodes[n]["label"], g.nodes[e]["label"]) for kind in kinds
                                 for n in g if g.nodes[n]["kind"] == kind
                                 for e in g.successors(n) if g.nodes[e]["kind"] == "equipment")
    done: set[str] = set()
    for equipment, parts in found.bottom_up:
        assert parts == tuple(scenario.equipment[equipment].components)
        assert all(part in done for part in parts), f"{equipment} comes before one of its components"
        assert all(g.has_edge(node("equipment", equipment), node("equipment", part)) for part in parts)
        done.add(equipment)
    assert done == set(scenario.equipment)
    assert nx.is_directed_acyclic_graph(g)


def test_the_cache_forgets_the_least_recently_used_structure_beyond_its_bound():
    scenario = simulator.scenario_from_dict(STACKED)
    phone = scenario.devices["phone"]
    first = layout(scenario)
    assert layout(scenario) is first
    for i in range(LAYOUTS_KEPT):  # as many other structures: one more device name each
        layout(scenario.model_copy(update={"devices": {f"phone{i}": phone}}))
    again = layout(scenario)
    assert again is not first and again == first

"""The compile path's one cache: the layout of a graph's structure, agreeing with the full graph, bounded."""

from __future__ import annotations

from pathlib import Path

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


def test_edge_coefficients_are_read_from_the_graph_alone():
    """Issue 13.6: the coefficients the dependency graph's edges carry (usage per user, a service's share on a
    network, a layer's traffic share, devices per user and the services they serve, equipment per owner,
    components, impacts per unit made or retired, manufacturing electricity) are read from the graph by the
    compile path, never a second way from the scenario's items."""
    import ast

    edge_fields = {"usage", "traffic_share", "per_user", "services", "embodied", "end_of_life", "components",
                   "manufacturing_electricity", "mass", "annual_energy", "jobs"}
    root = Path(simulator.__file__).parent / "model"
    for module in ("samples.py", "params.py"):
        tree = ast.parse((root / module).read_text(encoding="utf-8"))
        read = []
        for found in ast.walk(tree):
            if isinstance(found, ast.Attribute) and found.attr in edge_fields:
                base = ast.unparse(found.value)
                arrays = base in ("samples", "p", "one")  # the compiled arrays, already read from the graph
                if not arrays and not (found.attr == "services" and base.endswith(".demand")):
                    read.append(f"{base}.{found.attr}")
        assert read == [], (module, read)

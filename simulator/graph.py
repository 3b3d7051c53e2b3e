"""The dependency graph: from demand to equipment manufacturing and impact categories.

Built only from a validated scenario. Nodes have a ``kind`` (driver, service,
flow, generation, layer, device, equipment, energy, impact); edges carry a
``coefficient`` and its ``unit``. The graph is what the engine compiles its
requirement matrices from (which equipment each generation, layer and device
needs, what making and discarding one unit costs in each impact category,
components included), and what the contribution analysis reads.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from .errors import GraphCycleError, GraphError, Problem
from .scenario.schema import CATEGORIES, Scenario

USERS, TRAFFIC, ELECTRICITY = "users", "traffic", "electricity"


def node(kind: str, name: str) -> str:
    """Node id of a named thing, e.g. ``node("generation", "4G") == "generation:4G"``."""
    return f"{kind}:{name}"


def build_graph(scenario: Scenario) -> nx.DiGraph:
    """The dependency graph of a scenario; raises GraphError if it is inconsistent."""
    g = nx.DiGraph(name=scenario.name)
    g.add_node(USERS, kind="driver", label="users")
    g.add_node(TRAFFIC, kind="flow", label="traffic")
    g.add_node(ELECTRICITY, kind="energy", label="electricity")
    for c, (unit, label) in CATEGORIES.items():
        g.add_node(node("impact", c), kind="impact", label=label, unit=unit)
    for e in scenario.equipment:
        g.add_node(node("equipment", e), kind="equipment", label=e)
    for s, service in scenario.demand.services.items():
        g.add_node(node("service", s), kind="service", label=s)
        g.add_edge(USERS, node("service", s), coefficient=service.usage, unit="GB/yr per user")
        g.add_edge(node("service", s), TRAFFIC, coefficient=1.0, unit="GB/GB")
    owners = [
        ("generation", scenario.generations, "units per site"),
        ("layer", scenario.layers, "units per PB/yr"),
    ]
    for kind, items, unit in owners:
        for name, item in items.items():
            n = node(kind, name)
            share = getattr(item, "traffic_share", None)
            g.add_node(n, kind=kind, label=name)
            g.add_edge(TRAFFIC, n, coefficient=share, unit="share of traffic")
            g.add_edge(n, ELECTRICITY, coefficient=None, unit="kWh/yr")
            for e, count in item.equipment.items():
                g.add_edge(n, node("equipment", e), coefficient=count, unit=unit)
    for name, device in scenario.devices.items():
        n = node("device", name)
        g.add_node(n, kind="device", label=name)
        g.add_edge(USERS, n, coefficient=device.per_user, unit="units per user")
        g.add_edge(n, node("equipment", device.equipment), coefficient=1.0, unit="units per device")
        g.add_edge(n, ELECTRICITY, coefficient=device.annual_energy, unit="kWh/yr per device")
    for e, item in scenario.equipment.items():
        for part, count in item.components.items():
            g.add_edge(node("equipment", e), node("equipment", part), coefficient=count,
                       unit="units per unit")
        for c, (unit, _) in CATEGORIES.items():
            g.add_edge(node("equipment", e), node("impact", c),
                       coefficient=getattr(item.embodied, c), unit=f"{unit} per unit made")
    for c in CATEGORIES:
        if c != "e_waste":
            g.add_edge(ELECTRICITY, node("impact", c), coefficient=None, unit=f"{CATEGORIES[c][0]}/kWh")
    check_graph(g)
    return g


def check_graph(g: nx.DiGraph) -> None:
    """Refuse cycles (naming their path) and nodes no edge reaches or leaves."""
    try:
        cycle = nx.find_cycle(g)
    except nx.NetworkXNoCycle:
        cycle = None
    if cycle:
        path = [u for u, _ in cycle] + [cycle[0][0]]
        names = [p.split(":", 1)[-1] for p in path]
        key = f"equipment.{names[0]}.components"
        raise GraphCycleError(
            names, [Problem("dependency cycle: " + " -> ".join(path), key)]
        )
    dangling = [n for n in g if g.nodes[n].get("kind") is None]
    if dangling:
        raise GraphError([Problem(f"graph node {n!r} is referenced but never defined") for n in dangling])


@dataclass(frozen=True)
class Fleet:
    """Equipment ``equipment`` held by ``owner`` (a generation, layer or device)."""

    owner_kind: str
    owner: str
    equipment: str
    coefficient: float


@dataclass(frozen=True)
class Compiled:
    """What the engine needs from the graph, as arrays in canonical units."""

    fleets: tuple[Fleet, ...]
    equipment: tuple[str, ...]
    embodied: np.ndarray
    """(equipment, category): impact of making one unit, components included."""
    end_of_life: np.ndarray
    """(equipment, category): impact of discarding one unit, components included."""


def _layout(g: nx.DiGraph) -> tuple[list[tuple[str, list[str]]], list[tuple[str, str, str]]]:
    """Equipment bottom-up with its components, and the (kind, owner, equipment) fleets; kept in
    the graph after the first call, since they depend on its structure only."""
    if "_layout" not in g.graph:
        order = [(g.nodes[n]["label"], [g.nodes[p]["label"] for p in g.successors(n)
                                       if g.nodes[p]["kind"] == "equipment"])
                 for n in reversed(list(nx.topological_sort(g))) if g.nodes[n]["kind"] == "equipment"]
        pairs = [(kind, g.nodes[n]["label"], g.nodes[t]["label"])
                 for kind in ("generation", "layer", "device") for n in g if g.nodes[n]["kind"] == kind
                 for t in g.successors(n) if g.nodes[t]["kind"] == "equipment"]
        g.graph["_layout"] = (order, pairs)
    return g.graph["_layout"]


def own_impacts(scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """(E,C) impacts of making and of discarding one unit of each equipment type, components excluded.

    Discarding weighs the unit's mass in e-waste unless its ``end_of_life`` gives e-waste itself.
    """
    cats = list(CATEGORIES)
    own = np.zeros((len(scenario.equipment), len(cats)))
    own_eol = np.zeros_like(own)
    for i, item in enumerate(scenario.equipment.values()):
        own[i] = [getattr(item.embodied, c) for c in cats]
        eol = item.end_of_life
        own_eol[i] = [getattr(eol, c) if eol else 0.0 for c in cats]
        if eol is None or "e_waste" not in eol.model_fields_set:
            own_eol[i, cats.index("e_waste")] = item.mass
    return own, own_eol


def with_components(g: nx.DiGraph, scenario: Scenario, own: np.ndarray, own_eol: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Impacts per unit (..., E, C), components included: each equipment's own plus, bottom-up, its
    components' totals times their counts. A leading axis (samples) is carried along."""
    names = list(scenario.equipment)
    total, total_eol = own.copy(), own_eol.copy()
    for e, parts in _layout(g)[0]:
        i = names.index(e)
        for part in parts:
            count, j = scenario.equipment[e].components[part], names.index(part)
            total[..., i, :] += count * total[..., j, :]
            total_eol[..., i, :] += count * total_eol[..., j, :]
    return total, total_eol


def fleets_of(g: nx.DiGraph, scenario: Scenario) -> tuple[Fleet, ...]:
    """Every (owner, equipment) pair of the graph with its count per site, per PB/yr or per device."""
    owners = {"generation": scenario.generations, "layer": scenario.layers}
    return tuple(Fleet(kind, owner, equipment,
                       float(owners[kind][owner].equipment[equipment]) if kind in owners else 1.0)
                 for kind, owner, equipment in _layout(g)[1])


def compile_graph(g: nx.DiGraph, scenario: Scenario) -> Compiled:
    """Fleets and per-unit impact matrices, propagated through components bottom-up.

    The graph gives the structure (which equipment holds which, in which order);
    the numbers are read from ``scenario``, so one graph serves every sample of a
    scenario that only differs in numbers (a Monte Carlo member, a slider move).
    """
    embodied, end_of_life = with_components(g, scenario, *own_impacts(scenario))
    return Compiled(fleets_of(g, scenario), tuple(scenario.equipment), embodied, end_of_life)

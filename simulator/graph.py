"""The dependency graph: from demand to equipment manufacturing and impact categories.

Built only from a validated scenario. Nodes have a ``kind`` (driver, service,
flow, generation, layer, device, equipment, energy, impact); edges carry a
``coefficient`` and its ``unit``; it is what ``jevons graph`` draws and
``jevons validate`` checks. Compiling a run reads only its structure, the
:class:`Layout` (which equipment each generation, layer and device holds, in
which order impacts propagate through components), built once per structure
and kept in the one cache of the compile path (:data:`LAYOUTS_KEPT`); the
numbers (counts, impacts of making and discarding one unit) are read from each
sample.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import networkx as nx
import numpy as np

from .errors import GraphCycleError, GraphError, Problem
from .scenario.schema import CATEGORIES, Generation, Layer, Scenario

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
    owners: list[tuple[str, Mapping[str, Generation | Layer], str]] = [
        ("generation", scenario.generations, "units per site"),
        ("layer", scenario.layers, "units per PB/yr"),
    ]
    for kind, items, unit in owners:
        for name, owner in items.items():
            n = node(kind, name)
            share = getattr(owner, "traffic_share", None)
            g.add_node(n, kind=kind, label=name)
            g.add_edge(TRAFFIC, n, coefficient=share, unit="share of traffic")
            g.add_edge(n, ELECTRICITY, coefficient=None, unit="kWh/yr")
            for e, count in owner.equipment.items():
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


def structure(scenario: Scenario) -> dict[str, Hashable]:
    """The nodes and edges of a scenario's dependency graph without their numbers, by part (the names
    name the part in messages): samples that differ only in numbers share it."""
    s = scenario
    return {
        "services": tuple(s.demand.services),
        "equipment of the generations": tuple((n, tuple(g.equipment)) for n, g in s.generations.items()),
        "layers and their equipment": tuple((n, tuple(x.equipment)) for n, x in s.layers.items()),
        "devices and their equipment": tuple((n, d.equipment) for n, d in s.devices.items()),
        "equipment and its components": tuple((n, tuple(e.components)) for n, e in s.equipment.items()),
    }


@dataclass(frozen=True)
class Layout:
    """What compiling a scenario reads of its graph's structure: the order in which impacts propagate
    through components, and the fleets. Numbers are read from each sample (:func:`with_components`,
    :func:`fleet_counts`)."""

    bottom_up: tuple[tuple[str, tuple[str, ...]], ...]
    """Every equipment type with its components, each after its components."""
    fleets: tuple[tuple[str, str, str], ...]
    """(owner kind, owner, equipment) of every fleet: generations, layers, then devices, in scenario order."""


#: Layouts :func:`layout` keeps, the least recently used forgotten first. Building one costs ~0.1-1 ms
#: (a graph checked and sorted), finding it ~10 µs; a command meets one or a few structures, a server
#: one per scenario it loads. A layout is a few hundred bytes: 64 bound the memory of a long-lived process.
LAYOUTS_KEPT = 64


def layout(scenario: Scenario) -> Layout:
    """The :class:`Layout` of ``scenario``'s graph, built and checked once per :func:`structure`; raises
    GraphError on a component cycle or undefined equipment."""
    return _layout(tuple(structure(scenario).values()))


@lru_cache(maxsize=LAYOUTS_KEPT)
def _layout(parts: tuple) -> Layout:
    _, generations, layers, devices, equipment = parts
    owners = [("generation", generations), ("layer", layers), ("device", tuple((n, (e,)) for n, e in devices))]
    g = nx.DiGraph()
    for name, _ in equipment:
        g.add_node(node("equipment", name), kind="equipment")
    for kind, items in owners:
        for owner, held in items:
            g.add_node(node(kind, owner), kind=kind)
            g.add_edges_from((node(kind, owner), node("equipment", e)) for e in held)
    components = dict(equipment)
    for name, parts_of in equipment:
        g.add_edges_from((node("equipment", name), node("equipment", part)) for part in parts_of)
    check_graph(g)
    ids = {node("equipment", name): name for name, _ in equipment}
    order = [ids[n] for n in reversed(list(nx.topological_sort(g))) if n in ids]
    return Layout(bottom_up=tuple((name, components[name]) for name in order),
                  fleets=tuple((kind, owner, e) for kind, items in owners for owner, held in items for e in held))


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


def with_components(lay: Layout, scenario: Scenario, own: np.ndarray, own_eol: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Impacts per unit (..., E, C), components included: each equipment's own plus, bottom-up
    (``lay``, the :func:`layout` of ``scenario``), its components' totals times their counts. A leading
    axis (samples) is carried along."""
    names = list(scenario.equipment)
    total, total_eol = own.copy(), own_eol.copy()
    for e, parts in lay.bottom_up:
        i = names.index(e)
        for part in parts:
            count, j = scenario.equipment[e].components[part], names.index(part)
            total[..., i, :] += count * total[..., j, :]
            total_eol[..., i, :] += count * total_eol[..., j, :]
    return total, total_eol


def fleet_counts(lay: Layout, scenario: Scenario) -> list[float]:
    """Count of each fleet of ``lay`` (the :func:`layout` of ``scenario``) in ``scenario``: units per site,
    per PB/yr, 1 per device."""
    owners: dict[str, Mapping[str, Generation | Layer]] = {"generation": scenario.generations,
                                                           "layer": scenario.layers}
    return [float(owners[kind][owner].equipment[equipment]) if kind in owners else 1.0
            for kind, owner, equipment in lay.fleets]

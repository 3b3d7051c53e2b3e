"""The dependency graph: from demand to networks, devices, data centres, equipment and impacts.

Built only from a validated scenario. Nodes have a ``kind`` (driver, service,
flow — one per access network —, generation, layer, device, workload, equipment,
energy, impact); edges carry a ``coefficient`` and its ``unit``: usage per user,
a service's share on each network, the traffic share of a layer, devices per
user and the share of their use that follows a service, equipment per site, per
PB/yr or kW, per device, per accelerator or TB, components per unit, impacts per
unit made (and ``end_of_life``, per unit retired). It is what ``jevons graph``
draws and ``jevons validate`` checks, and the one source of these coefficients:
compiling a run reads them from each sample's graph (:func:`demand_coefficients`,
:func:`fleet_counts`, :func:`with_components`, :func:`own_impacts`,
:func:`own_electricity`; ``tests/test_compile_path.py`` checks that the compile
path reads none of them from the scenario's items) and the contribution analysis
reads who uses what from it (``Results.contributions``). The :class:`Layout` (which equipment each owner
holds, in which order impacts propagate through components) is built once per
structure and kept in the one cache of the compile path (:data:`LAYOUTS_KEPT`).
Numbers of a node itself (energy per GB, lifetimes...) are read from the
scenario by :mod:`simulator.model.samples`, once.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import networkx as nx
import numpy as np

from .errors import GraphCycleError, GraphError, Problem
from .scenario.schema import CATEGORIES, Equipment, Generation, Layer, Scenario

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
    for e, item in scenario.equipment.items():
        g.add_node(node("equipment", e), kind="equipment", label=e,
                   manufacturing_electricity=item.manufacturing_electricity)
    networks = scenario.networks
    flows = {n: node("network", n) if networks else TRAFFIC for n in scenario.network_names}
    if networks:  # one flow of traffic per access network
        g.remove_node(TRAFFIC)
        for n, flow in flows.items():
            g.add_node(flow, kind="flow", label=f"traffic: {n}")
    for s, service in scenario.demand.services.items():
        g.add_node(node("service", s), kind="service", label=s)
        g.add_edge(USERS, node("service", s), coefficient=service.usage, unit="GB/yr per user")
        for n, share in (service.networks or {scenario.network_names[0]: 1.0}).items():
            g.add_edge(node("service", s), flows[n], coefficient=share, unit="share of the service's GB")
    owners: list[tuple[str, Mapping[str, Generation | Layer], str]] = [
        ("generation", scenario.generations, "units per site"),
        ("layer", scenario.layers, "units per PB/yr"),
    ]
    for kind, items, per in owners:
        for name, owner in items.items():
            unit = "units per kW of IT power" if getattr(owner, "equipment_per", "") == "kW" else per
            n = node(kind, name)
            crossing = getattr(owner, "traffic_share", None)
            g.add_node(n, kind=kind, label=name)
            if kind == "generation":
                g.add_edge(flows[scenario.network_of(name)], n, coefficient=None, unit="share of traffic")
            else:
                listed: list[str] | None = getattr(owner, "networks", None)
                crossed = scenario.network_names if listed is None else listed
                g.add_edges_from((flows[f], n, {"coefficient": crossing, "unit": "share of traffic"}) for f in crossed)
            g.add_edge(n, ELECTRICITY, coefficient=None, unit="kWh/yr")
            for e, count in owner.equipment.items():
                g.add_edge(n, node("equipment", e), coefficient=count, unit=unit)
    for name, device in scenario.devices.items():
        n = node("device", name)
        g.add_node(n, kind="device", label=name)
        g.add_edge(USERS, n, coefficient=device.per_user, unit="units per user")
        for used, weight in device.services.items():
            g.add_edge(node("service", used), n, coefficient=weight, unit="share of use following the service")
        g.add_edge(n, node("equipment", device.equipment), coefficient=1.0, unit="units per device")
        g.add_edge(n, ELECTRICITY, coefficient=device.annual_energy, unit="kWh/yr per device")
    for name, workload in scenario.compute.every.items():
        n = node("workload", name)
        g.add_node(n, kind="workload", label=name)
        stored = name in scenario.compute.storage
        g.add_edge(USERS, n, coefficient=workload.jobs, unit="TB stored" if stored else "jobs/yr")
        g.add_edge(n, ELECTRICITY, coefficient=None, unit="kWh/yr")
        for e, count in workload.equipment.items():
            g.add_edge(n, node("equipment", e), coefficient=count, unit="units per accelerator in service")
    for e, item in scenario.equipment.items():
        for part, count in item.components.items():
            g.add_edge(node("equipment", e), node("equipment", part), coefficient=count,
                       unit="units per unit")
        made, retired = _own_impacts(item)
        for k, (category, (unit, _)) in enumerate(CATEGORIES.items()):
            g.add_edge(node("equipment", e), node("impact", category), coefficient=made[k],
                       unit=f"{unit} per unit made", end_of_life=retired[k])
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
        "compute workloads and their equipment": tuple((n, tuple(w.equipment)) for n, w in s.compute.every.items()),
        "equipment and its components": tuple((n, tuple(e.components)) for n, e in s.equipment.items()),
        "services of the devices": tuple((n, tuple(d.services)) for n, d in s.devices.items()),
    }


@dataclass(frozen=True)
class Layout:
    """What compiling a scenario reads of its graph's structure: the order in which impacts propagate
    through components, and the fleets. Numbers are read from each sample (:func:`with_components`,
    :func:`fleet_counts`)."""

    bottom_up: tuple[tuple[str, tuple[str, ...]], ...]
    """Every equipment type with its components, each after its components."""
    fleets: tuple[tuple[str, str, str], ...]
    """(owner kind, owner, equipment) of every fleet: generations, layers, devices, then compute workloads, in
    scenario order."""


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
    _, generations, layers, devices, workloads, equipment = parts[:6]
    owners = [("generation", generations), ("layer", layers), ("device", tuple((n, (e,)) for n, e in devices)),
              ("workload", workloads)]
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


def _own_impacts(item: Equipment) -> tuple[list[float], list[float]]:
    """Impacts of making and of discarding one unit of an equipment type (per category), components
    excluded. Discarding weighs the unit's mass in e-waste unless its ``end_of_life`` gives e-waste itself."""
    made = [float(getattr(item.embodied, c)) for c in CATEGORIES]
    eol = item.end_of_life
    retired = [float(getattr(eol, c)) if eol else 0.0 for c in CATEGORIES]
    if eol is None or "e_waste" not in eol.model_fields_set:
        retired[list(CATEGORIES).index("e_waste")] = item.mass
    return made, retired


def own_impacts(graph: nx.DiGraph, equipment: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(E,C) impacts of making and of discarding one unit of each of ``equipment``, components excluded, read
    from the edges equipment → impact of ``graph`` (:func:`build_graph`)."""
    made = np.array([[graph.edges[node("equipment", e), node("impact", c)]["coefficient"] for c in CATEGORIES]
                     for e in equipment], dtype=float).reshape(len(equipment), len(CATEGORIES))
    retired = np.array([[graph.edges[node("equipment", e), node("impact", c)]["end_of_life"] for c in CATEGORIES]
                        for e in equipment], dtype=float).reshape(len(equipment), len(CATEGORIES))
    return made, retired


def flow_of(scenario: Scenario, network: str) -> str:
    """The node of the traffic a network carries (one per network when the scenario names them)."""
    return node("network", network) if scenario.networks else TRAFFIC


def demand_coefficients(graph: nx.DiGraph, scenario: Scenario) -> dict[str, Any]:
    """The coefficients of the demand side, read from the edges of ``graph`` (its scenario's
    :func:`build_graph`), each a number or a year table: ``usage`` (GB/yr per user, by service), ``split``
    (each service's share on each network, service-major), ``layer_share`` (share of traffic crossing each
    layer), ``per_user`` (devices per user), ``device_services`` (by device, the share of its use
    following each service, 0 where it follows none), ``annual_energy`` (kWh/yr per device) and ``jobs``
    (jobs/yr of each compute workload, TB of each storage, at the start)."""
    services, devices = list(scenario.demand.services), list(scenario.devices)
    edge = graph.edges
    layer_share = []
    for name in scenario.layers:
        crossing = [edge[u, node("layer", name)]["coefficient"] for u in graph.predecessors(node("layer", name))]
        layer_share.append(crossing[0] if crossing else 0.0)
    return {
        "usage": [edge[USERS, node("service", s)]["coefficient"] for s in services],
        "split": tuple(edge[node("service", s), flow_of(scenario, n)]["coefficient"]
                       if graph.has_edge(node("service", s), flow_of(scenario, n)) else 0.0
                       for s in services for n in scenario.network_names),
        "layer_share": layer_share,
        "per_user": tuple(edge[USERS, node("device", d)]["coefficient"] for d in devices),
        "device_services": [[edge[node("service", s), node("device", d)]["coefficient"]
                             if graph.has_edge(node("service", s), node("device", d)) else 0.0 for s in services]
                            for d in devices],
        "annual_energy": [edge[node("device", d), ELECTRICITY]["coefficient"] for d in devices],
        "jobs": [edge[USERS, node("workload", w)]["coefficient"] for w in scenario.compute.every],
    }


def own_electricity(graph: nx.DiGraph, equipment: Sequence[str]) -> np.ndarray:
    """(E,) electricity of making one unit of each of ``equipment`` (kWh), components excluded, read from the
    equipment nodes of ``graph``."""
    return np.array([graph.nodes[node("equipment", e)]["manufacturing_electricity"] for e in equipment], dtype=float)


def with_components(lay: Layout, graph: nx.DiGraph, equipment: Sequence[str], own: np.ndarray,
                    own_eol: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Impacts per unit (..., E, C), components included: each equipment's own plus, bottom-up
    (``lay``, the :func:`layout` of the graph's scenario), its components' totals times their counts, read
    from the edges equipment → equipment of ``graph``. A leading axis (samples) is carried along."""
    names = list(equipment)
    total, total_eol = own.copy(), own_eol.copy()
    for e, parts in lay.bottom_up:
        i = names.index(e)
        for part in parts:
            count, j = graph.edges[node("equipment", e), node("equipment", part)]["coefficient"], names.index(part)
            total[..., i, :] += count * total[..., j, :]
            total_eol[..., i, :] += count * total_eol[..., j, :]
    return total, total_eol


def fleet_counts(lay: Layout, graph: nx.DiGraph) -> list[float]:
    """Count of each fleet of ``lay`` read from the edges owner → equipment of ``graph`` (its scenario's
    :func:`build_graph`): units per site, per PB/yr or kW, per device, per accelerator or TB."""
    return [float(graph.edges[node(kind, owner), node("equipment", equipment)]["coefficient"])
            for kind, owner, equipment in lay.fleets]

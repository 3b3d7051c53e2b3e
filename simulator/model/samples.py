"""The numbers of N samples of one scenario, before variants: the one way into the parameter arrays.

A *sample* is a scenario's numbers (elasticities, lifetimes, launch years,
table values, policy values...); samples that share a batch share its structure
(:func:`schedule_key`). :class:`Samples` holds the numbers of N samples as
arrays, sample-major, and :func:`~simulator.model.params.compile_samples` turns
them into the :class:`~simulator.model.params.Params` the engine reads. Two
roads lead to it and meet there:

* :func:`read_samples` reads scenario objects (a single run, derived samples:
  :func:`~simulator.model.params.compile_params`);
* :func:`simulator.model.draws.draw_samples` reads the scenario once and writes
  a matrix of drawn values into a copy of its one sample (ensembles).

Anything a new field adds to the arrays is read here, once, and written by the
draws module only if ensembles may draw it (else they derive the scenarios).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import UsageError
from ..graph import (
    build_graph,
    demand_coefficients,
    fleet_counts,
    layout,
    own_electricity,
    own_impacts,
    structure,
    with_components,
)
from ..scenario.schema import CATEGORIES, Scenario

#: The field holding the value of each type of policy (it may differ between samples);
#: every other field of a policy (its type, target and date) belongs to the shared schedule.
POLICY_VALUE = {"lifetime": "lifetime", "traffic_scale": "factor", "surcharge": "rate", "grid": "factor"}

#: Numbers read from each item of a section of the scenario: Params attribute → schema field.
SERVICE_FIELDS = {"usage0": "usage", "growth": "growth", "saturation": "saturation",
                  "elasticity": "elasticity", "delay": "delay"}
GENERATION_FIELDS = {"launch": "launch", "switch_off": "switch_off", "ei0": "energy_intensity",
                     "gain": "efficiency_gain", "idle0": "idle_power", "idle_gain": "idle_power_gain",
                     "capacity0": "capacity_per_site", "capacity_growth": "capacity_growth",
                     "utilisation": "utilisation", "coverage": "coverage_sites", "buildout": "buildout",
                     "adoption_mid": "adoption_midpoint", "adoption_width": "adoption_width",
                     "site_cost": "site_cost", "site_life": "site_life", "site_opex": "site_opex",
                     "reference_year": "reference_year"}
LAYER_FIELDS = {"layer_ei0": "energy_intensity", "layer_gain": "efficiency_gain", "layer_share": "traffic_share",
                "layer_capacity_growth": "capacity_growth"}
DEVICE_FIELDS = {"device_energy0": "annual_energy", "device_gain": "efficiency_gain"}
WORKLOAD_FIELDS = {"compute_jobs0": "jobs", "compute_growth": "growth", "compute_saturation": "saturation",
                   "compute_elasticity": "elasticity", "compute_hours": "hours",
                   "compute_accelerators": "accelerators", "compute_accelerator_power": "accelerator_power",
                   "compute_cpu_power": "cpu_power", "compute_dram_power": "dram_power",
                   "compute_gain": "efficiency_gain", "compute_utilisation": "utilisation"}
PRICE_FIELDS = {"cost_of_capital": "cost_of_capital"}
EQUIPMENT_FIELDS = {"lifetime": "lifetime", "weibull_shape": "weibull_shape"}
#: Fields of each section read as numbers, by section of :func:`item_names`.
SECTION_FIELDS = {"services": SERVICE_FIELDS, "generations": GENERATION_FIELDS, "layers": LAYER_FIELDS,
                  "devices": DEVICE_FIELDS, "workloads": WORKLOAD_FIELDS, "price": PRICE_FIELDS,
                  "equipment": EQUIPMENT_FIELDS}


@dataclass
class Samples:
    """The numbers of N samples of one structure, before variants; X items of a section, E equipment
    types, F fleets, C impact categories."""

    first: Scenario  # names, time axis, schedule and graph structure: every sample's
    fleets: tuple[tuple[str, str, str], ...]  # (owner kind, owner, equipment) of the F fleets
    numbers: dict[str, np.ndarray]  # Params field of SECTION_FIELDS → (N, X), or (N,) for the price section's
    lifetime: np.ndarray  # (N,E) yr
    weibull: np.ndarray  # (N,E) shape, 0 = fixed
    rows: list[dict[str, tuple]]  # per sample: field of tabled() → the values sampled at every instant
    coefficient: np.ndarray  # (N,F) units per site / per PB/yr or kW / per device
    device_services: np.ndarray  # (N,D,S) share of each device's use that follows each service
    embodied: np.ndarray  # (N,E,C) per unit made, components included
    made_kwh: np.ndarray  # (N,E) kWh of making one unit, components included (impacts: the maker's grid)
    end_of_life: np.ndarray  # (N,E,C) per unit retired, components included
    policies: list[tuple[Any, np.ndarray | None]]  # the schedule: (first sample's policy, each sample's value (N,))


# --- what samples must share ------------------------------------------------------------------


def _launch_order(scenario: Scenario) -> tuple[str, ...]:
    """Names of the generations, in order of launch (the order of every generation axis)."""
    return tuple(sorted(scenario.generations, key=lambda n: scenario.generations[n].launch))


def _by_date(scenario: Scenario) -> list:
    """The policies in order of date (the order of the schedule)."""
    return sorted(scenario.policies, key=lambda q: q.at)


def _schedule(policy: Any) -> tuple:
    """A policy without its value: type, target and date (lists made hashable)."""
    value = POLICY_VALUE.get(policy.type)
    return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in policy if k != value)


def _structure(scenario: Scenario) -> dict[str, Hashable]:
    """What fixes the shapes of a batch and the dates of its events, by name (for error messages)."""
    s = scenario
    graph = structure(s)
    return {
        "time axis (start, end, step)": (s.time.start, s.time.end, s.time.step),
        "services": graph.pop("services"),
        "generations in order of launch": _launch_order(s),
        **graph,
        "parts of the layers": tuple(x.part for x in s.layers.values()),
        "access networks, their lines and generations": tuple(
            (n, n in s.networks and s.networks[n].lines is not None,
             tuple(g for g in _launch_order(s) if s.network_of(g) == n)) for n in s.network_names),
        "networks the layers carry, their equipment basis": tuple(
            (x.networks and tuple(x.networks), x.equipment_per) for x in s.layers.values()),
        "regions and where things are": (s.region, tuple(s.regions), tuple(x.region for x in s.layers.values()),
                                          tuple(x.region for x in s.compute.every.values()),
                                          tuple(x.made_in for x in s.equipment.values())),
        "compute workloads": tuple(s.compute.every),
        "forced traffic (demand.traffic given or not)": s.demand.traffic is not None,
        "policy schedule (types, targets, dates)": tuple(_schedule(q) for q in _by_date(s)),
    }


def schedule_key(scenario: Scenario) -> Hashable:
    """What two scenarios must have in common to share a batch.

    Everything but numbers: the time axis, the names of services, generations
    (in order of launch), layers, devices and equipment, the fleets of the
    dependency graph, whether traffic is forced, and the policy schedule
    (types, targets, ``at`` dates). Group samples by it before batching them.
    """
    return tuple(_structure(scenario).values())


def check_batchable(scenarios: Sequence[Scenario]) -> None:
    """Raise UsageError (a ValueError) naming the first part of the structure in which a scenario differs
    from the first."""
    if not scenarios:
        raise UsageError("found no scenario, expected at least one")
    reference = _structure(scenarios[0])
    for i, scenario in enumerate(scenarios[1:], start=1):
        found = _structure(scenario)
        for name, expected in reference.items():
            if found[name] != expected:
                raise UsageError(f"scenarios[{i}] cannot share a batch with scenarios[0]: its {name} differ: "
                                 f"found {found[name]!r}, expected {expected!r}")


# --- reading ----------------------------------------------------------------------------------


def item_names(first: Scenario) -> dict[str, tuple[str, ...]]:
    """Names of the items of each section of :data:`SECTION_FIELDS`, in the order of the arrays' axes."""
    return {"services": tuple(first.demand.services), "generations": _launch_order(first),
            "layers": tuple(first.layers), "devices": tuple(first.devices),
            "workloads": tuple(first.compute.every), "equipment": tuple(first.equipment)}


#: Numbers of :data:`SECTION_FIELDS` that are coefficients of the dependency graph's edges: read from the
#: graph (:func:`simulator.graph.demand_coefficients`), not from the scenario's items (the draws of an
#: ensemble still locate them by these names).
FROM_GRAPH = {"usage0": "usage", "layer_share": "layer_share", "device_energy0": "annual_energy",
              "compute_jobs0": "jobs"}


def tabled(s: Scenario, layers: tuple[str, ...], devices: tuple[str, ...],
           demand: dict[str, Any] | None = None) -> dict[str, tuple]:
    """The values of each field sampled at every instant (a constant, a table, a logistic), by Params field;
    the services' splits and the devices per user are edges of the graph (``demand``:
    :func:`simulator.graph.demand_coefficients` of ``s``, built when not given)."""
    demand = demand if demand is not None else demand_coefficients(build_graph(s), s)
    return {
        "service_split": demand["split"],
        "network_lines": tuple(s.networks[n].lines if n in s.networks else None for n in s.network_names),
        "network_fixed_cost": tuple(s.networks[n].fixed_cost if n in s.networks else 0.0 for n in s.network_names),
        "layer_fixed_power": tuple(s.layers[k].fixed_power for k in layers),
        "region_grid": tuple(getattr(grid, c) if c != "e_waste" else None
                             for grid in s.regions.values() for c in CATEGORIES),
        "users": (s.demand.users,),
        "forced_traffic": (s.demand.traffic,),
        "layer_pue": tuple(s.layers[k].pue for k in layers),
        "device_per_user": demand["per_user"],
        "compute_pue": tuple(x.pue for x in s.compute.every.values()),
        "grid": tuple(getattr(s.grid, c) if c != "e_waste" else None for c in CATEGORIES),
        "electricity_price": (s.price.electricity,),
        "fixed_cost": (s.price.fixed,),
    }


def _sections(s: Scenario, names: dict[str, tuple[str, ...]]) -> dict[str, list]:
    return {"services": [s.demand.services[k] for k in names["services"]],
            "generations": [s.generations[k] for k in names["generations"]],
            "layers": [s.layers[k] for k in names["layers"]], "devices": [s.devices[k] for k in names["devices"]],
            "workloads": [s.compute.every[k] for k in names["workloads"]],
            "price": [s.price], "equipment": [s.equipment[k] for k in names["equipment"]]}


def _numbers(items: list[list[Any]], fields: dict[str, str]) -> dict[str, np.ndarray]:
    """(N, X) per field: the X items of each of N samples; an optional value not given (None) → inf."""
    get = operator.attrgetter(*fields.values())
    rows = [[get(x) for x in row] for row in items]
    values = np.array(rows, dtype=float).reshape(len(items), len(items[0]), len(fields))  # None → NaN
    values[np.isnan(values)] = math.inf
    return {name: values[..., k] for k, name in enumerate(fields)}


def _policy_values(scenarios: Sequence[Scenario]) -> list[tuple[Any, np.ndarray | None]]:
    """The shared schedule in order of date: (first sample's policy, value of each sample (N,) or None)."""
    dated = [_by_date(s) for s in scenarios]
    out = []
    for k, policy in enumerate(dated[0]):
        name = POLICY_VALUE.get(policy.type)
        out.append((policy, None if name is None else np.array([getattr(q[k], name) for q in dated], dtype=float)))
    return out


def read_samples(scenarios: Sequence[Scenario]) -> Samples:
    """The numbers of every scenario, one sample each; raises ValueError if they do not share their
    structure (:func:`check_batchable`)."""
    check_batchable(scenarios)
    first = scenarios[0]
    names = item_names(first)
    sections = [_sections(s, names) for s in scenarios]
    graphs = [build_graph(s) for s in scenarios]  # every coefficient of an edge is read from these
    demands = [demand_coefficients(g, s) for g, s in zip(graphs, scenarios, strict=True)]
    numbers = {}
    for section, fields in SECTION_FIELDS.items():
        numbers.update(_numbers([x[section] for x in sections],
                                {k: v for k, v in fields.items() if k not in FROM_GRAPH}))
    for name, key in FROM_GRAPH.items():
        numbers[name] = np.array([d[key] for d in demands], dtype=float).reshape(len(scenarios), -1)
    for name in PRICE_FIELDS:
        numbers[name] = numbers[name][:, 0]
    lifetime, shape = numbers.pop("lifetime"), numbers.pop("weibull_shape")
    fixed = np.array([[x.survival == "fixed" for x in row["equipment"]] for row in sections], dtype=bool)
    lay = layout(first)  # every sample's: they share their structure
    impacts = [with_components(lay, g, names["equipment"], *own_impacts(g, names["equipment"])) for g in graphs]
    return Samples(
        first=first, fleets=lay.fleets, numbers=numbers, lifetime=lifetime,
        weibull=np.where(fixed.reshape(lifetime.shape), 0.0, shape),
        rows=[tabled(s, names["layers"], names["devices"], d) for s, d in zip(scenarios, demands, strict=True)],
        coefficient=np.array([fleet_counts(lay, g) for g in graphs], dtype=float).reshape(len(scenarios), -1),
        embodied=np.stack([made for made, _ in impacts]), end_of_life=np.stack([retired for _, retired in impacts]),
        made_kwh=np.stack([with_components(lay, g, names["equipment"], own_electricity(g, names["equipment"])[:, None],
                                           np.zeros((len(names["equipment"]), 1)))[0][:, 0] for g in graphs]),
        policies=_policy_values(scenarios),
        device_services=np.array([d["device_services"] for d in demands], dtype=float).reshape(
            len(scenarios), len(names["devices"]), len(names["services"])),
    )


__all__ = ["Samples", "read_samples", "item_names", "tabled", "schedule_key",
           "check_batchable", "POLICY_VALUE", "SECTION_FIELDS", "SERVICE_FIELDS", "GENERATION_FIELDS", "LAYER_FIELDS",
           "DEVICE_FIELDS", "WORKLOAD_FIELDS", "PRICE_FIELDS", "EQUIPMENT_FIELDS"]

"""Scenarios + variants → parameter arrays with a leading member axis.

A batch holds M members: every variant (the actual run and its counterfactuals)
of one or more *samples* of a scenario, sample-major: member ``i·V + j`` is
variant j of sample i. Every parameter the processes read is an array whose
first axis is the member, so one simpy run advances the whole batch with
vectorised operations. A parameter that every member of the batch shares (a
grid factor table, the embodied impacts of equipment...) keeps a first axis of
length 1, which broadcasts: a single run, or a batch whose samples do not vary
it, reads one copy. Canonical units are in the attribute names' docs.

Samples may differ in any number (elasticities, lifetimes, launch years, table
values, policy values...) but must share their structure — time axis, names,
fleets and the policy *schedule* (types, targets and dates), which fix the
shapes of the arrays and the timed events of the run: :func:`schedule_key`.

Variants:

* ``actual`` — the scenario as given.
* ``engineering`` — same technology path, demand does not react (ε = 0).
* ``frozen`` — the technology of ``time.start`` carries all demand: its
  technology clock is stopped at the start (no launch after it, no switch-off,
  no efficiency or capacity gain, adoption shares held) and the cost of a GB
  stays 1. Deployment of coverage already launched, users, usage growth and
  non-technology policies (lifetimes, traffic caps, grid changes) go on as in
  the actual run, so the difference isolates what technology change did.
"""

from __future__ import annotations

import math
import operator
import threading
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..graph import Compiled, build_graph, compile_graph
from ..scenario.checks import age_span
from ..scenario.schema import CATEGORIES, Logistic, Scenario
from ..scenario.types import evaluate
from .variants import VARIANTS, apply_variants, check_variants

#: The field holding the value of each type of policy (it may differ between members);
#: every other field of a policy (its type, target and date) belongs to the shared schedule.
POLICY_VALUE = {"lifetime": "lifetime", "traffic_scale": "factor", "surcharge": "rate", "grid": "factor"}


@dataclass(frozen=True)
class ScheduledPolicy:
    """A policy of the shared schedule, with its value for every member.

    ``policy`` is the first sample's (its type, target and ``at`` are every
    sample's); ``value`` (M,) or (1,) holds the field named in
    :data:`POLICY_VALUE`, None for a policy without a value (a switch-off).
    """

    policy: Any
    value: np.ndarray | None


@dataclass
class Params:
    """Parameter arrays of a batch; M members, S services, G generations, L layers,
    D devices, F fleets, E equipment types, C impact categories, T+1 instants.

    "M|1": the first axis has length M, or 1 when every member shares the values.
    """

    variants: tuple[str, ...]  # V variants of every sample
    samples: int  # N samples; M = N × V members, sample-major
    start: float
    dt: float
    n_steps: int
    times: np.ndarray  # (T+1,) years
    services: tuple[str, ...]
    generations: tuple[str, ...]  # ordered by launch
    layers: tuple[str, ...]
    devices: tuple[str, ...]
    equipment: tuple[str, ...]
    categories: tuple[str, ...]
    tech_frozen: np.ndarray  # (M,) bool
    cost_frozen: np.ndarray  # (M,) bool
    tech_lag: np.ndarray  # (M,) yr: technology of t − lag (the window variant)
    cost_source: np.ndarray  # (M,) int: the member whose cost of a GB this member's demand responds to
    efficiency_scale: np.ndarray  # (M,) every efficiency path × this after the start (the marginal variant)
    users: np.ndarray  # (M|1, T+1) users
    forced_traffic: np.ndarray | None  # (M|1, T+1) GB/yr, replaces the demand model when given
    usage0: np.ndarray  # (M,S) GB/yr per user
    growth: np.ndarray  # (M,S) 1/yr
    saturation: np.ndarray  # (M,S) GB/yr per user, inf = none
    elasticity: np.ndarray  # (M,S)
    delay: np.ndarray  # (M,S) yr
    energy_weight: np.ndarray  # (M,)
    capital_weight: np.ndarray  # (M,)
    launch: np.ndarray  # (M,G) yr, inf = never
    switch_off: np.ndarray  # (M,G) yr, inf = never
    ei0: np.ndarray  # (M,G) kWh/GB at launch
    gain: np.ndarray  # (M,G) 1/yr
    idle0: np.ndarray  # (M,G) W per site at launch
    idle_gain: np.ndarray  # (M,G) 1/yr
    capacity0: np.ndarray  # (M,G) GB/yr per site at launch, inf = unlimited
    capacity_growth: np.ndarray  # (M,G) 1/yr
    utilisation: np.ndarray  # (M,G)
    coverage: np.ndarray  # (M,G) sites
    buildout: np.ndarray  # (M,G) yr
    adoption_mid: np.ndarray  # (M,G) yr
    adoption_width: np.ndarray  # (M,G) yr
    layer_ei0: np.ndarray  # (M,L) kWh/GB at start
    layer_gain: np.ndarray  # (M,L) 1/yr
    layer_pue: np.ndarray  # (M|1,T+1,L)
    layer_share: np.ndarray  # (M,L)
    layer_capacity_growth: np.ndarray  # (M,L) 1/yr
    device_per_user: np.ndarray  # (M|1,T+1,D) units per user
    device_energy0: np.ndarray  # (M,D) kWh/yr per device
    device_gain: np.ndarray  # (M,D) 1/yr
    fleet_kind: np.ndarray  # (F,) 0 generation, 1 layer, 2 device
    fleet_owner: np.ndarray  # (F,) index in its kind
    fleet_equipment: np.ndarray  # (F,) index in equipment
    fleet_coefficient: np.ndarray  # (M|1,F) units per site / per PB/yr / per device
    fleet_names: tuple[tuple[str, str, str], ...]  # (owner kind, owner, equipment)
    lifetime: np.ndarray  # (M,E) yr
    weibull: np.ndarray  # (M|1,E) shape, 0 = fixed lifetime
    age_steps: np.ndarray  # (M,E) int: ages each member tracks for each equipment type, 0 … age_steps-1 steps
    embodied: np.ndarray  # (M|1,E,C) per unit made
    end_of_life: np.ndarray  # (M|1,E,C) per unit retired
    grid: np.ndarray  # (M|1,T+1,C) per kWh
    capex_per_site: np.ndarray  # (M|1,G) kg CO2e of equipment per site
    policies: list[ScheduledPolicy] = field(default_factory=list)

    @property
    def members(self) -> int:
        return self.samples * len(self.variants)

    @property
    def max_age_steps(self) -> int:
        """Ages tracked by the batch: those of its longest-lived member."""
        return int(self.age_steps.max(initial=1))

    def member_name(self, member: int) -> str:
        """The variant of a member, with its sample when the batch has several ("frozen of sample 3")."""
        variant = self.variants[member % len(self.variants)]
        return variant if self.samples == 1 else f"{variant} of sample {member // len(self.variants)}"


def _oldest_ages(lifetime: np.ndarray, weibull: np.ndarray, policy_lifetimes: list[tuple[int, np.ndarray]],
                 dt: float) -> np.ndarray:
    """Oldest age each sample tracks for each equipment type (N,E), in steps, not rounded (inf when the
    law cannot be computed): its longest life, policies included, times the age span of its law.

    ``lifetime`` and ``weibull`` (N,E); ``policy_lifetimes``: (equipment index, lifetimes (N,)) of the
    lifetime policies.
    """
    longest = lifetime.copy()
    for e, values in policy_lifetimes:
        longest[:, e] = np.maximum(longest[:, e], values)
    span = np.vectorize(age_span, otypes=[float])(weibull) if weibull.size else weibull
    with np.errstate(over="ignore", invalid="ignore"):
        return longest * span / dt


def lifetime_policies(policies: list[tuple[Any, np.ndarray | None]], equipment: tuple[str, ...]
                      ) -> list[tuple[int, np.ndarray]]:
    """(equipment index, lifetimes) of the lifetime policies of a schedule."""
    return [(equipment.index(q.equipment), values) for q, values in policies if q.type == "lifetime"]


def _age_steps(lifetime: np.ndarray, weibull: np.ndarray, policy_lifetimes: list[tuple[int, np.ndarray]],
               dt: float) -> np.ndarray:
    """Ages (in steps) each sample tracks for each equipment type (N,E) (see :func:`_oldest_ages`). Each
    sample's own: a sample never tracks more ages because another shares its batch."""
    return (np.ceil(_oldest_ages(lifetime, weibull, policy_lifetimes, dt) - 1e-9) + 1).astype(int)


# --- what samples must share ------------------------------------------------------------------


def _launch_order(scenario: Scenario) -> tuple[str, ...]:
    return tuple(sorted(scenario.generations, key=lambda n: scenario.generations[n].launch))


def _by_date(scenario: Scenario) -> list:
    return sorted(scenario.policies, key=lambda q: q.at)


def _schedule(policy) -> tuple:
    """A policy without its value: type, target and date (lists made hashable)."""
    value = POLICY_VALUE.get(policy.type)
    return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in policy if k != value)


def _graph_parts(s: Scenario) -> dict[str, Hashable]:
    """The nodes and edges of a scenario's dependency graph, without their numbers."""
    return {
        "services": tuple(s.demand.services),
        "equipment of the generations": tuple((n, tuple(g.equipment)) for n, g in s.generations.items()),
        "layers and their equipment": tuple((n, tuple(x.equipment)) for n, x in s.layers.items()),
        "devices and their equipment": tuple((n, d.equipment) for n, d in s.devices.items()),
        "equipment and its components": tuple((n, tuple(e.components)) for n, e in s.equipment.items()),
    }


def _structure(scenario: Scenario) -> dict[str, Hashable]:
    """What fixes the shapes of a batch and the dates of its events, by name (for error messages)."""
    s = scenario
    graph = _graph_parts(s)
    return {
        "time axis (start, end, step)": (s.time.start, s.time.end, s.time.step),
        "services": graph.pop("services"),
        "generations in order of launch": _launch_order(s),
        **graph,
        "forced traffic (demand.traffic given or not)": s.demand.traffic is not None,
        "policy schedule (types, targets, dates)": tuple(_schedule(q) for q in _by_date(s)),
    }


def schedule_key(scenario: Scenario) -> Hashable:
    """What two scenarios must have in common to run in one batch of :func:`compile_params`.

    Everything but numbers: the time axis, the names of services, generations
    (in order of launch), layers, devices and equipment, the fleets of the
    dependency graph, whether traffic is forced, and the policy schedule
    (types, targets, ``at`` dates). Group samples by it before batching them.
    """
    return tuple(_structure(scenario).values())


def check_batchable(scenarios: Sequence[Scenario]) -> None:
    """Raise ValueError naming the first part of the structure in which a scenario differs from the first."""
    if not scenarios:
        raise ValueError("found no scenario, expected at least one")
    reference = _structure(scenarios[0])
    for i, scenario in enumerate(scenarios[1:], start=1):
        found = _structure(scenario)
        for name, expected in reference.items():
            if found[name] != expected:
                raise ValueError(f"scenarios[{i}] cannot share a batch with scenarios[0]: its {name} differ: "
                                 f"found {found[name]!r}, expected {expected!r}")


# --- compiling --------------------------------------------------------------------------------

#: Compiled graphs by what build_graph and compile_graph read from a scenario (the last 64).
_COMPILED: dict[Hashable, Compiled] = {}
_COMPILED_SIZE = 64
_COMPILED_LOCK = threading.Lock()  # a server may simulate in several threads


#: Checked dependency graphs by structure (names and who holds what, no numbers), the last 64.
_GRAPHS: dict[Hashable, object] = {}


def _graph_structure(s: Scenario) -> Hashable:
    """Key of :data:`_GRAPHS`: samples that differ only in numbers (embodied impacts, counts) share
    one graph, built and checked for cycles once."""
    return tuple(_graph_parts(s).values())


def _graph_inputs(s: Scenario) -> Hashable:
    """Everything of a scenario that its compiled graph depends on, by value.

    Derived samples (``space.derive``) usually change none of it, so they share
    one compiled graph; building it costs ~1 ms, looking it up ~20 µs.
    """
    def eol(item):
        return None if item.end_of_life is None else (item.end_of_life, frozenset(item.end_of_life.model_fields_set))

    return (
        tuple((n, tuple(g.equipment.items())) for n, g in s.generations.items()),
        tuple((n, tuple(x.equipment.items())) for n, x in s.layers.items()),
        tuple((n, d.equipment) for n, d in s.devices.items()),
        tuple((n, tuple(e.components.items()), e.embodied, eol(e), e.mass) for n, e in s.equipment.items()),
    )


def _remember(cache: dict, key: Hashable, value: Any) -> None:
    """Keep ``value`` in ``cache``, forgetting the oldest entry beyond :data:`_COMPILED_SIZE` (a server may
    load many scenarios)."""
    if len(cache) >= _COMPILED_SIZE:
        del cache[next(iter(cache))]
    cache[key] = value


def checked_graph(scenario: Scenario):
    """The dependency graph of ``scenario``, built and checked once per structure (:data:`_GRAPHS`)."""
    structure = _graph_structure(scenario)
    graph = _GRAPHS.get(structure)
    if graph is None:
        graph = build_graph(scenario)
        with _COMPILED_LOCK:
            _remember(_GRAPHS, structure, graph)
    return graph


def compiled_graph(scenario: Scenario) -> Compiled:
    """``compile_graph(build_graph(scenario), scenario)``, cached by :func:`_graph_inputs`."""
    key = _graph_inputs(scenario)
    compiled = _COMPILED.get(key)
    if compiled is None:
        compiled = compile_graph(checked_graph(scenario), scenario)
        with _COMPILED_LOCK:
            _remember(_COMPILED, key, compiled)
    return compiled


def _compiled_graphs(scenarios: Sequence[Scenario]) -> list[Compiled]:
    """:func:`compiled_graph` of each scenario; samples holding the very objects the graph is built
    from (``space.derive`` shares what it does not change) are looked up once per batch."""
    seen: dict[tuple[int, ...], Compiled] = {}
    out = []
    for s in scenarios:
        objects = (id(s.equipment), *(id(g.equipment) for g in s.generations.values()),
                   *(id(x.equipment) for x in s.layers.values()), *(id(d) for d in s.devices.values()))
        compiled = seen.get(objects)
        if compiled is None:
            compiled = seen[objects] = compiled_graph(s)
        out.append(compiled)
    return out


class _Tables:
    """Constants, tables and logistic curves sampled at the instants of a batch, once per distinct value.

    Samples derived from one scenario share most of their tables: equal values
    give the same array object, which is how :meth:`shared` recognises a
    parameter that every member shares without comparing arrays.
    """

    def __init__(self, times: np.ndarray, variants: int):
        self.times, self.variants = times, variants
        self._done: dict[Hashable, np.ndarray] = {}  # by value
        self._same: dict[tuple[int, ...], np.ndarray] = {}  # by identity (the values outlive the batch's compiling)

    def _sampled(self, value) -> np.ndarray:
        if isinstance(value, Logistic):
            return value.ceiling / (1.0 + np.exp(-(self.times - value.midpoint) / value.width))
        if value is None:  # a quantity that does not apply (e-waste has no grid factor)
            return np.zeros(len(self.times))
        return evaluate(value, self.times)

    def row(self, values: tuple) -> np.ndarray:
        """(T+1, X): the X values sampled at every instant."""
        same = tuple(map(id, values))
        array = self._same.get(same)
        if array is None:
            key = tuple((type(v), v) for v in values)
            array = self._done.get(key)
            if array is None:
                array = np.zeros((len(self.times), len(values)))
                for i, value in enumerate(values):
                    array[:, i] = self._sampled(value)
                self._done[key] = array
            self._same[same] = array
        return array

    def shared(self, rows: list[tuple]) -> np.ndarray:
        """(M|1, T+1, X) for the X values of each sample: one copy if every sample has the same values."""
        arrays = [self.row(r) for r in rows]
        if all(a is arrays[0] for a in arrays):
            return arrays[0][None]
        return np.repeat(np.stack(arrays), self.variants, axis=0)


#: Numbers read from each item of a section of the scenario: Params attribute → schema field.
SERVICE_FIELDS = {"usage0": "usage", "growth": "growth", "saturation": "saturation",
                  "elasticity": "elasticity", "delay": "delay"}
GENERATION_FIELDS = {"launch": "launch", "switch_off": "switch_off", "ei0": "energy_intensity",
                     "gain": "efficiency_gain", "idle0": "idle_power", "idle_gain": "idle_power_gain",
                     "capacity0": "capacity_per_site", "capacity_growth": "capacity_growth",
                     "utilisation": "utilisation", "coverage": "coverage_sites", "buildout": "buildout",
                     "adoption_mid": "adoption_midpoint", "adoption_width": "adoption_width"}
LAYER_FIELDS = {"layer_ei0": "energy_intensity", "layer_gain": "efficiency_gain", "layer_share": "traffic_share",
                "layer_capacity_growth": "capacity_growth"}
DEVICE_FIELDS = {"device_energy0": "annual_energy", "device_gain": "efficiency_gain"}
COST_FIELDS = {"energy_weight": "energy_weight", "capital_weight": "capital_weight"}
EQUIPMENT_FIELDS = {"lifetime": "lifetime", "weibull_shape": "weibull_shape"}


def _numbers(items: list[list[Any]], fields: dict[str, str]) -> dict[str, np.ndarray]:
    """(N, X) per field: the X items of each of N samples; an optional value not given (None) → inf."""
    get = operator.attrgetter(*fields.values())
    rows = [[get(x) for x in row] for row in items]
    values = np.array(rows, dtype=float).reshape(len(items), len(items[0]), len(fields))  # None → NaN
    values[np.isnan(values)] = math.inf
    return {name: values[..., k] for k, name in enumerate(fields)}


def _shared(matrix: np.ndarray, v: int) -> np.ndarray:
    """Per-sample values (N, ...) → (1, ...) if every sample has the same, else (N·V, ...) sample-major."""
    return matrix[:1].copy() if np.all(matrix == matrix[:1]) else np.repeat(matrix, v, axis=0)


def _fleet_arrays(fleets: tuple, equipment: tuple[str, ...], coefficient: np.ndarray, embodied: np.ndarray,
                  end_of_life: np.ndarray, generations: tuple[str, ...], layers: tuple[str, ...],
                  devices: tuple[str, ...], v: int) -> dict[str, Any]:
    """Fleets of the graph (shared by every sample) and each sample's numbers: counts (N,F), impacts per
    unit made and discarded (N,E,C)."""
    kinds = {"generation": (0, generations), "layer": (1, layers), "device": (2, devices)}
    eq = np.array([equipment.index(f.equipment) for f in fleets], dtype=int)
    climate = list(CATEGORIES).index("climate_change")
    capex = np.zeros((len(coefficient), len(generations)))  # kg CO2e of the equipment of one site
    for f, fleet in enumerate(fleets):
        if fleet.owner_kind == "generation":
            capex[:, generations.index(fleet.owner)] += coefficient[:, f] * embodied[:, eq[f], climate]
    return dict(
        fleet_kind=np.array([kinds[f.owner_kind][0] for f in fleets], dtype=int),
        fleet_owner=np.array([kinds[f.owner_kind][1].index(f.owner) for f in fleets], dtype=int),
        fleet_equipment=eq, fleet_coefficient=_shared(coefficient, v),
        fleet_names=tuple((f.owner_kind, f.owner, f.equipment) for f in fleets),
        embodied=_shared(embodied, v), end_of_life=_shared(end_of_life, v), capex_per_site=_shared(capex, v),
    )


def _policy_values(scenarios: Sequence[Scenario]) -> list[tuple[Any, np.ndarray | None]]:
    """The shared schedule in order of date: (first sample's policy, value of each sample (N,) or None)."""
    by_date = [_by_date(s) for s in scenarios]
    out = []
    for k, policy in enumerate(by_date[0]):
        name = POLICY_VALUE.get(policy.type)
        out.append((policy, None if name is None else np.array([getattr(q[k], name) for q in by_date], dtype=float)))
    return out


def _tabled(s: Scenario, layers: tuple[str, ...], devices: tuple[str, ...]) -> dict[str, tuple]:
    """The values of each field sampled at every instant (a constant, a table, a logistic)."""
    return {
        "users": (s.demand.users,),
        "forced_traffic": (s.demand.traffic,),
        "layer_pue": tuple(s.layers[k].pue for k in layers),
        "device_per_user": tuple(s.devices[k].per_user for k in devices),
        "grid": tuple(getattr(s.grid, c) if c != "e_waste" else None for c in CATEGORIES),
    }


@dataclass
class _Samples:
    """The numbers of N samples of one structure, as compile_params reads them, before variants."""

    first: Scenario  # names, time axis, schedule and graph structure
    fleets: tuple  # the graph's fleets (graph.Fleet), every sample's
    numbers: dict[str, np.ndarray]  # Params field → (N, X), or (N,) for the cost weights
    lifetime: np.ndarray  # (N,E) yr
    weibull: np.ndarray  # (N,E) shape, 0 = fixed
    rows: list[dict[str, tuple]]  # per sample: field → the values sampled at every instant
    coefficient: np.ndarray  # (N,F) fleet counts
    embodied: np.ndarray  # (N,E,C)
    end_of_life: np.ndarray  # (N,E,C)
    policies: list[tuple[Any, np.ndarray | None]]


def _sections(s: Scenario, names: dict[str, tuple[str, ...]]) -> dict[str, list]:
    return {"services": [s.demand.services[k] for k in names["services"]],
            "generations": [s.generations[k] for k in names["generations"]],
            "layers": [s.layers[k] for k in names["layers"]], "devices": [s.devices[k] for k in names["devices"]],
            "cost": [s.cost], "equipment": [s.equipment[k] for k in names["equipment"]]}


#: Fields of each section read as numbers, by section of :func:`_sections`.
SECTION_FIELDS = {"services": SERVICE_FIELDS, "generations": GENERATION_FIELDS, "layers": LAYER_FIELDS,
                  "devices": DEVICE_FIELDS, "cost": COST_FIELDS, "equipment": EQUIPMENT_FIELDS}


def _names(first: Scenario) -> dict[str, tuple[str, ...]]:
    return {"services": tuple(first.demand.services), "generations": _launch_order(first),
            "layers": tuple(first.layers), "devices": tuple(first.devices), "equipment": tuple(first.equipment)}


def _read(scenarios: Sequence[Scenario]) -> _Samples:
    """Read the numbers of every sample from its scenario."""
    first = scenarios[0]
    names = _names(first)
    sections = [_sections(s, names) for s in scenarios]
    numbers = {}
    for section, fields in SECTION_FIELDS.items():
        numbers.update(_numbers([x[section] for x in sections], fields))
    for name in COST_FIELDS:
        numbers[name] = numbers[name][:, 0]
    lifetime, shape = numbers.pop("lifetime"), numbers.pop("weibull_shape")
    fixed = np.array([[x.survival == "fixed" for x in row["equipment"]] for row in sections], dtype=bool)
    compiled = _compiled_graphs(scenarios)
    coefficient = np.array([[f.coefficient for f in c.fleets] for c in compiled], dtype=float)
    return _Samples(
        first=first, fleets=compiled[0].fleets, numbers=numbers, lifetime=lifetime,
        weibull=np.where(fixed.reshape(lifetime.shape), 0.0, shape),
        rows=[_tabled(s, names["layers"], names["devices"]) for s in scenarios],
        coefficient=coefficient.reshape(len(compiled), -1),
        embodied=np.stack([c.embodied for c in compiled]), end_of_life=np.stack([c.end_of_life for c in compiled]),
        policies=_policy_values(scenarios),
    )


def compile_params(scenarios: Sequence[Scenario], variants: tuple[str, ...] = VARIANTS) -> Params:
    """Parameter arrays for ``variants`` of each of ``scenarios`` (members sample-major).

    Raises ValueError if the scenarios do not share their structure (:func:`schedule_key`).
    """
    check_batchable(scenarios)
    return _assemble(_read(scenarios), variants)


def _assemble(samples: _Samples, variants: tuple[str, ...]) -> Params:
    """Params of the variants of every sample: per-sample numbers repeated per variant, or shared (M|1)."""
    first, n, v = samples.first, len(samples.lifetime), len(variants)
    t = first.time
    times = t.start + t.step * np.arange(first.n_steps + 1)
    tables = _Tables(times, v)
    names = _names(first)
    equipment = names["equipment"]
    policies = samples.policies
    lives = lifetime_policies(policies, equipment)
    check_variants(tuple(variants), names["generations"], names["layers"], names["devices"])
    m = n * v

    def table(field: str) -> np.ndarray:
        return tables.shared([row[field] for row in samples.rows])

    p = Params(
        variants=tuple(variants), samples=n, start=t.start, dt=t.step, n_steps=first.n_steps, times=times,
        services=names["services"], generations=names["generations"], layers=names["layers"],
        devices=names["devices"], equipment=equipment, categories=tuple(CATEGORIES),
        tech_frozen=np.zeros(m, dtype=bool), cost_frozen=np.zeros(m, dtype=bool), tech_lag=np.zeros(m),
        cost_source=np.arange(m), efficiency_scale=np.ones(m),
        users=table("users")[..., 0],
        forced_traffic=None if first.demand.traffic is None else table("forced_traffic")[..., 0],
        **{name: np.repeat(values, v, axis=0) for name, values in samples.numbers.items()},
        layer_pue=table("layer_pue"), device_per_user=table("device_per_user"), grid=table("grid"),
        **_fleet_arrays(samples.fleets, equipment, samples.coefficient, samples.embodied,
                        samples.end_of_life, names["generations"], names["layers"], names["devices"], v),
        lifetime=np.repeat(samples.lifetime, v, axis=0), weibull=_shared(samples.weibull, v),
        age_steps=np.repeat(_age_steps(samples.lifetime, samples.weibull, lives, t.step), v, axis=0),
        policies=[ScheduledPolicy(q, None if values is None else _shared(values, v)) for q, values in policies],
    )
    apply_variants(p, float(first.rebound.window))
    return p

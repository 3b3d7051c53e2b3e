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

Every batch is compiled the same way: the numbers of its samples
(:class:`~.samples.Samples`, read from scenario objects by
:func:`~.samples.read_samples` or written from drawn values by
:func:`~.draws.draw_samples`), then :func:`compile_samples`.

Variants:

* ``actual`` — the scenario as given.
* ``engineering`` — same technology path, demand does not react (ε = 0).
* ``frozen`` — the technology of ``time.start`` carries all demand: its
  technology clock is stopped at the start (no launch after it, no switch-off,
  no efficiency or capacity gain, adoption shares held) and demand sees the
  price of a GB of the start (cost index 1). Deployment of coverage already launched, users, usage growth and
  non-technology policies (lifetimes, traffic caps, grid changes) go on as in
  the actual run, so the difference isolates what technology change did.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..scenario.checks import age_span
from ..scenario.schema import CATEGORIES, Logistic, Scenario
from ..scenario.types import evaluate
from .samples import POLICY_VALUE, Samples, check_batchable, item_names, read_samples, schedule_key
from .variants import VARIANTS, apply_variants, check_variants


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
    D devices, W compute workloads, F fleets, E equipment types, C impact categories, T+1 instants.

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
    layer_parts: tuple[str, ...]  # (L,) the part of the digital sector of each layer (networks, data_centres)
    devices: tuple[str, ...]
    equipment: tuple[str, ...]
    categories: tuple[str, ...]
    tech_frozen: np.ndarray  # (M,) bool
    cost_frozen: np.ndarray  # (M,) bool: demand sees the price of the start (cost index 1)
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
    cost_of_capital: np.ndarray  # (M,) 1/yr, real
    electricity_price: np.ndarray  # (M|1, T+1) EUR/kWh
    fixed_cost: np.ndarray  # (M|1, T+1) EUR/yr
    launch: np.ndarray  # (M,G) yr, inf = never
    switch_off: np.ndarray  # (M,G) yr, inf = never
    reference_year: np.ndarray  # (M,G) yr the next three are given for (technology_year: calendar), inf = launch
    ei0: np.ndarray  # (M,G) kWh/GB at launch (or reference year)
    gain: np.ndarray  # (M,G) 1/yr, negative: a rise
    idle0: np.ndarray  # (M,G) W per site at launch (or reference year)
    idle_gain: np.ndarray  # (M,G) 1/yr, negative: a rise
    capacity0: np.ndarray  # (M,G) GB/yr per site at launch (or reference year), inf = unlimited
    capacity_growth: np.ndarray  # (M,G) 1/yr
    utilisation: np.ndarray  # (M,G)
    coverage: np.ndarray  # (M,G) sites
    buildout: np.ndarray  # (M,G) yr
    adoption_mid: np.ndarray  # (M,G) yr
    adoption_width: np.ndarray  # (M,G) yr
    site_cost: np.ndarray  # (M,G) EUR per site
    site_life: np.ndarray  # (M,G) yr
    site_opex: np.ndarray  # (M,G) EUR/yr per site
    layer_ei0: np.ndarray  # (M,L) kWh/GB at start
    layer_gain: np.ndarray  # (M,L) 1/yr
    layer_pue: np.ndarray  # (M|1,T+1,L)
    layer_share: np.ndarray  # (M,L)
    layer_capacity_growth: np.ndarray  # (M,L) 1/yr
    device_per_user: np.ndarray  # (M|1,T+1,D) units per user
    device_energy0: np.ndarray  # (M,D) kWh/yr per device
    device_gain: np.ndarray  # (M,D) 1/yr
    workloads: tuple[str, ...]  # W compute workloads (data centres)
    compute_jobs0: np.ndarray  # (M,W) jobs/yr at start
    compute_growth: np.ndarray  # (M,W) 1/yr
    compute_saturation: np.ndarray  # (M,W) jobs/yr, inf = none
    compute_elasticity: np.ndarray  # (M,W)
    compute_hours: np.ndarray  # (M,W) h per job
    compute_accelerators: np.ndarray  # (M,W) units per job
    compute_accelerator_power: np.ndarray  # (M,W) W per accelerator at start
    compute_cpu_power: np.ndarray  # (M,W) W per job
    compute_dram_power: np.ndarray  # (M,W) W per job
    compute_gain: np.ndarray  # (M,W) 1/yr, of the accelerator power
    compute_pue: np.ndarray  # (M|1,T+1,W)
    compute_utilisation: np.ndarray  # (M,W) busy share of an accelerator's year
    fleet_kind: np.ndarray  # (F,) 0 generation, 1 layer, 2 device, 3 compute workload
    fleet_owner: np.ndarray  # (F,) index in its kind
    fleet_equipment: np.ndarray  # (F,) index in equipment
    fleet_coefficient: np.ndarray  # (M|1,F) units per site / per PB/yr or kW / per device / per accelerator
    fleet_names: tuple[tuple[str, str, str], ...]  # (owner kind, owner, equipment)
    lifetime: np.ndarray  # (M,E) yr
    weibull: np.ndarray  # (M|1,E) shape, 0 = fixed lifetime
    age_steps: np.ndarray  # (M,E) int: ages each member tracks for each equipment type, 0 … age_steps-1 steps
    embodied: np.ndarray  # (M|1,E,C) per unit made
    end_of_life: np.ndarray  # (M|1,E,C) per unit retired
    grid: np.ndarray  # (M|1,T+1,C) per kWh
    networks: tuple[str, ...] = ("mobile",)  # N access networks
    gen_network: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))  # (G,) network of each
    line_based: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=bool))  # (N,) sites = lines
    network_lines: np.ndarray = field(default_factory=lambda: np.zeros((1, 1, 1)))  # (M|1,T+1,N) lines
    network_fixed_cost: np.ndarray = field(default_factory=lambda: np.zeros((1, 1, 1)))  # (M|1,T+1,N) EUR/yr
    service_split: np.ndarray = field(default_factory=lambda: np.ones((1, 1, 1, 1)))  # (M|1,T+1,S,N) shares
    layer_crosses: np.ndarray = field(default_factory=lambda: np.ones((0, 1)))  # (L,N) 1 where a network's
    # traffic crosses the layer
    layer_fixed_power: np.ndarray = field(default_factory=lambda: np.zeros((1, 1, 0)))  # (M|1,T+1,L) W, IT
    layer_per_kw: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # (L,) equipment per kW
    device_services: np.ndarray = field(default_factory=lambda: np.zeros((1, 0, 0)))  # (M|1,D,S) shares
    regions: tuple[str, ...] = ()  # R regions abroad
    region_grid: np.ndarray = field(default_factory=lambda: np.zeros((1, 1, 0, 0)))  # (M|1,T+1,R,C) per kWh
    layer_region: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))  # (L,) -1 home, else r
    workload_region: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))  # (W,) -1 home
    workload_stores: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # (W,) storage: a
    # "job" is a TB stored for a year
    equipment_imported: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # (E,) made abroad
    made_kwh: np.ndarray = field(default_factory=lambda: np.zeros((1, 0)))  # (M|1,E) kWh to make a unit
    maker_grid: np.ndarray = field(default_factory=lambda: np.zeros((1, 1, 0, 0)))  # (M|1,T+1,E,C) per kWh,
    # the grid of the region each equipment type is made in
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


def tracked_ages(lifetime: np.ndarray, weibull: np.ndarray, dt: float) -> np.ndarray:
    """Ages (in steps) a survival law tracks (float, broadcast shape of ``lifetime`` yr and ``weibull``): n for
    ages 0 … n-1, n = ⌈lifetime × age span of the law (:func:`~simulator.scenario.checks.age_span`) / dt⌉ + 1;
    inf when the law cannot be computed. Its units all retire at age n-1.

    A function of the law alone, so that a fleet's law before a lifetime policy truncates its tail where the
    same law does without the policy."""
    shapes, where = np.unique(weibull, return_inverse=True)
    span = np.array([age_span(float(k)) for k in shapes])[where.reshape(np.shape(weibull))]
    with np.errstate(over="ignore", invalid="ignore"):
        return np.ceil(lifetime * span / dt - 1e-9) + 1


def _lifetime_policies(policies: list[tuple[Any, np.ndarray | None]], equipment: tuple[str, ...]
                       ) -> list[tuple[int, np.ndarray]]:
    """(equipment index, lifetimes) of the lifetime policies of a schedule."""
    return [(equipment.index(q.equipment), values) for q, values in policies
            if q.type == "lifetime" and values is not None]


def _age_steps(lifetime: np.ndarray, weibull: np.ndarray, policy_lifetimes: list[tuple[int, np.ndarray]],
               dt: float) -> np.ndarray:
    """Most ages (in steps) each sample tracks for each equipment type (N,E): those of its longest life,
    policies included (:func:`tracked_ages`); ``lifetime`` and ``weibull`` (N,E), ``policy_lifetimes``:
    (equipment index, lifetimes (N,)) of the lifetime policies. Each sample's own: a sample never tracks more
    ages because another shares its batch."""
    longest = lifetime.copy()
    for e, values in policy_lifetimes:
        longest[:, e] = np.maximum(longest[:, e], values)
    return tracked_ages(longest, weibull, dt).astype(int)


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

    def _sampled(self, value: Any) -> np.ndarray:
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


def _shared(matrix: np.ndarray, v: int) -> np.ndarray:
    """Per-sample values (N, ...) → (1, ...) if every sample has the same, else (N·V, ...) sample-major."""
    return matrix[:1].copy() if np.all(matrix == matrix[:1]) else np.repeat(matrix, v, axis=0)


def _fleet_arrays(fleets: tuple[tuple[str, str, str], ...], equipment: tuple[str, ...], coefficient: np.ndarray,
                  embodied: np.ndarray, end_of_life: np.ndarray, generations: tuple[str, ...],
                  layers: tuple[str, ...], devices: tuple[str, ...], workloads: tuple[str, ...],
                  v: int) -> dict[str, Any]:
    """Fleets of the graph, (owner kind, owner, equipment), shared by every sample, and each sample's
    numbers: counts (N,F), impacts per unit made and discarded (N,E,C)."""
    kinds = {"generation": (0, generations), "layer": (1, layers), "device": (2, devices), "workload": (3, workloads)}
    eq = np.array([equipment.index(item) for _, _, item in fleets], dtype=int)
    return dict(
        fleet_kind=np.array([kinds[kind][0] for kind, _, _ in fleets], dtype=int),
        fleet_owner=np.array([kinds[kind][1].index(owner) for kind, owner, _ in fleets], dtype=int),
        fleet_equipment=eq, fleet_coefficient=_shared(coefficient, v), fleet_names=tuple(fleets),
        embodied=_shared(embodied, v), end_of_life=_shared(end_of_life, v),
    )


def _network_arrays(first: Scenario, names: dict[str, tuple[str, ...]], table: Any, device_services: np.ndarray,
                    v: int) -> dict[str, Any]:
    """Access networks, their lines and the services' shares on them; layers' networks, fixed power and
    equipment basis; devices' services; regions and what is abroad (every sample's structure is the first's)."""
    networks = first.network_names
    split = table("service_split")
    abroad = {r: k for k, r in enumerate(first.regions)}
    located = lambda region: abroad.get(region, -1) if region is not None else -1  # noqa: E731
    grids = table("region_grid")
    return dict(
        networks=networks,
        gen_network=np.array([networks.index(first.network_of(g)) for g in names["generations"]], dtype=int),
        line_based=np.array([n in first.networks and first.networks[n].lines is not None for n in networks]),
        network_lines=table("network_lines"), network_fixed_cost=table("network_fixed_cost"),
        service_split=split.reshape(*split.shape[:2], len(names["services"]), len(networks)),
        layer_crosses=np.array([[float(x.networks is None or n in x.networks) for n in networks]
                                for x in (first.layers[k] for k in names["layers"])]).reshape(-1, len(networks)),
        layer_fixed_power=table("layer_fixed_power"),
        layer_per_kw=np.array([first.layers[k].equipment_per == "kW" for k in names["layers"]], dtype=bool),
        device_services=_shared(device_services, v),
        regions=tuple(first.regions),
        region_grid=grids.reshape(*grids.shape[:2], len(first.regions), len(CATEGORIES)),
        layer_region=np.array([located(first.layers[k].region) for k in names["layers"]], dtype=int),
        workload_region=np.array([located(first.compute.every[k].region) for k in names["workloads"]],
                                 dtype=int),
        workload_stores=np.array([k in first.compute.storage for k in names["workloads"]], dtype=bool),
        equipment_imported=np.array([located(first.equipment[k].made_in) >= 0 for k in names["equipment"]],
                                    dtype=bool),
    )


def compile_params(scenarios: Sequence[Scenario], variants: tuple[str, ...] = VARIANTS) -> Params:
    """Parameter arrays for ``variants`` of each of ``scenarios`` (members sample-major).

    Raises ValueError if the scenarios do not share their structure (:func:`schedule_key`).
    """
    return compile_samples(read_samples(scenarios), variants)


def compile_samples(samples: Samples, variants: tuple[str, ...] = VARIANTS) -> Params:
    """Params of ``variants`` of every sample (members sample-major): per-sample numbers repeated per
    variant, or shared (M|1); then each variant's changes (:func:`~.variants.apply_variants`)."""
    first, n, v = samples.first, len(samples.lifetime), len(variants)
    t = first.time
    times = t.start + t.step * np.arange(first.n_steps + 1)
    tables = _Tables(times, v)
    names = item_names(first)
    equipment = names["equipment"]
    policies = samples.policies
    lives = _lifetime_policies(policies, equipment)
    check_variants(tuple(variants), names["generations"], names["layers"], names["devices"], names["workloads"])
    m = n * v

    def table(field: str) -> np.ndarray:
        return tables.shared([row[field] for row in samples.rows])

    p = Params(
        variants=tuple(variants), samples=n, start=t.start, dt=t.step, n_steps=first.n_steps, times=times,
        services=names["services"], generations=names["generations"], layers=names["layers"],
        layer_parts=tuple(first.layers[k].part for k in names["layers"]), devices=names["devices"],
        workloads=names["workloads"], compute_pue=table("compute_pue"),
        equipment=equipment, categories=tuple(CATEGORIES),
        tech_frozen=np.zeros(m, dtype=bool), cost_frozen=np.zeros(m, dtype=bool), tech_lag=np.zeros(m),
        cost_source=np.arange(m), efficiency_scale=np.ones(m),
        users=table("users")[..., 0],
        forced_traffic=None if first.demand.traffic is None else table("forced_traffic")[..., 0],
        **{name: np.repeat(values, v, axis=0) for name, values in samples.numbers.items()},  # type: ignore[arg-type]
        layer_pue=table("layer_pue"), device_per_user=table("device_per_user"), grid=table("grid"),
        electricity_price=table("electricity_price")[..., 0], fixed_cost=table("fixed_cost")[..., 0],
        **_fleet_arrays(samples.fleets, equipment, samples.coefficient, samples.embodied,
                        samples.end_of_life, names["generations"], names["layers"], names["devices"],
                        names["workloads"], v),
        lifetime=np.repeat(samples.lifetime, v, axis=0), weibull=_shared(samples.weibull, v),
        age_steps=np.repeat(_age_steps(samples.lifetime, samples.weibull, lives, t.step), v, axis=0),
        policies=[ScheduledPolicy(q, None if values is None else _shared(values, v)) for q, values in policies],
        **_network_arrays(first, names, table, samples.device_services, v),
    )
    p.made_kwh = _shared(samples.made_kwh, v)
    if p.made_kwh.any():  # the grid of each maker's region, at every instant
        where = np.array([p.regions.index(first.equipment[k].made_in) if first.equipment[k].made_in in p.regions
                          else -1 for k in equipment])
        home = np.broadcast_to(p.grid[:, :, None, :], (*p.grid.shape[:2], len(equipment), p.grid.shape[2]))
        p.maker_grid = np.where((where < 0)[None, None, :, None], home,
                                p.region_grid[:, :, np.maximum(where, 0), :] if p.regions else home)
    apply_variants(p, float(first.rebound.window))
    return p


#: ``schedule_key`` and ``check_batchable`` (from .samples) are part of this module's interface: the
#: engine groups samples by the first before compiling them.
__all__ = ["Params", "ScheduledPolicy", "compile_params", "compile_samples", "schedule_key", "check_batchable",
           "POLICY_VALUE", "VARIANTS"]

"""Scenario + variants → parameter arrays with a leading member axis.

A batch holds M members (the actual run and its counterfactuals, later Monte
Carlo draws). Every parameter the processes read is an array whose first axis
is the member, so one simpy run advances the whole batch with vectorised
operations. Canonical units are in the attribute names' docs.

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
from dataclasses import dataclass, field

import numpy as np

from ..graph import Compiled
from ..scenario.schema import CATEGORIES, Logistic, Scenario
from ..scenario.types import evaluate

VARIANTS = ("actual", "engineering", "frozen")


def _users(scenario: Scenario, times: np.ndarray) -> np.ndarray:
    u = scenario.demand.users
    if isinstance(u, Logistic):
        return u.ceiling / (1.0 + np.exp(-(times - u.midpoint) / u.width))
    return evaluate(u, times)


@dataclass
class Params:
    """Parameter arrays of a batch; M members, S services, G generations, L layers,
    D devices, F fleets, E equipment types, C impact categories, T+1 instants."""

    variants: tuple[str, ...]
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
    users: np.ndarray  # (T+1,) users
    forced_traffic: np.ndarray | None  # (T+1,) GB/yr, replaces the demand model when given
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
    layer_pue: np.ndarray  # (T+1,L)
    layer_share: np.ndarray  # (M,L)
    layer_capacity_growth: np.ndarray  # (M,L) 1/yr
    device_per_user: np.ndarray  # (T+1,D) units per user
    device_energy0: np.ndarray  # (M,D) kWh/yr per device
    device_gain: np.ndarray  # (M,D) 1/yr
    fleet_kind: np.ndarray  # (F,) 0 generation, 1 layer, 2 device
    fleet_owner: np.ndarray  # (F,) index in its kind
    fleet_equipment: np.ndarray  # (F,) index in equipment
    fleet_coefficient: np.ndarray  # (F,) units per site / per PB/yr / per device
    fleet_names: tuple[tuple[str, str, str], ...]  # (owner kind, owner, equipment)
    lifetime: np.ndarray  # (M,E) yr
    weibull: np.ndarray  # (E,) shape, 0 = fixed lifetime
    max_age_steps: int
    embodied: np.ndarray  # (E,C) per unit made
    end_of_life: np.ndarray  # (E,C) per unit retired
    grid: np.ndarray  # (T+1,C) per kWh
    capex_per_site: np.ndarray  # (G,) kg CO2e of equipment per site
    policies: list = field(default_factory=list)

    @property
    def members(self) -> int:
        return len(self.variants)


def _per_member(values: list[float], m: int) -> np.ndarray:
    return np.tile(np.asarray(values, dtype=float), (m, 1))


#: Share of a Weibull cohort still in service at the oldest age tracked (the rest retire then).
WEIBULL_TAIL = 1e-4


def _age_limit(item) -> float:
    """Oldest age tracked, in mean lifetimes: 1 for a fixed life; the 1 - WEIBULL_TAIL quantile."""
    if item.survival == "fixed":
        return 1.0
    k = item.weibull_shape
    return math.log(1.0 / WEIBULL_TAIL) ** (1.0 / k) / math.gamma(1.0 + 1.0 / k)


def _max_age_steps(scenario: Scenario, dt: float) -> int:
    longest = 0.0
    for name, item in scenario.equipment.items():
        lifetimes = [item.lifetime] + [
            p.lifetime for p in scenario.policies if p.type == "lifetime" and p.equipment == name
        ]
        longest = max(longest, max(lifetimes) * _age_limit(item))
    return int(np.ceil(longest / dt - 1e-9)) + 1


def compile_params(scenario: Scenario, compiled: Compiled, variants: tuple[str, ...] = VARIANTS) -> Params:
    """Parameter arrays for ``variants`` of ``scenario`` (one member per variant)."""
    unknown = set(variants) - set(VARIANTS)
    if unknown:
        raise ValueError(f"unknown variants {sorted(unknown)}, expected some of {VARIANTS}")
    m = len(variants)
    t = scenario.time
    times = t.start + t.step * np.arange(scenario.n_steps + 1)
    services = scenario.demand.services
    gens = dict(sorted(scenario.generations.items(), key=lambda kv: kv[1].launch))
    layers, devices, equipment = scenario.layers, scenario.devices, scenario.equipment
    g_attr = lambda a: _per_member([getattr(g, a) for g in gens.values()], m)  # noqa: E731
    s_attr = lambda a: _per_member([getattr(s, a) for s in services.values()], m)  # noqa: E731
    l_attr = lambda a: _per_member([getattr(x, a) for x in layers.values()], m)  # noqa: E731
    d_attr = lambda a: _per_member([getattr(x, a) for x in devices.values()], m)  # noqa: E731
    inf = np.inf
    layer_index = {n: i for i, n in enumerate(layers)}
    gen_index = {n: i for i, n in enumerate(gens)}
    device_index = {n: i for i, n in enumerate(devices)}
    eq_index = {n: i for i, n in enumerate(compiled.equipment)}
    kinds = {"generation": (0, gen_index), "layer": (1, layer_index), "device": (2, device_index)}
    fleets = compiled.fleets
    climate = list(CATEGORIES).index("climate_change")
    capex = np.zeros(len(gens))
    for f in fleets:
        if f.owner_kind == "generation":
            capex[gen_index[f.owner]] += f.coefficient * compiled.embodied[eq_index[f.equipment], climate]
    p = Params(
        variants=tuple(variants), start=t.start, dt=t.step, n_steps=scenario.n_steps, times=times,
        services=tuple(services), generations=tuple(gens), layers=tuple(layers),
        devices=tuple(devices), equipment=compiled.equipment, categories=tuple(CATEGORIES),
        tech_frozen=np.array([v == "frozen" for v in variants]),
        cost_frozen=np.array([v == "frozen" for v in variants]),
        users=_users(scenario, times),
        forced_traffic=None if scenario.demand.traffic is None else evaluate(scenario.demand.traffic, times),
        usage0=s_attr("usage"), growth=s_attr("growth"),
        saturation=_per_member([s.saturation or inf for s in services.values()], m),
        elasticity=s_attr("elasticity"), delay=s_attr("delay"),
        energy_weight=np.full(m, scenario.cost.energy_weight),
        capital_weight=np.full(m, scenario.cost.capital_weight),
        launch=g_attr("launch"),
        switch_off=_per_member([g.switch_off if g.switch_off is not None else inf for g in gens.values()], m),
        ei0=g_attr("energy_intensity"), gain=g_attr("efficiency_gain"),
        idle0=g_attr("idle_power"), idle_gain=g_attr("idle_power_gain"),
        capacity0=_per_member([g.capacity_per_site or inf for g in gens.values()], m),
        capacity_growth=g_attr("capacity_growth"), utilisation=g_attr("utilisation"),
        coverage=g_attr("coverage_sites"), buildout=g_attr("buildout"),
        adoption_mid=g_attr("adoption_midpoint"), adoption_width=g_attr("adoption_width"),
        layer_ei0=l_attr("energy_intensity"), layer_gain=l_attr("efficiency_gain"),
        layer_pue=np.stack([evaluate(x.pue, times) for x in layers.values()], axis=1)
        if layers else np.zeros((len(times), 0)),
        layer_share=l_attr("traffic_share"), layer_capacity_growth=l_attr("capacity_growth"),
        device_per_user=np.stack([evaluate(x.per_user, times) for x in devices.values()], axis=1)
        if devices else np.zeros((len(times), 0)),
        device_energy0=d_attr("annual_energy"),
        device_gain=d_attr("efficiency_gain"),
        fleet_kind=np.array([kinds[f.owner_kind][0] for f in fleets], dtype=int),
        fleet_owner=np.array([kinds[f.owner_kind][1][f.owner] for f in fleets], dtype=int),
        fleet_equipment=np.array([eq_index[f.equipment] for f in fleets], dtype=int),
        fleet_coefficient=np.array([f.coefficient for f in fleets], dtype=float),
        fleet_names=tuple((f.owner_kind, f.owner, f.equipment) for f in fleets),
        lifetime=_per_member([e.lifetime for e in equipment.values()], m),
        weibull=np.array([0.0 if e.survival == "fixed" else e.weibull_shape for e in equipment.values()]),
        max_age_steps=_max_age_steps(scenario, t.step),
        embodied=compiled.embodied, end_of_life=compiled.end_of_life,
        grid=np.stack(
            [evaluate(getattr(scenario.grid, c), times) if c != "e_waste" else np.zeros(len(times))
             for c in CATEGORIES], axis=1),
        capex_per_site=capex,
        policies=sorted(scenario.policies, key=lambda q: q.at),
    )
    frozen = p.tech_frozen
    if frozen.any():
        late = frozen[:, None] & (p.launch > t.start)
        p.launch[late] = inf
        p.switch_off[frozen[:, None] & (p.switch_off > t.start)] = inf
    p.elasticity[np.array([v == "engineering" for v in variants])] = 0.0
    return p

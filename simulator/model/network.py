"""Network processes: technology, one process per generation, layers and devices.

``technology`` sets, every step, what the equipment of the time can do: which
generations are on, the traffic share each carries, energy per GB, idle power
and capacity per site. Frozen members read technology at ``time.start``. A
generation's gains run from its launch, or from its ``reference_year`` when its
technology is given by calendar year; a negative gain is a rise.

``generation_rollout`` is the life of one generation: it waits for its launch,
builds coverage along an S-curve, adds sites when traffic exceeds usable
capacity, never removes a site before switch-off (the stacking ratchet) and
drops all of them at switch-off.

Yearly gains and growths compound as ``exp(years × log(yearly factor))``, the
logs taken once. Curves of time alone (adoption and coverage S-curves, gains of
layers and devices) are computed for every step at once; those that depend on
which generations are on take one exponential per step for all of them.

``p`` is the batch's :class:`~simulator.model.params.Params` and ``s`` its
:class:`~simulator.model.state.State`, as everywhere in the model; ``g`` is the
index of a generation. Shapes: M members, G generations, L layers, D devices,
B steps of a block, T+1 instants of the run, U members of distinct technology.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import simpy
from simpy.events import ProcessGenerator

from .clock import Clock
from .params import Params
from .state import GB_PER_PB, KWH_PER_WATT_YEAR, State, logistic

#: ln(19): a logistic centred at buildout/2 with scale buildout/(2 ln 19) is at 95 % at buildout.
_LN19 = float(np.log(19.0))


def traffic_shares(adoption: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Share of traffic each generation carries (..., G); shares sum to 1 where any is on.

    Newer generations take the growth: going from the newest to the oldest
    generation that is on, each takes its adoption fraction (``adoption``, an
    S-curve of the years since its launch) of what newer ones left; the oldest
    takes the rest.
    """
    oldest = on & (np.cumsum(on, axis=-1) == 1)
    taken = np.where(oldest, 1.0, np.where(on, adoption, 0.0))
    share = np.empty_like(taken)
    left = np.ones(taken.shape[:-1])
    for g in reversed(range(taken.shape[-1])):
        part = taken[..., g] * left
        share[..., g] = part
        left = left - part
    return share


def technology_years(p: Params, times: np.ndarray) -> np.ndarray:
    """The year whose technology each member uses at each of ``times`` (B,M): the time itself, ``tech_lag``
    years earlier but not before the start (the window variant), or the start (frozen members)."""
    return np.where(p.tech_frozen, p.start, np.maximum(p.start, times[:, None] - p.tech_lag))


def technology_origin(p: Params) -> np.ndarray:
    """The year each generation's gains run from (M,G): its ``reference_year`` where its technology is
    given by calendar year, else its launch (the equipment of a launch, whenever that is)."""
    return np.where(np.isfinite(p.reference_year), p.reference_year, p.launch)


def network_shares(p: Params, adoption: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Share of its network's traffic each generation carries (..., G): :func:`traffic_shares` within each
    access network (generations of different networks do not compete)."""
    if len(p.networks) == 1:
        return traffic_shares(adoption, active)
    share = np.zeros(np.broadcast_shapes(adoption.shape, active.shape))
    for n in range(len(p.networks)):
        columns = np.flatnonzero(p.gen_network == n)
        share[..., columns] = traffic_shares(adoption[..., columns], active[..., columns])
    return share


def per_network(p: Params, per_generation: np.ndarray) -> np.ndarray:
    """Σ over each network's generations (..., G) → (..., N)."""
    if len(p.networks) == 1:
        return per_generation.sum(axis=-1)[..., None]
    return np.stack([per_generation[..., p.gen_network == n].sum(axis=-1) for n in range(len(p.networks))], axis=-1)


def dynamic_energy_per_gb(p: Params, tech: dict[str, np.ndarray]) -> np.ndarray:
    """Traffic-proportional energy per GB of each network's technology in use (..., M, N) in kWh/GB: its
    generations' dynamic energy (traffic-weighted) and that of the layers its GBs cross; idle power and
    fixed power excluded."""
    radio = per_network(p, tech["share"] * np.where(tech["active"], tech["gen_intensity"], 0.0))
    layers = (tech["layer_intensity"] * p.layer_share)[..., None] * p.layer_crosses  # (..., M, L, N)
    return radio + layers.sum(axis=-2)


#: Steps of technology computed at once (fewer numpy calls per step, bounded memory for big batches).
BLOCK = 64


def technology_block(p: Params, switch_off: np.ndarray, steps: slice) -> dict[str, np.ndarray]:
    """What the technology can do at each step of ``steps``: arrays (B, M, ...), B steps.

    Technology depends on time and on the switch-off dates alone, never on
    traffic, so a block of steps is computed at once and read a row per step.
    """
    tech_year = technology_years(p, p.times[steps])  # (B,M)
    tech = tech_year[:, :, None]
    active = (p.launch <= tech) & (tech < switch_off)  # (B,M,G)
    adoption = logistic((tech - p.launch - p.adoption_mid) / p.adoption_width)
    since_origin = np.where(active, tech - technology_origin(p), 0.0)
    rates = np.stack([np.log1p(-p.gain), np.log1p(-p.idle_gain), np.log1p(p.capacity_growth)])
    intensity, idle, capacity = np.exp(rates[:, None] * since_origin)
    since_start = np.exp(  # (B,M,2L+D): energy of layers, their units per PB/yr, energy of devices
        np.concatenate([np.log1p(-p.layer_gain), -np.log1p(p.layer_capacity_growth), np.log1p(-p.device_gain)],
                       axis=1) * (tech_year - p.start)[:, :, None])
    n_layers = len(p.layers)
    scale = p.efficiency_scale[:, None]
    out = {
        "tech_year": tech_year, "active": active, "share": network_shares(p, adoption, active),
        "gen_intensity": p.ei0 * intensity / scale, "idle_power": p.idle0 * idle / scale,
        "gen_capacity": p.capacity0 * capacity * p.utilisation,
        "layer_intensity": (p.layer_ei0 * since_start[..., :n_layers] * np.moveaxis(p.layer_pue[:, steps], 1, 0)
                            / scale),
        "layer_units_per_pb": since_start[..., n_layers:2 * n_layers],
        "device_unit_energy": p.device_energy0 * since_start[..., 2 * n_layers:] / scale,
    }
    out["dynamic_energy"] = dynamic_energy_per_gb(p, out)
    return out


#: Fields of :func:`technology_block` copied into the state each step.
TECHNOLOGY_FIELDS = ("tech_year", "active", "share", "gen_intensity", "idle_power", "gen_capacity",
                     "layer_intensity", "layer_units_per_pb", "device_unit_energy", "dynamic_energy")


#: Params fields :func:`technology_block` reads per member (with the switch-off dates of the state).
TECHNOLOGY_INPUTS = ("tech_frozen", "tech_lag", "efficiency_scale", "launch", "reference_year", "adoption_mid",
                     "adoption_width", "gain", "idle_gain",
                     "capacity_growth", "ei0", "idle0", "capacity0", "utilisation", "layer_gain",
                     "layer_capacity_growth", "device_gain", "layer_ei0", "layer_pue", "device_energy0",
                     "layer_share")


def distinct_technologies(p: Params, switch_off: np.ndarray) -> tuple[Params, np.ndarray, np.ndarray]:
    """The members of a batch with distinct technology (U of them): their parameters, which member each is
    (U,) and which of them each member has (M,).

    The actual run and its engineering counterfactual differ in elasticity
    only, so they share their technology: it is computed once for both.
    """
    per_member = [np.asarray(getattr(p, name)) for name in TECHNOLOGY_INPUTS]
    per_member = [a.reshape(p.members, -1) for a in per_member if len(a) == p.members] + [switch_off]
    rows, first, index = np.unique(np.hstack(per_member).astype(float), axis=0, return_index=True,
                                   return_inverse=True)
    if len(rows) == p.members:
        return p, np.arange(p.members), np.arange(p.members)
    subset = {name: getattr(p, name)[first] for name in TECHNOLOGY_INPUTS if len(getattr(p, name)) == p.members}
    return replace(p, **subset), first, index.reshape(-1)


def technology(env: simpy.Environment, clock: Clock, p: Params, s: State) -> ProcessGenerator:
    """What the technology of each member's time can do, every step.

    Computed a block of :data:`BLOCK` steps ahead (it depends on time and on
    switch-off dates only), once per distinct technology of the batch; a
    switch-off policy makes it recompute from the step it takes effect.
    """
    block, first, version = None, 0, -1
    while True:
        yield clock.tick("technology")
        s.step, s.year = clock.step, clock.year
        k = s.step - first
        if block is None or k >= BLOCK or version != s.switch_off_version:
            if version != s.switch_off_version:
                distinct, members, index = distinct_technologies(p, s.switch_off)
            first, k, version = s.step, 0, s.switch_off_version
            block = technology_block(distinct, s.switch_off[members], slice(first, first + BLOCK))
            block = {name: block[name][:, index] for name in TECHNOLOGY_FIELDS}
        for name in TECHNOLOGY_FIELDS:
            setattr(s, name, block[name][k])


def generation_rollout(env: simpy.Environment, clock: Clock, p: Params, s: State, g: int) -> ProcessGenerator:
    """Sites and energy of generation ``g``, from its launch to its switch-off."""
    launch = p.launch[:, g]
    first_launch = float(np.min(launch))
    if not np.isfinite(first_launch):
        return
    yield clock.at(first_launch)
    half, scale = p.buildout[:, g] / 2.0, p.buildout[:, g] / (2.0 * _LN19)
    years = np.maximum(p.start, p.times[:, None] - p.tech_lag)  # the window variant builds out Δ years late
    coverage = p.coverage[:, g] * logistic((years - launch - half) / scale)  # (T+1,M) sites
    last, version = math.inf, -1
    network = int(p.gen_network[g])
    lines = p.network_lines[..., network] if p.line_based[network] else None  # (M|1,T+1) lines
    while True:
        yield clock.tick("network")
        traffic = s.share[:, g] * s.network_traffic[:, network]  # 0 when off: a generation off has no share
        needed = np.maximum(coverage[s.step], traffic / s.gen_capacity[:, g])  # / unlimited capacity = 0
        if lines is None:  # sites are never removed before switch-off (the stacking ratchet)
            sites = np.where(s.active[:, g], np.maximum(s.sites[:, g], needed), 0.0)
        else:  # a line follows its subscriber from one generation to the next
            sites = np.where(s.active[:, g], np.maximum(needed, s.share[:, g] * lines[:, s.step]), 0.0)
        idle = sites * s.idle_power[:, g] * KWH_PER_WATT_YEAR
        s.sites[:, g], s.gen_traffic[:, g], s.gen_idle_energy[:, g] = sites, traffic, idle
        s.gen_energy[:, g] = idle + traffic * s.gen_intensity[:, g]
        if version != s.switch_off_version:  # a policy may have brought switch-off forward
            last, version = s.switch_off[:, g].max(), s.switch_off_version
        if s.year >= last:  # off for every member, for good
            return


def layer_traffic(env: simpy.Environment, clock: Clock, p: Params, s: State) -> ProcessGenerator:
    """Traffic and energy of the core/transport and data-centre layers: the traffic of the networks that
    cross each, and its fixed power (PUE applied)."""
    fixed = p.layer_fixed_power * p.layer_pue * KWH_PER_WATT_YEAR  # (M|1,T+1,L) kWh/yr
    while True:
        yield clock.tick("network")
        s.layer_traffic = p.layer_share * (s.network_traffic[:, None, :] * p.layer_crosses).sum(axis=-1)
        s.layer_energy = s.layer_traffic * s.layer_intensity + fixed[:, s.step]
        s.fixed_energy = fixed[:, s.step].sum(axis=-1) * np.ones(p.members)


def device_use(env: simpy.Environment, clock: Clock, p: Params, s: State) -> ProcessGenerator:
    """End-user devices in use and their electricity: users × devices per user, scaled by the use of the
    services a device serves (``Device.services``: 1 − Σw + Σ w × r, r a service's traffic over its usage
    before policies and rebound)."""
    every_member = np.ones((p.members, 1))  # devices per user may be shared by all members: (1,D) → (M,D)
    weights = p.device_services  # (M|1,D,S)
    linked = bool(weights.any())
    unlinked = 1.0 - weights.sum(axis=-1)  # (M|1,D) the share of use that follows no service
    while True:
        yield clock.tick("network")
        s.device_count = p.users[:, s.step, None] * p.device_per_user[:, s.step] * every_member
        if linked:
            s.device_count = s.device_count * (unlinked + (weights * s.usage_ratio[:, None, :]).sum(axis=-1))
        s.device_energy = s.device_count * s.device_unit_energy


def layer_equipment_driver(p: Params, s: State) -> np.ndarray:
    """What each layer's equipment counts are per (M,L): PB/yr of traffic, scaled by the equipment one
    PB/yr needs now; or, for a layer counted per kW, its average IT power in kW (energy without PUE)."""
    by_traffic = s.layer_traffic / GB_PER_PB * s.layer_units_per_pb
    if not p.layer_per_kw.any():
        return by_traffic
    it_kw = s.layer_energy / p.layer_pue[:, s.step] / (KWH_PER_WATT_YEAR * 1000.0)
    return np.where(p.layer_per_kw, it_kw, by_traffic)

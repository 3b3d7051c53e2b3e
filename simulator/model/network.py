"""Network processes: technology, one process per generation, layers and devices.

``technology`` sets, every step, what the equipment of the time can do: which
generations are on, the traffic share each carries, energy per GB, idle power
and capacity per site. Frozen members read technology at ``time.start``.

``generation_rollout`` is the life of one generation: it waits for its launch,
builds coverage along an S-curve, adds sites when traffic exceeds usable
capacity, never removes a site before switch-off (the stacking ratchet) and
drops all of them at switch-off.

Yearly gains and growths compound as ``exp(years × log(yearly factor))``, the
logs taken once. Curves of time alone (adoption and coverage S-curves, gains of
layers and devices) are computed for every step at once; those that depend on
which generations are on take one exponential per step for all of them.
"""

from __future__ import annotations

import numpy as np

from .clock import Clock
from .params import Params
from .state import GB_PER_PB, KWH_PER_WATT_YEAR, State, logistic

#: ln(19): a logistic centred at buildout/2 with scale buildout/(2 ln 19) is at 95 % at buildout.
_LN19 = float(np.log(19.0))


def traffic_shares(adoption: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Share of traffic each generation carries (M,G); rows sum to 1 where any is on.

    Newer generations take the growth: going from the newest to the oldest
    generation that is on, each takes its adoption fraction (``adoption``, an
    S-curve of the years since its launch) of what newer ones left; the oldest
    takes the rest.
    """
    oldest = on & (np.cumsum(on, axis=1) == 1)
    taken = np.where(oldest, 1.0, np.where(on, adoption, 0.0))
    share = np.empty_like(taken)
    left = np.ones(len(taken))
    for g in reversed(range(taken.shape[1])):
        part = taken[:, g] * left
        share[:, g] = part
        left = left - part
    return share


def technology(env, clock: Clock, p: Params, s: State):
    """What the technology of each member's time can do, every step.

    What depends on time alone — the year whose technology each member uses,
    adoption S-curves, gains of layers and devices — is computed once for
    every step; what depends on which generations are on, each step.
    """
    tech_years = np.where(p.tech_frozen, p.start, p.times[:, None])  # (T+1,M)
    adoption = logistic((tech_years[:, :, None] - p.launch - p.adoption_mid) / p.adoption_width)  # (T+1,M,G)
    since_start = np.exp(  # (T+1,M,2L+D): energy of layers, their units per PB/yr, energy of devices
        np.concatenate([np.log1p(-p.layer_gain), -np.log1p(p.layer_capacity_growth), np.log1p(-p.device_gain)],
                       axis=1) * (tech_years - p.start)[:, :, None])
    since_launch_rates = np.stack([np.log1p(-p.gain), np.log1p(-p.idle_gain), np.log1p(p.capacity_growth)])
    n_layers = len(p.layers)
    while True:
        yield clock.tick("technology")
        s.step, s.year = clock.step, clock.year
        s.tech_year = tech_years[s.step]
        tech = s.tech_year[:, None]
        s.active = (p.launch <= tech) & (s.year < s.switch_off)
        s.share = traffic_shares(adoption[s.step], s.active)
        intensity, idle, capacity = np.exp(since_launch_rates * np.where(s.active, tech - p.launch, 0.0))
        s.gen_intensity = p.ei0 * intensity
        s.idle_power = p.idle0 * idle
        s.gen_capacity = p.capacity0 * capacity * p.utilisation
        now = since_start[s.step]
        s.layer_intensity = p.layer_ei0 * now[:, :n_layers] * p.layer_pue[:, s.step]
        s.layer_units_per_pb = now[:, n_layers:2 * n_layers]
        s.device_unit_energy = p.device_energy0 * now[:, 2 * n_layers:]


def generation_rollout(env, clock: Clock, p: Params, s: State, g: int):
    """Sites and energy of generation ``g``, from its launch to its switch-off."""
    launch = p.launch[:, g]
    first_launch = float(np.min(launch))
    if not np.isfinite(first_launch):
        return
    yield clock.at(first_launch)
    half, scale = p.buildout[:, g] / 2.0, p.buildout[:, g] / (2.0 * _LN19)
    coverage = p.coverage[:, g] * logistic((p.times[:, None] - launch - half) / scale)  # (T+1,M) sites
    while True:
        yield clock.tick("network")
        on = s.active[:, g]
        traffic = s.share[:, g] * s.total_traffic  # 0 when off: a generation that is off has no share
        needed = np.maximum(coverage[s.step], traffic / s.gen_capacity[:, g])  # / unlimited capacity = 0
        sites = np.where(on, np.maximum(s.sites[:, g], needed), 0.0)
        idle = sites * s.idle_power[:, g] * KWH_PER_WATT_YEAR
        s.sites[:, g], s.gen_traffic[:, g], s.gen_idle_energy[:, g] = sites, traffic, idle
        s.gen_energy[:, g] = idle + traffic * s.gen_intensity[:, g]
        if s.year >= s.switch_off[:, g].max():  # off for every member, for good
            return


def layer_traffic(env, clock: Clock, p: Params, s: State):
    """Traffic and energy of the core/transport and data-centre layers."""
    while True:
        yield clock.tick("network")
        s.layer_traffic = p.layer_share * s.total_traffic[:, None]
        s.layer_energy = s.layer_traffic * s.layer_intensity


def device_use(env, clock: Clock, p: Params, s: State):
    """End-user devices in use and their electricity."""
    every_member = np.ones((p.members, 1))  # devices per user may be shared by all members: (1,D) → (M,D)
    while True:
        yield clock.tick("network")
        s.device_count = p.users[:, s.step, None] * p.device_per_user[:, s.step] * every_member
        s.device_energy = s.device_count * s.device_unit_energy


def layer_equipment_driver(s: State) -> np.ndarray:
    """PB/yr of traffic per layer, scaled by the equipment one PB/yr needs now (M,L)."""
    return s.layer_traffic / GB_PER_PB * s.layer_units_per_pb

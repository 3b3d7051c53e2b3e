"""Network processes: technology, one process per generation, layers and devices.

``technology`` sets, every step, what the equipment of the time can do: which
generations are on, the traffic share each carries, energy per GB, idle power
and capacity per site. Frozen members read technology at ``time.start``.

``generation_rollout`` is the life of one generation: it waits for its launch,
builds coverage along an S-curve, adds sites when traffic exceeds usable
capacity, never removes a site before switch-off (the stacking ratchet) and
drops all of them at switch-off.
"""

from __future__ import annotations

import numpy as np

from .clock import Clock
from .params import Params
from .state import GB_PER_PB, KWH_PER_WATT_YEAR, State, decay, grow, logistic

#: ln(19): a logistic centred at buildout/2 with scale buildout/(2 ln 19) is at 95 % at buildout.
_LN19 = float(np.log(19.0))


def traffic_shares(p: Params, tech_year: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Share of traffic each generation carries (M,G); rows sum to 1 where any is on.

    Newer generations take the growth: going from the newest to the oldest
    generation that is on, each takes its adoption fraction (an S-curve of the
    years since its launch) of what newer ones left; the oldest takes the rest.
    """
    years_on = tech_year[:, None] - p.launch
    with np.errstate(invalid="ignore"):
        adoption = np.where(on, logistic((years_on - p.adoption_mid) / p.adoption_width), 0.0)
    share = np.zeros_like(adoption)
    left = np.ones(len(tech_year))
    for g in reversed(range(adoption.shape[1])):
        share[:, g] = adoption[:, g] * left
        left = left - share[:, g]
    oldest = np.argmax(on, axis=1)
    rows = np.arange(len(tech_year))
    share[rows, oldest] += np.where(on.any(axis=1), left, 0.0)
    return share


def technology(env, clock: Clock, p: Params, s: State):
    """What the technology of each member's time can do, every step."""
    while True:
        yield clock.tick("technology")
        s.step, s.year = clock.step, clock.year
        s.tech_year = np.where(p.tech_frozen, p.start, s.year)
        tech = s.tech_year[:, None]
        s.active = (p.launch <= tech) & (s.year < s.switch_off)
        s.share = traffic_shares(p, s.tech_year, s.active)
        since_launch = np.where(s.active, tech - p.launch, 0.0)
        s.gen_intensity = p.ei0 * decay(p.gain, since_launch)
        s.idle_power = p.idle0 * decay(p.idle_gain, since_launch)
        s.gen_capacity = p.capacity0 * grow(p.capacity_growth, since_launch) * p.utilisation
        since_start = tech - p.start
        s.layer_intensity = p.layer_ei0 * decay(p.layer_gain, since_start) * p.layer_pue[s.step]
        s.layer_units_per_pb = 1.0 / grow(p.layer_capacity_growth, since_start)
        s.device_unit_energy = p.device_energy0 * decay(p.device_gain, since_start)


def generation_rollout(env, clock: Clock, p: Params, s: State, g: int):
    """Sites and energy of generation ``g``, from its launch to its switch-off."""
    first_launch = float(np.min(p.launch[:, g]))
    if not np.isfinite(first_launch):
        return
    yield clock.at(first_launch)
    half, scale = p.buildout[:, g] / 2.0, p.buildout[:, g] / (2.0 * _LN19)
    while True:
        yield clock.tick("network")
        on = s.active[:, g]
        traffic = s.share[:, g] * s.total_traffic
        coverage = p.coverage[:, g] * logistic((s.year - p.launch[:, g] - half) / scale)
        with np.errstate(invalid="ignore", divide="ignore"):
            for_capacity = np.where(np.isinf(s.gen_capacity[:, g]), 0.0, traffic / s.gen_capacity[:, g])
        needed = np.maximum(coverage, for_capacity)
        s.sites[:, g] = np.where(on, np.maximum(s.sites[:, g], needed), 0.0)
        s.gen_traffic[:, g] = np.where(on, traffic, 0.0)
        s.gen_idle_energy[:, g] = s.sites[:, g] * s.idle_power[:, g] * KWH_PER_WATT_YEAR
        s.gen_energy[:, g] = s.gen_idle_energy[:, g] + s.gen_traffic[:, g] * s.gen_intensity[:, g]
        if np.all(s.year >= s.switch_off[:, g]):
            return


def layer_traffic(env, clock: Clock, p: Params, s: State):
    """Traffic and energy of the core/transport and data-centre layers."""
    while True:
        yield clock.tick("network")
        s.layer_traffic = p.layer_share * s.total_traffic[:, None]
        s.layer_energy = s.layer_traffic * s.layer_intensity


def device_use(env, clock: Clock, p: Params, s: State):
    """End-user devices in use and their electricity."""
    while True:
        yield clock.tick("network")
        s.device_count = np.broadcast_to(p.users[s.step] * p.device_per_user[s.step], s.device_count.shape).copy()
        s.device_energy = s.device_count * s.device_unit_energy


def layer_equipment_driver(s: State) -> np.ndarray:
    """PB/yr of traffic per layer, scaled by the equipment one PB/yr needs now (M,L)."""
    return s.layer_traffic / GB_PER_PB * s.layer_units_per_pb

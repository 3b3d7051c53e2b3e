"""Equipment fleets: cohorts installed, aged, retired and replaced while still needed.

Every (owner, equipment) pair of the dependency graph is a fleet: the radio
units of 4G, the routers of the core, the smartphones of users. Units in
service are held as an array (member × fleet × age in steps), so lifetimes
that differ between members never split a batch.

Each step: cohorts age by one step; units reaching the end of their life
retire (all of them at ``lifetime`` for a fixed life; the Weibull hazard of
their age otherwise); every unit of an owner that is off (a generation
switched off) retires; then new units are installed to cover what is needed
and missing. Units no longer needed are not retired early but not replaced.
The fleet in place at ``time.start`` was made before it: it starts with the
steady-state age distribution of its lifetime law and is not counted as
manufactured.

No stock can go negative: units only leave as a share (0 to 1) of what is there,
and installations are clamped at 0 (an owner that needs fewer units keeps its
surplus until it retires). Retirements, computed as the stock that was not
carried over, are clamped at 0 against rounding.
"""

from __future__ import annotations

import math

import numpy as np

from .clock import Clock
from .network import layer_equipment_driver
from .params import Params
from .state import State


def _weibull_scale(mean: np.ndarray, shape: np.ndarray) -> np.ndarray:
    gamma = np.vectorize(lambda k: math.gamma(1.0 + 1.0 / k), otypes=[float])(shape)
    return mean / gamma


def survival(p: Params, lifetime: np.ndarray) -> np.ndarray:
    """Share of a cohort still in service at each age (M,F,A); ages are whole steps.

    When every member has the same lifetimes the member axis has length 1 and
    broadcasts: a batch then reads one survival table instead of M.
    """
    if len(lifetime) > 1 and np.all(lifetime == lifetime[:1]):
        lifetime = lifetime[:1]
    ages = p.dt * np.arange(p.max_age_steps)
    life = lifetime[:, p.fleet_equipment][:, :, None]  # (M,F,1)
    shape = p.weibull[p.fleet_equipment][None, :, None]
    fixed = (ages < life - 1e-9).astype(float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        scale = _weibull_scale(life, np.where(shape > 0, shape, 1.0))
        weibull = np.exp(-np.power(ages / scale, np.where(shape > 0, shape, 1.0)))
    curve = np.where(shape > 0, weibull, fixed)
    curve[..., -1] = 0.0
    return curve


def retirement_fractions(curve: np.ndarray) -> np.ndarray:
    """Share of the units of each age that retire on reaching it (M,F,A)."""
    before = np.concatenate([np.ones_like(curve[..., :1]), curve[..., :-1]], axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(before > 0, 1.0 - curve / before, 1.0)
    frac[..., 0] = 0.0
    return frac


def steady_state_ages(curve: np.ndarray) -> np.ndarray:
    """Age distribution of a fleet renewed at a constant rate (M,F,A), summing to 1.

    Taken just before the step ages it: ages 0 .. A-2 weighted by survival.
    """
    weights = curve.copy()
    weights[..., -1] = 0.0
    total = weights.sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, weights / np.where(total > 0, total, 1.0), 0.0)


def fleet_need(p: Params, s: State) -> np.ndarray:
    """Units needed in each fleet (M,F): per site, per PB/yr of traffic, or per device."""
    drivers = np.concatenate(
        [s.sites, layer_equipment_driver(s), s.device_count], axis=1
    )
    offsets = np.array([0, s.sites.shape[1], s.sites.shape[1] + s.layer_traffic.shape[1]])
    return drivers[:, offsets[p.fleet_kind] + p.fleet_owner] * p.fleet_coefficient


def owner_on(p: Params, s: State) -> np.ndarray:
    """Whether each fleet's owner is on (M,F): generations can be off, the rest are always on."""
    on = np.ones((p.members, len(p.fleet_kind)), dtype=bool)
    gens = p.fleet_kind == 0
    on[:, gens] = s.active[:, p.fleet_owner[gens]]
    return on


def equipment_fleets(env, clock: Clock, p: Params, s: State):
    """Install, age, retire and replace every fleet of every member, each step.

    The stock is double-buffered: ageing and survival are one multiplication into
    the spare buffer, so a step makes no temporary copy of the (M,F,A) array.
    """
    version, spare = -1, None
    while True:
        yield clock.tick("fleets")
        if version != s.lifetime_version:
            keep = 1.0 - retirement_fractions(curve := survival(p, s.lifetime))
            version = s.lifetime_version
        s.need = fleet_need(p, s)
        if spare is None:
            s.stock = s.need[:, :, None] * steady_state_ages(curve)
            s.in_service = s.stock.sum(axis=-1)
            spare = np.empty_like(s.stock)
        aged = spare
        np.multiply(s.stock[:, :, :-1], keep[:, :, 1:], out=aged[:, :, 1:])
        aged[:, :, 0] = 0.0
        off = ~owner_on(p, s)
        if off.any():
            aged[off] = 0.0
        in_service = aged.sum(axis=-1)
        s.retired = np.maximum(s.in_service - in_service, 0.0)  # every unit not carried over retired
        s.installed = np.where(off, 0.0, np.maximum(s.need - in_service, 0.0))
        aged[:, :, 0] = s.installed
        s.in_service = in_service + s.installed
        s.stock, spare = aged, s.stock

"""Demand: exogenous usage, the cost of a GB, and the traffic it induces (the rebound).

Each step, for every service s:

* exogenous demand ``D_s = users × usage_s(t) × policy scale`` (GB/yr), with
  usage growing at ``growth`` per year, logistically if a saturation is given;
* the cost index ``C`` (1 at the start): energy share × energy per GB relative
  to the start + capital share × equipment per GB of capacity relative to the
  start + the rest constant, times (1 + surcharge). Frozen members keep C = 1;
* target traffic ``T*_s = D_s × C^(-ε_s)``; actual traffic follows it with a
  first-order delay ``τ_s`` (exact discretisation: the gap shrinks by
  exp(-dt/τ) per step; τ = 0 follows immediately);
* or, with forced traffic (``demand.traffic``), the given total shared among
  services in proportion to D_s: no demand model, no rebound.

Both parts of C measure the *technology* of the step, not how busy the network
is: energy per GB of a generation is its dynamic energy per GB plus its idle
power spread over the usable capacity of a site; capital per GB is the
equipment of a site over that capacity. Economies of scale from fuller sites
are thus not counted as cheaper gigabytes, so a scenario without technology
change has a constant cost index and its counterfactuals coincide with it.
Since C before surcharges depends on technology alone, the technology process
computes it (``State.cost_mix``, :func:`~simulator.model.network.technology_block`);
this one applies surcharges and holds it at 1 for frozen members. A twin variant
(``window/engineering``, ``without:X/engineering``) reads the cost of a GB of
another member of its sample (``Params.cost_source``): the actual technology with
demand held at the cost of the run it is the twin of.

Like every process, this one runs under ``np.errstate(all="ignore")`` (set by
the engine): divisions by an unlimited capacity give 0 as they should, and an
overflow is located afterwards by the engine's check of the recorded values.
"""

from __future__ import annotations

import numpy as np

from .clock import Clock
from .params import Params
from .state import State


def usage_per_user(p: Params) -> np.ndarray:
    """Usage per user before policies at every instant (T+1,M,S) in GB/yr.

    Exponential growth at ``growth`` per year, or logistic towards ``saturation``
    where one is given (and usage is not 0). It depends on time alone, so it is
    computed once, for every step.
    """
    growth = np.exp(np.log1p(p.growth) * (p.times - p.start)[:, None, None])
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        gap = p.saturation / p.usage0 - 1.0  # how far below its ceiling usage starts, relatively
        bounded = p.saturation / (1.0 + gap / growth)
    return np.where(np.isfinite(p.saturation) & (p.usage0 > 0), bounded, p.usage0 * growth)


def forced_split(total: np.ndarray, demand: np.ndarray) -> np.ndarray:
    """Share a forced total (M|1,) GB/yr among services in proportion to their demand (M,S)."""
    weights = demand.sum(axis=1, keepdims=True)
    even = np.full_like(demand, 1.0 / demand.shape[1])
    shares = np.where(weights > 0, demand / np.where(weights > 0, weights, 1.0), even)
    return total[:, None] * shares


def traffic_demand(env, clock: Clock, p: Params, s: State):
    """Exogenous demand, the cost index and the traffic it induces, every step."""
    keep = np.where(p.delay > 0, np.exp(-p.dt / np.where(p.delay > 0, p.delay, 1.0)), 0.0)
    usage = usage_per_user(p)
    users = np.moveaxis(p.users, 1, 0)[:, :, None]  # (T+1,M|1,1)
    while True:
        yield clock.tick("demand")
        s.demand = users[s.step] * usage[s.step] * s.traffic_scale
        if s.step == 0:
            s.cost_index = np.ones(p.members)
        else:
            s.cost_index = np.where(p.cost_frozen, 1.0, s.cost_mix[p.cost_source] * (1.0 + s.surcharge))
        if p.forced_traffic is not None:
            s.traffic_target = forced_split(p.forced_traffic[:, s.step], s.demand)
            s.traffic = s.traffic_target
        else:
            s.traffic_target = s.demand * np.power(s.cost_index[:, None], -p.elasticity)
            s.traffic = s.traffic_target + (s.traffic - s.traffic_target) * keep if s.step else s.traffic_target
        s.total_traffic = s.traffic.sum(axis=1)

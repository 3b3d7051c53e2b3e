"""Demand: exogenous usage, the price of a GB, and the traffic it induces (the rebound).

Each step, for every service s:

* exogenous demand ``D_s = users × usage_s(t) × policy scale`` (GB/yr), with
  usage growing at ``growth`` per year, logistically if a saturation is given;
* the cost index ``C`` (1 at the start): the price of a GB users see, relative to
  the price of the start, times (1 + surcharge);
* target traffic ``T*_s = D_s × C^(-ε_s)``; actual traffic follows it with a
  first-order delay ``τ_s`` (exact discretisation: the gap shrinks by
  exp(-dt/τ) per step; τ = 0 follows immediately);
* or, with forced traffic (``demand.traffic``), the given total shared among
  services in proportion to D_s: no demand model, no rebound.

The price of a GB (EUR/GB, :func:`average_cost`, scenario section ``price``) is
average-cost pricing: what the network costs over the traffic it carries. Its
traffic-proportional part — the electricity of the dynamic energy per GB — is
the technology of the step; the rest — sites (annualised purchase and build,
operating cost), their idle electricity and the fixed costs (spectrum, staff,
IT) — is spread over the traffic carried the step before, which is known when
demand is set. Users thus see cheaper gigabytes both when equipment gets more
efficient and when fixed costs are shared by more traffic; with no costs that
do not scale with traffic, the price is the energy bill per GB, and a run's
cost index is its energy per GB relative to the start (the classroom closed
form). Embodied carbon never enters the price.

A twin variant (``window/engineering``, ``without:X/engineering``) reads the
price of another member of its sample (``Params.cost_source``): the actual
technology with demand held at the price of the run it is the twin of. The
marginal variant's reference is the price of the start at unscaled efficiency,
so its price falls by 1/(1 + h) where energy is its cost.

``p`` is the batch's :class:`~simulator.model.params.Params` and ``s`` its
:class:`~simulator.model.state.State`, as everywhere in the model (shapes:
M members, S services, G generations).

Like every process, these run under ``np.errstate(all="ignore")`` (set by
the engine): divisions by an unlimited capacity give 0 as they should, and an
overflow is located afterwards by the engine's check of the recorded values.
"""

from __future__ import annotations

import numpy as np
import simpy
from simpy.events import ProcessGenerator

from .clock import Clock
from .network import per_network
from .params import Params
from .state import State


def usage_per_user(p: Params) -> np.ndarray:

    """Usage per user before policies at every instant (T+1,M,S) in GB/yr.

    Exponential growth at ``growth`` per year, or logistic towards ``saturation``
    where one is given (and usage is not 0). It depends on time alone, so it is
    computed once, for every step.
    """
    return grown(p.usage0, p.growth, p.saturation, (p.times - p.start)[:, None, None])


def grown(level0: np.ndarray, growth: np.ndarray, saturation: np.ndarray, years: np.ndarray) -> np.ndarray:
    """A level ``level0`` after ``years`` (broadcast against it) of exogenous growth at ``growth`` per year,
    or logistic towards ``saturation`` where one is given (finite) and the level is not 0; same unit as
    ``level0``. Usage of a service, jobs of a compute workload."""
    factor = np.exp(np.log1p(growth) * years)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        gap = saturation / level0 - 1.0  # how far below its ceiling the level starts, relatively
        bounded = saturation / (1.0 + gap / factor)
    return np.where(np.isfinite(saturation) & (level0 > 0), bounded, level0 * factor)


def forced_split(total: np.ndarray, demand: np.ndarray) -> np.ndarray:
    """Share a forced total (M|1,) GB/yr among services in proportion to their demand (M,S)."""
    weights = demand.sum(axis=1, keepdims=True)
    even = np.full_like(demand, 1.0 / demand.shape[1])
    shares = np.where(weights > 0, demand / np.where(weights > 0, weights, 1.0), even)
    return total[:, None] * shares


def annual_site_cost(p: Params) -> np.ndarray:
    """Cost of keeping one site of each generation a year (M,G) in EUR/yr: its purchase and build
    annualised over ``site_life`` at the cost of capital r (capital recovery factor
    r / (1 − (1 + r)^−life), 1 / life when r = 0), plus its operating cost."""
    r = p.cost_of_capital[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        recovery = np.where(r > 0, r / -np.expm1(-p.site_life * np.log1p(r)), 1.0 / p.site_life)
    return p.site_cost * recovery + p.site_opex


def service_price(split: np.ndarray, per_network: np.ndarray) -> np.ndarray:
    """The price of a GB of each service (M,S) in EUR/GB: that of each network (M,N) weighted by the
    service's shares on the networks (M|1,S,N)."""
    return (split * per_network[:, None, :]).sum(axis=-1)


def traffic_demand(env: simpy.Environment, clock: Clock, p: Params, s: State) -> ProcessGenerator:
    """Exogenous demand, the cost index and the traffic it induces, every step; the traffic each network
    carries; each service's traffic relative to its usage before policies and rebound."""
    keep = np.where(p.delay > 0, np.exp(-p.dt / np.where(p.delay > 0, p.delay, 1.0)), 0.0)
    usage = usage_per_user(p)
    users = np.moveaxis(p.users, 1, 0)[:, :, None]  # (T+1,M|1,1)
    one = len(p.networks) == 1
    linked = bool(p.device_services.any())  # only devices read the usage ratio
    reference: np.ndarray | None = None  # each service's price at the start (several networks)
    while True:
        yield clock.tick("demand")
        exogenous = users[s.step] * usage[s.step]
        use = exogenous * s.use_scale  # GB/yr at the definition of the start
        s.demand = use * s.bytes_scale
        split = p.service_split[:, s.step]  # (M|1,S,N)
        if s.step == 0:
            s.cost_index = np.ones(p.members)
            service_index = np.ones((p.members, 1))
        else:
            seen = s.dynamic_energy * p.electricity_price[:, s.step, None] + s.spread_cost  # (M,N) EUR/GB
            if one:
                relative = np.where(s.price_reference > 0, seen / s.price_reference, 1.0)  # (M,1)
            else:
                if reference is None:
                    reference = service_price(p.service_split[:, 0], s.price_reference)
                relative = np.where(reference > 0, service_price(split, seen) / reference, 1.0)  # (M,S)
            taxed = relative[p.cost_source] * (1.0 + s.surcharge)[:, None]
            service_index = np.where(p.cost_frozen[:, None], 1.0, taxed)
            if one:
                s.cost_index = service_index[:, 0]
            else:
                weights = s.demand.sum(axis=1)
                s.cost_index = np.where(weights > 0, (service_index * s.demand).sum(axis=1)
                                        / np.where(weights > 0, weights, 1.0), 1.0)
        if p.forced_traffic is not None:
            s.traffic_target = forced_split(p.forced_traffic[:, s.step], s.demand)
            s.traffic = s.traffic_target
        else:
            use_target = use * np.power(service_index, -p.elasticity)
            s.traffic_target = use_target * s.bytes_scale
            # habits (use) adjust over the delay, a lower definition (bytes_scale) applies at once
            s.lagged_use = use_target + (s.lagged_use - use_target) * keep if s.step else use_target
            s.traffic = s.lagged_use * s.bytes_scale
        s.total_traffic = s.traffic.sum(axis=1)
        s.network_traffic = s.total_traffic[:, None] if one else (s.traffic[:, :, None] * split).sum(axis=1)
        if linked:  # use, not bytes: a lower definition (bytes_scale) leaves the devices as they were
            lighter = exogenous * s.bytes_scale
            s.usage_ratio = np.where(lighter > 0, s.traffic / np.where(lighter > 0, lighter, 1.0), 1.0)


def average_cost(env: simpy.Environment, clock: Clock, p: Params, s: State) -> ProcessGenerator:
    """The price of a GB (EUR/GB) every step, once the network of the step is built: its energy bill and
    site and fixed costs over the traffic it carried (see the module's docstring)."""
    annual = annual_site_cost(p)
    one = len(p.networks) == 1
    while True:
        yield clock.tick("price")
        electricity, fixed = p.electricity_price[:, s.step, None], p.fixed_cost[:, s.step, None]  # (M|1,1)
        sites = per_network(p, np.where(annual > 0, s.sites * annual, 0.0))  # free sites cost nothing
        idle = per_network(p, s.gen_idle_energy) * electricity  # (M,N)
        carried = np.where(s.network_traffic > 0, s.network_traffic, np.inf)  # no traffic: nothing to spread
        if not one:  # the shared fixed costs, in proportion to the networks' traffic
            fixed = fixed * np.where(s.total_traffic > 0, s.network_traffic.T / s.total_traffic, 0.0).T
        fixed = fixed + p.network_fixed_cost[:, s.step]  # each network's own
        dynamic = s.dynamic_energy * electricity
        s.spread_cost = (sites + idle + fixed) / carried
        by_network = dynamic + s.spread_cost
        s.price = by_network[:, 0] if one else np.where(
            s.total_traffic > 0, (by_network * s.network_traffic).sum(axis=1) / np.where(
                s.total_traffic > 0, s.total_traffic, 1.0), by_network.mean(axis=1))
        if s.step == 0:  # at unscaled efficiency: the marginal member's energy costs fall by 1/(1 + h)
            scale = p.efficiency_scale[:, None]
            s.price_reference = (dynamic + idle / carried) * scale + (sites + fixed) / carried

"""Compute jobs of data centres (AI training and inference): how many run, and their electricity.

A workload (scenario section ``compute.workloads``) is a kind of job. The
electricity of one job is the formula of Strubell et al. 2019 (Eq. 1,
docs/data/datacentres-ai.md), with the accelerator power of the technology of
the time::

    e(t) = pue(t) × hours × (p_cpu + p_dram + accelerators × p_acc(t)) / 1000   (kWh per job)
    p_acc(t) = p_acc(start) × (1 − efficiency_gain)^(t − start)

The cost of a job is its electricity bill, ``e(t) × price.electricity(t)``
(EUR); embodied impacts never enter it. Jobs run per year follow an exogenous
path (growth, logistic towards a saturation when one is given, as the usage of
a service) times the cost index of a job to the power ``−elasticity``, the
index being the cost of a job relative to that of the start. Their electricity
``jobs × e(t)`` (kWh/yr) is part of the data centres (``part`` data_centres)
and of the use phase, through the grid, in every category.

Variants treat the accelerator gain as every other efficiency path
(:mod:`~simulator.model.variants`): ``frozen`` holds the technology of the
start and sees the cost of a job of the start (index 1); ``window`` reads the
technology of t − Δ, its twin the cost of a job of ``window``; ``marginal``
divides the energy of a job by 1 + h after the start (its reference cost is
that of the start at unscaled efficiency); ``engineering`` sets the elasticity
of jobs to 0. No ``without:`` innovation is measured for it yet.

``p`` is the batch's :class:`~simulator.model.params.Params` and ``s`` its
:class:`~simulator.model.state.State`, as everywhere in the model. Shapes: M
members (M|1: one row shared by all), W workloads, T+1 instants.
"""

from __future__ import annotations

import numpy as np
import simpy
from simpy.events import ProcessGenerator

from .clock import Clock
from .demand import grown
from .network import technology_years
from .params import Params
from .state import State

#: kWh per Wh.
KWH_PER_WH = 1e-3
#: Hours in a year (365.25 days).
HOURS_PER_YEAR = 8766.0


def energy_per_job(p: Params) -> np.ndarray:
    """Electricity of one job of each workload at every instant (T+1,M,W) in kWh, PUE included, with the
    accelerator power of each member's technology year (divided by ``efficiency_scale``: the marginal variant)."""
    years = technology_years(p, p.times) - p.start  # (T+1,M)
    accelerator = p.compute_accelerator_power * np.exp(np.log1p(-p.compute_gain) * years[:, :, None])
    power = p.compute_cpu_power + p.compute_dram_power + p.compute_accelerators * accelerator  # W per job
    pue = np.moveaxis(p.compute_pue, 1, 0)  # (T+1,M|1,W)
    return pue * p.compute_hours * power * KWH_PER_WH / p.efficiency_scale[:, None]


def job_cost_index(p: Params, energy: np.ndarray) -> np.ndarray:
    """Cost of a job relative to the start (T+1,M,W), as each member's jobs see it: 1 for members at the
    cost of the start (frozen), else that of the member whose cost it responds to (``cost_source``).

    ``energy``: :func:`energy_per_job`. The reference is the cost of the start at unscaled efficiency, so
    the marginal member's cost falls by 1/(1 + h)."""
    price = p.electricity_price.T[:, :, None]  # (T+1,M|1,1) EUR/kWh
    cost = energy * price  # EUR per job
    reference = cost[0] * p.efficiency_scale[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(reference > 0, cost / reference, 1.0)
    return np.where(p.cost_frozen[:, None], 1.0, relative[:, p.cost_source])


def jobs_per_year(p: Params, energy: np.ndarray) -> np.ndarray:
    """Jobs run per year of each workload at every instant (T+1,M,W): the exogenous path times the cost
    index of a job to the power −elasticity."""
    exogenous = grown(p.compute_jobs0, p.compute_growth, p.compute_saturation, (p.times - p.start)[:, None, None])
    return exogenous * np.power(job_cost_index(p, energy), -p.compute_elasticity)


def compute_jobs(env: simpy.Environment, clock: Clock, p: Params, s: State) -> ProcessGenerator:
    """Jobs run and their electricity, every step (technology and prices depend on time alone: computed
    once for every step)."""
    if not p.workloads:
        return
    energy = energy_per_job(p)
    jobs = jobs_per_year(p, energy)
    accelerators = jobs * p.compute_hours * p.compute_accelerators / (HOURS_PER_YEAR * p.compute_utilisation)
    while True:
        yield clock.tick("network")
        s.compute_jobs = jobs[s.step]
        s.compute_energy = jobs[s.step] * energy[s.step]
        s.compute_accelerators = accelerators[s.step]


__all__ = ["KWH_PER_WH", "compute_jobs", "energy_per_job", "job_cost_index", "jobs_per_year"]

"""The shared state of a batch: numpy arrays with a leading member axis.

Processes read parameters from :class:`~simulator.model.params.Params` and read
and write this state; the recorder copies it each step. Units are canonical:
traffic in GB/yr, energy in kWh/yr, power in W, impacts per year.

Names, the same in every module of the model: ``p`` is the batch's
:class:`~simulator.model.params.Params`, ``s`` its :class:`State`. Array shapes
are written with one letter per axis: M members (M|1: one row that all members
share), S services, G generations, L layers, D devices, F fleets, Q streams of
cohorts (:class:`~simulator.model.fleets.Streams`), C impact categories; a module
with other axes says which.
"""

from __future__ import annotations

import numpy as np

from .params import Params

#: kWh per year drawn by one watt of constant power (8,766 h/yr × 1e-3 kWh/Wh).
KWH_PER_WATT_YEAR = 8.766
#: GB per PB.
GB_PER_PB = 1e6


class State:
    """Everything that changes during a run, for all members at once."""

    def __init__(self, p: Params):
        members, services, generations = p.members, len(p.services), len(p.generations)
        layers, devices, fleets, categories = len(p.layers), len(p.devices), len(p.fleet_kind), len(p.categories)
        self.step = 0
        self.year = p.start
        self.tech_year = np.full(members, p.start)
        # demand
        self.demand = np.zeros((members, services))  # GB/yr, exogenous
        self.traffic_target = np.zeros((members, services))  # GB/yr
        self.traffic = np.zeros((members, services))  # GB/yr
        self.total_traffic = np.zeros(members)  # GB/yr, all services (set with traffic)
        # traffic_scale policies: of the time spent on each service (use), of the bytes of that time (bytes)
        self.use_scale = np.ones((members, services))
        self.bytes_scale = np.ones((members, services))
        self.lagged_use = np.zeros((members, services))  # GB/yr, traffic at the definition before bytes_scale
        self.cost_index = np.ones(members)
        self.surcharge = np.zeros(members)
        networks = len(p.networks)
        self.network_traffic = np.zeros((members, networks))  # GB/yr carried by each access network
        self.usage_ratio = np.ones((members, services))  # traffic over usage before policies and rebound
        self.dynamic_energy = np.zeros((members, networks))  # kWh/GB, traffic-proportional (technology)
        self.price = np.zeros(members)  # EUR/GB: the networks' cost over the traffic they carried this step
        self.spread_cost = np.zeros((members, networks))  # EUR/GB: the part that does not scale with traffic
        self.price_reference = np.zeros((members, networks))  # EUR/GB: the price of the start (unscaled efficiency)
        # generations
        self.active = np.zeros((members, generations), dtype=bool)
        self.share = np.zeros((members, generations))
        self.gen_traffic = np.zeros((members, generations))
        self.sites = np.zeros((members, generations))
        self.gen_intensity = np.zeros((members, generations))  # kWh/GB, dynamic
        self.gen_capacity = np.full((members, generations), np.inf)  # usable GB/yr per site
        self.idle_power = np.zeros((members, generations))  # W per site
        self.gen_energy = np.zeros((members, generations))
        self.gen_idle_energy = np.zeros((members, generations))
        self.switch_off = p.switch_off.copy()
        self.switch_off_version = 0  # counts the changes of switch_off (by policies)
        # layers and devices
        self.layer_intensity = np.zeros((members, layers))  # kWh/GB, PUE included
        self.layer_traffic = np.zeros((members, layers))
        self.layer_energy = np.zeros((members, layers))
        self.fixed_energy = np.zeros(members)  # kWh/yr the layers draw whatever the traffic: no efficiency path
        self.layer_units_per_pb = np.ones((members, layers))  # equipment per PB/yr, relative to start
        self.device_unit_energy = np.zeros((members, devices))  # kWh/yr per device
        self.device_count = np.zeros((members, devices))
        self.device_energy = np.zeros((members, devices))
        # compute workloads of data centres (model.compute)
        self.compute_jobs = np.zeros((members, len(p.workloads)))  # jobs/yr
        self.compute_energy = np.zeros((members, len(p.workloads)))  # kWh/yr, PUE included
        self.compute_accelerators = np.zeros((members, len(p.workloads)))  # accelerators in service
        # fleets, by stream of cohorts (model.fleets.Streams; their cohorts are held by the fleets process):
        # units per unit of count; a fleet's are its stream's times its count (the properties below)
        self.fleet_stream = np.zeros(fleets, dtype=int)  # (F,) stream of each fleet
        self.fleet_count = np.zeros((fleets, 1))  # (F,M|1) units per site, per PB/yr or per device
        self.stream_in_service = np.zeros((0, members))  # (Q,M)
        self.stream_installed = np.zeros((0, members))  # in this step
        self.stream_retired = np.zeros((0, members))
        self.lifetime = p.lifetime.copy()
        self.lifetime_version = 0
        self.lifetime_new_only = np.zeros(len(p.equipment), dtype=bool)  # (E,) the last change: new units only
        # impacts, per year
        self.grid_scale = np.ones((members, categories))
        self.manufacturing = np.zeros((members, categories))
        self.use = np.zeros((members, categories))
        self.end_of_life = np.zeros((members, categories))
        self.imported = np.zeros((members, categories))  # of the above: made abroad, electricity used abroad

    @property
    def in_service(self) -> np.ndarray:
        """Units in service in each fleet (M,F)."""
        return self._per_fleet(self.stream_in_service)

    @property
    def installed(self) -> np.ndarray:
        """Units installed in each fleet in this step (M,F)."""
        return self._per_fleet(self.stream_installed)

    @property
    def retired(self) -> np.ndarray:
        """Units retired from each fleet in this step (M,F)."""
        return self._per_fleet(self.stream_retired)

    def _per_fleet(self, per_stream: np.ndarray) -> np.ndarray:
        if not len(self.fleet_stream):  # no equipment
            return self.manufacturing[:, :0]
        return (per_stream[self.fleet_stream] * self.fleet_count).T

    @property
    def network_energy(self) -> np.ndarray:
        """Energy of radio access and layers (kWh/yr), devices excluded."""
        return self.gen_energy.sum(axis=1) + self.layer_energy.sum(axis=1)

    @property
    def total_energy(self) -> np.ndarray:
        """Energy of networks, layers, devices and compute workloads (kWh/yr)."""
        total = self.network_energy + self.device_energy.sum(axis=1)
        return total + self.compute_energy.sum(axis=1) if self.compute_energy.shape[1] else total


def logistic(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)), without overflow warnings."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def sum_in_order(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Σ over the first axis of a × b (broadcast), adding the terms first to last.

    A sum whose order never depends on the size of the batch, so that a
    member's numbers are the same, bit for bit, in any batch (a matrix product
    may round differently with the number of rows). einsum adds along a leading
    axis in sequence, without a temporary array, unless nothing else is left
    (one fleet of one member), when it would add pairwise; accumulate is
    sequential always.
    """
    if not len(a) or max(a.size // len(a), b.size // len(b)) > 1:  # more than one sum at once
        return np.einsum("k...,k...->...", a, b)
    return np.add.accumulate(a * b, axis=0)[-1]

"""Wire the processes into one simpy Environment, run a batch, record every step.

``simulate(scenario)`` runs the actual scenario and every counterfactual its
rebound measures need (engineering, frozen, window, marginal, one pair per
innovation: :mod:`simulator.model.variants`) as one batch and returns
:class:`~simulator.results.Results`; the baseline is a batch of 38 members. ``run_samples(scenarios)`` runs many
samples of a scenario (Monte Carlo draws, points of a sweep) with their
counterfactuals as one batch: one simpy run advances every member at once, and
a member's numbers are the same, bit for bit, whatever the other members of
its batch. The engine never reads YAML and never plots.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

import numpy as np
import simpy
from simpy.events import ProcessGenerator

from .errors import NumericalError, UsageError
from .model.blame import blamed
from .model.clock import Clock
from .model.compute import compute_jobs
from .model.demand import average_cost, traffic_demand
from .model.fleets import equipment_fleets
from .model.impacts import energy_abroad, impact_accounting
from .model.network import device_use, generation_rollout, layer_traffic, technology
from .model.params import VARIANTS, Params, compile_params, schedule_key
from .model.policies import policy_events
from .model.state import State
from .model.variants import rebound_variants
from .results import PARTS, Results, SeriesKey
from .scenario.schema import CATEGORIES, END_OF_LIFE, MANUFACTURING, PHASES, USE, Scenario
from .version import __version__


class Recorder:
    """Copies the state every step into arrays allocated once; the tables are built at the end.

    Arrays are time-major, (T+1, M, ...), so that a step writes one contiguous
    block per field; :meth:`arrays` returns them as (M, T+1, ...) views. Only
    ``fields`` are recorded (and checked): fewer fields, less memory to fill.
    """

    FIELDS = ("demand", "traffic", "cost_index", "gen_traffic", "sites", "gen_energy",
              "gen_idle_energy", "layer_energy", "device_energy", "price", "in_service", "installed",
              "retired", "compute_jobs", "compute_energy", "network_traffic", "imported", "usage_ratio", "fixed_energy",
              *PHASES)  # the impacts of each phase, under its name

    def __init__(self, p: Params, fields: Collection[str] | None = None):
        unknown = set(fields or ()) - set(self.FIELDS)
        if unknown:
            raise UsageError(f"cannot record {sorted(unknown)}, expected some of {self.FIELDS}")
        self.p = p
        self.fields = self.FIELDS if fields is None else tuple(f for f in self.FIELDS if f in fields)
        self.rows: dict[str, np.ndarray] = {}
        self.probing = True

    def process(self, env: simpy.Environment, clock: Clock, s: State) -> ProcessGenerator:
        while True:
            yield clock.tick("record")
            if not self.rows:
                self.rows = {f: np.empty((self.p.n_steps + 1, *np.shape(getattr(s, f)))) for f in self.fields}
            for name, out in self.rows.items():
                out[s.step] = getattr(s, name)
            if self.probing and not np.isfinite(s.traffic.sum() + s.stream_in_service.sum() + s.use.sum()):
                # stop at the first step that overflows (use is energy × grid: NaN if energy is inf), not at the
                # end; if what overflowed is not recorded, the recorded values are still checked at the end
                check_finite({k: np.moveaxis(v[:s.step + 1], 0, 1) for k, v in self.rows.items()}, self.p)
                self.probing = False

    def arrays(self) -> dict[str, np.ndarray]:
        """Recorded fields as arrays of shape (M, T+1, ...), checked."""
        arrays = {k: np.moveaxis(v, 0, 1) for k, v in self.rows.items()}
        check_finite(arrays, self.p)
        return arrays


def check_finite(arrays: dict[str, np.ndarray], p: Params) -> None:
    """Refuse a run where any recorded value is NaN, infinite or negative.

    Names the variable, the first time and the member where it happened (of all
    variables, the one that went wrong first, upstream ones first on a tie).
    """
    if all(v.size == 0 or (v.min() >= 0.0 and v.max() < np.inf) for v in arrays.values()):
        return  # the usual case, in two passes over the data and no temporary array
    first = None
    for name, values in arrays.items():
        scale = np.abs(np.where(np.isfinite(values), values, 0.0)).max(initial=0.0)
        bad = ~np.isfinite(values) | (values < -1e-9 * (1.0 + scale))
        if bad.any():
            where = np.argwhere(bad)
            k = int(where[:, 1].min())
            index = tuple(where[where[:, 1] == k][0])
            if first is None or k < first[1]:
                first = (name, k, index, values[index])
    if first is not None:
        name, k, index, found = first
        raise NumericalError(
            name, float(p.times[k]), p.member_name(index[0]),
            f"found {float(found)!r}; check growth rates, elasticities and intensities for values "
            "that overflow or go negative", int(index[0]),
        )


def run_samples(scenarios: Sequence[Scenario], variants: tuple[str, ...] = VARIANTS,
                record: Collection[str] | None = None) -> tuple[Params, dict[str, np.ndarray]]:
    """Run ``variants`` of every scenario as one batch; return parameters and recorded arrays (M, T+1, ...).

    Members are sample-major: member ``i * len(variants) + j`` is variant j of
    ``scenarios[i]``, and its values do not depend, bit for bit, on the other
    members. The scenarios must share :func:`schedule_key` (ValueError naming
    what differs otherwise); build them with ``simulator.scenario.space.derive``
    so that what they share is compiled once. ``record`` names the fields of
    :attr:`Recorder.FIELDS` to record (default: all); fewer is faster.

    A blow-up (a value that overflows or goes negative) is reported at the
    scenario value that most plausibly caused it (:func:`~simulator.model.blame.blamed`).
    """
    try:
        return _run(compile_params(scenarios, variants), record)
    except NumericalError as exc:
        if exc.member is None:
            raise
        raise blamed(exc, scenarios[exc.member // len(variants)]) from exc


def run_params(p: Params, record: Collection[str] | None = None) -> dict[str, np.ndarray]:
    """Run a batch already compiled (``compile_params``, ``model.draws.compile_draws``); recorded arrays."""
    return _run(p, record)[1]


def run_batch(scenario: Scenario, variants: tuple[str, ...] = VARIANTS) -> tuple[Params, dict[str, np.ndarray]]:
    """Run ``variants`` of ``scenario`` as one batch; return parameters and recorded arrays."""
    return run_samples([scenario], variants)


def _run(p: Params, record: Collection[str] | None = None) -> tuple[Params, dict[str, np.ndarray]]:
    env = simpy.Environment()
    clock = Clock(env, p.start, p.dt, p.n_steps)
    s = State(p)
    recorder = Recorder(p, record)
    env.process(technology(env, clock, p, s))
    env.process(policy_events(env, clock, p, s))
    env.process(traffic_demand(env, clock, p, s))
    for g in range(len(p.generations)):
        env.process(generation_rollout(env, clock, p, s, g))
    env.process(layer_traffic(env, clock, p, s))
    env.process(average_cost(env, clock, p, s))
    env.process(device_use(env, clock, p, s))
    env.process(compute_jobs(env, clock, p, s))
    env.process(equipment_fleets(env, clock, p, s))
    env.process(impact_accounting(env, clock, p, s))
    env.process(recorder.process(env, clock, s))
    with np.errstate(all="ignore"):  # overflow is caught, located and reported by check_finite
        env.run(until=p.n_steps + 1)
    return p, recorder.arrays()


def _series(p: Params, rec: dict[str, np.ndarray]) -> tuple[dict[SeriesKey, np.ndarray], dict[SeriesKey, str]]:
    """Every reported series (M, T+1) and its unit, from the recorded arrays of a batch."""
    data: dict[SeriesKey, np.ndarray] = {}
    units: dict[SeriesKey, str] = {}

    def put(variable: str, unit: str, value: np.ndarray, **labels: str) -> None:
        key = SeriesKey.of(variable, **labels)
        data[key], units[key] = np.asarray(value, dtype=float), unit

    traffic = rec["traffic"].sum(axis=-1)
    put("users", "user", np.broadcast_to(p.users, (p.members, p.n_steps + 1)).copy())
    put("demand", "GB/yr", rec["demand"].sum(axis=-1))
    put("traffic", "GB/yr", traffic)
    put("cost_index", "1", rec["cost_index"])
    put("price", "EUR/GB", rec["price"])
    for i, name in enumerate(p.services):
        put("traffic", "GB/yr", rec["traffic"][..., i], service=name)
        put("usage_ratio", "1", rec["usage_ratio"][..., i], service=name)
    if len(p.networks) > 1:
        for i, name in enumerate(p.networks):
            put("traffic", "GB/yr", rec["network_traffic"][..., i], network=name)
    network = rec["gen_energy"].sum(axis=-1) + rec["layer_energy"].sum(axis=-1)
    put("energy", "kWh/yr", total_energy(rec))
    put("network_energy", "kWh/yr", network)
    if p.layer_fixed_power.any():
        put("energy_fixed", "kWh/yr", rec["fixed_energy"])
    with np.errstate(divide="ignore", invalid="ignore"):
        put("energy_intensity", "kWh/GB", np.where(traffic > 0, network / traffic, 0.0))
        for i, name in enumerate(p.generations):
            gt, ge = rec["gen_traffic"][..., i], rec["gen_energy"][..., i]
            put("traffic", "GB/yr", gt, generation=name)
            put("energy", "kWh/yr", ge, generation=name)
            put("energy_idle", "kWh/yr", rec["gen_idle_energy"][..., i], generation=name)
            put("energy_intensity", "kWh/GB", np.where(gt > 0, ge / gt, 0.0), generation=name)
            put("sites", "site", rec["sites"][..., i], generation=name)
    for i, name in enumerate(p.layers):
        put("energy", "kWh/yr", rec["layer_energy"][..., i], layer=name)
    for i, name in enumerate(p.devices):
        put("energy", "kWh/yr", rec["device_energy"][..., i], device=name)
    if p.workloads:
        jobs = ~p.workload_stores
        if jobs.any():
            put("compute_jobs", "job/yr", rec["compute_jobs"][..., jobs].sum(axis=-1))
        put("compute_energy", "kWh/yr", rec["compute_energy"].sum(axis=-1))
        for i, name in enumerate(p.workloads):
            if p.workload_stores[i]:
                put("data_stored", "TB", rec["compute_jobs"][..., i], workload=name)
            else:
                put("compute_jobs", "job/yr", rec["compute_jobs"][..., i], workload=name)
            put("energy", "kWh/yr", rec["compute_energy"][..., i], workload=name)
    by_part = part_energy(p, rec)
    for part, values in by_part.items():
        put("energy", "kWh/yr", values, part=part)
    onehot = _fleet_to_equipment(p)
    per_eq = {"equipment_in_service": (rec["in_service"] @ onehot, "unit"),
              "equipment_manufactured": (rec["installed"] @ onehot / p.dt, "unit/yr"),
              "equipment_retired": (rec["retired"] @ onehot / p.dt, "unit/yr")}
    for variable, (values, unit) in per_eq.items():
        for e, name in enumerate(p.equipment):
            put(variable, unit, values[..., e], equipment=name)
    made = rec["installed"] @ onehot / p.dt  # (M,T,E) units/yr
    gone = rec["retired"] @ onehot / p.dt
    phase_by_equipment = {MANUFACTURING: made[..., :, None] * (p.embodied[:, None] + maker_impacts(p)),
                          END_OF_LIFE: gone[..., :, None] * p.end_of_life[:, None]}  # (M,T,E,C)
    for c, (cat, (unit, _)) in enumerate(CATEGORIES.items()):
        rate = f"{unit}/yr"
        total = total_impact(rec, cat)
        put("impact", rate, total, category=cat)
        put("impact", rate, rec["imported"][..., c], category=cat, scope="imported")
        put("impact", rate, total - rec["imported"][..., c], category=cat, scope="territorial")
        for phase in PHASES:
            put("impact", rate, rec[phase][..., c], category=cat, phase=phase)
        for phase, by_eq in phase_by_equipment.items():
            for e, name in enumerate(p.equipment):
                put("impact", rate, by_eq[..., e, c], category=cat, phase=phase, equipment=name)
        _owner_impacts(p, rec, put, c, cat, rate, by_part)
    return data, units


def owner_parts(p: Params) -> tuple[tuple[str, ...], ...]:
    """The part of the digital sector (:data:`~simulator.results.PARTS`) of every generation, layer, device
    and compute workload: generations are networks, devices devices, a layer the part it names
    (``Layer.part``), workloads data centres."""
    return (("networks",) * len(p.generations), p.layer_parts, ("devices",) * len(p.devices),
            ("data_centres",) * len(p.workloads))


def part_energy(p: Params, rec: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Electricity of each part (kWh/yr), (M, T+1): devices; networks (generations and their layers);
    data centres (their layers and the compute workloads). Every part, zero where the scenario has none of it."""
    out = {part: np.zeros(rec["device_energy"].shape[:-1]) for part in PARTS}
    for parts, energy in zip(owner_parts(p), (rec["gen_energy"], rec["layer_energy"], rec["device_energy"],
                                              rec["compute_energy"]), strict=True):
        for o, part in enumerate(parts):
            out[part] = out[part] + energy[..., o]
    return out


def _owner_impacts(p: Params, rec: dict[str, np.ndarray], put: Callable[..., None], c: int, cat: str,
                   rate: str, energy_by_part: Mapping[str, np.ndarray]) -> None:
    """Impacts by generation, layer, device and compute workload: their fleets' making and discarding, their
    electricity;
    and by part (``energy_by_part``: :func:`part_energy`): the making and discarding of its owners' fleets,
    its electricity, and their total over the phases, as for the category."""
    abroad = regional_use(p, c)  # (R, M|1, T+1) per kWh
    with np.errstate(divide="ignore", invalid="ignore"):
        if abroad is None:
            factor = np.where(rec[USE][..., c] > 0, rec[USE][..., c] / total_energy(rec), 0.0)
        else:  # the home grid's (policies included): what is not used abroad, over the energy used at home
            used_abroad = np.moveaxis(energy_abroad(p, rec["layer_energy"], rec["compute_energy"]), -1, 0)
            home_use = rec[USE][..., c] - (used_abroad * abroad).sum(axis=0)
            home = total_energy(rec) - used_abroad.sum(axis=0)
            factor = np.where(home > 0, home_use / np.where(home > 0, home, 1.0), 0.0)
    owners = (("generation", p.generations, rec["gen_energy"]), ("layer", p.layers, rec["layer_energy"]),
              ("device", p.devices, rec["device_energy"]), ("workload", p.workloads, rec["compute_energy"]))
    located = {"layer": p.layer_region, "workload": p.workload_region}
    index = {part: k for k, part in enumerate(PARTS)}
    maker = maker_impacts(p)  # (M|1,T+1,E,C)
    made_by, gone_by = np.zeros((2, len(PARTS), *rec[USE].shape[:-1]))  # (P, M, T+1) each
    used_by = np.zeros((len(PARTS), *rec[USE].shape[:-1]))
    for kind_index, ((kind, names, energy), parts) in enumerate(zip(owners, owner_parts(p), strict=True)):
        for o, name in enumerate(names):
            fleets = (p.fleet_kind == kind_index) & (p.fleet_owner == o)
            eq = p.fleet_equipment[fleets]
            made = (rec["installed"][..., fleets] * (p.embodied[:, None, eq, c] + maker[:, :, eq, c])).sum(
                axis=-1) / p.dt
            gone = (rec["retired"][..., fleets] * p.end_of_life[:, None, eq, c]).sum(axis=-1) / p.dt
            labels = {kind: name}
            where = located[kind][o] if kind in located else -1
            used = energy[..., o] * (factor if abroad is None or where < 0 else abroad[where])
            put("impact", rate, made, category=cat, phase=MANUFACTURING, **labels)
            put("impact", rate, used, category=cat, phase=USE, **labels)
            used_by[index[parts[o]]] += used
            put("impact", rate, gone, category=cat, phase=END_OF_LIFE, **labels)
            made_by[index[parts[o]]] += made
            gone_by[index[parts[o]]] += gone
    for k, part in enumerate(PARTS):
        used = energy_by_part[part] * factor if abroad is None else used_by[k]
        put("impact", rate, made_by[k] + used + gone_by[k], category=cat, part=part)
        for phase, values in ((MANUFACTURING, made_by[k]), (USE, used), (END_OF_LIFE, gone_by[k])):
            put("impact", rate, values, category=cat, phase=phase, part=part)


def maker_impacts(p: Params) -> np.ndarray:
    """Impacts of the electricity of making one unit of each equipment type at every instant (M|1,T+1,E,C):
    its kWh at the grid of its maker's region; 0 where no equipment gives that electricity."""
    if not p.made_kwh.any():
        return np.zeros((1, 1, len(p.equipment), len(p.categories)))
    return p.made_kwh[:, None, :, None] * p.maker_grid


def regional_use(p: Params, c: int) -> np.ndarray | None:
    """Impact of category ``c`` per kWh in each region abroad (R, M|1, T+1), or None without regions."""
    if not p.regions:
        return None
    return np.moveaxis(p.region_grid[..., c], -1, 0)


def _fleet_to_equipment(p: Params) -> np.ndarray:
    """(F,E) matrix summing fleets into equipment types."""
    onehot = np.zeros((len(p.fleet_equipment), len(p.equipment)))
    onehot[np.arange(len(p.fleet_equipment)), p.fleet_equipment] = 1.0
    return onehot


#: Recorded fields :func:`total_energy` and :func:`total_impact` read: record them to have the totals.
TOTALS_FIELDS = ("gen_energy", "layer_energy", "device_energy", "compute_energy", "fixed_energy", *PHASES)


def total_energy(rec: Mapping[str, np.ndarray]) -> np.ndarray:
    """Electricity of generations, layers, devices and compute workloads (kWh/yr), (M, T+1), from a batch's
    recorded arrays.

    The one place it is added up, in one order, so that a run's ``energy`` series and an ensemble's
    headline energy are the same bits."""
    total = rec["gen_energy"].sum(axis=-1) + rec["layer_energy"].sum(axis=-1) + rec["device_energy"].sum(axis=-1)
    compute = rec["compute_energy"]
    return total + compute.sum(axis=-1) if compute.shape[-1] else total


def total_impact(rec: Mapping[str, np.ndarray], category: str) -> np.ndarray:
    """Impact of ``category`` over its three phases (its unit per year), (M, T+1), from a batch's recorded
    arrays (each phase is recorded under its name): the one sum behind the category's series in
    :class:`~simulator.results.Results` and an ensemble's headline climate change."""
    c = list(CATEGORIES).index(category)
    return rec[MANUFACTURING][..., c] + rec[USE][..., c] + rec[END_OF_LIFE][..., c]


def simulate(scenario: Scenario, variants: tuple[str, ...] | None = None) -> Results:
    """Run a scenario with its counterfactuals and return the results.

    ``variants``: default, every variant the rebound measures need (:func:`rebound_variants`);
    the headline three only where traffic is forced (no demand model, no rebound)."""
    if variants is None:
        variants = VARIANTS if scenario.demand.traffic is not None else rebound_variants(scenario)
    p, rec = run_batch(scenario, variants)
    data, units = _series(p, rec)
    return Results(
        scenario=scenario, times=p.times, variants=p.variants, data=data, units=units,
        version=__version__,
    )


def sample_results(p: Params, rec: dict[str, np.ndarray], scenarios: Sequence[Scenario]) -> list[Results]:
    """One :class:`~simulator.results.Results` per sample of a batch run with every field recorded
    (:func:`run_samples`, :func:`run_params`), ``scenarios[i]`` being sample i's scenario: the series a
    single run reports, built the one way :func:`simulate` builds them, for callers that read many
    samples' series (a calibration's finite differences and profiles)."""
    data, units = _series(p, rec)
    v = len(p.variants)
    return [Results(scenario=s, times=p.times, variants=p.variants,
                    data={k: a[i * v:(i + 1) * v] for k, a in data.items()}, units=dict(units), version=__version__)
            for i, s in enumerate(scenarios)]


#: ``schedule_key`` (from model.params) is part of the engine's interface: group samples by it.
__all__ = ["simulate", "run_batch", "run_samples", "run_params", "sample_results", "schedule_key", "check_finite",
           "Recorder", "TOTALS_FIELDS", "total_energy", "total_impact"]

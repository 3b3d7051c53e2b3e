"""Run many members of a scenario: in batches, on a local process pool or a Dask cluster.

Members are cut into chunks of a fixed number of members, in member order; a
chunk is the unit of work sent to a worker. Inside a chunk, members run as one
batch of the engine, each with its two counterfactuals: their parameter arrays
are written from the values (:mod:`simulator.model.draws`), or, for parameters
that module cannot write, each member is derived and members are grouped by
event schedule (policy dates, order of launch). The engine guarantees that a member's numbers do not
depend on the other members of its batch, and chunks never depend on the
number of workers, so the same values give the same results, bit for bit,
whatever ``workers``, ``chunk`` or scheduler.

Each member keeps only its headline series (what Monte Carlo, sweeps and
sensitivity analyse), per year: energy (kWh/yr) and climate change
(kg CO2e/yr) of the actual, engineering and frozen variants, and traffic
(GB/yr) of the actual run.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..engine import run_params, run_samples, schedule_key
from ..errors import Interrupted, Problem, ScenarioError
from ..model.draws import compile_samples, draw_samples, suspects
from ..model.params import VARIANTS
from ..results import rebound_ratio
from ..scenario import space
from ..scenario.checks import semantic_problems
from ..scenario.schema import CATEGORIES, Scenario
from .sampling import Parameter, member_scenario

#: Members per chunk by default, times steps × (1 + equipment types) of the scenario: a chunk large
#: enough to amortise a simpy run's fixed cost per step, small enough that the fleets' install log stays
#: in cache (measured: baseline, 200 steps and 8 equipment types, is fastest at 100-400 members per
#: chunk; classroom, 80 steps and none, at 1,000 or more).
CHUNK_WORK = 360_000
#: Bounds of the default chunk (members): progress still moves, memory stays small.
CHUNK_RANGE = (50, 1000)


def default_chunk(scenario: Scenario) -> int:
    """Members per chunk for ``scenario``: 200 for the baseline, 1,000 for the classroom scenario."""
    size = CHUNK_WORK // (scenario.n_steps * (1 + len(scenario.equipment)))
    return int(min(max(size, CHUNK_RANGE[0]), CHUNK_RANGE[1]))
#: Recorder fields the headline series are made of (recording fewer is faster).
RECORDED = ("gen_energy", "layer_energy", "device_energy", "manufacturing", "use", "end_of_life", "traffic")


@dataclass
class Ensemble:
    """Headline series of every member: arrays (N, T+1), N members in order."""

    scenario: Scenario
    parameters: list[Parameter]
    values: np.ndarray  # (N, K) in the parameters' units
    times: np.ndarray  # (T+1,) years
    energy: np.ndarray  # (N, 3, T+1) kWh/yr for actual, engineering, frozen
    climate_change: np.ndarray  # (N, 3, T+1) kg CO2e/yr
    traffic: np.ndarray  # (N, T+1) GB/yr, actual
    forced_traffic: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def members(self) -> int:
        return len(self.values)

    @property
    def dt(self) -> float:
        return float(self.times[1] - self.times[0]) if len(self.times) > 1 else self.scenario.time.step

    def cumulative(self, values: np.ndarray) -> np.ndarray:
        """Integral over [start, end) of a rate series (..., T+1) → (...)."""
        return values[..., :-1].sum(axis=-1) * self.dt

    def rebound(self, quantity: str = "energy") -> np.ndarray:
        """R(t) of every member (N, T+1); NaN where undefined (or with forced traffic)."""
        v = getattr(self, quantity)
        if self.forced_traffic:
            return np.full(v[:, 0].shape, np.nan)
        return rebound_ratio(v[:, 2], v[:, 1], v[:, 0])

    def induced(self, quantity: str = "energy") -> np.ndarray:
        """(A − E)/E of the totals over the horizon (N,): how much more the actual run uses than the
        engineering estimate; NaN where the engineering total is 0."""
        v = self.cumulative(getattr(self, quantity))
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(v[:, 1] > 0, (v[:, 0] - v[:, 1]) / np.where(v[:, 1] > 0, v[:, 1], 1.0), np.nan)

    def cumulative_rebound(self, quantity: str = "energy") -> np.ndarray:
        """R of the totals over the horizon (N,); NaN where undefined."""
        v = self.cumulative(getattr(self, quantity))
        if self.forced_traffic:
            return np.full(len(v), np.nan)
        return rebound_ratio(v[:, 2], v[:, 1], v[:, 0])


def _headline(rec: dict[str, np.ndarray], n: int) -> dict[str, np.ndarray]:
    m = len(VARIANTS)
    energy = rec["gen_energy"].sum(axis=-1) + rec["layer_energy"].sum(axis=-1) + rec["device_energy"].sum(axis=-1)
    c = list(CATEGORIES).index("climate_change")
    climate = rec["manufacturing"][..., c] + rec["use"][..., c] + rec["end_of_life"][..., c]
    t = energy.shape[-1]
    return {"energy": energy.reshape(n, m, t), "climate_change": climate.reshape(n, m, t),
            "traffic": rec["traffic"].sum(axis=-1).reshape(n, m, t)[:, 0]}


def run_chunk(scenario: Scenario, parameters: list[Parameter], values: np.ndarray, first: int = 0
              ) -> dict[str, np.ndarray]:
    """Headline arrays of the members ``values`` (n, K); ``first`` numbers them in messages.

    When every parameter is a number :mod:`simulator.model.draws` can write,
    the members' arrays are written from ``values`` at once and only the
    members that may break a cross-field rule are derived and checked;
    otherwise each member is derived, checked and compiled, and members are
    grouped by event schedule.
    """
    samples = draw_samples(scenario, [p.paths for p in parameters], values) if len(values) else None
    if samples is None:
        return _run_derived(scenario, parameters, values, first)
    for i in suspects(samples, scenario.time.step):
        _check(member_scenario(scenario, parameters, values[i]), parameters, values[i], first + i)
    rec = run_params(compile_samples(samples, VARIANTS), record=RECORDED)
    return _headline(rec, len(values))


def _check(member: Scenario, parameters: list[Parameter], row: np.ndarray, number: int) -> None:
    """Refuse a member that breaks a cross-field rule, naming it, its values and the rule."""
    problems = semantic_problems(member, spaces=False)
    if problems:
        where = ", ".join(f"{p.key}={v:g}" for p, v in zip(parameters, row, strict=True))
        raise ScenarioError([Problem(f"member {number} ({where}): {space.dotted(loc)}: {msg}", "uncertainty")
                             for loc, msg in problems])


def _run_derived(scenario: Scenario, parameters: list[Parameter], values: np.ndarray, first: int
                 ) -> dict[str, np.ndarray]:
    """run_chunk for parameters the draws module cannot write: derive, check and group every member."""
    members = [member_scenario(scenario, parameters, row) for row in values]
    for i, member in enumerate(members):
        _check(member, parameters, values[i], first + i)
    groups: dict[Any, list[int]] = {}
    for i, member in enumerate(members):
        groups.setdefault(schedule_key(member), []).append(i)
    out: dict[str, np.ndarray] = {}
    for index in groups.values():
        _, rec = run_samples([members[i] for i in index], VARIANTS, record=RECORDED)
        for name, array in _headline(rec, len(index)).items():
            if name not in out:
                out[name] = np.empty((len(members), *array.shape[1:]))
            out[name][index] = array
    return out


_WORKER_STATE: dict[str, Any] = {}


def _init_worker(scenario: Scenario, parameters: list[Parameter]) -> None:
    """Keep the scenario in the worker; leave Ctrl-C to the parent, which stops the workers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_STATE.update(scenario=scenario, parameters=parameters)


def _pool_chunk(values: np.ndarray, first: int) -> dict[str, np.ndarray]:
    return run_chunk(_WORKER_STATE["scenario"], _WORKER_STATE["parameters"], values, first)


def _progress(total: int, enabled: bool | None):
    from tqdm import tqdm

    if enabled is None:
        enabled = sys.stderr.isatty()
    return tqdm(total=total, unit="member", disable=not enabled, file=sys.stderr, dynamic_ncols=True,
                desc="members")


def _chunks(n: int, size: int) -> list[slice]:
    return [slice(a, min(a + size, n)) for a in range(0, n, size)]


def run_members(
    scenario: Scenario,
    parameters: list[Parameter],
    values: np.ndarray,
    *,
    workers: int | None = None,
    chunk: int | None = None,
    scheduler: str | None = None,
    dask_local: int | None = None,
    progress: bool | None = None,
) -> Ensemble:
    """Run every row of ``values`` (N, K) as a member with its counterfactuals.

    ``workers``: local processes (default: all cores; 1 runs in this process).
    ``chunk``: members per batch sent to a worker (default :func:`default_chunk`).
    ``scheduler``: address of a Dask scheduler (``tcp://host:8786``) instead of the
    local pool; ``dask_local``: start a local Dask cluster of that many workers.
    ``progress``: a progress bar on stderr (default: only on a terminal).
    Ctrl-C raises :class:`Interrupted` after stopping the workers.
    """
    values = np.asarray(values, dtype=float).reshape(len(values), len(parameters))
    n = len(values)
    slices = _chunks(n, max(1, int(chunk if chunk is not None else default_chunk(scenario))))
    results: dict[int, dict[str, np.ndarray]] = {}
    bar = _progress(n, progress)
    done = 0

    def collect(index: int, part: dict[str, np.ndarray]) -> None:
        nonlocal done
        results[index] = part
        done += slices[index].stop - slices[index].start
        bar.update(slices[index].stop - slices[index].start)

    try:
        if scheduler is not None or dask_local is not None:
            _run_dask(scenario, parameters, values, slices, collect, scheduler, dask_local)
        else:
            workers = workers or os.cpu_count() or 1
            if workers <= 1 or len(slices) == 1:
                for i, s in enumerate(slices):
                    collect(i, run_chunk(scenario, parameters, values[s], s.start))
            else:
                _run_pool(scenario, parameters, values, slices, collect, workers)
    except KeyboardInterrupt:
        raise Interrupted(done, n) from None
    finally:
        bar.close()
    return _assemble(scenario, parameters, values, [results[i] for i in range(len(slices))])


def _pool_task(task: tuple[int, np.ndarray, int]) -> tuple[int, dict[str, np.ndarray]]:
    index, values, first = task
    return index, _pool_chunk(values, first)


def _run_pool(scenario, parameters, values, slices, collect: Callable, workers: int) -> None:
    """Chunks on a ``multiprocessing`` pool; on any error or Ctrl-C the workers are terminated."""
    import multiprocessing

    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    pool = context.Pool(processes=min(workers, len(slices)), initializer=_init_worker,
                        initargs=(scenario, parameters))
    try:
        tasks = [(i, values[s], s.start) for i, s in enumerate(slices)]
        for index, part in pool.imap_unordered(_pool_task, tasks):
            collect(index, part)
    except BaseException:
        pool.terminate()
        raise
    else:
        pool.close()
    finally:
        pool.join()


def _run_dask(scenario, parameters, values, slices, collect: Callable, scheduler: str | None,
              dask_local: int | None) -> None:
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=dask_local, threads_per_worker=1, processes=True,
                               dashboard_address=None, host="127.0.0.1")
    client = Client(cluster if cluster is not None else scheduler, timeout="20s")
    futures = []
    try:
        shared = client.scatter([scenario, parameters], broadcast=True)
        futures = [client.submit(run_chunk, shared[0], shared[1], values[s], s.start, pure=False)
                   for s in slices]
        index = {f.key: i for i, f in enumerate(futures)}
        for future in as_completed(futures):
            collect(index[future.key], future.result())
    except BaseException:
        client.cancel(futures)
        raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _assemble(scenario: Scenario, parameters: list[Parameter], values: np.ndarray,
              parts: list[dict[str, np.ndarray]]) -> Ensemble:
    t = scenario.time
    times = t.start + t.step * np.arange(scenario.n_steps + 1)
    joined = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]} if parts else {
        "energy": np.zeros((0, 3, len(times))), "climate_change": np.zeros((0, 3, len(times))),
        "traffic": np.zeros((0, len(times)))}
    return Ensemble(scenario=scenario, parameters=parameters, values=values, times=times,
                    forced_traffic=scenario.demand.traffic is not None, **joined)


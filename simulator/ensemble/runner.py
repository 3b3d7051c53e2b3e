"""Run many members of a scenario: in batches, on a local process pool or a Dask cluster.

Members are cut into chunks of a fixed number of members, in member order; a
chunk is the unit of work sent to a worker. Inside a chunk, members run as one
batch of the engine, each with its counterfactuals: their parameter arrays
are written from the values (:mod:`simulator.model.draws`), or, for parameters
that module cannot write, each member is derived and members are grouped by
event schedule (policy dates, order of launch). The engine guarantees that a member's numbers do not
depend on the other members of its batch, and chunks never depend on the
number of workers, so the same values give the same results, bit for bit,
whatever ``workers``, ``chunk`` or scheduler. Every aggregate (sums over time,
percentiles, means over members) is computed after the chunks are joined in
member order into C-ordered arrays: numpy's order of summation follows the
memory layout, which differs between a batch and a chunk sent back by a worker.

Each member keeps only its headline series (what Monte Carlo, sweeps and
sensitivity analyse), per year: energy (kWh/yr) and climate change
(kg CO2e/yr) of every variant run — the actual, engineering and frozen runs,
and the counterfactuals the chosen measure needs (:mod:`.measures`) — and
traffic (GB/yr) of the actual run. Variants are read by name, never by position. On request
(``impacts=True``, for differences between scenarios: :mod:`.difference`) each impact category
of the actual run too (its unit per year): a sweep of a million points does not carry them.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import pickle
import signal
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Literal, TypedDict, cast

import numpy as np

from ..engine import TOTALS_FIELDS, run_params, run_samples, schedule_key, total_energy, total_impact
from ..errors import Interrupted, Problem, ScenarioError, SimulatorError, UnknownNameError
from ..interrupts import STOP_SIGNALS, stop_if_requested
from ..model.draws import broken_samples, draw_samples
from ..model.params import compile_samples
from ..model.variants import VARIANTS
from ..scenario import space
from ..scenario.checks import semantic_problems
from ..scenario.schema import CATEGORIES, USE, Scenario
from .sampling import Parameter, member_scenario
from .scheduler import SCHEDULER_ANSWER, reach, unreachable

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
RECORDED = (*TOTALS_FIELDS, "traffic")


@dataclass
class Ensemble:
    """Headline series of every member: arrays (N, V, T+1) or (N, T+1), N members in order, V variants."""

    scenario: Scenario
    parameters: list[Parameter]
    values: np.ndarray  # (N, K) in the parameters' units
    times: np.ndarray  # (T+1,) years
    variants: tuple[str, ...]  # names of the V variants, in the order of the second axis below
    energy: np.ndarray  # (N, V, T+1) kWh/yr
    climate_change: np.ndarray  # (N, V, T+1) kg CO2e/yr
    climate_change_use: np.ndarray  # (N, T+1) kg CO2e/yr, actual: the use phase's
    energy_fixed: np.ndarray  # (N, T+1) kWh/yr, actual: the layers' fixed power (no efficiency path)
    traffic: np.ndarray  # (N, T+1) GB/yr, actual
    forced_traffic: bool = False
    notes: list[str] = field(default_factory=list)
    impact: np.ndarray | None = None  # (N, C, T+1) actual, each impact category of CATEGORIES in its unit per year

    @property
    def members(self) -> int:
        return len(self.values)

    @property
    def dt(self) -> float:
        return float(self.times[1] - self.times[0]) if len(self.times) > 1 else self.scenario.time.step

    def variant(self, quantity: str, name: str) -> np.ndarray:
        """The series (N, T+1) of ``quantity`` (``energy``, ``climate_change``) in the variant ``name``."""
        if name not in self.variants:
            raise UnknownNameError(f"no variant {name!r} in this ensemble; it ran {', '.join(self.variants)}")
        return getattr(self, quantity)[:, self.variants.index(name)]

    def cumulative(self, values: np.ndarray) -> np.ndarray:
        """Integral over [start, end) of a rate series (..., T+1) → (...).

        Summed from a C-ordered copy: numpy's order of summation follows the memory layout,
        and the layout of gathered chunks is not that of one batch (last bits would differ).
        """
        return np.ascontiguousarray(values[..., :-1]).sum(axis=-1) * self.dt


def _headline(rec: dict[str, np.ndarray], n: int, variants: tuple[str, ...], impacts: bool = False
              ) -> dict[str, np.ndarray]:
    m = len(variants)
    energy, climate = total_energy(rec), total_impact(rec, "climate_change")
    t = energy.shape[-1]
    actual = variants.index("actual")
    out = {"energy": np.ascontiguousarray(energy.reshape(n, m, t)),
           "climate_change": np.ascontiguousarray(climate.reshape(n, m, t)),
           "energy_fixed": np.ascontiguousarray(rec["fixed_energy"].reshape(n, m, t)[:, actual]),
           "climate_change_use": np.ascontiguousarray(
               rec[USE][..., list(CATEGORIES).index("climate_change")].reshape(n, m, t)[:, actual]),
           "traffic": np.ascontiguousarray(rec["traffic"].sum(axis=-1).reshape(n, m, t)[:, actual])}
    if impacts:
        out["impact"] = np.ascontiguousarray(np.stack(
            [total_impact(rec, c).reshape(n, m, t)[:, actual] for c in CATEGORIES], axis=1))
    return out


def run_chunk(scenario: Scenario, parameters: list[Parameter], values: np.ndarray, first: int = 0,
              variants: tuple[str, ...] = VARIANTS, impacts: bool = False) -> dict[str, np.ndarray]:
    """Headline arrays of the members ``values`` (n, K), each run with ``variants`` (names of
    :mod:`simulator.model.variants`, ``actual`` among them); ``first`` numbers them in messages;
    ``impacts``: also every impact category of the actual run (``impact``, (n, C, T+1)).

    When every parameter is a number :mod:`simulator.model.draws` can write,
    the members' arrays are written from ``values`` at once and members are
    checked against the rules that read a drawn value only (a member that
    breaks one is then derived, to report every problem it has); otherwise
    each member is derived, checked and compiled, and members are grouped by
    event schedule.
    """
    paths = [p.paths for p in parameters]
    samples = draw_samples(scenario, paths, values) if len(values) else None
    if samples is None:
        return _run_derived(scenario, parameters, values, first, variants, impacts)
    for i in broken_samples(scenario, paths, values):
        _check(member_scenario(scenario, parameters, values[i]), parameters, values[i], first + i)
    rec = run_params(compile_samples(samples, variants), record=RECORDED)
    return _headline(rec, len(values), variants, impacts)


def _check(member: Scenario, parameters: list[Parameter], row: np.ndarray, number: int) -> None:
    """Refuse a member that breaks a cross-field rule, naming it, its values and the rule."""
    problems = semantic_problems(member, spaces=False)
    if problems:
        where = ", ".join(f"{p.key}={v:g}" for p, v in zip(parameters, row, strict=True))
        raise ScenarioError([Problem(f"member {number} ({where}): {space.dotted(loc)}: {msg}", "uncertainty")
                             for loc, msg in problems])


def _run_derived(scenario: Scenario, parameters: list[Parameter], values: np.ndarray, first: int,
                 variants: tuple[str, ...], impacts: bool = False) -> dict[str, np.ndarray]:
    """run_chunk for parameters the draws module cannot write: derive, check and group every member."""
    members = [member_scenario(scenario, parameters, row) for row in values]
    for i, member in enumerate(members):
        _check(member, parameters, values[i], first + i)
    groups: dict[Any, list[int]] = {}
    for i, member in enumerate(members):
        groups.setdefault(schedule_key(member), []).append(i)
    out: dict[str, np.ndarray] = {}
    for index in groups.values():
        _, rec = run_samples([members[i] for i in index], variants, record=RECORDED)
        for name, array in _headline(rec, len(index), variants, impacts).items():
            if name not in out:
                out[name] = np.empty((len(members), *array.shape[1:]))
            out[name][index] = array
    return out


def _progress(total: int, enabled: bool | None) -> Any:  # a tqdm bar (tqdm has no type information)
    """The progress bar on stderr. Without tqdm's monitor thread (it only corrects the refresh rate of slow
    bars, and even a disabled bar starts it): one thread less in the process the pool forks its workers from."""
    from tqdm import tqdm

    tqdm.monitor_interval = 0
    if enabled is None:
        enabled = sys.stderr.isatty()
    return tqdm(total=total, unit="member", disable=not enabled, file=sys.stderr, dynamic_ncols=True,
                desc="members")


class RunOptions(TypedDict, total=False):
    """Where and how members run (the keyword options of :func:`run_members` that every ensemble function
    passes on): see :func:`run_members`."""

    workers: int | None
    chunk: int | None
    scheduler: str | None
    dask_local: int | None
    progress: bool | None


#: Receives the headline arrays of a chunk, by the chunk's index.
Collect = Callable[[int, dict[str, np.ndarray]], None]


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
    variants: tuple[str, ...] = VARIANTS,
    impacts: bool = False,
) -> Ensemble:
    """Run every row of ``values`` (N, K) as a member with its counterfactuals ``variants`` (default
    the actual, engineering and frozen runs; a measure's :attr:`~.measures.Measure.variants`).

    ``workers``: local processes (default: all cores; 1 runs in this process).
    ``chunk``: members per batch sent to a worker (default :func:`default_chunk`).
    ``scheduler``: address of a Dask scheduler (``tcp://host:8786``) instead of the
    local pool; ``dask_local``: start a local Dask cluster of that many workers.
    ``progress``: a progress bar on stderr (default: only on a terminal).
    ``impacts``: also keep every impact category of the actual run (:attr:`Ensemble.impact`).
    Ctrl-C raises :class:`Interrupted` after stopping the workers.
    """
    stop_if_requested()
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
            _run_dask(scenario, parameters, variants, values, slices, collect, scheduler, dask_local, impacts)
        else:
            workers = workers or os.cpu_count() or 1
            if workers <= 1 or len(slices) == 1:
                for i, s in enumerate(slices):
                    collect(i, run_chunk(scenario, parameters, values[s], s.start, variants=variants,
                                         impacts=impacts))
            else:
                _run_pool(scenario, parameters, variants, values, slices, collect, workers, impacts)
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM raised as one (simulator.interrupts)
        raise Interrupted(done, n) from exc
    finally:
        bar.close()
    return _assemble(scenario, parameters, variants, values, [results[i] for i in range(len(slices))], impacts)


#: Linux prctl option: the signal the kernel sends a process when its parent dies.
PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> bool:
    """Ask Linux to kill this process when its parent dies, however it dies; False if it already has."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the parent's clean-up and closed pipes remain
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    return os.getppid() == parent


def _worker(conn: Connection, scenario: Scenario, parameters: list[Parameter], variants: tuple[str, ...],
            parent: int, inherited: list[Connection], impacts: bool = False) -> None:
    """A worker process: run the chunks received on ``conn`` until told to stop (``None``) or the parent is gone.

    Ctrl-C is left to the parent (a terminal sends it to every process of the group, and the
    parent stops the workers); SIGTERM kills at once, silently. Both are blocked when this
    starts (see :func:`_run_pool`) and unblocked once those handlers are set. Errors of a
    chunk are sent back, never printed: the parent reports them.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    for other in inherited:  # the other workers' pipes, copied by fork: their ends must close with the parent
        other.close()
    if not _die_with_parent(parent):
        return
    try:
        while (task := conn.recv()) is not None:
            index, values, first = task
            conn.send(_attempt(scenario, parameters, variants, index, values, first, impacts))
    except (EOFError, OSError):  # the parent is gone: nobody to report to
        pass


def _attempt(scenario: Scenario, parameters: list[Parameter], variants: tuple[str, ...], index: int,
             values: np.ndarray, first: int, impacts: bool = False
             ) -> tuple[int, dict[str, np.ndarray] | None, BaseException | None]:
    """(index, headline arrays, None), or (index, None, the error) for the parent to raise."""
    try:
        return index, run_chunk(scenario, parameters, values, first, variants=variants, impacts=impacts), None
    except Exception as exc:
        try:
            pickle.dumps(exc)
        except Exception:  # an error that cannot cross the pipe: send its text
            exc = SimulatorError(f"{type(exc).__name__}: {exc}")
        return index, None, exc


def _stopped(process: BaseProcess) -> SimulatorError:
    process.join(1.0)
    code = process.exitcode
    how = f"killed by {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit code {code}"
    return SimulatorError(f"worker process {process.pid} stopped before finishing its members ({how}): killed "
                          "from outside, or out of memory; try fewer --workers or a smaller --chunk")


def _run_pool(scenario: Scenario, parameters: list[Parameter], variants: tuple[str, ...], values: np.ndarray,
              slices: list[slice], collect: Collect, workers: int, impacts: bool = False) -> None:
    """Chunks on worker processes, one chunk at a time each, through a pipe per worker.

    Not ``multiprocessing.Pool``: its workers share a queue lock, and a worker killed while
    holding it (SIGTERM sent to the process group) makes ``Pool.terminate`` wait forever.
    Here workers share nothing: on any error, Ctrl-C or SIGTERM they are killed and joined,
    and Linux kills them with the parent if the parent dies first (no orphan).

    While the workers start, a stop signal is held and raised once they all are in ``started``
    (:func:`_stops_deferred`). Blocking it in this thread is not enough: the kernel then hands it
    to another thread (OpenBLAS's, pyarrow's jemalloc, tqdm's monitor), and Python runs the
    handler in this thread anyway, possibly inside ``os.fork``'s hooks (``logging`` has some),
    where the exception is printed as "Exception ignored" and dropped: the run went on as if
    nothing had been asked. The signals stay blocked too, for the workers: they start with them
    blocked, and unblock them once their own handlers are set.
    """
    import multiprocessing
    from multiprocessing.connection import wait

    method: Literal["fork"] | None = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    context = multiprocessing.get_context(method)
    tasks = iter([(i, values[s], s.start) for i, s in enumerate(slices)])
    started: list[tuple[BaseProcess, Connection]] = []
    running: dict[Connection, BaseProcess] = {}
    finished = False

    def give(process: BaseProcess, conn: Connection) -> None:
        task = next(tasks, None)
        try:
            conn.send(task)
        except OSError:
            raise _stopped(process) from None
        if task is not None:
            running[conn] = process

    try:
        with _stops_deferred():
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
            try:
                for _ in range(min(workers, len(slices))):
                    ours, theirs = context.Pipe()
                    inherited = [c for _, c in started] if method == "fork" else []
                    process: BaseProcess = context.Process(
                        target=_worker, daemon=True, name="jevons-worker",
                        args=(theirs, scenario, parameters, variants, os.getpid(), inherited, impacts))
                    process.start()
                    theirs.close()
                    started.append((process, ours))
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        for process, conn in started:
            give(process, conn)
        while running:
            for conn in cast(list[Connection], wait(list(running))):  # what it was given, ready
                process = running.pop(conn)
                try:
                    index, part, error = conn.recv()
                except (EOFError, OSError):
                    raise _stopped(process) from None
                if error is not None:
                    raise error
                collect(index, part)
                give(process, conn)
        finished = True
    finally:
        for process, conn in started:
            if finished:
                process.join(5.0)
            process.kill()
            process.join()
            conn.close()


#: Log level of a local Dask cluster and of the loggers of its scheduler (in this process): above CRITICAL,
#: so that stopping it mid-run prints nothing but the command's own line.
QUIET = logging.CRITICAL + 10


#: The warning filter of the processes a local cluster spawns: multiprocessing's resource tracker (one of
#: them, outliving a stopped run since it ignores the stop signals too) reports at exit the semaphores of
#: a cluster stopped while it started — and removes them: a line on the user's terminal, nothing left behind.
QUIET_TRACKER = "ignore::UserWarning:multiprocessing.resource_tracker"


@contextlib.contextmanager
def _children_ignore_stops() -> Iterator[None]:
    """Processes spawned meanwhile (a local Dask cluster's) start with the stop signals ignored, so a
    terminal's Ctrl-C, sent to the whole process group, reaches this process alone, which shuts them
    down quietly.

    They are started through a two-line shell script (``trap '' INT TERM``, then ``exec`` Python) set
    as the executable of the ``spawn`` start method: an ignored signal stays ignored across ``exec``.
    This process keeps its own handlers throughout. (Ignoring the signals here while the children
    start would lose a Ctrl-C: native threads that do not block signals — a thread pool of a library —
    take it, and an ignored signal is dropped.)"""
    import multiprocessing.spawn
    import shlex
    import tempfile

    with tempfile.TemporaryDirectory(prefix="jevons-") as folder:
        wrapper = os.path.join(folder, "python")
        with open(wrapper, "w", encoding="utf-8") as script:
            script.write(f"#!/bin/sh\ntrap '' INT TERM\nexec {shlex.quote(sys.executable)} -W {QUIET_TRACKER} \"$@\"\n")
        os.chmod(wrapper, 0o700)
        previous = multiprocessing.spawn.get_executable()
        multiprocessing.spawn.set_executable(wrapper)
        try:
            yield
        finally:
            multiprocessing.spawn.set_executable(previous)


@contextlib.contextmanager
def _stops_deferred() -> Iterator[None]:
    """A stop signal that arrives meanwhile (while workers or a local cluster start) is held and raised once
    the block is done, in this thread, so that the clean-up finds every process started (a pool or a cluster
    stopped half-started leaves processes and semaphores behind) and no stop is lost. In the main thread
    only (where handlers can be set)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = {s: signal.signal(s, lambda signum, frame: held.append(signum)) for s in STOP_SIGNALS}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        if held:
            signal.raise_signal(held[0])


def _run_dask(scenario: Scenario, parameters: list[Parameter], variants: tuple[str, ...], values: np.ndarray,
              slices: list[slice], collect: Collect, scheduler: str | None, dask_local: int | None,
              impacts: bool = False) -> None:
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    stack = contextlib.ExitStack()
    if scheduler is None:
        stack.enter_context(_children_ignore_stops())  # for the cluster's life: a worker may be restarted
        try:
            with _stops_deferred():
                cluster = LocalCluster(n_workers=dask_local, threads_per_worker=1, processes=True,
                                       dashboard_address=None, host="127.0.0.1", silence_logs=QUIET)
        except BaseException:  # a stop held while it started: close the whole cluster
            if cluster is not None:
                cluster.close()
            stack.close()
            raise
        client = Client(cluster)
    else:
        host = reach(scheduler)
        try:
            client = Client(scheduler, timeout=f"{SCHEDULER_ANSWER}s")
        except OSError as exc:
            raise unreachable(scheduler, host, f"something listens there but no Dask scheduler answered within "
                               f"{SCHEDULER_ANSWER:g} s ({exc})") from None
    futures = []
    quieted = {name: logging.getLogger(name).level for name in ("distributed", "asyncio", "tornado")}
    if cluster is not None:  # its scheduler runs in this process: a stop would log the connections it drops
        for name in quieted:
            logging.getLogger(name).setLevel(QUIET)
    try:
        shared = client.scatter([scenario, parameters], broadcast=True)
        futures = [client.submit(run_chunk, shared[0], shared[1], values[s], s.start, variants=variants,
                                 impacts=impacts, pure=False) for s in slices]
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
            for name, level in quieted.items():
                logging.getLogger(name).setLevel(level)
        stack.close()


def _assemble(scenario: Scenario, parameters: list[Parameter], variants: tuple[str, ...], values: np.ndarray,
              parts: list[dict[str, np.ndarray]], impacts: bool = False) -> Ensemble:
    t = scenario.time
    times = t.start + t.step * np.arange(scenario.n_steps + 1)
    joined = {k: np.ascontiguousarray(np.concatenate([p[k] for p in parts])) for k in parts[0]} if parts else {
        "energy": np.zeros((0, len(variants), len(times))), "climate_change": np.zeros((0, len(variants), len(times))),
        "climate_change_use": np.zeros((0, len(times))), "energy_fixed": np.zeros((0, len(times))),
        "traffic": np.zeros((0, len(times)))}
    if impacts and not parts:
        joined["impact"] = np.zeros((0, len(CATEGORIES), len(times)))
    return Ensemble(scenario=scenario, parameters=parameters, values=values, times=times, variants=tuple(variants),
                    forced_traffic=scenario.demand.traffic is not None, **joined)

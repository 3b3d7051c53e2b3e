"""Ensembles from the command line: the same files whatever the workers and chunks; signals; scheduler.

* Every output of ``montecarlo``, ``sweep`` and ``sensitivity`` is byte-identical across
  ``--workers 1 --chunk 7`` and ``--workers 2 --chunk 5`` (``manifest.json`` differs only
  in the command line), as the README says; also with a measure that runs more variants.
* Ctrl-C at any moment, start-up included, exits 130 with one line; SIGTERM exits 143
  with one line, stops the workers (no BrokenPipeError tracebacks), leaves no process
  behind and writes nothing. Real signals to a real ``python -m simulator`` process.
* Errors in a worker reach the command whole; a worker killed from outside is an error, not a hang.
* An unreachable ``--scheduler`` exits 2 within 5 s, naming the address and what to check.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from conftest import SCENARIOS

import simulator
from simulator.cli import main
from simulator.ensemble import runner
from simulator.ensemble.sampling import draw, uncertain_parameters
from simulator.errors import Problem, ScenarioError, SimulatorError

CLASSROOM = SCENARIOS / "classroom-jevons.yaml"
BASELINE = SCENARIOS / "world-mobile.yaml"
#: The two ways of cutting the same members: one process and chunks of 7, two processes and chunks of 5.
LAYOUTS = {"one": ["--workers", "1", "--chunk", "7"], "two": ["--workers", "2", "--chunk", "5"]}
#: A Monte Carlo run long enough (minutes) to be stopped at any moment of its start-up or its run.
LONG_RUN = ["montecarlo", str(CLASSROOM), "-n", "1000000", "--workers", "2", "--chunk", "100", "--no-plots"]
#: Seconds a stopped command may take to exit, clean-up included.
EXIT_WITHIN = 30


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("command", [
    ["montecarlo", str(CLASSROOM), "-n", "23", "--seed", "3"],
    ["montecarlo", str(BASELINE), "-n", "12"],
    ["montecarlo", str(BASELINE), "-n", "12", "--measure", "window"],
    ["sweep", str(CLASSROOM), "--grid", "demand.services.data.elasticity=0:2:6",
     "--grid", "generations.network.efficiency_gain=0.05:0.25:4"],
    ["sensitivity", str(CLASSROOM), "--method", "sobol", "-n", "4"],
    ["sensitivity", str(CLASSROOM), "--method", "morris", "-n", "5"],
], ids=["montecarlo", "montecarlo-baseline", "montecarlo-baseline-window", "sweep", "sobol", "morris"])
def test_outputs_are_byte_identical_whatever_workers_and_chunks(command, tmp_path, capsys):
    outputs = {}
    for name, layout in LAYOUTS.items():
        assert main([*command, *layout, "--no-plots", "-o", str(tmp_path / name)]) == 0, capsys.readouterr().err
        outputs[name] = _files(tmp_path / name)
    one, two = outputs["one"], outputs["two"]
    assert one.keys() == two.keys()
    assert len(one) >= 3
    for file in one:
        if file == "manifest.json":
            continue
        assert one[file] == two[file], f"{file} differs between --workers 1 --chunk 7 and --workers 2 --chunk 5"
    manifests = [json.loads(o["manifest.json"]) for o in (one, two)]
    assert manifests[0]["command"] != manifests[1]["command"]
    for m in manifests:
        m.pop("command")
    assert manifests[0] == manifests[1]


def test_the_check_above_sees_the_last_bit(tmp_path, capsys):
    """The byte comparison is strict enough: another seed changes summary.json and members.parquet."""
    for seed in ("1", "2"):
        assert main(["montecarlo", str(CLASSROOM), "-n", "8", "--seed", seed, "--workers", "1", "--no-plots",
                     "-o", str(tmp_path / seed)]) == 0
    a, b = _files(tmp_path / "1"), _files(tmp_path / "2")
    assert a["summary.json"] != b["summary.json"] and a["members.parquet"] != b["members.parquet"]


def _start(args: list[str], out: Path) -> subprocess.Popen:
    """``python -m simulator ARGS -o OUT`` in a process group of its own, as a shell starts a job."""
    return subprocess.Popen([sys.executable, "-m", "simulator", *args, "-o", str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _finish(process: subprocess.Popen) -> tuple[int, str]:
    """Exit status and stderr; the whole group is killed if the command does not exit in time."""
    try:
        _, err = process.communicate(timeout=EXIT_WITHIN)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    return process.returncode, err


def _workers_running(process: subprocess.Popen, count: int = 2) -> list[psutil.Process]:
    """Wait until the command has ``count`` worker processes, and a little more: they are running."""
    deadline = time.monotonic() + EXIT_WITHIN
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1]
        children = psutil.Process(process.pid).children(recursive=True)
        if len(children) >= count:
            time.sleep(0.5)
            return children
        time.sleep(0.02)
    raise AssertionError("the workers never started")


def _gone(processes: list[psutil.Process]) -> list[psutil.Process]:
    """Those of ``processes`` still alive a few seconds after their parent exited (orphans)."""
    _, alive = psutil.wait_procs(processes, timeout=5)
    return alive


def _assert_stopped(status: int, err: str, expected: int, out: Path) -> None:
    lines = err.strip().splitlines()
    assert status == expected, err
    assert len(lines) == 1, err
    assert "Traceback" not in err and "Error" not in err, err
    assert not out.exists()
    store = out.parent / f".{out.name}.jevons"
    assert not store.exists() or {p.name for p in store.iterdir()} <= {"lock"}  # no staging folder left


def _our_code_runs(process: subprocess.Popen) -> None:
    """Wait until the command's first line has run: from then on it catches SIGTERM (Python alone does not).

    Before that, Python is still starting (its ``site`` module, the virtualenv's ``.pth``
    files): a signal then is Python's own business, before any line of any program runs.
    """
    status = Path(f"/proc/{process.pid}/status")
    deadline = time.monotonic() + EXIT_WITHIN
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1]
        caught = next(int(line.split()[1], 16) for line in status.read_text().splitlines()
                      if line.startswith("SigCgt:"))
        if caught >> (signal.SIGTERM - 1) & 1:
            return
        time.sleep(0.001)
    raise AssertionError("the command never started")


#: Moments (s) after the command's first line: importing the command, loading the scenario,
#: drawing the members, starting the workers (~1.5 s on the 2-core development machine), running.
MOMENTS = (0.0, 0.03, 0.08, 0.15, 0.3, 0.5, 0.8, 1.2, 1.7, 2.5)

needs_proc = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")


@needs_proc
@pytest.mark.parametrize("delay", MOMENTS)
def test_ctrl_c_at_any_moment_exits_130_with_one_line(delay, tmp_path):
    out = tmp_path / "mc"
    process = _start(LONG_RUN, out)
    _our_code_runs(process)
    time.sleep(delay)
    os.killpg(process.pid, signal.SIGINT)  # a terminal's Ctrl-C goes to every process of the job
    _assert_stopped(*_finish(process), 130, out)


@needs_proc
@pytest.mark.parametrize("delay", MOMENTS[::2])
def test_sigterm_at_any_moment_exits_143_with_one_line(delay, tmp_path):
    out = tmp_path / "mc"
    process = _start(LONG_RUN, out)
    _our_code_runs(process)
    time.sleep(delay)
    os.killpg(process.pid, signal.SIGTERM)
    _assert_stopped(*_finish(process), 143, out)


@pytest.mark.parametrize("sig,group,expected", [
    (signal.SIGINT, True, 130), (signal.SIGTERM, True, 143), (signal.SIGTERM, False, 143),
], ids=["ctrl-c", "sigterm-to-the-job", "sigterm-to-the-command-only"])
def test_a_signal_during_the_run_stops_every_worker(sig, group, expected, tmp_path):
    out = tmp_path / "mc"
    process = _start(LONG_RUN, out)
    workers = _workers_running(process)
    if group:
        os.killpg(process.pid, sig)
    else:
        os.kill(process.pid, sig)
    status, err = _finish(process)
    _assert_stopped(status, err, expected, out)
    assert "members had finished; nothing was written" in err
    assert not _gone(workers)


def test_workers_die_with_a_killed_command(tmp_path):
    """SIGKILL leaves the command no chance to clean up: the workers still go (no orphan)."""
    process = _start(LONG_RUN, tmp_path / "mc")
    workers = _workers_running(process)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=EXIT_WITHIN)
    try:
        assert not _gone(workers)
    finally:
        for w in workers:
            if w.is_running():
                w.kill()


def _children() -> set[int]:
    """Live child processes of this one (other tests may have left a Dask cluster or helpers running)."""
    alive = set()
    for child in psutil.Process().children():
        with contextlib.suppress(psutil.NoSuchProcess):
            if child.status() != psutil.STATUS_ZOMBIE:
                alive.add(child.pid)
    return alive


@pytest.fixture(scope="module")
def classroom_members():
    scenario = simulator.load_scenario(CLASSROOM)
    parameters = uncertain_parameters(scenario)
    return scenario, parameters, draw(parameters, 20, seed=1)


def test_an_error_in_a_worker_reaches_the_command_whole(classroom_members, monkeypatch):
    """A member refused in a worker process is the same located error as in this process."""
    real = runner.run_chunk

    def refuse(scenario, parameters, values, first=0, **options):
        if first >= 10:
            raise ScenarioError([Problem(f"member {first}: a rule is broken", "uncertainty")])
        return real(scenario, parameters, values, first, **options)

    monkeypatch.setattr(runner, "run_chunk", refuse)  # forked workers inherit it
    before = _children()
    with pytest.raises(ScenarioError) as info:
        runner.run_members(*classroom_members, workers=2, chunk=5, progress=False)
    assert [str(p) for p in info.value.problems] in (["uncertainty: member 10: a rule is broken"],
                                                     ["uncertainty: member 15: a rule is broken"])
    assert _children() <= before  # the workers are gone


def test_a_worker_killed_from_outside_is_an_error_not_a_hang(classroom_members, monkeypatch):
    parent, real = os.getpid(), runner.run_chunk

    def die(scenario, parameters, values, first=0, **options):
        if os.getpid() != parent and first >= 10:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(scenario, parameters, values, first, **options)

    monkeypatch.setattr(runner, "run_chunk", die)
    before = _children()
    with pytest.raises(SimulatorError, match="stopped before finishing its members .killed by SIGKILL."):
        runner.run_members(*classroom_members, workers=2, chunk=5, progress=False)
    assert _children() <= before


def test_unreachable_scheduler_exits_2_within_5_s(tmp_path):
    out = tmp_path / "mc"
    start = time.monotonic()
    process = _start(["montecarlo", str(CLASSROOM), "-n", "10", "--scheduler", "tcp://127.0.0.1:1"], out)
    status, err = _finish(process)
    elapsed = time.monotonic() - start
    assert status == 2, err
    assert elapsed < 5, f"{elapsed:.1f} s"
    assert len(err.strip().splitlines()) == 1, err
    assert "tcp://127.0.0.1:1" in err and "connection refused" in err and "dask scheduler" in err
    assert not out.exists()

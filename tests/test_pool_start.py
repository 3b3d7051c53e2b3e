"""A stop signal that arrives while the local pool starts its workers stops the run.

The pool forks its workers from a process that already has native threads (OpenBLAS's,
pyarrow's jemalloc, tqdm's monitor). Blocking the stop signals in the main thread while
forking is not enough: the kernel hands a signal sent to the process to one of those
threads, and Python then runs the handler in the main thread anyway — possibly inside the
hooks ``os.fork`` runs (``logging`` registers some), where its exception is printed as
"Exception ignored" and dropped: the command ran on for minutes (Ctrl-C), or failed with that
traceback once a worker died of its own SIGTERM (seen in ~1 % of real signals sent as the
workers start). Here the signal is made to land exactly there, every time: from a hook run
in the parent after each fork, sent to a thread that does not block it, as the kernel does.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SCENARIOS

CLASSROOM = SCENARIOS / "classroom-jevons.yaml"
#: Exit status of the script below when the pool started its workers without forking (no hook ran).
NOT_FORKED = 3
#: Exit status of the script below when the run went to its end: the stop was lost.
NOT_STOPPED = 4

SCRIPT = f"""
import os, signal, sys, threading, time
import psutil
import simulator
from simulator import interrupts
from simulator.ensemble.runner import run_members
from simulator.ensemble.sampling import draw, uncertain_parameters
from simulator.errors import Interrupted

sig = signal.Signals[sys.argv[1]]
scenario = simulator.load_scenario(sys.argv[2])
parameters = uncertain_parameters(scenario)
library_thread = threading.Thread(target=threading.Event().wait, daemon=True)
library_thread.start()
forks = []

def stop_while_forking():
    forks.append(os.getpid())
    if len(forks) == 1:
        signal.pthread_kill(library_thread.ident, sig)
        time.sleep(0.05)  # Python runs the handler here, in this hook

os.register_at_fork(after_in_parent=stop_while_forking)
with interrupts.raised_as_exceptions():
    try:
        run_members(scenario, parameters, draw(parameters, 200, seed=1), workers=2, chunk=50, progress=False)
    except Interrupted as exc:
        _, alive = psutil.wait_procs(psutil.Process().children(), timeout=5)
        print(exc, "-", len(alive), "worker(s) left")
        sys.exit(128 + sig if not alive else 1)
sys.exit({NOT_FORKED} if not forks else {NOT_STOPPED})
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="forks a pool of workers (Linux)")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_stop_while_the_workers_start_stops_the_run(sig):
    done = subprocess.run([sys.executable, "-c", SCRIPT, sig.name, str(CLASSROOM)], capture_output=True, text=True,
                          timeout=120)
    if done.returncode == NOT_FORKED:
        pytest.skip("the pool does not fork its workers: no fork hook to land in")
    assert done.returncode != NOT_STOPPED, f"the stop was lost, the run went to its end:\n{done.stderr}"
    assert done.returncode == 128 + sig, done.stdout + done.stderr
    assert "0 worker(s) left" in done.stdout
    assert "members had finished; nothing was written" in done.stdout
    assert "Exception ignored" not in done.stderr, done.stderr
    assert "Traceback" not in done.stderr, done.stderr


# --- a stop whose exception was swallowed on its way ----------------------------------------------


def _swallowing(monkeypatch, then: type[Exception] | None = None) -> None:
    """Make `jevons run` receive SIGTERM while it loads the scenario, and lose its exception there, as an
    extension module being imported does (numpy's turns it into "ImportError: Unable to import required
    dependency"; pandas takes pyarrow's for a missing optional dependency and goes on)."""
    import simulator.scenario.load as load

    original = load.load_scenario

    def load_and_lose_a_stop(*args, **kwargs):
        try:
            signal.raise_signal(signal.SIGTERM)
        except KeyboardInterrupt:
            if then is not None:
                raise then("Unable to import required dependency numpy") from None
        return original(*args, **kwargs)

    monkeypatch.setattr(load, "load_scenario", load_and_lose_a_stop)


@pytest.mark.parametrize("then", [None, ImportError], ids=["swallowed", "became-an-import-error"])
def test_a_stop_whose_exception_was_lost_still_stops_the_command(monkeypatch, tmp_path, capsys, then):
    from simulator import interrupts
    from simulator.cli import main

    _swallowing(monkeypatch, then)
    assert main(["run", str(CLASSROOM), "--no-plots", "-o", str(tmp_path / "out")]) == 128 + signal.SIGTERM
    assert capsys.readouterr().err.splitlines() == ["terminated (SIGTERM); previous outputs left as they were"]
    assert not (tmp_path / "out").exists()
    assert interrupts.requested() is None  # forgotten once the command is over
    monkeypatch.undo()
    assert main(["validate", str(CLASSROOM)]) == 0


def test_no_progress_monitor_thread_in_the_process_that_forks():
    """tqdm starts a monitor thread for any bar, even a disabled one: one more thread a fork copies in mid-flight.
    In a process of its own: another library's bar in this one may have started it already."""
    script = (
        "import simulator, tqdm\n"
        "from simulator.ensemble.runner import run_members\n"
        "from simulator.ensemble.sampling import draw, uncertain_parameters\n"
        f"scenario = simulator.load_scenario({str(CLASSROOM)!r})\n"
        "parameters = uncertain_parameters(scenario)\n"
        "run_members(scenario, parameters, draw(parameters, 8, seed=1), workers=1, progress=False)\n"
        "print('monitor', tqdm.tqdm.monitor is not None and tqdm.tqdm.monitor.is_alive())\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["monitor", "False"]

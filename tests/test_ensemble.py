"""Monte Carlo, sweeps and sensitivity: reproducibility, closed forms, known indices, outputs."""

from __future__ import annotations

import copy
import json

import numpy as np
import pandas as pd
import pytest
from conftest import CLASSROOM, SCENARIOS, STACKED

import simulator
from simulator.cli import main
from simulator.ensemble import runner
from simulator.ensemble.montecarlo import PERCENTILES, monte_carlo
from simulator.ensemble.sampling import draw, uncertain_parameters
from simulator.ensemble.sensitivity import analyse
from simulator.ensemble.sweep import sweep
from simulator.errors import Interrupted, ScenarioError
from simulator.model.variants import VARIANTS
from simulator.scenario import space
from simulator.units import takes_bare_number

UNCERTAIN_CLASSROOM = {
    **copy.deepcopy(CLASSROOM),
    "uncertainty": {
        "demand.services.*.elasticity": {"dist": "uniform", "low": 0.2, "high": 1.8},
        "generations.network.efficiency_gain": {"dist": "triangular", "low": 0.05, "mode": 0.15, "high": 0.25},
    },
}

UNCERTAIN_STACKED = {
    **copy.deepcopy(STACKED),
    "policies": [{"type": "lifetime", "equipment": "radio", "lifetime": 12, "at": 2020},
                 {"type": "surcharge", "rate": 0.2, "at": 2024}],
    "uncertainty": {
        "policies.0.at": {"dist": "choice", "values": [2018, 2022]},
        "policies.0.lifetime": {"dist": "uniform", "low": 10, "high": 14},
        "policies.1.rate": {"dist": "uniform", "low": 0.0, "high": 0.5},
        "demand.services.*.elasticity": {"dist": "uniform", "low": 0.1, "high": 1.5},
        "generations.new.launch": {"dist": "choice", "values": [2008, 2010, 2012]},
        "generations.old.switch_off": {"dist": "uniform", "low": 2020, "high": 2028},
        "equipment.baseband.lifetime": {"dist": "lognormal", "median": 8, "gsd": 1.3},
        "equipment.radio.lifetime": {"dist": "uniform", "low": 6, "high": 14},
        "equipment.radio.embodied.climate_change": {"dist": "normal", "mean": 500, "sd": 100},
        "grid.climate_change.2030": {"dist": "uniform", "low": 0.05, "high": 0.5},
        "demand.users.2030": {"dist": "uniform", "low": 2e6, "high": 4e6},
    },
}


@pytest.fixture(scope="module")
def classroom_u():
    return simulator.scenario_from_dict(UNCERTAIN_CLASSROOM)


@pytest.fixture(scope="module")
def stacked_u():
    return simulator.scenario_from_dict(UNCERTAIN_STACKED)


def test_same_seed_same_members_whatever_workers_and_chunks(stacked_u):
    """Bit-identical members: in this process, on two processes, in chunks of any size."""
    params = uncertain_parameters(stacked_u)
    values = draw(params, 24, seed=7)
    one = runner.run_members(stacked_u, params, values, workers=1, chunk=24, progress=False)
    two = runner.run_members(stacked_u, params, values, workers=2, chunk=5, progress=False)
    three = runner.run_members(stacked_u, params, values, workers=1, chunk=1, progress=False)
    for name in ("energy", "climate_change", "traffic"):
        assert np.array_equal(getattr(one, name), getattr(two, name))
        assert np.array_equal(getattr(one, name), getattr(three, name))
    assert not np.array_equal(draw(params, 24, seed=8), values)
    assert np.array_equal(draw(params, 24, seed=7), values)


def test_member_equals_its_own_single_run(stacked_u):
    """A member of an ensemble is the run of the scenario with its values written in."""
    params = uncertain_parameters(stacked_u)
    values = draw(params, 4, seed=1)
    assert len(set(values[:, 0])) == 2  # two policy schedules: the chunk runs as two batches
    ensemble = runner.run_members(stacked_u, params, values, workers=1, progress=False)
    for i, row in enumerate(values):
        overrides = []
        for p, v in zip(params, row, strict=True):
            for path in p.paths:
                (_, annotation), = space.expand(stacked_u, path)
                unit = space.unit_of(annotation)
                written = f"{float(v)!r}" if takes_bare_number(unit) else f"{float(v)!r} {unit}"  # as a person would
                overrides.append(f"{'.'.join(map(str, path))}={written}")
        data = {k: copy.deepcopy(v) for k, v in UNCERTAIN_STACKED.items() if k != "uncertainty"}
        single = simulator.simulate(simulator.scenario_from_dict(data, overrides), VARIANTS)
        np.testing.assert_allclose(ensemble.energy[i], single.all_variants("energy"), rtol=1e-12)
        np.testing.assert_allclose(ensemble.climate_change[i],
                                   single.all_variants("impact", category="climate_change"), rtol=1e-12)


def test_samples_follow_their_distributions(stacked_u):
    params = {p.key: k for k, p in enumerate(uncertain_parameters(stacked_u))}
    values = draw(uncertain_parameters(stacked_u), 20000, seed=3)
    e = values[:, params["demand.services.*.elasticity"]]
    assert e.min() >= 0.1 and e.max() <= 1.5 and abs(e.mean() - 0.8) < 0.01
    launch = values[:, params["generations.new.launch"]]
    assert set(np.unique(launch)) == {2008, 2010, 2012}
    life = values[:, params["equipment.baseband.lifetime"]]
    assert np.median(life) == pytest.approx(8, rel=0.02)
    assert np.std(np.log(life)) == pytest.approx(np.log(1.3), rel=0.05)  # truncation at 0.1 % barely narrows it
    emb = values[:, params["equipment.radio.embodied.climate_change"]]
    assert emb.mean() == pytest.approx(500, rel=0.01) and emb.std() == pytest.approx(100, rel=0.03)


def test_sweep_reproduces_the_closed_form_jevons_map():
    """Classroom, ε × efficiency gain: R at the final year = (x^(1-ε) - x) / (1 - x)."""
    scenario = simulator.scenario_from_dict(CLASSROOM)
    sw = sweep(scenario, ["demand.services.data.elasticity=0:2:9", "generations.network.efficiency_gain=0.05:0.3:6"],
               workers=1, progress=False, measure="frozen")
    table = sw.table()
    years = scenario.time.end - scenario.time.start
    eps = table["demand.services.data.elasticity"].to_numpy()
    x = (1 - table["generations.network.efficiency_gain"].to_numpy()) ** years
    np.testing.assert_allclose(table["rebound_frozen_energy_final"], (x ** (1 - eps) - x) / (1 - x), rtol=1e-9,
                               atol=1e-12)
    assert (table["backfire"] == (eps > 1 + 1e-9)).all()
    assert len(table) == 54


def test_sobol_recovers_ishigami_indices():
    """SALib's Ishigami function through our pipeline: analytic S1 and ST (Homma & Saltelli 1996)."""
    from SALib.test_functions import Ishigami

    indices, runs = analyse(["x1", "x2", "x3"], lambda u: -np.pi + 2 * np.pi * u,
                            lambda x: {"y": Ishigami.evaluate(x)}, "sobol", 2048, seed=1)
    assert runs == 2048 * 5
    table = indices.set_index("parameter")
    np.testing.assert_allclose(table["S1"], [0.3139, 0.4424, 0.0], atol=0.04)
    np.testing.assert_allclose(table["ST"], [0.5576, 0.4424, 0.2437], atol=0.04)


def test_morris_ranks_ishigami_x3_last_on_mean_effect():
    from SALib.test_functions import Ishigami

    indices, runs = analyse(["x1", "x2", "x3"], lambda u: -np.pi + 2 * np.pi * u,
                            lambda x: {"y": Ishigami.evaluate(x)}, "morris", 200, seed=1)
    assert runs == 200 * 4
    mu = indices.set_index("parameter")["mu"]
    assert abs(mu["x3"]) < abs(mu["x1"])


@pytest.mark.parametrize("measure", [None, "window"])
def test_percentiles_are_monotone_and_bracket_the_median(stacked_u, measure):
    # frozen uses ~2.3x the actual energy here: with a headline limit of 1.5 it is not headlined
    stacked_u = stacked_u.model_copy(update={"rebound": stacked_u.rebound.model_copy(
        update={"frozen_headline_limit": 1.5})})
    mc = monte_carlo(stacked_u, 40, seed=2, workers=1, progress=False, measure=measure)
    bands = mc.bands()
    cols = [f"p{p}" for p in PERCENTILES]
    values = bands[cols].to_numpy()
    ok = ~np.isnan(values).any(axis=1)
    assert ok.sum() > len(values) * 0.9
    assert (np.diff(values[ok], axis=1) >= 0).all()
    summary = mc.summary()
    for quantity in ("energy", "traffic", "climate_change"):
        stats = summary["cumulative"][quantity]
        assert stats["p5"] <= stats["p25"] <= stats["p50"] <= stats["p75"] <= stats["p95"]
    if measure is None:  # frozen/actual is far above the limit here: the default is induced, not a rebound
        assert summary["measure"] == "induced" and "probability_of_backfire" not in summary
        assert set(bands["quantity"]) == {"energy", "traffic", "climate_change", "induced_energy"}
    else:
        assert 0.0 <= summary["probability_of_backfire"]["energy"] <= 1.0


def test_probability_of_backfire_matches_the_closed_form(classroom_u):
    """Classroom: backfire exactly when ε > 1, so P(backfire) = P(ε > 1) = 0.8 / 1.6 for U(0.2, 1.8)."""
    mc = monte_carlo(classroom_u, 400, seed=5, workers=1, progress=False)
    eps = mc.ensemble.values[:, 0]
    assert mc.summary()["probability_of_backfire"]["energy"] == pytest.approx((eps > 1).mean(), abs=1e-12)
    assert (eps > 1).mean() == pytest.approx(0.5, abs=0.08)


def test_dask_cluster_gives_the_local_result(stacked_u):
    """A real Dask scheduler and two worker processes on 127.0.0.1; same members, bit for bit."""
    from distributed import LocalCluster

    params = uncertain_parameters(stacked_u)
    values = draw(params, 12, seed=11)
    local = runner.run_members(stacked_u, params, values, workers=1, chunk=4, progress=False)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        remote = runner.run_members(stacked_u, params, values, scheduler=cluster.scheduler_address, chunk=4,
                                    progress=False)
        assert len(cluster.scheduler_info["workers"]) == 2
    for name in ("energy", "climate_change", "traffic"):
        assert np.array_equal(getattr(local, name), getattr(remote, name))


def test_ctrl_c_stops_cleanly_and_says_how_many_finished(classroom_u, monkeypatch):
    params = uncertain_parameters(classroom_u)
    calls = []
    real = runner.run_chunk

    def interrupted(*args, **options):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args, **options)

    monkeypatch.setattr(runner, "run_chunk", interrupted)
    with pytest.raises(Interrupted) as info:
        runner.run_members(classroom_u, params, draw(params, 50, 0), workers=1, chunk=10, progress=False)
    assert (info.value.done, info.value.total) == (20, 50)
    assert "20 of 50 members" in str(info.value)


@pytest.fixture
def scenario_file(tmp_path):
    import yaml

    path = tmp_path / "u.yaml"
    path.write_text(yaml.safe_dump(UNCERTAIN_CLASSROOM), encoding="utf-8")
    return path


def test_montecarlo_command_writes_its_outputs(scenario_file, tmp_path, capsys):
    out = tmp_path / "mc"
    assert main(["montecarlo", str(scenario_file), "-n", "30", "--seed", "4", "-o", str(out), "--workers", "1",
                 "--no-plots"]) == 0
    assert {p.name for p in out.iterdir()} == {"members.parquet", "members.csv", "bands.csv", "summary.json",
                                               "manifest.json"}
    members = pd.read_parquet(out / "members.parquet")
    assert set(members.columns) == {"member", "time", "variable", "variant", "unit", "value"}
    assert members["member"].nunique() == 30
    totals = pd.read_csv(out / "members.csv")
    assert len(totals) == 30 and "energy_cumulative_actual [kWh]" in totals
    summary = json.loads((out / "summary.json").read_text())
    assert summary["members"] == 30 and summary["seed"] == 4
    assert "probability of backfire" in capsys.readouterr().out
    from importlib import metadata

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["dependencies"]["SALib"] == metadata.version("SALib")  # what the ensemble ran with
    assert capsys.readouterr().err == ""  # no progress bar when not on a terminal


def test_progress_bar_when_asked(scenario_file, tmp_path, capsys):
    assert main(["montecarlo", str(scenario_file), "-n", "10", "-o", str(tmp_path / "mc"), "--workers", "1",
                 "--no-plots", "--progress"]) == 0
    assert "10/10" in capsys.readouterr().err


def test_interrupted_command_writes_nothing_and_keeps_old_outputs(scenario_file, tmp_path, monkeypatch, capsys):
    out = tmp_path / "mc"
    assert main(["montecarlo", str(scenario_file), "-n", "4", "-o", str(out), "--workers", "1", "--no-plots"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def stop(*args, **options):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "run_chunk", stop)
    assert main(["montecarlo", str(scenario_file), "-n", "10", "-o", str(out), "--workers", "1"]) == 130
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert "0 of 10 members had finished" in capsys.readouterr().err


@pytest.mark.parametrize("argv,message", [
    (["montecarlo", "{f}", "-n", "0"], "expected a whole number from 1"),
    (["montecarlo", "{f}", "-n", "5", "--params", "nope"], "expected a key of uncertainty:"),
    (["sweep", "{f}", "--grid", "demand.services.*.elasticity=2:1:5"], "expected PATH=LO:HI:N"),
    (["sweep", "{f}", "--grid", "demand.services.*.elasticity=-1:1:5"], "greater than or equal to 0"),
    (["sweep", "{f}", "--grid", "time.end=2030:2040:3"], "expected the path of a model parameter"),
    (["sensitivity", "{f}", "-n", "4", "--method", "fast"], "invalid choice"),
])
def test_bad_ensemble_input_exits_2_and_writes_nothing(scenario_file, tmp_path, argv, message, capsys):
    out = tmp_path / "out"
    argv = [a.replace("{f}", str(scenario_file)) for a in argv] + ["-o", str(out)]
    with pytest.raises(SystemExit) if "-n" in argv and argv[argv.index("-n") + 1] == "0" or "fast" in argv \
            else _no_exit() as _:
        status = main(argv)
        assert status == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


class _no_exit:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_scenario_without_uncertainty_is_refused(tmp_path, capsys):
    import yaml

    path = tmp_path / "plain.yaml"
    path.write_text(yaml.safe_dump(CLASSROOM), encoding="utf-8")
    assert main(["montecarlo", str(path), "-n", "5", "-o", str(tmp_path / "o")]) == 2
    assert "no uncertainty: section" in capsys.readouterr().err


@pytest.mark.parametrize("entry,message", [
    ({"x.y": {"dist": "uniform", "low": 0, "high": 1}}, "the scenario has no 'x'"),
    ({"demand.services.*.elasticity": {"dist": "uniform", "low": 1, "high": 0}}, "expected low < high"),
    ({"demand.services.*.elasticity": {"dist": "normal", "mean": 0.5, "sd": 1}}, "greater than or equal to 0"),
    ({"generations.network.efficiency_gain": {"dist": "uniform", "low": 0.5, "high": 1.0}}, "less than 1"),
    ({"demand.users": {"dist": "gamma", "low": 1, "high": 2}}, "dist"),
    ({"time.start": {"dist": "uniform", "low": 2000, "high": 2001}}, "expected the path of a model parameter"),
    ({"demand.services.data": {"dist": "uniform", "low": 0, "high": 1}}, "not a number"),
    ({"demand.services.data.elasticity": {"dist": "uniform", "low": 0, "high": 1},
      "demand.services.*.elasticity": {"dist": "uniform", "low": 0, "high": 2}}, "already moves; keep one of them"),
])
def test_bad_uncertainty_sections_are_located_errors(entry, message):
    data = {**copy.deepcopy(CLASSROOM), "uncertainty": entry}
    with pytest.raises(ScenarioError) as info:
        simulator.scenario_from_dict(data)
    assert message in str(info.value)
    assert "uncertainty." in str(info.value)


def _stopped_while_members_run(scenario_file, out, where: list[str], signum: int, delay: float = 1.0
                               ) -> tuple[int, str, int]:
    """Start a Monte Carlo in its own process group, send ``signum`` to the whole group (as a terminal's
    Ctrl-C does) ``delay`` s after its progress bar shows; (exit status, stderr, process group)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", "montecarlo", str(scenario_file), "-n", "200000", *where,
         "--chunk", "100", "-o", str(out), "--no-plots", "--progress"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        seen = ""
        while "members:" not in seen:  # the progress bar is up: the members are running
            seen += process.stderr.read(1)
            assert process.poll() is None, seen
        time.sleep(delay)
        os.killpg(process.pid, signum)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:  # never leave workers behind, even when the test fails
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return process.returncode, err, process.pid


@pytest.mark.parametrize("delay", [0.05, 0.3])
def test_a_ctrl_c_while_the_dask_cluster_starts_is_not_lost(scenario_file, tmp_path, delay):
    """While the local cluster's processes start (the first second after the bar shows): the signal stops the
    run, as later. It was once dropped: the signals were ignored in this process while the cluster started,
    and a native thread that does not block them took it."""
    import signal

    status, err, _ = _stopped_while_members_run(scenario_file, tmp_path / "mc", ["--dask-local", "2"],
                                                signal.SIGINT, delay)
    assert status == 130, err
    assert "nothing was written" in err and not (tmp_path / "mc").exists()


@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM"])
def test_real_stop_of_a_local_dask_cluster_prints_one_line(scenario_file, tmp_path, stop):
    """A stop signal to the whole process group once members run on a local Dask cluster: the cluster's
    processes ignore it (they inherit SIG_IGN), this process stops them: one line, no log, no orphan."""
    import signal
    import subprocess
    import time

    out = tmp_path / "mc"
    signum = getattr(signal, stop)
    status, err, group = _stopped_while_members_run(scenario_file, out, ["--dask-local", "2"], signum)
    assert status == 128 + signum, err
    lines = [line for line in err.replace("\r", "\n").splitlines() if line.strip() and "members:" not in line]
    assert lines == [lines[-1]] and "members had finished; nothing was written" in lines[-1], err
    assert not out.exists()
    for _ in range(100):  # a worker's zombie may wait a moment for init to reap it: not alive
        states = subprocess.run(["ps", "-o", "stat=", "-s", str(group)], capture_output=True, text=True).stdout.split()
        alive = [s for s in states if not s.startswith("Z")]
        if not alive:
            break
        time.sleep(0.1)
    assert not alive, f"processes of the run still alive: {alive}"


def test_real_ctrl_c_on_a_process_pool(scenario_file, tmp_path):
    """SIGINT to the whole process group, as a terminal's Ctrl-C: exit 130, a count, nothing written."""
    import signal

    out = tmp_path / "mc"
    status, err, _ = _stopped_while_members_run(scenario_file, out, ["--workers", "2"], signal.SIGINT)
    assert status == 130, err
    assert "members had finished; nothing was written" in err
    assert "Traceback" not in err
    assert not out.exists()
    assert not list(tmp_path.glob(".mc*")), "nothing written, nothing left beside the target"


def test_default_chunk_follows_the_size_of_a_member():
    from simulator.ensemble.runner import default_chunk

    assert default_chunk(simulator.load_scenario(SCENARIOS / "world-mobile.yaml")) == 200
    assert default_chunk(simulator.load_scenario(SCENARIOS / "classroom-jevons.yaml")) == 1000

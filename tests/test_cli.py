"""The jevons command end to end, in a temporary folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from simulator import __version__
from simulator.cli import main
from simulator.scenario.schema import CATEGORIES

ROOT = Path(__file__).resolve().parents[1]
CLASSROOM = ROOT / "scenarios" / "classroom-jevons.yaml"
LABELS = ["part", "generation", "layer", "device", "service", "equipment", "category", "phase", "network", "workload",
          "scope"]


def _beside(folder: Path) -> list[str]:
    """What a folder holds, the outputs' store (its lock and the replaced set) aside; nothing else may be there."""
    store = sorted(p.name for p in (folder / ".out.jevons").iterdir())
    assert store in (["lock"], ["lock", "previous"]), store
    return sorted(p.name for p in folder.iterdir() if p.name != ".out.jevons")


def test_run_writes_the_output_contract(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["run", str(CLASSROOM), "--no-plots"]) == 0
    out = tmp_path / "outputs" / "classroom-jevons"
    assert sorted(p.name for p in out.iterdir()) == [
        "contributions.csv", "innovations.csv", "manifest.json", "summary.json", "timeseries.csv"]
    table = pd.read_csv(out / "timeseries.csv", keep_default_na=False)
    assert list(table.columns) == ["time", "variant", "variable", "unit", *LABELS, "value", "note"]
    assert {"actual", "engineering", "frozen"} == set(table["variant"])
    for variable in ["traffic", "energy", "energy_intensity", "sites", "cost_index", "impact", "rebound",
                     "rebound_window", "rebound_marginal"]:
        assert variable in set(table["variable"]), variable
    assert (table["unit"] != "").all()
    energy = table[(table.variable == "energy") & (table.generation == "") & (table.layer == "")
                   & (table.device == "")]
    assert set(energy["unit"]) == {"kWh/yr"}
    summary = json.loads((out / "summary.json").read_text())
    assert summary["scenario"] == "classroom-jevons" and summary["version"] == __version__
    for q in ["energy", "traffic", *CATEGORIES]:
        assert set(summary["totals"][q]) >= {"unit", "actual", "engineering", "frozen"}
        assert q in summary["final_year"]
    assert summary["backfire"]["energy"] is True and summary["rebound"]["energy"] > 1
    assert set(summary["totals"]["climate_change"]["by_phase"]) == {"manufacturing", "use", "end_of_life"}
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["scenario"]["demand"]["services"]["data"]["usage"] == "2 GB/month"
    assert len(manifest["scenario_sha256"]) == 64 and manifest["command"][:2] == ["jevons", "run"]
    assert "backfire" in capsys.readouterr().out


def test_a_run_computes_its_summary_once(tmp_path, monkeypatch, capsys):
    """summary.json and the printed verdict come from one computation (it costs more than the run itself)."""
    from simulator.results import Results

    calls = []
    computed = Results._summary
    monkeypatch.setattr(Results, "_summary", lambda self, between: calls.append(between) or computed(self, between))
    assert main(["run", str(CLASSROOM), "--no-plots", "-o", str(tmp_path / "o")]) == 0
    assert calls == [None]
    printed = capsys.readouterr().out
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert f"{summary['start']:g}-{summary['end']:g}" in printed


def test_set_changes_the_run_and_is_recorded(tmp_path):
    out = tmp_path / "what-if"
    assert main(["run", str(CLASSROOM), "--no-plots", "-o", str(out),
                 "--set", "demand.services.data.elasticity=0.5"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["backfire"]["energy"] is False and 0 < summary["rebound"]["energy"] < 1
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["scenario"]["demand"]["services"]["data"]["elasticity"] == 0.5


def test_failure_while_writing_leaves_previous_output_intact(tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert main(["run", str(CLASSROOM), "--no-plots", "-o", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("simulator.results.Results.contributions", broken)
    assert main(["run", str(CLASSROOM), "--no-plots", "-o", str(out),
                 "--set", "demand.services.data.elasticity=0.3"]) == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert _beside(tmp_path) == ["out"], "no temporary folder left behind"


def test_output_path_that_is_a_file_is_an_input_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("keep me")
    assert main(["run", str(CLASSROOM), "--no-plots", "-o", str(blocker)]) == 2
    assert "is not a folder" in capsys.readouterr().err
    assert blocker.read_text() == "keep me"


def test_bad_format_and_dpi_are_usage_errors(capsys):
    for args in (["--format", "gif"], ["--dpi", "0"]):
        with pytest.raises(SystemExit) as exit_:
            main(["run", str(CLASSROOM), *args])
        assert exit_.value.code == 2
    assert "expected" in capsys.readouterr().err


def test_validate_all_shipped_scenarios():
    assert main(["validate", *map(str, sorted((ROOT / "scenarios").glob("*.yaml")))]) == 0


def test_python_dash_m_and_console_script_agree(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "simulator", "validate", str(CLASSROOM)],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode == 0 and "ok" in done.stdout
    done = subprocess.run([sys.executable, "-m", "simulator", "--version"], capture_output=True,
                          text=True, env=env, cwd=tmp_path)
    assert done.stdout.strip() == f"jevons {__version__}"


def test_internal_errors_exit_1_and_debug_shows_traceback(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr("simulator.engine.simulate", lambda *a, **k: 1 / 0)
    assert main(["run", str(CLASSROOM), "--no-plots", "-o", str(tmp_path / "o")]) == 1
    assert "internal error: ZeroDivisionError" in capsys.readouterr().err
    assert main(["run", "--debug", str(CLASSROOM), "--no-plots", "-o", str(tmp_path / "o")]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_overflow_is_stopped_with_variable_time_and_variant(tmp_path, capsys):
    status = main(["run", str(CLASSROOM), "--no-plots", "-o", str(tmp_path / "o"),
                   "--set", "time.end=2400", "--set", "demand.services.data.growth=9"])
    err = capsys.readouterr().err
    assert status == 2
    assert ("--set: demand.services.data.growth: found 9.0, which most likely makes the run blow up: "
            "traffic is nan at t=2287.5 (actual)") in err
    assert "Warning" not in err
    assert not (tmp_path / "o").exists()


def test_same_scenario_gives_byte_identical_tables(tmp_path):
    for name in ("a", "b"):
        assert main(["run", str(CLASSROOM), "--no-plots", "-o", str(tmp_path / name)]) == 0
    for file in ("timeseries.csv", "summary.json", "contributions.csv"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes(), file


def test_from_manifest_reproduces_a_run_exactly(tmp_path):
    first = tmp_path / "first"
    assert main(["run", str(CLASSROOM), "--no-plots", "-o", str(first),
                 "--set", "demand.services.data.elasticity=0.7", "--set", "seed=42"]) == 0
    again = tmp_path / "again"
    assert main(["run", "--from-manifest", str(first / "manifest.json"), "--no-plots", "-o", str(again)]) == 0
    for file in ("timeseries.csv", "summary.json", "contributions.csv"):
        assert (first / file).read_bytes() == (again / file).read_bytes(), file
    manifest = json.loads((again / "manifest.json").read_text())
    assert manifest["seed"] == 42
    assert manifest["scenario_sha256"] == json.loads((first / "manifest.json").read_text())["scenario_sha256"]


def test_edited_manifest_is_refused(tmp_path, capsys):
    first = tmp_path / "first"
    assert main(["run", str(CLASSROOM), "--no-plots", "-o", str(first)]) == 0
    manifest = json.loads((first / "manifest.json").read_text())
    manifest["scenario"]["demand"]["services"]["data"]["elasticity"] = 3
    (first / "manifest.json").write_text(json.dumps(manifest))
    assert main(["run", "--from-manifest", str(first / "manifest.json"), "--no-plots", "-o",
                 str(tmp_path / "x")]) == 2
    assert "does not match its sha256" in capsys.readouterr().err


def test_seed_changes_nothing_in_a_deterministic_model(tmp_path):
    """Version 1 has no stochastic part: the seed is recorded (Monte Carlo will use it) and changes nothing else."""
    for seed in (1, 2):
        assert main(["run", str(CLASSROOM), "--no-plots", "-o", str(tmp_path / str(seed)),
                     "--set", f"seed={seed}"]) == 0
    assert (tmp_path / "1" / "timeseries.csv").read_bytes() == (tmp_path / "2" / "timeseries.csv").read_bytes()


@pytest.mark.parametrize("where,error,status", [
    ("simulator.results.Results.to_frame", KeyboardInterrupt, 130),
    ("simulator.plots.save_all", RuntimeError, 1),
])
def test_interrupted_or_failing_run_keeps_previous_outputs(tmp_path, monkeypatch, where, error, status):
    out = tmp_path / "out"
    assert main(["run", str(CLASSROOM), "--no-plots", "-o", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def fail(*args, **kwargs):
        raise error("stop")

    monkeypatch.setattr(where, fail)
    assert main(["run", str(CLASSROOM), "-o", str(out), "--set", "demand.services.data.elasticity=0.2"]) == status
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert _beside(tmp_path) == ["out"]


def test_output_under_a_file_cannot_be_created(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("keep me")
    assert main(["run", str(CLASSROOM), "--no-plots", "-o", str(blocker / "sub" / "out")]) == 2
    assert "a part of the path before its name exists and is not a folder" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]
    assert blocker.read_text() == "keep me"


def test_tables_are_byte_identical_across_processes(tmp_path):
    """A run in another Python process (fresh hash seeds, fresh imports) writes the same bytes."""
    assert main(["run", str(CLASSROOM), "--no-plots", "-o", str(tmp_path / "here")]) == 0
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "123"}
    done = subprocess.run([sys.executable, "-m", "simulator", "run", str(CLASSROOM), "--no-plots", "-o",
                           str(tmp_path / "there")], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    for file in ("timeseries.csv", "summary.json", "contributions.csv"):
        assert (tmp_path / "here" / file).read_bytes() == (tmp_path / "there" / file).read_bytes(), file


@pytest.mark.parametrize("r, induced, kind", [
    (1.003, 0.4, "backfire"), (1.0 + 1e-9, 0.3, "full"), (0.999, 0.3, "partial"), (1e-9, 0.2, "partial"),
    (0.0, 0.0, "none"), (-0.1, -0.01, "negative"), (None, None, "undefined"), (float("nan"), None, "undefined"),
])
def test_one_classification_of_a_rebound(r, induced, kind):
    """R = 1.003 was "backfire" on the command line and "full rebound" on the live page: one classification now."""
    from simulator.rebound import backfires, rebound_verdict

    assert rebound_verdict(r, induced) == kind
    assert backfires(r) == (kind == "backfire")


def test_the_command_line_prints_the_summary_verdict_and_what_was_induced(tmp_path, capsys):
    assert main(["run", str(CLASSROOM), "--no-plots", "-o", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out.splitlines()
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["verdict"]["text"]["en"] in printed
    assert any(line.startswith("induced by the demand response (energy, actual − engineering estimate): +1.06 TWh")
               for line in printed)
    assert not any("not headlined" in line for line in printed), "frozen is meaningful in the classroom"


def test_between_sets_the_years_of_the_decomposition(tmp_path, capsys):
    assert main(["run", str(CLASSROOM), "--no-plots", "-o", str(tmp_path / "out"), "--between", "2015", "2025"]) == 0
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    d = summary["decomposition"]["energy"]
    assert (d["from"], d["to"]) == (2015.0, 2025.0)
    assert sum(d["terms"].values()) == pytest.approx(d["change"], rel=1e-9)
    assert main(["run", str(CLASSROOM), "--no-plots", "-o", str(tmp_path / "bad"), "--between", "2025", "2015"]) == 2
    assert "--between: found 2025 2015, expected two instants of the run" in capsys.readouterr().err
    assert not (tmp_path / "bad").exists()


def test_a_reader_that_stops_reading_ends_the_command_quietly_with_its_outputs_written(tmp_path):
    """`jevons run ... | head`: the console lines go to a pipe nobody reads any more. The outputs were
    written before the lines: the command exits 141 (as a shell's SIGPIPE) with nothing on stderr."""
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line
    with os.fdopen(write, "wb") as stdout:
        command = [sys.executable, "-m", "simulator", "run", str(ROOT / "scenarios" / "classroom-jevons.yaml"),
                   "-o", str(tmp_path / "out"), "--no-plots"]
        done = subprocess.run(command, stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=120,
                              env={**os.environ, "MPLBACKEND": "Agg"})
    assert done.returncode == 141, done.stderr
    assert done.stderr == ""
    assert {"timeseries.csv", "summary.json", "manifest.json"} <= {p.name for p in (tmp_path / "out").iterdir()}

"""Output folders: a user's files are never touched, readers never see a missing or half-written set,
killed and concurrent runs leave nothing stranded (simulator/output_folder.py, through the CLI)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[1]
CLASSROOM = ROOT / "scenarios" / "classroom-jevons.yaml"
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}


def _run(out: Path | str, *extra: str) -> int:
    return main(["run", str(CLASSROOM), "--no-plots", "-o", str(out), *extra])


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _complete(out: Path) -> bool:
    """The folder holds a manifest and every file it lists, none empty."""
    manifest = json.loads((out / "manifest.json").read_text())
    files = [out / name for name in manifest["contents"]]
    return all(f.is_dir() or (f.is_file() and f.stat().st_size > 0) for f in files)


def _store(out: Path) -> list[str]:
    return sorted(p.name for p in out.with_name(f".{out.name}.jevons").iterdir())


def test_a_folder_with_a_user_file_is_refused_and_kept(tmp_path, capsys):
    mine = tmp_path / "p"
    mine.mkdir()
    (mine / "thesis.txt").write_text("three years of work")
    assert _run(mine) == 2
    err = capsys.readouterr().err
    assert "is not a jevons output folder" in err and "thesis.txt" in err and str(mine) in err
    assert _tree(mine) == {"thesis.txt": b"three years of work"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p"], "nothing written beside it either"


def test_the_folder_holding_the_scenario_is_refused(tmp_path, capsys):
    scenario = tmp_path / "mine.yaml"
    scenario.write_bytes(CLASSROOM.read_bytes())
    assert main(["run", str(scenario), "--no-plots", "-o", str(tmp_path)]) == 2
    assert "is not a jevons output folder" in capsys.readouterr().err
    assert scenario.read_bytes() == CLASSROOM.read_bytes()


@pytest.mark.parametrize("where", [".", "..", "/", "HOME"])
def test_current_parent_root_and_home_folders_are_refused(where, tmp_path, monkeypatch, capsys):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    target = str(home) if where == "HOME" else where
    before = sorted(p.name for p in tmp_path.rglob("*"))
    assert _run(target) == 2
    err = capsys.readouterr().err
    assert "choose a new folder" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_an_empty_folder_and_a_previous_output_are_replaced(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    assert _run(out) == 0
    first = _tree(out)
    assert _run(out, "--set", "demand.services.data.elasticity=0.5") == 0
    assert _tree(out) != first and _complete(out)
    assert _store(out) == ["lock", "previous"]
    assert _tree(out.with_name(".out.jevons") / "previous") == first, "the replaced set is kept until the next run"


def test_a_previous_output_with_a_user_file_added_is_refused(tmp_path, capsys):
    out = tmp_path / "out"
    assert _run(out) == 0
    (out / "notes.md").write_text("my notes")
    before = _tree(out)
    assert _run(out) == 2
    assert "also holds files jevons did not write (notes.md)" in capsys.readouterr().err
    assert _tree(out) == before


def test_a_jevons_0_1_output_folder_and_its_leftovers_are_replaced(tmp_path):
    """Folders written before manifests listed their contents are recognised by their names; the
    temporary folders that killed 0.1 runs left beside them are removed, a user's look-alike is not."""
    out = tmp_path / "out"
    (out / "plots").mkdir(parents=True)
    (out / "manifest.json").write_text(json.dumps({"version": "0.1.0", "command": ["jevons"], "files": {}}))
    (out / "timeseries.csv").write_text("time\n")
    (out / "plots" / "rebound.png").write_bytes(b"png")
    killed = tmp_path / ".out.tmp-abc123"
    killed.mkdir()
    (killed / "timeseries.csv").write_text("time\n")
    lookalike = tmp_path / ".out.old-42"
    lookalike.mkdir()
    (lookalike / "diary.txt").write_text("mine")
    assert _run(out) == 0
    assert _complete(out)
    assert not killed.exists()
    assert (lookalike / "diary.txt").read_text() == "mine"


@pytest.mark.parametrize("command", [
    ["compare", str(CLASSROOM), str(CLASSROOM), "--no-plots"],
    ["graph", str(CLASSROOM)],
    ["montecarlo", str(CLASSROOM), "-n", "4", "--workers", "1", "--no-plots", "--no-progress"],
    ["sweep", str(CLASSROOM), "--grid", "demand.services.data.elasticity=0:1:2", "--workers", "1", "--no-plots",
     "--no-progress"],
])
def test_every_command_that_writes_a_folder_refuses_a_users_folder(command, tmp_path, capsys):
    mine = tmp_path / "p"
    mine.mkdir()
    (mine / "thesis.txt").write_text("x")
    assert main([*command, "-o", str(mine)]) == 2
    assert "is not a jevons output folder" in capsys.readouterr().err
    assert _tree(mine) == {"thesis.txt": b"x"}
    fresh = tmp_path / "fresh"
    assert main([*command, "-o", str(fresh)]) == 0
    assert _complete(fresh)
    assert main([*command, "-o", str(fresh)]) == 0, "and replaces its own previous output"


@pytest.mark.parametrize("command, name", [(["reference"], "reference.md"),
                                           (["export-html", str(CLASSROOM), "--params", "elasticity"], "page.html")])
def test_single_file_outputs_replace_only_their_own_files(command, name, tmp_path, capsys):
    target = tmp_path / name
    target.write_text("my own file")
    assert main([*command, "-o", str(target)]) == 2
    assert "was not written by jevons" in capsys.readouterr().err
    assert target.read_text() == "my own file"
    target.unlink()
    assert main([*command, "-o", str(target)]) == 0
    first = target.read_bytes()
    assert main([*command, "-o", str(target)]) == 0
    assert target.read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == [name], "no temporary file left"


def test_a_second_writer_is_refused_at_once(tmp_path, capsys):
    out = tmp_path / "out"
    assert _run(out) == 0
    before = _tree(out)
    # another process holds the lock (filelock's locks are reentrant within one process)
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import filelock, sys, time
        with filelock.FileLock({str(tmp_path / '.out.jevons' / 'lock')!r}, timeout=0):
            print('held', flush=True)
            sys.stdin.readline()
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        assert _run(out, "--set", "demand.services.data.elasticity=0.5") == 2
        assert time.monotonic() - started < 5
        assert "another jevons command is writing to this folder" in capsys.readouterr().err
        assert _tree(out) == before
    finally:
        holder.communicate("\n", timeout=10)


def test_concurrent_runs_into_one_folder_strand_nothing(tmp_path):
    out = tmp_path / "out"
    runs = [subprocess.Popen([sys.executable, "-m", "simulator", "run", str(CLASSROOM), "-o", str(out),
                              "--set", f"demand.services.data.elasticity={e}"], env=ENV, cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for e in (0.5, 1.5)]
    results = [(r.wait(timeout=120), r.stderr.read()) for r in runs]
    assert sorted(status for status, _ in results) in ([0, 0], [0, 2]), results
    assert all("Traceback" not in err for _, err in results)
    assert _complete(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.jevons", "out"]
    assert _store(out) in (["lock"], ["lock", "previous"])


_KILLER = """
import os, sys
from pathlib import Path
import simulator.output_folder as folder
calls = {"n": 0}
stop_at = int(sys.argv[1])
def counted(function):
    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == stop_at:
            os._exit(9)  # as SIGKILL: no cleanup runs
        return function(*args, **kwargs)
    return wrapper
folder.os.rename = counted(os.rename)
folder._renameat2 = counted(folder._renameat2)
folder.shutil.rmtree = counted(folder.shutil.rmtree)
folder._list_contents = counted(folder._list_contents)
Path.write_text = counted(Path.write_text)
from simulator.cli import main
sys.exit(main(sys.argv[2:]))
"""


def test_a_kill_at_any_step_leaves_one_complete_set_and_the_next_run_cleans_up(tmp_path):
    """The writer is killed (os._exit, no cleanup) at each file-system step of writing and swapping in turn:
    the folder always holds one complete set, old or new, and the next run removes what was left."""
    out = tmp_path / "out"
    assert _run(out) == 0
    killer = tmp_path / "killer.py"
    killer.write_text(_KILLER)
    seen = set()
    for step in range(1, 40):
        elasticity = 0.1 + step / 100
        done = subprocess.run([sys.executable, str(killer), str(step), "run", str(CLASSROOM), "--no-plots", "-o",
                               str(out), "--set", f"demand.services.data.elasticity={elasticity}"],
                              env=ENV, cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert done.returncode in (0, 9), done.stderr
        assert _complete(out), f"killed at step {step}: the folder is not one complete set"
        manifest = json.loads((out / "manifest.json").read_text())
        seen.add(manifest["command"][-1])
        if done.returncode == 0:
            break
    else:
        pytest.fail("the writer never finished")
    assert len(seen) >= 2, "both the old and the new set were seen"
    assert step > 5, "the kill points cover the writing and the swap"
    assert _run(out) == 0
    assert _store(out) == ["lock", "previous"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.jevons", "killer.py", "out"]


def test_a_reader_never_finds_the_folder_missing_or_incomplete(tmp_path):
    out = tmp_path / "out"
    assert _run(out) == 0
    writer = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        from simulator.cli import main
        for e in (0.2, 0.4, 0.6, 0.8, 1.0, 1.2):
            assert main(["run", {str(CLASSROOM)!r}, "--no-plots", "-o", {str(out)!r},
                         "--set", f"demand.services.data.elasticity={{e}}"]) == 0
        """)], env=ENV, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    reads = 0
    while writer.poll() is None:
        assert out.is_dir(), "the output folder was missing"
        fd = os.open(out, os.O_RDONLY)
        try:
            names = os.listdir(fd)
            assert {"manifest.json", "summary.json", "timeseries.csv", "contributions.csv"} <= set(names), names
        finally:
            os.close(fd)
        reads += 1
    assert writer.wait() == 0, writer.stderr.read()
    assert reads > 10

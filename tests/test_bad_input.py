"""Every case in tests/bad/ through the CLI: exit 2, its located messages, nothing written.

A case is one small YAML file with one mistake, whose first lines say what the
user must read, one line per problem reported:

    # expect: LINE: MESSAGE

``LINE`` is the line of the problem in that file (``-`` for a file-level error
with no line); the CLI must print ``FILE:LINE:COL: ...MESSAGE...`` on one line,
and nothing else. A case that needs several files (``extends``) is a folder
whose entry point is ``main.yaml``; an expectation about another file of the
folder names it: ``# expect: parent.yaml:LINE: MESSAGE``.

Files that cannot be written as text (not UTF-8, binary, oversized) are built
by the tests below.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.scenario.yamlio import MAX_FILE_BYTES, MAX_NODES

BAD = Path(__file__).parent / "bad"
CLASSROOM = Path(__file__).parents[1] / "scenarios" / "classroom-jevons.yaml"
CASES = sorted([*BAD.glob("*.yaml"), *(folder / "main.yaml" for folder in BAD.iterdir() if folder.is_dir())])
IDS = [p.stem if p.parent == BAD else p.parent.name for p in CASES]
#: Cases that attack the reader: each must be refused within a second.
HOSTILE = ["billion-laughs", "merge-bomb-alias", "deep-nesting", "power-tower-unit", "python-tag",
           "python-name-tag"]


def _expectations(path: Path) -> list[tuple[Path, str, str]]:
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    found = []
    for line in lines:
        if not line.startswith("# expect: "):
            break
        where, _, message = line.removeprefix("# expect: ").partition(": ")
        file, _, number = where.rpartition(":")
        found.append((path.parent / file if file else path, number, message))
    assert found, f"{path} has no '# expect: LINE: MESSAGE' line"
    return found


def _refused(path: Path, tmp_path: Path, capsys) -> list[str]:
    """Run a scenario that must be refused; return the lines printed on stderr."""
    status = main(["run", str(path), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 2, err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.iterdir()), "nothing may be written for a bad scenario"
    return err.splitlines()


@pytest.mark.parametrize("path", CASES, ids=IDS)
def test_bad_scenario_is_refused_with_its_location(path, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    expected = _expectations(path)
    printed = _refused(path, tmp_path, capsys)
    for file, line, message in expected:
        where = re.escape(f"{file}: ") if line == "-" else re.escape(f"{file}:{line}:") + r"\d+: "
        assert any(re.match(where, p) and message in p for p in printed), (
            f"expected {file.name}:{line}: ...{message}\ngot:\n" + "\n".join(printed))
    assert len(printed) == len(expected), "one message per problem:\n" + "\n".join(printed)


def test_corpus_covers_at_least_150_mistakes():
    assert len(CASES) >= 150
    assert len(set(IDS)) == len(IDS)


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_yaml_is_refused_within_a_second(name, tmp_path, capsys):
    path = BAD / f"{name}.yaml"
    main(["validate", str(CLASSROOM)])  # imports done outside the timed call
    capsys.readouterr()
    start = time.perf_counter()
    _refused(path, tmp_path, capsys)
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize(
    "content,message",
    [
        (b"\xff\xfe\x00n\x00a\x00m\x00e", "is a binary file"),
        (b"name: caf\xe9\n", "is not UTF-8 text"),
        (b"name: bad\n" + b"# padding\n" * (MAX_FILE_BYTES // 10), f"more than {MAX_FILE_BYTES:,} bytes"),
        (b"name: bad\nvalues:\n" + b"  - 1\n" * MAX_NODES, f"more than {MAX_NODES:,} values"),
    ],
    ids=["binary", "not-utf8", "oversized", "too-many-values"],
)
def test_unreadable_files_are_refused_quickly(tmp_path, capsys, content, message):
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    main(["validate", str(CLASSROOM)])
    capsys.readouterr()
    start = time.perf_counter()
    assert main(["run", str(path), "-o", str(tmp_path / "out")]) == 2
    assert time.perf_counter() - start < 1.0
    err = capsys.readouterr().err
    assert message in err and err.startswith(f"{path}:")
    assert not (tmp_path / "out").exists()


def test_directory_and_missing_path(tmp_path, capsys):
    assert main(["validate", str(tmp_path)]) == 2
    assert "is a directory" in capsys.readouterr().err
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_all_problems_of_a_file_are_reported_together(tmp_path, capsys):
    path = tmp_path / "many.yaml"
    path.write_text(
        "name: many\n"
        "time: {start: 2010, end: 2030, step: -1}\n"
        "demand:\n"
        "  users: 1000\n"
        "  services: {data: {usage: '24 GB/yr', elasticity: -1}}\n"
        "generations:\n"
        "  network: {launch: 2010, idle_power: 5 kg}\n",
        encoding="utf-8",
    )
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:2:" in err and "time.step" in err
    assert f"{path}:5:" in err and "demand.services.data.elasticity" in err
    assert f"{path}:7:" in err and "generations.network.idle_power" in err


def test_semantic_problems_are_reported_together(tmp_path, capsys):
    path = tmp_path / "refs.yaml"
    path.write_text(
        "name: refs\n"
        "time: {start: 2010, end: 2030}\n"
        "demand: {users: 1000, services: {data: {usage: '24 GB/yr'}}}\n"
        "generations:\n"
        "  network: {launch: 2010, equipment: {radoi: 1}}\n"
        "devices: {phone: {equipment: handset}}\n"
        "policies: [{type: switch_off, at: 2020, generation: 4G}]\n",
        encoding="utf-8",
    )
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert [line.split(": ")[0].removeprefix(f"{path}:") for line in err] == ["5:39", "6:19", "7:41"]


def _traffic(results, **labels):
    return results.array("traffic", **labels)


@pytest.mark.parametrize(
    "edit,check",
    [
        # launched after the horizon: never on, carries nothing
        ({"generations": {"late": {"launch": 2050}}}, lambda r, _: _traffic(r, generation="late").max() == 0),
        # launched before time.start: already deployed at the start
        ({"generations": {"network": {"launch": 1990}}}, lambda r, _: _traffic(r, generation="network")[0] > 0),
        # switched off after the horizon: on until the end
        ({"generations": {"network": {"switch_off": 2100}}},
         lambda r, base: (_traffic(r) == _traffic(base)).all()),
        # a policy after the horizon never takes effect
        ({"policies": [{"type": "surcharge", "at": 2100, "rate": 1.0}]},
         lambda r, base: (_traffic(r) == _traffic(base)).all()),
        # a policy before time.start takes effect at the start
        ({"policies": [{"type": "traffic_scale", "at": 1990, "factor": 0.5}]},
         lambda r, base: _traffic(r)[0] == pytest.approx(0.5 * _traffic(base)[0])),
    ],
    ids=["launch-after-horizon", "launch-before-start", "switch-off-after-horizon", "policy-after-horizon",
         "policy-before-start"],
)
def test_times_outside_the_horizon_run_as_documented(edit, check, classroom):
    from simulator import simulate
    from simulator.scenario.load import deep_merge, scenario_from_dict

    base = simulate(scenario_from_dict(classroom))
    assert check(simulate(scenario_from_dict(deep_merge(classroom, edit))), base)


@pytest.mark.parametrize(
    "override,message",
    [
        ("demand.services.data.elasticty=2", "unknown key 'elasticty' (did you mean 'elasticity'?)"),
        ("no-equals-sign", "expected dotted.key.path=value"),
        ("=5", "expected dotted.key.path=value"),
        ("a..b=1", "expected dotted.key.path=value"),
        ("time.start.year=3", "time.start is not a mapping"),
        ("demand.services.data.elasticity=lots", "found 'lots'"),
        ("demand.services.data.elasticity=[1, 2]", "found a list [1, 2], expected a number"),
        ("demand.services.data.elasticity=.nan", "found .nan, expected a finite number"),
        ("demand.services.data.elasticity=true", "found a boolean (true)"),
        ("generations.network.idle_power=5 kg", "expected a quantity in W"),
        ("generations.network.launch=2010-01-01", "found the date 2010-01-01"),
        ("seed=abc", "seed: found 'abc', expected a whole number"),
        ("time=5", "time: found 5, expected a mapping"),
        ("policies.0.at=2020", "policies has no item 0 (it has none)"),
        ("extends=other.yaml", "extends cannot be set with --set"),
        ("name=../elsewhere", "name: found '../elsewhere'"),
        ("demand.services.data.usage=9**9**9 GB/yr", "a power must be a small whole number"),
        ("time.start=\x1b\rA", "time.start: found '\\x1b\\rA'"),  # control characters stay escaped
        ("demand.services.data.usage=[&a [1,1,1,1,1,1,1,1,1,1], [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]]",
         "demand.services.data.usage.0.0: found 1,1 in a [...] list"),
        ("demand.services.data.usage=[&a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]]",
         "demand.services.data.usage: found"),
    ],
)
def test_bad_overrides(override, message, capsys):
    assert main(["validate", str(CLASSROOM), "--set", override]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert all(line.startswith("--set: ") for line in err.splitlines()), err


def test_all_bad_overrides_are_reported_together(capsys):
    assert main(["validate", str(CLASSROOM), "--set", "seed=x", "--set", "nothing", "--set", "time.step=0"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 3 and "found 'nothing'" in err[0]
    assert [line.split(": ")[1] for line in err[1:]] == ["seed", "time.step"]

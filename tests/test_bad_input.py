"""Every file in tests/bad/ through the CLI: exit 2, its located message, nothing written.

A case is a small YAML file whose first line says what the user must read:
``# expect: LINE: MESSAGE`` (``-`` for a file-level error with no line).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli import main

BAD = sorted((Path(__file__).parent / "bad").glob("*.yaml"))


def _expectation(path: Path) -> tuple[str, str]:
    first = path.read_text(encoding="utf-8", errors="replace").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name} has no '# expect: LINE: MESSAGE' line"
    line, _, message = first.removeprefix("# expect: ").partition(": ")
    return line, message


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_scenario_is_refused_with_its_location(path, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    line, message = _expectation(path)
    status = main(["run", str(path), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 2
    assert message in err
    where = f"{path}:{line}:" if line != "-" else f"{path}: "
    assert where in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.iterdir()), "nothing may be written for a bad scenario"


def test_corpus_is_not_empty():
    assert len(BAD) >= 15


@pytest.mark.parametrize(
    "content,message",
    [
        (b"\xff\xfe\x00n\x00a\x00m\x00e", "is a binary file"),
        (b"name: caf\xe9\n", "is not UTF-8 text"),
    ],
)
def test_undecodable_files(tmp_path, capsys, content, message):
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    assert main(["validate", str(path)]) == 2
    assert message in capsys.readouterr().err


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
        "  services: {data: {usage: 24, elasticity: -1}}\n"
        "generations:\n"
        "  network: {launch: 2010, idle_power: 5 kg}\n",
        encoding="utf-8",
    )
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:2:" in err and "time.step" in err
    assert f"{path}:5:" in err and "demand.services.data.elasticity" in err
    assert f"{path}:7:" in err and "generations.network.idle_power" in err


@pytest.mark.parametrize(
    "override,message",
    [
        ("demand.services.data.elasticty=2", "unknown key 'elasticty' (did you mean 'elasticity'?)"),
        ("no-equals-sign", "expected dotted.key.path=value"),
        ("time.start.year=3", "time.start is not a mapping"),
        ("demand.services.data.elasticity=lots", "found 'lots'"),
        ("generations.network.idle_power=5 kg", "expected a quantity in W"),
    ],
)
def test_bad_overrides(override, message, capsys):
    path = Path(__file__).parents[1] / "scenarios" / "classroom-jevons.yaml"
    assert main(["validate", str(path), "--set", override]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "--set" in err

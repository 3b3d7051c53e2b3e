"""Every user file is read bounded and typed (simulator/inputs.py): whatever path is given, exit 2.

Each case goes through the command line: exit status 2, exactly one line on stderr that
names the file, no traceback, nothing written. Paths that could hang the reader (a named
pipe) or exhaust memory (``/dev/zero``, a 150 MB file) run the command in a child process
with a timeout, so that a regression fails the test instead of blocking the suite; the
child reports the time of the refusal (seconds, imports done) and its peak memory (kB).
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.errors import ScenarioError
from simulator.inputs import MAX_INT_DIGITS, MAX_JSON_DEPTH, MAX_MANIFEST_BYTES, read_json, read_text

ROOT = Path(__file__).resolve().parents[1]
CLASSROOM = ROOT / "scenarios" / "classroom-jevons.yaml"
#: A name of 300 bytes: longer than the 255 bytes a file name may have on Linux, macOS and Windows.
LONG_NAME = "a" * 296 + ".yaml"

#: Run the command twice (the first pays for the imports), time the second; print seconds and peak RSS
#: in kB. The peak is the kernel's VmHWM of this process's memory: getrusage's ru_maxrss would carry the
#: peak of the pytest process it was forked from (Linux keeps it across fork and exec).
CHILD = """
import re, sys, time
from simulator.cli import main
main(sys.argv[1:])
start = time.perf_counter()
status = main(sys.argv[1:])
with open("/proc/self/status") as status_file:
    peak = re.search(r"VmHWM:\\s+(\\d+) kB", status_file.read()).group(1)
print(time.perf_counter() - start, peak)
sys.exit(status)
"""


def _child(args: list[str], cwd: Path, prelude: str = "") -> tuple[int, list[str], float, int]:
    """Run ``jevons ARGS`` in a child process: status, stderr lines of one call, seconds, peak memory in kB."""
    done = subprocess.run([sys.executable, "-c", prelude + CHILD, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=20, env={**os.environ, "PYTHONPATH": str(ROOT)})
    seconds, rss = done.stdout.split()
    lines = done.stderr.splitlines()
    assert len(lines) % 2 == 0 and lines[: len(lines) // 2] == lines[len(lines) // 2:], done.stderr
    return done.returncode, lines[: len(lines) // 2], float(seconds), int(rss)


def _refused(args: list[str], folder: Path, capsys) -> str:
    """Run ``jevons ARGS`` in this process, in ``folder``; it must be refused. Returns its one line of stderr."""
    before = sorted(p.name for p in folder.iterdir())
    status = main(args)
    err = capsys.readouterr().err
    assert status == 2, err
    assert "Traceback" not in err and "internal error" not in err, err
    assert len(err.splitlines()) == 1, err
    assert sorted(p.name for p in folder.iterdir()) == before, "nothing may be written for a refused input"
    return err.strip()


@pytest.fixture
def here(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _manifest(folder: Path, text: str) -> str:
    (folder / "manifest.json").write_text(text, encoding="utf-8")
    return "manifest.json"


# --- paths that would block or exhaust memory: a child process with a timeout ---


@pytest.mark.parametrize("args", [["run", "--from-manifest", "/dev/zero", "-o", "out"],
                                  ["run", "/dev/zero", "-o", "out"], ["validate", "/dev/zero"]],
                         ids=["manifest", "run", "validate"])
def test_dev_zero_is_refused_unread(args, tmp_path):
    status, err, seconds, rss = _child(args, tmp_path)
    assert status == 2 and len(err) == 1 and err[0].startswith("/dev/zero: is a character device"), err
    assert seconds < 1.0 and rss < 300_000
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("args", [["run", "pipe", "-o", "out"], ["validate", "pipe"],
                                  ["run", "--from-manifest", "pipe", "-o", "out"]], ids=["run", "validate", "manifest"])
def test_named_pipe_is_refused_without_blocking(args, tmp_path):
    os.mkfifo(tmp_path / "pipe")
    status, err, seconds, _ = _child(args, tmp_path)
    assert status == 2 and len(err) == 1 and err[0].startswith("pipe: is a named pipe (FIFO)"), err
    assert seconds < 1.0
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_pipe_swapped_in_after_the_check_does_not_block(tmp_path):
    """The second guard: a path that ``stat`` saw as a file but is a pipe once opened (non-blocking) is refused."""
    os.mkfifo(tmp_path / "pipe")
    pretend = ("import os, types\n_stat = os.stat\n"
               "os.stat = lambda p, *a, **k: types.SimpleNamespace(st_mode=0o100644, st_size=0) "
               "if str(p) == 'pipe' else _stat(p, *a, **k)\n")
    status, err, _, _ = _child(["validate", "pipe"], tmp_path, prelude=pretend)
    assert status == 2 and err == ["pipe: is a named pipe (FIFO), which could block the program, expected a "
                                   "hand-written scenario YAML file; refused without reading it"]


def test_huge_manifest_is_refused_unread(tmp_path):
    with (tmp_path / "manifest.json").open("wb") as file:
        file.truncate(150_000_000)  # sparse: takes no room on disk
    status, err, seconds, rss = _child(["run", "--from-manifest", "manifest.json", "-o", "out"], tmp_path)
    assert status == 2 and err == [f"manifest.json: found a file of more than {MAX_MANIFEST_BYTES:,} bytes "
                                   "(150,000,000), expected the manifest.json of a run; refused without reading it"]
    assert seconds < 1.0 and rss < 300_000
    assert rss < 150_000, "the program itself takes ~75 MB: reading the 150 MB file would show"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]


# --- manifests whose JSON would break the reader ---


@pytest.mark.parametrize(
    "text,message",
    [
        ("[" * 100_000 + "]" * 100_000, f"manifest.json:1:{MAX_JSON_DEPTH + 1}: found arrays or objects nested more "
                                        f"than {MAX_JSON_DEPTH} deep"),
        ('{"scenario": {"seed": ' + "7" * 5000 + "}}", "manifest.json:1:23: found an integer of 5,000 digits, "
                                                      f"expected at most {MAX_INT_DIGITS}; refused"),
        ('{"scenario":\n  {"seed": NaN}}', "manifest.json:2:12: found NaN, expected a finite number"),
        ('{"scenario": {"seed": -Infinity}}', "manifest.json:1:23: found -Infinity, expected a finite number"),
        ('{"scenario": {"seed": 1,}}', "manifest.json:1:25: invalid JSON: Expecting property name enclosed in "
                                       "double quotes; expected the manifest.json of a run"),
        ('{"scenario": "abc', "manifest.json:1:14: invalid JSON: Unterminated string starting here"),
        ('{"scenario": "caf\xe9"}'.encode("latin-1"), "manifest.json:1:18: is not UTF-8 text (byte 0xe9 at offset 17)"),
        (b'{"scenario": {}}\x00', "manifest.json:1:17: is a binary file (a NUL byte at offset 16)"),
        ("[1, 2]", "manifest.json: scenario: found no resolved scenario, expected the manifest.json of a run"),
    ],
    ids=["deep", "huge-integer", "nan", "infinity", "syntax", "unterminated", "not-utf8", "binary", "not-a-manifest"],
)
def test_bad_manifest_is_refused_with_its_location(text, message, here, capsys):
    (here / "manifest.json").write_bytes(text if isinstance(text, bytes) else text.encode())
    assert _refused(["run", "--from-manifest", "manifest.json", "-o", "out"], here, capsys).startswith(message)


def test_manifest_with_a_wrong_hash_type_is_refused(here, capsys):
    assert main(["run", str(CLASSROOM), "--no-plots", "-o", "first"]) == 0
    manifest = json.loads((here / "first" / "manifest.json").read_text(encoding="utf-8"))
    manifest["scenario_sha256"] = 12
    _manifest(here, json.dumps(manifest))
    assert "does not match its sha256 (12…)" in _refused(["run", "--from-manifest", "manifest.json"], here, capsys)


# --- the file system: each case is one located line, exit 2 ---


def _loop(folder: Path) -> None:
    os.symlink("loop-b.yaml", folder / "loop-a.yaml")
    os.symlink("loop-a.yaml", folder / "loop-b.yaml")


@pytest.mark.parametrize("command", [["validate"], ["run"], ["graph"], ["run", "--from-manifest"]])
@pytest.mark.parametrize(
    "make,name,message",
    [
        (lambda d: None, "missing.yaml", "missing.yaml: no such file; expected "),
        (lambda d: (d / "folder").mkdir(), "folder", "folder: is a directory, expected "),
        (_loop, "loop-a.yaml", "loop-a.yaml: symbolic links in this path loop (too many levels of symbolic links)"),
        (lambda d: None, LONG_NAME, f"{LONG_NAME}: the file name is too long for the file system; expected "),
        (lambda d: (d / "file").write_text("x"), "file/child.yaml",
         "file/child.yaml: a part of the path before the file name is not a folder"),
    ],
    ids=["missing", "directory", "symlink-loop", "name-too-long", "file-as-folder"],
)
def test_path_that_is_not_a_readable_file(command, make, name, message, here, capsys):
    make(here)
    assert _refused([*command, name], here, capsys).startswith(message)


@pytest.mark.parametrize(
    "make,parent,message",
    [
        (_loop, "loop-a.yaml", "main.yaml:2:1: extends: parent scenario 'loop-a.yaml' cannot be read (looked for "
                               "loop-a.yaml): symbolic links in this path loop"),
        (lambda d: None, LONG_NAME, f"main.yaml:2:1: extends: parent scenario '{LONG_NAME}' cannot be read "
                                    f"(looked for {LONG_NAME}): the file name is too long for the file system"),
        (lambda d: None, "nowhere/base.yaml", "main.yaml:2:1: extends: parent scenario 'nowhere/base.yaml' not found "
                                              "(looked for nowhere/base.yaml)"),
        (lambda d: (d / "parents").mkdir(), "parents", "main.yaml:2:1: extends: found 'parents', a folder, expected "
                                                       "the path of a parent scenario file"),
        (lambda d: os.mkfifo(d / "pipe"), "pipe", "main.yaml:2:1: extends: parent scenario 'pipe' cannot be read "
                                                  "(looked for pipe): is a named pipe (FIFO)"),
        (lambda d: None, "/dev/zero", "main.yaml:2:1: extends: parent scenario '/dev/zero' cannot be read (looked "
                                      "for /dev/zero): is a character device"),
    ],
    ids=["symlink-loop", "name-too-long", "missing", "directory", "pipe", "device"],
)
def test_extends_of_a_path_that_is_not_a_readable_file(make, parent, message, here, capsys):
    make(here)
    (here / "main.yaml").write_text(f"name: child\nextends: {parent}\n", encoding="utf-8")
    assert _refused(["validate", "main.yaml"], here, capsys).startswith(message)


def test_unreadable_file_is_refused(here, capsys):
    """A file without read permission (root reads it anyway: then only the test below applies)."""
    (here / "secret.yaml").write_text(CLASSROOM.read_text(encoding="utf-8"), encoding="utf-8")
    (here / "secret.yaml").chmod(0)
    try:
        if os.access(here / "secret.yaml", os.R_OK):
            pytest.skip("running with a user that reads any file (root)")
        err = _refused(["validate", "secret.yaml"], here, capsys)
        assert err == "secret.yaml: permission denied; expected a hand-written scenario YAML file"
    finally:
        (here / "secret.yaml").chmod(0o600)


@pytest.mark.parametrize("command", [["validate"], ["run", "--from-manifest"]])
def test_permission_denied_at_open_is_refused(command, here, capsys, monkeypatch):
    """What the kernel says to a user without permission (EACCES at open), even when the tests run as root."""
    (here / "secret").write_text("{}", encoding="utf-8")
    real_open = os.open

    def denied(path, *args, **kwargs):
        if str(path) == "secret":
            raise PermissionError(errno.EACCES, "Permission denied", path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    assert _refused([*command, "secret"], here, capsys).startswith("secret: permission denied; expected ")


# --- the functions themselves ---


def test_read_json_reads_what_it_should(tmp_path):
    """At the limits, and what only looks like a problem: brackets in strings, long fractions and exponents."""
    path = tmp_path / "data.json"
    long_digits = "3" * (MAX_INT_DIGITS + 50)
    path.write_text(
        '{"deep": ' + "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1) + ', "in a string": "[[[{{{ NaN \\" [[[",'
        f' "integer": -{"9" * MAX_INT_DIGITS}, "fraction": 0.{long_digits}, "exponent": 1e-{long_digits}}}',
        encoding="utf-8")
    data = read_json(path, limit=MAX_MANIFEST_BYTES, what="a test file")
    assert data["integer"] == -int("9" * MAX_INT_DIGITS) and data["in a string"] == '[[[{{{ NaN " [[['
    assert data["fraction"] == pytest.approx(1 / 3) and data["exponent"] == 0.0


def test_read_text_refuses_more_than_its_limit(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("x" * 11, encoding="utf-8")
    assert read_text(path, limit=11, what="a test file") == "x" * 11
    with pytest.raises(ScenarioError, match=r"more than 10 bytes \(11\), expected a test file"):
        read_text(path, limit=10, what="a test file")


def test_reading_a_file_that_does_not_say_its_size_stops_at_the_limit():
    """/proc files report a size of 0: the read itself is bounded."""
    status = Path("/proc/self/status")
    if not status.is_file():
        pytest.skip("no /proc")
    with pytest.raises(ScenarioError, match=r"found a file of more than 10 bytes, expected a test file"):
        read_text(status, limit=10, what="a test file")

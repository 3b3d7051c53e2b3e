"""Fuzzing the loader: a mutated scenario either runs or is refused with a located message.

Hypothesis mutates valid scenarios (the shipped classroom scenario and a small
multi-generation one built here) by deleting, renaming, retyping, perturbing and
adding keys, values and list items at any depth, by damaging the YAML text
(lines deleted, moved, re-indented, tabs, stray characters, truncation), and by
random ``--set`` options. Every outcome of ``jevons run --no-plots`` must be:

- exit 0 with complete outputs holding only finite numbers, or
- exit 2 with every line of stderr located: ``FILE:LINE:COL: ...``, ``--set: ...``,
  or the engine's numerical guard naming variable, time and variant
  (``error: demand at t=2010 (actual): found inf; ...``, for absurd but valid values),

never a traceback, an escaped exception, another exit status or a hang (each run
has a hard time limit).

Beyond the scenario text, three campaigns attack what surrounds a run:

- output paths built from ``.``, ``..``, ``~``, long names and the names of a user's
  files, folders, links and pipes planted in a sandbox (the current folder inside it,
  HOME pointed at it): exit 0 or 2, and every planted file is left byte for byte, only
  an empty folder or a previous jevons output being replaced;
- ``run --from-manifest`` on random JSON, on a real manifest mutated or damaged: exit 0
  with outputs or 2 with messages naming the manifest;
- scenario paths that are no scenario (missing, a folder, a pipe, a link loop, empty,
  binary...): exit 2 with one line naming the path, even with a newline in its name.

The suite runs a few hundred fixed examples (``derandomize``). For a long run:

    JEVONS_FUZZ_EXAMPLES=3000 JEVONS_FUZZ_REPORT=fuzz.json python -m pytest tests/test_fuzz.py

which draws fresh random examples and writes the count of each outcome to fuzz.json.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import datetime
import io
import json
import math
import os
import re
import shutil
import signal
import stat
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[1]
CLASSROOM = yaml.safe_load((ROOT / "scenarios" / "classroom-jevons.yaml").read_text(encoding="utf-8"))
CLASSROOM_TEXT = (ROOT / "scenarios" / "classroom-jevons.yaml").read_text(encoding="utf-8")

#: Two generations (one switched off), a layer, a device, equipment with components and a
#: Weibull law, every kind of policy, an observation, a grid table: small enough to run in ~0.1 s.
MULTI: dict[str, Any] = {
    "name": "fuzz-multi",
    "time": {"start": 2010, "end": 2020, "step": 0.5},
    "demand": {
        "users": {2010: 1000, 2020: "3000 users"},
        "services": {
            "video": {"usage": "1 GB/month", "growth": 0.2, "elasticity": 0.8, "delay": 1.0,
                      "saturation": "40 GB/yr"},
            "web": {"usage": "5 GB/yr", "elasticity": 0.4},
        },
    },
    "price": {"electricity": "0.1 EUR/kWh", "fixed": "5 kEUR/yr", "cost_of_capital": 0.05},
    "generations": {
        "4G": {"launch": 2005, "switch_off": 2018, "energy_intensity": "0.5 kWh/GB", "efficiency_gain": 0.1,
               "idle_power": "1 kW", "capacity_per_site": "5000 GB/yr", "coverage_sites": 20,
               "equipment": {"radio": 2}},
        "5G": {"launch": 2014, "energy_intensity": "0.1 kWh/GB", "efficiency_gain": 0.2, "idle_power": "1500 W",
               "capacity_per_site": "50000 GB/yr", "capacity_growth": 0.1, "coverage_sites": 10, "buildout": 4,
               "adoption_midpoint": 2, "equipment": {"radio": 3}},
    },
    "layers": {"core": {"energy_intensity": "0.05 kWh/GB", "efficiency_gain": 0.1, "pue": {2010: 1.8, 2020: 1.3},
                        "traffic_share": 0.9, "equipment": {"server": 2}}},
    "devices": {"phone": {"equipment": "handset", "annual_energy": "4 kWh/yr", "per_user": {2010: 0.5, 2020: 1}}},
    "equipment": {
        "radio": {"lifetime": 8, "mass": "20 kg", "embodied": {"climate_change": "500 kg CO2e"},
                  "components": {"chip": 4}},
        "chip": {"lifetime": 8, "embodied": {"climate_change": "10 kg CO2e", "mineral_resources": "0.001 kg Sb_eq"}},
        "server": {"lifetime": 4, "survival": "weibull", "weibull_shape": 3,
                   "embodied": {"climate_change": "1200 kg CO2e"}},
        "handset": {"lifetime": 3, "mass": "0.2 kg", "embodied": {"climate_change": "60 kg CO2e"},
                    "end_of_life": {"climate_change": "2 kg CO2e"}},
    },
    "grid": {"climate_change": {2010: "500 g CO2e/kWh", 2020: "0.3 kg CO2e/kWh"}, "water": "0.002 m**3/kWh"},
    "policies": [
        {"type": "switch_off", "at": 2017, "generation": "4G"},
        {"type": "surcharge", "at": 2015, "rate": 0.2},
        {"type": "lifetime", "at": 2016, "equipment": "handset", "lifetime": 4},
        {"type": "traffic_scale", "at": 2016, "factor": 0.8, "services": ["video"]},
        {"type": "grid", "at": 2018, "category": "climate_change", "factor": 0.5},
    ],
    "observations": {"recorded": {"variable": "users", "unit": "users", "values": {2010: 1000, 2015: 1900}}},
}

RANDOM = "JEVONS_FUZZ_EXAMPLES" in os.environ
EXAMPLES = int(os.environ.get("JEVONS_FUZZ_EXAMPLES", "0")) or None


def fuzz(examples: int) -> settings:
    """Settings of a fuzz test: ``examples`` in the suite, JEVONS_FUZZ_EXAMPLES in a long run."""
    return settings(
        max_examples=EXAMPLES or examples,
        deadline=None,  # the hard limit below catches hangs; hypothesis' deadline would flake on a busy machine
        derandomize=not RANDOM,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                               HealthCheck.function_scoped_fixture],  # each example makes its own sandbox in it
    )


#: Longest a single run may take before it counts as a hang. A normal one takes 0.05-0.3 s, but a
#: valid horizon near MAX_STEPS (20,000 steps, e.g. time.start mutated from 2010 to -2010) takes a
#: minute for the multi-generation scenario: that is slow, not hung.
HANG_SECONDS = 180
OUTCOMES: Counter[str] = Counter()


class Hang(BaseException):
    """Raised by the alarm when a run exceeds HANG_SECONDS (BaseException: the CLI cannot swallow it)."""


@contextlib.contextmanager
def hard_limit(seconds: float, scenario: Path, extra: list[str]):
    def alarm(signum, frame):
        text = scenario.read_text(encoding="utf-8", errors="replace")
        raise Hang(f"a run took more than {seconds} s: options {extra}, scenario:\n{text}")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _finite_csv(path: Path, columns: tuple[str, ...]) -> None:
    with path.open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            for column in columns:
                if row.get(column) not in (None, ""):
                    assert math.isfinite(float(row[column])), f"{path.name}: {row}"


def _no_constant(name: str) -> None:
    raise AssertionError(f"summary.json holds {name}")


def check_run(scenario: Path, extra: list[str] = ()) -> str:
    """Run the CLI on a scenario and check the outcome is one of the two allowed; return which."""
    out = scenario.parent / "out"
    err, std = io.StringIO(), io.StringIO()
    with hard_limit(HANG_SECONDS, scenario, extra), contextlib.redirect_stderr(err), contextlib.redirect_stdout(std):
        status = main(["run", str(scenario), "--no-plots", "-o", str(out), *extra])
    printed = err.getvalue()
    assert "Traceback" not in printed, printed
    if status == 0:
        assert {p.name for p in out.iterdir()} >= {"timeseries.csv", "summary.json", "manifest.json"}
        _finite_csv(out / "timeseries.csv", ("time", "value"))
        if (out / "contributions.csv").exists():
            _finite_csv(out / "contributions.csv", ("value", "share"))
        json.loads((out / "summary.json").read_text(encoding="utf-8"), parse_constant=_no_constant)
        OUTCOMES["ran"] += 1
        return "ran"
    assert status == 2, f"exit {status}:\n{printed}"
    assert not out.exists(), "a refused run wrote outputs"
    lines = printed.splitlines()
    assert lines, "exit 2 without a message"
    located = re.compile(rf"({re.escape(str(scenario))}:\d+:\d+: |--set: )")
    numerical = re.compile(r"error: \S+ at t=\S+ \(\w+\): ")
    for line in lines:
        if numerical.match(line):
            OUTCOMES["numerical guard"] += 1
            return "numerical guard"
        assert located.match(line) or line == f"{scenario}: the file is empty; expected a scenario mapping", (
            f"unlocated message: {line!r}\nall:\n{printed}")
    OUTCOMES["refused"] += 1
    return "refused"


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    if os.environ.get("JEVONS_FUZZ_REPORT"):
        Path(os.environ["JEVONS_FUZZ_REPORT"]).write_text(json.dumps(dict(OUTCOMES), indent=2) + "\n")


# ---- mutations of the data -----------------------------------------------------------------

UNIT_STRINGS = ["5 kg", "2 GB/month", "2 GB", "15 %", "15 %/yr", "1.2 kW", "1.2 kWh", "480 g CO2e/kWh",
                "300 g/kWh", "9**9**9", "GB/yr", "10 yr", "3 months", "1e999 kWh", "-1 W", "0 users", "1,000 users",
                "2 GB/fortnite", "", " ", "nan", "inf", "1 kWh/0", "3 m**3", "(9**99)**99"]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.sampled_from([0, -1, 1, 2009, 2010, 2030, 10**400, -(10**30)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.sampled_from(UNIT_STRINGS),
    st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 1, 1)),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.one_of(st.text(max_size=8), st.integers(1990, 2050)), inner, max_size=3),
    ),
    max_leaves=6,
)


def _nodes(node: Any, path: tuple = ()) -> list[tuple]:
    """Every path to a value in the tree (mapping entries and list items), the root excluded."""
    found = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        found.append((*path, key))
        found.extend(_nodes(child, (*path, key)))
    return found


def _parent(data: Any, path: tuple) -> Any:
    for key in path[:-1]:
        data = data[key]
    return data


def _typo(draw, key: Any) -> Any:
    text = str(key)
    how = draw(st.sampled_from(["drop", "swap", "double", "case", "random", "number"]))
    i = draw(st.integers(0, max(len(text) - 1, 0)))
    if how == "drop" and text:
        return text[:i] + text[i + 1:]
    if how == "swap" and len(text) > 1:
        i = min(i, len(text) - 2)
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    if how == "double" and text:
        return text[:i] + text[i] + text[i:]
    if how == "case":
        return text.swapcase()
    if how == "number":
        return draw(st.integers(0, 3000))
    return draw(st.text(st.characters(blacklist_categories=("Cs",)), max_size=10))


def _perturb(draw, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return draw(VALUES)
    how = draw(st.sampled_from(["scale", "shift", "special"]))
    if how == "scale":
        return value * draw(st.sampled_from([-1, 0, 0.5, 2, 10, 1e6, 1e-6, 1e300]))
    if how == "shift":
        return value + draw(st.sampled_from([-1000, -100, -10, -1, -0.25, 0.25, 1, 10, 100, 1000]))
    return draw(st.sampled_from([math.nan, math.inf, -math.inf, 0, -0.0, 1e308, 5e-324]))


def mutate(draw, data: Any) -> None:
    """Apply one mutation somewhere in the tree, in place."""
    paths = _nodes(data)
    path = draw(st.sampled_from(paths))
    parent, key = _parent(data, path), path[-1]
    op = draw(st.sampled_from(["delete", "rename", "retype", "perturb", "insert", "swap"]))
    if op == "delete":
        del parent[key]
    elif op == "rename" and isinstance(parent, dict):
        new = _typo(draw, key)
        parent[new] = parent.pop(key)
    elif op == "retype":
        parent[key] = draw(VALUES)
    elif op == "perturb":
        parent[key] = _perturb(draw, parent[key])
    elif op == "insert":
        target = parent[key] if isinstance(parent[key], dict | list) else parent
        if isinstance(target, dict):
            siblings = list(target) or ["x"]
            target[_typo(draw, draw(st.sampled_from(siblings)))] = draw(VALUES)
        else:
            item = copy.deepcopy(draw(st.sampled_from(target))) if target and draw(st.booleans()) else draw(VALUES)
            target.insert(draw(st.integers(0, len(target))), item)
    elif op == "swap":
        other = draw(st.sampled_from(paths))
        other_parent = _parent(data, other)
        with contextlib.suppress(KeyError, IndexError, TypeError):
            a, b = copy.deepcopy(parent[key]), copy.deepcopy(other_parent[other[-1]])
            parent[key], other_parent[other[-1]] = b, a


def _write(folder: Path, text: str) -> Path:
    path = folder / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@fuzz(160)
@given(base=st.sampled_from(["classroom", "multi"]), data=st.data())
def test_mutated_scenarios_run_or_are_refused_with_a_location(base, data):
    scenario = copy.deepcopy(CLASSROOM if base == "classroom" else MULTI)
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        if not _nodes(scenario):
            break
        mutate(data.draw, scenario)
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), yaml.safe_dump(scenario, sort_keys=False, allow_unicode=True))
        check_run(path)


# ---- damage to the text ----------------------------------------------------------------------

STRAY = list(":{}[]-#&*!|>'\"%@`,?\t ") + ["\u00a0", "\ufeff", "---", "...", "<<: *a", "&a", "\\", "2010-13-45 ",
                                         *(f"!!{tag} " for tag in ("int", "float", "bool", "null", "timestamp",
                                                                  "binary", "str", "map", "seq", "set", "omap",
                                                                  "python/tuple"))]


def damage(draw, text: str) -> str:
    lines = text.split("\n")
    i = draw(st.integers(0, len(lines) - 1))
    how = draw(st.sampled_from(["delete", "duplicate", "move", "indent", "dedent", "tab", "char", "drop", "cut"]))
    if how == "delete":
        del lines[i]
    elif how == "duplicate":
        lines.insert(i, lines[i])
    elif how == "move":
        lines.insert(draw(st.integers(0, len(lines) - 1)), lines.pop(i))
    elif how == "indent":
        lines[i] = " " * draw(st.integers(1, 3)) + lines[i]
    elif how == "dedent":
        lines[i] = lines[i][draw(st.integers(1, 3)):] if lines[i].startswith(" ") else lines[i]
    elif how == "tab":
        lines[i] = "\t" + lines[i].lstrip(" ")
    elif how in {"char", "drop"}:
        j = draw(st.integers(0, len(lines[i])))
        tail = lines[i][j + 1:] if how == "drop" else lines[i][j:]
        lines[i] = lines[i][:j] + (draw(st.sampled_from(STRAY)) if how == "char" else "") + tail
    elif how == "cut":
        return "\n".join(lines)[: draw(st.integers(0, len(text)))]
    return "\n".join(lines)


@fuzz(120)
@given(base=st.sampled_from(["classroom", "multi"]), data=st.data())
def test_damaged_yaml_text_runs_or_is_refused_with_a_location(base, data):
    text = CLASSROOM_TEXT if base == "classroom" else yaml.safe_dump(MULTI, sort_keys=False)
    for _ in range(data.draw(st.integers(1, 3), label="damages")):
        text = damage(data.draw, text)
    with tempfile.TemporaryDirectory() as tmp:
        check_run(_write(Path(tmp), text))


# ---- --set options ---------------------------------------------------------------------------

SET_VALUES = st.one_of(
    st.sampled_from(["0", "-1", "1e308", ".nan", ".inf", "true", "null", "[]", "{}", "[1, 2]", "{a: 1}",
                     "2010-01-01", "2010-13-45", "!!int abc", "!!bool maybe", "abc", "", "'quoted'",
                     "!!python/object:os.system", "&a [*a]", "[1, 2",
                     *UNIT_STRINGS]),
    st.floats(allow_nan=False).map(repr),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12),
)


@fuzz(60)
@given(base=st.sampled_from(["classroom", "multi"]), data=st.data())
def test_random_overrides_run_or_are_refused_with_a_location(base, data):
    scenario = CLASSROOM if base == "classroom" else MULTI
    options = []
    for _ in range(data.draw(st.integers(1, 2), label="options")):
        path = list(data.draw(st.sampled_from(_nodes(scenario))))
        if data.draw(st.booleans()):
            path[data.draw(st.integers(0, len(path) - 1))] = _typo(data.draw, path[-1])
        key = ".".join(str(p) for p in path)
        if data.draw(st.integers(0, 9)) == 0:
            key = data.draw(st.sampled_from(["", ".", "a..b", key + ".", "." + key, key + "=x"]))
        options.append(f"--set={key}={data.draw(SET_VALUES)}")  # one word: a key may start with '-'
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), yaml.safe_dump(scenario, sort_keys=False))
        check_run(path, options)


def test_the_bases_run():
    """The unmutated bases run, so every refusal above comes from a mutation."""
    for base in (CLASSROOM, MULTI):
        with tempfile.TemporaryDirectory() as tmp:
            assert check_run(_write(Path(tmp), yaml.safe_dump(base, sort_keys=False))) == "ran"


# ---- output paths, manifests and scenario paths ------------------------------------------------

CLASSROOM_PATH = ROOT / "scenarios" / "classroom-jevons.yaml"


def _cli(args: list[str]) -> tuple[int, str]:
    """Exit status and stderr of one in-process CLI call."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(args)
    return status, err.getvalue()


def _no_crash(status: int, printed: str) -> None:
    assert "Traceback" not in printed and "internal error" not in printed, printed
    assert status in (0, 2), f"exit {status}:\n{printed}"
    assert status == 0 or printed.strip(), "exit 2 without a message"


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> Path:
    """The tables-only output folder of a classroom run: a previous jevons output, with a real manifest."""
    folder = tmp_path_factory.mktemp("recorded") / "out"
    status, printed = _cli(["run", str(CLASSROOM_PATH), "--no-plots", f"--output={folder}"])
    assert status == 0, printed
    return folder


def _sandbox(box: Path, recorded: Path) -> Path:
    """A user's files around a working folder box/home/work (returned): files and folders of theirs,
    an empty folder, a previous jevons output, a jevons output holding a file of theirs, a link, a
    link to itself, a named pipe."""
    work = box / "home" / "work"
    (work / "data").mkdir(parents=True)
    (box / "root.txt").write_text("a file above the working folder\n", encoding="utf-8")
    (box / "home" / ".profile").write_text("export PATH\n", encoding="utf-8")
    (work / "notes.txt").write_text("my notes\n", encoding="utf-8")
    (work / "data" / "table.csv").write_text("year,value\n2020,1\n", encoding="utf-8")
    (work / "empty").mkdir()
    shutil.copytree(recorded, work / "previous-run")
    shutil.copytree(recorded, work / "mixed-run")
    (work / "mixed-run" / "mine.txt").write_text("not written by jevons\n", encoding="utf-8")
    (work / "link-to-data").symlink_to("data")
    (work / "loop").symlink_to("loop")
    os.mkfifo(work / "pipe")
    return work


def _signature(path: Path) -> tuple:
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        return ("link", os.readlink(path))
    if stat.S_ISREG(info.st_mode):
        return ("file", path.read_bytes())
    return (stat.S_IFMT(info.st_mode),)


def _planted(box: Path, replaceable: tuple[Path, ...]) -> dict[str, tuple]:
    """What every entry under ``box`` is and holds (links not followed), outside the folders a run may replace."""
    found = {}
    for folder, dirs, files in os.walk(box):
        for name in dirs + files:
            path = Path(folder) / name
            if not any(path == r or r in path.parents for r in replaceable):
                found[str(path.relative_to(box))] = _signature(path)
    return found


#: Parts of output paths: navigation, the planted entries (see _sandbox), new names, names at and
#: beyond the file system's limit of 255 bytes (the output's store adds 8 to a name).
PATH_PARTS = ["notes.txt", "data", "mixed-run", "link-to-data", "loop", "pipe", "previous-run", "empty", ".", "..",
              "~", "", "out", "new", "a b", ".hidden", "é", "-o", "table.csv", "mine.txt", "home", "work", "x" * 247,
              "y" * 248, "z" * 300]


@fuzz(120)
@example(absolute=False, parts=["mixed-run"], trailing=False)  # a jevons output holding a user's file: refused
@example(absolute=False, parts=["previous-run"], trailing=True)  # a previous output: replaced
@example(absolute=False, parts=["empty"], trailing=False)  # an empty folder: replaced
@example(absolute=False, parts=["data"], trailing=False)  # a user's folder: refused
@example(absolute=False, parts=["link-to-data"], trailing=False)
@example(absolute=False, parts=["loop", "x"], trailing=False)
@example(absolute=False, parts=["pipe", "x"], trailing=False)
@example(absolute=True, parts=["home"], trailing=False)  # HOME, also a parent of the current folder
@example(absolute=False, parts=["..", "..", ".."], trailing=False)  # the sandbox itself, a parent of the current folder
@example(absolute=False, parts=["y" * 248], trailing=False)
@given(absolute=st.booleans(), parts=st.lists(st.sampled_from(PATH_PARTS), min_size=1, max_size=4),
       trailing=st.booleans())
def test_output_paths_are_used_or_refused_and_never_touch_a_users_files(absolute, parts, trailing, recorded,
                                                                        tmp_path, monkeypatch):
    """Any output path inside a sandbox: exit 0 or 2 (never 1, never a traceback), and every file, folder,
    link and pipe planted there is left as it was, except an empty folder or a previous jevons output."""
    box = Path(tempfile.mkdtemp(dir=tmp_path))
    work = _sandbox(box, recorded)
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(box / "home"))
    path = "/".join(parts) + ("/" if trailing else "")
    if absolute:
        path = f"{box}/{path}"
    target = Path(os.path.abspath(work / path))
    assume(target == tmp_path or tmp_path in target.parents)
    before = _planted(box, (work / "empty", work / "previous-run"))
    existed = os.path.lexists(target)
    status, printed = _cli(["run", str(CLASSROOM_PATH), "--no-plots", f"--output={path}"])
    _no_crash(status, printed)
    for name, signature in before.items():
        assert os.path.lexists(box / name), f"{name} was deleted by a run into {path!r}"
        assert _signature(box / name) == signature, f"{name} was modified by a run into {path!r}"
    if status == 0:
        assert (target / "manifest.json").is_file()
        OUTCOMES["output path used"] += 1
    else:
        assert all(line.startswith("error: ") for line in printed.splitlines()), printed
        assert os.path.lexists(target) == existed, f"a refused run created {target}"
        reason = printed.splitlines()[0].partition(f"{target}: ")[2]
        OUTCOMES["output path refused: " + " ".join(reason.split()[:4])] += 1


MANIFEST_KEYS = ["scenario", "scenario_sha256", "scenario_name", "version", "seed", "command", "contents", "files",
                 "name", "time", "demand", "generations", "start", "end", "step"]
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(10**20), 10**20),
              st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12), st.sampled_from(UNIT_STRINGS)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.one_of(st.sampled_from(MANIFEST_KEYS), st.text(max_size=8)), inner,
                                            max_size=5)),
    max_leaves=15,
)


def _steps(manifest: Any) -> float:
    """Steps of the horizon a manifest gives, 0 if it does not say (a mutated horizon of 20,000 steps
    runs for a minute: valid and slow, left out of this quick campaign)."""
    try:
        t = manifest["scenario"]["time"]
        return (float(t["end"]) - float(t["start"])) / float(t.get("step", 0.25))
    except Exception:
        return 0.0


@fuzz(150)
@given(how=st.sampled_from(["random", "random scenario", "mutated", "damaged text"]), data=st.data())
def test_random_manifests_rerun_or_are_refused(how, data, recorded, tmp_path, monkeypatch):
    """``run --from-manifest`` on random JSON, on a real manifest mutated (with or without its sha256) or
    with its text damaged: exit 0 with outputs, or exit 2 with every line naming the manifest (or an
    ``error:`` of the numerical guard), never 1, never a traceback."""
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    monkeypatch.chdir(folder)
    real = json.loads((recorded / "manifest.json").read_text(encoding="utf-8"))
    if how == "random":
        text = json.dumps(data.draw(JSON_VALUES, label="manifest"))
    elif how == "random scenario":
        text = json.dumps({**real, "scenario": data.draw(JSON_VALUES, label="scenario")})
    elif how == "mutated":
        manifest = copy.deepcopy(real)
        where = manifest["scenario"] if data.draw(st.booleans(), label="in the scenario") else manifest
        for _ in range(data.draw(st.integers(1, 3), label="mutations")):
            if _nodes(where):
                mutate(data.draw, where)
        if data.draw(st.booleans(), label="without its sha256"):
            manifest.pop("scenario_sha256", None)
        assume(_steps(manifest) <= 2000)
        text = json.dumps(manifest, default=str)
    else:
        text = json.dumps(real, indent=2)
        for _ in range(data.draw(st.integers(1, 3), label="damages")):
            text = damage(data.draw, text)
    path = folder / "manifest.json"
    path.write_text(text, encoding="utf-8")
    out = folder / "rerun"
    chosen = [] if data.draw(st.integers(0, 3), label="default output") == 0 else [f"--output={out}"]
    with hard_limit(HANG_SECONDS, path, chosen):
        status, printed = _cli(["run", "--from-manifest", str(path), "--no-plots", *chosen])
    _no_crash(status, printed)
    if status == 0:
        written = [out] if chosen else [p for p in (folder / "outputs").iterdir() if (p / "manifest.json").is_file()]
        assert len(written) == 1 and (written[0] / "manifest.json").is_file()
        OUTCOMES["manifest rerun"] += 1
    else:
        assert all(line.startswith((f"{path}:", "error: ")) for line in printed.splitlines()), printed
        assert not out.exists() and not (folder / "outputs").exists()
        OUTCOMES["manifest refused"] += 1


def _escaped(text: str) -> str:
    """A path as messages show it: control characters escaped, so a message stays on one line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


FILE_KINDS = ["missing", "folder", "fifo", "symlink loop", "dangling symlink", "link to a folder", "link to a fifo",
              "empty", "blank", "byte order mark only", "binary", "not UTF-8", "inside a file",
              "inside a missing folder"]


def _plant(kind: str, box: Path, name: str) -> Path:
    """A scenario path of ``kind`` named ``name`` in ``box``."""
    path = box / name
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "symlink loop":
        path.symlink_to(name)
    elif kind == "dangling symlink":
        path.symlink_to(box / "nowhere.yaml")
    elif kind in ("link to a folder", "link to a fifo"):
        (box / "other").mkdir() if kind == "link to a folder" else os.mkfifo(box / "other")
        path.symlink_to(box / "other")
    elif kind in ("empty", "blank", "byte order mark only", "binary", "not UTF-8"):
        path.write_bytes({"empty": b"", "blank": b"  \n# nothing but a comment\n\n", "byte order mark only":
                          b"\xef\xbb\xbf", "binary": b"name: x\x00\x01\x02", "not UTF-8": b"name: caf\xe9\n"}[kind])
    elif kind == "inside a file":
        (box / "file.yaml").write_text("name: x\n", encoding="utf-8")
        path = box / "file.yaml" / name
    elif kind == "inside a missing folder":
        path = box / "nowhere" / name
    return path


@fuzz(60)
@given(kind=st.sampled_from(FILE_KINDS), command=st.sampled_from(["run", "validate"]),
       name=st.text(alphabet="ab.-_ é~\n", min_size=1, max_size=12).filter(lambda n: n not in (".", "..")))
def test_scenario_paths_that_are_no_scenario_are_refused_in_one_line(kind, command, name, tmp_path):
    """A scenario path that is missing, a folder, a pipe, a link loop, empty, binary...: exit 2 with one
    line that names the path (escaped, even with a newline in the name), and nothing written."""
    box = Path(tempfile.mkdtemp(dir=tmp_path))
    path = _plant(kind, box, name)
    out = box / "out"
    extra = ["--no-plots", f"--output={out}"] if command == "run" else []
    status, printed = _cli([command, str(path), *extra])
    _no_crash(status, printed)
    assert status == 2
    lines = printed.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{_escaped(str(path))}:"), printed
    assert not out.exists()
    OUTCOMES[f"scenario path: {kind}"] += 1

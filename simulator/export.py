"""Write a run's outputs: tidy CSV, JSON summary, contributions, manifest, plots — atomically.

Everything is written into a temporary folder beside the target and moved into
place only once complete, so a run that fails at any point leaves the previous
contents of the output folder as they were.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

from .compare import Comparison
from .errors import OutputError
from .results import Results
from .scenario.load import resolved_data, scenario_hash
from .scenario.schema import Scenario

#: Files of an output folder, with what they hold (written in this order).
FILES = {
    "timeseries.csv": "tidy series: time, variant, variable, unit, labels, value",
    "summary.json": "cumulative and final-year totals per variant, rebound and backfire",
    "contributions.csv": "cumulative actual impacts by service, generation/layer/device, equipment",
    "manifest.json": "resolved scenario, its sha256, versions, command line",
}
#: Number format of CSV values: 10 significant digits, far beyond the model's accuracy.
CSV_FLOAT = "%.10g"
_DEPENDENCIES = ("simpy", "networkx", "numpy", "pandas", "pydantic", "pint", "matplotlib", "pyyaml", "scipy",
                 "SALib", "pyarrow", "tqdm", "distributed", "starlette", "uvicorn", "plotly")


def _check_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target}: exists and is not a folder; choose another output path")
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{target}: cannot create its parent folder ({exc.strerror})") from None
    if not os.access(parent, os.W_OK):
        raise OutputError(f"{target}: its parent folder {parent} is not writable")


@contextmanager
def atomic_folder(target: str | Path) -> Iterator[Path]:
    """Yield a fresh temporary folder; on success it replaces ``target`` whole."""
    target = Path(target)
    _check_target(target)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)
    try:
        yield tmp
        backup = None
        if target.exists():
            backup = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.replace(target, backup)
        os.replace(tmp, target)
        if backup is not None:
            shutil.rmtree(backup, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=False, allow_nan=False) + "\n", encoding="utf-8")


def _versions() -> dict[str, str]:
    found = {}
    for name in _DEPENDENCIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def scenario_manifest(scenario: Scenario, version: str, command: list[str] | None, files: dict[str, str],
                      **extra: Any) -> dict[str, Any]:
    """What is needed to reproduce outputs: the resolved scenario, ``extra`` facts (seed...), the
    software that wrote them and the files written."""
    return {
        "scenario_name": scenario.name,
        "scenario_sha256": scenario_hash(scenario),
        "version": version,
        **extra,
        "command": command if command is not None else sys.argv,
        "python": platform.python_version(),
        "dependencies": _versions(),
        "files": files,
        "scenario": resolved_data(scenario),
    }


def manifest(results: Results, command: list[str] | None = None) -> dict[str, Any]:
    """What is needed to reproduce a run: the resolved scenario and the software that ran it."""
    return scenario_manifest(results.scenario, results.version, command, FILES, seed=results.scenario.seed)


def write_outputs(
    results: Results,
    folder: str | Path,
    *,
    plots: bool = True,
    formats: tuple[str, ...] = ("png",),
    dpi: int = 300,
    lang: str = "en",
    command: list[str] | None = None,
) -> Path:
    """Write every output of ``results`` into ``folder``, replacing it atomically.

    Figures go to ``folder/plots`` in each of ``formats`` (png, svg, pdf) unless
    ``plots`` is False; ``dpi`` applies to PNG; ``lang`` is "en" or "fr".
    """
    folder = Path(folder)
    with atomic_folder(folder) as tmp:
        results.to_frame().to_csv(tmp / "timeseries.csv", index=False, lineterminator="\n",
                                  float_format=CSV_FLOAT)
        _write_json(tmp / "summary.json", results.summary())
        results.contributions().to_csv(tmp / "contributions.csv", index=False, lineterminator="\n",
                                       float_format=CSV_FLOAT)
        _write_json(tmp / "manifest.json", manifest(results, command))
        if plots:
            from .plots import save_all

            (tmp / "plots").mkdir()
            save_all(results, tmp / "plots", formats=formats, dpi=dpi, lang=lang)
    return folder


def write_comparison(
    comparison: Comparison,
    folder: str | Path,
    *,
    plots: bool = True,
    formats: tuple[str, ...] = ("png",),
    dpi: int = 300,
    lang: str = "en",
    command: list[str] | None = None,
) -> Path:
    """Write comparison.csv, comparison.json, manifest.json and the comparison figures, atomically."""
    folder = Path(folder)
    with atomic_folder(folder) as tmp:
        comparison.to_frame().to_csv(tmp / "comparison.csv", index=False, lineterminator="\n",
                                     float_format=CSV_FLOAT)
        _write_json(tmp / "comparison.json", comparison.to_dict())
        _write_json(tmp / "manifest.json", {
            "version": comparison.runs[0].version,
            "command": command if command is not None else sys.argv,
            "python": platform.python_version(),
            "dependencies": _versions(),
            "scenarios": {label: {"sha256": scenario_hash(run.scenario), "scenario": resolved_data(run.scenario)}
                          for label, run in zip(comparison.labels, comparison.runs, strict=True)},
        })
        if plots:
            from .plots import save_comparison

            (tmp / "plots").mkdir()
            save_comparison(comparison, tmp / "plots", formats=formats, dpi=dpi, lang=lang)
    return folder

"""Write a run's outputs: tidy CSV, JSON summary, contributions, manifest, plots — atomically.

Everything is written into a staging folder and swapped into place only once
complete (:mod:`simulator.output_folder`): a run that fails at any point leaves the
previous outputs as they were, and a folder that holds a user's own files is never
replaced.
"""

from __future__ import annotations

import json
import platform
import sys
from contextlib import AbstractContextManager
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from .attribution import Attribution
from .compare import Comparison
from .display.report_units import VALUE_COLUMNS, in_report_units
from .errors import UsageError
from .output_folder import replace_folder
from .results import Results
from .scenario.load import resolved_data, scenario_hash
from .scenario.schema import Scenario
from .version import __version__

#: Files of an output folder, with what they hold (written in this order).
FILES = {
    "timeseries.csv": "tidy series: time, variant, variable, unit, labels, value",
    "summary.json": "cumulative and final-year totals per variant, rebound and backfire",
    "contributions.csv": "cumulative actual impacts by service, generation/layer/device, equipment",
    "innovations.csv": "per innovation and quantity: expected and actual savings, rebound, stacking (cumulative)",
    "manifest.json": "resolved scenario, its sha256, versions, command line",
}
#: Files ``units="report"`` adds: the tables with a unit column, in report units
#: (:mod:`simulator.display.report_units`).
REPORT_FILES = {
    "timeseries_report.csv": "timeseries.csv in report units (TWh, EB, Mt CO2e, t Sb_eq, PJ, hm**3, kt)",
    "contributions_report.csv": "contributions.csv in report units",
    "innovations_report.csv": "innovations.csv in report units (expected and actual savings)",
}
#: Number format of CSV values: 10 significant digits, far beyond the model's accuracy.
CSV_FLOAT = "%.10g"
_DEPENDENCIES = ("simpy", "networkx", "numpy", "pandas", "pydantic", "pint", "matplotlib", "pyyaml", "scipy",
                 "SALib", "pyarrow", "tqdm", "distributed", "starlette", "uvicorn", "plotly")


def atomic_folder(target: str | Path) -> AbstractContextManager[Path]:
    """Yield a fresh staging folder; on success it replaces ``target`` whole. Only an empty folder
    or a previous jevons output is ever replaced (see :mod:`simulator.output_folder`)."""
    return replace_folder(target)


def write_json(path: Path, data: Any) -> None:
    """``data`` as indented JSON (no NaN: a number not computed is null), for every writer of outputs."""
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


def innovations_table(summary: dict[str, Any]) -> pd.DataFrame:
    """summary.json's ``innovations`` as a table: innovation, quantity, unit, expected_savings,
    actual_savings, rebound, stacking (cumulative over the horizon; empty where undefined)."""
    columns = ["innovation", "quantity", "unit", "expected_savings", "actual_savings", "rebound", "stacking"]
    rows = [{"innovation": name, "quantity": quantity, **values}
            for name, by_quantity in summary.get("innovations", {}).items() for quantity, values in by_quantity.items()]
    return pd.DataFrame(rows, columns=columns)


def manifest(results: Results, command: list[str] | None = None, files: dict[str, str] | None = None) -> dict[str, Any]:
    """What is needed to reproduce a run: the resolved scenario and the software that ran it."""
    return scenario_manifest(results.scenario, results.version, command, FILES if files is None else files,
                             seed=results.scenario.seed)


def write_outputs(
    results: Results,
    folder: str | Path,
    *,
    plots: bool = True,
    formats: tuple[str, ...] = ("png",),
    dpi: int = 300,
    lang: str = "en",
    command: list[str] | None = None,
    between: tuple[float, float] | None = None,
    units: str = "base",
) -> Path:
    """Write every output of ``results`` into ``folder``, replacing it atomically.

    Figures go to ``folder/plots`` in each of ``formats`` (png, svg, pdf) unless
    ``plots`` is False; ``dpi`` applies to PNG; ``lang`` is "en" or "fr". ``units="report"`` also
    writes the tables with a unit column in report units (:data:`REPORT_FILES`, :mod:`~simulator.display.report_units`)
    beside the base-unit ones, which are the same either way.
    """
    if units not in ("base", "report"):
        raise UsageError(f"found units={units!r}, expected 'base' or 'report'")
    folder = Path(folder)
    with atomic_folder(folder) as tmp:
        tables = {"timeseries": results.to_frame()}
        tables["timeseries"].to_csv(tmp / "timeseries.csv", index=False, lineterminator="\n", float_format=CSV_FLOAT)
        summary = results.summary(between)
        write_json(tmp / "summary.json", summary)
        tables["innovations"] = innovations_table(summary)
        tables["innovations"].to_csv(tmp / "innovations.csv", index=False, lineterminator="\n",
                                     float_format=CSV_FLOAT)
        tables["contributions"] = results.contributions()
        tables["contributions"].to_csv(tmp / "contributions.csv", index=False, lineterminator="\n",
                                       float_format=CSV_FLOAT)
        if units == "report":
            for name, table in tables.items():
                in_report_units(table, VALUE_COLUMNS[name], results.scenario).to_csv(
                    tmp / f"{name}_report.csv", index=False, lineterminator="\n", float_format=CSV_FLOAT)
        write_json(tmp / "manifest.json", manifest(results, command, FILES | REPORT_FILES if units == "report"
                                                   else None))
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
    attribution: Attribution | None = None,
) -> Path:
    """Write comparison.csv, comparison.json, manifest.json and the comparison figures, atomically; with
    ``attribution``, its files too (:func:`write_attribution`), in the same folder."""
    folder = Path(folder)
    with atomic_folder(folder) as tmp:
        comparison.to_frame().to_csv(tmp / "comparison.csv", index=False, lineterminator="\n",
                                     float_format=CSV_FLOAT)
        write_json(tmp / "comparison.json", comparison.to_dict())
        write_json(tmp / "manifest.json", {
            "version": comparison.runs[0].version,
            "command": command if command is not None else sys.argv,
            "python": platform.python_version(),
            "dependencies": _versions(),
            "scenarios": {label: {"sha256": scenario_hash(run.scenario), "scenario": resolved_data(run.scenario)}
                          for label, run in zip(comparison.labels, comparison.runs, strict=True)},
            **({} if attribution is None else {"attribution": _attribution_manifest(attribution)}),
        })
        if plots:
            from .plots import save_comparison

            (tmp / "plots").mkdir()
            save_comparison(comparison, tmp / "plots", formats=formats, dpi=dpi, lang=lang)
        if attribution is not None:
            _attribution_files(attribution, tmp, plots, formats, dpi, lang)
    return folder


def _attribution_manifest(attribution: Attribution) -> dict[str, Any]:
    if attribution.pair is None:
        return {}
    return {role: {"sha256": scenario_hash(s), "scenario": resolved_data(s)}
            for role, s in zip(("parent", "scenario"), attribution.pair, strict=True)}


def _attribution_files(attribution: Attribution, tmp: Path, plots: bool, formats: tuple[str, ...], dpi: int,
                       lang: str) -> None:
    attribution.to_frame().to_csv(tmp / "attribution.csv", index=False, lineterminator="\n", float_format=CSV_FLOAT)
    write_json(tmp / "attribution.json", attribution.to_dict())
    if plots:
        from .plots.attribution import save_attribution

        (tmp / "plots").mkdir(exist_ok=True)
        save_attribution(attribution, tmp / "plots", formats=formats, dpi=dpi, lang=lang)


def write_attribution(
    attribution: Attribution,
    folder: str | Path,
    *,
    plots: bool = True,
    formats: tuple[str, ...] = ("png",),
    dpi: int = 300,
    lang: str = "en",
    command: list[str] | None = None,
) -> Path:
    """Write attribution.csv, attribution.json, manifest.json (the parent and the scenario, resolved) and the
    figures (``plots/attribution.png``, and ``plots/attribution_<year>.png`` per listed year), atomically."""
    folder = Path(folder)
    with atomic_folder(folder) as tmp:
        write_json(tmp / "manifest.json", {
            "version": __version__,
            "command": command if command is not None else sys.argv,
            "python": platform.python_version(),
            "dependencies": _versions(),
            **_attribution_manifest(attribution),
        })
        _attribution_files(attribution, tmp, plots, formats, dpi, lang)
    return folder

"""Write the outputs of Monte Carlo, sweep and sensitivity runs — atomically, like a single run.

Wide tables name each column with its unit in brackets (``energy_cumulative [kWh]``);
long tables carry a ``unit`` column. Every folder gets a ``manifest.json`` with the
resolved scenario, its sha256, the command and the software versions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from ..export import CSV_FLOAT, atomic_folder, scenario_manifest, write_json
from ..scenario.load import resolved_data, scenario_hash
from ..scenario.schema import Scenario
from ..version import __version__
from .difference import Difference
from .montecarlo import MonteCarlo
from .sensitivity import Sensitivity
from .sweep import Sweep


def _csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", float_format=CSV_FLOAT)


def _meta(scenario: Scenario, **extra: Any) -> dict[str, Any]:
    return {"scenario": scenario.name, "version": __version__, "scenario_model": scenario, **extra}


MONTECARLO_FILES = {
    "members.parquet": "headline series of every member: member, time, variable, variant, unit, value",
    "members.csv": "per member: parameter values, cumulative totals, induced and the measure (units in column names)",
    "bands.csv": "per year: percentiles 5/25/50/75/95 across members and the nominal run, the measure's series "
                 "included",
    "summary.json": "the measure, percentiles of cumulative totals, of induced and of the measure, probability of "
                    "backfire (rebound measures), parameters",
    "manifest.json": "resolved scenario, its sha256, seed, versions, command line",
}


def write_montecarlo(mc: MonteCarlo, folder: str | Path, *, plots: bool = True, formats: Iterable[str] = ("png",),
                     dpi: int = 300, lang: str = "en", command: list[str] | None = None) -> Path:
    """members.parquet, members.csv, bands.csv, summary.json, manifest.json, plots/fan_chart."""
    folder = Path(folder)
    scenario = mc.ensemble.scenario
    bands = mc.bands()
    with atomic_folder(folder) as tmp:
        mc.member_series().to_parquet(tmp / "members.parquet", index=False)
        _csv(mc.totals(), tmp / "members.csv")
        _csv(bands, tmp / "bands.csv")
        write_json(tmp / "summary.json", mc.summary())
        write_json(tmp / "manifest.json", scenario_manifest(
            scenario, __version__, command, MONTECARLO_FILES, seed=mc.seed, members=mc.ensemble.members,
            measure=mc.measure.name))
        if plots:
            from ..plots.fan import plot_fan_chart
            from ..plots.output import save_uncertainty_figures

            meta = _meta(scenario, members=mc.ensemble.members, seed=mc.seed, measure=mc.measure.describe())
            save_uncertainty_figures({"fan_chart": plot_fan_chart(bands, meta, lang=lang)}, tmp / "plots",
                                     formats=formats, dpi=dpi)
    return folder


DIFFERENCE_FILES = {
    "differences.csv": "per compared scenario, quantity (energy, traffic, each impact category) and statistic "
                       "(cumulative, final_year): mean and percentiles 5/25/50/75/95 of its difference to the "
                       "reference over members, the difference as written (nominal), the probability that it is "
                       "lower (probability_lower) and the 5-95 % spread of each scenario alone",
    "members.csv": "per member: drawn values, cumulative energy, climate change and traffic of every scenario and "
                   "the differences to the reference (units in column names)",
    "bands.csv": "per compared scenario, quantity and instant: percentiles of the difference of the yearly rate",
    "summary.json": "the draws, and per scenario, quantity and statistic the distribution of the difference and "
                    "probability_lower",
    "manifest.json": "every resolved scenario with its sha256, the seed, versions, command line",
}


def write_difference(diff: Difference, folder: str | Path, *, plots: bool = True, formats: Iterable[str] = ("png",),
                     dpi: int = 300, lang: str = "en", command: list[str] | None = None) -> Path:
    """differences.csv, members.csv, bands.csv, summary.json, manifest.json and, per compared scenario,
    plots/difference_<name> (energy and climate change over time)."""
    folder = Path(folder)
    bands = diff.bands()
    reference = diff.reference
    with atomic_folder(folder) as tmp:
        _csv(diff.to_frame(), tmp / "differences.csv")
        _csv(diff.members_frame(), tmp / "members.csv")
        _csv(bands, tmp / "bands.csv")
        write_json(tmp / "summary.json", diff.summary())
        manifest = scenario_manifest(reference, __version__, command, DIFFERENCE_FILES, seed=diff.seed,
                                     members=diff.members)
        manifest["compared"] = {name: {"sha256": scenario_hash(e.scenario), "scenario": resolved_data(e.scenario)}
                                for name, e in zip(diff.names[1:], diff.runs[1:], strict=True)}
        write_json(tmp / "manifest.json", manifest)
        if plots:
            from ..plots.fan_difference import plot_difference_fan
            from ..plots.output import save_uncertainty_figures

            figures = {"difference_" + re.sub(r"[^A-Za-z0-9_.-]", "_", name): plot_difference_fan(
                bands, name, diff.names[0], {**_meta(reference, members=diff.members, seed=diff.seed),
                                             "scenario": f"{name} − {diff.names[0]}"}, lang=lang)
                for name in diff.names[1:]}
            save_uncertainty_figures(figures, tmp / "plots", formats=formats, dpi=dpi)
    return folder


SWEEP_FILES = {
    "grid.csv": "one row per grid point: parameter values, cumulative totals, induced and the measure (units in "
                "column names)",
    "summary.json": "the measure, the grid, column units, number of backfire points (rebound measures)",
    "manifest.json": "resolved scenario, its sha256, versions, command line",
}


def write_sweep(sw: Sweep, folder: str | Path, *, plots: bool = True, formats: Iterable[str] = ("png",),
                dpi: int = 300, lang: str = "en", command: list[str] | None = None) -> Path:
    """grid.csv, summary.json, manifest.json; plots/sweep (one parameter) or plots/jevons_map (two)."""
    folder = Path(folder)
    scenario = sw.ensemble.scenario
    table = sw.table()
    units = sw.units()
    with atomic_folder(folder) as tmp:
        _csv(table.rename(columns={c: f"{c} [{u}]" if u else c for c, u in units.items()}), tmp / "grid.csv")
        write_json(tmp / "summary.json", sw.summary())
        write_json(tmp / "manifest.json", scenario_manifest(scenario, __version__, command, SWEEP_FILES,
                                                                   measure=sw.measure.name))
        if plots and len(sw.parameters) <= 2:
            from ..plots.output import save_uncertainty_figures
            from ..plots.sweeps import plot_jevons_map, plot_sweep_lines

            nominal = tuple(p.nominal for p in sw.parameters)
            meta = _meta(scenario, points=len(table), measure=sw.measure.describe(),
                         nominal=nominal[0] if len(nominal) == 1 else nominal)
            labels = [p.label for p in sw.parameters]
            if len(sw.parameters) == 1:
                figures = {"sweep": plot_sweep_lines(table, sw.parameters[0].key, labels[0], meta, lang=lang,
                                                     value=sw.value_column)}
            else:
                x, y = (p.key for p in sw.parameters)
                figures = {"jevons_map": plot_jevons_map(table, x, y, labels[0], labels[1], meta, lang=lang,
                                                         value=sw.value_column)}
            save_uncertainty_figures(figures, tmp / "plots", formats=formats, dpi=dpi)
    return folder


SENSITIVITY_FILES = {
    "indices.csv": "per output and parameter: S1, S1_conf, ST, ST_conf (Sobol) or mu_star, mu_star_conf, sigma, mu "
                   "(Morris); dimensionless for Sobol, in the output's unit for Morris",
    "summary.json": "method, measure, number of runs, parameters ranked per output",
    "manifest.json": "resolved scenario, its sha256, seed, versions, command line",
}


def write_sensitivity(sens: Sensitivity, scenario: Scenario, folder: str | Path, *, plots: bool = True,
                      formats: Iterable[str] = ("png",), dpi: int = 300, lang: str = "en",
                      command: list[str] | None = None) -> Path:
    """indices.csv, summary.json, manifest.json, plots/sensitivity."""
    folder = Path(folder)
    with atomic_folder(folder) as tmp:
        indices = sens.indices.copy()
        indices.insert(1, "output_unit", indices["output"].map(sens.outputs))
        _csv(indices, tmp / "indices.csv")
        write_json(tmp / "summary.json", sens.summary())
        write_json(tmp / "manifest.json", scenario_manifest(
            scenario, __version__, command, SENSITIVITY_FILES, seed=sens.seed, method=sens.method, runs=sens.runs,
            measure=sens.measure.name))
        if plots:
            from ..plots.output import save_uncertainty_figures
            from ..plots.sensitivity import plot_sensitivity

            meta = _meta(scenario, runs=sens.runs, method=sens.method, measure=sens.measure.describe())
            save_uncertainty_figures({"sensitivity": plot_sensitivity(sens.indices, sens.method, meta, lang=lang)},
                                     tmp / "plots", formats=formats, dpi=dpi)
    return folder

"""Write a calibration: the calibrated scenario, ``fit.json``, the figures and the manifest, atomically
(:mod:`simulator.output_folder`: a user's files are never replaced; a failure leaves nothing).

``calibrated.yaml`` ``extends:`` the original scenario file (by a path relative to the output
folder) and sets each fitted value at its key, its interval in a comment, so that ``jevons run
calibrated.yaml`` runs the fitted scenario. When the scenario was not read as it stands from a file
(Python data, ``--set`` options), it holds the whole resolved scenario instead, fitted values in place.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from ..export import atomic_folder, scenario_manifest, write_json
from ..scenario import space
from ..scenario.load import load_scenario, resolved_data
from ..scenario.types import is_number
from ..units import takes_bare_number
from ..version import __version__
from .fit import WEIGHTS, Z95, Calibration

FILES = {
    "calibrated.yaml": "the scenario with the fitted values (extends the original), each with its 95 % interval",
    "fit.json": "fitted values, standard errors, intervals, correlations, residuals per observed point, warnings",
    "fit_observed.png": "observed series and simulated ones at the scenario's and at the fitted values",
    "fit_residuals.png": "ln(simulated / observed) per point, before and after the fit",
    "fit_profiles.png": "the objective along each parameter, the others at their fitted values",
    "manifest.json": "resolved scenario, its sha256, versions, command line",
}
FIGURES = ("fit_observed", "fit_residuals", "fit_profiles")


def _number(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _shown(value: float) -> str:
    """A value for a comment: 4 significant figures, thousands separated."""
    if not math.isfinite(value):
        return "undetermined"
    return f"{value:,.0f}" if abs(value) >= 1e3 else f"{value:.4g}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def _value_text(value: float, unit: str) -> str:
    """A fitted value as YAML: a bare number where the field takes one, else ``"value unit"``."""
    text = f"{value:.10g}"
    return text if takes_bare_number(unit) else f'"{text} {unit}"'


def _scalar(text: str) -> str:
    """A text as a YAML scalar (quoted where YAML would read it otherwise)."""
    return yaml.safe_dump(text, default_flow_style=True, width=10_000).strip().removesuffix("...").strip()


def _key_text(part: str | int) -> str:
    """A key of the calibrated YAML: a year or a number bare (to merge with the parent's key), names as YAML
    writes them."""
    if isinstance(part, int) or (isinstance(part, str) and is_number(part)):
        return str(part)
    return _scalar(part)


def _comment(fit: Calibration, j: int) -> str:
    p = fit.parameters[j]
    unit = f" {p.unit}" if p.unit not in ("", "1") else ""
    series = fit.influences.get(p.key, [])
    points = sum(1 for q in fit.points if q.used and q.series in series)
    spread = (f" ± {_shown(Z95 * fit.se[j])}{unit} (95 %)" if math.isfinite(fit.se[j])
              else f"{unit} (interval undetermined: see the warnings of fit.json)")
    return (f"fitted: {_shown(fit.values[j])}{spread}, {points} point{'s' * (points != 1)} of {', '.join(series)}; "
            f"start {_shown(p.start)}")


def _extends_yaml(fit: Calibration, parent: str) -> str:
    """``extends:`` the parent and the fitted values at their nested keys, each with its comment."""
    tree: dict[Any, Any] = {}
    for j, p in enumerate(fit.parameters):
        for path in p.paths:
            node = tree
            for part in path[:-1]:
                node = node.setdefault(part, {})
            node[path[-1]] = (_value_text(fit.values[j], p.unit), _comment(fit, j))
    lines = [f"extends: {_scalar(parent)}", f"name: {_scalar(fit.scenario.name + '-calibrated')}"]

    def write(node: dict[Any, Any], depth: int) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                lines.append(f"{'  ' * depth}{_key_text(key)}:")
                write(value, depth + 1)
            else:
                lines.append(f"{'  ' * depth}{_key_text(key)}: {value[0]}   # {value[1]}")

    write(tree, 0)
    return "\n".join(lines) + "\n"


def _set(data: Any, path: space.Path, value: float | str) -> None:
    """Set ``value`` at a concrete path of resolved scenario data (table years matched as numbers)."""
    for depth, part in enumerate(path):
        last = depth == len(path) - 1
        if isinstance(data, list):
            key: Any = int(part)
        else:
            key = next((k for k in data if k == part or (is_number(str(k)) and is_number(str(part))
                                                         and float(k) == float(part))), part)
        if last:
            data[key] = value
        else:
            data = data[key]


def _full_yaml(fit: Calibration) -> str:
    """The whole resolved scenario with the fitted values in place, the intervals in a header."""
    data = resolved_data(fit.scenario)
    data["name"] = f"{fit.scenario.name}-calibrated"
    for j, p in enumerate(fit.parameters):
        for path in p.paths:
            value = float(fit.values[j])
            _set(data, path, value if takes_bare_number(p.unit) else f"{value:.10g} {p.unit}")
    header = [f"# {p.key}: {_comment(fit, j)}" for j, p in enumerate(fit.parameters)]
    return "\n".join(header) + "\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _reads_as_is(fit: Calibration) -> bool:
    """Whether the scenario is its source file as it stands (no ``--set``), so that extending it works."""
    if fit.source is None or not Path(fit.source).is_file():
        return False
    try:
        again = load_scenario(fit.source)
    except Exception:  # the file changed since: write the whole scenario
        return False
    return again.model_dump() == fit.scenario.model_dump()


def calibrated_yaml(fit: Calibration, folder: str | Path) -> str:
    """The text of ``calibrated.yaml`` for an output folder ``folder`` (the parent's path is relative to it)."""
    head = (f"# Calibrated by jevons {__version__} on {dt.date.today().isoformat()}: {_count(fit.k, 'parameter')} "
            f"fitted to {_count(fit.n, 'observed point')} by weighted least squares on log values (fit.json).\n")
    if _reads_as_is(fit):
        assert fit.source is not None
        source, target = Path(fit.source).resolve(), Path(folder).resolve()
        try:  # relative where the two share a folder below the root: the pair can move together
            shared = Path(os.path.commonpath([source, target]))
            parent = os.path.relpath(source, target) if shared != Path(shared.anchor) else str(source)
        except ValueError:  # another drive
            parent = str(source)
        return head + _extends_yaml(fit, Path(parent).as_posix())
    return head + "# The scenario was not read as it stands from a file: the whole resolved scenario follows.\n" + \
        _full_yaml(fit)


def points_table(fit: Calibration) -> pd.DataFrame:
    """One row per observed point: series, year, observed and simulated values (start and fitted) in
    ``unit``, residuals ln(simulated / observed), weight, whether it was fitted."""
    return pd.DataFrame({
        "series": [p.series for p in fit.points], "year": [p.year for p in fit.points],
        "unit": [p.unit for p in fit.points], "observed": [p.observed for p in fit.points],
        "simulated_start": fit.simulated_start, "simulated": fit.simulated,
        "residual_start": fit.residuals("start"), "residual": fit.residuals(), "weight": [p.weight for p in fit.points],
        "used": [p.used for p in fit.points],
    })


def fit_summary(fit: Calibration) -> dict[str, Any]:
    """What ``fit.json`` holds (JSON-ready, null for a number not determined)."""
    interval = fit.interval
    table = points_table(fit)
    unused = [s for s in dict.fromkeys(p.series for p in fit.points if p.used)
              if not any(s in series for series in fit.influences.values())]
    notes = [f"{s}: no fitted parameter moves it; its points count in n and in the SSR (hence in σ²) but inform no "
             "parameter" for s in unused]
    return {
        "scenario": fit.scenario.name,
        "source": fit.source,
        "until": fit.until,
        "fitted_series": fit.observations if fit.observations is not None else "all",
        "method": "weighted least squares on log values (scipy.optimize.least_squares, trf, bounded); "
                  "central-difference Jacobian run as one batch",
        "residual": "ln(simulated / observed), simulated read at the observed year (linear between instants), "
                    "indexed like the observation when it is an index",
        "weights": WEIGHTS,
        "parameters": [
            {"key": p.key, "paths": [space.dotted(q) for q in p.paths], "unit": p.unit, "start": p.start,
             "value": float(fit.values[j]), "se": _number(fit.se[j]),
             "interval_95": [_number(interval[j, 0]), _number(interval[j, 1])],
             "bounds": [_number(p.bounds[0]), _number(p.bounds[1])], "bounds_from": p.bounds_from,
             "influences": fit.influences.get(p.key, [])}
            for j, p in enumerate(fit.parameters)],
        "correlations": {"parameters": [p.key for p in fit.parameters],
                         "matrix": [[_number(v) for v in row] for row in fit.correlation]},
        "observations": [
            {"series": row.series, "year": row.year, "unit": row.unit, "observed": row.observed,
             "simulated_start": _number(row.simulated_start), "simulated": _number(row.simulated),
             "residual_start": _number(row.residual_start), "residual": _number(row.residual),
             "weight": row.weight, "used": bool(row.used)}
            for row in table.itertuples(index=False)],
        "ssr_start": fit.ssr_start,
        "ssr": fit.ssr,
        "n": fit.n,
        "k": fit.k,
        "sigma": _number(math.sqrt(fit.sigma2)),
        "condition_number_JtJ": _number(fit.condition ** 2),
        "warnings": fit.warnings,
        "confounded": [list(pair) for pair in fit.confounded],
        "notes": [*fit.notes, *notes],
        "profiles": [{"key": pr.key, "values": [float(v) for v in pr.values], "ssr": [_number(v) for v in pr.ssr]}
                     for pr in fit.profiles],
        "optimizer": fit.optimizer,
        "evaluations": {"runs": fit.samples, "batches": fit.batches},
        "wall_time_s": round(fit.wall_time, 3),
    }


def calibration_figures(fit: Calibration) -> dict[str, Any]:
    """The three figures of a calibration, by file stem."""
    from ..plots.calibration import plot_fit_observed, plot_fit_profiles, plot_fit_residuals

    t = fit.scenario.time
    fitted = "; ".join(f"{p.key} = {_comment(fit, j).removeprefix('fitted: ').split(', ')[0]}"
                       for j, p in enumerate(fit.parameters))
    meta = {"scenario": fit.scenario.name, "version": __version__, "period": (t.start, t.end),
            "notes": [f"fitted: {fitted}; {_count(fit.n, 'point')}, weights 1/sqrt(points of the series)",
                      *(f"not identifiable: {a} and {b} move the observed series the same way (fit.json): a curve "
                        "that holds one fixed looks well defined, but moved together they leave the objective flat"
                        for a, b in fit.confounded)]}
    table = points_table(fit)
    profiles = pd.DataFrame([{"parameter": pr.key, "value": v, "ssr": s} for pr in fit.profiles
                             for v, s in zip(pr.values, pr.ssr, strict=True)], columns=["parameter", "value", "ssr"])
    fitted_table = pd.DataFrame({"parameter": [p.key for p in fit.parameters], "unit": [p.unit for p in fit.parameters],
                                 "value": fit.values, "se": fit.se, "start": fit.start})
    threshold = fit.ssr + 3.841458820694124 * fit.sigma2 if np.isfinite(fit.sigma2) else None
    return {
        "fit_observed": plot_fit_observed(fit.before, fit.after, meta, until=fit.until),
        "fit_residuals": plot_fit_residuals(table, meta),
        "fit_profiles": plot_fit_profiles(profiles, fitted_table, meta, threshold),
    }


def write_calibration(fit: Calibration, folder: str | Path, *, plots: bool = True, dpi: int = 200,
                      command: list[str] | None = None) -> Path:
    """calibrated.yaml, fit.json, manifest.json and (``plots``) fit_observed, fit_residuals, fit_profiles (PNG)."""
    folder = Path(folder)
    files = {k: v for k, v in FILES.items() if plots or not k.endswith(".png")}
    text = calibrated_yaml(fit, folder)
    with atomic_folder(folder) as tmp:
        (tmp / "calibrated.yaml").write_text(text, encoding="utf-8")
        write_json(tmp / "fit.json", fit_summary(fit))
        write_json(tmp / "manifest.json", scenario_manifest(fit.scenario, __version__, command, files,
                                                             parameters=[p.key for p in fit.parameters],
                                                             until=fit.until))
        if plots:
            from ..plots.output import save_uncertainty_figures

            save_uncertainty_figures(calibration_figures(fit), tmp, formats=("png",), dpi=dpi)
    return folder


__all__ = ["FILES", "calibrated_yaml", "calibration_figures", "fit_summary", "points_table", "write_calibration"]

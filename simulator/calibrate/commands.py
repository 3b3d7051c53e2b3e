"""The ``jevons calibrate`` command: a thin wrapper around :func:`~.fit.calibrate` and
:func:`~.export.write_calibration`."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..output_folder import claim


def _year(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"found {text!r}, expected a year such as 2015")
    return value


def register(sub: Any, common: argparse.ArgumentParser, dpi: Callable[[str], int]) -> dict[str, Callable]:
    """Add the command to ``sub``; return its handler by name."""
    cal = sub.add_parser("calibrate", parents=[common],
                         help="fit parameters to the scenario's observations (weighted least squares on logs)")
    cal.add_argument("scenario", type=Path, help="scenario YAML file with observations:")
    cal.add_argument("--params", nargs="+", required=True, metavar="PATH",
                     help="dotted paths of the numbers to fit, e.g. generations.LTE.coverage_sites (* allowed)")
    cal.add_argument("--until", type=_year, metavar="YEAR", help="fit only the observed points up to this year")
    cal.add_argument("--observations", nargs="+", metavar="NAME",
                     help="fit only these observed series (names under observations:); the others are drawn, "
                          "out of sample (default: every series)")
    cal.add_argument("-o", "--output", type=Path, help="output folder (default: outputs/<name>-calibration)")
    cal.add_argument("--dpi", type=dpi, default=200, help="resolution of the figures (default 200)")
    cal.add_argument("--no-plots", action="store_true", help="write calibrated.yaml and fit.json only")
    return {"calibrate": _calibrate}


def _calibrate(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from ..scenario.load import load_scenario
    from .export import write_calibration
    from .fit import Z95, calibrate

    scenario = load_scenario(args.scenario)
    output = args.output or Path("outputs") / f"{scenario.name}-calibration"
    with claim(output):
        fit = calibrate(scenario, args.params, until=args.until, observations=args.observations)
        write_calibration(fit, output, plots=not args.no_plots, dpi=args.dpi, command=["jevons", *argv])
    upto = (f" up to {fit.until:g}" if fit.until is not None else "") + (
        f" of {', '.join(fit.observations)}" if fit.observations is not None else "")
    print(f"{scenario.name}: {fit.k} parameter{'s' * (fit.k != 1)} fitted to {fit.n} observed points{upto}; objective "
          f"{fit.ssr_start:.4g} -> {fit.ssr:.4g} ({fit.samples} runs in {fit.batches} batches, {fit.wall_time:.1f} s)")
    for j, p in enumerate(fit.parameters):
        unit = f" {p.unit}" if p.unit not in ("", "1") else ""
        spread = (f" ± {Z95 * fit.se[j]:.3g}{unit} (95 %" if math.isfinite(fit.se[j])
                  else f"{unit} (interval undetermined")
        print(f"  {p.key} = {fit.values[j]:.6g}{spread}; start {p.start:.6g})")
    for warning in fit.warnings:
        print(f"warning: {warning}")
    print(f"outputs written to {output}")
    return 0

"""Benchmark of a calibration end to end (check, fit, uncertainty, profiles; then the outputs).

    python benchmarks/bench_calibrate.py [--params PATH ...] [--scale F] [--repeat N]

The baseline has no observations of its own: this script makes synthetic ones from a run of the
baseline as written (total traffic and energy every 3 years 2005-2023, 4G sites 2012-2023, core and
transport energy 2005-2023), moves the fitted parameters away from their values (× ``--scale``,
alternately up and down, inside their bounds), and times ``calibrate`` bringing them back, then
``write_calibration`` (calibrated.yaml, fit.json, three figures). Outside the test suite. Target
(issue 12): 3-5 parameters of the baseline in ≤ 60 s on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np

import simulator
from simulator.calibrate import calibrate
from simulator.calibrate.export import write_calibration
from simulator.calibrate.fit import fit_parameters
from simulator.engine import simulate
from simulator.scenario import space
from simulator.scenario.schema import Observation

ROOT = Path(__file__).resolve().parents[1]
PARAMS = ["demand.services.video.growth", "demand.services.video.elasticity", "generations.4G.coverage_sites",
          "layers.core_transport.efficiency_gain", "demand.services.web_apps.growth"]


def synthetic(scenario: simulator.Scenario, noise: float, seed: int = 0) -> dict[str, Observation]:
    """Observations read off a run of ``scenario`` (actual run), in canonical units, each multiplied by
    exp(N(0, noise)) (log-normal errors, what the fit assumes)."""
    results = simulate(scenario, ("actual",))
    rng = np.random.Generator(np.random.PCG64(seed))

    def points(years: range, variable: str, **labels: str) -> dict[float, float]:
        series = results.array(variable, **labels)
        return {float(y): float(np.interp(y, results.times, series) * np.exp(rng.normal(0.0, noise))) for y in years}

    every3 = range(2005, 2024, 3)
    return {
        "traffic": Observation(variable="traffic", unit="GB/yr", values=points(every3, "traffic")),
        "energy": Observation(variable="energy", unit="kWh/yr", values=points(every3, "energy")),
        "sites_4g": Observation(variable="sites", generation="4G", unit="site",
                                values=points(range(2012, 2024, 2), "sites", generation="4G")),
        "core_energy": Observation(variable="energy", layer="core_transport", unit="kWh/yr",
                                   values=points(every3, "energy", layer="core_transport")),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", type=Path, default=ROOT / "scenarios" / "world-mobile.yaml")
    parser.add_argument("--params", nargs="+", default=None, help="paths to fit (default: 3, 4 and 5 of a list)")
    parser.add_argument("--scale", type=float, default=1.25, help="factor the start values are moved by")
    parser.add_argument("--noise", type=float, default=0.05, help="sd of the log errors of the observations")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    print(f"# jevons {simulator.__version__}, Python {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    truth = simulator.load_scenario(args.scenario)
    observed = truth.model_copy(update={"observations": synthetic(truth, args.noise)})
    sets = [args.params] if args.params else [PARAMS[:3], PARAMS[:4], PARAMS]
    for keys in sets:
        moved = {}
        for j, parameter in enumerate(fit_parameters(truth, keys)):
            value = parameter.start * (args.scale if j % 2 == 0 else 1 / args.scale)
            low, high = parameter.bounds
            if not low <= value <= high:  # halfway to the bound it would cross
                value = (parameter.start + (low if value < low else high)) / 2
            moved.update(dict.fromkeys(parameter.paths, value))
        start = space.derive(observed, moved)
        for _ in range(args.repeat):
            clock = time.perf_counter()
            fit = calibrate(start, keys)
            elapsed = time.perf_counter() - clock
            with tempfile.TemporaryDirectory() as folder:
                clock = time.perf_counter()
                write_calibration(fit, Path(folder) / "out")
                written = time.perf_counter() - clock
            truths = np.array([space.value_at(truth, p.paths[0]) for p in fit.parameters])
            error = float(np.max(np.abs(fit.values / truths - 1)))
            inside = int(np.sum((fit.interval[:, 0] <= truths) & (truths <= fit.interval[:, 1])))
            print(f"{truth.name}: {fit.k} parameters, {fit.n} points, noise {args.noise:g}: calibrate {elapsed:.2f} s "
                  f"({fit.samples} runs in {fit.batches} batches, {fit.optimizer['function_calls']} steps), outputs "
                  f"{written:.2f} s; largest relative error of a fitted value {error:.1e}, true value inside the 95 % "
                  f"interval for {inside} of {fit.k}; warnings: {len(fit.warnings)}")
            for warning in fit.warnings:
                print(f"  warning: {warning}")


if __name__ == "__main__":
    main()

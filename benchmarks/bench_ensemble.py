"""Benchmark of ensembles end to end (choose the measure, draw, derive, check, batch, run, keep headline
series, compute the measure of every sample).

    python benchmarks/bench_ensemble.py [--members N ...] [--workers W ...] [--measure M]

For world-mobile.yaml and classroom-jevons.yaml (their ``uncertainty:`` sections),
times a Monte Carlo's work on its draws and reports samples per second; each
sample is run with the counterfactuals of the measure (the default measure: the
actual, engineering and frozen runs; ``window`` adds two, ``marginal`` one), so
it is that many members of the engine's batches (members/s = variants × samples/s).
Outside the test suite.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

import numpy as np

import simulator
from simulator.ensemble.measures import choose_measure
from simulator.ensemble.runner import run_members
from simulator.ensemble.sampling import draw, uncertain_parameters

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", type=Path,
                        default=[ROOT / "scenarios" / "world-mobile.yaml",
                                 ROOT / "scenarios" / "classroom-jevons.yaml"])
    parser.add_argument("--members", type=int, nargs="+", default=[100, 2000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, os.cpu_count() or 1])
    parser.add_argument("--chunk", type=int, default=None, help="members per chunk (default: the runner's)")
    parser.add_argument("--measure", default=None, help="the ensemble's measure (default: the scenario's default)")
    args = parser.parse_args()
    print(f"# jevons {simulator.__version__}, Python {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.machine()}, {os.cpu_count()} cores")
    for path in args.scenarios:
        scenario = simulator.load_scenario(path)
        params = uncertain_parameters(scenario)
        run_members(scenario, params, draw(params, 4, 0), workers=1, progress=False)  # warm-up
        for n in args.members:
            values = draw(params, n, 0)
            for workers in args.workers:
                start = time.perf_counter()
                measure = choose_measure(scenario, args.measure)
                ensemble = run_members(scenario, params, values, workers=workers, chunk=args.chunk, progress=False,
                                       variants=measure.variants)
                measure.values(ensemble)
                measure.series(ensemble)
                elapsed = time.perf_counter() - start
                v = len(measure.variants)
                print(f"{scenario.name}: {n:>6} samples ({len(params)} parameters), measure {measure.name} "
                      f"({v} variants), {workers} worker(s): {elapsed:.2f} s, {n / elapsed:,.0f} samples/s = "
                      f"{v * n / elapsed:,.0f} members/s")


if __name__ == "__main__":
    main()

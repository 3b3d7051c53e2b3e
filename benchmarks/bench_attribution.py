"""Benchmark of a Shapley attribution: what each measure of a scenario contributes (issue 14).

    python benchmarks/bench_attribution.py [SCENARIO] [--years 2030,2049] [--from 2025] [--repeat N]

Times ``attribute`` on ``sobriety.yaml`` by default (8 measures: every one of the 2^8 = 256
coalitions is run, plus the scenario itself as a check), loading included and the first
import of the package excluded, then ``write_attribution`` (CSV, JSON, figures). Prints the
number of measures, runs, wall time, the machine's cores and load. Sobriety's measures are all
policies with their own dates, so no two coalitions share an event schedule and each runs as a
batch of one (~25 ms for 200 steps). Outside the test suite. Target (issue 14): sobriety's
attribution in ≤ 10 s on 2 cores.
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
from simulator.attribution import attribute

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", type=Path, default=ROOT / "scenarios" / "sobriety.yaml")
    parser.add_argument("--years", default="2030,2049", help="calendar years to attribute too ('' for none)")
    parser.add_argument("--from", dest="since", type=float, default=2025.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    years = [int(y) for y in args.years.split(",") if y.strip()]
    print(f"# jevons {simulator.__version__}, Python {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.machine()}, {os.cpu_count()} cores")
    for _ in range(args.repeat):
        load = os.getloadavg()[0]
        clock = time.perf_counter()
        result = attribute(args.scenario, years=years, since=args.since if years else None)
        elapsed = time.perf_counter() - clock
        with tempfile.TemporaryDirectory() as folder:
            clock = time.perf_counter()
            simulator.write_attribution(result, Path(folder) / "out")
            written = time.perf_counter() - clock
        print(f"{result.scenario} vs {result.parent}: {len(result.measures)} measures, {result.method}, "
              f"{result.runs} coalitions run + 1 check run, years {years or 'none'}: attribute {elapsed:.2f} s "
              f"({elapsed / (result.runs + 1) * 1000:.1f} ms a run), outputs {written:.2f} s; load average before "
              f"{load:.2f}")


if __name__ == "__main__":
    main()

"""Benchmark of the engine, outside the test suite.

    python benchmarks/bench_engine.py [SCENARIO ...] [--repeat N] [--members N ...]

Reports, for each scenario (default: baseline and classroom):
* latency of one run with its two counterfactuals (a batch of three), from a
  loaded scenario, without writing outputs — median and best of N repeats;
* throughput of larger batches (members per second), where every member runs
  through the same simpy processes over arrays with a member axis.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from pathlib import Path

import numpy as np

import simulator
from simulator.engine import run_batch
from simulator.model.params import VARIANTS

ROOT = Path(__file__).resolve().parents[1]


def timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", type=Path,
                        default=[ROOT / "scenarios" / "baseline.yaml", ROOT / "scenarios" / "classroom-jevons.yaml"])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--members", type=int, nargs="+", default=[3, 99, 999])
    args = parser.parse_args()
    print(f"# jevons {simulator.__version__}, Python {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.machine()}")
    for path in args.scenarios:
        scenario = simulator.load_scenario(path)
        simulator.simulate(scenario)  # warm-up (imports, caches)
        run = timed(lambda s=scenario: simulator.simulate(s), args.repeat)
        print(f"{scenario.name}: {scenario.n_steps} steps; single run + 2 counterfactuals (incl. results "
              f"tables): median {1e3 * statistics.median(run):.1f} ms, best {1e3 * min(run):.1f} ms")
        for members in args.members:
            variants = VARIANTS * max(1, members // len(VARIANTS))
            repeat = max(1, min(args.repeat, 3 if len(variants) > 100 else args.repeat))
            batch = timed(lambda s=scenario, v=variants: run_batch(s, v), repeat)
            best = min(batch)
            print(f"  batch of {len(variants):>6} members: best {best:.3f} s, "
                  f"{len(variants) / best:,.0f} members/s")


if __name__ == "__main__":
    main()

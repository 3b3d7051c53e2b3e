"""Benchmark of the engine, outside the test suite.

    python benchmarks/bench_engine.py [SCENARIO ...] [--repeat N] [--members N ...]

Reports, for each scenario (default: baseline and classroom):

* latency of one run with every counterfactual its rebound measures need
  (``simulate``: engineering, frozen, window, marginal and a pair per innovation,
  38 members for the baseline; results tables included), from a loaded scenario,
  without writing outputs — median and best of N repeats;
* throughput, in members per second, of batches of each size of ``--members``
  (default 1, 100 and 10,000), in one process:

  - ``run_batch``: members are variants of the one scenario (actual,
    engineering, frozen, actual, ...);
  - ``run_samples``: distinct samples derived from the scenario with
    ``simulator.scenario.space.derive`` (every service's elasticity and every
    generation's efficiency gain drawn within ±20 % of the scenario's value),
    each with its three variants (one variant for a batch of one member).
    Deriving the samples is not timed; compiling them is;
  - ``draws``: what Monte Carlo runs in each chunk: members drawn from the
    scenario's ``uncertainty:`` section, their arrays written from the draws
    (``simulator.model.draws.compile_draws``, timed), each with its three
    variants, recording the headline fields only.

Times are wall-clock, on whatever else the machine is doing: run it on a quiet
machine, and compare numbers taken with the same command.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

import simulator
from simulator.engine import run_batch, run_params, run_samples
from simulator.ensemble.runner import RECORDED
from simulator.ensemble.sampling import draw, uncertain_parameters
from simulator.model.draws import compile_draws
from simulator.model.params import VARIANTS
from simulator.scenario import space

ROOT = Path(__file__).resolve().parents[1]
#: Paths varied between the samples of ``run_samples``, with the largest value each accepts,
#: and the relative spread of their draws.
VARIED = {"demand.services.*.elasticity": 10.0, "generations.*.efficiency_gain": 0.99}
SPREAD = 0.2


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock seconds of ``repeat`` calls of ``fn``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def derived_samples(scenario: simulator.Scenario, n: int, seed: int = 0) -> list[simulator.Scenario]:
    """``n`` samples of ``scenario``, each path of :data:`VARIED` drawn within ±SPREAD of its value."""
    found = [(path, highest) for key, highest in VARIED.items() for path, _ in space.expand(scenario, key)]
    paths = [path for path, _ in found]
    nominal = np.array([space.value_at(scenario, path) for path in paths])
    rng = np.random.default_rng(seed)
    draws = nominal * rng.uniform(1.0 - SPREAD, 1.0 + SPREAD, (n, len(paths)))
    values = np.minimum(draws, [highest for _, highest in found])
    return [space.derive(scenario, dict(zip(paths, row, strict=True))) for row in values]


def latency(scenario: simulator.Scenario, repeat: int) -> str:
    simulator.simulate(scenario)  # warm-up (imports, caches)
    run = timed(lambda: simulator.simulate(scenario), repeat)
    members = len(simulator.simulate(scenario).variants)
    return (f"{scenario.name}: {scenario.n_steps} steps; single run with its {members - 1} counterfactuals "
            f"(incl. results tables): median {1e3 * statistics.median(run):.1f} ms, best {1e3 * min(run):.1f} ms")


def throughput(label: str, members: int, fn: Callable[[], object], repeat: int) -> str:
    best = min(timed(fn, repeat))
    return f"  {label:<11} {members:>6} members: best {best:7.3f} s, {members / best:>8,.0f} members/s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", type=Path,
                        default=[ROOT / "scenarios" / "world-mobile.yaml",
                                 ROOT / "scenarios" / "classroom-jevons.yaml"])
    parser.add_argument("--repeat", type=int, default=10, help="repeats of the single run (fewer for big batches)")
    parser.add_argument("--members", type=int, nargs="+", default=[1, 100, 10_000], help="batch sizes")
    args = parser.parse_args()
    print(f"# jevons {simulator.__version__}, Python {platform.python_version()}, numpy {np.__version__}, "
          f"{platform.machine()}")
    for path in args.scenarios:
        scenario = simulator.load_scenario(path)
        print(latency(scenario, args.repeat))
        for n in args.members:
            repeat = max(1, min(args.repeat, 10_000 // max(n, 1), 3 if n > 100 else args.repeat))
            variants = tuple(VARIANTS[i % len(VARIANTS)] for i in range(n))
            print(throughput("run_batch", n, lambda s=scenario, v=variants: run_batch(s, v), repeat))
            per_sample = VARIANTS if n >= len(VARIANTS) else VARIANTS[:n]
            samples = derived_samples(scenario, max(1, n // len(VARIANTS)))
            print(throughput("run_samples", len(samples) * len(per_sample),
                             lambda s=samples, v=per_sample: run_samples(s, v), repeat))
            if scenario.uncertainty:
                parameters = uncertain_parameters(scenario)
                values = draw(parameters, max(1, n // len(VARIANTS)), seed=0)
                paths = [q.paths for q in parameters]
                print(throughput("draws", len(values) * len(per_sample),
                                 lambda s=scenario, q=paths, x=values, v=per_sample:
                                 run_params(compile_draws(s, q, x, v), record=RECORDED), repeat))


if __name__ == "__main__":
    main()

"""Benchmark of `jevons report`: the baseline with two comparisons, end to end (issue 14, point 9).

    python benchmarks/bench_report.py [--pdf | --no-pdf] [--samples N] [--repeat N]

Runs, as a user would, ``jevons report scenarios/world-mobile.yaml scenarios/sobriety.yaml
scenarios/no-5g.yaml -o DIR/report.html --pdf`` in a fresh Python process each time (start-up,
imports and Chromium included), and prints the wall time of each run with the machine's cores and
load average before it and the CPU time it took (the process's and Chromium's, waited for: on a busy
machine a better guide to the idle wall time than the wall time), then the split of one run in this
process: the runs, the figures and tables (the HTML), and the PDF print. Outside the test suite.
Target (issue 14): ≤ 30 s on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = [ROOT / "scenarios" / name for name in ("world-mobile.yaml", "sobriety.yaml", "no-5g.yaml")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf", action=argparse.BooleanOptionalAction, default=True, help="print the PDF too")
    parser.add_argument("--samples", type=int, default=200, help="Monte Carlo runs (the command's default)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import simulator

    print(f"# jevons {simulator.__version__}, Python {platform.python_version()}, {platform.machine()}, "
          f"{os.cpu_count()} cores")
    command = [sys.executable, "-m", "simulator", "report", *map(str, SCENARIOS), "--samples", str(args.samples)]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "report.html"
        for _ in range(args.repeat):
            load = os.getloadavg()[0]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            clock = time.perf_counter()
            subprocess.run([*command, "-o", str(out), *(["--pdf"] if args.pdf else [])], check=True, cwd=ROOT,
                           stdout=subprocess.DEVNULL)
            elapsed = time.perf_counter() - clock
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            pdf = out.with_suffix(".pdf")
            size = f", PDF {pdf.stat().st_size / 1e6:.1f} MB" if args.pdf else ""
            print(f"jevons report baseline + sobriety + no-5g{' --pdf' if args.pdf else ''}: {elapsed:.1f} s "
                  f"wall, {cpu:.1f} s CPU (HTML {out.stat().st_size / 1e6:.1f} MB{size}); load average before "
                  f"{load:.2f}")
        split(args.samples, args.pdf)


def split(samples: int, pdf: bool) -> None:
    """One report in this process, timed by stage (imports excluded)."""
    from simulator.engine import simulate
    from simulator.reporting.document import Inputs, pdf_title, render, year_choice
    from simulator.scenario.load import load_scenario

    clock = time.perf_counter()
    scenarios = [load_scenario(path) for path in SCENARIOS]
    for scenario in scenarios:
        simulate(scenario)
    runs = time.perf_counter() - clock
    years, since = year_choice(None, None, scenarios)
    clock = time.perf_counter()
    text = render(Inputs(scenarios[0], scenarios[1:], years, since, samples, "en", None))
    rendered = time.perf_counter() - clock
    printed = 0.0
    if pdf:
        from simulator.serve.worksheet import print_pdf

        clock = time.perf_counter()
        print_pdf(text, pdf_title(scenarios[0], "en"))
        printed = time.perf_counter() - clock
    print(f"split: load and run the 3 scenarios {runs:.1f} s; render (runs again, Monte Carlo of {samples}, figures, "
          f"tables) {rendered:.1f} s; PDF print {printed:.1f} s")


if __name__ == "__main__":
    main()

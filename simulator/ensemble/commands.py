"""The ``jevons montecarlo``, ``jevons sweep`` and ``jevons sensitivity`` commands."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..output_folder import claim

if TYPE_CHECKING:
    from ..scenario.schema import Scenario
    from .measures import Measure

#: Most members (or runs) one command may ask for.
MAX_MEMBERS = 1_000_000


def _count(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= MAX_MEMBERS:
        raise argparse.ArgumentTypeError(f"found {text!r}, expected a whole number from 1 to {MAX_MEMBERS:,}")
    return int(text)


def _seed(text: str) -> int:
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"found {text!r}, expected a whole number >= 0")
    return int(text)


def _workers(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= 512:
        raise argparse.ArgumentTypeError(f"found {text!r}, expected a whole number of workers from 1 to 512")
    return int(text)


def _add_common(p: argparse.ArgumentParser, formats: Callable, dpi: Callable, languages: Sequence[str],
                several: bool = False) -> None:
    if several:
        p.add_argument("scenario", type=Path, nargs="+", help="scenario YAML file; with several, the first is the "
                       "reference, whose uncertainty: is drawn once for all (common random numbers), and the "
                       "differences of the others to it are reported")
    else:
        p.add_argument("scenario", type=Path, help="scenario YAML file")
    p.add_argument("-o", "--output", type=Path, help="output folder (default: outputs/<name>-<command>)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a scenario value before the ensemble")
    p.add_argument("--workers", type=_workers, help="local worker processes (default: all cores)")
    p.add_argument("--chunk", type=_count, default=None,
                   help="members per batch sent to a worker (default: 200 for a scenario like the baseline, up to "
                   "1,000 for smaller ones; results do not depend on it)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask cluster, e.g. tcp://10.0.0.5:8786")
    where.add_argument("--dask-local", type=_workers, metavar="N", help="start a local Dask cluster of N workers")
    bar = p.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None,
                     help="show a progress bar (default: only on a terminal)")
    bar.add_argument("--no-progress", dest="progress", action="store_false")
    p.add_argument("--measure", metavar="MEASURE",
                   help="what each member reports: induced, frozen, window, marginal or innovation:KIND:NAME "
                   "(default: frozen where the scenario's run headlines it, else induced)")
    p.add_argument("--format", type=formats, default=("png",), help="figure formats: png,svg,pdf")
    p.add_argument("--dpi", type=dpi, default=300)
    p.add_argument("--lang", choices=languages, default="en")
    p.add_argument("--no-plots", action="store_true", help="write tables only")


def register(sub: Any, common: argparse.ArgumentParser, formats: Callable, dpi: Callable, languages: Sequence[str]
             ) -> dict[str, Callable]:
    """Add the three commands to ``sub``; return their handlers by name."""
    mc = sub.add_parser("montecarlo", parents=[common],
                        help="draw members from the scenario's uncertainty: section; bands and P(backfire); with "
                        "several scenarios, the uncertainty of their differences to the first")
    _add_common(mc, formats, dpi, languages, several=True)
    mc.add_argument("-n", "--members", type=_count, required=True, help="number of members")
    mc.add_argument("--seed", type=_seed, help="seed (default: the scenario's seed)")
    mc.add_argument("--params", nargs="+", metavar="KEY", help="vary only these keys of uncertainty:")

    sw = sub.add_parser("sweep", parents=[common], help="run a full grid of parameter values; the Jevons map")
    _add_common(sw, formats, dpi, languages)
    sw.add_argument("--grid", action="append", required=True, metavar="PATH=LO:HI:N",
                    help="a swept parameter: dotted path (* allowed), range and number of points; repeat")

    se = sub.add_parser("sensitivity", parents=[common], help="Sobol or Morris indices of the uncertain parameters")
    _add_common(se, formats, dpi, languages)
    se.add_argument("--method", choices=("sobol", "morris"), default="sobol")
    se.add_argument("-n", type=_count, required=True, dest="members",
                    help="base samples (Sobol: N × (K + 2) runs; a power of 2) or trajectories (Morris: N × (K + 1))")
    se.add_argument("--seed", type=_seed, help="seed (default: the scenario's seed)")
    se.add_argument("--params", nargs="+", metavar="KEY", help="analyse only these keys of uncertainty:")
    return {"montecarlo": _montecarlo, "sweep": _sweep, "sensitivity": _sensitivity}


def _run_options(args: argparse.Namespace) -> dict:
    options = {"workers": args.workers, "scheduler": args.scheduler, "dask_local": args.dask_local,
               "progress": args.progress}
    if args.chunk is not None:
        options["chunk"] = args.chunk
    return options


def _reach_scheduler(args: argparse.Namespace) -> None:
    """Refuse an unreachable --scheduler before anything slow (imports, loading, drawing)."""
    if args.scheduler is not None:
        from .scheduler import reach

        reach(args.scheduler)


def _load(args: argparse.Namespace) -> tuple[Scenario, Measure]:
    """The scenario and the measure (checked, or chosen by default) before any output folder is claimed."""
    from ..scenario.load import load_scenario
    from .measures import choose_measure

    scenario = load_scenario(args.scenario, args.overrides)
    return scenario, choose_measure(scenario, args.measure)


def _plot_options(args: argparse.Namespace, argv: Sequence[str]) -> dict:
    return {"plots": not args.no_plots, "formats": args.format, "dpi": args.dpi, "lang": args.lang,
            "command": ["jevons", *argv]}


def _fmt(value: float | None, scale: float = 1.0, unit: str = "") -> str:
    return "undefined" if value is None else f"{value / scale:,.4g}{unit}"


def _montecarlo(args: argparse.Namespace, argv: Sequence[str]) -> int:
    if len(args.scenario) > 1:
        return _montecarlo_difference(args, argv)
    args.scenario = args.scenario[0]
    _reach_scheduler(args)
    from .export import write_montecarlo
    from .montecarlo import monte_carlo

    scenario, measure = _load(args)
    output = args.output or Path("outputs") / f"{scenario.name}-montecarlo"
    with claim(output):
        mc = monte_carlo(scenario, args.members, seed=args.seed, keys=args.params, measure=measure,
                         **_run_options(args))
        write_montecarlo(mc, output, **_plot_options(args, argv))
    s = mc.summary()
    energy = s["cumulative"]["energy"]
    print(f"{scenario.name}: {s['members']:,} members (seed {s['seed']}); cumulative energy median "
          f"{_fmt(energy['p50'], 1e9)} TWh, 90 % of members between {_fmt(energy['p5'], 1e9)} and "
          f"{_fmt(energy['p95'], 1e9)} TWh (nominal {_fmt(energy['nominal'], 1e9)})")
    print(f"the scenario as written: {s['verdict_of_the_scenario']['text']['en']}")
    print(f"measure: {s['measure_label']}")
    if mc.measure.is_rebound:
        r, p = s["rebound"]["energy"], s["probability_of_backfire"]["energy"]
        if p is not None:
            print(f"energy rebound R ({s['measure']}): median {_fmt(100 * r['p50'])} %, 5-95 % "
                  f"{_fmt(100 * r['p5'])} to {_fmt(100 * r['p95'])} %; probability of backfire {100 * p:.3g} %")
    else:
        r = s["induced"]["energy"]
        if r["defined_members"]:
            print(f"induced energy (actual - engineering)/engineering: median {_fmt(100 * r['p50'])} %, 5-95 % "
                  f"{_fmt(100 * r['p5'])} to {_fmt(100 * r['p95'])} %")
    for note in s["notes"]:
        print(f"note: {note}")
    print(f"outputs written to {output}")
    return 0


def _montecarlo_difference(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """``jevons montecarlo A B ...``: the differences to A on common random numbers (:mod:`.difference`)."""
    from ..errors import Problem, ScenarioError

    if args.measure is not None:
        raise ScenarioError([Problem(f"found --measure {args.measure} with {len(args.scenario)} scenarios, expected "
                                     "it with one scenario only: differences are reported for energy, traffic and "
                                     "each impact category, not for a rebound measure", "--measure")])
    _reach_scheduler(args)
    from ..scenario.load import load_scenario
    from .difference import check_difference, monte_carlo_difference
    from .export import write_difference

    problems: list[Problem] = []
    scenarios = []
    for path in args.scenario:
        try:
            scenarios.append(load_scenario(path, args.overrides))
        except ScenarioError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ScenarioError(problems)
    check_difference(scenarios, args.params)
    names = [s.name for s in scenarios]
    output = args.output or Path("outputs") / f"montecarlo-{'-vs-'.join(names)}"
    with claim(output):
        diff = monte_carlo_difference(scenarios, args.members, seed=args.seed, keys=args.params,
                                      **_run_options(args))
        write_difference(diff, output, **_plot_options(args, argv))
    s = diff.summary()
    print(f"{names[0]} and {', '.join(names[1:])}: {s['members']:,} members on the same draws (seed {s['seed']})")
    for name in names[1:]:
        for quantity, scale, unit in (("energy", 1e9, "TWh"), ("climate_change", 1e9, "Mt CO2e")):
            d = s["differences"][name][quantity]["cumulative"]
            p = s["probability_lower"][name][quantity]["cumulative"]
            if p is None:
                continue
            label = "energy" if quantity == "energy" else "CO2e"
            print(f"{name} - {names[0]}: cumulative {label} median {_fmt(d['p50'], scale)} {unit}, 90 % of members "
                  f"between {_fmt(d['p5'], scale)} and {_fmt(d['p95'], scale)} {unit}; lower in "
                  f"{100 * p:.3g} % of members")
    for note in s["notes"]:
        print(f"note: {note}")
    print(f"outputs written to {output}")
    return 0


def _sweep(args: argparse.Namespace, argv: Sequence[str]) -> int:
    _reach_scheduler(args)
    from .export import write_sweep
    from .sweep import sweep

    scenario, measure = _load(args)
    output = args.output or Path("outputs") / f"{scenario.name}-sweep"
    with claim(output):
        sw = sweep(scenario, args.grid, measure=measure, **_run_options(args))
        write_sweep(sw, output, **_plot_options(args, argv))
    summary = sw.summary()
    where = f"; backfire (R > 1) at {summary['backfire_points']:,} of them" if measure.is_rebound else ""
    print(f"{scenario.name}: {summary['points']:,} grid points over "
          f"{', '.join(g['key'] for g in summary['grid'])}{where}; measure: {measure.label}")
    if len(sw.parameters) > 2:
        print("note: no figure for more than two swept parameters; grid.csv holds every point")
    print(f"outputs written to {output}")
    return 0


def _sensitivity(args: argparse.Namespace, argv: Sequence[str]) -> int:
    _reach_scheduler(args)
    from .export import write_sensitivity
    from .sensitivity import sensitivity

    scenario, measure = _load(args)
    output = args.output or Path("outputs") / f"{scenario.name}-sensitivity-{args.method}"
    with claim(output):
        sens = sensitivity(scenario, args.method, args.members, keys=args.params, seed=args.seed, measure=measure,
                           **_run_options(args))
        write_sensitivity(sens, scenario, output, **_plot_options(args, argv))
    key = "ST" if args.method == "sobol" else "mu_star"
    print(f"{scenario.name}: {args.method}, {sens.runs:,} runs; measure: {measure.label}")
    for output_name, ranked in sens.summary()["ranking"].items():
        top = ", ".join(f"{r['parameter']} ({key} {r[key]:.3g})" for r in ranked[:3])
        print(f"  {output_name}: {top}")
    print(f"outputs written to {output}")
    return 0

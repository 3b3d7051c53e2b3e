"""The ``jevons`` command: run, validate, graph, reference.

Exit status: 0 success, 2 invalid input (every problem printed as
``FILE:LINE:COL: key.path: message``, nothing written), 1 internal error, 141 (as a shell's
SIGPIPE) when the reader of the console lines stops reading, e.g. ``jevons run ... | head``: the
outputs were written before the lines, so they are complete; nothing more is printed.
``--debug`` shows the traceback of any error.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from . import interrupts
from .calibrate import commands as calibrate_commands
from .ensemble import commands as ensemble_commands
from .errors import Interrupted, NumericalError, OutputError, ScenarioError, SimulatorError
from .output_folder import claim
from .reporting import commands as report_commands
from .serve import commands as serve_commands
from .version import __version__

if TYPE_CHECKING:
    from .results import Results

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2
EXIT_BROKEN_PIPE = 141
FORMATS = ("png", "svg", "pdf")
LANGUAGES = ("en", "fr")


def _formats(text: str) -> tuple[str, ...]:
    chosen = tuple(f.strip().lower() for f in text.split(",") if f.strip())
    bad = [f for f in chosen if f not in FORMATS]
    if not chosen or bad:
        raise argparse.ArgumentTypeError(f"found {text!r}, expected a comma-separated list of {', '.join(FORMATS)}")
    return chosen


def _dpi(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 30 <= value <= 1200:
        raise argparse.ArgumentTypeError(f"found {text!r}, expected a whole number from 30 to 1200")
    return value


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    parser = argparse.ArgumentParser(prog="jevons", parents=[common],
                                     description="Rebound-effect simulator for the digital sector.")
    parser.add_argument("--version", action="version", version=f"jevons {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", parents=[common], help="run a scenario with its counterfactuals and write outputs")
    run.add_argument("scenario", type=Path, nargs="?", help="scenario YAML file")
    run.add_argument("--from-manifest", type=Path, metavar="MANIFEST",
                     help="rerun exactly the resolved scenario recorded in a run's manifest.json")
    run.add_argument("-o", "--output", type=Path, help="output folder (default: outputs/<scenario name>)")
    run.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                     help="override a scenario value, e.g. demand.services.video.elasticity=1.4")
    run.add_argument("--format", type=_formats, default=("png",), help="figure formats: png,svg,pdf")
    run.add_argument("--dpi", type=_dpi, default=300, help="resolution of PNG figures (default 300)")
    run.add_argument("--no-plots", action="store_true", help="write tables only")
    run.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the figures (en, fr)")
    run.add_argument("--between", type=float, nargs=2, metavar=("FROM", "TO"),
                     help="years between which the change of energy and impacts is decomposed (default: start, end)")
    run.add_argument("--units", choices=("base", "report"), default="base",
                     help="report: also write the tables in TWh, EB, Mt CO2e, t Sb_eq, PJ, hm**3, kt (*_report.csv)")

    comp = sub.add_parser("compare", parents=[common], help="run several scenarios and compare them")
    comp.add_argument("scenarios", type=Path, nargs="*",
                      help="two or more scenario files; the first is the reference (none with --attribute alone)")
    comp.add_argument("-o", "--output", type=Path,
                      help="output folder (default: outputs/compare-<names>, or outputs/attribute-<name>)")
    comp.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                      help="override a value in every scenario")
    comp.add_argument("--format", type=_formats, default=("png",))
    comp.add_argument("--dpi", type=_dpi, default=300)
    comp.add_argument("--no-plots", action="store_true")
    comp.add_argument("--lang", choices=LANGUAGES, default="en")
    comp.add_argument("--years", metavar="Y1,Y2", help="calendar years to answer for, e.g. 2030,2049: the mean over "
                      "each year's steps and the total from --from to its end")
    comp.add_argument("--from", dest="since", metavar="YEAR",
                      help="start of the totals of --years (default: the latest start of the scenarios)")
    comp.add_argument("--attribute", metavar="SCENARIO", help="split a scenario's difference to the file it extends "
                      "into each measure's Shapley share (a file, or the name of one of the scenarios compared)")
    comp.add_argument("--permutations", type=int, default=64, metavar="N",
                      help="random orders sampled when --attribute finds more than 8 measures (default 64)")

    validate = sub.add_parser("validate", parents=[common], help="check scenario files; exit 0 if all are valid")
    validate.add_argument("scenarios", type=Path, nargs="+")
    validate.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")

    graph = sub.add_parser("graph", parents=[common], help="draw a scenario's dependency graph")
    graph.add_argument("scenario", type=Path)
    graph.add_argument("-o", "--output", type=Path, help="output folder (default: outputs/<name>-graph)")
    graph.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    graph.add_argument("--format", type=_formats, default=("png",))
    graph.add_argument("--dpi", type=_dpi, default=300)
    graph.add_argument("--lang", choices=LANGUAGES, default="en")

    ref = sub.add_parser("reference", parents=[common], help="print the scenario reference generated from the schema")
    ref.add_argument("-o", "--output", type=Path, help="write it to this file instead")
    parser.set_defaults(ensemble=ensemble_commands.register(sub, common, _formats, _dpi, LANGUAGES))
    parser.set_defaults(serve=serve_commands.register(sub, common, LANGUAGES))
    parser.set_defaults(calibrate=calibrate_commands.register(sub, common, _dpi))
    parser.set_defaults(report=report_commands.register(sub, common, LANGUAGES))
    return parser


def _between(results: Results, years: list[float] | None) -> tuple[float, float] | None:
    """The years of ``--between``, checked: two instants of the run, the first before the second."""
    if years is None:
        return None
    from .errors import Problem

    first, last = results.times[0], results.times[-1]
    start, end = years
    if not (first <= start < end <= last) or any(abs((y - first) / results.dt - round((y - first) / results.dt))
                                                 > 1e-9 for y in years):
        raise ScenarioError([Problem(f"--between: found {start:g} {end:g}, expected two instants of the run "
                                     f"({first:g} to {last:g}, every {results.dt:g} yr), the first before the second")])
    return float(start), float(end)


def _run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from .engine import simulate
    from .errors import Problem
    from .export import write_outputs
    from .indicators import target_lines
    from .scenario.load import load_scenario, scenario_from_manifest

    if (args.scenario is None) == (args.from_manifest is None):
        raise ScenarioError([Problem("give either a scenario file or --from-manifest MANIFEST, not both")])
    if args.from_manifest is not None:
        scenario = scenario_from_manifest(args.from_manifest, args.overrides)
    else:
        scenario = load_scenario(args.scenario, args.overrides)
    output = args.output or Path("outputs") / scenario.name
    with claim(output):
        results = simulate(scenario)
        between = _between(results, args.between)
        write_outputs(results, output, plots=not args.no_plots, formats=args.format, dpi=args.dpi,
                      lang=args.lang, command=["jevons", *argv], between=between, units=args.units)
    summary = results.summary(between)
    print(_verdict(summary))
    for line in target_lines(summary):
        print(line)
    print(f"outputs written to {output}")
    return EXIT_OK


def _amount(value: float, unit: str) -> str:
    """A cumulative amount in the unit a reader expects: kWh → TWh, kg CO2e → Mt CO2e."""
    scale, shown = {"kWh": (1e9, "TWh"), "kg CO2e": (1e9, "Mt CO2e")}.get(unit, (1.0, unit))
    value /= scale
    return f"{value:+,.0f} {shown}" if abs(value) >= 100 else f"{value:+.3g} {shown}"


def _verdict(summary: dict) -> str:
    """Lines a person can read: cumulative energy, the verdict (real change, then the headline rebound
    and what it is measured against), what the demand response added, and the notes."""
    energy = summary["totals"]["energy"]
    lines = [f"{summary['scenario']}: {summary['start']:g}-{summary['end']:g}, cumulative energy "
             f"{_amount(energy['actual'], energy['unit']).lstrip('+')}"]
    verdict = summary.get("verdict")
    if verdict:
        lines.append(verdict["text"]["en"])
        for quantity in ("energy", "climate_change"):
            induced = summary["induced"].get(quantity)
            if induced and induced["absolute"] is not None:
                share = "" if induced["relative"] is None else f" ({100 * induced['relative']:+.3g} %)"
                lines.append(f"induced by the demand response ({quantity.replace('_', ' ')}, actual − engineering "
                             f"estimate): {_amount(induced['absolute'], induced['unit'])}{share} over "
                             f"{summary['start']:g}-{summary['end']:g}")
        ratio = summary["frozen_ratio"].get("energy")
        if verdict["measure"] != "frozen" and ratio is not None:
            lines.append(f"the rebound against frozen {summary['start']:g} technology is not headlined: that "
                         f"counterfactual would use {ratio:,.0f}× the actual energy")
    lines.extend(f"note: {note}" for note in summary["notes"])
    return "\n".join(lines)


def _year_options(args: argparse.Namespace) -> tuple[list[int], float | None]:
    """``--years`` and ``--from`` read (ScenarioError for a malformed list, a --from that is not a year,
    or --from without --years); their fit to the scenarios' horizons is checked later."""
    from .errors import Problem

    years: list[int] = []
    if args.years is not None:
        items = [item.strip() for item in str(args.years).split(",")]
        if not all(item.isdigit() and 1000 <= int(item) <= 9999 for item in items):
            raise ScenarioError([Problem(f"found {args.years!r}, expected calendar years separated by commas, "
                                         "e.g. 2030,2049", "--years")])
        years = sorted({int(item) for item in items})
    since = None
    if args.since is not None:
        try:
            since = float(args.since)
        except ValueError:
            since = float("nan")
        if not 1000 <= since <= 9999:
            raise ScenarioError([Problem(f"found {args.since!r}, expected a year, e.g. 2025", "--from")])
        if not years:
            raise ScenarioError([Problem("found --from without --years, expected both (--from starts the totals "
                                         "up to each year of --years)", "--from")])
    return years, since


def _compare(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from .attribution import attribute, parent_path
    from .compare import compare, year_problems
    from .engine import simulate
    from .errors import Problem
    from .export import write_attribution, write_comparison
    from .scenario.load import load_scenario

    if len(args.scenarios) < 2 and not (args.attribute is not None and not args.scenarios):
        raise ScenarioError([Problem("compare needs at least two scenario files (or none, with --attribute)")])
    if args.permutations < 2:
        raise ScenarioError([Problem(f"found {args.permutations}, expected at least 2", "--permutations")])
    years, since = _year_options(args)
    target: Path | None = None
    if args.attribute is not None:
        named = [p for p in args.scenarios if args.attribute in (p.stem, str(p))]
        target = named[0] if named else Path(args.attribute)
    problems, scenarios, pair = [], [], []
    for path in args.scenarios:
        try:
            scenarios.append(load_scenario(path, args.overrides))
        except ScenarioError as exc:
            problems.extend(exc.problems)
    if target is not None:
        try:
            pair = [load_scenario(p, args.overrides) for p in (parent_path(target), target)]
        except ScenarioError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ScenarioError(problems)
    for group in (scenarios, pair):
        if group:
            problems.extend(Problem(message, option) for option, message in year_problems(
                years, since, [(s.time.start, s.time.end, s.time.step) for s in group]))
    if len(scenarios) > 1 and max(s.time.start for s in scenarios) >= min(s.time.end for s in scenarios):
        horizons = ", ".join(f"{p}: {s.time.start:g}-{s.time.end:g}" for p, s in zip(args.scenarios, scenarios,
                                                                                     strict=True))
        problems.append(Problem(f"found horizons with no year in common ({horizons}), expected scenarios whose "
                                "time.start to time.end overlap: a comparison reads their common years", "time"))
    if problems:
        raise ScenarioError(list(dict.fromkeys(problems)))
    default = ("compare-" + "-vs-".join(s.name for s in scenarios)) if scenarios else f"attribute-{pair[1].name}"
    output = args.output or Path("outputs") / default
    comparison = attribution = None
    with claim(output):
        if pair:
            attribution = attribute(pair[1], pair[0], years=years, since=since, permutations=args.permutations)
        if scenarios:
            comparison = compare([simulate(s) for s in scenarios], years, since)
            write_comparison(comparison, output, plots=not args.no_plots, formats=args.format, dpi=args.dpi,
                             lang=args.lang, command=["jevons", *argv], attribution=attribution)
        elif attribution is not None:
            write_attribution(attribution, output, plots=not args.no_plots, formats=args.format, dpi=args.dpi,
                              lang=args.lang, command=["jevons", *argv])
    if comparison is not None:
        table = comparison.to_frame()
        energy = table[(table.quantity == "energy") & (table.statistic == "cumulative")]
        for row in energy.itertuples():
            diff = "" if row.scenario == comparison.labels[0] else f" ({row.difference_pct:+.1f} %)"
            print(f"{row.scenario}: cumulative energy {row.value / 1e9:,.4g} TWh{diff}")
        for line in comparison.year_lines():
            print(line)
        for note in comparison.notes:
            print(f"note: {note}")
    if attribution is not None:
        for line in attribution.summary_lines():
            print(line)
    print(f"{'comparison' if comparison is not None else 'attribution'} written to {output}")
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    from .graph import build_graph
    from .scenario.load import load_scenario

    status = EXIT_OK
    for path in args.scenarios:
        try:
            build_graph(load_scenario(path, args.overrides))
            print(f"{path}: ok")
        except ScenarioError as exc:
            _print_problems(exc)
            status = EXIT_INPUT
    return status


def _graph(args: argparse.Namespace) -> int:
    from .export import atomic_folder
    from .graph import build_graph
    from .plots import save_graph
    from .scenario.load import load_scenario

    scenario = load_scenario(args.scenario, args.overrides)
    graph = build_graph(scenario)
    output = args.output or Path("outputs") / f"{scenario.name}-graph"
    with atomic_folder(output) as tmp:
        save_graph(graph, scenario, tmp, formats=args.format, dpi=args.dpi, lang=args.lang)
    print(f"graph of {scenario.name}: {graph.number_of_nodes()} nodes, "
          f"{graph.number_of_edges()} edges, written to {output}")
    return EXIT_OK


def _reference(args: argparse.Namespace) -> int:
    from .output_folder import replace_file
    from .scenario.reference import REFERENCE_MARKER, reference_markdown

    text = reference_markdown()
    if args.output:
        replace_file(args.output, text, REFERENCE_MARKER)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _print_problems(exc: ScenarioError) -> None:
    for problem in exc.problems:
        print(f"error: {problem}" if not problem.file else str(problem), file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``jevons`` command; returns the exit status.

    Ctrl-C and SIGTERM at any point print one line and return 130 or 143 (see :mod:`.interrupts`).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    with interrupts.raised_as_exceptions():
        try:
            return _main(argv)
        except KeyboardInterrupt as exc:  # while parsing the arguments or reporting an error
            print(interrupts.describe(exc), file=sys.stderr)
            return interrupts.exit_status(exc)


def _stopped_meanwhile(debug: bool) -> int | None:
    """130 or 143 if a stop signal was raised during the command: the error being handled is then what its
    exception became (e.g. an ImportError of an extension module being imported, :func:`.interrupts.requested`,
    or a worker killed by the same SIGTERM); None otherwise."""
    signum = interrupts.requested()
    if signum is None:
        return None
    if debug:
        traceback.print_exc()
    print(f"{interrupts.signal_words(signum)}; previous outputs left as they were", file=sys.stderr)
    return 128 + signum


def _main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    commands: dict[str, Callable[[], int]] = {
        "run": partial(_run, args, argv), "compare": partial(_compare, args, argv),
        "validate": partial(_validate, args), "graph": partial(_graph, args), "reference": partial(_reference, args),
        **{name: partial(f, args, argv) for name, f in args.ensemble.items()},
        **{name: partial(f, args) for name, f in args.serve.items()},
        **{name: partial(f, args, argv) for name, f in args.calibrate.items()},
        **{name: partial(f, args, argv) for name, f in args.report.items()}}
    try:
        return commands[args.command]()
    except ScenarioError as exc:
        if args.debug:
            traceback.print_exc()
        _print_problems(exc)
        return EXIT_INPUT
    except (OutputError, NumericalError) as exc:
        if args.debug:
            traceback.print_exc()
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt as exc:
        print(f"{interrupts.describe(exc)}; previous outputs left as they were", file=sys.stderr)
        return interrupts.exit_status(exc)
    except Interrupted as exc:
        print(f"{exc}; previous outputs left as they were", file=sys.stderr)
        return interrupts.exit_status(exc)
    except SimulatorError as exc:
        if (status := _stopped_meanwhile(args.debug)) is not None:
            return status
        if args.debug:
            traceback.print_exc()
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
    except BrokenPipeError:  # the reader of the console lines stopped reading (`| head`): nothing to say
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return EXIT_BROKEN_PIPE
    except Exception as exc:  # an internal error: say so, keep the traceback for --debug
        if (status := _stopped_meanwhile(args.debug)) is not None:
            return status
        if args.debug:
            traceback.print_exc()
        else:
            print(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)",
                  file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

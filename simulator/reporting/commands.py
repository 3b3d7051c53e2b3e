"""The command `jevons report`: its arguments and what it does.

:func:`register` adds it to the ``jevons`` parser and returns its handler, which returns the exit
status of :mod:`simulator.cli` (0 done) and leaves errors to it (2 for bad input, with nothing
written). The report's modules (matplotlib, the runs) are imported only when it runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..errors import Problem, ScenarioError

#: Monte Carlo runs by default (as :data:`simulator.reporting.document.SAMPLES`, not imported: matplotlib).
DEFAULT_SAMPLES = 200


def _samples(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 100_000:
        raise argparse.ArgumentTypeError(f"found {text!r}, expected a whole number of runs from 0 (no uncertainty "
                                         "section) to 100000")
    return int(text)


def register(sub: Any, common: argparse.ArgumentParser, languages: Sequence[str]
             ) -> dict[str, Callable[[argparse.Namespace, Sequence[str]], int]]:
    """Add `report` to the subcommands; return {name: handler}."""
    report = sub.add_parser("report", parents=[common],
                            help="one self-contained HTML report of a scenario (and a PDF), compared with others")
    report.add_argument("scenario", type=Path, help="scenario YAML file: the question the report answers")
    report.add_argument("compare", type=Path, nargs="*", help="scenarios shown beside it (comparison section)")
    report.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.html", help="HTML file to write")
    report.add_argument("--pdf", action="store_true", help="also print it to a PDF beside it (FILE.pdf; Chromium)")
    report.add_argument("--lang", choices=languages, default="en", help="language of the report (en, fr)")
    report.add_argument("--years", metavar="Y1,Y2", help="calendar years of the comparison's answers by year "
                        "(default: 2030 and the year the runs end at)")
    report.add_argument("--from", dest="since", metavar="YEAR",
                        help="start of the totals of --years (default: the latest start of the scenarios)")
    report.add_argument("--samples", type=_samples, default=DEFAULT_SAMPLES, metavar="N",
                        help=f"Monte Carlo runs where the scenario has uncertainty: (default {DEFAULT_SAMPLES}; "
                             "0: no uncertainty section)")
    return {"report": write_report}


def _years(args: argparse.Namespace) -> tuple[list[int] | None, float | None]:
    """``--years`` and ``--from`` read (ScenarioError for a malformed list or year); their fit to the horizons is
    checked with the scenarios."""
    years = None
    if args.years is not None:
        items = [item.strip() for item in str(args.years).split(",")]
        if not all(item.isdigit() and 1000 <= int(item) <= 9999 for item in items):
            raise ScenarioError([Problem(f"found {args.years!r}, expected calendar years separated by commas, "
                                         "e.g. 2030,2049", "--years")])
        years = [int(item) for item in items]
    since = None
    if args.since is not None:
        text = str(args.since)
        if not (text.replace(".", "", 1).isdigit() and 1000 <= float(text) <= 9999):
            raise ScenarioError([Problem(f"found {text!r}, expected a year, e.g. 2025", "--from")])
        if years is None:
            raise ScenarioError([Problem("found --from without --years, expected both (--from starts the totals "
                                         "up to each year of --years)", "--from")])
        since = float(text)
    return years, since


def write_report(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """`jevons report`: check the target and every scenario, run, draw, print, then write (nothing on bad input)."""
    from .api import report

    years, since = _years(args)
    page = report(args.scenario, args.compare, out=args.output, pdf=args.pdf, lang=args.lang, samples=args.samples,
                  years=years, since=since, command=["jevons", *argv])
    written = [str(page)] + ([str(page.with_suffix(".pdf"))] if args.pdf else [])
    print(f"report written to {' and '.join(written)}")
    return 0

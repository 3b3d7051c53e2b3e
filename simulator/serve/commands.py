"""The commands `jevons serve`, `jevons export-html` and `jevons lesson`: their arguments and what they do.

:func:`register` adds them to the ``jevons`` parser and returns their handlers, which return
the exit status of :mod:`simulator.cli` (0 done) and leave errors to it (2 for bad input, with
nothing written). Web
libraries are imported only when one of these commands runs, so other commands start as fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Problem, ScenarioError

if TYPE_CHECKING:
    from .explorer import Explorer

DEFAULT_PORT = 8000


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"found {text!r}, expected a port number from 0 (any free port) to 65535")
    return value


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def register(sub: Any, common: argparse.ArgumentParser, languages: Sequence[str]
             ) -> dict[str, Callable[[argparse.Namespace], int]]:
    """Add ``serve`` and ``export-html`` to the subcommands ``sub`` of the ``jevons`` parser;
    their handlers by command name."""
    live = sub.add_parser("serve", parents=[common],
                          help="a live page: the scenario's explore: sliders rerun the simulation as they move")
    live.add_argument("scenario", type=Path, help="scenario YAML file with an explore: section")
    live.add_argument("--host", help="address to listen on (default 127.0.0.1, this machine only); "
                                     "another address lets other machines open the page")
    live.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: any free)")
    live.add_argument("--lang", choices=languages, default="en", help="language of the page (en, fr)")
    live.add_argument("--no-browser", action="store_true", help="do not open the page in a browser")

    file = sub.add_parser("export-html", parents=[common],
                          help="the page as one HTML file over precomputed runs (opens with no Python)")
    file.add_argument("scenario", type=Path, help="scenario YAML file with an explore: section")
    file.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.html", help="file to write")
    file.add_argument("--lang", choices=languages, default="en", help="language of the page (en, fr)")
    file.add_argument("--params", type=_names, metavar="NAME,...",
                      help="the sliders of the file, at most 3 (default: the first three of explore:)")

    lesson = sub.add_parser("lesson", parents=[common],
                            help="the scenario's lesson: a student worksheet and a teacher's answer key (HTML, PDF)")
    lesson.add_argument("scenario", type=Path, help="scenario YAML file with a lesson: section")
    lesson.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.html", help="HTML file to write")
    lesson.add_argument("--pdf", action="store_true", help="also print it to a PDF beside it (FILE.pdf; Chromium)")
    lesson.add_argument("--lang", choices=languages, default="en", help="language of the worksheet (en, fr)")
    return {"serve": serve, "export-html": export_html, "lesson": lesson_sheets}


def _explorer(path: Path) -> Explorer:
    from ..scenario.load import load_scenario
    from .explorer import Explorer

    scenario = load_scenario(path)
    try:
        return Explorer(scenario)
    except ValueError as exc:
        raise ScenarioError([Problem(str(exc), path="explore", file=str(path))]) from None


def serve(args: argparse.Namespace) -> int:
    """`jevons serve`: check the address, load the scenario, listen, serve until Ctrl+C."""
    from . import server
    from .app import create_app

    host = args.host or server.LOOPBACK
    warning = server.check_host(host, explicit=args.host is not None)
    explorer = _explorer(args.scenario)
    app = create_app(explorer, args.lang, server.allowed_hosts(host))
    sock = server.listen(host, args.port)
    if warning:
        print(warning, file=sys.stderr)
    print(f"{explorer.scenario.name}: live page at {server.url_of(sock)} (Ctrl+C to stop)", flush=True)
    server.serve(app, sock, open_browser=not args.no_browser)
    print("stopped", file=sys.stderr)
    return 0


def _progress(combinations: Iterable[Any], total: int) -> Iterable[Any]:
    from tqdm import tqdm

    return tqdm(combinations, total=total, unit="run", desc="runs", file=sys.stderr, disable=not sys.stderr.isatty())


def export_html(args: argparse.Namespace) -> int:
    """`jevons export-html`: run the grid, write the file atomically (nothing on bad input)."""
    from ..output_folder import check_file, replace_file
    from .explorer import BadMove
    from .export import page_with_grid, parameters
    from .page import PAGE_MARKER

    output: Path = args.output
    check_file(output, PAGE_MARKER)
    explorer = _explorer(args.scenario)
    try:
        names = parameters(explorer, args.params)
    except BadMove as exc:
        raise ScenarioError([Problem(str(exc), file=str(args.scenario))]) from None
    text, runs = page_with_grid(explorer, names, args.lang, _progress)
    replace_file(output, text, PAGE_MARKER)
    size = output.stat().st_size
    print(f"{output}: {runs} runs over {', '.join(names)}, {size / 1e6:.1f} MB; opens in a browser with no Python")
    return 0


def lesson_sheets(args: argparse.Namespace) -> int:
    """`jevons lesson`: check both targets, run every step, print, then write (nothing on bad input)."""
    from ..errors import UsageError
    from ..output_folder import replace_file
    from . import worksheet

    page, pdf = worksheet.targets(args.output, args.pdf)
    explorer = _explorer(args.scenario)
    try:
        text = worksheet.render(explorer, args.scenario.name, args.lang)
    except UsageError as exc:
        raise ScenarioError([Problem(str(exc), path="lesson", file=str(args.scenario))]) from None
    lesson = explorer.scenario.lesson
    assert lesson is not None  # render refuses a scenario without one
    data = worksheet.print_pdf(text, worksheet.pdf_title(lesson, args.lang)) if pdf else None
    replace_file(page, text, worksheet.MARKER)
    written = [str(page)]
    if pdf is not None and data is not None:
        replace_file(pdf, data, worksheet.PDF_MARKER)
        written.append(str(pdf))
    print(f"{' and '.join(written)}: worksheet and answer key, {len(lesson.steps)} steps, {lesson.minutes} min")
    return 0

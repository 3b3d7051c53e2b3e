"""simulator.report: check every input and target, render the report, print its PDF, write the files."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ..display.i18n import check_lang
from ..errors import OutputError, Problem, ScenarioError
from ..output_folder import check_file, replace_file
from ..scenario.load import load_scenario
from ..scenario.schema import Scenario
from .document import MARKER, PDF_MARKER, SAMPLES, Inputs, pdf_title, render, year_choice


def targets(out: str | os.PathLike[str], pdf: bool) -> tuple[Path, Path | None]:
    """The HTML file and, with ``pdf``, the PDF beside it (same name, ``.pdf``), both checked before anything is
    computed: absent or written by jevons report, and in a folder that exists or can be made (OutputError)."""
    out = Path(out)
    if out.suffix.lower() == ".pdf":
        raise OutputError(f"{out}: -o names the HTML file (e.g. report.html); --pdf writes the PDF beside it")
    page = check_file(out, MARKER)
    for parent in page.parents:
        if parent.exists() or parent.is_symlink():
            if not parent.is_dir():
                raise OutputError(f"{out}: {parent} exists and is not a folder; choose another output path")
            break
    return page, (check_file(page.with_suffix(".pdf"), PDF_MARKER) if pdf else None)


def _scenario(item: Scenario | str | os.PathLike[str], problems: list[Problem]) -> Scenario | None:
    if isinstance(item, Scenario):
        return item
    try:
        return load_scenario(Path(item))
    except ScenarioError as exc:
        problems.extend(exc.problems)
        return None


def report(scenario: Scenario | str | os.PathLike[str], compare: Sequence[Scenario | str | os.PathLike[str]] = (),
           *, out: str | os.PathLike[str], pdf: bool = False, lang: str = "en", samples: int = SAMPLES,
           years: Sequence[int] | None = None, since: float | None = None,
           command: list[str] | None = None) -> Path:
    """Write the report of ``scenario`` (a path or a loaded Scenario) to ``out`` (an HTML file) and, with
    ``pdf``, ``out`` with ``.pdf`` (printed by headless Chromium); return the HTML file's path.

    ``compare``: scenarios shown beside it (figures and answers by ``years``, totals from ``since``;
    default years 2030 and the end); ``samples``: Monte Carlo members where the scenario has
    ``uncertainty:`` (0: no uncertainty section); ``lang``: ``en`` or ``fr``. Every input is checked
    before anything runs and nothing is written on a problem: ScenarioError (a scenario, a year),
    OutputError (the target), UsageError (the language).
    """
    check_lang(lang)
    page, printed = targets(out, pdf)
    problems: list[Problem] = []
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 0:
        problems.append(Problem(f"found {samples!r}, expected a whole number of Monte Carlo runs >= 0", "--samples"))
    loaded = [_scenario(item, problems) for item in (scenario, *compare)]
    if problems:
        raise ScenarioError(problems)
    main, *others = [s for s in loaded if s is not None]
    if not others and (years is not None or since is not None):
        raise ScenarioError([Problem("found years to answer for but no scenario to compare, expected scenarios to "
                                     "compare (the answers by year are the comparison's)", "--years")])
    chosen, start = year_choice(years, since, [main, *others]) if others else ([], None)
    text = render(Inputs(main, others, chosen, start, samples, lang, command))
    data = None
    if printed is not None:
        from ..serve.worksheet import print_pdf

        data = print_pdf(text, pdf_title(main, lang))
    replace_file(page, text, MARKER)
    if printed is not None and data is not None:
        replace_file(printed, data, PDF_MARKER)
    return page


__all__ = ["MARKER", "PDF_MARKER", "SAMPLES", "report", "targets"]

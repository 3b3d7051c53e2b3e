"""Writing figures to files under stable names: a run's, a comparison's, the graph, an ensemble's.

``save_all`` writes the figures of :data:`FIGURES` that apply to a run (``decomposition``
needs the counterfactual runs, ``validation`` observations in the scenario);
``save_comparison`` the figures of :data:`COMPARISON_FIGURES`; ``save_graph`` the graph;
``save_uncertainty_figures`` the figures of a Monte Carlo, a sweep or a sensitivity analysis.
Each file is written beside its final name and moved into place, so a failure never
leaves half a file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import Any, Protocol

import networkx as nx
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ..compare import Comparison
from ..display.i18n import check_lang
from ..errors import UsageError
from ..rebound import innovation_names
from ..results import Results
from ..scenario.schema import Scenario
from .analysis import plot_contributions, plot_validation
from .comparison import COMPARISON_FIGURES
from .dependency_graph import plot_graph
from .figures import (
    plot_energy_by_generation,
    plot_equipment_manufactured,
    plot_impacts,
    plot_indexed,
    plot_rebound,
    plot_sites,
)
from .measures import plot_decomposition, plot_innovations
from .parts import plot_parts
from .style import SOURCE_GID, root_figure, styled


class FigureFunction(Protocol):
    """``plot_x(results, ax=None, lang="en") -> Axes``."""

    def __call__(self, results: Results, ax: Axes | None = None, lang: str = "en") -> Axes: ...


#: Every figure of a run, by stable file stem.
FIGURES: dict[str, FigureFunction] = {
    "energy_by_generation": plot_energy_by_generation,
    "indexed": plot_indexed,
    "rebound": plot_rebound,
    "impacts": plot_impacts,
    "parts": plot_parts,
    "equipment_manufactured": plot_equipment_manufactured,
    "sites": plot_sites,
    "contributions": plot_contributions,
    "decomposition": plot_decomposition,
    "innovations": plot_innovations,
    "validation": plot_validation,
}

#: Figures drawn only for some runs: stem → whether it applies.
CONDITIONS: dict[str, Callable[[Results], bool]] = {
    "decomposition": lambda results: results.has_rebound,
    "innovations": lambda results: results.has_rebound and bool(innovation_names(results)),
    "validation": lambda results: bool(results.scenario.observations),
}

#: File formats a figure can be saved in.
FORMATS = ("png", "svg", "pdf")
#: Characters a stem of a file name may hold.
_STEM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def figures_for(results: Results) -> list[str]:
    """Stems of the figures :func:`save_all` writes for ``results``, in order."""
    return [stem for stem in FIGURES if CONDITIONS.get(stem, lambda _: True)(results)]


def _metadata(fmt: str, title: str, source: str) -> dict[str, Any]:
    """Title and source in the file's metadata; no creation time, so that reruns (with
    ``SOURCE_DATE_EPOCH`` set, for the date of the source line) give identical files."""
    if fmt == "png":
        return {"Title": title, "Description": source}
    if fmt == "svg":
        return {"Title": title, "Description": source, "Date": None}
    return {"Title": title, "Subject": source, "CreationDate": None}


def _source_of(fig: Figure) -> str:
    return next((t.get_text() for t in fig.texts if t.get_gid() == SOURCE_GID), "")


def save_figure(fig: Figure, folder: Path, stem: str, formats: Iterable[str], dpi: int,
                source: str | None = None) -> list[Path]:
    """Write ``fig`` as ``folder/<stem>.<fmt>`` for every format (each file replaced atomically).

    ``source`` (default: the figure's source line) goes into the file's metadata.
    """
    chosen = check_formats(formats)
    written = []
    axes = fig.get_axes()
    title = fig.get_suptitle() or (axes[0].get_title() or axes[0].get_title("left") if axes else stem)
    source = _source_of(fig) if source is None else source
    with styled():
        for fmt in chosen:
            path = folder / f"{stem}.{fmt}"
            partial = folder / f".{stem}.{fmt}.partial"
            try:
                fig.savefig(partial, format=fmt, dpi=dpi, metadata=_metadata(fmt, title, source))
                os.replace(partial, path)
            finally:
                partial.unlink(missing_ok=True)
            written.append(path)
    return written


def check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """Formats in lower case without a dot; ValueError naming the first unknown one."""
    if isinstance(formats, str):
        formats = (formats,)
    chosen = tuple(f.lower().lstrip(".") for f in formats)
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        raise UsageError(f"figure format {unknown[0]!r} is not supported; expected one of "
                         f"{', '.join(FORMATS)}")
    return chosen


def _prepare(folder: str | os.PathLike[str], formats: Iterable[str], lang: str) -> tuple[Path, tuple[str, ...]]:
    chosen = check_formats(formats)
    check_lang(lang)
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path, chosen


def _write(draw: Callable[[], Axes], folder: Path, stem: str, formats: tuple[str, ...],
           dpi: int) -> list[Path]:
    fig = root_figure(draw())
    written = save_figure(fig, folder, stem, formats, dpi)
    fig.clear()  # free the artists now; the figure was never registered with pyplot
    return written


def save_all(results: Results, folder: str | os.PathLike[str], formats: Iterable[str] = ("png",),
             dpi: int = 300, lang: str = "en") -> list[Path]:
    """Draw the figures of a run (:func:`figures_for`) in ``lang`` (``en`` or ``fr``) and write
    each as ``<stem>.<fmt>`` in ``folder``."""
    path, chosen = _prepare(folder, formats, lang)
    written: list[Path] = []
    for stem in figures_for(results):
        written += _write(partial(FIGURES[stem], results, lang=lang), path, stem, chosen, dpi)
    return written


def save_comparison(comparison: Comparison, folder: str | os.PathLike[str],
                    formats: Iterable[str] = ("png",), dpi: int = 300,
                    lang: str = "en") -> list[Path]:
    """Draw the figures of a comparison (:data:`COMPARISON_FIGURES`) in ``lang`` and write each
    as ``<stem>.<fmt>`` in ``folder``."""
    path, chosen = _prepare(folder, formats, lang)
    written: list[Path] = []
    for stem, plot in COMPARISON_FIGURES.items():
        written += _write(partial(plot, comparison, lang=lang), path, stem, chosen, dpi)
    return written


def save_graph(graph: nx.DiGraph, scenario: Scenario, folder: str | os.PathLike[str],
               formats: Iterable[str] = ("png",), dpi: int = 300, lang: str = "en") -> list[Path]:
    """Draw the dependency graph in ``lang`` and write it as ``graph.<fmt>`` in ``folder``."""
    path, chosen = _prepare(folder, formats, lang)
    return _write(lambda: plot_graph(graph, scenario=scenario, lang=lang), path, "graph", chosen,
                  dpi)


def save_uncertainty_figures(figures: Mapping[str, Figure], folder: str | os.PathLike[str],
                             formats: Iterable[str] = ("png",), dpi: int = 300) -> list[Path]:
    """Write each figure as ``folder/<stem>.<fmt>`` (each file replaced atomically, via
    :func:`save_figure`); stems are the keys of ``figures``
    (letters, digits, ``_``, ``-``, ``.``). The figures are left as they are (the caller's)."""
    chosen = check_formats(formats)
    bad = [stem for stem in figures if not _STEM.match(stem)]
    if bad:
        raise UsageError(f"figure name {bad[0]!r} cannot be a file name; use letters, digits, '_', '-' "
                         "and '.', starting with a letter or a digit")
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for stem, fig in figures.items():
        written += save_figure(fig, path, stem, chosen, dpi)
    return written

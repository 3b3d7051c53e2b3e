"""One style for every matplotlib figure: sizes, fonts, the source line under it, legends and
localised ticks. Colours, display units and the text of source lines are shared with the live
page and live in :mod:`simulator.display.style`. Sizes suit a figure printed at half a page width.

Nothing here touches matplotlib's global state: figures are
:class:`matplotlib.figure.Figure` objects bound to the Agg canvas (no pyplot,
no figure manager to close), and the style is applied with ``rc_context``.
"""

from __future__ import annotations

import functools
import math
import textwrap
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.text import Text
from matplotlib.ticker import ScalarFormatter
from matplotlib.transforms import offset_copy

from ..display.i18n import localise
from ..display.style import SOURCE_COLOUR, source_text

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..results import Results

# --- sizes ----------------------------------------------------------------------------

#: Width × height (inches) of a one-panel figure; two-panel and small-multiple figures are taller.
FIGSIZE = (6.4, 4.2)
FIGSIZE_TWO_PANELS = (6.4, 5.6)
FIGSIZE_SMALL_MULTIPLES = (6.4, 4.8)
FIGSIZE_GRAPH = (7.2, 6.4)
#: Font size of the source line (points); every other font is larger.
SOURCE_FONTSIZE = 9.0
#: Height kept free at the bottom of a figure for the source line, and its baseline (inches).
SOURCE_HEIGHT = 0.26
SOURCE_BASELINE = 0.07
SOURCE_GID = "source"
NOTE_GID = "note"
#: Space between a figure legend under the plot and the plot's x label (inches).
LEGEND_GAP = 0.04

RC: dict[str, Any] = {
    "font.size": 10.5,
    "axes.titlesize": 11.5,
    "axes.titleweight": "bold",
    "axes.labelsize": 10.5,
    "xtick.labelsize": 9.5,
    "ytick.labelsize": 9.5,
    "legend.fontsize": 9.5,
    "legend.title_fontsize": 9.5,
    "figure.titlesize": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#E3E3E3",
    "grid.linewidth": 0.8,
    "axes.axisbelow": True,
    "lines.linewidth": 2.0,
    "legend.frameon": False,
    "svg.fonttype": "none",  # text stays text in SVG: searchable, editable
    "svg.hashsalt": "jevons",  # reproducible SVG ids
    "pdf.fonttype": 42,
}


@contextmanager
def styled() -> Iterator[None]:
    """Apply the jevons style to figures and artists created inside the block."""
    with matplotlib.rc_context(cast(Any, RC)):
        yield


P = ParamSpec("P")
R = TypeVar("R")


def with_style(function: Callable[P, R]) -> Callable[P, R]:
    """Decorator: run a plotting function inside :func:`styled`."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with styled():
            return function(*args, **kwargs)

    return wrapper


def new_figure(figsize: tuple[float, float] = FIGSIZE) -> Figure:
    """A figure on the Agg canvas with constrained layout (no pyplot, nothing to close)."""
    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def root_figure(ax: Axes) -> Figure:
    """The top-level figure holding ``ax`` (through any subfigures)."""
    fig: Any = ax.figure
    while not isinstance(fig, Figure):
        fig = fig.figure
    return fig


def own_axes(ax: Axes | None, figsize: tuple[float, float] = FIGSIZE) -> tuple[Axes, bool]:
    """The axes to draw in, and whether this call created its figure (and so may lay it out)."""
    if ax is not None:
        return ax, False
    return new_figure(figsize).add_subplot(), True


def add_source_text(fig: Figure, text: str) -> None:
    """Write ``text`` under the figure, at the left, keeping room for it in the layout; a line
    wider than the figure is wrapped."""
    artist = fig.text(0.012, SOURCE_BASELINE / fig.get_figheight(), text, fontsize=SOURCE_FONTSIZE,
                      color=SOURCE_COLOUR, ha="left", va="bottom", gid=SOURCE_GID)
    _fit_width(fig, artist)
    _lay_out_bottom(fig)


def add_note_text(fig: Figure, text: str) -> None:
    """Write a note (e.g. "horizons differ...") above the source line, wrapped to the width."""
    artist = fig.text(0.012, 0.0, text, fontsize=SOURCE_FONTSIZE, color=SOURCE_COLOUR, ha="left",
                      va="bottom", gid=NOTE_GID, style="italic")
    _fit_width(fig, artist)
    _lay_out_bottom(fig)


def _fit_width(fig: Figure, artist: Text) -> None:
    """Wrap the text of ``artist`` (at spaces: no-break spaces and hyphens hold) until it fits
    the width of the figure."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    text, room = artist.get_text(), 0.97 * fig.bbox.width
    columns = len(text)
    while columns > 20 and artist.get_window_extent(renderer).width > room:
        columns = int(columns * 0.92)
        artist.set_text(textwrap.fill(text, columns, break_on_hyphens=False))


def _lay_out_bottom(fig: Figure) -> None:
    """Stack, from the bottom: the source line, notes, the figure legend, then the plots.

    Constrained layout lays the axes out in ``rect``; the legend, notes and the source
    line sit in the strip below it, whose height is measured (the canvas is Agg).
    """
    height = fig.get_figheight()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    bottom = 0.0
    for source in (t for t in fig.texts if t.get_gid() == SOURCE_GID):
        lines = source.get_window_extent(renderer).height / fig.dpi
        bottom = max(SOURCE_HEIGHT, SOURCE_BASELINE + lines + 0.06)
    for note in (t for t in fig.texts if t.get_gid() == NOTE_GID):
        note.set_y(bottom / height)
        bottom += note.get_window_extent(renderer).height / fig.dpi + LEGEND_GAP
    for legend in fig.legends:
        legend.set_bbox_to_anchor((0.5, bottom / height), transform=fig.transFigure)
        bottom += legend.get_window_extent(renderer).height / fig.dpi + LEGEND_GAP
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=(0.0, bottom / height, 1.0, 1.0 - bottom / height))


def add_source(fig: Figure, results: Results, lang: str = "en") -> None:
    """Write the source line of a simulated figure under it."""
    span = (float(results.times[0]), float(results.times[-1]))
    add_source_text(fig, source_text(results.scenario, results.version, lang=lang, span=span))


def fit_titles(fig: Figure) -> None:
    """Wrap the figure's title and the axes' titles that are wider than the figure (French
    titles run longer)."""
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    # matplotlib has no public accessor for the Text of a figure's title or of an axes' left title
    suptitle = fig._suptitle  # type: ignore[attr-defined]
    texts = [suptitle] if suptitle is not None else []
    for ax in fig.get_axes():
        texts += [ax.title, ax._left_title]  # type: ignore[attr-defined]
    for text in texts:
        content = text.get_text()
        columns = len(content)
        left = max(text.get_window_extent(renderer).x0, 0.0) if content else 0.0
        room = min(0.96 * fig.bbox.width, 0.99 * fig.bbox.width - left)  # a left title starts at its axes
        while columns > 20 and "\n" not in content and text.get_window_extent(renderer).width > room:
            columns = int(columns * 0.9)
            text.set_text(textwrap.fill(content, columns, break_on_hyphens=False))


# --- numbers on axes ----------------------------------------------------------------------


class LocalisedScalarFormatter(ScalarFormatter):
    """Matplotlib's default tick labels with the decimal mark of a language (``0,5`` in French)."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def __call__(self, x: float, pos: int | None = None) -> str:
        return localise(super().__call__(x, pos), self.lang)

    def get_offset(self) -> str:
        return localise(super().get_offset(), self.lang)


def localise_ticks(ax: Axes, lang: str) -> None:
    """Give the linear axes of ``ax`` tick labels in ``lang`` (other formatters are ours and
    already localised)."""
    if lang == "en":
        return
    for axis in (ax.xaxis, ax.yaxis):
        if type(axis.get_major_formatter()) is ScalarFormatter:
            axis.set_major_formatter(LocalisedScalarFormatter(lang))


def localise_figure(fig: Figure, lang: str) -> None:
    """:func:`localise_ticks` on every axes of ``fig``."""
    for ax in fig.get_axes():
        localise_ticks(ax, lang)


# --- legends ----------------------------------------------------------------------------


def row_major(items: Sequence[Any], ncol: int) -> list[Any]:
    """Reorder items so that a legend (filled column by column) reads row by row."""
    rows = math.ceil(len(items) / ncol)
    order = [r * ncol + c for c in range(ncol) for r in range(rows)]
    return [items[i] for i in order if i < len(items)]


def place_legend(ax: Axes, owned: bool, handles: list[Any] | None = None,
                 labels: list[str] | None = None, ncol: int | None = None,
                 row_major_order: bool = True, right_margin: float = 6.0) -> None:
    """A legend that never covers data: under the plot when this module owns the figure, else
    to the right of the caller's axes, ``right_margin`` points away (more past a right axis).

    Entries read row by row unless ``row_major_order`` is False (then column by column).
    """
    if handles is None or labels is None:
        handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return
    if owned:
        fig = root_figure(ax)
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        # As many columns as asked (at most 4) that fit the width of the figure.
        for n in range(ncol or min(len(handles), 4), 0, -1):
            ordered = (row_major(handles, n), row_major(labels, n)) if row_major_order else (
                handles, labels)
            legend = fig.legend(*ordered, loc="lower center", ncol=n, handlelength=2.2,
                                columnspacing=1.4, borderaxespad=0.2)
            if n == 1 or legend.get_window_extent(renderer).width / fig.dpi <= fig.get_figwidth():
                break
            legend.remove()
        _lay_out_bottom(fig)
    else:
        anchor = offset_copy(ax.transAxes, fig=root_figure(ax), x=right_margin, units="points")
        ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.0, 1.0),
                  bbox_transform=anchor, borderaxespad=0.0)

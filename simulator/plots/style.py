"""One style for every figure: colour-blind-safe colours, sizes, display units, source line.

Colours come from the Okabe–Ito palette (Okabe & Ito 2008, *Color Universal
Design*) and Paul Tol's "bright" scheme, both readable with the common forms
of colour-blindness. A generation's colour depends only on its rank in order
of launch, so 2G, 3G, 4G and 5G look the same in every figure and scenario
that has them. Sizes suit a figure printed at half a page width.

Nothing here touches matplotlib's global state: figures are
:class:`matplotlib.figure.Figure` objects bound to the Agg canvas (no pyplot,
no figure manager to close), and the style is applied with ``rc_context``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.transforms import offset_copy

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from ..results import Results
    from ..scenario.schema import Scenario

# --- palettes -------------------------------------------------------------------------

#: Okabe–Ito colours by name.
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
}
#: Generations in order of launch (1st launched, 2nd, ...); cycles beyond six.
GENERATION_COLOURS = ("#56B4E9", "#009E73", "#E69F00", "#CC79A7", "#0072B2", "#D55E00")
#: Layers (core, data centres...) in scenario order: neutral greys, hatched in stacks.
LAYER_COLOURS = ("#8C8C8C", "#B4B4B4", "#6E6E6E", "#CFCFCF")
LAYER_HATCH = "//"
#: End-user devices in scenario order.
DEVICE_COLOURS = ("#F0E442", "#DDCC77", "#BBBB55")
#: The three runs of a scenario: colour, line style, line width.
VARIANT_STYLES: dict[str, dict[str, Any]] = {
    "actual": {"color": "#D55E00", "linestyle": "-", "linewidth": 2.4},
    "engineering": {"color": "#0072B2", "linestyle": "--", "linewidth": 2.0},
    "frozen": {"color": "#000000", "linestyle": ":", "linewidth": 2.0},
}
#: Regions between the runs in the rebound figure (light, opaque: no colour mixing).
REGION_COLOURS = {"savings": "#A8DCC8", "rebound": "#F6CD85", "backfire": "#E7B3D0"}
#: Life-cycle phases.
PHASE_COLOURS = {"manufacturing": "#0072B2", "use": "#E69F00", "end_of_life": "#8C8C8C"}
#: Paul Tol "bright", for equipment types in scenario order (line styles cycle after).
EQUIPMENT_COLOURS = ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#777777")
EQUIPMENT_LINESTYLES = ("-", "--", "-.", ":")
#: Single series that recur (indexed figure, traffic on a second axis).
QUANTITY_COLOURS = {"traffic": "#000000", "energy": "#D55E00", "energy_intensity": "#0072B2"}
#: Node kinds of the dependency graph.
KIND_COLOURS = {
    "driver": "#FFFFFF", "service": "#CCE6F6", "flow": "#E3E3E3", "generation": "#56B4E9",
    "layer": "#A6A6A6", "device": "#F0E442", "equipment": "#E69F00", "energy": "#F4A582",
    "impact": "#5FC3A5",
}
SOURCE_COLOUR = "#555555"

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


# --- colours by role --------------------------------------------------------------------


def generation_colours(scenario: Scenario) -> dict[str, str]:
    """Colour of every generation of a scenario, by its rank in order of launch."""
    order = sorted(scenario.generations, key=lambda g: scenario.generations[g].launch)
    return {g: GENERATION_COLOURS[i % len(GENERATION_COLOURS)] for i, g in enumerate(order)}


def launch_order(scenario: Scenario, names: Sequence[str]) -> list[str]:
    """``names`` (generations) sorted by launch year, oldest first."""
    launch = {g: scenario.generations[g].launch for g in scenario.generations}
    return sorted(names, key=lambda g: (launch.get(g, math.inf), g))


def cycled(palette: Sequence[str], names: Sequence[str]) -> dict[str, str]:
    """Colour per name, in the given order, cycling through ``palette``."""
    return {n: palette[i % len(palette)] for i, n in enumerate(names)}


def pretty(name: str) -> str:
    """A scenario name as shown in figures (``data_centres`` → ``data centres``)."""
    return name.replace("_", " ")


# --- display units ----------------------------------------------------------------------

# Ladders of (factor from the canonical unit, display name), smallest first.
_COUNT = ((1.0, "{}"), (1e3, "thousand {}"), (1e6, "million {}"), (1e9, "billion {}"))
_LADDERS: dict[str, tuple[tuple[float, str], ...]] = {
    "kWh": ((1e-3, "Wh"), (1.0, "kWh"), (1e3, "MWh"), (1e6, "GWh"), (1e9, "TWh"), (1e12, "PWh")),
    "GB": ((1e-3, "MB"), (1.0, "GB"), (1e3, "TB"), (1e6, "PB"), (1e9, "EB"), (1e12, "ZB")),
    "kg": ((1e-3, "g"), (1.0, "kg"), (1e3, "t"), (1e6, "kt"), (1e9, "Mt"), (1e12, "Gt")),
    "MJ": ((1e-3, "kJ"), (1.0, "MJ"), (1e3, "GJ"), (1e6, "TJ"), (1e9, "PJ"), (1e12, "EJ")),
    "m**3": ((1e-3, "L"), (1.0, "m³"), (1e3, "thousand m³"), (1e6, "million m³"),
             (1e9, "billion m³")),
}
_COUNT_NOUNS = {"unit": "units", "site": "sites", "user": "users"}
_QUALIFIERS = {"CO2e": "CO₂e", "Sb_eq": "Sb eq", "Cu_eq": "Cu eq"}
_DENOMINATORS = {"yr": "yr", "GB": "GB"}


@dataclass(frozen=True)
class Scale:
    """A display unit: values in the canonical unit are divided by ``factor``."""

    factor: float
    unit: str

    def __call__(self, values: Any) -> np.ndarray:
        return np.asarray(values, dtype=float) / self.factor

    def label(self, quantity: str) -> str:
        """Axis label, e.g. ``Energy (TWh/yr)``."""
        return f"{quantity} ({self.unit})" if self.unit else quantity


def display_unit(unit: str) -> str:
    """A canonical unit written for readers (``kg CO2e/yr`` → ``kg CO₂e/yr``, ``m**3`` → ``m³``)."""
    return scale_for(unit, np.array([1.0])).unit


def scale_for(unit: str, *values: Any) -> Scale:
    """Readable prefix for data in ``unit`` (canonical, e.g. ``kWh/yr``), from its largest value.

    The largest finite magnitude is shown between 1 and 1000 where the unit has a
    ladder of prefixes (kWh, GB, kg, MJ, m³, counts); other units are only prettified.
    """
    numerator, _, denominator = unit.partition("/")
    head, _, qualifier = numerator.strip().partition(" ")
    per = f"/{_DENOMINATORS.get(denominator, denominator)}" if denominator else ""
    tail = f" {_QUALIFIERS.get(qualifier, qualifier)}" if qualifier else ""
    if head in _COUNT_NOUNS:
        ladder = tuple((f, name.format(_COUNT_NOUNS[head])) for f, name in _COUNT)
    elif head in _LADDERS:
        ladder = _LADDERS[head]
    else:
        return Scale(1.0, "" if unit in ("1", "") else numerator + tail + per)
    flat = np.concatenate([np.abs(np.ravel(np.asarray(v, dtype=float))) for v in values] or [[]])
    flat = flat[np.isfinite(flat)]
    peak = float(flat.max()) if flat.size else 0.0
    canonical = next(i for i, (f, _) in enumerate(ladder) if f == 1.0)
    if peak > 0:
        fits = [i for i, (f, _) in enumerate(ladder) if f <= peak]
        index = fits[-1] if fits else 0
    else:
        index = canonical
    factor, name = ladder[index]
    return Scale(factor, f"{name}{tail}{per}")


# --- source line ------------------------------------------------------------------------


def period(scenario: Scenario) -> str:
    """``2010–2030`` for a scenario's horizon."""
    return f"{scenario.time.start:g}–{scenario.time.end:g}"


def source_text(scenario: Scenario, version: str, what: str = "simulation") -> str:
    """``Source: jevons <version> simulation, scenario '<name>' (<start>–<end>)``."""
    tool = f"jevons {version}".strip()
    return f"Source: {tool} {what}, scenario '{scenario.name}' ({period(scenario)})"


def add_source_text(fig: Figure, text: str) -> None:
    """Write ``text`` under the figure, at the left, keeping room for it in the layout."""
    fig.text(0.012, SOURCE_BASELINE / fig.get_figheight(), text, fontsize=SOURCE_FONTSIZE,
             color=SOURCE_COLOUR, ha="left", va="bottom", gid=SOURCE_GID)
    _lay_out_bottom(fig)


def _lay_out_bottom(fig: Figure) -> None:
    """Stack, from the bottom: the source line, the figure legend, then the plots.

    Constrained layout lays the axes out in ``rect``; the legend and the source
    line sit in the strip below it, whose height is measured (the canvas is Agg).
    """
    height = fig.get_figheight()
    bottom = SOURCE_HEIGHT if any(t.get_gid() == SOURCE_GID for t in fig.texts) else 0.0
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    for legend in fig.legends:
        legend.set_bbox_to_anchor((0.5, bottom / height), transform=fig.transFigure)
        bottom += legend.get_window_extent(renderer).height / fig.dpi + LEGEND_GAP
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=(0.0, bottom / height, 1.0, 1.0 - bottom / height))


def add_source(fig: Figure, results: Results) -> None:
    """Write the source line of a simulated figure under it."""
    add_source_text(fig, source_text(results.scenario, results.version))


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

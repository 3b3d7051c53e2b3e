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

import datetime as dt
import functools
import math
import os
import textwrap
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.text import Text
from matplotlib.ticker import ScalarFormatter
from matplotlib.transforms import offset_copy

from .i18n import date_text, localise, period_text, tr, unit_text

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
#: Paul Tol "muted", for equipment types in scenario order (line styles and hatches change after).
EQUIPMENT_COLOURS = ("#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677",
                     "#882255", "#AA4499")
EQUIPMENT_LINESTYLES = ("-", "--", "-.", ":")
EQUIPMENT_HATCHES = (None, "..", "xx", "\\\\")
#: Scenarios of a comparison, in order (the reference first): Okabe–Ito, then line styles.
SCENARIO_COLOURS = ("#000000", "#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
SCENARIO_LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)))
#: Steps of the decomposition (waterfall) figure.
STEP_COLOURS = {"level": "#7A7A7A", "growth": "#56B4E9", "efficiency": "#009E73",
                "rebound": "#E69F00", "stacking": "#CC79A7"}
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


# --- colours by role --------------------------------------------------------------------


def generation_colours(*scenarios: Scenario, only: Collection[str] | None = None) -> dict[str, str]:
    """Colour of every generation of one or more scenarios, by its rank in order of launch over
    all of them (its earliest launch; file order breaks ties): 2G, 3G, 4G... keep their colours
    across the panels of a comparison even where a scenario lacks one of them. With ``only``,
    the generations not in it (e.g. not drawn) take no colour."""
    launch: dict[str, float] = {}
    for scenario in scenarios:
        for g, item in scenario.generations.items():
            if only is None or g in only:
                launch[g] = min(launch.get(g, math.inf), item.launch)
    order = sorted(launch, key=lambda g: launch[g])  # stable: file order breaks ties
    return cycled(GENERATION_COLOURS, order)


def launch_order(scenario: Scenario, names: Sequence[str]) -> list[str]:
    """``names`` (generations) sorted by launch year, oldest first."""
    launch = {g: scenario.generations[g].launch for g in scenario.generations}
    return sorted(names, key=lambda g: (launch.get(g, math.inf), g))


def equipment_style(scenario: Scenario, name: str) -> tuple[str, str, str | None]:
    """Colour, line style and bar hatch of an equipment type, by its place in the scenario:
    the same in every figure (colours cycle, then line styles and hatches change)."""
    order = list(scenario.equipment)
    i = order.index(name) if name in order else len(order) + sum(map(ord, name))
    colour = EQUIPMENT_COLOURS[i % len(EQUIPMENT_COLOURS)]
    turn = i // len(EQUIPMENT_COLOURS)
    return (colour, EQUIPMENT_LINESTYLES[turn % len(EQUIPMENT_LINESTYLES)],
            EQUIPMENT_HATCHES[turn % len(EQUIPMENT_HATCHES)])


def scenario_style(index: int) -> dict[str, Any]:
    """Line colour, style and width of the ``index``-th scenario of a comparison (the first,
    the reference, in black): two identical runs stay distinguishable (dashes over a line)."""
    return {"color": SCENARIO_COLOURS[index % len(SCENARIO_COLOURS)],
            "linestyle": SCENARIO_LINESTYLES[index % len(SCENARIO_LINESTYLES)],
            "linewidth": 2.6 if index == 0 else 2.0}


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


def display_unit(unit: str, lang: str = "en") -> str:
    """A canonical unit written for readers (``kg CO2e/yr`` → ``kg CO₂e/yr``, ``m**3`` → ``m³``)."""
    return scale_for(unit, np.array([1.0]), lang=lang).unit


def scale_for(unit: str, *values: Any, lang: str = "en") -> Scale:
    """Readable prefix for data in ``unit`` (canonical, e.g. ``kWh/yr``), from its largest value.

    The largest finite magnitude is shown between 1 and 1000 where the unit has a
    ladder of prefixes (kWh, GB, kg, MJ, m³, counts); other units are only prettified.
    The unit is written for ``lang`` (``TWh/an``, ``Eo/an``, ``milliers de sites`` in French).
    """
    scale = _scale_for(unit, *values)
    return Scale(scale.factor, unit_text(scale.unit, lang))


def _scale_for(unit: str, *values: Any) -> Scale:
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
    return period_text(scenario.time.start, scenario.time.end)


def results_period(results: Results) -> str:
    """``2010–2030`` for the instants a run holds (its scenario's horizon, or a window of it)."""
    return period_text(float(results.times[0]), float(results.times[-1]))


def source_date() -> dt.date:
    """The date of the source line: ``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC) when set,
    for reproducible builds (https://reproducible-builds.org/specs/source-date-epoch/); today
    otherwise."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return dt.date.today()
    try:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    except (ValueError, OverflowError, OSError):
        raise ValueError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since "
                         "1970-01-01 (UTC)") from None


def source_text(scenario: Scenario, version: str, what: str = "simulation", lang: str = "en",
                span: tuple[float, float] | None = None) -> str:
    """``Source: jevons <version> simulation, scenario '<name>' (<start>–<end>), <date>``.

    ``what`` is ``simulation`` or ``dependency graph``; ``span`` (start, end) replaces the
    scenario's horizon (a run restricted to some years).
    """
    start, end = span if span is not None else (scenario.time.start, scenario.time.end)
    key = f"Source: jevons {{version}} {what}, scenario '{{name}}' ({{period}}), {{date}}"
    return tr(key, lang, version=version, name=scenario.name, period=period_text(start, end),
              date=date_text(source_date(), lang))


def comparison_source_text(names: Sequence[str], version: str, start: float, end: float,
                           lang: str = "en") -> str:
    """``Source: jevons <version> simulations, scenarios 'a', 'b' (<start>–<end>), <date>``."""
    quoted = ", ".join(tr("'{name}'", lang, name=n) for n in names)
    return tr("Source: jevons {version} simulations, scenarios {names} ({period}), {date}", lang,
              version=version, names=quoted, period=period_text(start, end),
              date=date_text(source_date(), lang))


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
    texts = [fig._suptitle] if fig._suptitle is not None else []
    for ax in fig.get_axes():
        texts += [ax.title, ax._left_title]
    room = 0.96 * fig.bbox.width
    for text in texts:
        content = text.get_text()
        columns = len(content)
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

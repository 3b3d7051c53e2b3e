"""Figures of uncertainty and exploration: Monte Carlo bands, sweeps, the Jevons map, sensitivity.

They draw tidy :class:`pandas.DataFrame` tables computed elsewhere (they never run the model)
and return a :class:`~matplotlib.figure.Figure` with a title, units on every axis, a
legend under the plots and a source line:

* :func:`plot_fan_chart` — Monte Carlo quantile bands of energy, traffic, climate change
  and the rebound R(t) over time;
* :func:`plot_sweep_lines` — cumulative results against one swept parameter;
* :func:`plot_jevons_map` — the cumulative rebound over a grid of two parameters, with the
  R = 100 % line that separates a partial rebound from backfire;
* :func:`plot_sensitivity` — Sobol indices (S1, ST) or Morris screening (μ*, σ) per output;
* :func:`save_uncertainty_figures` — writes them under stable names (atomic writes).

``meta`` says where the numbers come from, for the source line and the titles:

* ``scenario`` (or ``name``) and ``version`` — required;
* ``notes`` — a string or a list of strings, written above the source line;
* ``period`` — ``(start, end)`` of the cumulated years (the fan chart reads its own times);
* ``seed`` — the seed of the random draws;
* ``members`` — the number of Monte Carlo runs (fan chart title);
* ``nominal`` — the scenario as written: the swept parameter's value (sweep) or its
  ``(x, y)`` point (map);
* ``confidence`` — the level of the confidence intervals of the indices (default 0.95);
* ``measure`` — what the rebound panels and the map show (:func:`measure_texts`): a mapping
  with ``name`` (``induced``, ``frozen``, ``window``, ``marginal`` or
  ``innovation:KIND:NAME``), ``column`` (its quantity in the tables), ``window`` (Δ, years),
  ``start`` and ``end`` (the horizon). Without it, the cumulative rebound R against frozen
  start-year technology, in the column ``rebound_cumulative`` (quantity ``rebound`` of the bands).

A rebound measure is drawn around R = 100 %, with the backfire zone and the R = 100 % line;
``induced`` ((actual − engineering) / engineering) is not a rebound: it is drawn on a plain
% axis, on a sequential colour scale in the map, with no backfire.

A rebound far above 100 % (a strong price response: R = 10 000 % is possible) is drawn on
an axis that is linear up to 100 % and logarithmic above, so that the line R = 100 %
keeps its place and backfire keeps its scale (:func:`rebound_transform`).
"""

from __future__ import annotations

import math
import os
import re
import textwrap
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import (
    LinearSegmentedColormap,
    ListedColormap,
    LogNorm,
    Normalize,
    SymLogNorm,
    TwoSlopeNorm,
)
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator

from ..display.i18n import NNBSP, check_lang, data_name, date_text, note_text, percent, period_text, tr
from ..display.numbers import plain_number
from ..display.style import OKABE_ITO, QUANTITY_COLOURS, REGION_COLOURS, Scale, scale_for, source_date
from .common import note, year_axis
from .figures import category_name
from .output import check_formats, save_figure
from .style import (
    FIGSIZE,
    add_note_text,
    add_source_text,
    fit_titles,
    localise_figure,
    new_figure,
    place_legend,
    with_style,
)

# --- colours and names ------------------------------------------------------------------

#: Monte Carlo bands: opaque colours (no mixing where they overlap), one hue for all panels.
BAND_COLOURS = {"outer": "#D3E5F4", "inner": "#8DBCE2", "median": "#0B4F8A",
                "nominal": OKABE_ITO["vermillion"]}
#: Lines of the sweep panels, by output.
SWEEP_COLOURS = {"energy": QUANTITY_COLOURS["energy"], "climate_change": OKABE_ITO["green"],
                 "traffic": QUANTITY_COLOURS["traffic"], "rebound": "#222222"}
#: Bars of the sensitivity figure: the total (or μ*) darker than the first order (or σ).
INDEX_COLOURS = {"ST": OKABE_ITO["blue"], "S1": OKABE_ITO["sky_blue"],
                 "mu_star": OKABE_ITO["blue"], "sigma": OKABE_ITO["sky_blue"]}
#: Cells of the Jevons map where R is undefined (no savings expected).
UNDEFINED_COLOUR = "#D9D9D9"
#: Partial rebound (green, as the "savings" region) → white at R = 100 % → backfire (purple,
#: as the "backfire" region); ColorBrewer PRGn, readable with the common colour-blindnesses.
#: Each half starts from a visible tint, so that the R = 100 % boundary stays crisp even where
#: the values on either side are close to it; only R within a hair of 100 % is white.
JEVONS_CMAP = ListedColormap(
    [*LinearSegmentedColormap.from_list("partial", ["#1B7837", "#7FBF7B", "#D9F0D3"])(np.linspace(0, 1, 127)),
     *[(0.97, 0.97, 0.97, 1.0)] * 2,
     *LinearSegmentedColormap.from_list("backfire", ["#E7D4E8", "#AF8DC3", "#762A83"])(np.linspace(0, 1, 127))],
    name="jevons_rebound")
#: ``induced`` in the map: ColorBrewer YlOrBr (light: the demand response adds little; dark: much; orange
#: as the "rebound" region of the single-run figures), without its palest tint (too close to white) and its
#: darkest (contour lines must stay visible).
INDUCED_CMAP = ListedColormap(colormaps["YlOrBr"](np.linspace(0.08, 0.85, 256)), name="jevons_induced")
#: Induced is mapped on a logarithmic scale when it reaches :data:`LOG_ABOVE_FROM` % and its largest value
#: is at least this many times its smallest (a symmetric-log scale, linear near 0, when it reaches 0).
INDUCED_LOG_RATIO = 100.0
PARTIAL_TEXT_COLOUR = "#14592A"
BACKFIRE_TEXT_COLOUR = "#5A1F63"

#: Quantities of the fan chart, in panel order (left to right, top to bottom), before the measure's.
FAN_QUANTITIES = ("energy", "traffic", "climate_change")
#: Outputs of a sweep before the measure's: column, name, canonical unit.
SWEEP_OUTPUTS = (
    ("energy_cumulative", "Cumulative energy", "kWh"),
    ("climate_change_cumulative", "Cumulative climate change", "kg CO2e"),
    ("traffic_cumulative", "Cumulative traffic", "GB"),
)
#: Outputs of a sensitivity analysis, in panel order, with their name and canonical unit.
SENSITIVITY_OUTPUTS = {
    "energy_cumulative": ("Energy", "kWh"),
    "climate_change_cumulative": ("Climate change", "kg CO2e"),
    "traffic_cumulative": ("Traffic", "GB"),
    "rebound_cumulative": ("Rebound R", "1"),
}
#: Columns each sensitivity method brings: the ranked index and its interval, the other
#: index and its interval (None: not given).
METHOD_COLUMNS = {"sobol": ("ST", "ST_conf", "S1", "S1_conf"),
                  "morris": ("mu_star", "mu_star_conf", "sigma", None)}
#: What A and E stand for, under a figure that shows induced.
INDUCED_NOTE = ("A: actual run; E: engineering estimate, the same technology with demand not reacting to the "
                "cost of a GB")
#: At most this many parameters are drawn in a sensitivity figure (the most influential).
MAX_PARAMETERS = 25
#: A rebound axis turns logarithmic above 100 % when its values reach this (%).
LOG_ABOVE_FROM = 1000.0

#: Characters a stem of a file name may hold.
_STEM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


# --- the measure shown -------------------------------------------------------------------------

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
#: What an innovation ``KIND:NAME`` is, in words (the name is the scenario's).
_INNOVATION_WORDS = {"launch": "{name} launch", "gain": "{name} energy per GB gain",
                     "idle_gain": "{name} idle power gain", "layer_gain": "{name} efficiency gain",
                     "device_gain": "{name} efficiency gain"}


@dataclass(frozen=True)
class MeasureTexts:
    """How a figure names the measure it shows, in one language.

    ``rebound``: a rebound R (backfire above 100 %), else ``induced``; ``column``: its quantity in
    the tables; ``series``: the title of its panel over time; ``symbol``: its name on a y axis
    (``R``, ``R₅``); ``value``: the name of one member's value (the map's colour bar); ``panel``:
    the same, short enough for the title of a panel (a sweep's, a sensitivity's); ``title``: the
    map's title.
    """

    rebound: bool
    column: str
    series: str
    symbol: str
    value: str
    panel: str
    title: str


def measure_texts(meta: Mapping[str, Any], lang: str = "en", column: str | None = None) -> MeasureTexts:
    """The words for ``meta["measure"]`` (see the module); ``column`` overrides its column."""
    measure = meta.get("measure") or {}
    name = str(measure.get("name", "frozen"))
    default = "rebound_cumulative" if not measure else f"rebound_{name}_energy"
    column = column or str(measure.get("column", default))
    start, end = measure.get("start"), measure.get("end")
    period = _period(meta) or (period_text(float(start), float(end)) if start is not None and end is not None
                               else None)
    year = _year(end)
    if name == "induced":
        value = tr("Induced energy (actual − engineering) / engineering", lang)
        title = (tr("Energy induced by the demand response, {period}", lang, period=period)
                 if period else tr("Energy induced by the demand response", lang))
        series = tr("Induced energy (A − E)/E", lang)
        return MeasureTexts(False, column, series, tr("(A − E)/E", lang), value, series, title)
    symbol = "R"
    if name == "window":
        symbol = "R" + f"{float(measure.get('window', 5.0)):g}".translate(_SUBSCRIPTS)
        series = tr("Rolling rebound {symbol}(t)", lang, symbol=symbol)
        value = tr("Rolling rebound {symbol} at {year}", lang, symbol=symbol, year=year)
    elif name == "marginal":
        series = tr("Marginal rebound", lang)
        value = tr("Marginal rebound at {year}", lang, year=year)
        symbol = tr("marginal rebound", lang)
    elif name.startswith("innovation:"):
        kind, _, what = name.removeprefix("innovation:").partition(":")
        what = tr(_INNOVATION_WORDS.get(kind, "{name}"), lang, name=data_name(what, lang))
        series = tr("Rebound R(t), innovation: {what}", lang, what=what)
        value = tr("Cumulative rebound R, innovation: {what}", lang, what=what)
    else:
        series = (tr("Rebound R(t) against {year} technology", lang, year=_year(start)) if start is not None
                  else tr("Rebound R(t)", lang))
        value = tr("Cumulative rebound R", lang)
    cumulative = name not in ("window", "marginal")
    lowered = value[:1].lower() + value[1:]
    if cumulative and period:
        title = tr("Where efficiency backfires: {name}, {period}", lang, name=lowered, period=period)
    else:
        title = tr("Where efficiency backfires: {name}", lang, name=lowered)
    return MeasureTexts(True, column, series, symbol, value, value, title)


def _year(year: Any) -> str:
    """``2050`` (no thousands separator), ``?`` when unknown."""
    return "?" if year is None else f"{float(year):g}"


# --- meta, source line, finish ------------------------------------------------------------


def _meta(meta: Mapping[str, Any]) -> tuple[str, str]:
    """The scenario name and version from ``meta``; ValueError naming what is missing."""
    name = meta.get("scenario", meta.get("name"))
    version = meta.get("version")
    missing = [key for key, value in (("scenario", name), ("version", version)) if value in (None, "")]
    if missing:
        raise ValueError(f"meta must give {' and '.join(repr(m) for m in missing)} for the source line; "
                         f"found keys {sorted(meta)}")
    return str(name), str(version)


def _period(meta: Mapping[str, Any], times: Any = None) -> str | None:
    """``2010–2030`` from ``meta["period"]`` (a pair of years or a text) or from ``times``."""
    span = meta.get("period")
    if isinstance(span, str):
        return span
    if span is not None:
        start, end = span
        return period_text(float(start), float(end))
    if times is not None:
        finite = np.asarray(times, dtype=float)
        finite = finite[np.isfinite(finite)]
        if finite.size:
            return period_text(float(finite.min()), float(finite.max()))
    return None


def uncertainty_source_text(meta: Mapping[str, Any], what: str, lang: str = "en",
                            period: str | None = None) -> str:
    """``Source: jevons <version> <what>, scenario '<name>' (<period>), seed <seed>, <date>``;
    ``what`` is ``Monte Carlo simulations``, ``parameter sweep`` or ``sensitivity analysis``."""
    name, version = _meta(meta)
    seed = meta.get("seed")
    return tr("Source: jevons {version} {what}, scenario '{name}'{period}{seed}, {date}", lang,
              version=version, what=tr(what, lang), name=name,
              period=f" ({period})" if period else "",
              seed=tr(", seed {seed}", lang, seed=seed) if seed is not None else "",
              date=date_text(source_date(), lang))


def _notes(meta: Mapping[str, Any]) -> list[str]:
    notes = meta.get("notes") or []
    return [notes] if isinstance(notes, str) else [str(n) for n in notes]


def _finish(fig: Figure, meta: Mapping[str, Any], what: str, lang: str, period: str | None) -> None:
    """Tick labels in ``lang``, titles that fit, the notes and the source line."""
    localise_figure(fig, lang)
    fit_titles(fig)
    for text in _notes(meta):
        add_note_text(fig, tr("Note: {text}", lang, text=note_text(text, lang)))
    add_source_text(fig, uncertainty_source_text(meta, what, lang, period))
    _wrap_panel_titles(fig)


def _wrap_panel_titles(fig: Figure) -> None:
    """Break in two lines the panel titles that, once laid out, run off the figure or into
    the next panel's title (French titles run longer)."""
    titles = [ax.title for ax in fig.axes if ax.get_title() and "\n" not in ax.get_title()]
    if len(titles) < 2:
        return
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    columns = max((ax.get_subplotspec().get_gridspec().ncols for ax in fig.axes if ax.get_subplotspec()),
                  default=1)
    if all(t.get_window_extent(renderer).width < 0.75 * fig.bbox.width / columns for t in titles):
        return  # clearly narrow enough: spare the layout
    fig.canvas.draw()  # lay the figure out: the titles' final places
    boxes = [t.get_window_extent(renderer) for t in titles]
    width = fig.bbox.width
    for i, (title, box) in enumerate(zip(titles, boxes, strict=True)):
        crowded = box.x0 < 0 or box.x1 > width or any(
            j != i and box.expanded(1.0, 1.0).padded(4.0).overlaps(other) for j, other in enumerate(boxes))
        if crowded:
            words = title.get_text().split(" ")
            half = len(title.get_text()) / 2
            cut = min(range(1, len(words)), key=lambda k: abs(len(" ".join(words[:k])) - half), default=0)
            if cut:
                title.set_text(" ".join(words[:cut]) + "\n" + " ".join(words[cut:]))


def _require(table: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"{what} lacks the column(s) {', '.join(map(repr, missing))}; "
                         f"found {', '.join(map(repr, table.columns))}")


# --- the rebound axis: linear to 100 %, logarithmic above -------------------------------------


@dataclass(frozen=True)
class ReboundAxis:
    """How rebound values (%) are laid out: ``forward`` maps them to a linear coordinate that
    is 0 at 100 %, −1 at 0 % and, with ``log_above``, +1 per decade above 100 %."""

    low: float
    high: float
    log_above: bool

    def forward(self, r: Any) -> np.ndarray:
        return rebound_transform(r, self.log_above)

    def inverse(self, f: Any) -> np.ndarray:
        f = np.asarray(f, dtype=float)
        with np.errstate(over="ignore", invalid="ignore"):
            above = 100.0 * np.power(10.0, f) if self.log_above else 100.0 + 100.0 * f
            return np.where(f > 0, above, 100.0 + 100.0 * f)

    def ticks(self) -> list[float]:
        """Round values (%) between ``low`` and ``high``: 0, 50, 100 and, on a logarithmic part,
        1, 2, 5 × 10ⁿ (powers of ten only beyond two decades)."""
        if not self.log_above:
            locator = MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10])
            return [float(t) for t in locator.tick_values(self.low, self.high)
                    if self.low <= t <= self.high]
        below = [float(t) for t in MaxNLocator(nbins=3, steps=[1, 2, 5, 10]).tick_values(self.low, 100.0)
                 if self.low <= t <= 100.0]
        decades = math.log10(max(self.high, 100.0) / 100.0)
        subs = (1.0, 2.0, 5.0) if decades <= 2.2 else (1.0,)
        above = [100.0 * s * 10.0 ** k for k in range(0, int(decades) + 2) for s in subs]
        return sorted({*below, *(t for t in above if 100.0 < t <= self.high)})


def rebound_transform(r: Any, log_above: bool) -> np.ndarray:
    """Rebound values (%) to the axis coordinate: ``(r − 100) / 100`` up to 100 %, and above it
    ``log10(r / 100)`` when ``log_above`` (0 at 100 % either way; NaN stays NaN)."""
    r = np.asarray(r, dtype=float)
    out = (r - 100.0) / 100.0
    if log_above:
        above = r > 100.0
        out = np.where(above, np.log10(np.where(above, r, 100.0) / 100.0), out)
    return out


def rebound_axis(*values: Any, low: float = -10.0, high: float = 120.0, pad: float = 0.06) -> ReboundAxis:
    """The layout of rebound values (%): at least ``low``–``high`` (0 % and 100 % in view),
    logarithmic above 100 % when the values reach :data:`LOG_ABOVE_FROM`, with some room."""
    flat = np.concatenate([np.ravel(np.asarray(v, dtype=float)) for v in values] or [np.zeros(0)])
    flat = flat[np.isfinite(flat)]
    bottom = min(low, float(flat.min(initial=low)))
    top = max(high, float(flat.max(initial=high)))
    log_above = top >= LOG_ABOVE_FROM
    shape = ReboundAxis(bottom, top, log_above)
    f_low, f_high = float(shape.forward(bottom)), float(shape.forward(top))
    room = pad * (f_high - f_low)
    return ReboundAxis(float(shape.inverse(f_low - room)), float(shape.inverse(f_high + room)), log_above)


def _apply_rebound_axis(ax: Axes, shape: ReboundAxis, lang: str) -> None:
    """y axis of ``ax`` laid out as ``shape``, with round ticks written for ``lang``."""
    if shape.log_above:
        ax.set_yscale("function", functions=(shape.forward, shape.inverse))
    ax.set_ylim(shape.low, shape.high)
    ax.yaxis.set_major_locator(FixedLocator(shape.ticks()))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: plain_number(v, lang)))
    ax.yaxis.set_minor_locator(NullLocator())


def _rebound_label(shape: ReboundAxis, lang: str, name: str = "R") -> str:
    if shape.log_above:
        return tr("{name} (%, log scale above 100)", lang, name=name)
    return tr("{name} (%)", lang, name=name)


def _backfire_zone(ax: Axes, shape: ReboundAxis, lang: str,
                   data: Sequence[tuple[Any, Any, Any, float]] = ()) -> None:
    """R > 100 % lightly shaded, the 0 % and 100 % lines, and their labels where the ``data``
    leaves the most room: layers ``(x, low, high, weight)`` (values in %; the x limits must be
    set), a line weighing more than a band it is drawn over."""
    ax.axhspan(100.0, shape.high, color=REGION_COLOURS["backfire"], alpha=0.35, linewidth=0, zorder=0)
    for level in (0.0, 100.0):
        ax.axhline(level, color="#555555", linewidth=1.0, linestyle="--", zorder=1.5)
    f_low, f_high = float(shape.forward(shape.low)), float(shape.forward(shape.high))

    def fraction(values: Any) -> np.ndarray:
        return (shape.forward(values) - f_low) / (f_high - f_low)

    x0, x1 = ax.get_xlim()
    layers = []
    for x, low, high, weight in data:
        points = np.column_stack([(np.asarray(x, dtype=float) - x0) / (x1 - x0), fraction(low), fraction(high)])
        layers.append((points[np.isfinite(points).all(axis=1)], weight))
    hundred, zero = float(fraction(100.0)), float(fraction(0.0))
    # "backfire" just above its line, else at the top of the shaded zone; "no rebound" on
    # either side of its line.
    _label_level(ax, tr("backfire above 100 %", lang), ((hundred, "bottom"), (0.988, "top")), layers)
    _label_level(ax, tr("no rebound (0 %)", lang), ((zero, "top"), (zero, "bottom")), layers)


def _label_level(ax: Axes, text: str, places: Sequence[tuple[float, str]],
                 layers: Sequence[tuple[np.ndarray, float]]) -> None:
    """Write ``text`` at one of ``places`` (height in axes fraction, and whether the text
    stands on it, ``bottom``, or hangs under it, ``top``; in order of preference), at the
    left or the right, where it covers the least data: ``layers`` of points (rows: x, low,
    high in axes fractions) with their weight."""
    box = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.75}
    artist = ax.text(0.985, places[0][0], text, transform=ax.transAxes, ha="right", va=places[0][1],
                     fontsize=8.5, color="#333333", bbox=box, zorder=4)
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    frame = ax.get_window_extent(renderer)
    if artist.get_window_extent(renderer).width > 0.5 * frame.width:  # on two lines, it can avoid data
        artist.set_text(textwrap.fill(text, max(12, math.ceil(len(text) / 2) + 1), break_on_hyphens=False))
    extent = artist.get_window_extent(renderer)
    # Room for the box's padding and for the layout, which shrinks the axes later.
    width, height = 1.2 * extent.width / frame.width + 0.02, 1.35 * extent.height / frame.height + 0.015
    best: tuple[float, int, float, str, str] | None = None
    rank = 0
    for y, va in places:
        y0, y1 = (y, y + height) if va == "bottom" else (y - height, y)
        if y0 < 0.0 or y1 > 1.0:
            continue
        for ha in ("right", "left"):
            x0, x1 = (1.0 - width, 1.0) if ha == "right" else (0.0, width)
            covered = 0.0
            for points, weight in layers:
                inside = points[(points[:, 0] >= x0) & (points[:, 0] <= x1)]
                if len(inside):
                    covered += weight * float(np.mean((inside[:, 2] >= y0) & (inside[:, 1] <= y1)))
            if best is None or (covered, rank) < (best[0], best[1]):
                best = (covered, rank, y, ha, va)
            rank += 1
    if best is None:
        artist.remove()
        return
    _, _, y, ha, va = best
    gap = 0.012 if va == "bottom" else -0.012
    artist.set_position((0.985 if ha == "right" else 0.015, y + gap if y < 0.98 else y))
    artist.set_horizontalalignment(ha)
    artist.set_verticalalignment(va)


# --- (1) fan chart ----------------------------------------------------------------------------

_QUANTILES = ("p5", "p25", "p50", "p75", "p95")
_FAN_NAMES = {"energy": "Energy", "traffic": "Traffic", "rebound": "Rebound R(t)"}


def _fan_name(quantity: str, lang: str) -> str:
    if quantity == "climate_change":
        return category_name("climate_change", lang)
    return tr(_FAN_NAMES.get(quantity, quantity.replace("_", " ")), lang)


def _percent_axis(ax: Axes, lang: str) -> None:
    """y ticks of a quantity in % (not a rebound) written for ``lang``, and its 0 line."""
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: plain_number(v, lang)))
    ax.axhline(0.0, color="#555555", linewidth=0.8, zorder=1.5)


def _fan_panel(ax: Axes, part: pd.DataFrame, quantity: str, lang: str, texts: MeasureTexts | None = None) -> None:
    """One panel of bands; ``texts`` for the panel of the measure (a rebound, or induced)."""
    part = part.sort_values("time")
    times = part["time"].to_numpy(dtype=float)
    columns = {c: part[c].to_numpy(dtype=float) for c in (*_QUANTILES, "nominal") if c in part}
    nominal = columns.get("nominal", np.full(times.shape, np.nan))
    if texts is not None and texts.rebound:
        shown = {c: 100.0 * v for c, v in columns.items()}
        shape = rebound_axis(*(shown[c] for c in (*_QUANTILES, "nominal") if c in shown))
        _apply_rebound_axis(ax, shape, lang)
        year_axis(ax, times, lang)
        lines = np.vstack([shown["p50"], shown.get("nominal", shown["p50"])])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN instants: R undefined
            _backfire_zone(ax, shape, lang, [
                (times, shown["p5"], shown["p95"], 1.0), (times, shown["p25"], shown["p75"], 2.0),
                (times, np.nanmin(lines, axis=0), np.nanmax(lines, axis=0), 10.0)])
        ax.set_ylabel(_rebound_label(shape, lang, texts.symbol))
    elif texts is not None:
        shown = {c: 100.0 * v for c, v in columns.items()}
        _percent_axis(ax, lang)
        ax.set_ylabel(tr("{name} (%)", lang, name=texts.symbol))
    else:
        units = part["unit"].dropna().unique() if "unit" in part else []
        if len(units) > 1:
            raise ValueError(f"bands of {quantity!r} mix units {', '.join(map(str, units))}")
        scale = scale_for(str(units[0]) if len(units) else "1", *columns.values(), lang=lang)
        shown = {c: scale(v) for c, v in columns.items()}
        ax.set_ylabel(scale.unit or "1")
    ax.fill_between(times, shown["p5"], shown["p95"], color=BAND_COLOURS["outer"], linewidth=0, zorder=2)
    ax.fill_between(times, shown["p25"], shown["p75"], color=BAND_COLOURS["inner"], linewidth=0, zorder=2.1)
    ax.plot(times, shown["p50"], color=BAND_COLOURS["median"], linewidth=2.0, zorder=3)
    if np.isfinite(nominal).any():
        ax.plot(times, shown["nominal"], color=BAND_COLOURS["nominal"], linewidth=1.7, linestyle="--",
                zorder=3.1)
    if texts is None or not texts.rebound:
        finite = np.concatenate([v[np.isfinite(v)] for v in shown.values()])
        if finite.size and finite.min() >= 0:
            ax.set_ylim(bottom=0)
    year_axis(ax, times, lang)


@with_style
def plot_fan_chart(bands: pd.DataFrame, meta: Mapping[str, Any], lang: str = "en") -> Figure:
    """Monte Carlo bands over time: energy, traffic, climate change and the measure's series.

    ``bands`` has a row per ``quantity`` (``energy``, ``traffic``, ``climate_change`` and the
    measure's column, e.g. ``rebound_window_energy``, ``induced_energy``, or ``rebound`` when
    ``meta`` names no measure) × ``time`` (year), with the canonical ``unit`` (``kWh/yr``,
    ``GB/yr``, ``kg CO2e/yr``, ``1``), the quantiles ``p5``, ``p25``, ``p50``, ``p75``, ``p95``
    and ``nominal`` (the scenario as written; may be NaN). Each quantity is shown in a readable
    unit (TWh/yr, EB/yr, Mt CO₂e/yr; GWh/yr for a small scenario), the measure in % (a rebound
    around 100 % with its backfire zone, ``induced`` on a plain axis); NaN (R undefined in the
    first years) leaves gaps. ``meta["members"]`` (the number of runs) goes in the title.
    """
    check_lang(lang)
    _meta(meta)
    _require(bands, ("quantity", "time", *_QUANTILES), "the bands table")
    texts = measure_texts(meta, lang, column=None if meta.get("measure") else "rebound")
    fig = new_figure((6.4, 6.0))
    axes = fig.subplots(2, 2, sharex=True).ravel()
    for ax, quantity in zip(axes, (*FAN_QUANTITIES, texts.column), strict=True):
        part = bands[bands["quantity"] == quantity]
        measured = quantity == texts.column
        ax.set_title(texts.series if measured else _fan_name(quantity, lang), fontsize=10.5)
        if part.empty:
            note(ax, tr("not in this ensemble", lang))
            ax.set_yticks([])
            times = bands["time"].to_numpy(dtype=float)
            if times.size:
                year_axis(ax, np.array([np.nanmin(times), np.nanmax(times)]), lang)
        else:
            _fan_panel(ax, part, quantity, lang, texts if measured else None)
    for ax in axes[:2]:
        ax.set_xlabel("")
    for ax in axes[2:]:
        ax.tick_params(axis="x", labelbottom=True)
    period = _period(meta, bands["time"])
    members = meta.get("members")
    if members:
        title = tr("Uncertainty over {members} Monte Carlo runs, {period}", lang,
                   members=plain_number(float(members), lang), period=period or "")
    else:
        title = tr("Uncertainty over Monte Carlo runs, {period}", lang, period=period or "")
    fig.suptitle(title.removesuffix(", "), fontweight="bold")
    handles: list[Any] = [Patch(color=BAND_COLOURS["outer"]), Patch(color=BAND_COLOURS["inner"]),
                          Line2D([], [], color=BAND_COLOURS["median"], linewidth=2.0)]
    labels = [tr("5–95 % of runs", lang), tr("25–75 % of runs", lang), tr("median", lang)]
    if "nominal" in bands and bool(np.isfinite(bands["nominal"].to_numpy(dtype=float)).any()):
        handles.append(Line2D([], [], color=BAND_COLOURS["nominal"], linewidth=1.7, linestyle="--"))
        labels.append(tr("scenario as written", lang))
    place_legend(axes[0], True, handles, labels, ncol=4)
    if not texts.rebound:
        meta = {**meta, "notes": [*_notes(meta), tr(INDUCED_NOTE, lang)]}
    _finish(fig, meta, "Monte Carlo simulations", lang, period)
    return fig


# --- (2) one-parameter sweep ------------------------------------------------------------------


def _without_unit(label: str) -> str:
    """``price elasticity (1)`` → ``price elasticity``."""
    return re.sub(r"\s*\([^()]*\)\s*$", "", label) or label


def _polyline(x: np.ndarray, y: np.ndarray, per_segment: int = 8) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points along a line through (x, y), as an envelope ``x, low, high`` (a label placed
    between two grid points must not cover the segment that joins them)."""
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    if x.size < 2:
        return x, y, y
    t = np.linspace(0.0, 1.0, per_segment, endpoint=False)
    xs = np.concatenate([x[:-1, None] + t * np.diff(x)[:, None], x[-1:, None]], axis=None)
    ys = np.concatenate([y[:-1, None] + t * np.diff(y)[:, None], y[-1:, None]], axis=None)
    return xs, ys, ys


@with_style
def plot_sweep_lines(table: pd.DataFrame, param: str, param_label: str, meta: Mapping[str, Any],
                     lang: str = "en", value: str | None = None) -> Figure:
    """Cumulative results and the measure against one swept parameter, a marker at each grid point.

    ``table`` has a column ``param`` (the values of the parameter, in the unit that
    ``param_label`` names, e.g. ``price elasticity (1)``) and the columns
    ``energy_cumulative`` (kWh), ``climate_change_cumulative`` (kg CO2e),
    ``traffic_cumulative`` (GB) and ``value`` (the measure of ``meta["measure"]``, a fraction:
    1 = 100 %; default its column, or ``rebound_cumulative``); a missing output leaves its panel
    with a note. Display units follow the data (GWh for a classroom scenario, TWh for a
    country). ``meta["nominal"]``, the parameter's value in the scenario as written, is marked
    by a dotted line.
    """
    check_lang(lang)
    _meta(meta)
    texts = measure_texts(meta, lang, value)
    _require(table, (param,), "the sweep table")
    data = table.sort_values(param)
    x = data[param].to_numpy(dtype=float)
    fig = new_figure((6.4, 5.8))
    axes = fig.subplots(2, 2, sharex=True).ravel()
    x_label = tr(param_label, lang)
    nominal = meta.get("nominal")
    finite_x = x[np.isfinite(x)]
    if finite_x.size:
        span = float(finite_x.max() - finite_x.min()) or 1.0
        axes[0].set_xlim(float(finite_x.min()) - 0.03 * span, float(finite_x.max()) + 0.03 * span)
    outputs = [(column, tr(name, lang), unit) for column, name, unit in SWEEP_OUTPUTS]
    for ax, (column, name, unit) in zip(axes, [*outputs, (texts.column, texts.panel, "1")], strict=True):
        ax.set_title(name, fontsize=10.5)
        key = column.removesuffix("_cumulative") if unit != "1" else "rebound"
        if column not in data:
            note(ax, tr("not in this sweep", lang))
            ax.set_yticks([])
            continue
        values = data[column].to_numpy(dtype=float)
        if unit == "1" and texts.rebound:
            shown = 100.0 * values
            shape = rebound_axis(shown)
            _apply_rebound_axis(ax, shape, lang)
            _backfire_zone(ax, shape, lang, [(*_polyline(x, shown), 10.0)])
            ax.set_ylabel(_rebound_label(shape, lang, texts.symbol))
        elif unit == "1":
            shown = 100.0 * values
            _percent_axis(ax, lang)
            ax.set_ylabel(tr("{name} (%)", lang, name=texts.symbol))
        else:
            scale = scale_for(unit, values, lang=lang)
            shown = scale(values)
            ax.set_ylabel(scale.unit)
            if np.nanmin(shown, initial=0.0) >= 0:
                ax.set_ylim(bottom=0, top=max(1e-12, 1.08 * float(np.nanmax(shown, initial=0.0))))
        ax.plot(x, shown, color=SWEEP_COLOURS[key], linewidth=1.8, marker="o", markersize=3.8,
                zorder=3)
        if nominal is not None:
            ax.axvline(float(nominal), color="#555555", linewidth=1.2, linestyle=":", zorder=2)
    for ax in axes[2:]:
        ax.set_xlabel(x_label)
        ax.tick_params(axis="x", labelbottom=True)
    period = _period(meta)
    what = _without_unit(x_label)
    if period:
        title = tr("Cumulative results {period} against {param}", lang, period=period, param=what)
    else:
        title = tr("Cumulative results against {param}", lang, param=what)
    fig.suptitle(title, fontweight="bold")
    if nominal is not None:
        handle = Line2D([], [], color="#555555", linewidth=1.2, linestyle=":")
        place_legend(axes[0], True, [handle], [tr("scenario as written ({value})", lang,
                                                  value=plain_number(float(nominal), lang))])
    if not texts.rebound:
        meta = {**meta, "notes": [*_notes(meta), tr(INDUCED_NOTE, lang)]}
    _finish(fig, meta, "parameter sweep", lang, period)
    return fig


# --- (3) the Jevons map ------------------------------------------------------------------------


def cell_edges(centres: Any) -> np.ndarray:
    """Edges of the cells around sorted grid values: half-way between neighbours, and half a
    step beyond the first and the last (±0.5 around a single value)."""
    c = np.asarray(centres, dtype=float)
    if c.size == 1:
        half = 0.5 * abs(c[0]) if c[0] else 0.5
        return np.array([c[0] - half, c[0] + half])
    middle = (c[:-1] + c[1:]) / 2
    return np.concatenate([[c[0] - (middle[0] - c[0])], middle, [c[-1] + (c[-1] - middle[-1])]])


def jevons_grid(table: pd.DataFrame, x: str, y: str, value: str = "rebound_cumulative"
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sorted ``x`` values, sorted ``y`` values and ``value`` on the grid (rows: y, columns:
    x; NaN where the table has no finite value)."""
    _require(table, (x, y, value), "the map table")
    grid = table.groupby([y, x])[value].mean().unstack(x).sort_index().sort_index(axis=1)
    return (grid.columns.to_numpy(dtype=float), grid.index.to_numpy(dtype=float),
            grid.to_numpy(dtype=float))


def _contour_points(ax: Axes, cs: Any, fractions: Sequence[float]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Points at ``fractions`` of the length (on the page) of the longest piece of a contour,
    each with the unit normal there (display coordinates)."""
    pieces = [poly for path in cs.get_paths() for poly in path.to_polygons(closed_only=False)]
    pixels = [ax.transData.transform(p) for p in pieces if len(p) >= 2]
    if not pixels:
        return []
    lengths = [float(np.sum(np.hypot(*np.diff(p, axis=0).T))) for p in pixels]
    piece = pixels[int(np.argmax(lengths))]
    steps = np.hypot(*np.diff(piece, axis=0).T)
    along = np.concatenate([[0.0], np.cumsum(steps)])
    found = []
    for fraction in fractions:
        target = fraction * along[-1]
        i = int(np.clip(np.searchsorted(along, target), 1, len(piece) - 1))
        direction = piece[i] - piece[i - 1]
        norm = float(np.hypot(*direction)) or 1.0
        t = (target - along[i - 1]) / (steps[i - 1] or 1.0)
        found.append((piece[i - 1] + t * direction, np.array([-direction[1], direction[0]]) / norm))
    return found


def _value_near(xs: np.ndarray, ys: np.ndarray, grid: np.ndarray, px: float, py: float) -> float:
    """The value of the grid cell nearest to a point (data coordinates)."""
    i = int(np.argmin(np.abs(ys - py)))
    j = int(np.argmin(np.abs(xs - px)))
    return float(grid[i, j])


def _label_sides(ax: Axes, cs: Any, xs: np.ndarray, ys: np.ndarray, coordinate: np.ndarray,
                 avoid: Sequence[tuple[float, float]], lang: str) -> None:
    """"backfire" on the R > 100 % side of the contour, "partial rebound" on the other side:
    at the middle of the contour, or further along where the labels would leave the map or
    cover one of the points to ``avoid`` (data coordinates, e.g. the scenario as written)."""
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    frame = ax.get_window_extent(renderer)
    to_data = ax.transData.inverted()
    marks = [ax.transData.transform(p) for p in avoid]
    box = {"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}
    first: list[Any] = []
    for point, normal in _contour_points(ax, cs, (0.5, 0.65, 0.35, 0.8, 0.2)):
        probe = 12.0  # pixels
        ahead = _value_near(xs, ys, coordinate, *to_data.transform(point + probe * normal))
        behind = _value_near(xs, ys, coordinate, *to_data.transform(point - probe * normal))
        sign = 1.0 if np.nan_to_num(ahead, nan=0.0) >= np.nan_to_num(behind, nan=0.0) else -1.0
        at = to_data.transform(point)
        labels = []
        for s, text, colour in ((sign, "backfire\n(R > 100 %)", BACKFIRE_TEXT_COLOUR),
                                (-sign, "partial rebound\n(R < 100 %)", PARTIAL_TEXT_COLOUR)):
            dx, dy = s * normal
            if abs(dx) >= abs(dy):
                ha, va = ("left" if dx > 0 else "right"), "center"
            else:
                ha, va = "center", ("bottom" if dy > 0 else "top")
            labels.append(ax.annotate(tr(text, lang), xy=(float(at[0]), float(at[1])), xytext=(9.0 * dx, 9.0 * dy),
                                      textcoords="offset points", ha=ha, va=va, fontsize=9.5, fontweight="bold",
                                      color=colour, bbox=box, zorder=6, gid="side_label"))
        extents = [label.get_window_extent(renderer).expanded(1.05, 1.1) for label in labels]
        inside = all(e.x0 >= frame.x0 and e.x1 <= frame.x1 and e.y0 >= frame.y0 and e.y1 <= frame.y1
                     for e in extents)
        clear = not any(e.x0 - 8 <= m[0] <= e.x1 + 8 and e.y0 - 8 <= m[1] <= e.y1 + 8
                        for e in extents for m in marks)
        if inside and clear:
            for label in first:
                label.remove()
            return
        if first:
            for label in labels:
                label.remove()
        else:
            first = labels  # kept if no place is better


@with_style
def plot_jevons_map(table: pd.DataFrame, x: str, y: str, x_label: str, y_label: str,
                    meta: Mapping[str, Any], lang: str = "en", value: str | None = None) -> Figure:
    """The measure of ``meta["measure"]`` (%) over a grid of two parameters; for a rebound, the R = 100 % line.

    ``table`` has one row per grid point: the columns ``x`` and ``y`` (the two parameters, in
    the units ``x_label`` and ``y_label`` name) and ``value`` (default: the measure's column, or
    ``rebound_cumulative``; a fraction, 1 = 100 %; NaN where undefined, e.g. without an
    efficiency gain). Cells are centred on the grid values, their edges half-way between them.
    For a rebound the colours diverge at R = 100 %: green for a partial rebound, purple for
    backfire, on a scale that turns logarithmic above 100 % when R reaches 1 000 %; the
    R = 100 % contour is drawn and named on each side. For ``induced`` the scale is sequential
    (light to dark orange as the demand response adds more), with labelled contours at round
    values and no backfire. ``meta["nominal"]`` — the ``(x, y)`` of the scenario as written —
    is marked with a star.
    """
    check_lang(lang)
    _meta(meta)
    texts = measure_texts(meta, lang, value)
    xs, ys, grid = jevons_grid(table, x, y, texts.column)
    fig = new_figure((6.4, 5.0))
    ax = fig.add_subplot()
    ax.grid(False)
    ax.set_facecolor(UNDEFINED_COLOUR)
    ax.set_xlabel(tr(x_label, lang))
    ax.set_ylabel(tr(y_label, lang))
    ax.set_xlim(cell_edges(xs)[[0, -1]])
    ax.set_ylim(cell_edges(ys)[[0, -1]])
    if texts.rebound:
        handles, labels = _rebound_map(fig, ax, xs, ys, 100.0 * grid, texts, meta, lang)
    else:
        handles, labels = _induced_map(fig, ax, xs, ys, 100.0 * grid, texts, lang)
    nominal = meta.get("nominal")
    if nominal is not None:
        nx_, ny_ = (float(v) for v in nominal)
        ax.plot([nx_], [ny_], marker="*", markersize=13, color="white", markeredgecolor="black",
                markeredgewidth=1.0, linestyle="none", zorder=7)
        handles.append(Line2D([], [], marker="*", markersize=11, color="white", markeredgecolor="black",
                              linestyle="none"))
        labels.append(tr("scenario as written", lang))
    if bool(np.isnan(grid).any()):
        handles.append(Patch(facecolor=UNDEFINED_COLOUR, edgecolor="#999999", linewidth=0.6))
        labels.append(tr("R undefined (no savings expected)" if texts.rebound else "undefined", lang))
    ax.set_title(texts.title)
    place_legend(ax, True, handles, labels, ncol=3)
    _finish(fig, meta, "parameter sweep", lang, _period(meta))
    return fig


def _rebound_map(fig: Figure, ax: Axes, xs: np.ndarray, ys: np.ndarray, r: np.ndarray, texts: MeasureTexts,
                 meta: Mapping[str, Any], lang: str) -> tuple[list[Any], list[str]]:
    """Cells of a rebound R (%) diverging at 100 %, the colour bar, the R = 100 % contour and its side
    labels; the legend entries it needs."""
    finite = r[np.isfinite(r)]
    shape = rebound_axis(finite, low=0.0, high=200.0, pad=0.0)
    coordinate = shape.forward(r)
    f_low, f_high = float(shape.forward(shape.low)), float(shape.forward(shape.high))
    norm = TwoSlopeNorm(vmin=f_low, vcenter=0.0, vmax=f_high)
    mesh = ax.pcolormesh(cell_edges(xs), cell_edges(ys), np.ma.masked_invalid(coordinate), cmap=JEVONS_CMAP,
                         norm=norm, shading="flat", rasterized=True)
    bar = fig.colorbar(mesh, ax=ax, pad=0.03, fraction=0.06)
    ticks = shape.ticks()
    if not shape.log_above:  # the partial half of the bar is as tall as the backfire half: mark it
        ticks = sorted({*ticks, *(t for t in (50.0, 100.0) if shape.low <= t <= shape.high)})
    bar.set_ticks([float(shape.forward(t)) for t in ticks],
                  labels=[plain_number(t, lang) for t in ticks])
    bar.ax.minorticks_off()
    bar.set_label(_rebound_label(shape, lang, texts.value))
    bar.ax.axhline(0.0, color="black", linewidth=1.8)
    masked = np.ma.masked_invalid(coordinate)
    drew = False
    if xs.size >= 2 and ys.size >= 2 and finite.size and finite.min() < 100.0 < finite.max():
        cs = ax.contour(xs, ys, masked, levels=[0.0], colors="black", linewidths=1.8, zorder=5)
        cs.set_gid("backfire_contour")
        drew = bool(cs.get_paths() and any(len(p.vertices) for p in cs.get_paths()))
        if drew:
            nominal = meta.get("nominal")
            _label_sides(ax, cs, xs, ys, coordinate, [tuple(map(float, nominal))] if nominal is not None else [],
                         lang)
    if not drew and finite.size:
        everywhere = bool(finite.min() > 100.0)
        ax.text(0.5, 0.5, tr("backfire everywhere in this range" if everywhere
                             else "no backfire in this range", lang),
                transform=ax.transAxes, ha="center", va="center", fontsize=10, fontweight="bold",
                color=BACKFIRE_TEXT_COLOUR if everywhere else PARTIAL_TEXT_COLOUR,
                bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
    return [Line2D([], [], color="black", linewidth=1.8)], [tr("R = 100 %: the savings are all taken back", lang)]


def _induced_map(fig: Figure, ax: Axes, xs: np.ndarray, ys: np.ndarray, values: np.ndarray, texts: MeasureTexts,
                 lang: str) -> tuple[list[Any], list[str]]:
    """Cells of induced (%) on a sequential scale — logarithmic when the values span decades up to
    thousands of % (:data:`INDUCED_LOG_RATIO`: a strong response at a high energy share of the cost
    multiplies use a million-fold) — the colour bar and contours at its round values."""
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if high - low <= 1e-9 * max(1.0, abs(high)):
        low, high = low - 0.5, high + 0.5
    log = high >= LOG_ABOVE_FROM and (low <= 0 or high / low >= INDUCED_LOG_RATIO)
    if not log:
        norm: Normalize = Normalize(vmin=low, vmax=high)
        levels = [float(t) for t in MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]).tick_values(low, high)
                  if low <= t <= high]
    elif low > 0:
        norm, levels = LogNorm(vmin=low, vmax=high), _log_ticks(low, high)
    else:  # linear up to the smallest positive value's decade, logarithmic above
        smallest = float(finite[finite > 0].min(initial=high))
        linear = 10.0 ** math.floor(math.log10(max(smallest, high * 1e-6)))
        norm = SymLogNorm(linthresh=linear, linscale=0.5, vmin=low, vmax=high)
        levels = [*(t for t in (-linear, 0.0) if t >= low), *_log_ticks(linear, high)]
    mesh = ax.pcolormesh(cell_edges(xs), cell_edges(ys), np.ma.masked_invalid(values), cmap=INDUCED_CMAP,
                         norm=norm, shading="flat", rasterized=True)
    bar = fig.colorbar(mesh, ax=ax, pad=0.03, fraction=0.06)
    bar.set_ticks(levels, labels=[_percent_number(t, lang) for t in levels])
    bar.ax.minorticks_off()
    label = tr("{name}, %", lang, name=texts.value)
    bar.set_label(textwrap.fill(tr("{name} (log scale)", lang, name=label) if log else label, 40,
                                break_on_hyphens=False))
    inside = [t for t in levels if low < t < high]
    inside = inside[::2] if len(inside) > 4 else inside  # labels of close contours would overlap
    if xs.size >= 2 and ys.size >= 2 and inside:
        cs = ax.contour(xs, ys, np.ma.masked_invalid(values), levels=inside, colors="#3A3A3A", linewidths=0.8,
                        zorder=5)
        cs.set_gid("induced_contours")
        space = NNBSP if lang == "fr" else " "
        ax.clabel(cs, fmt=lambda v: f"{_percent_number(v, lang)}{space}%", fontsize=8, inline=True)
    return [], []


def _log_ticks(low: float, high: float) -> list[float]:
    """Round values between ``low`` and ``high`` (> 0) for a logarithmic scale: 1, 2, 5 × 10ⁿ over
    at most two decades, powers of ten beyond (every other one beyond eight)."""
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    subs = (1.0, 2.0, 5.0) if last - first <= 2 else (1.0,)
    ticks = [s * 10.0 ** k for k in range(first, last + 1) for s in subs if low <= s * 10.0 ** k <= high]
    return ticks[::2] if len(ticks) > 8 else ticks


_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _percent_number(value: float, lang: str) -> str:
    """A value in % for a tick or a contour: 0.5, 20, 1,000, and powers of ten from 10⁴ on."""
    if value >= 1e4 and float(f"{value:.3g}") == 10.0 ** round(math.log10(value)):
        return "10" + str(round(math.log10(value))).translate(_SUPERSCRIPTS)
    return plain_number(value, lang)


# --- (4) sensitivity ---------------------------------------------------------------------------


def short_parameter_names(names: Sequence[str], width: int = 36) -> dict[str, str]:
    """Readable labels for dotted parameter paths: the last two segments (more where ``*`` or
    an index would stand alone, or where two labels would coincide), ``…`` for what is left
    out, and at most ``width`` characters (cut in the middle)."""
    parts = {n: str(n).split(".") for n in names}

    def keep(segments: list[str], k: int) -> int:
        k = min(k, len(segments))
        while k < len(segments) and (segments[-k] == "*" or segments[-k].isdigit()):
            k += 1
        return k

    depth = {n: keep(parts[n], 2) for n in names}
    while True:
        labels = {n: ".".join(parts[n][-depth[n]:]) for n in names}
        seen: dict[str, list[str]] = {}
        for n, label in labels.items():
            seen.setdefault(label, []).append(n)
        clashes = [n for group in seen.values() if len(group) > 1 for n in group
                   if depth[n] < len(parts[n])]
        if not clashes:
            break
        for n in clashes:
            depth[n] = keep(parts[n], depth[n] + 1)
    out = {}
    for n in names:
        label = labels[n] if depth[n] == len(parts[n]) else "…" + labels[n]
        if len(label) > width:
            head = (width - 1) // 2
            label = label[:head] + "…" + label[-(width - 1 - head):]
        out[n] = label
    return out


def _output(output: str, texts: MeasureTexts, lang: str) -> tuple[str, str]:
    """The name and canonical unit of a sensitivity output ("": unknown); the measure's from ``texts``."""
    if output == texts.column and output not in SENSITIVITY_OUTPUTS:
        return texts.panel, "1"
    name, unit = SENSITIVITY_OUTPUTS.get(output, (output.replace("_", " "), ""))
    return tr(name, lang), unit


@with_style
def plot_sensitivity(indices: pd.DataFrame, method: str, meta: Mapping[str, Any], lang: str = "en") -> Figure:
    """Which parameters the results depend on: one panel per output, a row per parameter.

    ``indices`` has a row per ``output`` (``energy_cumulative``,
    ``climate_change_cumulative``, the measure's column of ``meta["measure"]`` such as
    ``rebound_window_energy`` or ``induced_energy``, or ``rebound_cumulative``; also
    ``traffic_cumulative``) × ``parameter`` (a dotted path
    such as ``demand.services.*.elasticity``) and, for ``method="sobol"``, the columns
    ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (dimensionless; ``_conf`` the half-width of the
    confidence interval); for ``method="morris"``, ``mu_star``, ``mu_star_conf``, ``sigma``
    (in the output's unit: kWh, kg CO2e, or a fraction for R). The rows are the same in every
    panel so that a parameter reads across: ranked by the largest ST (or μ* relative to the
    largest of its output) over the outputs; beyond :data:`MAX_PARAMETERS` the least
    influential are left out (and counted in a note).
    """
    check_lang(lang)
    _meta(meta)
    texts = measure_texts(meta, lang)
    if method not in METHOD_COLUMNS:
        raise ValueError(f"sensitivity method {method!r} is not supported; expected one of "
                         f"{', '.join(METHOD_COLUMNS)}")
    main, main_conf, other, other_conf = METHOD_COLUMNS[method]
    _require(indices, ("output", "parameter", main, other), "the indices table")
    known = [o for o in SENSITIVITY_OUTPUTS if o in set(indices["output"])]
    outputs = known + [o for o in dict.fromkeys(indices["output"]) if o not in SENSITIVITY_OUTPUTS]
    wide = indices.pivot_table(index="parameter", columns="output", values=main, aggfunc="mean",
                               dropna=False)
    if method == "morris":  # μ* in each output's own unit: compare within an output
        wide = wide / wide.abs().max(axis=0).replace(0.0, np.nan)
    rank = wide.max(axis=1, skipna=True).fillna(-np.inf).sort_values(ascending=False, kind="stable")
    order = list(rank.index[:MAX_PARAMETERS])
    left_out = len(rank) - len(order)
    labels = short_parameter_names(order)
    rows = np.arange(len(order))
    height = 1.9 + 0.3 * max(len(order), 3)
    fig = new_figure((7.2 if len(outputs) > 2 else FIGSIZE[0], height))
    axes = np.atleast_1d(fig.subplots(1, max(len(outputs), 1), sharey=True, sharex=method == "sobol"))
    level = percent(float(meta.get("confidence", 0.95)), lang)
    bar = 0.38
    for k, (ax, output) in enumerate(zip(axes, outputs, strict=False)):
        part = indices[indices["output"] == output].groupby("parameter").mean(numeric_only=True)
        part = part.reindex(order)
        name, unit = _output(output, texts, lang)
        if method == "sobol":
            scale = Scale(1.0, "1")
        elif not unit:  # an output this module does not know: its values as given
            scale = Scale(1.0, tr("unit of the output", lang))
        elif unit == "1":
            scale = Scale(0.01, tr("percentage points", lang))
        else:
            scale = scale_for(unit, part[main].to_numpy(dtype=float), part[other].to_numpy(dtype=float),
                              lang=lang)
        for column, conf, offset in ((main, main_conf, -bar / 2), (other, other_conf, bar / 2)):
            values = scale(part[column].to_numpy(dtype=float))
            errors = (scale(part[conf].to_numpy(dtype=float)) if conf and conf in part
                      else None)
            drawn = np.nan_to_num(values, nan=0.0)
            ax.barh(rows + offset, drawn, height=bar, color=INDEX_COLOURS[column], linewidth=0, zorder=2)
            if errors is not None:
                ax.errorbar(values, rows + offset, xerr=np.abs(errors), fmt="none", ecolor="#333333",
                            elinewidth=0.9, capsize=2.0, zorder=3)
        ax.axvline(0.0, color="#555555", linewidth=0.8, zorder=2.5)
        ax.grid(axis="y", visible=False)
        ax.set_title(name, fontsize=10.5)
        if method == "sobol":
            ax.set_xlabel(tr("Sobol index (1)", lang))
        else:
            ax.set_xlabel(f"μ*, σ\n({scale.unit})")
            ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
        if part[main].isna().all():
            note(ax, tr("not computed", lang))
        if k:
            ax.tick_params(axis="y", left=False)
    axes[0].set_yticks(rows, [labels[p] for p in order], fontsize=9)
    axes[0].set_ylim(len(order) - 0.5, -0.5)  # most influential at the top
    if method == "sobol":
        tops = [indices[c].to_numpy(dtype=float) + np.nan_to_num(indices[c + "_conf"].to_numpy(dtype=float))
                if c + "_conf" in indices else indices[c].to_numpy(dtype=float) for c in ("S1", "ST")]
        high = float(np.nanmax(np.concatenate(tops), initial=0.0))
        bottoms = [indices[c].to_numpy(dtype=float) - np.nan_to_num(indices[c + "_conf"].to_numpy(dtype=float))
                   if c + "_conf" in indices else indices[c].to_numpy(dtype=float) for c in ("S1", "ST")]
        low = float(np.nanmin(np.concatenate(bottoms), initial=0.0))
        axes[0].set_xlim(min(0.0, low) - 0.02, min(max(high, 0.1) * 1.08, 1.1))
        axes[0].xaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
    if method == "sobol":
        title = tr("Sobol indices of the cumulative results", lang)
        names = [tr("total order ST (with interactions)", lang), tr("first order S1 (alone)", lang)]
    else:
        title = tr("Morris screening of the cumulative results", lang)
        names = [tr("μ* (mean absolute effect)", lang), tr("σ (spread: interactions, non-linearity)", lang)]
    fig.suptitle(title, fontweight="bold")
    handles: list[Any] = [Patch(color=INDEX_COLOURS[main]), Patch(color=INDEX_COLOURS[other]),
                          Line2D([], [], color="#333333", linewidth=0.9, marker="|", markersize=6)]
    names.append(tr("{level} confidence interval", lang, level=level))
    place_legend(axes[0], True, handles, names, ncol=3)
    if left_out:
        add_note_text(fig, tr("{count} less influential parameters not shown", lang, count=left_out))
    if not texts.rebound and texts.column in outputs:
        meta = {**meta, "notes": [*_notes(meta), tr(INDUCED_NOTE, lang)]}
    _finish(fig, meta, "sensitivity analysis", lang, _period(meta))
    return fig


# --- (5) files -----------------------------------------------------------------------------------


def save_uncertainty_figures(figures: Mapping[str, Figure], folder: str | os.PathLike[str],
                             formats: Iterable[str] = ("png",), dpi: int = 300) -> list[Path]:
    """Write each figure as ``folder/<stem>.<fmt>`` (each file replaced atomically, via
    :func:`~simulator.plots.output.save_figure`); stems are the keys of ``figures``
    (letters, digits, ``_``, ``-``, ``.``). The figures are left as they are (the caller's)."""
    chosen = check_formats(formats)
    bad = [stem for stem in figures if not _STEM.match(stem)]
    if bad:
        raise ValueError(f"figure name {bad[0]!r} cannot be a file name; use letters, digits, '_', '-' "
                         "and '.', starting with a letter or a digit")
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for stem, fig in figures.items():
        written += save_figure(fig, path, stem, chosen, dpi)
    return written


__all__ = [
    "MeasureTexts",
    "ReboundAxis",
    "cell_edges",
    "jevons_grid",
    "measure_texts",
    "plot_fan_chart",
    "plot_jevons_map",
    "plot_sensitivity",
    "plot_sweep_lines",
    "rebound_axis",
    "rebound_transform",
    "save_uncertainty_figures",
    "short_parameter_names",
    "uncertainty_source_text",
]

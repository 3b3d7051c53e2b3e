"""Figures of a parameter sweep, from the tidy table of its grid computed elsewhere (they never run the model):

* :func:`plot_sweep_lines` — cumulative results and the measure against one swept parameter;
* :func:`plot_jevons_map` — the measure over a grid of two parameters: for a rebound, colours
  diverging at R = 100 % with the line that separates a partial rebound from backfire; for
  ``induced``, a sequential scale with labelled contours.

``meta``: see :mod:`.ensemble_common`.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, ListedColormap, LogNorm, Normalize, SymLogNorm, TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from ..display.i18n import NNBSP, check_lang, tr
from ..display.names import in_sentence
from ..display.numbers import plain_number
from ..display.style import OKABE_ITO, QUANTITY_COLOURS, scale_for
from .common import note
from .ensemble_common import (
    INDUCED_NOTE,
    MeasureTexts,
    check_meta,
    finish_figure,
    measure_texts,
    notes_of,
    parameter_text,
    period_of,
    require_columns,
)
from .rebound_axis import LOG_ABOVE_FROM, apply_rebound_axis, backfire_zone, percent_axis, rebound_axis, rebound_label
from .style import new_figure, place_legend, with_style

#: Lines of the sweep panels, by output.
SWEEP_COLOURS = {"energy": QUANTITY_COLOURS["energy"], "climate_change": OKABE_ITO["green"],
                 "traffic": QUANTITY_COLOURS["traffic"], "rebound": "#222222"}
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

#: Outputs of a sweep before the measure's: column, name, canonical unit.
SWEEP_OUTPUTS = (
    ("energy_cumulative", "Cumulative energy", "kWh"),
    ("climate_change_cumulative", "Cumulative climate change", "kg CO2e"),
    ("traffic_cumulative", "Cumulative traffic", "GB"),
)

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
    check_meta(meta)
    texts = measure_texts(meta, lang, value)
    require_columns(table, (param,), "the sweep table")
    data = table.sort_values(param)
    x = data[param].to_numpy(dtype=float)
    fig = new_figure((6.4, 5.8))
    axes = fig.subplots(2, 2, sharex=True).ravel()
    x_label = parameter_text(param_label, meta, lang)
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
            apply_rebound_axis(ax, shape, lang)
            backfire_zone(ax, shape, lang, [(*_polyline(x, shown), 10.0)])
            ax.set_ylabel(rebound_label(shape, lang, texts.symbol))
        elif unit == "1":
            shown = 100.0 * values
            percent_axis(ax, lang)
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
    period = period_of(meta)
    what = in_sentence(_without_unit(x_label))
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
        meta = {**meta, "notes": [*notes_of(meta), tr(INDUCED_NOTE, lang)]}
    finish_figure(fig, meta, "parameter sweep", lang, period)
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
    require_columns(table, (x, y, value), "the map table")
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
    check_meta(meta)
    texts = measure_texts(meta, lang, value)
    xs, ys, grid = jevons_grid(table, x, y, texts.column)
    fig = new_figure((6.4, 5.0))
    ax = fig.add_subplot()
    ax.grid(False)
    ax.set_facecolor(UNDEFINED_COLOUR)
    ax.set_xlabel(parameter_text(x_label, meta, lang))
    ax.set_ylabel(parameter_text(y_label, meta, lang))
    x_edges, y_edges = cell_edges(xs), cell_edges(ys)
    ax.set_xlim(float(x_edges[0]), float(x_edges[-1]))
    ax.set_ylim(float(y_edges[0]), float(y_edges[-1]))
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
    finish_figure(fig, meta, "parameter sweep", lang, period_of(meta))
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
    bar.set_label(rebound_label(shape, lang, texts.value))
    bar.ax.axhline(0.0, color="black", linewidth=1.8)
    masked = np.ma.masked_invalid(coordinate)
    drew = False
    if xs.size >= 2 and ys.size >= 2 and finite.size and finite.min() < 100.0 < finite.max():
        cs = ax.contour(xs, ys, masked, levels=[0.0], colors="black", linewidths=1.8, zorder=5)
        cs.set_gid("backfire_contour")
        drew = bool(cs.get_paths() and any(len(p) for p in cs.get_paths()))
        if drew:
            nominal = meta.get("nominal")
            at = [(float(nominal[0]), float(nominal[1]))] if nominal is not None else []
            _label_sides(ax, cs, xs, ys, coordinate, at, lang)
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


__all__ = [
    "BACKFIRE_TEXT_COLOUR",
    "INDUCED_CMAP",
    "INDUCED_LOG_RATIO",
    "JEVONS_CMAP",
    "PARTIAL_TEXT_COLOUR",
    "SWEEP_COLOURS",
    "SWEEP_OUTPUTS",
    "UNDEFINED_COLOUR",
    "cell_edges",
    "jevons_grid",
    "plot_jevons_map",
    "plot_sweep_lines",
]

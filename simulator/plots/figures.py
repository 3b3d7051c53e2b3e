"""One function per figure: ``plot_x(results, ax=None) -> Axes``; and the graph figure.

Figures only read :class:`~simulator.results.Results` (series, variants,
labels, units, rebound): they never recompute the model. Values are shown in
a readable unit picked from their magnitude (TWh/yr, EB/yr, Mt CO₂e...). When
``ax`` is None a figure is created, laid out, and given a legend under the
plot and a source line; when an ``ax`` is given, only that axes is drawn in
(legend to its right, no source line: the figure and its layout are the caller's).
"""

from __future__ import annotations

import math
import os
import textwrap
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

import networkx as nx
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter

from .. import __version__
from ..results import Results
from ..scenario.schema import CATEGORIES, PHASES, Scenario
from .style import (
    DEVICE_COLOURS,
    EQUIPMENT_COLOURS,
    EQUIPMENT_LINESTYLES,
    FIGSIZE_GRAPH,
    FIGSIZE_SMALL_MULTIPLES,
    FIGSIZE_TWO_PANELS,
    KIND_COLOURS,
    LAYER_COLOURS,
    LAYER_HATCH,
    PHASE_COLOURS,
    QUANTITY_COLOURS,
    REGION_COLOURS,
    VARIANT_STYLES,
    Scale,
    add_source,
    add_source_text,
    cycled,
    generation_colours,
    launch_order,
    new_figure,
    own_axes,
    period,
    place_legend,
    pretty,
    root_figure,
    scale_for,
    source_text,
    styled,
    with_style,
)

#: Band of the energy stack drawn for energy that no generation, layer or device accounts for.
_OTHER_COLOUR = "#E0E0E0"
#: Shown in an axes that has nothing to draw.
_NOTE_STYLE: dict[str, Any] = {"ha": "center", "va": "center", "color": "#555555", "fontsize": 10.5}
PHASE_NAMES = {"manufacturing": "manufacturing", "use": "use (electricity)",
               "end_of_life": "end of life"}
VARIANT_NAMES = {"actual": "actual", "engineering": "engineering estimate (no rebound)",
                 "frozen": "frozen (start-year technology)"}


# --- helpers ----------------------------------------------------------------------------


def _year_axis(ax: Axes, times: np.ndarray) -> None:
    """x axis in years over the simulated horizon."""
    ax.set_xlim(float(times[0]), float(times[-1]))
    ax.xaxis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 5, 10], integer=True))
    ax.set_xlabel("Year")


def _plain_number(value: float, _: Any = None) -> str:
    if value >= 1:
        return f"{value:,.0f}"
    return f"{value:.3g}"


_COUNT_WORDS = ((1e9, "billion"), (1e6, "million"), (1e3, "thousand"))


def _count_in_words(value: float, _: Any = None) -> str:
    """A count as read aloud: 500, 10 thousand, 2 million, 1 billion."""
    for factor, word in _COUNT_WORDS:
        if value >= factor:
            return f"{value / factor:g} {word}"
    return _plain_number(value)


def _log_y(ax: Axes, words: bool = False) -> None:
    """Logarithmic y axis with plain-number tick labels (1, 10, 100, 1,000), or counts in
    words (10 thousand, 1 million) with ``words``."""
    ax.set_yscale("log")
    low, high = ax.get_ylim()
    subs = (1.0,) if high / max(low, 1e-300) > 1e4 else (1.0, 2.0, 5.0)
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=subs))
    ax.yaxis.set_major_formatter(FuncFormatter(_count_in_words if words else _plain_number))
    ax.yaxis.set_minor_formatter(NullFormatter())


def _note(ax: Axes, text: str) -> None:
    ax.text(0.5, 0.5, text, transform=ax.transAxes, **_NOTE_STYLE)


def _three_figures(value: float) -> str:
    """3 significant figures, thousands separated: 5.46, 13.1, 7,140."""
    return f"{float(f'{value:.3g}'):,.0f}" if value >= 1000 else f"{value:.3g}"


def _factor(ratio: float) -> str:
    """``×13.1`` for growth, ``÷9.4`` for a fall."""
    if not math.isfinite(ratio) or ratio <= 0:
        return "n/a"
    return f"×{_three_figures(ratio)}" if ratio >= 1 else f"÷{_three_figures(1 / ratio)}"


def _percent(value: float | None) -> str:
    """``158 %``; two significant figures below 10 % (``0.1 %``); ``undefined`` for None."""
    if value is None:
        return "undefined"
    return f"{100 * value:.0f} %" if abs(value) >= 0.1 else f"{100 * value:.2g} %"


#: A band of a stacked area: label, values (canonical unit), colour, hatch or None.
Band = tuple[str, np.ndarray, str, str | None]


def _stack(ax: Axes, times: np.ndarray, bands: Sequence[Band], scale: Scale) -> None:
    """Stacked areas (first band at the bottom), with optional hatching per band."""
    polys = ax.stackplot(times, *[scale(b[1]) for b in bands], labels=[b[0] for b in bands],
                         colors=[b[2] for b in bands], edgecolor="white", linewidth=0.6)
    for poly, band in zip(polys, bands, strict=True):
        if band[3]:
            poly.set_hatch(band[3])
    ax.set_ylim(bottom=0)


def _nonzero(values: np.ndarray) -> bool:
    return bool(np.nanmax(np.abs(values), initial=0.0) > 0)


# --- (a) energy by generation -----------------------------------------------------------


@with_style
def plot_energy_by_generation(results: Results, ax: Axes | None = None) -> Axes:
    """Actual energy use (kWh/yr, shown scaled) stacked by generation, then layers and devices,
    with total traffic (GB/yr, shown scaled) on a second y axis."""
    ax, owned = own_axes(ax)
    scenario, times = results.scenario, results.times
    colours = generation_colours(scenario)
    bands: list[Band] = []
    for g in launch_order(scenario, results.labels("energy", "generation")):
        bands.append((pretty(g), results.series("energy", generation=g), colours.get(g, "#999999"),
                      None))
    layers = results.labels("energy", "layer")
    for name, colour in cycled(LAYER_COLOURS, layers).items():
        bands.append((f"{pretty(name)} (layer)", results.series("energy", layer=name), colour,
                      LAYER_HATCH))
    devices = results.labels("energy", "device")
    for name, colour in cycled(DEVICE_COLOURS, devices).items():
        bands.append((f"{pretty(name)} (devices)", results.series("energy", device=name), colour,
                      None))
    total = results.series("energy")
    residual = total - sum((b[1] for b in bands), np.zeros_like(total))
    if np.nanmax(np.abs(residual), initial=0.0) > 1e-6 * np.nanmax(np.abs(total), initial=0.0):
        bands.append(("other", residual, _OTHER_COLOUR, None))
    bands = [b for b in bands if _nonzero(b[1])]
    energy = scale_for(results.unit("energy"), total)
    if bands:
        _stack(ax, times, bands, energy)
    ax.set_ylabel(energy.label("Energy"))
    ax.set_title("Energy by generation (stacked) and traffic")
    _year_axis(ax, times)

    traffic_values = results.series("traffic")
    traffic = scale_for(results.unit("traffic"), traffic_values)
    right = ax.twinx()
    right.plot(times, traffic(traffic_values), color=QUANTITY_COLOURS["traffic"], linewidth=2.2,
               label="traffic (right axis)")
    right.set_ylim(bottom=0)
    right.set_ylabel(traffic.label("Traffic"))
    right.spines["right"].set_visible(True)
    right.grid(False)
    handles, labels = ax.get_legend_handles_labels()
    more_handles, more_labels = right.get_legend_handles_labels()
    # Reverse the stack so the legend reads top band first, as in the picture.
    # Past the traffic axis's ticks and label when the legend goes to the right of the plot.
    place_legend(ax, owned, handles[::-1] + more_handles, labels[::-1] + more_labels,
                 right_margin=60.0)
    if owned:
        add_source(root_figure(ax), results)
    return ax


# --- (b) indexed ------------------------------------------------------------------------


@with_style
def plot_indexed(results: Results, ax: Axes | None = None) -> Axes:
    """Traffic, energy and network energy per GB as an index (start year = 100), log scale."""
    ax, owned = own_axes(ax)
    times = results.times
    start = f"{results.scenario.time.start:g}"
    quantities = (("traffic", "Traffic"), ("energy", "Energy"),
                  ("energy_intensity", "Network energy per GB"))
    drawn = 0
    for variable, name in quantities:
        values = results.series(variable)
        base = values[0]
        if not (np.isfinite(base) and base > 0):
            continue  # an index needs a positive start value
        index = 100.0 * values / base
        index = np.where(index > 0, index, np.nan)
        ax.plot(times, index, color=QUANTITY_COLOURS[variable],
                label=f"{name} ({_factor(values[-1] / base)})")
        drawn += 1
    ax.axhline(100.0, color="#777777", linewidth=0.9, zorder=1)
    if drawn:
        _log_y(ax)
    else:
        _note(ax, "no quantity has a positive start value")
    ax.set_ylabel(f"Index ({start} = 100, log scale)")
    ax.set_title(f"Traffic, energy and energy per GB, {period(results.scenario)}")
    _year_axis(ax, times)
    place_legend(ax, owned, ncol=3)
    if owned:
        add_source(root_figure(ax), results)
    return ax


# --- (c) rebound ------------------------------------------------------------------------


def _label_backfire(ax: Axes, times: np.ndarray, frozen: np.ndarray, actual: np.ndarray,
                    log: bool) -> None:
    """Write "backfire" inside the backfire region where it is thick enough to hold it."""
    span = times[-1] - times[0]
    inner = (times >= times[0] + 0.15 * span) & (times <= times[-1] - 0.15 * span)
    low, high = ax.get_ylim()
    to_axes = (np.log10 if log else (lambda v: v))
    with np.errstate(divide="ignore", invalid="ignore"):
        thickness = (to_axes(actual) - to_axes(frozen)) / (to_axes(high) - to_axes(low))
    thickness = np.where(inner & (actual > frozen), thickness, -np.inf)
    i = int(np.argmax(thickness))
    if thickness[i] < 0.09:
        return
    middle = math.sqrt(frozen[i] * actual[i]) if log else (frozen[i] + actual[i]) / 2
    ax.text(times[i], middle, "backfire", ha="center", va="center", fontsize=10,
            fontweight="bold", color="#6A1B4D",
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none",
                  "alpha": 0.8})


def _rebound_top(ax: Axes, results: Results, owned: bool) -> tuple[list[Any], list[str]]:
    """Energy of the three runs with expected savings, rebound and backfire shaded."""
    times = results.times
    runs = {v: results.series("energy", v) for v in VARIANT_STYLES if v in results.variants}
    scale = scale_for(results.unit("energy"), *runs.values())
    shown = {v: scale(values) for v, values in runs.items()}
    log = False
    if results.has_rebound:
        f, e, a = shown["frozen"], shown["engineering"], shown["actual"]
        eaten = np.minimum(a, f)
        # Expected savings [E, F]; the rebound [E, min(A, F)] is drawn over them, so the green
        # left showing is the savings actually realised. Name it only where some shows.
        realised = bool(np.any((f > e) & (a < f * (1 - 1e-9))))
        ax.fill_between(times, e, f, where=f > e, interpolate=True, color=REGION_COLOURS["savings"],
                        linewidth=0, label="expected savings" if realised else None)
        ax.fill_between(times, e, eaten, where=eaten > e, interpolate=True,
                        color=REGION_COLOURS["rebound"], linewidth=0,
                        label="rebound (eats expected savings)")
        if np.any(a > f * (1 + 1e-9)):
            ax.fill_between(times, f, a, where=a > f, interpolate=True,
                            facecolor=REGION_COLOURS["backfire"], edgecolor="#B0649A", hatch="\\\\",
                            linewidth=0, label="backfire (above frozen)")
        end_ratio = f[-1] / e[-1] if e[-1] > 0 else math.inf
        log = end_ratio > 10 and bool(np.all(np.concatenate([f, e, a]) > 0))
    names = dict(VARIANT_NAMES)
    if results.has_rebound:
        # Over long horizons the frozen run dwarfs the others and R tends to 0 however strong
        # the response; the extra energy over the engineering estimate says how strong it was.
        totals = results.cumulative("energy")
        engineering, actual = (totals[results.variants.index(v)] for v in ("engineering", "actual"))
        if engineering > 0:
            names["actual"] = f"actual ({100 * (actual / engineering - 1):+.0f} % vs engineering)"
    for v in ("frozen", "engineering", "actual"):
        if v in shown:
            ax.plot(times, shown[v], label=names[v], **VARIANT_STYLES[v])
    if log:
        _log_y(ax)
    else:
        ax.set_ylim(bottom=0)
    if results.has_rebound and np.any(shown["actual"] > shown["frozen"] * (1 + 1e-9)):
        _label_backfire(ax, times, shown["frozen"], shown["actual"], log)
    ax.set_ylabel(scale.label("Energy"))
    ax.set_title("Rebound: energy with and without demand response")
    _year_axis(ax, times)
    handles, labels = ax.get_legend_handles_labels()
    lines = [i for i, h in enumerate(handles) if isinstance(h, Line2D)]
    areas = [i for i in range(len(handles)) if i not in lines]
    order = lines[::-1] + areas  # actual, engineering, frozen, then the regions
    return [handles[i] for i in order], [labels[i] for i in order]


def _rebound_bottom(ax: Axes, results: Results) -> None:
    """R(t) in %, with the 0 % and 100 % lines."""
    times = results.times
    if not results.has_rebound:
        _note(ax, "no counterfactual runs: rebound undefined")
        ax.set_ylabel("Rebound R (%)")
        _year_axis(ax, times)
        return
    r = 100.0 * results.rebound("energy")
    ax.plot(times, r, color="#222222", linewidth=2.0)
    finite = r[np.isfinite(r)]
    low = min(-10.0, float(finite.min(initial=0.0)))
    high = max(120.0, float(finite.max(initial=0.0)))
    pad = 0.08 * (high - low)
    ax.set_ylim(low - pad, high + pad)
    ax.axhspan(100.0, high + pad, color=REGION_COLOURS["backfire"], alpha=0.35, linewidth=0,
               zorder=0)
    for level in (0.0, 100.0):
        ax.axhline(level, color="#555555", linewidth=1.0, linestyle="--", zorder=1)
    _label_line(ax, times, r, 100.0, "backfire above 100 %", (low - pad, high + pad), above=True)
    _label_line(ax, times, r, 0.0, "no rebound (0 %)", (low - pad, high + pad), above=None)
    ax.set_ylabel("Rebound R (%)")
    whole = results.cumulative_rebound("energy")
    verdict = " (backfire)" if whole is not None and whole > 1 else ""
    ax.set_title(f"Rebound R(t); over {period(results.scenario)}: {_percent(whole)}{verdict}",
                 fontsize=10.5)
    _year_axis(ax, times)


def _label_line(ax: Axes, times: np.ndarray, curve: np.ndarray, level: float, text: str,
                ylim: tuple[float, float], above: bool | None) -> None:
    """Label a horizontal line at one end, above or below it, where the curve is farthest away.

    ``above`` None lets the label go on either side of the line.
    """
    span, height = times[-1] - times[0], ylim[1] - ylim[0]
    box = 0.11 * height  # height of one line of text in data units, with a margin
    best: tuple[float, float, str, str] | None = None
    for side in ("left", "right"):
        if side == "left":
            near = times <= times[0] + 0.38 * span
        else:
            near = times >= times[-1] - 0.38 * span
        values = curve[near & np.isfinite(curve)]
        for up in ((True, False) if above is None else (above,)):
            low, high = (level, level + box) if up else (level - box, level)
            if not up and low < ylim[0]:
                continue
            gaps = np.maximum(values - high, low - values)
            clearance = float(np.min(gaps)) if values.size else span
            if best is None or clearance > best[0]:
                best = (clearance, 1.0 if up else -1.0, side, "bottom" if up else "top")
    if best is None:
        return
    _, direction, side, va = best
    x = times[0] + 0.015 * span if side == "left" else times[-1] - 0.015 * span
    ax.text(x, level + direction * 0.01 * height, text, ha=side, va=va, fontsize=9.5,
            color="#333333")


@with_style
def plot_rebound(results: Results, ax: Axes | None = None) -> Axes:
    """Top: energy (kWh/yr, scaled) of actual, engineering and frozen runs with expected savings,
    rebound and backfire shaded; bottom: R(t) in %. With ``ax`` given, only the top panel."""
    if ax is not None:
        handles, labels = _rebound_top(ax, results, owned=False)
        place_legend(ax, False, handles, labels)
        return ax
    fig = new_figure(FIGSIZE_TWO_PANELS)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    handles, labels = _rebound_top(top, results, owned=True)
    top.set_xlabel("")
    _rebound_bottom(bottom, results)
    place_legend(top, True, handles, labels, ncol=2, row_major_order=False)
    add_source(fig, results)
    return top


# --- (d) impacts ------------------------------------------------------------------------


def _impact_panel(ax: Axes, results: Results, category: str) -> list[Any]:
    """One stacked bar of cumulative actual impacts by phase, in the category's unit."""
    actual = results.variants.index("actual")
    unit = results.unit("impact", category=category).removesuffix("/yr")
    totals = {ph: float(results.cumulative("impact", category=category, phase=ph)[actual])
              for ph in PHASES}
    total = sum(totals.values())
    scale = scale_for(unit, total)
    bottom = 0.0
    handles = []
    for ph in PHASES:
        value = float(scale(totals[ph]))
        handles.append(ax.bar(0.0, value, bottom=bottom, width=0.62, color=PHASE_COLOURS[ph],
                              label=PHASE_NAMES[ph], edgecolor="white", linewidth=0.6))
        if total > 0 and totals[ph] / total >= 0.1:
            ax.text(0.0, bottom + value / 2, f"{100 * totals[ph] / total:.0f} %", ha="center",
                    va="center", color="white" if ph != "use" else "black", fontsize=9.5,
                    fontweight="bold")
        bottom += value
    ax.set_xlim(-0.7, 0.7)
    ax.set_xticks([])
    ax.grid(axis="x", visible=False)
    ax.set_title(CATEGORIES[category][1], fontsize=10.5)
    ax.set_ylabel(scale.unit)
    if total > 0:
        ax.set_ylim(0, 1.12 * float(scale(total)))
        ax.text(0.0, float(scale(total)), f"{float(scale(total)):.3g}", ha="center", va="bottom",
                fontsize=9.5)
    else:
        ax.set_ylim(0, 1)
        ax.set_yticks([])
        _note(ax, "zero in this\nscenario")
    return handles


@with_style
def plot_impacts(results: Results, ax: Axes | None = None, category: str | None = None) -> Axes:
    """Cumulative actual impacts over the horizon by life-cycle phase, one panel per category
    (each in its own unit: Mt CO₂e, t Sb eq, PJ, million m³, t...). With ``ax`` given, one
    panel: ``category`` (default: the first, climate change). Returns the first panel."""
    if ax is not None or category is not None:
        ax, owned = own_axes(ax)
        bars = _impact_panel(ax, results, category or next(iter(CATEGORIES)))
        place_legend(ax, owned, bars, [PHASE_NAMES[ph] for ph in PHASES], ncol=3)
        if owned:
            add_source(root_figure(ax), results)
        return ax
    categories = list(CATEGORIES)
    columns = 3
    rows = math.ceil((len(categories) + 1) / columns)
    fig = new_figure(FIGSIZE_SMALL_MULTIPLES)
    axes = fig.subplots(rows, columns).ravel()
    handles: list[Any] = []
    for panel, c in zip(axes, categories, strict=False):
        handles = _impact_panel(panel, results, c)
    spare = axes[len(categories)]
    spare.axis("off")
    spare.legend(handles[::-1], [PHASE_NAMES[ph] for ph in PHASES][::-1], loc="center",
                 title="Life-cycle phase", alignment="left")
    for extra in axes[len(categories) + 1:]:
        extra.axis("off")
    fig.suptitle(f"Cumulative impacts {period(results.scenario)} by life-cycle phase",
                 fontweight="bold")
    add_source(fig, results)
    return axes[0]


# --- (e) equipment manufactured ---------------------------------------------------------


@with_style
def plot_equipment_manufactured(results: Results, ax: Axes | None = None) -> Axes:
    """Units manufactured per year (new units and replacements) by equipment type, actual run;
    log y axis when the largest type is more than 100× the smallest."""
    ax, owned = own_axes(ax)
    times = results.times
    order = list(results.scenario.equipment)
    names = sorted(results.labels("equipment_manufactured", "equipment"),
                   key=lambda e: (order.index(e) if e in order else len(order), e))
    values = {e: results.series("equipment_manufactured", equipment=e) for e in names}
    values = {e: v for e, v in values.items() if _nonzero(v)}
    unit = (results.unit("equipment_manufactured", equipment=names[0]) if names else "unit/yr")
    peaks = [float(np.nanmax(v)) for v in values.values()]
    log = bool(peaks) and max(peaks) / min(peaks) > 100
    floor = max(min(peaks) / 30, max(peaks) * 1e-7) if log else 0.0
    # On a log axis counts stay in units and ticks read "10 thousand", "1 million"...
    scale = scale_for(unit, 1.0) if log else scale_for(unit, *values.values())
    for i, (e, v) in enumerate(values.items()):
        colour = EQUIPMENT_COLOURS[i % len(EQUIPMENT_COLOURS)]
        style = EQUIPMENT_LINESTYLES[(i // len(EQUIPMENT_COLOURS)) % len(EQUIPMENT_LINESTYLES)]
        ax.plot(times, scale(v), label=pretty(e), color=colour, linestyle=style)
    if log:
        ax.set_yscale("log")
        ax.set_ylim(bottom=float(scale(floor)), top=float(scale(max(peaks))) * 2)
        _log_y(ax, words=True)
    elif peaks:
        ax.set_ylim(bottom=0)
    else:
        ax.set_yticks([])
        _note(ax, "no equipment in this scenario")
    ax.set_ylabel(scale.label("Manufactured"))
    ax.set_title("Equipment manufactured per year")
    _year_axis(ax, times)
    place_legend(ax, owned)
    if owned:
        add_source(root_figure(ax), results)
    return ax


# --- (f) sites --------------------------------------------------------------------------


@with_style
def plot_sites(results: Results, ax: Axes | None = None) -> Axes:
    """Installed sites (radio sites) by generation, stacked, actual run."""
    ax, owned = own_axes(ax)
    times, scenario = results.times, results.scenario
    colours = generation_colours(scenario)
    names = launch_order(scenario, results.labels("sites", "generation"))
    bands: list[Band] = [
        (pretty(g), results.series("sites", generation=g), colours.get(g, "#999999"), None)
        for g in names
    ]
    bands = [b for b in bands if _nonzero(b[1])]
    unit = results.unit("sites", generation=names[0]) if names else "site"
    scale = scale_for(unit, sum((b[1] for b in bands), np.zeros_like(times)))
    if bands:
        _stack(ax, times, bands, scale)
    else:
        ax.set_yticks([])
        _note(ax, "no sites in this scenario")
    ax.set_ylabel(scale.label("Installed"))
    ax.set_title("Radio sites by generation (stacked)")
    _year_axis(ax, times)
    handles, labels = ax.get_legend_handles_labels()
    place_legend(ax, owned, handles[::-1], labels[::-1])
    if owned:
        add_source(root_figure(ax), results)
    return ax


# --- dependency graph -------------------------------------------------------------------

#: Rank of each node kind, top to bottom; equipment made of equipment goes one rank lower.
KIND_RANK = {"driver": 0, "service": 1, "flow": 2, "generation": 3, "layer": 3, "device": 3,
             "equipment": 4, "energy": 5, "impact": 6}
#: Kinds drawn in the row of another kind: electricity sits beside the equipment, as both
#: feed the impacts (in a row of its own, every manufacturing edge would cross it).
KIND_ROW = {"energy": "equipment"}


def graph_layers(graph: nx.DiGraph) -> dict[str, int]:
    """Layer of every node: its kind's rank, components of equipment below what they go into."""
    depth: dict[str, int] = {}
    for n in nx.topological_sort(graph):
        if graph.nodes[n].get("kind") == "equipment":
            parents = [depth[p] + 1 for p in graph.predecessors(n) if p in depth]
            depth[n] = max(parents, default=0)
    extra = max(depth.values(), default=0)
    layers = {}
    for n, data in graph.nodes(data=True):
        kind = data.get("kind", "")
        rank = KIND_RANK.get(KIND_ROW.get(kind, kind), len(KIND_RANK))
        layers[n] = rank + depth.get(n, 0) + (extra if rank > KIND_RANK["equipment"] else 0)
    return layers


#: Kinds placed by their own order (not by their parents), in this order within a row.
_FIXED_ORDER = ("generation", "layer", "device")
#: Kinds placed at the right end of their row.
_AT_END = ("energy",)


def _ordered(graph: nx.DiGraph, layers: dict[str, int], scenario: Scenario | None) -> list[str]:
    """Nodes layer by layer. Generations (by launch), layers and devices keep a fixed order;
    other nodes follow the mean position of their parents (fewer crossings)."""
    launch = {g: item.launch for g, item in scenario.generations.items()} if scenario else {}
    position: dict[str, float] = {}
    ordered: list[str] = []
    for layer in sorted(set(layers.values())):
        found = [n for n in graph if layers[n] == layer]
        rank = {n: i for i, n in enumerate(found)}

        def key(n: str, rank: dict[str, int] = rank) -> tuple[float, float, float, int]:
            kind = graph.nodes[n].get("kind", "")
            if kind in _FIXED_ORDER:
                label = graph.nodes[n].get("label", n)
                return (0.0, _FIXED_ORDER.index(kind), launch.get(label, 0.0), rank[n])
            parents = [position[p] for p in graph.predecessors(n) if p in position]
            centre = sum(parents) / len(parents) if parents else 0.0
            return (1.0 if kind in _AT_END else 0.0, 0.0, centre, rank[n])

        members = sorted(found, key=key)
        for i, n in enumerate(members):
            position[n] = (i + 0.5) / len(members)
        ordered.extend(members)
    return ordered


@with_style
def plot_graph(graph: nx.DiGraph, ax: Axes | None = None, scenario: Scenario | None = None) -> Axes:
    """The dependency graph in layers (users → services → traffic → generations, layers and
    devices → equipment → electricity → impacts), nodes coloured by kind."""
    layers = graph_layers(graph)
    rows: dict[int, list[str]] = {}
    for n in _ordered(graph, layers, scenario):
        rows.setdefault(layers[n], []).append(n)
    labels = {n: "\n".join(textwrap.wrap(pretty(str(d.get("label", n))), 13)) or n
              for n, d in graph.nodes(data=True)}
    # Widen the figure for crowded rows: about 0.075 in per character, 0.35 in per box.
    widest = max((sum(0.075 * max(map(len, labels[n].split("\n"))) + 0.35 for n in row)
                  for row in rows.values()), default=0.0)
    ax, owned = own_axes(ax, (max(FIGSIZE_GRAPH[0], 1.1 * widest), FIGSIZE_GRAPH[1]))
    # A dict of lists (not a node attribute) keeps the order within each row.
    pos = nx.multipartite_layout(graph, subset_key=rows, align="horizontal")
    top = max(layers.values(), default=0)
    pos = {n: (float(x), float(-y) if top else 0.0) for n, (x, y) in pos.items()}
    heights = sorted({y for _, y in pos.values()})
    if len(heights) > 1 and pos[rows[min(rows)][0]][1] < heights[-1]:
        pos = {n: (x, -y) for n, (x, y) in pos.items()}  # first layer at the top
    texts = {}
    for n, data in graph.nodes(data=True):
        kind = data.get("kind", "")
        box = {"boxstyle": "round,pad=0.35", "facecolor": KIND_COLOURS.get(kind, "#FFFFFF"),
               "edgecolor": "#444444", "linewidth": 0.6}
        texts[n] = ax.text(pos[n][0], pos[n][1], labels[n], ha="center", va="center",
                           fontsize=9, zorder=4, bbox=box)
    # Half the width of each box in layout units (about 0.075 in per character, 0.35 in per box).
    xs = [x for x, _ in pos.values()]
    per_inch = (max(xs) - min(xs) or 1.0) / (0.85 * root_figure(ax).get_figwidth())
    half = {n: per_inch * (0.0375 * max(map(len, labels[n].split("\n"))) + 0.2) for n in pos}
    for u, v in graph.edges():
        # An edge that would run behind a box of a row in between bends round it.
        bend = 0.0
        for n in pos:
            if min(layers[u], layers[v]) < layers[n] < max(layers[u], layers[v]):
                (xu, yu), (xv, yv), (xn, yn) = pos[u], pos[v], pos[n]
                crossing = xu + (xv - xu) * (yn - yu) / (yv - yu)
                if abs(crossing - xn) < half[n]:
                    bend = -0.3 if xv >= xu else 0.3
                    break
        ax.annotate("", xy=pos[v], xytext=pos[u], zorder=3,
                    arrowprops={"arrowstyle": "-|>", "color": "#7A7A7A", "linewidth": 0.8,
                                "connectionstyle": f"arc3,rad={bend}",
                                "mutation_scale": 9, "shrinkA": 1, "shrinkB": 1,
                                "patchA": texts[u].get_bbox_patch(),
                                "patchB": texts[v].get_bbox_patch()})
    ys = [y for _, y in pos.values()]
    if xs:
        width, height = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
        ax.set_xlim(min(xs) - 0.12 * width, max(xs) + 0.12 * width)
        ax.set_ylim(min(ys) - 0.06 * height, max(ys) + 0.06 * height)
    ax.set_axis_off()
    name = graph.graph.get("name", scenario.name if scenario else "")
    ax.set_title(f"Dependency graph of scenario '{name}'")
    kinds = [k for k in KIND_COLOURS if any(d.get("kind") == k for _, d in graph.nodes(data=True))]
    handles = [Patch(facecolor=KIND_COLOURS[k], edgecolor="#444444", linewidth=0.6) for k in kinds]
    place_legend(ax, owned, handles, kinds, ncol=5)
    if owned:
        if scenario is not None:
            add_source_text(root_figure(ax), source_text(scenario, __version__, "dependency graph"))
        else:
            add_source_text(root_figure(ax), f"Source: jevons {__version__} dependency graph, "
                                       f"scenario '{name}'")
    return ax


class FigureFunction(Protocol):
    """``plot_x(results, ax=None) -> Axes``."""

    def __call__(self, results: Results, ax: Axes | None = None) -> Axes: ...


#: Every figure of a run, by stable file stem.
FIGURES: dict[str, FigureFunction] = {
    "energy_by_generation": plot_energy_by_generation,
    "indexed": plot_indexed,
    "rebound": plot_rebound,
    "impacts": plot_impacts,
    "equipment_manufactured": plot_equipment_manufactured,
    "sites": plot_sites,
}


# --- saving -----------------------------------------------------------------------------

#: File formats a figure can be saved in.
FORMATS = ("png", "svg", "pdf")


def _metadata(fmt: str, title: str, source: str) -> dict[str, Any]:
    """Title and source in the file's metadata; no dates, so reruns give identical files."""
    if fmt == "png":
        return {"Title": title, "Description": source}
    if fmt == "svg":
        return {"Title": title, "Description": source, "Date": None}
    return {"Title": title, "Subject": source, "CreationDate": None}


def save_figure(fig: Figure, folder: Path, stem: str, formats: Iterable[str], dpi: int,
                source: str = "") -> list[Path]:
    """Write ``fig`` as ``folder/<stem>.<fmt>`` for every format (each file replaced atomically)."""
    chosen = _check_formats(formats)
    written = []
    axes = fig.get_axes()
    title = fig.get_suptitle() or (axes[0].get_title() if axes else stem)
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


def _check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """Formats in lower case without a dot; ValueError naming the first unknown one."""
    if isinstance(formats, str):
        formats = (formats,)
    chosen = tuple(f.lower().lstrip(".") for f in formats)
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        raise ValueError(f"figure format {unknown[0]!r} is not supported; expected one of "
                         f"{', '.join(FORMATS)}")
    return chosen


def save_all(results: Results, folder: str | os.PathLike[str], formats: Iterable[str] = ("png",),
             dpi: int = 300, lang: str = "en") -> list[Path]:
    """Draw every figure of :data:`FIGURES` and write it as ``<stem>.<fmt>`` in ``folder``."""
    if lang != "en":
        raise NotImplementedError(f"figures in {lang!r} are not available yet")
    chosen = _check_formats(formats)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    source = source_text(results.scenario, results.version)
    written: list[Path] = []
    for stem, plot in FIGURES.items():
        fig = root_figure(plot(results))
        written += save_figure(fig, folder, stem, chosen, dpi, source)
        fig.clear()  # free the artists now; the figure was never registered with pyplot
    return written


def save_graph(graph: nx.DiGraph, scenario: Scenario, folder: str | os.PathLike[str],
               formats: Iterable[str] = ("png",), dpi: int = 300) -> list[Path]:
    """Draw the dependency graph and write it as ``graph.<fmt>`` in ``folder``."""
    chosen = _check_formats(formats)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    fig = root_figure(plot_graph(graph, scenario=scenario))
    written = save_figure(fig, folder, "graph", chosen, dpi,
                          source_text(scenario, __version__, "dependency graph"))
    fig.clear()
    return written

"""The figures of a run: ``plot_x(results, ax=None, lang="en") -> Axes`` (the dependency graph's is
in :mod:`.dependency_graph`).

Figures only read :class:`~simulator.results.Results` (series, variants,
labels, units, rebound): they never recompute the model. Values are shown in
a readable unit picked from their magnitude (TWh/yr, EB/yr, Mt CO₂e...). When
``ax`` is None a figure is created, laid out, and given a legend under the
plot and a source line; when an ``ax`` is given, only that axes is drawn in
(legend to its right, no source line: the figure and its layout are the caller's).
Every text goes through :mod:`.i18n`: ``lang="fr"`` draws the figure in French.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .. import rebound as measures
from ..display.colours import run_colours
from ..display.i18n import number, tr
from ..display.names import display_name
from ..display.numbers import factor_text, percent_text, signed_percent, three_figures
from ..display.style import (
    MEASURE_NAMES,
    PHASE_COLOURS,
    PHASE_NAMES,
    QUANTITY_COLOURS,
    REGION_COLOURS,
    SHORT_PHASE_NAMES,
    VARIANT_NAMES,
    VARIANT_STYLES,
    launch_order,
    results_period,
    scale_for,
)
from ..results import NOT_ASSESSED, PARTS, Results
from ..scenario.schema import CATEGORIES, PHASES, USE
from .common import OTHER_COLOUR, Band, log_y, nonzero, note, stack, year_axis
from .rebound_axis import HAlign, VAlign
from .style import (
    FIGSIZE_SMALL_MULTIPLES,
    FIGSIZE_TWO_PANELS,
    add_note_text,
    add_source,
    fit_titles,
    localise_figure,
    localise_ticks,
    new_figure,
    own_axes,
    place_legend,
    root_figure,
    with_style,
)


def category_name(category: str, lang: str = "en") -> str:
    """``Climate change`` (``Changement climatique``) for ``climate_change``."""
    return tr(CATEGORIES[category][1], lang)


def finish(ax: Axes, owned: bool, results: Results, lang: str) -> None:
    """Tick labels in ``lang``; when the figure is ours, its source line."""
    if owned:
        fig = root_figure(ax)
        localise_figure(fig, lang)
        fit_titles(fig)
        add_source(fig, results, lang)
    else:
        localise_ticks(ax, lang)


# --- (a) energy by generation -----------------------------------------------------------


@with_style
def plot_energy_by_generation(results: Results, ax: Axes | None = None, lang: str = "en") -> Axes:
    """Actual energy use (kWh/yr, shown scaled) stacked by generation, then layers and devices;
    in a figure of its own, total traffic (GB/yr, shown scaled) in a panel below on the same
    years (two quantities on two axes of one panel would cross at a point that means nothing)."""
    if ax is None and len(_parts_with_energy(results)) > 1:
        return _plot_energy_by_part(results, lang)
    if ax is None:
        fig = new_figure(FIGSIZE_TWO_PANELS)
        ax, below = fig.subplots(2, 1, sharex=True, height_ratios=(3, 1.3))
        owned = True
    else:
        below, owned = None, False
    times = results.times
    bands = [band for part in PARTS for band in _energy_bands(results, part, lang)]
    total = results.array("energy")
    residual = total - sum((b[1] for b in bands), np.zeros_like(total))
    if np.nanmax(np.abs(residual), initial=0.0) > 1e-6 * np.nanmax(np.abs(total), initial=0.0):
        bands.append((tr("other", lang), residual, OTHER_COLOUR, None))
    bands = [b for b in bands if nonzero(b[1])]
    energy = scale_for(results.unit("energy"), total, lang=lang)
    if bands:
        stack(ax, times, bands, energy)
    ax.set_ylabel(energy.label(tr("Energy", lang)))
    ax.set_title(tr("Energy by generation (stacked) and traffic", lang))
    handles, labels = ax.get_legend_handles_labels()
    if below is not None:
        traffic_values = results.array("traffic")
        traffic = scale_for(results.unit("traffic"), traffic_values, lang=lang)
        below.plot(times, traffic(traffic_values), color=QUANTITY_COLOURS["traffic"], linewidth=2.2)
        below.set_ylim(bottom=0)
        if not nonzero(traffic_values):
            below.set_yticks([])
            note(below, tr("no network traffic in this scenario", lang))
        below.set_ylabel(traffic.label(tr("Traffic", lang)))
        year_axis(below, times, lang)
        ax.set_xlabel("")
    else:
        year_axis(ax, times, lang)
    # Reverse the stack so the legend reads top band first, as in the picture.
    place_legend(ax, owned, handles[::-1], labels[::-1])
    finish(ax, owned, results, lang)
    return ax


def _plot_sites_by_network(results: Results, colours: dict[str, str], lang: str) -> Axes:
    """The sites figure of a scenario with several access networks: a stacked panel per network, each on its
    own scale with its legend beside it (a network with lines counts a site per line)."""
    scenario = results.scenario
    networks = list(scenario.networks)
    fig = new_figure((8.6, 2.6 * len(networks) + 1.2))
    axes = fig.subplots(len(networks), 1, sharex=True, squeeze=False).ravel()
    for ax, network in zip(axes, networks, strict=True):
        sites_panel(ax, results, colours, lang, network=network)
        lines = scenario.networks[network].lines is not None
        ax.set_title(tr("{name}: lines (a site each)" if lines else "{name}: radio sites", lang,
                        name=display_name(scenario, "network", network, lang)), loc="left", fontsize=11)
        handles, labels = ax.get_legend_handles_labels()
        ax.legend(handles[::-1], labels[::-1], loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8.5,
                  frameon=False)
    for ax in axes[:-1]:
        ax.set_xlabel("")
    fig.suptitle(tr("Sites by access network and generation (stacked)", lang), fontweight="bold")
    fig.align_ylabels(axes)
    finish(axes[0], True, results, lang)
    return axes[0]


def _parts_with_energy(results: Results) -> list[str]:
    """The parts of the digital sector (devices, networks, data centres) that use energy in the run."""
    return [part for part in PARTS if results.has("energy", part=part) and nonzero(results.array("energy", part=part))]


def _energy_bands(results: Results, part: str, lang: str) -> list[Band]:
    """The stacked bands of one part's energy, each item with a colour of its own in the whole figure
    (colours follow kind and name: :mod:`simulator.display.colours`): generations and the layers of
    the networks; devices; the layers of data centres and the compute workloads and storage."""
    scenario = results.scenario
    generations = launch_order(scenario, results.labels("energy", "generation"))
    layers = [n for n in results.labels("energy", "layer") if scenario.layers[n].part == part]
    swatches = run_colours(results)  # as in every figure of the run: no two alike
    bands: list[Band] = []
    if part == "networks":
        bands += [(display_name(scenario, "generation", g, lang), results.array("energy", generation=g),
                   *swatches[g][:2]) for g in generations]
    bands += [(tr("{name} (layer)", lang, name=display_name(scenario, "layer", n, lang)),
               results.array("energy", layer=n), *swatches[n][:2]) for n in layers]
    if part == "devices":
        bands += [(tr("{name} (devices)", lang, name=display_name(scenario, "device", n, lang)),
                   results.array("energy", device=n), *swatches[n][:2]) for n in results.labels("energy", "device")]
    if part == "data_centres":
        bands += [(tr("{name} (compute jobs)", lang, name=display_name(scenario, "workload", n, lang)),
                   results.array("energy", workload=n), *swatches[n][:2])
                  for n in results.labels("energy", "workload")]
    return [b for b in bands if nonzero(b[1])]


#: Titles of the part panels of the energy figure.
_PART_TITLES = {"devices": "Devices", "networks": "Networks", "data_centres": "Data centres"}


def _plot_energy_by_part(results: Results, lang: str) -> Axes:
    """The energy figure of a scenario with several parts: one stacked panel per part, each with its items
    and legend beside it, on a common scale, and total traffic below."""
    parts = _parts_with_energy(results)
    fig = new_figure((8.6, 2.3 * len(parts) + 2.0))
    axes = fig.subplots(len(parts) + 1, 1, sharex=True, height_ratios=(*(3,) * len(parts), 1.6))
    times = results.times
    energy = scale_for(results.unit("energy"), results.array("energy"), lang=lang)
    top = max(float(np.nanmax(results.array("energy", part=part))) for part in parts)
    for ax, part in zip(axes, parts, strict=False):
        bands = _energy_bands(results, part, lang)
        residual = results.array("energy", part=part) - sum((b[1] for b in bands), np.zeros_like(times))
        if nonzero(residual) and np.nanmax(np.abs(residual)) > 1e-6 * top:
            bands.append((tr("other", lang), residual, OTHER_COLOUR, None))
        if bands:
            stack(ax, times, bands, energy)
        ax.set_ylim(0, energy(top) * 1.05)
        ax.set_title(tr(_PART_TITLES[part], lang), loc="left", fontsize=11)
        ax.set_ylabel(energy.label(tr("Energy", lang)))
        handles, labels = ax.get_legend_handles_labels()
        ax.legend(handles[::-1], labels[::-1], loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8.5,
                  frameon=False, ncol=1 if len(labels) <= 7 else 2)
    below = axes[-1]
    traffic_values = results.array("traffic")
    traffic = scale_for(results.unit("traffic"), traffic_values, lang=lang)
    below.plot(times, traffic(traffic_values), color=QUANTITY_COLOURS["traffic"], linewidth=2.2)
    below.set_ylim(bottom=0)
    below.set_ylabel(traffic.label(tr("Traffic", lang)))
    below.set_title(tr("Traffic", lang), loc="left", fontsize=11)
    year_axis(below, times, lang)
    fig.suptitle(tr("Energy by part of the digital sector and item (stacked), and traffic", lang),
                 fontweight="bold")
    fig.align_ylabels(axes)
    finish(axes[0], True, results, lang)
    return axes[0]


# --- (b) indexed ------------------------------------------------------------------------


@with_style
def plot_indexed(results: Results, ax: Axes | None = None, lang: str = "en") -> Axes:
    """Traffic, energy and network energy per GB as an index (start year = 100), log scale."""
    ax, owned = own_axes(ax)
    times = results.times
    start = f"{float(times[0]):g}"
    quantities = (("traffic", "Traffic"), ("energy", "Energy"),
                  ("energy_intensity", "Network energy per GB"))
    drawn = 0
    for variable, name in quantities:
        values = results.array(variable)
        base = values[0]
        if not (np.isfinite(base) and base > 0):
            continue  # an index needs a positive start value
        index = 100.0 * values / base
        index = np.where(index > 0, index, np.nan)
        ax.plot(times, index, color=QUANTITY_COLOURS[variable],
                label=f"{tr(name, lang)} ({factor_text(values[-1] / base, lang)})")
        drawn += 1
    ax.axhline(100.0, color="#777777", linewidth=0.9, zorder=1)
    if drawn:
        log_y(ax, lang=lang)
    else:
        note(ax, tr("no quantity has a positive start value", lang))
    ax.set_ylabel(tr("Index ({start} = 100, log scale)", lang, start=start))
    ax.set_title(tr("Traffic, energy and energy per GB, {period}", lang,
                    period=results_period(results)))
    year_axis(ax, times, lang)
    place_legend(ax, owned, ncol=3)
    finish(ax, owned, results, lang)
    return ax


# --- (c) rebound ------------------------------------------------------------------------


def _label_backfire(ax: Axes, times: np.ndarray, frozen: np.ndarray, actual: np.ndarray,
                    log: bool, lang: str) -> None:
    """Write "backfire" inside the backfire region, where it is thick enough to hold the word
    over the word's whole width (away from the ends of the horizon)."""
    label = ax.text(0.0, 0.0, tr("backfire", lang), ha="center", va="center", fontsize=10,
                    fontweight="bold", color="#6A1B4D", transform=ax.transAxes,
                    bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none",
                          "alpha": 0.8})
    canvas = root_figure(ax).canvas
    if not hasattr(canvas, "get_renderer"):  # a caller's figure without a drawing canvas: keep the corner
        return
    renderer = canvas.get_renderer()
    box, frame = label.get_window_extent(renderer), ax.get_window_extent(renderer)
    # Margins: the layout still shrinks the axes (legend and source line come later).
    half, needed = 0.6 * box.width / frame.width, 1.45 * box.height / frame.height
    span = times[-1] - times[0]
    x = (times - times[0]) / span
    low, high = ax.get_ylim()
    to_axes = (np.log10 if log else (lambda v: v))
    with np.errstate(divide="ignore", invalid="ignore"):
        thickness = (to_axes(actual) - to_axes(frozen)) / (to_axes(high) - to_axes(low))
    thickness = np.where(actual > frozen, thickness, 0.0)
    best, where = -np.inf, -1
    for i in np.flatnonzero((x >= 0.15) & (x <= 0.85)):
        near = (x >= x[i] - half) & (x <= x[i] + half)
        if x[i] - half < 0.0 or x[i] + half > 1.0:
            continue
        least = float(thickness[near].min())
        if least > best:
            best, where = least, int(i)
    if where < 0 or best < needed:
        label.remove()
        return
    middle = math.sqrt(frozen[where] * actual[where]) if log else (frozen[where] + actual[where]) / 2
    label.set_transform(ax.transData)
    label.set_position((times[where], middle))


def rebound_callout(results: Results, lang: str = "en") -> str | None:
    """The one verdict (:func:`simulator.rebound.verdict`) in words, for the rebound figure: the
    real change of energy first, then the headline rebound and what it is measured against.
    None without a rebound to measure."""
    if not results.has_rebound:
        return None
    return measures.verdict(results, "energy")["text"][lang]


def _place_callout(ax: Axes, times: np.ndarray, curves: list[np.ndarray], text: str,
                   log: bool) -> None:
    """Write ``text`` in a box in a corner of the axes that no curve (nor the region between
    the curves) crosses; with no such corner, raise the top of the axes to make room."""
    text = "\n".join(textwrap.fill(line, 68) for line in text.split("\n"))
    artist = ax.text(0.02, 0.97, text, transform=ax.transAxes, ha="left", va="top", fontsize=9.5,
                     color="#6A1B4D", linespacing=1.35, zorder=5,
                     bbox={"boxstyle": "round,pad=0.35", "facecolor": "white",
                           "edgecolor": "#B0649A", "linewidth": 0.8, "alpha": 0.92})
    canvas = root_figure(ax).canvas
    if not hasattr(canvas, "get_renderer"):  # a caller's figure without a drawing canvas: keep the corner
        return
    renderer = canvas.get_renderer()
    box, frame = artist.get_window_extent(renderer), ax.get_window_extent(renderer)
    # Size in axes fractions, with room for the padding of the box and later layout changes.
    width, height = 1.15 * box.width / frame.width + 0.02, 1.3 * box.height / frame.height + 0.02
    to_axes = np.log10 if log else (lambda v: v)
    low, high = ax.get_ylim()
    with np.errstate(divide="ignore", invalid="ignore"):
        bottom = (to_axes(np.nanmin(np.vstack(curves), axis=0)) - to_axes(low)) / (
            to_axes(high) - to_axes(low))
        top = (to_axes(np.nanmax(np.vstack(curves), axis=0)) - to_axes(low)) / (
            to_axes(high) - to_axes(low))
    x = (times - times[0]) / (times[-1] - times[0])
    corners: tuple[tuple[HAlign, VAlign], ...] = (("left", "top"), ("left", "bottom"), ("right", "bottom"),
                                                  ("right", "top"))
    for ha, va in corners:
        x0, x1 = (0.0, width) if ha == "left" else (1.0 - width, 1.0)
        y0, y1 = (1.0 - height, 1.0) if va == "top" else (0.0, height)
        inside = (x >= x0) & (x <= x1)
        if bool(np.all((top[inside] < y0) | (bottom[inside] > y1))):
            artist.set_position((0.02 if ha == "left" else 0.98, 0.97 if va == "top" else 0.03))
            artist.set_horizontalalignment(ha)
            artist.set_verticalalignment(va)
            return
    # No free corner: raise the top so that the curves stay below the box.
    span = (to_axes(high) - to_axes(low)) / (1.0 - height - 0.02)
    new_top = to_axes(low) + span
    ax.set_ylim(low, 10 ** new_top if log else new_top)


def _rebound_top(ax: Axes, results: Results, lang: str) -> tuple[list[Any], list[str]]:
    """Energy of the three runs with expected savings, rebound and backfire shaded."""
    times = results.times
    frozen_shown = results.has_rebound and measures.frozen_meaningful(results)
    runs = {v: results.array("energy", v) for v in VARIANT_STYLES
            if v in results.variants and (v != "frozen" or frozen_shown or not results.has_rebound)}
    scale = scale_for(results.unit("energy"), *runs.values(), lang=lang)  # of what is drawn
    shown = {v: scale(values) for v, values in runs.items()}
    log = False
    if results.has_rebound and not frozen_shown:
        e, a = shown["engineering"], shown["actual"]
        ax.fill_between(times, e, a, where=a > e, interpolate=True, color=REGION_COLOURS["rebound"], linewidth=0,
                        label=tr("induced by the demand response", lang))
        ratio = measures.frozen_ratio(results, "energy")
        ax.plot([], [], linestyle="none", label=tr(
            "frozen {year} technology not shown: it would use {ratio}× the actual energy", lang,
            year=f"{times[0]:g}", ratio=number(ratio or math.nan, ",.0f", lang)))
    if frozen_shown:
        f, e, a = shown["frozen"], shown["engineering"], shown["actual"]
        eaten = np.minimum(a, f)
        # Expected savings [E, F]; the rebound [E, min(A, F)] is drawn over them, so the green
        # left showing is the savings actually realised. Name it only where some shows.
        realised = bool(np.any((f > e) & (a < f * (1 - 1e-9))))
        ax.fill_between(times, e, f, where=f > e, interpolate=True, color=REGION_COLOURS["savings"],
                        linewidth=0, label=tr("expected savings", lang) if realised else None)
        ax.fill_between(times, e, eaten, where=eaten > e, interpolate=True,
                        color=REGION_COLOURS["rebound"], linewidth=0,
                        label=tr("rebound (eats expected savings)", lang))
        if np.any(a > f * (1 + 1e-9)):
            ax.fill_between(times, f, a, where=a > f, interpolate=True,
                            facecolor=REGION_COLOURS["backfire"], edgecolor="#B0649A", hatch="\\\\",
                            linewidth=0, label=tr("backfire (above frozen)", lang))
        end_ratio = f[-1] / e[-1] if e[-1] > 0 else math.inf
        log = end_ratio > 10 and bool(np.all(np.concatenate([f, e, a]) > 0))
    names = {v: tr(name, lang) for v, name in VARIANT_NAMES.items()}
    if results.has_rebound:
        # Over long horizons the frozen run dwarfs the others and R tends to 0 however strong
        # the response; the extra energy over the engineering estimate says how strong it was.
        engineering, actual = (results.total("energy", v) for v in ("engineering", "actual"))
        if engineering > 0:
            names["actual"] = tr("actual ({value} vs engineering)", lang,
                                 value=signed_percent(actual / engineering - 1, lang))
    for v in ("frozen", "engineering", "actual"):
        if v in shown:
            ax.plot(times, shown[v], label=names[v], **VARIANT_STYLES[v])
    if log:
        log_y(ax, lang=lang)
    else:
        ax.set_ylim(bottom=0)
    callout = rebound_callout(results, lang)
    if callout:
        _place_callout(ax, times, list(shown.values()), callout, log)
    if frozen_shown and np.any(shown["actual"] > shown["frozen"] * (1 + 1e-9)):
        _label_backfire(ax, times, shown["frozen"], shown["actual"], log, lang)
    ax.set_ylabel(scale.label(tr("Energy", lang)))
    ax.set_title(tr("Rebound: energy with and without demand response", lang))
    year_axis(ax, times, lang)
    handles, labels = ax.get_legend_handles_labels()
    lines = [i for i, h in enumerate(handles) if isinstance(h, Line2D)]
    areas = [i for i in range(len(handles)) if i not in lines]
    order = lines[::-1] + areas  # actual, engineering, frozen, then the regions
    return [handles[i] for i in order], [labels[i] for i in order]


def _rebound_bottom(ax: Axes, results: Results, lang: str) -> None:
    """R(t) in %, with the 0 % and 100 % lines."""
    times = results.times
    if not results.has_rebound:
        reason = ("traffic is forced: rebound not meaningful" if results.forced_traffic
                  else "no counterfactual runs: rebound undefined")
        note(ax, tr(reason, lang))
        ax.set_yticks([])
        ax.set_ylabel(tr("Rebound R (%)", lang))
        year_axis(ax, times, lang)
        return
    curves: dict[str, tuple[np.ndarray, dict[str, Any]]] = {}
    window = results.scenario.rebound.window
    if results.has_measure("window"):
        curves[tr("of the efficiency gained over the previous {years} years", lang, years=f"{window:g}")] = (
            100.0 * measures.window(results, "energy"), {"color": "#222222", "linewidth": 2.0})
    if results.has_measure("marginal"):
        curves[tr("marginal (one more % of efficiency)", lang)] = (
            100.0 * measures.marginal(results, "energy"), {"color": "#0072B2", "linewidth": 1.4, "linestyle": "--"})
    if measures.frozen_meaningful(results):
        curves[tr("against {year} technology", lang, year=f"{times[0]:g}")] = (
            100.0 * results.rebound("energy"), {"color": "#CC79A7", "linewidth": 1.4, "linestyle": ":"})
    for label, (values, style) in curves.items():
        ax.plot(times, values, label=label, **style)
    low, high = rate_limits(*(values for values, _ in curves.values()))
    ax.set_ylim(low, high)
    shade_backfire(ax, high)
    drawn = [values for values, _ in curves.values()] or [np.zeros_like(times)]
    _label_line(ax, times, drawn, 100.0, tr("backfire above 100 %", lang), (low, high), above=True)
    ax.set_ylabel(tr("Rebound R (%)", lang))
    measure, r, (a, b) = measures.headline(results, "energy")
    ax.set_title(tr("Rebound R(t), direct price rebound; headline: {value} ({measure}, {period})", lang,
                    value=percent_text(r, lang), measure=tr(MEASURE_NAMES[measure], lang),
                    period=f"{a:g}–{b:g}"), fontsize=10.5)
    year_axis(ax, times, lang)


def rate_limits(*curves: np.ndarray) -> tuple[float, float]:
    """y limits of a rebound panel (%): the curves, 0 % and 100 % with some room."""
    finite = np.concatenate([c[np.isfinite(c)] for c in curves] or [np.zeros(0)])
    low = min(-10.0, float(finite.min(initial=0.0)))
    high = max(120.0, float(finite.max(initial=0.0)))
    pad = 0.08 * (high - low)
    return low - pad, high + pad


def shade_backfire(ax: Axes, top: float) -> None:
    """The backfire zone (R > 100 %) lightly shaded, with the 0 % and 100 % lines."""
    ax.axhspan(100.0, top, color=REGION_COLOURS["backfire"], alpha=0.35, linewidth=0, zorder=0)
    for level in (0.0, 100.0):
        ax.axhline(level, color="#555555", linewidth=1.0, linestyle="--", zorder=1)


def _label_line(ax: Axes, times: np.ndarray, curves: Sequence[np.ndarray], level: float, text: str,
                ylim: tuple[float, float], above: bool | None) -> None:
    """Label a horizontal line at one end, above or below it, where the curves are farthest away.

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
        values = np.concatenate([c[near & np.isfinite(c)] for c in curves])
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
    clearance, direction, side, va = best
    x = times[0] + 0.015 * span if side == "left" else times[-1] - 0.015 * span
    if clearance < 0 and above:  # a curve runs along the line: the label goes to the top of the zone above
        ax.text(x, ylim[1] - 0.02 * height, text, ha=side, va="top", fontsize=9.5, color="#333333")
        return
    ax.text(x, level + direction * 0.01 * height, text, ha=side, va=va, fontsize=9.5,
            color="#333333")


@with_style
def plot_rebound(results: Results, ax: Axes | None = None, lang: str = "en") -> Axes:
    """Top: energy (kWh/yr, scaled) of actual, engineering and frozen runs with expected savings,
    rebound and backfire shaded (and "efficiency up, consumption up" spelt out on backfire);
    bottom: R(t) in %. With ``ax`` given, only the top panel."""
    if ax is not None:
        handles, labels = _rebound_top(ax, results, lang)
        place_legend(ax, False, handles, labels)
        localise_ticks(ax, lang)
        return ax
    fig = new_figure(FIGSIZE_TWO_PANELS)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    handles, labels = _rebound_top(top, results, lang)
    top.set_xlabel("")
    _rebound_bottom(bottom, results, lang)
    more_handles, more_labels = bottom.get_legend_handles_labels()  # under the figure: never over a curve
    place_legend(top, True, handles + more_handles, labels + more_labels, ncol=2, row_major_order=False)
    finish(top, True, results, lang)
    return top


# --- (d) impacts ------------------------------------------------------------------------


def not_assessed_text(results: Results, category: str, lang: str = "en") -> str:
    """``excl. end of life`` when some phases of ``category`` are not assessed (its totals are
    partial), ``not assessed`` when none is, else empty."""
    note = results.note("impact", category=category)
    if not note:
        return ""
    if note == NOT_ASSESSED:
        return tr("not assessed", lang)
    missing = [tr(SHORT_PHASE_NAMES[ph], lang) for ph in results.not_assessed[category]]
    return tr("excl. {phases}", lang, phases=tr(" and ", lang).join(missing))


def _impact_panel(ax: Axes, results: Results, category: str, lang: str) -> list[Any]:
    """One stacked bar of cumulative actual impacts by phase, in the category's unit; phases not
    assessed are not drawn, and the panel says so (never a 0)."""
    unit = results.unit("impact", category=category).removesuffix("/yr")
    missing = results.not_assessed.get(category, {})
    totals = {ph: results.total("impact", category=category, phase=ph) for ph in PHASES if ph not in missing}
    total = sum(totals.values())
    handles = [Patch(facecolor=PHASE_COLOURS[ph], edgecolor="white", linewidth=0.6) for ph in PHASES]
    ax.set_xlim(-0.7, 0.7)
    ax.set_xticks([])
    ax.grid(axis="x", visible=False)
    ax.set_title(category_name(category, lang), fontsize=10.5)
    if results.note("impact", category=category) == NOT_ASSESSED:
        ax.set_ylim(0, 1)
        ax.set_yticks([])
        note(ax, tr("not assessed in\nthis scenario", lang))
        return handles
    scale = scale_for(unit, total, lang=lang)
    bottom = 0.0
    for ph, amount in totals.items():
        value = float(scale(amount))
        ax.bar(0.0, value, bottom=bottom, width=0.62, color=PHASE_COLOURS[ph], edgecolor="white", linewidth=0.6)
        if total > 0 and amount / total >= 0.1:
            ax.text(0.0, bottom + value / 2, percent_text(amount / total, lang), ha="center",
                    va="center", color="white" if ph != USE else "black", fontsize=9.5,
                    fontweight="bold")
        bottom += value
    ax.set_ylabel(scale.unit)
    if missing:
        missing_names = tr(" and ", lang).join(tr(SHORT_PHASE_NAMES[ph], lang) for ph in missing)
        ax.set_xlabel(textwrap.fill(tr("not assessed: {phases}", lang, phases=missing_names), 26), fontsize=8.5,
                      color="#555555")
    if total > 0:
        ax.set_ylim(0, 1.12 * float(scale(total)))
        ax.text(0.0, float(scale(total)), three_figures(float(scale(total)), lang), ha="center",
                va="bottom", fontsize=9.5)
    else:
        ax.set_ylim(0, 1)
        ax.set_yticks([])
        note(ax, tr("zero in this\nscenario", lang))
    return handles


@with_style
def plot_impacts(results: Results, ax: Axes | None = None, lang: str = "en",
                 category: str | None = None) -> Axes:
    """Cumulative actual impacts over the horizon by life-cycle phase, one panel per category
    (each in its own unit: Mt CO₂e, t Sb eq, PJ, million m³, t...). With ``ax`` given, one
    panel: ``category`` (default: the first, climate change). Returns the first panel."""
    phase_names = [tr(PHASE_NAMES[ph], lang) for ph in PHASES]
    if ax is not None or category is not None:
        ax, owned = own_axes(ax)
        bars = _impact_panel(ax, results, category or next(iter(CATEGORIES)), lang)
        place_legend(ax, owned, bars, phase_names, ncol=3)
        finish(ax, owned, results, lang)
        return ax
    categories = list(CATEGORIES)
    columns = 3
    rows = math.ceil((len(categories) + 1) / columns)
    fig = new_figure(FIGSIZE_SMALL_MULTIPLES)
    axes = fig.subplots(rows, columns).ravel()
    handles: list[Any] = []
    for panel, c in zip(axes, categories, strict=False):
        handles = _impact_panel(panel, results, c, lang)
    spare = axes[len(categories)]
    spare.axis("off")
    spare.legend(handles[::-1], phase_names[::-1], loc="center",
                 title=tr("Life-cycle phase", lang), alignment="left")
    for extra in axes[len(categories) + 1:]:
        extra.axis("off")
    fig.suptitle(tr("Cumulative impacts {period} by life-cycle phase", lang,
                    period=results_period(results)), fontweight="bold")
    finish(axes[0], True, results, lang)
    return axes[0]


# --- (e) equipment manufactured ---------------------------------------------------------


def calendar_year_totals(times: np.ndarray, rate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Middles of the whole calendar years a run covers, and the total of ``rate`` (per year,
    held over each step) over each of them: what was made in each year (units), so that a burst
    of one step at a launch counts in its year instead of standing out as a spike of one step."""
    times = np.asarray(times, dtype=float)
    if times.size < 2:
        return times, np.asarray(rate, dtype=float)
    steps = np.diff(times)
    first, last = math.ceil(times[0] - 1e-9), math.floor(times[-1] + 1e-9)
    years = np.arange(first, last)
    if years.size == 0:
        return times, np.asarray(rate, dtype=float)
    start = times[:-1]
    index = np.floor(start + 1e-9).astype(int) - first
    keep = (index >= 0) & (index < years.size)
    totals = np.zeros(years.size)
    np.add.at(totals, index[keep], (np.asarray(rate, dtype=float)[:-1] * steps)[keep])
    return years + 0.5, totals


@with_style
def plot_equipment_manufactured(results: Results, ax: Axes | None = None,
                                lang: str = "en") -> Axes:
    """Units manufactured in each calendar year (new units and replacements) by equipment type,
    actual run: the totals of each year, so that the equipment of a launch, built in one time
    step, counts in its year instead of standing out as a spike of one step. Log y axis when the
    largest type is more than 100× the smallest; its floor is below every year's value (down to a
    billionth of the largest), and a line ends on a dot when its production stops, instead of
    falling off the axis."""
    ax, owned = own_axes(ax)
    times, scenario = results.times, results.scenario
    order = list(scenario.equipment)
    names = sorted(results.labels("equipment_manufactured", "equipment"),
                   key=lambda e: (order.index(e) if e in order else len(order), e))
    yearly: dict[str, np.ndarray] = {}
    middles = times
    for e in names:
        middles, yearly[e] = calendar_year_totals(times, results.array("equipment_manufactured", equipment=e))
    values = {e: v for e, v in yearly.items() if nonzero(v)}
    unit = (results.unit("equipment_manufactured", equipment=names[0]) if names else "unit/yr")
    peaks = [float(np.nanmax(v)) for v in values.values()]
    lows = [float(np.min(v[v > 0])) for v in values.values()]
    log = bool(peaks) and max(peaks) / min(peaks) > 100
    floor = max(min(lows) / 2, max(peaks) * 1e-9) if log else 0.0
    # On a log axis counts stay in units and ticks read "10 thousand", "1 million"...
    scale = (scale_for(unit, 1.0, lang=lang) if log
             else scale_for(unit, *values.values(), lang=lang))
    ended = False
    swatches = run_colours(results)
    for e, v in values.items():
        colour, _, style = swatches[e]
        shown = np.where(v > 0, v, np.nan) if log else v
        ax.plot(middles, scale(shown), label=display_name(scenario, "equipment", e, lang), color=colour,
                linestyle=style)
        stops = np.flatnonzero((v[:-1] > 0) & (v[1:] <= 0))  # production stops: the line ends on a dot
        if log and stops.size:
            ax.plot(middles[stops], scale(v[stops]), linestyle="none", marker="o", color=colour, markersize=4.5)
            ended = True
    if log:
        ax.set_yscale("log")
        ax.set_ylim(bottom=float(scale(floor)), top=float(scale(max(peaks))) * 2)
        log_y(ax, words=True, lang=lang)
    elif peaks:
        ax.set_ylim(bottom=0)
    else:
        ax.set_yticks([])
        note(ax, tr("no equipment in this scenario", lang))
    if ended and owned:
        add_note_text(root_figure(ax), tr("Note: {text}", lang, text=tr(
            "totals of each calendar year; a dot: the last year before a type stops being made", lang)))
    ax.set_ylabel(scale.label(tr("Manufactured", lang)))
    ax.set_title(tr("Equipment manufactured per year", lang))
    year_axis(ax, times, lang)
    place_legend(ax, owned)
    finish(ax, owned, results, lang)
    return ax


# --- (f) sites --------------------------------------------------------------------------


def sites_panel(ax: Axes, results: Results, colours: dict[str, str], lang: str,
                scale_values: np.ndarray | None = None, shared: bool = False, network: str | None = None) -> None:
    """Installed sites stacked by generation (launch order, oldest at the bottom), actual run; only the
    generations of ``network`` if given. The display unit is chosen from ``scale_values`` (default: this
    run's total). A ``shared`` y axis (small multiples) keeps its ticks when this run has no sites."""
    times, scenario = results.times, results.scenario
    names = launch_order(scenario, [g for g in results.labels("sites", "generation")
                                    if network is None or scenario.network_of(g) == network])
    bands: list[Band] = [
        (display_name(scenario, "generation", g, lang), results.array("sites", generation=g),
         colours.get(g, "#999999"), None)
        for g in names
    ]
    bands = [b for b in bands if nonzero(b[1])]
    unit = results.unit("sites", generation=names[0]) if names else "site"
    total = sum((b[1] for b in bands), np.zeros_like(times))
    scale = scale_for(unit, total if scale_values is None else scale_values, lang=lang)
    if bands:
        stack(ax, times, bands, scale)
    else:
        if not shared:
            ax.set_yticks([])
        note(ax, tr("no sites in this scenario", lang))
    ax.set_ylabel(scale.label(tr("Installed", lang)))
    year_axis(ax, times, lang)


@with_style
def plot_sites(results: Results, ax: Axes | None = None, lang: str = "en") -> Axes:
    """Installed sites (radio sites) by generation, stacked, actual run; in a figure of its own, one panel per
    access network when there are several (a fixed network's lines, one site each, would hide the radio sites
    of a mobile one a thousand times fewer)."""
    colours = {name: swatch.colour for name, swatch in run_colours(results).items()}
    if ax is None and len(results.scenario.networks) > 1:
        return _plot_sites_by_network(results, colours, lang)
    ax, owned = own_axes(ax)
    sites_panel(ax, results, colours, lang)
    ax.set_title(tr("Radio sites by generation (stacked)", lang))
    handles, labels = ax.get_legend_handles_labels()
    place_legend(ax, owned, handles[::-1], labels[::-1])
    finish(ax, owned, results, lang)
    return ax

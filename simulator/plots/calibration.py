"""The figures of a calibration (``jevons calibrate``), from numbers computed elsewhere (they never run
the model):

* :func:`plot_fit_observed` — each observed series with the simulated one at the start values and
  at the fitted values, on a log axis (the fit compares logarithms);
* :func:`plot_fit_residuals` — ln(simulated / observed) at every point, before and after the fit;
* :func:`plot_fit_profiles` — the objective along each parameter, the others held at their fitted
  values.

``meta`` names the source (see :mod:`.ensemble_common`): ``scenario``, ``version``, ``period`` (the
simulated years) and ``notes``. The words are English only: the command has no ``--lang``.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, NullFormatter

from ..display.names import readable_name
from ..display.numbers import plain_number
from ..display.style import OKABE_ITO, SCENARIO_COLOURS, VARIANT_STYLES, scale_for
from .analysis import OBSERVED_STYLE, QUANTITY_NAMES, Compared
from .common import formatter, log_y
from .ensemble_common import check_meta, finish_figure, period_of, require_columns
from .sensitivity import parameter_labels
from .style import FIGSIZE, new_figure, place_legend, with_style

#: The simulated series at the scenario's values (before the fit) and at the fitted values.
START_STYLE: dict[str, Any] = {"color": "#8C8C8C", "linestyle": "--", "linewidth": 1.6}
FITTED_STYLE: dict[str, Any] = dict(VARIANT_STYLES["actual"])
#: An observed point the fit did not use (after ``--until``): hollow.
HELD_OUT_STYLE: dict[str, Any] = {**OBSERVED_STYLE, "color": "white", "markeredgecolor": "#000000",
                                  "markeredgewidth": 1.2}
#: One colour per observed series in the residuals figure.
SERIES_COLOURS = SCENARIO_COLOURS
UNTIL_STYLE: dict[str, Any] = {"color": "#555555", "linestyle": ":", "linewidth": 1.2}
WHAT = "calibration"


def _panels(n: int) -> tuple[int, int]:
    columns = 1 if n == 1 else 2 if n <= 4 else 3
    return math.ceil(n / columns), columns


def _window(item: Compared) -> tuple[float, float]:
    """Years shown for a series: its observed years with a margin, inside the simulated years."""
    low, high = float(item.years.min()), float(item.years.max())
    pad = max(1.0, 0.08 * (high - low))
    return max(low - pad, float(item.times[0])), min(high + pad, float(item.times[-1]))


def _quantity(item: Compared) -> str:
    observation = item.observation
    labels = [v for v in (observation.generation, observation.layer, observation.equipment) if v]
    labels += list(getattr(observation, "services", None) or ())  # a sum over some services
    name = QUANTITY_NAMES.get(observation.variable, observation.variable.replace("_", " ").capitalize())
    return f"{name}, {', '.join(readable_name(n) for n in labels)}" if labels else name


def _log_axis(ax: Axes, values: np.ndarray) -> None:
    """A log y axis; a narrow one (less than a factor 10) with evenly spaced plain ticks."""
    positive = values[np.isfinite(values) & (values > 0)]
    if positive.size and positive.max() / positive.min() > 10:
        log_y(ax, fine_below=30.0)
        return
    ax.set_yscale("log")
    if positive.size:
        ax.set_ylim(positive.min() / 1.08, positive.max() * 1.08)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.yaxis.set_major_formatter(formatter(plain_number, "en"))
    ax.yaxis.set_minor_formatter(NullFormatter())


def _observed_panel(ax: Axes, before: Compared, after: Compared, until: float | None) -> None:
    low, high = _window(after)
    shown = (after.times >= low - 1e-9) & (after.times <= high + 1e-9)
    curves = [c.simulated[shown] for c in (before, after) if c.simulated is not None]
    if after.observation.index_year is not None:
        factor, label = 1.0, f"{_quantity(after)}, index ({after.observation.index_year:g} = 1)"
    else:
        scale = scale_for(after.unit, after.observed, *curves)
        factor, label = scale.factor, scale.label(_quantity(after))
    for item, style in ((before, START_STYLE), (after, FITTED_STYLE)):
        if item.simulated is not None:
            ax.plot(item.times[shown], item.simulated[shown] / factor, **style)
    used = np.ones(len(after.years), dtype=bool) if until is None else after.years <= until + 1e-9
    ax.plot(after.years[used], after.observed[used] / factor, **OBSERVED_STYLE)
    if not used.all():
        ax.plot(after.years[~used], after.observed[~used] / factor, **HELD_OUT_STYLE)
    if until is not None and low <= until <= high:
        ax.axvline(until, **UNTIL_STYLE)
    _log_axis(ax, np.concatenate([after.observed, *curves]) / factor)
    ax.set_xlim(low, high)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 5, 10], integer=True))
    ax.set_xlabel("Year")
    ax.set_ylabel(label, fontsize=9.5)
    ax.set_title(textwrap.fill(readable_name(after.name), 24), fontsize=10.5, loc="left")


@with_style
def plot_fit_observed(before: Sequence[Compared], after: Sequence[Compared], meta: Mapping[str, Any],
                      until: float | None = None) -> Figure:
    """One panel per observed series: the observations (hollow after ``until``: not fitted), the
    simulated series at the scenario's values (dashed grey) and at the fitted values, on a log axis;
    ``before`` and ``after`` are the compared series of :func:`~.analysis.observed_and_simulated`,
    in the same order."""
    check_meta(meta)
    pairs = [(b, a) for b, a in zip(before, after, strict=True) if a.simulated is not None]
    rows, columns = _panels(max(len(pairs), 1))
    fig = new_figure((6.4 if columns < 3 else 7.6, 1.6 + 2.4 * rows if columns > 1 else 4.4))
    axes = np.atleast_1d(fig.subplots(rows, columns, squeeze=False).ravel())
    for ax, (b, a) in zip(axes, pairs, strict=False):
        _observed_panel(ax, b, a, until)
    for spare in axes[len(pairs):]:
        spare.set_axis_off()
    fig.suptitle("Calibration: observed and simulated, before and after the fit", fontweight="bold")
    handles: list[Any] = [Line2D([], [], **OBSERVED_STYLE), Line2D([], [], **START_STYLE),
                          Line2D([], [], **FITTED_STYLE)]
    labels = ["observed (fitted)", "simulated, scenario's values", "simulated, fitted values"]
    if until is not None and any((a.years > until + 1e-9).any() for _, a in pairs):
        handles.insert(1, Line2D([], [], **HELD_OUT_STYLE))
        labels.insert(1, f"observed after {until:g} (not fitted)")
    place_legend(axes[0], True, handles, labels, ncol=2)
    finish_figure(fig, meta, WHAT, "en", period_of(meta))
    return fig


@with_style
def plot_fit_residuals(points: pd.DataFrame, meta: Mapping[str, Any]) -> Figure:
    """ln(simulated / observed) at every observed point, at the scenario's values (left) and at the
    fitted values (right), a colour per series; hollow markers for points not fitted. ``points`` has
    the columns ``series``, ``year``, ``residual_start``, ``residual`` (dimensionless) and ``used``."""
    check_meta(meta)
    require_columns(points, ("series", "year", "residual_start", "residual", "used"), "the points table")
    fig = new_figure(FIGSIZE)
    axes = fig.subplots(1, 2, sharey=True)
    names = list(dict.fromkeys(points["series"]))
    colours = {name: SERIES_COLOURS[i % len(SERIES_COLOURS)] for i, name in enumerate(names)}
    for ax, column, title in ((axes[0], "residual_start", "Scenario's values"), (axes[1], "residual", "Fitted")):
        ax.axhline(0.0, color="#555555", linewidth=0.9, zorder=1)
        for name in names:
            part = points[points["series"] == name]
            used = part["used"].to_numpy(dtype=bool)
            style = {"marker": "o", "markersize": 5.5, "linestyle": "none", "zorder": 3}
            ax.plot(part["year"][used], part[column][used], color=colours[name], markeredgecolor="white",
                    markeredgewidth=0.6, **style)
            if not used.all():
                ax.plot(part["year"][~used], part[column][~used], color="white", markeredgecolor=colours[name],
                        markeredgewidth=1.2, **style)
        ax.set_title(title, fontsize=10.5, loc="left")
        ax.set_xlabel("Year")
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 5, 10], integer=True))
    values = points[["residual_start", "residual"]].to_numpy(dtype=float)
    peak = float(np.nanmax(np.abs(values), initial=0.0))
    axes[0].set_ylim(-1.1 * max(peak, 0.01), 1.1 * max(peak, 0.01))
    axes[0].set_ylabel("ln(simulated / observed) (1)\n0.1 ≈ 10 % above")
    fig.suptitle("Calibration: residuals on log values", fontweight="bold")
    handles: list[Any] = [Line2D([], [], marker="o", linestyle="none", color=colours[n], markeredgecolor="white")
                          for n in names]
    labels = [readable_name(n) for n in names]
    if not points["used"].all():
        handles.append(Line2D([], [], marker="o", linestyle="none", color="white", markeredgecolor="#555555"))
        labels.append("not fitted (after --until)")
    place_legend(axes[0], True, handles, labels, ncol=min(len(handles), 3))
    finish_figure(fig, meta, WHAT, "en", period_of(meta))
    return fig


@with_style
def plot_fit_profiles(profiles: pd.DataFrame, fitted: pd.DataFrame, meta: Mapping[str, Any],
                      threshold: float | None = None) -> Figure:
    """The objective (weighted sum of squared log residuals, dimensionless) along each parameter,
    the others held at their fitted values (a slice, not re-optimised: narrower than a profile
    likelihood when parameters are correlated). ``profiles``: columns ``parameter``, ``value`` (its
    unit), ``ssr``; ``fitted``: ``parameter``, ``unit``, ``value``, ``se``, ``start``; ``threshold``:
    the objective 95 % of the time below under the linear approximation (SSR + 3.84 σ²)."""
    check_meta(meta)
    require_columns(profiles, ("parameter", "value", "ssr"), "the profiles table")
    require_columns(fitted, ("parameter", "unit", "value", "se", "start"), "the fitted table")
    keys = list(fitted["parameter"])
    rows, columns = _panels(max(len(keys), 1))
    fig = new_figure((6.4 if columns < 3 else 7.6, 1.9 + 2.5 * rows if columns > 1 else 4.4))
    axes = np.atleast_1d(fig.subplots(rows, columns, squeeze=False).ravel())
    short = parameter_labels(keys, meta, "en", width=36 if columns == 1 else 30)
    starts_shown = False
    for ax, row in zip(axes, fitted.itertuples(index=False), strict=False):
        part = profiles[profiles["parameter"] == row.parameter]
        scale = scale_for(str(row.unit), part["value"].to_numpy(dtype=float))
        values = scale(part["value"].to_numpy(dtype=float))
        ax.plot(values, part["ssr"], color=OKABE_ITO["blue"], linewidth=2.0, zorder=3)
        if math.isfinite(row.se) and row.se > 0:
            ax.axvspan(scale(row.value - 1.959964 * row.se), scale(row.value + 1.959964 * row.se),
                       color=OKABE_ITO["sky_blue"], alpha=0.25, linewidth=0, zorder=1)
        ax.axvline(scale(row.value), color=VARIANT_STYLES["actual"]["color"], linewidth=1.4, zorder=2)
        if values.min() <= scale(row.start) <= values.max():
            ax.axvline(scale(row.start), **START_STYLE, zorder=2)
            starts_shown = True
        if threshold is not None and math.isfinite(threshold):
            ax.axhline(threshold, color="#555555", linestyle=":", linewidth=1.1, zorder=2)
        ax.set_xlim(values.min(), values.max())
        ax.set_xlabel(scale.unit if scale.unit not in ("", "1") else "dimensionless", fontsize=9.5)
        ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
        ax.xaxis.set_major_formatter(formatter(plain_number, "en"))
        ax.set_ylabel("Objective (1)", fontsize=9.5)
        ax.set_ylim(bottom=0)
        ax.set_title(short[row.parameter], fontsize=10.5, loc="left")
    for spare in axes[len(keys):]:
        spare.set_axis_off()
    fig.suptitle("Calibration: the objective along each parameter, the others at their fitted values "
                 "(not re-optimised)", fontweight="bold")
    handles: list[Any] = [Line2D([], [], color=OKABE_ITO["blue"], linewidth=2.0),
                          Line2D([], [], color=VARIANT_STYLES["actual"]["color"], linewidth=1.4),
                          ]
    labels = ["weighted sum of squared log residuals", "fitted value"]
    if any(math.isfinite(se) and se > 0 for se in fitted["se"]):
        handles.append(Patch(color=OKABE_ITO["sky_blue"], alpha=0.25))
        labels.append("95 % interval (±1.96 se)")
    if starts_shown:
        handles.append(Line2D([], [], **START_STYLE))
        labels.append("scenario's value")
    if threshold is not None and math.isfinite(threshold):
        handles.append(Line2D([], [], color="#555555", linestyle=":", linewidth=1.1))
        labels.append("minimum + 3.84 σ² (95 %, one parameter)")
    place_legend(axes[0], True, handles, labels, ncol=2)
    finish_figure(fig, meta, WHAT, "en", period_of(meta))
    return fig


__all__ = ["plot_fit_observed", "plot_fit_profiles", "plot_fit_residuals"]

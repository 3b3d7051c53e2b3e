"""Figures of a comparison: every scenario on the same axes, ``plot_compare_x(comparison,
ax=None, lang="en") -> Axes``.

They read a :class:`~simulator.compare.Comparison` (runs restricted to their common years,
labelled by scenario name, the first being the reference). A scenario keeps its colour and
line style in every figure; a generation keeps its colour in every panel (colours by launch
order over all the scenarios shown). Under each figure: the comparison's notes, if any, and
a source line naming the scenarios. Figures over time shade each calendar year of the
comparison's answers by year (:attr:`~simulator.compare.Comparison.years`), mark each
scenario's mean over that year, and draw a dashed line where their cumulative totals start.
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .. import rebound as measures
from ..compare import Comparison, year_span, year_values
from ..display.i18n import data_name, note_text, tr
from ..display.names import display_name, scenario_titles
from ..display.numbers import percent_text, signed_percent, three_figures
from ..display.style import (
    MEASURE_NAMES,
    PHASE_COLOURS,
    PHASE_NAMES,
    comparison_source_text,
    generation_colours,
    scale_for,
    scenario_style,
)
from ..results import NOT_ASSESSED, Results
from ..scenario.schema import PHASES
from .common import year_axis
from .figures import category_name, not_assessed_text, rate_limits, shade_backfire, sites_panel
from .style import (
    FIGSIZE,
    add_note_text,
    add_source_text,
    fit_titles,
    localise_figure,
    localise_ticks,
    new_figure,
    own_axes,
    place_legend,
    root_figure,
    with_style,
)

#: French of the texts of the figures by year and of attributions (:mod:`.attribution`), read by :func:`say`
#: beside display.i18n's table.


def _finish(ax: Axes, owned: bool, comparison: Comparison, lang: str) -> None:
    """Ticks in ``lang``; when the figure is ours, the notes and the source line."""
    if not owned:
        localise_ticks(ax, lang)
        return
    fig = root_figure(ax)
    localise_figure(fig, lang)
    fit_titles(fig)
    add_comparison_footer(fig, comparison, lang)


def add_comparison_footer(fig: Figure, comparison: Comparison, lang: str = "en") -> None:
    """The comparison's notes (if any) and its source line under ``fig``."""
    for text in comparison.figure_notes:
        add_note_text(fig, tr("Note: {text}", lang, text=note_text(text, lang)))
    add_source_text(fig, comparison_source_text(comparison.labels, comparison.runs[0].version,
                                                comparison.start, comparison.end, lang))


#: Characters of a legend entry per line: scenario titles are sentences.
LEGEND_WIDTH = 60


def titles(comparison: Comparison, lang: str = "en") -> list[str]:
    """What the figures call each scenario of ``comparison``: its title in ``lang``
    (:func:`~simulator.display.names.scenario_titles`); the source line keeps the names."""
    return scenario_titles([run.scenario for run in comparison.runs], lang, comparison.labels)


def _versus(comparison: Comparison, i: int, totals: list[float], lang: str) -> str:
    """``label`` for the reference, ``label (+12 % vs reference)`` for the others (the label alone
    where the reference's total is 0 or not a number, or the two differ in scope: ``totals[i]`` NaN)."""
    names = titles(comparison, lang)
    label = names[i]
    if i == 0 or totals[0] == 0 or not (np.isfinite(totals[0]) and np.isfinite(totals[i])):
        return textwrap.fill(label, LEGEND_WIDTH, break_on_hyphens=False)
    value = signed_percent(totals[i] / totals[0] - 1, lang)
    return textwrap.fill(f"{label} ({tr('{value} vs {reference}', lang, value=value, reference=names[0])})",
                         LEGEND_WIDTH, break_on_hyphens=False)


def _lines(ax: Axes, comparison: Comparison, variable: str, quantity: str, lang: str, **labels: str) -> None:
    """One line per scenario of the actual run's ``variable``, labelled with its cumulative
    difference to the reference (none between totals of different scope), and the marks of the
    comparison's years (:func:`_mark_years`)."""
    runs = comparison.runs
    values = [run.array(variable, **labels) for run in runs]
    scale = scale_for(runs[0].unit(variable, **labels), *values, lang=lang)
    scope = runs[0].note(variable, **labels)
    totals = [run.total(variable, **labels) if run.note(variable, **labels) == scope else np.nan for run in runs]
    for i, (run, v) in enumerate(zip(runs, values, strict=True)):
        ax.plot(run.times, scale(v), label=_versus(comparison, i, totals, lang), **scenario_style(i))
    ax.set_ylim(bottom=0)
    ax.set_ylabel(scale.label(tr(quantity, lang)))
    year_axis(ax, runs[0].times, lang)
    _mark_years(ax, comparison, values, scale, lang)


def _mark_years(ax: Axes, comparison: Comparison, values: list[np.ndarray], scale: Any, lang: str) -> None:
    """Each calendar year of ``comparison.years`` shaded, its number on top, and a dot per scenario
    at its mean over the year's steps (what the table's ``calendar_year_mean`` says); a dashed
    line at ``comparison.since``, where the ``cumulative_since`` totals start."""
    if not comparison.years:
        return
    top = ax.get_ylim()[1] * 1.1  # room for the years' numbers above the curves
    for year in comparison.years:
        low, high = year_span(year, float(comparison.runs[0].times[-1]))
        ax.axvspan(low, high, color="#bbbbbb", alpha=0.45, linewidth=0, zorder=0)
        ax.text(low + 0.5, 0.985, f"{year:g}", transform=ax.get_xaxis_transform(), ha="center", va="top",
                fontsize=9, color="#333333")
        for i, (run, v) in enumerate(zip(comparison.runs, values, strict=True)):
            mean, _ = year_values(run.times, run.dt, v, year, run.times[0])
            ax.plot([low + 0.5], [scale(mean)], marker="o", markersize=5, linestyle="none",
                    color=scenario_style(i)["color"], markeredgecolor="white", zorder=5)
    if comparison.since is not None and comparison.since > comparison.start:
        ax.axvline(comparison.since, color="#555555", linestyle="--", linewidth=1.0, zorder=1)
        ax.text(comparison.since, 0.02, " " + tr("totals from {year}", lang, year=f"{comparison.since:g}"),
                transform=ax.get_xaxis_transform(), ha="left", va="bottom", fontsize=9, color="#333333")
    ax.set_ylim(top=top)


@with_style
def plot_compare_energy(comparison: Comparison, ax: Axes | None = None, lang: str = "en") -> Axes:
    """Energy use (actual runs) of every scenario over the common years."""
    ax, owned = own_axes(ax)
    _lines(ax, comparison, "energy", "Energy", lang)
    ax.set_title(tr("Energy use by scenario", lang))
    place_legend(ax, owned, ncol=2)
    _finish(ax, owned, comparison, lang)
    return ax


@with_style
def plot_compare_climate_over_time(comparison: Comparison, ax: Axes | None = None, lang: str = "en") -> Axes:
    """Climate change per year (actual runs, every life-cycle phase assessed) of every scenario over the
    common years; a scenario that does not assess it draws no line, and one whose total leaves out
    a phase the reference has gets no percentage."""
    ax, owned = own_axes(ax)
    _lines(ax, comparison, "impact", "Climate change", lang, category="climate_change")
    scopes = [not_assessed_text(run, "climate_change", lang) for run in comparison.runs]
    legend = ax.get_legend_handles_labels()
    for line, text, scope in zip(*legend, scopes, strict=False):
        if scope != scopes[0]:
            line.set_label(f"{text} ({scope or tr('every phase', lang)})")
    ax.set_title(tr("Climate change by scenario", lang) + (f" ({scopes[0]})" if scopes[0] else ""))
    place_legend(ax, owned, ncol=2)
    _finish(ax, owned, comparison, lang)
    return ax


@with_style
def plot_compare_traffic(comparison: Comparison, ax: Axes | None = None, lang: str = "en") -> Axes:
    """Traffic (actual runs) of every scenario over the common years."""
    ax, owned = own_axes(ax)
    _lines(ax, comparison, "traffic", "Traffic", lang)
    ax.set_title(tr("Traffic by scenario", lang))
    place_legend(ax, owned, ncol=2)
    _finish(ax, owned, comparison, lang)
    return ax


@with_style
def plot_compare_rebound(comparison: Comparison, ax: Axes | None = None, lang: str = "en") -> Axes:
    """The energy rebound R(t) of every scenario (%), each by its headline measure
    (:func:`simulator.rebound.headline`: against start-year technology where that is meaningful,
    else of the efficiency gained over the window), with the 0 % and 100 % lines; scenarios
    without a rebound (forced traffic) are named in the plot."""
    ax, owned = own_axes(ax)
    curves = []
    missing = []
    for i, run in enumerate(comparison.runs):
        if not run.has_rebound:
            missing.append(titles(comparison, lang)[i])
            continue
        measure, whole, (a, b) = measures.headline(run, "energy")
        r = 100.0 * (measures.window(run, "energy") if measure == "window" else run.rebound("energy"))
        curves.append(r)
        label = textwrap.fill(tr("{label} ({measure}, {period}: {value})", lang, label=titles(comparison, lang)[i],
                                 measure=tr(MEASURE_NAMES[measure], lang), period=f"{a:g}–{b:g}",
                                 value=percent_text(whole, lang)), LEGEND_WIDTH, break_on_hyphens=False)
        ax.plot(run.times, r, label=label, **scenario_style(i))
    low, high = rate_limits(*curves)
    ax.set_ylim(low, high)
    shade_backfire(ax, high)
    ax.text(0.99, (100.0 - low) / (high - low) + 0.01, tr("backfire above 100 %", lang),
            transform=ax.transAxes, ha="right", va="bottom", fontsize=9.5, color="#333333")
    if missing:
        ax.text(0.99, 0.03, "\n".join(tr("{label}: rebound not defined", lang, label=m)
                                      for m in missing),
                transform=ax.transAxes, ha="right", va="bottom", fontsize=9, color="#555555")
    ax.set_ylabel(tr("Rebound R (%)", lang))
    ax.set_title(tr("Rebound R(t) by scenario", lang))
    year_axis(ax, comparison.runs[0].times, lang)
    place_legend(ax, owned, ncol=2)
    _finish(ax, owned, comparison, lang)
    return ax


def climate_by_phase(comparison: Comparison) -> list[dict[str, float]]:
    """Cumulative climate change (kg CO2e) of each scenario's actual run by phase; NaN for a phase
    the scenario does not assess."""
    return [{ph: run.total("impact", category="climate_change", phase=ph) for ph in PHASES}
            for run in comparison.runs]


@with_style
def plot_compare_climate(comparison: Comparison, ax: Axes | None = None, lang: str = "en") -> Axes:
    """Cumulative climate change over the common years, one bar per scenario stacked by
    life-cycle phase, with its total and its difference to the reference. Phases a scenario
    does not assess are not drawn, and its label says what its total leaves out; a difference
    between totals of different scope is not given."""
    ax, owned = own_axes(ax)
    phases = climate_by_phase(comparison)
    totals = [float(np.nansum(list(p.values()))) for p in phases]
    scopes = [not_assessed_text(run, "climate_change", lang) for run in comparison.runs]
    assessed = [run.note("impact", category="climate_change") != NOT_ASSESSED for run in comparison.runs]
    unit = comparison.runs[0].unit("impact", category="climate_change").removesuffix("/yr")
    scale = scale_for(unit, *totals, lang=lang)
    x = np.arange(len(phases))
    bottom = np.zeros(len(phases))
    for ph in PHASES:
        values = np.nan_to_num(scale(np.array([p[ph] for p in phases])))
        ax.bar(x, values, bottom=bottom, width=0.6, color=PHASE_COLOURS[ph],
               label=tr(PHASE_NAMES[ph], lang), edgecolor="white", linewidth=0.6)
        bottom += values
    for i, total in enumerate(totals):
        if not assessed[i]:
            ax.text(i, 0.0, tr("not assessed", lang), ha="center", va="bottom", fontsize=9.5, color="#555555")
            continue
        text = three_figures(float(scale(total)), lang)
        if i > 0 and totals[0] > 0 and scopes[i] == scopes[0]:
            text += f"\n({signed_percent(total / totals[0] - 1, lang)})"
        ax.text(i, float(scale(total)), text, ha="center", va="bottom", fontsize=9.5)
    names = [f"{label}\n{textwrap.fill(f'({scope})', 20)}" if scope and ok else label
             for label, scope, ok in zip(titles(comparison, lang), scopes, assessed, strict=True)]
    ax.set_xticks(x, names, rotation=0 if len(x) <= 3 else 20,
                  ha="center" if len(x) <= 3 else "right")
    ax.set_xlim(-0.6, len(x) - 0.4)
    ax.set_ylim(0, 1.2 * float(scale(max(totals))) if max(totals) > 0 else 1.0)
    ax.grid(axis="x", visible=False)
    ax.set_ylabel(scale.label(category_name("climate_change", lang)))
    ax.set_title(tr("Cumulative climate change {period} by life-cycle phase", lang,
                    period=f"{comparison.start:g}–{comparison.end:g}"))
    handles, labels = ax.get_legend_handles_labels()
    place_legend(ax, owned, handles, labels, ncol=3)
    _finish(ax, owned, comparison, lang)
    return ax


def sites_colours(comparison: Comparison) -> dict[str, str]:
    """Colour of each generation that has sites in some run: by launch order over all runs, so
    that a generation looks the same in every panel."""
    drawn = {g for run in comparison.runs for g in run.labels("sites", "generation")
             if bool(np.any(run.array("sites", generation=g) != 0))}
    return generation_colours(*(run.scenario for run in comparison.runs), only=drawn)


def _total_sites(run: Results) -> np.ndarray:
    names = run.labels("sites", "generation")
    return sum((run.array("sites", generation=g) for g in names), np.zeros_like(run.times))


@with_style
def plot_compare_sites(comparison: Comparison, ax: Axes | None = None, lang: str = "en") -> Axes:
    """Sites by generation, stacked, one panel per scenario on a shared y axis; a generation has
    the same colour in every panel. With ``ax`` given, the reference scenario only. Returns
    the first panel."""
    colours = sites_colours(comparison)
    everything = np.concatenate([_total_sites(run) for run in comparison.runs])
    if ax is not None:
        sites_panel(ax, comparison.runs[0], colours, lang, scale_values=everything)
        ax.set_title(titles(comparison, lang)[0])
        handles, labels = ax.get_legend_handles_labels()
        place_legend(ax, False, handles[::-1], labels[::-1])
        localise_ticks(ax, lang)
        return ax
    n = len(comparison.runs)
    columns = min(n, 3)
    rows = math.ceil(n / columns)
    fig = new_figure((FIGSIZE[0], 1.6 + 2.4 * rows))
    axes = fig.subplots(rows, columns, sharex=True, sharey=True, squeeze=False).ravel()
    seen: dict[str, Any] = {}
    for i, (panel, run) in enumerate(zip(axes, comparison.runs, strict=False)):
        sites_panel(panel, run, colours, lang, scale_values=everything, shared=True)
        panel.set_title(textwrap.fill(titles(comparison, lang)[i], 54 // columns, break_on_hyphens=False),
                        fontsize=10.5)
        if i % columns:
            panel.set_ylabel("")
        if i < n - columns:
            panel.set_xlabel("")
        else:
            panel.tick_params(axis="x", labelbottom=True)  # nothing below it: it shows the years
        handles, labels = panel.get_legend_handles_labels()
        for h, label in zip(handles, labels, strict=True):
            seen.setdefault(label, h)
    for spare in axes[n:]:
        spare.set_axis_off()
    peak = float(np.nanmax(everything, initial=0.0))
    if peak > 0:
        scale = scale_for("site", everything)  # the unit of sites_panel
        axes[0].set_ylim(0, 1.05 * float(scale(peak)))  # shared: every panel on the same scale
    else:
        axes[0].set_yticks([])  # no sites anywhere: no scale to read
    # Legend: every generation drawn in any panel (colours are in launch order), newest first,
    # as the stacks read.
    scenarios = [run.scenario for run in comparison.runs]
    shown = {g: next((display_name(s, "generation", g, lang) for s in scenarios if g in s.generations),
                     data_name(g, lang)) for g in colours}
    names = [shown[g] for g in colours if shown[g] in seen][::-1]
    fig.suptitle(tr("Radio sites by generation and scenario (stacked)", lang), fontweight="bold")
    place_legend(axes[0], True, [seen[m] for m in names], names)
    _finish(axes[0], True, comparison, lang)
    return axes[0]


#: Every figure of a comparison, by stable file stem.
COMPARISON_FIGURES = {
    "compare_energy": plot_compare_energy,
    "compare_climate": plot_compare_climate,
    "compare_traffic": plot_compare_traffic,
    "compare_rebound": plot_compare_rebound,
    "compare_sites": plot_compare_sites,
    "compare_climate_over_time": plot_compare_climate_over_time,
}

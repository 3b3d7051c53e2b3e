"""The figure of an attribution: each measure's Shapley share of a scenario's difference to its parent.

``plot_attribution(attribution, ax=None, lang="en") -> Axes`` draws, for energy and climate change
side by side, one horizontal bar per measure (its Shapley share, with its sampling error when the
shares were sampled), a diamond at what the measure does alone, and a last bar for all measures
together (the difference to the parent), whose label gives the interaction term. Every bar says
its value and its share of the difference. Under the figure: what the shares are, and the source
line. It reads :class:`~simulator.attribution.Attribution` only.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Annotation

from ..attribution import ALL, Attribution, Measure
from ..compare import year_span
from ..display.i18n import check_lang, number, percent, tr
from ..display.names import display_name, parameter_name, scenario_titles
from ..display.numbers import three_figures
from ..display.style import SHORT_PHASE_NAMES, comparison_source_text, scale_for
from ..errors import UsageError
from ..scenario.schema import Scenario
from ..version import __version__
from .figures import category_name
from .output import check_formats, save_figure
from .style import (
    FIGSIZE,
    add_note_text,
    add_source_text,
    fit_titles,
    localise_figure,
    localise_ticks,
    new_figure,
    place_legend,
    root_figure,
    with_style,
)

CUT, ADD, TOTAL = "#2a9d8f", "#d1495b", "#3d3d3d"
#: Effects smaller than this fraction of the largest one drawn are shown as "no effect": differences between
#: runs at the level of floating-point rounding (~1e-9 of the value), not effects of a measure.
NOISE = 1e-6


def _panel(ax: Axes, attribution: Attribution, quantity: str, statistic: str, period: str, lang: str,
           names: bool) -> None:
    t = attribution.table
    rows = t[(t.quantity == quantity) & (t.statistic == statistic) & (t.period == period)]
    measures, total = rows[rows.measure != ALL], rows[rows.measure == ALL].iloc[0]
    word = category_name(quantity, lang) if quantity not in ("energy", "traffic") else tr(quantity.capitalize(), lang)
    if not np.isfinite(total.shapley):
        ax.text(0.5, 0.5, tr("{quantity}: {note}", lang, quantity=word, note=total.note), transform=ax.transAxes,
                ha="center", va="center", color="#555555")
        ax.set_axis_off()
        return
    values = np.array([*measures.shapley, total.shapley])
    alone = measures.alone.to_numpy()
    scale = scale_for(str(total.unit), values, alone, lang=lang)
    shown, shown_alone = scale(values), scale(alone)
    tiny = NOISE * float(np.max(np.abs([*shown, *shown_alone])))
    effect = (np.abs(shown[:-1]) > tiny) | (np.abs(shown_alone) > tiny)
    shown = np.where(np.abs(shown) > tiny, shown, 0.0)
    y = np.arange(len(values))[::-1]
    colours = [CUT if v < 0 else ADD for v in measures.shapley] + [TOTAL]
    errors = np.array([*measures.standard_error, 0.0])
    ax.barh(y, shown, color=colours, height=0.62,
            xerr=scale(errors) if np.any(errors > 0) else None, error_kw={"ecolor": "#222222", "capsize": 3})
    ax.plot(shown_alone[effect], y[:-1][effect], linestyle="none", marker="D", markersize=5,
            markerfacecolor="white", markeredgecolor="#222222", zorder=4)
    ax.axvline(0.0, color="#222222", linewidth=0.8)
    ends = np.array([*np.where(np.abs(shown_alone) > np.abs(shown[:-1]), shown_alone, shown[:-1]), shown[-1]])
    low, high = float(np.min(ends, initial=0.0)), float(np.max(ends, initial=0.0))
    span = (high - low) or 1.0
    interaction = float(scale(total.interaction)) if abs(float(scale(total.interaction))) > tiny else 0.0
    for i, (yi, v, end, pct) in enumerate(zip(y, shown, ends, [*measures.share_pct, 100.0], strict=True)):
        last = i == len(y) - 1
        if not last and not effect[i]:
            ax.annotate(tr("no effect", lang), (0.0, yi), xytext=(6, 0), textcoords="offset points", va="center",
                        ha="left", fontsize=8.5, color="#555555")
            continue
        text = three_figures(float(v), lang) + (
            "\n" + tr("interaction {value}", lang, value=("+" if interaction > 0 else "") +
                       three_figures(interaction, lang)) if last else f" ({percent(float(pct) / 100, lang, '.3g')})")
        inside = abs(v) > 0.7 * span  # room inside the bar for its label
        side = (1 if v >= 0 else -1) * (-1 if inside else 1)
        ax.annotate(text, (v if inside else end, yi), xytext=((8 if inside else 7) * side, 0),
                    textcoords="offset points", va="center", fontsize=8.5, ha="left" if side > 0 else "right",
                    color="white" if inside else "#222222")
    ax.set_xlim(low - 0.1 * span if low < 0 else -0.05 * span, high + 0.1 * span if high > 0 else 0.1 * span)
    named = {m.path: m for m in attribution.measures}
    scenario = attribution.pair[1] if attribution.pair is not None else None
    labels = [textwrap.fill(measure_label(named[path], lang, scenario), 26) for path in measures.measure]
    labels.append(tr("all measures", lang))
    if names:
        ax.set_yticks(y, labels, fontsize=9)
    else:
        ax.tick_params(axis="y", labelleft=False)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(textwrap.fill(scale.label(tr("difference to {parent}", lang, parent=_titles(attribution, lang)[0])),
                                36))
    if str(total.note).startswith("partial: "):  # the category's totals leave phases out: say which
        phases = str(total.note).removeprefix("partial: ").removesuffix(" not assessed").split(", ")
        word += "\n(" + tr("excl. {phases}", lang, phases=tr(" and ", lang).join(
            tr(SHORT_PHASE_NAMES[ph], lang) for ph in phases if ph in SHORT_PHASE_NAMES)) + ")"
    ax.set_title(word, fontsize=11)


def _titles(attribution: Attribution, lang: str) -> list[str]:
    """What the figure calls the parent and the scenario: their titles in ``lang`` (their names without the pair)."""
    if attribution.pair is None:
        return [attribution.parent, attribution.scenario]
    return scenario_titles(list(attribution.pair), lang, [attribution.parent, attribution.scenario])


#: Sections whose entries a ``value`` measure may change whole, and the kind of entity they hold.
_ENTITY_SECTIONS = {"generations": "generation", "layers": "layer", "devices": "device", "equipment": "equipment",
                    "services": "service", "workloads": "workload"}


def measure_label(measure: Measure, lang: str = "en", scenario: Scenario | None = None) -> str:
    """A measure in words for a figure: a policy said in ``lang`` (``durée de vie Smartphone 4 ans dès 2025``), a
    changed entity by its name (``5G (changed)``), a changed value by its name (``Carbon intensity of electricity``);
    names are the scenario's labels when ``scenario`` is given."""
    if measure.kind == "value":
        keys = measure.keys or tuple(measure.path.split("."))
        if len(keys) >= 2 and keys[-2] in _ENTITY_SECTIONS:
            name = display_name(scenario, _ENTITY_SECTIONS[keys[-2]], keys[-1], lang)
            return tr("{name} (changed)", lang, name=name)
        return parameter_name(".".join(keys), lang, scenario)
    q = measure.value
    year = number(q.at, "g", lang)
    if q.type == "switch_off":
        text = tr("{generation} switched off in {year}", lang,
                  generation=display_name(scenario, "generation", q.generation, lang), year=year)
    elif q.type == "lifetime":
        text = tr("{equipment} lifetime {years} yr from {year}", lang,
                  equipment=display_name(scenario, "equipment", q.equipment, lang),
                  years=number(q.lifetime, "g", lang), year=year)
    elif q.type == "traffic_scale" and q.services:
        text = tr("{services} traffic ×{factor} from {year}", lang,
                   services=", ".join(display_name(scenario, "service", n, lang) for n in q.services),
                   factor=number(q.factor, "g", lang), year=year)
    elif q.type == "traffic_scale":
        text = tr("traffic ×{factor} from {year}", lang, factor=number(q.factor, "g", lang), year=year)
    elif q.type == "surcharge":
        text = tr("surcharge {rate} on the price of a GB from {year}", lang,
                   rate=("+" if q.rate >= 0 else "") + percent(q.rate, lang, "g"), year=year)
    elif q.type == "grid":
        text = tr("grid {category} ×{factor} from {year}", lang, category=category_name(q.category, lang).lower(),
                   factor=number(q.factor, "g", lang), year=year)
    else:
        text = measure.name
    return text if measure.kind == "policy added" else tr("no {measure}", lang, measure=text)


@with_style
def plot_attribution(attribution: Attribution, ax: Axes | None = None, lang: str = "en",
                     statistic: str = "cumulative", year: int | None = None,
                     quantities: tuple[str, ...] = ("energy", "climate_change")) -> Axes:
    """Shapley shares of each measure (see the module's docstring) of ``statistic`` (``cumulative`` over the
    horizon, or with ``year`` ``cumulative_since`` or ``calendar_year_mean``), one panel per quantity; with
    ``ax`` given, the first quantity only, in it. Returns the first panel."""
    t = attribution.table
    if year is None:
        periods = t[t.statistic == statistic].period.unique()
    else:
        low, high = year_span(year, attribution.end)
        periods = [p for p in t[t.statistic == statistic].period.unique()
                   if (statistic == "calendar_year_mean" and p == f"{low:g}-{high:g}")
                   or (statistic != "calendar_year_mean" and p.endswith(f"-{high:g}"))]
    if len(periods) != 1:
        listed = ", ".join(map(str, attribution.years)) or "none"
        raise UsageError(f"found {len(periods)} periods of {statistic!r} for year {year}, expected one: a year of "
                         f"the attribution ({listed}), or none for the horizon")
    period = str(periods[0])
    if ax is not None:
        _panel(ax, attribution, quantities[0], statistic, period, lang, True)
        localise_ticks(ax, lang)
        _fit_labels(ax)
        return ax
    n = len(attribution.measures) + 1
    fig = new_figure((FIGSIZE[0] * 1.25, 2.6 + 0.42 * n))
    axes = fig.subplots(1, len(quantities), sharey=True, squeeze=False).ravel()
    for i, (panel, quantity) in enumerate(zip(axes, quantities, strict=True)):
        _panel(panel, attribution, quantity, statistic, period, lang, i == 0)
    first, end = (float(x) for x in period.split("-"))
    what = {"cumulative": tr("cumulative {start}–{end}", lang, start=f"{first:g}", end=f"{end:g}"),
            "cumulative_since": tr("cumulative from {start} to the end of {year}", lang, start=f"{first:g}",
                                   year=year),
            "calendar_year_mean": tr("per year in {year}", lang, year=year)}[statistic]
    fig.suptitle(tr("What each measure of '{scenario}' contributes ({what}, Shapley values)", lang,
                    scenario=_titles(attribution, lang)[1], what=what), fontweight="bold")
    t = attribution.table
    drawn = t[(t.statistic == statistic) & (t.period == period) & t.quantity.isin(quantities) & (t.measure != ALL)]
    big = NOISE * float(drawn.shapley.abs().max()) if len(drawn) else 0.0
    handles = [*([Patch(color=CUT, label=tr("cuts", lang))] if (drawn.shapley < -big).any() else []),
               *([Patch(color=ADD, label=tr("adds", lang))] if (drawn.shapley > big).any() else []),
               Patch(color=TOTAL, label=tr("all measures: the difference", lang)),
               Line2D([], [], linestyle="none", marker="D", markerfacecolor="white", markeredgecolor="#222222",
                      label=tr("the measure alone", lang))]
    place_legend(axes[0], True, handles, [str(h.get_label()) for h in handles], ncol=4)
    localise_figure(fig, lang)
    fit_titles(fig)
    method = (tr("exact Shapley values: each of the {runs} combinations of the {n} measures run", lang,
                 n=len(attribution.measures), runs=attribution.runs) if attribution.method == "exact" else
              tr("Shapley values sampled over {k} random orders of the {n} measures ({runs} runs), bars ± 1 "
                 "standard error", lang, k=attribution.permutations, n=len(attribution.measures),
                 runs=attribution.runs))
    add_note_text(fig, tr("Note: {method}; each measure's bar is its average effect over every order of "
                          "introducing the measures, and the bars add up to the difference; interaction = "
                          "difference − sum of the effects alone", lang, method=method))
    add_source_text(fig, comparison_source_text([attribution.parent, attribution.scenario], __version__,
                                                attribution.start, attribution.end, lang))
    _fit_labels(*axes)
    return axes[0]


def _fit_labels(*axes: Axes) -> None:
    """Widen each x axis until every label placed beside a bar (its value, "no effect") lies inside it, with a
    margin: how wide a label is in data units depends on the axis range and the figure's layout."""
    fig = root_figure(axes[0])
    for _ in range(8):
        fig.canvas.draw()  # the final layout: the axes' size in pixels
        renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
        changed = False
        for ax in axes:
            texts = [t for t in ax.texts if isinstance(t, Annotation)]
            if not texts:
                continue
            to_data = ax.transData.inverted()
            xs = [x for t in texts for x in to_data.transform(t.get_window_extent(renderer).get_points())[:, 0]]
            low, high = ax.get_xlim()
            pad = 0.03 * (high - low)
            if min(xs) < low or max(xs) > high:
                ax.set_xlim(min(low, min(xs) - pad), max(high, max(xs) + pad))
                changed = True
        if not changed:
            return


def attribution_figures(attribution: Attribution) -> dict[str, tuple[str, int | None]]:
    """Stem → (statistic, year) of every figure of an attribution: over the horizon, and per listed year the
    total from ``since`` to its end."""
    figures: dict[str, tuple[str, int | None]] = {"attribution": ("cumulative", None)}
    for year in attribution.years:
        figures[f"attribution_{year}"] = ("cumulative_since", year)
    return figures


def save_attribution(attribution: Attribution, folder: str | os.PathLike[str], formats: Iterable[str] = ("png",),
                     dpi: int = 300, lang: str = "en") -> list[Path]:
    """Draw the figures of :func:`attribution_figures` in ``lang`` and write each as ``<stem>.<fmt>`` in ``folder``."""
    chosen = check_formats(formats)
    check_lang(lang)
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for stem, (statistic, year) in attribution_figures(attribution).items():
        fig = root_figure(plot_attribution(attribution, lang=lang, statistic=statistic, year=year))
        written += save_figure(fig, path, stem, chosen, dpi)
        fig.clear()
    return written

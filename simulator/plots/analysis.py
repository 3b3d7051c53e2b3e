"""Figures that explain a run: contributions and validation (the decomposition of the change
is in :mod:`simulator.plots.measures`).

* ``contributions`` — which services, generations/layers/devices and equipment the
  cumulative impacts of each category come from (shares, from ``Results.contributions()``);
* ``validation`` — the simulated series against the scenario's observations, one panel per
  quantity observed (:func:`quantities`), the sources listed under the figure.

The data each figure draws is computed by a public function (:func:`contribution_shares`,
:func:`observed_and_simulated`, :func:`quantities`) so that tests check what is drawn.
Impacts not assessed are said so ("not assessed", "excl. end of life"), never drawn as 0.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator, FuncFormatter, LogLocator, MaxNLocator
from matplotlib.transforms import blended_transform_factory

from ..display.colours import ITEM_COLOURS, Swatch, run_colours
from ..display.i18n import NBSP, data_name, number, percent, tr
from ..display.names import display_name
from ..display.numbers import plain_number, three_figures
from ..display.style import (
    SOURCE_COLOUR,
    VARIANT_STYLES,
    launch_order,
    results_period,
    scale_for,
)
from ..results import NOT_ASSESSED, Results
from ..scenario.schema import CATEGORIES, Observation
from .common import OTHER_COLOUR, formatter, log_y, note
from .figures import category_name, finish, not_assessed_text
from .parts import PART_NAMES
from .style import (
    FIGSIZE,
    NOTE_GID,
    SOURCE_HEIGHT,
    new_figure,
    own_axes,
    place_legend,
    root_figure,
    row_major,
    with_style,
)

# --- contributions --------------------------------------------------------------------

#: Breakdowns of ``Results.contributions()``, in the order of the panels, with their titles.
BREAKDOWNS = {
    "service": "By service",
    "owner": "By generation, layer and device",
    "equipment": "By equipment, and electricity for the use phase",
}
#: Items below this share (%) in every category are drawn together as "others".
OTHERS_BELOW = 1.0
OTHERS = "others"
NOT_ATTRIBUTED = "not attributed"
FIGSIZE_CONTRIBUTIONS = (6.4, 8.2)
#: Taller, for category labels of three lines (a partial total says what it leaves out).
FIGSIZE_CONTRIBUTIONS_PARTIAL = (6.4, 10.4)


def contribution_shares(results: Results, others_below: float = OTHERS_BELOW) -> dict[str, pd.DataFrame]:
    """Shares (%) of the cumulative actual impact of each category, per breakdown.

    One table per breakdown (``service``, ``owner``, ``equipment``): a row per impact
    category (in :data:`CATEGORIES` order), a column per item, in the order of the bars.
    Items whose share is below ``others_below`` % in every category are summed into
    ``others``; whatever the items leave of the total is ``not attributed``. A row adds
    up to 100 (of a partial total when a phase is not assessed), or is all zero for a
    category that is zero, or not assessed, in the scenario.
    """
    frame = results.contributions()
    categories = list(CATEGORIES)
    tables = {}
    for by in BREAKDOWNS:
        part = frame[frame["by"] == by]
        names = _item_order(results, by, list(dict.fromkeys(part["name"])))
        table = pd.DataFrame(0.0, index=categories, columns=names)
        for row in part.itertuples():
            if np.isfinite(row.share):
                table.loc[row.category, row.name] += 100.0 * row.share
        small = [n for n in names if bool((table[n].abs() < others_below).all())]
        if len(small) > 1:
            table[OTHERS] = table[small].sum(axis=1)
            table = table.drop(columns=small)
        totals = _category_totals(results)
        rest = pd.Series({c: (100.0 - table.loc[c].sum()) if bool(totals[c] > 0) else 0.0
                          for c in categories})
        if bool((rest > 1e-6).any()):
            table[NOT_ATTRIBUTED] = rest.clip(lower=0.0)
        tables[by] = table
    return tables


def _category_totals(results: Results) -> dict[str, float]:
    return {c: results.total("impact", category=c) for c in CATEGORIES}


def _item_order(results: Results, by: str, names: list[str]) -> list[str]:
    """Items in the order of the bars: services as in the scenario then devices; generations by
    launch, then layers, then devices; equipment as in the scenario, then electricity."""
    scenario = results.scenario
    if by == "service":
        order = [*scenario.demand.services, "devices"]
    elif by == "owner":
        gens = launch_order(scenario, list(scenario.generations))
        order = ([f"generation:{g}" for g in gens] + [f"layer:{n}" for n in scenario.layers]
                 + [f"device:{n}" for n in scenario.devices] + [f"workload:{n}" for n in scenario.compute.every])
    else:
        order = [*scenario.equipment, "electricity"]
    rank = {n: i for i, n in enumerate(order)}
    return sorted(names, key=lambda n: (rank.get(n, len(rank)), n))


def contribution_swatches(results: Results, tables: dict[str, pd.DataFrame]) -> dict[str, Swatch]:
    """The swatch of each entity of the contributions figure, keyed by name (``4G`` for the column
    ``generation:4G``): :func:`.colours.figure_colours` over the run's entities (as every figure of the run)
    and those of all the panels, so no two alike in the figure."""
    entities: list[tuple[str, str]] = []
    for by, table in tables.items():
        for column in table.columns:
            if column in (OTHERS, NOT_ATTRIBUTED, "compute") or (by, column) in (("service", "devices"),
                                                                                ("equipment", "electricity")):
                continue
            kind, _, item = column.partition(":") if by == "owner" else (by, "", column)
            entities.append((kind, item))
    return run_colours(results, entities)


def _item_style(results: Results, by: str, name: str, swatches: dict[str, Swatch],
                lang: str) -> tuple[str, str, str | None]:
    """Label, colour and hatch of one item of a breakdown (``swatches``: :func:`contribution_swatches`)."""
    scenario = results.scenario
    if name == OTHERS:
        return (tr("others (< {limit} each)", lang, limit=percent(OTHERS_BELOW / 100, lang)),
                OTHER_COLOUR, None)
    if name == NOT_ATTRIBUTED:
        return tr(NOT_ATTRIBUTED, lang), "#FFFFFF", "///"
    if by in ("service", "owner") and name == "compute":  # compute jobs of data centres (results.contributions)
        return tr("compute jobs", lang), ITEM_COLOURS["compute"], None
    if by == "service":
        if name == "devices":
            tied = any(d.services for d in scenario.devices.values())
            return (tr("devices, use tied to no service" if tied else "devices", lang), ITEM_COLOURS["devices"],
                    None)
        return display_name(scenario, "service", name, lang), *swatches[name][:2]
    if by == "owner":
        kind, _, item = name.partition(":")
        if kind == "generation":
            return display_name(scenario, "generation", item, lang), *swatches[item][:2]
        if kind == "layer":
            return tr("{name} (layer)", lang, name=display_name(scenario, "layer", item, lang)), *swatches[item][:2]
        if kind == "workload":
            return (tr("{name} (compute jobs)", lang, name=display_name(scenario, "workload", item, lang)),
                    *swatches[item][:2])
        return tr("{name} (devices)", lang, name=display_name(scenario, "device", item, lang)), *swatches[item][:2]
    if name == "electricity":
        return tr("electricity", lang), ITEM_COLOURS["electricity"], None
    return display_name(scenario, "equipment", name, lang), *swatches[name][:2]


def _dark(colour: str) -> bool:
    """True for a colour dark enough to carry white text."""
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b < 0.55


def _category_label(results: Results, category: str, lang: str) -> str:
    """``Climate change`` over its cumulative total, e.g. ``9.7 Gt CO₂e``, and what it leaves
    out (``excl. end of life``) when a phase is not assessed."""
    unit = results.unit("impact", category=category).removesuffix("/yr")
    total = results.total("impact", category=category)
    scope = not_assessed_text(results, category, lang)
    if not total > 0:
        return category_name(category, lang)
    scale = scale_for(unit, total, lang=lang)
    label = f"{category_name(category, lang)}\n{three_figures(float(scale(total)), lang)} {scale.unit}"
    return f"{label}\n({scope})" if scope else label


def _contribution_panel(ax: Axes, results: Results, by: str, table: pd.DataFrame, swatches: dict[str, Swatch],
                        lang: str) -> tuple[list[Any], list[str]]:
    """One horizontal stacked bar of shares per category; returns legend handles and labels."""
    rows = np.arange(len(table.index))
    left = np.zeros(len(rows))
    handles, labels = [], []
    for name in table.columns:
        values = table[name].to_numpy()
        label, colour, hatch = _item_style(results, by, name, swatches, lang)
        bars = ax.barh(rows, values, left=left, height=0.66, color=colour, hatch=hatch,
                       edgecolor="white" if hatch is None else "#666666", linewidth=0.6)
        for y, (x0, width) in enumerate(zip(left, values, strict=True)):
            if width >= 8.0:
                ax.text(x0 + width / 2, y, percent(width / 100, lang), ha="center", va="center",
                        fontsize=8.5, color="white" if _dark(colour) and hatch is None else "black")
        if bool((values > 0).any()):
            handles.append(bars)
            labels.append(label)
        left += values
    for y, c in enumerate(table.index):
        if results.note("impact", category=c) == NOT_ASSESSED:
            ax.text(2.0, y, tr("not assessed in this scenario", lang), ha="left", va="center",
                    fontsize=9, color="#555555")
        elif results.total("impact", category=c) <= 0:
            ax.text(2.0, y, tr("zero in this scenario", lang), ha="left", va="center",
                    fontsize=9, color="#555555")
    names = [_category_label(results, c, lang) for c in table.index]
    ax.set_yticks(rows, names, fontsize=9 if max(name.count("\n") for name in names) < 2 else 7.5)
    ax.set_ylim(len(rows) - 0.5, -0.5)  # first category at the top
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_locator(FixedLocator([0, 25, 50, 75, 100]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: percent(v / 100, lang)))
    ax.grid(axis="y", visible=False)
    ax.set_title(tr(BREAKDOWNS[by], lang), fontsize=10.5, loc="left")
    return handles, labels


def _panel_legend(ax: Axes, handles: list[Any], labels: list[str]) -> None:
    """A legend under a panel, centred on the figure, in as many columns as fit its width
    (at most 4), read row by row."""
    if not handles:
        return
    fig = root_figure(ax)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    anchor = blended_transform_factory(fig.transFigure, ax.transAxes)
    for ncol in range(min(len(handles), 4), 0, -1):
        legend = ax.legend(row_major(handles, ncol), row_major(labels, ncol), loc="upper center",
                           bbox_to_anchor=(0.5, -0.1), bbox_transform=anchor, ncol=ncol,
                           fontsize=8.5, handlelength=1.6, columnspacing=1.0, borderaxespad=0.0)
        if ncol == 1 or legend.get_window_extent(renderer).width <= 0.97 * fig.bbox.width:
            break
        legend.remove()


@with_style
def plot_contributions(results: Results, ax: Axes | None = None, lang: str = "en",
                       by: str | None = None) -> Axes:
    """Shares of the cumulative actual impacts of each category, as horizontal stacked bars:
    by service, by generation/layer/device and by equipment (one panel each). With ``ax``
    given, one panel: ``by`` (default ``service``). Returns the first panel."""
    tables = contribution_shares(results)
    swatches = contribution_swatches(results, tables)  # of all three panels, also when one is drawn: the same colours
    if ax is not None or by is not None:
        chosen = by or "service"
        ax, owned = own_axes(ax, (6.4, 3.6))
        handles, labels = _contribution_panel(ax, results, chosen, tables[chosen], swatches, lang)
        ax.set_xlabel(tr("Share of the cumulative impact (%)", lang))
        place_legend(ax, owned, handles, labels)
        finish(ax, owned, results, lang)
        return ax
    partial = any(_category_label(results, c, lang).count("\n") >= 2 for c in CATEGORIES)
    fig = new_figure(FIGSIZE_CONTRIBUTIONS_PARTIAL if partial else FIGSIZE_CONTRIBUTIONS)
    axes = fig.subplots(len(BREAKDOWNS), 1, sharex=True)
    for panel, by_ in zip(axes, BREAKDOWNS, strict=True):
        handles, labels = _contribution_panel(panel, results, by_, tables[by_], swatches, lang)
        panel.tick_params(axis="x", labelbottom=True)
        _panel_legend(panel, handles, labels)
    fig.suptitle(tr("Where the impacts come from: shares of the totals {period}", lang,
                    period=results_period(results)), fontweight="bold")
    finish(axes[0], True, results, lang)
    return axes[0]


# --- validation -------------------------------------------------------------------------

QUANTITY_NAMES = {"traffic": "Traffic", "energy": "Energy",
                  "network_energy": "Network energy (data-centre layers included)", "energy_intensity": "Energy per GB",
                  "sites": "Sites", "users": "Users", "equipment_in_service": "Equipment in service",
                  "price": "Price of a GB", "impact": "Impact"}
OBSERVED_STYLE: dict[str, Any] = {"marker": "o", "markersize": 6.5, "linestyle": "none",
                                  "color": "#000000", "markeredgecolor": "white",
                                  "markeredgewidth": 0.8, "zorder": 4}
#: Marker and colour of each observed series of a panel, in order (Okabe-Ito colours, colour-blind
#: safe, without the vermillion of the simulated curve).
SERIES_MARKERS = ("o", "s", "D", "^", "v", "P")
SERIES_COLOURS = ("#000000", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
#: Years shown each side of a panel's observations (inside the simulated years).
WINDOW_MARGIN = 3.0
#: Height of a row of panels of the validation figure, with its title and year axis (inches).
PANEL_ROW_HEIGHT = 2.4
#: Font size of the list of sources under the validation figure (points).
SOURCES_FONTSIZE = 8.0
#: Above this ratio of the largest to the smallest value shown, a panel's y axis is logarithmic.
LOG_ABOVE = 10.0


@dataclass(frozen=True)
class Compared:
    """An observation and the simulated series it is compared with, in the same terms
    (canonical unit, or an index equal to 1 at ``index_year``); ``simulated`` is None when
    the run has no such series (``missing`` says which)."""

    name: str
    observation: Observation
    years: np.ndarray
    observed: np.ndarray
    times: np.ndarray
    simulated: np.ndarray | None
    unit: str
    missing: str = ""


def _labels(observation: Observation) -> dict[str, str]:
    found = {"generation": observation.generation, "layer": observation.layer,
             "equipment": observation.equipment, "part": observation.part, "category": observation.category}
    return {k: v for k, v in found.items() if v is not None}


def _simulated(results: Results, observation: Observation) -> np.ndarray | None:
    """The actual run's series of the observation (a total summed from its breakdown by
    generation or equipment when the run records no total)."""
    variable, labels = observation.variable, _labels(observation)
    if observation.services is not None:
        if not all(results.has(variable, service=name) for name in observation.services):
            return None
        return sum((results.array(variable, service=name) for name in observation.services),
                   np.zeros_like(results.times))
    if results.has(variable, **labels):
        return results.array(variable, **labels)
    if not labels:
        for label in ("generation", "equipment"):
            names = results.labels(variable, label)
            if names:
                return sum((results.array(variable, **{label: n}) for n in names),
                           np.zeros_like(results.times))
    return None


def observed_and_simulated(results: Results) -> list[Compared]:
    """Every observation of the scenario with the simulated series of the actual run, indexed
    to the observation's ``index_year`` when the observation is an index."""
    compared = []
    for name, observation in results.scenario.observations.items():
        table = observation.canonical()
        years, observed = np.asarray(table.years, float), np.asarray(table.values, float)
        simulated = _simulated(results, observation)
        missing = ""
        unit = observation.canonical_unit
        if simulated is None:
            missing = ", ".join([observation.variable, *_labels(observation).values()])
        elif observation.index_year is not None:
            unit = ""
            t = results.times
            if not (t[0] - 1e-9 <= observation.index_year <= t[-1] + 1e-9):
                simulated, missing = None, f"{observation.index_year:g}"
            else:
                base = float(np.interp(observation.index_year, t, simulated))
                simulated = simulated / base if base != 0 else None
                missing = "" if simulated is not None else f"{observation.index_year:g}"
        compared.append(Compared(name, observation, years, observed, results.times, simulated,
                                 unit, missing))
    return compared


def quantities(compared: Sequence[Compared]) -> list[list[Compared]]:
    """The compared series grouped by the quantity they measure, one group per panel of the
    ``validation`` figure, in the order of the scenario.

    Series measure the same quantity when they have the same variable, the same labels
    (services, generation, layer, equipment, part, category) and are of the same kind: absolute
    (all in the variable's canonical unit) or an index with the same ``index_year``. Such series
    share one simulated curve.
    """
    groups: dict[tuple[Any, ...], list[Compared]] = {}
    for item in compared:
        o = item.observation
        services = tuple(sorted(o.services)) if o.services is not None else None
        key = (o.variable, services, o.generation, o.layer, o.equipment, o.part, o.category, o.index_year)
        groups.setdefault(key, []).append(item)
    return list(groups.values())


def _year(year: float, lang: str) -> str:
    return number(year, "g", lang)


def _quantity_title(item: Compared, lang: str) -> str:
    """The quantity in words with its scope, e.g. ``Traffic (video, web apps)``, ``Network
    energy, index (2020.5 = 100)``."""
    observation = item.observation
    scope = [data_name(n, lang) for n in observation.services or ()] + [  # a layer and a part may share a name
        tr("{name} layer", lang, name=data_name(v, lang)) if k == "layer"
        else tr("all {name}", lang, name=tr(PART_NAMES[v], lang)) if k == "part" else data_name(v, lang)
        for k, v in _labels(observation).items()]
    title = tr(QUANTITY_NAMES[observation.variable], lang)
    if scope:
        title = f"{title} ({', '.join(scope)})"
    if observation.index_year is not None:
        year = _year(observation.index_year, lang)
        title = tr("{quantity}, index ({year} = 100)", lang, quantity=title, year=year)
        title = title.replace(f"{year} = 100", f"{year}{NBSP}={NBSP}100")  # wrapped as one word
    return title


def _window(results: Results, years: np.ndarray) -> tuple[float, float]:
    """Years shown in a panel: its observed years, :data:`WINDOW_MARGIN` more each side
    inside the simulated years."""
    low, high = float(years.min()), float(years.max())
    start, end = float(results.times[0]), float(results.times[-1])
    return min(low, max(low - WINDOW_MARGIN, start)), max(high, min(high + WINDOW_MARGIN, end))


def _series_name(item: Compared) -> str:
    return item.name.replace("_", " ")  # the user's name


def _validation_panel(ax: Axes, results: Results, items: list[Compared], lang: str,
                      simulated_entry: bool = False) -> Text:
    """One quantity: its simulated curve over the years of its observations, and each observed
    series with its own marker and colour, named in a legend inside the panel (which also
    names the curve when ``simulated_entry``). Returns the panel's title."""
    first = items[0]
    observation = first.observation
    simulated = next((i.simulated for i in items if i.simulated is not None), None)
    observed = np.concatenate([i.observed for i in items])
    low, high = _window(results, np.concatenate([i.years for i in items]))
    times = first.times
    inside = np.flatnonzero((times >= low) & (times <= high))
    if inside.size:  # one instant more each side: the curve reaches the edges of the panel
        shown = slice(max(int(inside[0]) - 1, 0), min(int(inside[-1]) + 2, times.size))
    else:
        shown = slice(0, 0)
    curve = None if simulated is None else simulated[shown]
    quantity = tr(QUANTITY_NAMES[observation.variable], lang)
    if observation.index_year is not None:
        factor = 0.01
        label = tr("Index ({year} = 100)", lang, year=_year(observation.index_year, lang))
    else:
        values = [observed] + ([curve] if curve is not None and curve.size else [])
        shown_unit = scale_for(first.unit, *values, lang=lang)
        factor, label = shown_unit.factor, shown_unit.label(quantity)
    handles: list[Any] = []
    labels: list[str] = []
    if curve is not None:
        line = ax.plot(times[shown], curve / factor, **VARIANT_STYLES["actual"])
        if simulated_entry:
            handles.append(line[0])
            labels.append(tr("simulated (actual run)", lang))
    else:
        if observation.index_year is not None and first.missing == f"{observation.index_year:g}":
            why = tr("index year {year} is outside the simulated years", lang,
                     year=_year(observation.index_year, lang))
        else:
            what = [quantity, *(data_name(v, lang) for v in _labels(observation).values())]
            why = tr("not simulated: {what}", lang, what=", ".join(what))
        ax.text(0.5, 0.5, textwrap.fill(why, 26), transform=ax.transAxes, ha="center", va="center",
                fontsize=9, color="#555555")
    for index, item in enumerate(items):
        style = {**OBSERVED_STYLE, "marker": SERIES_MARKERS[index % len(SERIES_MARKERS)],
                 "color": SERIES_COLOURS[index % len(SERIES_COLOURS)]}
        handles.append(ax.plot(item.years, item.observed / factor, **style)[0])
        labels.append(_series_name(item))
    shown_values = np.concatenate([observed] + ([curve] if curve is not None else []))
    positive = shown_values[np.isfinite(shown_values) & (shown_values > 0)]
    if (positive.size and positive.max() / positive.min() > LOG_ABOVE
            and bool(np.all(observed > 0))):
        log_y(ax, lang=lang, fine_below=100.0)
        if positive.max() / positive.min() > 100.0:  # a tick at every power of ten, even in a short panel
            ax.yaxis.set_major_locator(LogLocator(base=10, numticks=12))
    else:
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(formatter(plain_number, lang))
    ax.set_xlim(low, high)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 5, 10], integer=True))
    ax.set_xlabel(tr("Year", lang))
    ax.set_ylabel(label, fontsize=9.5)
    ax.legend(handles, labels, loc="best", fontsize=7.5, handlelength=1.2, handletextpad=0.4,
              borderaxespad=0.3, borderpad=0.3, labelspacing=0.3, frameon=True, framealpha=0.85,
              edgecolor="none")
    return ax.set_title(_quantity_title(first, lang), fontsize=10.5, loc="left")


def _wrap(text: Text, room: float, renderer: Any) -> None:
    """Wrap ``text`` at spaces (no-break spaces and hyphens hold) until it is at most ``room``
    pixels wide."""
    content = text.get_text()
    columns = len(content)
    while columns > 12 and text.get_window_extent(renderer).width > room:
        columns = int(columns * 0.92)
        text.set_text(textwrap.fill(content, columns, break_on_hyphens=False))


def _wrap_to_panels(fig: Figure, titles: Sequence[Text]) -> None:
    """Wrap each panel title to the width of its panel, so that titles side by side never meet;
    the figure is laid out first, as it will be drawn."""
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    for title in titles:
        if title.axes is not None:
            _wrap(title, title.axes.get_window_extent(renderer).width, renderer)


def observation_sources(items: Sequence[Compared], lang: str = "en") -> list[str]:
    """One line per distinct source of the observed series: ``name: source`` (the names of
    all the series that cite it); series without a source are left out."""
    names: dict[str, list[str]] = {}
    for item in items:
        if item.observation.source:
            names.setdefault(item.observation.source, []).append(_series_name(item))
    return [tr("{names}: {source}", lang, names=", ".join(n), source=source)
            for source, n in names.items()]


def _add_sources(fig: Figure, items: Sequence[Compared], lang: str) -> None:
    """The sources, one paragraph each, wrapped to the width of the figure, under the plots and
    above the source line (laid out there as notes; the first at the top)."""
    for line in reversed(observation_sources(items, lang)):
        text = fig.text(0.012, 0.0, line, fontsize=SOURCES_FONTSIZE, color=SOURCE_COLOUR, ha="left",
                        va="bottom", gid=NOTE_GID)
        _wrap(text, 0.97 * fig.bbox.width, fig.canvas.get_renderer())  # type: ignore[attr-defined]


def _room_below(fig: Figure, panels: float) -> None:
    """Make the figure taller by what is laid out under its plots (legend, sources, source
    line), so that the plots keep ``panels`` inches however many sources there are."""
    engine = fig.get_layout_engine()
    below = engine.get()["rect"][1] * fig.get_figheight() if engine is not None else 0.0
    fig.set_figheight(panels + below + SOURCE_HEIGHT)


def _simulated_legend(lang: str) -> tuple[list[Any], list[str]]:
    return [Line2D([], [], **VARIANT_STYLES["actual"])], [tr("simulated (actual run)", lang)]


@with_style
def plot_validation(results: Results, ax: Axes | None = None, lang: str = "en",
                    observation: str | None = None) -> Axes:
    """One panel per quantity the scenario's observations measure (:func:`quantities`): the
    actual run's series as a line (indexed like the observations when they are an index),
    each observed series with its own marker, over the observed years with a margin; the
    sources are listed under the figure. With ``ax`` given, one panel: the quantity of
    ``observation`` (default the first), its sources left to the caller
    (:func:`observation_sources`)."""
    compared = observed_and_simulated(results)
    groups = quantities(compared)
    title = tr("Validation: simulation against observations, {period}", lang,
               period=results_period(results))
    if ax is not None or observation is not None or not compared:
        ax, owned = own_axes(ax)
        chosen = [g for g in groups if observation is None or observation in {c.name for c in g}]
        if not chosen:
            note(ax, tr("no observations in this scenario", lang))
            ax.set_axis_off()
            ax.set_title(title)
            finish(ax, owned, results, lang)
            return ax
        panel_title = _validation_panel(ax, results, chosen[0], lang, simulated_entry=not owned)
        if owned:
            fig = root_figure(ax)
            fig.suptitle(title, fontweight="bold")
            _add_sources(fig, chosen[0], lang)
            place_legend(ax, owned, *_simulated_legend(lang))
            _room_below(fig, FIGSIZE[1])
        finish(ax, owned, results, lang)
        if owned:
            _wrap_to_panels(fig, [panel_title])
        return ax
    n = len(groups)
    columns = 1 if n == 1 else 2
    rows = math.ceil(n / columns)
    panels = PANEL_ROW_HEIGHT * rows + 0.8 if columns > 1 else FIGSIZE[1]
    fig = new_figure((FIGSIZE[0], panels))
    axes = np.atleast_1d(fig.subplots(rows, columns, squeeze=False).ravel())
    titles = [_validation_panel(panel, results, group, lang)
              for panel, group in zip(axes, groups, strict=False)]
    for spare in axes[n:]:
        spare.set_axis_off()
    fig.suptitle(title, fontweight="bold")
    _add_sources(fig, compared, lang)
    place_legend(axes[0], True, *_simulated_legend(lang))  # lays out what is under the plots
    _room_below(fig, panels)
    finish(axes[0], True, results, lang)
    _wrap_to_panels(fig, titles)
    return axes[0]


__all__ = [
    "BREAKDOWNS", "Compared", "contribution_shares", "observation_sources", "observed_and_simulated",
    "plot_contributions", "plot_validation", "quantities",
]

"""Figures of the rebound measures: the exact decomposition of a change (LMDI) and what each
innovation saved and what rebound and stacking took back.

* ``decomposition`` — horizontal bars of the LMDI terms of the change of yearly energy and
  climate change between two years (:func:`simulator.decomposition.decompose`): every term in
  one unit on one plain axis, adding up to the change written in the title.
* ``innovations`` — one row per innovation (:func:`simulator.rebound.innovations`): what it was
  expected to save over the horizon, what it saved, what the rebound took back and, for a new
  generation, the stacking of older ones beside it; cumulative energy on a log axis (the
  savings of decades of gains span five orders of magnitude), R written at the end of the row.
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from .. import rebound as measures
from ..decomposition import TERMS
from ..display.i18n import number, percent, tr
from ..display.names import display_name
from ..display.numbers import three_figures
from ..display.style import scale_for
from ..results import Results
from ..scenario.schema import CATEGORIES, Scenario
from .common import note
from .figures import category_name, finish, not_assessed_text
from .style import new_figure, own_axes, with_style

#: Quantities of the decomposition figure, top to bottom.
DECOMPOSED = ("energy", "climate_change")
#: Each LMDI term: its label and colour (demand side warm, technology cool, impacts grey).
TERM_STYLE = {
    "users": ("more users", "#CC6677"), "usage": ("more use per user (trend)", "#AA4499"),
    "rebound": ("price-induced use (cheaper GB)", "#EE7733"),
    "traffic_mix": ("traffic moving between generations", "#88CCEE"),
    "efficiency": ("energy per GB of each generation", "#117733"),
    "idle_stacking": ("idle load of sites kept on (stacking)", "#999933"),
    "layers": ("core, transport and data centres", "#44AA99"), "devices": ("devices", "#DDCC77"),
    "grid": ("grid impact per kWh", "#332288"), "units_made": ("units made", "#882255"),
    "embodied_per_unit": ("impact of making one unit", "#661100"), "end_of_life": ("end of life", "#555555"),
}
assert set(TERM_STYLE) == set(TERMS)


def _quantity_name(quantity: str, lang: str) -> str:
    return tr("Energy", lang) if quantity == "energy" else category_name(quantity, lang)


def _signed(value: float, lang: str) -> str:
    size = abs(value)
    text = number(size, ",.0f", lang) if size >= 100 else three_figures(size, lang)
    return f"{'+' if value >= 0 else '−'}{text}"


def _decomposition_panel(ax: Axes, results: Results, quantity: str, start: float | None, end: float | None,
                         lang: str) -> None:
    parts = results.decomposition(quantity, start, end)
    name = _quantity_name(quantity, lang)
    if quantity in CATEGORIES and results.note("impact", category=quantity) == "not assessed":
        note(ax, tr("not assessed in this scenario", lang))
        ax.set_axis_off()
        ax.set_title(name, loc="left", fontsize=10.5)
        return
    shown = [t for t in TERMS if abs(parts["terms"][t]) > 1e-9 * max(1.0, abs(parts["change"]))]
    if not shown:
        note(ax, tr("no change over the horizon", lang))
        ax.set_axis_off()
        ax.set_title(name, loc="left", fontsize=10.5)
        return
    values = np.array([parts["terms"][t] for t in shown] or [0.0])
    scale = scale_for(parts["unit"], np.abs(values).max(initial=0.0), abs(parts["change"]), lang=lang)
    scaled = np.asarray(scale(values), dtype=float)
    y = np.arange(len(shown))[::-1]
    ax.barh(y, scaled, color=[TERM_STYLE[t][1] for t in shown], height=0.62, zorder=2)
    ax.axvline(0, color="#333333", linewidth=0.8, zorder=1)
    ax.set_yticks(y, [tr(TERM_STYLE[t][0], lang) for t in shown])
    span = float(np.abs(scaled).max(initial=1.0)) or 1.0
    for yi, v in zip(y, scaled, strict=True):
        ax.text(v + (0.015 if v >= 0 else -0.015) * span, yi, _signed(float(v), lang), va="center",
                ha="left" if v >= 0 else "right", fontsize=8.5, zorder=3)
    ax.set_xlim(min(0.0, float(scaled.min())) - 0.28 * span, max(0.0, float(scaled.max())) + 0.28 * span)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(scale.label(tr("Change of the yearly rate", lang)))
    scope = not_assessed_text(results, quantity, lang) if quantity in CATEGORIES else ""
    change = float(scale(parts["change"]))
    ax.set_title(tr("{quantity}: {change} {unit}", lang, quantity=f"{name} ({scope})" if scope else name,
                    change=_signed(change, lang), unit=scale.unit), loc="left", fontsize=10.5)


@with_style
def plot_decomposition(results: Results, ax: Axes | None = None, lang: str = "en", quantity: str | None = None,
                       start: float | None = None, end: float | None = None) -> Axes:
    """What made energy and climate change move between two years (default: the first and last
    instant), split exactly by LMDI: bars add up to the change in the title. With ``ax`` given,
    one panel (``quantity``, default energy)."""
    if ax is not None or quantity is not None:
        ax, owned = own_axes(ax)
        _decomposition_panel(ax, results, quantity or "energy", start, end, lang)
        finish(ax, owned, results, lang)
        return ax
    fig = new_figure((7.2, 8.4))
    axes = fig.subplots(len(DECOMPOSED), 1)
    for panel, q in zip(axes, DECOMPOSED, strict=True):
        _decomposition_panel(panel, results, q, start, end, lang)
    parts = results.decomposition("energy", start, end)
    fig.suptitle(tr("What changed yearly energy and climate change,\n{start} → {end} (exact split, LMDI)", lang,
                    start=f"{parts['from']:g}", end=f"{parts['to']:g}"), fontweight="bold")
    finish(axes[0], True, results, lang)
    return axes[0]


#: Bars of an innovation's row: key of the innovations table, label, colour.
INNOVATION_BARS = (
    ("expected_savings", "expected savings (demand held)", "#B7DDB0"),
    ("actual_savings", "actual savings", "#117733"),
    ("taken_back", "taken back by the rebound", "#EE7733"),
    ("stacking", "stacking (older generations kept on)", "#999933"),
)


#: The kind of entity each kind of innovation concerns.
INNOVATION_KINDS = {"launch": "generation", "gain": "generation", "idle_gain": "generation", "layer_gain": "layer",
                    "device_gain": "device"}


def innovation_label(name: str, lang: str, scenario: Scenario | None = None) -> str:
    """``launch:5G`` → "5G launched", ``gain:4G`` → "4G energy per GB", ... (the entity by its label in
    ``scenario`` when given)."""
    kind, _, item = name.partition(":")
    words = {"launch": "{name} launched", "gain": "{name} energy per GB", "idle_gain": "{name} idle power",
             "layer_gain": "{name} energy per GB", "device_gain": "{name} energy use"}
    return tr(words[kind], lang, name=display_name(scenario, INNOVATION_KINDS[kind], item, lang))


@with_style
def plot_innovations(results: Results, ax: Axes | None = None, lang: str = "en", quantity: str = "energy") -> Axes:
    """What each innovation saved and what rebound and stacking took back, cumulative over the
    horizon: one group of bars per innovation (log axis), R at the end of the row."""
    table = measures.innovations(results, (quantity,))
    height = max(4.0, 1.6 + 0.52 * len(table))
    ax, owned = own_axes(ax, (7.6, height))
    name = _quantity_name(quantity, lang)
    if not table:
        note(ax, tr("no innovation inside the horizon", lang))
        ax.set_axis_off()
        ax.set_title(tr("{quantity}: what each innovation saved", lang, quantity=name), loc="left")
        finish(ax, owned, results, lang)
        return ax
    rows: list[dict[str, Any]] = []
    for innovation, values in table.items():
        v = dict(values[quantity])
        v["taken_back"] = v["expected_savings"] - v["actual_savings"] if v["rebound"] is not None else None
        rows.append({"name": innovation, **v})
    largest = max(max(abs(r[k] or 0.0) for k in ("expected_savings", "actual_savings", "stacking")) for r in rows)
    scale = scale_for(rows[0]["unit"], largest, lang=lang)
    positives = [float(scale(r[k])) for r in rows for k, *_ in INNOVATION_BARS if (r[k] or 0.0) > 0]
    main = [float(scale(r[k])) for r in rows for k in ("expected_savings", "actual_savings", "stacking")
            if (r[k] or 0.0) > 0]
    floor = min(main or positives or [1.0]) / 30  # a rebound below it is too small to draw: R says it
    width = 0.8 / len(INNOVATION_BARS)
    y = np.arange(len(rows))[::-1]
    for b, (key, _, colour) in enumerate(INNOVATION_BARS):
        for yi, row in zip(y, rows, strict=True):
            value = row[key]
            if value is not None and value > 0:
                ax.barh(yi + 0.4 - (b + 0.5) * width, float(scale(value)) - floor, left=floor, height=width,
                        color=colour, zorder=2)
    ax.set_xscale("log")
    ax.set_ylim(-0.6, len(rows) - 0.4)  # every row inside, drawn or not (a gain that rises saves nothing)
    right = max(positives) * 3e3 if positives else 1.0
    ax.set_xlim(floor, right)
    for yi, row in zip(y, rows, strict=True):
        r = row["rebound"]
        if r is None and row["expected_savings"] <= 0:
            text = tr("saved nothing before demand reacted: R undefined", lang)
        elif r is None:
            text = tr("expected savings under {share} of use: R not computed", lang,
                      share=percent(measures.REBOUND_TOLERANCE, lang, ".0f"))
        else:
            text = f"R = {number(100 * r, '.2g' if abs(100 * r) < 10 else ',.0f', lang)} %"
        ax.text(right / 1.05, yi, text, ha="right", va="center", fontsize=8.5)
    ax.set_yticks(y, [innovation_label(r["name"], lang, results.scenario) for r in rows])
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(tr("Cumulative {quantity}, {period} ({unit}, log scale)", lang, quantity=name.lower(),
                     period=f"{results.times[0]:g}–{results.times[-1]:g}", unit=scale.unit))
    ax.set_title(tr("{quantity}: what each innovation saved,\nwhat the rebound and stacking took back", lang,
                    quantity=name), loc="left")
    handles = [Patch(facecolor=colour) for _, _, colour in INNOVATION_BARS]
    ax.legend(handles, [textwrap.fill(tr(label, lang), 28) for _, label, _ in INNOVATION_BARS], loc="upper center",
              bbox_to_anchor=(0.5, -0.09 - 0.5 / height), ncol=2, fontsize=8.5, frameon=False)
    finish(ax, owned, results, lang)
    return ax

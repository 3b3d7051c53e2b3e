"""The Monte Carlo fan chart: quantile bands of energy, traffic, climate change and the measure's series
over time (:func:`plot_fan_chart`), from a tidy table of bands computed elsewhere (it never runs the
model). ``meta``: see :mod:`.ensemble_common`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..display.i18n import check_lang, tr
from ..display.numbers import plain_number
from ..display.style import OKABE_ITO, scale_for
from ..errors import UsageError
from .common import note, year_axis
from .ensemble_common import (
    INDUCED_NOTE,
    MeasureTexts,
    check_meta,
    finish_figure,
    measure_texts,
    notes_of,
    period_of,
    require_columns,
)
from .figures import category_name
from .rebound_axis import apply_rebound_axis, backfire_zone, percent_axis, rebound_axis, rebound_label
from .style import new_figure, place_legend, with_style

#: Monte Carlo bands: opaque colours (no mixing where they overlap), one hue for all panels.
BAND_COLOURS = {"outer": "#D3E5F4", "inner": "#8DBCE2", "median": "#0B4F8A",
                "nominal": OKABE_ITO["vermillion"]}

#: Quantities of the fan chart, in panel order (left to right, top to bottom), before the measure's.
FAN_QUANTITIES = ("energy", "traffic", "climate_change")

_QUANTILES = ("p5", "p25", "p50", "p75", "p95")
_FAN_NAMES = {"energy": "Energy", "traffic": "Traffic", "rebound": "Rebound R(t)"}


def _fan_name(quantity: str, lang: str) -> str:
    if quantity == "climate_change":
        return category_name("climate_change", lang)
    return tr(_FAN_NAMES.get(quantity, quantity.replace("_", " ")), lang)


def _fan_panel(ax: Axes, part: pd.DataFrame, quantity: str, lang: str, texts: MeasureTexts | None = None) -> None:
    """One panel of bands; ``texts`` for the panel of the measure (a rebound, or induced)."""
    part = part.sort_values("time")
    times = part["time"].to_numpy(dtype=float)
    columns = {c: part[c].to_numpy(dtype=float) for c in (*_QUANTILES, "nominal") if c in part}
    nominal = columns.get("nominal", np.full(times.shape, np.nan))
    if texts is not None and texts.rebound:
        shown = {c: 100.0 * v for c, v in columns.items()}
        shape = rebound_axis(*(shown[c] for c in (*_QUANTILES, "nominal") if c in shown))
        apply_rebound_axis(ax, shape, lang)
        year_axis(ax, times, lang)
        lines = np.vstack([shown["p50"], shown.get("nominal", shown["p50"])])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN instants: R undefined
            backfire_zone(ax, shape, lang, [
                (times, shown["p5"], shown["p95"], 1.0), (times, shown["p25"], shown["p75"], 2.0),
                (times, np.nanmin(lines, axis=0), np.nanmax(lines, axis=0), 10.0)])
        ax.set_ylabel(rebound_label(shape, lang, texts.symbol))
    elif texts is not None:
        shown = {c: 100.0 * v for c, v in columns.items()}
        percent_axis(ax, lang)
        ax.set_ylabel(tr("{name} (%)", lang, name=texts.symbol))
    else:
        units = part["unit"].dropna().unique() if "unit" in part else []
        if len(units) > 1:
            raise UsageError(f"bands of {quantity!r} mix units {', '.join(map(str, units))}")
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
    check_meta(meta)
    require_columns(bands, ("quantity", "time", *_QUANTILES), "the bands table")
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
    period = period_of(meta, bands["time"])
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
        meta = {**meta, "notes": [*notes_of(meta), tr(INDUCED_NOTE, lang)]}
    finish_figure(fig, meta, "Monte Carlo simulations", lang, period)
    return fig


__all__ = [
    "BAND_COLOURS",
    "FAN_QUANTITIES",
    "plot_fan_chart",
]

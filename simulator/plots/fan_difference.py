"""Fan charts of a difference between scenarios over time: how much a policy changes energy and climate
change each year, with its uncertainty on common random numbers (:mod:`simulator.ensemble.difference`).

:func:`plot_difference_fan` reads the table of bands the ensemble computed (it never runs the model):
one figure per compared scenario, a panel per quantity, 5-95 % and 25-75 % of members, their median,
the difference of the scenarios as written, and the zero line (below it, the scenario does better).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..display.i18n import check_lang, data_name, tr
from ..display.numbers import plain_number
from ..display.style import scale_for
from ..errors import UsageError
from .common import note, year_axis
from .ensemble_common import check_meta, finish_figure, notes_of, period_of, require_columns
from .fan import BAND_COLOURS
from .figures import category_name
from .style import new_figure, place_legend, with_style

_QUANTILES = ("p5", "p25", "p50", "p75", "p95")


def _panel_title(quantity: str, lang: str) -> str:
    if quantity == "energy":
        return tr("Energy", lang)
    if quantity == "traffic":
        return tr("Traffic", lang)
    return category_name(quantity, lang)


@with_style
def plot_difference_fan(bands: pd.DataFrame, scenario: str, reference: str, meta: Mapping[str, Any],
                        quantities: Sequence[str] = ("energy", "climate_change"), lang: str = "en") -> Figure:
    """``scenario`` − ``reference`` per year, one panel per quantity.

    ``bands``: rows ``scenario`` × ``quantity`` × ``time`` with the canonical ``unit`` (e.g. ``kWh/yr``),
    the quantiles ``p5`` … ``p95`` of the difference over members and ``nominal`` (the scenarios as
    written), as :meth:`simulator.ensemble.difference.Difference.bands` gives. Values are shown in a
    readable unit (TWh/yr, Mt CO₂e/yr); ``meta`` names the source (``scenario``, ``version``, ``members``,
    ``seed``: :mod:`.ensemble_common`)."""
    check_lang(lang)
    check_meta(meta)
    require_columns(bands, ("scenario", "quantity", "unit", "time", *_QUANTILES, "nominal"), "the bands table")
    mine = bands[bands["scenario"] == scenario]
    if mine.empty:
        raise UsageError(f"no bands of {scenario!r}; the table has {', '.join(map(str, bands['scenario'].unique()))}")
    fig = new_figure((6.4, 3.9))
    axes = fig.subplots(1, len(quantities), squeeze=False)[0]
    times = mine["time"].to_numpy(dtype=float)
    for ax, quantity in zip(axes, quantities, strict=True):
        part = mine[mine["quantity"] == quantity].sort_values("time")
        ax.set_title(_panel_title(quantity, lang), fontsize=10.5)
        columns = {c: part[c].to_numpy(dtype=float) for c in (*_QUANTILES, "nominal")}
        if part.empty or not np.isfinite(columns["p50"]).any():
            note(ax, tr("not in this ensemble", lang))
            ax.set_yticks([])
            year_axis(ax, np.array([np.nanmin(times), np.nanmax(times)]), lang)
            continue
        t = part["time"].to_numpy(dtype=float)
        scale = scale_for(str(part["unit"].iloc[0]), *columns.values(), lang=lang)
        shown = {c: scale(v) for c, v in columns.items()}
        ax.axhline(0.0, color="0.35", linewidth=0.9, zorder=1.5)
        ax.fill_between(t, shown["p5"], shown["p95"], color=BAND_COLOURS["outer"], linewidth=0, zorder=2)
        ax.fill_between(t, shown["p25"], shown["p75"], color=BAND_COLOURS["inner"], linewidth=0, zorder=2.1)
        ax.plot(t, shown["p50"], color=BAND_COLOURS["median"], linewidth=2.0, zorder=3)
        ax.plot(t, shown["nominal"], color=BAND_COLOURS["nominal"], linewidth=1.5, linestyle="--", zorder=3.1)
        ax.set_ylabel(tr("Difference ({unit})", lang, unit=scale.unit or "1"))
        year_axis(ax, t, lang)
    members = meta.get("members")
    period = period_of(meta, times)
    fig.suptitle(tr("{scenario} − {reference}: {members} runs on the same draws", lang,
                    scenario=data_name(scenario, lang), reference=data_name(reference, lang),
                    members=plain_number(float(members or 0), lang)), fontweight="bold")
    handles: list[Any] = [Patch(color=BAND_COLOURS["outer"]), Patch(color=BAND_COLOURS["inner"]),
                          Line2D([], [], color=BAND_COLOURS["median"], linewidth=2.0),
                          Line2D([], [], color=BAND_COLOURS["nominal"], linewidth=1.5, linestyle="--")]
    labels = [tr("5–95 % of runs", lang), tr("25–75 % of runs", lang), tr("median", lang),
              tr("scenarios as written", lang)]
    place_legend(axes[0], True, handles, labels, ncol=4)
    notes = [tr("below 0: {scenario} is lower than {reference}", lang, scenario=data_name(scenario, lang),
                reference=data_name(reference, lang))]
    finish_figure(fig, {**meta, "notes": [*notes, *notes_of(meta)]}, "Monte Carlo simulations",
                  lang, period)
    return fig


__all__ = ["plot_difference_fan"]

"""The figure of a sensitivity analysis: Sobol indices (S1, ST) or Morris screening (μ*, σ) of each
output, a row per parameter (:func:`plot_sensitivity`), from the indices computed elsewhere (SALib).
``meta``: see :mod:`.ensemble_common`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from ..display.i18n import check_lang, percent, tr
from ..display.style import OKABE_ITO, Scale, scale_for
from ..errors import UsageError
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
from .style import FIGSIZE, add_note_text, new_figure, place_legend, with_style

#: Bars of the sensitivity figure: the total (or μ*) darker than the first order (or σ).
INDEX_COLOURS = {"ST": OKABE_ITO["blue"], "S1": OKABE_ITO["sky_blue"],
                 "mu_star": OKABE_ITO["blue"], "sigma": OKABE_ITO["sky_blue"]}
#: Outputs of a sensitivity analysis, in panel order, with their name and canonical unit.
SENSITIVITY_OUTPUTS = {
    "energy_cumulative": ("Energy", "kWh"),
    "climate_change_cumulative": ("Climate change", "kg CO2e"),
    "traffic_cumulative": ("Traffic", "GB"),
    "rebound_cumulative": ("Rebound R", "1"),
}
#: Columns each sensitivity method brings: the ranked index and its interval, the other
#: index and its interval (None: not given).
METHOD_COLUMNS = {"sobol": ("ST", "ST_conf", "S1", "S1_conf"),
                  "morris": ("mu_star", "mu_star_conf", "sigma", None)}
#: At most this many parameters are drawn in a sensitivity figure (the most influential).
MAX_PARAMETERS = 25

# --- (4) sensitivity ---------------------------------------------------------------------------


def short_parameter_names(names: Sequence[str], width: int = 36) -> dict[str, str]:
    """Readable labels for dotted parameter paths: the last two segments (more where ``*`` or
    an index would stand alone, or where two labels would coincide), ``…`` for what is left
    out, and at most ``width`` characters (cut in the middle)."""
    parts = {n: str(n).split(".") for n in names}

    def keep(segments: list[str], k: int) -> int:
        k = min(k, len(segments))
        while k < len(segments) and (segments[-k] == "*" or segments[-k].isdigit()):
            k += 1
        return k

    depth = {n: keep(parts[n], 2) for n in names}
    while True:
        labels = {n: ".".join(parts[n][-depth[n]:]) for n in names}
        seen: dict[str, list[str]] = {}
        for n, label in labels.items():
            seen.setdefault(label, []).append(n)
        clashes = [n for group in seen.values() if len(group) > 1 for n in group
                   if depth[n] < len(parts[n])]
        if not clashes:
            break
        for n in clashes:
            depth[n] = keep(parts[n], depth[n] + 1)
    out = {}
    for n in names:
        label = labels[n] if depth[n] == len(parts[n]) else "…" + labels[n]
        if len(label) > width:
            head = (width - 1) // 2
            label = label[:head] + "…" + label[-(width - 1 - head):]
        out[n] = label
    return out


def parameter_labels(names: Sequence[str], meta: Mapping[str, Any], lang: str = "en", width: int = 34
                     ) -> dict[str, str]:
    """The rows of a sensitivity figure: each parameter as people read it
    (:func:`.ensemble_common.parameter_text`, no unit: indices have none), wrapped at ``width``
    characters; two that would read alike are told apart by :func:`short_parameter_names`."""
    words = {n: parameter_text(str(n), meta, lang, unit=False) for n in names}
    short = short_parameter_names(names)
    twice = {w for w in words.values() if list(words.values()).count(w) > 1}
    return {n: textwrap.fill(f"{w} ({short[n]})" if w in twice else w, width) for n, w in words.items()}


def _output(output: str, texts: MeasureTexts, lang: str) -> tuple[str, str]:
    """The name and canonical unit of a sensitivity output ("": unknown); the measure's from ``texts``."""
    if output == texts.column and output not in SENSITIVITY_OUTPUTS:
        return texts.panel, "1"
    name, unit = SENSITIVITY_OUTPUTS.get(output, (output.replace("_", " "), ""))
    return tr(name, lang), unit


@with_style
def plot_sensitivity(indices: pd.DataFrame, method: str, meta: Mapping[str, Any], lang: str = "en") -> Figure:
    """Which parameters the results depend on: one panel per output, a row per parameter.

    ``indices`` has a row per ``output`` (``energy_cumulative``,
    ``climate_change_cumulative``, the measure's column of ``meta["measure"]`` such as
    ``rebound_window_energy`` or ``induced_energy``, or ``rebound_cumulative``; also
    ``traffic_cumulative``) × ``parameter`` (a dotted path
    such as ``demand.services.*.elasticity``) and, for ``method="sobol"``, the columns
    ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (dimensionless; ``_conf`` the half-width of the
    confidence interval); for ``method="morris"``, ``mu_star``, ``mu_star_conf``, ``sigma``
    (in the output's unit: kWh, kg CO2e, or a fraction for R). The rows are the same in every
    panel so that a parameter reads across: ranked by the largest ST (or μ* relative to the
    largest of its output) over the outputs; beyond :data:`MAX_PARAMETERS` the least
    influential are left out (and counted in a note).
    """
    check_lang(lang)
    check_meta(meta)
    texts = measure_texts(meta, lang)
    if method not in METHOD_COLUMNS:
        raise UsageError(f"sensitivity method {method!r} is not supported; expected one of "
                         f"{', '.join(METHOD_COLUMNS)}")
    main, main_conf, other, other_conf = METHOD_COLUMNS[method]
    require_columns(indices, ("output", "parameter", main, other), "the indices table")
    known = [o for o in SENSITIVITY_OUTPUTS if o in set(indices["output"])]
    outputs = known + [o for o in dict.fromkeys(indices["output"]) if o not in SENSITIVITY_OUTPUTS]
    wide = indices.pivot_table(index="parameter", columns="output", values=main, aggfunc="mean",
                               dropna=False)
    if method == "morris":  # μ* in each output's own unit: compare within an output
        wide = wide / wide.abs().max(axis=0).replace(0.0, np.nan)
    rank = wide.max(axis=1, skipna=True).fillna(-np.inf).sort_values(ascending=False, kind="stable")
    order = list(rank.index[:MAX_PARAMETERS])
    left_out = len(rank) - len(order)
    labels = parameter_labels(order, meta, lang)
    rows = np.arange(len(order))
    height = 1.9 + 0.3 * max(len(order), 3) + 0.14 * sum(labels[p].count("\n") for p in order)
    fig = new_figure((7.2 if len(outputs) > 2 else FIGSIZE[0], height))
    axes = np.atleast_1d(fig.subplots(1, max(len(outputs), 1), sharey=True, sharex=method == "sobol"))
    level = percent(float(meta.get("confidence", 0.95)), lang)
    bar = 0.38
    for k, (ax, output) in enumerate(zip(axes, outputs, strict=False)):
        part = indices[indices["output"] == output].groupby("parameter").mean(numeric_only=True)
        part = part.reindex(order)
        name, unit = _output(output, texts, lang)
        if method == "sobol":
            scale = Scale(1.0, "1")
        elif not unit:  # an output this module does not know: its values as given
            scale = Scale(1.0, tr("unit of the output", lang))
        elif unit == "1":
            scale = Scale(0.01, tr("percentage points", lang))
        else:
            scale = scale_for(unit, part[main].to_numpy(dtype=float), part[other].to_numpy(dtype=float),
                              lang=lang)
        for column, conf, offset in ((main, main_conf, -bar / 2), (other, other_conf, bar / 2)):
            values = scale(part[column].to_numpy(dtype=float))
            errors = (scale(part[conf].to_numpy(dtype=float)) if conf and conf in part
                      else None)
            drawn = np.nan_to_num(values, nan=0.0)
            ax.barh(rows + offset, drawn, height=bar, color=INDEX_COLOURS[column], linewidth=0, zorder=2)
            if errors is not None:
                ax.errorbar(values, rows + offset, xerr=np.abs(errors), fmt="none", ecolor="#333333",
                            elinewidth=0.9, capsize=2.0, zorder=3)
        ax.axvline(0.0, color="#555555", linewidth=0.8, zorder=2.5)
        ax.grid(axis="y", visible=False)
        ax.set_title(name, fontsize=10.5)
        if method == "sobol":
            ax.set_xlabel(tr("Sobol index (1)", lang))
        else:
            ax.set_xlabel(f"μ*, σ\n({scale.unit})")
            ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
        if part[main].isna().all():
            note(ax, tr("not computed", lang))
        if k:
            ax.tick_params(axis="y", left=False)
    axes[0].set_yticks(rows, [labels[p] for p in order], fontsize=9)
    axes[0].set_ylim(len(order) - 0.5, -0.5)  # most influential at the top
    if method == "sobol":
        tops = [indices[c].to_numpy(dtype=float) + np.nan_to_num(indices[c + "_conf"].to_numpy(dtype=float))
                if c + "_conf" in indices else indices[c].to_numpy(dtype=float) for c in ("S1", "ST")]
        high = float(np.nanmax(np.concatenate(tops), initial=0.0))
        bottoms = [indices[c].to_numpy(dtype=float) - np.nan_to_num(indices[c + "_conf"].to_numpy(dtype=float))
                   if c + "_conf" in indices else indices[c].to_numpy(dtype=float) for c in ("S1", "ST")]
        low = float(np.nanmin(np.concatenate(bottoms), initial=0.0))
        axes[0].set_xlim(min(0.0, low) - 0.02, min(max(high, 0.1) * 1.08, 1.1))
        axes[0].xaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
    if method == "sobol":
        title = tr("Sobol indices of the cumulative results", lang)
        names = [tr("total order ST (with interactions)", lang), tr("first order S1 (alone)", lang)]
    else:
        title = tr("Morris screening of the cumulative results", lang)
        names = [tr("μ* (mean absolute effect)", lang), tr("σ (spread: interactions, non-linearity)", lang)]
    fig.suptitle(title, fontweight="bold")
    handles: list[Any] = [Patch(color=INDEX_COLOURS[main]), Patch(color=INDEX_COLOURS[other]),
                          Line2D([], [], color="#333333", linewidth=0.9, marker="|", markersize=6)]
    names.append(tr("{level} confidence interval", lang, level=level))
    place_legend(axes[0], True, handles, names, ncol=3)
    if left_out:
        add_note_text(fig, tr("{count} less influential parameters not shown", lang, count=left_out))
    if not texts.rebound and texts.column in outputs:
        meta = {**meta, "notes": [*notes_of(meta), tr(INDUCED_NOTE, lang)]}
    finish_figure(fig, meta, "sensitivity analysis", lang, period_of(meta))
    return fig


__all__ = [
    "INDEX_COLOURS",
    "MAX_PARAMETERS",
    "METHOD_COLUMNS",
    "SENSITIVITY_OUTPUTS",
    "plot_sensitivity",
    "parameter_labels",
    "short_parameter_names",
]

"""Targets of a scenario (``targets:``) drawn where their quantity is drawn over time.

A target is a short black bar over the year it reads, ``[year − 1, year)`` (the annual-mean
convention of :mod:`simulator.indicators`), at its level, with a diamond at the year and its label:
``target −45 % vs 2020: met`` (after the target's ``label``, if any). A change target's level is the base
year's annual mean times (1 + change). The ``parts`` figure draws them on its energy and climate change panels.
"""

from __future__ import annotations

import math

from matplotlib.axes import Axes

from ..display.numbers import signed_percent
from ..display.style import Scale
from ..indicators import target_values, year_mean
from ..results import Results
from ..scenario.targets import TARGET_YEAR

_FRENCH = {"target {what} vs {year}: {verdict}": "objectif {what} par rapport à {year} : {verdict}",
           "target {what}: {verdict}": "objectif {what} : {verdict}", "met": "atteint", "not met": "non atteint",
           "not assessed": "non évalué",
           "at most {level}": "au plus {level}"}


def _say(text: str, lang: str, **fields: object) -> str:
    return (_FRENCH.get(text, text) if lang == "fr" else text).format(**fields)


def draw_targets(ax: Axes, results: Results, quantity: str, scale: Scale, lang: str = "en") -> None:
    """Draw the targets of ``quantity`` (``energy`` or an impact category) on ``ax``, whose values are
    shown through ``scale`` (canonical unit per year)."""
    labels = {} if quantity == "energy" else {"category": quantity}
    series = results.array("energy" if quantity == "energy" else "impact", **labels)
    end = float(results.times[-1])
    for t in results.scenario.targets.values():
        if t.quantity != quantity:
            continue
        value, goal = target_values(results, t)
        verdict = _say("not assessed" if math.isnan(value) else "met" if value <= goal + 1e-12 else "not met", lang)
        if t.change is not None and t.base_year is not None:
            level = year_mean(results, series, t.base_year) * (1.0 + t.change)
            what = signed_percent(t.change, lang)
            text = _say("target {what} vs {year}: {verdict}", lang, what=what, year=f"{t.base_year:g}",
                        verdict=verdict)
        else:
            level = t.level_canonical()
            what = _say("at most {level}", lang, level=t.level)
            text = _say("target {what}: {verdict}", lang, what=what, verdict=verdict)
        if t.label:
            text = f"{t.label}: {text}"
        y = float(scale(level))
        ax.plot([t.year - TARGET_YEAR, t.year], [y, y], color="black", linewidth=2.2, zorder=5,
                solid_capstyle="butt")
        ax.plot([t.year], [y], marker="D", markersize=6, color="black", markeredgecolor="white", zorder=6,
                clip_on=False, linestyle="none")
        right = t.year > (float(results.times[0]) + end) / 2
        ax.annotate(text, (t.year, y), xytext=(-6 if right else 6, 6), textcoords="offset points",
                    ha="right" if right else "left", va="bottom", fontsize=8.5, zorder=6,
                    bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
        bottom, top = ax.get_ylim()
        if y > top * 0.92:
            ax.set_ylim(bottom, y * 1.15)

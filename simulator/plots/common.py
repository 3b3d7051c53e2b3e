"""Helpers shared by the figures: year axes, log axes, notes, numbers in words, stacked areas."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter

from ..display.i18n import tr
from ..display.numbers import count_in_words, plain_number
from ..display.style import Scale

#: Band of the energy stack drawn for energy that no generation, layer or device accounts for.
OTHER_COLOUR = "#E0E0E0"
#: Shown in an axes that has nothing to draw.
NOTE_STYLE: dict[str, Any] = {"ha": "center", "va": "center", "color": "#555555", "fontsize": 10.5}


def year_axis(ax: Axes, times: np.ndarray, lang: str = "en") -> None:
    """x axis in years over the simulated horizon."""
    ax.set_xlim(float(times[0]), float(times[-1]))
    ax.xaxis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 5, 10], integer=True))
    ax.set_xlabel(tr("Year", lang))


def formatter(function: Callable[[float, str], str], lang: str) -> FuncFormatter:
    """A tick formatter calling ``function(value, lang)``."""
    return FuncFormatter(lambda value, _: function(value, lang))


def log_y(ax: Axes, words: bool = False, lang: str = "en", fine_below: float = 1e4) -> None:
    """Logarithmic y axis with plain-number tick labels (1, 10, 100, 1,000), or counts in
    words (10 thousand, 1 million) with ``words``; ticks at 1, 2, 5 × 10^n when the axis spans
    less than ``fine_below`` (a ratio), else at powers of ten only."""
    ax.set_yscale("log")
    low, high = ax.get_ylim()
    subs = (1.0,) if high / max(low, 1e-300) > fine_below else (1.0, 2.0, 5.0)
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=subs))
    ax.yaxis.set_major_formatter(formatter(count_in_words if words else plain_number, lang))
    ax.yaxis.set_minor_formatter(NullFormatter())


def note(ax: Axes, text: str) -> None:
    """A grey note in the middle of the axes (for a panel with nothing to draw)."""
    ax.text(0.5, 0.5, text, transform=ax.transAxes, **NOTE_STYLE)


#: A band of a stacked area: label, values (canonical unit), colour, hatch or None.
Band = tuple[str, np.ndarray, str, str | None]


def stack(ax: Axes, times: np.ndarray, bands: Sequence[Band], scale: Scale) -> None:
    """Stacked areas (first band at the bottom), with optional hatching per band."""
    polys = ax.stackplot(times, *[scale(b[1]) for b in bands], labels=[b[0] for b in bands],
                         colors=[b[2] for b in bands], edgecolor="white", linewidth=0.6)
    for poly, band in zip(polys, bands, strict=True):
        if band[3]:
            poly.set_hatch(band[3])
    ax.set_ylim(bottom=0)


def nonzero(values: np.ndarray) -> bool:
    return bool(np.nanmax(np.abs(values), initial=0.0) > 0)

"""The y axis of a measure in %: a rebound laid out linear up to 100 % and logarithmic above, with its
backfire zone, or a plain % axis for a quantity that is not a rebound (``induced``).

A rebound far above 100 % (a strong price response: R = 10 000 % is possible) is drawn on
an axis that is linear up to 100 % and logarithmic above, so that the line R = 100 %
keeps its place and backfire keeps its scale (:func:`rebound_transform`). The Monte Carlo
bands, the sweep lines and the colour bar of the Jevons map all use it.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator

from ..display.i18n import tr
from ..display.numbers import plain_number
from ..display.style import REGION_COLOURS

#: Where a label goes: at the left or the right of the axes; standing on its height or hanging under it.
HAlign = Literal["left", "right"]
VAlign = Literal["bottom", "top"]

#: A rebound axis turns logarithmic above 100 % when its values reach this (%).
LOG_ABOVE_FROM = 1000.0


@dataclass(frozen=True)
class ReboundAxis:
    """How rebound values (%) are laid out: ``forward`` maps them to a linear coordinate that
    is 0 at 100 %, −1 at 0 % and, with ``log_above``, +1 per decade above 100 %."""

    low: float
    high: float
    log_above: bool

    def forward(self, r: Any) -> np.ndarray:
        return rebound_transform(r, self.log_above)

    def inverse(self, f: Any) -> np.ndarray:
        f = np.asarray(f, dtype=float)
        with np.errstate(over="ignore", invalid="ignore"):
            above = 100.0 * np.power(10.0, f) if self.log_above else 100.0 + 100.0 * f
            return np.where(f > 0, above, 100.0 + 100.0 * f)

    def ticks(self) -> list[float]:
        """Round values (%) between ``low`` and ``high``: 0, 50, 100 and, on a logarithmic part,
        1, 2, 5 × 10ⁿ (powers of ten only beyond two decades)."""
        if not self.log_above:
            locator = MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10])
            return [float(t) for t in locator.tick_values(self.low, self.high)
                    if self.low <= t <= self.high]
        below = [float(t) for t in MaxNLocator(nbins=3, steps=[1, 2, 5, 10]).tick_values(self.low, 100.0)
                 if self.low <= t <= 100.0]
        decades = math.log10(max(self.high, 100.0) / 100.0)
        subs = (1.0, 2.0, 5.0) if decades <= 2.2 else (1.0,)
        above = [100.0 * s * 10.0 ** k for k in range(0, int(decades) + 2) for s in subs]
        return sorted({*below, *(t for t in above if 100.0 < t <= self.high)})


def rebound_transform(r: Any, log_above: bool) -> np.ndarray:
    """Rebound values (%) to the axis coordinate: ``(r − 100) / 100`` up to 100 %, and above it
    ``log10(r / 100)`` when ``log_above`` (0 at 100 % either way; NaN stays NaN)."""
    r = np.asarray(r, dtype=float)
    out = (r - 100.0) / 100.0
    if log_above:
        above = r > 100.0
        out = np.where(above, np.log10(np.where(above, r, 100.0) / 100.0), out)
    return out


def rebound_axis(*values: Any, low: float = -10.0, high: float = 120.0, pad: float = 0.06) -> ReboundAxis:
    """The layout of rebound values (%): at least ``low``–``high`` (0 % and 100 % in view),
    logarithmic above 100 % when the values reach :data:`LOG_ABOVE_FROM`, with some room."""
    flat = np.concatenate([np.ravel(np.asarray(v, dtype=float)) for v in values] or [np.zeros(0)])
    flat = flat[np.isfinite(flat)]
    bottom = min(low, float(flat.min(initial=low)))
    top = max(high, float(flat.max(initial=high)))
    log_above = top >= LOG_ABOVE_FROM
    shape = ReboundAxis(bottom, top, log_above)
    f_low, f_high = float(shape.forward(bottom)), float(shape.forward(top))
    room = pad * (f_high - f_low)
    return ReboundAxis(float(shape.inverse(f_low - room)), float(shape.inverse(f_high + room)), log_above)


def apply_rebound_axis(ax: Axes, shape: ReboundAxis, lang: str) -> None:
    """y axis of ``ax`` laid out as ``shape``, with round ticks written for ``lang``."""
    if shape.log_above:
        ax.set_yscale("function", functions=(shape.forward, shape.inverse))
    ax.set_ylim(shape.low, shape.high)
    ax.yaxis.set_major_locator(FixedLocator(shape.ticks()))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: plain_number(v, lang)))
    ax.yaxis.set_minor_locator(NullLocator())


def rebound_label(shape: ReboundAxis, lang: str, name: str = "R") -> str:
    if shape.log_above:
        return tr("{name} (%, log scale above 100)", lang, name=name)
    return tr("{name} (%)", lang, name=name)


def backfire_zone(ax: Axes, shape: ReboundAxis, lang: str,
                   data: Sequence[tuple[Any, Any, Any, float]] = ()) -> None:
    """R > 100 % lightly shaded, the 0 % and 100 % lines, and their labels where the ``data``
    leaves the most room: layers ``(x, low, high, weight)`` (values in %; the x limits must be
    set), a line weighing more than a band it is drawn over."""
    ax.axhspan(100.0, shape.high, color=REGION_COLOURS["backfire"], alpha=0.35, linewidth=0, zorder=0)
    for level in (0.0, 100.0):
        ax.axhline(level, color="#555555", linewidth=1.0, linestyle="--", zorder=1.5)
    f_low, f_high = float(shape.forward(shape.low)), float(shape.forward(shape.high))

    def fraction(values: Any) -> np.ndarray:
        return (shape.forward(values) - f_low) / (f_high - f_low)

    x0, x1 = ax.get_xlim()
    layers = []
    for x, low, high, weight in data:
        points = np.column_stack([(np.asarray(x, dtype=float) - x0) / (x1 - x0), fraction(low), fraction(high)])
        layers.append((points[np.isfinite(points).all(axis=1)], weight))
    hundred, zero = float(fraction(100.0)), float(fraction(0.0))
    # "backfire" just above its line, else at the top of the shaded zone; "no rebound" on
    # either side of its line.
    _label_level(ax, tr("backfire above 100 %", lang), ((hundred, "bottom"), (0.988, "top")), layers)
    _label_level(ax, tr("no rebound (0 %)", lang), ((zero, "top"), (zero, "bottom")), layers)


def _label_level(ax: Axes, text: str, places: Sequence[tuple[float, VAlign]],
                 layers: Sequence[tuple[np.ndarray, float]]) -> None:
    """Write ``text`` at one of ``places`` (height in axes fraction, and whether the text
    stands on it, ``bottom``, or hangs under it, ``top``; in order of preference), at the
    left or the right, where it covers the least data: ``layers`` of points (rows: x, low,
    high in axes fractions) with their weight."""
    box = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.75}
    artist = ax.text(0.985, places[0][0], text, transform=ax.transAxes, ha="right", va=places[0][1],
                     fontsize=8.5, color="#333333", bbox=box, zorder=4)
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    frame = ax.get_window_extent(renderer)
    if artist.get_window_extent(renderer).width > 0.5 * frame.width:  # on two lines, it can avoid data
        artist.set_text(textwrap.fill(text, max(12, math.ceil(len(text) / 2) + 1), break_on_hyphens=False))
    extent = artist.get_window_extent(renderer)
    # Room for the box's padding and for the layout, which shrinks the axes later.
    width, height = 1.2 * extent.width / frame.width + 0.02, 1.35 * extent.height / frame.height + 0.015
    best: tuple[float, int, float, HAlign, VAlign] | None = None
    rank = 0
    for y, va in places:
        y0, y1 = (y, y + height) if va == "bottom" else (y - height, y)
        if y0 < 0.0 or y1 > 1.0:
            continue
        ha: HAlign
        for ha in ("right", "left"):
            x0, x1 = (1.0 - width, 1.0) if ha == "right" else (0.0, width)
            covered = 0.0
            for points, weight in layers:
                inside = points[(points[:, 0] >= x0) & (points[:, 0] <= x1)]
                if len(inside):
                    covered += weight * float(np.mean((inside[:, 2] >= y0) & (inside[:, 1] <= y1)))
            if best is None or (covered, rank) < (best[0], best[1]):
                best = (covered, rank, y, ha, va)
            rank += 1
    if best is None:
        artist.remove()
        return
    _, _, y, ha, va = best
    gap = 0.012 if va == "bottom" else -0.012
    artist.set_position((0.985 if ha == "right" else 0.015, y + gap if y < 0.98 else y))
    artist.set_horizontalalignment(ha)
    artist.set_verticalalignment(va)


def percent_axis(ax: Axes, lang: str) -> None:
    """y ticks of a quantity in % (not a rebound) written for ``lang``, and its 0 line."""
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: plain_number(v, lang)))
    ax.axhline(0.0, color="#555555", linewidth=0.8, zorder=1.5)


__all__ = [
    "LOG_ABOVE_FROM",
    "ReboundAxis",
    "apply_rebound_axis",
    "backfire_zone",
    "percent_axis",
    "rebound_axis",
    "rebound_label",
    "rebound_transform",
]

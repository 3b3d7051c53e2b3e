"""The figure of a run by part of the digital sector.

* ``parts`` — yearly energy (top) and climate change (bottom) of devices, networks and data centres
  over the horizon, actual run, stacked: each band is a part total of the results (``part`` label,
  :data:`~simulator.results.PARTS`), so the top of the stack is the total. A climate change total
  with phases not assessed says which it leaves out; one not assessed at all is not drawn. The scenario's
  targets for energy and climate change are drawn on their panel (:mod:`.targets`).

Reads :class:`~simulator.results.Results` only, like every figure; conventions as in :mod:`.figures`.
"""

from __future__ import annotations

from matplotlib.axes import Axes

from ..display.i18n import tr
from ..display.style import scale_for
from ..results import NOT_ASSESSED, PARTS, Results
from .common import Band, nonzero, note, stack, year_axis
from .figures import category_name, finish, not_assessed_text
from .style import FIGSIZE_TWO_PANELS, new_figure, place_legend, with_style
from .targets import draw_targets

#: Quantities of the figure, top to bottom: ``energy`` or an impact category.
PART_QUANTITIES = ("energy", "climate_change")
#: Colour of each part (Okabe-Ito, colour-blind safe; not the phases' blue, orange and grey).
PART_COLOURS = {"devices": "#CC79A7", "networks": "#56B4E9", "data_centres": "#009E73"}
#: How the figures name each part (keys of the French table).
PART_NAMES = {"devices": "devices", "networks": "networks", "data_centres": "data centres"}


def _panel(ax: Axes, results: Results, quantity: str, lang: str) -> None:
    """Yearly ``quantity`` of each part, actual run, stacked devices at the bottom, in a readable unit."""
    labels = {} if quantity == "energy" else {"category": quantity}
    variable = "energy" if quantity == "energy" else "impact"
    name = tr("Energy", lang) if quantity == "energy" else category_name(quantity, lang)
    times = results.times
    year_axis(ax, times, lang)
    ax.set_title(name, loc="left", fontsize=10.5)
    if variable == "impact" and results.note(variable, **labels) == NOT_ASSESSED:
        ax.set_yticks([])
        note(ax, tr("not assessed in this scenario", lang))
        return
    bands: list[Band] = [(tr(PART_NAMES[part], lang), results.array(variable, part=part, **labels),
                          PART_COLOURS[part], None) for part in PARTS]
    total = results.array(variable, **labels)
    scale = scale_for(results.unit(variable, **labels), total, lang=lang)
    drawn = [b for b in bands if nonzero(b[1])]
    if drawn:
        stack(ax, times, drawn, scale)
        draw_targets(ax, results, quantity, scale, lang)
    else:
        ax.set_yticks([])
        note(ax, tr("zero in this scenario", lang))
    ax.set_ylabel(scale.unit)
    missing = not_assessed_text(results, quantity, lang) if variable == "impact" else ""
    if missing:
        ax.set_title(missing, loc="right", fontsize=8.5, color="#555555")


@with_style
def plot_parts(results: Results, ax: Axes | None = None, lang: str = "en") -> Axes:
    """Yearly energy (kWh/yr, shown scaled) and climate change (kg CO₂e/yr, shown scaled) of each part
    of the digital sector, stacked, actual run. With ``ax`` given, only the energy panel."""
    if ax is not None:
        _panel(ax, results, PART_QUANTITIES[0], lang)
        place_legend(ax, False)
        finish(ax, False, results, lang)
        return ax
    fig = new_figure(FIGSIZE_TWO_PANELS)
    axes = fig.subplots(len(PART_QUANTITIES), 1, sharex=True)
    for panel, quantity in zip(axes, PART_QUANTITIES, strict=True):
        _panel(panel, results, quantity, lang)
    axes[0].set_xlabel("")
    fig.suptitle(tr("Energy and climate change by part of the digital sector (stacked)", lang),
                 fontweight="bold")
    handles, labels = axes[0].get_legend_handles_labels()
    if not handles:
        handles, labels = axes[1].get_legend_handles_labels()
    place_legend(axes[0], True, handles[::-1], labels[::-1], ncol=3)
    finish(axes[0], True, results, lang)
    return axes[0]

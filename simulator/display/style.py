"""Colours, display units, periods and source lines shared by the figures and the live page.

Nothing here imports matplotlib or Plotly, so that the live page and the HTML export load neither
more than they need. Colours come from the Okabe–Ito palette (Okabe & Ito 2008, *Color Universal
Design*) and Paul Tol's schemes, both readable with the common forms of colour-blindness. An
entity's colour depends only on its kind and name (:mod:`.colours`), so 2G, 3G, 4G and 5G, a
smartphone or a data centre look the same in every figure and scenario that has them, whatever
the order of the YAML file.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import UsageError
from .colours import entity_colours
from .i18n import date_text, period_text, tr, unit_text

if TYPE_CHECKING:
    from ..results import Results
    from ..scenario.schema import Scenario


# --- palettes -------------------------------------------------------------------------

#: Okabe–Ito colours by name.
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
}
#: The three runs of a scenario: colour, line style, line width.
VARIANT_STYLES: dict[str, dict[str, Any]] = {
    "actual": {"color": "#D55E00", "linestyle": "-", "linewidth": 2.4},
    "engineering": {"color": "#0072B2", "linestyle": "--", "linewidth": 2.0},
    "frozen": {"color": "#000000", "linestyle": ":", "linewidth": 2.0},
}
#: Regions between the runs in the rebound figure (light, opaque: no colour mixing).
REGION_COLOURS = {"savings": "#A8DCC8", "rebound": "#F6CD85", "backfire": "#E7B3D0"}
#: Life-cycle phases.
PHASE_COLOURS = {"manufacturing": "#0072B2", "use": "#E69F00", "end_of_life": "#8C8C8C"}
#: Scenarios of a comparison, in order (the reference first): Okabe–Ito, then line styles.
SCENARIO_COLOURS = ("#000000", "#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
SCENARIO_LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)))
#: Single series that recur (indexed figure, traffic on a second axis).
QUANTITY_COLOURS = {"traffic": "#000000", "energy": "#D55E00", "energy_intensity": "#0072B2"}
#: Node kinds of the dependency graph.
KIND_COLOURS = {
    "driver": "#FFFFFF", "service": "#CCE6F6", "flow": "#E3E3E3", "generation": "#56B4E9",
    "layer": "#A6A6A6", "device": "#F0E442", "equipment": "#E69F00", "energy": "#F4A582",
    "impact": "#5FC3A5", "workload": "#B3A2C7",
}
SOURCE_COLOUR = "#555555"

# --- names (English keys of the translation table) ---------------------------------------

#: Life-cycle phases in legends (long) and in notes (short).
PHASE_NAMES = {"manufacturing": "manufacturing", "use": "use (electricity)",
               "end_of_life": "end of life"}
SHORT_PHASE_NAMES = {"manufacturing": "manufacturing", "use": "use", "end_of_life": "end of life"}
#: The headline variants of a run.
VARIANT_NAMES = {"actual": "actual", "engineering": "engineering estimate (no rebound)",
                 "frozen": "frozen (start-year technology)"}
#: What each headline measure of :func:`simulator.rebound.headline` is measured against.
MEASURE_NAMES = {"frozen": "against start-year technology", "window": "efficiency gained over the window",
                 "induced": "no counterfactual"}


# --- colours by role --------------------------------------------------------------------


def generation_colours(*scenarios: Scenario, only: Collection[str] | None = None) -> dict[str, str]:
    """Colour of every generation of one or more scenarios (:func:`.colours.entity_colours`: by
    name, 2G…6G fixed), the same in every panel, scenario and file order; the mapping lists them in
    order of launch (earliest over the scenarios). With ``only``, the generations not in it (e.g.
    not drawn) take no colour."""
    launch: dict[str, float] = {}
    for scenario in scenarios:
        for g, item in scenario.generations.items():
            if only is None or g in only:
                launch[g] = min(launch.get(g, math.inf), item.launch)
    return entity_colours("generation", sorted(launch, key=lambda g: launch[g]))


def launch_order(scenario: Scenario, names: Sequence[str]) -> list[str]:
    """``names`` (generations) sorted by launch year, oldest first."""
    launch = {g: scenario.generations[g].launch for g in scenario.generations}
    return sorted(names, key=lambda g: (launch.get(g, math.inf), g))


def scenario_style(index: int) -> dict[str, Any]:
    """Line colour, style and width of the ``index``-th scenario of a comparison (the first,
    the reference, in black): two identical runs stay distinguishable (dashes over a line)."""
    return {"color": SCENARIO_COLOURS[index % len(SCENARIO_COLOURS)],
            "linestyle": SCENARIO_LINESTYLES[index % len(SCENARIO_LINESTYLES)],
            "linewidth": 2.6 if index == 0 else 2.0}


# --- display units ----------------------------------------------------------------------

# Ladders of (factor from the canonical unit, display name), smallest first.
_COUNT = ((1.0, "{}"), (1e3, "thousand {}"), (1e6, "million {}"), (1e9, "billion {}"))
_LADDERS: dict[str, tuple[tuple[float, str], ...]] = {
    "kWh": ((1e-3, "Wh"), (1.0, "kWh"), (1e3, "MWh"), (1e6, "GWh"), (1e9, "TWh"), (1e12, "PWh")),
    "GB": ((1e-3, "MB"), (1.0, "GB"), (1e3, "TB"), (1e6, "PB"), (1e9, "EB"), (1e12, "ZB")),
    "kg": ((1e-3, "g"), (1.0, "kg"), (1e3, "t"), (1e6, "kt"), (1e9, "Mt"), (1e12, "Gt")),
    "MJ": ((1e-3, "kJ"), (1.0, "MJ"), (1e3, "GJ"), (1e6, "TJ"), (1e9, "PJ"), (1e12, "EJ")),
    "m**3": ((1e-3, "L"), (1.0, "m³"), (1e3, "thousand m³"), (1e6, "million m³"),
             (1e9, "billion m³")),
}
_COUNT_NOUNS = {"unit": "units", "site": "sites", "user": "users"}
_QUALIFIERS = {"CO2e": "CO₂e", "Sb_eq": "Sb eq", "Cu_eq": "Cu eq"}
_DENOMINATORS = {"yr": "yr", "GB": "GB"}


@dataclass(frozen=True)
class Scale:
    """A display unit: values in the canonical unit are divided by ``factor``."""

    factor: float
    unit: str

    def __call__(self, values: Any) -> np.ndarray:
        return np.asarray(values, dtype=float) / self.factor

    def label(self, quantity: str) -> str:
        """Axis label, e.g. ``Energy (TWh/yr)``."""
        return f"{quantity} ({self.unit})" if self.unit else quantity


def scale_for(unit: str, *values: Any, lang: str = "en") -> Scale:
    """Readable prefix for data in ``unit`` (canonical, e.g. ``kWh/yr``), from its largest value.

    The largest finite magnitude is shown between 1 and 1000 where the unit has a
    ladder of prefixes (kWh, GB, kg, MJ, m³, counts); other units are only prettified.
    The unit is written for ``lang`` (``TWh/an``, ``Eo/an``, ``milliers de sites`` in French).
    """
    scale = _scale_for(unit, *values)
    return Scale(scale.factor, unit_text(scale.unit, lang))


def _scale_for(unit: str, *values: Any) -> Scale:
    numerator, _, denominator = unit.partition("/")
    head, _, qualifier = numerator.strip().partition(" ")
    per = f"/{_DENOMINATORS.get(denominator, denominator)}" if denominator else ""
    tail = f" {_QUALIFIERS.get(qualifier, qualifier)}" if qualifier else ""
    if head in _COUNT_NOUNS:
        ladder = tuple((f, name.format(_COUNT_NOUNS[head])) for f, name in _COUNT)
    elif head in _LADDERS:
        ladder = _LADDERS[head]
    else:
        return Scale(1.0, "" if unit in ("1", "") else numerator + tail + per)
    flat = np.concatenate([np.abs(np.ravel(np.asarray(v, dtype=float))) for v in values] or [[]])
    flat = flat[np.isfinite(flat)]
    peak = float(flat.max()) if flat.size else 0.0
    canonical = next(i for i, (f, _) in enumerate(ladder) if f == 1.0)
    if peak > 0:
        fits = [i for i, (f, _) in enumerate(ladder) if f <= peak]
        index = fits[-1] if fits else 0
    else:
        index = canonical
    factor, name = ladder[index]
    return Scale(factor, f"{name}{tail}{per}")


# --- source line ------------------------------------------------------------------------


def period(scenario: Scenario) -> str:
    """``2010–2030`` for a scenario's horizon."""
    return period_text(scenario.time.start, scenario.time.end)


def results_period(results: Results) -> str:
    """``2010–2030`` for the instants a run holds (its scenario's horizon, or a window of it)."""
    return period_text(float(results.times[0]), float(results.times[-1]))


def source_date() -> dt.date:
    """The date of the source line: ``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC) when set,
    for reproducible builds (https://reproducible-builds.org/specs/source-date-epoch/); today
    otherwise."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return dt.date.today()
    try:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    except (ValueError, OverflowError, OSError):
        raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since "
                         "1970-01-01 (UTC)") from None


def source_text(scenario: Scenario, version: str, what: str = "simulation", lang: str = "en",
                span: tuple[float, float] | None = None) -> str:
    """``Source: jevons <version> simulation, scenario '<name>' (<start>–<end>), <date>``.

    ``what`` is ``simulation`` or ``dependency graph``; ``span`` (start, end) replaces the
    scenario's horizon (a run restricted to some years).
    """
    start, end = span if span is not None else (scenario.time.start, scenario.time.end)
    key = f"Source: jevons {{version}} {what}, scenario '{{name}}' ({{period}}), {{date}}"
    return tr(key, lang, version=version, name=scenario.name, period=period_text(start, end),
              date=date_text(source_date(), lang))


def comparison_source_text(names: Sequence[str], version: str, start: float, end: float,
                           lang: str = "en") -> str:
    """``Source: jevons <version> simulations, scenarios 'a', 'b' (<start>–<end>), <date>``."""
    quoted = ", ".join(tr("'{name}'", lang, name=n) for n in names)
    return tr("Source: jevons {version} simulations, scenarios {names} ({period}), {date}", lang,
              version=version, names=quoted, period=period_text(start, end),
              date=date_text(source_date(), lang))

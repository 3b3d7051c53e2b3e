"""What the page's charts draw: their fixed setup, and the numbers of each run.

The setup (names, colours, units, scales, years, which charts are shown) is chosen once per page
from the scenario's own run and does not change while sliders move, so that axes keep their units
and a class can compare one position with the next. A chart that would say nothing is left out: a
stacked chart with fewer than two bands that are ever above zero (the classroom scenario's energy
by generation repeats its energy line; its emissions are that energy × 0.48). The setup also
holds the axes' ranges over the sliders' ranges (:meth:`Charts.ranges`), which the page uses when
asked to keep the same axes for every setting. Each run then sends only the series the charts
draw, in display units, at :data:`SIGNIFICANT` significant digits: about 3,000 numbers (16 kB of
JSON) for the baseline, 650 (3 kB) for the classroom scenario (measured with jevons 0.1.0), with
the verdict, the warning of an implausible run and, where the scenario has one, its closed form.

Colours come from :mod:`simulator.display.style` (the report's figures), so the page and the PNGs
read the same; the names of the lines are the page's own plainer words (:mod:`.words`). Numbers
come from :class:`~simulator.results.Results`' own methods; nothing here recomputes the model.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from .. import rebound as measures
from ..display.colours import run_colours
from ..display.i18n import tr, unit_text
from ..display.names import display_name
from ..display.style import (
    OKABE_ITO,
    PHASE_COLOURS,
    PHASE_NAMES,
    REGION_COLOURS,
    VARIANT_STYLES,
    launch_order,
    scale_for,
    source_text,
)
from ..errors import SimulatorError
from ..results import Results
from ..scenario.schema import PHASES
from ..scenario.sliders import in_language
from ..version import __version__
from .explorer import BadMove, Explorer, SliderSpec, decimals_of
from .formula import closed_form, formula_numbers
from .lesson import lesson_setup
from .words import say, verdict, warning

#: Significant digits of the numbers sent to the page: finer than a chart can show.
SIGNIFICANT = 4
#: Largest over smallest positive energy above which an energy axis is logarithmic: frozen over
#: engineering energy at the end of the horizon for the page's own axes (the baseline: start-year
#: technology carrying 2050 demand dwarfs the other runs), and over the sliders' ranges for the
#: fixed axes.
LOG_RATIO = 100.0
#: Line styles of matplotlib (the report) in Plotly's words.
DASHES = {"-": "solid", "--": "dash", ":": "dot", "-.": "dashdot"}
#: Background of the verdict line by kind: the colours of the regions of the rebound figure.
VERDICT_COLOURS = {"backfire": REGION_COLOURS["backfire"], "full": REGION_COLOURS["rebound"],
                   "partial": REGION_COLOURS["rebound"], "none": REGION_COLOURS["savings"],
                   "negative": REGION_COLOURS["savings"], "undefined": "#E3E3E3"}
#: The charts of the page, in the order of the page.
CHARTS = ("energy", "rebound", "stack", "climate")
#: The page's names of the runs (plain words; the report says "engineering estimate", "frozen") and
#: a sentence of help for each, with ``{year}`` the start of the horizon.
LINES = {
    "actual": ("energy used",
               "What the system uses in the simulation: better technology, and more use as data gets cheaper."),
    "engineering": ("expected: efficiency alone", "What an engineer would expect: the same better technology, "
                    "with use as if data had not got cheaper."),
    "frozen": ("with {year} technology", "The energy with the technology of {year} kept unchanged: no efficiency "
               "gain, so no cheaper data either."),
}
#: Help of each life-cycle phase.
PHASE_HELP = {"manufacturing": "Emissions from making the equipment.",
              "use": "Emissions from producing the electricity used.",
              "end_of_life": "Emissions from discarding the equipment."}


def rounded(values: np.ndarray) -> list[float | int | None]:
    """``values`` at :data:`SIGNIFICANT` significant digits, whole ones as integers (``48``, not
    ``48.0``: shorter JSON); NaN and infinities as None (JSON null)."""
    out: list[float | int | None] = []
    for v in values.tolist():
        if not math.isfinite(v):
            out.append(None)
            continue
        r = float(f"{v:.{SIGNIFICANT}g}")
        out.append(int(r) if r.is_integer() and abs(r) < 1e15 else r)
    return out


def _above_zero(values: np.ndarray) -> bool:
    finite = values[np.isfinite(values)]
    return bool(finite.size and np.abs(finite).max() > 0)


def slider_setup(spec: SliderSpec, lang: str) -> dict[str, Any]:
    """What the page needs to draw one slider and show its values: ``kind`` (``percent``: a fraction
    shown ×100; ``year``: a date, whole or by quarters; ``number``), ``decimals`` of the value shown,
    the help sentence and, for a price elasticity, ``explain`` (the page says what it means)."""
    s = spec.slider
    kind = spec.kind
    decimals = decimals_of(100 * s.step, 100 * s.min) if kind == "percent" else spec.decimals
    return {"name": spec.name, "label": in_language(s.label, lang), "unit": unit_text(s.unit, lang),
            "help": in_language(s.help, lang) if s.help is not None else "", "kind": kind, "decimals": decimals,
            "min": s.min, "max": s.max, "step": s.step, "value": spec.start,
            "explain": "elasticity" if spec.targets[0][-1] == "elasticity" else None}


def envelope(explorer: Explorer, ends: Mapping[str, tuple[float, float]]) -> list[Results]:
    """The runs the fixed axes cover besides the scenario's own: each slider at either end of ``ends``
    (its range) with the others at the scenario's values. A combination the scenario refuses, or one
    the model cannot run, is left out. Moving several sliders at once can go beyond them: the page
    then widens the axes to what it draws."""
    runs = []
    for name, (low, high) in ends.items():
        for value in (low, high):
            try:
                runs.append(explorer.run({name: value}))
            except (BadMove, SimulatorError):
                continue
    return runs


class Charts:
    """The charts of one page (one scenario, one language): setup and per-run numbers.

    ``reference`` is the scenario's own run (no slider moved): it fixes the display units
    (TWh/yr, Mt CO₂e/yr...) from the actual run's largest values, the bands of the energy stack
    (every generation, layer and device that draws energy, in order of launch), which charts are
    shown and whether the energy axis is logarithmic.
    """

    def __init__(self, explorer: Explorer, reference: Results, lang: str):
        self.explorer, self.lang = explorer, lang
        scenario = explorer.scenario
        self.energy_scale = scale_for(reference.unit("energy"), reference.array("energy"), lang=lang)
        climate = reference.array("impact", category="climate_change")
        self.climate_scale = scale_for(reference.unit("impact", category="climate_change"), climate, lang=lang)
        frozen, engineering = (reference.array("energy", v)[-1] for v in ("frozen", "engineering"))
        self.log_energy = bool(reference.has_rebound and engineering > 0 and frozen / engineering > LOG_RATIO)
        swatches = run_colours(reference)  # as in the figures of the same run

        def named(kind: str, key: str) -> str:  # the entity's label, or a readable form of its key
            return display_name(scenario, kind, key, lang)

        self.bands: list[tuple[dict[str, str], dict[str, str]]] = [
            ({"generation": g}, {"name": named("generation", g), "colour": swatches[g].colour,
                                 "pattern": swatches[g].pattern,
                                 "help": say("Energy of the {name} radio network.", lang, name=named("generation", g))})
            for g in launch_order(scenario, reference.labels("energy", "generation"))]
        for name in reference.labels("energy", "layer"):
            self.bands.append(({"layer": name}, {
                "name": tr("{name} (layer)", lang, name=named("layer", name)), "colour": swatches[name].colour,
                "pattern": swatches[name].pattern,
                "help": say("Energy of this layer of the network, which every GB crosses: {name}.", lang,
                            name=named("layer", name))}))
        for name in reference.labels("energy", "device"):
            self.bands.append(({"device": name}, {
                "name": tr("{name} (devices)", lang, name=named("device", name)), "colour": swatches[name].colour,
                "pattern": swatches[name].pattern,
                "help": say("Electricity of the users’ devices: {name}.", lang, name=named("device", name))}))
        self.measure = measures.headline_measure(reference)
        self.start = f"{scenario.time.start:g}"
        self.rebound_title = (say("Rebound: savings of the last {years} years’ efficiency taken back by more use",
                                  lang, years=f"{scenario.rebound.window:g}")
                              if self.measure == "window" else
                              say("Rebound: expected savings taken back by more use", lang))
        self.times = reference.times
        self.source = source_text(scenario, __version__, lang=lang)
        self.formula = closed_form(scenario)
        reference_numbers = self.numbers(reference, {})
        bands, phases = (sum(_above_zero(np.asarray(series, dtype=float)) for series in reference_numbers[chart])
                         for chart in ("stack", "climate"))
        self.charts = [name for name, shown in zip(CHARTS, (True, reference.has_rebound, bands >= 2, phases >= 2),
                                                   strict=True) if shown]

    def ranges(self, runs: Iterable[Results]) -> dict[str, Any]:
        """The axes' ranges over ``runs`` (see :func:`envelope`), in display units: ``energy`` (smallest
        positive and largest value of the three runs) and ``energy_log`` (whether that range needs a log
        axis), ``rebound`` (lowest and highest R, %), ``stack`` and ``climate`` (highest total)."""
        energy: list[float] = []
        rebound: list[float] = [0.0]
        peaks: dict[str, list[float]] = {"stack": [0.0], "climate": [0.0]}
        for results in runs:
            numbers = self.numbers(results, {})
            values = np.array([numbers["energy"][v] for v in ("actual", "engineering", "frozen")], dtype=float)
            energy.extend(values[np.isfinite(values) & (values > 0)].tolist())
            curve = np.asarray(numbers["rebound"] or [], dtype=float)
            rebound.extend(curve[np.isfinite(curve)].tolist())
            for chart, peak in peaks.items():
                if numbers[chart]:
                    peak.append(float(np.nanmax(np.nansum(np.asarray(numbers[chart], dtype=float), axis=0))))
        low, high = (min(energy), max(energy)) if energy else (1.0, 1.0)
        return {"energy": [low, high], "energy_log": high / low > LOG_RATIO, "rebound": [min(rebound), max(rebound)],
                "stack": max(peaks["stack"]), "climate": max(peaks["climate"])}

    def setup(self, fixed: dict[str, Any] | None = None) -> dict[str, Any]:
        """Everything the page needs before the first run: words, sliders, colours, units, years, the
        charts shown, and the ``fixed`` axes' ranges (:meth:`ranges`) if the page offers them."""
        lang, scenario = self.lang, self.explorer.scenario
        sliders = [slider_setup(spec, lang) for spec in self.explorer.sliders.values()]
        variants = {v: {"name": say(LINES[v][0], lang, year=self.start),
                        "help": say(LINES[v][1], lang, year=self.start),
                        "colour": style["color"], "dash": DASHES[style["linestyle"]], "width": 1.6 * style["linewidth"]}
                    for v, style in VARIANT_STYLES.items()}
        words = {key: say(text, lang, year=self.start) if "{year}" in text else say(text, lang) for key, text in {
            "tagline": "The Jevons paradox: when efficiency leads to more consumption, not less.",
            "energy_title": "Energy used, and what it would have been",
            "stack_title": "Where the energy goes (stacked)",
            "climate_title": "Greenhouse gases: making, using, discarding equipment", "year": "Year",
            "rebound_axis": "Rebound (%)", "rebound_line": "rebound",
            "rebound_help": "The share of the expected savings taken back: 0 % none, 100 % all of them, above 100 % "
                            "backfire.",
            "rebound_region": "rebound: savings taken back",
            "rebound_region_help": "The savings the engineer expected that the extra use took back.",
            "backfire_region": "backfire: above {year} technology",
            "backfire_region_help": "More energy than with the technology of {year}: efficiency raised consumption "
                                    "(the Jevons paradox).",
            "backfire_line": "backfire above 100 %", "zero_line": "no rebound (0 %)",
            "pinned": "pinned: {settings}",
            "pinned_help": "The same line for the pinned settings, to compare with the live one.",
            "lines_help": "What do these lines mean?", "colours_help": "What do these colours mean?",
            "log": "log scale", "linear": "linear scale", "widened": "widened for these settings",
            "tabs": "Other charts", "tab_rebound": "Rebound", "tab_stack": "Where the energy goes",
            "tab_climate": "Greenhouse gases",
            "address_value": "The address sets “{label}” to {value}, which the slider does not offer ({min} to "
                             "{max}): it is at {shown} instead.",
            "reset": "Reset", "projector": "Projector view", "full": "Full view",
            "fixed": "Same axes for every setting",
            "pin": "Pin this run", "unpin": "Unpin", "link": "Link to these settings",
            "live_note": "Move a slider: the simulation runs again and the charts follow.",
            "grid_note": "This file holds {count} simulations computed in advance: the sliders move from one to the "
                         "next. Everything else is as in the scenario.",
            "bad_move": "Cannot run these values: {message}",
            "no_server": "The server does not answer (is jevons serve still running?)",
            "elasticity": "A GB 10 % cheaper → about {value} more use",
            "elasticity_zero": "A GB 10 % cheaper → no more use",
            "quarter": "Q{quarter}", "after_end": "after {end}",
            "formula_title": "The formula behind the chart",
            "formula_x": "Energy per GB in {end} vs {start}",
            "formula_ratio": "Energy used ÷ energy with {start} technology",
            "simulation": "simulation", "epsilon": "ε: price elasticity",
        }.items()}
        words["rebound_title"] = self.rebound_title
        title = in_language(scenario.title, lang) or scenario.name
        return {
            "lang": lang, "title": title, "description": in_language(scenario.description, lang).strip(),
            "source": self.source, "times": self.times.tolist(), "start": self.start, "sliders": sliders,
            "words": words, "separators": ", " if lang == "fr" else ".,", "charts": self.charts,
            "formula": self.formula, "fixed": fixed, "lesson": lesson_setup(self.explorer, lang),
            "energy": {"quantity": tr("Energy", lang), "unit": self.energy_scale.unit, "log": self.log_energy,
                       "variants": variants,
                       "regions": {"rebound": REGION_COLOURS["rebound"], "backfire": REGION_COLOURS["backfire"]}},
            "rebound": {"colour": OKABE_ITO["black"], "backfire": REGION_COLOURS["backfire"]},
            "stack": {"quantity": tr("Energy", lang), "unit": self.energy_scale.unit,
                      "bands": [b for _, b in self.bands]},
            "climate": {"axis": say("Emissions ({unit})", lang, unit=self.climate_scale.unit),
                        "phases": [{"name": tr(PHASE_NAMES[ph], lang), "colour": PHASE_COLOURS[ph],
                                    "help": say(PHASE_HELP[ph], lang)} for ph in PHASES]},
            "verdict_colours": VERDICT_COLOURS,
        }

    def _rebound(self, results: Results) -> np.ndarray:
        """R(t) of the page's measure (fixed by the scenario's own run): against frozen start-year
        technology where that is meaningful, else of the efficiency gained over the last Δ years."""
        if self.measure == "window" and results.has_measure("window"):
            return measures.window(results, "energy")
        return results.rebound("energy")

    def numbers(self, results: Results, values: dict[str, float]) -> dict[str, Any]:
        """The series of one run, in the setup's display units, with the verdict, the warning if the
        run is not plausible (else ""), the closed form's numbers where the scenario has one (else
        None) and the slider ``values`` it ran with."""
        energy, climate = self.energy_scale, self.climate_scale
        return {
            "values": values,
            "energy": {v: rounded(energy(results.array("energy", v))) for v in ("actual", "engineering", "frozen")},
            "rebound": rounded(100.0 * self._rebound(results)) if results.has_rebound else None,
            "stack": [rounded(energy(results.array("energy", **labels))) for labels, _ in self.bands],
            "climate": [rounded(climate(results.array("impact", category="climate_change", phase=ph)))
                        for ph in PHASES],
            "verdict": verdict(results, self.lang),
            "warning": warning(results, self.lang),
            "formula": _significant(formula_numbers(results)) if self.formula else None,
        }


def _significant(numbers: dict[str, float] | None) -> dict[str, float] | None:
    """``numbers`` at :data:`SIGNIFICANT` significant digits (the page shows three)."""
    return None if numbers is None else {k: float(f"{v:.{SIGNIFICANT}g}") for k, v in numbers.items()}

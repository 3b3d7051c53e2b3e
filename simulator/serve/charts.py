"""What the page's four charts draw: their fixed setup, and the numbers of each run.

The setup (names, colours, units, scales, years) is chosen once per page from the scenario's
own run and does not change while sliders move, so that axes keep their units and a class can
compare one position with the next. Each run then sends only the series the charts draw, in
display units, at :data:`SIGNIFICANT` significant digits: about 3,000 numbers (16 kB of JSON)
for the baseline, 650 (3 kB) for the classroom scenario (measured with jevons 0.1.0).

Colours, names and units come from :mod:`simulator.plots` (the report's figures), so the page
and the PNGs read the same. Numbers come from :class:`~simulator.results.Results`' own
methods; nothing here recomputes the model.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import rebound as measures
from ..display.i18n import data_name, tr, unit_text
from ..display.style import (
    DEVICE_COLOURS,
    LAYER_COLOURS,
    OKABE_ITO,
    PHASE_COLOURS,
    PHASE_NAMES,
    REGION_COLOURS,
    VARIANT_NAMES,
    VARIANT_STYLES,
    cycled,
    generation_colours,
    launch_order,
    scale_for,
    source_text,
)
from ..results import Results
from ..scenario.schema import PHASES
from ..version import __version__
from .explorer import Explorer
from .words import say, verdict

#: Significant digits of the numbers sent to the page: finer than a chart can show.
SIGNIFICANT = 4
#: Frozen over engineering energy at the end of the horizon above which the energy chart has a
#: log axis (the baseline: start-year technology carrying 2050 demand dwarfs the other runs).
LOG_RATIO = 100.0
#: Line styles of matplotlib (the report) in Plotly's words.
DASHES = {"-": "solid", "--": "dash", ":": "dot", "-.": "dashdot"}
#: Plotly hatch of the layer bands (the report hatches them "//").
LAYER_PATTERN = "/"
#: Background of the verdict line by kind: the colours of the regions of the rebound figure.
VERDICT_COLOURS = {"backfire": REGION_COLOURS["backfire"], "full": REGION_COLOURS["rebound"],
                   "partial": REGION_COLOURS["rebound"], "none": REGION_COLOURS["savings"],
                   "negative": REGION_COLOURS["savings"], "undefined": "#E3E3E3"}


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


class Charts:
    """The four charts of one page (one scenario, one language): setup and per-run numbers.

    ``reference`` is the scenario's own run (no slider moved): it fixes the display units
    (TWh/yr, Mt CO₂e/yr...) from the actual run's largest values, the bands of the energy stack
    (every generation, layer and device that draws energy, in order of launch) and whether the
    energy axis is logarithmic.
    """

    def __init__(self, explorer: Explorer, reference: Results, lang: str):
        self.explorer, self.lang = explorer, lang
        scenario = explorer.scenario
        self.energy_scale = scale_for(reference.unit("energy"), reference.series("energy"), lang=lang)
        climate = reference.series("impact", category="climate_change")
        self.climate_scale = scale_for(reference.unit("impact", category="climate_change"), climate, lang=lang)
        frozen, engineering = (reference.series("energy", v)[-1] for v in ("frozen", "engineering"))
        self.log_energy = bool(reference.has_rebound and engineering > 0 and frozen / engineering > LOG_RATIO)
        colours = generation_colours(scenario)
        self.bands: list[tuple[dict[str, str], dict[str, str]]] = [
            ({"generation": g}, {"name": data_name(g, lang), "colour": colours[g], "pattern": ""})
            for g in launch_order(scenario, reference.labels("energy", "generation"))]
        for name, colour in cycled(LAYER_COLOURS, reference.labels("energy", "layer")).items():
            self.bands.append(({"layer": name}, {"name": tr("{name} (layer)", lang, name=data_name(name, lang)),
                                                 "colour": colour, "pattern": LAYER_PATTERN}))
        for name, colour in cycled(DEVICE_COLOURS, reference.labels("energy", "device")).items():
            self.bands.append(({"device": name}, {"name": tr("{name} (devices)", lang, name=data_name(name, lang)),
                                                  "colour": colour, "pattern": ""}))
        self.measure = measures.headline_measure(reference)
        window = scenario.rebound.window
        self.rebound_title = (say("Rebound R(t) of the efficiency gained over the previous {years} years", lang,
                                  years=f"{window:g}") if self.measure == "window" else
                              say("Rebound R(t) against {year} technology", lang, year=f"{scenario.time.start:g}"))
        self.times = reference.times
        self.source = source_text(scenario, __version__, lang=lang)

    def setup(self) -> dict[str, Any]:
        """Everything the page needs before the first run: words, sliders, colours, units, years."""
        lang, scenario = self.lang, self.explorer.scenario
        sliders = [{"name": s.name, "label": getattr(s.slider.label, lang), "unit": unit_text(s.slider.unit, lang),
                    "min": s.slider.min, "max": s.slider.max, "step": s.slider.step, "decimals": s.decimals,
                    "value": s.start} for s in self.explorer.sliders.values()]
        variants = {v: {"name": tr(VARIANT_NAMES[v], lang), "colour": style["color"],
                        "dash": DASHES[style["linestyle"]], "width": 1.6 * style["linewidth"]}
                    for v, style in VARIANT_STYLES.items()}
        words = {key: say(text, lang) for key, text in {
            "energy_title": "Energy use: actual, engineering estimate, frozen technology",
            "stack_title": "Energy by generation (stacked)",
            "climate_title": "Climate change by life-cycle phase", "year": "Year",
            "rebound_axis": "Rebound R (%)", "rebound_line": "rebound R",
            "rebound_region": "rebound (eats expected savings)", "backfire_region": "backfire (above frozen)",
            "backfire_line": "backfire above 100 %", "zero_line": "no rebound (0 %)", "reset": "Reset",
            "live_note": "Each move reruns the simulation with its counterfactuals.",
            "grid_note": "Precomputed grid: {count} runs of the simulation; other values as in the scenario.",
            "bad_move": "Cannot run these values: {message}",
            "no_server": "The server does not answer (is jevons serve still running?)",
        }.items()}
        words["rebound_title"] = self.rebound_title
        return {
            "lang": lang, "title": scenario.name, "description": scenario.description.strip(),
            "source": self.source, "times": self.times.tolist(), "sliders": sliders, "words": words,
            "separators": ", " if lang == "fr" else ".,",
            "energy": {"axis": self.energy_scale.label(tr("Energy", lang)), "log": self.log_energy,
                       "variants": variants,
                       "regions": {"rebound": REGION_COLOURS["rebound"], "backfire": REGION_COLOURS["backfire"]}},
            "rebound": {"colour": OKABE_ITO["black"], "backfire": REGION_COLOURS["backfire"]},
            "stack": {"axis": self.energy_scale.label(tr("Energy", lang)), "bands": [b for _, b in self.bands]},
            "climate": {"axis": self.climate_scale.unit,
                        "phases": [{"name": tr(PHASE_NAMES[ph], lang), "colour": PHASE_COLOURS[ph]}
                                   for ph in PHASES]},
            "verdict_colours": VERDICT_COLOURS,
        }

    def _rebound(self, results: Results) -> np.ndarray:
        """R(t) of the page's measure (fixed by the scenario's own run): against frozen start-year
        technology where that is meaningful, else of the efficiency gained over the last Δ years."""
        if self.measure == "window" and results.has_measure("window"):
            return measures.window(results, "energy")
        return results.rebound("energy")

    def numbers(self, results: Results, values: dict[str, float]) -> dict[str, Any]:
        """The series of one run, in the setup's display units, with the verdict and the slider
        ``values`` it ran with."""
        energy, climate = self.energy_scale, self.climate_scale
        return {
            "values": values,
            "energy": {v: rounded(energy(results.series("energy", v))) for v in ("actual", "engineering", "frozen")},
            "rebound": rounded(100.0 * self._rebound(results)) if results.has_rebound else None,
            "stack": [rounded(energy(results.series("energy", **labels))) for labels, _ in self.bands],
            "climate": [rounded(climate(results.series("impact", category="climate_change", phase=ph)))
                        for ph in PHASES],
            "verdict": verdict(results, self.lang),
        }

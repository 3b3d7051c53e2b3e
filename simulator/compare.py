"""Compare runs of several scenarios: headline figures side by side, differences to the first.

Scenarios with different horizons are compared on their common years (each run is
restricted to them before totals are taken) and the comparison says so.

Every row says the years it covers (``period``): the common years for cumulative
totals and the rebound, the final-year window (the last year of steps, over
which ``final_year`` is a mean: :meth:`Results.final`) for final-year values.
Impacts not assessed in a scenario (no factor given) are NaN with ``note`` =
``not assessed``, never 0; partial totals say so in ``note``; and a difference
between rows of different scope (a partial total against a complete one) is
left out (NaN) rather than computed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import rebound as measures
from .errors import UsageError
from .results import Results
from .scenario.schema import CATEGORIES, PHASES


@dataclass
class Comparison:
    """Runs restricted to their common years, labelled by scenario name (the first is the reference)."""

    runs: list[Results]
    labels: list[str]
    start: float
    end: float
    notes: list[str] = field(default_factory=list)
    """Every note (the command line prints them, comparison.json holds them)."""
    table_notes: list[str] = field(default_factory=list)
    """Those of them about the table only (the final-year window, impacts not assessed): figures
    say these things in their own words, so their footers leave them out."""

    @property
    def figure_notes(self) -> list[str]:
        """The notes a figure's footer shows (horizons, time steps)."""
        return [n for n in self.notes if n not in self.table_notes]

    def _rows(self, run: Results) -> list[dict[str, Any]]:
        rows = []
        quantities: list[tuple[str, str, dict[str, str], str]] = [("energy", "energy", {}, ""),
                                                                  ("traffic", "traffic", {}, "")]
        for cat in CATEGORIES:
            quantities.append((cat, "impact", {"category": cat}, ""))
            quantities.extend((cat, "impact", {"category": cat, "phase": ph}, ph) for ph in PHASES)
        actual = run.variants.index("actual")
        whole = f"{run.times[0]:g}-{run.times[-1]:g}"
        last = "{:g}-{:g}".format(*run.final_window)
        for name, variable, labels, phase in quantities:
            unit, note = run.unit(variable, **labels), run.note(variable, **labels)
            rows.append({"quantity": name, "phase": phase, "statistic": "cumulative", "period": whole,
                         "unit": unit.removesuffix("/yr"), "value": float(run.cumulative(variable, **labels)[actual]),
                         "note": note})
            rows.append({"quantity": name, "phase": phase, "statistic": "final_year", "period": last, "unit": unit,
                         "value": float(run.final(variable, **labels)[actual]), "note": note})
        if run.has_rebound:
            end = f"{run.times[-1]:g}"
            for q in run.rebound_quantities:
                note = run.note("rebound", category=q)
                induced = measures.induced(run, q)
                r = run.cumulative_rebound(q)
                statistics = [("induced", whole, induced["unit"], induced["absolute"]),
                              ("induced_relative", whole, "1", induced["relative"]),
                              ("rebound", whole, "1", r)]
                for measure, function in (("window", measures.window), ("marginal", measures.marginal)):
                    if run.has_measure(measure):
                        statistics.append((f"rebound_{measure}", end, "1", float(function(run, q)[-1])))
                for statistic, period, unit, value in statistics:
                    rows.append({"quantity": q, "phase": "", "statistic": statistic, "period": period, "unit": unit,
                                 "value": np.nan if value is None else value, "note": note})
        return rows

    def to_frame(self) -> pd.DataFrame:
        """One row per scenario × quantity × phase × statistic (with the ``period`` it covers, and a
        ``note`` for impacts not assessed or partial), with the difference to the first scenario
        (NaN where the two rows differ in scope: their notes differ)."""
        frames = []
        for label, run in zip(self.labels, self.runs, strict=True):
            frame = pd.DataFrame(self._rows(run))
            frame.insert(0, "scenario", label)
            frames.append(frame)
        table = pd.concat(frames, ignore_index=True)
        keys = ["quantity", "phase", "statistic"]
        index = table.set_index(keys).index
        reference = frames[0].set_index(keys)
        ref = np.asarray(index.map(reference["value"].to_dict()), dtype=float)
        same_scope = np.asarray(index.map(reference["note"].to_dict())) == table["note"].to_numpy()
        table["difference"] = np.where(same_scope, table["value"] - ref, np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            pct = np.where(ref != 0, 100.0 * table["difference"] / ref, np.nan)
        table["difference_pct"] = pct
        notes = table.pop("note")
        table["note"] = notes
        return table

    def to_dict(self) -> dict[str, Any]:
        """The same as nested JSON: scenario → quantity → phase ("total" if none) → statistic."""
        out: dict[str, Any] = {"reference": self.labels[0], "start": self.start, "end": self.end,
                               "notes": list(self.notes), "scenarios": {}}
        for row in self.to_frame().to_dict("records"):
            entry = (out["scenarios"].setdefault(row["scenario"], {})
                     .setdefault(row["quantity"], {}).setdefault(row["phase"] or "total", {}))
            entry[row["statistic"]] = {
                k: (None if isinstance(v, float) and not np.isfinite(v) else v)
                for k, v in row.items() if k in ("period", "unit", "value", "difference", "difference_pct")
                or (k == "note" and v)
            }
        return out


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    labels = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        labels.append(name if seen[name] == 1 else f"{name} #{seen[name]}")
    return labels


def _assessment_notes(runs: list[Results], labels: list[str]) -> list[str]:
    """One line per impact category that some scenario does not assess in full: which phases, where."""
    lines = []
    for cat in CATEGORIES:
        where = [f"{label} ({', '.join(run.not_assessed[cat])})"
                 for label, run in zip(labels, runs, strict=True) if cat in run.not_assessed]
        if where:
            lines.append(f"{cat} not assessed in {', '.join(where)}: empty in the table and figures, not 0; "
                         "totals without these phases are partial (note column)")
    return lines


def compare(runs: list[Results]) -> Comparison:
    """Compare runs (at least two) on their common years; the first is the reference."""
    if len(runs) < 2:
        raise UsageError("a comparison needs at least two runs")
    start = max(float(r.times[0]) for r in runs)
    end = min(float(r.times[-1]) for r in runs)
    if end <= start:
        raise UsageError(f"the scenarios have no common years (latest start {start:g}, earliest end {end:g})")
    notes = []
    differ = any(float(r.times[0]) != start or float(r.times[-1]) != end for r in runs)
    if differ:
        horizons = ", ".join(f"{r.scenario.name} {r.times[0]:g}-{r.times[-1]:g}" for r in runs)
        notes.append(f"horizons differ ({horizons}): compared on the common years {start:g}-{end:g}")
        runs = [r.window(start, end) for r in runs]
    steps = {r.scenario.time.step for r in runs}
    if len(steps) > 1:
        notes.append(f"time steps differ ({', '.join(f'{s:g}' for s in sorted(steps))} yr); totals are integrals "
                     "over each run's own steps")
    labels = _unique([r.scenario.name for r in runs])
    windows = ", ".join(dict.fromkeys("{:g}-{:g}".format(*r.final_window) for r in runs))
    table_notes = [f"final_year: mean over the last year of steps, {windows} (period column)",
                   *_assessment_notes(runs, labels)]
    return Comparison(runs, labels, start, end, [*notes, *table_notes], table_notes)

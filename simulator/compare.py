"""Compare runs of several scenarios: headline figures side by side, differences to the first.

Scenarios with different horizons are compared on their common years (each run is
restricted to them before totals are taken) and the comparison says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .results import Results
from .scenario.schema import CATEGORIES, PHASES

STATISTICS = ("cumulative", "final_year")


@dataclass
class Comparison:
    """Runs restricted to their common years, labelled by scenario name (the first is the reference)."""

    runs: list[Results]
    labels: list[str]
    start: float
    end: float
    notes: list[str] = field(default_factory=list)

    def _rows(self, run: Results) -> list[dict[str, Any]]:
        rows = []
        quantities = [("energy", "energy", {}, ""), ("traffic", "traffic", {}, "")]
        for cat in CATEGORIES:
            quantities.append((cat, "impact", {"category": cat}, ""))
            quantities.extend((cat, "impact", {"category": cat, "phase": ph}, ph) for ph in PHASES)
        actual = run.variants.index("actual")
        for name, variable, labels, phase in quantities:
            unit = run.unit(variable, **labels)
            rows.append({"quantity": name, "phase": phase, "statistic": "cumulative",
                         "unit": unit.removesuffix("/yr"), "value": float(run.cumulative(variable, **labels)[actual])})
            rows.append({"quantity": name, "phase": phase, "statistic": "final_year", "unit": unit,
                         "value": float(run.final(variable, **labels)[actual])})
        if run.has_rebound:
            for q in run.rebound_quantities:
                r = run.cumulative_rebound(q)
                rows.append({"quantity": q, "phase": "", "statistic": "rebound", "unit": "1",
                             "value": np.nan if r is None else r})
        return rows

    def to_frame(self) -> pd.DataFrame:
        """One row per scenario × quantity × phase × statistic, with the difference to the first scenario."""
        frames = []
        for label, run in zip(self.labels, self.runs, strict=True):
            frame = pd.DataFrame(self._rows(run))
            frame.insert(0, "scenario", label)
            frames.append(frame)
        table = pd.concat(frames, ignore_index=True)
        keys = ["quantity", "phase", "statistic"]
        reference = frames[0].set_index(keys)["value"]
        ref = table.set_index(keys).index.map(reference.to_dict())
        table["difference"] = table["value"] - ref
        ref = np.asarray(ref, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            pct = np.where(ref != 0, 100.0 * table["difference"] / ref, np.nan)
        table["difference_pct"] = pct
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
                for k, v in row.items() if k in ("unit", "value", "difference", "difference_pct")
            }
        return out


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    labels = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        labels.append(name if seen[name] == 1 else f"{name} #{seen[name]}")
    return labels


def compare(runs: list[Results]) -> Comparison:
    """Compare runs (at least two) on their common years; the first is the reference."""
    if len(runs) < 2:
        raise ValueError("a comparison needs at least two runs")
    start = max(float(r.times[0]) for r in runs)
    end = min(float(r.times[-1]) for r in runs)
    if end <= start:
        raise ValueError(f"the scenarios have no common years (latest start {start:g}, earliest end {end:g})")
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
    return Comparison(runs, _unique([r.scenario.name for r in runs]), start, end, notes)

"""Monte Carlo: members drawn from ``uncertainty:``, percentile bands, probability of backfire.

``monte_carlo(scenario, n, measure=...)`` draws ``n`` members (see :mod:`.sampling`), runs
each with the counterfactuals of the measure (see :mod:`.measures` and :mod:`.runner`) and
the nominal scenario beside them. The analysis gives, per year, the 5/25/50/75/95th
percentiles across members of energy, traffic, climate change and the measure's series
(R(t), or (A − E)/E for ``induced``), and per member the cumulative totals, the value of the
measure, ``induced`` = (A − E)/E and, for a rebound measure, whether the member backfires
(R > 1).
"""
from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Unpack

import numpy as np
import pandas as pd

from ..engine import simulate
from ..errors import UsageError
from ..rebound import backfires, verdict
from ..scenario.schema import Scenario
from .measures import Measure, choose_measure
from .runner import Ensemble, RunOptions, run_members
from .sampling import Parameter, draw, scenario_of, uncertain_parameters

PERCENTILES = (5, 25, 50, 75, 95)
#: Headline quantities of the bands and their units (the measure's series comes after them, unit 1).
BAND_UNITS = {"energy": "kWh/yr", "traffic": "GB/yr", "climate_change": "kg CO2e/yr"}
TOTAL_UNITS = {"energy": "kWh", "traffic": "GB", "climate_change": "kg CO2e"}
#: Quantities a measure is computed for.
MEASURED = ("energy", "climate_change")


@dataclass
class MonteCarlo:
    """A Monte Carlo ensemble, the nominal run (the scenario as written) beside it, and the measure."""

    ensemble: Ensemble
    nominal: Ensemble
    seed: int
    measure: Measure
    scenario_verdict: dict[str, Any]  # the one verdict of the scenario as written (rebound.verdict)

    @property
    def parameters(self) -> list[Parameter]:
        return self.ensemble.parameters

    def _series(self, e: Ensemble, quantity: str) -> np.ndarray:
        if quantity == self.measure.column("energy"):
            return self.measure.series(e, "energy")
        if quantity == "traffic":
            return e.traffic
        return e.variant(quantity, "actual")

    def bands(self) -> pd.DataFrame:
        """Percentiles across members per year: quantity, unit, time, p5 … p95, nominal. The measure's
        series of energy is the quantity named :meth:`Measure.column` (unit 1)."""
        rows = []
        e = self.ensemble
        for quantity, unit in {**BAND_UNITS, self.measure.column("energy"): "1"}.items():
            values = self._series(e, quantity)
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN years: R is undefined at the start
                pct = np.nanpercentile(values, PERCENTILES, axis=0) if len(values) else np.full(
                    (len(PERCENTILES), len(e.times)), np.nan)
            frame = pd.DataFrame({"quantity": quantity, "unit": unit, "time": e.times})
            for p, row in zip(PERCENTILES, pct, strict=True):
                frame[f"p{p}"] = row
            frame["nominal"] = self._series(self.nominal, quantity)[0]
            rows.append(frame)
        return pd.concat(rows, ignore_index=True)

    def totals(self) -> pd.DataFrame:
        """One row per member: parameter values, cumulative results of every variant run, ``induced``
        and the measure's value (units in column names), and for a rebound measure whether it backfires."""
        e, m = self.ensemble, self.measure
        frame = pd.DataFrame({"member": np.arange(e.members)})
        for k, p in enumerate(self.parameters):
            frame[p.label] = e.values[:, k]
        for quantity, unit in TOTAL_UNITS.items():
            if quantity == "traffic":
                frame[f"traffic_cumulative [{unit}]"] = e.cumulative(e.traffic)
                continue
            for variant in e.variants:
                frame[f"{quantity}_cumulative_{variant} [{unit}]"] = e.cumulative(e.variant(quantity, variant))
        induced = Measure("induced", m.window, m.start, m.end)
        for quantity in MEASURED:
            frame[f"{induced.column(quantity)} [1]"] = induced.values(e, quantity)
            if m.is_rebound:
                frame[f"{m.column(quantity)} [1]"] = m.values(e, quantity)
        if m.is_rebound:
            frame["backfire_energy"] = backfires(frame[f"{m.column('energy')} [1]"].to_numpy())
        return frame

    def member_series(self) -> pd.DataFrame:
        """Headline series of every member, tidy: member, time, variable, variant, unit, value."""
        e = self.ensemble
        n, t = e.members, len(e.times)
        parts = []

        def add(variable: str, variant: str, unit: str, values: np.ndarray) -> None:
            parts.append(pd.DataFrame({
                "member": np.repeat(np.arange(n, dtype=np.int32), t), "time": np.tile(e.times, n),
                "variable": variable, "variant": variant, "unit": unit, "value": values.reshape(-1)}))

        for variant in e.variants:
            add("energy", variant, "kWh/yr", e.variant("energy", variant))
            add("climate_change", variant, "kg CO2e/yr", e.variant("climate_change", variant))
        add("traffic", "actual", "GB/yr", e.traffic)
        add(self.measure.column("energy"), "actual", "1", self.measure.series(e, "energy"))
        frame = pd.concat(parts, ignore_index=True)
        for column in ("variable", "variant", "unit"):
            frame[column] = frame[column].astype("category")
        return frame

    def summary(self) -> dict[str, Any]:
        """The measure, percentiles of cumulative totals, of ``induced`` and of the measure (``rebound``,
        for a rebound measure, with the probability of backfire), parameters, and the one verdict
        (:func:`simulator.rebound.verdict`) of the scenario as written."""
        e, nom, m = self.ensemble, self.nominal, self.measure
        out: dict[str, Any] = {
            "scenario": e.scenario.name, "members": e.members, "seed": self.seed,
            "horizon": [float(e.times[0]), float(e.times[-1])],
            "measure": m.name, "measure_label": m.label,
            "parameters": [_describe(p) for p in self.parameters],
            "cumulative": {}, "induced": {}, "notes": list(e.notes),
            "verdict_of_the_scenario": self.scenario_verdict,
        }
        for quantity, unit in TOTAL_UNITS.items():
            series = e.traffic if quantity == "traffic" else e.variant(quantity, "actual")
            nominal = nom.traffic if quantity == "traffic" else nom.variant(quantity, "actual")
            out["cumulative"][quantity] = _stats(e.cumulative(series), unit, float(nom.cumulative(nominal)[0]))
        induced = Measure("induced", m.window, m.start, m.end)
        for quantity in MEASURED:
            out["induced"][quantity] = _stats(induced.values(e, quantity), "1",
                                              float(induced.values(nom, quantity)[0]))
        if m.is_rebound:
            out["rebound"], out["probability_of_backfire"] = {}, {}
            for quantity in MEASURED:
                r = m.values(e, quantity)
                out["rebound"][quantity] = _stats(r, "1", float(m.values(nom, quantity)[0]))
                defined = r[~np.isnan(r)]
                out["probability_of_backfire"][quantity] = float(backfires(defined).mean()) if len(defined) else None
        if e.forced_traffic:
            out["notes"].append("traffic is forced (demand.traffic): the rebound is not meaningful and is not "
                                "reported")
        return out


def _stats(values: np.ndarray, unit: str, nominal: float) -> dict[str, Any]:
    defined = values[~np.isnan(values)]
    stats: dict[str, Any] = {"unit": unit, "nominal": None if np.isnan(nominal) else nominal,
                             "defined_members": int(len(defined))}
    if len(defined):
        stats["mean"] = float(defined.mean())
        stats.update({f"p{p}": float(v) for p, v in zip(PERCENTILES, np.percentile(defined, PERCENTILES),
                                                         strict=True)})
    return stats


def _describe(p: Parameter) -> dict[str, Any]:
    d = p.distribution.model_dump() if p.distribution is not None else {}
    return {"key": p.key, "unit": p.unit, "nominal": p.nominal, "paths": [".".join(map(str, q)) for q in p.paths],
            "distribution": d}


def monte_carlo(scenario: Scenario | str | os.PathLike[str], n: int, *, seed: int | None = None,
                keys: list[str] | None = None, measure: str | Measure | None = None, overrides: Sequence[str] = (),
                **run: Unpack[RunOptions]) -> MonteCarlo:
    """Draw ``n`` members from the scenario's ``uncertainty:`` (seed: ``seed`` or the scenario's) and run them.

    ``scenario``: a Scenario, or a file loaded with ``overrides`` (``KEY=VALUE``).
    ``measure``: a name of :func:`~.measures.measure_names` (None: :func:`~.measures.default_measure`).
    ``run`` goes to :func:`~.runner.run_members` (workers, chunk, scheduler, dask_local, progress).
    """
    if not isinstance(n, int) or n < 1:
        raise UsageError(f"found n={n!r}, expected a whole number of members >= 1")
    scenario = scenario_of(scenario, overrides)
    parameters = uncertain_parameters(scenario, keys)
    chosen = measure if isinstance(measure, Measure) else choose_measure(scenario, measure)
    seed = scenario.seed if seed is None else seed
    values = draw(parameters, n, seed)
    ensemble = run_members(scenario, parameters, values, variants=chosen.variants, **run)
    nominal = run_members(scenario, parameters, np.array([[p.nominal for p in parameters]]), workers=1,
                          progress=False, variants=chosen.variants)
    return MonteCarlo(ensemble, nominal, seed, chosen, verdict(simulate(scenario)))

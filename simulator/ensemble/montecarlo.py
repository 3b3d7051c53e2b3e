"""Monte Carlo: members drawn from ``uncertainty:``, percentile bands, probability of backfire.

``monte_carlo(scenario, n)`` draws ``n`` members (see :mod:`.sampling`), runs
each with its counterfactuals (see :mod:`.runner`) and the nominal scenario
beside them. The analysis gives, per year, the 5/25/50/75/95th percentiles
across members of energy, traffic, climate change and R(t), and per member the
cumulative totals, the cumulative rebound R, ``induced`` = (A − E)/E and
whether the member backfires (cumulative R > 1).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..results import backfires
from ..scenario.schema import Scenario
from .runner import Ensemble, run_members
from .sampling import Parameter, draw, uncertain_parameters

PERCENTILES = (5, 25, 50, 75, 95)
#: Headline quantities of the bands: how each is read from an ensemble, and its unit.
BAND_UNITS = {"energy": "kWh/yr", "traffic": "GB/yr", "climate_change": "kg CO2e/yr", "rebound": "1"}
TOTAL_UNITS = {"energy": "kWh", "traffic": "GB", "climate_change": "kg CO2e"}


@dataclass
class MonteCarlo:
    """A Monte Carlo ensemble and the nominal run (the scenario as written) beside it."""

    ensemble: Ensemble
    nominal: Ensemble
    seed: int

    @property
    def parameters(self) -> list[Parameter]:
        return self.ensemble.parameters

    def _series(self, e: Ensemble, quantity: str) -> np.ndarray:
        if quantity == "rebound":
            return e.rebound("energy")
        if quantity == "traffic":
            return e.traffic
        return getattr(e, quantity)[:, 0]

    def bands(self) -> pd.DataFrame:
        """Percentiles across members per year: quantity, unit, time, p5 … p95, nominal."""
        rows = []
        e = self.ensemble
        for quantity, unit in BAND_UNITS.items():
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
        """One row per member: parameter values and cumulative results (units in column names)."""
        e = self.ensemble
        frame = pd.DataFrame({"member": np.arange(e.members)})
        for k, p in enumerate(self.parameters):
            frame[p.label] = e.values[:, k]
        for quantity, unit in TOTAL_UNITS.items():
            if quantity == "traffic":
                frame[f"traffic_cumulative [{unit}]"] = e.cumulative(e.traffic)
                continue
            totals = e.cumulative(getattr(e, quantity))
            for j, variant in enumerate(("actual", "engineering", "frozen")):
                frame[f"{quantity}_cumulative_{variant} [{unit}]"] = totals[:, j]
        for quantity in ("energy", "climate_change"):
            frame[f"rebound_{quantity} [1]"] = e.cumulative_rebound(quantity)
            frame[f"induced_{quantity} [1]"] = e.induced(quantity)
        frame["backfire_energy"] = backfires(frame["rebound_energy [1]"].to_numpy())
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

        for j, variant in enumerate(("actual", "engineering", "frozen")):
            add("energy", variant, "kWh/yr", e.energy[:, j])
            add("climate_change", variant, "kg CO2e/yr", e.climate_change[:, j])
        add("traffic", "actual", "GB/yr", e.traffic)
        add("rebound_energy", "actual", "1", e.rebound("energy"))
        frame = pd.concat(parts, ignore_index=True)
        for column in ("variable", "variant", "unit"):
            frame[column] = frame[column].astype("category")
        return frame

    def summary(self) -> dict[str, Any]:
        """Percentiles of cumulative totals and of R, probability of backfire, parameters."""
        e, nom = self.ensemble, self.nominal
        out: dict[str, Any] = {
            "scenario": e.scenario.name, "members": e.members, "seed": self.seed,
            "horizon": [float(e.times[0]), float(e.times[-1])],
            "parameters": [_describe(p) for p in self.parameters],
            "cumulative": {}, "rebound": {}, "induced": {}, "probability_of_backfire": {}, "notes": list(e.notes),
        }
        for quantity, unit in TOTAL_UNITS.items():
            series = e.traffic if quantity == "traffic" else getattr(e, quantity)[:, 0]
            nominal = nom.traffic if quantity == "traffic" else getattr(nom, quantity)[:, 0]
            out["cumulative"][quantity] = _stats(e.cumulative(series), unit, float(nom.cumulative(nominal)[0]))
        for quantity in ("energy", "climate_change"):
            r = e.cumulative_rebound(quantity)
            out["rebound"][quantity] = _stats(r, "1", float(nom.cumulative_rebound(quantity)[0]))
            out["induced"][quantity] = _stats(e.induced(quantity), "1", float(nom.induced(quantity)[0]))
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


def monte_carlo(scenario: Scenario, n: int, *, seed: int | None = None, keys: list[str] | None = None,
                **run: Any) -> MonteCarlo:
    """Draw ``n`` members from ``scenario.uncertainty`` (seed: ``seed`` or the scenario's) and run them.

    ``run`` goes to :func:`~.runner.run_members` (workers, chunk, scheduler, dask_local, progress).
    """
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"found n={n!r}, expected a whole number of members >= 1")
    parameters = uncertain_parameters(scenario, keys)
    seed = scenario.seed if seed is None else seed
    values = draw(parameters, n, seed)
    ensemble = run_members(scenario, parameters, values, **run)
    nominal = run_members(scenario, parameters, np.array([[p.nominal for p in parameters]]), workers=1,
                          progress=False)
    return MonteCarlo(ensemble, nominal, seed)

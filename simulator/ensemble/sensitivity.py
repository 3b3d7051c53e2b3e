"""Global sensitivity with SALib: which assumptions drive the result.

Parameters are those of ``uncertainty:`` (or the ones named). SALib samples the
unit hypercube; each column goes through its parameter's quantile function
(:func:`.sampling.unit_to_values`), so the indices refer to the distributions
of the scenario, not to uniform ranges. Outputs: cumulative energy (kWh),
cumulative climate change (kg CO2e) and the value of the measure for energy
(:mod:`.measures`: ``induced_energy``, ``rebound_window_energy``...; unit 1).

* Sobol (Saltelli sampling, ``N × (K + 2)`` runs): first-order S1 and total ST
  indices with 95 % confidence intervals (bootstrap).
* Morris (``N`` trajectories, ``N × (K + 1)`` runs, 4 levels): μ* and σ of the
  elementary effects, on the unit-quantile scale of each input (a step of Δ
  in quantile), so that parameters of different units rank on the same scale.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Unpack

import numpy as np
import pandas as pd

from ..errors import Problem, ScenarioError, UsageError
from ..scenario.schema import Scenario
from .measures import Measure, choose_measure
from .runner import Ensemble, RunOptions, run_members
from .sampling import Parameter, scenario_of, uncertain_parameters, unit_to_values

METHODS = ("sobol", "morris")
#: Outputs analysed besides the measure's value (unit 1), with their units.
OUTPUTS = {"energy_cumulative": "kWh", "climate_change_cumulative": "kg CO2e"}
MORRIS_LEVELS = 4


@dataclass
class Sensitivity:
    method: str
    parameters: list[Parameter]
    indices: pd.DataFrame
    runs: int
    seed: int
    measure: Measure

    @property
    def outputs(self) -> dict[str, str]:
        """Every output analysed, with its unit."""
        return {**OUTPUTS, self.measure.column("energy"): "1"}

    def summary(self) -> dict[str, Any]:
        ranking = {}
        key = "ST" if self.method == "sobol" else "mu_star"
        for output, frame in self.indices.groupby("output", sort=False):
            ranked = frame.sort_values(key, ascending=False)
            ranking[output] = [{"parameter": r.parameter, key: float(getattr(r, key))} for r in ranked.itertuples()]
        outputs = {k: u for k, u in self.outputs.items() if k in set(self.indices["output"])}
        return {"method": self.method, "runs": self.runs, "seed": self.seed,
                "measure": self.measure.name, "measure_label": self.measure.label,
                "parameters": [{"key": p.key, "unit": p.unit} for p in self.parameters],
                "outputs": outputs, "ranking": ranking}


def _problem(names: list[str]) -> dict[str, Any]:
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


def analyse(names: list[str], to_values: Callable[[np.ndarray], np.ndarray],
            model: Callable[[np.ndarray], dict[str, np.ndarray]], method: str, n: int, seed: int
            ) -> tuple[pd.DataFrame, int]:
    """Sensitivity indices of ``model`` (values (R, K) → {output: (R,)}) for inputs named ``names``.

    ``to_values`` maps unit-hypercube samples to input values. Returns the tidy
    table (output, parameter, indices…) and the number of model runs.
    """
    problem = _problem(names)
    if method == "sobol":
        from SALib.analyze import sobol as analyze
        from SALib.sample import sobol as sample

        u = sample.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
    elif method == "morris":
        from SALib.analyze import morris as analyze
        from SALib.sample import morris as sample

        u = sample.sample(problem, n, num_levels=MORRIS_LEVELS, seed=seed)
    else:
        raise UsageError(f"found method {method!r}, expected one of {', '.join(METHODS)}")
    outputs = model(to_values(u))
    rows = []
    for output, y in outputs.items():
        y = np.asarray(y, dtype=float)
        if not np.all(np.isfinite(y)):
            raise UsageError(f"{output} is undefined for some members; it cannot be analysed")
        if method == "sobol":
            # A Generator, not the int: SALib's Sobol analysis ignores a seed of 0 (``if seed:``) and
            # then draws its bootstrap from numpy's global state, so its intervals changed run to run.
            res = analyze.analyze(problem, y, calc_second_order=False, conf_level=0.95,
                                  seed=np.random.default_rng(seed))
            cols = ("S1", "S1_conf", "ST", "ST_conf")
        else:
            res = analyze.analyze(problem, u, y, conf_level=0.95, num_levels=MORRIS_LEVELS, seed=seed)
            cols = ("mu_star", "mu_star_conf", "sigma", "mu")
        for k, name in enumerate(names):
            rows.append({"output": output, "parameter": name, **{c: float(res[c][k]) for c in cols}})
    return pd.DataFrame(rows), len(u)


def _outputs(e: Ensemble, measure: Measure) -> dict[str, np.ndarray]:
    outputs = {"energy_cumulative": e.cumulative(e.variant("energy", "actual")),
               "climate_change_cumulative": e.cumulative(e.variant("climate_change", "actual"))}
    if not e.forced_traffic:  # forced traffic: demand does not respond, no rebound nor induced to analyse
        outputs[measure.column("energy")] = measure.values(e)
    return outputs


def sensitivity(scenario: Scenario | str | os.PathLike[str], method: str, n: int, *, keys: list[str] | None = None,
                seed: int | None = None, measure: str | Measure | None = None, overrides: Sequence[str] = (),
                **run: Unpack[RunOptions]) -> Sensitivity:
    """Sobol or Morris indices of the scenario's uncertain parameters for cumulative energy, climate
    change and the measure (``scenario``, ``overrides`` and ``measure`` as for
    :func:`~.montecarlo.monte_carlo`); ``run`` goes to run_members."""
    scenario = scenario_of(scenario, overrides)
    if method not in METHODS:
        raise UsageError(f"found method {method!r}, expected one of {', '.join(METHODS)}")
    parameters = uncertain_parameters(scenario, keys)
    chosen = measure if isinstance(measure, Measure) else choose_measure(scenario, measure)
    seed = scenario.seed if seed is None else seed

    def model(values: np.ndarray) -> dict[str, np.ndarray]:
        outputs = _outputs(run_members(scenario, parameters, values, variants=chosen.variants, **run), chosen)
        undefined = int(np.isnan(outputs.get(chosen.column("energy"), np.zeros(0))).sum())
        if undefined:
            raise ScenarioError([Problem(
                f"found {chosen.name} undefined for {undefined} of {len(values)} runs (no savings expected before "
                "demand reacts), expected a value for every run: choose another --measure (induced is always "
                "defined)", "--measure")])
        return outputs

    indices, runs = analyse([p.key for p in parameters], lambda u: unit_to_values(parameters, u), model,
                            method, n, seed)
    return Sensitivity(method, parameters, indices, runs, seed, chosen)

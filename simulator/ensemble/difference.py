"""Monte Carlo of the differences between scenarios, on common random numbers.

``monte_carlo_difference([A, B, C], n)`` draws ``n`` members from A's ``uncertainty:`` (the
same numbers as ``monte_carlo(A, n)``: seed ``seed`` or A's), writes member i's values into
every scenario and runs each scenario's members as batches of its own (each compiled apart:
a scenario that drops a launch or adds a policy keeps its own events), then takes, member by
member, B − A, C − A, … of energy, traffic and each impact category (cumulative over the
horizon and mean over the final year, as :meth:`simulator.results.Results.final`).

Why common random numbers: the question is "does B do better than A in the same world?".
Most of what is uncertain (the elasticity, the grid, the footprint of a phone) moves A and B
the same way; drawn independently, the spread of B − A would add both spreads; on the same
draws it cancels, and what is left is the uncertainty of the policy's effect itself. A
scenario that changes nothing has a difference of exactly 0 in every member.

Rules, checked before anything runs (:class:`~simulator.errors.ScenarioError`, located):

* every scenario has A's time axis (start, end, step): differences are taken instant by instant;
* each key of A's ``uncertainty:`` (or of ``keys``) is written at the paths it names in each
  scenario (a ``*`` key expands in each one); a key that names nothing in a compared scenario is
  an error located at A's key: the draw would have nothing to move there, and the difference would
  hold A's uncertainty against a fixed value (leave the key out with ``keys``/``--params``);
* at a path whose value in B differs from its value in A (B changes that parameter: it is one of
  B's measures), B keeps its own value in every member: drawing A's distribution there would undo
  the measure. The summary lists these paths (``kept``) and a note says so.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Unpack

import numpy as np
import pandas as pd

from ..errors import Problem, ScenarioError, UsageError
from ..model.impacts import not_assessed, wholly_not_assessed
from ..results import FINAL_YEAR
from ..scenario import space
from ..scenario.load import load_scenario, source_of
from ..scenario.schema import CATEGORIES, Scenario
from .montecarlo import PERCENTILES
from .runner import Ensemble, RunOptions, run_members
from .sampling import Parameter, draw, uncertain_parameters

#: Quantities whose differences are reported, with their unit per year (rates) and in total.
QUANTITIES: dict[str, str] = {"energy": "kWh", "traffic": "GB", **{c: u for c, (u, _) in CATEGORIES.items()}}
STATISTICS = ("cumulative", "final_year")
#: The quantities the fan charts of the difference draw, in panel order.
FAN_QUANTITIES = ("energy", "climate_change")


@dataclass
class Difference:
    """Members of every scenario run on the same draws; ``runs[0]`` is the reference A.

    ``values`` (N, K) are the drawn values of A's parameters; ``runs[j]`` holds scenario j's
    actual series (energy, traffic, each impact category) for those members; ``nominal[j]`` the
    scenario as written (nothing drawn). ``kept[j]``: paths scenario j keeps at
    its own value (see the module)."""

    runs: list[Ensemble]
    nominal: list[Ensemble]
    parameters: list[Parameter]
    values: np.ndarray
    seed: int
    kept: list[list[str]]
    notes: list[str] = field(default_factory=list)

    @property
    def reference(self) -> Scenario:
        return self.runs[0].scenario

    @property
    def names(self) -> list[str]:
        """The scenarios' names, a repeated one numbered (``baseline``, ``baseline-2``)."""
        names: list[str] = []
        for e in self.runs:
            name, k = e.scenario.name, 2
            while name in names:
                name, k = f"{e.scenario.name}-{k}", k + 1
            names.append(name)
        return names

    @property
    def members(self) -> int:
        return len(self.values)

    @property
    def times(self) -> np.ndarray:
        return self.runs[0].times

    @property
    def final_steps(self) -> int:
        e = self.runs[0]
        return max(1, min(len(e.times) - 1, round(FINAL_YEAR / e.dt)))

    def series(self, j: int, quantity: str, nominal: bool = False) -> np.ndarray:
        """Scenario j's actual series of ``quantity`` per member (N, T+1), in its unit per year;
        NaN where the scenario does not assess the category."""
        e = (self.nominal if nominal else self.runs)[j]
        if quantity == "energy":
            return e.variant("energy", "actual")
        if quantity == "traffic":
            return e.traffic
        if e.impact is None:  # pragma: no cover - runs are made with impacts
            raise UsageError("the runs hold no impact categories")
        values = e.impact[:, list(CATEGORIES).index(quantity)]
        return np.full_like(values, np.nan) if self.scope(j, quantity) == "not assessed" else values

    def scope(self, j: int, quantity: str) -> str:
        """``""``, ``not assessed`` or ``partial: PHASES not assessed`` for scenario j's ``quantity``."""
        missing = not_assessed(self.runs[j].scenario).get(quantity)
        if not missing:
            return ""
        if wholly_not_assessed(quantity, missing):
            return "not assessed"
        return f"partial: {', '.join(missing)} not assessed"

    def statistic(self, j: int, quantity: str, statistic: str, nominal: bool = False) -> np.ndarray:
        """Per member (N,): ``cumulative`` over [start, end) (unit of the total) or the ``final_year`` mean
        over [end − 1 yr, end) (unit per year)."""
        values = self.series(j, quantity, nominal)
        if statistic == "cumulative":
            return self.runs[j].cumulative(values)
        return np.ascontiguousarray(values[:, -1 - self.final_steps:-1]).mean(axis=-1)

    def period(self, statistic: str) -> str:
        t = self.times
        first = t[0] if statistic == "cumulative" else t[-1 - self.final_steps]
        return f"{first:g}-{t[-1]:g}"

    def unit(self, quantity: str, statistic: str) -> str:
        return QUANTITIES[quantity] + ("/yr" if statistic == "final_year" else "")

    def difference(self, j: int, quantity: str, statistic: str, nominal: bool = False) -> np.ndarray:
        """Scenario j minus the reference, member by member (N,); NaN when their scopes differ."""
        if self.scope(j, quantity) != self.scope(0, quantity):
            return np.full(self.members if not nominal else 1, np.nan)
        return self.statistic(j, quantity, statistic, nominal) - self.statistic(0, quantity, statistic, nominal)

    def _note(self, j: int, quantity: str) -> str:
        mine, reference = self.scope(j, quantity), self.scope(0, quantity)
        if mine != reference:
            return (f"not compared: {reference or 'assessed'} in {self.names[0]}, {mine or 'assessed'} in "
                    f"{self.names[j]}")
        return mine

    def to_frame(self) -> pd.DataFrame:
        """One row per compared scenario × quantity × statistic: the distribution of the difference to the
        reference over members (``mean``, ``p5`` … ``p95``, ``nominal``: the scenarios as written),
        ``probability_lower`` (share of members where the scenario is below the reference), and, for
        scale, the 5-95 % spread of the reference and of the scenario themselves."""
        rows = []
        for j in range(1, len(self.runs)):
            for quantity in QUANTITIES:
                for statistic in STATISTICS:
                    d = self.difference(j, quantity, statistic)
                    defined = d[~np.isnan(d)]
                    row: dict[str, Any] = {
                        "scenario": self.names[j], "reference": self.names[0], "quantity": quantity,
                        "statistic": statistic, "period": self.period(statistic),
                        "unit": self.unit(quantity, statistic),
                        "members": len(defined), "mean": defined.mean() if len(defined) else np.nan}
                    pct = np.percentile(defined, PERCENTILES) if len(defined) else [np.nan] * len(PERCENTILES)
                    row.update({f"p{p}": float(v) for p, v in zip(PERCENTILES, pct, strict=True)})
                    row["nominal"] = float(self.difference(j, quantity, statistic, nominal=True)[0])
                    row["probability_lower"] = float((defined < 0).mean()) if len(defined) else np.nan
                    for who, k in (("reference", 0), ("scenario", j)):
                        own = self.statistic(k, quantity, statistic)
                        own = own[~np.isnan(own)]
                        row[f"{who}_spread_p5_p95"] = float(np.ptp(np.percentile(own, [5, 95]))) if len(own) \
                            else np.nan
                    row["note"] = self._note(j, quantity)
                    rows.append(row)
        return pd.DataFrame(rows)

    def members_frame(self) -> pd.DataFrame:
        """One row per member: drawn values, then each scenario's cumulative energy, climate change and
        traffic and each difference to the reference (units in the column names)."""
        frame = pd.DataFrame({"member": np.arange(self.members)})
        for k, p in enumerate(self.parameters):
            frame[p.label] = self.values[:, k]
        for quantity in ("energy", "climate_change", "traffic"):
            unit = QUANTITIES[quantity]
            for j, name in enumerate(self.names):
                frame[f"{name}_{quantity}_cumulative [{unit}]"] = self.statistic(j, quantity, "cumulative")
            for j in range(1, len(self.runs)):
                frame[f"{self.names[j]}_minus_{self.names[0]}_{quantity}_cumulative [{unit}]"] = self.difference(
                    j, quantity, "cumulative")
        return frame

    def bands(self) -> pd.DataFrame:
        """Per compared scenario, quantity and instant: percentiles over members of the difference of the
        yearly rate (its unit per year) and the difference of the scenarios as written (``nominal``)."""
        parts = []
        for j in range(1, len(self.runs)):
            for quantity in QUANTITIES:
                same = self.scope(j, quantity) == self.scope(0, quantity)
                d = self.series(j, quantity) - self.series(0, quantity)
                nominal = self.series(j, quantity, True)[0] - self.series(0, quantity, True)[0]
                if not same:
                    d, nominal = np.full_like(d, np.nan), np.full_like(nominal, np.nan)
                frame = pd.DataFrame({"scenario": self.names[j], "reference": self.names[0], "quantity": quantity,
                                      "unit": self.unit(quantity, "final_year"), "time": self.times})
                with np.errstate(all="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)  # a category not assessed: all NaN
                    pct = np.nanpercentile(d, PERCENTILES, axis=0)
                    mean = np.nanmean(d, axis=0)
                for p, row in zip(PERCENTILES, pct, strict=True):
                    frame[f"p{p}"] = row
                frame["mean"] = mean
                frame["nominal"] = nominal
                parts.append(frame)
        return pd.concat(parts, ignore_index=True)

    def summary(self) -> dict[str, Any]:
        """What summary.json holds: the draws, and per compared scenario, quantity and statistic the
        distribution of the difference and the probability that the scenario reduces the quantity."""
        table = self.to_frame()
        out: dict[str, Any] = {
            "reference": self.names[0], "scenarios": self.names, "members": self.members, "seed": self.seed,
            "horizon": [float(self.times[0]), float(self.times[-1])],
            "common_random_numbers": "every scenario runs on the same drawn values of the reference's uncertainty",
            "parameters": [{"key": p.key, "unit": p.unit, "nominal": p.nominal} for p in self.parameters],
            "kept": {self.names[j]: self.kept[j] for j in range(1, len(self.runs)) if self.kept[j]},
            "differences": {}, "probability_lower": {}, "notes": list(self.notes)}
        for row in table.to_dict("records"):
            entry = {k: _number(row[k]) for k in ("mean", *(f"p{p}" for p in PERCENTILES), "nominal",
                                                  "reference_spread_p5_p95", "scenario_spread_p5_p95")}
            entry.update(unit=row["unit"], period=row["period"], members=int(row["members"]), note=row["note"])
            out["differences"].setdefault(row["scenario"], {}).setdefault(row["quantity"], {})[row["statistic"]] = entry
            out["probability_lower"].setdefault(row["scenario"], {}).setdefault(row["quantity"], {})[
                row["statistic"]] = _number(row["probability_lower"])
        return out


def _number(value: Any) -> float | None:
    value = float(value)
    return None if np.isnan(value) else value


def _parameters_in(scenario: Scenario, reference: Scenario, parameters: list[Parameter]
                   ) -> tuple[list[Parameter], list[int], list[str], list[Problem]]:
    """A's parameters as they apply to ``scenario``: (parameters at its paths, the column of each in the
    drawn values, the paths it keeps at its own value, problems)."""
    found, columns, kept, problems = [], [], [], []
    for k, p in enumerate(parameters):
        try:
            targets = space.expand(scenario, p.key)
        except space.PathError as exc:
            where = source_of(reference, ("uncertainty", p.key))
            problems.append(Problem(
                f"names nothing in {scenario.name!r} ({exc}), expected every uncertain parameter of the reference "
                f"{reference.name!r} to exist in each scenario compared to it: leave the key out with --params, or "
                f"give {scenario.name!r} what it names", where.path, where.file, where.line, where.column))
            continue
        paths = []
        for path, _ in targets:
            own = space.value_at(scenario, path)
            try:
                theirs = space.value_at(reference, path)
            except (space.PathError, KeyError):
                theirs = None
            if theirs is not None and own != theirs:
                kept.append(f"{space.dotted(path)} = {own:g} (reference: {theirs:g})")
            else:
                paths.append(path)
        if paths:
            found.append(Parameter(p.key, tuple(paths), p.unit, p.nominal, p.distribution))
            columns.append(k)
    return found, columns, kept, problems


def _time(s: Scenario) -> str:
    return f"{s.time.start:g}-{s.time.end:g} every {s.time.step:g} yr"


def _prepare(loaded: Sequence[Scenario], keys: list[str] | None
             ) -> tuple[list[Parameter], list[tuple[list[Parameter], list[int], list[str], list[Problem]]]]:
    reference = loaded[0]
    parameters = uncertain_parameters(reference, keys)
    problems: list[Problem] = []
    applied = []
    for s in loaded[1:]:
        if s.time != reference.time:
            where = source_of(s, ("time",))
            problems.append(Problem(
                f"found {_time(s)} in {s.name!r} and {_time(reference)} in the reference {reference.name!r}, "
                "expected the same time axis: differences are taken instant by instant", where.path, where.file,
                where.line, where.column))
        applied.append(_parameters_in(s, reference, parameters))
        problems.extend(applied[-1][3])
    if problems:
        raise ScenarioError(list(dict.fromkeys(problems)))
    return parameters, applied


def check_difference(scenarios: Sequence[Scenario], keys: list[str] | None = None) -> None:
    """Raise the ScenarioError :func:`monte_carlo_difference` would raise for these scenarios, without
    running anything (the command checks before it claims its output folder)."""
    if len(scenarios) < 2:
        raise UsageError(f"found {len(scenarios)} scenario(s), expected at least two: the reference first")
    _prepare(scenarios, keys)


def monte_carlo_difference(scenarios: Sequence[Scenario | str | os.PathLike[str]], n: int, *, seed: int | None = None,
                           keys: list[str] | None = None, overrides: Sequence[str] = (),
                           **run: Unpack[RunOptions]) -> Difference:
    """Run ``scenarios`` (the first is the reference A; files or Scenarios, ``overrides`` applying to each
    file) on the same ``n`` draws of A's ``uncertainty:`` (all keys, or ``keys``); see the module.

    ``seed``: default A's. ``run`` goes to :func:`~.runner.run_members` (workers, chunk, scheduler,
    dask_local, progress). ScenarioError (located) for a different time axis or a key naming nothing in
    a scenario, before anything runs."""
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise UsageError(f"found n={n!r}, expected a whole number of members >= 1")
    if len(scenarios) < 2:
        raise UsageError(f"found {len(scenarios)} scenario(s), expected at least two: the reference first")
    loaded = [s if isinstance(s, Scenario) else load_scenario(Path(s), list(overrides)) for s in scenarios]
    reference = loaded[0]
    parameters, applied = _prepare(loaded, keys)
    seed = reference.seed if seed is None else seed
    values = draw(parameters, n, seed)
    runs: list[Ensemble] = []
    nominal: list[Ensemble] = []
    kept: list[list[str]] = [[]]
    notes: list[str] = []
    for s, (params, columns) in zip(loaded, [(parameters, list(range(len(parameters))))]
                                    + [(a[0], a[1]) for a in applied], strict=True):
        runs.append(run_members(s, params, values[:, columns], variants=("actual",), impacts=True, **run))
        own = [Parameter(space.dotted(path), (path,), p.unit, space.value_at(s, path)) for p in params
               for path in p.paths]  # each path at its own value: the scenario as written
        nominal.append(run_members(s, own, np.array([[q.nominal for q in own]]), variants=("actual",),
                                   impacts=True, workers=1, progress=False))
    for s, a in zip(loaded[1:], applied, strict=True):
        kept.append(a[2])
        if a[2]:
            notes.append(f"{s.name} sets {len(a[2])} uncertain value(s) itself and keeps them in every member: "
                         + "; ".join(a[2]))
    return Difference(runs, nominal, parameters, values, seed, kept, notes)

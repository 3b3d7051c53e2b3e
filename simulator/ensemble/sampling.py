"""The parameters an ensemble varies, and the values of each member.

A :class:`Parameter` is one key of ``uncertainty:`` (or one ``--grid`` of a
sweep): the concrete paths it moves together, its unit, its distribution and
its nominal value. Members are rows of a values matrix (members × parameters),
in the parameters' units.

Monte Carlo draws uniform numbers from one numpy ``Generator`` seeded with the
scenario's ``seed`` (or ``--seed``), all up front and in member order, and maps
them through each distribution's quantile function: the values of member i
depend on the seed and on i only, never on how members are later split into
batches or workers. Sensitivity methods (SALib) sample the unit hypercube
themselves and go through the same quantile functions.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import Problem, ScenarioError, UsageError
from ..scenario import space
from ..scenario.checks import range_problems
from ..scenario.load import load_scenario
from ..scenario.schema import Scenario


def scenario_of(scenario: Scenario | str | os.PathLike[str], overrides: Sequence[str] = ()) -> Scenario:
    """``scenario`` itself, or the scenario file it names loaded with ``overrides`` (``KEY=VALUE``, as ``--set``):
    the ensemble functions take either, as the command line takes a file."""
    if isinstance(scenario, Scenario):
        if overrides:
            raise UsageError("overrides apply to a scenario file; give its path, or load it with "
                             "load_scenario(path, overrides)")
        return scenario
    return load_scenario(Path(scenario), list(overrides))


@dataclass(frozen=True)
class Parameter:
    """One varied parameter: ``key`` as written, the concrete paths it sets, unit, nominal value."""

    key: str
    paths: tuple[space.Path, ...]
    unit: str
    nominal: float
    distribution: Any = None

    @property
    def label(self) -> str:
        """``key [unit]`` for tables and axes."""
        return f"{self.key} [{self.unit}]"


def _parameter(scenario: Scenario, key: str, distribution: Any = None) -> Parameter:
    targets = space.expand(scenario, key)
    return Parameter(key, tuple(p for p, _ in targets), space.unit_of(targets[0][1]) or "1",
                     space.value_at(scenario, targets[0][0]), distribution)


def uncertain_parameters(scenario: Scenario, keys: list[str] | None = None, *, where: str = "--params"
                         ) -> list[Parameter]:
    """The parameters of ``uncertainty:`` (all, or those named in ``keys``, in that order)."""
    if not scenario.uncertainty:
        raise ScenarioError([Problem(
            "the scenario has no uncertainty: section; give distributions there first "
            "(see docs/scenario-reference.md, Scenario.uncertainty)", "uncertainty")])
    chosen = keys if keys else list(scenario.uncertainty)
    unknown = [k for k in chosen if k not in scenario.uncertainty]
    if unknown:
        known = ", ".join(scenario.uncertainty)
        raise ScenarioError([Problem(f"found {k!r}, expected a key of uncertainty: ({known})", where)
                             for k in unknown])
    if len(set(chosen)) != len(chosen):
        raise ScenarioError([Problem("a parameter is named twice", where)])
    return [_parameter(scenario, k, scenario.uncertainty[k]) for k in chosen]


def unit_to_values(parameters: list[Parameter], u: np.ndarray) -> np.ndarray:
    """Map points of the unit hypercube (N, K) to parameter values (N, K) by quantile functions."""
    u = np.asarray(u, dtype=float)
    return np.column_stack([p.distribution.ppf(u[:, k]) for k, p in enumerate(parameters)]) if parameters \
        else np.zeros((len(u), 0))


def draw(parameters: list[Parameter], n: int, seed: int) -> np.ndarray:
    """``n`` Monte Carlo members (n, K): uniforms from ``Generator(PCG64(seed))``, then quantiles."""
    rng = np.random.Generator(np.random.PCG64(seed))
    return unit_to_values(parameters, rng.random((n, len(parameters))))


_GRID = re.compile(r"^\s*(?P<path>[^=\s]+)\s*=\s*(?P<lo>[^:]+):(?P<hi>[^:]+):(?P<n>[^:]+)\s*$")
#: Most points of one sweep (all axes together): bounded time and memory.
MAX_GRID_POINTS = 1_000_000


def _float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def grid_parameters(scenario: Scenario, specs: list[str]) -> tuple[list[Parameter], list[np.ndarray]]:
    """Parse ``PATH=LO:HI:N`` specs; check paths and both ends; return parameters and axes."""
    problems: list[Problem] = []
    parameters, axes = [], []
    for spec in specs:
        match = _GRID.match(spec)
        lo = _float(match["lo"]) if match else None
        hi = _float(match["hi"]) if match else None
        n = match["n"].strip() if match else ""
        if not match or lo is None or hi is None or not n.isdigit() or not 2 <= int(n) <= 1000 or not hi > lo:
            problems.append(Problem(f"found {spec!r}, expected PATH=LO:HI:N with numbers LO < HI and "
                                    "N a whole number of points from 2 to 1000", "--grid"))
            continue
        found = list(range_problems(scenario, ("--grid",), match["path"], {"low end": lo, "high end": hi}))
        if found:
            problems.extend(Problem(f"{match['path']}: {message}", "--grid") for _, message in found)
            continue
        parameters.append(_parameter(scenario, match["path"]))
        axes.append(np.linspace(lo, hi, int(n)))
    keys = [p.key for p in parameters]
    if len(set(keys)) != len(keys):
        problems.append(Problem("a path is swept twice", "--grid"))
    if not problems and int(np.prod([len(a) for a in axes])) > MAX_GRID_POINTS:
        problems.append(Problem(f"found {int(np.prod([len(a) for a in axes])):,} grid points, expected at most "
                                f"{MAX_GRID_POINTS:,}", "--grid"))
    if problems:
        raise ScenarioError(problems)
    return parameters, axes


def full_grid(axes: list[np.ndarray]) -> np.ndarray:
    """Every combination of the axes (N, K), the last axis varying fastest."""
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.column_stack([m.ravel() for m in mesh])


def member_scenario(scenario: Scenario, parameters: list[Parameter], row: np.ndarray) -> Scenario:
    """The scenario of one member: each parameter's value at all its paths (not validated again)."""
    return space.derive(scenario, {path: float(v) for p, v in zip(parameters, row, strict=True) for path in p.paths})

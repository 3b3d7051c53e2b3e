"""jevons — a rebound-effect simulator for the digital sector.

Three lines from scenario to figures::

    import simulator
    results = simulator.run("scenarios/world-mobile.yaml", ["demand.services.video.elasticity=1.4"])
    simulator.write_outputs(results, "outputs/what-if", formats=("png", "svg"))

and for ensembles (``monte_carlo``, ``sweep``, ``sensitivity`` and their writers)::

    mc = simulator.monte_carlo(simulator.load_scenario("scenarios/world-mobile.yaml"), 1000, seed=1)
    simulator.write_montecarlo(mc, "outputs/world-mobile-montecarlo")
"""

from __future__ import annotations

import importlib
import os
import sys
import types
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:
    from .attribution import attribute
    from .calibrate.fit import Calibration
    from .compare import Comparison
    from .engine import simulate
    from .ensemble.difference import monte_carlo_difference
    from .ensemble.export import write_difference, write_montecarlo, write_sensitivity, write_sweep
    from .ensemble.montecarlo import monte_carlo
    from .ensemble.sensitivity import sensitivity
    from .ensemble.sweep import sweep
    from .errors import ScenarioError, SimulatorError
    from .export import write_attribution, write_outputs
    from .reporting.api import report
    from .results import Results
    from .scenario.load import load_scenario, scenario_from_dict
    from .scenario.schema import Scenario

#: The module of each public name. They are imported on first use (PEP 562): importing them all
#: takes ~0.9 s, and ``jevons`` imports this package before its first line runs, so an eager
#: import would leave Ctrl-C during start-up to Python's traceback instead of the command's.
_PUBLIC = {
    "simulate": "engine", "write_montecarlo": "ensemble.export", "write_sensitivity": "ensemble.export",
    "write_sweep": "ensemble.export", "monte_carlo": "ensemble.montecarlo", "sensitivity": "ensemble.sensitivity",
    "sweep": "ensemble.sweep", "ScenarioError": "errors", "SimulatorError": "errors", "write_outputs": "export",
    "Results": "results", "load_scenario": "scenario.load", "scenario_from_dict": "scenario.load",
    "Scenario": "scenario.schema", "attribute": "attribution", "write_attribution": "export",
    "report": "reporting.api",
    "monte_carlo_difference": "ensemble.difference", "write_difference": "ensemble.export",
}


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC})


def run(scenario: Scenario | str | os.PathLike[str], overrides: Sequence[str] = (), *,
        variants: tuple[str, ...] | None = None) -> Results:
    """Load (if given a path, with ``overrides`` ``KEY=VALUE``) and simulate a scenario with its
    counterfactuals (``variants``: default, those its rebound measures need; see :func:`simulate`)."""
    from .engine import simulate
    from .ensemble.sampling import scenario_of

    return simulate(scenario_of(scenario, overrides), variants)


def compare(*scenarios: Scenario | str | os.PathLike[str], years: Sequence[int] = (), since: float | None = None,
            overrides: Sequence[str] = ()) -> Comparison:
    """Run two or more scenarios (the first is the reference; files loaded with ``overrides``) and compare
    them as ``jevons compare`` does: ``years``, ``since`` as its ``--years`` and ``--from``."""
    from .compare import compare as compare_runs
    from .compare import year_problems
    from .engine import simulate
    from .ensemble.sampling import scenario_of
    from .errors import Problem, ScenarioError, UsageError

    if len(scenarios) < 2:
        raise UsageError(f"found {len(scenarios)} scenario(s), expected at least two: the reference first")
    loaded = [scenario_of(s, overrides) for s in scenarios]
    problems = year_problems(list(years), since, [(s.time.start, s.time.end, s.time.step) for s in loaded])
    if problems:
        raise ScenarioError([Problem(message, option) for option, message in problems])
    return compare_runs([simulate(s) for s in loaded], years, since)


def calibrate(scenario: Scenario | str | os.PathLike[str], params: Sequence[str], *, until: float | None = None,
              observations: Sequence[str] | None = None, overrides: Sequence[str] = (),
              profiles: bool = True) -> Calibration:
    """Fit ``params`` (dotted paths) of a scenario (or file, loaded with ``overrides``) to its observations up
    to ``until`` (a year), only the series named in ``observations`` if given, as ``jevons calibrate`` does;
    ``simulator.calibrate.export.write_calibration`` writes the files."""
    from .calibrate.fit import calibrate as fit
    from .ensemble.sampling import scenario_of

    return fit(scenario_of(scenario, overrides), params, until, observations=observations, profiles=profiles)


class _Package(types.ModuleType):
    """This package's module type. ``compare`` and ``calibrate`` are functions here and modules below it;
    importing a submodule sets it as an attribute of its package, which would replace the function by the
    module (``from simulator.compare import Comparison`` anywhere, then ``simulator.compare(...)`` fails).
    The functions stay; the modules are still imported by their dotted names."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("compare", "calibrate") and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


__all__ = ["__version__", "run", "simulate", "load_scenario", "scenario_from_dict", "Scenario",
           "Results", "write_outputs", "ScenarioError", "SimulatorError", "monte_carlo", "sweep", "sensitivity",
           "write_montecarlo", "write_sweep", "write_sensitivity", "attribute", "write_attribution", "report",
           "compare", "calibrate", "monte_carlo_difference", "write_difference"]

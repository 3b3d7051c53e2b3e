"""jevons — a rebound-effect simulator for the digital sector.

Three lines from scenario to figures::

    import simulator
    results = simulator.run("scenarios/baseline.yaml", ["demand.services.video.elasticity=1.4"])
    simulator.write_outputs(results, "outputs/what-if", formats=("png", "svg"))

and for ensembles (``monte_carlo``, ``sweep``, ``sensitivity`` and their writers)::

    mc = simulator.monte_carlo(simulator.load_scenario("scenarios/baseline.yaml"), 1000, seed=1)
    simulator.write_montecarlo(mc, "outputs/baseline-montecarlo")
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:
    from .attribution import attribute
    from .engine import simulate
    from .ensemble.export import write_montecarlo, write_sensitivity, write_sweep
    from .ensemble.montecarlo import monte_carlo
    from .ensemble.sensitivity import sensitivity
    from .ensemble.sweep import sweep
    from .errors import ScenarioError, SimulatorError
    from .export import write_attribution, write_outputs
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
}


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC})


def run(scenario: Scenario | str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Results:
    """Load (if given a path) and simulate a scenario with its counterfactuals."""
    from .engine import simulate
    from .errors import UsageError
    from .scenario.load import load_scenario
    from .scenario.schema import Scenario

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, overrides)
    elif overrides:
        raise UsageError("overrides apply to a scenario file; load it with load_scenario(path, overrides)")
    return simulate(scenario)


__all__ = ["__version__", "run", "simulate", "load_scenario", "scenario_from_dict", "Scenario",
           "Results", "write_outputs", "ScenarioError", "SimulatorError", "monte_carlo", "sweep", "sensitivity",
           "write_montecarlo", "write_sweep", "write_sensitivity", "attribute", "write_attribution"]

"""jevons — a rebound-effect simulator for the digital sector.

Three lines from scenario to figures::

    import simulator
    results = simulator.run("scenarios/baseline.yaml", ["demand.services.video.elasticity=1.4"])
    simulator.write_outputs(results, "outputs/what-if", formats=("png", "svg"))

and for ensembles (``monte_carlo``, ``sweep``, ``sensitivity`` and their writers)::

    mc = simulator.monte_carlo(simulator.load_scenario("scenarios/baseline.yaml"), 1000, seed=1)
    simulator.write_montecarlo(mc, "outputs/baseline-montecarlo")
"""

__version__ = "0.1.0"

from .engine import simulate  # noqa: E402
from .ensemble.export import write_montecarlo, write_sensitivity, write_sweep  # noqa: E402
from .ensemble.montecarlo import monte_carlo  # noqa: E402
from .ensemble.sensitivity import sensitivity  # noqa: E402
from .ensemble.sweep import sweep  # noqa: E402
from .errors import ScenarioError, SimulatorError  # noqa: E402
from .export import write_outputs  # noqa: E402
from .results import Results  # noqa: E402
from .scenario.load import load_scenario, scenario_from_dict  # noqa: E402
from .scenario.schema import Scenario  # noqa: E402


def run(scenario, overrides=()) -> Results:
    """Load (if given a path) and simulate a scenario with its counterfactuals."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, overrides)
    elif overrides:
        raise ValueError("overrides apply to a scenario file; load it with load_scenario(path, overrides)")
    return simulate(scenario)


__all__ = ["__version__", "run", "simulate", "load_scenario", "scenario_from_dict", "Scenario",
           "Results", "write_outputs", "ScenarioError", "SimulatorError", "monte_carlo", "sweep", "sensitivity",
           "write_montecarlo", "write_sweep", "write_sensitivity"]

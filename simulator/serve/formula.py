"""The closed form a class can check against the simulation, where a scenario has one.

With one service and one network whose price of a GB is its energy bill, efficiency lowers the
price in step with the energy per GB: after t years the energy per GB is x = (1 − g)^t of the
start's (g the efficiency gain per year), and with a constant price elasticity ε, use is
x^(−ε) times what it would be with the start's technology. Energy is use × energy per GB, so the
actual run over the frozen one (the start's technology carrying the same exogenous demand) is

    actual / frozen = x^(1 − ε)

(Sorrell 2007 [sorrell2007]: resource use scales as k^(ε − 1) for an efficiency gain k = 1/x). Below
ε = 1 this is above x and below 1 (a partial rebound); at ε = 1 it is 1 (every saving taken back);
above 1 it exceeds 1 (backfire). ``tests/test_closed_form.py`` checks the shipped classroom
scenario against it to 1e-12; :func:`closed_form` recognises any scenario built the same way, not
a file name.
"""

from __future__ import annotations

from ..results import Results
from ..scenario.schema import Scenario
from ..scenario.types import Table


def closed_form(scenario: Scenario) -> bool:
    """True if the actual run over the frozen one is exactly x^(1 − ε): demand not forced, one service
    reacting at once (no delay, no ceiling), one generation on over the whole horizon drawing energy
    only in proportion to its traffic (no idle power, no site costs), no layers, devices, equipment
    or policies, and a price of a GB that is only its energy bill at a constant electricity price."""
    demand, price = scenario.demand, scenario.price
    if demand.traffic is not None or len(demand.services) != 1 or len(scenario.generations) != 1:
        return False
    service = next(iter(demand.services.values()))
    network = next(iter(scenario.generations.values()))
    on = network.launch <= scenario.time.start and (network.switch_off is None
                                                    or network.switch_off >= scenario.time.end)
    energy_bill_only = (not isinstance(price.electricity, Table) and price.electricity > 0
                        and not isinstance(price.fixed, Table) and price.fixed == 0)
    return (service.delay == 0 and service.saturation is None and on and network.idle_power == 0
            and network.site_cost == 0 and network.site_opex == 0 and energy_bill_only
            and not (scenario.layers or scenario.devices or scenario.equipment or scenario.policies))


def formula_numbers(results: Results) -> dict[str, float] | None:
    """The closed form at the end of the horizon, with the run's own numbers: the efficiency gain
    ``gain`` (per year) over ``years`` years giving ``x`` (energy per GB over the start's), the
    elasticity ``epsilon``, ``formula`` = x^(1 − ε) and ``simulated`` (actual over frozen energy at the
    end, to compare); None where the scenario is not the closed-form case or the run has no frozen
    counterfactual."""
    scenario = results.scenario
    if not closed_form(scenario) or "frozen" not in results.variants:
        return None
    service = next(iter(scenario.demand.services.values()))
    gain = next(iter(scenario.generations.values())).efficiency_gain
    years = float(results.times[-1] - scenario.time.start)
    x = (1.0 - gain) ** years
    frozen = float(results.array("energy", "frozen")[-1])
    simulated = float(results.array("energy")[-1]) / frozen if frozen > 0 else float("nan")
    return {"gain": gain, "years": years, "x": x, "epsilon": service.elasticity,
            "formula": x ** (1.0 - service.elasticity), "simulated": simulated}

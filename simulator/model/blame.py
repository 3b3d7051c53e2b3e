"""Which scenario value most plausibly made a run blow up, to report the blow-up at its line.

A run that overflows (``users: 1e308``), divides by almost nothing
(``capacity_per_site: "1e-300 GB/yr"``) or compounds a fall to nothing
(``efficiency_gain: 0.9999999999999999``: energy per GB × 10^-16 per year, so
the cost of a GB reaches 0 and its elasticity makes traffic infinite) is
stopped by the engine's check of the recorded values, which names the variable
that went wrong first. The cause is a number of the scenario; this module
guesses which one, so that the message points at the line to fix.

The heuristic: every number of the scenario *on the chain of that variable*
(:func:`on_chain`: what it is computed from) is scored by the orders of
magnitude by which it can scale the variable over the run, and the highest
score is blamed:

* an amount (users, usage, an intensity, a capacity, a share, a lifetime, a
  count, a factor): ``|log10 v|`` (1e308 → 308, 1e-300 → 300, 24 → 1.4);
* a fractional fall per year ``g`` (``efficiency_gain``, ``idle_power_gain``; negative: a rise),
  compounded over the T years of the horizon: ``T × |log10(1 − g)|``
  (0.9999999999999999 over 20 years → 320; 0.15 → 1.4; -1 → 0.3 T);
* a growth per year ``r`` (``growth``, ``capacity_growth``): ``T × |log10(1 + r)|``;
* dates (``launch``, ``switch_off``, ``at``, ``midpoint``, ``reference_year``) move events or
  the year gains run from: never blamed (the scenario checks bound what gains compound from them);
  zeros score 0.

Legitimate values of a scenario score at most ~10 (7.5e9 users); a value that
makes float64 overflow (1e308) must supply most of 300 orders of magnitude,
so the blamed one is, in the cases that reach this module, the culprit. It is a
guess all the same, and the message says so ("most likely").
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from ..errors import BlowUpError, NumericalError, Problem
from ..scenario.load import source_of
from ..scenario.schema import PHASES, Scenario
from ..scenario.space import NOT_PARAMETERS
from ..scenario.types import Table

Path = tuple[Any, ...]

#: Sections of a scenario that hold no model parameter.
_NOT_PARAMETERS = (*NOT_PARAMETERS, "rebound")
_DATES = {"launch", "switch_off", "at", "midpoint", "index_year", "reference_year"}
_FALLS = {"efficiency_gain", "idle_power_gain"}
_GROWTHS = {"growth", "capacity_growth"}
#: Sections the demand side is computed from: traffic, the price of a GB (technology, sites, electricity
#: and fixed costs), sites and the energy of generations and layers.
_DEMAND_SIDE = ("demand", "price", "generations", "layers", "policies")
_FLEETS = {"in_service", "installed", "retired"}
_IMPACTS = set(PHASES)
#: Recorded fields as a person reads them.
_NAMES = {"gen_traffic": "traffic by generation", "cost_index": "the cost index", "price": "the price of a GB",
          "gen_energy": "energy of generations",
          "gen_idle_energy": "idle energy of generations", "layer_energy": "energy of layers",
          "device_energy": "energy of devices", "compute_jobs": "compute jobs",
          "compute_energy": "energy of compute workloads", "in_service": "equipment in service",
          "installed": "equipment manufactured", "retired": "equipment retired",
          "manufacturing": "impacts of manufacturing", "use": "impacts of use",
          "end_of_life": "impacts of end of life"}


def on_chain(path: Path, variable: str) -> bool:
    """True if the number at ``path`` enters the computation of the recorded ``variable``.

    Demand, traffic, the price of a GB and cost index, sites and network energy
    come from the demand, price, generations, layers and policies sections
    (embodied impacts never enter the price); device energy from users and
    devices; fleets add devices and equipment; impacts read everything.
    """
    section = path[0]
    if variable == "device_energy":
        return path[:2] == ("demand", "users") or section == "devices"
    if variable in ("compute_jobs", "compute_energy"):
        return section in ("compute", "price")
    if variable in _IMPACTS:
        return True
    if variable in _FLEETS:
        return section in (*_DEMAND_SIDE, "devices", "equipment")
    return section in _DEMAND_SIDE


def numbers(scenario: Scenario) -> Iterator[tuple[Path, float]]:
    """Every number of a scenario's model parameters, with its key path (a table's points by year)."""
    for name in type(scenario).model_fields:
        if name not in _NOT_PARAMETERS:
            yield from _numbers(getattr(scenario, name), (name,))


def _numbers(node: Any, path: Path) -> Iterator[tuple[Path, float]]:
    if isinstance(node, bool) or node is None or isinstance(node, str):
        return
    if isinstance(node, int | float):
        yield path, float(node)
    elif isinstance(node, Table):
        for year, value in zip(node.years, node.values, strict=True):
            yield (*path, int(year) if float(year).is_integer() else year), value
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _numbers(getattr(node, name), (*path, name))
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _numbers(value, (*path, key))
    elif isinstance(node, list | tuple):
        for index, value in enumerate(node):
            yield from _numbers(value, (*path, index))


def orders(path: Path, value: float, years: float) -> float:
    """Orders of magnitude by which the number at ``path`` can scale what it enters over ``years``
    (see the module's docstring); 0 for a date."""
    field = next((p for p in reversed(path) if isinstance(p, str)), "")
    if field in _DATES or not math.isfinite(value):
        return 0.0
    if field in _FALLS:
        return years * abs(math.log10(1.0 - value)) if value < 1.0 else math.inf
    if field in _GROWTHS:
        return years * abs(math.log10(1.0 + value)) if value > -1.0 else math.inf
    return abs(math.log10(abs(value))) if value else 0.0


def culprit(scenario: Scenario, variable: str) -> tuple[Path, float, float] | None:
    """(path, value, orders of magnitude) of the number most plausibly behind a blow-up of the recorded
    ``variable``, or None if no number on its chain scales anything."""
    years = scenario.time.end - scenario.time.start
    scored = [(orders(path, value, years), path, value) for path, value in numbers(scenario)
              if on_chain(path, variable)]
    if not scored:
        return None
    score, path, value = max(scored, key=lambda item: item[0])
    return (path, value, score) if score > 0 else None


def blamed(error: NumericalError, scenario: Scenario) -> NumericalError:
    """``error`` located at the scenario value most plausibly behind it (:class:`BlowUpError`), or
    ``error`` itself if no value can be blamed."""
    found = culprit(scenario, error.variable)
    if found is None:
        return error
    path, value, score = found
    what = _NAMES.get(error.variable, error.variable)
    result = error.detail.partition(";")[0].removeprefix("found ")
    size = "over 300" if math.isinf(score) else f"~{score:.0f}"
    message = (f"found {value!r}, which most likely makes the run blow up: {what} is {result} at "
               f"t={error.time:g} ({error.variant}); of the numbers it depends on, this one scales it the "
               f"most ({size} orders of magnitude over the run): expected a value of realistic magnitude "
               "(check its unit)")
    where = source_of(scenario, path)
    problem = Problem(message, where.path, where.file, where.line, where.column)
    return BlowUpError(error.variable, error.time, error.variant, error.detail, error.member, problem)


__all__ = ["blamed", "culprit", "numbers", "on_chain", "orders"]

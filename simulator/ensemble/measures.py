"""The quantity an ensemble reports for each member: one measure of :mod:`simulator.rebound`.

Over long horizons the rebound against frozen start-year technology measures how extreme that
counterfactual is (the baseline's 2000 technology would need 214× the actual energy for 2050's
demand: R ≈ 0.1 % for every member, P(backfire) = 0, a uniformly green Jevons map). So an
ensemble reports the measure chosen with ``--measure``:

* ``induced`` — (A − E)/E: what the demand response added to the engineering estimate
  (cumulative over the horizon; per instant for the bands). Not a rebound: no backfire.
* ``frozen`` — cumulative R against the technology of ``time.start``; R(t) for the bands.
* ``window`` — R_Δ at ``time.end``: the rebound of the efficiency gained over the last Δ
  years (``rebound.window``); R_Δ(t) for the bands.
* ``marginal`` — Saunders' 1 + ∂lnE/∂lnη at ``time.end``; per instant for the bands.
* ``innovation:KIND:NAME`` — cumulative R of one innovation ("freeze one innovation");
  per instant for the bands.

The default (:func:`default_measure`) is ``frozen`` where the single run would headline it
(:func:`simulator.rebound.frozen_meaningful` on the nominal scenario), else ``induced``.
Each measure runs only the variants it needs (:attr:`Measure.variants`), through the same
engine paths as the headline three, and computes its values with the arithmetic of
:mod:`simulator.rebound` (equal to a single run's, bit for bit or to rounding).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine import simulate
from ..errors import Problem, ScenarioError
from ..model.variants import TWIN, VARIANTS
from ..rebound import efficiency_share, frozen_meaningful, induced_share, marginal_ratio, rebound_ratio, use_share
from ..scenario.innovations import innovations
from ..scenario.schema import Scenario

if TYPE_CHECKING:
    from .runner import Ensemble

#: Measures by name, besides ``innovation:KIND:NAME``: the extra variants each needs.
MEASURE_VARIANTS: dict[str, tuple[str, ...]] = {
    "induced": (), "frozen": (), "window": ("window", f"window{TWIN}"), "marginal": ("marginal",)}
INNOVATION = "innovation:"


@dataclass(frozen=True)
class Measure:
    """A measure of the rebound (or ``induced``) for an ensemble of ``scenario``'s horizon.

    ``name``: ``induced``, ``frozen``, ``window``, ``marginal`` or ``innovation:KIND:NAME``;
    ``window``: Δ of the rolling rebound (years); ``start``, ``end``: the horizon (years).
    """

    name: str
    window: float
    start: float
    end: float

    @classmethod
    def of(cls, name: str, scenario: Scenario) -> Measure:
        return cls(name, float(scenario.rebound.window), float(scenario.time.start), float(scenario.time.end))

    @property
    def innovation(self) -> str | None:
        """``KIND:NAME`` of an innovation measure, else None."""
        return self.name.removeprefix(INNOVATION) if self.name.startswith(INNOVATION) else None

    @property
    def is_rebound(self) -> bool:
        """A rebound R (backfire above 1), or ``induced`` (a share of the engineering estimate)."""
        return self.name != "induced"

    @property
    def cumulative(self) -> bool:
        """Whether the value of a member is over the horizon (else at ``time.end``)."""
        return self.name not in ("window", "marginal")

    @property
    def variants(self) -> tuple[str, ...]:
        """The variants an ensemble runs for this measure: the headline three and the measure's own."""
        if self.innovation is not None:
            return (*VARIANTS, f"without:{self.innovation}", f"without:{self.innovation}{TWIN}")
        return (*VARIANTS, *MEASURE_VARIANTS[self.name])

    def column(self, quantity: str = "energy") -> str:
        """Name of the measure's values in tables: ``induced_energy``, ``rebound_window_energy``..."""
        return f"induced_{quantity}" if not self.is_rebound else f"rebound_{self.name}_{quantity}"

    @property
    def label(self) -> str:
        """What a member's value is, in words (summary.json)."""
        period = f"{self.start:g}–{self.end:g}"
        if self.name == "induced":
            return f"induced energy (actual − engineering) / engineering, cumulative {period}"
        if self.name == "frozen":
            return f"cumulative rebound R against {self.start:g} technology, {period}"
        if self.name == "window":
            return (f"rolling rebound R_{self.window:g} at {self.end:g}: of the efficiency gained "
                    f"{max(self.start, self.end - self.window):g}–{self.end:g}")
        if self.name == "marginal":
            return f"marginal rebound 1 + dlnE/dln(efficiency) at {self.end:g}"
        return f"cumulative rebound R of {self.innovation} (the run without it), {period}"

    def describe(self) -> dict[str, Any]:
        """The measure for summary.json and the figures' ``meta["measure"]``."""
        return {"name": self.name, "label": self.label, "rebound": self.is_rebound, "column": self.column(),
                "window": self.window, "start": self.start, "end": self.end}

    def series(self, e: Ensemble, quantity: str = "energy") -> np.ndarray:
        """The measure at every instant (N, T+1): (A − E)/E, or R(t) of the measure; NaN where undefined
        (and for a rebound with forced traffic)."""
        actual = e.variant(quantity, "actual")
        if not self.is_rebound:
            return induced_share(actual, e.variant(quantity, "engineering"))
        if e.forced_traffic:
            return np.full(actual.shape, np.nan)
        if self.name == "marginal":
            share = efficiency_share(e.energy_fixed, e.variant("energy", "actual"))
            if quantity != "energy":
                share = share * use_share(getattr(e, f"{quantity}_use"), actual)
            return marginal_ratio(actual, e.variant(quantity, "marginal"), share)
        without, twin = self._pair()
        return rebound_ratio(e.variant(quantity, without), e.variant(quantity, twin), actual)

    def values(self, e: Ensemble, quantity: str = "energy") -> np.ndarray:
        """The value of every member (N,): over the horizon, or at ``time.end`` (see the module)."""
        if not self.cumulative:
            return self.series(e, quantity)[:, -1]
        if not self.is_rebound:
            return induced_share(*(e.cumulative(e.variant(quantity, v)) for v in ("actual", "engineering")))
        if e.forced_traffic:
            return np.full(e.members, np.nan)
        return rebound_ratio(*(e.cumulative(e.variant(quantity, v)) for v in (*self._pair(), "actual")))

    def _pair(self) -> tuple[str, str]:
        """The run without the improvement and its engineering twin."""
        if self.innovation is not None:
            return f"without:{self.innovation}", f"without:{self.innovation}{TWIN}"
        return {"frozen": ("frozen", "engineering"), "window": ("window", f"window{TWIN}")}[self.name]


def measure_names(scenario: Scenario) -> list[str]:
    """Every measure an ensemble of ``scenario`` can report."""
    return [*MEASURE_VARIANTS, *(f"{INNOVATION}{name}" for name in innovations(scenario))]


def default_measure(scenario: Scenario) -> str:
    """``frozen`` where a single run of the nominal scenario would headline it (frozen/actual energy
    within ``rebound.frozen_headline_limit``), else ``induced`` (also with forced traffic, where no
    rebound is meaningful). One run of the headline three variants, ~50 ms for the baseline."""
    if scenario.demand.traffic is not None:
        return "induced"
    return "frozen" if frozen_meaningful(simulate(scenario, VARIANTS)) else "induced"


def choose_measure(scenario: Scenario, name: str | None = None, where: str = "--measure") -> Measure:
    """The measure named ``name`` (None: :func:`default_measure`); a located error listing the valid
    ones when it is not one of them."""
    if name is None:
        return Measure.of(default_measure(scenario), scenario)
    valid = measure_names(scenario)
    if name not in valid:
        found = innovations(scenario)
        if name.startswith(INNOVATION):
            message = (f"found {name!r}, expected innovation:NAME with NAME an innovation of this scenario: "
                       f"{', '.join(found) or 'none (no launch or efficiency gain inside the horizon)'}")
        else:
            message = (f"found {name!r}, expected one of {', '.join(MEASURE_VARIANTS)} or innovation:NAME "
                       f"({', '.join(f'{INNOVATION}{n}' for n in found) or 'this scenario has no innovation'})")
        raise ScenarioError([Problem(message, where)])
    return Measure.of(name, scenario)

"""The variants of a run: the actual scenario and the counterfactuals its rebound is measured against.

A variant is named by a string, and every variant of a sample runs in the same batch:

* ``actual`` — the scenario as given.
* ``engineering`` — the same technology path, demand does not react to the cost of a GB (ε = 0):
  the engineering estimate, against which ``induced`` (actual − engineering) is measured. Compute jobs
  do not react to the cost of a job either (:mod:`simulator.model.compute`, which says how every
  variant treats the accelerator gain of a workload).
* ``frozen`` — the technology of ``time.start`` carries all demand: no launch or switch-off after
  the start, no efficiency or capacity gain, adoption shares held, cost index 1 (demand at the
  price of the start: no demand response at all). Its rebound counts all price-induced traffic as
  taken back, including what fixed costs spread over more traffic induced; the window and
  innovation measures isolate technology through their twins. Its rebound is
  the classroom closed form's, and over long horizons a measure of how extreme that
  counterfactual is (see :mod:`simulator.rebound`).
* ``window`` — the technology of ``t − Δ`` (Δ = ``rebound.window`` years, clamped at the start)
  carries the demand of ``t``: generations launched in the last Δ years are not there, gains of
  the last Δ years not made. ``window/engineering`` is the actual technology with demand held at
  the cost of a GB of ``window`` (the cost of ``t − Δ``): together they give the rolling rebound
  R_Δ(t) of the efficiency gained over the last Δ years.
* ``marginal`` — every efficiency path raised by :data:`MARGINAL_STEP` (energy per GB, idle power,
  layer and device energy divided by 1 + h at every instant after the start, the cost reference
  of the start unchanged): Saunders' marginal rebound 1 + ∂lnE/∂lnη by a one-sided difference.
* ``without:INNOVATION`` — the run without one innovation (Hilty et al. 2006, "freeze one
  innovation"): ``launch:G`` (generation G never launched: its traffic stays on what exists),
  ``gain:G`` or ``idle_gain:G`` (G's energy per GB or idle power never changes after its launch: it
  keeps its launch year's value, also where its technology is given by calendar year),
  ``layer_gain:L``, ``device_gain:D``. ``without:INNOVATION/engineering`` is the actual
  technology with demand held at the cost of a GB of the run without it: the expected savings
  of the innovation with no demand response. A negative gain (a rise) makes them negative: there
  is then no saving to take back, and no rebound (:func:`simulator.rebound.rebound_ratio`).

Technology given by calendar year (``technology_year: calendar``) needs nothing of its own: every
variant reads the technology of a year (the start for ``frozen``, t − Δ for ``window``) from the
reference year as the actual run reads it from there, and ``marginal`` scales it the same way.

A twin (``X/engineering``) differs from the actual run only in the cost its demand responds to
(``Params.cost_source``: the member of its sample whose cost it reads), so it shares the actual
run's technology and costs the engine no technology of its own.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ..errors import UsageError
from ..scenario.innovations import KINDS, chosen_innovations
from ..scenario.schema import Scenario

if TYPE_CHECKING:
    from .params import Params

#: The variants every run has, and the only ones ensembles run unless a measure needs more.
VARIANTS = ("actual", "engineering", "frozen")
#: Relative rise h of every efficiency path in the ``marginal`` variant: small enough that the
#: one-sided difference's error (of order h) is below the model's accuracy, large enough that
#: ln(1 + h) is far above rounding (1e-16).
MARGINAL_STEP = 1e-3
#: Kinds of innovation, with the Params field their ``without:`` variant sets to zero (None: the launch).
INNOVATION_KINDS = {"launch": None, "gain": "gain", "idle_gain": "idle_gain", "layer_gain": "layer_gain",
                    "device_gain": "device_gain", "compute_gain": "compute_gain"}
assert set(INNOVATION_KINDS) == set(KINDS)
TWIN = "/engineering"


def rebound_variants(scenario: Scenario) -> tuple[str, ...]:
    """Every variant a single run computes: the headline three, the window pair, the marginal run,
    and the pair of each chosen innovation."""
    pairs = [v for name in chosen_innovations(scenario) for v in (f"without:{name}", f"without:{name}{TWIN}")]
    return (*VARIANTS, "window", f"window{TWIN}", "marginal", *pairs)


def check_variants(variants: tuple[str, ...], generations: tuple[str, ...], layers: tuple[str, ...],
                   devices: tuple[str, ...], workloads: tuple[str, ...] = ()) -> None:
    """:class:`~simulator.errors.UsageError` (a ValueError) naming a variant that is not one of the forms
    above, or a twin without its base. A variant may repeat (a batch of copies of one run); a twin reads
    the first copy of its base."""
    names = {"launch": generations, "gain": generations, "idle_gain": generations, "layer_gain": layers,
             "device_gain": devices, "compute_gain": workloads}
    for variant in variants:
        base, twin, rest = variant.partition(TWIN)
        if rest or (twin and base not in variants):
            raise UsageError(f"variant {variant!r}: a twin is BASE{TWIN}, and BASE must be a variant of the batch")
        if twin and base in VARIANTS + ("marginal",):
            raise UsageError(f"variant {variant!r}: only window and without:... variants have an engineering twin")
        if base in (*VARIANTS, "window", "marginal"):
            continue
        kind, _, name = base.removeprefix("without:").partition(":")
        if not base.startswith("without:") or kind not in INNOVATION_KINDS or name not in names[kind]:
            raise UsageError(f"unknown variant {variant!r}, expected one of {VARIANTS}, window, marginal, "
                             f"without:KIND:NAME with KIND in {tuple(INNOVATION_KINDS)}, or a twin BASE{TWIN}")


def apply_variants(p: Params, window: float) -> None:
    """Turn the per-sample parameters of ``p`` (every variant a copy of the actual run) into its variants.

    ``window``: Δ in years for the window variants. Arrays written per member are (M, ...) already.
    """
    v = len(p.variants)
    first = np.arange(p.samples) * v
    for j, variant in enumerate(p.variants):
        members = first + j
        base, twin, _ = variant.partition(TWIN)
        if twin:
            p.cost_source[members] = first + p.variants.index(base)
        elif variant == "engineering":
            p.elasticity[members] = 0.0
            p.compute_elasticity[members] = 0.0
        elif variant == "frozen":
            p.tech_frozen[members] = p.cost_frozen[members] = True
            later = (p.launch[members] > p.start), (p.switch_off[members] > p.start)
            p.launch[members] = np.where(later[0], math.inf, p.launch[members])
            p.switch_off[members] = np.where(later[1], math.inf, p.switch_off[members])
        elif variant == "window":
            p.tech_lag[members] = window
        elif variant == "marginal":
            p.efficiency_scale[members] = 1.0 + MARGINAL_STEP
        elif variant.startswith("without:"):
            kind, _, name = variant.removeprefix("without:").partition(":")
            field = INNOVATION_KINDS[kind]
            axis = {"layer_gain": p.layers, "device_gain": p.devices, "compute_gain": p.workloads}.get(
                kind, p.generations)
            column = axis.index(name)
            if field is None:
                p.launch[members, column] = math.inf
            else:
                if field in CALENDAR_VALUE:
                    _hold_launch_value(p, field, members, column)
                getattr(p, field)[members, column] = 0.0


#: A generation's gains and the value each compounds: without the gain, the value of the launch year holds.
CALENDAR_VALUE = {"gain": "ei0", "idle_gain": "idle0"}


def _hold_launch_value(p: Params, field: str, members: np.ndarray, column: int) -> None:
    """Before the gain ``field`` of generation ``column`` is set to 0 in ``members``: where its technology
    is given by calendar year, its value becomes that of its launch year, which it then keeps (as a
    generation whose technology is that of its launch keeps its launch value). A launch after the end
    (never on) is read at the end, so the factor stays finite."""
    value = getattr(p, CALENDAR_VALUE[field])
    reference = p.reference_year[members, column]
    calendar = np.isfinite(reference)
    if not calendar.any():
        return
    years = np.where(calendar, np.minimum(p.launch[members, column], p.times[-1]) - reference, 0.0)
    factor = np.exp(np.log1p(-getattr(p, field)[members, column]) * years)
    value[members, column] = np.where(calendar, value[members, column] * factor, value[members, column])

"""Exact additive decomposition of the change of energy or an impact between two years (LMDI-I).

The yearly rate of a quantity at an instant is a sum of sub-aggregates, each a product of factors
(actual run, at the two instants):

* dynamic energy of generation g = users × usage × rebound × traffic_mix × efficiency, i.e.
  U · (D/U) · (T/D) · (T_g/T) · (E_g,dyn/T_g), with U users, D the exogenous demand (GB/yr, policy
  scales included), T the traffic (GB/yr): usage per user as the trend would have it, the
  price-induced multiplier T/D (traffic induced by a cheaper GB: efficiency, and fixed costs spread over
  more traffic), the generation's share of traffic and its
  dynamic energy per GB;
* idle energy of generation g: one factor, ``idle_stacking`` (sites kept on beside newer ones);
* energy of layer l = U · (D/U) · (T/D) · (E_l/T), the last factor ``layers``;
* energy of device d = U · (E_d/U), the last factor ``devices``;
* energy of compute workloads (data-centre jobs): one factor, counted in ``layers`` (the term of core,
  transport and data centres) until jobs and energy per job are split;
* for an impact category, the use phase multiplies each of these by ``grid`` (impact per kWh),
  manufacturing is Σ units made × impact per unit (``units_made``, ``embodied_per_unit``) per
  equipment type, and end of life is one term (``end_of_life``).

LMDI-I [ang2004; ang2015] gives each factor k of a sub-aggregate V the part
L(V₁, V₀)·ln(x_k,₁/x_k,₀) of its change over an interval, L the logarithmic mean; the parts add
up to V₁ − V₀ exactly. It is applied to every step between the two years and the parts summed
(chained, or time-series, LMDI [ang2015]), so that a generation's efficiency gains over its life
count as efficiency, and only its arrival and departure as traffic mix. Over a step where a
sub-aggregate is zero at one end (the step of a launch or a switch-off) its whole change goes to
the first factor that is zero there [angliu2007]: the limit of the formula as that factor tends
to zero. Phases not assessed are left out, and said so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import UsageError
from .rebound import quantity_key
from .scenario.schema import END_OF_LIFE, MANUFACTURING, PHASES, USE

if TYPE_CHECKING:
    from .results import Results

TERMS = ("users", "usage", "rebound", "traffic_mix", "efficiency", "idle_stacking", "layers", "devices", "grid",
         "units_made", "embodied_per_unit", "end_of_life")


def log_mean(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """L(a, b) = (a − b)/(ln a − ln b), L(a, a) = a, elementwise for a, b > 0 (0 elsewhere)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    positive = (a > 0) & (b > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = np.log(a) - np.log(b)
        # within 1e-8 of each other L is their mean to ~1e-17 (L = mean · (1 − gap²/24 + ...)); the
        # quotient there would divide rounding noise (a and b a few ulps apart can have gap = 0)
        value = np.where(np.abs(gap) < 1e-8, (a + b) / 2, (a - b) / gap)
    return np.where(positive, value, 0.0)


def lmdi(factors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Split the change of V = Π factors over each interval of consecutive instants: factor → values at
    the instants (K+1,); returns factor → part of the change over each interval (K,), the parts of an
    interval adding up to its change of V. Where V is zero at one end of an interval, the whole change
    goes to the first factor that is not positive at that end."""
    x = np.array(list(factors.values()), dtype=float)  # (F, K+1)
    v = np.prod(x, axis=0)
    v0, v1, x0, x1 = v[:-1], v[1:], x[:, :-1], x[:, 1:]
    positive = (v0 > 0) & (v1 > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        parts = np.where(positive, log_mean(v1, v0) * np.log(np.where(positive, x1 / x0, 1.0)), 0.0)
    ends = np.where(v0 > 0, x1, x0)  # the end where V is zero
    vanishing = np.argmax(~(ends > 0), axis=0)  # first factor not positive there
    jumps = ~positive & (v0 != v1)
    parts[vanishing[jumps], np.nonzero(jumps)[0]] = (v1 - v0)[jumps]
    return dict(zip(factors, parts, strict=True))


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(b > 0, a / np.where(b > 0, b, 1.0), 0.0)


def _index(results: Results, year: float) -> int:
    k = int(np.argmin(np.abs(results.times - year)))
    if abs(results.times[k] - year) > 1e-6:
        raise UsageError(f"{year:g} is not an instant of the run ({results.times[0]:g}-{results.times[-1]:g}, "
                         f"every {results.times[1] - results.times[0]:g} yr)")
    return k


def decompose(results: Results, quantity: str = "energy", start: float | None = None,
              end: float | None = None) -> dict[str, Any]:
    """The change of the yearly rate of ``quantity`` (``energy`` or an impact category) from ``start`` to
    ``end`` (default: the run's first and last instants), split into :data:`TERMS`: ``{unit, from, to,
    change, terms, not_assessed}``; the terms add up to ``change``."""
    t0 = float(results.times[0] if start is None else start)
    t1 = float(results.times[-1] if end is None else end)
    k0, k1 = _index(results, t0), _index(results, t1)

    def at(variable: str, **labels: str) -> np.ndarray:
        return results.array(variable, "actual", **labels)[k0:k1 + 1]

    users, demand, traffic = at("users"), at("demand"), at("traffic")
    energy = at("energy")
    impact = quantity != "energy"
    missing: dict[str, str] = {}
    if impact:
        missing = results.not_assessed.get(quantity, {})
        use = at("impact", category=quantity, phase=USE) if USE not in missing else np.zeros_like(energy)
        grid = _ratio(use, energy)
    terms = dict.fromkeys(TERMS, 0.0)

    def add(**factors: np.ndarray) -> None:
        if impact:
            if USE in missing:
                return
            factors["grid"] = grid
        for name, part in lmdi(factors).items():
            terms[name] += float(part.sum())

    growth = dict(users=users, usage=_ratio(demand, users), rebound=_ratio(traffic, demand))
    for g in results.labels("energy_idle", "generation"):
        idle, carried = at("energy_idle", generation=g), at("traffic", generation=g)
        dynamic = at("energy", generation=g) - idle
        add(**growth, traffic_mix=_ratio(carried, traffic), efficiency=_ratio(dynamic, carried))
        add(idle_stacking=idle)
    for layer in results.labels("energy", "layer"):
        add(**growth, layers=_ratio(at("energy", layer=layer), traffic))
    for device in results.labels("energy", "device"):
        add(users=users, devices=_ratio(at("energy", device=device), users))
    if results.has("compute_energy"):
        add(layers=at("compute_energy"))
    if impact and MANUFACTURING not in missing:
        for equipment in results.labels("equipment_manufactured", "equipment"):
            if results.has("impact", category=quantity, phase=MANUFACTURING, equipment=equipment):
                made = at("equipment_manufactured", equipment=equipment)
                per_unit = _ratio(at("impact", category=quantity, phase=MANUFACTURING, equipment=equipment), made)
                for name, part in lmdi({"units_made": made, "embodied_per_unit": per_unit}).items():
                    terms[name] += float(part.sum())
    if impact and END_OF_LIFE not in missing:
        eol = at("impact", category=quantity, phase=END_OF_LIFE)
        terms["end_of_life"] += float(eol[-1] - eol[0])
    key, labels = quantity_key(quantity)
    if impact:
        kept = [phase for phase in PHASES if phase not in missing]
        ends = [at("impact", category=quantity, phase=ph) for ph in kept]
        change = sum(float(values[-1] - values[0]) for values in ends)
    else:
        change = float(energy[-1] - energy[0])
    return {"unit": results.unit(key, **labels), "from": t0, "to": t1, "change": change, "terms": terms,
            "not_assessed": sorted(missing)}

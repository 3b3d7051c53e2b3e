"""Rebound measures, each against a named, bounded efficiency improvement, and the one verdict.

A rebound R compares what an improvement was expected to save with what it saved:
``R = 1 − actual savings / expected savings`` (Saunders 1992; Sorrell 2007). The run it is
measured against — the counterfactual without the improvement — and the engineering twin
of that counterfactual (the improvement made, demand held at the cost of a GB without it)
are variants of the same batch (:mod:`simulator.model.variants`). R is defined only where
the expected savings are positive: an improvement that saves nothing before demand reacts
(a new generation's idle load) has no savings to take back; nor do savings below
:data:`REBOUND_TOLERANCE` of the counterfactual's use, whose ratio says nothing.

Measures, for energy and every impact category:

* ``induced`` (the headline): actual − engineering, what the demand response added to the
  engineering estimate, absolute and relative, cumulative and for the final year.
* ``frozen``: against the technology of ``time.start`` carrying all demand. It is the
  classroom closed form's measure; over long horizons it mostly measures how extreme that
  counterfactual is, so it is headlined only while frozen/actual ≤ ``rebound.frozen_headline_limit``.
* ``window``: R_Δ(t), the rebound of the efficiency gained over the last Δ years.
* ``marginal``: 1 + ∂lnE/∂lnη (Saunders), by a one-sided difference of every efficiency path.
* per innovation ("freeze one innovation", Hilty et al. 2006): each generation launched inside
  the horizon and each efficiency stream, with a separate *stacking* term for a launch.

All are the *direct price* rebound of the model: income (re-spending), time-use and frontier
rebounds are outside it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, overload

import numpy as np

from .model.variants import MARGINAL_STEP, TWIN
from .scenario.schema import CATEGORIES, EQUIPMENT_PHASES, USE, Scenario

if TYPE_CHECKING:
    from .results import Results

#: Expected savings below this share of the counterfactual's use leave R undefined: a ratio of two
#: differences that small says nothing (the baseline's window R read 1,300 % in 2008, when five years
#: of efficiency were expected to save 0.12 % because the newly launched 3G added its idle load).
REBOUND_TOLERANCE = 1e-2
#: Distance of R from 1 (from 0) within which a rebound is called full (none): rounding, not a finding
#: (at ε = 1 the classroom scenario gives R = 1 to ~1e-12).
VERDICT_TOLERANCE = 1e-6
#: Relative change within which a quantity is called flat by the verdict.
FLAT = 0.005
MEASURES = ("induced", "window", "marginal", "frozen")


def rebound_ratio(without: np.ndarray, twin: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """R = 1 − (N − A)/(N − T) from the run without the improvement N, its engineering twin T and the
    actual run A (arrays of one shape); NaN where the expected savings N − T are not positive."""
    expected = without - twin
    scale = np.maximum(np.abs(without), np.abs(twin))
    defined = expected > REBOUND_TOLERANCE * np.where(scale > 0, scale, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(defined, 1.0 - (without - actual) / np.where(defined, expected, 1.0), np.nan)


def marginal_ratio(actual: np.ndarray, raised: np.ndarray, use_share: np.ndarray | float = 1.0) -> np.ndarray:
    """1 + ln(M/A)/(u·ln(1 + h)) along the last axis (time), M the run with every efficiency path raised by
    h = :data:`MARGINAL_STEP`, u the share of the quantity that electricity makes in the actual run (1 for
    energy; the use phase's share for an impact category): the saving one more percent of efficiency
    promises a quantity is u percent, since it makes no equipment lighter. NaN at the start (the cost
    reference), where either run is 0 and where u is 0 (nothing to save: e-waste)."""
    u = np.asarray(use_share, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = 1.0 + np.log(raised / actual) / (u * np.log1p(MARGINAL_STEP))
    value = np.array(value, dtype=float, copy=True)
    value[..., 0] = np.nan
    return np.where((actual > 0) & (raised > 0) & (u > 0), value, np.nan)


def use_share(use: np.ndarray, total: np.ndarray) -> np.ndarray:
    """Share of a quantity that the electricity of use makes (elementwise), 0 where the total is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, use / np.where(total > 0, total, 1.0), 0.0)


def induced_share(actual: np.ndarray | float, engineering: np.ndarray | float) -> np.ndarray:
    """(A − E)/E elementwise; NaN where the engineering estimate E is not positive."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(engineering > 0, (actual - engineering) / np.where(engineering > 0, engineering, 1.0), np.nan)


@overload
def backfires(r: np.ndarray) -> np.ndarray: ...
@overload
def backfires(r: float | None) -> bool: ...
def backfires(r: np.ndarray | float | None) -> np.ndarray | bool:
    """Whether R (a number or an array; NaN, None: no) means backfire: efficiency raised consumption
    (an array of booleans for an array of at least one dimension)."""
    if r is None:
        return False
    return np.asarray(r) > 1.0 + VERDICT_TOLERANCE if np.ndim(r) else bool(r > 1.0 + VERDICT_TOLERANCE)


def rebound_verdict(r: float | None, induced: float | None = None) -> str:
    """One word for a rebound R: ``backfire`` (R > 1), ``full`` (R = 1), ``partial`` (0 < R < 1),
    ``none`` (R = 0 and, where given, nothing induced), ``negative`` (demand fell) or ``undefined``;
    equalities within :data:`VERDICT_TOLERANCE`. The one classification every output uses."""
    if r is None or np.isnan(r):
        return "undefined"
    if backfires(r):
        return "backfire"
    if r >= 1.0 - VERDICT_TOLERANCE:
        return "full"
    if abs(r) <= VERDICT_TOLERANCE and (induced is None or abs(induced) <= VERDICT_TOLERANCE):
        return "none"
    return "partial" if r >= 0 else "negative"


def quantity_key(quantity: str) -> tuple[str, dict[str, str]]:
    """The series of a rebound quantity: ``energy`` or an impact category."""
    if quantity in CATEGORIES:
        return "impact", {"category": quantity}
    return quantity, {}


def _values(results: Results, quantity: str, variant: str) -> np.ndarray:
    key, labels = quantity_key(quantity)
    return results.array(key, variant, **labels)


def _cumulative(results: Results, quantity: str, variant: str) -> float:
    return float(results.integrate(_values(results, quantity, variant)))


def has(results: Results, *variants: str) -> bool:
    """Whether the run has these variants and a demand model (forced traffic has no rebound)."""
    return set(variants) <= set(results.variants) and results.scenario.demand.traffic is None


def frozen(results: Results, quantity: str = "energy") -> np.ndarray:
    """R(t) against frozen start-year technology (T+1,)."""
    return rebound_ratio(*(_values(results, quantity, v) for v in ("frozen", "engineering", "actual")))


def window(results: Results, quantity: str = "energy") -> np.ndarray:
    """R_Δ(t), the rebound of the efficiency gained over the last Δ years (T+1,): against the technology
    of t − Δ carrying the demand of t, whose twin holds demand at the cost of t − Δ."""
    return rebound_ratio(*(_values(results, quantity, v) for v in ("window", f"window{TWIN}", "actual")))


def marginal(results: Results, quantity: str = "energy") -> np.ndarray:
    """1 + ∂lnQ/(u·∂lnη) at each instant (T+1,), every efficiency path raised by :data:`MARGINAL_STEP`, u the
    share of the quantity those paths act on (:func:`marginal_ratio`): the energy but the layers' fixed power
    (:func:`efficiency_share`), times the use phase's share for an impact category (at the mean grid
    factor); NaN at the start (the cost reference), where the quantity is 0 and where electricity makes
    none of it."""
    actual = _values(results, quantity, "actual")
    energy = results.array("energy", "actual")
    share = efficiency_share(results.array("energy_fixed", "actual") if results.has("energy_fixed") else 0.0, energy)
    if quantity != "energy":
        key, labels = quantity_key(quantity)
        share = share * use_share(results.array(key, "actual", phase="use", **labels), actual)
    return marginal_ratio(actual, _values(results, quantity, "marginal"), share)


def efficiency_share(fixed: np.ndarray | float, energy: np.ndarray) -> np.ndarray:
    """Share of the energy (elementwise) that efficiency paths act on: all but the fixed power of layers
    (``energy_fixed``, a path of its own, given as a table), so the saving one more percent of efficiency
    promises is that share of a percent."""
    return 1.0 - use_share(np.asarray(fixed) * np.ones_like(energy), energy)


def frozen_ratio(results: Results, quantity: str = "energy") -> float | None:
    """Cumulative frozen / cumulative actual: how far the start-year technology is from the run."""
    actual = _cumulative(results, quantity, "actual")
    return _cumulative(results, quantity, "frozen") / actual if actual > 0 else None


def frozen_meaningful(results: Results) -> bool:
    """Whether the frozen measure may be headlined: frozen/actual energy within the scenario's limit."""
    ratio = frozen_ratio(results, "energy")
    return ratio is not None and ratio <= results.scenario.rebound.frozen_headline_limit


def induced(results: Results, quantity: str = "energy") -> dict[str, Any]:
    """Actual − engineering: ``absolute`` (cumulative, in the quantity's unit), ``relative`` (to the
    engineering estimate; None where it is 0) and ``final_year_absolute`` (mean over the final-year
    window, per year)."""
    key, labels = quantity_key(quantity)
    actual, engineering = (_cumulative(results, quantity, v) for v in ("actual", "engineering"))
    final = results.final(key, **labels)
    member = results.variants.index
    unit = results.unit(key, **labels)
    return {
        "unit": unit.removesuffix("/yr"), "absolute": actual - engineering,
        "relative": None if engineering <= 0 else float(induced_share(np.float64(actual), np.float64(engineering))),
        "final_year_absolute": float(final[member("actual")] - final[member("engineering")]),
        "final_year_unit": unit,
    }


def innovation_names(results: Results) -> list[str]:
    """The innovations the run measured (those with both variants of their pair in the batch)."""
    return [v.removeprefix("without:") for v in results.variants
            if v.startswith("without:") and not v.endswith(TWIN) and f"{v}{TWIN}" in results.variants]


def _stacking(results: Results, innovation: str, quantity: str) -> float | None:
    """For a launch, what keeping the generations launched before it running beside it costs while it
    is on: their idle energy (energy), or for an impact category the use-phase impact of that idle
    energy plus the making and discarding of their equipment; cumulative, actual run. None for a gain."""
    kind, _, name = innovation.partition(":")
    if kind != "launch":
        return None
    gens = results.scenario.generations
    on = results.array("traffic", generation=name) > 0
    older = [g for g in results.labels("energy_idle", "generation") if gens[g].launch < gens[name].launch]
    idle = sum((results.array("energy_idle", generation=g) for g in older), np.zeros(len(results.times)))
    if quantity == "energy":
        return float(results.integrate(np.where(on, idle, 0.0)))
    energy = results.array("energy")
    use = results.array("impact", category=quantity, phase=USE)
    with np.errstate(divide="ignore", invalid="ignore"):
        cost = np.where(energy > 0, idle * use / np.where(energy > 0, energy, 1.0), 0.0)
    for g in older:
        for phase in EQUIPMENT_PHASES:
            if results.has("impact", category=quantity, phase=phase, generation=g):
                cost = cost + np.nan_to_num(results.array("impact", category=quantity, phase=phase, generation=g))
    return float(results.integrate(np.where(on, cost, 0.0)))


def innovations(results: Results, quantities: tuple[str, ...] | None = None) -> dict[str, dict[str, Any]]:
    """For each innovation measured and each quantity: ``{unit, expected_savings, actual_savings,
    rebound, stacking}``, cumulative over the horizon. Expected savings: without it − its engineering
    twin; actual: without it − actual; rebound R (None where expected savings are not positive);
    stacking: see :func:`_stacking` (None but for a launch)."""
    out: dict[str, dict[str, Any]] = {}
    for name in innovation_names(results):
        out[name] = {}
        for quantity in quantities or ("energy", *CATEGORIES):
            key, labels = quantity_key(quantity)
            without, twin, actual = (_cumulative(results, quantity, v)
                                     for v in (f"without:{name}", f"without:{name}{TWIN}", "actual"))
            r = float(rebound_ratio(np.array(without), np.array(twin), np.array(actual)))
            out[name][quantity] = {
                "unit": results.unit(key, **labels).removesuffix("/yr"), "expected_savings": without - twin,
                "actual_savings": without - actual, "rebound": None if np.isnan(r) else r,
                "stacking": _stacking(results, name, quantity),
            }
    return out


def _fmt(value: float, lang: str) -> str:
    """Two significant digits, whole numbers from 10 on, thousands separated (French: narrow space and
    decimal comma)."""
    text = f"{value:,.0f}" if abs(value) >= 10 else f"{value:.2g}"
    return text.replace(",", "\u202f").replace(".", ",") if lang == "fr" else text


_NAMES = {"energy": {"en": "Energy", "fr": "Énergie"}, "climate_change": {"en": "Climate change", "fr": "Climat"}}
_DIRECTION = {"up": {"en": "up", "fr": "en hausse"}, "down": {"en": "down", "fr": "en baisse"},
              "flat": {"en": "flat", "fr": "stable"}}
_KIND = {
    "backfire": {"en": "backfire (Jevons paradox): the efficiency gain raised consumption",
                 "fr": "effet boomerang (paradoxe de Jevons) : le gain d’efficacité a augmenté la consommation"},
    "full": {"en": "full rebound: more use took back all of the efficiency gain",
             "fr": "rebond total : l’usage accru a repris tout le gain d’efficacité"},
    "partial": {"en": "partial rebound: more use took back part of the efficiency gain",
                "fr": "rebond partiel : l’usage accru a repris une partie du gain d’efficacité"},
    "none": {"en": "no rebound: use did not react to the cheaper gigabyte",
             "fr": "pas d’effet rebond : l’usage n’a pas réagi au gigaoctet moins cher"},
    "assumed": {"en": "no rebound, by assumption: the scenario gives demand no price response (every elasticity "
                      "is 0)",
                "fr": "pas d’effet rebond, par hypothèse : le scénario ne donne à la demande aucune réaction au prix "
                      "(toutes les élasticités sont nulles)"},
    "negative": {"en": "negative rebound: use fell as the gigabyte got cheaper",
                 "fr": "rebond négatif : l’usage a baissé alors que le gigaoctet devenait moins cher"},
    "undefined": {"en": "no rebound can be measured: the improvement saved nothing, or under 1 %, before demand "
                        "reacted",
                  "fr": "pas d’effet rebond mesurable : l’amélioration n’économisait rien, ou moins de 1 %, avant la "
                        "réaction de la demande"},
}


def _typeset(text: str, lang: str) -> str:
    """French spacing: a no-break space before ``:`` and ``;``, a narrow one before ``%``."""
    if lang != "fr":
        return text
    return text.replace(" :", "\u00a0:").replace(" ;", "\u00a0;").replace(" %", "\u202f%")


def headline_measure(results: Results) -> str:
    """The rebound measure the verdict and the figures headline: ``frozen`` where it is meaningful
    (:func:`frozen_meaningful`), else ``window``; ``induced`` when the run has neither."""
    if has(results, "frozen", "engineering") and frozen_meaningful(results):
        return "frozen"
    if has(results, "window", f"window{TWIN}"):
        return "window"
    return "induced"


def headline(results: Results, quantity: str = "energy") -> tuple[str, float | None, tuple[float, float]]:
    """(measure, R, (from, to)): the headline rebound and the years of the improvement it refers to.
    ``frozen``: cumulative R over the horizon, efficiency gained since the start; ``window``: R_Δ at
    the end, efficiency gained over the last Δ years."""
    measure = headline_measure(results)
    start, end = float(results.times[0]), float(results.times[-1])
    if measure == "frozen":
        r = float(rebound_ratio(*(np.array(_cumulative(results, quantity, v))
                                  for v in ("frozen", "engineering", "actual"))))
        return measure, None if np.isnan(r) else r, (start, end)
    if measure == "window":
        r = float(window(results, quantity)[-1])
        delta = float(results.scenario.rebound.window)
        return measure, None if np.isnan(r) else r, (max(start, end - delta), end)
    return measure, None, (start, end)


def price_responsive(scenario: Scenario) -> bool:
    """Whether any demand reacts to prices (a service's or a compute workload's elasticity above 0): without,
    a rebound of 0 is the scenario's assumption, not a finding, and the verdict says so."""
    return any(s.elasticity > 0 for s in scenario.demand.services.values()) or any(
        w.elasticity > 0 for w in scenario.compute.every.values())


def verdict(results: Results, quantity: str = "energy") -> dict[str, Any]:
    """The one verdict, in English and French: first the real change of the quantity between the first
    and the final year (means over each year's steps), then the headline rebound with its measure, the
    period of the improvement it refers to and its kind. Used by the command line, summary.json, the
    figures, ensembles and the live page."""
    key, labels = quantity_key(quantity)
    values = results.array(key, "actual", **labels)
    before, after = float(results.first_year_mean(values)), float(results.final_year_mean(values))
    start, end = float(results.times[0]), float(results.times[-1])
    ratio = after / before if before > 0 else None
    change = after - before
    direction = "flat" if abs(change) <= FLAT * max(abs(before), abs(after)) else ("up" if change > 0 else "down")
    measure, r, (a, b) = headline(results, quantity)
    induced_share = induced(results, quantity)["relative"] if has(results, "engineering") else None
    kind = rebound_verdict(r, induced_share) if measure != "induced" else "undefined"
    text = {}
    for lang in ("en", "fr"):
        names = _NAMES.get(quantity, {"en": quantity.replace("_", " ").capitalize()})
        name = names.get(lang, names["en"])
        times = f"×{_fmt(ratio, lang)}" if ratio is not None else _fmt(change, lang)
        vs = "vs" if lang == "en" else "par rapport à"
        head = f"{name} {end:.0f} {vs} {start:.0f}: {times}, {_DIRECTION[direction][lang]}."
        if lang == "fr":
            head = head.replace(":", " :")
        if measure == "induced" or r is None:
            tail = _KIND["undefined"][lang] if measure != "induced" else (
                "no rebound measure: the run has no counterfactual" if lang == "en"
                else "pas de mesure du rebond : la simulation n’a pas de contrefactuel")
        else:
            period = f"{a:.0f}–{b:.0f}"
            what = ("Direct price rebound of the efficiency gained" if lang == "en"
                    else "Effet rebond direct (prix) de l’efficacité gagnée")
            said = "assumed" if kind == "none" and not price_responsive(results.scenario) else kind
            tail = f"{what} {period}{' :' if lang == 'fr' else ':'} {_fmt(100 * r, lang)} %, {_KIND[said][lang]}"
        text[lang] = _typeset(f"{head} {tail}.", lang)
    return {"quantity": quantity, "from": start, "to": end, "ratio": ratio, "direction": direction,
            "measure": measure, "rebound": r, "kind": kind, "period": [a, b], "text": text}

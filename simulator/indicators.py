"""Readable indicators of a run (per user, per GB) and its targets, for summary.json.

Every figure is of the actual run. Users are the ``users`` series (the scenario's
``demand.users``, every user of the modelled network); traffic is the ``traffic``
total (every service, GB/yr). Three readings, each a ratio of means (never a mean of ratios):

* ``first_year``: over the first year of steps ``[start, start + 1 yr)``;
* ``final_year``: over the final-year window ``[end − 1 yr, end)``, as summary.json's ``final_year``;
* ``horizon``: cumulative quantity over [start, end) divided by the user-years
  (``∫ users dt``) or by the cumulative traffic (GB).

Per user per year: energy (kWh/user/yr) and every impact category (its unit/user/yr, e.g.
kg CO2e/user/yr). Per GB: energy (kWh/GB) and climate change (g CO2e/GB).

Targets (:mod:`simulator.scenario.targets`) read the annual mean of the actual run over the year
that ends at their year, ``[year − 1 yr, year)``, the convention of ``final_year``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .scenario.schema import CATEGORIES
from .scenario.targets import RATE_UNITS, TARGET_YEAR, Target
from .units import ureg

if TYPE_CHECKING:
    from .results import Results

#: Per-GB indicators: quantity → (factor from its canonical unit per GB, the unit shown).
PER_GB = {"energy": (1.0, "kWh/GB"), "climate_change": (1e3, "g CO2e/GB")}


def _series(results: Results, quantity: str) -> np.ndarray:
    labels = {} if quantity == "energy" else {"category": quantity}
    return results.array("energy" if quantity == "energy" else "impact", **labels)


def _number(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def _ratios(results: Results, top: np.ndarray, bottom: np.ndarray, factor: float) -> dict[str, float | None]:
    """``top``/``bottom`` (rates, T+1) over the first year, the final year and the horizon, times ``factor``."""
    readings = {"first_year": (results.first_year_mean(top), results.first_year_mean(bottom)),
                "final_year": (results.final_year_mean(top), results.final_year_mean(bottom)),
                "horizon": (results.integrate(top), results.integrate(bottom))}
    with np.errstate(divide="ignore", invalid="ignore"):
        return {k: _number(factor * float(a) / float(b)) if b > 0 else None for k, (a, b) in readings.items()}


def indicators(results: Results) -> dict[str, Any]:
    """summary.json's ``indicators``: ``per_user`` and ``per_gb``, each quantity → {unit, first_year,
    final_year, horizon} (see the module docstring; None where not assessed or with no user or traffic)."""
    users = results.array("users")
    traffic = results.array("traffic")
    per_user: dict[str, Any] = {}
    for quantity in ("energy", *CATEGORIES):
        unit = RATE_UNITS[quantity].removesuffix("/yr")
        per_user[quantity] = {"unit": f"{unit}/user/yr", **_ratios(results, _series(results, quantity), users, 1.0)}
    per_gb = {q: {"unit": unit, **_ratios(results, _series(results, q), traffic, factor)}
              for q, (factor, unit) in PER_GB.items()}
    return {"users": "users series (demand.users)", "traffic": "total traffic, every service",
            "per_user": per_user, "per_gb": per_gb}


def year_mean(results: Results, values: np.ndarray, year: float) -> float:
    """Mean of rates ``values`` (T+1) over the steps of ``[year − 1 yr, year)`` (at least one step); NaN for a
    year whose window is not simulated (results restricted to common years by a comparison)."""
    steps = max(1, round(TARGET_YEAR / results.dt))
    last = int(round((year - float(results.times[0])) / results.dt))
    if last < steps or last > len(results.times) - 1:
        return float("nan")
    return float(values[last - steps:last].mean())


def target_values(results: Results, target: Target) -> tuple[float, float]:
    """(simulated value, target) of ``target``: the change against its base year (fraction) or the level
    in the unit its level is written in."""
    values = _series(results, target.quantity)
    at = year_mean(results, values, target.year)
    if target.change is not None and target.base_year is not None:
        base = year_mean(results, values, target.base_year)
        return (at / base - 1.0 if base > 0 else float("nan")), target.change
    factor = float(ureg.Quantity(1.0, RATE_UNITS[target.quantity]).to(target.unit()).magnitude)
    return at * factor, target.level_canonical() * factor


def targets(results: Results) -> dict[str, Any]:
    """summary.json's ``targets``: name → {quantity, met, value, target, unit, year, base_year, label, source}.
    ``value`` is the simulated change (fraction) or level (the target's unit), from annual means over the year
    that ends at ``year`` (and ``base_year``); met when it is at or below ``target`` (None if not assessed)."""
    out = {}
    for name, t in results.scenario.targets.items():
        value, target = target_values(results, t)
        known = _number(value)
        out[name] = {"quantity": t.quantity, "met": None if known is None else bool(known <= target + 1e-12),
                     "value": known, "target": target, "unit": t.unit(), "year": t.year, "base_year": t.base_year,
                     "label": t.label or name, "source": t.source}
    return out


def target_lines(summary: dict[str, Any]) -> list[str]:
    """One console line per target of summary.json's ``targets``: met, not met or not assessed."""
    lines = []
    for name, t in summary.get("targets", {}).items():
        verdict = "not assessed" if t["met"] is None else "met" if t["met"] else "NOT met"
        if t["unit"] == "1":
            value = "n/a" if t["value"] is None else f"{100 * t['value']:+.3g} %"
            goal = f"{100 * t['target']:+.3g} % vs {t['base_year']:g}"
        else:
            value = "n/a" if t["value"] is None else f"{t['value']:.4g} {t['unit']}"
            goal = f"at most {t['target']:.4g} {t['unit']}"
        lines.append(f"target {name} ({t['quantity'].replace('_', ' ')} by {t['year']:g}: {goal}): {verdict}, "
                     f"simulated {value}")
    return lines

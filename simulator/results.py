"""Results of a run: every recorded series with its unit, and the rebound analysis.

A series is identified by a variable name and labels (generation, layer,
device, service, equipment, category, phase); a series with no label is a
total, a labelled one a breakdown of it. Values are rates per year (or stocks)
at each instant ``start + k·dt``; cumulative totals over the horizon are
``Σ value(t_k)·dt`` for k = 0 … N-1, i.e. the interval [start, end).

Rebound (per step and cumulative), with F, E, A the frozen, engineering and
actual values: expected savings F − E, actual savings F − A,
``R = 1 − (F − A)/(F − E)``. R is undefined where expected savings vanish
(at the start, or where technology did not change); it is then left out of
tables and reported as null. Over long horizons F (start-year technology
carrying all demand) dwarfs E and A and R tends to 0 however strong the
response; the summary therefore also reports ``induced = (A − E)/E``, how much
more the actual run uses than the engineering estimate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .scenario.schema import CATEGORIES, Scenario

LABELS = ("generation", "layer", "device", "service", "equipment", "category", "phase")
#: Relative size of expected savings below which R is undefined.
REBOUND_TOLERANCE = 1e-9
#: Distance of R from 1 (from 0) within which a rebound is called full (none): rounding, not a finding
#: (at ε = 1 the classroom scenario gives R = 1 to ~1e-12).
VERDICT_TOLERANCE = 1e-6


class SeriesKey(NamedTuple):
    variable: str
    labels: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, variable: str, **labels: str) -> SeriesKey:
        unknown = set(labels) - set(LABELS)
        if unknown:
            raise KeyError(f"unknown labels {sorted(unknown)}; labels are {LABELS}")
        return cls(variable, tuple(sorted(labels.items())))


def rebound_ratio(frozen: np.ndarray, engineering: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """R = 1 - (F - A)/(F - E), NaN where expected savings are (relatively) zero."""
    expected = frozen - engineering
    scale = np.maximum(np.abs(frozen), np.abs(engineering))
    defined = np.abs(expected) > REBOUND_TOLERANCE * np.where(scale > 0, scale, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(defined, 1.0 - (frozen - actual) / np.where(defined, expected, 1.0), np.nan)


def backfires(r):
    """Whether R (a number or an array; NaN, None: no) means backfire: efficiency raised consumption."""
    if r is None:
        return False
    return np.asarray(r) > 1.0 + VERDICT_TOLERANCE if np.ndim(r) else bool(r > 1.0 + VERDICT_TOLERANCE)


def rebound_verdict(r: float | None, induced: float | None = None) -> str:
    """One word for a cumulative rebound R: ``backfire`` (R > 1), ``full`` (R = 1), ``partial``
    (0 < R < 1), ``none`` (R = 0 and the actual run uses what the engineering estimate says),
    ``negative`` (demand fell) or ``undefined``; equalities within :data:`VERDICT_TOLERANCE`.

    The one classification the command line, the summary and the live page all use.
    """
    if r is None or np.isnan(r):
        return "undefined"
    if backfires(r):
        return "backfire"
    if r >= 1.0 - VERDICT_TOLERANCE:
        return "full"
    if abs(r) <= VERDICT_TOLERANCE and (induced is None or abs(induced) <= VERDICT_TOLERANCE):
        return "none"
    return "partial" if r >= 0 else "negative"


@dataclass
class Results:
    """Recorded series of a batch (members = variants), with units."""

    scenario: Scenario
    times: np.ndarray
    variants: tuple[str, ...]
    data: dict[SeriesKey, np.ndarray]
    units: dict[SeriesKey, str]
    version: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def dt(self) -> float:
        return self.scenario.time.step

    def _member(self, variant: str) -> int:
        try:
            return self.variants.index(variant)
        except ValueError:
            raise KeyError(f"no variant {variant!r}; this run has {self.variants}") from None

    def has(self, variable: str, **labels: str) -> bool:
        return SeriesKey.of(variable, **labels) in self.data

    def series(self, variable: str, variant: str = "actual", **labels: str) -> np.ndarray:
        """Values of one series at every instant (T+1,) for one variant."""
        return self.all_variants(variable, **labels)[self._member(variant)]

    def all_variants(self, variable: str, **labels: str) -> np.ndarray:
        """Values of one series for every variant (M, T+1)."""
        key = SeriesKey.of(variable, **labels)
        if key not in self.data:
            raise KeyError(f"no series {variable} {dict(key.labels)}")
        return self.data[key]

    def unit(self, variable: str, **labels: str) -> str:
        return self.units[SeriesKey.of(variable, **labels)]

    def labels(self, variable: str, label: str, **fixed: str) -> list[str]:
        """Values a label takes in the breakdowns of ``variable`` (e.g. every generation)."""
        found = []
        for key in self.data:
            d = dict(key.labels)
            if key.variable == variable and label in d and set(d) == {label, *fixed} and all(
                d.get(k) == v for k, v in fixed.items()
            ):
                found.append(d[label])
        return found

    def cumulative(self, variable: str, **labels: str) -> np.ndarray:
        """Integral of a rate over [start, end) for every variant (M,), e.g. kWh from kWh/yr."""
        values = self.all_variants(variable, **labels)
        return values[:, :-1].sum(axis=1) * self.dt

    def final(self, variable: str, **labels: str) -> np.ndarray:
        """Value at time.end for every variant (M,)."""
        return self.all_variants(variable, **labels)[:, -1]

    def total(self, variable: str, variant: str = "actual", **labels: str) -> float:
        """Cumulative value of one variant over [start, end), e.g. kWh of ``energy``."""
        return float(self.cumulative(variable, **labels)[self._member(variant)])

    @property
    def generation_order(self) -> list[str]:
        """Generations of the scenario in order of launch (the order of colours and stacks)."""
        gens = self.scenario.generations
        return sorted(gens, key=lambda g: gens[g].launch)

    def window(self, start: float, end: float) -> Results:
        """The same results restricted to start <= t <= end (e.g. the common years of a comparison)."""
        keep = (self.times >= start - 1e-9) & (self.times <= end + 1e-9)
        if keep.sum() < 2:
            raise ValueError(f"{self.scenario.name}: fewer than two instants in [{start:g}, {end:g}]")
        note = f"restricted to {self.times[keep][0]:g}-{self.times[keep][-1]:g}"
        return Results(
            scenario=self.scenario, times=self.times[keep], variants=self.variants,
            data={k: v[:, keep] for k, v in self.data.items()}, units=dict(self.units),
            version=self.version, notes=[*self.notes, note],
        )

    def decomposition(self, quantity: str = "energy") -> dict[str, Any]:
        """Split the change of a yearly rate between the first and last instants.

        ``end - start = growth + efficiency + rebound``, exactly:

        * growth — frozen(end) − start: exogenous demand growth carried by the
          start year's technology;
        * efficiency — engineering(end) − frozen(end): what technology saves
          (negative);
        * rebound — actual(end) − engineering(end): what cheaper GBs bring back.

        ``stacking`` is part of the result, not a fourth term: the idle energy (or
        its use-phase impact) at the end of every generation except the one carrying
        most traffic — the older (and newer) layers kept alive beside the main one.
        Values are per year, in the quantity's rate unit. Needs the three variants.
        """
        values = self._quantity(quantity)
        f, e, a = (values[self._member(v)] for v in ("frozen", "engineering", "actual"))
        start, end = float(a[0]), float(a[-1])
        shares = {g: self.series("traffic", generation=g)[-1] for g in self.labels("traffic", "generation")}
        main = max(shares, key=shares.get) if shares else None
        idle = sum((self.series("energy_idle", generation=g)[-1] for g in shares if g != main), 0.0)
        if quantity != "energy":
            total_energy = self.series("energy")[-1]
            use = self.series("impact", category=quantity, phase="use")[-1]
            idle = idle * use / total_energy if total_energy > 0 else 0.0
        key, labels = self._quantity_key(quantity)
        return {
            "unit": self.unit(key, **labels), "start_year": float(self.times[0]),
            "end_year": float(self.times[-1]), "start": start, "end": end,
            "growth": float(f[-1]) - start, "efficiency": float(e[-1] - f[-1]),
            "rebound": float(a[-1] - e[-1]), "stacking": float(idle), "main_generation": main,
        }

    @property
    def forced_traffic(self) -> bool:
        """True when traffic is given, not modelled: the rebound is then not meaningful."""
        return self.scenario.demand.traffic is not None

    @property
    def has_rebound(self) -> bool:
        return {"actual", "engineering", "frozen"} <= set(self.variants) and not self.forced_traffic

    def _fea(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return tuple(values[self._member(v)] for v in ("frozen", "engineering", "actual"))

    def rebound(self, quantity: str = "energy") -> np.ndarray:
        """R(t) for ``energy`` or an impact category (T+1,); NaN where undefined."""
        return rebound_ratio(*self._fea(self._quantity(quantity)))

    def cumulative_rebound(self, quantity: str = "energy") -> float | None:
        """R of the totals over the horizon; None where undefined."""
        key, labels = self._quantity_key(quantity)
        value = float(rebound_ratio(*self._fea(self.cumulative(key, **labels))))
        return None if np.isnan(value) else value

    def induced(self, quantity: str = "energy") -> float | None:
        """(A − E)/E of the totals over the horizon: how much more the actual run uses than the
        engineering estimate; None where E is 0."""
        key, labels = self._quantity_key(quantity)
        _, e, a = self._fea(self.cumulative(key, **labels))
        return float((a - e) / e) if e > 0 else None

    def _quantity_key(self, quantity: str) -> tuple[str, dict[str, str]]:
        if quantity in CATEGORIES:
            return "impact", {"category": quantity}
        return quantity, {}

    def _quantity(self, quantity: str) -> np.ndarray:
        key, labels = self._quantity_key(quantity)
        return self.all_variants(key, **labels)

    @property
    def rebound_quantities(self) -> list[str]:
        return ["energy", *CATEGORIES]

    def to_frame(self) -> pd.DataFrame:
        """The tidy table: time, variant, variable, unit, value and one column per label.

        Rows with no label are totals; labelled rows break them down. Impact breakdowns
        by generation, layer, device or equipment that are zero at every instant of every
        variant are left out, as are undefined rebound values.
        """
        frames = []
        n = len(self.times)
        for key, values in self.data.items():
            labels = dict(key.labels)
            if key.variable == "impact" and set(labels) - {"category", "phase"} and not values.any():
                continue  # a breakdown that is zero throughout (e.g. water of making a router)
            for m, variant in enumerate(self.variants):
                frames.append((key.variable, self.units[key], labels, variant, values[m]))
        if self.has_rebound:
            for q in self.rebound_quantities:
                r = self.rebound(q)
                frames.append(("rebound", "1", {"category": q}, "actual", r))
        columns: dict[str, Any] = {
            "time": np.concatenate([self.times] * len(frames)),
            "variant": np.repeat([f[3] for f in frames], n),
            "variable": np.repeat([f[0] for f in frames], n),
            "unit": np.repeat([f[1] for f in frames], n),
        }
        for label in LABELS:
            columns[label] = np.repeat([f[2].get(label, "") for f in frames], n)
        columns["value"] = np.concatenate([f[4] for f in frames])
        frame = pd.DataFrame(columns)
        return frame[np.isfinite(frame["value"])].reset_index(drop=True)

    def contributions(self) -> pd.DataFrame:
        """Cumulative actual impacts by service, by generation/layer/device and by equipment.

        Network impacts (generations, layers) are shared among services in
        proportion to their traffic at each step; device impacts do not depend on
        traffic and are reported as ``devices``. Use-phase impacts of equipment are
        reported as ``electricity`` in the equipment breakdown.
        """
        rows = []
        actual = self._member("actual")
        traffic = self.all_variants("traffic")[actual]
        shares = {}
        for s in self.labels("traffic", "service"):
            with np.errstate(divide="ignore", invalid="ignore"):
                shares[s] = np.where(traffic > 0, self.series("traffic", service=s) / traffic, 0.0)
        integrate = lambda v: float(v[:-1].sum() * self.dt)  # noqa: E731
        for cat, (unit, _) in CATEGORIES.items():
            total = integrate(self.series("impact", category=cat))
            parts: dict[str, dict[str, float]] = {"service": {}, "owner": {}, "equipment": {}}
            network = np.zeros_like(traffic)
            for kind in ("generation", "layer", "device"):
                for name in self.labels("impact", kind, category=cat, phase="use"):
                    v = sum(self.series("impact", category=cat, phase=ph, **{kind: name})
                            for ph in ("manufacturing", "use", "end_of_life"))
                    parts["owner"][f"{kind}:{name}"] = integrate(v)
                    if kind == "device":
                        parts["service"]["devices"] = parts["service"].get("devices", 0.0) + integrate(v)
                    else:
                        network = network + v
            for s, share in shares.items():
                parts["service"][s] = integrate(network * share)
            for e in self.labels("impact", "equipment", category=cat, phase="manufacturing"):
                v = sum(self.series("impact", category=cat, phase=ph, equipment=e)
                        for ph in ("manufacturing", "end_of_life"))
                parts["equipment"][e] = integrate(v)
            parts["equipment"]["electricity"] = integrate(self.series("impact", category=cat, phase="use"))
            for dimension, values in parts.items():
                for name, value in values.items():
                    rows.append({"category": cat, "unit": unit, "by": dimension, "name": name,
                                 "value": value, "share": value / total if total > 0 else 0.0})
        return pd.DataFrame(rows)

    def summary(self) -> dict[str, Any]:
        """Cumulative and final-year totals per variant, and the rebound figures."""
        s = self.scenario
        out: dict[str, Any] = {
            "scenario": s.name, "description": s.description, "start": s.time.start,
            "end": s.time.end, "step": s.time.step, "seed": s.seed, "version": self.version,
            "totals": {}, "final_year": {}, "rebound": {}, "backfire": {}, "induced": {},
            "notes": list(self.notes),
        }
        if self.has_rebound:
            out["decomposition"] = {q: self.decomposition(q) for q in ("energy", "climate_change")}
        if self.forced_traffic:
            out["notes"].append(
                "traffic is forced (demand.traffic): demand does not react to the cost of a GB, "
                "so the rebound variants are not meaningful; rebound, backfire and induced are "
                "not reported")
        quantities = {"energy": ("energy", {}, "kWh/yr"), "traffic": ("traffic", {}, "GB/yr")}
        for cat, (unit, _) in CATEGORIES.items():
            quantities[cat] = ("impact", {"category": cat}, f"{unit}/yr")
        for q, (variable, labels, rate_unit) in quantities.items():
            cum, fin = self.cumulative(variable, **labels), self.final(variable, **labels)
            total = {"unit": rate_unit.removesuffix("/yr")}
            final = {"unit": rate_unit}
            for m, v in enumerate(self.variants):
                total[v], final[v] = float(cum[m]), float(fin[m])
            if variable == "impact":
                a = self._member("actual")
                total["by_phase"] = {ph: float(self.cumulative("impact", phase=ph, **labels)[a])
                                     for ph in ("manufacturing", "use", "end_of_life")}
                final["by_phase"] = {ph: float(self.final("impact", phase=ph, **labels)[a])
                                     for ph in ("manufacturing", "use", "end_of_life")}
            out["totals"][q], out["final_year"][q] = total, final
            if self.has_rebound:
                out["induced"][q] = self.induced(q)
                if q != "traffic":
                    r = self.cumulative_rebound(q)
                    out["rebound"][q] = r
                    out["backfire"][q] = backfires(r)
        return out

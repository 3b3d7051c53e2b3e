"""Results of a run: every recorded series with its unit, and the rebound analysis.

A series is identified by a variable name and labels (part, generation, layer,
device, service, equipment, category, phase); a series with no label is a
total, a labelled one a breakdown of it (``part`` alone, with category and phase
for impacts: the total of a part of the digital sector, :data:`PARTS`). Values are rates per year (or stocks)
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

Final-year figures are means over the last year of steps, the window
``[end − 1 yr, end)`` (:data:`FINAL_YEAR`, at least one step), integrated like
the cumulative totals: the value at one instant may catch a step of an echo
(cohorts of fixed lifetime all retiring at once after a lifetime policy).

Impact phases the scenario gives no factor for are *not assessed*
(:func:`~simulator.model.impacts.not_assessed`): their series are NaN, left
empty in tables, null in the summary, "not assessed" in figures, never 0. A
category total over phases some of which are not assessed is the sum of the
others, labelled partial.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from . import rebound as measures
from .decomposition import decompose
from .errors import UnknownNameError, UsageError
from .graph import build_graph
from .indicators import indicators, targets
from .model.fleets import fixed_life_policies
from .model.impacts import ZERO_BY_CONSTRUCTION, wholly_not_assessed
from .model.impacts import not_assessed as phases_not_assessed
from .model.variants import VARIANTS
from .rebound import backfires, quantity_key, rebound_ratio
from .scenario.innovations import innovation_gain
from .scenario.schema import CATEGORIES, EQUIPMENT_PHASES, MANUFACTURING, PHASES, USE, Scenario
from .scenario.types import evaluate

LABELS = ("part", "generation", "layer", "device", "service", "equipment", "category", "phase", "network",
          "workload", "scope")
#: Parts of the digital sector energy and impacts are also reported by (label ``part``): devices, networks
#: (generations and their layers: core, transport) and data centres (the layers of that part).
PARTS = ("devices", "networks", "data_centres")
#: Length of the window final-year figures average over (years): the last year of steps.
FINAL_YEAR = 1.0
NOT_ASSESSED = "not assessed"


class SeriesKey(NamedTuple):
    variable: str
    labels: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, variable: str, **labels: str) -> SeriesKey:
        unknown = set(labels) - set(LABELS)
        if unknown:
            raise UnknownNameError(f"unknown labels {sorted(unknown)}; labels are {LABELS}")
        return cls(variable, tuple(sorted(labels.items())))


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
    not_assessed: dict[str, dict[str, str]] = field(init=False, default_factory=dict)
    """Impact phases the scenario gives no factor for: category → phase → why (their series are NaN)."""
    _summaries: dict[tuple[float, float] | None, dict[str, Any]] = field(
        init=False, default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.not_assessed = phases_not_assessed(self.scenario)
        for key, values in self.data.items():
            if key.variable == "impact" and self.note("impact", **dict(key.labels)) == NOT_ASSESSED:
                self.data[key] = np.full_like(values, np.nan)

    @property
    def dt(self) -> float:
        return self.scenario.time.step

    def note(self, variable: str, **labels: str) -> str:
        """What a series' numbers stand for, when not the plain value: ``not assessed`` (a phase, or a
        category none of whose phases has a factor: NaN), ``partial: PHASES not assessed`` (a category
        total, or its rebound, over the assessed phases only); otherwise empty."""
        category = labels.get("category")
        if variable not in ("impact", "rebound") or category not in self.not_assessed:
            return ""
        missing = self.not_assessed[category]
        phase = labels.get("phase")
        if phase is not None:
            return NOT_ASSESSED if phase in missing else ""
        if wholly_not_assessed(category, missing):
            return NOT_ASSESSED
        return f"partial: {', '.join(missing)} not assessed"

    def assessment_notes(self) -> list[str]:
        """One line per impact category with a phase not assessed: which phases, why, what it means."""
        lines = []
        for category, missing in self.not_assessed.items():
            why = "; ".join(dict.fromkeys(missing.values()))
            if wholly_not_assessed(category, missing):
                lines.append(f"{category} not assessed ({why}): empty in tables and figures, null in "
                             "summary.json, not 0")
            else:
                kept = [ph for ph in PHASES if ph not in missing and ph not in ZERO_BY_CONSTRUCTION.get(category, ())]
                lines.append(f"{category}: {' and '.join(missing)} not assessed ({why}): empty in tables and "
                             f"figures, not 0; its totals are partial ({' + '.join(kept)} only)")
        return lines

    def _member(self, variant: str) -> int:
        try:
            return self.variants.index(variant)
        except ValueError:
            raise UnknownNameError(f"no variant {variant!r}; this run has {self.variants}") from None

    def has(self, variable: str, **labels: str) -> bool:
        return SeriesKey.of(variable, **labels) in self.data

    def series(self, variable: str, variant: str = "actual", **labels: str) -> pd.Series:
        """One series for analysts: its values at every instant, indexed by the instant (float years, index
        named ``year``: the model's clock, 2030.5 is mid-2030; a date would invent a day), named
        ``variable``, with ``attrs`` ``unit`` (e.g. ``kWh/yr``), ``variant``, ``labels`` and ``note``
        (:meth:`note`; values are NaN where not assessed). A copy: changing it leaves the run alone."""
        out = pd.Series(self.array(variable, variant, **labels).copy(),
                        index=pd.Index(self.times.astype(float), name="year"), name=variable)
        out.attrs.update(unit=self.unit(variable, **labels), variant=variant, labels=dict(labels),
                         note=self.note(variable, **labels))
        return out

    def array(self, variable: str, variant: str = "actual", **labels: str) -> np.ndarray:
        """The values of :meth:`series` as the numpy array (T+1,) the measures, plots and exports compute
        with (positional, no copy: do not write to it)."""
        return self.all_variants(variable, **labels)[self._member(variant)]

    def all_variants(self, variable: str, **labels: str) -> np.ndarray:
        """Values of one series for every variant (M, T+1)."""
        key = SeriesKey.of(variable, **labels)
        if key not in self.data:
            raise UnknownNameError(f"no series {variable} {dict(key.labels)}")
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
        return self.integrate(self.all_variants(variable, **labels))

    def integrate(self, values: np.ndarray) -> np.ndarray:
        """Integral over [start, end) along the last axis of rates (..., T+1): Σ value(t_k)·dt, k < T."""
        return values[..., :-1].sum(axis=-1) * self.dt

    def first_year_mean(self, values: np.ndarray) -> np.ndarray:
        """Mean over the first year of steps [start, start + 1 yr) along the last axis (..., T+1)."""
        return values[..., :self.final_steps].mean(axis=-1)

    def final_year_mean(self, values: np.ndarray) -> np.ndarray:
        """Mean over the final-year window [end − 1 yr, end) along the last axis (..., T+1)."""
        return self._final_mean(values)

    @property
    def final_steps(self) -> int:
        """Steps of the final-year window: those of the last :data:`FINAL_YEAR` (at least one, at most all)."""
        return max(1, min(len(self.times) - 1, round(FINAL_YEAR / self.dt)))

    @property
    def final_window(self) -> tuple[float, float]:
        """[first, end) instants of the final-year window (years), e.g. (2049.0, 2050.0)."""
        return float(self.times[-1 - self.final_steps]), float(self.times[-1])

    def final(self, variable: str, **labels: str) -> np.ndarray:
        """Mean over the final-year window of every variant (M,): Σ value(t_k)·dt / window, the rates of
        the steps of [end − 1 yr, end) (:attr:`final_window`), in the series' unit (per year for rates)."""
        return self._final_mean(self.all_variants(variable, **labels))

    def _final_mean(self, values: np.ndarray) -> np.ndarray:
        """Mean over the final-year window along the last axis of ``values`` (..., T+1)."""
        return values[..., -1 - self.final_steps:-1].mean(axis=-1)

    def total(self, variable: str, variant: str = "actual", **labels: str) -> float:
        """Cumulative value of one variant over [start, end), e.g. kWh of ``energy``."""
        return float(self.cumulative(variable, **labels)[self._member(variant)])

    def window(self, start: float, end: float) -> Results:
        """The same results restricted to start <= t <= end (e.g. the common years of a comparison)."""
        keep = (self.times >= start - 1e-9) & (self.times <= end + 1e-9)
        if keep.sum() < 2:
            raise UsageError(f"{self.scenario.name}: fewer than two instants in [{start:g}, {end:g}]")
        note = f"restricted to {self.times[keep][0]:g}-{self.times[keep][-1]:g}"
        return Results(
            scenario=self.scenario, times=self.times[keep], variants=self.variants,
            data={k: v[:, keep] for k, v in self.data.items()}, units=dict(self.units),
            version=self.version, notes=[*self.notes, note],
        )

    def decomposition(self, quantity: str = "energy", start: float | None = None,
                      end: float | None = None) -> dict[str, Any]:
        """The change of a yearly rate between two instants split exactly by LMDI (default: the run's
        first and last): see :func:`simulator.decomposition.decompose`."""
        return decompose(self, quantity, start, end)

    @property
    def forced_traffic(self) -> bool:
        """True when traffic is given, not modelled: the rebound is then not meaningful."""
        return self.scenario.demand.traffic is not None

    def has_measure(self, measure: str) -> bool:
        """Whether the run has the variants of a rebound measure (``window``, ``marginal``) and a demand model."""
        needed = {"window": ("window", "window/engineering", "actual"), "marginal": ("marginal", "actual")}[measure]
        return measures.has(self, *needed)

    @property
    def has_rebound(self) -> bool:
        return {"actual", "engineering", "frozen"} <= set(self.variants) and not self.forced_traffic

    def _fea(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return tuple(values[self._member(v)] for v in ("frozen", "engineering", "actual"))

    def rebound(self, quantity: str = "energy") -> np.ndarray:
        """R(t) against frozen start-year technology for ``energy`` or an impact category (T+1,); NaN where
        undefined. The other measures: :mod:`simulator.rebound`."""
        return measures.frozen(self, quantity)

    def cumulative_rebound(self, quantity: str = "energy") -> float | None:
        """R of the totals over the horizon against frozen start-year technology; None where undefined."""
        key, labels = quantity_key(quantity)
        value = float(rebound_ratio(*self._fea(self.cumulative(key, **labels))))
        return None if np.isnan(value) else value

    def induced(self, quantity: str = "energy") -> float | None:
        """(A − E)/E of the totals over the horizon: how much more the actual run uses than the
        engineering estimate; None where E is 0 (:func:`simulator.rebound.induced` has the rest)."""
        return measures.induced(self, quantity)["relative"]

    @property
    def rebound_quantities(self) -> list[str]:
        return ["energy", *CATEGORIES]

    def to_frame(self) -> pd.DataFrame:
        """The tidy table: time, variant, variable, unit, one column per label, value and note.

        Only the headline variants (actual, engineering, frozen) are tabled; the others (window,
        marginal, per innovation) enter through the rebound measures: ``rebound`` (against frozen,
        ``category`` = energy or an impact category), ``rebound_window`` and ``rebound_marginal``
        (empty ``category`` for energy). Rows with no label are totals; labelled rows break them down; rows
        labelled with a ``part`` alone (energy, and impacts by category and phase) are the part totals. ``note`` is
        empty but for impacts (and their rebound) of a category with a phase not
        assessed (:meth:`note`): ``not assessed`` rows have an empty value (NaN), never
        0; ``partial: ... not assessed`` totals cover the other phases only. Impact
        breakdowns by generation, layer, device or equipment that are zero (or not
        assessed) at every instant of every variant are left out, as are undefined
        rebound values; part totals are kept, zero or not, but where not assessed (the total's row says so).
        """
        frames = []
        n = len(self.times)
        reported = [(m, v) for m, v in enumerate(self.variants) if v in VARIANTS]
        rows = [m for m, _ in reported]
        for key, values in self.data.items():
            labels = dict(key.labels)
            if (key.variable == "impact" and set(labels) - {"category", "phase", "part"}
                    and not np.nan_to_num(values[rows]).any()):
                continue  # a breakdown that is zero throughout (e.g. water of making a router), or not assessed
            note = self.note(key.variable, **labels)
            if "part" in labels and note == NOT_ASSESSED:
                continue  # the total's row says it is not assessed; each part would repeat it
            for m, variant in reported:
                frames.append((key.variable, self.units[key], labels, variant, values[m], note))
        measured = {"rebound": (self.has_rebound, measures.frozen),
                    "rebound_window": (self.has_measure("window"), measures.window),
                    "rebound_marginal": (self.has_measure("marginal"), measures.marginal)}
        for variable, (present, measure) in measured.items():
            if not present:
                continue
            for q in self.rebound_quantities:
                labels = {"category": q} if variable == "rebound" or q != "energy" else {}
                frames.append((variable, "1", labels, "actual", measure(self, q),
                               self.note("rebound", category=q)))
        columns: dict[str, Any] = {
            "time": np.concatenate([self.times] * len(frames)),
            "variant": np.repeat([f[3] for f in frames], n),
            "variable": np.repeat([f[0] for f in frames], n),
            "unit": np.repeat([f[1] for f in frames], n),
        }
        for label in LABELS:
            columns[label] = np.repeat([f[2].get(label, "") for f in frames], n)
        columns["value"] = np.concatenate([f[4] for f in frames])
        columns["note"] = np.repeat([f[5] for f in frames], n)
        frame = pd.DataFrame(columns)
        keep = np.isfinite(frame["value"]) | (frame["note"] == NOT_ASSESSED)
        return frame[keep].reset_index(drop=True)

    def frame(self) -> pd.DataFrame:
        """:meth:`to_frame` for analysts: indexed by the instant (float years, index named ``year``), with
        a missing value (NaN), not ``""``, where a label does not apply (a total has no ``generation``) and
        where there is no note; ``time`` becomes the index. ``to_frame`` keeps its flat form: the CSV
        exports are written from it."""
        frame = self.to_frame()
        for column in (*LABELS, "note"):
            frame[column] = frame[column].mask(frame[column] == "")
        frame = frame.rename(columns={"time": "year"}).set_index("year")
        frame.index = frame.index.astype(float)
        return frame

    def contributions(self) -> pd.DataFrame:
        """Cumulative actual impacts by service, by generation/layer/device/workload and by equipment.

        Who uses what is read from the dependency graph (:func:`simulator.graph.build_graph`): the
        impacts of a generation or layer are shared among the services whose traffic reaches it
        (through the networks it serves), in proportion to that traffic at each step; a device's
        among the services it serves (``devices.*.services``: the share w·r / (1 − Σw + Σw·r) of
        its use that follows each, r the service's ``usage_ratio``), the rest reported as
        ``devices``; compute workloads as ``compute``. Use-phase impacts of equipment are
        reported as ``electricity`` in the equipment breakdown. Only assessed phases
        are added up: ``note`` is as for the category total in :meth:`to_frame`
        (``partial: ...``), or ``not assessed`` for a row none of whose phases is
        assessed (value and share empty).
        """
        rows = []
        shares = self._users_of_owners()
        integrate = lambda v: float(v[:-1].sum() * self.dt)  # noqa: E731
        for cat, (unit, _) in CATEGORIES.items():
            missing = self.not_assessed.get(cat, {})
            total_note = self.note("impact", category=cat)
            total = integrate(self.array("impact", category=cat))
            parts: dict[str, dict[str, float]] = {"service": {}, "owner": {}, "equipment": {}}
            by_service = {s: np.zeros(len(self.times)) for s in self.labels("traffic", "service")}
            for kind in ("generation", "layer", "device", "workload"):
                for name in self.labels("impact", kind, category=cat, phase=USE):
                    v = self._assessed_sum(cat, PHASES, **{kind: name})
                    value = np.nan if v is None else integrate(v)
                    parts["owner"][f"{kind}:{name}"] = value
                    users = shares.get(f"{kind}:{name}", {})
                    rest = {"device": "devices", "workload": "compute"}.get(kind)
                    if rest is not None:
                        used = sum((integrate(v * f) for f in users.values()), 0.0) if v is not None else np.nan
                        parts["service"][rest] = parts["service"].get(rest, 0.0) + value - used
                    for s, fraction in users.items():
                        if v is not None:
                            by_service[s] = by_service[s] + v * fraction
            for s, impact in by_service.items():
                parts["service"][s] = integrate(impact)
            for e in self.labels("impact", "equipment", category=cat, phase=MANUFACTURING):
                v = self._assessed_sum(cat, EQUIPMENT_PHASES, equipment=e)
                parts["equipment"][e] = np.nan if v is None else integrate(v)
            parts["equipment"]["electricity"] = integrate(self.array("impact", category=cat, phase=USE))
            for dimension, values in parts.items():
                for name, value in values.items():
                    phases = {USE} if name == "electricity" else (
                        set(EQUIPMENT_PHASES) if dimension == "equipment" else set(PHASES))
                    if total_note == NOT_ASSESSED or np.isnan(value):
                        value, share, note = np.nan, np.nan, NOT_ASSESSED
                    else:
                        share = value / total if total > 0 else 0.0
                        note = total_note if phases & set(missing) else ""  # electricity is whole without end of life
                    rows.append({"category": cat, "unit": unit, "by": dimension, "name": name,
                                 "value": value, "share": share, "note": note})
        return pd.DataFrame(rows)

    def _users_of_owners(self) -> dict[str, dict[str, np.ndarray]]:
        """Share of each owner's use (T+1,) that each service accounts for, by owner node of the dependency
        graph ("generation:4G"): its services' traffic through the networks that reach it, over the
        traffic reaching it; for a device, w·r / (1 − Σw + Σw·r) per service it serves."""
        graph = build_graph(self.scenario)
        times = self.times
        traffic = {s: self.array("traffic", service=s) for s in self.labels("traffic", "service")}
        flows: dict[str, dict[str, np.ndarray]] = {}  # flow node → service → GB/yr
        for flow, data in graph.nodes(data=True):
            if data.get("kind") == "flow":
                flows[flow] = {u.split(":", 1)[1]: traffic[u.split(":", 1)[1]] * evaluate(c, times)
                               for u, _, c in graph.in_edges(flow, data="coefficient")
                               if graph.nodes[u].get("kind") == "service"}
        out: dict[str, dict[str, np.ndarray]] = {}
        for owner, data in graph.nodes(data=True):
            kind = data.get("kind")
            if kind in ("generation", "layer"):
                reaching: dict[str, np.ndarray] = {}
                for flow in graph.predecessors(owner):
                    for s, gb in flows.get(flow, {}).items():
                        reaching[s] = reaching.get(s, 0.0) + gb
                total = sum(reaching.values(), np.zeros(len(times)))
                with np.errstate(divide="ignore", invalid="ignore"):
                    out[owner] = {s: np.where(total > 0, gb / total, 0.0) for s, gb in reaching.items()}
            elif kind == "device":
                weights = {u.split(":", 1)[1]: float(w) for u, _, w in graph.in_edges(owner, data="coefficient")
                           if graph.nodes[u].get("kind") == "service"}
                if weights:
                    ratio = {s: self.array("usage_ratio", service=s) for s in weights}
                    scale = 1.0 - sum(weights.values()) + sum(w * ratio[s] for s, w in weights.items())
                    out[owner] = {s: w * ratio[s] / scale for s, w in weights.items()}
        return out

    def _assessed_sum(self, category: str, phases: tuple[str, ...], **labels: str) -> np.ndarray | None:
        """Actual impact of ``category`` summed over those of ``phases`` that are assessed (T+1,);
        None when none is."""
        missing = self.not_assessed.get(category, {})
        kept = [self.array("impact", category=category, phase=ph, **labels) for ph in phases if ph not in missing]
        return sum(kept[1:], kept[0]) if kept else None

    def summary(self, between: tuple[float, float] | None = None) -> dict[str, Any]:
        """Cumulative and final-year totals of the headline variants, and the rebound figures.

        ``induced``, ``rebound`` (against frozen; ``frozen_ratio`` says how extreme that is),
        ``rebound_window`` and ``rebound_marginal`` (at ``time.end``), ``innovations``, the LMDI
        ``decomposition`` between the years ``between`` (default: the first and the last instant), and ``verdict``
        (:func:`simulator.rebound.verdict`) are described in :mod:`simulator.rebound`.

        ``final_year`` holds means over ``final_year["window"]`` (:attr:`final_window`).
        Numbers not assessed are None; an impact category with a phase not assessed
        carries ``not_assessed`` (phase → why) and ``partial`` (its total covers the
        other phases only), and ``notes`` has a line for it. ``indicators`` (per user, per GB) and
        ``targets`` (the scenario's ``targets:``, met or not) are described in :mod:`simulator.indicators`.
        ``territorial`` and ``imported`` split each impact category's cumulative actual total by where it
        happens: imported is equipment made abroad (``equipment.*.made_in``) and electricity used abroad
        (``layers.*.region``, ``compute.workloads.*.region``); territorial the rest (home region).

        Computed once per ``between`` (it costs more than the run: ~80 ms for world-digital) and handed out
        as a copy, so the files written and the verdict printed come from one computation.
        """
        key = None if between is None else (float(between[0]), float(between[1]))
        if key not in self._summaries:
            self._summaries[key] = self._summary(between)
        return copy.deepcopy(self._summaries[key])

    def _summary(self, between: tuple[float, float] | None) -> dict[str, Any]:
        s = self.scenario
        out: dict[str, Any] = {
            "scenario": s.name, "description": str(s.description), "start": s.time.start,
            "end": s.time.end, "step": s.time.step, "seed": s.seed, "version": self.version,
            "totals": {}, "by_part": {}, "territorial": {}, "imported": {},
            "final_year": {"window": list(self.final_window)}, "rebound": {},
            "backfire": {},
            "induced": {}, "frozen_ratio": {}, "rebound_window": {}, "rebound_marginal": {},
            "rebound_settings": s.rebound.model_dump(),
            "notes": [*self.notes, *fixed_life_policies(s), *self.assessment_notes()],
        }
        if not self.forced_traffic:
            out["decomposition"] = {q: _json_ready(self.decomposition(q, *(between or (None, None))))
                                    for q in self.rebound_quantities}
        if self.forced_traffic:
            out["notes"].append(
                "traffic is forced (demand.traffic): demand does not react to the cost of a GB, "
                "so the rebound variants are not meaningful; rebound, backfire and induced are "
                "not reported")
        quantities: dict[str, tuple[str, dict[str, str], str]] = {"energy": ("energy", {}, "kWh/yr"),
                                                                  "traffic": ("traffic", {}, "GB/yr")}
        for cat, (unit, _) in CATEGORIES.items():
            quantities[cat] = ("impact", {"category": cat}, f"{unit}/yr")
        for q, (variable, labels, rate_unit) in quantities.items():
            cum, fin = self.cumulative(variable, **labels), self.final(variable, **labels)
            total: dict[str, Any] = {"unit": rate_unit.removesuffix("/yr")}
            final: dict[str, Any] = {"unit": rate_unit}
            for m, v in enumerate(self.variants):
                if v in VARIANTS:
                    total[v], final[v] = _number(cum[m]), _number(fin[m])
            if variable == "impact":
                a = self._member("actual")
                total["by_phase"] = {ph: _number(self.cumulative("impact", phase=ph, **labels)[a]) for ph in PHASES}
                final["by_phase"] = {ph: _number(self.final("impact", phase=ph, **labels)[a]) for ph in PHASES}
                if q in self.not_assessed:
                    partial = self.note(variable, **labels) != NOT_ASSESSED
                    for entry in (total, final):
                        entry["not_assessed"], entry["partial"] = dict(self.not_assessed[q]), partial
            out["totals"][q], out["final_year"][q] = total, final
            if q != "traffic":
                out["by_part"][q] = self._by_part(variable, labels, total)
            if variable == "impact":
                for scope in ("territorial", "imported"):
                    out[scope][q] = {"unit": total["unit"], "actual": _number(
                        self.cumulative(variable, scope=scope, **labels)[self._member("actual")])}
            if self.has_rebound:
                out["induced"][q] = _json_ready(measures.induced(self, q))
                if q != "traffic":
                    r = self.cumulative_rebound(q)
                    out["rebound"][q] = r
                    out["backfire"][q] = backfires(r)
                    out["frozen_ratio"][q] = measures.frozen_ratio(self, q)
            for measure, function in (("window", measures.window), ("marginal", measures.marginal)):
                if q != "traffic" and self.has_measure(measure):
                    out[f"rebound_{measure}"][q] = _number(function(self, q)[-1])
        if self.has_rebound:
            out["verdict"] = measures.verdict(self, "energy")
            out["verdict_climate_change"] = measures.verdict(self, "climate_change")
        out["innovations"] = {name: {q: _json_ready(v) for q, v in values.items()}
                              for name, values in measures.innovations(self).items()} if self.has_rebound else {}
        out["notes"].extend(_rising_notes(s, out["innovations"]))
        out["indicators"], out["targets"] = indicators(self), targets(self)
        return out

    def by_part(self, quantity: str = "energy") -> dict[str, float]:
        """Cumulative actual ``energy`` (kWh) or impact category (its unit) of each part of the digital
        sector over [start, end) (:data:`PARTS`); NaN where not assessed."""
        key, labels = quantity_key(quantity)
        return {part: self.total(key, part=part, **labels) for part in PARTS}

    def _by_part(self, variable: str, labels: dict[str, str], total: dict[str, Any]) -> dict[str, Any]:
        """summary.json's ``by_part.<quantity>``: unit, each part's cumulative actual value, and for an
        impact category not fully assessed the ``not_assessed`` and ``partial`` of its total."""
        a = self._member("actual")
        entry: dict[str, Any] = {"unit": total["unit"]}
        for part in PARTS:
            entry[part] = _number(self.cumulative(variable, part=part, **labels)[a])
        entry.update({k: total[k] for k in ("not_assessed", "partial") if k in total})
        return entry


def _rising_notes(scenario: Scenario, innovations: dict[str, Any]) -> list[str]:
    """One line per innovation whose gain is negative: what it names rises, its expected savings are
    negative, so it has no rebound (null), not a percentage."""
    lines = []
    for name, by_quantity in innovations.items():
        gain = innovation_gain(scenario, name)
        if gain is not None and gain < 0:
            energy = by_quantity.get("energy", {})
            expected = energy.get("expected_savings")
            saved = f" ({expected:.3g} {energy['unit']} of energy)" if isinstance(expected, float) else ""
            lines.append(f"innovation {name}: its gain is negative ({gain:g}/yr, a rise), so its expected savings "
                         f"are negative{saved}: nothing to take back, no rebound is computed for it (null)")
    return lines


def _number(value: float) -> float | None:
    """A float for JSON: None for NaN (not assessed, undefined)."""
    return None if np.isnan(value) else float(value)


def _json_ready(values: Any) -> Any:
    """Floats to JSON numbers (NaN to None), through nested mappings."""
    if isinstance(values, dict):
        return {k: _json_ready(v) for k, v in values.items()}
    return _number(values) if isinstance(values, float) else values

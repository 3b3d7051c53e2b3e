"""What each measure of a scenario contributes to its difference from its parent: Shapley values.

A scenario that ``extends`` a parent differs from it by *measures*:

* each policy it has that its parent does not (``policies.3``: the fourth of its list), and each
  policy of its parent it drops (``-policies.0``);
* each other change, one per named entity it changes — a generation, layer, device, equipment
  type or service (``generations.5G``, ``demand.services.video``): everything the scenario
  changes in that entity is one measure — and, outside named entities, one per value
  (``grid.climate_change``, ``price.electricity``, ``demand.users``).

What does not change a run is not a measure (``name``, ``description``, ``seed``,
``observations``, ``uncertainty``, ``explore``, the ``rebound`` settings, labels); a scenario
whose ``time`` differs from its parent's is refused (totals over different years do not add up).
``sobriety.yaml`` has eight measures, its eight policies (the baseline has none).

Every *coalition* S of measures is a scenario: the parent with the measures of S applied
(built from the two validated scenarios without validating again, then checked against the
cross-field rules). v(S) is a quantity of its actual run minus the parent's, so v(∅) = 0 and
v(all) is the scenario's difference to its parent. The Shapley value of measure i,

    φ_i = Σ_{S ∌ i} |S|! (n − |S| − 1)! / n! · [v(S ∪ {i}) − v(S)],

is its marginal effect averaged over every order of introducing the measures; the φ_i add up
to v(all) exactly (efficiency), equal measures get equal shares (symmetry), and a measure
whose effect does not depend on the others gets exactly its effect alone. Up to
:data:`EXACT_UP_TO` measures every coalition is run (2^n runs); beyond, φ_i is estimated from
random orders (each with its reverse, to cancel most of the noise) with its standard error,
and the estimates still add up to v(all) exactly.

Beside φ_i the table gives ``alone``, v({i}) (the measure added to the parent on its own), and
``interaction`` = φ_i − v({i}), the measure's part of what the measures do together beyond the
sum of their effects alone; on the ``all measures`` row, ``interaction`` is the interaction
term v(all) − Σ v({i}) (when two cuts overlap, they save less together than apart: the
interaction then has the sign opposite to theirs).

Quantities: energy (kWh), traffic (GB) and each impact category, cumulative over the horizon,
and with ``years``, for each calendar year the mean over its steps (per year) and the total
from ``since`` to its end (as in :mod:`simulator.compare`). Only the actual run of each
coalition is simulated (no counterfactuals); coalitions that share their event schedule
(:func:`~simulator.engine.schedule_key`) run as one batch.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel

from .compare import year_problems, year_span
from .engine import TOTALS_FIELDS, run_samples, schedule_key, total_energy, total_impact
from .errors import Problem, ScenarioError, UsageError
from .model.impacts import not_assessed, wholly_not_assessed
from .scenario.checks import rule_problems
from .scenario.load import load_scenario
from .scenario.schema import CATEGORIES, Scenario
from .scenario.yamlio import read_yaml

#: Largest number of measures whose every coalition is run (2^8 = 256 runs); beyond, orders are sampled.
EXACT_UP_TO = 8
#: Random orders drawn by default beyond :data:`EXACT_UP_TO` measures (half of them the reverse of the other half).
PERMUTATIONS = 64
#: Top-level sections whose changes are measures; the others do not change a run (``time`` is refused).
SECTIONS = ("demand", "price", "generations", "layers", "devices", "equipment", "grid")
#: Most members run as one batch of the engine.
BATCH = 128
_EPS = 1e-9


@dataclass(frozen=True)
class Measure:
    """One thing a scenario changes in its parent: an added or dropped policy, or a changed entity or value."""

    path: str
    """Where it is: ``policies.3`` (added, its index in the scenario), ``-policies.0`` (dropped, its index
    in the parent), or a dotted key path (``generations.5G``)."""
    name: str
    """What it does, in words (``smartphone lifetime 4 yr from 2025``)."""
    kind: str
    """``policy added``, ``policy dropped`` or ``value``."""
    value: Any = field(repr=False, compare=False, default=None)
    """The policy, or the scenario's object at ``keys`` (:data:`ABSENT` where the scenario has none)."""
    keys: tuple[str, ...] = ()
    """The key path of a ``value`` measure."""


def _describe_policy(q: Any) -> str:
    """A policy in words: ``smartphone lifetime 4 yr from 2025``, ``2G switched off in 2026``."""
    at = f"{q.at:g}"
    if q.type == "switch_off":
        return f"{q.generation} switched off in {at}"
    if q.type == "lifetime":
        return f"{q.equipment} lifetime {q.lifetime:g} yr from {at}"
    if q.type == "traffic_scale":
        return f"{', '.join(q.services) if q.services else 'all'} traffic ×{q.factor:g} from {at}"
    if q.type == "surcharge":
        return f"surcharge {100 * q.rate:+g} % on the price of a GB from {at}"
    if q.type == "grid":
        return f"grid {q.category} ×{q.factor:g} from {at}"
    values = ", ".join(f"{k}={v}" for k, v in q if k not in ("type", "at"))
    return f"{q.type} {values} from {at}"


def _shown_value(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float | int) and not isinstance(value, bool) else "…"


def _describe_change(path: str, old: Any, new: Any) -> str:
    """A changed value or entity in words: ``grid.water 0.002 → 0.001``, ``generations.5G: launch 2019 → 2100``,
    ``generations.2G: efficiency_gain, idle_power_gain`` (values when at most two change), ``layers.edge (added)``."""
    if old is ABSENT or new is ABSENT:
        return f"{path} ({'added' if old is ABSENT else 'removed'})"
    if not isinstance(old, BaseModel):
        return f"{path} {_shown_value(old)} → {_shown_value(new)}"
    fields = [name for name in type(old).model_fields if getattr(old, name) != getattr(new, name)]
    if len(fields) <= 2:
        return f"{path}: " + ", ".join(f"{name} {_shown_value(getattr(old, name))} → {_shown_value(getattr(new, name))}"
                                       for name in fields)
    return f"{path}: {', '.join(fields)}"


def _changes(parent: Any, child: Any, path: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Paths of what differs between two nodes of the scenarios: a named entity (a value of a mapping of
    models) whole, a section entered, anything else whole."""
    if parent == child:
        return []
    if isinstance(parent, BaseModel) and type(parent) is type(child):
        return [p for name in type(parent).model_fields
                for p in _changes(getattr(parent, name), getattr(child, name), (*path, name))]
    if isinstance(parent, dict) and isinstance(child, dict) and any(
            isinstance(v, BaseModel) for v in (*parent.values(), *child.values())):
        return [(*path, str(k)) for k in dict.fromkeys([*parent, *child]) if parent.get(k) != child.get(k)]
    return [path]


#: The value of an entity a scenario does not have (one its parent has).
ABSENT = object()


def _get(node: Any, path: Sequence[str]) -> Any:
    for part in path:
        if isinstance(node, dict) and part not in node:
            return ABSENT
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    return node


def _put(node: Any, path: Sequence[str], value: Any) -> Any:
    """A copy of ``node`` with ``value`` at ``path`` (added to a mapping if new, removed if :data:`ABSENT`),
    not validated again."""
    head, rest = path[0], path[1:]
    if isinstance(node, dict):
        out = dict(node)
        if rest:
            out[head] = _put(node[head], rest, value)
        elif value is ABSENT:
            out.pop(head, None)
        else:
            out[head] = value
        return out
    return node.model_copy(update={head: _put(getattr(node, head), rest, value) if rest else value})


def find_measures(parent: Scenario, scenario: Scenario) -> list[Measure]:
    """The measures by which ``scenario`` differs from ``parent`` (see the module's docstring), policies first.

    ScenarioError if their time axes differ."""
    if parent.time != scenario.time:
        raise ScenarioError([Problem(
            f"found time {_time(scenario)} in {scenario.name!r} and {_time(parent)} in its parent {parent.name!r}, "
            "expected the same horizon: a measure changes the world, not the years it is added over", "time")])
    measures = []
    kept = list(parent.policies)
    for i, q in enumerate(scenario.policies):
        if q in kept:
            kept.remove(q)
        else:
            measures.append(Measure(f"policies.{i}", _describe_policy(q), "policy added", q))
    remaining = list(scenario.policies)
    for i, q in enumerate(parent.policies):
        if q in remaining:
            remaining.remove(q)
        else:
            measures.append(Measure(f"-policies.{i}", "no " + _describe_policy(q), "policy dropped", q))
    for section in SECTIONS:
        for path in _changes(getattr(parent, section), getattr(scenario, section), (section,)):
            new = _get(scenario, path)
            measures.append(Measure(".".join(path), _describe_change(".".join(path), _get(parent, path), new), "value",
                                    new, path))
    return measures


def _time(s: Scenario) -> str:
    return f"{s.time.start:g}-{s.time.end:g} every {s.time.step:g} yr"


def coalition(parent: Scenario, measures: Sequence[Measure], chosen: Iterable[int]) -> Scenario:
    """The parent with the measures of indices ``chosen`` applied (dropped policies removed, added ones
    appended in the scenario's order, values set), not validated again: check it with the cross-field
    rules (:func:`~simulator.scenario.checks.rule_problems`)."""
    chosen = sorted(set(chosen))
    s = parent
    policies = list(parent.policies)
    for i in chosen:
        m = measures[i]
        if m.kind == "policy dropped":
            policies.remove(m.value)
        elif m.kind == "policy added":
            policies.append(m.value)
        else:
            s = _put(s, m.keys, m.value)
    if policies != list(parent.policies):
        s = s.model_copy(update={"policies": policies})
    return s


@dataclass
class Attribution:
    """Shapley shares of each measure in the difference of a scenario to its parent."""

    scenario: str
    parent: str
    measures: list[Measure]
    table: pd.DataFrame
    """One row per quantity × statistic × period × measure, then the ``all measures`` row (see :meth:`to_frame`)."""
    method: str
    """``exact`` (every coalition run) or ``sampled`` (``permutations`` random orders)."""
    runs: int
    """Coalitions run (the parent and the full coalition included; the scenario itself is run once more, to check
    that its measures rebuild it)."""
    permutations: int = 0
    start: float = 0.0
    end: float = 0.0
    years: tuple[int, ...] = ()
    since: float | None = None
    pair: tuple[Scenario, Scenario] | None = field(default=None, repr=False)
    """The parent and the scenario, as loaded (for the manifest)."""

    def to_frame(self) -> pd.DataFrame:
        """The table of attribution.csv. Columns: ``quantity``, ``statistic`` (``cumulative`` over the horizon,
        ``calendar_year_mean``, ``cumulative_since``), ``period`` ([from, to) in years), ``unit``, ``measure``
        (a path, or ``all measures``), ``name`` (in words), ``shapley`` (the measure's share; on the
        ``all measures`` row their sum, the scenario's difference to its parent), ``standard_error`` (of the
        sampled share, 0 when exact), ``alone`` (the measure added alone; on the last row their sum),
        ``interaction`` (shapley − alone; on the last row the interaction term, difference − Σ alone),
        ``share_pct`` (shapley / difference, %), ``parent`` and ``scenario`` (their values), ``note``."""
        return self.table.copy()

    def to_dict(self) -> dict[str, Any]:
        """attribution.json: the method, the measures, and quantity → statistic → period → measure → numbers
        (null where not a number)."""
        out: dict[str, Any] = {
            "scenario": self.scenario, "parent": self.parent, "method": self.method, "runs": self.runs,
            "permutations": self.permutations, "start": self.start, "end": self.end, "years": list(self.years),
            "since": self.since,
            "measures": [{"path": m.path, "name": m.name, "kind": m.kind} for m in self.measures],
            "quantities": {}}
        numbers = ("shapley", "standard_error", "alone", "interaction", "share_pct", "parent", "scenario")
        for row in self.table.to_dict("records"):
            entry = (out["quantities"].setdefault(row["quantity"], {}).setdefault(row["statistic"], {})
                     .setdefault(row["period"], {"unit": row["unit"], "note": row["note"], "measures": {}}))
            entry["measures"][row["measure"]] = {k: (None if not np.isfinite(row[k]) else float(row[k]))
                                                 for k in numbers}
        return out

    def summary_lines(self, quantities: Sequence[str] = ("energy", "climate_change")) -> list[str]:
        """Console lines: for each of ``quantities``, cumulative over the horizon, the difference and each
        measure's share."""
        count = f"{len(self.measures)} measure{'s' if len(self.measures) > 1 else ''}"
        lines = [f"{self.scenario} vs {self.parent}: {count}, {self.method} Shapley values "
                 f"({self.runs} runs{f', {self.permutations} random orders' if self.permutations else ''})"]
        t = self.table
        for q in quantities:
            rows = t[(t.quantity == q) & (t.statistic == "cumulative")]
            if rows.empty:
                continue
            total = rows[rows.measure == ALL].iloc[0]
            scale, unit = _shown(str(total.unit))
            if not np.isfinite(total.shapley):
                lines.append(f"  {q}: {total.note or 'not defined'}")
                continue
            lines.append(f"  {q} {total.period}: {total.parent / scale:,.4g} → {total.scenario / scale:,.4g} {unit} "
                         f"({total.shapley / scale:+,.4g} {unit}); interaction term (difference − Σ alone) "
                         f"{total.interaction / scale:+,.3g} {unit}")
            for r in rows[rows.measure != ALL].itertuples():
                if max(abs(r.shapley), abs(r.alone)) <= 1e-6 * float(rows.shapley.abs().max()):
                    lines.append(f"    {r.name}: no effect")
                    continue
                error = f" ± {r.standard_error / scale:.2g}" if r.standard_error > 0 else ""
                lines.append(f"    {r.name}: {r.shapley / scale:+,.4g}{error} {unit} ({r.share_pct:.1f} %; alone "
                             f"{r.alone / scale:+,.4g})")
        if self.years:
            lines.append(f"  by year ({', '.join(map(str, self.years))}; totals from {self.since:g}): attribution.csv, "
                         "statistics calendar_year_mean and cumulative_since")
        return lines


#: ``measure`` of the row that sums the measures.
ALL = "all measures"
_SHOWN = {"kWh": (1e9, "TWh"), "kg CO2e": (1e9, "Mt CO2e"), "GB": (1e9, "EB"), "kg": (1e6, "kt"),
          "kg Sb_eq": (1e3, "t Sb eq"), "MJ": (1e9, "PJ"), "m**3": (1e6, "Mm³")}


def _shown(unit: str) -> tuple[float, str]:
    base, per = unit.removesuffix("/yr"), "/yr" if unit.endswith("/yr") else ""
    scale, shown = _SHOWN.get(base, (1.0, base))
    return scale, shown + per


def _quantities() -> list[tuple[str, str]]:
    """(quantity, unit of its rate)."""
    return [("energy", "kWh/yr"), ("traffic", "GB/yr"), *((c, f"{u}/yr") for c, (u, _) in CATEGORIES.items())]


def _statistics(times: np.ndarray, dt: float, years: Sequence[int],
                since: float) -> list[tuple[str, str, bool, np.ndarray]]:
    """(statistic, period, per year, weights over the instants (T+1,)): a statistic of a series (..., T+1)
    is ``series @ weights``."""
    whole = np.full(len(times), dt)
    whole[-1] = 0.0
    out = [("cumulative", f"{times[0]:g}-{times[-1]:g}", False, whole)]
    for y in years:
        low, high = year_span(y, float(times[-1]))
        in_year = (times >= low - _EPS) & (times < high - _EPS)
        out.append(("calendar_year_mean", f"{low:g}-{high:g}", True, in_year / in_year.sum()))
        out.append(("cumulative_since", f"{since:g}-{high:g}", False,
                    ((times >= since - _EPS) & (times < high - _EPS)) * dt))
    return out


def _evaluate(scenarios: Sequence[Scenario], weights: np.ndarray) -> np.ndarray:
    """Statistics (N, Q, S) of the actual runs of ``scenarios``, Q quantities of :func:`_quantities`,
    S statistics (``weights`` (S, T+1)); scenarios that share their schedule run as one batch."""
    groups: dict[Any, list[int]] = {}
    for i, s in enumerate(scenarios):
        groups.setdefault(schedule_key(s), []).append(i)
    out = np.empty((len(scenarios), len(_quantities()), len(weights)))
    for members in groups.values():
        for first in range(0, len(members), BATCH):
            chunk = members[first:first + BATCH]
            _, rec = run_samples([scenarios[i] for i in chunk], ("actual",), record=(*TOTALS_FIELDS, "traffic"))
            series = [total_energy(rec), rec["traffic"].sum(axis=-1), *(total_impact(rec, c) for c in CATEGORIES)]
            out[chunk] = np.stack(series, axis=1) @ weights.T
    return out


def _checked(parent: Scenario, measures: Sequence[Measure], chosen: Sequence[int]) -> Scenario:
    s = coalition(parent, measures, chosen)
    problems = rule_problems(s)
    if problems:
        names = ", ".join(measures[i].name for i in chosen)
        loc, message = problems[0]
        raise ScenarioError([Problem(
            f"the measures cannot be taken apart: the parent with only {names} is not a valid scenario "
            f"({'.'.join(str(p) for p in loc)}: {message}); expected measures each valid on their own", "policies")])
    return s


def _notes(parent: Scenario, scenario: Scenario) -> dict[str, str]:
    """Note of each impact category: empty, ``partial: PHASES not assessed``, ``not assessed`` or that the scope
    differs between the two (no difference then)."""
    out = {}
    for category in CATEGORIES:
        mine = [not_assessed(s).get(category, {}) for s in (parent, scenario)]
        if set(mine[0]) != set(mine[1]):
            out[category] = "scope differs: the scenario and its parent assess different phases"
        elif mine[0] and wholly_not_assessed(category, mine[0]):
            out[category] = "not assessed"
        elif mine[0]:
            out[category] = f"partial: {', '.join(mine[0])} not assessed"
    return out


def shapley_exact(values: dict[frozenset[int], np.ndarray], n: int) -> np.ndarray:
    """Shapley values (n, ...) of a game given on every coalition (frozensets of 0..n-1), v(∅) included."""
    phi = np.zeros((n, *values[frozenset()].shape))
    weights = [math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n) for k in range(n)]
    for s, v in values.items():
        for i in range(n):
            if i not in s:
                phi[i] += weights[len(s)] * (values[s | {i}] - v)
    return phi


def _orders(n: int, permutations: int, seed: int) -> list[list[int]]:
    """``permutations`` orders of 0..n-1 (rounded up to even): random ones, each followed by its reverse."""
    rng = np.random.default_rng(seed)
    orders = []
    for _ in range((permutations + 1) // 2):
        order = [int(i) for i in rng.permutation(n)]
        orders += [order, order[::-1]]
    return orders


def shapley_sampled(values: dict[frozenset[int], np.ndarray], orders: Sequence[Sequence[int]],
                    n: int) -> tuple[np.ndarray, np.ndarray]:
    """Shapley values (n, ...) estimated from ``orders`` (pairs of an order and its reverse), and their standard
    errors (from the means of the pairs: an order and its reverse are not independent)."""
    marginal = np.zeros((len(orders), n, *values[frozenset()].shape))
    for k, order in enumerate(orders):
        s: frozenset[int] = frozenset()
        for i in order:
            marginal[k, i] = values[s | {i}] - values[s]
            s = s | {i}
    pairs = marginal.reshape(len(orders) // 2, 2, *marginal.shape[1:]).mean(axis=1)
    error = pairs.std(axis=0, ddof=1) / math.sqrt(len(pairs)) if len(pairs) > 1 else np.full(pairs.shape[1:], np.nan)
    return marginal.mean(axis=0), error


def parent_path(path: str | Path) -> Path:
    """The file a scenario file ``extends`` (ScenarioError if it extends none)."""
    path = Path(path)
    document = read_yaml(path)
    name = document.data.get("extends")
    if not isinstance(name, str) or not name.strip():
        raise ScenarioError([Problem(f"found no extends: in {path}, expected a scenario that extends the parent "
                                     "its measures are attributed against", "extends", str(path))])
    return Path(path.parent / name)


def attribute(scenario: Scenario | str | Path, parent: Scenario | str | Path | None = None, *,
              overrides: Sequence[str] = (), years: Sequence[int] = (), since: float | None = None,
              exact_up_to: int = EXACT_UP_TO, permutations: int = PERMUTATIONS, seed: int = 0) -> Attribution:
    """Split the difference between ``scenario`` and ``parent`` (default: the file it ``extends``) into each
    measure's Shapley share (see the module's docstring)::

        import simulator
        shares = simulator.attribute("scenarios/sobriety.yaml", years=[2030], since=2025)
        simulator.write_attribution(shares, "outputs/sobriety-measures")  # or shares.to_frame()

    ``overrides`` (``--set``) apply to both files; ``years``, ``since`` as in :func:`simulator.compare.compare`;
    beyond ``exact_up_to`` measures, ``permutations`` random orders drawn from ``seed``. ScenarioError when there
    is no measure, the horizons differ, a coalition breaks a cross-field rule or a year is not covered."""
    if parent is None:
        if not isinstance(scenario, str | Path):
            raise UsageError("give the parent of a Scenario object: attribute(scenario, parent)")
        parent = parent_path(scenario)
    if overrides and (isinstance(scenario, Scenario) or isinstance(parent, Scenario)):
        raise UsageError("overrides apply to scenario files; load Scenario objects with load_scenario(path, overrides)")
    loaded = [s if isinstance(s, Scenario) else load_scenario(s, list(overrides)) for s in (parent, scenario)]
    base, child = loaded
    measures = find_measures(base, child)
    n = len(measures)
    if n == 0:
        raise ScenarioError([Problem(f"found no measure in {child.name!r}: it changes nothing of {base.name!r} that "
                                     "changes a run, expected a policy or a value that differs")])
    problems = year_problems(years, since, [(child.time.start, child.time.end, child.time.step)])
    if problems:
        raise ScenarioError([Problem(message, option) for option, message in problems])
    years = tuple(sorted({int(y) for y in years}))
    start = child.time.start
    since = float(start if since is None else since)
    if permutations < 2:
        raise UsageError(f"found permutations={permutations}, expected at least 2")
    exact = n <= exact_up_to
    orders = [] if exact else _orders(n, permutations, seed)
    if exact:
        wanted = [frozenset(c) for k in range(n + 1) for c in itertools.combinations(range(n), k)]
    else:
        needed: set[frozenset[int]] = {frozenset()} | {frozenset([i]) for i in range(n)}
        for order in orders:
            needed |= {frozenset(order[:k]) for k in range(1, n + 1)}
        wanted = sorted(needed, key=lambda c: (len(c), sorted(c)))
    scenarios = [base if not c else _checked(base, measures, sorted(c)) for c in wanted]
    times = child.time.start + child.time.step * np.arange(child.n_steps + 1)
    stats = _statistics(times, child.time.step, years, since)
    results = _evaluate([*scenarios, child], np.stack([w for *_, w in stats]))
    rebuilt, itself = results[len(wanted) - 1 if exact else wanted.index(frozenset(range(n)))], results[-1]
    if not np.allclose(rebuilt, itself, rtol=1e-9, atol=0.0):
        raise UsageError(f"the {n} measures found do not rebuild {child.name!r} from {base.name!r}: a change outside "
                         f"{', '.join(SECTIONS)} and policies alters the run")
    reference = results[0]
    values = {c: results[k] - reference for k, c in enumerate(wanted)}
    if exact:
        phi, error = shapley_exact(values, n), np.zeros((n, *reference.shape))
    else:
        phi, error = shapley_sampled(values, orders, n)
    alone = np.stack([values[frozenset([i])] for i in range(n)])
    table = _table(measures, phi, error, alone, values[frozenset(range(n))], reference, itself, stats,
                   _notes(base, child))
    return Attribution(child.name, base.name, measures, table, "exact" if exact else "sampled", len(wanted),
                       0 if exact else len(orders), float(times[0]), float(times[-1]), years,
                       since if years else None, (base, child))


def _table(measures: Sequence[Measure], phi: np.ndarray, error: np.ndarray, alone: np.ndarray, total: np.ndarray,
           parent: np.ndarray, scenario: np.ndarray, stats: Sequence[tuple[str, str, bool, np.ndarray]],
           notes: dict[str, str]) -> pd.DataFrame:
    """The rows of :meth:`Attribution.to_frame`; NaN numbers for a category not assessed, or assessed over
    different phases in the parent and the scenario."""
    rows = []
    columns = ("shapley", "standard_error", "alone", "interaction", "share_pct", "parent", "scenario")
    for q, (quantity, rate) in enumerate(_quantities()):
        note = notes.get(quantity, "")
        hidden = note == "not assessed" or note.startswith("scope differs")
        for k, (statistic, period, per_year, _) in enumerate(stats):
            difference = float(total[q, k])
            entries = [(m.path, m.name, float(phi[i, q, k]), float(error[i, q, k]), float(alone[i, q, k]))
                       for i, m in enumerate(measures)]
            entries.append((ALL, "difference to the parent", difference, 0.0, float(alone[:, q, k].sum())))
            for measure, name, shapley, se, by_itself in entries:
                pct = 100.0 * shapley / difference if difference else np.nan
                numbers = (shapley, se, by_itself, shapley - by_itself, pct, float(parent[q, k]),
                           float(scenario[q, k]))
                rows.append({"quantity": quantity, "statistic": statistic, "period": period,
                             "unit": rate if per_year else rate.removesuffix("/yr"), "measure": measure, "name": name,
                             **{c: np.nan if hidden else v for c, v in zip(columns, numbers, strict=True)},
                             "note": note})
    return pd.DataFrame(rows)


__all__ = ["ALL", "EXACT_UP_TO", "Attribution", "Measure", "attribute", "coalition", "find_measures", "parent_path",
           "shapley_exact", "shapley_sampled"]

"""Parameter arrays of many samples of one scenario, straight from a matrix of drawn values.

A Monte Carlo member, a point of a sweep or of a sensitivity design is the
scenario with a few numbers changed. :func:`~simulator.model.params.compile_params`
takes one scenario object per sample; deriving, checking and reading those
objects cost, measured, ~0.15 ms per sample of the classroom scenario (more
than running its three members) and ~0.8 ms for the baseline. Here the
scenario is read once (:func:`~.samples.read_samples`) and each parameter's
column of values is written into a copy of its numbers, N samples at once,
which then go the way of every batch (:func:`~.params.compile_samples`): the
arrays are equal bit for bit to those of the derived scenarios
(``tests/test_draws.py``).

Numbers this path writes (:func:`target`): those of services, generations
(but launch and switch-off, which move events), layers, devices and the price section;
equipment lifetimes and Weibull shapes; embodied impacts (propagated through
components for every sample at once); the points of time tables (users, PUE,
devices per user, grid factors). Any other path (launch years, policy values,
component counts...) makes :func:`compile_draws` return None, and the caller
derives and compiles each sample instead.

Cross-field rules: each rule of :data:`~simulator.scenario.checks.RULES`
says which values it reads, and :func:`broken_samples` checks each sample
against the rules that read one of its drawn values, on the scenario with only
those values changed. Of the numbers above, only starting usage and saturation,
lifetimes and Weibull shapes are read by a rule (and the
gains, when ``rebound.innovations`` lists innovations, or when a generation's
technology is given by calendar year or launched over three centuries before the
end: what they compound to must stay bounded): the classroom
scenario's draws are read by none, the baseline's by three (~30 µs a sample).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..graph import build_graph, layout, own_impacts, with_components
from ..scenario import space
from ..scenario.checks import rule_problems, rules_reading
from ..scenario.schema import CATEGORIES, Scenario
from .params import VARIANTS, Params, compile_samples
from .samples import PRICE_FIELDS, SECTION_FIELDS, Samples, item_names, read_samples, tabled

#: Numbers that move the timed events of a run: samples differing in them are grouped, not written.
_EVENTS = {"launch", "switch_off"}
#: Time tables by where they sit in a scenario: (section, field) → field of :func:`~.samples.tabled`.
_TABLES: dict[space.Path, str] = {
           ("demand", "users"): "users", ("demand", "traffic"): "forced_traffic", ("layers", "pue"): "layer_pue",
           ("devices", "per_user"): "device_per_user", ("grid",): "grid",
           ("price", "electricity"): "electricity_price", ("price", "fixed"): "fixed_cost"}
_SECTIONS = {"demand": "services", "generations": "generations", "layers": "layers", "devices": "devices"}


@dataclass(frozen=True)
class Target:
    """Where a path's value goes: ``kind`` number (a Params field, column), equipment (lifetime or
    Weibull shape of equipment ``column``), embodied (equipment, category) or table (field, column,
    the year's key in the table, None for a constant)."""

    kind: str
    field: str
    column: Any = None
    year: Any = None


def target(base: Scenario, path: space.Path) -> Target | None:
    """Where the value at ``path`` goes in the arrays, or None if this module cannot write it."""
    names = item_names(base)
    head, rest = path[0], path[1:]
    try:
        if head == "demand" and len(rest) == 3 and rest[0] == "services":
            return _number("services", names, rest[1], rest[2])
        if head in ("generations", "layers", "devices") and len(rest) == 2:
            if head == "generations" and rest[1] in _EVENTS:
                return None
            found = _number(_SECTIONS[head], names, rest[0], rest[1])
            if found is not None:
                return found
        if head == "price" and len(rest) == 1 and rest[0] in PRICE_FIELDS:
            return Target("number", rest[0])
        if head == "equipment" and len(rest) == 2 and rest[1] in ("lifetime", "weibull_shape"):
            return Target("equipment", rest[1], names["equipment"].index(rest[0]))
        if head == "equipment" and len(rest) == 3 and rest[1] == "embodied" and rest[2] in CATEGORIES:
            return Target("embodied", "embodied", (names["equipment"].index(rest[0]), list(CATEGORIES).index(rest[2])))
        return _table(base, names, path)
    except ValueError:  # a name not in the scenario: expand() would not have given the path
        return None


def _number(section: str, names: dict[str, tuple[str, ...]], item: str | int, field: str | int) -> Target | None:
    by_field = {schema: name for name, schema in SECTION_FIELDS[section].items()}
    if not isinstance(field, str) or field not in by_field:
        return None
    return Target("number", by_field[field], names[section].index(item))


def _table(base: Scenario, names: dict[str, tuple[str, ...]], path: space.Path) -> Target | None:
    """A point of a time table, or a constant where a table could be."""
    if path[0] == "grid" and len(path) in (2, 3) and path[1] in CATEGORIES and path[1] != "e_waste":
        field, column, year = "grid", list(CATEGORIES).index(path[1]), path[2:]
    elif path[:2] in (("demand", "users"), ("demand", "traffic"), ("price", "electricity"), ("price", "fixed")) \
            and len(path) in (2, 3):
        field, column, year = _TABLES[path[:2]], 0, path[2:]
    elif path[0] in ("layers", "devices") and len(path) in (3, 4) and (path[0], path[2]) in _TABLES:
        field, column, year = _TABLES[(path[0], path[2])], names[path[0]].index(path[1]), path[3:]
    else:
        return None
    value = tabled(base, names["layers"], names["devices"])[field][column]
    if year and not hasattr(value, "years"):  # inside a logistic, say: not a table point
        return None
    return Target("table", field, column, year[0] if year else None)


def compile_draws(base: Scenario, paths: Sequence[Sequence[space.Path]], values: np.ndarray,
                  variants: tuple[str, ...] = VARIANTS) -> Params | None:
    """Params of N samples of ``base`` (members sample-major), sample i having ``values[i, k]`` at every
    path of ``paths[k]``; None if a path is one :func:`target` cannot write.

    Equal, bit for bit, to ``compile_params([space.derive(base, ...) for each row], variants)``. The
    samples are not checked: see :func:`suspects`.
    """
    samples = draw_samples(base, paths, values)
    return None if samples is None else compile_samples(samples, variants)


def _targets(base: Scenario, paths: Sequence[Sequence[space.Path]]) -> list[list[Target]] | None:
    """The :func:`target` of every path, group by group; None as soon as one cannot be written."""
    groups: list[list[Target]] = []
    for group in paths:
        groups.append([])
        for path in group:
            found = target(base, path)
            if found is None:
                return None
            groups[-1].append(found)
    return groups


def draw_samples(base: Scenario, paths: Sequence[Sequence[space.Path]], values: np.ndarray) -> Samples | None:
    """The numbers of every sample (see :func:`compile_draws`), before variants; None if unsupported."""
    targets = _targets(base, paths)
    if targets is None:
        return None
    values = np.asarray(values, dtype=float).reshape(-1, len(paths))
    n = len(values)
    one = read_samples([base])
    numbers = {name: np.repeat(array, n, axis=0) for name, array in one.numbers.items()}
    lifetime, shape = np.repeat(one.lifetime, n, axis=0), np.repeat(one.weibull, n, axis=0)
    fixed = np.array([item.survival == "fixed" for item in base.equipment.values()], dtype=bool)
    own: tuple[np.ndarray, np.ndarray] | None = None  # embodied and end of life of each sample's own items
    graph = build_graph(base)
    rows = {field: [one.rows[0][field]] * n for field in one.rows[0]}
    tables: dict[tuple[str, int], list] = {}
    for k, group in enumerate(targets):
        column = values[:, k]
        for t in group:
            if t.kind == "number":
                array = numbers[t.field]
                if t.column is None:
                    array[:] = column
                else:
                    array[:, t.column] = column
            elif t.kind == "equipment":
                (lifetime if t.field == "lifetime" else shape)[:, t.column] = column
            elif t.kind == "embodied":
                if own is None:
                    made, retired = own_impacts(graph, tuple(base.equipment))
                    own = np.repeat(made[None], n, axis=0), np.repeat(retired[None], n, axis=0)
                own[0][:, t.column[0], t.column[1]] = column
            else:
                tables.setdefault((t.field, t.column), []).append((t.year, column))
    for (field, index), points in tables.items():
        rows[field] = _table_rows(rows[field], index, points)
    embodied, end_of_life = one.embodied, one.end_of_life
    if own is not None:
        embodied, end_of_life = with_components(layout(base), graph, tuple(base.equipment), *own)
    return replace(
        one, numbers=numbers, lifetime=lifetime, weibull=np.where(fixed, 0.0, shape),
        rows=[{field: rows[field][i] for field in rows} for i in range(n)],
        coefficient=np.repeat(one.coefficient, n, axis=0), made_kwh=np.repeat(one.made_kwh, n, axis=0),
        embodied=np.repeat(embodied, n, axis=0) if own is None else embodied,
        end_of_life=np.repeat(end_of_life, n, axis=0) if own is None else end_of_life,
        policies=[(q, None if v is None else np.repeat(v, n)) for q, v in one.policies],
    )


def _table_rows(rows: list, column: int, points: list[tuple[Any, np.ndarray]]) -> list:
    """Each sample's row of a tabled field with its points replaced (a new table per sample)."""
    out = []
    for i, row in enumerate(rows):
        value = row[column]
        if points[0][0] is None:  # a constant
            value = float(points[-1][1][i])
        else:
            value = space.derive(value, {(year,): float(v[i]) for year, v in points})
        out.append((*row[:column], value, *row[column + 1:]))
    return out


def broken_samples(base: Scenario, paths: Sequence[Sequence[space.Path]], values: np.ndarray) -> np.ndarray:
    """Samples (indices, in order) that break a cross-field rule, sample i having ``values[i, k]`` at
    every path of ``paths[k]``.

    Only the rules that read a drawn value can break (``base`` meets every rule), and their verdict
    depends on nothing else: each sample is checked against them alone, on ``base`` with only the
    drawn values they read changed (~30 µs for the baseline's draws, where deriving and checking the
    whole sample costs ~0.2 ms).
    """
    drawn = [(k, path) for k, group in enumerate(paths) for path in group]
    rules = rules_reading(base, [path for _, path in drawn])
    if not rules:
        return np.array([], dtype=int)
    read = [(k, path) for k, path in drawn if any(rule.reads_any(base, [path]) for rule in rules)]
    rows = np.asarray(values, dtype=float).reshape(-1, len(paths))
    return np.array([i for i, row in enumerate(rows)
                     if rule_problems(space.derive(base, {path: row[k] for k, path in read}), rules)], dtype=int)


__all__ = ["compile_draws", "draw_samples", "broken_samples", "target", "Target"]

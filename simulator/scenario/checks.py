"""Checks that need more than one field: names that must exist, times that must be ordered.

Each check yields ``(location, message)`` where location is the key path in the
scenario data; the loader turns it into ``FILE:LINE:COL: key.path: message``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

import networkx as nx

from .schema import MAX_STEPS, Scenario

Loc = tuple[Any, ...]


def _unknown(kind: str, name: str, known: dict[str, Any] | list[str]) -> str:
    by_case = [k for k in known if k.lower() == name.lower()]
    hint = by_case or difflib.get_close_matches(name, list(known), n=1)
    listed = ", ".join(sorted(known)) or "none defined"
    suggestion = f"did you mean {hint[0]!r}? " if hint else ""
    return f"unknown {kind} {name!r} ({suggestion}defined: {listed})"


def _time(s: Scenario) -> Iterator[tuple[Loc, str]]:
    t = s.time
    if t.end <= t.start:
        yield ("time", "end"), f"found {t.end:g}, expected a year after time.start ({t.start:g})"
        return
    steps = (t.end - t.start) / t.step
    if steps > MAX_STEPS:
        yield ("time", "step"), (
            f"found {t.step:g}: the horizon would have {steps:.0f} steps, expected at most {MAX_STEPS}"
        )
    elif abs(steps - round(steps)) > 1e-6:
        yield ("time", "step"), (
            f"found {t.step:g}, expected a step that divides the horizon "
            f"({t.end - t.start:g} years) into a whole number of steps"
        )


def _generations(s: Scenario) -> Iterator[tuple[Loc, str]]:
    if not s.generations:
        yield ("generations",), "found no generation, expected at least one network generation"
        return
    for name, g in s.generations.items():
        if g.switch_off is not None and g.switch_off <= g.launch:
            yield ("generations", name, "switch_off"), (
                f"{g.switch_off:g} is not after its launch ({g.launch:g})"
            )
        for item in g.equipment:
            if item not in s.equipment:
                yield ("generations", name, "equipment", item), _unknown("equipment", item, s.equipment)
    if not any(g.launch <= s.time.start for g in s.generations.values()):
        first = min(s.generations, key=lambda n: s.generations[n].launch)
        yield ("generations", first, "launch"), (
            f"no generation is on at time.start ({s.time.start:g}): expected at least one "
            "launched at or before it to carry the traffic"
        )
    _coverage_gap = _first_uncovered_year(s)
    if _coverage_gap is not None:
        yield ("generations",), (
            f"no generation is on at {_coverage_gap:g}: every instant of the horizon needs one "
            "to carry the traffic (check switch_off years and switch_off policies)"
        )


def _first_uncovered_year(s: Scenario) -> float | None:
    off = {n: g.switch_off for n, g in s.generations.items()}
    for policy in s.policies:
        if policy.type == "switch_off" and policy.generation in off:
            current = off[policy.generation]
            off[policy.generation] = policy.at if current is None else min(current, policy.at)
    times = sorted({s.time.start, *(v for v in off.values() if v is not None)})
    for t in times:
        if s.time.start <= t < s.time.end and not any(
            g.launch <= t and (off[n] is None or t < off[n]) for n, g in s.generations.items()
        ):
            return t
    return None


def _layers_devices(s: Scenario) -> Iterator[tuple[Loc, str]]:
    for name, layer in s.layers.items():
        for item in layer.equipment:
            if item not in s.equipment:
                yield ("layers", name, "equipment", item), _unknown("equipment", item, s.equipment)
    for name, item in s.equipment.items():
        for part in item.components:
            if part not in s.equipment:
                yield ("equipment", name, "components", part), _unknown("equipment", part, s.equipment)
    for name, device in s.devices.items():
        if device.equipment not in s.equipment:
            yield ("devices", name, "equipment"), _unknown("equipment", device.equipment, s.equipment)


def _component_cycles(s: Scenario) -> Iterator[tuple[Loc, str]]:
    g = nx.DiGraph()
    for name, item in s.equipment.items():
        g.add_edges_from((name, part) for part in item.components if part in s.equipment)
    try:
        cycle = nx.find_cycle(g)
    except nx.NetworkXNoCycle:
        return
    path = " -> ".join([u for u, _ in cycle] + [cycle[0][0]])
    yield ("equipment", cycle[0][0], "components", cycle[0][1]), f"dependency cycle: {path}"


def _demand(s: Scenario) -> Iterator[tuple[Loc, str]]:
    if not s.demand.services:
        yield ("demand", "services"), "found no service, expected at least one"
    for name, service in s.demand.services.items():
        if service.saturation is not None and service.saturation < service.usage:
            yield ("demand", "services", name, "saturation"), (
                f"found {service.saturation:g} GB/yr, expected at least the starting usage "
                f"({service.usage:g} GB/yr)"
            )


def _cost(s: Scenario) -> Iterator[tuple[Loc, str]]:
    total = s.cost.energy_weight + s.cost.capital_weight
    if total > 1 + 1e-9:
        yield ("cost",), f"energy_weight + capital_weight = {total:g}, expected at most 1"


def _policies(s: Scenario) -> Iterator[tuple[Loc, str]]:
    for i, policy in enumerate(s.policies):
        if policy.type == "switch_off" and policy.generation not in s.generations:
            yield ("policies", i, "generation"), _unknown("generation", policy.generation, s.generations)
        elif policy.type == "switch_off" and policy.at <= s.generations[policy.generation].launch:
            launch = s.generations[policy.generation].launch
            yield ("policies", i, "at"), f"{policy.at:g} is before the launch of {policy.generation} ({launch:g})"
        elif policy.type == "lifetime" and policy.equipment not in s.equipment:
            yield ("policies", i, "equipment"), _unknown("equipment", policy.equipment, s.equipment)
        elif policy.type == "traffic_scale":
            for j, service in enumerate(policy.services or []):
                if service not in s.demand.services:
                    yield ("policies", i, "services", j), _unknown("service", service, s.demand.services)


def _observations(s: Scenario) -> Iterator[tuple[Loc, str]]:
    for name, obs in s.observations.items():
        for key, known, kind in (("generation", s.generations, "generation"), ("layer", s.layers, "layer"),
                                 ("equipment", s.equipment, "equipment")):
            value = getattr(obs, key)
            if value is not None and value not in known:
                yield ("observations", name, key), _unknown(kind, value, known)


def semantic_problems(s: Scenario) -> list[tuple[Loc, str]]:
    """Every cross-field problem of a schema-valid scenario."""
    problems: list[tuple[Loc, str]] = []
    for check in (_time, _demand, _cost, _generations, _layers_devices, _component_cycles, _policies,
                  _observations):
        problems.extend(check(s))
    return problems

"""Checks that need more than one field: names that must exist, times that must be ordered.

Each check yields ``(location, message)`` where location is the key path in the
scenario data; the loader turns it into ``FILE:LINE:COL: key.path: message``.
:data:`RULES` lists the checks a sample must pass, each with the values it
reads, so that ensembles check a drawn sample against the rules its values
can break and no other (:func:`rules_reading`), without writing a rule twice.
"""

from __future__ import annotations

import difflib
import math
import operator
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import networkx as nx
import numpy as np

from ..units import describe
from . import space
from .innovations import KINDS, innovations
from .lesson import lesson_problems
from .schema import MAX_STEPS, Scenario
from .targets import target_problems
from .types import MIN_GAIN, Table, evaluate
from .yamlio import dotted

Loc = tuple[Any, ...]


#: Where the scenario defines each kind of name.
_SECTIONS = {"equipment": "equipment", "generation": "generations", "layer": "layers", "service": "demand.services",
             "network": "networks", "region": "regions"}


def _unknown(kind: str, name: str, known: dict[str, Any] | list[str]) -> str:
    if not known:
        return f"unknown {kind} {name!r} (none is defined: define it under {_SECTIONS.get(kind, kind)}:)"
    by_case = [k for k in known if k.lower() == name.lower()]
    hint = by_case or difflib.get_close_matches(name, list(known), n=1)
    listed = ", ".join(dotted((k,)) for k in sorted(known))
    suggestion = f"did you mean {hint[0]!r}? " if hint else ""
    return f"unknown {kind} {name!r} ({suggestion}defined: {listed})"


#: Characters a scenario name may not hold: it names the output folder ``outputs/<name>``.
_NOT_IN_NAMES = set('/\\:*?"<>|')


def _name(s: Scenario) -> Iterator[tuple[Loc, str]]:
    name = s.name
    bad = sorted({c for c in name if c in _NOT_IN_NAMES or not c.isprintable()})
    if not name.strip() or name.strip(". ") == "" or name != name.strip() or bad or len(name) > 100:
        reason = f" (it holds {' '.join(repr(c) for c in bad)})" if bad else ""
        yield ("name",), (
            f"found {name!r}{reason}, expected a name that can name the output folder outputs/<name>: "
            "not empty, not only dots, no surrounding spaces, none of / \\ : * ? \" < > |, "
            "at most 100 characters"
        )


def _time(s: Scenario) -> Iterator[tuple[Loc, str]]:
    t = s.time
    if t.end <= t.start:
        yield ("time", "end"), f"found {t.end:g}, expected a year after time.start ({t.start:g})"
        return
    steps = (t.end - t.start) / t.step
    if steps > MAX_STEPS:
        yield ("time", "step"), (
            f"found {t.step:g}: the horizon {t.start:g} to {t.end:g} would have {steps:.3g} steps, "
            f"expected at most {MAX_STEPS} (a longer step or a shorter horizon)"
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
                f"found {g.switch_off:g}, expected a year after its launch ({g.launch:g})"
            )
        for item in g.equipment:
            if item not in s.equipment:
                yield ("generations", name, "equipment", item), _unknown("equipment", item, s.equipment)
        if g.network is not None and g.network not in s.network_names:
            yield ("generations", name, "network"), _unknown("network", g.network, list(s.networks))
            return
    for network in s.network_names:
        members = [n for n in s.generations if s.network_of(n) == network]
        of = f" of network {network}" if len(s.network_names) > 1 else ""
        if not members:
            yield ("networks", network), (
                f"found no generation{of}, expected at least one (a generation says `network: {network}`)")
            continue
        if not any(s.generations[n].launch <= s.time.start for n in members):
            first = min(members, key=lambda n: s.generations[n].launch)
            yield ("generations", first, "launch"), (
                f"found {s.generations[first].launch:g}: no generation{of} is on at time.start ({s.time.start:g}), "
                "expected at least one launched at or before it to carry the traffic"
            )
            continue
        gap = _first_uncovered(s, members)
        if gap is not None:
            year, loc = gap
            yield loc, (
                f"found {year:g}: from then no generation{of} is on, expected at least one on at every instant "
                f"until time.end ({s.time.end:g}) to carry the traffic (check switch_off years and policies)"
            )


#: Largest factor (as its natural log) by which a generation's gains may scale its energy per GB or idle
#: power up, or its capacity per site down, between the year these are given for and a year of the run:
#: 1e100, beyond any real path and far below float overflow (1e308), so sums over sites and steps stay finite.
MAX_COMPOUNDING = math.log(1e100)
#: What each compounded field of a generation scales, and the sign of ln(factor) per year that harms: energy
#: and power rising (a negative gain), capacity shrinking (a year before the reference year).
_COMPOUNDED = {"efficiency_gain": ("energy per GB", 1.0), "idle_power_gain": ("idle power", 1.0),
               "capacity_growth": ("capacity per site", -1.0)}


def _technology(s: Scenario) -> Iterator[tuple[Loc, str]]:
    """A calendar year goes with ``technology_year: calendar``; gains compounded from the year their values
    are given for (the launch, or that year) to any year the run reads (from the launch to time.end) stay
    within :data:`MAX_COMPOUNDING`."""
    for name, g in s.generations.items():
        calendar = g.technology_year == "calendar"
        if calendar and g.reference_year is None:
            yield ("generations", name, "technology_year"), (
                "found calendar without reference_year, expected reference_year beside it: the year "
                "energy_intensity, idle_power and capacity_per_site are given for (e.g. reference_year: 2020)")
            continue
        if not calendar and g.reference_year is not None:
            yield ("generations", name, "reference_year"), (
                f"found {g.reference_year:g} with technology_year: launch (the default), expected "
                "technology_year: calendar beside it (gains then run from that year), or no reference_year "
                "(they run from the launch)")
            continue
        if g.launch >= s.time.end:
            continue  # never on
        origin = g.reference_year if g.reference_year is not None else g.launch
        for field, (what, harm) in _COMPOUNDED.items():
            value = getattr(g, field)
            rate = math.log1p(value) if field == "capacity_growth" else math.log1p(-value)
            worst, year = max((harm * rate * (y - origin), y) for y in (g.launch, s.time.end))
            if worst > MAX_COMPOUNDING:
                way = "down" if harm < 0 else "up"
                since = f"reference_year {origin:g}" if calendar else f"its launch ({origin:g})"
                fix = "a growth nearer 0" if field == "capacity_growth" else "a gain nearer 0"
                yield ("generations", name, field), (
                    f"found {value:g}: compounded from {since} to {year:g} it would scale {what} {way} "
                    f"~1e{worst / math.log(10):.0f} times, expected at most 1e100 ({fix}"
                    f"{', or a reference_year nearer the horizon' if calendar else ''})")


#: Years over which the steepest rise a gain may give (:data:`~.types.MIN_GAIN`, power doubling each year)
#: stays within :data:`MAX_COMPOUNDING` (~332).
_SAFE_SPAN = MAX_COMPOUNDING / math.log1p(-MIN_GAIN)


def _technology_reads(s: Scenario) -> tuple[str, ...]:
    """What :func:`_technology` reads. Gains compounded from the launch over at most :data:`_SAFE_SPAN` years
    (launch to time.end) cannot break it, whatever their value: their gains are read only if some generation's
    technology is given by calendar year or is launched longer ago. The answer depends on values the rule
    always reads (launch, time.end), so a sample moving them is checked again."""
    always = ("time.end", "generations.*.launch", "generations.*.technology_year", "generations.*.reference_year")
    if all(g.technology_year == "launch" and s.time.end - g.launch <= _SAFE_SPAN for g in s.generations.values()):
        return always
    return (*always, *(f"generations.*.{field}" for field in _COMPOUNDED))


def _first_uncovered(s: Scenario, names: list[str]) -> tuple[float, Loc] | None:
    """The first instant of the horizon none of the generations ``names`` is on, and the switch-off that
    causes it."""
    off: dict[str, tuple[float, Loc] | None] = {  # a switch-off before its launch is reported on its own
        n: (g.switch_off, ("generations", n, "switch_off")) if g.switch_off is not None and g.switch_off > g.launch
        else None for n, g in s.generations.items() if n in names
    }
    for i, policy in enumerate(s.policies):
        if policy.type == "switch_off" and policy.generation in off and policy.at > s.generations[
                policy.generation].launch:  # a switch-off before its launch is reported on its own
            current = off[policy.generation]
            if current is None or policy.at < current[0]:
                off[policy.generation] = (policy.at, ("policies", i, "at"))
    causes = sorted((v for v in off.values() if v is not None), key=lambda v: v[0])
    ends = {n: math.inf if v is None else v[0] for n, v in off.items()}
    for t, loc in [(s.time.start, ("generations",)), *causes]:
        if s.time.start <= t < s.time.end and not any(
            s.generations[n].launch <= t < ends[n] for n in names
        ):
            return t, loc
    return None


def _layers_devices(s: Scenario) -> Iterator[tuple[Loc, str]]:
    for name, layer in s.layers.items():
        for equipment in layer.equipment:
            if equipment not in s.equipment:
                yield ("layers", name, "equipment", equipment), _unknown("equipment", equipment, s.equipment)
        for i, network in enumerate(layer.networks or ()):
            if network not in s.network_names:
                yield ("layers", name, "networks", i), _unknown("network", network, list(s.networks))
    for name, item in s.equipment.items():
        for part in item.components:
            if part not in s.equipment:
                yield ("equipment", name, "components", part), _unknown("equipment", part, s.equipment)
    for name, workload in s.compute.every.items():
        for equipment in workload.equipment:
            if equipment not in s.equipment:
                yield (*_compute_loc(s, name), "equipment", equipment), _unknown("equipment", equipment, s.equipment)
    for name in set(s.compute.workloads) & set(s.compute.storage):
        yield ("compute", "storage", name), (
            f"found {name!r} both as a workload and as storage, expected distinct names (they share the "
            "workload label of the outputs)")
    for name, device in s.devices.items():
        if device.equipment not in s.equipment:
            yield ("devices", name, "equipment"), _unknown("equipment", device.equipment, s.equipment)
        for service in device.services:
            if service not in s.demand.services:
                yield ("devices", name, "services", service), _unknown("service", service, s.demand.services)
        if sum(device.services.values()) > 1.0 + 1e-9:
            yield ("devices", name, "services"), (
                f"found shares adding up to {sum(device.services.values()):g}, expected at most 1: each is the "
                "share of the device's use that follows a service")


def _compute_loc(s: Scenario, name: str) -> Loc:
    """Where a compute workload or a storage entry ``name`` is defined."""
    return ("compute", "workloads" if name in s.compute.workloads else "storage", name)


def _regions(s: Scenario) -> Iterator[tuple[Loc, str]]:
    known = [s.region, *s.regions]
    if s.region in s.regions:
        yield ("regions", s.region), (
            f"found the home region {s.region!r} among the other regions, expected only regions abroad: the "
            "home region's grid is `grid:`")
    located: list[tuple[Loc, str | None]] = [(("layers", n, "region"), x.region) for n, x in s.layers.items()]
    located += [((*_compute_loc(s, n), "region"), x.region) for n, x in s.compute.every.items()]
    located += [(("equipment", n, "made_in"), x.made_in) for n, x in s.equipment.items()]
    for loc, region in located:
        if region is not None and region not in known:
            yield loc, _unknown("region", region, known)


def _service_networks(s: Scenario) -> Iterator[tuple[Loc, str]]:
    """Each service's shares over networks name networks and add up to 1 at every instant (they are
    linear between the years of their tables, so the years of the tables and the ends of the horizon
    are the instants to check)."""
    for name, service in s.demand.services.items():
        if not service.networks:
            continue
        for network in service.networks:
            if network not in s.network_names:
                yield ("demand", "services", name, "networks", network), _unknown("network", network,
                                                                                    list(s.networks))
        years = {s.time.start, s.time.end}
        for share in service.networks.values():
            if isinstance(share, Table):
                years.update(y for y in share.years if s.time.start <= y <= s.time.end)
        for year in sorted(years):
            total = sum(float(evaluate(v, np.array([year]))[0]) for v in service.networks.values())
            if abs(total - 1.0) > 1e-6:
                yield ("demand", "services", name, "networks"), (
                    f"at year {year:g}: found shares adding up to {total:g}, expected 1 (every GB of the "
                    "service is carried by one of the networks)")
                break


#: Most age classes an equipment fleet may track (lifetime × Weibull tail / time.step): bounds memory.
MAX_AGE_STEPS = 200_000
#: Share of a Weibull cohort still in service at the oldest age a fleet tracks (the rest retire then).
WEIBULL_TAIL = 1e-4


@lru_cache(maxsize=256)
def age_span(weibull_shape: float) -> float:
    """Oldest age a fleet tracks, in mean lifetimes: 1 for a fixed life (shape 0), else the
    1 - WEIBULL_TAIL quantile of the Weibull law; inf when that law cannot be computed."""
    if weibull_shape == 0.0:
        return 1.0
    k = weibull_shape
    try:
        return math.log(1.0 / WEIBULL_TAIL) ** (1.0 / k) / math.gamma(1.0 + 1.0 / k)
    except OverflowError:
        return math.inf


def _lifetimes(s: Scenario) -> Iterator[tuple[Loc, str]]:
    step = s.time.step
    for name, item in s.equipment.items():
        span = age_span(0.0 if item.survival == "fixed" else item.weibull_shape)
        if not math.isfinite(span):
            yield ("equipment", name, "weibull_shape"), (
                f"found {item.weibull_shape:g}, expected a larger shape (0.5 to 5 is usual): the spread of "
                "lifetimes this one means cannot be computed"
            )
            continue
        lives = [(("equipment", name, "lifetime"), item.lifetime)] + [
            (("policies", i, "lifetime"), p.lifetime) for i, p in enumerate(s.policies)
            if p.type == "lifetime" and p.equipment == name
        ]
        for loc, lifetime in lives:
            ages = lifetime * span / step
            if ages > MAX_AGE_STEPS:
                yield loc, (
                    f"found {lifetime:g} years: tracking ages up to {lifetime * span:.3g} years at steps of "
                    f"{step:g} would need {ages:.3g} age classes, expected at most {MAX_AGE_STEPS:,}"
                )


def _component_cycles(s: Scenario) -> Iterator[tuple[Loc, str]]:
    g = nx.DiGraph()
    for name, item in s.equipment.items():
        g.add_edges_from((name, part) for part in item.components if part in s.equipment)
    try:
        cycle = nx.find_cycle(g)
    except nx.NetworkXNoCycle:
        return
    path = " -> ".join(dotted((u,)) for u in [u for u, _ in cycle] + [cycle[0][0]])
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


def _policies(s: Scenario) -> Iterator[tuple[Loc, str]]:
    for i, policy in enumerate(s.policies):
        if policy.type == "switch_off" and policy.generation not in s.generations:
            yield ("policies", i, "generation"), _unknown("generation", policy.generation, s.generations)
        elif policy.type == "switch_off" and policy.at <= s.generations[policy.generation].launch:
            launch = s.generations[policy.generation].launch
            yield ("policies", i, "at"), (
                f"found {policy.at:g}, expected a year after the launch of {policy.generation} ({launch:g})"
            )
        elif policy.type == "lifetime" and policy.equipment not in s.equipment:
            device = s.devices.get(policy.equipment)
            made_of = (f"; {policy.equipment!r} is a device, made of the equipment {device.equipment!r}: write that"
                       if device is not None else "")
            yield ("policies", i, "equipment"), _unknown("equipment", policy.equipment, s.equipment) + made_of
        elif policy.type == "traffic_scale":
            for j, service in enumerate(policy.services or []):
                if service not in s.demand.services:
                    yield ("policies", i, "services", j), _unknown("service", service, s.demand.services)


def _observations(s: Scenario) -> Iterator[tuple[Loc, str]]:
    for name, obs in s.observations.items():
        for year, value in obs.values.items():
            if not math.isfinite(year):
                yield ("observations", name, "values", year), f"found the year {year:g}, expected a finite year"
            elif not math.isfinite(value):
                yield ("observations", name, "values", year), (
                    f"found {describe(value)} at year {year:g}, expected a finite number"
                )
        if obs.index_year is not None and obs.values.get(obs.index_year) == 0:
            yield ("observations", name, "index_year"), (
                f"found {obs.index_year:g}, expected a year whose value is not 0 (values are divided by it)"
            )
        for key, known, kind in (("generation", s.generations, "generation"), ("layer", s.layers, "layer"),
                                 ("equipment", s.equipment, "equipment")):
            value = getattr(obs, key)
            if value is not None and value not in known:
                yield ("observations", name, key), _unknown(kind, value, known)


def range_problems(s: Scenario, loc: Loc, path: str, ends: dict[str, float],
                   already: set[tuple[Loc, str]] | None = None) -> Iterator[tuple[Loc, str]]:
    """Problems of moving ``path`` (``*`` allowed) to each of ``ends``: not a numeric path,
    a value its field refuses, or a cross-field rule broken at that end. ``already``: the
    scenario's own cross-field problems, reported once by the scenario itself (computed if None)."""
    try:
        targets = space.expand(s, path)
    except space.PathError as exc:
        yield loc, str(exc)
        return
    for end, value in ends.items():
        for concrete, annotation in targets:
            reason = space.check_value(annotation, value)
            if reason:
                yield loc, f"{end} {value:g} is not a valid {space.dotted(concrete)}: {reason}"
                return
        derived = space.derive(s, {concrete: value for concrete, _ in targets})
        if already is None:
            already = set(semantic_problems(s, spaces=False))
        for where, message in semantic_problems(derived, spaces=False):
            if (where, message) not in already:
                yield loc, f"with {path} at its {end} ({value:g}): {space.dotted(where)}: {message}"
                return


def _overlaps(s: Scenario, section: str, paths: dict[str, str]) -> Iterator[tuple[Loc, str]]:
    """Two keys of a section may not move the same value: one would silently undo the other."""
    owner: dict[tuple, str] = {}
    for key, path in paths.items():
        try:
            targets = [p for p, _ in space.expand(s, path)]
        except space.PathError:
            continue  # reported by range_problems
        for target in targets:
            if target in owner:
                yield (section, key), (f"moves {space.dotted(target)}, which {owner[target]!r} already moves; "
                                       "keep one of them")
                break
            owner[target] = key


def _spaces(s: Scenario) -> Iterator[tuple[Loc, str]]:
    already = set(semantic_problems(s, spaces=False)) if s.uncertainty or s.explore else set()
    for key, dist in s.uncertainty.items():
        low, high = dist.bounds()
        yield from range_problems(s, ("uncertainty", key), key, {"low end": low, "high end": high}, already)
    yield from _overlaps(s, "uncertainty", {k: k for k in s.uncertainty})
    for key, slider in s.explore.items():
        yield from range_problems(s, ("explore", key, "path"), slider.path, {"min": slider.min, "max": slider.max},
                                  already)
    yield from _overlaps(s, "explore", {k: v.path for k, v in s.explore.items()})
    yield from lesson_problems(s)


#: Section of the scenario that names what each kind of innovation is about.
_INNOVATION_OF = {"launch": "generations", "gain": "generations", "idle_gain": "generations",
                  "layer_gain": "layers", "device_gain": "devices", "compute_gain": "compute.workloads"}


def _not_an_innovation(s: Scenario, name: str, known: tuple[str, ...]) -> str:
    """Why ``name`` is not one of the innovations ``known`` of ``s``, and what may be written instead."""
    choices = (f"expected one of: {', '.join(known)}" if known else
               "this scenario has none (no generation launched inside the horizon, no gain): write innovations: []")
    kind, _, target = name.partition(":")
    section = _INNOVATION_OF.get(kind)
    item = operator.attrgetter(section)(s).get(target) if section else None
    if item is not None:
        if kind == "launch" or (section == "generations" and item.launch >= s.time.end):
            why = (f"{target} is launched in {item.launch:g}, not inside the horizon "
                   f"({s.time.start:g} to {s.time.end:g})")
        else:
            field = "idle_power_gain" if kind == "idle_gain" else "efficiency_gain"
            why = f"{section}.{target}.{field} is 0, so there is no gain to measure"
        return f"{name!r} is not an innovation of this scenario: {why}; {choices}"
    if section and target:
        close = [k for k in known if k.lower() == name.lower()] or difflib.get_close_matches(name, known, n=1)
        written = ""
    else:
        close = [k for k in known if k.partition(":")[2].lower() == (target or kind).lower()]
        written = f"; an innovation is written KIND:NAME, KIND one of {', '.join(KINDS)}"
    hint = f" (did you mean {' or '.join(repr(k) for k in close)}?)" if close else ""
    return f"unknown innovation {name!r}{hint}; {choices}{written}"


def _rebound(s: Scenario) -> Iterator[tuple[Loc, str]]:
    if s.rebound.innovations == "all":
        return
    known = innovations(s)
    for i, name in enumerate(s.rebound.innovations):
        if name not in known:
            yield ("rebound", "innovations", i), _not_an_innovation(s, name, known)


def _rebound_reads(s: Scenario) -> tuple[str, ...]:
    """What :func:`_rebound` reads: the list of innovations and, when it is a list, what makes each one."""
    if s.rebound.innovations == "all":
        return ("rebound.innovations",)
    return ("rebound.innovations", "time.start", "time.end", "generations.*.launch", "generations.*.efficiency_gain",
            "generations.*.idle_power_gain", "layers.*.efficiency_gain", "devices.*.efficiency_gain",
            "compute.workloads.*.efficiency_gain")


@dataclass(frozen=True)
class Rule:
    """A cross-field rule: its check, and the values the check reads."""

    check: Callable[[Scenario], Iterator[tuple[Loc, str]]]
    reads: tuple[str, ...] | Callable[[Scenario], tuple[str, ...]]
    """Dotted paths of every value the check reads (``*`` for any key; a path stands for everything
    under it), or the function giving them for a scenario (of what it reads, none a sample changes but
    values the rule always reads, so that a sample that changes them is checked again).
    Names of items (keys of a mapping), which a sample never changes, are not listed. The check's
    verdict changes only with these values: ensembles check again only the rules that read a value
    they draw (``tests/test_draws.py`` pushes every other value to extremes)."""

    def paths(self, s: Scenario) -> tuple[space.Path, ...]:
        """The paths of :attr:`reads` in ``s``."""
        return tuple(space.split(p) for p in (self.reads(s) if callable(self.reads) else self.reads))

    def reads_any(self, s: Scenario, paths: Iterable[space.Path]) -> bool:
        """Whether the check reads a value at one of the concrete ``paths`` of ``s``."""
        mine = self.paths(s)
        return any(_covers(pattern, path) for path in paths for pattern in mine)


def _covers(pattern: space.Path, path: space.Path) -> bool:
    """Whether ``pattern`` (``*`` for any key) names ``path``, something under it or above it."""
    return all(p == "*" or p == q for p, q in zip(pattern, path, strict=False))


_POLICY_TARGETS = ("policies.*.type", "policies.*.at", "policies.*.generation", "policies.*.equipment")

#: Every cross-field rule a sample of a scenario must meet, in the order their problems are reported.
RULES = (
    Rule(_name, ("name",)),
    Rule(_time, ("time",)),
    Rule(_demand, ("demand.services.*.usage", "demand.services.*.saturation")),
    Rule(_generations, ("time.start", "time.end", "generations.*.launch", "generations.*.switch_off",
                        *_POLICY_TARGETS)),
    Rule(_technology, _technology_reads),
    Rule(_layers_devices, ("devices.*.equipment", "devices.*.services")),
    Rule(_regions, ()),
    Rule(_service_networks, ("time.start", "time.end", "demand.services.*.networks")),
    Rule(_lifetimes, ("time.step", "equipment.*.survival", "equipment.*.weibull_shape", "equipment.*.lifetime",
                      *_POLICY_TARGETS, "policies.*.lifetime")),
    Rule(_component_cycles, ()),
    Rule(_policies, ("generations.*.launch", "devices.*.equipment", *_POLICY_TARGETS, "policies.*.services")),
    Rule(_observations, ("observations",)),
    Rule(_rebound, _rebound_reads),
    Rule(lambda s: target_problems(s.targets, s.time.start, s.time.end), ("time.start", "time.end", "targets")),
)


def rules_reading(s: Scenario, paths: Iterable[space.Path]) -> tuple[Rule, ...]:
    """The rules of :data:`RULES` that read a value at one of the concrete ``paths`` of ``s``."""
    paths = list(paths)
    return tuple(rule for rule in RULES if rule.reads_any(s, paths))


def rule_problems(s: Scenario, rules: Iterable[Rule] = RULES) -> list[tuple[Loc, str]]:
    """The problems ``rules`` find in ``s``, in the order of the rules."""
    return [problem for rule in rules for problem in rule.check(s)]


def semantic_problems(s: Scenario, spaces: bool = True) -> list[tuple[Loc, str]]:
    """Every cross-field problem of a schema-valid scenario: :data:`RULES`, then (``spaces``) the ends of
    its ``uncertainty:`` and ``explore:`` ranges, each checked against every rule."""
    problems = rule_problems(s)
    if spaces:
        problems.extend(_spaces(s))
    return problems

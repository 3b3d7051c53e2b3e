"""Equipment fleets: cohorts installed, aged, retired and replaced while still needed.

Every (owner, equipment) pair of the dependency graph is a fleet: the radio
units of 4G, the routers of the core, the smartphones of users.

Each step: units reaching the end of their life retire (all of them at
``lifetime`` for a fixed life; the Weibull hazard of their age otherwise);
every unit of an owner that is off (a generation switched off) retires; then
new units are installed to cover what is needed and missing. Units no longer
needed are not retired early but not replaced. The fleet in place at
``time.start`` was made before it: it starts with the steady-state age
distribution of its lifetime law and is not counted as manufactured.

How it is computed: the fleets keep the *installs* of the last K steps (a log,
step by step) rather than units by age. Units of the cohort installed ``a``
steps ago still in service are ``installs × survival(a)``, ``survival`` the
survival curve (:func:`survival`), so the units carried over into a step are
the dot product of the log with that curve: no array of ages is shifted,
copied or multiplied in place each step. When a lifetime policy changes the
law, the log is rescaled once, by ``survival_old(b) / survival_new(b)`` at each
cohort's age b, so that every cohort follows the new law from its current age
on (a cohort the new law says is already gone retires at once). An owner
switched off has its log zeroed once. Before ``time.start`` the log holds a
constant install rate, which gives the steady-state age distribution of the
starting fleet.

Fleets of one owner whose equipment follows the same law (the radio unit,
baseband and antenna of a generation) need units in proportion to their
counts, so their cohorts stay in that proportion: they share one stream of
cohorts per unit of count (:class:`Streams`), scaled by each fleet's count.

No stock can go negative: cohorts only shrink by shares (0 to 1) of what they
were, and installations are clamped at 0 (an owner that needs fewer units
keeps its surplus until it retires). Retirements, computed as the units that
were not carried over, are clamped at 0 against rounding.

Batches: the arrays are (ages, fleets, members), members last, so that a
shared survival curve broadcasts along contiguous memory. Fleets whose law is
the same in every member are read with one curve; those whose lifetimes vary
between members (Monte Carlo draws) form a second group with a curve per
member, so that only they pay for it. A member keeps the ages of its
longest-lived law for each equipment type (``Params.age_steps``: lifetime
policies included), but each law's curve is 0 from that law's own oldest age
on (the ``WEIBULL_TAIL`` quantile, :func:`~simulator.model.params.tracked_ages`),
and the dot product adds ages from the oldest to the youngest, so the zeros a
longer-lived fleet, member of the group or later law adds come first and change
nothing: a member's numbers are bit for bit those of a run on its own, and
those of a run without its lifetime policies until the first of them.

``p`` is the batch's :class:`~simulator.model.params.Params` and ``s`` its
:class:`~simulator.model.state.State`, as everywhere in the model. Shapes: M
members (M|1: one row shared by all), F fleets, Q streams of cohorts, E equipment
types, A ages of a survival curve (``p.max_age_steps``), K ages kept in an
install log, W fleets of Weibull law; G, L, D generations, layers, devices.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import simpy
from simpy.events import ProcessGenerator

from ..scenario.schema import Scenario
from .clock import Clock
from .network import layer_equipment_driver
from .params import Params, tracked_ages
from .state import State, sum_in_order


def _weibull_scale(mean: np.ndarray, shape: np.ndarray) -> np.ndarray:
    """Scale of the Weibull law of mean ``mean`` and shape ``shape`` (Γ taken once per distinct shape)."""
    shapes, where = np.unique(shape, return_inverse=True)
    gamma = np.array([math.gamma(1.0 + 1.0 / k) for k in shapes])
    return mean / gamma[where.reshape(shape.shape)]


def survival(p: Params, lifetime: np.ndarray, fleets: np.ndarray | slice = slice(None)) -> np.ndarray:
    """Share of a cohort of each of ``fleets`` still in service at each age (M|1,F,A), A = ``p.max_age_steps``;
    ages are whole steps.

    0 from the oldest age of the law on: that of ``lifetime`` (its tail is cut
    where the same law's is without a policy), not the longest one the fleet will
    have. When every member has the same lifetimes and laws for these fleets, the
    member axis has length 1 and broadcasts.

    Weibull curves are raised to each distinct shape as a Python float, on the
    rows of that shape: ``np.power`` with an array of exponents may round a value
    differently with the layout of the array (the number of fleets and members),
    and a member's curve must be the same, bit for bit, in any batch.
    """
    eq = p.fleet_equipment[fleets]
    life, shape, tracked = np.broadcast_arrays(lifetime[:, eq], p.weibull[:, eq], p.age_steps[:, eq])
    if np.all(life == life[:1]) and np.all(shape == shape[:1]) and np.all(tracked == tracked[:1]):
        life, shape, tracked = life[:1], shape[:1], tracked[:1]
    ages = p.dt * np.arange(p.max_age_steps)
    curve = (ages < life[:, :, None] - 1e-9).astype(float)  # fixed lives (M|1,F,A)
    weibull = shape > 0
    if weibull.any():
        ratio = ages / _weibull_scale(life[weibull], shape[weibull])[:, None]  # (W,A)
        with np.errstate(over="ignore"):
            for k in np.unique(shape[weibull]):
                rows = shape[weibull] == k
                ratio[rows] = np.exp(-np.power(ratio[rows], float(k)))
        curve[weibull] = ratio
    tracked = np.minimum(tracked, tracked_ages(life, shape, p.dt))  # this law's own ages, whatever comes later
    return np.where(np.arange(p.max_age_steps) < (tracked - 1)[:, :, None], curve, 0.0)  # the oldest retires all


def fixed_life_policies(scenario: Scenario) -> list[str]:
    """A warning for each equipment type of fixed survival that a lifetime policy changes within the horizon.

    With a fixed life, the units of a cohort all retire the same step: a longer
    lifetime stops retirements, hence production, until the first cohort reaches
    it (about 1.5 years for smartphones going from 2.5 to 4 years), and production then
    comes back in waves that echo forever. A Weibull law (the default) spreads them.
    """
    at: dict[str, list[float]] = {}
    for policy in scenario.policies:
        if policy.type == "lifetime" and policy.at < scenario.time.end:
            item = scenario.equipment.get(policy.equipment)
            if item is not None and item.survival == "fixed":
                at.setdefault(policy.equipment, []).append(policy.at)
    return [f"equipment.{name}.survival is fixed and a lifetime policy changes it in "
            f"{', '.join(f'{y:g}' for y in years)}: every unit of a cohort retires the same step, so production "
            "stops, then comes back in waves (gaps and spikes are artefacts of the fixed life); "
            f"set equipment.{name}.survival: weibull to spread lifetimes"
            for name, years in at.items()]


def member_laws(p: Params) -> np.ndarray:
    """Which fleets (F,) may follow a different survival law in different members of the batch.

    Their lifetime, Weibull shape or tracked ages differ between members, now
    or after a lifetime policy; the other fleets share one curve.
    """
    differs = np.any(p.lifetime != p.lifetime[:1], axis=0) | np.any(p.weibull != p.weibull[:1], axis=0)
    differs |= np.any(p.age_steps != p.age_steps[:1], axis=0)
    for scheduled in p.policies:
        value = scheduled.value
        if scheduled.policy.type == "lifetime" and value is not None and np.any(value != value[0]):
            differs[p.equipment.index(scheduled.policy.equipment)] = True
    return differs[p.fleet_equipment]


def _at_ages(curve: np.ndarray, ages: np.ndarray) -> np.ndarray:
    """curve (M|1,F,A) at ``ages`` as (len(ages),F,M|1), contiguous."""
    return np.ascontiguousarray(curve[:, :, ages].transpose(2, 1, 0))


def carried_over(window: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Σ over ages of installs (K,F,M) × survival (K,F,M|1) → (F,M), from the oldest age to the youngest.

    Added in that order (:func:`~simulator.model.state.sum_in_order`), so that
    leading zeros — ages a member does not track — leave its sum unchanged.
    """
    return sum_in_order(window, weights)


class InstallLog:
    """Units installed in each of the last K steps, oldest first: a (K,F,M) window over a (2K,F,M) buffer.

    Appending writes the row after the window; when the buffer is full, the
    window is copied back to its start (one copy every K steps), so the window
    is always one contiguous block.
    """

    def __init__(self, past: np.ndarray):
        self.k = len(past)
        self._buffer = np.empty((2 * self.k, *past.shape[1:]))
        self._buffer[: self.k] = past
        self._end = self.k

    @property
    def window(self) -> np.ndarray:
        """Installs of steps t-K … t-1 (K,F,M), a view."""
        return self._buffer[self._end - self.k: self._end]

    def append(self, installed: np.ndarray) -> None:
        if not self.k:
            return
        if self._end == len(self._buffer):
            self._buffer[: self.k] = self._buffer[self.k:]
            self._end = self.k
        self._buffer[self._end] = installed
        self._end += 1

    def clear(self, which: np.ndarray) -> None:
        """Forget every cohort of the (fleet, member) pairs ``which`` (F,M) (rows outside the window are
        never read again: they are overwritten first)."""
        np.copyto(self.window, 0.0, where=which)


@dataclass
class _Successor:
    """A law only the cohorts installed from a lifetime policy on follow (``applies_to: new``), in the fleets
    ``rows`` (F,) of a group: its ``curve`` (M|1,F,A), ``weights`` (its curve at the ages K … 1 the log is read
    at) and the cohorts installed since (``installs``: the youngest of the log)."""

    rows: np.ndarray
    curve: np.ndarray
    weights: np.ndarray
    installs: int = 0


class Cohorts:
    """The install log of some fleets and the survival law each of its cohorts follows."""

    def __init__(self, fleets: np.ndarray | slice, k: int, need: np.ndarray, curve: np.ndarray):
        """Start in steady state: ``need`` (F,M) units in service, renewed at a constant rate; ``curve``
        (M|1,F,A) of these fleets; ``k`` ages kept, the oldest their longest-lived member tracks."""
        self.fleets, self.k = fleets, k
        per_step = need / np.cumsum(curve, axis=-1)[..., -1].T  # Σ survival over ages, youngest first (>= 1)
        self.log = InstallLog(np.broadcast_to(per_step, (k, *need.shape)))
        self.successors: list[_Successor] = []  # laws of the youngest cohorts, oldest change first
        self._use(curve)

    def _use(self, curve: np.ndarray) -> None:
        self.curve = curve  # the law of every cohort but those of self.successors
        self.weights = _at_ages(curve, np.arange(self.k, 0, -1))  # ages K … 1, read after a step of ageing

    def _blended(self, ages: np.ndarray) -> np.ndarray:
        """Each cohort's own law at ``ages`` (K,) (the log's cohorts oldest first), as (K,F,M|1)."""
        weights = _at_ages(self.curve, ages)
        for later in self.successors:
            young = (np.arange(self.k) >= self.k - later.installs)[:, None, None] & later.rows[None, :, None]
            weights = np.where(young, _at_ages(later.curve, ages), weights)
        return weights

    def change_law(self, curve: np.ndarray, new_only: np.ndarray | None = None) -> None:
        """Cohorts follow a new survival law from their current age on; in the fleets ``new_only`` (F,), only
        the cohorts installed from now on (those before keep their law until they retire)."""
        if new_only is not None and new_only.any():
            self.successors.append(_Successor(new_only, curve, _at_ages(curve, np.arange(self.k, 0, -1))))
            if new_only.all():
                return
            curve = np.where(new_only[None, :, None], self.curve, curve)  # the other fleets change now, below
        now = np.arange(self.k - 1, -1, -1)  # ages K-1 … 0, before this step's ageing
        old = self._blended(now)
        for later in self.successors:  # a change of every cohort ends the successions of its fleets
            later.rows = later.rows & (new_only if new_only is not None else False)
        self.successors = [later for later in self.successors if later.rows.any()]
        self.curve = curve
        new = self._blended(now)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.log.window[...] *= np.where(new > 0, old / new, 0.0)  # a cohort the new law has retired: 0
        self.weights = self._blended(np.arange(self.k, 0, -1))

    def appended(self) -> None:
        """A cohort was installed: one more cohort of each succession's fleets is read with its law (the one
        that has just come of age K − installs); a law every kept cohort follows becomes the group's."""
        for later in self.successors:
            later.installs += 1
            if later.installs <= self.k:
                at = self.k - later.installs
                if later.weights.shape[-1] != self.weights.shape[-1]:  # a law per member: one column each
                    self.weights = np.ascontiguousarray(np.broadcast_to(
                        self.weights, np.broadcast_shapes(self.weights.shape, later.weights.shape)))
                np.copyto(self.weights[at], later.weights[at], where=later.rows[:, None])
        while self.successors and self.successors[0].installs >= self.k:
            first = self.successors.pop(0)
            self.curve = np.where(first.rows[None, :, None], first.curve, self.curve)

    def carried(self) -> np.ndarray:
        """Units of these fleets still in service after a step of ageing (F,M)."""
        return carried_over(self.log.window, self.weights)


class Fleets:
    """Cohorts of every fleet of every member.

    Fleets whose survival law is the same in every member (``shared``) are read
    with one curve that broadcasts over members; the others with a curve per
    member. Each group keeps the ages its longest-lived member tracks, no more.
    """

    def __init__(self, need: np.ndarray, law: Callable[[np.ndarray | slice], np.ndarray], ages: np.ndarray,
                 per_member: np.ndarray):
        """Start in steady state; ``law(fleets)``: the survival curve of these fleets (:func:`survival`);
        ``ages`` (F,): ages tracked by each fleet's longest-lived member; ``per_member`` (F,): fleets whose
        law differs between members (:func:`member_laws`)."""
        groups: list[np.ndarray | slice] = [g for g in (np.flatnonzero(~per_member), np.flatnonzero(per_member))
                                            if len(g)]
        if len(groups) == 1:
            groups = [slice(None)]
        self.groups = [Cohorts(g, int(ages[g].max()) - 1, need[g], law(g)) for g in groups]
        self.in_service = need
        self.off = np.zeros(need.shape, dtype=bool)

    def change_law(self, law: Callable[[np.ndarray | slice], np.ndarray], new_only: np.ndarray | None = None) -> None:
        """Cohorts follow a new survival law from their current age on; in the fleets ``new_only`` (F,) only the
        cohorts installed from now on."""
        for group in self.groups:
            group.change_law(law(group.fleets), None if new_only is None else new_only[group.fleets])

    def step(self, need: np.ndarray, off: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Retire, then install what ``need`` (F,M) lacks where the owner is on; (installed, retired) units."""
        switched_off = off & ~self.off
        if switched_off.any():
            for group in self.groups:
                group.log.clear(switched_off[group.fleets])
        self.off = off
        if len(self.groups) == 1:
            carried = self.groups[0].carried()
        else:
            carried = np.empty_like(need)
            for group in self.groups:
                carried[group.fleets] = group.carried()
        retired = np.maximum(self.in_service - carried, 0.0)  # every unit not carried over retired
        installed = np.where(off, 0.0, np.maximum(need - carried, 0.0))
        for group in self.groups:
            group.log.append(installed[group.fleets])
            group.appended()
        self.in_service = carried + installed
        return installed, retired


def fleet_drivers(p: Params) -> np.ndarray:
    """Row of each fleet's owner (F,) among the rows of :func:`owner_units`: generations, layers, devices,
    compute workloads."""
    offsets = np.cumsum([0, len(p.generations), len(p.layers), len(p.devices)])
    return offsets[p.fleet_kind] + p.fleet_owner


@dataclass(frozen=True)
class Streams:
    """Fleets that share one stream of cohorts: same owner, and equipment following the same survival law
    in every member (the radio unit, baseband and antenna of a generation, say).

    Their needs are the owner's units times their counts, so their installs,
    stocks and retirements stay in proportion to their counts: they are
    computed once per unit of count and scaled, rather than once per fleet.
    """

    of_fleet: np.ndarray  # (F,) stream of each fleet
    driver: np.ndarray  # (Q,) row of each stream's owner in owner_units
    fleet: np.ndarray  # (Q,) a fleet of each stream, whose equipment's law the stream follows

    @classmethod
    def of(cls, p: Params) -> Streams:
        law = _law_classes(p)
        keys: dict[tuple[int, int], int] = {}
        of_fleet = np.array([keys.setdefault((int(d), int(law[e])), len(keys))
                             for d, e in zip(fleet_drivers(p), p.fleet_equipment, strict=True)], dtype=int)
        first = np.array([int(np.flatnonzero(of_fleet == k)[0]) for k in range(len(keys))], dtype=int)
        return cls(of_fleet, fleet_drivers(p)[first], first)


def _law_classes(p: Params) -> np.ndarray:
    """Equipment types (E,) numbered so that equal numbers mean the same survival law in every member,
    policies included (equipment a lifetime policy targets has a class of its own)."""
    targeted = {scheduled.policy.equipment for scheduled in p.policies if scheduled.policy.type == "lifetime"}
    weibull = np.broadcast_to(p.weibull, p.lifetime.shape)
    classes: list[int] = []
    for e, name in enumerate(p.equipment):
        same = [other for other in range(e) if name not in targeted and p.equipment[other] not in targeted
                and np.array_equal(p.lifetime[:, other], p.lifetime[:, e])
                and np.array_equal(weibull[:, other], weibull[:, e])
                and np.array_equal(p.age_steps[:, other], p.age_steps[:, e])]
        classes.append(classes[same[0]] if same else e)
    return np.array(classes, dtype=int)


def owner_units(p: Params, s: State) -> np.ndarray:
    """Units each owner needs equipment for (G+L+D+W, M): sites, PB/yr of traffic scaled by the equipment one
    PB/yr needs now (or kW of IT power), devices, accelerators in service."""
    return np.concatenate([s.sites.T, layer_equipment_driver(p, s).T, s.device_count.T, s.compute_accelerators.T])


def owner_off(s: State, always_on: np.ndarray) -> np.ndarray:
    """Whether each owner is off (G+L+D+W, M): generations can be off, layers, devices and workloads
    (``always_on``) never."""
    return ~np.concatenate([s.active.T, always_on])


def equipment_fleets(env: simpy.Environment, clock: Clock, p: Params, s: State) -> ProcessGenerator:
    """Install, age, retire and replace every fleet of every member, each step."""
    if not len(p.fleet_kind):
        return  # no equipment: nothing to install (and no age to track)
    streams = Streams.of(p)
    s.fleet_stream, s.fleet_count = streams.of_fleet, p.fleet_coefficient.T  # (F,), (F,M|1)
    always_on = np.ones((len(p.layers) + len(p.devices) + len(p.workloads), p.members), dtype=bool)

    def law(rows: np.ndarray | slice) -> np.ndarray:
        return survival(p, s.lifetime, streams.fleet[rows])

    fleets, version, lifetime = None, s.lifetime_version, s.lifetime.copy()
    while True:
        yield clock.tick("fleets")
        need = owner_units(p, s)[streams.driver]  # (Q,M) per unit of count
        if fleets is None:
            ages = p.age_steps[:, p.fleet_equipment[streams.fleet]].max(axis=0)
            fleets, version = Fleets(need, law, ages, member_laws(p)[streams.fleet]), s.lifetime_version
            lifetime = s.lifetime.copy()
        elif version != s.lifetime_version:
            later = np.any(s.lifetime != lifetime, axis=0) & s.lifetime_new_only  # (E,) new units only
            fleets.change_law(law, later[p.fleet_equipment[streams.fleet]] if later.any() else None)
            version, lifetime = s.lifetime_version, s.lifetime.copy()
        installed, retired = fleets.step(need, owner_off(s, always_on)[streams.driver])
        s.stream_installed, s.stream_retired, s.stream_in_service = installed, retired, fleets.in_service

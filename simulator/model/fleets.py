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
steps ago still in service are ``installs × S(a)``, S the survival curve, so
the units carried over into a step are the dot product of the log with S: no
array of ages is shifted, copied or multiplied in place each step. When a
lifetime policy changes the law, the log is rescaled once, by
``S_old(b) / S_new(b)`` at each cohort's age b, so that every cohort follows
the new law from its current age on (a cohort the new law says is already
gone retires at once). An owner switched off has its log zeroed once. Before
``time.start`` the log holds a constant install rate, which gives the
steady-state age distribution of the starting fleet.

No stock can go negative: cohorts only shrink by shares (0 to 1) of what they
were, and installations are clamped at 0 (an owner that needs fewer units
keeps its surplus until it retires). Retirements, computed as the units that
were not carried over, are clamped at 0 against rounding.

Batches: the arrays are (ages, fleets, members), members last, so that a
shared survival curve broadcasts along contiguous memory. A member tracks its
own ages (``Params.age_steps``): its curve is 0 from its own oldest age on, and
the dot product adds ages from the oldest to the youngest, so the zeros a
longer-lived member of the batch adds come first and change nothing: a
member's numbers are bit for bit those of a run on its own.
"""

from __future__ import annotations

import math

import numpy as np

from .clock import Clock
from .network import layer_equipment_driver
from .params import Params
from .state import State, sum_in_order


def _weibull_scale(mean: np.ndarray, shape: np.ndarray) -> np.ndarray:
    gamma = np.vectorize(lambda k: math.gamma(1.0 + 1.0 / k), otypes=[float])(shape)
    return mean / gamma


def survival(p: Params, lifetime: np.ndarray) -> np.ndarray:
    """Share of a cohort still in service at each age (M|1,F,A), A = ``p.max_age_steps``; ages are whole steps.

    0 from each member's own oldest age tracked on. When every member has the
    same lifetimes and laws, the member axis has length 1 and broadcasts.
    """
    weibull, age_steps = p.weibull, p.age_steps
    if np.all(lifetime == lifetime[:1]) and np.all(weibull == weibull[:1]) and np.all(age_steps == age_steps[0]):
        lifetime, weibull, age_steps = lifetime[:1], weibull[:1], age_steps[:1]
    ages = p.dt * np.arange(p.max_age_steps)
    life = lifetime[:, p.fleet_equipment][:, :, None]  # (M|1,F,1)
    shape = weibull[:, p.fleet_equipment][:, :, None]
    fixed = (ages < life - 1e-9).astype(float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        scale = _weibull_scale(life, np.where(shape > 0, shape, 1.0))
        curve = np.where(shape > 0, np.exp(-np.power(ages / scale, np.where(shape > 0, shape, 1.0))), fixed)
    tracked = np.arange(p.max_age_steps) < (age_steps - 1)[:, None, None]  # the oldest age retires all
    return np.where(tracked, curve, 0.0)


def _ages_first_oldest(curve: np.ndarray, oldest: int) -> np.ndarray:
    """curve (M|1,F,A) at ages ``oldest``, ``oldest - 1`` … (K of them, K = A - 1), as (K,F,M|1)."""
    ages = np.arange(oldest, oldest - (curve.shape[-1] - 1), -1)
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
        if self._end == len(self._buffer):
            self._buffer[: self.k] = self._buffer[self.k:]
            self._end = self.k
        self._buffer[self._end] = installed
        self._end += 1

    def clear(self, which: np.ndarray) -> None:
        """Forget every cohort of the (fleet, member) pairs ``which`` (F,M) (rows outside the window are
        never read again: they are overwritten first)."""
        np.copyto(self.window, 0.0, where=which)


class Fleets:
    """Cohorts of every fleet of every member: the install log and the survival law it is read with."""

    def __init__(self, need: np.ndarray, curve: np.ndarray):
        """Start in steady state: ``need`` (F,M) units in service, renewed at a constant rate."""
        k = curve.shape[-1] - 1
        per_step = need / np.cumsum(curve, axis=-1)[..., -1].T  # Σ S over ages, youngest first (>= S(0) = 1)
        self.log = InstallLog(np.broadcast_to(per_step, (k, *need.shape)))
        self.in_service = need
        self.off = np.zeros(need.shape, dtype=bool)
        self._use(curve)

    def _use(self, curve: np.ndarray) -> None:
        self.curve = curve
        self.weights = _ages_first_oldest(curve, curve.shape[-1] - 1)  # ages K … 1

    def change_law(self, curve: np.ndarray) -> None:
        """Cohorts follow a new survival law from their current age on."""
        k = self.log.k
        old, new = _ages_first_oldest(self.curve, k - 1), _ages_first_oldest(curve, k - 1)  # ages K-1 … 0
        window = self.log.window
        with np.errstate(divide="ignore", invalid="ignore"):
            window *= np.where(new > 0, old / new, 0.0)  # a cohort the new law has retired: 0
        self._use(curve)

    def step(self, need: np.ndarray, off: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Retire, then install what ``need`` (F,M) lacks where the owner is on; (installed, retired) units."""
        switched_off = off & ~self.off
        if switched_off.any():
            self.log.clear(switched_off)
        self.off = off
        carried = carried_over(self.log.window, self.weights)
        retired = np.maximum(self.in_service - carried, 0.0)  # every unit not carried over retired
        installed = np.where(off, 0.0, np.maximum(need - carried, 0.0))
        self.log.append(installed)
        self.in_service = carried + installed
        return installed, retired


def fleet_drivers(p: Params) -> np.ndarray:
    """Row of each fleet's owner (F,) among the drivers of :func:`fleet_need`: generations, layers, devices."""
    offsets = np.cumsum([0, len(p.generations), len(p.layers)])
    return offsets[p.fleet_kind] + p.fleet_owner


def fleet_need(s: State, drivers: np.ndarray, coefficient: np.ndarray) -> np.ndarray:
    """Units needed in each fleet (F,M): per site, per PB/yr of traffic, or per device."""
    owners = np.concatenate([s.sites.T, layer_equipment_driver(s).T, s.device_count.T])  # (G+L+D,M)
    return owners[drivers] * coefficient


def owner_off(s: State, drivers: np.ndarray, always_on: np.ndarray) -> np.ndarray:
    """Whether each fleet's owner is off (F,M): generations can be off, layers and devices (``always_on``) never."""
    return ~np.concatenate([s.active.T, always_on])[drivers]


def equipment_fleets(env, clock: Clock, p: Params, s: State):
    """Install, age, retire and replace every fleet of every member, each step."""
    if not len(p.fleet_kind):
        return  # no equipment: nothing to install (and no age to track)
    drivers, coefficient = fleet_drivers(p), p.fleet_coefficient.T  # (F,), (F,M|1)
    always_on = np.ones((len(p.layers) + len(p.devices), p.members), dtype=bool)
    fleets, version = None, s.lifetime_version
    while True:
        yield clock.tick("fleets")
        need = fleet_need(s, drivers, coefficient)
        if fleets is None:
            fleets, version = Fleets(need, survival(p, s.lifetime)), s.lifetime_version
        elif version != s.lifetime_version:
            fleets.change_law(survival(p, s.lifetime))
            version = s.lifetime_version
        installed, retired = fleets.step(need, owner_off(s, drivers, always_on))
        s.installed, s.retired, s.in_service = installed.T, retired.T, fleets.in_service.T

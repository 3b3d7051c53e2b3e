"""The step clock: explicit stepping on top of simpy, with phases in a fixed order.

Simulation time in the simpy Environment counts *steps* (integers), so that no
float drift moves an event across a step boundary; years are
``start + step * dt``. Each step the clock fires one event per phase, in the
order of ``PHASES``; a process yields ``clock.tick(phase)`` to run in that phase.
Because simpy processes events scheduled for the same instant in the order they
were scheduled, every process of an earlier phase has finished its step before
any process of a later phase starts: the state at a step is computed from the
state of the previous step and the earlier phases of this one, whatever the
order in which processes were created.

Timed interventions (a launch, a switch-off, a policy) use :meth:`Clock.at`: the
clock keeps the events of each step and, at the start of that step, succeeds them
and lets every process they wake run (and any further intervention due the same
step) before it fires the step's phases. Only simpy's public API is used
(``Environment.event``, ``Event.succeed``, ``Environment.timeout``); the order of
events of one instant is simpy's documented FIFO order of scheduling, which
``tests/test_clock.py`` pins.
"""

from __future__ import annotations

import math

import simpy
from simpy.events import ProcessGenerator

#: Phases of a step, in order.
PHASES = ("technology", "demand", "network", "price", "fleets", "impacts", "record")


class Clock:
    """Fires the phases of every step from 0 to ``n_steps`` inclusive."""

    def __init__(self, env: simpy.Environment, start: float, dt: float, n_steps: int):
        self.env, self.start, self.dt, self.n_steps = env, start, dt, n_steps
        self._next = {phase: env.event() for phase in PHASES}
        self._due: dict[int, list[tuple[simpy.Event, float]]] = {}
        self._phases_fired = -1  # the last step whose phases have fired
        env.process(self._run())

    @property
    def step(self) -> int:
        """Index of the current step."""
        return int(self.env.now)

    @property
    def year(self) -> float:
        """Current time in years."""
        return self.start + self.env.now * self.dt

    def step_of(self, year: float) -> int:
        """First step at or after ``year`` (a time between two steps takes effect at the next)."""
        return max(0, math.ceil((year - self.start) / self.dt - 1e-9))

    def tick(self, phase: str) -> simpy.Event:
        """The event that fires when ``phase`` of the next step (or this one, if not yet run) runs."""
        return self._next[phase]

    def at(self, year: float) -> simpy.Event:
        """An event that fires at the step of ``year``, before that step's phases (its value: ``year``).

        A year whose step's phases have already fired takes effect at once, after them."""
        event = self.env.event()
        step = max(self.step_of(year), self.step)
        if step == self.step and self._phases_fired >= step:
            event.succeed(year)
        else:
            self._due.setdefault(step, []).append((event, year))
        return event

    def _run(self) -> ProcessGenerator:
        yield self.env.timeout(0)  # processes started at step 0 register what is due first
        while True:
            while self._due.get(self.step):
                for event, year in self._due.pop(self.step):
                    event.succeed(year)
                yield self.env.timeout(0)  # they run, and may schedule more for this step
            self._phases_fired = self.step
            for phase in PHASES:
                event, self._next[phase] = self._next[phase], self.env.event()
                event.succeed(self.step)
            if self.step >= self.n_steps:
                return
            yield self.env.timeout(1)

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

Timed interventions (a launch, a switch-off, a policy) use :meth:`Clock.at`,
scheduled with urgent priority so that they take effect before the phases of
the step they fall on.
"""

from __future__ import annotations

import math

import simpy
from simpy.core import URGENT

#: Phases of a step, in order.
PHASES = ("technology", "demand", "network", "fleets", "impacts", "record")


class Clock:
    """Fires the phases of every step from 0 to ``n_steps`` inclusive."""

    def __init__(self, env: simpy.Environment, start: float, dt: float, n_steps: int):
        self.env, self.start, self.dt, self.n_steps = env, start, dt, n_steps
        self._next = {phase: env.event() for phase in PHASES}
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
        """An event that fires at the step of ``year``, before that step's phases."""
        event = simpy.Event(self.env)
        event._ok, event._value = True, year
        delay = self.step_of(year) - self.env.now
        self.env.schedule(event, URGENT, max(0, delay))
        return event

    def _run(self):
        yield self.env.timeout(0)  # lets urgent events of step 0 run first
        while True:
            for phase in PHASES:
                event, self._next[phase] = self._next[phase], self.env.event()
                event.succeed(self.step)
            if self.step >= self.n_steps:
                return
            yield self.env.timeout(1)

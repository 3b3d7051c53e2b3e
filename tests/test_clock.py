"""The step clock's order of events, which the model relies on (simulator/model/clock.py): it uses simpy's
public API only, and these tests pin the behaviour of simpy it depends on (pyproject bounds simpy below 5)."""

from __future__ import annotations

import simpy

from simulator.model.clock import PHASES, Clock


def _trace(n_steps: int = 3, start: float = 2000.0, dt: float = 0.25):
    env = simpy.Environment()
    clock = Clock(env, start, dt, n_steps)
    seen: list[tuple[int, str]] = []

    def phase(name):
        while True:
            yield clock.tick(name)
            seen.append((clock.step, name))

    def timed(label, year, then=None):
        value = yield clock.at(year)
        seen.append((clock.step, f"{label}={value:g}"))
        if then is not None:  # a second intervention due the same step, asked for from the first
            value = yield clock.at(then)
            seen.append((clock.step, f"{label}-then={value:g}"))

    for name in reversed(PHASES):  # created in reverse: the clock, not creation order, orders phases
        env.process(phase(name))
    env.process(timed("late", 2000.6))
    env.process(timed("policy", 2000.25, then=2000.25))
    env.process(timed("first", 1990.0))
    env.run()
    return seen


def test_phases_run_in_order_every_step_and_interventions_before_them():
    seen = _trace()
    steps = {k: [name for step, name in seen if step == k] for k in range(4)}
    assert steps[0] == ["first=1990", *PHASES], "a date before the start takes effect at step 0, before its phases"
    assert steps[1] == ["policy=2000.25", "policy-then=2000.25", *PHASES]
    assert steps[2] == [*PHASES]
    assert steps[3] == ["late=2000.6", *PHASES], "a date between two steps takes effect at the next one"


def test_a_date_whose_step_has_run_takes_effect_at_once():
    env = simpy.Environment()
    clock = Clock(env, 2000.0, 1.0, 2)
    seen = []

    def late_asker():
        yield clock.tick("network")
        value = yield clock.at(2000.0)
        seen.append((clock.step, value))

    env.process(late_asker())
    env.run()
    assert seen == [(0, 2000.0)]

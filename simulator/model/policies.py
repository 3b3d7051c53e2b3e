"""Timed policies: each waits for its year, then changes the state of the members it concerns.

Switch-offs change technology, so they do not apply to the frozen counterfactual;
lifetimes, traffic caps, surcharges and grid changes apply to every member (a
surcharge has no effect where the cost index is held, nor where ε = 0).
A traffic scale or grid factor replaces any earlier one for the same target.
Every member of a batch has the same schedule (types, targets, dates); the
value of a policy (a lifetime, a factor, a rate) may differ between members.

``p`` is the batch's :class:`~simulator.model.params.Params` and ``s`` its
:class:`~simulator.model.state.State`, as everywhere in the model.
"""

from __future__ import annotations

import simpy
from simpy.events import ProcessGenerator

from ..errors import UsageError
from ..scenario.schema import CATEGORIES
from .clock import Clock
from .params import Params, ScheduledPolicy
from .state import State


def apply_policy(scheduled: ScheduledPolicy, p: Params, s: State) -> None:
    """Apply one policy to the state, now, with each member's value."""
    policy, value = scheduled.policy, scheduled.value
    if policy.type == "switch_off":
        g = p.generations.index(policy.generation)
        members = ~p.tech_frozen
        s.switch_off[members, g] = s.switch_off[members, g].clip(max=policy.at)
        s.switch_off_version += 1
        return
    if value is None:  # every other policy has a value per member (model.samples.POLICY_VALUE)
        raise UsageError(f"policy {policy.type!r} at {policy.at:g} has no value")
    if policy.type == "lifetime":
        e = p.equipment.index(policy.equipment)
        s.lifetime[:, e] = value
        s.lifetime_new_only[e] = policy.applies_to == "new"
        s.lifetime_version += 1
    elif policy.type == "traffic_scale":
        columns = [p.services.index(n) for n in policy.services or p.services]
        bytes_only = policy.scales == "bytes"
        s.use_scale[:, columns] = 1.0 if bytes_only else value[:, None]
        s.bytes_scale[:, columns] = value[:, None] if bytes_only else 1.0
    elif policy.type == "surcharge":
        s.surcharge[:] = value
    elif policy.type == "grid":
        s.grid_scale[:, list(CATEGORIES).index(policy.category)] = value
    else:  # the schema admits no other type
        raise UsageError(f"unknown policy type {policy.type!r}")


def policy_events(env: simpy.Environment, clock: Clock, p: Params, s: State) -> ProcessGenerator:
    """Apply the scenario's policies in order of time."""
    for scheduled in p.policies:
        yield clock.at(scheduled.policy.at)
        apply_policy(scheduled, p, s)

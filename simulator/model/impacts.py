"""Impacts per category and phase, each step, per year.

* manufacturing — units installed × embodied impact per unit (components included);
* use — electricity of networks, layers and devices × grid factor of the year
  (PUE is already in the layers' energy), scaled by grid policies;
* end of life — units retired × end-of-life impact per unit (e-waste: their mass).
"""

from __future__ import annotations

import numpy as np

from .clock import Clock
from .params import Params
from .state import State


def fleet_to_equipment(p: Params) -> np.ndarray:
    """(F,E) matrix summing fleets into equipment types."""
    onehot = np.zeros((len(p.fleet_equipment), len(p.equipment)))
    onehot[np.arange(len(p.fleet_equipment)), p.fleet_equipment] = 1.0
    return onehot


def impact_accounting(env, clock: Clock, p: Params, s: State):
    """Impacts of the step, per year."""
    made = fleet_to_equipment(p) @ p.embodied / p.dt  # (F,C): per unit/step → per year
    discarded = fleet_to_equipment(p) @ p.end_of_life / p.dt
    while True:
        yield clock.tick("impacts")
        s.manufacturing = s.installed @ made
        s.end_of_life = s.retired @ discarded
        s.use = s.total_energy[:, None] * p.grid[s.step] * s.grid_scale

"""Impacts per category and phase, each step, per year.

* manufacturing — units installed × embodied impact per unit (components included);
* use — electricity of networks, layers and devices × grid factor of the year
  (PUE is already in the layers' energy), scaled by grid policies;
* end of life — units retired × end-of-life impact per unit (e-waste: their mass).

Sums over fleets are elementwise products added fleet after fleet, not matrix
products: BLAS may round a product differently with the number of members,
and a member's results must not depend on the batch it runs in.
"""

from __future__ import annotations

import numpy as np

from .clock import Clock
from .params import Params
from .state import State, sum_in_order


def per_fleet(p: Params, per_equipment: np.ndarray) -> np.ndarray:
    """Impact per unit of each fleet's equipment (F,C,M|1), from that of each equipment type (M|1,E,C)."""
    return np.ascontiguousarray(per_equipment[:, p.fleet_equipment, :].transpose(1, 2, 0))


def per_stream(p: Params, s: State, per_unit: np.ndarray) -> np.ndarray:
    """Impact per unit of count of each stream of cohorts (S,C,M|1): Σ over its fleets of count × impact per
    unit of the fleet's equipment, fleets in order."""
    streams = s.fleet_stream.max(initial=-1) + 1
    out = np.zeros((streams, *per_unit.shape[1:-1], max(per_unit.shape[-1], s.fleet_count.shape[-1])))
    for f, stream in enumerate(s.fleet_stream):
        out[stream] += s.fleet_count[f] * per_unit[f]
    return out


def over_streams(units: np.ndarray, per_unit: np.ndarray) -> np.ndarray:
    """Σ over streams of units (S,M) × impact per unit (S,C,M|1) → (M,C)."""
    return sum_in_order(units[:, None, :], per_unit).T


def impact_accounting(env, clock: Clock, p: Params, s: State):
    """Impacts of the step, per year."""
    made = discarded = None
    while True:
        yield clock.tick("impacts")
        if made is None:  # streams are known once the fleets process has started
            made = per_stream(p, s, per_fleet(p, p.embodied) / p.dt)  # per unit/step → per year
            discarded = per_stream(p, s, per_fleet(p, p.end_of_life) / p.dt)
        if len(made):
            s.manufacturing = over_streams(s.stream_installed, made)
            s.end_of_life = over_streams(s.stream_retired, discarded)
        s.use = s.total_energy[:, None] * p.grid[:, s.step] * s.grid_scale

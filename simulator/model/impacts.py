"""Impacts per category and phase, each step, per year.

* manufacturing — units installed × embodied impact per unit (components included);
* use — electricity of networks, layers and devices × grid factor of the year
  (PUE is already in the layers' energy), scaled by grid policies;
* end of life — units retired × end-of-life impact per unit (e-waste: their mass).

A phase the scenario gives no factor for is computed as 0 here but is *not
assessed*: :func:`not_assessed` says which, and results report them as such.

Sums over fleets are elementwise products added fleet after fleet, not matrix
products: BLAS may round a product differently with the number of members,
and a member's results must not depend on the batch it runs in.

``p`` is the batch's :class:`~simulator.model.params.Params` and ``s`` its
:class:`~simulator.model.state.State`, as everywhere in the model. Shapes: M
members (M|1: one row shared by all), F fleets, Q streams of cohorts (fleets that
share one, :class:`~simulator.model.fleets.Streams`), E equipment types, C impact
categories.
"""

from __future__ import annotations

import numpy as np
import simpy
from simpy.events import ProcessGenerator

from ..scenario.schema import CATEGORIES, END_OF_LIFE, MANUFACTURING, PHASES, USE, GridFactors, Scenario
from .clock import Clock
from .params import Params
from .state import State, sum_in_order


def per_fleet(p: Params, per_equipment: np.ndarray) -> np.ndarray:
    """Impact per unit of each fleet's equipment (F,C,M|1), from that of each equipment type (M|1,E,C)."""
    return np.ascontiguousarray(per_equipment[:, p.fleet_equipment, :].transpose(1, 2, 0))


def per_stream(p: Params, s: State, per_unit: np.ndarray) -> np.ndarray:
    """Impact per unit of count of each stream of cohorts (Q,C,M|1): Σ over its fleets of count × impact per
    unit of the fleet's equipment, fleets in order."""
    streams = s.fleet_stream.max(initial=-1) + 1
    out = np.zeros((streams, *per_unit.shape[1:-1], max(per_unit.shape[-1], s.fleet_count.shape[-1])))
    for f, stream in enumerate(s.fleet_stream):
        out[stream] += s.fleet_count[f] * per_unit[f]
    return out


def over_streams(units: np.ndarray, per_unit: np.ndarray) -> np.ndarray:
    """Σ over streams of units (Q,M) × impact per unit (Q,C,M|1) → (M,C)."""
    return sum_in_order(units[:, None, :], per_unit).T


def energy_abroad(p: Params, layer_energy: np.ndarray, compute_energy: np.ndarray) -> np.ndarray:
    """Electricity used in each region abroad (..., R) in kWh/yr — its layers' and compute workloads' — from
    their energy (..., L) and (..., W): a step's state, or a run's recorded arrays."""
    return np.stack([layer_energy[..., p.layer_region == r].sum(axis=-1)
                     + compute_energy[..., p.workload_region == r].sum(axis=-1) for r in range(len(p.regions))],
                    axis=-1)


def impact_accounting(env: simpy.Environment, clock: Clock, p: Params, s: State) -> ProcessGenerator:
    """Impacts of the step, per year; of which imported: equipment made abroad, electricity used abroad."""
    per_unit: tuple[np.ndarray, ...] | None = None  # made, discarded and made abroad, per stream
    abroad = p.equipment_imported.any()
    making = p.made_kwh.any()  # electricity of manufacturing, at the maker's grid of the step
    while True:
        yield clock.tick("impacts")
        if per_unit is None:  # streams are known once the fleets process has started
            per_unit = (per_stream(p, s, per_fleet(p, p.embodied) / p.dt),  # per unit/step → per year
                        per_stream(p, s, per_fleet(p, p.end_of_life) / p.dt),
                        per_stream(p, s, per_fleet(p, p.embodied * p.equipment_imported[:, None]) / p.dt))
        made, discarded, made_abroad = per_unit
        if len(made):
            s.manufacturing = over_streams(s.stream_installed, made)
            s.end_of_life = over_streams(s.stream_retired, discarded)
            s.imported = over_streams(s.stream_installed, made_abroad) if abroad else s.imported
            if making:
                kwh = p.made_kwh[:, :, None] * p.maker_grid[:, s.step] / p.dt  # (M|1,E,C) per unit/yr
                electricity = over_streams(s.stream_installed, per_stream(p, s, per_fleet(p, kwh)))
                s.manufacturing = s.manufacturing + electricity
                if abroad:
                    s.imported = s.imported + over_streams(s.stream_installed, per_stream(
                        p, s, per_fleet(p, kwh * p.equipment_imported[:, None])))
        if p.regions:
            used_abroad = energy_abroad(p, s.layer_energy, s.compute_energy)  # (M,R)
            s.use = (s.total_energy - used_abroad.sum(axis=1))[:, None] * p.grid[:, s.step] * s.grid_scale
            imported = (used_abroad[:, :, None] * p.region_grid[:, s.step]).sum(axis=1)  # (M,C)
            s.use = s.use + imported
            s.imported = (s.imported if abroad else 0.0) + imported
        else:
            s.use = s.total_energy[:, None] * p.grid[:, s.step] * s.grid_scale


#: Phases of a category that are zero by construction, whatever the scenario: electricity
#: makes no e-waste in this model, so the use phase of e-waste is a real 0, not a gap.
ZERO_BY_CONSTRUCTION: dict[str, tuple[str, ...]] = {"e_waste": (USE,)}


def used_equipment(scenario: Scenario) -> list[str]:
    """Equipment types the networks and devices of ``scenario`` use, their components (at any depth)
    included, in the order of ``scenario.equipment``."""
    used = {e for g in scenario.generations.values() for e in g.equipment}
    used |= {e for layer in scenario.layers.values() for e in layer.equipment}
    used |= {d.equipment for d in scenario.devices.values()}
    used |= {e for w in scenario.compute.every.values() for e in w.equipment}
    todo = list(used)
    while todo:
        item = scenario.equipment.get(todo.pop())
        for part in item.components if item is not None else ():
            if part not in used:
                used.add(part)
                todo.append(part)
    return [e for e in scenario.equipment if e in used]


def not_assessed(scenario: Scenario) -> dict[str, dict[str, str]]:
    """Phases of each impact category that ``scenario`` gives no factor for: category → phase → why.

    "Not assessed" is not zero. A phase is not assessed when nothing in the
    scenario gives a factor for it at all:

    * manufacturing — no equipment used (components included) sets ``embodied.<category>``;
    * end of life — none sets ``end_of_life.<category>`` (for e-waste, none sets it nor a ``mass``);
    * use — ``grid.<category>`` is not set (primary energy has a default, 3.6 MJ/kWh, so is always
      assessed; e-waste's use phase is zero by construction, :data:`ZERO_BY_CONSTRUCTION`).

    A factor written as 0, for any one contributor, makes the phase assessed: then the 0 is real,
    and contributors without a factor count for 0 beside it (``Impacts``: missing = 0). The model
    still computes a phase not assessed as 0 (nothing else would change); results report it as
    NaN, "not assessed", never as a zero. Categories with every phase assessed are left out.
    """
    equipment = [scenario.equipment[e] for e in used_equipment(scenario)]
    grid_set = scenario.grid.model_fields_set
    out: dict[str, dict[str, str]] = {}
    for cat in CATEGORIES:
        missing: dict[str, str] = {}
        made_with_electricity = any(item.manufacturing_electricity > 0 for item in equipment) and any(
            cat in grid.model_fields_set for grid in (scenario.grid, *scenario.regions.values()))
        if not any(cat in item.embodied.model_fields_set for item in equipment) and not made_with_electricity:
            missing[MANUFACTURING] = (f"no equipment sets embodied.{cat}" if equipment
                                      else "the scenario has no equipment")
        grid_factor = GridFactors.model_fields.get(cat)
        if grid_factor is not None and grid_factor.default == 0.0 and cat not in grid_set:
            missing[USE] = f"grid.{cat} is not set"
        eol_set = [item.end_of_life is not None and cat in item.end_of_life.model_fields_set
                   or (cat == "e_waste" and "mass" in item.model_fields_set) for item in equipment]
        if not any(eol_set):
            what = f"end_of_life.{cat} or mass" if cat == "e_waste" else f"end_of_life.{cat}"
            missing[END_OF_LIFE] = (f"no equipment sets {what}" if equipment
                                    else "the scenario has no equipment")
        if missing:
            out[cat] = {ph: missing[ph] for ph in PHASES if ph in missing}
    return out


def wholly_not_assessed(category: str, missing: dict[str, str]) -> bool:
    """True when no phase of ``category`` is assessed (those zero by construction do not count)."""
    return all(ph in missing or ph in ZERO_BY_CONSTRUCTION.get(category, ()) for ph in PHASES)

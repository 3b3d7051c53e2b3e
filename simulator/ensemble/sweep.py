"""Parameter sweeps: a full grid of one or more parameters, and the Jevons map.

``sweep(scenario, ["PATH=LO:HI:N", ...])`` runs every combination of the grid
(each point with its counterfactuals) and tabulates, per point, cumulative
energy, climate change and traffic, the cumulative rebound R, R at the final
year and ``induced``. With two parameters the table is the *Jevons map*: where
R > 1, efficiency backfires.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..results import backfires
from ..scenario.schema import Scenario
from .runner import Ensemble, run_members
from .sampling import Parameter, full_grid, grid_parameters

#: Columns of the grid table besides the parameters, with their units.
GRID_COLUMNS = {
    "energy_cumulative": "kWh", "climate_change_cumulative": "kg CO2e", "traffic_cumulative": "GB",
    "rebound_cumulative": "1", "rebound_final": "1", "induced": "1", "backfire": "",
}


@dataclass
class Sweep:
    """A grid and the ensemble of its points (last parameter varying fastest)."""

    parameters: list[Parameter]
    axes: list[np.ndarray]
    ensemble: Ensemble

    def table(self) -> pd.DataFrame:
        """One row per grid point; parameter columns are named by their key (see ``units``)."""
        e = self.ensemble
        frame = pd.DataFrame({p.key: e.values[:, k] for k, p in enumerate(self.parameters)})
        energy = e.cumulative(e.energy)
        frame["energy_cumulative"] = energy[:, 0]
        frame["climate_change_cumulative"] = e.cumulative(e.climate_change)[:, 0]
        frame["traffic_cumulative"] = e.cumulative(e.traffic)
        frame["rebound_cumulative"] = e.cumulative_rebound("energy")
        frame["rebound_final"] = e.rebound("energy")[:, -1]
        frame["induced"] = e.induced("energy")
        frame["backfire"] = backfires(frame["rebound_cumulative"].to_numpy())
        return frame

    def units(self) -> dict[str, str]:
        """Unit of every column of :meth:`table`."""
        return {**{p.key: p.unit for p in self.parameters}, **GRID_COLUMNS}

    def summary(self) -> dict[str, Any]:
        table = self.table()
        return {
            "scenario": self.ensemble.scenario.name, "points": len(table),
            "grid": [{"key": p.key, "unit": p.unit, "nominal": p.nominal, "values": a.tolist()}
                     for p, a in zip(self.parameters, self.axes, strict=True)],
            "columns": self.units(),
            "backfire_points": int(table["backfire"].sum()),
            "notes": ["rebound is energy's: R = 1 - (F - A)/(F - E) over the horizon (cumulative) and at "
                      "time.end (final); backfire where cumulative R > 1"],
        }


def sweep(scenario: Scenario, specs: list[str], **run: Any) -> Sweep:
    """Run the full grid of ``PATH=LO:HI:N`` specs; ``run`` goes to :func:`~.runner.run_members`."""
    parameters, axes = grid_parameters(scenario, specs)
    ensemble = run_members(scenario, parameters, full_grid(axes), **run)
    return Sweep(parameters, axes, ensemble)

"""Parameter sweeps: a full grid of one or more parameters, and the Jevons map.

``sweep(scenario, ["PATH=LO:HI:N", ...], measure=...)`` runs every combination of the grid
(each point with the counterfactuals of the measure, :mod:`.measures`) and tabulates, per
point, cumulative energy, climate change and traffic, ``induced`` and the value of the
measure. With two parameters the table is the *Jevons map*: for a rebound measure, where
R > 1 efficiency backfires.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Unpack

import numpy as np
import pandas as pd

from ..engine import simulate
from ..rebound import backfires, verdict
from ..scenario.schema import Scenario
from .measures import Measure, choose_measure
from .runner import Ensemble, RunOptions, run_members
from .sampling import Parameter, full_grid, grid_parameters, scenario_of

#: Columns of the grid table besides the parameters and the measure's, with their units.
GRID_COLUMNS = {"energy_cumulative": "kWh", "climate_change_cumulative": "kg CO2e", "traffic_cumulative": "GB",
                "induced_energy": "1"}


@dataclass
class Sweep:
    """A grid and the ensemble of its points (last parameter varying fastest), with the measure."""

    parameters: list[Parameter]
    axes: list[np.ndarray]
    ensemble: Ensemble
    measure: Measure
    scenario_verdict: dict[str, Any]  # the one verdict of the scenario as written (rebound.verdict)

    @property
    def value_column(self) -> str:
        """The column of the measure's value (the Jevons map's colours)."""
        return self.measure.column("energy")

    def table(self) -> pd.DataFrame:
        """One row per grid point; parameter columns are named by their key (see ``units``). For a
        measure over the horizon, ``<column>_final`` is its series at ``time.end``; for a rebound
        measure, ``backfire`` says whether R > 1."""
        e, m = self.ensemble, self.measure
        frame = pd.DataFrame({p.key: e.values[:, k] for k, p in enumerate(self.parameters)})
        frame["energy_cumulative"] = e.cumulative(e.variant("energy", "actual"))
        frame["climate_change_cumulative"] = e.cumulative(e.variant("climate_change", "actual"))
        frame["traffic_cumulative"] = e.cumulative(e.traffic)
        frame["induced_energy"] = Measure("induced", m.window, m.start, m.end).values(e)
        frame[self.value_column] = m.values(e)
        if m.cumulative:
            frame[f"{self.value_column}_final"] = m.series(e)[:, -1]
        if m.is_rebound:
            frame["backfire"] = backfires(frame[self.value_column].to_numpy())
        return frame

    def units(self) -> dict[str, str]:
        """Unit of every column of :meth:`table`."""
        units = {**{p.key: p.unit for p in self.parameters}, **GRID_COLUMNS, self.value_column: "1"}
        if self.measure.cumulative:
            units[f"{self.value_column}_final"] = "1"
        if self.measure.is_rebound:
            units["backfire"] = ""
        return units

    def summary(self) -> dict[str, Any]:
        table = self.table()
        m = self.measure
        out = {
            "scenario": self.ensemble.scenario.name, "points": len(table),
            "measure": m.name, "measure_label": m.label,
            "grid": [{"key": p.key, "unit": p.unit, "nominal": p.nominal, "values": a.tolist()}
                     for p, a in zip(self.parameters, self.axes, strict=True)],
            "columns": self.units(),
            "verdict_of_the_scenario": self.scenario_verdict,
        }
        if m.is_rebound:
            out["backfire_points"] = int(table["backfire"].sum())
            final = f"; {self.value_column}_final: its R(t) at time.end" if m.cumulative else ""
            out["notes"] = [f"{self.value_column}: {m.label}{final}; backfire where it is above 1"]
        else:
            out["notes"] = [f"{self.value_column}: {m.label}; {self.value_column}_final: (A − E)/E at time.end; "
                            "not a rebound, so no backfire"]
        return out


def sweep(scenario: Scenario | str | os.PathLike[str], specs: Sequence[str], *, measure: str | Measure | None = None,
          overrides: Sequence[str] = (), **run: Unpack[RunOptions]) -> Sweep:
    """Run the full grid of ``PATH=LO:HI:N`` specs; ``scenario``, ``overrides`` and ``measure`` as for
    :func:`~.montecarlo.monte_carlo`; ``run`` goes to :func:`~.runner.run_members`."""
    scenario = scenario_of(scenario, overrides)
    parameters, axes = grid_parameters(scenario, list(specs))
    chosen = measure if isinstance(measure, Measure) else choose_measure(scenario, measure)
    ensemble = run_members(scenario, parameters, full_grid(axes), variants=chosen.variants, **run)
    return Sweep(parameters, axes, ensemble, chosen, verdict(simulate(scenario)))

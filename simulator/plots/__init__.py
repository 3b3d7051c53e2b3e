"""Figures of a run: ``plot_x(results, ax=None) -> Axes``, and writing them all to files.

Plots read :class:`~simulator.results.Results` only; they never recompute the
model. ``FIGURES`` maps each stable file stem to its function; ``save_all``
writes them as ``<stem>.png`` (or ``.svg``, ``.pdf``).
"""

from .figures import (
    FIGURES,
    FORMATS,
    graph_layers,
    plot_energy_by_generation,
    plot_equipment_manufactured,
    plot_graph,
    plot_impacts,
    plot_indexed,
    plot_rebound,
    plot_sites,
    save_all,
    save_figure,
    save_graph,
)
from .style import Scale, add_source, generation_colours, scale_for

__all__ = [
    "FIGURES",
    "FORMATS",
    "Scale",
    "add_source",
    "generation_colours",
    "graph_layers",
    "plot_energy_by_generation",
    "plot_equipment_manufactured",
    "plot_graph",
    "plot_impacts",
    "plot_indexed",
    "plot_rebound",
    "plot_sites",
    "save_all",
    "save_figure",
    "save_graph",
    "scale_for",
]

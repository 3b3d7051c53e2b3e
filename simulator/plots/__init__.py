"""Figures of a run and of a comparison: ``plot_x(results, ax=None, lang="en") -> Axes``, and
writing them all to files.

Plots read :class:`~simulator.results.Results` (or a
:class:`~simulator.compare.Comparison`) only; they never recompute the model.
``FIGURES`` maps each stable file stem of a run's figures to its function,
``COMPARISON_FIGURES`` those of a comparison; ``save_all`` and ``save_comparison``
write them as ``<stem>.png`` (or ``.svg``, ``.pdf``), in English or French (``lang``).

Modules: ``figures`` (a run's), ``analysis`` (contributions, validation), ``measures``
(decomposition, innovations), ``parts`` (by part of the digital sector), ``comparison``,
``dependency_graph``; the figures of ensembles, drawn from their tables: ``fan`` (Monte Carlo
bands), ``sweeps`` (sweep lines, the Jevons map), ``sensitivity``, with what they share in
``ensemble_common`` (the measure's words, the source line) and ``rebound_axis``; ``output`` writes
them all to files.
"""

from ..display.i18n import LANGUAGES
from ..display.style import Scale, generation_colours, scale_for, source_date, source_text
from .analysis import (
    contribution_shares,
    observed_and_simulated,
    plot_contributions,
    plot_validation,
)
from .comparison import (
    COMPARISON_FIGURES,
    climate_by_phase,
    plot_compare_climate,
    plot_compare_climate_over_time,
    plot_compare_energy,
    plot_compare_rebound,
    plot_compare_sites,
    plot_compare_traffic,
)
from .dependency_graph import graph_layers, plot_graph
from .figures import (
    plot_energy_by_generation,
    plot_equipment_manufactured,
    plot_impacts,
    plot_indexed,
    plot_rebound,
    plot_sites,
    rebound_callout,
)
from .measures import plot_decomposition, plot_innovations
from .output import (
    FIGURES,
    FORMATS,
    figures_for,
    save_all,
    save_comparison,
    save_figure,
    save_graph,
)
from .parts import plot_parts
from .style import add_source

__all__ = [
    "COMPARISON_FIGURES",
    "FIGURES",
    "FORMATS",
    "LANGUAGES",
    "Scale",
    "add_source",
    "climate_by_phase",
    "contribution_shares",
    "figures_for",
    "generation_colours",
    "graph_layers",
    "rebound_callout",
    "observed_and_simulated",
    "plot_compare_climate",
    "plot_compare_climate_over_time",
    "plot_compare_energy",
    "plot_compare_rebound",
    "plot_compare_sites",
    "plot_compare_traffic",
    "plot_contributions",
    "plot_decomposition",
    "plot_innovations",
    "plot_energy_by_generation",
    "plot_equipment_manufactured",
    "plot_graph",
    "plot_impacts",
    "plot_indexed",
    "plot_parts",
    "plot_rebound",
    "plot_sites",
    "plot_validation",
    "save_all",
    "save_comparison",
    "save_figure",
    "save_graph",
    "scale_for",
    "source_date",
    "source_text",
]

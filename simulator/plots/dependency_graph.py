"""The figure of a scenario's dependency graph (:func:`plot_graph`): nodes in layers in the order the
requirements flow (users → services → traffic → generations, layers and devices → equipment →
electricity → impacts), coloured by kind. The graph itself is built by :mod:`simulator.graph`.
"""

from __future__ import annotations

import textwrap
from typing import Any

import networkx as nx
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from ..display.i18n import data_name, date_text, tr
from ..display.names import KINDS, display_name, readable_name, scenario_title
from ..display.style import KIND_COLOURS, source_date, source_text
from ..scenario.schema import Scenario
from ..version import __version__
from .style import FIGSIZE_GRAPH, add_source_text, own_axes, place_legend, root_figure, with_style

#: Rank of each node kind, top to bottom; equipment made of equipment goes one rank lower.
KIND_RANK = {"driver": 0, "service": 1, "flow": 2, "generation": 3, "layer": 3, "device": 3,
             "equipment": 4, "energy": 5, "impact": 6}
#: Kinds drawn in the row of another kind: electricity sits beside the equipment, as both
#: feed the impacts (in a row of its own, every manufacturing edge would cross it).
KIND_ROW = {"energy": "equipment"}


def graph_layers(graph: nx.DiGraph) -> dict[str, int]:
    """Layer of every node: its kind's rank, components of equipment below what they go into."""
    depth: dict[str, int] = {}
    for n in nx.topological_sort(graph):
        if graph.nodes[n].get("kind") == "equipment":
            parents = [depth[p] + 1 for p in graph.predecessors(n) if p in depth]
            depth[n] = max(parents, default=0)
    extra = max(depth.values(), default=0)
    layers = {}
    for n, data in graph.nodes(data=True):
        kind = data.get("kind", "")
        rank = KIND_RANK.get(KIND_ROW.get(kind, kind), len(KIND_RANK))
        layers[n] = rank + depth.get(n, 0) + (extra if rank > KIND_RANK["equipment"] else 0)
    return layers


#: Kinds placed by their own order (not by their parents), in this order within a row.
_FIXED_ORDER = ("generation", "layer", "device")
#: Kinds placed at the right end of their row.
_AT_END = ("energy",)


def _ordered(graph: nx.DiGraph, layers: dict[str, int], scenario: Scenario | None) -> list[str]:
    """Nodes layer by layer. Generations (by launch), layers and devices keep a fixed order;
    other nodes follow the mean position of their parents (fewer crossings)."""
    launch = {g: item.launch for g, item in scenario.generations.items()} if scenario else {}
    position: dict[str, float] = {}
    ordered: list[str] = []
    for layer in sorted(set(layers.values())):
        found = [n for n in graph if layers[n] == layer]
        rank = {n: i for i, n in enumerate(found)}

        def key(n: str, rank: dict[str, int] = rank) -> tuple[float, float, float, int]:
            kind = graph.nodes[n].get("kind", "")
            if kind in _FIXED_ORDER:
                label = graph.nodes[n].get("label", n)
                return (0.0, _FIXED_ORDER.index(kind), launch.get(label, 0.0), rank[n])
            parents = [position[p] for p in graph.predecessors(n) if p in position]
            centre = sum(parents) / len(parents) if parents else 0.0
            return (1.0 if kind in _AT_END else 0.0, 0.0, centre, rank[n])

        members = sorted(found, key=key)
        for i, n in enumerate(members):
            position[n] = (i + 0.5) / len(members)
        ordered.extend(members)
    return ordered


@with_style
def plot_graph(graph: nx.DiGraph, ax: Axes | None = None, scenario: Scenario | None = None,
               lang: str = "en") -> Axes:
    """The dependency graph in layers (users → services → traffic → generations, layers and
    devices → equipment → electricity → impacts), nodes coloured by kind."""
    layers = graph_layers(graph)
    rows: dict[int, list[str]] = {}
    for n in _ordered(graph, layers, scenario):
        rows.setdefault(layers[n], []).append(n)
    labels = {n: "\n".join(textwrap.wrap(_node_label(n, d, lang, scenario), 13)) or n
              for n, d in graph.nodes(data=True)}
    # Widen the figure for crowded rows: about 0.075 in per character, 0.35 in per box.
    widest = max((sum(0.075 * max(map(len, labels[n].split("\n"))) + 0.35 for n in row)
                  for row in rows.values()), default=0.0)
    ax, owned = own_axes(ax, (max(FIGSIZE_GRAPH[0], 1.1 * widest), FIGSIZE_GRAPH[1]))
    # A dict of lists (not a node attribute) keeps the order within each row.
    pos = nx.multipartite_layout(graph, subset_key=rows, align="horizontal")
    top = max(layers.values(), default=0)
    pos = {n: (float(x), float(-y) if top else 0.0) for n, (x, y) in pos.items()}
    heights = sorted({y for _, y in pos.values()})
    if len(heights) > 1 and pos[rows[min(rows)][0]][1] < heights[-1]:
        pos = {n: (x, -y) for n, (x, y) in pos.items()}  # first layer at the top
    texts = {}
    for n, data in graph.nodes(data=True):
        kind = data.get("kind", "")
        box = {"boxstyle": "round,pad=0.35", "facecolor": KIND_COLOURS.get(kind, "#FFFFFF"),
               "edgecolor": "#444444", "linewidth": 0.6}
        texts[n] = ax.text(pos[n][0], pos[n][1], labels[n], ha="center", va="center",
                           fontsize=9, zorder=4, bbox=box)
    # Half the width of each box in layout units (about 0.075 in per character, 0.35 in per box).
    xs = [x for x, _ in pos.values()]
    per_inch = (max(xs) - min(xs) or 1.0) / (0.85 * root_figure(ax).get_figwidth())
    half = {n: per_inch * (0.0375 * max(map(len, labels[n].split("\n"))) + 0.2) for n in pos}
    for u, v in graph.edges():
        # An edge that would run behind a box of a row in between bends round it.
        bend = 0.0
        for n in pos:
            if min(layers[u], layers[v]) < layers[n] < max(layers[u], layers[v]):
                (xu, yu), (xv, yv), (xn, yn) = pos[u], pos[v], pos[n]
                crossing = xu + (xv - xu) * (yn - yu) / (yv - yu)
                if abs(crossing - xn) < half[n]:
                    bend = -0.3 if xv >= xu else 0.3
                    break
        ax.annotate("", xy=pos[v], xytext=pos[u], zorder=3,
                    arrowprops={"arrowstyle": "-|>", "color": "#7A7A7A", "linewidth": 0.8,
                                "connectionstyle": f"arc3,rad={bend}",
                                "mutation_scale": 9, "shrinkA": 1, "shrinkB": 1,
                                "patchA": texts[u].get_bbox_patch(),
                                "patchB": texts[v].get_bbox_patch()})
    ys = [y for _, y in pos.values()]
    if xs:
        width, height = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
        ax.set_xlim(min(xs) - 0.12 * width, max(xs) + 0.12 * width)
        ax.set_ylim(min(ys) - 0.06 * height, max(ys) + 0.06 * height)
    ax.set_axis_off()
    name = graph.graph.get("name", scenario.name if scenario else "")
    ax.set_title(tr("Dependency graph of scenario '{name}'", lang,
                    name=scenario_title(scenario, lang) if scenario is not None else readable_name(name)))
    kinds = [k for k in KIND_COLOURS if any(d.get("kind") == k for _, d in graph.nodes(data=True))]
    handles = [Patch(facecolor=KIND_COLOURS[k], edgecolor="#444444", linewidth=0.6) for k in kinds]
    place_legend(ax, owned, handles, [tr(k, lang) for k in kinds], ncol=5)
    if owned:
        if scenario is not None:
            text = source_text(scenario, __version__, "dependency graph", lang)
        else:
            text = tr("Source: jevons {version} dependency graph, scenario '{name}', {date}", lang,
                      version=__version__, name=name, date=date_text(source_date(), lang))
        add_source_text(root_figure(ax), text)
    return ax


#: Node kinds whose label is one of our words (translated), not a name from the scenario.
_WORD_KINDS = ("driver", "flow", "energy", "impact")


def _node_label(node: str, data: dict[str, Any], lang: str, scenario: Scenario | None = None) -> str:
    """A node as people read it: our words translated, an entity by its label in ``scenario`` (or its readable key)."""
    label = str(data.get("label", node))
    kind = data.get("kind")
    if kind in _WORD_KINDS:
        return tr(label, lang)
    return display_name(scenario, kind, label, lang) if kind in KINDS else data_name(label, lang)


__all__ = ["KIND_RANK", "KIND_ROW", "graph_layers", "plot_graph"]

"""The figure of a scenario's dependency graph (:func:`plot_graph`): nodes in layers in the order the
requirements flow (users → services → traffic → generations, layers and devices → equipment →
electricity → impacts), coloured by kind. The graph itself is built by :mod:`simulator.graph`.
"""

from __future__ import annotations

import textwrap
from typing import Any

import networkx as nx
from matplotlib.axes import Axes
from matplotlib.patches import FancyBboxPatch, Patch

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


#: Above this many nodes the graph is drawn grouped by part (:func:`_grouped`): one column per part of the
#: digital sector, rows wrapped, the impact categories as one box.
GROUPED_ABOVE = 30
#: Boxes a row of one part's column holds before it wraps.
PER_ROW = 5
_PART_OF_KIND = {"generation": "networks", "device": "devices", "workload": "data_centres"}
_PART_TITLES = {"devices": "Devices", "networks": "Networks", "data_centres": "Data centres"}


def _collapsed_impacts(graph: nx.DiGraph) -> nx.DiGraph:
    """A copy of ``graph`` whose impact categories are one node (edges from equipment and electricity)."""
    g = graph.copy()
    impacts = [n for n, d in graph.nodes(data=True) if d.get("kind") == "impact"]
    if not impacts:
        return g
    sources = {u for n in impacts for u in graph.predecessors(n)}
    g.remove_nodes_from(impacts)
    g.add_node("impacts", kind="impact", label=f"impacts ({len(impacts)} categories)")
    g.add_edges_from((u, "impacts") for u in sources)
    return g


def _part_of(graph: nx.DiGraph, n: str, scenario: Scenario | None) -> str | None:
    """The part of the digital sector a node is drawn in: its own for owners; an equipment's, that of the
    first owner holding it (through components); a flow's, networks; others none (full width)."""
    kind = graph.nodes[n].get("kind")
    if kind in _PART_OF_KIND:
        return _PART_OF_KIND[kind]
    if kind == "layer":
        label = graph.nodes[n].get("label", "")
        return scenario.layers[label].part if scenario is not None and label in scenario.layers else "networks"
    if kind == "flow":
        return "networks"
    if kind == "equipment":  # its direct owners' part, else (a component) that of what it goes into
        parents = sorted(graph.predecessors(n))
        for owner in parents:
            if graph.nodes[owner].get("kind") != "equipment":
                return _part_of(graph, owner, scenario)
        for owner in parents:
            return _part_of(graph, owner, scenario)
    return None


def _grouped(graph: nx.DiGraph, scenario: Scenario | None
             ) -> tuple[dict[str, tuple[float, float]], dict[str, int], list[tuple[str, float, float]]]:
    """Positions of a large graph: users, services, then one column per part (flows, owners, equipment,
    rows of at most :data:`PER_ROW` boxes), then electricity and impacts; the row of every node; and
    each part's column (part, left, right) for its heading."""
    layers = graph_layers(graph)
    order = _ordered(graph, layers, scenario)
    parts = [p for p in ("devices", "networks", "data_centres")
             if any(_part_of(graph, n, scenario) == p for n in graph)]
    width = {p: max(PER_ROW, 1) for p in parts}
    left, columns = 0.0, []
    for p in parts:
        columns.append((p, left, left + width[p]))
        left += width[p] + 1.0
    total = left - 1.0
    pos: dict[str, tuple[float, float]] = {}
    row_of: dict[str, int] = {}
    row = 0
    for kind in ("driver", "service"):
        members = [n for n in order if graph.nodes[n].get("kind") == kind]
        for i, n in enumerate(members):
            pos[n], row_of[n] = (total * (i + 0.5) / len(members), -row), row
        row += 1
    band_top = row
    deepest = row
    for p, x0, x1 in columns:
        r = band_top
        for kinds in (("flow",), ("generation", "layer", "device", "workload"), ("equipment",)):
            members = [n for n in order if graph.nodes[n].get("kind") in kinds and _part_of(graph, n, scenario) == p]
            for k in range(0, len(members), PER_ROW):
                chunk = members[k:k + PER_ROW]
                for i, n in enumerate(chunk):
                    pos[n], row_of[n] = (x0 + (x1 - x0) * (i + 0.5) / len(chunk), -r), r
                r += 1
        deepest = max(deepest, r)
    rest = [n for n in order if n not in pos]
    for i, n in enumerate(rest):
        pos[n], row_of[n] = (total * (i + 0.5) / len(rest), -deepest), deepest
    return pos, row_of, columns


@with_style
def plot_graph(graph: nx.DiGraph, ax: Axes | None = None, scenario: Scenario | None = None,
               lang: str = "en") -> Axes:
    """The dependency graph in layers (users → services → traffic → generations, layers and
    devices → equipment → electricity → impacts), nodes coloured by kind; above :data:`GROUPED_ABOVE`
    nodes, grouped by part of the digital sector (:func:`_grouped`)."""
    grouped = len(graph) > GROUPED_ABOVE
    if grouped:
        graph = _collapsed_impacts(graph)
    labels = {n: "\n".join(textwrap.wrap(_node_label(n, d, lang, scenario), 13)) or n
              for n, d in graph.nodes(data=True)}
    columns: list[tuple[str, float, float]] = []
    if grouped:
        pos, layers, columns = _grouped(graph, scenario)
        rows_count = max(layers.values(), default=0) + 1
        ax, owned = own_axes(ax, (max(FIGSIZE_GRAPH[0], 1.05 * (len(columns) * (PER_ROW + 1))),
                                  max(FIGSIZE_GRAPH[1], 0.85 * rows_count + 1.5)))
    else:
        layers = graph_layers(graph)
        rows: dict[int, list[str]] = {}
        for n in _ordered(graph, layers, scenario):
            rows.setdefault(layers[n], []).append(n)
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
    for part, x0, x1 in columns:  # grouped: a frame and a heading per part
        inside = [y for n, (x, y) in pos.items() if _part_of(graph, n, scenario) == part]
        upper, lower = max(inside) + 0.75, min(inside) - 0.5
        ax.add_patch(FancyBboxPatch((x0 - 0.3, lower), x1 - x0 + 0.6, upper - lower, zorder=1,
                                    boxstyle="round,pad=0.05", facecolor="#F4F4F4", edgecolor="#CCCCCC"))
        ax.text((x0 + x1) / 2, upper - 0.08, tr(_PART_TITLES[part], lang), ha="center", va="top",
                fontsize=10, fontweight="bold", color="#555555", zorder=2)
    if xs:
        if columns:  # the frames of the parts reach past their boxes
            xs = [*xs, columns[0][1] - 0.4, columns[-1][2] + 0.4]
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

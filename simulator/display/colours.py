"""One colour per entity, from its name and kind, never from the order of the YAML file; and no two
entities of one figure alike. Shared by the matplotlib figures and the live page (both draw the hex
strings of :func:`figure_colours`).

A figure (or the live page's chart) calls :func:`figure_colours` once with the entities it colours,
``(kind, name)`` pairs, all its panels together, and gets one :class:`Swatch` (colour, hatch, line
style) per name, no two alike. The figures of a run and its live page pass all the entities of the
run (:func:`run_colours`), so that a name has one colour in all of them. The rule:

1. **Fixed colours** (:data:`FIXED_COLOURS`): well-known names keep theirs, 2G…6G (and GSM, UMTS,
   LTE, NR), FTTH, DSL, cable, smartphone, TV, laptop, video... Names are compared in lower case,
   ``-`` and spaces read as ``_``. Two of them with the same colour in one figure (4G and LTE): the
   first in :data:`KIND_ORDER`, then in alphabetical order, keeps it, the other is placed as below.
2. **Preferred colour**: any other name has one, picked in the colour-blind-safe :data:`PALETTE`
   (Paul Tol's "muted" and the Okabe–Ito colours, Okabe & Ito 2008) by a hash of its name (BLAKE2,
   stable across runs and machines, unlike Python's ``hash``); layers in the greys of
   :data:`LAYER_PALETTE`, hatched. A name keeps its preferred colour when no fixed name of the
   figure has it and no name before it in alphabetical order prefers it: a name alone in its slot
   has the same colour in every figure.
3. **Collisions**: the names left, one by one in alphabetical order (so the result does not depend
   on the order they are given in), take the free colour of :data:`PALETTE` farthest (ΔE*ab) from
   the colours already taken, those of their own :data:`GROUPS` first; once it is full, of
   :data:`EXTRA_PALETTE` (matplotlib's tab20, tab20b and tab20c without the greys and the colours
   too close to another). Ties go to the first from the slot of their hash.
4. **Past both palettes** (36 colours; 6 greys for layers) the colours come round again with a
   hatch (:data:`HATCHES`) and a line style (:data:`LINESTYLES`), so that (colour, hatch, line
   style) stays unique.

The same name has the same preferred colour whatever its kind (the smartphone device and the
smartphone equipment in one figure are one thing to the reader: one colour). The figures of a run
and the live page pass every entity of the run (:func:`run_entities`), not only those they draw:
then a name has one colour in all of them, and any subset drawn together is told apart.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import math
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from ..results import Results
    from ..scenario.schema import Scenario

#: Colour-blind-safe colours for names without a fixed one: Paul Tol "muted", then the Okabe–Ito colours;
#: without the yellow and the sand, kept for the smartphone and the laptop (too pale beside each other), and
#: without the vermillion, the colour of energy and of the actual run in the figures (:data:`ITEM_COLOURS`).
PALETTE = ("#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#CC6677", "#882255", "#AA4499",
           "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#CC79A7")
#: Where :data:`PALETTE` runs out in a figure: matplotlib's tab20, tab20b and tab20c in their order, without
#: the greys and without each colour closer than ΔE00 9 (CIEDE2000; the closest two of :data:`PALETTE` are 8
#: apart) or ΔE*ab 12 to one of :data:`PALETTE`, the fixed colours, :data:`LAYER_PALETTE`, :data:`ITEM_COLOURS` or a
#: colour kept before it.
EXTRA_PALETTE = ("#AEC7E8", "#FF7F0E", "#FFBB78", "#2CA02C", "#98DF8A", "#D62728", "#FF9896", "#9467BD",
                 "#8C564B", "#C49C94", "#F7B6D2", "#BCBD22", "#17BECF", "#5254A3", "#6B6ECF", "#9C9EDE",
                 "#637939", "#B5CF6B", "#8C6D31", "#BD9E39", "#7B4173", "#DE9ED6", "#C7E9C0")
#: Items drawn beside the entities that are none: their colours are in none of the palettes, so no entity
#: takes one. The electricity of the use phase in the energy colour; the devices' use tied to no service
#: pale yellow (not the smartphone's); the compute jobs of data centres in the workloads' lavender of the
#: dependency graph; the small items together and what is not attributed in the lightest greys.
ITEM_COLOURS = {"electricity": "#D55E00", "devices": "#FFF3B0", "compute": "#B3A2C7", "others": "#E0E0E0",
                "not attributed": "#FFFFFF"}
#: Greys for layers (core, transport, data centres), hatched where they are stacked.
LAYER_PALETTE = ("#8C8C8C", "#B4B4B4", "#6E6E6E", "#CFCFCF", "#5A5A5A", "#A0A0A0")
#: Hatch (matplotlib's; Plotly's pattern is its first character) of each round of the palettes: none the
#: first time, then these. Layers are always hatched, first ``//``.
HATCHES: tuple[str | None, ...] = (None, "..", "xx", "++", "||")
LAYER_HATCHES = ("//", "\\\\", "xx", "..", "++")
#: Line style of each round of the palettes, for the figures that draw lines.
LINESTYLES = ("-", "--", "-.", ":")
#: Kinds usually drawn side by side (one panel, one legend): a name moved off its preferred colour takes the
#: free colour farthest from those of its group, the colours of other groups counting as :data:`OTHER_GROUP`
#: (ΔE*ab) farther than they are, and those of ``avoid`` as of every group.
GROUPS = {"generation": "network", "layer": "network", "device": "device", "equipment": "device"}
OTHER_GROUP = 15.0
#: Which kind keeps a fixed colour two names of a figure share (then alphabetical order).
KIND_ORDER = ("generation", "layer", "service", "device", "equipment", "workload")

_G2, _G3, _G4, _G5, _G6 = "#56B4E9", "#009E73", "#E69F00", "#CC79A7", "#0072B2"
#: Fixed colours of well-known names, by kind (``*``: any kind); no two alike but for synonyms.
FIXED_COLOURS: dict[str, dict[str, str]] = {
    "generation": {"2g": _G2, "gsm": _G2, "3g": _G3, "umts": _G3, "4g": _G4, "lte": _G4, "5g": _G5, "nr": _G5,
                   "6g": _G6},
    "layer": {"core_transport": "#8C8C8C", "core": "#8C8C8C", "transport": "#6E6E6E",
              "data_centres": "#B4B4B4", "data_centers": "#B4B4B4"},
    "*": {"ftth": "#332288", "fibre": "#332288", "fiber": "#332288", "dsl": "#999933", "adsl": "#999933",
          "cable": "#882255", "satellite": "#44AA99", "smartphone": "#F0E442", "tv": "#CC6677",
          "television": "#CC6677", "laptop": "#DDCC77", "tablet": "#88CCEE", "desktop": "#117733",
          "feature_phone": "#AA4499", "video": "#5254A3", "web": "#17BECF", "messaging": "#8C564B"},
}


class Swatch(NamedTuple):
    """How one entity is drawn: ``colour`` (hex), ``hatch`` (matplotlib's, or None) for bands and bars,
    ``linestyle`` for lines."""

    colour: str
    hatch: str | None = None
    linestyle: str = "-"

    @property
    def pattern(self) -> str:
        """The hatch as a Plotly ``fillpattern`` shape (``/``, ``x``, ``.``...; ``""``: none)."""
        return self.hatch[0] if self.hatch else ""


def normalised(name: str) -> str:
    """``Data-Centres`` → ``data_centres``: how names are compared with the fixed table."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def fixed_colour(kind: str, name: str) -> str | None:
    """The fixed colour of a well-known name of ``kind``, or None."""
    key = normalised(name)
    return FIXED_COLOURS.get(kind, {}).get(key) or FIXED_COLOURS["*"].get(key)


def palette_of(kind: str) -> tuple[str, ...]:
    """The colours hashed names of ``kind`` prefer."""
    return LAYER_PALETTE if kind == "layer" else PALETTE


def hashed_index(name: str, size: int) -> int:
    """A stable index in ``range(size)`` for ``name`` (BLAKE2b of its normalised form, the same on every
    machine and for every kind)."""
    digest = hashlib.blake2b(normalised(name).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % size


def _rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


@functools.cache
def lab(colour: str) -> tuple[float, float, float]:
    """CIELAB coordinates (D65 white) of a ``#RRGGBB`` sRGB colour (IEC 61966-2-1, CIE 15:2004), for the
    colour difference ΔE*ab: the straight distance between two of them (about 2: just noticeable)."""
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
              for c in (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))]
    matrix = ((0.4124 / 0.95047, 0.3576 / 0.95047, 0.1805 / 0.95047), (0.2126, 0.7152, 0.0722),
              (0.0193 / 1.08883, 0.1192 / 1.08883, 0.9505 / 1.08883))
    fx, fy, fz = (t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116
                  for t in (sum(m * c for m, c in zip(row, linear, strict=True)) for row in matrix))
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def colour_difference(one: str, two: str) -> float:
    """ΔE*ab (CIE 1976) between two ``#RRGGBB`` colours."""
    return math.dist(lab(one.upper()), lab(two.upper()))


def _rounds(kind: str, name: str) -> Iterator[tuple[int, tuple[tuple[str, ...], ...], Swatch]]:
    """The rounds of swatches ``name`` may take: round number, its palettes each from the slot of its hash
    on (the first colour: its preferred one), and the hatch and line style of the round."""
    if kind == "layer":
        palettes: tuple[tuple[str, ...], ...] = (LAYER_PALETTE,)
        hatches: tuple[str | None, ...] = LAYER_HATCHES
    else:
        palettes, hatches = (PALETTE, EXTRA_PALETTE), HATCHES
    turned = tuple(tuple(p[(hashed_index(name, len(p)) + i) % len(p)] for i in range(len(p))) for p in palettes)
    for turn in itertools.count():
        yield turn, turned, Swatch("", hatches[turn % len(hatches)], LINESTYLES[turn % len(LINESTYLES)])


def figure_colours(entities: Iterable[tuple[str, str]], avoid: Iterable[str] = ()) -> dict[str, Swatch]:
    """The swatch of each entity one figure (all its panels) draws, ``entities`` being ``(kind, name)``
    pairs: no two names with the same colour while the palettes last, nor with a colour of ``avoid`` (what
    other items of the figure, not entities, are drawn in); past them no two with the same colour and
    hatch. The result, keyed by name in the order given, does not depend on that order; a name given under
    two kinds gets one swatch (that of the first kind of :data:`KIND_ORDER`). The rule: module docstring."""
    kinds: dict[str, str] = {}
    for kind, name in entities:
        if name not in kinds or _rank(kind) < _rank(kinds[name]):
            kinds[name] = kind
    taken: dict[int, dict[str, str]] = {0: {c.upper(): "" for c in avoid}}  # by round: colour → its group
    out: dict[str, Swatch] = {}

    def claim(name: str, turn: int, swatch: Swatch) -> None:
        out[name] = swatch
        taken.setdefault(turn, {})[swatch.colour.upper()] = GROUPS.get(kinds[name], kinds[name])

    def alphabetical(names: Iterable[str]) -> list[str]:
        return sorted(names, key=lambda n: (normalised(n), n))

    def spread(colour: str, group: str, used: dict[str, str]) -> float:
        """How far ``colour`` is from the colours taken (ΔE*ab), those of another group counting less."""
        return min((colour_difference(colour, c) + (OTHER_GROUP if g and g != group else 0.0)
                    for c, g in used.items()), default=math.inf)

    fixed = {n: c for n in kinds if (c := fixed_colour(kinds[n], n))}
    for name in sorted(fixed, key=lambda n: (_rank(kinds[n]), normalised(n), n)):
        if fixed[name].upper() not in taken[0]:
            claim(name, 0, Swatch(fixed[name], LAYER_HATCHES[0] if kinds[name] == "layer" else None))
    for name in alphabetical(n for n in kinds if n not in out):  # preferred colours, first come first served
        _, palettes, swatch = next(_rounds(kinds[name], name))
        if palettes[0][0].upper() not in taken[0]:
            claim(name, 0, swatch._replace(colour=palettes[0][0]))
    for name in alphabetical(n for n in kinds if n not in out):  # the farthest free colour from those taken
        group = GROUPS.get(kinds[name], kinds[name])
        for turn, palettes, swatch in _rounds(kinds[name], name):
            used = taken.setdefault(turn, {})
            free = next(([c for c in p if c.upper() not in used] for p in palettes if any(
                c.upper() not in used for c in p)), None)
            if free:
                claim(name, turn, swatch._replace(colour=max(free, key=lambda c: spread(c, group, used))))
                break
    return {n: out[n] for n in kinds}


def entity_colours(kind: str, names: Iterable[str], avoid: Iterable[str] = ()) -> dict[str, str]:
    """The colour of each of ``names``, entities of one ``kind`` drawn together (:func:`figure_colours`)."""
    return {n: s.colour for n, s in figure_colours(((kind, n) for n in names), avoid).items()}


def entity_colour(kind: str, name: str) -> str:
    """The colour of one entity drawn alone: fixed, else hashed into the palette of its kind (its preferred
    colour)."""
    palette = palette_of(kind)
    return fixed_colour(kind, name) or palette[hashed_index(name, len(palette))]


def scenario_entities(scenario: Scenario) -> list[tuple[str, str]]:
    """Every entity of a scenario, ``(kind, name)``: generations, layers, services, devices, equipment types
    and compute workloads."""
    groups: dict[str, Iterable[str]] = {
        "generation": scenario.generations, "layer": scenario.layers, "service": scenario.demand.services,
        "device": scenario.devices, "equipment": scenario.equipment, "workload": scenario.compute.every}
    return [(kind, name) for kind, names in groups.items() for name in names]


def run_entities(results: Results) -> list[tuple[str, str]]:
    """The entities the figures of a run and its live page colour together: those of its scenario and any
    other generation, layer, device or workload its energy is labelled with. One call of
    :func:`figure_colours` on them gives a name the same colour in every figure of the run."""
    return [*scenario_entities(results.scenario),
            *((kind, name) for kind in ("generation", "layer", "device", "workload")
              for name in results.labels("energy", kind))]


def run_colours(results: Results, more: Iterable[tuple[str, str]] = ()) -> dict[str, Swatch]:
    """:func:`figure_colours` of :func:`run_entities` (and of ``more`` entities a figure draws, if it draws
    others): the swatch of every entity of a run, by name, away from the colours of the items beside them
    (:data:`ITEM_COLOURS`)."""
    return figure_colours([*run_entities(results), *more], avoid=ITEM_COLOURS.values())


__all__ = ["EXTRA_PALETTE", "FIXED_COLOURS", "HATCHES", "ITEM_COLOURS", "KIND_ORDER", "LAYER_HATCHES",
           "LAYER_PALETTE", "LINESTYLES", "PALETTE", "Swatch", "entity_colour", "entity_colours", "figure_colours",
           "fixed_colour", "hashed_index", "normalised", "palette_of", "run_colours", "run_entities",
           "scenario_entities"]

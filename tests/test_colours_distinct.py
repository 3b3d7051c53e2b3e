"""No two entities of one figure share a colour (:func:`simulator.display.colours.figure_colours`), whatever
their number and the order they are given in; well-known names keep their fixed colours, a name alone in
its palette slot its preferred one; the figures of a run and its live page give a name one colour.

The world-digital scenario (35 entities beside 3 layers, more than the 13 colours of the first palette)
is the case the rule was made for: "AI inference" and "5G" used to share a pink."""

from __future__ import annotations

import itertools
import random
import re
from typing import Any

import pytest
from conftest import SCENARIOS
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

import simulator
from simulator.display.colours import (
    EXTRA_PALETTE,
    FIXED_COLOURS,
    ITEM_COLOURS,
    LAYER_PALETTE,
    PALETTE,
    colour_difference,
    entity_colour,
    figure_colours,
    fixed_colour,
    hashed_index,
    run_colours,
    run_entities,
)
from simulator.display.names import display_name
from simulator.plots.output import FIGURES, figures_for
from simulator.plots.style import root_figure

WORLD_DIGITAL = SCENARIOS / "world-digital.yaml"
#: Suffixes of the legend labels that say the kind of an entity (``Smartphone (devices)``).
KIND_SUFFIX = re.compile(r" \((devices|layer|compute jobs)\)$")


@pytest.fixture(scope="module")
def digital() -> simulator.Results:
    return simulator.run(WORLD_DIGITAL)


# --- the rule --------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 20, len(PALETTE) + len(EXTRA_PALETTE), 90])
def test_any_number_of_names_is_told_apart(count: int) -> None:
    entities = [("device", f"device {i}") for i in range(count)] + [("generation", "5G"), ("device", "tv")]
    swatches = figure_colours(entities)
    assert len(swatches) == count + 2
    assert len({(s.colour.upper(), s.hatch, s.linestyle) for s in swatches.values()}) == count + 2
    if count + 2 <= len(PALETTE) + len(EXTRA_PALETTE):  # while the palettes last, by colour alone
        assert len({s.colour.upper() for s in swatches.values()}) == count + 2
        assert {s.hatch for s in swatches.values()} == {None}
    else:  # past them: the colours come round again, hatched
        assert {s.hatch for s in swatches.values()} > {None}


def test_layers_take_greys_and_are_hatched() -> None:
    swatches = figure_colours([("layer", f"layer {i}") for i in range(len(LAYER_PALETTE) + 2)])
    assert {s.colour for s in swatches.values()} == set(LAYER_PALETTE)
    assert all(s.hatch for s in swatches.values())
    assert len({(s.colour, s.hatch) for s in swatches.values()}) == len(swatches)


def test_the_result_does_not_depend_on_the_order() -> None:
    entities = [("device", f"item {i}") for i in range(30)] + [("layer", "core"), ("layer", "edge"),
                                                                ("generation", "4G"), ("generation", "LTE")]
    expected = figure_colours(entities)
    shuffler = random.Random(7)
    for _ in range(5):
        shuffled = entities[:]
        shuffler.shuffle(shuffled)
        assert figure_colours(shuffled) == expected


def test_fixed_names_keep_their_colours_and_synonyms_are_told_apart() -> None:
    swatches = figure_colours([("generation", g) for g in ("2G", "3G", "4G", "5G", "6G", "LTE")]
                              + [("device", f"gadget {i}") for i in range(25)])
    for g in ("2G", "3G", "4G", "5G", "6G"):
        assert swatches[g].colour == FIXED_COLOURS["generation"][g.lower()]
    assert swatches["LTE"].colour != swatches["4G"].colour  # 4G first (alphabetical), LTE moves


def test_a_name_alone_in_its_slot_keeps_its_preferred_colour() -> None:
    names = [f"name {i}" for i in range(40)]
    preferred = {n: PALETTE[hashed_index(n, len(PALETTE))] for n in names}
    for n in names:
        others = [m for m in names if m != n and preferred[m] != preferred[n]][:8]
        assert figure_colours([("equipment", m) for m in [n, *others]])[n].colour == entity_colour("equipment", n)
    # A name sharing its slot with one before it in alphabetical order moves; the first keeps it.
    one, two = next((a, b) for a, b in itertools.combinations(sorted(names), 2) if preferred[a] == preferred[b])
    swatches = figure_colours([("device", two), ("device", one)])
    assert swatches[one].colour == preferred[one] and swatches[two].colour != preferred[one]


def test_a_name_has_one_preferred_colour_whatever_its_kind() -> None:
    assert entity_colour("device", "router_box") == entity_colour("equipment", "router_box")
    swatches = figure_colours([("device", "router_box"), ("equipment", "router_box"), ("device", "modem")])
    assert set(swatches) == {"router_box", "modem"}


def test_items_beside_the_entities_have_colours_no_entity_takes() -> None:
    fixed = {c.upper() for table in FIXED_COLOURS.values() for c in table.values()}
    palettes = {c.upper() for c in (*PALETTE, *EXTRA_PALETTE, *LAYER_PALETTE)} | fixed
    assert not {c.upper() for c in ITEM_COLOURS.values()} & palettes
    # The extra colours are told apart from the first ones and from each other (CIELAB distance).
    colours = (*PALETTE, *EXTRA_PALETTE)
    assert len({c.upper() for c in colours}) == len(colours)
    assert min(colour_difference(a, b) for a, b in itertools.combinations(colours, 2)) > 12


# --- the figures of world-digital -------------------------------------------------------------------


def _legend_styles(fig: Figure) -> dict[str, Any]:
    """Label → how its legend key is drawn (colour, hatch, line style), over every legend of ``fig``."""
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend()] + list(fig.legends)
    styles: dict[str, Any] = {}
    for legend in legends:
        for handle, text in zip(legend.legend_handles, legend.get_texts(), strict=True):
            if isinstance(handle, Patch):
                style: Any = ("patch", to_hex(handle.get_facecolor()), handle.get_hatch())
            elif isinstance(handle, Line2D):
                style = ("line", to_hex(handle.get_color()), handle.get_linestyle(), handle.get_marker())
            else:
                continue
            styles[text.get_text()] = style
    return styles


def _entity_names(results: simulator.Results) -> set[str]:
    return {display_name(results.scenario, kind, name) for kind, name in run_entities(results)}


def test_every_figure_of_world_digital_tells_its_entities_apart(digital: simulator.Results) -> None:
    """In each figure write_outputs draws, two legend entries of which one is an entity (an item beside
    entities, such as "electricity", counts too) are drawn differently unless they name the same entity
    (``Smartphone (devices)`` and the ``Smartphone`` equipment); and an entity is drawn the same in every
    figure of the run."""
    entities = _entity_names(digital)
    seen: dict[str, Any] = {}
    for stem in figures_for(digital):
        styles = _legend_styles(root_figure(FIGURES[stem](digital)))
        for (a, one), (b, two) in itertools.combinations(styles.items(), 2):
            same = KIND_SUFFIX.sub("", a) == KIND_SUFFIX.sub("", b)
            if not same and entities & {KIND_SUFFIX.sub("", a), KIND_SUFFIX.sub("", b)}:
                assert one != two, f"{stem}: {a!r} and {b!r} are both drawn {one}"
        for label, style in styles.items():
            name = KIND_SUFFIX.sub("", label)
            if name in entities and style[0] == "patch":
                assert seen.setdefault(name, style[1]) == style[1], f"{stem}: {label!r} changed colour"


@pytest.mark.parametrize("stem", ["contributions", "energy_by_generation"])
def test_ai_inference_and_5g_no_longer_share_a_pink(digital: simulator.Results, stem: str) -> None:
    styles = _legend_styles(root_figure(FIGURES[stem](digital)))
    patches = {label: style[1] for label, style in styles.items() if style[0] == "patch"}
    assert patches["5G"] == FIXED_COLOURS["generation"]["5g"].lower()
    assert patches["AI inference (compute jobs)"] != patches["5G"]
    # Every band or bar of its own colour; the Smartphone device and equipment (two panels) one thing, one colour.
    drawn: dict[str, set[str]] = {}
    for label, colour in patches.items():
        if not label.startswith("others"):
            drawn.setdefault(KIND_SUFFIX.sub("", label), set()).add(colour)
    assert all(len(colours) == 1 for colours in drawn.values()), drawn
    assert len({c for colours in drawn.values() for c in colours}) == len(drawn), drawn
    assert len(drawn) >= (25 if stem == "contributions" else 20)


def test_the_run_colours_do_not_follow_the_file_order(digital: simulator.Results) -> None:
    import copy

    import yaml

    data = yaml.safe_load(WORLD_DIGITAL.read_text(encoding="utf-8"))
    flipped = copy.deepcopy(data)
    for key in ("generations", "devices", "equipment", "layers"):
        flipped[key] = dict(reversed(list(data[key].items())))
    flipped["demand"]["services"] = dict(reversed(list(data["demand"]["services"].items())))
    again = simulator.run(simulator.scenario_from_dict(flipped))
    assert run_colours(again) == run_colours(digital)
    assert run_colours(digital)["5G"].colour == fixed_colour("generation", "5G")


def test_the_live_page_stacks_in_the_colours_of_the_energy_figure(digital: simulator.Results) -> None:
    from simulator.serve.charts import Charts
    from simulator.serve.explorer import Explorer

    explorer = Explorer(digital.scenario)
    bands = Charts(explorer, explorer.run({}), "en").setup()["stack"]["bands"]
    figure = _legend_styles(root_figure(FIGURES["energy_by_generation"](digital)))
    assert len(bands) >= 20
    for band in bands:
        assert figure[band["name"]][1] == band["colour"].lower(), band["name"]
        assert band["pattern"] == ("/" if band["name"].endswith("(layer)") else "")
    assert len({b["colour"] for b in bands}) == len(bands)

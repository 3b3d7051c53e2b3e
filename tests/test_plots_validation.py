"""The ``validation`` figure: one panel per observed quantity, titles that never meet, the years
of the observations, the sources listed under the figure."""

from __future__ import annotations

import copy
import itertools
from pathlib import Path

import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text
from test_plots import RICH  # noqa: I001  (a sibling test module: its scenario has observations)

import simulator
from simulator.display.style import VARIANT_STYLES
from simulator.plots import FIGURES, observed_and_simulated
from simulator.plots.analysis import WINDOW_MARGIN, quantities
from simulator.plots.style import NOTE_GID, root_figure
from simulator.scenario.schema import Observation

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = {"baseline": ROOT / "scenarios" / "world-mobile.yaml",
             "sweden": ROOT / "scenarios" / "sweden-2003-2014.yaml"}


@pytest.fixture(scope="module")
def runs() -> dict[str, simulator.Results]:
    return {name: simulator.run(path) for name, path in SCENARIOS.items()}


def _panels(fig: Figure) -> list[Axes]:
    return [a for a in fig.axes if a.axison]


def _legend_names(ax: Axes) -> list[str]:
    legend = ax.get_legend()
    assert legend is not None
    return [t.get_text() for t in legend.get_texts()]


def _titles(fig: Figure) -> list[Text]:
    """The figure's title and the title of each panel, as drawn."""
    texts = [t for t in fig.texts if t.get_text() and t.get_text() == fig.get_suptitle()]
    for ax in _panels(fig):
        texts += [c for c in ax.get_children() if isinstance(c, Text) and c.get_text()
                  and c.get_text() == ax.get_title("left")]
    return texts


def _kind(observation: Observation) -> tuple[object, ...]:
    return (observation.variable, tuple(sorted(observation.services or ())), observation.generation,
            observation.layer, observation.equipment, observation.index_year)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_baseline_has_one_panel_per_quantity(runs: dict[str, simulator.Results], lang: str) -> None:
    results = runs["baseline"]
    observations = results.scenario.observations
    kinds = {_kind(o) for o in observations.values()}
    assert len(kinds) < len(observations)  # several series measure the same quantity
    fig = root_figure(FIGURES["validation"](results, lang=lang))
    panels = _panels(fig)
    assert len(panels) == len(kinds)
    legends = [_legend_names(ax) for ax in panels]
    assert sorted(itertools.chain(*legends)) == sorted(n.replace("_", " ") for n in observations)
    traffic = next(names for names in legends if "ericsson traffic fit" in names)
    assert {"cisco traffic fit", "ericsson traffic check"} <= set(traffic)  # fit and check together
    actual = VARIANT_STYLES["actual"]["color"]
    for ax, names in zip(panels, legends, strict=True):
        assert sum(line.get_color() == actual for line in ax.get_lines()) == 1  # one simulated curve
        assert not ax.texts  # nothing printed over the curves
        years = [y for o, name in ((observations[n], n.replace("_", " ")) for n in observations)
                 if name in names for y in o.values]
        low, high = ax.get_xlim()
        assert low <= min(years) and max(years) <= high  # every point shown...
        assert high - low <= max(years) - min(years) + 2 * WINDOW_MARGIN + 1e-9  # ...and not squeezed
    notes = " ".join(t.get_text().replace("\n", " ") for t in fig.texts if t.get_gid() == NOTE_GID)
    for name, observation in observations.items():
        assert name.replace("_", " ") in notes and observation.source in notes


@pytest.mark.parametrize(("name", "lang"), [("baseline", "en"), ("baseline", "fr"), ("sweden", "en")])
def test_titles_never_meet_nor_leave_the_figure(runs: dict[str, simulator.Results], name: str,
                                                lang: str) -> None:
    fig = root_figure(FIGURES["validation"](runs[name], lang=lang))
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    titles = _titles(fig)
    assert len(titles) == len(_panels(fig)) + 1
    boxes = [t.get_window_extent(renderer) for t in titles]
    for (a, box_a), (b, box_b) in itertools.combinations(zip(titles, boxes, strict=True), 2):
        assert not box_a.overlaps(box_b), (a.get_text(), b.get_text())
    for title, box in zip(titles, boxes, strict=True):
        assert box.x0 >= 0 and box.x1 <= fig.bbox.width, title.get_text()


def test_series_share_a_panel_when_they_measure_the_same_quantity() -> None:
    data = copy.deepcopy(RICH)
    data["name"] = "plots-quantities"
    observations = data["observations"]
    observations["2G energy, in MWh"] = {**observations["2G energy"], "unit": "MWh/yr",
                                         "values": {2008: 71e3}}
    observations["traffic index 2008"] = {**observations["traffic index"], "index_year": 2008,
                                          "values": {2008: 1.0, 2012: 2.9}}
    observations["traffic"] = {"variable": "traffic", "unit": "PB/yr", "values": {2010: 30}}
    results = simulator.run(simulator.scenario_from_dict(data))
    groups = quantities(observed_and_simulated(results))
    assert [[c.name for c in g] for g in groups] == [
        ["2G energy", "2G energy, in MWh"], ["traffic index"], ["traffic index 2008"], ["traffic"]]
    fig = root_figure(FIGURES["validation"](results))
    assert len(_panels(fig)) == 4

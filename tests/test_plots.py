"""Figures: every figure draws from real runs, has a title, units and a source line; files are
written under stable names; display units follow the data's magnitude."""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure

import simulator
from simulator.display.colours import FIXED_COLOURS
from simulator.display.style import scale_for
from simulator.graph import build_graph
from simulator.plots import (
    FIGURES,
    figures_for,
    generation_colours,
    graph_layers,
    plot_graph,
    save_all,
    save_graph,
    source_date,
)
from simulator.plots.style import SOURCE_GID, root_figure

ROOT = Path(__file__).resolve().parents[1]
CLASSROOM = ROOT / "scenarios" / "classroom-jevons.yaml"
BASELINE = ROOT / "scenarios" / "world-mobile.yaml"

#: Two generations (one switched off), a layer, a device, equipment with a component.
RICH: dict[str, Any] = {
    "name": "plots-rich",
    "time": {"start": 2000, "end": 2020, "step": 0.5},
    "demand": {
        "users": {"ceiling": 5e6, "midpoint": 2006, "width": 3},
        "services": {
            "video": {"usage": "1 GB/month", "growth": 0.12, "elasticity": 0.6, "delay": 1.0},
            "web": {"usage": "0.3 GB/month", "growth": 0.05, "elasticity": 0.3},
        },
    },
    "price": {"electricity": "0.1 EUR/kWh", "fixed": "50 MEUR/yr"},
    # Listed newest first: colours must follow the order of launch, not of the file.
    "generations": {
        "4G": {"launch": 2008, "energy_intensity": "0.5 kWh/GB", "efficiency_gain": 0.2,
               "idle_power": "1.3 kW", "capacity_per_site": "2000 TB/yr", "coverage_sites": 5000,
               "buildout": 5, "adoption_midpoint": 3, "equipment": {"radio_unit": 3}},
        "2G": {"launch": 1992, "switch_off": 2016, "energy_intensity": "5 kWh/GB",
               "efficiency_gain": 0.05, "idle_power": "1.2 kW", "capacity_per_site": "20 TB/yr",
               "coverage_sites": 6000, "equipment": {"radio_unit": 2}},
    },
    "layers": {"data_centres": {"energy_intensity": "0.07 kWh/GB", "efficiency_gain": 0.2,
                                "pue": 1.6, "equipment": {"server": 2}}},
    "devices": {"smartphone": {"equipment": "smartphone", "annual_energy": "4 kWh/yr"}},
    "equipment": {
        "radio_unit": {"lifetime": 10, "mass": 25, "embodied": {"climate_change": 500},
                       "components": {"chip": 4}},
        "chip": {"lifetime": 10, "embodied": {"climate_change": 5, "mineral_resources": 1e-3}},
        "server": {"lifetime": 4, "mass": 30, "embodied": {"climate_change": 1200, "water": 10}},
        "smartphone": {"lifetime": 2.5, "mass": 0.2,
                       "embodied": {"climate_change": 84, "mineral_resources": 2.05e-3}},
    },
    "grid": {"climate_change": "300 g CO2e/kWh", "water": 0.002},
    # Recorded series (made up): drawn by the validation figure, never read by the model.
    "observations": {
        "2G energy": {"variable": "energy", "generation": "2G", "unit": "GWh/yr",
                      "values": {2002: 60, 2006: 70, 2010: 72, 2014: 71},
                      "source": "operator report (illustrative)"},
        "traffic index": {"variable": "traffic", "index_year": 2005,
                          "values": {2003: 0.4, 2005: 1.0, 2008: 3.1, 2012: 9.0},
                          "source": "regulator series (illustrative)"},
    },
}

#: What each figure's value axis must say about its unit (contributions: its tick labels).
Y_UNITS = {
    "energy_by_generation": "Wh/yr",
    "indexed": "= 100",
    "rebound": "Wh/yr",
    "impacts": "CO₂e",
    "parts": "Wh/yr",
    "equipment_manufactured": "units/yr",
    "sites": "sites",
    "contributions": "50 %",
    "decomposition": "Wh/yr",
    "innovations": "Wh",
    "validation": "",
}


@pytest.fixture(scope="module")
def classroom() -> simulator.Results:
    return simulator.run(CLASSROOM)


@pytest.fixture(scope="module")
def rich() -> simulator.Results:
    return simulator.run(simulator.scenario_from_dict(RICH))


@pytest.fixture(scope="module", params=["classroom", "rich", "baseline"])
def results(request: pytest.FixtureRequest) -> simulator.Results:
    if request.param == "baseline":
        return simulator.run(BASELINE)
    return request.getfixturevalue(request.param)


def _source_lines(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.texts if t.get_gid() == SOURCE_GID]


def _unit_text(stem: str, ax: Axes) -> str:
    """The text that carries the unit of a figure's values: its y label (or that of the panel
    it sits in, for a waterfall on a broken axis); for contributions, a tick label of shares."""
    if stem == "contributions":
        return ax.xaxis.get_major_formatter()(50.0, None)
    if stem in ("decomposition", "innovations"):  # horizontal bars: values on the x axis
        return ax.get_xlabel()
    parent = ax.figure
    label = ax.get_ylabel()
    if not label and isinstance(parent, SubFigure) and parent._supylabel is not None:
        label = parent._supylabel.get_text()
    return label


@pytest.mark.parametrize("stem", list(FIGURES))
def test_figure_has_title_units_legend_and_source(results: simulator.Results, stem: str) -> None:
    ax = FIGURES[stem](results)
    assert isinstance(ax, Axes)
    fig = root_figure(ax)
    assert (fig.get_suptitle() or ax.get_title() or ax.get_title("left")).strip()
    s = results.scenario
    assert _source_lines(fig) == [
        f"Source: jevons {results.version} simulation, scenario '{s.name}' "
        f"({s.time.start:g}–{s.time.end:g}), {source_date().isoformat()}"
    ]
    if stem not in figures_for(results):
        return  # drawn as a note only (e.g. no observations); save_all leaves it out
    assert Y_UNITS[stem] in _unit_text(stem, ax)
    empty = stem in ("equipment_manufactured", "sites") and not results.scenario.equipment
    if not empty and stem != "decomposition":  # the decomposition's bars are named by their tick labels
        assert fig.legends or any(a.get_legend() for a in fig.axes)


@pytest.mark.parametrize("stem", list(FIGURES))
def test_figure_draws_into_given_axes(rich: simulator.Results, stem: str) -> None:
    fig = Figure()
    given = fig.add_subplot(2, 1, 1)
    ax = FIGURES[stem](rich, ax=given)
    assert ax is given
    assert (ax.get_title() or ax.get_title("left")) and (ax.get_ylabel() or ax.get_xlabel())
    assert not _source_lines(fig) and not fig.legends  # the caller's figure is left alone


def test_rebound_has_a_rate_panel_and_names_backfire(classroom: simulator.Results) -> None:
    top = FIGURES["rebound"](classroom)
    fig = root_figure(top)
    bottom = [a for a in fig.axes if a is not top]
    assert len(bottom) == 1 and "%" in bottom[0].get_ylabel()
    texts = {t.get_text() for t in bottom[0].texts}
    assert "backfire above 100 %" in texts
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any("backfire" in label for label in labels)  # elasticity 1.2: backfire
    assert top.get_yscale() == "log"  # frozen/engineering reaches ~25 by 2030


def test_figures_only_read_results(
    rich: simulator.Results, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a figure ran the model")

    monkeypatch.setattr(simulator.engine, "run_batch", refuse)
    monkeypatch.setattr(simulator.engine, "simulate", refuse)
    for plot in FIGURES.values():
        plot(rich)


def test_no_pyplot_figure_is_left_open(rich: simulator.Results) -> None:
    for plot in FIGURES.values():
        plot(rich)
    if "matplotlib.pyplot" in sys.modules:
        assert not sys.modules["matplotlib.pyplot"].get_fignums()


@pytest.mark.parametrize(
    ("unit", "value", "factor", "shown"),
    [
        ("kWh/yr", 3.2e9, 1e9, "TWh/yr"),
        ("kWh/yr", 4.0e7, 1e6, "GWh/yr"),
        ("GB/yr", 5.0e10, 1e9, "EB/yr"),
        ("GB/yr", 2.0e8, 1e6, "PB/yr"),
        ("kg CO2e/yr", 7.0e9, 1e9, "Mt CO₂e/yr"),
        ("kg CO2e", 7.0e5, 1e3, "t CO₂e"),
        ("kg Sb_eq", 195e3, 1e3, "t Sb eq"),
        ("m**3", 8.4e7, 1e6, "million m³"),
        ("MJ/yr", 1.4e11, 1e9, "PJ/yr"),
        ("unit/yr", 500.0, 1.0, "units/yr"),
        ("site", 3.4e4, 1e3, "thousand sites"),
        ("kWh/GB", 0.25, 1e-3, "Wh/GB"),
        ("kWh/yr", 0.0, 1.0, "kWh/yr"),
    ],
)
def test_display_units_follow_magnitude(unit: str, value: float, factor: float, shown: str) -> None:
    scale = scale_for(unit, np.array([0.0, value, np.nan]))
    assert (scale.factor, scale.unit) == (factor, shown)
    assert scale.label("Energy") == f"Energy ({shown})"


def test_generation_colours_follow_names_not_launch_rank(rich: simulator.Results) -> None:
    # Issue 14 point 4: a generation's colour is its name's (2G…6G fixed), listed in order of launch;
    # adding a generation launched in between leaves the others' colours unchanged.
    colours = generation_colours(rich.scenario)
    assert colours == {"2G": FIXED_COLOURS["generation"]["2g"], "4G": FIXED_COLOURS["generation"]["4g"]}
    three = copy.deepcopy(RICH)
    three["generations"]["3G"] = {"launch": 2002, "coverage_sites": 10}
    later = generation_colours(simulator.scenario_from_dict(three))
    assert later == {**colours, "3G": FIXED_COLOURS["generation"]["3g"]}
    assert list(later) == ["2G", "3G", "4G"]


def test_save_all_writes_stable_names(rich: simulator.Results, tmp_path: Path) -> None:
    written = save_all(rich, tmp_path / "plots", formats=("png", "svg"), dpi=40)
    expected = {f"{stem}.{fmt}" for stem in figures_for(rich) for fmt in ("png", "svg")}
    assert {p.name for p in written} == expected
    assert {p.name for p in (tmp_path / "plots").iterdir()} == expected  # no partial files
    for path in written:
        head = path.read_bytes()[:8]
        assert head == b"\x89PNG\r\n\x1a\n" if path.suffix == ".png" else head.startswith(b"<?xml")
    svg = (tmp_path / "plots" / "energy_by_generation.svg").read_text(encoding="utf-8")
    assert "Energy by part of the digital sector and item (stacked), and traffic" in svg  # devices and networks
    for part in ("Devices", "Networks"):
        assert f">{part}<" in svg or f"{part}</text>" in svg or part in svg
    assert "scenario &#39;plots-rich&#39;" in svg or "scenario 'plots-rich'" in svg


def test_save_all_refuses_unknown_format(rich: simulator.Results, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="'gif'.*png, svg, pdf"):
        save_all(rich, tmp_path, formats=("png", "gif"))
    assert not list(tmp_path.iterdir())


def test_graph_layers_follow_the_flow(rich: simulator.Results) -> None:
    graph = build_graph(rich.scenario)
    layer = graph_layers(graph)
    assert (layer["users"] < layer["service:video"] < layer["traffic"] < layer["generation:2G"]
            < layer["equipment:radio_unit"] < layer["impact:climate_change"])
    assert layer["generation:2G"] == layer["layer:data_centres"] == layer["device:smartphone"]
    assert layer["equipment:chip"] == layer["equipment:radio_unit"] + 1  # a component goes below
    assert layer["electricity"] < layer["impact:climate_change"]


def test_graph_figure_and_file(rich: simulator.Results, tmp_path: Path) -> None:
    graph = build_graph(rich.scenario)
    ax = plot_graph(graph)
    assert "Plots-rich" in ax.get_title()  # no title: its readable name
    assert {t.get_text() for t in ax.texts} >= {"users", "traffic", "Radio unit", "electricity"}
    written = save_graph(graph, rich.scenario, tmp_path, formats=("svg",), dpi=40)
    assert [p.name for p in written] == ["graph.svg"]
    assert "Dependency graph of scenario" in written[0].read_text(encoding="utf-8")

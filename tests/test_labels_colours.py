"""Display names and stable colours (issue 14 point 4): entities are named by their ``label:`` or a
readable form of their key, parameters by a human name and unit, scenarios by their title; one colour
per entity from its kind and name only, shared by the figures and the live page."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_hex
from test_plots import RICH  # noqa: I001  (a sibling test module: its scenario has every kind of entity)

import simulator
from simulator.display.colours import (
    EXTRA_PALETTE,
    FIXED_COLOURS,
    PALETTE,
    entity_colour,
    entity_colours,
    figure_colours,
    scenario_entities,
)
from simulator.display.names import (
    display_name,
    in_sentence,
    parameter_name,
    readable_name,
    scenario_title,
    scenario_titles,
)
from simulator.display.style import generation_colours
from simulator.errors import ScenarioError
from simulator.plots import plot_energy_by_generation, plot_equipment_manufactured
from simulator.plots.ensemble_common import parameter_text
from simulator.plots.figures import calendar_year_totals
from simulator.plots.style import root_figure

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "world-mobile.yaml"


# --- names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "shown"), [
    ("server_r740", "Server R740"), ("gsm_trx", "GSM TRX"), ("aau_massive_mimo", "AAU massive MIMO"),
    ("5G", "5G"), ("data_centres", "Data centres"), ("ai_training", "AI training"), ("LTE", "LTE"),
    ("plots-rich-3g", "Plots-rich-3G"), ("core transport", "Core transport"),
])
def test_readable_name_keeps_acronyms_in_capitals(key: str, shown: str) -> None:
    assert readable_name(key) == shown


def test_label_wins_over_the_key_in_each_language() -> None:
    data = copy.deepcopy(RICH)
    data["equipment"]["radio_unit"]["label"] = {"en": "Remote radio head", "fr": "Tête radio déportée"}
    data["generations"]["4G"]["label"] = "LTE"
    scenario = simulator.scenario_from_dict(data)
    assert display_name(scenario, "equipment", "radio_unit", "en") == "Remote radio head"
    assert display_name(scenario, "equipment", "radio_unit", "fr") == "Tête radio déportée"
    assert display_name(scenario, "generation", "4G", "fr") == "LTE"  # a string: every language
    assert display_name(scenario, "layer", "data_centres", "fr") == "Centres de données"  # the French word
    assert display_name(scenario, "equipment", "server", "en") == "Server"  # no label: its readable key
    assert display_name(None, "equipment", "gsm_trx") == "GSM TRX"


def test_labels_reach_the_figures() -> None:
    data = copy.deepcopy(RICH)
    data["devices"]["smartphone"]["label"] = {"en": "Phones", "fr": "Téléphones"}
    data["equipment"]["radio_unit"]["label"] = {"en": "Remote radio head", "fr": "Tête radio déportée"}
    results = simulator.run(simulator.scenario_from_dict(data))
    figure = root_figure(plot_energy_by_generation(results, lang="fr"))
    legend = [t.get_text() for ax in figure.axes if ax.get_legend() for t in ax.get_legend().get_texts()]
    legend += [t.get_text() for lg in figure.legends for t in lg.get_texts()]
    assert "Téléphones (terminaux)" in legend
    legend = [t.get_text() for t in root_figure(plot_equipment_manufactured(results)).legends[0].get_texts()]
    assert "Remote radio head" in legend and "radio_unit" not in legend and "radio unit" not in legend


def test_a_label_must_be_text_or_both_languages() -> None:
    data = copy.deepcopy(RICH)
    data["generations"]["4G"]["label"] = {"en": "LTE"}
    with pytest.raises(ScenarioError, match=r"generations\.4G\.label"):
        simulator.scenario_from_dict(data)


def test_parameters_are_named_by_slider_field_and_entity_with_their_unit() -> None:
    scenario = simulator.load_scenario(BASELINE)
    # An explore: slider over the same path names it (its label already carries the unit).
    assert parameter_name("equipment.smartphone.lifetime", "fr", scenario, "yr") == \
        "Durée de vie d’un smartphone (années)"
    assert parameter_name("demand.services.*.elasticity", "en", scenario, "1") == "Price elasticity (every service) (1)"
    assert parameter_name("generations.5G.idle_power_gain", "en", scenario, "1/yr") == "5G idle-power gain (1/yr)"
    assert parameter_name("layers.data_centres.efficiency_gain", "fr", scenario) == \
        "Gain d’efficacité (Centres de données)"
    assert parameter_name("equipment.server_r740.embodied.climate_change", "en", scenario) == \
        "Server R740 manufacturing footprint, climate change"
    assert parameter_name("grid.climate_change.2040", "en", scenario, "kg CO2e/kWh") == \
        "Carbon intensity of electricity in 2040 (kg CO2e/kWh)"
    # A field with no name of ours: the first words of its docstring in the schema.
    assert parameter_name("generations.5G.buildout", "en") == "5G build-out time"
    assert parameter_name("demand.users.midpoint", "en") == "Year of half the long-run users"
    assert parameter_name("time.step", "en") == "Length of a time step"


def test_axis_labels_of_ensembles_are_not_dotted_paths() -> None:
    meta = {"scenario": "x", "version": "0"}
    assert parameter_text("demand.services.data.elasticity [1]", meta) == "Data price elasticity (1)"
    assert parameter_text("price elasticity (1)", meta) == "price elasticity (1)"  # already words: kept
    assert in_sentence("Price elasticity") == "price elasticity" and in_sentence("GSM TRX") == "GSM TRX"


def test_scenarios_are_called_by_their_title_and_told_apart() -> None:
    baseline = simulator.load_scenario(BASELINE)
    assert scenario_title(baseline, "fr") == "Les réseaux mobiles du monde, 2000–2050"
    untitled = simulator.scenario_from_dict(RICH)
    assert scenario_title(untitled) == "Plots-rich"
    assert scenario_titles([baseline, baseline], "en", ["baseline", "baseline #2"]) == [
        "The world's mobile networks, 2000–2050 (baseline)", "The world's mobile networks, 2000–2050 (baseline #2)"]


# --- colours --------------------------------------------------------------------------------------


def test_5g_keeps_its_colour_whatever_the_order_of_generations() -> None:
    data = copy.deepcopy(RICH)
    data["generations"]["5G"] = {"launch": 2019, "coverage_sites": 100, "idle_power": "2 kW"}
    reordered = copy.deepcopy(data)
    reordered["generations"] = dict(reversed(list(data["generations"].items())))
    one, two = (simulator.run(simulator.scenario_from_dict(d)) for d in (data, reordered))
    drawn = []
    for results in (one, two):
        figure = root_figure(plot_energy_by_generation(results))
        drawn.append({c.get_label(): to_hex(c.get_facecolor()[0]) for ax in figure.axes for c in ax.collections
                      if isinstance(c, PolyCollection)})
    assert drawn[0]["5G"] == drawn[1]["5G"] == FIXED_COLOURS["generation"]["5g"].lower()
    assert drawn[0]["2G"] == drawn[1]["2G"]
    # The same in a scenario with only some of them, e.g. the baseline's generations.
    assert generation_colours(simulator.load_scenario(BASELINE))["5G"] == FIXED_COLOURS["generation"]["5g"]


def test_colours_depend_on_kind_and_name_only() -> None:
    names = ["server_r740", "gsm_trx", "aau_massive_mimo", "radio_unit"]
    assert entity_colours("equipment", names) == entity_colours("equipment", names[::-1])
    assert entity_colour("device", "Smartphone") == entity_colour("device", "smartphone") == "#F0E442"
    assert entity_colour("layer", "my_layer").startswith("#")


@pytest.mark.parametrize("count", [2, 5, len(PALETTE) - 2, len(PALETTE) + 10])
def test_entities_of_one_figure_never_share_a_colour(count: int) -> None:
    # Fixed colours (smartphone, TV: one of the palette's) beside 5G's; past PALETTE, EXTRA_PALETTE's colours.
    devices = ["smartphone", "tv", *(f"device_{i}" for i in range(count))]
    colours = entity_colours("device", devices, avoid=["#CC79A7"])
    assert len(set(colours.values())) == len(devices)
    assert "#CC79A7" not in colours.values()  # a colour the figure already uses (5G beside them) is not taken
    assert colours["smartphone"] == "#F0E442" and colours["tv"] == FIXED_COLOURS["*"]["tv"]
    crowded = entity_colours("device", [f"device_{i}" for i in range(len(PALETTE) + 3)])
    assert set(PALETTE) < set(crowded.values()) <= set(PALETTE) | set(EXTRA_PALETTE)  # the first palette first


def test_two_devices_in_one_figure_have_two_colours() -> None:
    data = copy.deepcopy(RICH)
    data["equipment"]["laptop"] = {"lifetime": 5, "embodied": {"climate_change": 300}}
    data["equipment"]["router_box"] = {"lifetime": 5, "embodied": {"climate_change": 30}}
    data["devices"] = {"router_box": {"equipment": "router_box", "annual_energy": "80 kWh/yr"},
                       "laptop": {"equipment": "laptop", "annual_energy": "20 kWh/yr"},
                       "smartphone": {"equipment": "smartphone", "annual_energy": "4 kWh/yr"}}
    ax = plot_energy_by_generation(simulator.run(simulator.scenario_from_dict(data)))
    faces = {c.get_label(): to_hex(c.get_facecolor()[0]) for c in ax.collections if isinstance(c, PolyCollection)}
    devices = {k: v for k, v in faces.items() if k.endswith("(devices)")}
    assert len(devices) == 3 and len(set(devices.values())) == 3
    assert len(set(faces.values())) == len(faces)  # nor with a generation or a layer


def test_equipment_colours_do_not_follow_the_file_order() -> None:
    scenario = simulator.scenario_from_dict(RICH)
    data = copy.deepcopy(RICH)
    data["equipment"] = dict(reversed(list(RICH["equipment"].items())))
    flipped = simulator.scenario_from_dict(data)
    # What the figures draw: the swatches of every entity of the scenario (figure_colours), in any order.
    assert figure_colours(scenario_entities(scenario)) == figure_colours(scenario_entities(flipped))


# --- equipment figure: no launch spikes, no line falling off the log axis -------------------------


def test_calendar_year_totals_keep_the_units_made() -> None:
    times = np.arange(2000.0, 2003.01, 0.25)
    rate = np.where(times == 2001.0, 400.0, 4.0)  # a burst of one step: 100 units, plus 1 a step
    middles, totals = calendar_year_totals(times, rate)
    np.testing.assert_allclose(middles, [2000.5, 2001.5, 2002.5])
    np.testing.assert_allclose(totals, [4.0, 103.0, 4.0])
    assert totals.sum() == pytest.approx(float(np.sum(rate[:-1] * 0.25)))


def test_equipment_lines_stay_on_the_log_axis() -> None:
    ax = plot_equipment_manufactured(simulator.run(BASELINE))
    low = ax.get_ylim()[0]
    assert ax.get_yscale() == "log"
    for line in ax.get_lines():
        y = np.asarray(line.get_ydata(), dtype=float)
        assert np.all(y[np.isfinite(y)] >= low), line.get_label()


# --- tables ---------------------------------------------------------------------------------------


def test_report_tables_carry_a_label_beside_the_internal_name(tmp_path: Path) -> None:
    import pandas as pd

    from simulator.export import write_outputs

    data = copy.deepcopy(RICH)
    data["equipment"]["radio_unit"]["label"] = {"en": "Remote radio head", "fr": "Tête radio déportée"}
    results = simulator.run(simulator.scenario_from_dict(data))
    folder = write_outputs(results, tmp_path / "out", plots=False, units="report")
    contributions = pd.read_csv(folder / "contributions_report.csv", keep_default_na=False)
    assert list(contributions.columns[:5]) == ["category", "unit", "by", "name", "label"]
    rows = contributions[contributions["name"] == "radio_unit"]
    assert len(rows) and set(rows["label"]) == {"Remote radio head"}
    assert set(contributions.loc[contributions["name"] == "generation:4G", "label"]) == {"4G"}
    series = pd.read_csv(folder / "timeseries_report.csv", keep_default_na=False)
    assert set(series.loc[series["layer"] == "data_centres", "label"]) == {"Data centres"}
    assert set(series.loc[(series["variable"] == "energy") & (series["generation"] == "")
                          & (series["layer"] == "") & (series["device"] == ""), "label"]) <= {""}
    assert "label" not in pd.read_csv(folder / "contributions.csv").columns  # base tables unchanged

"""The whole digital sector (issue 13, points 1, 2 and 4): access networks with their own traffic,
fixed lines, layers with a fixed part, devices tied to services, regions (territorial vs imported).

Every check is an identity of the model that could fail: traffic conserved across networks,
generations of different networks never competing, lines carried one site per line, fixed power
as written, device stocks following their services, imported + territorial = total.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest

import simulator
from simulator.cli import main
from simulator.results import Results

KWH_PER_WATT_YEAR = 8.766

TOY: dict[str, Any] = {
    "name": "nets",
    "time": {"start": 2015, "end": 2035, "step": 0.25},
    "networks": {"mobile": {}, "fixed": {"lines": {2015: "1000 lines", 2035: "1200 lines"}}},
    "demand": {"users": 1000, "services": {
        "video": {"usage": "100 GB/yr", "growth": 0.2, "elasticity": 0.5,
                  "networks": {"fixed": {2015: 0.9, 2035: 0.7}, "mobile": {2015: 0.1, 2035: 0.3}}},
        "web": {"usage": "20 GB/yr", "growth": 0.1, "elasticity": 0.5},
    }},
    "generations": {
        "4G": {"launch": 2010, "energy_intensity": "0.1 kWh/GB", "efficiency_gain": 0.1, "idle_power": "1 kW",
               "capacity_per_site": "1e5 GB/yr", "coverage_sites": 2, "equipment": {"radio": 1},
               "site_cost": "50 kEUR"},
        "DSL": {"network": "fixed", "launch": 2000, "switch_off": 2030, "idle_power": "20 W",
                "energy_intensity": "0.01 kWh/GB", "equipment": {"box": 1}},
        "FTTH": {"network": "fixed", "launch": 2012, "idle_power": "8 W", "energy_intensity": "0.002 kWh/GB",
                 "adoption_midpoint": 6, "equipment": {"box": 1}, "site_cost": "500 EUR"},
    },
    "layers": {
        "core": {"energy_intensity": "0.05 kWh/GB", "networks": ["mobile"]},
        "dc": {"part": "data_centres", "energy_intensity": "0.01 kWh/GB", "pue": 1.5, "region": "abroad",
               "fixed_power": {2015: "1000 W", 2035: "3000 W"}, "equipment": {"server": 0.002},
               "equipment_per": "kW"},
    },
    "devices": {"tv": {"equipment": "tvset", "per_user": 0.5, "annual_energy": "100 kWh/yr",
                       "services": {"video": 0.5}}},
    "equipment": {
        "radio": {"lifetime": 10, "embodied": {"climate_change": "500 kg CO2e"}},
        "box": {"lifetime": 5, "embodied": {"climate_change": "30 kg CO2e"}, "made_in": "abroad"},
        "server": {"lifetime": 5, "embodied": {"climate_change": "1000 kg CO2e"}, "made_in": "abroad"},
        "tvset": {"lifetime": 8, "embodied": {"climate_change": "400 kg CO2e"}, "made_in": "abroad"},
    },
    "grid": {"climate_change": "0.05 kg CO2e/kWh"},
    "region": "france",
    "regions": {"abroad": {"climate_change": "0.5 kg CO2e/kWh"}},
}


def _run(data: dict[str, Any]) -> Results:
    return simulator.simulate(simulator.scenario_from_dict(data))


@pytest.fixture(scope="module")
def toy() -> Results:
    return _run(TOY)


def test_traffic_is_conserved_and_networks_do_not_compete(toy: Results) -> None:
    for variant in ("actual", "engineering", "frozen"):
        fixed = toy.array("traffic", variant, network="fixed")
        mobile = toy.array("traffic", variant, network="mobile")
        np.testing.assert_allclose(fixed + mobile, toy.array("traffic", variant), rtol=1e-12)
        by_generation = {g: toy.array("traffic", variant, generation=g) for g in ("4G", "DSL", "FTTH")}
        np.testing.assert_allclose(by_generation["DSL"] + by_generation["FTTH"], fixed, rtol=1e-12)
        np.testing.assert_allclose(by_generation["4G"], mobile, rtol=1e-12)
    video, web = toy.array("traffic", service="video"), toy.array("traffic", service="web")
    share = np.interp(toy.times, [2015, 2035], [0.9, 0.7])
    np.testing.assert_allclose(toy.array("traffic", network="fixed"), video * share, rtol=1e-12)
    np.testing.assert_allclose(toy.array("traffic", network="mobile"), video * (1 - share) + web, rtol=1e-12)


def test_a_fixed_line_is_one_site_and_lines_move_from_copper_to_fibre(toy: Results) -> None:
    lines = np.interp(toy.times, [2015, 2035], [1000, 1200])
    dsl, ftth = toy.array("sites", generation="DSL"), toy.array("sites", generation="FTTH")
    on = toy.times < 2030
    np.testing.assert_allclose((dsl + ftth)[on], lines[on], rtol=1e-12)
    np.testing.assert_allclose(ftth[~on], lines[~on], rtol=1e-12)
    assert dsl[0] > 500 and 0 < dsl[on][-1] < dsl[0] / 10, "copper lines fall as fibre is adopted"
    np.testing.assert_allclose(toy.array("energy_idle", generation="FTTH"), ftth * 8 * KWH_PER_WATT_YEAR, rtol=1e-12)


def test_a_layer_carries_only_its_networks_and_draws_its_fixed_power(toy: Results) -> None:
    data = copy.deepcopy(TOY)
    data["layers"]["dc"]["energy_intensity"] = "0 kWh/GB"
    run = _run(data)
    fixed = np.interp(run.times, [2015, 2035], [1000, 3000]) * 1.5 * KWH_PER_WATT_YEAR
    np.testing.assert_allclose(run.array("energy", layer="dc"), fixed, rtol=1e-12)
    core = toy.array("energy", layer="core")
    np.testing.assert_allclose(core, toy.array("traffic", network="mobile") * 0.05, rtol=1e-12)
    servers = run.array("equipment_in_service", equipment="server")
    assert servers[-1] == pytest.approx(0.002 * 3.0, rel=0.05), "servers per kW of IT power"


def test_generations_of_another_network_leave_a_services_price_alone() -> None:
    """A service carried by the fixed network alone sees the fixed network's price only: a faster
    efficiency gain of the mobile network changes mobile traffic, not its traffic."""
    base = copy.deepcopy(TOY)
    base["demand"]["services"]["video"]["networks"] = {"fixed": 1.0}
    base["generations"]["4G"]["launch"] = 2015  # the same price at the start in both runs
    faster = copy.deepcopy(base)
    faster["generations"]["4G"]["efficiency_gain"] = 0.3
    a, b = _run(base), _run(faster)
    np.testing.assert_array_equal(a.array("traffic", service="video"), b.array("traffic", service="video"))
    assert b.array("traffic", service="web")[-1] > a.array("traffic", service="web")[-1] * 1.001


def test_one_declared_network_is_the_default_network() -> None:
    data = copy.deepcopy(TOY)
    del data["networks"], data["region"], data["regions"], data["layers"]["dc"]["region"]
    for service in data["demand"]["services"].values():
        service.pop("networks", None)
    for item in data["equipment"].values():
        item.pop("made_in", None)
    data["generations"] = {"4G": data["generations"]["4G"]}
    implicit = _run(data)
    data["networks"] = {"mobile": {}}
    data["generations"]["4G"]["network"] = "mobile"
    explicit = _run(data)
    for key, values in implicit.data.items():
        np.testing.assert_array_equal(values, explicit.data[key], err_msg=str(key))


def test_devices_follow_the_services_they_serve(toy: Results) -> None:
    count = toy.array("equipment_in_service", "engineering", equipment="tvset")
    np.testing.assert_allclose(count, 500.0, rtol=1e-9)  # no rebound: usage as planned
    ratio = toy.array("traffic", service="video") / toy.array("traffic", "engineering", service="video")
    expected = 0.5 * 1000 * (0.5 + 0.5 * ratio)
    np.testing.assert_allclose(toy.array("energy", device="tv"), expected * 100, rtol=1e-12)
    data = copy.deepcopy(TOY)
    data["policies"] = [{"type": "traffic_scale", "at": 2015, "factor": 0.5, "services": ["video"]}]
    halved = _run(data)
    np.testing.assert_allclose(halved.array("energy", "engineering", device="tv"), 0.5 * 1000 * 0.75 * 100,
                               rtol=1e-12)
    data["policies"][0]["scales"] = "bytes"  # a lower definition: the same viewing on the same screens
    lighter = _run(data)
    np.testing.assert_allclose(lighter.array("traffic", "engineering", service="video"),
                               halved.array("traffic", "engineering", service="video"), rtol=1e-12)
    np.testing.assert_allclose(lighter.array("energy", "engineering", device="tv"), 0.5 * 1000 * 100, rtol=1e-12)
    # later, with habits that lag a year: the definition applies at once, the screens do not move
    data["demand"]["services"]["video"]["delay"] = 1.0
    data["policies"][0]["at"] = 2020
    late = _run(data)
    data["policies"] = []
    uncapped = _run(data)
    np.testing.assert_allclose(late.array("energy", "engineering", device="tv"),
                               uncapped.array("energy", "engineering", device="tv"), rtol=1e-12)
    np.testing.assert_allclose(late.array("traffic", "engineering", service="video")[20:],  # from 2020 (step 0.25)
                               0.5 * uncapped.array("traffic", "engineering", service="video")[20:], rtol=1e-12)
    np.testing.assert_allclose(lighter.array("usage_ratio", "engineering", service="video"), 1.0, rtol=1e-12)


def test_imported_and_territorial_impacts_add_up(toy: Results) -> None:
    total = toy.all_variants("impact", category="climate_change")
    imported = toy.all_variants("impact", category="climate_change", scope="imported")
    territorial = toy.all_variants("impact", category="climate_change", scope="territorial")
    np.testing.assert_allclose(imported + territorial, total, rtol=1e-12)
    made_abroad = sum(toy.array("impact", category="climate_change", phase="manufacturing", equipment=e)
                      for e in ("box", "server", "tvset"))
    dc_use = toy.array("energy", layer="dc") * 0.5
    np.testing.assert_allclose(toy.array("impact", category="climate_change", scope="imported"),
                               made_abroad + dc_use, rtol=1e-9)
    home = toy.array("energy") - toy.array("energy", layer="dc")
    use = toy.array("impact", category="climate_change", phase="use")
    np.testing.assert_allclose(use, home * 0.05 + dc_use, rtol=1e-9)
    by_part = sum(toy.array("impact", category="climate_change", phase="use", part=p)
                  for p in ("devices", "networks", "data_centres"))
    np.testing.assert_allclose(by_part, use, rtol=1e-9)
    summary = toy.summary()
    assert summary["imported"]["climate_change"]["actual"] + summary["territorial"]["climate_change"]["actual"] \
        == pytest.approx(summary["totals"]["climate_change"]["actual"], rel=1e-12)


@pytest.mark.parametrize("change, message", [
    (lambda d: d["generations"]["DSL"].update(network="fibre"), "unknown network 'fibre'"),
    (lambda d: d["demand"]["services"]["video"]["networks"].update(mobile=0.2),
     "at year 2015: found shares adding up to 1.1, expected 1"),
    (lambda d: d["layers"]["dc"].update(region="mars"), "unknown region 'mars'"),
    (lambda d: d["devices"]["tv"]["services"].update(web=0.6), "found shares adding up to 1.1, expected at most 1"),
    (lambda d: d["generations"]["FTTH"].update(network="mobile", launch=2010) or d["generations"]["DSL"].update(
        network="mobile"), "found no generation of network fixed"),
])
def test_bad_networks_and_regions_are_refused_with_a_location(tmp_path, capsys, change, message) -> None:
    import yaml
    data = copy.deepcopy(TOY)
    change(data)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    out = tmp_path / "out"
    assert main(["run", str(path), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and f"{path}:" in err
    assert not out.exists()


def test_accelerators_of_a_compute_workload_are_an_equipment_fleet() -> None:
    """Issue 13.3: accelerators in service = jobs × hours × accelerators / (8,766 h × utilisation); their
    equipment is made and retired as a fleet, its manufacturing counted in the data-centre part."""
    data = copy.deepcopy(TOY)
    data["compute"] = {"workloads": {"inference": {
        "jobs": "1000 job/yr", "growth": 0.3, "hours": "100 h", "accelerators": 8, "accelerator_power": "300 W",
        "utilisation": 0.5, "equipment": {"gpu": 1, "gpu_server": 0.125}}}}
    data["equipment"]["gpu"] = {"lifetime": 4, "embodied": {"climate_change": "150 kg CO2e"}, "made_in": "abroad"}
    data["equipment"]["gpu_server"] = {"lifetime": 5, "embodied": {"climate_change": "2500 kg CO2e"}}
    run = _run(data)
    jobs = run.array("compute_jobs", workload="inference")
    np.testing.assert_allclose(jobs, 1000 * 1.3 ** (run.times - 2015), rtol=1e-12)
    busy = jobs * 100 * 8 / (8766 * 0.5)
    np.testing.assert_allclose(run.array("equipment_in_service", equipment="gpu"), busy, rtol=1e-9)
    np.testing.assert_allclose(run.array("equipment_in_service", equipment="gpu_server"), busy / 8, rtol=1e-9)
    made = run.array("impact", category="climate_change", phase="manufacturing", workload="inference")
    gpus = run.array("equipment_manufactured", equipment="gpu")
    servers = run.array("equipment_manufactured", equipment="gpu_server")
    np.testing.assert_allclose(made, gpus * 150 + servers * 2500, rtol=1e-9)
    assert made[1:].min() > 0
    data_centres = run.array("impact", category="climate_change", phase="manufacturing", part="data_centres")
    servers_of_dc = run.array("impact", category="climate_change", phase="manufacturing", layer="dc")
    np.testing.assert_allclose(data_centres, made + servers_of_dc, rtol=1e-9)


def test_the_sites_figure_has_a_panel_per_network(toy: Results) -> None:
    """A fixed network's lines (a site each) would hide the radio sites of a mobile network: each network its
    panel, its generations only, on its own scale."""
    from matplotlib.collections import PolyCollection

    from simulator.plots import plot_sites

    fig = plot_sites(toy).figure
    panels = [ax for ax in fig.axes if ax.get_title(loc="left")]
    assert [ax.get_title(loc="left") for ax in panels] == ["Mobile: radio sites", "Fixed: lines (a site each)"]
    drawn = [{c.get_label() for c in ax.collections if isinstance(c, PolyCollection)} for ax in panels]
    assert drawn == [{"4G"}, {"DSL", "FTTH"}]


def test_contributions_follow_the_graph_from_services_to_networks_and_devices(toy: Results) -> None:
    """Issue 13.6: who uses what is read from the dependency graph: web is carried by the mobile network
    only, so it has no share of the fixed lines; the TVs serve video for half of their use (times its
    usage ratio); by service, the parts add up to the total."""
    table = toy.contributions()
    climate = table[table["category"] == "climate_change"]
    by_service = climate[climate["by"] == "service"].set_index("name")["value"]
    by_owner = climate[climate["by"] == "owner"].set_index("name")["value"]
    assert by_service.sum() == pytest.approx(climate[climate["by"] == "owner"]["value"].sum(), rel=1e-9)
    users = toy._users_of_owners()
    assert set(users["generation:FTTH"]) == {"video"} and set(users["layer:core"]) == {"video", "web"}
    np.testing.assert_allclose(users["generation:FTTH"]["video"], 1.0)
    ratio = toy.array("usage_ratio", service="video")
    np.testing.assert_allclose(users["device:tv"]["video"], 0.5 * ratio / (0.5 + 0.5 * ratio), rtol=1e-12)
    fixed = by_owner["generation:DSL"] + by_owner["generation:FTTH"]
    assert by_service["video"] > fixed and by_service["devices"] < by_owner["device:tv"]


def test_a_workloads_gain_is_an_innovation_with_its_own_rebound() -> None:
    """``compute_gain:NAME``: the run without the workload's gain keeps its accelerator power of the start;
    with an elasticity of 0.5 to the cost of a job (its electricity), part of the saving comes back."""
    data = copy.deepcopy(TOY)
    data["compute"] = {"workloads": {"training": {
        "jobs": "10 job/yr", "hours": "1000 h", "accelerators": 64, "accelerator_power": "400 W",
        "efficiency_gain": 0.2, "elasticity": 0.5}}}
    data["rebound"] = {"innovations": ["compute_gain:training"]}
    run = _run(data)
    without = run.array("energy", "without:compute_gain:training", workload="training")
    np.testing.assert_allclose(without, 10 * 1000 * 64 * 400 / 1000, rtol=1e-12)
    r = run.summary()["innovations"]["compute_gain:training"]["energy"]["rebound"]
    assert 0.05 < r < 0.95


def test_data_stored_draws_its_power_and_holds_its_drives() -> None:
    """Issue 13.3, storage: energy = TB stored × W/TB × 8,766 h × PUE (the power falling by its gain);
    drives per TB stored are a fleet."""
    data = copy.deepcopy(TOY)
    data["compute"] = {"storage": {"cloud": {"stored": "2 PB", "growth": 0.25, "power": "2 W/TB",
                                              "efficiency_gain": 0.1, "pue": 1.4, "region": "abroad",
                                              "equipment": {"hdd": 0.0625}}}}
    data["equipment"]["hdd"] = {"lifetime": 5, "embodied": {"climate_change": "30 kg CO2e"}}
    run = _run(data)
    years = run.times - 2015
    stored = 2000 * 1.25 ** years
    np.testing.assert_allclose(run.array("data_stored", workload="cloud"), stored, rtol=1e-12)
    energy = stored * 2 * 0.9 ** years * KWH_PER_WATT_YEAR * 1.4
    np.testing.assert_allclose(run.array("energy", workload="cloud"), energy, rtol=1e-9)
    np.testing.assert_allclose(run.array("equipment_in_service", equipment="hdd"), stored / 16, rtol=1e-9)
    assert not run.has("compute_jobs")
    imported = run.array("impact", category="climate_change", scope="imported")
    assert imported.min() > run.array("energy", workload="cloud").min() * 0.5


def test_a_networks_own_fixed_cost_is_spread_over_its_own_traffic_only() -> None:
    """``networks.fixed.fixed_cost``: the fixed network's gigabytes get cheaper as its traffic grows over a
    constant cost, so video (on it) responds; web, on the mobile network alone, does not move at all."""
    data = copy.deepcopy(TOY)
    data["demand"]["services"]["video"]["networks"] = {"fixed": 1.0}
    before = _run(data)
    data["networks"]["fixed"]["fixed_cost"] = "200 kEUR/yr"
    run = _run(data)
    np.testing.assert_array_equal(run.array("traffic", service="web"), before.array("traffic", service="web"))
    assert run.array("traffic", service="video")[-1] > before.array("traffic", service="video")[-1] * 1.05


def test_a_whole_sector_graph_is_drawn_grouped_by_part():
    """Issue 13.6: at the size of world-digital, `jevons graph` draws one column per part (devices, networks,
    data centres), each owner in its part's column, equipment under its owner's part, impacts as one box."""
    from conftest import SCENARIOS

    from simulator.graph import build_graph
    from simulator.plots.dependency_graph import GROUPED_ABOVE, plot_graph

    scenario = simulator.load_scenario(SCENARIOS / "world-digital.yaml")
    graph = build_graph(scenario)
    assert len(graph) > GROUPED_ABOVE
    ax = plot_graph(graph, scenario=scenario)
    at = {t.get_text().replace("\n", " "): t.get_position()[0] for t in ax.texts}
    assert {"Devices", "Networks", "Data centres"} <= set(at)
    assert at["Devices"] < at["Networks"] < at["Data centres"]
    assert abs(at["FTTH"] - at["Networks"]) < abs(at["FTTH"] - at["Devices"])
    assert abs(at["Server R740"] - at["Data centres"]) < abs(at["Server R740"] - at["Networks"])
    assert [t for t in at if t.startswith("impacts")] == ["impacts (5 categories)"]
    assert not any(t in at for t in ("Climate change", "E-waste"))


def test_the_live_page_names_bands_by_their_labels():
    """Issue 14.4: the live page's energy bands carry the scenario's labels, in the page's language."""
    from simulator.serve.charts import Charts
    from simulator.serve.explorer import Explorer

    data = copy.deepcopy(TOY)
    data["generations"]["FTTH"]["label"] = {"en": "Fibre to the home", "fr": "Fibre optique"}
    data["devices"]["tv"]["label"] = {"en": "Television", "fr": "Téléviseur"}
    data["explore"] = {"elasticity": {"path": "demand.services.video.elasticity", "min": 0, "max": 2, "step": 0.5,
                                      "label": {"en": "Elasticity", "fr": "Élasticité"}}}
    scenario = simulator.scenario_from_dict(data)
    reference = simulator.simulate(scenario)
    for lang, fibre, tv in (("en", "Fibre to the home", "Television"), ("fr", "Fibre optique", "Téléviseur")):
        names = [band["name"] for _, band in Charts(Explorer(scenario), reference, lang).bands]
        assert fibre in names and any(name.startswith(tv) for name in names), names


def test_the_electricity_of_manufacturing_is_counted_at_the_makers_grid():
    """Issue 13.4: a unit's manufacturing electricity is counted at the grid of the region where it is made, in
    the year it is made (a table), added to its embodied impact and imported when made abroad."""
    data = copy.deepcopy(TOY)
    data["regions"]["abroad"]["climate_change"] = {2015: "0.8 kg CO2e/kWh", 2035: "0.2 kg CO2e/kWh"}
    data["equipment"]["tvset"]["manufacturing_electricity"] = "200 kWh"
    data["equipment"]["radio"]["manufacturing_electricity"] = "1000 kWh"  # made at home (grid 0.05)
    run = _run(data)
    grid = np.interp(run.times, [2015, 2035], [0.8, 0.2])
    tv = run.array("equipment_manufactured", equipment="tvset")
    np.testing.assert_allclose(run.array("impact", category="climate_change", phase="manufacturing",
                                          equipment="tvset"), tv * (400 + 200 * grid), rtol=1e-9)
    radios = run.array("equipment_manufactured", equipment="radio")
    np.testing.assert_allclose(run.array("impact", category="climate_change", phase="manufacturing",
                                          equipment="radio"), radios * (500 + 1000 * 0.05), rtol=1e-9)
    by_equipment = sum(run.array("impact", category="climate_change", phase="manufacturing", equipment=e)
                       for e in ("radio", "box", "server", "tvset"))
    np.testing.assert_allclose(run.array("impact", category="climate_change", phase="manufacturing"), by_equipment,
                               rtol=1e-9)
    made_abroad = sum(run.array("impact", category="climate_change", phase="manufacturing", equipment=e)
                      for e in ("box", "server", "tvset"))
    np.testing.assert_allclose(run.array("impact", category="climate_change", scope="imported"),
                               made_abroad + run.array("energy", layer="dc") * grid, rtol=1e-9)
    by_part = sum(run.array("impact", category="climate_change", phase="manufacturing", part=p)
                  for p in ("devices", "networks", "data_centres"))
    np.testing.assert_allclose(by_part, by_equipment, rtol=1e-9)


@pytest.mark.parametrize("name", ["world-digital", "france"])
def test_the_live_page_serves_the_whole_sector_scenarios(name):
    """Issue 13.9: the new scenarios have sliders, and a move gives a page's charts."""
    from conftest import SCENARIOS

    from simulator.serve.charts import Charts
    from simulator.serve.explorer import Explorer

    scenario = simulator.load_scenario(SCENARIOS / f"{name}.yaml")
    reference = simulator.simulate(scenario)
    charts = Charts(Explorer(scenario), reference, "fr")
    assert len(charts.bands) > 5 and scenario.explore


def test_the_marginal_rebound_leaves_out_the_fixed_power_no_efficiency_path_acts_on():
    """A layer's fixed power is a path of its own (a table), not an efficiency path: one more percent of
    efficiency promises nothing on it. Without any demand response the marginal rebound is then 0, not the
    fixed power's share of the energy (which 1 + ∂lnE/∂lnη alone would read)."""
    from simulator.rebound import marginal

    data = copy.deepcopy(TOY)
    for service in data["demand"]["services"].values():
        service["elasticity"] = 0.0
    run = _run(data)
    fixed = run.array("energy_fixed")
    assert (fixed[1:] / run.array("energy")[1:]).min() > 0.05  # a share a naive reading would report
    np.testing.assert_allclose(marginal(run, "energy")[1:], 0.0, atol=1e-4)  # a one-sided difference of 0.1 %

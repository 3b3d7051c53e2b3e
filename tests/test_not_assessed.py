"""Not assessed is not zero; lifetime policies do not create artefacts (issue 16, points 5 and 6).

A scenario that gives no factor for an impact phase gets "not assessed" for it: empty and
flagged in the CSV tables, null with a reason in summary.json, said so in figures, one
warning line per category on the command line; a factor written as 0 stays a real 0.
Survival is a Weibull law unless the scenario says ``fixed``, and a lifetime policy on a
fixed life warns. Final-year figures are means over the last year of steps, and say so.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
import yaml

matplotlib.use("Agg")

import simulator  # noqa: E402
from simulator.cli import main  # noqa: E402
from simulator.compare import compare  # noqa: E402
from simulator.model.impacts import not_assessed  # noqa: E402
from simulator.plots import plot_contributions, plot_impacts  # noqa: E402
from simulator.plots.style import root_figure  # noqa: E402
from simulator.scenario.load import scenario_from_dict  # noqa: E402
from simulator.scenario.schema import Equipment  # noqa: E402

#: A radio network whose equipment gives climate change and a real 0 of water for
#: manufacturing, a mass (hence e-waste at end of life) and nothing else; the grid gives
#: climate change only (primary energy has its default, 3.6 MJ/kWh).
PARTIAL = {
    "name": "partial-factors",
    "time": {"start": 2010, "end": 2030, "step": 0.25},
    "demand": {"users": "1000 user", "services": {"data": {"usage": "2 GB/month", "elasticity": 0.5}}},
    "generations": {"net": {"launch": 2005, "energy_intensity": "1 kWh/GB", "efficiency_gain": 0.1,
                            "idle_power": "500 W", "coverage_sites": 10, "equipment": {"radio": 2}}},
    "equipment": {"radio": {"lifetime": "8 yr", "mass": "20 kg",
                            "embodied": {"climate_change": "500 kg CO2e", "water": "0 m**3"}}},
    "grid": {"climate_change": "400 g CO2e/kWh"},
}
EXPECTED = {
    "climate_change": {"end_of_life": "no equipment sets end_of_life.climate_change"},
    "mineral_resources": {"manufacturing": "no equipment sets embodied.mineral_resources",
                          "use": "grid.mineral_resources is not set",
                          "end_of_life": "no equipment sets end_of_life.mineral_resources"},
    "primary_energy": {"manufacturing": "no equipment sets embodied.primary_energy",
                       "end_of_life": "no equipment sets end_of_life.primary_energy"},
    "water": {"use": "grid.water is not set", "end_of_life": "no equipment sets end_of_life.water"},
    "e_waste": {"manufacturing": "no equipment sets embodied.e_waste"},
}


@pytest.fixture(scope="module")
def results() -> simulator.Results:
    return simulator.simulate(scenario_from_dict(copy.deepcopy(PARTIAL)))


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> tuple[Path, str]:
    """``jevons run`` of PARTIAL: its output folder and what it printed."""
    folder = tmp_path_factory.mktemp("partial")
    path = folder / "partial.yaml"
    path.write_text(yaml.safe_dump(PARTIAL, sort_keys=False), encoding="utf-8")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["run", str(path), "--no-plots", "-o", str(folder / "out")]) == 0
    return folder / "out", printed.getvalue()


def test_a_phase_is_not_assessed_when_no_contributor_gives_a_factor() -> None:
    assert not_assessed(scenario_from_dict(copy.deepcopy(PARTIAL))) == EXPECTED
    complete = copy.deepcopy(PARTIAL)
    complete["equipment"]["radio"]["end_of_life"] = {"climate_change": "5 kg CO2e"}
    assert "climate_change" not in not_assessed(scenario_from_dict(complete))
    bare = copy.deepcopy(PARTIAL)
    del bare["generations"]["net"]["equipment"], bare["equipment"]
    assert not_assessed(scenario_from_dict(bare))["climate_change"] == {
        "manufacturing": "the scenario has no equipment", "end_of_life": "the scenario has no equipment"}


def test_not_assessed_is_nan_and_a_factor_of_zero_is_a_real_zero(results: simulator.Results) -> None:
    assert np.isnan(results.all_variants("impact", category="mineral_resources")).all()
    assert np.isnan(results.all_variants("impact", category="climate_change", phase="end_of_life")).all()
    assert np.isnan(results.all_variants("impact", category="mineral_resources", phase="use", generation="net")).all()
    water_made = results.all_variants("impact", category="water", phase="manufacturing")
    assert np.isfinite(water_made).all() and not water_made.any()  # embodied water given as 0
    assert results.all_variants("equipment_manufactured", equipment="radio").any()
    climate = results.all_variants("impact", category="climate_change")  # partial: manufacturing + use
    parts = sum(results.all_variants("impact", category="climate_change", phase=ph) for ph in ("manufacturing", "use"))
    np.testing.assert_allclose(climate, parts)
    assert results.note("impact", category="climate_change") == "partial: end_of_life not assessed"
    assert results.note("impact", category="mineral_resources") == "not assessed"
    assert results.note("impact", category="water", phase="manufacturing") == ""


def test_csv_tables_leave_them_empty_and_flagged(run: tuple[Path, str]) -> None:
    out, _ = run
    table = pd.read_csv(out / "timeseries.csv", keep_default_na=False)
    assert table.columns[-1] == "note"
    empty = table["value"] == ""
    assert (table.loc[empty, "note"] == "not assessed").all()  # nothing is empty without saying why
    mineral = table[(table.variable == "impact") & (table.category == "mineral_resources") & (table.phase == "")
                    & (table.part == "")]
    assert len(mineral) == 3 * 81 and (mineral["value"] == "").all() and (mineral["note"] == "not assessed").all()
    eol = table[(table.variable == "impact") & (table.category == "climate_change") & (table.phase == "end_of_life")
                & (table.equipment == "") & (table.generation == "") & (table.part == "")]
    assert len(eol) == 3 * 81 and (eol["value"] == "").all()
    climate = table[(table.variable == "impact") & (table.category == "climate_change") & (table.phase == "")
                    & (table.part == "")]
    assert (climate["note"] == "partial: end_of_life not assessed").all()
    assert (pd.to_numeric(climate["value"]) > 0).all()
    water = table[(table.variable == "impact") & (table.category == "water") & (table.phase == "manufacturing")
                  & (table.equipment == "")]
    assert (pd.to_numeric(water["value"]) == 0).all() and (water["note"] == "").all()  # a real zero
    contributions = pd.read_csv(out / "contributions.csv", keep_default_na=False)
    rows = contributions[contributions.category == "mineral_resources"]
    assert len(rows) and (rows["value"] == "").all() and (rows["note"] == "not assessed").all()
    electricity = contributions[(contributions.category == "climate_change") & (contributions.name == "electricity")]
    assert electricity["note"].tolist() == [""]  # the use phase is whole without end of life
    radio = contributions[(contributions.category == "climate_change") & (contributions.name == "radio")]
    assert radio["note"].tolist() == ["partial: end_of_life not assessed"]


def test_summary_gives_null_with_a_reason(run: tuple[Path, str]) -> None:
    out, _ = run
    summary = json.loads((out / "summary.json").read_text())
    mineral = summary["totals"]["mineral_resources"]
    assert mineral["actual"] is None and mineral["engineering"] is None and mineral["frozen"] is None
    assert set(mineral["by_phase"].values()) == {None}
    assert mineral["not_assessed"] == EXPECTED["mineral_resources"] and mineral["partial"] is False
    climate = summary["totals"]["climate_change"]
    assert climate["actual"] > 0 and climate["partial"] is True
    assert climate["by_phase"]["end_of_life"] is None and climate["by_phase"]["manufacturing"] > 0
    assert climate["not_assessed"] == {"end_of_life": "no equipment sets end_of_life.climate_change"}
    final = summary["final_year"]["climate_change"]
    assert final["by_phase"]["end_of_life"] is None and final["partial"] is True
    assert summary["totals"]["water"]["by_phase"]["manufacturing"] == 0.0  # a real zero stays a number
    assert "not_assessed" not in summary["totals"]["energy"]
    assert summary["rebound"]["mineral_resources"] is None


def test_the_command_line_warns_once_per_category(run: tuple[Path, str]) -> None:
    _, printed = run
    notes = [line for line in printed.splitlines() if line.startswith("note:")]
    for category in EXPECTED:
        mine = [line for line in notes if line.startswith((f"note: {category}:", f"note: {category} not assessed"))]
        assert len(mine) == 1, (category, notes)
        assert "not 0" in mine[0]
    assert "note: mineral_resources not assessed (" in printed
    assert "note: climate_change: end_of_life not assessed (" in printed


def test_figures_say_not_assessed_instead_of_drawing_zero(results: simulator.Results) -> None:
    def texts(ax) -> list[str]:
        fig = root_figure(ax)
        found = [t.get_text() for t in fig.findobj(matplotlib.text.Text)]
        return [t.replace("\n", " ") for t in found]

    impacts = texts(plot_impacts(results))
    assert impacts.count("not assessed in this scenario") == 1  # mineral resources
    assert "not assessed: end of life" in impacts  # climate change
    assert "not assessed: use and end of life" in impacts  # water: its manufacturing is a real 0...
    assert impacts.count("zero in this scenario") == 1  # ...drawn as such
    french = texts(plot_impacts(results, lang="fr"))
    assert "non évalué dans ce scénario" in french
    contributions = texts(plot_contributions(results))
    assert contributions.count("not assessed in this scenario") == 3  # mineral resources, in each panel
    assert any("(excl. end of life)" in t for t in contributions)
    mineral = plot_impacts(results, category="mineral_resources")
    assert not mineral.patches  # no bar at all


def test_comparison_flags_them_and_compares_only_like_with_like(results: simulator.Results) -> None:
    complete = copy.deepcopy(PARTIAL)
    complete["name"] = "with-end-of-life"
    complete["equipment"]["radio"]["end_of_life"] = {"climate_change": "5 kg CO2e"}
    comparison = compare([results, simulator.simulate(scenario_from_dict(complete))])
    table = comparison.to_frame().set_index(["scenario", "quantity", "phase", "statistic"])
    row = table.loc[("partial-factors", "mineral_resources", "", "cumulative")]
    assert np.isnan(row["value"]) and row["note"] == "not assessed"
    other = table.loc[("with-end-of-life", "climate_change", "", "cumulative")]
    assert other["note"] == "" and np.isnan(other["difference"])  # a whole total against a partial one
    same = table.loc[("with-end-of-life", "climate_change", "manufacturing", "cumulative")]
    assert same["difference"] == pytest.approx(0.0, abs=1e-6 * same["value"])
    assert table.loc[("partial-factors", "energy", "", "final_year"), "period"] == "2029-2030"
    assert any(n.startswith("climate_change not assessed in partial-factors (end_of_life)") for n in comparison.notes)
    assert not any("not assessed" in n for n in comparison.figure_notes)
    payload = comparison.to_dict()["scenarios"]["partial-factors"]["mineral_resources"]["total"]["cumulative"]
    assert payload["value"] is None and payload["note"] == "not assessed"


# --- lifetimes and the final year ------------------------------------------------------------

PHONES = {
    "name": "phones",
    "time": {"start": 2010, "end": 2030, "step": 0.25},
    "demand": {"users": "1000 user", "services": {"data": {"usage": "2 GB/month"}}},
    "generations": {"net": {"launch": 2005, "energy_intensity": "1 kWh/GB"}},
    "devices": {"phone": {"equipment": "phone"}},
    "equipment": {"phone": {"lifetime": "2.5 yr", "mass": "0.2 kg", "embodied": {"climate_change": "80 kg CO2e"}}},
    "grid": {"climate_change": "400 g CO2e/kWh"},
}
LONGER = {"type": "lifetime", "at": 2027.5, "equipment": "phone", "lifetime": "4 yr"}


def _phones(survival: str | None = None, policy: bool = True) -> simulator.Results:
    data = copy.deepcopy(PHONES)
    if survival is not None:
        data["equipment"]["phone"]["survival"] = survival
    if policy:
        data["policies"] = [LONGER]
    return simulator.simulate(scenario_from_dict(data))


def test_survival_is_a_distribution_by_default() -> None:
    assert Equipment(lifetime=3.0).survival == "weibull"
    assert scenario_from_dict(copy.deepcopy(PHONES)).equipment["phone"].survival == "weibull"


def test_a_lifetime_policy_on_a_fixed_life_warns() -> None:
    fixed = _phones("fixed").summary()["notes"]
    warnings = [n for n in fixed if n.startswith("equipment.phone.survival is fixed")]
    assert len(warnings) == 1 and "2027.5" in warnings[0] and "survival: weibull" in warnings[0]
    assert not any("survival is fixed" in n for n in _phones().summary()["notes"])  # Weibull: no artefact
    assert not any("survival is fixed" in n for n in _phones("fixed", policy=False).summary()["notes"])
    late = copy.deepcopy(PHONES)
    late["equipment"]["phone"]["survival"] = "fixed"
    late["policies"] = [{**LONGER, "at": 2031}]  # after time.end: never applies
    assert not any("survival is fixed" in n for n in simulator.simulate(scenario_from_dict(late)).summary()["notes"])


def test_the_command_line_prints_the_survival_warning(tmp_path: Path) -> None:
    data = copy.deepcopy(PHONES)
    data["equipment"]["phone"]["survival"] = "fixed"
    data["policies"] = [LONGER]
    path = tmp_path / "phones.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["run", str(path), "--no-plots", "-o", str(tmp_path / "out")]) == 0
    assert "note: equipment.phone.survival is fixed" in printed.getvalue()


def test_final_year_is_the_mean_of_the_last_year_of_steps() -> None:
    results = _phones()
    summary = results.summary()
    assert summary["final_year"]["window"] == [2029.0, 2030.0]
    energy = results.array("energy")
    assert summary["final_year"]["energy"]["actual"] == pytest.approx(energy[-5:-1].mean(), rel=1e-12)
    made = results.array("impact", category="climate_change", phase="manufacturing")
    assert summary["final_year"]["climate_change"]["by_phase"]["manufacturing"] == pytest.approx(made[-5:-1].mean())
    assert summary["verdict"]["to"] == 2030.0  # the verdict compares first- and final-year means
    coarse = copy.deepcopy(PHONES)
    coarse["time"]["step"] = 2.0
    assert simulator.simulate(scenario_from_dict(coarse)).final_window == (2028.0, 2030.0)  # at least one step


def test_a_lifetime_policy_does_not_empty_the_final_year() -> None:
    """Phones kept 4 years instead of 2.5 from 2027.5. With the default Weibull law, manufacturing
    falls at once and then recovers towards the steady state of 2.5/4 of the old rate. With a fixed
    life no phone retires, so none is made, for 1.5 years: a policy from 2028.75 makes the whole
    final year read 0 (−100 %), the artefact the warning is about."""
    before = _phones(policy=False).summary()["final_year"]["climate_change"]["by_phase"]["manufacturing"]
    weibull = _phones()
    after = weibull.summary()["final_year"]["climate_change"]["by_phase"]["manufacturing"]
    assert 0.5 < after / before < 0.9
    made = weibull.array("impact", category="climate_change", phase="manufacturing")
    assert made[weibull.times >= LONGER["at"]].min() > 0.3 * before  # no gap
    data = copy.deepcopy(PHONES)
    data["equipment"]["phone"]["survival"] = "fixed"
    data["policies"] = [{**LONGER, "at": 2028.75}]
    fixed = simulator.simulate(scenario_from_dict(data)).summary()
    assert fixed["final_year"]["climate_change"]["by_phase"]["manufacturing"] == 0.0
    assert any(n.startswith("equipment.phone.survival is fixed") for n in fixed["notes"])

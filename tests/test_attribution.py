"""Answers by year in a comparison, and what each measure contributes (Shapley values, issue 14).

Toy scenarios (conftest's STACKED, the classroom file) keep every simulation to a few milliseconds;
the properties of Shapley values are checked on the simulator's own games and on games given in
closed form.
"""

from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from conftest import STACKED

import simulator
from simulator.attribution import ALL, attribute, find_measures, shapley_exact, shapley_sampled
from simulator.cli import main
from simulator.compare import compare
from simulator.errors import ScenarioError
from simulator.scenario.load import load_scenario, scenario_from_dict

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
CLASSROOM = SCENARIOS / "classroom-jevons.yaml"

VIDEO_CAP = {"type": "traffic_scale", "at": 2015, "factor": 0.7, "services": ["video"]}
PHONES = {"type": "lifetime", "at": 2015, "equipment": "smartphone", "lifetime": 4}
GREEN_GRID = {"type": "grid", "at": 2015, "category": "climate_change", "factor": 0.5}
OLD_OFF = {"type": "switch_off", "at": 2012, "generation": "old"}
SURCHARGE = {"type": "surcharge", "at": 2018, "rate": 0.5}


def _pair(*policies: dict) -> tuple[simulator.Scenario, simulator.Scenario]:
    child = copy.deepcopy(STACKED)
    child["name"] = "stacked-measures"
    child["policies"] = [copy.deepcopy(q) for q in policies]
    return scenario_from_dict(STACKED), scenario_from_dict(child)


def _rows(attribution, quantity: str, statistic: str = "cumulative"):
    t = attribution.to_frame()
    return t[(t.quantity == quantity) & (t.statistic == statistic)]


# --- Shapley values -------------------------------------------------------------------------


def test_shares_add_up_to_the_difference_and_alone_plus_interaction_too():
    parent, child = _pair(VIDEO_CAP, OLD_OFF, SURCHARGE)
    result = attribute(child, parent, years=[2020], since=2012)
    assert result.method == "exact" and result.runs == 8 and len(result.measures) == 3
    direct = simulator.run(child).total("energy") - simulator.run(parent).total("energy")
    for quantity in ("energy", "traffic", "climate_change"):
        for statistic in ("cumulative", "calendar_year_mean", "cumulative_since"):
            rows = _rows(result, quantity, statistic)
            total = rows[rows.measure == ALL].iloc[0]
            shares = rows[rows.measure != ALL]
            assert shares.shapley.sum() == pytest.approx(total.shapley, rel=1e-9, abs=1e-9 * abs(total.parent))
            assert shares.alone.sum() + total.interaction == pytest.approx(total.shapley, rel=1e-12)
            assert total.scenario - total.parent == pytest.approx(total.shapley, rel=1e-9)
    energy = _rows(result, "energy")
    assert energy[energy.measure == ALL].shapley.iloc[0] == pytest.approx(direct, rel=1e-9)
    assert abs(energy[energy.measure == ALL].interaction.iloc[0]) > 1e-6 * abs(direct)  # a game with interactions


def test_two_identical_measures_get_equal_shares():
    parent, child = _pair(VIDEO_CAP, VIDEO_CAP)  # the second replaces the first: together they do what one does
    result = attribute(child, parent)
    for quantity in ("energy", "traffic", "climate_change"):
        rows = _rows(result, quantity)
        a, b, total = rows.shapley.tolist()
        assert a == b == pytest.approx(total / 2, rel=1e-12)
        alone = rows[rows.measure != ALL].alone.tolist()
        assert alone == pytest.approx([total, total], rel=1e-12)
        assert rows[rows.measure == ALL].interaction.iloc[0] == pytest.approx(-total, rel=1e-12)


def test_independent_measures_get_their_effect_alone_and_no_interaction():
    # longer-lived phones change manufacturing only, a cleaner grid the use phase only: climate change adds up
    parent, child = _pair(PHONES, GREEN_GRID)
    result = attribute(child, parent)
    rows = _rows(result, "climate_change")
    shares, total = rows[rows.measure != ALL], rows[rows.measure == ALL].iloc[0]
    assert all(abs(v) > 1e6 for v in shares.shapley)  # both matter (kg CO2e)
    np.testing.assert_allclose(shares.shapley, shares.alone, rtol=1e-9)
    assert abs(total.interaction) < 1e-9 * abs(total.shapley)
    base = simulator.run(parent).total("impact", category="climate_change")
    for policy, share in zip((PHONES, GREEN_GRID), shares.shapley, strict=True):
        only = simulator.run(_pair(policy)[1]).total("impact", category="climate_change")
        assert share == pytest.approx(only - base, rel=1e-9)


def test_sampled_shares_agree_with_exact_ones_within_their_error():
    parent, child = _pair(VIDEO_CAP, OLD_OFF, SURCHARGE)
    exact = attribute(child, parent)
    sampled = attribute(child, parent, exact_up_to=0, permutations=40, seed=3)
    assert sampled.method == "sampled" and sampled.permutations == 40
    for quantity in ("energy", "climate_change"):
        e, s = _rows(exact, quantity), _rows(sampled, quantity)
        error = s.standard_error.to_numpy()
        assert np.all(error[:-1] > 0)  # the orders differ: each share has a sampling error
        assert np.all(np.abs(s.shapley.to_numpy() - e.shapley.to_numpy()) <= 4 * error + 1e-9 * abs(e.shapley.iloc[-1]))
        assert s.shapley.iloc[:-1].sum() == pytest.approx(e.shapley.iloc[-1], rel=1e-9)  # still efficient


def _game(n: int):
    """A game with pairwise interactions and a three-way one, in closed form: v(S) = Σ a_i + Σ b_ij + c·[0,1,2 ∈ S]."""
    rng = np.random.default_rng(7)
    a, b = rng.normal(size=n), rng.normal(size=(n, n))

    def v(s: frozenset[int]) -> np.ndarray:
        pairs = sum((b[i, j] for i, j in itertools.combinations(sorted(s), 2)), 0.0)
        return np.array([a[list(s)].sum() + pairs + (3.0 if {0, 1, 2} <= s else 0.0)])

    values = {frozenset(c): v(frozenset(c)) for k in range(n + 1) for c in itertools.combinations(range(n), k)}
    # each pair's term split between its two members, the three-way term between its three
    expected = np.array([a[i] + sum(b[min(i, j), max(i, j)] for j in range(n) if j != i) / 2 + (1.0 if i < 3 else 0.0)
                         for i in range(n)])
    return values, expected


def test_exact_shapley_values_of_a_game_in_closed_form():
    values, expected = _game(5)
    phi = shapley_exact(values, 5)[:, 0]
    np.testing.assert_allclose(phi, expected, rtol=1e-12)
    assert phi.sum() == pytest.approx(values[frozenset(range(5))][0], rel=1e-12)


def test_sampled_shapley_values_beyond_eight_measures_are_within_their_error():
    values, _ = _game(10)
    w = np.linspace(0.5, 2.0, 10)
    values = {s: v + (w[list(s)].sum()) ** 3 / 10 for s, v in values.items()}  # not cancelled by reversed orders
    exact = shapley_exact(values, 10)[:, 0]
    rng = np.random.default_rng(11)
    orders = []
    for _ in range(100):
        order = [int(i) for i in rng.permutation(10)]
        orders += [order, order[::-1]]
    phi, error = shapley_sampled(values, orders, 10)
    assert np.all(error[:, 0] > 1e-3 * np.abs(exact).max())  # a real sampling error, not rounding
    z = (phi[:, 0] - exact) / error[:, 0]
    assert np.all(np.abs(z) < 4), z
    assert np.abs(z).mean() > 0.2  # the errors are not wildly overstated either
    assert phi[:, 0].sum() == pytest.approx(values[frozenset(range(10))][0], rel=1e-9)


# --- measures ---------------------------------------------------------------------------------


def test_the_measures_of_the_shipped_policy_scenarios():
    baseline = load_scenario(SCENARIOS / "world-mobile.yaml")
    sobriety = find_measures(baseline, load_scenario(SCENARIOS / "sobriety.yaml"))
    assert [m.path for m in sobriety] == [f"policies.{i}" for i in range(8)]
    assert sobriety[0].name == "smartphone lifetime 4 yr from 2025"
    assert [m.name for m in sobriety[5:]] == ["video traffic ×0.6 from 2025", "2G switched off in 2026",
                                              "3G switched off in 2029"]
    fast = find_measures(baseline, load_scenario(SCENARIOS / "fast-efficiency.yaml"))
    assert [m.path for m in fast] == [*(f"generations.{g}" for g in ("2G", "3G", "4G", "5G", "6G")),
                                      "layers.core_transport", "layers.data_centres"]
    assert [m.path for m in find_measures(baseline, load_scenario(SCENARIOS / "no-5g.yaml"))] == ["generations.5G"]


def test_a_value_measure_rebuilds_the_scenario_and_a_dropped_policy_is_one():
    parent = copy.deepcopy(STACKED)
    parent["policies"] = [OLD_OFF]
    child = copy.deepcopy(STACKED)
    child["name"], child["description"] = "stacked-cleaner", "changes that are not measures"
    child["grid"]["water"] = "0.001 m**3/kWh"
    child["equipment"]["radio"]["lifetime"] = 12
    measures = find_measures(scenario_from_dict(parent), scenario_from_dict(child))
    assert [(m.path, m.kind) for m in measures] == [("-policies.0", "policy dropped"), ("equipment.radio", "value"),
                                                    ("grid.water", "value")]
    result = attribute(scenario_from_dict(child), scenario_from_dict(parent))
    assert result.runs == 8


def test_measures_that_cannot_be_taken_apart_are_refused():
    child = copy.deepcopy(STACKED)
    child["generations"]["newer"] = {"launch": 2020, "energy_intensity": "0.5 kWh/GB"}
    child["policies"] = [{"type": "switch_off", "at": 2028, "generation": "newer"}]
    with pytest.raises(ScenarioError, match="cannot be taken apart"):
        attribute(scenario_from_dict(child), scenario_from_dict(STACKED))
    with pytest.raises(ScenarioError, match="found no measure"):
        attribute(scenario_from_dict(STACKED), scenario_from_dict(STACKED))
    later = copy.deepcopy(STACKED)
    later["time"]["end"] = 2035
    with pytest.raises(ScenarioError, match="expected the same horizon"):
        attribute(scenario_from_dict(later), scenario_from_dict(STACKED))


# --- answers by year ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def classroom_runs():
    return [simulator.run(CLASSROOM), simulator.run(CLASSROOM, ["demand.services.data.elasticity=0.5"])]


def test_rows_by_year_are_means_over_the_calendar_year_and_totals_since(classroom_runs):
    plain = compare(classroom_runs).to_frame()
    comparison = compare(classroom_runs, years=[2029, 2020], since=2015)
    table = comparison.to_frame()
    assert table.iloc[:len(plain)].equals(plain)  # the rows without years are unchanged
    assert list(table.columns) == list(plain.columns)
    t = classroom_runs[1].times
    energy = classroom_runs[1].array("energy")
    reference = classroom_runs[0].array("energy")
    for year in (2020, 2029):
        rows = table[(table.scenario == "classroom-jevons #2") & (table.quantity == "energy")
                     & table.period.isin([f"{year}-{year + 1}", f"2015-{year + 1}"])]
        mean, since = rows.set_index("statistic").loc[["calendar_year_mean", "cumulative_since"]].itertuples()
        in_year = (t >= year) & (t < year + 1)
        assert (mean.unit, mean.period) == ("kWh/yr", f"{year}-{year + 1}")
        assert mean.value == pytest.approx(energy[in_year].mean(), rel=1e-12)
        assert mean.difference == pytest.approx(energy[in_year].mean() - reference[in_year].mean(), rel=1e-9)
        assert (since.unit, since.period) == ("kWh", f"2015-{year + 1}")
        assert since.value == pytest.approx(energy[(t >= 2015) & (t < year + 1)].sum() * 0.25, rel=1e-12)
    data = comparison.to_dict()
    assert data["years"] == [2020, 2029] and data["since"] == 2015
    entry = data["scenarios"]["classroom-jevons"]["climate_change"]["total"]["calendar_year_mean"]["2029"]
    assert entry["unit"] == "kg CO2e/yr" and entry["period"] == "2029-2030"
    lines = comparison.year_lines()
    assert any(line.startswith("  classroom-jevons #2 2029: energy") and "%" in line for line in lines)


def test_figures_over_time_mark_the_years(classroom_runs):
    from simulator.plots import COMPARISON_FIGURES
    from simulator.plots.style import root_figure

    comparison = compare(classroom_runs, years=[2020], since=2015)
    for stem in ("compare_energy", "compare_climate_over_time"):
        ax = COMPARISON_FIGURES[stem](comparison)
        texts = [t.get_text() for t in ax.texts]
        assert "2020" in texts and " totals from 2015" in texts
        dots = [line for line in ax.get_lines() if line.get_marker() == "o"]
        assert len(dots) == 2 and all(line.get_xdata()[0] == 2020.5 for line in dots)
        assert any(t.get_gid() == "source" for t in root_figure(ax).texts)
    climate = COMPARISON_FIGURES["compare_climate_over_time"](comparison)
    assert "CO₂e" in climate.get_ylabel() or "CO2e" in climate.get_ylabel()


# --- the command line -----------------------------------------------------------------------


def _child(tmp_path: Path) -> Path:
    path = tmp_path / "classroom-measures.yaml"
    path.write_text(f"extends: {CLASSROOM}\nname: classroom-measures\npolicies:\n"
                    "  - {type: surcharge, at: 2015, rate: 0.5}\n"
                    "  - {type: traffic_scale, at: 2020, factor: 0.8}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("arguments, message", [
    (["--years", "2031"], "--years: found 2031, expected a calendar year of the runs' common years, 2010 to 2030"),
    (["--years", "2020;2025"], "--years: found '2020;2025', expected calendar years separated by commas"),
    (["--years", "2020,", "--from", "2015"], "expected calendar years separated by commas"),
    (["--years", "2020", "--from", "2021"], "--from: found 2021, after the year 2020 of --years"),
    (["--years", "2020", "--from", "2015.1"], "--from: found 2015.1, expected instants of every run"),
    (["--years", "2020", "--from", "then"], "--from: found 'then', expected a year"),
    (["--from", "2015"], "found --from without --years"),
    (["--years", "2009"], "expected a calendar year of the runs' common years, 2010 to 2030 (2030, where they stop, "
                          "reads their last year of steps, 2029-2030)"),
])
def test_bad_years_exit_2_and_write_nothing(tmp_path, capsys, arguments, message):
    out = tmp_path / "out"
    assert main(["compare", str(CLASSROOM), str(CLASSROOM), "-o", str(out), *arguments]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()
    assert main(["compare", "--attribute", str(_child(tmp_path)), "-o", str(out), *arguments]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_bad_attribute_input_exits_2(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["compare", "--attribute", str(CLASSROOM), "-o", str(out)]) == 2
    assert "found no extends: in" in capsys.readouterr().err
    assert main(["compare", str(CLASSROOM), "--attribute", str(_child(tmp_path)), "-o", str(out)]) == 2
    assert "compare needs at least two scenario files" in capsys.readouterr().err
    assert main(["compare", "--attribute", str(_child(tmp_path)), "--permutations", "1", "-o", str(out)]) == 2
    assert not out.exists()


def test_attribute_writes_its_table_and_figure(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["compare", "--attribute", str(_child(tmp_path)), "--years", "2025,2030", "--from", "2020", "-o",
                 str(out), "--format", "svg", "--dpi", "30"]) == 0  # 2030: the year the runs end at
    printed = capsys.readouterr().out
    assert "classroom-measures vs classroom-jevons: 2 measures, exact Shapley values (4 runs)" in printed
    assert "surcharge +50 % on the price of a GB from 2015" in printed
    assert sorted(p.name for p in (out / "plots").iterdir()) == ["attribution.svg", "attribution_2025.svg",
                                                                 "attribution_2030.svg"]
    data = json.loads((out / "attribution.json").read_text())
    assert data["method"] == "exact" and [m["path"] for m in data["measures"]] == ["policies.0", "policies.1"]
    energy = data["quantities"]["energy"]["cumulative_since"]["2020-2026"]
    assert energy["unit"] == "kWh" and set(energy["measures"]) == {"policies.0", "policies.1", ALL}
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest) >= {"parent", "scenario"} and manifest["scenario"]["scenario"]["name"] == "classroom-measures"


def test_compare_and_attribute_in_one_folder(tmp_path, capsys):
    out = tmp_path / "out"
    child = _child(tmp_path)
    assert main(["compare", str(CLASSROOM), str(child), "--attribute", "classroom-measures", "--years", "2025",
                 "-o", str(out), "--no-plots"]) == 0
    printed = capsys.readouterr().out
    assert "classroom-measures 2025: CO2e" in printed and "2 measures" in printed
    assert {"comparison.csv", "attribution.csv", "manifest.json"} <= {p.name for p in out.iterdir()}
    assert "attribution" in json.loads((out / "manifest.json").read_text())


def test_every_text_said_by_the_new_figures_has_a_french_translation():
    """Keys given to tr() by the figures by year and of attributions are all translated, with the same fields."""
    import ast
    import re

    from simulator.display.i18n import FRENCH

    keys = set()
    for name in ("comparison.py", "attribution.py"):
        for node in ast.walk(ast.parse((ROOT / "simulator" / "plots" / name).read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "tr" and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                keys.add(node.args[0].value)
    assert len(keys) > 20
    assert not sorted(k for k in keys if k not in FRENCH)
    for key in keys:
        assert set(re.findall(r"{(\w+)}", key)) == set(re.findall(r"{(\w+)}", FRENCH[key])), key

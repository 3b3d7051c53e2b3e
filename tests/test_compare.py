"""Scenario comparison and the policy scenarios.

Numbers consistent with single runs; each policy moves its headline figure the expected way.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

import simulator
from simulator.cli import main
from simulator.compare import compare

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


@pytest.fixture(scope="module")
def runs():
    names = ["world-mobile", "sobriety", "no-5g", "gb-tax", "fast-efficiency"]
    return {n: simulator.run(SCENARIOS / f"{n}.yaml") for n in names}


def test_comparison_values_and_differences_match_single_runs(runs):
    base, tax = runs["world-mobile"], runs["gb-tax"]
    table = compare([base, tax]).to_frame()
    for quantity, variable, labels in (("energy", "energy", {}), ("climate_change", "impact",
                                                                  {"category": "climate_change"})):
        rows = table[(table.quantity == quantity) & (table.phase == "") & (table.statistic == "cumulative")]
        a, b = base.total(variable, **labels), tax.total(variable, **labels)
        assert rows.value.tolist() == pytest.approx([a, b], rel=1e-12)
        assert rows.difference.tolist() == pytest.approx([0.0, b - a], rel=1e-9, abs=1e-6)
        assert rows.difference_pct.iloc[1] == pytest.approx(100 * (b - a) / a, rel=1e-9)
    phases = table[(table.quantity == "climate_change") & (table.statistic == "cumulative")
                   & (table.scenario == "gb-tax")]
    assert phases[phases.phase != ""].value.sum() == pytest.approx(phases[phases.phase == ""].value.iloc[0], rel=1e-9)


def test_different_horizons_are_compared_on_common_years(runs):
    classroom = simulator.run(SCENARIOS / "classroom-jevons.yaml")
    comparison = compare([runs["world-mobile"], classroom])
    assert (comparison.start, comparison.end) == (2010.0, 2030.0)
    assert "common years 2010-2030" in comparison.notes[0]
    table = comparison.to_frame()
    value = table[(table.scenario == "world-mobile") & (table.quantity == "energy") & (table.phase == "")
                  & (table.statistic == "cumulative")].value.iloc[0]
    t = runs["world-mobile"].times
    window = (t >= 2010) & (t < 2030)
    assert value == pytest.approx(runs["world-mobile"].array("energy")[window].sum() * 0.25, rel=1e-12)


def test_compare_cli_writes_csv_and_json(tmp_path, capsys):
    out = tmp_path / "cmp"
    assert main(["compare", str(SCENARIOS / "classroom-jevons.yaml"), str(SCENARIOS / "classroom-jevons.yaml"),
                 "--no-plots", "-o", str(out)]) == 0
    data = json.loads((out / "comparison.json").read_text())
    assert set(data["scenarios"]) == {"classroom-jevons", "classroom-jevons #2"}
    assert data["scenarios"]["classroom-jevons #2"]["energy"]["total"]["cumulative"]["difference"] == 0
    assert (out / "comparison.csv").exists() and (out / "manifest.json").exists()
    assert main(["compare", str(SCENARIOS / "classroom-jevons.yaml")]) == 2


def between(results, start, end):
    t = results.times
    return (t >= start) & (t < end)


def test_sobriety_cuts_manufacturing_e_waste_and_stacked_layers(runs):
    base, sob = runs["world-mobile"], runs["sobriety"]
    for cat in ("climate_change", "e_waste", "mineral_resources"):
        assert sob.total("impact", category=cat) < 0.85 * base.total("impact", category=cat)
    after = between(base, 2026, 2034)
    assert np.all(sob.array("sites", generation="2G")[after] == 0)
    assert np.all(base.array("sites", generation="2G")[after] > 0)
    assert sob.total("traffic") < base.total("traffic")


def test_no_5g_means_no_5g_sites_more_4g_sites_and_less_energy(runs):
    base, no5g = runs["world-mobile"], runs["no-5g"]
    assert np.all(no5g.array("sites", generation="5G") == 0)
    k = int(np.argmin(np.abs(base.times - 2030)))
    assert no5g.array("sites", generation="4G")[k] > 1.3 * base.array("sites", generation="4G")[k]
    assert no5g.total("energy") < base.total("energy")  # 5G's idle load outweighs its per-GB savings here
    np.testing.assert_allclose(no5g.array("traffic"), base.array("traffic"), rtol=0.02)  # the price barely moves


def test_gb_tax_cuts_traffic_after_2027_only(runs):
    base, tax = runs["world-mobile"], runs["gb-tax"]
    before, after = base.times < 2027, base.times >= 2028
    np.testing.assert_allclose(tax.array("traffic")[before], base.array("traffic")[before], rtol=1e-12)
    eps = tax.scenario.demand.services["video"].elasticity  # one fitted value for every service
    ratio = tax.array("traffic")[after] / base.array("traffic")[after]
    np.testing.assert_allclose(ratio[1:], 1.5 ** -eps, atol=0.003)  # a 50 % surcharge: traffic × 1.5^-ε
    assert tax.total("energy") < base.total("energy")


def test_fast_efficiency_cuts_energy_per_gb_and_energy(runs):
    base, fast = runs["world-mobile"], runs["fast-efficiency"]
    late = base.times >= 2010
    assert np.all(fast.array("energy_intensity")[late] < base.array("energy_intensity")[late])
    assert fast.total("energy") < 0.6 * base.total("energy")
    assert fast.total("impact", category="climate_change") < base.total("impact", category="climate_change")


def test_the_year_a_run_ends_at_reads_its_last_year_of_steps(classroom):
    """`--years 2030` on a run ending at the instant 2030: the mean over [2029, 2030), labelled so."""
    from simulator.compare import compare as compare_runs
    from simulator.compare import year_span

    run = simulator.simulate(simulator.scenario_from_dict(classroom))
    assert year_span(2030, 2030.0) == (2029.0, 2030.0) and year_span(2020, 2030.0) == (2020.0, 2021.0)
    table = compare_runs([run, run], years=[2020, 2030]).to_frame()
    row = table[(table.statistic == "calendar_year_mean") & (table.quantity == "energy")].iloc[-1]  # 2030's
    assert row["period"] == "2029-2030"
    t = run.times
    assert row["value"] == pytest.approx(run.array("energy")[(t >= 2029) & (t < 2030)].mean())


def test_scenarios_with_no_common_year_are_refused_before_any_run(tmp_path, capsys):
    """Bad input, not an internal error: exit 2, one located line, nothing written."""
    late = tmp_path / "late.yaml"
    text = (SCENARIOS / "classroom-jevons.yaml").read_text(encoding="utf-8")
    late.write_text(re.sub(r"(?m)^time: .*$", "time: {start: 2031, end: 2040, step: 0.25}", text), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["compare", str(SCENARIOS / "classroom-jevons.yaml"), str(late), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "no year in common" in err and "2031-2040" in err
    assert not out.exists()

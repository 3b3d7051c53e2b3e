"""Every shipped scenario validates and runs; the baseline against published figures.

The baseline was calibrated on some of these figures (see its header), so these tests
guard the calibration against regressions of the model; the classroom closed form and
the invariants of test_properties.py are the independent checks.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import simulator

SCENARIOS = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml"))


@pytest.fixture(scope="module")
def baseline():
    return simulator.run(Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml")


def at(results, year: float) -> int:
    return int(np.argmin(np.abs(results.times - year)))


def annual(results, variable: str, year: int, **labels) -> float:
    """Integral of a rate over one calendar year (e.g. kWh in 2015)."""
    values, t = results.series(variable, **labels), results.times
    return float(values[(t >= year) & (t < year + 1)].sum() * results.dt)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_shipped_scenario_validates_and_runs(path):
    scenario = simulator.load_scenario(path)
    assert scenario.description.strip(), "every shipped scenario states its question"
    results = simulator.simulate(scenario)
    for key, values in results.data.items():
        assert np.all(np.isfinite(values)), key
    assert results.summary()["totals"]["energy"]["actual"] > 0


@pytest.mark.parametrize("year,eb_per_month", [(2014, 3.2), (2015, 5.3), (2016, 8.8), (2022, 105.0)])
def test_baseline_global_mobile_traffic(baseline, year, eb_per_month):
    """Ericsson Mobility Reports (REFERENCE-DATA.md): EB/month; 2022: 93-118."""
    model = baseline.series("traffic")[at(baseline, year + 0.875)] / 12 / 1e9
    assert model == pytest.approx(eb_per_month, rel=0.3)


@pytest.mark.parametrize("year,kwh_per_gb", [(2015, 2.0), (2021, 0.25)])
def test_baseline_network_energy_per_gb(baseline, year, kwh_per_gb):
    """Ericsson: mobile network energy 2 kWh/GB (2015) -> 0.25 kWh/GB (2021)."""
    model = annual(baseline, "energy_intensity", year)  # mean over the year, kWh/GB
    assert model == pytest.approx(kwh_per_gb, rel=0.3)


def test_baseline_traffic_outgrows_energy_and_generations_stack(baseline):
    """Ericsson (Sweden, and globally): traffic x13 for +40 % energy; older generations keep drawing."""
    traffic_growth = annual(baseline, "traffic", 2022) / annual(baseline, "traffic", 2015)
    energy_growth = annual(baseline, "energy", 2022) / annual(baseline, "energy", 2015)
    assert traffic_growth > 10 and energy_growth < 3
    t22 = at(baseline, 2022)
    share_2g = baseline.series("traffic", generation="2G")[t22] / baseline.series("traffic")[t22]
    energy_2g = baseline.series("energy", generation="2G")[t22] / baseline.series("energy")[t22]
    assert share_2g < 0.01 and energy_2g > 0.05  # stacking: idle energy without traffic
    sites = sum(baseline.series("sites", generation=g)[t22] for g in ("2G", "3G", "4G", "5G"))
    assert 15e6 <= sites <= 20e6  # world base stations end-2022, REFERENCE-DATA.md [A]


def test_baseline_rebound_is_partial_and_induces_traffic(baseline):
    summary = baseline.summary()
    assert 0 < summary["rebound"]["energy"] < 1 and not summary["backfire"]["energy"]
    assert summary["induced"]["traffic"] > 1.0  # induced traffic more than doubles the no-rebound path
    by_phase = summary["totals"]["climate_change"]["by_phase"]
    assert by_phase["manufacturing"] > by_phase["use"]  # manufacturing dominates (devices)

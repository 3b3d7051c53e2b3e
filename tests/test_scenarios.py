"""Every shipped scenario validates and runs; the baseline against published figures.

The baseline was calibrated on some of these figures (see its header), so these tests
guard the calibration against regressions of the model; tests/test_calibration_baseline.py
holds the out-of-sample check (fit up to 2015, compare 2016-2023); the classroom closed form and
the invariants of test_properties.py are the independent checks.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import simulator
from simulator.scenario.sliders import in_language

SCENARIOS = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml"))


@pytest.fixture(scope="module")
def baseline():
    return simulator.run(Path(__file__).resolve().parents[1] / "scenarios" / "world-mobile.yaml")


def at(results, year: float) -> int:
    return int(np.argmin(np.abs(results.times - year)))


def annual(results, variable: str, year: int, **labels) -> float:
    """Integral of a rate over one calendar year (e.g. kWh in 2015)."""
    values, t = results.array(variable, **labels), results.times
    return float(values[(t >= year) & (t < year + 1)].sum() * results.dt)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_shipped_scenario_validates_and_runs(path):
    scenario = simulator.load_scenario(path)
    assert all(in_language(scenario.description, lang).strip() for lang in ("en", "fr")), (
        "every shipped scenario states its question")
    results = simulator.simulate(scenario)
    for key, values in results.data.items():
        if results.note(key.variable, **dict(key.labels)) == "not assessed":
            assert np.all(np.isnan(values)), key  # no factor in the scenario: NaN, never 0
        else:
            assert np.all(np.isfinite(values)), key
    assert results.summary()["totals"]["energy"]["actual"] > 0


@pytest.mark.parametrize("year,eb_per_month", [(2014, 3.2), (2015, 5.3), (2016, 8.8), (2022, 105.0)])
def test_baseline_global_mobile_traffic(baseline, year, eb_per_month):
    """Ericsson Mobility Reports [ericssonmr]: EB/month; 2022: 93-118."""
    model = baseline.array("traffic")[at(baseline, year + 0.875)] / 12 / 1e9
    assert model == pytest.approx(eb_per_month, rel=0.3)


@pytest.mark.parametrize("year,kwh_per_gb", [(2015, 2.0), (2021, 0.25)])
def test_baseline_network_energy_per_gb(baseline, year, kwh_per_gb):
    """Ericsson [ericssonkwh]: mobile network energy 2 kWh/GB (2015) -> 0.25 kWh/GB (2021)."""
    model = annual(baseline, "energy_intensity", year)  # mean over the year, kWh/GB
    assert model == pytest.approx(kwh_per_gb, rel=0.3)


def test_baseline_traffic_outgrows_energy_and_generations_stack(baseline):
    """Ericsson (Sweden, and globally): traffic x13 for +40 % energy; older generations keep drawing."""
    traffic_growth = annual(baseline, "traffic", 2022) / annual(baseline, "traffic", 2015)
    energy_growth = annual(baseline, "energy", 2022) / annual(baseline, "energy", 2015)
    assert traffic_growth > 10 and energy_growth < 3
    t22 = at(baseline, 2022)
    share_2g = baseline.array("traffic", generation="2G")[t22] / baseline.array("traffic")[t22]
    energy_2g = baseline.array("energy", generation="2G")[t22] / baseline.array("energy")[t22]
    assert share_2g < 0.01 and energy_2g > 0.05  # stacking: idle energy without traffic
    sites = sum(baseline.array("sites", generation=g)[t22] for g in ("2G", "3G", "4G", "5G"))
    assert 15e6 <= sites <= 20e6  # world base stations end-2022, [A] in the world-mobile.yaml header


def test_baseline_rebound_is_partial_and_induces_traffic(baseline):
    summary = baseline.summary()
    assert 0 < summary["rebound"]["energy"] < 1 and not summary["backfire"]["energy"]
    assert 0.1 < summary["induced"]["traffic"]["relative"] < 1.0  # fitted ε = 0.031: +24 % over 2000-2050
    by_phase = summary["totals"]["climate_change"]["by_phase"]
    assert by_phase["manufacturing"] > by_phase["use"]  # manufacturing dominates (devices)


def _eb_per_month(results, year: float, services=None) -> float:
    """Traffic in EB/month at ``year``, interpolated between steps (the header's convention)."""
    names = services or list(results.scenario.demand.services)
    values = sum(results.array("traffic", service=s) for s in names)
    return float(np.interp(year, results.times, values)) / 12 / 1e9


#: Rows of world-mobile.yaml's calibration table marked *, and how the run measures them.
CALIBRATION_ROWS = {
    "traffic end-2009, voice + data (EB/month) *": lambda r: _eb_per_month(r, 2009.875),
    "data traffic Q2 2010 (EB/month) *": lambda r: _eb_per_month(r, 2010.375, ["video", "web_apps"]),
    "traffic 2014 (EB/month) *": lambda r: _eb_per_month(r, 2014.875),
    "traffic 2015 (EB/month) *": lambda r: _eb_per_month(r, 2015.875),
    "traffic 2016 (EB/month) *": lambda r: _eb_per_month(r, 2016.875),
    "traffic end-2022 (EB/month) *": lambda r: _eb_per_month(r, 2022.875),
    "base stations, world, end-2022 (M) *":
        lambda r: float(np.interp(2022.875, r.times, sum(r.array("sites", generation=g)
                                                          for g in r.scenario.generations))) / 1e6,
    "of which 5G (M) *": lambda r: float(np.interp(2022.875, r.times, r.array("sites", generation="5G"))) / 1e6,
}


@pytest.mark.parametrize("label", CALIBRATION_ROWS)
def test_baseline_header_states_what_the_run_gives(baseline, label):
    """The calibration table in world-mobile.yaml's header is re-measured, to the digits it shows."""
    import re

    header = (Path(__file__).resolve().parents[1] / "scenarios" / "world-mobile.yaml").read_text(encoding="utf-8")
    line = next(x for x in header.splitlines() if x.lstrip("# ").startswith(label))
    written = re.split(r"\s{2,}", line.lstrip("# ").strip())[2]
    digits = len(written.split(".")[1]) if "." in written else 0
    assert round(CALIBRATION_ROWS[label](baseline), digits) == pytest.approx(float(written)), line

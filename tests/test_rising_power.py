"""Power that can rise (negative gains) and technology given by calendar year (issue 13, point 5).

Closed forms: a gain g compounds as (1 - g)^(t - origin), the origin being the launch or, with
``technology_year: calendar``, ``reference_year``; every rebound variant reads the technology of its
own year (frozen: the start; window: t - Δ; marginal: scaled by 1/(1 + h)); an innovation whose gain
is negative saves nothing and has no rebound.
"""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest

import simulator
from simulator.cli import main
from simulator.model.state import KWH_PER_WATT_YEAR
from simulator.model.variants import MARGINAL_STEP
from simulator.plots.output import FIGURES
from simulator.results import Results

RISING = {
    "name": "rising",
    "time": {"start": 2010, "end": 2030, "step": 0.25},
    "demand": {"users": 1000, "services": {"data": {"usage": "24 GB/yr", "growth": 0.1, "elasticity": 0.8}}},
    "generations": {"network": {"launch": 2010, "energy_intensity": "2 kWh/GB", "efficiency_gain": -0.03,
                                "idle_power": "1 kW", "idle_power_gain": -0.04, "coverage_sites": 50,
                                "buildout": 1}},
    "layers": {"core": {"energy_intensity": "0.1 kWh/GB", "efficiency_gain": -0.02}},
    "devices": {"phone": {"equipment": "phone", "annual_energy": "3 kWh/yr", "efficiency_gain": -0.01}},
    "equipment": {"phone": {"lifetime": 3}},
}

#: A generation launched in 2018, eight years after the reference year of its technology, beside an
#: older one whose technology is given for 2020 (so that the frozen run, at 2010, reads it backwards).
LATE = {
    "name": "late-adopter",
    "time": {"start": 2010, "end": 2030, "step": 0.25},
    "demand": {"users": 1000, "services": {"data": {"usage": "24 GB/yr", "growth": 0.1, "elasticity": 0.5}}},
    "generations": {
        "old": {"launch": 2000, "energy_intensity": "3 kWh/GB", "efficiency_gain": 0.05,
                "technology_year": "calendar", "reference_year": 2020},
        "late": {"launch": 2018, "energy_intensity": "1 kWh/GB", "efficiency_gain": 0.1, "idle_power": "1 kW",
                 "idle_power_gain": 0.05, "coverage_sites": 100, "adoption_midpoint": 1,
                 "technology_year": "calendar", "reference_year": 2010},
    },
}


def _run(data: dict, **changes: dict) -> Results:
    data = copy.deepcopy(data)
    for name, fields in changes.items():
        data["generations"][name].update(fields)
    return simulator.simulate(simulator.scenario_from_dict(data))


def _dynamic(results: Results, generation: str, variant: str = "actual") -> np.ndarray:
    """Traffic-proportional energy per GB of a generation (kWh/GB), NaN where it carries no traffic."""
    traffic = results.array("traffic", variant, generation=generation)
    dynamic = (results.array("energy", variant, generation=generation)
               - results.array("energy_idle", variant, generation=generation))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(traffic > 0, dynamic / traffic, np.nan)


def _idle_per_site(results: Results, generation: str, variant: str = "actual") -> np.ndarray:
    """Idle power of one site (W), NaN where there is no site."""
    sites = results.array("sites", variant, generation=generation)
    idle = results.array("energy_idle", variant, generation=generation)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(sites > 0, idle / sites / KWH_PER_WATT_YEAR, np.nan)


def _close(found: np.ndarray, expected: np.ndarray, rtol: float = 1e-12) -> None:
    on = np.isfinite(found)
    assert on.sum() > 10, "too few instants to compare"
    np.testing.assert_allclose(found[on], np.broadcast_to(expected, found.shape)[on], rtol=rtol)


# --- (a) a negative gain is a rise, in closed form ----------------------------------------------


def test_a_negative_gain_makes_power_rise_in_closed_form() -> None:
    results = _run(RISING)
    years = results.times - 2010
    _close(_dynamic(results, "network"), 2.0 * 1.03 ** years)
    _close(_idle_per_site(results, "network"), 1000.0 * 1.04 ** years)
    traffic = results.array("traffic")
    np.testing.assert_allclose(results.array("energy", layer="core") / traffic, 0.1 * 1.02 ** years, rtol=1e-12)
    np.testing.assert_allclose(results.array("energy", device="phone") / 1000.0, 3.0 * 1.01 ** years,
                               rtol=1e-12)
    frozen = _dynamic(results, "network", "frozen")
    _close(frozen, 2.0)  # the technology of the start, held


def test_the_rise_makes_the_frozen_rebound_undefined_not_a_percentage() -> None:
    """Technology got worse: frozen (start-year technology) uses less than the engineering estimate, so
    the expected savings against it are negative and there is no rebound to report."""
    results = _run(RISING)
    assert results.total("energy", "frozen") < results.total("energy", "engineering")
    assert results.cumulative_rebound("energy") is None
    summary = results.summary()
    assert summary["rebound"]["energy"] is None and summary["verdict"]["kind"] == "undefined"
    assert summary["verdict"]["text"]["en"].endswith("no rebound can be measured: the improvement saved nothing, "
                                                     "or under 1 %, before demand reacted.")


# --- (b) calendar technology: a late adopter gets the equipment of its time ----------------------


def test_calendar_technology_gives_a_late_launch_the_equipment_of_its_year() -> None:
    calendar = _run(LATE)
    launch = _run(LATE, late={"technology_year": "launch", "reference_year": None})
    t = calendar.times
    _close(_dynamic(calendar, "late"), 0.9 ** (t - 2010))
    _close(_dynamic(launch, "late"), 0.9 ** (t - 2018))
    _close(_idle_per_site(calendar, "late"), 1000.0 * 0.95 ** (t - 2010))
    _close(_idle_per_site(launch, "late"), 1000.0 * 0.95 ** (t - 2018))
    first = np.argmax(calendar.array("traffic", generation="late") > 0)
    assert t[first] == 2018.0
    assert _dynamic(calendar, "late")[first] == pytest.approx(0.9 ** 8, rel=1e-12)  # 2018's, not 2010's
    assert _dynamic(launch, "late")[first] == pytest.approx(1.0, rel=1e-12)


def test_every_variant_reads_calendar_technology_at_its_own_year() -> None:
    results = _run(LATE)
    t, window = results.times, results.scenario.rebound.window
    _close(_dynamic(results, "old"), 3.0 * 0.95 ** (t - 2020))
    _close(_dynamic(results, "old", "frozen"), 3.0 * 0.95 ** (2010 - 2020))  # the start's, read backwards
    assert np.isnan(_dynamic(results, "late", "frozen")).all()  # launched after the start: not there
    _close(_dynamic(results, "late", "window"), 0.9 ** (t - window - 2010))
    _close(_dynamic(results, "old", "window"), 3.0 * 0.95 ** (np.maximum(t - window, 2010) - 2020))
    _close(_dynamic(results, "late", "marginal"), 0.9 ** (t - 2010) / (1 + MARGINAL_STEP))
    # without its gains, the late generation keeps the equipment of its launch year (2018), not 2010's
    _close(_dynamic(results, "late", "without:gain:late"), 0.9 ** 8)
    _close(_idle_per_site(results, "late", "without:idle_gain:late"), 1000.0 * 0.95 ** 8)
    _close(_dynamic(results, "late", "without:idle_gain:late"), 0.9 ** (t - 2010))
    assert results.summary()["innovations"]["gain:late"]["energy"]["expected_savings"] > 0


# --- (c) the innovation of a negative gain: no savings, no rebound, and the outputs say so ----------


def test_an_innovation_with_a_negative_gain_has_no_rebound_and_says_why(tmp_path) -> None:
    data = copy.deepcopy(RISING)
    data["rebound"] = {"innovations": ["gain:network", "idle_gain:network", "device_gain:phone"]}
    path = tmp_path / "rising.yaml"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["run", str(path), "-o", str(tmp_path / "out"), "--no-plots"]) == 0
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    for name in ("gain:network", "idle_gain:network", "device_gain:phone"):
        energy = summary["innovations"][name]["energy"]
        assert energy["expected_savings"] < 0 and energy["rebound"] is None, name
        assert any(note.startswith(f"innovation {name}: its gain is negative") for note in summary["notes"])
    table = (tmp_path / "out" / "innovations.csv").read_text().splitlines()
    header = table[0].split(",")
    rows = [dict(zip(header, line.split(","), strict=True)) for line in table[1:]]
    assert rows and all(row["rebound"] == "" for row in rows)  # empty, not a number
    ax = FIGURES["innovations"](simulator.simulate(simulator.scenario_from_dict(data)))
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("saved nothing before demand reacted: R undefined") == 3
    assert not any("%" in text for text in texts)

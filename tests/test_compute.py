"""Compute jobs of data centres (issue 13, point 3): Strubell et al. 2019 as the reference case.

The electricity of a job is Strubell's Eq. 1 (p_t = PUE · t · (p_c + p_r + g · p_g) / 1000 kWh) and its
CO2e Eq. 2 through the grid; jobs follow their exogenous path times (cost of a job / cost at the
start)^-ε, the cost being electricity only; their energy is part of the data centres and of the use
phase; the variants treat the accelerator gain as every efficiency path.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import simulator
from simulator.engine import run_batch, run_samples
from simulator.model.draws import target
from simulator.model.variants import MARGINAL_STEP

#: kg per lb (avoirdupois pound).
KG_PER_LB = 0.45359237
#: Strubell et al. 2019, Table 3, Transformer big on 8 × P100 (docs/data/datacentres-ai.md): total power (W),
#: hours, then Eq. 1 and Eq. 2 as reproduced there: kWh (PUE 1.58 included) and lb CO2e (0.954 lb/kWh).
TRANSFORMER_BIG = {"power_w": 1515.43, "hours": 84, "kwh": 201.13, "lb": 191.88, "kg": 87.03}

#: A scenario with nothing but compute: a network that draws nothing, no equipment.
BASE: dict[str, Any] = {
    "name": "compute",
    "time": {"start": 2019, "end": 2020, "step": 1.0},
    "demand": {"users": 1, "services": {"data": {"usage": "0 GB/yr"}}},
    "generations": {"network": {"launch": 2000}},
    "grid": {"climate_change": "0.954 lb CO2e/kWh"},
    "compute": {"workloads": {"transformer_big": {
        "jobs": "1 job/yr", "hours": "84 h", "accelerators": 8, "accelerator_power": "150 W",
        "cpu_power": "215.43 W", "dram_power": "100 W", "pue": 1.58}}},
}


def _run(data: dict[str, Any]) -> simulator.Results:
    return simulator.simulate(simulator.scenario_from_dict(data))


def _with(**workload: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data["compute"]["workloads"]["transformer_big"].update(workload)
    return data


def test_strubell_transformer_big_is_reproduced() -> None:
    """One Transformer-big training a year for one year: 201.13 kWh and 191.88 lb = 87.03 kg CO2e, as
    docs/data/datacentres-ai.md reproduces Strubell's Table 3 (printed 201 kWh, 192 lb)."""
    results = _run(BASE)
    split = 215.43 + 100 + 8 * 150
    assert split == pytest.approx(TRANSFORMER_BIG["power_w"], abs=1e-9)  # any split of the 1515.43 W will do
    assert round(results.total("energy"), 2) == TRANSFORMER_BIG["kwh"]
    assert round(results.total("compute_energy"), 2) == TRANSFORMER_BIG["kwh"]
    co2 = results.total("impact", category="climate_change")
    assert round(co2, 2) == TRANSFORMER_BIG["kg"]
    assert round(co2 / KG_PER_LB, 2) == TRANSFORMER_BIG["lb"]
    assert results.total("impact", category="climate_change", phase="use") == co2


def test_jobs_follow_growth_saturation_and_cost_in_closed_form() -> None:
    """jobs(t) = jobs0 (1 + g)^(t − t0) × (e(t) / e(t0))^-ε with electricity at a constant price, e(t) the
    energy of a job whose accelerator power falls by the gain; logistic towards a saturation."""
    data = _with(jobs="100 job/yr", growth=0.3, elasticity=0.7, efficiency_gain=0.2, pue={2019: 1.6, 2029: 1.2})
    data["time"] = {"start": 2019, "end": 2029, "step": 0.5}
    p, rec = run_batch(simulator.scenario_from_dict(data), ("actual", "engineering", "frozen"))
    t = p.times - 2019
    pue = 1.6 - 0.04 * t
    energy = pue * 84 * (315.43 + 8 * 150 * 0.8 ** t) / 1000
    exogenous = 100 * 1.3 ** t
    jobs = exogenous * (energy / energy[0]) ** -0.7
    np.testing.assert_allclose(rec["compute_jobs"][0, :, 0], jobs, rtol=1e-12)
    np.testing.assert_allclose(rec["compute_energy"][0, :, 0], jobs * energy, rtol=1e-12)
    np.testing.assert_allclose(rec["compute_jobs"][1, :, 0], exogenous, rtol=1e-12)  # engineering: ε = 0
    frozen_energy = pue * 84 * 1515.43 / 1000  # the accelerators of the start, the PUE of the time
    np.testing.assert_allclose(rec["compute_energy"][2, :, 0], exogenous * frozen_energy, rtol=1e-12)
    data["compute"]["workloads"]["transformer_big"].update(saturation="400 job/yr", elasticity=0.0)
    _, rec = run_batch(simulator.scenario_from_dict(data), ("actual",))
    logistic = 400 / (1 + (400 / 100 - 1) / 1.3 ** t)
    np.testing.assert_allclose(rec["compute_jobs"][0, :, 0], logistic, rtol=1e-12)


def test_the_energy_of_jobs_is_in_the_data_centres_part() -> None:
    """Compute energy adds to the part data_centres, nothing else; its use impacts too."""
    data = _with(jobs="50 job/yr", growth=0.1)
    data["layers"] = {"dc": {"part": "data_centres", "energy_intensity": "0.1 kWh/GB", "pue": 1.5},
                      "core": {"energy_intensity": "0.05 kWh/GB"}}
    data["demand"]["services"]["data"]["usage"] = "100 GB/yr"
    data["time"] = {"start": 2019, "end": 2025, "step": 0.25}
    results = _run(data)
    compute = results.array("compute_energy")
    assert compute.min() > 0
    np.testing.assert_allclose(results.array("energy", part="data_centres"),
                               results.array("energy", layer="dc") + compute, rtol=1e-12)
    np.testing.assert_array_equal(results.array("energy", part="networks"),
                                  results.array("energy", generation="network") + results.array("energy",
                                                                                                  layer="core"))
    total = sum(results.array("energy", part=part) for part in ("devices", "networks", "data_centres"))
    np.testing.assert_allclose(total, results.array("energy"), rtol=1e-12)
    use = results.array("impact", category="climate_change", phase="use", part="data_centres")
    np.testing.assert_allclose(use, results.array("energy", part="data_centres") * 0.954 * KG_PER_LB, rtol=1e-12)


def test_embodied_carbon_never_moves_jobs() -> None:
    """The cost of a job is its electricity: the carbon of making equipment, or of the grid, never enters it;
    the price of electricity does."""
    data = _with(jobs="10 job/yr", elasticity=1.5, efficiency_gain=0.3)
    data["time"] = {"start": 2019, "end": 2026, "step": 0.5}
    data["devices"] = {"phone": {"equipment": "smartphone"}}
    data["equipment"] = {"smartphone": {"lifetime": 3, "embodied": {"climate_change": "50 kg CO2e"}}}
    heavier = copy.deepcopy(data)
    heavier["equipment"]["smartphone"]["embodied"]["climate_change"] = "5000 kg CO2e"
    heavier["grid"]["climate_change"] = "2 kg CO2e/kWh"
    dearer = copy.deepcopy(data)
    dearer["price"] = {"electricity": {2019: "0.1 EUR/kWh", 2026: "0.3 EUR/kWh"}}
    jobs = [_run(d).array("compute_jobs") for d in (data, heavier, dearer)]
    np.testing.assert_array_equal(jobs[0], jobs[1])
    assert not np.allclose(jobs[0], jobs[2])


def test_without_elasticity_or_gain_every_variant_runs_the_same_jobs() -> None:
    """ε = 0 and no gain: no technology change and no response, so frozen, window, marginal (but for its
    1/(1 + h) energy) and engineering all run the actual jobs and energy."""
    data = _with(jobs="10 job/yr", growth=0.2)
    data["time"] = {"start": 2019, "end": 2030, "step": 0.5}
    results = _run(data)
    jobs, energy = results.all_variants("compute_jobs"), results.all_variants("compute_energy")
    variants = results.variants
    for k, variant in enumerate(variants):
        np.testing.assert_array_equal(jobs[k], jobs[0], err_msg=variant)
        expected = energy[0] / (1 + MARGINAL_STEP) if variant == "marginal" else energy[0]
        np.testing.assert_allclose(energy[k], expected, rtol=1e-14, err_msg=variant)
    assert math.isclose(results.total("energy", variant="frozen"), results.total("energy"), rel_tol=1e-14)


def test_variants_treat_the_accelerator_gain_as_an_efficiency_path() -> None:
    """frozen keeps the accelerators of the start (more energy per job when the gain is positive); marginal
    cuts the energy of a job by 1/(1 + h) and so runs (1 + h)^ε as many jobs."""
    data = _with(jobs="10 job/yr", elasticity=0.5, efficiency_gain=0.2)
    data["time"] = {"start": 2019, "end": 2025, "step": 0.5}
    results = _run(data)
    jobs, energy = results.array("compute_jobs"), results.array("compute_energy")
    frozen = results.array("compute_energy", variant="frozen")
    assert (frozen[1:] > energy[1:]).all()
    np.testing.assert_array_equal(results.array("compute_jobs", variant="frozen"), np.full_like(jobs, 10.0))
    np.testing.assert_allclose(results.array("compute_jobs", variant="marginal"),
                               jobs * (1 + MARGINAL_STEP) ** 0.5, rtol=1e-12)
    # window: the technology of t − Δ (5 years), so the same energy per job as the actual run five years before
    window = results.all_variants("compute_jobs")[results.variants.index("window")]
    per_job = results.array("compute_energy", variant="window") / window
    np.testing.assert_allclose(per_job[10:], (energy / jobs)[:-10], rtol=1e-12)


def test_the_shipped_ai_training_scenario_gives_the_published_figures() -> None:
    """scenarios/ai-training.yaml: Strubell's Transformer (big), 201.13 kWh, and Patterson's GPT-3, printed
    1,287 MWh (1,289 MWh from the printed inputs, docs/data/datacentres-ai.md), each once a year."""
    results = simulator.run(Path(__file__).resolve().parents[1] / "scenarios" / "ai-training.yaml")
    per_year = results.array("compute_energy")
    np.testing.assert_allclose(per_year, 201.13 + 10_000 * 330 * 14.8 * 24 * 1.10 / 1000, rtol=1e-5)
    assert per_year[0] == pytest.approx(201 + 1_287_000, rel=2e-3)
    np.testing.assert_array_equal(results.array("energy", part="data_centres"), results.array("energy"))


def test_ensembles_derive_scenarios_for_compute_numbers() -> None:
    """The draws path cannot write compute numbers (target None): ensembles derive those samples, and a
    sample's jobs follow its own elasticity."""
    data = _with(jobs="10 job/yr", elasticity=0.5, efficiency_gain=0.2)
    data["time"] = {"start": 2019, "end": 2025, "step": 0.5}
    scenario = simulator.scenario_from_dict(data)
    assert target(scenario, ("compute", "workloads", "transformer_big", "elasticity")) is None
    other = simulator.scenario_from_dict(_with(jobs="10 job/yr", elasticity=1.0, efficiency_gain=0.2) | {
        "time": data["time"]})
    p, rec = run_samples([scenario, other], ("actual",))
    energy = rec["compute_energy"][:, :, 0] / rec["compute_jobs"][:, :, 0]
    np.testing.assert_allclose(rec["compute_jobs"][1], rec["compute_jobs"][0] * (energy[0] / energy[0, 0])[:, None]
                               ** -0.5, rtol=1e-12)

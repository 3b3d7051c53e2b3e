"""``jevons calibrate``: fitting parameters to observations (issue 12).

Observations are synthetic: read off a run of the shipped classroom scenario (price elasticity 1.2,
efficiency gain 0.15 a year), then a scenario that ``extends:`` it starts elsewhere and the fit must
come back. Traffic ∝ cost^-ε (1 + g)^t and cost ∝ (1 - gain)^t: the traffic series alone sets only
ln(1 + g) - ε ln(1 - gain), energy = traffic × intensity adds ln(1 - gain), so traffic and energy
identify ε and the gain, while ε and the growth g are confounded on any set of these series.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml

from simulator.calibrate import calibrate
from simulator.cli import main
from simulator.engine import simulate
from simulator.plots.analysis import observed_and_simulated
from simulator.scenario.load import load_scenario

ROOT = Path(__file__).resolve().parents[1]
CLASSROOM = ROOT / "scenarios" / "classroom-jevons.yaml"
ELASTICITY, GAIN, GROWTH = ("demand.services.data.elasticity", "generations.network.efficiency_gain",
                            "demand.services.data.growth")
YEARS = [2011, 2013, 2015, 2017, 2019, 2021, 2023, 2025, 2027, 2029]


@pytest.fixture(scope="module")
def truth() -> dict[str, dict[float, float]]:
    """Traffic (GB/yr) and energy (kWh/yr) of the classroom scenario as written, at YEARS."""
    results = simulate(load_scenario(CLASSROOM), ("actual",))
    return {v: {y: float(np.interp(y, results.times, results.array(v))) for y in YEARS}
            for v in ("traffic", "energy")}


def _observed(folder: Path, truth: dict, variables=("traffic", "energy"), **extra) -> Path:
    """A scenario extending the classroom one, ε and gain moved away (0.8, 0.10), with observations."""
    data = {"extends": str(CLASSROOM), "name": "observed",
            "demand": {"services": {"data": {"elasticity": 0.8}}},
            "generations": {"network": {"efficiency_gain": 0.10}},
            "observations": {v: {"variable": v, "unit": "GB/yr" if v == "traffic" else "kWh/yr",
                                 "values": truth[v], "source": "synthetic"} for v in variables},
            **extra}
    path = folder / "observed.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_recovers_the_values_the_observations_were_made_with(tmp_path, truth):
    fit = calibrate(load_scenario(_observed(tmp_path, truth)), [ELASTICITY, GAIN])
    assert fit.start.tolist() == [0.8, 0.10]
    np.testing.assert_allclose(fit.values, [1.2, 0.15], rtol=1e-6)
    assert np.all(fit.se < 1e-6) and fit.ssr < 1e-12 < fit.ssr_start
    assert fit.n == 20 and fit.k == 2 and not fit.warnings and not fit.confounded
    assert fit.influences == {ELASTICITY: ["traffic", "energy"], GAIN: ["traffic", "energy"]}
    assert [p.weight for p in fit.points] == pytest.approx([1 / np.sqrt(10)] * 20)  # each series counts equally
    assert len(fit.profiles) == 2 and all(np.nanargmin(p.ssr) == 10 for p in fit.profiles)  # minimum in the middle
    assert fit.batches < 40  # Jacobians and profiles run as batches, not one run per point


def test_standard_errors_follow_the_noise(tmp_path, truth):
    """With 5 % log-normal errors the fit lands within a few standard errors, which are of the right size."""
    rng = np.random.Generator(np.random.PCG64(3))
    noisy = {v: {y: x * float(np.exp(rng.normal(0, 0.05))) for y, x in s.items()} for v, s in truth.items()}
    fit = calibrate(load_scenario(_observed(tmp_path, noisy)), [ELASTICITY, GAIN])
    assert np.all(np.abs(fit.values - [1.2, 0.15]) < 4 * fit.se)
    assert 0.02 < np.sqrt(fit.sigma2) * np.sqrt(10) < 0.1  # σ of the weighted residuals ≈ 5 % / sqrt(10)
    assert np.all(fit.interval[:, 0] < fit.values) and np.all(fit.values < fit.interval[:, 1])


def test_confounded_parameters_are_named(tmp_path, truth):
    fit = calibrate(load_scenario(_observed(tmp_path, truth, variables=("traffic",))), [ELASTICITY, GROWTH],
                    profiles=False)
    # the two move ln traffic the same way: their estimates correlate, or JᵀJ is too singular to give any
    assert abs(fit.correlation[0, 1]) > 0.95 or np.isnan(fit.se).all()
    assert len(fit.warnings) == 1 and "not identifiable" in fit.warnings[0]
    assert ELASTICITY in fit.warnings[0] and GROWTH in fit.warnings[0]
    assert fit.confounded == [(ELASTICITY, GROWTH)]


def test_until_fits_only_the_points_up_to_that_year(tmp_path, truth):
    fit = calibrate(load_scenario(_observed(tmp_path, truth)), [ELASTICITY, GAIN], until=2016, profiles=False)
    assert fit.n == 6 and len(fit.points) == 20
    assert {p.year for p in fit.points if p.used} == {2011, 2013, 2015}
    assert [p.weight for p in fit.points if p.used] == pytest.approx([1 / np.sqrt(3)] * 6)
    np.testing.assert_allclose(fit.values, [1.2, 0.15], rtol=1e-5)
    # the points after --until are still simulated, to show how the fit extrapolates
    assert np.all(np.abs(fit.residuals()[[not p.used for p in fit.points]]) < 1e-5)


def test_observations_fits_only_the_series_named(tmp_path, truth):
    """The other series are simulated and drawn (out of sample), not fitted: with a wrong energy series beside
    the right ones, fitting the right ones still lands on the truth."""
    path = _observed(tmp_path, truth)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["observations"]["energy_wrong"] = {**data["observations"]["energy"],
                                            "values": {y: 3 * v for y, v in truth["energy"].items()}}
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    scenario = load_scenario(path)
    fit = calibrate(scenario, [ELASTICITY, GAIN], observations=["traffic", "energy"], profiles=False)
    assert fit.n == 20 and len(fit.points) == 30
    assert {p.series for p in fit.points if p.used} == {"traffic", "energy"}
    np.testing.assert_allclose(fit.values, [1.2, 0.15], rtol=1e-5)
    assert fit.observations == ["traffic", "energy"]
    every = calibrate(scenario, [ELASTICITY, GAIN], profiles=False)
    assert np.max(np.abs(every.values - [1.2, 0.15]) / [1.2, 0.15]) > 0.05  # the wrong series pulls a fit of all


def test_a_key_pattern_fits_one_value_for_every_key_it_matches(truth):
    """``demand.services.fixed_*.growth`` is one parameter for the fixed services: world-digital's fixed-traffic
    growth refitted on ITU's series alone, as its header says, lands inside the interval of the shipped 0.239."""
    scenario = load_scenario(ROOT / "scenarios" / "world-digital.yaml")
    fit = calibrate(scenario, ["demand.services.fixed_*.growth"], until=2023.99,
                    observations=["itu_fixed_traffic_fit"], profiles=False)
    assert [len(p.paths) for p in fit.parameters] == [2] and fit.n == 3
    assert fit.values[0] == pytest.approx(0.2377, abs=0.001)
    assert fit.interval[0, 0] < 0.239 < fit.interval[0, 1]


def test_the_calibrated_scenario_reproduces_the_fit(tmp_path, truth, capsys):
    scenario = _observed(tmp_path, truth, variables=("traffic",))
    out = tmp_path / "out"
    assert main(["calibrate", str(scenario), "--params", GAIN, "--until", "2020", "-o", str(out)]) == 0
    assert f"{GAIN} = " in capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == ["calibrated.yaml", "fit.json", "fit_observed.png",
                                                      "fit_profiles.png", "fit_residuals.png", "manifest.json"]
    fit = json.loads((out / "fit.json").read_text())
    assert fit["until"] == 2020 and fit["n"] == 5 and fit["k"] == 1
    (parameter,) = fit["parameters"]
    assert parameter["key"] == GAIN and parameter["start"] == 0.10 and parameter["bounds_from"].endswith(GAIN)
    text = (out / "calibrated.yaml").read_text()
    assert "extends: ../observed.yaml" in text and "# fitted: " in text and "(95 %), 5 points of traffic" in text
    calibrated = load_scenario(out / "calibrated.yaml")
    assert calibrated.name == "observed-calibrated"
    assert calibrated.generations["network"].efficiency_gain == pytest.approx(parameter["value"], rel=1e-9)
    (compared,) = observed_and_simulated(simulate(calibrated, ("actual",)))
    for point in fit["observations"]:
        simulated = float(np.interp(point["year"], compared.times, compared.simulated))
        assert np.log(simulated / point["observed"]) == pytest.approx(point["residual"], abs=1e-8)
    # a second calibration replaces the folder (a jevons output), and --no-plots writes no figure
    assert main(["calibrate", str(scenario), "--params", GAIN, "-o", str(out), "--no-plots"]) == 0
    assert not list(out.glob("*.png"))


TABLE = {"grid": {"climate_change": {2010: "480 g CO2e/kWh", 2030: "300 g CO2e/kWh"}}}


@pytest.mark.parametrize(("args", "extra", "message"), [
    (["--params", "demand.services.data.elasticty"], {}, "demand.services.data has no 'elasticty'"),
    (["--params", "grid.climate_change"], TABLE,
     "grid.climate_change is a year table: name one year, e.g. grid.climate_change.2050"),
    (["--params", GAIN, "grid.climate_change.2030"], TABLE,
     "grid.climate_change.2030: moving it changes none of the observed series (traffic, energy)"),
    (["--params", ELASTICITY, GAIN, "--until", "2011"], {}, "found 2 observed points up to 2011 for 2 parameters, "
     "expected at least 3"),
    (["--params", GAIN, "--until", "2000"], {}, "--until: found 2000, expected a year at or after the first observed "
     "point (2011)"),
    (["--params", GAIN, GAIN], {}, "a parameter is named twice"),
    (["--params", "time.end"], {}, "expected the path of a model parameter"),
    (["--params", GAIN, "--observations", "trafic"], {}, "--observations: found 'trafic', expected the name of one "
     "of the scenario's observations (traffic, energy)"),
])
def test_bad_input_exits_2_and_writes_nothing(tmp_path, truth, capsys, args, extra, message):
    scenario = _observed(tmp_path, truth, **extra)
    out = tmp_path / "out"
    assert main(["calibrate", str(scenario), "-o", str(out), "--no-plots", *args]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists() and not (tmp_path / ".out.jevons").exists()


def test_a_scenario_without_observations_is_refused(tmp_path, capsys):
    assert main(["calibrate", str(CLASSROOM), "--params", GAIN, "-o", str(tmp_path / "out")]) == 2
    assert "observations: found no observations, expected observed series to fit" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_observations_that_cannot_be_fitted_in_logs_are_located(tmp_path, truth, capsys):
    """A value of 0 is refused at its line; an observation without a unit already is, by the schema."""
    bad = {**truth, "traffic": {**truth["traffic"], 2013: 0.0}}
    scenario = _observed(tmp_path, bad)
    assert main(["calibrate", str(scenario), "--params", GAIN, "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    line = scenario.read_text().splitlines().index("      2013: 0.0") + 1
    assert f"observed.yaml:{line}:" in err and "observations.traffic.values.2013: found 0, expected a positive" in err
    text = scenario.read_text().replace("    unit: GB/yr\n", "")
    scenario.write_text(text)
    assert main(["calibrate", str(scenario), "--params", GAIN, "-o", str(tmp_path / "out")]) == 2
    assert "observations.traffic: found unit '', expected a unit of GB/yr for traffic" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()

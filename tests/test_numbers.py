"""Numbers are never misread: decimal commas, bare numbers on fields with a unit, blow-ups.

The scenario files of ``tests/bad/number-*.yaml`` cover what a file may get
wrong; here, what reaches the loader by ``--set``, the rule of the generated
reference (every field it says needs a unit refuses a plain number), the values
the program writes itself (read as they are), and where a blow-up is reported.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.engine import run_samples, simulate
from simulator.errors import BlowUpError, NumericalError, ScenarioError
from simulator.model.blame import culprit
from simulator.scenario import space
from simulator.scenario.load import load_scenario, resolved_data, scenario_from_dict, scenario_from_manifest
from simulator.scenario.reference import reference_markdown
from simulator.units import takes_bare_number

ROOT = Path(__file__).resolve().parents[1]
CLASSROOM = ROOT / "scenarios" / "classroom-jevons.yaml"


def _refused(overrides: list[str]) -> list[str]:
    """The problems (``path: message``) of the classroom scenario with ``overrides``."""
    with pytest.raises(ScenarioError) as err:
        load_scenario(CLASSROOM, overrides)
    return [f"{p.path}: {p.message}" for p in err.value.problems]


@pytest.mark.parametrize("setting, message", [
    ("demand.services.data.elasticity=1,5",
     "demand.services.data.elasticity: found '1,5', a decimal comma, expected a decimal point: write 1.5"),
    ("grid.climate_change=0,056 kg CO2e/kWh",
     """grid.climate_change: found '0,056 kg CO2e/kWh', a decimal comma, expected a decimal point: """
     """write "0.056 kg CO2e/kWh\""""),
    ("demand.users=55,5e6", "demand.users: found '55,5e6', a decimal comma, expected a decimal point: write 55.5e6"),
    ("demand.services.data={usage: 1,5 GB/month, elasticity: 1.2}",
     """demand.services.data.usage: found 1,5 GB/month in a {...} mapping, where a comma separates entries: """
     """a decimal comma, expected a decimal point: write "1.5 GB/month\""""),
    ("demand.services.data={usage: 24 GB/yr, elasticity: 1,5}",
     "demand.services.data.elasticity: found 1,5 in a {...} mapping, where a comma separates entries: a decimal "
     "comma, expected a decimal point: write 1.5"),
    ("time.start=02010", "time.start: found 02010, which YAML reads as the octal number 1032, expected a number: "
                         "write 2010 (no leading zero), or quote it if it is a name"),
])
def test_set_with_a_decimal_comma_is_refused_with_the_fix(setting, message, tmp_path, capsys):
    status = main(["run", str(CLASSROOM), "--no-plots", "-o", str(tmp_path / "out"), "--set", setting])
    err = capsys.readouterr().err
    assert status == 2
    assert err.splitlines() == [f"--set: {message}"]
    assert not (tmp_path / "out").exists()


def test_set_a_bare_number_where_a_unit_is_needed_says_which_unit(tmp_path, capsys):
    assert main(["validate", str(CLASSROOM), "--set", "demand.services.data.usage=3"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        """--set: demand.services.data.usage: found 3 without a unit, expected a quantity with its unit: """
        """write "3 GB/yr" (the field's unit is GB/yr)"""]
    assert main(["validate", str(CLASSROOM), "--set", "demand.services.data.usage=3 GB/yr"]) == 0


def _unit_rows() -> list[tuple[str, str, bool]]:
    """(dotted key, unit, plain number accepted) of every numeric row of the generated reference."""
    rows = []
    for line in reference_markdown().splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) == 8 and cells[1].startswith("`") and cells[4] in ("yes", "**no**"):
            rows.append((cells[1].strip("`"), cells[3].replace("³", "**3"), cells[4] == "yes"))
    return rows


#: Keys for the names of the reference's paths, and what must exist for them (in the classroom scenario).
NAMES = {"demand.services.<name>": ("data", []), "generations.<name>": ("network", []),
         "layers.<name>": ("core", []), "equipment.<name>": ("kit", ["equipment.kit.lifetime=3"]),
         "devices.<name>": ("phone", ["devices.phone.equipment=kit", "equipment.kit.lifetime=3"]),
         "compute.workloads.<name>": ("ai", ["compute.workloads.ai.jobs=1 job/yr", "compute.workloads.ai.hours=84 h"]),
         "compute.storage.<name>": ("disk", ["compute.storage.disk.stored=1 TB", "compute.storage.disk.power=1 W/TB"]),
         "networks.<name>": ("mobile", [])}


def _concrete(key: str) -> tuple[str, list[str]]:
    for prefix, (name, needed) in NAMES.items():
        if key.startswith(prefix + "."):
            return key.replace("<name>", name), needed
    return key, []


NEEDS_UNIT = [(key, unit) for key, unit, plain in _unit_rows() if not plain]


def test_the_reference_says_which_fields_need_a_unit():
    keys = {key for key, _ in NEEDS_UNIT}
    assert {"demand.services.<name>.usage", "generations.<name>.idle_power", "grid.climate_change",
            "equipment.<name>.embodied.climate_change"} <= keys
    plain = {key for key, _, accepted in _unit_rows() if accepted}
    assert {"demand.services.<name>.elasticity", "generations.<name>.launch", "generations.<name>.efficiency_gain",
            "demand.users", "generations.<name>.coverage_sites", "equipment.<name>.lifetime"} <= plain
    assert all(takes_bare_number(unit) == accepted for _, unit, accepted in _unit_rows())


@pytest.mark.parametrize("key, unit", NEEDS_UNIT, ids=[k for k, _ in NEEDS_UNIT])
def test_every_field_the_reference_says_needs_a_unit_refuses_a_bare_number(key, unit):
    path, needed = _concrete(key)
    problems = _refused([*needed, f"{path}=1000"])
    assert problems == [f'{path}: found 1000 without a unit, expected a quantity with its unit: write '
                        f'"1000 {unit}" (the field\'s unit is {unit})']
    load_scenario(CLASSROOM, [*needed, f"{path}=1000 {unit}"])  # the same number with its unit is read


def test_numbers_the_program_writes_are_read_in_the_fields_unit(tmp_path):
    """Python data, manifests, ranges and sliders give numbers in the canonical unit: not refused."""
    data = {"name": "py", "time": {"start": 2010, "end": 2020},
            "demand": {"users": 1000, "services": {"data": {"usage": 24.0}}},
            "generations": {"network": {"launch": 2010, "energy_intensity": 2.0}}}
    s = scenario_from_dict(data)
    assert s.demand.services["data"].usage == 24.0
    with pytest.raises(ScenarioError, match="write \"3 GB/yr\""):  # but what a person types with --set is checked
        scenario_from_dict(data, ["demand.services.data.usage=3"])
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"scenario": data}), encoding="utf-8")
    assert scenario_from_manifest(manifest) == s
    baseline = load_scenario(ROOT / "scenarios" / "world-mobile.yaml")  # uncertainty and explore: plain numbers
    assert baseline.uncertainty["demand.services.video.saturation"].bounds() == (180.0, 300.0)
    (path, annotation), = space.expand(baseline, "demand.services.video.saturation")
    assert space.check_value(annotation, 180.0) is None


def test_a_blow_up_names_the_value_that_caused_it():
    with pytest.raises(BlowUpError) as err:
        simulate(load_scenario(CLASSROOM, ["demand.users=1e308"]))
    assert isinstance(err.value, ScenarioError) and isinstance(err.value, NumericalError)
    (problem,) = err.value.problems
    assert (problem.path, problem.file) == ("demand.users", "--set")
    assert problem.message.startswith("found 1e+308, which most likely makes the run blow up: demand is inf")


def test_a_blow_up_in_a_file_is_reported_at_its_line(tmp_path):
    text = CLASSROOM.read_text(encoding="utf-8")
    text = text.replace("efficiency_gain: 0.15 ", "efficiency_gain: 0.9999999999999999")
    path = tmp_path / "gain.yaml"
    path.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "0.9999999999999999" in row)
    with pytest.raises(BlowUpError) as err:
        simulate(load_scenario(path))
    (problem,) = err.value.problems
    assert (problem.path, problem.file, problem.line) == ("generations.network.efficiency_gain", str(path), line)


@pytest.mark.parametrize("setting, variable, path", [
    ("demand.users=1e308", "demand", ("demand", "users")),
    ("generations.network.capacity_per_site=1e-300 GB/yr", "sites", ("generations", "network", "capacity_per_site")),
    ("generations.network.efficiency_gain=0.9999999999999999", "traffic",
     ("generations", "network", "efficiency_gain")),
    ("equipment.x.mass=1e300 kg", "end_of_life", ("equipment", "x", "mass")),
])
def test_the_culprit_is_the_most_extreme_number_on_the_chain(setting, variable, path):
    s = load_scenario(CLASSROOM, [setting, "equipment.x.lifetime=3"])
    assert culprit(s, variable)[0] == path
    if path[0] == "equipment":  # the mass of equipment does not make traffic
        assert culprit(s, "traffic")[0] != path


def test_a_blow_up_in_a_batch_names_the_value_of_its_sample():
    base = load_scenario(CLASSROOM)
    (target, _), = space.expand(base, "demand.services.data.usage")
    fine, wild = space.derive(base, {target: 24.0}), space.derive(base, {target: 1e307})
    run_samples([fine, fine])
    with pytest.raises(BlowUpError) as err:
        run_samples([fine, wild])
    assert err.value.member // 3 == 1
    assert err.value.problems[0].path == "demand.services.data.usage"
    assert err.value.problems[0].message.startswith("found 1e+307,")


def test_percent_and_multipliers_say_what_to_write():
    assert _refused(["generations.network.coverage_sites=30k"]) == [
        "generations.network.coverage_sites: found '30k': 'k' is not read as a multiplier (to the unit parser, "
        "'k' is Boltzmann's constant), expected a number: write 30e3"]
    (message,) = _refused(["generations.network.efficiency_gain=15%"])
    assert message.endswith("hint: say per what time, e.g. '15%/yr', or write the fraction per year: 0.15")
    (message,) = _refused(["grid.climate_change=56 gCO2e/kWh"])
    assert message.endswith('write "56 g CO2e/kWh" (units are separated by spaces)')
    assert load_scenario(CLASSROOM, ["generations.network.coverage_sites=30e3"]).generations[
        "network"].coverage_sites == 30_000.0


def test_every_bad_number_case_tells_what_to_write():
    cases = sorted((ROOT / "tests" / "bad").glob("number-*.yaml"))
    assert len(cases) >= 20
    for case in cases:
        if case.name == "number-as-name.yaml":  # names made of digits, an older case
            continue
        expect = case.read_text(encoding="utf-8").splitlines()[0]
        assert re.search(r"write |expected a value of realistic magnitude", expect), case.name


def test_resolved_data_keeps_what_the_user_wrote():
    s = load_scenario(ROOT / "scenarios" / "world-mobile.yaml")
    assert resolved_data(s)["grid"]["primary_energy"]["2016"] == "9.99 MJ/kWh"
    assert s.grid.primary_energy.values[1] == 9.99

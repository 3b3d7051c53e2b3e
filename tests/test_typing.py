"""The package type-checks (issue 17): ``mypy simulator``, configured in pyproject.toml, reports no error,
and a user's code sees a scenario's fields with their types (``Annotated[float, Quantity(...)]`` is a float).

Both run mypy with the project's configuration and share its cache: ~10 s together cold (no .mypy_cache) on
the 2-core development machine, ~1 s with the cache.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_reports_no_error():
    done = subprocess.run([sys.executable, "-m", "mypy", "simulator"], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, f"mypy simulator exited {done.returncode}:\n{done.stdout}{done.stderr}"
    assert "Success: no issues found" in done.stdout


USER_CODE = """
from simulator.scenario.schema import Scenario


def f(s: Scenario) -> None:
    reveal_type(s.time.start)
    reveal_type(s.grid.climate_change)
    reveal_type(s.demand.services["video"].elasticity)
    reveal_type(s.equipment["phone"].embodied.water)
    wrong: str = s.time.end
"""


def test_a_scenario_is_typed_for_its_users(tmp_path: Path):
    user = tmp_path / "user_of_the_schema.py"
    user.write_text(USER_CODE)
    done = subprocess.run([sys.executable, "-m", "mypy", str(user)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    # mypy may print the path it cached the file's results under: match on the file name
    found = [m.groups() for m in re.finditer(r"user_of_the_schema\.py:(\d+): (\w+): (.*)", done.stdout)]
    assert found == [
        ("6", "note", 'Revealed type is "float"'),
        ("7", "note", 'Revealed type is "float | simulator.scenario.types.Table"'),
        ("8", "note", 'Revealed type is "float"'),
        ("9", "note", 'Revealed type is "float"'),
        ("10", "error", 'Incompatible types in assignment (expression has type "float", variable has type "str")  '
                        "[assignment]"),
    ], done.stdout

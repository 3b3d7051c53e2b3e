"""Library errors are the project's exception classes (issue 17), with builtin bases.

A caller can catch every error the simulator raises on purpose with ``SimulatorError``, and code
written against the builtins (``except ValueError``, ``except KeyError``) still catches them.
Plain builtins are raised only where a protocol asks for them: pydantic's validators (which turn
a ValueError into a located problem) and a module's ``__getattr__``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from simulator.display.i18n import check_lang
from simulator.errors import ScenarioError, SimulatorError, UnitError, UnknownNameError, UsageError
from simulator.results import Results, SeriesKey
from simulator.scenario import space
from simulator.units import QuantityError, to_canonical

PACKAGE = Path(__file__).resolve().parents[1] / "simulator"
BUILTINS = {"ValueError", "KeyError", "TypeError", "IndexError", "LookupError", "RuntimeError", "Exception",
            "ArithmeticError"}
#: Converters pydantic calls through ``BeforeValidator``: a ValueError is how they refuse a value.
CONVERTERS = {"scenario/types.py": {"_convert", "_convert_varying", "Varying._check"},
              "scenario/schema.py": {"_innovation_list"}}
VALIDATORS = {"model_validator", "field_validator"}


def _plain_raises(relative: str, source: str) -> list[str]:
    """Every builtin exception raised in ``source`` (of ``simulator/relative``) outside a validator or
    ``__getattr__``, with its line and function."""
    found = []

    def walk(node: ast.AST, where: str, allowed: bool) -> None:
        for child in ast.iter_child_nodes(node):
            here, ok = where, allowed
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                here = f"{where}.{child.name}" if where else child.name
                decorators = {ast.unparse(d.func if isinstance(d, ast.Call) else d).rpartition(".")[2]
                              for d in child.decorator_list}
                ok = ok or bool(decorators & VALIDATORS) or child.name == "__getattr__" \
                    or here in CONVERTERS.get(relative, set())
            if isinstance(child, ast.Raise) and child.exc is not None and not allowed:
                exc = child.exc.func if isinstance(child.exc, ast.Call) else child.exc
                if isinstance(exc, ast.Name) and exc.id in BUILTINS:
                    found.append(f"simulator/{relative}:{child.lineno} ({where}): raise {exc.id}")
            walk(child, here, ok)

    walk(ast.parse(source), "", False)
    return found


def test_library_code_raises_the_projects_exceptions():
    found = [line for path in sorted(PACKAGE.rglob("*.py"))
             for line in _plain_raises(path.relative_to(PACKAGE).as_posix(), path.read_text(encoding="utf-8"))]
    assert not found, ("raise a class of simulator/errors.py (UsageError for a bad argument, UnknownNameError for "
                       "a name not held, ScenarioError for bad input) instead of:\n" + "\n".join(found))


def test_the_guard_sees_a_plain_raise_and_spares_validators():
    source = ("def f(x):\n    raise ValueError(x)\n\n"
              "@model_validator(mode='after')\ndef g(self):\n    raise ValueError()\n\n"
              "def _convert(v):\n    raise ValueError(v)\n")
    assert _plain_raises("scenario/types.py", source) == ["simulator/scenario/types.py:2 (f): raise ValueError"]
    assert len(_plain_raises("scenario/other.py", source)) == 2


def _results() -> Results:
    from simulator.scenario.load import scenario_from_dict

    scenario = scenario_from_dict({
        "name": "tiny", "time": {"start": 2020, "end": 2022, "step": 1},
        "demand": {"users": 1, "services": {"data": {"usage": "1 GB/yr"}}},
        "generations": {"4G": {"launch": 2000, "energy_intensity": "0.1 kWh/GB"}},
    })
    key = SeriesKey.of("energy")
    return Results(scenario=scenario, times=np.array([2020.0, 2021.0, 2022.0]), variants=("actual",),
                   data={key: np.zeros((1, 3))}, units={key: "kWh/yr"})


def test_a_name_results_do_not_hold_is_an_unknown_name_and_a_key_error():
    results = _results()
    for call in (lambda: results.array("energy", "frozen"), lambda: results.array("traffic"),
                 lambda: SeriesKey.of("energy", colour="red")):
        with pytest.raises(UnknownNameError) as info:
            call()
        assert isinstance(info.value, KeyError) and isinstance(info.value, SimulatorError)
    with pytest.raises(KeyError, match="no variant 'frozen'; this run has"):
        results.array("energy", "frozen")


def test_a_bad_argument_is_a_usage_error_and_a_value_error():
    with pytest.raises(UsageError) as info:
        check_lang("de")
    assert isinstance(info.value, ValueError) and not isinstance(info.value, ScenarioError)
    with pytest.raises(ValueError, match="fewer than two instants"):
        _results().window(2030, 2040)


def test_a_wrong_unit_is_a_unit_error():
    with pytest.raises(UnitError) as info:
        to_canonical("3 parsecs", "kWh")
    assert isinstance(info.value, QuantityError) and isinstance(info.value, ValueError)
    assert "with dimension [length], expected a quantity in kWh" in str(info.value)
    assert issubclass(space.PathError, SimulatorError) and issubclass(space.PathError, ValueError)

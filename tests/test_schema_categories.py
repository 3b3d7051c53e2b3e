"""Impact categories and phases are defined once (issue 17): the ``Category`` type, and ``PHASES``.

``Category`` (and ``GridCategory``, the categories electricity carries) are the typed source;
``CATEGORIES`` is keyed by them, its units read from the fields of ``Impacts``. The fields of
``Impacts`` and ``GridFactors`` cannot be generated without hiding them from type checkers, so
these tests hold them to the type.
"""

from __future__ import annotations

import typing

from simulator.scenario import schema
from simulator.scenario.types import UnitInfo


def _unit(model: type, field: str) -> str:
    return next(m.unit for m in model.model_fields[field].metadata if isinstance(m, UnitInfo))


def test_every_category_is_a_field_of_impacts_in_order():
    assert tuple(schema.Impacts.model_fields) == typing.get_args(schema.Category)
    assert tuple(schema.CATEGORIES) == typing.get_args(schema.Category)


def test_the_grid_has_a_factor_per_kwh_for_each_of_its_categories():
    grid = typing.get_args(schema.GridCategory)
    assert tuple(schema.GridFactors.model_fields) == grid
    assert set(grid) < set(schema.CATEGORIES) and "e_waste" not in grid
    for category in grid:
        assert _unit(schema.GridFactors, category) == f"{_unit(schema.Impacts, category)}/kWh", category


def test_a_grid_policy_names_a_category_of_the_grid():
    assert schema.GridChange.model_fields["category"].annotation == schema.GridCategory


def test_categories_carry_the_unit_of_their_impacts_field():
    assert schema.CATEGORIES["climate_change"] == ("kg CO2e", "Climate change")
    for category, (unit, name) in schema.CATEGORIES.items():
        assert unit == _unit(schema.Impacts, category)
        assert name and name[0].isupper()


def test_phases_in_life_cycle_order():
    assert schema.PHASES == (schema.MANUFACTURING, schema.USE, schema.END_OF_LIFE)
    assert schema.PHASES == ("manufacturing", "use", "end_of_life")
    assert schema.EQUIPMENT_PHASES == (schema.MANUFACTURING, schema.END_OF_LIFE)

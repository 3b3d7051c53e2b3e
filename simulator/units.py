"""The one unit registry of the simulator and the canonical units it computes in.

Scenario files may write a quantity as a plain number (read in the documented
canonical unit) or as a string with a unit (``"1.2 kW"``, ``"50 EB/yr"``,
``"480 g CO2e/kWh"``). Strings are converted once, at load time, to the
canonical unit; the engine then runs on plain floats whose unit is part of the
variable's name or of the schema field's documentation.

Impact "units" that are not physical (CO2 equivalents, antimony equivalents)
are separate base dimensions, so that ``"84 kg CO2e"`` cannot be mistaken for a
mass of e-waste and ``"5 kg"`` is refused where ``kg CO2e`` is expected.
"""

from __future__ import annotations

import math

import pint

ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True, on_redefinition="ignore")
# pint makes information dimensionless; a GB must not be confused with a plain number.
ureg.define("bit = [information] = b")
ureg.define("CO2e = [climate_equivalent] = CO2eq")
ureg.define("Sb_eq = [antimony_equivalent] = Sbeq")
ureg.define("Cu_eq = [copper_equivalent] = Cueq")
ureg.define("unit = [count] = units")
ureg.define("site = unit = sites")
ureg.define("user = unit = users")

#: Canonical units, as written in output ``unit`` columns and in the reference.
YEAR = "yr"
TRAFFIC_RATE = "GB/yr"
TRAFFIC = "GB"
ENERGY = "kWh"
ENERGY_RATE = "kWh/yr"
ENERGY_INTENSITY = "kWh/GB"
POWER = "W"
CAPACITY_PER_SITE = "GB/yr"


class QuantityError(ValueError):
    """A value could not be read as a quantity in the expected unit."""


def _unit(text: str) -> pint.Unit:
    return ureg.Unit(text)


def to_canonical(value: object, unit: str) -> float:
    """Convert a scenario value to a float in ``unit``.

    A plain number is taken to be in ``unit`` already; a string is parsed by
    pint and converted. Raises :class:`QuantityError` with a message that says
    what was found and what was expected.
    """
    if isinstance(value, bool):
        raise QuantityError(f"found a boolean ({value}), expected a number in {unit}")
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            quantity = ureg.Quantity(value.strip())
        except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError) as exc:
            raise QuantityError(f"found {value!r}: unknown unit ({exc}), expected {unit}") from None
        except Exception:  # pint raises a variety of parser errors on junk
            raise QuantityError(f"found {value!r}, expected a number or a quantity in {unit}") from None
        if not isinstance(quantity, pint.Quantity):
            number = float(quantity)
        elif quantity.dimensionless and _unit(unit).dimensionless:
            number = float(quantity.to(unit).magnitude)
        elif quantity.unitless:
            number = float(quantity.magnitude)
        else:
            try:
                number = float(quantity.to(unit).magnitude)
            except pint.errors.DimensionalityError:
                raise QuantityError(
                    f"found {value!r} with dimension {quantity.dimensionality}, "
                    f"expected a quantity in {unit} ({_unit(unit).dimensionality})"
                ) from None
    else:
        raise QuantityError(
            f"found {type(value).__name__} {value!r}, expected a number or a quantity in {unit}"
        )
    if not math.isfinite(number):
        raise QuantityError(f"found {value!r}, expected a finite number in {unit}")
    return number


def check_unit(text: str) -> str:
    """Validate a unit string (e.g. an impact category's unit) and return it."""
    try:
        _unit(text)
    except Exception:
        raise QuantityError(f"found {text!r}, expected a unit pint knows (e.g. 'kg CO2e')") from None
    return text


def same_dimension(a: str, b: str) -> bool:
    """True if two unit strings measure the same thing."""
    return _unit(a).dimensionality == _unit(b).dimensionality


def pretty(unit: str) -> str:
    """A short human label for a unit string, as used in plot axes."""
    return unit.replace("**", "^").replace("m^3", "m³")

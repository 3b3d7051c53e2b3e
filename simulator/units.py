"""The one unit registry of the simulator and the canonical units it computes in.

Scenario files may write a quantity as a plain number (read in the documented
canonical unit) or as a string with a unit (``"1.2 kW"``, ``"50 EB/yr"``,
``"480 g CO2e/kWh"``). Strings are converted once, at load time, to the
canonical unit; the engine then runs on plain floats whose unit is part of the
variable's name or of the schema field's documentation.

Impact "units" that are not physical (CO2 equivalents, antimony equivalents)
are separate base dimensions, so that ``"84 kg CO2e"`` cannot be mistaken for a
mass of e-waste and ``"5 kg"`` is refused where ``kg CO2e`` is expected.

What counts as ambiguous, and is refused with a hint rather than guessed:

- a plain number is never ambiguous: it is read in the field's one documented
  canonical unit (``usage: 24`` is 24 GB/yr per user), and a plain number in a
  year table likewise;
- a string must give a number *and* the whole unit: ``"GB/yr"`` (no number) is
  refused, and so is a unit that lacks its time part, ``"2 GB"`` where GB/yr
  is expected or ``"15 %"`` where a fraction per year is (write ``"15 %/yr"``
  or ``0.15``), or has one too many (``"5 kWh/yr"`` where kWh is expected);
- a string pint would have to compute is refused: powers must be small whole
  numbers written after a unit (``"m**3"``), so ``"9**9**9"`` cannot hang the
  loader, and quantity strings are at most 100 characters.
"""

from __future__ import annotations

import math
import re

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



class QuantityError(ValueError):
    """A value could not be read as a quantity in the expected unit."""


#: Longest quantity string read ("480 g CO2e/kWh" has 14 characters).
MAX_QUANTITY_CHARS = 100
_LEADING_NUMBER = re.compile(r"\s*[+-]?(\d|\.\d)")
_POWER = re.compile(r"\*\*|\^")
# A power must raise a name or a number to a small constant: pint evaluates what it
# reads, so "9**9**9" or "(9**99)**99" would otherwise compute a huge integer.
_SAFE_POWER = re.compile(r"(?<=[\w.])\s*(\*\*|\^)\s*[+-]?\d{1,2}(\.\d+)?(?!\s*(\*\*|\^|\d|\())")


def describe(value: object) -> str:
    """How a value read from YAML is shown in a "found ..." message."""
    if value is None:
        return "an empty value (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, float) and not math.isfinite(value):
        return ".nan" if math.isnan(value) else ".inf" if value > 0 else "-.inf"
    if isinstance(value, int | float):
        text = repr(value)
        return text if len(text) <= 30 else f"{text[:10]}... (a number of {len(text)} digits)"
    if hasattr(value, "isoformat"):
        return f"the date {value.isoformat()}"  # type: ignore[union-attr]
    kind = {dict: "a mapping ", list: "a list ", str: ""}.get(type(value), f"a {type(value).__name__} ")
    text = repr(value)
    return kind + (text if len(text) <= 60 else text[:57] + "...")


def _in(unit: str) -> str:
    return f" in {unit}" if unit else " (dimensionless)"


def _unit(text: str) -> pint.Unit:
    return ureg.Unit(text)


def _is_unit(text: str) -> bool:
    try:
        return _unsafe(text) is None and not _unit(text).dimensionless
    except Exception:
        return False


def _unsafe(text: str) -> str | None:
    """Why a string is not read as a quantity or a unit, or None if it may be given to pint."""
    if len(text) > MAX_QUANTITY_CHARS:
        return f"longer than {MAX_QUANTITY_CHARS} characters"
    if _POWER.search(_SAFE_POWER.sub("", text)):
        return "a power must be a small whole number written after a unit, as in 'm**3'"
    return None


def _closest_unit(names: tuple[str, ...]) -> str:
    import difflib

    for name in names:
        hint = difflib.get_close_matches(name, _unit_names(), n=1, cutoff=0.75)
        if hint:
            return f" (did you mean {hint[0]!r}?)"
    return ""


def _unit_names() -> list[str]:
    if not _UNIT_NAMES:
        _UNIT_NAMES.extend(name for name in dir(ureg) if not name.startswith("_"))
    return _UNIT_NAMES


_UNIT_NAMES: list[str] = []


def _dimension_hint(text: str, quantity: pint.Quantity, unit: str) -> str:
    ratio = quantity.dimensionality / _unit(unit).dimensionality
    if ratio == ureg.year.dimensionality:
        return f"; hint: say per what time, e.g. {text + '/yr'!r}"
    if ratio == (1 / ureg.year).dimensionality:
        return "; hint: expected an amount, not a rate per time"
    for name in ("CO2e", "Sb_eq", "Cu_eq"):
        if ratio == (1 / ureg.Unit(name)).dimensionality:
            return f"; hint: say what it is an equivalent of, e.g. '{unit}'"
    return ""


def to_canonical(value: object, unit: str) -> float:
    """Convert a scenario value to a float in ``unit``.

    A plain number is taken to be in ``unit`` already (it is never ambiguous:
    every field documents its one canonical unit). A string is parsed by pint
    and converted; it must start with a number (``"GB/yr"`` alone is refused)
    and carry the whole dimension: ``"2 GB"`` is refused where GB/yr is expected
    and ``"15 %"`` where a rate per year is (write ``"15 %/yr"`` or ``0.15``),
    with a hint. Raises :class:`QuantityError` with a message that says what was
    found and what was expected.
    """
    if isinstance(value, bool):
        raise QuantityError(f"found {describe(value)}, expected a number{_in(unit)}")
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            raise QuantityError(f"found {describe(value)}, expected a finite number{_in(unit)}") from None
    elif isinstance(value, str):
        text = value.strip()
        if not _LEADING_NUMBER.match(text):
            raise QuantityError(
                f"found {describe(value)}, expected a number or a number with its unit{_in(unit)}"
                + (f" (e.g. {'1 ' + text!r})" if unit and text.isprintable() and _is_unit(text) else "")
            )
        reason = _unsafe(text)
        if reason is not None:
            raise QuantityError(f"found {describe(value)}, expected a quantity{_in(unit)}: {reason}")
        try:
            quantity = ureg.Quantity(text)
        except pint.errors.UndefinedUnitError as exc:
            names = tuple(exc.unit_names) if isinstance(exc.unit_names, list | tuple) else (str(exc.unit_names),)
            listed = ", ".join(repr(n) for n in names)
            raise QuantityError(
                f"found {value!r}: unknown unit {listed}{_closest_unit(names)}, expected a quantity{_in(unit)}"
            ) from None
        except Exception:  # pint raises a variety of parser errors on junk
            raise QuantityError(f"found {value!r}, expected a number or a quantity{_in(unit)}") from None
        try:
            if not isinstance(quantity, pint.Quantity):
                number = float(quantity)
            elif quantity.dimensionless and _unit(unit).dimensionless:
                number = float(quantity.to(unit).magnitude)
            elif quantity.units == ureg.dimensionless:  # "3", not "3 %" (pint calls both unitless)
                number = float(quantity.magnitude)
            else:
                number = float(quantity.to(unit).magnitude)
        except pint.errors.DimensionalityError:
            expected = f"a quantity in {unit} ({_unit(unit).dimensionality})" if unit else "a plain number"
            raise QuantityError(
                f"found {value!r} with dimension {quantity.dimensionality}, "
                f"expected {expected}{_dimension_hint(text, quantity, unit)}"
            ) from None
        except Exception:  # overflow or a non-numeric magnitude
            raise QuantityError(f"found {value!r}, expected a finite number{_in(unit)}") from None
    else:
        raise QuantityError(f"found {describe(value)}, expected a number or a quantity{_in(unit)}")
    if not math.isfinite(number):
        raise QuantityError(f"found {describe(value)}, expected a finite number{_in(unit)}")
    return number


def check_unit(text: str) -> str:
    """Validate a unit string (e.g. an impact category's unit) and return it."""
    if not isinstance(text, str) or _unsafe(text) is not None:
        raise QuantityError(f"found {describe(text)}, expected a unit pint knows (e.g. 'kg CO2e')")
    try:
        _unit(text)
    except Exception:
        raise QuantityError(f"found {text!r}, expected a unit pint knows (e.g. 'kg CO2e')") from None
    return text


def same_dimension(a: str, b: str) -> bool:
    """True if two unit strings measure the same thing."""
    return _unit(a).dimensionality == _unit(b).dimensionality

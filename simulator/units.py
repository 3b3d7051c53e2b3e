"""The one unit registry of the simulator and the canonical units it computes in.

Scenario files may write a quantity as a plain number (read in the documented
canonical unit) or as a string with a unit (``"1.2 kW"``, ``"50 EB/yr"``,
``"480 g CO2e/kWh"``). Strings are converted once, at load time, to the
canonical unit; the engine then runs on plain floats whose unit is part of the
variable's name or of the schema field's documentation.

Impact "units" that are not physical (CO2 equivalents, antimony equivalents)
are separate base dimensions, so that ``"84 kg CO2e"`` cannot be mistaken for a
mass of e-waste and ``"5 kg"`` is refused where ``kg CO2e`` is expected.

What counts as ambiguous, and is refused with the fix rather than guessed:

- a plain number is read in the field's canonical unit only where that unit
  has one natural reading (:func:`takes_bare_number`): a ratio or share, a year
  or a number of years, a fraction per year, a count of users, sites or units.
  Elsewhere (traffic, energy, power, mass, impacts and their ratios) people
  write GB or MB, per month or per year, W or kW, g or kg: ``usage: 3`` is
  refused with the unit to write (``"3 GB/yr"``), so that nobody's 3 GB/month
  is silently read as 3 GB/yr. Scenario files and ``--set`` values follow this
  rule; numbers the program writes itself (ranges, sliders, draws, Python data)
  are already in the canonical unit and are read as such;
- a string must give a number *and* the whole unit: ``"GB/yr"`` (no number) is
  refused, and so is a unit that lacks its time part, ``"2 GB"`` where GB/yr
  is expected or ``"15 %"`` where a fraction per year is (write ``"15 %/yr"``
  or ``0.15``), or has one too many (``"5 kWh/yr"`` where kWh is expected);
- what the unit parser would read as something else is refused with what to
  write: a decimal comma (``"0,85"``, which pint reads as 0; write ``0.85``),
  ``k``/``M``/``G``/``bn`` for thousands, millions, billions (``"30k"`` is 30
  times Boltzmann's constant to pint; write ``30e3``), a unit glued to the
  equivalent it counts (``"56 gCO2e/kWh"``; write ``"56 g CO2e/kWh"``), a
  percentage where a count is expected, a date where a year is (``"2020-06"`` too, which
  pint would compute), digit groups separated by spaces (``"1 000 000"``, which pint
  multiplies: 0), a range or a sum (``"0.5-1.2"``), a typographic minus (``"\u22120.05"``),
  ``"2x10^6"``, millibits for megabytes (``"500 mb"``) and the gilbert for gigabits (``"2 Gb"``);
- a string pint would have to compute is refused: powers must be small whole
  numbers written after a unit (``"m**3"``), so ``"9**9**9"`` cannot hang the
  loader, and quantity strings are at most 100 characters.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import pint

from .errors import UnitError

ureg: pint.UnitRegistry = pint.UnitRegistry(autoconvert_offset_to_baseunit=True, on_redefinition="ignore")
# pint makes information dimensionless; a GB must not be confused with a plain number.
ureg.define("bit = [information] = b")
ureg.define("CO2e = [climate_equivalent] = CO2eq")
ureg.define("Sb_eq = [antimony_equivalent] = Sbeq")
ureg.define("Cu_eq = [copper_equivalent] = Cueq")
ureg.define("unit = [count] = units")
ureg.define("site = unit = sites")
ureg.define("user = unit = users")
ureg.define("job = unit = jobs")
ureg.define("line = unit = lines")
ureg.define("EUR = [currency] = euro = euros")

#: Dimensions of the units in which a plain number is accepted (see :func:`takes_bare_number`).
_BARE_DIMENSIONS = (ureg.year.dimensionality, (1 / ureg.year).dimensionality, ureg.unit.dimensionality)


class QuantityError(UnitError):
    """A value could not be read as a quantity in the expected unit."""


#: Longest quantity string read ("480 g CO2e/kWh" has 14 characters).
MAX_QUANTITY_CHARS = 100
_LEADING_NUMBER = re.compile(r"\s*[+-]?(\d|\.\d)")
_POWER = re.compile(r"\*\*|\^")
# A power must raise a name or a number to a small constant: pint evaluates what it
# reads, so "9**9**9" or "(9**99)**99" would otherwise compute a huge integer.
_SAFE_POWER = re.compile(r"(?<=[\w.])\s*(\*\*|\^)\s*[+-]?\d{1,2}(\.\d+)?(?!\s*(\*\*|\^|\d|\())")


def takes_bare_number(unit: str) -> bool:
    """True if a plain number is accepted in a field of ``unit``, read in that unit.

    Dimensionless values (elasticities, shares, factors, indices), years and
    numbers of years, fractions per year and counts (users, sites, units) have
    one natural reading; any other unit must be written with the number.
    """
    if not unit:
        return True
    return _unit(unit).dimensionality in _BARE_DIMENSIONS


def number_text(value: float) -> str:
    """A number as the user should write it: whole numbers without ".0", others exactly (repr)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return repr(float(value))


def bare_number_message(value: object, unit: str) -> str:
    """What to say about a number written without its unit in a field of ``unit``."""
    shown = value.strip() if isinstance(value, str) else number_text(value)  # type: ignore[arg-type]
    return (f'found {shown} without a unit, expected a quantity with its unit: write "{shown} {unit}" '
            f"(the field's unit is {unit})")


_DECIMAL_COMMA = re.compile(r"\s*([+-]?)(\d+)((?:,\d+)+)(.*)", re.S)


def _written(text: str) -> str:
    """``text`` as it should be written in YAML: a plain number bare, anything else in double quotes."""
    try:
        float(text)
    except ValueError:
        return f'"{text}"'
    return text


def comma_message(value: str) -> str:
    """What to say about a number written with a comma (a decimal comma, or a thousands separator)."""
    match = _DECIMAL_COMMA.fullmatch(value)
    if match is None:
        return f"found {value!r}, a comma where a number is expected: write numbers with a decimal point (0.85)"
    sign, whole, groups, rest = match.groups()
    parts = groups.split(",")[1:]
    decimal = f"{sign}{whole}.{parts[0]}{rest}".strip()
    if len(parts) == 1 and (len(parts[0]) != 3 or whole == "0"):  # "0,056" has no thousands
        return f"found {value!r}, a decimal comma, expected a decimal point: write {_written(decimal)}"
    grouped = f"{sign}{whole}{''.join(parts)}{rest}".strip()
    if len(parts) == 1:
        return (f"found {value!r}, a comma in a number, expected a decimal point and no thousands separator: "
                f"write {_written(grouped)}, or {_written(decimal)} if the comma is a decimal comma")
    return f"found {value!r}, a number with thousands separators, expected none: write {_written(grouped)}"


#: Words people use for ×1000, ×10^6, ×10^9 after a number; pint reads none of them that way.
_MULTIPLIERS = {"k": 3, "K": 3, "thousand": 3, "M": 6, "mn": 6, "Mio": 6, "million": 6, "G": 9, "bn": 9,
                "billion": 9}
_MULTIPLIED = re.compile(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(" + "|".join(_MULTIPLIERS)
                         + r")(?![\w])\s*(.*)", re.S)
_READ_AS = {"k": "Boltzmann's constant", "K": "kelvin", "M": "molar", "G": "gauss"}


def _multiplied(text: str) -> str | None:
    """What to say about ``"30k"``, ``"5 M users"``, ``"2 bn"``, or None if ``text`` is not like that."""
    match = _MULTIPLIED.fullmatch(text)
    if match is None:
        return None
    number, word, rest = match.groups()
    power = _MULTIPLIERS[word]
    plain = f"{number}e{power}" if not re.search("[eE]", number) else repr(float(number) * 10.0**power)
    read = _READ_AS.get(word)
    why = f" (to the unit parser, {word!r} is {read})" if read else ""
    fix = f"{plain} {rest}".strip()
    return (f"found {text!r}: {word!r} is not read as a multiplier{why}, expected a number: "
            f"write {_written(fix)}")


_TYPOGRAPHIC_MINUS = "\u2212\u2013\u2014"  # minus sign, en dash, em dash
_ARITHMETIC = re.compile(rf"(?<=[\d.%])\s*[+\-{_TYPOGRAPHIC_MINUS}]\s*(?=\.?\d)")
_MONTH = re.compile(r"\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\s*")
_SIDE_BY_SIDE = re.compile(r"(?<![\w.])\d+(?:\.\d*)?(?:\s+\d+(?:\.\d*)?)+(?![\w.])")
_TIMES_TEN = re.compile(r"\s*([+-]?\d+(?:\.\d+)?)\s*[x\u00d7]\s*10\s*(?:\^|\*\*)\s*([+-]?\d+)\s*(.*)", re.S)
_MILLI_BYTES = re.compile(r"(?<![A-Za-z_])m(b|B|bit|byte)s?(?![A-Za-z_])")
_GILBERT = re.compile(r"(?<![A-Za-z_])Gb(?![A-Za-z_])")


def _misread(text: str, unit: str) -> str | None:
    """What to say about a string pint would read as another number than the one meant, or None.

    ``"1 000 000"`` (pint multiplies numbers side by side: 0), ``"0.5-1.2"`` and ``"2020-06"``
    (computed: -0.7, 2014), ``"\u22120.05"`` (a typographic minus), ``"2x10^6"``, ``"500 mb"``
    (millibits) and ``"2 Gb"`` (the gilbert, not gigabits)."""
    month = _MONTH.fullmatch(text)
    if month and unit and _unit(unit).dimensionality == ureg.year.dimensionality and 1 <= int(month[2]) <= 12:
        try:
            day = dt.date(int(month[1]), int(month[2]), int(month[3] or 1))
        except ValueError:
            day = None
        if day is not None:
            return f"found {text!r}, a date, expected a year{_date_fix(day)}"
    if _ARITHMETIC.search(text):
        return (f"found {text!r}: a range or a sum, which the unit parser would compute, expected one value: "
                "write a single number (a range of values goes under uncertainty:)")
    if any(c in text for c in _TYPOGRAPHIC_MINUS):
        fixed = re.sub(f"[{_TYPOGRAPHIC_MINUS}]", "-", text)
        return f"found {text!r}: a typographic dash, expected the minus sign '-': write {_written(fixed)}"
    side = _SIDE_BY_SIDE.search(text)
    if side:
        groups = side[0].split()
        if all(len(g) == 3 and g.isdigit() for g in groups[1:]) and groups[0].isdigit():
            fixed = text[:side.start()] + "".join(groups) + text[side.end():]
            return (f"found {text!r}: digits separated by spaces, which the unit parser multiplies, "
                    f"expected no thousands separator: write {_written(fixed.strip())}")
        return (f"found {text!r}: numbers side by side, which the unit parser multiplies, "
                "expected one number: write a single value")
    times_ten = _TIMES_TEN.fullmatch(text)
    if times_ten:
        fixed = f"{times_ten[1]}e{times_ten[2]} {times_ten[3]}".strip()
        return f"found {text!r}, expected a number in E notation: write {_written(fixed)}"
    milli = _MILLI_BYTES.search(text)
    if milli:
        what = "bit" if milli[1] in ("b", "bit") else "byte"
        as_bytes, as_bits = (_MILLI_BYTES.sub(new, text, count=1) for new in ("MB", "Mbit"))
        return (f"found {text!r}: {milli[0]!r} is a milli{what} to the unit parser (a thousandth of a {what}), "
                f"expected a quantity{_in(unit)}: write {as_bytes!r} for megabytes or {as_bits!r} for megabits")
    if _GILBERT.search(text):
        as_bytes, as_bits = (_GILBERT.sub(new, text, count=1) for new in ("GB", "Gbit"))
        return (f"found {text!r}: 'Gb' is the gilbert (a unit of magnetism) to the unit parser, expected a "
                f"quantity{_in(unit)}: write {as_bytes!r} for gigabytes or {as_bits!r} for gigabits")
    return None


def _date_fix(value: object) -> str:
    """A date as a decimal year (2010-06-01 → 2010.41), for a message."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if not isinstance(day, dt.date):
        return ""
    start = dt.date(day.year, 1, 1)
    fraction = (day - start).days / (dt.date(day.year + 1, 1, 1) - start).days
    return f": write {day.year + fraction:.2f} (the year as a decimal number)" if fraction else f": write {day.year}"


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
        return f"the date {value.isoformat()}"
    kinds: dict[type, str] = {dict: "a mapping ", list: "a list ", str: ""}
    kind = kinds.get(type(value), f"a {type(value).__name__} ")
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


#: Abbreviations people write that the unit parser does not know, and the unit they mean.
_ABBREVIATIONS = {"mo": "month", "mth": "month", "y": "yr"}


def _recased(name: str, text: str, unit: str | None) -> list[str]:
    """Known units that differ from ``name`` only in case (``kwh`` → ``kWh``) and, in ``text``, read in
    ``unit`` (any unit if None)."""
    import itertools

    if len(name) > 6:
        return []
    found = []
    for letters in itertools.product(*((c.lower(), c.upper()) for c in name)):
        candidate = "".join(letters)
        if candidate == name or not _known_unit(candidate):
            continue
        try:
            if unit is not None:
                ureg.Quantity(re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", candidate, text)).to(unit)
        except Exception:
            continue
        found.append(candidate)
    return sorted(found)[:2]


def _closest_unit(names: tuple[str, ...], text: str = "", unit: str | None = None) -> str:
    import difflib

    for name in names:
        hint = ([_ABBREVIATIONS[name]] if name in _ABBREVIATIONS else _recased(name, text, unit)
                or difflib.get_close_matches(name, _unit_names(), n=1, cutoff=0.75))
        if hint:
            return f" (did you mean {' or '.join(repr(h) for h in hint)}?)"
    return ""


def _unit_names() -> list[str]:
    if not _UNIT_NAMES:
        _UNIT_NAMES.extend(name for name in dir(ureg) if not name.startswith("_"))
    return _UNIT_NAMES


_UNIT_NAMES: list[str] = []


def _dimension_hint(text: str, quantity: pint.Quantity, unit: str) -> str:
    ratio = quantity.dimensionality / _unit(unit).dimensionality
    fraction = f"{float(quantity.to('').magnitude):g}" if not quantity.dimensionality else None  # "85 %"
    if ratio == ureg.year.dimensionality:
        per_year = f", or write the fraction per year: {fraction}" if fraction else ""
        return f"; hint: say per what time, e.g. {text + '/yr'!r}{per_year}"
    if fraction is not None and ratio == (1 / ureg.unit).dimensionality:
        return f"; hint: a count is a plain number: write {fraction} for {text} of one {unit}"
    if ratio == (1 / ureg.unit).dimensionality:
        return "; hint: the field is already per user (or per unit): write it without '/user'"
    if ratio == (1 / ureg.year).dimensionality:
        return "; hint: expected an amount, not a rate per time"
    for name in ("CO2e", "Sb_eq", "Cu_eq"):
        if ratio == (1 / ureg.Unit(name)).dimensionality:
            return f"; hint: say what it is an equivalent of, e.g. '{unit}'"
    return ""


def to_canonical(value: object, unit: str) -> float:
    """Convert a scenario value to a float in ``unit``.

    A plain number is taken to be in ``unit`` already: whether the field accepts
    one from a person (:func:`takes_bare_number`) is the loader's rule, applied
    where it knows who wrote the value. A string is parsed by pint and
    converted; it must start with a number (``"GB/yr"`` alone is refused) and
    carry the whole dimension: ``"2 GB"`` is refused where GB/yr is expected and
    ``"15 %"`` where a rate per year is (write ``"15 %/yr"`` or ``0.15``), with a
    hint; a string without a unit (``"3"``) is refused where the field needs one.
    Strings pint would misread (a decimal comma, ``30k``, ``gCO2e``) are refused
    with what to write. Raises :class:`QuantityError` with a message that says
    what was found and what was expected.
    """
    if isinstance(value, bool):
        raise QuantityError(f"found {describe(value)}, expected a number{_in(unit)}")
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            raise QuantityError(f"found {describe(value)}, expected a finite number{_in(unit)}") from None
    elif isinstance(value, str):
        number = _parsed(value, unit)
    else:
        is_year = bool(unit) and _unit(unit).dimensionality == ureg.year.dimensionality
        raise QuantityError(f"found {describe(value)}, expected a number or a quantity{_in(unit)}"
                            + (_date_fix(value) if is_year else ""))
    if not math.isfinite(number):
        raise QuantityError(f"found {describe(value)}, expected a finite number{_in(unit)}")
    return number


def _parsed(value: str, unit: str) -> float:
    """A quantity string in ``unit`` (see :func:`to_canonical`)."""
    text = value.strip()
    if "," in text:
        raise QuantityError(comma_message(text))
    multiplied = _multiplied(text) or _misread(text, unit)
    if multiplied is not None:
        raise QuantityError(multiplied)
    if not _LEADING_NUMBER.match(text):
        raise QuantityError(
            f"found {describe(value)}, expected a number or a number with its unit{_in(unit)}"
            + (f" (e.g. {'1 ' + text!r})" if unit and text.isprintable() and _is_unit(text) else "")
        )
    reason = _unsafe(text)
    if reason is not None:
        raise QuantityError(f"found {describe(value)}, expected a quantity{_in(unit)}: {reason}")
    try:
        quantity: pint.Quantity = ureg.Quantity(text)
    except pint.errors.UndefinedUnitError as exc:
        names = tuple(exc.unit_names) if isinstance(exc.unit_names, list | tuple) else (str(exc.unit_names),)
        listed = ", ".join(repr(n) for n in names)
        fixed = _unglued(text, names, unit)
        fix = f': write "{fixed}" (units are separated by spaces)' if fixed is not None else ""
        closest = _closest_unit(names, text, unit) if fixed is None else ""
        raise QuantityError(
            f"found {value!r}: unknown unit {listed}{closest}, expected a quantity{_in(unit)}{fix}") from None
    except Exception:  # pint raises a variety of parser errors on junk
        raise QuantityError(f"found {value!r}, expected a number or a quantity{_in(unit)}") from None
    plain = not isinstance(quantity, pint.Quantity) or quantity.units == ureg.dimensionless  # "3", not "3 %"
    try:
        if not isinstance(quantity, pint.Quantity):
            number = float(quantity)
        elif plain:
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
    if plain and not takes_bare_number(unit):
        raise QuantityError(bare_number_message(text, unit))
    return number


#: What impact units count, written after a unit of mass: "g CO2e", never "gCO2e".
_EQUIVALENTS = ("CO2e", "Sb_eq", "Cu_eq")


def _known_unit(name: str) -> bool:
    try:
        _unit(name)
    except Exception:
        return False
    return True


def _split_unit(name: str) -> str | None:
    """``"gCO2e"`` → ``"g CO2e"``: a unit glued to another, split; None if no split reads."""
    import difflib

    for cut in range(len(name) - 1, 0, -1):  # the longest known left part: "kgCO2e" is "kg CO2e"
        left, right = name[:cut], name[cut:]
        if not _known_unit(left):
            continue
        if _known_unit(right):
            return f"{left} {right}"
        close = difflib.get_close_matches(right, _EQUIVALENTS, n=1, cutoff=0.7)
        if close:
            return f"{left} {close[0]}"
    return None


def _unglued(text: str, names: tuple[str, ...], unit: str) -> str | None:
    """``text`` with its unknown unit names split into known units, if that reads in ``unit``; else None."""
    fixed = text
    for name in names:
        split = _split_unit(name)
        if split is None:
            return None
        fixed = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", split, fixed)
    try:
        ureg.Quantity(fixed).to(unit)
    except Exception:
        return None
    return fixed


def check_unit(text: str) -> str:
    """Validate a unit string (e.g. an impact category's unit) and return it."""
    if not isinstance(text, str) or _unsafe(text) is not None:
        raise QuantityError(f"found {describe(text)}, expected a unit pint knows (e.g. 'kg CO2e')")
    try:
        _unit(text)
    except pint.errors.UndefinedUnitError as exc:
        names = tuple(exc.unit_names) if isinstance(exc.unit_names, list | tuple) else (str(exc.unit_names),)
        raise QuantityError(f"found {text!r}: unknown unit {', '.join(repr(n) for n in names)}"
                            f"{_closest_unit(names)}, expected a unit pint knows (e.g. 'kg CO2e')") from None
    except Exception:
        raise QuantityError(f"found {text!r}, expected a unit pint knows (e.g. 'kg CO2e')") from None
    return text


def same_dimension(a: str, b: str) -> bool:
    """True if two unit strings measure the same thing."""
    return _unit(a).dimensionality == _unit(b).dimensionality

"""The sliders of a scenario, the values that come in over the wire, and one run per move.

An :class:`Explorer` is built once per page from a validated scenario whose ``explore:``
section names the sliders. It is immutable, so every request (every browser tab) can use it
from its own worker thread without sharing anything that changes.

A move is a mapping ``{slider name: value}`` (only the sliders that were moved; the others
keep the scenario's value). :meth:`Explorer.check` refuses anything that is not a finite
number on the slider's grid ``min + k·step`` within ``[min, max]``, then the derived scenario
is checked again for the cross-field rules a combination of sliders may break (a 5G launch
after its switch-off): the per-field bounds need no new check, because the scenario loader
checked both ends of every range (see :mod:`simulator.scenario.space`).

A refused move says why in English and in French (:meth:`BadMove.said`): the page shows the
message in its own language. The French one names sliders by their French labels, and a rule
a combination breaks by where it applies (the scenario's rules speak English only).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..display.i18n import NBSP, number
from ..engine import simulate
from ..errors import SimulatorError, UsageError
from ..results import Results
from ..scenario import space
from ..scenario.checks import semantic_problems
from ..scenario.schema import Scenario
from ..scenario.sliders import Slider, in_language

#: How far from the slider's grid a value may be, in steps (browsers send 0.30000000000000004).
GRID_TOLERANCE = 1e-6
#: Longest name or message quoted back in an error (characters): errors never echo input whole.
QUOTE_LIMIT = 40


class BadMove(SimulatorError, ValueError):
    """A move the page cannot run: unknown slider, not a number, off the range or the grid, or a
    combination the scenario's rules refuse. ``str()`` is the message in English, :meth:`said` in
    the page's language (``french``: the same message in French, else the English one)."""

    def __init__(self, message: str, french: str | None = None):
        super().__init__(message)
        self.french = french if french is not None else message

    def said(self, lang: str) -> str:
        """The message in ``lang``."""
        return self.french if lang == "fr" else str(self)


def _fr(value: float) -> str:
    """A number as French writes it (``2,5``, ``−0,1``)."""
    return number(value, "g", "fr")


def quote(value: Any) -> str:
    """``repr(value)`` cut to :data:`QUOTE_LIMIT` characters: errors name what they refuse without
    returning a whole payload."""
    text = repr(value)
    return text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 1] + "…"


@dataclass(frozen=True)
class SliderSpec:
    """One slider of the page: the scenario's ``explore`` entry and the values it moves."""

    name: str
    slider: Slider
    targets: tuple[space.Path, ...]
    """Concrete paths it sets (several for a ``*`` path), all to the same value."""
    start: float
    """The scenario's value (of the first target): where the slider sits before any move."""
    annotation: Any = float
    """The schema's annotation of the value it moves (its unit and bounds): how to show the value."""

    @property
    def kind(self) -> str:
        """How the page shows a value: ``percent`` (a fraction, or a fraction per year: 0.15 → 15 %),
        ``year`` (a date: 2019, or 2019 Q2 with quarter steps) or ``number``."""
        unit = space.unit_of(self.annotation)
        if unit == "1/yr" or (unit == "" and space.check_value(self.annotation, 1.0) is None
                              and space.check_value(self.annotation, 1.5) is not None):
            return "percent"
        if unit == "yr" and space.check_value(self.annotation, -1.0) is None:  # a duration is never negative
            return "year"
        return "number"

    @property
    def decimals(self) -> int:
        """Decimals needed to show any position of the slider (0.25 → 2, 1 → 0)."""
        return decimals_of(self.slider.step, self.slider.min)

    def position(self, value: float) -> int:
        """Index of ``value`` on the grid ``min + k·step`` (k = 0 … n−1)."""
        return round((value - self.slider.min) / self.slider.step)

    @property
    def positions(self) -> int:
        """Number of positions of the slider (both ends included)."""
        return self.position(self.slider.max) + 1

    def value_at(self, index: int) -> float:
        """The value of position ``index``, rounded to the step's decimals (no 0.30000000000000004)."""
        return round(self.slider.min + index * self.slider.step, self.decimals + 6)

    def check(self, raw: Any) -> float:
        """``raw`` as a float if it is a valid position of this slider; :class:`BadMove` otherwise."""
        s = self.slider
        label = f"«{NBSP}{in_language(s.label, 'fr')}{NBSP}»"
        between = f"un nombre de {_fr(s.min)} à {_fr(s.max)}"
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise BadMove(f"{self.name}: found {quote(raw)}, expected a number from {s.min:g} to {s.max:g}",
                          f"{label}{NBSP}: reçu {quote(raw)}, attendu {between}")
        value = float(raw)
        if not math.isfinite(value):
            raise BadMove(f"{self.name}: found {quote(raw)}, expected a finite number from {s.min:g} to {s.max:g}",
                          f"{label}{NBSP}: reçu {quote(raw)}, attendu {between}")
        slack = GRID_TOLERANCE * s.step
        if not s.min - slack <= value <= s.max + slack:
            raise BadMove(f"{self.name}: found {value:g}, expected a number from {s.min:g} to {s.max:g}",
                          f"{label}{NBSP}: reçu {_fr(value)}, attendu {between}")
        k = (value - s.min) / s.step
        if abs(k - round(k)) > GRID_TOLERANCE:
            below, above = self.value_at(math.floor(k)), self.value_at(math.ceil(k))
            raise BadMove(f"{self.name}: found {value:g}, expected a multiple of {s.step:g} from {s.min:g} "
                          f"(e.g. {below:g} or {above:g})",
                          f"{label}{NBSP}: reçu {_fr(value)}, attendu un multiple de {_fr(s.step)} à partir de "
                          f"{_fr(s.min)} (par exemple {_fr(below)} ou {_fr(above)})")
        return self.value_at(round(k))


def decimals_of(*numbers: float) -> int:
    """Decimals of the shortest plain writing of each number, at most 6."""
    found = 0
    for x in numbers:
        text = f"{x:.6f}".rstrip("0")
        found = max(found, len(text.partition(".")[2]))
    return found


class Explorer:
    """A scenario with its sliders: checks moves and runs them (with the counterfactuals)."""

    def __init__(self, scenario: Scenario):
        if not scenario.explore:
            raise UsageError(f"scenario {scenario.name!r} has no explore: section; "
                             "add sliders to it (see docs/scenario-reference.md)")
        self.scenario = scenario
        self.sliders: dict[str, SliderSpec] = {}
        for name, slider in scenario.explore.items():
            found = space.expand(scenario, slider.path)
            targets = tuple(path for path, _ in found)
            self.sliders[name] = SliderSpec(name, slider, targets, space.value_at(scenario, targets[0]), found[0][1])

    def check(self, move: Any) -> dict[str, float]:
        """A move from the wire as ``{slider name: value}``; :class:`BadMove` with every problem."""
        if not isinstance(move, Mapping):
            raise BadMove(f"values: found {quote(move)}, expected an object of slider names and numbers",
                          f"values{NBSP}: reçu {quote(move)}, attendu un objet de noms de curseurs et de nombres")
        problems: list[BadMove] = []
        values = {}
        for name, raw in move.items():
            spec = self.sliders.get(name) if isinstance(name, str) else None
            if spec is None:
                problems.append(BadMove(f"unknown slider {quote(name)} (sliders: {', '.join(self.sliders)})",
                                        f"curseur inconnu {quote(name)} (curseurs{NBSP}: {', '.join(self.sliders)})"))
                continue
            try:
                values[name] = spec.check(raw)
            except BadMove as exc:
                problems.append(exc)
        if problems:
            raise BadMove("; ".join(map(str, problems)), f"{NBSP}; ".join(p.french for p in problems))
        return values

    def derive(self, values: Mapping[str, float]) -> Scenario:
        """The scenario with checked slider values set; :class:`BadMove` if a rule across fields
        breaks (each value alone was checked at load time)."""
        if not values:
            return self.scenario
        changes = {path: value for name, value in values.items() for path in self.sliders[name].targets}
        derived = space.derive(self.scenario, changes)
        problems = semantic_problems(derived, spaces=False)
        if problems:
            moved = ", ".join(f"{name} = {value:g}" for name, value in values.items())
            moved_fr = ", ".join(f"«{NBSP}{in_language(self.sliders[name].slider.label, 'fr')}{NBSP}» = {_fr(value)}"
                                 for name, value in values.items())
            where_fr = f"{NBSP}; ".join(self._where(where) for where, _ in problems)
            raise BadMove(f"with {moved}: " + "; ".join(f"{space.dotted(where)}: {message}"
                                                         for where, message in problems),
                          f"avec {moved_fr}{NBSP}: les règles du scénario refusent cette combinaison ({where_fr})"
                          f"{NBSP}; ramenez l’un de ces curseurs vers sa valeur de départ")
        return derived

    def _where(self, where: space.Path) -> str:
        """Where a rule applies, for the French message: the label of the slider that moves it, else
        its key path."""
        for spec in self.sliders.values():
            if tuple(where) in spec.targets:
                return f"«{NBSP}{in_language(spec.slider.label, 'fr')}{NBSP}»"
        return space.dotted(where)

    def run(self, values: Mapping[str, float]) -> Results:
        """Simulate the scenario with ``values`` (checked by :meth:`check`) and its counterfactuals."""
        return simulate(self.derive(values))

"""Exceptions of the simulator, with structured fields.

Every error a user can cause carries enough to say *where* (file, line, column,
dotted key path) and *what* (found, expected), so that the CLI can print
``FILE:LINE:COL: key.path: message`` and exit 2 without a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario, located in its source file."""

    message: str
    path: str = ""
    file: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.file:  # a file name may hold a newline: escaped, every problem stays on its one line
            where = "".join(c if c.isprintable() else repr(c)[1:-1] for c in self.file)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        key = f"{self.path}: " if self.path else ""
        return f"{where}{key}{self.message}"


class SimulatorError(Exception):
    """Base of every error raised on purpose by the simulator."""


class ScenarioError(SimulatorError, ValueError):
    """A scenario (file, overrides or combination) is invalid.

    Holds every problem found, so a user fixes them all in one pass.
    """

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UnitError(SimulatorError, ValueError):
    """A value cannot be read in the unit its field needs: no number, an unknown unit, the wrong dimension.

    Raised by :mod:`simulator.units` with a message only (what was found, what to write); validating a
    scenario places each in the user's file, as a :class:`Problem` of a :class:`ScenarioError`.
    """


class UsageError(SimulatorError, ValueError):
    """A function of the library was called with an argument it cannot use (a figure format, a language,
    a variant, a year outside the run...): a mistake of the calling program, not of a scenario. The
    message names what was found and what is accepted."""


class UnknownNameError(SimulatorError, KeyError):
    """A name that results or an ensemble do not hold (a variant, a series, a label); the message lists
    those they hold."""


class GraphError(ScenarioError):
    """The dependency graph built from a scenario is inconsistent."""


class GraphCycleError(GraphError):
    """The dependency graph has a cycle; ``cycle`` lists its nodes in order."""

    def __init__(self, cycle: list[str], problems: Iterable[Problem]):
        self.cycle = cycle
        super().__init__(problems)


class NumericalError(SimulatorError, ArithmeticError):
    """The engine produced a non-finite or impossible value; ``member`` is the batch member's index."""

    def __init__(self, variable: str, time: float, variant: str, detail: str, member: int | None = None):
        self.variable, self.time, self.variant, self.detail = variable, time, variant, detail
        self.member = member
        super().__init__(variable, time, variant, detail, member)  # simpy rebuilds exceptions from args

    def __str__(self) -> str:
        return f"{self.variable} at t={self.time:g} ({self.variant}): {self.detail}"


class BlowUpError(NumericalError, ScenarioError):
    """A run that overflowed (or went negative), located at the scenario value that most plausibly
    caused it: reported like any invalid input, ``FILE:LINE:COL: key.path: message``."""

    def __init__(self, variable: str, time: float, variant: str, detail: str, member: int | None,
                 problem: Problem):
        self.variable, self.time, self.variant, self.detail = variable, time, variant, detail
        self.member, self.problems = member, [problem]
        Exception.__init__(self, variable, time, variant, detail, member, problem)  # pickled by ensembles

    def __str__(self) -> str:
        return str(self.problems[0])


class OutputError(SimulatorError, OSError):
    """The output folder cannot be written."""


class Interrupted(SimulatorError):
    """Ctrl-C during an ensemble of runs: how many members had finished (nothing is written)."""

    def __init__(self, done: int, total: int):
        self.done, self.total = done, total
        super().__init__(f"interrupted: {done:,} of {total:,} members had finished; nothing was written")

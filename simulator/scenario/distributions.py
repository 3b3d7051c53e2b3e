"""The distributions of a scenario's ``uncertainty:`` section, one per dotted path (see :mod:`.space`).

Each is a frozen pydantic model, told apart by its ``dist`` key, with values in the canonical unit
of the field its path names: ``bounds()`` gives the lowest and highest value it can draw (both are
checked when the scenario loads) and ``ppf(u)`` maps uniform numbers ``u`` in [0, 1) to values (its
quantile function), which is how Monte Carlo and sensitivity draw from it. The unbounded ones
(normal, lognormal) are truncated, by default at their 0.1 % and 99.9 % quantiles (:data:`TAIL`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Discriminator, Field, model_validator


class SpaceModel(BaseModel):
    """Strict and frozen, field docstrings kept (the scenario reference prints them): the models of the
    ``uncertainty:`` and ``explore:`` sections."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


#: A finite number.
Number = Annotated[float, Field(allow_inf_nan=False)]


class Uniform(SpaceModel):
    """Every value between `low` and `high` equally likely."""

    dist: Literal["uniform"]
    low: Number
    """Lowest value (the field's unit)."""
    high: Number
    """Highest value (the field's unit), above `low`."""

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if not self.high > self.low:
            raise ValueError(f"found low {self.low:g} and high {self.high:g}, expected low < high")
        return self

    def bounds(self) -> tuple[float, float]:
        return self.low, self.high

    def ppf(self, u: np.ndarray) -> np.ndarray:
        return self.low + u * (self.high - self.low)


class Triangular(SpaceModel):
    """Triangular between `low` and `high`, most likely at `mode`."""

    dist: Literal["triangular"]
    low: Number
    """Lowest value (the field's unit)."""
    mode: Number
    """Most likely value (the field's unit), between `low` and `high`."""
    high: Number
    """Highest value (the field's unit)."""

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not (self.low <= self.mode <= self.high and self.high > self.low):
            raise ValueError(f"found low {self.low:g}, mode {self.mode:g}, high {self.high:g}, "
                             "expected low <= mode <= high and low < high")
        return self

    def bounds(self) -> tuple[float, float]:
        return self.low, self.high

    def ppf(self, u: np.ndarray) -> np.ndarray:
        a, c, b = self.low, self.mode, self.high
        split = (c - a) / (b - a)
        left = a + np.sqrt(u * (b - a) * (c - a))
        right = b - np.sqrt((1.0 - u) * (b - a) * (b - c))
        return np.where(u < split, left, right)


#: Default truncation of the unbounded distributions, as quantiles (0.1 % and 99.9 %).
TAIL = 1e-3


def _phi(x: np.ndarray | float) -> np.ndarray:
    from scipy.special import ndtr

    return ndtr(x)


def _phi_inv(p: np.ndarray | float) -> np.ndarray:
    from scipy.special import ndtri

    return ndtri(p)


class _Truncated(SpaceModel):
    """A normal distribution of some transform of the value, truncated at `low` and `high` (the field's unit)."""

    if TYPE_CHECKING:  # fields of every subclass (declared here, pydantic would order them first)
        low: float | None
        high: float | None

    def _to_z(self, x: float) -> float:
        """The standard normal deviate of value ``x``."""
        raise NotImplementedError

    def _from_z(self, z: np.ndarray | float) -> np.ndarray | float:
        """The value of standard normal deviate(s) ``z``."""
        raise NotImplementedError

    def _z_bounds(self) -> tuple[float, float]:
        lo = self._to_z(self.low) if self.low is not None else float(_phi_inv(TAIL))
        hi = self._to_z(self.high) if self.high is not None else float(_phi_inv(1.0 - TAIL))
        return lo, hi

    def bounds(self) -> tuple[float, float]:
        lo, hi = self._z_bounds()
        return float(self._from_z(lo)), float(self._from_z(hi))

    def ppf(self, u: np.ndarray) -> np.ndarray:
        lo, hi = self._z_bounds()
        p_lo, p_hi = _phi(lo), _phi(hi)
        z = _phi_inv(p_lo + u * (p_hi - p_lo))
        return np.clip(self._from_z(z), *self.bounds())

    @model_validator(mode="after")
    def _window(self) -> _Truncated:
        lo, hi = self._z_bounds()
        if not hi > lo:
            raise ValueError("found an empty range: expected low < high, with room for the distribution between them")
        return self


class Normal(_Truncated):
    """Normal, truncated at `low` and `high` (by default at its 0.1 % and 99.9 % quantiles)."""

    dist: Literal["normal"]
    mean: Number
    """Mean (the field's unit)."""
    sd: Annotated[float, Field(gt=0.0, allow_inf_nan=False)]
    """Standard deviation (the field's unit), > 0."""
    low: Number | None = None
    """Lowest value drawn (the field's unit); default mean - 3.09 sd."""
    high: Number | None = None
    """Highest value drawn (the field's unit); default mean + 3.09 sd."""

    def _to_z(self, x: float) -> float:
        return (x - self.mean) / self.sd

    def _from_z(self, z: np.ndarray | float) -> np.ndarray | float:
        return self.mean + z * self.sd


class Lognormal(_Truncated):
    """Lognormal (for positive values), truncated at `low` and `high` (by default at its 0.1 % and
    99.9 % quantiles)."""

    dist: Literal["lognormal"]
    median: Annotated[float, Field(gt=0.0, allow_inf_nan=False)]
    """Median (the field's unit), > 0."""
    gsd: Annotated[float, Field(gt=1.0, allow_inf_nan=False)]
    """Geometric standard deviation (dimensionless, > 1): 2 means a factor of 2 either side is one sigma."""
    low: Annotated[float, Field(gt=0.0, allow_inf_nan=False)] | None = None
    """Lowest value drawn (the field's unit); default median / gsd^3.09."""
    high: Annotated[float, Field(gt=0.0, allow_inf_nan=False)] | None = None
    """Highest value drawn (the field's unit); default median × gsd^3.09."""

    def _to_z(self, x: float) -> float:
        return math.log(x / self.median) / math.log(self.gsd)

    def _from_z(self, z: np.ndarray | float) -> np.ndarray | float:
        return self.median * np.power(self.gsd, z)


class Choice(SpaceModel):
    """One of a few values, with optional weights."""

    dist: Literal["choice"]
    values: Annotated[list[Number], Field(min_length=1, max_length=1000)]
    """The values (the field's unit)."""
    weights: list[Annotated[float, Field(ge=0.0, allow_inf_nan=False)]] | None = None
    """Relative weights, one per value (default: equal)."""

    @model_validator(mode="after")
    def _weights(self) -> Choice:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(f"found {len(self.weights)} weights for {len(self.values)} values, "
                                 "expected one weight per value")
            if not sum(self.weights) > 0:
                raise ValueError("found weights that sum to 0, expected at least one positive weight")
        return self

    def bounds(self) -> tuple[float, float]:
        return min(self.values), max(self.values)

    def ppf(self, u: np.ndarray) -> np.ndarray:
        w = np.asarray(self.weights if self.weights is not None else [1.0] * len(self.values), dtype=float)
        edges = np.cumsum(w) / w.sum()
        index = np.minimum(np.searchsorted(edges, u, side="right"), len(self.values) - 1)
        return np.asarray(self.values, dtype=float)[index]


Distribution = Annotated[Uniform | Triangular | Normal | Lognormal | Choice, Discriminator("dist")]
DISTRIBUTIONS = ("uniform", "triangular", "normal", "lognormal", "choice")


__all__ = ["Choice", "Distribution", "DISTRIBUTIONS", "Lognormal", "Normal", "Number", "SpaceModel", "TAIL",
           "Triangular", "Uniform"]

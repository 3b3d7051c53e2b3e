"""The sliders of a scenario's ``explore:`` section: what the live page (``jevons serve``,
``jevons export-html``) lets a person move, each a range of one dotted path (see :mod:`.space`) in the
canonical unit of its field, with a label in English and French.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from .distributions import Number, SpaceModel


class Label(SpaceModel):
    """A label in English and French."""

    en: Annotated[str, Field(min_length=1, max_length=80)]
    """English."""
    fr: Annotated[str, Field(min_length=1, max_length=80)]
    """French."""


class Slider(SpaceModel):
    """A slider of the live page: a range of one numeric path."""

    path: str
    """Dotted path of the value it moves (``*`` for every key), as in `uncertainty`."""
    min: Number
    """Left end (the field's unit)."""
    max: Number
    """Right end (the field's unit), above `min`."""
    step: Annotated[float, Field(gt=0.0, allow_inf_nan=False)]
    """Increment (the field's unit)."""
    label: Label
    """What the slider is called, in English and French."""
    unit: Annotated[str, Field(max_length=30)] = ""
    """Unit shown beside the value (display only; values are in the field's unit)."""

    @model_validator(mode="after")
    def _range(self) -> Slider:
        if not self.max > self.min:
            raise ValueError(f"found min {self.min:g} and max {self.max:g}, expected min < max")
        if self.step > self.max - self.min:
            raise ValueError(f"found step {self.step:g}, expected at most max - min ({self.max - self.min:g})")
        if (self.max - self.min) / self.step > 10_000:
            raise ValueError("found more than 10,000 positions, expected a coarser step")
        return self


__all__ = ["Label", "Slider"]

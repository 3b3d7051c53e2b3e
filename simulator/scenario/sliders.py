"""The sliders of a scenario's ``explore:`` section: what the live page (``jevons serve``,
``jevons export-html``) lets a person move, each a range of one dotted path (see :mod:`.space`) in the
canonical unit of its field, with a label and a sentence of help in English and French; and
:class:`Text`, a scenario's words in both languages (its title and description), read with
:func:`in_language`.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Discriminator, Field, Tag, model_validator

from .distributions import Number, SpaceModel


class Label(SpaceModel):
    """A label in English and French."""

    en: Annotated[str, Field(min_length=1, max_length=80)]
    """English."""
    fr: Annotated[str, Field(min_length=1, max_length=80)]
    """French."""


class Text(SpaceModel):
    """Words in English and French (a sentence or two)."""

    en: Annotated[str, Field(min_length=1, max_length=600)]
    """English."""
    fr: Annotated[str, Field(min_length=1, max_length=600)]
    """French."""

    def __str__(self) -> str:
        """The English text: what outputs written in English only (summary.json) show."""
        return self.en


def _text_kind(value: object) -> str:
    return "languages" if isinstance(value, dict | Text) else "plain"


#: Words of a scenario for people: one string for every language, or ``{en, fr}``. A mapping is read
#: as :class:`Text` only, so that a mistake in one is reported once, at its key.
Localised = Annotated[Annotated[str, Tag("plain")] | Annotated[Text, Tag("languages")], Discriminator(_text_kind)]


def in_language(text: str | Text | Label, lang: str) -> str:
    """``text`` in ``lang`` (``en`` or ``fr``): a plain string is the same in both languages."""
    return text if isinstance(text, str) else getattr(text, lang)


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
    help: Text | None = None
    """What moving it means, in one sentence in English and French, shown under the slider."""

    @model_validator(mode="after")
    def _range(self) -> Slider:
        if not self.max > self.min:
            raise ValueError(f"found min {self.min:g} and max {self.max:g}, expected min < max")
        if self.step > self.max - self.min:
            raise ValueError(f"found step {self.step:g}, expected at most max - min ({self.max - self.min:g})")
        if (self.max - self.min) / self.step > 10_000:
            raise ValueError("found more than 10,000 positions, expected a coarser step")
        return self


__all__ = ["Label", "Localised", "Slider", "Text", "in_language"]

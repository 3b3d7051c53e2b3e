"""A scenario's guided lesson (``lesson:``): steps a teacher runs with the live page's sliders.

Each step asks a question, asks the class to predict before anyone moves a slider, then sets
some of the ``explore:`` sliders (``set:``, slider name → value in the field's unit), says what
to look at and explains it. The live page shows the steps as a panel that sets the sliders;
``jevons lesson`` prints them as a worksheet and an answer key with the figures of each step.
A step's settings must be positions of the sliders it names (within their range, on their
step), so that the page, the exported file and the worksheet all show the same run:
:func:`lesson_problems` says where one is not.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Annotated, Any

from pydantic import Field

from .distributions import Number, SpaceModel
from .sliders import Label, Localised

#: How far from a slider's grid a setting may be, in steps (as the live page allows).
GRID_TOLERANCE = 1e-6


class LessonStep(SpaceModel):
    """One step of a lesson: a question, a prediction, the sliders set, what to see and why."""

    title: Label
    """A short heading, in English and French (``ε < 1: a partial rebound``)."""
    minutes: Annotated[int, Field(strict=True, ge=1, le=120)]
    """Time the step takes in class (min)."""
    question: Localised
    """The question the step asks: a string, or {en, fr}."""
    prompt: Localised
    """What the class predicts before the sliders move (the worksheet leaves room for it)."""
    set: dict[str, Number] = {}
    """Sliders the step sets, by their `explore` name: values in the field's unit, within the
    slider's range and on its step. Sliders not named go back to the scenario's values."""
    observe: Localised
    """What to look at once the sliders are set."""
    explanation: Localised
    """Why it happens, with the numbers of the run (the answer key shows its figures)."""


class Lesson(SpaceModel):
    """A guided lesson over the scenario's `explore` sliders."""

    title: Label
    """The lesson's title, in English and French."""
    steps: Annotated[list[LessonStep], Field(min_length=1, max_length=20)]
    """The steps, in the order of the class."""

    @property
    def minutes(self) -> int:
        """Length of the lesson (min): the sum of its steps'."""
        return sum(step.minutes for step in self.steps)


def lesson_problems(scenario: Any) -> Iterator[tuple[tuple[Any, ...], str]]:
    """``(location, message)`` for every setting of a step that is not a position of an ``explore:``
    slider: an unknown name, a value off the range or off the step."""
    lesson: Lesson | None = getattr(scenario, "lesson", None)
    if lesson is None:
        return
    sliders = scenario.explore
    for i, step in enumerate(lesson.steps):
        for name, value in step.set.items():
            where = ("lesson", "steps", i, "set", name)
            slider = sliders.get(name)
            if slider is None:
                known = ", ".join(sliders) or "none: add an explore: section"
                yield where, f"found {name!r}, expected the name of a slider of explore: ({known})"
                continue
            slack = GRID_TOLERANCE * slider.step
            if not slider.min - slack <= value <= slider.max + slack:
                yield where, (f"found {value:g}, expected a value from {slider.min:g} to {slider.max:g} "
                              "(the slider's range)")
                continue
            k = (value - slider.min) / slider.step
            if abs(k - round(k)) > GRID_TOLERANCE:
                below, above = (slider.min + f * slider.step for f in (math.floor(k), math.ceil(k)))
                yield where, (f"found {value:g}, expected a position of the slider: a multiple of {slider.step:g} "
                              f"from {slider.min:g} (e.g. {below:.10g} or {above:.10g})")


__all__ = ["Lesson", "LessonStep", "lesson_problems"]

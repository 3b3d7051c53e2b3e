"""The lesson panel of the live page: a scenario's ``lesson:`` in the page's language.

The page shows one step at a time (step k of n, its question and the prediction asked first; a
button then reveals what to observe and the explanation) and applies the step's slider settings
the way an address does (sliders not named go back to the scenario's values). In an exported
file the sliders move over a coarser grid that may not hold a step's values, so
:func:`add_runs` stores each step's own run in the file: the panel then shows exactly the run
the explanation speaks of. No plotting library here: the live page never loads matplotlib.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..display.i18n import NBSP
from ..scenario.sliders import in_language
from .explorer import BadMove, Explorer

if TYPE_CHECKING:
    from .charts import Charts

#: The panel's own words: English → French.
WORDS = {
    "lesson": ("Lesson", "Leçon"),
    "step": ("Step {k} of {n}", "Étape {k} sur {n}"),
    "minutes": ("{minutes} min", "{minutes}" + NBSP + "min"),
    "show": ("Show the answer", "Voir la réponse"),
    "hide": ("Hide the answer", "Masquer la réponse"),
    "observe": ("Observe", "Observer"),
    "explanation": ("Why", "Pourquoi"),
    "previous": ("Previous", "Précédente"),
    "next": ("Next", "Suivante"),
    "close": ("Close the lesson", "Fermer la leçon"),
}


def word(key: str, lang: str, **fields: object) -> str:
    """The panel's word ``key`` in ``lang``, with ``fields`` filled in."""
    text = WORDS[key][1 if lang == "fr" else 0]
    return text.format(**fields) if fields else text


def lesson_setup(explorer: Explorer, lang: str) -> dict[str, Any] | None:
    """The lesson as the page reads it (texts in ``lang``, settings by slider name), or None when
    the scenario has none."""
    lesson = explorer.scenario.lesson
    if lesson is None:
        return None
    words = {key: word(key, lang) for key in WORDS if key not in ("step", "minutes")}
    words["step"] = word("step", lang, k="{k}", n="{n}")
    words["minutes"] = word("minutes", lang, minutes="{minutes}")
    return {
        "title": in_language(lesson.title, lang), "minutes": lesson.minutes, "words": words,
        "steps": [{"title": in_language(step.title, lang), "minutes": step.minutes,
                   "question": in_language(step.question, lang), "prompt": in_language(step.prompt, lang),
                   "observe": in_language(step.observe, lang), "explanation": in_language(step.explanation, lang),
                   "set": dict(step.set)} for step in lesson.steps],
    }


def add_runs(config: dict[str, Any], explorer: Explorer, charts: Charts) -> None:
    """Give each step of ``config``'s lesson the numbers of its own run (for a file with no server)."""
    lesson = config.get("lesson")
    if not lesson:
        return
    for step in lesson["steps"]:
        try:
            step["numbers"] = charts.numbers(explorer.run(step["set"]), step["set"])
        except BadMove as exc:  # a combination the scenario's rules refuse: the page says why
            step["numbers"] = {"values": step["set"], "error": exc.said(charts.lang)}

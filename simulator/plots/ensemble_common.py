"""What the figures of an ensemble (Monte Carlo bands, sweeps, the Jevons map, sensitivity) share:
the words for the measure they show, the ``meta`` that names their source, and their finish.

``meta`` says where the numbers come from, for the source line and the titles:

* ``scenario`` (or ``name``) and ``version`` — required;
* ``scenario_model`` — the :class:`~simulator.scenario.schema.Scenario` itself, optional: parameters
  and entities are then named by its ``explore:`` sliders and ``label:`` fields
  (:func:`parameter_text`);
* ``notes`` — a string or a list of strings, written above the source line;
* ``period`` — ``(start, end)`` of the cumulated years (the fan chart reads its own times);
* ``seed`` — the seed of the random draws;
* ``members`` — the number of Monte Carlo runs (fan chart title);
* ``nominal`` — the scenario as written: the swept parameter's value (sweep) or its
  ``(x, y)`` point (map);
* ``confidence`` — the level of the confidence intervals of the indices (default 0.95);
* ``measure`` — what the rebound panels and the map show (:func:`measure_texts`): a mapping
  with ``name`` (``induced``, ``frozen``, ``window``, ``marginal`` or
  ``innovation:KIND:NAME``), ``column`` (its quantity in the tables), ``window`` (Δ, years),
  ``start`` and ``end`` (the horizon). Without it, the cumulative rebound R against frozen
  start-year technology, in the column ``rebound_cumulative`` (quantity ``rebound`` of the bands).

A rebound measure is drawn around R = 100 %, with the backfire zone and the R = 100 % line
(:mod:`.rebound_axis`); ``induced`` ((actual − engineering) / engineering) is not a rebound: it
is drawn on a plain % axis, on a sequential colour scale in the map, with no backfire.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..display.i18n import data_name, date_text, note_text, period_text, tr
from ..display.names import parameter_name
from ..display.style import source_date
from ..errors import UsageError
from .style import add_note_text, add_source_text, fit_titles, localise_figure

#: What A and E stand for, under a figure that shows induced.
INDUCED_NOTE = ("A: actual run; E: engineering estimate, the same technology with demand not reacting to the "
                "cost of a GB")

# --- the measure shown -------------------------------------------------------------------------

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
#: What an innovation ``KIND:NAME`` is, in words (the name is the scenario's).
_INNOVATION_WORDS = {"launch": "{name} launch", "gain": "{name} energy per GB gain",
                     "idle_gain": "{name} idle power gain", "layer_gain": "{name} efficiency gain",
                     "device_gain": "{name} efficiency gain"}


@dataclass(frozen=True)
class MeasureTexts:
    """How a figure names the measure it shows, in one language.

    ``rebound``: a rebound R (backfire above 100 %), else ``induced``; ``column``: its quantity in
    the tables; ``series``: the title of its panel over time; ``symbol``: its name on a y axis
    (``R``, ``R₅``); ``value``: the name of one member's value (the map's colour bar); ``panel``:
    the same, short enough for the title of a panel (a sweep's, a sensitivity's); ``title``: the
    map's title.
    """

    rebound: bool
    column: str
    series: str
    symbol: str
    value: str
    panel: str
    title: str


def measure_texts(meta: Mapping[str, Any], lang: str = "en", column: str | None = None) -> MeasureTexts:
    """The words for ``meta["measure"]`` (see the module); ``column`` overrides its column."""
    measure = meta.get("measure") or {}
    name = str(measure.get("name", "frozen"))
    default = "rebound_cumulative" if not measure else f"rebound_{name}_energy"
    column = column or str(measure.get("column", default))
    start, end = measure.get("start"), measure.get("end")
    period = period_of(meta) or (period_text(float(start), float(end)) if start is not None and end is not None
                                  else None)
    year = _year(end)
    if name == "induced":
        value = tr("Induced energy (actual − engineering) / engineering", lang)
        title = (tr("Energy induced by the demand response, {period}", lang, period=period)
                 if period else tr("Energy induced by the demand response", lang))
        series = tr("Induced energy (A − E)/E", lang)
        return MeasureTexts(False, column, series, tr("(A − E)/E", lang), value, series, title)
    symbol = "R"
    if name == "window":
        symbol = "R" + f"{float(measure.get('window', 5.0)):g}".translate(_SUBSCRIPTS)
        series = tr("Rolling rebound {symbol}(t)", lang, symbol=symbol)
        value = tr("Rolling rebound {symbol} at {year}", lang, symbol=symbol, year=year)
    elif name == "marginal":
        series = tr("Marginal rebound", lang)
        value = tr("Marginal rebound at {year}", lang, year=year)
        symbol = tr("marginal rebound", lang)
    elif name.startswith("innovation:"):
        kind, _, what = name.removeprefix("innovation:").partition(":")
        what = tr(_INNOVATION_WORDS.get(kind, "{name}"), lang, name=data_name(what, lang))
        series = tr("Rebound R(t), innovation: {what}", lang, what=what)
        value = tr("Cumulative rebound R, innovation: {what}", lang, what=what)
    else:
        series = (tr("Rebound R(t) against {year} technology", lang, year=_year(start)) if start is not None
                  else tr("Rebound R(t)", lang))
        value = tr("Cumulative rebound R", lang)
    cumulative = name not in ("window", "marginal")
    lowered = value[:1].lower() + value[1:]
    if cumulative and period:
        title = tr("Where efficiency backfires: {name}, {period}", lang, name=lowered, period=period)
    else:
        title = tr("Where efficiency backfires: {name}", lang, name=lowered)
    return MeasureTexts(True, column, series, symbol, value, value, title)


_LABEL = re.compile(r"^(?P<path>[^\s\[\]]+) \[(?P<unit>[^\[\]]*)\]$")


def parameter_text(label: str, meta: Mapping[str, Any], lang: str = "en", unit: bool = True) -> str:
    """A varied parameter as people read it: ``demand.services.*.elasticity [1]`` (the ``key [unit]`` of
    the ensemble's tables) or a bare dotted path → ``Price elasticity (every service) (1)``
    (:func:`~simulator.display.names.parameter_name`, with the scenario of ``meta["scenario_model"]``
    when given); ``unit=False`` leaves the unit out. Any other text is translated as it is."""
    found = _LABEL.match(label.strip())
    path, shown = (found["path"], found["unit"]) if found else (label.strip(), None)
    if not re.fullmatch(r"[A-Za-z_*][\w*]*(\.[\w*]+)+", path):
        return tr(label, lang)
    return parameter_name(path, lang, meta.get("scenario_model"), (shown or "1") if unit and found else None)


def _year(year: Any) -> str:
    """``2050`` (no thousands separator), ``?`` when unknown."""
    return "?" if year is None else f"{float(year):g}"


# --- meta, source line, finish ------------------------------------------------------------


def check_meta(meta: Mapping[str, Any]) -> tuple[str, str]:
    """The scenario name and version from ``meta``; ValueError naming what is missing."""
    name = meta.get("scenario", meta.get("name"))
    version = meta.get("version")
    missing = [key for key, value in (("scenario", name), ("version", version)) if value in (None, "")]
    if missing:
        raise UsageError(f"meta must give {' and '.join(repr(m) for m in missing)} for the source line; "
                         f"found keys {sorted(meta)}")
    return str(name), str(version)


def period_of(meta: Mapping[str, Any], times: Any = None) -> str | None:
    """``2010–2030`` from ``meta["period"]`` (a pair of years or a text) or from ``times``."""
    span = meta.get("period")
    if isinstance(span, str):
        return span
    if span is not None:
        start, end = span
        return period_text(float(start), float(end))
    if times is not None:
        finite = np.asarray(times, dtype=float)
        finite = finite[np.isfinite(finite)]
        if finite.size:
            return period_text(float(finite.min()), float(finite.max()))
    return None


def uncertainty_source_text(meta: Mapping[str, Any], what: str, lang: str = "en",
                            period: str | None = None) -> str:
    """``Source: jevons <version> <what>, scenario '<name>' (<period>), seed <seed>, <date>``;
    ``what`` is ``Monte Carlo simulations``, ``parameter sweep`` or ``sensitivity analysis``."""
    name, version = check_meta(meta)
    seed = meta.get("seed")
    return tr("Source: jevons {version} {what}, scenario '{name}'{period}{seed}, {date}", lang,
              version=version, what=tr(what, lang), name=name,
              period=f" ({period})" if period else "",
              seed=tr(", seed {seed}", lang, seed=seed) if seed is not None else "",
              date=date_text(source_date(), lang))


def notes_of(meta: Mapping[str, Any]) -> list[str]:
    """``meta["notes"]`` as a list of texts (none, one text or several)."""
    notes = meta.get("notes") or []
    return [notes] if isinstance(notes, str) else [str(n) for n in notes]


def finish_figure(fig: Figure, meta: Mapping[str, Any], what: str, lang: str, period: str | None) -> None:
    """Tick labels in ``lang``, titles that fit, the notes and the source line."""
    localise_figure(fig, lang)
    fit_titles(fig)
    for text in notes_of(meta):
        add_note_text(fig, tr("Note: {text}", lang, text=note_text(text, lang)))
    add_source_text(fig, uncertainty_source_text(meta, what, lang, period))
    _wrap_panel_titles(fig)


def _wrap_panel_titles(fig: Figure) -> None:
    """Break in two lines the panel titles that, once laid out, run off the figure or into
    the next panel's title (French titles run longer)."""
    titles = [ax.title for ax in fig.axes if ax.get_title() and "\n" not in ax.get_title()]
    if len(titles) < 2:
        return
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    specs = [ax.get_subplotspec() for ax in fig.axes]
    columns = max((spec.get_gridspec().ncols for spec in specs if spec is not None), default=1)
    if all(t.get_window_extent(renderer).width < 0.75 * fig.bbox.width / columns for t in titles):
        return  # clearly narrow enough: spare the layout
    fig.canvas.draw()  # lay the figure out: the titles' final places
    boxes = [t.get_window_extent(renderer) for t in titles]
    width = fig.bbox.width
    for i, (title, box) in enumerate(zip(titles, boxes, strict=True)):
        crowded = box.x0 < 0 or box.x1 > width or any(
            j != i and box.expanded(1.0, 1.0).padded(4.0).overlaps(other) for j, other in enumerate(boxes))
        if crowded:
            words = title.get_text().split(" ")
            half = len(title.get_text()) / 2
            cut = min(range(1, len(words)), key=lambda k: abs(len(" ".join(words[:k])) - half), default=0)
            if cut:
                title.set_text(" ".join(words[:cut]) + "\n" + " ".join(words[cut:]))


def require_columns(table: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    """ValueError naming the ``columns`` that ``table`` (called ``what``) lacks, and those it has."""
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise UsageError(f"{what} lacks the column(s) {', '.join(map(repr, missing))}; "
                         f"found {', '.join(map(repr, table.columns))}")


__all__ = [
    "INDUCED_NOTE",
    "MeasureTexts",
    "check_meta",
    "finish_figure",
    "measure_texts",
    "notes_of",
    "parameter_text",
    "period_of",
    "require_columns",
    "uncertainty_source_text",
]

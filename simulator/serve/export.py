"""`jevons export-html`: the page as one file, over a precomputed grid of runs.

A file opened from a USB stick has no simulator behind it, so every position its sliders can
take is run beforehand: the grid is the product of at most three sliders' positions. To keep
the file small and the export short, the grid is capped (:data:`MAX_RUNS` runs and
:data:`MAX_NUMBERS` numbers of data, ~5 MB). A slider keeps the live page's step where the cap
allows; otherwise its step is a whole multiple of it, so that its stops stay evenly spaced: the
slider with the most stops is made coarser first, to the next multiple that still reaches both
ends of its range where there is one (at most twice the step), else to the next multiple. Every
slider goes through the scenario's own value where it is one of its positions, so the file opens
on the scenario as written (else through the left end, and opens on the stop nearest to it); a
coarser step may then stop short of an end (efficiency gain 3 % to 30 % by 3 % for a range of
2 % to 30 % by 1 % through 15 %). The other sliders stay at the scenario's values. For the
classroom scenario this gives 660 runs (under 10 s) and a file of 7.7 MB, 4.8 MB of it Plotly.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .charts import Charts, envelope
from .explorer import BadMove, Explorer, SliderSpec
from .lesson import add_runs
from .page import render

#: Sliders a file can offer: the grid grows as the product of their positions.
MAX_SLIDERS = 3
#: Most runs in a file (a classroom run takes a few tens of ms, a baseline run about 0.1 s).
MAX_RUNS = 1000
#: Most numbers of chart data in a file (~7 bytes each in JSON).
MAX_NUMBERS = 700_000


def _start(spec: SliderSpec) -> int:
    """The position the stops go through: the scenario's value where it is one of the slider's
    positions, else the left end."""
    try:
        return spec.position(spec.check(spec.start))
    except BadMove:
        return 0


def choices(spec: SliderSpec, stride: int) -> list[float]:
    """Every ``stride``-th position of a slider through the scenario's value, evenly spaced."""
    return [spec.value_at(k) for k in range(_start(spec) % stride, spec.positions, stride)]


def _count(spec: SliderSpec, stride: int) -> int:
    return len(range(_start(spec) % stride, spec.positions, stride))


def _reaches_both_ends(spec: SliderSpec, stride: int) -> bool:
    start = _start(spec)
    return start % stride == 0 and (spec.positions - 1 - start) % stride == 0


def coarser(spec: SliderSpec, stride: int) -> int:
    """The stride after ``stride``: the smallest up to twice it whose stops reach both ends of the
    range, else the next one."""
    return next((k for k in range(stride + 1, 2 * stride + 1) if _reaches_both_ends(spec, k)), stride + 1)


def grid(explorer: Explorer, names: Sequence[str], max_points: int) -> dict[str, list[float]]:
    """Evenly spaced positions of each named slider, made coarser (the slider with the most stops
    first, the later-named one on a tie) until their product is at most ``max_points`` or no
    slider has more than two stops."""
    specs = [explorer.sliders[n] for n in names]
    strides = [1] * len(specs)
    while math.prod(_count(s, k) for s, k in zip(specs, strides, strict=True)) > max_points:
        counts = [_count(s, k) for s, k in zip(specs, strides, strict=True)]
        i = max(range(len(specs)), key=lambda j: (counts[j], j))
        if counts[i] <= 2:
            break
        strides[i] = coarser(specs[i], strides[i])
    return {s.name: choices(s, k) for s, k in zip(specs, strides, strict=True)}


def parameters(explorer: Explorer, names: Sequence[str] | None) -> list[str]:
    """The sliders of the file: ``names`` if given (checked), else the first three."""
    if not names:
        return list(explorer.sliders)[:MAX_SLIDERS]
    unknown = [n for n in names if n not in explorer.sliders]
    if unknown:
        raise BadMove(f"--params: unknown slider {unknown[0]!r} (sliders: {', '.join(explorer.sliders)})")
    if len(set(names)) != len(names) or len(names) > MAX_SLIDERS:
        raise BadMove(f"--params: found {', '.join(names)}, expected 1 to {MAX_SLIDERS} different sliders")
    return list(names)


def _quiet(combinations: Iterable[Any], total: int) -> Iterable[Any]:
    return combinations


def page_with_grid(explorer: Explorer, names: Sequence[str], lang: str,
                   progress: Callable[[Iterable[Any], int], Iterable[Any]] = _quiet) -> tuple[str, int]:
    """The self-contained page and the number of runs in its grid; ``progress(iterable, total)``
    may wrap the loop over the runs (a progress bar)."""
    reference = explorer.run({})
    charts = Charts(explorer, reference, lang)
    per_run = _count_numbers(charts.numbers(reference, {}))
    positions = grid(explorer, names, min(MAX_RUNS, MAX_NUMBERS // per_run))
    fixed = charts.ranges([reference, *envelope(explorer, {n: (v[0], v[-1]) for n, v in positions.items()})])
    points = []
    total = math.prod(map(len, positions.values()))
    for combination in progress(itertools.product(*positions.values()), total):
        values = dict(zip(positions, combination, strict=True))
        try:
            points.append(charts.numbers(explorer.run(values), values))
        except BadMove as exc:  # a combination the scenario's rules refuse: the page says why
            points.append({"values": values, "error": exc.said(lang)})
    config = charts.setup(fixed)
    sliders = {s["name"]: s for s in config["sliders"]}
    config["sliders"] = []
    for name, stops in positions.items():
        spec = explorer.sliders[name]
        start = min(range(len(stops)), key=lambda i: abs(stops[i] - spec.start))
        stride = round((stops[1] - stops[0]) / spec.slider.step) if len(stops) > 1 else 1
        config["sliders"].append({**sliders[name], "min": stops[0], "max": stops[-1],
                                  "step": round(stride * spec.slider.step, spec.decimals + 6),
                                  "choices": stops, "value": stops[start]})
    config.update(api=None, grid={"params": list(positions), "points": points})
    add_runs(config, explorer, charts)
    return render(config, inline=True), len(points)


def _count_numbers(numbers: dict[str, Any]) -> int:
    """How many numbers the series of one run hold."""
    series = [*numbers["energy"].values(), numbers["rebound"] or [], *numbers["stack"], *numbers["climate"]]
    return sum(map(len, series))

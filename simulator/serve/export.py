"""`jevons export-html`: the page as one file, over a precomputed grid of runs.

A file opened from a USB stick has no simulator behind it, so every position its sliders can
take is run beforehand: the grid is the product of at most three sliders' positions. To keep
the file small and the export short, the grid is capped (:data:`MAX_RUNS` runs and
:data:`MAX_NUMBERS` numbers of data, ~5 MB) by thinning the sliders' positions, the last-named
slider first and down to :data:`MIN_CHOICES` positions before an earlier one is thinned; every
slider keeps both ends of its range and the scenario's own value. The other sliders stay at the
scenario's values. For the classroom scenario this gives 945 runs (about half a minute) and a
file of 8.1 MB, 4.8 MB of it Plotly.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .charts import Charts
from .explorer import BadMove, Explorer, SliderSpec
from .page import render

#: Sliders a file can offer: the grid grows as the product of their positions.
MAX_SLIDERS = 3
#: Most runs in a file (a classroom run takes a few tens of ms, a baseline run about 0.1 s).
MAX_RUNS = 1000
#: Most numbers of chart data in a file (~7 bytes each in JSON).
MAX_NUMBERS = 700_000
#: Fewest positions a slider is thinned to before the slider named before it is thinned.
MIN_CHOICES = 5


def choices(spec: SliderSpec, stride: int) -> list[float]:
    """Every ``stride``-th position of a slider, through the scenario's value, plus both ends."""
    last = spec.positions - 1
    start = min(max(spec.position(spec.start), 0), last)
    return [spec.value_at(k) for k in sorted({*range(start % stride, last + 1, stride), 0, last})]


def grid(explorer: Explorer, names: Sequence[str], max_points: int) -> dict[str, list[float]]:
    """Positions of each named slider, thinned until their product is at most ``max_points`` (or
    every slider is down to its ends and the scenario's value)."""
    specs = [explorer.sliders[n] for n in names]
    strides = [1] * len(specs)

    def size() -> int:
        return math.prod(len(choices(s, k)) for s, k in zip(specs, strides, strict=True))

    for floor in (MIN_CHOICES, 2):
        for i in reversed(range(len(specs))):
            while (size() > max_points and len(choices(specs[i], strides[i])) > floor
                   and strides[i] < specs[i].positions):
                strides[i] += 1
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
    points = []
    total = math.prod(map(len, positions.values()))
    for combination in progress(itertools.product(*positions.values()), total):
        values = dict(zip(positions, combination, strict=True))
        try:
            points.append(charts.numbers(explorer.run(values), values))
        except BadMove as exc:  # a combination the scenario's rules refuse: the page says why
            points.append({"values": values, "error": str(exc)})
    config = charts.setup()
    sliders = {s["name"]: s for s in config["sliders"]}
    config["sliders"] = []
    for name, choices in positions.items():
        spec = explorer.sliders[name]
        start = min(range(len(choices)), key=lambda i: abs(choices[i] - spec.start))
        config["sliders"].append({**sliders[name], "choices": choices, "start": start, "value": choices[start]})
    config.update(api=None, grid={"params": list(positions), "points": points})
    return render(config, inline=True), len(points)


def _count_numbers(numbers: dict[str, Any]) -> int:
    """How many numbers the series of one run hold."""
    series = [*numbers["energy"].values(), numbers["rebound"] or [], *numbers["stack"], *numbers["climate"]]
    return sum(map(len, series))

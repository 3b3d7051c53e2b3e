"""Reference index of the world price of a mobile GB, 2010-2023 (2014 = 1), with its tolerance band.

Run from the repository root: ``python docs/data/price_index.py``. It reads
``docs/data/mobile-price-per-gb.csv`` and prints the table that docs/data/README.md shows.

Why three components and not one series: no single measured series covers 2010-2023 for the world,
and the metrics disagree. Each component is a world (or OECD) path, normalised to 1 in 2014:

- ``realised``: world operator revenue / world mobile data traffic (the ``world_revenue_per_gb``
  rows, [A]); log-linear between its years (2016 -> 2022 is interpolated);
- ``gsma``: GSMA's "revenue per GB -96 % from 2014 to 2024", spread geometrically (the same
  yearly rate every year, -27.5 %/yr), back-cast before 2014 at the same rate;
- ``posted``: OECD median posted price (Rewheel, 2014 -> 2019, geometric in between), then chained
  to the Cable.co.uk world mean (2019 -> 2022, ratios of the editions), 2023 extrapolated at the
  Cable.co.uk 2019-2022 rate; back-cast before 2014 at the Rewheel 2014-2019 rate (-29.5 %/yr).

Band: the lowest and highest component each year, each widened by ``MARGIN`` (the scatter of one
derived point, e.g. a revenue assumption of 1.0-1.16 tn USD or a traffic point read a quarter
off). Central value: geometric mean of the components. Country series (France, India) are shown
for context; they are not in the band because their price shocks (Free Mobile 2012, Jio 2016)
are national.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

HERE = Path(__file__).resolve().parent
YEARS = list(range(2010, 2024))
BASE = 2014
MARGIN = 1.2  # multiplicative widening of each edge of the band


def _rows(series: str) -> list[tuple[float, float]]:
    with open(HERE / "mobile-price-per-gb.csv", encoding="utf-8") as f:
        found = [(float(r["year"]), float(r["value"])) for r in csv.DictReader(f) if r["series"] == series]
    return sorted(found)


def _loglinear(points: list[tuple[float, float]], year: float) -> float | None:
    """Log-linear interpolation inside the points' span (None outside it)."""
    for (y0, v0), (y1, v1) in zip(points[:-1], points[1:], strict=True):
        if y0 <= year <= y1:
            return math.exp(math.log(v0) + (year - y0) / (y1 - y0) * (math.log(v1) - math.log(v0)))
    return None


def realised() -> dict[int, float]:
    """World revenue / traffic, by calendar year (points sit at mid-year), 2014 = 1."""
    points = [(y - 0.5, v) for y, v in _rows("world_revenue_per_gb")]
    base = _loglinear(points, BASE)
    return {y: v / base for y in YEARS if (v := _loglinear(points, y)) is not None}


def gsma() -> dict[int, float]:
    """-96 % over 2014-2024 at a constant yearly rate."""
    rate = 0.04 ** (1 / 10)
    return {y: rate ** (y - BASE) for y in YEARS}


def posted() -> dict[int, float]:
    """Rewheel OECD median 2014 -> 2019, chained to Cable.co.uk's world mean 2019 -> 2022."""
    (y0, p0), (y1, p1) = _rows("oecd_posted_median")
    rate = (p1 / p0) ** (1 / (round(y1) - round(y0)))
    index = {y: rate ** (y - BASE) for y in YEARS if y <= 2019}
    cable = _rows("global_posted_mean")
    for y, v in cable[1:]:
        index[round(y)] = index[2019] * v / cable[0][1]
    yearly = (cable[-1][1] / cable[0][1]) ** (1 / (round(cable[-1][0]) - round(cable[0][0])))
    index[2023] = index[2022] * yearly
    return index


def country(series: str) -> dict[int, float]:
    """A national realised series, 2014 = 1 (context only)."""
    points = _rows(series)
    base = _loglinear(points, BASE + 0.5)
    return {y: v / base for y in YEARS if (v := _loglinear(points, y + 0.5)) is not None}


def band() -> dict[int, tuple[float, float, float]]:
    """Year -> (low, central, high) of the world index, 2014 = 1."""
    parts = [realised(), gsma(), posted()]
    out = {}
    for y in YEARS:
        values = [p[y] for p in parts if y in p]
        central = math.exp(sum(math.log(v) for v in values) / len(values))
        out[y] = (min(values) / MARGIN, central, max(values) * MARGIN)
    return out


def main() -> None:
    r, g, p, fr, ind = realised(), gsma(), posted(), country("france_revenue_per_gb"), country("india_revenue_per_gb")
    b = band()

    def cell(d: dict[int, float], y: int) -> str:
        return f"{d[y]:.3g}" if y in d else "-"

    print("| year | realised [A] | GSMA path | posted | low | central | high | France | India |")
    print("|---|---|---|---|---|---|---|---|---|")
    for y in YEARS:
        low, central, high = b[y]
        print(f"| {y} | {cell(r, y)} | {cell(g, y)} | {cell(p, y)} | **{low:.3g}** | {central:.3g} | **{high:.3g}** "
              f"| {cell(fr, y)} | {cell(ind, y)} |")
    print()
    print("PRICE_INDEX_2014 = {  # year: (low, high), world price per GB relative to 2014")
    for y in YEARS:
        print(f"    {y}: ({b[y][0]:.3g}, {b[y][2]:.3g}),")
    print("}")


if __name__ == "__main__":
    main()

"""Compare runs of several scenarios: headline figures side by side, differences to the first.

Scenarios with different horizons are compared on their common years (each run is
restricted to them before totals are taken) and the comparison says so.

Every row says the years it covers (``period``): the common years for cumulative
totals and the rebound, the final-year window (the last year of steps, over
which ``final_year`` is a mean: :meth:`Results.final`) for final-year values.
Impacts not assessed in a scenario (no factor given) are NaN with ``note`` =
``not assessed``, never 0; partial totals say so in ``note``; and a difference
between rows of different scope (a partial total against a complete one) is
left out (NaN) rather than computed.

Answers by year (``years``, ``since``): for each listed calendar year Y, the mean
over the steps of [Y, Y + 1) (``calendar_year_mean``, per year) and the total
from ``since`` to the end of Y, [since, Y + 1) (``cumulative_since``), of energy,
traffic and each impact category. A year is a calendar year the runs cover
whole, or the year the runs end at: with ``time.end: 2050`` the runs stop at the
instant 2050.0, so "2050" reads their last year of steps, [2049, 2050), as the
``final_year`` rows do, and its period says so (:func:`year_span`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import rebound as measures
from .errors import UsageError
from .results import Results
from .scenario.schema import CATEGORIES, PHASES

#: Statistics of the answers by year, in the order of the table.
YEAR_STATISTICS = ("calendar_year_mean", "cumulative_since")
_EPS = 1e-9


def year_span(year: float, end: float) -> tuple[float, float]:
    """The instants a year reads, [from, to): the calendar year [year, year + 1), or, for the year a run
    ends at (``end``, its last instant, which no step starts), the run's last year of steps [year − 1, year)."""
    if abs(year - end) <= _EPS:
        return year - 1.0, year
    return year, year + 1.0


def year_problems(years: Sequence[int], since: float | None,
                  horizons: Sequence[tuple[float, float, float]]) -> list[tuple[str, str]]:
    """What is wrong with answers by year for runs of these ``horizons`` ((start, end, step), years):
    (option, message) pairs, empty when ``years`` are calendar years every run covers whole on
    their common years and ``since`` (None: the common start) is an instant of every run no later
    than the first of them."""
    start = max(h[0] for h in horizons)
    end = min(h[1] for h in horizons)
    problems = []
    last = end - 1
    for y in years:
        if y != int(y):
            problems.append(("--years", f"found {y:g}, expected a calendar year (a whole number)"))
        elif not (start - _EPS <= y and year_span(y, end)[1] <= end + _EPS):
            problems.append(("--years", f"found {y:g}, expected a calendar year of the runs' common years, "
                             f"{start:g} to {end:g} ({end:g}, where they stop, reads their last year of steps, "
                             f"{last:g}-{end:g})"))
    if since is not None:
        if not start - _EPS <= since < end - _EPS:
            problems.append(("--from", f"found {since:g}, expected a year from {start:g} (the common start) to "
                             f"{last:g}"))
        elif years and since > min(years) + _EPS:
            problems.append(("--from", f"found {since:g}, after the year {min(years):g} of --years: expected a "
                             f"year no later than {min(years):g}"))
    if problems:
        return problems
    for first, _, step in horizons:
        off = [x for x in (*years, *(year_span(y, end)[1] for y in years), *([] if since is None else [since]))
               if abs((x - first) / step - round((x - first) / step)) > 1e-6]
        if off:
            problems.append(("--years" if since is None or since not in off else "--from",
                             f"found {off[0]:g}, expected instants of every run (a run starting in {first:g} "
                             f"has one every {step:g} yr): answers by year need steps that start each year"))
            break
    return problems


@dataclass
class Comparison:
    """Runs restricted to their common years, labelled by scenario name (the first is the reference)."""

    runs: list[Results]
    labels: list[str]
    start: float
    end: float
    notes: list[str] = field(default_factory=list)
    """Every note (the command line prints them, comparison.json holds them)."""
    table_notes: list[str] = field(default_factory=list)
    """Those of them about the table only (the final-year window, impacts not assessed): figures
    say these things in their own words, so their footers leave them out."""
    years: tuple[int, ...] = ()
    """Calendar years of the answers by year (empty: none)."""
    since: float | None = None
    """Start of the ``cumulative_since`` totals (year); set when ``years`` are."""

    @property
    def figure_notes(self) -> list[str]:
        """The notes a figure's footer shows (horizons, time steps)."""
        return [n for n in self.notes if n not in self.table_notes]

    def _rows(self, run: Results) -> list[dict[str, Any]]:
        rows = []
        quantities: list[tuple[str, str, dict[str, str], str]] = [("energy", "energy", {}, ""),
                                                                  ("traffic", "traffic", {}, "")]
        for cat in CATEGORIES:
            quantities.append((cat, "impact", {"category": cat}, ""))
            quantities.extend((cat, "impact", {"category": cat, "phase": ph}, ph) for ph in PHASES)
        actual = run.variants.index("actual")
        whole = f"{run.times[0]:g}-{run.times[-1]:g}"
        last = "{:g}-{:g}".format(*run.final_window)
        for name, variable, labels, phase in quantities:
            unit, note = run.unit(variable, **labels), run.note(variable, **labels)
            rows.append({"quantity": name, "phase": phase, "statistic": "cumulative", "period": whole,
                         "unit": unit.removesuffix("/yr"), "value": float(run.cumulative(variable, **labels)[actual]),
                         "note": note})
            rows.append({"quantity": name, "phase": phase, "statistic": "final_year", "period": last, "unit": unit,
                         "value": float(run.final(variable, **labels)[actual]), "note": note})
        if run.has_rebound:
            end = f"{run.times[-1]:g}"
            for q in run.rebound_quantities:
                note = run.note("rebound", category=q)
                induced = measures.induced(run, q)
                r = run.cumulative_rebound(q)
                statistics = [("induced", whole, induced["unit"], induced["absolute"]),
                              ("induced_relative", whole, "1", induced["relative"]),
                              ("rebound", whole, "1", r)]
                for measure, function in (("window", measures.window), ("marginal", measures.marginal)):
                    if run.has_measure(measure):
                        statistics.append((f"rebound_{measure}", end, "1", float(function(run, q)[-1])))
                for statistic, period, unit, value in statistics:
                    rows.append({"quantity": q, "phase": "", "statistic": statistic, "period": period, "unit": unit,
                                 "value": np.nan if value is None else value, "note": note})
        return rows + self._year_rows(run)

    def _year_rows(self, run: Results) -> list[dict[str, Any]]:
        """The answers by year of a run: per listed year, ``calendar_year_mean`` and ``cumulative_since``
        of energy, traffic and each impact category (rows carry their ``year``)."""
        if not self.years:
            return []
        quantities = [("energy", "energy", {}), ("traffic", "traffic", {}),
                      *((cat, "impact", {"category": cat}) for cat in CATEGORIES)]
        since = self.start if self.since is None else self.since
        rows = []
        for year in self.years:
            for name, variable, labels in quantities:
                unit, note = run.unit(variable, **labels), run.note(variable, **labels)
                series = run.array(variable, **labels)
                mean, total = year_values(run.times, run.dt, series, year, since)
                low, high = year_span(year, float(run.times[-1]))
                rows.append({"quantity": name, "phase": "", "statistic": "calendar_year_mean",
                             "period": f"{low:g}-{high:g}", "unit": unit, "value": mean, "note": note,
                             "year": year})
                rows.append({"quantity": name, "phase": "", "statistic": "cumulative_since",
                             "period": f"{since:g}-{high:g}", "unit": unit.removesuffix("/yr"), "value": total,
                             "note": note, "year": year})
        return rows

    def _table(self) -> pd.DataFrame:
        frames = []
        for label, run in zip(self.labels, self.runs, strict=True):
            frame = pd.DataFrame(self._rows(run))
            frame.insert(0, "scenario", label)
            frames.append(frame)
        table = pd.concat(frames, ignore_index=True)
        if "year" not in table:
            table["year"] = np.nan
        # rows by year are told apart by their year; the others keep the key they always had
        table["_key"] = table["year"].fillna(-1.0)
        keys = ["quantity", "phase", "statistic", "_key"]
        index = table.set_index(keys).index
        reference = table[table.scenario == self.labels[0]].set_index(keys)
        ref = np.asarray(index.map(reference["value"].to_dict()), dtype=float)
        same_scope = np.asarray(index.map(reference["note"].to_dict())) == table["note"].to_numpy()
        table["difference"] = np.where(same_scope, table["value"] - ref, np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            pct = np.where(ref != 0, 100.0 * table["difference"] / ref, np.nan)
        table["difference_pct"] = pct
        notes = table.pop("note")
        table["note"] = notes
        by_year = table["year"].notna()
        return pd.concat([table[~by_year], table[by_year]], ignore_index=True).drop(columns="_key")

    def to_frame(self) -> pd.DataFrame:
        """One row per scenario × quantity × phase × statistic (with the ``period`` it covers, and a
        ``note`` for impacts not assessed or partial), with the difference to the first scenario
        (NaN where the two rows differ in scope: their notes differ). With :attr:`years`, two more
        rows per scenario, quantity (totals only) and year, after the others: ``calendar_year_mean``
        (per year, ``period`` Y-Y+1, or Y-1-Y for the year the runs end at) and ``cumulative_since``
        (``period`` since-end of that period)."""
        return self._table().drop(columns="year")

    def to_dict(self) -> dict[str, Any]:
        """The same as nested JSON: scenario → quantity → phase ("total" if none) → statistic; the
        statistics by year are keyed by year below their name (``calendar_year_mean`` → ``"2030"``)."""
        out: dict[str, Any] = {"reference": self.labels[0], "start": self.start, "end": self.end,
                               "notes": list(self.notes), "scenarios": {}}
        if self.years:
            out["years"], out["since"] = list(self.years), self.start if self.since is None else self.since
        for row in self._table().to_dict("records"):
            entry = (out["scenarios"].setdefault(row["scenario"], {})
                     .setdefault(row["quantity"], {}).setdefault(row["phase"] or "total", {}))
            value = {
                k: (None if isinstance(v, float) and not np.isfinite(v) else v)
                for k, v in row.items() if k in ("period", "unit", "value", "difference", "difference_pct")
                or (k == "note" and v)
            }
            if row["statistic"] in YEAR_STATISTICS:
                entry.setdefault(row["statistic"], {})[f"{row['year']:g}"] = value
            else:
                entry[row["statistic"]] = value
        return out

    def year_lines(self) -> list[str]:
        """Energy and climate change in each listed year and since :attr:`since`, one line per scenario,
        year and quantity, with the difference to the first scenario, for a console."""
        if not self.years:
            return []
        table = self._table()
        lines = [f"by year: mean over the steps of the calendar year, and total from {self.since:g} to its end"]
        for year in self.years:
            for quantity, word in (("energy", "energy"), ("climate_change", "CO2e")):
                rows = table[(table.quantity == quantity) & (table.year == year)]
                for label in self.labels:
                    mine = rows[rows.scenario == label].set_index("statistic")
                    parts = [_amount_text(mine.loc[s], label != self.labels[0]) for s in YEAR_STATISTICS]
                    lines.append(f"  {label} {year:g}: {word} {parts[0]}; {self.since:g} to end {year:g}: {parts[1]}")
        return lines


def year_values(times: np.ndarray, dt: float, series: np.ndarray, year: float,
                since: float) -> tuple[float, float]:
    """(mean over the steps of [year, year + 1), integral over [since, year + 1)) of a rate ``series``
    (..., T+1) at ``times``: the rate's unit per year, and its unit (e.g. kWh/yr and kWh)."""
    low, high = year_span(year, float(times[-1]))
    in_year = (times >= low - _EPS) & (times < high - _EPS)
    since_mask = (times >= since - _EPS) & (times < high - _EPS)
    return float(series[..., in_year].mean(axis=-1)), float(series[..., since_mask].sum(axis=-1) * dt)


#: Units shown on the console: (divisor, unit) by base unit.
_SHOWN = {"kWh": (1e9, "TWh"), "kg CO2e": (1e9, "Mt CO2e"), "GB": (1e9, "EB")}


def _amount_text(row: pd.Series, versus: bool) -> str:
    """``512 TWh/yr`` and, with ``versus``, `` (-26.1 TWh/yr, -5.1 %)``, from a row of the table."""
    unit = str(row["unit"])
    base, per_year = unit.removesuffix("/yr"), unit.endswith("/yr")
    scale, shown = _SHOWN.get(base, (1.0, base))
    shown += "/yr" if per_year else ""
    value = float(row["value"])
    if not np.isfinite(value):
        return f"not assessed ({row['note']})" if row["note"] else "undefined"
    text = f"{value / scale:,.4g} {shown}"
    if versus and np.isfinite(row["difference"]):
        pct = "" if not np.isfinite(row["difference_pct"]) else f", {row['difference_pct']:+.1f} %"
        difference = row["difference"] / scale
        text += f" ({difference:+,.0f}" if abs(difference) >= 1000 else f" ({difference:+.3g}"
        text += f" {shown}{pct})"
    return text


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    labels = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        labels.append(name if seen[name] == 1 else f"{name} #{seen[name]}")
    return labels


def _assessment_notes(runs: list[Results], labels: list[str]) -> list[str]:
    """One line per impact category that some scenario does not assess in full: which phases, where."""
    lines = []
    for cat in CATEGORIES:
        where = [f"{label} ({', '.join(run.not_assessed[cat])})"
                 for label, run in zip(labels, runs, strict=True) if cat in run.not_assessed]
        if where:
            lines.append(f"{cat} not assessed in {', '.join(where)}: empty in the table and figures, not 0; "
                         "totals without these phases are partial (note column)")
    return lines


def compare(runs: list[Results], years: Sequence[int] = (), since: float | None = None) -> Comparison:
    """Compare runs (at least two) on their common years; the first is the reference.

    ``years``: calendar years to answer for (each run's mean over the year's steps, and its total
    from ``since`` to the end of the year; ``since`` defaults to the common start); UsageError
    naming the bad value when a year is not covered whole (:func:`year_problems`)."""
    if len(runs) < 2:
        raise UsageError("a comparison needs at least two runs")
    problems = year_problems(years, since, [(float(r.times[0]), float(r.times[-1]), r.dt) for r in runs])
    if problems:
        raise UsageError("; ".join(f"{option}: {message}" for option, message in problems))
    start = max(float(r.times[0]) for r in runs)
    end = min(float(r.times[-1]) for r in runs)
    if end <= start:
        raise UsageError(f"the scenarios have no common years (latest start {start:g}, earliest end {end:g})")
    notes = []
    differ = any(float(r.times[0]) != start or float(r.times[-1]) != end for r in runs)
    if differ:
        horizons = ", ".join(f"{r.scenario.name} {r.times[0]:g}-{r.times[-1]:g}" for r in runs)
        notes.append(f"horizons differ ({horizons}): compared on the common years {start:g}-{end:g}")
        runs = [r.window(start, end) for r in runs]
    steps = {r.scenario.time.step for r in runs}
    if len(steps) > 1:
        notes.append(f"time steps differ ({', '.join(f'{s:g}' for s in sorted(steps))} yr); totals are integrals "
                     "over each run's own steps")
    labels = _unique([r.scenario.name for r in runs])
    windows = ", ".join(dict.fromkeys("{:g}-{:g}".format(*r.final_window) for r in runs))
    table_notes = [f"final_year: mean over the last year of steps, {windows} (period column)",
                   *_assessment_notes(runs, labels)]
    if years:
        table_notes.append(f"calendar_year_mean: mean over the steps of each calendar year (period Y-Y+1; the "
                           "year the runs end at reads their last year of steps); "
                           f"cumulative_since: total from {start if since is None else since:g} to the end of "
                           "the year (period column)")
    return Comparison(runs, labels, start, end, [*notes, *table_notes], table_notes,
                      tuple(sorted({int(y) for y in years})), None if not years else
                      (start if since is None else float(since)))

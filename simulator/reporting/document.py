"""`jevons report`: one self-contained HTML document (and its PDF) that answers a scenario's question.

The document holds, in this order: the question (the scenario's title and description), its scope
(parts, networks, generations, devices, data centres, horizon, step), the method (the rebound
measures, in the words of the README and of the figures), the headline figures and tables (energy,
climate, parts, rebound, decomposition), the comparison with the other scenarios given (figures and
the answers by year of :mod:`simulator.compare`), the validation against the scenario's observations,
the uncertainty where the scenario has ``uncertainty:`` (a Monte Carlo of :data:`SAMPLES` members),
every parameter with its unit and source (:mod:`.assumptions`), and the version and hashes that
identify the run.

Self-contained: styles inline, figures as PNG ``data:`` URIs, no script, no font or anything else
fetched (a Content-Security-Policy says so to the browser). Figures are those of
:mod:`simulator.plots`, drawn at :data:`DPI`; nothing is recomputed here but the runs themselves.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from ..compare import YEAR_STATISTICS, Comparison, compare, year_problems
from ..display.i18n import check_lang, data_name, note_text, number, percent, tr
from ..display.names import scenario_titles
from ..display.style import scale_for
from ..engine import simulate
from ..errors import Problem, ScenarioError
from ..export import scenario_manifest
from ..plots import COMPARISON_FIGURES, FIGURES, figures_for
from ..plots.analysis import Compared, observed_and_simulated, plot_validation
from ..plots.figures import category_name
from ..plots.style import root_figure, styled
from ..results import Results
from ..scenario.load import scenario_hash
from ..scenario.schema import CATEGORIES, Scenario
from ..scenario.sliders import in_language
from ..units import ureg
from ..version import __version__
from .assumptions import Assumption, assumptions, source_comment

#: The report's generator tag: `jevons report` replaces an existing HTML file only if it holds it.
MARKER = '<meta name="generator" content="jevons report">'
#: The start of the PDF's title (document information, in its first bytes): the mark of a PDF it wrote.
PDF_MARKER = "(jevons report: "
#: Resolution of the figures (dots per inch): sharp on A4, ~100 kB each.
DPI = 110
#: Monte Carlo members drawn where the scenario has ``uncertainty:``: enough for the 5-95 % band
#: (10 members beyond each end), a second or two for the baseline.
SAMPLES = 200
#: Figures of a run the report shows, in order (those that apply to the run: :func:`figures_for`).
RUN_FIGURES = ("parts", "energy_by_generation", "impacts", "rebound", "decomposition", "innovations",
               "contributions")
#: A source comment shorter than this (characters) is shown again on the next row, not "(as above)".
REPEAT_BELOW = 40
#: Quantities of the headline table, in order.
HEADLINE = ("energy", "traffic", *CATEGORIES)

STYLE = """
@page { size: A4; margin: 14mm 13mm 16mm; }
body { font-family: "DejaVu Sans", system-ui, Arial, sans-serif; font-size: 10pt; color: #222; margin: 0 auto;
       max-width: 184mm; line-height: 1.38; }
h1 { font-size: 18pt; margin: 0 0 1mm; }
h2 { font-size: 13.5pt; margin: 6mm 0 2mm; border-bottom: 2px solid #0072B2; padding-bottom: 0.8mm; }
h3 { font-size: 11pt; margin: 4mm 0 1.5mm; }
.sub { color: #444; margin: 0 0 3mm; }
.verdict { background: #EEF4FA; border-left: 4px solid #0072B2; padding: 2mm 3mm; margin: 2mm 0; }
nav ol { columns: 2; margin: 1mm 0 3mm; padding-left: 6mm; }
table { border-collapse: collapse; width: 100%; margin: 1.5mm 0 3mm; font-size: 8.6pt; }
th, td { border-bottom: 1px solid #CCC; padding: 0.8mm 1.5mm; text-align: left; vertical-align: top; }
h2, h3 { break-after: avoid; }
th { background: #F2F2F2; }
td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
th.n { text-align: right; }
table.comparison td.n { white-space: pre; }
table.assumptions { font-size: 7.6pt; }
table.assumptions td:first-child { font-family: "DejaVu Sans Mono", monospace; word-break: break-all; width: 30%; }
table.assumptions td:nth-child(4) { overflow-wrap: anywhere; }
table.validation td:last-child { width: 45%; }
tr { break-inside: avoid; }
figure { margin: 2mm 0 4mm; break-inside: avoid; }
figure img { display: block; width: 100%; max-width: 170mm; margin: 0 auto; }
figcaption { font-size: 8.5pt; color: #444; text-align: center; }
.note { color: #555; font-size: 8.5pt; }
code { font-size: 9pt; }
details pre { font-size: 6.5pt; white-space: pre-wrap; word-break: break-all; }
footer { color: #555; font-size: 8.5pt; margin-top: 5mm; }
@media screen { body { padding: 8mm 4mm; } }
"""

e = html.escape


@dataclass
class Inputs:
    """What a report is made of: the scenario, the scenarios compared with it (may be empty), the years of
    the comparison's answers by year, the Monte Carlo size, the language and the command that asked."""

    scenario: Scenario
    others: list[Scenario]
    years: list[int]
    since: float | None
    samples: int
    lang: str
    command: list[str] | None


def _colon(lang: str) -> str:
    return "\u00a0:" if lang == "fr" else ":"


def figure_uri(fig: Figure) -> str:
    """A figure as a PNG ``data:`` URI (then cleared: the figure was never registered with pyplot)."""
    buffer = io.BytesIO()
    with styled():
        fig.savefig(buffer, format="png", dpi=DPI)
    fig.clear()
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _figure(fig: Figure, caption: str) -> str:
    return f'<figure><img src="{figure_uri(fig)}" alt="{e(caption)}"></figure>'


def _title_of(fig: Figure) -> str:
    axes = fig.get_axes()
    return fig.get_suptitle() or (axes[0].get_title() or axes[0].get_title("left") if axes else "")


def _drawn(draw: Callable[[], Any]) -> str:
    with styled():
        drawn = draw()
        fig = drawn if isinstance(drawn, Figure) else root_figure(drawn)
    return _figure(fig, _title_of(fig))


def amount(value: float | None, unit: str, lang: str, *, signed: bool = False, scale_with: Sequence[float] = ()) -> str:
    """``value`` (in the canonical ``unit``) in a readable unit (TWh, Mt CO2e...), 4 significant digits."""
    if value is None or not math.isfinite(value):
        return "—"
    scale = scale_for(unit, value, *scale_with, lang=lang)
    shown = float(scale(value))
    text = number(shown, "+,.4g" if signed else ",.4g", lang)
    return f"{text}\u00a0{scale.unit}" if scale.unit else text


def _share(value: float | None, lang: str, signed: bool = True) -> str:
    """A fraction in per cent, 3 significant digits (whole per cents from 1,000 %)."""
    if value is None or not math.isfinite(value):
        return "—"
    spec = ",.0f" if abs(value) >= 10 else ".3g"
    return percent(value, lang, ("+" if signed else "") + spec)


def quantity_name(quantity: str, lang: str) -> str:
    """``Energy``, ``Traffic`` or an impact category's name, in ``lang``."""
    if quantity in ("energy", "traffic"):
        return tr(quantity.capitalize(), lang)
    return category_name(quantity, lang) if quantity in CATEGORIES else data_name(quantity, lang)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = (), css: str = "") -> str:
    """An HTML table; cells are escaped, the columns ``numeric`` right-aligned."""
    def cell(tag: str, k: int, text: str) -> str:
        klass = ' class="n"' if k in numeric else ""
        return f"<{tag}{klass}>{e(text)}</{tag}>"
    head_html = "".join(cell("th", k, h) for k, h in enumerate(head))
    body = "".join("<tr>" + "".join(cell("td", k, c) for k, c in enumerate(row)) + "</tr>" for row in rows)
    klass = f' class="{css}"' if css else ""
    return f"<table{klass}><thead><tr>{head_html}</tr></thead><tbody>{body}</tbody></table>"


def _heading(key: str, anchor: str, lang: str) -> str:
    return f'<h2 id="{anchor}">{e(tr(key, lang))}</h2>'


# --- sections -----------------------------------------------------------------------------------


def _question(scenario: Scenario, lang: str) -> str:
    title = in_language(scenario.title, lang) or data_name(scenario.name, lang)
    description = in_language(scenario.description, lang).strip()
    body = f"<p><b>{e(title)}</b></p>" + (f"<p>{e(description)}</p>" if description else "")
    return _heading("The question", "question", lang) + body


def _names(names: Sequence[str], lang: str) -> str:
    return ", ".join(data_name(str(n), lang) for n in names) or tr("none", lang)


def _generation(name: str, scenario: Scenario, lang: str) -> str:
    g = scenario.generations[name]
    end = f"–{g.switch_off:g}" if g.switch_off is not None else ""
    network = getattr(g, "network", None)
    network = f", {data_name(network, lang)}" if isinstance(network, str) else ""
    return f"{data_name(name, lang)} ({g.launch:g}{end}{network})"


def _scope(results: Results, summary: dict[str, Any], lang: str) -> str:
    s = results.scenario
    by_part: dict[str, list[str]] = {"networks": [], "data_centres": []}
    for name, layer in s.layers.items():
        by_part.setdefault(str(layer.part), []).append(name)
    assessed = [c for c in CATEGORIES if summary["totals"].get(c, {}).get("actual") is not None]
    absent = [c for c in CATEGORIES if c not in assessed]
    policies = [f"{p.type} ({p.at:g})" if hasattr(p, "at") else str(p.type) for p in s.policies]
    rows = [
        (tr("Horizon", lang), f"{s.time.start:g}–{s.time.end:g}, " + tr("step {step} yr", lang, step=number(
            s.time.step, "g", lang)) + ", " + tr("seed {seed}", lang, seed=s.seed)),
        (tr("Access networks", lang), _names(list(s.networks), lang) if s.networks else tr("one access network", lang)),
        (tr("Generations", lang), ", ".join(_generation(n, s, lang) for n in s.generations)),
        (tr("Network layers (core, transport)", lang), _names(by_part.get("networks", []), lang)),
        (tr("Data centres", lang), _names([*by_part.get("data_centres", []), *s.compute.workloads], lang)),
        (tr("Devices", lang), _names(list(s.devices), lang)),
        (tr("Equipment types", lang), _names(list(s.equipment), lang)),
        (tr("Services", lang), _names(list(s.demand.services), lang)),
        (tr("Impact categories assessed", lang), ", ".join(category_name(c, lang) for c in assessed)
         + (f"; {tr('not assessed', lang)}{_colon(lang)} " + ", ".join(category_name(c, lang) for c in absent)
            if absent else "")),
        (tr("Policies", lang), ", ".join(policies) or tr("none", lang)),
        (tr("Targets", lang), _names(list(s.targets), lang)),
        (tr("Observations", lang), str(len(s.observations))),
        (tr("Uncertain parameters", lang), str(len(s.uncertainty))),
    ]
    return _heading("Scope", "scope", lang) + _table((tr("What", lang), tr("In this scenario", lang)), rows)


#: The rebound measures of the README's "Rebound measures" table: (name, summary.json key, what it compares).
MEASURE_ROWS = (
    ("induced by the demand response", "induced",
     "Actual use minus the engineering estimate, the same technology path with demand not reacting to the price "
     "of a GB. It is what the demand response added, in TWh or Mt CO2e and in %; it needs no choice of a "
     "\"before\"."),
    ("rolling rebound R_Δ(t)", "rebound_window",
     "The rebound of the efficiency gained over the last Δ years (rebound.window, default 5): the technology of "
     "t − Δ carrying the demand of t, against the actual technology with demand held at the cost of t − Δ."),
    ("marginal (one more % of efficiency)", "rebound_marginal",
     "Saunders' 1 + ∂lnE/∂lnη: how use responds to one more percent of efficiency everywhere, by raising every "
     "efficiency path by 0.1 %."),
    ("per innovation (freeze one innovation)", "innovations",
     "\"Freeze one innovation\" (Hilty et al. 2006): for each generation launched inside the horizon and each "
     "efficiency stream, the run without it and its engineering twin give what it was expected to save, what it "
     "saved and R."),
    ("frozen (start-year technology)", "rebound",
     "The technology of time.start carrying all demand; headlined only while frozen/actual ≤ "
     "rebound.frozen_headline_limit (10)."),
)


def _measure_value(key: str, summary: dict[str, Any], quantity: str, lang: str) -> str:
    if key == "induced":
        induced = summary["induced"].get(quantity) or {}
        if induced.get("absolute") is None:
            return "—"
        shown = amount(induced["absolute"], induced["unit"], lang, signed=True)
        return f"{shown} ({_share(induced['relative'], lang)})"
    if key == "innovations":
        count = len(summary.get("innovations", {}))
        return tr("{count} innovations" if count > 1 else "{count} innovation", lang, count=count) if count else "—"
    value = summary.get(key, {}).get(quantity)
    return _share(value, lang, signed=False)


def _method(summary: dict[str, Any], lang: str) -> str:
    colon = _colon(lang)
    intro = tr("A rebound is always measured against a named, bounded efficiency improvement: what the improvement "
               "was expected to save, with demand held where it was, against what it saved once demand reacted to "
               "the cheaper gigabyte: R = 1 − actual savings / expected savings (Saunders 1992; Sorrell 2007). "
               "R = 0: no rebound; 0 < R < 1: part of the gain taken back; R > 1: backfire, the Jevons paradox.",
               lang)
    scope = tr("It is the direct price rebound: cheaper gigabytes bring more gigabytes. Income effects (money saved "
               "spent elsewhere), time-use rebounds and frontier effects (new uses made possible) are outside the "
               "model, so its rebound is a lower bound of the economy-wide one (Sorrell 2007; Coroama & Mattern "
               "2019).", lang)
    horizon, end = f"{summary['start']:g}–{summary['end']:g}", f"{summary['end']:g}"
    rows = [(tr(name, lang), key, tr(what, lang), end if key in ("rebound_window", "rebound_marginal") else horizon,
             _measure_value(key, summary, "energy", lang), _measure_value(key, summary, "climate_change", lang))
            for name, key, what in MEASURE_ROWS]
    table = _table((tr("measure", lang), "summary.json", tr("what it compares", lang), tr("period", lang),
                    tr("Energy", lang), tr("Climate change", lang)), rows, numeric=(4, 5))
    verdict = summary.get("verdict")
    said = ""
    if verdict:
        said = (f'<p class="verdict"><b>{e(tr("The simulation says", lang))}{colon}</b> '
                f'{e(verdict["text"][lang])}</p>')
    notes = "".join(f'<li>{e(note_text(n, lang))}</li>' for n in summary.get("notes", []))
    return (_heading("Method: the rebound measures", "method", lang) + f"<p>{e(intro)}</p>" + table
            + f"<p>{e(scope)}</p>" + said + (f'<ul class="note">{notes}</ul>' if notes else ""))


def _headline_table(summary: dict[str, Any], lang: str) -> str:
    rows = []
    window = summary["final_year"]["window"]
    for quantity in HEADLINE:
        total = summary["totals"].get(quantity)
        if not total or total.get("actual") is None:
            continue
        final = summary["final_year"][quantity]
        induced = summary["induced"].get(quantity) or {}
        unit = total["unit"]
        row = [v for v in (total["actual"], total.get("engineering"), total.get("frozen")) if v is not None]
        rows.append((quantity_name(quantity, lang), *(amount(v, unit, lang, scale_with=row) for v in (
                     total["actual"], total.get("engineering"), total.get("frozen"))),
                     amount(final.get("actual"), final["unit"], lang),
                     _share(induced.get("relative"), lang),
                     tr("partial", lang) if total.get("partial") else ""))
    head = (tr("quantity", lang), tr("actual, {period}", lang, period=f"{summary['start']:g}–{summary['end']:g}"),
            tr("engineering estimate (no rebound)", lang), tr("frozen (start-year technology)", lang),
            tr("final year ({period} mean)", lang, period=f"{window[0]:g}–{window[1]:g}"),
            tr("induced by the demand response", lang), tr("note", lang))
    return _table(head, rows, numeric=(1, 2, 3, 4, 5))


def _parts_table(summary: dict[str, Any], lang: str) -> str:
    rows = []
    for quantity in ("energy", "climate_change"):
        part = summary["by_part"].get(quantity)
        if not part:
            continue
        values = [part.get(p) for p in ("devices", "networks", "data_centres")]
        known = [v for v in values if v is not None]
        rows.append((quantity_name(quantity, lang),
                     *(amount(v, part["unit"], lang, scale_with=known) for v in values)))
    head = (tr("quantity", lang), *(_capital(data_name(p, lang)) for p in ("devices", "networks", "data_centres")))
    return _table(head, rows, numeric=(1, 2, 3))


def _results_section(results: Results, summary: dict[str, Any], lang: str) -> str:
    shown = [stem for stem in RUN_FIGURES if stem in figures_for(results)]
    figures = "".join(_drawn(partial(FIGURES[stem], results, lang=lang)) for stem in shown)
    return (_heading("Results", "results", lang) + f"<h3>{e(tr('Headline figures', lang))}</h3>"
            + _headline_table(summary, lang) + f"<h3>{e(tr('By part of the digital sector (cumulative)', lang))}</h3>"
            + _parts_table(summary, lang) + figures)


def _titles(comparison: Comparison, lang: str) -> dict[str, str]:
    """Each compared scenario's title, by its label: what the comparison figures' legends call it."""
    return dict(zip(comparison.labels, scenario_titles([run.scenario for run in comparison.runs], lang,
                                                       comparison.labels), strict=True))


def _comparison_table(comparison: Comparison, lang: str) -> str:
    """One row per quantity, statistic and period; a column per scenario (its title), the others' with their
    difference to the first (absolute and %) under their value."""
    table = comparison.to_frame()
    titles = _titles(comparison, lang)
    reference = comparison.labels[0]
    rows = []
    for quantity in ("energy", "climate_change"):
        for statistic in ("cumulative", "final_year", *YEAR_STATISTICS):
            part = table[(table.quantity == quantity) & (table.statistic == statistic) & (table.phase == "")]
            for period in dict.fromkeys(part["period"]):
                found = {str(r.scenario): r for r in part[part.period == period].itertuples()}
                scale_with = [float(r.value) for r in found.values()]
                cells = []
                for label in comparison.labels:
                    row = found.get(label)
                    if row is None:
                        cells.append("—")
                        continue
                    value = amount(float(row.value), str(row.unit), lang, scale_with=scale_with)
                    if label != reference:
                        change = amount(float(row.difference), str(row.unit), lang, signed=True, scale_with=scale_with)
                        value += f"\n{change} ({_share(float(row.difference_pct) / 100, lang)})"
                    cells.append(value)
                rows.append((quantity_name(quantity, lang), tr(statistic.replace("_", " "), lang),
                             str(period).replace("-", "–"), *cells))
    head = (tr("quantity", lang), tr("statistic", lang), tr("period", lang), titles[reference],
            *(tr("{name} (difference to the first)", lang, name=titles[label]) for label in comparison.labels[1:]))
    return _table(head, rows, numeric=tuple(range(3, 3 + len(comparison.labels))), css="comparison")


def _comparison_section(comparison: Comparison, lang: str) -> str:
    figures = "".join(_drawn(partial(plot, comparison, lang=lang)) for plot in COMPARISON_FIGURES.values())
    notes = "".join(f"<li>{e(note_text(n, lang))}</li>" for n in comparison.notes)
    return (_heading("Comparison", "comparison", lang)
            + f"<p>{e(tr('Scenarios compared, the first being the reference', lang))}{_colon(lang)} "
            + e(", ".join(_titles(comparison, lang).values())) + "</p>"
            + _comparison_table(comparison, lang) + (f'<ul class="note">{notes}</ul>' if notes else "") + figures)


def _observation_unit(item: Compared) -> tuple[str, float]:
    """(unit shown, factor from the canonical unit) of a compared series: the observation's own unit."""
    wanted = str(item.observation.unit or "")
    if item.unit and wanted:
        try:
            return wanted, float(ureg.Quantity(1.0, item.unit).to(wanted).magnitude)
        except Exception:  # a unit pint cannot convert to (a count written in words): keep the canonical one
            return item.unit, 1.0
    return item.unit, 1.0


def validation_rows(results: Results, lang: str = "en") -> list[tuple[str, ...]]:
    """One row per observed point: observation, year, observed, simulated, gap (%), unit, source."""
    rows: list[tuple[str, ...]] = []
    for item in observed_and_simulated(results):
        unit, factor = _observation_unit(item)
        for year, observed in zip(item.years, item.observed, strict=True):
            simulated = None
            if item.simulated is not None and item.times[0] - 1e-9 <= year <= item.times[-1] + 1e-9:
                simulated = float(np.interp(year, item.times, item.simulated))
            gap = (simulated / observed - 1) if simulated is not None and observed else None
            key = ("observations", item.name, "values", repr(float(year)))
            source, _ = source_comment(results.scenario, key, 2)
            rows.append((item.name, f"{year:.10g}", number(observed * factor, ",.4g", lang),
                         "—" if simulated is None else number(simulated * factor, ",.4g", lang),
                         _share(gap, lang), unit, source))
    return rows


def _validation_section(results: Results, lang: str) -> str:
    if not results.scenario.observations:
        return ""
    head = (tr("observation", lang), tr("year", lang), tr("observed", lang), tr("simulated", lang),
            tr("gap", lang), tr("unit", lang), tr("source", lang))
    figure = _drawn(lambda: plot_validation(results, lang=lang))
    rows = validation_rows(results, lang)
    shown = [(*row[:-1], tr("(as above)", lang) if k and len(row[-1]) > REPEAT_BELOW and row[-1] == rows[k - 1][-1]
              else row[-1]) for k, row in enumerate(rows)]
    return (_heading("Validation against observations", "validation", lang) + figure
            + _table(head, shown, numeric=(1, 2, 3, 4), css="validation"))


def _uncertainty_section(scenario: Scenario, samples: int, lang: str) -> str:
    if not scenario.uncertainty or samples < 1:
        return ""
    from ..ensemble.montecarlo import monte_carlo
    from ..plots.ensemble_common import measure_texts
    from ..plots.fan import plot_fan_chart

    mc = monte_carlo(scenario, samples, workers=1, progress=False)
    meta = {"scenario": scenario.name, "version": __version__, "members": mc.ensemble.members, "seed": mc.seed,
            "measure": mc.measure.describe()}
    summary = mc.summary()
    figure = _drawn(lambda: plot_fan_chart(mc.bands(), meta, lang=lang))
    rows = []
    for quantity, stats in summary["cumulative"].items():
        scale_with = [stats.get(k) for k in ("p5", "p95") if stats.get(k) is not None]
        rows.append((quantity_name(quantity, lang),
                     *(amount(stats.get(k), stats["unit"], lang, scale_with=scale_with)
                       for k in ("nominal", "p5", "p50", "p95"))))
    measured = measure_texts(meta, lang)
    for name, by_quantity in ((tr("induced by the demand response", lang), summary["induced"]),
                              (measured.value, summary.get("rebound", {}))):
        for quantity, stats in by_quantity.items():
            rows.append((f"{name} ({quantity_name(quantity, lang)})",
                         *(_share(stats.get(k), lang, signed=False) for k in ("nominal", "p5", "p50", "p95"))))
    head = (tr("quantity", lang), tr("scenario as written", lang), "p5", tr("median", lang), "p95")
    backfire = summary.get("probability_of_backfire") or {}
    said = "".join(f"<p>{e(tr('Probability of backfire ({quantity})', lang, quantity=quantity_name(q, lang)))}"
                   f"{_colon(lang)} {_share(p, lang, signed=False)}</p>" for q, p in backfire.items())
    parameters = [(p["key"], str(p["distribution"].get("dist", "")),
                   ", ".join(f"{k} {v:g}" for k, v in p["distribution"].items() if isinstance(v, int | float)))
                  for p in summary["parameters"]]
    intro = tr("{members} Monte Carlo runs (seed {seed}) drawn from the scenario's uncertainty: section; measure: "
               "{measure}.", lang, members=mc.ensemble.members, seed=mc.seed, measure=measured.title)
    return (_heading("Uncertainty", "uncertainty", lang) + f"<p>{e(intro)}</p>" + figure
            + _table(head, rows, numeric=(1, 2, 3, 4)) + said
            + _table((tr("parameter", lang), tr("distribution", lang), tr("values", lang)), parameters))


def _assumptions_section(rows: list[Assumption], lang: str) -> str:
    shown = []
    previous = None
    for row in rows:
        source = row.source
        if len(source) > REPEAT_BELOW and source == previous:
            source = tr("(as above)", lang)
        else:
            previous = row.source
        shown.append((row.dotted, row.value, row.unit, source, row.where.rsplit("/", 1)[-1]))
    head = (tr("parameter", lang), tr("value", lang), tr("unit", lang), tr("source (the scenario's comment)", lang),
            tr("file:line", lang))
    intro = tr("Every parameter of the scenario as resolved (after extends and --set), with the unit written or "
               "the unit of its field, and the comment written beside it in the scenario file (or above it, or "
               "beside its table): the scenario's sources. {count} parameters.", lang, count=len(rows))
    return (_heading("Assumptions", "assumptions", lang) + f"<p>{e(intro)}</p>"
            + _table(head, shown, css="assumptions"))


def manifest_of(inputs: Inputs) -> dict[str, Any]:
    """What identifies the report: the resolved scenario and its hash, those compared, the software."""
    compared = {s.name: {"sha256": scenario_hash(s)} for s in inputs.others}
    return scenario_manifest(inputs.scenario, __version__, inputs.command, {"report.html": "this report"},
                             seed=inputs.scenario.seed, compared=compared, lang=inputs.lang,
                             monte_carlo_samples=inputs.samples if inputs.scenario.uncertainty else 0)


def manifest_hash(manifest: dict[str, Any]) -> str:
    """sha256 of the manifest as canonical JSON (sorted keys)."""
    text = json.dumps(manifest, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _provenance(inputs: Inputs, lang: str) -> str:
    manifest = manifest_of(inputs)
    rows = [(tr("jevons version", lang), __version__), ("Python", str(manifest["python"])),
            (tr("command", lang), " ".join(manifest["command"] or [])),
            (tr("scenario {name} sha256", lang, name=inputs.scenario.name), manifest["scenario_sha256"])]
    rows += [(tr("scenario {name} sha256", lang, name=name), item["sha256"]) for name, item in
             manifest["compared"].items()]
    rows.append((tr("manifest sha256", lang), manifest_hash(manifest)))
    body = html.escape(json.dumps(manifest, indent=1, ensure_ascii=False, default=str))
    return (_heading("Version and manifest", "version", lang) + _table((tr("What", lang), tr("value", lang)), rows)
            + f"<details><summary>{e(tr('The manifest (resolved scenario, software versions)', lang))}</summary>"
            f"<pre>{body}</pre></details>")


SECTIONS = (("question", "The question"), ("scope", "Scope"), ("method", "Method: the rebound measures"),
            ("results", "Results"), ("comparison", "Comparison"), ("validation", "Validation against observations"),
            ("uncertainty", "Uncertainty"), ("assumptions", "Assumptions"), ("version", "Version and manifest"))


def render(inputs: Inputs) -> str:
    """The report as one HTML document (runs the scenario, those compared and, where the scenario has
    ``uncertainty:``, a Monte Carlo)."""
    lang = check_lang(inputs.lang)
    scenario = inputs.scenario
    results = simulate(scenario)
    summary = results.summary()
    parts = {"question": _question(scenario, lang), "scope": _scope(results, summary, lang),
             "method": _method(summary, lang), "results": _results_section(results, summary, lang)}
    if inputs.others:
        comparison = compare([results, *(simulate(s) for s in inputs.others)], inputs.years, inputs.since)
        parts["comparison"] = _comparison_section(comparison, lang)
    parts["validation"] = _validation_section(results, lang)
    parts["uncertainty"] = _uncertainty_section(scenario, inputs.samples, lang)
    parts["assumptions"] = _assumptions_section(assumptions(scenario), lang)
    parts["version"] = _provenance(inputs, lang)
    title = in_language(scenario.title, lang) or data_name(scenario.name, lang)
    contents = "".join(f'<li><a href="#{anchor}">{e(tr(key, lang))}</a></li>' for anchor, key in SECTIONS
                       if parts.get(anchor))
    sub = tr("Report of the jevons {version} simulation of the scenario '{name}', {period}", lang,
             version=__version__, name=scenario.name, period=f"{scenario.time.start:g}–{scenario.time.end:g}")
    return (f'<!doctype html>\n<html lang="{e(lang)}">\n<head>\n<meta charset="utf-8">\n{MARKER}\n'
            f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; '
            f'img-src data:">\n<title>{e(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n'
            f'<h1>{e(title)}</h1><p class="sub">{e(sub)}</p>'
            f'<nav><b>{e(tr("Contents", lang))}</b><ol>{contents}</ol></nav>\n'
            + "\n".join(f"<section>{parts[anchor]}</section>" for anchor, _ in SECTIONS if parts.get(anchor))
            + f"\n<footer>{e(sub)}</footer>\n</main>\n</body>\n</html>\n")


def pdf_title(scenario: Scenario, lang: str) -> str:
    """The PDF's title in ASCII (Chromium writes it as is in the first bytes, where :data:`PDF_MARKER` is looked
    for): ``jevons report: The world's mobile networks, 2000-2050``."""
    text = in_language(scenario.title, lang) or scenario.name
    plain = unicodedata.normalize("NFKD", text.replace("–", "-")).encode("ascii", "ignore").decode()
    return PDF_MARKER.strip("(") + "".join(c for c in plain if c not in "()\\")


def year_choice(years: Sequence[int] | None, since: float | None,
                scenarios: Sequence[Scenario]) -> tuple[list[int], float | None]:
    """The years of the comparison's answers by year: those asked (checked, ScenarioError), or by default
    2030 and the year the runs end at, where the common horizon holds them."""
    horizons = [(s.time.start, s.time.end, s.time.step) for s in scenarios]
    if years is None:
        end = min(h[1] for h in horizons)
        chosen = [y for y in dict.fromkeys((2030, int(end))) if not year_problems([y], since, horizons)]
        return chosen, since if chosen else None
    problems = [Problem(message, option) for option, message in year_problems(list(years), since, horizons)]
    if problems:
        raise ScenarioError(problems)
    return sorted(set(years)), since


__all__ = ["DPI", "Inputs", "MARKER", "PDF_MARKER", "SAMPLES", "amount", "figure_uri", "manifest_hash", "manifest_of",
           "pdf_title", "render", "validation_rows", "year_choice"]

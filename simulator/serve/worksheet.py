"""`jevons lesson`: a scenario's lesson as a student worksheet and a teacher's answer key.

One self-contained HTML file (styles inline, figures as ``data:`` PNGs, no script, nothing
fetched), printable on A4: the worksheet gives each step's question, the sliders to set, a box
for the prediction and one for what was observed; the answer key, on the following pages, runs
the simulator at each step's settings and shows the verdict the page would show, its energy
and rebound charts (the same numbers and plain names, :class:`~simulator.serve.charts.Charts`,
drawn with matplotlib), what to observe and the explanation. ``--pdf`` prints the same file with headless Chromium (the
browser the page's tests use) into a PDF beside it, whose text can be searched and copied.

Files are written as :mod:`simulator.output_folder` requires: a file is replaced only if jevons
wrote it (:data:`MARKER` in the HTML's head; :data:`PDF_MARKER` in the PDF's document
information, which Chromium writes first), every target is checked before anything is computed,
and each file appears whole through a rename.
"""

from __future__ import annotations

import base64
import html
import io
import os
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.ticker import FuncFormatter, MultipleLocator

from ..display.i18n import NBSP, NNBSP, number
from ..display.style import REGION_COLOURS
from ..errors import OutputError, UsageError
from ..output_folder import check_file
from ..plots.style import localise_ticks, new_figure
from ..scenario.lesson import Lesson, LessonStep
from ..scenario.sliders import in_language
from .charts import Charts
from .explorer import Explorer

#: The worksheet's generator tag: `jevons lesson` replaces an existing HTML file only if it holds it.
MARKER = '<meta name="generator" content="jevons lesson">'
#: The start of the PDF's title (its document information, in its first bytes): the mark of a PDF
#: `jevons lesson` wrote.
PDF_MARKER = "(jevons lesson: "
#: Chromium, as the browser tests use it (Debian's; never a downloaded one).
CHROMIUM = "/usr/bin/chromium"
#: Resolution of the figures (dots per inch): sharp on paper, ~100 kB each.
DPI = 110

#: The worksheet's words: English → French.
WORDS = {
    "worksheet": ("Worksheet", "Fiche élève"),
    "key": ("Answer key (for the teacher)", "Corrigé (pour l’enseignant)"),
    "name": ("Name", "Nom"),
    "date": ("Date", "Date"),
    "step": ("Step {k} of {n}", "Étape {k} sur {n}"),
    "minutes": ("{minutes} min", "{minutes}" + NBSP + "min"),
    "total": ("{minutes} minutes in all", "{minutes} minutes en tout"),
    "sliders": ("Set the sliders", "Réglez les curseurs"),
    "others": ("the others as in the scenario", "les autres comme dans le scénario"),
    "as_written": ("every slider as in the scenario", "tous les curseurs comme dans le scénario"),
    "prediction": ("My prediction", "Ma prédiction"),
    "observed": ("What I observe", "Ce que j’observe"),
    "verdict": ("The simulation says", "La simulation dit"),
    "observe": ("Observe", "Observer"),
    "why": ("Why", "Pourquoi"),
    "figure": ("Energy used and rebound at these settings", "Énergie consommée et rebond avec ces réglages"),
    "page": ("Live page: jevons serve {file} (the Lesson button steps through the same settings).",
             "Page en direct : jevons serve {file} (le bouton Leçon parcourt les mêmes réglages)."),
}

STYLE = """
@page { size: A4; margin: 14mm 14mm 16mm; }
body { font-family: "DejaVu Sans", system-ui, Arial, sans-serif; font-size: 11pt; color: #222; margin: 0 auto;
       max-width: 180mm; line-height: 1.35; }
h1 { font-size: 17pt; margin: 0 0 2mm; }
h2 { font-size: 13pt; margin: 0 0 1.5mm; }
.meta { color: #444; margin: 0 0 3mm; }
.who { display: flex; gap: 10mm; margin: 3mm 0 4mm; }
.who span { flex: 1; border-bottom: 1px solid #555; padding-bottom: 1mm; }
section { break-inside: avoid; border-top: 2px solid #009E73; padding: 2.5mm 0 3mm; }
.question { font-weight: 600; margin: 1mm 0; }
.settings { margin: 1mm 0; color: #333; }
.box { border: 1px solid #777; border-radius: 2mm; padding: 1.5mm 3mm; margin: 2mm 0 0;
       background: repeating-linear-gradient(#fff 0 7.4mm, #ccc 7.4mm 7.6mm); }
.box b { display: block; background: #fff; width: max-content; }
.box p { margin: 0 0 1mm; font-style: italic; color: #444; background: #fff; }
.prediction { min-height: 34mm; }
.observed { min-height: 24mm; }
.key { break-before: page; }
.verdict { background: #EEE; padding: 1.5mm 3mm; border-radius: 1.5mm; margin: 1.5mm 0; }
img { display: block; width: 150mm; max-width: 100%; margin: 1.5mm auto; }
.answer p { margin: 1mm 0; }
footer { color: #555; font-size: 9pt; margin-top: 4mm; }
@media screen { body { padding: 8mm 4mm; } }
"""


def word(key: str, lang: str, **fields: object) -> str:
    """The worksheet's word ``key`` in ``lang`` (French typography: a no-break space before ``:``)."""
    text = WORDS[key][1 if lang == "fr" else 0].replace(" :", NBSP + ":")
    return text.format(**fields) if fields else text


def _colon(lang: str) -> str:
    return NBSP + ":" if lang == "fr" else ":"


def setting_text(explorer: Explorer, name: str, value: float, lang: str) -> str:
    """A slider's setting as the page shows it: ``Efficiency gain per year 15 %``, ``… 0.5``."""
    spec = explorer.sliders[name]
    label = in_language(spec.slider.label, lang)
    if spec.kind == "percent":
        shown = number(100 * value, "g", lang) + (NNBSP if lang == "fr" else " ") + "%"
    else:
        shown = number(value, "g", lang) + (f"{NBSP}{spec.slider.unit}" if spec.slider.unit else "")
    return f"{label} {shown}"


def settings_text(explorer: Explorer, step: LessonStep, lang: str) -> str:
    """The sliders a step sets, then that the others stay at the scenario's values."""
    if not step.set:
        return word("as_written", lang)
    parts = [setting_text(explorer, name, value, lang) for name, value in step.set.items()]
    if len(step.set) < len(explorer.sliders):
        parts.append(word("others", lang))
    return "; ".join(parts) if lang == "en" else (NNBSP + "; ").join(parts)


def _series(values: list[Any]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def figure_uri(setup: dict[str, Any], numbers: dict[str, Any]) -> str:
    """The page's energy and rebound charts of one run (:meth:`Charts.numbers`, words and colours of
    :meth:`Charts.setup`) as a PNG ``data:`` URI: energy used, expected from efficiency alone and with
    the start's technology, the rebound and backfire shaded; the rebound (%) with its 0 % and 100 % lines."""
    words, energy, times = setup["words"], setup["energy"], np.asarray(setup["times"], dtype=float)
    figure = new_figure((7.6, 2.9))
    left, right = figure.subplots(1, 2, width_ratios=(3, 2))
    runs = {key: _series(numbers["energy"][key]) for key in ("actual", "engineering", "frozen")}
    actual, engineering, frozen = runs["actual"], runs["engineering"], runs["frozen"]
    left.fill_between(times, engineering, np.minimum(actual, frozen), where=actual > engineering,
                      color=energy["regions"]["rebound"], linewidth=0, label=words["rebound_region"])
    if np.any(actual > frozen * (1 + 1e-9)):
        left.fill_between(times, frozen, actual, where=actual > frozen, color=energy["regions"]["backfire"],
                          linewidth=0, label=words["backfire_region"])
    for key in ("actual", "engineering", "frozen"):
        style = energy["variants"][key]
        left.plot(times, runs[key], color=style["colour"], linewidth=style["width"] / 1.6, label=style["name"],
                  linestyle={"solid": "-", "dash": "--", "dot": ":", "dashdot": "-."}[style["dash"]])
    left.set_ylim(bottom=0)
    left.set_title(f'{energy["quantity"]} ({energy["unit"]}), {words["linear"]}', fontsize=9, loc="left")
    figure.legend(*left.get_legend_handles_labels(), loc="outside lower center", ncol=3, fontsize=7.5, frameon=False)
    right.axhspan(100, max(110.0, float(np.nanmax(_series(numbers["rebound"] or [0])) * 1.05)),
                  color=REGION_COLOURS["backfire"], alpha=0.45, linewidth=0)
    for level in (0, 100):
        right.axhline(level, color="#555", linestyle="--", linewidth=1)
    right.plot(times, _series(numbers["rebound"] or []), color="black", linewidth=2, label=words["rebound_line"])
    right.set_title(f'{words["rebound_axis"]}, {words["linear"]}', fontsize=9, loc="left")
    for ax in (left, right):
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
        localise_ticks(ax, setup["lang"])
        ax.xaxis.set_major_locator(MultipleLocator(5))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda year, _: f"{year:.0f}"))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def render(explorer: Explorer, scenario_file: str, lang: str) -> str:
    """The worksheet and answer key of the scenario's lesson as one HTML document."""
    lesson: Lesson | None = explorer.scenario.lesson
    if lesson is None:
        raise UsageError(f"scenario {explorer.scenario.name!r} has no lesson: section; add one "
                         "(see docs/scenario-reference.md, Lesson)")
    e = html.escape
    colon = _colon(lang)
    title = in_language(lesson.title, lang)
    heading = in_language(explorer.scenario.title, lang) or explorer.scenario.name
    n = len(lesson.steps)
    charts = Charts(explorer, explorer.run({}), lang)
    setup = charts.setup()
    sheet, key = [], []
    for k, step in enumerate(lesson.steps, start=1):
        head = (f"<h2>{e(word('step', lang, k=k, n=n))} · {e(in_language(step.title, lang))} "
                f"({e(word('minutes', lang, minutes=step.minutes))})</h2>")
        settings = (f'<p class="settings"><b>{e(word("sliders", lang))}{colon}</b> '
                    f'{e(settings_text(explorer, step, lang))}</p>')
        question = f'<p class="question">{e(in_language(step.question, lang))}</p>'
        sheet.append(f'<section class="step">{head}{question}{settings}'
                     f'<div class="box prediction"><b>{e(word("prediction", lang))}</b>'
                     f'<p>{e(in_language(step.prompt, lang))}</p></div>'
                     f'<div class="box observed"><b>{e(word("observed", lang))}</b></div></section>')
        values = explorer.check(dict(step.set))
        numbers = charts.numbers(explorer.run(values), values)
        said = numbers["verdict"]
        key.append(f'<section class="answer">{head}{question}{settings}'
                   f'<p class="verdict"><b>{e(word("verdict", lang))}{colon}</b> {e(said["text"])} '
                   f'{e(said["detail"])}</p>'
                   f'<img src="{figure_uri(setup, numbers)}" alt="{e(word("figure", lang))}">'
                   f'<p><b>{e(word("observe", lang))}{colon}</b> {e(in_language(step.observe, lang))}</p>'
                   f'<p><b>{e(word("why", lang))}{colon}</b> {e(in_language(step.explanation, lang))}</p></section>')
    meta = f"{e(heading)} · {e(word('total', lang, minutes=lesson.minutes))}"
    footer = f"<footer>{e(word('page', lang, file=scenario_file))}</footer>"
    return (f'<!doctype html>\n<html lang="{e(lang)}">\n<head>\n<meta charset="utf-8">\n{MARKER}\n'
            f'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; '
            f'img-src data:">\n<title>{e(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n'
            f'<main class="worksheet"><h1>{e(title)} — {e(word("worksheet", lang))}</h1><p class="meta">{meta}</p>'
            f'<p class="who"><span>{e(word("name", lang))}{colon}</span><span>{e(word("date", lang))}{colon}</span></p>'
            + "".join(sheet) + footer + "</main>\n"
            f'<main class="key"><h1>{e(title)} — {e(word("key", lang))}</h1><p class="meta">{meta}</p>'
            + "".join(key) + footer + "</main>\n</body>\n</html>\n")


def pdf_title(lesson: Lesson, lang: str) -> str:
    """The PDF's title: ASCII (Chromium then writes it as is, in the first bytes, where
    :data:`PDF_MARKER` is looked for), ``jevons lesson: Le paradoxe de Jevons en 50 minutes``."""
    plain = unicodedata.normalize("NFKD", in_language(lesson.title, lang)).encode("ascii", "ignore").decode()
    return PDF_MARKER.strip("(") + "".join(c for c in plain if c not in "()\\")


def print_pdf(page_html: str, title: str) -> bytes:
    """``page_html`` printed on A4 by headless Chromium (text kept as text, tagged for readers)."""
    if not os.access(CHROMIUM, os.X_OK):
        raise OutputError(f"--pdf prints with Chromium, not found at {CHROMIUM}: install it (apt-get install "
                          "chromium) or leave out --pdf and print the HTML file from a browser")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page()
            page.route("**/*", lambda route: route.abort())  # nothing to fetch: the page is self-contained
            page.set_content(page_html, wait_until="load")
            page.evaluate("(title) => { document.title = title; }", title)
            return page.pdf(format="A4", print_background=True, tagged=True, prefer_css_page_size=True)
        finally:
            browser.close()


def targets(output: Path, pdf: bool) -> tuple[Path, Path | None]:
    """The HTML file and, with ``pdf``, the PDF beside it (same name, ``.pdf``), both checked."""
    if output.suffix.lower() == ".pdf":
        raise OutputError(f"{output}: -o names the HTML file (e.g. worksheet.html); --pdf writes the PDF beside it")
    page = check_file(output, MARKER)
    return page, (check_file(output.with_suffix(".pdf"), PDF_MARKER) if pdf else None)


__all__ = ["MARKER", "PDF_MARKER", "print_pdf", "render", "targets"]

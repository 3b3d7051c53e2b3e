"""Report figures: French text, the source line's date, contributions, the waterfall,
validation against observations, and the figures of a comparison."""

from __future__ import annotations

import ast
import copy
import re
from pathlib import Path

import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from test_plots import RICH  # noqa: I001  (a sibling test module: its scenario has observations)

import simulator
import simulator.rebound
from simulator.compare import compare
from simulator.display.i18n import FRENCH, NBSP, NNBSP, unit_text
from simulator.display.style import KIND_COLOURS, PHASE_NAMES, VARIANT_NAMES
from simulator.plots import (
    COMPARISON_FIGURES,
    FIGURES,
    contribution_shares,
    figures_for,
    observed_and_simulated,
    plot_compare_sites,
    plot_contributions,
    rebound_callout,
    save_all,
    save_comparison,
    source_text,
)
from simulator.plots.analysis import BREAKDOWNS, NOT_ATTRIBUTED, QUANTITY_NAMES
from simulator.plots.comparison import titles
from simulator.plots.measures import INNOVATION_BARS, TERM_STYLE
from simulator.plots.parts import PART_NAMES
from simulator.plots.style import SOURCE_GID, root_figure
from simulator.scenario.schema import CATEGORIES

ROOT = Path(__file__).resolve().parents[1]
CLASSROOM = ROOT / "scenarios" / "classroom-jevons.yaml"
BASELINE = ROOT / "scenarios" / "world-mobile.yaml"
PLOTS = ROOT / "simulator" / "plots"
#: 2026-11-29 00:00 UTC.
EPOCH = "1795910400"


@pytest.fixture(scope="module")
def classroom() -> simulator.Results:
    return simulator.run(CLASSROOM)


@pytest.fixture(scope="module")
def rich() -> simulator.Results:
    return simulator.run(simulator.scenario_from_dict(RICH))


@pytest.fixture(scope="module")
def baseline() -> simulator.Results:
    return simulator.run(BASELINE)


def _svg_texts(path: Path) -> list[str]:
    """The text drawn in an SVG written with svg.fonttype "none" (one element per line)."""
    raw = re.findall(r"<text\b[^>]*>(.*?)</text>", path.read_text(encoding="utf-8"), flags=re.S)
    return [re.sub(r"<[^>]+>", "", t).replace("&#39;", "'").replace("&amp;", "&") for t in raw]


# --- French -----------------------------------------------------------------------------


def test_french_svgs_have_french_titles_and_no_english_ones(
    classroom: simulator.Results, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    french = save_all(classroom, tmp_path / "fr", formats=("svg",), dpi=40, lang="fr")
    names = [p.name for p in french]
    assert names == [f"{stem}.svg" for stem in figures_for(classroom)]
    assert {"contributions.svg", "decomposition.svg"} <= set(names)
    assert "validation.svg" not in names  # no observations in the classroom scenario
    energy = " ".join(_svg_texts(tmp_path / "fr" / "energy_by_generation.svg"))
    assert "Énergie par génération (empilée) et trafic" in energy
    assert "Énergie (GWh/an)" in energy and "Année" in energy
    for path in french:
        stem = path.stem
        # The same figure in English, drawn but not saved: its sentences (titles, labels,
        # legends) must all be gone from the French file; names and numbers may stay.
        english = {t.get_text() for t in root_figure(FIGURES[stem](classroom)).findobj(Text)}
        fr_texts = _svg_texts(path)
        words = {t for t in english if re.search(r"[A-Za-z]{4,}", t) and t not in fr_texts}
        assert words, stem
        assert not words & set(fr_texts), stem
        for text in fr_texts:
            for english_word in ("Energy", "Year", "Traffic", "Rebound", "Source:", "backfire",
                                 "savings", "manufacturing", "Climate change"):
                assert english_word not in text, (stem, text)
        assert (f"Source{NBSP}: simulation jevons {classroom.version}, scénario "
                f"«{NBSP}classroom-jevons{NBSP}» (2010–2030), 29{NBSP}novembre{NBSP}2026"
                in " ".join(fr_texts))  # (wrapped to the width of the figure)


def test_french_numbers_have_a_decimal_comma_and_spaces_before_percent(
    classroom: simulator.Results,
) -> None:
    top = FIGURES["rebound"](classroom, lang="fr")
    fig = root_figure(top)
    bottom = [a for a in fig.axes if a is not top][0]
    title = bottom.get_title().replace("\n", " ")
    assert title == (f"Rebond R(t), rebond direct (prix){NBSP}; en titre{NBSP}: 158{NNBSP}% "
                     "(par rapport à la technologie de départ, 2010–2030)")
    decomposition = FIGURES["decomposition"](classroom, lang="fr")
    assert decomposition.get_title("left").startswith(f"Énergie{NBSP}: +")
    assert unit_text("thousand units/yr", "fr") == "milliers d’unités/an"
    assert unit_text("EB/yr", "fr") == "Eo/an"
    assert unit_text("t Sb eq", "fr") == "t éq. Sb"


def test_every_text_of_the_figures_has_a_french_translation() -> None:
    """Keys given to tr() in the code, and the tables of words, are all in the French table."""
    keys: set[str] = set()
    for path in [*PLOTS.glob("*.py"), *(PLOTS.parent / "display").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "tr" and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                keys.add(node.args[0].value)
    assert len(keys) > 60
    keys |= set(PHASE_NAMES.values()) | set(VARIANT_NAMES.values()) | set(BREAKDOWNS.values())
    keys |= {label for label, _ in TERM_STYLE.values()} | {label for _, label, _ in INNOVATION_BARS}
    keys |= set(PART_NAMES.values())
    keys |= {name for _, name in CATEGORIES.values()}
    keys |= set(QUANTITY_NAMES.values()) | set(KIND_COLOURS) | {"users", "traffic", "electricity"}
    missing = sorted(k for k in keys if k not in FRENCH)
    assert not missing
    for key, french in FRENCH.items():
        assert set(re.findall(r"{(\w+)}", key)) == set(re.findall(r"{(\w+)}", french)), key


def test_unknown_language_is_refused(classroom: simulator.Results, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="'de'.*en, fr"):
        save_all(classroom, tmp_path / "plots", lang="de")
    assert not (tmp_path / "plots").exists()


# --- source line ------------------------------------------------------------------------


def test_source_line_is_dated_by_source_date_epoch(
    classroom: simulator.Results, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    expected = (f"Source: jevons {classroom.version} simulation, scenario 'classroom-jevons' "
                "(2010–2030), 2026-11-29")
    assert source_text(classroom.scenario, classroom.version) == expected
    fig = root_figure(FIGURES["indexed"](classroom))
    assert [t.get_text() for t in fig.texts if t.get_gid() == SOURCE_GID] == [expected]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH"):
        source_text(classroom.scenario, classroom.version)


# --- new figures ------------------------------------------------------------------------


def test_new_figures_are_written_under_stable_names(
    rich: simulator.Results, classroom: simulator.Results, tmp_path: Path
) -> None:
    written = {p.name for p in save_all(rich, tmp_path / "rich", dpi=30)}
    assert {"contributions.png", "decomposition.png", "validation.png"} <= written
    assert written == {f"{stem}.png" for stem in FIGURES}
    # (the classroom's files are written by the test of French figures)
    assert figures_for(classroom) == [s for s in FIGURES if s != "validation"]


@pytest.mark.parametrize("name", ["rich", "baseline"])
def test_contribution_shares_add_up_to_100_per_category_and_breakdown(
    name: str, request: pytest.FixtureRequest
) -> None:
    results = request.getfixturevalue(name)
    tables = contribution_shares(results)
    assert list(tables) == list(BREAKDOWNS)
    for by, table in tables.items():
        assert list(table.index) == list(CATEGORIES)
        assert NOT_ATTRIBUTED not in table.columns, by  # the contributions cover every impact
        for category, row in table.iterrows():
            expected = 100.0 if results.total("impact", category=category) > 0 else 0.0
            assert row.sum() == pytest.approx(expected, rel=1e-9, abs=1e-9), (by, category)
            assert (row >= 0).all()
    # What is drawn: in every panel, the bars of each category add up to its row.
    first = plot_contributions(results)
    panels = [a for a in root_figure(first).axes if a.get_title("left")]
    assert len(panels) == len(BREAKDOWNS)
    for panel, table in zip(panels, tables.values(), strict=True):
        widths = np.zeros(len(table.index))
        for bar in panel.patches:
            if isinstance(bar, Rectangle) and bar.get_width() > 0:
                widths[round(bar.get_y() + bar.get_height() / 2)] += bar.get_width()
        assert widths == pytest.approx(table.sum(axis=1).to_numpy(), rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("name", ["classroom", "rich", "baseline"])
def test_decomposition_bars_are_the_lmdi_terms_and_add_up(name: str, request: pytest.FixtureRequest) -> None:
    """Every bar is a term of the exact decomposition, in one unit on one plain axis (no broken axis)."""
    results = request.getfixturevalue(name)
    ax = FIGURES["decomposition"](results)
    fig = root_figure(ax)
    panels = [a for a in fig.axes if a.patches]
    assert len(panels) == 2 and all(a.get_xscale() == "linear" for a in panels)
    parts = results.decomposition("energy")
    drawn = sum(bar.get_width() for bar in panels[0].patches)
    scale = parts["change"] / sum(parts["terms"].values())
    assert scale == pytest.approx(1.0, rel=1e-9)
    unit = panels[0].get_xlabel()
    factor = {"(kWh/yr)": 1.0, "(MWh/yr)": 1e3, "(GWh/yr)": 1e6, "(TWh/yr)": 1e9, "(PWh/yr)": 1e12}[unit.split()[-1]]
    assert drawn * factor == pytest.approx(parts["change"], rel=1e-6)


def test_innovations_figure_has_a_row_per_innovation(baseline: simulator.Results) -> None:
    ax = FIGURES["innovations"](baseline)
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert names[0] == "3G launched" and "5G idle power" in names
    assert len(names) == len(simulator.rebound.innovation_names(baseline))
    assert any(t.get_text() == "saved nothing before demand reacted: R undefined" for t in ax.texts)


def test_validation_figure_only_with_observations(
    rich: simulator.Results, classroom: simulator.Results
) -> None:
    assert "validation" in figures_for(rich) and "validation" not in figures_for(classroom)
    compared = {c.name: c for c in observed_and_simulated(rich)}
    assert set(compared) == {"2G energy", "traffic index"}
    index = compared["traffic index"]
    assert np.interp(2005.0, index.times, index.simulated) == pytest.approx(1.0)  # indexed like it
    energy = compared["2G energy"]
    assert energy.observed[0] == pytest.approx(60e6)  # GWh/yr → kWh/yr
    assert energy.simulated == pytest.approx(rich.array("energy", generation="2G"))
    ax = FIGURES["validation"](rich)
    panels = [a for a in root_figure(ax).axes if a.get_title("left")]
    assert [a.get_title("left").replace("\n", " ") for a in panels] == [
        "Energy (2G)", f"Traffic, index (2005{NBSP}={NBSP}100)"]  # the quantity, not the series
    assert [t.get_text() for t in panels[0].get_legend().get_texts()] == ["2G energy"]
    assert not panels[0].texts  # its source is listed under the figure (tests/test_plots_validation.py)


def test_forced_traffic_keeps_validation_and_drops_the_decomposition() -> None:
    forced = copy.deepcopy(RICH)
    forced["name"] = "plots-forced"
    forced["demand"]["traffic"] = {2000: "1 PB/yr", 2010: "30 PB/yr", 2020: "400 PB/yr"}
    results = simulator.run(simulator.scenario_from_dict(forced))
    stems = figures_for(results)
    assert "validation" in stems and "decomposition" not in stems
    assert "contributions" in stems


def test_rebound_figure_states_the_one_verdict() -> None:
    backfire = simulator.run(CLASSROOM, ["demand.services.data.elasticity=1.5"])
    partial = simulator.run(CLASSROOM, ["demand.services.data.elasticity=0.5"])
    for results in (backfire, partial):
        verdict = simulator.rebound.verdict(results)
        assert rebound_callout(results) == verdict["text"]["en"]
        assert rebound_callout(results, "fr") == verdict["text"]["fr"]
    assert "backfire (Jevons paradox)" in rebound_callout(backfire)
    assert "partial rebound" in rebound_callout(partial)
    top = FIGURES["rebound"](backfire)
    assert any(t.get_text().startswith("Energy 2030 vs 2010") for t in top.texts)


def test_the_baseline_rebound_figure_does_not_draw_the_extreme_frozen_run(baseline: simulator.Results) -> None:
    top = FIGURES["rebound"](baseline)
    labels = [line.get_label() for line in top.get_lines()]
    assert not any(label.startswith("frozen (") for label in labels)
    ratio = baseline.summary()["frozen_ratio"]["energy"]
    assert ratio > 100
    assert any(f"frozen 2000 technology not shown: it would use {ratio:.0f}× the actual energy" in label
               for label in labels)


# --- comparison -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def classroom_pair(classroom: simulator.Results):
    return compare([classroom, simulator.run(CLASSROOM, ["demand.services.data.elasticity=0.5"])])


def test_save_comparison_writes_its_five_figures(classroom_pair, tmp_path: Path) -> None:
    written = save_comparison(classroom_pair, tmp_path, formats=("svg",), dpi=30)
    assert [p.name for p in written] == [f"{s}.svg" for s in COMPARISON_FIGURES]
    assert list(COMPARISON_FIGURES) == ["compare_energy", "compare_climate", "compare_traffic",
                                        "compare_rebound", "compare_sites", "compare_climate_over_time"]
    texts = " ".join(_svg_texts(tmp_path / "compare_energy.svg"))
    assert "classroom-jevons" in texts and "classroom-jevons #2" in texts  # legend: scenario labels
    assert "scenarios 'classroom-jevons', 'classroom-jevons #2' (2010–2030)" in texts
    french = {stem: plot(classroom_pair, lang="fr") for stem, plot in COMPARISON_FIGURES.items()}
    assert french["compare_energy"].get_title() == "Consommation d’énergie par scénario"
    assert french["compare_rebound"].get_ylabel() == "Rebond R (%)"


def test_comparison_figures_put_all_scenarios_on_the_same_axes(classroom_pair) -> None:
    for stem in ("compare_energy", "compare_traffic", "compare_rebound"):
        ax = COMPARISON_FIGURES[stem](classroom_pair)
        assert len(ax.get_lines()) >= 2
        fig = root_figure(ax)
        legend = [t.get_text().replace("\n", " ") for t in fig.legends[0].get_texts()]
        # Issue 14 point 4: scenarios by their title; the same title twice is told apart by the run's label.
        title = "Does a more efficient network use less energy?"
        assert legend[0].startswith(f"{title} (classroom-jevons)")
        assert legend[1].startswith(f"{title} (classroom-jevons #2)")
    rebound = COMPARISON_FIGURES["compare_rebound"](classroom_pair)
    assert any(line.get_ydata()[0] == 100.0 for line in rebound.get_lines())  # the 100 % line


def test_comparison_notes_appear_under_the_figures(classroom: simulator.Results,
                                                   rich: simulator.Results) -> None:
    comparison = compare([rich, classroom])
    assert comparison.notes
    fig = root_figure(COMPARISON_FIGURES["compare_climate"](comparison))
    notes = [t.get_text() for t in fig.texts if t.get_gid() == "note"]
    assert len(notes) == len(comparison.figure_notes) and notes[0].startswith("Note: horizons differ")
    assert len(comparison.figure_notes) < len(comparison.notes)  # the table's notes are not repeated
    fig = root_figure(COMPARISON_FIGURES["compare_climate"](comparison, lang="fr"))
    notes = [t.get_text() for t in fig.texts if t.get_gid() == "note"]
    assert notes[0].startswith(f"Note{NBSP}: les horizons diffèrent")


def test_sites_panels_share_y_and_generation_colours(rich: simulator.Results) -> None:
    three = copy.deepcopy(RICH)
    three["name"] = "plots-rich-3g"
    three["generations"]["3G"] = {"launch": 2002, "coverage_sites": 3000, "idle_power": "1 kW"}
    comparison = compare([rich, simulator.run(simulator.scenario_from_dict(three))])
    first = plot_compare_sites(comparison)
    panels = [a for a in root_figure(first).axes if a.get_title() in titles(comparison)]
    assert titles(comparison) == ["Plots-rich", "Plots-rich-3G"]  # no title: the readable name
    assert len(panels) == 2 and panels[0].get_ylim() == panels[1].get_ylim()
    colours = [{c.get_label(): tuple(c.get_facecolor()[0]) for c in p.collections
                if isinstance(c, PolyCollection)} for p in panels]
    assert colours[0]["4G"] == colours[1]["4G"] and colours[0]["2G"] == colours[1]["2G"]
    assert colours[1]["3G"] not in (colours[1]["2G"], colours[1]["4G"])

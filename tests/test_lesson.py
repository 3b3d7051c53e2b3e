"""Issue 15, point 3: a scenario's guided lesson and `jevons lesson` (worksheet, answer key, PDF).

The page's lesson panel is tested in Chromium in test_serve_browser.py; the bad settings of a
step are cases of tests/bad/ (case-lesson-*.yaml).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import pdf_characters
from test_serve import CLASSROOM

from simulator.cli import main
from simulator.scenario.lesson import lesson_problems
from simulator.scenario.load import load_scenario
from simulator.scenario.sliders import Text
from simulator.serve.explorer import Explorer
from simulator.serve.words import verdict


@pytest.fixture(scope="module")
def explorer() -> Explorer:
    return Explorer(load_scenario(CLASSROOM))


def test_the_classroom_lesson_takes_50_minutes_in_both_languages(explorer):
    lesson = explorer.scenario.lesson
    assert lesson is not None and lesson.minutes == 50
    assert [step.title.en for step in lesson.steps] == [
        "Predict", "ε < 1: a partial rebound", "ε = 1: all the savings taken back",
        "ε > 1: backfire, the Jevons paradox", "Demand growth", "Discussion"]
    assert [step.set.get("elasticity") for step in lesson.steps] == [0.0, 0.5, 1.0, 1.5, 0.5, 1.2]
    assert lesson.steps[4].set["demand_growth"] == 0.10
    for step in lesson.steps:
        for text in (step.question, step.prompt, step.observe, step.explanation):
            assert isinstance(text, Text) and text.en != text.fr
    assert list(lesson_problems(explorer.scenario)) == []


def _quoted(text: str) -> set[str]:
    """The ratios (×0.21) and percentages (28 %) a text quotes, in English writing."""
    text = text.replace("\u202f", " ").replace("\u00a0", " ")
    return set(re.findall(r"×\d+(?:[.,]\d+)?|\b\d+ %", text))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_explanations_quote_the_simulation(explorer, lang):
    """Every ratio and percentage an explanation quotes is in the verdict of a run of the lesson: its
    own step's, an earlier step's (compared with), or efficiency alone with the step's growth (step 5:
    "this growth alone gives ×0.28"); the start's 48 GWh a year is the run's."""
    lesson = explorer.scenario.lesson
    said: set[str] = set()
    for step in lesson.steps:
        said |= _quoted(verdict(explorer.run(dict(step.set)), lang)["text"])
        growth_alone = {**step.set, "elasticity": 0.0}
        quoted = _quoted(step.explanation.en if lang == "en" else step.explanation.fr)
        assert quoted and quoted <= said | _quoted(verdict(explorer.run(growth_alone), lang)["text"]), step.title.en
    energy = explorer.run({}).array("energy")
    assert round(energy[0] / 1e6) == 48 and "48 GWh" in lesson.steps[0].explanation.en


@pytest.fixture(scope="module")
def sheets(tmp_path_factory) -> Path:
    """The classroom lesson's worksheet with its PDF (one Chromium print)."""
    out = tmp_path_factory.mktemp("lesson") / "worksheet.html"
    assert main(["lesson", str(CLASSROOM), "-o", str(out), "--pdf"]) == 0
    return out


def test_the_worksheet_is_one_self_contained_file_with_a_section_per_step(sheets, explorer):
    text = sheets.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", text, re.IGNORECASE)
    assert "<script" not in text and "<link" not in text
    images = re.findall(r'<img src="([^"]+)"', text)
    assert len(images) == 6 and all(src.startswith("data:image/png;base64,") for src in images)
    steps = explorer.scenario.lesson.steps
    for kind in ("step", "answer"):
        sections = re.findall(rf'<section class="{kind}">(.*?)</section>', text, re.DOTALL)
        assert len(sections) == len(steps)
        for k, (section, step) in enumerate(zip(sections, steps, strict=True), start=1):
            assert f"Step {k} of 6 · {step.title.en.replace('<', '&lt;').replace('>', '&gt;')}" in section
    worksheet, key = text.split('<main class="key">')
    assert worksheet.count('class="box prediction"') == 6 and "Price elasticity of demand 1.5" in worksheet
    assert "backfire (Jevons paradox)" not in worksheet  # the students' part has no answer
    assert key.count("Energy 2030 vs 2010: ×4.7, up.") == 1 and "Why:" in key


def test_the_pdf_holds_the_worksheet_as_searchable_text(sheets):
    """No PDF library here: the file is a PDF of several pages whose title marks it as jevons', and its
    fonts carry Unicode maps (text, not pictures of text) that hold the letters of the heading."""
    data = sheets.with_suffix(".pdf").read_bytes()
    assert data.startswith(b"%PDF-") and b"(jevons lesson: The Jevons paradox in 50 minutes)" in data[:4096]
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 6
    mapped = pdf_characters(data)
    assert set("TheJvonsparadxi50mutWkyε×") <= mapped


def test_a_users_file_is_never_replaced_and_a_pdf_name_is_refused(tmp_path, capsys):
    mine = tmp_path / "notes.html"
    mine.write_text("my notes", encoding="utf-8")
    assert main(["lesson", str(CLASSROOM), "-o", str(mine)]) == 2
    assert mine.read_text(encoding="utf-8") == "my notes"
    assert "was not written by jevons" in capsys.readouterr().err
    assert main(["lesson", str(CLASSROOM), "-o", str(tmp_path / "sheet.pdf"), "--pdf"]) == 2
    assert list(tmp_path.iterdir()) == [mine]


def test_a_scenario_without_a_lesson_is_refused(tmp_path, capsys):
    scenario = Path(__file__).parents[1] / "scenarios" / "world-mobile.yaml"
    assert main(["lesson", str(scenario), "-o", str(tmp_path / "sheet.html")]) == 2
    assert "has no lesson: section" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []

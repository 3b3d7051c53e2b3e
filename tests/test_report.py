"""Issue 14, point 6: `jevons report` — one self-contained HTML document (and its PDF) per question.

Most tests read one report of the small classroom scenario (with its PDF, one Chromium print); the
baseline with a comparison is written once, through the Python API. The HTML is opened in Debian's
Chromium by Playwright (never `playwright install`), every request routed: only the file itself and
``data:`` images may load.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from conftest import SCENARIOS, pdf_characters
from playwright.sync_api import sync_playwright

import simulator
from simulator.cli import main
from simulator.reporting.assumptions import comment_of, leaf_paths, source_comment
from simulator.scenario.load import load_scenario, resolved_data, scenario_hash

CLASSROOM = SCENARIOS / "classroom-jevons.yaml"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def classroom(tmp_path_factory) -> Path:
    """The classroom report with its PDF and a small Monte Carlo (the scenario has `uncertainty:`)."""
    out = tmp_path_factory.mktemp("report") / "classroom.html"
    assert main(["report", str(CLASSROOM), "-o", str(out), "--pdf", "--samples", "40"]) == 0
    return out


def _cells(text: str, css: str) -> list[list[str]]:
    """The body rows of the first table of class ``css``, each a list of its cells' text (unescaped)."""
    table = re.search(rf'<table class="{css}">(.*?)</table>', text, re.DOTALL)
    assert table, f"no table of class {css}"
    body = table.group(1).split("<tbody>", 1)[1]
    return [[html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)]


def test_the_report_has_every_section_and_is_one_file(classroom):
    text = classroom.read_text(encoding="utf-8")
    for anchor in ("question", "scope", "method", "results", "uncertainty", "assumptions", "version"):
        assert f'id="{anchor}"' in text, anchor
    assert 'id="comparison"' not in text and 'id="validation"' not in text  # no COMPARE, no observations
    assert "Does a more efficient network use less energy?" in text  # the question: the scenario's title
    assert "<script" not in text and "<link" not in text and "@import" not in text and "url(" not in text
    images = re.findall(r'<img src="([^"]+)"', text)
    assert len(images) >= 6 and all(src.startswith("data:image/png;base64,") for src in images)
    scenario = load_scenario(CLASSROOM)
    assert scenario_hash(scenario) in text and simulator.__version__ in text
    assert "Energy 2030 vs 2010: ×1.9, up." in text  # the one verdict, as summary.json says it
    assert "rebound_window" in text and "rebound_marginal" in text  # the measures named as in summary.json


def test_in_chromium_every_image_loads_and_no_request_leaves_the_file(classroom):
    requests: list[str] = []

    def route(r):
        requests.append(r.request.url)
        if r.request.url.startswith(("file://", "data:")):
            r.continue_()
        else:
            r.abort()

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page()
            page.route("**/*", route)
            page.goto(classroom.as_uri(), wait_until="load")
            widths = page.evaluate("Array.from(document.images).map((i) => i.complete ? i.naturalWidth : 0)")
            links = page.evaluate("Array.from(document.links).map((a) => a.getAttribute('href'))")
        finally:
            browser.close()
    assert len(widths) >= 6 and all(w > 0 for w in widths), widths
    left = [u for u in requests if not u.startswith(("file://", "data:"))]
    assert not left, left
    assert links and all(link.startswith("#") for link in links)  # the contents point inside the file


def test_the_assumptions_table_holds_every_parameter_with_its_unit_and_source(classroom):
    scenario = load_scenario(CLASSROOM)
    rows = {row[0]: row for row in _cells(classroom.read_text(encoding="utf-8"), "assumptions")}
    leaves = {".".join(map(str, path)): value for path, value in leaf_paths(resolved_data(scenario))}
    assert set(rows) == set(leaves) and len(leaves) == 23
    assert not any(key.startswith(("explore", "lesson", "title", "description")) for key in rows)
    assert rows["demand.services.data.usage"][1:4] == ["2", "GB/month", "per user at the start (illustrative)"]
    assert rows["demand.users"][1:3] == ["1000000", "user"]  # a plain number: its field's unit
    assert rows["generations.network.efficiency_gain"][2] == "1/yr"
    assert rows["grid.climate_change"][1:3] == ["480", "g CO2e/kWh"]
    assert rows["price.electricity"][3].startswith("Orange group 2021: €579 M over 5,154 GWh")
    assert rows["demand.services.data.elasticity"][4].endswith("classroom-jevons.yaml:33")
    # a comment block above an uncertain parameter is its source; the next rows of the same block say so
    assert rows["uncertainty.demand.services.data.elasticity.dist"][3].startswith("How strongly demand reacts")
    assert rows["uncertainty.demand.services.data.elasticity.low"][3] == "(as above)"
    lines = CLASSROOM.read_text(encoding="utf-8").splitlines()
    commented = [key for key, row in rows.items() if row[4] and "#" in lines[int(row[4].rsplit(":", 1)[1]) - 1]]
    assert len(commented) >= 8 and all(rows[key][3] for key in commented)


def test_sources_follow_extends_and_every_policy_keeps_its_comment():
    """sobriety extends the baseline: inherited values cite the baseline's lines, its policies their own."""
    sobriety = load_scenario(SCENARIOS / "sobriety.yaml")
    text, where = source_comment(sobriety, ("generations", "2G", "launch"))
    assert text == "[M]: GSM from 1992" and where.startswith(str(SCENARIOS / "world-mobile.yaml"))
    text, where = source_comment(sobriety, ("policies", 6, "at"))
    assert "Orange 2G end-2025" in text and where.startswith(str(SCENARIOS / "sobriety.yaml"))
    text, _ = source_comment(sobriety, ("price", "electricity", "2010"))  # a year of a table: the table's
    assert text.startswith("EUR/kWh: Eurostat non-household prices")
    assert source_comment(load_scenario(CLASSROOM, ["demand.users=5"]), ("demand", "users")) == ("", "")


@pytest.mark.parametrize(("line", "comment"), [
    ('usage: "2 GB/month"   # per user', "per user"),
    ('name: "a # b"  # the comment', "the comment"),
    ("note: 'it''s # not' # yes", "yes"),
    ('say: "a \\" # b" # c', "c"),
    ("url: http://x#y", ""),
    ("# a whole line", "a whole line"),
    ("value: 3", ""),
])
def test_a_comment_starts_at_a_hash_outside_quotes_after_a_space(line, comment):
    assert comment_of(line) == comment


def test_the_pdf_has_its_pages_and_searchable_text(classroom):
    """No PDF library here (as tests/test_lesson.py): a PDF whose title marks it as the report's, of
    the expected number of A4 pages, whose fonts carry Unicode maps (text, not pictures of text)."""
    data = classroom.with_suffix(".pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    assert b"(jevons report: Does a more efficient network use less energy?)" in data[:4096]
    assert 8 <= len(re.findall(rb"/Type\s*/Page\b", data)) <= 30
    mapped = pdf_characters(data)
    assert set("DoesamrficntwkulgyAsp−ΔR≤") <= mapped


def test_in_french_the_headings_and_words_are_french(tmp_path):
    out = tmp_path / "rapport.html"
    assert main(["report", str(CLASSROOM), "-o", str(out), "--lang", "fr", "--samples", "0"]) == 0
    text = html.unescape(out.read_text(encoding="utf-8"))
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", text)
    assert headings == ["La question", "Périmètre", "Méthode\u00a0: les mesures de l’effet rebond", "Résultats",
                        "Hypothèses", "Version et manifeste"]
    assert '<html lang="fr">' in text and "Un réseau plus efficace consomme-t-il moins d’énergie" in text
    assert "Énergie 2030 par rapport à 2010" in text and "Changement climatique" in text
    for english in ("The question", "Scope", "what it compares", "Headline figures", "Every parameter"):
        assert english not in text


def test_the_baseline_compared_with_sobriety_through_the_python_api(tmp_path):
    """Three lines; the comparison's answers by year, the validation table with every observed point."""
    out = simulator.report(SCENARIOS / "world-mobile.yaml", compare=[SCENARIOS / "sobriety.yaml"],
                           out=tmp_path / "report.html", samples=20)
    assert out == tmp_path / "report.html" and sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]
    text = out.read_text(encoding="utf-8")
    for anchor in ("comparison", "validation", "uncertainty"):
        assert f'id="{anchor}"' in text
    assert scenario_hash(load_scenario(SCENARIOS / "sobriety.yaml")) in text
    plain = html.unescape(text)
    assert "calendar year mean" in plain and "2030–2031" in plain
    head = re.search(r'<table class="comparison"><thead>(.*?)</thead>', plain, re.DOTALL).group(1)
    assert re.findall(r"<th[^>]*>(.*?)</th>", head) == [  # the scenarios' titles, not their keys
        "quantity", "statistic", "period", "The world's mobile networks, 2000–2050",
        "Digital sobriety from 2025 (difference to the first)"]
    assert "World-mobile" not in plain
    points = sum(len(o.values) for o in load_scenario(SCENARIOS / "world-mobile.yaml").observations.values())
    validation = re.search(r'id="validation".*?<table class="validation">(.*?)</table>', text, re.DOTALL).group(1)
    assert validation.count("<tr>") - 1 == points > 20
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", validation)[1:]]
    first = next(row for row in cells if row[:2] == ["ericsson_traffic_fit", "2009.958"])
    assert first[2:] == ["0.14", first[3], first[4], "EB/month",
                         "December 2009: data overtook voice at about 140,000 TB/month [gigaom2010] [E-sec]"]
    assert "20 Monte Carlo runs" in plain and "p95" in plain


@pytest.mark.parametrize("case", ["missing", "lang", "parent-is-a-file", "users-file", "pdf-name", "years-alone",
                                  "year-outside"])
def test_bad_input_exits_2_with_nothing_written(tmp_path, capsys, case):
    (tmp_path / "a-file").write_text("mine", encoding="utf-8")
    out = tmp_path / "report.html"
    args = {
        "missing": [str(tmp_path / "nowhere.yaml"), "-o", str(out)],
        "lang": [str(CLASSROOM), "-o", str(out), "--lang", "de"],
        "parent-is-a-file": [str(CLASSROOM), "-o", str(tmp_path / "a-file" / "report.html")],
        "users-file": [str(CLASSROOM), "-o", str(tmp_path / "a-file")],
        "pdf-name": [str(CLASSROOM), "-o", str(tmp_path / "report.pdf"), "--pdf"],
        "years-alone": [str(CLASSROOM), "-o", str(out), "--years", "2020"],
        "year-outside": [str(CLASSROOM), str(CLASSROOM), "-o", str(out), "--years", "2040"],
    }[case]
    if case == "lang":
        with pytest.raises(SystemExit) as stopped:
            main(["report", *args])
        assert stopped.value.code == 2
    else:
        assert main(["report", *args]) == 2
    said = capsys.readouterr().err
    assert {"missing": "nowhere.yaml", "lang": "invalid choice: 'de'", "parent-is-a-file": "is not a folder",
            "users-file": "was not written by jevons", "pdf-name": "-o names the HTML file",
            "years-alone": "no scenario to compare", "year-outside": "--years: found 2040"}[case] in said
    assert [p.name for p in tmp_path.iterdir()] == ["a-file"]
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "mine"


def test_the_command_and_the_api_draw_the_same_number_of_monte_carlo_runs_by_default():
    """The command's default is written out (importing the report's modules would load matplotlib at start-up)."""
    from simulator.reporting.commands import DEFAULT_SAMPLES
    from simulator.reporting.document import SAMPLES

    assert DEFAULT_SAMPLES == SAMPLES

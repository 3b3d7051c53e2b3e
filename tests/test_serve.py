"""`jevons serve` and `jevons export-html` without a browser: the JSON API on the wire, the checks of
moved values, the page's escaping, binding rules, the commands' exit codes and the export grid.

The server runs in a thread on a free loopback port (``--port 0``); requests use urllib, so
nothing here needs more than the package's own dependencies.
"""

from __future__ import annotations

import contextlib
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
import uvicorn
from conftest import SCENARIOS

from simulator.cli import main
from simulator.errors import OutputError
from simulator.scenario.load import load_scenario, scenario_from_dict
from simulator.serve import server
from simulator.serve.app import create_app
from simulator.serve.charts import Charts
from simulator.serve.explorer import BadMove, Explorer
from simulator.serve.export import choices, coarser, grid, parameters
from simulator.serve.formula import closed_form, formula_numbers
from simulator.serve.page import script_json
from simulator.serve.plausibility import WORLD_KWH_PER_PERSON, implausible
from simulator.serve.words import verdict, warning

CLASSROOM = SCENARIOS / "classroom-jevons.yaml"


@contextlib.contextmanager
def running(app):
    """Serve ``app`` on a free loopback port in a thread; yields its base URL."""
    sock = server.listen("127.0.0.1", 0)
    uv = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", ws="none"))
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield server.url_of(sock)
    finally:
        uv.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def explorer() -> Explorer:
    return Explorer(load_scenario(CLASSROOM))


@pytest.fixture(scope="module")
def url(explorer):
    with running(create_app(explorer, "en", server.allowed_hosts("127.0.0.1"))) as base:
        yield base


def post(url: str, body: bytes | str | dict, headers: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if isinstance(body, dict) else (body.encode() if isinstance(body, str) else body)
    request = urllib.request.Request(url + "api/run", data=data, method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


# --- the API ------------------------------------------------------------------------------


@pytest.mark.parametrize("values, verdict", [({"elasticity": 0.5}, "partial"), ({"elasticity": 1.0}, "full"),
                                             ({"elasticity": 1.5}, "backfire"), ({"elasticity": 0.0}, "none"),
                                             ({}, "backfire")])
def test_a_move_reruns_the_scenario_with_its_counterfactuals(url, values, verdict):
    status, answer = post(url, {"values": values})
    assert status == 200
    assert answer["values"] == values
    assert answer["verdict"]["kind"] == verdict
    assert set(answer) == {"values", "energy", "rebound", "stack", "climate", "verdict", "warning", "formula"}
    assert set(answer["energy"]) == {"actual", "engineering", "frozen"}
    assert len(answer["energy"]["actual"]) == len(answer["rebound"]) == 81


def test_the_answer_is_small_and_rounded_to_four_digits(url):
    request = urllib.request.Request(url + "api/run", data=b'{"values": {"elasticity": 1.3}}', method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        raw = answer.read()
        assert answer.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert len(raw) < 10_000
    numbers = [float(x) for x in re.findall(rb"-?\d+\.\d+(?:e-?\d+)?", raw)]
    assert all(len(f"{abs(x):.15g}".replace(".", "").lstrip("0").split("e")[0]) <= 4 for x in numbers)


def test_a_small_r_over_a_long_horizon_is_still_called_a_rebound():
    """The baseline's frozen run dwarfs the others, so R is ~0.1 %: the verdict says partial, not
    none, and its detail gives the extra energy over the engineering estimate."""
    said = verdict(Explorer(load_scenario(SCENARIOS / "world-mobile.yaml")).run({"video_elasticity": 0.5}))
    assert said["kind"] == "partial" and said["text"].startswith("Energy 2050 vs 2000: ×")
    assert "Direct price rebound of the efficiency gained 2045–2050: " in said["text"]
    assert re.fullmatch(r"Energy used: \+[\d,]+ % compared with efficiency alone, 2000–2050\.", said["detail"])


def test_the_verdict_speaks_french(url):
    status, answer = post(url, {"values": {"elasticity": 1.5}, "lang": "fr"})
    assert status == 200
    assert answer["verdict"]["text"].startswith("Énergie 2030 par rapport à 2010\u00a0: ×")
    assert "effet boomerang (paradoxe de Jevons)\u00a0: le gain d’efficacité a augmenté la consommation" in (
        answer["verdict"]["text"])
    assert "\u202f%" in answer["verdict"]["text"]
    status, answer = post(url, {"values": {"elasticity": 0.5}, "lang": "fr"})
    assert "rebond partiel\u00a0: l’usage accru a repris une partie du gain d’efficacité" in answer["verdict"]["text"]


@pytest.mark.parametrize("body, message", [
    ({"values": {"nope": 1.0}}, "unknown slider 'nope' (sliders: elasticity, efficiency_gain, demand_growth)"),
    ({"values": {"elasticity": 2.5}}, "elasticity: found 2.5, expected a number from 0 to 2"),
    ({"values": {"elasticity": -0.1}}, "elasticity: found -0.1, expected a number from 0 to 2"),
    ('{"values": {"elasticity": NaN}}', "elasticity: found nan, expected a finite number from 0 to 2"),
    ('{"values": {"elasticity": Infinity}}', "elasticity: found inf, expected a finite number"),
    ('{"values": {"elasticity": 1e999}}', "expected a finite number"),
    ({"values": {"elasticity": "1.5"}}, "elasticity: found '1.5', expected a number from 0 to 2"),
    ({"values": {"elasticity": True}}, "elasticity: found True, expected a number"),
    ({"values": {"elasticity": None}}, "elasticity: found None, expected a number"),
    ({"values": {"elasticity": [1.5]}}, "elasticity: found [1.5], expected a number"),
    ({"values": {"elasticity": 0.55}}, "expected a multiple of 0.1 from 0 (e.g. 0.5 or 0.6)"),
    ({"values": [1.5]}, "values: found [1.5], expected an object of slider names and numbers"),
    ({"values": {}, "eval": "1"}, "unknown field 'eval', expected values and lang"),
    ({"values": {}, "lang": "de"}, "lang: found 'de', expected one of en, fr"),
    ({"values": {}, "lang": ["fr"]}, "lang: found ['fr'], expected one of en, fr"),
    ("[1, 2]", "found [1, 2], expected a JSON object"),
    ("elasticity=1.5", "expected a JSON object"),
    (b"\xff\xfe", "expected a JSON object"),
])
def test_bad_input_is_refused_with_a_clear_message(url, body, message):
    status, answer = post(url, body)
    assert status == 400
    assert message in answer["error"]


@pytest.mark.parametrize("values, message", [
    ({"elasticity": 2.5}, "«\u00a0Élasticité-prix de la demande\u00a0»\u00a0: reçu 2,5, attendu un nombre de 0 à 2"),
    ({"elasticity": 0.55}, "«\u00a0Élasticité-prix de la demande\u00a0»\u00a0: reçu 0,55, attendu un multiple de 0,1 à "
                           "partir de 0 (par exemple 0,5 ou 0,6)"),
    ({"demand_growth": "x", "elasticity": -0.1},
     "«\u00a0Croissance de la demande hors rebond (par an)\u00a0»\u00a0: reçu 'x', attendu un nombre de 0 à 0,2\u00a0; "
     "«\u00a0Élasticité-prix de la demande\u00a0»\u00a0: reçu −0,1, attendu un nombre de 0 à 2"),
])
def test_a_refused_move_is_said_in_the_pages_language(url, values, message):
    """The French page shows the server's reason in French, the sliders named by their French labels."""
    status, answer = post(url, {"values": values, "lang": "fr"})
    assert status == 400 and answer["error"] == message


def test_every_problem_of_a_move_is_reported_together(url):
    status, answer = post(url, {"values": {"elasticity": "x", "demand_growth": 0.9, "nope": 1}})
    assert status == 400
    assert answer["error"].count(";") == 2


def test_errors_never_return_the_input_whole(url):
    long_name = "<script>alert(1)</script>" + "x" * 500
    status, answer = post(url, {"values": {long_name: 1}})
    assert status == 400
    assert long_name not in answer["error"] and len(answer["error"]) < 200


def test_a_large_body_is_refused(url):
    status, answer = post(url, {"values": {f"s{i}": 1 for i in range(3000)}})
    assert status == 413
    assert "expected at most" in answer["error"]


def test_a_foreign_host_name_is_refused(url):
    """A page elsewhere cannot reach the API by rebinding its own name to 127.0.0.1."""
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(url, headers={"Host": "evil.example"}), timeout=10)
    assert refused.value.code == 400


def test_the_page_and_its_assets_come_from_the_server(url):
    with urllib.request.urlopen(url, timeout=10) as answer:
        page = answer.read().decode()
        policy = answer.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy
    assert re.findall(r'(?:src|href)="([^"]+)"', page) == ["data:,", "assets/page.css", "assets/plotly.min.js",
                                                            "assets/page.js"]
    for asset in ("assets/page.css", "assets/plotly.min.js", "assets/page.js"):
        with urllib.request.urlopen(url + asset, timeout=10) as answer:
            assert answer.status == 200 and len(answer.read()) > 1000
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(url + "assets/..%2fexplorer.py", timeout=10)
    assert missing.value.code == 404


def test_the_page_language_is_the_servers_unless_asked(explorer):
    with running(create_app(explorer, "fr")) as base:
        with urllib.request.urlopen(base, timeout=10) as answer:
            assert '<html lang="fr">' in answer.read().decode()
        with urllib.request.urlopen(base + "?lang=en", timeout=10) as answer:
            assert '<html lang="en">' in answer.read().decode()
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base + "?lang=<b>de</b>", timeout=10)
    assert refused.value.code == 400
    assert json.loads(refused.value.read()) == {"error": "lang: found '<b>de</b>', expected one of en, fr"}


def test_tabs_do_not_interfere(url):
    """Moves of several tabs at once each get their own run (requests share no state)."""
    moves = [0.5, 1.5, 1.0, 0.0] * 3
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda e: post(url, {"values": {"elasticity": e}})[1], moves))
    kinds = {0.5: "partial", 1.5: "backfire", 1.0: "full", 0.0: "none"}
    assert [a["verdict"]["kind"] for a in answers] == [kinds[e] for e in moves]
    assert [a["values"]["elasticity"] for a in answers] == moves


# --- checks of moves ----------------------------------------------------------------------


def test_a_combination_the_scenario_refuses_is_a_bad_move(classroom):
    """Each end of each range is valid alone; a 5G-like launch after its switch-off is not."""
    classroom["generations"]["network"]["switch_off"] = 2040
    classroom["generations"]["next"] = {"launch": 2020, "switch_off": 2035, "energy_intensity": 1.0}
    classroom["explore"] = {
        "launch": {"path": "generations.next.launch", "min": 2012, "max": 2030, "step": 1,
                   "label": {"en": "launch", "fr": "lancement"}},
        "switch_off": {"path": "generations.next.switch_off", "min": 2025, "max": 2040, "step": 1,
                       "label": {"en": "switch-off", "fr": "arrêt"}},
    }
    explorer = Explorer(scenario_from_dict(classroom))
    explorer.derive(explorer.check({"launch": 2030}))
    with pytest.raises(BadMove, match=r"with launch = 2030, switch_off = 2026: generations.next.switch_off"):
        explorer.derive(explorer.check({"launch": 2030, "switch_off": 2026}))
    with running(create_app(explorer)) as base:
        status, answer = post(base, {"values": {"launch": 2030, "switch_off": 2026}})
        assert status == 400 and "generations.next.switch_off" in answer["error"]
        status, answer = post(base, {"values": {"launch": 2030, "switch_off": 2026}, "lang": "fr"})
    assert status == 400 and answer["error"] == (
        "avec «\u00a0lancement\u00a0» = 2030, «\u00a0arrêt\u00a0» = 2026\u00a0: les règles du scénario refusent "
        "cette combinaison («\u00a0arrêt\u00a0»)\u00a0; ramenez l’un de ces curseurs vers sa valeur de départ")


def test_a_star_path_moves_every_value(stacked):
    stacked["explore"] = {"elasticity": {"path": "demand.services.*.elasticity", "min": 0, "max": 2, "step": 0.1,
                                         "label": {"en": "e", "fr": "e"}}}
    explorer = Explorer(scenario_from_dict(stacked))
    derived = explorer.derive(explorer.check({"elasticity": 1.7}))
    assert [s.elasticity for s in derived.demand.services.values()] == [1.7, 1.7]
    assert explorer.sliders["elasticity"].start == 0.8


def test_values_within_rounding_of_the_grid_are_accepted(explorer):
    assert explorer.check({"efficiency_gain": 0.30000000000000004, "elasticity": 2}) == {
        "efficiency_gain": 0.3, "elasticity": 2.0}


def test_a_scenario_without_sliders_cannot_be_served(classroom):
    with pytest.raises(ValueError, match="has no explore: section"):
        Explorer(scenario_from_dict(classroom))


# --- the page -----------------------------------------------------------------------------


def test_scenario_text_cannot_close_the_script_that_holds_it(classroom):
    label = "</script><script>alert(1)</script><!--"
    classroom["explore"] = {"e": {"path": "demand.services.data.elasticity", "min": 0, "max": 2, "step": 0.5,
                                  "label": {"en": label, "fr": label}}}
    classroom["description"] = "& <b>bold</b>"
    explorer = Explorer(scenario_from_dict(classroom))
    with running(create_app(explorer)) as base, urllib.request.urlopen(base, timeout=10) as answer:
        page = answer.read().decode()
    assert label not in page and "<b>" not in page and page.count("</script>") == 3
    config = re.search(r'<script type="application/json" id="config">(.*?)</script>', page, re.S).group(1)
    assert json.loads(config)["sliders"][0]["label"] == label
    assert json.loads(script_json({"a": "</script>"})) == {"a": "</script>"}


# --- binding and the commands ---------------------------------------------------------------


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True),
                                            ("::1", True), ("0.0.0.0", False), ("192.168.1.10", False),
                                            ("example.org", False), ("::", False)])
def test_only_loopback_addresses_are_served_without_asking(host, loopback):
    assert server.is_loopback(host) is loopback
    if loopback:
        assert server.check_host(host, explicit=False) is None
    else:
        with pytest.raises(OutputError, match=f"refusing to serve on {re.escape(host)}, which is not a loopback"):
            server.check_host(host, explicit=False)
        assert server.check_host(host, explicit=True).startswith(f"warning: serving on {host}")


def test_serve_on_another_address_needs_host_and_warns(monkeypatch, capsys):
    """--host 0.0.0.0 is served (with a warning); the socket and server are replaced: no bind here."""
    calls, sockets = [], []
    monkeypatch.setattr(server, "listen", lambda host, port: calls.append((host, port)) or sockets.append(
        socket.socket()) or sockets[-1])
    monkeypatch.setattr(server, "url_of", lambda sock: "http://0.0.0.0:8000/")
    monkeypatch.setattr(server, "serve", lambda app, sock, open_browser: calls.append(open_browser))
    assert main(["serve", str(CLASSROOM), "--host", "0.0.0.0", "--no-browser"]) == 0
    sockets[0].close()
    assert calls == [("0.0.0.0", 8000), False]
    err = capsys.readouterr().err
    assert "warning: serving on 0.0.0.0: anyone who can reach this machine" in err


def test_the_serve_command_says_where_and_stops_on_ctrl_c():
    command = [sys.executable, "-m", "simulator", "serve", str(CLASSROOM), "--port", "0", "--no-browser"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        found = re.fullmatch(r"classroom-jevons: live page at (http://127\.0\.0\.1:\d+/) \(Ctrl\+C to stop\)\n", line)
        assert found, line
        with urllib.request.urlopen(found.group(1), timeout=10) as answer:
            assert answer.status == 200
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == 0 and err.strip() == "stopped"


def test_answers_are_not_held_back_by_nagle():
    """Connections accepted by the page's socket send at once (TCP_NODELAY): without it an answer on a
    kept-alive connection waited ~40 ms for a delayed ACK while a slider was dragged."""
    import socket

    sock = server.listen("127.0.0.1", 0)
    client = socket.create_connection(sock.getsockname())
    accepted, _ = sock.accept()
    try:
        assert accepted.proto == socket.IPPROTO_TCP  # what asyncio checks before setting TCP_NODELAY itself
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        for s in (accepted, client, sock):
            s.close()


def test_a_busy_port_is_said_clearly(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["serve", str(CLASSROOM), "--port", str(port), "--no-browser"]) == 2
    assert f"error: port {port} of 127.0.0.1 is already in use (another jevons serve?)" in capsys.readouterr().err


def test_serve_refuses_a_scenario_without_sliders(tmp_path, capsys):
    bare = tmp_path / "bare.yaml"
    bare.write_text(CLASSROOM.read_text(encoding="utf-8").split("\n# Sliders of the live page")[0], encoding="utf-8")
    assert main(["serve", str(bare), "--no-browser"]) == 2
    assert f"{bare}: explore: scenario 'classroom-jevons' has no explore: section" in capsys.readouterr().err


@pytest.mark.parametrize("args, message", [
    (["--params", "elasticity,nope"], "--params: unknown slider 'nope'"),
    (["--params", "elasticity,elasticity"], "expected 1 to 3 different sliders"),
    (["--lang", "de"], None),
])
def test_export_html_with_bad_input_writes_nothing(tmp_path, capsys, args, message):
    out = tmp_path / "page.html"
    with pytest.raises(SystemExit) if message is None else contextlib.nullcontext():
        assert main(["export-html", str(CLASSROOM), "-o", str(out), *args]) == 2
    assert not out.exists() and list(tmp_path.iterdir()) == []
    if message:
        assert message in capsys.readouterr().err


def test_export_html_over_a_folder_or_a_users_file_is_refused(tmp_path, capsys):
    assert main(["export-html", str(CLASSROOM), "-o", str(tmp_path)]) == 2
    assert "is a folder; give a file name" in capsys.readouterr().err
    mine = tmp_path / "page.html"
    mine.write_text("previous", encoding="utf-8")
    assert main(["export-html", str(CLASSROOM), "-o", str(mine)]) == 2
    assert "was not written by jevons" in capsys.readouterr().err
    assert mine.read_text(encoding="utf-8") == "previous"


def test_export_html_writes_one_small_self_contained_file(tmp_path, capsys):
    out = tmp_path / "page.html"
    assert main(["export-html", str(CLASSROOM), "-o", str(out), "--params", "elasticity", "--lang", "fr"]) == 0
    text = out.read_text(encoding="utf-8")
    assert list(tmp_path.iterdir()) == [out]
    assert 'http-equiv="Content-Security-Policy" content="default-src \'none\'' in text
    assert not re.search(r'<(?:script|link|img)[^>]+(?:src|href)="(?!data:)', text)
    assert '<html lang="fr">' in text and "Élasticité-prix de la demande" in text
    config = json.loads(re.search(r'id="config">(.*?)</script>', text, re.S).group(1))
    assert config["grid"]["params"] == ["elasticity"]
    assert len(config["grid"]["points"]) == 21
    assert out.stat().st_size < 10e6
    assert re.match(rf"{re.escape(str(out))}: 21 runs over elasticity, \d\.\d MB; opens in a browser with no Python",
                    capsys.readouterr().out)


# --- the export grid ----------------------------------------------------------------------


def test_the_grid_steps_evenly_through_the_scenario_value(explorer):
    """A file keeps the live step where it can, else a whole multiple of it (the slider with the most
    stops first); its stops stay evenly spaced and go through the scenario's value."""
    efficiency = explorer.sliders["efficiency_gain"]  # 0.02 to 0.30 by 0.01, scenario 0.15
    assert choices(efficiency, 1) == [round(0.02 + 0.01 * k, 2) for k in range(29)]
    assert choices(efficiency, 3) == [0.03, 0.06, 0.09, 0.12, 0.15, 0.18, 0.21, 0.24, 0.27, 0.3]
    assert coarser(explorer.sliders["elasticity"], 1) == 2 and coarser(explorer.sliders["elasticity"], 2) == 4
    positions = grid(explorer, ["elasticity", "efficiency_gain", "demand_growth"], 1000)
    assert [len(v) for v in positions.values()] == [11, 10, 6]
    for name, values in positions.items():
        steps = {round(b - a, 9) for a, b in zip(values, values[1:], strict=False)}
        assert len(steps) == 1 and explorer.sliders[name].start in values, (name, values)
    assert positions["elasticity"][0] == 0 and positions["elasticity"][-1] == 2
    assert grid(explorer, ["elasticity"], 1000) == {"elasticity": [round(0.1 * k, 1) for k in range(21)]}
    assert len(grid(explorer, ["elasticity", "efficiency_gain"], 20)["elasticity"]) <= 20
    assert all(len(v) <= 3 for v in grid(explorer, ["elasticity", "efficiency_gain"], 1).values())


def test_an_off_grid_scenario_value_steps_from_the_left_end():
    """The baseline's fitted elasticity 0.031 is not a position of its slider (0 to 2 by 0.05)."""
    explorer = Explorer(load_scenario(SCENARIOS / "world-mobile.yaml"))
    assert choices(explorer.sliders["video_elasticity"], 8) == [0.0, 0.4, 0.8, 1.2, 1.6, 2.0]


# --- what the page says ----------------------------------------------------------------------


def test_sliders_are_shown_in_the_units_a_class_reads(explorer):
    """A fraction (per year or not) in per cent, a date as a year, anything else as a number."""
    assert {name: spec.kind for name, spec in explorer.sliders.items()} == {
        "elasticity": "number", "efficiency_gain": "percent", "demand_growth": "percent"}
    baseline = Explorer(load_scenario(SCENARIOS / "world-mobile.yaml"))
    assert {name: spec.kind for name, spec in baseline.sliders.items()} == {
        "video_elasticity": "number", "launch_5g": "year", "smartphone_lifetime": "number",
        "grid_carbon_2050": "number"}


def test_title_description_and_help_come_in_the_pages_language(explorer):
    charts = {lang: Charts(explorer, explorer.run({}), lang).setup() for lang in ("en", "fr")}
    assert charts["en"]["title"] == "Does a more efficient network use less energy?"
    assert charts["fr"]["title"] == "Un réseau plus efficace consomme-t-il moins d’énergie\u202f?"
    assert charts["fr"]["description"].startswith("Le réseau de données d’une ville devient 15\u202f% plus efficace")
    assert [s["help"] != "" for s in charts["fr"]["sliders"]] == [True, True, True]
    assert charts["en"]["sliders"][0]["explain"] == "elasticity"
    assert charts["en"]["charts"] == ["energy", "rebound"]  # one band of energy, climate = energy × 0.48


def test_a_plain_title_and_description_are_the_same_in_both_languages(classroom):
    classroom["description"] = "One sentence."
    classroom["explore"] = {"e": {"path": "demand.services.data.elasticity", "min": 0, "max": 2, "step": 0.5,
                                  "label": {"en": "e", "fr": "e"}}}
    explorer = Explorer(scenario_from_dict(classroom))
    setup = Charts(explorer, explorer.run({}), "fr").setup()
    assert setup["title"] == classroom["name"] and setup["description"] == "One sentence."
    assert setup["sliders"][0]["help"] == ""


def test_english_only_outputs_write_the_english_description(explorer):
    summary = explorer.run({}).summary()
    assert summary["description"].startswith("A town's data network gets 15 % more efficient")


def test_the_closed_form_is_recognised_by_its_structure_not_its_name(classroom, explorer):
    assert closed_form(explorer.scenario)
    assert not closed_form(load_scenario(SCENARIOS / "world-mobile.yaml"))
    for change in ({"demand": {"services": {"data": {"delay": 1.0}}}}, {"price": {"fixed": 1e6}},
                   {"generations": {"network": {"idle_power": 100.0}}}):
        section, values = next(iter(change.items()))
        scenario = {**classroom, section: _merged(classroom.get(section, {}), values)}
        assert not closed_form(scenario_from_dict(scenario)), change
    renamed = {**classroom, "name": "anything",
               "generations": {"radio": classroom["generations"]["network"]}}
    assert closed_form(scenario_from_dict(renamed))


def _merged(base: dict, change: dict) -> dict:
    return {k: _merged(base[k], v) if isinstance(v, dict) and isinstance(base.get(k), dict) else v
            for k, v in {**base, **change}.items()}


@pytest.mark.parametrize("values", [{}, {"elasticity": 0.5, "demand_growth": 0.1},
                                    {"elasticity": 2.0, "efficiency_gain": 0.3}])
def test_the_closed_form_matches_the_simulation(explorer, values):
    found = formula_numbers(explorer.run(explorer.check(values)))
    gain = values.get("efficiency_gain", 0.15)
    assert found["x"] == pytest.approx((1 - gain) ** 20)
    assert found["formula"] == pytest.approx(found["x"] ** (1 - values.get("elasticity", 1.2)))
    assert found["simulated"] == pytest.approx(found["formula"], rel=1e-9)


def test_an_implausible_run_is_said_to_be_so(explorer):
    """The classroom's town of a million users at elasticity 2 and a 30 % gain a year: 60 TWh a year,
    60,200 kWh per user, 16 times what a person uses in electricity for everything."""
    assert implausible(explorer.run({})) is None and warning(explorer.run({})) == ""
    results = explorer.run({"elasticity": 2.0, "efficiency_gain": 0.3})
    found = implausible(results)
    assert found["year"] == 2030 and found["per_user"] == pytest.approx(60_156, rel=1e-3)
    assert found["ratio"] == pytest.approx(found["per_user"] / WORLD_KWH_PER_PERSON)
    assert warning(results).startswith("Not plausible: in 2030 this system would use 60.2 TWh a year, 60,200 kWh "
                                       "per user, 16.3 times the electricity")
    assert warning(results, "fr").startswith("Peu plausible\u00a0: en 2030, ce système consommerait 60,2 TWh par an")
    assert "3\u202f700 kWh" in warning(results, "fr")


def test_the_fixed_axes_cover_each_slider_over_its_range():
    """Energy over the sliders' ranges spans five orders of magnitude: a log axis."""
    from simulator.serve.charts import envelope

    explorer = Explorer(load_scenario(CLASSROOM))
    reference = explorer.run({})
    charts = Charts(explorer, reference, "en")
    ends = {name: (spec.slider.min, spec.slider.max) for name, spec in explorer.sliders.items()}
    fixed = charts.ranges([reference, *envelope(explorer, ends)])
    assert fixed["energy_log"] and fixed["energy"][1] == pytest.approx(3525, rel=1e-3)  # GWh/yr, growth 20 %/yr
    assert fixed["rebound"][0] == 0 and fixed["rebound"][1] == pytest.approx(2680, rel=1e-3)  # elasticity 2
    assert not charts.ranges([reference])["energy_log"]


def test_the_shipped_scenarios_offer_the_sliders_a_class_needs():
    paths = {name: s.path for name, s in load_scenario(SCENARIOS / "world-mobile.yaml").explore.items()}
    assert paths == {"video_elasticity": "demand.services.video.elasticity", "launch_5g": "generations.5G.launch",
                     "smartphone_lifetime": "equipment.smartphone.lifetime",
                     "grid_carbon_2050": "grid.climate_change.2050"}
    assert [s.path for s in load_scenario(CLASSROOM).explore.values()] == [
        "demand.services.data.elasticity", "generations.network.efficiency_gain", "demand.services.data.growth"]


def test_the_file_offers_the_first_three_sliders_by_default(explorer):
    assert parameters(explorer, None) == ["elasticity", "efficiency_gain", "demand_growth"]
    assert parameters(explorer, ["demand_growth"]) == ["demand_growth"]

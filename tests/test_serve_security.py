"""What a page on another site, or a client that never finishes, can do to `jevons serve`.

The Host check (DNS rebinding, IPv6 loopback included), the Origin and content type of ``POST
/api/run`` (cross-site requests), JSON errors everywhere: through Starlette's TestClient. The
bounds in time of a connection (a request that never ends, a connection idle after an answer)
and uvicorn's own 400: against a real server on 127.0.0.1 and ::1 (skipped without IPv6), with
the timeouts shortened to one second so the tests measure them in a few seconds.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import uvicorn
from conftest import SCENARIOS
from starlette.testclient import TestClient

from simulator.scenario.load import load_scenario
from simulator.serve import server
from simulator.serve.app import create_app, same_origin, split_host
from simulator.serve.explorer import Explorer

BASE = "http://127.0.0.1:8000"
MOVE = {"values": {"elasticity": 1.5}}


@pytest.fixture(scope="module")
def explorer() -> Explorer:
    return Explorer(load_scenario(SCENARIOS / "classroom-jevons.yaml"))


@pytest.fixture(scope="module")
def app(explorer):
    return create_app(explorer, "en", server.allowed_hosts("127.0.0.1"))


@pytest.fixture(scope="module")
def client(app) -> TestClient:
    return TestClient(app, base_url=BASE, raise_server_exceptions=False)


def error_of(answer) -> str:
    """The message of a JSON error answer (and a check that it is one, with the page's headers)."""
    assert answer.headers["content-type"] == "application/json", answer.text
    assert answer.headers["x-content-type-options"] == "nosniff"
    body = answer.json()
    assert list(body) == ["error"] and isinstance(body["error"], str)
    return body["error"]


# --- the Host header --------------------------------------------------------------------------


@pytest.mark.parametrize("bound", ["127.0.0.1", "::1", "localhost"])
@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "LocalHost:8000", "localhost.:8000",
                                  "[::1]:8000", "[::1]", "localhost"])
def test_loopback_names_are_answered(explorer, bound, host):
    client = TestClient(create_app(explorer, "en", server.allowed_hosts(bound)), base_url=BASE)
    assert client.get("/", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("bound", ["127.0.0.1", "::1", "[::1]", "localhost"])
@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "localhost.evil.example:8000",
                                  "10.0.0.5:8000", "[fe80::1]:8000", "::1:8000", "[::1", "::1", "",
                                  "localhost:99999", "localhost:x", "user@localhost:8000", "local host"])
def test_other_names_are_refused_on_loopback(explorer, bound, host):
    """A rebound name is refused on every loopback address, ::1 included (it was let through: the
    old check cut ``[::1]:8000`` at its first colon, so it was switched off there); so are addresses
    a browser cannot reach this server by, and whatever is not a Host header."""
    client = TestClient(create_app(explorer, "en", server.allowed_hosts(bound)), base_url=BASE)
    for method, path in (("GET", "/"), ("POST", "/api/run"), ("GET", "/assets/page.js")):
        answer = client.request(method, path, headers={"Host": host}, json=MOVE)
        assert answer.status_code == 400
        assert error_of(answer).startswith(f"Host header: found {host!r}, expected one of 127.0.0.1, ::1, localhost: ")


def test_on_a_network_address_addresses_and_the_machines_names_are_answered(explorer, monkeypatch):
    monkeypatch.setattr(socket, "gethostname", lambda: "Teacher-Laptop.lan")
    client = TestClient(create_app(explorer, "en", server.allowed_hosts("0.0.0.0")), base_url=BASE)
    for host in ("192.168.1.10:8000", "[fe80::1]:8000", "[::1]:8000", "localhost:8000", "teacher-laptop.lan:8000",
                 "teacher-laptop:8000", "teacher-laptop.local:8000"):
        assert client.get("/", headers={"Host": host}).status_code == 200, host
    answer = client.get("/", headers={"Host": "evil.example:8000"})
    assert answer.status_code == 400
    assert error_of(answer).startswith("Host header: found 'evil.example:8000', expected an address or one of ")


def test_a_name_given_as_host_is_answered(explorer, monkeypatch):
    monkeypatch.setattr(socket, "gethostname", lambda: "laptop")
    hosts = server.allowed_hosts("jevons.school.example")
    assert hosts.allows("jevons.school.example") and hosts.allows("laptop.local")
    assert not hosts.allows("evil.example")


@pytest.mark.parametrize("value, parts", [("localhost:8000", ("localhost", 8000)), ("[::1]:80", ("::1", 80)),
                                          ("[::1]", ("::1", None)), ("Example.ORG.", ("example.org", None)),
                                          ("::1", None), ("[::1]x", None), ("a:65536", None), (":80", None),
                                          ("a b", None), ("", None), (".", None)])
def test_host_headers_are_split_strictly(value, parts):
    assert split_host(value) == parts


# --- POST /api/run: Origin and content type ---------------------------------------------------


@pytest.mark.parametrize("origin", [None, BASE, "HTTP://127.0.0.1:8000"])
def test_the_pages_own_requests_are_run(client, origin):
    headers = {"Origin": origin} if origin else {}
    answer = client.post("/api/run", json=MOVE, headers=headers)
    assert answer.status_code == 200 and answer.json()["verdict"]["kind"] == "backfire"


@pytest.mark.parametrize("origin", ["http://evil.example", "http://127.0.0.1:9000", "https://127.0.0.1:8000",
                                    "http://localhost:8000", "null", "http://127.0.0.1:8000.evil.example", ""])
@pytest.mark.parametrize("media", ["application/json", "text/plain"])
def test_requests_from_another_origin_are_refused(client, origin, media):
    """A page elsewhere can POST a ``text/plain`` body (no CORS preflight): refused before it runs,
    like any request whose Origin is not the page's (another port, scheme or name, a file)."""
    answer = client.post("/api/run", content=json.dumps(MOVE), headers={"Origin": origin, "Content-Type": media})
    assert answer.status_code == 403
    assert error_of(answer) == f"a request from {origin!r}, expected one from the page's own address"


@pytest.mark.parametrize("host, origin", [("localhost", "http://localhost:80"), ("localhost:80", "http://localhost"),
                                          ("[::1]:8000", "http://[::1]:8000"), ("127.0.0.1:8000", BASE)])
def test_the_own_origin_is_the_host_header_with_its_default_port(host, origin):
    assert same_origin(origin, "http", host)
    assert not same_origin(origin, "https", host)


@pytest.mark.parametrize("media", [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                                   "application/jsonx", "text/json"])
def test_a_body_not_declared_json_is_refused(client, media):
    headers = {"Content-Type": media} if media else {}
    answer = client.post("/api/run", content=json.dumps(MOVE), headers=headers)
    assert answer.status_code == 415
    assert error_of(answer) == f"a body of type {media!r}, expected application/json"


@pytest.mark.parametrize("media", ["application/json; charset=utf-8", "Application/JSON"])
def test_json_with_parameters_or_capitals_is_json(client, media):
    answer = client.post("/api/run", content=json.dumps(MOVE), headers={"Content-Type": media})
    assert answer.status_code == 200


# --- every error is JSON ----------------------------------------------------------------------


def test_every_error_is_json(client, explorer, monkeypatch):
    cases = [
        (client.get("/nope"), 404, "GET /nope: nothing here, expected / (the page), /assets/NAME or POST /api/run"),
        (client.get("/assets/app.py"), 404, "no asset 'app.py', expected one of page.js, page.css, plotly.min.js"),
        (client.get("/api/run"), 405, "GET /api/run: method not allowed, expected POST"),
        (client.get("/?lang=de"), 400, "lang: found 'de', expected one of en, fr"),
        (client.post("/api/run", content=b"{", headers={"Content-Type": "application/json"}), 400,
         'expected a JSON object such as {"values": {"elasticity": 1.5}}'),
        (client.post("/api/run", json={"values": {"s": "x" * 20_000}}), 413,
         "request of more than 16384 bytes, expected at most 16384"),
    ]
    for answer, status, message in cases:
        assert (answer.status_code, error_of(answer)) == (status, message)
    assert client.get("/api/run").headers["allow"] == "POST"

    def crash(values):
        raise RuntimeError("a bug")

    monkeypatch.setattr(explorer, "run", crash)
    answer = client.post("/api/run", json=MOVE)
    assert answer.status_code == 500
    assert error_of(answer) == "the server failed on this request (its terminal shows why)"


def test_an_announced_body_too_large_is_refused_unread(client):
    def body():
        yield b"{}"
        raise AssertionError("the body was read")

    answer = client.post("/api/run", content=body(), headers={"Content-Type": "application/json",
                                                             "Content-Length": "100000"})
    assert answer.status_code == 413


# --- a real server: time bounds and uvicorn's own errors ---------------------------------------

#: The shortened timeouts of the real server (s), and the slack of a loaded 2-core machine.
TIMEOUT = 1.0
SLACK = 3.0


def loopbacks() -> list[str]:
    addresses = ["127.0.0.1"]
    if socket.has_ipv6:
        with contextlib.suppress(OSError), socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
            addresses.append("::1")
    return addresses


@contextlib.contextmanager
def serving(app, address: str, send_buffer: int | None = None):
    """``app`` served as `jevons serve` serves it, on a free port of ``address``; yields the port
    and the uvicorn server."""
    sock = server.listen(address, 0)
    if send_buffer:  # inherited by the connections it accepts
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer)
    uv = uvicorn.Server(server.config(app))
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield sock.getsockname()[1], uv
    finally:
        uv.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(params=["127.0.0.1", "::1"])
def short(request, monkeypatch):
    """One loopback address (skipped if the machine has no IPv6), with the timeouts shortened."""
    if request.param not in loopbacks():
        pytest.skip("no IPv6 loopback on this machine")
    monkeypatch.setattr(server.TimedH11Protocol, "request_timeout", TIMEOUT)
    monkeypatch.setattr(server, "KEEP_ALIVE", TIMEOUT)
    return request.param


@pytest.fixture
def live(short, explorer):
    """A real server on one loopback address, timeouts shortened; yields (address, port)."""
    with serving(create_app(explorer, "en", server.allowed_hosts(short)), short) as (port, _):
        yield short, port


def host_of(address: str, port: int) -> str:
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def seconds_to_close(address: str, port: int, first: bytes = b"", drip: bytes = b"") -> tuple[float, bytes]:
    """Connect, send ``first``, then ``drip`` a byte every 0.2 s; seconds until the server closes
    (from the last answer byte if there is an answer, else from connecting; infinite if still open
    TIMEOUT + SLACK seconds later), and the answer."""
    with socket.create_connection((address, port), timeout=TIMEOUT + SLACK) as sock:
        start = time.monotonic()
        sock.sendall(first)
        answer = b""
        sock.settimeout(0.2 if drip else TIMEOUT + SLACK)
        for byte in drip:
            try:
                sock.sendall(bytes([byte]))
                chunk = sock.recv(65536)
            except TimeoutError:
                continue
            except OSError:  # closed while sending
                return time.monotonic() - start, answer
            if not chunk:
                return time.monotonic() - start, answer
        sock.settimeout(TIMEOUT + SLACK)
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                chunk = b""
            except TimeoutError:  # still open
                return float("inf"), answer
            if not chunk:
                return time.monotonic() - start, answer
            answer += chunk
            start = time.monotonic()


def test_requests_that_never_end_and_idle_connections_are_closed(live):
    """Silent, head cut short, body shorter than announced, a byte now and then (the deadline is
    not pushed back), idle after an answer: each closed about TIMEOUT seconds later."""
    address, port = live
    host = host_of(address, port).encode()
    head = b"POST /api/run HTTP/1.1\r\nHost: " + host + b"\r\nContent-Type: application/json\r\n"
    cases = {
        "silent": (b"", b""),
        "half a head": (head, b""),
        "short body": (head + b"Content-Length: 50\r\n\r\n" + b'{"values":', b""),
        "a byte now and then": (b"", head + b"X-Slow: " + b"a" * 40),
        "idle after an answer": (b"GET /assets/page.css HTTP/1.1\r\nHost: " + host + b"\r\n\r\n", b""),
    }
    with ThreadPoolExecutor(len(cases)) as pool:
        closed = pool.map(lambda case: seconds_to_close(address, port, *case), cases.values())
        results = dict(zip(cases, closed, strict=True))
    for name, (seconds, answer) in results.items():
        assert 0.8 * TIMEOUT <= seconds <= TIMEOUT + SLACK, (name, seconds)
        assert answer.startswith(b"HTTP/1.1 200 ") == (name == "idle after an answer"), (name, answer[:80])


def test_a_request_sent_in_pieces_within_the_deadline_is_answered(live):
    address, port = live
    body = json.dumps(MOVE).encode()
    head = (f"POST /api/run HTTP/1.1\r\nHost: {host_of(address, port)}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    with socket.create_connection((address, port), timeout=30) as sock:
        for piece in (head[:20], head[20:], body[:5], body[5:]):
            sock.sendall(piece)
            time.sleep(0.15)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 ") and b'"backfire"' in answer


def test_on_a_real_server_a_rebound_name_and_a_broken_request_get_json(live):
    """The Host check on the wire (``[::1]:PORT`` included), and uvicorn's own 400 to what is not
    HTTP/1.1 (it answered in plain text)."""
    address, port = live
    for request, status in ((f"GET / HTTP/1.1\r\nHost: {host_of(address, port)}\r\n", b"200"),
                            ("GET / HTTP/1.1\r\nHost: evil.example\r\n", b"400"),
                            ("GET / HTTP/1.1\r\n", b"400"),  # no Host header: h11 refuses it
                            ("NOT HTTP\r\n", b"400")):
        with socket.create_connection((address, port), timeout=30) as sock:
            sock.sendall(request.encode() + b"Connection: close\r\n\r\n")
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 " + status), (request, answer[:200])
        if status == b"400":
            assert b"content-type: application/json" in head.lower()
            assert list(json.loads(body)) == ["error"]


def test_an_answer_left_unread_is_dropped(short, app):
    """A client that asks for Plotly (4 MB) and reads nothing: the server's buffers fill, and the
    connection is dropped TIMEOUT seconds later, not held while the client sleeps."""
    with serving(app, short, send_buffer=16_384) as (port, uv), socket.socket(socket.AF_INET6 if ":" in short
                                                                              else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16_384)
        sock.connect((short, port))
        sock.sendall(f"GET /assets/plotly.min.js HTTP/1.1\r\nHost: {host_of(short, port)}\r\n\r\n".encode())
        start = time.monotonic()
        while not uv.server_state.connections and time.monotonic() < start + SLACK:
            time.sleep(0.01)
        while uv.server_state.connections and time.monotonic() < start + TIMEOUT + SLACK:
            time.sleep(0.05)
        assert not uv.server_state.connections
        assert 0.8 * TIMEOUT <= time.monotonic() - start <= TIMEOUT + SLACK
        received = b""
        sock.settimeout(10)
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(65536):
                received += chunk
    length = int(re.search(rb"content-length: (\d+)", received.lower())[1])
    assert len(received.partition(b"\r\n\r\n")[2]) < length

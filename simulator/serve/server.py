"""Start the local server: bind to loopback unless told otherwise, say where, serve until Ctrl+C.

The socket is bound here, before uvicorn starts, so that a busy port is reported as one clear
sentence (and exit status 2) rather than a log line, and so that ``--port 0`` (any free port)
prints the port it got. A class needs no one else on its network: binding to another address
than loopback needs an explicit request (``--host``), and prints a warning.

Connections are bounded in time: a request must arrive whole (head and body) within
:data:`REQUEST_TIMEOUT` seconds of the connection opening or of its first byte, an answer that
the client leaves unread as long is dropped, and a connection idle after an answer is closed
after :data:`KEEP_ALIVE` seconds; a request head is at most h11's 16 KiB. uvicorn has the last
bound only, so :class:`TimedH11Protocol` adds the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import ipaddress
import json
import socket
import threading
import webbrowser

import h11
import uvicorn
from starlette.applications import Starlette
from uvicorn.protocols.http.h11_impl import H11Protocol

from ..errors import OutputError
from .app import HEADERS, LOOPBACK_HOSTS, Hosts

LOOPBACK = "127.0.0.1"
#: Seconds for a request to arrive whole, from the connection opening or the request's first byte
#: (a move is a few hundred bytes, sent in one packet even on a slow classroom network).
REQUEST_TIMEOUT = 10.0
#: Seconds a connection may stay idle after an answer (uvicorn's default); the page reconnects.
KEEP_ALIVE = 5


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str) -> Hosts:
    """Host names a request may carry (against DNS rebinding, see :class:`~simulator.serve.app.Hosts`).
    On loopback: ``localhost``, ``127.0.0.1``, ``::1`` and ``host``. On another address (a class's
    network): any address, ``localhost``, this machine's name (also with ``.local``, as mDNS gives
    it) and ``host``; a name pointed at the machine by other means is refused unless given as
    ``--host``."""
    name = host.strip("[]").lower()
    if is_loopback(host):
        return Hosts(LOOPBACK_HOSTS.names | {name})
    machine = socket.gethostname().lower()
    short = machine.split(".")[0]
    return Hosts(frozenset({"localhost", name, machine, short, f"{short}.local"}), any_address=True)


def check_host(host: str, explicit: bool) -> str | None:
    """Refuse a non-loopback ``host`` unless asked for ``explicit``-ly; the warning to print if
    it was."""
    if is_loopback(host):
        return None
    if not explicit:
        raise OutputError(f"refusing to serve on {host}, which is not a loopback address: "
                          f"pass --host {host} to serve to other machines")
    return (f"warning: serving on {host}: anyone who can reach this machine can open the page and run "
            "simulations; use --host 127.0.0.1 to keep it on this machine")


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` and listening; :class:`OutputError` if the port is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on connections of such a socket; without it each
    # answer on a kept-alive connection waits ~40 ms for a delayed ACK while a slider is dragged
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host.strip("[]"), port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise OutputError(f"port {port} of {host} is already in use (another jevons serve?): "
                              "stop it or choose another port with --port") from None
        raise OutputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


class TimedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, with deadlines for each request and answer, and errors in JSON.

    uvicorn closes a connection idle after an answer, but waits forever for a request that never
    ends (a connection opened and silent, a head cut short, a body shorter than announced) and
    for a client that stops reading an answer, so such connections would pile up. Here a request
    must arrive whole within ``request_timeout`` seconds of the connection opening or of the
    request's first byte, or the connection is closed (a route still reading the body sees the
    client gone); an answer whose reader lets the send buffer stay full that long is dropped.
    Between requests uvicorn's keep-alive timer rules. Relies on uvicorn's ``H11Protocol``
    attributes ``conn``, ``loop`` and ``transport``.
    """

    request_timeout = REQUEST_TIMEOUT
    _deadline: asyncio.TimerHandle | None = None
    _stalled: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._deadline = self.loop.call_later(self.request_timeout, self._too_slow)

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_deadline()
        if self._stalled is not None:
            self._stalled.cancel()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        state = self.conn.their_state
        if state is h11.SEND_BODY or (state is h11.IDLE and self.conn.trailing_data[0]):
            if self._deadline is None:  # never pushed back by later bytes: a byte every few seconds is too slow
                self._deadline = self.loop.call_later(self.request_timeout, self._too_slow)
        else:
            self._stop_deadline()

    def pause_writing(self) -> None:
        super().pause_writing()
        if self._stalled is None:  # close() would wait for the reader: abort() drops what it left
            self._stalled = self.loop.call_later(self.request_timeout, self.transport.abort)

    def resume_writing(self) -> None:
        if self._stalled is not None:
            self._stalled.cancel()
            self._stalled = None
        super().resume_writing()

    def send_400_response(self, msg: str) -> None:
        body = json.dumps({"error": "not a valid HTTP/1.1 request (a header missing, malformed or too long)"})
        headers = [(name.lower().encode(), value.encode()) for name, value in HEADERS.items()]
        headers += [(b"content-type", b"application/json"), (b"connection", b"close")]
        for event in (h11.Response(status_code=400, headers=headers), h11.Data(data=body.encode()), h11.EndOfMessage()):
            self.transport.write(self.conn.send(event) or b"")
        self.transport.close()

    def _stop_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()


def config(app: Starlette) -> uvicorn.Config:
    """How uvicorn serves ``app``: quietly, HTTP/1.1 only, with the bounds in time of this module."""
    return uvicorn.Config(app, http=TimedH11Protocol, ws="none", lifespan="off", log_level="warning",
                          access_log=False, timeout_keep_alive=KEEP_ALIVE)


def serve(app: Starlette, sock: socket.socket, open_browser: bool) -> None:
    """Serve ``app`` on ``sock`` until Ctrl+C (the normal way to stop: not an error); open the page
    in a browser if asked."""
    if open_browser:
        threading.Thread(target=webbrowser.open, args=(url_of(sock),), daemon=True).start()
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn stops cleanly, then raises the signal again
        uvicorn.Server(config(app)).run(sockets=[sock])

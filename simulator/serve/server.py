"""Start the local server: bind to loopback unless told otherwise, say where, serve until Ctrl+C.

The socket is bound here, before uvicorn starts, so that a busy port is reported as one clear
sentence (and exit status 2) rather than a log line, and so that ``--port 0`` (any free port)
prints the port it got. A class needs no one else on its network: binding to another address
than loopback needs an explicit request (``--host``), and prints a warning.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import socket
import threading
import webbrowser

import uvicorn
from starlette.applications import Starlette

from ..errors import OutputError

LOOPBACK = "127.0.0.1"


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str) -> list[str]:
    """Host names a request may carry: on loopback only the machine's own names (a web page
    elsewhere cannot reach the API through DNS rebinding); any name on another address."""
    if not is_loopback(host) or ":" in host:
        return ["*"]
    return sorted({"127.0.0.1", "localhost", host})


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


def serve(app: Starlette, sock: socket.socket, open_browser: bool) -> None:
    """Serve ``app`` on ``sock`` until Ctrl+C (the normal way to stop: not an error); open the page
    in a browser if asked."""
    if open_browser:
        threading.Thread(target=webbrowser.open, args=(url_of(sock),), daemon=True).start()
    config = uvicorn.Config(app, log_level="warning", lifespan="off", ws="none", access_log=False)
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn stops cleanly, then raises the signal again
        uvicorn.Server(config).run(sockets=[sock])

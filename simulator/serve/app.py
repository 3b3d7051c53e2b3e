"""The web application of `jevons serve`: the page, its assets and a JSON API that runs moves.

Routes:

* ``GET /`` — the page (``?lang=fr`` for French; the server's ``--lang`` otherwise);
* ``GET /assets/page.js``, ``/assets/page.css``, ``/assets/plotly.min.js`` — everything the
  page loads; nothing comes from elsewhere (see :mod:`simulator.serve.page`);
* ``POST /api/run`` — body ``{"values": {slider: number, ...}, "lang": "en"|"fr"}`` with the
  moved sliders only; answers the numbers of the charts, the verdict and the warning
  (:meth:`~simulator.serve.charts.Charts.numbers`), or 400 ``{"error": message}``.

Each run goes to a worker thread, so a run in progress never holds up another tab's page or
request; requests share only immutable objects (the :class:`~simulator.serve.explorer.Explorer`,
the charts' setup and the rendered pages), built once when the app is created.

Every error is JSON ``{"error": message}`` with the same headers as the page, whichever part
answers: a route (400, 413, 415, 422), Starlette (404, 405), a crash (500) or the Host check.

What a page on another site can do through a visitor's browser, and what stops it:

* read the API by making its own name point at this machine (DNS rebinding): the browser then
  sends that name as the Host header, and only the names of :class:`Hosts` are answered (400);
* run moves with a form or a ``text/plain`` fetch (neither needs the server's consent): ``POST
  /api/run`` answers 403 to a request whose ``Origin`` is not the page's own (scheme, Host name
  and port), and 415 to any body not declared ``application/json`` — a type a page elsewhere
  cannot send without a CORS preflight, which this server never grants. The page's own fetch
  sends that type from its own origin; the exported file has no server and fetches nothing.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ..display.i18n import LANGUAGES, NBSP
from ..errors import SimulatorError
from .charts import Charts, envelope
from .explorer import BadMove, Explorer, quote
from .page import ASSETS, SERVED_POLICY, plotly_js, render

#: Largest request body accepted (bytes): twenty sliders need a few hundred.
MAX_BODY = 16_384
#: Headers of every answer: the page loads nothing from elsewhere, and is never framed.
HEADERS = {"Content-Security-Policy": SERVED_POLICY, "X-Content-Type-Options": "nosniff",
           "Referrer-Policy": "no-referrer"}
#: Assets, by the name the page asks for: (file, media type).
_ASSET_TYPES = {"page.js": "text/javascript", "page.css": "text/css", "plotly.min.js": "text/javascript"}
_DEFAULT_PORTS = {"http": 80, "https": 443}
#: A Host header: a name or IPv4 address, or an IPv6 address in brackets; then perhaps a port.
_HOST = re.compile(r"(?:\[(?P<address>[0-9A-Fa-f:.]+)\]|(?P<name>[A-Za-z0-9._-]+))(?::(?P<port>[0-9]{1,5}))?")


@dataclass(frozen=True)
class Hosts:
    """The names a request's Host header may give: a page elsewhere that makes its own name point
    at this machine (DNS rebinding) still sends that name, and is refused. An address (``127.0.0.1``,
    ``[::1]``) cannot be rebound — the browser connects to the address it names — so, with
    ``any_address``, every address is answered and only names need listing."""

    names: frozenset[str]
    any_address: bool = False

    def allows(self, name: str) -> bool:
        """True if a Host header naming ``name`` (lower case, no brackets or port) is answered."""
        if name in self.names:
            return True
        if not self.any_address:
            return False
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True


#: This machine's own names and loopback addresses: what a page served on loopback is opened as.
LOOPBACK_HOSTS = Hosts(frozenset({"localhost", "127.0.0.1", "::1"}))


def split_host(value: str) -> tuple[str, int | None] | None:
    """The name and port of a Host header (``localhost:8000``, ``[::1]:8000``, ``example.org``),
    the name in lower case without brackets or a final dot; None if it is not one."""
    found = _HOST.fullmatch(value)
    if not found or (found["port"] and int(found["port"]) > 65535):
        return None
    name = (found["address"] or found["name"]).lower().rstrip(".")
    return (name, int(found["port"]) if found["port"] else None) if name else None


def same_origin(origin: str, scheme: str, host: str) -> bool:
    """True if ``origin`` (an Origin header) is the page's own: the request's ``scheme``, and the
    name and port of its Host header (the scheme's default port when either gives none). ``null``
    (a file, a sandboxed frame) is not."""
    their_scheme, sep, their_host = origin.partition("://")
    ours, theirs = split_host(host), split_host(their_host) if sep else None
    if ours is None or theirs is None or their_scheme.lower() != scheme:
        return False
    default = _DEFAULT_PORTS.get(scheme)
    return ours[0] == theirs[0] and (ours[1] or default) == (theirs[1] or default)


def _bad(message: str, status: int = 400, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers={**HEADERS, **(headers or {})})


class HostCheck:
    """ASGI middleware answering 400 ``{"error": ...}`` to a request whose Host header is missing,
    malformed or not allowed by ``hosts`` (Starlette's ``TrustedHostMiddleware`` answers in plain
    text, and cuts ``[::1]:8000`` at its first colon)."""

    def __init__(self, app: ASGIApp, hosts: Hosts) -> None:
        self.app = app
        self.hosts = hosts
        names = ", ".join(sorted(hosts.names))
        self.expected = f"an address or one of {names}" if hosts.any_address else f"one of {names}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            value = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
            parts = split_host(value)
            if parts is None or not self.hosts.allows(parts[0]):
                response = _bad(f"Host header: found {quote(value)}, expected {self.expected}: open the page "
                                "at the address jevons serve printed")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def _http_error(request: Request, exc: HTTPException) -> Response:
    where = f"{request.method} {request.url.path}"
    if exc.status_code == 404:
        message = f"{where}: nothing here, expected / (the page), /assets/NAME or POST /api/run"
    elif exc.status_code == 405:
        message = f"{where}: method not allowed, expected {(exc.headers or {}).get('Allow', 'another')}"
    else:
        message = f"{where}: {exc.detail}"
    return _bad(message, exc.status_code, exc.headers)


async def _crash(request: Request, exc: Exception) -> Response:
    return _bad("the server failed on this request (its terminal shows why)", 500)


def create_app(explorer: Explorer, lang: str = "en", allowed_hosts: Hosts = LOOPBACK_HOSTS) -> Starlette:
    """The application for one scenario. Runs the scenario (the page's first picture and the charts'
    units) and each slider at both ends of its range (the fixed axes); ``allowed_hosts`` are the names
    the Host header may give (see :class:`Hosts`)."""
    reference = explorer.run({})
    charts = {code: Charts(explorer, reference, code) for code in LANGUAGES}
    ends = {name: (spec.slider.min, spec.slider.max) for name, spec in explorer.sliders.items()}
    fixed = charts["en"].ranges([reference, *envelope(explorer, ends)])  # display units are the same in every language
    pages = {}
    for code, chart in charts.items():
        config = chart.setup(fixed)
        config.update(api="api/run", initial=chart.numbers(reference, {}))
        pages[code] = render(config)
    assets = {name: (plotly_js() if name == "plotly.min.js" else ASSETS / name, media)
              for name, media in _ASSET_TYPES.items()}

    async def page(request: Request) -> Response:
        code = request.query_params.get("lang", lang)
        if code not in pages:
            return _bad(f"lang: found {quote(code)}, expected one of {', '.join(LANGUAGES)}")
        return HTMLResponse(pages[code], headers={**HEADERS, "Cache-Control": "no-store"})

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in assets:
            return _bad(f"no asset {quote(name)}, expected one of {', '.join(assets)}", 404)
        path, media = assets[name]
        return FileResponse(path, media_type=media, headers={**HEADERS, "Cache-Control": "max-age=3600"})

    def compute(values: dict[str, float], code: str) -> dict[str, Any]:
        return charts[code].numbers(explorer.run(values), values)

    async def run(request: Request) -> Response:
        origin = request.headers.get("origin")
        if origin is not None and not same_origin(origin, request.url.scheme, request.headers.get("host", "")):
            return _bad(f"a request from {quote(origin)}, expected one from the page's own address", 403)
        media = request.headers.get("content-type", "").partition(";")[0].strip().lower()
        if media != "application/json":
            return _bad(f"a body of type {quote(media or None)}, expected application/json", 415)
        too_big = _bad(f"request of more than {MAX_BODY} bytes, expected at most {MAX_BODY}", 413)
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY:
            return too_big
        body = b""
        try:
            async for chunk in request.stream():  # read no more than MAX_BODY, whatever the sender says
                body += chunk
                if len(body) > MAX_BODY:
                    return too_big
        except ClientDisconnect:  # closed by the sender or the server's deadline: no one reads the answer
            return _bad("the request ended before its body did")
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            return _bad('expected a JSON object such as {"values": {"elasticity": 1.5}}')
        if not isinstance(data, dict):
            return _bad(f"found {quote(data)}, expected a JSON object with values and lang")
        unknown = [key for key in data if key not in ("values", "lang")]
        if unknown:
            return _bad(f"unknown field {quote(unknown[0])}, expected values and lang")
        code = data.get("lang", lang)
        if not isinstance(code, str) or code not in charts:
            return _bad(f"lang: found {quote(code)}, expected one of {', '.join(LANGUAGES)}")
        try:
            values = explorer.check(data.get("values", {}))
            return JSONResponse(await run_in_threadpool(compute, values, code), headers=HEADERS)
        except BadMove as exc:
            return _bad(exc.said(code))
        except SimulatorError as exc:  # e.g. a value that makes the model diverge
            failed = f"la simulation a échoué{NBSP}:" if code == "fr" else "the simulation failed:"
            return _bad(f"{failed} {exc}", 422)

    routes = [Route("/", page), Route("/assets/{name:str}", asset), Route("/api/run", run, methods=["POST"])]
    return Starlette(routes=routes, middleware=[Middleware(HostCheck, hosts=allowed_hosts)],
                     # Starlette types every handler as taking any Exception; this one is only given HTTPException
                     exception_handlers={HTTPException: _http_error, 500: _crash})  # type: ignore[dict-item]

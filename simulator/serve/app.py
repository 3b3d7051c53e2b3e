"""The web application of `jevons serve`: the page, its assets and a JSON API that runs moves.

Routes:

* ``GET /`` — the page (``?lang=fr`` for French; the server's ``--lang`` otherwise);
* ``GET /assets/page.js``, ``/assets/page.css``, ``/assets/plotly.min.js`` — everything the
  page loads; nothing comes from elsewhere (see :mod:`simulator.serve.page`);
* ``POST /api/run`` — body ``{"values": {slider: number, ...}, "lang": "en"|"fr"}`` with the
  moved sliders only; answers the numbers of the four charts and the verdict
  (:meth:`~simulator.serve.charts.Charts.numbers`), or 400 ``{"error": message}``.

Each run goes to a worker thread, so a run in progress never holds up another tab's page or
request; requests share only immutable objects (the :class:`~simulator.serve.explorer.Explorer`,
the charts' setup and the rendered pages), built once when the app is created.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from ..errors import SimulatorError
from ..plots.i18n import LANGUAGES
from .charts import Charts
from .explorer import BadMove, Explorer, quote
from .page import ASSETS, SERVED_POLICY, plotly_js, render

#: Largest request body accepted (bytes): twenty sliders need a few hundred.
MAX_BODY = 16_384
#: Headers of every answer: the page loads nothing from elsewhere, and is never framed.
HEADERS = {"Content-Security-Policy": SERVED_POLICY, "X-Content-Type-Options": "nosniff",
           "Referrer-Policy": "no-referrer"}
#: Assets, by the name the page asks for: (file, media type).
_ASSET_TYPES = {"page.js": "text/javascript", "page.css": "text/css", "plotly.min.js": "text/javascript"}


def _bad(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=HEADERS)


def create_app(explorer: Explorer, lang: str = "en", allowed_hosts: Sequence[str] = ("*",)) -> Starlette:
    """The application for one scenario. Runs the scenario once (the page's first picture and the
    charts' units); ``allowed_hosts`` are the names the Host header may give (DNS rebinding)."""
    reference = explorer.run({})
    charts = {code: Charts(explorer, reference, code) for code in LANGUAGES}
    pages = {}
    for code, chart in charts.items():
        config = chart.setup()
        config.update(api="api/run", initial=chart.numbers(reference, {}))
        pages[code] = render(config)
    assets = {name: (plotly_js() if name == "plotly.min.js" else ASSETS / name, media)
              for name, media in _ASSET_TYPES.items()}

    async def page(request: Request) -> Response:
        code = request.query_params.get("lang", lang)
        if code not in pages:
            return PlainTextResponse(f"lang: expected one of {', '.join(LANGUAGES)}", status_code=400,
                                     headers=HEADERS)
        return HTMLResponse(pages[code], headers={**HEADERS, "Cache-Control": "no-store"})

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in assets:
            return PlainTextResponse("not found", status_code=404, headers=HEADERS)
        path, media = assets[name]
        return FileResponse(path, media_type=media, headers={**HEADERS, "Cache-Control": "max-age=3600"})

    def compute(values: dict[str, float], code: str) -> dict[str, Any]:
        return charts[code].numbers(explorer.run(values), values)

    async def run(request: Request) -> Response:
        body = b""
        async for chunk in request.stream():  # read no more than MAX_BODY, whatever the sender says
            body += chunk
            if len(body) > MAX_BODY:
                return _bad(f"request of more than {MAX_BODY} bytes, expected at most {MAX_BODY}", 413)
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
            return _bad(str(exc))
        except SimulatorError as exc:  # e.g. a value that makes the model diverge
            return _bad(f"the simulation failed: {exc}", 422)

    routes = [Route("/", page), Route("/assets/{name:str}", asset), Route("/api/run", run, methods=["POST"])]
    return Starlette(routes=routes, middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))])

"""The page as HTML: served with its assets by `jevons serve`, or one self-contained file.

Assets are the package's own ``assets/`` folder (page.html, page.js, page.css) and
``plotly.min.js`` from the ``plotly`` package (a dependency), so the page works in a
classroom with no internet: nothing is fetched from anywhere but the local server, or, for the
exported file, from nowhere at all. The Content-Security-Policy says so to the browser too.

The page's data (its setup and the numbers of the first run, or the precomputed grid) is one
JSON object in a ``<script type="application/json">``, with ``<``, ``>`` and ``&`` escaped so
that no text of a scenario can close the element; the page's script puts every text into the
page with ``textContent``.
"""

from __future__ import annotations

import html
import importlib.util
import json
import re
from pathlib import Path
from string import Template
from typing import Any

from ..errors import UsageError

ASSETS = Path(__file__).with_name("assets")

#: What the served page may load: its own server only (Plotly draws inline styles and data: images).
SERVED_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                 "img-src 'self' data: blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
                 "frame-ancestors 'none'")
#: What the exported file may load: nothing; its scripts and styles are inline.
FILE_POLICY = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
               "img-src data: blob:; base-uri 'none'; form-action 'none'")


def plotly_js() -> Path:
    """``plotly.min.js`` bundled in the ``plotly`` Python package (found without importing it)."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the plotly package is not installed: pip install plotly")
    path = Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: reinstall plotly")
    return path


def script_json(data: Any) -> str:
    """``data`` as JSON safe inside a ``<script>`` element (no ``</script>``, no ``<!--``)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _inline(source: str, name: str) -> str:
    """``source`` (JavaScript) ready to inline: refused if it could end its ``<script>`` early."""
    if re.search(r"</script|<!--", source, re.IGNORECASE):
        raise UsageError(f"{name} holds '</script' or '<!--' and cannot be inlined in a page")
    return source


#: The page's generator tag: ``export-html`` replaces an existing file only if it holds it.
PAGE_MARKER = '<meta name="generator" content="jevons">'


def render(config: dict[str, Any], inline: bool = False) -> str:
    """The page for ``config`` (see :mod:`simulator.serve.charts`): linking its assets from the
    server (``assets/...``), or with every asset inline (``inline=True``) for a file."""
    if inline:
        page_js = (ASSETS / "page.js").read_text(encoding="utf-8")
        plotly = plotly_js().read_text(encoding="utf-8")
        meta = f'<meta http-equiv="Content-Security-Policy" content="{FILE_POLICY}">'
        style = "<style>\n" + (ASSETS / "page.css").read_text(encoding="utf-8") + "</style>"
        scripts = (f"<script>{_inline(plotly, 'plotly.min.js')}</script>\n"
                   f"<script>{_inline(page_js, 'page.js')}</script>")
    else:
        meta = ""
        style = '<link rel="stylesheet" href="assets/page.css">'
        scripts = '<script src="assets/plotly.min.js"></script>\n<script src="assets/page.js"></script>'
    template = Template((ASSETS / "page.html").read_text(encoding="utf-8"))
    return template.substitute(lang=html.escape(config["lang"]), title=html.escape(config["title"]), meta=meta,
                               style=style, config=script_json(config), scripts=scripts)

"""One colour per entity, depending only on its kind and its name: never on the order of the YAML
file, nor on the scenario. Shared by the matplotlib figures and the live page (both call
:func:`entity_colours` and draw the hex strings it returns).

* Well-known names have a fixed colour (:data:`FIXED_COLOURS`): 2G…6G (and GSM, UMTS, LTE, NR),
  FTTH, DSL, cable, smartphone, TV, laptop... Names are compared in lower case, ``-`` and spaces
  read as ``_``.
* Any other name takes a colour of the colour-blind-safe :data:`PALETTE` (Paul Tol's "muted" and
  the Okabe–Ito colours, Okabe & Ito 2008) picked by a hash of ``kind:name`` (BLAKE2, stable
  across runs and machines, unlike Python's ``hash``). Layers take greys (:data:`LAYER_PALETTE`),
  hatched in stacks.
* Within one figure no two entities share a colour: :func:`entity_colours` takes every name the
  figure draws, keeps the fixed colours, and moves a hashed name whose colour is taken to the next
  free colour of the palette, names handled in alphabetical order so that the result does not
  depend on the order they are given in. Only beyond the size of the palette do colours repeat.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

#: Colour-blind-safe colours for names without a fixed one: Paul Tol "muted", then the Okabe–Ito colours;
#: without the yellow and the sand, kept for the smartphone and the laptop (too pale beside each other).
PALETTE = ("#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#CC6677", "#882255", "#AA4499",
           "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7")
#: Greys for layers (core, transport, data centres), hatched where they are stacked.
LAYER_PALETTE = ("#8C8C8C", "#B4B4B4", "#6E6E6E", "#CFCFCF", "#5A5A5A", "#A0A0A0")

_G2, _G3, _G4, _G5, _G6 = "#56B4E9", "#009E73", "#E69F00", "#CC79A7", "#0072B2"
#: Fixed colours of well-known names, by kind (``*``: any kind).
FIXED_COLOURS: dict[str, dict[str, str]] = {
    "generation": {"2g": _G2, "gsm": _G2, "3g": _G3, "umts": _G3, "4g": _G4, "lte": _G4, "5g": _G5, "nr": _G5,
                   "6g": _G6},
    "layer": {"core_transport": "#8C8C8C", "core": "#8C8C8C", "transport": "#6E6E6E",
              "data_centres": "#B4B4B4", "data_centers": "#B4B4B4"},
    "*": {"ftth": "#332288", "fibre": "#332288", "fiber": "#332288", "dsl": "#999933", "adsl": "#999933",
          "cable": "#882255", "satellite": "#44AA99", "smartphone": "#F0E442", "tv": "#CC6677",
          "television": "#CC6677", "laptop": "#DDCC77", "tablet": "#88CCEE", "desktop": "#117733",
          "feature_phone": "#AA4499", "video": "#0072B2", "web": "#56B4E9", "messaging": "#009E73"},
}


def normalised(name: str) -> str:
    """``Data-Centres`` → ``data_centres``: how names are compared with the fixed table."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def fixed_colour(kind: str, name: str) -> str | None:
    """The fixed colour of a well-known name of ``kind``, or None."""
    key = normalised(name)
    return FIXED_COLOURS.get(kind, {}).get(key) or FIXED_COLOURS["*"].get(key)


def palette_of(kind: str) -> tuple[str, ...]:
    """The colours hashed names of ``kind`` are drawn from."""
    return LAYER_PALETTE if kind == "layer" else PALETTE


def hashed_index(kind: str, name: str, size: int) -> int:
    """A stable index in ``range(size)`` for ``kind:name`` (BLAKE2b, the same on every machine)."""
    digest = hashlib.blake2b(f"{kind}:{normalised(name)}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % size


def entity_colour(kind: str, name: str) -> str:
    """The colour of one entity drawn alone: fixed, else hashed into the palette of its kind."""
    palette = palette_of(kind)
    return fixed_colour(kind, name) or palette[hashed_index(kind, name, len(palette))]


def entity_colours(kind: str, names: Iterable[str], avoid: Iterable[str] = ()) -> dict[str, str]:
    """Colour of each of ``names`` (entities of ``kind`` drawn in one figure), no two alike while the
    palette lasts, none of the colours in ``avoid`` (those other entities of the figure already
    have) taken by a hashed name. The result does not depend on the order of ``names``."""
    names = list(dict.fromkeys(names))
    out = {n: c for n in names if (c := fixed_colour(kind, n))}
    taken = {c.upper() for c in (*out.values(), *avoid)}
    palette = palette_of(kind)
    for name in sorted((n for n in names if n not in out), key=lambda n: (normalised(n), n)):
        start = hashed_index(kind, name, len(palette))
        free = [palette[(start + i) % len(palette)] for i in range(len(palette))]
        colour = next((c for c in free if c.upper() not in taken), palette[start])
        out[name] = colour
        taken.add(colour.upper())
    return {n: out[n] for n in names}


__all__ = ["FIXED_COLOURS", "LAYER_PALETTE", "PALETTE", "entity_colour", "entity_colours", "fixed_colour",
           "hashed_index", "normalised", "palette_of"]

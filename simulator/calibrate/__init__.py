"""Calibration: fit named parameters of a scenario to its observations (``jevons calibrate``).

``fit = calibrate(scenario, params=[...], until=None)`` fits (:mod:`.fit`);
``write_calibration(fit, folder)`` writes the calibrated scenario, ``fit.json`` and the figures
(:mod:`.export`). Beside ensembles: it imports the engine, model, results, scenario and plots;
only the command line imports it. The names below are loaded on first use, so that the command
line, which registers the ``calibrate`` command, does not load scipy and the engine to start.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .fit import Calibration, FitParameter, Point, Profile, calibrate

__all__ = ["Calibration", "FitParameter", "Point", "Profile", "calibrate"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module(".fit", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

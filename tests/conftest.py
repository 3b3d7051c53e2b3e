"""Shared fixtures: small scenarios built in code, paths of shipped scenarios."""

from __future__ import annotations

import copy
import re
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"

CLASSROOM = {
    "name": "tiny-classroom",
    "time": {"start": 2010, "end": 2030, "step": 0.25},
    "demand": {"users": 1000, "services": {"data": {"usage": "24 GB/yr", "elasticity": 1.2}}},
    "generations": {"network": {"launch": 2010, "energy_intensity": "2 kWh/GB", "efficiency_gain": 0.15}},
}

STACKED = {
    "name": "stacked",
    "time": {"start": 2000, "end": 2030, "step": 0.25},
    "demand": {
        "users": {2000: 1e6, 2030: 3e6},
        "services": {
            "video": {"usage": "1 GB/month", "growth": 0.3, "elasticity": 0.8, "delay": 1.0},
            "web": {"usage": "0.5 GB/month", "growth": 0.15, "elasticity": 0.5},
        },
    },
    "price": {"electricity": {2000: "0.08 EUR/kWh", 2030: "0.15 EUR/kWh"}, "fixed": "200 kEUR/yr",
              "cost_of_capital": 0.07},
    "generations": {
        "old": {"launch": 1995, "switch_off": 2025, "energy_intensity": "5 kWh/GB", "efficiency_gain": 0.05,
                "idle_power": "1 kW", "capacity_per_site": "2000 GB/yr", "coverage_sites": 300,
                "equipment": {"radio": 1, "baseband": 1}, "site_cost": "100 kEUR", "site_opex": "10 kEUR/yr"},
        "new": {"launch": 2010, "energy_intensity": "1 kWh/GB", "efficiency_gain": 0.2, "idle_power": "1.5 kW",
                "capacity_per_site": "200000 GB/yr", "capacity_growth": 0.2, "coverage_sites": 250,
                "buildout": 6, "adoption_midpoint": 4, "equipment": {"radio": 3, "baseband": 1},
                "site_cost": "150 kEUR", "site_life": 8, "site_opex": "15 kEUR/yr"},
    },
    "layers": {"core": {"energy_intensity": "0.05 kWh/GB", "efficiency_gain": 0.1, "pue": {2000: 2.0, 2030: 1.3},
                        "equipment": {"server": 2.0}, "capacity_growth": 0.2}},
    "devices": {"phone": {"equipment": "smartphone", "annual_energy": "4 kWh/yr"}},
    "equipment": {
        "radio": {"lifetime": 10, "mass": "20 kg", "embodied": {"climate_change": "500 kg CO2e"}},
        "baseband": {"lifetime": 8, "survival": "weibull", "weibull_shape": 3,
                     "embodied": {"climate_change": "300 kg CO2e", "mineral_resources": "0.01 kg Sb_eq"}},
        "server": {"lifetime": 4, "embodied": {"climate_change": "1200 kg CO2e"}},
        "smartphone": {"lifetime": 2.5, "mass": "0.2 kg",
                       "embodied": {"climate_change": "84 kg CO2e", "mineral_resources": "2.05e-3 kg Sb_eq"}},
    },
    "grid": {"climate_change": {2000: "0.55 kg CO2e/kWh", 2030: "0.3 kg CO2e/kWh"}, "water": "0.002 m**3/kWh"},
}


@pytest.fixture
def classroom() -> dict:
    return copy.deepcopy(CLASSROOM)


@pytest.fixture
def stacked() -> dict:
    return copy.deepcopy(STACKED)


def _unicode_of_cmap(cmap: str) -> set[str]:
    """The characters a ToUnicode CMap maps glyphs to (its bfchar pairs and bfrange triples)."""
    found = set()
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
        found |= {chr(int(code, 16)) for code in re.findall(r"<[0-9A-Fa-f]+>\s*<([0-9A-Fa-f]{4})>", block)}
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.DOTALL):
        for low, high, first in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]{4})>", block):
            found |= {chr(int(first, 16) + k) for k in range(int(high, 16) - int(low, 16) + 1)}
    return found


def pdf_characters(data: bytes) -> set[str]:
    """The characters a PDF's fonts map their glyphs to (no PDF library here): the text of the PDF is
    searchable when its headings' letters are among them."""
    mapped: set[str] = set()
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL):
        try:
            body = zlib.decompress(stream)
        except zlib.error:
            continue
        if b"begincmap" in body:
            mapped |= _unicode_of_cmap(body.decode("latin-1"))
    return mapped

"""Names for people: what figures, tables and the live page call a scenario, an entity of it (a
generation, service, layer, device, workload, equipment type) or a parameter an ensemble varies.

An entity's name is its ``label:`` in the scenario (a string, or ``{en, fr}``) when it has one,
otherwise a readable form of its key (:func:`readable_name`): underscores become spaces, the
first letter is a capital, and words in :data:`ACRONYMS` or holding a digit are written in
capitals: ``server_r740`` → ``Server R740``, ``gsm_trx`` → ``GSM TRX``, ``aau_massive_mimo`` →
``AAU massive MIMO``, ``5g`` → ``5G``. A few obvious words have a French form
(:data:`simulator.display.i18n.DATA_WORDS`).

A parameter (a dotted path of ``uncertainty:`` or ``--grid``) is named, in order, by the
``explore:`` slider over the same path, or by the name of its field (:data:`FIELD_NAMES`, else
the first words of the field's docstring in the schema), followed by the entity it belongs to and
its unit: ``demand.services.*.elasticity`` → ``Price elasticity (every service) (1)``.

The live page calls :func:`display_name` (and :func:`scenario_title`, :func:`parameter_name`), so
that it says what the figures say.
"""

from __future__ import annotations

import re
import typing
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ..errors import UsageError
from .i18n import DATA_WORDS, tr, unit_text

if TYPE_CHECKING:
    from ..scenario.schema import Scenario

#: Words written in capitals in readable names (compared in lower case). Words holding a digit
#: (``5g``, ``r740``) are written in capitals too.
ACRONYMS = frozenset({
    "aau", "adsl", "ai", "bbu", "cdn", "cpe", "cpu", "dc", "dram", "dsl", "fttb", "ftth", "fttx", "gpon", "gpu",
    "gsm", "hdd", "iot", "isp", "it", "lte", "mimo", "nr", "olt", "ont", "pon", "pue", "ran", "rrh", "rru",
    "sms", "ssd", "tpu", "trx", "tv", "umts", "ups", "vdsl", "vr", "wcdma", "wdm", "hspa", "cdma",
})

#: Kinds of entities, and where a scenario keeps them.
KINDS = ("service", "generation", "layer", "device", "workload", "equipment", "network")


def readable_name(key: str) -> str:
    """A key of a scenario written for people (see the module): ``gsm_trx`` → ``GSM TRX``."""
    words = [w for w in re.split(r"[_\s]+", key.strip()) if w]
    if not words:
        return key
    out = ["-".join(_readable_word(part) for part in w.split("-")) for w in words]
    first = out[0]
    out[0] = first[:1].upper() + first[1:]
    return " ".join(out)


def _readable_word(word: str) -> str:
    return word.upper() if word.lower() in ACRONYMS or any(c.isdigit() for c in word) else word


def in_sentence(name: str) -> str:
    """A name that starts a label (``Price elasticity``) as it reads inside a sentence (``price elasticity``);
    a first word in capitals (``GSM TRX``, ``5G``) stays as it is."""
    first = name.split(" ", 1)[0]
    return name if first[1:2].isupper() or any(c.isdigit() for c in first) else name[:1].lower() + name[1:]


def capitalised(text: str) -> str:
    """``text`` with a capital first letter (the rest untouched)."""
    return text[:1].upper() + text[1:]


def _localised(text: Any, lang: str) -> str:
    """A ``label``/``title`` (a string, or an object with ``en`` and ``fr``) in ``lang``; '' if empty."""
    if not text:
        return ""
    return text if isinstance(text, str) else str(getattr(text, lang, getattr(text, "en", "")))


def _entities(scenario: Scenario, kind: str) -> dict[str, Any]:
    if kind == "service":
        return dict(scenario.demand.services)
    if kind == "workload":
        return dict(scenario.compute.every)
    if kind == "equipment":
        return dict(scenario.equipment)
    if kind in ("generation", "layer", "device", "network"):
        return dict(getattr(scenario, kind + "s", None) or {})
    raise UsageError(f"found kind {kind!r}, expected one of {', '.join(KINDS)}")


def display_name(scenario: Scenario | None, kind: str, key: str, lang: str = "en") -> str:
    """What people call entity ``key`` of ``kind`` (one of :data:`KINDS`) in ``lang``: its
    ``label`` in ``scenario``, else the French word for it (in French), else :func:`readable_name`.
    An entity the scenario lacks (or no scenario) gets the readable form of its key."""
    if scenario is not None:
        entity = _entities(scenario, kind).get(key)
        label = _localised(getattr(entity, "label", ""), lang)
        if label:
            return label
    return data_display_name(key, lang)


def data_display_name(key: str, lang: str = "en") -> str:
    """A key with no scenario to read its label from: its French word (in French), else its readable form."""
    word = DATA_WORDS.get(lang, {}).get(key)
    return capitalised(word) if word else readable_name(key)


def display_names(scenario: Scenario | None, kind: str, keys: typing.Iterable[str], lang: str = "en") -> dict[str, str]:
    """:func:`display_name` of each key."""
    return {k: display_name(scenario, kind, k, lang) for k in keys}


def scenario_title(scenario: Scenario, lang: str = "en") -> str:
    """A scenario's ``title`` in ``lang``, else the readable form of its ``name``: what legends call it."""
    return _localised(scenario.title, lang) or readable_name(scenario.name)


def scenario_titles(scenarios: typing.Sequence[Scenario], lang: str = "en",
                    names: typing.Sequence[str] | None = None) -> list[str]:
    """:func:`scenario_title` of each scenario drawn together; a title two of them share (a scenario
    that ``extends`` another without a title of its own) is followed by the scenario's name (or its
    entry of ``names``, e.g. the labels of a comparison) in parentheses."""
    titles = [scenario_title(s, lang) for s in scenarios]
    keys = list(names) if names is not None else [s.name for s in scenarios]
    return [f"{t} ({k})" if titles.count(t) > 1 and t != k else t for t, k in zip(titles, keys, strict=True)]


# --- parameters -------------------------------------------------------------------------------

#: Names of the fields parameters move most often (English, French); other fields are named by
#: the first words of their docstring.
FIELD_NAMES: dict[str, tuple[str, str]] = {
    "elasticity": ("price elasticity", "élasticité-prix"),
    "efficiency_gain": ("efficiency gain", "gain d’efficacité"),
    "idle_power_gain": ("idle-power gain", "baisse de la puissance à vide"),
    "idle_power": ("idle power", "puissance à vide"),
    "energy_intensity": ("energy per GB", "énergie par Go"),
    "growth": ("growth", "croissance"),
    "usage": ("use per user", "usage par utilisateur"),
    "saturation": ("saturation", "saturation"),
    "launch": ("launch", "lancement"),
    "switch_off": ("switch-off", "extinction"),
    "lifetime": ("lifetime", "durée de vie"),
    "coverage_sites": ("coverage sites", "sites de couverture"),
    "capacity_per_site": ("capacity per site", "capacité par site"),
    "capacity_growth": ("capacity growth", "croissance de la capacité"),
    "annual_energy": ("electricity use", "consommation électrique"),
    "per_user": ("devices per user", "terminaux par utilisateur"),
    "pue": ("PUE", "PUE"),
    "cost_of_capital": ("cost of capital", "coût du capital"),
    "electricity": ("price of electricity", "prix de l’électricité"),
    "fixed": ("fixed network costs", "coûts fixes du réseau"),
    "jobs": ("jobs per year", "tâches par an"),
    "mass": ("mass", "masse"),
    "traffic_share": ("share of traffic", "part du trafic"),
    "ceiling": ("users in the long run", "utilisateurs à long terme"),
    "midpoint": ("year of half the long-run users", "année de la moitié des utilisateurs à long terme"),
    "width": ("time scale of the growth of users", "durée de la croissance des utilisateurs"),
    "delay": ("adjustment delay", "délai d’ajustement"),
    "buildout": ("build-out time", "durée du déploiement"),
    "adoption_midpoint": ("adoption midpoint", "mi-adoption"),
    "adoption_width": ("adoption time scale", "durée d’adoption"),
    "utilisation": ("usable share of capacity", "part utilisable de la capacité"),
    "site_cost": ("cost of a site", "coût d’un site"),
    "site_opex": ("operating cost of a site", "coût d’exploitation d’un site"),
    "site_life": ("depreciation life of a site", "durée d’amortissement d’un site"),
    "weibull_shape": ("Weibull shape", "forme de Weibull"),
    "hours": ("duration of a job", "durée d’une tâche"),
    "accelerators": ("accelerators per job", "accélérateurs par tâche"),
    "accelerator_power": ("accelerator power", "puissance d’un accélérateur"),
    "factor": ("factor", "facteur"),
    "rate": ("rate", "taux"),
}
#: Impacts of equipment (``equipment.X.embodied.climate_change``): the phase's words.
_IMPACT_PHASES = {"embodied": ("manufacturing footprint", "empreinte de fabrication"),
                  "end_of_life": ("end-of-life footprint", "empreinte de fin de vie")}
_GRID_NAMES = {"climate_change": ("carbon intensity of electricity", "intensité carbone de l’électricité"),
               "mineral_resources": ("mineral resources per kWh", "ressources minérales par kWh"),
               "primary_energy": ("primary energy per kWh", "énergie primaire par kWh"),
               "water": ("water per kWh", "eau par kWh")}
_CATEGORY_WORDS = {"climate_change": "Climate change", "mineral_resources": "Mineral resource use",
                   "primary_energy": "Primary energy", "water": "Water use", "e_waste": "E-waste"}
#: Where entities sit in a path, and the words for "every ..." (``*``).
_ENTITY_PATHS: dict[tuple[str, ...], str] = {
    ("demand", "services"): "service", ("generations",): "generation", ("layers",): "layer", ("networks",): "network",
    ("devices",): "device", ("equipment",): "equipment", ("compute", "workloads"): "workload",
}
_EVERY = {"service": ("every service", "tous les services"), "generation": ("every generation",
          "toutes les générations"), "layer": ("every layer", "toutes les couches"),
          "device": ("every device", "tous les terminaux"), "equipment": ("every equipment type",
          "tous les équipements"), "workload": ("every workload", "toutes les charges de calcul"),
          "network": ("every network", "tous les réseaux")}
_LANG_INDEX = {"en": 0, "fr": 1}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[_LANG_INDEX.get(lang, 0)]


def _model_of(annotation: Any) -> Any:
    """The pydantic model class or ``dict`` value type an annotation leads to (None for a leaf)."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, __import__("types").UnionType):
            found = [_model_of(a) for a in typing.get_args(annotation)]
            return next((f for f in found if f is not None), None)
        elif origin is dict:
            return ("dict", typing.get_args(annotation)[1])
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return annotation
        else:
            return None


def field_docstring(path: str) -> str:
    """The docstring of the schema field a dotted path ends at ('' if the path leaves the schema)."""
    from ..scenario.schema import Scenario

    node: Any = Scenario
    description = ""
    for part in path.split("."):
        if isinstance(node, tuple):  # a mapping: this part is one of its keys
            node = _model_of(node[1])
            continue
        if not (isinstance(node, type) and issubclass(node, BaseModel)) or part not in node.model_fields:
            return description if part.isdigit() or part == "*" else ""
        info = node.model_fields[part]
        description = info.description or ""
        node = _model_of(info.annotation)
    return description


def _docstring_name(field: str, path: str) -> str:
    """The first words of a field's docstring (up to a parenthesis, colon or full stop), else its readable key."""
    doc = field_docstring(path)
    head = re.split(r"\s*[(:.;]\s*|\s+—\s+", doc.strip(), maxsplit=1)[0] if doc else ""
    return head if 0 < len(head) <= 48 else readable_name(field).lower()


def parameter_name(path: str, lang: str = "en", scenario: Scenario | None = None, unit: str | None = None) -> str:
    """What people call the parameter at dotted ``path`` (see the module), with ``unit`` (the
    canonical unit of its values; none: no unit) in parentheses: ``generations.5G.idle_power_gain``
    with ``1/yr`` → ``5G idle-power gain (1/yr)``."""
    if scenario is not None:
        for slider in scenario.explore.values():
            if slider.path == path:
                name = _localised(slider.label, lang)
                return name if unit is None or name.rstrip().endswith(")") else _with_unit(name, unit, lang)
    parts = path.split(".")
    name = _parameter_words(parts, path, lang, scenario)
    return capitalised(name) if unit is None else _with_unit(capitalised(name), unit, lang)


def _with_unit(name: str, unit: str, lang: str) -> str:
    shown = unit_text({"": "1", "dimensionless": "1"}.get(unit, unit).replace("**3", "³").replace("_", " "), lang)
    return f"{name} ({shown})"


def _parameter_words(parts: list[str], path: str, lang: str, scenario: Scenario | None) -> str:
    if parts[0] == "grid" and len(parts) >= 2 and parts[1] in _GRID_NAMES:
        name = _pick(_GRID_NAMES[parts[1]], lang)
        return name if len(parts) == 2 else tr("{name} in {year}", lang, name=name, year=parts[2])
    for prefix, kind in _ENTITY_PATHS.items():
        n = len(prefix)
        if tuple(parts[:n]) == prefix and len(parts) > n + 1:
            key, rest = parts[n], parts[n + 1:]
            entity = _pick(_EVERY[kind], lang) if key == "*" else display_name(scenario, kind, key, lang)
            if rest[0] in _IMPACT_PHASES and len(rest) == 2:
                category = tr(_CATEGORY_WORDS.get(rest[1], rest[1]), lang).lower()
                what = f"{_pick(_IMPACT_PHASES[rest[0]], lang)}, {category}"
            elif rest[0] in FIELD_NAMES:
                what = _pick(FIELD_NAMES[rest[0]], lang)
            else:
                what = _docstring_name(rest[-1], path).lower()
            if rest[-1].isdigit() and rest[0] in FIELD_NAMES:
                what = tr("{name} in {year}", lang, name=what, year=rest[-1])
            return f"{entity} {what}" if key != "*" and lang == "en" else f"{what} ({entity})"
    field = parts[-1]
    if field in FIELD_NAMES:
        return _pick(FIELD_NAMES[field], lang)
    return _docstring_name(field, path)


__all__ = [
    "ACRONYMS", "FIELD_NAMES", "KINDS", "capitalised", "data_display_name", "display_name", "display_names",
    "field_docstring", "in_sentence", "parameter_name", "readable_name", "scenario_title", "scenario_titles",
]

"""Words of the figures in English and French: one table, keys in English.

Every piece of text a figure draws goes through :func:`tr` (titles, axis
labels, legend entries, annotations, the source line) and every number
through :func:`number` or :func:`percent`, so that ``lang="fr"`` gives French
words, a decimal comma, thin spaces between thousands and the French spaces
before ``:`` and ``%``. Names that come from the scenario (generations,
services, equipment) are data: :func:`data_name` only prettifies them, and
translates a few obvious words (``video``, ``data_centres``...); :mod:`.names` reads the
``label`` scenarios give them.
"""

from __future__ import annotations

import datetime as _dt
import re

from ..errors import UsageError

#: Languages figures can be drawn in.
LANGUAGES = ("en", "fr")

#: French spaces: no-break space before ``:``, narrow no-break space before ``%`` ``;`` ``!`` ``?``
#: and between groups of thousands (Imprimerie nationale, *Lexique des règles typographiques*).
NBSP = "\u00a0"
NNBSP = "\u202f"

_NB = NBSP
_NN = NNBSP

#: English text → French text. Keys with ``{fields}`` are templates filled by :func:`tr`.
FRENCH: dict[str, str] = {
    # axes and common words
    "Year": "Année",
    "Energy": "Énergie",
    "Traffic": "Trafic",
    "Installed": "Installés",
    "Manufactured": "Fabriqués",
    "Share (%)": "Part (%)",
    "other": "autre",
    "others": "autres",
    "Note: {text}": f"Note{_NB}: {{text}}",
    # source lines
    "Source: jevons {version} simulation, scenario '{name}' ({period}), {date}":
        f"Source{_NB}: simulation jevons {{version}}, scénario «{_NB}{{name}}{_NB}» ({{period}}), {{date}}",
    "Source: jevons {version} dependency graph, scenario '{name}' ({period}), {date}":
        f"Source{_NB}: graphe de dépendances jevons {{version}}, scénario «{_NB}{{name}}{_NB}» "
        f"({{period}}), {{date}}",
    "Source: jevons {version} dependency graph, scenario '{name}', {date}":
        f"Source{_NB}: graphe de dépendances jevons {{version}}, scénario «{_NB}{{name}}{_NB}», {{date}}",
    "Source: jevons {version} simulations, scenarios {names} ({period}), {date}":
        f"Source{_NB}: simulations jevons {{version}}, scénarios {{names}} ({{period}}), {{date}}",
    "'{name}'": f"«{_NB}{{name}}{_NB}»",
    # energy by generation
    "Energy by generation (stacked) and traffic": "Énergie par génération (empilée) et trafic",
    "Energy by part of the digital sector and item (stacked), and traffic":
        "Énergie par partie du numérique et par élément (empilée), et trafic",
    "{name} (layer)": "{name} (couche)",
    "{name} layer": "couche {name}",
    "all {name}": "tous les {name}",
    "{name} (devices)": "{name} (terminaux)",
    "traffic (right axis)": "trafic (axe de droite)",
    # indexed
    "Network energy per GB": "Énergie du réseau par Go",
    "Index ({start} = 100, log scale)": "Indice ({start} = 100, échelle log.)",
    "Traffic, energy and energy per GB, {period}": "Trafic, énergie et énergie par Go, {period}",
    "no quantity has a positive start value": "aucune grandeur n’est positive au départ",
    # rebound
    "actual": "réel",
    "engineering estimate (no rebound)": "estimation d’ingénieur (sans rebond)",
    "frozen (start-year technology)": "figé (technologie de l’année de départ)",
    "actual ({value} vs engineering)": "réel ({value} par rapport à l’estimation)",
    "expected savings": "économies attendues",
    "rebound (eats expected savings)": "rebond (mange les économies attendues)",
    "backfire (above frozen)": "retour de flamme (au-dessus du figé)",
    "backfire": "retour de flamme",
    "Rebound: energy with and without demand response":
        f"Rebond{_NB}: énergie avec et sans réaction de la demande",
    "Rebound R (%)": "Rebond R (%)",
    "no counterfactual runs: rebound undefined":
        f"pas de simulations contrefactuelles{_NB}: rebond non défini",
    "traffic is forced: rebound not meaningful": f"trafic imposé{_NB}: rebond sans objet",
    "backfire above 100 %": f"retour de flamme au-delà de 100{_NN}%",
    "no rebound (0 %)": f"pas de rebond (0{_NN}%)",
    "Rebound R(t); over {period}: {value}{verdict}": f"Rebond R(t){_NN}; sur {{period}}{_NB}: {{value}}{{verdict}}",
    " (backfire)": " (retour de flamme)",
    "undefined": "non défini",
    "Efficiency up, consumption up (Jevons paradox):\nenergy per GB {intensity}, energy used {energy}, {period}":
        f"Plus d’efficacité, plus de consommation (paradoxe de Jevons){_NB}:\n"
        f"énergie par Go {{intensity}}, énergie consommée {{energy}}, {{period}}",
    "Efficiency up, consumption flat: the rebound takes back all the savings\n"
    "energy per GB {intensity}, energy used {energy}, {period}":
        f"Plus d’efficacité, consommation inchangée{_NB}: le rebond reprend toutes les économies\n"
        f"énergie par Go {{intensity}}, énergie consommée {{energy}}, {{period}}",
    "Efficiency up, consumption down, but less than expected:\nenergy per GB "
    "{intensity}, energy used {energy} (engineering estimate {expected}), {period}":
        f"Plus d’efficacité, moins de consommation, mais moins que prévu{_NB}:\n"
        f"énergie par Go {{intensity}}, énergie consommée {{energy}} (estimation {{expected}}), "
        f"{{period}}",
    # impacts
    "manufacturing": "fabrication",
    "use (electricity)": "usage (électricité)",
    "end of life": "fin de vie",
    "Life-cycle phase": "Phase du cycle de vie",
    "Cumulative impacts {period} by life-cycle phase":
        "Impacts cumulés {period} par phase du cycle de vie",
    "zero in this\nscenario": "nul dans ce\nscénario",
    "not assessed in\nthis scenario": "non évalué dans\nce scénario",
    "not assessed: {phases}": f"non évalué{_NB}: {{phases}}",
    "not assessed": "non évalué",
    "excl. {phases}": "hors {phases}",
    " and ": " et ",
    "use": "usage",
    "Climate change": "Changement climatique",
    "Mineral resource use": "Ressources minérales",
    "Primary energy": "Énergie primaire",
    "Water use": "Consommation d’eau",
    "E-waste": "Déchets électroniques",
    # equipment and sites
    "Equipment manufactured per year": "Équipements fabriqués par an",
    "no equipment in this scenario": "aucun équipement dans ce scénario",
    "Radio sites by generation (stacked)": "Sites radio par génération (empilés)",
    "Sites by access network and generation (stacked)": "Sites par réseau d’accès et par génération (empilés)",
    "{name}: lines (a site each)": "{name} : lignes (un site chacune)",
    "{name}: radio sites": "{name} : sites radio",
    "no sites in this scenario": "aucun site dans ce scénario",
    # contributions
    "Where the impacts come from: shares of the totals {period}":
        f"D’où viennent les impacts{_NB}: parts des totaux {{period}}",
    "By service": "Par service",
    "By generation, layer and device": "Par génération, couche et terminal",
    "By equipment, and electricity for the use phase":
        "Par équipement, et électricité pour la phase d’usage",
    "Share of the cumulative impact (%)": "Part de l’impact cumulé (%)",
    "devices": "terminaux",
    "devices, use tied to no service": "terminaux, usage lié à aucun service",
    "electricity": "électricité",
    "not attributed": "non attribué",
    "others (< {limit} each)": "autres (< {limit} chacun)",
    "zero in this scenario": "nul dans ce scénario",
    "not assessed in this scenario": "non évalué dans ce scénario",
    # decomposition
    "Is it Jevons or just growth? Change per year, {start} → {end}":
        f"Jevons ou simple croissance{_NB}? Variation annuelle, {{start}} → {{end}}",
    "demand\ngrowth": "croissance\nde la demande",
    "efficiency": "efficacité",
    "rebound": "rebond",
    "{quantity}: {start} → {end} ({factor})": f"{{quantity}}{_NB}: {{start}} → {{end}} ({{factor}})",
    "growth of demand (start-year technology)": "croissance de la demande (technologie de départ)",
    "efficiency gains (engineering − frozen)": "gains d’efficacité (ingénieur − figé)",
    "rebound (actual − engineering)": "rebond (réel − ingénieur)",
    "start and end": "début et fin",
    "stacking: idle load of generations other than {main}":
        f"empilement{_NB}: consommation à vide des générations autres que {{main}}",
    "stacking: {share} of {end}": f"empilement{_NB}: {{share}} de {{end}}",
    "{years} mean": "moyenne {years}",
    "{years}\nmean": "{years}\nmoyenne",
    "induced by the demand response": "induit par la réaction de la demande",
    "frozen {year} technology not shown: it would use {ratio}× the actual energy":
        f"technologie figée de {{year}} non montrée{_NB}: elle consommerait {{ratio}} fois l’énergie réelle",
    "of the efficiency gained over the previous {years} years":
        "de l’efficacité gagnée pendant les {years} années précédentes",
    "marginal (one more % of efficiency)": "marginal (1 % d’efficacité en plus)",
    "against {year} technology": "par rapport à la technologie de {year}",
    "Rebound R(t), direct price rebound; headline: {value} ({measure}, {period})":
        f"Rebond R(t), rebond direct (prix){_NB}; en titre{_NB}: {{value}} ({{measure}}, {{period}})",
    "against start-year technology": "par rapport à la technologie de départ",
    "efficiency gained over the window": "efficacité gagnée sur la fenêtre",
    "no counterfactual": "pas de contrefactuel",
    "{label} ({measure}, {period}: {value})": f"{{label}} ({{measure}}, {{period}}{_NB}: {{value}})",
    "more users": "plus d’utilisateurs",
    "more use per user (trend)": "plus d’usage par utilisateur (tendance)",
    "price-induced use (cheaper GB)": "usage induit par la baisse du prix du Go",
    "traffic moving between generations": "trafic passant d’une génération à l’autre",
    "energy per GB of each generation": "énergie par Go de chaque génération",
    "idle load of sites kept on (stacking)": "charge à vide des sites maintenus (empilement)",
    "core, transport and data centres": "cœur, transport et centres de données",
    "grid impact per kWh": "impact du réseau électrique par kWh",
    "units made": "unités fabriquées",
    "impact of making one unit": "impact de fabrication d’une unité",
    "Change of the yearly rate": "Variation du flux annuel",
    "{quantity}: {change} {unit}": f"{{quantity}}{_NB}: {{change}} {{unit}}",
    "What changed yearly energy and climate change,\n{start} → {end} (exact split, LMDI)":
        "Ce qui a fait varier l’énergie et le climat par an,\n{start} → {end} (répartition exacte, LMDI)",
    "expected savings (demand held)": "économies attendues (demande inchangée)",
    "actual savings": "économies réelles",
    "taken back by the rebound": "reprises par l’effet rebond",
    "stacking (older generations kept on)": "empilement (anciennes générations maintenues)",
    "{name} launched": "lancement de la {name}",
    "{name} energy per GB": "{name}, énergie par Go",
    "{name} idle power": "{name}, puissance à vide",
    "{name} energy use": "{name}, consommation",
    "saved nothing before demand reacted: R undefined":
        f"aucune économie avant la réaction de la demande{_NB}: R non défini",
    "no innovation inside the horizon": "aucune innovation dans l’horizon",
    "expected savings under {share} of use: R not computed":
        f"économies attendues sous {{share}} de la consommation{_NB}: R non calculé",
    "{quantity}: what each innovation saved": f"{{quantity}}{_NB}: ce que chaque innovation a économisé",
    "{quantity}: what each innovation saved,\nwhat the rebound and stacking took back":
        f"{{quantity}}{_NB}: ce que chaque innovation a économisé,\nce que l’effet rebond et l’empilement ont repris",
    "Cumulative {quantity}, {period} ({unit}, log scale)":
        "{quantity} cumulée, {period} ({unit}, échelle logarithmique)",
    "no rebound decomposition: {reason}": f"pas de décomposition du rebond{_NB}: {{reason}}",
    "traffic is forced": "le trafic est imposé",
    "no counterfactual runs": "pas de simulations contrefactuelles",
    "Climate change (use and manufacturing)": "Changement climatique (usage et fabrication)",
    # validation
    "Validation: simulation against observations, {period}":
        f"Validation{_NB}: simulation et observations, {{period}}",
    "simulated (actual run)": "simulé (scénario réel)",
    "observed": "observé",
    "{quantity}, index ({year} = 100)": "{quantity}, indice ({year} = 100)",
    "Index ({year} = 100)": "Indice ({year} = 100)",
    "{names}: {source}": f"{{names}}{_NB}: {{source}}",
    "not simulated: {what}": f"non simulé{_NB}: {{what}}",
    "index year {year} is outside the simulated years":
        "l’année de référence {year} est hors des années simulées",
    "no observations in this scenario": "aucune observation dans ce scénario",
    "no change over the horizon": "aucun changement sur l’horizon",
    "compute jobs": "tâches de calcul",
    "source: {source}": f"source{_NB}: {{source}}",
    "Energy per GB": "Énergie par Go",
    "Network energy (data-centre layers included)": "Énergie des réseaux (couches de centres de données comprises)",
    "Energy and climate change by part of the digital sector (stacked)":
        "Énergie et changement climatique par partie du secteur numérique (empilés)",
    "networks": "réseaux",
    "data centres": "centres de données",
    "Price of a GB": "Prix d’un Go",
    "Impact": "Impact",
    "Sites": "Sites",
    "Users": "Utilisateurs",
    "Equipment in service": "Équipements en service",
    # comparison
    "Energy use by scenario": "Consommation d’énergie par scénario",
    "Traffic by scenario": "Trafic par scénario",
    "Cumulative climate change {period} by life-cycle phase":
        "Changement climatique cumulé {period} par phase du cycle de vie",
    "Rebound R(t) by scenario": "Rebond R(t) par scénario",
    "Radio sites by generation and scenario (stacked)":
        "Sites radio par génération et par scénario (empilés)",
    "{label}: rebound not defined": f"{{label}}{_NB}: rebond non défini",
    "{value} vs {reference}": "{value} par rapport à {reference}",
    # graph
    "Dependency graph of scenario '{name}'": f"Graphe de dépendances du scénario «{_NB}{{name}}{_NB}»",
    "driver": "moteur",
    "service": "service",
    "flow": "flux",
    "generation": "génération",
    "layer": "couche",
    "workload": "calcul (centres de données)",
    "device": "terminal",
    "equipment": "équipement",
    "energy": "énergie",
    "impact": "impact",
    "users": "utilisateurs",
    "traffic": "trafic",
    # compare by year and attribution (figures of simulator.plots.comparison and .attribution)
    "Climate change by scenario": "Changement climatique par scénario",
    "totals from {year}": "cumuls depuis {year}",
    "every phase": "toutes les phases",
    "{quantity}: {note}": f"{{quantity}}{NBSP}: {{note}}",
    "no effect": "aucun effet",
    "interaction {value}": "interaction {value}",
    "all measures": "toutes les mesures",
    "difference to {parent}": "écart à {parent}",
    "cumulative {start}–{end}": "cumul {start}–{end}",
    "cumulative from {start} to the end of {year}": "cumul de {start} à fin {year}",
    "per year in {year}": "par an en {year}",
    "What each measure of '{scenario}' contributes ({what}, Shapley values)":
        f"Ce qu’apporte chaque mesure de «{NBSP}{{scenario}}{NBSP}» ({{what}}, valeurs de Shapley)",
    "cuts": "réduit", "adds": "augmente",
    "all measures: the difference": f"toutes les mesures{NBSP}: l’écart",
    "the measure alone": "la mesure seule",
    "exact Shapley values: each of the {runs} combinations of the {n} measures run":
        f"valeurs de Shapley exactes{NBSP}: chacune des {{runs}} combinaisons des {{n}} mesures simulée",
    "Shapley values sampled over {k} random orders of the {n} measures ({runs} runs), bars ± 1 standard error":
        "valeurs de Shapley estimées sur {k} ordres aléatoires des {n} mesures ({runs} simulations), barres ± 1 "
        "erreur type",
    "Note: {method}; each measure's bar is its average effect over every order of introducing the measures, and "
    "the bars add up to the difference; interaction = difference − sum of the effects alone":
        f"Note{NBSP}: {{method}}{NBSP}; la barre d’une mesure est son effet moyen sur tous les ordres "
        f"d’introduction des mesures, et les barres s’additionnent en l’écart{NBSP}; interaction = écart − somme "
        "des effets seuls",
    "{equipment} lifetime {years} yr from {year}": "durée de vie {equipment} {years} ans dès {year}",
    "{generation} switched off in {year}": "{generation} éteinte en {year}",
    "{services} traffic ×{factor} from {year}": "trafic {services} ×{factor} dès {year}",
    "traffic ×{factor} from {year}": "trafic ×{factor} dès {year}",
    "surcharge {rate} on the price of a GB from {year}": "surtaxe {rate} sur le prix du Go dès {year}",
    "grid {category} ×{factor} from {year}": f"électricité{NBSP}: {{category}} ×{{factor}} dès {{year}}",
    "no {measure}": "sans {measure}",
    # names of parameters (simulator.display.names)
    "{name} (changed)": "{name} (modifié)",
    "{name} (compute jobs)": "{name} (tâches de calcul)",
    "no network traffic in this scenario": "aucun trafic réseau dans ce scénario",
    "{name} in {year}": "{name} en {year}",
    "totals of each calendar year; a dot: the last year before a type stops being made":
        f"totaux de chaque année civile{_NN}; un point{_NB}: la dernière année avant l’arrêt de la fabrication "
        "d’un type",
}

#: Obvious words in scenario names (services, layers, devices, equipment), by language.
#: Anything not listed is shown as written, underscores as spaces.
DATA_WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "video": "vidéo",
        "web": "web",
        "web_apps": "web et applis",
        "voice_messaging": "voix et messagerie",
        "messaging": "messagerie",
        "data": "données",
        "mobile_data": "données mobiles",
        "network": "réseau",
        "data_centres": "centres de données",
        "data_centers": "centres de données",
        "core_transport": "cœur et transport",
        "core": "cœur de réseau",
        "smartphone": "smartphone",
        "devices": "terminaux",
        "electricity": "électricité",
        "radio_unit": "unité radio",
        "baseband_unit": "unité bande de base",
        "antenna_panel": "panneau d’antennes",
        "server": "serveur",
        "router": "routeur",
        "transport_router": "routeur de transport",
        "chip": "puce",
        "mobile": "mobile",
        "cable": "câble",
        "copper": "cuivre",
        "fixed": "fixe",
        "fixed_video": "vidéo sur réseau fixe",
        "fixed_web": "web sur réseau fixe",
        "fixed_core": "cœur de réseau fixe",
        "feature_phone": "téléphone simple",
        "tablet": "tablette",
        "laptop": "ordinateur portable",
        "desktop": "ordinateur fixe",
        "monitor": "écran",
        "tv": "téléviseur",
        "set_top_box": "décodeur TV",
        "iot": "objets connectés",
        "iot_module": "module d’objet connecté",
        "printer": "imprimante",
        "fixed_phone": "téléphone fixe",
        "internet_box": "box internet",
        "ai_training": "entraînement d’IA",
        "ai_inference": "inférence d’IA",
    },
}

_MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre")


def check_lang(lang: str) -> str:
    """``lang`` if figures can be drawn in it; ValueError naming the languages otherwise."""
    if lang not in LANGUAGES:
        raise UsageError(f"figure language {lang!r} is not supported; expected one of "
                         f"{', '.join(LANGUAGES)}")
    return lang


def tr(key: str, lang: str = "en", /, **fields: object) -> str:
    """``key`` (English text) in ``lang`` (English if the table has no translation), with
    ``fields`` filled in."""
    template = FRENCH.get(key, key) if lang == "fr" else key
    return template.format(**fields) if fields else template


def data_name(name: str, lang: str = "en") -> str:
    """A name from the scenario as shown where its label cannot be read:
    :func:`simulator.display.names.data_display_name` (``data_centres`` → ``Data centres``,
    ``Centres de données`` in French; ``gsm_trx`` → ``GSM TRX``). With the scenario at hand,
    :func:`simulator.display.names.display_name` also reads the entity's ``label``."""
    from .names import data_display_name  # names reads this module's tables

    return data_display_name(name, lang)


def localise(text: str, lang: str) -> str:
    """Numbers formatted the English way (``1,234.5``) written for ``lang`` (``1 234,5``)."""
    if lang != "fr":
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", NNBSP)


def number(value: float, spec: str = "g", lang: str = "en") -> str:
    """``format(value, spec)`` with the decimal mark and thousands separator of ``lang``;
    minus signs are true minus signs (−)."""
    return localise(format(value, spec), lang).replace("-", "−")


def percent(value: float, lang: str = "en", spec: str = ".0f") -> str:
    """``value`` (a fraction) in per cent: ``158 %`` (``158 %`` with a narrow space in French)."""
    space = NNBSP if lang == "fr" else " "
    return f"{number(100 * value, spec, lang)}{space}%"


def period_text(start: float, end: float) -> str:
    """``2010–2030``."""
    return f"{start:g}–{end:g}"


def window_text(window: tuple[float, float] | list[float], lang: str = "en", lines: int = 1) -> str:
    """The final-year window a value is a mean over: ``2049–2050 mean`` (``moyenne 2049–2050``);
    on two lines (a tick label) when ``lines`` is 2."""
    key = "{years}\nmean" if lines == 2 else "{years} mean"
    return tr(key, lang, years=period_text(*window))


def date_text(day: _dt.date, lang: str = "en") -> str:
    """``2026-11-29`` in English, ``29 novembre 2026`` in French."""
    if lang == "fr":
        return f"{day.day}{NBSP}{_MONTHS_FR[day.month - 1]}{NBSP}{day.year}"
    return day.isoformat()


# --- units ------------------------------------------------------------------------------

_BYTES = {"kB": "ko", "MB": "Mo", "GB": "Go", "TB": "To", "PB": "Po", "EB": "Eo", "ZB": "Zo"}
_NOUNS_FR = {"units": "unités", "sites": "sites", "users": "utilisateurs", "m³": "m³"}
_MULTIPLES_FR = {"thousand": "milliers", "million": "millions", "billion": "milliards"}
_QUALIFIERS_FR = {"Sb eq": "éq. Sb", "Cu eq": "éq. Cu"}


def unit_text(unit: str, lang: str = "en") -> str:
    """A display unit (``thousand units/yr``, ``EB/yr``, ``t Sb eq``) written for ``lang``
    (``milliers d’unités/an``, ``Eo/an``, ``t éq. Sb``)."""
    if lang != "fr" or not unit:
        return unit
    numerator, slash, denominator = unit.partition("/")
    denominator = {"yr": "an"}.get(denominator, _BYTES.get(denominator, denominator))
    for english, french in _QUALIFIERS_FR.items():
        numerator = numerator.replace(english, french)
    words = numerator.split(" ", 1)
    if words[0] in _MULTIPLES_FR and len(words) == 2:
        noun = _NOUNS_FR.get(words[1], words[1])
        of = "d’" if noun[:1] in "aeiouyéh" else "de "
        numerator = f"{_MULTIPLES_FR[words[0]]} {of}{noun}"
    else:
        numerator = " ".join(_NOUNS_FR.get(w, _BYTES.get(w, w)) for w in numerator.split(" "))
    return f"{numerator}{slash}{denominator}"


# --- notes of a comparison ----------------------------------------------------------------

_NOTES_FR = (
    (re.compile(r"^horizons differ \((?P<what>.*)\): compared on the common years (?P<years>.*)$"),
     f"les horizons diffèrent ({{what}}){_NB}: comparaison sur les années communes {{years}}"),
    (re.compile(r"^time steps differ \((?P<what>.*)\); totals are integrals over each run's own steps$"),
     f"les pas de temps diffèrent ({{what}}){_NN}; les totaux intègrent chaque simulation sur "
     "ses propres pas"),
)


def note_text(note: str, lang: str = "en") -> str:
    """A note of a comparison (written in English by :mod:`simulator.compare`) in ``lang``;
    notes this table does not know are left in English."""
    if lang == "fr":
        for pattern, template in _NOTES_FR:
            found = pattern.match(note)
            if found:
                return template.format(**{k: localise_years(v) for k, v in found.groupdict().items()})
    return note


def localise_years(text: str) -> str:
    """``2010-2030`` → ``2010–2030`` (an en dash between years)."""
    return re.sub(r"(\d)-(\d)", "\\1–\\2", text)


# --- uncertainty and exploration figures (simulator.plots.fan, .sweeps, .sensitivity) ----------

#: Words of the uncertainty figures in French; merged into :data:`FRENCH` without replacing
#: a translation already there.
UNCERTAINTY_FRENCH: dict[str, str] = {
    "Source: jevons {version} {what}, scenario '{name}'{period}{seed}, {date}":
        f"Source{_NB}: {{what}} jevons {{version}}, scénario «{_NB}{{name}}{_NB}»{{period}}{{seed}}, {{date}}",
    ", seed {seed}": ", graine {seed}",
    "Monte Carlo simulations": "simulations de Monte-Carlo",
    "parameter sweep": "balayage de paramètres",
    "sensitivity analysis": "analyse de sensibilité",
    "{name} (%)": "{name} (%)",
    "{name} (%, log scale above 100)": "{name} (%, échelle log. au-delà de 100)",
    # fan chart
    "Rebound R(t)": "Rebond R(t)",
    "Uncertainty over {members} Monte Carlo runs, {period}":
        "Incertitude sur {members} tirages de Monte-Carlo, {period}",
    "Uncertainty over Monte Carlo runs, {period}": "Incertitude sur des tirages de Monte-Carlo, {period}",
    "5–95 % of runs": f"5–95{_NN}% des tirages",
    "25–75 % of runs": f"25–75{_NN}% des tirages",
    "median": "médiane",
    "scenario as written": "scénario tel qu’écrit",
    "not in this ensemble": "absent de cet ensemble",
    # fan chart of a difference (simulator.plots.fan_difference)
    "{scenario} − {reference}: {members} runs on the same draws":
        f"{{scenario}} − {{reference}}{_NB}: {{members}} tirages communs",
    "Difference ({unit})": "Écart ({unit})",
    "scenarios as written": "scénarios tels qu’écrits",
    "below 0: {scenario} is lower than {reference}":
        f"sous 0{_NB}: {{scenario}} est plus bas que {{reference}}",
    # sweep
    "Cumulative energy": "Énergie cumulée",
    "Cumulative climate change": "Changement climatique cumulé",
    "Cumulative traffic": "Trafic cumulé",
    "Cumulative rebound R": "Rebond cumulé R",
    "Cumulative results {period} against {param}": f"Résultats cumulés {{period}}, balayage{_NB}: {{param}}",
    "Cumulative results against {param}": f"Résultats cumulés, balayage{_NB}: {{param}}",
    "scenario as written ({value})": "scénario tel qu’écrit ({value})",
    "not in this sweep": "absent de ce balayage",
    "price elasticity (1)": "élasticité-prix (1)",
    "price elasticity": "élasticité-prix",
    "efficiency gain (fraction per year)": "gain d’efficacité (fraction par an)",
    "efficiency gain (1/yr)": "gain d’efficacité (1/an)",
    # Jevons map
    "Where efficiency backfires: {name}, {period}": f"Quand l’efficacité se retourne{_NB}: {{name}}, {{period}}",
    "Where efficiency backfires: {name}": f"Quand l’efficacité se retourne{_NB}: {{name}}",
    "Energy induced by the demand response, {period}": "Énergie induite par la réaction de la demande, {period}",
    "Energy induced by the demand response": "Énergie induite par la réaction de la demande",
    "{name}, %": "{name}, en %",
    "{name} (log scale)": "{name} (échelle log.)",
    # the measure an ensemble reports (--measure)
    "Induced energy (actual − engineering) / engineering": "Énergie induite (réel − ingénieur) / ingénieur",
    "Induced energy (A − E)/E": "Énergie induite (réel − ing.)/ing.",
    "(A − E)/E": "(réel − ing.) / ing.",
    "A: actual run; E: engineering estimate, the same technology with demand not reacting to the cost of a GB":
        f"réel{_NB}: la simulation{_NN}; ing.{_NB}: l’estimation d’ingénieur, même technologie mais la demande "
        "ne réagit pas au coût du Go",
    "Rebound R(t) against {year} technology": "Rebond R(t) par rapport à la technologie de {year}",
    "Rolling rebound {symbol}(t)": "Rebond glissant {symbol}(t)",
    "Rolling rebound {symbol} at {year}": "Rebond glissant {symbol} en {year}",
    "Marginal rebound": "Rebond marginal",
    "Marginal rebound at {year}": "Rebond marginal en {year}",
    "marginal rebound": "rebond marginal",
    "Rebound R(t), innovation: {what}": f"Rebond R(t), innovation{_NB}: {{what}}",
    "Cumulative rebound R, innovation: {what}": f"Rebond cumulé R, innovation{_NB}: {{what}}",
    "{name} launch": "lancement ({name})",
    "{name} energy per GB gain": "baisse de l’énergie par Go ({name})",
    "{name} idle power gain": "baisse de la puissance à vide ({name})",
    "{name} efficiency gain": "gain d’efficacité ({name})",
    "backfire\n(R > 100 %)": f"retour de flamme\n(R > 100{_NN}%)",
    "partial rebound\n(R < 100 %)": f"rebond partiel\n(R < 100{_NN}%)",
    "R = 100 %: the savings are all taken back": f"R = 100{_NN}%{_NB}: les économies sont toutes reprises",
    "R undefined (no savings expected)": "R non défini (aucune économie attendue)",
    "backfire everywhere in this range": "retour de flamme partout sur ce domaine",
    "no backfire in this range": "pas de retour de flamme sur ce domaine",
    # sensitivity
    "Sobol indices of the cumulative results": "Indices de Sobol des résultats cumulés",
    "Morris screening of the cumulative results": "Criblage de Morris des résultats cumulés",
    "Rebound R": "Rebond R",
    "total order ST (with interactions)": "ordre total ST (avec interactions)",
    "first order S1 (alone)": "premier ordre S1 (seul)",
    "μ* (mean absolute effect)": "μ* (effet absolu moyen)",
    "σ (spread: interactions, non-linearity)": f"σ (dispersion{_NB}: interactions, non-linéarité)",
    "{level} confidence interval": "intervalle de confiance à {level}",
    "Sobol index (1)": "indice de Sobol (1)",
    "percentage points": "points de %",
    "unit of the output": "unité de la sortie",
    "not computed": "non calculé",
    "{count} less influential parameters not shown": "{count} paramètres moins influents non montrés",
}
FRENCH.update({key: text for key, text in UNCERTAINTY_FRENCH.items() if key not in FRENCH})


# --- the report (simulator.reporting) ----------------------------------------------------------

#: Words of `jevons report` in French; merged into :data:`FRENCH` without replacing a translation already there.
REPORT_FRENCH: dict[str, str] = {
    "Report of the jevons {version} simulation of the scenario '{name}', {period}":
        f"Rapport de la simulation jevons {{version}} du scénario «{_NB}{{name}}{_NB}», {{period}}",
    "Contents": "Sommaire",
    "The question": "La question",
    "Scope": "Périmètre",
    "Method: the rebound measures": f"Méthode{_NB}: les mesures de l’effet rebond",
    "Results": "Résultats",
    "Comparison": "Comparaison",
    "Validation against observations": "Validation par les observations",
    "Uncertainty": "Incertitude",
    "Assumptions": "Hypothèses",
    "Version and manifest": "Version et manifeste",
    # scope
    "What": "Quoi",
    "In this scenario": "Dans ce scénario",
    "Horizon": "Horizon",
    "step {step} yr": "pas de {step} an",
    "seed {seed}": "graine {seed}",
    "Access networks": "Réseaux d’accès",
    "one access network": "un seul réseau d’accès",
    "Generations": "Générations",
    "Network layers (core, transport)": "Couches de réseau (cœur, transport)",
    "Data centres": "Centres de données",
    "Devices": "Terminaux",
    "Networks": "Réseaux",
    "impacts (5 categories)": "impacts (5 catégories)",
    "Equipment types": "Types d’équipements",
    "Services": "Services",
    "Impact categories assessed": "Catégories d’impact évaluées",
    "Policies": "Politiques",
    "Targets": "Objectifs",
    "Observations": "Observations",
    "Uncertain parameters": "Paramètres incertains",
    "none": "aucun",
    # method
    "A rebound is always measured against a named, bounded efficiency improvement: what the improvement was "
    "expected to save, with demand held where it was, against what it saved once demand reacted to the cheaper "
    "gigabyte: R = 1 − actual savings / expected savings (Saunders 1992; Sorrell 2007). R = 0: no rebound; "
    "0 < R < 1: part of the gain taken back; R > 1: backfire, the Jevons paradox.":
        f"Un effet rebond se mesure toujours par rapport à un gain d’efficacité nommé et délimité{_NB}: ce que ce "
        "gain devait économiser, la demande restant où elle était, face à ce qu’il a économisé une fois que la "
        f"demande a réagi au gigaoctet moins cher{_NB}: R = 1 − économies réelles / économies attendues "
        f"(Saunders 1992{_NN}; Sorrell 2007). R = 0{_NB}: pas de rebond{_NN}; 0 < R < 1{_NB}: une partie du gain "
        f"reprise{_NN}; R > 1{_NB}: effet boomerang, le paradoxe de Jevons.",
    "It is the direct price rebound: cheaper gigabytes bring more gigabytes. Income effects (money saved spent "
    "elsewhere), time-use rebounds and frontier effects (new uses made possible) are outside the model, so its "
    "rebound is a lower bound of the economy-wide one (Sorrell 2007; Coroama & Mattern 2019).":
        f"C’est l’effet rebond direct par le prix{_NB}: des gigaoctets moins chers en font consommer davantage. "
        "Les effets de revenu (l’argent économisé dépensé ailleurs), les rebonds de temps et les effets de "
        f"frontière (de nouveaux usages rendus possibles) sont hors du modèle{_NN}; son rebond est donc une borne "
        f"basse de celui de l’économie entière (Sorrell 2007{_NN}; Coroama & Mattern 2019).",
    "measure": "mesure",
    "what it compares": "ce qu’elle compare",
    "period": "période",
    "rolling rebound R_Δ(t)": "rebond glissant R_Δ(t)",
    "per innovation (freeze one innovation)": "par innovation (geler une innovation)",
    "Actual use minus the engineering estimate, the same technology path with demand not reacting to the price "
    "of a GB. It is what the demand response added, in TWh or Mt CO2e and in %; it needs no choice of a "
    "\"before\".":
        "La consommation réelle moins l’estimation d’ingénieur, même trajectoire technique mais une demande qui "
        "ne réagit pas au prix du Go. C’est ce que la réaction de la demande a ajouté, en TWh ou Mt CO2e et en "
        f"%{_NN}; elle ne demande pas de choisir un «{_NB}avant{_NB}».",
    "The rebound of the efficiency gained over the last Δ years (rebound.window, default 5): the technology of "
    "t − Δ carrying the demand of t, against the actual technology with demand held at the cost of t − Δ.":
        "Le rebond de l’efficacité gagnée sur les Δ dernières années (rebound.window, 5 par défaut)"
        f"{_NB}: la technique de t − Δ portant la demande de t, face à la technique réelle avec la demande "
        "maintenue au coût de t − Δ.",
    "Saunders' 1 + ∂lnE/∂lnη: how use responds to one more percent of efficiency everywhere, by raising every "
    "efficiency path by 0.1 %.":
        f"Le 1 + ∂lnE/∂lnη de Saunders{_NB}: comment l’usage répond à un pour cent d’efficacité en plus partout, "
        f"en relevant chaque trajectoire d’efficacité de 0,1{_NN}%.",
    "\"Freeze one innovation\" (Hilty et al. 2006): for each generation launched inside the horizon and each "
    "efficiency stream, the run without it and its engineering twin give what it was expected to save, what it "
    "saved and R.":
        f"«{_NB}Geler une innovation{_NB}» (Hilty et al. 2006){_NB}: pour chaque génération lancée dans "
        "l’horizon et chaque gain d’efficacité, la simulation sans elle et son jumeau d’ingénieur donnent ce "
        "qu’elle devait économiser, ce qu’elle a économisé et R.",
    "The technology of time.start carrying all demand; headlined only while frozen/actual ≤ "
    "rebound.frozen_headline_limit (10).":
        f"La technique de time.start portant toute la demande{_NN}; mise en avant seulement tant que "
        "figé/réel ≤ rebound.frozen_headline_limit (10).",
    "{count} innovation": "{count} innovation",
    "{count} innovations": "{count} innovations",
    "The simulation says": "La simulation dit",
    # results
    "Headline figures": "Chiffres clés",
    "By part of the digital sector (cumulative)": "Par partie du numérique (cumulé)",
    "quantity": "grandeur",
    "actual, {period}": "réel, {period}",
    "final year ({period} mean)": "dernière année (moyenne {period})",
    "note": "note",
    "partial": "partiel",
    # comparison
    "Scenarios compared, the first being the reference": "Scénarios comparés, le premier servant de référence",
    "statistic": "statistique",
    "scenario": "scénario",
    "value": "valeur",
    "{name} (difference to the first)": "{name} (écart au premier)",
    "cumulative": "cumulé",
    "final year": "dernière année",
    "calendar year mean": "moyenne de l’année civile",
    "cumulative since": "cumulé depuis",
    # validation
    "observation": "observation",
    "year": "année",
    "simulated": "simulé",
    "gap": "écart",
    "unit": "unité",
    "source": "source",
    # uncertainty
    "{members} Monte Carlo runs (seed {seed}) drawn from the scenario's uncertainty: section; measure: "
    "{measure}.":
        f"{{members}} tirages de Monte-Carlo (graine {{seed}}) selon la section uncertainty{_NB}: du "
        f"scénario{_NN}; mesure{_NB}: {{measure}}.",
    "Probability of backfire ({quantity})": "Probabilité d’effet boomerang ({quantity})",
    "parameter": "paramètre",
    "distribution": "loi",
    "values": "valeurs",
    # assumptions
    "Every parameter of the scenario as resolved (after extends and --set), with the unit written or the unit "
    "of its field, and the comment written beside it in the scenario file (or above it, or beside its table): "
    "the scenario's sources. {count} parameters.":
        "Chaque paramètre du scénario tel que résolu (après extends et --set), avec l’unité écrite ou celle de "
        "son champ, et le commentaire écrit à côté dans le fichier du scénario (ou au-dessus, ou à côté de sa "
        f"table){_NB}: les sources du scénario. {{count}} paramètres.",
    "source (the scenario's comment)": "source (le commentaire du scénario)",
    "file:line": "fichier:ligne",
    "(as above)": "(idem)",
    # version
    "jevons version": "version de jevons",
    "command": "commande",
    "scenario {name} sha256": "sha256 du scénario {name}",
    "manifest sha256": "sha256 du manifeste",
    "The manifest (resolved scenario, software versions)": "Le manifeste (scénario résolu, versions des logiciels)",
}
FRENCH.update({key: text for key, text in REPORT_FRENCH.items() if key not in FRENCH})

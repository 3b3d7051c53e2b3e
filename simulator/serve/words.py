"""Words of the live page in English and French, the verdict line a class reads, and the warning
of an implausible run.

The page speaks to a class, not to the report's readers: its lines are named by what they show
("expected: efficiency alone", not "engineering estimate"), each has a sentence of help, and the
page names the Jevons paradox. The figures' words come from :mod:`simulator.display.i18n`; the
page's own are in :data:`FRENCH`, with the same conventions: keys in English, a no-break space
before ``:``, a narrow one before ``%`` and ``;``, the typographic apostrophe. The verdict's
wording is :func:`simulator.rebound.verdict`'s (one verdict for every output).
"""

from __future__ import annotations

import math

from .. import rebound as measures
from ..display.i18n import NBSP, NNBSP, number, tr
from ..display.numbers import signed_percent, three_figures
from ..display.style import results_period, scale_for
from ..results import Results
from .plausibility import WORLD_KWH_PER_PERSON, implausible

_NB = NBSP
_NN = NNBSP

#: The page's own words: English → French.
FRENCH: dict[str, str] = {
    # heading and toolbar
    "The Jevons paradox: when efficiency leads to more consumption, not less.":
        f"Le paradoxe de Jevons{_NB}: quand l’efficacité fait consommer plus, et non moins.",
    "Reset": "Réinitialiser",
    "Projector view": "Vue projecteur",
    "Full view": "Vue complète",
    "Same axes for every setting": "Mêmes axes pour tous les réglages",
    "Pin this run": "Épingler ce réglage",
    "Unpin": "Désépingler",
    "Link to these settings": "Lien vers ces réglages",
    "pinned: {settings}": f"épinglé{_NB}: {{settings}}",
    "Move a slider: the simulation runs again and the charts follow.":
        f"Bougez un curseur{_NB}: la simulation est relancée et les graphiques suivent.",
    "This file holds {count} simulations computed in advance: the sliders move from one to the next. "
    "Everything else is as in the scenario.":
        f"Ce fichier contient {{count}} simulations calculées à l’avance{_NB}: les curseurs passent de l’une à "
        "l’autre. Tout le reste est comme dans le scénario.",
    "Cannot run these values: {message}": f"Impossible de simuler ces valeurs{_NB}: {{message}}",
    "The server does not answer (is jevons serve still running?)":
        f"Le serveur ne répond pas (jevons serve tourne-t-il encore{_NN}?)",
    # sliders
    "A GB 10 % cheaper → about {value} more use": f"Un Go 10{_NN}% moins cher → environ {{value}} d’usage en plus",
    "A GB 10 % cheaper → no more use": f"Un Go 10{_NN}% moins cher → pas plus d’usage",
    "Q{quarter}": "T{quarter}",
    "after {end}": "après {end}",
    # charts
    "Energy used, and what it would have been": "Énergie consommée, et ce qu’elle aurait été",
    "Rebound: expected savings taken back by more use":
        f"Rebond{_NB}: économies attendues reprises par l’usage accru",
    "Rebound: savings of the last {years} years’ efficiency taken back by more use":
        f"Rebond{_NB}: économies des {{years}} dernières années reprises par l’usage accru",
    "Where the energy goes (stacked)": "Où va l’énergie (empilé)",
    "Greenhouse gases: making, using, discarding equipment":
        f"Gaz à effet de serre{_NB}: fabrication, usage, fin de vie",
    "Rebound (%)": "Rebond (%)",
    "Emissions ({unit})": "Émissions ({unit})",
    "log scale": "échelle log.",
    "linear scale": "échelle linéaire",
    "widened for these settings": "élargie pour ces réglages",
    "Other charts": "Autres graphiques",
    "Rebound": "Rebond",
    "Where the energy goes": "Où va l’énergie",
    "Greenhouse gases": "Gaz à effet de serre",
    "The address sets “{label}” to {value}, which the slider does not offer ({min} to {max}): it is at {shown} "
    "instead.":
        f"L’adresse règle «{_NB}{{label}}{_NB}» à {{value}}, une valeur que le curseur n’offre pas (de {{min}} à "
        f"{{max}}){_NB}: il est placé à {{shown}}.",
    "What do these lines mean?": f"Que montrent ces courbes{_NN}?",
    "What do these colours mean?": f"Que montrent ces couleurs{_NN}?",
    # lines and their help
    "energy used": "énergie consommée",
    "expected: efficiency alone": f"attendu{_NB}: efficacité seule",
    "with {year} technology": "avec la technologie de {year}",
    "rebound: savings taken back": f"rebond{_NB}: économies reprises",
    "backfire: above {year} technology": f"effet boomerang{_NB}: au-dessus de la technologie de {{year}}",
    "rebound": "rebond",
    "no rebound (0 %)": f"pas de rebond (0{_NN}%)",
    "backfire above 100 %": f"effet boomerang au-delà de 100{_NN}%",
    "What the system uses in the simulation: better technology, and more use as data gets cheaper.":
        f"Ce que le système consomme dans la simulation{_NB}: une technologie meilleure, et plus d’usage quand "
        "les données deviennent moins chères.",
    "What an engineer would expect: the same better technology, with use as if data had not got cheaper.":
        f"Ce qu’attendrait un ingénieur{_NB}: la même technologie améliorée, avec un usage qui ne réagit pas "
        "à la baisse du prix des données.",
    "The energy with the technology of {year} kept unchanged: no efficiency gain, so no cheaper data either.":
        f"L’énergie avec la technologie de {{year}} restée telle quelle{_NB}: aucun gain d’efficacité, donc pas "
        "de données moins chères non plus.",
    "The savings the engineer expected that the extra use took back.":
        "Les économies attendues par l’ingénieur que l’usage supplémentaire a reprises.",
    "More energy than with the technology of {year}: efficiency raised consumption (the Jevons paradox).":
        f"Plus d’énergie qu’avec la technologie de {{year}}{_NB}: l’efficacité a augmenté la consommation "
        "(le paradoxe de Jevons).",
    "The share of the expected savings taken back: 0 % none, 100 % all of them, above 100 % backfire.":
        f"La part des économies attendues qui est reprise{_NB}: 0{_NN}% aucune, 100{_NN}% toutes, au-delà de "
        f"100{_NN}% effet boomerang.",
    "The same line for the pinned settings, to compare with the live one.":
        "La même courbe pour le réglage épinglé, à comparer avec la courbe en direct.",
    "Energy of the {name} radio network.": "Énergie du réseau radio {name}.",
    "Energy of this layer of the network, which every GB crosses: {name}.":
        f"Énergie de cette couche du réseau, que chaque Go traverse{_NB}: {{name}}.",
    "Electricity of the users’ devices: {name}.": f"Électricité des terminaux des utilisateurs{_NB}: {{name}}.",
    "Emissions from making the equipment.": "Émissions de la fabrication des équipements.",
    "Emissions from producing the electricity used.": "Émissions de la production de l’électricité consommée.",
    "Emissions from discarding the equipment.": "Émissions de la mise au rebut des équipements.",
    # the closed form
    "The formula behind the chart": "La formule derrière le graphique",
    "Energy per GB in {end} vs {start}": "Énergie par Go en {end} par rapport à {start}",
    "Energy used ÷ energy with {start} technology": "Énergie consommée ÷ énergie avec la technologie de {start}",
    "simulation": "simulation",
    "ε: price elasticity": f"ε{_NB}: élasticité-prix",
    # verdict detail and warning
    "Energy used: {value} compared with efficiency alone, {period}.":
        f"Énergie consommée{_NB}: {{value}} par rapport à l’efficacité seule, {{period}}.",
    "Not plausible: in {year} this system would use {energy} a year, {per_user} kWh per user, {ratio} times the "
    "electricity an average person on Earth uses for everything ({reference} kWh a year in 2023). The model is "
    "far outside anything observed.":
        f"Peu plausible{_NB}: en {{year}}, ce système consommerait {{energy}} par an, soit {{per_user}} kWh par "
        f"utilisateur, {{ratio}} fois l’électricité qu’un habitant de la Terre consomme en moyenne pour tous ses "
        f"usages ({{reference}} kWh par an en 2023). Le modèle est loin de tout ce qui a été observé.",
}


def say(key: str, lang: str = "en", /, **fields: object) -> str:
    """``key`` in ``lang``: from the page's table, else from the figures' (:func:`~simulator.display.i18n.tr`)."""
    if lang == "fr" and key in FRENCH:
        return FRENCH[key].format(**fields) if fields else FRENCH[key]
    return tr(key, lang, **fields)


def verdict(results: Results, lang: str = "en") -> dict[str, str]:
    """What the class sees: the one verdict of :func:`simulator.rebound.verdict` (the real change of
    energy, then the headline rebound with what it is measured against), its ``kind`` (``backfire``,
    ``full``, ``partial``, ``none``, ``negative`` or ``undefined``) for the colour of the line, and as
    ``detail`` how much more energy the actual run uses than efficiency alone would have."""
    if not results.has_rebound:
        return {"kind": "undefined", "text": say("traffic is forced: rebound not meaningful", lang), "detail": ""}
    found = measures.verdict(results, "energy")
    induced = results.induced("energy")
    detail = say("Energy used: {value} compared with efficiency alone, {period}.", lang,
                 value=signed_percent(induced, lang), period=results_period(results)) if induced is not None else ""
    return {"kind": found["kind"], "text": found["text"][lang], "detail": detail}


def warning(results: Results, lang: str = "en") -> str:
    """The page's warning when the run is not plausible (:func:`~simulator.serve.plausibility.implausible`),
    else an empty string."""
    found = implausible(results)
    if found is None:
        return ""
    scale = scale_for(results.unit("energy"), found["energy"], lang=lang)
    unit = scale.unit.removesuffix("/yr").removesuffix("/an")  # "a year" follows
    energy = f"{three_figures(float(scale(found['energy'])), lang)} {unit}"
    return say("Not plausible: in {year} this system would use {energy} a year, {per_user} kWh per user, {ratio} "
               "times the electricity an average person on Earth uses for everything ({reference} kWh a year in "
               "2023). The model is far outside anything observed.", lang,
               year=str(math.floor(found["year"])), energy=energy, per_user=three_figures(found["per_user"], lang),
               ratio=three_figures(found["ratio"], lang), reference=number(WORLD_KWH_PER_PERSON, ",.0f", lang))

"""Words of the live page in English and French, and the verdict line a class reads.

Words the figures already have come from :mod:`simulator.plots.i18n` (one translation for the
report and the page); the page's own words are in :data:`FRENCH`, with the same conventions:
keys in English, a no-break space before ``:``, a narrow one before ``%``, the typographic
apostrophe.
"""

from __future__ import annotations

from .. import rebound as measures
from ..display.i18n import NBSP, tr
from ..display.numbers import signed_percent
from ..display.style import results_period
from ..results import Results

_NB = NBSP

#: The page's own words: English → French.
FRENCH: dict[str, str] = {
    "Energy use: actual, engineering estimate, frozen technology":
        f"Énergie consommée{_NB}: réelle, estimation d’ingénieur, technologie figée",
    "Rebound R(t)": "Rebond R(t)",
    "Rebound R(t) against {year} technology": "Rebond R(t) par rapport à la technologie de {year}",
    "Rebound R(t) of the efficiency gained over the previous {years} years":
        "Rebond R(t) de l’efficacité gagnée pendant les {years} années précédentes",
    "Energy by generation (stacked)": "Énergie par génération (empilée)",
    "Climate change by life-cycle phase": "Changement climatique par phase du cycle de vie",
    "rebound R": "rebond R",
    "Reset": "Réinitialiser",
    "Each move reruns the simulation with its counterfactuals.":
        "Chaque mouvement relance la simulation et ses contrefactuels.",
    "Precomputed grid: {count} runs of the simulation; other values as in the scenario.":
        f"Grille précalculée{_NB}: {{count}} simulations{_NB}; les autres valeurs sont celles du scénario.",
    "Cannot run these values: {message}": f"Impossible de simuler ces valeurs{_NB}: {{message}}",
    "The server does not answer (is jevons serve still running?)":
        f"Le serveur ne répond pas (jevons serve tourne-t-il encore{_NB}?)",
    "Energy use {value} vs the engineering estimate (no rebound), {period}.":
        "Énergie consommée {value} par rapport à l’estimation d’ingénieur (sans rebond), {period}.",
}


def say(key: str, lang: str = "en", /, **fields: object) -> str:
    """``key`` in ``lang``: from the page's table, else from the figures' (:func:`~simulator.plots.i18n.tr`)."""
    if lang == "fr" and key in FRENCH:
        return FRENCH[key].format(**fields) if fields else FRENCH[key]
    return tr(key, lang, **fields)


def verdict(results: Results, lang: str = "en") -> dict[str, str]:
    """What the class sees: the one verdict of :func:`simulator.rebound.verdict` (the real change of
    energy, then the headline rebound with what it is measured against), its ``kind`` (``backfire``,
    ``full``, ``partial``, ``none``, ``negative`` or ``undefined``) for the colour of the line, and as
    ``detail`` how much more energy the actual run uses than the engineering estimate."""
    if not results.has_rebound:
        return {"kind": "undefined", "text": say("traffic is forced: rebound not meaningful", lang), "detail": ""}
    found = measures.verdict(results, "energy")
    induced = results.induced("energy")
    detail = say("Energy use {value} vs the engineering estimate (no rebound), {period}.", lang,
                 value=signed_percent(induced, lang), period=results_period(results)) if induced is not None else ""
    return {"kind": found["kind"], "text": found["text"][lang], "detail": detail}

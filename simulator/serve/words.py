"""Words of the live page in English and French, and the verdict line a class reads.

Words the figures already have come from :mod:`simulator.plots.i18n` (one translation for the
report and the page); the page's own words are in :data:`FRENCH`, with the same conventions:
keys in English, a no-break space before ``:``, a narrow one before ``%``, the typographic
apostrophe.
"""

from __future__ import annotations

from ..plots.common import percent_text, signed_percent
from ..plots.i18n import NBSP, tr
from ..plots.style import results_period
from ..results import Results, rebound_verdict

_NB = NBSP

#: The page's own words: English → French.
FRENCH: dict[str, str] = {
    "Energy use: actual, engineering estimate, frozen technology":
        f"Énergie consommée{_NB}: réelle, estimation d’ingénieur, technologie figée",
    "Rebound R(t)": "Rebond R(t)",
    "Energy by generation (stacked)": "Énergie par génération (empilée)",
    "Climate change by life-cycle phase": "Changement climatique par phase du cycle de vie",
    "rebound R": "rebond R",
    "Reset": "Réinitialiser",
    "Each move reruns the simulation with its two counterfactuals.":
        "Chaque mouvement relance la simulation et ses deux contrefactuels.",
    "Precomputed grid: {count} runs of the simulation; other values as in the scenario.":
        f"Grille précalculée{_NB}: {{count}} simulations{_NB}; les autres valeurs sont celles du scénario.",
    "Cannot run these values: {message}": f"Impossible de simuler ces valeurs{_NB}: {{message}}",
    "The server does not answer (is jevons serve still running?)":
        f"Le serveur ne répond pas (jevons serve tourne-t-il encore{_NB}?)",
    "Backfire: consumption rises with efficiency (rebound {value})":
        f"Retour de flamme{_NB}: la consommation augmente avec l’efficacité (rebond {{value}})",
    "Full rebound: the savings are entirely taken back (rebound {value})":
        f"Rebond total{_NB}: les économies sont entièrement reprises (rebond {{value}})",
    "Savings, partial rebound {value}": "Économies, rebond partiel de {value}",
    "Savings, no rebound": "Économies, pas de rebond",
    "More savings than engineered (rebound {value})": "Plus d’économies que prévu (rebond {value})",
    "Rebound undefined: efficiency does not change": f"Rebond non défini{_NB}: l’efficacité ne change pas",
    "Energy use {value} vs the engineering estimate (no rebound), {period}.":
        "Énergie consommée {value} par rapport à l’estimation d’ingénieur (sans rebond), {period}.",
}


def say(key: str, lang: str = "en", /, **fields: object) -> str:
    """``key`` in ``lang``: from the page's table, else from the figures' (:func:`~simulator.plots.i18n.tr`)."""
    if lang == "fr" and key in FRENCH:
        return FRENCH[key].format(**fields) if fields else FRENCH[key]
    return tr(key, lang, **fields)


#: The verdict line for each kind of :func:`~simulator.results.rebound_verdict`.
VERDICTS = {
    "undefined": "Rebound undefined: efficiency does not change",
    "backfire": "Backfire: consumption rises with efficiency (rebound {value})",
    "full": "Full rebound: the savings are entirely taken back (rebound {value})",
    "none": "Savings, no rebound",
    "partial": "Savings, partial rebound {value}",
    "negative": "More savings than engineered (rebound {value})",
}


def verdict(results: Results, lang: str = "en") -> dict[str, str]:
    """What the class sees, from the cumulative energy rebound R over the horizon.

    ``kind`` is ``backfire`` (R > 1: efficiency raised consumption, the Jevons paradox),
    ``full`` (R ≈ 1), ``partial`` (0 < R < 1), ``none`` (R ≈ 0 and the actual run uses what the
    engineering estimate says), ``negative`` (demand fell) or ``undefined`` (no expected
    savings, or traffic forced); ``text`` says it in words; ``detail`` says how much more energy
    the actual run uses than the engineering estimate, the figure that stays readable when a
    long horizon makes R small (the baseline's 0.1 % is +27 %; see :mod:`simulator.results`).
    """
    if not results.has_rebound:
        return {"kind": "undefined", "text": say("traffic is forced: rebound not meaningful", lang), "detail": ""}
    r, induced = results.cumulative_rebound("energy"), results.induced("energy")
    kind = rebound_verdict(r, induced)
    value = percent_text(r, lang) if r is not None else ""
    text = say(VERDICTS[kind], lang, value=value)
    if kind == "undefined":
        return {"kind": kind, "text": text, "detail": ""}
    detail = say("Energy use {value} vs the engineering estimate (no rebound), {period}.", lang,
                 value=signed_percent(induced, lang), period=results_period(results)) if induced is not None else ""
    return {"kind": kind, "text": text, "detail": detail}

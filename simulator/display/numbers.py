"""Numbers in words for figures and the live page, in English or French (no matplotlib here)."""

from __future__ import annotations

import math

from .i18n import NNBSP, number, percent, tr


def plain_number(value: float, lang: str = "en") -> str:
    """1, 2.5, 10, 1,000 (1 000 in French), 0.5 (0,5)."""
    if abs(value) >= 1000:
        return number(value, ",.0f", lang)
    return number(value, ".3g", lang)


_COUNT_WORDS = {
    "en": ((1e9, "billion", "billion"), (1e6, "million", "million"), (1e3, "thousand", "thousand")),
    # French writes thousands as digits (10 000) and puts million, milliard in the plural from 2.
    "fr": ((1e9, "milliard", "milliards"), (1e6, "million", "millions")),
}


def count_in_words(value: float, lang: str = "en") -> str:
    """A count as read aloud: 500, 10 thousand, 2 million, 1 billion (500, 10 000, 2 millions)."""
    for factor, one, many in _COUNT_WORDS.get(lang, _COUNT_WORDS["en"]):
        if value >= factor:
            shown = value / factor
            return f"{number(shown, 'g', lang)} {many if shown >= 2 else one}"
    return plain_number(value, lang)


def three_figures(value: float, lang: str = "en") -> str:
    """3 significant figures, thousands separated: 5.46, 13.1, 7,140 (5,46 ; 13,1 ; 7 140)."""
    if abs(value) >= 1000:
        return number(float(f"{value:.3g}"), ",.0f", lang)
    return number(value, ".3g", lang)


def factor_text(ratio: float, lang: str = "en") -> str:
    """``×13.1`` for growth, ``÷9.4`` for a fall."""
    if not math.isfinite(ratio) or ratio <= 0:
        return "n/a" if lang == "en" else "n.d."
    if ratio >= 1:
        return f"×{three_figures(ratio, lang)}"
    return f"÷{three_figures(1 / ratio, lang)}"


def percent_text(value: float | None, lang: str = "en") -> str:
    """``158 %``, ``42,814 %`` (``42 814 %``); two significant figures below 10 % (``0.1 %``); ``undefined``
    for None."""
    if value is None:
        return tr("undefined", lang)
    return percent(value, lang, ",.0f" if abs(value) >= 0.1 else ".2g")


def signed_percent(value: float, lang: str = "en") -> str:
    """``+27 %``, ``−3 %``, ``+114,534 %`` (a fraction in per cent, sign always shown, thousands separated)."""
    space = NNBSP if lang == "fr" else " "
    return f"{'+' if value >= 0 else '−'}{number(abs(100 * value), ',.0f', lang)}{space}%"

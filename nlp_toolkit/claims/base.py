"""Shared pieces of the English and Chinese extractors: the number-span record and claim construction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from ..document import Claim
from .normalize import LastTexts, Normalized  # noqa: F401  (LastTexts: re-exported)
from .lexicon import SECONDS

#: a bound turned over by a negation ("never more than" -> at most)
NEGATE = {"more_than": "at_most", "less_than": "at_least", "at_least": "less_than", "at_most": "more_than"}
#: duration units that are a multiple of another, expressed in that one in the stated form, as a translation
#: usually states them ("two decades" = 二十年, "a fortnight" = 两周)
IN_BASE_UNIT = {"decade": ("year", 10), "century": ("year", 100), "fortnight": ("week", 2)}


@dataclass
class Num:
    """A number found in normalized text: ``[start, end)`` and its value."""

    start: int
    end: int
    value: float
    #: written with digits (not only words)
    digits: bool = True
    #: an integer written as plain digits (no scale word, no decimal point, no grouping comma): a year candidate
    plain: bool = False
    #: a scale word or suffix multiplied it ("2 million", "1.5亿")
    scaled: bool = False
    #: the scale that applied last (1 when none): "$5 to $7 million" shares it
    scale: float = 1.0
    #: a qualifier written inside the number (十多万 -> more_than)
    qualifier: Optional[str] = None
    #: read from an article or "one" alone ("a week", "one of"): not a count worth reporting
    article: bool = False
    #: the upper end when the number itself is a range (两三年: 2 to 3)
    vmax: Optional[float] = None


RE_URL = re.compile(r"(?:https?://|www\.)[^\s\u3000-\u303f\uff00-\uffef]+", re.I)


def url_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in RE_URL.finditer(text)]


def outside_urls(text: str, nums: list) -> list:
    """``nums`` without those that start inside a URL of ``text`` (a URL's digits are no claims)."""
    spans = url_spans(text)
    if not spans:
        return nums
    return [x for x in nums if not any(a <= x.start < b for a, b in spans)]


def make_claim(norm: Normalized, lang: str, start: int, end: int, kind: str, value: float, unit=None,
               qualifier: str = "exact", period=None, value_max=None, duration_unit: str = "stated") -> Claim:
    """A :class:`Claim` over the normalized span ``[start, end)``, with offsets into the original text."""
    if kind in ("duration", "age") and unit in IN_BASE_UNIT:
        unit, f = IN_BASE_UNIT[unit]
        value, value_max = value * f, (value_max * f if value_max is not None else None)
    if kind == "duration" and duration_unit == "second" and unit in SECONDS:
        f = SECONDS[unit]
        value, value_max, unit = value * f, (value_max * f if value_max is not None else None), "second"
    s, e = norm.span(start, end)
    return Claim(lang=lang, text=norm.original[s:e], start=s, end=e, kind=kind, value=tidy(value), unit=unit,
                 qualifier=qualifier, period=period, value_max=None if value_max is None else tidy(value_max))


def tidy(v: float) -> float:
    """Round away binary noise (6.03 * 1e8) while keeping every significant digit people write.

    >>> tidy(6.03 * 100000000), tidy(1 / 3)
    (603000000.0, 0.333333333333333)
    """
    return float(f"{v:.15g}") if v else 0.0


def convert_compound(parts: list[tuple[float, str]]) -> tuple[float, str]:
    """Sum a compound duration ("2 days 1 month") in the largest unit it names when that gives a whole or a half
    (2分30秒 = 2.5 minutes, "an hour and 30 minutes" = 1.5 hours: as "two and a half minutes" and 一个半小时
    state them), else in the smallest.

    >>> convert_compound([(2, "minute"), (30, "second")]), convert_compound([(1, "hour"), (20, "minute")])
    ((2.5, 'minute'), (80.0, 'minute'))
    """
    total = sum(v * SECONDS[u] for v, u in parts)
    big = max((u for _, u in parts), key=lambda u: SECONDS[u])
    if (2 * total / SECONDS[big]).is_integer():
        return total / SECONDS[big], big
    unit = min((u for _, u in parts), key=lambda u: SECONDS[u])
    return total / SECONDS[unit], unit

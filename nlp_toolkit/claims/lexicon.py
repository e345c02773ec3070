"""The claims lexicon: number words, scales, qualifiers, periods, time units, currencies and counted nouns.

Everything here is data from ``models/`` (``claim_words.tsv``, ``claim_units.tsv``, ``claim_currencies.tsv``;
the settings ``claims_words``, ``claims_units``, ``claims_currencies`` may name a user's own files). This module
only loads it, once per process per file set, into a :class:`ClaimLexicon`.

>>> lex = lexicon()
>>> lex.number["en"]["twelve"], lex.scale["en"]["billion"], "didn" in lex.negation["en"]
(12.0, 1000000000.0, True)
>>> lex.currency_post["zh"]["美元"]
('USD', 1.0)
>>> lex.noun["en"]["sellers"], lex.noun["zh"]["卖家"]
('seller', 'seller')
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from ..resources import model_file
from ..settings import DEFAULT, Settings

#: seconds in each duration unit (a month is 30 days and a year 365, Recognizers-Text's convention)
SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800, "month": 2592000,
           "fortnight": 1209600, "year": 31536000, "decade": 315360000, "century": 3153600000}


@dataclass
class ClaimLexicon:
    number: dict = field(default_factory=lambda: {"en": {}, "zh": {}})
    scale: dict = field(default_factory=lambda: {"en": {}, "zh": {}})
    attach_scale: dict = field(default_factory=dict)  # en suffix scales written onto the digits ("10k")
    fraction: dict = field(default_factory=dict)  # en denominator words
    qualifier_pre: dict = field(default_factory=lambda: {"en": {}, "zh": {}})
    qualifier_post: dict = field(default_factory=lambda: {"en": {}, "zh": {}})
    negation: dict = field(default_factory=lambda: {"en": set(), "zh": set()})
    count_modifier: set = field(default_factory=set)  # en words between a number and its noun ("new", "more")
    dur_follow: set = field(default_factory=set)  # en words after "a second" that keep it a duration ("later")
    elided_verb: dict = field(default_factory=dict)  # en verbs whose bare number object counts people ("kills 1")
    elided_after: set = field(default_factory=set)  # en words after a number that stands for a noun phrase
    age_be: set = field(default_factory=set)  # en verbs joining a person to a bare age ("was only 16")
    age_person: set = field(default_factory=set)  # en nouns for a person, before an age between commas
    label_noun: set = field(default_factory=set)  # en nouns a number after them labels: "day 3", "round 5"
    period: dict = field(default_factory=lambda: {"en": {}, "zh": {}})
    time_unit: dict = field(default_factory=lambda: {"en": {}, "zh": {}})
    time_unit_flag: dict = field(default_factory=lambda: {"en": {}, "zh": {}})
    age_post: dict = field(default_factory=lambda: {"en": {}, "zh": {}})
    age_pre: dict = field(default_factory=lambda: {"en": {}, "zh": {}})
    timeref: dict = field(default_factory=lambda: {"en": {}, "zh": {}})
    zh_nonnumber: set = field(default_factory=set)
    currency_pre: dict = field(default_factory=lambda: {"en": {}, "zh": {}})
    currency_post: dict = field(default_factory=lambda: {"en": {}, "zh": {}})
    iso: set = field(default_factory=set)
    noun: dict = field(default_factory=lambda: {"en": {}, "zh": {}})
    classifier: dict = field(default_factory=dict)  # zh: surface -> (default unit, [(context word, unit)])
    exclude: set = field(default_factory=set)  # zh words that a unit must not be read from
    measure: dict = field(default_factory=dict)  # zh "how many" nouns (浏览量 -> view)


def _rows(name: str, ncols: int):
    path = model_file(name)
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < ncols:
            raise ValueError(f"{path}:{lineno}: expected at least {ncols} tab-separated columns, got {len(cols)}")
        yield lineno, [c.strip() for c in cols] + [""] * (6 - len(cols))


@functools.lru_cache(maxsize=8)
def _load(words: str, units: str, currencies: str) -> ClaimLexicon:
    lex = ClaimLexicon()
    for lineno, (cat, lang, surface, value, flag, *_) in _rows(words, 3):
        langs = ("en", "zh") if lang == "any" else (lang,)
        if cat in ("number", "scale") and "zh" in langs:
            raise ValueError(f"{words}:{lineno}: Chinese numerals and scales are script data "
                             f"(nlp_toolkit/script.py), not lexicon rows")
        for lg in langs:
            if cat == "number":
                lex.number[lg][surface] = float(value)
            elif cat == "scale":
                lex.scale[lg][surface] = float(value)
                if flag == "attach":
                    lex.attach_scale[surface] = float(value)
            elif cat == "fraction":
                lex.fraction[surface] = float(value)
            elif cat in ("qualifier_pre", "qualifier_post", "period", "age_post", "age_pre", "timeref"):
                getattr(lex, cat)[lg][surface] = value
            elif cat == "time_unit":
                lex.time_unit[lg][surface] = value
                lex.time_unit_flag[lg][surface] = flag
            elif cat == "negation":
                lex.negation[lg].add(surface)
            elif cat == "count_modifier":
                lex.count_modifier.add(surface)
            elif cat == "dur_follow":
                lex.dur_follow.add(surface)
            elif cat == "elided_verb":
                lex.elided_verb[surface] = value
            elif cat == "elided_after":
                lex.elided_after.add(surface)
            elif cat == "age_be":
                lex.age_be.add(surface)
            elif cat == "age_person":
                lex.age_person.add(surface)
            elif cat == "label_noun":
                lex.label_noun.add(surface)
            elif cat == "zh_nonnumber":
                lex.zh_nonnumber.add(surface)
            else:
                raise ValueError(f"{words}:{lineno}: unknown category {cat!r}")
    for lineno, (lang, surface, code, position, factor, *_) in _rows(currencies, 5):
        langs = ("en", "zh") if lang == "any" else (lang,)
        for lg in langs:
            if position in ("pre", "both"):
                lex.currency_pre[lg][surface] = (code, float(factor))
            if position in ("post", "both"):
                lex.currency_post[lg][surface] = (code, float(factor))
        lex.iso.add(code.lower())
    for lineno, (lang, kind, surface, unit, context, *_) in _rows(units, 3):
        if kind == "noun":
            lex.noun[lang][surface] = unit
        elif kind == "classifier":
            pairs = [tuple(p.split(":", 1)) for p in context.split(",") if ":" in p]
            lex.classifier[surface] = (unit, pairs)
        elif kind == "exclude":
            lex.exclude.add(surface)
        elif kind == "measure":
            lex.measure[surface] = unit
        else:
            raise ValueError(f"{units}:{lineno}: unknown type {kind!r}")
    return lex


def lexicon(settings: Settings = DEFAULT) -> ClaimLexicon:
    """The lexicon named by ``settings`` (loaded once per process)."""
    return _load(settings.claims_words, settings.claims_units, settings.claims_currencies)


def alternation(words, boundary: bool = False) -> str:
    """A regular-expression alternation of ``words``, longest first (so ``more than`` beats ``more``).

    Spaces in a word match any run of whitespace; with ``boundary`` a word made of letters must not touch
    other letters.

    >>> re.fullmatch(alternation(["or more", "or"]), "or  more") is not None
    True
    """
    parts = []
    for w in sorted(set(words), key=len, reverse=True):
        p = r"\s*".join(re.escape(x) for x in w.split(" ")) if " " in w else re.escape(w)
        if boundary and re.match(r"[a-z]", w):
            p = r"(?<![a-z])" + p
        if boundary and re.search(r"[a-z]$", w):
            p = p + r"(?![a-z])"
        parts.append(p)
    return "|".join(parts) if parts else r"(?!)"

"""How fit a translation unit is to train on: ``quality = {score, reasons, signals}`` per aligned pair and per
sentence pair, from what the pipeline already knows about it.

Each signal gives a factor in [0, 1]; the score is their product, so one clear fault (a copy, a misalignment,
page furniture) sinks a unit and several mild ones add up. A signal whose factor is below ``REASON_BELOW`` names
itself in ``reasons`` (what a reviewer reads first); ``signals`` keeps the measured values.

=================  ==========================================================================================
reason             signal and factor (the thresholds are ``Settings.quality_*``)
=================  ==========================================================================================
``low_similarity`` cosine of the two sides' embeddings: 0 at ``quality_sim_low``, 1 from ``quality_sim_high``
``low_margin``     similarity minus the average of each side's best matches among its neighbours (vecalign's
                   margin; an off-by-one misalignment has a better partner next door): 0 at
                   ``quality_margin_low``, 1 from ``quality_margin_high``; only where there are neighbours
``length_ratio``   ``|log(zh chars / (en chars x expected ratio))|`` (10 characters added to each side): 1 up to
                   ``quality_length_ok``, 0 at ``quality_length_max``
``untranslated``   the Chinese side is mostly Latin-script words (its Chinese share below ``zh_min_share``): 0
                   below half of it, 0.5 up to it
``not_english``    the English side is mostly Chinese: as above with the English side's Chinese share
``identical``      both sides the same text once case, spaces and punctuation are set aside: 0
``boilerplate``    a short side matches a site-furniture rule (``models/furniture.txt``: prompts, legal notices,
                   credits, navigation, contact lines, page metadata) or is nothing but a URL: 0.1
``url``            a URL, e-mail address or @handle inside otherwise real text: 0.7
``numbers_differ`` an ``error`` warning of the claims check on the unit (a value, scale, currency or date
                   differs, a figure missing): 0.6
``names_differ``   an ``error`` warning of the entity check (a name changed): 0.7
=================  ==========================================================================================

>>> q = assess("The plant opened in May.", "工厂于五月开业。", similarity=0.71, margin=0.2)
>>> q["score"], q["reasons"]
(1.0, [])
>>> assess("The plant opened in May.", "The plant opened in May.", similarity=1.0)["reasons"]
['length_ratio', 'untranslated', 'identical']
>>> assess("Subscribe to our newsletter", "订阅我们的新闻简报", similarity=0.8)["reasons"]
['boilerplate']
>>> q = assess("Sales rose 12% in March, the company said.", "公司表示，三月份销量下降了。", similarity=0.3)
>>> q["score"] < 0.5, q["reasons"]
(True, ['low_similarity'])
"""

from __future__ import annotations

import functools
import math
import re
from typing import Iterable, Optional

from .clean import URL, compile_pattern
from .dedup import normalize
from .document import Article
from .langid import zh_share
from .resources import read_lines
from .settings import DEFAULT, Settings

#: a factor below this names its signal in ``reasons``
REASON_BELOW = 0.75
#: a side counts as "short" (a possible furniture line) up to this many words (English) or characters (Chinese)
FURNITURE_MAX_WORDS = 40
FURNITURE_MAX_CHARS = 90
#: factors of the signals that are either there or not
FACTORS = {"boilerplate": 0.1, "url": 0.7, "numbers_differ": 0.6, "names_differ": 0.7, "identical": 0.0}
#: warning codes (severity ``error``) that lower a unit's quality, by reason
WARNING_REASONS = {"claim_mismatch": "numbers_differ", "claim_unmatched": "numbers_differ",
                   "time_reference": "numbers_differ", "entity_mismatch": "names_differ"}
REASONS = ("low_similarity", "low_margin", "length_ratio", "untranslated", "not_english", "identical",
           "boilerplate", "url", "numbers_differ", "names_differ")

_HANDLE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w@])@[A-Za-z_]\w{2,}")
_NON_TEXT = re.compile(r"[\W_]+", re.U)


@functools.lru_cache(maxsize=4)
def furniture_rules(name: str = "furniture.txt") -> tuple[tuple[str, re.Pattern], ...]:
    """The site-furniture rules of ``name`` (a models/ file or a path): (class, compiled pattern) a line."""
    rules = []
    for n, line in enumerate(read_lines(name), 1):
        kind, sep, pattern = line.partition("\t")
        if not sep:
            raise ValueError(f"{name}: rule {n} has no tab between its class and its pattern")
        rules.append((kind.strip(), compile_pattern(name, n, pattern)))
    return tuple(rules)


def _short(text: str, lang: str) -> bool:
    return len(text.split()) <= FURNITURE_MAX_WORDS if lang == "en" else len(text) <= FURNITURE_MAX_CHARS


def furniture(text: str, lang: str, settings: Settings = DEFAULT, memo: Optional[dict] = None) -> Optional[str]:
    """The furniture class of a short side (``prompt``, ``legal``, ``credit``, ``nav``, ``contact``, ``meta``:
    times, reading time, an article's age, comments; ``url``: a side that is only links), or None.

    >>> furniture("Photo: Getty Images", "en"), furniture("点击这里阅读全文", "zh")
    ('credit', 'nav')
    >>> furniture("Read more: https://example.com/story", "en"), furniture("https://example.com/a", "en")
    ('nav', 'url')
    >>> print(furniture("The newsletter business grew after the company added 2,000 subscribers.", "en"))
    None
    """
    if not text.strip() or not _short(text, lang):
        return None
    if memo is None:
        return _furniture(text, settings.quality_furniture)
    if text not in memo:
        memo[text] = _furniture(text, settings.quality_furniture)
    return memo[text]


def _furniture(text: str, rules: str) -> Optional[str]:
    for kind, pattern in furniture_rules(rules):
        if pattern.search(text):
            return kind
    if (URL.search(text) or _HANDLE.search(text)) and len(_NON_TEXT.sub("", _HANDLE.sub("", URL.sub("", text)))) < 4:
        return "url"
    return None


def _ramp(x: float, lo: float, hi: float) -> float:
    """0 at ``lo`` and below, 1 at ``hi`` and above, linear between."""
    if hi <= lo:
        return 1.0 if x >= hi else 0.0
    return min(1.0, max(0.0, (x - lo) / (hi - lo)))


def assess(en: str, zh: str, similarity: Optional[float] = None, margin: Optional[float] = None,
           expected_ratio: Optional[float] = None, warnings: Iterable[dict] = (),
           settings: Settings = DEFAULT, memo: Optional[dict] = None) -> dict:
    """The quality record of one unit: ``{score, reasons, signals}`` (see the module docstring).

    ``similarity`` and ``margin`` come from the aligner (None: not measured, no factor); ``expected_ratio`` is
    the article's (or corpus's) Chinese-to-English length ratio (default ``Settings.quality_zh_ratio``);
    ``warnings`` are the unit's warning records (``Notice.to_dict``); ``memo``: a dict that keeps the furniture
    rules' answer per text for the caller's scope (one article: a one-sentence paragraph is judged as a
    paragraph unit and again as its sentence, and the rules are most of the cost)."""
    s = settings
    factors: dict[str, float] = {}
    signals: dict[str, Optional[float]] = {"similarity": None, "margin": None}
    if similarity is not None:
        signals["similarity"] = round(float(similarity), 4)
        factors["low_similarity"] = _ramp(similarity, s.quality_sim_low, s.quality_sim_high)
    if margin is not None:
        signals["margin"] = round(float(margin), 4)
        factors["low_margin"] = _ramp(margin, s.quality_margin_low, s.quality_margin_high)
    ratio = expected_ratio or s.quality_zh_ratio
    deviation = abs(math.log((len(zh) + 10) / (ratio * (len(en) + 10))))
    signals["length"] = round(deviation, 4)
    factors["length_ratio"] = 1.0 - _ramp(deviation, s.quality_length_ok, s.quality_length_max)
    zh_of_zh, zh_of_en = zh_share(zh, s), zh_share(en, s)
    signals["zh_share_zh"], signals["zh_share_en"] = round(zh_of_zh, 4), round(zh_of_en, 4)
    if zh_of_zh < s.zh_min_share:
        factors["untranslated"] = 0.0 if zh_of_zh < s.zh_min_share / 2 else 0.5
    if zh_of_en > s.en_max_share:
        factors["not_english"] = 0.0 if zh_of_en > (1 + s.en_max_share) / 2 else 0.5
    ce, cz = normalize(en), normalize(zh)  # the text exact deduplication compares
    if ce and ce == cz:
        factors["identical"] = FACTORS["identical"]
    if furniture(en, "en", s, memo) or furniture(zh, "zh", s, memo):
        factors["boilerplate"] = FACTORS["boilerplate"]
    elif URL.search(en) or URL.search(zh) or _HANDLE.search(en) or _HANDLE.search(zh):
        factors["url"] = FACTORS["url"]
    for w in warnings:
        reason = WARNING_REASONS.get(w.get("code", ""))
        if reason and w.get("severity") == "error":
            factors[reason] = FACTORS[reason]
    score = 1.0
    for f in factors.values():
        score *= f
    reasons = [r for r in REASONS if factors.get(r, 1.0) < REASON_BELOW]
    return {"score": round(score, 3), "reasons": reasons, "signals": signals}


def _inside(span, start: int, end: int) -> bool:
    return span is not None and start <= span[0] and span[1] <= end


def sentence_warnings(pair_en: str, pair_zh: str, sentence_en: str, sentence_zh: str,
                      warnings: list[dict]) -> list[dict]:
    """The unit's warnings whose spans lie inside this sentence pair (on either side)."""
    out = []
    es = pair_en.find(sentence_en) if sentence_en else -1
    zs = pair_zh.find(sentence_zh) if sentence_zh else -1
    for w in warnings:
        if (es >= 0 and _inside(w.get("en_span"), es, es + len(sentence_en))) or \
                (zs >= 0 and _inside(w.get("zh_span"), zs, zs + len(sentence_zh))):
            out.append(w)
    return out


def article_ratio(article: Article, settings: Settings = DEFAULT) -> float:
    """The article's Chinese-to-English length ratio over its 1-1 pairs (the translator's own ratio), or
    ``Settings.quality_zh_ratio`` when it has too little text to say."""
    en = sum(len(p.en) for p in article.pairs if p.bead == "1-1")
    zh = sum(len(p.zh) for p in article.pairs if p.bead == "1-1")
    return zh / en if en >= 200 and zh else settings.quality_zh_ratio


def assess_article(article: Article, settings: Settings = DEFAULT) -> None:
    """The quality stage: ``quality`` on every aligned pair and sentence pair with text on both sides (1-0/0-1
    units get none: they are no translation). Paragraph units use the aligner's similarity and, in an article
    of at least ``quality_margin_min`` paragraphs a side, its margin; sentence units their cosine."""
    ratio = article_ratio(article, settings)
    sides = (sum(1 for p in article.paragraphs if p.side == "en"), sum(1 for p in article.paragraphs if p.side == "zh"))
    with_margin = min(sides) >= settings.quality_margin_min
    memo: dict = {}  # this article's texts only
    for pair in article.pairs:
        if not (pair.en.strip() and pair.zh.strip()):
            pair.quality = None
            continue
        warnings = [w.to_dict() for w in pair.warnings]
        parts = pair.score_parts or {}
        pair.quality = assess(pair.en, pair.zh, parts.get("similarity"),
                              parts.get("margin") if with_margin else None, ratio, warnings, settings, memo)
        for s in pair.sentences:
            if s.en.strip() and s.zh.strip():
                s.quality = assess(s.en, s.zh, s.score, None, ratio,
                                   sentence_warnings(pair.en, pair.zh, s.en, s.zh, warnings), settings, memo)

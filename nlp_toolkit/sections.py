"""Sections and their claimed advantages.

A heading is a short aligned unit that opens a new part of the article: on each side it is short and does not
end like a sentence, and the English and Chinese sides agree on that (a unit whose either side states a verdict,
"Customer Trust — Advantage: Amazon" / "客户信任方面,亚马逊占优", is a heading when it is short). Each heading
opens a section that runs to the next heading.

A verdict heading is parsed in each language by the patterns of ``models/advantage_patterns.tsv`` with the words
of ``models/advantage_lexicon.tsv``: the aspect compared, the winner, the margin (``slight`` | ``normal`` |
``large``), a competitor said to be gaining, or a tie. Names are resolved to the article's entities (canonical
English names), then to the gazetteer. When the two languages disagree, the English reading is the advantage,
the Chinese one is kept as ``advantage_alt``, and the article gets a warning. Only headings carry verdicts: an
adjective in body text never makes an advantage.

>>> r = parse_heading("Delivery Logistics — Advantage: Amazon by miles", "en")
>>> (r.aspect, r.winner, r.margin, r.gaining, r.tie)
('Delivery Logistics', 'Amazon', 'large', None, False)
>>> r = parse_heading("TikTok占据网红大军优势,而亚马逊的队伍也在缓慢扩大", "zh")
>>> (r.aspect, r.winner, r.margin, r.gaining)
('网红大军', 'TikTok', 'normal', '亚马逊')
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Optional

from .document import Advantage, Article, Notice, Section
from .limits import check_deadline
from .resources import model_file
from .script import ASCII_QUOTES, ASCII_STOPS, CLOSE_QUOTES, EN_CLOSE_QUOTES, EN_STOPS, ZH_STOPS
from .settings import DEFAULT, Settings

_EN_END = tuple(EN_STOPS + ASCII_QUOTES + EN_CLOSE_QUOTES)
#: a Chinese sentence end: the stops, or every closing quote but ’
_ZH_END = tuple(ZH_STOPS + ASCII_STOPS + CLOSE_QUOTES.replace("’", ""))


@dataclass
class Reading:
    """What one language's heading says."""

    aspect: Optional[str] = None
    winner: Optional[str] = None
    margin: str = "normal"
    gaining: Optional[str] = None
    tie: bool = False


@dataclass(frozen=True)
class _Rules:
    patterns: dict  # lang -> [compiled]
    words: dict  # (kind, lang) -> compiled alternation


@functools.lru_cache(maxsize=4)
def _rules(patterns_file: str = "advantage_patterns.tsv", lexicon_file: str = "advantage_lexicon.tsv") -> _Rules:
    words: dict[tuple[str, str], list[str]] = {}
    for line in model_file(lexicon_file).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, lang, phrase = line.split("\t")
            words.setdefault((kind, lang), []).append(phrase)
    # longest phrases first, so that 遥遥领先 wins over 领先
    alt = {k: "|".join(sorted(v, key=len, reverse=True)) for k, v in words.items()}
    patterns: dict[str, list[re.Pattern]] = {}
    for n, line in enumerate(model_file(patterns_file).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        lang, rx = line.split("\t", 1)
        rx = rx.replace("{VERDICT_EN}", alt[("verdict", "en")]).replace("{VERDICT_ZH}", alt[("verdict", "zh")])
        try:
            patterns.setdefault(lang, []).append(re.compile(rx, re.I))
        except re.error as err:
            raise ValueError(f"{patterns_file} line {n}: bad pattern: {err}") from None
    compiled = {k: re.compile(rf"(?:{v})", re.I) for k, v in alt.items()}
    return _Rules(patterns, compiled)


def _strip(s: Optional[str]) -> Optional[str]:
    if s is None:
        return None
    s = s.strip(" \t,，;；:：.。!！—–-\"'“”‘’")
    return s or None


def _word(kind: str, lang: str):
    return _rules().words.get((kind, lang))


def _is_tie(text: str, lang: str) -> bool:
    tie = _word("tie", lang)
    if lang == "zh":
        return bool(tie.search(text))
    return bool(re.fullmatch(rf"(?:it'?s\s+a\s+|a\s+)?(?:{tie.pattern})\.?", text.strip(), re.I))


def _margin(text: str, lang: str) -> str:
    if _word("margin_large", lang).search(text):
        return "large"
    if _word("margin_slight", lang).search(text):
        return "slight"
    return "normal"


_EN_BUT = re.compile(r"\s*(?:,|;|—|–)?\s*\b(?:but|while|though|although|yet|with)\b\s*|\s*[;—–]\s*", re.I)
_EN_NAME = r"(?P<who>[A-Z][\w.&'’-]*(?:\s+(?:[A-Z][\w.&'’-]*|of|and|&))*)"


def _en_gaining(text: str) -> Optional[str]:
    g = _word("gaining", "en")
    m = re.search(rf"{_EN_NAME}(?:['’]s\s+[\w\s-]+?)?\s+(?:{g.pattern})", text)
    return _strip(m.group("who")) if m else None


def _en_verdict(verdict: str) -> Reading:
    verdict = verdict.strip()
    parts = _EN_BUT.split(verdict, maxsplit=1)
    head, tail = parts[0], (parts[1] if len(parts) > 1 else "")
    if _is_tie(head, "en"):
        return Reading(tie=True, gaining=_en_gaining(tail))
    winner = head
    for kind in ("lead", "margin_large", "margin_slight"):
        winner = _word(kind, "en").sub(" ", winner)
    winner = re.sub(r"^\s*(?:it'?s|the winner is|winner is)\s+", "", winner, flags=re.I)
    return Reading(winner=_strip(re.sub(r"\s+", " ", winner)), margin=_margin(head, "en"),
                   gaining=_en_gaining(tail))


_ZH_BUT = re.compile(r"[,，;；]\s*(?:而|但|但是|不过|同时|然而)?|(?:而|但是|不过|然而)")
_ZH_WHO = re.compile(r"^\s*(?:而|但|但是|不过|同时|然而)?\s*(?P<who>[A-Za-z][\w .&'-]*?|[^的，,\s“”]{2,8}?)"
                     r"(?=的|也|正|在|已|还|则|同样|仍)")


def _zh_gaining(tail: str) -> Optional[str]:
    if not tail or not _word("gaining", "zh").search(tail):
        return None
    m = _ZH_WHO.search(tail.lstrip(" ,，;；"))
    return _strip(m.group("who")) if m else None


def _zh_verdict(verdict: str) -> Reading:
    m = _ZH_BUT.search(verdict)
    head, tail = (verdict[:m.start()], verdict[m.end():]) if m else (verdict, "")
    if _is_tie(head, "zh"):
        return Reading(tie=True, gaining=_zh_gaining(tail))
    lead = _word("lead", "zh").search(head)
    if not lead:
        return Reading(winner=None, margin=_margin(head, "zh"), gaining=_zh_gaining(tail))
    winner = re.sub(r"^(?:目前|如今|现在|仍是|仍然是|还是|是)", "", head[:lead.start()])
    winner = re.sub(r"(?:仍然|依然|继续|目前|暂时|明显|稍稍|略微)$", "", winner)
    return Reading(winner=_strip(winner), margin=_margin(head, "zh"), gaining=_zh_gaining(tail))


def parse_heading(text: str, lang: str) -> Optional[Reading]:
    """The verdict a heading states, or None when it states none.

    >>> parse_heading("Price: BYD wins by a wide margin", "en").margin
    'large'
    >>> parse_heading("价格方面,双方平分秋色", "zh").tie
    True
    >>> parse_heading("The road ahead", "en") is None
    True
    """
    text = text.strip()
    for pat in _rules().patterns.get(lang, []):
        m = pat.match(text)
        if not m:
            continue
        g = {k: v for k, v in m.groupdict().items() if v is not None}
        if "verdict" in g:
            r = _en_verdict(g["verdict"]) if lang == "en" else _zh_verdict(g["verdict"])
        else:
            r = Reading(winner=_strip(g.get("winner")), margin=_margin(text, lang))
            rest = g.get("rest", "")
            r.gaining = _en_gaining(rest) if lang == "en" else _zh_gaining(rest)
        if "winner" in g and "verdict" in g and not r.winner:
            r.winner = _strip(g["winner"])
        if "winner" in g and "verdict" in g and lang == "zh":
            # "Y在X方面领先": the verdict group holds only the lead phrase
            r.winner, r.margin = _strip(g["winner"]), _margin(text, lang)
        r.aspect = _strip(g.get("aspect"))
        if r.winner is None and not r.tie:
            continue
        return r
    return None


def is_heading(en: str, zh: str) -> bool:
    """Whether an aligned unit is a heading: short on each side that has text, no sentence ending, both agree.

    >>> is_heading("User Engagement — Advantage: TikTok", "用户参与度方面,TikTok占优")
    True
    >>> is_heading("“That was their biggest issue,” she said.", "“这是最大的问题所在,”她说。")
    False
    """
    if not en and not zh:
        return False
    verdict = (bool(en) and parse_heading(en, "en") is not None) or (bool(zh) and parse_heading(zh, "zh") is not None)
    en_max, zh_max = (150, 60) if verdict else (90, 35)
    ok_en = not en or (len(en) <= en_max and len(en.split()) <= (20 if verdict else 12)
                       and not en.rstrip().endswith(_EN_END))
    ok_zh = not zh or (len(zh) <= zh_max and not zh.rstrip().endswith(_ZH_END) and "。" not in zh)
    return ok_en and ok_zh and (verdict or bool(en and zh))


class NameResolver:
    """Maps a name as a heading writes it to the article's canonical English name."""

    def __init__(self, article: Article):
        self.en: dict[str, str] = {}
        self.zh: dict[str, str] = {}
        for p in article.pairs:
            for e in p.entities:
                if e.canonical:
                    (self.en if e.lang == "en" else self.zh).setdefault(e.text, e.canonical)

    def canonical(self, surface: Optional[str], lang: str) -> Optional[str]:
        if not surface:
            return None
        table = self.en if lang == "en" else self.zh
        if surface in table:
            return table[surface]
        base = re.sub(r"['’]s$", "", surface)
        if base in table:
            return table[base]
        # the longest known name inside the surface ("亚马逊公司" holds 亚马逊)
        inside = [k for k in table if k and k in surface]
        if inside:
            return table[max(inside, key=len)]
        if lang == "zh":
            gaz = _gazetteer_en(surface)
            if gaz:
                return self._article_name(gaz)
        return base if re.fullmatch(r"[\x00-\x7f’]+", base) else None

    def _article_name(self, name: str) -> str:
        """The article's own English spelling of a name (the gazetteer's "BYD Company" is the article's "BYD")."""
        from .entities.gazetteer import norm_en

        key = norm_en(name)
        for canonical in list(self.en.values()) + list(self.zh.values()):
            if norm_en(canonical) == key:
                return canonical
        return name

    def zh_name(self, canonical: Optional[str], zh_text: str) -> Optional[str]:
        """How the Chinese heading writes ``canonical`` (the linked entity text found in it), if it does."""
        if not canonical:
            return None
        names = [k for k, v in self.zh.items() if v == canonical and k in zh_text]
        if canonical in zh_text:
            names.append(canonical)
        return max(names, key=len) if names else None


def _gazetteer_en(zh: str) -> Optional[str]:
    try:
        from .entities.gazetteer import gazetteer
    except ImportError:
        return None
    entry = gazetteer().get(zh)
    return entry.en if entry is not None and not entry.ambiguous else None


def _advantage(reading: Reading, lang: str, names: NameResolver, zh_heading: str, evidence: str) -> Advantage:
    winner = names.canonical(reading.winner, lang)
    gaining = names.canonical(reading.gaining, lang)
    if lang == "zh":
        winner_zh = reading.winner
    else:
        winner_zh = names.zh_name(winner, zh_heading or "")
    return Advantage(winner=None if reading.tie else winner, winner_zh=None if reading.tie else winner_zh,
                     margin=reading.margin if not reading.tie else "normal", gaining=gaining, tie=reading.tie,
                     evidence=evidence)


def _same(a: Advantage, b: Advantage) -> bool:
    return (a.tie, a.winner, a.margin, a.gaining) == (b.tie, b.winner, b.margin, b.gaining)


def annotate_sections(article: Article, settings: Settings = DEFAULT) -> None:
    """Stage: split the article into sections at headings and tag each section's advantage."""
    if not article.pairs:
        article.sections = []
        return
    headings = [p.index for p in article.pairs if is_heading(p.en, p.zh)]
    starts = headings if headings and headings[0] == 0 else [0] + headings
    names = NameResolver(article)
    sections = []
    for k, first in enumerate(starts):
        check_deadline()
        last = (starts[k + 1] - 1) if k + 1 < len(starts) else len(article.pairs) - 1
        head = article.pairs[first]
        sec = Section(index=k, first_pair=first, last_pair=last)
        if first in headings:
            sec.heading_en, sec.heading_zh = head.en or None, head.zh or None
            en_r = parse_heading(head.en, "en") if head.en else None
            zh_r = parse_heading(head.zh, "zh") if head.zh else None
            sec.aspect_en = en_r.aspect if en_r else None
            sec.aspect_zh = zh_r.aspect if zh_r else None
            en_a = _advantage(en_r, "en", names, head.zh, "en") if en_r else None
            zh_a = _advantage(zh_r, "zh", names, head.zh, "zh") if zh_r else None
            if en_a and zh_a:
                if _same(en_a, zh_a):
                    en_a.evidence = "both"
                    en_a.winner_zh = zh_a.winner_zh or en_a.winner_zh
                    sec.advantage = en_a
                else:
                    sec.advantage, sec.advantage_alt = en_a, zh_a
                    msg = (f"section {k}: the English heading reads {_describe(en_a)}, "
                           f"the Chinese heading reads {_describe(zh_a)}")
                    article.warnings.append(Notice("advantage_disagreement", msg))
                    head.warnings.append(Notice("advantage_disagreement", msg))
            else:
                sec.advantage = en_a or zh_a
        for p in article.pairs[first:last + 1]:
            p.section = k
        sections.append(sec)
    article.sections = sections


def _describe(a: Advantage) -> str:
    if a.tie:
        return "a tie"
    s = f"{a.winner or a.winner_zh} ({a.margin})"
    return s + (f", {a.gaining} gaining" if a.gaining else "")

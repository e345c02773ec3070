"""Sections and their claimed advantages.

A heading is a short aligned unit that opens a new part of the article: on each side it is short and does not
end like a sentence, and the English and Chinese sides agree on that (a unit whose either side states a verdict,
"Customer Trust — Advantage: Amazon" / "客户信任方面,亚马逊占优", is a heading when it is short). Each heading
opens a section that runs to the next heading.

A verdict heading is parsed in each language by the patterns of ``models/advantage_patterns.tsv`` with the words
of ``models/advantage_lexicon.tsv``: the aspect compared, the winner, the margin (``slight`` | ``normal`` |
``large``), a competitor said to be gaining, or a tie. Names are resolved to the article's entities (canonical
English names), then to the gazetteer. When the two languages disagree, the English reading is the advantage,
the Chinese one is kept as ``advantage_alt``, and the article gets a warning.

A verdict may also stand on a line of its own inside a section (:mod:`nlp_toolkit.verdicts`): a labelled line
("Winner: Amazon.", "小结:亚马逊胜出"), or a short verdict sentence right after the section's heading or closing
it ("Amazon edges out TikTok here."). A labelled line right after an aspect heading is not a heading of its own:
the section keeps the heading's aspect and takes the line's verdict (``source: "line"``). Body sentences
elsewhere, and reported claims ("..., analysts said"), never make an advantage.

>>> r = parse_heading("Delivery Logistics — Advantage: Amazon by miles", "en")
>>> (r.aspect, r.winner, r.margin, r.gaining, r.tie)
('Delivery Logistics', 'Amazon', 'large', None, False)
>>> r = parse_heading("TikTok占据网红大军优势,而亚马逊的队伍也在缓慢扩大", "zh")
>>> (r.aspect, r.winner, r.margin, r.gaining)
('网红大军', 'TikTok', 'normal', '亚马逊')
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Optional

from .document import Advantage, Article, Notice, Section
from .limits import check_deadline
from .script import (ASCII_QUOTES, ASCII_STOPS, CLOSE_QUOTES, EN_CLOSE_QUOTES, EN_STOPS, HAN_BASIC, ZH_STOPS,
                     to_simplified)
from .settings import DEFAULT, Settings
from .verdicts import Reading, normalize, parse_verdict, verdict_by_names, word

_EN_END = tuple(EN_STOPS + ASCII_QUOTES + EN_CLOSE_QUOTES)
#: a Chinese sentence end: the stops, or every closing quote but ’
_ZH_END = tuple(ZH_STOPS + ASCII_STOPS + CLOSE_QUOTES.replace("’", ""))


def parse_heading(text: str, lang: str) -> Optional[Reading]:
    """The verdict a heading (or a verdict line) states, or None when it states none
    (:func:`nlp_toolkit.verdicts.parse_verdict`).

    >>> parse_heading("Price: BYD wins by a wide margin", "en").margin
    'large'
    >>> parse_heading("价格方面,双方平分秋色", "zh").tie
    True
    >>> parse_heading("The road ahead", "en") is None
    True
    """
    return parse_verdict(text, lang)


def _readings(en: str, zh: str) -> tuple[Optional[Reading], Optional[Reading]]:
    """Each side's verdict; long units are body text and state none."""
    en_r = parse_verdict(en, "en") if en and len(en) <= _LINE_MAX["en"] else None
    zh_r = parse_verdict(zh, "zh") if zh and len(zh) <= _LINE_MAX["zh"] else None
    return en_r, zh_r


#: the longest unit (characters) read for a verdict line; a verdict sentence is at most _SENTENCE_MAX long
_LINE_MAX = {"en": 240, "zh": 100}
_SENTENCE_MAX = {"en": 160, "zh": 60}


def _with_names(readings: list, article: Article, names: "NameResolver") -> list:
    """The readings, with a sentence-length line the verdict forms did not read read from the competitors it names
    (:func:`nlp_toolkit.verdicts.verdict_by_names`), when the article's opening frames a comparison of two
    (:func:`nlp_toolkit.comparison.framing_pair`: plain news names none, so gets none)."""
    from .comparison import framing_pair

    frame = framing_pair(article)
    if len(frame) != 2:
        return readings
    zh_names = list(frame) + [z for z, c in names.zh.items() if c in frame]
    out = []
    for p, (en_r, zh_r) in zip(article.pairs, readings):
        if p.en and (en_r is None or not en_r.decided) and len(p.en) <= _SENTENCE_MAX["en"]:
            en_r = verdict_by_names(p.en, "en", frame, argued=False) or en_r
        if p.zh and (zh_r is None or not zh_r.decided) and len(p.zh) <= _SENTENCE_MAX["zh"]:
            zh_r = verdict_by_names(p.zh, "zh", zh_names, argued=False) or zh_r
        out.append((en_r, zh_r))
    return out


def is_heading(en: str, zh: str, readings: Optional[tuple] = None) -> bool:
    """Whether an aligned unit is a heading: short on each side that has text, no sentence ending (a verdict
    heading may end in a full stop or a quote), both agree.

    >>> is_heading("User Engagement — Advantage: TikTok", "用户参与度方面,TikTok占优")
    True
    >>> is_heading("“That was their biggest issue,” she said.", "“这是最大的问题所在,”她说。")
    False
    """
    if not en and not zh:
        return False
    en_r, zh_r = readings if readings is not None else _readings(en, zh)
    # a verdict heading: every side with text states its verdict in a heading form, not as a sentence
    verdict = bool(en_r or zh_r) and all(r is not None and r.form != "sentence"
                                         for r, t in ((en_r, en), (zh_r, zh)) if t)
    en_max, zh_max = (150, 60) if verdict else (90, 35)
    en_t = normalize(en, "en") if verdict and en else en
    zh_t = normalize(zh, "zh") if verdict and zh else zh
    ok_en = not en or (len(en_t) <= en_max and len(en_t.split()) <= (20 if verdict else 12)
                       and not en_t.rstrip().endswith(_EN_END))
    ok_zh = not zh or (len(zh_t) <= zh_max and not zh_t.rstrip().endswith(_ZH_END) and "。" not in zh_t)
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
                    if e.lang == "zh":  # a verdict is read in simplified characters
                        self.zh.setdefault(to_simplified(e.text), e.canonical)

    def canonical(self, surface: Optional[str], lang: str) -> Optional[str]:
        """The canonical name of a name as a verdict writes it: the name itself, the known name inside it
        ("亚马逊公司" holds 亚马逊), or the longest known name holding it as whole words ("Seal" is "BYD Seal")."""
        if not surface:
            return None
        table = self.en if lang == "en" else self.zh
        base = re.sub(r"['’]s$", "", surface)
        for key in (surface, base):
            if key in table:
                return table[key]
        inside = [k for k in table if k and k in surface]
        if inside:
            return table[max(inside, key=len)]
        if lang == "en":
            word_rx = re.compile(rf"(?<![\w-]){re.escape(base)}(?![\w-])", re.I)
            holding = [k for k in table if word_rx.search(k)]
            if holding:
                return table[max(holding, key=len)]
            initials = [k for k in table if _initials(k) == base]  # "AWS" is "Amazon Web Services"
            if len(initials) == 1:
                return table[initials[0]]
        else:
            holding = [k for k in table if len(base) >= 3 and base in k]  # "Switch OLED版" of "任天堂Switch OLED版"
            if holding:
                return table[max(holding, key=len)]
            short = _zh_short_form(base, table)
            if short:
                return short
        if lang == "zh":
            gaz = _gazetteer_en(surface)
            if gaz:
                return self._article_name(gaz)
        return base if _is_latin(base) else None

    @classmethod
    def of_names(cls, names) -> "NameResolver":
        """A resolver that knows only ``names`` (each its own canonical form): a verdict line read on its own."""
        r = cls.__new__(cls)
        r.en, r.zh = {}, {}
        for n in names:
            if _HAN.search(n):
                r.zh[n] = n
                r.zh.setdefault(to_simplified(n), n)  # a verdict is read in simplified characters
            else:  # a name without Chinese characters is written so on both sides ("vivo X200 Pro")
                r.en[n] = r.zh[n] = n
        return r

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


def _abbreviates(short: str, full: str) -> bool:
    """Whether ``short`` may be a Chinese short form of ``full``: its characters in order (东航 of 东方航空,
    工行 of 工商银行, 国航 of 中国国际航空, 海豹 of 比亚迪海豹)."""
    if not (2 <= len(short) < len(full)) or not _HAN.match(short):
        return False
    rest = iter(full)
    return all(ch in rest for ch in short)


def _initials(name: str) -> str:
    """The capitals an acronym of ``name`` would be: "Amazon Web Services" -> "AWS" (short words left out);
    "" for a name of one word.

    >>> _initials("Amazon Web Services"), _initials("Bank of America"), _initials("Tesla")
    ('AWS', 'BA', '')
    """
    words = [w for w in re.split(r"[\s-]+", name) if w and w.lower() not in ("of", "and", "the", "&", "for")]
    return "".join(w[0].upper() for w in words) if len(words) >= 2 else ""


def _zh_short_form(surface: str, table: dict) -> Optional[str]:
    """The canonical name of the known name that ``surface`` shortens; a name that keeps its first character
    comes first (南航 is 南方航空 before 海南航空), then one holding it whole, then the longest. A verdict's
    subject may run on past the name ("招行服务好"): then its first two to four characters are tried, as the
    start of a name only."""
    def best(short: str, anchored: bool) -> Optional[str]:
        cands = [k for k in table if (short in k or _abbreviates(short, k)) and (not anchored or k[0] == short[0])]
        if not cands:
            return None
        key = max(cands, key=lambda k: (k[0] == short[0], short in k, len(k)))
        return table[key]

    found = best(surface, anchored=False) if len(surface) <= 6 else None
    if found is None and len(surface) > 2:
        for n in (4, 3, 2):
            found = found or best(surface[:n], anchored=True)
    return found


def _gazetteer_en(zh: str) -> Optional[str]:
    try:
        from .entities.gazetteer import gazetteer
    except ImportError:
        return None
    entry = gazetteer().get(zh)
    return entry.en if entry is not None and not entry.ambiguous else None


def _advantage(reading: Reading, lang: str, names: NameResolver, zh_text: str, evidence: str,
               source: str) -> Advantage:
    winner = names.canonical(reading.winner, lang)
    gaining = names.canonical(reading.gaining, lang)
    if lang == "zh":  # the linked name inside what the line writes ("这一轮特斯拉" -> 特斯拉)
        winner_zh = names.zh_name(winner, reading.winner or "") or reading.winner
    else:
        winner_zh = names.zh_name(winner, zh_text or "")
    decided = not (reading.tie or reading.shared)
    return Advantage(winner=winner if decided else None, winner_zh=winner_zh if decided else None,
                     margin=reading.margin if decided else "normal", gaining=gaining, tie=reading.tie,
                     evidence=evidence, source=source, shared=reading.shared)


def _same(a: Advantage, b: Advantage) -> bool:
    return (a.tie, a.shared, a.winner, a.margin, a.gaining) == (b.tie, b.shared, b.winner, b.margin, b.gaining)


def _reconcile(article: Article, k: int, unit, en_a: Optional[Advantage], zh_a: Optional[Advantage]):
    """The section's advantage and the other language's reading when the two disagree (with a warning)."""
    if not (en_a and zh_a):
        return en_a or zh_a, None
    if _same(en_a, zh_a):
        en_a.evidence = "both"
        en_a.winner_zh = zh_a.winner_zh or en_a.winner_zh
        return en_a, None
    msg = (f"section {k}: the English {en_a.source} reads {_describe(en_a)}, "
           f"the Chinese {zh_a.source} reads {_describe(zh_a)}")
    article.warnings.append(Notice("advantage_disagreement", msg))
    unit.warnings.append(Notice("advantage_disagreement", msg))
    return en_a, zh_a


def _is_line(unit, readings, at: int, first: int, last: int, after_heading: bool) -> bool:
    """Whether a body unit is a verdict line of its section: a labelled line anywhere, or a short verdict
    sentence (not a reported claim) right after the section's heading or closing the section."""
    forms = {r.form for r in readings if r is not None}
    if not forms:
        return False
    if "label" in forms:
        return True
    if not (after_heading and at == first + 1) and at != last:
        return False
    for lang, text in (("en", unit.en), ("zh", unit.zh)):
        if text and (len(text) > _SENTENCE_MAX[lang] or word("attribution", lang).search(text)):
            return False
    return True


def annotate_sections(article: Article, settings: Settings = DEFAULT) -> None:
    """Stage: split the article into sections at headings and tag each section's advantage, read from its
    heading or from a verdict line inside it."""
    if not article.pairs:
        article.sections = []
        return
    names = NameResolver(article)
    readings = _with_names([_readings(p.en, p.zh) for p in article.pairs], article, names)
    heads = [is_heading(p.en, p.zh, readings[p.index]) for p in article.pairs]
    for i, (en_r, zh_r) in enumerate(readings):
        # "Winner: Samsung" names no aspect: a verdict line of the section it stands in, not a heading of its own
        if heads[i] and (en_r or zh_r) and not ((en_r and en_r.aspect) or (zh_r and zh_r.aspect)):
            heads[i] = False
    headings = [i for i, h in enumerate(heads) if h]
    starts = headings if headings and headings[0] == 0 else [0] + headings
    sections = []
    for k, first in enumerate(starts):
        check_deadline()
        last = (starts[k + 1] - 1) if k + 1 < len(starts) else len(article.pairs) - 1
        head = article.pairs[first]
        sec = Section(index=k, first_pair=first, last_pair=last)
        is_head = first in headings
        if is_head:
            sec.heading_en, sec.heading_zh = head.en or None, head.zh or None
            en_r, zh_r = readings[first]
            sec.aspect_en = en_r.aspect if en_r else None
            sec.aspect_zh = zh_r.aspect if zh_r else None
            en_a = _advantage(en_r, "en", names, head.zh, "en", "heading") if en_r else None
            zh_a = _advantage(zh_r, "zh", names, head.zh, "zh", "heading") if zh_r else None
            sec.advantage, sec.advantage_alt = _reconcile(article, k, head, en_a, zh_a)
        if sec.advantage is None:
            for i in range(first + (1 if is_head else 0), last + 1):
                unit = article.pairs[i]
                if i in headings or not _is_line(unit, readings[i], i, first, last, is_head):
                    continue
                en_r, zh_r = readings[i]
                en_a = _advantage(en_r, "en", names, unit.zh, "en", "line") if en_r else None
                zh_a = _advantage(zh_r, "zh", names, unit.zh, "zh", "line") if zh_r else None
                sec.advantage, sec.advantage_alt = _reconcile(article, k, unit, en_a, zh_a)
                sec.verdict_pair = i
                sec.aspect_en = en_r.aspect if en_r else None
                sec.aspect_zh = zh_r.aspect if zh_r else None
                break
        if is_head and sec.advantage is not None:
            # a side whose heading states no verdict names the aspect by the heading's text (an aspect heading
            # without any verdict names no aspect of a comparison)
            heading_en, heading_zh = _heading_aspects(head)
            sec.aspect_en = sec.aspect_en or (heading_en if readings[first][0] is None else None)
            sec.aspect_zh = sec.aspect_zh or (heading_zh if readings[first][1] is None else None)
        for p in article.pairs[first:last + 1]:
            p.section = k
        sections.append(sec)
    article.sections = sections
    _prose_advantages(article, names)


def _heading_aspects(unit) -> tuple[Optional[str], Optional[str]]:
    """An aspect heading's text on each side, undecorated, as the aspect it names ("Price" / "价格")."""
    return (normalize(unit.en, "en") or None if unit.en else None,
            normalize(unit.zh, "zh") or None if unit.zh else None)


def _is_latin(name: str) -> bool:
    """Whether a name is written in Latin letters, and so the same on both sides ("TikTok", "vivo X200 Pro")."""
    return _LATIN.fullmatch(name) is not None


_LATIN = re.compile(r"[\x00-\x7f’]+")
_HAN = re.compile(f"[{HAN_BASIC}]")


def _competitor_names(article: Article) -> tuple[list[str], dict, dict]:
    """The competitors (canonical names) and how each side writes them: surface -> canonical, per language."""
    from .comparison import competitors

    comps = competitors(article)
    en = {c: c for c in comps}
    zh = {c: c for c in comps if _is_latin(c)}
    for p in article.pairs:
        for e in p.entities:
            if e.canonical in comps and len(e.text) >= 2:
                (en if e.lang == "en" else zh).setdefault(re.sub(r"['’]s$", "", e.text), e.canonical)
    # a model named after its brand ("Tesla Model 3", "特斯拉Model 3") is that competitor when the article
    # later writes the model alone ("the Model 3 outpaces its rival")
    for c in comps:
        if not _is_latin(c):
            continue
        for p in article.pairs:
            model_rx = (rf"(?<![\w-]){re.escape(c)}\s+"
                        r"(?P<model>(?:[a-z]{1,5}[A-Z]|[A-Z0-9])[\w-]*(?:\s+[A-Z0-9][\w-]*){0,2})")
            for m in re.finditer(model_rx, p.en or ""):
                model = m.group("model")
                if model not in comps and len(model) >= 3:
                    en.setdefault(model, c)
                    zh.setdefault(model, c)
    return comps, en, zh


def _section_prose(article: Article, sec: Section, en_names: dict, zh_names: dict, comps: list[str]) -> list:
    """The prose cues of a section's body, one record per sentence bead, language and effect (``behind``
    turned into ``favour`` of the other competitor when there are two)."""
    from .verdicts import prose_cues

    out = []
    for i in range(sec.first_pair + (1 if sec.heading_en or sec.heading_zh else 0), sec.last_pair + 1):
        if i == sec.verdict_pair:
            continue
        pair = article.pairs[i]
        beads = pair.sentences or []
        texts = [(b.en, b.zh) for b in beads] or [(pair.en, pair.zh)]
        for b, (en, zh) in enumerate(texts):
            for lang, text, names in (("en", en, en_names), ("zh", zh, zh_names)):
                for who, effect in prose_cues(text, lang, names):
                    if effect == "behind":
                        others = [c for c in comps if c != who]
                        if len(others) != 1:
                            continue
                        who, effect = others[0], "favour"
                    rec = {"pair": i, "sentence": b, "lang": lang, "competitor": who or None, "effect": effect,
                           "text": text}
                    if rec not in out:
                        out.append(rec)
    return out


def _prose_verdict(cues: list) -> tuple[Optional[str], bool, Optional[str], float, str]:
    """(winner, tie, gaining, confidence, languages) from a section's prose cues: the competitor most sentences
    favour, by a clear majority; a tie when sentences say so and none favours anyone."""
    favour: Counter = Counter()
    langs: dict[str, set] = {}
    by_sentence: dict[tuple, set] = {}
    for c in cues:
        if c["effect"] == "favour":
            by_sentence.setdefault((c["pair"], c["sentence"]), set()).add(c["competitor"])
            langs.setdefault(c["competitor"], set()).add(c["lang"])
    for who in by_sentence.values():
        if len(who) == 1:  # a sentence favouring both competitors argues nothing
            favour[next(iter(who))] += 1
    ranked = [(n, w) for w, n in favour.most_common() if n]
    gaining_names = [c["competitor"] for c in cues if c["effect"] == "gaining"]
    if ranked and (len(ranked) == 1 or ranked[0][0] > ranked[1][0]):
        winner = ranked[0][1]
        total = sum(n for n, _ in ranked)
        gaining = next((g for g in gaining_names if g != winner), None)
        side = langs.get(winner, set())
        return winner, False, gaining, round(ranked[0][0] / total, 3), "both" if len(side) > 1 else next(iter(side))
    if not ranked and any(c["effect"] == "tie" for c in cues):
        return None, True, gaining_names[0] if gaining_names else None, 1.0, "both"
    return None, False, None, 0.0, ""


def _prose_advantages(article: Article, names: NameResolver) -> None:
    """Advantages argued in the prose of a comparison article's sections (two or more headed sections, two
    competitors): a section without a verdict gets one (``source: "prose"``) when its prose agrees; a stated
    verdict that its section's prose contradicts gets an ``advantage_prose_contradiction`` warning."""
    headed = [s for s in article.sections if s.heading_en or s.heading_zh]
    if len(headed) < 2:
        return
    comps, en_names, zh_names = _competitor_names(article)
    if len(comps) < 2:
        return
    for sec in headed:
        check_deadline()
        sec.prose = _section_prose(article, sec, en_names, zh_names, comps)
        winner, tie, gaining, confidence, langs = _prose_verdict(sec.prose)
        if sec.advantage is None:
            if winner or tie:
                head = article.pairs[sec.first_pair]
                # how the Chinese side writes the winner: a Chinese name linked to it, else its Latin name
                zh_forms = sorted((k for k, v in zh_names.items() if v == winner),
                                  key=_is_latin)
                winner_zh = zh_forms[0] if zh_forms else None
                sec.advantage = Advantage(winner=winner, winner_zh=winner_zh, gaining=gaining, tie=tie,
                                          evidence=langs, source="prose",
                                          confidence=confidence)
                sec.aspect_en, sec.aspect_zh = _heading_aspects(head)
        elif winner and not sec.advantage.tie and sec.advantage.winner and winner != sec.advantage.winner:
            msg = (f"section {sec.index}: the {sec.advantage.source} says {sec.advantage.winner} has the advantage, "
                   f"but its prose favours {winner} ({confidence:.0%} of the sentences that argue one)")
            article.warnings.append(Notice("advantage_prose_contradiction", msg))


def _describe(a: Advantage) -> str:
    if a.tie:
        return "a tie"
    s = f"{a.winner or a.winner_zh} ({a.margin})"
    return s + (f", {a.gaining} gaining" if a.gaining else "")

"""Verdicts: what one line of a comparison article says about who has the advantage.

Comparison journalism states its verdicts in many styles: a heading ("Battery Life — Advantage: Samsung",
"续航方面,三星占优"), a labelled line after the aspect's heading ("Winner: Samsung.", "小结:两者打成平手"), or a
sentence ("Samsung edges out Apple on battery life.", "在续航方面,三星略胜一筹。"), often numbered
("Round 3:"), decorated (🏆, ✅, **bold**), quoted, or in traditional characters. :func:`parse_verdict` reads
each of them into a :class:`Reading`: the aspect compared, the winner (as the line writes it), the margin
(``slight`` | ``normal`` | ``large``), a competitor said to be gaining, a tie, or a verdict shared by both.

The grammar is data: the heading forms are the regular expressions of ``models/advantage_patterns.tsv``, the
words (labels, lead verbs, margins, ties, ...) the phrases of ``models/advantage_lexicon.tsv``; this module
holds the generic reading of a verdict clause.

>>> r = parse_verdict("🏆 Round 3: Battery life — Winner: the Pixel, narrowly.", "en")
>>> (r.aspect, r.winner, r.margin, r.tie, r.form)
('Battery life', 'Pixel', 'slight', False, 'label')
>>> r = parse_verdict("在續航方面,特斯拉略勝一籌。", "zh")
>>> (r.aspect, r.winner, r.margin, r.form)
('续航', '特斯拉', 'slight', 'heading')
>>> parse_verdict("How we tested", "en") is None
True
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

from .resources import model_file
from .script import to_simplified


@dataclass
class Reading:
    """What one language's verdict says. ``form``: ``heading`` (an aspect heading stating its verdict),
    ``label`` (a line opened by a verdict label: "Winner:", "小结:") or ``sentence`` (a verdict sentence)."""

    aspect: Optional[str] = None
    winner: Optional[str] = None
    margin: str = "normal"
    gaining: Optional[str] = None
    tie: bool = False
    #: the verdict goes to both competitors ("Both", "两者都")
    shared: bool = False
    form: str = "heading"
    #: the loser when the line names one ("X edges out Y")
    loser: Optional[str] = None

    @property
    def decided(self) -> bool:
        return bool(self.winner) or self.tie or self.shared


@dataclass(frozen=True)
class _Rules:
    patterns: dict  # lang -> [compiled]
    words: dict  # (kind, lang) -> compiled alternation
    phrases: dict  # (kind, lang) -> [phrase]


@functools.lru_cache(maxsize=4)
def rules(patterns_file: str = "advantage_patterns.tsv", lexicon_file: str = "advantage_lexicon.tsv") -> _Rules:
    words: dict[tuple[str, str], list[str]] = {}
    for line in model_file(lexicon_file).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, lang, phrase = line.split("\t")
            words.setdefault((kind, lang), []).append(phrase)
    # longest phrases first, so that 遥遥领先 wins over 领先
    alt = {k: "|".join(sorted(v, key=len, reverse=True)) for k, v in words.items()}
    macro = re.compile(r"\{([A-Z_]+)_(EN|ZH)\}")  # {KIND_LANG}: the phrases of that kind

    def expand(rx: str) -> str:
        return macro.sub(lambda m: alt[(m.group(1).lower(), m.group(2).lower())], rx)

    # a phrase may name another kind's phrases ("the {PRIZE_EN} goes to"); one level deep
    words = {k: [expand(p) for p in v] for k, v in words.items()}
    alt = {k: "|".join(sorted(v, key=len, reverse=True)) for k, v in words.items()}
    patterns: dict[str, list[re.Pattern]] = {}
    for n, line in enumerate(model_file(patterns_file).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        lang, rx = line.split("\t", 1)
        rx = expand(rx)  # {KIND_LANG}: the lexicon's phrases of that kind ({VERDICT_EN}, {LABEL_ZH}, ...)
        try:
            patterns.setdefault(lang, []).append(re.compile(rx, re.I))
        except re.error as err:
            raise ValueError(f"{patterns_file} line {n}: bad pattern: {err}") from None
    compiled = {k: re.compile(rf"(?:{v})", re.I) for k, v in alt.items()}
    return _Rules(patterns, compiled, words)


def word(kind: str, lang: str) -> re.Pattern:
    w = rules().words.get((kind, lang))
    return w if w is not None else re.compile(r"(?!x)x")


# -- normalizing a line --------------------------------------------------------------------------------------------
_NUMBERING = re.compile(
    r"^\s*(?:(?:round|part|category|test|no\.?|#)\s*\d+(?!\s+(?:goes|went|belongs|is|was)\b)\s*[:：.)\-–—]?|\d{1,2}\s*[.)、:：]|\(\d{1,2}\)|[（(]?[一二三四五六七八九十]+[、.)）]"
    r"|第[一二三四五六七八九十\d]+(?:轮|回合|部分|项|局|章|节)\s*[:：、.]?|[IVX]{1,4}\.)\s*", re.I)
_MARKUP = re.compile(r"\*\*|__|^#+\s*|^>\s*")
_TRAIL = " \t.,;:!。，；：！、…\"'“”‘’「」『』《》()（）[]【】*"


def _is_symbol(ch: str) -> bool:
    cat = unicodedata.category(ch)
    return cat in ("So", "Sk", "Cf", "Mn") or ch in "\ufe0f\u200d•·▶►→✓✔✗☆★-–—|"


#: symbols that announce a winner when they open a line ("🥇 Camera: Pixel 9 Pro")
_TROPHIES = "🏆🥇👑🏅✅✔"


def announces_winner(text: str) -> bool:
    t = text.strip().lstrip("*#> ")
    return bool(t) and t[0] in _TROPHIES


def normalize(text: str, lang: str) -> str:
    """A line without what decorates it: markup, emoji and bullets, numbering ("1.", "Round 3:", "第三轮:"),
    surrounding quotes and trailing punctuation; Chinese in simplified characters.

    >>> normalize("✅ 2. “Winner: BYD.”", "en")
    'Winner: BYD'
    >>> normalize("第三輪:價格", "zh")
    '价格'
    """
    t = _MARKUP.sub("", text.strip()).replace("**", "")
    if lang == "zh":
        t = to_simplified(t)
    for _ in range(3):  # "🏆 1. ✅ ..."
        t = t.strip()
        while t and _is_symbol(t[0]):
            t = t[1:].lstrip()
        t = _NUMBERING.sub("", t, count=1) if _NUMBERING.match(t) and not re.match(r"^\d+(?:[.,]\d)", t) else t
        t = t.strip().lstrip("\"'“‘「『")
    t = t.rstrip(_TRAIL + "".join(c for c in t[-3:] if _is_symbol(c)))
    # an aspect in brackets where numbering stood: "Round 3 (Keyboard): ThinkPad" -> "Keyboard: ThinkPad"
    t = re.sub(r"^[(（]([^()（）:：]{2,30})[)）]\s*(?=[:：—–|])", r"\1", t)
    return re.sub(r"\s+", " ", t).strip()


def strip_phrase(s: Optional[str]) -> Optional[str]:
    if s is None:
        return None
    s = s.strip(_TRAIL + "—–-")
    return s or None


def margin_of(text: str, lang: str) -> str:
    if word("margin_large", lang).search(text):
        return "large"
    if word("margin_slight", lang).search(text):
        return "slight"
    return "normal"


# -- English -------------------------------------------------------------------------------------------------------
#: a name as a verdict writes it: capitalized words (with "of" and "&" inside), optionally after "the"
_WORD = r"(?:[a-z]{1,5}[A-Z][\w.&'’+-]*|[A-Z0-9][\w.&'’+-]*)"
_NAME = (rf"(?:the\s+)?(?-i:{_WORD}(?:\s+(?:{_WORD}|of|&)){{0,5}})"
         r"(?:['’]s\s+(?:\w+\s+){0,2}?\w+)?")
_EN_BUT = re.compile(r"\s*(?:,|;|—|–)?\s*\b(?:but|while|though|although|yet|whereas)\b\s*|\s*[;—–]\s*"
                     r"|\s*,?\s+as\s+(?=(?-i:[A-Z]))", re.I)
_EN_ASPECT_FIRST = re.compile(r"^(?:on|in|for|at|when it comes to|as for|as far as|in terms of)\s+"
                              # time and discourse phrases are no aspect: "For now, ...", "On balance, ..."
                              r"(?!(?:now|the moment|the time being|present|short|the end|sum|general|balance|paper|"
                              r"practice|our money|my money|this reason)\b)(?P<aspect>[^,]+?)"
                              r"(?:\s+goes)?\s*,\s*(?P<rest>.+)$", re.I)
_EN_ASPECT_AFTER = (r"(?:\s+(?:on|in|at|for|when it comes to|in terms of)\s+"
                    # a time or an audience is no aspect: "wins for now", "the better laptop for most people"
                    r"(?!(?:now|the moment|the time being|the most part|good|sure|most(?:\s+\w+)?|everyone|"
                    r"everybody|anyone|all)\b)(?P<aspect>[^,;]+?)"
                    r"(?=\s*(?:[,;.]|$|\s(?:by|hands|narrowly|easily|comfortably|thanks|with|but|while|though|"
                    r"this|overall|again|too)\b)))?")
#: time and discourse phrases that open a verdict without being part of it ("On balance, Garmin wins")
_EN_DISCOURSE = re.compile(r"^(?:for now|for the moment|for the time being|at the moment|at present|in short|in the end|"
                           r"in sum|overall|on balance|on paper|in practice|all in all|ultimately|so far|right now|"
                           r"today|for our money)\b\s*,?\s*", re.I)
#: a conditional opening: "If we had to choose one, ...", "If battery life matters most to you, ..." (its
#: aspect kept when it names one: "If you care most about battery life, ...")
_EN_IF = re.compile(r"^if\s+(?:(?:you|we)\s+(?:\w+\s+)?(?:care|cares)\s+(?:\w+\s+)?about\s+(?P<aspect>[^,]+?)|"
                    r"(?:you|we)\s+(?:\w+\s+)?(?:value|prioriti[sz]e|want)\s+(?P<aspect2>[^,]+?)|"
                    r"(?P<aspect3>[^,]+?)\s+(?:matters?|is|are)\s+(?:\w+\s+)?(?:most|what matters|your priority)"
                    r"(?:\s+to\s+you)?|[^,]+?)\s*,\s*", re.I)
#: a verdict of the speaker's choice: "we'd pick the Kindle", "I'd go with Garmin"
_EN_PICK = re.compile(r"^(?:we['’]?d|we\s+would|we|i['’]?d|i\s+would|i)\s+(?:\w+\s+)?(?:pick|choose|go\s+with|"
                      r"recommend|take|buy|get)\s+", re.I)
#: a winner named, then what makes it win: "Uber Eats One costs less each month, so it's our pick"
_EN_SO_IT = re.compile(r",?\s+(?:so|which\s+is\s+why|and\s+so|which\s+makes\s+it)\s+(?:it|this\s+one)?\s*(?:['’]s|is)?\s*"
                       r"(?:our\s+pick|our\s+choice|the\s+winner|the\s+pick|takes?\s+(?:the\s+)?(?:win|round|crown|"
                       r"point|prize)|wins|gets\s+the\s+nod)\b(?:\s+here)?\s*$", re.I)
_EN_FILLER = re.compile(r"^\s*(?:it'?s|it is|the winner is|winner is|we pick|we'd pick|we choose|go with|pick|"
                        r"our pick is|we give it to|this one goes to|this goes to)\s+", re.I)


#: capitalized words that open a sentence but name nobody ("The lead comes from density")
_NOT_NAMES = frozenset("the this that these those it its our we they here there each every neither either no a an "
                       "his her their one".split())


def _en_gaining(text: str) -> Optional[str]:
    g = word("gaining", "en")
    m = re.search(rf"(?P<who>{_NAME})\s+(?:{g.pattern})", text)
    return _clean_name(m.group("who")) if m else None


def _clean_name(s: Optional[str]) -> Optional[str]:
    s = strip_phrase(s)
    if not s:
        return None
    s = re.sub(r"['’]s\b.*$", "", s)
    s = re.sub(r"^(?:the)\s+", "", s, flags=re.I) if re.match(r"^the\s+(?-i:[a-z]{0,5}[A-Z0-9])", s, re.I) else s
    return strip_phrase(s)


#: "not (even) close", "it isn't close": a large margin, not the "close" of a tie
_NOT_CLOSE = re.compile(r"(?:isn['’]?t|is\s+not|wasn['’]?t|was\s+not|not)\s+(?:even\s+)?(?:that\s+)?close", re.I)


def _en_tie(head: str) -> bool:
    tie = word("tie", "en")
    return bool(re.search(rf"(?<![\w-])(?:{tie.pattern})(?![\w-])", _NOT_CLOSE.sub(" ", head), re.I))


def en_clause(text: str, labelled: bool) -> Optional[Reading]:
    """A verdict clause: "Samsung edges out Apple on battery life", "the edge goes to Apple", "a draw";
    ``labelled``: the clause follows a verdict label, so a bare name ("Samsung, hands down") is a winner."""
    text = _EN_DISCOURSE.sub("", strip_phrase(text) or "")
    aspect = None
    m = _EN_IF.match(text)
    if m and m.end() < len(text):
        aspect = strip_phrase(m.group("aspect") or m.group("aspect2") or m.group("aspect3"))
        text = text[m.end():]
    # a margin before the verdict: "Narrowly, the Canon beats the Sony", "Hands down, the Dyson is the better vacuum"
    fronted = "normal"
    m = re.match(rf"^(?:{word('margin_large', 'en').pattern}|{word('margin_slight', 'en').pattern})\s*,\s*", text, re.I)
    if m:
        fronted, text = margin_of(m.group(), "en"), text[m.end():]
    m = _EN_PICK.match(text)
    if m:  # "we'd pick the Kindle": the speaker's pick is a labelled verdict
        text, labelled = text[m.end():], True
    subject = re.match(rf"^(?P<who>{_NAME})", text) if _EN_SO_IT.search(text) and \
        re.match(rf"^(?:{_NAME})\s", text) else None
    if subject:  # the winner is the subject before "so it's our pick"
        who = _clean_name(subject.group("who"))
        if who and who.lower() not in _NOT_NAMES:
            return Reading(winner=who, aspect=aspect, margin=margin_of(text, "en"))
    m = _EN_ASPECT_FIRST.match(text)
    if m:
        aspect, text = strip_phrase(m.group("aspect")), m.group("rest")
    parts = _EN_BUT.split(text, maxsplit=1)
    if len(parts) == 1:  # "Spotify leads on podcasts, YouTube Music is closing the gap"
        m = re.search(r",\s+(?=[^,]+$)", text)
        if m and _en_gaining(text[m.end():]):
            parts = [text[:m.start()], text[m.end():]]
    head, tail = parts[0], (parts[1] if len(parts) > 1 else "")
    r = _en_reading(head, labelled)
    if r is None or (r.winner and r.winner.lower() in _NOT_NAMES):
        return None
    r.aspect = r.aspect or aspect
    r.gaining = _en_gaining(tail) or (_en_gaining(head) if r.tie else None)
    r.margin = "normal" if (r.tie or r.shared) else margin_of(head, "en")
    if r.margin == "normal" and not (r.tie or r.shared):
        # the margin fronted ("Narrowly, ...") or in a tail of its own ("Edge: Xbox, but only just")
        r.margin = fronted if fronted != "normal" else (
            margin_of(tail, "en") if re.match(r"^(?:only|just|barely|narrowly|and\s+it|not\s+even|by\s+)", tail, re.I)
            else "normal")
    return r


def _en_reading(head: str, labelled: bool) -> Optional[Reading]:
    both = word("both", "en")
    if _en_tie(head) and not re.search(rf"^(?:{_NAME})\s+(?:{word('lead', 'en').pattern})\b", head):
        # "neck and neck on price", "On comfort the two are all square": the idiom's own "on" is no aspect
        rest = re.sub(rf"(?<![\w-])(?:{word('tie', 'en').pattern})(?![\w-])", " , ", head, flags=re.I)
        m = (re.search(r"(?:^|.*\s)(?:on|in|for|at|when it comes to)\s+(?P<aspect>[^,;]+?)\s*$", rest, re.I)
             or re.match(r"^(?:on|in|for|at|when it comes to)\s+(?P<aspect>[\w' -]+?)\s+(?=(?:the|both|it|they|these|"
                         r"neither)\b)", head, re.I))
        return Reading(tie=True, aspect=strip_phrase(m.group("aspect")) if m else None)
    m = re.match(rf"(?:{both.pattern})\b(?:\s+{_NAME}\s+and\s+{_NAME})?", head, re.I)
    if m and (labelled and not re.search(r"\band\b", head[m.end():]) or re.match(
            rf"\s+(?:\w+\s+)?(?:{word('both_praise', 'en').pattern})\b", head[m.end():], re.I)):
        a = re.match(rf"\s+(?:\w+\s+)?(?:{word('both_praise', 'en').pattern})\s+(?:on|in|for|at|when it comes to)\s+"
                     r"(?P<aspect>[^,;]+?)\s*$", head[m.end():], re.I)
        return Reading(shared=True, aspect=strip_phrase(a.group("aspect")) if a else None)
    m = re.match(rf"^(?:the\s+)?(?:{word('prize', 'en').pattern})\s+(?:for|on|in|at|when it comes to)\s+"
                 rf"(?P<aspect>[^,;]+?)\s+(?:goes|go|went)\s+to\s+(?P<who>{_NAME})\s*$", head, re.I)
    if m:
        return Reading(winner=_clean_name(m.group("who")), aspect=strip_phrase(m.group("aspect")))
    m = re.search(rf"(?i:{word('goes_to', 'en').pattern})\s+(?P<who>{_NAME}){_EN_ASPECT_AFTER}", head)
    if m:
        return Reading(winner=_clean_name(m.group("who")), aspect=strip_phrase(m.group("aspect")))
    margin = f"{word('margin_large', 'en').pattern}|{word('margin_slight', 'en').pattern}"
    m = re.match(rf"^(?P<aspect>[\w' -]{{2,40}}?)\s+goes\s+to\s+(?P<who>{_NAME})\s*(?:,?\s*(?:{margin}))?\s*$", head)
    if m and not re.match(rf"^(?:the\s+)?(?:{word('prize', 'en').pattern})\b", m.group("aspect"), re.I):
        return Reading(winner=_clean_name(m.group("who")), aspect=strip_phrase(m.group("aspect")))
    m = re.match(rf"^(?P<other>{_NAME})\s+(?:{word('lose', 'en').pattern})\s+(?P<who>{_NAME})"
                 rf"(?:\s+(?:{margin}))?{_EN_ASPECT_AFTER}", head)
    if m:
        return Reading(winner=_clean_name(m.group("who")), loser=_clean_name(m.group("other")),
                       aspect=strip_phrase(m.group("aspect")))
    m = re.match(rf"^(?P<who>{_NAME})\s+(?:{word('beat', 'en').pattern})\s+(?P<other>{_NAME}|(?:its|the)\s+"
                 rf"(?:rivals?|competition|pack|field|others?))(?:\s+(?:{margin}))?{_EN_ASPECT_AFTER}", head)
    if m:
        return Reading(winner=_clean_name(m.group("who")), loser=_clean_name(m.group("other")),
                       aspect=strip_phrase(m.group("aspect")))
    m = re.match(rf"^(?P<who>{_NAME})\s+(?:(?:is|was|remains|comes out as|emerges as)\s+(?:\w+ly\s+|still\s+)?)?"
                 rf"(?:the\s+|our\s+)?(?:{word('winner_noun', 'en').pattern})\b"
                 rf"(?:\s+(?:over|than)\s+(?P<other>{_NAME}))?{_EN_ASPECT_AFTER}", head)
    if m:
        return Reading(winner=_clean_name(m.group("who")), aspect=strip_phrase(m.group("aspect")))
    lead = word("lead", "en").pattern
    m = re.match(rf"^(?P<who>{_NAME})\s+(?:(?:\w+ly|still|also|clearly)\s+)?(?:{lead})\b(?:\s+(?:here|this one|"
                 rf"this round|overall))?(?:\s+than\s+{_NAME}|\s+(?!(?i:on|in|at|for|by)\b){_NAME})?(?:\s+(?:{margin}))?{_EN_ASPECT_AFTER}", head)
    if m:
        return Reading(winner=_clean_name(m.group("who")), aspect=strip_phrase(m.group("aspect")))
    m = re.match(rf"^(?P<who>{_NAME})\s*,?\s*(?:{margin})$", head)
    if m and not labelled:  # "Keyboard: ThinkPad by a mile": a bare name with a margin is a verdict
        return Reading(winner=_clean_name(m.group("who")))
    if not labelled:
        return None
    # after a label: the winner is the name the clause starts with ("Samsung, hands down", "It's BYD"), the
    # aspect may follow it ("Hertz, for airport coverage", "Subaru Outback (for off-road ability)")
    rest = _EN_FILLER.sub("", head)
    tail_aspect = None
    m = re.search(r"(?:\s*,\s*|\s*\(\s*)(?:for|on|in|at|when it comes to)\s+(?P<aspect>[^,;()]+?)\s*\)?\s*$", rest, re.I)
    if m:
        tail_aspect, rest = strip_phrase(m.group("aspect")), rest[:m.start()]
    m = re.match(rf"^(?P<who>{_NAME})(?:\s+it is)?{_EN_ASPECT_AFTER}(?:\s*,|\s+by\b|\s+(?:{word('margin_large', 'en').pattern})|"
                 rf"\s+(?:{word('margin_slight', 'en').pattern})|\s+(?:{lead})|\s*$)", rest)
    if m and not re.fullmatch(r"(?i:none|nobody|neither|no one|n/?a)", m.group("who")):
        who = m.group("who")
        for kind in ("lead", "margin_large", "margin_slight"):
            who = word(kind, "en").sub(" ", who)
        return Reading(winner=_clean_name(re.sub(r"\s+", " ", who)),
                       aspect=strip_phrase(m.group("aspect")) or tail_aspect)
    return None


# -- Chinese -------------------------------------------------------------------------------------------------------
_ZH_BUT = re.compile(r"[,，;；]\s*(?:而(?!言)|但|但是|不过|同时|然而)|[;；]|(?:而(?!言|且)|但是|不过|然而)(?=\S{2})")
_ZH_WHO = re.compile(r"^\s*(?:而|但|但是|不过|同时|然而)?\s*(?P<who>[A-Za-z][\w .&'-]*?|[^的，,\s“”]{2,8}?)"
                     r"(?=的|也|正|在|已|还|则|同样|仍)")
_ZH_ADVERBS = re.compile(r"(?:仍然|依然|继续|目前|暂时|明显|稍稍|略微|微弱|小幅|大幅|则|更是|还是|依旧|再次|这次|这一轮|本轮|都|也)+$")
_ZH_LEADING = re.compile(r"^(?:这一轮|本轮|这一项|本项|这次|这一回合|本回合|目前|如今|现在|仍是|仍然是|还是|是|而|最终|总体来看|总的来说|综合来看|整体而言|总体而言|"
                         r"可以说|显然|毫无疑问|看来)+[,，]?")


def _zh_gaining(tail: str) -> Optional[str]:
    if not tail or not word("gaining", "zh").search(tail):
        return None
    m = _ZH_WHO.search(tail.lstrip(" ,，;；"))
    return strip_phrase(m.group("who")) if m else None


def _zh_winner(s: str) -> Optional[str]:
    s = _ZH_LEADING.sub("", s.strip(" ,，"))
    s = _ZH_ADVERBS.sub("", s)
    s = re.sub(r"(?:以\S{0,6}优势|凭借\S{0,8}|依靠\S{0,8})$", "", s)
    s = strip_phrase(s)
    # a determiner or pronoun names nobody ("这一领先来自...")
    return None if s and re.fullmatch(r"(?:这|那|该|其|此|它|他|她|这一|那一|这种|这个|我们|他们|它们)", s) else s


def _zh_possessed(s: str) -> tuple[str, Optional[str]]:
    """A name and what of it a clause compares: "长荣航空的经济舱服务" -> ("长荣航空", "经济舱服务"); a text
    without 的 -> (text, None)."""
    m = re.match(r"^(?P<who>[^的，,]{1,24})的(?P<aspect>[^，,的]{1,10}?)(?:明显|稍稍|稍|略微|略|远远|大幅|仍然|依然)?$", s)
    if not m or _not_zh_aspect(m.group("aspect")):
        return s, None
    return m.group("who"), strip_phrase(m.group("aspect"))


def zh_clause(text: str, labelled: bool) -> Optional[Reading]:
    """A Chinese verdict clause: "在续航方面,三星略胜一筹", "比亚迪完胜特斯拉", "两者打成平手"."""
    text = strip_phrase(text) or ""
    m = _ZH_BUT.search(text)
    if m is None:  # "京东在物流上领先,菜鸟正在迎头赶上": the gaining clause after a plain comma
        m = re.search(r"[，,](?=[^，,]+$)", text)
        if m and not _zh_gaining(text[m.end():]):
            m = None
    head, tail = (text[:m.start()], text[m.end():]) if m else (text, "")
    r = _zh_reading(head, labelled)
    if r is None:
        return None
    r.gaining = _zh_gaining(tail)
    r.margin = "normal" if (r.tie or r.shared) else margin_of(head, "zh")
    return r


def _not_zh_aspect(s: str) -> bool:
    return bool(word("not_aspect", "zh").search(s) or word("lead", "zh").search(s))


def _zh_reading(head: str, labelled: bool) -> Optional[Reading]:
    aspect = None
    mark = word("zh_aspect_mark", "zh").pattern
    both = word("both_noun", "zh").pattern
    if labelled:  # "胜者:京东(物流速度)": the aspect in brackets after the winner
        m = re.match(r"^(?P<rest>[^（(]+?)\s*[（(](?P<aspect>[^）)]{1,12})[）)]?$", head)
        if m and not _not_zh_aspect(m.group("aspect")):
            aspect, head = strip_phrase(m.group("aspect")), m.group("rest")
    m = (re.match(rf"^(?:在|就|论|说到|谈到|至于)?(?P<aspect>[^，,:：]{{1,14}}?)(?:{mark})[，,:：]\s*(?P<rest>.+)$", head)
         # a topic opened by its own word needs no mark: "就续航而言,", "论服务质量,", "说到拍照,"
         or re.match(r"^(?:就|论|说到|谈到|至于|对于|比起)(?P<aspect>[^，,:：]{1,12}?)(?:而言|来说|来看|方面)?[，,:：]\s*"
                     r"(?P<rest>.+)$", head))
    if m and not _not_zh_aspect(m.group("aspect")):
        aspect, head = strip_phrase(m.group("aspect")) or aspect, m.group("rest")
    # "如果你更看重性价比,Redmi K70 Pro是更好的选择": the preference names the aspect
    m = re.match(r"^(?:如果|假如|要是)?(?:你|您)?(?:更|最|比较)?(?:看重|在意|注重|关心|追求|重视|在乎)(?P<aspect>[^，,]{1,12})"
                 r"(?:的话)?[，,]\s*(?P<rest>.+)$", head)
    if m:
        aspect, head = strip_phrase(m.group("aspect")), m.group("rest")
    m = re.match(r"^(?P<who>[^，,]{1,16})[，,]\s*(?P<how>[^，,]{1,10})$", head)
    if labelled and m:  # "蔚来,微弱领先", "拼多多,大幅领先": a name, then how it leads
        how = m.group("how")
        for kind in ("lead", "margin_large", "margin_slight"):
            how = word(kind, "zh").sub("", how)
        if len(how.strip()) <= 2 and how != m.group("how"):
            return Reading(winner=_zh_winner(m.group("who")), aspect=aspect)
    if aspect is None:  # "价格,拼多多胜出": a bare aspect before a comma, when what follows is a verdict
        m = re.match(r"^(?P<aspect>[^，,:：\s]{2,8})[，,]\s*(?P<rest>.+)$", head)
        if m and not _not_zh_aspect(m.group("aspect")):
            r = _zh_reading(m.group("rest"), labelled=False)
            if r is not None and r.decided:
                r.aspect = r.aspect or strip_phrase(m.group("aspect"))
                return r
    if aspect is None:  # "两者在屏幕素质上打成平手": the aspect inside the clause
        m = re.search(rf"在(?P<aspect>[^，,:：在]{{1,12}}?)(?:方面|上)", head)
        if m and not _not_zh_aspect(m.group("aspect")):  # not "在这方面"
            aspect = strip_phrase(m.group("aspect"))
    if word("tie", "zh").search(head):
        # "两款耳机的降噪效果难分伯仲", "腾讯视频和爱奇艺的片库规模不相上下": the aspect between the two and the idiom
        m = re.match(rf"^(?:{both}|[^，,的]{{1,20}}?(?:和|与|跟|同)[^，,的]{{1,20}}?)的(?P<aspect>[^，,的]{{1,10}}?)"
                     rf"(?:都|也|可谓|基本|几乎)?(?:{word('tie', 'zh').pattern})", head)
        return Reading(tie=True, aspect=aspect or (strip_phrase(m.group("aspect")) if m else None))
    if labelled and re.fullmatch(rf"(?:{both})(?:都|均|皆)?(?:是|为)?(?:赢家|胜者)?", head):
        return Reading(shared=True, aspect=aspect)  # "赢家:两者"
    m = re.match(rf"^(?:{word('both', 'zh').pattern})", head)
    if m and (labelled or re.match(rf"[^，,。]{{0,12}}?(?:{word('both_praise', 'zh').pattern})", head[m.end():])):
        on = re.search(rf"(?:{word('win_on', 'zh').pattern})(?P<aspect>[^，,。]{{1,12}})$", head)
        return Reading(shared=True, aspect=aspect or (strip_phrase(on.group("aspect")) if on else None))
    # "招行服务好,胜在手机银行体验", "京东胜在物流": the winner is the subject, the aspect after 胜在
    m = re.match(rf"^(?P<who>[^，,]{{1,14}}?)[，,]?(?:{word('win_on', 'zh').pattern})(?P<aspect>[^，,。]{{1,12}})$", head)
    if m:
        return Reading(winner=_zh_winner(m.group("who")), aspect=aspect or strip_phrase(m.group("aspect")))
    # "我们更推荐理想L6": a recommendation's object
    m = re.match(rf"^(?:{word('recommend', 'zh').pattern})(?P<who>[^，,。的]{{1,16}})$", _ZH_LEADING.sub("", head))
    if m and not re.search(r"[吗?？]|(?:谁|哪)", head):
        return Reading(winner=_zh_winner(m.group("who")), aspect=aspect)
    m = re.match(rf"^(?P<other>[^，,]+?)(?:{word('lose', 'zh').pattern})(?P<who>[^，,。]+)$", head)
    if m:
        other = re.sub(rf"在[^，,]+?(?:{mark})$", "", m.group("other"))
        other, own = _zh_possessed(other)  # "比亚迪汉EV的智能座舱明显落后于小鹏P7i"
        return Reading(winner=_zh_winner(m.group("who")), loser=strip_phrase(other), aspect=aspect or own)
    m = re.match(r"^(?P<who>[^的，,在]{1,24})的(?P<aspect>[^，,]{1,10}?)(?:更|更加|明显更)(?:\S{1,4})$", head)
    if m and not word("lead", "zh").search(m.group("who")):
        return Reading(winner=_zh_winner(m.group("who")), aspect=aspect or strip_phrase(m.group("aspect")))
    m = re.match(r"^(?P<who>.+?)(?:略胜|稍胜|更胜|技高)(?P<other>.+?)一筹", head) or \
        re.match(r"^(?P<who>.+?)(?:略胜|稍胜|更胜)(?!一筹)(?P<other>[^，,。]+)$", head)
    if m:
        who, own = _zh_possessed(m.group("who"))  # "长荣航空的经济舱服务略胜中华航空"
        return Reading(winner=_zh_winner(who), loser=strip_phrase(m.group("other")), aspect=aspect or own)
    m = re.match(r"^(?P<who>.+?)(?:完胜|击败|战胜|力压|胜过|超越|碾压|领先于|优于|强于|好于)(?P<other>[^，,。]+?)(?:\S{0,2}$|[，,])", head)
    if m and not re.search(r"方面|在", m.group("who")):
        return Reading(winner=_zh_winner(m.group("who")), loser=strip_phrase(m.group("other")), aspect=aspect)
    m = re.match(r"^(?:胜者|赢家|胜出者|优胜者|获胜者|优势方)(?:是|为|属于|归)(?P<who>.+)$", head) or re.match(
        r"^(?P<who>.+?)(?:是|为|成为|堪称)(?:本轮|这一轮|本项|最终|最大|明显|当之无愧|毫无疑问)?的?(?:赢家|胜者|优胜者|胜出者|首选|王者|"
        r"更好的选择|更佳的?选择|更优的?选择|更合适的选择|更明智的选择)", head)
    if m:
        return Reading(winner=_zh_winner(m.group("who")), aspect=aspect)
    m = (re.match(rf"^(?P<who>[^，,]+?)在(?P<aspect>[^，,:：]+?)(?:{mark})(?P<lead>.+)$", head)
         # "微信支付在线下领先": no mark when the lead phrase follows the aspect at once
         or re.match(rf"^(?P<who>[^，,在]+?)在(?P<aspect>[^，,:：]{{1,8}}?)(?P<lead>(?:仍然|依然|继续|明显|稍稍|略微)?(?:"
                     rf"{word('lead', 'zh').pattern}).*)$", head))
    if m and word("lead", "zh").search(m.group("lead")):
        return Reading(winner=_zh_winner(m.group("who")), aspect=strip_phrase(m.group("aspect")))
    lead = word("lead", "zh").search(head)
    if lead and lead.start() > 0:
        # the lead's subject: after the last comma ("这一项毫无悬念,荣耀Magic6 Pro拿下")
        who = _zh_winner(re.split(r"[，,]", head[:lead.start()])[-1])
        if who and not re.search(r"(?:谁|哪|是否|能否|吗)", head):
            return Reading(winner=who, aspect=aspect)
    if labelled and 1 <= len(head) <= 20 and not re.search(r"[吗?？，,]|(?:谁|哪)", head):
        w = _zh_winner(head)
        if w and not re.fullmatch(r"(?:无|没有|暂无|待定|未定)", w):
            return Reading(winner=w, aspect=aspect)
    return None


def _gaining_after(text: str, lang: str) -> Optional[str]:
    """Who a clause's second part says is gaining ("..., but Target is closing the gap")."""
    if lang == "en":
        parts = _EN_BUT.split(text, maxsplit=1)
        return _en_gaining(parts[1]) if len(parts) > 1 else None
    m = _ZH_BUT.search(text)
    return _zh_gaining(text[m.end():]) if m else None


# -- the whole line ------------------------------------------------------------------------------------------------
def parse_verdict(text: str, lang: str) -> Optional[Reading]:
    """The verdict a line states, or None when it states none: first the heading forms of
    ``models/advantage_patterns.tsv`` (each names how its verdict part is read), then a verdict sentence.

    >>> parse_verdict("Price: BYD wins by a wide margin", "en").margin
    'large'
    >>> parse_verdict("价格方面,双方平分秋色", "zh").tie
    True
    >>> r = parse_verdict("Verdict: Spotify edges out Apple Music on discovery.", "en")
    >>> (r.winner, r.loser, r.aspect, r.margin)
    ('Spotify', 'Apple Music', 'discovery', 'slight')
    """
    t = normalize(text, lang)
    if not t or t.endswith(("?", "？", "吗")):
        return None
    clause = en_clause if lang == "en" else zh_clause
    trophy = announces_winner(text)
    for pat in rules().patterns.get(lang, []):
        m = pat.match(t)
        if not m:
            continue
        g = {k: v for k, v in m.groupdict().items() if v is not None}
        if lang == "en" and re.search(r"\b(?:is|are|was|were|said|says|has|have|had)\b", g.get("aspect", "")):
            continue  # "The judges were blunt: ...": a clause before the colon, not an aspect
        if lang == "zh" and "aspect" in g and _not_zh_aspect(g["aspect"]):
            continue  # "去年,比亚迪领先": a time or a discourse word before the comma, not an aspect
        labelled = "label" in g or trophy
        if "tie" in g:  # "Draw: both are even on portability", "平局:两款车的空间不相上下"
            r = clause(g.get("clause", ""), labelled=False) or Reading()
            r = Reading(tie=True, aspect=r.aspect, gaining=r.gaining, form="label")
            return r
        if "verdict" in g or "clause" in g:
            r = clause(g.get("verdict") or g.get("clause", ""), labelled=labelled)
            body = g.get("verdict") or g.get("clause", "")
            if r is None and "winner" in g and word("lead", lang).search(body):
                # "Y在X方面占据优势,但Z正在追赶": the clause holds the lead phrase
                r = Reading(gaining=_gaining_after(body, lang))
        else:
            r = Reading(margin=margin_of(t, lang))
            rest = g.get("rest", "")
            r.gaining = _en_gaining(rest) if lang == "en" else _zh_gaining(rest)
        if r is None:
            continue
        if "winner" in g and (not r.winner or lang == "zh"):
            r.winner = _clean_name(g["winner"]) if lang == "en" else _zh_winner(g["winner"])
            if lang == "zh" and r.winner and re.match(rf"^(?:{word('both', 'zh').pattern})$", r.winner + "都"):
                r.winner, r.shared = None, True  # "两者都在X方面表现出色"
            if lang == "zh" and not (r.tie or r.shared):
                r.margin = margin_of(t, lang)
        r.aspect = strip_phrase(g.get("aspect")) or strip_phrase(g.get("for_aspect")) or r.aspect
        if r.aspect and re.fullmatch(rf"(?:{word('margin_large', lang).pattern}|{word('margin_slight', lang).pattern})",
                                     r.aspect, re.I):
            # "No contest — the RTX 4090 is the clear winner": a margin before the dash, not an aspect
            r.margin = r.margin if (r.tie or r.shared or r.margin != "normal") else margin_of(r.aspect, lang)
            r.aspect = None
        r.form = "label" if "label" in g else "heading"
        if not r.decided:
            continue
        return r
    if word("attribution", lang).search(t) and lang == "en":
        return None
    r = clause(t, labelled=False)
    if (r is None or not r.decided) and re.search(r"[:：]", t):
        # "The judges were blunt: “Lufthansa wins on service.”": the verdict after the colon
        r = clause(re.split(r"[:：]", t)[-1].strip(" \"'“”‘’「」"), labelled=False)
    if r is None or not r.decided:
        return None
    r.form = "sentence"
    return r


# -- advantages argued in prose ------------------------------------------------------------------------------------
PROSE_EFFECTS = ("favour", "behind", "object", "gaining", "tie")


@functools.lru_cache(maxsize=64)
def _prose_patterns(lang: str, names: tuple[str, ...]) -> list[tuple[str, re.Pattern]]:
    """The prose cues of the lexicon with {X} and {Y} standing for the given competitor names."""
    # names are matched as written (case-sensitively): "Shop" of "TikTok Shop" is not "shop"
    alt = "(?-i:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + ")"
    if lang == "en":
        x, y = rf"(?<![\w-])(?P<x>{alt})(?![\w-])", rf"(?<![\w-])(?P<y>{alt})(?![\w-])"
    else:
        x, y = f"(?P<x>{alt})", f"(?P<y>{alt})"
    out = []
    for effect in PROSE_EFFECTS:
        for phrase in rules().phrases.get((f"prose_{effect}", lang), []):
            flags = re.I if lang == "en" else 0
            out.append((effect, re.compile(phrase.replace("{X}", x).replace("{Y}", y), flags)))
    return out


def prose_cues(text: str, lang: str, names: dict) -> list[tuple[str, str]]:
    """What a sentence argues about the competitors: ``(canonical name, effect)`` pairs, effect ``favour`` (the
    competitor has the advantage), ``behind`` (it has not: the other one has), ``gaining`` or ``tie`` (name
    ``""``). ``names``: how the text may write each competitor -> its canonical name.

    >>> names = {"TikTok": "TikTok", "Amazon": "Amazon", "亚马逊": "Amazon"}
    >>> prose_cues("TikTok has a long way to go to build a network that can rival Amazon.", "en", names)
    [('TikTok', 'behind'), ('Amazon', 'favour')]
    >>> prose_cues("亚马逊自2017年以来取得了长足进展。", "zh", names)
    [('Amazon', 'gaining')]
    """
    if not text or not names:
        return []
    found: list[tuple[str, str]] = []
    for effect, pat in _prose_patterns(lang, tuple(sorted(names))):
        for m in pat.finditer(text):
            g = m.groupdict()
            if effect == "tie":
                item = ("", "tie")
            elif effect == "object":
                item = (names.get(g.get("y") or "", ""), "favour")
            else:
                item = (names.get(g.get("x") or "", ""), effect)
            if item[0] or effect == "tie":
                if item not in found:
                    found.append(item)
    return found


# -- a verdict read from the competitors a line names ---------------------------------------------------------------
#: words of a product name too common to stand for it alone ("Pro", "Max", "Series")
_GENERIC = frozenset("the and of pro max ultra plus mini air lite series edition gen generation model new one se fe "
                     "neo prime premium standard basic classic signature inc ltd co corp company group".split())
#: a line that reports, asks or previews rather than judges ("Intel says ...", "we'll see which wins")
_HEDGE = {"en": re.compile(r"\b(?:will|would|could|might|may|whether|rumou?r\w*|expected|set to|if\s+\w+\s+can|"
                           r"reportedly|allegedly|claims?|says|said|according|(?:see|know|tell|ask)\s+(?:who|which))\b"
                           r"|['’]ll\b", re.I),
          "zh": re.compile(r"(?:将会|或将|是否|能否|会不会|传闻|据称|据说|声称|宣称|称|认为|预计|有望|看看|谁)")}


def _aliases(names, lang: str) -> dict[str, str]:
    """Ways a line may write each competitor -> the competitor: the name, its words (English) or script runs
    (Chinese) that no other competitor shares and that are not generic, the name without its brand."""
    out: dict[str, str] = {}
    parts = {}
    for n in names:
        if lang == "en" or re.search(r"[A-Za-z]", n) and not re.search(r"[\u4e00-\u9fff]", n):
            ws = [w for w in re.split(r"[\s/]+", n) if w]
            ps = [w for w in ws if len(w) >= 3 and w.lower() not in _GENERIC and not w.isdigit()]
            if len(ws) > 1:
                ps.append(" ".join(ws[1:]))  # "Pixel 9 Pro" of "Google Pixel 9 Pro"
        else:
            runs = re.findall(r"[\u4e00-\u9fff]+|[A-Za-z0-9][A-Za-z0-9 .+-]*[A-Za-z0-9+]|[A-Za-z0-9]", n)
            ps = [r.strip() for r in runs if len(r.strip()) >= 2 and r.strip().lower() not in _GENERIC]
            if re.fullmatch(r"[\u4e00-\u9fff]{4,}", n):
                ps.append(n[:2])  # 美团 of 美团外卖
        parts[n] = ps
    for n in names:
        out[n] = n
    for n, ps in parts.items():
        others = {p.lower() for m, qs in parts.items() if m != n for p in qs} | {m.lower() for m in names if m != n}
        for p in ps:
            if p.lower() not in others and not any(p.lower() in m.lower() for m in names if m != n):
                out.setdefault(p, n)
    return out


def verdict_by_names(text: str, lang: str, names, argued: bool = True) -> Optional[Reading]:
    """The verdict of a line that no form of :func:`parse_verdict` reads, from the competitors it names
    (``names``: the article's competitors): with a verdict word in the line (a lead, a win, a margin, a
    recommendation, a verdict label) the winner is the competitor before it ("the Pixel's camera is simply
    better"), or the one after a word of losing ("Galaxy falls short of the Pixel"), or, when the line names
    one competitor only, that one. A question, a report or a preview ("Intel says ...", "will it catch up?")
    states no verdict; a tie is left to the forms. A line with the cues of an advantage argued in prose
    (:func:`prose_cues`: "TikTok has a long way to go to rival Amazon") is read by them (``argued``), or left
    to the reading of its section's prose (``argued=False``, as the sections stage does).

    >>> verdict_by_names("The Pixel's camera is simply better.", "en", ["Google Pixel 9", "iPhone 16"]).winner
    'Google Pixel 9'
    >>> verdict_by_names("论拍照,小米14遥遥领先vivo X100。", "zh", ["小米14", "vivo X100"]).winner
    '小米14'
    >>> verdict_by_names("Intel says the Core Ultra is faster than the Ryzen.", "en", ["Intel Core Ultra", "AMD Ryzen"])
    """
    names = [n for n in dict.fromkeys(names) if n]
    t = normalize(text, lang)
    if len(names) < 2 or not t or t.endswith(("?", "？", "吗")) or _HEDGE[lang].search(t) or \
            word("attribution", lang).search(t) or word("tie", lang).search(_NOT_CLOSE.sub(" ", t) if lang == "en" else t):
        return None
    aliases = _aliases(names, lang)
    found = prose_cues(t, lang, aliases)
    if found and not argued:
        return None  # left to the prose reading of its section (nlp_toolkit.sections), which weighs them all
    if found:  # an advantage argued as prose argues it ("X has a long way to go to rival Y"): its cues decide
        if any(e == "tie" for _, e in found):
            return None
        favoured = {c for c, e in found if e == "favour"}
        favoured |= {n for c, e in found if e == "behind" for n in names if n != c and len(names) == 2}
        if len(favoured) != 1:
            return None
        return Reading(winner=favoured.pop(), margin=margin_of(t, lang), form="sentence")
    flags = re.I if lang == "en" else 0
    mentions, taken = [], []
    for alias, canon in sorted(aliases.items(), key=lambda kv: -len(kv[0])):
        # Latin letters and digits bound a Latin name ("Pixel" is not in "Pixelbook"; 荣耀Magic6 Pro拿下 holds
        # "Magic6 Pro")
        rx = rf"(?<![A-Za-z0-9-]){re.escape(alias)}(?![A-Za-z0-9-])" if re.search(r"[A-Za-z0-9]", alias) \
            else re.escape(alias)
        for m in re.finditer(rx, t, flags):
            if not any(a < m.end() and m.start() < b for a, b in taken):
                taken.append(m.span())
                mentions.append((m.start(), m.end(), canon))
    mentions.sort()
    if not mentions:
        return None
    positive = [k for k in ("lead", "beat", "winner_noun", "goes_to", "prize", "margin_large", "margin_slight",
                            "label", "title", "recommend") if (k, lang) in rules().words]
    def cues(rx):  # where a cue starts, outside the names; English cues are whole words ("star" is not in "Starting")
        return [m.start() for m in rx.finditer(t) if not any(a <= m.start() < b for a, b, _ in mentions) and
                (lang != "en" or not (t[m.start() - 1:m.start()].isalnum() or t[m.end():m.end() + 1].isalnum()))]

    pos = [x for k in positive for x in cues(word(k, lang))]
    lose = cues(word("lose", lang))
    if lang == "en":  # a comparative says who is better: "is simply better", "the faster chip", "更好"
        pos += [m.start() for m in re.finditer(r"\b(?:better|superior|faster|cheaper|stronger|longer|brighter|"
                                               r"sharper|smoother|clearer|lighter|wins?|winner|pick)\b", t, re.I)]
    else:
        # 更 before what it grades ("更耐跑", "更出色"), not the words that begin with it (更新, 更换)
        pos += [m.start() for m in re.finditer(r"更(?!新|换|改|正|名|迭|衣)(?:加)?[\u4e00-\u9fff]|胜出|赢", t)]
    distinct = list(dict.fromkeys(c for _, _, c in mentions))
    winner = None
    if lose and (not pos or min(lose) < min(pos)):
        c = min(lose)
        after = [x for x in mentions if x[0] > c]
        before = [x for x in mentions if x[1] <= c]
        if after and (not before or after[0][2] != before[-1][2]):
            winner = after[0][2]
        elif len(distinct) == 1 and len(names) == 2:
            winner = next(n for n in names if n != distinct[0])
    elif pos:
        c = min(pos)
        before = [x for x in mentions if x[1] <= c]
        after = [x for x in mentions if x[0] > c]
        winner = before[-1][2] if before else (after[0][2] if after else None)
    if winner is None:
        return None
    return Reading(winner=winner, margin=margin_of(t, lang), form="sentence")

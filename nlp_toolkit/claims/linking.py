"""Cross-lingual claim check: link each English claim to the Chinese claim stating the same fact, and account for
every figure of one side on the other.

Two layers, so that the check stays right where extraction is imperfect:

1. **Figures** (:func:`figures`): every number of a text, whatever it is part of — a claim, a date, a day, a time,
   a code or a name (``COVID-19``, ``No 10``) — read into the values it may stand for: thousands separators,
   full-width digits, Chinese numerals and scale words converted (``1,000亿`` = 1e11, ``五年`` = 5), decimals kept;
   English month names read as their number (``24 December`` = ``12 月 24 日``), ordinal words as theirs
   (``third`` = ``第3``), a clock time as its hour (12- or 24-hour) and minutes (``5.30pm`` = ``下午 5 点半``), a
   decade in either form (``the 1990s`` = ``90 年代``), a suffix scale that may be a unit as both readings
   (``75m`` = 75 or 75e6). :func:`account` matches the figures of the two sides one to one by value; a figure
   **written in digits** that finds no counterpart is reported: with an unmatched figure of the other side near
   the same place as ``claim_mismatch`` (the values differ), else as ``claim_unmatched`` (the value is absent from
   the other side in every form). A unit conversion the translator added or dropped ("2,000 feet (610 metres)")
   is accounted for by its arithmetic, and a year the translator resolved from "last year" by the reference.
2. **Claims** (:func:`link_claims`): candidate links need the same kind (a bare ``number`` may meet any kind) and
   either the same value (durations compared in seconds) or the same named unit; the best candidates are taken
   greedily. A link's currency, unit of measure and period decide (``claim_mismatch``, error); its counted noun
   never does on its own (``attendees`` and ``名``, ``five others`` and ``5人`` are the same count): a link whose
   claims differ only by the noun agrees. A qualifier the translation softened or added ("20 minutes" against
   ``20分钟内``) is wording: ``wording_qualifier``, severity ``info`` — a code outside the numeric ``claim_`` /
   ``time_`` family on purpose, because QA tools count every ``claim_`` warning as a numeric error. Deictic time
   references that cannot be the same ("this week" against 上周) become ``time_reference`` warnings.

Every warning carries its ``severity``, the spans it is about on both sides (``en_span`` / ``zh_span``) and a
short ``reason``; its message names the values involved.

>>> from nlp_toolkit.document import AlignedPair
>>> from nlp_toolkit.claims import extract_claims
>>> p = AlignedPair(index=0, en_ids=[0], zh_ids=[0], score=1.0,
...                 en="Sales this week reached about $7 million.", zh="上周销售额达到约800万美元。")
>>> p.claims = extract_claims(p.en, "en") + extract_claims(p.zh, "zh")
>>> link_claims(p)
>>> [(w.code, w.severity, w.reason) for w in p.warnings]
[('claim_mismatch', 'error', 'value differs'), ('time_reference', 'error', 'time reference differs')]
>>> p.warnings[0].message
"EN '7 million' (7e+06) vs ZH '800万' (8e+06): values differ"
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Optional

from ..document import AlignedPair, Claim, ClaimLink, Notice
from ..settings import DEFAULT, Settings
from .lexicon import SECONDS, lexicon
from .normalize import LastTexts, Normalized, normalized

def _trie(words: list[str]) -> str:
    """One regex alternation of ``words`` as a character trie, longest match first (fast on long texts)."""
    tree: dict = {}
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node) -> str:
        branches = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(tree) or "(?!)"


#: the unit of a count whose noun is unknown (a classifier's default): compatible with any counted noun
GENERIC = "item"


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def _base(c: Claim):
    """Value and unit in comparable form (durations in seconds)."""
    if c.kind == "duration" and c.unit in SECONDS:
        f = SECONDS[c.unit]
        return c.value * f, (c.value_max * f if c.value_max is not None else None), "second"
    return c.value, c.value_max, c.unit


#: units of measure by dimension and size in the dimension's base unit: a link between two of them with
#: different units is a mismatch (a count's noun is not a unit of measure and never decides)
MEASURE = {
    "millimeter": ("length", 0.001), "centimeter": ("length", 0.01), "meter": ("length", 1.0),
    "kilometer": ("length", 1000.0), "inch": ("length", 0.0254), "foot": ("length", 0.3048),
    "yard": ("length", 0.9144), "mile": ("length", 1609.344),
    "gram": ("mass", 0.001), "kilogram": ("mass", 1.0), "tonne": ("mass", 1000.0), "ton": ("mass", 1000.0),
    "square meter": ("area", 1.0), "square kilometer": ("area", 1e6), "square foot": ("area", 0.092903),
    "square mile": ("area", 2589988.0), "acre": ("area", 4046.86), "hectare": ("area", 10000.0),
    "liter": ("volume", 1.0), "gallon": ("volume", 3.78541), "barrel": ("volume", 158.987),
}


def compare(a: Claim, b: Claim) -> list[str]:
    """What differs between two claims: "kind", "value", "unit", "noun", "qualifier", "period".

    "noun" is a count's counted noun (or a unit outside :data:`MEASURE`), which never decides on its own."""
    va, ma, ua = _base(a)
    vb, mb, ub = _base(b)
    diff = []
    if a.kind != b.kind:
        diff.append("kind")
    if not _close(va, vb) or not _close(ma, mb):
        diff.append("value")
    if ua != ub and not (a.kind == b.kind == "count" and GENERIC in (ua, ub)):
        decisive = a.kind in ("money", "percent", "duration", "age") or b.kind in ("money", "percent") or (
            ua in MEASURE and ub in MEASURE)
        diff.append("unit" if decisive else "noun")
    if a.qualifier != b.qualifier:
        diff.append("qualifier")
    if a.period != b.period:
        diff.append("period")
    return diff


def _describe(c: Claim) -> str:
    parts = [f"{c.value:g}"]
    if c.value_max is not None:
        parts[0] += f"-{c.value_max:g}"
    if c.unit:
        parts.append(c.unit)
    if c.qualifier != "exact":
        parts.append(c.qualifier)
    if c.period:
        parts.append(f"per {c.period}")
    return " ".join(parts)


# -- figures: every number of a text -------------------------------------------------------------------------

@dataclass
class Figure:
    """A number of one side's text: ``[start, end)`` into the unit's text, the values it may stand for."""

    lang: str
    start: int
    end: int
    text: str
    values: tuple
    #: written with digits (it must be accounted for on the other side); numbers in words only help account
    digits: bool
    #: what it is: "figure", "date" (a day, a month, a year), "time", "code" (digits in a name or a code),
    #: "decade", "ordinal"
    role: str = "figure"
    #: inside parentheses (a unit conversion candidate)
    paren: bool = False
    #: for a code, the Latin letters glued to its digits ("covid" of COVID-19, "g" of G20), lower case
    name: str = ""
    #: the unit of measure written right after it (:data:`UNIT_WORDS`), for a conversion made in place
    unit: Optional[str] = None


def _normalized(text: str) -> Normalized:
    """The normalized text, shared by the extractors, the figures and the currency mentions of one unit."""
    return normalized(text)


def _fmt(v: float) -> str:
    return f"{v:g}"


#: English month names (lower case) and their numbers; abbreviations and "may"/"march" only next to a number
MONTHS = {"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
          "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4,
          "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12}
_AMBIGUOUS_MONTHS = {"may", "march", "mar", "jan", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "feb", "apr"}
RE_MONTH = re.compile(r"(?<![A-Za-z])(" + _trie([m.capitalize() for m in MONTHS]) + r")(?![a-z])\.?")
#: English ordinal words: "the third day" = 第三天 = 第3天
ORDINALS = {w: i + 1 for i, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
    "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split())}
ORDINALS.update({"thirtieth": 30, "fortieth": 40, "fiftieth": 50, "hundredth": 100})
RE_ORDINAL = re.compile(r"(?<![a-z-])(" + _trie(list(ORDINALS)) + r")(?![a-z])")
#: clock times: "5.30pm", "10:50 a.m.", "9am", "14:00"
RE_TIME_EN = re.compile(r"(?<![\d.:,])(\d{1,2})(?:([:.])(\d{2}))?\s*(a\.?\s?m\b\.?|p\.?\s?m\b\.?|o'clock)"
                        r"|(?<![\d.:,])(\d{1,2}):(\d{2})(?![\d:])")
#: a suffix scale glued to a number, which may also be a unit ("75m" is 75 million or 75 metres)
RE_SUFFIX_SCALE = re.compile(r"(m|mn|bn|b|k|tn)(?![a-z])")
SUFFIX_SCALE = {"m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9, "k": 1e3, "tn": 1e12}
RE_ANY_DIGIT = re.compile(r"[0-9０-９]")
#: a digit run anywhere (codes, figures in names): what the number readers leave out is still a figure
RE_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
#: "the class of '98", "in '22": a two-digit year
RE_APOSTROPHE_YEAR = re.compile(r"(?<![\w'’])['’](\d\d)(?![\d'’])")
#: "2021-22": a two-digit year after a four-digit one
RE_YEAR_PAIR = re.compile(r"(?<!\d)((?:1[89]|20)\d\d)\s*[-–/]\s*(\d\d)(?!\d)")

_ZH_DIG = "零〇一二两三四五六七八九十"
#: Chinese clock times: "10 点 50 分", "下午 5 点半", "9时", "14:00"
RE_TIME_ZH = re.compile(rf"(\d{{1,2}}|[{_ZH_DIG}]{{1,3}})\s*[点时](?!间|期|代|候|钟|尚|评|名|球|子)"
                        rf"\s*(?:(\d{{1,2}}|[{_ZH_DIG}]{{1,3}})\s*分|(半)|(一刻)|(三刻))?"
                        r"|(?<![\d.:])(\d{1,2})[:：](\d{2})(?![\d:])")
#: a weekday named by its number (周六, 星期一, 礼拜天): a date, as its English name is
RE_WEEKDAY_ZH = re.compile(r"(?:周|星期|礼拜)[一二三四五六日天]$")
WEEKDAYS_EN = {"monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6, "sunday": 7}
RE_WEEKDAY_EN = re.compile(r"(?<![a-z])(" + _trie(list(WEEKDAYS_EN)) + r")(?![a-z])")
#: "20 世纪 90 年代": the decade of a century
RE_CENTURY_DECADE = re.compile(r"(\d{2})\s*世纪\s*(\d{1,2})\s*年代")
#: a unit conversion's factors (both directions are tried): length, mass, area, volume, speed
CONVERSIONS = (1.609344, 0.3048, 3.28084, 2.54, 0.0254, 0.9144, 0.453592, 2.20462, 0.404686, 2.58999, 3.78541,
               0.0283495, 28.3495, 10.7639, 0.092903, 1000.0, 0.001, 100.0, 0.01, 6.21371)


def _hours(h: float) -> tuple:
    """A clock hour in 12- and 24-hour form (5 pm = 17 = 5)."""
    h = int(h)
    return tuple(sorted({h, h % 12, h % 12 + 12}))


def _zh_num(s: str) -> Optional[float]:
    from .chinese_numbers import zh_value

    return float(s) if s.isdigit() else zh_value(s)


class _Builder:
    def __init__(self, lang: str, norm: Normalized):
        self.lang, self.norm, self.out = lang, norm, []
        self.taken = bytearray(len(norm.text) + 1)

    def free(self, s: int, e: int) -> bool:
        return not any(self.taken[s:e])

    def add(self, s: int, e: int, values, digits: bool, role: str = "figure", take: bool = True) -> None:
        os_, oe = self.norm.span(s, e)
        vals = tuple(sorted({abs(float(v)) for v in values if v is not None}))
        if not vals:
            return
        t = self.norm.text
        # written in digits: the readers' flag, but never for a span without a digit (十分之一 is words)
        digits = digits and bool(re.search(r"\d", t[s:e]))
        before = t[max(0, s - 20):s]
        paren = "(" in before and ")" not in before[before.rfind("("):]
        # a fraction in words is also a percentage ("half of" = 50%, 四分之一 = 25%)
        if not digits and all(0 < v < 1 for v in vals):
            vals = tuple(sorted(set(vals) | {round(v * 100, 9) for v in vals}))
        name = ""
        if role == "code":
            mb, ma = re.search(r"([A-Za-z]+)[-‐]?$", t[max(0, s - 20):s]), re.match(r"[-‐]?([A-Za-z]+)", t[e:e + 20])
            name = (mb or ma).group(1).lower() if (mb or ma) else ""
        if name == "fy" and all(v < 100 for v in vals):  # FY22: fiscal 2022
            vals = vals + tuple(2000 + v for v in vals)
        self.out.append(Figure(self.lang, os_, oe, self.norm.original[os_:oe], vals, digits, role, paren, name,
                               _unit_after(self.norm.low, e)))
        if take:
            self.taken[s:e] = b"\1" * (e - s)

    def add_number(self, x, values, role: str) -> None:
        """A number the readers found (``x``, with the values it may stand for), and the upper end of its range."""
        self.add(x.start, x.end, values, x.digits and not x.article, role)
        if x.vmax is not None:
            self.add(x.start, x.end, [x.vmax], x.digits, role, take=False)

    def figures(self) -> list:
        """Every figure of the text in order, digit runs no reader took included."""
        self.raw_digits()
        return sorted(self.out, key=lambda f: (f.start, f.end))

    def raw_digits(self) -> None:
        """Digit runs no reader took: codes, figures in names (COVID-19, G20, B.1.1.529)."""
        t = self.norm.text
        for m in RE_DIGITS.finditer(t):
            s, e = m.span()
            if not self.free(s, e):
                continue
            txt = m.group().replace(",", "")
            try:
                v = float(txt) if txt.count(".") <= 1 else None
            except ValueError:
                v = None
            if v is None:  # "1.1.529": each part
                for p in re.finditer(r"\d+", m.group()):
                    self.add(s + p.start(), s + p.end(), [float(p.group())], True, "code")
                continue
            glued = (s > 0 and t[s - 1].isalpha() and t[s - 1].isascii()) or (e < len(t) and t[e].isascii() and
                                                                              t[e].isalpha())
            self.add(s, e, [v], True, "code" if glued else "figure")


def _role_en(t: str, s: int, e: int, v: float) -> str:
    if (s > 0 and t[s - 1].isalpha()) or (s > 1 and t[s - 1] == "-" and t[s - 2].isalpha()):
        return "code"
    near = t[max(0, s - 12):e + 12]
    if RE_MONTH.search(near) or (1000 <= v <= 2100 and float(v).is_integer() and re.fullmatch(r"\d{4}", t[s:e])):
        return "date"
    return "figure"


def figures_en(text: str, settings: Settings = DEFAULT) -> list[Figure]:
    """Every number of an English text (see the module's docstring)."""
    from .english_numbers import grammar

    norm = _normalized(text)
    t, low = norm.text, norm.low
    b = _Builder("en", norm)
    for m in RE_TIME_EN.finditer(low):
        if m.group(1):
            h, mi, suffix = m.group(1), m.group(3), m.group(4)
            if int(h) > 24 or (mi and int(mi) > 59):
                continue
            b.add(m.start(1), m.end(1), _hours(float(h)), True, "time")
            if mi:
                b.add(m.start(3), m.end(3), [float(mi)], mi != "00", "time")
            b.taken[m.start():m.end()] = b"\1" * (m.end() - m.start())
        else:
            h, mi = m.group(5), m.group(6)
            if int(h) > 24 or int(mi) > 59:
                continue
            b.add(m.start(5), m.end(5), _hours(float(h)), True, "time")
            b.add(m.start(6), m.end(6), [float(mi)], mi != "00", "time")
    for m in RE_MONTH.finditer(t):
        word = m.group(1).lower()
        if word in _AMBIGUOUS_MONTHS and not re.search(r"\d\s*$", t[max(0, m.start() - 4):m.start()]) and \
                not re.match(r"\.?\s*\d", t[m.end(1):m.end(1) + 4]) and \
                not re.search(r"(?:in|of|since|until|by|early|late|mid|last|next|this)[\s-]+$",
                              low[max(0, m.start() - 8):m.start()]):
            continue
        b.add(m.start(), m.end(), [MONTHS[word]], False, "date")
    for m in RE_WEEKDAY_EN.finditer(low):
        b.add(m.start(), m.end(), [WEEKDAYS_EN[m.group(1)]], False, "date")
    for m in RE_ORDINAL.finditer(low):
        b.add(m.start(), m.end(), [ORDINALS[m.group(1)]], False, "ordinal")
    for m in re.finditer(r"(?<![a-z])half(?![a-z])", low):
        b.add(m.start(), m.end(), [0.5], False, "figure")
    for m in RE_APOSTROPHE_YEAR.finditer(t):
        yy = float(m.group(1))
        b.add(m.start(), m.end(), [yy, 1900 + yy, 2000 + yy], True, "date")
    for m in RE_YEAR_PAIR.finditer(t):
        yy = float(m.group(2))
        b.add(m.start(2), m.end(2), [yy, float(m.group(1)[:2] + m.group(2))], True, "date")
    g = grammar(settings)
    for x in g.numbers(low):
        if not b.free(x.start, x.end):
            continue
        values = [x.value]
        role = _role_en(t, x.start, x.end, abs(x.value))
        tail = low[x.end:x.end + 4]
        ms = RE_SUFFIX_SCALE.match(tail)
        if ms and not x.scaled and x.digits:
            sc = SUFFIX_SCALE[ms.group(1)]
            money = re.search(r"[$£€¥]\s*$|\b(?:usd|eur|gbp|rmb|cny|aud|cad|hkd)\s*$", low[max(0, x.start - 5):x.start])
            values = [x.value * sc] if money else [x.value, x.value * sc]
        elif re.match(r"'?s(?![a-z])", tail) and x.digits and float(x.value).is_integer() and x.value % 10 == 0:
            v = x.value  # a decade: "the 1990s", "the '90s"
            values = [v, v % 100] if v >= 1000 else [v, 1900 + v, 2000 + v]
            role = "decade"
        b.add_number(x, values, role)
    return b.figures()


def figures_zh(text: str, settings: Settings = DEFAULT) -> list[Figure]:
    """Every number of a Chinese text (see the module's docstring)."""
    from .chinese_numbers import TRAD, grammar, mask_nonnumbers, numbers

    norm = _normalized(text)
    g = grammar(settings)
    w = mask_nonnumbers(g, norm.text.translate(TRAD))
    b = _Builder("zh", norm)
    for m in RE_CENTURY_DECADE.finditer(w):
        c, d = int(m.group(1)), int(m.group(2))
        b.add(m.start(), m.end(), [(c - 1) * 100 + d, d], True, "decade")
    for m in RE_TIME_ZH.finditer(w):
        if m.group(1):
            h = _zh_num(m.group(1))
            minute = _zh_num(m.group(2)) if m.group(2) else 30.0 if m.group(3) else 15.0 if m.group(4) else \
                45.0 if m.group(5) else None
            if h is None or h > 24 or not b.free(m.start(), m.end()):
                continue
            # a bare "N点" is a time only with a clock word nearby or minutes after it (else points, a score)
            if minute is None and not re.search(r"(上午|下午|晚上|凌晨|早上|中午|傍晚|晚间|夜间|早晨|清晨|当地时间|北京时间)\s*$",
                                                w[max(0, m.start() - 6):m.start()]):
                continue
            b.add(m.start(1), m.end(1), _hours(h), m.group(1).isdigit(), "time")
            if m.group(2):
                b.add(m.start(2), m.end(2), [minute], m.group(2).isdigit() and minute != 0, "time")
            elif minute is not None:
                k = m.start(3) if m.group(3) else m.start(4) if m.group(4) else m.start(5)
                b.add(k, m.end(), [minute], False, "time")
            b.taken[m.start():m.end()] = b"\1" * (m.end() - m.start())
        else:
            h, mi = m.group(6), m.group(7)
            if int(h) > 24 or int(mi) > 59 or not b.free(m.start(), m.end()):
                continue
            b.add(m.start(6), m.end(6), _hours(float(h)), True, "time")
            b.add(m.start(7), m.end(7), [float(mi)], mi != "00", "time")
    for m in re.finditer(r"一半", w):
        b.add(m.start(), m.end(), [0.5], False, "figure")
    for m in RE_YEAR_PAIR.finditer(w):
        b.add(m.start(2), m.end(2), [float(m.group(2)), float(m.group(1)[:2] + m.group(2))], True, "date")
    for x, how in numbers(g, w):
        if not b.free(x.start, x.end):
            continue
        after = w[x.end:x.end + 3].lstrip()
        before = w[max(0, x.start - 1):x.start]
        values = [x.value]
        role = "figure"
        if after.startswith("年代") and x.value < 100:
            values, role = [x.value, 1900 + x.value, 2000 + x.value], "decade"
        elif how == "num" and x.value == int(x.value) and (after[:1] in ("月", "日", "号") or (
                after[:1] == "年" and 1000 <= x.value <= 2100) or RE_WEEKDAY_ZH.search(w[max(0, x.start - 2):x.end])):
            role = "date"
        elif before.isascii() and before.isalpha():
            role = "code"
        b.add_number(x, values, role)
    return b.figures()


def figures(text: str, lang: str, settings: Settings = DEFAULT) -> list[Figure]:
    """Every number of ``text`` in ``lang`` ("en" or "zh"), with the values it may stand for."""
    return figures_en(text, settings) if lang == "en" else figures_zh(text, settings)


def _same(a: Figure, b: Figure) -> bool:
    return any(_close(x, y) for x in a.values for y in b.values)


def account(en: list[Figure], zh: list[Figure]) -> dict[int, int]:
    """A one-to-one matching of English to Chinese figures by value: {en index: zh index}.

    Figures in words meet only figures in digits (two numbers in words need no accounting); matches between two
    figures in digits are made first, so that a number in words never takes a digit's only counterpart."""
    match_zh: dict[int, int] = {}
    adj = [[j for j, b in enumerate(zh) if (a.digits or b.digits) and _same(a, b)] for a in en]

    def augment(i, seen, allowed) -> bool:
        for j in adj[i]:
            if j in seen or not allowed(i, j):
                continue
            seen.add(j)
            if j not in match_zh or augment(match_zh[j], seen, allowed):
                match_zh[j] = i
                return True
        return False

    both = lambda i, j: en[i].digits and zh[j].digits  # noqa: E731
    for i in range(len(en)):
        if en[i].digits:
            augment(i, set(), both)
    matched_en = set(match_zh.values())
    for i in range(len(en)):
        if i not in matched_en:
            augment(i, set(), lambda i, j: True)
            matched_en = set(match_zh.values())
    return {i: j for j, i in match_zh.items()}


def _converted(f: Figure, side: list[Figure]) -> bool:
    """Whether ``f``, in parentheses, is a unit conversion of a figure just before it on the same side
    ("2,000 feet (610 metres)", "85 英里（137 公里）", "30C (86F)")."""
    if not f.paren:
        return False
    for g in side:
        if g is f or g.end > f.start or f.start - g.end > 40:
            continue
        for x in f.values:
            for y in g.values:
                if not y or not x:
                    continue
                if any(_rounded_to(y * k, x) for k in CONVERSIONS):  # the figure in parentheses is the converted
                    return True
                if abs(x - (y * 9 / 5 + 32)) <= 1.5 or abs(x - (y - 32) * 5 / 9) <= 1.5:
                    return True
    return False


_YEAR_REFS = re.compile(r"\b(?:last|this|next|previous|past|coming)\s+year\b|\bthis\s+year's\b", re.I)
_ZH_YEAR_REFS = re.compile(r"去年|今年|明年|前年|后年|上一年|本年")


def _resolved_year(f: Figure, other_text: str, other_lang: str) -> bool:
    """A year written out on one side for the other side's "last year" / 去年 (the translator resolved it)."""
    if not (len(f.values) == 1 and 1900 <= f.values[0] <= 2100 and re.fullmatch(r"\d{4}", f.text)):
        return False
    return bool((_YEAR_REFS if other_lang == "en" else _ZH_YEAR_REFS).search(other_text))


def _lost(f: Figure, side: list[Figure], other: list[Figure], other_text: str) -> bool:
    """Whether an unmatched figure is missing from the other side: written in digits, its value in no form
    among the other side's numbers (a figure the translation repeats or gathers is not missing), not a unit
    conversion of its neighbour, not a year resolved from "last year", and not the number of a name that the
    translation renders without it (Covid-19 as 新冠: the name's letters are not on the other side)."""
    if not f.digits or any(_same(f, g) for g in other):
        return False
    if _converted(f, side) or _resolved_year(f, other_text, "zh" if f.lang == "en" else "en"):
        return False
    if f.unit and any(_converted_in_place(f, g) for g in other):
        return False
    if f.role == "code" and f.name and not re.search(rf"(?<![a-z]){re.escape(f.name)}", other_text.lower()):
        return False
    return True


def _converted_in_place(f: Figure, g: Figure) -> bool:
    """Whether ``g`` of the other side states ``f`` in another unit ("5 miles" as "8 公里", "86F" as "30 摄氏度")."""
    if not g.unit or g.unit == f.unit:
        return False
    temps = {"fahrenheit", "celsius"}
    for x in f.values:
        for y in g.values:
            if {f.unit, g.unit} == temps:
                c, fa = (x, y) if f.unit == "celsius" else (y, x)
                if abs(c * 9 / 5 + 32 - fa) <= 1.5:
                    return True
            elif f.unit in MEASURE and g.unit in MEASURE and MEASURE[f.unit][0] == MEASURE[g.unit][0]:
                k = MEASURE[f.unit][1] / MEASURE[g.unit][1]
                if _rounded_to(x * k, y) or _rounded_to(y / k, x):
                    return True
    return False


def _rounded_to(exact: float, written: float) -> bool:
    """Whether ``written`` is ``exact`` rounded at its last significant digit (610 for 609.6, 8 for 8.05, not
    2020 for 2001, and not 100 for 106: at least two significant digits): a conversion is stated with the digits
    it has."""
    if not written:
        return False
    digits = f"{written:.6f}".rstrip("0").rstrip(".")
    if "." in digits:
        place = 10.0 ** -len(digits.split(".")[1])
    else:  # trailing zeros: rounded there, but a conversion keeps at least two significant digits
        place = 10.0 ** min(len(digits) - len(digits.rstrip("0")), max(0, len(digits) - 2))
    return abs(exact - written) <= max(0.5 * place, 0.005 * abs(written))


def _unit_after(low: str, end: int) -> Optional[str]:
    """The unit of measure written right after a number ("5 miles", "8 公里", "38cm"), or None."""
    m = RE_UNIT_AFTER.match(low, end)
    if not m:
        return None
    word = m.group(1)
    for rx, u in RE_UNIT_WORDS:
        if rx.fullmatch(word):
            return u
    return None


def _reason(a: Figure) -> str:
    return {"date": "date", "time": "time", "code": "digits in a name or code", "decade": "date"}.get(a.role, "")


def _check_figures(pair: AlignedPair, settings: Settings) -> None:
    """Warn on every figure written in digits that the other side does not account for (see :func:`account`)."""
    if not (RE_ANY_DIGIT.search(pair.en) or RE_ANY_DIGIT.search(pair.zh)):
        return  # only a figure in digits can be missing
    en, zh = figures_en(pair.en, settings), figures_zh(pair.zh, settings)
    m = account(en, zh)
    used_zh = set(m.values())
    lost_en = [f for i, f in enumerate(en) if i not in m and _lost(f, en, zh, pair.zh)]
    lost_zh = [f for j, f in enumerate(zh) if j not in used_zh and _lost(f, zh, en, pair.en)]
    if not lost_en and not lost_zh:
        return
    # the other side's unmatched figures (in words too), to pair a figure that changed with what it was
    free_en = [f for i, f in enumerate(en) if i not in m]
    free_zh = [f for j, f in enumerate(zh) if j not in used_zh]
    len_en, len_zh = max(1, len(pair.en)), max(1, len(pair.zh))
    pairs = []
    lost = {id(f) for f in lost_en + lost_zh}
    for a in free_en:
        for b in free_zh:
            # a partner is a lost figure or a number in words; a figure excused above (a translated name's
            # number, a conversion) is no one's partner
            if not (id(a) in lost or id(b) in lost) or not (id(a) in lost or not a.digits) or \
                    not (id(b) in lost or not b.digits):
                continue
            d = abs(a.start / len_en - b.start / len_zh)
            if d <= 0.35:
                pairs.append((d - 0.2 * (a.role == b.role), a, b))
    pairs.sort(key=lambda t: t[0])
    done = set()
    for _, a, b in pairs:
        if id(a) in done or id(b) in done:
            continue
        done.update((id(a), id(b)))
        va, vb = a.values[0], b.values[-1]
        scale = va and vb and va != vb and _is_power_of_ten(va / vb)
        why = "scale differs" if scale else "value differs"
        kind = _reason(b) or _reason(a)
        pair.warnings.append(Notice(
            code="claim_mismatch", severity="error", en_span=(a.start, a.end), zh_span=(b.start, b.end),
            reason=f"{why} ({kind})" if kind else why,
            message=f"EN {a.text!r} ({'/'.join(map(_fmt, a.values))}) vs ZH {b.text!r} "
                    f"({'/'.join(map(_fmt, b.values))}): {'scales' if scale else 'values'} differ"))
    for f in lost_en + lost_zh:
        if id(f) in done:
            continue
        other = "ZH" if f.lang == "en" else "EN"
        kind = _reason(f)
        # name the claim the figure is part of ("$5 million", "30人"), else the figure itself
        c = next((c for c in pair.claims if c.lang == f.lang and c.start <= f.start and f.end <= c.end), None)
        s, e, text = (c.start, c.end, c.text) if c else (f.start, f.end, f.text)
        pair.warnings.append(Notice(
            code="claim_unmatched", lang=f.lang, severity="error",
            en_span=(s, e) if f.lang == "en" else None, zh_span=(s, e) if f.lang == "zh" else None,
            reason=f"value absent ({kind})" if kind else "value absent",
            message=f"{f.lang.upper()} {text!r} ({'/'.join(map(_fmt, f.values))}) is not in {other} in any form"))


def _is_power_of_ten(r: float) -> bool:
    import math

    if r <= 0:
        return False
    e = math.log10(r)
    return abs(e - round(e)) < 1e-9 and round(e) != 0


# -- currencies --------------------------------------------------------------------------------------------------

#: currencies a dollar sign or the word "dollar" may stand for in news (US, Australian, Canadian... dollars)
DOLLARS = frozenset({"USD", "AUD", "CAD", "HKD", "NZD", "SGD", "TWD", "MXN"})
#: Chinese unit words that name yuan and, as the generic word for a currency unit, dollars too (100 元 for HK$100;
#: 美元, 澳元, 港元 all end in it); 块/角/毛 are also classifiers (3 块金牌): they account for a currency, never
#: raise a warning themselves
ZH_GENERIC = {"元": True, "圆": True, "块": False, "块钱": False, "角": False, "毛": False}
#: "pound(s)" is money or a weight: 磅 (and lb) is its weight reading
EN_POUND = re.compile(r"pounds?")
_currency_cache: dict = {}
_NUM_BEFORE_EN = re.compile(r"(?:\d[\d,.]*\s*-?\s*(?:[a-z]+\s*)?|(?<![a-z])(?:million|billion|trillion|thousand|hundred|"
                            r"one|two|three|four|five|six|seven|eight|nine|ten|twenty|fifty|a)\s+)$")
_NUM_BEFORE_ZH = re.compile(r"[\d〇一二两三四五六七八九十百千万亿]\s*(?:多|余)?\s*$")


def _currency_patterns(settings: Settings):
    key = (settings.claims_words, settings.claims_units, settings.claims_currencies)
    if key not in _currency_cache:
        lex = lexicon(settings)
        pats = {}
        for lang in ("en", "zh"):
            surfaces = {}
            for table in (lex.currency_pre[lang], lex.currency_post[lang]):
                for s, (code, _) in table.items():
                    surfaces[s] = code
            surfaces.update({"lb": "LB", "lbs": "LB"} if lang == "en" else {"磅": "LB"})
            if lang == "en":
                words = [w for w in surfaces if w[-1].isalpha()]
                lettered = [w for w in surfaces if w not in words and w[0].isalpha()]  # "nt$", not "spent $"
                signs = [w for w in surfaces if w not in words and w not in lettered]
                body = rf"(?<![a-z])(?:{_trie(words)})(?![a-z])|(?<![a-z])(?:{_trie(lettered)})|{_trie(signs)}"
            else:
                body = _trie(list(surfaces))
            pats[lang] = (re.compile(body), surfaces, {c.upper() for c in lex.iso})
        _currency_cache[key] = pats
    return _currency_cache[key]


def _codes(code: str, surface: str, lang: str) -> frozenset:
    """The currencies a surface may stand for: a bare dollar sign or "dollar" any dollar, ¥ yuan or yen, 元 yuan
    or any dollar, "cents" any dollar's or euro's, "pounds" sterling or the weight."""
    if lang == "zh" and surface in ZH_GENERIC:
        return DOLLARS | {"CNY"}
    if code == "USD" and re.fullmatch(r"\$|dollars?|bucks?|cents?", surface):
        return DOLLARS | ({"EUR"} if surface.startswith("cent") else set())
    if surface == "¥":
        return frozenset({"CNY", "JPY"})
    if lang == "en" and EN_POUND.fullmatch(surface):
        return frozenset({"GBP", "LB"})
    return frozenset({code})


def currencies(text: str, lang: str, settings: Settings = DEFAULT, near: bool = True):
    """Currency mentions of a text: (possible ISO codes, start, end, surface, may warn).

    A symbol counts within 6 characters of a number; a currency word only after a number ("5,000 won", not "won
    3 seats"; "30 per cent" is a percentage) unless it is an ISO code written in capitals ("USD 5"); 元 and its
    kin only right after a number (公元 and 单元 are no money). ``near=False``: words and symbols anywhere (what
    may account for the other side's mention)."""
    return [m[:5] for m in _CURRENCY_MENTIONS.get((text, lang, settings), _currency_mentions) if m[5] or not near]


def _currency_mentions(key) -> list:
    """Every currency mention of a text, with whether it counts as near a number (see :func:`currencies`)."""
    text, lang, settings = key
    rx, surfaces, iso = _currency_patterns(settings)[lang]
    norm = _normalized(text)
    t = norm.low if lang == "en" else norm.text
    out = []
    for m in rx.finditer(t):
        sur = m.group()
        before, after = t[max(0, m.start() - 14):m.start()], t[m.end():m.end() + 6]
        s, e = norm.span(m.start(), m.end())
        warn = True
        near = True
        if lang == "en" and sur[-1].isalpha():
            if re.search(r"\bper\s*$", before):
                continue
            if not _NUM_BEFORE_EN.search(before) and not (
                    text[s:e].upper() == text[s:e] and sur.upper() in iso and re.match(r"\s*\d", after)):
                near = False
        elif lang == "zh" and sur in ZH_GENERIC:
            if not _NUM_BEFORE_ZH.search(before):
                continue
            warn = ZH_GENERIC[sur]
        elif not re.search(r"\d|[一二两三四五六七八九十百千万亿]", before[-6:] + after):
            near = False
        out.append((_codes(surfaces[sur], sur, lang), s, e, text[s:e], warn, near))
    return out


#: the currency mentions of the last texts read (the check asks for them near numbers and anywhere)
_CURRENCY_MENTIONS = LastTexts(4)


def _check_currencies(pair: AlignedPair, settings: Settings, flagged: set) -> None:
    """A currency named next to a number on one side that the other side names nowhere."""
    en, zh = currencies(pair.en, "en", settings), currencies(pair.zh, "zh", settings)
    if not en and not zh:
        return
    en_all, zh_all = currencies(pair.en, "en", settings, near=False), currencies(pair.zh, "zh", settings, near=False)
    for side, other, lang in ((en, zh_all, "en"), (zh, en_all, "zh")):
        for codes, s, e, surface, warn in side:
            if not warn or any(codes & c for c, *_ in other) or any(
                    lg == lang and s < fe + 3 and e > fs - 3 for lg, fs, fe in flagged):
                continue
            others = ", ".join(sorted({o for _, _, _, o, _ in other})) or "none"
            pair.warnings.append(Notice(
                code="claim_mismatch", lang=lang, severity="error", reason="currency differs",
                en_span=(s, e) if lang == "en" else None, zh_span=(s, e) if lang == "zh" else None,
                message=f"{lang.upper()} currency {surface!r} ({'/'.join(sorted(codes))}) is not in "
                        f"{'ZH' if lang == 'en' else 'EN'} (currencies there: {others})"))


# -- the stage ------------------------------------------------------------------------------------------------

def link_claims(pair: AlignedPair, settings: Settings = DEFAULT) -> None:
    """Fill ``pair.claim_links`` and add the check's warnings (see the module's docstring)."""
    settings = settings or DEFAULT
    en = [(i, c) for i, c in enumerate(pair.claims) if c.lang == "en"]
    zh = [(i, c) for i, c in enumerate(pair.claims) if c.lang == "zh"]
    len_en, len_zh = max(1, len(pair.en)), max(1, len(pair.zh))
    cands = []
    for i, a in en:
        for j, b in zh:
            if a.kind != b.kind and "number" not in (a.kind, b.kind):
                continue
            va, _, ua = _base(a)
            vb, _, ub = _base(b)
            same_value = _close(va, vb)
            same_unit = ua == ub and ua is not None
            if not same_value and not (same_unit and a.kind not in ("date", "number", "age")):
                continue
            score = (4.0 * same_value + 2.0 * same_unit + 1.0 * (a.kind == b.kind)
                     + 0.5 * (a.qualifier == b.qualifier) + 0.5 * (a.period == b.period)
                     - 0.5 * abs(a.start / len_en - b.start / len_zh))
            cands.append((score, i, j))
    cands.sort(key=lambda t: (-t[0], t[1], t[2]))
    done_en, done_zh = set(), set()
    links = []
    for score, i, j in cands:
        if i in done_en or j in done_zh:
            continue
        done_en.add(i)
        done_zh.add(j)
        diff = compare(pair.claims[i], pair.claims[j])
        diff = [d for d in diff if not (d == "kind" and "number" in (pair.claims[i].kind, pair.claims[j].kind))]
        links.append(ClaimLink(en=i, zh=j, agree=not [d for d in diff if d != "noun"], differences=diff))
    links.sort(key=lambda l: (l.en, l.zh))
    pair.claim_links = links
    flagged: set = set()
    if pair.en and pair.zh:
        _check_figures(pair, settings)
        for l in links:
            _link_warnings(pair, l, flagged, settings)
        _check_currencies(pair, settings, flagged)
    _time_references(pair, settings)


def _currencies_differ(pair: AlignedPair, a: Claim, b: Claim, settings: Settings) -> bool:
    """Whether the currencies written at two linked money claims (:func:`currencies`, a second reading of the
    texts) are both there and cannot be the same."""
    def at(c: Claim, text: str):
        for codes, s, e, *_ in currencies(text, c.lang, settings, near=False):
            if s < c.end + 3 and e > c.start - 3:
                return codes
        return None

    ca, cb = at(a, pair.en), at(b, pair.zh)
    return ca is not None and cb is not None and not ca & cb


def _link_warnings(pair: AlignedPair, link: ClaimLink, flagged: set, settings: Settings = DEFAULT) -> None:
    """A linked pair's currency, unit of measure or period that differ (error), a qualifier that differs (info).

    Values are the figures' check (:func:`_check_figures`), which does not depend on what the extractor made of
    the words around them; the counted noun never decides."""
    a, b = pair.claims[link.en], pair.claims[link.zh]
    spans = dict(en_span=(a.start, a.end), zh_span=(b.start, b.end))
    both = f"EN {a.text!r} ({_describe(a)}) vs ZH {b.text!r} ({_describe(b)})"
    if "unit" in link.differences and "value" not in link.differences:
        money = "money" in (a.kind, b.kind)
        if money and not _currencies_differ(pair, a, b, settings):
            pass  # the extractor read a currency the texts do not say (e.g. "nt $" inside "spent $")
        elif not money and not _units_differ(a, b):
            pass  # the extractor read a unit differently from what the texts say (38 厘米 is centimetres)
        elif not money or a.kind == b.kind:
            flagged.update({("en", a.start, a.end), ("zh", b.start, b.end)})
            pair.warnings.append(Notice(
                code="claim_mismatch", severity="error", **spans,
                reason="currency differs" if money else "unit differs",
                message=f"claims disagree on {'currency' if money else 'unit'}: {both}"))
    if "period" in link.differences and a.period and b.period:
        pair.warnings.append(Notice(code="claim_mismatch", severity="error", **spans, reason="rate period differs",
                                    message=f"claims disagree on period: {both}"))
    elif "period" in link.differences:
        pair.warnings.append(Notice(code="wording_period", severity="info", **spans,
                                    reason="rate period on one side only",
                                    message=f"a rate's period is stated on one side only: {both}"))
    if "qualifier" in link.differences:
        pair.warnings.append(Notice(code="wording_qualifier", severity="info", **spans, reason="qualifier differs",
                                    message=f"qualifiers differ ({a.qualifier} vs {b.qualifier}): {both}"))


#: units of measure as written, for a second reading of a unit mismatch between linked claims
UNIT_WORDS = [
    (r"millimet(?:er|re)s?|mm|毫米", "millimeter"), (r"centimet(?:er|re)s?|cm|厘米|公分", "centimeter"),
    (r"kilomet(?:er|re)s?|km|公里|千米", "kilometer"), (r"met(?:er|re)s?|m|米", "meter"), (r"inch(?:es)?|英寸|吋", "inch"),
    (r"f(?:oo|ee)t|ft|英尺|呎", "foot"), (r"yards?|码", "yard"), (r"miles?|英里", "mile"),
    (r"kilograms?|kg|公斤|千克", "kilogram"), (r"grams?|g|克", "gram"), (r"tonnes?|tons?|吨", "tonne"),
    (r"acres?|英亩", "acre"), (r"hectares?|公顷", "hectare"), (r"lit(?:er|re)s?|升", "liter"),
    (r"gallons?|加仑", "gallon"),
]
UNIT_WORDS += [(r"degrees? fahrenheit|fahrenheit|°f|f|华氏度", "fahrenheit"),
               (r"degrees? celsius|celsius|°c|c|℃|摄氏度", "celsius")]
RE_UNIT_WORDS = [(re.compile(rf"(?:^|(?<=[\d\s]))(?:{p})(?![a-z])"), u) for p, u in UNIT_WORDS]
RE_UNIT_AFTER = re.compile(r"\s*-?\s*(" + "|".join(p for p, _ in sorted(UNIT_WORDS, key=lambda t: -len(t[0])))
                           + r")(?![a-z])")


def _unit_written(c: Claim) -> Optional[str]:
    t = c.text.lower()
    for rx, u in RE_UNIT_WORDS:
        if rx.search(t):
            return u
    return None


def _units_differ(a: Claim, b: Claim) -> bool:
    """Whether the units written in two claims' texts differ too (both must be readable)."""
    ua, ub = _unit_written(a), _unit_written(b)
    return ua is not None and ub is not None and ua != ub


def _time_references(pair: AlignedPair, settings: Settings) -> None:
    from .chinese import time_references as zh_refs
    from .english import time_references as en_refs

    if not pair.en or not pair.zh:
        return
    en = en_refs(pair.en, settings)
    zh = zh_refs(pair.zh, settings)
    for unit in sorted({u for u, _, _ in en} & {u for u, _, _ in zh}):
        e = {o for u, o, _ in en if u == unit}
        z = {o for u, o, _ in zh if u == unit}
        if not e & z:
            es = sorted({s for u, _, s in en if u == unit})
            zs = sorted({s for u, _, s in zh if u == unit})
            i, j = pair.en.lower().find(es[0]), pair.zh.find(zs[0])
            pair.warnings.append(Notice(
                code="time_reference", severity="error", reason="time reference differs",
                en_span=(i, i + len(es[0])) if i >= 0 else None, zh_span=(j, j + len(zs[0])) if j >= 0 else None,
                message=f"time references differ: EN {', '.join(es)!r} vs ZH {', '.join(zs)!r}"))

"""Chinese numbers for the claims extractor: numeral characters and their values, the number patterns, the
lexicon compiled into the patterns the extractor matches around a number, and the number finder.

The numeral data is :mod:`nlp_toolkit.script`'s (digits, financial forms, units, myriads, 兆, Traditional forms).
:func:`zh_value` converts a numeral, normalizing what ``cn2an`` rejects (grouping commas, 多/余/几, 兆, 万万) and
splitting at the largest scale so ``cn2an`` only sees the parts it reads well; :func:`numbers` finds the numbers of
a masked, simplified text (percentages 百分之…, fractions …分之…, ranges 两三年). What a number counts is
:mod:`.chinese`'s work. :func:`grammar` gives one :class:`Chinese` per lexicon per process.

>>> zh_value("三千 八百 九十六 万 四千 九百 六十五"), zh_value("1,300万"), zh_value("二十万亿")
(38964965.0, 13000000.0, 20000000000000.0)
"""

from __future__ import annotations

import functools
import re
from typing import Optional

from ..script import (ZH_BIG_VALUE, ZH_DIGIT_VALUE, ZH_FINANCIAL_DIGIT_VALUE, ZH_FINANCIAL_UNIT_VALUE,
                      ZH_TRADITIONAL_NUMERALS, ZH_TRILLION, ZH_UNIT_VALUE)
from ..settings import DEFAULT, Settings
from .base import LastTexts, Num
from .lexicon import ClaimLexicon, alternation

#: traditional (and variant) characters read as their simplified form; one character for one keeps offsets: the
#: numeral characters, and the other words of the grammar (点 几 余 个 岁 周 钟 时 负 圆)
TRAD = str.maketrans({**ZH_TRADITIONAL_NUMERALS, **dict(zip("點幾餘個歲週鐘時負圓", "点几余个岁周钟时负圆"))})
#: the numeral values this extractor reads: plain and financial digits; units, myriads and 兆 (a trillion)
DIGIT_VALUE = {**ZH_DIGIT_VALUE, **ZH_FINANCIAL_DIGIT_VALUE}
SCALE_VALUE = {**ZH_UNIT_VALUE, **ZH_FINANCIAL_UNIT_VALUE, **ZH_BIG_VALUE, **ZH_TRILLION}
DIGITS = "".join(DIGIT_VALUE)
SCALES = "".join(SCALE_VALUE)
NUMCHARS = DIGITS + SCALES

ARABIC = (r"\d+(?:\.\d+)?(?:e[+-]?\d+|\^[+-]*\d+)"
          r"|(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?:[kK](?![a-zA-Z]))?|(?<!\.)\.\d+")
# 10点30 is a time of day, not 10.3; 千 in 千克 / 千米 / 千瓦 is a unit prefix, not a thousand
_ATOM = rf"(?:{ARABIC}|[{NUMCHARS.replace('千', '')}]|千(?![克米瓦])|点\s*(?=[{DIGITS}]))"
#: a number: atoms, with spaces only before a Chinese numeral, and 多/余/几 inside ("十多万", "二十几万")
#: (a hyphen after a letter or a digit joins a code, COVID-19, not a minus sign)
NUMBER = (rf"(?>(?:负\s*|(?<![\d{NUMCHARS}A-Za-z])-(?=\s*[\d{DIGITS}]))?(?:{_ATOM})"
          rf"(?:\s*(?=[{NUMCHARS}点]){_ATOM}|{_ATOM}|\s*[多余](?=\s*[万亿千百十])|\s*几|\s*[多余]\s*(?=[万亿]))*)")
RE_NUMBER = re.compile(NUMBER)
RE_PCT = re.compile(rf"(?<![{NUMCHARS}\d])(百\s*万|万\s*万|百|千|万)\s*分\s*之\s*({NUMBER})")
RE_FRAC_MARK = re.compile(r"\s*分\s*之\s*")
#: the denominator before 分之 (searched in a short window ending at 分之), and "X又" before it
RE_FRAC_DEN = re.compile(rf"(?:({NUMBER})\s*又\s*)?({NUMBER})$")
RE_HALF = re.compile(r"半成|(?<=打)对折")
RE_SLASH = re.compile(r"(?<![\d/.])(?:(\d+)\s+)?(\d+)/(\d+)(?![\d/])")
#: the longest numeral with Chinese characters read as one number (四千五百六十九万...五千三百八十二 has 33)
MAX_NUMERAL = 64
PER_MILLE = {"百": 1.0, "千": 0.1, "万": 0.01, "百万": 1e-4, "万万": 1e-6}


@functools.lru_cache(maxsize=4096)
def zh_value(s: str) -> Optional[float]:
    """The value of a Chinese (or mixed) numeral; None when it is no number ("万" alone, "二三十").

    >>> zh_value("1.5亿"), zh_value("九万四"), zh_value("四万万"), zh_value("百三"), zh_value("负一千零五十")
    (150000000.0, 94000.0, 400000000.0, 130.0, -1050.0)
    >>> zh_value("五兆六十二亿四万五千二"), zh_value("一百零十万"), zh_value("两千万点五五四四")
    (5006200045200.0, 1100000.0, 20000000.5544)
    """
    t = re.sub(r"\s+", "", s.translate(TRAD))
    neg = t.startswith(("负", "-"))
    t = t.lstrip("负-")
    t = re.sub(r"(?<=\d),(?=\d{3})", "", t)
    t = re.sub(r"(?<![\d.])(\d+(?:\.\d+)?)[kK]", lambda m: repr(float(m.group(1)) * 1000), t)
    t = t.replace("多", "").replace("余", "").replace("几", "")
    if not t or t in "百佰千仟万亿兆" or not re.search(rf"[\d{DIGITS}十拾]", t):
        return None
    if len(t) > MAX_NUMERAL and not re.fullmatch(r"[\d.]+", t):
        return None  # no one writes a numeral that long: a run of characters, not a number
    v = _value(t)
    if v is None:
        return None
    return -v if neg else v


def _value(t: str) -> Optional[float]:
    if re.fullmatch(r"\d+(?:\.\d+)?|\.\d+|\d+(?:\.\d+)?e[+-]?\d+", t):
        return float(t)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\^([+-]*)(\d+)", t)
    if m:
        try:
            return float(m.group(1)) ** (float(m.group(3)) * (-1 if m.group(2).count("-") % 2 else 1))
        except (OverflowError, ZeroDivisionError):
            return None
    if re.fullmatch(rf"[{DIGITS}]{{2,}}", t):  # digit by digit: 一九九一, 五五
        return float("".join(str(DIGIT_VALUE[c]) for c in t))
    try:
        import cn2an

        if not re.search(r"兆|万万|亿.*亿|[零〇][十拾]|^[百佰千仟]|\d[十拾百佰千仟]\d", t):
            return float(cn2an.cn2an(t, "smart"))
    except (ValueError, KeyError, IndexError, TypeError):
        pass
    return _parse(t)


def _parse(t: str) -> Optional[float]:
    """Positional reading with scale arithmetic; the fallback for forms ``cn2an`` rejects."""
    # split at the largest scale: left part times the scale, plus the rest
    for ch, sc in (("兆", 10 ** 12), ("亿", 10 ** 8), ("万", 10 ** 4)):
        i = t.rfind(ch)
        if i >= 0:
            left, right = t[:i], t[i + 1:]
            lv = _parse(left) if left else 1.0
            if lv is None:
                return None
            if not right:
                return lv * sc
            if right.startswith("点"):
                rv = _parse("0" + right)
                return None if rv is None else lv * sc + rv
            rv = _parse(right)
            if rv is None:
                return None
            # "九万四": a lone digit after the scale counts in the next lower place
            if re.fullmatch(rf"[{DIGITS}]|\d", right) and not left.endswith("零") and right not in "零〇0":
                rv *= sc / 10
            return lv * sc + rv
    frac = ""
    if "点" in t:
        t, _, f = t.partition("点")
        if not re.fullmatch(rf"[{DIGITS}\d]*", f):
            return None
        frac = "".join(str(DIGIT_VALUE[c]) if c in DIGIT_VALUE else c for c in f)
    total, pending, last_scale, zero = 0.0, None, 0, False
    for tok in re.findall(rf"\d+(?:\.\d+)?|[{DIGITS}]|[{SCALES}]", t):
        if tok[0].isdigit():
            if pending is not None:
                return None
            pending = float(tok)
        elif tok in "零〇":
            zero = True
        elif tok in DIGIT_VALUE:
            if pending is not None:
                return None
            pending = float(DIGIT_VALUE[tok])
        else:
            sc = SCALE_VALUE[tok]
            if last_scale and sc >= last_scale:
                return None
            total += (1.0 if pending is None else pending) * sc
            pending, last_scale, zero = None, sc, False
    if pending is not None:
        total += pending * (last_scale / 10 if last_scale >= 100 and not zero else 1)
    elif t == "" and not frac:
        return None
    return total + (float("0." + frac) if frac else 0.0)


class Chinese:
    def __init__(self, lex: ClaimLexicon):
        self.lex = lex
        self.recent = LastTexts()  # numbers() of the last texts (the extractor's and the check's reading)
        zh = "zh"
        self.re_nonnumber = re.compile(alternation(lex.zh_nonnumber))
        self.re_qual_pre = re.compile(r"(" + alternation(lex.qualifier_pre[zh]) + r")\s*(?:有|为|了|达|达到)?\s*$")
        self.re_qual_post = re.compile(r"\s*(" + alternation(lex.qualifier_post[zh]) + r")")
        self.re_neg = re.compile(r"(?:" + alternation(lex.negation[zh]) + r").{0,2}$")
        self.re_cur_post = re.compile(r"\s*(" + alternation(lex.currency_post[zh]) + r")")
        self.re_cur_pre = re.compile(r"(" + alternation([w for w in lex.currency_pre[zh]]) + r")\s*$")
        self.re_age = re.compile(r"\s*(" + alternation(lex.age_post[zh]) + r")")
        self.re_age_unit = re.compile(r"\s*(个月|个星期|周|天)大")
        units = lex.time_unit[zh]
        self.time_unit = units
        plain = [w for w in units if lex.time_unit_flag[zh].get(w) not in ("compound", "counted")]
        counted = [w for w in units if lex.time_unit_flag[zh].get(w) == "counted"]
        self.re_unit = re.compile(r"\s*(个半|个)?\s*(" + alternation(plain) + r")(半)?")
        self.re_unit_counted = re.compile(r"\s*(个半|个)\s*(" + alternation(counted) + r")(半)?")
        self.re_unit_any = re.compile(r"\s*(个半|个)?\s*(" + alternation(units) + r")(半)?")
        self.re_classifier = re.compile(r"\s*(" + alternation(lex.classifier) + r")")
        self.nouns = lex.noun[zh]
        self.re_noun = re.compile(alternation(lex.noun[zh]))
        self.re_exclude = re.compile(alternation(lex.exclude))
        self.re_measure = re.compile(alternation(lex.measure))
        self.re_period = re.compile(alternation(lex.period[zh]))
        self.re_timeref = re.compile(alternation(lex.timeref[zh]))
        self.re_range = re.compile(r"\s*(~|-|–|—|至|到)\s*")
        self.re_between = re.compile(r"\s*(与|和|及|至|到)\s*")


@functools.lru_cache(maxsize=8)
def _chinese(words: str, units: str, currencies: str) -> Chinese:
    from .lexicon import _load

    return Chinese(_load(words, units, currencies))


def grammar(settings: Settings = DEFAULT) -> Chinese:
    return _chinese(settings.claims_words, settings.claims_units, settings.claims_currencies)


def mask_nonnumbers(g: Chinese, t: str) -> str:
    """``t`` with numerals that belong to ordinary words (一切, 四川, 队伍) blanked out, same length."""
    chars = None
    for m in g.re_nonnumber.finditer(t):
        s, e = m.start(), m.end()
        if s > 0 and (t[s - 1] in NUMCHARS or t[s - 1].isdigit()):
            continue
        if e < len(t) and (t[e] in NUMCHARS or t[e] in "钟之" or t[e].isdigit()):
            continue
        if chars is None:
            chars = list(t)
        for i in range(s, e):
            chars[i] = "□"
    return "".join(chars) if chars is not None else t


def numbers(g: Chinese, w: str) -> list[tuple[Num, str]]:
    """The numbers of the masked, simplified text ``w``: (Num, how it reads: "num" | "pct" | "frac")."""
    return list(g.recent.get(w, lambda text: _numbers(g, text)))


def _numbers(g: Chinese, w: str) -> list[tuple[Num, str]]:
    out: list[tuple[Num, str]] = []
    taken = bytearray(len(w))
    for m in RE_PCT.finditer(w):
        v = 100.0 if m.group(2) in ("百", "佰") else zh_value(m.group(2))  # 百分之百
        if v is None:
            continue
        f = PER_MILLE[re.sub(r"\s+", "", m.group(1))]
        out.append((Num(m.start(), m.end(), v * f, digits=bool(re.search(r"\d", m.group(2)))), "pct"))
        taken[m.start():m.end()] = b"\1" * (m.end() - m.start())
    for mk in RE_FRAC_MARK.finditer(w):
        lo = max(0, mk.start() - 40)
        md = None
        for a in range(lo, mk.start()):  # the longest number ending at 分之 (window of 40 characters)
            md = RE_FRAC_DEN.match(w, a, mk.start())
            if md:
                break
        mn = RE_NUMBER.match(w, mk.end())
        if not md or not mn or any(taken[md.start():mn.end()]):
            continue
        den, nom = zh_value(md.group(2)), zh_value(mn.group())
        whole = zh_value(md.group(1)) if md.group(1) else 0.0
        if den in (None, 0) or nom is None or whole is None:
            continue
        v = (abs(whole) + nom / den) * (-1 if whole < 0 else 1) if whole else nom / den
        out.append((Num(md.start(), mn.end(), v), "frac"))
        taken[md.start():mn.end()] = b"\1" * (mn.end() - md.start())
    for m in RE_HALF.finditer(w):  # 半成 (5%), 打对折 (half price)
        if not any(taken[m.start():m.end()]):
            out.append((Num(m.start(), m.end(), 5.0 if m.group() == "半成" else 50.0, digits=False), "pct"))
            taken[m.start():m.end()] = b"\1" * (m.end() - m.start())
    for m in RE_SLASH.finditer(w):
        if any(taken[m.start():m.end()]) or not float(m.group(3)):
            continue
        v = float(m.group(2)) / float(m.group(3)) + (float(m.group(1)) if m.group(1) else 0.0)
        out.append((Num(m.start(), m.end(), v), "frac"))
        taken[m.start():m.end()] = b"\1" * (m.end() - m.start())
    for m in RE_NUMBER.finditer(w):
        s, e = m.start(), m.end()
        if any(taken[s:e]):
            continue
        text = m.group()
        # a trailing 两 after a numeral is the weight unit (三两), not part of the number
        if len(text) > 1 and text.endswith("两") and text[-2] in DIGITS + "十":
            e -= 1
            text = text[:-1]
        # 两三年, 二三十个: two neighbouring digits give an approximate range
        mr = re.fullmatch(rf"([{DIGITS}])([{DIGITS}])([十百千万亿]*)", re.sub(r"\s", "", text))
        vmax = None
        if mr and mr.group(1) not in "零〇" and DIGIT_VALUE[mr.group(2)] == DIGIT_VALUE[mr.group(1)] + 1:
            sc = zh_value("一" + mr.group(3)) if mr.group(3) else 1.0
            v, vmax = DIGIT_VALUE[mr.group(1)] * sc, DIGIT_VALUE[mr.group(2)] * sc
        else:
            v = zh_value(text)
        if v is None:
            continue
        sc = re.search(r"[十拾百佰千仟万亿兆kK]", text)
        last_scale = 1.0
        for ch in reversed(text):
            if ch in SCALE_VALUE:
                last_scale = float(SCALE_VALUE[ch])
                break
            if ch in "kK":
                last_scale = 1000.0
                break
        x = Num(s, e, v, digits=bool(re.search(r"\d", text)),
                plain=bool(re.fullmatch(r"\d+", text)) or bool(re.fullmatch(rf"[{DIGITS}]{{4}}", text)),
                scaled=bool(sc), scale=last_scale,
                qualifier="more_than" if re.search(r"[多余几]", text) else None)
        x.article = text == "一"
        if vmax is not None:
            x.vmax, x.qualifier = vmax, "approx"
        out.append((x, "num"))
    out.sort(key=lambda t: t[0].start)
    return out

"""Chinese numeric claims: Arabic and Chinese numerals, scales, currencies, classifiers and counted nouns.

The text is NFKC-normalized (full-width digits and punctuation become ASCII; offsets kept) and traditional numeral
characters are read as simplified ones (萬 as 万, 兩 as 两). :mod:`.chinese_numbers` finds the numbers and converts
them; this module reads what each one counts: money, percentages, durations, ages, dates, counted nouns with their
classifiers, qualifiers and rate periods, from the lexicon in ``models/``.

>>> [(c.text, c.kind, c.value, c.unit, c.qualifier) for c in extract("公司每天卖出2万多美元的商品")]
[('2万多美元', 'money', 20000.0, 'USD', 'more_than')]
"""

from __future__ import annotations

import bisect
import math
import re
from typing import Optional

from ..document import Claim
from ..settings import DEFAULT, Settings
from .base import NEGATE, convert_compound, make_claim, url_spans
from .chinese_numbers import DIGITS, NUMCHARS, TRAD, Chinese, mask_nonnumbers, grammar, numbers, zh_value
from .normalize import normalized

#: how far before a number (in characters, within its clause) a rate word (每天, 日均) may stand
PERIOD_REACH = 40
#: a clause boundary: punctuation, but not a comma that groups digits (1,300)
CLAUSE = re.compile(r"(?<!\d),|,(?!\d{3}(?!\d))|[;。!?\n:]")


class Clauses:
    """Clause boundaries of a text, for finding the clause around a position in O(log n)."""

    def __init__(self, w: str):
        self.cuts = [m.start() for m in CLAUSE.finditer(w)]
        self.n = len(w)

    def around(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_left(self.cuts, pos)
        start = self.cuts[i - 1] + 1 if i > 0 else 0
        end = self.cuts[i] if i < len(self.cuts) else self.n
        return start, end


def extract(text: str, settings: Settings = DEFAULT, all_numbers: bool = False) -> list[Claim]:
    """The numeric claims of a Chinese text (offsets into ``text``)."""
    g = grammar(settings)
    lex = g.lex
    norm = normalized(text)
    w = mask_nonnumbers(g, norm.text.translate(TRAD))
    if "，" in text:  # a full-width comma after ASCII digits separates ("$20，300美圆"); in ４，５６５ it groups
        chars = list(w)
        for i, ch in enumerate(w):
            if ch == "," and text[norm.origin(i)] == "，" and i > 0 and text[norm.origin(i - 1)] in "0123456789":
                chars[i] = ";"
        w = "".join(chars)
    found = numbers(g, w)
    urls = url_spans(w)
    if urls:  # a URL's digits are no claims
        found = [(x, how) for x, how in found if not any(a <= x.start < b for a, b in urls)]
    by_start = {x.start: i for i, (x, _) in enumerate(found)}
    used = [False] * len(found)
    clauses = Clauses(w)
    last_end = 0  # where the last claim ended: a currency word there is its suffix, not the next one's prefix
    out: list[tuple[Claim, tuple[int, int]]] = []
    dur_unit = settings.claims_duration_unit
    last_month = None  # (month, end) of the last day of a month

    def num_at(pos: int) -> Optional[int]:
        m = re.match(r"\s*", w[pos:pos + 8])
        i = by_start.get(pos + m.end())
        return i if i is not None and not used[i] and found[i][1] == "num" else None

    for idx, (x, how) in enumerate(found):
        if used[idx]:
            continue
        used[idx] = True
        s, e, value = x.start, x.end, x.value
        kind, unit, qual, vmax = "number", None, x.qualifier or "exact", x.vmax
        pos = e
        factor = 1.0
        if how == "pct":
            kind, unit = "percent", "percent"
        ordinal = w[max(0, s - 1):s] == "第"  # 第3天, 第二年: a rank, never a duration, age or count
        # a code or a name's number: digits written onto Latin letters (G20, COVID-19, A380, GPT-4)
        code = how == "num" and x.digits and re.search(r"[A-Za-z]-?$", w[max(0, s - 2):s]) is not None
        if how == "num" and not ordinal and not code:
            # the Nth century (20世纪; 两个世纪 is a duration) and a decade (90年代, 20世纪90年代, 2010年代)
            mcen = re.match(r"\s*世纪", w[e:e + 4])
            mdec = re.match(r"\s*年代", w[e:e + 4])
            if mcen and x.plain and 0 < value < 40:
                j = num_at(e + mcen.end())
                md2 = re.match(r"\s*年代", w[found[j][0].end:found[j][0].end + 4]) if j is not None else None
                if md2 and found[j][0].value < 100 and found[j][0].value % 10 == 0:
                    used[j] = True
                    end = found[j][0].end + md2.end()
                    c = make_claim(norm, "zh", s, end, "date", (value - 1) * 100 + found[j][0].value, "decade")
                else:
                    end = e + mcen.end()
                    c = make_claim(norm, "zh", s, end, "date", value, "century")
                out.append((c, (s, end)))
                last_end = max(last_end, end)
                continue
            if mdec and value % 10 == 0 and (value < 100 or 1000 <= value <= 2100):
                v = value if value >= 1000 else (1900 + value if value >= 30 else 2000 + value)
                end = e + mdec.end()
                out.append((make_claim(norm, "zh", s, end, "date", v, "decade"), (s, end)))
                last_end = max(last_end, end)
                continue
            # a day of a month: 12月24日, 十二月二十四号 -> kind date, unit day, value MMDD (as in English);
            # a day after one (12月26日和27日) keeps its month
            mmo = re.match(r"\s*月\s*", w[e:e + 4]) if 1 <= value <= 12 and value == int(value) else None
            jd = num_at(e + mmo.end()) if mmo else None
            mday = re.match(r"\s*[日号]", w[found[jd][0].end:found[jd][0].end + 3]) if jd is not None else None
            month = None
            if mday and 1 <= found[jd][0].value <= 31:
                month, day, used[jd] = value, found[jd][0].value, True
                end = found[jd][0].end + mday.end()
            elif last_month and re.fullmatch(r"\s*(?:和|至|到|及|与|、|-|–|~)\s*", w[last_month[1]:s]) and \
                    1 <= value <= 31 and re.match(r"\s*[日号]", w[e:e + 3]):
                month, day, end = last_month[0], value, e + re.match(r"\s*[日号]", w[e:e + 3]).end()
            if month:
                out.append((make_claim(norm, "zh", s, end, "date", month * 100 + day, "day"), (s, end)))
                last_month = (month, end)
                last_end = max(last_end, end)
                continue
        # 多/余 right after the number ("300多人", "2万多美元")
        m = re.match(r"\s*(多|余)(?![万亿千百十])", w[pos:pos + 3])
        if m and how == "num":
            qual, pos = "more_than", pos + m.end()
        # --- currency, percent, discount, age, duration
        cs = s
        mp = g.re_cur_pre.search(w[max(0, s - 8):s])
        if how == "num" and mp and s - len(w[max(0, s - 8):s]) + mp.start() >= last_end:
            kind, (unit, factor) = "money", lex.currency_pre["zh"][mp.group(1)]
            cs = s - len(w[max(0, s - 8):s]) + mp.start()
            mc = g.re_cur_post.match(w, pos)  # "人民币 50元"
            if mc and lex.currency_post["zh"][mc.group(1)][0] in (unit, "CNY"):
                pos = mc.end()
        mc = g.re_cur_post.match(w, pos)
        if mc and mc.group(1) == "块" and not _money_block(w, mc.end(), clauses):
            mc = None  # 两块屏幕, 一块土地: the measure word for pieces, not the colloquial yuan (十块钱)
        if how == "num" and kind == "number" and mc:
            kind, (unit, factor) = "money", lex.currency_post["zh"][mc.group(1)]
            pos = mc.end()
            value *= factor
            factor = 1.0
            # 元 then 角 / 分 ("50元6角三分"), 美元又三美分
            while True:
                mm = re.match(r"\s*(?:又|零)?\s*", w[pos:pos + 4])
                j = num_at(pos + mm.end())
                if j is None:
                    break
                y = found[j][0]
                ms = re.match(r"\s*(角|毛|分|美分|便士|日本銭)", w[y.end:y.end + 4])
                if not ms or y.value >= 100:
                    break
                sub = {"角": 0.1, "毛": 0.1}.get(ms.group(1), 0.01)
                value += y.value * sub
                used[j] = True
                pos = y.end + ms.end()
        if how == "num" and kind == "number":
            m = re.match(r"\s*(%|个百分点|百分点)", w[pos:pos + 8])
            if m:
                kind, unit, pos = "percent", "percent", pos + m.end()
            else:
                m = re.match(r"\s*(成|折)(?!员|立|功|为|本|绩|交|长|果|扣|叠|分|算|合)", w[pos:pos + 3])
                mh = re.match(r"\s*成\s*半|\s*成\s*([零一二三四五六七八九两\d])(?![十百千万亿\d])", w[pos:pos + 5])
                two = re.fullmatch(rf"[{DIGITS}]{{2}}", re.sub(r"\s", "", w[s:e]))
                if m and (0 < value < 10 or two and 10 < value < 100) and not x.scaled and x.vmax is None:
                    v = value if two else value * 10  # 九折 is 90%, 五五折 55%
                    if m.group(1) == "成" and mh:
                        v += 5 if "半" in mh.group() else zh_value(mh.group(1)) or 0
                        pos += mh.end()
                    else:
                        pos += m.end()
                    kind, unit, value = "percent", "percent", v
                elif m and m.group(1) == "成" and value == 10:  # 十成: all of it
                    kind, unit, value, pos = "percent", "percent", 100.0, pos + m.end()
        if how == "num" and kind == "number" and not ordinal and not code:
            m = g.re_age.match(w, pos)
            ma = g.re_age_unit.match(w, pos)
            if m:
                kind, unit, pos = "age", lex.age_post["zh"][m.group(1)], m.end()
            elif ma:
                kind, unit, pos = "age", {"个月": "month", "个星期": "week", "周": "week", "天": "day"}[ma.group(1)], ma.end()
        # 接下来的一个月, 这一年: 一 after 的/这/那 is the article of "the next month", no duration stated; after
        # 同, 前, 后, 上, 下, 每, 某, 另, 头, 哪 it names a point in time (同一天 "the same day", 前一天 "the day
        # before", 最后一天, 上一年 "the previous year", 每一天 "every day"); 提前一天 is "a day early", a duration
        determiner = x.article and w[max(0, s - 1):s] in DETERMINERS and w[max(0, s - 2):s] != "提前"
        if how == "num" and kind == "number" and not ordinal and not code and not determiner:
            m = g.re_unit_counted.match(w, pos) or g.re_unit.match(w, pos) or _compound_start(g, w, s, pos, num_at, found)
            if m and m.group(2) == "年" and (x.plain and 1000 <= value <= 2100 or
                                            re.fullmatch(rf"[{DIGITS}]{{4}}", w[s:e])):
                kind, unit, pos = "date", "year", m.end()
                mr = g.re_range.match(w, pos)  # a span of years: 2015年到2019年
                j = num_at(mr.end()) if mr else None
                my = re.match(r"\s*年", w[found[j][0].end:found[j][0].end + 3]) if j is not None else None
                if my and found[j][0].plain and value < found[j][0].value <= 2100:
                    used[j] = True
                    vmax, pos = found[j][0].value, found[j][0].end + my.end()
            elif m and not (m.group(2) in ("周", "星期") and re.match(r"[一二三四五六日天末年]", w[m.end():m.end() + 1])):
                u = g.time_unit[m.group(2)]
                half = 0.5 if (m.group(1) == "个半" or m.group(3)) else 0.0
                parts = [(value + half, u)]
                pos = m.end()
                while True:  # "8天20时", "两天又一个月"
                    mm = re.match(r"\s*(?:又|零)?\s*", w[pos:pos + 4])
                    j = num_at(pos + mm.end())
                    if j is None:
                        break
                    m2 = g.re_unit_any.match(w, found[j][0].end)
                    if not m2:
                        break
                    parts.append((found[j][0].value + (0.5 if m2.group(1) == "个半" or m2.group(3) else 0),
                                  g.time_unit[m2.group(2)]))
                    used[j] = True
                    pos = m2.end()
                value, unit = convert_compound(parts) if len(parts) > 1 else parts[0]
                kind = "duration"
        # --- a range: "20~100个", "一到五", "10000与20000之间", "5-20%"
        if how == "num" and kind in ("number", "money", "percent", "duration"):
            m = g.re_range.match(w, e if kind == "number" else pos) or g.re_range.match(w, e)
            j = num_at(m.end()) if m else None
            mb = g.re_between.match(w, e)
            jb = num_at(mb.end()) if mb else None
            if jb is not None and re.match(r"[^\d,;。]{0,4}?之间", w[found[jb][0].end:found[jb][0].end + 8]):
                j, m = jb, mb
            if j is not None and (m.group(1) not in "-–—" or found[j][0].value > value):
                y = found[j][0]
                used[j] = True
                vmax = y.value * (factor if kind == "money" else 1)
                lo = value
                if y.scaled and not x.scaled and value < y.value / y.scale * 10:
                    lo = value * y.scale  # "5-20万": the scale is shared
                    if kind == "money":
                        lo = value * y.scale
                value = lo
                pos = max(pos, y.end)
                mu = re.match(r"\s*(%|个百分点)", w[pos:pos + 6])
                mc2 = g.re_cur_post.match(w, pos)
                if mu:
                    kind, unit, pos = "percent", "percent", pos + mu.end()
                elif mc2 and kind == "number":
                    kind, (unit, factor) = "money", lex.currency_post["zh"][mc2.group(1)]
                    value, vmax, pos = value * factor, vmax * factor, mc2.end()
                elif kind == "duration":
                    mu2 = g.re_unit.match(w, pos)
                    if mu2:
                        pos = mu2.end()
                elif kind == "number" and not ordinal and not code:
                    mu2 = g.re_unit.match(w, pos)
                    if mu2 and mu2.group(2) == "年" and x.plain and y.plain and 1000 <= value < vmax <= 2100:
                        kind, unit, pos = "date", "year", mu2.end()  # 2015-2019年, 2015年至2019年
                    elif mu2 and mu2.group(2) != "年" or mu2 and not (y.plain and 1000 <= vmax <= 2100):
                        kind, unit, pos = "duration", g.time_unit[mu2.group(2)], mu2.end()
                mz = re.match(r"\s*之间", w[pos:pos + 4])
                if mz:
                    pos += mz.end()
        # --- count: classifier and/or counted noun ("15个视频", "1.5亿美国用户", "超过1,300万件"); not after 第,
        # and not a calendar or serial number (5月份, 3月5日, 5号店铺: a month, a day, "number 5")
        if how == "num" and kind == "number" and not ordinal and not code and \
                not re.match(r"\s*(?:月份?|日|号|號)", w[pos:pos + 3]):
            got = _counted(g, w, pos, clauses, x.scaled)
            if got:
                unit, pos, dozen = got
                kind = "count"
                if dozen:
                    value *= 12
            elif x.scaled or value >= 100:
                # "播放量超过3亿": a how-many noun earlier in the clause names what a bare figure counts
                mm = None
                for mm in g.re_measure.finditer(w, max(clauses.around(s)[0], s - PERIOD_REACH), s):
                    pass
                if mm:
                    kind, unit = "count", lex.measure[mm.group()]
            if kind == "number" and _figure(g, w, cs, pos, x):
                kind, unit = "count", None  # 超过3万, 达11万之多, 约200: a figure whose noun is left out
        # --- qualifiers before (with negation: 从未超过 -> at most), and after (以上, 以内, 或更短)
        pre = w[max(0, cs - 12):cs]
        m = _bound_before(g, pre, value)
        if m:
            qual = lex.qualifier_pre["zh"][m.group(1)]
            cs = cs - len(pre) + m.start()
            if g.re_neg.search(w[max(0, cs - 6):cs]) and qual in NEGATE:
                qual = NEGATE[qual]
        else:
            mb = re.search(r"比\s*$", pre)
            if mb:
                mcmp = re.match(r"\s*(?:还|要)?\s*(大|多|高|长|贵)|\s*(?:还|要)?\s*(小|少|低|短|便宜)", w[pos:pos + 4])
                if mcmp:
                    qual = "more_than" if mcmp.group(1) else "less_than"
                    cs = cs - len(pre) + mb.start()
                    pos += mcmp.end()
        m = g.re_qual_post.match(w, pos)
        if m:
            word = m.group(1)
            # 多/余 after a unit only bound a bare number; 内 ("within") bounds only a duration
            if not (word in ("多", "余") and (qual != "exact" or kind != "number")) and \
                    not (word == "内" and kind != "duration"):
                qual, pos = lex.qualifier_post["zh"][word], m.end()
                mt = re.match(r"\s*(?:时间)?\s*内", w[pos:pos + 4]) if kind == "duration" else None
                if mt:  # 两天或更短时间内
                    pos += mt.end()
        if kind == "number" and how == "num" and not all_numbers:
            continue
        if kind == "count" and x.article and qual == "exact":
            if not all_numbers:
                continue
            kind, unit, pos = "number", None, e
        end = pos if kind != "number" else (max(e, pos) if qual != "exact" or vmax is not None else e)
        c = make_claim(norm, "zh", cs, end, kind, value, unit, qual, None, vmax, dur_unit)
        out.append((c, (cs, end)))
        last_end = max(last_end, end)
        k = idx + 1
        while k < len(found) and found[k][0].start < end:
            used[k] = True  # read as part of this claim (七成六)
            k += 1
    _half_durations(g, norm, w, out, dur_unit)
    _periods(g, w, out, clauses)
    return [c for c, _ in sorted(out, key=lambda t: t[1][0])]


#: half a unit of time: 半小时, 半个月, 半年, 半天 (not 上半年 / 下半年, a half of the calendar year, nor 大半年)
HALF = re.compile(r"(?<![上下前后大多\d一二三四五六七八九十两])半\s*(?:个)?\s*(小时|小時|钟头|鐘頭|天|年|月|星期|周)")


def _compound_start(g: Chinese, w: str, s: int, pos: int, num_at, found):
    """A minute (分) or hour (时) unit read only as the first part of a compound duration: 2分30秒, 3时20分钟.
    After a clock hour (3点30分, 10时15分) it is a time of day, and alone (30分) it may be a score."""
    m = g.re_unit_any.match(w, pos)
    if not m or m.group(2) not in ("分", "时", "時") or re.search(r"[\d零一二三四五六七八九十两]\s*[点點时時]\s*$", w[max(0, s - 4):s]):
        return None
    j = num_at(m.end())
    return m if j is not None and g.re_unit.match(w, found[j][0].end) else None


def _half_durations(g: Chinese, norm, w: str, out, dur_unit) -> None:
    """Add the durations of half a unit written without a number before 半 (半小时 is 0.5 hours)."""
    spans = [span for _, span in out]
    for m in HALF.finditer(w):
        if any(a < m.end() and m.start() < b for a, b in spans):
            continue  # 三个半小时 was read whole
        c = make_claim(norm, "zh", m.start(), m.end(), "duration", 0.5, g.time_unit[m.group(1)], "exact", None,
                       None, dur_unit)
        out.append((c, (m.start(), m.end())))


def _bound_before(g: Chinese, pre: str, value: float):
    """The bound word (超过, 约, 近) that ``pre``, the text before a number, ends with, or None.

    过 bounds a number only as "past" a round figure (销量过万, 票房过亿, 年过六十, 过5000); after a verb it marks
    the aspect and the number is the verb's (见过一次, 说过一两天, 过了一会, 到过十五队), so it bounds nothing
    there."""
    m = g.re_qual_pre.search(pre)
    if m and m.group(1) == "过" and (m.group().rstrip().endswith("了") or not _round(value)):
        return None
    return m


def _round(value: float) -> bool:
    """A figure of one significant digit, at least 10: 10, 60, 500, 1万, 3亿."""
    if value < 10:
        return False
    mag = 10 ** math.floor(math.log10(value))
    return abs(value / mag - round(value / mag)) < 1e-9


def _figure(g: Chinese, w: str, s: int, pos: int, x) -> bool:
    """Whether a bare number (no classifier, no noun after it) states a figure whose noun is left out: it has a
    scale (万, 亿) or a bound before or after it (超过, 约, 近, 以上, 之多, 300多), as the English "around 10,000"
    or "more than 2 million". A bare number without either (一 in a word, a score) stays a number, and so does a
    multiplier or a score (约1.5倍, 3比1, 2点)."""
    if re.match(r"\s*[倍比点]", w[pos:pos + 3]):
        return False
    if x.scaled or x.qualifier:
        return True
    m = _bound_before(g, w[max(0, s - 12):s], x.value)
    if m and g.lex.qualifier_pre["zh"][m.group(1)] != "exact":
        return True
    m = g.re_qual_post.match(w, pos)
    return m is not None and m.group(1) not in ("内",)


#: characters before 一 + a unit of time that make it "the" or "a certain" unit, no length of time
DETERMINERS = ("的", "这", "那", "同", "前", "后", "上", "下", "每", "某", "另", "头", "哪")
#: 块 is the colloquial yuan when its clause speaks of money; otherwise the measure word for pieces
MONEY_WORDS = re.compile(r"钱|元|价|花|付|卖|买|售|费|薪|工资|收入|赚|挣|租|赔|罚|捐")


def _money_block(w: str, end: int, clauses: "Clauses") -> bool:
    """Whether 块 after a number (ending at ``end``) is money: nothing that could be a noun follows it (十块。,
    五块多, 两块五), or its clause speaks of money (花了十块买书)."""
    nxt = w[end:end + 1]
    if not nxt or not ("\u4e00" <= nxt <= "\u9fff") or nxt in "钱多一二三四五六七八九半左":
        return True
    start, stop = clauses.around(end - 1)
    return MONEY_WORDS.search(w, start, stop) is not None


def _counted(g: Chinese, w: str, pos: int, clauses: "Clauses", scaled: bool = False):
    """(unit, end, dozen) for the classifier / noun after ``pos``, or None."""
    p = pos
    cls = None
    dozen = False
    m = re.match(r"\s*打(?![折对])", w[p:p + 3])
    if m:
        p += m.end()
        dozen = True
    m = g.re_classifier.match(w, p)
    if m and not g.re_exclude.match(w, m.start(1)):
        cls = m.group(1)
        p = m.end()
    # the noun: right here, or after a few modifiers (美国, 活跃, TikTok) within the clause
    q = p = p + len(w[p:p + 4]) - len(w[p:p + 4].lstrip(" "))  # "610 米", "100 人": spaces before the noun
    if not cls and scaled and w[q:q + 1] == "的" and q + 1 < len(w):
        q = p = q + 1  # 300万的选民: 的 may join a scaled number to its noun
    for _ in range(6):
        if q >= len(w) or CLAUSE.match(w, q) or w[q] in "的□" or w[q].isdigit() or g.re_exclude.match(w, q):
            break
        mq = g.re_qual_post.match(w, q)
        if mq and len(mq.group(1)) > 1:
            break  # 125个以上样本: the bound (以上, 左右) ends the count; the qualifier is read after it
        mn = g.re_noun.match(w, q)
        # a one-character noun (米, 克, 国) only right after the number or its classifier: after other characters
        # it is part of a word (洛克希德, 厘米 is read whole)
        if mn and (len(mn.group()) > 1 or q == p):
            return g.nouns[mn.group()], mn.end(), dozen
        if w[q] in NUMCHARS:
            break
        ml = re.match(r"[A-Za-z][A-Za-z.\-]*\s*", w[q:q + 30])
        q += ml.end() if ml else 1
    if cls:
        default, ctx = g.lex.classifier[cls]
        start, stop = clauses.around(pos)
        clause = w[start:stop]
        for word, unit in ctx:
            if word in clause:
                return unit, p, dozen
        return default, p, dozen
    if dozen:
        return "item", p, dozen
    return None


def _periods(g: Chinese, w: str, out, clauses: Clauses) -> None:
    """Set each rate's period from its clause (每天, 日均, 每月; 一个月 before a sum): 每年都翻一番, 今年 ... does
    not reach into the next clause. A one-unit duration used as a period is no claim of its own."""
    lex = g.lex
    order = sorted(range(len(out)), key=lambda k: out[k][1][0])
    starts = [out[k][1][0] for k in order]
    drop = set()
    for i, (c, (s, e)) in enumerate(out):
        if c.kind not in ("money", "count", "duration", "percent"):
            continue
        start = max(clauses.around(s)[0], s - PERIOD_REACH)
        best = None
        for m in g.re_period.finditer(w, start, s):
            j = bisect.bisect_right(starts, m.start()) - 1
            k = order[j] if j >= 0 and out[order[j]][1][0] <= m.start() < out[order[j]][1][1] else None
            if k is not None:
                oc = out[k][0]
                if not (oc.kind == "duration" and oc.value == 1 and oc.qualifier == "exact" and
                        m.group() in ("一天", "一周", "一个月", "一年") and k != i):
                    continue
            best = (m, k)
        if best:
            m, k = best
            if c.kind == "duration" and lex.period["zh"][m.group()] == c.unit:
                continue
            c.period = {"hour": None}.get(lex.period["zh"][m.group()], lex.period["zh"][m.group()])
            if k is not None:
                drop.add(k)
    for k in sorted(drop, reverse=True):
        del out[k]


def time_references(text: str, settings: Settings = DEFAULT) -> list[tuple[str, int, str]]:
    """Deictic time references (上周, 今年): (unit, offset, surface).

    >>> time_references("亚马逊上周还披露,今年销售额增长")
    [('week', -1, '上周'), ('year', 0, '今年')]
    """
    g = grammar(settings)
    t = normalized(text).text.translate(TRAD)
    out = []
    for m in g.re_timeref.finditer(t):
        unit, off = g.lex.timeref["zh"][m.group()].split(":")
        out.append((unit, int(off), m.group()))
    return out

"""English numeric claims: numbers written with digits or words, and what they count.

The text is NFKC-normalized and lower-cased (offsets kept); :mod:`.english_numbers` finds the numbers (digits,
word numbers, scales) and holds the lexicon's compiled patterns, and this module reads the words around each
number: its kind, unit, qualifier and period, from the lexicon in ``models/``. Everything is linear in the length
of the text.

>>> [(c.text, c.kind, c.value, c.unit, c.qualifier, c.period) for c in extract("She earns more than $2,000 a month.")]
[('more than $2,000 a month', 'money', 2000.0, 'USD', 'more_than', 'month')]
>>> [(c.kind, c.value, c.unit) for c in extract("A 31-year-old bought two dozen eggs in 2019.")]
[('age', 31.0, 'year'), ('count', 24.0, 'egg'), ('date', 2019.0, 'year')]
"""

from __future__ import annotations

import bisect
import itertools
import re
from typing import Optional

from ..document import Claim
from ..settings import DEFAULT, Settings
from .base import NEGATE, convert_compound, make_claim, outside_urls
from .english_numbers import English, grammar
from .normalize import normalized

#: month number by the first three letters of an English month name (models/en_months.txt lists the names)
MONTH = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                     "dec"), 1)}
#: words that introduce a proportion ("three out of ten", "one in five")
RATIO_IN = re.compile(r"\s+in\s+")


#: words ending in "men" that are singular nouns, not plurals of a "-man" noun (see :func:`_men_plural`)
SINGULAR_MEN = frozenset("specimen regimen abdomen omen stamen acumen hymen semen bitumen albumen cyclamen amen "
                         "agnomen cognomen rumen lumen dolmen gravamen".split())


#: singular counted nouns that are only counted as the first half of a compound ("a 15-member committee",
#: "a 12-man jury"); before a plural they modify it ("15 member states" counts states)
NOUN_MODIFIERS = frozenset({"member", "man", "woman"})


def _men_plural(word: str) -> Optional[str]:
    """The singular of an irregular "-men" plural (men, women, gunmen, policemen, fishermen, spokeswomen), the
    nouns news counts people with that the "-s" rule misses; None for any other word.

    >>> _men_plural("gunmen"), _men_plural("women"), _men_plural("specimen"), _men_plural("workers")
    ('gunman', 'woman', None, None)
    """
    if word.endswith("men") and word.isalpha() and word not in SINGULAR_MEN:
        return word[:-3] + "man"
    return None


#: a time of day: "10:50", "9:30 a.m.", "5.30pm" (a colon and two-digit minutes; a point only with am/pm)
_CLOCK = re.compile(r"(?<![\d.:,])(?:(?:[01]?\d|2[0-4]):[0-5]\d(?![\d:])(?:\s*[ap]\.?\s?m\b\.?)?"
                    r"|(?:0?\d|1[0-2])\.[0-5]\d\s*[ap]\.?\s?m\b\.?)")


def _outside_clock_times(low: str, nums: list) -> list:
    """``nums`` without the hours and minutes of times of day: a clock time is no claim ("about 10:50 a.m."
    is not "about 10" and 50); the translation check compares times of day on its own (claims/linking.py).

    >>> [(c.kind, c.value) for c in extract("It was reported about 10:50 a.m. and again at 5.30pm")]
    []
    >>> [(c.kind, c.value) for c in extract("Shares rose 5.30 percent.")]
    [('percent', 5.3)]
    """
    spans = [m.span() for m in _CLOCK.finditer(low)]
    if not spans:
        return nums
    return [x for x in nums if not any(a <= x.start < b for a, b in spans)]


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def extract(text: str, settings: Settings = DEFAULT, all_numbers: bool = False) -> list[Claim]:
    """The numeric claims of an English text (offsets into ``text``)."""
    g = grammar(settings)
    lex = g.lex
    norm = normalized(text)
    low, orig = norm.low, norm.text
    nums = _outside_clock_times(low, outside_urls(low, g.numbers(low)))
    noun_of = [m.start() for m in g.re_noun_of.finditer(low)]  # "the number of views ... 400 million"
    by_start = {x.start: i for i, x in enumerate(nums)}
    used = [False] * len(nums)
    taken: list[tuple[int, int]] = []  # normalized spans claimed (periods included), for bare durations
    claims: list[tuple[int, Claim]] = []
    dur_unit = settings.claims_duration_unit
    last_end = [0]
    prev_count: list = [None]  # (unit, end) of the last count, for a bare number that repeats its unit
    last_date: list = [None]  # (month, end) of the last day of a month, for "November 26 and 27"

    def num_at(pos: int) -> Optional[int]:
        m = re.match(r"\s*", low[pos:pos + 40])
        i = by_start.get(pos + m.end())
        return i if i is not None and not used[i] else None

    for idx, x in enumerate(nums):
        if used[idx]:
            continue
        used[idx] = True
        # "one over three", "two out of five hundred": a ratio, when neither side names a unit
        # A proportion is a figure like a percent (Chinese 十分之一 is one), so it is reported without all_numbers;
        # "one in five" counts only between numbers that are no year; with a noun after the second number
        # ("seven out of 10 voters") both are counts of it.
        md = g.re_ratio.match(low, x.end)
        mi = RATIO_IN.match(low, x.end) if not md and not x.scaled else None
        if mi:
            j = num_at(mi.end())
            if j is None or nums[j].plain and 1000 <= nums[j].value <= 2100 or nums[j].value <= x.value or \
                    x.value != int(x.value) or x.plain and 1000 <= x.value <= 2100:
                mi = None
            else:
                md = mi
        if md:
            j = num_at(md.end())
            if j is not None and not (g.re_unit.match(low, nums[j].end) or g.re_cur_post.match(low, nums[j].end)
                                      or g.re_percent.match(low, nums[j].end)) and 0 < x.value <= nums[j].value:
                got = _counted(g, low, orig, nums[j].end)
                if got:
                    claims.append((x.start, make_claim(norm, "en", x.start, x.end, "count", x.value, got[0])))
                    continue
                used[j] = True
                claims.append((x.start, make_claim(norm, "en", x.start, nums[j].end, "number",
                                                   x.value / nums[j].value)))
                continue
        s, e = x.start, x.end
        value, vmax = x.value, None
        kind, unit, qual, period = "number", None, "exact", None
        factor = 1.0
        pre_lo = max(0, s - 16)  # currency and age words before a number are short
        pre = low[pre_lo:s]
        # --- currency before the number
        m = g.re_cur_pre.search(pre)
        cur_s = s
        if m and pre_lo + m.start() < last_end[0]:
            m = None  # the word ends the previous claim ("10 rmb 20 usd")
        if m:
            key = re.sub(r"\s+", "", m.group())
            code = g.cur_pre.get(key) or g.cur_pre.get(m.group().strip())
            if code:
                kind, (unit, factor) = "money", code
                cur_s = pre_lo + m.start()
        else:
            m = g.re_mcur_pre.search(pre)
            if m:
                kind, unit, factor = "money", m.group(1).upper(), 1e6
                cur_s = pre_lo + m.start()
        # --- what follows: currency (and scale after it), percent, age, duration
        pos = e
        if kind == "money" and x.digits and not x.scaled and re.match(r"m(?![a-z])", low[e:e + 2]):
            value, pos = value * 1e6, e + 1  # "£75m", "$3m": after a currency sign an attached m is a million
        # decades and centuries are dates, not durations: "the 1990s", "the '80s", "the 21st century"
        md_ = re.match(r"'?s(?![a-z])", low[e:e + 3]) if kind == "number" and x.plain else None
        # a decade of life is an age: "in his 40s", "in their early twenties" -> 40 to 49 years
        if md_ and value % 10 == 0 and 10 <= value <= 90 and g.re_age_decade.search(pre):
            ma = g.re_age_decade.search(pre)
            a0 = pre_lo + ma.start(1)
            claims.append((a0, make_claim(norm, "en", a0, e + md_.end(), "age", value, "year", "exact", None,
                                          value + 9)))
            last_end[0] = e + md_.end()
            continue
        if md_ and value % 10 == 0 and (1000 <= value <= 2100 or value < 100 and (
                low[s - 1:s] == "'" or re.search(r"(?<![a-z])the\s+(?:(?:early|mid|late)\s*-?\s*)?$", pre))):
            v = value if value >= 1000 else (1900 + value if value >= 30 else 2000 + value)
            claims.append((s, make_claim(norm, "en", s - (low[s - 1:s] == "'"), e + md_.end(), "date", v, "decade")))
            last_end[0] = e + md_.end()
            continue
        mcent = re.match(r"(?:st|nd|rd|th)?\s*-?\s*centur(?:y|ies)(?![a-z])", low[e:e + 16]) \
            if kind == "number" and x.plain and 0 < value < 40 else None
        if mcent and (low[e:e + 2] in ("st", "nd", "rd", "th") or not re.match(r"\s*centuries", low[e:e + 12])):
            if low[e:e + 2] in ("st", "nd", "rd", "th"):
                claims.append((s, make_claim(norm, "en", s, e + mcent.end(), "date", value, "century")))
                last_end[0] = e + mcent.end()
                continue
        # a day of a month: "24 December", "December 24th", "Dec. 7" -> kind date, unit day, value MMDD
        if kind == "number" and x.plain and 1 <= value <= 31:
            mo = re.match(r"(?:st|nd|rd|th)?\s*(?:of\s+)?([a-z]+)\.?", low[e:e + 16])
            mb = re.search(r"(?<![a-z])([a-z]+)\.?\s*$", pre)
            month = None
            if mo and mo.group(1) in g.months and mo.group(1) != "may":
                month, dend = MONTH[mo.group(1)[:3]], e + mo.end()
            elif mb and mb.group(1) in g.months and not re.match(r"\s*:", low[e:e + 2]):
                month, dend = MONTH[mb.group(1)[:3]], e + (2 if low[e:e + 2] in ("st", "nd", "rd", "th") else 0)
                cur_s = pre_lo + mb.start()
            elif last_date[0] and re.fullmatch(r"\s*(?:,|and|to|-|–|or|&)\s*", low[last_date[0][1]:s]):
                month, dend = last_date[0][0], e + (2 if low[e:e + 2] in ("st", "nd", "rd", "th") else 0)
            if month:
                claims.append((cur_s, make_claim(norm, "en", cur_s, dend, "date", month * 100 + value, "day")))
                last_date[0] = (month, dend)
                last_end[0] = dend
                continue
        m = g.re_cur_post.match(low, pos)
        if m and m.group(1) in "$€£¥" and low[m.end():m.end() + 1].isdigit():
            m = None  # "1 $10": the symbol is the next number's
        if kind == "number" and m and not (m.group(1) in ("won", "mark", "marks", "pound", "franc") and not x.digits):
            code, factor = lex.currency_post["en"][re.sub(r"\s+", " ", m.group(1))]
            kind, unit, pos = "money", code, m.end()
            ms = re.match(r"\s*(million|billion|trillion|thousand|bn|mn|m|k)(?![a-z])", low[pos:pos + 20])
            if ms:
                value *= g.scales.get(ms.group(1), lex.attach_scale.get(ms.group(1), 1e6))
                pos += ms.end()
            # "thirteen dollars and forty-five cents", "15 dollars 50"
            mc = re.match(r"\s*(?:and\s*)?", low[pos:pos + 10])
            j = by_start.get(pos + mc.end())
            if factor == 1.0 and j is not None and not used[j] and nums[j].value < 100 and \
                    nums[j].value == int(nums[j].value) and not nums[j].scaled:
                after = nums[j].end
                mcent = re.match(r"\s*(cents?|pence|p)(?![a-z])", low[after:after + 10])
                if mcent or not (re.match(r"\s*[%$€£]|[a-z]", low[after:after + 3]) or g.re_cur_post.match(low, after)
                                 or g.re_unit.match(low, after) or _counted(g, low, orig, after)):
                    value += nums[j].value / 100
                    used[j] = True
                    pos = after + (mcent.end() if mcent else 0)
        elif kind == "number" and g.re_mcur_post.match(low, pos):
            m = g.re_mcur_post.match(low, pos)
            kind, unit, factor, pos = "money", m.group(1).upper(), 1e6, m.end()
        elif kind == "money":
            m2 = g.re_cur_post.match(low, pos)  # "$10 dollars": the word repeats the symbol
            if m2 and lex.currency_post["en"].get(re.sub(r"\s+", " ", m2.group(1)), (None,))[0] == unit:
                pos = m2.end()
        if kind == "number":
            m = g.re_percent.match(low, pos)
            if m:
                kind, unit, pos = "percent", "percent", m.end()
        if kind == "number":
            m = g.re_age_post.match(low, pos)
            if m:
                kind, unit, pos = "age", g.age_post[re.sub(r"\s+", "", m.group(1))], m.end()
            elif g.re_age_pre.search(pre) and x.value == int(x.value) and 0 < x.value < 130:
                m = g.re_age_pre.search(pre)
                kind, unit, cur_s = "age", "year", pre_lo + m.start()
        if kind == "number":
            m = g.re_unit.match(low, pos) or (g.re_unit_attached.match(low, pos) if x.digits else None)
            if m:
                parts = [(value, g.time_unit[re.sub(r"\s+", " ", m.group(1))])]
                kind, pos = "duration", m.end()
                # compound "2 days 1 month", "an hour and a half"
                while True:
                    mh = re.match(r"\s+and\s+a\s+half(?![a-z])", low[pos:pos + 20])
                    if mh:
                        parts.append((0.5, parts[-1][1]))
                        pos += mh.end()
                        continue
                    ma = re.match(r"\s*,?\s*(?:and\s+)?", low[pos:pos + 8])
                    j = num_at(pos + ma.end())
                    if j is None:
                        break
                    m3 = g.re_unit.match(low, nums[j].end) or g.re_unit_attached.match(low, nums[j].end)
                    if not m3:
                        break
                    parts.append((nums[j].value, g.time_unit[re.sub(r"\s+", " ", m3.group(1))]))
                    used[j] = True
                    pos = m3.end()
                value, unit = convert_compound(parts) if len(parts) > 1 else parts[0]
        # --- a range: "$5 million to $7 million", "between 10 and 15", "20 through 100", "1000 - 5000"
        m = g.re_range.match(low, pos)
        if m and kind != "age":
            word = m.group(1)
            mcp = g.re_cur_pre.match(low, m.end()) if kind == "money" else None
            j = num_at(m.end() + (len(mcp.group()) if mcp and mcp.start() == m.end() else 0))
            if j is None and kind == "money":
                mm = re.match(r"\s*(?:\$|€|£|¥|us\s*\$)\s*", low[m.end():m.end() + 8])
                if mm:
                    j = num_at(m.end() + mm.end())
            ok = j is not None
            if ok:
                y = nums[j]
                if word == "and":
                    ok = bool(re.search(r"(?<![a-z])between\s*(?:\$|€|£)?\s*$", pre))
                elif word == "or":
                    ok = False
                elif word in "-–—":
                    ok = y.value > x.value and not re.match(r"\s*[-/]\s*\d", low[y.end:y.end + 4]) and \
                        not re.search(r"[-/]\s*$", pre) and x.digits == y.digits
                elif word == "to":
                    ok = y.value >= x.value * (1 if y.scaled or not x.scaled else 0) or \
                        bool(re.search(r"(?<![a-z])from\s*\S*$", pre))
            if ok:
                y = nums[j]
                yv = y.value
                lo = value
                if y.scaled and not x.scaled and x.value < yv:
                    lo = value * y.scale  # "$5 to $7 million"
                used[j] = True
                ypos = y.end
                if kind == "number":
                    # the unit may be written only after the second number ("5 to 7 million dollars")
                    mcy = g.re_cur_post.match(low, ypos)
                    mpy = g.re_percent.match(low, ypos)
                    muy = g.re_unit.match(low, ypos)
                    if mcy:
                        kind, (unit, factor) = "money", lex.currency_post["en"][re.sub(r"\s+", " ", mcy.group(1))]
                        ypos = mcy.end()
                    elif mpy:
                        kind, unit, ypos = "percent", "percent", mpy.end()
                    elif muy:
                        kind, unit, ypos = "duration", g.time_unit[re.sub(r"\s+", " ", muy.group(1))], muy.end()
                elif kind == "duration":
                    muy = g.re_unit.match(low, ypos)
                    if muy:
                        ypos = muy.end()
                elif kind == "percent":
                    mpy = g.re_percent.match(low, ypos)
                    if mpy:
                        ypos = mpy.end()
                value, vmax, pos = lo, yv, ypos
                if re.search(r"(?<![a-z])(?:between|from)\s*(?:\$|€|£)?\s*$", pre):
                    cur_s = min(cur_s, pre_lo + re.search(r"(?<![a-z])(?:between|from)\s*(?:\$|€|£)?\s*$",
                                                          pre).start())
        # --- a name's number ("Model 3", "iPhone 15", "Windows 11") counts nothing
        if kind == "number" and x.plain and re.search(r"[A-Za-z]-?$|#$|(?<![A-Za-z])No\.?\s*$", orig[max(0, s - 4):s]):
            kind = "name"  # COVID-19, F-35, G20, A380: a code; "No 10", "#3": a serial number
        if kind == "number" and x.plain and x.value < 10000 and g.re_name_before.search(orig[max(0, s - 30):s]):
            w0 = g.re_name_before.search(orig[max(0, s - 30):s]).group(1).lower()
            if w0 not in g.stop and w0 not in g.cur_pre and w0 not in g.units and w0 not in g.months and \
                    not g.re_qual_pre.search(w0 + " ") and w0 not in lex.age_pre["en"]:
                kind = "name"
        # --- a number that labels a step of a sequence ("day 3 of the trial", "round 5", "week 2") counts nothing:
        # an ordinal as 第3天 says it (label_noun in the lexicon); "day 3 million" or "3 days" are no labels
        got = None
        if kind == "number" and x.plain and g.re_label_before is not None and \
                g.re_label_before.search(low, max(0, s - 16), s):
            got = _counted(g, low, orig, pos)
            if not got:
                kind = "name"
        # --- count: the noun counted ("150 million U.S. users", "one million active sellers")
        if kind == "number":
            got = got or _counted(g, low, orig, pos)
            mq = g.re_qual_post.match(low, pos) if not got else None
            if mq and lex.qualifier_post["en"][re.sub(r"\s+", " ", mq.group(1))] in ("at_least", "at_most"):
                got = _counted(g, low, orig, mq.end())  # "500 or more visitors"
                if got:
                    qual = lex.qualifier_post["en"][re.sub(r"\s+", " ", mq.group(1))]
            mt = g.re_times.match(low, pos) if not got else None
            if mt:  # "visited three times", "10 times a day": how often (三次); "three times as many" is a ratio
                got = ("time", mt.end())
            if got:
                kind, unit, pos = "count", got[0], got[1]
            elif x.plain and 1000 <= x.value <= 2100 and re.fullmatch(r"\d{4}", low[s:e]):
                kind, unit = "date", "year"
            else:
                # the noun left out: nothing or a function word after the number ("more than 125 in 30 minutes",
                # "kills 1, traps 5", "nearly 300 were evacuated")
                elided = g.re_elided_next.match(low, pos) is not None
                age_be = g.re_age_be.search(orig[max(0, s - 40):s]) if elided else None
                # "Kayla Ruliffson, 20, promotes ...": a name, then an age between commas
                # (or a noun for a person: "the victim, 23, died", "his wife, 29,": age_person in the lexicon)
                if x.plain and 0 < x.value < 120 and re.match(r"\s*,", low[e:e + 3]) and \
                        (re.search(r"[A-Z][a-z]+\s*,\s*$", orig[max(0, s - 40):s]) or
                         (g.re_age_person is not None and g.re_age_person.search(low, max(0, s - 40), s))) and \
                        not re.search(r"\d\s*,\s*[A-Za-z]+\s*,\s*$", orig[max(0, s - 40):s]):
                    kind, unit = "age", "year"
                elif age_be and not (age_be.group(1) and age_be.group(1).lower() in g.stop) and x.plain and \
                        x.value == int(x.value) and 0 < x.value < 120:
                    kind, unit = "age", "year"  # "Yahya was just 18", "she turned 40"
                elif prev_count[0] and (x.scaled or x.value >= 1000 or elided) and prev_count[0][1] > s - 160 and \
                        not re.search(r"[.;!?]", low[prev_count[0][1]:s]):
                    # the noun of the sentence's last count: "1.76 million cars, compared with 1.79 million";
                    # "up to 96 samples ..., the new one more than 125 in 30 minutes"
                    kind, unit = "count", prev_count[0][0]
                else:
                    k = bisect.bisect_left(noun_of, s) - 1
                    m = g.re_noun_of.match(low, noun_of[k]) if k >= 0 and noun_of[k] > s - 200 else None
                    if m and (x.scaled or x.value >= 100) and not re.search(r"[.;!?]", low[m.end():s]):
                        w = m.group(1)
                        u = lex.noun["en"].get(w) or _singular(w)
                        kind, unit = "count", u
                    elif elided:
                        # "two of the suspects", "three of them": the noun follows the partitive "of"
                        mp = g.re_partitive.match(low, pos)
                        got = ((_counted(g, low, orig, mp.end()) or (None,))[:1] if mp else
                               _elided_count(g, low, cur_s, pos, x))
                        if got:
                            kind, unit = "count", got[0]
        if kind == "money":
            value *= factor
            vmax = vmax * factor if vmax is not None else None
        # --- qualifier before (up to the currency), under negation
        qpre = low[max(0, cur_s - 32):cur_s]
        m = g.re_qual_pre.search(qpre)
        if m:
            qual = lex.qualifier_pre["en"][re.sub(r"\s+", " ", m.group(1))]
            cur_s = cur_s - len(qpre) + m.start()
            if g.re_neg.search(low[max(0, cur_s - 40):cur_s]) and qual in NEGATE:
                qual = NEGATE[qual]
        m = g.re_qual_post.match(low, pos)
        if m:
            q2 = lex.qualifier_post["en"][re.sub(r"\s+", " ", m.group(1))]
            if q2 == "or_equal":
                qual = {"more_than": "at_least", "less_than": "at_most"}.get(qual, qual)
            elif q2 in ("at_least", "at_most") and m.group(1).startswith("or") and qual == "more_than" and \
                    m.group(1).endswith("than"):
                qual = "at_least"
            else:
                qual = q2
            pos = m.end()
            if q2 in ("at_least", "at_most", "or_equal"):
                m2 = re.match(r"\s*(?:than|equal\s+to\s+it|equal\s+to|equal)(?![a-z])", low[pos:pos + 20])
                if m2 and not (q2 != "or_equal" and "equal" in m2.group()):
                    pos += m2.end()
        # --- the rate's period ("a day", "per month"; further on: "... every day")
        if kind in ("money", "count", "duration", "percent", "number"):
            m = g.re_period.match(low, pos)
            if m:
                period = g.period.get(re.sub(r"\s+", " ", m.group(1)))
                pos = m.end()
                taken.append((m.start(1), m.end(1)))
            elif kind != "number":
                stop = g.re_stop_far.search(low, pos, min(len(low), pos + 200))
                limit = stop.start() if stop else min(len(low), pos + 200)
                window = low[pos:limit]
                if len(window.split()) > settings.claims_period_window:
                    window = " ".join(window.split()[:settings.claims_period_window])
                mf = g.re_period_far.search(window)
                if mf:
                    period = next(p for p in mf.groups() if p)
                    period = {"daily": "day", "weekly": "week", "monthly": "month", "annually": "year",
                              "yearly": "year"}.get(period, period)
                    taken.append((pos + mf.start(), pos + mf.end()))
        if kind == "count" and x.article:
            continue
        if kind == "count" and not x.digits and x.value == 1 and qual == "exact" and not x.scaled:
            continue  # "one of", "one person": an article, not a figure
        if kind == "name":
            kind = "number"
        if kind == "number" and not all_numbers:
            continue
        if kind == "number":  # a bare number: its span is the number (with its bound or range), no unit or rate
            end = max(e, pos) if qual != "exact" or vmax is not None else e
            claim = make_claim(norm, "en", cur_s, end, kind, value, None, qual, None, vmax, dur_unit)
        else:
            claim = make_claim(norm, "en", cur_s, pos, kind, value, unit, qual, period, vmax, dur_unit)
        if kind == "count":
            prev_count[0] = (unit, pos)
        if kind != "number":
            taken.append((cur_s, pos))
        claims.append((cur_s, claim))
        last_end[0] = max(last_end[0], pos if kind != "number" else e)
        k = idx + 1
        while k < len(nums) and nums[k].start < last_end[0]:
            used[k] = True  # inside this claim ("75 USD million")
            k += 1
    # --- durations without digits: "a week", "an hour and a half", "half year", "all day", "another month"
    taken.sort()
    tstarts = [a for a, _ in taken]
    tends = list(itertools.accumulate((b for _, b in taken), max))  # furthest end among spans so far

    def overlaps(s: int, e: int) -> bool:
        k = bisect.bisect_left(tstarts, e) - 1  # spans starting before e
        return k >= 0 and tends[k] > s

    # "twice", "thrice": how often, as "two times" ("twice as many" is a ratio); "both companies", "both of them": two
    for m in g.re_twice.finditer(low):
        s, e = m.start(), m.end()
        if overlaps(s, e):
            continue
        v, unit = {"twice": (2.0, "time"), "thrice": (3.0, "time")}.get(m.group(1), (2.0, None))
        if m.group(1) == "both":
            got = _counted(g, low, orig, e)
            mo = re.match(r"\s+of\s+(?:them|us|you)(?![a-z])", low[e:e + 16])
            if not got and not mo:
                continue
            unit, e = (got[0], got[1]) if got else (None, e + mo.end())
        period = None
        mp = g.re_period.match(low, e)
        if unit == "time" and mp:
            period, e = g.period.get(re.sub(r"\s+", " ", mp.group(1))), mp.end()
        taken.append((s, e))
        claims.append((s, make_claim(norm, "en", s, e, "count", v, unit, "exact", period, None, dur_unit)))
    taken.sort()
    tstarts = [a for a, _ in taken]
    tends = list(itertools.accumulate((b for _, b in taken), max))
    for m in g.re_bare_dur.finditer(low):
        s, e = m.start(), m.end()
        if overlaps(s, e):
            continue
        mb = g.re_dur_block.search(low[max(0, s - 12):s])
        if mb and not (mb.group().strip() == "last" and m.group(1) in ("a", "an", "another")):
            continue  # "last full year", "every half hour"; but "will last a week": the verb, then a duration
        w = re.sub(r"\s+", " ", m.group(1))
        u = g.time_unit[re.sub(r"\s+", " ", m.group(2))]
        if u == "second" and m.group(2) in ("s",):
            continue
        if m.group(2) == "second":  # "a second factory", "another second term": an ordinal before a noun
            mn = re.match(r"\s*-?\s*([a-z]+)", low[e:e + 30])
            if mn and mn.group(1) not in lex.dur_follow and mn.group(1) not in g.stop:
                continue
        v = {"half": 0.5, "half a": 0.5, "half an": 0.5, "a couple of": 2, "couple of": 2}.get(w, 1.0)
        if m.group(3):
            v += 0.5
        qual = "exact"
        qs = s
        mq = g.re_qual_pre.search(low[max(0, s - 60):s])
        if mq:
            qual = lex.qualifier_pre["en"][re.sub(r"\s+", " ", mq.group(1))]
            qs = max(0, s - 60) + mq.start()
        e2 = e
        mq2 = g.re_qual_post.match(low, e)
        if mq2 and lex.qualifier_post["en"][re.sub(r"\s+", " ", mq2.group(1))] in ("at_least", "at_most"):
            qual = lex.qualifier_post["en"][re.sub(r"\s+", " ", mq2.group(1))]
            e2 = mq2.end()
        taken.append((s, e2))
        claims.append((qs, make_claim(norm, "en", qs, e2, "duration", v, u, qual, None, None, dur_unit)))
    # "over the past decade", "in the last year": one unit of time back from now (去年 / last year is a date)
    for m in g.re_past_dur.finditer(low):
        s, e = m.start(), m.end()
        if overlaps(s, e):
            continue
        u = g.time_unit[m.group(1)]
        taken.append((s, e))
        claims.append((s, make_claim(norm, "en", s, e, "duration", 1.0, u, "exact", None, None, dur_unit)))
    # a number read inside a duration written in words ("a half" of "an hour and a half") is part of it
    durs = sorted((c.start, c.end) for _, c in claims if c.kind == "duration")
    dstarts = [a for a, _ in durs]
    dends = list(itertools.accumulate((b for _, b in durs), max))

    def inside_duration(c: Claim) -> bool:
        k = bisect.bisect_right(dstarts, c.start) - 1
        return k >= 0 and dends[k] >= c.end and (c.start, c.end) not in set(durs[k:k + 1])

    claims = [(k, c) for k, c in claims if c.kind != "number" or not inside_duration(c)]
    claims.sort(key=lambda t: t[0])
    return [c for _, c in claims]


def _elided_count(g: English, low: str, s: int, pos: int, x) -> Optional[tuple[Optional[str]]]:
    """A bare number that stands for a noun phrase whose noun is left out, as (unit,), or None.

    It counts people after a verb such as "kills" or "evacuated" ("kills 1, traps 5", "evacuated at least 300");
    it counts what it does not name (unit None) after a bound ("around 10,000", "more than 50"), before a verb
    ("100 have applied", "40 were arrested"), or with a scale ("2 million"). Called only when no noun follows.
    """
    if x.plain and 1000 <= x.value <= 2100:
        return None  # a year
    lead = s
    mq = g.re_qual_pre.search(low[max(0, s - 32):s])
    bound = mq is not None and g.lex.qualifier_pre["en"][re.sub(r"\s+", " ", mq.group(1))] != "exact"
    if mq:
        lead = s - len(low[max(0, s - 32):s]) + mq.start()
    mv = g.re_elided_verb.search(low[max(0, lead - 40):lead])
    if mv:
        return (g.lex.elided_verb[re.sub(r"\s+", " ", mv.group(1))],)
    if bound or x.scaled or g.re_elided_after.match(low, pos):
        return (None,)
    return None


#: a compound noun whose head comes first and takes the plural: passers-by, sons-in-law, runners-up, lookers-on,
#: attorneys-general, commanders-in-chief
HEAD_PLURAL = re.compile(r"([a-z]{3,}s)(-(?:by|in-law|up|on|in-chief|general|at-arms|of-war))")


def _counted(g: English, low: str, orig: str, pos: int) -> Optional[tuple[str, int]]:
    """The counted noun after ``pos``: up to three modifier words may come first ("U.S.", "active", "TikTok").

    Returns (unit, end) or None. A plural word right after the number that the lexicon does not know counts too,
    singularized.
    """
    nouns = g.lex.noun["en"]
    p = pos
    names = 0  # capitalized words of a name among the modifiers ("four Lockheed Martin combat frigates")
    for step in range(6):
        if step - names >= 4:
            return None
        m = re.match(r"(\s*-?\s*)((?:[a-z]\.){2,}|[a-z]+(?:-[a-z]+)*)", low[p:p + 40])
        if not m or "\n" in m.group(1):
            return None
        w = m.group(2)
        if step == 0 and not m.group(1) and low[p - 1:p].isdigit():
            # a measure written onto the digits ("20cm", "85mph"); any other letters there are a code or a scale
            return (nouns[w], p + m.end()) if w in nouns and len(w) > 1 else None
        if w in g.units or w in g.lex.fraction:
            return None  # another number ("twenty twenty fifths")
        if w in g.lex.count_modifier and not re.match(r"\s+than(?![a-z])", low[p + m.end():p + m.end() + 8]):
            p += m.end()  # "23 new licenses", "81 more approvals", "six different states"
            continue
        mp = g.re_noun_phrase.match(low, p + len(m.group(1)))
        if mp:  # "square meters", "square feet"
            return nouns[re.sub(r"\s+", " ", mp.group(1))], mp.end()
        if w in nouns:
            if w in NOUN_MODIFIERS and not m.group(1).strip() and \
                    re.match(r"\s+[a-z]{3,}s(?![a-z])", low[p + m.end():p + m.end() + 24]):
                p += m.end()  # "15 member states": the singular noun modifies the plural one that is counted
                continue
            return nouns[w], p + m.end()
        if w.split("-")[-1] in nouns and step == 0:
            return nouns[w.split("-")[-1]], p + m.end()
        head = HEAD_PLURAL.fullmatch(w)
        if head and step - names <= 2:  # "two passers-by", "three sons-in-law": the plural is on the head
            return _singular(head.group(1)) + head.group(2), p + m.end()
        if w in g.stop or w in g.time_unit or w in g.scales or w in g.lex.currency_post["en"]:
            return None
        # an unknown plural counts: right after the number, or after modifiers ("23 new licenses", "four combat
        # frigates"); a capitalized word before it is a name and stays a modifier
        cap = orig[p + len(m.group(1)):p + len(m.group(1)) + 1].isupper()
        # "-is" is a singular ending (crisis, analysis) except in demonyms, which are capitalized: "three Israelis"
        if step - names <= 2 and len(w) > 3 and w.endswith("s") and \
                not w.endswith(("ss", "us", "as", "os")) and (not w.endswith("is") or (cap and len(w) > 5)) and \
                w.isalpha() and (step == 0 or orig[p + len(m.group(1)):p + len(m.group(1)) + 1].islower()) and \
                not re.match(r"[A-Z][a-z]*\s+[A-Z]", orig[p + len(m.group(1)):p + m.end() + 4]):
            nxt = re.match(r"\s+([a-z]+)", low[p + m.end():p + m.end() + 20])
            if not (nxt and nxt.group(1) in nouns):
                return (w[:-1] if w.endswith("is") else _singular(w)), p + m.end()
        men = _men_plural(w) if step - names <= 2 else None
        if men and (step == 0 or not cap):
            return men, p + m.end()  # "two men", "three armed gunmen"; not a name ("two Bowmen")
        if step > 0 and cap:
            names += 1
        p += m.end()
    return None


def time_references(text: str, settings: Settings = DEFAULT) -> list[tuple[str, int, str]]:
    """Deictic time references ("this week", "last year"): (unit, offset, surface).

    >>> time_references("Amazon this week said sales rose last year.")
    [('week', 0, 'this week'), ('year', -1, 'last year')]
    """
    g = grammar(settings)
    low = normalized(text).low
    out = []
    for m in g.re_timeref.finditer(low):
        val = g.lex.timeref["en"][re.sub(r"\s+", " ", m.group(1))]
        unit, off = val.split(":")
        out.append((unit, int(off), m.group(1)))
    return out

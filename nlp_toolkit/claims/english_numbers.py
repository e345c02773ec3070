"""English numbers for the claims extractor: the lexicon compiled into the patterns the extractor matches around
a number, and the number reader itself.

:class:`English` holds, for one lexicon (``models/claim_words.tsv``, ``claim_units.tsv``, ``claim_currencies.tsv``
and the word lists ``en_claim_stopwords.txt`` / ``en_months.txt``), the compiled patterns of currencies,
qualifiers, negations, units, periods and counted nouns, and :meth:`English.numbers` finds the numbers of
normalized, lower-cased text: digits ("1,300", "2.5e6"), word numbers ("twenty-one trillion and three hundred",
"two and a half", "three fifths"), scales ("$1.5 billion", "10k") and ranges inside a number. What a number
counts is :mod:`.english`'s work. :func:`grammar` gives one instance per lexicon per process.

>>> [(n.value, n.scaled) for n in grammar().numbers("twenty-one trillion and three hundred, 10k")]
[(21000000000300.0, True), (10000.0, True)]
"""

from __future__ import annotations

import functools
import re
from typing import Optional

from ..resources import read_lines
from ..settings import DEFAULT, Settings
from .base import LastTexts, Num
from .lexicon import ClaimLexicon, alternation

TOKEN = re.compile(
    r"(?P<num>\d+(?:\.\d+)?e[+-]?\d+(?![a-z])|\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?|\.\d+)"
    r"|(?P<abbr>(?:[a-z]\.){2,})|(?P<word>[a-z]+)|(?P<sym>\S)")


#: stopwords after which a bare number is no noun phrase: a multiplier ("5 times"), a rate or a score ("3 to 1")
ELIDED_NOT = frozenset({"times", "per", "than", "versus", "vs", "to", "up", "total", "top", "over", "under"})


class English:
    """Compiled patterns over one lexicon."""

    def __init__(self, lex: ClaimLexicon):
        self.lex = lex
        self._recent = LastTexts()
        en = "en"
        #: words that never sit between a number and the noun it counts; month names (models/)
        self.stop = frozenset(read_lines("en_claim_stopwords.txt"))
        self.months = frozenset(read_lines("en_months.txt"))
        self.units = {k: v for k, v in lex.number[en].items()}
        self.scales = dict(lex.scale[en])
        #: the tokens a number may begin with besides digits (see _parse: a sign, a number word, a scale, "a"
        #: before a scale or fraction, "half"/"quarter" before a scale)
        self._starters = frozenset(self.units) | frozenset(self.scales) | {
            "a", "an", "half", "quarter", "minus", "negative", "-", "−"}
        cur_pre = dict(lex.currency_pre[en])
        self.cur_pre = cur_pre
        pre_alts = []
        for w in cur_pre:
            if w.endswith("$") and len(w) > 1 and w[:-1] not in self.stop and len(w[:-1].strip(".")) > 0 and \
                    w[:-1] != "s":  # "c $", "us $" as tokenized text writes them; not "a $9", "it's $5"
                # a letter prefix is a word of its own: "spent $3bn" is no "nt $" (New Taiwan dollars)
                pre_alts.append(r"(?<![a-z])" + re.escape(w[:-1]) + r"\s*\$")
            else:
                pre_alts.append(alternation([w], boundary=True))
        self.re_cur_pre = re.compile(r"(?:" + "|".join(sorted(pre_alts, key=len, reverse=True)) + r")\s*$")
        iso = "|".join(sorted(lex.iso, key=len, reverse=True))
        self.re_mcur_pre = re.compile(r"(?<![a-z])m(" + iso + r")\s*$")
        self.re_mcur_post = re.compile(r"\s*m(" + iso + r")(?![a-z])")
        self.re_cur_post = re.compile(r"\s*-?\s*(" + alternation(lex.currency_post[en], boundary=True) + r")")
        self.re_qual_pre = re.compile(r"(" + alternation(lex.qualifier_pre[en], boundary=True) + r")\s*$")
        self.re_qual_post = re.compile(r"\s*(" + alternation(lex.qualifier_post[en], boundary=True) + r")")
        self.re_neg = re.compile(r"(?<![a-z])(?:" + alternation(lex.negation[en]) + r")(?![a-z])[^.;:!?,\d]{0,30}$")
        self.re_percent = re.compile(r"\s*(%|percentage\s+points?|percent(?:age)?s?(?:\s+points?)?|per\s*cents?|pct)"
                                     r"(?![a-z])")
        age_alts = [r"\s*-\s*".join(r"\s*".join(re.escape(p) for p in part.split(" ")) for part in w.split(" - "))
                    for w in sorted(lex.age_post[en], key=len, reverse=True)]
        self.age_post = {re.sub(r"\s+", "", w): u for w, u in lex.age_post[en].items()}
        self.re_age_post = re.compile(r"\s*-?\s*(" + "|".join(age_alts) + r")(?![a-z])")
        self.re_age_pre = re.compile(r"(?<![a-z])(" + alternation(lex.age_pre[en], boundary=True) + r")\s*$")
        tu = lex.time_unit[en]
        self.time_unit = tu
        spaced = [w for w in tu if lex.time_unit_flag[en].get(w) != "attach"]
        self.re_unit = re.compile(r"\s*-?\s*(" + alternation(spaced, boundary=True) + r")(?![a-z])")
        self.re_unit_attached = re.compile(r"(" + alternation(tu, boundary=False) + r")(?![a-z])")
        per = lex.period[en]
        self.period = {re.sub(r"\s+", " ", w): p for w, p in per.items()}
        self.re_period = re.compile(r"\s*(" + alternation([w for w in per if "-" not in w], boundary=True)
                                    + r")(?!\s*(?:earlier|ago|later|old|of|or))(?![a-z])")
        self.re_period_far = re.compile(
            r"(?<![a-z])(?:(?:every|each|per)\s+(day|week|month|year)|(daily|weekly|monthly|annually|yearly)"
            r"|on\s+an\s+average\s+(day|week|month|year))(?![a-z])")
        self.re_stop_far = re.compile(r"[.;:!?]|\d|,\s*(?:and|but|which|who|while|although|so|because)\b")
        self.re_ratio = re.compile(r"\s+(?:over|out\s+of)\s+")
        self.re_noun_phrase = re.compile(r"(" + alternation([w for w in lex.noun[en] if " " in w], boundary=True)
                                         + r")(?![a-z])")
        self.re_name_before = re.compile(r"(?<![A-Za-z.])((?:[A-Z][A-Za-z]*|[a-z]+[A-Z][A-Za-z]*))\s$")
        self.re_range = re.compile(r"\s*(to|through|thru|-|–|—|and|or)\s*")
        self.re_noun_of = re.compile(r"(?<![a-z])number\s+of\s+([a-z]+)")
        self.re_bare_dur = re.compile(
            r"(?<![a-z])(an?|another|half\s+an?|half|all|full|a\s+couple\s+of|couple\s+of)\s*-?\s*("
            + alternation(spaced, boundary=True) + r")(?![a-z])(\s+and\s+a\s+half)?")
        self.re_dur_block = re.compile(r"(?<![a-z])(?:every|each|per|this|last|next|that|the|same|a|of)\s*$")
        # a bare number standing for a noun phrase: its verb before ("kills 1"), a verb or the clause's end after
        self.re_elided_verb = re.compile(r"(?<![a-z])(" + alternation(lex.elided_verb, boundary=True) + r")\s*$")
        self.re_elided_next = re.compile(
            r"\s*(?:$|[,;:!?)\]\"'\u201d\u2019\u2014\u2013]|\.(?!\d)|-\s|(?:"
            + alternation(lex.elided_after | (self.stop - ELIDED_NOT), boundary=True) + r")(?![a-z]))")
        self.re_elided_after = re.compile(r"\s*(?:" + alternation(lex.elided_after, boundary=True) + r")(?![a-z])")
        # a person, then a verb joining a bare age to them ("Yahya was just 18", "she turned 40"): run on the
        # original case, so that a capitalized name is told from a noun ("the score was 18" is no age)
        self.re_age_be = re.compile(
            r"(?:(?<![A-Za-z])(?:[Hh]e|[Ss]he|I|[Yy]ou|[Ww]e|[Tt]hey)|(?<![A-Za-z])([A-Z][a-z]+)(?:'s)?)\s+(?:"
            + alternation(lex.age_be, boundary=True) + r")\s+(?:just|only|barely|nearly|almost|about|around|"
            r"aged\s+)?\s*$")
        # a noun whose number after it labels a step of a sequence ("day 3", "round 5")
        self.re_label_before = re.compile(r"(?<![a-z])(?:" + alternation(lex.label_noun, boundary=True)
                                          + r")\s+$") if lex.label_noun else None
        # a noun for a person, then an age between commas ("the victim, 23, died"; a name: see english.py)
        self.re_age_person = re.compile(r"(?<![a-z])(?:" + alternation(lex.age_person, boundary=True)
                                        + r")\s*,\s*$") if lex.age_person else None
        ratio_next = r"(?!\s+(?:as|more|less|fewer|larger|bigger|higher|greater|faster|smaller|lower|than|that|the|over)(?![a-z]))"
        self.re_times = re.compile(r"\s*times(?![a-z])" + ratio_next)
        self.re_twice = re.compile(r"(?<![a-z])(twice|thrice|both)(?![a-z])" + ratio_next)
        self.re_partitive = re.compile(r"\s+of\s+(?:the|these|those|them|us|whom|which|its|his|her|their|our)"
                                       r"(?![a-z])")
        self.re_age_decade = re.compile(r"(?<![a-z])in\s+(?:his|her|their|my|your|our)\s+"
                                        r"((?:(?:early|mid|late)\s*-?\s*)?)$")
        singular = [w for w, u in tu.items() if w == u]  # "year", "decade": the unit's own name
        # "over the past year", "in the last month", "over the previous month": a length of time; "the previous
        # day/year" without "over", "in", "during"... is a point in time (前一天, 上一年: "up 5% from the previous year")
        self.re_past_dur = re.compile(r"(?<![a-z])(?:the\s+(?:past|last)|(?:(?<=over )|(?<=during )|(?<=in )|"
                                      r"(?<=for )|(?<=within )|(?<=throughout ))the\s+previous)\s+(" +
                                      alternation(singular) + r")(?![a-z])")
        self.re_timeref = re.compile(r"(?<![a-z])(" + alternation(lex.timeref[en], boundary=True) + r")(?![a-z])")

    # ---------------------------------------------------------------------------------------------------------
    def numbers(self, low: str) -> list[Num]:
        """Every number in ``low`` (normalized, lower-cased text), left to right, not overlapping."""
        return list(self._recent.get(low, self._numbers))

    def _numbers(self, low: str) -> list[Num]:
        toks = [(m.lastgroup, m.group(), m.start(), m.end()) for m in TOKEN.finditer(low)]
        out: list[Num] = []
        i, n = 0, len(toks)
        starts = self._starters
        while i < n:
            if toks[i][0] != "num" and toks[i][1] not in starts:
                i += 1  # no number begins with this token: _parse would return None
                continue
            got = self._parse(toks, i, low)
            if got is None:
                i += 1
                continue
            num, j = got
            out.append(num)
            i = j
        return out

    def _is_numword(self, t) -> bool:
        return t[0] == "num" or (t[0] == "word" and (t[1] in self.units or t[1] in self.scales))

    def _parse(self, toks, i, low) -> Optional[tuple[Num, int]]:
        n = len(toks)
        kind, text, s, e = toks[i]
        neg = False
        j = i
        if text in ("minus", "negative") and j + 1 < n and self._is_numword(toks[j + 1]):
            neg, j = True, j + 1
        # a minus sign is written against its digits, or at most a space from them where no word precedes it:
        # after a word ("heart-breaking - 23 million people", "mid - 1972") a spaced hyphen is a dash
        elif text in ("-", "−") and j + 1 < n and toks[j + 1][0] == "num" and (toks[j + 1][2] == e or (
                toks[j + 1][2] - e <= 1 and (i == 0 or toks[i - 1][0] == "sym"))) and \
                not (s > 0 and low[s - 1].isalnum()) and (  # COVID-19, A-1: a hyphen, not a sign
                i == 0 or toks[i - 1][0] == "sym" and toks[i - 1][1] not in ")]%$" or
                toks[i - 1][0] == "word" and toks[i - 1][1] not in self.units and toks[i - 1][1] not in self.scales):
            neg, j = True, j + 1
        start = s
        total = 0.0  # completed groups (above a thousand)
        cur = 0.0  # the group being read
        last = None  # what the previous token was: digit unit tens hundred scale fraction point
        digits = False
        scaled = False
        plain = False
        article = False
        last_scale = 1.0
        end_tok = None  # index after the last token that completes a number
        k = j
        while k < n:
            kind, text, ts, te = toks[k]
            gap = low[toks[k - 1][3]:ts] if k > j else ""
            if k > j and (gap.strip() or "\n" in gap):
                break
            if kind == "num":
                if last is None:
                    v, plain = self._numval(text), ("," not in text and "." not in text and "e" not in text)
                    cur, digits, last = v, True, "digit"
                    k2 = self._num_tail(toks, k, low)
                    if k2 is not None:  # fraction, power, space-grouped thousands, suffix scale
                        cur, k, plain, sc = k2
                        if sc:
                            scaled, last_scale = True, sc
                            total, cur = total + cur, 0.0
                            last = "scale"
                        end_tok = k + 1
                        k += 1
                        continue
                    end_tok = k + 1
                elif last in ("hundred", "scale") and "." not in text and "," not in text and \
                        self._numval(text) < min(last_scale, 1000):
                    cur += self._numval(text)
                    last, digits = "digit", True
                    end_tok = k + 1
                else:
                    break
            elif kind == "word" and text in self.units:
                v = self.units[text]
                if text == "couple" and not (k + 1 < n and toks[k + 1][1] == "of"):
                    break
                if last is None:
                    cur = v
                elif last == "tens" and v < 10 and cur % 10 == 0:
                    cur += v
                elif last in ("hundred", "scale") and v < 100:
                    cur += v
                else:
                    break
                last = "tens" if (v >= 20 and v % 10 == 0) else "unit"
                end_tok = k + 1
                if text == "couple":
                    end_tok = k + 2  # "couple of"
                    k += 1
            elif kind == "word" and text in ("a", "an") and last is None and k + 1 < n and (
                    toks[k + 1][1] in self.scales and toks[k + 1][1] not in self.lex.attach_scale or
                    toks[k + 1][1] in self.lex.fraction and toks[k + 1][1] not in ("quarter", "quarters")):
                cur, last, article = 1.0, "unit", True
            elif kind == "word" and text in self.scales and not (text in self.lex.attach_scale):
                sc = self.scales[text]
                if last is None:
                    if sc < 100 or text.endswith("s"):
                        break  # "dozens", "thousands" alone are no number
                    cur = 1.0
                if sc == 100:
                    if cur >= 100 or last == "hundred":
                        break
                    cur = (cur or 1.0) * 100
                    last = "hundred"
                else:
                    if cur == 0 and total > 0:
                        total *= sc
                    else:
                        total += (cur or 1.0) * sc
                    cur = 0.0
                    last = "scale"
                scaled, last_scale = True, sc
                end_tok = k + 1
            elif kind == "word" and text in self.lex.attach_scale and last == "digit" and \
                    (ts == toks[k - 1][3] or text == "k" or len(text) > 2) and not (k + 1 < n and toks[k + 1][0] == "word" and
                                                                  toks[k + 1][2] == te):
                sc = self.lex.attach_scale[text]
                total += cur * sc
                cur, last, scaled, last_scale, plain = 0.0, "scale", True, sc, False
                end_tok = k + 1
            elif kind == "word" and text in self.lex.fraction and last is not None and last != "fraction":
                d = self.lex.fraction[text]
                frac = cur / d
                cur = 0.0
                # "three quarters billion": the fraction multiplies a following scale
                if k + 1 < n and toks[k + 1][1] in self.scales and self.scales[toks[k + 1][1]] >= 1000:
                    sc = self.scales[toks[k + 1][1]]
                    total += frac * sc
                    scaled, last_scale = True, sc
                    k += 1
                else:
                    total += frac
                last = "fraction"
                end_tok = k + 1
            elif kind == "word" and text in ("half", "quarter") and last is None:
                if k + 1 < n and toks[k + 1][1] in self.scales and self.scales[toks[k + 1][1]] >= 1000:
                    sc = self.scales[toks[k + 1][1]]
                    total += sc / self.lex.fraction[text]
                    scaled, last_scale, last = True, sc, "scale"
                    end_tok = k + 2
                    k += 1
                else:
                    break
            elif kind == "word" and text == "and" and last is not None and last != "fraction":
                add = self._and_fraction(toks, k + 1, low)
                if add is not None:
                    fv, k2, sc = add
                    if sc and last == "scale":  # "one billion and a half million"
                        total += fv * sc
                    elif sc:  # "two and a half thousand"
                        total, cur = total + (cur + fv) * sc, 0.0
                        scaled, last_scale = True, sc
                    elif last == "scale" and last_scale >= 1000:
                        total += fv * last_scale
                    else:
                        cur += fv
                    last = "fraction"
                    end_tok = k2
                    k = k2
                    continue
                if k + 1 < n and last in ("hundred", "scale") and toks[k + 1][0] in ("word", "num") and (
                        toks[k + 1][1] in self.units or toks[k + 1][0] == "num"):
                    k += 1
                    continue
                break
            elif kind == "sym" and text in "-–" and k + 1 < n and (last == "tens" and toks[k + 1][1] in self.units or
                                                                  last in ("unit", "tens") and
                                                                  toks[k + 1][1] in self.lex.fraction):
                k += 1
                continue
            elif kind == "word" and text == "point" and last is not None and k + 1 < n:
                dig, k2 = self._point_digits(toks, k + 1, low)
                if not dig:
                    break
                cur += float("0." + dig)
                last = "point"
                end_tok = k2
                k = k2
                continue
            else:
                break
            k += 1
        if end_tok is None:
            return None
        value = total + cur
        # "a" before a scale only counts when the scale came
        if article and not scaled and last != "fraction":
            return None
        end = toks[end_tok - 1][3]
        if neg:
            value = -value
        num = Num(start, end, value, digits=digits, plain=plain and not scaled and not neg, scaled=scaled,
                  scale=last_scale if scaled else 1.0)
        num.article = article
        return num, end_tok

    @staticmethod
    def _numval(text: str) -> float:
        return float(text.replace(",", ""))

    def _num_tail(self, toks, k, low):
        """What follows a digit token: a fraction (1/2, 2 1/4), a power (1.1^23, 1.3x10^6), grouping (40 000),
        a suffix scale (10k). Returns (value, last token index, plain, scale) or None."""
        n = len(toks)
        t = toks[k]
        v = self._numval(t[1])

        def adj(a, b):
            return a < n and b < n and toks[a][3] == toks[b][2]

        # mixed fraction "2 1/4" / plain fraction "1/2"
        if k + 3 < n and toks[k + 1][0] == "num" and toks[k + 2][1] in ("/", "⁄") and toks[k + 3][0] == "num" and \
                adj(k + 1, k + 2) and adj(k + 2, k + 3) and low[t[3]:toks[k + 1][2]].strip() == "" and \
                not (k + 4 < n and toks[k + 4][1] == "/" and adj(k + 3, k + 4)):
            den = self._numval(toks[k + 3][1])
            if den:
                return v + self._numval(toks[k + 1][1]) / den, k + 3, False, 0
        if k + 2 < n and toks[k + 1][1] in ("/", "⁄") and toks[k + 2][0] == "num" and adj(k, k + 1) and adj(k + 1, k + 2) \
                and not (k + 3 < n and toks[k + 3][1] == "/" and adj(k + 2, k + 3)):
            den = self._numval(toks[k + 2][1])
            if den and not (k > 0 and toks[k - 1][1] == "/" and toks[k - 1][3] == t[2]):
                return v / den, k + 2, False, 0
        # powers
        if k + 2 < n and toks[k + 1][1] == "^" and adj(k, k + 1):
            j = k + 2
            sign = 1
            while j < n and toks[j][1] in "+-" and toks[j][0] == "sym":
                sign = -sign if toks[j][1] == "-" else sign
                j += 1
            if j < n and toks[j][0] == "num":
                try:
                    return v ** (sign * self._numval(toks[j][1])), j, False, 0
                except (OverflowError, ZeroDivisionError):
                    return None
        if k + 4 < n and toks[k + 1][1] == "x" and toks[k + 2][1] == "10" and toks[k + 3][1] == "^" and \
                adj(k, k + 1) and adj(k + 1, k + 2):
            j = k + 4
            sign = 1
            while j < n and toks[j][0] == "sym" and toks[j][1] in "+-":
                sign = -sign if toks[j][1] == "-" else sign
                j += 1
            if j < n and toks[j][0] == "num":
                return v * 10 ** (sign * self._numval(toks[j][1])), j, False, 0
        # space-grouped thousands "40 000"
        if k + 1 < n and toks[k + 1][0] == "num" and re.fullmatch(r"\d{1,3}", t[1]) and \
                re.fullmatch(r"\d{3}", toks[k + 1][1]) and low[t[3]:toks[k + 1][2]] == " " and \
                not (k + 2 < n and toks[k + 2][1] in ("/", ".", ",")):
            j, val = k + 1, v * 1000 + self._numval(toks[k + 1][1])
            while j + 1 < n and toks[j + 1][0] == "num" and re.fullmatch(r"\d{3}", toks[j + 1][1]) and \
                    low[toks[j][3]:toks[j + 1][2]] == " ":
                j += 1
                val = val * 1000 + self._numval(toks[j][1])
            return val, j, False, 0
        return None

    def _and_fraction(self, toks, k, low):
        """After "and": "a half", "a quarter", "three fifths" (+ optional scale). (value, next index, scale)."""
        n = len(toks)
        if k + 1 >= n:
            return None
        a, b = toks[k][1], toks[k + 1][1]
        if b in self.lex.fraction and (a in ("a", "an") or a in self.units):
            num = 1.0 if a in ("a", "an") else self.units[a]
            if num >= 20 and a not in ("a", "an"):
                return None
            fv = num / self.lex.fraction[b]
            j = k + 2
            if j < n and toks[j][1] in self.scales and self.scales[toks[j][1]] >= 1000:
                return fv, j + 1, self.scales[toks[j][1]]
            return fv, j, 0
        return None

    def _point_digits(self, toks, k, low):
        """Digits after "point": "seventy-one" -> "71", "nought four" -> "04", "5" -> "5"."""
        n = len(toks)
        out = ""
        j = k
        while j < n:
            kind, text, _, _ = toks[j]
            if kind == "num" and not out and "." not in text and "," not in text:
                return text, j + 1
            if kind == "word" and text in self.units and self.units[text] < 100 and text != "couple":
                v = int(self.units[text])
                if v >= 20 and j + 2 < n and toks[j + 1][1] == "-" and toks[j + 2][1] in self.units and \
                        self.units[toks[j + 2][1]] < 10:
                    out += str(v + int(self.units[toks[j + 2][1]]))
                    j += 3
                    continue
                out += str(v)
                j += 1
                continue
            break
        return out, j


@functools.lru_cache(maxsize=8)
def _english(words: str, units: str, currencies: str) -> English:
    from .lexicon import _load

    return English(_load(words, units, currencies))


def grammar(settings: Settings = DEFAULT) -> English:
    return _english(settings.claims_words, settings.claims_units, settings.claims_currencies)

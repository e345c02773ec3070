"""Cross-lingual claim check: link each English claim to the Chinese claim stating the same fact.

Within one aligned pair, candidate links need the same kind (a bare ``number`` may meet any kind) and either the
same value (durations compared in seconds) or the same named unit. The best candidates are taken greedily: an
equal value counts most, then unit, kind, qualifier, period, and similar position in the paragraph. A link whose
value, unit, qualifier or period differ is kept with ``agree=False`` and becomes a ``claim_mismatch`` warning on the
pair; a figure in digits with no counterpart becomes a ``claim_unmatched`` warning; deictic time references that cannot be the same ("this week" against 上周) become a ``time_reference``
warning.

>>> from nlp_toolkit.document import AlignedPair
>>> from nlp_toolkit.claims import extract_claims
>>> p = AlignedPair(index=0, en_ids=[0], zh_ids=[0], score=1.0,
...                 en="Sales this week reached about $7 million.", zh="上周销售额达到700万美元。")
>>> p.claims = extract_claims(p.en, "en") + extract_claims(p.zh, "zh")
>>> link_claims(p)
>>> [(l.en, l.zh, l.agree, l.differences) for l in p.claim_links]
[(0, 1, False, ['qualifier'])]
>>> sorted(w.code for w in p.warnings)
['claim_mismatch', 'time_reference']
"""

from __future__ import annotations

import re

from ..document import AlignedPair, Claim, ClaimLink, Notice
from ..settings import DEFAULT, Settings
from .lexicon import SECONDS


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


def compare(a: Claim, b: Claim) -> list[str]:
    """What differs between two claims: "kind", "value", "unit", "qualifier", "period"."""
    va, ma, ua = _base(a)
    vb, mb, ub = _base(b)
    diff = []
    if a.kind != b.kind:
        diff.append("kind")
    if not _close(va, vb) or not _close(ma, mb):
        diff.append("value")
    if ua != ub and not (a.kind == b.kind == "count" and GENERIC in (ua, ub)):
        diff.append("unit")
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


def link_claims(pair: AlignedPair, settings: Settings = DEFAULT) -> None:
    """Fill ``pair.claim_links`` and add warnings for disagreements and time-reference mismatches."""
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
        links.append(ClaimLink(en=i, zh=j, agree=not diff, differences=diff))
    links.sort(key=lambda l: (l.en, l.zh))
    pair.claim_links = links
    for l in links:
        if not l.agree:
            a, b = pair.claims[l.en], pair.claims[l.zh]
            pair.warnings.append(Notice(
                code="claim_mismatch",
                message=f"claims disagree on {', '.join(l.differences)}: EN {a.text!r} ({_describe(a)}) "
                        f"vs ZH {b.text!r} ({_describe(b)})"))
    _unmatched(pair, done_en, done_zh)
    _time_references(pair, settings)


def _unmatched(pair: AlignedPair, done_en: set, done_zh: set) -> None:
    """Warn on a figure written in digits that has no counterpart in the other language (an omission or an
    addition in the translation); figures in words ("two companies", 两家) are too often paraphrased to warn on."""
    if not pair.en or not pair.zh:
        return
    for i, c in enumerate(pair.claims):
        if i in done_en or i in done_zh or c.kind == "number" or not re.search(r"\d", c.text):
            continue
        other = "ZH" if c.lang == "en" else "EN"
        pair.warnings.append(Notice(code="claim_unmatched", lang=c.lang,
                                    message=f"{c.lang.upper()} claim {c.text!r} ({_describe(c)}) has no "
                                            f"counterpart in {other}"))


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
            es = ", ".join(sorted({s for u, _, s in en if u == unit}))
            zs = ", ".join(sorted({s for u, _, s in zh if u == unit}))
            pair.warnings.append(Notice(code="time_reference",
                                        message=f"time references differ: EN {es!r} vs ZH {zs!r}"))

"""The structured comparison: one row per section with a verdict, with that section's numeric evidence grouped
by the competitor each claim is about.

The competitors are the article's winners and gaining competitors (canonical English names). A claim's subject
is the competitor governing it in its sentence: in English, walking up the claim's syntactic heads (spaCy's
parse) to the first phrase that mentions a competitor, nearest mention first ("On Amazon, customers spend about
9.7 minutes a day" -> Amazon; "the two hours a day that users spend on TikTok" -> TikTok); in Chinese, the nearest
competitor mention before the claim in its sentence, else after it. A sentence that names no competitor ("The
company said ...") takes the competitor last named before it in the paragraph. A Chinese claim linked to an
English claim shares its subject.

The English parse is made here, for the units with English claims of an article with competitors only: the
entity stage leaves spaCy's parser out (nothing else reads it) and keeps its Doc (``AlignedPair.en_doc``), which
the parser alone completes from the Doc's tok2vec tensor; the Docs are dropped at the end of this stage. The rows are :class:`~nlp_toolkit.document.ComparisonRow` records of
the data model; their table (columns, DataFrame) is :func:`nlp_toolkit.document.comparison_frame`.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Optional

from .document import AlignedPair, Article, Claim, ComparisonRow, Evidence
from .limits import check_deadline
from .patterns import bounded, literal
from .resources import spacy_english
from .script import ASCII_STOPS, SEMICOLONS, ZH_STOPS
from .settings import DEFAULT, Settings

_ZH_END = ZH_STOPS + ASCII_STOPS + SEMICOLONS
_ZH_SENT = re.compile(rf"[^{_ZH_END}]*[{_ZH_END}]?")


#: a name as an article's framing sentence writes it: capitalized or camel-cased words, numbers inside
_FRAME_NAME = r"(?-i:(?:[A-Z][\w.&'’-]*|[a-z]{1,5}[A-Z][\w.-]*)(?:\s+(?:[A-Z0-9][\w.&'’-]*|[a-z]{1,5}[A-Z][\w.-]*)){0,3})"
#: how the opening of a comparison names its two competitors: "X vs Y", "we compared X with Y", "pits X against
#: Y", "two platforms, X and Y"
_FRAMES = [re.compile(rx, re.I) for rx in (
    rf"(?P<a>{_FRAME_NAME})\s+(?:vs\.?|versus|v\.)\s+(?:the\s+)?(?P<b>{_FRAME_NAME})",
    rf"\bcompar(?:e|ed|es|ing)\s+(?:the\s+)?(?P<a>{_FRAME_NAME})\s+(?:with|to|and|against)\s+(?:the\s+)?(?P<b>{_FRAME_NAME})",
    rf"\bpit(?:s|ted|ting)?\s+(?:the\s+)?(?P<a>{_FRAME_NAME})\s+against\s+(?:the\s+)?(?P<b>{_FRAME_NAME})",
    rf"\b(?:two|both)\s+(?:[\w-]+\s+){{0,2}}?[\w-]+s,\s+(?P<a>{_FRAME_NAME})\s+and\s+(?P<b>{_FRAME_NAME})\b",
)]


def framing_pair(article: Article, paragraphs: int = 3) -> list[str]:
    """The two competitors the opening of a comparison names (its first English paragraphs: the title and the
    lead), each as the article's canonical name when an entity covers it.

    >>> from nlp_toolkit.document import AlignedPair, Article
    >>> a = Article(doc_id="d", pairs=[AlignedPair(index=0, en_ids=[0], zh_ids=[], score=1.0,
    ...     en="We compared the Mate 70 Pro with the iPhone 16 Pro.", zh="")])
    >>> framing_pair(a)
    ['Mate 70 Pro', 'iPhone 16 Pro']
    """
    for p in article.pairs[:paragraphs]:
        for rx in _FRAMES:
            m = rx.search(p.en or "")
            if not m:
                continue
            out = []
            for g in ("a", "b"):
                start, end = m.span(g)
                covering = [e.canonical for e in p.entities if e.lang == "en" and e.canonical
                            and e.start <= start and end <= e.end]
                out.append(covering[0] if covering else m.group(g).rstrip(".,;:!?'’"))
            if out[0] != out[1]:
                return out
    return []


def competitors(article: Article) -> list[str]:
    """Canonical names of the competitors: section winners and gaining competitors, in order of appearance;
    with fewer than two, the pair the opening names (:func:`framing_pair`), then the most-mentioned
    organizations (labelled so on either side: the English recognizer may call Meituan a person where the
    Chinese side knows 美团 as an organization)."""
    names: list[str] = []
    for s in article.sections:
        for a in (s.advantage, s.advantage_alt):
            if a:
                for n in (a.winner, a.gaining):
                    if n and n not in names:
                        names.append(n)
    if len(names) < 2:
        for n in framing_pair(article):
            if len(names) < 2 and n not in names:
                names.append(n)
    if len(names) < 2:
        orgs = {e.canonical for p in article.pairs for e in p.entities if e.label == "ORG" and e.canonical}
        counts = Counter(e.canonical for p in article.pairs for e in p.entities
                         if e.lang == "en" and e.canonical in orgs)
        for n, _ in counts.most_common():
            if len(names) >= 2:
                break
            if n not in names:
                names.append(n)
    return names


def _mentions(pair: AlignedPair, lang: str, names: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, competitor) for each mention of a competitor in one side of a pair."""
    text = pair.text(lang)
    found = {(e.start, e.end): e.canonical for e in pair.entities
             if e.lang == lang and e.canonical in names}
    surfaces = {n: n for n in names}
    surfaces.update({e.text: e.canonical for e in pair.entities if e.lang == lang and e.canonical in names})
    for surface, name in surfaces.items():
        pattern = bounded(surface) if surface.isascii() else literal(surface)
        for m in pattern.finditer(text):
            if not any(s <= m.start() < e for s, e in found):
                found[(m.start(), m.end())] = name
    return sorted((s, e, n) for (s, e), n in found.items())


def _nearest(claim: Claim, mentions, lo: int, hi: int, rank=None) -> Optional[str]:
    """The mention in [lo, hi) outside the claim that ranks first: by ``rank`` (e.g. syntactic depth), then by
    distance to the claim."""
    inside = [(s, e, n) for s, e, n in mentions if lo <= s and e <= hi and (e <= claim.start or s >= claim.end)]
    if not inside:
        return None
    distance = lambda m: min(abs(m[1] - claim.start), abs(m[0] - claim.end))
    return min(inside, key=lambda m: ((rank(m) if rank else 0), distance(m)))[2]


def _last_before(claim: Claim, mentions) -> Optional[str]:
    before = [m for m in mentions if m[1] <= claim.start]
    return before[-1][2] if before else None


def _depth(token) -> int:
    d = 0
    while token.head.i != token.i and d < 50:
        token, d = token.head, d + 1
    return d


def _mention_depth(doc, mention) -> int:
    """How far a mention's head is from the root of its sentence (closer governs more of it)."""
    span = doc.char_span(mention[0], mention[1], alignment_mode="expand")
    return _depth(span.root) if span is not None else 99


def _describes_person(doc, mention) -> bool:
    """Whether a mention only says who someone is: it lies inside an apposition to a proper noun ("Krystal
    Sprouse, a regular Amazon shopper, ..."), so what the sentence claims is not about that competitor. (The
    tagger's NNP, not the recognizer's PERSON: the comparison may parse without the recognizer.)"""
    span = doc.char_span(mention[0], mention[1], alignment_mode="expand")
    if span is None:
        return False
    token, steps = span.root, 0
    while token.head.i != token.i and steps < 50:
        if token.dep_ == "appos" and token.head.tag_ in ("NNP", "NNPS"):
            return True
        token, steps = token.head, steps + 1
    return False


def _main_mention_before(claim: Claim, doc, mentions) -> Optional[str]:
    """For a sentence naming no competitor ("Its team grew to 300 people"): the competitor that is most central
    (closest to the root of its sentence) in the nearest earlier sentence that names one."""
    for sent in reversed([s for s in doc.sents if s.end_char <= claim.start]):
        inside = [(s, e, n) for s, e, n in mentions if sent.start_char <= s and e <= sent.end_char]
        if inside:
            return min(inside, key=lambda m: _mention_depth(doc, m))[2]
    return None


def _subject_en(claim: Claim, doc, mentions) -> Optional[str]:
    span = doc.char_span(claim.start, claim.end, alignment_mode="expand")
    if span is None or not len(span):
        return _last_before(claim, mentions)
    node = span.root
    sent = node.sent
    while True:
        lo, hi = node.left_edge.idx, node.right_edge.idx + len(node.right_edge)
        hit = _nearest(claim, mentions, max(lo, sent.start_char), min(hi, sent.end_char),
                       rank=lambda m: (_describes_person(doc, m), _mention_depth(doc, m)))
        if hit:
            return hit
        if node.head.i == node.i or node.head.i < sent.start or node.head.i >= sent.end:
            break
        node = node.head
    return _main_mention_before(claim, doc, mentions)


def _subject_zh(claim: Claim, text: str, mentions) -> Optional[str]:
    for m in _ZH_SENT.finditer(text):
        if m.start() <= claim.start < max(m.end(), m.start() + 1):
            before = [x for x in mentions if m.start() <= x[0] and x[1] <= claim.start]
            if before:
                return before[-1][2]
            after = [x for x in mentions if x[0] >= claim.end and x[1] <= m.end()]
            if after:
                return after[0][2]
            break
    return _last_before(claim, mentions)


def _english_docs(pairs: list[AlignedPair], settings: Settings) -> list:
    """The spaCy parse of each pair's English text. The entity stage's Doc (``pair.en_doc``: tags, entities and
    the tok2vec tensor, no parse) gets one from the parser alone, which reads that tensor (the same parse as the
    whole pipeline's, at less than half the cost of parsing again: on 693 WMT22 texts every head and label
    equal, 0.53 s against 1.20 s); a pair without such a Doc is parsed now with the same model, its recognizer
    and the components after it off (only the parse is read)."""
    need = [p for p in pairs if p.en_doc is None or not p.en_doc.has_annotation("DEP")]
    if not need:
        return [p.en_doc for p in pairs]
    nlp = spacy_english(settings.spacy_en)
    names = nlp.pipe_names
    tensored = [p for p in need if p.en_doc is not None and len(p.en_doc) and "parser" in names
                and getattr(p.en_doc.tensor, "shape", (0,))[0] == len(p.en_doc)]
    if tensored:
        for p, doc in zip(tensored, nlp.get_pipe("parser").pipe([p.en_doc for p in tensored], batch_size=64)):
            p.en_doc = doc
    done = {id(p) for p in tensored}  # by identity: equal pairs are not the same pair, and == compares every field
    missing = [p for p in need if id(p) not in done]
    if missing:
        from .entities.english import UNREAD, pipe_chunked

        off = (names[names.index("ner"):] if "ner" in names else []) + [n for n in UNREAD if n in names]
        for p, doc in zip(missing, pipe_chunked(nlp, [p.en for p in missing], off)):
            p.en_doc = doc
    return [p.en_doc for p in pairs]


def assign_subjects(article: Article, settings: Settings = DEFAULT) -> None:
    """Set ``claim.subject`` for every claim of the article (None when no competitor governs it)."""
    names = competitors(article)
    if not names:
        return
    pairs = [p for p in article.pairs if p.claims]
    en_pairs = [p for p in pairs if any(c.lang == "en" for c in p.claims)]
    if en_pairs:
        for p, doc in zip(en_pairs, _english_docs(en_pairs, settings)):
            mentions = _mentions(p, "en", names)
            for c in p.claims:
                if c.lang == "en":
                    c.subject = _subject_en(c, doc, mentions)
    for p in pairs:
        check_deadline()
        mentions = _mentions(p, "zh", names)
        linked = {l.zh: p.claims[l.en].subject for l in p.claim_links}
        for k, c in enumerate(p.claims):
            if c.lang == "zh":
                c.subject = linked.get(k) or _subject_zh(c, p.zh, mentions)


def _evidence(article: Article, first: int, last: int) -> list[Evidence]:
    out = []
    for p in article.pairs[first:last + 1]:
        zh_of = {l.en: l.zh for l in p.claim_links}
        linked_zh = set(zh_of.values())
        for k, c in enumerate(p.claims):
            if c.lang == "zh" and k in linked_zh:
                continue  # shown with its English claim
            if c.kind in ("date", "number", "age"):
                continue  # a year, a person's age or a bare number is context, not evidence about a competitor
            zh = p.claims[zh_of[k]].text if k in zh_of else (c.text if c.lang == "zh" else None)
            out.append(Evidence(competitor=c.subject, pair=p.index, lang=c.lang,
                                text=c.text if c.lang == "en" else None, zh=zh, kind=c.kind, value=float(c.value),
                                unit=c.unit, qualifier=c.qualifier, period=c.period))
    return out


_SIGN = {"approx": "≈", "more_than": ">", "less_than": "<", "at_least": "≥", "at_most": "≤", "exact": ""}


def _summary(evidence: list[Evidence]) -> str:
    by: dict[str, list[str]] = {}
    for e in evidence:
        if not e.competitor:
            continue
        s = f"{_SIGN.get(e.qualifier, '')}{e.value:g} {e.unit or ''}".strip()
        if e.period:
            s += f"/{e.period}"
        by.setdefault(e.competitor, []).append(s)
    return "; ".join(f"{k}: {', '.join(v)}" for k, v in by.items())


def comparison_rows(article: Article) -> list[ComparisonRow]:
    names = competitors(article)
    rows = []
    for s in article.sections:
        a = s.advantage
        if a is None:
            continue
        ev = _evidence(article, s.first_pair, s.last_pair)
        rows.append(ComparisonRow(doc_id=article.doc_id, section=s.index, aspect_en=s.aspect_en,
                                  aspect_zh=s.aspect_zh, winner=a.winner, winner_zh=a.winner_zh, margin=a.margin,
                                  gaining=a.gaining, tie=a.tie, competitors=names, evidence=ev,
                                  evidence_summary=_summary(ev), source=a.source, verdict_pair=s.verdict_pair,
                                  shared=a.shared, prose_evidence=list(s.prose)))
    return rows


def annotate_comparison(article: Article, settings: Settings = DEFAULT) -> None:
    """Stage: claim subjects, then the comparison rows (``article.comparison_rows``). The last reader of the
    entity stage's English parses: they are dropped here."""
    assign_subjects(article, settings)
    article.comparison_rows = comparison_rows(article)
    for p in article.pairs:
        p.en_doc = None

"""Chinese named entities: a spaCy ``blank("zh")`` pipeline whose components each write ``doc.ents``.

Components, in order (each can be left out with ``Settings.zh_entity_components``, which the ablation uses):

(a) ``zh_lac``        Baidu LAC on ONNX Runtime (:mod:`.lac`), batched in ``pipe``: segmentation and POS tags;
                      its PER/LOC/ORG tokens become entities, its segmentation and POS tags are kept for (d)
(a') ``zh_crf``       the trained recognizer (:mod:`.crf`): a CRF over characters, LAC's words and tags and the
                      gazetteer's matches, trained on MSRA (scripts/train_zh_ner.py); its entities replace LAC's
(b) ``zh_latin``      Latin-script spans inside Chinese text (``Marni Levine``, ``TikTok Shop``, ``data.ai``)
(c) ``zh_gazetteer``  names of the bilingual gazetteer (:mod:`.gazetteer`) on LAC's token boundaries; fixes the
                      label of an entity the gazetteer knows and joins names LAC split
(d) ``zh_rules``      rules from ``models/zh_entity_rules.txt``: titles after names (江主席 -> 江), country
                      abbreviations (中美 -> 中, 美), place or name + organization suffix (黄埔同学会), party
                      congresses, transliterated names joined by ``·`` or ``-`` (泰勒-斯威夫特)
(e) ``zh_projection`` projection from the aligned English paragraph: an English entity whose Chinese form is
                      in the text through the gazetteer, identical spelling or transliteration (pinyin)

This module is over 500 lines on purpose: the five components are one recognizer that share the candidate list
(:class:`Cand`) and its merge policy (``_add``, ``_write``) and are read in pipeline order; each is a marked
section of under 200 lines, and the one that has a life of its own, LAC, already lives in :mod:`.lac`.

The English entities of the aligned paragraph go in ``doc.user_data["en_entities"]`` as
``(text, label, canonical)`` triples before the pipeline runs. Each entity's source (``lac``, ``latin``, ...)
is its ``kb_id_``; a canonical English name found by (e) is in ``doc.user_data["canonical"][(start, end)]``.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from typing import Iterable, Optional

from ..patterns import bounded, literal
from ..resources import import_spacy, track_spacy
from ..script import HAN_BASIC
from ..settings import DEFAULT, ZH_ENTITY_COMPONENTS as COMPONENTS, Settings
from .gazetteer import Gazetteer, gazetteer, norm_en
from .rules import sections

#: sources of a statistical recognizer's entities (what the gazetteer may relabel)
STATISTICAL = ("lac", "crf")
HAN = re.compile(rf"[{HAN_BASIC}]")
#: a Latin-script name: words of letters/digits joined by spaces, dots, hyphens, ampersands or apostrophes
LATIN = re.compile(
    r"(?<![A-Za-z0-9\uff21-\uff3a\uff41-\uff5a\uff10-\uff19])"
    r"[A-Za-z\uff21-\uff3a\uff41-\uff5a][A-Za-z0-9\uff21-\uff3a\uff41-\uff5a\uff10-\uff19]*"
    r"(?:(?:[.\-&'’]| (?=[A-Za-z0-9])| ?& ?)[A-Za-z0-9\uff21-\uff3a\uff41-\uff5a\uff10-\uff19]+)*"
    rf"(?:\.(?=[\s{HAN_BASIC}，。、；：）)]|$)(?<=[A-Z]\.))?")
EN_TO_ZH_LABEL = {"PERSON": "PER", "PER": "PER", "GPE": "GPE", "LOC": "LOC", "ORG": "ORG", "FAC": "LOC",
                  "NORP": "NORP", "PRODUCT": "PRODUCT", "EVENT": "EVENT", "WORK_OF_ART": "WORK_OF_ART",
                  "LAW": "LAW", "LANGUAGE": "LANGUAGE"}


@dataclass
class Cand:
    start: int
    end: int
    label: str
    source: str
    canonical: Optional[str] = None

    def overlaps(self, s: int, e: int) -> bool:
        return self.start < e and s < self.end


# -- helpers ------------------------------------------------------------------------------------------------
def doc_text(doc) -> str:
    """The doc's text, computed once (spaCy rebuilds ``doc.text`` from its tokens on every access)."""
    t = doc.user_data.get("text")
    if t is None:
        t = doc.user_data["text"] = doc.text
    return t


def _cands(doc) -> list[Cand]:
    return doc.user_data.setdefault("zh_cands", [])


def _write(doc, cands: list[Cand]) -> None:
    """Sort, drop overlaps (first come wins: callers resolve before), and write ``doc.ents``."""
    cands.sort(key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[Cand] = []
    end = -1
    for c in cands:
        if c.start >= end and c.end > c.start:
            kept.append(c)
            end = c.end
    doc.user_data["zh_cands"] = kept
    canon = doc.user_data.setdefault("canonical", {})
    spans = []
    for c in kept:
        sp = doc.char_span(c.start, c.end, label=c.label, kb_id=c.source, alignment_mode="expand")
        if sp is not None:
            spans.append(sp)
        if c.canonical:
            canon[(c.start, c.end)] = c.canonical
    doc.set_ents(spans, default="outside")


def _add(cands: list[Cand], new: Cand, policy: str) -> bool:
    """Add ``new``: ``fill`` only where nothing overlaps; ``cover`` replacing what it covers (not partial
    overlaps); ``override`` replacing everything it overlaps."""
    hits = [c for c in cands if c.overlaps(new.start, new.end)]
    if hits:
        if policy == "fill":
            return False
        if policy == "cover" and not all(new.start <= c.start and c.end <= new.end for c in hits):
            return False
        for c in hits:
            cands.remove(c)
    cands.append(new)
    return True


@functools.lru_cache(maxsize=None)
def _rules(name: str) -> dict:
    sec = sections(name)
    abbrev = dict(line.split("\t", 1) for line in sec.get("country_abbrev", []))
    return {
        "abbrev": abbrev,
        "pair_chars": set(sec.get("abbrev_pair_chars", [])),
        "abbrev_re": [re.compile(p) for p in sec.get("abbrev_regex", [])],
        "title": sorted(set(sec.get("title", [])), key=len, reverse=True),
        "org_suffix": set(sec.get("org_suffix", [])),
        # suffixes of two or more characters also end longer words (公安部门, 房产管理局)
        "org_suffix_long": tuple(x for x in sec.get("org_suffix", []) if len(x) >= 2),
        "government": set(sec.get("government", [])),
        "facility": set(sec.get("facility_suffix", [])),
        "congress": [re.compile(p) for p in sec.get("congress_regex", [])],
        "translit": set(sec.get("translit_chars", [])),
        "address_unit": tuple(sorted(set(sec.get("address_unit", [])), key=len, reverse=True)),
        "address_tail": [re.compile(p) for p in sec.get("address_tail_regex", [])],
        "versus": set(sec.get("versus", [])),
        "team": [re.compile(p) for p in sec.get("team_regex", [])],
    }


def _is_latin(s: str) -> bool:
    return not HAN.search(s) and bool(re.search(r"[A-Za-z\uff21-\uff3a\uff41-\uff5a]", s))


# -- (a) LAC --------------------------------------------------------------------------------------------------
class LacComponent:
    """Runs LAC over a batch of docs (one ONNX session per process) and writes its PER/LOC/ORG tokens."""

    def __init__(self, settings: Settings):
        self.settings = settings

    def _tagger(self):
        from .lac import tagger

        return tagger(self.settings.lac_threads)

    def _apply(self, doc, toks):
        doc.user_data["zh_tokens"] = toks
        cands = _cands(doc)
        for s, e, tag in toks:
            if tag in ("PER", "LOC", "ORG"):
                _add(cands, Cand(s, e, tag, "lac"), "fill")
        _write(doc, cands)

    def __call__(self, doc):
        self._apply(doc, self._tagger().tag([doc_text(doc)])[0])
        return doc

    def pipe(self, docs, batch_size: int = 256):
        batch = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._run(batch)
                batch = []
        if batch:
            yield from self._run(batch)

    def _run(self, docs):
        for doc, toks in zip(docs, self._tagger().tag([doc_text(d) for d in docs])):
            self._apply(doc, toks)
        return docs


# -- (a') CRF ------------------------------------------------------------------------------------------------
class CrfComponent:
    """The trained recognizer (:mod:`.crf`, a CRF over characters, LAC's words and tags and the gazetteer's
    matches, trained on MSRA by scripts/train_zh_ner.py): its entities replace LAC's, whose words it reads."""

    def __init__(self, settings: Settings):
        from ..resources import model_file
        from .crf import crf_tagger

        self.tagger = crf_tagger(str(model_file(settings.zh_ner_model)))
        self.gaz = gazetteer(settings.gazetteer)

    def __call__(self, doc):
        from .crf import gazetteer_spans

        text = doc_text(doc)
        toks = doc.user_data.get("zh_tokens")
        if toks is None:
            raise ValueError("zh_entity_components: crf reads LAC's words; put lac before it")
        cands = [c for c in _cands(doc) if c.source != "lac"]
        for s, e, label in self.tagger.entities(text, toks, gazetteer_spans(self.gaz, text)):
            _add(cands, Cand(s, e, label, "crf"), "fill")
        _write(doc, cands)
        return doc


def _tokens(doc) -> list[tuple[int, int, str]]:
    """LAC's tokens, or (without component a) one token per character run of one script."""
    toks = doc.user_data.get("zh_tokens")
    if toks is None:
        toks = [(m.start(), m.end(), "x") for m in re.finditer(r"[A-Za-z0-9]+|\S", doc_text(doc))]
        doc.user_data["zh_tokens"] = toks
    return toks


# -- (b) Latin-script spans --------------------------------------------------------------------------------
class LatinComponent:
    """Latin-script names, labelled by the gazetteer (through its English names), else by LAC when it tagged the
    name (or one part of it) PER or ORG, else ``MISC``; projection and linking give them the English entity's
    label when there is one. The canonical name is the span's own text."""

    def __init__(self, settings: Settings):
        self.gaz: Gazetteer = gazetteer(settings.gazetteer)
        self.labels = {}
        for e in self.gaz.entries.values():
            if "guess" not in e.flags and not e.part:
                for name in e.english:
                    self.labels.setdefault(norm_en(name), e.label)

    def __call__(self, doc):
        text = doc_text(doc)
        cands = _cands(doc)
        for m in LATIN.finditer(text):
            s, e = m.span()
            span = text[s:e]
            if len(span) < 2 and not span.isupper():
                continue
            label = self.labels.get(norm_en(span))
            inside = [c for c in cands if c.overlaps(s, e)]
            if label is None and len(inside) == 1 and inside[0].start >= s and inside[0].end <= e \
                    and inside[0].label in ("PER", "ORG"):
                label = inside[0].label  # LAC's PER/ORG on (part of) the name; its LOC on Latin words is noise
            _add(cands, Cand(s, e, label or "MISC", "latin", span), "cover")
        _write(doc, cands)
        return doc


# -- (c) gazetteer -------------------------------------------------------------------------------------------
class GazetteerComponent:
    """Gazetteer names that start and end on token boundaries. A name equal to an entity fixes its label (unless
    the gazetteer's label is itself a guess); a name covering several tokens or entities replaces them; a name
    where nothing was found is added (dictionary labels only)."""

    LABELS = {"PER", "LOC", "GPE", "ORG", "PRODUCT", "EVENT"}

    def __init__(self, settings: Settings):
        self.gaz = gazetteer(settings.gazetteer)

    def __call__(self, doc):
        toks = _tokens(doc)
        starts = {s for s, _, _ in toks}
        ends = {e for _, e, _ in toks}
        cands = _cands(doc)
        for s, e, entry in self.gaz.find(doc_text(doc)):
            if entry.label not in self.LABELS or s not in starts or e not in ends:
                continue
            guess = "guess" in entry.flags
            same = [c for c in cands if c.start == s and c.end == e]
            if same:
                if not guess and same[0].source in STATISTICAL:
                    same[0].label = _fold(same[0].label, entry.label)
                continue
            if guess:
                continue
            label = entry.label
            _add(cands, Cand(s, e, label, "gazetteer"), "cover")
        _write(doc, cands)
        return doc


def _fold(old: str, new: str) -> str:
    """Keep LAC's LOC for a gazetteer GPE (they score alike); otherwise the gazetteer's label."""
    return old if (old, new) in (("LOC", "GPE"), ("GPE", "LOC")) else new


# -- (d) rules -----------------------------------------------------------------------------------------------
class RulesComponent:
    def __init__(self, settings: Settings):
        self.r = _rules(settings.zh_entity_rules)
        self.gov_org = settings.zh_government_org
        self.addresses = settings.zh_merge_addresses
        self.gaz = gazetteer(settings.gazetteer)

    def __call__(self, doc):
        text = doc_text(doc)
        toks = _tokens(doc)
        cands = _cands(doc)
        r = self.r
        self._titles(text, cands)
        self._abbrev(text, toks, cands)
        self._translit(text, toks, cands)
        self._suffix(text, toks, cands)
        for rx in r["congress"]:
            for m in rx.finditer(text):
                _add(cands, Cand(m.start(), m.end(), "ORG", "rule"), "cover")
        self._join_org(text, cands)
        if self.addresses:
            self._address(text, toks, cands)
        self._versus(text, toks, cands)
        _write(doc, cands)
        return doc

    def _address(self, text, toks, cands):
        """A chain of places, each but the last ending in an administrative unit (省, 市, 区 ...), optionally
        followed by a road or house number, is one address: 湖北省赤壁市, 北京市东城区王府井大街218号."""
        units = self.r["address_unit"]
        cands.sort(key=lambda c: c.start)
        tok_at = {s: (s, e, tag) for s, e, tag in toks}
        i = 0
        while i < len(cands):
            a = cands[i]
            j = i
            end = a.end
            while (self.addresses == "chain" and j + 1 < len(cands) and cands[j].label in ("LOC", "GPE") and cands[j + 1].label in ("LOC", "GPE")
                   and cands[j + 1].start == cands[j].end and text[cands[j].start:cands[j].end].endswith(units)):
                j += 1
                end = cands[j].end
            # a road or number after the chain
            if a.label in ("LOC", "GPE") and end in tok_at and (
                    text[cands[j].start:cands[j].end].endswith(units) or re.match(r"\d+号", text[end:end + 6])):
                e2 = end
                while e2 in tok_at and e2 - end <= 12:
                    e2 = tok_at[e2][1]
                    if any(rx.match(text[end:e2]) for rx in self.r["address_tail"]):
                        end = e2
                        break
            if end > a.end and (j > i or end > cands[j].end):
                merged = Cand(a.start, end, "LOC", "rule")
                for c in [c for c in cands if c.overlaps(a.start, end)]:
                    cands.remove(c)
                cands.insert(i, merged)
                cands.sort(key=lambda c: c.start)
            i += 1

    def _versus(self, text, toks, cands):
        """Names on either side of "vs", 对阵, 击败 ... are teams: ORG; an entity spanning "vs" is two teams."""
        vs = self.r["versus"]
        for c in list(cands):
            m = re.search(r"(?i)vs\.?", text[c.start:c.end])
            if m and 0 < m.start() and c.start + m.end() < c.end and c.label in ("ORG", "PER", "LOC", "GPE"):
                cands.remove(c)
                cands.append(Cand(c.start, c.start + m.start(), "ORG", "rule"))
                cands.append(Cand(c.start + m.end(), c.end, "ORG", "rule"))
        for c in cands:
            if c.label in ("PER", "LOC", "GPE") and any(rx.match(text[c.end:c.end + 8]) for rx in self.r["team"]):
                c.label, c.source = "ORG", "rule"
        for k, (s, e, tag) in enumerate(toks):
            if text[s:e].strip() not in vs:
                continue
            for nb in (toks[k - 1] if k else None, toks[k + 1] if k + 1 < len(toks) else None):
                if nb is None:
                    continue
                for c in cands:
                    if c.start == nb[0] or c.end == nb[1]:
                        if c.label in ("PER", "LOC", "GPE"):
                            c.label, c.source = "ORG", "rule"

    def _titles(self, text, cands):
        """江主席 -> 江: a title after a one- to three-character name is not part of it."""
        for c in cands:
            if c.label != "PER":
                continue
            span = text[c.start:c.end]
            for t in self.r["title"]:
                if span.endswith(t) and 1 <= len(span) - len(t) <= 3:
                    c.end -= len(t)
                    c.source = "rule"
                    break

    def _abbrev(self, text, toks, cands):
        """中美 -> 中 LOC, 美 LOC; 美方 -> 美 LOC; 驻华 -> 华 LOC."""
        pair = self.r["pair_chars"]
        for s, e, tag in toks:
            word = text[s:e]
            spans = []
            if 2 <= len(word) <= 4 and all(ch in pair for ch in word) and len(set(word)) == len(word) \
                    and tag in ("LOC", "n", "nz", "f", "PER", "ORG", "j", "s"):
                spans = [(s + i, s + i + 1) for i in range(len(word))]
            else:
                for rx in self.r["abbrev_re"]:
                    m = rx.match(word)
                    if m:
                        spans = [(s + m.start(g), s + m.end(g)) for g, v in m.groupdict().items() if v]
                        break
            if not spans:
                continue
            entry = self.gaz.get(word)
            if len(spans) > 1 and entry and not re.search(r"[-–/]| and ", entry.en):
                continue  # 古巴 is Cuba, not 古 + 巴 (but 中美 "China-US" is two)
            covering = [c for c in cands if c.overlaps(s, e)]
            if any(c.start < s or c.end > e for c in covering):
                continue  # part of a longer entity (中美关系全国委员会): leave it
            for c in covering:
                cands.remove(c)
            for a, b in spans:
                cands.append(Cand(a, b, "LOC", "rule"))

    def _translit(self, text, toks, cands):
        """Transliterated names joined by ·, - or ．: 泰勒-斯威夫特, 达恩·蒂亚姆 -> one PER. The parts are runs of
        transliteration characters or of a PER entity's characters."""
        tr = self.r["translit"]
        mask = ["T" if ch in tr else ("S" if ch in "·・•‧-－．" else "x") for ch in text]
        for c in cands:
            if c.label == "PER":
                for i in range(c.start, c.end):
                    if mask[i] == "x":
                        mask[i] = "T"
        for m in re.finditer(r"T{1,8}(?:ST{1,8})+", "".join(mask)):
            s, e = m.span()
            if not HAN.search(text[s:e]):
                continue
            per = [c for c in cands if c.overlaps(s, e) and c.label == "PER"]
            if any(c.start < s or c.end > e for c in cands if c.overlaps(s, e)):
                continue
            _add(cands, Cand(s, e, "PER", "rule"), "cover" if not per else "override")

    def _suffix(self, text, toks, cands):
        """An entity followed by organization suffixes is one ORG (黄埔 同学会); by a facility suffix one LOC
        (嫩江 基地); a place followed by 政府 stays a place (MSRA), unless ``zh_government_org``."""
        r = self.r
        tok_at = {s: (s, e, tag) for s, e, tag in toks}
        for c in sorted(cands, key=lambda c: c.start):
            if c not in cands or c.label not in ("LOC", "GPE", "ORG", "PER"):
                continue
            end = c.end
            kind = None
            while end in tok_at:
                _, e2, tag = tok_at[end]
                word = text[end:e2]
                if word in r["government"]:
                    if self.gov_org:
                        kind, end = "ORG", e2
                    break
                if (word in r["org_suffix"] or (len(word) <= 6 and word.endswith(r["org_suffix_long"]))) \
                        and tag in ("n", "nz", "ORG", "vn", "j", "nt"):
                    kind, end = "ORG", e2
                    continue
                if word in r["facility"] and kind is None and c.label != "PER" and tag in ("n", "nz", "s", "LOC"):
                    kind, end = "LOC", e2
                break
            if kind and end > c.end:
                if c.label == "PER" and kind == "ORG" and len(text[c.start:c.end]) <= 3:
                    continue  # 张三 公司: a person's name before 公司 is rarely the company's name
                _add(cands, Cand(c.start, end, kind, "rule"), "cover")
        for c in list(cands):
            span = text[c.start:c.end]
            if c.label == "ORG" and c.source in STATISTICAL:
                for g in r["government"]:
                    if span.endswith(g) and len(span) > len(g) and not self.gov_org:
                        c.end -= len(g)
                        c.label, c.source = "LOC", "rule"
                        break
                else:
                    if any(span.endswith(f) for f in r["facility"] if len(f) >= 2) and len(span) >= 4:
                        c.label, c.source = "LOC", "rule"

    def _join_org(self, text, cands):
        """Adjacent organizations are one (中共 陕西省委, 美中友协 美西分会)."""
        cands.sort(key=lambda c: c.start)
        i = 0
        while i + 1 < len(cands):
            a, b = cands[i], cands[i + 1]
            if a.label == "ORG" and b.label == "ORG" and a.end == b.start and not _is_latin(text[a.start:b.end]):
                cands[i] = Cand(a.start, b.end, "ORG", "rule")
                del cands[i + 1]
                continue
            i += 1


# -- (e) projection ------------------------------------------------------------------------------------------
def romanize(zh: str) -> str:
    """Toneless pinyin of a Chinese string, separators dropped (泰勒-斯威夫特 -> 'tailesiweifute')."""
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(re.sub(r"[·・•‧\-－.．\s]", "", zh)))


@functools.lru_cache(maxsize=65536)
def _skeleton(s: str) -> str:
    s = s.lower()
    s = re.sub(r"[^a-z]", "", s)
    for a, b in (("ph", "f"), ("th", "t"), ("ck", "k"), ("c", "k"), ("q", "k"), ("x", "s"), ("zh", "j"),
                 ("sh", "s"), ("ch", "k"), ("w", "v"), ("y", "i"), ("r", "l"), ("d", "t"), ("b", "p"),
                 ("g", "k"), ("z", "s")):
        s = s.replace(a, b)
    return re.sub(r"(.)\1+", r"\1", s)


@functools.lru_cache(maxsize=65536)
def _zh_skeleton(zh: str) -> str:
    """The consonant skeleton of a Chinese string's pinyin (pure: cached, as names recur in an article)."""
    return _skeleton(romanize(zh))


def translit_similarity(en: str, zh: str) -> float:
    """How alike an English name sounds to a Chinese transliteration, 0..1 (consonant-skeleton match).

    >>> translit_similarity("Seattle", "西雅图") > 0.5, translit_similarity("Seattle", "北京") < 0.5
    (True, True)
    """
    a, b = _skeleton(en), _zh_skeleton(zh)
    if not a or not b:
        return 0.0
    return difflib.SequenceMatcher(None, a, b).ratio()


class ProjectionComponent:
    """English entities of the aligned paragraph found in the Chinese text (they win over what overlaps them
    unless an entity covering them is longer and agrees)."""

    def __init__(self, settings: Settings):
        self.gaz = gazetteer(settings.gazetteer)
        self.min_sim = settings.translit_min_similarity
        self.tr = _rules(settings.zh_entity_rules)["translit"]
        chars = "".join(self.tr)
        self._translit_run = re.compile(r"[%s]{2,}(?:[·・\-－][%s]{2,})*" % (chars, chars))

    def __call__(self, doc):
        en_ents = doc.user_data.get("en_entities") or []
        if not en_ents:
            return doc
        text = doc_text(doc)
        cands = _cands(doc)
        found_any = set()
        for en_text, en_label, canonical in sorted(en_ents, key=lambda x: -len(x[2] or x[0])):
            canonical = canonical or en_text
            label = EN_TO_ZH_LABEL.get(en_label, en_label)
            hits = []
            # identical spelling (Latin-script names kept in the Chinese text)
            for m in bounded(canonical).finditer(text):
                hits.append((m.start(), m.end()))
            # the gazetteer's Chinese names (ambiguous ones too: the English side vouches for them)
            for zh in sorted(self.gaz.zh_names(canonical), key=len, reverse=True):
                for m in literal(zh).finditer(text):
                    hits.append(m.span())
            if not hits and label in ("PER", "GPE", "LOC"):
                hits = self._translit(text, canonical, cands)
            for s, e in hits:
                if (s, e) in found_any:
                    continue
                cover = [c for c in cands if c.start <= s and e <= c.end and (c.start, c.end) != (s, e)]
                if cover and (cover[0].canonical or _is_latin(text[cover[0].start:cover[0].end])):
                    continue  # inside a longer linked or Latin name ("Amazon" in "Amazon Prime Day")
                same = [c for c in cands if (c.start, c.end) == (s, e)]
                if same:
                    same[0].canonical = canonical
                    if same[0].label == "MISC" or _is_latin(text[s:e]):
                        same[0].label = label  # LAC's tags of Latin words are guesses; the English side knows
                    found_any.add((s, e))
                    continue
                if _add(cands, Cand(s, e, label, "projection", canonical), "override"):
                    found_any.add((s, e))
        _write(doc, cands)
        return doc

    def _translit(self, text, name, cands):
        """Spans that sound like ``name``: entities and runs of transliteration characters."""
        options = [(c.start, c.end) for c in cands if not _is_latin(text[c.start:c.end])]
        for m in self._translit_run.finditer(text):
            options.append(m.span())
        best, best_sim = None, self.min_sim
        for s, e in options:
            sim = translit_similarity(name, text[s:e])
            if sim >= best_sim:
                best, best_sim = (s, e), sim
        return [best] if best else []


# -- the pipeline --------------------------------------------------------------------------------------------
_FACTORIES = {"lac": LacComponent, "crf": CrfComponent, "latin": LatinComponent, "gazetteer": GazetteerComponent,
              "rules": RulesComponent, "projection": ProjectionComponent}


def components(settings: Settings) -> list[str]:
    names = [c.strip() for c in settings.zh_entity_components.split(",") if c.strip()]
    bad = [n for n in names if n not in COMPONENTS]
    if bad:
        raise ValueError(f"zh_entity_components: unknown {', '.join(bad)}; known: {', '.join(COMPONENTS)}")
    if "crf" in names and "lac" not in names:
        raise ValueError("zh_entity_components: crf reads LAC's words and tags; name lac too")
    return [n for n in COMPONENTS if n in names]


#: the settings fields the components read (passed to each component as its spaCy config)
_FIELDS = ("zh_entity_components", "gazetteer", "zh_entity_rules", "zh_government_org", "zh_merge_addresses",
           "lac_threads", "translit_min_similarity", "zh_ner_model")


def _factory(kind: str):
    def make(nlp, name: str, settings: dict):
        return _FACTORIES[kind](DEFAULT.replace(**settings))

    return make


@functools.lru_cache(maxsize=8)
def pipeline(settings: Settings = DEFAULT):
    """The Chinese entity pipeline for these settings (built once per process and settings)."""
    spacy = import_spacy()
    from spacy.language import Language

    nlp = spacy.blank("zh")
    config = {"settings": {f: getattr(settings, f) for f in _FIELDS}}
    for kind in components(settings):
        name = f"zh_{kind}"
        if not Language.has_factory(name):
            Language.factory(name, default_config={"settings": {}}, func=_factory(kind))
        nlp.add_pipe(name, config=config)
    return track_spacy(nlp)


def make_docs(texts: Iterable[str], en_entities: Optional[Iterable] = None):
    """Docs ready for the pipeline (``en_entities``: per text, the aligned English ``(text, label, canonical)``)."""
    nlp = _tokenizer()
    docs = []
    ens = list(en_entities) if en_entities is not None else None
    for i, t in enumerate(texts):
        d = nlp.make_doc(t)
        d.user_data["text"] = t  # what doc_text() would rebuild from the tokens (a Doc's text is its input)
        if ens is not None and ens[i]:
            d.user_data["en_entities"] = list(ens[i])
        docs.append(d)
    return docs


@functools.lru_cache(maxsize=1)
def _tokenizer():
    return track_spacy(import_spacy().blank("zh"))


def run(texts: list[str], settings: Settings = DEFAULT, en_entities=None, batch_size: int = 256):
    """The entity docs for ``texts`` (batched through the pipeline)."""
    nlp = pipeline(settings)
    return list(nlp.pipe(make_docs(texts, en_entities), batch_size=batch_size))


def doc_entities(doc) -> list[tuple[int, int, str, str, Optional[str]]]:
    """``(start, end, label, source, canonical)`` of a processed doc's entities."""
    canon = doc.user_data.get("canonical", {})
    out = []
    for c in doc.user_data.get("zh_cands", []):
        out.append((c.start, c.end, c.label, c.source, c.canonical or canon.get((c.start, c.end))))
    return out

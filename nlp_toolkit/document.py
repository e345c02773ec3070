"""The data model: the only thing pipeline stages exchange.

Every stage takes an :class:`Article` and adds to it. ``to_dict()`` on these classes *is* the export contract
(``checks/README.md``, contract v1): exporters never rebuild records by hand, and every record writes every key.

The comparison's rows (:class:`ComparisonRow`, :class:`Evidence`) are part of the model too, with the table's
columns and DataFrame (:func:`comparison_frame`), so the model imports no stage. A stage may leave transient data
on the model outside ``to_dict()`` (``AlignedPair.en_doc``: the entity stage's English Doc, which the comparison
stage parses where it reads it), never exported.

Offsets (``start``/``end``) are character offsets into the unit's text as exported (``AlignedPair.en`` /
``AlignedPair.zh``), ``end`` exclusive.

>>> p = AlignedPair(index=0, en_ids=[0], zh_ids=[0], en="Hello.", zh="你好。", score=0.9)
>>> p.bead
'1-1'
>>> sorted(p.to_dict("doc"))[:6]
['bead', 'claim_links', 'claims', 'doc_id', 'en', 'en_ids']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

LANGS = ("en", "zh")


@dataclass
class Paragraph:
    """One paragraph of an article, after cleaning.

    ``index`` is its position among the article's paragraphs of the same language (the ids of ``en_ids`` /
    ``zh_ids``); ``lines`` the 1-based, inclusive line range in its source file.
    """

    lang: str  # "en" | "zh" | "mixed" (a mixed paragraph is placed on the side its script dominates: ``side``)
    text: str
    lines: tuple[int, int] = (0, 0)
    index: int = -1
    #: "en" or "zh": which sequence the paragraph belongs to ("" until language identification places it;
    #: set by the reader for an article given as two files)
    side: str = ""
    source: str = ""

    def __post_init__(self):
        if not self.side and self.lang in LANGS:
            self.side = self.lang

    def to_dict(self) -> dict:
        return {"lang": self.lang, "side": self.side, "index": self.index, "text": self.text,
                "lines": list(self.lines), "source": self.source}


@dataclass
class Entity:
    lang: str
    text: str
    start: int
    end: int
    label: str
    canonical: Optional[str] = None
    #: which recognizer found it ("model", "ruler", "latin", "gazetteer", "rule", "projection")
    source: str = ""

    def to_dict(self) -> dict:
        return {"lang": self.lang, "text": self.text, "start": self.start, "end": self.end, "label": self.label,
                "canonical": self.canonical, "source": self.source}


@dataclass
class Claim:
    """A numeric claim, normalized: ``value`` in base units (``$100 billion`` -> 1e11, ``60%`` -> 60)."""

    lang: str
    text: str
    start: int
    end: int
    kind: str  # money | count | percent | duration | age | date | number
    value: float
    unit: Optional[str] = None
    qualifier: str = "exact"  # exact | approx | more_than | less_than | at_least | at_most
    period: Optional[str] = None  # day | week | month | year
    #: upper end of a range ("$5 million to $7 million": value 5e6, value_max 7e6), else None
    value_max: Optional[float] = None
    #: the competitor entity this claim is about (canonical English name), when known
    subject: Optional[str] = None

    def to_dict(self) -> dict:
        return {"lang": self.lang, "text": self.text, "start": self.start, "end": self.end, "kind": self.kind,
                "value": self.value, "unit": self.unit, "qualifier": self.qualifier, "period": self.period,
                "value_max": self.value_max, "subject": self.subject}


@dataclass
class ClaimLink:
    """An English claim and the Chinese claim stating the same fact (indices into ``AlignedPair.claims``)."""

    en: int
    zh: int
    agree: bool
    #: what differs when they disagree: "value", "unit", "qualifier", "period", "kind"
    differences: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"en": self.en, "zh": self.zh, "agree": self.agree, "differences": list(self.differences)}


@dataclass
class Notice:
    """Something a reviewer should look at: a translation mismatch, a missing counterpart, a disagreement.

    (Exported as ``warnings``; not named ``Warning``, which is a builtin: ``nlp_toolkit.Warning`` stays an alias.)
    """

    code: str  # e.g. "claim_mismatch", "unaligned", "time_reference", "advantage_disagreement"
    message: str
    lang: Optional[str] = None
    #: "error" (a value, scale, currency or date that differs, a figure missing), "info" (wording a reviewer may
    #: want to see, such as a qualifier the translator softened) or "warning" (any other notice)
    severity: str = "warning"
    #: ``[start, end)`` of what the notice is about in the unit's ``en`` / ``zh`` text, or None
    en_span: Optional[tuple[int, int]] = None
    zh_span: Optional[tuple[int, int]] = None
    #: a short class of the notice ("value differs (date)", "value absent", "currency differs", ...), or None
    reason: Optional[str] = None

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "lang": self.lang, "severity": self.severity,
                "en_span": list(self.en_span) if self.en_span is not None else None,
                "zh_span": list(self.zh_span) if self.zh_span is not None else None, "reason": self.reason}


@dataclass
class SentencePair:
    en_ids: list[int]
    zh_ids: list[int]
    en: str
    zh: str
    score: float
    #: fitness to train on (nlp_toolkit/quality.py): ``{score, reasons, signals}``; None before the quality
    #: stage and for a sentence without a counterpart
    quality: Optional[dict] = None

    def to_dict(self) -> dict:
        return {"en_ids": list(self.en_ids), "zh_ids": list(self.zh_ids), "en": self.en, "zh": self.zh,
                "score": round(float(self.score), 4), "quality": self.quality}


@dataclass
class AlignedPair:
    """One aligned paragraph unit: 1-1, 1-2, 2-1, 1-0 or 0-1 paragraphs."""

    index: int
    en_ids: list[int]
    zh_ids: list[int]
    en: str
    zh: str
    score: float
    section: int = 0
    entities: list[Entity] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    claim_links: list[ClaimLink] = field(default_factory=list)
    sentences: list[SentencePair] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    #: the score's parts (similarity, anchors, length), so a reviewer sees why a pair scored what it did
    score_parts: dict[str, float] = field(default_factory=dict)
    #: fitness to train on (nlp_toolkit/quality.py): ``{score, reasons, signals}``; None before the quality
    #: stage and for a 1-0/0-1 unit
    quality: Optional[dict] = None
    #: transient, never exported: the entity stage's spaCy Doc of ``en`` (tags, entities, tok2vec tensor), which
    #: the comparison stage parses for claim subjects where it needs them and then drops
    en_doc: Any = field(default=None, repr=False, compare=False)

    @property
    def bead(self) -> str:
        return f"{len(self.en_ids)}-{len(self.zh_ids)}"

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def to_dict(self, doc_id: str, signature: str = "") -> dict:
        return {
            "doc_id": doc_id,
            "index": self.index,
            "en": self.en,
            "zh": self.zh,
            "en_ids": list(self.en_ids),
            "zh_ids": list(self.zh_ids),
            "bead": self.bead,
            "score": round(float(self.score), 4),
            "score_parts": {k: round(float(v), 4) for k, v in self.score_parts.items()},
            "section": self.section,
            "translation": {"en": self.en, "zh": self.zh},
            "entities": [e.to_dict() for e in self.entities],
            "claims": [c.to_dict() for c in self.claims],
            "claim_links": [l.to_dict() for l in self.claim_links],
            "sentences": [s.to_dict() for s in self.sentences],
            "warnings": [w.to_dict() for w in self.warnings],
            "quality": self.quality,
            "signature": signature,
        }


@dataclass
class Advantage:
    """A section's claimed advantage. A tie has ``tie=True`` and no winner."""

    winner: Optional[str]
    winner_zh: Optional[str]
    margin: str = "normal"  # slight | normal | large
    gaining: Optional[str] = None
    tie: bool = False
    #: "en", "zh" or "both": which language(s) the reading comes from
    evidence: str = "both"
    #: where the verdict is stated: "heading" (the section's heading) or "line" (a verdict line in the section)
    source: str = "heading"
    #: the verdict goes to both competitors ("Both", "两者都"): no single winner, not a tie
    shared: bool = False
    #: for a verdict inferred from prose (``source: "prose"``): the share of the prose cues that agree
    confidence: Optional[float] = None

    def to_dict(self) -> dict:
        return {"winner": self.winner, "winner_zh": self.winner_zh, "margin": self.margin, "gaining": self.gaining,
                "tie": self.tie, "evidence": self.evidence, "source": self.source, "shared": self.shared,
                "confidence": self.confidence}


@dataclass
class Section:
    index: int
    first_pair: int
    last_pair: int
    heading_en: Optional[str] = None
    heading_zh: Optional[str] = None
    aspect_en: Optional[str] = None
    aspect_zh: Optional[str] = None
    advantage: Optional[Advantage] = None
    #: the other language's reading when EN and ZH disagree (kept, with a warning on the article)
    advantage_alt: Optional[Advantage] = None
    #: the unit holding the verdict line, when the verdict is read from a line rather than the heading
    verdict_pair: Optional[int] = None
    #: the sentences of the section's prose that argue an advantage: {pair, sentence, lang, competitor, effect,
    #: text}, ``sentence`` the index of the sentence bead in the pair's ``sentences``
    prose: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "index": self.index,
            "pairs": [self.first_pair, self.last_pair],
            "verdict_pair": self.verdict_pair,
            "prose": [dict(e) for e in self.prose],
            "heading": {"en": self.heading_en, "zh": self.heading_zh},
            "aspect": {"en": self.aspect_en, "zh": self.aspect_zh},
            "advantage": self.advantage.to_dict() if self.advantage else None,
            "advantage_alt": self.advantage_alt.to_dict() if self.advantage_alt else None,
        }


@dataclass
class Removed:
    """A piece of input the cleaner dropped, and why."""

    line: int
    text: str
    rule: str

    def to_dict(self) -> dict:
        return {"line": self.line, "text": self.text, "rule": self.rule}


@dataclass
class Evidence:
    """One numeric claim of a section, as evidence about the competitor it is about (``subject``)."""

    competitor: Optional[str]
    pair: int
    lang: str
    #: the English claim's text (None for a Chinese claim without an English counterpart)
    text: Optional[str]
    #: the Chinese claim's text: the linked translation of an English claim, or the claim itself
    zh: Optional[str]
    kind: str
    value: float
    unit: Optional[str]
    qualifier: str
    period: Optional[str]

    def to_dict(self) -> dict:
        return {"competitor": self.competitor, "pair": self.pair, "lang": self.lang, "text": self.text,
                "zh": self.zh, "kind": self.kind, "value": self.value, "unit": self.unit,
                "qualifier": self.qualifier, "period": self.period}


@dataclass
class ComparisonRow:
    """One row of the structured comparison: a section with a verdict, and its evidence per competitor."""

    doc_id: str
    section: int
    aspect_en: Optional[str]
    aspect_zh: Optional[str]
    winner: Optional[str]
    winner_zh: Optional[str]
    margin: str
    gaining: Optional[str]
    tie: bool
    competitors: list[str]
    evidence: list[Evidence]
    evidence_summary: str
    #: where the verdict is stated: "heading", "line" or "prose"; the unit holding a verdict line; a verdict
    #: for both; the prose sentences arguing an advantage (``Section.prose``)
    source: str = "heading"
    verdict_pair: Optional[int] = None
    shared: bool = False
    prose_evidence: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"doc_id": self.doc_id, "section": self.section, "aspect_en": self.aspect_en,
                "aspect_zh": self.aspect_zh, "winner": self.winner, "winner_zh": self.winner_zh,
                "margin": self.margin, "gaining": self.gaining, "tie": self.tie, "competitors": self.competitors,
                "evidence": [e.to_dict() for e in self.evidence], "evidence_summary": self.evidence_summary,
                "source": self.source, "verdict_pair": self.verdict_pair, "shared": self.shared,
                "prose_evidence": [dict(e) for e in self.prose_evidence]}


#: the columns of the comparison table (``comparison.csv`` / ``.parquet``, :meth:`Article.comparison`)
COMPARISON_COLUMNS = ["doc_id", "section", "aspect_en", "aspect_zh", "winner", "winner_zh", "margin", "gaining",
                      "tie", "competitors", "evidence", "evidence_summary", "source", "verdict_pair", "shared",
                      "prose_evidence"]


def comparison_frame(rows: list[dict]):
    """Comparison records (``ComparisonRow.to_dict()``, the ``comparison`` of ``documents.jsonl``) as a pandas
    DataFrame with the fixed :data:`COMPARISON_COLUMNS`."""
    import pandas as pd

    return pd.DataFrame(rows, columns=COMPARISON_COLUMNS)


@dataclass
class Article:
    doc_id: str
    source: str = ""
    encoding: str = ""
    paragraphs: list[Paragraph] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    pairs: list[AlignedPair] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)
    #: reproducibility signature: toolkit version, models, settings that change results
    signature: str = ""
    #: structured comparison rows (aspect x competitor), filled by the comparison stage
    comparison_rows: list[ComparisonRow] = field(default_factory=list)

    def side(self, lang: str) -> list[Paragraph]:
        """The paragraphs of one side ("en" or "zh"), in order; ``en_ids``/``zh_ids`` index this list."""
        return [p for p in self.paragraphs if p.side == lang]

    @property
    def en_paragraphs(self) -> list[Paragraph]:
        return self.side("en")

    @property
    def zh_paragraphs(self) -> list[Paragraph]:
        return self.side("zh")

    def comparison(self):
        """The structured comparison (one row per section with a verdict) as a pandas DataFrame."""
        return comparison_frame([r.to_dict() for r in self.comparison_rows])

    def to_dict(self) -> dict:
        """The ``documents.jsonl`` record."""
        return {
            "doc_id": self.doc_id,
            "source": self.source,
            "encoding": self.encoding,
            "paragraphs": {"en": len(self.en_paragraphs), "zh": len(self.zh_paragraphs)},
            "pairs": len(self.pairs),
            "sections": [s.to_dict() for s in self.sections],
            "comparison": [r.to_dict() for r in self.comparison_rows],
            "removed": [r.to_dict() for r in self.removed],
            "warnings": [w.to_dict() for w in self.warnings],
            "warning_counts": self.warning_counts(),
            "signature": self.signature,
        }

    def warning_counts(self) -> dict[str, int]:
        """How many warnings the article has, by code (its units' and its own), codes in alphabetical order:
        what a reviewer sorts articles by (``entity_mismatch``, ``claim_mismatch``, ...).

        >>> a = Article("d", pairs=[AlignedPair(0, [0], [0], "a", "b", 1.0, warnings=[Notice("claim_mismatch", "x")])])
        >>> a.warnings.append(Notice("advantage_disagreement", "y")); a.warning_counts()
        {'advantage_disagreement': 1, 'claim_mismatch': 1}
        """
        counts: dict[str, int] = {}
        for w in [w for p in self.pairs for w in p.warnings] + self.warnings:
            counts[w.code] = counts.get(w.code, 0) + 1
        return dict(sorted(counts.items()))

    def pair_dicts(self) -> list[dict]:
        """The ``pairs.jsonl`` records, in document order."""
        return [p.to_dict(self.doc_id, self.signature) for p in self.pairs]


class InputError(ValueError):
    """Input that cannot be processed; the message names the file and the problem."""

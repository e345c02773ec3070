"""A reviewer's decisions, made on the review page (:mod:`nlp_toolkit.report`), applied to an output directory.

**Keys.** A decision names what it is about by a key that survives a re-run of the pipeline on the same input,
never by a position alone (an index moves when a paragraph is added or the aligner merges two):

- a unit: ``DOC_ID/u`` + a hash of its two texts, normalized (:func:`normalize`: NFKC, runs of white space as
  one space); a second unit of the document with the same texts gets ``~2`` (``~3``, ...) after its key;
- a warning: its unit's key (or the document id, for a warning of the article) + ``/w:CODE:`` + a hash of the
  code and the message (which names the values or names involved: ``checks/README.md``);
- a section's verdict: ``DOC_ID/s`` + a hash of the section's headings (the introduction has none: its key is
  the hash of two empty headings).

**The file** (``decisions.json``, downloaded from the page; also kept in the browser's local storage)::

    {"format": "nlp_toolkit.decisions", "version": 1, "created": "2026-12-03T09:30:00Z",
     "units":    {KEY: {"decision": "accepted" | "rejected" | null, "note": "...", "doc_id": ..., "index": 5}},
     "warnings": {KEY: {"decision": "confirmed" | "dismissed" | null, "note": "...", "unit": UNIT_KEY, ...}},
     "verdicts": {KEY: {"winner": "Amazon" | null, "tie": false, "shared": false, "note": "...", ...}}}

``index``, ``section``, ``code`` and ``doc_id`` are hints for the reader of a report; only the key matches.

**Applying** (:func:`decide` changes the records; :func:`nlp_toolkit.commands.apply_decisions`, ``nlp-toolkit
apply-decisions OUT_DIR decisions.json``, reads and rewrites the folder, locked by
:class:`~nlp_toolkit.outdir.OutputLock`):

- a rejected unit leaves ``pairs.jsonl`` (each shard, in its compression), ``corpus.tmx``, ``corpus.en`` /
  ``.zh`` / ``.ids``, the ``hf/`` data files and the ``parquet/`` tables, wherever they exist; the files that
  hold no translation of their own (``documents.jsonl``) keep it in the audit;
- a corrected verdict replaces the section's ``advantage`` in ``documents.jsonl`` (``source: "reviewer"``) and
  its row in the comparison (``comparison.csv`` / ``.parquet``, ``parquet/comparison.parquet``);
- every decision that changes something is kept, with its note, in an audit entry appended to the document's
  ``review`` list in ``documents.jsonl`` (a rejected unit with its texts, a corrected verdict with the reading
  it replaced); a decision already applied (the same decision and note in an earlier entry) is counted, not
  repeated, so applying a file twice changes nothing the second time;
- a decision whose key matches nothing in the folder is reported (:attr:`Applied.unmatched`), never dropped in
  silence.

Every file is written under a temporary name first and all are renamed into place together at the end
(:class:`~nlp_toolkit.export.jsonl.AtomicWriter`): a failure while they are written leaves the folder as it
was. The translation
exports are filtered rather than rebuilt, so whatever options wrote them (unit, shards, compression) still hold.

>>> normalize("  Tesla\\u3000 sold\\n\\n 1.8 million ") == "Tesla sold 1.8 million"
True
>>> unit_keys([{"doc_id": "d", "en": "Hi.", "zh": "你好。"}, {"doc_id": "d", "en": "Hi. ", "zh": "你好。"}])
['d/uaada77290624', 'd/uaada77290624~2']
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Optional

from .document import InputError

FORMAT = "nlp_toolkit.decisions"
VERSION = 1
#: the decision values of each kind of decision (None: a note alone)
CHOICES = {"units": ("accepted", "rejected", None), "warnings": ("confirmed", "dismissed", None)}


# -- keys -----------------------------------------------------------------------------------------------------
def normalize(text) -> str:
    """A text as keys see it: NFKC (full-width forms as ASCII), each run of white space one space, trimmed."""
    return " ".join(unicodedata.normalize("NFKC", "" if text is None else str(text)).split())


def digest(*parts) -> str:
    """12 hex digits of the SHA-1 of the normalized parts (separated, so that ("ab", "c") != ("a", "bc"))."""
    return hashlib.sha1("\x1f".join(normalize(p) for p in parts).encode("utf-8")).hexdigest()[:12]


def _numbered(keys: Iterable[str]) -> list[str]:
    """Keys made unique in order: a repeat gets ``~2``, ``~3``, ..."""
    seen: Counter = Counter()
    out = []
    for k in keys:
        seen[k] += 1
        out.append(k if seen[k] == 1 else f"{k}~{seen[k]}")
    return out


def unit_keys(pairs: list[dict]) -> list[str]:
    """The keys of one document's units (its ``pairs.jsonl`` records, in document order)."""
    return _numbered(f"{p.get('doc_id')}/u{digest(p.get('en'), p.get('zh'))}" for p in pairs)


def warning_keys(owner: str, warnings: list[dict]) -> list[str]:
    """The keys of the warnings of a unit (``owner``: its key) or of an article (``owner``: its doc_id)."""
    return _numbered(f"{owner}/w:{w.get('code')}:{digest(w.get('code'), w.get('message'))}" for w in warnings)


def _heading(section: dict) -> tuple:
    heading = section.get("heading") if isinstance(section.get("heading"), dict) else {}
    return heading.get("en"), heading.get("zh")


def section_keys(document: dict) -> list[str]:
    """The keys of a document's sections (the verdicts), in order."""
    return _numbered(f"{document.get('doc_id')}/s{digest(*_heading(s))}" for s in document.get("sections") or [])


# -- the file -------------------------------------------------------------------------------------------------
@dataclass
class Decisions:
    """The three kinds of decisions of a file: key -> the decision's record (as the page wrote it)."""

    units: dict = field(default_factory=dict)
    warnings: dict = field(default_factory=dict)
    verdicts: dict = field(default_factory=dict)
    created: Optional[str] = None

    def __len__(self) -> int:
        return len(self.units) + len(self.warnings) + len(self.verdicts)


def _problem(path, text: str) -> InputError:
    return InputError(f"{path}: {text}")


def _check_note(path, kind: str, key: str, rec: dict) -> None:
    if not isinstance(rec.get("note", ""), (str, type(None))):
        raise _problem(path, f"{kind} {key!r}: note must be text")


def parse_decisions(data, path="decisions.json") -> Decisions:
    """Decisions from the parsed JSON of a file; a problem raises InputError naming ``path`` and the key.

    >>> parse_decisions({"format": "nlp_toolkit.decisions", "version": 1, "units": {"d/u1": {"decision": "x"}}})
    Traceback (most recent call last):
    ...
    nlp_toolkit.document.InputError: decisions.json: units 'd/u1': decision must be 'accepted' or 'rejected' or null, not 'x'
    """
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _problem(path, f"not a decisions file (no \"format\": \"{FORMAT}\"; download it from the review page)")
    if data.get("version") != VERSION:
        raise _problem(path, f"version {data.get('version')!r} is not supported (this toolkit reads {VERSION})")
    out = Decisions(created=data.get("created") if isinstance(data.get("created"), str) else None)
    for kind in ("units", "warnings", "verdicts"):
        records = data.get(kind, {})
        if not isinstance(records, dict):
            raise _problem(path, f"{kind} must be an object (key -> decision), not {type(records).__name__}")
        for key, rec in records.items():
            if not isinstance(rec, dict):
                raise _problem(path, f"{kind} {key!r}: a decision must be an object, not {type(rec).__name__}")
            _check_note(path, kind, key, rec)
            if kind in CHOICES and rec.get("decision") not in CHOICES[kind]:
                allowed = " or ".join(repr(c) for c in CHOICES[kind] if c)
                raise _problem(path, f"{kind} {key!r}: decision must be {allowed} or null, not "
                               f"{rec.get('decision')!r}")
            if kind == "verdicts":
                winner = rec.get("winner")
                if not isinstance(winner, (str, type(None))) or not all(
                        isinstance(rec.get(f, False), bool) for f in ("tie", "shared")):
                    raise _problem(path, f"verdicts {key!r}: winner must be text or null, tie and shared true or "
                                   "false")
                if bool(winner) + bool(rec.get("tie")) + bool(rec.get("shared")) != 1:
                    raise _problem(path, f"verdicts {key!r}: give exactly one of a winner, tie or shared")
            getattr(out, kind)[str(key)] = rec
    return out



# -- applying -------------------------------------------------------------------------------------------------
@dataclass
class Applied:
    """What applying decisions did: counts, the files it rewrote, and the decisions that matched nothing
    (``(kind, key, why)``: kind ``unit``, ``warning`` or ``verdict``)."""

    out_dir: str
    counts: Counter = field(default_factory=Counter)
    files: list[str] = field(default_factory=list)
    unmatched: list[tuple[str, str, str]] = field(default_factory=list)
    #: some decision changed the records (else there is nothing to rewrite)
    changed: bool = False

    @property
    def ok(self) -> bool:
        return not self.unmatched

    def summary(self) -> str:
        """One line: what changed, where, and how many decisions matched nothing."""
        c = self.counts
        parts = [f"{c[k]} {what}" for k, what in (
            ("rejected", "unit(s) rejected"), ("accepted", "accepted"), ("confirmed", "warning(s) confirmed"),
            ("dismissed", "dismissed"), ("corrected", "verdict(s) corrected"), ("kept", "verdict(s) kept"),
            ("noted", "note(s)"), ("already", "already applied")) if c[k]]
        done = ", ".join(parts) or "no decisions"
        where = f"; rewrote {', '.join(self.files)}" if self.files else "; nothing to rewrite"
        missed = f"; {len(self.unmatched)} match nothing (listed below)" if self.unmatched else ""
        return f"{done}{where}{missed} -> {self.out_dir}"

    def unmatched_lines(self) -> list[str]:
        return [f"  no {kind} {key}: {why}" for kind, key, why in self.unmatched]


def _hint(kind: str, rec: dict) -> str:
    """Where the page said a decision was (the positions of the run it was made on), for a reader."""
    where = {"unit": ("unit #", "index"), "warning": ("warning of unit #", "index"),
             "verdict": ("section ", "section")}[kind]
    pos = rec.get(where[1])
    return (f"{where[0]}{pos} of {rec.get('doc_id')}" if pos is not None else f"in {rec.get('doc_id')}") \
        if rec.get("doc_id") is not None else "no position given"


def _same(kind: str, a: dict, b: dict) -> bool:
    fields = ("winner", "tie", "shared", "note") if kind == "verdicts" else ("decision", "note")
    return all((a.get(f) or None) == (b.get(f) or None) for f in fields)


def _earlier(document: dict) -> dict[str, dict[str, dict]]:
    """kind -> key -> the latest audit record of that key in the document's earlier ``review`` entries."""
    seen: dict[str, dict[str, dict]] = {k: {} for k in ("units", "warnings", "verdicts")}
    for entry in document.get("review") or []:
        for kind in seen:
            for rec in entry.get(kind) or [] if isinstance(entry, dict) else []:
                if isinstance(rec, dict) and "key" in rec:
                    seen[kind][rec["key"]] = rec
    return seen


def _zh_name(name: str, document: dict, pairs: list[dict]) -> Optional[str]:
    """The Chinese name of a competitor: as a verdict of the document gives it, else its commonest linked
    Chinese entity."""
    for s in document.get("sections") or []:
        for a in (s.get("advantage"), s.get("advantage_alt")):
            if a and a.get("winner") == name and a.get("winner_zh"):
                return a["winner_zh"]
    names = Counter(e.get("text") for p in pairs for e in p.get("entities") or []
                    if e.get("lang") == "zh" and e.get("canonical") == name and e.get("text"))
    return names.most_common(1)[0][0] if names else None


def _correct(document: dict, pairs: list[dict], section: dict, rec: dict) -> dict:
    """Apply a verdict to a section (and its comparison row); return the advantage it replaced."""
    from .document import Advantage, ComparisonRow

    old = section.get("advantage")
    base = old or {}
    winner = rec.get("winner") or None
    new = Advantage(winner=winner, winner_zh=_zh_name(winner, document, pairs) if winner else None,
                    margin=base.get("margin") or "normal", gaining=base.get("gaining"), tie=bool(rec.get("tie")),
                    evidence=base.get("evidence") or "both", source="reviewer", shared=bool(rec.get("shared")))
    section["advantage"] = new.to_dict()
    rows = [r for r in document.get("comparison") or [] if r.get("section") == section.get("index")]
    if not rows:
        aspect = section.get("aspect") or {}
        names = sorted({n for r in document.get("comparison") or [] for n in r.get("competitors") or []}
                       | ({winner} if winner else set()))
        row = ComparisonRow(doc_id=document.get("doc_id"), section=section.get("index"),
                            aspect_en=aspect.get("en"), aspect_zh=aspect.get("zh"), winner=None, winner_zh=None,
                            margin=new.margin, gaining=new.gaining, tie=False, competitors=names, evidence=[],
                            evidence_summary="").to_dict()
        document["comparison"] = sorted((document.get("comparison") or []) + [row], key=lambda r: r["section"])
        rows = [row]
    for row in rows:
        row.update(winner=new.winner, winner_zh=new.winner_zh, tie=new.tie, shared=new.shared, source="reviewer")
    return old




def decide(articles: list[tuple[dict, list[dict]]], decisions: Decisions, name: str = "decisions.json",
           out_dir: str = "") -> tuple[Applied, set[tuple[str, int]]]:
    """Match decisions to the records of an output directory (``(document, pairs)`` each, as
    :func:`~nlp_toolkit.export.read_output.load_output` reads them) and change the records in place: rejected
    units out of ``pairs``, corrected verdicts in the sections and comparison rows, an audit entry appended to
    each document's ``review``. Returns what was done and the ``(doc_id, index)`` of the units removed (which the
    caller leaves out of the translation exports)."""
    result = Applied(out_dir=str(out_dir))
    units, warnings, sections, earlier = {}, {}, {}, {}
    for d, (document, pairs) in enumerate(articles):
        for kind, recs in _earlier(document).items():
            for key, rec in recs.items():
                earlier[(kind, key)] = (d, rec)
        for key, pair in zip(unit_keys(pairs), pairs):
            units[key] = (d, pair)
            for wkey, w in zip(warning_keys(key, pair.get("warnings") or []), pair.get("warnings") or []):
                warnings[wkey] = (d, pair, w)
        for wkey, w in zip(warning_keys(str(document.get("doc_id")), document.get("warnings") or []),
                           document.get("warnings") or []):
            warnings[wkey] = (d, None, w)
        for skey, s in zip(section_keys(document), document.get("sections") or []):
            sections[skey] = (d, s)
    entries = [{"file": name, "created": decisions.created, "units": [], "warnings": [], "verdicts": []}
               for _ in articles]
    removed: set[tuple[str, int]] = set()
    found = {"units": units, "warnings": warnings, "verdicts": sections}
    for kind in ("units", "warnings", "verdicts"):
        for key, rec in getattr(decisions, kind).items():
            before = earlier.get((kind, key))
            if before and _same(kind, before[1], rec):
                result.counts["already"] += 1
                continue
            if key not in found[kind]:
                why = (f"rejected earlier ({_hint(kind[:-1], rec)}); rerun nlp-toolkit process to bring it back"
                       if before and before[1].get("decision") == "rejected" else
                       f"{_hint(kind[:-1], rec)} is not in this output (another input, or its text changed)")
                result.unmatched.append((kind[:-1], key, why))
                continue
            note = rec.get("note") or None
            if kind == "units":
                d, pair = units[key]
                audit = {"key": key, "index": pair.get("index"), "bead": pair.get("bead"),
                         "decision": rec.get("decision"), "note": note}
                if rec.get("decision") == "rejected":
                    audit.update(en=pair.get("en"), zh=pair.get("zh"), score=pair.get("score"))
                    removed.add((pair.get("doc_id"), pair.get("index")))
            elif kind == "warnings":
                d, pair, w = warnings[key]
                audit = {"key": key, "unit": key.rsplit("/w:", 1)[0] if pair is not None else None,
                         "index": pair.get("index") if pair is not None else None, "code": w.get("code"),
                         "severity": w.get("severity"), "message": w.get("message"),
                         "decision": rec.get("decision"), "note": note}
            else:
                d, section = sections[key]
                document, pairs = articles[d]
                old = section.get("advantage") or {}
                changed = (old.get("winner") or None, bool(old.get("tie")), bool(old.get("shared"))) != (
                    rec.get("winner") or None, bool(rec.get("tie")), bool(rec.get("shared")))
                previous = _correct(document, pairs, section, rec) if changed else old
                audit = {"key": key, "section": section.get("index"), "winner": rec.get("winner") or None,
                         "tie": bool(rec.get("tie")), "shared": bool(rec.get("shared")), "previous": previous,
                         "note": note}
                result.counts["corrected" if changed else "kept"] += 1
            if kind != "verdicts" and rec.get("decision"):
                result.counts[rec["decision"]] += 1
            result.counts["noted"] += bool(note)
            entries[d][kind].append(audit)
    result.changed = any(e[k] for e in entries for k in ("units", "warnings", "verdicts"))
    for (document, pairs), entry in zip(articles, entries):
        if any(entry[k] for k in ("units", "warnings", "verdicts")):
            document["review"] = list(document.get("review") or []) + [entry]
        if any((p.get("doc_id"), p.get("index")) in removed for p in pairs):
            pairs[:] = [p for p in pairs if (p.get("doc_id"), p.get("index")) not in removed]
            document["pairs"] = len(pairs)
            codes = Counter(w.get("code") for p in pairs for w in p.get("warnings") or [])
            codes.update(w.get("code") for w in document.get("warnings") or [])
            document["warning_counts"] = dict(sorted(codes.items()))
    return result, removed

"""The HTML review page: one self-contained page per article (or one page for several articles), rendered from
records only.

This module renders; it reads no input and writes no file and never runs the pipeline: :mod:`nlp_toolkit.commands`
gets the records (processing an article file, or reading an output directory with
:mod:`nlp_toolkit.export.read_output`) and writes the page atomically.

The page shows, from the export records (``documents.jsonl`` / ``pairs.jsonl``, contract v1):

- a warnings index per article (worst severity first), each entry a link to its unit's anchor;
- the aligned paragraphs side by side, one table row per aligned unit (``tr.pair``), with the sentence
  alignment of each unit on demand (a ``<details>`` element) and each warning labelled with its severity;
- entities highlighted: a name whose canonical name is also an entity's on the other side of its unit is
  *linked* (coloured, the same colour on both sides: ten hues, light and dark, ``report.css``); any other is
  grey and labelled ``no ZH link`` / ``no EN link``; the names an entity warning (``entity_mismatch``,
  ``entity_missing``) is about are outlined in red, by its spans, and labelled (``not in ZH``, ``≠ ZH``); every
  name shows its type, without hover (labels are drawn from ``data-label``, no part of the text);
- numeric claims underlined; a claim in a cross-language link that disagrees (``claim_links`` with
  ``agree: false``) is marked in red;
- the section advantage table (``sections``), with the other language's reading when EN and ZH disagree;
- per section, its evidence per competitor as the values themselves (sign, number, unit, the words it was read
  from, a link to the unit), or for a section without a verdict a small SVG chart of its claims per language.

The page's one inline script (``templates/report.js``) adds search, filters (warning kind and severity, low
score, unaligned units, section, decision), keyboard navigation (``j``/``n`` next warning, ``k``/``p`` previous,
``a``/``r`` accept or reject the current unit, ``/`` search) and the reviewer's decisions: units accepted or
rejected, warnings confirmed or dismissed, verdicts corrected, kept in local storage and downloaded as
``decisions.json`` (a Blob), keyed as :mod:`nlp_toolkit.decisions` says so that ``nlp-toolkit apply-decisions``
finds them after a re-run. The script never writes markup (``textContent`` only); every control is a real
button, input or select.

Escaping does not depend on the CSP. The records may have been edited by hand or by anyone: every value taken
from them, whatever its type (text, a number, a list where a number belongs), reaches the page through one helper,
:func:`esc`; records are first brought to the shapes the renderer walks (:func:`_shaped`: a list where a list
belongs, a scalar at a leaf), so that a tampered record renders as text rather than failing. Bidirectional
controls (U+202A-U+202E, U+2066-U+2069, U+200E/F, U+061C) never reach the page raw: :func:`esc` replaces each
by a visible mark (``⟨RLO⟩``, titled with the character's name in element content), so an unclosed override in
one cell cannot reverse the text of the cells after it; each cell of article text is also isolated (``<bdi>``,
``dir="auto"``) against right-to-left script it contains. The page loads nothing from the network, and its
Content-Security-Policy forbids any script but its own, allowed by the SHA-256 of its text computed when the
page is rendered (:func:`script_hash`; no ``'unsafe-inline'`` for scripts). Templates are package data
(``nlp_toolkit/templates``).

>>> _mark("a<b> Tesla", [(5, 10, "ent e0", "ORG")])
'a&lt;b&gt; <span class="ent e0" title="ORG">Tesla</span>'
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import unicodedata
from collections import defaultdict
from importlib import resources
from string import Template
from typing import Optional

from . import __version__
from .decisions import digest, section_keys, unit_keys, warning_keys
from .export.read_output import Articles


#: how many entity colours the style sheet defines (``.c0`` ... ``.c9``, light and dark: ``report.css``); the
#: ``i``-th linked name of an article gets ``c{i % PALETTE}``, so the first ten never share a hue
PALETTE = 10
#: a warning's severities, worst first (``Notice.severity``)
SEVERITIES = ("error", "warning", "info")


#: bidirectional formatting characters -> their short names (the embeddings, overrides, isolates and marks)
BIDI_CONTROLS = {"\u202a": "LRE", "\u202b": "RLE", "\u202c": "PDF", "\u202d": "LRO", "\u202e": "RLO",
                 "\u2066": "LRI", "\u2067": "RLI", "\u2068": "FSI", "\u2069": "PDI",
                 "\u200e": "LRM", "\u200f": "RLM", "\u061c": "ALM"}
_BIDI = re.compile("[" + "".join(BIDI_CONTROLS) + "]")


def _mark_html(m: re.Match) -> str:
    c = m.group()
    return f'<span class="ctl" title="U+{ord(c):04X} {unicodedata.name(c)}">&#10216;{BIDI_CONTROLS[c]}&#10217;</span>'


def esc(value, markup: bool = False) -> str:
    """Any value as HTML text: ``str(value)`` with ``&``, ``<``, ``>`` and quotes escaped (None as ''), and each
    bidirectional control replaced by a visible mark: ``⟨RLO⟩`` as plain text (safe in an attribute), or with
    ``markup`` (element content only) as a ``<span class="ctl">`` titled with the character's name. Every value
    from a record goes through here.

    >>> esc('<b title="x">') , esc(3.5), esc(None)
    ('&lt;b title=&quot;x&quot;&gt;', '3.5', '')
    >>> esc("a\u202eb"), esc("a\u202eb", markup=True)
    ('a&#10216;RLO&#10217;b', 'a<span class="ctl" title="U+202E RIGHT-TO-LEFT OVERRIDE">&#10216;RLO&#10217;</span>b')
    """
    text = "" if value is None else html.escape(str(value), quote=True)
    if markup:
        return _BIDI.sub(_mark_html, text)
    return _BIDI.sub(lambda m: f"&#10216;{BIDI_CONTROLS[m.group()]}&#10217;", text)


def txt(value) -> str:
    """Article text as element content: :func:`esc` with visible control marks, isolated in ``<bdi>``."""
    text = esc(value, markup=True)
    return f"<bdi>{text}</bdi>" if text else ""


# -- the shapes of the records ------------------------------------------------------------------------------
#: per kind of record, the keys the renderer walks as a list of records (of a kind), one record, or a list of
#: scalars; every other value is a scalar
_SHAPES: dict[str, dict[str, tuple[str, str]]] = {
    "document": {"sections": ("records", "section"), "comparison": ("records", "row"),
                 "warnings": ("records", "leaf"), "removed": ("records", "leaf")},
    "section": {"heading": ("record", "leaf"), "aspect": ("record", "leaf"), "advantage": ("record", "leaf"),
                "advantage_alt": ("record", "leaf"), "pairs": ("scalars", "")},
    "row": {"evidence": ("records", "leaf"), "competitors": ("scalars", "")},
    "pair": {"entities": ("records", "leaf"), "claims": ("records", "leaf"), "warnings": ("records", "warning"),
             "claim_links": ("records", "link"), "sentences": ("records", "sentence"),
             "translation": ("record", "leaf"), "en_ids": ("scalars", ""), "zh_ids": ("scalars", ""),
             "quality": ("record", "quality"), "dropped": ("scalars", "")},
    "sentence": {"en_ids": ("scalars", ""), "zh_ids": ("scalars", ""), "quality": ("record", "quality"),
                 "dropped": ("scalars", "")},
    "quality": {"reasons": ("scalars", ""), "signals": ("record", "leaf")},
    "link": {"differences": ("scalars", "")},
    "warning": {"en_span": ("scalars", ""), "zh_span": ("scalars", "")},
    "leaf": {},
}


def _leaf(value):
    """A scalar as it is; a list or record where a scalar belongs as its JSON text (then escaped like text)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except ValueError:
        return str(value)


def _shaped(record, kind: str) -> dict:
    """A record of ``kind`` (see :data:`_SHAPES`) in the shapes the renderer walks, whatever a file held: the
    known containers as lists and records (else empty), every other value a scalar (:func:`_leaf`)."""
    if not isinstance(record, dict):
        return {}
    shapes = _SHAPES[kind]
    out = {}
    for key, value in record.items():
        key = str(key)
        shape, sub = shapes.get(key, ("scalar", ""))
        if shape == "records":
            value = [_shaped(v, sub) for v in value if isinstance(v, dict)] if isinstance(value, list) else []
        elif shape == "record":
            value = _shaped(value, sub) if isinstance(value, dict) else None
        elif shape == "scalars":
            value = [_leaf(v) for v in value] if isinstance(value, list) else []
        else:
            value = _leaf(value)
        out[key] = value
    return out


def _int(value) -> Optional[int]:
    """An offset or index: an int (not a bool), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value) -> str:
    return "" if value is None else str(value)


def _template(name: str) -> str:
    return resources.files("nlp_toolkit.templates").joinpath(name).read_text(encoding="utf-8")


# -- marking up text ------------------------------------------------------------------------------------------
def _mark(text: str, spans: list[tuple]) -> str:
    """``text`` escaped, each span ``(start, end, css classes, title[, after])`` wrapped in a ``<span>``; where
    spans overlap, the piece carries the classes and titles of all of them. ``after`` (markup made here, never
    record text unescaped) follows the span's last piece: a visible label."""
    n = len(text)
    spans = [(max(0, _int(s)), min(n, _int(e)), c, t, *rest) for s, e, c, t, *rest in spans
             if _int(s) is not None and _int(e) is not None]
    spans = [sp for sp in spans if sp[0] < sp[1]]
    cuts = sorted({0, n} | {s for s, *_ in spans} | {e for _, e, *_ in spans})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        piece = esc(text[a:b], markup=True).replace("\n", "<br>")
        active = [sp for sp in spans if sp[0] <= a and b <= sp[1]]
        if not active:
            out.append(piece)
            continue
        classes = " ".join(dict.fromkeys(c for _, _, cs, *_ in active for c in cs.split()))
        title = " | ".join(dict.fromkeys(sp[3] for sp in active if sp[3]))
        out.append(f'<span class="{esc(classes)}" title="{esc(title)}">{piece}</span>')
        if any("mismatch" in cs.split() and "claim" in cs.split() and e == b for _, e, cs, *_ in active):
            out.append('<sup class="flag" title="cross-language mismatch">&#8800;</sup>')
        out += [sp[4] for sp in active if len(sp) > 4 and sp[1] == b and sp[4]]
    return "".join(out)


def _number(value) -> str:
    """A number as text for the page (``69,800``; anything else as its text): pass the result to :func:`esc`."""
    if value is None:
        return ""
    try:
        v = float(value)
    except (TypeError, ValueError, OverflowError):
        return str(value)
    if v != v or v in (float("inf"), float("-inf")):
        return str(value)
    return f"{int(v):,}" if v.is_integer() and abs(v) < 1e15 else f"{v:,.6g}"


def claim_title(c: dict) -> str:
    """A claim in words: ``money: 69,800 CNY (exact)``."""
    value = _number(c.get("value"))
    if c.get("value_max") is not None:
        value += f"–{_number(c['value_max'])}"
    unit = f" {c['unit']}" if c.get("unit") else ""
    period = f" per {c['period']}" if c.get("period") else ""
    subject = f"; about {c['subject']}" if c.get("subject") else ""
    return f"{c.get('kind', 'claim')}: {value}{unit}{period} ({c.get('qualifier', 'exact')}){subject}"


#: the other language of a side, as the page names it
OTHER = {"en": "ZH", "zh": "EN"}
LANG_NAMES = ("en", "zh")


class _Colours:
    """The names of an article: canonical name of a linked entity -> colour class, in order of first appearance;
    and every form a canonical name is written in, per language (:meth:`written`)."""

    def __init__(self, pairs: list[dict] = ()):
        self.index: dict[str, int] = {}
        self.surfaces: dict[str, dict[str, list[str]]] = {}
        self.forms: dict[str, dict[str, set[str]]] = defaultdict(lambda: {"en": set(), "zh": set()})
        for p in pairs:
            for e in p.get("entities", []):
                if e.get("canonical") and e.get("lang") in LANG_NAMES and len(_text(e.get("text"))) > 1:
                    self.forms[_text(e["canonical"])][e["lang"]].add(_text(e["text"]))

    def written(self, canonical: str, lang: str, text: str) -> bool:
        """A form of ``canonical`` (any the article's entities give it in ``lang``, or the English name itself)
        is written in ``text``: the name is there although no entity was recognized on it."""
        forms = self.forms[canonical][lang] | ({canonical} if lang == "en" else set())
        return any(re.search(rf"(?<![^\W\d_]){re.escape(f)}(?![^\W\d_])", text) if f.isascii() else f in text
                   for f in forms if len(f) > 1)

    def add(self, entity: dict) -> str:
        canonical = str(entity.get("canonical"))
        if canonical not in self.index:
            self.index[canonical] = len(self.index)
            self.surfaces[canonical] = {"en": [], "zh": []}
        forms = self.surfaces[canonical].setdefault(entity.get("lang", "en"), [])
        if entity.get("text") and entity["text"] not in forms:
            forms.append(entity["text"])
        i = self.index[canonical]
        return f"ent linked e{i} c{i % PALETTE}"




def _tag(text: str, css: str = "lbl") -> str:
    """A small label after a name (its type, "no ZH link", "not in ZH"), visible without hover: drawn by the
    style sheet from ``data-label``, so it is no part of the text (copied, searched or read as the unit's)."""
    return f'<span class="{css}" data-label="{esc(text)}"></span>'


def _side(pair: dict, lang: str, colours: _Colours, flagged: set[int], linked: set[int]) -> str:
    """One side of a unit, marked up. An entity is *linked* when its canonical name is also an entity's on the
    other side of the unit, or one of its forms is written there (coloured, the same colour on both sides);
    otherwise *unlinked* (grey, labelled). The names an entity warning is about are outlined in red and labelled
    with what is wrong."""
    text = _text(pair.get(lang))
    if not text:
        return '<span class="empty">(no counterpart)</span>'
    spans = []
    other_lang = "zh" if lang == "en" else "en"
    other = {_text(e.get("canonical")) for e in pair.get("entities", []) if e.get("lang") != lang
             and e.get("canonical")}
    for e in pair.get("entities", []):
        if e.get("lang") == lang:
            name = _text(e.get("canonical"))
            is_linked = bool(name) and (name in other
                                        or colours.written(name, other_lang, _text(pair.get(other_lang))))
            css = colours.add(e) if is_linked else "ent nolink"
            title = _text(e.get("label")) + (f" → {e['canonical']}" if e.get("canonical") else " (not linked)")
            label = _text(e.get("label")) + ("" if is_linked else f" · no {OTHER[lang]} link")
            spans.append((e.get("start"), e.get("end"), css, title, _tag(label)))
    for i, c in enumerate(pair.get("claims", [])):
        if c.get("lang") == lang:
            css = "claim" + (" mismatch" if i in flagged else " linked" if i in linked else "")
            title = claim_title(c) + (" — disagrees with its translation" if i in flagged else "")
            spans.append((c.get("start"), c.get("end"), css, title))
    for w in pair.get("warnings", []):  # the names an entity warning is about, outlined
        span = w.get(f"{lang}_span")
        if _text(w.get("code")).startswith("entity_") and len(span or []) == 2:
            mismatch = w.get("code") == "entity_mismatch"
            css = "entity-flag" + (" mismatch" if mismatch else "")
            what = f"≠ {OTHER[lang]}" if mismatch else f"not in {OTHER[lang]}" if w.get("lang") == lang else \
                "missing on the other side"
            spans.append((span[0], span[1], css, f"{_text(w.get('code'))}: {_text(w.get('message'))}",
                          _tag(what, "lbl bad")))
    return f"<bdi>{_mark(text, spans)}</bdi>"


def _link_sets(pair: dict) -> tuple[set[int], set[int], list[str]]:
    """(claims in a disagreeing link, claims in an agreeing link, descriptions of the disagreements)."""
    claims = pair.get("claims", [])
    flagged, linked, notes = set(), set(), []
    for link in pair.get("claim_links", []):
        ids = {_int(link.get("en")), _int(link.get("zh"))} - {None}
        if link.get("agree", True):
            linked |= ids
            continue
        flagged |= ids
        try:
            en, zh = claims[_int(link["en"])], claims[_int(link["zh"])]
            diff = ", ".join(map(_text, link.get("differences") or [])) or "values"
            notes.append(f"EN “{en.get('text')}” ({claim_title(en)}) vs ZH “{zh.get('text')}” ({claim_title(zh)}): "
                         f"{diff} differ")
        except (IndexError, KeyError, TypeError):
            notes.append("a claim link points at no claim")
    return flagged, linked, notes


def _sentences(pair: dict) -> str:
    sents = pair.get("sentences") or []
    if not sents:
        return ""
    rows = "".join(
        f'<tr><td lang="en" dir="auto">{txt(s.get("en")) or "<span class=empty>—</span>"}</td>'
        f'<td lang="zh" dir="auto">{txt(s.get("zh")) or "<span class=empty>—</span>"}</td>'
        f'<td class="muted">{esc(len(s.get("en_ids", [])))}-{esc(len(s.get("zh_ids", [])))} '
        f'{esc(_number(s.get("score")))} {_quality(s)}</td></tr>'
        for s in sents)
    return (f'<details class="sentences"><summary>Sentences ({esc(len(sents))})</summary>'
            f'<table class="sentences"><thead><tr><th>English</th><th>中文</th><th>bead, score</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></details>")


def _section_title(s: dict) -> str:
    heading = s.get("heading") or {}
    parts = [_text(h) for h in (heading.get("en"), heading.get("zh")) if h]
    return " / ".join(parts) if parts else ("Introduction" if s.get("index") == 0 else "(no heading)")


def _severity(w: dict) -> str:
    sev = _text(w.get("severity")) or "warning"
    return sev if sev in SEVERITIES else "warning"


def _warning_item(w: dict, key: str, unit: str) -> str:
    """A warning in its unit's list: severity and code as visible labels, the message, confirm/dismiss buttons."""
    code, sev = _text(w.get("code")) or "warning", _severity(w)
    return (f'<li class="warning sev-{sev}" dir="auto" data-wkey="{esc(key)}" data-unit="{esc(unit)}" '
            f'data-code="{esc(code)}" data-severity="{sev}"><span class="sev">{sev}</span> '
            f"<code>{esc(code)}</code> {txt(w.get('message'))} "
            '<span class="wdec"><button type="button" data-wset="confirmed" aria-pressed="false">confirm</button>'
            '<button type="button" data-wset="dismissed" aria-pressed="false">dismiss</button></span></li>')


def _quality(unit: dict) -> str:
    """A unit's quality score and its reasons, and what the run's filters left it out of the training exports
    for (``dropped``), as visible text; "" when the record has neither."""
    q = unit.get("quality") if isinstance(unit.get("quality"), dict) else {}
    out = ""
    if q.get("score") is not None:
        reasons = [_text(r) for r in q.get("reasons") or []]
        out += (f'<span class="quality">quality {esc(_number(q.get("score")))}'
                + (f' ({esc(", ".join(reasons))})' if reasons else "") + "</span>")
    dropped = [_text(r) for r in unit.get("dropped") or []]
    if dropped:
        dup = f' of {esc(unit.get("duplicate_of"))}' if unit.get("duplicate_of") else ""
        out += f'<span class="dropped">left out: {esc(", ".join(dropped))}{dup}</span>'
    return out


def _review_cell(pair: dict) -> str:
    """The unit's number, bead, score and quality, and the reviewer's controls: accept, reject, a note."""
    idx = pair.get("index")
    quality = _quality(pair)
    return (f'<td class="idx">#{esc(idx)}<br>{esc(pair.get("bead"))}<br>score {esc(_number(pair.get("score")))}'
            + (f"<br>{quality}" if quality else "")
            + f'<div class="udec"><button type="button" data-set="accepted" aria-pressed="false">accept</button>'
            f'<button type="button" data-set="rejected" aria-pressed="false">reject</button>'
            f'<span class="state"></span>'
            f'<input type="text" class="note" placeholder="note" aria-label="note on unit #{esc(idx)}"></div></td>')


def _pairs_table(anchor: str, document: dict, pairs: list[dict], colours: _Colours, keys: list[str]) -> str:
    starts = {}
    for s in document.get("sections", []):
        rng = s.get("pairs") or [None]
        if _int(rng[0]) is not None:
            starts.setdefault(rng[0], s)
    rows = []
    for pair, key in zip(pairs, keys):
        idx = pair.get("index")
        if _int(idx) is not None and idx in starts:
            s = starts[idx]
            rows.append(f'<tr class="section-row" id="{esc(anchor)}-s{esc(s.get("index"))}"><th colspan="3">'
                        f'Section {esc(s.get("index"))}: {txt(_section_title(s))}</th></tr>')
        flagged, linked, notes = _link_sets(pair)
        warnings = pair.get("warnings", [])
        items = [_warning_item(w, wkey, key) for w, wkey in zip(warnings, warning_keys(key, warnings))]
        if not any(_text(w.get("code")).startswith("claim_") for w in warnings):  # a link's own description
            items += [f'<li class="detail" dir="auto">&#9888; {txt(n)}</li>' for n in notes]
        warn_html = f'<ul class="warnings">{"".join(items)}</ul>' if items else ""
        classes = ["pair"]
        if not pair.get("en") or not pair.get("zh"):
            classes.append("unaligned")
        if flagged or warnings:
            classes.append("flagged")
        marks = " ".join(f"{_text(w.get('code'))}:{_severity(w)}" for w in warnings)
        rows.append(
            f'<tr class="{esc(" ".join(classes))}" id="{esc(anchor)}-p{esc(idx)}" data-bead="{esc(pair.get("bead"))}" '
            f'data-key="{esc(key)}" data-doc="{esc(document.get("doc_id"))}" data-index="{esc(idx)}" '
            f'data-score="{esc(pair.get("score"))}" data-section="{esc(anchor)}-s{esc(pair.get("section"))}" '
            f'data-warn="{esc(marks)}" tabindex="-1">'
            f"{_review_cell(pair)}"
            f'<td class="en" lang="en" dir="auto">{_side(pair, "en", colours, flagged, linked)}{warn_html}'
            f"{_sentences(pair)}</td>"
            f'<td class="zh" lang="zh" dir="auto">{_side(pair, "zh", colours, flagged, linked)}</td></tr>')
    return ('<table class="pairs"><thead><tr><th>unit, review</th><th>English</th><th>中文</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def _warnings_index(anchor: str, document: dict, pairs: list[dict], keys: list[str]) -> str:
    """Every warning of the article, worst first then in document order, each a link to its unit (an article's
    own warning links to the section advantages)."""
    items = []
    for pair, key in zip(pairs, keys):
        for w in pair.get("warnings", []):
            items.append((w, f"{anchor}-p{_text(pair.get('index'))}", f"unit #{_text(pair.get('index'))}"))
    items += [(w, f"{anchor}-adv", "article") for w in document.get("warnings", [])]
    if not items:
        return '<p class="muted windex-empty">No warnings.</p>'
    items.sort(key=lambda it: SEVERITIES.index(_severity(it[0])))
    lis = "".join(
        f'<li class="wi sev-{_severity(w)}" data-code="{esc(_text(w.get("code")))}" '
        f'data-severity="{_severity(w)}" data-target="{esc(target)}"><a href="#{esc(target)}">{esc(where)}</a> '
        f'<span class="sev">{_severity(w)}</span> <code>{esc(w.get("code"))}</code> '
        f'<span dir="auto">{txt(w.get("message"))}</span></li>' for w, target, where in items)
    return f'<ol class="windex">{lis}</ol>'


def _advantage_cell(a: Optional[dict]) -> str:
    if not a:
        return "—"
    if a.get("tie"):
        return "tie"
    if a.get("shared"):
        return "both"
    winner = txt(a.get("winner") or "?")
    if a.get("winner_zh"):
        winner += f" / {txt(a['winner_zh'])}"
    return winner


def _read_from(a: Optional[dict], section: dict) -> str:
    """Where a verdict was read: the languages, and the heading or the line (with its unit)."""
    if not a:
        return ""
    where = esc(a.get("source") or "heading")
    if section.get("verdict_pair") is not None:
        where += f" (unit {esc(section.get('verdict_pair'))})"
    return f"{esc(a.get('evidence'))}, {where}"


def _competitors(document: dict) -> list[str]:
    """The competitors of an article: those its comparison names, then the winners its sections read."""
    names = [n for r in document.get("comparison", []) for n in r.get("competitors") or []]
    names += [a.get("winner") for s in document.get("sections", []) for a in (s.get("advantage"),
                                                                               s.get("advantage_alt")) if a]
    return list(dict.fromkeys(_text(n) for n in names if n))


def _verdict_control(s: dict, key: str, names: list[str]) -> str:
    """A select of the section's verdict as the reviewer corrects it (a competitor, a tie, both), and a note."""
    options = "".join(f'<option value="winner:{esc(n)}">{esc(n)}</option>' for n in names)
    title = f"section {_text(s.get('index'))}"
    return (f'<td class="vdec"><select class="verdict" data-vkey="{esc(key)}" data-section="{esc(s.get("index"))}" '
            f'aria-label="corrected verdict of {esc(title)}"><option value="">as read</option>{options}'
            f'<option value="tie">tie</option><option value="shared">both</option></select>'
            f'<input type="text" class="vnote" placeholder="note" aria-label="note on the verdict of {esc(title)}">'
            "</td>")


def _advantages_table(document: dict, anchor: str = "a0") -> str:
    rows = []
    names = _competitors(document)
    for s, key in zip(document.get("sections", []), section_keys(document)):
        a, alt = s.get("advantage"), s.get("advantage_alt")
        aspect = s.get("aspect") or {}
        rng = s.get("pairs") or []
        alt_cell = (f'<td class="disagree">&#9888; {_advantage_cell(alt)} ({esc(alt.get("margin"))}, '
                    f'from {esc(alt.get("evidence"))})</td>' if alt else "<td></td>")
        rows.append(
            f"<tr><td>{esc(s.get('index'))}</td><td>{'–'.join(esc(r) for r in rng)}</td>"
            f"<td dir=\"auto\">{txt(aspect.get('en'))}</td><td lang=\"zh\" dir=\"auto\">{txt(aspect.get('zh'))}</td>"
            f'<td class="winner">{_advantage_cell(a)}</td><td>{esc(a.get("margin")) if a else ""}</td>'
            f'<td>{txt(a.get("gaining")) if a and a.get("gaining") else ""}</td>'
            f'<td>{_read_from(a, s)}</td>{alt_cell}{_verdict_control(s, key, names)}</tr>')
    if not rows:
        return f'<p class="muted" id="{esc(anchor)}-adv">No sections.</p>'
    return (f'<table class="advantages" id="{esc(anchor)}-adv" data-doc="{esc(document.get("doc_id"))}"><thead><tr>'
            "<th>section</th><th>units</th><th>aspect</th><th>方面</th><th>advantage</th><th>margin</th>"
            "<th>gaining</th><th>read from</th><th>other reading</th><th>review</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def bar_chart(title: str, bars: list[tuple[str, float, str]], width: int = 320) -> str:
    """A horizontal bar chart as inline SVG; ``bars`` are ``(label, value, colour)``.

    >>> svg = bar_chart("T<1>", [("Tesla", 2, "#2f6fde"), ("BYD", 1, "#9aa5b8")])
    >>> svg.count("<rect"), "T&lt;1&gt;" in svg
    (2, True)
    """
    row, label_w, pad = 22, 120, 4
    top = max((v for _, v, _ in bars), default=0) or 1
    height = row * max(1, len(bars)) + pad * 2
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{esc(title)}"><title>{esc(title)}</title>']
    for i, (label, value, colour) in enumerate(bars):
        label = _text(label)
        y = pad + i * row
        w = (width - label_w - 40) * (value / top)
        short = label if len(label) <= 16 else label[:15] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">{esc(short)}</text>'
                     f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="{esc(colour)}">'
                     f"<title>{esc(label)}: {esc(_number(value))}</title></rect>"
                     f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" font-size="12">{esc(_number(value))}</text>')
    if not bars:
        parts.append(f'<text x="{pad}" y="{pad + 15}" font-size="12">no evidence</text>')
    parts.append("</svg>")
    return "".join(parts)


#: a claim's qualifier as the sign before its value
QUALIFIER_SIGNS = {"approx": "≈", "more_than": ">", "less_than": "<", "at_least": "≥", "at_most": "≤"}


def evidence_value(e: dict) -> str:
    """A piece of evidence as its value: sign, number in base units, unit, period (pass to :func:`esc`).

    >>> evidence_value({"value": 13000000, "unit": "package", "qualifier": "more_than", "period": "day"})
    '> 13,000,000 package/day'
    >>> evidence_value({"value": 69800, "unit": "CNY", "qualifier": "exact"})
    '69,800 CNY'
    """
    sign = QUALIFIER_SIGNS.get(_text(e.get("qualifier")), "")
    unit = f" {e['unit']}" if e.get("unit") else ""
    period = f"/{e['period']}" if e.get("period") else ""
    return f"{sign + ' ' if sign else ''}{_number(e.get('value'))}{unit}{period}"


def _evidence_table(anchor: str, rows: list[dict]) -> str:
    """The evidence of a section per competitor, as the values themselves (each with the words it was read
    from and a link to its unit): what a reader weighs against the verdict, rather than how many claims each
    side has."""
    evidence = [e for r in rows for e in (r.get("evidence") or [])]
    winners = {_text(r.get("winner")) for r in rows if r.get("winner")}
    gaining = {_text(r.get("gaining")) for r in rows if r.get("gaining")}
    by_name: dict[str, list[dict]] = {}
    for n in [n for r in rows for n in (r.get("competitors") or [])]:
        by_name.setdefault(_text(n), [])
    for e in evidence:
        by_name.setdefault(_text(e.get("competitor")) or "(no competitor)", []).append(e)
    lines = []
    for name, items in by_name.items():
        role = (_tag("winner", "lbl win") if name in winners else "") + (_tag("gaining", "lbl gain")
                                                                         if name in gaining else "")
        values = "".join(
            f'<li><b class="value">{esc(evidence_value(e))}</b> '
            f'<span class="muted" dir="auto">“{txt(e.get("text") or e.get("zh"))}”'
            + (f' / <span lang="zh">{txt(e.get("zh"))}</span>' if e.get("text") and e.get("zh") else "")
            + f'</span> <a href="#{esc(anchor)}-p{esc(e.get("pair"))}">#{esc(e.get("pair"))}</a></li>'
            for e in items) or '<li class="muted">no figures</li>'
        lines.append(f'<tr><th scope="row">{txt(name)} {role}</th><td><ul class="values">{values}</ul></td></tr>')
    return f'<table class="evidence"><tbody>{"".join(lines)}</tbody></table>'


def _charts(document: dict, pairs: list[dict], anchor: str = "a0") -> str:
    """Per section: the evidence per competitor as values (a section with a verdict), else a small chart of
    the section's numeric claims per language and its mismatched links."""
    rows_by_section = defaultdict(list)
    for r in document.get("comparison", []):
        rows_by_section[r.get("section")].append(r)
    by_index = {p.get("index"): p for p in pairs}
    figures = []
    for s in document.get("sections", []):
        rows = rows_by_section.get(s.get("index"), [])
        title = f"Section {s.get('index')}: {_section_title(s)}"
        if rows:
            winner = _advantage_cell(s.get("advantage")) if s.get("advantage") else "—"
            figures.append(f'<figure class="evidence"><figcaption>{esc(title)} <span class="muted">· advantage: '
                           f"{winner}</span></figcaption>{_evidence_table(anchor, rows)}</figure>")
            continue
        rng = (s.get("pairs") or [])[:2]
        lo, hi = (_int(rng[0]), _int(rng[-1])) if rng else (None, None)
        units = [p for i, p in by_index.items() if lo is not None and hi is not None and _int(i) is not None
                 and lo <= i <= hi]
        claims = [c for p in units for c in p.get("claims", [])]
        mism = sum(len(_link_sets(p)[0]) // 2 for p in units)
        bars = [("English claims", sum(c.get("lang") == "en" for c in claims), "#6b7a90"),
                ("Chinese claims", sum(c.get("lang") == "zh" for c in claims), "#6b7a90"),
                ("mismatched links", mism, "#c0262d")]
        figures.append(f'<figure class="chart"><figcaption>{esc(title)}</figcaption>{bar_chart(title, bars)}'
                       f'<div class="muted">no verdict: the section\'s numeric claims</div></figure>')
    return f'<div class="charts">{"".join(figures)}</div>' if figures else '<p class="muted">No sections.</p>'


def _legend(colours: _Colours) -> str:
    if not colours.index:
        return '<p class="muted">No linked entities.</p>'
    items = []
    for name, i in colours.index.items():
        forms = colours.surfaces[name]
        zh = " / ".join(map(_text, forms.get("zh", [])))
        items.append(f'<li class="ent linked e{i} c{i % PALETTE}">{txt(name)}'
                     + (f' = <span lang="zh">{txt(zh)}</span>' if zh else "") + "</li>")
    return f'<ul class="legend">{"".join(items)}</ul>'


def render_article(document: dict, pairs: list[dict], anchor: str = "a0") -> str:
    """One article as an ``<article>`` element (from records of any shape: see :func:`_shaped`)."""
    document, pairs = _shaped(document, "document"), [_shaped(p, "pair") for p in pairs]
    colours = _Colours(pairs)
    keys = unit_keys(pairs)
    table = _pairs_table(anchor, document, pairs, colours, keys)  # fills the colours in document order
    n_ent = sum(len(p.get("entities", [])) for p in pairs)
    n_claims = sum(len(p.get("claims", [])) for p in pairs)
    n_links = sum(len(p.get("claim_links", [])) for p in pairs)
    n_bad = sum(not l.get("agree", True) for p in pairs for l in p.get("claim_links", []))
    n_warn = sum(len(p.get("warnings", [])) for p in pairs)
    n_ent_warn = sum(_text(w.get("code")).startswith("entity_") for p in pairs for w in p.get("warnings", []))
    n_unaligned = sum(not p.get("en") or not p.get("zh") for p in pairs)
    doc_id = _text(document.get("doc_id"))
    doc_warnings = document.get("warnings", [])
    doc_warn = "".join(_warning_item(w, k, "") for w, k in zip(doc_warnings, warning_keys(doc_id, doc_warnings)))
    removed = document.get("removed", [])
    removed_html = ("<details><summary>Removed as boilerplate ({})</summary><ul>{}</ul></details>".format(
        esc(len(removed)), "".join(f"<li dir=\"auto\">line {esc(r.get('line'))}: {txt(r.get('text'))} "
                              f"<span class=\"muted\">({esc(r.get('rule'))})</span></li>" for r in removed))
                    if removed else "")
    to_index = f"#{anchor}-warnings"
    stats = [("aligned units", len(pairs), ""), ("without counterpart", n_unaligned, ""), ("entities", n_ent, ""),
             ("claims", n_claims, ""), ("claim links", n_links, ""), ("mismatched links", n_bad, ""),
             ("unit warnings", n_warn, to_index), ("entity warnings", n_ent_warn, to_index)]
    stats_html = "".join(f'<li><a href="{esc(href)}"><b>{esc(v)}</b> {esc(k)}</a></li>' if href and v else
                         f"<li><b>{esc(v)}</b> {esc(k)}</li>" for k, v, href in stats)
    return (f'<article class="doc" id="{esc(anchor)}" data-doc-id="{esc(doc_id)}">'
            f'<h2>{txt(doc_id)}</h2>'
            f'<p class="meta">source <code>{txt(document.get("source"))}</code> · encoding '
            f'{esc(document.get("encoding"))} · signature <code>{esc(document.get("signature"))}</code></p>'
            f'<ul class="stats">{stats_html}</ul>'
            + (f'<ul class="warnings doc-warnings">{doc_warn}</ul>' if doc_warn else "") + removed_html
            + f'<h3 id="{esc(anchor)}-warnings">Warnings</h3>{_warnings_index(anchor, document, pairs, keys)}'
            + f"<h3>Section advantages</h3>{_advantages_table(document, anchor)}"
            + f"<h3>Evidence per section</h3>{_charts(document, pairs, anchor)}"
            + f"<h3>Entities</h3>{_legend(colours)}"
            + '<p class="muted">A coloured name is linked: the same name, in the same colour, is on the other side '
              "of its unit. A grey name marked <i>no ZH link</i> / <i>no EN link</i> has no counterpart found there; "
              "a red outline labelled <i>not in ZH</i> or <i>&#8800; ZH</i> is a name the entity check flags. "
              "Each name shows its type. Numeric claims are underlined: double when linked to their translation, "
              "red with &#8800; when the two languages disagree.</p>"
            + f"<h3>Aligned paragraphs</h3>{table}</article>")


def _toolbar(articles: list[tuple[dict, list[dict]]]) -> str:
    """Search, filters, decisions and the keys: what the page's script works (every control a real input or
    button, reachable with Tab)."""
    codes = sorted({_text(w.get("code")) for d, pairs in articles
                    for w in [w for p in pairs for w in p.get("warnings", [])] + d.get("warnings", [])})
    sections = [(f"a{i}-s{_text(s.get('index'))}", (f"{_text(d.get('doc_id'))}: " if len(articles) > 1 else "")
                 + f"{_text(s.get('index'))}. {_section_title(s)}")
                for i, (d, _) in enumerate(articles) for s in d.get("sections", [])]

    def select(ident: str, label: str, options: list[tuple[str, str]]) -> str:
        opts = "".join(f'<option value="{esc(v)}">{esc(t)}</option>' for v, t in options)
        return f'<label>{esc(label)} <select id="{ident}"><option value="">all</option>{opts}</select></label>'

    return ('<nav class="tools" aria-label="review tools"><div class="row">'
            '<label>Search <input type="search" id="f-search" placeholder="words, names, numbers" '
            'aria-describedby="keys"></label>'
            + select("f-kind", "Warning", [(c, c) for c in codes])
            + select("f-severity", "Severity", [(s, s) for s in SEVERITIES])
            + '<label><input type="checkbox" id="f-flagged"> with warnings</label>'
              '<label><input type="checkbox" id="f-unaligned"> unaligned (1-0, 0-1)</label>'
              '<label><input type="checkbox" id="f-low"> score below</label>'
              '<input type="number" id="f-score" value="0.3" min="0" max="1" step="0.05" '
              'aria-label="score threshold">'
            + select("f-section", "Section", sections)
            + select("f-decision", "Decision", [("none", "undecided"), ("accepted", "accepted"),
                                                ("rejected", "rejected")])
            + '<output id="f-count" aria-live="polite"></output></div><div class="row">'
              '<button type="button" id="d-download">Download decisions.json</button>'
              '<label class="load">Load decisions.json <input type="file" id="d-load" '
              'accept=".json,application/json"></label>'
              '<button type="button" id="d-clear">Clear decisions</button>'
              '<output id="d-count" aria-live="polite"></output></div>'
              '<p class="keys" id="keys">Keys: <kbd>j</kbd> or <kbd>n</kbd> next warning, <kbd>k</kbd> or '
              "<kbd>p</kbd> previous warning, <kbd>a</kbd> accept and <kbd>r</kbd> reject the current unit, "
              "<kbd>/</kbd> search, <kbd>Esc</kbd> leave a field. Decisions stay in this browser (local storage) "
              "until cleared; apply them with <code>nlp-toolkit apply-decisions OUT_DIR decisions.json</code>."
              "</p><noscript><p>Scripts are off: the page reads, but filters, keys and decisions need its "
              "script.</p></noscript></nav>")


def script_hash(script: str) -> str:
    """The CSP source of an inline script: ``'sha256-...'`` of its text, exactly as it sits in the page.

    >>> script_hash("")
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    """
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def render_page(articles: Articles, title: Optional[str] = None) -> str:
    """The whole HTML page for one or more articles (records of any shape: see :func:`_shaped`)."""
    articles = [(_shaped(d, "document"), [_shaped(p, "pair") for p in pairs] if isinstance(pairs, list) else [])
                for d, pairs in articles]
    if title is None:
        title = (f"Review: {articles[0][0].get('doc_id')}" if len(articles) == 1
                 else f"Review: {len(articles)} articles")
    toc = ""
    if len(articles) > 1:
        toc = ('<nav class="toc"><ol>' + "".join(
            f'<li><a href="#a{i}">{txt(d.get("doc_id"))}</a> ({esc(len(p))} units)</li>'
            for i, (d, p) in enumerate(articles)) + "</ol></nav>")
    body = "\n".join(render_article(d, p, f"a{i}") for i, (d, p) in enumerate(articles))
    meta = f"{len(articles)} article(s), {sum(len(p) for _, p in articles)} aligned units"
    script = _template("report.js")
    return Template(_template("report.html")).substitute(
        title=esc(title), style=_template("report.css"), meta=esc(meta), toc=toc, body=body,
        tools=_toolbar(articles), script=script, script_src=script_hash(script),
        page=esc(digest(*sorted(_text(d.get("doc_id")) for d, _ in articles))),
        generator=esc(f"nlp_toolkit {__version__}"))

"""The HTML review page: one self-contained page per article (or one page for several articles), rendered from
records only.

This module renders; it reads no input and writes no file and never runs the pipeline: :mod:`nlp_toolkit.commands`
gets the records (processing an article file, or reading an output directory with
:mod:`nlp_toolkit.export.read_output`) and writes the page atomically.

The page shows, from the export records (``documents.jsonl`` / ``pairs.jsonl``, contract v1):

- the aligned paragraphs side by side, one table row per aligned unit (``tr.pair``), with the sentence
  alignment of each unit on demand (a ``<details>`` element);
- entities highlighted, an English entity and the Chinese entities linked to it sharing a colour (the same
  ``canonical`` name, the same colour; unlinked entities grey);
- numeric claims underlined; a claim in a cross-language link that disagrees (``claim_links`` with
  ``agree: false``) is marked in red, and the unit's ``warnings`` are listed under it; the names an entity
  warning (``entity_mismatch``, ``entity_missing``) is about are outlined in red, by its spans;
- the section advantage table (``sections``), with the other language's reading when EN and ZH disagree;
- a small inline SVG chart of each section's evidence (the comparison's evidence per competitor, else the
  section's claims per language).

Escaping does not depend on the CSP. The records may have been edited by hand or by anyone: every value taken
from them, whatever its type (text, a number, a list where a number belongs), reaches the page through one helper,
:func:`esc`; records are first brought to the shapes the renderer walks (:func:`_shaped`: a list where a list
belongs, a scalar at a leaf), so that a tampered record renders as text rather than failing. Bidirectional
controls (U+202A-U+202E, U+2066-U+2069, U+200E/F, U+061C) never reach the page raw: :func:`esc` replaces each
by a visible mark (``⟨RLO⟩``, titled with the character's name in element content), so an unclosed override in
one cell cannot reverse the text of the cells after it; each cell of article text is also isolated (``<bdi>``,
``dir="auto"``) against right-to-left script it contains. The page has no script, loads nothing from the network
and sets a Content-Security-Policy that forbids both. Templates are package data (``nlp_toolkit/templates``).

>>> _mark("a<b> Tesla", [(5, 10, "ent e0", "ORG")])
'a&lt;b&gt; <span class="ent e0" title="ORG">Tesla</span>'
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections import Counter, defaultdict
from importlib import resources
from string import Template
from typing import Optional

from . import __version__
from .export.read_output import Articles


def entity_colour(i: int) -> str:
    """The background of the ``i``-th linked name of an article: hues a golden angle apart, so names near each
    other in the article never share a colour, and two lightness steps.

    >>> entity_colour(0), entity_colour(1)
    ('hsl(50.0, 85%, 80%)', 'hsl(187.5, 85%, 86%)')
    """
    return f"hsl({(50 + i * 137.508) % 360:.1f}, 85%, {80 if i % 2 == 0 else 86}%)"


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
             "translation": ("record", "leaf"), "en_ids": ("scalars", ""), "zh_ids": ("scalars", "")},
    "sentence": {"en_ids": ("scalars", ""), "zh_ids": ("scalars", "")},
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
def _mark(text: str, spans: list[tuple[int, int, str, str]]) -> str:
    """``text`` escaped, each span ``(start, end, css classes, title)`` wrapped in a ``<span>``; where spans
    overlap, the piece carries the classes and titles of all of them."""
    n = len(text)
    spans = [(max(0, _int(s)), min(n, _int(e)), c, t) for s, e, c, t in spans
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
        classes = " ".join(dict.fromkeys(c for _, _, cs, _ in active for c in cs.split()))
        title = " | ".join(dict.fromkeys(t for *_, t in active if t))
        out.append(f'<span class="{esc(classes)}" title="{esc(title)}">{piece}</span>')
        if any("mismatch" in cs.split() and e == b for _, e, cs, _ in active):
            out.append('<sup class="flag" title="cross-language mismatch">&#8800;</sup>')
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


class _Colours:
    """canonical name -> colour class, in order of first appearance."""

    def __init__(self):
        self.index: dict[str, int] = {}
        self.surfaces: dict[str, dict[str, list[str]]] = {}

    def add(self, entity: dict) -> str:
        canonical = entity.get("canonical")
        if not canonical:
            return "ent nolink"
        canonical = str(canonical)
        if canonical not in self.index:
            self.index[canonical] = len(self.index)
            self.surfaces[canonical] = {"en": [], "zh": []}
        forms = self.surfaces[canonical].setdefault(entity.get("lang", "en"), [])
        if entity.get("text") and entity["text"] not in forms:
            forms.append(entity["text"])
        return f"ent e{self.index[canonical]}"

    def css(self, anchor: str) -> str:
        """The colour rules of the names of the article ``anchor``."""
        return "".join(f"#{esc(anchor)} .e{i}{{background-color:{entity_colour(i)}}}" for i in self.index.values())


def _side(pair: dict, lang: str, colours: _Colours, flagged: set[int], linked: set[int]) -> str:
    text = _text(pair.get(lang))
    if not text:
        return '<span class="empty">(no counterpart)</span>'
    spans = []
    for e in pair.get("entities", []):
        if e.get("lang") == lang:
            css = colours.add(e)
            title = _text(e.get("label")) + (f" → {e['canonical']}" if e.get("canonical") else " (not linked)")
            spans.append((e.get("start"), e.get("end"), css, title))
    for i, c in enumerate(pair.get("claims", [])):
        if c.get("lang") == lang:
            css = "claim" + (" mismatch" if i in flagged else " linked" if i in linked else "")
            title = claim_title(c) + (" — disagrees with its translation" if i in flagged else "")
            spans.append((c.get("start"), c.get("end"), css, title))
    for w in pair.get("warnings", []):  # the names an entity warning is about, outlined
        span = w.get(f"{lang}_span")
        if _text(w.get("code")).startswith("entity_") and len(span or []) == 2:
            css = "entity-flag" + (" mismatch" if w.get("code") == "entity_mismatch" else "")
            spans.append((span[0], span[1], css, f"{_text(w.get('code'))}: {_text(w.get('message'))}"))
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
        f'{esc(_number(s.get("score")))}</td></tr>'
        for s in sents)
    return (f'<details class="sentences"><summary>Sentences ({esc(len(sents))})</summary>'
            f'<table class="sentences"><thead><tr><th>English</th><th>中文</th><th>bead, score</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></details>")


def _section_title(s: dict) -> str:
    heading = s.get("heading") or {}
    parts = [_text(h) for h in (heading.get("en"), heading.get("zh")) if h]
    return " / ".join(parts) if parts else ("Introduction" if s.get("index") == 0 else "(no heading)")


def _pairs_table(anchor: str, document: dict, pairs: list[dict], colours: _Colours) -> str:
    starts = {}
    for s in document.get("sections", []):
        rng = s.get("pairs") or [None]
        if _int(rng[0]) is not None:
            starts.setdefault(rng[0], s)
    rows = []
    for pair in pairs:
        idx = pair.get("index")
        if _int(idx) is not None and idx in starts:
            s = starts[idx]
            rows.append(f'<tr class="section-row" id="{esc(anchor)}-s{esc(s.get("index"))}"><th colspan="3">'
                        f'Section {esc(s.get("index"))}: {txt(_section_title(s))}</th></tr>')
        flagged, linked, notes = _link_sets(pair)
        warnings = [f"{_text(w.get('code', 'warning'))}: {_text(w.get('message', ''))}"
                    for w in pair.get("warnings", [])]
        warn_html = ""
        items = notes + [w for w in warnings if not (notes and w.startswith("claim_mismatch"))]
        if items:
            warn_html = ('<ul class="warnings">' + "".join(f'<li dir="auto">&#9888; {txt(w)}</li>' for w in items)
                         + "</ul>")
        classes = ["pair"]
        if not pair.get("en") or not pair.get("zh"):
            classes.append("unaligned")
        if flagged or warnings:
            classes.append("flagged")
        rows.append(
            f'<tr class="{esc(" ".join(classes))}" id="{esc(anchor)}-p{esc(idx)}" data-bead="{esc(pair.get("bead"))}">'
            f'<td class="idx">#{esc(idx)}<br>{esc(pair.get("bead"))}<br>score {esc(_number(pair.get("score")))}</td>'
            f'<td class="en" lang="en" dir="auto">{_side(pair, "en", colours, flagged, linked)}{warn_html}'
            f"{_sentences(pair)}</td>"
            f'<td class="zh" lang="zh" dir="auto">{_side(pair, "zh", colours, flagged, linked)}</td></tr>')
    return ('<table class="pairs"><thead><tr><th>unit</th><th>English</th><th>中文</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


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


def _advantages_table(document: dict) -> str:
    rows = []
    for s in document.get("sections", []):
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
            f'<td>{_read_from(a, s)}</td>{alt_cell}</tr>')
    if not rows:
        return '<p class="muted">No sections.</p>'
    return ('<table class="advantages"><thead><tr><th>section</th><th>units</th><th>aspect</th><th>方面</th>'
            "<th>advantage</th><th>margin</th><th>gaining</th><th>read from</th><th>other reading</th></tr></thead>"
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


def _charts(document: dict, pairs: list[dict]) -> str:
    rows_by_section = defaultdict(list)
    for r in document.get("comparison", []):
        rows_by_section[r.get("section")].append(r)
    by_index = {p.get("index"): p for p in pairs}
    figures = []
    for s in document.get("sections", []):
        rows = rows_by_section.get(s.get("index"), [])
        title = f"Section {s.get('index')}: {_section_title(s)}"
        evidence = [e for r in rows for e in (r.get("evidence") or [])]
        if rows:
            winners = {r.get("winner") for r in rows}
            gaining = {r.get("gaining") for r in rows}
            counts = Counter(e.get("competitor") or "(no competitor)" for e in evidence)
            names = list(dict.fromkeys([n for r in rows for n in (r.get("competitors") or [])] + list(counts)))
            bars = [(n, counts.get(n, 0), "#2f6fde" if n in winners else "#e0a100" if n in gaining else "#9aa5b8")
                    for n in names if counts.get(n, 0) or n in winners]
            caption = "evidence per competitor (blue: the section's winner)"
            items = "".join(f'<li dir="auto">{txt(e.get("competitor"))}: {txt(e.get("text"))}'
                            + (f' / <span lang="zh">{txt(e.get("zh"))}</span>' if e.get("zh") else "")
                            + f' <span class="muted">(unit #{esc(e.get("pair"))})</span></li>' for e in evidence)
            detail = (f"<details><summary>Evidence ({esc(len(evidence))})</summary><ul>{items}</ul></details>"
                      if evidence else "")
        else:
            rng = (s.get("pairs") or [])[:2]
            lo, hi = (_int(rng[0]), _int(rng[-1])) if rng else (None, None)
            units = [p for i, p in by_index.items() if lo is not None and hi is not None and _int(i) is not None
                     and lo <= i <= hi]
            claims = [c for p in units for c in p.get("claims", [])]
            mism = sum(len(_link_sets(p)[0]) // 2 for p in units)
            bars = [("English claims", sum(c.get("lang") == "en" for c in claims), "#9aa5b8"),
                    ("Chinese claims", sum(c.get("lang") == "zh" for c in claims), "#9aa5b8"),
                    ("mismatched links", mism, "#c0262d")]
            caption = "no verdict: the section's numeric claims"
            detail = ""
        figures.append(f'<figure class="chart"><figcaption>{esc(title)}</figcaption>{bar_chart(title, bars)}'
                       f'<div class="muted">{esc(caption)}</div>{detail}</figure>')
    return f'<div class="charts">{"".join(figures)}</div>' if figures else '<p class="muted">No sections.</p>'


def _legend(colours: _Colours) -> str:
    if not colours.index:
        return '<p class="muted">No linked entities.</p>'
    items = []
    for name, i in colours.index.items():
        forms = colours.surfaces[name]
        zh = " / ".join(map(_text, forms.get("zh", [])))
        items.append(f'<li class="ent e{i}">{txt(name)}'
                     + (f' = <span lang="zh">{txt(zh)}</span>' if zh else "") + "</li>")
    return f'<ul class="legend">{"".join(items)}</ul>'


def render_article(document: dict, pairs: list[dict], anchor: str = "a0") -> str:
    """One article as an ``<article>`` element (from records of any shape: see :func:`_shaped`)."""
    document, pairs = _shaped(document, "document"), [_shaped(p, "pair") for p in pairs]
    colours = _Colours()
    table = _pairs_table(anchor, document, pairs, colours)  # fills the colours in document order
    n_ent = sum(len(p.get("entities", [])) for p in pairs)
    n_claims = sum(len(p.get("claims", [])) for p in pairs)
    n_links = sum(len(p.get("claim_links", [])) for p in pairs)
    n_bad = sum(not l.get("agree", True) for p in pairs for l in p.get("claim_links", []))
    n_warn = sum(len(p.get("warnings", [])) for p in pairs)
    n_ent_warn = sum(_text(w.get("code")).startswith("entity_") for p in pairs for w in p.get("warnings", []))
    n_unaligned = sum(not p.get("en") or not p.get("zh") for p in pairs)
    doc_warn = "".join(f'<li dir="auto">&#9888; {esc(w.get("code"))}: {txt(w.get("message"))}</li>'
                       for w in document.get("warnings", []))
    removed = document.get("removed", [])
    removed_html = ("<details><summary>Removed as boilerplate ({})</summary><ul>{}</ul></details>".format(
        esc(len(removed)), "".join(f"<li dir=\"auto\">line {esc(r.get('line'))}: {txt(r.get('text'))} "
                              f"<span class=\"muted\">({esc(r.get('rule'))})</span></li>" for r in removed))
                    if removed else "")
    stats = [("aligned units", len(pairs)), ("without counterpart", n_unaligned), ("entities", n_ent),
             ("claims", n_claims), ("claim links", n_links), ("mismatched links", n_bad), ("unit warnings", n_warn),
             ("entity warnings", n_ent_warn)]
    return (f'<article class="doc" id="{esc(anchor)}" data-doc-id="{esc(document.get("doc_id"))}">'
            f"<style>{colours.css(anchor)}</style>"
            f'<h2>{txt(document.get("doc_id"))}</h2>'
            f'<p class="meta">source <code>{txt(document.get("source"))}</code> · encoding '
            f'{esc(document.get("encoding"))} · signature <code>{esc(document.get("signature"))}</code></p>'
            f'<ul class="stats">{"".join(f"<li><b>{esc(v)}</b> {esc(k)}</li>" for k, v in stats)}</ul>'
            + (f'<ul class="warnings">{doc_warn}</ul>' if doc_warn else "") + removed_html
            + f"<h3>Section advantages</h3>{_advantages_table(document)}"
            + f"<h3>Evidence per section</h3>{_charts(document, pairs)}"
            + f"<h3>Entities</h3>{_legend(colours)}"
            + '<p class="muted">Entities of one colour are linked across languages (grey: not linked). '
              "Numeric claims are underlined: double when linked to their translation, "
              "red with &#8800; when the two languages disagree.</p>"
            + f"<h3>Aligned paragraphs</h3>{table}</article>")


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
    return Template(_template("report.html")).substitute(
        title=esc(title), style=_template("report.css"), meta=esc(meta), toc=toc, body=body,
        generator=esc(f"nlp_toolkit {__version__}"))

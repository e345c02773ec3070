#!/usr/bin/env python3
"""Score the verdict reader (``nlp_toolkit.verdicts``) on the project's verdict set, and count advantages
invented on plain news.

1. ``tests/data/verdicts.jsonl`` (written for this project, modelled on published comparison articles): each
   line read with :func:`nlp_toolkit.verdicts.parse_verdict`, its names resolved against the line's competitors
   (the longest competitor name holding it: "Seal" is "BYD Seal"); a line following an aspect heading takes its
   aspect from the heading. Accuracy of winner, aspect, margin, tie and gaining, by half ("looked": errors
   printed; "scored": only counted), by language and by style.
2. ``--wmt22``: each article of ``../shared/corpora/wmt22_news`` (real news, no comparison) processed whole;
   every section advantage found is an invented one (goal: none).
3. ``--prose``: the bilingual articles of ``tests/data/prose_articles.jsonl`` with each section's heading and
   gold winner: which sections got an advantage, and from where.

usage: python scripts/eval_verdicts.py [--set tests/data/verdicts.jsonl] [--show looked|none|all] [--no-names] [--wmt22]
       [--prose]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import OrderedDict, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FIELDS = ("winner", "aspect", "margin", "tie", "gaining")
#: read lines the verdict forms miss from the competitors they name (--no-names: the forms alone)
BY_NAMES = True


def predict(case: dict) -> dict:
    from nlp_toolkit.sections import NameResolver
    from nlp_toolkit.verdicts import normalize, parse_verdict, verdict_by_names

    lang = case["lang"]
    r = parse_verdict(case["text"], lang)
    if (r is None or not r.decided) and BY_NAMES:  # the line's competitors known, as the sections stage knows them
        r = verdict_by_names(case["text"], lang, case.get("competitors") or []) or r
    names = NameResolver.of_names(case.get("competitors") or [])
    if r is None or not r.decided:
        return {"winner": None, "aspect": None, "margin": "normal", "tie": False, "gaining": None, "none": True}
    aspect = r.aspect
    if case.get("heading") and not aspect:
        aspect = normalize(case["heading"], lang)
    return {"winner": "both" if r.shared else (None if r.tie else names.canonical(r.winner, lang)),
            "aspect": aspect, "margin": r.margin, "tie": r.tie, "gaining": names.canonical(r.gaining, lang),
            "none": False}


def _norm_aspect(a):
    from nlp_toolkit.verdicts import normalize

    return normalize(a, "zh").lower() if a else None


def score_set(path: Path, show: str) -> int:
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    by = defaultdict(lambda: defaultdict(lambda: [0, 0]))  # group -> field -> [right, total]
    for c in cases:
        got = predict(c)
        gold = {f: c.get(f) for f in FIELDS}
        gold["margin"] = gold["margin"] or "normal"
        gold["tie"] = bool(gold["tie"])
        wrong = []
        for f in FIELDS:
            g, p = gold[f], got[f]
            if f == "aspect":
                g, p = _norm_aspect(g), _norm_aspect(p)
            ok = g == p
            for group in (c["split"], f"{c['split']}/{c['lang']}", f"style/{c['style']}"):
                by[group][f][0] += ok
                by[group][f][1] += 1
            if not ok:
                wrong.append(f"{f}: gold {g!r} got {p!r}")
        for group in (c["split"], f"style/{c['style']}"):
            by[group]["all"][0] += not wrong
            by[group]["all"][1] += 1
        if wrong and (show == "all" or (show == "looked" and c["split"] == "looked")):
            print(f"  {c['id']} [{c['style']}] {c['text']!r}: " + "; ".join(wrong))
    print(f"\n{path.name}: {len(cases)} lines, {len({c['style'] for c in cases})} styles")
    print(f"{'group':34s} " + " ".join(f"{f:>8s}" for f in FIELDS + ('all',)))
    for group in sorted(by, key=lambda g: (g.startswith("style/"), g)):
        row = by[group]
        print(f"{group:34s} " + " ".join(f"{row[f][0] / row[f][1]:8.3f}" if row[f][1] else f"{'':8s}"
                                         for f in FIELDS + ("all",)) + f"  (n={row['winner'][1]})")
    return 0


def _article_text(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs) + "\n"


def wmt22(corpus: Path) -> int:
    from nlp_toolkit import process_text

    docs: "OrderedDict[str, list[dict]]" = OrderedDict()
    for line in corpus.read_text(encoding="utf-8").splitlines():
        p = json.loads(line)
        docs.setdefault(p["docid"], []).append(p)
    invented = 0
    sections = 0
    for n, (doc, units) in enumerate(docs.items()):
        paras = [x for u in units for x in (u["en"], u["zh"])]
        a = process_text(_article_text(paras), doc_id=doc)
        sections += len(a.sections)
        for s in a.sections:
            if s.advantage is not None:
                invented += 1
                half = "looked" if n % 2 == 0 else "scored"
                line = a.pairs[s.verdict_pair if s.verdict_pair is not None else s.first_pair]
                print(f"  invented ({half}) {doc} section {s.index} [{s.advantage.source}]: "
                      f"{(line.en or line.zh)[:120]!r}" if half == "looked" else f"  invented ({half})")
    print(f"\nWMT22: {len(docs)} articles, {sections} sections, {invented} advantages (all invented: none expected)")
    return 0


def _part_of(got, want) -> bool:
    if got == want:
        return True
    return bool(got and want) and re.search(rf"(?<![\w-]){re.escape(got)}(?![\w-])", want) is not None


def prose(path: Path) -> int:
    from nlp_toolkit import process_text

    right = part = total = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        art = json.loads(line)
        a = process_text(_article_text(art["paragraphs"]), doc_id=art["id"])
        by_heading = {s.heading_en: s for s in a.sections if s.heading_en}
        for g in art["gold"]:
            total += 1
            s = by_heading.get(g["heading_en"])
            adv = s.advantage if s else None
            got = (None if adv is None else ("tie" if adv.tie else adv.winner), adv.gaining if adv else None,
                   adv.source if adv else None)
            want = ("tie" if g.get("tie") else g.get("winner"), g.get("gaining"))
            ok = got[:2] == want
            # the competitor named by its brand alone ("Tesla" for the gold "Tesla Model 3")
            near = ok or (all(_part_of(p, w) for p, w in zip(got[:2], want)))
            right += ok
            part += near
            print(f"  {art['id']} {g['heading_en']!r}: gold {want} got {got} "
                  f"{'ok' if ok else ('brand only' if near else 'WRONG')}")
    print(f"\nprose articles: {right}/{total} sections right; {part}/{total} counting a brand for its model")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--set", type=Path, default=ROOT / "tests" / "data" / "verdicts.jsonl")
    ap.add_argument("--show", choices=("looked", "none", "all"), default="looked")
    ap.add_argument("--wmt22", action="store_true")
    ap.add_argument("--prose", action="store_true")
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpora" / "wmt22_news" / "pairs.jsonl")
    ap.add_argument("--no-names", action="store_true",
                    help="the verdict forms alone, without reading missed lines from the competitors they name")
    args = ap.parse_args(argv)
    global BY_NAMES
    BY_NAMES = not args.no_names
    score_set(args.set, args.show)
    if args.prose:
        prose(ROOT / "tests" / "data" / "prose_articles.jsonl")
    if args.wmt22:
        if not args.corpus.exists():
            print(f"skipped WMT22: {args.corpus} not found (../shared absent)")
        else:
            wmt22(args.corpus)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python3
"""Numeric agreement on the WMT22 dev corpus (English vs Chinese value sets of faithful pairs), by half.

usage: python scripts/eval_agreement.py [--corpus ../shared/corpora/wmt22_news/pairs.jsonl]
                                        [--checks ../shared/checks] [--out /tmp/eval_agreement]
                                        [--zh-keys zh,zh_alt] [--all-numbers] [--show N]

The corpus's documents are split by position in file order, as ``eval_qa.py`` does: the even documents
(0, 2, 4...) are the half one LOOKS at (its disagreeing pairs are printed, values and text, to derive classes of
phenomena from), the odd ones the half one only SCORES (only counts per class are printed). For each half and
each Chinese translation the script runs

  numeric_agreement.py HALF.pairs.jsonl --zh-key=KEY --cases CASES.jsonl
  nlp-toolkit claims CASES.jsonl [--all-numbers] -o PRED.jsonl
  numeric_agreement.py HALF.pairs.jsonl --zh-key=KEY --pred PRED.jsonl

and prints the scorer's line (``agreement_with_values`` is the acceptance figure) with a breakdown of the
disagreements: "EN only" (a value on the English side the Chinese lacks), "ZH only", or "both" (each side has a
value the other lacks).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _values(rec: dict) -> set:
    # the scorer's reading of a claims record: values rounded to 6 places, dates left out
    return {round(float(c["value"]), 6) for c in rec.get("claims", [])
            if c.get("value") is not None and c.get("kind") not in ("date",)}


def _halves(corpus: Path) -> dict[str, list[dict]]:
    pairs = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    order: list[str] = []
    for p in pairs:
        if p["docid"] not in order:
            order.append(p["docid"])
    half = {d: ("looked" if i % 2 == 0 else "scored") for i, d in enumerate(order)}
    out: dict[str, list[dict]] = {"looked": [], "scored": []}
    for p in pairs:
        out[half[p["docid"]]].append(p)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/corpora/wmt22_news/pairs.jsonl")
    ap.add_argument("--checks", type=Path, default=ROOT.parent / "shared/checks")
    ap.add_argument("--out", type=Path, default=Path("/tmp/eval_agreement"))
    ap.add_argument("--zh-keys", default="zh,zh_alt")
    ap.add_argument("--all-numbers", action="store_true")
    ap.add_argument("--show", type=int, default=100, help="disagreements to print for the looked-at half")
    args = ap.parse_args(argv)
    if not args.corpus.exists():
        print(f"{args.corpus}: no such corpus (../shared absent?)", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    scorer = str(args.checks / "numeric_agreement.py")
    for half, pairs in _halves(args.corpus).items():
        hp = args.out / f"{half}.pairs.jsonl"
        hp.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pairs), encoding="utf-8")
        for key in args.zh_keys.split(","):
            cases, pred = args.out / f"{half}-{key}.cases.jsonl", args.out / f"{half}-{key}.pred.jsonl"
            subprocess.run([sys.executable, scorer, str(hp), f"--zh-key={key}", "--cases", str(cases)], check=True)
            cmd = ["nlp-toolkit", "claims", str(cases), "-o", str(pred)]
            subprocess.run(cmd + (["--all-numbers"] if args.all_numbers else []), check=True,
                           stdout=subprocess.DEVNULL)
            line = subprocess.run([sys.executable, scorer, str(hp), f"--zh-key={key}", "--pred", str(pred)],
                                  check=True, capture_output=True, text=True).stdout.strip()
            recs = {r["id"]: r for r in map(json.loads, pred.read_text(encoding="utf-8").splitlines())}
            texts = {c["id"]: c["text"] for c in map(json.loads, cases.read_text(encoding="utf-8").splitlines())}
            classes: Counter = Counter()
            kinds: Counter = Counter()
            shown = []
            n = len(texts) // 2
            for i in range(n):
                en, zh = _values(recs.get(f"{i}-en", {})), _values(recs.get(f"{i}-zh", {}))
                if en == zh:
                    continue
                cls = "EN only" if en > zh else "ZH only" if zh > en else "both"
                classes[cls] += 1
                for lang, extra in (("en", en - zh), ("zh", zh - en)):
                    for c in recs.get(f"{i}-{lang}", {}).get("claims", []):
                        if c.get("value") is not None and round(float(c["value"]), 6) in extra:
                            kinds[f"{lang}-only {c.get('kind')}/{c.get('unit')}"] += 1
                shown.append((cls, i, sorted(en - zh), sorted(zh - en)))
            print(f"{half:6} {key:6} {line}  disagreements: {dict(classes)}")
            print(f"       unmatched claims by kind/unit: {dict(kinds.most_common())}")
            if half == "looked":
                for cls, i, en_only, zh_only in shown[: args.show]:
                    print(f"  [{cls}] #{i} EN-only {en_only} ZH-only {zh_only}")
                    print(f"     en: {texts[f'{i}-en']}")
                    print(f"     zh: {texts[f'{i}-zh']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

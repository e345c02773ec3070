#!/usr/bin/env python3
"""Entity-linking coverage on the WMT22 dev corpus, by half: the share of English PERSON/ORG/GPE entities in 1-1
units that are linked to a Chinese span.

usage: python scripts/eval_linking.py [--corpus ../shared/corpora/wmt22_news/pairs.jsonl] [--out /tmp/eval_linking]
                                      [--zh-key zh] [--workers 2] [--show 40] [--sample 50] [--set KEY=VALUE ...]

Each document becomes one interleaved article (an English paragraph, a blank line, its Chinese paragraph, for
each sentence pair) and the halves are split by position as ``eval_qa.py`` does: the even documents are the half
one LOOKS at (its unlinked entities are printed with their units, and ``--sample`` links drawn with a fixed seed
are listed to be judged by hand), the odd ones the half one only SCORES (counts only). Each half runs through
``nlp-toolkit process``; an English entity counts as linked when a Chinese entity of the same unit has the same
canonical name. Units that are not 1-1 are left out (their entities may sit in the other paragraph).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABELS = {"PERSON": "PERSON", "PER": "PERSON", "ORG": "ORG", "GPE": "GPE"}


def _articles(corpus: Path, zh_key: str, out: Path) -> dict[str, Path]:
    pairs = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    docs: dict[str, list[dict]] = {}
    for p in pairs:
        docs.setdefault(p["docid"], []).append(p)
    dirs = {}
    for half in ("looked", "scored"):
        d = out / f"{half}-articles"
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        dirs[half] = d
    for k, (docid, ps) in enumerate(docs.items()):
        half = "looked" if k % 2 == 0 else "scored"
        body = "".join(f"{p['en']}\n\n{p[zh_key]}\n\n" for p in ps)
        (dirs[half] / f"{k:03d}_{docid.replace('.', '_')}.txt").write_text(body, encoding="utf-8")
    return dirs


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/corpora/wmt22_news/pairs.jsonl")
    ap.add_argument("--out", type=Path, default=Path("/tmp/eval_linking"))
    ap.add_argument("--zh-key", default="zh")
    ap.add_argument("--workers", default="2")
    ap.add_argument("--show", type=int, default=40)
    ap.add_argument("--sample", type=int, default=50)
    ap.add_argument("--set", action="append", default=[], help="a settings assignment passed to process")
    args = ap.parse_args(argv)
    if not args.corpus.exists():
        print(f"{args.corpus}: no such corpus (../shared absent?)", file=sys.stderr)
        return 2
    dirs = _articles(args.corpus, args.zh_key, args.out)
    extra = [x for s in args.set for x in ("--set", s)]
    for half, d in dirs.items():
        out = args.out / f"{half}-out"
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run(["nlp-toolkit", "process", str(d), "-o", str(out), "--workers", args.workers, *extra],
                       check=True, stdout=subprocess.DEVNULL)
        total, linked = Counter(), Counter()
        missed, links = [], []
        for line in (out / "pairs.jsonl").read_text(encoding="utf-8").splitlines():
            u = json.loads(line)
            if len(u["en_ids"]) != 1 or len(u["zh_ids"]) != 1:
                continue
            zh_canon = {}
            for e in u["entities"]:
                if e["lang"] == "zh" and e.get("canonical"):
                    zh_canon.setdefault(e["canonical"], e["text"])
            for e in u["entities"]:
                lab = LABELS.get(e["label"])
                if e["lang"] != "en" or not lab:
                    continue
                total[lab] += 1
                if e.get("canonical") in zh_canon:
                    linked[lab] += 1
                    links.append((e["text"], lab, zh_canon[e["canonical"]]))
                else:
                    missed.append((e["text"], lab, u["en"], u["zh"]))
        n, k = sum(total.values()), sum(linked.values())
        by = ", ".join(f"{lab} {linked[lab]}/{total[lab]}" for lab in sorted(total))
        print(f"{half}: linked {k}/{n} = {k / n if n else 0:.3f} ({by})")
        if half == "looked":
            for text, lab, en, zh in missed[: args.show]:
                print(f"  unlinked {lab} {text!r}\n     en: {en}\n     zh: {zh}")
            rnd = random.Random(1)
            for text, lab, zh in rnd.sample(links, min(args.sample, len(links))):
                print(f"  link {lab:6} {text!r} -> {zh!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

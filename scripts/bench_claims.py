#!/usr/bin/env python3
"""Benchmark the claims stage on one seed-sized article: prints ms per article and characters per second.

usage: python scripts/bench_claims.py [ARTICLE.txt] [--repeat N]
ARTICLE.txt defaults to the project's example article corpora/tesla_vs_byd.bilingual.txt (a bilingual text file,
paragraphs separated by blank lines). Paragraphs are split on blank lines and given to the English or Chinese
extractor by their script; English and Chinese paragraphs at the same position are linked as pairs (the aligner is
not run, so the figure is the claims stage alone). The first run (lexicon loading, cn2an import) is reported apart.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from pathlib import Path

from nlp_toolkit.claims import extract_claims, link_claims
from nlp_toolkit.document import AlignedPair
from nlp_toolkit.settings import DEFAULT

ROOT = Path(__file__).resolve().parents[1]


def paragraphs(path: Path) -> tuple[list[str], list[str]]:
    en, zh = [], []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        text = block.strip()
        if text:
            (zh if len(re.findall(r"[\u4e00-\u9fff]", text)) > len(text) * 0.2 else en).append(text)
    return en, zh


def run(en: list[str], zh: list[str]) -> int:
    n = 0
    for i in range(max(len(en), len(zh))):
        e = en[i] if i < len(en) else ""
        z = zh[i] if i < len(zh) else ""
        pair = AlignedPair(index=i, en_ids=[i], zh_ids=[i], en=e, zh=z, score=1.0)
        pair.claims = (extract_claims(e, "en", DEFAULT) if e else []) + (extract_claims(z, "zh", DEFAULT) if z else [])
        link_claims(pair, DEFAULT)
        n += len(pair.claims)
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("article", nargs="?", default=str(ROOT / "corpora" / "tesla_vs_byd.bilingual.txt"))
    ap.add_argument("--repeat", type=int, default=20)
    a = ap.parse_args()
    en, zh = paragraphs(Path(a.article))
    chars = sum(map(len, en)) + sum(map(len, zh))
    t = time.perf_counter()
    n = run(en, zh)
    first = (time.perf_counter() - t) * 1000
    times = []
    for _ in range(a.repeat):
        t = time.perf_counter()
        run(en, zh)
        times.append((time.perf_counter() - t) * 1000)
    med = statistics.median(times)
    print(f"article: {a.article}")
    print(f"paragraphs: {len(en)} en + {len(zh)} zh, {chars} characters, {n} claims")
    print(f"first run (loads lexicons, cn2an): {first:.1f} ms")
    print(f"claims + links per article: median {med:.1f} ms, min {min(times):.1f} ms over {a.repeat} runs")
    print(f"throughput: {chars / (med / 1000):,.0f} characters/s")


if __name__ == "__main__":
    main()

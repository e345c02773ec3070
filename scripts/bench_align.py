#!/usr/bin/env python3
"""Sentence-alignment speed and memory on a corpus in the MAC layout (NNN.zh + NNN.en, one sentence a line).

Two measurements:
- ``cli``: ``nlp-toolkit align SRC TGT --presplit -o OUT`` once per document, as ``checks/mac_check.sh`` runs it
  (a new process per document: start-up and model loading included); sentences/s over wall time and over the
  processes' CPU time, and the largest peak resident memory of one process;
- ``in-process``: :func:`nlp_toolkit.sentalign.align_sentences` over all documents in one process after the model
  has loaded (what a batch job sees); sentences/s and this process's peak resident memory.

usage: python scripts/bench_align.py CORPUS_DIR [--mode cli|in-process|both] [--encoder SPEC]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def docs(corpus: Path):
    for zh in sorted(corpus.glob("*.zh")):
        en = zh.with_suffix(".en")
        if en.is_file():
            yield zh, en


def count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def bench_cli(corpus: Path, encoder: str | None) -> dict:
    n = 0
    cpu = 0.0
    peak_kb = 0
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        for zh, en in docs(corpus):
            cmd = ["nlp-toolkit", "align", str(zh), str(en), "--presplit", "-o", os.path.join(out, zh.stem + ".align")]
            if encoder:
                cmd += ["--encoder", encoder]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run(cmd, check=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu += (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            peak_kb = max(peak_kb, after.ru_maxrss)
            n += count(zh) + count(en)
    wall = time.perf_counter() - t0
    return {"mode": "cli", "sentences": n, "seconds": round(wall, 2), "sentences_per_second": round(n / wall),
            "cpu_seconds": round(cpu, 2), "sentences_per_cpu_second": round(n / max(cpu, 1e-9)),
            "peak_rss_mb": round(peak_kb / 1024, 1)}


def bench_in_process(corpus: Path, encoder: str | None) -> dict:
    from nlp_toolkit.sentalign import align_sentences
    from nlp_toolkit.settings import Settings

    st = Settings(encoder=encoder) if encoder else Settings()
    align_sentences(["Warm up."], ["预热。"], st)  # load the model and the lexicon
    n = 0
    t0, c0 = time.perf_counter(), time.process_time()
    for zh, en in docs(corpus):
        src = zh.read_text(encoding="utf-8").splitlines()
        tgt = en.read_text(encoding="utf-8").splitlines()
        align_sentences(src, tgt, st)
        n += len(src) + len(tgt)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"mode": "in-process", "sentences": n, "seconds": round(wall, 2), "sentences_per_second": round(n / wall),
            "cpu_seconds": round(cpu, 2), "sentences_per_cpu_second": round(n / max(cpu, 1e-9)),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus")
    ap.add_argument("--mode", choices=["cli", "in-process", "both"], default="both")
    ap.add_argument("--encoder", help="encoder spec (default: the settings' default, usem3)")
    a = ap.parse_args()
    corpus = Path(a.corpus)
    if not any(docs(corpus)):
        print(f"{corpus}: no NNN.zh + NNN.en documents", file=sys.stderr)
        return 2
    print(f"load average before: {os.getloadavg()[0]:.2f}", file=sys.stderr)
    if a.mode in ("cli", "both"):
        print(json.dumps(bench_cli(corpus, a.encoder)), flush=True)
    if a.mode in ("in-process", "both"):
        print(json.dumps(bench_in_process(corpus, a.encoder)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

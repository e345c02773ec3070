#!/usr/bin/env python3
"""Benchmark batch processing: articles/s, English words/s and Chinese characters/s with 1 and 2 local workers
and with the Dask engine, peak RSS per worker, the 2-vs-1 speed-up, and whether memory stays flat as the number
of articles grows.

The articles are real-length news: every document of the WMT22 news dev set
(``../shared/corpora/wmt22_news/pairs.jsonl``, its lines grouped by ``docid``, each document one interleaved
article: English paragraph, its Chinese translation, ..., as scripts/bench_pipeline.py builds them), the seed
(``../shared/seed/amazon_vs_tiktok.bilingual.txt``) and the bundled example (``--example``), each whole, cycled
through to reach ``--articles`` (scripts/make_articles.py ``write_articles``), written to a temporary directory
in UTF-8, GB18030 and UTF-16. When ``../shared`` is absent, with a note, the articles are generated from the
bundled example instead (``make_articles``: varied selections of its sections, some with a missing
translation). English words are the whitespace-separated words of the English side's paragraphs, Chinese
characters the Han characters of the Chinese side's (the sides as the ``clean`` and ``langid`` stages give
them), counted before the runs.

usage: bench_batch.py [--articles 200] [--example corpora/tesla_vs_byd.bilingual.txt] [--no-dask] [--one-core]

By default the single worker may use every core for BLAS (as a user's --workers 1 run does), while each of
several workers gets one; --one-core gives every run one BLAS thread per process, to measure how the workers
themselves scale.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from bench_pipeline import SEED, WMT22, text_counts, wmt22_documents  # noqa: E402
from make_articles import make_articles, write_articles  # noqa: E402


def real_articles(example: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The WMT22 documents, the seed and the example, as (name, text), and notes on what is absent; no articles
    when neither WMT22 nor the seed is there (``../shared`` absent)."""
    out, notes = [], []
    if WMT22.exists():
        out += list(wmt22_documents(WMT22).items())
    else:
        notes.append(f"{WMT22} is absent")
    if SEED.exists():
        out.append((SEED.name.split(".")[0], SEED.read_text(encoding="utf-8")))
    else:
        notes.append(f"{SEED} is absent")
    if not out:
        return [], notes
    out.append((Path(example).name.split(".")[0], Path(example).read_text(encoding="utf-8")))
    return out, notes


def build_articles(example: str, n: int, src: Path) -> tuple[list[Path], int, int, str]:
    """Write the batch's ``n`` article files into ``src``; return them, their English words and Chinese
    characters, and a line describing them."""
    articles, notes = real_articles(example)
    for note in notes:
        print("note:", note, flush=True)
    if articles:
        paths = write_articles(articles, n, src, seed=1)
        per = [text_counts(text) for _, text in articles]
        picked = [per[k % len(articles)] for k in range(n)]
        what = (f"{n} real-length articles cycled from {len(articles)} (WMT22 news documents, the seed, the "
                f"example, each whole)")
    else:
        print("note: ../shared is absent; generating the articles from fragments of the bundled example "
              "(scripts/make_articles.py) instead", flush=True)
        paths = make_articles(example, n, src, seed=1)
        picked = [text_counts(_decoded(p)) for p in paths]
        what = f"{n} articles generated from {Path(example).name}"
    return paths, sum(w for w, _ in picked), sum(c for _, c in picked), what


def _decoded(path: Path) -> str:
    from nlp_toolkit.read import decode, read_bytes

    return decode(read_bytes(path), str(path))[0]


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class RssSampler(threading.Thread):
    """Samples the RSS of every descendant process of this one (the workers), keeping each one's peak."""

    def __init__(self, interval: float = 0.2):
        super().__init__(daemon=True)
        self.interval, self.peaks, self.timeline, self._done = interval, {}, [], threading.Event()

    def _children(self):
        me, kids = os.getpid(), []
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == me or ppid in kids:
                kids.append(int(pid))
        return kids

    def run(self):
        t0 = time.perf_counter()
        while not self._done.is_set():
            total = 0.0
            for pid in self._children():
                r = _rss_mb(pid)
                total += r
                self.peaks[pid] = max(self.peaks.get(pid, 0.0), r)
            self.timeline.append((time.perf_counter() - t0, total))
            time.sleep(self.interval)

    def stop(self):
        self._done.set()
        self.join()


def run(inputs, out, **opts):
    from nlp_toolkit.batch import process_inputs
    from nlp_toolkit.settings import BatchOptions

    sampler = RssSampler()
    sampler.start()
    t = time.perf_counter()
    report = process_inputs([str(inputs)], out, options=BatchOptions(progress=False, **opts))
    secs = time.perf_counter() - t
    sampler.stop()
    peaks = sorted(sampler.peaks.values(), reverse=True)
    return report, secs, peaks, sampler.timeline


def warmup_seconds(example: str) -> float:
    """What a fresh worker process spends before its first article is done (imports and model loading, plus
    one small article), measured in a spawned process as the pool starts its workers."""
    import subprocess

    code = ("import time; t = time.perf_counter(); from nlp_toolkit.batch import Job, process_job; "
            f"process_job(Job(({example!r},), 'w')); print(time.perf_counter() - t)")
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--example", default=str(ROOT / "corpora" / "tesla_vs_byd.bilingual.txt"))
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--one-core", action="store_true", help="one BLAS thread in every process, the single worker too")
    a = ap.parse_args()
    if a.one_core:
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = "1"
        try:
            from threadpoolctl import threadpool_limits

            threadpool_limits(1)  # numpy may already be loaded with more
        except ImportError:
            pass
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "articles"
        _paths, en_words, zh_chars, what = build_articles(a.example, a.articles, src)
        print(f"{what}: {en_words} English words, {zh_chars} Chinese characters", flush=True)
        results = {"articles": a.articles, "en_words": en_words, "zh_chars": zh_chars, "source": what}
        configs = [("local, 1 worker", dict(workers=1)), ("local, 2 workers", dict(workers=2))]
        if not a.no_dask:
            configs.append(("dask LocalCluster, 2 workers", dict(workers=2, engine="dask")))
        outputs = {}
        for name, opts in configs:
            out = Path(tmp) / name.replace(" ", "_").replace(",", "")
            report, secs, peaks, timeline = run(src, out, **opts)
            if not peaks:  # no worker process sampled (none started, or too short-lived): our own peak so far
                peaks = [resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]
            rate = report.documents / secs
            # the words of the articles done (all of them unless some failed: then the figures say so)
            done = report.documents == a.articles
            results[name] = {"articles": report.documents, "seconds": round(secs, 1),
                             "articles_per_s": round(rate, 2),
                             "en_words_per_s": round(en_words / secs) if done else None,
                             "zh_chars_per_s": round(zh_chars / secs) if done else None,
                             "peak_rss_mb_per_worker": [round(p) for p in peaks[: max(1, opts["workers"])]]}
            outputs[name] = (out / "pairs.jsonl").read_bytes()
            words = (f"{en_words / secs:6,.0f} English words/s, {zh_chars / secs:6,.0f} Chinese chars/s" if done
                     else f"words/s not given: {a.articles - report.documents} articles failed")
            print(f"{name:32s} {report.documents} articles in {secs:6.1f} s = {rate:5.2f} articles/s, {words}; "
                  f"peak RSS per worker (MB): {results[name]['peak_rss_mb_per_worker']}", flush=True)
            if timeline:
                half = [r for t, r in timeline if t < timeline[-1][0] / 2 and r > 0]
                late = [r for t, r in timeline if t >= timeline[-1][0] / 2 and r > 0]
                if half and late:
                    results[name]["rss_mb_first_half_max"] = round(max(half))
                    results[name]["rss_mb_second_half_max"] = round(max(late))
        if "local, 1 worker" in results and "local, 2 workers" in results:
            t1, t2 = results["local, 1 worker"]["seconds"], results["local, 2 workers"]["seconds"]
            results["speedup_2_vs_1"] = round(t1 / t2, 2)
            # both runs pay one worker start-up (in parallel for two workers); without it, the steady rate
            w = warmup_seconds(a.example)
            results["worker_warmup_s"] = round(w, 1)
            results["speedup_2_vs_1_after_warmup"] = round((t1 - w) / max(1e-9, t2 - w), 2)
            print(f"speed-up, 2 workers over 1: {t1 / t2:.2f}x overall; worker start-up {w:.1f} s; "
                  f"{results['speedup_2_vs_1_after_warmup']:.2f}x after start-up")
        same = len(set(outputs.values())) == 1
        results["identical_output"] = same
        print("outputs identical across engines:", same)
        print(json.dumps(results))


if __name__ == "__main__":
    main()

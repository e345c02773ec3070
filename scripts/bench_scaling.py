#!/usr/bin/env python3
"""Benchmark how the in-process pipeline (``nlp_toolkit.process_text``) scales with the size of one input:
seconds, characters per second, cost per character relative to the 1x case, and peak RSS, for

- the seed article (``../shared/seed/amazon_vs_tiktok.bilingual.txt``) repeated 1x, 10x and 100x (the bundled
  ``corpora/tesla_vs_byd.bilingual.txt`` instead, with a note, when ``../shared`` is absent);
- one paragraph pair of about 300 KB (every English paragraph of the article joined into one paragraph, its
  Chinese paragraphs into the next, repeated to size);
- 10,000 paragraphs (the article's paragraphs repeated, English and Chinese alternating as they come).

The texts are built at run time from the article; nothing is written into the repository. Each case runs in a
fresh subprocess (models loaded and warmed on a short text first, so the seconds are the processing of the
input alone; CPU-s is that processing's CPU time in the child, all its threads: on a shared machine wall
time alone misleads); peak RSS is that child's ``ru_maxrss`` (``os.wait4``). The goal: cost per character within 2x of
the 1x case up to 100x, every case under a minute and under 1 GiB.

usage: bench_scaling.py [--cases 1x,10x,100x,paragraph,paragraphs] [--timeout 900] [--json OUT.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed" / "amazon_vs_tiktok.bilingual.txt"
EXAMPLE = ROOT / "corpora" / "tesla_vs_byd.bilingual.txt"

CHILD = r"""
import json, sys, time
import nlp_toolkit
text = open(sys.argv[1], encoding="utf-8").read()
nlp_toolkit.process_text("Prices rose 5% in May.\n\n5月份价格上涨了5%。")  # load and warm the models
t, c = time.perf_counter(), time.process_time()
a = nlp_toolkit.process_text(text)
sec, cpu = time.perf_counter() - t, time.process_time() - c
print(json.dumps({"seconds": sec, "cpu_seconds": cpu, "pairs": len(a.pairs),
                  "sentences": sum(len(p.sentences) for p in a.pairs)}))
"""


def article_paragraphs(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    return [b.strip() for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()]


def make_cases(path: Path) -> dict[str, str]:
    paras = article_paragraphs(path)
    text = "\n\n".join(paras) + "\n"
    has_cjk = lambda s: any("\u4e00" <= c <= "\u9fff" for c in s)  # noqa: E731
    en = " ".join(p for p in paras if not has_cjk(p))
    zh = "".join(p for p in paras if has_cjk(p))
    reps = 1
    while reps * (len(en) + len(zh)) < 300_000:
        reps += 1
    paragraph = " ".join([en] * reps) + "\n\n" + "".join([zh] * reps) + "\n"
    many = [paras[i % len(paras)] for i in range(10_000)]
    return {
        "1x": text,
        "10x": "\n\n".join([text.strip()] * 10) + "\n",
        "100x": "\n\n".join([text.strip()] * 100) + "\n",
        "paragraph": paragraph,
        "paragraphs": "\n\n".join(many) + "\n",
    }


def run_case(text: str, timeout: float) -> dict:
    """Process ``text`` in a fresh child; its seconds (after warming), wall time and peak RSS (MB)."""
    with tempfile.TemporaryDirectory() as tmp:
        src, out_p, err_p = Path(tmp, "in.txt"), Path(tmp, "out"), Path(tmp, "err")
        src.write_text(text, encoding="utf-8")
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        t0 = time.perf_counter()
        with open(out_p, "w") as out_f, open(err_p, "w") as err_f:
            proc = subprocess.Popen([sys.executable, "-c", CHILD, str(src)], stdout=out_f, stderr=err_f, env=env)
        status, usage = None, None
        while status is None:
            pid, st, ru = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                status, usage = st, ru
            elif time.perf_counter() - t0 > timeout:
                proc.kill()
                _, status, usage = os.wait4(proc.pid, 0)
                status = "timeout"
            else:
                time.sleep(0.1)
        proc.returncode = 0  # reaped here; keep Popen from waiting again
        wall = time.perf_counter() - t0
        rss = usage.ru_maxrss / 1024
        out, err = out_p.read_text(), err_p.read_text()
    if status == "timeout":
        return {"error": f"not done after {timeout:g} s", "wall": wall, "rss_mb": rss}
    if status != 0 or not out.strip():
        return {"error": (err.strip().splitlines() or ["no output"])[-1], "wall": wall, "rss_mb": rss}
    res = json.loads(out.strip().splitlines()[-1])
    res.update(wall=wall, rss_mb=rss)
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", default="1x,10x,100x,paragraph,paragraphs")
    ap.add_argument("--timeout", type=float, default=900.0)
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args(argv)
    source = SEED if SEED.exists() else EXAMPLE
    if source is EXAMPLE:
        print(f"note: {SEED} is absent; using the bundled example {EXAMPLE.name}")
    cases = make_cases(source)
    names = [c for c in args.cases.split(",") if c]
    print(f"article: {source.name}; each case in a fresh process, models warmed first")
    print(f"{'case':<11}{'chars':>10}{'seconds':>10}{'CPU-s':>8}{'chars/s':>10}{'cost/char':>11}{'peak RSS':>11}  note")
    base = None
    results = {}
    # the 1x case is the reference for cost per character; run it even when not asked for
    order = (["1x"] if "1x" not in names else []) + names
    for name in order:
        text = cases[name]
        r = run_case(text, args.timeout)
        r["chars"] = len(text)
        results[name] = r
        if "error" in r:
            print(f"{name:<11}{len(text):>10}{r['wall']:>10.1f}{'':>8}{'':>10}{'':>11}{r['rss_mb']:>8.0f} MB  {r['error']}")
            continue
        per = r["seconds"] / len(text)
        if name == "1x":
            base = per
        rel = per / base if base else float("nan")
        r["relative_cost"] = rel
        if name in names:
            print(f"{name:<11}{len(text):>10}{r['seconds']:>10.2f}{r['cpu_seconds']:>8.1f}{len(text) / r['seconds']:>10.0f}"
                  f"{rel:>10.2f}x"
                  f"{r['rss_mb']:>8.0f} MB  {r['pairs']} pairs, {r['sentences']} sentence beads")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

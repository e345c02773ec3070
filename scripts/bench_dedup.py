#!/usr/bin/env python3
"""Benchmark the streaming deduplication of translation units (nlp_toolkit.dedup): peak RSS and time for 1k, 5k
and 20k units, with the on-disk index (``store="sqlite"``) and with datasketch's in-memory ``MinHashLSH``
(``store="memory"``), each size and store measured in a fresh subprocess (``ru_maxrss``), beside a run that only
makes the units ("none": the libraries, the corpus and the unit stream, no dedup), so the flatness shows.

The units are real-length news text made at run time from the WMT22 news dev set
(``../shared/corpora/wmt22_news/pairs.jsonl``, 511 sentence pairs; read only, nothing of it is written) or, when
that file is absent, from the project's own ``corpora/*.txt`` articles (their paragraphs paired). A unit is one
sentence pair or a set of 3 pairs of comparable length (English joined by spaces, Chinese as is), each set used
once, so the units differ (two share at most 3/5 of their text; 68 English words on average). Copies are
injected up to 2000 units after their original: 5% exact (re-cased, re-spaced, full-width or half-width
punctuation) and 5% near (one English word and two Chinese characters replaced, a source tag added, or a number
changed), near copies only of units with 25 English words or more. The units stream: only the pending copies
are held, never the batch, so what grows is the index.

"found" counts the injected copies reported as duplicates of their original; "other" counts units flagged that
were not injected (false duplicates, unless the corpus repeats itself).

usage: bench_dedup.py [--sizes 1000,5000,20000] [--stores none,sqlite,memory] [--threshold 0.7]
"""

from __future__ import annotations

import argparse
import heapq
import json
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
WMT22 = ROOT.parent / "shared" / "corpora" / "wmt22_news" / "pairs.jsonl"
HAN = re.compile(r"[\u4e00-\u9fff]")
EXACT_RATE = NEAR_RATE = 0.05
MAX_DELAY = 2000
#: source tags a republished paragraph gains (the bench's own text)
TAGS = ((" (Reuters)", "（路透社）"), (" Source: Xinhua", "来源：新华社"), (" - AFP", "——法新社"))
#: half-width -> full-width punctuation, and back
WIDE = str.maketrans({",": "，", ".": "。", ":": "：", ";": "；", "(": "（", ")": "）", "%": "％", "!": "！"})
NARROW = str.maketrans({v: k for k, v in ((",", "，"), (".", "。"), (":", "："), (";", "；"), ("(", "（"),
                                          (")", "）"), ("%", "％"), ("!", "！"))})


def documents() -> tuple[list[list[tuple[str, str]]], str]:
    """The corpus as documents of (en, zh) sentence or paragraph pairs, and what it is."""
    if WMT22.exists():
        docs: dict[str, list[tuple[str, str]]] = {}
        for line in WMT22.read_text(encoding="utf-8").splitlines():
            if line.strip():
                p = json.loads(line)
                docs.setdefault(p["docid"], []).append((p["en"], p["zh"]))
        return list(docs.values()), f"WMT22 news ({sum(map(len, docs.values()))} sentence pairs)"
    docs_ = []
    for path in sorted((ROOT / "corpora").glob("*.txt")):
        if path.name.endswith(".zh.txt"):
            continue
        if path.name.endswith(".en.txt"):
            en = _paragraphs(path.read_text(encoding="utf-8"))
            zh = _paragraphs(path.with_name(path.name[:-7] + ".zh.txt").read_text(encoding="utf-8"))
            docs_.append(list(zip(en, zh)))
        else:                            # interleaved: an English paragraph, then its Chinese one
            paras, pairs = _paragraphs(path.read_text(encoding="utf-8")), []
            for a, b in zip(paras, paras[1:]):
                if not HAN.search(a) and HAN.search(b):
                    pairs.append((a, b))
            docs_.append(pairs)
    return docs_, f"{WMT22} is absent: the project's corpora/*.txt ({sum(map(len, docs_))} paragraph pairs)"


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def base_units(docs: list[list[tuple[str, str]]], rng: random.Random) -> Iterator[tuple[str, str]]:
    """Distinct units: every pair of the corpus alone, then random sets of 3 pairs of comparable length (within
    a factor of 1.5; English joined by spaces), each set once, then of 4, 5, 6 when the sets of 3 run out (never
    one holding a smaller set already used). Two sets of 3 share at most 2 pairs: at most 3/5 of their text."""
    pairs = [p for doc in docs for p in doc]
    size = [len(en) for en, _ in pairs]
    yield from pairs
    used: set[tuple[int, ...]] = {(i,) for i in range(len(pairs))}
    for parts in range(3, 7):
        misses = 0
        while misses < 2000:
            combo = [rng.randrange(len(pairs))]
            for _ in range(100 * parts):
                j = rng.randrange(len(pairs))
                if j not in combo and all(2 * size[i] <= 3 * size[j] and 2 * size[j] <= 3 * size[i] for i in combo):
                    combo.append(j)
                    if len(combo) == parts:
                        break
            key = tuple(sorted(combo))
            if len(combo) < parts or key in used or any(key[:k] + key[k + 1:] in used for k in range(parts)):
                misses += 1
                continue
            used.add(key)
            yield " ".join(pairs[i][0] for i in combo), "".join(pairs[i][1] for i in combo)
    raise SystemExit("the corpus has too few pairs for this many distinct units")


def exact_copy(en: str, zh: str, rng: random.Random) -> tuple[str, str]:
    """The same unit as a re-formatted copy: re-cased, re-spaced and its punctuation widened or narrowed."""
    how = rng.randrange(3)
    if how == 0:
        return en.upper(), zh.translate(NARROW)
    if how == 1:
        return "  ".join(en.split()) + " ", zh.translate(WIDE)
    return en.lower().translate(WIDE), " " + zh + "\n"


def near_copy(en: str, zh: str, rng: random.Random, vocab: list[str], han: list[str]) -> tuple[str, str, str]:
    """An edited copy, and the edit: one English word and two Chinese characters replaced, a source tag
    added, or one digit changed on both sides."""
    how = rng.choice(("word", "tag", "number"))
    en_digits, zh_digits = [m.start() for m in re.finditer(r"\d", en)], [m.start() for m in re.finditer(r"\d", zh)]
    if how == "number" and en_digits and zh_digits:
        i, j, d = rng.choice(en_digits), rng.choice(zh_digits), rng.choice("0123456789")
        return en[:i] + d + en[i + 1:], zh[:j] + d + zh[j + 1:], how
    if how == "tag":
        tag = rng.choice(TAGS)
        return en + tag[0], zh + tag[1], how
    words = en.split(" ")
    i = rng.choice([k for k, w in enumerate(words) if w.isalpha()] or [0])
    words[i] = rng.choice([w for w in vocab[:50] if w != words[i]])
    pos = [k for k in range(len(zh) - 1) if HAN.match(zh[k]) and HAN.match(zh[k + 1])] or [0]
    k = rng.choice(pos)
    return " ".join(words), zh[:k] + rng.choice(han) + rng.choice(han) + zh[k + 2:], "word"


def stream(n: int, seed: int = 1) -> Iterator[tuple[str, str, str, str | None, str]]:
    """``n`` units as (key, en, zh, key of the original or None, "base" or "exact" or an edit name)."""
    docs, _ = documents()
    rng = random.Random(seed)
    vocab = sorted({w for doc in docs for en, _ in doc for w in en.split() if w.isalpha() and len(w) > 3})
    rng.shuffle(vocab)
    han = sorted({c for doc in docs for _, zh in doc for c in zh if HAN.match(c)})
    base, pending, made, serial = base_units(docs, rng), [], 0, 0
    while made < n:
        if pending and pending[0][0] <= made:
            _, _, key, en, zh, of, kind = heapq.heappop(pending)
        else:
            en, zh = next(base)
            key, of, kind = f"u{made}", None, "base"
            if rng.random() < EXACT_RATE:
                serial += 1
                heapq.heappush(pending, (made + rng.randint(1, MAX_DELAY), serial, f"u{made}x",
                                         *exact_copy(en, zh, rng), key, "exact"))
            if rng.random() < NEAR_RATE and len(en.split()) >= 25:
                serial += 1
                en2, zh2, edit = near_copy(en, zh, rng, vocab, han)
                heapq.heappush(pending, (made + rng.randint(1, MAX_DELAY), serial, f"u{made}n", en2, zh2, key,
                                         edit))
        made += 1
        yield key, en, zh, of, kind


def child(n: int, store: str, threshold: float) -> dict:
    """One measurement, in this (fresh) process."""
    from nlp_toolkit.dedup import Deduplicator

    from nlp_toolkit.dedup import Signer, lsh_params

    lsh_params(threshold, 128), Signer(128)  # "none" loads the same libraries (numpy, scipy, datasketch)
    dedup = Deduplicator("near", threshold=threshold, store=store) if store != "none" else None
    injected = {"exact": 0, "near": 0}
    found = {"exact": 0, "near": 0}
    kept_as: dict[str, str] = {}         # original key -> the key its copies should name
    other, seconds, db = 0, 0.0, 0
    for key, en, zh, of, kind in stream(n):
        if dedup is None:
            continue
        t = time.perf_counter()
        dup = dedup.check(key, en, zh)
        seconds += time.perf_counter() - t
        if of is None:
            kept_as[key] = dup.of if dup else key
            other += dup is not None
        else:
            group = "exact" if kind == "exact" else "near"
            injected[group] += 1
            found[group] += dup is not None and dup.of == kept_as.get(of)
        if len(kept_as) > 2 * MAX_DELAY:  # only originals that copies may still name
            for k in list(kept_as)[:MAX_DELAY]:
                del kept_as[k]
    if dedup is not None:
        db = dedup.index_bytes
        dedup.close()
    return {"units": n, "store": store, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "seconds": seconds, "injected": injected, "found": found, "other": other, "db_mb": db / 2 ** 20}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,5000,20000")
    ap.add_argument("--stores", default="none,sqlite,memory")
    ap.add_argument("--threshold", type=float, default=0.7)
    ap.add_argument("--child", nargs=2, metavar=("N", "STORE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(int(args.child[0]), args.child[1], args.threshold)))
        return
    print("units:", documents()[1], flush=True)
    rows = []
    for n in map(int, args.sizes.split(",")):
        for store in args.stores.split(","):
            out = subprocess.run([sys.executable, __file__, "--child", str(n), store, "--threshold",
                                  str(args.threshold)], capture_output=True, text=True, check=True).stdout
            if not rows:
                print(_header())
            rows.append(json.loads(out.splitlines()[-1]))
            print(_row(rows[-1], rows), flush=True)


def _header() -> str:
    return (f"{'units':>6} {'store':<7} {'peak RSS MiB':>12} {'over none':>9} {'index MiB':>9} {'dedup s':>8} "
            f"{'units/s':>8} {'exact found':>11} {'near found':>10} {'other':>5}")


def _row(r: dict, rows: list[dict]) -> str:
    none = next((x["rss_mb"] for x in rows if x["units"] == r["units"] and x["store"] == "none"), None)
    over = f"{r['rss_mb'] - none:+.1f}" if none is not None and r["store"] != "none" else ""
    if r["store"] == "none":
        return f"{r['units']:>6} {'none':<7} {r['rss_mb']:>12.1f}"
    rate = r["units"] / r["seconds"] if r["seconds"] else 0
    fe, fn = (f"{r['found'][k]}/{r['injected'][k]}" for k in ("exact", "near"))
    db = f"{r['db_mb']:.1f}" if r["store"] == "sqlite" else ""
    return (f"{r['units']:>6} {r['store']:<7} {r['rss_mb']:>12.1f} {over:>9} {db:>9} {r['seconds']:>8.2f} "
            f"{rate:>8.0f} {fe:>11} {fn:>10} {r['other']:>5}")


if __name__ == "__main__":
    main()

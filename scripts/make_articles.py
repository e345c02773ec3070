#!/usr/bin/env python3
"""Generate varied bilingual articles from one example article, for batch tests and benchmarks.

Each generated article keeps the example's opening, then a random selection of its sections in a random
order, each section's body paragraphs sampled; some articles lose one Chinese paragraph (a 1-0 bead), and
they are saved in UTF-8, GB18030 or UTF-16. Deterministic for a given seed.

:func:`write_articles` instead writes given articles whole (real-length ones: scripts/bench_batch.py), cycling
through them to the number asked for, in the same mix of encodings.

usage: make_articles.py EXAMPLE N OUT_DIR [--seed 0]
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

#: the encodings an article file is saved in, drawn uniformly (UTF-8 twice as often as each other one)
ENCODINGS = ("utf-8", "utf-8", "gb18030", "utf-16")


def _units(text: str) -> list[tuple[str, str]]:
    """(English, Chinese) paragraph pairs of an interleaved article (credit lines dropped)."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    blocks = [b.split("\n")[0] for b in blocks]
    return [(blocks[i], blocks[i + 1]) for i in range(0, len(blocks) - 1, 2)]


def _is_heading(en: str) -> bool:
    return len(en) < 90 and not en.rstrip().endswith((".", '"', "”"))


def make_articles(example: str | Path, n: int, out_dir: str | Path, seed: int = 0) -> list[Path]:
    rng = random.Random(seed)
    units = _units(Path(example).read_text(encoding="utf-8"))
    intro, sections, current = [], [], None
    for u in units:
        if _is_heading(u[0]):
            current = [u]
            sections.append(current)
        elif current is None:
            intro.append(u)
        else:
            current.append(u)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(n):
        body = []
        for sec in rng.sample(sections, k=rng.randint(1, len(sections))):
            keep = [u for u in sec[1:] if rng.random() < 0.8] or sec[1:2]
            body += [sec[0]] + keep
        chosen = intro[: rng.randint(1, len(intro))] + body
        drop = rng.randrange(1, len(chosen)) if rng.random() < 0.3 and len(chosen) > 2 else None
        lines = []
        for i, (en, zh) in enumerate(chosen):
            lines.append(en)
            if i != drop:
                lines.append(zh)
        encoding = rng.choice(ENCODINGS)
        path = out / f"article_{k:04d}.txt"
        path.write_bytes(("\n\n".join(lines) + "\n").encode(encoding))
        paths.append(path)
    return paths


def write_articles(articles: list[tuple[str, str]], n: int, out_dir: str | Path, seed: int = 0) -> list[Path]:
    """Write ``n`` article files into ``out_dir``, cycling through ``articles`` (``(name, text)``, each text whole),
    each file in an encoding drawn from :data:`ENCODINGS`; file ``k`` is ``{k:04d}_{name}.txt`` (its document id,
    dots in the name made dashes: a document id ends at the first dot). Deterministic for a given seed."""
    if not articles:
        raise ValueError("no articles to write")
    rng = random.Random(seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(n):
        name, text = articles[k % len(articles)]
        slug = re.sub(r"[^\w-]+", "-", name).strip("-") or "article"
        path = out / f"{k:04d}_{slug}.txt"
        path.write_bytes(text.encode(rng.choice(ENCODINGS)))
        paths.append(path)
    return paths


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("example")
    ap.add_argument("n", type=int)
    ap.add_argument("out_dir")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    print(len(make_articles(a.example, a.n, a.out_dir, a.seed)), "articles in", a.out_dir)

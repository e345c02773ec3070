#!/usr/bin/env python3
"""Write the toolkit's outputs on a fixed set of inputs, or compare two such sets byte for byte.

A refactoring that should change no behaviour is checked with it: run ``make`` before the change and after, then
``compare``. Every file is compared whole, except that the ``signature`` field of JSON records is ignored
(it names settings and model files, and may change on purpose).

usage:
  python scripts/regression_outputs.py make OUT_DIR       # the seed, the bundled example, WMT22 as articles
  python scripts/regression_outputs.py compare OLD_DIR NEW_DIR

``make`` runs the commands through ``nlp-toolkit`` (the installed one): ``process`` on the seed, the bundled
example and the WMT22 dev set (each document one interleaved article, built with ``qa_perturb.py``), ``claims``
on the Recognizers-Text half, ``entities`` on the MSRA half, ``align`` on MAC 001 and ``report`` of the seed.
Inputs under ``../shared`` that are absent are skipped with a note.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def _run(args: list[str], cwd: Path) -> None:
    """Run a command in ``cwd`` (outputs and the generated articles named relative to it, so that the records'
    ``source`` fields do not depend on where OUT_DIR is)."""
    print("$ nlp-toolkit " + " ".join(args), file=sys.stderr)
    subprocess.run(["nlp-toolkit", *args], check=True, stderr=subprocess.DEVNULL, cwd=cwd)


def make(out: Path) -> None:
    import shutil

    out = out.resolve()
    (out / "inputs").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "corpora" / "tesla_vs_byd.bilingual.txt", out / "inputs")
    _run(["process", "inputs/tesla_vs_byd.bilingual.txt", "-o", "tesla"], out)
    _run(["report", "inputs/tesla_vs_byd.bilingual.txt", "-o", "tesla_report.html"], out)
    seed = SHARED / "seed" / "amazon_vs_tiktok.bilingual.txt"
    if not seed.is_file():
        print(f"skipped: {SHARED} is absent", file=sys.stderr)
        return
    shutil.copy(seed, out / "inputs")
    _run(["process", "inputs/amazon_vs_tiktok.bilingual.txt", "-o", "seed"], out)
    _run(["report", "seed", "-o", "seed_report.html"], out)
    news = SHARED / "corpora" / "wmt22_news" / "pairs.jsonl"
    subprocess.run([sys.executable, str(SHARED / "checks" / "qa_perturb.py"), str(news), str(out / "qa"),
                    "--seed", "1"], check=True, stdout=subprocess.DEVNULL)
    _run(["process", "qa/clean", "-o", "wmt", "--workers", "2"], out)
    _run(["process", "qa/perturbed", "-o", "wmtp", "--workers", "2"], out)
    _run(["claims", str(SHARED / "corpora" / "recognizers_text" / "specs_even.jsonl"), "--all-numbers",
          "-o", "rt.jsonl"], out)
    _run(["entities", str(SHARED / "corpora" / "zh_ner" / "msra_test_even.jsonl"), "--lang", "zh",
          "-o", "msra.jsonl"], out)
    mac = SHARED / "corpora" / "mac_zh_en"
    _run(["align", str(mac / "001.zh"), str(mac / "001.en"), "--presplit", "-o", "mac001.align"], out)


def _strip(line: str) -> str:
    try:
        rec = json.loads(line)
    except ValueError:
        return line
    if isinstance(rec, dict):
        rec.pop("signature", None)
        return json.dumps(rec, ensure_ascii=False, sort_keys=True)
    return line


def _files(d: Path) -> set[str]:
    # the run's own bookkeeping (.nlp_toolkit_cache, .nlp_toolkit.lock, .nlp_toolkit_manifest.json) is no output
    return {str(p.relative_to(d)) for p in d.rglob("*") if p.is_file()
            and not any(part.startswith(".nlp_toolkit") for part in p.parts)
            and p.relative_to(d).parts[0] not in ("qa", "inputs")}


def compare(old: Path, new: Path) -> int:
    a, b = _files(old), _files(new)
    bad = 0
    for name in sorted(a ^ b):
        print(f"only in {'old' if name in a else 'new'}: {name}")
        bad += 1
    for name in sorted(a & b):
        x = (old / name).read_bytes()
        y = (new / name).read_bytes()
        if x == y:
            continue
        if name.endswith((".jsonl", ".json")):
            xl = [_strip(s) for s in x.decode("utf-8").splitlines()]
            yl = [_strip(s) for s in y.decode("utf-8").splitlines()]
            if xl == yl:
                continue
            diff = next((i for i, (p, q) in enumerate(zip(xl, yl)) if p != q), min(len(xl), len(yl)))
            print(f"differs: {name} (first at line {diff + 1}; {len(xl)} vs {len(yl)} lines)")
        elif name.endswith(".html"):
            # the page names the toolkit's signature too; compare without it
            import re

            sig = re.compile(rb"nlp_toolkit:[^<\"]*")
            if sig.sub(b"", x) == sig.sub(b"", y):
                continue
            print(f"differs: {name}")
        else:
            print(f"differs: {name}")
        bad += 1
    print(f"{len(a & b)} files compared, {bad} differ" if bad else f"{len(a & b)} files compared: identical")
    return 1 if bad else 0


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "make":
        make(Path(argv[1]))
        return 0
    if len(argv) == 3 and argv[0] == "compare":
        return compare(Path(argv[1]), Path(argv[2]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

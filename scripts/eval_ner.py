#!/usr/bin/env python3
"""Score the Chinese (or English) recognizer on a gold file with the shared ner_score.py, and ablate it.

usage: python scripts/eval_ner.py GOLD.jsonl [--lang zh] [--labels PER,LOC,ORG] [--scorer PATH] [--ablation]
                                  [--components lac,crf,...] [--model FILE]

GOLD is in the format of ../shared/corpora/zh_ner (``{id, text, entities}`` a line). The recognizer runs through
``nlp_toolkit.commands.entities_file`` (the CLI's code path) and ``ner_score.py`` (default
``../shared/checks/ner_score.py`` relative to the repository root) scores it.

--components: the Chinese components to run (default: the settings' ``zh_entity_components``); --model: the
CRF model file of the ``crf`` component (default: the settings' ``zh_ner_model``).

--ablation: runs the Chinese pipeline with components added one at a time in the order (a) lac, (a') crf,
(b) latin, (c) gazetteer, (d) rules, (e) projection (those of --components, or all), and prints per label the F1 after each step and the gain each step
brought (projection needs aligned English text, so it adds nothing on monolingual gold), then the F1 of the
whole pipeline without each component ("leave one out").
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlp_toolkit.commands import entities_file  # noqa: E402
from nlp_toolkit.entities.chinese import COMPONENTS  # noqa: E402
from nlp_toolkit.settings import DEFAULT  # noqa: E402


def score(gold: Path, lang: str, labels: str, scorer: Path, components: str | None = None,
          show: bool = False, base=DEFAULT) -> dict:
    settings = base if components is None else base.replace(zh_entity_components=components)
    with tempfile.TemporaryDirectory() as tmp:
        pred = Path(tmp) / "pred.jsonl"
        entities_file(gold, pred, lang=lang, settings=settings)
        res = subprocess.run([sys.executable, str(scorer), str(gold), str(pred), "--labels", labels],
                             capture_output=True, text=True)
    if res.returncode not in (0, 1):
        sys.exit(f"eval_ner.py: {scorer} failed: {res.stderr.strip()}")
    if show:
        print("\n".join(res.stdout.splitlines()[:-1]))
    return json.loads(res.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", type=Path)
    ap.add_argument("--lang", default="zh", choices=["zh", "en"])
    ap.add_argument("--labels", default="PER,LOC,ORG")
    ap.add_argument("--scorer", type=Path, default=ROOT / ".." / "shared" / "checks" / "ner_score.py")
    ap.add_argument("--ablation", action="store_true")
    ap.add_argument("--components")
    ap.add_argument("--model")
    a = ap.parse_args(argv)
    base = DEFAULT
    if a.components:
        base = base.replace(zh_entity_components=a.components)
    if a.model:
        base = base.replace(zh_ner_model=str(Path(a.model).resolve()))
    if not a.scorer.is_file():
        sys.exit(f"eval_ner.py: no scorer at {a.scorer} (give --scorer PATH)")
    labels = [x for x in a.labels.split(",") if x]
    if not a.ablation:
        score(a.gold, a.lang, a.labels, a.scorer, show=True, base=base)
        return 0
    if a.lang != "zh":
        sys.exit("eval_ner.py: --ablation is for the Chinese pipeline (--lang zh)")
    order = [c for c in COMPONENTS if c in (a.components or ",".join(COMPONENTS)).split(",")]
    names = {"lac": "(a) lac", "crf": "(a') crf", "latin": "(b) latin", "gazetteer": "(c) gazetteer", "rules": "(d) rules",
             "projection": "(e) projection"}
    rows, prev = [], None
    for k in range(1, len(order) + 1):
        res = score(a.gold, a.lang, a.labels, a.scorer, ",".join(order[:k]), base=base)
        f = {lab: res["labels"][lab]["f1"] for lab in labels}
        f["overall"] = res["overall"]["f1"]
        rows.append(("+ " + names[order[k - 1]], f, None if prev is None else {x: f[x] - prev[x] for x in f}))
        prev = f
    cols = labels + ["overall"]
    print(f"cumulative ({a.gold.name}, exact-span F1)")
    print(f"{'step':<20}" + "".join(f"{c:>9}" for c in cols) + "   gain: " + " ".join(f"{c:>7}" for c in cols))
    for name, f, gain in rows:
        g = " ".join(f"{gain[c]:>+7.3f}" for c in cols) if gain else ""
        print(f"{name:<20}" + "".join(f"{f[c]:>9.3f}" for c in cols) + "         " + g)
    full = prev
    print("\nleave one out (F1 of the whole pipeline without the component; drop = what the component adds)")
    for comp in order[1:]:
        res = score(a.gold, a.lang, a.labels, a.scorer, ",".join(c for c in order if c != comp), base=base)
        f = {lab: res["labels"][lab]["f1"] for lab in labels}
        f["overall"] = res["overall"]["f1"]
        print(f"{'- ' + names[comp]:<20}" + "".join(f"{f[c]:>9.3f}" for c in cols) + "   drop: " +
              " ".join(f"{full[c] - f[c]:>+7.3f}" for c in cols))
    return 0


if __name__ == "__main__":
    sys.exit(main())

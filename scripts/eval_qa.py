#!/usr/bin/env python3
"""Translation-QA evaluation on the WMT22 dev corpus, by half and by seed, with misses and false alarms by class.

usage: python scripts/eval_qa.py [--corpus ../shared/corpora/wmt22_news/pairs.jsonl] [--checks ../shared/checks]
                                 [--out /tmp/eval_qa] [--seeds 1,2] [--halves looked,scored] [--workers 2]
                                 [--show N]

The corpus's documents are split by position in file order: the even ones (0, 2, 4...) are the half one LOOKS
at (its misses and false alarms are printed one by one, to derive classes of phenomena from), the odd ones the
half one only SCORES (only the counts per class are printed: never read its text to tune a rule). Each half is
written as its own pairs file, then for each seed

  qa_perturb.py HALF.pairs.jsonl OUT/HALF-sN --seed N
  nlp-toolkit process OUT/HALF-sN/clean -o ... --workers 2   (and the same for perturbed/)
  qa_score.py OUT/HALF-sN CLEAN_OUT PERT_OUT -v

Output folders are removed first: the toolkit's cache is keyed by the input and the settings, not by the code, so
a reused folder would serve results of the code as it was. The clean articles do not depend on the seed: they
are processed once per half.

Classes: a false alarm is classed by its warning code and a short label (the warning's ``reason`` when it has
one, else one derived from its message: "count noun differs", "date", "unmatched: value absent",
"unmatched: value present in another form"...). A miss is classed by what stands at the injected spot: "digits in
a name" (the number touches Latin letters or lies inside a recognized entity), "date", "time", "percent", "money",
"no ZH claim at the spot" (the extractor made none), "warning also in the clean run" (the error is masked by a
false alarm with the same code and message)... The entity family (codes ``entity_``, a country swapped) is
reported the same way after the numeric one: its misses by whether the unit had an entity warning at all, its
false alarms by code and reason.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from collections import Counter, OrderedDict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
NUMERIC = ("claim_", "time_")
ENTITY = ("entity_",)


def split_halves(corpus: Path, out: Path, zh_key: str = "zh") -> dict[str, Path]:
    """Write the even documents to OUT/looked.pairs.jsonl and the odd ones to OUT/scored.pairs.jsonl (with
    ``zh_key``'s translation as ``zh``: ``zh_alt`` is the corpus's second translator)."""
    docs: "OrderedDict[str, list[str]]" = OrderedDict()
    for line in open(corpus, encoding="utf-8"):
        if line.strip():
            p = json.loads(line)
            p["zh"] = p[zh_key]
            docs.setdefault(p["docid"], []).append(json.dumps(p, ensure_ascii=False))
    paths = {"looked": out / "looked.pairs.jsonl", "scored": out / "scored.pairs.jsonl"}
    with open(paths["looked"], "w", encoding="utf-8") as even, open(paths["scored"], "w", encoding="utf-8") as odd:
        for n, lines in enumerate(docs.values()):
            (even if n % 2 == 0 else odd).write("\n".join(lines) + "\n")
    return paths


def run(cmd: list, log: Path) -> str:
    """Run ``cmd``, return its stdout; exit with its stderr on failure."""
    p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    log.write_text(p.stdout + "\n--- stderr ---\n" + p.stderr, encoding="utf-8")
    if p.returncode not in (0,) and not (cmd[1:2] and str(cmd[1]).endswith("qa_score.py")):
        sys.exit(f"eval_qa: {' '.join(map(str, cmd))} failed ({p.returncode}):\n{p.stderr[-2000:]}")
    return p.stdout


def process(src: Path, dst: Path, workers: int, log: Path) -> None:
    if dst.exists():
        shutil.rmtree(dst)
    run(["nlp-toolkit", "process", src, "-o", dst, "--workers", workers], log)


def load_units(out_dir: Path) -> dict[str, list[dict]]:
    """{NNN prefix of the file: [units]}, as qa_score matches them."""
    got: dict[str, list[dict]] = {}
    for f in sorted(out_dir.glob("pairs*.jsonl")):
        for line in open(f, encoding="utf-8"):
            if line.strip():
                u = json.loads(line)
                got.setdefault(u["doc_id"].split("_")[0], []).append(u)
    return got


def find(units: list[dict], en: str):
    for u in units:
        if en and en in u["en"]:
            return u
    return None


def numeric(w: dict) -> bool:
    return w["code"].startswith(NUMERIC)


def warn_key(w: dict):
    return w["code"], w["message"]


# -- classes ------------------------------------------------------------------------------------------------------

def warning_class(w: dict) -> str:
    """``code: label`` of a numeric warning: its own ``reason`` when it has one, else read from the message."""
    code, msg = w["code"], w["message"]
    if w.get("reason"):
        return f"{code}: {w['reason']}"
    if code == "claim_mismatch":
        m = re.search(r"disagree on ([a-z, ]+):", msg)
        diffs = m.group(1).split(", ") if m else []
        if diffs == ["unit"] and re.search(r"\(\S+ [a-z]+", msg) and "USD" not in msg:
            return f"{code}: count noun differs"
        if re.search(r" year\b", msg) and "value" in diffs:
            return f"{code}: date or year value"
        return f"{code}: {'+'.join(diffs) or 'differs'}"
    if code == "claim_unmatched":
        return f"{code}: (no reason given)"
    return code


def miss_class(e: dict, unit_c, unit_p) -> str:
    """What stands at the injected spot of a missed error."""
    if unit_p is None or unit_c is None:
        return "unit not found"
    shared = {warn_key(w) for w in unit_p.get("warnings", []) if numeric(w)} & \
             {warn_key(w) for w in unit_c.get("warnings", []) if numeric(w)}
    # locate the spot: the first place where the perturbed text differs from the clean unit's text
    clean_zh = unit_c["zh"]
    i = next((k for k, (a, b) in enumerate(zip(clean_zh, unit_p["zh"])) if a != b), None)
    if i is None:
        return f"{e['kind']}: spot not located"
    j = i
    while j < len(unit_p["zh"]) and (unit_p["zh"][j].isdigit() or unit_p["zh"][j] in ".,"):
        j += 1
    k = i
    while k > 0 and (unit_p["zh"][k - 1].isdigit() or unit_p["zh"][k - 1] in ".,"):
        k -= 1
    before, after = unit_p["zh"][max(0, k - 3):k], unit_p["zh"][j:j + 3]
    label = e["kind"]
    inside = [c for c in unit_p.get("claims", []) if c["lang"] == "zh" and c["start"] <= i < c["end"]]
    if re.search(r"[A-Za-z\-]$", before) or re.match(r"[A-Za-z]", after) or any(
            x["lang"] == "zh" and x["start"] <= i < x["end"] for x in unit_p.get("entities", [])):
        label += ": digits in a name"
    elif re.match(r"\s*年", after) or re.match(r"\s*[月日号]", after):
        label += ": date"
    elif re.match(r"\s*[:：点时]", after) or re.search(r"[:：]$", before):
        label += ": time"
    elif re.match(r"\s*[%％]", after) or "百分之" in before:
        label += ": percent"
    elif not inside:
        label += ": no ZH claim at the spot"
    elif shared:
        label += ": warning also in the clean run"
    else:
        label += f": claim {inside[0]['kind']} not flagged"
    return label


def analyse(set_dir: Path, clean_out: Path, pert_out: Path):
    """(misses [(class, line)], false alarms [(class, line)], units with digits) as qa_score counts them."""
    clean, pert = load_units(clean_out), load_units(pert_out)
    misses = []
    for line in open(set_dir / "perturbations.jsonl", encoding="utf-8"):
        e = json.loads(line)
        if e["kind"] not in ("value", "scale", "currency"):
            continue
        key = e["file"].split("_")[0]
        cu, pu = find(clean.get(key, []), e.get("en_clean", e["en"])), find(pert.get(key, []), e["en"])
        if cu is not None and pu is not None:
            new = {warn_key(w) for w in pu.get("warnings", []) if numeric(w)} - \
                  {warn_key(w) for w in cu.get("warnings", []) if numeric(w)}
            if new:
                continue
        misses.append((miss_class(e, cu, pu), f"{e['file']}#{e['para']}: {e['before']} -> {e['after']} | "
                                              f"{e['en'][:100]} | {e['zh'][:70]}"))
    alarms, n_digits = [], 0
    for units in clean.values():
        for u in units:
            if not any(c.isdigit() for c in u["en"] + u["zh"]):
                continue
            n_digits += 1
            for w in u.get("warnings", []):
                if numeric(w):
                    alarms.append((warning_class(w), f"{u['doc_id']}#{u['index']}: {w['message'][:160]}"))
    return misses, alarms, n_digits


def entity(w: dict) -> bool:
    return w["code"].startswith(ENTITY)


def analyse_entities(set_dir: Path, clean_out: Path, pert_out: Path):
    """(misses [(class, line)], false alarms [(class, line)]) of the entity family, as qa_score counts them: a
    miss is classed by the kinds of entity warnings its perturbed unit has ("no entity warning", "only warnings
    also in the clean run"), a false alarm (any entity warning on a clean unit with both sides) by code and
    reason."""
    clean, pert = load_units(clean_out), load_units(pert_out)
    misses = []
    for line in open(set_dir / "perturbations.jsonl", encoding="utf-8"):
        e = json.loads(line)
        if e["kind"] != "entity":
            continue
        key = e["file"].split("_")[0]
        cu, pu = find(clean.get(key, []), e.get("en_clean", e["en"])), find(pert.get(key, []), e["en"])
        if cu is None or pu is None:
            misses.append(("unit not found", f"{e['file']}#{e['para']}"))
            continue
        mine = {warn_key(w) for w in pu.get("warnings", []) if entity(w)}
        if mine - {warn_key(w) for w in cu.get("warnings", []) if entity(w)}:
            continue
        cls = "only warnings also in the clean run" if mine else "no entity warning"
        misses.append((cls, f"{e['file']}#{e['para']}: {e['before']} -> {e['after']} | {e['en'][:100]} | "
                            f"{e['zh'][:70]}"))
    alarms = []
    for units in clean.values():
        for u in units:
            if not (u["en"].strip() and u["zh"].strip()):
                continue
            for w in u.get("warnings", []):
                if entity(w):
                    alarms.append((f"{w['code']}: {w.get('reason') or ''}",
                                   f"{u['doc_id']}#{u['index']}: {w['message'][:160]}"))
    return misses, alarms


def report(title: str, items, show: int) -> None:
    by = Counter(c for c, _ in items)
    print(f"  {title}: {len(items)}")
    for cls, n in by.most_common():
        print(f"    {n:3d}  {cls}")
        if show:
            for c, line in [x for x in items if x[0] == cls][:show]:
                print(f"           {line}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=SHARED / "corpora" / "wmt22_news" / "pairs.jsonl")
    ap.add_argument("--checks", type=Path, default=SHARED / "checks")
    ap.add_argument("--out", type=Path, default=Path("/tmp/eval_qa"))
    ap.add_argument("--seeds", default="1,2")
    ap.add_argument("--halves", default="looked,scored")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--zh-key", default="zh", help="the translation to check: zh, or zh_alt (the second translator)")
    ap.add_argument("--show", type=int, default=50, help="lines shown per class for the looked-at half")
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    halves = split_halves(a.corpus, a.out, a.zh_key)
    summary = []
    for half in a.halves.split(","):
        clean_out = None
        for seed in [int(s) for s in a.seeds.split(",")]:
            set_dir = a.out / f"{half}-s{seed}"
            if set_dir.exists():
                shutil.rmtree(set_dir)
            run([sys.executable, a.checks / "qa_perturb.py", halves[half], set_dir, "--seed", seed],
                a.out / f"{half}-s{seed}.perturb.log")
            if clean_out is None:  # the clean articles are the same for every seed
                clean_out = a.out / f"{half}-clean-out"
                process(set_dir / "clean", clean_out, a.workers, a.out / f"{half}-clean.process.log")
            pert_out = a.out / f"{half}-s{seed}-pert-out"
            process(set_dir / "perturbed", pert_out, a.workers, a.out / f"{half}-s{seed}-pert.process.log")
            out = run([sys.executable, a.checks / "qa_score.py", set_dir, clean_out, pert_out, "-v"],
                      a.out / f"{half}-s{seed}.score.log")
            score = json.loads(out.strip().splitlines()[-1])
            misses, alarms, n_digits = analyse(set_dir, clean_out, pert_out)
            print(f"== {half} half, seed {seed}: {out.strip().splitlines()[-2]}")
            print(f"   detect_numeric {score['detect_numeric']}  false_alarm_numeric {score['false_alarm_numeric']}")
            show = a.show if half == "looked" else 0
            report("missed numeric errors", misses, show)
            report("numeric false alarms (warnings on clean units with digits)", alarms, show)
            e_misses, e_alarms = analyse_entities(set_dir, clean_out, pert_out)
            print(f"   detect_entity {score['detect_entity']}  false_alarm_entity {score['false_alarm_entity']}")
            report("missed entity errors", e_misses, show)
            report("entity false alarms (warnings on clean units with both sides)", e_alarms, show)
            summary.append((half, seed, score["detect_numeric"], score["false_alarm_numeric"],
                            score["detect_entity"], score["false_alarm_entity"]))
    print("\nsummary (half, seed, numeric caught, numeric false alarms, entity caught, entity false alarms):")
    for half, seed, d, f, de, fe in summary:
        print(f"  {half:7s} seed {seed}: caught {d}  false alarms {f}  entity caught {de}  entity false alarms {fe}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

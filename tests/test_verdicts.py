"""The verdict reader on the project's verdict sets, written for this project after published comparison articles.

``tests/data/verdicts.jsonl`` is the looked set: its errors were read to find classes of phenomena (its first
"scored" half too, once spent), so it must stay read right (a regression gate). ``verdicts_fresh.jsonl`` was
written afterwards, blind, by a helper session that had seen neither the rules nor the looked set; it was scored
once and then spent (its errors read for classes, on 2026-12-04). ``verdicts_fresh2.jsonl`` was written blind
the same day, by a helper that saw neither the rules nor any set: it is only counted, by
``scripts/eval_verdicts.py --set tests/data/verdicts_fresh2.jsonl --show none``, never tuned on."""

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from eval_verdicts import FIELDS, predict  # noqa: E402

CASES = [json.loads(line) for line in (ROOT / "tests" / "data" / "verdicts.jsonl").read_text(
    encoding="utf-8").splitlines() if line.strip()]


def test_the_set_covers_the_styles_it_claims():
    assert len(CASES) >= 60 and len({c["style"] for c in CASES}) >= 20
    assert {c["lang"] for c in CASES} == {"en", "zh"}
    assert {c["split"] for c in CASES} == {"looked"}
    fresh = [json.loads(line) for line in (ROOT / "tests" / "data" / "verdicts_fresh.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()]
    assert len(fresh) >= 60 and {c["split"] for c in fresh} == {"scored"}
    assert not {c["text"] for c in fresh} & {c["text"] for c in CASES}


@pytest.mark.parametrize("field", ["winner", "aspect", "margin", "tie"])
def test_looked_half_is_read_right(field):
    from nlp_toolkit.verdicts import normalize

    looked = [c for c in CASES if c["split"] == "looked"]
    right = 0
    for c in looked:
        got = predict(c)[field]
        want = c.get(field) if field != "margin" else (c.get("margin") or "normal")
        if field == "aspect":
            got, want = (normalize(x, "zh").lower() if x else None for x in (got, want))
        right += got == (bool(want) if field == "tie" else want)
    assert right / len(looked) >= 0.95, f"{field}: {right}/{len(looked)}"


def test_lines_stating_no_verdict_give_none():
    for c in CASES:
        if c.get("none"):
            assert predict(c)["none"], c["text"]
    assert set(FIELDS) == {"winner", "aspect", "margin", "tie", "gaining"}


# -- lines the verdict forms miss, read from the competitors they name (verdicts.verdict_by_names) ----------------
@pytest.mark.parametrize("text,lang,names,want", [
    ("Honestly, the Kobo's screen just looks sharper.", "en", ["Kobo Libra Colour", "Kindle Colorsoft"],
     "Kobo Libra Colour"),
    ("The Colorsoft falls short of the Libra Colour on page turns.", "en", ["Kobo Libra Colour", "Kindle Colorsoft"],
     "Kobo Libra Colour"),
    ("For commuters the Brompton G Line is simply the smarter buy.", "en", ["Brompton G Line", "Tern Vektron"],
     "Brompton G Line"),
    ("续航这一项,小鹏G6明显更耐跑。", "zh", ["小鹏G6", "特斯拉Model Y"], "小鹏G6"),
    ("特斯拉Model Y的底盘调校比不过小鹏G6。", "zh", ["小鹏G6", "特斯拉Model Y"], "小鹏G6"),
    # a report, a preview, a question, a tie: no verdict of the line's own
    ("Kindle fans say the Colorsoft is better.", "en", ["Kobo Libra Colour", "Kindle Colorsoft"], None),
    ("We'll know which one wins once the Colorsoft update ships.", "en", ["Kobo Libra Colour", "Kindle Colorsoft"], None),
    ("Is the Brompton G Line better than the Tern Vektron?", "en", ["Brompton G Line", "Tern Vektron"], None),
    ("小鹏G6能否赶上特斯拉Model Y,还要看明年。", "zh", ["小鹏G6", "特斯拉Model Y"], None),
    ("小鹏G6和特斯拉Model Y的续航不相上下。", "zh", ["小鹏G6", "特斯拉Model Y"], None),
    ("Prices: $1,099 (Kobo Libra Colour) and $1,299 (Kindle Colorsoft)", "en", ["Kobo Libra Colour", "Kindle Colorsoft"],
     None),
])
def test_a_line_read_from_the_competitors_it_names(text, lang, names, want):
    from nlp_toolkit.verdicts import verdict_by_names

    r = verdict_by_names(text, lang, names)
    assert (r.winner if r else None) == want, r


def test_the_fresh_sets_are_disjoint_from_the_looked_set():
    fresh2 = [json.loads(line) for line in (ROOT / "tests" / "data" / "verdicts_fresh2.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()]
    assert len(fresh2) == 100 and {c["split"] for c in fresh2} == {"scored"}
    assert not {c["text"] for c in fresh2} & {c["text"] for c in CASES}
    assert all(c["winner"] in c["competitors"] for c in fresh2 if c["winner"])

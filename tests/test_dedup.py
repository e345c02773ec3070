"""Streaming deduplication of translation units (nlp_toolkit.dedup): exact and near duplicates, first occurrence
wins, short units only exact, the modes, determinism across processes, the index file's removal, and two
articles where the second repeats some of the first's paragraphs with edits. The text is the tests' own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nlp_toolkit import dedup as dedup_module
from nlp_toolkit.dedup import Duplicate, Deduplicator, normalize

ROOT = Path(__file__).resolve().parents[1]

PLANT = ("BYD will build its first European passenger-car plant in Szeged, a university city in southern Hungary, "
         "and expects the factory to employ about three thousand people once it runs at full speed.",
         "比亚迪将在匈牙利南部的大学城塞格德建设其首个欧洲乘用车工厂，预计工厂全面投产后将雇用约三千人。")
#: the same paragraph with one word changed ("build" -> "open", 建设 -> 开设)
PLANT_EDITED = ("BYD will open its first European passenger-car plant in Szeged, a university city in southern "
                "Hungary, and expects the factory to employ about three thousand people once it runs at full speed.",
                "比亚迪将在匈牙利南部的大学城塞格德开设其首个欧洲乘用车工厂，预计工厂全面投产后将雇用约三千人。")
#: a different sentence on the same topic, sharing many of its words
PLANT_OTHER = ("BYD will build its second European plant in Turkey, a large market in southern Europe, and expects "
               "the new factory to employ about five thousand people once it reaches full speed in 2027.",
               "比亚迪将在欧洲南部的大市场土耳其建设其第二座欧洲工厂，预计新工厂在2027年全面投产后将雇用约五千人。")
SALES = ("Tesla delivered about 1.8 million electric cars last year, while BYD sold more than three million "
         "vehicles, counting its plug-in hybrids.",
         "特斯拉去年交付了约180万辆电动汽车，而比亚迪售出了三百多万辆汽车，其中包括插电式混合动力车。")
PRICES = ("Both companies cut their prices in China this spring, and analysts expect the price war to squeeze "
          "the profits of smaller carmakers for the rest of the year.",
          "今年春天，两家公司都在中国下调了价格，分析师预计，价格战将在今年余下的时间里挤压小型汽车制造商的利润。")


def run(units, **kw):
    """check() of each (key, en, zh), in order, with a fresh Deduplicator."""
    with Deduplicator(**kw) as d:
        return [d.check(key, en, zh) for key, en, zh in units]


def test_normalize_drops_case_spacing_and_punctuation_but_keeps_digits():
    assert normalize("  Hello,\tWORLD!\n\u00a0(2024) ") == normalize("hello world 2024") == "helloworld2024"
    assert normalize("股价上涨１０％，达到　新高。") == normalize("股价上涨10%,达到新高.") == "股价上涨10达到新高"
    assert normalize("up 10%") != normalize("up 11%")


def test_exact_duplicates_differing_in_case_spacing_and_full_width_punctuation():
    en, zh = SALES
    copies = [("case", en.upper(), zh),
              ("spacing", "  ".join(en.split()) + "\n", " " + zh.replace("，", " ， ")),
              ("width", en.replace(",", "，").replace(".", "．"), zh.replace("，", ",").replace("。", "."))]
    results = run([("first", en, zh)] + copies)
    assert results[0] is None
    assert results[1:] == [Duplicate("first", "exact", 1.0)] * 3


def test_near_duplicates_name_the_first_unit():
    tagged = (PLANT[0] + " (Reuters)", PLANT[1] + "（路透社）")
    results = run([("a", *PLANT), ("b", *PRICES), ("c", *PLANT_EDITED), ("d", *tagged)])
    assert results[:2] == [None, None]
    for r in results[2:]:
        assert r is not None and (r.of, r.kind) == ("a", "near") and 0.7 <= r.similarity < 1.0


def test_different_sentences_on_the_same_topic_are_not_duplicates():
    assert run([("a", *PLANT), ("b", *PLANT_OTHER), ("c", *SALES), ("d", *PRICES)]) == [None] * 4
    # the two that share most words: a low enough threshold calls them duplicates
    assert run([("a", *PLANT), ("b", *PLANT_OTHER)], threshold=0.2)[1] is not None


def test_a_unit_with_one_side_changed_entirely_is_not_a_duplicate():
    """Both sides are judged: the same English with another translation is another unit."""
    other_zh = "据估计，这家位于塞格德的新工厂一旦满负荷运转，将为当地提供大约三千个工作岗位。"
    assert run([("a", *PLANT), ("b", PLANT[0], other_zh), ("c", PLANT_EDITED[0], PLANT[1])])[1:] == \
        [None, Duplicate("a", "near", pytest.approx(0.85, abs=0.15))]


def test_short_units_are_only_matched_exactly(monkeypatch):
    """Near-matching short strings makes false duplicates ("Tax cut" is not "Tax cuts"); "TAX CUT!" is "Tax cut"."""
    units = [("a", "Tax cut", "减税"), ("b", "Tax cuts", "减税"), ("c", "TAX CUT!", "减税！"), ("d", "No.", "不。")]
    assert run(units, threshold=0.5) == [None, None, Duplicate("a", "exact", 1.0), None]
    # the pair is similar enough to be near-matched without the rule, so the test can see the rule
    monkeypatch.setattr(dedup_module, "MIN_NEAR_CHARS", 0)
    assert run(units, threshold=0.5)[1] == Duplicate("a", "near", pytest.approx(0.75, abs=0.2))


def test_a_changed_number_is_not_an_exact_duplicate():
    en, zh = "Sales rose 12% in May.", "5月份销售额增长了12%。"
    changed = (en.replace("12", "13"), zh.replace("12", "13"))
    assert run([("a", en, zh), ("b", *changed)], mode="exact") == [None, None]
    # in near mode a long unit with a changed number may be a near duplicate, never an exact one
    long_changed = (SALES[0].replace("1.8", "1.9"), SALES[1].replace("180", "190"))
    r = run([("a", *SALES), ("b", *long_changed)])[1]
    assert r is not None and r.kind == "near"


def test_mode_exact_finds_no_near_duplicates():
    units = [("a", *PLANT), ("b", *PLANT_EDITED), ("c", PLANT[0].upper(), PLANT[1])]
    assert run(units, mode="exact") == [None, None, Duplicate("a", "exact", 1.0)]
    assert run(units, mode="near")[1] is not None


def test_mode_off_finds_none_and_stores_nothing():
    with Deduplicator(mode="off") as d:
        assert [d.check("a", *PLANT), d.check("b", *PLANT)] == [None, None]
        assert d.path is None
        assert d.stats() == {"units": 2, "kept": 2, "exact": 0, "near": 0}


def test_only_kept_units_are_named():
    """A copy of a near duplicate names the unit that was kept, not the dropped one."""
    results = run([("a", *PLANT), ("b", *PLANT_EDITED), ("c", PLANT_EDITED[0].lower(), PLANT_EDITED[1])])
    assert [(r.of, r.kind) if r else None for r in results] == [None, ("a", "near"), ("a", "near")]


def test_stats_count_by_kind():
    with Deduplicator() as d:
        for key, en, zh in [("a", *PLANT), ("b", *PLANT_EDITED), ("c", *PLANT), ("d", *SALES), ("e", *SALES)]:
            d.check(key, en, zh)
        assert d.stats() == {"units": 5, "kept": 2, "exact": 2, "near": 1}


UNITS = [(f"u{i}", en, zh) for i, (en, zh) in enumerate(
    [PLANT, SALES, PLANT_EDITED, PRICES, PLANT_OTHER, (SALES[0] + " (AFP)", SALES[1] + "（法新社）"), PLANT,
     ("Tax cut", "减税"), ("Tax cut.", "减税。")])]
SCRIPT = """
import json, sys
from nlp_toolkit.dedup import Deduplicator
with Deduplicator(store=sys.argv[1]) as d:
    print(json.dumps([None if r is None else [r.of, r.kind, r.similarity]
                      for r in (d.check(*u) for u in json.load(sys.stdin))]))
"""


def _in_subprocess(store: str, hash_seed: str) -> list:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", SCRIPT, store], input=json.dumps(UNITS), capture_output=True,
                         text=True, env=env, check=True).stdout
    return json.loads(out)


def test_results_are_deterministic_across_runs_processes_and_stores():
    here = [None if r is None else [r.of, r.kind, r.similarity] for r in run(UNITS)]
    assert here == [None if r is None else [r.of, r.kind, r.similarity] for r in run(UNITS)]
    assert [r and r[:2] for r in here] == [None, None, ["u0", "near"], None, None, ["u1", "near"],
                                           ["u0", "exact"], None, ["u7", "exact"]]
    # string hashing differs between processes; the results may not
    assert _in_subprocess("sqlite", "1") == _in_subprocess("memory", "2") == here


def test_the_index_file_is_removed_on_close(tmp_path):
    with Deduplicator() as d:
        path = Path(d.path)
        d.check("a", *PLANT)
        assert path.is_file() and path.stat().st_size > 0
    assert not path.exists() and not path.parent.exists()       # its own temporary directory goes too
    with pytest.raises(ValueError, match="closed"):
        d.check("b", *PLANT)
    d = Deduplicator(mode="exact", workdir=tmp_path)
    d.check("a", *PLANT)
    assert Path(d.path).parent == tmp_path and len(list(tmp_path.iterdir())) == 1
    d.close()
    assert list(tmp_path.iterdir()) == [] and tmp_path.is_dir()   # a given workdir stays


def test_the_index_file_is_removed_when_the_deduplicator_is_dropped():
    d = Deduplicator()
    path = Path(d.path)
    del d
    assert not path.exists()


ARTICLE_1 = [
    PLANT,
    SALES,
    ("The plant will make up to 150,000 electric cars a year at first, and the company said it would use "
     "local suppliers for batteries and seats wherever it could.",
     "工厂初期每年将生产多达15万辆电动汽车，公司表示将尽可能在当地采购电池和座椅。"),
    PRICES,
    ("Hungary's government did not say how much support it had offered, but ministers called the project the "
     "largest investment in the region's history.",
     "匈牙利政府没有透露提供了多少支持，但部长们称该项目是该地区历史上最大的一笔投资。"),
]
ARTICLE_2 = [
    ("European carmakers fear that cheaper Chinese models will take market share from them just as they spend "
     "billions to switch their own factories to electric cars.",
     "欧洲汽车制造商担心，就在他们斥资数十亿美元将自己的工厂转向电动汽车之际，更便宜的中国车型将抢走他们的市场份额。"),
    # article 1's fourth paragraph again, re-spaced and with full-width punctuation
    (" ".join(PRICES[0].replace(",", "，").split()) + " ", PRICES[1].replace("，", ", ")),
    # article 1's first paragraph, one word changed and a source tag added
    (PLANT_EDITED[0] + " (Reuters)", PLANT_EDITED[1] + "（路透社）"),
    # new, on the same plant, sharing many words with article 1's third paragraph
    ("The plant will make up to 300,000 hybrid cars a year by 2030, and the company said it would train local "
     "engineers for its battery lines wherever it could.",
     "到2030年，工厂每年将生产多达30万辆混合动力汽车，公司表示将尽可能为其电池生产线培训当地工程师。"),
    # article 1's last paragraph with a number of its own added: a near duplicate
    ("Hungary's government did not say how much support it had offered, but ministers called the 2 billion euro "
     "project the largest investment in the region's history.",
     "匈牙利政府没有透露提供了多少支持，但部长们称该项目（20亿欧元）是该地区历史上最大的一笔投资。"),
]


def test_the_second_article_flags_the_paragraphs_it_repeats():
    units = [(f"one/{i}", en, zh) for i, (en, zh) in enumerate(ARTICLE_1)] + \
            [(f"two/{i}", en, zh) for i, (en, zh) in enumerate(ARTICLE_2)]
    for store in ("sqlite", "memory"):
        results = run(units, store=store)
        flagged = {key: (r.of, r.kind) for (key, _, _), r in zip(units, results) if r is not None}
        assert flagged == {"two/1": ("one/3", "exact"), "two/2": ("one/0", "near"), "two/4": ("one/4", "near")}


def test_bad_arguments():
    with pytest.raises(ValueError, match="mode"):
        Deduplicator(mode="fuzzy")
    with pytest.raises(ValueError, match="threshold"):
        Deduplicator(threshold=0)
    with pytest.raises(ValueError, match="store"):
        Deduplicator(store="redis")

"""The noisy set of scripts/eval_filter.py, built from pairs written for this test (no OpusFilter, no models):
every class and kind present, each unit's label true of its text, duplicates after their originals, the same
stream for a seed, and the look and score parts apart by document."""

import re
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import eval_filter as ef  # noqa: E402

DOCS_TEXT = """
# harbour
The new harbour bridge opened on Monday after four years of work. | 新港口大桥在历时四年施工后于周一通车。
About 20,000 cars are expected to cross it every day. | 预计每天约有两万辆汽车通过这座桥。
The city council said the project came in under budget. | 市议会表示，该项目的花费低于预算。
Local shops hope the bridge will bring more visitors. | 当地商店希望大桥能带来更多游客。
A second bridge is planned for the northern shore. | 北岸还计划修建第二座桥。
# rainfall
Heavy rain flooded several streets in the old town. | 暴雨淹没了老城区的几条街道。
Firefighters rescued a family from a stranded car. | 消防员从一辆被困的汽车中救出了一家人。
The weather service warned of more storms this week. | 气象部门警告本周还会有更多风暴。
Schools in the area will stay closed until Thursday. | 该地区的学校将停课至周四。
Officials are still counting the damage to homes. | 官员们仍在统计房屋受损情况。
# orchestra
The youth orchestra won first prize at the festival. | 青年管弦乐团在音乐节上获得一等奖。
Its conductor has led the group for twelve years. | 其指挥已带领乐团十二年。
The players are between 14 and 19 years old. | 乐手们的年龄在 14 岁到 19 岁之间。
They will tour three countries next summer. | 他们明年夏天将到三个国家巡演。
Tickets for the home concert sold out in an hour. | 主场音乐会的门票在一小时内售罄。
# library
The central library will extend its opening hours. | 中央图书馆将延长开放时间。
From May it will open until ten in the evening. | 从五月起，图书馆将开放至晚上十点。
The change follows a survey of 3,000 readers. | 这一调整是在对三千名读者进行调查之后作出的。
Most of them asked for more study space. | 他们中的大多数人要求增加自习空间。
The library has also bought 5,000 new books. | 图书馆还购买了五千本新书。
# factory
A battery factory is to be built near the airport. | 一家电池工厂将在机场附近建设。
The company says it will create 800 jobs. | 该公司表示，这将创造八百个就业岗位。
Construction is due to start in the autumn. | 工程预计于秋季开工。
Some residents are worried about the extra traffic. | 一些居民担心交通量会增加。
The mayor called the plan good news for the region. | 市长称该计划对该地区来说是个好消息。
# marathon
More than 10,000 runners took part in the marathon. | 一万多名选手参加了马拉松比赛。
The winner finished in two hours and eight minutes. | 冠军用时两小时八分钟完成比赛。
It was her third victory in the race. | 这是她第三次赢得这项比赛。
Volunteers handed out water along the route. | 志愿者们在沿途分发饮用水。
Next year the course will pass the old harbour. | 明年的赛道将经过老港口。
"""


def parse_docs(text: str) -> dict[str, list[tuple[str, str]]]:
    """Documents written as '# docid' then one 'English | Chinese' line a sentence."""
    docs: dict[str, list[tuple[str, str]]] = {}
    for line in text.strip().splitlines():
        if line.startswith("# "):
            doc = docs.setdefault(line[2:], [])
        else:
            en, zh = line.split(" | ")
            doc.append((en, zh))
    return docs


DOCS = parse_docs(DOCS_TEXT)
PAIRS = [{"docid": d, "i": k, "en": en, "zh": zh} for d, sents in DOCS.items() for k, (en, zh) in enumerate(sents)]


def build(seed=1):
    return ef.build_noisy_set(PAIRS, seed=seed, noise_ratio=2.0)


def template_pattern(text: str) -> re.Pattern:
    return re.compile("".join(".+" if k % 2 else re.escape(s) for k, s in enumerate(re.split(r"\{\w+\}", text))
                              ) + "$")


def matches_template(u, templates) -> bool:
    return any(template_pattern(en).match(u.en) and template_pattern(zh).match(u.zh) for en, zh in templates)


@pytest.fixture(scope="module")
def stream():
    return build()


def test_clean_units_are_the_pairs_in_order(stream):
    assert [(u.en, u.zh, u.docid) for u in stream if u.label == "clean"] == [(p["en"], p["zh"], p["docid"])
                                                                             for p in PAIRS]
    n_noise = sum(u.noise for u in stream)
    parts = [sum(u.label == "clean" and u.part == part for u in stream) for part in ef.PARTS]
    assert n_noise == sum(round(2.0 * n) for n in parts)


def test_every_class_and_kind_is_present_in_each_part(stream):
    for part in ef.PARTS:
        units = [u for u in stream if u.part == part and u.noise]
        assert {u.label for u in units} == set(ef.CLASSES)
        for cls, kinds in ef.KINDS.items():
            assert {u.kind for u in units if u.label == cls} == set(kinds), (part, cls)


def test_labels_are_true_of_the_text(stream):
    part_of = {u.docid: u.part for u in stream if u.label == "clean"}
    for u in stream:
        src = [PAIRS[i] for i in u.source]
        if u.label == "misaligned":
            a, b = src
            assert (u.en, u.zh) == (a["en"], b["zh"]) and a["zh"] != b["zh"]
            assert part_of[a["docid"]] == part_of[b["docid"]] == u.part
            if u.kind == "near":
                assert a["docid"] == b["docid"] and abs(a["i"] - b["i"]) == 1
            else:
                assert a["docid"] != b["docid"]
        elif u.label == "untranslated":
            assert u.en == u.zh == (src[0]["en"] if u.kind == "zh_copy" else src[0]["zh"])
        elif u.label == "boilerplate":
            assert u.docid is None and not u.source
            assert matches_template(u, ef.BOILERPLATE[u.part]), (u.en, u.zh)
            other = "score" if u.part == "look" else "look"
            assert not matches_template(u, ef.BOILERPLATE[other]), (u.en, u.zh)
        elif u.label == "duplicate":
            en, zh = src[0]["en"], src[0]["zh"]
            assert (u.en, u.zh) != (en, zh) or u.kind == "exact"
            if u.kind == "exact":
                assert (u.en, u.zh) == (en, zh)
            elif u.kind == "spacing":
                assert (u.en.split(), u.zh.strip()) == (en.split(), zh)
            elif u.kind == "case":
                assert u.en.lower() == en.lower() and u.zh == zh
            elif u.kind == "width":
                assert u.zh.translate(ef.HALF_WIDTH) == zh.translate(ef.HALF_WIDTH) and u.en == en
            elif u.kind == "word":
                a, b = u.en.split(" "), en.split(" ")
                changed = sum(x != y for x, y in zip(a, b)) == 1 if len(a) == len(b) else \
                    any(a == b[:k] + b[k + 1:] for k in range(len(b)))  # one word replaced, or one dropped
                assert changed and u.zh == zh
            else:
                assert any(u.en == en + t_en and u.zh == zh + t_zh for t_en, t_zh in ef.SOURCE_TAGS)
        else:
            assert u.label == "clean" and u.kind == "clean" and u.original is None


def test_boilerplate_sets_are_disjoint():
    look, score = (set(ef.BOILERPLATE[p]) for p in ef.PARTS)
    assert not look & score
    assert not {en for en, _ in look} & {en for en, _ in score}


def test_a_duplicate_comes_after_its_original(stream):
    dups = [(k, u) for k, u in enumerate(stream) if u.label == "duplicate"]
    assert dups
    for k, u in dups:
        orig = stream[u.original]
        assert u.original < k and orig.label == "clean" and orig.source == u.source


def test_the_stream_is_deterministic_by_seed(stream):
    assert [asdict(u) for u in build(1)] == [asdict(u) for u in stream]
    other = build(2)
    assert [asdict(u) for u in other] != [asdict(u) for u in stream]
    for part in ef.PARTS:  # the seed draws each part's noise, not only the order of the stream
        assert sorted((u.en, u.zh) for u in other if u.part == part and u.noise) != \
            sorted((u.en, u.zh) for u in stream if u.part == part and u.noise)
    # the parts are a property of the documents, whatever the seed
    assert {(u.docid, u.part) for u in other if u.label == "clean"} == {(u.docid, u.part) for u in stream
                                                                         if u.label == "clean"}


def test_look_and_score_are_apart_by_document(stream):
    docs = {part: {u.docid for u in stream if u.part == part and u.label == "clean"} for part in ef.PARTS}
    assert docs["look"] and docs["score"] and not docs["look"] & docs["score"]
    assert docs["look"] | docs["score"] == set(DOCS)
    for u in stream:
        for i in u.source:  # noise is made from its own part's pairs only
            assert PAIRS[i]["docid"] in docs[u.part]

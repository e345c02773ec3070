"""The entity check of aligned units (nlp_toolkit/entities/check.py): one test per class of phenomena, on
sentences written for these tests, with hand-made entities (fast: no recognizer runs), and one end-to-end
``nlp-toolkit process`` on a small bilingual article."""

import json

import pytest

from nlp_toolkit.document import AlignedPair, Article, Entity
from nlp_toolkit.entities.check import (Checker, Context, Forms, check_article, check_pair, checker_for,
                                        distinctive, loose_stem)
from nlp_toolkit.entities.gazetteer import Gazetteer
from nlp_toolkit.entities.rules import parse_sections
from nlp_toolkit.settings import Settings


def ent(lang, text, full, label, canonical=None):
    """An entity at the first occurrence of ``text`` in ``full``."""
    i = full.index(text)
    if canonical is None and lang == "en":
        canonical = text
    return Entity(lang, text, i, i + len(text), label, canonical)


def unit(en, zh, en_ents=(), zh_ents=(), index=0):
    """A 1-1 unit; entities as (text, label[, canonical]) found in its texts."""
    p = AlignedPair(index=index, en_ids=[index], zh_ids=[index], en=en, zh=zh, score=0.9)
    p.entities = [ent("en", e[0], en, e[1], *e[2:]) for e in en_ents] + \
                 [ent("zh", z[0], zh, z[1], *z[2:]) for z in zh_ents]
    return p


@pytest.fixture(scope="module")
def checker():
    return checker_for(Settings())


def codes(notes):
    return [(n.code, n.lang, n.severity) for n in notes]


# -- entity_mismatch -----------------------------------------------------------------------------------------
def test_a_country_for_another_country_is_a_mismatch(checker):
    p = unit("France will host the climate talks next spring.", "德国将于明年春天主办气候会谈。",
             [("France", "GPE")], [("德国", "LOC")])
    notes = check_pair(p, checker)
    assert codes(notes) == [("entity_mismatch", "zh", "error")]
    n = notes[0]
    assert "France" in n.message and "德国" in n.message and "Germany" in n.message
    assert p.en[slice(*n.en_span)] == "France" and p.zh[slice(*n.zh_span)] == "德国"
    assert n.reason == "name differs (place)"


def test_the_faithful_unit_has_no_warning(checker):
    p = unit("France will host the climate talks next spring.", "法国将于明年春天主办气候会谈。",
             [("France", "GPE")], [("法国", "LOC", "France")])
    assert check_pair(p, checker) == []


def test_a_link_the_gazetteer_contradicts_is_no_counterpart(checker):
    # the linker may tie the Chinese name to the English one by position; the gazetteer says it is Germany
    p = unit("France will host the climate talks next spring.", "德国将于明年春天主办气候会谈。",
             [("France", "GPE")], [("德国", "LOC", "France")])
    assert codes(check_pair(p, checker)) == [("entity_mismatch", "zh", "error")]


def test_a_person_for_another_person_is_a_mismatch(checker):
    p = unit("Vladimir Putin will travel to the summit.", "特朗普将前往参加峰会。",
             [("Vladimir Putin", "PER")], [("特朗普", "PER")])
    notes = check_pair(p, checker)
    assert codes(notes) == [("entity_mismatch", "zh", "error")]
    assert "Donald Trump" in notes[0].message and "Vladimir Putin" in notes[0].message


def test_names_of_different_kinds_are_not_paired(checker):
    # a place dropped and an organization added are two things, not one name changed
    p = unit("The talks in Geneva went on late.", "联合国的会谈持续到很晚。",
             [("Geneva", "GPE")], [("联合国", "ORG")])
    assert "entity_mismatch" not in [n.code for n in check_pair(p, checker)]


# -- what counts as the same name ----------------------------------------------------------------------------
@pytest.mark.parametrize("en, en_ents, zh, zh_ents", [
    # a demonym for its country
    ("Belarusian officials denied the report.", [("Belarusian", "NORP")], "白俄罗斯官员否认了这一报道。",
     [("白俄罗斯", "LOC")]),
    # a capital for its government, both ways
    ("Washington and Beijing resumed trade talks.", [("Washington", "GPE"), ("Beijing", "GPE")],
     "美国和中国恢复了贸易谈判。", [("美国", "LOC"), ("中国", "LOC")]),
    ("Moscow rejected the plan.", [("Moscow", "GPE")], "克里姆林宫拒绝了这一计划。", [("克里姆林宫", "LOC")]),
    # a combining form
    ("Sino-Japanese relations have cooled.", [], "中日关系已经降温。", [("中", "LOC"), ("日", "LOC")]),
    # an alias of the gazetteer
    ("The U.K. will reply on Monday.", [("U.K.", "GPE")], "英国将于周一作出答复。", [("英国", "LOC")]),
    # a country name the English recognizer missed is still in the English text
    ("Exports to Italy and Spain rose.", [("Spain", "GPE")], "对意大利和西班牙的出口增加了。",
     [("意大利", "LOC"), ("西班牙", "LOC")]),
    # a Latin-script name kept in the Chinese text
    ("Wagner Group denied it.", [("Wagner Group", "ORG")], "瓦格纳集团 (Wagner Group) 否认了这一点。", []),
    # a word of the Chinese text whose CC-CEDICT gloss is the name
    ("Sanctions by the West hurt exports.", [("West", "LOC")], "西方的制裁损害了出口。", []),
])
def test_forms_of_one_name_agree(checker, en, en_ents, zh, zh_ents):
    assert check_pair(unit(en, zh, en_ents, zh_ents), checker) == []


def test_looser_evidence_explains_names_that_are_no_countries(checker):
    """The gazetteer gives one English name of several: a distinctive word of it, a name it sounds like, a
    bracketed Latin name explain a Chinese name that is no country."""
    def explained(zh_text, zh, en):
        p = unit(en, zh_text, [], [(zh, "LOC")])
        z = [n for n in checker.zh_names(p) if n.text == zh][0]
        return checker.explained(z, p.en, checker.en_names(p), p)

    assert explained("设得兰群岛将有大风。", "设得兰群岛", "Shetland will see gales.")   # Shetland Islands
    assert explained("民主党人表示反对。", "民主党", "The Democrats objected.")          # Democratic Party
    assert explained("东南亚经济增长强劲。", "东南亚", "Growth in south-east Asia is strong.")
    assert explained("维拉主场迎战。", "维拉", "Villa play at home.")                    # sounds like Villa
    # a country is explained by its own forms only
    assert not explained("印度将主办。", "印度", "Indiana will host it.")


def test_loose_stems():
    assert loose_stem("Asian") == loose_stem("Asia")
    assert loose_stem("Democrats") == loose_stem("Democratic")
    assert loose_stem("Indiana") != loose_stem("India")
    assert distinctive("Shetland Islands") == {"shetland"}
    assert distinctive("United States") == set()


# -- entity_missing ------------------------------------------------------------------------------------------
def test_a_country_the_english_never_names_is_missing(checker):
    # the Chinese names Spain and Portugal as the English does, and a third country the English has nowhere
    en = "Spain beat Portugal on Sunday, and the coach of Spain praised the team."
    zh = "西班牙周日击败了葡萄牙，意大利主教练称赞了球队。"
    notes = check_pair(unit(en, zh, [("Spain", "GPE"), ("Portugal", "GPE")],
                            [("西班牙", "LOC"), ("葡萄牙", "LOC"), ("意大利", "LOC")]), checker)
    assert codes(notes) == [("entity_missing", "zh", "warning")]
    assert "意大利" in notes[0].message and "Italy" in notes[0].message


def test_a_country_said_in_a_neighbouring_unit_is_not_missing():
    """A translation names in one sentence what the English says once for two, or makes "it" explicit."""
    a = Article(doc_id="t")
    a.pairs = [unit("Japan unveiled a stimulus plan.", "日本公布了一项刺激计划。", [("Japan", "GPE")],
                    [("日本", "LOC")], 0),
               unit("It will cost billions, officials said.", "官员说，日本的计划将耗资数十亿。", [],
                    [("日本", "LOC")], 1)]
    check_article(a, Settings())
    assert [w for p in a.pairs for w in p.warnings] == []


def test_explicitation_where_the_english_names_no_country(checker):
    """An English unit that names no country leaves one implicit: "the country", or the owner of an office."""
    for en, zh in [("The Met Office issued a wind warning.", "英国气象局发布了大风预警。"),
                   ("The president said the plan would work.", "美国总统表示该计划会奏效。"),
                   ("Floods hit the country again this week.", "本周美国再次遭遇洪水。")]:
        assert check_pair(unit(en, zh, [], []), checker) == [], en
    # where the English names a country, another one before an office is no explicitation
    en, zh = "Canada's prime minister met reporters, and Canada's envoy too.", "加拿大总理会见了记者，澳大利亚大使也是。"
    notes = check_pair(unit(en, zh, [("Canada", "GPE")], [("加拿大", "LOC"), ("澳大利亚", "LOC")]), checker)
    assert codes(notes) == [("entity_missing", "zh", "warning")]


def test_names_other_than_countries_added_in_chinese_raise_nothing(checker):
    # a full name, a ministry the English calls otherwise, a homonym of the gazetteer: no warning
    p = unit("Macron met the Foreign Office team.", "马克龙会见了外交部团队。", [("Macron", "PER")],
             [("马克龙", "PER", "Macron"), ("外交部", "ORG")])
    assert check_pair(p, checker) == []


def test_abbreviations_render_but_never_accuse(checker):
    # 英 of 英里 (mile), recognized as the U.K.'s abbreviation, is no country the English leaves out
    p = unit("The town is 20 miles from Seattle.", "该镇距西雅图20英里。", [("Seattle", "GPE")],
             [("西雅图", "LOC", "Seattle"), ("英", "LOC")])
    assert check_pair(p, checker) == []


def test_an_english_name_dropped_in_chinese_is_missing(checker):
    p = unit("The talks were held in Geneva on Monday.", "会谈于周一举行。", [("Geneva", "GPE")], [])
    notes = check_pair(p, checker)
    assert codes(notes) == [("entity_missing", "en", "warning")]
    assert "Geneva" in notes[0].message and "日内瓦" in notes[0].message


def test_a_chinese_stand_in_keeps_a_dropped_name_from_missing(checker):
    for zh in ["她说她会留下。", "该公司表示将留下。"]:
        p = unit("Angela Merkel said she would stay.", zh, [("Angela Merkel", "PER")], [])
        assert check_pair(p, checker) == [], zh


def test_a_name_rendered_in_a_neighbouring_unit_is_not_missing():
    a = Article(doc_id="t")
    a.pairs = [unit("Talks opened on Monday.", "周一，日内瓦会谈开幕。", [], [], 0),
               unit("Delegates met in Geneva.", "各代表团举行了会晤。", [("Geneva", "GPE")], [], 1)]
    check_article(a, Settings())
    assert [w for p in a.pairs for w in p.warnings] == []


def test_names_the_gazetteer_does_not_know_are_not_checked(checker):
    # a person the gazetteer does not list may be transliterated as the translator pleases
    p = unit("Krystal Sprouse opened a shop.", "克丽丝托开了一家店。", [("Krystal Sprouse", "PER")], [])
    assert check_pair(p, checker) == []


def test_a_unit_with_one_side_empty_is_left_to_the_aligner(checker):
    assert check_pair(unit("France won.", "", [("France", "GPE")]), checker) == []


# -- wiring ----------------------------------------------------------------------------------------------------
def test_the_settings_switch_turns_the_check_off():
    a = Article(doc_id="t")
    a.pairs = [unit("France will host the talks.", "德国将主办会谈。", [("France", "GPE")], [("德国", "LOC")])]
    check_article(a, Settings(entity_check=False))
    assert a.pairs[0].warnings == []
    check_article(a, Settings())
    assert [w.code for w in a.pairs[0].warnings] == ["entity_mismatch"]


def test_a_small_forms_table_and_gazetteer():
    gaz = Gazetteer.from_lines(["法国\tFrance\tGPE\t\t", "德国\tGermany\tGPE\t\t", "巴黎\tParis\tGPE\t\t"])
    fm = Forms.from_sections(parse_sections(["[country]", "France\tFrench|Paris\t法方", "Germany\tGerman\t",
                                             "[zh_standin_regex]", "该国"]))
    c = Checker(gaz, fm)
    assert check_pair(unit("Paris objected.", "法方表示反对。", [("Paris", "GPE")], []), c) == []
    assert check_pair(unit("French fishermen protested.", "法国渔民提出抗议。", [("French", "NORP")],
                           [("法国", "LOC")]), c) == []
    assert [n.code for n in check_pair(unit("French fishermen protested.", "德国渔民提出抗议。",
                                            [("French", "NORP")], [("德国", "LOC")]), c)] == ["entity_mismatch"]
    with pytest.raises(ValueError, match=r"\[country\] line 1"):
        Forms.from_sections({"country": ["France only"]})


def test_the_stage_is_declared_after_the_entities():
    from nlp_toolkit.pipeline import DEFAULT_STAGES, STAGES, check_order

    assert "entity_check" in DEFAULT_STAGES
    assert DEFAULT_STAGES.index("entity_check") > DEFAULT_STAGES.index("entities")
    assert "pair.entities" in STAGES["entity_check"].requires
    with pytest.raises(ValueError, match="entity_check"):
        check_order(["clean", "langid", "align", "entity_check"])


ARTICLE = """France and Germany agree on a new rail link

法国和德国就一条新铁路线达成协议

France and Germany signed an agreement on Tuesday to build a high-speed rail line between the two countries.

周二，法国和德国签署了一项协议，将在两国之间修建一条高速铁路。

Italy is expected to join the project next year, officials said.

官员说，预计西班牙将于明年加入该项目。

The line will carry passengers from 2030, according to the plan.

根据计划，这条线路将从2030年开始运送乘客。
"""


def test_process_reports_a_changed_country(tmp_path):
    """End to end: the wrong country of the third paragraph is an entity warning in pairs.jsonl, counted in
    documents.jsonl and listed in the review page."""
    from nlp_toolkit.cli import main

    src = tmp_path / "rail_link.bilingual.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["process", str(src), "-o", str(out)]) == 0
    pairs = [json.loads(line) for line in (out / "pairs.jsonl").read_text(encoding="utf-8").splitlines()]
    flagged = [(p["index"], w) for p in pairs for w in p["warnings"] if w["code"].startswith("entity_")]
    assert len(flagged) == 1, flagged
    index, w = flagged[0]
    assert "Italy" in pairs[index]["en"] and w["code"] == "entity_mismatch" and w["severity"] == "error"
    assert "Italy" in w["message"] and "西班牙" in w["message"]
    assert pairs[index]["zh"][w["zh_span"][0]:w["zh_span"][1]] == "西班牙"
    doc = json.loads((out / "documents.jsonl").read_text(encoding="utf-8"))
    assert doc["warning_counts"].get("entity_mismatch") == 1
    page = tmp_path / "review.html"
    assert main(["report", str(out), "-o", str(page)]) == 0
    html = page.read_text(encoding="utf-8")
    assert "entity_mismatch: " in html and "<b>1</b> entity warnings" in html
    assert html.count('entity-flag mismatch') == 2  # the two names outlined

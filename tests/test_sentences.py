"""Sentence splitting in both languages, and the stage that aligns sentences inside paragraph pairs."""

from nlp_toolkit.document import AlignedPair, Article
from nlp_toolkit.sentences import align_sentences_article, split, split_en, split_en_rules, split_zh
from nlp_toolkit.settings import Settings


def test_split_zh_marks_and_closing_quotes():
    text = "早上下了一场雨。她问：“你带伞了吗？”我摇摇头！路上很滑；我们走得很慢……到家已经八点了"
    assert split_zh(text) == [
        "早上下了一场雨。",
        "她问：“你带伞了吗？”",
        "我摇摇头！",
        "路上很滑；",
        "我们走得很慢……",
        "到家已经八点了",
    ]


def test_split_zh_runs_of_marks_brackets_and_lines():
    assert split_zh("真的吗？！（他笑了。）好。\n 新的一段。") == ["真的吗？！", "（他笑了。）", "好。", "新的一段。"]
    assert split_zh("") == []


def test_split_en_rules_abbreviations_initials_and_quotes():
    text = ("Dr. Li met J. R. Tolkien's heirs at 5 p.m. on Monday. \"Are you sure?\" she asked. "
            "The U.S. team won 3.5 points! Then everyone went home.")
    assert split_en_rules(text) == [
        "Dr. Li met J. R. Tolkien's heirs at 5 p.m. on Monday.",
        "\"Are you sure?\" she asked.",
        "The U.S. team won 3.5 points!",
        "Then everyone went home.",
    ]


def test_split_en_senter_batch():
    st = Settings(sent_split_en="senter")
    res = split_en(["The rain stopped at noon. We walked to the market.", "One line only"], st)
    assert res == [["The rain stopped at noon.", "We walked to the market."], ["One line only"]]
    assert split("It rained. We stayed in.", "en", st) == ["It rained.", "We stayed in."]


def test_unknown_splitter_is_an_error():
    import pytest

    with pytest.raises(ValueError, match="splitter"):
        split_en("A. B.", Settings(sent_split_en="nope"))


def test_stage_fills_sentence_pairs():
    en = ("The company opened a new factory in Shanghai last year. It employs 3,000 workers. "
          "Sales grew by 40 percent.")
    zh = "该公司去年在上海开设了一家新工厂，雇用了3000名工人。销售额增长了40%。"
    art = Article(doc_id="d", pairs=[
        AlignedPair(index=0, en_ids=[0], zh_ids=[0], en=en, zh=zh, score=0.9),
        AlignedPair(index=1, en_ids=[1], zh_ids=[], en="An English paragraph alone. It has two sentences.", zh="",
                    score=0.0),
    ])
    align_sentences_article(art, Settings())
    sp = art.pairs[0].sentences
    assert [(s.en_ids, s.zh_ids) for s in sp] == [([0, 1], [0]), ([2], [1])]
    assert sp[0].zh == "该公司去年在上海开设了一家新工厂，雇用了3000名工人。"
    assert sp[0].en.startswith("The company") and sp[0].en.endswith("3,000 workers.")
    assert all(-1.0 <= s.score <= 1.0 for s in sp)
    lone = art.pairs[1].sentences
    assert [(s.en_ids, s.zh_ids) for s in lone] == [([0], []), ([1], [])]
    assert art.pairs[0].to_dict("d")["sentences"][1]["zh_ids"] == [1]

"""Sentence splitting in both languages (the stage that aligns the sentences is tested in test_sentalign.py)."""

from nlp_toolkit.split import _abbreviations, split, split_en, split_en_rules, split_zh
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


def test_abbreviations_come_from_the_models_file():
    abbrev = _abbreviations()
    assert {"mr", "u.s", "sept", "p.m"} <= abbrev and not any(a.startswith("#") for a in abbrev)
    # a listed abbreviation keeps the sentence going; the same text with a word that is not one ends it
    assert split_en_rules("They met Gen. Zhao at noon.") == ["They met Gen. Zhao at noon."]
    assert split_en_rules("They met Kim. Zhao came at noon.") == ["They met Kim.", "Zhao came at noon."]

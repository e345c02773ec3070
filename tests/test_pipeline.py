"""The stage registry's requires/assigns declarations, and Pipeline's check of a stage order."""

import dataclasses

import pytest

from nlp_toolkit.document import AlignedPair, Article, Claim, Paragraph, Section
from nlp_toolkit.pipeline import DEFAULT_STAGES, READER_PROVIDES, STAGES, Pipeline, check_order, load_stage
from nlp_toolkit.read import read_file, read_text

OWNERS = {"article": Article, "paragraph": Paragraph, "pair": AlignedPair, "section": Section, "claim": Claim}

TEXT = ("Tesla delivered 1.8 million cars in 2023.\n\n"
        "特斯拉在2023年交付了180万辆汽车。\n\n"
        "BYD sold 3 million vehicles, about 60% more.\n\n"
        "比亚迪售出300万辆汽车,多出约60%。\n")


def test_declarations_name_fields_of_the_data_model():
    for name, spec in STAGES.items():
        for attr in (*spec.requires, *spec.assigns, *READER_PROVIDES):
            owner, _, field = attr.partition(".")
            fields = {f.name for f in dataclasses.fields(OWNERS[owner])}
            assert field in fields, f"stage {name!r} declares {attr}, which is not a field of {owner}"


def test_the_default_order_is_consistent():
    check_order(DEFAULT_STAGES)
    assert Pipeline().stage_names == list(STAGES)


def test_claims_before_entities_names_both_stages():
    with pytest.raises(ValueError) as err:
        Pipeline(stages=["clean", "langid", "align", "claims", "entities"])
    assert str(err.value) == ("stage 'claims' requires pair.entities, assigned by 'entities', "
                              "which must come before it")


def test_a_requirement_no_stage_in_the_list_assigns_is_an_error():
    # without langid no paragraph has a side, so the aligner would see two empty sides
    with pytest.raises(ValueError, match=r"stage 'align' requires paragraph.side, assigned by 'langid'"):
        Pipeline(stages=["clean", "align"])
    with pytest.raises(ValueError, match=r"stage 'comparison' requires section.advantage, assigned by 'sections'"):
        Pipeline(stages=["clean", "langid", "align", "entities", "claims", "comparison"])
    with pytest.raises(ValueError, match=r"unknown stage 'tokens'"):
        Pipeline(stages=["clean", "tokens"])


def test_a_consistent_subset_runs_on_real_text():
    article = Pipeline(stages=["clean", "langid"])(read_text(TEXT, doc_id="cars"))
    assert [(p.side, p.index) for p in article.paragraphs] == [("en", 0), ("zh", 0), ("en", 1), ("zh", 1)]
    assert article.pairs == [] and article.signature.count("|stages:clean+langid|") == 1

    article = Pipeline(stages=["clean", "langid", "align", "entities", "claims"])(read_text(TEXT, doc_id="cars"))
    assert [(p.en_ids, p.zh_ids) for p in article.pairs] == [([0], [0]), ([1], [1])]
    assert any(e.text == "BYD" for e in article.pairs[1].entities)
    assert {c.text for c in article.pairs[1].claims if c.lang == "en"} >= {"3 million vehicles", "about 60%"}


def _values(article: Article, attr: str) -> list:
    owner, _, field = attr.partition(".")
    objects = {"article": [article], "paragraph": article.paragraphs, "pair": article.pairs,
               "section": article.sections, "claim": [c for p in article.pairs for c in p.claims]}[owner]
    return [getattr(o, field) for o in objects]


def test_each_stage_assigns_what_it_declares(example_path):
    """Stage by stage over the bundled example: after a stage, every attribute it declares holds a value on some
    object of the article (the example has boilerplate, headings with verdicts and claims about competitors)."""
    article = read_file(example_path)
    for name in DEFAULT_STAGES:
        load_stage(name)(article, Pipeline().settings)
        for attr in STAGES[name].assigns:
            assert any(v not in (None, "", [], -1) for v in _values(article, attr)), f"{name} left {attr} empty"

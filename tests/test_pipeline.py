"""The stage registry's requires/assigns declarations, and Pipeline's check of a stage order."""

import dataclasses

import pytest

from nlp_toolkit.document import AlignedPair, Article, Claim, Paragraph, Section, SentencePair
from nlp_toolkit.pipeline import DEFAULT_STAGES, READER_PROVIDES, STAGES, Pipeline, check_order, load_stage
from nlp_toolkit.read import read_file, read_text

OWNERS = {"article": Article, "paragraph": Paragraph, "pair": AlignedPair, "section": Section, "claim": Claim,
          "sentence": SentencePair}

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
               "section": article.sections, "claim": [c for p in article.pairs for c in p.claims],
               "sentence": [s for p in article.pairs for s in p.sentences]}[owner]
    return [getattr(o, field) for o in objects]


def test_each_stage_assigns_what_it_declares(example_path):
    """Stage by stage over the bundled example: after a stage, every attribute it declares holds a value on some
    object of the article (the example has boilerplate, headings with verdicts and claims about competitors)."""
    article = read_file(example_path)
    for name in DEFAULT_STAGES:
        load_stage(name)(article, Pipeline().settings)
        for attr in STAGES[name].assigns:
            assert any(v not in (None, "", [], -1) for v in _values(article, attr)), f"{name} left {attr} empty"


# -- deadlines and results that depend on the article alone -----------------------------------------------------
def _variants(path):
    """Articles written from the bundled example: itself, its second half, and its paragraphs in pairs reversed
    (other texts, sharing many sentences with the first, so that caches would carry values across)."""
    text = path.read_text(encoding="utf-8").strip()
    blocks = [b for b in text.split("\n\n") if b.strip()]
    half = blocks[len(blocks) // 2 // 2 * 2:]
    pairs = [blocks[i:i + 2] for i in range(0, len(blocks) - 1, 2)]
    return {"A": text + "\n",
            "B": "\n\n".join(half) + "\n",
            "C": "\n\n".join(b for p in reversed(pairs) for b in p) + "\n",
            "D": "\n\n".join(blocks[2:] + blocks[:2]) + "\n"}


def _bytes(article):
    import json

    return json.dumps(article.pair_dicts(), ensure_ascii=False, sort_keys=True)


def test_an_articles_records_do_not_depend_on_what_the_process_did_before(example_path):
    texts = _variants(example_path)
    p = Pipeline()
    alone = _bytes(p(read_text(texts["A"], doc_id="A")))
    for name in ("B", "C", "D"):
        p(read_text(texts[name], doc_id=name))
    after_others = _bytes(p(read_text(texts["A"], doc_id="A")))
    assert after_others == alone
    # batched beside others, in two orders: the same bytes
    for order in (["B", "A", "C"], ["D", "C", "A", "B"]):
        out = {a.doc_id: a for a in p.pipe([read_text(texts[n], doc_id=n) for n in order], batch_size=4)}
        assert _bytes(out["A"]) == alone
        assert _bytes(out["B"]) == _bytes(p(read_text(texts["B"], doc_id="B")))


def test_a_deadline_of_zero_stops_the_pipeline_and_none_changes_nothing():
    from nlp_toolkit.limits import DeadlineExceeded, deadline

    p = Pipeline()
    want = _bytes(p(read_text(TEXT)))
    with deadline(0):
        with pytest.raises(DeadlineExceeded):
            p(read_text(TEXT))
        with pytest.raises(DeadlineExceeded):
            list(p.pipe([read_text(TEXT)]))
    with deadline(None):
        assert _bytes(p(read_text(TEXT))) == want
    with deadline(3600):
        assert _bytes(p(read_text(TEXT))) == want


def test_each_stage_checks_the_deadline_in_its_loop(monkeypatch):
    """A deadline that passes inside a stage stops it there (the stage calls check_deadline), not only at the
    next stage boundary."""
    import nlp_toolkit.limits as limits

    article = read_text(TEXT)
    p = Pipeline()
    calls = []

    def counting():
        calls.append(1)

    for mod in ("nlp_toolkit.clean", "nlp_toolkit.langid", "nlp_toolkit.paralign", "nlp_toolkit.sentalign",
                "nlp_toolkit.claims", "nlp_toolkit.sections", "nlp_toolkit.comparison"):
        import importlib

        m = importlib.import_module(mod)
        assert m.check_deadline is limits.check_deadline, mod
        monkeypatch.setattr(m, "check_deadline", counting)
    p(article)
    # clean, langid (per paragraph), align, sentences (per pair), claims (per pair), sections, comparison
    assert len(calls) >= 4 + 1 + 2 + 2 + 1


def test_clear_caches_empties_every_cache_of_computed_embeddings():
    """The USE-m3 pooled token features are computed per batch of texts; kept across articles, an article's
    margins could differ in the last digits with what the process handled before (issue 21)."""
    from nlp_toolkit.encoders import clear_caches, get_encoder
    from nlp_toolkit.encoders.spans import SpanEmbedder
    from nlp_toolkit.encoders.usem3 import fast_usem3

    texts = ["Tesla delivered 1.8 million cars in 2023.", "特斯拉在2023年交付了180万辆汽车。"]
    span = SpanEmbedder(fast_usem3())
    span.prepare(texts)
    cached = get_encoder()
    cached.encode(texts)
    assert span.pooler is not None and len(span.pooler._cache) >= 2 and len(cached._cache) == 2
    clear_caches()
    assert len(span.pooler._cache) == 0 and len(cached._cache) == 0

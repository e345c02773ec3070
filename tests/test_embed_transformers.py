"""The transformers encoder end to end with a tiny randomly initialized BERT that the test builds and saves
itself (nothing is downloaded)."""

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="the transformers extra (torch) is not installed")
transformers = pytest.importorskip("transformers", reason="the transformers extra is not installed")

WORDS = ("the a old fisherman lived alone in small house by river every morning he rowed his boat out before "
         "sunrise one day storm broke mast . , ! ?").split()
CHARS = list("老渔夫独自住在河边的一间小房子里每天早上他都日出之前划船出去有暴风雨折断了桅杆。，")


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    from transformers import BertConfig, BertModel, BertTokenizerFast

    d = tmp_path_factory.mktemp("tiny_bert")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS + CHARS
    (d / "vocab.txt").write_text("\n".join(dict.fromkeys(vocab)) + "\n", encoding="utf-8")
    tok = BertTokenizerFast(vocab_file=str(d / "vocab.txt"), do_lower_case=True)
    tok.save_pretrained(str(d))
    torch.manual_seed(0)
    cfg = BertConfig(vocab_size=len(dict.fromkeys(vocab)), hidden_size=32, num_hidden_layers=2,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=128)
    BertModel(cfg).save_pretrained(str(d))
    return d


def test_encode_shapes_norms_and_batch_invariance(tiny_model):
    from nlp_toolkit.encoders.hf_transformers import TransformersEncoder

    enc = TransformersEncoder(str(tiny_model), pooling="mean", batch_size=2)
    texts = ["The old fisherman lived alone.", "他都在日出之前划船出去。", "storm", ""]
    v = enc.encode(texts)
    assert v.shape == (4, 32) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v[:3], axis=1), 1.0, atol=1e-5)
    one_by_one = np.stack([enc.encode([t])[0] for t in texts])
    assert np.allclose(v, one_by_one, atol=1e-5)  # padding does not leak into mean pooling
    assert enc.encode([]).shape == (0, 32)
    assert "transformers" in enc.name and "mean" in enc.name


def test_cls_pooling_differs_from_mean(tiny_model):
    from nlp_toolkit.encoders.hf_transformers import TransformersEncoder

    mean = TransformersEncoder(str(tiny_model), pooling="mean").encode(["every morning he rowed his boat"])
    cls = TransformersEncoder(str(tiny_model), pooling="cls").encode(["every morning he rowed his boat"])
    assert np.allclose(np.linalg.norm(cls, axis=1), 1.0, atol=1e-5)
    assert not np.allclose(mean, cls)
    with pytest.raises(ValueError, match="pooling"):
        TransformersEncoder(str(tiny_model), pooling="max")


def test_missing_model_directory_is_reported(tmp_path):
    from nlp_toolkit.encoders.hf_transformers import TransformersEncoder

    with pytest.raises(FileNotFoundError, match="local disk"):
        TransformersEncoder(str(tmp_path / "absent"))


def test_aligner_and_cli_with_the_transformers_encoder(tiny_model, tmp_path):
    from nlp_toolkit.cli import main
    from nlp_toolkit.encoders import get_encoder
    from nlp_toolkit.sentalign import align_sentences
    from nlp_toolkit.settings import Settings

    spec = f"transformers:{tiny_model}"
    en = ["The old fisherman lived alone.", "Every morning he rowed his boat out.", "One day a storm broke the mast."]
    zh = ["老渔夫独自住。", "每天早上他划船出去。", "有一天暴风雨折断了桅杆。"]
    st = Settings(encoder=spec, pooling="cls")
    enc = get_encoder(spec, "cls")
    beads = align_sentences(en, zh, st)
    assert [i for b in beads for i in b.src] == [0, 1, 2] and [j for b in beads for j in b.tgt] == [0, 1, 2]
    assert len(enc.encoder.encode(["x"])[0]) == 32
    (tmp_path / "a.en").write_text("\n".join(en), encoding="utf-8")
    (tmp_path / "a.zh").write_text("\n".join(zh), encoding="utf-8")
    out = tmp_path / "a.align"
    assert main(["align", str(tmp_path / "a.en"), str(tmp_path / "a.zh"), "--presplit", "--encoder", spec,
                 "--pooling", "mean", "-o", str(out)]) == 0
    lines = out.read_text().splitlines()
    assert lines and all(":" in ln for ln in lines)

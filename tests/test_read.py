"""Reading: encodings, blocks, two-file articles, clear errors for what is not text."""

import codecs

import pytest

from nlp_toolkit.document import InputError
from nlp_toolkit.read import decode, read_file, read_pair, read_text


def _example_text(example_path):
    return example_path.read_text(encoding="utf-8")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "gb18030"])
def test_decode_round_trips_every_common_encoding(example_path, encoding):
    text = _example_text(example_path)
    data = text.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):  # with a byte-order mark, as Windows tools write them
        data = (codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE) + data
    got, _ = decode(data, "example")
    assert got == text


def test_decode_big5_traditional(example_path):
    opencc = pytest.importorskip("opencc")
    trad = opencc.OpenCC("s2tw").convert(_example_text(example_path))
    got, enc = decode(trad.encode("big5"), "example-big5")
    assert got == trad
    assert "big5" in enc


def test_binary_and_empty_inputs_name_the_file(tmp_path):
    binary = tmp_path / "image.png"
    binary.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(InputError, match=r"image\.png: not a text file"):
        read_file(binary)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"\n \n")
    with pytest.raises(InputError, match=r"empty\.txt: empty file"):
        read_file(empty)
    with pytest.raises(InputError, match=r"missing\.txt: no such file"):
        read_file(tmp_path / "missing.txt")


def test_blocks_keep_source_lines_and_ragged_blank_lines():
    a = read_text("First paragraph.\n\n\n\n第一段。\nsecond line\n\n\nLast.")
    assert [(p.text, p.lines) for p in a.paragraphs] == [
        ("First paragraph.", (1, 1)), ("第一段。\nsecond line", (5, 6)), ("Last.", (9, 9))]


def test_read_pair_sets_sides(tmp_path):
    (tmp_path / "a.en.txt").write_text("One.\n\nTwo.\n", encoding="utf-8")
    (tmp_path / "a.zh.txt").write_text("比亚迪正在匈牙利建设工厂。\n\n每座新工厂耗资约10亿美元。\n", encoding="gb18030")
    a = read_pair(tmp_path / "a.en.txt", tmp_path / "a.zh.txt")
    assert [p.side for p in a.paragraphs] == ["en", "en", "zh", "zh"]
    assert a.doc_id == "a" and a.encoding == "utf-8|gb18030"

"""Reading: encodings, blocks, two-file articles, clear errors for what is not text."""

import codecs

import pytest

from nlp_toolkit.document import InputError
from nlp_toolkit.read import decode, decode_text, read_bytes, read_file, read_pair, read_text


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


# -- per-block decoding of files that are not UTF-8 -------------------------------------------------------------
BIG5_ZH = "比亞迪在匈牙利的新工廠明年投產。\n\n電池價格連續第三年下降。\n"
GB_ZH = "比亚迪在匈牙利的新工厂明年投产。\n\n电池价格连续第三年下降。\n"
EN = "BYD's new plant in Hungary opens next year.\n\nBattery prices fell for a third year.\n"


def _encoding_warnings(article):
    return [w.message for w in article.warnings if w.code == "encoding"]


@pytest.mark.parametrize("text, encoding, label", [
    (BIG5_ZH, "big5", "big5hkscs"),
    ("臺灣電動車銷量創新高。", "big5", "big5hkscs"),
    (GB_ZH, "gb18030", "gb18030"),
    ("电动车销量创新高。", "gb18030", "gb18030"),
    (EN + "\n" + GB_ZH, "gb18030", "gb18030"),
    ("The café in Zürich sold “naïve” crêpes — très cher.\n", "cp1252", "cp1252"),
])
def test_short_legacy_texts_decode_right(tmp_path, text, encoding, label):
    path = tmp_path / "short.txt"
    path.write_bytes(text.encode(encoding))
    a = read_file(path)
    assert (decode(text.encode(encoding), "short.txt"), a.encoding) == ((text, label), label)
    assert _encoding_warnings(a) == []


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_byte_order_mark(encoding):
    for text in (EN + "\n" + GB_ZH, GB_ZH):
        assert decode(text.encode(encoding), "x.txt") == (text, encoding)


def test_cr_only_line_ends_separate_paragraphs(tmp_path):
    path = tmp_path / "mac.txt"
    path.write_bytes((EN + "\n" + GB_ZH).replace("\n", "\r").encode("gb18030"))
    a = read_file(path)
    assert [p.text for p in a.paragraphs] == [t for t in (EN + GB_ZH).split("\n") if t]
    assert [p.lines for p in a.paragraphs] == [(1, 1), (3, 3), (5, 5), (7, 7)]


def test_mixed_utf8_and_gb18030_paragraphs_each_decode_and_warn(tmp_path):
    zh = GB_ZH.split("\n\n")
    path = tmp_path / "mixed.txt"
    path.write_bytes(EN.encode() + b"\n" + (zh[0] + "\n\n").encode("gb18030") + zh[1].encode("utf-8"))
    a = read_file(path)
    assert [p.text for p in a.paragraphs][2:] == [zh[0], zh[1].strip()]
    # as many paragraphs in each: named in the order they come
    assert a.encoding == "mixed:gb18030+utf-8"
    assert _encoding_warnings(a) == ["paragraphs in 2 encodings: gb18030 (1), utf-8 (1)"]


def test_mixed_counts_order_by_paragraphs():
    utf8 = ["特斯拉在欧洲降价。", "销量随之上升。", "分析人士并不意外。"]
    data = "\n\n".join(utf8).encode() + "\n\n比亚迪的电池工厂将在明年投产。".encode("gb18030")
    d = decode_text(data, "x.txt")
    assert d.text == "\n\n".join(utf8 + ["比亚迪的电池工厂将在明年投产。"])
    assert (d.encoding, d.notes) == ("mixed:utf-8+gb18030", ["paragraphs in 2 encodings: utf-8 (3), gb18030 (1)"])


def test_a_few_bad_bytes_mid_file_are_replaced_not_refused(tmp_path, example_path):
    data = example_path.read_bytes()
    mid = data.index("比亚迪".encode())
    path = tmp_path / "damaged.txt"
    path.write_bytes(data[:mid] + b"\xff\xfe\xc0\x80" + data[mid:])
    a = read_file(path)
    assert a.encoding == "utf-8"
    assert _encoding_warnings(a) == ["4 bytes replaced in 1 paragraph"]
    damaged = [p.text for p in a.paragraphs if "\ufffd" in p.text]
    assert len(damaged) == 1 and "\ufffd" * 4 + "比亚迪" in damaged[0]
    assert len(a.paragraphs) == len(read_file(example_path).paragraphs)


def test_control_characters_become_replacement_characters():
    d = decode_text("Sales rose 12% this year, the third rise in a row.\x00\n\n销量\x07增长。\n".encode(), "x.txt")
    assert d.text == "Sales rose 12% this year, the third rise in a row.\ufffd\n\n销量\ufffd增长。\n"
    assert (d.encoding, d.notes) == ("utf-8", ["2 control characters replaced"])


def test_mostly_nul_or_random_bytes_are_binary():
    import random

    rng = random.Random(7)
    for data in (b"\x00" * 1000, b"\x1f\x8b\x08\x00" + bytes(rng.randrange(256) for _ in range(2000))):
        with pytest.raises(InputError, match=r"^x\.gz: not a text file \(binary content\)$"):
            decode(data, "x.gz")


# -- what is not a regular file -----------------------------------------------------------------------------------
def test_special_files_and_links_are_refused_without_reading(tmp_path):
    import os
    import signal

    os.mkfifo(tmp_path / "pipe")
    os.symlink("loop", tmp_path / "loop")
    os.symlink("gone.txt", tmp_path / "dead")
    signal.alarm(10)  # opening the FIFO for reading would block forever
    try:
        cases = {"pipe": "not a regular file (FIFO)", "loop": "symlink loop", "dead": "dangling symlink",
                 ".": "is a directory, not a file"}
        for name, reason in cases.items():
            with pytest.raises(InputError) as err:
                read_file(tmp_path / name)
            assert str(err.value) == f"{tmp_path / name}: {reason}"
    finally:
        signal.alarm(0)
    with pytest.raises(InputError, match=r"^/dev/null: not a regular file \(character device\)$"):
        read_bytes("/dev/null")


def test_files_above_the_limit_are_refused_with_their_size(tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:  # sparse: nothing is written
        f.truncate(10 * 2**20)
    with pytest.raises(InputError, match=r"big\.txt: file too large \(10\.0 MiB; the limit is 8 MiB\)$"):
        read_file(big)
    small = tmp_path / "small.txt"
    small.write_bytes(b"x" * 2048)
    assert read_bytes(small, limit=2048) == b"x" * 2048
    with pytest.raises(InputError, match=r"small\.txt: file too large"):
        read_bytes(small, limit=1024)

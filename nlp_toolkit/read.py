"""Bytes to paragraphs: the only stage that touches input files.

An article is either one file in which English paragraphs are followed by their Chinese translations (blank-line
separated, blank lines as ragged as they come), or two files, one per language. The reader produces one raw
:class:`Paragraph` per block of consecutive non-blank lines; cleaning and language identification refine them.

Every input is accounted for: what cannot be read raises :class:`InputError` with one line naming the file (the
batch records it in ``errors.jsonl``). Only regular files up to :data:`MAX_INPUT_BYTES` are read, examined
before they are opened (a FIFO or a device would block or never end). Decoding: a byte-order mark or strict
UTF-8 decides for the whole file; otherwise UTF-16 without a mark is recognised from its NUL bytes, and any
other file is decoded block by block (blank-line separated) in the most plausible of UTF-8, GB18030,
Big5-HKSCS and cp1252/Latin-1, scored on the characters each gives (common Chinese characters, ASCII and
punctuation for; kana, private-use and replacement characters against), because archives mix encodings from
paragraph to paragraph and a file-wide guess garbles the rest (a short Big5 text is not cp932). Bytes that no
encoding decodes, and control characters, become U+FFFD, and the article gets an ``encoding`` warning with the
counts. A file that is mostly control characters is binary and refused.

>>> a = read_text("Hello there.\\n\\n你好。\\n", doc_id="t")
>>> [(p.text, p.lines) for p in a.paragraphs]
[('Hello there.', (1, 1)), ('你好。', (3, 3))]
"""

from __future__ import annotations

import codecs
import errno
import functools
import json
import os
import re
import stat
import threading
from pathlib import Path
from typing import NamedTuple

from .document import Article, InputError, Notice, Paragraph

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
#: files above this size are refused before reading (the lead moves it to Settings)
MAX_INPUT_BYTES = 8 * 2**20
#: the encodings a block of a file that is not UTF-8 may be in, in order of preference when they score alike:
#: the superset of each legacy Chinese family (gb18030 over GBK/GB2312, big5hkscs over Big5/cp950), then Western
_CANDIDATES = ("utf-8", "gb18030", "big5hkscs", "cp1252", "latin-1")
# a block's encoding is chosen on its first bytes (up to a blank or a line end after this many)
_SAMPLE_BYTES = 1 << 16
# share of control characters (other than tab and line ends) above which decoded bytes are not text
_MAX_CONTROL_SHARE = 0.01
# share of characters replaced above which decoded bytes are not text
_MAX_REPLACED_SHARE = 0.25
# a block is moved to the file's main encoding when that scores within this share of its best candidate
_PREFER_MAIN = 0.1
# blank lines between blocks, in bytes (safe to split on in every candidate: in GBK, GB18030 and Big5 a line
# end or a space is never part of a multi-byte character)
_BLANK_BYTES = re.compile(rb"((?:\r\n|\r|\n)(?:[ \t]*(?:\r\n|\r|\n))+)")
_BLANK_TEXT = re.compile(r"(?:\r\n|\r|\n)(?:[ \t]*(?:\r\n|\r|\n))+")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


class Decoded(NamedTuple):
    """A file's text, the encoding used (``mixed:A+B`` when blocks differ), and notes for an ``encoding``
    warning (empty when the bytes decoded cleanly in one encoding)."""

    text: str
    encoding: str
    notes: list[str]


def decode(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Decode a file's bytes; return ``(text, encoding)``. Raise :class:`InputError` naming ``name``.

    >>> decode("科技界出现了一场新的竞争：亚马逊对阵TikTok。".encode("gb18030"), "x.txt")
    ('科技界出现了一场新的竞争：亚马逊对阵TikTok。', 'gb18030')
    >>> decode(b"\\x00\\x01\\x02\\x03binary", "x.bin")
    Traceback (most recent call last):
    ...
    nlp_toolkit.document.InputError: x.bin: not a text file (binary content)
    """
    text, encoding, _ = decode_text(data, name)
    return text, encoding


def decode_text(data: bytes, name: str = "<bytes>") -> Decoded:
    """Decode a file's bytes, block by block where it is not UTF-8 (see :func:`decode`), and say what was done.

    Strict UTF-8 (or a byte-order mark) decides for the whole file. Otherwise UTF-16 without a byte-order mark
    is recognised from where its NUL bytes fall, and any other file is split at blank lines and each block is
    decoded in the candidate encoding whose text is most plausible for bilingual news (:func:`_score`). Bytes
    that no encoding decodes, and control characters, become U+FFFD and are counted in the notes.

    >>> big5 = "電動車市場競爭激烈。".encode("big5")
    >>> d = decode_text(b"Hello.\\n\\n" + big5[:6] + b"\\x80" + big5[6:], "x.txt")
    >>> d.text, d.encoding, d.notes
    ('Hello.\\n\\n電動車\\ufffd市場競爭激烈。', 'big5hkscs', ['1 byte replaced in 1 paragraph'])
    """
    if not data.strip():
        raise InputError(f"{name}: empty file")
    notes: list[str] = []
    bom = next((enc for mark, enc in _BOMS if data.startswith(mark)), None)
    if bom is not None:
        text, bad = _decode_counting(data, bom)
        encoding, replaced = bom, [(text, bad)]
        text = text.lstrip("\ufeff")
    else:
        text, encoding, replaced, blocks = _decode_blocks(data)
        wide = _utf16_order(data)
        if wide is not None:
            wtext, wbad = _decode_counting(data, wide)
            if _score(wtext) > _score(text):
                text, encoding, replaced, blocks = wtext, wide, [(wtext, wbad)], {}
        if len(blocks) > 1:
            counts = sorted(blocks.items(), key=lambda kv: -kv[1])
            notes.append(f"paragraphs in {len(counts)} encodings: " + ", ".join(f"{e} ({n})" for e, n in counts))
    if not text.strip():
        raise InputError(f"{name}: empty file")
    cleaned, controls = _CONTROLS.subn("\ufffd", text)
    if controls > max(2, _MAX_CONTROL_SHARE * len(text)):
        raise InputError(f"{name}: not a text file (binary content)")
    bad_bytes = sum(bad for _, bad in replaced)
    if bad_bytes > _MAX_REPLACED_SHARE * len(text):
        raise InputError(f"{name}: not a text file (binary content)")
    if bad_bytes:
        paragraphs = sum(sum(1 for b in _BLANK_TEXT.split(t) if "\ufffd" in b) for t, bad in replaced if bad)
        notes.append(f"{bad_bytes} byte{'s' * (bad_bytes != 1)} replaced in {paragraphs} "
                     f"paragraph{'s' * (paragraphs != 1)}")
    if controls:
        text = cleaned
        notes.append(f"{controls} control character{'s' * (controls != 1)} replaced")
    return Decoded(text, encoding, notes)


_count = threading.local()


def _count_and_replace(err: UnicodeDecodeError) -> tuple[str, int]:
    _count.bytes += err.end - err.start
    return "\ufffd", err.end


codecs.register_error("nlp_toolkit.count", _count_and_replace)


def _decode_counting(data: bytes, encoding: str) -> tuple[str, int]:
    """``data`` decoded with undecodable bytes as U+FFFD, and how many bytes were replaced.

    >>> _decode_counting(b"ok\\xff\\xfe", "utf-8")
    ('ok\\ufffd\\ufffd', 2)
    """
    _count.bytes = 0
    text = data.decode(encoding, errors="nlp_toolkit.count")
    return text, _count.bytes


def _decode_blocks(data: bytes) -> tuple[str, str, list[tuple[str, int]], dict[str, int]]:
    """Strict UTF-8 for the whole file, else each blank-line block in its most plausible encoding.

    Returns the text, the encoding label, ``(text, replaced bytes)`` of each decoded block, and the number of
    blocks per encoding (ASCII blocks, which every candidate reads alike, are not counted).
    """
    try:
        return data.decode("utf-8"), "utf-8", [], {}
    except UnicodeDecodeError:
        pass
    parts = _BLANK_BYTES.split(data)
    choices: list[tuple[str, dict[str, float]] | None] = []
    weight: dict[str, int] = {}
    for block in parts[0::2]:
        if block.isascii():
            choices.append(None)
            continue
        sample = _sample(block)
        utf8, bad = _decode_counting(sample, "utf-8")
        if bad <= _count_of(_NON_ASCII, utf8) - utf8.count("\ufffd"):
            # strict UTF-8 or nearly: legacy text is almost never valid UTF-8 beyond a few characters, so more
            # valid multi-byte characters than bad bytes is UTF-8 with damage, not a legacy encoding
            choices.append(("utf-8", {"utf-8": float("inf")}))
        else:
            scores = {enc: _score(_decode_counting(sample, enc)[0]) for enc in _CANDIDATES}
            choices.append((max(scores, key=scores.get), scores))  # max keeps the first of equal scores
        weight[choices[-1][0]] = weight.get(choices[-1][0], 0) + len(block)
    main = max(weight, key=weight.get)
    texts, replaced, blocks = [], [], {}
    for i, part in enumerate(parts):
        if i % 2:
            texts.append(part.decode("ascii"))
            continue
        choice = choices[i // 2]
        if choice is None:
            texts.append(part.decode("ascii"))
            continue
        enc, scores = choice
        best = scores[enc]
        if main in scores and scores[main] >= best - _PREFER_MAIN * max(abs(best), 1.0):
            enc = main  # a block that reads about as well in the file's main encoding is in it
        text, bad = _decode_counting(part, enc)
        texts.append(text)
        replaced.append((text, bad))
        blocks[enc] = blocks.get(enc, 0) + 1
    order = sorted(blocks, key=lambda e: -blocks[e])
    label = order[0] if len(order) == 1 else "mixed:" + "+".join(order)
    return "".join(texts), label, replaced, blocks


def _sample(block: bytes) -> bytes:
    """The first bytes of a long block, cut after a line end or a space (never inside a character)."""
    if len(block) <= _SAMPLE_BYTES:
        return block
    cut = max(block.rfind(b"\n", 0, _SAMPLE_BYTES), block.rfind(b" ", 0, _SAMPLE_BYTES))
    return block[:cut + 1] if cut > 0 else block[:_SAMPLE_BYTES]


def _utf16_order(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when the NUL bytes of ``data`` (a file without a byte-order mark) fall on
    one side of the 16-bit units, as the high byte of ASCII characters and line ends; else None.

    >>> _utf16_order("Tesla 和 BYD\\n".encode("utf-16-le")), _utf16_order(b"PNG\\x00\\x00\\x01\\x00\\x00")
    ('utf-16-le', None)
    """
    sample = data[:_SAMPLE_BYTES]
    nul = sample.count(0)
    if nul < 2 or nul < 0.01 * len(sample):
        return None
    even = sample[0::2].count(0)
    if nul - even >= 0.9 * nul:
        return "utf-16-le"
    if even >= 0.9 * nul:
        return "utf-16-be"
    return None


@functools.lru_cache(maxsize=1)
def _common_han() -> re.Pattern:
    """The common Chinese characters: GB2312 level 1 (3,755 simplified) and Big5 level 1 (5,401 traditional)."""
    chars = set()
    for lead, trails in ((range(0xB0, 0xD8), range(0xA1, 0xFF)),):
        chars.update(bytes([a, b]).decode("gb2312", "ignore") for a in lead for b in trails)
    big5_trails = [*range(0x40, 0x7F), *range(0xA1, 0xFF)]
    chars.update(bytes([a, b]).decode("big5", "ignore") for a in range(0xA4, 0xC7) for b in big5_trails
                 if (a, b) < (0xC6, 0x7F))
    chars.discard("")
    return re.compile("[" + "".join(sorted(chars)) + "]")


# (characters, weight per character) for :func:`_score`; the Han classes are counted apart
_WEIGHTS = [
    (re.compile(r"[\t\n\r\x20-\x7e]"), 1.0),  # ASCII text
    (re.compile(r"[\u3000-\u303f\uff01-\uff5e\u00b7\u2013\u2014\u2018\u2019\u201c\u201d\u2026]"), 1.0),
    (re.compile(r"[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u017f]"), 1.0),  # Latin letters with accents
    (re.compile(r"[\u3040-\u30ff\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]"), -1.0),  # kana, hangul
    (re.compile(r"[\u0370-\u04ff\u2500-\u257f]"), -1.0),  # Greek, Cyrillic, box drawing
    (re.compile(r"[\ue000-\uf8ff\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"), -3.0),  # private use, replaced
]


def _score(text: str) -> float:
    """How plausible ``text`` is as English/Chinese news: common Chinese characters count 2 (two bytes in the
    legacy encodings), ASCII, CJK punctuation and accented letters 1, rare Han characters 0.5, kana, hangul,
    Greek, Cyrillic and box drawing -1, private-use, replacement and control characters -3, the rest 0.

    >>> _score("這是新聞") > _score("這是新聞".encode("big5").decode("gb18030"))
    True
    """
    common = _count_of(_common_han(), text)
    score = 2.0 * common + 0.5 * (_count_of(_CJK, text) - common)
    for chars, w in _WEIGHTS:
        score += w * _count_of(chars, text)
    return score


def _count_of(chars: re.Pattern, text: str) -> int:
    """How many characters of ``text`` the one-character pattern matches (without a list of the matches)."""
    return len(text) - len(chars.sub("", text))


def _blocks(text: str, source: str) -> list[Paragraph]:
    """One raw paragraph per block of consecutive non-blank lines (text keeps its line breaks)."""
    out: list[Paragraph] = []
    current: list[str] = []
    first = 0
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for n, line in enumerate(lines + [""], start=1):
        if line.strip():
            if not current:
                first = n
            current.append(line.strip())
        elif current:
            out.append(Paragraph(lang="", text="\n".join(current), lines=(first, n - 1), source=source))
            current = []
    return out


def doc_id_for(path: str | Path) -> str:
    """The document id of a file: its name up to the first dot (``seed.bilingual.txt`` -> ``seed``).

    >>> doc_id_for("/data/amazon_vs_tiktok.bilingual.txt")
    'amazon_vs_tiktok'
    """
    return Path(path).name.split(".")[0] or Path(path).name


def read_text(text: str, doc_id: str = "doc", source: str = "", encoding: str = "") -> Article:
    """An article from text already in memory (one text holding both languages)."""
    return Article(doc_id=doc_id, source=source, encoding=encoding, paragraphs=_blocks(text, source))


_KINDS = ((stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "character device"),
          (stat.S_ISBLK, "block device"))


def read_bytes(path: str | Path, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; anything else raises :class:`InputError` with one
    line naming it. The file is examined before it is opened, and opened without blocking, so that a FIFO, a
    device or a socket is refused at once instead of being read forever.

    >>> read_bytes("/dev/null")
    Traceback (most recent call last):
    ...
    nlp_toolkit.document.InputError: /dev/null: not a regular file (character device)
    """
    p = Path(path)
    check_file(p, limit)
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        raise InputError(f"{p}: cannot read ({err.strerror})") from None
    with os.fdopen(fd, "rb") as f:
        try:
            _check_regular(p, os.fstat(fd), limit)  # the name may have been replaced since the stat
            data = f.read(limit + 1)
        except OSError as err:
            raise InputError(f"{p}: cannot read ({err.strerror})") from None
    if len(data) > limit:  # the file grew since the stat
        raise InputError(f"{p}: file too large (more than {_mib(limit)} MiB; the limit is {_mib(limit)} MiB)")
    return data


def check_file(path: str | Path, limit: int = MAX_INPUT_BYTES) -> None:
    """Raise :class:`InputError` unless ``path`` is a regular file of at most ``limit`` bytes (without opening
    it: listing inputs uses this to refuse a FIFO before anything reads it).

    >>> check_file("/")
    Traceback (most recent call last):
    ...
    nlp_toolkit.document.InputError: /: is a directory, not a file
    """
    p = Path(path)
    st = _stat(p)
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"{p}: is a directory, not a file")
    _check_regular(p, st, limit)


def _stat(p: Path) -> os.stat_result:
    try:
        return os.stat(p)
    except FileNotFoundError:
        raise InputError(f"{p}: dangling symlink" if os.path.islink(p) else f"{p}: no such file") from None
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise InputError(f"{p}: symlink loop") from None
        raise InputError(f"{p}: cannot read ({err.strerror})") from None


def _check_regular(p: Path, st: os.stat_result, limit: int) -> None:
    if not stat.S_ISREG(st.st_mode):
        kind = next((k for test, k in _KINDS if test(st.st_mode)), "special file")
        raise InputError(f"{p}: not a regular file ({kind})")
    if st.st_size > limit:
        raise InputError(f"{p}: file too large ({st.st_size / 2**20:.1f} MiB; the limit is {_mib(limit)} MiB)")


def _mib(n: int) -> str:
    return f"{n / 2**20:g}"


def _with_warning(article: Article, notes: list[str]) -> Article:
    if notes:
        article.warnings.append(Notice("encoding", "; ".join(notes)))
    return article


def read_file(path: str | Path, doc_id: str | None = None) -> Article:
    """An article from one file holding both languages; an ``encoding`` warning says what decoding replaced or
    mixed."""
    text, encoding, notes = decode_text(read_bytes(path), str(path))
    return _with_warning(read_text(text, doc_id=doc_id or doc_id_for(path), source=str(path), encoding=encoding),
                         notes)


def read_pair(en_path: str | Path, zh_path: str | Path, doc_id: str | None = None) -> Article:
    """An article given as an English file and a Chinese file; each file's paragraphs keep their side."""
    paragraphs = []
    encodings = []
    notes = []
    for side, path in (("en", en_path), ("zh", zh_path)):
        text, enc, file_notes = decode_text(read_bytes(path), str(path))
        encodings.append(enc)
        notes += [f"{path}: {n}" for n in file_notes]
        for p in _blocks(text, str(path)):
            p.side = side
            paragraphs.append(p)
    return _with_warning(Article(doc_id=doc_id or doc_id_for(en_path), source=f"{en_path}|{zh_path}",
                                 encoding="|".join(encodings), paragraphs=paragraphs), notes)


def read_cases(path: str | Path, lang: str | None = None) -> list[dict]:
    """Cases of a JSONL file, one ``{id, text, lang?}`` object a line (the claims and entities contracts).

    ``lang`` is the language of lines that give none. Each case comes back with ``id``, ``text`` and ``lang``
    (en or zh); bad input raises :class:`InputError` naming the file and line.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror})") from None
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    cases, seen = [], set()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path} line {n}"
        try:
            rec = json.loads(line)
        except ValueError as err:
            raise InputError(f"{where}: not JSON ({err})") from None
        if not isinstance(rec, dict):
            raise InputError(f"{where}: expected a JSON object, got {type(rec).__name__}")
        if "id" not in rec or not isinstance(rec["id"], (str, int)) or isinstance(rec["id"], bool):
            raise InputError(f"{where}: 'id' must be a string or an integer")
        if not isinstance(rec.get("text"), str):
            raise InputError(f"{where}: 'text' must be a string")
        lg = rec.get("lang") or lang
        if lg not in ("en", "zh"):
            raise InputError(f"{where}: no language: give 'lang' (en or zh) in the line or --lang"
                             if lg is None else f"{where}: 'lang' must be 'en' or 'zh', got {lg!r}")
        if rec["id"] in seen:
            raise InputError(f"{where}: id {rec['id']!r} appears twice")
        seen.add(rec["id"])
        cases.append({**rec, "lang": lg})
    return cases

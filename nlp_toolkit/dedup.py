"""Streaming deduplication of translation units across a batch: exact and near duplicates, first occurrence wins.

The ordered export pass hands every unit (key, English, Chinese) to :meth:`Deduplicator.check` in input order;
the first unit of a group is kept and every later one is reported as a :class:`Duplicate` of it. A unit is
judged on its :func:`normalize`-d text, so case, spacing, punctuation and full-width forms do not make two units
different; digits stay, so a changed number is a different sentence for the exact test.

- **exact**: a 16-byte blake2b digest of ``normalize(en) + "\\x00" + normalize(zh)``.
- **near**: each side gets its own MinHash (datasketch, ``num_perm`` values) over character n-gram shingles of
  its normalized text, ``shingle=(n_en, n_zh)`` long (:data:`SHINGLE`); two units are near duplicates when the
  estimated Jaccard similarity of *both* sides is at least ``threshold``. One MinHash over both sides' shingles
  together would be ruled by the English side (it has about three times as many shingles): on WMT22 news the
  same English with the other professional translation of it scored a median 0.81 that way, a "duplicate" half
  of the time, though it is another translation; judged side by side its Chinese side scores a median 0.44.
- Candidates come from LSH: each side's signature is cut into ``b`` bands of ``r`` values
  (``datasketch.lsh._optimal_param`` for ``threshold`` and ``num_perm``, the choice ``MinHashLSH`` makes), a
  unit is a candidate when one band of one side matches, and a candidate counts only after the Jaccard check on
  the stored signatures.
- Units whose normalized sides are both shorter than :data:`MIN_NEAR_CHARS` only go through the exact test:
  near-matching "Yes." against "No." would make false duplicates.
- Only kept units are registered, so ``of`` always names a unit the export keeps, and the index holds units
  that are not duplicates of each other (no bucket fills up with copies of one boilerplate line).

The defaults were measured on WMT22 news (its 511 sentence pairs, edited copies of them, and the units of
``scripts/bench_dedup.py``). Shingles: 4 characters of English (about a word, the spaces being gone) and 2 of
Chinese (about a word: single characters let two sentences of one article score up to 0.87, 3-grams lost more
edited copies). Threshold 0.7 rather than 0.8: of 332 copies of a 15-24-word sentence with one word (and two
Chinese characters) changed, 318 were found at 0.7 and 177 at 0.8 (with 25 words or more: all 420, and 402);
no two of the 511 distinct sentences reached 0.7 on both sides, and the alternative translations that 0.7 adds
(54 of 511 flagged against 27) differ from the first by a word or two. LSH lost 5 of 1742 edited copies
that checking every kept unit found.

The index lives on disk (:class:`SqliteStore`: a temporary sqlite file with a bounded page cache), so memory
stays flat however large the archive (20k units: 12 MiB over the same run without dedup, 34 MiB of file;
datasketch's ``MinHashLSH`` in memory: 207 MiB); it runs in the one process that writes the export, in input
order (on Dask too: the workers never see it). :class:`MemoryStore` is the same index in datasketch's own
``MinHashLSH`` and dicts, for comparison (``scripts/bench_dedup.py``) and small runs.

>>> with Deduplicator() as dedup:
...     r = [dedup.check("a", "Tesla sold 1.8 million cars last year, up 40% from a year earlier.",
...                      "特斯拉去年售出 180 万辆汽车，比前一年增长 40%。"),
...          dedup.check("b", "TESLA sold 1.8 million cars last year,  up 40% from a year earlier!",
...                      "特斯拉去年售出１８０万辆汽车，比前一年增长４０％！"),
...          dedup.check("c", "Tesla sold 1.8 million cars last year, up 40% from a year earlier (Reuters).",
...                      "特斯拉去年售出 180 万辆汽车，比前一年增长 40%。（路透社）"),
...          dedup.check("d", "Yes.", "是的。")]
>>> r[0], r[1], r[2].of, r[2].kind, r[3]
(None, Duplicate(of='a', kind='exact', similarity=1.0), 'a', 'near', None)
>>> dedup.stats()
{'units': 4, 'kept': 2, 'exact': 1, 'near': 1}
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import sqlite3
import tempfile
import threading
import unicodedata
import weakref
import zlib
from dataclasses import dataclass
from typing import Iterable, Iterator, NamedTuple

import numpy as np

__all__ = ["Duplicate", "Deduplicator", "MemoryStore", "SqliteStore", "normalize", "shingles", "MODES"]

MODES = ("exact", "near", "off")
#: shingle length (characters of normalized text) of the English and of the Chinese side
SHINGLE = (4, 2)
#: a unit is near-matched only when one of its normalized sides has at least this many characters (both some)
MIN_NEAR_CHARS = 8
#: sqlite page cache of :class:`SqliteStore`, KiB
CACHE_KIB = 8192


# --- what a duplicate is judged on -----------------------------------------------------------------------------

class _Dropped(dict):
    """``str.translate`` table that drops P* punctuation, S* symbols, Z* separators and C* controls and format
    characters (newline, tab, zero-width space), filled in as characters are first seen."""

    def __missing__(self, codepoint: int) -> int | None:
        self[codepoint] = None if unicodedata.category(chr(codepoint))[0] in "PSZC" else codepoint
        return self[codepoint]


_DROPPED = _Dropped()


def normalize(text: str) -> str:
    """The text a duplicate is judged on: NFKC (full-width forms become half-width), casefolded, with every
    punctuation mark, symbol, space and control character removed; letters, digits and marks stay.

    >>> normalize("Tesla's  Model 3, launched in 2017!")
    'teslasmodel3launchedin2017'
    >>> normalize("特斯拉（ＴＥＳＬＡ）：股价上涨１０％。")
    '特斯拉tesla股价上涨10'
    >>> normalize("Straße") == normalize("STRASSE"), normalize("12 月") == normalize("13 月")
    (True, False)
    """
    return unicodedata.normalize("NFKC", text).casefold().translate(_DROPPED)


def shingles(text: str, n: int) -> set[bytes]:
    """The character ``n``-grams of (normalized) ``text``, UTF-8 encoded; a text shorter than ``n`` is one
    shingle, an empty one none.

    >>> sorted(s.decode() for s in shingles("特斯拉股价", 2))
    ['拉股', '斯拉', '特斯', '股价']
    >>> shingles("ab", 4), shingles("", 4)
    ({b'ab'}, set())
    """
    if len(text) <= n:
        return {text.encode()} if text else set()
    return {text[i:i + n].encode() for i in range(len(text) - n + 1)}


def near_matchable(en_norm: str, zh_norm: str) -> bool:
    """Whether a unit's normalized sides are long enough for near matching: both sides hold text and one has
    :data:`MIN_NEAR_CHARS` characters (shorter units are only matched exactly: "yes" is not a near "no").

    >>> near_matchable("yes", "是的"), near_matchable("teslasharesrose", "特斯拉股价上涨"), near_matchable("abcdefgh", "")
    (False, True, False)
    """
    return bool(en_norm) and bool(zh_norm) and max(len(en_norm), len(zh_norm)) >= MIN_NEAR_CHARS


def exact_digest(en_norm: str, zh_norm: str) -> bytes:
    """The exact-duplicate key of a unit's normalized sides."""
    return hashlib.blake2b(f"{en_norm}\x00{zh_norm}".encode(), digest_size=16).digest()


# --- MinHash signatures, LSH bands, Jaccard --------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band): datasketch's own choice (``MinHashLSH(threshold, num_perm)``), the pair that
    minimizes the equally weighted false-positive and false-negative probability mass around ``threshold``.

    >>> lsh_params(0.7, 128), lsh_params(0.8, 128)
    ((14, 9), (9, 13))
    """
    from datasketch.lsh import _optimal_param

    return _optimal_param(threshold, num_perm, 0.5, 0.5)


class Signer:
    """MinHash signatures (``num_perm`` uint32 values, datasketch's "affine32" scheme) of shingle sets; one set
    of permutations for all. Shingles are hashed with CRC-32, which datasketch mixes (MurmurHash3's finalizer)
    before permuting: on WMT22 sentence pairs its Jaccard estimates erred as sha1's did (std 0.029 against
    0.027, no bias) in half the time, and hashing is most of the cost of a unit."""

    def __init__(self, num_perm: int):
        from datasketch import MinHash

        self._minhash = MinHash
        self.num_perm = num_perm
        self._permutations = MinHash(num_perm=num_perm, hashfunc=zlib.crc32).permutations

    def __call__(self, shingle_set: Iterable[bytes]) -> np.ndarray:
        m = self._minhash(num_perm=self.num_perm, hashfunc=zlib.crc32, permutations=self._permutations,
                          scheme="affine32")
        m.update_batch(shingle_set)
        return m.hashvalues


@functools.lru_cache(maxsize=None)
def _band_mix(rows: int) -> np.ndarray:
    """``rows`` fixed random odd multipliers for :func:`band_hashes`."""
    return np.random.RandomState(20).randint(0, 1 << 62, size=rows, dtype=np.uint64) * np.uint64(2) + np.uint64(1)


def band_hashes(signature: np.ndarray, bands: int, rows: int, first: int = 0) -> list[tuple[int, int]]:
    """(band number, 64-bit hash of the band's values) for each of ``bands`` bands of ``rows`` values; band
    numbers start at ``first`` (one side's bands are kept apart from the other's). Two bands with the same
    values get the same hash; two with other values share one by chance (a multiply-add hash mod 2**64), which
    only makes a candidate for the Jaccard check to turn down."""
    values = signature[:bands * rows].astype(np.uint64).reshape(bands, rows)
    hashes = (values * _band_mix(rows)).sum(axis=1, dtype=np.uint64).view(np.int64)
    return list(zip(range(first, first + bands), hashes.tolist()))


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """The Jaccard similarity two MinHash signatures estimate: the fraction of equal values."""
    return float(np.count_nonzero(a == b)) / len(a)


# --- the stores ---------------------------------------------------------------------------------------------------

class Candidate(NamedTuple):
    key: str
    en: np.ndarray
    zh: np.ndarray


Signatures = tuple[np.ndarray, np.ndarray]


class SqliteStore:
    """The kept units in a sqlite file: ``units`` (id in input order, key, both signatures), ``exact``
    (digest -> unit) and ``bands`` ((band, hash) -> unit: the LSH buckets, ``bands`` bands of ``rows`` values a
    side), with a page cache of ``cache_kib``. The file is scratch (no journal, no syncing) and is removed by
    :meth:`close`, with the temporary directory it was made in unless ``workdir`` was given."""

    def __init__(self, bands: int, rows: int, workdir: str | os.PathLike | None = None,
                 cache_kib: int = CACHE_KIB):
        self.bands, self.rows = bands, rows
        self._tmpdir = None if workdir is not None else tempfile.mkdtemp(prefix="nlp_toolkit-dedup-")
        fd, self.path = tempfile.mkstemp(prefix="dedup-", suffix=".sqlite", dir=workdir or self._tmpdir)
        os.close(fd)
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._finalizer = weakref.finalize(self, _remove, self._db, self.path, self._tmpdir)
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "locking_mode=EXCLUSIVE", "temp_store=FILE",
                       f"cache_size=-{int(cache_kib)}"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.executescript("""
            CREATE TABLE units (id INTEGER PRIMARY KEY, key TEXT NOT NULL, en BLOB, zh BLOB);
            CREATE TABLE exact (digest BLOB PRIMARY KEY, unit INTEGER NOT NULL) WITHOUT ROWID;
            CREATE TABLE bands (band INTEGER, hash INTEGER, unit INTEGER, PRIMARY KEY (band, hash, unit))
                WITHOUT ROWID;
            BEGIN;
        """)
        self._pending = 0

    def _band_hashes(self, signatures: Signatures) -> list[tuple[int, int]]:
        return band_hashes(signatures[0], self.bands, self.rows) + \
            band_hashes(signatures[1], self.bands, self.rows, first=self.bands)

    def find_exact(self, digest: bytes) -> str | None:
        row = self._db.execute("SELECT key FROM exact JOIN units ON units.id = exact.unit WHERE digest = ?",
                               (digest,)).fetchone()
        return row[0] if row else None

    def candidates(self, signatures: Signatures) -> Iterator[Candidate]:
        """The kept units that share a band with ``signatures`` (on either side), in input order."""
        bands = self._band_hashes(signatures)
        where = " OR ".join(["(band = ? AND hash = ?)"] * len(bands))
        ids = [u for (u,) in self._db.execute(f"SELECT DISTINCT unit FROM bands WHERE {where}",
                                              [v for b in bands for v in b])]
        rows = self._db.execute(f"SELECT key, en, zh FROM units WHERE id IN ({','.join('?' * len(ids))}) "
                                f"ORDER BY id", ids) if ids else ()
        for key, en, zh in rows:
            yield Candidate(key, np.frombuffer(en, np.uint32), np.frombuffer(zh, np.uint32))

    def add(self, key: str, digest: bytes, signatures: Signatures | None) -> None:
        """Register a kept unit; ``signatures`` None: exact matching only."""
        en, zh = (s.tobytes() for s in signatures) if signatures is not None else (None, None)
        unit = self._db.execute("INSERT INTO units (key, en, zh) VALUES (?, ?, ?)", (key, en, zh)).lastrowid
        self._db.execute("INSERT OR IGNORE INTO exact VALUES (?, ?)", (digest, unit))
        if signatures is not None:
            self._db.executemany("INSERT OR IGNORE INTO bands VALUES (?, ?, ?)",
                                 [(b, h, unit) for b, h in self._band_hashes(signatures)])
        self._pending += 1
        if self._pending >= 1000:        # commit now and then: a transaction's dirty pages leave the cache too
            self._db.execute("COMMIT")
            self._db.execute("BEGIN")
            self._pending = 0

    @property
    def nbytes(self) -> int:
        """The size of the database, pages still in the cache included."""
        return self._db.execute("PRAGMA page_count").fetchone()[0] * self._db.execute("PRAGMA page_size").fetchone()[0]

    def close(self) -> None:
        self._finalizer()


def _remove(db: sqlite3.Connection, path: str, tmpdir: str | None) -> None:
    db.close()
    if tmpdir is not None:
        shutil.rmtree(tmpdir, ignore_errors=True)
    elif os.path.exists(path):
        os.remove(path)


class MemoryStore:
    """The same index held in memory: datasketch's ``MinHashLSH`` (dict storage, ``bands`` x ``rows``) for each
    side, and dicts for the digests and signatures. It grows with every unit; for comparison and small runs."""

    def __init__(self, bands: int, rows: int, num_perm: int):
        from datasketch import LeanMinHash, MinHashLSH

        self._lean = LeanMinHash
        self._lsh = [MinHashLSH(num_perm=num_perm, params=(bands, rows)) for _ in range(2)] if bands else []
        self._exact: dict[bytes, str] = {}
        self._units: list[Candidate | None] = []

    def find_exact(self, digest: bytes) -> str | None:
        return self._exact.get(digest)

    def candidates(self, signatures: Signatures) -> Iterator[Candidate]:
        ids = set()
        for lsh, values in zip(self._lsh, signatures):
            ids.update(lsh.query(self._sketch(values)))
        for i in sorted(ids):
            yield self._units[i]

    def add(self, key: str, digest: bytes, signatures: Signatures | None) -> None:
        unit = len(self._units)
        self._exact.setdefault(digest, key)
        self._units.append(Candidate(key, *signatures) if signatures is not None else None)
        if signatures is not None:
            for lsh, values in zip(self._lsh, signatures):
                lsh.insert(unit, self._sketch(values), check_duplication=False)

    def _sketch(self, values: np.ndarray):
        return self._lean(seed=1, hashvalues=values, scheme="affine32")

    def close(self) -> None:
        self._exact.clear()
        self._units.clear()


# --- the deduplicator ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Duplicate:
    #: key of the first (kept) unit this one duplicates
    of: str
    #: "exact" or "near"
    kind: str
    #: estimated Jaccard similarity of the less similar side (1.0 for an exact duplicate)
    similarity: float


class Deduplicator:
    """Checks units in input order against the units kept so far (see the module docstring).

    ``mode``: "near" (exact and near duplicates), "exact" or "off" (nothing is a duplicate, nothing is stored);
    ``threshold``: the Jaccard similarity both sides must reach; ``shingle``: (English, Chinese) shingle length;
    ``workdir``: where the index file goes (a new temporary directory by default); ``store``: "sqlite" (on
    disk, flat memory) or "memory" (datasketch's ``MinHashLSH``). One caller at a time (a lock serializes
    callers); the index cannot leave the process (an open sqlite file).
    """

    def __init__(self, mode: str = "near", threshold: float = 0.7, num_perm: int = 128,
                 shingle: tuple[int, int] = SHINGLE, workdir: str | os.PathLike | None = None,
                 store: str = "sqlite"):
        if mode not in MODES:
            raise ValueError(f"unknown dedup mode {mode!r}: use one of {', '.join(MODES)}")
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {threshold}")
        if store not in ("sqlite", "memory"):
            raise ValueError(f"unknown dedup store {store!r}: use 'sqlite' or 'memory'")
        self.mode, self.threshold, self.num_perm, self.shingle = mode, threshold, num_perm, tuple(shingle)
        self.bands, self.rows = lsh_params(threshold, num_perm) if mode == "near" else (0, 0)
        self._signer = Signer(num_perm) if mode == "near" else None
        self._counts = {"units": 0, "kept": 0, "exact": 0, "near": 0}
        self._lock = threading.Lock()
        self._closed = False
        self._store: SqliteStore | MemoryStore | None = None
        if mode != "off":
            self._store = (SqliteStore(self.bands, self.rows, workdir) if store == "sqlite"
                           else MemoryStore(self.bands, self.rows, num_perm))

    @property
    def path(self) -> str | None:
        """The index file (None in memory, with mode "off" and after :meth:`close`)."""
        return getattr(self._store, "path", None)

    @property
    def index_bytes(self) -> int:
        """The size of the on-disk index (0 in memory, with mode "off" and after :meth:`close`)."""
        return getattr(self._store, "nbytes", 0)

    def check(self, key: str, en: str, zh: str) -> Duplicate | None:
        """The :class:`Duplicate` that ``(en, zh)`` is of a unit kept before, or None, and then the unit is kept
        under ``key``."""
        with self._lock:
            if self._closed:
                raise ValueError("check on a closed Deduplicator")
            found = self._check(key, en, zh)
            self._counts["units"] += 1
            self._counts[found.kind if found else "kept"] += 1
            return found

    def _check(self, key: str, en: str, zh: str) -> Duplicate | None:
        if self._store is None:
            return None
        en_norm, zh_norm = normalize(en), normalize(zh)
        digest = exact_digest(en_norm, zh_norm)
        first = self._store.find_exact(digest)
        if first is not None:
            return Duplicate(first, "exact", 1.0)
        signatures = None
        if self._signer is not None and near_matchable(en_norm, zh_norm):
            signatures = (self._signer(shingles(en_norm, self.shingle[0])),
                          self._signer(shingles(zh_norm, self.shingle[1])))
            for c in self._store.candidates(signatures):
                similarity = min(jaccard(signatures[0], c.en), jaccard(signatures[1], c.zh))
                if similarity >= self.threshold:
                    return Duplicate(c.key, "near", similarity)
        self._store.add(key, digest, signatures)
        return None

    def stats(self) -> dict[str, int]:
        """Units checked, kept, and found duplicate by kind."""
        return dict(self._counts)

    def close(self) -> None:
        """Drop the index (its file too); the counts stay."""
        with self._lock:
            self._closed = True
            if self._store is not None:
                self._store.close()
                self._store = None

    def __enter__(self) -> Deduplicator:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

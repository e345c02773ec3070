"""The bilingual gazetteer: Chinese names with their English names, labels and aliases (``models/gazetteer.tsv``).

Built by ``scripts/build_gazetteer.py`` from CC-CEDICT (CC BY-SA 4.0) and the project's curated entries.
Lookups go both ways: Chinese name -> entry, and English name (or alias, compared loosely: case, dots and a
leading "the" ignored) -> Chinese names.

>>> g = Gazetteer.from_lines(["亚马逊\\tAmazon\\tORG\\tAmazon.com\\t", "苹果\\tApple\\tORG\\t\\tambiguous"])
>>> g.get("亚马逊").en, g.get("苹果").ambiguous
('Amazon', True)
>>> g.zh_names("amazon.com")
['亚马逊']
>>> [(s, e, x.en) for s, e, x in g.find("他在亚马逊买了苹果")]
[(2, 5, 'Amazon')]
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from ..resources import model_file


@dataclass(frozen=True)
class GazEntry:
    zh: str
    en: str
    label: str
    aliases: tuple[str, ...] = ()
    flags: frozenset = field(default_factory=frozenset)

    @property
    def ambiguous(self) -> bool:
        """Also a common word: only linked to an English entity of the aligned text, never recognized alone."""
        return "ambiguous" in self.flags

    @property
    def part(self) -> bool:
        """A name part (a given name such as 泰勒 'Taylor'), not an entity by itself."""
        return "part" in self.flags

    @property
    def english(self) -> tuple[str, ...]:
        return (self.en,) + self.aliases


_DESIGNATOR = re.compile(r"(?:,?\s+(?:company|co\.?|corp\.?|corporation|inc\.?|incorporated|ltd\.?|limited|"
                        r"group|holdings?|plc|llc|l\.l\.c\.))+$", re.I)


def norm_en(name: str) -> str:
    """Loose key of an English name: case, dots, possessive, a leading "the" and a trailing company designator
    ignored (CC-CEDICT glosses 比亚迪 as "BYD Company"; articles write "BYD").

    >>> norm_en("The U.K.'s"), norm_en("UK"), norm_en("Facebook’s"), norm_en("BYD Company"), norm_en("Apple Inc.")
    ('uk', 'uk', 'facebook', 'byd', 'apple')
    """
    s = name.strip().replace("’", "'")
    s = re.sub(r"'s?$", "", s)
    s = re.sub(r"^the\s+", "", s, flags=re.I)
    s = _DESIGNATOR.sub("", s) or s
    return re.sub(r"[.\s]+", " ", s).strip().lower().replace(" ", "") if "." in s else s.lower().strip()


class Gazetteer:
    def __init__(self, entries: list[GazEntry]):
        self.entries: dict[str, GazEntry] = {}
        self._by_en: dict[str, list[str]] = {}
        for e in entries:
            self.entries[e.zh] = e
        for e in self.entries.values():
            for name in e.english:
                key = norm_en(name)
                if key:
                    self._by_en.setdefault(key, []).append(e.zh)
        self._lengths: dict[str, list[int]] = {}
        for zh in self.entries:
            self._lengths.setdefault(zh[0], []).append(len(zh))
        for k in self._lengths:
            self._lengths[k] = sorted(set(self._lengths[k]), reverse=True)

    @classmethod
    def from_lines(cls, lines) -> "Gazetteer":
        out = []
        for n, line in enumerate(lines, 1):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 3:
                raise ValueError(f"gazetteer line {n}: need zh<TAB>en<TAB>label, got {line!r}")
            aliases = tuple(a for a in (cols[3].split("|") if len(cols) > 3 else []) if a)
            flags = frozenset(f for f in (cols[4].split(",") if len(cols) > 4 else []) if f)
            out.append(GazEntry(cols[0], cols[1], cols[2], aliases, flags))
        return cls(out)

    @classmethod
    def load(cls, name: str = "gazetteer.tsv") -> "Gazetteer":
        path = model_file(name)
        with open(path, encoding="utf-8") as f:
            try:
                return cls.from_lines(f)
            except ValueError as err:
                raise ValueError(f"{path}: {err}") from None

    def get(self, zh: str) -> GazEntry | None:
        return self.entries.get(zh)

    def zh_names(self, en: str) -> list[str]:
        """Chinese names whose English name or alias is ``en`` (loosely compared)."""
        return list(self._by_en.get(norm_en(en), []))

    def find(self, text: str, include_ambiguous: bool = False, include_parts: bool = False):
        """Leftmost-longest matches ``(start, end, entry)`` of Chinese names in ``text``."""
        out = []
        i, n = 0, len(text)
        lengths, entries = self._lengths, self.entries
        while i < n:
            hit = None
            for L in lengths.get(text[i], ()):
                if i + L <= n:
                    e = entries.get(text[i:i + L])
                    if e is not None and (include_ambiguous or not e.ambiguous) and (include_parts or not e.part):
                        hit = (i, i + L, e)
                        break
            if hit:
                out.append(hit)
                i = hit[1]
            else:
                i += 1
        return out


@functools.lru_cache(maxsize=None)
def gazetteer(name: str = "gazetteer.tsv") -> Gazetteer:
    """The gazetteer named by the settings (loaded once per process)."""
    return Gazetteer.load(name)

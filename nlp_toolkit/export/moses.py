"""Moses-style parallel text: ``OUT_DIR/corpus.en`` and ``OUT_DIR/corpus.zh``, one segment a line, line *n* of
one file the translation of line *n* of the other; ``corpus.ids`` says where each line comes from
(``doc_id<TAB>pair`` or ``doc_id<TAB>pair<TAB>sentence``).

Units are aligned pairs, or sentence pairs with ``ExportOptions.unit == "sentence"``; 1-0/0-1 units are left out,
and so are units the run's filters dropped. With splits (``ExportOptions.split``) each split has its own three
files, ``corpus.<split>.en`` / ``.zh`` / ``.ids`` (every split's files exist, empty or not).
Line breaks inside a segment (a 1-2 unit joins two paragraphs) become one space each, so the files stay in step.
"""

from __future__ import annotations

from .base import Exporter, ExportOptions
from .jsonl import AtomicWriter
from .translation_units import one_line, translation_units


class MosesExporter(Exporter):
    """``corpus.en``, ``corpus.zh``, ``corpus.ids``."""

    name = "moses"
    stem = "corpus"

    def __init__(self, out_dir, options: ExportOptions = ExportOptions()):
        super().__init__(out_dir, options)
        names = [name for name, _ in options.split] or [None]
        self._files = {name: {ext: AtomicWriter(self.out_dir / ".".join(
            p for p in (self.stem, name, ext) if p)) for ext in ("en", "zh", "ids")} for name in names}
        self.count = 0

    def add(self, document: dict, pairs: list[dict]) -> None:
        units = list(translation_units(pairs, self.options.unit))
        files = self._files[document.get("split") if self.options.split else None]
        for lang in ("en", "zh"):
            files[lang].f.write("".join(one_line(u[lang]) + "\n" for u in units))
        files["ids"].f.write("".join(
            "\t".join(one_line(str(v)) for v in (u["doc_id"], u["pair"], u["sentence"]) if v is not None) + "\n"
            for u in units))
        self.count += len(units)

    def files(self) -> list:
        return [w for files in self._files.values() for w in files.values()]

"""Moses-style parallel text: ``OUT_DIR/corpus.en`` and ``OUT_DIR/corpus.zh``, one segment a line, line *n* of
one file the translation of line *n* of the other; ``corpus.ids`` says where each line comes from
(``doc_id<TAB>pair`` or ``doc_id<TAB>pair<TAB>sentence``).

Units are aligned pairs, or sentence pairs with ``ExportOptions.unit == "sentence"``; 1-0/0-1 units are left out.
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
        self._files = {ext: AtomicWriter(self.out_dir / f"{self.stem}.{ext}") for ext in ("en", "zh", "ids")}
        self.count = 0

    def add(self, document: dict, pairs: list[dict]) -> None:
        units = list(translation_units(pairs, self.options.unit))
        for lang in ("en", "zh"):
            self._files[lang].f.write("".join(one_line(u[lang]) + "\n" for u in units))
        self._files["ids"].f.write("".join(
            "\t".join(one_line(str(v)) for v in (u["doc_id"], u["pair"], u["sentence"]) if v is not None) + "\n"
            for u in units))
        self.count += len(units)

    def files(self) -> list:
        return list(self._files.values())

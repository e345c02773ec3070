"""``OUT_DIR/filtered.jsonl``: every unit the run's filters left out of the training exports, one a line, with
its text, reasons, quality and (a duplicate) the unit it duplicates (``select.dropped_entries``), so that nothing
is lost silently. The run adds this exporter whenever filters are on."""

from __future__ import annotations

from .base import Exporter, ExportOptions
from .jsonl import AtomicWriter
from .select import dropped_entries


class FilteredExporter(Exporter):
    name = "filtered"

    def __init__(self, out_dir, options: ExportOptions = ExportOptions()):
        super().__init__(out_dir, options)
        self._w = AtomicWriter(self.out_dir / "filtered.jsonl")
        self.count = 0

    def add(self, document: dict, pairs: list[dict]) -> None:
        for entry in dropped_entries(pairs, self.options.unit):
            self._w.write_record(entry)
            self.count += 1

    def files(self) -> list:
        return [self._w]

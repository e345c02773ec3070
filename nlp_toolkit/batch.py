"""Many inputs to one output directory: expand inputs, process each, record failures, export.

One bad input never stops a batch: its failure becomes a line of ``errors.jsonl`` (source and reason) and the
other inputs are still exported.
"""

from __future__ import annotations

import glob
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from .api import get_pipeline
from .document import Article, InputError
from .export.jsonl import AtomicWriter
from .read import doc_id_for, read_file, read_pair
from .settings import DEFAULT, Settings

# NAME.en.txt + NAME.zh.txt (or NAME.en + NAME.zh) in one directory are one article
_SIDE = re.compile(r"^(?P<stem>.+)\.(?P<lang>en|zh)(?P<ext>\.txt)?$")


@dataclass
class Job:
    """One article to process: a bilingual file, or an English file and a Chinese file."""

    paths: tuple[str, ...]
    doc_id: str

    @property
    def source(self) -> str:
        return "|".join(self.paths)


@dataclass
class Report:
    documents: int = 0
    pairs: int = 0
    errors: list[dict] = field(default_factory=list)
    out_dir: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        s = f"{self.documents} documents, {self.pairs} pairs -> {self.out_dir}"
        if self.errors:
            s += f"; {len(self.errors)} failed (see errors.jsonl): " + "; ".join(e["error"] for e in self.errors[:3])
        return s


def expand_inputs(inputs: Iterable[str], pairs: Iterable[tuple[str, str]] = ()) -> list[Job]:
    """Files, directories (every file below, sorted) and glob patterns, as jobs in a stable order.

    A path that does not exist and matches no glob is still a job, so that it is reported as an error.
    """
    files: list[str] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            files += sorted(str(f) for f in p.rglob("*") if f.is_file() and not f.name.startswith("."))
        elif p.exists():
            files.append(str(p))
        else:
            matched = sorted(glob.glob(item, recursive=True))
            files += [f for f in matched if Path(f).is_file()] if matched else [item]
    files = list(dict.fromkeys(files))
    jobs: list[Job] = []
    by_stem: dict[tuple[str, str], dict[str, str]] = {}
    for f in files:
        m = _SIDE.match(Path(f).name)
        if m:
            by_stem.setdefault((str(Path(f).parent), m["stem"]), {})[m["lang"]] = f
    paired = set()
    for (parent, stem), sides in by_stem.items():
        if len(sides) == 2:
            jobs.append(Job((sides["en"], sides["zh"]), stem))
            paired.update(sides.values())
    jobs += [Job((f,), doc_id_for(f)) for f in files if f not in paired]
    jobs += [Job((en, zh), doc_id_for(en)) for en, zh in pairs]
    jobs.sort(key=lambda j: j.paths)
    # document ids are unique within a batch
    seen: dict[str, int] = {}
    for j in jobs:
        n = seen.get(j.doc_id, 0)
        seen[j.doc_id] = n + 1
        if n:
            j.doc_id = f"{j.doc_id}-{n + 1}"
    return jobs


def run_job(job: Job, settings: Settings = DEFAULT) -> Article:
    """Process one job; raises :class:`InputError` (or another exception) on failure."""
    if len(job.paths) == 2:
        article = read_pair(*job.paths, doc_id=job.doc_id)
    else:
        article = read_file(job.paths[0], doc_id=job.doc_id)
    return get_pipeline(settings)(article)


def run_jobs(jobs: Iterable[Job], settings: Settings = DEFAULT) -> Iterator[Article | dict]:
    """Articles, or error records ``{source, error}`` for the jobs that failed, in job order."""
    for job in jobs:
        try:
            yield run_job(job, settings)
        except InputError as err:
            yield {"source": job.source, "doc_id": job.doc_id, "error": str(err)}
        except Exception as err:  # a bug or a model failure on one input must not stop the batch
            yield {"source": job.source, "doc_id": job.doc_id, "error": f"{job.source}: {type(err).__name__}: {err}"}


def process_inputs(inputs: Iterable[str], out_dir: str | Path, settings: Settings = DEFAULT,
                   pairs: Iterable[tuple[str, str]] = ()) -> Report:
    """Process every input and write pairs.jsonl, documents.jsonl and errors.jsonl into ``out_dir``."""
    from .export.comparison import write_comparison

    jobs = expand_inputs(inputs, pairs)
    report = Report(out_dir=str(out_dir))
    out = Path(out_dir)
    comparison: list[dict] = []
    with AtomicWriter(out / "pairs.jsonl") as pw, AtomicWriter(out / "documents.jsonl") as dw, \
            AtomicWriter(out / "errors.jsonl") as ew:
        for result in run_jobs(jobs, settings):
            if isinstance(result, dict):
                ew.write_record(result)
                report.errors.append(result)
                continue
            for rec in result.pair_dicts():
                pw.write_record(rec)
                report.pairs += 1
            dw.write_record(result.to_dict())
            comparison += result.comparison_rows
            report.documents += 1
    write_comparison(comparison, out)
    return report

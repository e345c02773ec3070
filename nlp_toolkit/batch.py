"""Many inputs to one output directory: workers, progress, a result cache, resume, timeouts, Dask.

A run has two phases. First every input is processed (in worker processes, or on a Dask cluster) and its
result, the records ``to_dict()`` gives or an error record, is stored in the output's cache
(``OUT/.nlp_toolkit_cache/<key>.json``, written atomically), keyed by a hash of the input's bytes and the
pipeline's signature. Then the exporters read the cache in input order and write the output files, each under a
temporary name renamed into place at the end. So:

* one bad input never stops a batch: it becomes a line of ``errors.jsonl`` (source and reason);
* a run killed at any moment leaves no truncated output file, and ``--resume`` skips every input already in
  the cache: the resumed run ends with output byte-identical to an uninterrupted run;
* output order is the input order, whatever order workers finish in, so every engine writes the same files.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from .document import InputError
from .export.base import ExportOptions, get_exporter
from .export.jsonl import publish
from .read import check_file, doc_id_for, read_file, read_pair
from .settings import DEFAULT, BatchOptions, Settings

CACHE_DIR = ".nlp_toolkit_cache"
# NAME.en.txt + NAME.zh.txt (or NAME.en + NAME.zh) in one directory are one article
_SIDE = re.compile(r"^(?P<stem>.+)\.(?P<lang>en|zh)(?P<ext>\.txt)?$")


@dataclass
class Job:
    """One article to process: a bilingual file, or an English file and a Chinese file."""

    paths: tuple[str, ...]
    doc_id: str
    key: str = ""
    #: set when the input was refused as it was listed (a FIFO, a symlink loop...): its error record, and
    #: nothing of it is read
    error: str = ""

    @property
    def source(self) -> str:
        return "|".join(self.paths)


@dataclass
class Report:
    documents: int = 0
    pairs: int = 0
    errors: list[dict] = field(default_factory=list)
    skipped: int = 0
    seconds: float = 0.0
    out_dir: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        s = (f"{self.documents} documents, {self.pairs} pairs -> {self.out_dir} in {self.seconds:.1f} s"
             + (f" ({self.skipped} resumed from cache)" if self.skipped else ""))
        if self.errors:
            s += f"; {len(self.errors)} failed (see errors.jsonl): " + "; ".join(e["error"] for e in self.errors[:3])
        return s


def read_list(path: str) -> list[str]:
    """Input paths from a list file, one a line (``-`` reads standard input); blank and # lines skipped."""
    text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def expand_inputs(inputs: Iterable[str], pairs: Iterable[tuple[str, str]] = ()) -> list[Job]:
    """Files, directories (every file below, sorted) and glob patterns, as jobs in a stable order.

    Every input is accounted for: what cannot be read (a path that does not exist, a dangling link, a symlink
    loop, a FIFO, a device, a socket, an unreadable directory, a file over the size limit) is still a job,
    marked with its error (``Job.error``), so that it becomes one line of ``errors.jsonl`` and nothing reads it.
    Links are followed; a link to a directory already being walked, or already walked, is recorded instead of
    walked again. Names starting with a dot below a directory are skipped.
    """
    files: list[str] = []
    status: dict[str, str] = {}  # path -> why it cannot be read ("" when it can)
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found = _walk(p)
            files += sorted(found)
            status.update(found)
        elif p.exists():
            files.append(str(p))
        else:
            matched = sorted(glob.glob(item, recursive=True))
            # a glob selects files: directories it matches are not walked, but a dangling link or a loop it
            # matches is an input that cannot be read, not nothing
            files += [f for f in matched if not Path(f).is_dir()] if matched else [item]
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
    for j in jobs:
        for f in j.paths:
            if f not in status:
                status[f] = _refusal(f)
        j.error = next((status[f] for f in j.paths if status[f]), "")
    jobs.sort(key=lambda j: j.paths)
    # document ids are unique within a batch
    seen: dict[str, int] = {}
    for j in jobs:
        n = seen.get(j.doc_id, 0)
        seen[j.doc_id] = n + 1
        if n:
            j.doc_id = f"{j.doc_id}-{n + 1}"
    return jobs


def _refusal(path: str) -> str:
    """Why ``path`` cannot be read as an input file (checked without opening it), or ``""``."""
    try:
        check_file(path)
    except InputError as err:
        return str(err)
    return ""


def _walk(root: Path) -> dict[str, str]:
    """Every entry below ``root`` that is not a directory and not hidden, following links: ``{path: error}``
    with ``""`` for a file to read. A directory that cannot be listed, and a link to a directory already being
    walked (a loop) or already walked (the same files twice), are entries with their error.
    """
    out: dict[str, str] = {}
    st = os.stat(root)
    walked = {(st.st_dev, st.st_ino): str(root)}

    def visit(d: Path, stack: frozenset) -> None:
        try:
            with os.scandir(d) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as err:
            out[str(d)] = f"{d}: cannot read directory ({err.strerror})"
            return
        for e in entries:
            if e.name.startswith("."):
                continue
            path = d / e.name
            ident = None
            try:
                if e.is_dir():  # follows links; a dangling link or a loop is not a directory
                    st = e.stat()
                    ident = (st.st_dev, st.st_ino)
            except OSError:
                pass
            if ident is None:
                out[str(path)] = _refusal(str(path))
            elif ident in stack:
                out[str(path)] = f"{path}: symlink loop (a directory already being walked)"
            elif ident in walked:
                out[str(path)] = f"{path}: skipped: the same directory as {walked[ident]}"
            else:
                walked[ident] = str(path)
                visit(path, stack | {ident})

    visit(root, frozenset(walked))
    return out


def job_key(job: Job, signature: str) -> str:
    """Content hash of a job: its files' bytes, its document id, and the pipeline signature (which names the
    settings and hashes the data files they read, so an edited lexicon gives new keys)."""
    h = hashlib.sha256(signature.encode("utf-8"))
    h.update(job.doc_id.encode("utf-8"))
    if job.error:  # refused when listed: nothing to read (opening a FIFO would block)
        h.update(b"\0refused:" + job.error.encode("utf-8"))
        return h.hexdigest()[:32]
    for p in job.paths:
        h.update(b"\0")
        try:
            with open(p, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
        except OSError as err:
            h.update(f"unreadable:{p}:{err.strerror}".encode("utf-8"))
    return h.hexdigest()[:32]


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def process_job(job: Job, settings: Settings = DEFAULT, timeout: float | None = None) -> dict:
    """Process one job; return ``{"document": ..., "pairs": [...]}`` or ``{"error": {source, doc_id, error}}``.

    Never raises for a bad input: the reason becomes the error record. With ``timeout`` (seconds; main thread
    of a process only) a document that takes longer is recorded as a timeout.
    """
    from .api import get_pipeline
    from .resources import spacy_memory_zone

    use_alarm = bool(timeout) and hasattr(signal, "setitimer")
    if use_alarm:
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        with spacy_memory_zone():
            if job.error:
                raise InputError(job.error)
            article = read_pair(*job.paths, doc_id=job.doc_id) if len(job.paths) == 2 else \
                read_file(job.paths[0], doc_id=job.doc_id)
            get_pipeline(settings)(article)
            return {"document": article.to_dict(), "pairs": article.pair_dicts()}
    except _Timeout:
        return {"error": {"source": job.source, "doc_id": job.doc_id,
                          "error": f"{job.source}: timeout: not done after {timeout:g} s"}, "timeout": True}
    except InputError as err:
        return {"error": {"source": job.source, "doc_id": job.doc_id, "error": str(err)}}
    except Exception as err:  # a bug or a model failure on one input must not stop the batch
        return {"error": {"source": job.source, "doc_id": job.doc_id,
                          "error": f"{job.source}: {type(err).__name__}: {err}"}}
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


def _process_for_pool(args):
    """Worker side: process one job; with a cache directory (workers on this machine) store the result there
    and send back only a receipt, so the main process neither unpickles nor re-serializes it."""
    job, settings, timeout, cache = args
    result = process_job(job, settings, timeout)
    if cache is not None and not result.get("timeout"):
        _store(Path(cache), job.key, result)
        return job.key, {"stored": True}
    return job.key, result


# -- the cache ------------------------------------------------------------------------------------------------
def _cache_path(cache: Path, key: str) -> Path:
    return cache / f"{key}.json"


def _store(cache: Path, key: str, result: dict) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{key}.", suffix=".part", dir=cache)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, separators=(",", ":"))
    publish(tmp, _cache_path(cache, key))


def _load(cache: Path, key: str) -> dict:
    with open(_cache_path(cache, key), encoding="utf-8") as f:
        return json.load(f)


# -- engines ----------------------------------------------------------------------------------------------------
def _run_local(jobs: list[Job], settings: Settings, opts: BatchOptions, cache: Path) -> Iterator[tuple[str, dict]]:
    if opts.workers <= 1 or len(jobs) <= 1:  # no pool to start for one document or none
        for job in jobs:
            yield job.key, process_job(job, settings, opts.timeout)
        return
    import multiprocessing as mp

    # spawn: each worker starts clean and loads the models once (no fork of threads from BLAS/ONNX Runtime);
    # each gets one core's worth of math-library threads, as Dask gives its workers, or N workers each running
    # all-core BLAS fight over the cores and the batch gets slower than one worker
    with _worker_environment(WORKER_THREADS_ENV):
        pool = mp.get_context("spawn").Pool(opts.workers, maxtasksperchild=None)
    with pool:
        yield from pool.imap_unordered(_process_for_pool, [(j, settings, opts.timeout, cache) for j in jobs])


WORKER_THREADS_ENV = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


@contextlib.contextmanager
def _worker_environment(env: dict[str, str]):
    """Environment variables set while worker processes start (they inherit them), restored afterwards."""
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _run_dask(jobs: list[Job], settings: Settings, opts: BatchOptions, cache: Path) -> Iterator[tuple[str, dict]]:
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if opts.scheduler:
        client = Client(opts.scheduler)
    else:
        cluster = LocalCluster(n_workers=max(1, opts.workers), threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        # a cluster's workers may not share this file system: results come back to be stored here
        futures = client.map(_process_for_pool, [(j, settings, opts.timeout, None) for j in jobs], pure=False)
        for fut in as_completed(futures):
            yield fut.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _progress(total: int, opts: BatchOptions):
    from tqdm import tqdm

    show = sys.stderr.isatty() if opts.progress is None else opts.progress
    return tqdm(total=total, unit="file", disable=not show, dynamic_ncols=True, smoothing=0.1)


# -- the run ------------------------------------------------------------------------------------------------------
def process_inputs(inputs: Iterable[str], out_dir: str | Path, settings: Settings = DEFAULT,
                   pairs: Iterable[tuple[str, str]] = (), options: BatchOptions = BatchOptions(),
                   export: ExportOptions = ExportOptions()) -> Report:
    """Process every input into ``out_dir`` (see the module docstring); return a :class:`Report`."""
    from .pipeline import DEFAULT_STAGES
    from .signature import signature

    start = time.perf_counter()
    if options.engine not in ("local", "dask"):
        raise ValueError(f"unknown engine {options.engine!r}: use 'local' or 'dask'")
    formats = list(dict.fromkeys(options.formats))
    exporter_classes = [get_exporter(f) for f in formats]  # an unknown format fails now, not after the run
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cache = out / CACHE_DIR
    if cache.exists() and not options.resume:
        shutil.rmtree(cache)
    cache.mkdir(exist_ok=True)

    jobs = expand_inputs(inputs, pairs)
    sig = signature(settings, DEFAULT_STAGES)
    for j in jobs:
        j.key = job_key(j, sig)
    todo = [j for j in jobs if not _cache_path(cache, j.key).exists()]
    report = Report(out_dir=str(out), skipped=len(jobs) - len(todo))

    engine = _run_dask if options.engine == "dask" else _run_local
    bar = _progress(len(todo), options)
    timeouts: dict[str, dict] = {}
    with bar:
        for key, result in engine(todo, settings, options, cache):
            if result.get("timeout"):
                timeouts[key] = result  # not cached: a resumed run tries again
            elif not result.get("stored"):
                _store(cache, key, result)
            bar.update(1)

    exporters = [cls(out, export) for cls in exporter_classes]
    if "jsonl" in formats:
        exporters.append(get_exporter("comparison")(out, export))
    try:
        for j in jobs:
            result = timeouts.get(j.key) or _load(cache, j.key)
            if "error" in result:
                report.errors.append(result["error"])
                for ex in exporters:
                    ex.add_error(result["error"])
                continue
            for ex in exporters:
                ex.add(result["document"], result["pairs"])
            report.documents += 1
            report.pairs += len(result["pairs"])
    except BaseException:
        for ex in exporters:
            ex.abort()
        raise
    for ex in exporters:
        ex.close()
    if "jsonl" not in formats:  # failures are always recorded
        from .export.jsonl import write_jsonl

        write_jsonl(report.errors, out / "errors.jsonl")
    report.seconds = time.perf_counter() - start
    return report

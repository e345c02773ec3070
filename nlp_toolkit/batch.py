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
import functools
import glob
import hashlib
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from .document import InputError
from .export.base import ExportOptions, get_exporter
from .export.jsonl import publish, write_jsonl, write_text
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


#: the run's counts, written beside the exports (machine-readable; what the end-of-run summary says)
SUMMARY_NAME = "summary.json"


@dataclass
class Report:
    """What a run did: counts over the records it exported, failed inputs, and (for the terminal only, not
    :meth:`to_dict`) its time and how many inputs came from the cache."""

    documents: int = 0
    pairs: int = 0
    errors: list[dict] = field(default_factory=list)
    skipped: int = 0
    seconds: float = 0.0
    out_dir: str = ""
    #: units with no counterpart, by bead ("1-0": an English paragraph left untranslated, "0-1")
    unaligned: dict[str, int] = field(default_factory=lambda: {"1-0": 0, "0-1": 0})
    #: warnings of the units and of the articles: {code: {severity: count}}
    warnings: dict[str, dict[str, int]] = field(default_factory=dict)
    #: what the filters and splits of the training exports did (``export/select.py``), when any were asked for:
    #: {filters, kept, dropped, by_reason, splits?}
    selection: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, document: dict, pairs: list[dict]) -> None:
        """Count one exported article (its ``documents.jsonl`` record and its ``pairs.jsonl`` records)."""
        self.documents += 1
        self.pairs += len(pairs)
        for p in pairs:
            bead = p.get("bead") or f"{len(p.get('en_ids', []))}-{len(p.get('zh_ids', []))}"
            if bead in self.unaligned:
                self.unaligned[bead] += 1
        for w in [w for p in pairs for w in p.get("warnings") or []] + list(document.get("warnings") or []):
            by_severity = self.warnings.setdefault(w.get("code", "?"), {})
            severity = w.get("severity", "warning")
            by_severity[severity] = by_severity.get(severity, 0) + 1

    def severities(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for by_severity in self.warnings.values():
            for severity, n in by_severity.items():
                out[severity] = out.get(severity, 0) + n
        return dict(sorted(out.items(), key=lambda kv: (_SEVERITY_ORDER.get(kv[0], 9), kv[0])))

    def to_dict(self) -> dict:
        """``summary.json``: the same for a run and its resumed twin (no times, no cache counts, no paths of the
        output folder), so that resumed output stays byte-identical."""
        return {"documents": self.documents, "units": self.pairs, "unaligned": dict(self.unaligned),
                "warnings": {"total": sum(self.severities().values()), "by_severity": self.severities(),
                             "by_code": {code: dict(sorted(v.items())) for code, v in sorted(self.warnings.items())}},
                "failed": len(self.errors), "errors_file": "errors.jsonl",
                "failed_inputs": [{"source": e.get("source", ""), "error": e.get("error", "")} for e in self.errors],
                **({"selection": self.selection} if self.selection else {})}

    def summary(self) -> str:
        """The end-of-run lines: counts, warnings by severity and code, failed inputs, the next command."""
        out = self.out_dir or "."
        unaligned = sum(self.unaligned.values())
        lines = [f"{self.documents} documents, {self.pairs} units"
                 + (f" ({unaligned} unaligned: {self.unaligned['1-0']} 1-0, {self.unaligned['0-1']} 0-1)"
                    if unaligned else " (none unaligned)")
                 + f" -> {out} in {self.seconds:.1f} s"
                 + (f" ({self.skipped} resumed from cache)" if self.skipped else "")]
        severities = self.severities()
        if severities:
            parts = []
            for severity, n in severities.items():
                codes = sorted(((v[severity], c) for c, v in self.warnings.items() if severity in v),
                               key=lambda t: (-t[0], t[1]))
                parts.append(f"{severity} {n}: " + ", ".join(f"{c} {k}" for k, c in codes))
            lines.append(f"warnings: {sum(severities.values())} ({'; '.join(parts)})")
        else:
            lines.append("warnings: none")
        if self.selection:
            sel = self.selection
            reasons = ", ".join(f"{r} {n}" for r, n in sorted(sel["by_reason"].items(), key=lambda kv: (-kv[1], kv[0])))
            lines.append(f"training exports: {sel['kept']} units kept, {sel['dropped']} left out"
                         + (f" ({reasons}; see {Path(out) / 'filtered.jsonl'})" if sel["dropped"] else "")
                         + f"; filters: {sel['filters']}")
            if "splits" in sel:
                lines.append("splits: " + ", ".join(f"{name} {v['documents']} documents / {v['units']} units"
                                                    for name, v in sel["splits"].items()))
        if self.errors:
            shown = "; ".join(e["error"] for e in self.errors[:3]) + ("; ..." if len(self.errors) > 3 else "")
            lines.append(f"failed: {len(self.errors)} input{'s' if len(self.errors) > 1 else ''} (see "
                         f"{Path(out) / 'errors.jsonl'}): {shown}")
        lines.append(f"next: nlp-toolkit report {out} -o {Path(out) / 'report.html'}")
        return "\n".join(lines)


_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


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


def _error(job: Job, message: str, **flags) -> dict:
    return {"error": {"source": job.source, "doc_id": job.doc_id, "error": message}, **flags}


def process_job(job: Job, settings: Settings = DEFAULT, timeout: float | None = None) -> dict:
    """Process one job; return ``{"document": ..., "pairs": [...]}`` or ``{"error": {source, doc_id, error}}``.

    Never raises for a bad input: the reason becomes the error record. With ``timeout`` (seconds) a document
    that takes longer is recorded as a timeout (marked ``"transient": True``: never cached, so a resumed run tries
    again): the pipeline checks the
    deadline between and inside stages (:mod:`nlp_toolkit.limits`), in any thread; in a process's main thread a
    ``SIGALRM`` also interrupts long Python code between checks. (Local workers are also stopped from outside
    by their supervisor, which no C call can hold up: :mod:`nlp_toolkit.workers`.)
    """
    from .api import get_pipeline
    from .limits import DeadlineExceeded, deadline
    from .resources import spacy_memory_zone

    use_alarm = bool(timeout) and hasattr(signal, "setitimer") and threading.current_thread() is \
        threading.main_thread()
    if use_alarm:
        old = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        with spacy_memory_zone(), deadline(timeout):
            if job.error:
                raise InputError(job.error)
            article = read_pair(*job.paths, doc_id=job.doc_id) if len(job.paths) == 2 else \
                read_file(job.paths[0], doc_id=job.doc_id)
            get_pipeline(settings)(article)
            return {"document": article.to_dict(), "pairs": article.pair_dicts()}
    except (_Timeout, DeadlineExceeded):
        return _error(job, f"{job.source}: timeout: not done after {timeout:g} s", transient=True)
    except InputError as err:
        return _error(job, str(err))
    except Exception as err:  # a bug or a model failure on one input must not stop the batch
        return _error(job, f"{job.source}: {type(err).__name__}: {err}")
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


#: a tiny article that makes a worker load every model before it takes its first input
_WARM_TEXT = "Amazon sold 5 million books in Britain in 2020.\n\n亚马逊2020年在英国卖出了500万本书。"


#: what a stage loads on its first article, as a warm-up reports it (the other stages load no model)
WARM_LABELS = {"align": "{encoder}", "sentences": "sentence aligner", "entities": "spaCy en, LAC, CRF",
               "claims": "claim lexicons", "sections": "verdict rules"}


def warm_label(stage: str, settings: Settings) -> str | None:
    """What ``stage`` loads, or None when it loads nothing worth saying.

    >>> warm_label("align", DEFAULT), warm_label("entities", DEFAULT), warm_label("clean", DEFAULT)
    ('USE-m3', 'spaCy en, LAC, CRF', None)
    """
    label = WARM_LABELS.get(stage)
    return label and label.format(encoder="USE-m3" if settings.encoder == "usem3" else settings.encoder)


def warm_up(settings: Settings) -> None:
    """Load every model the pipeline uses (the first article of a process otherwise pays for it), saying which
    as it goes (:func:`nlp_toolkit.workers.report_status`: a worker's supervisor shows it)."""
    from .api import get_pipeline
    from .read import read_text
    from .resources import spacy_memory_zone
    from .workers import report_status

    def on_stage(stage: str) -> None:
        label = warm_label(stage, settings)
        if label:
            report_status(label)

    report_status("imports")
    pipeline = get_pipeline(settings)
    with spacy_memory_zone():
        pipeline(read_text(_WARM_TEXT, doc_id="warm-up"), on_stage=on_stage)


def _process_and_store(args) -> dict:
    """Worker side: process one job; with a cache directory (workers on this machine) store the result there
    and send back only a receipt, so the main process neither unpickles nor re-serializes it."""
    job, settings, timeout, cache = args
    result = process_job(job, settings, timeout)
    if cache is not None and not result.get("transient"):
        _store(Path(cache), job.key, result)
        return {"stored": True}
    return result


# -- the cache ------------------------------------------------------------------------------------------------
def _cache_path(cache: Path, key: str) -> Path:
    return cache / f"{key}.json"


def _store(cache: Path, key: str, result: dict) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{key}.", suffix=".part", dir=cache)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(result, f, ensure_ascii=False, separators=(",", ":"))
        publish(tmp, _cache_path(cache, key))
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _load(cache: Path, key: str) -> dict:
    with open(_cache_path(cache, key), encoding="utf-8") as f:
        return json.load(f)


# -- engines ----------------------------------------------------------------------------------------------------
#: one core's worth of math-library threads per worker (as Dask gives its workers): N workers each running
#: all-core BLAS fight over the cores and the batch gets slower than one worker
WORKER_THREADS_ENV = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def _run_local(jobs: list[Job], settings: Settings, opts: BatchOptions, cache: Path,
               status=None) -> Iterator[tuple[str, dict]]:
    """Supervised worker processes (``opts.workers``; 0: in this process). ``status(text)`` hears what the
    warm-up loads, ``status(None)`` when the work starts."""
    if not jobs:
        return
    if opts.workers == 0:
        from .workers import status_to

        with status_to(status):
            warm_up(settings)
        if status is not None:
            status(None)
        for job in jobs:
            yield job.key, process_job(job, settings, opts.timeout)
        return
    from .workers import Supervisor

    by_key = {j.key: j for j in jobs}
    n = min(opts.workers, len(jobs))
    pool = Supervisor(n, _process_and_store, warm=functools.partial(warm_up, settings), timeout=opts.timeout,
                      max_memory=opts.max_memory, env=WORKER_THREADS_ENV if n > 1 else None, on_status=status)
    tasks = [(j.key, (j, settings, None, str(cache))) for j in jobs]
    for key, status, value in pool.run(tasks):
        job = by_key[key]
        if status == "ok":
            yield key, value
        else:  # timeout, memory, died: recorded, not cached, so a resumed run tries again
            yield key, _error(job, f"{job.source}: {value}", transient=True)


#: seconds a Dask run waits with no worker connected before it stops with an error
DASK_NO_WORKER_SECONDS = 30.0
#: seconds to reach a --scheduler before the run stops with an error
DASK_CONNECT_SECONDS = 20


#: the LocalCluster's settings. Its worker processes start with one BLAS thread (as local workers do) but without
#: the MALLOC_TRIM_THRESHOLD_ Dask sets by default: a fixed trim threshold turns off glibc's adaptive mmap
#: threshold, so every large numpy array is mapped and unmapped anew, and a task took 0.223 s per article
#: against 0.195 s without it (60 real-length articles, 2 workers; a local worker: 0.188 s). The statistical
#: profiler that samples each task's stack every 10 ms is off too, and the event loop's 20 ms tick and 0.5 s
#: system monitor run every 1 s and 5 s: each wake-up takes the GIL from the task's thread (200 articles:
#: 0.162 -> 0.150 s per task; a local worker 0.131-0.134 s).
DASK_CONFIG = {
    "distributed.scheduler.allowed-failures": 0,
    "distributed.nanny.pre-spawn-environ": dict(WORKER_THREADS_ENV),
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
}


def _run_dask(jobs: list[Job], settings: Settings, opts: BatchOptions, cache: Path,
              status=None) -> Iterator[tuple[str, dict]]:
    """The same per-job function on a Dask cluster. A task whose worker dies fails at once (no retries on the
    LocalCluster this starts); with no worker left for :data:`DASK_NO_WORKER_SECONDS` the run stops."""
    import dask
    from distributed import Client, LocalCluster, wait as dask_wait
    from distributed.scheduler import KilledWorker

    by_key = {j.key: j for j in jobs}
    cluster = None
    with dask.config.set(DASK_CONFIG):
        if opts.scheduler:
            try:
                client = Client(opts.scheduler, timeout=DASK_CONNECT_SECONDS)
            except (OSError, TimeoutError) as err:
                raise InputError(f"--scheduler {opts.scheduler}: cannot connect ({err})") from None
        else:
            cluster = LocalCluster(n_workers=max(1, opts.workers), threads_per_worker=1, processes=True,
                                   dashboard_address=None, memory_limit=opts.max_memory or 0)
            client = Client(cluster)
    try:
        if not opts.scheduler:
            if status is not None:
                status("on the Dask workers")
            client.run(warm_up, settings)  # models load before the clock of the first task starts
        if status is not None:
            status(None)
        # a LocalCluster's workers store their results in the cache themselves and send back a receipt, as local
        # workers do (results sent back cost this process, which shares the cores with them, the unpickling and
        # the storing); a --scheduler cluster's workers may not share this file system: their results come back
        store_at = None if opts.scheduler else str(Path(cache).resolve())
        futures = client.map(_process_and_store, [(j, settings, opts.timeout, store_at) for j in jobs],
                             key=[f"nlp_toolkit-{j.key}" for j in jobs], pure=False)
        key_of = {f.key: f.key[len("nlp_toolkit-"):] for f in futures}
        pending = set(futures)
        lonely_since = None
        while pending:
            try:
                done, pending = dask_wait(pending, timeout=1.0, return_when="FIRST_COMPLETED")
            except TimeoutError:  # nothing ended within the second: look at the workers, wait again
                done = set()
            for fut in done:
                key = key_of[fut.key]
                try:
                    yield key, fut.result()
                except KilledWorker:
                    yield key, _error(by_key[key], f"{by_key[key].source}: worker died", transient=True)
                except Exception as err:  # noqa: BLE001 - one input's failure, recorded
                    yield key, _error(by_key[key], f"{by_key[key].source}: {type(err).__name__}: {err}",
                                      transient=True)
            # the workers are looked at only when nothing ended within the second (a round trip to the
            # scheduler per finished task cost the run time; a run whose workers are gone finishes nothing)
            if pending and not done and not client.scheduler_info(n_workers=-1).get("workers"):
                lonely_since = lonely_since or time.monotonic()
                if time.monotonic() - lonely_since > DASK_NO_WORKER_SECONDS:
                    raise RuntimeError(f"no Dask worker left after {DASK_NO_WORKER_SECONDS:g} s "
                                       f"({len(pending)} inputs not done); rerun with --resume")
            else:
                lonely_since = None
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


class Progress:
    """The progress bar of a run (tqdm, on stderr; shown only on a terminal unless ``opts.progress`` says).

    - Inputs an earlier run did (``--resume``) count as done from the start: ``30/30`` at the end, not ``24/24``,
      and they are left out of the rate.
    - While models load, the bar says so (``loading models: USE-m3… spaCy en, LAC, CRF…``), each step a refresh,
      so the line and its clock move.
    - The clock, and so the rate and the ETA, starts when the first worker is ready (:meth:`status` with None):
      neither the loading time nor a first article that waited for it counts (the end-of-run summary gives the
      whole run's time).
    """

    def __init__(self, total: int, done: int, opts: BatchOptions, file=None):
        from tqdm import tqdm

        show = sys.stderr.isatty() if opts.progress is None else opts.progress
        self.bar = tqdm(total=total, initial=done, unit="file", disable=not show, dynamic_ncols=True, smoothing=0.1,
                        file=file)
        self.loading: list[str] = []
        self.started = False

    def status(self, text: str | None) -> None:
        """A warm-up step (``text``), or None: a worker is ready, the work (and the rate's clock) starts."""
        if text is None:
            self.start()
        elif not self.started:
            if text not in self.loading:
                self.loading.append(text)
            self.bar.set_description_str("loading models: " + " ".join(f"{t}\u2026" for t in self.loading[-3:]))

    def start(self) -> None:
        if self.started:
            return
        self.started = True
        bar = self.bar
        if bar.disable:
            return
        from tqdm.std import EMA

        bar.start_t = bar.last_print_t = bar._time()  # the rate's first interval starts now
        bar.last_print_n = bar.initial = bar.n
        bar._ema_dn, bar._ema_dt = EMA(bar.smoothing), EMA(bar.smoothing)
        bar.set_description_str("")

    def update(self, n: int = 1) -> None:
        self.start()  # an engine that never said (a result is proof the work started)
        self.bar.update(n)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.bar.close()
        return False


class Interrupted(KeyboardInterrupt):
    """A run stopped by Ctrl-C or SIGTERM; the message says how far it got. ``exit_code`` is 130 or 143."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


class _Terminated(KeyboardInterrupt):
    pass


@contextlib.contextmanager
def _sigterm_interrupts():
    """Inside (main thread only), SIGTERM stops the run the way Ctrl-C does, through the same cleanup."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise _Terminated()

    old = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


# -- the run ------------------------------------------------------------------------------------------------------
def process_inputs(inputs: Iterable[str], out_dir: str | Path, settings: Settings = DEFAULT,
                   pairs: Iterable[tuple[str, str]] = (), options: BatchOptions = BatchOptions(),
                   export: ExportOptions = ExportOptions()) -> Report:
    """Process every input into ``out_dir`` (see the module docstring); return a :class:`Report`.

    The folder is locked for the run (:class:`nlp_toolkit.outdir.OutputLock`: a second run is refused with
    :class:`~nlp_toolkit.outdir.OutputBusy`). Ctrl-C or SIGTERM raise :class:`Interrupted` after the workers are
    stopped and every temporary file removed; what was done stays in the cache for ``--resume``.
    """
    from .outdir import OutputLock, remove_partials
    from .pipeline import DEFAULT_STAGES
    from .signature import signature

    start = time.perf_counter()
    formats = list(dict.fromkeys(options.formats))
    exporter_classes = [get_exporter(f) for f in formats]  # an unknown format fails now, not after the run
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise InputError(f"{out}: not a directory") from None
    jobs = expand_inputs(inputs, pairs)
    with OutputLock(out), _sigterm_interrupts():
        remove_partials(out)  # left by a run that was killed
        try:
            report = _run(jobs, out, settings, options, export, exporter_classes, signature(settings, DEFAULT_STAGES))
        except KeyboardInterrupt as err:
            if isinstance(err, Interrupted):
                raise
            done = sum(1 for j in jobs if j.key and _cache_path(out / CACHE_DIR, j.key).exists())
            code = 143 if isinstance(err, _Terminated) else 130
            raise Interrupted(f"interrupted: {done} of {len(jobs)} inputs done; rerun with --resume",
                              code) from None
        finally:
            remove_partials(out)
    report.seconds = time.perf_counter() - start
    return report


def _run(jobs: list[Job], out: Path, settings: Settings, options: BatchOptions, export: ExportOptions,
         exporter_classes: list, sig: str) -> Report:
    """Process what the cache lacks, then export every job's result in input order."""
    from .outdir import remove_stale

    cache = out / CACHE_DIR
    if cache.exists() and not options.resume:
        shutil.rmtree(cache)
    cache.mkdir(exist_ok=True)
    for j in jobs:
        j.key = job_key(j, sig)
    todo = [j for j in jobs if not _cache_path(cache, j.key).exists()]
    report = Report(out_dir=str(out), skipped=len(jobs) - len(todo))

    engine = _run_dask if options.engine == "dask" else _run_local
    failed: dict[str, dict] = {}
    with Progress(len(jobs), report.skipped, options) as bar:
        for key, result in engine(todo, settings, options, cache, status=bar.status):
            if result.get("transient"):
                failed[key] = result  # not cached: a resumed run tries again
            elif not result.get("stored"):
                _store(cache, key, result)
            bar.update(1)

    from .export.select import Selector

    formats = [c.name for c in exporter_classes]
    exporters = [cls(out, export) for cls in exporter_classes]
    if "jsonl" in formats:
        exporters.append(get_exporter("comparison")(out, export))
    if export.filters.active:  # what the filters left out, always written when they are on
        from .export.filtered import FilteredExporter

        exporters.append(FilteredExporter(out, export))
    # filters, duplicates and splits: decided here, in input order, whatever the engine (export/select.py)
    selector = Selector(export.filters, export.unit, export.split, workdir=cache)
    try:
        for j in jobs:
            result = failed.get(j.key) or _load(cache, j.key)
            if "error" in result:
                report.errors.append(result["error"])
                for ex in exporters:
                    ex.add_error(result["error"])
                continue
            document, pairs = selector.select(result["document"], result["pairs"])
            for ex in exporters:
                ex.add(document, pairs)
            report.add(document, pairs)
    except BaseException:
        for ex in exporters:
            ex.abort()
        raise
    finally:
        selector.close()
    if selector.active:
        report.selection = {"filters": export.filters.describe(), **selector.stats.to_dict()}
        if export.filters.active:
            report.selection["filtered_file"] = "filtered.jsonl"
        if export.split:
            report.selection["splits"] = {name: selector.stats.splits.get(name, {"documents": 0, "units": 0})
                                          for name, _ in export.split}
    published = []
    for ex in exporters:
        ex.close()
        published += ex.published()
    if "jsonl" not in formats:  # failures are always recorded
        write_jsonl(report.errors, out / "errors.jsonl")
        published.append(out / "errors.jsonl")
    write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=1) + "\n", out / SUMMARY_NAME)
    published.append(out / SUMMARY_NAME)
    remove_stale(out, published)
    return report

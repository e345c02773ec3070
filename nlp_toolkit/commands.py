"""File-level commands: the only place besides ``read`` and ``export`` that touches files.

``cli.py`` parses arguments and calls these; each reads its inputs with :mod:`nlp_toolkit.read`, runs the stages
or the pipeline over the data model, and writes with :mod:`nlp_toolkit.export` (atomically). Stages never read
or write files themselves (DESIGN.md: one direction of flow).

- :func:`claims_file`, :func:`entities_file`: the claims and entities contracts (``checks/README.md``), JSONL
  cases in and one ``{id, ...}`` line per case out, both through one case-file runner (:func:`run_cases`);
- :func:`report`: the HTML review page of an article file (processed now) or of an output directory (read back
  with :mod:`nlp_toolkit.export.read_output`), rendered by :mod:`nlp_toolkit.report` from the records alone;
- :func:`align_sentence_files`: whole-document sentence alignment of two files (``nlp-toolkit align-sentences``):
  the beads, their scores, and the sentences the ids count (:func:`align_outputs`);
- :func:`apply_decisions`: a reviewer's ``decisions.json`` (from the review page) applied to an output directory
  (``nlp-toolkit apply-decisions``): the records changed by :func:`nlp_toolkit.decisions.decide`, the exports
  rewritten here, every file under a temporary name until all are renamed into place together.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Callable, Iterable, Optional

from .decisions import Applied, Decisions, decide, parse_decisions
from .document import InputError
from .export.jsonl import _in_place, write_jsonl, write_text
from .export.read_output import Articles, load_output
from .read import read_cases
from .settings import DEFAULT, Settings

# -- case files (the claims and entities contracts) ---------------------------------------------------------------
#: texts of one language -> for each text, its result records
Annotate = Callable[[list[str], str], list[list[dict]]]


def run_cases(cases_path, out_path, key: str, annotate: Annotate, lang: Optional[str] = None) -> int:
    """Read ``{id, text, lang?}`` cases, run ``annotate`` once per language over that language's texts, and write
    ``{id, key: [...]}`` a line in the order of the cases; returns the number of lines written.

    ``lang`` is the language of lines that give none. The output is written to a temporary file beside
    ``out_path`` and renamed into place, so a failed run leaves no partial file; bad input raises
    :class:`~nlp_toolkit.document.InputError` naming the file and line.
    """
    cases = read_cases(Path(cases_path), lang)
    results: dict[int, list[dict]] = {}
    for lg in ("en", "zh"):
        idx = [i for i, c in enumerate(cases) if c["lang"] == lg]
        if idx:
            results.update(zip(idx, annotate([cases[i]["text"] for i in idx], lg)))
    write_jsonl(({"id": c["id"], key: results[i]} for i, c in enumerate(cases)), Path(out_path))
    return len(cases)


def claims_file(cases_path, out_path, all_numbers: bool = False, settings: Settings = DEFAULT,
                lang: Optional[str] = None) -> int:
    """The claims contract: JSONL cases ``{id, text, lang?}`` in, ``{id, claims}`` a line out (``Claim.to_dict``);
    ``lang`` is the language of lines that give none.

    With ``all_numbers`` bare numbers are reported too (kind ``number``).
    """
    from .claims import extract_claims

    def annotate(texts: list[str], lang: str) -> list[list[dict]]:
        return [[c.to_dict() for c in extract_claims(t, lang, settings, all_numbers=all_numbers)] for t in texts]

    return run_cases(cases_path, out_path, "claims", annotate, lang)


def entities_file(cases_path, out_path, lang: Optional[str] = None, settings: Settings = DEFAULT) -> int:
    """The entities contract: JSONL cases ``{id, text, lang?}`` in, ``{id, entities}`` a line out; each entity
    ``{start, end, label, text, canonical, lang, source}``, offsets into ``text``. One model pass per language."""
    from .entities import recognize_many

    def annotate(texts: list[str], lg: str) -> list[list[dict]]:
        return [[{"start": e.start, "end": e.end, "label": e.label, "text": e.text, "canonical": e.canonical,
                  "lang": lg, "source": e.source} for e in ents] for ents in recognize_many(texts, lg, settings)]

    return run_cases(cases_path, out_path, "entities", annotate, lang)


# -- reports --------------------------------------------------------------------------------------------------------
def write_report(document: dict, pair_records: list[dict], out_path: str | Path) -> Path:
    """Write the review page of one article (its ``documents.jsonl`` record and ``pairs.jsonl`` records)."""
    return write_reports([(document, pair_records)], out_path)


def write_reports(articles: Articles, out_path: str | Path, title: Optional[str] = None) -> Path:
    """Write one page for several articles (``(document record, pair records)`` each), with a table of
    contents."""
    from .report import render_page

    if not articles:
        raise ValueError("no articles to report")
    write_text(render_page(list(articles), title), out_path)
    return Path(out_path)


def report(source, out_path, settings: Optional[Settings] = None) -> tuple[int, int]:
    """The report of an article file (processed now) or of a ``nlp-toolkit process`` output directory, written
    to ``out_path``; returns (articles, aligned units). Bad input raises InputError naming it."""
    source = Path(source)
    try:
        if source.is_dir():
            articles = load_output(source)
        else:
            from .api import process_file

            article = process_file(source, settings=settings)
            articles = [(article.to_dict(), article.pair_dicts())]
    except InputError:
        raise
    except (OSError, ValueError) as err:
        raise InputError(f"{source}: {err}") from None
    except (KeyError, TypeError) as err:  # a hand-edited record without its doc_id or index, or not an object
        raise InputError(f"{source}: a record is not one of nlp-toolkit process ({type(err).__name__}: {err})") \
            from None
    if not articles:
        raise InputError(f"{source}: no articles")
    write_reports(articles, out_path)
    return len(articles), sum(len(p) for _, p in articles)


# -- sentence alignment of two files ----------------------------------------------------------------------------------
def align_outputs(out_path) -> dict[str, Path]:
    """The files ``nlp-toolkit align -o OUT`` writes: ``beads`` (OUT itself, the alignment contract: one
    ``[src ids]:[tgt ids]`` a line), ``scores`` (``OUT.jsonl``: each bead's ids and score, and its sentences with
    ``with_text``) and, when the tool split the text itself, ``src``/``tgt`` (``OUT.src.txt``, ``OUT.tgt.txt``:
    the sentences the ids count, one a line). An OUT that is a device, FIFO or link gets the beads only."""
    out = Path(out_path)
    if _in_place(out):  # a device, a FIFO, a link (-o /dev/stdout): the beads only, no files made beside it
        return {"beads": out}
    return {"beads": out, "scores": Path(f"{out}.jsonl"), "src": Path(f"{out}.src.txt"),
            "tgt": Path(f"{out}.tgt.txt")}


def align_sentence_files(src_path, tgt_path, out_path, presplit: bool = False, settings: Settings = DEFAULT,
                         with_text: bool = False) -> int:
    """Align the sentences of two files (one document in two languages, any common encoding) and write the
    files of :func:`align_outputs`, each atomically (``nlp-toolkit align-sentences``). ``presplit``: the files
    hold one sentence a line; otherwise their text is split into sentences first, and the sentences are written
    out (the ids count them). Returns the number of beads; unreadable input raises
    :class:`~nlp_toolkit.document.InputError` naming the file."""
    # imported on call: ``nlp-toolkit align-sentences`` starts loading USE-m3's tokenizer first, and these
    # imports (numpy, the aligner) overlap that load
    from .export.jsonl import write_lines
    from .langid import detect_lang
    from .sentalign import align_sentences
    from .split import split

    sides = []
    for path in (src_path, tgt_path):
        text = _file_text(path)
        if presplit:  # one sentence a line
            sides.append(_lines(text))
        else:
            sides.append(split(text, detect_lang([text]), settings))
    beads = align_sentences(sides[0], sides[1], settings)
    files = align_outputs(out_path)

    def detail(b) -> dict:
        rec = {"src": b.src, "tgt": b.tgt, "score": round(float(b.score), 6)}
        if with_text:
            rec["src_text"] = " ".join(sides[0][i] for i in b.src)
            rec["tgt_text"] = " ".join(sides[1][i] for i in b.tgt)
        return rec

    n = write_lines((str(b) for b in beads), files["beads"])  # first: when it cannot be written, nothing is
    if "scores" in files:
        write_jsonl((detail(b) for b in beads), files["scores"])
        if not presplit:  # the ids count these sentences: one a line (a sentence's own line breaks made spaces)
            for key, sentences in (("src", sides[0]), ("tgt", sides[1])):
                write_lines((" ".join(t.split("\n")) for t in sentences), files[key])
    return n


# -- filtering a parallel corpus ------------------------------------------------------------------------------------
def filter_outputs(out) -> dict[str, Path]:
    """The files ``nlp-toolkit filter -o OUT`` writes: the kept pairs (``OUT.en``, ``OUT.zh``) and every pair's
    verdict (``OUT.jsonl``)."""
    return {"en": Path(f"{out}.en"), "zh": Path(f"{out}.zh"), "verdicts": Path(f"{out}.jsonl")}


def _file_text(path) -> str:
    """A file's text in any common encoding, line breaks made ``\n``."""
    from .read import decode, read_bytes

    text, _ = decode(read_bytes(path), str(path))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _lines(text: str) -> list[str]:
    """One segment a line; a final newline ends the last line, it adds none."""
    return text[:-1].split("\n") if text.endswith("\n") else text.split("\n")


def _segments(path) -> list[str]:
    text = _file_text(path)
    return _lines(text) if text else []


def filter_files(en_path, zh_path, out, settings: Settings = DEFAULT, options=None, checks: bool = True
                 ) -> tuple[int, int, dict[str, Path]]:
    """Score and filter the pairs of two line-parallel files (:func:`nlp_toolkit.pairfilter.filter_pairs`) and
    write :func:`filter_outputs`, each atomically; returns (kept, total, files). Files of different line counts
    raise InputError naming both."""
    from .export.jsonl import write_lines
    from .pairfilter import DEFAULT_FILTERS, filter_pairs

    en, zh = _segments(en_path), _segments(zh_path)
    if len(en) != len(zh):
        raise InputError(f"{en_path}: {len(en)} lines, {zh_path}: {len(zh)} lines (line-parallel files must have "
                         f"one pair a line)")
    verdicts = filter_pairs(en, zh, settings, options or DEFAULT_FILTERS, checks=checks)
    files = filter_outputs(out)
    write_jsonl(({**v.to_dict(), "en": en[v.index], "zh": zh[v.index]} for v in verdicts), files["verdicts"])
    kept = [v.index for v in verdicts if v.kept]
    write_lines((en[i] for i in kept), files["en"])
    write_lines((zh[i] for i in kept), files["zh"])
    return len(kept), len(verdicts), files


# -- a reviewer's decisions -------------------------------------------------------------------------------------------
def load_decisions(path) -> Decisions:
    """Read and check a ``decisions.json``; any problem is one InputError naming the file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a decisions file") from None
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text (byte {err.start})") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror or err})") from None
    try:
        data = json.loads(text)
    except ValueError as err:
        raise InputError(f"{path}: not JSON ({err})") from None
    return parse_decisions(data, path)


def _compression(path: Path) -> str:
    return {".gz": "gz", ".zst": "zst"}.get(path.suffix, "")


class _Rewrite:
    """The files of one application: written under temporary names, renamed into place together."""

    def __init__(self, out: Path):
        self.out = out
        self.writers: list = []
        self.later: list = []  # (names, callable) run after the renames: exporters that publish on close

    def text(self, path: Path, text: str) -> None:
        from .export.jsonl import AtomicWriter

        w = AtomicWriter(path, _compression(path))
        self.writers.append(w)
        w.f.write(text)

    def lines(self, path: Path, lines: Iterable[str]) -> None:
        self.text(path, "".join(line + "\n" for line in lines))

    def records(self, path: Path, records: Iterable[dict]) -> None:
        from .export.jsonl import dumps

        self.lines(path, (dumps(r) for r in records))

    def names(self) -> list[str]:
        return [str(Path(w.path).relative_to(self.out)) for w in self.writers] + [n for ns, _ in self.later
                                                                                  for n in ns]

    def commit(self) -> None:
        for w in self.writers:
            w.commit()
        for _, publish in self.later:
            publish()

    def discard(self) -> None:
        for w in self.writers:
            w.discard()


def _exports(out: Path, rewrite: _Rewrite, removed: set[tuple[str, int]],
             articles: list[tuple[dict, list[dict]]]) -> None:
    """Leave the removed units out of every translation export the folder holds, and rebuild its Parquet
    tables from the records (the units left, the corrected verdicts)."""
    from .export.read_output import output_files, read_jsonl
    from .export.translation_units import one_line

    gone = lambda doc_id, index: (doc_id, index) in removed  # noqa: E731
    for path in output_files(out, "pairs"):
        records = list(read_jsonl([path]))
        kept = [r for r in records if not gone(r.get("doc_id"), r.get("index"))]
        if len(kept) != len(records):
            rewrite.records(path, kept)
    tmx = out / "corpus.tmx"
    if tmx.is_file():
        text = tmx.read_text(encoding="utf-8").splitlines()
        if any(line.startswith("<tu ") and _tu_gone(line, gone, tmx) for line in text):
            rewrite.lines(tmx, [line for line in text if not (line.startswith("<tu ") and _tu_gone(line, gone, tmx))])
    prefixes = {f"{one_line(str(d))}\t{i}" for d, i in removed}
    for ids in sorted(out.glob("corpus*.ids")):  # corpus.ids, or corpus.<split>.ids with splits
        stem = ids.name[:-len(".ids")]
        lines = {ext: (out / f"{stem}.{ext}").read_text(encoding="utf-8").split("\n")[:-1]
                 for ext in ("en", "zh", "ids")}
        drop = {n for n, line in enumerate(lines["ids"]) if line in prefixes or line.rsplit("\t", 1)[0] in prefixes}
        if drop:
            for ext, ls in lines.items():
                rewrite.lines(out / f"{stem}.{ext}", (l for n, l in enumerate(ls) if n not in drop))
    _hf(out, rewrite, gone, articles)
    if (out / "parquet" / "pairs.parquet").is_file():
        from .export.parquet import ParquetExporter

        ex = ParquetExporter(out)
        try:
            for document, pairs in articles:
                ex.add({k: v for k, v in document.items() if k != "review"}, pairs)
        except BaseException:
            ex.abort()
            raise
        rewrite.later.append(([str(p.relative_to(out)) for p in ex.published()], ex.close))


def _hf(out: Path, rewrite: _Rewrite, gone, articles: list[tuple[dict, list[dict]]]) -> None:
    """The hf export without the removed units, written again by its exporter: its data files are named by a
    fingerprint of their records (datasets keys its cache by the card's file pattern), so kept names would
    load the old rows. Unit kind, compression and shard size are read off the files there."""
    from .export.base import ExportOptions
    from .export.hf import HfExporter
    from .batch import SUMMARY_NAME
    from .export.read_output import read_jsonl

    shards = sorted((out / "hf" / "data").glob("*-of-*")) if (out / "hf" / "data").is_dir() else []
    if not shards:
        return
    splits = list(dict.fromkeys(p.name.split("-", 1)[0] for p in shards))
    by_shard = [list(read_jsonl([p])) for p in shards]
    records = [r for rs in by_shard for r in rs]
    key = lambda r: (r.get("doc_id"), r["index"] if "index" in r else r.get("pair"))  # noqa: E731
    if not any(gone(*key(r)) for r in records):
        return
    unit = "sentence" if any("sentence" in r for r in records) else "paragraph"
    size = max(map(len, by_shard)) if len(shards) > 1 else 0
    ex = HfExporter(out, ExportOptions(unit=unit, shard_size=size, compression=_compression(shards[0]),
                                       split=tuple((name, 0.0) for name in splits) if splits != ["train"] else ()))
    try:  # the card names the filters of the run that made the export, as its summary recorded them
        ex.filters_text = json.loads((out / SUMMARY_NAME).read_text(encoding="utf-8"))["selection"]["filters"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    kept: dict = {}
    for r in records:
        if not gone(*key(r)):
            kept.setdefault(r.get("doc_id"), []).append(r)
    try:
        for document, _pairs in articles:
            if document.get("doc_id") in kept:
                ex.add_records(document, kept[document["doc_id"]])
    except BaseException:
        ex.abort()
        raise
    rewrite.later.append(([str(p.relative_to(out)) for p in ex.published()], ex.close))


_PROP = re.compile(r'<prop type="x-(doc_id|pair)">([^<]*)</prop>')


def _tu_gone(line: str, gone, path: Path) -> bool:
    props = dict(_PROP.findall(line))
    if "doc_id" not in props or not props.get("pair", "").isdigit():
        raise InputError(f"{path}: a <tu> without its x-doc_id and x-pair properties (not written by nlp-toolkit "
                         f"process; rerun it)")
    return gone(html.unescape(props["doc_id"]), int(props["pair"]))


def apply_decisions(out_dir, decisions) -> Applied:
    """Apply a reviewer's decisions (a ``decisions.json`` path, or :class:`~nlp_toolkit.decisions.Decisions`) to
    an output directory of ``nlp-toolkit process`` (:mod:`nlp_toolkit.decisions` says what changes); return what
    was done. A bad file or folder raises InputError naming it; the folder is locked while it is rewritten."""
    from .export.read_output import load_output, output_files, read_jsonl
    from .outdir import OutputLock, remove_partials

    out = Path(out_dir)
    name = "decisions"
    if not isinstance(decisions, Decisions):
        name = Path(decisions).name
        decisions = load_decisions(decisions)
    if not out.is_dir():
        raise InputError(f"{out}: not a folder (give the output directory of nlp-toolkit process)")
    with OutputLock(out):
        try:
            try:
                articles = load_output(out)
            except FileNotFoundError as err:
                raise InputError(f"{err} (apply-decisions needs the jsonl export)") from None
            except (ValueError, KeyError, TypeError) as err:
                raise InputError(f"{out}: a record is not one of nlp-toolkit process ({type(err).__name__}: "
                                 f"{err})") from None
            result, removed = decide(articles, decisions, name, str(out))
            if not result.changed:
                return result
            rewrite = _Rewrite(out)
            try:
                by_id = {document.get("doc_id"): document for document, _ in articles}
                for path in output_files(out, "documents"):
                    rewrite.records(path, [by_id.get(r.get("doc_id"), r) for r in read_jsonl([path])])
                if removed or result.counts["corrected"]:
                    _exports(out, rewrite, removed, articles)
                if result.counts["corrected"] and any((out / f).is_file() for f in ("comparison.csv",
                                                                                    "comparison.parquet")):
                    from .export.comparison import write_comparison

                    rows = [r for document, _ in articles for r in document.get("comparison") or []]
                    rewrite.later.append((["comparison.csv", "comparison.parquet"],
                                          lambda: write_comparison(rows, out)))
            except BaseException:
                rewrite.discard()
                raise
            result.files = rewrite.names()
            rewrite.commit()
            return result
        finally:
            remove_partials(out)

"""File-level commands: the only place besides ``read`` and ``export`` that touches files.

``cli.py`` parses arguments and calls these; each reads its inputs with :mod:`nlp_toolkit.read`, runs the stages
or the pipeline over the data model, and writes with :mod:`nlp_toolkit.export` (atomically). Stages never read
or write files themselves (DESIGN.md: one direction of flow).

- :func:`claims_file`, :func:`entities_file`: the claims and entities contracts (``checks/README.md``), JSONL
  cases in and one ``{id, ...}`` line per case out, both through one case-file runner (:func:`run_cases`);
- :func:`report`: the HTML review page of an article file (processed now) or of an output directory (read back
  with :mod:`nlp_toolkit.export.read_output`), rendered by :mod:`nlp_toolkit.report` from the records alone;
- :func:`align_sentence_files`: whole-document sentence alignment of two files (``nlp-toolkit align-sentences``):
  the beads, their scores, and the sentences the ids count (:func:`align_outputs`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

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
    from .read import decode, read_bytes
    from .sentalign import align_sentences
    from .split import split

    sides = []
    for path in (src_path, tgt_path):
        text, _ = decode(read_bytes(path), str(path))
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if presplit:  # one sentence a line; a final newline ends the last line, it adds none
            sides.append(text[:-1].split("\n") if text.endswith("\n") else text.split("\n"))
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

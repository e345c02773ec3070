"""File-level commands: the only place besides ``read`` and ``export`` that touches files.

``cli.py`` parses arguments and calls these; each reads its inputs with :mod:`nlp_toolkit.read`, runs the stages
or the pipeline over the data model, and writes with :mod:`nlp_toolkit.export` (atomically). Stages never read
or write files themselves (DESIGN.md: one direction of flow).
"""

from __future__ import annotations

from .settings import DEFAULT, Settings

# -- case files (the claims and entities contracts) ---------------------------------------------------------------


# -- reports --------------------------------------------------------------------------------------------------------


# -- sentence alignment of two files ----------------------------------------------------------------------------------
def align_sentence_files(src_path, tgt_path, out_path, presplit: bool = False, settings: Settings = DEFAULT) -> int:
    """Align the sentences of two files (one document in two languages, any common encoding) and write one bead
    a line, ``[src ids]:[tgt ids]``, atomically (``nlp-toolkit align-sentences``). ``presplit``: the files hold
    one sentence a line; otherwise their text is split into sentences first. Returns the number of beads;
    unreadable input raises :class:`~nlp_toolkit.document.InputError` naming the file."""
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
    return write_lines((str(b) for b in beads), out_path)

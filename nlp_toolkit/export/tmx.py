"""TMX 1.4b export: ``OUT_DIR/corpus.tmx``, one translation unit per aligned pair (or per sentence pair with
``ExportOptions.unit == "sentence"``), source language English.

The header carries the seven attributes the TMX 1.4b DTD requires (creationtool, creationtoolversion, segtype,
o-tmf, adminlang, srclang, datatype); the file validates against that DTD (``models/tmx14b.dtd``). Each ``<tu>``
has a ``tuid`` (``doc_id:pair`` or ``doc_id:pair:sentence``) and ``x-`` properties linking it back to the JSONL
records (document, pair index, sentence index, alignment score, bead), and a ``<note>`` per warning of a paragraph
unit (``code (severity): message``; sentence units carry none: a warning is about its pair). The Chinese side's
``xml:lang`` is ``ExportOptions.zh_locale`` (``zh-CN`` by default, as CAT tools expect; ``--zh-locale zh-TW``).
1-0/0-1 units are left out. Characters XML 1.0 cannot hold (control characters other than tab and line breaks)
are dropped from the text.

>>> seg("R&D <b> \\x0c")
'R&amp;D &lt;b&gt; '
"""

from __future__ import annotations

import re

from .. import __version__
from .base import Exporter, ExportOptions
from .jsonl import AtomicWriter
from .translation_units import one_line, translation_units

#: characters outside the XML 1.0 Char production
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'


def _text(value) -> str:
    return _NOT_XML.sub("", str(value))


def seg(text: str) -> str:
    """Text as XML character data."""
    return _text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def attr(value) -> str:
    """A value as a double-quoted XML attribute."""
    v = seg(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
    return f'"{v}"'


def note(warning: dict) -> str:
    """A warning as the text of a ``<note>``.

    >>> note({"code": "claim_mismatch", "severity": "error", "message": "EN 38% vs ZH 28%"})
    'claim_mismatch (error): EN 38% vs ZH 28%'
    """
    return f"{warning.get('code', '')} ({warning.get('severity', 'warning')}): {one_line(warning.get('message', ''))}"


def header(unit: str) -> str:
    attrs = {"creationtool": "nlp_toolkit", "creationtoolversion": __version__, "segtype": unit,
             "o-tmf": "nlp_toolkit-jsonl", "adminlang": "en", "srclang": "en", "datatype": "plaintext"}
    return "<header " + " ".join(f"{k}={attr(v)}" for k, v in attrs.items()) + "/>"


class TmxExporter(Exporter):
    """``corpus.tmx``: TMX 1.4b, UTF-8."""

    name = "tmx"
    filename = "corpus.tmx"

    def __init__(self, out_dir, options: ExportOptions = ExportOptions()):
        super().__init__(out_dir, options)
        self._w = AtomicWriter(self.out_dir / self.filename)
        self.count = 0
        self._w.f.write('<?xml version="1.0" encoding="UTF-8"?>\n' + DOCTYPE + '\n<tmx version="1.4">\n'
                        + header(options.unit) + "\n<body>\n")

    def add(self, document: dict, pairs: list[dict]) -> None:
        units = list(translation_units(pairs, self.options.unit))
        out = []
        for u in units:
            tuid = f"{u['doc_id']}:{u['pair']}" + ("" if u["sentence"] is None else f":{u['sentence']}")
            props = [("x-doc_id", u["doc_id"]), ("x-pair", u["pair"])]
            if u["sentence"] is not None:
                props.append(("x-sentence", u["sentence"]))
            props += [("x-bead", f"{len(u['en_ids'])}-{len(u['zh_ids'])}"), ("x-score", u["score"])]
            quality = (u["record"].get("quality") or {}).get("score")
            if quality is not None:
                props.append(("x-quality", quality))
            if u.get("split"):
                props.append(("x-split", u["split"]))
            warnings = u["record"].get("warnings") or [] if u["sentence"] is None else []
            out.append(f"<tu tuid={attr(tuid)}>"
                       + "".join(f'<note xml:lang="en">{seg(note(w))}</note>' for w in warnings)
                       + "".join(f"<prop type={attr(t)}>{seg(v)}</prop>" for t, v in props)
                       + f'<tuv xml:lang="en"><seg>{seg(u["en"])}</seg></tuv>'
                       + f'<tuv xml:lang={attr(self.options.zh_locale)}><seg>{seg(u["zh"])}</seg></tuv></tu>\n')
        self._w.f.write("".join(out))
        self.count += len(units)

    def files(self) -> list:
        return [self._w]

    def close(self) -> None:
        self._w.f.write("</body>\n</tmx>\n")
        super().close()


def validate(path) -> list[str]:
    """The DTD validation errors of a TMX file against TMX 1.4b (``models/tmx14b.dtd``); [] when valid.
    Needs ``lxml`` (the ``test`` extra)."""
    from lxml import etree

    from ..resources import model_file

    dtd = etree.DTD(str(model_file("tmx14b.dtd")))
    tree = etree.parse(str(path), etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False))
    if dtd.validate(tree):
        return []
    return [str(e) for e in dtd.error_log.filter_from_errors()]

"""The published Arrow schemas of the exports: one fixed type for every key of every record.

Without a fixed schema, a shard (or a Parquet file) whose records all have empty ``entities`` lists is typed
``list<null>`` and no longer concatenates with one where entities exist (``datasets``: "Couldn't cast array of
type struct<...> to null"). The types here follow ``to_dict()`` of the data model (``document.py``, contract v1)
and are the only place the exporters learn them: the Parquet tables (``parquet.py``) and the Hugging Face
features (``hf.py``) are both built from them.

:func:`conform` fits a record to a schema: a missing key is written as null (``[]`` for a list), a key the schema
does not know is dropped with a warning (add it here to publish it).

>>> conform({"en": "Hi"}, TRANSLATION)
{'en': 'Hi', 'zh': None}
>>> conform({"lang": "en"}, pa.schema([("lang", pa.string()), ("ids", pa.list_(pa.int64()))]))
{'lang': 'en', 'ids': []}
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import pyarrow as pa

from .comparison import schema as _comparison_schema

_s, _i, _f, _b = pa.string(), pa.int64(), pa.float64(), pa.bool_()

TRANSLATION = pa.struct([("en", _s), ("zh", _s)])
ENTITY = pa.struct([("lang", _s), ("text", _s), ("start", _i), ("end", _i), ("label", _s), ("canonical", _s),
                    ("source", _s)])
CLAIM = pa.struct([("lang", _s), ("text", _s), ("start", _i), ("end", _i), ("kind", _s), ("value", _f),
                   ("unit", _s), ("qualifier", _s), ("period", _s), ("value_max", _f), ("subject", _s)])
CLAIM_LINK = pa.struct([("en", _i), ("zh", _i), ("agree", _b), ("differences", pa.list_(_s))])
WARNING = pa.struct([("code", _s), ("message", _s), ("lang", _s), ("severity", _s), ("en_span", pa.list_(_i)),
                     ("zh_span", pa.list_(_i)), ("reason", _s)])
#: list fields whose null means something (a warning's span on a side it is not about): kept null, not ``[]``
NULL_LISTS = frozenset({"en_span", "zh_span"})
#: a unit's fitness to train on (``nlp_toolkit.quality``); the signals a unit lacks are null
QUALITY = pa.struct([("score", _f), ("reasons", pa.list_(_s)), ("signals", pa.struct(
    [("similarity", _f), ("margin", _f), ("length", _f), ("zh_share_zh", _f), ("zh_share_en", _f)]))])
#: what the filters of a run's training exports said of a unit left out of them (``export/select.py``)
DROPPED = [("dropped", pa.list_(_s)), ("duplicate_of", _s), ("duplicate_kind", _s), ("duplicate_similarity", _f)]
#: keys a JSONL record has only when set (a run's split, what its filters dropped): a table's null (or ``[]``)
#: for them means "absent"
OPTIONAL_KEYS = frozenset(["split"] + [n for n, _ in DROPPED])
SENTENCE = pa.struct([("en_ids", pa.list_(_i)), ("zh_ids", pa.list_(_i)), ("en", _s), ("zh", _s), ("score", _f),
                      ("quality", QUALITY)] + DROPPED)
#: the parts of the paragraph alignment score (``nlp_toolkit.paralign``): name -> value, ``{}`` for a 1-0/0-1 unit
SCORE_PARTS = pa.map_(_s, _f)
#: the same as a struct of the parts the aligner writes, for formats without a map type (Hugging Face features)
SCORE_PARTS_STRUCT = pa.struct([("similarity", _f), ("margin", _f), ("anchor", _f), ("length", _f)])
ADVANTAGE = pa.struct([("winner", _s), ("winner_zh", _s), ("margin", _s), ("gaining", _s), ("tie", _b),
                       ("evidence", _s), ("source", _s), ("shared", _b), ("confidence", pa.float64())])
PROSE = pa.struct([("pair", _i), ("sentence", _i), ("lang", _s), ("competitor", _s), ("effect", _s), ("text", _s)])
SECTION = pa.struct([("index", _i), ("pairs", pa.list_(_i)), ("verdict_pair", _i), ("prose", pa.list_(PROSE)), ("heading", TRANSLATION), ("aspect", TRANSLATION),
                     ("advantage", ADVANTAGE), ("advantage_alt", ADVANTAGE)])
#: an article's warnings counted by code (``Article.warning_counts``): code -> count
WARNING_COUNTS = pa.map_(_s, _i)
REMOVED = pa.struct([("line", _i), ("text", _s), ("rule", _s)])

#: one ``pairs.jsonl`` record, whole (``AlignedPair.to_dict``)
PAIR_RECORD = pa.schema([
    ("doc_id", _s), ("index", _i), ("en", _s), ("zh", _s), ("en_ids", pa.list_(_i)), ("zh_ids", pa.list_(_i)),
    ("bead", _s), ("score", _f), ("score_parts", SCORE_PARTS), ("section", _i), ("translation", TRANSLATION),
    ("entities", pa.list_(ENTITY)), ("claims", pa.list_(CLAIM)), ("claim_links", pa.list_(CLAIM_LINK)),
    ("sentences", pa.list_(SENTENCE)), ("warnings", pa.list_(WARNING)), ("quality", QUALITY), ("signature", _s),
    ("split", _s), *DROPPED,
])


def _comparison_row() -> pa.StructType:
    return pa.struct(list(_comparison_schema()))


#: one ``documents.jsonl`` record (``Article.to_dict``), whole
DOCUMENT_RECORD = pa.schema([
    ("doc_id", _s), ("source", _s), ("encoding", _s), ("paragraphs", pa.struct([("en", _i), ("zh", _i)])),
    ("pairs", _i), ("sections", pa.list_(SECTION)), ("comparison", pa.list_(_comparison_row())),
    ("removed", pa.list_(REMOVED)), ("warnings", pa.list_(WARNING)), ("warning_counts", WARNING_COUNTS),
    ("signature", _s), ("split", _s),
])

#: one translation unit of the sentence-level exports (hf with ``unit="sentence"``)
SENTENCE_RECORD = pa.schema([
    ("doc_id", _s), ("pair", _i), ("sentence", _i), ("en_ids", pa.list_(_i)), ("zh_ids", pa.list_(_i)),
    ("en", _s), ("zh", _s), ("score", _f), ("translation", TRANSLATION), ("quality", QUALITY), ("signature", _s),
    ("split", _s),
])

_KEYS = [("doc_id", _s), ("pair", _i)]
_NESTED = ("entities", "claims", "sentences")

#: the Parquet tables: name -> schema. Rows link back by ``doc_id`` and ``pair`` (the pair's ``index``); the
#: ``entity`` / ``claim`` / ``sentence`` column is the row's position in its pair's list (``claim_links`` index
#: ``claims`` by it).
SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema([f for f in DOCUMENT_RECORD if f.name != "comparison"]),
    "pairs": pa.schema([f for f in PAIR_RECORD if f.name not in _NESTED]),
    "sentences": pa.schema(_KEYS + [("sentence", _i)] + list(pa.schema(list(SENTENCE)))),
    "entities": pa.schema(_KEYS + [("entity", _i)] + list(pa.schema(list(ENTITY)))),
    "claims": pa.schema(_KEYS + [("claim", _i)] + list(pa.schema(list(CLAIM)))),
    "comparison": _comparison_schema(),
}


def _fields(t) -> list[pa.Field]:
    return list(t) if isinstance(t, pa.Schema) else [t.field(i) for i in range(t.num_fields)]


def _warn_unknown(path: str, keys) -> None:
    warnings.warn(f"export schema: no published type for {', '.join(f'{path}{k}' for k in sorted(keys))}; "
                  f"dropped (add it to nlp_toolkit/export/schema.py)", stacklevel=3)


def _conform_value(value: Any, t: pa.DataType, path: str) -> Any:
    if pa.types.is_map(t):
        return None if value is None else {k: _conform_value(v, t.item_type, path) for k, v in dict(value).items()}
    if pa.types.is_struct(t):
        return None if value is None else conform(value, t, path)
    if pa.types.is_list(t):
        if value is None:
            return []
        return [_conform_value(v, t.value_type, path) for v in value]
    if value is None:
        return None
    if pa.types.is_floating(t):
        return float(value)
    if pa.types.is_integer(t):
        return int(value)
    if pa.types.is_boolean(t):
        return bool(value)
    return value


def conform(record: dict, schema: pa.Schema | pa.StructType, path: str = "") -> dict:
    """``record`` with exactly the schema's keys, in the schema's order (missing -> null or ``[]``)."""
    fields = _fields(schema)
    unknown = set(record) - {f.name for f in fields}
    if unknown:
        _warn_unknown(path, unknown)
    return {f.name: None if f.name in NULL_LISTS and record.get(f.name) is None else
            _conform_value(record.get(f.name), f.type, f"{path}{f.name}.") for f in fields}


# -- Hugging Face features ------------------------------------------------------------------------------------
_HF_DTYPES = {pa.string(): "string", pa.int64(): "int64", pa.float64(): "float64", pa.bool_(): "bool"}


def _hf_feature(name: str, t: pa.DataType) -> dict:
    if name == "translation" and t == TRANSLATION:
        return {"name": name, "dtype": {"translation": {"languages": ["en", "zh"]}}}
    if pa.types.is_struct(t):
        return {"name": name, "struct": [_hf_feature(f.name, f.type) for f in _fields(t)]}
    if pa.types.is_list(t):
        inner = t.value_type
        if pa.types.is_struct(inner):
            return {"name": name, "list": [_hf_feature(f.name, f.type) for f in _fields(inner)]}
        if pa.types.is_list(inner):
            raise ValueError(f"{name}: nested lists have no features spelling here")
        return {"name": name, "list": _HF_DTYPES[inner]}
    return {"name": name, "dtype": _HF_DTYPES[t]}


def hf_features(schema: pa.Schema) -> list[dict]:
    """The ``dataset_info.features`` list of a dataset card for ``schema`` (``translation`` as a Translation).

    >>> hf_features(pa.schema([("en_ids", pa.list_(pa.int64())), ("translation", TRANSLATION)]))
    [{'name': 'en_ids', 'list': 'int64'}, {'name': 'translation', 'dtype': {'translation': {'languages': ['en', 'zh']}}}]
    """
    return [_hf_feature(f.name, f.type) for f in schema]


def yaml_block(value: Any, indent: int = 0) -> str:
    """A small block-style YAML writer for the dataset card (mappings, sequences, plain scalars).

    >>> print(yaml_block({"a": [{"name": "x", "dtype": "string"}], "b": ["en", "zh"]}), end="")
    a:
    - name: x
      dtype: string
    b:
    - en
    - zh
    """
    pad = " " * indent
    out = []
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, (dict, list)) and v:
                out.append(f"{pad}{k}:\n" + yaml_block(v, indent + (2 if isinstance(v, dict) else 0)))
            else:
                out.append(f"{pad}{k}: {_scalar(v)}\n")
    elif isinstance(value, list):
        for v in value:
            if isinstance(v, (dict, list)) and v:
                body = yaml_block(v, indent + 2)
                out.append(f"{pad}- " + body[indent + 2:])
            else:
                out.append(f"{pad}- {_scalar(v)}\n")
    else:
        out.append(f"{pad}{_scalar(value)}\n")
    return "".join(out)


def _scalar(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, (dict, list)):
        return "{}" if isinstance(v, dict) else "[]"
    s = str(v)
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_./*-]*", s) and s.lower() not in ("null", "true", "false", "yes", "no",
                                                                             "on", "off", "y", "n", "~"):
        return s
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

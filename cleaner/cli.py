"""The ``cleaner`` command: a thin layer over the library.

Exit codes: 0 success, 1 bad input (named file and line; nothing
written), 2 bad usage, 74 a path could not be written or read (disk full,
read-only, missing folder), 130 Ctrl-C, 143 SIGTERM.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .config import Config, make_config
from .rules import RULES
from .runner import (
    CleanedLine,
    Document,
    RawLine,
    Result,
    Stats,
    WorkerDied,
    check_encoding,
    check_jsonl_encoding,
    clean_documents,
    clean_lines,
    default_jobs,
    read_text_file,
    report_rows,
)
from .errors import EXIT_INPUT, EXIT_IO, EXIT_USAGE, InputError, StorageError, UsageError
from .textio import OutputFile, Outputs, Writable, note_written, read_bytes, read_lines, writes_directly, written_paths

EXAMPLES = """\
examples:
  cleaner clean scan.txt                       clean one file to stdout
  cleaner clean a.txt b.txt --output-dir out/  clean several files into out/
  cat page.txt | cleaner clean > clean.txt     as a step in a pipeline
  cleaner clean --jsonl --field content corpus.jsonl -o clean.jsonl --report edits.jsonl
  cleaner clean --disable paragraphs,dedup x.txt   skip some rules
  cleaner clean --engine ray --jsonl corpus.jsonl -o clean.jsonl   on Ray (a local one, or --ray-address)
  cleaner rules                                list the rules

Every change is recorded: --report writes each edit (rule, span in the
input, text before and after) as JSON Lines.

exit codes: 0 success; 1 bad input (nothing is written); 2 bad usage;
74 a path could not be written or read (disk full, read-only, no such folder);
130 Ctrl-C; 143 SIGTERM.
"""


def _add_rule_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("rules")
    g.add_argument("--only", metavar="RULE,...", help="run only these rules (see `cleaner rules`)")
    g.add_argument("--disable", metavar="RULE,...", help="run the default rules except these")
    g.add_argument("--enable", metavar="RULE,...", help="also run these rules that are off by default (page_headers)")
    g.add_argument(
        "--script",
        choices=["auto", "simplified", "traditional", "keep"],
        default="auto",
        help="auto (default): convert stray characters of the minority script; "
        "simplified/traditional: convert everything; keep: leave the script alone",
    )
    g.add_argument("--dedup-threshold", type=float, metavar="RATIO", help="similarity (0-100) at which paragraphs are duplicates (default 90)")
    g.add_argument("--min-chars", type=int, metavar="N", help="paragraphs shorter than N characters are never deduplicated (default 12)")
    g.add_argument("--keep", choices=["first", "longest"], help="which paragraph of a duplicate group stays (default first)")
    g.add_argument(
        "--dedup-scope",
        choices=["adjacent", "document"],
        help="adjacent (default): drop a paragraph or block repeated right after itself; "
        "document: drop every later near-duplicate in the document",
    )
    g.add_argument("--lexicon", metavar="FILE", help="domain terms, one per line, for the lexicon rule")


def add_engine_options(p: argparse.ArgumentParser) -> None:
    """``--engine`` and ``--ray-address`` (``cleaner clean`` and ``cleaner dedup``)."""
    g = p.add_argument_group("engine")
    g.add_argument(
        "--engine",
        choices=["local", "ray"],
        default="local",
        help="local (default): this machine's processes; ray: Ray Data workers, same output byte for byte "
        "(needs pip install 'cleaner[ray]'; JSON Lines files only)",
    )
    g.add_argument(
        "--ray-address",
        metavar="ADDR",
        help="with --engine ray: join the Ray cluster at ADDR ('auto' for the one this machine belongs to); "
        "default: start a local one on all cores (--jobs does not apply). Workers read the input files by path",
    )


def check_engine(args: argparse.Namespace, files: Sequence[str]) -> None:
    """Usage errors of ``--engine ray`` (both commands)."""
    if args.ray_address and args.engine != "ray":
        raise UsageError("--ray-address goes with --engine ray")
    if args.engine != "ray":
        return
    if not args.jsonl:
        raise UsageError("--engine ray reads JSON Lines (--jsonl); text files are cleaned by --engine local")
    if "-" in files:
        raise UsageError("--engine ray reads files (its workers read byte ranges of them), not stdin")
    for f in files:
        try:
            f.encode("utf-8")
        except UnicodeEncodeError:
            raise UsageError(f"{f!r}: --engine ray needs file names in UTF-8") from None
        if not os.path.isfile(f):
            raise InputError(f"{f}: no such file" if not os.path.exists(f) else f"{f}: is a directory, not a file")
    try:
        from . import ray_engine

        ray_engine.require_ray()
    except ImportError as exc:
        raise UsageError(f"--engine ray: {exc}") from None


def add_input_output(p: argparse.ArgumentParser, *, in_place: bool, jsonl: str, field: str) -> None:
    """The input and output options that ``clean`` and ``dedup`` share."""
    p.add_argument("files", nargs="*", metavar="FILE", help="input files ('-' for stdin; default stdin)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    out.add_argument("--output-dir", metavar="DIR", help="write each input file to DIR/<its name>")
    if in_place:
        out.add_argument("--in-place", action="store_true", help="replace each input file (all of them, or none when one fails)")
    p.add_argument("--jsonl", action="store_true", help=f"input is JSON Lines: {jsonl}")
    p.add_argument("--field", default="text", metavar="NAME", help=f"{field} (default: text)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cleaner",
        description="Clean text from OCR, PDF extraction and scraping (Chinese first, Latin too).",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"cleaner {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    c = sub.add_parser(
        "clean",
        help="clean text files or JSON Lines",
        description="Clean text: repair mojibake, script, width and punctuation, whitespace, "
        "broken paragraphs, repeated paragraphs and OCR typos. Reads stdin when no FILE or '-'.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_input_output(c, in_place=True, jsonl="clean one field of each record", field="the JSON Lines field to clean")
    c.add_argument("--report", metavar="FILE", help="write every edit and suggestion as JSON Lines to FILE")
    c.add_argument("--encoding", metavar="ENC", help="input encoding (default: detect UTF-8, UTF-16/32 with BOM, GB18030, Big5)")
    c.add_argument("--jobs", "-j", type=int, default=0, metavar="N", help="worker processes (default 0: all cores); output keeps the input order")
    c.add_argument(
        "--on-error",
        default="stop",
        metavar="stop|skip|quarantine FILE",
        help="a bad JSON Lines record (invalid JSON or UTF-8, missing or non-string field): "
        "stop (default: exit 1 naming the line, no output), skip it and count it, "
        "or quarantine FILE: write it unchanged to FILE with the reason",
    )
    c.add_argument("--quarantine", metavar="FILE", help="with --on-error quarantine: where bad records go, with the reason")
    c.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no summary on stderr")
    add_engine_options(c)
    _add_rule_options(c)
    c.set_defaults(func=cmd_clean)

    r = sub.add_parser("rules", help="list the rules, one line each")
    r.set_defaults(func=cmd_rules)

    from .dedup.cli import add_parser as add_dedup_parser

    add_dedup_parser(sub)
    # -- cleaner review (issue 15.1): registered here until the CLI refactor lands
    from .commands.review import add_parser as add_review_parser

    add_review_parser(sub)
    # -- end cleaner review
    return parser


def cmd_rules(args: argparse.Namespace) -> int:
    width = max(len(n) for n in RULES)
    for rule in RULES.values():
        flag = "" if rule.default else " (off by default)"
        print(f"{rule.name:<{width}}  {rule.summary}{flag}")
    return 0


def _config(args: argparse.Namespace) -> Config:
    options: dict[str, Any] = {"script": args.script}
    if args.only:
        options["only"] = args.only
    if args.disable:
        options["disable"] = args.disable
    if args.enable:
        options["enable"] = args.enable
    if args.dedup_scope:
        options["dedup_scope"] = args.dedup_scope
    if args.dedup_threshold is not None:
        options["dedup_threshold"] = args.dedup_threshold
    if args.min_chars is not None:
        options["dedup_min_chars"] = args.min_chars
    if args.keep:
        options["dedup_keep"] = args.keep
    if args.lexicon:
        try:
            terms = Path(args.lexicon).read_text(encoding="utf-8").split("\n")
        except OSError as exc:
            raise InputError(f"{args.lexicon}: cannot read lexicon: {exc.strerror}") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"{args.lexicon}: lexicon is not UTF-8 (byte {exc.start})") from None
        options["lexicon"] = tuple(t.strip() for t in terms if t.strip() and not t.startswith("#"))
    try:
        return make_config(**options)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _check_usage(args: argparse.Namespace) -> None:
    files = args.files or ["-"]
    if args.jobs < 0:
        raise UsageError("--jobs must be 0 (all cores) or more")
    if args.on_error not in ("stop", "skip", "quarantine"):
        raise UsageError(f"--on-error must be stop, skip or quarantine, not {args.on_error!r}")
    if (args.on_error == "quarantine") != bool(args.quarantine):
        raise UsageError("--on-error quarantine and --quarantine FILE go together")
    if args.on_error != "stop" and not args.jsonl:
        raise UsageError("--on-error applies to JSON Lines records (--jsonl)")
    if args.in_place and "-" in files:
        raise UsageError("--in-place needs files, not stdin")
    for f in files if args.in_place else ():
        if os.path.exists(f) and not os.path.isfile(f):
            raise UsageError(f"--in-place replaces regular files; {f} is not one (a folder, device or pipe)")
    if args.output_dir and "-" in files:
        raise UsageError("--output-dir needs files, not stdin")
    if args.output and len(files) > 1 and not args.jsonl:
        raise UsageError("several inputs: use --output-dir DIR (or --jsonl to concatenate records)")
    if args.in_place and args.jsonl and args.on_error == "skip":
        raise UsageError("--in-place --on-error skip would delete the bad records from the input: use --on-error quarantine FILE")
    check_outputs(
        files,
        (("-o", args.output), ("--report", args.report), ("--quarantine", args.quarantine)),
        args.output_dir,
        in_place=args.in_place,
        also_read=(args.lexicon,),
    )


def _file_keys(path: str) -> set[Any]:
    """What identifies the file a path names: the path with every link
    resolved, the path with its folder resolved (the link itself), and the
    inode when it exists (another hard link)."""
    keys: set[Any] = {os.path.realpath(path), os.path.join(os.path.realpath(os.path.dirname(os.path.abspath(path))), os.path.basename(path))}
    with contextlib.suppress(OSError):
        st = os.stat(path)
        keys.add((st.st_dev, st.st_ino))
    return keys


def _can_write(path: str) -> None:
    """Fail early, before any work, on an output the system will refuse: a
    folder, or a path whose folder is missing or unwritable.  :class:`StorageError`."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise StorageError(path, IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR)))
    if not os.path.isdir(folder):
        code = errno.ENOTDIR if os.path.exists(folder) else errno.ENOENT
        raise StorageError(path, OSError(code, os.strerror(code)))
    try:  # the system's own answer (read-only file system, permission), not a guess from the mode bits
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise StorageError(path, exc) from None


def output_paths(files: Sequence[str], named: Sequence[tuple[str, str | None]], output_dir: str | None, *, in_place: bool = False) -> list[tuple[str, str]]:
    """Every file a run writes, with the option that names it: the ``named``
    outputs given, each file written into ``output_dir``, or each input
    itself with ``--in-place``."""
    outs = [(option, path) for option, path in named if path and path != "-"]
    if output_dir:
        outs += [("--output-dir", os.path.join(output_dir, os.path.basename(f))) for f in files]
    if in_place:
        outs += [("--in-place", f) for f in files]
    return outs


def check_outputs(
    files: Sequence[str],
    named: Sequence[tuple[str, str | None]],
    output_dir: str | None,
    *,
    in_place: bool = False,
    also_read: Sequence[str | None] = (),
) -> None:
    """Every output is a file of its own: not an input nor a file in
    ``also_read`` (unless ``in_place``), not another output, also through
    symbolic or hard links; a device or a pipe (``/dev/stdout``) may take
    several.  :class:`UsageError` naming both paths otherwise; a named output
    the system will refuse is :class:`StorageError`."""
    if output_dir and os.path.exists(output_dir) and not os.path.isdir(output_dir):
        raise StorageError(output_dir, NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR)))
    if output_dir:
        first: dict[str, str] = {}
        for name in files:
            if not name or name == "-":
                continue
            other = first.setdefault(os.path.basename(name), name)
            if other != name:
                raise UsageError(
                    f"--output-dir: {other} and {name} have the same file name; clean them into different folders"
                )
    inputs: dict[Any, str] = {}
    for f in [*files, *also_read]:
        if f and f != "-":
            inputs.update(dict.fromkeys(_file_keys(f), f))
    seen: dict[Any, tuple[str, str]] = {}
    for option, path in output_paths(files, named, output_dir, in_place=in_place):
        if writes_directly(path):
            continue
        keys = _file_keys(path)
        for key in keys:
            if option != "--in-place" and key in inputs:
                raise UsageError(f"{option} {path} would overwrite the input {inputs[key]}; choose another output (or --in-place)")
            if key in seen:
                other, where = seen[key]
                if option == other == "--in-place":
                    raise UsageError(f"--in-place: {where} and {path} are the same file; name it once")
                raise UsageError(f"{other} {where} and {option} {path} are the same file: give each output its own path")
        seen.update(dict.fromkeys(keys, (option, path)))
    for _, named_path in named:
        if named_path and named_path != "-" and not writes_directly(named_path):
            _can_write(named_path)


class _Stdout:
    """Standard output as an output: a failed write names it."""

    def write(self, s: str, /) -> int:
        note_written("<stdout>")
        try:
            return sys.stdout.write(s)
        except OSError as exc:
            raise StorageError("<stdout>", exc) from None

    def flush(self) -> None:
        try:
            sys.stdout.flush()
        except OSError as exc:
            raise StorageError("<stdout>", exc) from None


class _Sink:
    """Where output goes: a file among ``outs`` (put in place with the
    others); or stdout, spooled so that nothing is written when the run
    fails (``spool=False`` streams)."""

    def __init__(self, target: str | None, *, outs: Outputs, spool: bool = True) -> None:
        self.target = target
        self.spool = spool
        self.outs = outs
        self._spooled: Any = None
        self.fh: Writable

    def __enter__(self) -> _Sink:
        if self.target and self.target != "-":
            self.fh = self.outs.open(self.target)
        elif self.spool:
            self._spooled = tempfile.SpooledTemporaryFile(max_size=64 << 20, mode="w+", encoding="utf-8", newline="")
            self.fh = self._spooled
        else:
            self.fh = _Stdout()
        return self

    def __exit__(self, et: Any, ev: Any, tb: Any) -> None:
        if isinstance(self.fh, _Stdout):
            if et is None:
                self.fh.flush()
            return
        if self._spooled is None:
            return
        try:
            if et is None:
                self._spooled.seek(0)
                out = _Stdout()
                while chunk := self._spooled.read(1 << 20):
                    out.write(chunk)
                out.flush()
        finally:
            self._spooled.close()


class _Progress:
    """A progress bar on stderr (documents, MB, rate) when stderr is a terminal."""

    def __init__(self, enabled: bool, total_bytes: int | None) -> None:
        self.bar: Any = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(
                total=total_bytes, unit="B", unit_scale=True, unit_divisor=1024, file=sys.stderr, dynamic_ncols=True, leave=False
            )
        self.docs = 0

    def update(self, nbytes: int) -> None:
        self.docs += 1
        if self.bar is not None:
            self.bar.update(nbytes)
            if self.docs % 64 == 1:
                self.bar.set_postfix(docs=self.docs, refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _write_report(report: Writable | None, r: Result) -> None:
    if report is not None:
        report.write(report_rows(r))


def _jsonl_lines(files: Sequence[str]) -> Iterator[RawLine]:
    for name in files:
        label = "<stdin>" if name == "-" else name
        for lineno, raw in enumerate(read_lines(name), 1):
            yield label, lineno, raw


class _PerFile:
    """The output of each input file (``--output-dir`` or ``--in-place``) for
    records that arrive in input order: one file open at a time; an input
    without records gets an empty output."""

    def __init__(self, outs: Outputs, files: Sequence[str], *, output_dir: str | None) -> None:
        self.outs, self.files, self.output_dir = outs, files, output_dir
        self.current: tuple[str, OutputFile] | None = None
        self.done: set[str] = set()

    def target(self, source: str) -> str:
        return os.path.join(self.output_dir, os.path.basename(source)) if self.output_dir else source

    def __call__(self, source: str) -> Writable:
        if self.current is not None and self.current[0] == source:
            return self.current[1]
        if self.current is not None:
            self.current[1].finish()
        out = self.outs.open(self.target(source), follow_links=self.output_dir is None)
        self.current = (source, out)
        self.done.add(source)
        return out

    def close(self) -> None:
        if self.current is not None:
            self.current[1].finish()
        for f in self.files:
            if f not in self.done:
                self.done.add(f)
                self.outs.write_file(self.target(f), "", follow_links=self.output_dir is None)


class _LineWriter:
    """Writes cleaned records, whichever engine cleaned them: the output row
    (to ``out(source)``), the report rows, the counts; a bad record stops the
    run, is counted, or goes to the quarantine file (``--on-error``)."""

    def __init__(
        self, out: Callable[[str], Writable], report: Writable | None, quarantine: Writable | None, on_error: str, stats: Stats, progress: _Progress
    ) -> None:
        self.out, self.report, self.quarantine = out, report, quarantine
        self.on_error, self.stats, self.progress = on_error, stats, progress

    def write(self, c: CleanedLine) -> None:
        if c.bad:
            if self.on_error == "stop":
                raise InputError(f"{c.source}: line {c.line}: {c.bad}")
            self.stats.bad_records += 1
            if self.quarantine is not None:
                self.quarantine.write(c.quarantine)
            return
        self.out(c.source).write(c.output)
        if self.report is not None:
            self.report.write(c.report)
        self.stats.add_line(c)
        self.progress.update(c.nbytes)


def _text_documents(files: Sequence[str], encoding: str | None) -> Iterator[Document]:
    for name in files:
        data = read_bytes(name)
        doc = read_text_file("<stdin>" if name == "-" else name, data, encoding)
        doc.nbytes = len(data)
        yield doc


def _total_bytes(files: Sequence[str]) -> int | None:
    total = 0
    for f in files:
        if f == "-" or not os.path.isfile(f):
            return None
        total += os.path.getsize(f)
    return total


def _make_folder(path: str) -> None:
    """Create an output folder (and its parents); :class:`StorageError` when the system refuses."""
    try:
        Path(path).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(path, exc) from None


def _interrupted(what: str) -> str:
    """The message of an interrupted run, true to what it left behind."""
    done = written_paths()
    if not done:
        return f"cleaner: {what}; no partial output was left"
    shown = ", ".join(done[:5]) + (f" and {len(done) - 5} more" if len(done) > 5 else "")
    return f"cleaner: {what}; already written (possibly incomplete): {shown}"


def cmd_clean(args: argparse.Namespace) -> int:
    _check_usage(args)
    config = _config(args)
    files = args.files or ["-"]
    check_engine(args, files)
    if args.encoding:
        check_encoding(args.encoding)
    if args.jsonl and args.encoding:
        if args.engine == "ray":
            raise UsageError("--engine ray reads UTF-8 JSON Lines; drop --encoding or use --engine local")
        check_jsonl_encoding(args.encoding)
    jobs = default_jobs() if args.jobs == 0 else args.jobs
    stats = Stats()
    progress = _Progress(not args.quiet and sys.stderr.isatty(), _total_bytes(files))
    try:
        with contextlib.ExitStack() as stack:
            if args.engine == "ray":
                from . import ray_engine

                # Ray starts before any output file is opened: a start that is
                # interrupted (Ray has its own SIGTERM handlers then) leaves nothing.
                stack.enter_context(ray_engine.session(args.ray_address))
            # Every output is written to a temporary file and put in place
            # only when the whole run succeeds (see Outputs).
            outs = stack.enter_context(Outputs())
            report = outs.open(args.report) if args.report else None
            quarantine = outs.open(args.quarantine) if args.quarantine else None
            if args.output_dir:
                _make_folder(args.output_dir)
            if args.jsonl:
                per_file = _PerFile(outs, files, output_dir=args.output_dir) if args.output_dir or args.in_place else None
                if per_file is not None:
                    route: Callable[[str], Writable] = per_file
                else:
                    # With --on-error stop a bad record aborts the run, so stdout is
                    # spooled until the end; skip/quarantine cannot abort: stream.
                    sink = stack.enter_context(_Sink(args.output, outs=outs, spool=args.on_error == "stop"))
                    route = lambda source: sink.fh  # noqa: E731
                writer = _LineWriter(route, report, quarantine, args.on_error, stats, progress)
                if args.engine == "ray":
                    cleaned = ray_engine.clean_jsonl_files(files, config, field=args.field, report=report is not None)
                else:
                    cleaned = clean_lines(
                        _jsonl_lines(files), config, field_name=args.field, report=report is not None, jobs=jobs,
                        encoding=args.encoding or "utf-8",
                    )
                for c in cleaned:
                    writer.write(c)
                if per_file is not None:
                    per_file.close()
            elif args.output_dir or args.in_place:
                for name, r in zip(files, clean_documents(_text_documents(files, args.encoding), config, jobs=jobs)):
                    target = os.path.join(args.output_dir, os.path.basename(name)) if args.output_dir else name
                    outs.write_file(target, r.text, follow_links=args.in_place)
                    _write_report(report, r)
                    stats.add(r)
                    progress.update(r.document.nbytes)
            else:
                sink = stack.enter_context(_Sink(args.output, outs=outs))
                for r in clean_documents(_text_documents(files, args.encoding), config, jobs=jobs):
                    sink.fh.write(r.text)
                    _write_report(report, r)
                    stats.add(r)
                    progress.update(r.document.nbytes)
    finally:
        progress.close()
    if not args.quiet:
        print(stats.summary(), file=sys.stderr)
    return 0


def _expand_on_error(argv: list[str]) -> list[str]:
    """Accept the documented ``--on-error quarantine FILE`` form (argparse
    cannot take one or two values depending on the first)."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        out.append(argv[i])
        if argv[i] == "--on-error" and argv[i + 1 : i + 2] == ["quarantine"]:
            out.append("quarantine")
            i += 2
            if i < len(argv) and not argv[i].startswith("-"):
                out += ["--quarantine", argv[i]]
                i += 1
            continue
        i += 1
    return out


def _reader_went_away() -> int:
    """The reader of stdout went away (`cleaner clean big.txt | head`): stop
    quietly, with the status a SIGPIPE death would give."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 141


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(_expand_on_error(list(sys.argv[1:] if argv is None else argv)))
    terminated: list[int] = []  # SIGTERM came (Ray turns the SystemExit raised inside its calls into its own)

    def on_sigterm(signum: int, frame: Any) -> None:
        terminated.append(signum)
        raise SystemExit(143)

    # SIGPIPE stays ignored (Python's default): with SIG_DFL a worker that
    # died would kill this process through the pool's pipe (exit 141); a
    # closed stdout is BrokenPipeError, handled below.
    if hasattr(signal, "SIGTERM"):
        # SIGTERM unwinds like Ctrl-C: temporary files are removed, nothing
        # half-written stays at an output path.
        signal.signal(signal.SIGTERM, on_sigterm)
    try:
        return int(args.func(args))
    except UsageError as exc:
        parser.print_usage(sys.stderr)
        print(f"cleaner: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except InputError as exc:
        print(f"cleaner: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except WorkerDied as exc:
        if not terminated:  # else the workers died of the same SIGTERM: below
            print(f"cleaner: error: {exc}", file=sys.stderr)
            return EXIT_INPUT
        print(_interrupted("terminated"), file=sys.stderr)
        raise SystemExit(143) from None
    except BrokenPipeError:
        return _reader_went_away()
    except StorageError as exc:
        if exc.broken_pipe and exc.path == "<stdout>":
            return _reader_went_away()
        print(f"cleaner: error: {exc}", file=sys.stderr)
        return EXIT_IO
    except OSError as exc:  # a system error no step named: still one line, not a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"cleaner: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_IO
    except KeyboardInterrupt:
        print(_interrupted("interrupted"), file=sys.stderr)
        return 130
    except SystemExit as exc:
        if exc.code == 143 or terminated:
            print(_interrupted("terminated"), file=sys.stderr)
            raise SystemExit(143) from None
        raise


if __name__ == "__main__":
    sys.exit(main())

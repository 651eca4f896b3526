"""The ``cleaner`` command: a thin layer over the library.

Exit codes: 0 success, 1 bad input (named file and line; nothing
half-written), 2 bad usage.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from . import __version__
from .config import Config, make_config
from .rules import RULES
from .runner import BadRecord, Document, Result, Stats, clean_documents, default_jobs, read_jsonl, read_text_file
from .textio import InputError, atomic_writer

EXAMPLES = """\
examples:
  cleaner clean scan.txt                       clean one file to stdout
  cleaner clean a.txt b.txt --output-dir out/  clean several files into out/
  cat page.txt | cleaner clean > clean.txt     as a step in a pipeline
  cleaner clean --jsonl --field content corpus.jsonl -o clean.jsonl --report edits.jsonl
  cleaner clean --disable paragraphs,dedup x.txt   skip some rules
  cleaner rules                                list the rules

Every change is recorded: --report writes each edit (rule, span in the
input, text before and after) as JSON Lines.
"""


class UsageError(Exception):
    pass


def _add_rule_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("rules")
    g.add_argument("--only", metavar="RULE,...", help="run only these rules (see `cleaner rules`)")
    g.add_argument("--disable", metavar="RULE,...", help="run the default rules except these")
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
    g.add_argument("--lexicon", metavar="FILE", help="domain terms, one per line, for the lexicon rule")


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
    c.add_argument("files", nargs="*", metavar="FILE", help="input files ('-' for stdin; default stdin)")
    out = c.add_mutually_exclusive_group()
    out.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    out.add_argument("--output-dir", metavar="DIR", help="write each input to DIR/<its name>")
    out.add_argument("--in-place", action="store_true", help="replace each input file (atomically)")
    c.add_argument("--jsonl", action="store_true", help="input is JSON Lines: clean one field of each record")
    c.add_argument("--field", default="text", metavar="NAME", help="the JSON Lines field to clean (default: text)")
    c.add_argument("--report", metavar="FILE", help="write every edit and suggestion as JSON Lines to FILE")
    c.add_argument("--encoding", metavar="ENC", help="input encoding (default: detect UTF-8, UTF-16/32 with BOM, GB18030, Big5)")
    c.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="worker processes (default 1; 0 = all cores)")
    c.add_argument(
        "--on-error",
        default="stop",
        metavar="stop|skip|quarantine",
        help="a bad JSON Lines record: stop (default; exit 1, no output), skip it and count it, "
        "or quarantine it (with --quarantine FILE)",
    )
    c.add_argument("--quarantine", metavar="FILE", help="with --on-error quarantine: where bad records go, with the reason")
    c.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no summary on stderr")
    _add_rule_options(c)
    c.set_defaults(func=cmd_clean)

    r = sub.add_parser("rules", help="list the rules, one line each")
    r.set_defaults(func=cmd_rules)
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


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


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
    if args.output_dir and "-" in files:
        raise UsageError("--output-dir needs files, not stdin")
    if args.output and len(files) > 1 and not args.jsonl:
        raise UsageError("several inputs: use --output-dir DIR (or --jsonl to concatenate records)")
    for target in (args.output, args.report, args.quarantine):
        if target and target != "-":
            for f in files:
                if f != "-" and _same_file(f, target):
                    raise UsageError(f"{target}: would overwrite the input {f}; choose another output (or --in-place)")
    if args.output_dir:
        for f in files:
            if _same_file(os.path.dirname(os.path.abspath(f)), args.output_dir):
                raise UsageError(f"--output-dir {args.output_dir} holds the input {f}: the output would overwrite it")
        names = [os.path.basename(f) for f in files]
        if len(set(names)) != len(names):
            raise UsageError("--output-dir: two inputs have the same file name")


def _read_bytes(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(name).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not a file") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None


def _open_lines(name: str) -> Iterator[bytes]:
    if name == "-":
        yield from sys.stdin.buffer
        return
    try:
        fh = open(name, "rb")
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not a file") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    with fh:
        yield from fh


class _Sink:
    """Where output goes: a file written atomically, or stdout spooled so that
    nothing is written when the run fails."""

    def __init__(self, target: str | None) -> None:
        self.target = target
        self._cm: contextlib.AbstractContextManager[IO[str]] | None = None
        self.fh: IO[str]

    def __enter__(self) -> _Sink:
        if self.target and self.target != "-":
            self._cm = atomic_writer(self.target)
            self.fh = self._cm.__enter__()
        else:
            self.fh = tempfile.SpooledTemporaryFile(max_size=64 << 20, mode="w+", encoding="utf-8", newline="")  # type: ignore[assignment]
        return self

    def __exit__(self, et: Any, ev: Any, tb: Any) -> None:
        if self._cm is not None:
            self._cm.__exit__(et, ev, tb)
            return
        try:
            if et is None:
                self.fh.seek(0)
                shutil.copyfileobj(self.fh, sys.stdout)
                sys.stdout.flush()
        finally:
            self.fh.close()


def _progress(enabled: bool, total: int | None = None) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True, leave=False)


def _write_report(report: IO[str] | None, r: Result) -> None:
    if report is None:
        return
    for e in r.edits:
        report.write(json.dumps({"document": r.document.id, **e.to_dict()}, ensure_ascii=False) + "\n")
    for s in r.suggestions:
        report.write(json.dumps({"document": r.document.id, **s.to_dict()}, ensure_ascii=False) + "\n")


def _jsonl_documents(
    files: Sequence[str], args: argparse.Namespace, stats: Stats, quarantine: IO[str] | None
) -> Iterator[Document]:
    for name in files:
        label = "<stdin>" if name == "-" else name
        for item in read_jsonl(_open_lines(name), label, args.field):
            if isinstance(item, BadRecord):
                if args.on_error == "stop":
                    raise InputError(f"{label}: line {item.line}: {item.reason}")
                stats.bad_records += 1
                if quarantine is not None:
                    raw = item.raw.decode("utf-8", errors="replace").rstrip("\r\n")
                    quarantine.write(json.dumps({"source": label, "line": item.line, "reason": item.reason, "raw": raw}, ensure_ascii=False) + "\n")
                continue
            stats.bytes_in += len(item.text.encode("utf-8", "surrogatepass"))
            yield item


def cmd_clean(args: argparse.Namespace) -> int:
    _check_usage(args)
    config = _config(args)
    files = args.files or ["-"]
    jobs = default_jobs() if args.jobs == 0 else args.jobs
    stats = Stats()
    show = not args.quiet and sys.stderr.isatty()
    bar = _progress(show)
    with contextlib.ExitStack() as stack:
        report = stack.enter_context(atomic_writer(args.report)) if args.report else None
        quarantine = stack.enter_context(atomic_writer(args.quarantine)) if args.quarantine else None
        if args.jsonl:
            sink = stack.enter_context(_Sink(args.output))
            docs = _jsonl_documents(files, args, stats, quarantine)
            for r in clean_documents(docs, config, jobs=jobs):
                sink.fh.write(json.dumps(r.output_record(), ensure_ascii=False) + "\n")
                _write_report(report, r)
                stats.add(r)
                if bar is not None:
                    bar.update(1)
        else:
            # Decode every input before writing anything: a bad file fails the
            # run with nothing half-written.
            documents = []
            for name in files:
                data = _read_bytes(name)
                stats.bytes_in += len(data)
                documents.append(read_text_file("<stdin>" if name == "-" else name, data, args.encoding))
            results = list(clean_documents(documents, config, jobs=jobs))
            if args.output_dir:
                Path(args.output_dir).mkdir(parents=True, exist_ok=True)
            # Write every output to a temporary file first, then rename all.
            if args.output_dir or args.in_place:
                for name, r in zip(files, results):
                    target = Path(args.output_dir) / Path(name).name if args.output_dir else Path(name)
                    with atomic_writer(target) as fh:
                        fh.write(r.text)
            else:
                sink = stack.enter_context(_Sink(args.output))
                for r in results:
                    sink.fh.write(r.text)
            for r in results:
                _write_report(report, r)
                stats.add(r)
                if bar is not None:
                    bar.update(1)
    if bar is not None:
        bar.close()
    if not args.quiet:
        print(stats.summary(), file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    try:
        return int(args.func(args))
    except UsageError as exc:
        parser.print_usage(sys.stderr)
        print(f"cleaner: error: {exc}", file=sys.stderr)
        return 2
    except InputError as exc:
        print(f"cleaner: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("cleaner: interrupted; no output was written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

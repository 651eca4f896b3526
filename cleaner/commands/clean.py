"""``cleaner clean`` (text files or JSON Lines, on this machine or on Ray);
it also registers ``cleaner rules`` (:mod:`cleaner.commands.rules`)."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from ..config import OPTIONS, Config, make_config
from ..errors import InputError, UsageError
from ..records import jsonl_lines, report_rows, text_documents
from ..registry import RULES
from ..runner import Stats, clean_documents, clean_line_runs
from ..textio import Outputs, Writable
from . import rules
from .rules import cmd_rules
from .settings import add_config_option
from .catalog import EXAMPLES, SUBCOMMANDS
from .common import (
    LineWriter,
    PerFile,
    Progress,
    Sink,
    add_engine_options,
    add_input_output,
    check_encoding,
    check_engine,
    check_jsonl_encoding,
    check_outputs,
    jobs_of,
    make_folder,
    ray_engine,
    text_lines,
)
from .formats import check_field, check_formats, clean_parquet, parquet_run, resolve_inputs
from .learn import KEEP_REPEATS_HELP, LEARN_HELP, with_learned_model

__all__ = ["EXAMPLES", "add_id_field", "add_parser", "add_parsers", "add_rule_options", "check_confusions", "check_id_field", "cmd_clean", "cmd_rules", "config_of"]

def add_rule_options(p: argparse.ArgumentParser) -> None:
    """One flag per :data:`cleaner.config.OPTIONS` entry that has one: the
    flag, help and choices are the config's own, so the two cannot drift."""
    g = p.add_argument_group("rules")
    for o in OPTIONS.values():
        if o.flag:
            one_of = o.choices if o.kind == "value" and o.choices else None
            g.add_argument(o.flag, dest=o.name, type=o.type, choices=one_of, metavar=o.metavar, help=o.help)


def add_id_field(p: argparse.ArgumentParser) -> None:
    """``--id-field`` (``cleaner clean`` and ``cleaner dedup``)."""
    p.add_argument(
        "--id-field",
        metavar="NAME",
        help="with --jsonl (or Parquet inputs): name each record by its own id in field (column) NAME, a string or an "
        "integer, in reports, clusters and notes, instead of FILE:LINE; a record without one is bad input "
        "(exit 1 naming its file and line)",
    )


def check_id_field(args: argparse.Namespace) -> None:
    """Usage errors of ``--id-field``: it needs ``--jsonl`` (or Parquet
    inputs), and names another field than ``--field``."""
    if args.id_field is None:
        return
    if not args.jsonl and not parquet_run(args.files):
        raise UsageError("--id-field names a field of JSON Lines records: add --jsonl (a text file is named by its path)")
    if not args.id_field:
        raise UsageError("--id-field needs the name of a field (for example --id-field id)")
    if args.id_field == args.field:
        raise UsageError(f"--id-field {args.id_field} is also --field, the text to clean: name the field holding each record's id")


def add_parsers(subparsers: Any) -> None:
    """Add the ``clean`` and ``rules`` subcommands to the ``cleaner`` parser."""
    add_parser(subparsers)
    rules.add_parser(subparsers)


def add_parser(subparsers: Any) -> None:
    """Add the ``clean`` subcommand to the ``cleaner`` parser."""
    c = subparsers.add_parser(
        "clean",
        help=SUBCOMMANDS["clean"].summary,
        description="Clean text: repair mojibake, script, width and punctuation, whitespace, "
        "broken paragraphs, repeated paragraphs and OCR typos. Reads stdin when no FILE or '-'.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_input_output(c, in_place=True, jsonl="clean one field of each record", field="the JSON Lines field to clean")
    add_id_field(c)
    add_config_option(c)
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
    c.add_argument("--learn", action="store_true", help=LEARN_HELP)
    c.add_argument("--keep-repeats", action="store_true", help=KEEP_REPEATS_HELP + " (with --learn)")
    add_engine_options(c)
    add_rule_options(c)
    c.set_defaults(func=cmd_clean)


def _lexicon(path: str) -> tuple[str, ...]:
    """The terms of a ``--lexicon`` file: one per line, blank lines and ``#`` comments left out."""
    return tuple(t.strip() for t in text_lines(path, "the lexicon") if t.strip() and not t.startswith("#"))


def _confusions(path: str) -> tuple[str, ...]:
    """The lines of a ``--confusions`` file, checked here so that a bad one
    is bad input naming the file and its line (exit 1), not a usage error."""
    from ..confusion import engine_pairs

    lines = text_lines(path, "confusions")
    try:
        engine_pairs(lines, name=path)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    return tuple(line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#"))


def _check_model(path: str) -> None:
    """:class:`InputError` unless ``path`` is a model ``cleaner learn``
    made.  The model is read here, once (it is cached for the run), so that
    a damaged file stops the command before any output is opened, with one
    line, not a traceback from the first document's typo rule."""
    from ..typos.charmodel import cached

    if not os.path.isfile(path):
        raise InputError(f"{path}: cannot read the model: no such file (make one with `cleaner learn CORPUS -o MODEL`)")
    try:
        cached(path)
    except ValueError as exc:
        raise InputError(str(exc)) from None


def config_of(args: argparse.Namespace) -> Config:
    """The configuration the rule options ask for; :class:`UsageError` when it is invalid."""
    options: dict[str, Any] = {}
    for o in OPTIONS.values():
        value = getattr(args, o.name, None)
        if not o.flag or value is None or value == "":
            continue
        if o.name == "confusions":
            value = _confusions(value)
        elif o.kind == "lines":
            value = _lexicon(value)
        elif o.name == "model":
            _check_model(value)
        options[o.name] = value
    try:
        return make_config(**options)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def check_confusions(args: argparse.Namespace) -> None:
    """:class:`UsageError` when ``--confusions`` comes without a model to read them (``--model``, or ``--learn`` where the command has it)."""
    if getattr(args, "confusions", None) and not (getattr(args, "model", None) or getattr(args, "learn", False)):
        raise UsageError("--confusions are read with a character model: add --model MODEL (from `cleaner learn`) or --learn")


def _check_usage(args: argparse.Namespace, files: Sequence[str]) -> int:
    """Usage errors of ``cleaner clean`` and outputs that would clash; returns the worker count."""
    jobs = jobs_of(args)
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
    if args.output and len(files) > 1 and not args.jsonl and not parquet_run(files):
        raise UsageError("several inputs: use --output-dir DIR (or --jsonl to concatenate records)")
    check_id_field(args)
    check_confusions(args)
    if args.keep_repeats and not args.learn:
        raise UsageError("--keep-repeats says how --learn learns: add --learn, or learn a model with `cleaner learn --keep-repeats` and give it to --model")
    if args.in_place and args.jsonl and args.on_error == "skip":
        raise UsageError("--in-place --on-error skip would delete the bad records from the input: use --on-error quarantine FILE")
    named = (("-o", args.output), ("--report", args.report), ("--quarantine", args.quarantine))
    check_outputs(files, named, args.output_dir, in_place=args.in_place, also_read=(args.lexicon, args.model, getattr(args, "confusions", None)), names=args.output_names)
    return jobs


def cmd_clean(args: argparse.Namespace) -> int:
    """Run ``cleaner clean``; returns the exit code."""
    files = resolve_inputs(args)
    parquet = check_formats(args, files)
    check_field(args, files)
    jobs = _check_usage(args, files)
    config = config_of(args)
    check_engine(args, files)
    if args.encoding:
        check_encoding(args.encoding)
    if args.jsonl and args.encoding:
        if args.engine == "ray":
            raise UsageError("--engine ray reads UTF-8 JSON Lines; drop --encoding or use --engine local")
        check_jsonl_encoding(args.encoding)
    if args.learn:  # after every usage check: learning reads the whole input once
        config = with_learned_model(args, files, config)
    stats = Stats()
    with Progress.of_inputs(files, quiet=args.quiet) as progress, contextlib.ExitStack() as stack:
        if args.engine == "ray":
            # Ray starts before any output file is opened: a start that is
            # interrupted (Ray has its own SIGTERM handlers then) leaves nothing.
            stack.enter_context(ray_engine().session(args.ray_address))
        # Every output is written to a temporary file and put in place
        # only when the whole run succeeds (see Outputs).
        outs = stack.enter_context(Outputs())
        report = outs.open(args.report) if args.report else None
        quarantine = outs.open(args.quarantine) if args.quarantine else None
        if args.output_dir:
            make_folder(args.output_dir)
        if parquet:  # its own outputs: tables, not lines
            clean_parquet(args, config, jobs, outs, report, stats, progress)
        elif args.jsonl:
            out = _outputs(args, files, outs, stack)
            _clean_records(args, files, config, jobs, LineWriter(out, report, quarantine, args.on_error, stats, progress))
        else:
            _clean_texts(args, files, config, jobs, _outputs(args, files, outs, stack), report, stats, progress)
    if not args.quiet:
        print(stats.summary(), file=sys.stderr)
    return 0


def _outputs(args: argparse.Namespace, files: Sequence[str], outs: Outputs, stack: contextlib.ExitStack) -> Callable[[str], Writable]:
    """Where the output of each source goes: its own file (``--output-dir``,
    ``--in-place``; finished when ``stack`` closes without an error) or the
    one output (``-o`` or stdout)."""
    if args.output_dir or args.in_place:
        return stack.enter_context(PerFile(outs, files, output_dir=args.output_dir, names=args.output_names))
    # With --on-error stop a bad record aborts the run, so stdout is
    # spooled until the end; skip/quarantine cannot abort: stream.
    sink = stack.enter_context(Sink(args.output, outs=outs, spool=args.on_error == "stop"))
    return lambda source: sink.fh


def _clean_records(args: argparse.Namespace, files: Sequence[str], config: Config, jobs: int, writer: LineWriter) -> None:
    """Clean JSON Lines records on the chosen engine, written in input order."""
    report = writer.report is not None
    if args.engine == "ray":
        cleaned = ray_engine().clean_jsonl_files(files, config, field=args.field, report=report, id_field=args.id_field)
    else:
        lines = jsonl_lines(files)
        cleaned = clean_line_runs(
            lines, config, field_name=args.field, report=report, jobs=jobs, encoding=args.encoding or "utf-8", id_field=args.id_field
        )
    for c in cleaned:
        writer.write(c)


def _clean_texts(
    args: argparse.Namespace,
    files: Sequence[str],
    config: Config,
    jobs: int,
    out: Callable[[str], Writable],
    report: Writable | None,
    stats: Stats,
    progress: Progress,
) -> None:
    """Clean text files, each one document, written to ``out(file)``."""
    for name, r in zip(files, clean_documents(text_documents(files, args.encoding), config, jobs=jobs)):
        out(name).write(r.text)
        if report is not None:
            report.write(report_rows(r))
        stats.add(r)
        progress.update(r.document.nbytes)

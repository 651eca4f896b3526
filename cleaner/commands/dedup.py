"""``cleaner dedup``: drop duplicate paragraphs (or documents) across a corpus.

Exit codes: 0 success, 1 bad input (the message names the file and line;
nothing is written and the index is left as it was), 2 bad usage, 74 a path
could not be written or read (the index included).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import sqlite3
import sys
import tempfile
from collections.abc import Iterator, Sequence
from typing import Any

from ..config import KEEP
from ..dedup.corpus import LEVELS, DedupOptions, DedupResult, dedup_corpus, document_spool, new_index_rows
from ..dedup.index import SeenIndex, index_params
from ..dedup.lsh import LSHParams
from ..errors import InputError, StorageError, UsageError
from ..records import BadRecord, Document, dedup_report_rows, json_line, read_jsonl, render_record, repeated_id_message, text_documents
from ..runner import Stats, counted
from ..textio import Outputs, Writable, read_lines
from ..parquet import is_parquet, parquet_documents
from .clean import add_id_field, check_id_field
from .settings import add_config_option
from .common import Sink, add_engine_options, add_input_output, check_encoding, check_engine, check_outputs, jobs_of, make_folder, ray_engine, under
from .formats import check_field, check_formats, emit_parquet, parquet_run, resolve_inputs
from .catalog import SUBCOMMANDS

__all__ = ["add_parser", "cmd_dedup"]

EXAMPLES = """\
examples:
  cleaner dedup a.txt b.txt --output-dir out/ --clusters clusters.jsonl
  cleaner dedup --jsonl --field content day1.jsonl -o day1.dedup.jsonl --index seen.db
  cleaner dedup --jsonl day2.jsonl -o day2.dedup.jsonl --index seen.db   drops what day 1 had
  cleaner dedup --level document --jsonl crawl.jsonl -o unique.jsonl
  cleaner dedup --jsonl --id-field url crawl.jsonl -o out.jsonl --clusters c.jsonl --drop-empty
                         clusters name records by url; a record left empty is dropped and reported
  cleaner dedup --engine ray --jsonl crawl.jsonl -o unique.jsonl --clusters c.jsonl   on Ray, same output
  cleaner dedup --config cleaner.toml a.txt b.txt --output-dir out/   options from a file (cleaner config --show)

Each dropped paragraph is listed in --clusters (with the kept member and the
pairwise similarity scores) and in --report (its span, text and reason).

exit codes: 0 success; 1 bad input (nothing is written, the index is unchanged);
2 bad usage; 74 a path could not be written or read (disk full, read-only, no
such folder, a damaged index); 130 Ctrl-C; 143 SIGTERM.
"""


def add_parser(subparsers: Any) -> None:
    """Add the ``dedup`` subcommand to the ``cleaner`` parser."""
    d = subparsers.add_parser(
        "dedup",
        help=SUBCOMMANDS["dedup"].summary,
        description="Find exact and near-duplicate paragraphs across a corpus (MinHash LSH candidates, "
        "verified with rapidfuzz on a folded key) and write the corpus without them. Reads stdin when no FILE.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_input_output(d, in_place=False, jsonl="one document per record", field="the JSON Lines field holding the text")
    add_id_field(d)
    add_config_option(d)
    d.add_argument(
        "--level",
        choices=LEVELS,
        default="paragraph",
        help="drop duplicate paragraphs (default) or whole documents (a dropped text file is not written; a dropped record is left out)",
    )
    d.add_argument("--clusters", metavar="FILE", help="write every duplicate cluster (members, kept member, pairwise scores) as JSON Lines")
    d.add_argument("--report", metavar="FILE", help="write every dropped paragraph (span, text, what it duplicates) as JSON Lines")
    d.add_argument("--index", metavar="PATH", help="SQLite index of earlier runs: drop what they kept, then add this run's kept paragraphs")
    d.add_argument(
        "--dedup-threshold",
        dest="dedup_threshold",
        type=float,
        default=90.0,
        metavar="RATIO",
        help="rapidfuzz ratio (0-100) on the folded key at which units are duplicates (default 90); the same flag as cleaner clean's",
    )
    # the old name, still read; not shown, so that both commands teach one name
    d.add_argument("--threshold", dest="dedup_threshold", type=float, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    d.add_argument(
        "--drop-empty",
        action="store_true",
        help="leave out a record (or text file) that loses every paragraph; each one is reported "
        "(--report, and counted in the summary), never dropped silently",
    )
    d.add_argument("--min-chars", dest="dedup_min_chars", type=int, default=12, metavar="N", help="units with fewer key characters are left alone (default 12)")
    d.add_argument("--keep", dest="dedup_keep", choices=KEEP, default="first", help="which member of a cluster stays (default first)")
    d.add_argument("--same-numbers", action="store_true", help="also require the same numbers in both units")
    d.add_argument("--encoding", metavar="ENC", help="input encoding of text files (default: detect)")
    d.add_argument("--jobs", "-j", type=int, default=0, metavar="N", help="worker processes (default 0: all cores); the result does not depend on it")
    d.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no summary on stderr")
    add_engine_options(d)
    d.set_defaults(func=cmd_dedup)


def _options(args: argparse.Namespace, files: Sequence[str]) -> DedupOptions:
    """The checked options; :class:`UsageError` (exit 2) otherwise."""
    jobs = jobs_of(args)
    if args.output_dir and args.jsonl:
        raise UsageError("--output-dir is for text files; JSON Lines go to one output (-o FILE or stdout)")
    if args.output_dir and "-" in files:
        raise UsageError("--output-dir needs files, not stdin")
    if not args.jsonl and len(files) > 1 and not args.output_dir and not parquet_run(files):
        raise UsageError("several text files: use --output-dir DIR (or --jsonl)")
    if files.count("-") > 1:
        raise UsageError("stdin ('-') can be read once")
    if args.engine == "ray" and args.index:
        raise UsageError("--index is a SQLite file on this machine: use it with --engine local")
    check_id_field(args)
    if args.drop_empty and args.level == "document":
        raise UsageError("--drop-empty is for --level paragraph: at --level document a duplicate record is dropped whole already")
    named = (("-o", args.output), ("--report", args.report), ("--clusters", args.clusters), ("--index", args.index))
    check_outputs(files, named, args.output_dir, names=args.output_names)
    try:
        return DedupOptions(
            level=args.level,
            dedup_threshold=args.dedup_threshold,
            dedup_min_chars=args.dedup_min_chars,
            dedup_keep=args.dedup_keep,
            numbers=args.same_numbers,
            params=index_params(args.index, default=LSHParams()) if args.index else LSHParams(),
            jobs=jobs,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _fingerprint(doc: Document) -> bytes:
    """What tells a document from a changed one on the second reading."""
    return hashlib.blake2b(f"{doc.id}\0{doc.text}".encode("utf-8", "surrogatepass"), digest_size=8).digest()


def _documents(files: Sequence[str], args: argparse.Namespace, stats: Stats) -> Iterator[Document]:
    """The documents of ``files``: one per JSON Lines record (a bad record is
    bad input) or per text file; their bytes are counted in ``stats.bytes_in``."""
    for name in files:
        label = "<stdin>" if name == "-" else name
        if args.jsonl:
            for item in read_jsonl(read_lines(name), label, args.field, id_field=getattr(args, "id_field", None)):
                if isinstance(item, BadRecord):
                    raise InputError(f"{label}: line {item.line}: {item.reason}")
                stats.bytes_in += len(item.text.encode("utf-8", "surrogatepass"))
                yield item
        elif is_parquet(name):
            for doc in parquet_documents([name], args.field, id_field=args.id_field):
                stats.bytes_in += doc.nbytes
                yield doc
        else:
            for doc in text_documents([name], args.encoding):
                stats.bytes_in += doc.nbytes
                yield doc


def _named_documents(files: Sequence[str], args: argparse.Namespace, stats: Stats) -> Iterator[tuple[str, Document]]:
    """The documents of each file; with ``--id-field`` an id used twice is bad input."""
    first: dict[str, str] = {}
    for name in files:
        for doc in _documents([name], args, stats):
            if args.id_field is not None:
                where = first.setdefault(doc.id, doc.where)
                if where != doc.where:
                    unit = "row" if is_parquet(doc.where.rpartition(":")[0]) else "line"
                    raise InputError(repeated_id_message(doc.where, doc.id, args.id_field, where, unit=unit))
            yield name, doc


def _documents_again(files: Sequence[str], args: argparse.Namespace, spooled: Iterator[Document], prints: Sequence[bytes]) -> Iterator[Document]:
    """The documents of the first pass, in the same order: standard input's
    from the spool (all of them at its first ``-``: a second ``-`` read
    nothing), the files' read again; a file whose documents differ from the
    first reading is bad input (it changed during the run)."""
    unused = Stats()
    i = 0
    for name in files:
        docs = spooled if name == "-" else _documents([name], args, unused)
        for doc in docs:
            if i >= len(prints) or _fingerprint(doc) != prints[i]:
                raise InputError(f"{name}: changed while cleaner dedup was running; run it again on a file nothing writes to")
            yield doc
            i += 1
    if i != len(prints):
        raise InputError("an input changed while cleaner dedup was running (fewer documents on the second reading); run it again")


def _progress(enabled: bool) -> Any:
    """A bar of documents read on stderr, or None."""
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(unit="doc", file=sys.stderr, dynamic_ncols=True, leave=False, desc="dedup")


def cmd_dedup(args: argparse.Namespace) -> int:
    """Run ``cleaner dedup``; returns the exit code."""
    files = resolve_inputs(args)
    check_formats(args, files)
    check_field(args, files)
    options = _options(args, files)
    check_engine(args, files)
    if args.encoding:
        check_encoding(args.encoding)
    if args.engine == "ray":
        return _dedup_on_ray(args, options, files)
    try:
        return _dedup_local(args, options, files)
    except sqlite3.Error as exc:  # the index file: unreadable, damaged, on a full disk
        raise StorageError(args.index or "--index", str(exc), doing="index failed") from None


def _temporary_folder(args: argparse.Namespace) -> str | None:
    """A folder for temporary files: beside the output when writable, else None (the system's)."""
    if not (args.output or args.output_dir):
        return None
    folder = os.path.dirname(os.path.abspath(args.output or args.output_dir))
    return folder if os.access(folder, os.W_OK) else None


def _dedup_local(args: argparse.Namespace, options: DedupOptions, files: Sequence[str]) -> int:
    stats = Stats()
    bar = _progress(not args.quiet and sys.stderr.isatty())
    with contextlib.ExitStack() as stack:
        workdir = stack.enter_context(tempfile.TemporaryDirectory(prefix="cleaner-dedup-", dir=_temporary_folder(args)))
        # Only standard input is kept for the output phase (it cannot be read
        # twice); named files are read again, with a fingerprint of each
        # document to catch a file that changed in between (issue 11.20: a
        # pickled copy of the whole corpus took as much disk as the corpus).
        write_doc, read_back = stack.enter_context(document_spool(workdir))
        index = stack.enter_context(SeenIndex(args.index, params=options.params)) if args.index else None
        prints: list[bytes] = []

        def streamed() -> Iterator[tuple[str, str]]:
            for i, (name, doc) in enumerate(_named_documents(files, args, stats)):
                if name == "-":
                    write_doc(i, doc)
                prints.append(_fingerprint(doc))
                yield doc.id, doc.text

        res = dedup_corpus(streamed(), options=options, index=index, workdir=workdir, progress=bar.update if bar is not None else None)
        stack.callback(res.close)
        if bar is not None:
            bar.close()
        try:
            # every output goes to a temporary file, all put in place at the end
            with Outputs() as outs, contextlib.ExitStack() as sinks:
                report = outs.open(args.report) if args.report else None
                clusters = outs.open(args.clusters) if args.clusters else None
                emptied = _emit(res, _documents_again(files, args, read_back(), prints), args, outs, sinks, report)
                n_clusters = 0
                if clusters is not None:
                    for c in res.clusters():
                        clusters.write(json_line(c))
                        n_clusters += 1
                if index is not None:
                    index.begin_run()
                    rows, hashes, bands = new_index_rows(res)
                    index.add(rows, hashes, bands, options.level)
            # every output is in place: the run counts
            if index is not None:
                index.finish_run()
        except BaseException:
            if index is not None:
                index.abandon_run()
            raise
    if not args.quiet:
        dropped = int((res.ref != -1).sum())
        from_index = int((res.ref <= -2).sum())
        _summary(args, res.doc_first.size - 1, res.units, stats.bytes_in, dropped, from_index, res.candidates, n_clusters, emptied)
    return 0


def _summary(
    args: argparse.Namespace,
    documents: int,
    units: int,
    bytes_in: int,
    dropped: int,
    from_index: int,
    candidates: int,
    clusters: int,
    emptied: int = 0,
) -> None:
    print(
        f"cleaner dedup: {counted(documents, 'document')}, {counted(units, args.level)}, {counted(bytes_in, 'byte')} in; "
        f"{dropped} dropped ({from_index} seen in the index); {counted(candidates, 'candidate pair')} verified"
        + (f"; {counted(clusters, 'cluster')}" if args.clusters else "")
        + (f"; {counted(emptied, 'document')} left empty and dropped (--drop-empty)" if args.drop_empty else ""),
        file=sys.stderr,
    )


def _dedup_on_ray(args: argparse.Namespace, options: DedupOptions, files: Sequence[str]) -> int:
    """``--engine ray``: matched by Ray workers, written here by the same
    writers as the local path (atomic files, report and clusters in order)."""
    engine = ray_engine()
    with engine.session(args.ray_address):
        run = engine.dedup_jsonl_files(files, options, field=args.field, id_field=args.id_field, report=bool(args.report))
        n_clusters = emptied = 0
        with Outputs() as outs, contextlib.ExitStack() as sinks:
            report = outs.open(args.report) if args.report else None
            clusters = outs.open(args.clusters) if args.clusters else None
            sink = sinks.enter_context(Sink(args.output, outs=outs))
            for out, rows, empty in run.records():
                if args.drop_empty and out is not None and empty is not None:
                    out, rows = None, rows + _emptied_row(empty)
                    emptied += 1
                if report is not None:
                    report.write(rows)
                if out is not None:
                    sink.fh.write(out)
            if clusters is not None:
                for line in run.cluster_lines():
                    clusters.write(line)
                    n_clusters += 1
        if not args.quiet:
            _summary(args, run.documents, run.units, run.bytes_in, run.dropped, 0, run.candidates, n_clusters, emptied)
    return 0


#: the report row's reason for a document that ``--drop-empty`` leaves out
EMPTIED = "every paragraph was a duplicate: the document is left out (--drop-empty)"


def _emptied_row(doc_id: str) -> str:
    """The report row of a document ``--drop-empty`` leaves out (both engines)."""
    return json_line({"document": doc_id, "rule": "dedup", "level": "document", "dropped": "empty", "note": EMPTIED})


def _emptied(res: DedupResult, d: int, doc: Document) -> bool:
    """Document ``d`` lost paragraphs and nothing but whitespace is left."""
    return bool(res.drops(d)) and not (res.output(d, doc.text) or "").strip()


def _decided(
    res: DedupResult, docs: Iterator[Document], args: argparse.Namespace, report: Writable | None, emptied: list[int]
) -> Iterator[tuple[Document, str | None]]:
    """Each document with its output (a JSON Lines row, what is left of a
    text or Parquet row, or None when it goes: the whole document is a
    duplicate, or ``--drop-empty`` leaves it out and counts it in
    ``emptied[0]``), its report rows written to ``report``."""
    for d, doc in enumerate(docs):
        if args.jsonl:
            out, rows = render_record(res, d, doc, report=report is not None)
        else:
            out = res.output(d, doc.text)
            rows = dedup_report_rows(res, d, doc) if report is not None else ""
        if args.drop_empty and out is not None and _emptied(res, d, doc):
            out = None
            emptied[0] += 1
            rows += _emptied_row(doc.id)
        if report is not None:
            report.write(rows)
        yield doc, out


def _emit(res: DedupResult, docs: Iterator[Document], args: argparse.Namespace, outs: Outputs, sinks: contextlib.ExitStack, report: Writable | None) -> int:
    """Write what is left of each document (a record, a Parquet row, or a
    text file into ``--output-dir`` or the one output) and its report rows;
    a document that loses everything is not written (at ``--level
    paragraph``, with ``--drop-empty``: then it has a report row of its
    own).  Returns the number of documents ``--drop-empty`` left out."""
    emptied = [0]
    decided = _decided(res, docs, args, report, emptied)
    if parquet_run(args.files):  # tables, not lines
        emit_parquet(decided, args, outs)
        return emptied[0]
    sink = None
    if not args.output_dir:
        sink = sinks.enter_context(Sink(args.output, outs=outs))
    else:
        make_folder(args.output_dir)
    for doc, out in decided:
        if out is None:
            continue
        if sink is not None:
            sink.fh.write(out)
        else:
            target = under(args.output_dir, doc.id, args.output_names)
            outs.make_folders(os.path.dirname(target))
            outs.write_file(target, out)
    return emptied[0]

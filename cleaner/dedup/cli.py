"""``cleaner dedup``: drop duplicate paragraphs (or documents) across a corpus.

Exit codes: 0 success, 1 bad input (the message names the file and line;
nothing is written and the index is left as it was), 2 bad usage, 74 a path
could not be written or read (the index included).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sqlite3
import sys
import tempfile
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from ..runner import BadRecord, Document, Stats, check_encoding, default_jobs, json_line, read_jsonl, read_text_file, record_line
from ..errors import StorageError
from ..textio import InputError, Outputs, Writable, read_bytes, read_lines
from .corpus import LEVELS, DedupOptions, DedupResult, dedup_corpus, document_spool, new_index_rows
from .index import SeenIndex
from .lsh import LSHParams

__all__ = ["add_parser", "cmd_dedup", "render_record"]

EXAMPLES = """\
examples:
  cleaner dedup a.txt b.txt --output-dir out/ --clusters clusters.jsonl
  cleaner dedup --jsonl --field content day1.jsonl -o day1.dedup.jsonl --index seen.db
  cleaner dedup --jsonl day2.jsonl -o day2.dedup.jsonl --index seen.db   drops what day 1 had
  cleaner dedup --level document --jsonl crawl.jsonl -o unique.jsonl
  cleaner dedup --engine ray --jsonl crawl.jsonl -o unique.jsonl --clusters c.jsonl   on Ray, same output

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
        help="drop duplicate paragraphs (or documents) across many files or JSON Lines",
        description="Find exact and near-duplicate paragraphs across a corpus (MinHash LSH candidates, "
        "verified with rapidfuzz on a folded key) and write the corpus without them. Reads stdin when no FILE.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from ..cli import add_input_output

    add_input_output(d, in_place=False, jsonl="one document per record", field="the JSON Lines field holding the text")
    d.add_argument(
        "--level",
        choices=LEVELS,
        default="paragraph",
        help="drop duplicate paragraphs (default) or whole documents (a dropped text file is not written; a dropped record is left out)",
    )
    d.add_argument("--clusters", metavar="FILE", help="write every duplicate cluster (members, kept member, pairwise scores) as JSON Lines")
    d.add_argument("--report", metavar="FILE", help="write every dropped paragraph (span, text, what it duplicates) as JSON Lines")
    d.add_argument("--index", metavar="PATH", help="SQLite index of earlier runs: drop what they kept, then add this run's kept paragraphs")
    d.add_argument("--threshold", type=float, default=90.0, metavar="RATIO", help="rapidfuzz ratio (0-100) on the folded key at which units are duplicates (default 90)")
    d.add_argument("--min-chars", type=int, default=12, metavar="N", help="units with fewer key characters are left alone (default 12)")
    d.add_argument("--keep", choices=["first", "longest"], default="first", help="which member of a cluster stays (default first)")
    d.add_argument("--same-numbers", action="store_true", help="also require the same numbers in both units")
    d.add_argument("--encoding", metavar="ENC", help="input encoding of text files (default: detect)")
    d.add_argument("--jobs", "-j", type=int, default=0, metavar="N", help="worker processes (default 0: all cores); the result does not depend on it")
    d.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no summary on stderr")
    from ..cli import add_engine_options

    add_engine_options(d)
    d.set_defaults(func=cmd_dedup, dedup_parser=d)


def _usage(args: argparse.Namespace) -> DedupOptions:
    """The checked options; :class:`cleaner.errors.UsageError` (exit 2) otherwise."""
    return _check(args)


def _check(args: argparse.Namespace) -> DedupOptions:
    from ..cli import check_outputs
    from ..errors import UsageError

    files = args.files or ["-"]
    if args.jobs < 0:
        raise UsageError("--jobs must be 0 (all cores) or more")
    if args.output_dir and args.jsonl:
        raise UsageError("--output-dir is for text files; JSON Lines go to one output (-o FILE or stdout)")
    if args.output_dir and "-" in files:
        raise UsageError("--output-dir needs files, not stdin")
    if not args.jsonl and len(files) > 1 and not args.output_dir:
        raise UsageError("several text files: use --output-dir DIR (or --jsonl)")
    if files.count("-") > 1:
        raise UsageError("stdin ('-') can be read once")
    if args.engine == "ray" and args.index:
        raise UsageError("--index is a SQLite file on this machine: use it with --engine local")
    check_outputs(files, (("-o", args.output), ("--report", args.report), ("--clusters", args.clusters), ("--index", args.index)), args.output_dir)
    try:
        return DedupOptions(
            level=args.level,
            threshold=args.threshold,
            min_chars=args.min_chars,
            keep=args.keep,
            numbers=args.same_numbers,
            params=LSHParams(),
            jobs=default_jobs() if args.jobs == 0 else args.jobs,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _fingerprint(doc: Document) -> bytes:
    import hashlib

    return hashlib.blake2b(f"{doc.id}\0{doc.text}".encode("utf-8", "surrogatepass"), digest_size=8).digest()


def _named_documents(files: Sequence[str], args: argparse.Namespace, stats: Stats) -> Iterator[tuple[str, Document]]:
    for name in files:
        for doc in _documents([name], args, stats):
            yield name, doc


def _documents_again(
    files: Sequence[str], args: argparse.Namespace, spooled: Iterator[Document], prints: Sequence[bytes]
) -> Iterator[Document]:
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


def _documents(files: Sequence[str], args: argparse.Namespace, stats: Stats) -> Iterator[Document]:
    for name in files:
        label = "<stdin>" if name == "-" else name
        if args.jsonl:
            for item in read_jsonl(read_lines(name), label, args.field):
                if isinstance(item, BadRecord):
                    raise InputError(f"{label}: line {item.line}: {item.reason}")
                stats.bytes_in += len(item.text.encode("utf-8", "surrogatepass"))
                yield item
        else:
            data = read_bytes(name)
            stats.bytes_in += len(data)
            yield read_text_file(label, data, args.encoding)


def _progress(enabled: bool) -> Any:
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(unit="doc", file=sys.stderr, dynamic_ncols=True, leave=False, desc="dedup")


def cmd_dedup(args: argparse.Namespace) -> int:
    """Run ``cleaner dedup``; returns the exit code."""
    from ..cli import check_engine

    options = _usage(args)
    files = args.files or ["-"]
    check_engine(args, files)
    if args.encoding:
        check_encoding(args.encoding)
    if args.engine == "ray":
        return _dedup_on_ray(args, options, files)
    try:
        return _dedup_local(args, options, files)
    except sqlite3.Error as exc:  # the index file: unreadable, damaged, on a full disk
        raise StorageError(args.index or "--index", str(exc), doing="index failed") from None


def _dedup_local(args: argparse.Namespace, options: DedupOptions, files: Sequence[str]) -> int:
    stats = Stats()
    bar = _progress(not args.quiet and sys.stderr.isatty())
    workdir_base = os.path.dirname(os.path.abspath(args.output or args.output_dir or ".")) if (args.output or args.output_dir) else None
    with contextlib.ExitStack() as stack:
        workdir = stack.enter_context(tempfile.TemporaryDirectory(prefix="cleaner-dedup-", dir=_usable(workdir_base)))
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
                _emit(res, _documents_again(files, args, read_back(), prints), args, outs, sinks, report, stats)
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
        _summary(args, res.doc_first.size - 1, res.units, stats.bytes_in, dropped, from_index, res.candidates, n_clusters)
    return 0


def _summary(args: argparse.Namespace, documents: int, units: int, bytes_in: int, dropped: int, from_index: int, candidates: int, clusters: int) -> None:
    print(
        f"cleaner dedup: {documents} documents, {units} {args.level}s, {bytes_in} bytes in; "
        f"{dropped} dropped ({from_index} seen in the index); {candidates} candidate pairs verified"
        + (f"; {clusters} clusters" if args.clusters else ""),
        file=sys.stderr,
    )


def _dedup_on_ray(args: argparse.Namespace, options: DedupOptions, files: Sequence[str]) -> int:
    """``--engine ray``: matched by Ray workers, written here by the same
    writers as the local path (atomic files, report and clusters in order)."""
    from .. import ray as ray_engine
    from ..cli import _Sink

    with ray_engine.session(args.ray_address):
        run = ray_engine.dedup_jsonl_files(files, options, field=args.field, report=bool(args.report))
        n_clusters = 0
        with Outputs() as outs, contextlib.ExitStack() as sinks:
            report = outs.open(args.report) if args.report else None
            clusters = outs.open(args.clusters) if args.clusters else None
            sink = sinks.enter_context(_Sink(args.output, outs=outs))
            for out, rows in run.records():
                if report is not None:
                    report.write(rows)
                if out is not None:
                    sink.fh.write(out)
            if clusters is not None:
                for line in run.cluster_lines():
                    clusters.write(line)
                    n_clusters += 1
        if not args.quiet:
            _summary(args, run.documents, run.units, run.bytes_in, run.dropped, 0, run.candidates, n_clusters)
    return 0


def _usable(path: str | None) -> str | None:
    """A folder for temporary files: beside the output when writable, else the default."""
    if path and os.access(path, os.W_OK):
        return path
    return None


def _emit(
    res: DedupResult, docs: Iterator[Document], args: argparse.Namespace, outs: Outputs, sinks: contextlib.ExitStack, report: Writable | None, stats: Stats
) -> None:
    from ..cli import _make_folder, _Sink

    sink = None
    if not args.output_dir:
        sink = sinks.enter_context(_Sink(args.output, outs=outs))
    else:
        _make_folder(args.output_dir)
    for d, doc in enumerate(docs):
        stats.documents += 1
        stats.chars_in += len(doc.text)
        if args.jsonl:
            assert sink is not None
            line, rows = render_record(res, d, doc, report=report is not None)
            if report is not None:
                report.write(rows)
            if line is None:
                stats.edits["dedup"] += 1
                continue
            sink.fh.write(line)
            continue
        out = res.output(d, doc.text)
        if report is not None:
            _report(res, d, doc, report)
        if out is None:
            stats.edits["dedup"] += 1
            continue
        stats.chars_out += len(out)
        if args.output_dir:
            outs.write_file(os.path.join(args.output_dir, os.path.basename(doc.id)), out)
        else:
            assert sink is not None
            sink.fh.write(out)


def render_record(res: DedupResult | None, d: int, doc: Document, *, report: bool) -> tuple[str | None, str]:
    """A JSON Lines record after dedup, as both engines write it: its output
    row (None when the whole record goes) and its report rows.  ``res`` is
    None for a document that loses nothing."""
    rows = ""
    if res is None:
        out: str | None = doc.text
    else:
        out = res.output(d, doc.text)
        if report:
            buf = io.StringIO()
            _report(res, d, doc, buf)
            rows = buf.getvalue()
    if out is None:
        return None, rows
    # the input line, byte for byte when nothing was dropped; else only the
    # field's value changes (issue 11.17)
    return record_line(doc, out), rows


def _report(res: DedupResult, d: int, doc: Document, report: Writable) -> None:
    drops = res.drops(d)
    if not drops:
        return
    if res.options.level == "document":
        r, s = next(iter(drops.values()))  # a document is one unit
        rdoc, _, rrun = res._name(r)
        row: dict[str, Any] = {"document": doc.id, "rule": "dedup", "level": "document", "score": round(s, 4), "ref_document": rdoc}
        if rrun is not None:
            row["ref_run"] = rrun
        report.write(json_line(row))
        return
    by_para = {p: r for p, (r, _) in drops.items()}
    first = int(res.doc_first[d])
    starts = res.start[first : int(res.doc_first[d + 1])]
    for e in res.edits(d, doc.text):
        row = {"document": doc.id, **e.to_dict()}
        # the paragraph this edit drops: the one that starts inside it
        p = int(res.para[first + int(np.searchsorted(starts, e.start))])
        if p not in by_para:  # the edit began with the separator before it
            p = int(res.para[first + int(np.searchsorted(starts, e.start, side="right"))])
        rdoc, rpara, rrun = res._name(by_para[p])
        row["paragraph"] = p
        row["ref_document"] = rdoc
        row["ref_paragraph"] = rpara
        if rrun is not None:
            row["ref_run"] = rrun
        report.write(json_line(row))

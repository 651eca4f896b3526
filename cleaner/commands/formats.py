"""What both commands read and write beyond plain files: folders as inputs
(their outputs mirroring the tree), and Parquet tables in and out.

Compressed files (``.gz``, ``.bz2``, ``.zst``) need nothing here: reading
and writing choose by extension (:mod:`cleaner.compression`).
"""

from __future__ import annotations

import argparse
import contextlib
import fnmatch
import os
from collections.abc import Generator, Iterable, Mapping, Sequence
from typing import Any

from ..compression import compression_of
from ..config import Config
from ..errors import InputError, UsageError
from ..parquet import ParquetInput, ParquetOutput, is_parquet, parquet_documents, require_pyarrow, write_rows
from ..records import Document, report_rows
from ..runner import Stats, clean_documents
from ..textio import OutputFile, Outputs, Writable
from .common import DEFAULT_FIELD, Progress, under

__all__ = ["ParquetSinks", "check_field", "check_formats", "clean_parquet", "emit_parquet", "folder_files", "mirrored_names", "parquet_run", "resolve_inputs"]


# -- folders ----------------------------------------------------------------------


def folder_files(folder: str, pattern: str | None = None, *, skip: str | None = None) -> list[str]:
    """The files below ``folder`` whose name matches ``pattern`` (every file
    when None), in sorted path order; hidden files and folders (``.name``),
    links to folders and the folder ``skip`` (the output folder) are left out.
    :class:`InputError` when a folder cannot be read."""

    def refuse(exc: OSError) -> None:
        raise InputError(f"{exc.filename}: cannot read this folder: {exc.strerror}")

    skipped = os.path.realpath(skip) if skip else None
    found: list[tuple[tuple[str, ...], str]] = []
    for top, dirs, names in os.walk(folder, onerror=refuse):
        dirs[:] = [d for d in dirs if not d.startswith(".") and os.path.realpath(os.path.join(top, d)) != skipped]
        for name in names:
            path = os.path.join(top, name)
            if name.startswith(".") or not os.path.isfile(path):
                continue
            if pattern is None or fnmatch.fnmatchcase(name, pattern):
                found.append((tuple(os.path.relpath(path, folder).split(os.sep)), path))
    return [path for _, path in sorted(found)]


def mirrored_names(files: Sequence[str], roots: Sequence[str]) -> dict[str, str]:
    """Where each file goes below an output folder: its path below the
    folder all ``roots`` share (a file's root is its folder, a folder
    input's root the folder itself), so that the tree is mirrored and two
    files of the same name in different folders stay apart.

    >>> mirrored_names(["a/x.txt", "b/x.txt"], ["a", "b"])
    {'a/x.txt': 'a/x.txt', 'b/x.txt': 'b/x.txt'}
    >>> mirrored_names(["corpus/2021/x.txt", "y.txt"], ["corpus", ""])
    {'corpus/2021/x.txt': 'corpus/2021/x.txt', 'y.txt': 'y.txt'}
    >>> mirrored_names(["corpus/2021/x.txt"], ["corpus"])
    {'corpus/2021/x.txt': '2021/x.txt'}
    """
    pairs = [(f, os.path.abspath(r or ".")) for f, r in zip(files, roots) if f != "-"]
    if not pairs:
        return {}
    base = os.path.commonpath([r for _, r in pairs])
    return {f: os.path.relpath(os.path.abspath(f), base) for f, _ in pairs}


def resolve_inputs(args: argparse.Namespace) -> list[str]:
    """The input files of a run: each FILE, and the files in each folder
    given (see :func:`folder_files`, ``--glob``); ``args.files`` becomes that
    list and ``args.output_names`` where each goes below ``--output-dir``
    (:func:`mirrored_names`).  :class:`InputError` for a folder without a
    matching file."""
    files: list[str] = []
    roots: list[str] = []
    for given in args.files or ["-"]:
        if given != "-" and os.path.isdir(given):
            found = folder_files(given, args.glob, skip=args.output_dir)
            if not found:
                what = f"whose name matches {args.glob!r} (--glob)" if args.glob else "(hidden ones are left out)"
                raise InputError(f"{given}: no file in this folder {what}")
            files += found
            roots += [given] * len(found)
        else:
            files.append(given)
            roots.append(os.path.dirname(given))
    args.files = files
    args.output_names = mirrored_names(files, roots)
    return files


# -- which format -------------------------------------------------------------------


def parquet_run(files: Sequence[str]) -> bool:
    """Whether the run reads Parquet (:func:`check_formats` made sure that all inputs are, or none)."""
    return bool(files) and is_parquet(files[0])


def check_field(args: argparse.Namespace, files: Sequence[str]) -> None:
    """``--field`` names a field of JSON Lines records (``--jsonl``) or a
    Parquet column: given for text files, which are read whole, it would be
    ignored (and ``cleaner clean`` would clean every field of a JSON Lines
    file read as text), so it is a usage error; not given, it is
    :data:`DEFAULT_FIELD`.  No inputs (``cleaner review --report``): no
    error.

    >>> args = argparse.Namespace(field=None, jsonl=False)
    >>> check_field(args, ["a.txt"]); args.field
    'text'
    >>> check_field(argparse.Namespace(field="content", jsonl=False), ["a.jsonl"])
    Traceback (most recent call last):
    ...
    cleaner.errors.UsageError: --field content names a field of JSON Lines records: add --jsonl (a text file is read whole)
    """
    if args.field is None:
        args.field = DEFAULT_FIELD
    elif files and not args.jsonl and not any(is_parquet(f) for f in files):
        raise UsageError(f"--field {args.field} names a field of JSON Lines records: add --jsonl (a text file is read whole)")


def _parquet_outputs(args: argparse.Namespace) -> None:
    """Usage errors of the outputs of a Parquet run."""
    if args.jsonl:
        raise UsageError("--jsonl reads JSON Lines; Parquet files are read as tables (by their extension): drop --jsonl")
    if args.encoding:
        raise UsageError("--encoding applies to text and JSON Lines; Parquet strings are UTF-8: drop --encoding")
    if not (args.output and args.output != "-") and not args.output_dir and not getattr(args, "in_place", False):
        raise UsageError("Parquet output goes to files, not stdout: give -o FILE.parquet or --output-dir DIR")
    if args.output and not is_parquet(args.output):
        raise UsageError(f"-o {args.output}: Parquet input is written as Parquet: name the output FILE.parquet")
    try:
        require_pyarrow()
    except ImportError as exc:
        raise UsageError(str(exc)) from None


def check_formats(args: argparse.Namespace, files: Sequence[str]) -> bool:
    """Usage errors of the formats of a run (Parquet with other inputs,
    compressed Parquet, Parquet output from other inputs...); returns whether
    it reads Parquet."""
    for f in files:
        kind = compression_of(f)
        if kind and is_parquet(f[: f.rfind(".")]):
            raise UsageError(f"{f}: Parquet compresses its own columns; decompress the file and pass the .parquet")
    kinds = {is_parquet(f) for f in files}
    if len(kinds) > 1:
        raise UsageError("Parquet files and other inputs in one run: run them separately (or use --glob '*.parquet')")
    if True in kinds:
        _parquet_outputs(args)
        return True
    if args.output and is_parquet(args.output):
        raise UsageError(f"-o {args.output}: Parquet output needs Parquet input (this run reads {'JSON Lines' if args.jsonl else 'text'})")
    return False


# -- Parquet out ------------------------------------------------------------------


class ParquetSinks:
    """The Parquet output of each input (a callable for
    :func:`cleaner.parquet.write_rows`): the one file ``output`` (inputs with
    the same columns, concatenated), or one file per input below
    ``output_dir`` (at its path in ``names``) or replacing it (``in_place``).
    Leaving the ``with`` block writes the footers (after an error: lets go)."""

    def __init__(self, outs: Outputs, *, output: str | None, output_dir: str | None, names: Mapping[str, str] | None, in_place: bool = False) -> None:
        self.outs, self.output, self.output_dir, self.names, self.in_place = outs, output, output_dir, names, in_place
        self.current: tuple[str, OutputFile, ParquetOutput] | None = None

    def __enter__(self) -> ParquetSinks:
        return self

    def __exit__(self, et: Any, ev: Any, tb: Any) -> None:
        self._close(ok=et is None)

    def _close(self, *, ok: bool) -> None:
        current, self.current = self.current, None
        if current is not None:
            current[2].close(ok=ok)
            if ok:
                current[1].finish()

    def target(self, path: str) -> str:
        """Where the rows of the input ``path`` go."""
        if self.output:
            return self.output
        return under(self.output_dir, path, self.names) if self.output_dir else path

    def __call__(self, src: ParquetInput) -> ParquetOutput:
        target = self.target(src.path)
        if self.current is not None and self.current[0] == target:
            return self.current[2]
        self._close(ok=True)
        if self.output_dir:
            self.outs.make_folders(os.path.dirname(target))
        out = self.outs.open(target, encoding=None, follow_links=self.in_place)
        self.current = (target, out, ParquetOutput(out.binary, target))
        return self.current[2]


def _sinks(args: argparse.Namespace, outs: Outputs) -> ParquetSinks:
    return ParquetSinks(
        outs, output=args.output, output_dir=args.output_dir, names=getattr(args, "output_names", None), in_place=getattr(args, "in_place", False)
    )


def clean_parquet(
    args: argparse.Namespace, config: Config, jobs: int, outs: Outputs, report: Writable | None, stats: Stats, progress: Progress
) -> None:
    """``cleaner clean`` on the Parquet files ``args.files``: the column
    ``--field`` of each row cleaned, everything else kept (see :mod:`cleaner.parquet`)."""
    files = args.files

    def results() -> Generator[tuple[str, str | None], None, None]:
        for r in clean_documents(parquet_documents(files, args.field, id_field=args.id_field), config, jobs=jobs):
            if report is not None:
                report.write(report_rows(r))
            stats.add(r)
            progress.update(r.document.nbytes)
            yield r.document.text, r.text

    with _sinks(args, outs) as sink, contextlib.closing(results()) as rows:
        write_rows(files, args.field, rows, sink)


def emit_parquet(rows: Iterable[tuple[Document, str | None]], args: argparse.Namespace, outs: Outputs) -> None:
    """``cleaner dedup``'s output for Parquet: each row with what is left of
    its text (``rows``: each document in order, read again, and its new
    text), a row whose new text is None left out."""
    pairs = ((doc.text, out) for doc, out in rows)
    with _sinks(args, outs) as sink, contextlib.closing(pairs):
        write_rows(args.files, args.field, pairs, sink)

"""``cleaner learn CORPUS... -o MODEL``: learn a character model (issue 16).

The corpus is read once, line by line (text files), record by record
(JSON Lines, ``--jsonl --field NAME``) or row by row (Parquet, by the
extension: the column ``--field``), so memory stays bounded by the model's
size budget (``--max-ngrams``) however large the corpus.  Folders are read
recursively (``--glob``), compressed files (``.gz``, ``.bz2``, ``.zst``)
decompressed, as ``cleaner clean`` reads them.  The model
lets ``cleaner clean --model MODEL`` repair OCR misreadings in context.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..config import Config
from ..errors import InputError, UsageError
from ..parquet import is_parquet, parquet_documents, require_pyarrow
from ..records import BadRecord, read_jsonl
from ..runner import counted
from ..textio import decode, open_input, read_lines
from .common import Progress, add_engine_options, add_field_option, check_encoding, check_engine, check_outputs, ray_engine
from .formats import check_field, resolve_inputs

if TYPE_CHECKING:
    from ..typos.charmodel import CharModel

__all__ = ["add_parser", "cmd_learn", "corpus_texts", "KEEP_REPEATS_HELP", "LEARN_HELP", "with_learned_model"]

#: bytes read to detect a text file's encoding
SNIFF = 1 << 20
#: the help of ``--keep-repeats`` (``cleaner learn`` and ``cleaner clean --learn``)
KEEP_REPEATS_HELP = (
    "learn a sentence (of 8 characters or more) each time the corpus gives it; by default a repeated sentence is learned once, "
    "so that a feed that prints an article again, even with a word changed, does not make its typos common "
    "(the summary says how many were left out)"
)
#: the help of ``cleaner clean --learn``
LEARN_HELP = (
    "learn a character model from the input files first (a second pass), for --model's context repair; "
    "give it many files (or records) of the same kind: a document's own n-grams do not count where typos are sought, "
    "and a text file is one document"
)


def add_parser(subparsers: Any) -> None:
    """Register ``learn`` on the ``cleaner`` command's subparsers."""
    p = subparsers.add_parser(
        "learn",
        help="learn a character model from a corpus (for clean --model)",
        description="Learn a character n-gram model from text files, JSON Lines or Parquet (or folders of them), "
        "for `cleaner clean --model MODEL`: OCR misreadings are then judged in context. "
        "A corpus of the same kind of text as the one you clean works best; "
        "a few hundred thousand characters already help, more helps more. "
        "--engine ray counts the n-grams of JSON Lines files in Ray tasks and adds them up: the same model "
        "as the local engine's while the corpus's distinct n-grams fit --max-ngrams.",
    )
    p.add_argument(
        "files",
        nargs="+",
        metavar="CORPUS",
        help="text files, JSON Lines or folders (read recursively; see --glob), '-' for stdin; "
        ".gz, .bz2 and .zst are decompressed, .parquet is read as a table",
    )
    p.add_argument("-o", "--output", required=True, metavar="MODEL", help="where to write the model (.npz; atomically; compressed once more if the name ends in .gz, .bz2 or .zst; - for standard output, not a terminal)")
    p.add_argument("--jsonl", action="store_true", help="the corpus is JSON Lines: learn one field of each record")
    add_field_option(p, "the JSON Lines field to learn")
    p.add_argument("--glob", metavar="PATTERN", help="in folder inputs, read only the files whose name matches PATTERN (e.g. '*.jsonl.gz')")
    p.add_argument("--encoding", metavar="ENC", help="text files' encoding (default: detect)")
    p.add_argument("--max-ngrams", type=int, default=16_000_000, metavar="N", help="size budget: n-grams of three characters or more are dropped, rarest first, while the model holds more than N (default 16,000,000: a model of about 64 MB on disk; learning peaks at about 1 GB of memory whatever the corpus size)")
    p.add_argument("--keep-repeats", action="store_true", help=KEEP_REPEATS_HELP)
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no summary on stderr")
    add_engine_options(p, ray="Ray tasks count the n-grams of each part of the input and the counts are added up, "
                       "the local engine's model while the corpus's distinct n-grams fit --max-ngrams")
    p.set_defaults(func=cmd_learn, output_dir=None)  # no output folder to leave out of folder inputs


def _text_lines(name: str, encoding: str | None, progress: Progress) -> Iterator[str]:
    with open_input(name) as fh:
        head = fh.read(SNIFF)
        rest = fh.readline() if len(head) == SNIFF else b""
        text, enc = decode(head + rest, name, encoding)
        lines = text.split("\n")
        progress.update(len(head) + len(rest), docs=len(lines))
        yield from lines
        lineno = text.count("\n") + 1
        for raw in fh:
            lineno += 1
            progress.update(len(raw))
            try:
                yield raw.decode(enc).rstrip("\r\n")
            except UnicodeDecodeError:
                raise InputError(f"{name}: line {lineno} is not {enc}: give --encoding") from None


def _jsonl_texts(name: str, field: str, *, encoding: str, skip_bad: bool, progress: Progress) -> Iterator[str]:
    """One field of each record, read as ``cleaner clean --jsonl`` reads it;
    a bad record is bad input naming its line, or left out (``skip_bad``)."""
    label = "<stdin>" if name == "-" else name
    for item in read_jsonl(read_lines(name), label, field, encoding=encoding):
        if isinstance(item, BadRecord):
            progress.update(len(item.raw))
            if skip_bad:
                continue
            raise InputError(f"{label}: line {item.line}: {item.reason}")
        progress.update(item.nbytes)  # (its line's end included; a blank line is not counted)
        yield item.text


def _parquet_texts(name: str, field: str, progress: Progress) -> Iterator[str]:
    try:
        require_pyarrow()
    except ImportError as exc:
        raise UsageError(str(exc)) from None
    for doc in parquet_documents([name], field):
        progress.update(0)  # the bar counts rows: a table's bytes are not its text's
        yield doc.text


def corpus_texts(
    files: Sequence[str], *, jsonl: bool = False, field: str = "text", encoding: str | None = None, skip_bad: bool = False, progress: Progress | None = None
) -> Iterator[str]:
    """The texts of a corpus, lazily: the column ``field`` of Parquet files
    (by the extension), one field of each JSON Lines record (``jsonl``; a bad
    record is bad input, or left out with ``skip_bad``), or the lines of
    text files; empty texts left out.  ``progress`` counts the bytes read
    (of text files and JSON Lines: the file's bytes, line ends included)
    and the lines or records.

    >>> import os, tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = os.path.join(d, "c.jsonl")
    ...     _ = open(path, "w", encoding="utf-8").write('{"text": "今天"}\\n{"text": 1}\\n{"text": "天气"}\\n')
    ...     list(corpus_texts([path], jsonl=True, skip_bad=True))
    ['今天', '天气']
    """
    counted = progress or Progress(False, None)
    for name in files:
        if is_parquet(name):
            texts = _parquet_texts(name, field, counted)
        elif jsonl:
            texts = _jsonl_texts(name, field, encoding=encoding or "utf-8", skip_bad=skip_bad, progress=counted)
        else:
            texts = _text_lines(name, encoding, counted)
        yield from (t for t in texts if t.strip())


def cmd_learn(args: argparse.Namespace) -> int:
    """Learn the model and write it; a summary on stderr."""
    from ..typos.charmodel import learn

    if args.max_ngrams < 1000:
        raise UsageError(f"--max-ngrams must be at least 1000, not {args.max_ngrams}")
    if args.files.count("-") > 1:
        raise UsageError("stdin ('-') can be read only once")
    if args.encoding:
        check_encoding(args.encoding)
    files = resolve_inputs(args)
    check_field(args, files)
    # before any work: the model must not overwrite an input (the corpus),
    # and a path the system will refuse fails now, not after the learning
    check_outputs(files, [("-o", args.output)], None)
    if args.output == "-" and sys.stdout.isatty():
        raise UsageError("-o -: the model is binary; redirect standard output to a file or a pipe, or give -o FILE")
    t0 = time.perf_counter()
    if args.engine == "ray":
        model = _learn_on_ray(args, files)
    else:
        check_engine(args, files)
        with Progress.of_inputs(files, quiet=args.quiet) as progress:
            texts = corpus_texts(files, jsonl=args.jsonl, field=args.field, encoding=args.encoding, progress=progress)
            model = learn(texts, max_ngrams=args.max_ngrams, keep_repeats=args.keep_repeats)
    if not model.stats["chars"]:
        raise InputError("the corpus holds no text: nothing to learn")
    if args.output == "-":
        sys.stdout.flush()
        model.write(sys.stdout.buffer)
        sys.stdout.buffer.flush()
    else:
        model.save(args.output)
    if not args.quiet:
        s = model.stats
        pruned = f", n-grams of order 3+ seen fewer than {s['prune_below']} times dropped" if s["prune_below"] else ""
        print(
            f"cleaner: learned {counted(int(s['chars']), 'character', grouped=True)} of {counted(int(s['documents']), 'text', grouped=True)}{_repeats(s)}: "  # type: ignore[call-overload]
            f"{len(model.keys):,} n-grams{pruned}, {time.perf_counter() - t0:.1f} s -> {args.output}",
            file=sys.stderr,
        )
    return 0


def _repeats(stats: dict[str, object]) -> str:
    """What the summary says of the repeated sentences left out.

    >>> _repeats({"repeated_sentences": 2, "repeated_chars": 1234}), _repeats({"repeated_sentences": 0})
    (' (2 repeated sentences, 1,234 characters, learned once)', '')
    """
    n = int(stats.get("repeated_sentences", 0))  # type: ignore[call-overload]
    return f" ({counted(n, 'repeated sentence', grouped=True)}, {counted(int(stats['repeated_chars']), 'character', grouped=True)}, learned once)" if n else ""  # type: ignore[call-overload]


def _learn_on_ray(args: argparse.Namespace, files: Sequence[str]) -> CharModel:
    """``--engine ray``: the n-grams counted by Ray tasks, a byte range of
    the JSON Lines files each (:func:`cleaner.ray.learn.learn_jsonl_files`);
    usage errors as ``cleaner clean --engine ray`` gives them."""
    if not args.jsonl:
        raise UsageError("--engine ray learns from JSON Lines (--jsonl); text files are learned by --engine local")
    if args.encoding:
        raise UsageError("--engine ray reads UTF-8 JSON Lines; drop --encoding or use --engine local")
    check_engine(args, files)
    from ..ray.learn import learn_jsonl_files

    with ray_engine().session(args.ray_address):
        return learn_jsonl_files(files, field=args.field, max_ngrams=args.max_ngrams, keep_repeats=args.keep_repeats)


def with_learned_model(args: argparse.Namespace, files: Sequence[str], config: Config) -> Config:
    """``cleaner clean --learn``: ``config`` with a model learned from the
    input files (read once here, once more to clean them).  Usage error
    (exit 2) on stdin, which cannot be read twice, and beside ``--model``.
    A bad JSON Lines record follows ``--on-error``: with ``stop`` it is bad
    input here already (exit 1 naming its line, before anything is
    written); with ``skip`` or ``quarantine`` it is left out of the model,
    and the cleaning pass skips or quarantines it (once).

    >>> import types
    >>> with_learned_model(types.SimpleNamespace(model=None), ["-"], None)
    Traceback (most recent call last):
    ...
    cleaner.errors.UsageError: --learn reads the input twice (once to learn, once to clean): give files, not stdin
    """
    import dataclasses

    from ..typos.charmodel import learn

    if "-" in files:
        raise UsageError("--learn reads the input twice (once to learn, once to clean): give files, not stdin")
    if args.model:
        raise UsageError("--learn and --model both give a model: use one")
    t0 = time.perf_counter()
    skip_bad = getattr(args, "on_error", "stop") != "stop"
    with Progress.of_inputs(files, quiet=getattr(args, "quiet", False)) as progress:
        texts = corpus_texts(files, jsonl=args.jsonl, field=args.field, encoding=args.encoding, skip_bad=skip_bad, progress=progress)
        # each typo of the input is seen once: forget what is seen once (a
        # sentence the input repeats is learned once unless --keep-repeats)
        model = learn(texts, min_count=2, keep_repeats=getattr(args, "keep_repeats", False))
    model.stats["from_input"] = True  # a typo seen only in its own document stays a suspect
    if not getattr(args, "quiet", False):
        print(f"cleaner: learned {model.stats['chars']:,} characters of {len(files)} input file(s){_repeats(model.stats)} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        if len(files) == 1 and not args.jsonl and not is_parquet(files[0]):
            print(ONE_DOCUMENT, file=sys.stderr)
    return dataclasses.replace(config, model=model)


#: what ``clean --learn`` says of one text file: on 100 KB of news alone
#: (the context benchmark's dev or test pieces as one file), 10 and 20 of
#: 323 and 355 injected typos repaired (6 and 6 without a model); when the
#: model also learns 0.8M characters of other news, 26 to 36 (2026-12-05)
ONE_DOCUMENT = (
    "cleaner: note: a text file is one document, and --learn leaves a document's own n-grams out where it looks for typos, "
    "so one file alone teaches little: give --learn more files of the same kind, or learn a model of other text "
    "(cleaner learn OTHER... -o MODEL) and clean with --model MODEL"
)

"""``cleaner learn CORPUS... -o MODEL``: learn a character model (issue 16).

The corpus is read once, line by line (text files) or record by record
(JSON Lines, ``--jsonl --field NAME``), so memory stays bounded by the
model's size budget (``--max-ngrams``) however large the corpus.  The model
lets ``cleaner clean --model MODEL`` repair OCR misreadings in context.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator, Sequence
from typing import Any

from ..config import Config
from ..errors import InputError, UsageError
from ..textio import decode, open_input

__all__ = ["add_parser", "cmd_learn", "corpus_texts", "LEARN_HELP", "with_learned_model"]

#: bytes read to detect a text file's encoding
SNIFF = 1 << 20
#: the help of ``cleaner clean --learn``
LEARN_HELP = "learn a character model from the input files first (a second pass), for --model's context repair"


def add_parser(subparsers: Any) -> None:
    """Register ``learn`` on the ``cleaner`` command's subparsers."""
    p = subparsers.add_parser(
        "learn",
        help="learn a character model from a corpus (for clean --model)",
        description="Learn a character n-gram model from text files or JSON Lines, "
        "for `cleaner clean --model MODEL`: OCR misreadings are then judged in context. "
        "A corpus of the same kind of text as the one you clean works best; "
        "a few hundred thousand characters already help, more helps more.",
    )
    p.add_argument("files", nargs="+", metavar="CORPUS", help="text files or JSON Lines ('-' for stdin)")
    p.add_argument("-o", "--output", required=True, metavar="MODEL", help="where to write the model (.npz)")
    p.add_argument("--jsonl", action="store_true", help="the corpus is JSON Lines: learn one field of each record")
    p.add_argument("--field", default="text", metavar="NAME", help="the JSON Lines field to learn (default: text)")
    p.add_argument("--encoding", metavar="ENC", help="text files' encoding (default: detect)")
    p.add_argument("--max-ngrams", type=int, default=16_000_000, metavar="N", help="size budget: at most N n-grams (default 16,000,000: under 200 MB)")
    p.add_argument("--quiet", "-q", action="store_true", help="no summary on stderr")
    p.set_defaults(func=cmd_learn)


def _text_lines(name: str, encoding: str | None) -> Iterator[str]:
    with open_input(name) as fh:
        head = fh.read(SNIFF)
        rest = fh.readline() if len(head) == SNIFF else b""
        text, enc = decode(head + rest, name, encoding)
        yield from text.split("\n")
        lineno = text.count("\n") + 1
        for raw in fh:
            lineno += 1
            try:
                yield raw.decode(enc).rstrip("\r\n")
            except UnicodeDecodeError:
                raise InputError(f"{name}: line {lineno} is not {enc}: give --encoding") from None


def _jsonl_texts(name: str, field: str) -> Iterator[str]:
    with open_input(name) as fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                value = json.loads(raw).get(field)
            except (ValueError, AttributeError):
                raise InputError(f"{name}: line {lineno} is not a JSON object") from None
            if not isinstance(value, str):
                raise InputError(f"{name}: line {lineno} has no string field {field!r}: give --field")
            yield value


def corpus_texts(files: Sequence[str], *, jsonl: bool = False, field: str = "text", encoding: str | None = None) -> Iterator[str]:
    """The texts of a corpus, lazily: the lines of text files (empty ones
    skipped), or one field of each JSON Lines record."""
    for name in files:
        texts = _jsonl_texts(name, field) if jsonl else _text_lines(name, encoding)
        yield from (t for t in texts if t.strip())


def cmd_learn(args: argparse.Namespace) -> int:
    """Learn the model and write it; a summary on stderr."""
    from ..typos.charmodel import learn

    if args.max_ngrams < 1000:
        raise UsageError(f"--max-ngrams must be at least 1000, not {args.max_ngrams}")
    if args.files.count("-") > 1:
        raise UsageError("stdin ('-') can be read only once")
    t0 = time.perf_counter()
    model = learn(corpus_texts(args.files, jsonl=args.jsonl, field=args.field, encoding=args.encoding), max_ngrams=args.max_ngrams)
    if not model.stats["chars"]:
        raise InputError("the corpus holds no text: nothing to learn")
    model.save(args.output)
    if not args.quiet:
        s = model.stats
        pruned = f", n-grams of order 3+ seen fewer than {s['prune_below']} times dropped" if s["prune_below"] else ""
        print(
            f"cleaner: learned {s['chars']:,} characters of {s['documents']:,} texts: "
            f"{len(model.keys):,} n-grams{pruned}, {time.perf_counter() - t0:.1f} s -> {args.output}",
            file=sys.stderr,
        )
    return 0


def with_learned_model(args: argparse.Namespace, files: Sequence[str], config: Config) -> Config:
    """``cleaner clean --learn``: ``config`` with a model learned from the
    input files (read once here, once more to clean them).  Usage error
    (exit 2) on stdin, which cannot be read twice, and beside ``--model``.

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
    texts = corpus_texts(files, jsonl=args.jsonl, field=args.field, encoding=args.encoding)
    model = learn(texts, min_count=2)  # each typo of the input is seen once: forget what is seen once
    model.stats["from_input"] = True  # a typo seen only in its own document stays a suspect
    if not getattr(args, "quiet", False):
        print(f"cleaner: learned {model.stats['chars']:,} characters of {len(files)} input file(s) in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return dataclasses.replace(config, model=model)

"""``cleaner confusions OCR FIXED -o PAIRS``: count what your OCR engine
wrote for what was right, from lines you corrected by hand, for
``cleaner clean --model MODEL --confusions PAIRS``.  A thin layer over
:func:`cleaner.confusion.count_engine_pairs`."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..errors import InputError, UsageError
from ..runner import counted
from .common import check_outputs, text_lines

__all__ = ["add_parser", "cmd_confusions"]

#: ``cleaner --help``'s line for this command (:data:`cleaner.commands.catalog.SUBCOMMANDS` holds the same)
SUMMARY = "count your OCR engine's misreadings from lines you corrected (for clean --confusions)"


def add_parser(subparsers: Any) -> None:
    """Register ``confusions`` on the ``cleaner`` command's subparsers."""
    p = subparsers.add_parser(
        "confusions",
        help=SUMMARY,
        description="Count the characters your OCR engine wrote for the right ones: OCR is a text file of the engine's "
        "output and FIXED the same file corrected by hand, line for line (the same number of lines). "
        "Lines whose correction kept their length are compared character by character; the others are left out "
        "and counted in the summary. The result, one pair a line (WRITTEN<TAB>RIGHT<TAB>COUNT, most frequent first), "
        "goes to `cleaner clean --model MODEL --confusions PAIRS`, where a character model weighs each pair in "
        "context beside the look-alikes of the visual table: misreadings that do not look alike (an engine that "
        "writes 结 for 情) become candidates. A few thousand corrected lines are a useful sample.",
    )
    p.add_argument("ocr", metavar="OCR", help="the engine's output, a UTF-8 text file")
    p.add_argument("fixed", metavar="FIXED", help="the same lines corrected by hand, a UTF-8 text file")
    p.add_argument("-o", "--output", default="-", metavar="PAIRS", help="where to write the pairs (atomically; default: standard output)")
    p.add_argument("--min-count", type=int, default=1, metavar="N", help="leave out pairs seen fewer than N times (default 1: every pair)")
    p.add_argument("--quiet", "-q", action="store_true", help="no summary on stderr")
    p.set_defaults(func=cmd_confusions)


def _lines(path: str, what: str) -> list[str]:
    """The file's lines, a last empty one (after the final line feed) left out."""
    lines = text_lines(path, what)
    return lines[:-1] if lines and lines[-1] == "" else lines


def cmd_confusions(args: argparse.Namespace) -> int:
    """Count the pairs and write them; a summary on stderr."""
    from ..confusion import count_engine_pairs, format_engine_pairs
    from ..textio import atomic_writer

    if args.min_count < 1:
        raise UsageError(f"--min-count must be 1 or more, not {args.min_count}")
    if "-" in (args.ocr, args.fixed):
        raise UsageError("OCR and FIXED are read side by side: give two files, not stdin")
    named = [("-o", args.output)] if args.output != "-" else []
    check_outputs([args.ocr, args.fixed], named, None)
    wrote, right = (_lines(path, what) for path, what in ((args.ocr, "the OCR lines"), (args.fixed, "the corrected lines")))
    if len(wrote) != len(right):
        raise InputError(f"{args.fixed}: {counted(len(right), 'line', grouped=True)}, where {args.ocr} has {len(wrote):,}: FIXED must correct OCR line for line")
    counts = {pair: n for pair, n in count_engine_pairs(zip(wrote, right)).items() if n >= args.min_count}
    compared = sum(len(a) == len(b) for a, b in zip(wrote, right))
    header = [f"cleaner confusions: {args.ocr} against {args.fixed}", f"{compared:,} of {counted(len(wrote), 'line', grouped=True)} compared (the others changed length)"]
    text = format_engine_pairs(counts, header=header)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with atomic_writer(args.output) as out:
            out.write(text)
    if not args.quiet:
        print(f"cleaner: {counted(len(counts), 'pair', grouped=True)} ({counted(sum(counts.values()), 'misreading', grouped=True)}) from {compared:,} of {counted(len(wrote), 'line', grouped=True)} -> {args.output}", file=sys.stderr)
    return 0

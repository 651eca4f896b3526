"""The subcommands of ``cleaner`` by name, known without importing them: the
module that builds each one's parser, and the one line ``cleaner --help``
shows for it.  :mod:`cleaner.cli` builds in full only the parser of the
subcommand a run names and lists the others by this line, so that
``cleaner clean`` does not load dedup's code (numpy and the LSH: 0.2 s of a
run's start) and ``cleaner --help`` loads no rule at all.

>>> SUBCOMMANDS["clean"].summary
'clean text files or JSON Lines'
>>> command_of(["dedup", "--jsonl", "新闻.jsonl"]), command_of(["--help"]), command_of(["clena"])
('dedup', None, None)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

__all__ = ["EXAMPLES", "SUBCOMMANDS", "Subcommand", "command_of"]


class Subcommand(NamedTuple):
    """Where a subcommand's parser is built (``cleaner.commands.<module>.add_parser``) and its one-line help."""

    module: str
    summary: str


#: every subcommand, in the order ``cleaner --help`` lists them
SUBCOMMANDS: dict[str, Subcommand] = {
    "clean": Subcommand("clean", "clean text files or JSON Lines"),
    "rules": Subcommand("rules", "list the rules, on/off by default, with an example each"),
    "dedup": Subcommand("dedup", "drop duplicate paragraphs (or documents) across many files or JSON Lines"),
    # learn.py writes its own line (tests/commands/test_cli.py checks that the two agree)
    "learn": Subcommand("learn", "learn a character model from a corpus (for clean --model)"),
    # confusions.py writes its own line too (SUMMARY)
    "confusions": Subcommand("confusions", "count your OCR engine's misreadings from lines you corrected (for clean --confusions)"),
    "review": Subcommand("review", "write one HTML page showing every edit (or dedup cluster) of a run"),
    "config": Subcommand("config", "print the effective configuration of clean, dedup and review as TOML (for --config)"),
}

#: the epilog of ``cleaner --help`` and ``cleaner clean --help``
EXAMPLES = """\
examples:
  cleaner clean scan.txt                       clean one file to stdout
  cleaner clean a.txt b.txt --output-dir out/  clean several files into out/
  cat page.txt | cleaner clean > clean.txt     as a step in a pipeline
  cleaner clean --jsonl --field content corpus.jsonl -o clean.jsonl --report edits.jsonl
  cleaner clean --jsonl --id-field url corpus.jsonl --report edits.jsonl   report rows name each record by its url
  cleaner clean --disable paragraphs,dedup x.txt   skip some rules
  cleaner clean --engine ray --jsonl corpus.jsonl -o clean.jsonl   on Ray (a local one, or --ray-address)
  cleaner clean --config cleaner.toml scan.txt  options from a file; `cleaner config --show` prints them all
  cleaner rules --examples                     list the rules, on/off by default, with an example each

Every change is recorded: --report writes each edit (rule, span in the
input, text before and after) as JSON Lines.

exit codes: 0 success; 1 bad input (nothing is written); 2 bad usage;
74 a path could not be written or read (disk full, read-only, no such folder);
130 Ctrl-C; 143 SIGTERM.
"""


def command_of(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` runs: its first word that is not an option
    (``cleaner`` itself takes no option with a value), when it names one;
    None otherwise (``--help``, ``--version``, a misspelt name: argparse
    then says what is wrong, listing every name)."""
    word = next((a for a in argv if not a.startswith("-")), None)
    return word if word in SUBCOMMANDS else None

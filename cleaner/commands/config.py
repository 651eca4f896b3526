"""``cleaner config --show``: the effective configuration of ``cleaner clean``,
``cleaner dedup`` and ``cleaner review`` as a TOML file that ``--config`` reads back
(:mod:`cleaner.commands.settings` reads and checks such a file)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..errors import UsageError
from . import clean, dedup, review
from .settings import COMMANDS, load, render
from .catalog import SUBCOMMANDS

__all__ = ["add_parser", "cmd_config"]

EXAMPLES = """\
examples:
  cleaner config --show > cleaner.toml          every option of the three commands, with its default
  cleaner config --show --config cleaner.toml   what a file sets, with the rest at its defaults
  cleaner clean --config cleaner.toml scan.txt  use it; a flag given here wins over the file
  cleaner dedup --config cleaner.toml --keep longest --jsonl corpus.jsonl -o out.jsonl

In the file, a key is a long flag without "--" (dedup-threshold = 85); a key
at the top applies to every command that has it, one in [clean], [dedup]
or [review] to that one.
A commented line is an option that is not set.  An unknown key or a bad
value stops the command with exit code 2, naming the file and the key.
"""

HEADER = """\
cleaner configuration, as `cleaner config --show` prints it.
Use it with `cleaner clean --config FILE`, `cleaner dedup --config FILE` or
`cleaner review --config FILE`; a flag on the command line wins over the file.
Keys are the long flags without "--"; a key at the top (outside [clean],
[dedup] and [review]) applies to every command that has it.  A commented
line is an option that is not set."""


def add_parser(subparsers: Any) -> None:
    """Add the ``config`` subcommand to the ``cleaner`` parser."""
    p = subparsers.add_parser(
        "config",
        help=SUBCOMMANDS["config"].summary,
        description="Print every option of `cleaner clean`, `cleaner dedup` and `cleaner review` as a TOML file, "
        "with the values of --config FILE and the defaults for the rest; --config reads it back.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--show", action="store_true", help="print the configuration (the only action for now)")
    p.add_argument("--config", metavar="FILE", help="a configuration file to start from (default: none, every option at its default)")
    p.set_defaults(func=cmd_config)


def command_parsers() -> dict[str, argparse.ArgumentParser]:
    """Parsers of the commands a configuration file configures, built as ``cleaner`` builds them."""
    root = argparse.ArgumentParser(prog="cleaner")
    sub = root.add_subparsers(dest="command")
    clean.add_parsers(sub)
    dedup.add_parser(sub)
    review.add_parser(sub)
    return {name: sub.choices[name] for name in COMMANDS}


def cmd_config(args: argparse.Namespace) -> int:
    """Run ``cleaner config --show``; returns the exit code."""
    if not args.show:
        raise UsageError("say what to do: `cleaner config --show` prints the effective configuration")
    parsers = command_parsers()
    values = load(args.config, parsers) if args.config else {}
    namespaces = {}
    for name, p in parsers.items():
        p.set_defaults(**values.get(name, {}))
        namespaces[name] = p.parse_args([])
    sys.stdout.write(render(parsers, namespaces, header=HEADER))
    return 0

"""The ``cleaner`` command: the parser and ``main``; the subcommands live in
:mod:`cleaner.commands`.

Exit codes: 0 success, 1 bad input (named file and line; nothing
written), 2 bad usage, 74 a path could not be written or read (disk full,
read-only, missing folder), 130 Ctrl-C, 141 stdout's reader went away,
143 SIGTERM.
"""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
from collections.abc import Sequence
from typing import Any

from . import __version__
from .commands.catalog import EXAMPLES, SUBCOMMANDS, command_of
from .errors import EXIT_INPUT, EXIT_IO, EXIT_USAGE, InputError, StorageError, UsageError


def build_parser(command: str | None = None, *, only: bool = False) -> argparse.ArgumentParser:
    """The ``cleaner`` parser with its subcommands (clean, rules, dedup,
    learn, review, config: :data:`~cleaner.commands.catalog.SUBCOMMANDS`).
    With ``only``, only the parser of ``command`` (None: none) is built in
    full, importing its module; the others are listed by name and one-line
    help, which is all ``cleaner --help`` and a misspelt name show."""
    parser = argparse.ArgumentParser(
        prog="cleaner",
        description="Clean text from OCR, PDF extraction and scraping (Chinese first, Latin too).",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"cleaner {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, (module, summary) in SUBCOMMANDS.items():
        if only and name != command:
            sub.add_parser(name, help=summary)
        else:
            importlib.import_module(f".commands.{module}", __package__).add_parser(sub)
    return parser


def _expand_on_error(argv: list[str]) -> list[str]:
    """Accept the documented ``--on-error quarantine FILE`` form (argparse
    cannot take one or two values depending on the first).

    >>> _expand_on_error(["clean", "--on-error", "quarantine", "bad.jsonl", "in.jsonl"])
    ['clean', '--on-error', 'quarantine', '--quarantine', 'bad.jsonl', 'in.jsonl']
    """
    out: list[str] = []
    i = 0
    while i < len(argv):
        out.append(argv[i])
        if argv[i] == "--on-error" and argv[i + 1 : i + 2] == ["quarantine"]:
            out.append("quarantine")
            i += 2
            if i < len(argv) and not argv[i].startswith("-"):
                out += ["--quarantine", argv[i]]
                i += 1
            continue
        i += 1
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code."""
    arguments = _expand_on_error(list(sys.argv[1:] if argv is None else argv))
    parser = build_parser(command_of(arguments), only=True)  # the other subcommands are not even imported
    args = parser.parse_args(arguments)
    # what the handlers need, loaded with the command (cheap by now), before
    # a SIGTERM can come
    from .commands.common import interrupted

    terminated: list[int] = []  # SIGTERM came (Ray turns the SystemExit raised inside its calls into its own)

    def on_sigterm(signum: int, frame: Any) -> None:
        terminated.append(signum)
        raise SystemExit(143)

    # SIGPIPE stays ignored (Python's default): with SIG_DFL a worker that
    # died would kill this process through the pool's pipe (exit 141); a
    # closed stdout is BrokenPipeError, handled below.
    if hasattr(signal, "SIGTERM"):
        # SIGTERM unwinds like Ctrl-C: temporary files are removed, nothing
        # half-written stays at an output path.
        signal.signal(signal.SIGTERM, on_sigterm)
    try:
        code = _dispatch(args, parser, arguments, terminated)
    except SystemExit:
        raise
    except BaseException:
        if not terminated:
            raise
        code = EXIT_INPUT
    if terminated:
        # SIGTERM came and what was under way turned its SystemExit into
        # another error (an import interrupted halfway raises ImportError):
        # still a termination, not a traceback
        print(interrupted("terminated"), file=sys.stderr)
        raise SystemExit(143)
    return code


def _dispatch(args: argparse.Namespace, parser: argparse.ArgumentParser, arguments: list[str], terminated: list[int]) -> int:
    """Run the parsed command; its errors as exit codes and one-line messages."""
    from .commands.common import drop_stdout, interrupted, reader_went_away
    from .commands.settings import COMMANDS, apply_config
    from .runner import WorkerDied

    try:
        if args.command in COMMANDS and getattr(args, "config", None):
            # --config FILE: the file's options where no flag is given; a key
            # is checked against every command's options, so all are built
            parser = build_parser()
            args = apply_config(parser, arguments, args)
        return int(args.func(args))
    except UsageError as exc:
        parser.print_usage(sys.stderr)
        print(f"cleaner: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except InputError as exc:
        print(f"cleaner: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except WorkerDied as exc:
        if not terminated:  # else the workers died of the same SIGTERM: below
            print(f"cleaner: error: {exc}", file=sys.stderr)
            return EXIT_INPUT
        print(interrupted("terminated"), file=sys.stderr)
        raise SystemExit(143) from None
    except BrokenPipeError:
        return reader_went_away()
    except StorageError as exc:
        if exc.broken_pipe and exc.path == "<stdout>":
            return reader_went_away()
        print(f"cleaner: error: {exc}", file=sys.stderr)
        if exc.path == "<stdout>":
            drop_stdout()
        return EXIT_IO
    except OSError as exc:  # a system error no step named: still one line, not a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"cleaner: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_IO
    except KeyboardInterrupt:
        print(interrupted("interrupted"), file=sys.stderr)
        return 130
    except SystemExit as exc:
        if exc.code == 143 or terminated:
            print(interrupted("terminated"), file=sys.stderr)
            raise SystemExit(143) from None
        raise


if __name__ == "__main__":
    sys.exit(main())

"""The ``cleaner`` parser loads only the subcommand a run names: the others
are listed by their one-line help (:mod:`cleaner.commands.catalog`), which
must be the line their own parser has; ``--config`` still checks a file's
keys against every command."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner.cli import build_parser, main
from cleaner.commands.catalog import SUBCOMMANDS, command_of


def _choices(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def test_each_summary_is_the_help_of_the_subcommand_it_lists():
    full = _choices(build_parser())
    assert [a.dest for a in full._choices_actions] == list(SUBCOMMANDS)
    assert {a.dest: a.help for a in full._choices_actions} == {name: s.summary for name, s in SUBCOMMANDS.items()}


@pytest.mark.parametrize("command", [None, *SUBCOMMANDS])
def test_a_parser_built_for_one_subcommand_shows_what_the_full_one_shows(command):
    lazy = build_parser(command, only=True)
    full = build_parser()
    assert lazy.format_help() == full.format_help()
    if command is not None:
        assert _choices(lazy).choices[command].format_help() == _choices(full).choices[command].format_help()


def test_the_subcommand_is_the_first_word_that_is_not_an_option():
    assert command_of(["clean", "--jsonl", "dedup"]) == "clean"
    assert command_of(["--version"]) is None and command_of([]) is None
    assert command_of(["clena", "x.txt"]) is None  # argparse names the valid choices


def _modules_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint(' '.join(sys.modules))"
    return set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split())


def test_a_clean_run_does_not_load_the_other_subcommands():
    loaded = _modules_after("from cleaner.cli import build_parser\nbuild_parser('clean', only=True)")
    assert "cleaner.commands.clean" in loaded
    assert not {"cleaner.commands.dedup", "cleaner.commands.review", "cleaner.dedup.corpus", "cleaner.review", "numpy"} & loaded


def test_help_loads_no_rule():
    loaded = _modules_after("from cleaner.cli import build_parser\nbuild_parser(None, only=True).format_help()")
    assert not {"cleaner.config", "cleaner.registry", "cleaner.pipeline", "cleaner.runner"} & loaded


def test_a_config_file_is_checked_against_every_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """`cleaner clean --config` builds dedup's and review's parsers too: a key
    at the top that only dedup has is no error for clean, an unknown one is."""
    src = tmp_path / "in.txt"
    src.write_text("今天,天气很好。\n", encoding="utf-8")
    cfg = tmp_path / "c.toml"
    cfg.write_text('level = "document"\n[clean]\nonly = ["width"]\n', encoding="utf-8")
    out = tmp_path / "out.txt"
    assert main(["clean", "-q", "--config", str(cfg), str(src), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == "今天，天气很好。\n"
    cfg.write_text('levels = "document"\n', encoding="utf-8")
    assert main(["clean", "-q", "--config", str(cfg), str(src), "-o", str(out)]) == 2
    assert "unknown key 'levels'" in capsys.readouterr().err


@pytest.mark.parametrize("converted", [ImportError("interrupted halfway"), OSError(5, "I/O error")])
def test_sigterm_turned_into_another_error_still_exits_143(monkeypatch, capsys, converted):
    """A SIGTERM whose SystemExit what was under way turns into another error
    (an import interrupted halfway raises ImportError; a handler may raise
    OSError) still ends as a termination: exit 143, one line, no traceback."""
    import os
    import signal
    import time

    import cleaner.cli as cli

    def command(args: argparse.Namespace) -> int:
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # (the handler raises SystemExit before this ends)
        except SystemExit:
            raise converted from None
        return 0

    class Parser(argparse.ArgumentParser):
        def parse_args(self, *a, **k):  # type: ignore[override]
            return argparse.Namespace(command="rules", func=command)

    monkeypatch.setattr(cli, "build_parser", lambda *a, **k: Parser())
    old = signal.getsignal(signal.SIGTERM)
    try:
        with pytest.raises(SystemExit) as exc:
            main(["rules"])
    finally:
        signal.signal(signal.SIGTERM, old)
    assert exc.value.code == 143
    err = capsys.readouterr().err
    assert "terminated" in err and "Traceback" not in err

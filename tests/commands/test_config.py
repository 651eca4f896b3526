"""Issue 15.4: ``--config FILE`` (TOML), ``cleaner config --show``, the same
option names in both commands, and the typo thresholds from the command line."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from cleaner.cli import _expand_on_error, build_parser, main
from cleaner.commands.clean import config_of
from cleaner.commands.config import command_parsers
from cleaner.commands.settings import apply_config, keys_of
from cleaner.config import OPTIONS


def parse(*argv: str) -> argparse.Namespace:
    """The options a command runs with, as ``cleaner`` parses them (with ``--config``)."""
    parser = build_parser()
    arguments = _expand_on_error(list(argv))
    return apply_config(parser, arguments, parser.parse_args(arguments))


def show(*argv: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["config", "--show", *argv]) == 0
    return capsys.readouterr().out


def options(ns: argparse.Namespace) -> dict:
    """What a command runs with: its options, the rule options as the Config they make."""
    out = {k: v for k, v in vars(ns).items() if k not in ("config", "func", "from_config")}
    if ns.command == "clean":
        out = {k: v for k, v in out.items() if k not in OPTIONS}
        out["config"] = config_of(ns)
    return out


def run(*args: str, cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "cleaner.cli", *args], capture_output=True, cwd=cwd, env=env, timeout=120, text=True, input=stdin)


# -- cleaner config --show ------------------------------------------------------


def test_show_lists_every_option_of_both_commands(capsys):
    text = show(capsys=capsys)
    data = tomllib.loads(text)
    for name, parser in command_parsers().items():
        for key in keys_of(parser):
            assert f"{key} = " in text.split(f"\n[{name}]\n")[1].split("\n[")[0], (name, key)
    assert data["clean"]["dedup-threshold"] == 90.0 and data["dedup"]["dedup-threshold"] == 90.0
    assert data["clean"]["typo-threshold"] == 6.0 and data["clean"]["disable"] == []
    assert "output" not in data["clean"] and "# output = " in text  # not set: a commented line


def test_show_round_trips_through_config(tmp_path, capsys):
    first = show(capsys=capsys)
    (tmp_path / "all.toml").write_text(first, encoding="utf-8")
    assert show("--config", str(tmp_path / "all.toml"), capsys=capsys) == first
    # and the commands run with the same options as without the file
    for command in ("clean", "dedup"):
        assert options(parse(command, "--config", str(tmp_path / "all.toml"), "x")) == options(parse(command, "x"))


def test_show_round_trips_a_file_that_sets_options(tmp_path, capsys):
    f = tmp_path / "c.toml"
    f.write_text('keep = "longest"\n[clean]\ndisable = "paragraphs,dedup"\nscript = "keep"\n[dedup]\nlevel = "document"\n', encoding="utf-8")
    shown = show("--config", str(f), capsys=capsys)
    data = tomllib.loads(shown)
    assert data["clean"]["disable"] == ["paragraphs", "dedup"] and data["clean"]["keep"] == data["dedup"]["keep"] == "longest"
    assert data["dedup"]["level"] == "document" and data["clean"]["script"] == "keep"
    again = tmp_path / "again.toml"
    again.write_text(shown, encoding="utf-8")
    for command in ("clean", "dedup"):
        assert options(parse(command, "--config", str(again), "x")) == options(parse(command, "--config", str(f), "x"))


# -- --config: what wins ------------------------------------------------------------


def test_file_values_apply_and_flags_win(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text('keep = "longest"\ndedup-threshold = 85\n[clean]\njobs = 1\ndisable = ["paragraphs"]\n[dedup]\nmin-chars = 5\n', encoding="utf-8")
    c = parse("clean", "--config", str(f), "x")
    assert (c.dedup_keep, c.dedup_threshold, c.jobs, c.disable) == ("longest", 85.0, 1, "paragraphs")
    d = parse("dedup", "--config", str(f), "x")
    assert (d.dedup_keep, d.dedup_threshold, d.dedup_min_chars) == ("longest", 85.0, 5)
    # a flag wins, even when it gives the default value
    assert parse("clean", "--config", str(f), "--keep", "first", "x").dedup_keep == "first"
    assert parse("dedup", "--config", str(f), "--threshold", "95", "x").dedup_threshold == 95.0


def test_a_flag_displaces_the_file_keys_it_excludes(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text('[clean]\ndisable = ["paragraphs"]\noutput-dir = "out"\non-error = "quarantine"\nquarantine = "bad.jsonl"\n', encoding="utf-8")
    c = parse("clean", "--config", str(f), "--only", "width", "-o", "o.txt", "--on-error", "skip", "x")
    assert (c.only, c.disable, c.output, c.output_dir, c.on_error, c.quarantine) == ("width", None, "o.txt", None, "skip", None)
    c = parse("clean", "--config", str(f), "x")
    assert (c.disable, c.output_dir, c.on_error, c.quarantine) == ("paragraphs", "out", "quarantine", "bad.jsonl")


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[clean]\nthresold = 3\n', "c.toml: [clean] unknown key 'thresold'; valid keys: output, "),
        ('thresold = 3\n', "c.toml: unknown key 'thresold'; valid keys: "),
        ('[clen]\njobs = 1\n', "c.toml: unknown table [clen]; tables: [clean], [dedup]"),
        ('[clean]\nkeep = "last"\n', "c.toml: [clean] keep: must be one of first, longest, not 'last'"),
        ('[clean]\njobs = "2"\n', "c.toml: [clean] jobs: must be a whole number, not '2'"),
        ('[clean]\njobs = -1\n', "c.toml: [clean] jobs: must be 0 (all cores) or more, not -1"),
        ('[clean]\njsonl = 1\n', "c.toml: [clean] jsonl: must be true or false, not 1"),
        ('dedup-threshold = 150\n', "c.toml: dedup-threshold: dedup_threshold is a rapidfuzz ratio in (0, 100]"),
        ('[clean]\ndisable = ["paragrafs"]\n', "c.toml: [clean] disable: unknown rule 'paragrafs'; valid rules: "),
        ('[clean]\nsuggest-threshold = 9.5\n', "c.toml: [clean] suggest-threshold: suggest_threshold must not exceed typo_threshold"),
        ('[clean]\nlexicon = "missing.txt"\n', "c.toml: [clean] lexicon: no such file: missing.txt"),
        ('[clean]\noutput = "a"\noutput-dir = "b"\n', "c.toml: [clean] output and output-dir exclude each other"),
        ('[clean]\njobs = \n', "c.toml: not valid TOML: Invalid value (at line 2, column 8)"),
    ],
)
def test_bad_files_are_usage_errors_naming_file_key_and_what_is_allowed(tmp_path, capsys, monkeypatch, toml, message):
    monkeypatch.chdir(tmp_path)
    Path("c.toml").write_text(toml, encoding="utf-8")
    command = "dedup" if toml.startswith("dedup") else "clean"
    assert main([command, "--config", "c.toml", "x"]) == 2
    assert message in capsys.readouterr().err


def test_a_missing_config_file_is_a_usage_error(tmp_path, capsys):
    assert main(["clean", "--config", str(tmp_path / "none.toml"), "x"]) == 2
    assert "none.toml: cannot read it: No such file or directory" in capsys.readouterr().err


def test_clean_runs_with_a_config_file(tmp_path):
    (tmp_path / "c.toml").write_text('[clean]\nonly = ["width"]\nquiet = true\n', encoding="utf-8")
    p = run("clean", "--config", "c.toml", cwd=tmp_path, stdin="今天,我们去公园。\n\n\n\n明天。\n")
    assert p.returncode == 0 and p.stderr == "", p.stderr
    assert p.stdout == "今天，我们去公园。\n\n\n\n明天。\n"  # width only: the blank lines stay


# -- the same names in both commands ----------------------------------------------


def test_options_both_commands_have_are_named_alike():
    every = {name: keys_of(p) for name, p in command_parsers().items()}
    clean, dedup = every["clean"], every["dedup"]
    shared = set(clean) & set(dedup)
    assert {"dedup-threshold", "min-chars", "keep", "jobs", "encoding", "field", "id-field", "report", "config"} - {"config"} <= shared
    for key in shared:
        assert clean[key].dest == dedup[key].dest, key
    # a concept both commands have is not named twice
    dests = {}
    for keys in every.values():  # review's too
        for key, a in keys.items():
            assert dests.setdefault(a.dest, key) == key, (a.dest, key)


def test_the_old_threshold_flag_is_read_but_not_taught():
    help_text = command_parsers()["dedup"].format_help()
    assert "--dedup-threshold" in help_text and "--threshold" not in help_text.replace("--dedup-threshold", "")
    assert parse("dedup", "--threshold", "80", "x").dedup_threshold == 80.0


# -- typo thresholds from the command line -------------------------------------------


@pytest.mark.parametrize("text", ["他己经走了，我们明天再来。", "他是一位博土，研究语言学。"])
def test_typo_thresholds_are_settable_from_the_command(tmp_path, text):
    src = tmp_path / "in.txt"
    src.write_text(text, encoding="utf-8")
    p = run("clean", "-q", "in.txt", "--report", "r.jsonl", cwd=tmp_path)
    assert p.returncode == 0 and p.stdout != text
    assert [r["rule"] for r in map(json.loads, (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines())] == ["ocr_confusion"]
    p = run("clean", "-q", "in.txt", "--typo-threshold", "100", "--suggest-threshold", "0", "--report", "r2.jsonl", cwd=tmp_path)
    assert p.returncode == 0 and p.stdout == text  # not applied: only suggested
    (row,) = map(json.loads, (tmp_path / "r2.jsonl").read_text(encoding="utf-8").splitlines())
    assert row["rule"] == "ocr_confusion" and row["suggestion"] is True
    p = run("clean", "-q", "in.txt", "--suggest-threshold", "100", "--report", "r3.jsonl", cwd=tmp_path)
    assert p.returncode == 2 and "suggest_threshold must not exceed typo_threshold" in p.stderr
    p = run("clean", "-q", "in.txt", "--typo-threshold", "100", "--suggest-threshold", "100", "--report", "r4.jsonl", cwd=tmp_path)
    assert p.returncode == 0 and p.stdout == text and (tmp_path / "r4.jsonl").read_text(encoding="utf-8") == ""


def test_every_config_option_with_a_flag_is_a_clean_option():
    clean = {a.dest for a in keys_of(command_parsers()["clean"]).values()}
    assert {o.name for o in OPTIONS.values() if o.flag} <= clean


def test_the_readme_example_is_a_valid_configuration(tmp_path):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "c.toml").write_text(block, encoding="utf-8")
    c = parse("clean", "--config", str(tmp_path / "c.toml"), "x")
    d = parse("dedup", "--config", str(tmp_path / "c.toml"), "x")
    assert (c.dedup_threshold, c.disable, c.typo_threshold) == (85.0, "paragraphs", 8.0)
    assert (d.dedup_threshold, d.dedup_keep, d.drop_empty) == (85.0, "longest", True)


def test_config_without_show_is_a_usage_error(capsys):
    assert main(["config"]) == 2
    assert "cleaner config --show" in capsys.readouterr().err


def test_quarantine_form_and_booleans_from_a_file(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text('[clean]\njsonl = true\non-error = "quarantine"\nquarantine = "bad.jsonl"\nid-field = "url"\n', encoding="utf-8")
    c = parse("clean", "--config", str(f), "in.jsonl")
    assert (c.jsonl, c.on_error, c.quarantine, c.id_field, c.files) == (True, "quarantine", "bad.jsonl", "url", ["in.jsonl"])
    c = parse("clean", "--config", str(f), "--on-error", "quarantine", "other.jsonl", "in.jsonl")
    assert (c.on_error, c.quarantine, c.files) == ("quarantine", "other.jsonl", ["in.jsonl"])


def test_dedup_runs_with_a_config_file(tmp_path):
    (tmp_path / "a.txt").write_text("短段落重复。\n\n其他内容。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("短段落重复。\n", encoding="utf-8")
    args = ("dedup", "a.txt", "b.txt", "--output-dir", "out")
    p = run(*args, "-q", cwd=tmp_path)
    assert p.returncode == 0 and (tmp_path / "out" / "b.txt").read_text(encoding="utf-8") == "短段落重复。\n"  # under 12 characters: kept
    (tmp_path / "c.toml").write_text("[dedup]\nmin-chars = 0\nquiet = true\n", encoding="utf-8")
    p = run(*args, "--config", "c.toml", cwd=tmp_path)
    assert p.returncode == 0 and p.stderr == "", p.stderr
    assert (tmp_path / "out" / "b.txt").read_text(encoding="utf-8").strip() == ""

"""``cleaner rules``: on/off by default, and an example per rule that the rule really changes."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import resources

import pytest

from cleaner import apply_edits, explain
from cleaner.commands.rules import load_examples, run_example, visible
from cleaner.registry import RULES


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "cleaner.cli", "rules", *args], capture_output=True, env=env, timeout=300, text=True)


def test_the_examples_file_has_a_header_and_only_registered_rules():
    text = resources.files("cleaner").joinpath("data", "rule_examples.toml").read_text(encoding="utf-8")
    assert text.startswith("# rule_examples.toml:") and "# Source:" in text and "# Licence:" in text
    assert set(load_examples()) <= set(RULES)


@pytest.mark.parametrize("name", list(RULES))
def test_every_rule_has_an_example_that_makes_it_act(name):
    examples = load_examples()
    assert name in examples, f"add an example for {name} to cleaner/data/rule_examples.toml"
    ex = examples[name]
    edits = run_example(ex)
    assert edits, f"the rule {name} leaves its example unchanged"
    # the edits shown are the whole of what the rule did to the example
    assert apply_edits(ex.text, edits) == explain(ex.text, only=[name], **dict(ex.options)).text != ex.text


def test_listing_shows_on_and_off_by_default():
    p = run()
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert [line.split()[0] for line in lines] == list(RULES)
    assert [line.split()[1] for line in lines] == ["on" if r.default else "off" for r in RULES.values()]


def test_examples_show_before_and_after():
    p = run("--examples")
    assert p.returncode == 0, p.stderr
    out = p.stdout
    for name in RULES:
        assert f"\n{name} " in "\n" + out
    assert out.count("    before: ") == out.count("    after:  ") == len(RULES)
    assert '    before: "当地旅游旅游业发展很快。"\n    after:  "当地旅游业发展很快。"' in out
    assert "\\u200b" in out  # the zero-width space the unicode example removes is shown, not hidden


def test_named_rules_show_their_examples_and_unknown_ones_are_usage_errors():
    p = run("width", "page_headers")
    assert p.returncode == 0, p.stderr
    names = [line.split()[:2] for line in p.stdout.splitlines() if not line.startswith(" ")]
    assert names == [["width", "on"], ["page_headers", "off"]] and p.stdout.count("before:") == 2
    p = run("widht")
    assert p.returncode == 2 and "unknown rule 'widht'; valid rules: unicode" in p.stderr


def test_visible_escapes_what_cannot_be_seen():
    assert visible("a\tb\u00a0c\u2028") == '"a\\tb\\u00a0c\\u2028"'
    assert visible("中 文") == '"中 文"'

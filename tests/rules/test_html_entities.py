"""Rule `html_entities`: character references decoded under their own name."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import clean, explain


def only(text: str) -> str:
    return clean(text, only=["html_entities"])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Tom &amp; Jerry", "Tom & Jerry"),
        ("他说&quot;好&quot;", '他说"好"'),
        ("it&#39;s, it&#x27;s", "it's, it's"),
        ("a&nbsp;b", "a\u00a0b"),
        ("2020&mdash;2021&hellip;", "2020—2021…"),
        ("&#150; &#8220;quoted&#8221;", "– “quoted”"),  # browsers read &#150; as Windows-1252
        ("R&amp;amp;D", "R&D"),  # escaped twice: decoded all the way at once
        ("?a=1&amp;b=2", "?a=1&b=2"),
    ],
)
def test_decodes(text, expected):
    assert only(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I &lt;3 it",  # <3 would read as markup
        "a &gt; b, &#60;, &#x3E;, &nvlt;",
        "x < y &amp; z",  # a line with a < is markup or about it: literal
        "&#0; &#xD800; &#1114112; &NewLine; &Tab; &zwj; &shy; &#x202E;",  # controls, format characters
        "AT&T, ?a=1&copy=2, &amp", "&bogus; &ampxyz;",  # no semicolon, or no such name
        "&#38;amp; &am&#112;; &amp;lt;",  # decoding would make a new reference
    ],
)
def test_leaves_alone(text):
    assert only(text) == text


def test_edits_are_reported_under_their_own_name():
    r = explain("Tom &amp; Jerry")
    assert [(e.rule, e.before, e.after) for e in r.edits] == [("html_entities", "&amp;", "&")]
    assert clean("Tom &amp; Jerry", disable=["html_entities"]) == "Tom &amp; Jerry"


def test_an_entity_on_top_of_mojibake_is_repaired_by_the_two_rules():
    # ftfy's case "10Î&frac14;s": html_entities gives 10Î¼s, then unicode
    # (which runs again after it in the normalize rounds) 10μs
    assert clean("10Î&frac14;s", only=["html_entities", "unicode"]) == "10μs"


def test_command_reports_and_disables_the_rule(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("Tom &amp; Jerry &lt;3\n", encoding="utf-8")
    report = tmp_path / "edits.jsonl"
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    cmd = [sys.executable, "-m", "cleaner.cli", "clean", str(src), "-q"]
    p = subprocess.run([*cmd, "--report", str(report)], capture_output=True, env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.decode() == "Tom & Jerry &lt;3\n"
    rows = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    assert [(r["rule"], r["before"]) for r in rows] == [("html_entities", "&amp;")]
    p = subprocess.run([*cmd, "--disable", "html_entities"], capture_output=True, env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.decode() == "Tom &amp; Jerry &lt;3\n"


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(["&", "amp;", "#38;", "#59;", "#112;", "lt;", "am", "p", ";", " ", "<", "\n"]), max_size=10))
def test_idempotent(parts):
    once = only("".join(parts))
    assert only(once) == once

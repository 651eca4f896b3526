"""``cleaner rules``: every rule, on or off by default, and what it does to
an example (``cleaner/data/rule_examples.toml``) run through the library now,
so that an example cannot promise more than the installed rule does."""

from __future__ import annotations

import argparse
import json
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ..edits import Edit, apply_edits
from ..errors import UsageError
from ..registry import RULES
from .catalog import SUBCOMMANDS

__all__ = ["Example", "add_parser", "cmd_rules", "load_examples", "run_example", "visible"]

EXAMPLES = """\
examples:
  cleaner rules                      one line per rule: its name, on/off by default, what it does
  cleaner rules --examples           and what it does to an example, run now (before -> after)
  cleaner rules dedup ocr_confusion  these rules, with their examples

Rules that are off by default run with --enable RULE; --disable RULE and
--only RULE,... choose among the others (cleaner clean, cleaner review).
"""

#: characters of the example shown on each side of what the rule changed
CONTEXT = 12


@dataclass(frozen=True, slots=True)
class Example:
    """An input for one rule and the options it needs (``lexicon`` for the rule ``lexicon``)."""

    rule: str
    text: str
    options: Mapping[str, Any]


def load_examples() -> dict[str, Example]:
    """The examples of ``cleaner/data/rule_examples.toml``, by rule name.

    >>> load_examples()["width"].text
    '２０２１年,市委召开会议:研究ＡＩ发展。'
    """
    import tomllib  # only when examples are shown: a clean run does not load it

    data = tomllib.loads(resources.files("cleaner").joinpath("data", "rule_examples.toml").read_text(encoding="utf-8"))
    return {name: Example(name, entry["text"], entry.get("options", {})) for name, entry in data.items()}


def run_example(example: Example) -> list[Edit]:
    """The edits the example's rule makes on it, run alone (``only=[rule]``).

    >>> [(e.before, e.after) for e in run_example(Example("stutter", "当地旅游旅游业发展很快。", {}))]
    [('旅游', '')]
    """
    from .. import explain

    result = explain(example.text, only=[example.rule], **dict(example.options))
    return [e for e in result.edits if example.rule in e.rules]


def visible(text: str) -> str:
    """``text`` in quotes, with line breaks and invisible characters escaped.

    >>> print(visible("你好\\u200b\\n\\u00a0世界"))
    "你好\\u200b\\n\\u00a0世界"
    """
    out = []
    for ch in json.dumps(text, ensure_ascii=False):
        cat = unicodedata.category(ch)
        out.append(f"\\u{ord(ch):04x}" if cat in ("Cc", "Cf", "Zl", "Zp") or (cat == "Zs" and ch != " ") else ch)
    return "".join(out)


def _window(text: str, edits: Sequence[Edit]) -> tuple[str, str]:
    """The part of ``text`` the edits change, with :data:`CONTEXT` characters
    around it, before and after the edits."""
    a = max(0, min(e.start for e in edits) - CONTEXT)
    b = min(len(text), max(e.end for e in edits) + CONTEXT)
    inside = [Edit(e.rule, e.start - a, e.end - a, e.before, e.after) for e in edits]
    before = text[a:b]
    return ("…" if a else "") + before + ("…" if b < len(text) else ""), ("…" if a else "") + apply_edits(before, inside) + ("…" if b < len(text) else "")


def add_parser(subparsers: Any) -> None:
    """Add the ``rules`` subcommand to the ``cleaner`` parser."""
    r = subparsers.add_parser(
        "rules",
        help=SUBCOMMANDS["rules"].summary,
        description="List the rules in pipeline order: name, on or off by default, what it does; "
        "with --examples (or rule names) also what each does to an example, run through the library now.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    r.add_argument("names", nargs="*", metavar="RULE", help="show only these rules, with their examples")
    r.add_argument("--examples", action="store_true", help="show each rule's example: the text before and after it ran")
    r.set_defaults(func=cmd_rules)


def cmd_rules(args: argparse.Namespace) -> int:
    """Run ``cleaner rules``: one line per rule in pipeline order (and its
    example, before and after); returns the exit code."""
    names = list(getattr(args, "names", None) or RULES)
    unknown = [n for n in names if n not in RULES]
    if unknown:
        raise UsageError(f"unknown rule {unknown[0]!r}; valid rules: {', '.join(RULES)}")
    with_examples = bool(getattr(args, "examples", False) or getattr(args, "names", None))
    examples = load_examples() if with_examples else {}
    width = max(len(n) for n in RULES)
    for name in names:
        rule = RULES[name]
        print(f"{rule.name:<{width}}  {'on ' if rule.default else 'off'}  {rule.summary}")
        if name in examples:
            edits = run_example(examples[name])
            if not edits:  # the test suite keeps this from happening; say so rather than hide it
                print(f"    (its example {visible(examples[name].text)} is no longer changed by it)")
                continue
            before, after = _window(examples[name].text, edits)
            print(f"    before: {visible(before)}\n    after:  {visible(after)}")
    return 0
